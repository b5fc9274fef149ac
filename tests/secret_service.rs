//! The vault over a real Secret Service (gnome-keyring under
//! `dbus-run-session` in CI: see scripts/with-keyring.sh). Without a session
//! bus or a Secret Service each test prints why it is skipped and passes.
//!
//! Entries go under a unique service name, so a developer's own keyring
//! entries are never touched, and every test cleans up after itself.

use chrono::{DateTime, TimeZone, Utc};
use heeros_mobile::lang::Lang;
use heeros_mobile::session::pin::{KdfParams, WrappedSecret};
use heeros_mobile::session::vault::{
    Preferences, StoredLogin, VaultError, LOGIN_KEY, PREFERENCES_KEY,
};
use heeros_mobile::session::LockDelay;
use heeros_mobile::session::{ApiClient, DeviceInfo, Notice, Phase, SessionStore, Vault};

fn unique_service(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "fi.heeros.mobile.test.{test}.{}.{nanos}",
        std::process::id()
    )
}

/// Set by scripts/with-keyring.sh: a Secret Service is meant to be there, so
/// its absence is a failure, not a skip.
const REQUIRED_ENV: &str = "HEEROS_SECRET_SERVICE_TEST";

fn skip(test: &str, why: &str) {
    assert!(
        std::env::var_os(REQUIRED_ENV).is_none(),
        "{test}: {REQUIRED_ENV} is set but {why}"
    );
    eprintln!("SKIPPED {test}: {why}");
}

/// The platform vault under a unique service name, or `None` with the
/// reason printed. Blocking: not for an async worker thread.
fn real_vault(test: &str) -> Option<Vault> {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        skip(
            test,
            "DBUS_SESSION_BUS_ADDRESS is not set (run under `dbus-run-session` \
             with gnome-keyring, e.g. scripts/with-keyring.sh, to exercise the Secret Service)",
        );
        return None;
    }
    match Vault::platform() {
        Ok(vault) => Some(vault.with_service(&unique_service(test))),
        Err(e) => {
            skip(test, &format!("no usable Secret Service: {e}"));
            None
        }
    }
}

fn login(expires: DateTime<Utc>) -> StoredLogin {
    StoredLogin {
        device_id: "secret-service-test-device".into(),
        wrapped_secret: StoredLogin::encode_wrapped(&WrappedSecret([42; 32])),
        salt: StoredLogin::encode_salt(&[24; 16]),
        kdf: KdfParams::BASELINE,
        wrapped_payment_key: None,
        account: heeros_api::Account {
            login_expires_at: expires,
            user: heeros_api::User {
                id: 7,
                display_name: "Maija Meikäläinen".into(),
            },
            companies: vec![heeros_api::Company {
                id: 3,
                name: "Heeros Demo Oy".into(),
                business_id: "1234567-8".into(),
            }],
            current_company_id: 3,
        },
    }
}

#[test]
fn platform_store_failure_is_a_storage_error_not_a_panic() {
    // Whatever this machine has, asking for the platform store answers.
    match Vault::platform() {
        Ok(vault) => eprintln!("platform store present: {}", vault.store_vendor()),
        Err(VaultError::Unavailable(why)) => {
            assert!(!why.is_empty());
            eprintln!("platform store absent, as a clear error: {why}");
        }
        Err(other) => panic!("expected VaultError::Unavailable, got {other:?}"),
    }
}

#[test]
fn secret_service_keeps_the_login_and_wipe_removes_it() {
    let Some(vault) = real_vault("roundtrip") else {
        return;
    };
    let stored = login(Utc.with_ymd_and_hms(2026, 4, 5, 8, 0, 0).unwrap());
    vault.save_login(&stored).unwrap();
    vault
        .save_preferences(&Preferences {
            intro_seen: true,
            language: Some(Lang::Fi),
            lock_delay: LockDelay::FiveMinutes,
        })
        .unwrap();

    // Another vault over the platform store (as a relaunch opens) reads
    // the same entries.
    let again = Vault::platform().unwrap().with_service(vault.service());
    assert_eq!(again.load_login().unwrap(), Some(stored));
    assert_eq!(
        again.stored_keys().unwrap(),
        vec![LOGIN_KEY, PREFERENCES_KEY]
    );

    again.wipe_login().unwrap();
    assert_eq!(vault.load_login().unwrap(), None);
    assert_eq!(vault.stored_keys().unwrap(), vec![PREFERENCES_KEY]);
    if let Some(found) = vault.search_service().unwrap() {
        assert_eq!(found, vec![PREFERENCES_KEY.to_owned()]);
    }

    vault.wipe_everything().unwrap();
    assert!(vault.stored_keys().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journey_runs_over_the_real_secret_service() {
    // The D-Bus client drives its own runtime: open it off the async workers.
    let Some(vault) = tokio::task::spawn_blocking(|| real_vault("journey"))
        .await
        .unwrap()
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let start = Utc.with_ymd_and_hms(2026, 1, 5, 8, 0, 0).unwrap();
    let clock = heeros_server::Clock::manual(start);
    let (server, logins) = heeros_server::testing::spawn_demo(dir.path(), clock.clone()).await;
    let demo = logins
        .into_iter()
        .find(|l| l.totp_secret.is_none())
        .unwrap();
    let app = || {
        SessionStore::new(
            ApiClient::new(&server.base_url).unwrap(),
            vault.clone(),
            DeviceInfo::current(),
        )
        .with_clock(clock.clone())
    };

    let mut first = app();
    let snap = first.start().await.unwrap();
    assert_eq!(snap.phase, Phase::Intro { step: 0 });
    first.finish_intro().await.unwrap();
    first
        .submit_login(&demo.username, &demo.password)
        .await
        .unwrap();
    assert_eq!(
        first.set_pin("2580", "2580").await.unwrap().phase,
        Phase::Home
    );
    drop(first);

    let mut second = app();
    assert_eq!(second.start().await.unwrap().phase, Phase::Unlock);
    assert_eq!(second.unlock("2580").await.unwrap().phase, Phase::Home);
    let snap = second.logout().await;
    assert_eq!(snap.notice, Some(Notice::LoggedOut));

    let check = vault.clone();
    let left = tokio::task::spawn_blocking(move || {
        let left = check.stored_keys();
        let _ = check.wipe_everything();
        left
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(left, vec![PREFERENCES_KEY], "logout left only preferences");
}
