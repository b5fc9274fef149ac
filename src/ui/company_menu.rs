//! Company menu: every company, the current one marked; tap selects
//! (confirmed by the server). "Go back" top left; the settings (change
//! PIN, my devices, the language, the lock delay);
//! Lock, and "Log out" at the bottom, which first says what it clears.

use dioxus::prelude::*;

use super::use_app;
use super::widgets::{BackBar, ConfirmDialog, IntentError, LanguageChoice, NoticeBanner, Spinner};
use crate::session::{Intent, LockDelay};

#[component]
pub fn CompanyMenuScreen() -> Element {
    let app = use_app();
    let t = app.texts();
    let busy = app.busy();
    let snapshot = app.snapshot.read().clone();
    let current_id = snapshot.current_company().map(|c| c.id);
    let companies = snapshot
        .account
        .as_ref()
        .map(|a| a.companies.clone())
        .unwrap_or_default();
    let mut pending = use_signal(|| None::<i64>);
    let mut logging_out = use_signal(|| false);
    let mut confirm_logout = use_signal(|| false);

    rsx! {
        div { class: "screen screen-menu",
            BackBar { label: t.go_back, back: Intent::GoBack, title: t.company_menu_title.to_string() }
            main { class: "content",
                if let Some(user) = snapshot.user() {
                    p { class: "menu-user", "{user.display_name}" }
                }
                h2 { class: "section-title", "{t.choose_company}" }
                ul { class: "company-list", role: "list",
                    for company in companies {
                        li { key: "{company.id}",
                            {
                                let current = Some(company.id) == current_id;
                                let id = company.id;
                                rsx! {
                                    button {
                                        class: if current { "company company-current" } else { "company" },
                                        r#type: "button",
                                        disabled: busy,
                                        aria_current: if current { "true" } else { "false" },
                                        onclick: move |_| {
                                            if current {
                                                return;
                                            }
                                            pending.set(Some(id));
                                            app.send(Intent::SwitchCompany(id));
                                        },
                                        span { class: "company-text",
                                            span { class: "company-name", "{company.name}" }
                                            span { class: "company-id", "{company.business_id}" }
                                        }
                                        if busy && pending() == Some(id) {
                                            Spinner {}
                                        } else if current {
                                            span { class: "badge", "{t.current}" }
                                            span { class: "check", aria_hidden: "true", "✓" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                IntentError {
                    error: app.error(),
                    missing: String::new(),
                    on_retry: move |_| {
                        if let Some(id) = pending() {
                            app.send(Intent::SwitchCompany(id));
                        }
                    },
                }
                h2 { class: "section-title", "{t.settings}" }
                if snapshot.pin_changed {
                    NoticeBanner { message: t.pin_changed }
                }
                button {
                    class: "btn btn-secondary settings-button",
                    r#type: "button",
                    disabled: busy,
                    onclick: move |_| app.send(Intent::OpenChangePin),
                    "{t.change_pin}"
                }
                button {
                    class: "btn btn-secondary settings-button",
                    r#type: "button",
                    disabled: busy,
                    onclick: move |_| app.send(Intent::OpenDevices),
                    "{t.my_devices}"
                }
                LanguageChoice {}
                // Radio buttons, not a <select>: a select's popup is a window
                // of its own on the desktop, and would count as leaving the app.
                fieldset { class: "choices", id: "lock-delay", disabled: busy,
                    legend { "{t.lock_after}" }
                    for delay in LockDelay::ALL {
                        label { key: "{lock_delay_id(delay)}", class: "choice",
                            input {
                                r#type: "radio",
                                name: "lock-delay",
                                value: lock_delay_id(delay),
                                checked: delay == snapshot.lock_delay,
                                onchange: move |_| app.send(Intent::SetLockDelay(delay)),
                            }
                            span { "{t.lock_delay(delay)}" }
                        }
                    }
                }
            }
            footer { class: "actions actions-stack",
                button {
                    class: "btn btn-secondary",
                    r#type: "button",
                    disabled: busy,
                    onclick: move |_| app.send(Intent::Lock),
                    "{t.lock}"
                }
                button {
                    class: "btn btn-danger",
                    r#type: "button",
                    disabled: busy,
                    aria_busy: if logging_out() && busy { "true" } else { "false" },
                    onclick: move |_| confirm_logout.set(true),
                    if logging_out() && busy {
                        Spinner {}
                        span { "{t.logging_out}" }
                    } else {
                        span { "{t.log_out}" }
                    }
                }
            }
            if confirm_logout() {
                ConfirmDialog {
                    title: t.log_out_confirm_title.to_string(),
                    body: t.log_out_confirm_body.to_string(),
                    confirm_label: t.log_out.to_string(),
                    on_confirm: move |_| {
                        confirm_logout.set(false);
                        logging_out.set(true);
                        app.send(Intent::Logout);
                    },
                    on_cancel: move |_| confirm_logout.set(false),
                }
            }
        }
    }
}

/// The form value of a lock delay choice.
fn lock_delay_id(delay: LockDelay) -> &'static str {
    match delay {
        LockDelay::AtOnce => "0",
        LockDelay::OneMinute => "60",
        LockDelay::FiveMinutes => "300",
        LockDelay::FifteenMinutes => "900",
    }
}
