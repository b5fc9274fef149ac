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
