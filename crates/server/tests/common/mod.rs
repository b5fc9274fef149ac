//! A real server on a loopback port over a real database, a manual clock,
//! the demo users, and a small JSON client for the tests.
#![allow(dead_code, unused_macros)]

/// Runs a rule (an `async fn(&Fixture)`) as two tests: on a fresh SQLite
/// and on a fresh PostgreSQL database (when HEEROS_TEST_POSTGRES_URL is
/// set; always in CI). Needs `#[macro_use] mod common;`.
macro_rules! on_both {
    ($rule:ident, $sqlite:ident, $postgres:ident) => {
        #[tokio::test]
        async fn $sqlite() {
            $rule(&sqlite().await).await;
        }

        #[tokio::test]
        async fn $postgres() {
            if let Some(f) = postgres().await {
                $rule(&f).await;
            }
        }
    };
}

use chrono::{DateTime, Duration, TimeZone, Utc};
use heeros_api::{ErrorBody, ErrorCode, LoginStep, Session};
use heeros_server::{demo, spawn_loopback_with, Clock, Options, Running};
use serde_json::{json, Value};

pub const MAIJA: &str = "Maija Meikäläinen";
pub const MATTI: &str = "Matti Virtanen";
pub const LIISA: &str = "Liisa Korhonen";
pub const PASSWORD: &str = demo::DEMO_PASSWORD;

pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 10).unwrap()
}

pub struct Fixture {
    pub server: Running,
    pub clock: Clock,
    pub http: reqwest::Client,
    pub database_url: String,
    _dir: Option<tempfile::TempDir>,
}

/// A fresh SQLite file in a temp dir.
pub async fn sqlite() -> Fixture {
    sqlite_with(Options::default()).await
}

/// [`sqlite`] with other server options.
pub async fn sqlite_with(options: Options) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let url = heeros_server::db::sqlite_url(&dir.path().join("test.sqlite"));
    fixture_with(url, Some(dir), options).await
}

/// [`postgres`] with other server options.
pub async fn postgres_with(options: Options) -> Option<Fixture> {
    let base = postgres_base()?;
    Some(
        fixture_with(
            heeros_server::testing::fresh_postgres_database(&base).await,
            None,
            options,
        )
        .await,
    )
}

fn postgres_base() -> Option<String> {
    let Ok(base) = std::env::var("HEEROS_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("CI").is_err(),
            "CI must run the PostgreSQL tests: set HEEROS_TEST_POSTGRES_URL"
        );
        eprintln!("HEEROS_TEST_POSTGRES_URL not set: PostgreSQL variant not run");
        return None;
    };
    Some(base)
}

/// A fresh database on the PostgreSQL server named by
/// HEEROS_TEST_POSTGRES_URL, or None when it is not set (outside CI).
pub async fn postgres() -> Option<Fixture> {
    postgres_with(Options::default()).await
}

pub async fn fixture(url: String, dir: Option<tempfile::TempDir>) -> Fixture {
    fixture_with(url, dir, Options::default()).await
}

pub async fn fixture_with(
    url: String,
    dir: Option<tempfile::TempDir>,
    options: Options,
) -> Fixture {
    let clock = Clock::manual(start());
    let server = spawn_loopback_with(&url, clock.clone(), options)
        .await
        .expect("server starts");
    demo::seed(&server.db, clock.now()).await.unwrap();
    Fixture {
        server,
        clock,
        http: reqwest::Client::new(),
        database_url: url,
        _dir: dir,
    }
}

/// A status and a JSON body (Null when empty).
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub retry_after: Option<String>,
}

impl Answer {
    pub fn error(&self) -> ErrorBody {
        serde_json::from_value(self.body.clone())
            .unwrap_or_else(|e| panic!("not an error body ({e}): {}", self.body))
    }

    pub fn code(&self) -> ErrorCode {
        self.error().error
    }

    pub fn step(&self) -> LoginStep {
        assert_eq!(self.status, 200, "{}", self.body);
        serde_json::from_value(self.body.clone()).unwrap()
    }

    pub fn session(&self) -> Session {
        match self.step() {
            LoginStep::PinSetup { session } => session,
            other => panic!("expected a session, got {other:?}"),
        }
    }

    pub fn challenge(&self) -> String {
        match self.step() {
            LoginStep::Totp { challenge, .. } => challenge,
            other => panic!("expected a challenge, got {other:?}"),
        }
    }
}

/// Sends a request and reads the answer (usable from spawned tasks).
pub async fn answer(req: reqwest::RequestBuilder) -> Answer {
    let res = req.send().await.expect("server answers");
    let status = res.status().as_u16();
    let retry_after = res
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = res.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    Answer {
        status,
        body,
        retry_after,
    }
}

impl Fixture {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.base_url, path)
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        answer(req).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(self.http.post(self.url(path)).json(&body)).await
    }

    /// `GET` with a bearer token.
    pub async fn get_as(&self, token: &str, path: &str) -> Answer {
        self.send(self.http.get(self.url(path)).bearer_auth(token))
            .await
    }

    /// `POST` of a JSON body with a bearer token.
    pub async fn post_as(&self, token: &str, path: &str, body: Value) -> Answer {
        self.send(
            self.http
                .post(self.url(path))
                .bearer_auth(token)
                .json(&body),
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> Answer {
        self.post(
            "/v1/login",
            json!({"username": username, "password": password, "device_name": "Test phone", "platform": "android"}),
        )
        .await
    }

    pub async fn totp(&self, challenge: &str, code: &str) -> Answer {
        self.post(
            "/v1/login/totp",
            json!({"challenge": challenge, "code": code}),
        )
        .await
    }

    /// The code Maija's authenticator shows now.
    pub fn maija_code(&self) -> String {
        heeros_server::totp::code_at(demo::MAIJA_TOTP_SECRET, self.clock.now())
    }

    /// A full login for a user without an authenticator.
    pub async fn session(&self, username: &str) -> Session {
        self.login(username, PASSWORD).await.session()
    }

    pub async fn unlock(&self, device_id: &str, secret: &str) -> Answer {
        self.post(
            "/v1/unlock",
            json!({"device_id": device_id, "unlock_secret": secret}),
        )
        .await
    }

    pub async fn me(&self, token: &str) -> Answer {
        self.send(self.http.get(self.url("/v1/me")).bearer_auth(token))
            .await
    }

    pub async fn switch(&self, token: &str, company_id: i64) -> Answer {
        self.send(
            self.http
                .put(self.url("/v1/me/company"))
                .bearer_auth(token)
                .json(&json!({"company_id": company_id})),
        )
        .await
    }

    pub async fn logout(&self, token: &str) -> Answer {
        self.send(self.http.post(self.url("/v1/logout")).bearer_auth(token))
            .await
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }
}

/// A 32-byte secret that is not the right one, base64url.
pub fn wrong_secret(seed: u8) -> String {
    heeros_server::secrets::b64(&[seed; 32])
}

/// A code for Maija that is none of the three the server accepts now
/// (one 30 s step either side), the first such from `from` upwards.
pub fn wrong_code_from(f: &Fixture, from: u32) -> String {
    let secret = demo::MAIJA_TOTP_SECRET;
    let now = f.clock.now();
    let valid: Vec<String> = [-30, 0, 30]
        .iter()
        .map(|s| heeros_server::totp::code_at(secret, now + Duration::seconds(*s)))
        .collect();
    (from..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| !valid.contains(c))
        .unwrap()
}
