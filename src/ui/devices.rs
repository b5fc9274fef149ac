//! My devices (from the company menu): the phones where the user is logged
//! in, this one marked; Log out ends another one's session; Log out from
//! all devices ends every session, this one too, after a confirmation.

use dioxus::prelude::*;

use super::use_app;
use super::widgets::{BackBar, ConfirmDialog, IntentError};
use crate::i18n::Texts;
use crate::session::Intent;

#[component]
pub fn DevicesScreen() -> Element {
    let app = use_app();
    let t = app.texts();
    let lang = app.lang();
    let busy = app.busy();
    let devices = app.snapshot.read().devices.clone();
    let mut confirm_all = use_signal(|| false);

    rsx! {
        div { class: "screen screen-menu",
            BackBar { label: t.go_back, back: Intent::GoBack, title: t.my_devices.to_string() }
            main { class: "content",
                p { class: "lead", "{t.devices_lead}" }
                IntentError {
                    error: app.error(),
                    missing: String::new(),
                    on_retry: move |_| app.send(Intent::OpenDevices),
                }
                ul { class: "device-list", role: "list",
                    for device in devices {
                        li { key: "{device.id}", class: "device",
                            div { class: "device-text",
                                span { class: "device-name", "{device.device_name}" }
                                span { class: "device-meta",
                                    "{device.platform} · "
                                    {Texts::fill(t.last_used, crate::format::long_date(lang, device.last_used_at))}
                                }
                            }
                            if device.current {
                                span { class: "badge", "{t.this_device}" }
                            } else {
                                button {
                                    class: "btn btn-text device-revoke",
                                    r#type: "button",
                                    disabled: busy,
                                    aria_label: "{t.log_out_device}: {device.device_name}",
                                    onclick: move |_| app.send(Intent::RevokeDevice(device.id.clone())),
                                    "{t.log_out_device}"
                                }
                            }
                        }
                    }
                }
            }
            footer { class: "actions",
                button {
                    class: "btn btn-danger",
                    r#type: "button",
                    disabled: busy,
                    onclick: move |_| confirm_all.set(true),
                    "{t.log_out_all}"
                }
            }
            if confirm_all() {
                ConfirmDialog {
                    title: t.log_out_all_confirm_title.to_string(),
                    body: t.log_out_all_confirm_body.to_string(),
                    confirm_label: t.log_out_all.to_string(),
                    on_confirm: move |_| {
                        confirm_all.set(false);
                        app.send(Intent::LogoutAll);
                    },
                    on_cancel: move |_| confirm_all.set(false),
                }
            }
        }
    }
}
