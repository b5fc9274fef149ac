//! Security events reach the log at info/warn with structured fields, and
//! no password, code, secret, token or user name does. Alone in its test
//! binary: tracing caches per call site whether anyone listens, and a test
//! running on another thread without this subscriber would race that cache.

mod common;

use common::*;
use heeros_server::admin;

/// A log sink for one test (the server's tasks run on the test's thread).
#[derive(Clone, Default)]
struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn security_events_are_logged_without_secrets() {
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let f = sqlite().await;
    for _ in 0..6 {
        f.login(MATTI, "hunter2-not-it").await;
    }
    let c = f.login(MAIJA, PASSWORD).await.challenge();
    let code = wrong_code_now(&f);
    f.totp(&c, &code).await;
    let s = f.session(LIISA).await;
    for i in 0..5 {
        f.unlock(&s.device_id, &wrong_secret(i)).await;
    }
    let payment = pay_with_a_wrong_pin_first(&f).await;
    admin::reset_password(&f.server.db, MATTI, "a new password", f.clock.now())
        .await
        .unwrap();

    let log = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    for event in [
        "event=\"login_failed\"",
        "event=\"throttled\"",
        "event=\"totp_wrong\"",
        "event=\"unlock_wrong\"",
        "event=\"device_revoked\"",
        "reason=\"wrong_pin\"",
        "action=\"reset_password\"",
        "event=\"payment_key_set\"",
        "event=\"invoice_status\"",
        "event=\"payment_created\"",
        "event=\"payment_signature_wrong\"",
        "event=\"payment_confirmed\"",
    ] {
        assert!(log.contains(event), "no {event} in:\n{log}");
    }
    let secrets = [
        "hunter2-not-it",
        PASSWORD,
        "a new password",
        code.as_str(),
        s.unlock_secret.as_str(),
        s.access_token.as_str(),
        s.device_id.as_str(),
        "matti",
        "Matti",
    ]
    .into_iter()
    .chain(payment.iter().map(String::as_str));
    for secret in secrets {
        assert!(!log.contains(secret), "{secret:?} is in the log:\n{log}");
    }
}

/// Liisa sets a payment key, approves an invoice, orders it, confirms once
/// with a wrong key and once right. Returns what must not be logged: the
/// public key, both signatures, the token, the whole payment id, the nonce.
async fn pay_with_a_wrong_pin_first(f: &Fixture) -> Vec<String> {
    use ed25519_dalek::{Signer, SigningKey};
    use heeros_api::{paths, signed_lines, InvoiceList, InvoiceStatus, PaymentOrder};
    use heeros_server::secrets::b64;
    use serde_json::json;

    let t = f.session(LIISA).await.access_token;
    let key = SigningKey::from_bytes(&[7; 32]);
    let public_key = b64(key.verifying_key().as_bytes());
    let a = f
        .post_as(&t, paths::PAYMENT_KEY, json!({ "public_key": public_key }))
        .await;
    assert_eq!(a.status, 204);
    let list: InvoiceList =
        serde_json::from_value(f.get_as(&t, paths::INVOICES).await.body).unwrap();
    let first = |s: InvoiceStatus| list.invoices.iter().find(|i| i.status == s).unwrap().id;
    let waiting = first(InvoiceStatus::AwaitingApproval);
    let approved = f
        .post_as(&t, &paths::invoice_approve(waiting), json!({}))
        .await;
    assert_eq!(approved.status, 200);
    let a = f
        .post_as(&t, paths::PAYMENTS, json!({ "invoice_ids": [waiting] }))
        .await;
    let order: PaymentOrder = serde_json::from_value(a.body).unwrap();
    let path = paths::payment_confirm(&order.payment_id);
    let lines = signed_lines(&order);
    let wrong = b64(&SigningKey::from_bytes(&[8; 32])
        .sign(lines.as_bytes())
        .to_bytes());
    let right = b64(&key.sign(lines.as_bytes()).to_bytes());
    let a = f.post_as(&t, &path, json!({ "signature": wrong })).await;
    assert_eq!(a.status, 401);
    let a = f.post_as(&t, &path, json!({ "signature": right })).await;
    assert_eq!(a.status, 200, "{}", a.body);
    vec![public_key, wrong, right, t, order.payment_id, order.nonce]
}

/// A wrong code unlikely to appear in a log line by chance (not 000000).
fn wrong_code_now(f: &Fixture) -> String {
    wrong_code_from(f, 271_828)
}
