//! The UI languages, as one type from the preferences on the device to the
//! texts on the screen (the texts themselves are in `i18n`). No dioxus.

use serde::{Deserialize, Serialize};

/// A supported UI language; stored in preferences by its code ("en", "fi",
/// "sv").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Fi,
    Sv,
}

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Fi, Lang::Sv];

    /// The language code ("en", "fi", "sv").
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fi => "fi",
            Lang::Sv => "sv",
        }
    }

    /// The language's name in itself, as a language choice shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fi => "Suomi",
            Lang::Sv => "Svenska",
        }
    }

    /// Reads a language code or a locale ("fi", "fi_FI.UTF-8", "sv-FI");
    /// `None` for a language the app has no texts for.
    pub fn parse(locale: &str) -> Option<Lang> {
        let code = locale
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        Lang::ALL.into_iter().find(|lang| lang.code() == code)
    }

    /// [`Lang::parse`], English for anything unknown.
    pub fn from_locale(locale: &str) -> Lang {
        Lang::parse(locale).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn locale_strings_pick_the_language_and_unknown_ones_are_english() {
        for (locale, lang) in [
            ("fi", Some(Lang::Fi)),
            ("fi_FI.UTF-8", Some(Lang::Fi)),
            ("FI-fi", Some(Lang::Fi)),
            ("en_GB.UTF-8", Some(Lang::En)),
            ("C.UTF-8", None),
            ("sv_FI", Some(Lang::Sv)),
            ("sv-SE", Some(Lang::Sv)),
            ("de-DE", None),
            ("", None),
        ] {
            assert_eq!(Lang::parse(locale), lang, "{locale}");
            assert_eq!(Lang::from_locale(locale), lang.unwrap_or(Lang::En));
        }
    }

    #[test]
    fn languages_are_stored_by_their_code() {
        assert_eq!(serde_json::to_string(&Lang::Fi).unwrap(), "\"fi\"");
        assert_eq!(serde_json::from_str::<Lang>("\"en\"").unwrap(), Lang::En);
    }
}
