//! What an operator does: users, passwords, authenticators, companies,
//! rights, devices and invoices. Used by the CLI and by tests; `now` is passed in.
//! The SQL is in `crate::db`; a remedy that changes several rows runs in
//! one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use heeros_api::InvoiceStatus;
use sqlx::AnyConnection;

use crate::db::invoices::NewInvoice;
use crate::db::{self, Db};
use crate::error::ServerError;
use crate::throttle::{self, Kind};
use crate::{audit, bank, names, passwords, totp};

/// A device session as the operator sees it.
pub use crate::db::devices::DeviceRow;
/// An invoice as the operator lists it.
pub use crate::db::invoices::AdminInvoiceRow as InvoiceRow;

/// Longest supplier name and invoice number kept (characters).
pub const MAX_SUPPLIER_CHARS: usize = 100;
pub const MAX_INVOICE_NUMBER_CHARS: usize = 50;

/// What an admin remedy ended for the user: their device sessions (and
/// with them every access token) and their open login challenges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ended {
    pub devices: u64,
    pub challenges: u64,
}

impl std::fmt::Display for Ended {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ended {} device session(s) and {} open login(s) of the user",
            self.devices, self.challenges
        )
    }
}

/// Ends every device session and open challenge of a user: after a password
/// reset or an authenticator change nobody stays in on the old credentials.
pub async fn end_sessions(
    db: &Db,
    user_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Ended, ServerError> {
    let mut tx = db.begin().await?;
    let (ended, revoked) = end_sessions_in(&mut tx, user_id, reason, now).await?;
    tx.commit().await?;
    log_revoked(&revoked, reason);
    Ok(ended)
}

/// [`end_sessions`] inside the caller's transaction; returns also the ids
/// of the device sessions it ended, to log once committed.
async fn end_sessions_in(
    conn: &mut AnyConnection,
    user_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(Ended, Vec<String>), sqlx::Error> {
    let revoked = revoke_all_in(conn, user_id, reason, now).await?;
    let challenges = db::challenges::delete_all_by_user(&mut *conn, user_id).await?;
    Ok((
        Ended {
            devices: revoked.len() as u64,
            challenges,
        },
        revoked,
    ))
}

/// Revokes every live device session of a user; returns their ids.
async fn revoke_all_in(
    conn: &mut AnyConnection,
    user_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, sqlx::Error> {
    db::devices::revoke_all_by_user(conn, user_id, reason, now.timestamp()).await
}

fn log_revoked(ids: &[String], reason: &str) {
    for id in ids {
        audit::device_revoked(id, reason);
    }
}

async fn hash(password: &str) -> Result<String, ServerError> {
    if password.is_empty() || password.len() > passwords::MAX_PASSWORD_BYTES {
        return Err(ServerError::Invalid(format!(
            "the password must be 1 to {} bytes",
            passwords::MAX_PASSWORD_BYTES
        )));
    }
    let password = zeroize::Zeroizing::new(password.to_owned());
    tokio::task::spawn_blocking(move || passwords::hash_blocking(&password))
        .await
        .map_err(|_| ServerError::Hashing)?
}

/// The id and display name of the user whose name matches `name`.
pub async fn find_user(db: &Db, name: &str) -> Result<(i64, String), ServerError> {
    let user = db::users::find_by_name_key(&db.pool, &names::match_key(name))
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("user {:?}", names::display_form(name))))?;
    Ok((user.id, user.display_name))
}

/// Adds a user. A name already taken gets the next free digit
/// ("Maija Meikäläinen" → "Maija Meikäläinen1"). Returns id and final name.
pub async fn add_user(
    db: &Db,
    name: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<(i64, String), ServerError> {
    let base = names::validate_new(name).map_err(ServerError::Invalid)?;
    let phc = hash(password).await?;
    for n in 0..1000 {
        let candidate = if n == 0 {
            base.clone()
        } else {
            format!("{base}{n}")
        };
        let key = names::match_key(&candidate);
        let inserted = db::users::insert(&db.pool, &candidate, &key, &phc, now.timestamp()).await?;
        if let Some(id) = inserted {
            return Ok((id, candidate));
        }
    }
    Err(ServerError::Invalid(
        "no free variant of that user name".into(),
    ))
}

/// Sets a new password; this also lifts a lock, forgets failures, and ends
/// every device session and open login of the user (one transaction).
pub async fn reset_password(
    db: &Db,
    name: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Ended, ServerError> {
    let (id, _) = find_user(db, name).await?;
    let phc = hash(password).await?;
    let key = throttle::key(Kind::Name, &names::bounded_key(name));
    let mut tx = db.begin().await?;
    db::users::set_password(&mut *tx, id, &phc).await?;
    db::throttle::delete(&mut *tx, &key).await?;
    let (ended, revoked) = end_sessions_in(&mut tx, id, "password_reset", now).await?;
    tx.commit().await?;
    log_revoked(&revoked, "password_reset");
    tracing::info!(target: "heeros::security", event = "admin", action = "unlock_user", name = %audit::tag(&key), "user name unlocked");
    tracing::info!(target: "heeros::security", event = "admin", action = "reset_password", user_id = id, devices_ended = ended.devices, challenges_ended = ended.challenges, "password reset");
    Ok(ended)
}

/// Lifts the 100-failure lock and the back-off of a user name.
pub async fn unlock_user(db: &Db, name: &str) -> Result<(), ServerError> {
    let key = throttle::key(Kind::Name, &names::bounded_key(name));
    throttle::clear(db, &key).await?;
    tracing::info!(target: "heeros::security", event = "admin", action = "unlock_user", name = %audit::tag(&key), "user name unlocked");
    Ok(())
}

/// A new authenticator: the base32 secret, the otpauth URI to scan, and
/// what it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    pub secret: String,
    pub uri: String,
    pub ended: Ended,
}

/// Gives the user a new authenticator secret (replacing any old one) and
/// ends every device session and open login of the user. Returns the base32
/// secret and the otpauth URI to scan.
pub async fn enroll_totp(
    db: &Db,
    name: &str,
    secret: Option<&str>,
) -> Result<(String, String), ServerError> {
    let e = enroll_totp_at(db, name, secret, Utc::now()).await?;
    Ok((e.secret, e.uri))
}

/// Sets (Some) or removes (None) the user's authenticator and ends every
/// device session and open login of the user, in one transaction.
async fn set_totp(
    db: &Db,
    user_id: i64,
    secret: Option<&str>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Ended, ServerError> {
    let mut tx = db.begin().await?;
    db::users::set_totp_secret(&mut *tx, user_id, secret).await?;
    let (ended, revoked) = end_sessions_in(&mut tx, user_id, reason, now).await?;
    tx.commit().await?;
    log_revoked(&revoked, reason);
    Ok(ended)
}

/// [`enroll_totp`] at `now`, saying what it ended.
pub async fn enroll_totp_at(
    db: &Db,
    name: &str,
    secret: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Enrolled, ServerError> {
    let (id, display) = find_user(db, name).await?;
    let secret = secret.map_or_else(totp::new_secret, str::to_owned);
    let uri = totp::otpauth_uri(&secret, &display)?;
    let ended = set_totp(db, id, Some(&secret), "totp_enrolled", now).await?;
    tracing::info!(target: "heeros::security", event = "admin", action = "totp_enroll", user_id = id, devices_ended = ended.devices, challenges_ended = ended.challenges, "authenticator enrolled");
    Ok(Enrolled { secret, uri, ended })
}

/// Removes the user's authenticator (logins no longer ask for a code) and
/// ends every device session and open login of the user.
pub async fn remove_totp(db: &Db, name: &str, now: DateTime<Utc>) -> Result<Ended, ServerError> {
    let (id, _) = find_user(db, name).await?;
    let ended = set_totp(db, id, None, "totp_removed", now).await?;
    tracing::info!(target: "heeros::security", event = "admin", action = "totp_remove", user_id = id, devices_ended = ended.devices, challenges_ended = ended.challenges, "authenticator removed");
    Ok(ended)
}

pub async fn add_company(db: &Db, name: &str, business_id: &str) -> Result<i64, ServerError> {
    let name = name.trim();
    let business_id = business_id.trim();
    if name.is_empty() || business_id.is_empty() {
        return Err(ServerError::Invalid(
            "a company needs a name and a business id".into(),
        ));
    }
    db::companies::insert(&db.pool, name, business_id)
        .await?
        .ok_or_else(|| ServerError::Invalid(format!("business id {business_id} already exists")))
}

pub(crate) async fn company_id(db: &Db, business_id: &str) -> Result<i64, ServerError> {
    db::companies::find_id_by_business_id(&db.pool, business_id.trim())
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("company {business_id}")))
}

/// Gives the user rights to the company (by business id).
pub async fn grant(db: &Db, name: &str, business_id: &str) -> Result<(), ServerError> {
    let (user, _) = find_user(db, name).await?;
    let company = company_id(db, business_id).await?;
    db::companies::grant(&db.pool, user, company).await?;
    Ok(())
}

/// Takes the user's rights to the company away.
pub async fn revoke(db: &Db, name: &str, business_id: &str) -> Result<(), ServerError> {
    let (user, _) = find_user(db, name).await?;
    let company = company_id(db, business_id).await?;
    db::companies::revoke(&db.pool, user, company).await?;
    Ok(())
}

/// Device sessions, newest first; of one user when `name` is given.
pub async fn list_devices(db: &Db, name: Option<&str>) -> Result<Vec<DeviceRow>, ServerError> {
    let user = match name {
        Some(n) => Some(find_user(db, n).await?.0),
        None => None,
    };
    Ok(db::devices::find_all(&db.pool, user).await?)
}

/// Revokes one device session by id. Returns whether it was live.
pub async fn revoke_device(
    db: &Db,
    device_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, ServerError> {
    let mut tx = db.begin().await?;
    let live = db::devices::revoke(&mut tx, device_id, "admin", now.timestamp()).await?;
    tx.commit().await?;
    if live {
        audit::device_revoked(device_id, "admin");
    }
    tracing::info!(target: "heeros::security", event = "admin", action = "revoke_device", device = %audit::device(device_id), was_live = live, "device revoked by admin");
    Ok(live)
}

/// Revokes every live device session of a user. Returns how many.
pub async fn revoke_devices(db: &Db, name: &str, now: DateTime<Utc>) -> Result<u64, ServerError> {
    let (id, _) = find_user(db, name).await?;
    let mut tx = db.begin().await?;
    let revoked = revoke_all_in(&mut tx, id, "admin", now).await?;
    tx.commit().await?;
    log_revoked(&revoked, "admin");
    for device_id in &revoked {
        tracing::info!(target: "heeros::security", event = "admin", action = "revoke_device", device = %audit::device(device_id), was_live = true, "device revoked by admin");
    }
    Ok(revoked.len() as u64)
}

/// An invoice as an operator types it (`invoice add`, whose flags these
/// are): every field text.
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct InvoiceInput {
    /// The company's business id (Y-tunnus).
    #[arg(long)]
    pub company: String,
    #[arg(long)]
    pub supplier: String,
    /// The supplier's invoice number.
    #[arg(long)]
    pub number: String,
    /// Euros: 1234,56 or 1234.56 or 1 234,56.
    #[arg(long)]
    pub amount: String,
    /// Due date, YYYY-MM-DD.
    #[arg(long)]
    pub due: String,
    /// The payee's IBAN (spaces allowed).
    #[arg(long)]
    pub iban: String,
    /// Finnish reference or RF creditor reference (spaces allowed).
    #[arg(long)]
    pub reference: String,
}

/// A required free-text field: control and format characters dropped,
/// trimmed, not empty, at most `max` characters.
fn text_field(what: &str, raw: &str, max: usize) -> Result<String, ServerError> {
    let text = names::label(raw, usize::MAX);
    if text.is_empty() {
        return Err(ServerError::Invalid(format!("the {what} is empty")));
    }
    if text.chars().count() > max {
        return Err(ServerError::Invalid(format!(
            "the {what} is longer than {max} characters"
        )));
    }
    Ok(text)
}

/// Every field of an invoice checked, in its stored form; the first
/// wrong field is named in the error.
pub fn check_invoice(input: &InvoiceInput, company_id: i64) -> Result<NewInvoice, ServerError> {
    let invalid = ServerError::Invalid;
    Ok(NewInvoice {
        company_id,
        supplier: text_field("supplier", &input.supplier, MAX_SUPPLIER_CHARS)?,
        invoice_number: text_field("invoice number", &input.number, MAX_INVOICE_NUMBER_CHARS)?,
        amount_cents: bank::parse_amount(&input.amount).map_err(invalid)?,
        due_date: NaiveDate::parse_from_str(input.due.trim(), db::invoices::DATE_FORMAT).map_err(
            |_| {
                invalid(format!(
                    "the due date {:?} is not a date like 2026-12-31",
                    input.due
                ))
            },
        )?,
        iban: bank::parse_iban(&input.iban).map_err(invalid)?,
        reference: bank::parse_reference(&input.reference).map_err(invalid)?,
        status: InvoiceStatus::AwaitingApproval,
        status_by: None,
    })
}

/// Adds an invoice awaiting approval to a company (by business id).
/// Returns its id.
pub async fn add_invoice(
    db: &Db,
    input: &InvoiceInput,
    now: DateTime<Utc>,
) -> Result<i64, ServerError> {
    let company = company_id(db, &input.company).await?;
    let new = check_invoice(input, company)?;
    Ok(db::invoices::insert(&db.pool, &new, now.timestamp()).await?)
}

/// Invoices, earliest due first; of one company when `business_id` is
/// given.
pub async fn list_invoices(
    db: &Db,
    business_id: Option<&str>,
) -> Result<Vec<InvoiceRow>, ServerError> {
    let company = match business_id {
        Some(b) => Some(company_id(db, b).await?),
        None => None,
    };
    Ok(db::invoices::find_all_for_admin(&db.pool, company).await?)
}
