//! Wire contract (v1 and the v2 session calls) between Heeros Mobile and
//! `heeros-server`.
//!
//! Types only: serde shapes, the stable error-code enum and the constants both
//! sides agree on. No I/O lives here. The contract is documented in
//! `docs/api.md`; a change here is a change there.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod clock;
pub use clock::Clock;
mod invoices;
pub use invoices::*;

/// How long a full login lasts: the help text's 90 days, counted from the
/// login itself (absolute; unlocking does not extend it).
pub const LOGIN_LIFETIME_DAYS: i64 = 90;
/// Access tokens handed out by login and unlock live this long.
pub const ACCESS_TOKEN_MINUTES: i64 = 15;
/// Consecutive wrong unlock secrets (wrong PINs) before the device is revoked.
pub const MAX_UNLOCK_FAILURES: i64 = 5;
/// Wrong authenticator codes before a login challenge dies.
pub const MAX_TOTP_ATTEMPTS: i64 = 5;
/// A login challenge (the step between password and code) lives this long.
pub const CHALLENGE_MINUTES: i64 = 5;
/// Largest request body the server reads.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// Length of the random per-device unlock secret, in bytes.
pub const UNLOCK_SECRET_LEN: usize = 32;
/// Digits of an authenticator code (RFC 6238, 30-second steps).
pub const TOTP_DIGITS: usize = 6;
/// A refresh token not used for this long dies (each rotation starts the
/// time again); none outlives its device session's login expiry. The app
/// locks long before: a locked app holds no refresh token.
pub const REFRESH_IDLE_HOURS: i64 = 12;

pub mod paths {
    pub const LOGIN: &str = "/v1/login";
    pub const LOGIN_TOTP: &str = "/v1/login/totp";
    pub const UNLOCK: &str = "/v1/unlock";
    pub const ME: &str = "/v1/me";
    pub const ME_COMPANY: &str = "/v1/me/company";
    pub const LOGOUT: &str = "/v1/logout";
    pub const HEALTHZ: &str = "/healthz";
    /// `POST`: a refresh token for new tokens.
    pub const TOKEN: &str = "/v1/token";
    /// `POST`: this unlock's tokens die; the device session lives.
    pub const LOCK: &str = "/v1/lock";
    /// `GET`: the caller's live device sessions.
    pub const DEVICES: &str = "/v1/devices";
    /// `DELETE`: one of the caller's device sessions (the route pattern;
    /// build a path with [`device`]).
    pub const DEVICE: &str = "/v1/devices/{id}";
    /// `POST`: every device session of the user dies, the caller's too.
    pub const LOGOUT_ALL: &str = "/v1/logout/all";
    /// `POST`: the device's payment public key (once per device session).
    pub const PAYMENT_KEY: &str = "/v1/device/payment-key";
    /// `GET`: the current company's invoices.
    pub const INVOICES: &str = "/v1/invoices";
    /// `POST`: route patterns; build paths with [`invoice_approve`],
    /// [`invoice_reject`].
    pub const INVOICE_APPROVE: &str = "/v1/invoices/{id}/approve";
    pub const INVOICE_REJECT: &str = "/v1/invoices/{id}/reject";
    /// `POST`: a payment order of approved invoices.
    pub const PAYMENTS: &str = "/v1/payments";
    /// `POST`: the route pattern; build a path with [`payment_confirm`].
    pub const PAYMENT_CONFIRM: &str = "/v1/payments/{id}/confirm";

    pub fn invoice_approve(id: i64) -> String {
        format!("/v1/invoices/{id}/approve")
    }

    pub fn invoice_reject(id: i64) -> String {
        format!("/v1/invoices/{id}/reject")
    }

    /// Payment ids are base64url, safe in a path as they are.
    pub fn payment_confirm(id: &str) -> String {
        format!("/v1/payments/{id}/confirm")
    }

    /// The path of one device session (`DELETE`). Device ids are base64url,
    /// safe in a path as they are.
    pub fn device(id: &str) -> String {
        format!("/v1/devices/{id}")
    }
}

/// `POST /v1/login`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    pub device_name: String,
    pub platform: String,
}

/// `POST /v1/login/totp`. Spaces and dashes in `code` are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpRequest {
    pub challenge: String,
    pub code: String,
}

/// `POST /v1/unlock`. `unlock_secret` is base64url (no padding) of 32 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlockRequest {
    pub device_id: String,
    pub unlock_secret: String,
}

/// `PUT /v1/me/company`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyRequest {
    pub company_id: i64,
}

/// 200 answer of `PUT /v1/me/company`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyChanged {
    pub current_company_id: i64,
}

/// The answer of `POST /v1/login` and `POST /v1/login/totp` on success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "next", rename_all = "snake_case")]
pub enum LoginStep {
    /// The password was right and the user has an authenticator: send a code.
    Totp {
        challenge: String,
        challenge_expires_at: DateTime<Utc>,
    },
    /// Fully logged in: the device session exists; the app sets its PIN next.
    PinSetup { session: Session },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub id: i64,
    pub name: String,
    pub business_id: String,
}

/// Who is signed in and where: the user, the companies they have rights
/// to, the current one, and when the full login ends (90 days after it).
/// On the wire its fields sit flat inside `SESSION` and `UNLOCKED`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub user: User,
    pub companies: Vec<Company>,
    pub current_company_id: i64,
    pub login_expires_at: DateTime<Utc>,
}

impl Account {
    /// The current company, when the user still has rights to it.
    pub fn current_company(&self) -> Option<&Company> {
        self.companies
            .iter()
            .find(|c| c.id == self.current_company_id)
    }
}

/// A new device session, created by a full login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub device_id: String,
    pub unlock_secret: String,
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    #[serde(flatten)]
    pub account: Account,
}

/// 200 answer of `POST /v1/unlock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unlocked {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    #[serde(flatten)]
    pub account: Account,
    /// Wrong unlock attempts (wrong PINs) counted on this device since its
    /// previous successful unlock; the app tells the user when it is not 0.
    /// Absent from older servers: 0.
    #[serde(default)]
    pub failed_attempts_since_last_unlock: u32,
    /// Renews the access token at `POST /v1/token` (once: each answer
    /// brings the next). Absent from older servers: empty.
    #[serde(default)]
    pub refresh_token: String,
}

/// `POST /v1/token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRequest {
    pub refresh_token: String,
}

/// 200 answer of `POST /v1/token`: a new access token and the next refresh
/// token (the one sent is used up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
}

/// One device session of the caller's, as `GET /v1/devices` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub id: String,
    pub device_name: String,
    pub platform: String,
    /// When the full login made it.
    pub created_at: DateTime<Utc>,
    /// The last unlock, token refresh or payment confirmation (the login,
    /// before any).
    pub last_used_at: DateTime<Utc>,
    pub login_expires_at: DateTime<Utc>,
    /// The device session of the access token that asked.
    pub current: bool,
}

/// 200 answer of `GET /v1/devices`: the caller's live device sessions,
/// newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceList {
    pub devices: Vec<DeviceInfo>,
}

/// 200 answer of `GET /v1/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user: User,
    pub companies: Vec<Company>,
    pub current_company_id: i64,
}

impl Me {
    /// The account of a device session whose full login ends at
    /// `login_expires_at`.
    pub fn into_account(self, login_expires_at: DateTime<Utc>) -> Account {
        Account {
            user: self.user,
            companies: self.companies,
            current_company_id: self.current_company_id,
            login_expires_at,
        }
    }
}

/// The stable error codes of the wire. Each maps to one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not the JSON this call expects.
    BadRequest,
    /// 413: the body is larger than [`MAX_BODY_BYTES`].
    PayloadTooLarge,
    /// 401: unknown user or wrong password (the two are indistinguishable).
    InvalidCredentials,
    /// 429: too many failures; wait `retry_after_s`.
    RateLimited,
    /// 423: 100 consecutive failures for this user name; an admin must unlock.
    AccountLocked,
    /// 401: wrong or reused authenticator code; `attempts_left` follows.
    TotpInvalid,
    /// 401: the login challenge is dead (5 wrong codes, 5 minutes, or used).
    ChallengeExpired,
    /// 401: wrong unlock secret (wrong PIN); `attempts_left` follows.
    PinIncorrect,
    /// 401: the device session was revoked (5 wrong PINs, admin, logout).
    DeviceRevoked,
    /// 401: 90 days have passed since the full login.
    LoginExpired,
    /// 401: missing, unknown or expired access token.
    Unauthorized,
    /// 403: no rights to that company.
    Forbidden,
    /// 404: no such route, or no such device session, invoice or payment
    /// order of the caller's (another company's answers the same).
    NotFound,
    /// 405: the route exists, not with this method.
    MethodNotAllowed,
    /// 409: not in a state that allows this (an invoice already decided,
    /// a payment order expired, confirmed or changed, a second payment key).
    InvalidState,
    /// 408: the request took too long to arrive (30 s for the whole request).
    RequestTimeout,
    /// 431: too many or too large request headers.
    HeadersTooLarge,
    /// 503: the database is unreachable; try again shortly.
    Unavailable,
    /// 500: a fault on the server; details are in its log, not here.
    Internal,
}

impl ErrorCode {
    pub const fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::InvalidCredentials
            | ErrorCode::TotpInvalid
            | ErrorCode::ChallengeExpired
            | ErrorCode::PinIncorrect
            | ErrorCode::DeviceRevoked
            | ErrorCode::LoginExpired
            | ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::InvalidState => 409,
            ErrorCode::RequestTimeout => 408,
            ErrorCode::HeadersTooLarge => 431,
            ErrorCode::AccountLocked => 423,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
            ErrorCode::Unavailable => 503,
        }
    }

    /// The English sentence the server sends in `message`.
    pub const fn default_message(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "The request was not understood.",
            ErrorCode::PayloadTooLarge => "The request is too large.",
            ErrorCode::InvalidCredentials => "Wrong user name or password.",
            ErrorCode::RateLimited => "Too many attempts. Wait and try again.",
            ErrorCode::AccountLocked => {
                "This account is locked after too many failed logins. Contact your administrator."
            }
            ErrorCode::TotpInvalid => "Wrong authentication code.",
            ErrorCode::ChallengeExpired => "The login has expired. Log in again.",
            ErrorCode::PinIncorrect => "Wrong PIN code.",
            ErrorCode::DeviceRevoked => "This device has been logged out. Log in again.",
            ErrorCode::LoginExpired => "Your login is older than 90 days. Log in again.",
            ErrorCode::Unauthorized => "Not signed in.",
            ErrorCode::Forbidden => "You have no rights to that company.",
            ErrorCode::NotFound => "Not found.",
            ErrorCode::MethodNotAllowed => "This method is not allowed here.",
            ErrorCode::InvalidState => "This cannot be done in its current state.",
            ErrorCode::RequestTimeout => "The request took too long to arrive.",
            ErrorCode::HeadersTooLarge => "The request headers are too large.",
            ErrorCode::Unavailable => "The service is temporarily unavailable. Try again shortly.",
            ErrorCode::Internal => "Something went wrong on the server.",
        }
    }
}

/// Every error answer: `{"error": CODE, "message": TEXT, ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorCode,
    pub message: String,
    /// With `rate_limited`: seconds to wait (also in the `Retry-After` header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u64>,
    /// With `totp_invalid` and `pin_incorrect`: tries left before the
    /// challenge dies or the device is revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<i64>,
}

impl ErrorBody {
    pub fn new(error: ErrorCode) -> Self {
        ErrorBody {
            error,
            message: error.default_message().to_owned(),
            retry_after_s: None,
            attempts_left: None,
        }
    }
}

/// Strips the separators people paste with codes: spaces (also no-break and
/// thin spaces) and dashes. "123 456", "123-456" and " 123456\n" all become
/// "123456". Anything else is left for the checker to refuse.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_step_is_tagged_by_next() {
        let step = LoginStep::Totp {
            challenge: "abc".into(),
            challenge_expires_at: "2026-01-01T00:05:00Z".parse().unwrap(),
        };
        let json = serde_json::to_value(&step).unwrap();
        assert_eq!(json["next"], "totp");
        assert_eq!(json["challenge"], "abc");
        let back: LoginStep = serde_json::from_value(json).unwrap();
        assert_eq!(back, step);
    }

    #[test]
    fn the_account_sits_flat_in_the_session_as_the_contract_says() {
        let json = serde_json::json!({
            "device_id": "d", "unlock_secret": "s",
            "access_token": "t", "access_expires_at": "2026-01-05T08:15:00Z",
            "login_expires_at": "2026-04-05T08:00:00Z",
            "user": {"id": 1, "display_name": "Maija Meikäläinen"},
            "companies": [{"id": 7, "name": "Heeros Demo Oy", "business_id": "1234567-8"}],
            "current_company_id": 7
        });
        let session: Session = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(
            session.account.current_company().unwrap().name,
            "Heeros Demo Oy"
        );
        assert_eq!(serde_json::to_value(&session).unwrap(), json);
    }

    #[test]
    fn error_codes_are_snake_case_on_the_wire() {
        let body = ErrorBody {
            attempts_left: Some(3),
            ..ErrorBody::new(ErrorCode::PinIncorrect)
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["error"], "pin_incorrect");
        assert_eq!(json["attempts_left"], 3);
        assert!(json.get("retry_after_s").is_none());
    }

    #[test]
    fn unlocked_from_an_older_server_has_no_failed_attempts() {
        let old = serde_json::json!({
            "login_expires_at": "2026-04-05T09:00:00Z",
            "access_token": "t",
            "access_expires_at": "2026-01-05T09:15:00Z",
            "user": {"id": 1, "display_name": "Maija Meikäläinen"},
            "companies": [],
            "current_company_id": 1
        });
        let unlocked: Unlocked = serde_json::from_value(old).unwrap();
        assert_eq!(unlocked.failed_attempts_since_last_unlock, 0);
        assert_eq!(unlocked.refresh_token, "");
    }

    #[test]
    fn every_code_has_a_client_or_server_error_status() {
        for code in [
            ErrorCode::BadRequest,
            ErrorCode::InvalidCredentials,
            ErrorCode::RateLimited,
            ErrorCode::DeviceRevoked,
            ErrorCode::Forbidden,
            ErrorCode::Unavailable,
        ] {
            assert!((400..600).contains(&code.http_status()), "{code:?}");
        }
        assert_eq!(ErrorCode::RateLimited.http_status(), 429);
        assert_eq!(ErrorCode::Unavailable.http_status(), 503);
    }

    #[test]
    fn pasted_codes_lose_their_separators() {
        for (input, want) in [
            ("123 456", "123456"),
            ("123-456", "123456"),
            (" 123456\n", "123456"),
            ("123\u{00a0}456", "123456"),
            ("123\u{2013}456", "123456"),
            ("12a456", "12a456"),
        ] {
            assert_eq!(normalize_code(input), want, "{input:?}");
        }
    }
}
