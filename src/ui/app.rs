//! The app root: the start-up failure screen or the journey, one intent
//! queue into the session store, and the screen of the current phase.

use std::sync::{Arc, Mutex};

use dioxus::prelude::*;
use futures_util::StreamExt;

use super::widgets::{Cover, Splash};
use super::{
    ChangePinScreen, CodeScreen, CompanyMenuScreen, DevicesScreen, HomeScreen, IntroScreen,
    InvoiceScreen, LoginScreen, PaidScreen, PayConfirmScreen, PinSetupScreen, StartupFailedScreen,
    StartupFailure, UnlockScreen,
};
use crate::i18n::Texts;
use crate::lang::Lang;
use crate::session::{Intent, Phase, SessionError, SessionStore, Snapshot};

/// The session store, handed over once to the intent queue that owns it.
#[derive(Clone)]
pub struct StoreSlot(Arc<Mutex<Option<SessionStore>>>);

impl StoreSlot {
    pub fn new(store: SessionStore) -> StoreSlot {
        StoreSlot(Arc::new(Mutex::new(Some(store))))
    }

    fn take(&self) -> Option<SessionStore> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// The stored language choice (blocking: before the UI runs).
    fn stored_language(&self) -> Option<Lang> {
        let slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let prefs = slot.as_ref()?.vault().load_preferences().ok()?;
        prefs.language
    }

    fn snapshot(&self) -> Option<Snapshot> {
        let slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        slot.as_ref().map(SessionStore::snapshot)
    }
}

/// What the app starts with: a session store, or why there is none.
/// Handed to the root component as launch context.
#[derive(Clone)]
pub enum Boot {
    Ready(StoreSlot),
    Failed(StartupFailure),
}

impl Boot {
    /// The language of the first screen: the stored choice (the device
    /// language on first start), or the device language without a store.
    pub fn language(&self) -> Lang {
        match self {
            Boot::Ready(slot) => slot.stored_language(),
            Boot::Failed(_) => None,
        }
        .unwrap_or_else(crate::i18n::device_language)
    }
}

/// What every screen reads and sends through: the snapshot to render and
/// the queue of intents. Provided by [`App`] (or [`provide_app_state`] in
/// tests), read with [`use_app`].
#[derive(Clone, Copy)]
pub struct AppState {
    pub snapshot: Signal<Snapshot>,
    intents: Coroutine<Intent>,
}

impl AppState {
    /// Queues an intent; the store handles them one at a time, in order.
    pub fn send(&self, intent: Intent) {
        self.intents.send(intent);
    }

    /// An intent is being handled: buttons disabled, spinner shown.
    pub fn busy(&self) -> bool {
        self.snapshot.read().busy
    }

    /// What went wrong with the last intent, for this screen.
    pub fn error(&self) -> Option<SessionError> {
        self.snapshot.read().error.clone()
    }

    pub fn lang(&self) -> Lang {
        self.snapshot.read().language
    }

    pub fn texts(&self) -> &'static Texts {
        self.lang().texts()
    }
}

/// The app state of the nearest [`App`] or [`provide_app_state`] above.
pub fn use_app() -> AppState {
    try_use_context::<AppState>().expect(
        "use_app: no AppState here; screens render under ui::App, or under \
         ui::provide_app_state in tests",
    )
}

/// Provides an app state that renders `snapshot` and drops every intent:
/// for rendering screens in tests and previews, without a store.
pub fn provide_app_state(snapshot: Snapshot) -> AppState {
    let snapshot = use_signal(|| snapshot);
    let intents = use_coroutine(|mut rx: UnboundedReceiver<Intent>| async move {
        while rx.next().await.is_some() {}
    });
    use_context_provider(|| AppState { snapshot, intents })
}

/// The root component: the journey, or the start-up failure. Expects a
/// [`Boot`] in its context (see `LaunchBuilder::with_context`).
#[component]
pub fn App() -> Element {
    let boot = use_context::<Boot>();
    use_hook(super::shell::allow_clipboard_paste);
    // The typeface, once the first screen is up (docs/design.md, "Start-up").
    use_effect(|| {
        document::eval(super::style::typeface_script());
    });
    use_hook(super::probe::start);
    match boot {
        Boot::Ready(slot) => rsx! { Journey { slot } },
        Boot::Failed(failure) => rsx! { StartupFailedScreen { failure } },
    }
}

impl PartialEq for StoreSlot {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Owns the store in one queue: reads storage first, then handles each
/// intent in turn, showing it busy meanwhile.
#[component]
fn Journey(slot: StoreSlot) -> Element {
    let first = slot
        .snapshot()
        .unwrap_or_else(|| Snapshot::of(Phase::Starting, Lang::En));
    let mut snapshot = use_signal(|| Snapshot {
        busy: true,
        ..first
    });
    let intents = use_coroutine(move |mut rx: UnboundedReceiver<Intent>| {
        let slot = slot.clone();
        async move {
            let Some(mut store) = slot.take() else {
                return;
            };
            snapshot.set(store.send(Intent::Start).await);
            while let Some(intent) = rx.next().await {
                if intent.shows_busy() {
                    snapshot.with_mut(|s| s.busy = true);
                }
                let next = store.send(intent).await;
                snapshot.set(next);
            }
        }
    });
    let app = use_context_provider(|| AppState { snapshot, intents });
    use_page_events(app);
    use_effect(move || {
        let code = app.lang().code();
        spawn(async move {
            let js = format!("document.documentElement.lang = {code:?};");
            let _ = document::eval(&js).await;
        });
    });
    rsx! { CurrentScreen {} }
}

/// Moves the keyboard focus into a new screen (docs/design.md,
/// "Accessibility"): to the element the screen focuses itself (marked
/// `data-autofocus`: the code field, the PIN pad), else to the screen's
/// heading, made focusable for this with `tabindex=-1`. So a screen reader
/// starts reading the new screen, and Tab goes on from its top.
const FOCUS_SCREEN_JS: &str = r#"
requestAnimationFrame(() => {
  const screen = document.querySelector(".screen");
  if (!screen) { return; }
  const active = document.activeElement;
  if (active && active.hasAttribute("data-autofocus") && screen.contains(active)) { return; }
  const own = screen.querySelector("[data-autofocus]");
  // Without scrolling: the payment confirmation's order above its PIN pad
  // stays in view.
  if (own) { own.focus({ preventScroll: true }); return; }
  const heading = screen.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
});
"#;

/// Runs [`FOCUS_SCREEN_JS`] whenever the screen changes: another phase
/// (an intro step counts), or the cover shown or gone.
fn use_focus_on_screen_change(app: AppState) {
    let mut shown = use_signal(|| None::<(Phase, bool)>);
    use_effect(move || {
        let screen = {
            let snapshot = app.snapshot.read();
            (snapshot.phase, snapshot.covered)
        };
        if *shown.peek() != Some(screen) {
            shown.set(Some(screen));
            spawn(async {
                let _ = document::eval(FOCUS_SCREEN_JS).await;
            });
        }
    });
}

/// Listens in the page for what the OS does to the app, and sends it as
/// intents: the page hidden or the window unfocused (the app went to the
/// background: phones report it to the webview as hidden) and shown again;
/// the phone's back button, which pops a history entry that the page keeps
/// only while the screen has a back of its own (Android's WebView leaves
/// the app on back when there is no history).
const PAGE_EVENTS_JS: &str = r#"
let armed = false, ignore = 0;
const hidden = () => dioxus.send("hidden");
const shown = () => { if (!document.hidden) { dioxus.send("shown"); } };
document.addEventListener("visibilitychange", () => document.hidden ? hidden() : shown());
window.addEventListener("blur", hidden);
window.addEventListener("focus", shown);
window.addEventListener("popstate", () => {
  if (ignore > 0) { ignore--; return; }
  armed = false;
  dioxus.send("back");
});
while (true) {
  const wanted = await dioxus.recv();
  if (wanted && !armed) { history.pushState({ heeros: true }, ""); armed = true; }
  else if (!wanted && armed) { ignore++; armed = false; history.back(); }
}
"#;

/// Runs [`PAGE_EVENTS_JS`] and keeps the page's history entry in step with
/// whether the current screen has a back of its own.
fn use_page_events(app: AppState) {
    let page = use_hook(|| {
        let page = document::eval(PAGE_EVENTS_JS);
        let mut events = page;
        spawn(async move {
            while let Ok(event) = events.recv::<String>().await {
                match event.as_str() {
                    "hidden" => app.send(Intent::WentToBackground),
                    "shown" => app.send(Intent::CameToForeground),
                    "back" => app.send(Intent::Back),
                    _ => {}
                }
            }
        });
        page
    });
    use_effect(move || {
        let _ = page.send(app.snapshot.read().has_back);
    });
    use_os_lifecycle(app);
}

/// The OS's own word that the app went to the background and came back:
/// tao's `Suspended`/`Resumed` on phones (the page events above may not
/// fire when a phone's WebView is paused). The desktop never sends these;
/// there the window's focus and visibility in the page are the signal.
#[cfg(any(feature = "desktop", feature = "mobile"))]
fn use_os_lifecycle(app: AppState) {
    #[cfg(feature = "desktop")]
    use dioxus::desktop as webview;
    #[cfg(all(feature = "mobile", not(feature = "desktop")))]
    use dioxus::mobile as webview;
    use webview::tao::event::Event;
    webview::use_wry_event_handler(move |event, _| match event {
        Event::Suspended => app.send(Intent::WentToBackground),
        Event::Resumed => app.send(Intent::CameToForeground),
        _ => {}
    });
}

#[cfg(not(any(feature = "desktop", feature = "mobile")))]
fn use_os_lifecycle(_app: AppState) {}

/// The screen of the current phase.
#[component]
pub fn CurrentScreen() -> Element {
    let app = use_app();
    use_focus_on_screen_change(app);
    let (phase, covered) = {
        let snapshot = app.snapshot.read();
        (snapshot.phase, snapshot.covered)
    };
    if covered {
        return rsx! { Cover {} };
    }
    match phase {
        Phase::Starting => rsx! { Splash {} },
        Phase::Intro { step } => rsx! { IntroScreen { step } },
        Phase::Login => rsx! { LoginScreen {} },
        Phase::Code => rsx! { CodeScreen {} },
        Phase::PinSetup => rsx! { PinSetupScreen {} },
        Phase::Unlock => rsx! { UnlockScreen {} },
        Phase::Home => rsx! { HomeScreen {} },
        Phase::CompanyMenu => rsx! { CompanyMenuScreen {} },
        Phase::ChangePin => rsx! { ChangePinScreen {} },
        Phase::Devices => rsx! { DevicesScreen {} },
        Phase::Invoice => rsx! { InvoiceScreen {} },
        Phase::PayConfirm => rsx! { PayConfirmScreen {} },
        Phase::Paid => rsx! { PaidScreen {} },
    }
}
