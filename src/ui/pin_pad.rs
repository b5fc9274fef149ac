//! The PIN pad (docs/design.md, Journey): a dot row and an on-screen keypad
//! — digits 0–9, erase, OK — with keys of at least 64 px. A hardware
//! keyboard types into it too (digits, Backspace, Enter), every key event
//! handled in order, so nothing is dropped at full typing speed.
//!
//! The digits are field state of the pad, in a string wiped when dropped;
//! OK hands them to `on_submit` and empties the pad.

use dioxus::prelude::*;
use zeroize::Zeroizing;

use super::use_app;
use super::widgets::Spinner;
use crate::i18n::Texts;
use crate::session::pin::PIN_MAX_LEN;

/// Dots shown before any digit is typed (the shortest PIN).
const MIN_DOTS: usize = 4;

#[component]
pub fn PinPad(
    /// What is being asked ("PIN code", "PIN code again").
    label: String,
    /// The OK key's word ("Open", "Next", "Done").
    submit_label: String,
    /// The last PIN was refused: the dots say so.
    #[props(default)]
    invalid: bool,
    on_submit: EventHandler<Zeroizing<String>>,
) -> Element {
    let app = use_app();
    let t = app.texts();
    let busy = app.busy();
    let mut digits = use_signal(|| Zeroizing::new(String::new()));

    let mut push = move |digit: char| {
        if digits.peek().len() < PIN_MAX_LEN {
            digits.write().push(digit);
        }
    };
    let mut erase = move || {
        digits.write().pop();
    };
    let mut submit = move || {
        if !app.snapshot.peek().busy {
            let typed = std::mem::replace(&mut *digits.write(), Zeroizing::new(String::new()));
            on_submit.call(typed);
        }
    };

    let typed = digits.read().len();
    let dots = typed.max(MIN_DOTS);
    let typed_label = Texts::fill(t.pin_digits_typed, typed);

    rsx! {
        div {
            class: if invalid { "pin-pad pin-pad-invalid" } else { "pin-pad" },
            id: "pin-pad",
            role: "group",
            aria_label: "{label}",
            tabindex: "0",
            // Focus without scrolling: on the payment confirmation the order
            // above the pad stays in view.
            onmounted: move |_| async move {
                let _ = document::eval(
                    "document.getElementById('pin-pad')?.focus({preventScroll: true})",
                )
                .await;
            },
            "data-autofocus": "true",
            onkeydown: move |evt: KeyboardEvent| {
                match evt.key() {
                    Key::Character(c) if c.len() == 1 && c.chars().all(|c| c.is_ascii_digit()) => {
                        evt.prevent_default();
                        if let Some(digit) = c.chars().next() {
                            push(digit);
                        }
                    }
                    Key::Backspace => {
                        evt.prevent_default();
                        erase();
                    }
                    Key::Enter => {
                        evt.prevent_default();
                        submit();
                    }
                    _ => {}
                }
            },
            p { class: "pin-pad-label", "{label}" }
            div {
                class: "pin-dots",
                role: "status",
                aria_live: "polite",
                aria_label: "{typed_label}",
                for i in 0..dots {
                    span {
                        key: "{i}",
                        class: if i < typed { "pin-dot pin-dot-filled" } else { "pin-dot" },
                    }
                }
            }
            div { class: "pin-keys",
                for digit in ['1', '2', '3', '4', '5', '6', '7', '8', '9'] {
                    button {
                        key: "{digit}",
                        class: "pin-key",
                        "data-digit": "{digit}",
                        r#type: "button",
                        disabled: busy,
                        onclick: move |_| push(digit),
                        "{digit}"
                    }
                }
                button {
                    class: "pin-key pin-key-erase",
                    r#type: "button",
                    disabled: busy || typed == 0,
                    aria_label: "{t.erase}",
                    onclick: move |_| erase(),
                    span { aria_hidden: "true", "⌫" }
                }
                button {
                    class: "pin-key",
                    "data-digit": "0",
                    r#type: "button",
                    disabled: busy,
                    onclick: move |_| push('0'),
                    "0"
                }
                button {
                    class: "pin-key pin-key-ok",
                    r#type: "button",
                    disabled: busy,
                    aria_busy: if busy { "true" } else { "false" },
                    onclick: move |_| submit(),
                    if busy {
                        Spinner {}
                    }
                    span { "{submit_label}" }
                }
            }
        }
    }
}
