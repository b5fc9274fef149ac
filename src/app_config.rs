//! Start-up (UI-free): where the app keeps its data, which server it talks
//! to, and the session store built from them. On the desktop with the
//! `demo-server` feature, and unless `HEEROS_API_URL` is set, an embedded
//! demo server is started and its logins are printed to the terminal.

use std::path::PathBuf;

use crate::i18n::{device_language, Lang};
use crate::session::vault::VaultError;
use crate::session::{ApiClient, DeviceInfo, SessionStore, Vault};

/// Env var: the server's base URL (skips the embedded demo server).
pub const ENV_API_URL: &str = "HEEROS_API_URL";
/// Env var: where the app (and the demo server's SQLite file) keeps data.
pub const ENV_DATA_DIR: &str = "HEEROS_DATA_DIR";
/// Env var: the secure-store service name (default `fi.heeros.mobile`); lets
/// a test or a second copy of the app keep its entries apart.
pub const ENV_VAULT_SERVICE: &str = "HEEROS_VAULT_SERVICE";
/// Env var: the desktop window's inner size, `WIDTHxHEIGHT` in logical px
/// (default [`DEFAULT_WINDOW_SIZE`]); e.g. `360x800` for a smaller phone.
pub const ENV_WINDOW_SIZE: &str = "HEEROS_WINDOW_SIZE";
/// The desktop window's inner size unless configured: a 390×844 phone.
pub const DEFAULT_WINDOW_SIZE: (u32, u32) = (390, 844);
/// The smallest window the desktop app opens or resizes to.
pub const MIN_WINDOW_SIZE: (u32, u32) = (320, 480);

/// Why the app could not start. Shown on a screen of its own, never a panic.
#[derive(Debug, Clone, PartialEq)]
pub enum StartupFailure {
    /// The OS secure store is missing or refused us.
    Storage(String),
    /// Anything else (bad API URL, demo server failed); the detail is shown.
    Other(String),
}

/// The data directory: `HEEROS_DATA_DIR`, else the user's data dir +
/// "heeros-mobile", else a temp dir.
pub fn data_dir() -> PathBuf {
    data_dir_from(
        std::env::var_os(ENV_DATA_DIR).map(PathBuf::from),
        dirs::data_dir(),
    )
}

/// [`data_dir`] with its inputs injected (for tests).
pub fn data_dir_from(configured: Option<PathBuf>, user_data: Option<PathBuf>) -> PathBuf {
    match configured.filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) => dir,
        None => user_data
            .unwrap_or_else(std::env::temp_dir)
            .join("heeros-mobile"),
    }
}

/// The configured API URL, if any (empty counts as unset).
/// Run time first (desktop), then the address baked in at build time (phones
/// have no environment; see `platform`).
pub fn configured_api_url() -> Option<String> {
    std::env::var(ENV_API_URL)
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| crate::platform::build_time_api_url().map(str::to_owned))
}

/// The desktop window's inner size: `HEEROS_WINDOW_SIZE`, else 390×844. A
/// value that does not parse (or is below 320×480) is reported on stderr and
/// the default is used.
pub fn window_size() -> (u32, u32) {
    match std::env::var(ENV_WINDOW_SIZE) {
        Ok(value) if !value.trim().is_empty() => {
            parse_window_size(&value).unwrap_or_else(|| {
                eprintln!(
                    "Heeros Mobile: ignoring {ENV_WINDOW_SIZE}={value:?} (want WIDTHxHEIGHT, at least {}x{})",
                    MIN_WINDOW_SIZE.0, MIN_WINDOW_SIZE.1
                );
                DEFAULT_WINDOW_SIZE
            })
        }
        _ => DEFAULT_WINDOW_SIZE,
    }
}

/// Parses `WIDTHxHEIGHT` ("360x800", "360X800", "360×800"; spaces around the
/// numbers are fine). `None` for anything else, and for sizes below
/// [`MIN_WINDOW_SIZE`] or above 10000 px.
pub fn parse_window_size(text: &str) -> Option<(u32, u32)> {
    let (width, height) = text.trim().split_once(['x', 'X', '×'])?;
    let width: u32 = width.trim().parse().ok()?;
    let height: u32 = height.trim().parse().ok()?;
    let fits = |value: u32, min: u32| (min..=10_000).contains(&value);
    (fits(width, MIN_WINDOW_SIZE.0) && fits(height, MIN_WINDOW_SIZE.1)).then_some((width, height))
}

/// Until the user picks a language on the Login screen, the app follows the
/// device language: saved into the preferences on first start.
pub fn adopt_device_language(vault: &Vault, device: Lang) -> Result<(), VaultError> {
    let mut prefs = vault.load_preferences()?;
    if prefs.language.is_none() {
        prefs.language = Some(device.code().to_owned());
        vault.save_preferences(&prefs)?;
    }
    Ok(())
}

/// Everything the UI needs to start: the store, or why there is none.
pub fn prepare() -> Result<SessionStore, StartupFailure> {
    let base_url = match configured_api_url() {
        Some(url) => {
            println!("Heeros Mobile: using the server at {url}");
            url
        }
        None => embedded_server_url()?,
    };
    let api = ApiClient::new(&base_url)
        .map_err(|e| StartupFailure::Other(format!("API URL {base_url}: {e}")))?;
    // Blocking: must run before the UI's async runtime (see Vault::platform).
    let vault = Vault::platform().map_err(|e| StartupFailure::Storage(e.to_string()))?;
    let vault = match std::env::var(ENV_VAULT_SERVICE) {
        Ok(service) if !service.trim().is_empty() => vault.with_service(service.trim()),
        _ => vault,
    };
    adopt_device_language(&vault, device_language())
        .map_err(|e| StartupFailure::Storage(e.to_string()))?;
    Ok(SessionStore::new(api, vault, DeviceInfo::current()))
}

#[cfg(feature = "demo-server")]
fn embedded_server_url() -> Result<String, StartupFailure> {
    let dir = data_dir();
    let embedded = heeros_server::demo::start_embedded(&dir).map_err(|e| {
        StartupFailure::Other(format!(
            "the demo server did not start in {}: {e}",
            dir.display()
        ))
    })?;
    print!("{}", demo_banner(&embedded, &dir));
    start_code_ticker(&embedded.logins);
    Ok(embedded.base_url)
}

#[cfg(not(feature = "demo-server"))]
fn embedded_server_url() -> Result<String, StartupFailure> {
    Err(StartupFailure::Other(format!(
        "No server configured: set {ENV_API_URL} to the Heeros server's address."
    )))
}

/// What the terminal shows about the demo server: where it runs, who can
/// log in with which password, and how to get authenticator codes.
#[cfg(feature = "demo-server")]
pub fn demo_banner(embedded: &heeros_server::demo::Embedded, dir: &std::path::Path) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Heeros Mobile: embedded demo server at {}",
        embedded.base_url
    );
    let _ = writeln!(out, "  data: {}", dir.display());
    let _ = writeln!(out, "  (set {ENV_API_URL} to use another server)");
    let _ = writeln!(out, "Demo logins:");
    for login in &embedded.logins {
        let _ = writeln!(
            out,
            "  user name: {:<22} password: {}",
            login.username, login.password
        );
        let _ = writeln!(out, "    companies: {}", login.companies.join(", "));
        match &login.totp_secret {
            Some(secret) => {
                let _ = writeln!(
                    out,
                    "    two-factor: add this secret to an authenticator app (TOTP, SHA-1, 6 digits, 30 s): {secret}"
                );
                let _ = writeln!(
                    out,
                    "    otpauth URI: otpauth://totp/Heeros:{}?secret={secret}&issuer=Heeros",
                    percent_encode(&login.username)
                );
                let _ = writeln!(
                    out,
                    "    (the current code is also printed below every 30 s)"
                );
            }
            None => {
                let _ = writeln!(out, "    two-factor: none (no code asked)");
            }
        }
    }
    out
}

/// Percent-encodes everything but unreserved URI characters (RFC 3986).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Prints the current authenticator code of every demo user with a secret,
/// once per 30-second step, from a background thread.
#[cfg(feature = "demo-server")]
fn start_code_ticker(logins: &[heeros_server::demo::DemoLogin]) {
    let users: Vec<(String, String)> = logins
        .iter()
        .filter_map(|l| l.totp_secret.clone().map(|s| (l.username.clone(), s)))
        .collect();
    if users.is_empty() {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("heeros-demo-codes".into())
        .spawn(move || {
            let mut last_step = i64::MIN;
            loop {
                let now = chrono::Utc::now();
                let step = now.timestamp().div_euclid(30);
                if step != last_step {
                    last_step = step;
                    let left = 30 - now.timestamp().rem_euclid(30);
                    for (name, secret) in &users {
                        let code = heeros_server::totp::code_at(secret, now);
                        println!(
                            "[demo] authenticator code for {name}: {} {} (valid {left} s more)",
                            &code[..code.len().min(3)],
                            &code[code.len().min(3)..]
                        );
                    }
                }
                std::thread::sleep(std::time::Duration::from_millis(500));
            }
        });
    if let Err(e) = spawned {
        eprintln!("Heeros Mobile: could not start the demo code printer: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_language_is_adopted_until_the_user_picks_one() {
        let vault = Vault::in_memory();
        adopt_device_language(&vault, Lang::Fi).unwrap();
        assert_eq!(
            vault.load_preferences().unwrap().language.as_deref(),
            Some("fi")
        );
        // A choice already made (here: "fi") is not overwritten.
        adopt_device_language(&vault, Lang::En).unwrap();
        assert_eq!(
            vault.load_preferences().unwrap().language.as_deref(),
            Some("fi")
        );
    }

    #[test]
    fn otpauth_labels_are_percent_encoded() {
        assert_eq!(
            percent_encode("Maija Meikäläinen"),
            "Maija%20Meik%C3%A4l%C3%A4inen"
        );
    }

    #[test]
    fn window_sizes_parse_as_width_x_height() {
        assert_eq!(parse_window_size("360x800"), Some((360, 800)));
        assert_eq!(parse_window_size(" 390 X 844 "), Some((390, 844)));
        assert_eq!(parse_window_size("1280×1000"), Some((1280, 1000)));
        assert_eq!(parse_window_size("320x480"), Some(MIN_WINDOW_SIZE));
        for bad in [
            "",
            "360",
            "360x",
            "x800",
            "360x800x2",
            "-360x800",
            "360.5x800",
            "wide x tall",
            "319x800",
            "360x479",
            "0x0",
            "20000x800",
        ] {
            assert_eq!(parse_window_size(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn data_dir_prefers_the_configured_one() {
        let configured = PathBuf::from("/tmp/heeros-x");
        assert_eq!(
            data_dir_from(
                Some(configured.clone()),
                Some("/home/u/.local/share".into())
            ),
            configured
        );
        assert_eq!(
            data_dir_from(None, Some("/home/u/.local/share".into())),
            PathBuf::from("/home/u/.local/share/heeros-mobile")
        );
        assert_eq!(
            data_dir_from(Some(PathBuf::new()), Some("/d".into())),
            PathBuf::from("/d/heeros-mobile")
        );
    }
}
