//! Login challenges (the step between password and authenticator code).

use sqlx::AnyConnection;

use crate::db::Conn;

/// A challenge whose attempt has just been counted, with what the code
/// check needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChallengeSlot {
    /// The attempt's number on this challenge (1-based).
    pub attempts: i64,
    pub user_id: i64,
    pub device_name: String,
    pub platform: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CodeOwner {
    pub name_key: String,
    pub totp_secret: Option<String>,
}

/// Counts one code attempt on a live challenge below `budget` attempts.
/// One statement; None when the challenge is unknown, used, expired or
/// spent.
pub async fn reserve(
    conn: &mut AnyConnection,
    id_hash: &str,
    budget: i64,
    now: i64,
) -> Result<Option<ChallengeSlot>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE challenges SET attempts = attempts + 1 \
         WHERE id_hash = $1 AND used = 0 AND expires_at > $2 AND attempts < $3 \
         RETURNING attempts, user_id, device_name, platform",
    )
    .bind(id_hash)
    .bind(now)
    .bind(budget)
    .fetch_optional(conn)
    .await
}

/// The name key and authenticator secret of a challenge's user.
pub async fn find_code_owner(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Option<CodeOwner>, sqlx::Error> {
    sqlx::query_as("SELECT name_key, totp_secret FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await
}

/// Marks a challenge used; false if it already was (it makes one session).
pub async fn claim(e: impl Conn<'_>, id_hash: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE challenges SET used = 1 WHERE id_hash = $1 AND used = 0")
        .bind(id_hash)
        .execute(e)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A new challenge, the user's newest (`seq`).
pub async fn insert(
    e: impl Conn<'_>,
    id_hash: &str,
    user_id: i64,
    device_name: &str,
    platform: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO challenges (id_hash, user_id, device_name, platform, expires_at, seq) \
         VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(seq), 0) + 1 FROM challenges WHERE user_id = $2))",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(device_name)
    .bind(platform)
    .bind(expires_at)
    .execute(e)
    .await
    .map(|_| ())
}

/// Keeps only the user's `keep` newest live challenges; deletes the rest
/// (and any used or expired ones). Returns how many live ones went.
pub async fn trim(e: impl Conn<'_>, user_id: i64, keep: i64, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM challenges WHERE user_id = $1 AND id_hash NOT IN ( \
           SELECT id_hash FROM challenges WHERE user_id = $1 AND used = 0 AND expires_at > $2 \
           ORDER BY seq DESC, expires_at DESC, id_hash LIMIT $3)",
    )
    .bind(user_id)
    .bind(now)
    .bind(keep)
    .execute(e)
    .await?;
    Ok(done.rows_affected())
}

/// Deletes every challenge of a user. Returns how many.
pub async fn delete_all_by_user(e: impl Conn<'_>, user_id: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM challenges WHERE user_id = $1")
        .bind(user_id)
        .execute(e)
        .await?;
    Ok(done.rows_affected())
}
