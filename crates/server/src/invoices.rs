//! The invoice rules (docs/api.md, "Invoices and payments"), methods of
//! [`Auth`]: every call works on the caller's current company, found anew
//! from the rights on each call, so a company whose right was taken away
//! shows nothing and changes nothing. Another company's invoice is
//! `not_found`, like an unknown one.

use chrono::{DateTime, Utc};
use heeros_api::{Company, Invoice, InvoiceList, InvoiceStatus, MAX_REJECT_REASON_CHARS};

use crate::auth::{me, Auth, Caller};
use crate::db::{self, invoices::InvoiceRow};
use crate::error::Rejection;
use crate::names;

/// Who is acting, and in which company.
pub(crate) struct Acting {
    pub company: Company,
    /// The user's display name: what `status_by` says.
    pub display_name: String,
}

/// A stored invoice for the wire; an unreadable one is a fault.
pub(crate) fn invoice(row: InvoiceRow) -> Result<Invoice, Rejection> {
    Invoice::try_from(row).map_err(Rejection::Internal)
}

/// A reason as kept: control and format characters dropped, trimmed, at
/// most [`MAX_REJECT_REASON_CHARS`] characters (longer is refused).
pub fn reject_reason(raw: &str) -> Result<String, Rejection> {
    let reason: String = raw
        .chars()
        .filter(|c| !c.is_control() && !names::is_format_char(*c))
        .collect();
    let reason = reason.trim();
    if reason.chars().count() > MAX_REJECT_REASON_CHARS {
        return Err(Rejection::BadRequest(format!(
            "reason must be at most {MAX_REJECT_REASON_CHARS} characters"
        )));
    }
    Ok(reason.to_owned())
}

impl Auth {
    /// The caller's current company (the rule of [`Auth::me`]: the stored
    /// choice while the user still has rights to it, else the first), read
    /// anew on every call.
    pub(crate) async fn acting(&self, caller: &Caller) -> Result<Acting, Rejection> {
        let me = me(&self.db, caller.user_id).await?;
        let company = me
            .companies
            .into_iter()
            .find(|c| c.id == me.current_company_id)
            .ok_or(Rejection::Forbidden)?;
        Ok(Acting {
            company,
            display_name: me.user.display_name,
        })
    }

    /// `GET /v1/invoices`: the current company's invoices, earliest due
    /// first.
    pub async fn invoices(&self, caller: &Caller) -> Result<InvoiceList, Rejection> {
        let acting = self.acting(caller).await?;
        let rows = db::invoices::find_all_by_company(&self.db.pool, acting.company.id).await?;
        let invoices = rows.into_iter().map(invoice).collect::<Result<_, _>>()?;
        Ok(InvoiceList { invoices })
    }

    /// `POST /v1/invoices/{id}/approve`: only an invoice awaiting approval.
    pub async fn approve_invoice(
        &self,
        caller: &Caller,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Invoice, Rejection> {
        self.change_invoice(
            caller,
            id,
            &[InvoiceStatus::AwaitingApproval],
            InvoiceStatus::Approved,
            None,
            now,
        )
        .await
    }

    /// `POST /v1/invoices/{id}/reject`: an invoice awaiting approval, or an
    /// approved one the user decides not to pay (an open payment order
    /// holding it can no longer be confirmed).
    pub async fn reject_invoice(
        &self,
        caller: &Caller,
        id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Invoice, Rejection> {
        let reason = reject_reason(reason)?;
        self.change_invoice(
            caller,
            id,
            &[InvoiceStatus::AwaitingApproval, InvoiceStatus::Approved],
            InvoiceStatus::Rejected,
            Some(&reason),
            now,
        )
        .await
    }

    /// One conditional UPDATE from one of `from` to `to`; when it changes
    /// nothing, `not_found` (no such invoice in the current company) or
    /// `invalid_state` (it is in another status).
    async fn change_invoice(
        &self,
        caller: &Caller,
        id: i64,
        from: &[InvoiceStatus],
        to: InvoiceStatus,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Invoice, Rejection> {
        let acting = self.acting(caller).await?;
        let company_id = acting.company.id;
        let changed = db::invoices::change_status(
            &mut *self.db.write().await?,
            id,
            company_id,
            from,
            to,
            &acting.display_name,
            reason,
            now.timestamp(),
        )
        .await?;
        let Some(row) = changed else {
            return match db::invoices::find(&self.db.pool, id, company_id).await? {
                Some(_) => Err(Rejection::InvalidState("invoice status")),
                None => Err(Rejection::NotFound),
            };
        };
        tracing::info!(
            target: "heeros::security",
            event = "invoice_status",
            user_id = caller.user_id,
            company_id,
            invoice_id = id,
            status = to.as_str(),
            "invoice status changed"
        );
        invoice(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_lose_control_characters_and_are_capped_at_500() {
        assert_eq!(
            reject_reason("  Wrong\u{7} amount\u{202E}\n ").unwrap(),
            "Wrong amount"
        );
        assert_eq!(reject_reason("").unwrap(), "");
        assert!(reject_reason(&"x".repeat(500)).is_ok());
        assert!(reject_reason(&format!("  {}  ", "ä".repeat(500))).is_ok());
        assert!(reject_reason(&"x".repeat(501)).is_err());
    }
}
