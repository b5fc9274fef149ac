//! The UI-free heart of the app (docs/design.md, Journey): the journey as a
//! type ([`journey`]), the store that carries out its effects ([`store`]),
//! authorized server calls ([`access`]), the API client, PIN crypto and
//! secure storage. Nothing in here imports dioxus; everything is testable
//! without a window.
//!
//! What the UI uses: it sends [`Intent`]s and renders [`Snapshot`]s.

use heeros_api::{Account, Company, Invoice, PaymentConfirmed, PaymentOrder, User};
use zeroize::Zeroizing;

use crate::lang::Lang;

pub mod access;
pub mod api_client;
pub mod device;
pub mod invoices;
pub mod journey;
pub mod payment;
pub mod pin;
pub mod store;
pub mod vault;

pub use api_client::ApiClient;
pub use device::DeviceInfo;
pub use heeros_api::Clock;
pub use journey::INTRO_STEPS;
pub use store::SessionStore;
pub use vault::{LockDelay, Vault};

/// Which screen the journey is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading the device's storage (or it failed: the error says why).
    Starting,
    /// First launch only: 5 steps, each skippable. `step` is 0..=4.
    Intro {
        step: u8,
    },
    Login,
    /// Authenticator code for a live challenge.
    Code,
    /// Type a PIN twice, then Done.
    PinSetup,
    /// A stored login exists and has not expired: PIN to unlock.
    Unlock,
    Home,
    CompanyMenu,
    /// Old PIN, new PIN twice.
    ChangePin,
    /// My devices.
    Devices,
    /// One invoice: its details, Approve / Reject.
    Invoice,
    /// A payment order as it will be signed, and the PIN pad.
    PayConfirm,
    /// The payment was confirmed.
    Paid,
}

/// Why the Login screen is shown, when it is not a plain first login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// 90 days since the last full login: wiped.
    LoginExpired,
    /// 5 wrong PINs, an admin, or a logout elsewhere: wiped.
    DeviceRevoked,
    /// The code step died (5 wrong codes or 5 minutes): log in again.
    ChallengeExpired,
    /// The user logged out on this device: wiped.
    LoggedOut,
    /// The user chose Renew now: wiped, a full login gives 90 new days.
    Renewing,
}

/// What the user asked for. The UI sends these, one queue, in order; the
/// store handles one at a time ([`SessionStore::send`]). An intent that
/// does not fit the current screen changes nothing.
#[derive(Clone, PartialEq)]
pub enum Intent {
    /// Read storage and pick the first screen (also Try again on the splash).
    Start,
    IntroNext,
    IntroBack,
    /// Skip (any step), or Get started on the last.
    FinishIntro,
    SetLanguage(Lang),
    SetLockDelay(LockDelay),
    SubmitLogin {
        username: String,
        password: Zeroizing<String>,
    },
    /// A typed or pasted code; spaces and dashes are ignored.
    SubmitCode(Zeroizing<String>),
    /// From the code or PIN step: forget the login, show Login.
    BackToLogin,
    SetPin {
        pin: Zeroizing<String>,
        repeat: Zeroizing<String>,
    },
    Unlock(Zeroizing<String>),
    OpenCompanyMenu,
    /// Company menu → Home.
    GoBack,
    SwitchCompany(i64),
    /// Company menu → Change PIN.
    OpenChangePin,
    /// Company menu → My devices.
    OpenDevices,
    /// My devices: end another device's session.
    RevokeDevice(String),
    /// Every device session of the user ends, this one too.
    LogoutAll,
    /// Home: fetch the current company's invoices again.
    RefreshInvoices,
    /// Home → one invoice.
    OpenInvoice(i64),
    ApproveInvoice(i64),
    RejectInvoice {
        id: i64,
        reason: String,
    },
    /// Home: pick (or unpick) an approved invoice for payment.
    ToggleInvoice(i64),
    /// Home → a payment order of the picked invoices, to confirm.
    Pay,
    /// The PIN signs the order shown.
    ConfirmPayment(Zeroizing<String>),
    /// The old PIN (proved by the server, counted like an unlock), the new
    /// one twice.
    ChangePin {
        old: Zeroizing<String>,
        new: Zeroizing<String>,
        repeat: Zeroizing<String>,
    },
    /// Home or company menu → Unlock; the session leaves memory.
    Lock,
    Logout,
    /// From day 80: log out here and log in again for a new 90 days.
    Renew,
    /// The phone's back button: the screen's own back, if it has one.
    Back,
    /// The app went to the background (or the desktop window lost the
    /// focus): its content is covered, and the lock delay starts.
    WentToBackground,
    /// Back in front: Unlock if the lock delay has passed.
    CameToForeground,
}

impl Intent {
    /// Intents that may wait on the network or storage: the screen shows
    /// itself busy meanwhile. The rest answer at once.
    pub fn shows_busy(&self) -> bool {
        !matches!(
            self,
            Intent::IntroNext
                | Intent::IntroBack
                | Intent::BackToLogin
                | Intent::OpenCompanyMenu
                | Intent::GoBack
                | Intent::Back
                | Intent::OpenChangePin
                | Intent::OpenInvoice(_)
                | Intent::ToggleInvoice(_)
                | Intent::WentToBackground
                | Intent::CameToForeground
        )
    }
}

impl std::fmt::Debug for Intent {
    /// Names the intent; never prints a password, code or PIN.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Intent::SubmitLogin { username, .. } => {
                return write!(f, "SubmitLogin({username:?}, ..)");
            }
            Intent::SetLanguage(lang) => return write!(f, "SetLanguage({lang:?})"),
            Intent::SetLockDelay(delay) => return write!(f, "SetLockDelay({delay:?})"),
            Intent::SwitchCompany(id) => return write!(f, "SwitchCompany({id})"),
            Intent::SubmitCode(_) => "SubmitCode(..)",
            Intent::SetPin { .. } => "SetPin(..)",
            Intent::Unlock(_) => "Unlock(..)",
            Intent::ChangePin { .. } => "ChangePin(..)",
            Intent::OpenChangePin => "OpenChangePin",
            Intent::OpenDevices => "OpenDevices",
            Intent::RevokeDevice(_) => "RevokeDevice(..)",
            Intent::LogoutAll => "LogoutAll",
            Intent::RefreshInvoices => "RefreshInvoices",
            Intent::OpenInvoice(id) => return write!(f, "OpenInvoice({id})"),
            Intent::ApproveInvoice(id) => return write!(f, "ApproveInvoice({id})"),
            Intent::RejectInvoice { id, .. } => return write!(f, "RejectInvoice({id}, ..)"),
            Intent::ToggleInvoice(id) => return write!(f, "ToggleInvoice({id})"),
            Intent::Pay => "Pay",
            Intent::ConfirmPayment(_) => "ConfirmPayment(..)",
            Intent::Start => "Start",
            Intent::IntroNext => "IntroNext",
            Intent::IntroBack => "IntroBack",
            Intent::FinishIntro => "FinishIntro",
            Intent::BackToLogin => "BackToLogin",
            Intent::OpenCompanyMenu => "OpenCompanyMenu",
            Intent::GoBack => "GoBack",
            Intent::Lock => "Lock",
            Intent::Logout => "Logout",
            Intent::Renew => "Renew",
            Intent::Back => "Back",
            Intent::WentToBackground => "WentToBackground",
            Intent::CameToForeground => "CameToForeground",
        };
        f.write_str(name)
    }
}

/// Everything a screen needs to render, copied out of the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub phase: Phase,
    pub notice: Option<Notice>,
    /// Who is signed in (or logging in, or locked out by the PIN).
    pub account: Option<Account>,
    pub language: Lang,
    /// Wrong PINs typed on this device since the user last opened the app
    /// (told on Home: someone else may have tried).
    pub failed_attempts_since_last_unlock: u32,
    /// The login ends within 10 days (from day 80): Home and Unlock say when
    /// and offer Renew now.
    pub login_ending: bool,
    /// The app is in the background: nothing private is shown (the app
    /// switcher's picture shows only the cover).
    pub covered: bool,
    pub lock_delay: LockDelay,
    /// The screen has a back of its own (where the phone's back button goes).
    pub has_back: bool,
    /// The last intent changed the PIN.
    pub pin_changed: bool,
    /// My devices: the user's device sessions (this one `current`).
    pub devices: Vec<heeros_api::DeviceInfo>,
    /// Home: the current company's invoices (None: not fetched yet).
    pub invoices: Option<Vec<Invoice>>,
    /// Home: the approved invoices picked for payment.
    pub selected: Vec<i64>,
    /// The invoice shown (Phase::Invoice).
    pub invoice: Option<Invoice>,
    /// The order to confirm (Phase::PayConfirm).
    pub order: Option<PaymentOrder>,
    /// The confirmed payment (Phase::Paid).
    pub receipt: Option<PaymentConfirmed>,
    /// Today, on this device's calendar (overdue invoices are marked).
    pub today: chrono::NaiveDate,
    /// The login on this device has a payment key (logins stored before
    /// payments existed must log in again to pay).
    pub can_pay: bool,
    /// An intent is being handled: buttons are disabled, a spinner shows.
    pub busy: bool,
    /// What went wrong with the last intent, for the current screen.
    pub error: Option<SessionError>,
}

impl Snapshot {
    /// A snapshot of `phase` with nothing else in it (tests, previews).
    pub fn of(phase: Phase, language: Lang) -> Snapshot {
        Snapshot {
            phase,
            notice: None,
            account: None,
            language,
            failed_attempts_since_last_unlock: 0,
            login_ending: false,
            covered: false,
            lock_delay: LockDelay::default(),
            has_back: false,
            pin_changed: false,
            devices: Vec::new(),
            invoices: None,
            selected: Vec::new(),
            invoice: None,
            order: None,
            receipt: None,
            can_pay: false,
            today: chrono::NaiveDate::default(),
            busy: false,
            error: None,
        }
    }

    pub fn user(&self) -> Option<&User> {
        self.account.as_ref().map(|a| &a.user)
    }

    pub fn current_company(&self) -> Option<&Company> {
        self.account.as_ref().and_then(Account::current_company)
    }
}

/// The one error enum of the session layer. The UI turns each into words
/// and a next step; none of them carries a secret.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SessionError {
    #[error("wrong user name or password")]
    InvalidCredentials,
    #[error("too many attempts; wait {retry_after_s} s")]
    RateLimited { retry_after_s: u64 },
    #[error("account locked")]
    AccountLocked,
    #[error("wrong authentication code ({attempts_left} attempts left)")]
    CodeInvalid { attempts_left: i64 },
    #[error("wrong PIN ({attempts_left} attempts left)")]
    PinIncorrect { attempts_left: i64 },
    /// The PIN breaks the policy (digits only, 4-8 long, no 1111/1234/9876).
    #[error("PIN not allowed: {0:?}")]
    PinPolicy(PinProblem),
    #[error("the two PINs differ")]
    PinMismatch,
    /// A field the user must fill is empty.
    #[error("missing input")]
    MissingInput,
    /// The user has no rights to that company (any more).
    #[error("no rights to that company")]
    Forbidden,
    /// The invoice or payment changed meanwhile (decided by someone else,
    /// gone, the order expired or its invoices changed): the list is
    /// fetched again and the user looks once more.
    #[error("changed meanwhile")]
    Outdated,
    /// This login was stored before payments existed: it has no payment
    /// key. A new login (Renew) makes one.
    #[error("no payment key on this device")]
    NoPaymentKey,
    /// A rejection reason longer than the server takes.
    #[error("reason too long")]
    ReasonTooLong,
    /// No answer from the server (down, no network, timeout).
    #[error("server unreachable")]
    Offline,
    /// The server answered something we did not expect (5xx, bad JSON).
    #[error("server error: {0}")]
    Server(String),
    /// The OS secure store failed (e.g. no Secret Service running).
    #[error("secure storage unavailable: {0}")]
    Storage(String),
    /// The PIN key could not be derived (stored parameters unusable).
    #[error("PIN key derivation failed: {0}")]
    Kdf(String),
    /// The app is set up wrong (e.g. an API URL that is not https).
    #[error("configuration: {0}")]
    Config(String),
}

impl SessionError {
    /// Whether what the user typed is wrong (the field is marked and the
    /// user corrects it), rather than a fault of the connection, the server
    /// or the phone (a neutral message with Try again).
    pub fn is_about_the_input(&self) -> bool {
        matches!(
            self,
            SessionError::InvalidCredentials
                | SessionError::CodeInvalid { .. }
                | SessionError::PinIncorrect { .. }
                | SessionError::PinPolicy(_)
                | SessionError::PinMismatch
                | SessionError::MissingInput
                | SessionError::ReasonTooLong
        )
    }
}

impl From<vault::VaultError> for SessionError {
    fn from(err: vault::VaultError) -> Self {
        SessionError::Storage(err.to_string())
    }
}

/// Why a PIN was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinProblem {
    NotDigits,
    TooShort,
    TooLong,
    AllSame,
    Sequence,
}
