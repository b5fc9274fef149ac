//! N simulated devices doing the whole journey, spread over one or more
//! server processes; every answer is checked.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::Utc;
use heeros_api::{LoginStep, Session};
use serde_json::Value;

use crate::client::{code_of, Answer, Client};
use crate::seed::{bench_user, BENCH_SECRET, PASSWORD};

#[derive(Debug, Default)]
pub struct Outcome {
    pub journeys_ok: usize,
    /// Step name -> what came instead of the expected answer.
    pub wrong: BTreeMap<String, usize>,
    pub lost: usize,
    pub seconds: f64,
}

impl Outcome {
    fn bad(&mut self, step: &str, answer: &Answer) {
        if answer.is_none() {
            self.lost += 1;
        }
        *self
            .wrong
            .entry(format!("{step}: {}", code_of(answer)))
            .or_default() += 1;
    }

    pub fn wrong_total(&self) -> usize {
        self.wrong.values().sum()
    }
}

fn status(a: &Answer) -> u16 {
    a.as_ref().map_or(0, |(s, _)| *s)
}

/// One device's journey; step k goes to server (i + k) % n.
async fn journey(client: &Client, servers: &[String], i: usize, out: &mut Outcome) {
    let at = |k: usize| servers[(i + k) % servers.len()].as_str();
    let user = bench_user(i);
    let a = client.login(at(0), &user, PASSWORD).await;
    let challenge = match a.as_ref().and_then(|(s, b)| {
        (*s == 200)
            .then(|| serde_json::from_value::<LoginStep>(b.clone()).ok())
            .flatten()
    }) {
        Some(LoginStep::Totp { challenge, .. }) => challenge,
        _ => return out.bad("login", &a),
    };
    let code = heeros_server::totp::code_at(BENCH_SECRET, Utc::now());
    let a = client.totp(at(1), &challenge, &code).await;
    let session: Session = match a.as_ref().and_then(|(s, b)| {
        (*s == 200)
            .then(|| serde_json::from_value::<LoginStep>(b.clone()).ok())
            .flatten()
    }) {
        Some(LoginStep::PinSetup { session }) => session,
        _ => return out.bad("totp", &a),
    };
    let a = client
        .unlock(at(2), &session.device_id, &session.unlock_secret)
        .await;
    let token = match &a {
        Some((200, b)) => b["access_token"].as_str().unwrap_or_default().to_owned(),
        _ => return out.bad("unlock", &a),
    };
    let target = session
        .account
        .companies
        .iter()
        .map(|c| c.id)
        .find(|id| *id != session.account.current_company_id);
    let Some(target) = target else {
        return out.bad("companies", &a);
    };
    let a = client.switch(at(3), &token, target).await;
    if status(&a) != 200
        || a.as_ref().map(|(_, b)| b["current_company_id"].clone()) != Some(Value::from(target))
    {
        return out.bad("switch", &a);
    }
    let a = client.me(at(4), &token).await;
    if status(&a) != 200
        || a.as_ref().map(|(_, b)| b["current_company_id"].clone()) != Some(Value::from(target))
    {
        return out.bad("me", &a);
    }
    let a = client.logout(at(5), &token).await;
    if status(&a) != 204 {
        return out.bad("logout", &a);
    }
    let a = client
        .unlock(at(6), &session.device_id, &session.unlock_secret)
        .await;
    if code_of(&a) != "device_revoked" {
        return out.bad("unlock after logout", &a);
    }
    out.journeys_ok += 1;
}

pub async fn run(servers: &[String], devices: usize, concurrency: usize) -> Outcome {
    let start = Instant::now();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, servers, next) = (Client::new(), servers.to_vec(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Outcome::default();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= devices {
                    return out;
                }
                journey(&client, &servers, i, &mut out).await;
            }
        }));
    }
    let mut total = Outcome::default();
    for t in tasks {
        let out = t.await.expect("worker");
        total.journeys_ok += out.journeys_ok;
        total.lost += out.lost;
        for (k, v) in out.wrong {
            *total.wrong.entry(k).or_default() += v;
        }
    }
    total.seconds = start.elapsed().as_secs_f64();
    total
}

/// Rules that must be exact across processes: wrong PINs alternate between
/// servers and the 5th revokes; a code accepted on one server is a replay on
/// the other. Returns the number of deviations over `rounds` rounds.
pub async fn cross_process_rules(servers: &[String], rounds: usize, first_user: usize) -> usize {
    let client = Client::new();
    let mut deviations = 0;
    for r in 0..rounds {
        let Some(s) = client
            .session(&servers[0], "Matti Virtanen", PASSWORD)
            .await
        else {
            deviations += 1;
            continue;
        };
        for k in 0..5usize {
            let wrong = heeros_server::secrets::b64(&[(k + r) as u8; 32]);
            let a = client
                .unlock(&servers[k % servers.len()], &s.device_id, &wrong)
                .await;
            let want = if k < 4 {
                "pin_incorrect"
            } else {
                "device_revoked"
            };
            let left_ok = k == 4
                || a.as_ref().map(|(_, b)| b["attempts_left"].as_i64()) == Some(Some(4 - k as i64));
            if code_of(&a) != want || !left_ok {
                deviations += 1;
            }
        }
        let user = bench_user(first_user + r);
        let code = heeros_server::totp::code_at(BENCH_SECRET, Utc::now());
        let challenge = |a: Answer| a.and_then(|(_, b)| b["challenge"].as_str().map(str::to_owned));
        let c1 = challenge(client.login(&servers[0], &user, PASSWORD).await);
        let c2 = challenge(
            client
                .login(&servers[1 % servers.len()], &user, PASSWORD)
                .await,
        );
        let (Some(c1), Some(c2)) = (c1, c2) else {
            deviations += 1;
            continue;
        };
        if status(&client.totp(&servers[0], &c1, &code).await) != 200 {
            deviations += 1;
        }
        if code_of(&client.totp(&servers[1 % servers.len()], &c2, &code).await) != "totp_invalid" {
            deviations += 1;
        }
    }
    deviations
}
