//! Invoices: the SQL. Every call of a user names the company (the caller's
//! current one), so another company's invoice is never found. A status
//! changes by one conditional UPDATE (docs/api.md, "Invoices and payments").

use chrono::NaiveDate;
use heeros_api::{Invoice, InvoiceStatus};
use sqlx::AnyConnection;

use crate::db::payments::ItemRow;
use crate::db::Conn;

/// The columns of an [`InvoiceRow`], for `SELECT` and `RETURNING`.
const COLUMNS: &str = "id, supplier, invoice_number, amount_cents, currency, due_date, iban, \
                       reference, status, status_by, status_at";

/// The form of `due_date` in the database.
pub const DATE_FORMAT: &str = "%Y-%m-%d";

/// An invoice as a user sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoiceRow {
    pub id: i64,
    pub supplier: String,
    pub invoice_number: String,
    pub amount_cents: i64,
    pub currency: String,
    pub due_date: String,
    pub iban: String,
    pub reference: String,
    pub status: String,
    pub status_by: Option<String>,
    pub status_at: Option<i64>,
}

/// A stored date ('YYYY-MM-DD'); an unreadable one is a fault of the data.
pub fn date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, DATE_FORMAT).map_err(|e| format!("stored date {text:?}: {e}"))
}

impl TryFrom<InvoiceRow> for Invoice {
    type Error = String;

    fn try_from(r: InvoiceRow) -> Result<Invoice, String> {
        Ok(Invoice {
            id: r.id,
            status: InvoiceStatus::parse(&r.status)
                .ok_or_else(|| format!("stored invoice status {:?}", r.status))?,
            due_date: date(&r.due_date)?,
            supplier: r.supplier,
            invoice_number: r.invoice_number,
            amount_cents: r.amount_cents,
            currency: r.currency,
            iban: r.iban,
            reference: r.reference,
            status_by: r.status_by,
            status_at: r
                .status_at
                .and_then(|s| chrono::DateTime::from_timestamp(s, 0)),
        })
    }
}

/// An invoice as the operator lists it: with its company's business id.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AdminInvoiceRow {
    pub id: i64,
    pub business_id: String,
    pub supplier: String,
    pub invoice_number: String,
    pub amount_cents: i64,
    pub due_date: String,
    pub status: String,
}

/// A new invoice, its fields already checked (`crate::bank`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvoice {
    pub company_id: i64,
    pub supplier: String,
    pub invoice_number: String,
    pub amount_cents: i64,
    pub due_date: NaiveDate,
    pub iban: String,
    pub reference: String,
    pub status: InvoiceStatus,
    pub status_by: Option<String>,
}

/// A company's invoices, earliest due first.
pub async fn find_all_by_company(
    e: impl Conn<'_>,
    company_id: i64,
) -> Result<Vec<InvoiceRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM invoices WHERE company_id = $1 ORDER BY due_date, id"
    ))
    .bind(company_id)
    .fetch_all(e)
    .await
}

/// One invoice of a company.
pub async fn find(
    e: impl Conn<'_>,
    id: i64,
    company_id: i64,
) -> Result<Option<InvoiceRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM invoices WHERE id = $1 AND company_id = $2"
    ))
    .bind(id)
    .bind(company_id)
    .fetch_optional(e)
    .await
}

/// Moves one invoice of a company from one of `from` to `to`, saying who
/// and when (and why, for a rejection). One statement: of parallel changes
/// one wins. None when the invoice is not there or not in one of `from`.
#[allow(clippy::too_many_arguments)]
pub async fn change_status(
    e: impl Conn<'_>,
    id: i64,
    company_id: i64,
    from: &[InvoiceStatus],
    to: InvoiceStatus,
    by: &str,
    reason: Option<&str>,
    now: i64,
) -> Result<Option<InvoiceRow>, sqlx::Error> {
    // At most two statuses to come from: bound, never formatted in.
    let first = from.first().map_or("", |s| s.as_str());
    let second = from.get(1).map_or(first, |s| s.as_str());
    sqlx::query_as(&format!(
        "UPDATE invoices SET status = $3, status_by = $4, status_at = $5, \
         reject_reason = COALESCE($6, reject_reason) \
         WHERE id = $1 AND company_id = $2 AND status IN ($7, $8) RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(company_id)
    .bind(to.as_str())
    .bind(by)
    .bind(now)
    .bind(reason)
    .bind(first)
    .bind(second)
    .fetch_optional(e)
    .await
}

/// Puts an approved invoice of the company into payment order `payment_id`,
/// unless it is in another order that is still open (not confirmed, not
/// expired at `now`). One statement, so of parallel orders over one
/// invoice exactly one gets it, on both backends. Returns the order's line
/// for it.
pub async fn claim(
    conn: &mut AnyConnection,
    id: i64,
    company_id: i64,
    payment_id: &str,
    now: i64,
) -> Result<Option<ItemRow>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE invoices SET payment_id = $3 \
         WHERE id = $1 AND company_id = $2 AND status = 'approved' AND (payment_id IS NULL \
           OR payment_id IN (SELECT p.id FROM payments p \
                             WHERE p.confirmed_at IS NULL AND p.expires_at <= $4)) \
         RETURNING id AS invoice_id, supplier, iban, reference, amount_cents, due_date",
    )
    .bind(id)
    .bind(company_id)
    .bind(payment_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await
}

/// Marks paid the invoices of order `payment_id` that are still approved,
/// still in it, and just as its items recorded them (amount, IBAN,
/// reference, due date). Returns how many; fewer than the order's items
/// means something changed (run it in a transaction and roll back).
pub async fn pay_all_of(
    conn: &mut AnyConnection,
    payment_id: &str,
    by: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE invoices SET status = 'paid', status_by = $2, status_at = $3 \
         WHERE payment_id = $1 AND status = 'approved' AND EXISTS ( \
           SELECT 1 FROM payment_items i WHERE i.payment_id = $1 AND i.invoice_id = invoices.id \
             AND i.amount_cents = invoices.amount_cents AND i.iban = invoices.iban \
             AND i.reference = invoices.reference AND i.due_date = invoices.due_date)",
    )
    .bind(payment_id)
    .bind(by)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// The invoices of a payment order, in the order's item order.
pub async fn find_all_by_payment(
    e: impl Conn<'_>,
    payment_id: &str,
) -> Result<Vec<InvoiceRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.id, v.supplier, v.invoice_number, v.amount_cents, v.currency, v.due_date, \
         v.iban, v.reference, v.status, v.status_by, v.status_at \
         FROM payment_items i JOIN invoices v ON v.id = i.invoice_id \
         WHERE i.payment_id = $1 ORDER BY i.item_no",
    )
    .bind(payment_id)
    .fetch_all(e)
    .await
}

/// A new invoice; returns its id.
pub async fn insert(e: impl Conn<'_>, new: &NewInvoice, now: i64) -> Result<i64, sqlx::Error> {
    let status_at = new.status_by.as_ref().map(|_| now);
    sqlx::query_scalar(
        "INSERT INTO invoices (company_id, supplier, invoice_number, amount_cents, currency, \
         due_date, iban, reference, status, status_by, status_at, created_at) \
         VALUES ($1, $2, $3, $4, 'EUR', $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(new.company_id)
    .bind(&new.supplier)
    .bind(&new.invoice_number)
    .bind(new.amount_cents)
    .bind(new.due_date.format(DATE_FORMAT).to_string())
    .bind(&new.iban)
    .bind(&new.reference)
    .bind(new.status.as_str())
    .bind(&new.status_by)
    .bind(status_at)
    .bind(now)
    .fetch_one(e)
    .await
}

pub async fn count(e: impl Conn<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM invoices")
        .fetch_one(e)
        .await
}

/// Invoices for the operator, earliest due first; of one company when
/// `company_id` is given.
pub async fn find_all_for_admin(
    e: impl Conn<'_>,
    company_id: Option<i64>,
) -> Result<Vec<AdminInvoiceRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.id, c.business_id, v.supplier, v.invoice_number, v.amount_cents, v.due_date, \
         v.status FROM invoices v JOIN companies c ON c.id = v.company_id \
         WHERE ($1 IS NULL OR v.company_id = $1) ORDER BY v.due_date, v.id",
    )
    .bind(company_id)
    .fetch_all(e)
    .await
}
