//! The calls of wire contract v1, answered as (status, JSON).

use std::time::{Duration, Instant};

use heeros_api::{LoginStep, Session};
use serde_json::{json, Value};

#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
}

/// An answer, or None when the transport failed (lost).
pub type Answer = Option<(u16, Value)>;

impl Client {
    pub fn new() -> Client {
        Client {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .pool_max_idle_per_host(64)
                .build()
                .expect("client"),
        }
    }

    async fn finish(req: reqwest::RequestBuilder) -> Answer {
        let res = req.send().await.ok()?;
        let status = res.status().as_u16();
        let text = res.text().await.ok()?;
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).ok()?
        };
        Some((status, body))
    }

    pub async fn post(&self, base: &str, path: &str, body: Value) -> Answer {
        Self::finish(self.http.post(format!("{base}{path}")).json(&body)).await
    }

    pub async fn login(&self, base: &str, user: &str, password: &str) -> Answer {
        let body = json!({"username": user, "password": password, "device_name": "bench", "platform": "bench"});
        self.post(base, "/v1/login", body).await
    }

    pub async fn totp(&self, base: &str, challenge: &str, code: &str) -> Answer {
        self.post(
            base,
            "/v1/login/totp",
            json!({"challenge": challenge, "code": code}),
        )
        .await
    }

    pub async fn unlock(&self, base: &str, device_id: &str, secret: &str) -> Answer {
        self.post(
            base,
            "/v1/unlock",
            json!({"device_id": device_id, "unlock_secret": secret}),
        )
        .await
    }

    pub async fn me(&self, base: &str, token: &str) -> Answer {
        Self::finish(self.http.get(format!("{base}/v1/me")).bearer_auth(token)).await
    }

    pub async fn switch(&self, base: &str, token: &str, company_id: i64) -> Answer {
        Self::finish(
            self.http
                .put(format!("{base}/v1/me/company"))
                .bearer_auth(token)
                .json(&json!({"company_id": company_id})),
        )
        .await
    }

    /// `POST /v1/token`: a refresh token for new tokens.
    pub async fn token(&self, base: &str, refresh_token: &str) -> Answer {
        self.post(
            base,
            heeros_api::paths::TOKEN,
            json!({"refresh_token": refresh_token}),
        )
        .await
    }

    /// A bearer `POST` of `body` to `path`.
    pub async fn post_as(&self, base: &str, token: &str, path: &str, body: Value) -> Answer {
        Self::finish(
            self.http
                .post(format!("{base}{path}"))
                .bearer_auth(token)
                .json(&body),
        )
        .await
    }

    /// A bearer `GET` of `path`.
    pub async fn get_as(&self, base: &str, token: &str, path: &str) -> Answer {
        Self::finish(self.http.get(format!("{base}{path}")).bearer_auth(token)).await
    }

    pub async fn logout(&self, base: &str, token: &str) -> Answer {
        Self::finish(
            self.http
                .post(format!("{base}/v1/logout"))
                .bearer_auth(token),
        )
        .await
    }

    /// A full login for a user without an authenticator.
    pub async fn session(&self, base: &str, user: &str, password: &str) -> Option<Session> {
        match self.login(base, user, password).await {
            Some((200, body)) => match serde_json::from_value(body).ok()? {
                LoginStep::PinSetup { session } => Some(session),
                LoginStep::Totp { .. } => None,
            },
            _ => None,
        }
    }
}

/// Times one call.
pub async fn timed<F: std::future::Future<Output = Answer>>(f: F) -> (Duration, Answer) {
    let start = Instant::now();
    let answer = f.await;
    (start.elapsed(), answer)
}

pub fn code_of(answer: &Answer) -> String {
    match answer {
        Some((status, body)) => body
            .get("error")
            .and_then(Value::as_str)
            .map_or_else(|| status.to_string(), str::to_owned),
        None => "lost".into(),
    }
}
