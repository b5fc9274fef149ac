//! Throttle rows: one per key (`name:…` or `addr:…`), holding the count of
//! attempts since the last reset, the back-off deadline and the last update.
//! An attempt is counted (reserved) *before* its secret is checked; a
//! success gives the count back. The rules (budgets, back-off) are in
//! `crate::throttle`; this module is the SQL.

use sqlx::AnyConnection;

use crate::db::{Conn, Db};

/// A throttle row as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThrottleRow {
    pub failures: i64,
    pub blocked_until: i64,
    pub updated_at: i64,
}

/// Counts one attempt on `key` if it is allowed now: not backing off
/// (`blocked_until <= now`) and below `lock` attempts — or its count is
/// older than `forget_before` (then it starts again at 1). Returns the
/// attempt's number, or None when refused. One statement: atomic on both
/// backends.
pub async fn reserve(
    conn: &mut AnyConnection,
    key: &str,
    now: i64,
    forget_before: i64,
    lock: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO throttle (key, failures, blocked_until, updated_at) VALUES ($1, 1, 0, $2) \
         ON CONFLICT (key) DO UPDATE SET \
           failures = CASE WHEN throttle.updated_at < $3 THEN 1 ELSE throttle.failures + 1 END, \
           updated_at = $2 \
         WHERE throttle.updated_at < $3 \
            OR (throttle.blocked_until <= $2 AND throttle.failures < $4) \
         RETURNING failures",
    )
    .bind(key)
    .bind(now)
    .bind(forget_before)
    .bind(lock)
    .fetch_optional(conn)
    .await
}

/// Sets the back-off deadline of a key (in the reservation's transaction).
pub async fn block_until(
    conn: &mut AnyConnection,
    key: &str,
    until: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE throttle SET blocked_until = $2 WHERE key = $1")
        .bind(key)
        .bind(until)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn find(db: &Db, key: &str) -> Result<Option<ThrottleRow>, sqlx::Error> {
    sqlx::query_as("SELECT failures, blocked_until, updated_at FROM throttle WHERE key = $1")
        .bind(key)
        .fetch_optional(&db.pool)
        .await
}

/// Gives back the attempt numbered `n` (it did not fail, but it does not end
/// the run of failures either). Its back-off goes too if no attempt came
/// after it, or if the attempts still counted (in flight) no longer earn
/// one: fewer than `free` (the key's failures without back-off). One
/// statement.
pub async fn release(e: impl Conn<'_>, key: &str, n: i64, free: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE throttle SET \
           failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END, \
           blocked_until = CASE WHEN failures = $2 OR failures - 1 < $3 THEN 0 \
             ELSE blocked_until END \
         WHERE key = $1",
    )
    .bind(key)
    .bind(n)
    .bind(free)
    .execute(e)
    .await
    .map(|_| ())
}

/// A success at attempt `n` ends the run: the `n` attempts up to and
/// including it are forgotten; attempts counted after it (still in flight)
/// keep counting, and keep the back-off only while they earn one (at least
/// `free`). One statement.
pub async fn reset(e: impl Conn<'_>, key: &str, n: i64, free: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE throttle SET \
           failures = CASE WHEN failures > $2 THEN failures - $2 ELSE 0 END, \
           blocked_until = CASE WHEN failures - $2 < $3 THEN 0 ELSE blocked_until END \
         WHERE key = $1",
    )
    .bind(key)
    .bind(n)
    .bind(free)
    .execute(e)
    .await
    .map(|_| ())
}

/// Forgets a key entirely (admin unlock, password reset).
pub async fn delete(e: impl Conn<'_>, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM throttle WHERE key = $1")
        .bind(key)
        .execute(e)
        .await
        .map(|_| ())
}
