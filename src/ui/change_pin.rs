//! Change PIN (from the company menu): the current PIN, then the new one
//! twice, on the PIN pad. A wrong current PIN counts like a wrong unlock;
//! any refusal starts over from the current PIN.

use dioxus::prelude::*;
use zeroize::Zeroizing;

use super::pin_pad::PinPad;
use super::use_app;
use super::widgets::{BackBar, IntentError, Spinner};
use crate::session::Intent;

/// The PINs typed so far (field state, wiped when dropped).
#[derive(Clone, PartialEq, Default)]
struct Typed {
    old: Option<Zeroizing<String>>,
    new: Option<Zeroizing<String>>,
}

#[component]
pub fn ChangePinScreen() -> Element {
    let app = use_app();
    let t = app.texts();
    let busy = app.busy();
    let error = app.error();
    let mut typed = use_signal(Typed::default);

    // Any refusal starts over from the current PIN.
    use_effect(move || {
        if app.snapshot.read().error.is_some() {
            typed.set(Typed::default());
        }
    });

    let step = {
        let typed = typed.read();
        (typed.old.is_some(), typed.new.is_some())
    };
    let (title, label, ok) = match step {
        (false, _) => (t.change_pin_title, t.change_pin_current, t.next),
        (true, false) => (t.change_pin_title, t.change_pin_new, t.next),
        (true, true) => (t.pin_again_title, t.pin_again, t.done),
    };

    rsx! {
        div { class: "screen screen-pin",
            BackBar { label: t.cancel, back: Intent::Back }
            main { class: "content",
                h1 { "{title}" }
                p { id: "pin-rules", class: "hint", "{t.pin_rules}" }
                if step == (false, false) {
                    IntentError { error: error.clone(), missing: t.missing_pin }
                }
                if busy {
                    div { class: "loading", role: "status",
                        Spinner {}
                        span { "{t.busy}" }
                    }
                }
                match step {
                    (false, _) => rsx! {
                        PinPad {
                            label: label.to_string(),
                            submit_label: ok.to_string(),
                            invalid: error.as_ref().is_some_and(|e| e.is_about_the_input()),
                            on_submit: move |old| typed.write().old = Some(old),
                        }
                    },
                    (true, false) => rsx! {
                        PinPad {
                            label: label.to_string(),
                            submit_label: ok.to_string(),
                            on_submit: move |new| typed.write().new = Some(new),
                        }
                    },
                    (true, true) => rsx! {
                        PinPad {
                            label: label.to_string(),
                            submit_label: ok.to_string(),
                            on_submit: move |repeat| {
                                let Typed { old, new } = typed.take();
                                if let (Some(old), Some(new)) = (old, new) {
                                    app.send(Intent::ChangePin { old, new, repeat });
                                }
                            },
                        }
                    },
                }
            }
        }
    }
}
