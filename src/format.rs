//! Amounts, dates and account numbers as the UI language writes them. The
//! locale data comes from libraries (`num-format` for digit grouping and the
//! decimal sign, chrono's locales for month names); only where the currency
//! sign goes is ours (the language's [`Texts::money`] pattern). No dioxus.
//!
//! [`Texts::money`]: crate::i18n::Texts::money

use chrono::NaiveDate;
use num_format::{Locale, ToFormattedString};

use crate::lang::Lang;

fn number_locale(lang: Lang) -> &'static Locale {
    match lang {
        Lang::En => &Locale::en,
        Lang::Fi => &Locale::fi,
        Lang::Sv => &Locale::sv,
    }
}

fn date_locale(lang: Lang) -> chrono::Locale {
    match lang {
        Lang::En => chrono::Locale::en_GB,
        Lang::Fi => chrono::Locale::fi_FI,
        Lang::Sv => chrono::Locale::sv_FI,
    }
}

/// A currency's sign, or its code when it has none we know.
fn currency_sign(currency: &str) -> &str {
    match currency {
        "EUR" => "€",
        other => other,
    }
}

/// Cents as an amount: fi and sv "1 234,56 €", en "€1,234.56" (the spaces
/// in Finnish and Swedish are no-break spaces, so the amount never wraps).
pub fn money(lang: Lang, cents: i64, currency: &str) -> String {
    let locale = number_locale(lang);
    let sign = if cents < 0 { locale.minus_sign() } else { "" };
    let cents = cents.unsigned_abs();
    let number = format!(
        "{sign}{}{}{:02}",
        (cents / 100).to_formatted_string(locale),
        locale.decimal(),
        cents % 100
    );
    crate::i18n::fill_named(
        lang.texts().money,
        &[("amount", &number), ("currency", &currency_sign(currency))],
    )
}

/// A due date: fi and sv "1.12.2026", en "1 Dec 2026".
pub fn date(lang: Lang, day: NaiveDate) -> String {
    day.format_localized(lang.texts().date_pattern, date_locale(lang))
        .to_string()
}

/// A moment as a day in the UI language's usual long form: en "1 March
/// 2026", fi and sv "1.3.2026" (login expiry, a device's last use).
pub fn long_date(lang: Lang, at: chrono::DateTime<chrono::Utc>) -> String {
    let pattern = match lang {
        Lang::En => "%-d %B %Y",
        Lang::Fi | Lang::Sv => "%-d.%-m.%Y",
    };
    at.format(pattern).to_string()
}

/// An IBAN in groups of four, as on paper ("FI21 1234 5600 0007 85").
pub fn iban(iban: &str) -> String {
    let compact: Vec<char> = iban.chars().filter(|c| !c.is_whitespace()).collect();
    compact
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_as_each_language_writes_them() {
        for (lang, cents, want) in [
            (Lang::Fi, 123456, "1\u{a0}234,56\u{a0}€"),
            (Lang::En, 123456, "€1,234.56"),
            (Lang::Fi, 5, "0,05\u{a0}€"),
            (Lang::Sv, 123456, "1\u{a0}234,56\u{a0}€"),
            (Lang::Sv, 100_000_000, "1\u{a0}000\u{a0}000,00\u{a0}€"),
            (Lang::Sv, -250, "\u{2212}2,50\u{a0}€"),
            (Lang::En, 100_000_000, "€1,000,000.00"),
            (Lang::En, -250, "€-2.50"),
        ] {
            assert_eq!(money(lang, cents, "EUR"), want, "{lang:?} {cents}");
        }
        assert_eq!(money(Lang::En, 100, "SEK"), "SEK1.00");
    }

    #[test]
    fn dates_use_the_language_and_its_month_names() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(date(Lang::Fi, day), "1.12.2026");
        assert_eq!(date(Lang::En, day), "1 Dec 2026");
        assert_eq!(date(Lang::Sv, day), "1.12.2026");
    }

    #[test]
    fn an_iban_is_grouped_by_four() {
        assert_eq!(iban("FI2112345600000785"), "FI21 1234 5600 0007 85");
        assert_eq!(iban("FI21 1234 5600 0007 85"), "FI21 1234 5600 0007 85");
        assert_eq!(iban(""), "");
    }
}
