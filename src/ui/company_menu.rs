//! Company menu: every company, the current one marked; tap selects
//! (confirmed by the server). "Go back" top left, "Log out" at the bottom.

use dioxus::prelude::*;

use super::use_app;
use super::widgets::{ErrorBanner, Spinner};
use crate::session::Intent;

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

    rsx! {
        div { class: "screen screen-menu",
            header { class: "topbar",
                button {
                    class: "btn btn-text topbar-start",
                    r#type: "button",
                    disabled: busy,
                    onclick: move |_| app.send(Intent::GoBack),
                    span { aria_hidden: "true", "‹ " }
                    "{t.go_back}"
                }
                h1 { class: "topbar-title", "{t.company_menu_title}" }
                span { class: "topbar-spacer" }
            }
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
                ErrorBanner { message: app.error().map(|e| t.error(&e)) }
            }
            footer { class: "actions",
                button {
                    class: "btn btn-danger",
                    r#type: "button",
                    disabled: busy,
                    aria_busy: if logging_out() && busy { "true" } else { "false" },
                    onclick: move |_| {
                        logging_out.set(true);
                        app.send(Intent::Logout);
                    },
                    if logging_out() && busy {
                        Spinner {}
                        span { "{t.logging_out}" }
                    } else {
                        span { "{t.log_out}" }
                    }
                }
            }
        }
    }
}
