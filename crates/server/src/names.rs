//! User names: "Name Surname", matched case-insensitively after Unicode NFC
//! and whitespace folding; the display form keeps the original case.

use unicode_normalization::UnicodeNormalization;

/// Longest user name accepted (characters, after folding).
pub const MAX_NAME_CHARS: usize = 100;

/// NFC, trimmed, every run of whitespace folded into one space. Case kept.
pub fn display_form(raw: &str) -> String {
    let nfc: String = raw.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key names are matched by: the display form, lower-cased, NFC again
/// (lower-casing can denormalise). "  MAIJA   meikäläinen " and
/// "Maija Meika\u{308}la\u{308}inen" give the same key.
pub fn match_key(raw: &str) -> String {
    display_form(raw).to_lowercase().nfc().collect()
}

/// The key a login attempt's name is throttled and looked up by, bounded:
/// at most 4 × [`MAX_NAME_CHARS`] characters are read, and a key longer
/// than [`MAX_NAME_CHARS`] (no user can have it) is cut to one character
/// more, so an attacker cannot make throttle keys of any length.
pub fn bounded_key(raw: &str) -> String {
    let head: String = raw.chars().take(4 * MAX_NAME_CHARS).collect();
    match_key(&head).chars().take(MAX_NAME_CHARS + 1).collect()
}

/// Unicode general category Cf (format characters: bidi overrides and
/// isolates, zero-width spaces and joiners, BOM, tags, …), Unicode 15.
pub fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{0600}'..='\u{0605}'
        | '\u{061C}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08E2}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}'
        | '\u{E0020}'..='\u{E007F}')
}

/// A short free-text label from a client (device name, platform), safe to
/// show an operator: control and format (Cf) characters dropped, at most
/// `max` characters, trimmed.
pub fn label(raw: &str, max: usize) -> String {
    raw.chars()
        .filter(|c| !c.is_control() && !is_format_char(*c))
        .take(max)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Checks a name an admin is about to create: not empty, not absurdly long,
/// no control characters, at least two parts ("Name Surname").
pub fn validate_new(raw: &str) -> Result<String, String> {
    let name = display_form(raw);
    if name.is_empty() {
        return Err("the user name is empty".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "the user name is longer than {MAX_NAME_CHARS} characters"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("the user name contains control characters".into());
    }
    if !name.contains(' ') {
        return Err("the user name must look like \"Name Surname\"".into());
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_case_insensitively_after_nfc_and_whitespace_folding() {
        let cases = [
            ("Maija Meikäläinen", "maija meikäläinen"),
            ("  MAIJA \t  MEIKÄLÄINEN\n", "maija meikäläinen"),
            ("Maija Meika\u{308}la\u{308}inen", "maija meikäläinen"),
            ("Maija\u{00a0}Meikäläinen", "maija meikäläinen"),
            ("Maija Meikäläinen1", "maija meikäläinen1"),
            ("ÅSA ÖSTERBERG", "åsa österberg"),
        ];
        for (raw, key) in cases {
            assert_eq!(match_key(raw), key, "{raw:?}");
        }
    }

    #[test]
    fn labels_lose_control_and_format_characters_and_are_capped() {
        let cases = [
            ("Pixel 8", "Pixel 8"),
            ("evil\u{202E}enohp", "evilenohp"),
            ("zero\u{200B}width\u{2060}joiner\u{FEFF}", "zerowidthjoiner"),
            ("\u{2066}isolate\u{2069}\u{E0041}", "isolate"),
            ("line\nbreak\u{7}", "linebreak"),
            ("  padded  ", "padded"),
        ];
        for (raw, want) in cases {
            assert_eq!(label(raw, 100), want, "{raw:?}");
        }
        assert_eq!(label(&"x".repeat(500), 100).chars().count(), 100);
    }

    #[test]
    fn throttle_keys_of_long_names_are_bounded() {
        let long = "ä".repeat(15_000);
        assert_eq!(bounded_key(&long).chars().count(), MAX_NAME_CHARS + 1);
        assert_eq!(bounded_key("  MAIJA  meikäläinen"), "maija meikäläinen");
    }

    #[test]
    fn display_form_keeps_case_but_folds_spaces() {
        assert_eq!(display_form("  Maija   Meikäläinen "), "Maija Meikäläinen");
    }

    #[test]
    fn new_names_must_look_like_name_surname() {
        assert!(validate_new("Maija Meikäläinen").is_ok());
        assert!(validate_new("Maija").is_err());
        assert!(validate_new("   ").is_err());
        assert!(validate_new("Bad\u{7}Name Here").is_err());
        assert!(validate_new(&"a ".repeat(80)).is_err());
    }
}
