//! The journey (docs/design.md, Journey), driven through `SessionStore` against
//! a real in-process `heeros-server` over HTTP, with the in-memory vault.
//! The server's clock is manual and the client's `now` is injected, so the
//! 90-day rule is a table. A small TCP relay between app and server lets a
//! test pull the plug mid-flow.

use std::net::SocketAddr;
use std::sync::Mutex;

use chrono::{DateTime, Duration, TimeZone, Utc};
use heeros_api::{Account, ErrorCode, Invoice, InvoiceStatus, TokenRequest};
use heeros_mobile::lang::Lang;
use heeros_mobile::session::vault::{LOGIN_KEY, PREFERENCES_KEY};
use heeros_mobile::session::{
    ApiClient, DeviceInfo, Notice, Phase, PinProblem, SessionError, SessionStore, Snapshot, Vault,
};
use heeros_mobile::session::{Intent, LockDelay};
use heeros_server::demo::DemoLogin;
use heeros_server::testing::spawn_demo;
use heeros_server::{admin, totp, Clock, Running};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

const PIN: &str = "2580";
const OTHER_PIN: &str = "1357";
const MAIJA: &str = "Maija Meikäläinen";
const MATTI: &str = "Matti Virtanen";
const LIISA: &str = "Liisa Korhonen";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 8, 0, 0).unwrap()
}

/// Forwards 127.0.0.1:port to the server until stopped; can be resumed on
/// the same port. Stopping drops every open connection too, so pooled
/// keep-alive connections die with it, like a real outage.
struct Relay {
    addr: SocketAddr,
    target: SocketAddr,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Relay {
    async fn start(target: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let relay = Relay {
            addr,
            target,
            task: Mutex::new(None),
        };
        relay.run(listener);
        relay
    }

    fn run(&self, listener: TcpListener) {
        let target = self.target;
        let task = tokio::spawn(async move {
            let mut conns = JoinSet::new();
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    continue;
                };
                while conns.try_join_next().is_some() {}
                conns.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        *self.task.lock().unwrap() = Some(task);
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    async fn stop(&self) {
        let task = self.task.lock().unwrap().take();
        if let Some(task) = task {
            task.abort();
            let _ = task.await;
        }
    }

    async fn resume(&self) {
        self.stop().await;
        let listener = TcpListener::bind(self.addr).await.unwrap();
        self.run(listener);
    }
}

/// One server (with demo users), one relay in front of it, one device vault.
struct World {
    _dir: tempfile::TempDir,
    clock: Clock,
    server: Running,
    relay: Relay,
    logins: Vec<DemoLogin>,
    vault: Vault,
}

impl World {
    async fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let clock = Clock::manual(t0());
        let (server, logins) = spawn_demo(dir.path(), clock.clone()).await;
        let relay = Relay::start(server.addr).await;
        World {
            _dir: dir,
            clock,
            server,
            relay,
            logins,
            vault: Vault::in_memory(),
        }
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Moves the server clock; returns the new "now" for the client.
    fn advance(&self, by: Duration) -> DateTime<Utc> {
        self.clock.advance(by);
        self.clock.now()
    }

    fn login_of(&self, name: &str) -> DemoLogin {
        self.logins
            .iter()
            .find(|l| l.username == name)
            .cloned()
            .unwrap()
    }

    /// The code the user's authenticator shows now.
    fn code(&self, name: &str) -> String {
        let secret = self.login_of(name).totp_secret.expect("user has TOTP");
        totp::code_at(&secret, self.now())
    }

    /// A freshly launched app over this device's vault.
    fn app(&self) -> SessionStore {
        self.app_with_clock(self.clock.clone())
    }

    /// A freshly launched app whose clock is `clock` (a phone whose clock
    /// differs from the server's).
    fn app_with_clock(&self, clock: Clock) -> SessionStore {
        let api = ApiClient::new(&self.relay.url()).unwrap();
        SessionStore::new(
            api,
            self.vault.clone(),
            DeviceInfo::new("test phone", "android"),
        )
        .with_clock(clock)
    }

    /// Launches the app and gets past the intro (first launch).
    async fn launched(&self) -> SessionStore {
        let mut app = self.app();
        let snap = app.start().await.unwrap();
        if matches!(snap.phase, Phase::Intro { .. }) {
            app.finish_intro().await.unwrap();
        }
        app
    }

    /// Full login (with the code when the user has one) up to PinSetup.
    async fn logged_in(&self, name: &str) -> SessionStore {
        let mut app = self.launched().await;
        let demo = self.login_of(name);
        let snap = app
            .submit_login(&demo.username, &demo.password)
            .await
            .unwrap();
        if snap.phase == Phase::Code {
            let snap = app.submit_code(&self.code(name)).await.unwrap();
            assert_eq!(snap.phase, Phase::PinSetup);
        }
        assert_eq!(app.snapshot().phase, Phase::PinSetup);
        app
    }

    /// Full login and PIN set: Home.
    async fn at_home(&self, name: &str) -> SessionStore {
        let mut app = self.logged_in(name).await;
        let snap = app.set_pin(PIN, PIN).await.unwrap();
        assert_eq!(snap.phase, Phase::Home);
        app
    }

    /// What is stored on the device, by key.
    fn stored(&self) -> Vec<&'static str> {
        self.vault.stored_keys().unwrap()
    }

    fn assert_no_user_data(&self) {
        assert_eq!(
            self.stored(),
            vec![PREFERENCES_KEY],
            "only preferences stay"
        );
        assert_eq!(
            self.vault.search_service().unwrap(),
            Some(vec![PREFERENCES_KEY.to_owned()]),
            "nothing else under the app's service name"
        );
    }
}

fn account(snap: &Snapshot) -> &Account {
    snap.account.as_ref().expect("someone is signed in")
}

fn current(snap: &Snapshot) -> Option<i64> {
    snap.current_company().map(|c| c.id)
}

fn company_ids(snap: &Snapshot) -> Vec<i64> {
    account(snap).companies.iter().map(|c| c.id).collect()
}

// ---------------------------------------------------------------- login

#[tokio::test]
async fn first_login_without_authenticator_goes_password_pin_home() {
    let w = World::new().await;
    let mut app = w.app();
    let snap = app.start().await.unwrap();
    assert_eq!(
        snap.phase,
        Phase::Intro { step: 0 },
        "first launch shows the intro"
    );
    let snap = app.finish_intro().await.unwrap();
    assert_eq!(snap.phase, Phase::Login);

    let demo = w.login_of(MATTI);
    let snap = app
        .submit_login(&demo.username, &demo.password)
        .await
        .unwrap();
    assert_eq!(
        snap.phase,
        Phase::PinSetup,
        "no authenticator: straight to PIN"
    );
    assert_eq!(snap.user().unwrap().display_name, MATTI);
    assert_eq!(account(&snap).companies.len(), 1);
    assert_eq!(
        account(&snap).login_expires_at,
        w.now() + Duration::days(90),
        "90 days from this login"
    );

    let snap = app.set_pin(PIN, PIN).await.unwrap();
    assert_eq!(snap.phase, Phase::Home);
    assert_eq!(current(&snap), Some(account(&snap).companies[0].id));
    assert_eq!(w.stored(), vec![LOGIN_KEY, PREFERENCES_KEY]);
}

#[tokio::test]
async fn first_login_with_authenticator_asks_the_code_before_the_pin() {
    let w = World::new().await;
    let mut app = w.launched().await;
    let demo = w.login_of(MAIJA);
    let snap = app
        .submit_login(&demo.username, &demo.password)
        .await
        .unwrap();
    assert_eq!(snap.phase, Phase::Code);
    assert_eq!(snap.account, None, "nobody is logged in before the code");

    let err = app.submit_code("000000").await.unwrap_err();
    assert_eq!(err, SessionError::CodeInvalid { attempts_left: 4 });
    assert_eq!(
        app.snapshot().phase,
        Phase::Code,
        "a wrong code stays on Code"
    );

    let snap = app.submit_code(&w.code(MAIJA)).await.unwrap();
    assert_eq!(snap.phase, Phase::PinSetup);
    assert_eq!(snap.user().unwrap().display_name, MAIJA);
    assert_eq!(account(&snap).companies.len(), 2);
    let snap = app.set_pin(PIN, PIN).await.unwrap();
    assert_eq!(snap.phase, Phase::Home);
}

#[tokio::test]
async fn pasted_codes_with_spaces_and_dashes_are_accepted() {
    let w = World::new().await;
    let cases: [fn(&str) -> String; 5] = [
        |c| format!("{} {}", &c[..3], &c[3..]),
        |c| format!("{}-{}", &c[..3], &c[3..]),
        |c| format!(" {c}\n"),
        |c| format!("{}\u{a0}{}", &c[..3], &c[3..]),
        |c| format!("{}\u{2013}{}", &c[..3], &c[3..]),
    ];
    for (i, paste) in cases.iter().enumerate() {
        // A new 30 s step each time: the server never takes a step twice.
        w.advance(Duration::seconds(30));
        let mut app = w.launched().await;
        let demo = w.login_of(MAIJA);
        app.submit_login(&demo.username, &demo.password)
            .await
            .unwrap();
        let pasted = paste(&w.code(MAIJA));
        let snap = app.submit_code(&pasted).await.unwrap();
        assert_eq!(snap.phase, Phase::PinSetup, "case {i}: {pasted:?}");
        app.back_to_login();
    }
}

#[tokio::test]
async fn wrong_password_stays_on_login_and_empty_fields_are_refused_locally() {
    let w = World::new().await;
    let mut app = w.launched().await;
    let err = app
        .submit_login(MATTI, "not-the-password")
        .await
        .unwrap_err();
    assert_eq!(err, SessionError::InvalidCredentials);
    assert_eq!(app.snapshot().phase, Phase::Login);
    for (user, password) in [("", "x"), ("   ", "x"), (MATTI, "")] {
        let err = app.submit_login(user, password).await.unwrap_err();
        assert_eq!(err, SessionError::MissingInput, "{user:?}/{password:?}");
    }
    assert_eq!(w.stored(), vec![PREFERENCES_KEY]);
}

#[tokio::test]
async fn a_challenge_dies_after_five_wrong_codes() {
    let w = World::new().await;
    let mut app = w.launched().await;
    let demo = w.login_of(MAIJA);
    app.submit_login(&demo.username, &demo.password)
        .await
        .unwrap();
    for left in [4, 3, 2, 1] {
        let err = app.submit_code("000000").await.unwrap_err();
        assert_eq!(
            err,
            SessionError::CodeInvalid {
                attempts_left: left
            }
        );
    }
    let snap = app.submit_code("000000").await.unwrap();
    assert_eq!(snap.phase, Phase::Login);
    assert_eq!(snap.notice, Some(Notice::ChallengeExpired));
}

#[tokio::test]
async fn a_challenge_dies_after_five_minutes() {
    let w = World::new().await;
    let mut app = w.launched().await;
    let demo = w.login_of(MAIJA);
    app.submit_login(&demo.username, &demo.password)
        .await
        .unwrap();
    w.advance(Duration::minutes(5));
    let snap = app.submit_code(&w.code(MAIJA)).await.unwrap();
    assert_eq!(snap.phase, Phase::Login);
    assert_eq!(snap.notice, Some(Notice::ChallengeExpired));
    assert_eq!(w.stored(), vec![PREFERENCES_KEY]);
}

// ---------------------------------------------------------------- PIN setup

#[tokio::test]
async fn pin_setup_refuses_weak_and_mismatched_pins_and_stores_nothing() {
    let w = World::new().await;
    let mut app = w.logged_in(MATTI).await;
    for (pin, repeat, want) in [
        (
            "1234",
            "1234",
            SessionError::PinPolicy(PinProblem::Sequence),
        ),
        ("0000", "0000", SessionError::PinPolicy(PinProblem::AllSame)),
        ("12", "12", SessionError::PinPolicy(PinProblem::TooShort)),
        (
            "12ab",
            "12ab",
            SessionError::PinPolicy(PinProblem::NotDigits),
        ),
        (PIN, OTHER_PIN, SessionError::PinMismatch),
    ] {
        let err = app.set_pin(pin, repeat).await.unwrap_err();
        assert_eq!(err, want, "{pin}/{repeat}");
        assert_eq!(app.snapshot().phase, Phase::PinSetup);
    }
    assert_eq!(w.stored(), vec![PREFERENCES_KEY]);
    let snap = app.set_pin(PIN, PIN).await.unwrap();
    assert_eq!(snap.phase, Phase::Home);
}

#[tokio::test]
async fn an_app_killed_between_login_and_pin_setup_leaves_nothing_stored() {
    let w = World::new().await;
    let app = w.logged_in(MAIJA).await;
    assert_eq!(
        w.stored(),
        vec![PREFERENCES_KEY],
        "pending login is memory only"
    );
    drop(app); // killed

    let mut relaunched = w.app();
    let snap = relaunched.start().await.unwrap();
    assert_eq!(snap.phase, Phase::Login);
    assert_eq!(snap.notice, None);
    assert_eq!(snap.account, None);
    w.assert_no_user_data();
}

#[tokio::test]
async fn going_back_from_pin_setup_forgets_the_pending_login() {
    let w = World::new().await;
    let mut app = w.logged_in(MATTI).await;
    let snap = app.back_to_login();
    assert_eq!(snap.phase, Phase::Login);
    assert_eq!(snap.account, None);
    assert_eq!(
        app.set_pin(PIN, PIN).await.unwrap().phase,
        Phase::Login,
        "the forgotten login cannot be finished"
    );
    w.assert_no_user_data();
}

#[tokio::test]
async fn the_device_stores_no_pin_password_code_or_plain_secret() {
    let w = World::new().await;
    let mut app = w.logged_in(MAIJA).await;
    let code_used = w.code(MAIJA);
    app.set_pin(PIN, PIN).await.unwrap();
    let raw = w.vault.raw_entry(LOGIN_KEY).unwrap().unwrap();
    let text = String::from_utf8(raw).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut fields: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "companies",
            "current_company_id",
            "device_id",
            "kdf",
            "login_expires_at",
            "salt",
            "user",
            "wrapped_payment_key",
            "wrapped_secret"
        ]
    );
    let demo = w.login_of(MAIJA);
    for secret in [PIN, demo.password.as_str(), code_used.as_str()] {
        assert!(!text.contains(secret), "{secret:?} is on the device");
    }
    assert_eq!(json["kdf"]["m_kib"], 19456);
    assert_eq!(json["kdf"]["t"], 2);
    assert_eq!(json["kdf"]["p"], 1);
}

// ---------------------------------------------------------------- unlock

#[tokio::test]
async fn relaunch_asks_only_the_pin_and_unlocks_home() {
    let w = World::new().await;
    let first = w.at_home(LIISA).await;
    let before = first.snapshot();
    drop(first);

    let mut app = w.app();
    let snap = app.start().await.unwrap();
    assert_eq!(
        snap.phase,
        Phase::Unlock,
        "stored login: PIN only, no intro"
    );
    assert_eq!(snap.user(), before.user(), "the unlock screen knows who");
    let snap = app.unlock(PIN).await.unwrap();
    assert_eq!(snap.phase, Phase::Home);
    assert_eq!(company_ids(&snap), company_ids(&before));
    assert_eq!(current(&snap), current(&before));
}

#[tokio::test]
async fn five_wrong_pins_revoke_the_device_and_wipe_it() {
    let w = World::new().await;
    drop(w.at_home(MATTI).await);
    let mut app = w.app();
    app.start().await.unwrap();
    for left in [4, 3, 2, 1] {
        let err = app.unlock(OTHER_PIN).await.unwrap_err();
        assert_eq!(
            err,
            SessionError::PinIncorrect {
                attempts_left: left
            }
        );
        assert_eq!(app.snapshot().phase, Phase::Unlock);
        assert_eq!(w.stored(), vec![LOGIN_KEY, PREFERENCES_KEY]);
    }
    let snap = app.unlock(OTHER_PIN).await.unwrap();
    assert_eq!(snap.phase, Phase::Login);
    assert_eq!(snap.notice, Some(Notice::DeviceRevoked));
    assert_eq!(snap.account, None);
    w.assert_no_user_data();

    // Even the right PIN is useless now; a relaunch shows Login.
    let snap = w.app().start().await.unwrap();
    assert_eq!(snap.phase, Phase::Login);
}

#[tokio::test]
async fn a_right_pin_resets_the_wrong_pin_count() {
    let w = World::new().await;
    drop(w.at_home(MATTI).await);
    let mut app = w.app();
    app.start().await.unwrap();
    for _ in 0..4 {
        app.unlock(OTHER_PIN).await.unwrap_err();
    }
    app.unlock(PIN).await.unwrap();
    let mut app = w.app();
    app.start().await.unwrap();
    let err = app.unlock(OTHER_PIN).await.unwrap_err();
    assert_eq!(err, SessionError::PinIncorrect { attempts_left: 4 });
}

#[tokio::test]
async fn wrong_pins_since_the_last_unlock_are_told_after_the_next_one() {
    let w = World::new().await;
    drop(w.at_home(MATTI).await);
    let mut app = w.app();
    app.start().await.unwrap();
    for _ in 0..2 {
        app.unlock(OTHER_PIN).await.unwrap_err();
    }
    let snap = app.unlock(PIN).await.unwrap();
    assert_eq!(snap.phase, Phase::Home);
    assert_eq!(snap.failed_attempts_since_last_unlock, 2);
    // Told once: the next unlock without wrong PINs says nothing.
    app.lock().await;
    let snap = app.unlock(PIN).await.unwrap();
    assert_eq!(snap.failed_attempts_since_last_unlock, 0);
}

#[tokio::test]
async fn a_pin_of_the_wrong_shape_costs_no_attempt() {
    let w = World::new().await;
    drop(w.at_home(MATTI).await);
    let mut app = w.app();
    app.start().await.unwrap();
    for bad in ["12", "12a4", "123456789"] {
        let err = app.unlock(bad).await.unwrap_err();
        assert!(matches!(err, SessionError::PinPolicy(_)), "{bad}");
    }
    let err = app.unlock("").await.unwrap_err();
    assert_eq!(err, SessionError::MissingInput);
    let err = app.unlock(OTHER_PIN).await.unwrap_err();
    assert_eq!(err, SessionError::PinIncorrect { attempts_left: 4 });
}

#[tokio::test]
async fn a_device_revoked_by_an_admin_is_wiped_at_the_next_unlock() {
    let w = World::new().await;
    drop(w.at_home(LIISA).await);
    let revoked = admin::revoke_devices(&w.server.db, LIISA, w.now())
        .await
        .unwrap();
    assert_eq!(revoked, 1);
    let mut app = w.app();
    assert_eq!(app.start().await.unwrap().phase, Phase::Unlock);
    let snap = app.unlock(PIN).await.unwrap();
    assert_eq!(snap.phase, Phase::Login);
    assert_eq!(snap.notice, Some(Notice::DeviceRevoked));
    w.assert_no_user_data();
}

// ---------------------------------------------------------------- 90 days

#[tokio::test]
async fn a_login_lasts_90_days_from_the_full_login() {
    // (days after the login, the app still unlocks?)
    for (days, unlocks) in [(0, true), (89, true), (90, false), (91, false)] {
        let w = World::new().await;
        drop(w.at_home(MATTI).await);
        w.advance(Duration::days(days));
        let mut app = w.app();
        let snap = app.start().await.unwrap();
        if unlocks {
            assert_eq!(snap.phase, Phase::Unlock, "day {days}");
            let snap = app.unlock(PIN).await.unwrap();
            assert_eq!(snap.phase, Phase::Home, "day {days}");
        } else {
            assert_eq!(snap.phase, Phase::Login, "day {days}");
            assert_eq!(snap.notice, Some(Notice::LoginExpired), "day {days}");
            w.assert_no_user_data();
        }
    }
}

#[tokio::test]
async fn the_90_days_run_out_while_the_unlock_screen_is_open() {
    let w = World::new().await;
    drop(w.at_home(MATTI).await);
    let mut app = w.app();
    w.advance(Duration::days(89) + Duration::hours(23));
    assert_eq!(app.start().await.unwrap().phase, Phase::Unlock);
    w.advance(Duration::hours(1));
    let snap = app.unlock(PIN).await.unwrap();
    assert_eq!(snap.phase, Phase::Login);
    assert_eq!(snap.notice, Some(Notice::LoginExpired));
    w.assert_no_user_data();
}

#[tokio::test]
async fn the_server_saying_login_expired_wipes_the_device_too() {
    // The phone's clock is behind: it thinks day 89, the server knows day 91.
    let w = World::new().await;
    drop(w.at_home(MATTI).await);
    let phone_now = t0() + Duration::days(89);
    w.advance(Duration::days(91));
    let mut app = w.app_with_clock(Clock::manual(phone_now));
    assert_eq!(app.start().await.unwrap().phase, Phase::Unlock);
    let snap = app.unlock(PIN).await.unwrap();
    assert_eq!(snap.phase, Phase::Login);
    assert_eq!(snap.notice, Some(Notice::LoginExpired));
    w.assert_no_user_data();
}

#[tokio::test]
async fn unlocking_does_not_extend_the_90_days() {
    let w = World::new().await;
    drop(w.at_home(MATTI).await);
    w.advance(Duration::days(50));
    let mut app = w.app();
    app.start().await.unwrap();
    let snap = app.unlock(PIN).await.unwrap();
    assert_eq!(account(&snap).login_expires_at, t0() + Duration::days(90));
    w.advance(Duration::days(40));
    let snap = w.app().start().await.unwrap();
    assert_eq!(snap.notice, Some(Notice::LoginExpired));
}

// ---------------------------------------------------------------- companies

#[tokio::test]
async fn a_company_switch_is_server_confirmed_and_survives_relaunch() {
    let w = World::new().await;
    let mut app = w.at_home(LIISA).await;
    let snap = app.open_company_menu();
    assert_eq!(snap.phase, Phase::CompanyMenu);
    assert_eq!(account(&snap).companies.len(), 3);
    let other = company_ids(&snap)
        .into_iter()
        .find(|id| Some(*id) != current(&snap))
        .unwrap();
    let snap = app.switch_company(other).await.unwrap();
    assert_eq!(current(&snap), Some(other));
    assert_eq!(snap.phase, Phase::CompanyMenu, "Go back returns to Home");
    assert_eq!(app.go_back().phase, Phase::Home);
    drop(app);

    let stored = w.vault.load_login().unwrap().unwrap();
    assert_eq!(stored.account.current_company_id, other);
    let mut app = w.app();
    let snap = app.start().await.unwrap();
    assert_eq!(current(&snap), Some(other), "unlock screen too");
    let snap = app.unlock(PIN).await.unwrap();
    assert_eq!(current(&snap), Some(other));
}

#[tokio::test]
async fn a_company_without_rights_is_refused_and_nothing_changes() {
    let w = World::new().await;
    let mut app = w.at_home(MATTI).await;
    let before = app.open_company_menu();
    let err = app.switch_company(999_999).await.unwrap_err();
    assert_eq!(err, SessionError::Forbidden);
    let after = app.snapshot();
    assert_eq!(current(&after), current(&before));
    assert_eq!(
        w.vault
            .load_login()
            .unwrap()
            .unwrap()
            .account
            .current_company_id,
        current(&before).unwrap()
    );
}

#[tokio::test]
async fn an_expired_access_token_is_renewed_with_the_refresh_token() {
    let w = World::new().await;
    let mut app = w.at_home(LIISA).await;
    let snap = app.open_company_menu();
    let ids = company_ids(&snap);
    // Access tokens live 15 minutes; no PIN is asked again.
    w.advance(Duration::minutes(20));
    let snap = app.switch_company(ids[1]).await.unwrap();
    assert_eq!(current(&snap), Some(ids[1]));
    w.advance(Duration::hours(3));
    let snap = app.switch_company(ids[2]).await.unwrap();
    assert_eq!(current(&snap), Some(ids[2]));
}

// ---------------------------------------------------------------- logout

#[tokio::test]
async fn logout_wipes_every_stored_user_entry_and_revokes_the_device() {
    let w = World::new().await;
    let mut app = w.at_home(MAIJA).await;
    app.set_language(Lang::Fi).await.unwrap();
    app.open_company_menu();
    let snap = app.logout().await;
    assert_eq!(snap.phase, Phase::Login);
    assert_eq!(snap.notice, Some(Notice::LoggedOut));
    assert_eq!(snap.account, None);
    w.assert_no_user_data();

    let devices = admin::list_devices(&w.server.db, Some(MAIJA))
        .await
        .unwrap();
    assert_eq!(devices.len(), 1);
    assert!(devices[0].revoked.is_some(), "the server revoked it");

    // Preferences are not user data: no intro again, language kept; a new
    // login asks for a new PIN.
    let snap = w.app().start().await.unwrap();
    assert_eq!(snap.phase, Phase::Login);
    assert_eq!(snap.language, Lang::Fi);
}

#[tokio::test]
async fn logout_while_offline_still_wipes_and_shows_login() {
    let w = World::new().await;
    let mut app = w.at_home(MATTI).await;
    w.relay.stop().await;
    let started = std::time::Instant::now();
    let snap = app.logout().await;
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(snap.phase, Phase::Login);
    assert_eq!(snap.notice, Some(Notice::LoggedOut));
    w.assert_no_user_data();
}

// ---------------------------------------------------------------- offline

#[tokio::test]
async fn server_down_mid_flow_is_offline_and_nothing_is_lost() {
    let w = World::new().await;
    let mut app = w.launched().await;
    let demo = w.login_of(MAIJA);

    // Login screen.
    w.relay.stop().await;
    let err = app
        .submit_login(&demo.username, &demo.password)
        .await
        .unwrap_err();
    assert_eq!(err, SessionError::Offline);
    assert_eq!(app.snapshot().phase, Phase::Login);
    w.relay.resume().await;
    app.submit_login(&demo.username, &demo.password)
        .await
        .unwrap();

    // Code screen: the challenge survives the outage.
    w.relay.stop().await;
    let err = app.submit_code(&w.code(MAIJA)).await.unwrap_err();
    assert_eq!(err, SessionError::Offline);
    assert_eq!(app.snapshot().phase, Phase::Code);
    w.relay.resume().await;
    let snap = app.submit_code(&w.code(MAIJA)).await.unwrap();
    assert_eq!(snap.phase, Phase::PinSetup);

    // PIN setup registers the payment key: offline nothing is stored and
    // the login waits in memory; back online the same PIN goes through.
    w.relay.stop().await;
    let err = app.set_pin(PIN, PIN).await.unwrap_err();
    assert_eq!(err, SessionError::Offline);
    assert_eq!(app.snapshot().phase, Phase::PinSetup);
    assert_eq!(w.stored(), vec![PREFERENCES_KEY], "nothing stored yet");
    w.relay.resume().await;
    let snap = app.set_pin(PIN, PIN).await.unwrap();
    assert_eq!(snap.phase, Phase::Home);
    w.relay.stop().await;

    // Company switch offline: refused, nothing changes.
    let before = app.open_company_menu();
    let other = company_ids(&before)
        .into_iter()
        .find(|id| Some(*id) != current(&before))
        .unwrap();
    let err = app.switch_company(other).await.unwrap_err();
    assert_eq!(err, SessionError::Offline);
    assert_eq!(current(&app.snapshot()), current(&before));
    drop(app);

    // Relaunch offline: Unlock shows, the PIN cannot be checked, nothing
    // is wiped and no attempt is spent.
    let mut app = w.app();
    assert_eq!(app.start().await.unwrap().phase, Phase::Unlock);
    let err = app.unlock(PIN).await.unwrap_err();
    assert_eq!(err, SessionError::Offline);
    assert_eq!(app.snapshot().phase, Phase::Unlock);
    assert_eq!(w.stored(), vec![LOGIN_KEY, PREFERENCES_KEY]);

    w.relay.resume().await;
    let snap = app.unlock(PIN).await.unwrap();
    assert_eq!(snap.phase, Phase::Home);
}

#[tokio::test]
async fn an_unused_port_is_offline_not_an_error_page() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let api = ApiClient::new(&format!("http://127.0.0.1:{port}")).unwrap();
    let mut app = SessionStore::new(api, Vault::in_memory(), DeviceInfo::current());
    app.start().await.unwrap();
    app.finish_intro().await.unwrap();
    let err = app.submit_login(MATTI, "x").await.unwrap_err();
    assert_eq!(err, SessionError::Offline);
}

// ---------------------------------------------------------------- shape

#[tokio::test]
async fn the_intro_shows_once_with_five_steps_and_the_language_persists() {
    let w = World::new().await;
    let mut app = w.app();
    assert_eq!(app.start().await.unwrap().phase, Phase::Intro { step: 0 });
    assert_eq!(app.intro_back().phase, Phase::Intro { step: 0 });
    for step in 1..=4 {
        assert_eq!(app.intro_next().await.unwrap().phase, Phase::Intro { step });
    }
    assert_eq!(app.intro_back().phase, Phase::Intro { step: 3 });
    let snap = app.set_language(Lang::Fi).await.unwrap();
    assert_eq!(snap.language, Lang::Fi);
    assert_eq!(app.finish_intro().await.unwrap().phase, Phase::Login);

    let snap = w.app().start().await.unwrap();
    assert_eq!(snap.phase, Phase::Login, "intro only once");
    assert_eq!(snap.language, Lang::Fi);
}

#[tokio::test]
async fn intents_that_do_not_fit_the_screen_change_nothing() {
    let w = World::new().await;
    let mut app = w.launched().await;
    let before = app.snapshot();
    assert_eq!(app.unlock(PIN).await.unwrap(), before);
    assert_eq!(app.submit_code("123456").await.unwrap(), before);
    assert_eq!(app.set_pin(PIN, PIN).await.unwrap(), before);
    assert_eq!(app.switch_company(1).await.unwrap(), before);
    assert_eq!(app.open_company_menu(), before);
    assert_eq!(app.go_back(), before);
    assert_eq!(app.lock().await, before);
    assert_eq!(w.stored(), vec![PREFERENCES_KEY], "nothing stored");
}

#[tokio::test]
async fn lock_forgets_the_secret_and_asks_the_pin_again() {
    let w = World::new().await;
    let mut app = w.at_home(MATTI).await;
    let snap = app.lock().await;
    assert_eq!(snap.phase, Phase::Unlock);
    assert_eq!(
        app.switch_company(1).await.unwrap(),
        snap,
        "no server call while locked"
    );
    assert_eq!(app.unlock(PIN).await.unwrap().phase, Phase::Home);
}

#[tokio::test]
async fn a_device_revoked_while_unlocked_locks_at_the_next_call_and_the_pin_then_wipes_it() {
    let w = World::new().await;
    let mut app = w.at_home(LIISA).await;
    let snap = app.open_company_menu();
    admin::revoke_devices(&w.server.db, LIISA, w.now())
        .await
        .unwrap();
    let other = company_ids(&snap)
        .into_iter()
        .find(|id| Some(*id) != current(&snap))
        .unwrap();
    // Its tokens are dead (the server says only "unauthorized" for them):
    // the app drops them and asks for the PIN...
    let snap = app.switch_company(other).await.unwrap();
    assert_eq!(snap.phase, Phase::Unlock);
    assert!(app.held_secrets().is_empty());
    // ...and the unlock learns why: wiped, Login says so.
    let snap = app.unlock(PIN).await.unwrap();
    assert_eq!(snap.phase, Phase::Login);
    assert_eq!(snap.notice, Some(Notice::DeviceRevoked));
    w.assert_no_user_data();
}

// ---------------------------------------------------------------- phone session

#[tokio::test]
async fn auto_lock_waits_for_the_lock_delay_and_not_less() {
    let w = World::new().await;
    let mut app = w.at_home(MATTI).await;
    assert_eq!(
        app.snapshot().lock_delay,
        LockDelay::OneMinute,
        "the default"
    );

    let away = app.went_to_background().await;
    assert!(away.covered, "nothing private while in the background");
    assert_eq!(away.phase, Phase::Home);
    w.advance(Duration::seconds(59));
    let back = app.came_to_foreground().await;
    assert_eq!(back.phase, Phase::Home, "59 s: still open");
    assert!(!back.covered);

    app.went_to_background().await;
    w.advance(Duration::seconds(60));
    let back = app.came_to_foreground().await;
    assert_eq!(back.phase, Phase::Unlock, "60 s: locked");
    assert!(!back.covered);
    assert_eq!(app.unlock(PIN).await.unwrap().phase, Phase::Home);
}

#[tokio::test]
async fn lock_at_once_locks_as_the_app_leaves_and_the_choice_is_kept() {
    let w = World::new().await;
    let mut app = w.at_home(MATTI).await;
    app.set_lock_delay(LockDelay::AtOnce).await.unwrap();
    let away = app.went_to_background().await;
    assert_eq!(away.phase, Phase::Unlock, "the session left memory at once");
    assert!(away.covered);
    let back = app.came_to_foreground().await;
    assert_eq!(back.phase, Phase::Unlock);
    assert!(!back.covered);
    drop(app);
    let snap = w.app().start().await.unwrap();
    assert_eq!(snap.lock_delay, LockDelay::AtOnce, "kept in preferences");
}

#[tokio::test]
async fn forgot_pin_logs_out_and_wipes_the_phone() {
    let w = World::new().await;
    drop(w.at_home(MATTI).await);
    let mut app = w.app();
    assert_eq!(app.start().await.unwrap().phase, Phase::Unlock);
    let snap = app.logout().await;
    assert_eq!(snap.phase, Phase::Login);
    assert_eq!(snap.notice, Some(Notice::LoggedOut));
    w.assert_no_user_data();
}

#[tokio::test]
async fn from_day_80_the_login_end_is_told_and_renew_starts_a_full_login() {
    // (days after the login, told?)
    for (days, told) in [(0, false), (79, false), (80, true), (89, true)] {
        let w = World::new().await;
        drop(w.at_home(MATTI).await);
        w.advance(Duration::days(days));
        let mut app = w.app();
        let unlock = app.start().await.unwrap();
        assert_eq!(unlock.login_ending, told, "Unlock on day {days}");
        let home = app.unlock(PIN).await.unwrap();
        assert_eq!(home.login_ending, told, "Home on day {days}");
        if told {
            let snap = app.renew().await;
            assert_eq!(snap.phase, Phase::Login);
            assert_eq!(snap.notice, Some(Notice::Renewing));
            w.assert_no_user_data();
            let devices = admin::list_devices(&w.server.db, Some(MATTI))
                .await
                .unwrap();
            assert!(devices[0].revoked.is_some(), "the old session is ended");
        }
    }
}

#[tokio::test]
async fn the_back_button_goes_back_where_the_screen_has_one() {
    let w = World::new().await;
    let mut app = w.launched().await;
    let demo = w.login_of(MAIJA);
    let snap = app
        .submit_login(&demo.username, &demo.password)
        .await
        .unwrap();
    assert!(snap.has_back);
    assert_eq!(app.back().phase, Phase::Login, "Code: back to login");
    let snap = app.back();
    assert_eq!(snap.phase, Phase::Login, "Login has no back of its own");
    assert!(!snap.has_back);

    let mut app = w.at_home(MATTI).await;
    assert!(!app.snapshot().has_back);
    assert!(app.open_company_menu().has_back);
    assert_eq!(app.back().phase, Phase::Home, "the menu's Go back");
}

#[tokio::test]
async fn change_pin_proves_the_old_pin_counts_wrong_ones_and_rewraps_nothing_else() {
    const NEW_PIN: &str = "8642";
    let w = World::new().await;
    let mut app = w.at_home(MATTI).await;
    let before = w.vault.load_login().unwrap().unwrap();
    app.open_company_menu();
    assert_eq!(
        app.send(Intent::OpenChangePin).await.phase,
        Phase::ChangePin
    );

    // A wrong old PIN counts like a wrong unlock.
    let err = app
        .change_pin(OTHER_PIN, NEW_PIN, NEW_PIN)
        .await
        .unwrap_err();
    assert_eq!(err, SessionError::PinIncorrect { attempts_left: 4 });
    // A refused new PIN costs no attempt and changes nothing.
    let err = app.change_pin(PIN, "1234", "1234").await.unwrap_err();
    assert_eq!(err, SessionError::PinPolicy(PinProblem::Sequence));
    let err = app.change_pin(PIN, NEW_PIN, "8643").await.unwrap_err();
    assert_eq!(err, SessionError::PinMismatch);
    assert_eq!(w.vault.load_login().unwrap().unwrap(), before);

    let snap = app.change_pin(PIN, NEW_PIN, NEW_PIN).await.unwrap();
    assert_eq!(snap.phase, Phase::CompanyMenu);
    assert!(snap.pin_changed);
    let after = w.vault.load_login().unwrap().unwrap();
    assert_eq!(after.device_id, before.device_id, "the same device session");
    assert_eq!(after.account, before.account);
    assert_ne!(after.salt, before.salt, "a new salt");
    assert_ne!(after.wrapped_secret, before.wrapped_secret);
    assert_ne!(
        after.wrapped_payment_key, before.wrapped_payment_key,
        "the payment seed is rewrapped too"
    );
    drop(app);

    // Relaunch: the new PIN opens, the old one is just a wrong PIN.
    let mut app = w.app();
    app.start().await.unwrap();
    let err = app.unlock(PIN).await.unwrap_err();
    assert_eq!(
        err,
        SessionError::PinIncorrect { attempts_left: 4 },
        "the right old PIN reset the count; the old PIN is wrong now"
    );
    assert_eq!(app.unlock(NEW_PIN).await.unwrap().phase, Phase::Home);
}

#[tokio::test]
async fn while_unlocked_the_app_holds_tokens_only_and_lock_kills_them() {
    let w = World::new().await;
    let app = w.at_home(MATTI).await;
    let held = app.held_secrets();
    assert_eq!(held.len(), 2, "an access and a refresh token, no secret");
    let refresh = held[1].to_string();
    // Refresh rotation: the token works once.
    let api = ApiClient::new(&w.relay.url()).unwrap();
    let first = api
        .refresh(&TokenRequest {
            refresh_token: refresh.clone(),
        })
        .await
        .unwrap();
    assert_ne!(first.refresh_token, refresh, "rotated");
    // Presented again (a thief's copy, or the app's after ours): the
    // server ends the device session.
    let err = api
        .refresh(&TokenRequest {
            refresh_token: refresh.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Unauthorized));
    drop(app);
    let mut app = w.app();
    app.start().await.unwrap();
    let snap = app.unlock(PIN).await.unwrap();
    assert_eq!(
        snap.phase,
        Phase::Login,
        "a refresh token used twice ended the device session"
    );
    assert_eq!(snap.notice, Some(Notice::DeviceRevoked));

    let mut app = w.at_home(MATTI).await;
    let refresh = app.held_secrets()[1].to_string();
    let snap = app.lock().await;
    assert_eq!(snap.phase, Phase::Unlock);
    assert!(app.held_secrets().is_empty(), "nothing held while locked");
    let err = api
        .refresh(&TokenRequest {
            refresh_token: refresh,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Unauthorized), "lock killed it");
    assert_eq!(app.unlock(PIN).await.unwrap().phase, Phase::Home);
}

#[tokio::test]
async fn my_devices_lists_mine_revokes_another_and_logout_all_ends_every_one() {
    let w = World::new().await;
    let mut other = w.at_home(LIISA).await;
    drop(other.lock().await);
    // A second phone of Liisa's (its own vault).
    let second_vault = Vault::in_memory();
    let mut this = SessionStore::new(
        ApiClient::new(&w.relay.url()).unwrap(),
        second_vault.clone(),
        DeviceInfo::new("second phone", "ios"),
    )
    .with_clock(w.clock.clone());
    this.start().await.unwrap();
    this.finish_intro().await.unwrap();
    let demo = w.login_of(LIISA);
    this.submit_login(&demo.username, &demo.password)
        .await
        .unwrap();
    this.set_pin(PIN, PIN).await.unwrap();
    this.open_company_menu();

    let snap = this.list_devices().await.unwrap();
    assert_eq!(snap.phase, Phase::Devices);
    assert_eq!(snap.devices.len(), 2);
    let current: Vec<_> = snap.devices.iter().filter(|d| d.current).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].device_name, "second phone");
    let first_phone = snap.devices.iter().find(|d| !d.current).unwrap().id.clone();

    let snap = this.revoke_device(&first_phone).await.unwrap();
    assert_eq!(snap.devices.len(), 1, "the first phone is gone");
    let snap = other.unlock(PIN).await.unwrap();
    assert_eq!(snap.notice, Some(Notice::DeviceRevoked), "and it knows");

    let snap = this.logout_all().await.unwrap();
    assert_eq!(snap.phase, Phase::Login);
    assert_eq!(second_vault.stored_keys().unwrap(), vec![PREFERENCES_KEY]);
    let devices = admin::list_devices(&w.server.db, Some(LIISA))
        .await
        .unwrap();
    assert!(devices.iter().all(|d| d.revoked.is_some()), "{devices:?}");
}

// ---------------------------------------------------------------- invoices and payments

fn invoices_in(snap: &Snapshot, status: InvoiceStatus) -> Vec<Invoice> {
    snap.invoices
        .iter()
        .flatten()
        .filter(|i| i.status == status)
        .cloned()
        .collect()
}

/// Home with two approved invoices picked, then Pay: the confirmation.
async fn confirming_two(app: &mut SessionStore) -> (Snapshot, Vec<Invoice>) {
    let approved = invoices_in(&app.snapshot(), InvoiceStatus::Approved);
    let picked = approved[..2].to_vec();
    (confirming(app, &picked).await, picked)
}

/// `picked` picked on Home (those not picked yet), then Pay: the
/// confirmation.
async fn confirming(app: &mut SessionStore, picked: &[Invoice]) -> Snapshot {
    let selected = app.snapshot().selected;
    for invoice in picked {
        if !selected.contains(&invoice.id) {
            app.send(Intent::ToggleInvoice(invoice.id)).await;
        }
    }
    let snap = app.send(Intent::Pay).await;
    assert_eq!(snap.phase, Phase::PayConfirm, "{:?}", snap.error);
    snap
}

#[tokio::test]
async fn home_lists_the_companys_invoices_and_approve_and_reject_move_them() {
    let w = World::new().await;
    let mut app = w.at_home(MATTI).await;
    let home = app.snapshot();
    let waiting = invoices_in(&home, InvoiceStatus::AwaitingApproval);
    assert!(waiting.len() >= 3, "demo invoices to approve: {waiting:?}");
    assert!(invoices_in(&home, InvoiceStatus::Approved).len() >= 3);
    let dues: Vec<_> = home.invoices.iter().flatten().map(|i| i.due_date).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "earliest due first");

    let snap = app.send(Intent::OpenInvoice(waiting[0].id)).await;
    assert_eq!(snap.phase, Phase::Invoice);
    assert_eq!(snap.invoice.as_ref(), Some(&waiting[0]));
    let snap = app.send(Intent::ApproveInvoice(waiting[0].id)).await;
    assert_eq!(snap.phase, Phase::Home);
    let approved = snap
        .invoices
        .iter()
        .flatten()
        .find(|i| i.id == waiting[0].id);
    assert_eq!(approved.unwrap().status, InvoiceStatus::Approved);

    app.send(Intent::OpenInvoice(waiting[1].id)).await;
    let too_long = "x".repeat(501);
    let snap = app
        .send(Intent::RejectInvoice {
            id: waiting[1].id,
            reason: too_long,
        })
        .await;
    assert_eq!(snap.error, Some(SessionError::ReasonTooLong));
    assert_eq!(snap.phase, Phase::Invoice, "nothing sent, nothing lost");
    let snap = app
        .send(Intent::RejectInvoice {
            id: waiting[1].id,
            reason: "Tilattu tavara ei saapunut".into(),
        })
        .await;
    let rejected = snap
        .invoices
        .iter()
        .flatten()
        .find(|i| i.id == waiting[1].id);
    assert_eq!(rejected.unwrap().status, InvoiceStatus::Rejected);
    assert_eq!(
        rejected.unwrap().status_by.as_deref(),
        Some(MATTI),
        "the server says who decided"
    );
}

#[tokio::test]
async fn an_invoice_decided_elsewhere_meanwhile_is_told_and_the_list_refreshed() {
    let w = World::new().await;
    let mut app = w.at_home(MATTI).await;
    let waiting = invoices_in(&app.snapshot(), InvoiceStatus::AwaitingApproval);
    app.send(Intent::OpenInvoice(waiting[0].id)).await;
    // Another device of the same user approves it first.
    let mut other = SessionStore::new(
        ApiClient::new(&w.relay.url()).unwrap(),
        Vault::in_memory(),
        DeviceInfo::new("tablet", "ios"),
    )
    .with_clock(w.clock.clone());
    other.start().await.unwrap();
    other.finish_intro().await.unwrap();
    other
        .submit_login(MATTI, &w.login_of(MATTI).password)
        .await
        .unwrap();
    other.set_pin(OTHER_PIN, OTHER_PIN).await.unwrap();
    other.send(Intent::OpenInvoice(waiting[0].id)).await;
    other.send(Intent::ApproveInvoice(waiting[0].id)).await;

    let snap = app.send(Intent::ApproveInvoice(waiting[0].id)).await;
    assert_eq!(snap.error, Some(SessionError::Outdated));
    assert_eq!(snap.phase, Phase::Home);
    let now = snap
        .invoices
        .iter()
        .flatten()
        .find(|i| i.id == waiting[0].id);
    assert_eq!(
        now.unwrap().status,
        InvoiceStatus::Approved,
        "fetched again"
    );
}

#[tokio::test]
async fn the_right_pin_pays_exactly_the_picked_invoices_and_a_wrong_one_is_counted() {
    let w = World::new().await;
    let mut app = w.at_home(MATTI).await;
    let (snap, picked) = confirming_two(&mut app).await;
    let order = snap.order.expect("the order to confirm");
    let shown: Vec<(i64, String, i64)> = order
        .items
        .iter()
        .map(|i| (i.invoice_id, i.iban.clone(), i.amount_cents))
        .collect();
    let wanted: Vec<(i64, String, i64)> = picked
        .iter()
        .map(|i| (i.id, i.iban.clone(), i.amount_cents))
        .collect();
    assert_eq!(shown, wanted, "the order is the picked invoices, as listed");
    assert_eq!(
        order.total_cents,
        picked.iter().map(|i| i.amount_cents).sum::<i64>()
    );

    let snap = app
        .send(Intent::ConfirmPayment(OTHER_PIN.to_owned().into()))
        .await;
    assert_eq!(
        snap.error,
        Some(SessionError::PinIncorrect { attempts_left: 4 })
    );
    assert_eq!(snap.phase, Phase::PayConfirm);
    let snap = app
        .send(Intent::ConfirmPayment(PIN.to_owned().into()))
        .await;
    assert_eq!(snap.phase, Phase::Paid, "{:?}", snap.error);
    let receipt = snap.receipt.unwrap();
    assert_eq!(receipt.invoices.len(), 2);
    assert!(receipt
        .invoices
        .iter()
        .all(|i| i.status == InvoiceStatus::Paid));
    let snap = app.send(Intent::GoBack).await;
    assert_eq!(snap.phase, Phase::Home);
    let paid: Vec<i64> = invoices_in(&snap, InvoiceStatus::Paid)
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(paid, picked.iter().map(|i| i.id).collect::<Vec<_>>());
    assert!(snap.selected.is_empty());

    // The right PIN reset the count: the next unlock has all 5 attempts.
    app.lock().await;
    let err = app.unlock(OTHER_PIN).await.unwrap_err();
    assert_eq!(err, SessionError::PinIncorrect { attempts_left: 4 });
}

#[tokio::test]
async fn wrong_payment_pins_and_wrong_unlocks_share_one_counter() {
    let w = World::new().await;
    let mut app = w.at_home(MATTI).await;
    confirming_two(&mut app).await;
    for left in [4, 3] {
        let snap = app
            .send(Intent::ConfirmPayment(OTHER_PIN.to_owned().into()))
            .await;
        assert_eq!(
            snap.error,
            Some(SessionError::PinIncorrect {
                attempts_left: left
            })
        );
    }
    app.send(Intent::GoBack).await;
    app.lock().await;
    let err = app.unlock(OTHER_PIN).await.unwrap_err();
    assert_eq!(
        err,
        SessionError::PinIncorrect { attempts_left: 2 },
        "two wrong payment PINs and this wrong unlock: three in a row"
    );
    let snap = app.unlock(PIN).await.unwrap();
    assert_eq!(snap.failed_attempts_since_last_unlock, 3);
}

#[tokio::test]
async fn five_wrong_payment_pins_revoke_the_device_and_wipe_it() {
    let w = World::new().await;
    let mut app = w.at_home(MATTI).await;
    confirming_two(&mut app).await;
    for left in [4, 3, 2, 1] {
        let snap = app
            .send(Intent::ConfirmPayment(OTHER_PIN.to_owned().into()))
            .await;
        assert_eq!(
            snap.error,
            Some(SessionError::PinIncorrect {
                attempts_left: left
            })
        );
    }
    let snap = app
        .send(Intent::ConfirmPayment(OTHER_PIN.to_owned().into()))
        .await;
    assert_eq!(snap.phase, Phase::Login);
    assert_eq!(snap.notice, Some(Notice::DeviceRevoked));
    w.assert_no_user_data();
}

#[tokio::test]
async fn an_order_older_than_five_minutes_is_refused_and_the_list_fetched_again() {
    let w = World::new().await;
    let mut app = w.at_home(MATTI).await;
    let (_, picked) = confirming_two(&mut app).await;
    w.advance(Duration::minutes(5) + Duration::seconds(1));
    let snap = app
        .send(Intent::ConfirmPayment(PIN.to_owned().into()))
        .await;
    assert_eq!(snap.error, Some(SessionError::Outdated));
    assert_eq!(snap.phase, Phase::Home);
    let approved: Vec<i64> = invoices_in(&snap, InvoiceStatus::Approved)
        .iter()
        .map(|i| i.id)
        .collect();
    assert!(
        picked.iter().all(|i| approved.contains(&i.id)),
        "nothing was paid; the invoices can be paid again"
    );
    // A new order of the same invoices pays.
    // The picks survive the refreshed list.
    confirming(&mut app, &picked).await;
    let snap = app
        .send(Intent::ConfirmPayment(PIN.to_owned().into()))
        .await;
    assert_eq!(snap.phase, Phase::Paid, "{:?}", snap.error);
}

#[tokio::test]
async fn after_a_pin_change_the_new_pin_pays_and_the_old_one_does_not() {
    const NEW_PIN: &str = "8642";
    let w = World::new().await;
    let mut app = w.at_home(MATTI).await;
    app.open_company_menu();
    app.send(Intent::OpenChangePin).await;
    app.change_pin(PIN, NEW_PIN, NEW_PIN).await.unwrap();
    app.go_back();
    confirming_two(&mut app).await;
    let snap = app
        .send(Intent::ConfirmPayment(PIN.to_owned().into()))
        .await;
    assert_eq!(
        snap.error,
        Some(SessionError::PinIncorrect { attempts_left: 4 })
    );
    let snap = app
        .send(Intent::ConfirmPayment(NEW_PIN.to_owned().into()))
        .await;
    assert_eq!(snap.phase, Phase::Paid, "{:?}", snap.error);
}

#[tokio::test]
async fn switching_company_lists_that_companys_invoices() {
    let w = World::new().await;
    let mut app = w.at_home(LIISA).await;
    let first: Vec<i64> = app
        .snapshot()
        .invoices
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    let other = company_ids(&app.snapshot())
        .into_iter()
        .find(|id| Some(*id) != current(&app.snapshot()))
        .unwrap();
    app.open_company_menu();
    let snap = app.switch_company(other).await.unwrap();
    let second: Vec<i64> = snap.invoices.unwrap().iter().map(|i| i.id).collect();
    assert!(!second.is_empty());
    assert!(
        second.iter().all(|id| !first.contains(id)),
        "another company's invoices"
    );
}
