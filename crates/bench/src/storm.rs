//! Login throughput at saturation, and how cheap calls fare meanwhile.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::client::{timed, Client};
use crate::seed::{bench_user, PASSWORD};

/// The storm cycles through this many bench users.
const STORM_USERS: usize = 64;
use crate::stats::Samples;

pub struct Storm {
    pub logins_per_s: f64,
    /// CPU the load generator itself used, in cores (it shares the machine).
    pub client_cores: f64,
    pub login_failures: u64,
    pub me: Samples,
    pub unlock: Samples,
    /// `POST /v1/token` with the refresh token of the last unlock.
    pub token: Samples,
    pub cheap_failures: u64,
}

impl Storm {
    /// The figures of rounds of equal length as one storm: rates averaged,
    /// counts added, latency samples pooled.
    pub fn merged(rounds: Vec<Storm>) -> Storm {
        let n = rounds.len().max(1) as f64;
        let mut all = Storm {
            logins_per_s: 0.0,
            client_cores: 0.0,
            login_failures: 0,
            me: Samples::default(),
            unlock: Samples::default(),
            token: Samples::default(),
            cheap_failures: 0,
        };
        for r in rounds {
            all.logins_per_s += r.logins_per_s / n;
            all.client_cores += r.client_cores / n;
            all.login_failures += r.login_failures;
            all.cheap_failures += r.cheap_failures;
            all.me.extend(r.me);
            all.unlock.extend(r.unlock);
            all.token.extend(r.token);
        }
        all
    }
}

/// `workers` clients log the bench users in back to back for `seconds`
/// (one user after another: a storm of many people, as the per-name
/// throttle holds any one name to 5 attempts in flight), while one prober
/// calls `GET /v1/me`, `POST /v1/unlock` and `POST /v1/token` (with the
/// refresh token that unlock gave) in turn, every 10 ms.
pub async fn run(base: &str, workers: usize, seconds: f64) -> Storm {
    let client = Client::new();
    let probe = client
        .session(base, "Liisa Korhonen", PASSWORD)
        .await
        .expect("probe session");
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let cpu_before = own_cpu_seconds();
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let (client, base, ok, failed, next) = (
            client.clone(),
            base.to_owned(),
            ok.clone(),
            failed.clone(),
            next.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let user = bench_user(next.fetch_add(1, Ordering::Relaxed) as usize % STORM_USERS);
                match client.login(&base, &user, PASSWORD).await {
                    Some((200, _)) => ok.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    // Let the storm build before probing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (mut me, mut unlock, mut token) =
        (Samples::default(), Samples::default(), Samples::default());
    let mut cheap_failures = 0;
    while Instant::now() < deadline {
        let (d, a) = timed(client.me(base, &probe.access_token)).await;
        if matches!(a, Some((200, _))) {
            me.push(d)
        } else {
            cheap_failures += 1
        }
        let (d, a) = timed(client.unlock(base, &probe.device_id, &probe.unlock_secret)).await;
        let refresh = match &a {
            Some((200, body)) => {
                unlock.push(d);
                body["refresh_token"].as_str().map(str::to_owned)
            }
            _ => {
                cheap_failures += 1;
                None
            }
        };
        if let Some(refresh) = refresh {
            let (d, a) = timed(client.token(base, &refresh)).await;
            if matches!(a, Some((200, _))) {
                token.push(d)
            } else {
                cheap_failures += 1
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    Storm {
        logins_per_s: ok.load(Ordering::Relaxed) as f64 / elapsed,
        client_cores: (own_cpu_seconds() - cpu_before) / elapsed,
        login_failures: failed.load(Ordering::Relaxed),
        me,
        unlock,
        token,
        cheap_failures,
    }
}

/// User + system CPU seconds of this process so far (Linux /proc).
fn own_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the ")" of the command name: utime and stime are 12th and 13th.
    let after = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i)?.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}
