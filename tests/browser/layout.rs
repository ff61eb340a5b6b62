//! What axe does not check: that the edges of fields and the focus ring
//! stand out from the card (WCAG 1.4.11, non-text contrast, 3:1), and that
//! a right-to-left page keeps everything inside the card.

use serde_json::{Value, json};

use crate::axe::{Scheme, show_in};
use crate::browser::{Browser, text};
use crate::keys::tab_to;
use crate::support::{EMAIL, PASSWORD, TestApp};

const USERNAME: &str = r#"form[action="/login"] input#username"#;
const PASSWORD_FIELD: &str = r#"form[action="/login"] input#password"#;
const SIGN_IN: &str = r#"form[action="/login"] button[type="submit"]"#;
const ACCOUNT_EMAIL: &str = "#account-email";

/// WCAG 1.4.11's minimum for the parts of a control a person must see.
const NON_TEXT_CONTRAST: f64 = 3.0;

/// The contrast ratio (WCAG 2 relative luminance) of a colour the page
/// computed for `property` of the focused element against the card's
/// background; a translucent colour is first laid over the card.
const CONTRAST_TO_CARD: &str = r#"
const parse = s => s.match(/[\d.]+/g).map(Number);
const channel = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
const card = parse(getComputedStyle(document.querySelector('.card')).backgroundColor);
const style = getComputedStyle(document.activeElement);
const fg = parse(style[arguments[0]]);
const alpha = fg.length > 3 ? fg[3] : 1;
const seen = [0, 1, 2].map(i => fg[i] * alpha + card[i] * (1 - alpha));
const [hi, lo] = [luminance(seen), luminance(card)].sort((a, b) => b - a);
return { ratio: (hi + 0.05) / (lo + 0.05), colour: style[arguments[0]], outline: style.outlineStyle };
"#;

async fn contrast_of_focused(browser: &Browser, property: &str) -> Value {
    browser
        .client
        .execute(CONTRAST_TO_CARD, vec![json!(property)])
        .await
        .expect("compute a contrast in the page")
}

fn assert_contrast(measured: &Value, what: &str, scheme: Scheme) {
    let ratio = measured["ratio"].as_f64().expect("a ratio");
    assert!(
        ratio >= NON_TEXT_CONTRAST,
        "{what} in the {scheme:?} scheme has a contrast of {ratio:.2}:1 against the card \
         (needs {NON_TEXT_CONTRAST}:1): {measured}"
    );
}

#[tokio::test]
async fn field_edges_and_focus_rings_stand_out_from_the_card_in_light_and_dark() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    for scheme in [Scheme::Light, Scheme::Dark] {
        browser.goto(&app.url("/login")).await;
        browser.wait_for(USERNAME).await;
        show_in(&browser, scheme).await;
        // The empty form puts the focus on the email field.
        tab_to(&browser, USERNAME).await;
        let border = contrast_of_focused(&browser, "borderTopColor").await;
        assert_contrast(&border, "a field's border", scheme);
        let ring = contrast_of_focused(&browser, "outlineColor").await;
        assert_eq!(ring["outline"], json!("solid"), "{ring}");
        assert_contrast(&ring, "the focus ring of a field", scheme);

        tab_to(&browser, SIGN_IN).await;
        let ring = contrast_of_focused(&browser, "outlineColor").await;
        assert_contrast(&ring, "the focus ring of a button", scheme);
    }
    browser.close().await;
}

/// Every visible element of the card, as `[tag#id.class, left, right]`,
/// whose box reaches outside the card's; and whether the page scrolls
/// sideways.
const OUTSIDE_THE_CARD: &str = r#"
const card = document.querySelector('.card').getBoundingClientRect();
const outside = [];
for (const e of document.querySelectorAll('.card *')) {
  const r = e.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  if (r.left < card.left - 1 || r.right > card.right + 1) {
    outside.push([e.tagName + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className : ''), r.left, r.right]);
  }
}
const root = document.documentElement;
return { outside, scrolls: root.scrollWidth > root.clientWidth, card: [card.left, card.right] };
"#;

async fn assert_nothing_breaks_out(browser: &Browser, page: &str) {
    for (width, height) in [(1000, 800), (360, 740)] {
        browser
            .client
            .set_window_size(width, height)
            .await
            .expect("resize the window");
        for dir in ["ltr", "rtl"] {
            browser
                .client
                .execute(
                    "document.documentElement.dir = arguments[0];",
                    vec![json!(dir)],
                )
                .await
                .expect("set the page's direction");
            let found = browser
                .client
                .execute(OUTSIDE_THE_CARD, vec![])
                .await
                .expect("measure the page");
            assert_eq!(
                found["outside"],
                json!([]),
                "{page}, {dir}, {width}px wide: elements outside the card {}: {found}",
                found["card"]
            );
            assert_eq!(
                found["scrolls"],
                json!(false),
                "{page}, {dir}, {width}px wide: the page scrolls sideways"
            );
        }
    }
}

#[tokio::test]
async fn right_to_left_pages_keep_everything_inside_the_card() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn().await;

    browser.goto(&app.url("/login?next=/")).await;
    browser.wait_for(USERNAME).await;
    assert_nothing_breaks_out(&browser, "the login page").await;

    browser.type_into(USERNAME, EMAIL).await;
    browser.type_into(PASSWORD_FIELD, PASSWORD).await;
    browser.click(SIGN_IN).await;
    let shown = browser.wait_for(ACCOUNT_EMAIL).await;
    assert_eq!(text(&shown).await.trim(), EMAIL);
    assert_nothing_breaks_out(&browser, "the account page").await;

    browser.close().await;
}
