//! The sign-in rules (docs/design.md, "Security model"), every one a method
//! of [`Auth`], taking `now` as an argument. The SQL is in `crate::db`; the
//! HTTP layer only parses and maps [`Rejection`]s.

use chrono::{DateTime, Duration, TimeZone, Utc};
use heeros_api::{
    normalize_code, Company, CompanyChanged, DeviceInfo, DeviceList, LoginRequest, LoginStep, Me,
    Session, TokenRequest, Tokens, TotpRequest, UnlockRequest, Unlocked, User,
    ACCESS_TOKEN_MINUTES, CHALLENGE_MINUTES, LOGIN_LIFETIME_DAYS, MAX_TOTP_ATTEMPTS,
    MAX_UNLOCK_FAILURES, REFRESH_IDLE_HOURS, UNLOCK_SECRET_LEN,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::db::challenges::{ChallengeSlot, CodeOwner};
use crate::db::devices::UnlockSlot;
use crate::db::{self, Db};
use crate::error::Rejection;
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
    pub signatures: AtomicU64,
}

/// What proves the PIN in a [`Auth::pin_attempt`]: the unlock secret (which
/// only the right PIN unwraps) or a payment signature (made with the key
/// only the right PIN unwraps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PinProof {
    UnlockSecret,
    PaymentSignature,
}

impl PinProof {
    /// The security log's event and message for a wrong one.
    fn wrong(self) -> (&'static str, &'static str) {
        match self {
            PinProof::UnlockSecret => ("unlock_wrong", "wrong unlock secret (wrong PIN)"),
            PinProof::PaymentSignature => (
                "payment_signature_wrong",
                "wrong payment signature (wrong PIN)",
            ),
        }
    }
}

impl Checks {
    pub(crate) fn count(counter: &AtomicU64) {
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

    pub fn signatures(&self) -> u64 {
        self.signatures.load(Ordering::Relaxed)
    }
}

/// The rules and what they need: the database, the bounded password hasher
/// and the counters of checked secrets.
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
    /// The unlock (or login) its access token came from: `POST /v1/lock`
    /// ends this one's tokens.
    pub unlock_id: String,
}

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
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
    /// after the same Argon2 work. Two transactions: the reservations with
    /// the user read before the hash, and everything a right password
    /// settles after it (docs/design.md, "Login in two commits").
    pub async fn login(
        &self,
        req: LoginRequest,
        password: Zeroizing<String>,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<LoginStep, Rejection> {
        let name_key = names::bounded_key(&req.username);
        let keys = [
            (Kind::Name, throttle::key(Kind::Name, &name_key)),
            (Kind::Address, throttle::key(Kind::Address, client)),
        ];
        let mut tx = self.db.begin().await?;
        let reserved = match throttle::reserve_all_in(&mut tx, &keys, now).await? {
            Ok(reserved) => reserved,
            Err(refused) => {
                tx.rollback().await?;
                let (kind, key) = &keys[refused];
                return Err(throttle::refusal(&self.db, *kind, key, now).await?);
            }
        };
        let user = if name_key.is_empty() || name_key.chars().count() > names::MAX_NAME_CHARS {
            None
        } else {
            db::users::find_for_login(&mut *tx, &name_key).await?
        };
        tx.commit().await?;
        let (name, address) = (&reserved[0], &reserved[1]);

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
            return Err(Rejection::InvalidCredentials);
        };

        let device_name = names::label(&req.device_name, MAX_DEVICE_NAME_CHARS);
        let platform = names::label(&req.platform, MAX_PLATFORM_CHARS);
        let mut tx = self.db.begin().await?;
        throttle::release(&mut tx, address).await?;
        if totp_secret.is_some() {
            // Half way: the run of failures on the name goes on until the
            // code is right too.
            throttle::release(&mut tx, name).await?;
            let challenge = secrets::random_token(32);
            let expires = now + Duration::minutes(CHALLENGE_MINUTES);
            db::challenges::insert(
                &mut *tx,
                &secrets::hash(challenge.as_bytes()),
                user_id,
                &device_name,
                &platform,
                expires.timestamp(),
            )
            .await?;
            let dropped =
                db::challenges::trim(&mut *tx, user_id, MAX_CHALLENGES_PER_USER, now.timestamp())
                    .await?;
            tx.commit().await?;
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
        throttle::reset(&mut tx, name).await?;
        let created = create_device_session(&mut tx, user_id, &device_name, &platform, now).await?;
        tx.commit().await?;
        tracing::info!(target: "heeros::security", event = "login", user_id, addr = %client, "logged in");
        Ok(LoginStep::PinSetup {
            session: created.logged(user_id),
        })
    }

    /// `POST /v1/login/totp`. The attempt is counted on the challenge (at
    /// most 5) and on the user's name (back-off and the 100-failure lock,
    /// shared with passwords) before the code is checked. A code is accepted
    /// once: its time step must be newer than the last accepted one. A
    /// right code claims its step and the challenge, ends the name's run of
    /// failures and makes the device session in one transaction.
    pub async fn login_totp(
        &self,
        req: TotpRequest,
        now: DateTime<Utc>,
    ) -> Result<LoginStep, Rejection> {
        let id_hash = secrets::hash(req.challenge.as_bytes());
        let (slot, owner, name) = self.reserve_code(&id_hash, now).await?;
        let secret = owner.totp_secret.ok_or(Rejection::ChallengeExpired)?;

        let code = Zeroizing::new(normalize_code(&req.code));
        Checks::count(&self.checks.codes);
        let claimed = match totp::matching_step(&secret, &code, now) {
            Some(step) => {
                let mut tx = self.db.begin().await?;
                if db::users::claim_totp_step(&mut *tx, slot.user_id, step).await? {
                    Some(tx)
                } else {
                    tx.rollback().await?;
                    None
                }
            }
            None => None,
        };
        let Some(mut tx) = claimed else {
            tracing::warn!(
                target: "heeros::security",
                event = "totp_wrong",
                user_id = slot.user_id,
                challenge_attempts = slot.attempts,
                name_failures = name.n,
                "wrong or replayed authenticator code"
            );
            if slot.attempts >= MAX_TOTP_ATTEMPTS {
                return Err(Rejection::ChallengeExpired);
            }
            return Err(Rejection::TotpInvalid {
                attempts_left: MAX_TOTP_ATTEMPTS - slot.attempts,
            });
        };
        if !db::challenges::claim(&mut *tx, &id_hash).await? {
            // Used by a parallel request with this challenge: its session
            // stands, and this one claims nothing (the step stays unused by
            // this request).
            tx.rollback().await?;
            return Err(Rejection::ChallengeExpired);
        }
        throttle::reset(&mut tx, &name).await?;
        let created = create_device_session(
            &mut tx,
            slot.user_id,
            &slot.device_name,
            &slot.platform,
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(target: "heeros::security", event = "login", user_id = slot.user_id, "logged in with authenticator code");
        Ok(LoginStep::PinSetup {
            session: created.logged(slot.user_id),
        })
    }

    /// Counts a code attempt on the challenge and on the user's name key,
    /// both or neither, in one transaction.
    async fn reserve_code(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(ChallengeSlot, CodeOwner, Reserved), Rejection> {
        let mut tx = self.db.begin().await?;
        let slot =
            db::challenges::reserve(&mut tx, id_hash, MAX_TOTP_ATTEMPTS, now.timestamp()).await?;
        let owner = match &slot {
            Some(slot) => db::challenges::find_code_owner(&mut tx, slot.user_id).await?,
            None => None,
        };
        let (Some(slot), Some(owner)) = (slot, owner) else {
            tx.rollback().await?;
            return Err(Rejection::ChallengeExpired);
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

    /// Ends a device session and its tokens, and says so in the security
    /// log. Returns whether it was live.
    async fn revoke_device(
        &self,
        device_id: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, Rejection> {
        let mut tx = self.db.begin().await?;
        let was_live = db::devices::revoke(&mut tx, device_id, reason, now.timestamp()).await?;
        tx.commit().await?;
        if was_live {
            audit::device_revoked(device_id, reason);
        }
        Ok(was_live)
    }

    /// `POST /v1/unlock`: the device proves it knows the unlock secret
    /// (which only the right PIN unwraps).
    ///
    /// The attempt is counted before the secret is checked, and only while
    /// fewer than 5 are counted: so at most 5 secrets are ever checked
    /// between two successful unlocks, whatever the concurrency. A wrong
    /// secret that is the 5th counted attempt revokes the device; a right
    /// one forgets the attempts counted up to it (wrong ones are
    /// "consecutive" until a right one) and says how many there were.
    pub async fn unlock(
        &self,
        req: UnlockRequest,
        now: DateTime<Utc>,
    ) -> Result<Unlocked, Rejection> {
        let candidate = Zeroizing::new(
            secrets::unb64(&req.unlock_secret)
                .filter(|b| b.len() == UNLOCK_SECRET_LEN)
                .ok_or_else(|| {
                    Rejection::BadRequest("unlock_secret must be 32 bytes, base64url".into())
                })?,
        );
        let now_s = now.timestamp();
        let slot = self
            .pin_attempt(&req.device_id, PinProof::UnlockSecret, now, |slot| {
                secrets::matches(&candidate, &slot.secret_hash)
            })
            .await?;
        let mut tx = self.db.begin().await?;
        if !db::devices::settle_unlock(&mut *tx, &req.device_id, slot.failed_unlocks, now_s).await?
        {
            tx.rollback().await?;
            return Err(Rejection::DeviceRevoked);
        }
        // A device collects one token per unlock: the dead ones go here.
        db::tokens::delete_expired_by_device(&mut *tx, &req.device_id, now_s).await?;
        let unlock_id = secrets::random_token(16);
        let (access_token, access_expires_at) =
            issue_access_token(&mut tx, &req.device_id, &unlock_id, now).await?;
        let refresh_token = issue_refresh_token(
            &mut tx,
            &req.device_id,
            &unlock_id,
            slot.login_expires_at,
            now,
        )
        .await?;
        tx.commit().await?;
        let me = me(&self.db, slot.user_id).await?;
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
            refresh_token,
        })
    }

    /// One PIN attempt on a device (docs/api.md, "Unlock"), for an unlock
    /// and a payment confirmation alike: the two share the device's count.
    /// The attempt is counted before `check` runs, and only while fewer
    /// than [`MAX_UNLOCK_FAILURES`] are counted; a refused one is never
    /// checked. A wrong answer that is the 5th counted attempt revokes the
    /// device (`device_revoked`), an earlier one is `pin_incorrect` with
    /// the attempts left. A right one returns the slot: the caller settles
    /// it (`db::devices::settle_unlock`), which forgets the attempts
    /// counted up to it.
    pub(crate) async fn pin_attempt(
        &self,
        device_id: &str,
        proof: PinProof,
        now: DateTime<Utc>,
        check: impl FnOnce(&UnlockSlot) -> bool,
    ) -> Result<UnlockSlot, Rejection> {
        let slot = db::devices::reserve_unlock(
            &mut *self.db.write().await?,
            device_id,
            MAX_UNLOCK_FAILURES,
            now.timestamp(),
        )
        .await?;
        let Some(slot) = slot else {
            return Err(self.unlock_refusal(device_id, now).await?);
        };
        Checks::count(match proof {
            PinProof::UnlockSecret => &self.checks.unlock_secrets,
            PinProof::PaymentSignature => &self.checks.signatures,
        });
        if check(&slot) {
            return Ok(slot);
        }
        let (event, message) = proof.wrong();
        tracing::warn!(
            target: "heeros::security",
            event,
            user_id = slot.user_id,
            device = %audit::device(device_id),
            failures = slot.failed_unlocks,
            "{message}"
        );
        if slot.failed_unlocks >= MAX_UNLOCK_FAILURES {
            self.revoke_device(device_id, "wrong_pin", now).await?;
            return Err(Rejection::DeviceRevoked);
        }
        Err(Rejection::PinIncorrect {
            attempts_left: MAX_UNLOCK_FAILURES - slot.failed_unlocks,
        })
    }

    /// Why an unlock attempt was not counted: unknown or revoked device,
    /// login expired (the device is revoked now), or the 5 attempts are
    /// spent (the 5th is being checked; it revokes if wrong).
    async fn unlock_refusal(
        &self,
        device_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Rejection, Rejection> {
        let Some(state) = db::devices::find_state(&self.db.pool, device_id).await? else {
            return Ok(Rejection::DeviceRevoked);
        };
        if state.revoked_at.is_none() && now.timestamp() >= state.login_expires_at {
            self.revoke_device(device_id, "expired", now).await?;
            return Ok(Rejection::LoginExpired);
        }
        Ok(Rejection::DeviceRevoked)
    }

    /// Resolves a bearer token to its caller: the token must be live, its
    /// device not revoked and its login younger than 90 days.
    pub async fn authenticate(&self, token: &str, now: DateTime<Utc>) -> Result<Caller, Rejection> {
        let owner = db::tokens::find_owner(
            &self.db.pool,
            &secrets::hash(token.as_bytes()),
            now.timestamp(),
        )
        .await?
        .ok_or(Rejection::Unauthorized)?;
        Ok(Caller {
            user_id: owner.user_id,
            device_id: owner.device_id,
            unlock_id: owner.unlock_id,
        })
    }

    /// `GET /v1/me`.
    pub async fn me(&self, caller: &Caller) -> Result<Me, Rejection> {
        me(&self.db, caller.user_id).await
    }

    /// `PUT /v1/me/company`: only to a company the user has rights to.
    pub async fn switch_company(
        &self,
        caller: &Caller,
        company_id: i64,
    ) -> Result<CompanyChanged, Rejection> {
        if !db::users::set_current_company_if_allowed(
            &mut *self.db.write().await?,
            caller.user_id,
            company_id,
        )
        .await?
        {
            return Err(Rejection::Forbidden);
        }
        Ok(CompanyChanged {
            current_company_id: company_id,
        })
    }

    /// `POST /v1/logout`: the device session and its tokens die.
    pub async fn logout(&self, caller: &Caller, now: DateTime<Utc>) -> Result<(), Rejection> {
        self.revoke_device(&caller.device_id, "logout", now).await?;
        Ok(())
    }

    /// `POST /v1/token`: a refresh token is used up for a new access token
    /// and the next refresh token of the same unlock. Using it up is one
    /// conditional statement, so of parallel presentations of one token at
    /// most one succeeds. A token already used, presented again, means a
    /// copy exists: the device session is revoked (reuse detection). Every
    /// refusal is `unauthorized`.
    pub async fn refresh(
        &self,
        req: TokenRequest,
        now: DateTime<Utc>,
    ) -> Result<Tokens, Rejection> {
        let hash = secrets::hash(req.refresh_token.as_bytes());
        let now_s = now.timestamp();
        let mut tx = self.db.begin().await?;
        let Some(used) = db::refresh::use_up(&mut *tx, &hash, now_s).await? else {
            tx.rollback().await?;
            return Err(self.refresh_refusal(&hash, now).await?);
        };
        let login_expires_at = db::devices::find_login_expiry(&mut *tx, &used.device_id)
            .await?
            .ok_or(Rejection::Unauthorized)?;
        db::devices::touch(&mut *tx, &used.device_id, now_s).await?;
        let (access_token, access_expires_at) =
            issue_access_token(&mut tx, &used.device_id, &used.unlock_id, now).await?;
        let refresh_token = issue_refresh_token(
            &mut tx,
            &used.device_id,
            &used.unlock_id,
            login_expires_at,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Tokens {
            access_token,
            access_expires_at,
            refresh_token,
        })
    }

    /// Why a refresh token was refused; a used one revokes its device.
    async fn refresh_refusal(
        &self,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Rejection, Rejection> {
        if let Some(spent) = db::refresh::find_by_hash(&self.db.pool, hash).await? {
            if spent.used_at.is_some() {
                audit::refresh_reused(&spent.device_id);
                self.revoke_device(&spent.device_id, "refresh_reused", now)
                    .await?;
            }
        }
        Ok(Rejection::Unauthorized)
    }

    /// `POST /v1/lock`: the caller's unlock ends: its access and refresh
    /// tokens die; the device session lives (the next unlock works).
    pub async fn lock(&self, caller: &Caller) -> Result<(), Rejection> {
        let mut tx = self.db.begin().await?;
        db::tokens::delete_all_by_unlock(&mut *tx, &caller.unlock_id).await?;
        db::refresh::delete_all_by_unlock(&mut *tx, &caller.unlock_id).await?;
        tx.commit().await?;
        audit::locked(caller.user_id, &caller.device_id);
        Ok(())
    }

    /// `GET /v1/devices`: the caller's own live device sessions, newest
    /// first, the caller's marked `current`.
    pub async fn devices(
        &self,
        caller: &Caller,
        now: DateTime<Utc>,
    ) -> Result<DeviceList, Rejection> {
        let rows =
            db::devices::find_live_by_user(&self.db.pool, caller.user_id, now.timestamp()).await?;
        let devices = rows
            .into_iter()
            .map(|d| DeviceInfo {
                current: d.id == caller.device_id,
                id: d.id,
                device_name: d.device_name,
                platform: d.platform,
                created_at: at(d.created_at),
                last_used_at: at(d.last_seen_at),
                login_expires_at: at(d.login_expires_at),
            })
            .collect();
        Ok(DeviceList { devices })
    }

    /// `DELETE /v1/devices/{id}`: ends one of the caller's device sessions
    /// (the caller's own too). Unknown, dead, and another user's are the
    /// same `not_found`.
    pub async fn revoke_own_device(
        &self,
        caller: &Caller,
        device_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Rejection> {
        let mut tx = self.db.begin().await?;
        let revoked = db::devices::revoke_of_user(
            &mut tx,
            device_id,
            caller.user_id,
            "revoked_by_user",
            now.timestamp(),
        )
        .await?;
        tx.commit().await?;
        if !revoked {
            return Err(Rejection::NotFound);
        }
        audit::device_revoked(device_id, "revoked_by_user");
        Ok(())
    }

    /// `POST /v1/logout/all`: every device session of the user dies, the
    /// caller's too.
    pub async fn logout_all(&self, caller: &Caller, now: DateTime<Utc>) -> Result<(), Rejection> {
        let mut tx = self.db.begin().await?;
        let ended =
            db::devices::revoke_all_by_user(&mut tx, caller.user_id, "logout_all", now.timestamp())
                .await?;
        tx.commit().await?;
        audit::logged_out_everywhere(caller.user_id, &caller.device_id, ended.len());
        for id in &ended {
            audit::device_revoked(id, "logout_all");
        }
        Ok(())
    }
}

/// A full login's device session, inside the caller's transaction: the
/// device row, the oldest sessions beyond [`MAX_DEVICES_PER_USER`]
/// revoked (`superseded`), and a first access token. The caller commits,
/// then logs it with [`NewSession::logged`].
async fn create_device_session(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    device_name: &str,
    platform: &str,
    now: DateTime<Utc>,
) -> Result<NewSession, Rejection> {
    let me = me_in(&mut *conn, user_id).await?;
    let device_id = secrets::random_token(16);
    let unlock_secret = Zeroizing::new(secrets::random_bytes(UNLOCK_SECRET_LEN));
    let login_expires_at = now + Duration::days(LOGIN_LIFETIME_DAYS);
    let now_s = now.timestamp();
    db::devices::insert(
        &mut *conn,
        &device_id,
        user_id,
        device_name,
        platform,
        &secrets::hash(&unlock_secret),
        now_s,
        login_expires_at.timestamp(),
    )
    .await?;
    let superseded = db::devices::revoke_beyond_newest(
        &mut *conn,
        user_id,
        MAX_DEVICES_PER_USER as i64,
        "superseded",
        now_s,
    )
    .await?;
    // The login's access token is a family of its own (no refresh
    // token: the app sets its PIN and unlocks).
    let (access_token, access_expires_at) =
        issue_access_token(&mut *conn, &device_id, &secrets::random_token(16), now).await?;
    Ok(NewSession {
        session: Session {
            device_id,
            unlock_secret: secrets::b64(&unlock_secret),
            access_token,
            access_expires_at,
            account: me.into_account(login_expires_at),
        },
        superseded,
    })
}

/// A device session made in a transaction not yet committed, with the
/// sessions it superseded.
struct NewSession {
    session: Session,
    superseded: Vec<String>,
}

impl NewSession {
    /// Says in the security log what the committed login did.
    fn logged(self, user_id: i64) -> Session {
        for old in &self.superseded {
            audit::device_revoked(old, "superseded");
        }
        tracing::info!(
            target: "heeros::security",
            event = "device_created",
            user_id,
            device = %audit::device(&self.session.device_id),
            "new device session"
        );
        self.session
    }
}

/// A new access token of one unlock of a device, stored hashed; it lives
/// [`ACCESS_TOKEN_MINUTES`].
async fn issue_access_token(
    conn: &mut sqlx::AnyConnection,
    device_id: &str,
    unlock_id: &str,
    now: DateTime<Utc>,
) -> Result<(String, DateTime<Utc>), sqlx::Error> {
    let token = secrets::random_token(32);
    let expires = now + Duration::minutes(ACCESS_TOKEN_MINUTES);
    db::tokens::insert(
        conn,
        &secrets::hash(token.as_bytes()),
        device_id,
        unlock_id,
        expires.timestamp(),
    )
    .await?;
    Ok((token, expires))
}

/// A new refresh token of one unlock of a device, stored hashed: it dies
/// unused after [`REFRESH_IDLE_HOURS`], and never outlives the login.
async fn issue_refresh_token(
    conn: &mut sqlx::AnyConnection,
    device_id: &str,
    unlock_id: &str,
    login_expires_at: i64,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let token = secrets::random_token(32);
    let expires = (now + Duration::hours(REFRESH_IDLE_HOURS))
        .timestamp()
        .min(login_expires_at);
    db::refresh::insert(
        conn,
        &secrets::hash(token.as_bytes()),
        unlock_id,
        device_id,
        expires,
    )
    .await?;
    Ok(token)
}

/// The user, the companies they have rights to, and the current one (the
/// stored choice if still allowed, else the first company): what
/// [`Auth::me`] answers, readable without an `Auth` (the app's tests).
pub async fn me(db: &Db, user_id: i64) -> Result<Me, Rejection> {
    me_in(&db.pool, user_id).await
}

/// [`me`] on any connection or transaction: one query.
async fn me_in(e: impl db::Conn<'_>, user_id: i64) -> Result<Me, Rejection> {
    let rows = db::users::find_account(e, user_id).await?;
    let first = rows.first().ok_or(Rejection::Unauthorized)?;
    let (display_name, stored) = (first.display_name.clone(), first.current_company_id);
    let companies: Vec<Company> = rows
        .into_iter()
        .filter_map(|r| {
            Some(Company {
                id: r.company_id?,
                name: r.company_name?,
                business_id: r.business_id?,
            })
        })
        .collect();
    let current_company_id = current_company(stored, &companies).ok_or(Rejection::Forbidden)?;
    Ok(Me {
        user: User {
            id: user_id,
            display_name,
        },
        companies,
        current_company_id,
    })
}

/// The stored choice if the user still has rights to it, else the first
/// company; None when the user has none.
fn current_company(stored: Option<i64>, companies: &[Company]) -> Option<i64> {
    stored
        .filter(|id| companies.iter().any(|c| c.id == *id))
        .or_else(|| companies.first().map(|c| c.id))
}
