//! Rule (docs/design.md, Security model): a copy of the phone's stored data is useless
//! for guessing the PIN offline — nothing stored can check a candidate —
//! and so is everything the unlocked app holds in memory besides it (its
//! access and refresh tokens: neither the unlock secret nor the payment
//! seed is kept).
//!
//! The app logs in against a real server and sets its PIN; the test then
//! takes the raw stored entry (what a thief copying the secure store gets),
//! tries all 10,000 four-digit PINs and looks, for each candidate unlock
//! secret and payment seed, for anything in the stored bytes or the memory
//! that could confirm it (the secret, its SHA-256, the seed's public key,
//! in raw, base64 or hex form, or any 8-byte piece of them). No PIN — the
//! right one included — stands out; only the server can tell: the right
//! candidate unlocks there, and the right seed's signature pays.
//! The store wraps with a cheap Argon2id cost here so that 10,000
//! derivations take seconds; the property does not depend on the cost.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use heeros_api::{signed_lines, InvoiceStatus, UnlockRequest};
use heeros_mobile::session::payment::PaymentSeed;
use heeros_mobile::session::pin::{self, KdfAlg, KdfParams, KeyLayout};
use heeros_mobile::session::vault::StoredLogin;
use heeros_mobile::session::{ApiClient, DeviceInfo, Phase, SessionStore, Vault};
use heeros_server::testing::spawn_demo;
use heeros_server::{demo, Clock};
use sha2::{Digest, Sha256};

const RIGHT_PIN: &str = "2580";
const CHEAP: KdfParams = KdfParams {
    alg: KdfAlg::Argon2id,
    m_kib: 8,
    t: 1,
    p: 1,
};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every way a stored value could confirm `candidate`.
fn confirmers(candidate: &[u8]) -> Vec<Vec<u8>> {
    let digest = Sha256::digest(candidate).to_vec();
    let mut out = Vec::new();
    for value in [candidate.to_vec(), digest] {
        out.push(URL_SAFE_NO_PAD.encode(&value).into_bytes());
        out.push(STANDARD.encode(&value).into_bytes());
        out.push(hex(&value).into_bytes());
        for piece in value.chunks(8) {
            out.push(piece.to_vec());
        }
        out.push(value);
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn stored_data_and_the_unlocked_apps_memory_plus_10000_pin_guesses_cannot_tell_the_right_pin()
{
    let dir = tempfile::tempdir().unwrap();
    let (server, _) = spawn_demo(dir.path(), Clock::system()).await;
    let api = ApiClient::new(&server.base_url).unwrap();
    let vault = Vault::in_memory();
    let mut app = SessionStore::new(
        api.clone(),
        vault.clone(),
        DeviceInfo::new("Test phone", "test"),
    )
    .with_kdf(CHEAP);
    app.start().await.unwrap();
    app.finish_intro().await.unwrap();
    app.submit_login("Matti Virtanen", demo::DEMO_PASSWORD)
        .await
        .unwrap();
    let home = app.set_pin(RIGHT_PIN, RIGHT_PIN).await.unwrap();
    assert_eq!(home.phase, Phase::Home);

    // What a dump of the unlocked app's memory adds: tokens only.
    let held = app.held_secrets();
    // (PaymentSeed and UnlockSecret are not among them: see held_secrets.)
    assert_eq!(
        held.len(),
        2,
        "an access and a refresh token while unlocked"
    );
    let memory: Vec<u8> = held.iter().flat_map(|h| h.as_bytes().to_vec()).collect();

    // What a thief copies: the raw stored entry.
    let raw = vault.raw_entry("login").unwrap().expect("a stored login");
    let json: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    // (Which fields may be stored at all is guarded by
    // session_journeys::the_device_stores_no_pin_password_code_or_plain_secret.)
    let stored: StoredLogin = serde_json::from_slice(&raw).unwrap();
    let wrapped = stored.wrapped().unwrap();
    let wrapped_pay = stored.wrapped_payment().unwrap().expect("a payment key");
    assert_eq!(stored.key_layout(), KeyLayout::UnlockAndPayment);
    let salt = stored.salt_bytes().unwrap();
    // The stored blob minus the fields that hold the wrapped secret and salt
    // themselves (which are, by construction, not derived from the secret).
    let mut rest = json.clone();
    for field in ["wrapped_secret", "wrapped_payment_key", "salt"] {
        rest.as_object_mut().unwrap().remove(field);
    }
    let rest = serde_json::to_vec(&rest).unwrap();

    let mut candidates = std::collections::HashSet::new();
    let mut confirmed = Vec::new();
    let mut right = None;
    let mut right_seed = None;
    for n in 0..10_000u32 {
        let guess = format!("{n:04}");
        let keys = pin::derive_keys(&guess, &salt, &stored.kdf, stored.key_layout()).unwrap();
        let candidate = pin::unwrap(&wrapped, &keys.unlock);
        let seed = PaymentSeed::unwrap(&wrapped_pay, keys.payment.as_ref().unwrap());
        let bytes = candidate.as_bytes().to_vec();
        let public_key = URL_SAFE_NO_PAD.decode(seed.public_key()).unwrap();
        let tells = |value: &[u8]| {
            confirmers(value)
                .iter()
                .any(|c| contains(&raw, c) || contains(&rest, c) || contains(&memory, c))
        };
        if tells(&bytes) || tells(&public_key) {
            confirmed.push(guess.clone());
        }
        candidates.insert(bytes);
        if guess == RIGHT_PIN {
            right = Some(candidate.clone());
            right_seed = Some(seed);
        }
    }
    assert!(
        confirmed.is_empty(),
        "stored data or the unlocked app's memory confirms PIN guesses: {confirmed:?}"
    );
    assert_eq!(
        candidates.len(),
        10_000,
        "every guess yields a distinct, plausible secret"
    );

    // Only the server can tell: the right candidate unlocks there.
    let unlocked = api
        .unlock(&UnlockRequest {
            device_id: stored.device_id.clone(),
            unlock_secret: right.unwrap().to_b64().to_string(),
        })
        .await;
    let unlocked = unlocked.unwrap();

    // ... and the right seed's signature pays an approved invoice.
    let token = unlocked.access_token;
    let invoices = api.invoices(&token).await.unwrap().invoices;
    let approved = invoices
        .iter()
        .find(|i| i.status == InvoiceStatus::Approved)
        .expect("the demo company has approved invoices");
    let order = api.create_payment(&token, vec![approved.id]).await.unwrap();
    let signature = right_seed.unwrap().sign(&signed_lines(&order));
    let paid = api
        .confirm_payment(&token, &order.payment_id, signature)
        .await
        .unwrap();
    assert_eq!(paid.invoices[0].status, InvoiceStatus::Paid);
}
