//! The pseudo-locale `en-XA`: English made visibly foreign. A page in it
//! shows at a glance which words did not come from a catalogue (they stay
//! plain), and a test reads every page for them.

/// Marks the start and end of an argument, which the transform leaves as
/// it is (an email address must stay readable). Private-use characters,
/// never in a message or in user data worth showing.
const ARG_START: char = '\u{E000}';
const ARG_END: char = '\u{E001}';

/// `value`, marked so that [`transform`] keeps it.
pub(super) fn protect(value: &str) -> String {
    let cleaned: String = value
        .chars()
        .filter(|c| *c != ARG_START && *c != ARG_END)
        .collect();
    format!("{ARG_START}{cleaned}{ARG_END}")
}

/// The message `text` in brackets, its Latin letters accented except
/// inside arguments.
pub(super) fn transform(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2 + 6);
    out.push('⟦');
    let mut in_argument = false;
    for c in text.chars() {
        match c {
            ARG_START => in_argument = true,
            ARG_END => in_argument = false,
            c if in_argument => out.push(c),
            c => out.push(accented(c)),
        }
    }
    out.push('⟧');
    out
}

fn accented(c: char) -> char {
    const LOWER: [char; 26] = [
        'å', 'ƀ', 'ç', 'ð', 'é', 'ƒ', 'ĝ', 'ĥ', 'î', 'ĵ', 'ķ', 'ļ', 'ɱ', 'ñ', 'ö', 'þ', 'ǫ', 'ŕ',
        'š', 'ţ', 'û', 'ṽ', 'ŵ', 'ẋ', 'ý', 'ž',
    ];
    const UPPER: [char; 26] = [
        'Å', 'Ɓ', 'Ç', 'Ð', 'É', 'Ƒ', 'Ĝ', 'Ĥ', 'Î', 'Ĵ', 'Ķ', 'Ļ', 'Ṁ', 'Ñ', 'Ö', 'Þ', 'Ǫ', 'Ŕ',
        'Š', 'Ţ', 'Û', 'Ṽ', 'Ŵ', 'Ẋ', 'Ý', 'Ž',
    ];
    match c {
        'a'..='z' => LOWER[(c as u8 - b'a') as usize],
        'A'..='Z' => UPPER[(c as u8 - b'A') as usize],
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_are_accented_and_arguments_kept() {
        let text = format!("Hello {} at 5", protect("ann@example.com"));
        assert_eq!(transform(&text), "⟦Ĥéļļö ann@example.com åţ 5⟧");
    }
}
