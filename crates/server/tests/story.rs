//! One end-to-end story of the whole contract, run against SQLite and, when
//! HEEROS_TEST_POSTGRES_URL is set (always in CI), against PostgreSQL; then
//! the rules that must hold across two server instances on one database.

mod common;

use chrono::Duration;
use common::*;
use heeros_api::{ErrorCode, Unlocked};
use heeros_server::{spawn_loopback, Clock};

async fn whole_contract(f: &Fixture) {
    let health = f.http.get(f.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    // login -> code -> session
    let challenge = f.login(MAIJA, PASSWORD).await.challenge();
    let code = f.maija_code();
    let s = f.totp(&challenge, &code).await.session();

    // replaying the same code fails
    let again = f.login(MAIJA, PASSWORD).await.challenge();
    assert_eq!(f.totp(&again, &code).await.code(), ErrorCode::TotpInvalid);

    // unlock -> me -> switch company
    let unlocked: Unlocked =
        serde_json::from_value(f.unlock(&s.device_id, &s.unlock_secret).await.body).unwrap();
    let me = f.me(&unlocked.access_token).await;
    assert_eq!(me.body["user"]["display_name"], MAIJA);
    let other = s
        .account
        .companies
        .iter()
        .find(|c| c.id != s.account.current_company_id)
        .unwrap();
    assert_eq!(f.switch(&unlocked.access_token, other.id).await.status, 200);
    assert_eq!(
        f.me(&unlocked.access_token).await.body["current_company_id"],
        other.id
    );

    // logout -> unlock now fails with device_revoked
    assert_eq!(f.logout(&unlocked.access_token).await.status, 204);
    assert_eq!(
        f.unlock(&s.device_id, &s.unlock_secret).await.code(),
        ErrorCode::DeviceRevoked
    );

    // the 5th wrong unlock revokes
    let m = f.session(MATTI).await;
    for i in 0..4 {
        assert_eq!(
            f.unlock(&m.device_id, &wrong_secret(i)).await.code(),
            ErrorCode::PinIncorrect
        );
    }
    assert_eq!(
        f.unlock(&m.device_id, &wrong_secret(7)).await.code(),
        ErrorCode::DeviceRevoked
    );

    // unknown user and wrong password look the same
    let a = f.login(LIISA, "wrong").await;
    let b = f.login("Liisa Korhonen-Nobody", "wrong").await;
    assert_eq!((a.status, a.body), (b.status, b.body));

    // expiry after 90 days
    let l = f.session(LIISA).await;
    f.advance(Duration::days(90));
    assert_eq!(
        f.unlock(&l.device_id, &l.unlock_secret).await.code(),
        ErrorCode::LoginExpired
    );
}

#[tokio::test]
async fn whole_contract_on_sqlite() {
    whole_contract(&sqlite().await).await;
}

#[tokio::test]
async fn whole_contract_on_postgres() {
    if let Some(f) = postgres().await {
        whole_contract(&f).await;
    }
}

/// Wrong PINs and TOTP replays spread over two servers on one database count
/// as if there were one server.
async fn two_instances(f: &Fixture) {
    let second = spawn_loopback(&f.database_url, f.clock.clone())
        .await
        .unwrap();
    let other = |path: &str| format!("{}{}", second.base_url, path);

    let s = f.session(MATTI).await;
    for i in 0..4u8 {
        let url = if i % 2 == 0 {
            f.url("/v1/unlock")
        } else {
            other("/v1/unlock")
        };
        let body = serde_json::json!({"device_id": s.device_id, "unlock_secret": wrong_secret(i)});
        let a = f.send(f.http.post(url).json(&body)).await;
        assert_eq!(a.code(), ErrorCode::PinIncorrect);
        assert_eq!(a.error().attempts_left, Some(4 - i as i64));
    }
    let body = serde_json::json!({"device_id": s.device_id, "unlock_secret": wrong_secret(9)});
    let last = f.send(f.http.post(other("/v1/unlock")).json(&body)).await;
    assert_eq!(last.code(), ErrorCode::DeviceRevoked);

    let code = f.maija_code();
    let c1 = f.login(MAIJA, PASSWORD).await.challenge();
    assert_eq!(f.totp(&c1, &code).await.status, 200);
    let c2 = f.login(MAIJA, PASSWORD).await.challenge();
    let body = serde_json::json!({"challenge": c2, "code": code});
    let replay = f
        .send(f.http.post(other("/v1/login/totp")).json(&body))
        .await;
    assert_eq!(replay.code(), ErrorCode::TotpInvalid);
}

#[tokio::test]
async fn two_instances_on_one_sqlite_file_count_as_one() {
    two_instances(&sqlite().await).await;
}

#[tokio::test]
async fn two_instances_on_one_postgres_count_as_one() {
    if let Some(f) = postgres().await {
        two_instances(&f).await;
    }
}

#[tokio::test]
async fn data_survives_a_server_restart() {
    let f = sqlite().await;
    let s = f.session(LIISA).await;
    f.server.stop();
    let restarted = spawn_loopback(&f.database_url, Clock::manual(f.clock.now()))
        .await
        .unwrap();
    let body = serde_json::json!({"device_id": s.device_id, "unlock_secret": s.unlock_secret});
    let a = f
        .send(
            f.http
                .post(format!("{}/v1/unlock", restarted.base_url))
                .json(&body),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
}

/// The server's own time of one answer, from its `Server-Timing` header.
fn server_ms(res: &reqwest::Response) -> Option<f64> {
    let value = res.headers().get("server-timing")?.to_str().ok()?;
    value.strip_prefix("app;dur=")?.parse().ok()
}

/// `Server-Timing` (docs/api.md): off by default; when on, every answer
/// (errors too) says how long the server took, which is never more than
/// the client waited and, for a login, at least its Argon2 work.
#[tokio::test]
async fn server_timing_is_off_by_default_and_times_every_answer_when_on() {
    let quiet = sqlite().await;
    let res = quiet.http.get(quiet.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("server-timing").is_none());

    let f = sqlite_with(heeros_server::Options {
        server_timing: true,
        ..heeros_server::Options::default()
    })
    .await;
    let login = f.http.post(f.url("/v1/login")).json(&serde_json::json!({
        "username": MATTI, "password": PASSWORD, "device_name": "t", "platform": "t"
    }));
    let started = std::time::Instant::now();
    let res = login.send().await.unwrap();
    let waited_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(res.status(), 200);
    let login_ms = server_ms(&res).expect("a Server-Timing header on a login");
    assert!(
        (1.0..=waited_ms).contains(&login_ms),
        "a login's server time {login_ms} ms: not within 1 ms (one Argon2 hash at least) and the {waited_ms:.3} ms the client waited"
    );
    let res = f.http.get(f.url("/v1/nowhere")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let missing_ms = server_ms(&res).expect("a Server-Timing header on an error");
    assert!(missing_ms < login_ms, "{missing_ms} ms for a 404");
}
