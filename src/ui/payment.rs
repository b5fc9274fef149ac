//! Paying: the confirmation screen shows exactly what the PIN signs (the
//! paying company, each payee with IBAN, reference, due date and amount,
//! the total, until when it can be confirmed) above the PIN pad; then the
//! result. The signed lines are built from this same order
//! (docs/design.md, Security model, "Payments").

use dioxus::prelude::*;

use super::pin_pad::PinPad;
use super::use_app;
use super::widgets::{BackBar, ErrorBanner, FaultBanner};
use crate::format;
use crate::i18n::Texts;
use crate::session::{Intent, SessionError};

#[component]
pub fn PayConfirmScreen() -> Element {
    let app = use_app();
    let t = app.texts();
    let lang = app.lang();
    let snapshot = app.snapshot.read().clone();
    let Some(order) = snapshot.order else {
        return rsx! {};
    };
    let error = snapshot.error;
    let invalid = matches!(
        error,
        Some(SessionError::PinIncorrect { .. } | SessionError::PinPolicy(_))
    );
    let expires = order
        .expires_at
        .with_timezone(&chrono::Local)
        .format("%H:%M")
        .to_string();

    rsx! {
        div { class: "screen screen-pay",
            BackBar { label: t.cancel, back: Intent::GoBack, title: t.confirm_title.to_string() }
            main { class: "content",
                p { class: "lead", "{t.confirm_lead}" }
                section { class: "card order", aria_label: "{t.confirm_title}",
                    dl {
                        div { class: "row",
                            dt { "{t.pay_from}" }
                            dd { "{order.company.name} ({order.company.business_id})" }
                        }
                    }
                    ol { class: "order-items",
                        for item in order.items.iter() {
                            li { key: "{item.invoice_id}", class: "order-item",
                                div { class: "order-item-head",
                                    span { class: "invoice-supplier", "{item.supplier}" }
                                    span { class: "invoice-amount",
                                        {format::money(lang, item.amount_cents, &order.currency)}
                                    }
                                }
                                div { class: "order-item-meta mono", {format::iban(&item.iban)} }
                                div { class: "order-item-meta",
                                    "{t.reference} "
                                    span { class: "mono", "{item.reference}" }
                                    " · "
                                    {Texts::fill(t.due_on, format::date(lang, item.due_date))}
                                }
                            }
                        }
                    }
                    div { class: "order-total",
                        span { "{t.total}" }
                        span { id: "order-total", {format::money(lang, order.total_cents, &order.currency)} }
                    }
                    p { class: "hint", {Texts::fill(t.order_expires, expires)} }
                }
                match error {
                    Some(SessionError::MissingInput) => rsx! { ErrorBanner { message: t.missing_pin } },
                    Some(e) if e.is_about_the_input() => rsx! { ErrorBanner { message: t.error(&e) } },
                    Some(e) => rsx! { FaultBanner { message: t.error(&e), can_retry: false } },
                    None => rsx! {},
                }
                PinPad {
                    label: t.confirm_with_pin.to_string(),
                    submit_label: t.confirm.to_string(),
                    invalid,
                    on_submit: move |pin| app.send(Intent::ConfirmPayment(pin)),
                }
            }
        }
    }
}

#[component]
pub fn PaidScreen() -> Element {
    let app = use_app();
    let t = app.texts();
    let lang = app.lang();
    let busy = app.busy();
    let Some(receipt) = app.snapshot.read().receipt.clone() else {
        return rsx! {};
    };
    let total: i64 = receipt.invoices.iter().map(|i| i.amount_cents).sum();
    rsx! {
        div { class: "screen screen-paid",
            main { class: "content content-centered",
                div { class: "paid-mark", aria_hidden: "true", "✓" }
                h1 { "{t.paid_title}" }
                p { class: "lead", role: "status", {t.paid_count(receipt.invoices.len())} }
                section { class: "card",
                    dl {
                        for invoice in receipt.invoices.iter() {
                            div { key: "{invoice.id}", class: "row",
                                dt { "{invoice.supplier}" }
                                dd { {format::money(lang, invoice.amount_cents, &invoice.currency)} }
                            }
                        }
                        div { class: "row",
                            dt { "{t.total}" }
                            dd { {format::money(lang, total, "EUR")} }
                        }
                    }
                }
            }
            footer { class: "actions",
                button {
                    class: "btn btn-primary",
                    id: "back-to-invoices",
                    r#type: "button",
                    disabled: busy,
                    onclick: move |_| app.send(Intent::GoBack),
                    "{t.back_to_invoices}"
                }
            }
        }
    }
}
