//! Unlock: a stored login exists; the PIN opens the app. A revoked or
//! expired login comes back from the store as Login with a notice.

use dioxus::prelude::*;

use super::widgets::{
    error_text, focus_on_mount, use_reset_fields_on, Brand, ErrorBanner, SubmitButton,
};
use super::{form_text, use_app};
use crate::i18n::Texts;
use crate::session::SessionError;

/// Empties the PIN field after a wrong PIN and puts the cursor back.
const RESET_JS: &str = r#"
const field = document.getElementById("unlock-pin");
if (field) { field.value = ""; field.focus(); }
return true;
"#;

#[component]
pub fn UnlockScreen(
    /// An error to show from the start (previews and tests).
    #[props(default)]
    error: Option<SessionError>,
) -> Element {
    let app = use_app();
    let t = app.texts();
    let busy = (app.busy)();
    let name = app
        .snapshot
        .read()
        .user
        .as_ref()
        .map(|u| u.display_name.clone());
    let error = use_signal(move || error);

    use_reset_fields_on(
        error,
        |e| {
            matches!(
                e,
                SessionError::PinIncorrect { .. } | SessionError::PinPolicy(_)
            )
        },
        RESET_JS,
    );

    let message = error_text(t, error(), t.missing_pin);

    let submit = {
        let app = app.clone();
        move |evt: FormEvent| {
            evt.prevent_default();
            let pin = form_text(&evt, "pin");
            if pin.is_empty() {
                let mut error = error;
                error.set(Some(SessionError::MissingInput));
                return;
            }
            app.run(error, move |store| async move {
                store.unlock(&pin, chrono::Utc::now()).await
            });
        }
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
                                aria_invalid: if error().is_some() { "true" } else { "false" },
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
