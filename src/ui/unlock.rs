//! Unlock: a stored login exists; the PIN pad opens the app. A revoked or
//! expired login comes back from the store as Login with a notice.
//! Forgot PIN? logs out (after a confirmation); from day 80 the screen says
//! when the login ends and offers Renew now.

use dioxus::prelude::*;

use super::pin_pad::PinPad;
use super::use_app;
use super::widgets::{Brand, ConfirmDialog, ErrorBanner, FaultBanner, RenewNote};
use crate::i18n::Texts;
use crate::session::{Intent, SessionError};

#[component]
pub fn UnlockScreen() -> Element {
    let app = use_app();
    let t = app.texts();
    let busy = app.busy();
    let name = app.snapshot.read().user().map(|u| u.display_name.clone());
    let error = app.error();
    let mut confirm_forgot = use_signal(|| false);

    let invalid = matches!(
        error,
        Some(SessionError::PinIncorrect { .. } | SessionError::PinPolicy(_))
    );

    rsx! {
        div { class: "screen screen-unlock",
            header { class: "topbar",
                Brand { name: t.product }
            }
            main { class: "content",
                h1 {
                    match name.as_deref() {
                        Some(name) => Texts::fill(t.unlock_hello, name),
                        None => t.unlock_title.to_string(),
                    }
                }
                p { class: "lead", "{t.unlock_lead}" }
                RenewNote {}
                match error {
                    // The PIN is checked by the server: say that a connection
                    // is needed; the PIN is typed again to try again.
                    Some(SessionError::Offline) => rsx! {
                        FaultBanner { message: t.unlock_offline, can_retry: false }
                    },
                    Some(SessionError::MissingInput) => rsx! { ErrorBanner { message: t.missing_pin } },
                    Some(e) if e.is_about_the_input() => rsx! { ErrorBanner { message: t.error(&e) } },
                    Some(e) => rsx! { FaultBanner { message: t.error(&e), can_retry: false } },
                    None => rsx! {},
                }
                PinPad {
                    label: t.pin.to_string(),
                    submit_label: t.unlock.to_string(),
                    invalid,
                    on_submit: move |pin| app.send(Intent::Unlock(pin)),
                }
                button {
                    class: "btn btn-text forgot-pin",
                    r#type: "button",
                    disabled: busy,
                    onclick: move |_| confirm_forgot.set(true),
                    "{t.forgot_pin}"
                }
            }
            if confirm_forgot() {
                ConfirmDialog {
                    title: t.forgot_confirm_title.to_string(),
                    body: t.forgot_confirm_body.to_string(),
                    confirm_label: t.log_out.to_string(),
                    on_confirm: move |_| {
                        confirm_forgot.set(false);
                        app.send(Intent::Logout);
                    },
                    on_cancel: move |_| {
                        confirm_forgot.set(false);
                        // Back to typing the PIN.
                        spawn(async {
                            let _ = document::eval("document.getElementById('pin-pad')?.focus()").await;
                        });
                    },
                }
            }
        }
    }
}
