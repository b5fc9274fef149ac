//! Users: the SQL. Names are looked up by their match key
//! (`crate::names::match_key`), never by the display form.

use crate::db::Conn;

/// What a password check needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginUser {
    pub id: i64,
    pub password_hash: String,
    pub totp_secret: Option<String>,
}

/// A user as the operator names them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NamedUser {
    pub id: i64,
    pub display_name: String,
}

/// One row of what `GET /v1/me` reads: the user, and one company they
/// have rights to (all None when they have none).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub display_name: String,
    pub current_company_id: Option<i64>,
    pub company_id: Option<i64>,
    pub company_name: Option<String>,
    pub business_id: Option<String>,
}

pub async fn find_for_login(
    e: impl Conn<'_>,
    name_key: &str,
) -> Result<Option<LoginUser>, sqlx::Error> {
    sqlx::query_as("SELECT id, password_hash, totp_secret FROM users WHERE name_key = $1")
        .bind(name_key)
        .fetch_optional(e)
        .await
}

pub async fn find_by_name_key(
    e: impl Conn<'_>,
    name_key: &str,
) -> Result<Option<NamedUser>, sqlx::Error> {
    sqlx::query_as("SELECT id, display_name FROM users WHERE name_key = $1")
        .bind(name_key)
        .fetch_optional(e)
        .await
}

/// The user and their companies by name, in one query: no rows when the
/// user is unknown, one row with no company when they have no rights.
pub async fn find_account(e: impl Conn<'_>, user_id: i64) -> Result<Vec<AccountRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.display_name, u.current_company_id, c.id AS company_id, \
           c.name AS company_name, c.business_id \
         FROM users u LEFT JOIN rights r ON r.user_id = u.id \
           LEFT JOIN companies c ON c.id = r.company_id \
         WHERE u.id = $1 ORDER BY c.name, c.id",
    )
    .bind(user_id)
    .fetch_all(e)
    .await
}

pub async fn count(e: impl Conn<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(e)
        .await
}

/// A new user unless the name key is taken (then None).
pub async fn insert(
    e: impl Conn<'_>,
    display_name: &str,
    name_key: &str,
    password_hash: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (display_name, name_key, password_hash, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (name_key) DO NOTHING RETURNING id",
    )
    .bind(display_name)
    .bind(name_key)
    .bind(password_hash)
    .bind(now)
    .fetch_optional(e)
    .await
}

pub async fn set_password(
    e: impl Conn<'_>,
    user_id: i64,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(user_id)
        .execute(e)
        .await
        .map(|_| ())
}

/// Sets (or with None removes) the authenticator secret; the last accepted
/// step is forgotten with it.
pub async fn set_totp_secret(
    e: impl Conn<'_>,
    user_id: i64,
    secret: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = NULL WHERE id = $2")
        .bind(secret)
        .bind(user_id)
        .execute(e)
        .await
        .map(|_| ())
}

/// Records `step` as the user's last accepted TOTP step, only if it is newer
/// than the one before. One statement; false means a replayed (or older) code.
pub async fn claim_totp_step(
    e: impl Conn<'_>,
    user_id: i64,
    step: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET totp_last_step = $1 \
         WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets the current company, only to one the user has rights to. One
/// statement; false when the user has no rights to it.
pub async fn set_current_company_if_allowed(
    e: impl Conn<'_>,
    user_id: i64,
    company_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET current_company_id = $1 WHERE id = $2 AND EXISTS ( \
           SELECT 1 FROM rights WHERE user_id = $2 AND company_id = $1)",
    )
    .bind(company_id)
    .bind(user_id)
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}
