//! The one translation table of the app: English, Finnish and Swedish
//! (docs/design.md, "Languages").
//!
//! Every language is one [`Texts`] value, so a text missing in a language
//! does not compile. A text that carries a value has a named placeholder,
//! `{date}`, filled by [`fill`] (one value) or [`fill_named`]; a text with
//! a count is a [`Plural`], one form per plural category of the language's
//! CLDR rules (`intl_pluralrules`). English uses the help text's own words
//! ("Done", "Go back", "Log out", "Skip", "Next"). No dioxus in here.

use std::fmt::Display;
use std::sync::LazyLock;

use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use serde::Serialize;

use crate::session::{Notice, PinProblem, SessionError};

pub use crate::lang::Lang;

mod en;
mod fi;
mod sv;

pub use en::EN;
pub use fi::FI;
pub use sv::SV;

impl Lang {
    /// Every text of the app in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Fi => &FI,
            Lang::Sv => &SV,
        }
    }

    /// The CLDR plural category of the count `n` in this language.
    pub fn plural_category(self, n: u64) -> PluralCategory {
        static RULES: LazyLock<[PluralRules; 3]> = LazyLock::new(|| Lang::ALL.map(rules_of));
        let index = Lang::ALL.iter().position(|l| *l == self).unwrap_or(0);
        RULES[index].select(n).unwrap_or(PluralCategory::OTHER)
    }
}

fn rules_of(lang: Lang) -> PluralRules {
    let id: unic_langid::LanguageIdentifier = lang
        .code()
        .parse()
        .expect("a language code is a language identifier");
    PluralRules::create(id, PluralRuleType::CARDINAL).expect("CLDR has plural rules for fi, sv, en")
}

/// The device language: the first of the OS's preferred languages that
/// the app has texts for, else English. Read with `sys-locale`: Android's
/// system locale and iOS's preferred languages on phones, the POSIX locale
/// (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) on Linux.
pub fn device_language() -> Lang {
    device_language_from(sys_locale::get_locales())
}

/// [`device_language`] for a given list of locales, most preferred first.
pub fn device_language_from(locales: impl IntoIterator<Item = String>) -> Lang {
    locales
        .into_iter()
        .find_map(|locale| Lang::parse(&locale))
        .unwrap_or_default()
}

/// The names of the placeholders in a text, in order: "Due {date}" has
/// `["date"]`. A placeholder is a lowercase name in braces.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => {
                names.push(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    names
}

fn is_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// Puts each value where the text names it: `fill_named("{amount} {currency}",
/// &[("amount", &"1,00"), ("currency", &"€")])`.
pub fn fill_named(template: &str, values: &[(&str, &dyn Display)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), &value.to_string())
        })
}

/// Puts `value` into a text with one placeholder, whatever its name:
/// `fill("Due {date}", "1.12.2026")`.
pub fn fill(template: &str, value: impl Display) -> String {
    let value = value.to_string();
    placeholders(template)
        .into_iter()
        .fold(template.to_owned(), |text, name| {
            text.replace(&format!("{{{name}}}"), &value)
        })
}

/// A text with a count, `{count}`, in each plural form of its language.
/// Finnish, Swedish and English have two cardinal categories in CLDR, "one"
/// (the integer 1) and "other"; a test checks that the rules give no other.
/// The "one" form may leave the number out ("Voit yrittää vielä kerran").
#[derive(Debug, Serialize)]
pub struct Plural {
    pub one: &'static str,
    pub other: &'static str,
}

/// One intro step: a title and a paragraph.
#[derive(Debug, Serialize)]
pub struct IntroText {
    pub title: &'static str,
    pub body: &'static str,
}

/// Every user-visible word of the app, in one language.
#[derive(Debug, Serialize)]
pub struct Texts {
    /// The language of these texts (its plural rules, its formats).
    pub lang: Lang,
    /// The product as Heeros names it in this language.
    pub product: &'static str,
    pub loading: &'static str,
    pub busy: &'static str,

    // Intro
    pub skip: &'static str,
    pub next: &'static str,
    pub back: &'static str,
    pub get_started: &'static str,
    pub intro_step_of: &'static str,
    pub intro: [IntroText; 5],

    // Login
    pub login_title: &'static str,
    pub login_lead: &'static str,
    pub username: &'static str,
    pub username_hint: &'static str,
    pub username_format: &'static str,
    pub password: &'static str,
    /// The password toggle's visible word, and its name for screen readers.
    pub show_password: &'static str,
    pub show_password_name: &'static str,
    pub hide_password: &'static str,
    pub hide_password_name: &'static str,
    pub log_in: &'static str,
    pub language: &'static str,
    pub missing_login: &'static str,

    // Code
    pub code_title: &'static str,
    pub code_lead: &'static str,
    pub code_label: &'static str,
    pub paste: &'static str,
    pub paste_failed: &'static str,
    pub verify: &'static str,
    pub code_tip_title: &'static str,
    pub code_tip: &'static str,
    /// The link to the help page on two-factor authentication.
    pub code_read_more: &'static str,
    /// Said after a link that leaves the app.
    pub opens_in_browser: &'static str,
    pub back_to_login: &'static str,
    pub missing_code: &'static str,

    // PIN setup
    pub pin_setup_title: &'static str,
    pub pin_setup_lead: &'static str,
    pub pin_first: &'static str,
    pub pin_again: &'static str,
    pub pin_rules: &'static str,
    pub done: &'static str,
    pub missing_pin: &'static str,

    // Unlock
    pub unlock_title: &'static str,
    pub unlock_lead: &'static str,
    pub unlock_hello: &'static str,
    pub pin: &'static str,
    pub unlock: &'static str,
    pub pin_digits_typed: &'static str,
    pub erase: &'static str,

    // Home
    pub open_company_menu: &'static str,
    pub welcome: &'static str,
    pub company_details: &'static str,
    pub company_name: &'static str,
    pub business_id: &'static str,
    pub login_valid_until: &'static str,
    pub no_company: &'static str,
    pub wrong_pins_told: Plural,

    // Company menu
    pub company_menu_title: &'static str,
    pub go_back: &'static str,
    pub log_out: &'static str,
    pub current: &'static str,
    pub choose_company: &'static str,
    pub logging_out: &'static str,

    // Notices (why Login is shown)
    pub notice_login_expired: &'static str,
    pub notice_device_revoked: &'static str,
    pub notice_challenge_expired: &'static str,
    pub notice_logged_out: &'static str,

    // Errors
    pub err_invalid_credentials: &'static str,
    pub err_rate_limited: &'static str,
    pub err_account_locked: &'static str,
    pub err_code_invalid: Plural,
    pub err_pin_incorrect: Plural,
    pub err_pin_not_digits: &'static str,
    pub err_pin_too_short: &'static str,
    pub err_pin_too_long: &'static str,
    pub err_pin_all_same: &'static str,
    pub err_pin_sequence: &'static str,
    pub err_pin_mismatch: &'static str,
    pub err_missing_input: &'static str,
    pub err_offline: &'static str,
    pub err_server: &'static str,
    pub err_storage: &'static str,
    pub err_forbidden: &'static str,
    pub err_kdf: &'static str,
    pub err_config: &'static str,

    // Invoices and payments
    /// How an amount is written: `{amount}` and `{currency}` (its sign).
    pub money: &'static str,
    /// A due date, in chrono's format (month names from its locales).
    pub date_pattern: &'static str,
    pub invoices_title: &'static str,
    pub to_approve: &'static str,
    pub to_pay: &'static str,
    pub paid_section: &'static str,
    pub nothing_to_approve: &'static str,
    pub nothing_to_pay: &'static str,
    pub invoices_loading: &'static str,
    pub refresh: &'static str,
    pub due_on: &'static str,
    pub overdue: &'static str,
    /// A check box's label: pay this invoice (`{supplier}`).
    pub pick_for_payment: &'static str,
    pub pay_invoices: Plural,
    pub selected_total: &'static str,
    pub invoice_title: &'static str,
    pub supplier: &'static str,
    pub invoice_number: &'static str,
    pub amount: &'static str,
    pub due_date: &'static str,
    pub iban: &'static str,
    pub reference: &'static str,
    pub status: &'static str,
    pub status_awaiting: &'static str,
    pub status_approved: &'static str,
    pub status_paid: &'static str,
    pub status_rejected: &'static str,
    pub approve: &'static str,
    pub reject: &'static str,
    pub reject_title: &'static str,
    pub reject_reason: &'static str,
    pub confirm_title: &'static str,
    pub confirm_lead: &'static str,
    pub pay_from: &'static str,
    pub total: &'static str,
    pub confirm_with_pin: &'static str,
    pub confirm: &'static str,
    pub order_expires: &'static str,
    pub paid_title: &'static str,
    pub invoices_paid: Plural,
    pub back_to_invoices: &'static str,
    pub err_outdated: &'static str,
    pub err_no_payment_key: &'static str,
    pub err_reason_too_long: &'static str,
    pub try_again: &'static str,

    // Phone session
    pub notice_renewing: &'static str,
    pub login_ends: &'static str,
    pub renew_now: &'static str,
    pub renew_confirm_title: &'static str,
    pub renew_confirm_body: &'static str,
    pub forgot_pin: &'static str,
    pub forgot_confirm_title: &'static str,
    pub forgot_confirm_body: &'static str,
    pub log_out_confirm_title: &'static str,
    pub log_out_confirm_body: &'static str,
    pub cancel: &'static str,
    pub lock: &'static str,
    pub settings: &'static str,
    pub lock_after: &'static str,
    pub lock_at_once: &'static str,
    pub lock_1_min: &'static str,
    pub lock_5_min: &'static str,
    pub lock_15_min: &'static str,
    pub unlock_offline: &'static str,
    pub pin_again_title: &'static str,

    pub change_pin: &'static str,
    pub change_pin_title: &'static str,
    pub change_pin_current: &'static str,
    pub change_pin_new: &'static str,
    pub pin_changed: &'static str,

    pub my_devices: &'static str,
    pub devices_lead: &'static str,
    pub this_device: &'static str,
    pub last_used: &'static str,
    pub log_out_device: &'static str,
    pub log_out_all: &'static str,
    pub log_out_all_confirm_title: &'static str,
    pub log_out_all_confirm_body: &'static str,

    // Start-up failure
    pub startup_failed_title: &'static str,
    pub startup_storage: &'static str,
    pub startup_other: &'static str,

    // Durations
    pub seconds: Plural,
    pub minutes: Plural,
}

impl Texts {
    /// Puts `value` where a text with one placeholder says; see [`fill`].
    pub fn fill(template: &str, value: impl Display) -> String {
        fill(template, value)
    }

    /// A text with a count: the form of `n`'s plural category in this
    /// language, with `n` in it.
    pub fn count(&self, text: &Plural, n: u64) -> String {
        let form = match self.lang.plural_category(n) {
            PluralCategory::ONE => text.one,
            _ => text.other,
        };
        fill_named(form, &[("count", &n)])
    }

    /// A wait in plain words: "45 seconds", "1 minute", "3 minutes".
    pub fn wait(&self, seconds: u64) -> String {
        match seconds {
            0..=59 => self.count(&self.seconds, seconds.max(1)),
            _ => self.count(&self.minutes, seconds.div_ceil(60)),
        }
    }

    /// Wrong PINs since the user last opened the app, in words.
    pub fn failed_attempts(&self, n: u32) -> String {
        self.count(&self.wrong_pins_told, n.into())
    }

    /// "Pay 1 invoice", "Pay 3 invoices".
    pub fn pay_count(&self, n: usize) -> String {
        self.count(&self.pay_invoices, n as u64)
    }

    /// "1 invoice was paid.", "3 invoices were paid."
    pub fn paid_count(&self, n: usize) -> String {
        self.count(&self.invoices_paid, n as u64)
    }

    /// An invoice's status in words.
    pub fn invoice_status(&self, status: heeros_api::InvoiceStatus) -> &'static str {
        use heeros_api::InvoiceStatus as S;
        match status {
            S::AwaitingApproval => self.status_awaiting,
            S::Approved => self.status_approved,
            S::Paid => self.status_paid,
            S::Rejected => self.status_rejected,
        }
    }

    /// A lock delay in words.
    pub fn lock_delay(&self, delay: crate::session::LockDelay) -> &'static str {
        use crate::session::LockDelay;
        match delay {
            LockDelay::AtOnce => self.lock_at_once,
            LockDelay::OneMinute => self.lock_1_min,
            LockDelay::FiveMinutes => self.lock_5_min,
            LockDelay::FifteenMinutes => self.lock_15_min,
        }
    }

    /// Why the Login screen is shown.
    pub fn notice(&self, notice: Notice) -> &'static str {
        match notice {
            Notice::LoginExpired => self.notice_login_expired,
            Notice::DeviceRevoked => self.notice_device_revoked,
            Notice::ChallengeExpired => self.notice_challenge_expired,
            Notice::LoggedOut => self.notice_logged_out,
            Notice::Renewing => self.notice_renewing,
        }
    }

    /// Why a PIN was refused.
    pub fn pin_problem(&self, problem: PinProblem) -> &'static str {
        match problem {
            PinProblem::NotDigits => self.err_pin_not_digits,
            PinProblem::TooShort => self.err_pin_too_short,
            PinProblem::TooLong => self.err_pin_too_long,
            PinProblem::AllSame => self.err_pin_all_same,
            PinProblem::Sequence => self.err_pin_sequence,
        }
    }

    /// A session error in plain words, with what to do next.
    pub fn error(&self, error: &SessionError) -> String {
        match error {
            SessionError::InvalidCredentials => self.err_invalid_credentials.to_string(),
            SessionError::RateLimited { retry_after_s } => {
                fill(self.err_rate_limited, self.wait(*retry_after_s))
            }
            SessionError::AccountLocked => self.err_account_locked.to_string(),
            SessionError::CodeInvalid { attempts_left } => {
                self.count(&self.err_code_invalid, non_negative(*attempts_left))
            }
            SessionError::PinIncorrect { attempts_left } => {
                self.count(&self.err_pin_incorrect, non_negative(*attempts_left))
            }
            SessionError::PinPolicy(problem) => self.pin_problem(*problem).to_string(),
            SessionError::PinMismatch => self.err_pin_mismatch.to_string(),
            SessionError::MissingInput => self.err_missing_input.to_string(),
            SessionError::Offline => self.err_offline.to_string(),
            SessionError::Server(_) => self.err_server.to_string(),
            SessionError::Storage(_) => self.err_storage.to_string(),
            SessionError::Forbidden => self.err_forbidden.to_string(),
            SessionError::Kdf(_) => self.err_kdf.to_string(),
            SessionError::Config(_) => self.err_config.to_string(),
            SessionError::Outdated => self.err_outdated.to_string(),
            SessionError::NoPaymentKey => self.err_no_payment_key.to_string(),
            SessionError::ReasonTooLong => self.err_reason_too_long.to_string(),
        }
    }
}

/// A count from the server, never below zero.
fn non_negative(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[cfg(test)]
mod tests;
