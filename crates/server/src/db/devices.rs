//! Device sessions and their access tokens: the SQL.

use crate::db::Db;

/// What an unlock needs once its attempt is counted.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnlockSlot {
    /// The attempt's number since the last successful unlock (1-based).
    pub failed_unlocks: i64,
    pub user_id: i64,
    pub secret_hash: String,
    pub login_expires_at: i64,
}

/// Why an unlock attempt could not be counted.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeviceState {
    pub revoked_at: Option<i64>,
    pub login_expires_at: i64,
}

/// Counts one unlock attempt before the secret is checked: only on a live,
/// unexpired device whose count is below `budget`. One statement, atomic on
/// both backends; None when refused.
pub async fn reserve_unlock(
    db: &Db,
    device_id: &str,
    budget: i64,
    now: i64,
) -> Result<Option<UnlockSlot>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE devices SET failed_unlocks = failed_unlocks + 1 \
         WHERE id = $1 AND revoked_at IS NULL AND login_expires_at > $2 AND failed_unlocks < $3 \
         RETURNING failed_unlocks, user_id, secret_hash, login_expires_at",
    )
    .bind(device_id)
    .bind(now)
    .bind(budget)
    .fetch_optional(&db.pool)
    .await
}

pub async fn state(db: &Db, device_id: &str) -> Result<Option<DeviceState>, sqlx::Error> {
    sqlx::query_as("SELECT revoked_at, login_expires_at FROM devices WHERE id = $1")
        .bind(device_id)
        .fetch_optional(&db.pool)
        .await
}

/// A right secret at attempt `n`: the `n` attempts up to it are forgotten
/// (attempts counted after it, still in flight, keep counting). False when
/// the device was revoked meanwhile.
pub async fn settle_unlock(
    db: &Db,
    device_id: &str,
    n: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE devices SET \
           failed_unlocks = CASE WHEN failed_unlocks > $2 THEN failed_unlocks - $2 ELSE 0 END, \
           last_seen_at = $3 \
         WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(device_id)
    .bind(n)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends a device session and deletes its access tokens. True if it was live.
pub async fn revoke(db: &Db, device_id: &str, reason: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE devices SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(device_id)
    .bind(now)
    .bind(reason)
    .execute(&db.pool)
    .await?;
    sqlx::query("DELETE FROM access_tokens WHERE device_id = $1")
        .bind(device_id)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The ids of a user's live device sessions, newest first.
pub async fn live_of_user(db: &Db, user_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM devices WHERE user_id = $1 AND revoked_at IS NULL \
         ORDER BY seq DESC, created_at DESC, id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

/// A new device session row; it is the user's newest (`seq`).
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    db: &Db,
    device_id: &str,
    user_id: i64,
    device_name: &str,
    platform: &str,
    secret_hash: &str,
    now: i64,
    login_expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO devices (id, user_id, device_name, platform, secret_hash, created_at, \
         login_expires_at, last_seen_at, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $6, \
         (SELECT COALESCE(MAX(seq), 0) + 1 FROM devices WHERE user_id = $2))",
    )
    .bind(device_id)
    .bind(user_id)
    .bind(device_name)
    .bind(platform)
    .bind(secret_hash)
    .bind(now)
    .bind(login_expires_at)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

pub async fn insert_token(
    db: &Db,
    token_hash: &str,
    device_id: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO access_tokens (token_hash, device_id, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash)
        .bind(device_id)
        .bind(expires_at)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Deletes a device's expired access tokens (one collects per unlock).
pub async fn delete_dead_tokens(db: &Db, device_id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM access_tokens WHERE device_id = $1 AND expires_at <= $2")
        .bind(device_id)
        .bind(now)
        .execute(&db.pool)
        .await
        .map(|_| ())
}
