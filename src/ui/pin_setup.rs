//! PIN setup: type the PIN, type it again, Done.

use dioxus::prelude::*;

use super::widgets::{
    error_text, focus_on_mount, use_reset_fields_on, BackToLoginBar, ErrorBanner, SubmitButton,
};
use super::{form_text, use_app};
use crate::session::{Intent, SessionError};

/// Empties both PIN fields and puts the cursor in the first one.
const RESET_JS: &str = r#"
const form = document.getElementById("pin-form");
if (form) { form.reset(); }
const first = document.getElementById("pin");
if (first) { first.focus(); }
return true;
"#;

#[component]
pub fn PinSetupScreen() -> Element {
    let app = use_app();
    let t = app.texts();
    let busy = app.busy();
    let error = app.error();

    // After a refused PIN, start over with empty fields.
    use_reset_fields_on(
        |e| matches!(e, SessionError::PinMismatch | SessionError::PinPolicy(_)),
        RESET_JS,
    );

    let invalid = if error.is_some() { "true" } else { "false" };
    let message = error_text(t, error, t.missing_pin);

    let submit = move |evt: FormEvent| {
        evt.prevent_default();
        app.send(Intent::SetPin {
            pin: form_text(&evt, "pin"),
            repeat: form_text(&evt, "pin_repeat"),
        });
    };

    rsx! {
        div { class: "screen screen-pin",
            BackToLoginBar { busy }
            main { class: "content",
                h1 { "{t.pin_setup_title}" }
                p { class: "lead", "{t.pin_setup_lead}" }
                form {
                    id: "pin-form",
                    class: "form",
                    novalidate: true,
                    onsubmit: submit,
                    fieldset { disabled: busy,
                        div { class: "field",
                            label { r#for: "pin", "{t.pin_first}" }
                            input {
                                id: "pin",
                                name: "pin",
                                autofocus: true,
                                onmounted: focus_on_mount,
                                class: "input-pin",
                                r#type: "password",
                                inputmode: "numeric",
                                autocomplete: "off",
                                aria_describedby: "pin-rules",
                                aria_invalid: invalid,
                            }
                            p { id: "pin-rules", class: "hint", "{t.pin_rules}" }
                        }
                        div { class: "field",
                            label { r#for: "pin_repeat", "{t.pin_again}" }
                            input {
                                id: "pin_repeat",
                                name: "pin_repeat",
                                class: "input-pin",
                                r#type: "password",
                                inputmode: "numeric",
                                autocomplete: "off",
                                aria_invalid: invalid,
                            }
                        }
                        ErrorBanner { message }
                        SubmitButton { label: t.done.to_string(), busy }
                    }
                }
            }
        }
    }
}
