//! Unlock: a stored login exists; the PIN opens the app. A revoked or
//! expired login comes back from the store as Login with a notice.

use dioxus::prelude::*;

use super::widgets::{
    error_text, focus_on_mount, use_reset_fields_on, Brand, ErrorBanner, SubmitButton,
};
use super::{form_text, use_app};
use crate::i18n::Texts;
use crate::session::{Intent, SessionError};

/// Empties the PIN field after a wrong PIN and puts the cursor back.
const RESET_JS: &str = r#"
const field = document.getElementById("unlock-pin");
if (field) { field.value = ""; field.focus(); }
return true;
"#;

#[component]
pub fn UnlockScreen() -> Element {
    let app = use_app();
    let t = app.texts();
    let busy = app.busy();
    let name = app.snapshot.read().user().map(|u| u.display_name.clone());
    let error = app.error();

    use_reset_fields_on(
        |e| {
            matches!(
                e,
                SessionError::PinIncorrect { .. } | SessionError::PinPolicy(_)
            )
        },
        RESET_JS,
    );

    let invalid = if error.is_some() { "true" } else { "false" };
    let message = error_text(t, error, t.missing_pin);

    let submit = move |evt: FormEvent| {
        evt.prevent_default();
        app.send(Intent::Unlock(form_text(&evt, "pin")));
    };

    rsx! {
        div { class: "screen screen-unlock",
            header { class: "topbar",
                Brand {}
            }
            main { class: "content",
                h1 {
                    match name.as_deref() {
                        Some(name) => Texts::fill(t.unlock_hello, name),
                        None => t.unlock_title.to_string(),
                    }
                }
                p { class: "lead", "{t.unlock_lead}" }
                form { class: "form", novalidate: true, onsubmit: submit,
                    fieldset { disabled: busy,
                        div { class: "field",
                            label { r#for: "unlock-pin", "{t.pin}" }
                            input {
                                id: "unlock-pin",
                                name: "pin",
                                class: "input-pin",
                                r#type: "password",
                                inputmode: "numeric",
                                autocomplete: "off",
                                autofocus: true,
                                onmounted: focus_on_mount,
                                aria_invalid: invalid,
                            }
                        }
                        ErrorBanner { message }
                        SubmitButton { label: t.unlock.to_string(), busy }
                    }
                }
            }
        }
    }
}
