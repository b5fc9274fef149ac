//! The UI-free heart of the app: the journey (docs/design.md, Journey) as a
//! lifecycle state machine, the API client, PIN crypto and secure storage.
//! Nothing in here imports dioxus; everything is testable without a window.
//!
//! INTERFACE CONTRACT (shared by the session and UI work; keep these names):
//! - `Phase`, `Notice`, `Snapshot`: what the UI renders.
//! - `SessionStore`: the intents (async, `now` injected).
//! - `SessionError`: the one error enum of this layer.

use chrono::{DateTime, Utc};
use heeros_api::{Company, User};

pub mod api_client;
pub mod device;
pub mod pin;
pub mod store;
pub mod vault;

pub use api_client::ApiClient;
pub use device::DeviceInfo;
pub use store::SessionStore;
pub use vault::Vault;

/// Which screen the journey is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
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
}

/// Everything a screen needs to render, copied out of the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub phase: Phase,
    pub notice: Option<Notice>,
    pub user: Option<User>,
    pub companies: Vec<Company>,
    pub current_company_id: Option<i64>,
    /// When the stored (or pending) login expires.
    pub login_expires_at: Option<DateTime<Utc>>,
    /// The UI language code ("en" or "fi"), persisted in preferences.
    pub language: String,
}

/// The one error enum of the session layer. The UI turns each into words
/// (English/Finnish) and a next step; none of them carries a secret.
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
    /// A field the user must fill is empty or malformed (e.g. user name).
    #[error("missing input")]
    MissingInput,
    /// No answer from the server (down, no network, timeout).
    #[error("server unreachable")]
    Offline,
    /// The server answered something we did not expect (5xx, bad JSON).
    #[error("server error: {0}")]
    Server(String),
    /// The OS secure store failed (e.g. no Secret Service running).
    #[error("secure storage unavailable: {0}")]
    Storage(String),
    /// An intent that does not fit the current phase (e.g. unlock on Login).
    #[error("not possible now")]
    WrongPhase,
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

// The store itself (implemented in the submodules; signatures fixed here so
// the UI can be written against them):
//
// #[derive(Clone)] pub struct SessionStore  (Arc inside; Send + Sync)
// impl SessionStore {
//     pub fn new(api: ApiClient, vault: Vault, device: DeviceInfo) -> Self;
//     /// Reads storage: intro not seen -> Intro; stored login expired -> wipe,
//     /// Login + Notice::LoginExpired; stored login -> Unlock; else Login.
//     pub async fn start(&self, now: DateTime<Utc>) -> Result<Snapshot, SessionError>;
//     pub fn snapshot(&self) -> Snapshot;
//     pub fn intro_next(&self) -> Snapshot;            // step+1 (last step: finish)
//     pub fn intro_back(&self) -> Snapshot;
//     pub async fn finish_intro(&self) -> Result<Snapshot, SessionError>; // Skip / last Next
//     pub async fn set_language(&self, lang: &str) -> Result<Snapshot, SessionError>;
//     pub async fn submit_login(&self, username: &str, password: &str, now: DateTime<Utc>) -> Result<Snapshot, SessionError>;
//     pub async fn submit_code(&self, code: &str, now: DateTime<Utc>) -> Result<Snapshot, SessionError>;
//     pub fn back_to_login(&self) -> Snapshot;         // from Code or PinSetup; forgets the pending login
//     pub async fn set_pin(&self, pin: &str, repeat: &str, now: DateTime<Utc>) -> Result<Snapshot, SessionError>;
//     pub async fn unlock(&self, pin: &str, now: DateTime<Utc>) -> Result<Snapshot, SessionError>;
//     pub fn open_company_menu(&self) -> Snapshot;
//     pub fn go_back(&self) -> Snapshot;               // CompanyMenu -> Home
//     pub async fn switch_company(&self, company_id: i64, now: DateTime<Utc>) -> Result<Snapshot, SessionError>;
//     pub async fn logout(&self, now: DateTime<Utc>) -> Snapshot; // best effort server revoke, always wipes
//     // Additions (not in the first contract):
//     pub fn lock(&self) -> Snapshot;                  // Home/CompanyMenu -> Unlock; drops secret + token
//     pub fn vault(&self) -> &Vault;                   // tests inspect what is stored
// }
// The sync navigations back_to_login and lock are ignored (snapshot
// unchanged) while an async intent is running; intents run one at a time.
// Outcomes that change the journey (device revoked, login expired, challenge
// dead) return Ok(snapshot) on Login with the matching Notice; field errors
// return Err and leave the phase as it was.
