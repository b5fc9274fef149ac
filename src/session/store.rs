//! The session store: the journey (docs/design.md, Journey) as one state
//! machine, driven by user intents (async, `now` injected) and read by the UI
//! through [`Snapshot`]s.
//!
//! Intents serialize on an async mutex: one runs at a time, in order. The
//! plain state sits behind a short-held std mutex so the UI can read a
//! snapshot at any moment. Nothing here blocks an async worker: the PIN KDF
//! and every secure-storage call run on tokio's blocking pool.
//!
//! What lives where:
//! - pending login (after password/code, before the PIN is set): memory only;
//!   an app killed there leaves nothing stored.
//! - stored login (wrapped secret, salt, KDF params, device id, expiry, user,
//!   companies, current company): the [`Vault`].
//! - while unlocked: the unlock secret and the access token, in zeroizing
//!   types, dropped (and so zeroized) on lock, logout, revocation, expiry.
//! - never: the PIN, the password, the TOTP code.

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Duration, Utc};
use heeros_api::{
    normalize_code, Company, ErrorCode, LoginRequest, LoginStep, Session, TotpRequest,
    UnlockRequest, Unlocked, User,
};
use zeroize::{Zeroize, Zeroizing};

use super::api_client::{ApiClient, ApiError, LOGOUT_TIMEOUT};
use super::device::DeviceInfo;
use super::pin::{self, KdfParams, UnlockSecret};
use super::vault::{Preferences, StoredLogin, Vault, VaultError};
use super::{Notice, Phase, SessionError, Snapshot};

/// Steps of the intro (0..=LAST_INTRO_STEP).
pub const INTRO_STEPS: u8 = 5;
const LAST_INTRO_STEP: u8 = INTRO_STEPS - 1;
/// Languages the app has texts for; the first is the default.
pub const LANGUAGES: &[&str] = &["en", "fi"];
/// An access token this close to expiry is renewed before use.
const TOKEN_MARGIN_S: i64 = 30;

/// The shared session store. Clones share one state.
#[derive(Clone)]
pub struct SessionStore {
    inner: Arc<Inner>,
}

struct Inner {
    api: ApiClient,
    vault: Vault,
    device: DeviceInfo,
    /// Argon2id cost for new PINs (stored with each wrapped secret).
    kdf: KdfParams,
    /// Held for the whole of each async intent.
    turn: tokio::sync::Mutex<()>,
    state: Mutex<State>,
}

/// A bearer token and when it dies.
struct Access {
    token: Zeroizing<String>,
    expires_at: DateTime<Utc>,
}

/// A full login whose PIN is not set yet. Memory only.
struct Pending {
    device_id: String,
    secret: UnlockSecret,
    access: Access,
}

/// The unlocked session: what lets the app get new access tokens (and,
/// later, confirm payments) without asking the PIN again.
struct Live {
    device_id: String,
    secret: UnlockSecret,
    access: Access,
}

/// Who is signed in, as shown on screens.
#[derive(Clone)]
struct Profile {
    user: User,
    companies: Vec<Company>,
    current_company_id: i64,
    login_expires_at: DateTime<Utc>,
}

impl Profile {
    fn of_stored(login: &StoredLogin) -> Profile {
        Profile {
            user: login.user.clone(),
            companies: login.companies.clone(),
            current_company_id: login.current_company_id,
            login_expires_at: login.login_expires_at,
        }
    }

    fn of_unlocked(u: &Unlocked) -> Profile {
        Profile {
            user: u.user.clone(),
            companies: u.companies.clone(),
            current_company_id: u.current_company_id,
            login_expires_at: u.login_expires_at,
        }
    }
}

struct State {
    phase: Phase,
    notice: Option<Notice>,
    prefs: Preferences,
    /// Where the intro leads: Unlock when a login is stored, else Login.
    after_intro: Phase,
    challenge: Option<Zeroizing<String>>,
    pending: Option<Pending>,
    stored: Option<StoredLogin>,
    live: Option<Live>,
    profile: Option<Profile>,
}

impl State {
    fn new() -> State {
        State {
            phase: Phase::Login,
            notice: None,
            prefs: Preferences::default(),
            after_intro: Phase::Login,
            challenge: None,
            pending: None,
            stored: None,
            live: None,
            profile: None,
        }
    }

    /// Drops everything about the user held in memory (secrets zeroize on
    /// drop).
    fn forget_user(&mut self) {
        self.challenge = None;
        self.pending = None;
        self.stored = None;
        self.live = None;
        self.profile = None;
        self.after_intro = Phase::Login;
    }

    fn show_login(&mut self, notice: Option<Notice>) {
        self.forget_user();
        self.phase = Phase::Login;
        self.notice = notice;
    }

    fn snapshot(&self) -> Snapshot {
        let profile = self.profile.as_ref();
        Snapshot {
            phase: self.phase,
            notice: self.notice,
            user: profile.map(|p| p.user.clone()),
            companies: profile.map(|p| p.companies.clone()).unwrap_or_default(),
            current_company_id: profile.map(|p| p.current_company_id),
            login_expires_at: profile.map(|p| p.login_expires_at),
            language: self
                .prefs
                .language
                .clone()
                .unwrap_or_else(|| LANGUAGES[0].to_owned()),
        }
    }
}

/// How a server call failed, from the journey's point of view.
enum Fail {
    /// The device session is over (revoked, expired): wipe, back to Login.
    Ended(Notice),
    /// A plain error for the current screen.
    Error(SessionError),
}

impl From<ApiError> for Fail {
    fn from(e: ApiError) -> Fail {
        match e.code() {
            Some(ErrorCode::DeviceRevoked) => Fail::Ended(Notice::DeviceRevoked),
            Some(ErrorCode::LoginExpired) => Fail::Ended(Notice::LoginExpired),
            _ => Fail::Error(e.into()),
        }
    }
}

impl From<SessionError> for Fail {
    fn from(e: SessionError) -> Fail {
        Fail::Error(e)
    }
}

impl SessionStore {
    pub fn new(api: ApiClient, vault: Vault, device: DeviceInfo) -> Self {
        Self::with_kdf(api, vault, device, KdfParams::BASELINE)
    }

    /// A store that wraps new PINs with `kdf` instead of the baseline
    /// (a stronger cost on fast phones; a cheap one for tests that derive
    /// thousands of keys). Unlocking always uses the stored parameters.
    pub fn with_kdf(api: ApiClient, vault: Vault, device: DeviceInfo, kdf: KdfParams) -> Self {
        SessionStore {
            inner: Arc::new(Inner {
                api,
                vault,
                device,
                kdf,
                turn: tokio::sync::Mutex::new(()),
                state: Mutex::new(State::new()),
            }),
        }
    }

    /// The vault this store writes to (tests inspect it).
    pub fn vault(&self) -> &Vault {
        &self.inner.vault
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a half-written secret
        // behind (fields are replaced whole), so a poisoned lock is usable.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn with_vault<T, F>(&self, f: F) -> Result<T, VaultError>
    where
        T: Send + 'static,
        F: FnOnce(&Vault) -> Result<T, VaultError> + Send + 'static,
    {
        let vault = self.inner.vault.clone();
        tokio::task::spawn_blocking(move || f(&vault))
            .await
            .map_err(|e| VaultError::Unavailable(format!("storage task failed: {e}")))?
    }

    /// Deletes the stored login (one retry), then shows Login with `notice`.
    async fn end_login(&self, notice: Notice) -> Snapshot {
        if self.with_vault(|v| v.wipe_login()).await.is_err() {
            // Nothing else to do: a login left behind is refused by the
            // server (revoked or expired) and wiped on the next try.
            let _ = self.with_vault(|v| v.wipe_login()).await;
        }
        let mut st = self.state();
        st.show_login(Some(notice));
        st.snapshot()
    }

    async fn settle<T>(
        &self,
        result: Result<T, Fail>,
    ) -> Result<Result<T, Snapshot>, SessionError> {
        match result {
            Ok(value) => Ok(Ok(value)),
            Err(Fail::Ended(notice)) => Ok(Err(self.end_login(notice).await)),
            Err(Fail::Error(e)) => Err(e),
        }
    }

    /// Reads storage and picks the first screen: intro not seen -> Intro;
    /// stored login expired -> wipe, Login + [`Notice::LoginExpired`]; stored
    /// login -> Unlock; else Login. Also what a relaunch does: anything
    /// unlocked or pending in memory is dropped.
    pub async fn start(&self, now: DateTime<Utc>) -> Result<Snapshot, SessionError> {
        let _turn = self.inner.turn.lock().await;
        let prefs = self.with_vault(|v| v.load_preferences()).await?;
        let mut notice = None;
        let stored = match self.with_vault(|v| v.load_login()).await {
            Ok(stored) => stored,
            Err(VaultError::Corrupt(_)) => {
                // Not something this app wrote (or half of it): unusable.
                self.with_vault(|v| v.wipe_login()).await?;
                None
            }
            Err(e) => return Err(e.into()),
        };
        let stored = match stored {
            Some(login) if login.is_expired(now) => {
                self.with_vault(|v| v.wipe_login()).await?;
                notice = Some(Notice::LoginExpired);
                None
            }
            other => other,
        };
        let mut st = self.state();
        st.forget_user();
        st.after_intro = if stored.is_some() {
            Phase::Unlock
        } else {
            Phase::Login
        };
        st.profile = stored.as_ref().map(Profile::of_stored);
        st.stored = stored;
        st.phase = if prefs.intro_seen {
            st.after_intro
        } else {
            Phase::Intro { step: 0 }
        };
        st.prefs = prefs;
        st.notice = notice;
        Ok(st.snapshot())
    }

    /// What the UI should render now.
    pub fn snapshot(&self) -> Snapshot {
        self.state().snapshot()
    }

    /// Next intro step; on the last step, the intro is finished (as
    /// [`finish_intro`](Self::finish_intro), with the "seen" mark saved in the
    /// background).
    pub fn intro_next(&self) -> Snapshot {
        let mut st = self.state();
        match st.phase {
            Phase::Intro { step } if step < LAST_INTRO_STEP => {
                st.phase = Phase::Intro { step: step + 1 };
            }
            Phase::Intro { .. } => {
                st.phase = st.after_intro;
                st.prefs.intro_seen = true;
                let prefs = st.prefs.clone();
                let vault = self.inner.vault.clone();
                if let Ok(rt) = tokio::runtime::Handle::try_current() {
                    rt.spawn_blocking(move || {
                        let _ = vault.save_preferences(&prefs);
                    });
                }
            }
            _ => {}
        }
        st.snapshot()
    }

    /// Previous intro step (stays on the first).
    pub fn intro_back(&self) -> Snapshot {
        let mut st = self.state();
        if let Phase::Intro { step } = st.phase {
            st.phase = Phase::Intro {
                step: step.saturating_sub(1),
            };
        }
        st.snapshot()
    }

    /// Skip, or Next on the last step: the intro is not shown again.
    pub async fn finish_intro(&self) -> Result<Snapshot, SessionError> {
        let _turn = self.inner.turn.lock().await;
        let prefs = {
            let mut st = self.state();
            if !matches!(st.phase, Phase::Intro { .. }) {
                return Err(SessionError::WrongPhase);
            }
            let mut prefs = st.prefs.clone();
            prefs.intro_seen = true;
            st.prefs.intro_seen = true;
            st.phase = st.after_intro;
            prefs
        };
        // If this fails the intro shows once more on the next launch; not a
        // reason to keep the user here.
        let _ = self.with_vault(move |v| v.save_preferences(&prefs)).await;
        Ok(self.snapshot())
    }

    /// Sets the UI language ("en" or "fi"; a locale like "fi_FI.UTF-8" is
    /// read as its language) and saves it in preferences.
    pub async fn set_language(&self, lang: &str) -> Result<Snapshot, SessionError> {
        let _turn = self.inner.turn.lock().await;
        let code = lang
            .split(['_', '-', '.'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if !LANGUAGES.contains(&code.as_str()) {
            return Err(SessionError::MissingInput);
        }
        let mut prefs = self.state().prefs.clone();
        prefs.language = Some(code);
        let saved = prefs.clone();
        self.with_vault(move |v| v.save_preferences(&saved)).await?;
        let mut st = self.state();
        st.prefs.language = prefs.language;
        Ok(st.snapshot())
    }

    /// User name + password. Answers: Code (the user has an authenticator),
    /// PinSetup (logged in), or an error on Login.
    pub async fn submit_login(
        &self,
        username: &str,
        password: &str,
        _now: DateTime<Utc>,
    ) -> Result<Snapshot, SessionError> {
        let _turn = self.inner.turn.lock().await;
        if self.state().phase != Phase::Login {
            return Err(SessionError::WrongPhase);
        }
        let username = username.trim();
        if username.is_empty() || password.is_empty() {
            return Err(SessionError::MissingInput);
        }
        let mut request = LoginRequest {
            username: username.to_owned(),
            password: password.to_owned(),
            device_name: self.inner.device.device_name.clone(),
            platform: self.inner.device.platform.clone(),
        };
        let answer = self.inner.api.login(&request).await;
        request.password.zeroize();
        match answer? {
            LoginStep::Totp { challenge, .. } => {
                let mut st = self.state();
                st.challenge = Some(Zeroizing::new(challenge));
                st.phase = Phase::Code;
                st.notice = None;
                Ok(st.snapshot())
            }
            LoginStep::PinSetup { session } => self.begin_pin_setup(session),
        }
    }

    /// The authenticator code; spaces and dashes (pasted codes) are ignored.
    /// A dead challenge (5 wrong codes, 5 minutes) goes back to Login with
    /// [`Notice::ChallengeExpired`].
    pub async fn submit_code(
        &self,
        code: &str,
        _now: DateTime<Utc>,
    ) -> Result<Snapshot, SessionError> {
        let _turn = self.inner.turn.lock().await;
        let challenge = {
            let st = self.state();
            match (&st.phase, &st.challenge) {
                (Phase::Code, Some(challenge)) => challenge.clone(),
                _ => return Err(SessionError::WrongPhase),
            }
        };
        let code = Zeroizing::new(normalize_code(code));
        if code.is_empty() {
            return Err(SessionError::MissingInput);
        }
        let mut request = TotpRequest {
            challenge: challenge.to_string(),
            code: code.to_string(),
        };
        let answer = self.inner.api.login_totp(&request).await;
        request.code.zeroize();
        request.challenge.zeroize();
        match answer {
            Ok(LoginStep::PinSetup { session }) => self.begin_pin_setup(session),
            Ok(LoginStep::Totp { .. }) => Err(SessionError::Server(
                "the server asked for a second code".into(),
            )),
            Err(e) => {
                let dead = match &e {
                    ApiError::Rejected(body) => {
                        body.error == ErrorCode::ChallengeExpired
                            || (body.error == ErrorCode::TotpInvalid
                                && body.attempts_left == Some(0))
                    }
                    _ => false,
                };
                if dead {
                    let mut st = self.state();
                    st.show_login(Some(Notice::ChallengeExpired));
                    Ok(st.snapshot())
                } else {
                    Err(e.into())
                }
            }
        }
    }

    /// Keeps the new device session in memory and asks for a PIN.
    fn begin_pin_setup(&self, mut session: Session) -> Result<Snapshot, SessionError> {
        let secret = UnlockSecret::from_b64(&session.unlock_secret);
        session.unlock_secret.zeroize();
        let secret = secret?;
        let pending = Pending {
            device_id: session.device_id.clone(),
            secret,
            access: Access {
                token: Zeroizing::new(std::mem::take(&mut session.access_token)),
                expires_at: session.access_expires_at,
            },
        };
        let mut st = self.state();
        st.challenge = None;
        st.profile = Some(Profile {
            user: session.user,
            companies: session.companies,
            current_company_id: session.current_company_id,
            login_expires_at: session.login_expires_at,
        });
        st.pending = Some(pending);
        st.phase = Phase::PinSetup;
        st.notice = None;
        Ok(st.snapshot())
    }

    /// From Code or PinSetup: forget the pending login (nothing of it was
    /// stored) and show Login. A device session already created on the
    /// server is logged out in the background, best effort. Ignored while an
    /// intent is running.
    pub fn back_to_login(&self) -> Snapshot {
        let Ok(_turn) = self.inner.turn.try_lock() else {
            return self.snapshot();
        };
        let mut st = self.state();
        if !matches!(st.phase, Phase::Code | Phase::PinSetup) {
            return st.snapshot();
        }
        if let Some(pending) = st.pending.take() {
            let api = self.inner.api.clone();
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    let _ = api.logout(&pending.access.token).await;
                });
            }
        }
        st.show_login(None);
        st.snapshot()
    }

    /// Type the PIN twice, then Done: wraps the unlock secret with the PIN
    /// and stores the login. The PIN itself is never stored.
    pub async fn set_pin(
        &self,
        pin: &str,
        repeat: &str,
        now: DateTime<Utc>,
    ) -> Result<Snapshot, SessionError> {
        let _turn = self.inner.turn.lock().await;
        let (secret, device_id, profile) = {
            let st = self.state();
            match (&st.phase, &st.pending, &st.profile) {
                (Phase::PinSetup, Some(pending), Some(profile)) => (
                    pending.secret.clone(),
                    pending.device_id.clone(),
                    profile.clone(),
                ),
                _ => return Err(SessionError::WrongPhase),
            }
        };
        pin::check_pin(pin).map_err(SessionError::PinPolicy)?;
        if pin != repeat {
            return Err(SessionError::PinMismatch);
        }
        if now >= profile.login_expires_at {
            let mut st = self.state();
            st.show_login(Some(Notice::LoginExpired));
            return Ok(st.snapshot());
        }
        let salt = pin::new_salt();
        let kdf = self.inner.kdf;
        let wrapped = pin::wrap_with_pin(&secret, pin, &salt, kdf).await?;
        let login = StoredLogin {
            device_id,
            wrapped_secret: StoredLogin::encode_wrapped(&wrapped),
            salt: StoredLogin::encode_salt(&salt),
            kdf,
            login_expires_at: profile.login_expires_at,
            user: profile.user.clone(),
            companies: profile.companies.clone(),
            current_company_id: profile.current_company_id,
        };
        let to_save = login.clone();
        self.with_vault(move |v| v.save_login(&to_save)).await?;
        let mut st = self.state();
        let Some(pending) = st.pending.take() else {
            return Err(SessionError::WrongPhase);
        };
        st.live = Some(Live {
            device_id: pending.device_id,
            secret: pending.secret,
            access: pending.access,
        });
        st.stored = Some(login);
        st.after_intro = Phase::Unlock;
        st.phase = Phase::Home;
        st.notice = None;
        Ok(st.snapshot())
    }

    /// PIN on the Unlock screen. The server tells a right PIN from a wrong
    /// one (and counts); revoked or expired device sessions are wiped.
    pub async fn unlock(&self, pin: &str, now: DateTime<Utc>) -> Result<Snapshot, SessionError> {
        let _turn = self.inner.turn.lock().await;
        let stored = {
            let st = self.state();
            match (&st.phase, &st.stored) {
                (Phase::Unlock, Some(stored)) => stored.clone(),
                _ => return Err(SessionError::WrongPhase),
            }
        };
        if stored.is_expired(now) {
            return Ok(self.end_login(Notice::LoginExpired).await);
        }
        if pin.is_empty() {
            return Err(SessionError::MissingInput);
        }
        pin::check_shape(pin).map_err(SessionError::PinPolicy)?;
        let wrapped = stored.wrapped()?;
        let salt = stored.salt_bytes()?;
        let candidate = pin::unwrap_with_pin(&wrapped, pin, &salt, stored.kdf).await?;
        let answer = self.call_unlock(&stored.device_id, &candidate).await;
        let unlocked = match self.settle(answer.map_err(Fail::from)).await? {
            Ok(unlocked) => unlocked,
            Err(ended) => return Ok(ended),
        };
        let profile = Profile::of_unlocked(&unlocked);
        let refreshed = StoredLogin {
            user: profile.user.clone(),
            companies: profile.companies.clone(),
            current_company_id: profile.current_company_id,
            ..stored.clone()
        };
        if refreshed != stored {
            // Names or rights changed on the server: keep the stored copy
            // current. Not worth failing the unlock over.
            let to_save = refreshed.clone();
            let _ = self.with_vault(move |v| v.save_login(&to_save)).await;
        }
        let mut st = self.state();
        st.live = Some(Live {
            device_id: stored.device_id,
            secret: candidate,
            access: Access {
                token: Zeroizing::new(unlocked.access_token),
                expires_at: unlocked.access_expires_at,
            },
        });
        st.profile = Some(profile);
        st.stored = Some(refreshed);
        st.phase = Phase::Home;
        st.notice = None;
        Ok(st.snapshot())
    }

    async fn call_unlock(
        &self,
        device_id: &str,
        secret: &UnlockSecret,
    ) -> Result<Unlocked, ApiError> {
        let encoded = secret.to_b64();
        let mut request = UnlockRequest {
            device_id: device_id.to_owned(),
            unlock_secret: encoded.to_string(),
        };
        let answer = self.inner.api.unlock(&request).await;
        request.unlock_secret.zeroize();
        answer
    }

    /// Home -> CompanyMenu (tap on name + company).
    pub fn open_company_menu(&self) -> Snapshot {
        let mut st = self.state();
        if st.phase == Phase::Home {
            st.phase = Phase::CompanyMenu;
        }
        st.snapshot()
    }

    /// CompanyMenu -> Home (Go back).
    pub fn go_back(&self) -> Snapshot {
        let mut st = self.state();
        if st.phase == Phase::CompanyMenu {
            st.phase = Phase::Home;
        }
        st.snapshot()
    }

    /// Home/CompanyMenu -> Unlock: drops the unlock secret and the access
    /// token from memory; the stored login stays. (For an app going to the
    /// background; not part of the seed's journey.)
    pub fn lock(&self) -> Snapshot {
        let Ok(_turn) = self.inner.turn.try_lock() else {
            return self.snapshot();
        };
        let mut st = self.state();
        if matches!(st.phase, Phase::Home | Phase::CompanyMenu) && st.stored.is_some() {
            st.live = None;
            if let Some(stored) = st.stored.as_ref() {
                st.profile = Some(Profile::of_stored(stored));
            }
            st.phase = Phase::Unlock;
        }
        st.snapshot()
    }

    /// A live access token, renewed with the in-memory unlock secret when it
    /// has expired (or is about to).
    async fn access_token(
        &self,
        now: DateTime<Utc>,
        force: bool,
    ) -> Result<Zeroizing<String>, Fail> {
        let (device_id, secret) = {
            let st = self.state();
            let Some(live) = st.live.as_ref() else {
                return Err(Fail::Error(SessionError::WrongPhase));
            };
            if !force && live.access.expires_at - Duration::seconds(TOKEN_MARGIN_S) > now {
                return Ok(live.access.token.clone());
            }
            (live.device_id.clone(), live.secret.clone())
        };
        let unlocked = self.call_unlock(&device_id, &secret).await?;
        let token = Zeroizing::new(unlocked.access_token.clone());
        let mut st = self.state();
        if let Some(live) = st.live.as_mut() {
            live.access = Access {
                token: token.clone(),
                expires_at: unlocked.access_expires_at,
            };
        }
        st.profile = Some(Profile::of_unlocked(&unlocked));
        Ok(token)
    }

    /// Select a company in the company menu. Confirmed by the server first,
    /// then saved in the stored login so it survives relaunch + unlock.
    pub async fn switch_company(
        &self,
        company_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Snapshot, SessionError> {
        let _turn = self.inner.turn.lock().await;
        let stored = {
            let st = self.state();
            match (&st.phase, &st.live, &st.stored) {
                (Phase::Home | Phase::CompanyMenu, Some(_), Some(stored)) => stored.clone(),
                _ => return Err(SessionError::WrongPhase),
            }
        };
        if stored.is_expired(now) {
            return Ok(self.end_login(Notice::LoginExpired).await);
        }
        let result = self.put_company(company_id, now).await;
        let current = match self.settle(result).await? {
            Ok(current) => current,
            Err(ended) => return Ok(ended),
        };
        let updated = {
            let mut st = self.state();
            let Some(profile) = st.profile.as_mut() else {
                return Err(SessionError::WrongPhase);
            };
            profile.current_company_id = current;
            let profile = profile.clone();
            let Some(stored) = st.stored.as_mut() else {
                return Err(SessionError::WrongPhase);
            };
            stored.current_company_id = current;
            stored.user = profile.user;
            stored.companies = profile.companies;
            stored.clone()
        };
        self.with_vault(move |v| v.save_login(&updated)).await?;
        Ok(self.snapshot())
    }

    async fn put_company(&self, company_id: i64, now: DateTime<Utc>) -> Result<i64, Fail> {
        let token = self.access_token(now, false).await?;
        match self.inner.api.set_company(&token, company_id).await {
            Ok(changed) => Ok(changed.current_company_id),
            Err(e) if e.code() == Some(ErrorCode::Unauthorized) => {
                // The token died early (clock skew, server restart): renew once.
                let token = self.access_token(now, true).await?;
                Ok(self
                    .inner
                    .api
                    .set_company(&token, company_id)
                    .await?
                    .current_company_id)
            }
            Err(e) if e.code() == Some(ErrorCode::Forbidden) => Err(Fail::Error(
                SessionError::Server(ErrorCode::Forbidden.default_message().into()),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Log out: ask the server to revoke this device (short timeout, best
    /// effort, also offline), then wipe every stored user entry and show
    /// Login with [`Notice::LoggedOut`]. Preferences stay.
    pub async fn logout(&self, now: DateTime<Utc>) -> Snapshot {
        let _turn = self.inner.turn.lock().await;
        let has_session = {
            let st = self.state();
            st.live.is_some() || st.pending.is_some()
        };
        if has_session {
            let _ = tokio::time::timeout(LOGOUT_TIMEOUT, self.revoke_on_server(now)).await;
        }
        if self.with_vault(|v| v.wipe_login()).await.is_err() {
            let _ = self.with_vault(|v| v.wipe_login()).await;
        }
        let mut st = self.state();
        st.show_login(Some(Notice::LoggedOut));
        st.snapshot()
    }

    async fn revoke_on_server(&self, now: DateTime<Utc>) {
        let pending_token = self
            .state()
            .pending
            .as_ref()
            .map(|p| p.access.token.clone());
        let token = match pending_token {
            Some(token) => token,
            None => match self.access_token(now, false).await {
                Ok(token) => token,
                Err(_) => return,
            },
        };
        let _ = self.inner.api.logout(&token).await;
    }
}
