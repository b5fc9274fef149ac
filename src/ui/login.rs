//! Login: user name ("Name Surname") and password, language switch, and a
//! notice saying why the user is here (expired, revoked, logged out).

use dioxus::prelude::*;

use super::widgets::{invalid_for, Brand, IntentError, NoticeBanner, SubmitButton};
use super::{form_text, use_app};
use crate::lang::Lang;
use crate::session::Intent;

#[component]
pub fn LoginScreen() -> Element {
    let app = use_app();
    let t = app.texts();
    let busy = app.busy();
    let notice = app.snapshot.read().notice;
    let error = app.error();
    let invalid = invalid_for(&error);
    let mut show_password = use_signal(|| false);

    let submit = move |evt: FormEvent| {
        evt.prevent_default();
        app.send(Intent::SubmitLogin {
            username: form_text(&evt, "username").to_string(),
            password: form_text(&evt, "password"),
        });
    };

    rsx! {
        div { class: "screen screen-login",
            header { class: "topbar",
                Brand {}
                LanguageSwitch {}
            }
            main { class: "content",
                h1 { "{t.login_title}" }
                p { class: "lead", "{t.login_lead}" }
                if let Some(n) = notice {
                    NoticeBanner { message: t.notice(n).to_string() }
                }
                form { class: "form", novalidate: true, onsubmit: submit,
                    fieldset { disabled: busy,
                        div { class: "field",
                            label { r#for: "username", "{t.username}" }
                            input {
                                id: "username",
                                name: "username",
                                r#type: "text",
                                autocomplete: "username",
                                autocapitalize: "words",
                                spellcheck: "false",
                                placeholder: "{t.username_hint}",
                                aria_describedby: "username-hint",
                                aria_invalid: invalid,
                            }
                            p { id: "username-hint", class: "hint", "{t.username_format}" }
                        }
                        div { class: "field",
                            label { r#for: "password", "{t.password}" }
                            div { class: "input-with-button",
                                input {
                                    id: "password",
                                    name: "password",
                                    r#type: if show_password() { "text" } else { "password" },
                                    autocomplete: "current-password",
                                    autocapitalize: "none",
                                    spellcheck: "false",
                                    aria_invalid: invalid,
                                }
                                button {
                                    class: "btn btn-text input-button",
                                    r#type: "button",
                                    aria_pressed: if show_password() { "true" } else { "false" },
                                    aria_controls: "password",
                                    onclick: move |_| show_password.toggle(),
                                    if show_password() {
                                        "{t.hide_password}"
                                    } else {
                                        "{t.show_password}"
                                    }
                                }
                            }
                        }
                        IntentError { error, missing: t.missing_login }
                        SubmitButton { label: t.log_in.to_string(), busy }
                    }
                }
            }
        }
    }
}

/// EN / FI switch; the choice is kept in the store's preferences.
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
                }
            }
        }
    }
}
