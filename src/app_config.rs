//! Start-up configuration (UI-free): where the app keeps its data, which
//! server it talks to, the desktop window's size, the help page, and the
//! session store built from them. Without a configured server the embedded demo server
//! starts (`demo`, desktop only).

use std::path::PathBuf;

use crate::i18n::device_language;
use crate::lang::Lang;
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
/// Env var: the help page on two-factor authentication that the code
/// screen's "Read more" opens in the system browser. Read at run time
/// (desktop) and at build time (phones: `HEEROS_HELP_URL=… dx bundle`).
pub const ENV_HELP_URL: &str = "HEEROS_HELP_URL";
/// The help page unless configured: the Heeros Help Center's "Heeros
/// Mobile - login" article, which has the two-factor section.
pub const DEFAULT_HELP_URL: &str =
    "https://helpcenter.heeros.com/hc/en-us/articles/4402551837074-Heeros-Mobile-login";

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

/// The help page on two-factor authentication: `HEEROS_HELP_URL` at run
/// time, else as it was at build time, else [`DEFAULT_HELP_URL`].
pub fn help_url() -> String {
    help_url_from(
        std::env::var(ENV_HELP_URL).ok().as_deref(),
        option_env!("HEEROS_HELP_URL"),
    )
}

/// [`help_url`] with its inputs injected: the first of them that is an
/// `http(s)` URL (a blank or malformed one is passed over).
pub fn help_url_from(run_time: Option<&str>, build_time: Option<&str>) -> String {
    [run_time, build_time]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|candidate| {
            url::Url::parse(candidate)
                .is_ok_and(|u| matches!(u.scheme(), "https" | "http") && u.has_host())
        })
        .unwrap_or(DEFAULT_HELP_URL)
        .to_owned()
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

/// Until the user picks a language (intro, Login, the company menu), the
/// app follows the device language: saved into the preferences on first
/// start.
pub fn adopt_device_language(vault: &Vault, device: Lang) -> Result<(), VaultError> {
    let mut prefs = vault.load_preferences()?;
    if prefs.language.is_none() {
        prefs.language = Some(device);
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
        None => crate::demo::embedded_server_url()?,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_language_is_adopted_until_the_user_picks_one() {
        let vault = Vault::in_memory();
        adopt_device_language(&vault, Lang::Fi).unwrap();
        assert_eq!(vault.load_preferences().unwrap().language, Some(Lang::Fi));
        // A choice already made (here: Finnish) is not overwritten.
        adopt_device_language(&vault, Lang::En).unwrap();
        assert_eq!(vault.load_preferences().unwrap().language, Some(Lang::Fi));
    }

    #[test]
    fn the_first_start_follows_the_os_language() {
        use crate::i18n::device_language_from;
        for (os, want) in [
            (&["fi-FI"][..], Lang::Fi),
            (&["sv-FI"][..], Lang::Sv),
            (&["en-US"][..], Lang::En),
            (&["de-DE"][..], Lang::En),
            (&[][..], Lang::En),
        ] {
            let vault = Vault::in_memory();
            let os = os.iter().map(|l| l.to_string());
            adopt_device_language(&vault, device_language_from(os)).unwrap();
            assert_eq!(vault.load_preferences().unwrap().language, Some(want));
        }
    }

    #[test]
    fn the_help_page_is_configurable_and_has_a_default() {
        let custom = "https://help.example.fi/2fa";
        assert_eq!(help_url_from(Some(custom), None), custom);
        assert_eq!(help_url_from(None, Some(custom)), custom);
        assert_eq!(
            help_url_from(Some(" https://a.example/x "), Some(custom)),
            "https://a.example/x"
        );
        for bad in [
            "",
            "  ",
            "not a url",
            "javascript:alert(1)",
            "file:///etc/passwd",
        ] {
            assert_eq!(help_url_from(Some(bad), None), DEFAULT_HELP_URL, "{bad}");
        }
        assert_eq!(help_url_from(None, None), DEFAULT_HELP_URL);
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
