//! Invoices and PIN-signed payments (docs/api.md, "Invoices and payments"):
//! each rule through real HTTP on SQLite and, paired, PostgreSQL (when
//! HEEROS_TEST_POSTGRES_URL is set; always in CI). A device's payment key
//! is an Ed25519 key from a fixed seed; a key from another seed is what a
//! wrong PIN unwraps.

#[macro_use]
mod common;

use chrono::Duration;
use common::*;
use ed25519_dalek::{Signer, SigningKey};
use heeros_api::{
    paths, signed_lines, ErrorCode, Invoice, InvoiceList, InvoiceStatus, PaymentConfirmed,
    PaymentOrder, Session,
};
use heeros_server::secrets::b64;
use serde_json::json;
use tokio::task::JoinSet;

/// A logged-in device session whose payment key is the one of `seed`.
struct Payer {
    session: Session,
    key: SigningKey,
}

impl Payer {
    fn token(&self) -> &str {
        &self.session.access_token
    }
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn public(key: &SigningKey) -> String {
    b64(key.verifying_key().as_bytes())
}

async fn set_key(f: &Fixture, token: &str, public_key: &str) -> Answer {
    f.post_as(
        token,
        paths::PAYMENT_KEY,
        json!({ "public_key": public_key }),
    )
    .await
}

async fn payer(f: &Fixture, user: &str) -> Payer {
    let session = f.session(user).await;
    let key = key(7);
    let a = set_key(f, &session.access_token, &public(&key)).await;
    assert_eq!(a.status, 204, "{}", a.body);
    Payer { session, key }
}

async fn invoices(f: &Fixture, token: &str) -> Vec<Invoice> {
    let a = f.get_as(token, paths::INVOICES).await;
    assert_eq!(a.status, 200, "{}", a.body);
    serde_json::from_value::<InvoiceList>(a.body)
        .unwrap()
        .invoices
}

async fn ids(f: &Fixture, token: &str, status: InvoiceStatus) -> Vec<i64> {
    invoices(f, token)
        .await
        .into_iter()
        .filter(|i| i.status == status)
        .map(|i| i.id)
        .collect()
}

async fn approve(f: &Fixture, token: &str, id: i64) -> Answer {
    f.post_as(token, &paths::invoice_approve(id), json!({}))
        .await
}

async fn reject(f: &Fixture, token: &str, id: i64, reason: &str) -> Answer {
    f.post_as(
        token,
        &paths::invoice_reject(id),
        json!({ "reason": reason }),
    )
    .await
}

async fn order(f: &Fixture, token: &str, ids: &[i64]) -> Answer {
    f.post_as(token, paths::PAYMENTS, json!({ "invoice_ids": ids }))
        .await
}

fn made(a: Answer) -> PaymentOrder {
    assert_eq!(a.status, 200, "{}", a.body);
    serde_json::from_value(a.body).unwrap()
}

/// An order of the first approved invoice: its id and the order.
async fn first_approved_ordered(f: &Fixture, token: &str) -> (i64, PaymentOrder) {
    let id = ids(f, token, InvoiceStatus::Approved).await[0];
    (id, made(order(f, token, &[id]).await))
}

fn sign(key: &SigningKey, order: &PaymentOrder) -> String {
    b64(&key.sign(signed_lines(order).as_bytes()).to_bytes())
}

async fn confirm(f: &Fixture, token: &str, payment_id: &str, signature: &str) -> Answer {
    f.post_as(
        token,
        &paths::payment_confirm(payment_id),
        json!({ "signature": signature }),
    )
    .await
}

fn confirmed(a: Answer) -> PaymentConfirmed {
    assert_eq!(a.status, 200, "{}", a.body);
    serde_json::from_value(a.body).unwrap()
}

fn invoice(a: Answer) -> Invoice {
    assert_eq!(a.status, 200, "{}", a.body);
    serde_json::from_value(a.body).unwrap()
}

/// The code of an answer and, for `pin_incorrect`, the attempts left.
fn refusal(a: &Answer) -> (ErrorCode, Option<i64>) {
    let e = a.error();
    (e.error, e.attempts_left)
}

/// A wrong unlock of the payer's device: its attempts left.
async fn wrong_unlock(f: &Fixture, p: &Payer, seed: u8) -> Option<i64> {
    let a = f.unlock(&p.session.device_id, &wrong_secret(seed)).await;
    assert_eq!(a.code(), ErrorCode::PinIncorrect, "{}", a.body);
    a.error().attempts_left
}

/// A business id's company id among the session's companies.
fn company(s: &Session, business_id: &str) -> i64 {
    s.account
        .companies
        .iter()
        .find(|c| c.business_id == business_id)
        .unwrap()
        .id
}

async fn invoices_are_the_current_companys_earliest_due_first(f: &Fixture) {
    let matti = f.session(MATTI).await;
    let list = invoices(f, &matti.access_token).await;
    assert!(list.len() >= 6);
    let mut sorted = list.clone();
    sorted.sort_by_key(|i| (i.due_date, i.id));
    assert_eq!(list, sorted);
    assert!(list
        .iter()
        .all(|i| i.currency == "EUR" && i.amount_cents > 0));
    let liisa = f.session(LIISA).await;
    assert_eq!(invoices(f, &liisa.access_token).await, list, "same company");
    let korhonen = company(&liisa, "3456789-0");
    assert_eq!(f.switch(&liisa.access_token, korhonen).await.status, 200);
    let theirs = invoices(f, &liisa.access_token).await;
    assert!(theirs.iter().all(|i| !list.iter().any(|m| m.id == i.id)));
    assert_eq!(
        f.send(f.http.get(f.url(paths::INVOICES))).await.code(),
        ErrorCode::Unauthorized
    );
}
on_both!(
    invoices_are_the_current_companys_earliest_due_first,
    invoices_are_the_current_companys_earliest_due_first_on_sqlite,
    invoices_are_the_current_companys_earliest_due_first_on_postgres
);

async fn approve_only_from_awaiting_and_reject_from_awaiting_or_approved(f: &Fixture) {
    let p = payer(f, MATTI).await;
    let t = p.token();
    let waiting = ids(f, t, InvoiceStatus::AwaitingApproval).await;
    let approved = invoice(approve(f, t, waiting[0]).await);
    assert_eq!(approved.status, InvoiceStatus::Approved);
    assert_eq!(approved.status_by.as_deref(), Some(MATTI));
    assert_eq!(approved.status_at, Some(f.clock.now()));
    assert_eq!(
        approve(f, t, waiting[0]).await.code(),
        ErrorCode::InvalidState
    );
    // An approved invoice the user decides not to pay.
    let rejected = invoice(reject(f, t, waiting[0], "Paid by card already").await);
    assert_eq!(rejected.status, InvoiceStatus::Rejected);
    assert_eq!(
        approve(f, t, waiting[0]).await.code(),
        ErrorCode::InvalidState
    );
    assert_eq!(
        reject(f, t, waiting[0], "").await.code(),
        ErrorCode::InvalidState
    );
    // Straight from awaiting approval, with an empty reason.
    let rejected = invoice(reject(f, t, waiting[1], "").await);
    assert_eq!(rejected.status, InvoiceStatus::Rejected);
    // A paid one is decided.
    let (id, o) = first_approved_ordered(f, t).await;
    confirmed(confirm(f, t, &o.payment_id, &sign(&p.key, &o)).await);
    assert_eq!(approve(f, t, id).await.code(), ErrorCode::InvalidState);
    assert_eq!(reject(f, t, id, "").await.code(), ErrorCode::InvalidState);
    // Unknown ids, also ones that are not numbers.
    for path in [
        paths::invoice_approve(999_999),
        paths::invoice_reject(999_999),
        "/v1/invoices/abc/approve".to_owned(),
    ] {
        let a = f.post_as(t, &path, json!({})).await;
        assert_eq!(a.code(), ErrorCode::NotFound, "{path}");
    }
}
on_both!(
    approve_only_from_awaiting_and_reject_from_awaiting_or_approved,
    approve_only_from_awaiting_and_reject_from_awaiting_or_approved_on_sqlite,
    approve_only_from_awaiting_and_reject_from_awaiting_or_approved_on_postgres
);

async fn a_rejection_reason_is_at_most_500_characters(f: &Fixture) {
    let s = f.session(MATTI).await;
    let t = &s.access_token;
    let waiting = ids(f, t, InvoiceStatus::AwaitingApproval).await;
    let long = "x".repeat(501);
    assert_eq!(
        reject(f, t, waiting[0], &long).await.code(),
        ErrorCode::BadRequest
    );
    // Control characters are dropped and the ends trimmed before counting.
    let padded = format!("  {}\u{7}\n  ", "ä".repeat(500));
    invoice(reject(f, t, waiting[0], &padded).await);
    // No body at all is not the JSON the call expects.
    let bare = f
        .send(
            f.http
                .post(f.url(&paths::invoice_reject(waiting[1])))
                .bearer_auth(t),
        )
        .await;
    assert_eq!(bare.code(), ErrorCode::BadRequest);
}
on_both!(
    a_rejection_reason_is_at_most_500_characters,
    a_rejection_reason_is_at_most_500_characters_on_sqlite,
    a_rejection_reason_is_at_most_500_characters_on_postgres
);

async fn a_right_signature_confirms_the_order_and_pays_its_invoices(f: &Fixture) {
    let p = payer(f, MATTI).await;
    let t = p.token();
    let list = invoices(f, t).await;
    let approved: Vec<&Invoice> = list
        .iter()
        .filter(|i| i.status == InvoiceStatus::Approved)
        .collect();
    let asked = [approved[1].id, approved[0].id];
    let o = made(order(f, t, &asked).await);
    let items: Vec<i64> = o.items.iter().map(|i| i.invoice_id).collect();
    assert_eq!(items, asked, "in the order asked");
    assert_eq!(o.items[0].iban, approved[1].iban);
    assert_eq!(o.items[0].reference, approved[1].reference);
    assert_eq!(o.items[0].supplier, approved[1].supplier);
    assert_eq!(o.items[0].due_date, approved[1].due_date);
    assert_eq!(
        o.total_cents,
        approved[0].amount_cents + approved[1].amount_cents
    );
    assert_eq!(o.currency, "EUR");
    assert_eq!(o.company.business_id, "1234567-8");
    assert_eq!(o.company.name, "Heeros Demo Oy");
    assert_eq!(o.expires_at, f.clock.now() + Duration::minutes(5));
    assert_eq!(heeros_server::secrets::unb64(&o.nonce).unwrap().len(), 16);
    f.advance(Duration::minutes(4));
    let done = confirmed(confirm(f, t, &o.payment_id, &sign(&p.key, &o)).await);
    assert_eq!(done.payment_id, o.payment_id);
    assert_eq!(done.status, "confirmed");
    let paid: Vec<i64> = done.invoices.iter().map(|i| i.id).collect();
    assert_eq!(paid, asked);
    for i in &done.invoices {
        assert_eq!(i.status, InvoiceStatus::Paid);
        assert_eq!(i.status_by.as_deref(), Some(MATTI));
        assert_eq!(i.status_at, Some(f.clock.now()));
    }
    let now_paid = ids(f, t, InvoiceStatus::Paid).await;
    assert!(asked.iter().all(|id| now_paid.contains(id)));
    // Paid invoices are no longer payable.
    assert_eq!(
        order(f, t, &asked[..1]).await.code(),
        ErrorCode::InvalidState
    );
}
on_both!(
    a_right_signature_confirms_the_order_and_pays_its_invoices,
    a_right_signature_confirms_the_order_and_pays_its_invoices_on_sqlite,
    a_right_signature_confirms_the_order_and_pays_its_invoices_on_postgres
);

async fn a_replayed_confirmation_is_refused_and_not_counted(f: &Fixture) {
    let p = payer(f, MATTI).await;
    let t = p.token();
    let (_, o) = first_approved_ordered(f, t).await;
    let signature = sign(&p.key, &o);
    confirmed(confirm(f, t, &o.payment_id, &signature).await);
    for _ in 0..6 {
        let again = confirm(f, t, &o.payment_id, &signature).await;
        assert_eq!(again.code(), ErrorCode::InvalidState);
    }
    assert_eq!(
        wrong_unlock(f, &p, 1).await,
        Some(4),
        "replays are no PIN attempts"
    );
}
on_both!(
    a_replayed_confirmation_is_refused_and_not_counted,
    a_replayed_confirmation_is_refused_and_not_counted_on_sqlite,
    a_replayed_confirmation_is_refused_and_not_counted_on_postgres
);

async fn a_wrong_signature_is_a_wrong_pin_counted_with_wrong_unlocks(f: &Fixture) {
    let p = payer(f, MATTI).await;
    let t = p.token();
    let (_, o) = first_approved_ordered(f, t).await;
    let wrong = sign(&key(8), &o);
    assert_eq!(wrong_unlock(f, &p, 1).await, Some(4));
    assert_eq!(wrong_unlock(f, &p, 2).await, Some(3));
    for left in [2, 1] {
        let a = confirm(f, t, &o.payment_id, &wrong).await;
        assert_eq!(refusal(&a), (ErrorCode::PinIncorrect, Some(left)));
    }
    let fifth = confirm(f, t, &o.payment_id, &wrong).await;
    assert_eq!(fifth.code(), ErrorCode::DeviceRevoked);
    assert_eq!(f.me(t).await.code(), ErrorCode::Unauthorized);
    assert_eq!(
        f.unlock(&p.session.device_id, &p.session.unlock_secret)
            .await
            .code(),
        ErrorCode::DeviceRevoked
    );
    assert_eq!(f.server.checks.signatures(), 3);
}
on_both!(
    a_wrong_signature_is_a_wrong_pin_counted_with_wrong_unlocks,
    a_wrong_signature_is_a_wrong_pin_counted_with_wrong_unlocks_on_sqlite,
    a_wrong_signature_is_a_wrong_pin_counted_with_wrong_unlocks_on_postgres
);

async fn a_right_confirmation_forgets_the_wrong_pins_before_it(f: &Fixture) {
    let p = payer(f, MATTI).await;
    let t = p.token();
    let (_, o) = first_approved_ordered(f, t).await;
    wrong_unlock(f, &p, 1).await;
    wrong_unlock(f, &p, 2).await;
    let wrong = sign(&key(8), &o);
    for left in [2, 1] {
        let a = confirm(f, t, &o.payment_id, &wrong).await;
        assert_eq!(refusal(&a), (ErrorCode::PinIncorrect, Some(left)));
    }
    confirmed(confirm(f, t, &o.payment_id, &sign(&p.key, &o)).await);
    assert_eq!(wrong_unlock(f, &p, 3).await, Some(4));
}
on_both!(
    a_right_confirmation_forgets_the_wrong_pins_before_it,
    a_right_confirmation_forgets_the_wrong_pins_before_it_on_sqlite,
    a_right_confirmation_forgets_the_wrong_pins_before_it_on_postgres
);

async fn five_wrong_confirmations_revoke_the_device(f: &Fixture) {
    let p = payer(f, MATTI).await;
    let t = p.token();
    let (id, o) = first_approved_ordered(f, t).await;
    let wrong = sign(&key(8), &o);
    for left in [4, 3, 2, 1] {
        let a = confirm(f, t, &o.payment_id, &wrong).await;
        assert_eq!(refusal(&a), (ErrorCode::PinIncorrect, Some(left)));
    }
    let fifth = confirm(f, t, &o.payment_id, &wrong).await;
    assert_eq!(fifth.code(), ErrorCode::DeviceRevoked);
    let device = &heeros_server::admin::list_devices(&f.server.db, Some(MATTI))
        .await
        .unwrap()[0];
    assert_eq!(device.revoked.as_deref(), Some("wrong_pin"));
    // The invoice was never paid.
    let other = f.session(MATTI).await;
    assert!(ids(f, &other.access_token, InvoiceStatus::Approved)
        .await
        .contains(&id));
}
on_both!(
    five_wrong_confirmations_revoke_the_device,
    five_wrong_confirmations_revoke_the_device_on_sqlite,
    five_wrong_confirmations_revoke_the_device_on_postgres
);

/// A change a client could make to the order it shows.
type Change = fn(&mut PaymentOrder);

async fn a_signature_over_a_changed_order_is_a_wrong_pin(f: &Fixture) {
    let p = payer(f, MATTI).await;
    let t = p.token();
    let approved = ids(f, t, InvoiceStatus::Approved).await;
    let o = made(order(f, t, &approved[..2]).await);
    let changes: [(&str, Change); 6] = [
        ("amount", |o| o.items[0].amount_cents += 1),
        ("IBAN", |o| o.items[1].iban = "FI2112345600000785".into()),
        ("reference", |o| o.items[0].reference = "1232".into()),
        ("nonce", |o| o.nonce = "AAAAAAAAAAAAAAAAAAAAAA".into()),
        ("expiry", |o| o.expires_at += Duration::minutes(10)),
        ("due date", |o| o.items[0].due_date += Duration::days(1)),
    ];
    for (n, (what, change)) in changes.iter().enumerate() {
        if n == 4 {
            // A right unlock forgets the count (shared): room for more.
            let a = f
                .unlock(&p.session.device_id, &p.session.unlock_secret)
                .await;
            assert_eq!(a.status, 200, "{}", a.body);
        }
        let mut changed = o.clone();
        change(&mut changed);
        let a = confirm(f, t, &o.payment_id, &sign(&p.key, &changed)).await;
        assert_eq!(a.code(), ErrorCode::PinIncorrect, "{what}");
    }
    confirmed(confirm(f, t, &o.payment_id, &sign(&p.key, &o)).await);
}
on_both!(
    a_signature_over_a_changed_order_is_a_wrong_pin,
    a_signature_over_a_changed_order_is_a_wrong_pin_on_sqlite,
    a_signature_over_a_changed_order_is_a_wrong_pin_on_postgres
);

async fn an_expired_order_cannot_be_confirmed_and_frees_its_invoices(f: &Fixture) {
    let p = payer(f, MATTI).await;
    let t = p.token();
    let (id, o) = first_approved_ordered(f, t).await;
    // While it is open the invoice is in it.
    assert_eq!(order(f, t, &[id]).await.code(), ErrorCode::InvalidState);
    f.advance(Duration::minutes(5));
    let late = confirm(f, t, &o.payment_id, &sign(&p.key, &o)).await;
    assert_eq!(late.code(), ErrorCode::InvalidState);
    assert_eq!(wrong_unlock(f, &p, 1).await, Some(4), "not a PIN attempt");
    let again = made(order(f, t, &[id]).await);
    confirmed(confirm(f, t, &again.payment_id, &sign(&p.key, &again)).await);
    // A day after expiry the purge deletes the dead order.
    f.advance(Duration::days(1));
    let purged = heeros_server::purge(&f.server.db, f.clock.now())
        .await
        .unwrap();
    assert_eq!(purged.payments, 1);
}
on_both!(
    an_expired_order_cannot_be_confirmed_and_frees_its_invoices,
    an_expired_order_cannot_be_confirmed_and_frees_its_invoices_on_sqlite,
    an_expired_order_cannot_be_confirmed_and_frees_its_invoices_on_postgres
);

async fn an_order_whose_invoices_changed_cannot_be_confirmed(f: &Fixture) {
    let p = payer(f, MATTI).await;
    let t = p.token();
    let approved = ids(f, t, InvoiceStatus::Approved).await;
    // Rejected after the order was made.
    let o = made(order(f, t, &approved[..2]).await);
    invoice(reject(f, t, approved[1], "Wrong amount").await);
    let a = confirm(f, t, &o.payment_id, &sign(&p.key, &o)).await;
    assert_eq!(a.code(), ErrorCode::InvalidState);
    assert!(!ids(f, t, InvoiceStatus::Approved)
        .await
        .contains(&approved[1]));
    // Changed behind the server's back (SQL).
    let o = made(order(f, t, &approved[2..3]).await);
    let sql = format!(
        "UPDATE invoices SET iban = 'FI2112345600000785' WHERE id = {}",
        approved[2]
    );
    heeros_server::db::execute(&f.server.db, &sql)
        .await
        .unwrap();
    let a = confirm(f, t, &o.payment_id, &sign(&p.key, &o)).await;
    assert_eq!(a.code(), ErrorCode::InvalidState);
    assert_eq!(wrong_unlock(f, &p, 1).await, Some(4), "not PIN attempts");
    assert_eq!(f.server.checks.signatures(), 0);
}
on_both!(
    an_order_whose_invoices_changed_cannot_be_confirmed,
    an_order_whose_invoices_changed_cannot_be_confirmed_on_sqlite,
    an_order_whose_invoices_changed_cannot_be_confirmed_on_postgres
);

async fn an_order_takes_only_approved_invoices_in_no_other_open_order(f: &Fixture) {
    let p = payer(f, MATTI).await;
    let t = p.token();
    let approved = ids(f, t, InvoiceStatus::Approved).await;
    let waiting = ids(f, t, InvoiceStatus::AwaitingApproval).await;
    assert_eq!(
        order(f, t, &[waiting[0]]).await.code(),
        ErrorCode::InvalidState
    );
    assert_eq!(
        order(f, t, &[approved[0], 999_999]).await.code(),
        ErrorCode::NotFound
    );
    made(order(f, t, &approved[..1]).await);
    assert_eq!(
        order(f, t, &approved[..2]).await.code(),
        ErrorCode::InvalidState
    );
    // That refusal claimed nothing: the second invoice is free.
    made(order(f, t, &approved[1..2]).await);
    // Another user's open order holds an invoice just as well.
    let liisa = f.session(LIISA).await;
    assert_eq!(
        order(f, &liisa.access_token, &approved[..1]).await.code(),
        ErrorCode::InvalidState
    );
}
on_both!(
    an_order_takes_only_approved_invoices_in_no_other_open_order,
    an_order_takes_only_approved_invoices_in_no_other_open_order_on_sqlite,
    an_order_takes_only_approved_invoices_in_no_other_open_order_on_postgres
);

async fn parallel_confirmations_of_one_order_pay_once(f: &Fixture) {
    let p = payer(f, MATTI).await;
    let t = p.token();
    let approved = ids(f, t, InvoiceStatus::Approved).await;
    let o = made(order(f, t, &approved).await);
    let signature = sign(&p.key, &o);
    let mut set = JoinSet::new();
    for _ in 0..20 {
        let req = f
            .http
            .post(f.url(&paths::payment_confirm(&o.payment_id)))
            .bearer_auth(t)
            .json(&json!({ "signature": signature }));
        set.spawn(answer(req));
    }
    let mut paid = 0;
    while let Some(a) = set.join_next().await {
        let a = a.unwrap();
        if a.status == 200 {
            paid += 1;
        } else {
            assert_eq!(a.code(), ErrorCode::InvalidState, "{}", a.body);
        }
    }
    assert_eq!(paid, 1);
    // One check at a time per order: the others were refused unchecked.
    assert_eq!(f.server.checks.signatures(), 1);
    let now_paid = ids(f, t, InvoiceStatus::Paid).await;
    assert_eq!(now_paid.len(), approved.len());
    assert_eq!(wrong_unlock(f, &p, 1).await, Some(4));
}
on_both!(
    parallel_confirmations_of_one_order_pay_once,
    parallel_confirmations_of_one_order_pay_once_on_sqlite,
    parallel_confirmations_of_one_order_pay_once_on_postgres
);

async fn a_confirmation_being_checked_holds_its_order_for_at_most_30_seconds(f: &Fixture) {
    let p = payer(f, MATTI).await;
    let t = p.token();
    let (_, o) = first_approved_ordered(f, t).await;
    // A check whose request died, as it left the order.
    let held = format!(
        "UPDATE payments SET checking_until = {} WHERE id = '{}'",
        f.clock.now().timestamp() + 30,
        o.payment_id
    );
    heeros_server::db::execute(&f.server.db, &held)
        .await
        .unwrap();
    let signature = sign(&p.key, &o);
    let a = confirm(f, t, &o.payment_id, &signature).await;
    assert_eq!(a.code(), ErrorCode::InvalidState);
    assert_eq!(f.server.checks.signatures(), 0);
    f.advance(Duration::seconds(30));
    confirmed(confirm(f, t, &o.payment_id, &signature).await);
}
on_both!(
    a_confirmation_being_checked_holds_its_order_for_at_most_30_seconds,
    a_confirmation_being_checked_holds_its_order_for_at_most_30_seconds_on_sqlite,
    a_confirmation_being_checked_holds_its_order_for_at_most_30_seconds_on_postgres
);

async fn parallel_orders_over_one_invoice_make_exactly_one_order(f: &Fixture) {
    let p = payer(f, MATTI).await;
    let t = p.token();
    let approved = ids(f, t, InvoiceStatus::Approved).await;
    let mut set = JoinSet::new();
    for n in 0..20 {
        // Half of them also ask for a second invoice, in either order.
        let ids = match n % 3 {
            0 => vec![approved[0]],
            1 => vec![approved[0], approved[1]],
            _ => vec![approved[1], approved[0]],
        };
        let req = f
            .http
            .post(f.url(paths::PAYMENTS))
            .bearer_auth(t)
            .json(&json!({ "invoice_ids": ids }));
        set.spawn(answer(req));
    }
    let mut made_orders = Vec::new();
    while let Some(a) = set.join_next().await {
        let a = a.unwrap();
        if a.status == 200 {
            made_orders.push(made(a));
        } else {
            assert_eq!(a.code(), ErrorCode::InvalidState, "{}", a.body);
        }
    }
    let holding_first = made_orders
        .iter()
        .filter(|o| o.items.iter().any(|i| i.invoice_id == approved[0]))
        .count();
    assert_eq!(holding_first, 1, "{made_orders:?}");
}
on_both!(
    parallel_orders_over_one_invoice_make_exactly_one_order,
    parallel_orders_over_one_invoice_make_exactly_one_order_on_sqlite,
    parallel_orders_over_one_invoice_make_exactly_one_order_on_postgres
);

async fn another_companys_invoices_and_orders_are_not_found(f: &Fixture) {
    let matti = payer(f, MATTI).await;
    let liisa = payer(f, LIISA).await;
    let korhonen = company(&liisa.session, "3456789-0");
    assert_eq!(f.switch(liisa.token(), korhonen).await.status, 200);
    let theirs = ids(f, liisa.token(), InvoiceStatus::Approved).await;
    let t = matti.token();
    let unknown = approve(f, t, 999_999).await;
    for a in [
        approve(f, t, theirs[0]).await,
        reject(f, t, theirs[0], "").await,
        order(f, t, &theirs[..1]).await,
    ] {
        assert_eq!((a.status, &a.body), (unknown.status, &unknown.body));
    }
    // Liisa's order in Korhonen Logistics: not Matti's, and not hers
    // either once she is in another company.
    let o = made(order(f, liisa.token(), &theirs[..1]).await);
    let signature = sign(&liisa.key, &o);
    let a = confirm(f, t, &o.payment_id, &sign(&matti.key, &o)).await;
    assert_eq!(a.code(), ErrorCode::NotFound);
    let demo_oy = company(&liisa.session, "1234567-8");
    assert_eq!(f.switch(liisa.token(), demo_oy).await.status, 200);
    let a = confirm(f, liisa.token(), &o.payment_id, &signature).await;
    assert_eq!(a.code(), ErrorCode::NotFound);
    assert_eq!(
        confirm(f, liisa.token(), "no-such-order", &signature)
            .await
            .code(),
        ErrorCode::NotFound
    );
    assert_eq!(f.switch(liisa.token(), korhonen).await.status, 200);
    confirmed(confirm(f, liisa.token(), &o.payment_id, &signature).await);
}
on_both!(
    another_companys_invoices_and_orders_are_not_found,
    another_companys_invoices_and_orders_are_not_found_on_sqlite,
    another_companys_invoices_and_orders_are_not_found_on_postgres
);

async fn a_revoked_company_right_hides_its_invoices(f: &Fixture) {
    let liisa = payer(f, LIISA).await;
    let t = liisa.token();
    let korhonen = company(&liisa.session, "3456789-0");
    assert_eq!(f.switch(t, korhonen).await.status, 200);
    let approved = ids(f, t, InvoiceStatus::Approved).await;
    let waiting = ids(f, t, InvoiceStatus::AwaitingApproval).await;
    let o = made(order(f, t, &approved[..1]).await);
    heeros_server::admin::revoke(&f.server.db, LIISA, "3456789-0")
        .await
        .unwrap();
    let now_seen = invoices(f, t).await;
    assert!(!now_seen
        .iter()
        .any(|i| approved.contains(&i.id) || waiting.contains(&i.id)));
    assert_eq!(approve(f, t, waiting[0]).await.code(), ErrorCode::NotFound);
    assert_eq!(
        reject(f, t, waiting[0], "").await.code(),
        ErrorCode::NotFound
    );
    assert_eq!(
        order(f, t, &approved[1..2]).await.code(),
        ErrorCode::NotFound
    );
    let a = confirm(f, t, &o.payment_id, &sign(&liisa.key, &o)).await;
    assert_eq!(a.code(), ErrorCode::NotFound);
}
on_both!(
    a_revoked_company_right_hides_its_invoices,
    a_revoked_company_right_hides_its_invoices_on_sqlite,
    a_revoked_company_right_hides_its_invoices_on_postgres
);

async fn the_payment_key_is_set_once_and_never_shown(f: &Fixture) {
    let s = f.session(MATTI).await;
    let t = &s.access_token;
    let mine = public(&key(7));
    assert_eq!(set_key(f, t, &mine).await.status, 204);
    assert_eq!(set_key(f, t, &mine).await.status, 204, "a retry");
    let other = set_key(f, t, &public(&key(8))).await;
    assert_eq!(other.code(), ErrorCode::InvalidState);
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let off_curve = (0u8..=255)
        .map(|n| [n & 0x7f; 32])
        .find(|b| ed25519_dalek::VerifyingKey::from_bytes(b).is_err())
        .unwrap();
    let fresh = f.session(MATTI).await;
    for bad in [
        "not base64!".to_owned(),
        b64(&[5; 31]),
        b64(&identity),
        b64(&off_curve),
    ] {
        let a = set_key(f, &fresh.access_token, &bad).await;
        assert_eq!(a.code(), ErrorCode::BadRequest, "{bad}");
    }
    let missing = f
        .post_as(&fresh.access_token, paths::PAYMENT_KEY, json!({}))
        .await;
    assert_eq!(missing.code(), ErrorCode::BadRequest);
    let unauthenticated = f
        .post(paths::PAYMENT_KEY, json!({ "public_key": mine }))
        .await;
    assert_eq!(unauthenticated.code(), ErrorCode::Unauthorized);
    // Nothing the server says shows it.
    let (_, o) = first_approved_ordered(f, t).await;
    let answers = [
        f.me(t).await,
        f.get_as(t, paths::DEVICES).await,
        f.get_as(t, paths::INVOICES).await,
        confirm(f, t, &o.payment_id, &sign(&key(7), &o)).await,
    ];
    for a in answers {
        assert_eq!(a.status, 200, "{}", a.body);
        assert!(!a.body.to_string().contains(&mine), "{}", a.body);
    }
}
on_both!(
    the_payment_key_is_set_once_and_never_shown,
    the_payment_key_is_set_once_and_never_shown_on_sqlite,
    the_payment_key_is_set_once_and_never_shown_on_postgres
);

async fn a_device_without_a_payment_key_cannot_confirm(f: &Fixture) {
    let s = f.session(MATTI).await;
    let t = &s.access_token;
    let (_, o) = first_approved_ordered(f, t).await;
    let a = confirm(f, t, &o.payment_id, &sign(&key(7), &o)).await;
    assert_eq!(a.code(), ErrorCode::InvalidState);
    // Once it has one, the same order confirms.
    assert_eq!(set_key(f, t, &public(&key(7))).await.status, 204);
    confirmed(confirm(f, t, &o.payment_id, &sign(&key(7), &o)).await);
}
on_both!(
    a_device_without_a_payment_key_cannot_confirm,
    a_device_without_a_payment_key_cannot_confirm_on_sqlite,
    a_device_without_a_payment_key_cannot_confirm_on_postgres
);

async fn malformed_payment_bodies_are_bad_requests(f: &Fixture) {
    let p = payer(f, MATTI).await;
    let t = p.token();
    let approved = ids(f, t, InvoiceStatus::Approved).await;
    let fifty_one: Vec<i64> = (1..=51).collect();
    for body in [
        json!({ "invoice_ids": [] }),
        json!({ "invoice_ids": fifty_one }),
        json!({ "invoice_ids": [approved[0], approved[0]] }),
        json!({ "invoice_ids": "1" }),
        json!({ "invoice_ids": [1.5] }),
        json!({}),
    ] {
        let a = f.post_as(t, paths::PAYMENTS, body.clone()).await;
        assert_eq!(a.code(), ErrorCode::BadRequest, "{body}");
    }
    let o = made(order(f, t, &approved[..1]).await);
    for signature in [
        "!!!".to_owned(),
        b64(&[1; 63]),
        b64(&[1; 65]),
        String::new(),
    ] {
        let a = confirm(f, t, &o.payment_id, &signature).await;
        assert_eq!(a.code(), ErrorCode::BadRequest, "{signature:?}");
    }
    let a = f
        .post_as(t, &paths::payment_confirm(&o.payment_id), json!({}))
        .await;
    assert_eq!(a.code(), ErrorCode::BadRequest);
    // None of that was a PIN attempt.
    assert_eq!(wrong_unlock(f, &p, 1).await, Some(4));
    confirmed(confirm(f, t, &o.payment_id, &sign(&p.key, &o)).await);
}
on_both!(
    malformed_payment_bodies_are_bad_requests,
    malformed_payment_bodies_are_bad_requests_on_sqlite,
    malformed_payment_bodies_are_bad_requests_on_postgres
);
