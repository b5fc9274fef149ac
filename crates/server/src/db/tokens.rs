//! Access tokens: the SQL. Only their SHA-256 is stored.

use crate::db::Conn;

/// Who an access token belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenOwner {
    pub user_id: i64,
    pub device_id: String,
    pub unlock_id: String,
}

/// The owner of a live access token whose device session is live and
/// younger than its login expiry.
pub async fn find_owner(
    e: impl Conn<'_>,
    token_hash: &str,
    now: i64,
) -> Result<Option<TokenOwner>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.user_id, d.id AS device_id, t.unlock_id FROM access_tokens t JOIN devices d ON d.id = t.device_id \
         WHERE t.token_hash = $1 AND t.expires_at > $2 AND d.revoked_at IS NULL \
         AND d.login_expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(e)
    .await
}

/// A new access token of one unlock (`unlock_id`) of a device session.
pub async fn insert(
    e: impl Conn<'_>,
    token_hash: &str,
    device_id: &str,
    unlock_id: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO access_tokens (token_hash, device_id, unlock_id, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(device_id)
    .bind(unlock_id)
    .bind(expires_at)
    .execute(e)
    .await
    .map(|_| ())
}

/// Deletes a device's expired access tokens (one collects per unlock).
pub async fn delete_expired_by_device(
    e: impl Conn<'_>,
    device_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM access_tokens WHERE device_id = $1 AND expires_at <= $2")
        .bind(device_id)
        .bind(now)
        .execute(e)
        .await
        .map(|_| ())
}

/// Deletes the access tokens of one unlock (`POST /v1/lock`).
pub async fn delete_all_by_unlock(e: impl Conn<'_>, unlock_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM access_tokens WHERE unlock_id = $1")
        .bind(unlock_id)
        .execute(e)
        .await
        .map(|_| ())
}

pub async fn delete_all_by_device(e: impl Conn<'_>, device_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM access_tokens WHERE device_id = $1")
        .bind(device_id)
        .execute(e)
        .await
        .map(|_| ())
}
