//! Company menu: every company, the current one marked; tap selects
//! (confirmed by the server). "Go back" top left, "Log out" at the bottom.

use dioxus::prelude::*;

use super::use_app;
use super::widgets::{ErrorBanner, Spinner};
use crate::session::SessionError;

#[component]
pub fn CompanyMenuScreen(
    /// An error to show from the start (previews and tests).
    #[props(default)]
    error: Option<SessionError>,
) -> Element {
    let app = use_app();
    let t = app.texts();
    let lang = app.lang();
    let busy = (app.busy)();
    let snapshot = app.snapshot.read().clone();
    let error = use_signal(move || error);
    let mut pending = use_signal(|| None::<i64>);
    let mut logging_out = use_signal(|| false);

    let go_back = {
        let app = app.clone();
        move |_| app.show(app.store.go_back())
    };
    let log_out = {
        let app = app.clone();
        move |_| {
            logging_out.set(true);
            app.run_infallible(|store| async move { store.logout(chrono::Utc::now()).await });
        }
    };

    rsx! {
        div { class: "screen screen-menu",
            header { class: "topbar",
                button {
                    class: "btn btn-text topbar-start",
                    r#type: "button",
                    disabled: busy,
                    onclick: go_back,
                    span { aria_hidden: "true", "‹ " }
                    "{t.go_back}"
                }
                h1 { class: "topbar-title", "{t.company_menu_title}" }
                span { class: "topbar-spacer" }
            }
            main { class: "content",
                if let Some(user) = snapshot.user.as_ref() {
                    p { class: "menu-user", "{user.display_name}" }
                }
                h2 { class: "section-title", "{t.choose_company}" }
                ul { class: "company-list", role: "list",
                    for company in snapshot.companies.iter().cloned() {
                        li { key: "{company.id}",
                            {
                                let current = Some(company.id) == snapshot.current_company_id;
                                let id = company.id;
                                let app = app.clone();
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
                                            app.run(error, move |store| async move {
                                                store.switch_company(id, chrono::Utc::now()).await
                                            });
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
                ErrorBanner { message: error().map(|e| lang.texts().error(&e)) }
            }
            footer { class: "actions",
                button {
                    class: "btn btn-danger",
                    r#type: "button",
                    disabled: busy,
                    aria_busy: if logging_out() && busy { "true" } else { "false" },
                    onclick: log_out,
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
