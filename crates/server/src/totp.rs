//! Authenticator codes per RFC 6238: SHA-1, 6 digits, 30-second steps,
//! accepting one step either side. Replay protection (a step must be newer
//! than the last accepted one) is enforced in the database by `auth`.

use chrono::{DateTime, Utc};
use totp_rs::{Algorithm, Builder, Secret, Totp};

use crate::error::ServerError;

pub const STEP_SECONDS: i64 = 30;
pub const ISSUER: &str = "Heeros";

fn totp(secret_base32: &str, account: &str) -> Result<Totp, ServerError> {
    let secret = Secret::try_from_base32(secret_base32)
        .map_err(|_| ServerError::Invalid("the TOTP secret is not base32".into()))?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(heeros_api::TOTP_DIGITS as u8)
        .with_skew(1)
        .with_step_duration(STEP_SECONDS as u64)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', " "))
        .build()
        .map_err(|e| ServerError::Invalid(format!("TOTP: {e}")))
}

fn unix(at: DateTime<Utc>) -> u64 {
    at.timestamp().max(0) as u64
}

/// A fresh random secret (160 bits), base32.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

/// The code an authenticator shows at `at`. For the demo and tests.
pub fn code_at(secret_base32: &str, at: DateTime<Utc>) -> String {
    totp(secret_base32, "")
        .map(|t| t.generate(unix(at)).to_string())
        .unwrap_or_default()
}

/// The time step (unix seconds / 30) a code belongs to, if it is valid at
/// `now` within one step either side. `code` must already be normalised.
pub fn matching_step(secret_base32: &str, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let t = totp(secret_base32, "").ok()?;
    t.check(code, unix(now)).map(|step| step as i64)
}

/// The `otpauth://` URI an authenticator app scans.
pub fn otpauth_uri(secret_base32: &str, account: &str) -> Result<String, ServerError> {
    totp(secret_base32, account)?
        .to_url()
        .map_err(|e| ServerError::Invalid(format!("TOTP URI: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const SECRET: &str = "HEEROSDEMOMAIJAMEIKALAINENTOTPAB";

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, 0).unwrap()
    }

    #[test]
    fn totp_accepts_one_step_either_side_and_no_more() {
        let now = at(1_800_000_000);
        let step = now.timestamp() / STEP_SECONDS;
        for (offset, accepted) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = code_at(SECRET, at((step + offset) * STEP_SECONDS));
            let got = matching_step(SECRET, &code, now);
            assert_eq!(got.is_some(), accepted, "offset {offset}");
            if accepted {
                assert_eq!(got, Some(step + offset));
            }
        }
    }

    #[test]
    fn codes_are_six_digits_and_garbage_never_matches() {
        let now = at(1_800_000_000);
        let code = code_at(SECRET, now);
        assert_eq!(code.len(), 6);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
        for bad in ["", "12345", "1234567", "abcdef", "+12345"] {
            assert_eq!(matching_step(SECRET, bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn otpauth_uri_names_issuer_and_account() {
        let uri = otpauth_uri(SECRET, "Maija Meikäläinen").unwrap();
        assert!(uri.starts_with("otpauth://totp/Heeros:"), "{uri}");
        assert!(uri.contains("secret=HEEROSDEMOMAIJAMEIKALAINENTOTPAB"));
        assert!(new_secret().len() >= 32);
    }
}
