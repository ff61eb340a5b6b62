//! The real-browser test: headless Chromium, driven through WebDriver
//! (chromedriver + fantoccini), signs in to the real server started
//! in-process on port 0 (the API tests' `TestApp`, from `tests/support`),
//! and saves screenshots (into `docs/` with `UPDATE_SCREENSHOTS=1`, else
//! `target/screenshots/`).
//!
//! Without Chromium and chromedriver on the machine each test says so loudly
//! on stderr and returns; `.ci/run` installs them, so CI always runs it.

mod accessibility;
mod application;
mod axe;
mod browser;
mod keyboard_only;
mod keys;
mod languages;
mod layout;
mod passkeys;
mod password_reset;
mod sign_in;
#[path = "../support/mod.rs"]
#[expect(
    dead_code,
    unused_imports,
    reason = "the support shared with the API tests holds more than the browser tests need"
)]
mod support;
mod totp;
