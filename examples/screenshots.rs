//! Regenerates docs/screenshots/<W>x<H>/*.png: every screen and state worth
//! showing, in English (a few in Finnish and Swedish, `-fi`, `-sv`), from
//! the real window under Xvfb (xdotool clicks and
//! keys, like tests/window_journey.rs), against a real server started here
//! with the demo data, and the real Secret Service.
//!
//! Run it through `bash scripts/screenshots.sh` (display, D-Bus session and
//! gnome-keyring). Arguments: window sizes, default `390x844 360x800`.
//! `HEEROS_APP_BIN` overrides the app binary (default: the `heeros-mobile`
//! next to this example's target directory).

use std::path::{Path, PathBuf};
use std::time::Duration;

use heeros_mobile::app_config::{parse_window_size, DEFAULT_WINDOW_SIZE};
use heeros_mobile::i18n::SV;
use heeros_mobile::lang::Lang;
use heeros_mobile::session::Vault;
use heeros_mobile::ui::probe::ENV_TEST_PROBE;
use heeros_server::demo;
use heeros_testkit::world::{World, MAIJA};
use heeros_testkit::xwindow::{pause_ms, skip_reason, App, Target};

/// Maija (with an authenticator) goes through every screen; Matti is the
/// one who types a wrong password.
const MATTI: &str = "Matti Virtanen";
/// Liisa (three companies) uses the app in Swedish.
const LIISA: &str = "Liisa Korhonen";
const PIN: &str = "2580";
const ACCOUNT: Target = Target::Css(".account-button");
const PAD: Target = Target::Id("pin-pad");
/// The intro's forward button: "Next", and "Get started" on the last step.
const NEXT: Target = Target::Css(".actions .btn-primary");

/// An address nothing listens on: the "offline" login.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn app_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("HEEROS_APP_BIN") {
        return bin.into();
    }
    let exe = std::env::current_exe().unwrap();
    // target/debug/examples/screenshots -> target/debug/heeros-mobile
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join(format!("heeros-mobile{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: cargo build --bin heeros-mobile (or set HEEROS_APP_BIN)",
        bin.display()
    );
    bin
}

/// Every screen and state at one window size, into `out`.
fn take_all(size: (u32, u32), out: &Path) {
    let (width, height) = (size.0 as i32, size.1 as i32);
    let dir = tempfile::tempdir().unwrap();
    let world = World::start(dir.path());
    let service = format!(
        "fi.heeros.mobile.screenshots.{}.{width}x{height}",
        std::process::id()
    );
    let vault = Vault::platform()
        .expect("a Secret Service")
        .with_service(&service);
    let data_dir = dir.path().join("app").to_string_lossy().into_owned();
    let size_env = format!("{width}x{height}");
    let bin = app_binary();
    let launch_with = |api_url: &str, extra: &[(&str, &str)]| {
        let mut env = vec![
            ("HEEROS_API_URL", api_url),
            ("HEEROS_DATA_DIR", data_dir.as_str()),
            ("HEEROS_VAULT_SERVICE", service.as_str()),
            ("HEEROS_WINDOW_SIZE", size_env.as_str()),
        ];
        env.extend_from_slice(extra);
        let app = App::launch(&bin, ENV_TEST_PROBE, &env, out);
        let g = app.geometry();
        assert_eq!(
            (g.width, g.height),
            (width, height),
            "the window is not {size_env}"
        );
        app
    };
    let launch = |api_url: &str| launch_with(api_url, &[]);
    let log_in = |app: &App, name: &str, password: &str| {
        app.fill_two_and_send(Target::Id("username"), name, password);
        pause_ms(2000);
    };
    let wait = Duration::from_secs(20);

    // First start: the intro, the login, Finnish, a wrong password.
    let app = launch(&world.base_url);
    for step in 1..=5 {
        if step > 1 {
            app.click_on(NEXT);
            let dots = format!(".dots[aria-label='Step {step} of 5']");
            app.wait_for(Target::Css(&dots), wait);
        }
        app.shot(&format!("intro-{step}"));
    }
    app.click_on(Target::Text("Skip"));
    app.wait_for(Target::Id("username"), wait);
    app.shot("login");
    app.click_on(Target::Css("button[lang=fi]"));
    app.wait_for(Target::Css("button[lang=fi][aria-pressed=true]"), wait);
    pause_ms(300);
    app.shot("login-fi");
    app.click_on(Target::Css("button[lang=en]"));
    app.wait_for(Target::Css("button[lang=en][aria-pressed=true]"), wait);
    log_in(&app, MATTI, "not-the-password");
    app.shot("login-wrong-credentials");
    app.kill();

    // No server: the same login, offline.
    let app = launch(&closed_port_url());
    log_in(&app, MAIJA, demo::DEMO_PASSWORD);
    app.shot("login-offline");
    app.kill();

    // The server again: code (wrong, then right), PIN (mismatch, then
    // right), home, company menu.
    let app = launch(&world.base_url);
    log_in(&app, MAIJA, demo::DEMO_PASSWORD);
    app.wait_for(Target::Id("code"), wait);
    app.shot("code");
    let code = world.code_now();
    let wrong: u32 = (code.parse::<u32>().unwrap() + 500_000) % 1_000_000;
    app.click_on(Target::Id("code"));
    app.type_fast(&format!("{wrong:06}"));
    app.enter();
    app.wait_for(Target::Css("#code[aria-invalid=true]"), wait);
    app.shot("code-wrong");
    assert!(world.devices().is_empty(), "a wrong code made a device");
    app.click_on(Target::Id("code"));
    app.key(&["ctrl+a"]);
    world.enter_code(&app);
    let pin_twice = |first: &str, second: &str| {
        app.wait_for(PAD, wait);
        app.type_fast(first);
        app.enter();
        app.wait_for(Target::Text("Type the same PIN code again"), wait);
        app.type_fast(second);
        app.enter();
    };
    app.wait_for(PAD, wait);
    app.type_fast("25");
    app.shot("pin-setup");
    app.key(&["BackSpace", "BackSpace"]);
    pin_twice(PIN, "2581");
    app.wait_for(Target::Css(".pin-pad-invalid"), wait);
    app.shot("pin-setup-mismatch");
    pin_twice(PIN, PIN);
    app.wait_until(
        "the login in the secure store",
        Duration::from_secs(20),
        || vault.stored_keys().unwrap().contains(&"login"),
    );
    app.wait_for(ACCOUNT, wait);
    app.shot("home");
    invoice_shots(&app, "");
    app.click_on(ACCOUNT);
    app.wait_for(Target::Text("Go back"), wait);
    app.shot("company-menu");
    app.click_on(Target::Text("Change PIN code"));
    app.wait_for(PAD, wait);
    app.shot("change-pin");
    app.click_on(Target::Text("Cancel"));
    app.click_on(Target::Text("My devices"));
    app.wait_for(Target::Css(".device"), wait);
    app.shot("my-devices");
    app.click_on(Target::Text("Go back"));
    app.click_on(Target::Text("Log out"));
    app.wait_for(Target::Id("confirm-dialog"), wait);
    app.shot("log-out-confirmation");
    app.kill();

    // Relaunch: unlock (a wrong PIN, then the right one), the cover while
    // away, Forgot PIN?, log out.
    let app = launch(&world.base_url);
    app.wait_for(PAD, wait);
    app.shot("unlock");
    app.type_fast("1111");
    app.enter();
    app.wait_until("a wrong PIN counted", Duration::from_secs(20), || {
        world.devices()[0].failed_unlocks == 1
    });
    app.wait_for(Target::Css(".pin-pad-invalid"), wait);
    app.shot("unlock-wrong-pin");
    app.click_on(Target::Text("Forgot PIN?"));
    app.wait_for(Target::Id("confirm-dialog"), wait);
    app.shot("forgot-pin-confirmation");
    app.click_on(Target::Text("Cancel"));
    app.wait_for(PAD, wait);
    app.type_fast(PIN);
    app.enter();
    app.wait_until("the unlock", Duration::from_secs(20), || {
        world.devices()[0].failed_unlocks == 0
    });
    app.wait_for(ACCOUNT, wait);
    app.shot("home-wrong-pins-told");
    app.unfocus();
    app.wait_for(Target::Id("cover"), wait);
    app.shot("cover-while-away");
    app.refocus();
    app.wait_for(ACCOUNT, wait);
    app.click_on(ACCOUNT);
    app.click_on(Target::Text("Log out"));
    app.click_on(Target::Css("#confirm-dialog .btn-danger-solid"));
    app.wait_until("the logout", Duration::from_secs(10), || {
        world.devices()[0].revoked.as_deref() == Some("logout")
    });
    app.wait_for(Target::Id("username"), wait);
    pause_ms(500);
    app.shot("login-logged-out");
    app.kill();

    // A phone in another language (its own data and secure-store entries):
    // after `before_login` on the intro and Login, `user` logs in, sets the
    // PIN and is on Home; the app and its entries are handed back.
    let phone_in = |lang: Lang, before_login: &dyn Fn(&App), user: &str| {
        let own_service = format!("{service}.{}", lang.code());
        let own_data = format!("{data_dir}-{}", lang.code());
        let locale = format!("{}_FI.UTF-8", lang.code());
        let app = launch_with(
            &world.base_url,
            &[
                ("HEEROS_VAULT_SERVICE", own_service.as_str()),
                ("HEEROS_DATA_DIR", own_data.as_str()),
                ("LANGUAGE", lang.code()),
                ("LANG", locale.as_str()),
            ],
        );
        let t = lang.texts();
        app.wait_for(Target::Text(t.skip), wait);
        before_login(&app);
        app.click_on(Target::Text(t.skip));
        app.wait_for(Target::Id("username"), wait);
        before_login(&app);
        log_in(&app, user, demo::DEMO_PASSWORD);
        app.wait_for(PAD, wait);
        app.type_fast(PIN);
        app.enter();
        app.wait_for(Target::Text(t.pin_again_title), wait);
        pause_ms(500);
        app.type_fast(PIN);
        app.enter();
        app.wait_for(ACCOUNT, wait);
        app.wait_for(Target::Css("section[aria-labelledby=to-approve]"), wait);
        (app, own_service)
    };
    let wipe = |service: &str| {
        if let Ok(vault) = Vault::platform().map(|v| v.with_service(service)) {
            let _ = vault.wipe_everything();
        }
    };

    // A phone in Finnish: Matti logs in and pays.
    let (app, fi_service) = phone_in(Lang::Fi, &|_| {}, MATTI);
    app.shot("home-fi");
    invoice_shots(&app, "-fi");
    app.kill();
    wipe(&fi_service);

    // A phone in Swedish: the intro and Login, Liisa's Home, the company menu.
    let first_screens = |app: &App| {
        pause_ms(300);
        let on_login = app.find(Target::Id("username")).is_some();
        app.shot(if on_login { "login-sv" } else { "intro-1-sv" });
    };
    let (app, sv_service) = phone_in(Lang::Sv, &first_screens, LIISA);
    app.shot("home-sv");
    app.click_on(ACCOUNT);
    app.wait_for(Target::Text(SV.go_back), wait);
    app.shot("company-menu-sv");
    app.kill();
    wipe(&sv_service);

    // Dark mode (GTK's dark theme sets prefers-color-scheme: dark).
    let app = launch_with(&world.base_url, &[("GTK_THEME", "Adwaita:dark")]);
    app.wait_for(Target::Id("username"), wait);
    app.shot("login-dark");
    app.kill();
    let _ = vault.wipe_everything();
}

/// From Home: one invoice awaiting approval (approved), two approved ones picked,
/// the confirmation of their payment, and the result; back on Home.
fn invoice_shots(app: &App, suffix: &str) {
    let wait = Duration::from_secs(20);
    app.wait_for(Target::Css("input.invoice-pick"), wait);
    app.click_on(Target::Css(
        "section[aria-labelledby=to-approve] .invoice-open",
    ));
    app.wait_for(Target::Id("approve"), wait);
    app.shot(&format!("invoice{suffix}"));
    app.click_on(Target::Id("approve"));
    app.wait_for(ACCOUNT, wait);
    // Two when there are two (the users share Heeros Demo Oy, so a later
    // phone may find fewer left to pay).
    for n in 1..=2 {
        let pick = format!("section[aria-labelledby=to-pay] li:nth-child({n}) input.invoice-pick");
        if app.find(Target::Css(&pick)).is_none() {
            break;
        }
        app.click_on(Target::Css(&pick));
        app.wait_for(Target::Css(&format!("{pick}:checked")), wait);
    }
    app.shot(&format!("home-picked{suffix}"));
    app.click_on(Target::Id("pay"));
    app.wait_for(Target::Id("order-total"), wait);
    app.shot(&format!("pay-confirm{suffix}"));
    app.type_fast(PIN);
    app.enter();
    app.wait_for(Target::Id("back-to-invoices"), wait);
    app.shot(&format!("paid{suffix}"));
    app.click_on(Target::Id("back-to-invoices"));
    app.wait_for(ACCOUNT, wait);
}

fn main() {
    if let Some(reason) = skip_reason() {
        eprintln!("screenshots: cannot run here: {reason}; use bash scripts/screenshots.sh");
        std::process::exit(2);
    }
    let mut sizes: Vec<(u32, u32)> = std::env::args()
        .skip(1)
        .map(|arg| parse_window_size(&arg).unwrap_or_else(|| panic!("not WxH: {arg}")))
        .collect();
    if sizes.is_empty() {
        sizes = vec![DEFAULT_WINDOW_SIZE, (360, 800)];
    }
    for (width, height) in sizes {
        let out = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/screenshots")
            .join(format!("{width}x{height}"));
        take_all((width, height), &out);
        println!("screenshots: {}", out.display());
    }
}
