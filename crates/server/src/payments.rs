//! Payment orders and their PIN-signed confirmation (docs/api.md,
//! "Invoices and payments" and "What is signed"), methods of [`Auth`].
//!
//! The device holds an Ed25519 key that only the right PIN unwraps; the
//! server keeps its public half on the device session. A confirmation is a
//! signature over `heeros_api::signed_lines` of the order **as stored**, so
//! a changed amount, payee, reference, due date, nonce or expiry does not
//! verify. Every confirmation that reaches the signature check counts on
//! the device's unlock counter like an unlock (`Auth::pin_attempt`): a
//! wrong signature is a wrong PIN.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use ed25519_dalek::{Signature, VerifyingKey};
use heeros_api::{
    signed_lines, ConfirmRequest, OrderCompany, PaymentConfirmed, PaymentItem, PaymentKeyRequest,
    PaymentOrder, PaymentRequest, MAX_PAYMENT_INVOICES, PAYMENT_KEY_LEN, PAYMENT_NONCE_LEN,
    PAYMENT_ORDER_MINUTES, PAYMENT_SIGNATURE_LEN,
};

use crate::auth::{Auth, Caller, PinProof};
use crate::db::payments::{ItemRow, NewPayment, PaymentRow};
use crate::db::{self, invoices::date};
use crate::error::Rejection;
use crate::invoices::{invoice, Acting};
use crate::{audit, secrets};

/// How long one confirmation's check holds its order (seconds): parallel
/// confirmations of one order are refused meanwhile, so never more than
/// one of them counts a PIN attempt. A request that died lets go then.
pub const CHECK_HOLD_S: i64 = 30;

/// A payment public key from the wire: base64url of 32 bytes that are a
/// point of the curve and not one of small order (a weak key would verify
/// signatures nobody made).
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, Rejection> {
    let bad = || Rejection::BadRequest("public_key must be an Ed25519 public key".into());
    let bytes: [u8; PAYMENT_KEY_LEN] = secrets::unb64(text)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(bad)?;
    let key = VerifyingKey::from_bytes(&bytes).map_err(|_| bad())?;
    if key.is_weak() {
        return Err(bad());
    }
    Ok(key)
}

/// A signature from the wire: base64url of 64 bytes.
pub fn parse_signature(text: &str) -> Result<Signature, Rejection> {
    let bytes: [u8; PAYMENT_SIGNATURE_LEN] =
        secrets::unb64(text)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| Rejection::BadRequest("signature must be 64 bytes, base64url".into()))?;
    Ok(Signature::from_bytes(&bytes))
}

/// 1 to [`MAX_PAYMENT_INVOICES`] invoice ids, none twice.
fn check_invoice_ids(ids: &[i64]) -> Result<(), Rejection> {
    if ids.is_empty() || ids.len() > MAX_PAYMENT_INVOICES {
        return Err(Rejection::BadRequest(format!(
            "invoice_ids must hold 1 to {MAX_PAYMENT_INVOICES} ids"
        )));
    }
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != ids.len() {
        return Err(Rejection::BadRequest(
            "invoice_ids holds an id twice".into(),
        ));
    }
    Ok(())
}

/// The order as stored, in the wire's shape: what is shown and what is
/// signed.
fn stored_order(row: &PaymentRow, items: &[ItemRow]) -> Result<PaymentOrder, Rejection> {
    let items = items
        .iter()
        .map(|i| {
            Ok(PaymentItem {
                invoice_id: i.invoice_id,
                supplier: i.supplier.clone(),
                iban: i.iban.clone(),
                reference: i.reference.clone(),
                amount_cents: i.amount_cents,
                due_date: date(&i.due_date)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(Rejection::Internal)?;
    Ok(PaymentOrder {
        payment_id: row.id.clone(),
        company: OrderCompany {
            business_id: row.business_id.clone(),
            name: row.company_name.clone(),
        },
        items,
        total_cents: row.total_cents,
        currency: row.currency.clone(),
        nonce: row.nonce.clone(),
        expires_at: DateTime::from_timestamp(row.expires_at, 0)
            .ok_or_else(|| Rejection::Internal("stored expiry out of range".into()))?,
    })
}

/// A confirmation refused before its signature is checked (not counted
/// as a PIN attempt), said in the security log.
/// Lets go of an order held for a confirmation's check.
async fn release_check(db: &db::Db, payment_id: &str, until: i64) -> Result<(), sqlx::Error> {
    db::payments::release_check(&mut *db.write().await?, payment_id, until).await
}

fn refused(caller: &Caller, payment_id: &str, reason: &'static str) -> Rejection {
    tracing::warn!(
        target: "heeros::security",
        event = "payment_refused",
        user_id = caller.user_id,
        device = %audit::device(&caller.device_id),
        payment = %audit::short(payment_id),
        reason,
        "payment confirmation refused"
    );
    Rejection::InvalidState(reason)
}

impl Auth {
    /// `POST /v1/device/payment-key`: the device session's payment key,
    /// once. The same key again is fine (a retry after a lost answer);
    /// another one is `invalid_state`.
    pub async fn set_payment_key(
        &self,
        caller: &Caller,
        req: PaymentKeyRequest,
    ) -> Result<(), Rejection> {
        let key = parse_public_key(&req.public_key)?;
        let stored = secrets::b64(key.as_bytes());
        if !db::devices::set_payment_key(&mut *self.db.write().await?, &caller.device_id, &stored)
            .await?
        {
            return Err(Rejection::InvalidState("another payment key is set"));
        }
        tracing::info!(
            target: "heeros::security",
            event = "payment_key_set",
            user_id = caller.user_id,
            device = %audit::device(&caller.device_id),
            "payment key set for the device session"
        );
        Ok(())
    }

    /// `POST /v1/payments`: an order of approved invoices of the current
    /// company, none in another open order. The order and the claims of
    /// its invoices are one transaction; a claim is one conditional UPDATE,
    /// so an invoice is never in two open orders.
    pub async fn create_payment(
        &self,
        caller: &Caller,
        req: PaymentRequest,
        now: DateTime<Utc>,
    ) -> Result<PaymentOrder, Rejection> {
        check_invoice_ids(&req.invoice_ids)?;
        let acting = self.acting(caller).await?;
        let company_id = acting.company.id;
        let payment_id = secrets::random_token(16);
        let nonce = secrets::random_token(PAYMENT_NONCE_LEN);
        let now_s = now.timestamp();
        let expires_at = now + Duration::minutes(PAYMENT_ORDER_MINUTES);
        let mut tx = self.db.begin().await?;
        db::payments::insert(
            &mut tx,
            &NewPayment {
                id: &payment_id,
                company_id,
                business_id: &acting.company.business_id,
                company_name: &acting.company.name,
                user_id: caller.user_id,
                device_id: &caller.device_id,
                nonce: &nonce,
                created_at: now_s,
                expires_at: expires_at.timestamp(),
            },
        )
        .await?;
        // Claimed in ascending id order, so parallel orders over the same
        // invoices wait for each other rather than deadlock (PostgreSQL).
        let mut ascending = req.invoice_ids.clone();
        ascending.sort_unstable();
        let mut claimed = HashMap::new();
        for id in ascending {
            let Some(item) =
                db::invoices::claim(&mut tx, id, company_id, &payment_id, now_s).await?
            else {
                tx.rollback().await?;
                return Err(self.claim_refusal(id, company_id).await?);
            };
            claimed.insert(id, item);
        }
        let mut total_cents = 0;
        let mut items = Vec::with_capacity(req.invoice_ids.len());
        for (item_no, id) in (0..).zip(&req.invoice_ids) {
            let item = claimed.remove(id).ok_or_else(|| {
                Rejection::Internal("a claimed invoice is missing from the order".into())
            })?;
            total_cents += item.amount_cents;
            db::payments::insert_item(&mut tx, &payment_id, item_no, &item).await?;
            items.push(item);
        }
        db::payments::set_total(&mut tx, &payment_id, total_cents).await?;
        // The answer is the order exactly as just stored (the values the
        // statements above wrote), not read back: nothing after the commit
        // can fail, so a made order is not answered 503 (docs/api.md:
        // a retry would find its invoices held by it until it expires).
        let order = stored_order(
            &PaymentRow {
                id: payment_id.clone(),
                business_id: acting.company.business_id.clone(),
                company_name: acting.company.name.clone(),
                total_cents,
                currency: db::payments::CURRENCY.to_owned(),
                nonce: nonce.clone(),
                expires_at: expires_at.timestamp(),
                confirmed_at: None,
            },
            &items,
        )?;
        tx.commit().await?;
        tracing::info!(
            target: "heeros::security",
            event = "payment_created",
            user_id = caller.user_id,
            company_id,
            device = %audit::device(&caller.device_id),
            payment = %audit::short(&payment_id),
            invoices = req.invoice_ids.len(),
            total_cents,
            "payment order made"
        );
        Ok(order)
    }

    /// Why an invoice could not be claimed: not one of the company's
    /// (`not_found`), or not approved or in another open order
    /// (`invalid_state`).
    async fn claim_refusal(&self, id: i64, company_id: i64) -> Result<Rejection, Rejection> {
        Ok(
            match db::invoices::find(&self.db.pool, id, company_id).await? {
                Some(_) => Rejection::InvalidState("invoice not approved or in an open order"),
                None => Rejection::NotFound,
            },
        )
    }

    /// An order of the caller's in `company_id`, as stored, with its
    /// confirmation time.
    async fn stored_order_of(
        &self,
        caller: &Caller,
        payment_id: &str,
        company_id: i64,
    ) -> Result<Option<(PaymentOrder, Option<i64>)>, Rejection> {
        let row = db::payments::find_of_user(&self.db.pool, payment_id, caller.user_id, company_id)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let items = db::payments::find_items(&self.db.pool, payment_id).await?;
        Ok(Some((stored_order(&row, &items)?, row.confirmed_at)))
    }

    /// `POST /v1/payments/{id}/confirm`. Refused unchecked (and not
    /// counted): another's or unknown order (`not_found`); confirmed,
    /// expired, an invoice changed since, no payment key, or another
    /// confirmation of it being checked (`invalid_state`). Then one PIN
    /// attempt on the device: the signature over the stored order's
    /// lines, verified strictly. Right: the order is confirmed and its
    /// invoices paid in one transaction, only while it is open and all its
    /// invoices stand as signed.
    pub async fn confirm_payment(
        &self,
        caller: &Caller,
        payment_id: &str,
        req: ConfirmRequest,
        now: DateTime<Utc>,
    ) -> Result<PaymentConfirmed, Rejection> {
        let signature = parse_signature(&req.signature)?;
        let acting = self.acting(caller).await?;
        let (order, confirmed_at) = self
            .stored_order_of(caller, payment_id, acting.company.id)
            .await?
            .ok_or(Rejection::NotFound)?;
        if confirmed_at.is_some() {
            return Err(refused(caller, payment_id, "already_confirmed"));
        }
        if now >= order.expires_at {
            return Err(refused(caller, payment_id, "expired"));
        }
        let unchanged = db::payments::count_unchanged_items(&self.db.pool, payment_id).await?;
        if unchanged != order.items.len() as i64 {
            return Err(refused(caller, payment_id, "invoices_changed"));
        }
        let Some(key) = db::devices::find_payment_key(&self.db.pool, &caller.device_id).await?
        else {
            return Err(refused(caller, payment_id, "no_payment_key"));
        };
        let key = parse_public_key(&key)
            .map_err(|_| Rejection::Internal("stored payment key unreadable".into()))?;
        let now_s = now.timestamp();
        let until = now_s + CHECK_HOLD_S;
        if !db::payments::hold_for_check(&mut *self.db.write().await?, payment_id, now_s, until)
            .await?
        {
            return Err(refused(caller, payment_id, "being_confirmed"));
        }
        let verify = |signed: &[u8]| key.verify_strict(signed, &signature).is_ok();
        let outcome = self
            .check_and_pay(caller, &acting, &order, verify, now)
            .await;
        let released = release_check(&self.db, payment_id, until).await;
        if released.is_err() && outcome.is_err() {
            // The database went away during the check: let go as soon as
            // it is back rather than after the whole hold, so a retried
            // confirmation is checked then (docs/api.md). A confirmed
            // order needs no release: it is never held again.
            let (db, payment_id) = (self.db.clone(), payment_id.to_owned());
            tokio::spawn(async move {
                let deadline = tokio::time::Instant::now()
                    + std::time::Duration::from_secs(CHECK_HOLD_S as u64);
                while tokio::time::Instant::now() < deadline {
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    if release_check(&db, &payment_id, until).await.is_ok() {
                        return;
                    }
                }
            });
        }
        outcome
    }

    /// The counted part of a confirmation (the order held for it): one PIN
    /// attempt, whose check is `verify` over the order's signed lines; when
    /// right, the count settled, then the order confirmed and its invoices
    /// paid in one transaction.
    async fn check_and_pay(
        &self,
        caller: &Caller,
        acting: &Acting,
        order: &PaymentOrder,
        verify: impl FnOnce(&[u8]) -> bool,
        now: DateTime<Utc>,
    ) -> Result<PaymentConfirmed, Rejection> {
        let payment_id = order.payment_id.as_str();
        let lines = signed_lines(order);
        let slot = self
            .pin_attempt(&caller.device_id, PinProof::PaymentSignature, now, |_| {
                verify(lines.as_bytes())
            })
            .await?;
        let now_s = now.timestamp();
        if !db::devices::settle_unlock(
            &mut *self.db.write().await?,
            &caller.device_id,
            slot.failed_unlocks,
            now_s,
        )
        .await?
        {
            return Err(Rejection::DeviceRevoked);
        }
        let mut tx = self.db.begin().await?;
        if !db::payments::confirm(&mut tx, payment_id, now_s).await? {
            tx.rollback().await?;
            return Err(refused(caller, payment_id, "already_confirmed_or_expired"));
        }
        let paid =
            db::invoices::pay_all_of(&mut tx, payment_id, &acting.display_name, now_s).await?;
        if paid != order.items.len() as u64 {
            tx.rollback().await?;
            return Err(refused(caller, payment_id, "invoices_changed"));
        }
        tx.commit().await?;
        tracing::info!(
            target: "heeros::security",
            event = "payment_confirmed",
            user_id = caller.user_id,
            company_id = acting.company.id,
            device = %audit::device(&caller.device_id),
            payment = %audit::short(payment_id),
            invoices = paid,
            total_cents = order.total_cents,
            "payment order confirmed with the PIN; invoices paid"
        );
        let invoices = db::invoices::find_all_by_payment(&self.db.pool, payment_id)
            .await?
            .into_iter()
            .map(invoice)
            .collect::<Result<_, _>>()?;
        Ok(PaymentConfirmed {
            payment_id: payment_id.to_owned(),
            status: "confirmed".into(),
            invoices,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    #[test]
    fn public_keys_must_be_curve_points_and_not_weak() {
        let key = SigningKey::from_bytes(&[7; 32]).verifying_key();
        assert!(parse_public_key(&secrets::b64(key.as_bytes())).is_ok());
        // The identity point: small order, a weak key.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        for bad in [
            secrets::b64(&identity),
            secrets::b64(&[0u8; 31]),
            "not base64!".to_owned(),
            String::new(),
        ] {
            assert!(parse_public_key(&bad).is_err(), "{bad:?}");
        }
        let off_curve = (0u8..=255)
            .map(|n| {
                let mut b = [n; 32];
                b[31] &= 0x7f;
                b
            })
            .find(|b| VerifyingKey::from_bytes(b).is_err())
            .expect("some y is not on the curve");
        assert!(parse_public_key(&secrets::b64(&off_curve)).is_err());
    }

    #[test]
    fn a_signature_verifies_only_over_the_lines_it_was_made_for() {
        let signer = SigningKey::from_bytes(&[9; 32]);
        let signature = signer.sign(b"heeros-payment-v1\npayment_id=p");
        let parsed = parse_signature(&secrets::b64(&signature.to_bytes())).unwrap();
        let key = signer.verifying_key();
        assert!(key
            .verify_strict(b"heeros-payment-v1\npayment_id=p", &parsed)
            .is_ok());
        assert!(key
            .verify_strict(b"heeros-payment-v1\npayment_id=q", &parsed)
            .is_err());
        assert!(parse_signature(&secrets::b64(&[1; 63])).is_err());
    }

    #[test]
    fn an_order_holds_1_to_50_distinct_ids() {
        assert!(check_invoice_ids(&[1]).is_ok());
        assert!(check_invoice_ids(&(1..=50).collect::<Vec<_>>()).is_ok());
        assert!(check_invoice_ids(&[]).is_err());
        assert!(check_invoice_ids(&(1..=51).collect::<Vec<_>>()).is_err());
        assert!(check_invoice_ids(&[3, 1, 3]).is_err());
    }
}
