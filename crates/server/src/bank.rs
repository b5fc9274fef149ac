//! What an operator types for an invoice, checked and brought to its
//! electronic form (docs/api.md, "Invoices and payments"): euro amounts,
//! IBANs (mod 97, through the `iban_validate` crate) and payment references
//! (Finnish national or RF creditor reference, ISO 11649). Every function
//! is pure; an error is an English sentence for the operator.

use iban::IbanLike;

/// Longest Finnish reference, check digit included; the shortest is 4.
pub const FI_REFERENCE_DIGITS: std::ops::RangeInclusive<usize> = 4..=20;
/// Longest RF creditor reference ("RF", two check digits, up to 21 more).
pub const MAX_RF_REFERENCE_CHARS: usize = 25;
/// Largest amount an invoice may have: 1 000 000 000,00 €.
pub const MAX_AMOUNT_CENTS: i64 = 100_000_000_000;

/// What people put between groups of digits: spaces, no-break spaces
/// (U+00A0, U+202F) and thin spaces.
fn is_group_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{00A0}' | '\u{2007}' | '\u{2009}' | '\u{202F}')
}

fn without_separators(text: &str) -> String {
    text.chars().filter(|c| !is_group_separator(*c)).collect()
}

/// "1234,56", "1234.56", "1 234,56" (also with no-break spaces) and "1234"
/// in cents. More than 2 decimals, a sign, anything but digits and one
/// decimal separator, zero or more than [`MAX_AMOUNT_CENTS`] are refused.
pub fn parse_amount(text: &str) -> Result<i64, String> {
    let compact = without_separators(text);
    let (whole, fraction) = match compact.split_once([',', '.']) {
        Some((w, f)) => (w, f),
        None => (compact.as_str(), ""),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || (compact.len() > whole.len() && !digits(fraction)) {
        return Err(format!(
            "the amount {text:?} is not a euro amount like 1234,56"
        ));
    }
    if fraction.len() > 2 {
        return Err(format!("the amount {text:?} has more than 2 decimals"));
    }
    // 13 digits of euros are more than MAX_AMOUNT_CENTS: no overflow below.
    if whole.trim_start_matches('0').len() > 13 {
        return Err(format!("the amount {text:?} is too large"));
    }
    let euros: i64 = whole.trim_start_matches('0').parse().unwrap_or(0);
    let cents: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
    let cents = euros * 100 + cents;
    if cents <= 0 {
        return Err("the amount must be more than 0".into());
    }
    if cents > MAX_AMOUNT_CENTS {
        return Err(format!("the amount {text:?} is too large"));
    }
    Ok(cents)
}

/// Cents as people write euros: "1 234,56" (no-break spaces between
/// thousands are not used, so a terminal table stays aligned).
pub fn format_amount(cents: i64) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    format!("{grouped},{:02}", cents % 100)
}

/// An IBAN in its electronic form (upper case, no spaces), when its check
/// digits (mod 97) and its country's length and format are right.
pub fn parse_iban(text: &str) -> Result<String, String> {
    let compact = without_separators(text).to_uppercase();
    compact
        .parse::<iban::Iban>()
        .map(|iban| iban.electronic_str().to_owned())
        .map_err(|e| format!("{text:?} is not a valid IBAN: {e}"))
}

/// The Finnish check digit of `base` (digits): weights 7, 3, 1 repeated
/// from the rightmost digit; the check digit brings the sum up to the next
/// multiple of ten.
pub fn finnish_check_digit(base: &str) -> Option<char> {
    if base.is_empty() || !base.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = base
        .chars()
        .rev()
        .zip([7, 3, 1].into_iter().cycle())
        .map(|(c, w)| (c as u32 - '0' as u32) * w)
        .sum();
    char::from_digit((10 - sum % 10) % 10, 10)
}

/// `base` with its Finnish check digit appended (demo data).
pub fn finnish_reference(base: &str) -> Option<String> {
    finnish_check_digit(base).map(|d| format!("{base}{d}"))
}

/// The value of "RF"-style text for mod 97: letters A=10 … Z=35, digits as
/// they are, the first four characters moved to the end.
fn mod97(text: &str) -> Option<u32> {
    let (head, tail) = text.split_at(4.min(text.len()));
    let mut rest = 0u32;
    for c in tail.chars().chain(head.chars()) {
        let value = c.to_digit(36)?;
        rest = if value >= 10 {
            (rest * 100 + value) % 97
        } else {
            (rest * 10 + value) % 97
        };
    }
    Some(rest)
}

/// An RF creditor reference for `body` (1–21 letters and digits; demo
/// data): "RF", two check digits, the body.
pub fn rf_reference(body: &str) -> Option<String> {
    let body = body.to_uppercase();
    if body.is_empty() || body.len() > 21 || !body.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let rest = mod97(&format!("RF00{body}"))?;
    Some(format!("RF{:02}{body}", 98 - rest))
}

/// A payment reference in its electronic form: a Finnish reference (4–20
/// digits, the last one the check digit; spaces allowed on input) or an RF
/// creditor reference (ISO 11649: "RF", two check digits, 1–21 letters or
/// digits, mod 97 == 1; upper case, spaces allowed on input).
pub fn parse_reference(text: &str) -> Result<String, String> {
    let compact = without_separators(text).to_uppercase();
    if compact.starts_with("RF") {
        let body_ok = compact.len() >= 5
            && compact.len() <= MAX_RF_REFERENCE_CHARS
            && compact[2..4].chars().all(|c| c.is_ascii_digit())
            && compact.chars().all(|c| c.is_ascii_alphanumeric());
        if !body_ok {
            return Err(format!(
                "{text:?} is not an RF creditor reference (RF, 2 check digits, up to 21 letters or digits)"
            ));
        }
        return match mod97(&compact) {
            Some(1) => Ok(compact),
            _ => Err(format!(
                "the check digits of the RF reference {text:?} are wrong"
            )),
        };
    }
    if !compact.chars().all(|c| c.is_ascii_digit()) || !FI_REFERENCE_DIGITS.contains(&compact.len())
    {
        return Err(format!(
            "{text:?} is not a reference: a Finnish one is 4 to 20 digits, an international one starts with RF"
        ));
    }
    let (base, check) = compact.split_at(compact.len() - 1);
    if finnish_check_digit(base).map(String::from).as_deref() != Some(check) {
        return Err(format!(
            "the check digit of the reference {text:?} is wrong"
        ));
    }
    Ok(compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_finnish_and_english_form_become_cents() {
        for (text, cents) in [
            ("1234,56", 123_456),
            ("1234.56", 123_456),
            ("1234", 123_400),
            ("1 234,56", 123_456),
            ("1\u{00A0}234,5", 123_450),
            ("12\u{202F}345\u{00A0}678,9", 1_234_567_890),
            ("0,01", 1),
            (" 7 ", 700),
        ] {
            assert_eq!(parse_amount(text), Ok(cents), "{text:?}");
        }
    }

    #[test]
    fn amounts_with_three_decimals_signs_or_nothing_are_refused() {
        for text in [
            "1,234",
            "12.345",
            "0",
            "0,00",
            "-5",
            "+5",
            "",
            " ",
            ",50",
            "5,",
            "1.234,56",
            "1e3",
            "12 abc",
            "999999999999999999999",
        ] {
            assert!(parse_amount(text).is_err(), "{text:?}");
        }
        assert!(parse_amount("1,234")
            .unwrap_err()
            .contains("more than 2 decimals"));
    }

    #[test]
    fn cents_print_grouped_with_a_decimal_comma() {
        assert_eq!(format_amount(123_456), "1 234,56");
        assert_eq!(format_amount(5), "0,05");
        assert_eq!(format_amount(100_000_000), "1 000 000,00");
    }

    #[test]
    fn ibans_are_checked_and_kept_electronic() {
        assert_eq!(
            parse_iban("FI21 1234 5600 0007 85").as_deref(),
            Ok("FI2112345600000785")
        );
        assert_eq!(
            parse_iban("fi21\u{00A0}1234 5600 0007 85").as_deref(),
            Ok("FI2112345600000785")
        );
        assert_eq!(
            parse_iban("DE44 5001 0517 5407 3249 31").as_deref(),
            Ok("DE44500105175407324931")
        );
        for bad in [
            "FI22 1234 5600 0007 85",
            "FI21 1234 5600 0007 8",
            "FI21-1234-5600-0007-85",
            "XX21 1234 5600 0007 85",
            "",
        ] {
            assert!(parse_iban(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn finnish_references_have_a_7_3_1_check_digit() {
        assert_eq!(finnish_reference("123").as_deref(), Some("1232"));
        assert_eq!(finnish_reference("1").as_deref(), Some("13"));
        for good in ["1232", "1 2 3 2", "12345672", "1234567890123456787"] {
            assert!(parse_reference(good).is_ok(), "{good:?}");
        }
        assert_eq!(parse_reference("1234 5672").as_deref(), Ok("12345672"));
        for bad in [
            "1233",                  // wrong check digit
            "13",                    // valid check digit, but shorter than 4
            "123456789012345678901", // 21 digits
            "12a2",
            "",
        ] {
            assert!(parse_reference(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rf_references_are_mod_97() {
        assert_eq!(
            parse_reference("RF18 5390 0754 7034").as_deref(),
            Ok("RF18539007547034")
        );
        assert_eq!(
            parse_reference("rf18539007547034").as_deref(),
            Ok("RF18539007547034")
        );
        assert_eq!(
            rf_reference("539007547034").as_deref(),
            Some("RF18539007547034")
        );
        assert!(rf_reference("1232").is_some_and(|r| parse_reference(&r).is_ok()));
        for bad in [
            "RF19539007547034",
            "RF18539007547035",
            "RF1853900754703",
            "RF18",
            "RFAB539007547034",
            "RF18 5390 0754 7034 0000 0000 00",
        ] {
            assert!(parse_reference(bad).is_err(), "{bad:?}");
        }
    }
}
