//! PIN unlock end to end (Argon2id on the client + `POST /v1/unlock` to a
//! loopback server) against the bare KDF alone. Goal: ≤ 1.2×.
//! Run: `cargo bench --bench pin_unlock` (part of `bash scripts/bench.sh`).

use std::time::{Duration, Instant};

use heeros_api::{LoginRequest, LoginStep, UnlockRequest};
use heeros_mobile::session::pin::{self, KdfParams, KeyLayout, UnlockSecret};
use heeros_mobile::session::ApiClient;
use heeros_server::{demo, spawn_loopback, Clock};

const RUNS: usize = 40;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = heeros_server::db::sqlite_url(&dir.path().join("bench.sqlite"));
    let server = spawn_loopback(&url, Clock::system()).await.unwrap();
    demo::seed(&server.db, chrono::Utc::now()).await.unwrap();
    let api = ApiClient::new(&server.base_url).unwrap();
    let login = LoginRequest {
        username: "Matti Virtanen".into(),
        password: demo::DEMO_PASSWORD.into(),
        device_name: "bench".into(),
        platform: "bench".into(),
    };
    let LoginStep::PinSetup { session } = api.login(&login).await.unwrap() else {
        panic!("Matti has no authenticator");
    };
    let params = KdfParams::BASELINE;
    let salt = pin::new_salt();
    let secret = UnlockSecret::from_b64(&session.unlock_secret).unwrap();
    // Logins made today derive K1 ‖ K2 (64 bytes): the unlock pays for both.
    let layout = KeyLayout::UnlockAndPayment;
    let keys = pin::derive_keys_async("2580", &salt, params, layout)
        .await
        .unwrap();
    let wrapped = pin::wrap(&secret, &keys.unlock);
    drop(keys);

    let mut bare = Vec::new();
    let mut end_to_end = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let key = pin::derive_keys_async("2580", &salt, params, layout)
            .await
            .unwrap();
        bare.push(t.elapsed());
        drop(key);

        let t = Instant::now();
        let keys = pin::derive_keys_async("2580", &salt, params, layout)
            .await
            .unwrap();
        let candidate = pin::unwrap(&wrapped, &keys.unlock);
        let body = UnlockRequest {
            device_id: session.device_id.clone(),
            unlock_secret: candidate.to_b64().to_string(),
        };
        api.unlock(&body).await.unwrap();
        end_to_end.push(t.elapsed());
    }
    let (bare, e2e) = (median(bare), median(end_to_end));
    let ratio = e2e.as_secs_f64() / bare.as_secs_f64();
    println!(
        "| 3. PIN unlock end to end ÷ bare Argon2id KDF (median of {RUNS}) | {:.1} ms ÷ {:.1} ms = {ratio:.2} | ≤ 1.2 | {} |",
        e2e.as_secs_f64() * 1000.0,
        bare.as_secs_f64() * 1000.0,
        if ratio <= 1.2 { "met" } else { "**missed**" }
    );
}
