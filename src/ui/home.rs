//! Home: the user's name and current company in the header (a button that
//! opens the company menu), a welcome and the company's details.

use dioxus::prelude::*;

use super::use_app;
use super::widgets::RenewNote;
use crate::i18n::Texts;
use crate::lang::Lang;
use crate::session::Intent;

/// A login expiry date in the UI language's usual format.
pub fn format_date(lang: Lang, at: chrono::DateTime<chrono::Utc>) -> String {
    match lang {
        Lang::En => at.format("%-d %B %Y").to_string(),
        Lang::Fi => at.format("%-d.%-m.%Y").to_string(),
    }
}

#[component]
pub fn HomeScreen() -> Element {
    let app = use_app();
    let t = app.texts();
    let lang = app.lang();
    let busy = app.busy();
    let snapshot = app.snapshot.read().clone();
    let name = snapshot
        .user()
        .map(|u| u.display_name.clone())
        .unwrap_or_default();
    let company = snapshot.current_company().cloned();
    let company_name = company
        .as_ref()
        .map(|c| c.name.clone())
        .unwrap_or_else(|| t.no_company.to_string());
    let first_name = name.split_whitespace().next().unwrap_or("").to_string();
    let valid_until = snapshot
        .account
        .as_ref()
        .map(|a| a.login_expires_at)
        .map(|at| Texts::fill(t.login_valid_until, format_date(lang, at)));

    rsx! {
        div { class: "screen screen-home",
            header { class: "topbar topbar-home",
                button {
                    class: "account-button",
                    r#type: "button",
                    disabled: busy,
                    aria_label: "{t.open_company_menu}: {name}, {company_name}",
                    aria_haspopup: "menu",
                    onclick: move |_| app.send(Intent::OpenCompanyMenu),
                    span { class: "avatar", aria_hidden: "true", "{initials(&name)}" }
                    span { class: "account-text",
                        span { class: "account-name", "{name}" }
                        span { class: "account-company", "{company_name}" }
                    }
                    span { class: "chevron", aria_hidden: "true", "›" }
                }
            }
            main { class: "content",
                h1 { {Texts::fill(t.welcome, &first_name)} }
                RenewNote {}
                if snapshot.failed_attempts_since_last_unlock > 0 {
                    div { class: "banner banner-error", role: "alert",
                        span { class: "banner-icon", aria_hidden: "true", "!" }
                        p { {t.failed_attempts(snapshot.failed_attempts_since_last_unlock)} }
                    }
                }
                if let Some(company) = company {
                    section { class: "card company-card",
                        h2 { "{t.company_details}" }
                        dl {
                            div { class: "row",
                                dt { "{t.company_name}" }
                                dd { "{company.name}" }
                            }
                            div { class: "row",
                                dt { "{t.business_id}" }
                                dd { "{company.business_id}" }
                            }
                        }
                    }
                }
                section { class: "card placeholder-card",
                    h2 { "{t.invoices_placeholder_title}" }
                    p { class: "muted", "{t.invoices_placeholder}" }
                }
                if let Some(valid_until) = valid_until {
                    p { class: "hint", "{valid_until}" }
                }
            }
        }
    }
}

/// "Maija Meikäläinen" -> "MM"; at most two letters.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}
