//! The sign-in rules of design.md section 3, as functions of the database,
//! the request and `now`. The HTTP layer only parses and maps errors.

use chrono::{DateTime, Duration, TimeZone, Utc};
use heeros_api::{
    normalize_code, Company, CompanyChanged, LoginRequest, LoginStep, Me, Session, TotpRequest,
    UnlockRequest, Unlocked, User, ACCESS_TOKEN_MINUTES, CHALLENGE_MINUTES, LOGIN_LIFETIME_DAYS,
    MAX_TOTP_ATTEMPTS, MAX_UNLOCK_FAILURES, UNLOCK_SECRET_LEN,
};
use sqlx::Row;

use crate::db::Db;
use crate::error::ApiError;
use crate::passwords::{Hasher, MAX_PASSWORD_BYTES};
use crate::throttle::{self, Kind};
use crate::{names, secrets, totp};

/// What login needs: the database and the bounded password hasher.
#[derive(Clone)]
pub struct Auth {
    pub db: Db,
    pub hasher: Hasher,
}

/// Who is calling, from a valid access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: i64,
    pub device_id: String,
}

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

/// Short free-text fields from the client (device name, platform): trimmed,
/// control characters dropped, length capped.
fn label(raw: &str, max: usize) -> String {
    raw.chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect::<String>()
        .trim()
        .to_owned()
}

impl Auth {
    /// `POST /v1/login`. Unknown user and wrong password are answered alike,
    /// after the same Argon2 work.
    pub async fn login(
        &self,
        req: LoginRequest,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<LoginStep, ApiError> {
        let name_key = names::match_key(&req.username);
        let keys = [
            (Kind::Name, throttle::key(Kind::Name, &name_key)),
            (Kind::Address, throttle::key(Kind::Address, client)),
        ];
        let has_failures = throttle::check(&self.db, &keys, now).await?;

        let user = if name_key.is_empty() || name_key.chars().count() > names::MAX_NAME_CHARS {
            None
        } else {
            sqlx::query("SELECT id, password_hash, totp_secret FROM users WHERE name_key = $1")
                .bind(&name_key)
                .fetch_optional(&self.db.pool)
                .await?
        };
        let (user_id, phc, totp_secret) = match &user {
            Some(row) => (
                Some(row.try_get::<i64, _>(0)?),
                Some(row.try_get::<String, _>(1)?),
                row.try_get::<Option<String>, _>(2)?,
            ),
            None => (None, None, None),
        };
        let ok = req.password.len() <= MAX_PASSWORD_BYTES
            && self.hasher.verify(req.password.clone(), phc).await;
        let Some(user_id) = user_id.filter(|_| ok) else {
            throttle::record_failure(&self.db, &keys, now).await?;
            return Err(ApiError::InvalidCredentials);
        };
        if has_failures {
            throttle::clear(&self.db, &keys[0].1).await?;
        }

        let device_name = label(&req.device_name, 100);
        let platform = label(&req.platform, 40);
        if totp_secret.is_some() {
            let challenge = secrets::random_token(32);
            let expires = now + Duration::minutes(CHALLENGE_MINUTES);
            sqlx::query(
                "INSERT INTO challenges (id_hash, user_id, device_name, platform, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(secrets::hash(challenge.as_bytes()))
            .bind(user_id)
            .bind(&device_name)
            .bind(&platform)
            .bind(expires.timestamp())
            .execute(&self.db.pool)
            .await?;
            return Ok(LoginStep::Totp {
                challenge,
                challenge_expires_at: expires,
            });
        }
        let session =
            create_device_session(&self.db, user_id, &device_name, &platform, now).await?;
        Ok(LoginStep::PinSetup { session })
    }

    /// `POST /v1/login/totp`. A code is accepted once: its time step must be
    /// newer than the last accepted one for the user.
    pub async fn login_totp(
        &self,
        req: TotpRequest,
        now: DateTime<Utc>,
    ) -> Result<LoginStep, ApiError> {
        let id_hash = secrets::hash(req.challenge.as_bytes());
        let row = sqlx::query(
            "SELECT c.user_id, c.device_name, c.platform, c.expires_at, c.attempts, c.used, u.totp_secret \
             FROM challenges c JOIN users u ON u.id = c.user_id WHERE c.id_hash = $1",
        )
        .bind(&id_hash)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(ApiError::ChallengeExpired)?;
        let user_id: i64 = row.try_get(0)?;
        let device_name: String = row.try_get(1)?;
        let platform: String = row.try_get(2)?;
        let expires_at: i64 = row.try_get(3)?;
        let attempts: i64 = row.try_get(4)?;
        let used: i64 = row.try_get(5)?;
        let secret: Option<String> = row.try_get(6)?;
        if used != 0 || attempts >= MAX_TOTP_ATTEMPTS || now.timestamp() >= expires_at {
            return Err(ApiError::ChallengeExpired);
        }
        let secret = secret.ok_or(ApiError::ChallengeExpired)?;

        let code = normalize_code(&req.code);
        let fresh = match totp::matching_step(&secret, &code, now) {
            Some(step) => claim_totp_step(&self.db, user_id, step).await?,
            None => false,
        };
        if !fresh {
            let attempts: i64 = sqlx::query_scalar(
                "UPDATE challenges SET attempts = attempts + 1 WHERE id_hash = $1 RETURNING attempts",
            )
            .bind(&id_hash)
            .fetch_one(&self.db.pool)
            .await?;
            if attempts >= MAX_TOTP_ATTEMPTS {
                return Err(ApiError::ChallengeExpired);
            }
            return Err(ApiError::TotpInvalid {
                attempts_left: MAX_TOTP_ATTEMPTS - attempts,
            });
        }
        let claimed = sqlx::query("UPDATE challenges SET used = 1 WHERE id_hash = $1 AND used = 0")
            .bind(&id_hash)
            .execute(&self.db.pool)
            .await?;
        if claimed.rows_affected() != 1 {
            return Err(ApiError::ChallengeExpired);
        }
        let session =
            create_device_session(&self.db, user_id, &device_name, &platform, now).await?;
        Ok(LoginStep::PinSetup { session })
    }
}

/// Records `step` as the user's last accepted TOTP step, atomically, only if
/// it is newer than the one before. False means a replayed (or older) code.
async fn claim_totp_step(db: &Db, user_id: i64, step: i64) -> Result<bool, ApiError> {
    let done = sqlx::query(
        "UPDATE users SET totp_last_step = $1 \
         WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

async fn issue_access_token(
    db: &Db,
    device_id: &str,
    now: DateTime<Utc>,
) -> Result<(String, DateTime<Utc>), ApiError> {
    let token = secrets::random_token(32);
    let expires = now + Duration::minutes(ACCESS_TOKEN_MINUTES);
    sqlx::query(
        "INSERT INTO access_tokens (token_hash, device_id, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(secrets::hash(token.as_bytes()))
    .bind(device_id)
    .bind(expires.timestamp())
    .execute(&db.pool)
    .await?;
    Ok((token, expires))
}

async fn create_device_session(
    db: &Db,
    user_id: i64,
    device_name: &str,
    platform: &str,
    now: DateTime<Utc>,
) -> Result<Session, ApiError> {
    let me = me(db, user_id).await?;
    let device_id = secrets::random_token(16);
    let unlock_secret = secrets::random_bytes(UNLOCK_SECRET_LEN);
    let login_expires_at = now + Duration::days(LOGIN_LIFETIME_DAYS);
    sqlx::query(
        "INSERT INTO devices (id, user_id, device_name, platform, secret_hash, created_at, \
         login_expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6)",
    )
    .bind(&device_id)
    .bind(user_id)
    .bind(device_name)
    .bind(platform)
    .bind(secrets::hash(&unlock_secret))
    .bind(now.timestamp())
    .bind(login_expires_at.timestamp())
    .execute(&db.pool)
    .await?;
    let (access_token, access_expires_at) = issue_access_token(db, &device_id, now).await?;
    Ok(Session {
        device_id,
        unlock_secret: secrets::b64(&unlock_secret),
        access_token,
        access_expires_at,
        account: me.into_account(login_expires_at),
    })
}

/// Ends a device session and its access tokens. Returns whether it was live.
pub(crate) async fn revoke_device(
    db: &Db,
    device_id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE devices SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(device_id)
    .bind(now.timestamp())
    .bind(reason)
    .execute(&db.pool)
    .await?;
    sqlx::query("DELETE FROM access_tokens WHERE device_id = $1")
        .bind(device_id)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// `POST /v1/unlock`: the device proves it knows the unlock secret (which
/// only the right PIN unwraps). The 5th consecutive wrong one revokes.
pub async fn unlock(db: &Db, req: UnlockRequest, now: DateTime<Utc>) -> Result<Unlocked, ApiError> {
    let candidate = secrets::unb64(&req.unlock_secret)
        .filter(|b| b.len() == UNLOCK_SECRET_LEN)
        .ok_or_else(|| ApiError::BadRequest("unlock_secret must be 32 bytes, base64url".into()))?;
    let row = sqlx::query(
        "SELECT user_id, secret_hash, login_expires_at, revoked_at FROM devices WHERE id = $1",
    )
    .bind(&req.device_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(ApiError::DeviceRevoked)?;
    let user_id: i64 = row.try_get(0)?;
    let secret_hash: String = row.try_get(1)?;
    let login_expires_at: i64 = row.try_get(2)?;
    let revoked_at: Option<i64> = row.try_get(3)?;
    if revoked_at.is_some() {
        return Err(ApiError::DeviceRevoked);
    }
    if now.timestamp() >= login_expires_at {
        revoke_device(db, &req.device_id, "expired", now).await?;
        return Err(ApiError::LoginExpired);
    }
    if !secrets::matches(&candidate, &secret_hash) {
        let failures: Option<i64> = sqlx::query_scalar(
            "UPDATE devices SET failed_unlocks = failed_unlocks + 1 \
             WHERE id = $1 AND revoked_at IS NULL RETURNING failed_unlocks",
        )
        .bind(&req.device_id)
        .fetch_optional(&db.pool)
        .await?;
        let failures = failures.ok_or(ApiError::DeviceRevoked)?;
        if failures >= MAX_UNLOCK_FAILURES {
            revoke_device(db, &req.device_id, "wrong_pin", now).await?;
            return Err(ApiError::DeviceRevoked);
        }
        return Err(ApiError::PinIncorrect {
            attempts_left: MAX_UNLOCK_FAILURES - failures,
        });
    }
    let reset = sqlx::query(
        "UPDATE devices SET failed_unlocks = 0, last_seen_at = $2 WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(&req.device_id)
    .bind(now.timestamp())
    .execute(&db.pool)
    .await?;
    if reset.rows_affected() != 1 {
        return Err(ApiError::DeviceRevoked);
    }
    // A device collects one token per unlock: the dead ones go here (a new
    // device from login has none, so login skips this).
    sqlx::query("DELETE FROM access_tokens WHERE device_id = $1 AND expires_at <= $2")
        .bind(&req.device_id)
        .bind(now.timestamp())
        .execute(&db.pool)
        .await?;
    let (access_token, access_expires_at) = issue_access_token(db, &req.device_id, now).await?;
    let me = me(db, user_id).await?;
    Ok(Unlocked {
        access_token,
        access_expires_at,
        account: me.into_account(at(login_expires_at)),
    })
}

/// Resolves a bearer token to its caller: the token must be live, its device
/// not revoked and its login younger than 90 days.
pub async fn authenticate(db: &Db, token: &str, now: DateTime<Utc>) -> Result<Caller, ApiError> {
    let row = sqlx::query(
        "SELECT d.user_id, d.id FROM access_tokens t JOIN devices d ON d.id = t.device_id \
         WHERE t.token_hash = $1 AND t.expires_at > $2 AND d.revoked_at IS NULL \
         AND d.login_expires_at > $2",
    )
    .bind(secrets::hash(token.as_bytes()))
    .bind(now.timestamp())
    .fetch_optional(&db.pool)
    .await?
    .ok_or(ApiError::Unauthorized)?;
    Ok(Caller {
        user_id: row.try_get(0)?,
        device_id: row.try_get(1)?,
    })
}

/// The user, the companies they have rights to, and the current one (the
/// stored choice if still allowed, else the first company).
pub async fn me(db: &Db, user_id: i64) -> Result<Me, ApiError> {
    let row = sqlx::query("SELECT display_name, current_company_id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let display_name: String = row.try_get(0)?;
    let stored: Option<i64> = row.try_get(1)?;
    let companies = companies_of(db, user_id).await?;
    let current_company_id = stored
        .filter(|id| companies.iter().any(|c| c.id == *id))
        .or_else(|| companies.first().map(|c| c.id))
        .ok_or(ApiError::Forbidden)?;
    Ok(Me {
        user: User {
            id: user_id,
            display_name,
        },
        companies,
        current_company_id,
    })
}

pub async fn companies_of(db: &Db, user_id: i64) -> Result<Vec<Company>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.id, c.name, c.business_id FROM companies c JOIN rights r ON r.company_id = c.id \
         WHERE r.user_id = $1 ORDER BY c.name, c.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Company {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                business_id: r.try_get(2)?,
            })
        })
        .collect()
}

/// `PUT /v1/me/company`: only to a company the user has rights to.
pub async fn switch_company(
    db: &Db,
    caller: &Caller,
    company_id: i64,
) -> Result<CompanyChanged, ApiError> {
    let allowed: Option<i64> =
        sqlx::query_scalar("SELECT company_id FROM rights WHERE user_id = $1 AND company_id = $2")
            .bind(caller.user_id)
            .bind(company_id)
            .fetch_optional(&db.pool)
            .await?;
    if allowed.is_none() {
        return Err(ApiError::Forbidden);
    }
    sqlx::query("UPDATE users SET current_company_id = $1 WHERE id = $2")
        .bind(company_id)
        .bind(caller.user_id)
        .execute(&db.pool)
        .await?;
    Ok(CompanyChanged {
        current_company_id: company_id,
    })
}

/// `POST /v1/logout`: the device session and its tokens die.
pub async fn logout(db: &Db, caller: &Caller, now: DateTime<Utc>) -> Result<(), ApiError> {
    revoke_device(db, &caller.device_id, "logout", now).await?;
    Ok(())
}
