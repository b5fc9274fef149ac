//! Login throttling, kept in the database so every server instance sees the
//! same counts. Two keys per attempt: the normalised user name (also for
//! names that do not exist, so probing reveals nothing) and the client
//! address. Failures grow a back-off; 100 consecutive failures for a name
//! lock it until an admin unlocks it or resets the password (NIST SP
//! 800-63B §3.2.2).

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::db::Db;
use crate::error::ApiError;

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

/// Refuses an attempt that arrives while a key is locked or backing off.
/// Returns whether any of the keys has failures on record (so a success
/// knows whether there is anything to clear).
pub async fn check(
    db: &Db,
    keys: &[(Kind, String); 2],
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let rows =
        sqlx::query("SELECT key, failures, blocked_until FROM throttle WHERE key IN ($1, $2)")
            .bind(&keys[0].1)
            .bind(&keys[1].1)
            .fetch_all(&db.pool)
            .await?;
    let mut wait = 0i64;
    for row in &rows {
        let key: String = row.try_get(0)?;
        let failures: i64 = row.try_get(1)?;
        let blocked_until: i64 = row.try_get(2)?;
        let kind = keys.iter().find(|(_, k)| *k == key).map(|(kind, _)| *kind);
        if kind == Some(Kind::Name) && failures >= LOCK_AFTER {
            return Err(ApiError::AccountLocked);
        }
        wait = wait.max(blocked_until - now.timestamp());
    }
    if wait > 0 {
        return Err(ApiError::RateLimited {
            retry_after_s: wait as u64,
        });
    }
    Ok(!rows.is_empty())
}

/// Counts one failure against each key and sets its back-off.
pub async fn record_failure(
    db: &Db,
    keys: &[(Kind, String)],
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let now_s = now.timestamp();
    for (kind, k) in keys {
        let forget_before = kind.forget_after_s().map_or(i64::MIN, |s| now_s - s);
        let failures: i64 = sqlx::query_scalar(
            "INSERT INTO throttle (key, failures, blocked_until, updated_at) VALUES ($1, 1, 0, $2) \
             ON CONFLICT (key) DO UPDATE SET \
               failures = CASE WHEN throttle.updated_at < $3 THEN 1 ELSE throttle.failures + 1 END, \
               updated_at = $2 \
             RETURNING failures",
        )
        .bind(k)
        .bind(now_s)
        .bind(forget_before)
        .fetch_one(&db.pool)
        .await?;
        let until = now_s + backoff_s(*kind, failures);
        sqlx::query("UPDATE throttle SET blocked_until = $2 WHERE key = $1")
            .bind(k)
            .bind(until)
            .execute(&db.pool)
            .await?;
    }
    Ok(())
}

/// Forgets the failures of one key (a successful login, an admin unlock, a
/// password reset).
pub async fn clear(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM throttle WHERE key = $1")
        .bind(key)
        .execute(&db.pool)
        .await
        .map(|_| ())
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
