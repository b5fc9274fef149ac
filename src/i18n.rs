//! The one translation table of the app: English and Finnish.
//!
//! English uses the help text's own words ("Done", "Go back", "Log out",
//! "Skip", "Next"). No dioxus in here: the UI picks a [`Texts`] by language
//! code and formats the few texts that carry a number.

use crate::session::{Notice, PinProblem, SessionError};

pub use crate::lang::Lang;

impl Lang {
    /// Every text of the app in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Fi => &FI,
        }
    }
}

/// The device language: the first of the OS's preferred languages that
/// the app has texts for, else English. Read with `sys-locale`: Android's
/// and iOS's language settings on phones, the POSIX locale (LANGUAGE,
/// LC_ALL, LC_MESSAGES, LANG) on Linux.
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

/// One intro step: a title and a paragraph.
pub struct IntroText {
    pub title: &'static str,
    pub body: &'static str,
}

/// Every user-visible word of the app, in one language. Texts with a
/// number carry `{n}` where it goes; see [`Texts::fill`].
pub struct Texts {
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
    pub show_password: &'static str,
    pub hide_password: &'static str,
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
    pub failed_attempts_one: &'static str,
    pub failed_attempts_many: &'static str,

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
    pub err_code_invalid: &'static str,
    pub err_code_invalid_last: &'static str,
    pub err_pin_incorrect: &'static str,
    pub err_pin_incorrect_last: &'static str,
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
    /// A check box's label: pay this invoice (`{n}`: supplier).
    pub pick_for_payment: &'static str,
    pub pay_one: &'static str,
    pub pay_many: &'static str,
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
    pub paid_one: &'static str,
    pub paid_many: &'static str,
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
    pub seconds: &'static str,
    pub one_second: &'static str,
    pub minutes: &'static str,
    pub one_minute: &'static str,
}

impl Texts {
    /// Puts `n` where a text says `{n}`.
    pub fn fill(template: &str, n: impl std::fmt::Display) -> String {
        template.replace("{n}", &n.to_string())
    }

    /// A wait in plain words: "45 seconds", "1 minute", "3 minutes".
    pub fn wait(&self, seconds: u64) -> String {
        match seconds {
            0 | 1 => Self::fill(self.one_second, 1),
            2..=59 => Self::fill(self.seconds, seconds),
            60 => Self::fill(self.one_minute, 1),
            _ => Self::fill(self.minutes, seconds.div_ceil(60)),
        }
    }

    /// Wrong PINs since the user last opened the app, in words.
    pub fn failed_attempts(&self, n: u32) -> String {
        match n {
            1 => self.failed_attempts_one.to_string(),
            n => Self::fill(self.failed_attempts_many, n),
        }
    }

    /// "Pay 1 invoice", "Pay 3 invoices".
    pub fn pay_count(&self, n: usize) -> String {
        match n {
            1 => self.pay_one.to_string(),
            n => Self::fill(self.pay_many, n),
        }
    }

    /// "1 invoice was paid.", "3 invoices were paid."
    pub fn paid_count(&self, n: usize) -> String {
        match n {
            1 => self.paid_one.to_string(),
            n => Self::fill(self.paid_many, n),
        }
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
            SessionError::RateLimited { retry_after_s } => self
                .err_rate_limited
                .replace("{wait}", &self.wait(*retry_after_s)),
            SessionError::AccountLocked => self.err_account_locked.to_string(),
            SessionError::CodeInvalid { attempts_left } if *attempts_left == 1 => {
                self.err_code_invalid_last.to_string()
            }
            SessionError::CodeInvalid { attempts_left } => {
                Self::fill(self.err_code_invalid, attempts_left)
            }
            SessionError::PinIncorrect { attempts_left } if *attempts_left == 1 => {
                self.err_pin_incorrect_last.to_string()
            }
            SessionError::PinIncorrect { attempts_left } => {
                Self::fill(self.err_pin_incorrect, attempts_left)
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

pub static EN: Texts = Texts {
    loading: "Starting Heeros Mobile…",
    busy: "Please wait…",

    skip: "Skip",
    next: "Next",
    back: "Back",
    get_started: "Get started",
    intro_step_of: "Step {n} of 5",
    intro: [
        IntroText {
            title: "Purchase invoices in your pocket",
            body: "Heeros Mobile lets you review, approve and pay your company's purchase invoices wherever you are.",
        },
        IntroText {
            title: "Receipts without paper",
            body: "Keep your receipts in order: they travel with you and reach your accounting without a shoebox.",
        },
        IntroText {
            title: "Log in once, then use your PIN",
            body: "Log in with your user name and password, then define a PIN code of your own. The login is valid for 90 days; until then the PIN is all you need.",
        },
        IntroText {
            title: "Protected by two-factor authentication",
            body: "When you log in with your password, you also type the code from your authenticator app. You do not need the code when you open the app with your PIN.",
        },
        IntroText {
            title: "All your companies",
            body: "If you have rights to several companies, tap your name and the company name on the home view to change the company.",
        },
    ],

    login_title: "Login to Heeros Mobile",
    login_lead: "Use the same user name and password as for Heeros in your browser.",
    username: "User name",
    username_hint: "Name Surname",
    username_format: "Your user name is your name, as in Heeros: Name Surname.",
    password: "Password",
    show_password: "Show",
    hide_password: "Hide",
    log_in: "Log in",
    language: "Language",
    missing_login: "Type your user name (Name Surname) and your password.",

    code_title: "Two-factor authentication",
    code_lead: "Type the 6-digit code shown in your authenticator app.",
    code_label: "Authentication code",
    paste: "Paste",
    paste_failed: "Could not read the clipboard. Long-press the field and choose Paste, or type the code.",
    verify: "Continue",
    code_tip_title: "Tip",
    code_tip: "If you are using the same device for both Heeros Mobile and authentication, quickly copying the code can be challenging. Here's a tip: Wait for the code to change and then copy it (for example, by long-pressing the code in the Google Authenticator app). Afterward, you can directly paste the code into Heeros Mobile.",
    back_to_login: "Back to login",
    missing_code: "Type the 6-digit code from your authenticator app.",

    pin_setup_title: "Define your PIN code",
    pin_setup_lead: "From now on you can open Heeros Mobile with this PIN only. You will also use it to confirm payments.",
    pin_first: "PIN code",
    pin_again: "PIN code again",
    pin_rules: "4–8 digits. Not one digit repeated (1111) and not a sequence (1234).",
    done: "Done",
    missing_pin: "Type your PIN code twice.",

    unlock_title: "Welcome back",
    unlock_lead: "Type your PIN code to open Heeros Mobile.",
    unlock_hello: "Hello, {n}",
    pin: "PIN code",
    unlock: "Open",
    pin_digits_typed: "Digits typed: {n}",
    erase: "Erase",

    open_company_menu: "Open the company menu",
    welcome: "Welcome, {n}",
    company_details: "Company",
    company_name: "Name",
    business_id: "Business ID",
    login_valid_until: "Your login is valid until {n}.",
    no_company: "No company selected",
    failed_attempts_one: "1 wrong PIN attempt since you last opened the app. If it was not you, log out and tell your Heeros administrator.",
    failed_attempts_many: "{n} wrong PIN attempts since you last opened the app. If it was not you, log out and tell your Heeros administrator.",

    company_menu_title: "Companies",
    go_back: "Go back",
    log_out: "Log out",
    current: "Current",
    choose_company: "Select a company",
    logging_out: "Logging out…",

    notice_login_expired: "Your login has expired: 90 days have passed since you last logged in. Log in again and define a new PIN code.",
    notice_device_revoked: "You have been logged out on this device (too many wrong PIN codes, or a logout elsewhere). Log in again and define a new PIN code.",
    notice_challenge_expired: "The authentication step expired. Log in again to get a new chance to type the code.",
    notice_logged_out: "You have logged out. Everything Heeros Mobile stored on this device, including your PIN code, has been cleared.",

    err_invalid_credentials: "Wrong user name or password. Check them and try again. The user name looks like Name Surname.",
    err_rate_limited: "Too many attempts. Wait {wait} and try again.",
    err_account_locked: "This account is locked after too many failed logins. Contact your Heeros administrator.",
    err_code_invalid: "Wrong authentication code. {n} attempts left. Check that you use the newest code.",
    err_code_invalid_last: "Wrong authentication code. 1 attempt left. Wait for a new code in your authenticator app.",
    err_pin_incorrect: "Wrong PIN code. {n} attempts left.",
    err_pin_incorrect_last: "Wrong PIN code. 1 attempt left: after one more wrong PIN code you need to log in with your password again.",
    err_pin_not_digits: "The PIN code can contain digits only.",
    err_pin_too_short: "The PIN code must have at least 4 digits.",
    err_pin_too_long: "The PIN code can have at most 8 digits.",
    err_pin_all_same: "The PIN code cannot be one digit repeated, like 1111. Choose another one.",
    err_pin_sequence: "The PIN code cannot be a sequence, like 1234 or 9876. Choose another one.",
    err_pin_mismatch: "The two PIN codes are different. Type the same PIN code twice.",
    err_missing_input: "Fill in the fields first.",
    err_offline: "Cannot reach Heeros. Check your connection and try again.",
    err_server: "Something went wrong at Heeros. Try again in a moment.",
    err_storage: "The secure storage of this device is not available. Heeros Mobile cannot keep your login safe.",
    err_forbidden: "You no longer have rights to that company. Ask your Heeros administrator if you need them.",
    err_kdf: "Your PIN could not be processed on this device. Log out and log in again.",
    err_config: "Heeros Mobile is set up with a wrong server address. Contact your Heeros administrator.",
    money: "{currency}{amount}",
    date_pattern: "%-d %b %Y",
    invoices_title: "Purchase invoices",
    to_approve: "To approve",
    to_pay: "To pay",
    paid_section: "Paid",
    nothing_to_approve: "Nothing waits for your approval.",
    nothing_to_pay: "No approved invoices to pay.",
    invoices_loading: "Loading invoices…",
    refresh: "Refresh",
    due_on: "Due {n}",
    overdue: "Overdue",
    pick_for_payment: "Pay {n}",
    pay_one: "Pay 1 invoice",
    pay_many: "Pay {n} invoices",
    selected_total: "Total {n}",
    invoice_title: "Invoice",
    supplier: "Supplier",
    invoice_number: "Invoice number",
    amount: "Amount",
    due_date: "Due date",
    iban: "Account (IBAN)",
    reference: "Reference",
    status: "Status",
    status_awaiting: "Awaiting approval",
    status_approved: "Approved",
    status_paid: "Paid",
    status_rejected: "Rejected",
    approve: "Approve",
    reject: "Reject",
    reject_title: "Reject this invoice?",
    reject_reason: "Reason (optional)",
    confirm_title: "Confirm payment",
    confirm_lead: "Check the payees and amounts. Your PIN code signs exactly this payment.",
    pay_from: "Paid by",
    total: "Total",
    confirm_with_pin: "PIN code to confirm",
    confirm: "Confirm",
    order_expires: "Confirm by {n}",
    paid_title: "Payment confirmed",
    paid_one: "1 invoice was paid.",
    paid_many: "{n} invoices were paid.",
    back_to_invoices: "Back to invoices",
    err_outdated: "This changed meanwhile, or the payment expired. Check the list and try again.",
    err_no_payment_key: "This device cannot confirm payments yet. Renew your login (in the company menu, log out and log in again) to turn payments on.",
    err_reason_too_long: "The reason can be at most 500 characters.",
    try_again: "Try again",

    notice_renewing: "Log in with your user name, password and authenticator code to use Heeros Mobile for another 90 days. Then define your PIN code again.",
    login_ends: "Your login ends on {n}. Renew it now to keep opening Heeros Mobile with your PIN code.",
    renew_now: "Renew now",
    renew_confirm_title: "Renew your login?",
    renew_confirm_body: "You will be logged out on this phone and log in again with your user name, password and authenticator code. Then you define your PIN code again, valid for 90 days.",
    forgot_pin: "Forgot PIN?",
    forgot_confirm_title: "Forgot your PIN code?",
    forgot_confirm_body: "Heeros Mobile clears everything it stored on this phone, including your PIN code. Then you log in with your user name, password and authenticator code, and define a new PIN code.",
    log_out_confirm_title: "Log out of Heeros Mobile?",
    log_out_confirm_body: "Everything Heeros Mobile stored on this phone will be cleared: your login, your company choice and your PIN code. Next time you log in with your user name, password and authenticator code, and define a new PIN code.",
    cancel: "Cancel",
    lock: "Lock",
    settings: "Settings",
    lock_after: "Lock when in the background for",
    lock_at_once: "At once",
    lock_1_min: "1 minute",
    lock_5_min: "5 minutes",
    lock_15_min: "15 minutes",
    unlock_offline: "Opening Heeros Mobile needs a connection to Heeros. Check your connection and try again.",
    pin_again_title: "Type the same PIN code again",

    change_pin: "Change PIN code",
    change_pin_title: "Change your PIN code",
    change_pin_current: "Current PIN code",
    change_pin_new: "New PIN code",
    pin_changed: "Your PIN code has been changed.",

    my_devices: "My devices",
    devices_lead: "Phones where you are logged in to Heeros Mobile. Log out a device you no longer use or do not recognise.",
    this_device: "This device",
    last_used: "Last used {n}",
    log_out_device: "Log out",
    log_out_all: "Log out from all devices",
    log_out_all_confirm_title: "Log out from all devices?",
    log_out_all_confirm_body: "Heeros Mobile is logged out on every phone where you use it, this one too, and this phone is cleared. On each of them you log in again with your user name, password and authenticator code.",

    startup_failed_title: "Heeros Mobile cannot start",
    startup_storage: "The secure storage of this device is not available, so Heeros Mobile cannot keep your login safe. On a Linux desktop, start a Secret Service (for example GNOME Keyring) and open the app again.",
    startup_other: "Heeros Mobile could not start.",

    seconds: "{n} seconds",
    one_second: "1 second",
    minutes: "{n} minutes",
    one_minute: "1 minute",
};

pub static FI: Texts = Texts {
    loading: "Heeros Mobile käynnistyy…",
    busy: "Odota hetki…",

    skip: "Ohita",
    next: "Seuraava",
    back: "Edellinen",
    get_started: "Aloita",
    intro_step_of: "Vaihe {n}/5",
    intro: [
        IntroText {
            title: "Ostolaskut taskussa",
            body: "Heeros Mobilella tarkastat, hyväksyt ja maksat yrityksesi ostolaskut missä tahansa.",
        },
        IntroText {
            title: "Kuitit ilman paperia",
            body: "Pidä kuitit järjestyksessä: ne kulkevat mukanasi ja päätyvät kirjanpitoon ilman kenkälaatikkoa.",
        },
        IntroText {
            title: "Kirjaudu kerran, käytä PIN-koodia",
            body: "Kirjaudu käyttäjätunnuksellasi ja salasanallasi ja määritä itsellesi PIN-koodi. Kirjautuminen on voimassa 90 päivää; sitä ennen pelkkä PIN-koodi riittää.",
        },
        IntroText {
            title: "Kaksivaiheinen tunnistautuminen",
            body: "Kun kirjaudut salasanalla, annat myös todennussovelluksesi näyttämän koodin. PIN-koodilla avatessa koodia ei tarvita.",
        },
        IntroText {
            title: "Kaikki yrityksesi",
            body: "Jos sinulla on oikeudet useampaan yritykseen, vaihda yritystä napauttamalla etusivulla nimeäsi ja yrityksen nimeä.",
        },
    ],

    login_title: "Kirjaudu Heeros Mobileen",
    login_lead: "Käytä samaa käyttäjätunnusta ja salasanaa kuin Heerosissa selaimella.",
    username: "Käyttäjätunnus",
    username_hint: "Etunimi Sukunimi",
    username_format: "Käyttäjätunnus on nimesi kuten Heerosissa: Etunimi Sukunimi.",
    password: "Salasana",
    show_password: "Näytä",
    hide_password: "Piilota",
    log_in: "Kirjaudu",
    language: "Kieli",
    missing_login: "Anna käyttäjätunnuksesi (Etunimi Sukunimi) ja salasanasi.",

    code_title: "Kaksivaiheinen tunnistautuminen",
    code_lead: "Anna todennussovelluksesi näyttämä 6-numeroinen koodi.",
    code_label: "Tunnistautumiskoodi",
    paste: "Liitä",
    paste_failed: "Leikepöytää ei voitu lukea. Paina kenttää pitkään ja valitse Liitä, tai kirjoita koodi.",
    verify: "Jatka",
    code_tip_title: "Vinkki",
    code_tip: "Jos käytät samaa laitetta sekä Heeros Mobileen että tunnistautumiseen, koodin nopea kopioiminen voi olla hankalaa. Vinkki: odota, että koodi vaihtuu, ja kopioi se sitten (esimerkiksi painamalla koodia pitkään Google Authenticator -sovelluksessa). Sen jälkeen voit liittää koodin suoraan Heeros Mobileen.",
    back_to_login: "Takaisin kirjautumiseen",
    missing_code: "Anna todennussovelluksesi 6-numeroinen koodi.",

    pin_setup_title: "Määritä PIN-koodi",
    pin_setup_lead: "Jatkossa avaat Heeros Mobilen pelkällä PIN-koodilla. Vahvistat sillä myös maksut.",
    pin_first: "PIN-koodi",
    pin_again: "PIN-koodi uudelleen",
    pin_rules: "4–8 numeroa. Ei samaa numeroa toistettuna (1111) eikä numerosarjaa (1234).",
    done: "Valmis",
    missing_pin: "Anna PIN-koodi kahdesti.",

    unlock_title: "Tervetuloa takaisin",
    unlock_lead: "Avaa Heeros Mobile antamalla PIN-koodisi.",
    unlock_hello: "Hei, {n}",
    pin: "PIN-koodi",
    unlock: "Avaa",
    pin_digits_typed: "Numeroita syötetty: {n}",
    erase: "Poista",

    open_company_menu: "Avaa yritysvalikko",
    welcome: "Tervetuloa, {n}",
    company_details: "Yritys",
    company_name: "Nimi",
    business_id: "Y-tunnus",
    login_valid_until: "Kirjautumisesi on voimassa {n} asti.",
    no_company: "Ei valittua yritystä",
    failed_attempts_one: "Tällä laitteella on annettu 1 väärä PIN-koodi sen jälkeen, kun viimeksi avasit sovelluksen. Jos se et ollut sinä, kirjaudu ulos ja kerro asiasta Heeros-pääkäyttäjällesi.",
    failed_attempts_many: "Tällä laitteella on annettu {n} väärää PIN-koodia sen jälkeen, kun viimeksi avasit sovelluksen. Jos se et ollut sinä, kirjaudu ulos ja kerro asiasta Heeros-pääkäyttäjällesi.",

    company_menu_title: "Yritykset",
    go_back: "Takaisin",
    log_out: "Kirjaudu ulos",
    current: "Valittu",
    choose_company: "Valitse yritys",
    logging_out: "Kirjaudutaan ulos…",

    notice_login_expired: "Kirjautumisesi on vanhentunut: edellisestä kirjautumisesta on kulunut 90 päivää. Kirjaudu uudelleen ja määritä uusi PIN-koodi.",
    notice_device_revoked: "Sinut on kirjattu ulos tällä laitteella (liian monta väärää PIN-koodia tai uloskirjautuminen muualla). Kirjaudu uudelleen ja määritä uusi PIN-koodi.",
    notice_challenge_expired: "Tunnistautumisvaihe vanheni. Kirjaudu uudelleen, niin voit antaa koodin.",
    notice_logged_out: "Olet kirjautunut ulos. Kaikki Heeros Mobilen tälle laitteelle tallentamat tiedot, myös PIN-koodisi, on poistettu.",

    err_invalid_credentials: "Väärä käyttäjätunnus tai salasana. Tarkista ne ja yritä uudelleen. Käyttäjätunnus on muotoa Etunimi Sukunimi.",
    err_rate_limited: "Liian monta yritystä. Odota {wait} ja yritä uudelleen.",
    err_account_locked: "Tili on lukittu liian monen epäonnistuneen kirjautumisen vuoksi. Ota yhteyttä Heeros-pääkäyttäjääsi.",
    err_code_invalid: "Väärä tunnistautumiskoodi. Yrityksiä jäljellä {n}. Tarkista, että käytät uusinta koodia.",
    err_code_invalid_last: "Väärä tunnistautumiskoodi. Yksi yritys jäljellä. Odota uutta koodia todennussovelluksessa.",
    err_pin_incorrect: "Väärä PIN-koodi. Yrityksiä jäljellä {n}.",
    err_pin_incorrect_last: "Väärä PIN-koodi. Yksi yritys jäljellä: seuraavan väärän PIN-koodin jälkeen sinun on kirjauduttava salasanalla.",
    err_pin_not_digits: "PIN-koodissa voi olla vain numeroita.",
    err_pin_too_short: "PIN-koodissa on oltava vähintään 4 numeroa.",
    err_pin_too_long: "PIN-koodissa voi olla enintään 8 numeroa.",
    err_pin_all_same: "PIN-koodi ei voi olla samaa numeroa toistettuna, kuten 1111. Valitse toinen.",
    err_pin_sequence: "PIN-koodi ei voi olla numerosarja, kuten 1234 tai 9876. Valitse toinen.",
    err_pin_mismatch: "PIN-koodit eroavat. Anna sama PIN-koodi kahdesti.",
    err_missing_input: "Täytä kentät ensin.",
    err_offline: "Heerokseen ei saada yhteyttä. Tarkista verkkoyhteys ja yritä uudelleen.",
    err_server: "Heeroksessa tapahtui virhe. Yritä hetken kuluttua uudelleen.",
    err_storage: "Laitteen suojattu tallennustila ei ole käytettävissä. Heeros Mobile ei voi säilyttää kirjautumistasi turvallisesti.",
    err_forbidden: "Sinulla ei ole enää oikeuksia tähän yritykseen. Pyydä niitä tarvittaessa Heeros-pääkäyttäjältäsi.",
    err_kdf: "PIN-koodiasi ei voitu käsitellä tällä laitteella. Kirjaudu ulos ja kirjaudu uudelleen sisään.",
    err_config: "Heeros Mobiilin palvelinosoite on asetettu väärin. Ota yhteyttä Heeros-pääkäyttäjääsi.",
    money: "{amount}\u{a0}{currency}",
    date_pattern: "%-d.%-m.%Y",
    invoices_title: "Ostolaskut",
    to_approve: "Hyväksyttävät",
    to_pay: "Maksettavat",
    paid_section: "Maksetut",
    nothing_to_approve: "Mikään ei odota hyväksyntääsi.",
    nothing_to_pay: "Ei hyväksyttyjä laskuja maksettavaksi.",
    invoices_loading: "Ladataan laskuja…",
    refresh: "Päivitä",
    due_on: "Eräpäivä {n}",
    overdue: "Myöhässä",
    pick_for_payment: "Maksa {n}",
    pay_one: "Maksa 1 lasku",
    pay_many: "Maksa {n} laskua",
    selected_total: "Yhteensä {n}",
    invoice_title: "Lasku",
    supplier: "Toimittaja",
    invoice_number: "Laskun numero",
    amount: "Summa",
    due_date: "Eräpäivä",
    iban: "Tilinumero (IBAN)",
    reference: "Viitenumero",
    status: "Tila",
    status_awaiting: "Odottaa hyväksyntää",
    status_approved: "Hyväksytty",
    status_paid: "Maksettu",
    status_rejected: "Hylätty",
    approve: "Hyväksy",
    reject: "Hylkää",
    reject_title: "Hylätäänkö lasku?",
    reject_reason: "Syy (vapaaehtoinen)",
    confirm_title: "Vahvista maksu",
    confirm_lead: "Tarkista saajat ja summat. PIN-koodisi allekirjoittaa juuri tämän maksun.",
    pay_from: "Maksaja",
    total: "Yhteensä",
    confirm_with_pin: "Vahvista PIN-koodilla",
    confirm: "Vahvista",
    order_expires: "Vahvista viimeistään klo {n}",
    paid_title: "Maksu vahvistettu",
    paid_one: "1 lasku maksettiin.",
    paid_many: "{n} laskua maksettiin.",
    back_to_invoices: "Takaisin laskuihin",
    err_outdated: "Tähän tuli muutos tai maksu vanheni. Tarkista lista ja yritä uudelleen.",
    err_no_payment_key: "Tällä laitteella ei voi vielä vahvistaa maksuja. Kirjaudu ulos ja uudelleen sisään, niin maksut otetaan käyttöön.",
    err_reason_too_long: "Syy voi olla enintään 500 merkkiä.",
    try_again: "Yritä uudelleen",

    notice_renewing: "Kirjaudu käyttäjätunnuksella, salasanalla ja tunnistautumiskoodilla, niin voit käyttää Heeros Mobilea taas 90 päivää. Määritä sen jälkeen PIN-koodi uudelleen.",
    login_ends: "Kirjautumisesi päättyy {n}. Uusi se nyt, niin voit edelleen avata Heeros Mobilen PIN-koodilla.",
    renew_now: "Uusi nyt",
    renew_confirm_title: "Uusitaanko kirjautuminen?",
    renew_confirm_body: "Sinut kirjataan ulos tällä puhelimella, ja kirjaudut uudelleen käyttäjätunnuksella, salasanalla ja tunnistautumiskoodilla. Sen jälkeen määrität PIN-koodin, joka on voimassa 90 päivää.",
    forgot_pin: "Unohditko PIN-koodin?",
    forgot_confirm_title: "Unohtuiko PIN-koodi?",
    forgot_confirm_body: "Heeros Mobile poistaa kaikki tälle puhelimelle tallentamansa tiedot, myös PIN-koodisi. Kirjaudu sen jälkeen käyttäjätunnuksella, salasanalla ja tunnistautumiskoodilla ja määritä uusi PIN-koodi.",
    log_out_confirm_title: "Kirjaudutaanko ulos Heeros Mobilesta?",
    log_out_confirm_body: "Kaikki Heeros Mobilen tälle puhelimelle tallentamat tiedot poistetaan: kirjautumisesi, yritysvalintasi ja PIN-koodisi. Seuraavalla kerralla kirjaudut käyttäjätunnuksella, salasanalla ja tunnistautumiskoodilla ja määrität uuden PIN-koodin.",
    cancel: "Peruuta",
    lock: "Lukitse",
    settings: "Asetukset",
    lock_after: "Lukitse, kun sovellus on ollut taustalla",
    lock_at_once: "Heti",
    lock_1_min: "1 minuutin",
    lock_5_min: "5 minuuttia",
    lock_15_min: "15 minuuttia",
    unlock_offline: "Heeros Mobilen avaaminen vaatii yhteyden Heerokseen. Tarkista verkkoyhteys ja yritä uudelleen.",
    pin_again_title: "Anna sama PIN-koodi uudelleen",

    change_pin: "Vaihda PIN-koodi",
    change_pin_title: "Vaihda PIN-koodisi",
    change_pin_current: "Nykyinen PIN-koodi",
    change_pin_new: "Uusi PIN-koodi",
    pin_changed: "PIN-koodisi on vaihdettu.",

    my_devices: "Laitteeni",
    devices_lead: "Puhelimet, joilla olet kirjautunut Heeros Mobileen. Kirjaa ulos laite, jota et enää käytä tai jota et tunnista.",
    this_device: "Tämä laite",
    last_used: "Viimeksi käytetty {n}",
    log_out_device: "Kirjaa ulos",
    log_out_all: "Kirjaudu ulos kaikilta laitteilta",
    log_out_all_confirm_title: "Kirjaudutaanko ulos kaikilta laitteilta?",
    log_out_all_confirm_body: "Heeros Mobile kirjataan ulos kaikilla puhelimilla, joilla käytät sitä, myös tällä, ja tämän puhelimen tiedot poistetaan. Kirjaudut niillä uudelleen käyttäjätunnuksella, salasanalla ja tunnistautumiskoodilla.",

    startup_failed_title: "Heeros Mobile ei käynnisty",
    startup_storage: "Laitteen suojattu tallennustila ei ole käytettävissä, joten Heeros Mobile ei voi säilyttää kirjautumistasi turvallisesti. Käynnistä Linux-työpöydällä Secret Service (esimerkiksi GNOME Keyring) ja avaa sovellus uudelleen.",
    startup_other: "Heeros Mobile ei voinut käynnistyä.",

    seconds: "{n} sekuntia",
    one_second: "1 sekunti",
    minutes: "{n} minuuttia",
    one_minute: "1 minuutti",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_start_follows_the_os_language_and_unknown_ones_are_english() {
        let langs = |list: &[&str]| device_language_from(list.iter().map(|l| l.to_string()));
        assert_eq!(langs(&["fi-FI"]), Lang::Fi);
        assert_eq!(langs(&["en-GB"]), Lang::En);
        assert_eq!(langs(&["de-DE"]), Lang::En, "unknown: English");
        assert_eq!(langs(&[]), Lang::En, "none: English");
        assert_eq!(
            langs(&["de-DE", "fi-FI", "en-US"]),
            Lang::Fi,
            "the first preferred language the app has"
        );
    }

    #[test]
    fn english_uses_the_help_texts_words() {
        assert_eq!(EN.done, "Done");
        assert_eq!(EN.go_back, "Go back");
        assert_eq!(EN.log_out, "Log out");
        assert_eq!(EN.skip, "Skip");
        assert_eq!(EN.next, "Next");
        assert_eq!(EN.username_hint, "Name Surname");
    }

    #[test]
    fn waits_are_in_plain_words() {
        assert_eq!(EN.wait(1), "1 second");
        assert_eq!(EN.wait(45), "45 seconds");
        assert_eq!(EN.wait(60), "1 minute");
        assert_eq!(EN.wait(61), "2 minutes", "never promise less than the wait");
        assert_eq!(EN.wait(121), "3 minutes");
        assert_eq!(FI.wait(30), "30 sekuntia");
    }

    #[test]
    fn errors_say_what_happened_and_what_to_do() {
        assert_eq!(
            EN.error(&SessionError::Offline),
            "Cannot reach Heeros. Check your connection and try again."
        );
        assert_eq!(
            EN.error(&SessionError::RateLimited { retry_after_s: 30 }),
            "Too many attempts. Wait 30 seconds and try again."
        );
        assert!(EN
            .error(&SessionError::PinIncorrect { attempts_left: 3 })
            .contains("3 attempts left"));
        assert!(EN
            .error(&SessionError::CodeInvalid { attempts_left: 2 })
            .contains("2 attempts left"));
        assert!(EN
            .error(&SessionError::PinPolicy(PinProblem::Sequence))
            .contains("1234"));
        assert!(EN.error(&SessionError::Forbidden).contains("rights"));
        // No error text leaks the inner detail of a server or storage fault.
        assert!(!EN
            .error(&SessionError::Server("secret detail".into()))
            .contains("secret"));
    }
}
