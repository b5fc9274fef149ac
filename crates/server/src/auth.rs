//! The sign-in rules of design.md section 3, as functions of the database,
//! the request and `now`. The HTTP layer only parses and maps errors.

use chrono::{DateTime, Duration, TimeZone, Utc};
use heeros_api::{
    normalize_code, Company, CompanyChanged, LoginRequest, LoginStep, Me, Session, TotpRequest,
    UnlockRequest, Unlocked, User, ACCESS_TOKEN_MINUTES, CHALLENGE_MINUTES, LOGIN_LIFETIME_DAYS,
    MAX_TOTP_ATTEMPTS, MAX_UNLOCK_FAILURES, UNLOCK_SECRET_LEN,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sqlx::Row;
use zeroize::Zeroizing;

use crate::db::challenges::{ChallengeSlot, CodeOwner};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::passwords::{Hasher, MAX_PASSWORD_BYTES};
use crate::throttle::{self, Kind, Reserved};
use crate::{audit, names, secrets, totp};

/// Live device sessions one user may have; a new login beyond this revokes
/// the oldest (reason `superseded`).
pub const MAX_DEVICES_PER_USER: usize = 10;
/// Live login challenges one user may have; a new one deletes the oldest.
pub const MAX_CHALLENGES_PER_USER: i64 = 3;
/// Longest device name kept (characters), after dropping control and
/// format characters.
pub const MAX_DEVICE_NAME_CHARS: usize = 64;
/// Longest platform label kept (characters).
pub const MAX_PLATFORM_CHARS: usize = 32;

/// How many secrets the server has actually checked, by kind: what the
/// concurrency tests count to prove that refused attempts cost nothing.
#[derive(Debug, Default)]
pub struct Checks {
    pub passwords: AtomicU64,
    pub codes: AtomicU64,
    pub unlock_secrets: AtomicU64,
}

impl Checks {
    fn count(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn passwords(&self) -> u64 {
        self.passwords.load(Ordering::Relaxed)
    }

    pub fn codes(&self) -> u64 {
        self.codes.load(Ordering::Relaxed)
    }

    pub fn unlock_secrets(&self) -> u64 {
        self.unlock_secrets.load(Ordering::Relaxed)
    }
}

/// What login needs: the database and the bounded password hasher.
#[derive(Clone)]
pub struct Auth {
    pub db: Db,
    pub hasher: Hasher,
    pub checks: Arc<Checks>,
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

#[derive(sqlx::FromRow)]
struct LoginUser {
    id: i64,
    password_hash: String,
    totp_secret: Option<String>,
}

impl Auth {
    pub fn new(db: Db, hasher: Hasher) -> Self {
        Auth {
            db,
            hasher,
            checks: Arc::default(),
        }
    }

    /// `POST /v1/login`. The attempt is counted against the name and the
    /// address before Argon2 runs (refused while either backs off or the
    /// name is locked). Unknown user and wrong password are answered alike,
    /// after the same Argon2 work.
    pub async fn login(
        &self,
        req: LoginRequest,
        password: Zeroizing<String>,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<LoginStep, ApiError> {
        let name_key = names::bounded_key(&req.username);
        let keys = [
            (Kind::Name, throttle::key(Kind::Name, &name_key)),
            (Kind::Address, throttle::key(Kind::Address, client)),
        ];
        let reserved = throttle::reserve(&self.db, &keys, now).await?;
        let (name, address) = (&reserved[0], &reserved[1]);

        let user: Option<LoginUser> = if name_key.is_empty()
            || name_key.chars().count() > names::MAX_NAME_CHARS
        {
            None
        } else {
            sqlx::query_as("SELECT id, password_hash, totp_secret FROM users WHERE name_key = $1")
                .bind(&name_key)
                .fetch_optional(&self.db.pool)
                .await?
        };
        let (user_id, phc, totp_secret) = match user {
            Some(u) => (Some(u.id), Some(u.password_hash), u.totp_secret),
            None => (None, None, None),
        };
        let ok = if password.len() <= MAX_PASSWORD_BYTES {
            Checks::count(&self.checks.passwords);
            self.hasher.verify(password, phc).await
        } else {
            false
        };
        let Some(user_id) = user_id.filter(|_| ok) else {
            tracing::warn!(
                target: "heeros::security",
                event = "login_failed",
                name = %audit::tag(&keys[0].1),
                addr = %client,
                name_failures = name.n,
                addr_failures = address.n,
                "wrong user name or password"
            );
            return Err(ApiError::InvalidCredentials);
        };
        throttle::release(&self.db, address).await?;

        let device_name = names::label(&req.device_name, MAX_DEVICE_NAME_CHARS);
        let platform = names::label(&req.platform, MAX_PLATFORM_CHARS);
        if totp_secret.is_some() {
            // Half way: the run of failures on the name goes on until the
            // code is right too.
            throttle::release(&self.db, name).await?;
            let challenge = secrets::random_token(32);
            let expires = now + Duration::minutes(CHALLENGE_MINUTES);
            db::challenges::insert(
                &self.db,
                &secrets::hash(challenge.as_bytes()),
                user_id,
                &device_name,
                &platform,
                expires.timestamp(),
            )
            .await?;
            let dropped =
                db::challenges::trim(&self.db, user_id, MAX_CHALLENGES_PER_USER, now.timestamp())
                    .await?;
            tracing::info!(
                target: "heeros::security",
                event = "password_ok",
                user_id,
                addr = %client,
                challenges_dropped = dropped,
                "right password; authenticator code asked"
            );
            return Ok(LoginStep::Totp {
                challenge,
                challenge_expires_at: expires,
            });
        }
        throttle::reset(&self.db, name).await?;
        tracing::info!(target: "heeros::security", event = "login", user_id, addr = %client, "logged in");
        let session =
            create_device_session(&self.db, user_id, &device_name, &platform, now).await?;
        Ok(LoginStep::PinSetup { session })
    }

    /// `POST /v1/login/totp`. The attempt is counted on the challenge (at
    /// most 5) and on the user's name (back-off and the 100-failure lock,
    /// shared with passwords) before the code is checked. A code is accepted
    /// once: its time step must be newer than the last accepted one.
    pub async fn login_totp(
        &self,
        req: TotpRequest,
        now: DateTime<Utc>,
    ) -> Result<LoginStep, ApiError> {
        let id_hash = secrets::hash(req.challenge.as_bytes());
        let (slot, owner, name) = self.reserve_code(&id_hash, now).await?;
        let secret = owner.totp_secret.ok_or(ApiError::ChallengeExpired)?;

        let code = Zeroizing::new(normalize_code(&req.code));
        Checks::count(&self.checks.codes);
        let fresh = match totp::matching_step(&secret, &code, now) {
            Some(step) => claim_totp_step(&self.db, slot.user_id, step).await?,
            None => false,
        };
        if !fresh {
            tracing::warn!(
                target: "heeros::security",
                event = "totp_wrong",
                user_id = slot.user_id,
                challenge_attempts = slot.attempts,
                name_failures = name.n,
                "wrong or replayed authenticator code"
            );
            if slot.attempts >= MAX_TOTP_ATTEMPTS {
                return Err(ApiError::ChallengeExpired);
            }
            return Err(ApiError::TotpInvalid {
                attempts_left: MAX_TOTP_ATTEMPTS - slot.attempts,
            });
        }
        if !db::challenges::claim(&self.db, &id_hash).await? {
            return Err(ApiError::ChallengeExpired);
        }
        throttle::reset(&self.db, &name).await?;
        tracing::info!(target: "heeros::security", event = "login", user_id = slot.user_id, "logged in with authenticator code");
        let session = create_device_session(
            &self.db,
            slot.user_id,
            &slot.device_name,
            &slot.platform,
            now,
        )
        .await?;
        Ok(LoginStep::PinSetup { session })
    }

    /// Counts a code attempt on the challenge and on the user's name key,
    /// both or neither, in one transaction.
    async fn reserve_code(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(ChallengeSlot, CodeOwner, Reserved), ApiError> {
        let mut tx = self.db.pool.begin().await?;
        let slot =
            db::challenges::reserve(&mut tx, id_hash, MAX_TOTP_ATTEMPTS, now.timestamp()).await?;
        let owner = match &slot {
            Some(slot) => db::challenges::owner(&mut tx, slot.user_id).await?,
            None => None,
        };
        let (Some(slot), Some(owner)) = (slot, owner) else {
            tx.rollback().await?;
            return Err(ApiError::ChallengeExpired);
        };
        let key = throttle::key(Kind::Name, &owner.name_key);
        let Some(name) = throttle::reserve_in(&mut tx, Kind::Name, &key, now).await? else {
            // Not checked, so not counted on the challenge either.
            tx.rollback().await?;
            return Err(throttle::refusal(&self.db, Kind::Name, &key, now).await?);
        };
        tx.commit().await?;
        Ok((slot, owner, name))
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
    db::devices::insert_token(
        db,
        &secrets::hash(token.as_bytes()),
        device_id,
        expires.timestamp(),
    )
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
    let unlock_secret = Zeroizing::new(secrets::random_bytes(UNLOCK_SECRET_LEN));
    let login_expires_at = now + Duration::days(LOGIN_LIFETIME_DAYS);
    db::devices::insert(
        db,
        &device_id,
        user_id,
        device_name,
        platform,
        &secrets::hash(&unlock_secret),
        now.timestamp(),
        login_expires_at.timestamp(),
    )
    .await?;
    let live = db::devices::live_of_user(db, user_id).await?;
    for old in live.iter().skip(MAX_DEVICES_PER_USER) {
        revoke_device(db, old, "superseded", now).await?;
    }
    let (access_token, access_expires_at) = issue_access_token(db, &device_id, now).await?;
    tracing::info!(
        target: "heeros::security",
        event = "device_created",
        user_id,
        device = %audit::device(&device_id),
        "new device session"
    );
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
    let was_live = db::devices::revoke(db, device_id, reason, now.timestamp()).await?;
    if was_live {
        tracing::warn!(
            target: "heeros::security",
            event = "device_revoked",
            device = %audit::device(device_id),
            reason,
            "device session ended"
        );
    }
    Ok(was_live)
}

/// `POST /v1/unlock`: the device proves it knows the unlock secret (which
/// only the right PIN unwraps).
///
/// The attempt is counted before the secret is checked, and only while
/// fewer than 5 are counted: so at most 5 secrets are ever checked between
/// two successful unlocks, whatever the concurrency. A wrong secret that is
/// the 5th counted attempt revokes the device; a right one forgets the
/// attempts counted up to it (wrong ones are "consecutive" until a right
/// one) and says how many there were.
pub async fn unlock(
    db: &Db,
    checks: &Checks,
    req: UnlockRequest,
    now: DateTime<Utc>,
) -> Result<Unlocked, ApiError> {
    let candidate = Zeroizing::new(
        secrets::unb64(&req.unlock_secret)
            .filter(|b| b.len() == UNLOCK_SECRET_LEN)
            .ok_or_else(|| {
                ApiError::BadRequest("unlock_secret must be 32 bytes, base64url".into())
            })?,
    );
    let now_s = now.timestamp();
    let slot = db::devices::reserve_unlock(db, &req.device_id, MAX_UNLOCK_FAILURES, now_s).await?;
    let Some(slot) = slot else {
        return Err(unlock_refusal(db, &req.device_id, now).await?);
    };
    Checks::count(&checks.unlock_secrets);
    if !secrets::matches(&candidate, &slot.secret_hash) {
        tracing::warn!(
            target: "heeros::security",
            event = "unlock_wrong",
            user_id = slot.user_id,
            device = %audit::device(&req.device_id),
            failures = slot.failed_unlocks,
            "wrong unlock secret (wrong PIN)"
        );
        if slot.failed_unlocks >= MAX_UNLOCK_FAILURES {
            revoke_device(db, &req.device_id, "wrong_pin", now).await?;
            return Err(ApiError::DeviceRevoked);
        }
        return Err(ApiError::PinIncorrect {
            attempts_left: MAX_UNLOCK_FAILURES - slot.failed_unlocks,
        });
    }
    if !db::devices::settle_unlock(db, &req.device_id, slot.failed_unlocks, now_s).await? {
        return Err(ApiError::DeviceRevoked);
    }
    // A device collects one token per unlock: the dead ones go here.
    db::devices::delete_dead_tokens(db, &req.device_id, now_s).await?;
    let (access_token, access_expires_at) = issue_access_token(db, &req.device_id, now).await?;
    let me = me(db, slot.user_id).await?;
    let failed_before = slot.failed_unlocks - 1;
    tracing::info!(
        target: "heeros::security",
        event = "unlock",
        user_id = slot.user_id,
        device = %audit::device(&req.device_id),
        failed_attempts_since_last_unlock = failed_before,
        "unlocked"
    );
    Ok(Unlocked {
        access_token,
        access_expires_at,
        account: me.into_account(at(slot.login_expires_at)),
        failed_attempts_since_last_unlock: failed_before.max(0) as u32,
    })
}

/// Why an unlock attempt was not counted: unknown or revoked device, login
/// expired (the device is revoked now), or the 5 attempts are spent (the
/// 5th is being checked; it revokes if wrong).
async fn unlock_refusal(
    db: &Db,
    device_id: &str,
    now: DateTime<Utc>,
) -> Result<ApiError, ApiError> {
    let Some(state) = db::devices::state(db, device_id).await? else {
        return Ok(ApiError::DeviceRevoked);
    };
    if state.revoked_at.is_none() && now.timestamp() >= state.login_expires_at {
        revoke_device(db, device_id, "expired", now).await?;
        return Ok(ApiError::LoginExpired);
    }
    Ok(ApiError::DeviceRevoked)
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
