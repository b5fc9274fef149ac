//! Secure storage on the device, through `keyring-core` and the platform's
//! store: Android native (Keystore-backed), iOS `protected` (data-protection
//! keychain), the Secret Service on Linux; the in-memory mock in tests.
//!
//! Two entries under one service name:
//! - `login`: the stored login (device id, wrapped secret, salt, KDF params,
//!   expiry, user, companies, current company). User data: wiped on logout,
//!   expiry and revocation.
//! - `preferences`: intro seen, language. Not user data; survives logout.
//!
//! Every call here may block (D-Bus, JNI, keychain): from async code run it
//! on the blocking pool (the session store does).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use heeros_api::{Account, UNLOCK_SECRET_LEN};
use keyring_core::{CredentialStore, Entry};
use serde::{Deserialize, Serialize};

use super::pin::{KdfParams, KeyLayout, WrappedSecret, SALT_LEN};
use crate::lang::Lang;

/// The service name every entry of the app is stored under.
pub const SERVICE: &str = "fi.heeros.mobile";
/// The entry holding the stored login (user data).
pub const LOGIN_KEY: &str = "login";
/// The entry holding preferences (not user data).
pub const PREFERENCES_KEY: &str = "preferences";
/// Every entry that holds user data; all of them go on logout.
pub const USER_KEYS: &[&str] = &[LOGIN_KEY];
/// Every entry the app writes.
pub const ALL_KEYS: &[&str] = &[LOGIN_KEY, PREFERENCES_KEY];

/// Errors of the storage layer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// The OS store could not be reached or refused the operation.
    #[error("secure storage unavailable: {0}")]
    Unavailable(String),
    /// An entry exists but is not what this app writes.
    #[error("stored data unreadable: {0}")]
    Corrupt(String),
}

fn unavailable(e: keyring_core::Error) -> VaultError {
    VaultError::Unavailable(e.to_string())
}

/// What a full login leaves on the device once the PIN is set.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredLogin {
    pub device_id: String,
    /// `unlock_secret XOR Argon2id(PIN, salt)`, base64url.
    pub wrapped_secret: String,
    /// base64url of [`SALT_LEN`] bytes.
    pub salt: String,
    pub kdf: KdfParams,
    /// `payment_seed XOR K2`, base64url; absent in logins stored before
    /// payments (they unlock with the 32-byte key and cannot pay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrapped_payment_key: Option<String>,
    /// Name, companies, current company, expiry (stored flat, as before).
    #[serde(flatten)]
    pub account: Account,
}

impl StoredLogin {
    pub fn wrapped(&self) -> Result<WrappedSecret, VaultError> {
        decode_block(&self.wrapped_secret, "wrapped secret")
    }

    /// The wrapped payment seed, if this login has one.
    pub fn wrapped_payment(&self) -> Result<Option<WrappedSecret>, VaultError> {
        self.wrapped_payment_key
            .as_deref()
            .map(|text| decode_block(text, "wrapped payment key"))
            .transpose()
    }

    /// Which keys the PIN gives this login.
    pub fn key_layout(&self) -> KeyLayout {
        if self.wrapped_payment_key.is_some() {
            KeyLayout::UnlockAndPayment
        } else {
            KeyLayout::UnlockOnly
        }
    }

    pub fn salt_bytes(&self) -> Result<Vec<u8>, VaultError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(&self.salt)
            .map_err(|_| VaultError::Corrupt("salt is not base64url".into()))?;
        if bytes.len() != SALT_LEN {
            return Err(VaultError::Corrupt("salt has the wrong length".into()));
        }
        Ok(bytes)
    }

    pub fn encode_wrapped(wrapped: &WrappedSecret) -> String {
        URL_SAFE_NO_PAD.encode(wrapped.0)
    }

    pub fn encode_salt(salt: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(salt)
    }

    /// The 90-day rule: a login is dead from `login_expires_at` on.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.account.login_expires_at
    }
}

/// A stored 32-byte block (base64url), or why it is unusable.
fn decode_block(text: &str, what: &str) -> Result<WrappedSecret, VaultError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| VaultError::Corrupt(format!("{what} is not base64url")))?;
    let block: [u8; UNLOCK_SECRET_LEN] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| VaultError::Corrupt(format!("{what} has the wrong length")))?;
    Ok(WrappedSecret(block))
}

impl fmt::Debug for StoredLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredLogin")
            .field("device_id", &self.device_id)
            .field("wrapped_secret", &"..")
            .field("can_pay", &self.wrapped_payment_key.is_some())
            .field("kdf", &self.kdf)
            .field("login_expires_at", &self.account.login_expires_at)
            .field("user", &self.account.user)
            .field("companies", &self.account.companies.len())
            .field("current_company_id", &self.account.current_company_id)
            .finish()
    }
}

/// Device preferences. Not user data: they survive logout.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    #[serde(default)]
    pub intro_seen: bool,
    /// `None` until the user (or start-up, from the device language)
    /// picks one. An unknown stored code reads as `None`.
    #[serde(default, deserialize_with = "known_language")]
    pub language: Option<Lang>,
    /// How long the app may stay in the background before it locks.
    #[serde(default)]
    pub lock_delay: LockDelay,
}

/// How long the app may be in the background (or the desktop window
/// unfocused) before it asks for the PIN again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockDelay {
    AtOnce,
    #[default]
    OneMinute,
    FiveMinutes,
    FifteenMinutes,
}

impl LockDelay {
    /// Every choice, shortest first.
    pub const ALL: [LockDelay; 4] = [
        LockDelay::AtOnce,
        LockDelay::OneMinute,
        LockDelay::FiveMinutes,
        LockDelay::FifteenMinutes,
    ];

    pub fn seconds(self) -> i64 {
        match self {
            LockDelay::AtOnce => 0,
            LockDelay::OneMinute => 60,
            LockDelay::FiveMinutes => 5 * 60,
            LockDelay::FifteenMinutes => 15 * 60,
        }
    }
}

/// A stored language the app no longer has reads as "not chosen".
fn known_language<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Lang>, D::Error> {
    let code = Option::<String>::deserialize(d)?;
    Ok(code.as_deref().and_then(Lang::parse))
}

/// The app's entries in one credential store. Cheap to clone; clones share
/// the store.
#[derive(Clone)]
pub struct Vault {
    store: Arc<CredentialStore>,
    service: String,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("store", &self.store.vendor())
            .field("service", &self.service)
            .finish()
    }
}

impl Vault {
    /// A vault over an explicit store (not keyring-core's process-global
    /// default, so parallel tests never share entries).
    pub fn with_store(store: Arc<CredentialStore>) -> Vault {
        Vault {
            store,
            service: SERVICE.to_owned(),
        }
    }

    /// Like [`Vault::with_store`] under another service name (tests against a
    /// shared real store use a unique one).
    pub fn with_store_and_service(store: Arc<CredentialStore>, service: &str) -> Vault {
        Vault {
            store,
            service: service.to_owned(),
        }
    }

    /// A fresh in-memory vault (`keyring_core::mock`), for tests. Clones
    /// share it, so a "relaunched" app can read what the first one wrote.
    pub fn in_memory() -> Vault {
        let store = keyring_core::mock::Store::new().expect("the mock store always builds");
        Vault::with_store(store)
    }

    /// The platform's secure store: Secret Service on Linux, the Android
    /// native store, iOS protected data. A clear [`VaultError::Unavailable`]
    /// when it is not there (e.g. no Secret Service running).
    ///
    /// The store is opened once per process and kept for the process's
    /// lifetime (later calls share it). Besides saving a D-Bus connection per
    /// launch, this keeps the Secret Service client from ever being dropped
    /// on an async thread: its drop blocks on a runtime of its own, which
    /// panics inside tokio.
    ///
    /// Blocking, like every call on a [`Vault`]: on Linux it must not run on
    /// an async worker thread (the D-Bus client drives its own runtime): call
    /// it before the UI starts or from `tokio::task::spawn_blocking`.
    pub fn platform() -> Result<Vault, VaultError> {
        static PLATFORM_STORE: Mutex<Option<Arc<CredentialStore>>> = Mutex::new(None);
        let mut slot = PLATFORM_STORE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let store = match slot.as_ref() {
            Some(store) => store.clone(),
            None => {
                let store = platform_store()?;
                *slot = Some(store.clone());
                store
            }
        };
        Ok(Vault::with_store(store))
    }

    /// The same store under another service name (tests against a shared
    /// real store use a unique one so they never touch the app's entries).
    pub fn with_service(&self, service: &str) -> Vault {
        Vault::with_store_and_service(self.store.clone(), service)
    }

    /// The service name entries are stored under.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Which store this vault uses (for diagnostics).
    pub fn store_vendor(&self) -> String {
        self.store.vendor()
    }

    fn entry(&self, key: &str) -> Result<Entry, VaultError> {
        // iOS: items readable only while the phone is unlocked and never
        // restored onto another device from a backup.
        #[cfg(target_os = "ios")]
        let entry = Entry::new_in_store_with_modifiers(
            &self.store,
            &self.service,
            key,
            &std::collections::HashMap::from([("access-policy", "when-unlocked-this-device-only")]),
        );
        #[cfg(not(target_os = "ios"))]
        let entry = Entry::new_in_store(&self.store, &self.service, key);
        entry.map_err(unavailable)
    }

    fn read(&self, key: &str) -> Result<Option<Vec<u8>>, VaultError> {
        match self.entry(key)?.get_secret() {
            Ok(bytes) => Ok(Some(bytes)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn write(&self, key: &str, bytes: &[u8]) -> Result<(), VaultError> {
        self.entry(key)?.set_secret(bytes).map_err(unavailable)
    }

    fn delete(&self, key: &str) -> Result<(), VaultError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// The stored login, if any.
    pub fn load_login(&self) -> Result<Option<StoredLogin>, VaultError> {
        let Some(bytes) = self.read(LOGIN_KEY)? else {
            return Ok(None);
        };
        let login: StoredLogin = serde_json::from_slice(&bytes)
            .map_err(|e| VaultError::Corrupt(format!("stored login: {e}")))?;
        // Reject blobs whose crypto parts would fail later.
        login.wrapped()?;
        login.salt_bytes()?;
        Ok(Some(login))
    }

    pub fn save_login(&self, login: &StoredLogin) -> Result<(), VaultError> {
        let json = zeroize::Zeroizing::new(
            serde_json::to_vec(login).map_err(|e| VaultError::Corrupt(e.to_string()))?,
        );
        self.write(LOGIN_KEY, &json)
    }

    /// Deletes every entry holding user data. Preferences stay.
    pub fn wipe_login(&self) -> Result<(), VaultError> {
        let mut first_error = None;
        for key in USER_KEYS {
            if let Err(e) = self.delete(key) {
                first_error.get_or_insert(e);
            }
        }
        match first_error {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }

    /// Deletes every entry the app writes, preferences included (a full
    /// reset; logout uses [`Vault::wipe_login`]).
    pub fn wipe_everything(&self) -> Result<(), VaultError> {
        self.wipe_login()?;
        self.delete(PREFERENCES_KEY)
    }

    /// Preferences; defaults when none are stored or they are unreadable.
    pub fn load_preferences(&self) -> Result<Preferences, VaultError> {
        Ok(self
            .read(PREFERENCES_KEY)?
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default())
    }

    pub fn save_preferences(&self, prefs: &Preferences) -> Result<(), VaultError> {
        let json = serde_json::to_vec(prefs).map_err(|e| VaultError::Corrupt(e.to_string()))?;
        self.write(PREFERENCES_KEY, &json)
    }

    /// The raw bytes of one of the app's entries (diagnostics and tests:
    /// proving what is, and is not, on the device).
    pub fn raw_entry(&self, key: &str) -> Result<Option<Vec<u8>>, VaultError> {
        self.read(key)
    }

    /// The keys of the app's entries that currently hold something, in
    /// [`ALL_KEYS`] order. Tests use it to prove a wipe left no user data.
    pub fn stored_keys(&self) -> Result<Vec<&'static str>, VaultError> {
        let mut keys = Vec::new();
        for key in ALL_KEYS {
            if self.read(key)?.is_some() {
                keys.push(*key);
            }
        }
        Ok(keys)
    }

    /// Every entry under this vault's service that holds a value, found by
    /// searching the store (catches entries this version does not know).
    /// `None` when the store cannot search.
    pub fn search_service(&self) -> Result<Option<Vec<String>>, VaultError> {
        let spec = HashMap::from([("service", self.service.as_str())]);
        match Entry::search_in_store(&self.store, &spec) {
            Ok(entries) => {
                let mut users: Vec<String> = entries
                    .iter()
                    .filter(|e| e.get_secret().is_ok())
                    .filter_map(|e| e.get_specifiers())
                    .filter(|(service, _)| *service == self.service)
                    .map(|(_, user)| user)
                    .collect();
                users.sort();
                users.dedup();
                Ok(Some(users))
            }
            Err(keyring_core::Error::NotSupportedByStore(_)) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<Arc<CredentialStore>, VaultError> {
    let store = zbus_secret_service_keyring_store::Store::new().map_err(|e| {
        VaultError::Unavailable(format!(
            "no Secret Service (is gnome-keyring or KWallet running?): {e}"
        ))
    })?;
    Ok(store)
}

#[cfg(target_os = "android")]
fn platform_store() -> Result<Arc<CredentialStore>, VaultError> {
    let store = android_native_keyring_store::Store::new()
        .map_err(|e| VaultError::Unavailable(format!("Android keystore unavailable: {e}")))?;
    Ok(store)
}

#[cfg(target_os = "ios")]
fn platform_store() -> Result<Arc<CredentialStore>, VaultError> {
    let store = apple_native_keyring_store::protected::Store::new()
        .map_err(|e| VaultError::Unavailable(format!("iOS protected data unavailable: {e}")))?;
    Ok(store)
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "ios")))]
fn platform_store() -> Result<Arc<CredentialStore>, VaultError> {
    Err(VaultError::Unavailable(
        "no secure store is wired up for this platform".into(),
    ))
}
