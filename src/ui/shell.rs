//! The shell around the app: the page the webview loads, the desktop
//! window (size, title) or the phone view, and the WebKitGTK settings the
//! desktop needs.

use super::style::{main_css, stylesheet};
use super::{App, Boot};
use crate::lang::Lang;

/// The viewport: phone width, and `viewport-fit=cover` so the page reaches
/// under notches and home indicators and `env(safe-area-inset-*)` (see
/// assets/main.css) says how far.
pub const VIEWPORT: &str = "width=device-width, initial-scale=1, viewport-fit=cover";

/// The page the webview loads (desktop and phones): Dioxus's default index,
/// but with [`VIEWPORT`] from the first layout on instead of Dioxus's
/// `user-scalable=no` viewport, which lacks `viewport-fit=cover`, and with
/// the stylesheet inline ([`main_css`]): styled from the first paint,
/// wherever the binary runs from. The typeface follows once the first
/// screen is up ([`super::style::typeface_script`], run by [`App`]). `lang`
/// is the page's language until the app sets it on each change. Dioxus
/// adds its script before `</body>`.
pub fn index_html(lang: Lang) -> String {
    page_html(lang, main_css())
}

/// [`index_html`] with the typeface inline too: for pages rendered whole,
/// without the app's scripts (the accessibility audit's).
pub fn index_html_with_typeface(lang: Lang) -> String {
    page_html(lang, stylesheet())
}

fn page_html(lang: Lang, css: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<title>Heeros Mobile</title>\n\
         <meta name=\"viewport\" content=\"{VIEWPORT}\">\n<style>\n{css}</style>\n</head>\n\
         <body>\n<div id=\"main\"></div>\n</body>\n</html>\n",
        lang.code(),
    )
}

/// Lets page scripts read the clipboard (the code screen's Paste button).
/// WebKitGTK refuses that by default and dioxus-desktop does not ask.
#[cfg(all(feature = "desktop", target_os = "linux"))]
pub(super) fn allow_clipboard_paste() {
    use dioxus::desktop::wry::WebViewExtUnix;
    use webkit2gtk::{SettingsExt, WebViewExt};
    let window = dioxus::desktop::window();
    if let Some(settings) = WebViewExt::settings(&window.webview.webview()) {
        settings.set_javascript_can_access_clipboard(true);
    }
}

#[cfg(not(all(feature = "desktop", target_os = "linux")))]
pub(super) fn allow_clipboard_paste() {}

/// Opens the app: the desktop window (390×844 like a phone, or
/// `HEEROS_WINDOW_SIZE`; see [`crate::app_config::window_size`]) or the
/// mobile view, with `boot` as the root context.
pub fn launch(boot: Boot) {
    let index = index_html(boot.language());
    let builder = dioxus::LaunchBuilder::new().with_context(boot);
    #[cfg(feature = "desktop")]
    let builder = {
        use crate::app_config::{window_size, MIN_WINDOW_SIZE};
        use dioxus::desktop::{Config, LogicalSize, WindowBuilder};
        let (width, height) = window_size();
        builder.with_cfg(
            Config::new()
                .with_custom_index(index)
                .with_menu(None)
                .with_window(
                    WindowBuilder::new()
                        .with_title("Heeros Mobile")
                        .with_inner_size(LogicalSize::new(width, height))
                        .with_min_inner_size(LogicalSize::new(
                            MIN_WINDOW_SIZE.0,
                            MIN_WINDOW_SIZE.1,
                        )),
                ),
        )
    };
    #[cfg(all(feature = "mobile", not(feature = "desktop")))]
    let builder = builder.with_cfg(dioxus::mobile::Config::new().with_custom_index(index));
    builder.launch(App);
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_index_page_has_the_safe_area_viewport_and_what_dioxus_needs() {
        let index = super::index_html(crate::lang::Lang::Sv);
        assert!(index.contains("<html lang=\"sv\">"));
        assert_eq!(index.matches("name=\"viewport\"").count(), 1);
        assert!(index.contains(&format!("content=\"{}\"", super::VIEWPORT)));
        assert!(super::VIEWPORT.contains("viewport-fit=cover"));
        // Dioxus inserts its head before </head> and its loader before </body>.
        for needed in ["</head>", "<div id=\"main\"></div>", "</body>"] {
            assert!(index.contains(needed), "{needed}");
        }
        // The stylesheet is in the page itself, not looked up at run time.
        assert!(index.contains(super::main_css()));
        assert!(!index.contains("<link"));
    }

    /// docs/design.md, "Start-up": the window's first page carries no
    /// typeface (decoding it there delayed the first paint); the script the
    /// app runs after the first render brings it, and pages rendered whole
    /// have it inline.
    #[test]
    fn the_typeface_follows_the_first_paint() {
        use crate::ui::style::typeface_script;
        let font = "data:font/woff2;base64,";
        let first = super::index_html(crate::lang::Lang::En);
        assert!(!first.contains(font) && !first.contains("@font-face"));
        assert!(typeface_script().contains(font));
        assert!(typeface_script().contains("document.fonts.add"));
        let whole = super::index_html_with_typeface(crate::lang::Lang::En);
        assert!(whole.contains(super::stylesheet()) && whole.contains(font));
    }
}
