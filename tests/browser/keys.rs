//! A person with a keyboard only: key presses through WebDriver's input
//! actions (the browser's own key events, sent to whatever has the focus),
//! and what has the focus.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::json;

use crate::browser::Browser;

/// The most Tab presses any control on our pages is away.
const MAX_TABS: usize = 40;

fn code(key: Key) -> char {
    key.chars().next().expect("a key code")
}

async fn perform(browser: &Browser, actions: KeyActions) {
    browser
        .client
        .perform_actions(actions)
        .await
        .expect("press keys");
}

/// Presses and releases `key`.
pub async fn press(browser: &Browser, key: Key) {
    let key = code(key);
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    perform(browser, actions).await;
}

/// Shift+Tab: one control back.
pub async fn shift_tab(browser: &Browser) {
    let (shift, tab) = (code(Key::Shift), code(Key::Tab));
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: shift })
        .then(KeyAction::Down { value: tab })
        .then(KeyAction::Up { value: tab })
        .then(KeyAction::Up { value: shift });
    perform(browser, actions).await;
}

/// Types `text` into whatever has the focus.
pub async fn type_text(browser: &Browser, text: &str) {
    let mut actions = KeyActions::new("keyboard".into());
    for c in text.chars() {
        actions = actions
            .then(KeyAction::Down { value: c })
            .then(KeyAction::Up { value: c });
    }
    perform(browser, actions).await;
}

/// Whether the focused element matches `css`.
pub async fn focused_is(browser: &Browser, css: &str) -> bool {
    browser
        .client
        .execute(
            "return document.activeElement !== null && document.activeElement.matches(arguments[0]);",
            vec![json!(css)],
        )
        .await
        .expect("ask what has the focus")
        == json!(true)
}

/// A short description of the focused element, for failure messages.
pub async fn focused(browser: &Browser) -> String {
    let described = browser
        .client
        .execute(
            "const e = document.activeElement; \
             return e ? e.outerHTML.slice(0, 160) : 'nothing';",
            vec![],
        )
        .await
        .expect("describe the focused element");
    described.as_str().unwrap_or_default().to_owned()
}

/// Presses Tab until the element matching `css` has the focus; fails if
/// it is not reachable within [`MAX_TABS`]. Each control passed on the way
/// must show where the focus is.
pub async fn tab_to(browser: &Browser, css: &str) {
    for _ in 0..MAX_TABS {
        if focused_is(browser, css).await {
            assert_focus_visible(browser).await;
            return;
        }
        press(browser, Key::Tab).await;
        assert_focus_visible(browser).await;
    }
    panic!(
        "`{css}` was not reached with {MAX_TABS} Tab presses; the focus is on {}",
        focused(browser).await
    );
}

/// The focused control, if it is one, draws a focus indicator: an outline
/// of some width and a style other than none.
pub async fn assert_focus_visible(browser: &Browser) {
    let outline = browser
        .client
        .execute(
            "const e = document.activeElement; \
             if (!e || !e.matches('a, button, input, select, textarea')) return null; \
             const s = getComputedStyle(e); \
             return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };",
            vec![],
        )
        .await
        .expect("read the focus outline");
    if outline.is_null() {
        return;
    }
    let visible =
        outline["style"] != json!("none") && outline["width"].as_f64().is_some_and(|w| w >= 1.0);
    assert!(
        visible,
        "no visible focus indicator ({outline}) on {}",
        focused(browser).await
    );
}
