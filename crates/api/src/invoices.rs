//! Invoices, payment orders and the PIN-signed confirmation (docs/api.md,
//! "Invoices and payments"). All company-scoped to the caller's current
//! company.
//!
//! [`signed_lines`] is the one definition of what a confirmation signs:
//! the app builds it from the order it shows, the server from the order it
//! stored, so a changed amount, payee, reference, due date, nonce or expiry
//! cannot be confirmed (PSD2 RTS Article 5, dynamic linking).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// A payment order can be confirmed for this long after it is made.
pub const PAYMENT_ORDER_MINUTES: i64 = 5;
/// Invoices one payment order may hold.
pub const MAX_PAYMENT_INVOICES: usize = 50;
/// Longest rejection reason (characters).
pub const MAX_REJECT_REASON_CHARS: usize = 500;
/// Bytes of an Ed25519 public key, seed and signature.
pub const PAYMENT_KEY_LEN: usize = 32;
pub const PAYMENT_SIGNATURE_LEN: usize = 64;
/// Bytes of an order's one-time nonce.
pub const PAYMENT_NONCE_LEN: usize = 16;
/// The first line of every signed confirmation: the format's version.
pub const SIGNED_LINES_VERSION: &str = "heeros-payment-v1";

/// Where an invoice is on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    AwaitingApproval,
    Approved,
    Paid,
    Rejected,
}

impl InvoiceStatus {
    /// The wire (and database) form.
    pub const fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::AwaitingApproval => "awaiting_approval",
            InvoiceStatus::Approved => "approved",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Rejected => "rejected",
        }
    }

    /// The status of a wire (or database) string.
    pub fn parse(text: &str) -> Option<InvoiceStatus> {
        [
            InvoiceStatus::AwaitingApproval,
            InvoiceStatus::Approved,
            InvoiceStatus::Paid,
            InvoiceStatus::Rejected,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// One purchase invoice of a company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub id: i64,
    pub supplier: String,
    pub invoice_number: String,
    /// Euro cents, > 0.
    pub amount_cents: i64,
    /// ISO 4217; "EUR" for now.
    pub currency: String,
    pub due_date: NaiveDate,
    /// Electronic form: no spaces, upper case.
    pub iban: String,
    /// Finnish reference or RF creditor reference, electronic form.
    pub reference: String,
    pub status: InvoiceStatus,
    /// Who last changed the status (a user's display name), if anyone.
    #[serde(default)]
    pub status_by: Option<String>,
    #[serde(default)]
    pub status_at: Option<DateTime<Utc>>,
}

/// 200 answer of `GET /v1/invoices`: the current company's invoices,
/// earliest due first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceList {
    pub invoices: Vec<Invoice>,
}

/// `POST /v1/invoices/{id}/reject`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectRequest {
    /// At most [`MAX_REJECT_REASON_CHARS`] characters; may be empty.
    #[serde(default)]
    pub reason: String,
}

/// `POST /v1/device/payment-key`: the public half of the device's payment
/// key, base64url without padding of the 32 raw bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentKeyRequest {
    pub public_key: String,
}

/// `POST /v1/payments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRequest {
    /// 1 to [`MAX_PAYMENT_INVOICES`] approved invoices of the current
    /// company, none in another open order.
    pub invoice_ids: Vec<i64>,
}

/// The company an order pays from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCompany {
    pub business_id: String,
    pub name: String,
}

/// One payee line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentItem {
    pub invoice_id: i64,
    pub supplier: String,
    pub iban: String,
    pub reference: String,
    pub amount_cents: i64,
    pub due_date: NaiveDate,
}

/// 200 answer of `POST /v1/payments`: what the user confirms with the PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentOrder {
    pub payment_id: String,
    pub company: OrderCompany,
    /// In the order asked.
    pub items: Vec<PaymentItem>,
    pub total_cents: i64,
    pub currency: String,
    /// base64url of [`PAYMENT_NONCE_LEN`] random bytes.
    pub nonce: String,
    pub expires_at: DateTime<Utc>,
}

/// `POST /v1/payments/{id}/confirm`: base64url without padding of the
/// 64-byte Ed25519 signature of [`signed_lines`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmRequest {
    pub signature: String,
}

/// 200 answer of `POST /v1/payments/{id}/confirm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentConfirmed {
    pub payment_id: String,
    /// Always "confirmed".
    pub status: String,
    /// The order's invoices, now `paid`.
    pub invoices: Vec<Invoice>,
}

/// What a confirmation signs: UTF-8 lines joined by `\n`, no trailing
/// newline (docs/api.md, "What is signed").
pub fn signed_lines(order: &PaymentOrder) -> String {
    let mut lines = vec![
        SIGNED_LINES_VERSION.to_owned(),
        format!("payment_id={}", order.payment_id),
        format!("company={}", order.company.business_id),
        format!("currency={}", order.currency),
        format!("total_cents={}", order.total_cents),
    ];
    lines.extend(order.items.iter().map(|item| {
        format!(
            "item={};{};{};{}",
            item.iban,
            item.amount_cents,
            item.reference,
            item.due_date.format("%Y-%m-%d")
        )
    }));
    lines.push(format!("nonce={}", order.nonce));
    lines.push(format!(
        "expires_at={}",
        order.expires_at.to_rfc3339_opts(SecondsFormat::Secs, true)
    ));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn order() -> PaymentOrder {
        PaymentOrder {
            payment_id: "p1".into(),
            company: OrderCompany {
                business_id: "1234567-8".into(),
                name: "Heeros Demo Oy".into(),
            },
            items: vec![
                PaymentItem {
                    invoice_id: 4,
                    supplier: "Valio Oy".into(),
                    iban: "FI2112345600000785".into(),
                    reference: "13".into(),
                    amount_cents: 123456,
                    due_date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                },
                PaymentItem {
                    invoice_id: 2,
                    supplier: "Fazer".into(),
                    iban: "FI5542345670000081".into(),
                    reference: "RF18539007547034".into(),
                    amount_cents: 100,
                    due_date: NaiveDate::from_ymd_opt(2027, 1, 9).unwrap(),
                },
            ],
            total_cents: 123556,
            currency: "EUR".into(),
            nonce: "bm9uY2Vub25jZW5vbmNl".into(),
            expires_at: Utc.with_ymd_and_hms(2026, 11, 29, 10, 5, 0).unwrap(),
        }
    }

    #[test]
    fn the_signed_lines_are_exactly_the_documented_format() {
        assert_eq!(
            signed_lines(&order()),
            "heeros-payment-v1\n\
             payment_id=p1\n\
             company=1234567-8\n\
             currency=EUR\n\
             total_cents=123556\n\
             item=FI2112345600000785;123456;13;2026-12-01\n\
             item=FI5542345670000081;100;RF18539007547034;2027-01-09\n\
             nonce=bm9uY2Vub25jZW5vbmNl\n\
             expires_at=2026-11-29T10:05:00Z"
        );
    }

    #[test]
    fn every_signed_field_changes_the_lines() {
        let base = signed_lines(&order());
        let changes: [fn(&mut PaymentOrder); 8] = [
            |o| o.items[0].amount_cents += 1,
            |o| o.items[1].iban = "FI2112345600000785".into(),
            |o| o.items[0].reference = "26".into(),
            |o| o.items[0].due_date = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
            |o| o.nonce = "other".into(),
            |o| o.expires_at += chrono::Duration::seconds(1),
            |o| o.items.swap(0, 1),
            |o| o.company.business_id = "2345678-9".into(),
        ];
        for (i, change) in changes.iter().enumerate() {
            let mut changed = order();
            change(&mut changed);
            assert_ne!(signed_lines(&changed), base, "change {i}");
        }
    }

    #[test]
    fn statuses_round_trip_through_their_wire_form() {
        for s in [
            InvoiceStatus::AwaitingApproval,
            InvoiceStatus::Approved,
            InvoiceStatus::Paid,
            InvoiceStatus::Rejected,
        ] {
            assert_eq!(InvoiceStatus::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
        assert_eq!(InvoiceStatus::parse("lost"), None);
    }
}
