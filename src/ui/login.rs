//! Login: user name ("Name Surname") and password, the language switch,
//! and a notice saying why the user is here (expired, revoked, logged out).

use dioxus::prelude::*;

use super::widgets::{invalid_for, Brand, IntentError, LanguageSwitch, NoticeBanner, SubmitButton};
use super::{form_text, use_app};
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
                Brand { name: t.product }
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
                                // Named "Show password" / "Hide password"; the
                                // visible word starts the name (WCAG 2.5.3).
                                button {
                                    class: "btn btn-text input-button",
                                    id: "password-toggle",
                                    r#type: "button",
                                    aria_label: if show_password() { t.hide_password_name } else { t.show_password_name },
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
