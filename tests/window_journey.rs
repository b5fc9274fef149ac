//! The whole journey in a real window under Xvfb, driven like a person with
//! real X key and mouse events (xdotool), typing at full speed with a
//! Finnish keymap: intro (Skip) → login as "Maija Meikäläinen" (a user with
//! an authenticator) → authenticator code → PIN twice, Done → home →
//! company menu, switch company, Go back → app killed → relaunch → unlock
//! with the PIN → home shows the chosen company → Log out → nothing of the
//! user left in the real Secret Service.
//!
//! What is clicked is found by id, selector or visible text through the
//! app's test probe, never by pixel position, so a font or stylesheet
//! change cannot break it. The code, PIN-setup and unlock screens are typed
//! into without a click: their first field has the focus. Every step is
//! checked on the server or in the secure store; screenshots of each step
//! land in target/tmp/window-journey/. Runs under `scripts/test.sh`
//! (xvfb-run + dbus-run-session + gnome-keyring); elsewhere it is skipped
//! with the reason, unless HEEROS_WINDOW_TEST or CI is set, where a missing
//! display fails it.

#[path = "support/world.rs"]
mod world;
#[path = "support/xwindow.rs"]
mod xwindow;

use std::path::{Path, PathBuf};
use std::time::Duration;

use heeros_mobile::session::Vault;
use heeros_server::demo;
use world::{World, MAIJA};
use xwindow::{skip_reason, App, Target};

const PIN: &str = "2580";
/// The home view's header: the user's name and the current company.
const ACCOUNT: Target = Target::Css(".account-button");

/// Screenshots of each step (and of a failed wait).
fn shots() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("window-journey")
}

/// The app at the default window size, against `api_url`.
fn launch(api_url: &str, data_dir: &Path, service: &str) -> App {
    App::launch(
        Path::new(env!("CARGO_BIN_EXE_heeros-mobile")),
        &[
            ("HEEROS_API_URL", api_url),
            ("HEEROS_DATA_DIR", &data_dir.to_string_lossy()),
            ("HEEROS_VAULT_SERVICE", service),
            ("HEEROS_WINDOW_SIZE", ""),
        ],
        &shots(),
    )
}

fn main() {
    if let Some(reason) = skip_reason() {
        let required =
            std::env::var_os("HEEROS_WINDOW_TEST").is_some() || std::env::var_os("CI").is_some();
        assert!(!required, "the window test must run here, but: {reason}");
        println!("test window_journey ... SKIPPED: {reason}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let world = World::start(dir.path());
    let service = format!("fi.heeros.mobile.window-test.{}", std::process::id());
    let vault = Vault::platform()
        .expect("a Secret Service")
        .with_service(&service);
    let data_dir = dir.path().join("app");
    let first_company = world.current_company();

    let app = launch(&world.base_url, &data_dir, &service);
    app.shot("01-intro");
    app.click_on(Target::Text("Skip"));

    app.click_on(Target::Id("username"));
    app.shot("02-login");
    app.type_fast(MAIJA);
    let typed = app.find(Target::Id("username")).unwrap().value;
    assert_eq!(
        typed.as_deref(),
        Some(MAIJA),
        "every key of the name, ä too"
    );
    app.click_on(Target::Id("password"));
    app.type_fast(demo::DEMO_PASSWORD);
    app.enter();

    // The code screen: its field has the focus, so the code is typed
    // without a click.
    app.assert_focused(Target::Id("code"));
    app.shot("03-code");
    // The password step alone creates no device: the code is still needed.
    assert!(world.devices().is_empty(), "a device before the code step");
    world.enter_code(&app);

    app.assert_focused(Target::Id("pin"));
    app.shot("04-pin-setup");
    assert!(
        vault.stored_keys().unwrap().iter().all(|k| *k != "login"),
        "login stored before the PIN"
    );
    app.type_fast(PIN);
    app.click_on(Target::Id("pin_repeat"));
    app.type_fast(PIN);
    app.enter();
    app.wait_until(
        "the login in the secure store",
        Duration::from_secs(20),
        || vault.stored_keys().unwrap().contains(&"login"),
    );
    let home = app.wait_for(ACCOUNT, Duration::from_secs(20));
    assert!(home.text.contains(MAIJA), "home names the user: {home:?}");
    app.shot("05-home");

    app.click_on(ACCOUNT);
    app.wait_for(Target::Text("Go back"), Duration::from_secs(10));
    app.shot("06-company-menu");
    app.click_on(Target::Css("button.company:not(.company-current)"));
    app.wait_until(
        "the company switch on the server",
        Duration::from_secs(10),
        || world.current_company() != first_company,
    );
    let chosen = world.current_company();
    let chosen_name = world.current_company_name();
    app.wait_for(
        Target::Css("button.company-current"),
        Duration::from_secs(10),
    );
    app.click_on(Target::Text("Go back"));
    let home = app.wait_for(ACCOUNT, Duration::from_secs(10));
    assert!(
        home.text.contains(&chosen_name),
        "home shows the chosen company: {home:?}"
    );
    app.shot("07-home-switched");

    // The app is killed and launched again: only the PIN is asked.
    app.kill();
    let seen_before = world.devices()[0].last_seen_at;
    std::thread::sleep(Duration::from_millis(1100));
    let app = launch(&world.base_url, &data_dir, &service);
    app.assert_focused(Target::Id("unlock-pin"));
    app.shot("08-unlock");
    app.type_fast(PIN);
    app.enter();
    app.wait_until("an unlock on the server", Duration::from_secs(20), || {
        world.devices()[0].last_seen_at > seen_before
    });
    let home = app.wait_for(ACCOUNT, Duration::from_secs(20));
    app.shot("09-home-after-unlock");
    assert_eq!(
        world.current_company(),
        chosen,
        "the company choice survives the relaunch"
    );
    assert!(home.text.contains(&chosen_name), "{home:?}");

    app.click_on(ACCOUNT);
    app.click_on(Target::Text("Log out"));
    app.wait_until(
        "the device revoked by logout",
        Duration::from_secs(10),
        || world.devices()[0].revoked.as_deref() == Some("logout"),
    );
    app.wait_until("the secure store wiped", Duration::from_secs(10), || {
        !vault.stored_keys().unwrap().contains(&"login")
    });
    app.wait_for(Target::Id("username"), Duration::from_secs(10));
    app.shot("10-login-after-logout");
    if let Some(left) = vault.search_service().unwrap() {
        assert!(
            left.iter().all(|k| k == "preferences"),
            "only the preferences (intro seen, language) may remain: {left:?}"
        );
    }
    app.kill();
    let _ = vault.wipe_everything();
    println!("test window_journey ... ok");
    println!("1 passed, 0 failed");
}
