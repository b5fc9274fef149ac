//! What an operator does: users, passwords, authenticators, companies,
//! rights and devices. Used by the CLI and by tests; `now` is passed in.

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::db::Db;
use crate::error::ServerError;
use crate::throttle::{self, Kind};
use crate::{names, passwords, totp};

/// A device session as the operator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    pub id: String,
    pub user: String,
    pub device_name: String,
    pub platform: String,
    pub created_at: i64,
    pub login_expires_at: i64,
    pub last_seen_at: i64,
    pub failed_unlocks: i64,
    pub revoked: Option<String>,
}

/// What an admin remedy ended for the user: their device sessions (and
/// with them every access token) and their open login challenges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ended {
    pub devices: u64,
    pub challenges: u64,
}

impl std::fmt::Display for Ended {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ended {} device session(s) and {} open login(s) of the user",
            self.devices, self.challenges
        )
    }
}

/// Ends every device session and open challenge of a user: after a password
/// reset or an authenticator change nobody stays in on the old credentials.
pub async fn end_sessions(
    db: &Db,
    user_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Ended, ServerError> {
    let mut devices = 0;
    for id in crate::db::devices::live_of_user(db, user_id).await? {
        if crate::auth::revoke_device(db, &id, reason, now).await? {
            devices += 1;
        }
    }
    let challenges = crate::db::challenges::delete_of_user(db, user_id).await?;
    Ok(Ended {
        devices,
        challenges,
    })
}

async fn hash(password: &str) -> Result<String, ServerError> {
    if password.is_empty() || password.len() > passwords::MAX_PASSWORD_BYTES {
        return Err(ServerError::Invalid(format!(
            "the password must be 1 to {} bytes",
            passwords::MAX_PASSWORD_BYTES
        )));
    }
    let password = zeroize::Zeroizing::new(password.to_owned());
    tokio::task::spawn_blocking(move || passwords::hash_blocking(&password))
        .await
        .map_err(|_| ServerError::Hashing)?
}

/// The id and display name of the user whose name matches `name`.
pub async fn find_user(db: &Db, name: &str) -> Result<(i64, String), ServerError> {
    let row = sqlx::query("SELECT id, display_name FROM users WHERE name_key = $1")
        .bind(names::match_key(name))
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("user {:?}", names::display_form(name))))?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// Adds a user. A name already taken gets the next free digit
/// ("Maija Meikäläinen" → "Maija Meikäläinen1"). Returns id and final name.
pub async fn add_user(
    db: &Db,
    name: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<(i64, String), ServerError> {
    let base = names::validate_new(name).map_err(ServerError::Invalid)?;
    let phc = hash(password).await?;
    for n in 0..1000 {
        let candidate = if n == 0 {
            base.clone()
        } else {
            format!("{base}{n}")
        };
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO users (display_name, name_key, password_hash, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name_key) DO NOTHING RETURNING id",
        )
        .bind(&candidate)
        .bind(names::match_key(&candidate))
        .bind(&phc)
        .bind(now.timestamp())
        .fetch_optional(&db.pool)
        .await?;
        if let Some(id) = inserted {
            return Ok((id, candidate));
        }
    }
    Err(ServerError::Invalid(
        "no free variant of that user name".into(),
    ))
}

/// Sets a new password; this also lifts a lock, forgets failures, and ends
/// every device session and open login of the user.
pub async fn reset_password(
    db: &Db,
    name: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Ended, ServerError> {
    let (id, _) = find_user(db, name).await?;
    let phc = hash(password).await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(phc)
        .bind(id)
        .execute(&db.pool)
        .await?;
    unlock_user(db, name).await?;
    let ended = end_sessions(db, id, "password_reset", now).await?;
    tracing::info!(target: "heeros::security", event = "admin", action = "reset_password", user_id = id, devices_ended = ended.devices, challenges_ended = ended.challenges, "password reset");
    Ok(ended)
}

/// Lifts the 100-failure lock and the back-off of a user name.
pub async fn unlock_user(db: &Db, name: &str) -> Result<(), ServerError> {
    let key = throttle::key(Kind::Name, &names::bounded_key(name));
    throttle::clear(db, &key).await?;
    tracing::info!(target: "heeros::security", event = "admin", action = "unlock_user", name = %crate::audit::tag(&key), "user name unlocked");
    Ok(())
}

/// A new authenticator: the base32 secret, the otpauth URI to scan, and
/// what it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    pub secret: String,
    pub uri: String,
    pub ended: Ended,
}

/// Gives the user a new authenticator secret (replacing any old one) and
/// ends every device session and open login of the user. Returns the base32
/// secret and the otpauth URI to scan.
pub async fn enroll_totp(
    db: &Db,
    name: &str,
    secret: Option<&str>,
) -> Result<(String, String), ServerError> {
    let e = enroll_totp_at(db, name, secret, Utc::now()).await?;
    Ok((e.secret, e.uri))
}

/// [`enroll_totp`] at `now`, saying what it ended.
pub async fn enroll_totp_at(
    db: &Db,
    name: &str,
    secret: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Enrolled, ServerError> {
    let (id, display) = find_user(db, name).await?;
    let secret = secret.map_or_else(totp::new_secret, str::to_owned);
    let uri = totp::otpauth_uri(&secret, &display)?;
    sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = NULL WHERE id = $2")
        .bind(&secret)
        .bind(id)
        .execute(&db.pool)
        .await?;
    let ended = end_sessions(db, id, "totp_enrolled", now).await?;
    tracing::info!(target: "heeros::security", event = "admin", action = "totp_enroll", user_id = id, devices_ended = ended.devices, challenges_ended = ended.challenges, "authenticator enrolled");
    Ok(Enrolled { secret, uri, ended })
}

/// Removes the user's authenticator (logins no longer ask for a code) and
/// ends every device session and open login of the user.
pub async fn remove_totp(db: &Db, name: &str, now: DateTime<Utc>) -> Result<Ended, ServerError> {
    let (id, _) = find_user(db, name).await?;
    sqlx::query("UPDATE users SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    let ended = end_sessions(db, id, "totp_removed", now).await?;
    tracing::info!(target: "heeros::security", event = "admin", action = "totp_remove", user_id = id, devices_ended = ended.devices, challenges_ended = ended.challenges, "authenticator removed");
    Ok(ended)
}

pub async fn add_company(db: &Db, name: &str, business_id: &str) -> Result<i64, ServerError> {
    let name = name.trim();
    let business_id = business_id.trim();
    if name.is_empty() || business_id.is_empty() {
        return Err(ServerError::Invalid(
            "a company needs a name and a business id".into(),
        ));
    }
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO companies (name, business_id) VALUES ($1, $2) ON CONFLICT (business_id) DO NOTHING RETURNING id",
    )
    .bind(name)
    .bind(business_id)
    .fetch_optional(&db.pool)
    .await?;
    id.ok_or_else(|| ServerError::Invalid(format!("business id {business_id} already exists")))
}

async fn company_id(db: &Db, business_id: &str) -> Result<i64, ServerError> {
    sqlx::query_scalar("SELECT id FROM companies WHERE business_id = $1")
        .bind(business_id.trim())
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("company {business_id}")))
}

/// Gives the user rights to the company (by business id).
pub async fn grant(db: &Db, name: &str, business_id: &str) -> Result<(), ServerError> {
    let (user, _) = find_user(db, name).await?;
    let company = company_id(db, business_id).await?;
    sqlx::query("INSERT INTO rights (user_id, company_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(user)
        .bind(company)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Takes the user's rights to the company away.
pub async fn revoke(db: &Db, name: &str, business_id: &str) -> Result<(), ServerError> {
    let (user, _) = find_user(db, name).await?;
    let company = company_id(db, business_id).await?;
    sqlx::query("DELETE FROM rights WHERE user_id = $1 AND company_id = $2")
        .bind(user)
        .bind(company)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Device sessions, newest first; of one user when `name` is given.
pub async fn list_devices(db: &Db, name: Option<&str>) -> Result<Vec<DeviceRow>, ServerError> {
    let user = match name {
        Some(n) => Some(find_user(db, n).await?.0),
        None => None,
    };
    let rows = sqlx::query(
        "SELECT d.id, u.display_name, d.device_name, d.platform, d.created_at, d.login_expires_at, \
         d.last_seen_at, d.failed_unlocks, d.revoked_reason FROM devices d JOIN users u ON u.id = d.user_id \
         WHERE ($1 IS NULL OR d.user_id = $1) ORDER BY d.created_at DESC, d.id",
    )
    .bind(user)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DeviceRow {
                id: r.try_get(0)?,
                user: r.try_get(1)?,
                device_name: r.try_get(2)?,
                platform: r.try_get(3)?,
                created_at: r.try_get(4)?,
                login_expires_at: r.try_get(5)?,
                last_seen_at: r.try_get(6)?,
                failed_unlocks: r.try_get(7)?,
                revoked: r.try_get(8)?,
            })
        })
        .collect()
}

/// Revokes one device session by id. Returns whether it was live.
pub async fn revoke_device(
    db: &Db,
    device_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, ServerError> {
    let live = crate::auth::revoke_device(db, device_id, "admin", now).await?;
    tracing::info!(target: "heeros::security", event = "admin", action = "revoke_device", device = %crate::audit::device(device_id), was_live = live, "device revoked by admin");
    Ok(live)
}

/// Revokes every live device session of a user. Returns how many.
pub async fn revoke_devices(db: &Db, name: &str, now: DateTime<Utc>) -> Result<u64, ServerError> {
    let mut count = 0;
    for device in list_devices(db, Some(name)).await? {
        if device.revoked.is_none() && revoke_device(db, &device.id, now).await? {
            count += 1;
        }
    }
    Ok(count)
}
