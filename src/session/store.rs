//! The session store: carries out the journey's effects (docs/design.md,
//! Journey) — server calls, secure storage, the PIN KDF — and feeds their
//! outcomes to the pure [`Stage`] machine.
//!
//! One owner, one intent at a time: every intent takes `&mut self`, so two
//! can never interleave; the UI drives the store from one queue
//! ([`SessionStore::send`]). The store reads time from its [`Clock`]; the
//! PIN KDF and every secure-storage call run on tokio's blocking pool.
//!
//! What lives where:
//! - a login whose PIN is not set yet: memory only ([`Stage::PinSetup`]);
//!   an app killed there leaves nothing stored.
//! - the stored login (wrapped secret, salt, KDF params, device id, the
//!   account): the [`Vault`].
//! - while unlocked: an access token and a refresh token only, in zeroizing
//!   types, dropped (and so zeroized) on lock, logout, revocation, expiry;
//!   the unlock secret is unwrapped, sent and dropped at once.
//! - never: the PIN, the password, the authenticator code.

use chrono::{DateTime, Duration, Utc};
use heeros_api::{normalize_code, ErrorCode, LoginRequest, LoginStep, Session, TotpRequest};
use zeroize::{Zeroize, Zeroizing};

use super::access::{access_of, split_unlocked};
use super::api_client::{ApiClient, ApiError};
use super::device::DeviceInfo;
use super::journey::{DeviceSession, Event, Stage, Tokens};
use super::payment::PaymentSeed;
use super::pin::{self, KdfParams, KeyLayout, UnlockSecret};
use super::vault::{LockDelay, Preferences, StoredLogin, Vault, VaultError};
use super::{Clock, Intent, Notice, SessionError, Snapshot};
use crate::lang::Lang;

/// The session store: the stage, the preferences, and what carries out
/// the effects.
pub struct SessionStore {
    pub(super) api: ApiClient,
    vault: Vault,
    device: DeviceInfo,
    /// Argon2id cost for new PINs (stored with each wrapped secret).
    kdf: KdfParams,
    pub(super) clock: Clock,
    pub(super) stage: Stage,
    prefs: Preferences,
    /// What went wrong with the last intent sent through [`Self::send`].
    error: Option<SessionError>,
    /// Since when the app has been in the background, if it is.
    hidden_since: Option<DateTime<Utc>>,
    /// The last intent changed the PIN (the menu says so once).
    pin_changed: bool,
}

/// From this many days before the end of the 90 days (day 80), Home and
/// Unlock say when the login ends and offer Renew now.
pub const RENEW_DAYS_BEFORE_END: i64 = 10;

impl SessionStore {
    pub fn new(api: ApiClient, vault: Vault, device: DeviceInfo) -> Self {
        SessionStore {
            api,
            vault,
            device,
            kdf: KdfParams::BASELINE,
            clock: Clock::system(),
            stage: Stage::Starting,
            prefs: Preferences::default(),
            error: None,
            hidden_since: None,
            pin_changed: false,
        }
    }

    /// Wraps new PINs with `kdf` instead of the baseline (a stronger cost on
    /// fast phones; a cheap one for tests that derive thousands of keys).
    /// Unlocking always uses the stored parameters.
    pub fn with_kdf(mut self, kdf: KdfParams) -> Self {
        self.kdf = kdf;
        self
    }

    /// Reads time from `clock` (tests share one manual clock with the server).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The vault this store writes to (tests inspect it).
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// Every secret this store holds in memory now, as a dump of the app's
    /// memory would find it: the tokens of an open session, the unlock
    /// secret and the payment seed only between a full login and its PIN
    /// (the seed as its public key, which is what would test a guess).
    /// For the tests of the offline-guessing rule (docs/design.md,
    /// Security model).
    #[doc(hidden)]
    pub fn held_secrets(&self) -> Vec<Zeroizing<String>> {
        match (&self.stage, self.stage.open()) {
            (Stage::PinSetup { session, .. }, _) => {
                vec![
                    session.secret.to_b64(),
                    Zeroizing::new(session.payment_seed.public_key()),
                    session.access.token.clone(),
                ]
            }
            (_, Some(open)) => {
                let mut held = vec![open.tokens.access.token.clone()];
                held.extend(open.tokens.refresh.clone());
                held
            }
            _ => Vec::new(),
        }
    }

    /// What the UI should render now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            phase: self.stage.phase(),
            notice: self.stage.notice(),
            account: self.stage.account().cloned(),
            language: self.prefs.language.unwrap_or_default(),
            failed_attempts_since_last_unlock: self
                .stage
                .open()
                .map_or(0, |open| open.failed_attempts),
            login_ending: self.login_ending(),
            covered: self.hidden_since.is_some(),
            lock_delay: self.prefs.lock_delay,
            has_back: self.stage.back().is_some(),
            pin_changed: self.pin_changed,
            devices: match &self.stage {
                Stage::Devices { devices, .. } => devices.clone(),
                _ => Vec::new(),
            },
            invoices: self.stage.open().and_then(|open| open.invoices.clone()),
            selected: self
                .stage
                .open()
                .map(|open| open.selected.iter().copied().collect())
                .unwrap_or_default(),
            invoice: match &self.stage {
                Stage::Invoice { open, id } => open.invoice(*id).cloned(),
                _ => None,
            },
            order: match &self.stage {
                Stage::PayConfirm { order, .. } => Some(order.clone()),
                _ => None,
            },
            receipt: match &self.stage {
                Stage::Paid { receipt, .. } => Some(receipt.clone()),
                _ => None,
            },
            can_pay: self
                .stage
                .open()
                .is_some_and(|open| open.stored.wrapped_payment_key.is_some()),
            today: self.clock.now().with_timezone(&chrono::Local).date_naive(),
            busy: false,
            error: self.error.clone(),
        }
    }

    /// Handles one intent and says what to show: the new screen, or the
    /// same one with the error in [`Snapshot::error`].
    pub async fn send(&mut self, intent: Intent) -> Snapshot {
        self.error = None;
        self.pin_changed = false;
        let result = match intent {
            Intent::Start => self.start().await,
            Intent::IntroNext => self.intro_next().await,
            Intent::IntroBack => Ok(self.intro_back()),
            Intent::FinishIntro => self.finish_intro().await,
            Intent::SetLanguage(lang) => self.set_language(lang).await,
            Intent::SetLockDelay(delay) => self.set_lock_delay(delay).await,
            Intent::SubmitLogin { username, password } => {
                self.submit_login(&username, &password).await
            }
            Intent::SubmitCode(code) => self.submit_code(&code).await,
            Intent::BackToLogin => Ok(self.back_to_login()),
            Intent::SetPin { pin, repeat } => self.set_pin(&pin, &repeat).await,
            Intent::Unlock(pin) => self.unlock(&pin).await,
            Intent::OpenCompanyMenu => Ok(self.open_company_menu()),
            Intent::GoBack => Ok(self.go_back()),
            Intent::SwitchCompany(id) => self.switch_company(id).await,
            Intent::OpenChangePin => Ok(self.apply(Event::ChangePinOpened)),
            Intent::ChangePin { old, new, repeat } => self.change_pin(&old, &new, &repeat).await,
            Intent::Lock => Ok(self.lock().await),
            Intent::Logout => Ok(self.logout().await),
            Intent::Renew => Ok(self.renew().await),
            Intent::Back => Ok(self.back()),
            Intent::WentToBackground => Ok(self.went_to_background().await),
            Intent::CameToForeground => Ok(self.came_to_foreground().await),
            Intent::OpenDevices => self.list_devices().await,
            Intent::RevokeDevice(id) => self.revoke_device(&id).await,
            Intent::LogoutAll => self.logout_all().await,
            Intent::RefreshInvoices => self.refresh_invoices().await,
            Intent::OpenInvoice(id) => Ok(self.apply(Event::InvoiceOpened(id))),
            Intent::ApproveInvoice(id) => self.approve_invoice(id).await,
            Intent::RejectInvoice { id, reason } => self.reject_invoice(id, &reason).await,
            Intent::ToggleInvoice(id) => Ok(self.apply(Event::SelectionToggled(id))),
            Intent::Pay => self.pay().await,
            Intent::ConfirmPayment(pin) => self.confirm_payment(&pin).await,
        };
        self.error = result.err();
        self.snapshot()
    }

    /// Moves the stage on by `event` and returns what to show.
    pub(super) fn apply(&mut self, event: Event) -> Snapshot {
        let stage = std::mem::replace(&mut self.stage, Stage::Starting);
        self.stage = stage.on(event);
        self.snapshot()
    }

    async fn with_vault<T, F>(&self, f: F) -> Result<T, VaultError>
    where
        T: Send + 'static,
        F: FnOnce(&Vault) -> Result<T, VaultError> + Send + 'static,
    {
        let vault = self.vault.clone();
        tokio::task::spawn_blocking(move || f(&vault))
            .await
            .map_err(|e| VaultError::Unavailable(format!("storage task failed: {e}")))?
    }

    /// Deletes the stored login (one retry) and ends the journey with
    /// `notice`: Login, nothing of the user in memory.
    pub(super) async fn end_login(&mut self, notice: Notice) -> Snapshot {
        if self.with_vault(|v| v.wipe_login()).await.is_err() {
            // Nothing else to do: a login left behind is refused by the
            // server (revoked or expired) and wiped on the next try.
            let _ = self.with_vault(|v| v.wipe_login()).await;
        }
        self.apply(Event::Ended(notice))
    }

    /// A failed server call: a dead device session ends the login here
    /// (wiped, Login says why); anything else is an error for the screen.
    pub(super) async fn failed(&mut self, e: ApiError) -> Result<Snapshot, SessionError> {
        match e.code() {
            Some(ErrorCode::DeviceRevoked) => Ok(self.end_login(Notice::DeviceRevoked).await),
            Some(ErrorCode::LoginExpired) => Ok(self.end_login(Notice::LoginExpired).await),
            // This unlock's tokens are over (locked elsewhere, unused too
            // long): the PIN opens the app again.
            Some(ErrorCode::Unauthorized) if self.stage.open().is_some() => {
                Ok(self.apply(Event::Locked))
            }
            _ => Err(e.into()),
        }
    }

    /// Saves preferences; a failure costs only the remembered choice.
    async fn save_preferences(&self) {
        let prefs = self.prefs.clone();
        let _ = self.with_vault(move |v| v.save_preferences(&prefs)).await;
    }

    /// Reads storage and picks the first screen: intro not seen -> Intro;
    /// stored login expired -> wipe, Login + [`Notice::LoginExpired`]; stored
    /// login -> Unlock; else Login. Anything held in memory is dropped.
    pub async fn start(&mut self) -> Result<Snapshot, SessionError> {
        self.stage = Stage::Starting;
        self.prefs = self.with_vault(|v| v.load_preferences()).await?;
        let stored = match self.with_vault(|v| v.load_login()).await {
            Ok(stored) => stored,
            Err(VaultError::Corrupt(_)) => {
                // Not something this app wrote (or half of it): unusable.
                self.with_vault(|v| v.wipe_login()).await?;
                None
            }
            Err(e) => return Err(e.into()),
        };
        let (stored, notice) = match stored {
            Some(login) if login.is_expired(self.clock.now()) => {
                self.with_vault(|v| v.wipe_login()).await?;
                (None, Some(Notice::LoginExpired))
            }
            other => (other, None),
        };
        Ok(self.apply(Event::Started {
            intro_seen: self.prefs.intro_seen,
            stored,
            notice,
        }))
    }

    /// Next intro step; Next on the last step finishes the intro.
    pub async fn intro_next(&mut self) -> Result<Snapshot, SessionError> {
        let snapshot = self.apply(Event::IntroAdvanced);
        self.remember_intro_seen().await;
        Ok(snapshot)
    }

    /// Previous intro step (stays on the first).
    pub fn intro_back(&mut self) -> Snapshot {
        self.apply(Event::IntroWentBack)
    }

    /// Skip: the intro is finished and not shown again.
    pub async fn finish_intro(&mut self) -> Result<Snapshot, SessionError> {
        let snapshot = self.apply(Event::IntroFinished);
        self.remember_intro_seen().await;
        Ok(snapshot)
    }

    /// Once the intro is left, it is not shown again. (If saving fails the
    /// intro shows once more on the next launch; no reason to stop here.)
    async fn remember_intro_seen(&mut self) {
        if !matches!(self.stage, Stage::Intro { .. }) && !self.prefs.intro_seen {
            self.prefs.intro_seen = true;
            self.save_preferences().await;
        }
    }

    /// Sets the UI language and keeps it in preferences.
    pub async fn set_language(&mut self, lang: Lang) -> Result<Snapshot, SessionError> {
        self.change_preferences(|prefs| prefs.language = Some(lang))
            .await
    }

    /// Sets how long the app may be in the background before it locks.
    pub async fn set_lock_delay(&mut self, delay: LockDelay) -> Result<Snapshot, SessionError> {
        self.change_preferences(|prefs| prefs.lock_delay = delay)
            .await
    }

    /// Changes the preferences once they are saved.
    async fn change_preferences(
        &mut self,
        change: impl FnOnce(&mut Preferences),
    ) -> Result<Snapshot, SessionError> {
        let mut prefs = self.prefs.clone();
        change(&mut prefs);
        let to_save = prefs.clone();
        self.with_vault(move |v| v.save_preferences(&to_save))
            .await?;
        self.prefs = prefs;
        Ok(self.snapshot())
    }

    /// Whether the stored login ends within [`RENEW_DAYS_BEFORE_END`] days.
    fn login_ending(&self) -> bool {
        let stored = match (&self.stage, self.stage.open()) {
            (Stage::Unlock { stored }, _) => stored,
            (_, Some(open)) => &open.stored,
            _ => return false,
        };
        stored.account.login_expires_at - self.clock.now() <= Duration::days(RENEW_DAYS_BEFORE_END)
    }

    /// The phone's back button: the screen's own back, if it has one.
    pub fn back(&mut self) -> Snapshot {
        match self.stage.back() {
            Some(Event::WentBackToLogin) => self.back_to_login(),
            Some(event) => self.apply(event),
            None => self.snapshot(),
        }
    }

    /// The app went to the background: cover the content; with the lock
    /// delay "at once", lock now.
    pub async fn went_to_background(&mut self) -> Snapshot {
        self.hidden_since.get_or_insert(self.clock.now());
        if self.prefs.lock_delay == LockDelay::AtOnce {
            self.lock().await;
        }
        self.snapshot()
    }

    /// Back in front: locked if it was away for the lock delay or longer.
    pub async fn came_to_foreground(&mut self) -> Snapshot {
        if let Some(since) = self.hidden_since.take() {
            let away = self.clock.now() - since;
            if away >= Duration::seconds(self.prefs.lock_delay.seconds()) {
                self.lock().await;
            }
        }
        self.snapshot()
    }

    /// User name + password. Answers: Code (the user has an authenticator),
    /// PinSetup (logged in), or an error on Login.
    pub async fn submit_login(
        &mut self,
        username: &str,
        password: &str,
    ) -> Result<Snapshot, SessionError> {
        if !matches!(self.stage, Stage::Login { .. }) {
            return Ok(self.snapshot());
        }
        let username = username.trim();
        if username.is_empty() || password.is_empty() {
            return Err(SessionError::MissingInput);
        }
        let mut request = LoginRequest {
            username: username.to_owned(),
            password: password.to_owned(),
            device_name: self.device.device_name.clone(),
            platform: self.device.platform.clone(),
        };
        let answer = self.api.login(&request).await;
        request.password.zeroize();
        match answer? {
            LoginStep::Totp { challenge, .. } => Ok(self.apply(Event::ChallengeIssued {
                challenge: Zeroizing::new(challenge),
            })),
            LoginStep::PinSetup { session } => self.logged_in(session),
        }
    }

    /// The authenticator code; spaces and dashes (pasted codes) are ignored.
    /// A dead challenge (5 wrong codes, 5 minutes) goes back to Login with
    /// [`Notice::ChallengeExpired`].
    pub async fn submit_code(&mut self, code: &str) -> Result<Snapshot, SessionError> {
        let Stage::Code { challenge } = &self.stage else {
            return Ok(self.snapshot());
        };
        let code = Zeroizing::new(normalize_code(code));
        if code.is_empty() {
            return Err(SessionError::MissingInput);
        }
        let mut request = TotpRequest {
            challenge: challenge.to_string(),
            code: code.to_string(),
        };
        let answer = self.api.login_totp(&request).await;
        request.code.zeroize();
        request.challenge.zeroize();
        match answer {
            Ok(LoginStep::PinSetup { session }) => self.logged_in(session),
            Ok(LoginStep::Totp { .. }) => Err(SessionError::Server(
                "the server asked for a second code".into(),
            )),
            Err(ApiError::Rejected(body))
                if body.error == ErrorCode::ChallengeExpired
                    || (body.error == ErrorCode::TotpInvalid && body.attempts_left == Some(0)) =>
            {
                Ok(self.apply(Event::Ended(Notice::ChallengeExpired)))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Keeps the new device session in memory and asks for a PIN.
    fn logged_in(&mut self, mut session: Session) -> Result<Snapshot, SessionError> {
        let secret = UnlockSecret::from_b64(&session.unlock_secret);
        session.unlock_secret.zeroize();
        let held = DeviceSession {
            device_id: session.device_id,
            secret: secret?,
            payment_seed: PaymentSeed::generate(),
            access: access_of(session.access_token, session.access_expires_at),
        };
        Ok(self.apply(Event::LoggedIn {
            session: held,
            account: session.account,
        }))
    }

    /// From Code or PinSetup: forget the pending login (nothing of it was
    /// stored) and show Login. A device session already created on the
    /// server is logged out in the background, best effort.
    pub fn back_to_login(&mut self) -> Snapshot {
        if let Stage::PinSetup { session, .. } = &self.stage {
            let api = self.api.clone();
            let token = session.access.token.clone();
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    let _ = api.logout(&token).await;
                });
            }
        }
        self.apply(Event::WentBackToLogin)
    }

    /// Type the PIN twice, then Done: registers the payment key's public
    /// half with the server, wraps the unlock secret and the payment seed
    /// with the PIN's two keys and stores the login. The PIN itself is
    /// never stored. Offline nothing is stored: Try again.
    pub async fn set_pin(&mut self, pin: &str, repeat: &str) -> Result<Snapshot, SessionError> {
        let Stage::PinSetup { session, account } = &self.stage else {
            return Ok(self.snapshot());
        };
        let (device_id, access, account) = (
            session.device_id.clone(),
            session.access.clone(),
            account.clone(),
        );
        if pin.is_empty() || repeat.is_empty() {
            return Err(SessionError::MissingInput);
        }
        pin::check_pin(pin).map_err(SessionError::PinPolicy)?;
        if pin != repeat {
            return Err(SessionError::PinMismatch);
        }
        if self.clock.now() >= account.login_expires_at {
            return Ok(self.apply(Event::Ended(Notice::LoginExpired)));
        }
        let salt = pin::new_salt();
        let keys =
            pin::derive_keys_async(pin, &salt, self.kdf, KeyLayout::UnlockAndPayment).await?;
        let Stage::PinSetup { session, .. } = &self.stage else {
            return Ok(self.snapshot());
        };
        let public_key = session.payment_seed.public_key();
        let (wrapped, wrapped_pay) = match &keys.payment {
            Some(k2) => (
                pin::wrap(&session.secret, &keys.unlock),
                session.payment_seed.wrap(k2),
            ),
            None => return Err(SessionError::Kdf("no payment key derived".into())),
        };
        drop(keys);
        if let Err(e) = self
            .api
            .register_payment_key(&access.token, &public_key)
            .await
        {
            return self.failed(e).await;
        }
        let stored = StoredLogin {
            device_id,
            wrapped_secret: StoredLogin::encode_wrapped(&wrapped),
            salt: StoredLogin::encode_salt(&salt),
            kdf: self.kdf,
            wrapped_payment_key: Some(StoredLogin::encode_wrapped(&wrapped_pay)),
            account,
        };
        let to_save = stored.clone();
        self.with_vault(move |v| v.save_login(&to_save)).await?;
        // The secret gives way to tokens: one unlock with it brings the
        // refresh token. Offline, the login's access token serves until it
        // dies; then the PIN is asked.
        let Stage::PinSetup { session, .. } = &self.stage else {
            return Ok(self.snapshot());
        };
        let tokens = match self
            .api
            .unlock_with(&stored.device_id, &session.secret)
            .await
        {
            Ok(unlocked) => split_unlocked(unlocked).0,
            Err(_) => Tokens {
                access,
                refresh: None,
            },
        };
        // PinSetup (and with it the secret and the seed) is dropped here.
        self.apply(Event::PinStored { stored, tokens });
        self.refresh_invoices().await
    }

    /// PIN on the Unlock screen. The server tells a right PIN from a wrong
    /// one (and counts); revoked or expired device sessions are wiped.
    pub async fn unlock(&mut self, pin: &str) -> Result<Snapshot, SessionError> {
        let Stage::Unlock { stored } = &self.stage else {
            return Ok(self.snapshot());
        };
        let stored = stored.clone();
        if stored.is_expired(self.clock.now()) {
            return Ok(self.end_login(Notice::LoginExpired).await);
        }
        if pin.is_empty() {
            return Err(SessionError::MissingInput);
        }
        pin::check_shape(pin).map_err(SessionError::PinPolicy)?;
        let candidate = self.unwrap_secret(&stored, pin).await?;
        let unlocked = match self.api.unlock_with(&stored.device_id, &candidate).await {
            Ok(unlocked) => unlocked,
            Err(e) => return self.failed(e).await,
        };
        // Sent: the secret leaves memory (zeroized on drop); tokens only now.
        drop(candidate);
        let (tokens, account, failed_attempts) = split_unlocked(unlocked);
        let refreshed = StoredLogin {
            account,
            ..stored.clone()
        };
        if refreshed != stored {
            // Names or rights changed on the server: keep the stored copy
            // current. Not worth failing the unlock over.
            let to_save = refreshed.clone();
            let _ = self.with_vault(move |v| v.save_login(&to_save)).await;
        }
        self.apply(Event::Unlocked {
            stored: refreshed,
            tokens,
            failed_attempts,
        });
        // Home lists the invoices; if that fails, Home says so (Try again).
        self.refresh_invoices().await
    }

    /// The unlock secret a typed PIN unwraps (the right one only for the
    /// right PIN; nothing here can tell). The payment key derived with it
    /// is dropped at once.
    async fn unwrap_secret(
        &self,
        stored: &StoredLogin,
        pin: &str,
    ) -> Result<UnlockSecret, SessionError> {
        let keys =
            pin::derive_keys_async(pin, &stored.salt_bytes()?, stored.kdf, stored.key_layout())
                .await?;
        Ok(pin::unwrap(&stored.wrapped()?, &keys.unlock))
    }

    /// Home -> CompanyMenu (a tap on the name and company).
    pub fn open_company_menu(&mut self) -> Snapshot {
        self.apply(Event::MenuOpened)
    }

    /// CompanyMenu -> Home (Go back).
    pub fn go_back(&mut self) -> Snapshot {
        self.apply(Event::WentBack)
    }

    /// Change PIN: the old PIN proves itself like an unlock (the server
    /// counts a wrong one; the 5th revokes), then the same unlock secret is
    /// wrapped with the new PIN and a new salt. Nothing else changes.
    pub async fn change_pin(
        &mut self,
        old: &str,
        new: &str,
        repeat: &str,
    ) -> Result<Snapshot, SessionError> {
        let Stage::ChangePin(open) = &self.stage else {
            return Ok(self.snapshot());
        };
        let stored = open.stored.clone();
        if old.is_empty() || new.is_empty() || repeat.is_empty() {
            return Err(SessionError::MissingInput);
        }
        pin::check_pin(new).map_err(SessionError::PinPolicy)?;
        if new != repeat {
            return Err(SessionError::PinMismatch);
        }
        pin::check_shape(old).map_err(SessionError::PinPolicy)?;
        let old_keys =
            pin::derive_keys_async(old, &stored.salt_bytes()?, stored.kdf, stored.key_layout())
                .await?;
        let candidate = pin::unwrap(&stored.wrapped()?, &old_keys.unlock);
        let unlocked = match self.api.unlock_with(&stored.device_id, &candidate).await {
            Ok(unlocked) => unlocked,
            Err(e) => return self.failed(e).await,
        };
        // The server took the secret, so the old PIN was right, and so is
        // the payment seed its second key unwraps.
        let seed = match (stored.wrapped_payment()?, &old_keys.payment) {
            (Some(wrapped), Some(k2)) => Some(PaymentSeed::unwrap(&wrapped, k2)),
            _ => None,
        };
        drop(old_keys);
        let salt = pin::new_salt();
        let layout = if seed.is_some() {
            KeyLayout::UnlockAndPayment
        } else {
            KeyLayout::UnlockOnly
        };
        let new_keys = pin::derive_keys_async(new, &salt, self.kdf, layout).await?;
        let wrapped = pin::wrap(&candidate, &new_keys.unlock);
        let wrapped_pay = match (&seed, &new_keys.payment) {
            (Some(seed), Some(k2)) => Some(StoredLogin::encode_wrapped(&seed.wrap(k2))),
            _ => None,
        };
        drop((candidate, seed, new_keys));
        let (tokens, account, _) = split_unlocked(unlocked);
        let rewrapped = StoredLogin {
            wrapped_secret: StoredLogin::encode_wrapped(&wrapped),
            salt: StoredLogin::encode_salt(&salt),
            kdf: self.kdf,
            wrapped_payment_key: wrapped_pay,
            account,
            ..stored
        };
        let to_save = rewrapped.clone();
        self.with_vault(move |v| v.save_login(&to_save)).await?;
        self.apply(Event::TokensRenewed(tokens));
        self.apply(Event::LoginUpdated(rewrapped));
        self.pin_changed = true;
        Ok(self.apply(Event::ChangePinClosed))
    }

    /// Home/CompanyMenu -> Unlock: the server ends this unlock's tokens
    /// (short timeout, best effort) and they leave memory; the stored login
    /// stays.
    pub async fn lock(&mut self) -> Snapshot {
        if let Some(open) = self.stage.open() {
            let token = open.tokens.access.token.clone();
            let _ = self.api.lock(&token).await;
        }
        self.apply(Event::Locked)
    }

    /// My devices: the user's device sessions, this one marked.
    pub async fn list_devices(&mut self) -> Result<Snapshot, SessionError> {
        if self.stage.open().is_none() {
            return Ok(self.snapshot());
        }
        match self
            .authorized(|api, token| async move { api.devices(&token).await })
            .await
        {
            Ok(list) => Ok(self.apply(Event::DevicesListed(list.devices))),
            Err(e) => self.failed(e).await,
        }
    }

    /// Ends another of the user's device sessions, then lists them again.
    pub async fn revoke_device(&mut self, id: &str) -> Result<Snapshot, SessionError> {
        if !matches!(self.stage, Stage::Devices { .. }) {
            return Ok(self.snapshot());
        }
        let id = id.to_owned();
        let deleted = self
            .authorized(|api, token| {
                let id = id.clone();
                async move { api.delete_device(&token, &id).await }
            })
            .await;
        match deleted {
            // Already gone (revoked elsewhere): the list shows it.
            Ok(()) => self.list_devices().await,
            Err(e) if e.code() == Some(ErrorCode::NotFound) => self.list_devices().await,
            Err(e) => self.failed(e).await,
        }
    }

    /// Log out from all devices: the server ends every device session of
    /// the user, this one too; then this phone is wiped like a logout. Not
    /// best effort: offline, nothing happens and the user is told.
    pub async fn logout_all(&mut self) -> Result<Snapshot, SessionError> {
        if self.stage.open().is_none() {
            return Ok(self.snapshot());
        }
        match self
            .authorized(|api, token| async move { api.logout_all(&token).await })
            .await
        {
            Ok(()) => Ok(self.end_login(Notice::LoggedOut).await),
            Err(e) => self.failed(e).await,
        }
    }

    /// Select a company in the company menu. Confirmed by the server first,
    /// then saved in the stored login so it survives relaunch + unlock.
    pub async fn switch_company(&mut self, company_id: i64) -> Result<Snapshot, SessionError> {
        let Some(open) = self.stage.open() else {
            return Ok(self.snapshot());
        };
        if open.stored.is_expired(self.clock.now()) {
            return Ok(self.end_login(Notice::LoginExpired).await);
        }
        let changed = self
            .authorized(|api, token| async move { api.set_company(&token, company_id).await })
            .await;
        let current = match changed {
            Ok(changed) => changed.current_company_id,
            Err(e) => return self.failed(e).await,
        };
        let Some(open) = self.stage.open() else {
            return Ok(self.snapshot());
        };
        let mut updated = open.stored.clone();
        updated.account.current_company_id = current;
        let to_save = updated.clone();
        self.with_vault(move |v| v.save_login(&to_save)).await?;
        self.apply(Event::LoginUpdated(updated));
        // The list is the new company's (an error shows on the menu).
        self.refresh_invoices().await
    }

    /// Log out: ask the server to revoke this device (short timeout, best
    /// effort, also offline), then wipe every stored user entry and show
    /// Login with [`Notice::LoggedOut`]. Preferences stay.
    pub async fn logout(&mut self) -> Snapshot {
        self.revoke_and_wipe(Notice::LoggedOut).await
    }

    /// Renew now (from day 80): as a logout, but Login says a full login
    /// gives 90 new days.
    pub async fn renew(&mut self) -> Snapshot {
        self.revoke_and_wipe(Notice::Renewing).await
    }

    async fn revoke_and_wipe(&mut self, notice: Notice) -> Snapshot {
        let pending_token = match &self.stage {
            Stage::PinSetup { session, .. } => Some(session.access.token.clone()),
            _ => None,
        };
        let revoke = async {
            match pending_token {
                Some(token) => {
                    let _ = self.api.logout(&token).await;
                }
                None if self.stage.open().is_some() => {
                    let _ = self
                        .authorized(|api, token| async move { api.logout(&token).await })
                        .await;
                }
                None => {}
            }
        };
        let _ = tokio::time::timeout(super::api_client::LOGOUT_TIMEOUT, revoke).await;
        self.end_login(notice).await
    }
}
