//! Choosing a language from `Accept-Language` (RFC 9110, section 12.5.4):
//! the listed ranges by quality, then by their order; `q=0` rules a
//! language out; `*` is any language, so the default when it is allowed.
//! A header that cannot be read is no error: it chooses the default.

use super::Lang;

/// The language for a request whose `Accept-Language` is `header`.
pub fn choose(header: Option<&str>, default: Lang) -> Lang {
    let Some(header) = header else {
        return default;
    };
    let mut wanted: Vec<(u16, usize, &str)> = Vec::new();
    let mut refused: Vec<Lang> = Vec::new();
    for (position, item) in header.split(',').enumerate() {
        let mut parts = item.split(';');
        let range = parts.next().unwrap_or("").trim();
        if range.is_empty() {
            continue;
        }
        let Some(quality) = quality(parts) else {
            continue;
        };
        if quality == 0 {
            refused.extend(matching(range));
        } else {
            wanted.push((quality, position, range));
        }
    }
    // Stable: equal qualities keep the header's order.
    wanted.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, _, range) in wanted {
        if range == "*" {
            if !refused.contains(&default) {
                return default;
            }
            if let Some(lang) = Lang::LISTED.into_iter().find(|l| !refused.contains(l)) {
                return lang;
            }
            continue;
        }
        if let Some(lang) = matching(range).filter(|lang| !refused.contains(lang)) {
            return lang;
        }
    }
    default
}

/// The quality of a range, in thousandths; `None` when its parameters
/// cannot be read (the range is then ignored).
fn quality<'a>(params: impl Iterator<Item = &'a str>) -> Option<u16> {
    let mut quality = 1000;
    for param in params {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("q") {
            continue;
        }
        let value = value.trim();
        // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
        let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
        if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
        quality = match whole {
            "0" => thousandths,
            "1" if thousandths == 0 => 1000,
            _ => return None,
        };
    }
    Some(quality)
}

/// The language a range asks for: its primary subtag decides, except
/// that Traditional Chinese is not Simplified, and `en-XA` is the
/// pseudo-locale.
fn matching(range: &str) -> Option<Lang> {
    let range = range.to_ascii_lowercase();
    let mut subtags = range.split(['-', '_']);
    let primary = subtags.next()?;
    let rest: Vec<&str> = subtags.collect();
    match primary {
        "en" if rest.first() == Some(&"xa") => Some(Lang::Pseudo),
        "en" => Some(Lang::En),
        "de" => Some(Lang::De),
        "fr" => Some(Lang::Fr),
        "es" => Some(Lang::Es),
        // Brazilian Portuguese serves Portugal better than English does.
        "pt" => Some(Lang::PtBr),
        "ja" => Some(Lang::Ja),
        "zh" => {
            let simplified = rest.contains(&"hans");
            let traditional =
                rest.contains(&"hant") || rest.iter().any(|r| ["tw", "hk", "mo"].contains(r));
            (simplified || !traditional).then_some(Lang::ZhCn)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen(header: &str) -> Lang {
        choose(Some(header), Lang::En)
    }

    #[test]
    fn quality_then_position_decides() {
        assert_eq!(chosen("de-DE,de;q=0.9,en;q=0.8"), Lang::De);
        assert_eq!(chosen("fr;q=0.5, ja;q=0.9"), Lang::Ja);
        assert_eq!(chosen("es, fr"), Lang::Es);
        assert_eq!(chosen("nl, pt;q=0.3"), Lang::PtBr);
    }

    #[test]
    fn zero_quality_rules_a_language_out() {
        assert_eq!(chosen("de;q=0, fr;q=0.1"), Lang::Fr);
        assert_eq!(choose(Some("en;q=0, *"), Lang::En), Lang::De);
        assert_eq!(choose(Some("*"), Lang::Ja), Lang::Ja);
    }

    #[test]
    fn regional_and_script_variants_map_to_what_we_have() {
        assert_eq!(chosen("de-AT"), Lang::De);
        assert_eq!(chosen("pt-PT"), Lang::PtBr);
        for zh in ["zh", "zh-Hans", "zh-CN", "zh-SG", "zh-Hans-TW"] {
            assert_eq!(chosen(zh), Lang::ZhCn, "{zh}");
        }
        for zh in ["zh-TW", "zh-Hant", "zh-HK", "zh-Hant-CN"] {
            assert_eq!(chosen(zh), Lang::En, "{zh}");
        }
        assert_eq!(chosen("zh-TW, ja;q=0.5"), Lang::Ja);
        assert_eq!(chosen("en-XA"), Lang::Pseudo);
    }

    #[test]
    fn unreadable_headers_choose_the_default() {
        for header in ["", ",,,", "de;q=2", "de;q=abc", "de;q", ";;;", "☃"] {
            assert_eq!(choose(Some(header), Lang::Fr), Lang::Fr, "{header:?}");
        }
        assert_eq!(choose(None, Lang::Fr), Lang::Fr);
    }
}
