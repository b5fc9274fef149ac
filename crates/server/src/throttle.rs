//! Login throttling, kept in the database so every server instance sees the
//! same counts. Two keys per attempt: the normalised user name (also for
//! names that do not exist, so probing reveals nothing) and the client
//! address. Failures grow a back-off; 100 consecutive failures for a name
//! lock it until an admin unlocks it or resets the password (NIST SP
//! 800-63B §3.2.2). Wrong authenticator codes count on the same name key
//! as wrong passwords.
//!
//! Every attempt is *reserved* first: counted, and its back-off set, in one
//! transaction before Argon2 or the code check runs; a success gives the
//! reservation back. So a burst gets exactly the free attempts and then
//! waits, whatever the concurrency.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::db::throttle as sql;
use crate::db::Db;
use crate::error::Rejection;

/// Consecutive failures that lock a user name.
pub const LOCK_AFTER: i64 = 100;
/// Longest back-off, seconds.
pub const MAX_BACKOFF_S: i64 = 15 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The normalised user name: free failures 5, then 15 s doubling.
    Name,
    /// The client address: many users may share one (NAT), so more slack,
    /// and the count forgets after an hour without failures.
    Address,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Name => "name:",
            Kind::Address => "addr:",
        }
    }

    fn free_failures(self) -> i64 {
        match self {
            Kind::Name => 5,
            Kind::Address => 50,
        }
    }

    fn first_backoff_s(self) -> i64 {
        match self {
            Kind::Name => 15,
            Kind::Address => 5,
        }
    }

    /// Failures older than this no longer count (None: they always count).
    fn forget_after_s(self) -> Option<i64> {
        match self {
            Kind::Name => None,
            Kind::Address => Some(3600),
        }
    }
}

/// Seconds to wait after the `failures`-th consecutive failure.
pub fn backoff_s(kind: Kind, failures: i64) -> i64 {
    let over = failures - kind.free_failures();
    if over < 0 {
        return 0;
    }
    let doubled = kind.first_backoff_s().saturating_mul(1i64 << over.min(20));
    doubled.min(MAX_BACKOFF_S)
}

pub fn key(kind: Kind, value: &str) -> String {
    format!("{}{}", kind.prefix(), value)
}

/// One counted attempt on one key: give it back with [`release`] or
/// [`reset`] when it turns out not to be a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reserved {
    pub kind: Kind,
    pub key: String,
    /// The attempt's number in the current run of attempts on this key.
    pub n: i64,
}

impl Kind {
    fn lock(self) -> i64 {
        match self {
            Kind::Name => LOCK_AFTER,
            Kind::Address => i64::MAX,
        }
    }
}

/// What a log line may say about a key: the address as is, a user name only
/// as a short hash.
pub fn log_key(kind: Kind, key: &str) -> String {
    match kind {
        Kind::Name => crate::audit::tag(key),
        Kind::Address => key.to_owned(),
    }
}

/// Counts one attempt against every key, all or none, inside the caller's
/// transaction: `Ok(Err(i))` when `keys[i]` refuses (backing off or
/// locked) — then the caller rolls back, so nothing is counted, and asks
/// [`refusal`] why. The back-off the attempt would earn if it fails is set
/// at once, so a burst cannot slip past it; a success gives it back.
pub async fn reserve_all_in(
    conn: &mut AnyConnection,
    keys: &[(Kind, String)],
    now: DateTime<Utc>,
) -> Result<Result<Vec<Reserved>, usize>, sqlx::Error> {
    let mut reserved = Vec::with_capacity(keys.len());
    for (i, (kind, key)) in keys.iter().enumerate() {
        match reserve_in(&mut *conn, *kind, key, now).await? {
            Some(r) => reserved.push(r),
            None => return Ok(Err(i)),
        }
    }
    Ok(Ok(reserved))
}

/// Counts one attempt on one key inside the caller's transaction (the
/// caller commits, or rolls back and asks [`refusal`] why). None: refused.
pub async fn reserve_in(
    conn: &mut AnyConnection,
    kind: Kind,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<Reserved>, sqlx::Error> {
    let now_s = now.timestamp();
    let forget_before = kind.forget_after_s().map_or(i64::MIN, |s| now_s - s);
    let Some(n) = sql::reserve(conn, key, now_s, forget_before, kind.lock()).await? else {
        return Ok(None);
    };
    let wait = backoff_s(kind, n);
    if wait > 0 {
        sql::block_until(conn, key, now_s + wait).await?;
    }
    if kind == Kind::Name && n >= LOCK_AFTER {
        tracing::warn!(
            target: "heeros::security",
            event = "lock_reached",
            name = %log_key(kind, key),
            failures = n,
            "the 100th consecutive attempt on a user name is being checked; if it fails the name is locked"
        );
    }
    Ok(Some(Reserved {
        kind,
        key: key.to_owned(),
        n,
    }))
}

/// Why a key refused an attempt: locked, or backing off (and for how long).
pub async fn refusal(
    db: &Db,
    kind: Kind,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Rejection, Rejection> {
    let now_s = now.timestamp();
    let row = sql::find(db, key).await?;
    let (failures, blocked_until) = row.map_or((0, 0), |r| (r.failures, r.blocked_until));
    if kind == Kind::Name && failures >= LOCK_AFTER {
        tracing::warn!(
            target: "heeros::security",
            event = "locked",
            name = %log_key(kind, key),
            failures,
            "attempt refused: user name locked"
        );
        return Ok(Rejection::AccountLocked);
    }
    let retry_after_s = (blocked_until - now_s).max(1) as u64;
    tracing::warn!(
        target: "heeros::security",
        event = "throttled",
        kind = ?kind,
        key = %log_key(kind, key),
        failures,
        retry_after_s,
        "attempt refused: backing off"
    );
    Ok(Rejection::RateLimited { retry_after_s })
}

/// The attempt did not fail, but does not end the run of failures either
/// (a right password from an address; a right password before the code).
/// A back-off the attempts still in flight no longer earn is lifted, so
/// legitimate concurrent logins are not held back longer than the count
/// says.
pub async fn release(conn: &mut AnyConnection, r: &Reserved) -> Result<(), sqlx::Error> {
    sql::release(conn, &r.key, r.n, r.kind.free_failures()).await
}

/// The attempt succeeded: the run of failures up to it is over (the
/// back-off too, unless the attempts after it earn one).
pub async fn reset(conn: &mut AnyConnection, r: &Reserved) -> Result<(), sqlx::Error> {
    sql::reset(conn, &r.key, r.n, r.kind.free_failures()).await
}

/// Forgets the failures of one key (an admin unlock, a password reset).
pub async fn clear(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sql::delete(&mut *db.write().await?, key).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_from_the_sixth_failure_and_is_capped() {
        let table = [
            (1, 0),
            (4, 0),
            (5, 15),
            (6, 30),
            (7, 60),
            (10, 480),
            (11, MAX_BACKOFF_S),
            (99, MAX_BACKOFF_S),
            (i64::MAX, MAX_BACKOFF_S),
        ];
        for (failures, want) in table {
            assert_eq!(backoff_s(Kind::Name, failures), want, "failures {failures}");
        }
    }

    #[test]
    fn addresses_get_more_slack_than_names() {
        assert_eq!(backoff_s(Kind::Address, 49), 0);
        assert_eq!(backoff_s(Kind::Address, 50), 5);
        assert!(backoff_s(Kind::Address, 60) <= MAX_BACKOFF_S);
    }
}
