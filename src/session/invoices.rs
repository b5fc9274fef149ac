//! Invoices and PIN-signed payments (docs/design.md, Journey and Security
//! model; docs/api.md, "Invoices and payments"): the store's intents for
//! the list on Home, one invoice, and a payment order confirmed with the
//! PIN.
//!
//! The payment seed is unwrapped from the typed PIN only inside
//! [`SessionStore::confirm_payment`], signs the lines of the order on the
//! screen, and is dropped (zeroized) before the signature is sent. A wrong
//! PIN unwraps a wrong seed; the server refuses its signature and counts it
//! with wrong unlocks.

use heeros_api::{signed_lines, ErrorCode, MAX_REJECT_REASON_CHARS};

use super::api_client::ApiError;
use super::journey::{Event, Stage};
use super::payment::PaymentSeed;
use super::pin::{self, KeyLayout};
use super::{SessionError, SessionStore, Snapshot};

impl SessionStore {
    /// Fetches the current company's invoices (Home, after an unlock, a
    /// company switch, or Refresh).
    pub async fn refresh_invoices(&mut self) -> Result<Snapshot, SessionError> {
        if self.stage.open().is_none() {
            return Ok(self.snapshot());
        }
        match self
            .authorized(|api, token| async move { api.invoices(&token).await })
            .await
        {
            Ok(list) => Ok(self.apply(Event::InvoicesListed(list.invoices))),
            Err(e) => self.failed(e).await,
        }
    }

    /// Approve on an invoice awaiting approval; back to the list.
    pub async fn approve_invoice(&mut self, id: i64) -> Result<Snapshot, SessionError> {
        if !matches!(self.stage, Stage::Invoice { .. }) {
            return Ok(self.snapshot());
        }
        let answer = self
            .authorized(|api, token| async move { api.approve(&token, id).await })
            .await;
        self.decided(answer).await
    }

    /// Reject, with a reason (may be empty); back to the list.
    pub async fn reject_invoice(
        &mut self,
        id: i64,
        reason: &str,
    ) -> Result<Snapshot, SessionError> {
        if !matches!(self.stage, Stage::Invoice { .. }) {
            return Ok(self.snapshot());
        }
        let reason = reason.trim().to_owned();
        if reason.chars().count() > MAX_REJECT_REASON_CHARS {
            return Err(SessionError::ReasonTooLong);
        }
        let answer = self
            .authorized(|api, token| {
                let reason = reason.clone();
                async move { api.reject(&token, id, &reason).await }
            })
            .await;
        self.decided(answer).await
    }

    /// The answer of an approve or reject: the list shows the invoice's new
    /// state; if someone else decided first, the list is fetched again and
    /// the user is told.
    async fn decided(
        &mut self,
        answer: Result<heeros_api::Invoice, ApiError>,
    ) -> Result<Snapshot, SessionError> {
        match answer {
            Ok(invoice) => Ok(self.apply(Event::InvoiceDecided(invoice))),
            Err(e) => self.outdated_or_failed(e).await,
        }
    }

    /// Pay: the server makes an order of the picked invoices, which the
    /// confirmation screen shows exactly as it will be signed.
    pub async fn pay(&mut self) -> Result<Snapshot, SessionError> {
        let Stage::Home(open) = &self.stage else {
            return Ok(self.snapshot());
        };
        if open.stored.wrapped_payment_key.is_none() {
            return Err(SessionError::NoPaymentKey);
        }
        let ids: Vec<i64> = open.selected.iter().copied().collect();
        if ids.is_empty() {
            return Err(SessionError::MissingInput);
        }
        let answer = self
            .authorized(|api, token| {
                let ids = ids.clone();
                async move { api.create_payment(&token, ids).await }
            })
            .await;
        match answer {
            Ok(order) => Ok(self.apply(Event::OrderMade(order))),
            Err(e) => self.outdated_or_failed(e).await,
        }
    }

    /// The PIN confirms the order on the screen: it unwraps the payment
    /// seed, which signs the order's lines and is dropped at once. Wrong
    /// PIN: the server says how many attempts are left; the 5th wrong one
    /// (counted with wrong unlocks) revokes the device, which ends the
    /// login here. An expired or changed order goes back to a fresh list.
    pub async fn confirm_payment(&mut self, pin: &str) -> Result<Snapshot, SessionError> {
        let Stage::PayConfirm { open, order } = &self.stage else {
            return Ok(self.snapshot());
        };
        if pin.is_empty() {
            return Err(SessionError::MissingInput);
        }
        pin::check_shape(pin).map_err(SessionError::PinPolicy)?;
        let stored = open.stored.clone();
        let (payment_id, lines) = (order.payment_id.clone(), signed_lines(order));
        let wrapped = stored
            .wrapped_payment()?
            .ok_or(SessionError::NoPaymentKey)?;
        let keys = pin::derive_keys_async(
            pin,
            &stored.salt_bytes()?,
            stored.kdf,
            KeyLayout::UnlockAndPayment,
        )
        .await?;
        let k2 = keys
            .payment
            .as_ref()
            .ok_or_else(|| SessionError::Kdf("no payment key derived".into()))?;
        let signature = {
            let seed = PaymentSeed::unwrap(&wrapped, k2);
            seed.sign(&lines)
        };
        drop(keys);
        let answer = self
            .authorized(|api, token| {
                let (payment_id, signature) = (payment_id.clone(), signature.clone());
                async move { api.confirm_payment(&token, &payment_id, signature).await }
            })
            .await;
        match answer {
            Ok(receipt) => Ok(self.apply(Event::PaymentConfirmed(receipt))),
            Err(e) => self.outdated_or_failed(e).await,
        }
    }

    /// `invalid_state` or `not_found` from an invoice or payment call: what
    /// the user looked at changed meanwhile. Back to a fresh list on Home,
    /// which says so. Anything else as any failed call.
    async fn outdated_or_failed(&mut self, e: ApiError) -> Result<Snapshot, SessionError> {
        if matches!(
            e.code(),
            Some(ErrorCode::InvalidState | ErrorCode::NotFound)
        ) {
            self.apply(Event::WentBack);
            self.refresh_invoices().await?;
            return Err(SessionError::Outdated);
        }
        self.failed(e).await
    }
}
