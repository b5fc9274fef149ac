//! The calls of wire contract v1, answered as (status, JSON).

use std::time::{Duration, Instant};

use heeros_api::{paths, LoginStep, Session};
use reqwest::header::HeaderMap;
use reqwest::RequestBuilder;
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
        Self::measure(req).await.answer
    }

    /// Sends `req` and times it, from the client and, by its
    /// `Server-Timing` header, from the server.
    pub async fn measure(req: reqwest::RequestBuilder) -> Measured {
        let start = Instant::now();
        let mut server = None;
        let answer = async {
            let res = req.send().await.ok()?;
            server = server_time(res.headers());
            let status = res.status().as_u16();
            let text = res.text().await.ok()?;
            let body = if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).ok()?
            };
            Some((status, body))
        }
        .await;
        Measured {
            took: start.elapsed(),
            server,
            answer,
        }
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
        Self::finish(self.unlock_request(base, device_id, secret)).await
    }

    pub fn unlock_request(&self, base: &str, device_id: &str, secret: &str) -> RequestBuilder {
        self.http
            .post(format!("{base}{}", paths::UNLOCK))
            .json(&json!({"device_id": device_id, "unlock_secret": secret}))
    }

    pub async fn me(&self, base: &str, token: &str) -> Answer {
        Self::finish(self.me_request(base, token)).await
    }

    pub fn me_request(&self, base: &str, token: &str) -> RequestBuilder {
        self.http
            .get(format!("{base}{}", paths::ME))
            .bearer_auth(token)
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
    pub fn token_request(&self, base: &str, refresh_token: &str) -> RequestBuilder {
        self.http
            .post(format!("{base}{}", paths::TOKEN))
            .json(&json!({"refresh_token": refresh_token}))
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

/// One call's answer and times.
pub struct Measured {
    /// From sending to the whole answer read, as the client saw it.
    pub took: Duration,
    /// The server's own time, from its `Server-Timing: app;dur=MS` header
    /// (a server started with `--server-timing`), else None.
    pub server: Option<Duration>,
    pub answer: Answer,
}

/// The `app;dur=MS` of a `Server-Timing` header.
pub fn server_time(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("server-timing")?.to_str().ok()?;
    let ms: f64 = value
        .split(',')
        .find_map(|metric| metric.trim().strip_prefix("app;dur="))?
        .parse()
        .ok()?;
    Duration::try_from_secs_f64(ms / 1000.0).ok()
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

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn timing(value: &str) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert("server-timing", HeaderValue::from_str(value).unwrap());
        server_time(&headers)
    }

    #[test]
    fn the_server_time_is_read_from_its_app_metric() {
        assert_eq!(timing("app;dur=1.500"), Some(Duration::from_micros(1500)));
        assert_eq!(
            timing("db;dur=9, app;dur=0.25"),
            Some(Duration::from_micros(250))
        );
        assert_eq!(timing("db;dur=9"), None);
        assert_eq!(timing("app;dur=-1"), None);
        assert_eq!(server_time(&HeaderMap::new()), None);
    }
}
