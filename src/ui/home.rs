//! Home: the user's name and current company in the header (a button that
//! opens the company menu), and the company's purchase invoices — to
//! approve, to pay (pick them, then Pay), and paid — with Refresh.

use dioxus::prelude::*;
use heeros_api::{Invoice, InvoiceStatus};

use super::invoice::InvoiceRow;
use super::use_app;
use super::widgets::{IntentError, RenewNote, Spinner};
use crate::format;
use crate::i18n::Texts;
use crate::session::Intent;

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
    let company_name = snapshot
        .current_company()
        .map(|c| c.name.clone())
        .unwrap_or_else(|| t.no_company.to_string());
    let first_name = name.split_whitespace().next().unwrap_or("").to_string();
    let valid_until = snapshot
        .account
        .as_ref()
        .map(|a| a.login_expires_at)
        .map(|at| Texts::fill(t.login_valid_until, format::long_date(lang, at)));
    let of = |status: InvoiceStatus| -> Vec<Invoice> {
        snapshot
            .invoices
            .iter()
            .flatten()
            .filter(|i| i.status == status)
            .cloned()
            .collect()
    };
    let (to_approve, to_pay, paid) = (
        of(InvoiceStatus::AwaitingApproval),
        of(InvoiceStatus::Approved),
        of(InvoiceStatus::Paid),
    );
    let selected = snapshot.selected.clone();
    let selected_total: i64 = to_pay
        .iter()
        .filter(|i| selected.contains(&i.id))
        .map(|i| i.amount_cents)
        .sum();
    let today = snapshot.today;

    rsx! {
        div { class: "screen screen-home",
            header { class: "topbar topbar-home",
                button {
                    class: "account-button",
                    r#type: "button",
                    disabled: busy,
                    onclick: move |_| app.send(Intent::OpenCompanyMenu),
                    span { class: "avatar", aria_hidden: "true", "{initials(&name)}" }
                    span { class: "account-text",
                        span { class: "account-name", "{name}" }
                        span { class: "account-company", "{company_name}" }
                    }
                    // Said after the visible words, so the name starts with
                    // them (WCAG 2.5.3).
                    span { class: "sr-only", ". {t.open_company_menu}" }
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
                IntentError {
                    error: app.error(),
                    missing: String::new(),
                    on_retry: move |_| app.send(Intent::RefreshInvoices),
                }
                div { class: "list-head",
                    h2 { "{t.invoices_title}" }
                    button {
                        class: "btn btn-text",
                        id: "refresh-invoices",
                        r#type: "button",
                        disabled: busy,
                        onclick: move |_| app.send(Intent::RefreshInvoices),
                        "{t.refresh}"
                    }
                }
                if snapshot.invoices.is_none() {
                    div { class: "loading", role: "status",
                        if busy {
                            Spinner {}
                        }
                        span { "{t.invoices_loading}" }
                    }
                } else {
                    section { class: "invoice-section", aria_labelledby: "to-approve",
                        h3 { id: "to-approve", "{t.to_approve} ({to_approve.len()})" }
                        if to_approve.is_empty() {
                            p { class: "muted", "{t.nothing_to_approve}" }
                        }
                        ul { class: "invoice-list", role: "list",
                            for invoice in to_approve {
                                InvoiceRow { key: "{invoice.id}", invoice, today, picked: None }
                            }
                        }
                    }
                    section { class: "invoice-section", aria_labelledby: "to-pay",
                        h3 { id: "to-pay", "{t.to_pay} ({to_pay.len()})" }
                        if to_pay.is_empty() {
                            p { class: "muted", "{t.nothing_to_pay}" }
                        }
                        ul { class: "invoice-list", role: "list",
                            for invoice in to_pay {
                                InvoiceRow {
                                    key: "{invoice.id}",
                                    picked: Some(selected.contains(&invoice.id)),
                                    invoice,
                                    today,
                                }
                            }
                        }
                    }
                    if !paid.is_empty() {
                        section { class: "invoice-section", aria_labelledby: "paid",
                            h3 { id: "paid", "{t.paid_section} ({paid.len()})" }
                            ul { class: "invoice-list", role: "list",
                                for invoice in paid {
                                    InvoiceRow { key: "{invoice.id}", invoice, today, picked: None }
                                }
                            }
                        }
                    }
                }
                if let Some(valid_until) = valid_until {
                    p { class: "hint", "{valid_until}" }
                }
            }
            if !selected.is_empty() {
                footer { class: "actions pay-bar",
                    p { class: "pay-total",
                        {Texts::fill(t.selected_total, format::money(lang, selected_total, "EUR"))}
                    }
                    button {
                        class: "btn btn-primary",
                        id: "pay",
                        r#type: "button",
                        disabled: busy,
                        onclick: move |_| app.send(Intent::Pay),
                        {t.pay_count(selected.len())}
                    }
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
