//! What an attacker does besides guessing fast: slow and idle connections,
//! forged X-Forwarded-For, staying in after an admin remedy, piling up
//! sessions and rows, odd requests. Each test names the rule it guards.

mod common;

use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use common::*;
use heeros_api::{ErrorCode, Unlocked};
use heeros_server::{admin, Options};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn short_timeouts() -> Options {
    Options {
        header_read_timeout: StdDuration::from_secs(1),
        request_timeout: StdDuration::from_secs(1),
        ..Options::default()
    }
}

/// Reads until the server closes the connection (or `limit` passes); returns
/// what it sent and whether it closed.
async fn read_until_closed(stream: &mut TcpStream, limit: StdDuration) -> (String, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&got).into(), true),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&got).into(), false),
        }
    }
}

#[tokio::test]
async fn slow_header_client_is_cut_off_while_others_are_served() {
    let f = sqlite_with(short_timeouts()).await;
    let mut slow = TcpStream::connect(f.server.addr).await.unwrap();
    slow.write_all(b"POST /v1/login HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let dripping = tokio::spawn(async move {
        // One header byte every 200 ms: it never finishes in time.
        for b in b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".iter() {
            if slow.write_all(&[*b]).await.is_err() {
                break;
            }
            tokio::time::sleep(StdDuration::from_millis(200)).await;
        }
        let started = Instant::now();
        let (_, closed) = read_until_closed(&mut slow, StdDuration::from_secs(5)).await;
        (closed, started.elapsed())
    });
    // Meanwhile others are served at once.
    let t = Instant::now();
    assert_eq!(f.login(MATTI, PASSWORD).await.status, 200);
    assert!(t.elapsed() < StdDuration::from_secs(1), "{:?}", t.elapsed());
    let (closed, _) = dripping.await.unwrap();
    assert!(closed, "the slow client's connection was not closed");
}

#[tokio::test]
async fn idle_connections_beyond_the_cap_cannot_starve_others() {
    let f = sqlite_with(Options {
        max_connections: 4,
        ..short_timeouts()
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..12 {
        idle.push(TcpStream::connect(f.server.addr).await.unwrap());
    }
    let t = Instant::now();
    let health = tokio::time::timeout(
        StdDuration::from_secs(10),
        f.http.get(f.url("/healthz")).send(),
    )
    .await
    .expect("served although idle connections filled every slot")
    .unwrap();
    assert_eq!(health.status(), 200);
    assert!(t.elapsed() < StdDuration::from_secs(6), "{:?}", t.elapsed());
    // The idle ones were closed by the server.
    let (_, closed) = read_until_closed(&mut idle[0], StdDuration::from_secs(5)).await;
    assert!(closed);
}

#[tokio::test]
async fn a_slow_body_gets_a_408_in_the_error_shape() {
    let f = sqlite_with(short_timeouts()).await;
    let mut s = TcpStream::connect(f.server.addr).await.unwrap();
    s.write_all(
        b"POST /v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"us",
    )
    .await
    .unwrap();
    let (text, closed) = read_until_closed(&mut s, StdDuration::from_secs(5)).await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains(r#""error":"request_timeout""#), "{text}");
    assert!(closed || text.contains("408"));
}

async fn login_from(f: &Fixture, name: &str, forwarded: &str) -> Answer {
    f.send(
        f.http
            .post(f.url("/v1/login"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({"username": name, "password": "wrong", "device_name": "d", "platform": "p"})),
    )
    .await
}

#[tokio::test]
async fn an_appended_x_forwarded_for_cannot_choose_the_throttle_key() {
    let f = sqlite_with(Options {
        trust_forwarded: 1,
        ..Options::default()
    })
    .await;
    // The client writes its own entry; the proxy appends the real address.
    for i in 0..50 {
        let a = login_from(
            &f,
            &format!("Nobody Number{i}"),
            &format!("10.9.{i}.1, 203.0.113.7"),
        )
        .await;
        assert_eq!(a.code(), ErrorCode::InvalidCredentials, "attempt {i}");
    }
    let a = login_from(&f, "Nobody Else", "10.99.99.99, 203.0.113.7").await;
    assert_eq!(a.code(), ErrorCode::RateLimited);
    // Another real client behind the same proxy is not held back, and a
    // 4,000-character entry is no key at all (it falls back to the socket).
    let other = login_from(&f, "Nobody Other", "203.0.113.8").await;
    assert_eq!(other.code(), ErrorCode::InvalidCredentials);
    let long = format!("{}, 203.0.113.9", "x".repeat(4000));
    assert_eq!(
        login_from(&f, "Nobody Long", &long).await.code(),
        ErrorCode::InvalidCredentials
    );
}

#[tokio::test]
async fn password_reset_ends_old_sessions_tokens_and_challenges() {
    let f = sqlite().await;
    let s = f.session(MATTI).await;
    let ended = admin::reset_password(&f.server.db, MATTI, "a new password", f.clock.now())
        .await
        .unwrap();
    assert_eq!(ended.devices, 1);
    assert_eq!(f.me(&s.access_token).await.code(), ErrorCode::Unauthorized);
    assert_eq!(
        f.unlock(&s.device_id, &s.unlock_secret).await.code(),
        ErrorCode::DeviceRevoked
    );
    let devices = admin::list_devices(&f.server.db, Some(MATTI))
        .await
        .unwrap();
    assert_eq!(devices[0].revoked.as_deref(), Some("password_reset"));
    assert_eq!(f.login(MATTI, "a new password").await.status, 200);
}

#[tokio::test]
async fn totp_enroll_and_remove_end_old_sessions_and_challenges() {
    let f = sqlite().await;
    // Enrolling for Liisa (no authenticator yet) ends her session.
    let s = f.session(LIISA).await;
    let e = admin::enroll_totp_at(&f.server.db, LIISA, None, f.clock.now())
        .await
        .unwrap();
    assert_eq!(e.ended.devices, 1);
    assert_eq!(
        f.unlock(&s.device_id, &s.unlock_secret).await.code(),
        ErrorCode::DeviceRevoked
    );
    // Removing Maija's ends her session and her open challenge.
    let c = f.login(MAIJA, PASSWORD).await.challenge();
    let m = f.totp(&c, &f.maija_code()).await.session();
    let open = f.login(MAIJA, PASSWORD).await.challenge();
    let ended = admin::remove_totp(&f.server.db, MAIJA, f.clock.now())
        .await
        .unwrap();
    assert_eq!((ended.devices, ended.challenges >= 1), (1, true));
    assert_eq!(f.me(&m.access_token).await.code(), ErrorCode::Unauthorized);
    f.advance(Duration::seconds(30));
    assert_eq!(
        f.totp(&open, &f.maija_code()).await.code(),
        ErrorCode::ChallengeExpired
    );
}

#[tokio::test]
async fn an_eleventh_device_session_supersedes_the_oldest() {
    let f = sqlite().await;
    let first = f.session(LIISA).await;
    let mut rest = Vec::new();
    for _ in 0..10 {
        rest.push(f.session(LIISA).await);
    }
    assert_eq!(
        f.unlock(&first.device_id, &first.unlock_secret)
            .await
            .code(),
        ErrorCode::DeviceRevoked
    );
    for s in &rest {
        assert_eq!(f.me(&s.access_token).await.status, 200);
    }
    let devices = admin::list_devices(&f.server.db, Some(LIISA))
        .await
        .unwrap();
    assert_eq!(devices.iter().filter(|d| d.revoked.is_none()).count(), 10);
    let oldest = devices.iter().find(|d| d.id == first.device_id).unwrap();
    assert_eq!(oldest.revoked.as_deref(), Some("superseded"));
}

#[tokio::test]
async fn device_names_lose_format_characters_and_are_capped() {
    let f = sqlite().await;
    let name = format!("evil\u{202E}enohp\u{200B}{}", "x".repeat(500));
    let a = f
        .post(
            "/v1/login",
            json!({"username": MATTI, "password": PASSWORD, "device_name": name, "platform": "a\u{2066}ndroid"}),
        )
        .await;
    assert_eq!(a.status, 200);
    let d = &admin::list_devices(&f.server.db, Some(MATTI))
        .await
        .unwrap()[0];
    assert!(
        d.device_name.starts_with("evilenohpxxx"),
        "{:?}",
        d.device_name
    );
    assert_eq!(
        d.device_name.chars().count(),
        heeros_server::auth::MAX_DEVICE_NAME_CHARS
    );
    assert_eq!(d.platform, "android");
}

#[tokio::test]
async fn every_error_answer_has_the_error_body() {
    let f = sqlite().await;
    let wrong_method = f.send(f.http.get(f.url("/v1/login"))).await;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.code(), ErrorCode::MethodNotAllowed);
    let big = f
        .send(
            f.http
                .get(f.url("/healthz"))
                .header("x-big", "y".repeat(20 * 1024)),
        )
        .await;
    assert_eq!(big.status, 431);
    assert_eq!(big.code(), ErrorCode::HeadersTooLarge);
    let mut many = f.http.get(f.url("/healthz"));
    for i in 0..100 {
        many = many.header(format!("x-h{i}"), "1");
    }
    assert_eq!(f.send(many).await.code(), ErrorCode::HeadersTooLarge);
    let huge = f
        .send(
            f.http
                .post(f.url("/v1/login"))
                .header("content-type", "application/json")
                .body("x".repeat(64 * 1024)),
        )
        .await;
    assert_eq!(huge.code(), ErrorCode::PayloadTooLarge);
}

#[tokio::test]
async fn unlock_says_how_many_wrong_attempts_came_since_the_last_unlock() {
    let f = sqlite().await;
    let s = f.session(MATTI).await;
    for i in 0..2 {
        f.unlock(&s.device_id, &wrong_secret(i)).await;
    }
    let first: Unlocked =
        serde_json::from_value(f.unlock(&s.device_id, &s.unlock_secret).await.body).unwrap();
    assert_eq!(first.failed_attempts_since_last_unlock, 2);
    let second: Unlocked =
        serde_json::from_value(f.unlock(&s.device_id, &s.unlock_secret).await.body).unwrap();
    assert_eq!(second.failed_attempts_since_last_unlock, 0);
}

#[tokio::test]
async fn expired_rows_are_purged() {
    let f = sqlite().await;
    let _ = f.login(MAIJA, PASSWORD).await.challenge();
    let s = f.session(MATTI).await;
    f.login("Nobody Atall", "wrong").await;
    f.logout(&s.access_token).await;
    let early = heeros_server::purge(&f.server.db, f.clock.now())
        .await
        .unwrap();
    assert_eq!((early.challenges, early.devices), (0, 0));
    f.advance(Duration::days(31));
    let later = heeros_server::purge(&f.server.db, f.clock.now())
        .await
        .unwrap();
    assert_eq!(later.challenges, 1);
    assert_eq!(later.devices, 1);
    assert!(later.throttle >= 2, "{later:?}");
    assert!(admin::list_devices(&f.server.db, Some(MATTI))
        .await
        .unwrap()
        .is_empty());
    // A locked name is kept.
    for _ in 0..100 {
        f.login("Locked Name", "wrong").await;
        f.advance(Duration::minutes(16));
    }
    f.advance(Duration::days(60));
    heeros_server::purge(&f.server.db, f.clock.now())
        .await
        .unwrap();
    assert_eq!(
        f.login("Locked Name", "wrong").await.code(),
        ErrorCode::AccountLocked
    );
}
