//! One invoice: a row of the list on Home, and the invoice's own screen —
//! number, IBAN grouped by four, reference, due date, amount, status — with
//! Approve, and Reject (with a reason, after a confirmation).

use chrono::NaiveDate;
use dioxus::prelude::*;
use heeros_api::{Invoice, InvoiceStatus, MAX_REJECT_REASON_CHARS};

use super::use_app;
use super::widgets::{focus_on_mount, BackBar, IntentError};
use crate::format;
use crate::i18n::Texts;
use crate::session::Intent;

/// Unpaid and past its due date.
pub fn is_overdue(invoice: &Invoice, today: NaiveDate) -> bool {
    matches!(
        invoice.status,
        InvoiceStatus::AwaitingApproval | InvoiceStatus::Approved
    ) && invoice.due_date < today
}

/// A row of the invoice list: supplier, amount, due date (overdue marked);
/// a tap opens the invoice. `picked` (approved invoices): a check box that
/// picks it for payment.
#[component]
pub fn InvoiceRow(invoice: Invoice, today: NaiveDate, picked: Option<bool>) -> Element {
    let app = use_app();
    let t = app.texts();
    let lang = app.lang();
    let busy = app.busy();
    let id = invoice.id;
    let overdue = is_overdue(&invoice, today);
    let due = Texts::fill(t.due_on, format::date(lang, invoice.due_date));
    let amount = format::money(lang, invoice.amount_cents, &invoice.currency);
    rsx! {
        li { class: if overdue { "invoice invoice-overdue" } else { "invoice" },
            if let Some(picked) = picked {
                input {
                    class: "invoice-pick",
                    id: "pick-{id}",
                    r#type: "checkbox",
                    checked: picked,
                    disabled: busy,
                    aria_label: Texts::fill(t.pick_for_payment, &invoice.supplier),
                    onchange: move |_| app.send(Intent::ToggleInvoice(id)),
                }
            }
            button {
                class: "invoice-open",
                id: "invoice-{id}",
                r#type: "button",
                disabled: busy,
                onclick: move |_| app.send(Intent::OpenInvoice(id)),
                span { class: "invoice-text",
                    span { class: "invoice-supplier", "{invoice.supplier}" }
                    span { class: "invoice-due",
                        "{due}"
                        if overdue {
                            span { class: "badge badge-danger", " · {t.overdue}" }
                        }
                    }
                }
                span { class: "invoice-amount", "{amount}" }
            }
        }
    }
}

#[component]
pub fn InvoiceScreen() -> Element {
    let app = use_app();
    let t = app.texts();
    let lang = app.lang();
    let busy = app.busy();
    let snapshot = app.snapshot.read().clone();
    let mut rejecting = use_signal(|| false);
    let Some(invoice) = snapshot.invoice else {
        return rsx! {};
    };
    let id = invoice.id;
    let overdue = is_overdue(&invoice, snapshot.today);
    let decidable = invoice.status == InvoiceStatus::AwaitingApproval;
    let rejectable = decidable || invoice.status == InvoiceStatus::Approved;

    rsx! {
        div { class: "screen screen-invoice",
            BackBar { label: t.go_back, back: Intent::GoBack, title: t.invoice_title.to_string() }
            main { class: "content",
                h2 { class: "invoice-heading", "{invoice.supplier}" }
                p { class: "invoice-big-amount",
                    {format::money(lang, invoice.amount_cents, &invoice.currency)}
                }
                IntentError { error: app.error(), missing: String::new() }
                section { class: "card",
                    dl {
                        div { class: "row",
                            dt { "{t.invoice_number}" }
                            dd { "{invoice.invoice_number}" }
                        }
                        div { class: "row",
                            dt { "{t.due_date}" }
                            dd { class: if overdue { "overdue" } else { "" },
                                {format::date(lang, invoice.due_date)}
                                if overdue {
                                    " · {t.overdue}"
                                }
                            }
                        }
                        div { class: "row",
                            dt { "{t.iban}" }
                            dd { class: "mono", {format::iban(&invoice.iban)} }
                        }
                        div { class: "row",
                            dt { "{t.reference}" }
                            dd { class: "mono", "{invoice.reference}" }
                        }
                        div { class: "row",
                            dt { "{t.status}" }
                            dd { {t.invoice_status(invoice.status)} }
                        }
                    }
                }
            }
            if rejectable {
                footer { class: "actions decision",
                    button {
                        class: "btn btn-danger",
                        id: "reject",
                        r#type: "button",
                        disabled: busy,
                        onclick: move |_| rejecting.set(true),
                        "{t.reject}"
                    }
                    if decidable {
                        button {
                            class: "btn btn-primary",
                            id: "approve",
                            r#type: "button",
                            disabled: busy,
                            onclick: move |_| app.send(Intent::ApproveInvoice(id)),
                            "{t.approve}"
                        }
                    }
                }
            }
            if rejecting() {
                RejectDialog {
                    on_reject: move |reason| {
                        rejecting.set(false);
                        app.send(Intent::RejectInvoice { id, reason });
                    },
                    on_cancel: move |_| rejecting.set(false),
                }
            }
        }
    }
}

/// Reject: asks for a reason (optional, at most 500 characters), then
/// Cancel or Reject.
#[component]
pub fn RejectDialog(on_reject: EventHandler<String>, on_cancel: EventHandler<()>) -> Element {
    let app = use_app();
    let t = app.texts();
    let mut reason = use_signal(String::new);
    rsx! {
        div { class: "dialog-backdrop",
            div {
                class: "dialog",
                id: "reject-dialog",
                role: "dialog",
                aria_modal: "true",
                aria_labelledby: "reject-title",
                h2 { id: "reject-title", "{t.reject_title}" }
                div { class: "field",
                    label { r#for: "reject-reason", "{t.reject_reason}" }
                    textarea {
                        id: "reject-reason",
                        rows: "3",
                        maxlength: "{MAX_REJECT_REASON_CHARS}",
                        value: "{reason}",
                        onmounted: focus_on_mount,
                        oninput: move |e| reason.set(e.value()),
                    }
                }
                div { class: "dialog-actions",
                    button {
                        class: "btn btn-secondary",
                        r#type: "button",
                        onclick: move |_| on_cancel.call(()),
                        "{t.cancel}"
                    }
                    button {
                        class: "btn btn-danger-solid",
                        id: "reject-confirm",
                        r#type: "button",
                        onclick: move |_| on_reject.call(reason()),
                        "{t.reject}"
                    }
                }
            }
        }
    }
}
