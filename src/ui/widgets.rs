//! Shared widgets: spinner, banners, buttons, the splash screen.

use dioxus::prelude::*;

use super::use_app;
use crate::session::{Intent, SessionError};

/// A small spinning ring; decorative (the button text says what happens).
#[component]
pub fn Spinner() -> Element {
    rsx! {
        span { class: "spinner", aria_hidden: "true" }
    }
}

/// The main action of a form. While `busy` it shows a spinner, is disabled
/// and tells assistive tech so; a second tap does nothing.
#[component]
pub fn SubmitButton(label: String, busy: bool, #[props(default)] disabled: bool) -> Element {
    rsx! {
        button {
            class: "btn btn-primary",
            r#type: "submit",
            disabled: busy || disabled,
            aria_busy: if busy { "true" } else { "false" },
            if busy {
                Spinner {}
            }
            span { "{label}" }
        }
    }
}

/// An error in plain words, announced to screen readers.
#[component]
pub fn ErrorBanner(message: Option<String>) -> Element {
    match message {
        Some(message) => rsx! {
            div { class: "banner banner-error", role: "alert",
                span { class: "banner-icon", aria_hidden: "true", "!" }
                p { "{message}" }
            }
        },
        None => rsx! {},
    }
}

/// A calm notice (why the user is here), not an error of theirs.
#[component]
pub fn NoticeBanner(message: String) -> Element {
    rsx! {
        div { class: "banner banner-notice", role: "status",
            span { class: "banner-icon", aria_hidden: "true", "i" }
            p { "{message}" }
        }
    }
}

/// The Heeros Mobile word mark.
#[component]
pub fn Brand() -> Element {
    rsx! {
        div { class: "brand",
            span { class: "brand-mark", aria_hidden: "true",
                svg {
                    view_box: "0 0 32 32",
                    width: "32",
                    height: "32",
                    rect { x: "1", y: "1", width: "30", height: "30", rx: "8", fill: "currentColor" }
                    path {
                        d: "M10 8v16M22 8v16M10 16h12",
                        stroke: "var(--on-primary)",
                        stroke_width: "3.2",
                        stroke_linecap: "round",
                        fill: "none",
                    }
                }
            }
            span { class: "brand-name", "Heeros Mobile" }
        }
    }
}

/// Shown while the store reads storage at start, or when that failed
/// (with Try again).
#[component]
pub fn Splash() -> Element {
    let app = use_app();
    let t = app.texts();
    let busy = app.busy();
    let error = app.error();
    rsx! {
        div { class: "screen screen-centered",
            main { class: "content content-centered",
                Brand {}
                if let Some(e) = error.as_ref() {
                    ErrorBanner { message: t.error(e) }
                    button {
                        class: "btn btn-primary",
                        r#type: "button",
                        disabled: busy,
                        onclick: move |_| app.send(Intent::Start),
                        "{t.try_again}"
                    }
                } else {
                    div { class: "loading", role: "status",
                        Spinner {}
                        span { "{t.loading}" }
                    }
                }
            }
        }
    }
}

/// The top bar of the steps between password and PIN: "‹ Back to login".
#[component]
pub fn BackToLoginBar(busy: bool) -> Element {
    let app = use_app();
    let t = app.texts();
    rsx! {
        header { class: "topbar",
            button {
                class: "btn btn-text topbar-start",
                r#type: "button",
                disabled: busy,
                onclick: move |_| app.send(Intent::BackToLogin),
                span { aria_hidden: "true", "‹ " }
                "{t.back_to_login}"
            }
        }
    }
}

/// Puts the keyboard focus in the element when it appears: `onmounted:
/// focus_on_mount` on a screen's first field. (The `autofocus` attribute
/// alone works only on the page's first screen; a webview ignores it on
/// elements added later.)
pub async fn focus_on_mount(event: MountedEvent) {
    let _ = event.set_focus(true).await;
}

/// Runs `reset_js` (empty the fields, focus the first) whenever the
/// snapshot's error becomes one that `clears` says starts the typing over.
pub fn use_reset_fields_on(clears: fn(&SessionError) -> bool, reset_js: &'static str) {
    let app = use_app();
    use_effect(move || {
        if app.snapshot.read().error.as_ref().is_some_and(clears) {
            spawn(async move {
                let _ = document::eval(reset_js).await;
            });
        }
    });
}

/// The words for a field error; `missing` for empty fields.
pub fn error_text(
    t: &crate::i18n::Texts,
    error: Option<SessionError>,
    missing: &str,
) -> Option<String> {
    error.map(|e| match e {
        SessionError::MissingInput => missing.to_string(),
        e => t.error(&e),
    })
}
