//! The Dioxus UI: one component module per screen, plus shared widgets.
//!
//! Components read state and send intents; they do no networking and no
//! crypto. Session state lives in the [`SessionStore`] and is copied into a
//! [`Snapshot`] signal; field state (what the user is typing) lives in the
//! screen component. The screen shown is a plain match on `snapshot.phase`.

mod code;
mod company_menu;
mod home;
mod illustrations;
mod intro;
mod login;
mod pin_setup;
pub mod probe;
mod startup;
mod style;
mod unlock;
mod widgets;

pub use code::CodeScreen;
pub use company_menu::CompanyMenuScreen;
pub use home::HomeScreen;
pub use intro::IntroScreen;
pub use login::LoginScreen;
pub use pin_setup::PinSetupScreen;
pub use startup::{StartupFailedScreen, StartupFailure};
pub use unlock::UnlockScreen;

use std::future::Future;

use dioxus::prelude::*;

use crate::i18n::{Lang, Texts};
use crate::session::{Phase, SessionError, SessionStore, Snapshot};

pub use style::stylesheet;

/// What the app starts with: a session store, or why there is none.
/// Handed to the root component as launch context.
#[derive(Clone)]
pub enum Boot {
    Ready(SessionStore),
    Failed(StartupFailure),
}

/// Shared state of the running app, provided as context by [`App`] (or by
/// a test root) and read with [`use_app`].
#[derive(Clone)]
pub struct AppState {
    pub store: SessionStore,
    pub snapshot: Signal<Snapshot>,
    /// True while an intent is in flight: every screen disables its buttons.
    pub busy: Signal<bool>,
}

/// The app state provided by [`App`] (or [`provide_app_state`]).
pub fn use_app() -> AppState {
    use_context::<AppState>()
}

/// Creates the app state in the current component and provides it to every
/// screen below. Used by [`App`] and by tests that render one screen.
pub fn provide_app_state(store: SessionStore, snapshot: Snapshot) -> AppState {
    use_context_provider(move || AppState {
        store,
        snapshot: Signal::new(snapshot),
        busy: Signal::new(false),
    })
}

impl AppState {
    /// The UI language of the current snapshot.
    pub fn lang(&self) -> Lang {
        Lang::from_code(&self.snapshot.read().language)
    }

    /// The texts in the UI language.
    pub fn texts(&self) -> &'static Texts {
        self.lang().texts()
    }

    /// Shows the result of an intent that answers at once.
    pub fn show(&self, snapshot: Snapshot) {
        let mut s = self.snapshot;
        s.set(snapshot);
    }

    /// Runs an async intent: marks the app busy (a second submit while busy
    /// is ignored), clears `error`, then shows the new snapshot or puts the
    /// error into `error`. Runs as a task of the calling component.
    pub fn run<F, Fut>(&self, error: Signal<Option<SessionError>>, intent: F)
    where
        F: FnOnce(SessionStore) -> Fut + 'static,
        Fut: Future<Output = Result<Snapshot, SessionError>> + 'static,
    {
        let mut busy = self.busy;
        if *busy.peek() {
            return;
        }
        busy.set(true);
        let mut error = error;
        error.set(None);
        let mut snapshot = self.snapshot;
        let store = self.store.clone();
        spawn(async move {
            let result = intent(store.clone()).await;
            busy.set(false);
            match result {
                Ok(next) => snapshot.set(next),
                Err(e) => {
                    error.set(Some(e));
                    // The phase stays; other fields (e.g. a wiped login) may not.
                    let now = store.snapshot();
                    if now != *snapshot.peek() {
                        snapshot.set(now);
                    }
                }
            }
        });
    }

    /// Runs an async intent that cannot fail (logout).
    pub fn run_infallible<F, Fut>(&self, intent: F)
    where
        F: FnOnce(SessionStore) -> Fut + 'static,
        Fut: Future<Output = Snapshot> + 'static,
    {
        let mut busy = self.busy;
        if *busy.peek() {
            return;
        }
        busy.set(true);
        let mut snapshot = self.snapshot;
        let store = self.store.clone();
        spawn(async move {
            let next = intent(store).await;
            busy.set(false);
            snapshot.set(next);
        });
    }
}

/// The root component: the journey (or the start-up
/// failure). Expects a [`Boot`] in its context (see `LaunchBuilder::with_context`).
#[component]
pub fn App() -> Element {
    let boot = use_context::<Boot>();
    use_hook(allow_clipboard_paste);
    use_hook(probe::start);
    rsx! {
        match boot {
            Boot::Ready(_) => rsx! { Journey {} },
            Boot::Failed(failure) => rsx! { StartupFailedScreen { failure } },
        }
    }
}

/// Lets page scripts read the clipboard (the code screen's Paste button).
/// WebKitGTK refuses that by default and dioxus-desktop does not ask.
#[cfg(all(feature = "desktop", target_os = "linux"))]
fn allow_clipboard_paste() {
    use dioxus::desktop::wry::WebViewExtUnix;
    use webkit2gtk::{SettingsExt, WebViewExt};
    let window = dioxus::desktop::window();
    if let Some(settings) = WebViewExt::settings(&window.webview.webview()) {
        settings.set_javascript_can_access_clipboard(true);
    }
}

#[cfg(not(all(feature = "desktop", target_os = "linux")))]
fn allow_clipboard_paste() {}

/// The viewport: phone width, and `viewport-fit=cover` so the page reaches
/// under notches and home indicators and `env(safe-area-inset-*)` (see
/// assets/main.css) says how far.
pub const VIEWPORT: &str = "width=device-width, initial-scale=1, viewport-fit=cover";

/// The page the webview loads (desktop and phones): Dioxus's default index,
/// but with [`VIEWPORT`] from the first layout on instead of Dioxus's
/// `user-scalable=no` viewport, which lacks `viewport-fit=cover`, and with
/// the stylesheet and typeface inline ([`stylesheet`]): styled from the
/// first paint, wherever the binary runs from. Dioxus adds its script
/// before `</body>`.
pub fn index_html() -> String {
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<title>Heeros Mobile</title>\n\
         <meta name=\"viewport\" content=\"{VIEWPORT}\">\n<style>\n{}</style>\n</head>\n\
         <body>\n<div id=\"main\"></div>\n</body>\n</html>\n",
        stylesheet()
    )
}

/// Starts the store (reads secure storage), then shows the current screen.
#[component]
fn Journey() -> Element {
    let Boot::Ready(store) = use_context::<Boot>() else {
        return rsx! {};
    };
    let app = provide_app_state(store.clone(), store.snapshot());
    let started = use_signal(|| false);
    let start_error = use_signal(|| None::<SessionError>);

    let start = use_callback(move |()| {
        let mut started = started;
        app.run(start_error, move |store| async move {
            let snapshot = store.start(chrono::Utc::now()).await?;
            started.set(true);
            Ok(snapshot)
        });
    });
    // After the first render, not during it: no signal writes while rendering.
    use_effect(move || start.call(()));

    if started() {
        rsx! { CurrentScreen {} }
    } else {
        rsx! {
            widgets::Splash { error: start_error(), on_retry: move |_| start.call(()) }
        }
    }
}

/// The screen of the current phase.
#[component]
pub fn CurrentScreen() -> Element {
    let app = use_app();
    let phase = app.snapshot.read().phase;
    match phase {
        Phase::Intro { step } => rsx! { IntroScreen { step } },
        Phase::Login => rsx! { LoginScreen {} },
        Phase::Code => rsx! { CodeScreen {} },
        Phase::PinSetup => rsx! { PinSetupScreen {} },
        Phase::Unlock => rsx! { UnlockScreen {} },
        Phase::Home => rsx! { HomeScreen {} },
        Phase::CompanyMenu => rsx! { CompanyMenuScreen {} },
    }
}

/// Reads a named field of a submitted form ("" when absent).
pub(crate) fn form_text(evt: &FormEvent, name: &str) -> String {
    match evt.get_first(name) {
        Some(dioxus::html::FormValue::Text(s)) => s,
        _ => String::new(),
    }
}

/// Opens the app: the desktop window (390×844 like a phone, or
/// `HEEROS_WINDOW_SIZE`; see [`crate::app_config::window_size`]) or the
/// mobile view, with `boot` as the root context.
pub fn launch(boot: Boot) {
    let builder = dioxus::LaunchBuilder::new().with_context(boot);
    #[cfg(feature = "desktop")]
    let builder = {
        use crate::app_config::{window_size, MIN_WINDOW_SIZE};
        use dioxus::desktop::{Config, LogicalSize, WindowBuilder};
        let (width, height) = window_size();
        builder.with_cfg(
            Config::new()
                .with_custom_index(index_html())
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
    let builder = builder.with_cfg(dioxus::mobile::Config::new().with_custom_index(index_html()));
    builder.launch(App);
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_index_page_has_the_safe_area_viewport_and_what_dioxus_needs() {
        let index = super::index_html();
        assert_eq!(index.matches("name=\"viewport\"").count(), 1);
        assert!(index.contains(&format!("content=\"{}\"", super::VIEWPORT)));
        assert!(super::VIEWPORT.contains("viewport-fit=cover"));
        // Dioxus inserts its head before </head> and its loader before </body>.
        for needed in ["</head>", "<div id=\"main\"></div>", "</body>"] {
            assert!(index.contains(needed), "{needed}");
        }
        // The stylesheet is in the page itself, not looked up at run time.
        assert!(index.contains(super::stylesheet()));
        assert!(!index.contains("<link"));
    }
}
