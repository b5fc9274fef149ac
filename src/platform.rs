//! Build-time facts for the phone builds (UI-free, no dioxus imports).
//!
//! A phone app has no environment variables and no command line, so a phone
//! build can learn its server address only when it is compiled:
//! `HEEROS_API_URL=https://api.example.fi dx bundle --platform android …`
//! bakes the address into the binary ([`build_time_api_url`]). The desktop
//! window reads the same variable at run time first (see `app_config`).
//!
//! Rules checked here at compile time, so a wrong phone build does not exist:
//! - a phone build never contains the embedded demo server (the
//!   `demo-server` feature is a compile error for Android and iOS);
//! - a phone *release* build must be given an `https://` server address.
//!
//! See docs/mobile.md.

/// The variable read at compile time (and, on the desktop, at run time).
pub const ENV_API_URL: &str = "HEEROS_API_URL";

/// `HEEROS_API_URL` as it was when this crate was compiled. Cargo recompiles
/// the crate when the variable changes.
const BUILD_API_URL: Option<&str> = option_env!("HEEROS_API_URL");

/// True in builds for a phone (Android or iOS).
pub const IS_MOBILE: bool = cfg!(any(target_os = "android", target_os = "ios"));

/// The server address baked in at build time, trimmed; `None` when the
/// variable was unset or blank.
pub fn build_time_api_url() -> Option<&'static str> {
    BUILD_API_URL.map(str::trim).filter(|url| !url.is_empty())
}

/// Whether `url` starts with `https://` (ASCII case-insensitive) and has
/// something after it. `const` so the release check below runs in the
/// compiler.
pub const fn is_https_url(url: &str) -> bool {
    let bytes = url.as_bytes();
    // Skip leading whitespace, as build_time_api_url() trims it.
    let mut start = 0;
    while start < bytes.len() && bytes[start].is_ascii_whitespace() {
        start += 1;
    }
    let scheme = b"https://";
    if bytes.len() < start + scheme.len() + 1 {
        return false;
    }
    let mut i = 0;
    while i < scheme.len() {
        if bytes[start + i].to_ascii_lowercase() != scheme[i] {
            return false;
        }
        i += 1;
    }
    !bytes[start + scheme.len()].is_ascii_whitespace()
}

/// What a build for this target must be given at compile time: `Ok` or the
/// reason the build is refused. `release_phone` is true for a release build
/// for Android or iOS.
pub const fn check_build_time_url(
    release_phone: bool,
    url: Option<&str>,
) -> Result<(), &'static str> {
    if !release_phone {
        return Ok(());
    }
    match url {
        None => Err("a release build for Android or iOS needs HEEROS_API_URL=https://… at build time (see docs/mobile.md)"),
        Some(url) if !is_https_url(url) => Err("HEEROS_API_URL must be an https:// address in a release build for Android or iOS (see docs/mobile.md)"),
        Some(_) => Ok(()),
    }
}

// Release phone builds: refuse to compile without an https server address.
const _: () = {
    if let Err(why) = check_build_time_url(IS_MOBILE && !cfg!(debug_assertions), BUILD_API_URL) {
        panic!("{}", why);
    }
};

#[cfg(all(feature = "demo-server", any(target_os = "android", target_os = "ios")))]
compile_error!(
    "the embedded demo server is never part of a phone build: build with \
     `--no-default-features --features mobile` (dx: `--no-default-features`), see docs/mobile.md"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_addresses_pass() {
        assert!(is_https_url("https://api.heeros.fi"));
        assert!(is_https_url("HTTPS://api.heeros.fi/"));
        assert!(is_https_url("  https://api.heeros.fi"));
        assert!(!is_https_url("http://api.heeros.fi"));
        assert!(!is_https_url("https://"));
        assert!(!is_https_url("https:// x"));
        assert!(!is_https_url("ftp://x"));
        assert!(!is_https_url(""));
    }

    #[test]
    fn release_phone_builds_need_an_https_address() {
        assert!(check_build_time_url(false, None).is_ok());
        assert!(check_build_time_url(false, Some("http://127.0.0.1:8080")).is_ok());
        assert!(check_build_time_url(true, None).is_err());
        assert!(check_build_time_url(true, Some("http://127.0.0.1:8080")).is_err());
        assert!(check_build_time_url(true, Some("https://api.heeros.fi")).is_ok());
    }

    #[test]
    fn the_build_time_url_is_trimmed_and_blank_counts_as_unset() {
        // Whatever this test binary was built with, the answer is normalised.
        if let Some(url) = build_time_api_url() {
            assert_eq!(url, url.trim());
            assert!(!url.is_empty());
        }
    }
}
