//! A name people recognise for a `User-Agent`: "Firefox on Linux". A few
//! well-known markers are enough for a list of one's own sessions; an
//! unknown agent is shown as the product name it starts with.

use crate::i18n::Lang;

/// "Browser on System", "curl", or "Unknown device".
pub fn describe(t: Lang, user_agent: Option<&str>) -> String {
    let Some(ua) = user_agent.map(str::trim).filter(|ua| !ua.is_empty()) else {
        return t.tr("device-unknown");
    };
    // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(browser), Some(system)) => t.tr2(
            "device-browser-on-system",
            "browser",
            browser,
            "system",
            system,
        ),
        (Some(browser), None) => browser.to_owned(),
        // A program: its product token ("curl/8.5.0" → "curl").
        _ => ua
            .split(['/', ' '])
            .next()
            .filter(|product| !product.is_empty())
            .map_or_else(|| t.tr("device-unknown"), |p| p.chars().take(40).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::describe;
    use crate::i18n::Lang;

    #[test]
    fn common_browsers_and_programs_get_their_names() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                "Safari on macOS",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Chrome on Android",
            ),
            ("curl/8.5.0", "curl"),
            ("python-requests/2.32.3", "python-requests"),
        ];
        for (ua, name) in cases {
            assert_eq!(describe(Lang::En, Some(ua)), name, "{ua}");
        }
        assert_eq!(describe(Lang::En, None), "Unknown device");
        assert_eq!(describe(Lang::En, Some("  ")), "Unknown device");
    }
}
