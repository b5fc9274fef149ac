//! The server's error enums: `ServerError` for start-up and admin work,
//! `Rejection` for what a request can end in (one wire code each).

use heeros_api::ErrorCode;

/// Failures of start-up, storage and the admin commands.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL (use sqlite:// or postgres://): {0}")]
    UnsupportedUrl(String),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Invalid(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("password hashing failed")]
    Hashing,
}

/// What a request can end in. Each maps to one wire `ErrorCode`.
#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("rate limited for {retry_after_s} s")]
    RateLimited { retry_after_s: u64 },
    #[error("account locked")]
    AccountLocked,
    #[error("totp invalid")]
    TotpInvalid { attempts_left: i64 },
    #[error("challenge expired")]
    ChallengeExpired,
    #[error("pin incorrect")]
    PinIncorrect { attempts_left: i64 },
    #[error("device revoked")]
    DeviceRevoked,
    #[error("login expired")]
    LoginExpired,
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("invalid state: {0}")]
    InvalidState(&'static str),
    #[error("headers too large")]
    HeadersTooLarge,
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl Rejection {
    pub fn code(&self) -> ErrorCode {
        match self {
            Rejection::BadRequest(_) => ErrorCode::BadRequest,
            Rejection::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            Rejection::InvalidCredentials => ErrorCode::InvalidCredentials,
            Rejection::RateLimited { .. } => ErrorCode::RateLimited,
            Rejection::AccountLocked => ErrorCode::AccountLocked,
            Rejection::TotpInvalid { .. } => ErrorCode::TotpInvalid,
            Rejection::ChallengeExpired => ErrorCode::ChallengeExpired,
            Rejection::PinIncorrect { .. } => ErrorCode::PinIncorrect,
            Rejection::DeviceRevoked => ErrorCode::DeviceRevoked,
            Rejection::LoginExpired => ErrorCode::LoginExpired,
            Rejection::Unauthorized => ErrorCode::Unauthorized,
            Rejection::Forbidden => ErrorCode::Forbidden,
            Rejection::NotFound => ErrorCode::NotFound,
            Rejection::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            Rejection::InvalidState(_) => ErrorCode::InvalidState,
            Rejection::HeadersTooLarge => ErrorCode::HeadersTooLarge,
            Rejection::Unavailable(_) => ErrorCode::Unavailable,
            Rejection::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl From<sqlx::Error> for Rejection {
    fn from(e: sqlx::Error) -> Self {
        if crate::db::note_connection_lost(&e) || is_busy(&e) {
            return Rejection::Unavailable(e.to_string());
        }
        Rejection::Internal(e.to_string())
    }
}

/// The pool full or closed; SQLite BUSY/LOCKED: the database will be
/// back, the request may be retried.
fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => true,
        sqlx::Error::Database(db) => matches!(db.code().as_deref(), Some("5" | "6")),
        _ => false,
    }
}

impl From<ServerError> for Rejection {
    fn from(e: ServerError) -> Self {
        match e {
            ServerError::Database(db) => db.into(),
            other => Rejection::Internal(other.to_string()),
        }
    }
}
