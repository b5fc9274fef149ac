//! Device sessions: the SQL. A device session's access tokens die with it
//! (`revoke` deletes them in the same transaction).

use sqlx::AnyConnection;

use crate::db::{refresh, tokens, Conn};

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

/// A live device session as its user sees it (`GET /v1/devices`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveDevice {
    pub id: String,
    pub device_name: String,
    pub platform: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub login_expires_at: i64,
}

/// A device session as the operator sees it (`devices list`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeviceRow {
    pub id: String,
    /// The user's display name.
    pub user: String,
    pub device_name: String,
    pub platform: String,
    pub created_at: i64,
    pub login_expires_at: i64,
    pub last_seen_at: i64,
    pub failed_unlocks: i64,
    /// Why it was revoked; None while live.
    pub revoked: Option<String>,
}

/// Counts one unlock attempt before the secret is checked: only on a live,
/// unexpired device whose count is below `budget`. One statement, atomic on
/// both backends; None when refused.
pub async fn reserve_unlock(
    e: impl Conn<'_>,
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
    .fetch_optional(e)
    .await
}

pub async fn find_state(
    e: impl Conn<'_>,
    device_id: &str,
) -> Result<Option<DeviceState>, sqlx::Error> {
    sqlx::query_as("SELECT revoked_at, login_expires_at FROM devices WHERE id = $1")
        .bind(device_id)
        .fetch_optional(e)
        .await
}

/// A right secret at attempt `n`: the `n` attempts up to it are forgotten
/// (attempts counted after it, still in flight, keep counting). False when
/// the device was revoked meanwhile.
pub async fn settle_unlock(
    e: impl Conn<'_>,
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
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a revoked device session's access and refresh tokens.
async fn delete_tokens(conn: &mut AnyConnection, device_id: &str) -> Result<(), sqlx::Error> {
    tokens::delete_all_by_device(&mut *conn, device_id).await?;
    refresh::delete_all_by_device(&mut *conn, device_id).await
}

/// Ends a device session and deletes its tokens (run it in a transaction).
/// True if it was live.
pub async fn revoke(
    conn: &mut AnyConnection,
    device_id: &str,
    reason: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE devices SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(device_id)
    .bind(now)
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    delete_tokens(conn, device_id).await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every live device session of a user and deletes their tokens (run
/// it in a transaction). Returns the ids it ended.
pub async fn revoke_all_by_user(
    conn: &mut AnyConnection,
    user_id: i64,
    reason: &str,
    now: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let ids: Vec<String> = sqlx::query_scalar(
        "UPDATE devices SET revoked_at = $2, revoked_reason = $3 \
         WHERE user_id = $1 AND revoked_at IS NULL RETURNING id",
    )
    .bind(user_id)
    .bind(now)
    .bind(reason)
    .fetch_all(&mut *conn)
    .await?;
    for id in &ids {
        delete_tokens(conn, id).await?;
    }
    Ok(ids)
}

/// Ends one device session of one user (live and unexpired) and deletes
/// its tokens (run it in a transaction). False when there is no such
/// session of that user's.
pub async fn revoke_of_user(
    conn: &mut AnyConnection,
    device_id: &str,
    user_id: i64,
    reason: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE devices SET revoked_at = $3, revoked_reason = $4 \
         WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND login_expires_at > $3",
    )
    .bind(device_id)
    .bind(user_id)
    .bind(now)
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    delete_tokens(conn, device_id).await?;
    Ok(true)
}

/// A user's live, unexpired device sessions, newest first.
pub async fn find_live_by_user(
    e: impl Conn<'_>,
    user_id: i64,
    now: i64,
) -> Result<Vec<LiveDevice>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, device_name, platform, created_at, last_seen_at, login_expires_at \
         FROM devices WHERE user_id = $1 AND revoked_at IS NULL AND login_expires_at > $2 \
         ORDER BY seq DESC, created_at DESC, id",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(e)
    .await
}

/// The login expiry of a device session (for a refresh token's cap).
pub async fn find_login_expiry(
    e: impl Conn<'_>,
    device_id: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT login_expires_at FROM devices WHERE id = $1")
        .bind(device_id)
        .fetch_optional(e)
        .await
}

/// Marks a device session used now (a token refresh).
pub async fn touch(e: impl Conn<'_>, device_id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE devices SET last_seen_at = $2 WHERE id = $1")
        .bind(device_id)
        .bind(now)
        .execute(e)
        .await
        .map(|_| ())
}

/// Ends the user's live device sessions beyond the `keep` newest
/// (`reason`, e.g. superseded) and deletes their tokens (run it in a
/// transaction). One UPDATE finds and ends them; returns their ids.
pub async fn revoke_beyond_newest(
    conn: &mut AnyConnection,
    user_id: i64,
    keep: i64,
    reason: &str,
    now: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let ended: Vec<String> = sqlx::query_scalar(
        "UPDATE devices SET revoked_at = $2, revoked_reason = $3 \
         WHERE user_id = $1 AND revoked_at IS NULL AND id NOT IN ( \
           SELECT id FROM devices WHERE user_id = $1 AND revoked_at IS NULL \
           ORDER BY seq DESC, created_at DESC, id LIMIT $4) \
         RETURNING id",
    )
    .bind(user_id)
    .bind(now)
    .bind(reason)
    .bind(keep)
    .fetch_all(&mut *conn)
    .await?;
    for id in &ended {
        delete_tokens(conn, id).await?;
    }
    Ok(ended)
}

/// A new device session row; it is the user's newest (`seq`).
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    e: impl Conn<'_>,
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
    .execute(e)
    .await
    .map(|_| ())
}

/// Device sessions, newest first; of one user when `user_id` is given.
pub async fn find_all(
    e: impl Conn<'_>,
    user_id: Option<i64>,
) -> Result<Vec<DeviceRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id, u.display_name AS user, d.device_name, d.platform, d.created_at, \
         d.login_expires_at, d.last_seen_at, d.failed_unlocks, d.revoked_reason AS revoked \
         FROM devices d JOIN users u ON u.id = d.user_id \
         WHERE ($1 IS NULL OR d.user_id = $1) ORDER BY d.created_at DESC, d.id",
    )
    .bind(user_id)
    .fetch_all(e)
    .await
}

/// Sets a device session's payment key, once: the same key again is
/// accepted (a retry), another one is not. One statement; false when the
/// device session holds another key (or is dead).
pub async fn set_payment_key(
    e: impl Conn<'_>,
    device_id: &str,
    public_key: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE devices SET payment_key = $2 WHERE id = $1 AND revoked_at IS NULL \
         AND (payment_key IS NULL OR payment_key = $2)",
    )
    .bind(device_id)
    .bind(public_key)
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A device session's payment key, if it has one.
pub async fn find_payment_key(
    e: impl Conn<'_>,
    device_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    let key: Option<Option<String>> =
        sqlx::query_scalar("SELECT payment_key FROM devices WHERE id = $1")
            .bind(device_id)
            .fetch_optional(e)
            .await?;
    Ok(key.flatten())
}
