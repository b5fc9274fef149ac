//! Refresh tokens: the SQL. Only their SHA-256 is stored. Each belongs to
//! one unlock (`unlock_id`, shared with that unlock's access tokens) of one
//! device session.

use crate::db::Conn;

/// What a used-up refresh token belonged to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UsedUp {
    pub unlock_id: String,
    pub device_id: String,
}

/// A refresh token that could not be rotated, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Spent {
    pub device_id: String,
    pub used_at: Option<i64>,
}

pub async fn insert(
    e: impl Conn<'_>,
    token_hash: &str,
    unlock_id: &str,
    device_id: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, unlock_id, device_id, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(unlock_id)
    .bind(device_id)
    .bind(expires_at)
    .execute(e)
    .await
    .map(|_| ())
}

/// Uses up a refresh token: marks it used, only if it is unused, unexpired
/// and its device session is live and unexpired. One conditional statement,
/// so of two presentations of one token at most one gets a row (PostgreSQL
/// re-checks the condition after the first commits; SQLite runs writers
/// one at a time).
pub async fn use_up(
    e: impl Conn<'_>,
    token_hash: &str,
    now: i64,
) -> Result<Option<UsedUp>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE refresh_tokens SET used_at = $2 \
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 \
         AND device_id IN (SELECT id FROM devices \
           WHERE revoked_at IS NULL AND login_expires_at > $2) \
         RETURNING unlock_id, device_id",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(e)
    .await
}

pub async fn find_by_hash(
    e: impl Conn<'_>,
    token_hash: &str,
) -> Result<Option<Spent>, sqlx::Error> {
    sqlx::query_as("SELECT device_id, used_at FROM refresh_tokens WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(e)
        .await
}

pub async fn delete_all_by_unlock(e: impl Conn<'_>, unlock_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM refresh_tokens WHERE unlock_id = $1")
        .bind(unlock_id)
        .execute(e)
        .await
        .map(|_| ())
}

/// Deletes refresh tokens expired before `now` (used ones are kept until
/// then, to recognise a reuse). Returns how many.
pub async fn delete_expired(e: impl Conn<'_>, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM refresh_tokens WHERE expires_at <= $1")
        .bind(now)
        .execute(e)
        .await?;
    Ok(done.rows_affected())
}

pub async fn delete_all_by_device(e: impl Conn<'_>, device_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM refresh_tokens WHERE device_id = $1")
        .bind(device_id)
        .execute(e)
        .await
        .map(|_| ())
}
