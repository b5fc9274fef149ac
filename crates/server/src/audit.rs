//! Security events for the log (`target: "heeros::security"`), as
//! structured `tracing` fields. A user name appears only as a short hash
//! (enough to follow one name through the log, useless to learn it), a
//! device id only by its first characters; never a password, code, secret
//! or token.

use sha2::{Digest, Sha256};

/// A short, stable stand-in for a user name key in logs: 12 hex digits of
/// its SHA-256.
pub fn tag(value: &str) -> String {
    Sha256::digest(value.as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The first 8 characters of a device id: enough to find it in
/// `devices list`.
pub fn device(id: &str) -> &str {
    short(id)
}

/// The first 8 characters of a random id (device session, payment order).
pub fn short(id: &str) -> &str {
    let end = id.char_indices().nth(8).map_or(id.len(), |(i, _)| i);
    &id[..end]
}

/// A device session ended (and with it its tokens): logout, admin, the
/// 5th wrong PIN, expiry, a newer login beyond the cap, an admin remedy.
pub fn device_revoked(device_id: &str, reason: &str) {
    tracing::warn!(
        target: "heeros::security",
        event = "device_revoked",
        device = %device(device_id),
        reason,
        "device session ended"
    );
}

/// An unlock ended by `POST /v1/lock`: its tokens died, the device
/// session lives.
pub fn locked(user_id: i64, device_id: &str) {
    tracing::info!(
        target: "heeros::security",
        event = "locked",
        user_id,
        device = %device(device_id),
        "unlock ended by the app (lock)"
    );
}

/// A used refresh token came again: someone holds a copy; the device
/// session is revoked (the revocation is logged too).
pub fn refresh_reused(device_id: &str) {
    tracing::warn!(
        target: "heeros::security",
        event = "refresh_reused",
        device = %device(device_id),
        "a used refresh token was presented again"
    );
}

/// The user ended every device session of theirs (`POST /v1/logout/all`).
pub fn logged_out_everywhere(user_id: i64, device_id: &str, ended: usize) {
    tracing::warn!(
        target: "heeros::security",
        event = "logout_all",
        user_id,
        device = %device(device_id),
        ended,
        "every device session of the user ended by the user"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_short_stable_and_do_not_contain_the_name() {
        let t = tag("name:maija meikäläinen");
        assert_eq!(t.len(), 12);
        assert_eq!(t, tag("name:maija meikäläinen"));
        assert!(!t.contains("maija"));
        assert_eq!(device("abcdefghijkl"), "abcdefgh");
        assert_eq!(device("äö"), "äö");
    }
}
