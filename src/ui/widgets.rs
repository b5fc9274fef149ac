//! Shared widgets: spinner, banners, buttons, the splash screen, the
//! language switch.

use dioxus::prelude::*;

use super::use_app;
use crate::i18n::Texts;
use crate::lang::Lang;
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

/// The error of the last intent, as the screen should show it: a mistake
/// in what was typed as an [`ErrorBanner`] (and the caller marks the
/// field), anything else — no connection, a server fault — as a neutral
/// [`FaultBanner`] with Try again. `missing` says which fields were empty.
#[component]
pub fn IntentError(
    error: Option<SessionError>,
    missing: String,
    /// Try again: resends through this; without it the button submits the
    /// form it is in.
    #[props(default)]
    on_retry: Option<EventHandler<()>>,
) -> Element {
    let app = use_app();
    let t = app.texts();
    match error {
        None => rsx! {},
        Some(SessionError::MissingInput) => rsx! { ErrorBanner { message: missing } },
        Some(e) if e.is_about_the_input() => rsx! { ErrorBanner { message: t.error(&e) } },
        Some(e) => rsx! { FaultBanner { message: t.error(&e), on_retry } },
    }
}

/// A fault that is not the user's (no connection, the server): calm
/// colours, and Try again (unless `can_retry` is false: then the message
/// says what to do).
#[component]
pub fn FaultBanner(
    message: String,
    on_retry: Option<EventHandler<()>>,
    #[props(default = true)] can_retry: bool,
) -> Element {
    let app = use_app();
    let t = app.texts();
    let busy = app.busy();
    rsx! {
        div { class: "banner banner-notice banner-fault", role: "alert",
            span { class: "banner-icon", aria_hidden: "true", "i" }
            div {
                p { "{message}" }
                match on_retry {
                    _ if !can_retry => rsx! {},
                    Some(retry) => rsx! {
                        button {
                            class: "btn btn-text",
                            r#type: "button",
                            disabled: busy,
                            onclick: move |_| retry.call(()),
                            "{t.try_again}"
                        }
                    },
                    None => rsx! {
                        button { class: "btn btn-text", r#type: "submit", disabled: busy, "{t.try_again}" }
                    },
                }
            }
        }
    }
}

/// Whether a field should be marked invalid for `error` ("true"/"false").
pub fn invalid_for(error: &Option<SessionError>) -> &'static str {
    if error.as_ref().is_some_and(SessionError::is_about_the_input) {
        "true"
    } else {
        "false"
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

/// The word mark: the product's name in the UI language (`Texts::product`).
#[component]
pub fn Brand(name: String) -> Element {
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
            span { class: "brand-name", "{name}" }
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
                Brand { name: t.product }
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

/// A top bar with one way back, top left ("‹ Go back", "‹ Back to login",
/// "‹ Cancel"), and the screen's title when it has one there.
#[component]
pub fn BackBar(label: String, back: Intent, #[props(default)] title: Option<String>) -> Element {
    let app = use_app();
    let busy = app.busy();
    let class = if title.is_some() {
        "topbar topbar-titled"
    } else {
        "topbar"
    };
    rsx! {
        header { class,
            button {
                class: "btn btn-text topbar-start",
                r#type: "button",
                disabled: busy,
                onclick: move |_| app.send(back.clone()),
                span { aria_hidden: "true", "‹ " }
                "{label}"
            }
            if let Some(title) = title {
                h1 { class: "topbar-title", "{title}" }
                span { class: "topbar-spacer" }
            }
        }
    }
}

/// Puts the keyboard focus in the element when it appears: `onmounted:
/// focus_on_mount` on a screen's first field (marked `data-autofocus` too,
/// so the move to a new screen's heading leaves it there). (The `autofocus` attribute
/// alone works only on the page's first screen; a webview ignores it on
/// elements added later.)
pub async fn focus_on_mount(event: MountedEvent) {
    let _ = event.set_focus(true).await;
}

/// Asks before something that cannot be undone (log out, forgot PIN,
/// renew): what will happen, then Cancel or the action. A modal dialog for
/// screen readers; the action button is red.
#[component]
pub fn ConfirmDialog(
    title: String,
    body: String,
    confirm_label: String,
    on_confirm: EventHandler<()>,
    on_cancel: EventHandler<()>,
) -> Element {
    let app = use_app();
    let t = app.texts();
    rsx! {
        div { class: "dialog-backdrop",
            div {
                class: "dialog",
                id: "confirm-dialog",
                role: "alertdialog",
                aria_modal: "true",
                aria_labelledby: "confirm-title",
                aria_describedby: "confirm-body",
                h2 { id: "confirm-title", "{title}" }
                p { id: "confirm-body", "{body}" }
                div { class: "dialog-actions",
                    button {
                        class: "btn btn-secondary",
                        r#type: "button",
                        onmounted: focus_on_mount,
                        onclick: move |_| on_cancel.call(()),
                        "{t.cancel}"
                    }
                    button {
                        class: "btn btn-danger-solid",
                        r#type: "button",
                        onclick: move |_| on_confirm.call(()),
                        "{confirm_label}"
                    }
                }
            }
        }
    }
}

/// What shows while the app is in the background: the logo on a plain
/// page, so the app switcher's picture shows nothing private.
#[component]
pub fn Cover() -> Element {
    let t = use_app().texts();
    rsx! {
        div { class: "screen screen-centered cover", id: "cover",
            main { class: "content content-centered",
                Brand { name: t.product }
            }
        }
    }
}

/// From day 80 (the snapshot's `login_ending`): when the login ends, and
/// Renew now — a full login for 90 new days, after a confirmation.
#[component]
pub fn RenewNote() -> Element {
    let app = use_app();
    let t = app.texts();
    let lang = app.lang();
    let busy = app.busy();
    let mut confirm = use_signal(|| false);
    let snapshot = app.snapshot.read();
    let (true, Some(account)) = (snapshot.login_ending, snapshot.account.as_ref()) else {
        return rsx! {};
    };
    let ends = Texts::fill(
        t.login_ends,
        crate::format::long_date(lang, account.login_expires_at),
    );
    rsx! {
        div { class: "banner banner-notice renew-note", role: "status",
            span { class: "banner-icon", aria_hidden: "true", "i" }
            div {
                p { "{ends}" }
                button {
                    class: "btn btn-text",
                    r#type: "button",
                    disabled: busy,
                    onclick: move |_| confirm.set(true),
                    "{t.renew_now}"
                }
            }
        }
        if confirm() {
            ConfirmDialog {
                title: t.renew_confirm_title.to_string(),
                body: t.renew_confirm_body.to_string(),
                confirm_label: t.renew_now.to_string(),
                on_confirm: move |_| {
                    confirm.set(false);
                    app.send(Intent::Renew);
                },
                on_cancel: move |_| confirm.set(false),
            }
        }
    }
}

/// The language switch of the intro's first step and Login: one pill per
/// language, its code shown and its own name said ("FI Suomi"); the
/// choice is kept in the preferences (`Intent::SetLanguage`).
#[component]
pub fn LanguageSwitch() -> Element {
    let app = use_app();
    let t = app.texts();
    let current = app.lang();
    let busy = app.busy();
    rsx! {
        div { class: "lang-switch", role: "group", aria_label: "{t.language}",
            for lang in Lang::ALL {
                button {
                    key: "{lang.code()}",
                    class: if lang == current { "lang lang-active" } else { "lang" },
                    r#type: "button",
                    lang: lang.code(),
                    aria_pressed: if lang == current { "true" } else { "false" },
                    disabled: busy,
                    onclick: move |_| {
                        if lang != current {
                            app.send(Intent::SetLanguage(lang));
                        }
                    },
                    "{lang.code().to_uppercase()}"
                    span { class: "sr-only", " {lang.native_name()}" }
                }
            }
        }
    }
}

/// The language choice in the company menu's settings: a radio button per
/// language, each named in itself.
#[component]
pub fn LanguageChoice() -> Element {
    let app = use_app();
    let t = app.texts();
    let current = app.lang();
    rsx! {
        fieldset { class: "choices", id: "language", disabled: app.busy(),
            legend { "{t.language}" }
            for lang in Lang::ALL {
                label { key: "{lang.code()}", class: "choice", lang: lang.code(),
                    input {
                        r#type: "radio",
                        name: "language",
                        value: lang.code(),
                        checked: lang == current,
                        onchange: move |_| app.send(Intent::SetLanguage(lang)),
                    }
                    span { "{lang.native_name()}" }
                }
            }
        }
    }
}
