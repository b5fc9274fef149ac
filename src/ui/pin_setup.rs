//! PIN setup: type the PIN on the pad, type it again, Done. A refused PIN
//! (too simple, or the two differ) starts over from the first.

use dioxus::prelude::*;
use zeroize::Zeroizing;

use super::pin_pad::PinPad;
use super::use_app;
use super::widgets::{BackBar, IntentError};
use crate::session::{Intent, SessionError};

#[component]
pub fn PinSetupScreen() -> Element {
    let app = use_app();
    let t = app.texts();
    let error = app.error();
    // Field state: the first PIN while the second is typed.
    let mut first = use_signal(|| None::<Zeroizing<String>>);

    // A refused PIN starts over from the first one.
    use_effect(move || {
        if matches!(
            app.snapshot.read().error,
            Some(SessionError::PinMismatch | SessionError::PinPolicy(_))
        ) {
            first.set(None);
        }
    });

    let invalid = matches!(
        error,
        Some(SessionError::PinMismatch | SessionError::PinPolicy(_))
    );
    let again = first.read().is_some();

    rsx! {
        div { class: "screen screen-pin",
            BackBar { label: t.back_to_login, back: Intent::BackToLogin }
            main { class: "content",
                h1 { if again { "{t.pin_again_title}" } else { "{t.pin_setup_title}" } }
                p { class: "lead", "{t.pin_setup_lead}" }
                p { id: "pin-rules", class: "hint", "{t.pin_rules}" }
                if !again {
                    IntentError { error, missing: t.missing_pin }
                }
                if again {
                    PinPad {
                        label: t.pin_again.to_string(),
                        submit_label: t.done.to_string(),
                        on_submit: move |repeat| {
                            if let Some(pin) = first.take() {
                                app.send(Intent::SetPin { pin, repeat });
                            }
                        },
                    }
                } else {
                    PinPad {
                        label: t.pin_first.to_string(),
                        submit_label: t.next.to_string(),
                        invalid,
                        on_submit: move |pin| first.set(Some(pin)),
                    }
                }
            }
        }
    }
}
