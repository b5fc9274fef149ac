//! Deleting what can no longer matter, so tables do not grow without bound.

use crate::db::Db;

/// Revoked or expired device sessions stay listed this long (for
/// `devices list`), then go.
pub const KEEP_DEAD_DEVICES_S: i64 = 30 * 24 * 3600;
/// A user name's throttle row that has seen no attempt for this long and is
/// not locked goes (locks stay until an admin lifts them).
pub const KEEP_IDLE_NAME_S: i64 = 30 * 24 * 3600;
/// An address's failures are forgotten after an hour; the row goes then.
pub const KEEP_IDLE_ADDRESS_S: i64 = 3600;
/// A payment order never confirmed goes a day after it expired (its
/// invoices are free from its expiry on).
pub const KEEP_EXPIRED_ORDER_S: i64 = 24 * 3600;

/// How many rows one purge deleted, per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub challenges: u64,
    pub access_tokens: u64,
    pub refresh_tokens: u64,
    pub devices: u64,
    pub throttle: u64,
    pub payments: u64,
}

/// Deletes used or expired challenges, expired access and refresh tokens, device
/// sessions dead for [`KEEP_DEAD_DEVICES_S`], throttle rows that no
/// longer count (addresses idle an hour; names idle 30 days and not locked;
/// names back at zero), and payment orders expired unconfirmed for
/// [`KEEP_EXPIRED_ORDER_S`].
pub async fn purge(db: &Db, now: i64, lock_after: i64) -> Result<Purged, sqlx::Error> {
    let challenges = sqlx::query("DELETE FROM challenges WHERE used <> 0 OR expires_at <= $1")
        .bind(now)
        .execute(&mut *db.write().await?)
        .await?
        .rows_affected();
    let access_tokens = sqlx::query("DELETE FROM access_tokens WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *db.write().await?)
        .await?
        .rows_affected();
    let refresh_tokens = crate::db::refresh::delete_expired(&mut *db.write().await?, now).await?;
    let dead_before = now - KEEP_DEAD_DEVICES_S;
    sqlx::query(
        "DELETE FROM refresh_tokens WHERE device_id IN (SELECT id FROM devices \
         WHERE revoked_at <= $1 OR login_expires_at <= $1)",
    )
    .bind(dead_before)
    .execute(&mut *db.write().await?)
    .await?;
    sqlx::query(
        "DELETE FROM access_tokens WHERE device_id IN (SELECT id FROM devices \
         WHERE revoked_at <= $1 OR login_expires_at <= $1)",
    )
    .bind(dead_before)
    .execute(&mut *db.write().await?)
    .await?;
    let devices =
        sqlx::query("DELETE FROM devices WHERE revoked_at <= $1 OR login_expires_at <= $1")
            .bind(dead_before)
            .execute(&mut *db.write().await?)
            .await?
            .rows_affected();
    let throttle = sqlx::query(
        "DELETE FROM throttle WHERE blocked_until <= $1 AND ( \
           (key LIKE 'addr:%' AND updated_at < $2) \
           OR (key LIKE 'name:%' AND failures = 0) \
           OR (key LIKE 'name:%' AND failures < $4 AND updated_at < $3))",
    )
    .bind(now)
    .bind(now - KEEP_IDLE_ADDRESS_S)
    .bind(now - KEEP_IDLE_NAME_S)
    .bind(lock_after)
    .execute(&mut *db.write().await?)
    .await?
    .rows_affected();
    let payments =
        crate::db::payments::delete_expired(&mut *db.write().await?, now - KEEP_EXPIRED_ORDER_S)
            .await?;
    Ok(Purged {
        challenges,
        access_tokens,
        refresh_tokens,
        devices,
        throttle,
        payments,
    })
}
