//! Payment orders and their items: the SQL. An order is made in one
//! transaction with the claims of its invoices (`db::invoices::claim`), and
//! confirmed once, by one conditional UPDATE (docs/api.md, "Invoices and
//! payments").

use sqlx::AnyConnection;

use crate::db::Conn;

/// A payment order as stored: everything its signed lines are built from.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PaymentRow {
    pub id: String,
    pub business_id: String,
    pub company_name: String,
    pub total_cents: i64,
    pub currency: String,
    pub nonce: String,
    pub expires_at: i64,
    pub confirmed_at: Option<i64>,
}

/// One line of an order as it was made.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ItemRow {
    pub invoice_id: i64,
    pub supplier: String,
    pub iban: String,
    pub reference: String,
    pub amount_cents: i64,
    pub due_date: String,
}

/// A new order (its total set once its invoices are claimed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment<'a> {
    pub id: &'a str,
    pub company_id: i64,
    pub business_id: &'a str,
    pub company_name: &'a str,
    pub user_id: i64,
    pub device_id: &'a str,
    pub nonce: &'a str,
    pub created_at: i64,
    pub expires_at: i64,
}

/// The currency of every order.
pub const CURRENCY: &str = "EUR";

pub async fn insert(conn: &mut AnyConnection, new: &NewPayment<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO payments (id, company_id, business_id, company_name, user_id, device_id, \
         total_cents, currency, nonce, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $10, $7, $8, $9)",
    )
    .bind(new.id)
    .bind(new.company_id)
    .bind(new.business_id)
    .bind(new.company_name)
    .bind(new.user_id)
    .bind(new.device_id)
    .bind(new.nonce)
    .bind(new.created_at)
    .bind(new.expires_at)
    .bind(CURRENCY)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

/// Line `item_no` (0-based, the order asked) of an order.
pub async fn insert_item(
    conn: &mut AnyConnection,
    payment_id: &str,
    item_no: i64,
    item: &ItemRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO payment_items (payment_id, item_no, invoice_id, supplier, iban, reference, \
         amount_cents, due_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(payment_id)
    .bind(item_no)
    .bind(item.invoice_id)
    .bind(&item.supplier)
    .bind(&item.iban)
    .bind(&item.reference)
    .bind(item.amount_cents)
    .bind(&item.due_date)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

pub async fn set_total(
    conn: &mut AnyConnection,
    payment_id: &str,
    total_cents: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE payments SET total_cents = $2 WHERE id = $1")
        .bind(payment_id)
        .bind(total_cents)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

/// An order of this user for this company; None for anyone else's.
pub async fn find_of_user(
    e: impl Conn<'_>,
    payment_id: &str,
    user_id: i64,
    company_id: i64,
) -> Result<Option<PaymentRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, business_id, company_name, total_cents, currency, nonce, expires_at, \
         confirmed_at FROM payments WHERE id = $1 AND user_id = $2 AND company_id = $3",
    )
    .bind(payment_id)
    .bind(user_id)
    .bind(company_id)
    .fetch_optional(e)
    .await
}

/// An order's lines, in the order asked.
pub async fn find_items(e: impl Conn<'_>, payment_id: &str) -> Result<Vec<ItemRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT invoice_id, supplier, iban, reference, amount_cents, due_date \
         FROM payment_items WHERE payment_id = $1 ORDER BY item_no",
    )
    .bind(payment_id)
    .fetch_all(e)
    .await
}

/// How many of an order's lines still stand as they were made: the invoice
/// approved, still in this order, with the same amount, IBAN, reference and
/// due date.
pub async fn count_unchanged_items(e: impl Conn<'_>, payment_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM payment_items i JOIN invoices v ON v.id = i.invoice_id \
         WHERE i.payment_id = $1 AND v.status = 'approved' AND v.payment_id = $1 \
           AND v.amount_cents = i.amount_cents AND v.iban = i.iban \
           AND v.reference = i.reference AND v.due_date = i.due_date",
    )
    .bind(payment_id)
    .fetch_one(e)
    .await
}

/// Marks an order confirmed, only while it is open (not confirmed, not
/// expired at `now`). One statement: of parallel confirmations one wins.
pub async fn confirm(
    conn: &mut AnyConnection,
    payment_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE payments SET confirmed_at = $2 \
         WHERE id = $1 AND confirmed_at IS NULL AND expires_at > $2",
    )
    .bind(payment_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Holds an open order for one confirmation's check until `until`: only
/// while no other check holds it. One statement: of parallel
/// confirmations of one order one is checked, the others are refused
/// unchecked. False when it is held, confirmed or gone.
pub async fn hold_for_check(
    e: impl Conn<'_>,
    payment_id: &str,
    now: i64,
    until: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE payments SET checking_until = $3 WHERE id = $1 AND confirmed_at IS NULL \
         AND (checking_until IS NULL OR checking_until <= $2)",
    )
    .bind(payment_id)
    .bind(now)
    .bind(until)
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends a confirmation's hold on an order: the hold taken until `until`,
/// only while it is still that one (a later hold, taken after this one
/// lapsed, has a later `until` and is left alone).
pub async fn release_check(
    e: impl Conn<'_>,
    payment_id: &str,
    until: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE payments SET checking_until = NULL WHERE id = $1 AND checking_until = $2")
        .bind(payment_id)
        .bind(until)
        .execute(e)
        .await
        .map(|_| ())
}

/// Deletes orders never confirmed that expired before `before`; their
/// invoices are freed by the foreign key (ON DELETE SET NULL) and their
/// items go with them.
pub async fn delete_expired(e: impl Conn<'_>, before: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM payments WHERE confirmed_at IS NULL AND expires_at <= $1")
        .bind(before)
        .execute(e)
        .await
        .map(|d| d.rows_affected())
}
