//! Login throughput at saturation, and how cheap calls fare meanwhile.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use heeros_api::Session;

use crate::client::{Client, Measured};
use crate::seed::{bench_user, PASSWORD};
use crate::stats::{median, Samples};
use crate::wakeups;

/// The storm cycles through this many bench users.
const STORM_USERS: usize = 64;

pub struct Storm {
    /// How long it ran, in seconds.
    pub seconds: f64,
    pub logins_per_s: f64,
    /// CPU the load generator itself used, in cores (it shares the machine).
    pub client_cores: f64,
    pub login_failures: u64,
    pub me: Times,
    pub unlock: Times,
    /// `POST /v1/token` with the refresh token of the last unlock.
    pub token: Times,
    pub cheap_failures: u64,
    /// How late a sleeping thread of the load generator woke meanwhile
    /// (with the prober only: [`wakeups`]).
    pub wakeups: Samples,
}

/// One cheap call's answered times: as the prober saw them, and as the
/// server reported them (`Server-Timing`; empty from a server that does
/// not send it).
#[derive(Debug, Default)]
pub struct Times {
    pub client: Samples,
    pub server: Samples,
}

impl Times {
    fn push(&mut self, call: &Measured) {
        self.client.push(call.took);
        if let Some(server) = call.server {
            self.server.push(server);
        }
    }

    fn extend(&mut self, other: Times) {
        self.client.extend(other.client);
        self.server.extend(other.server);
    }

    pub fn len(&self) -> usize {
        self.client.len()
    }
}

impl Storm {
    /// The figures of rounds of equal length as one storm: rates averaged,
    /// counts added, latency samples pooled.
    pub fn merged(rounds: Vec<Storm>) -> Storm {
        let n = rounds.len().max(1) as f64;
        let mut all = Storm {
            seconds: 0.0,
            logins_per_s: 0.0,
            client_cores: 0.0,
            login_failures: 0,
            me: Times::default(),
            unlock: Times::default(),
            token: Times::default(),
            cheap_failures: 0,
            wakeups: Samples::default(),
        };
        for r in rounds {
            all.seconds += r.seconds;
            all.logins_per_s += r.logins_per_s / n;
            all.client_cores += r.client_cores / n;
            all.login_failures += r.login_failures;
            all.cheap_failures += r.cheap_failures;
            all.me.extend(r.me);
            all.unlock.extend(r.unlock);
            all.token.extend(r.token);
            all.wakeups.extend(r.wakeups);
        }
        all
    }

    /// The prober's answered calls per second.
    pub fn cheap_calls_per_s(&self) -> f64 {
        (self.me.len() + self.unlock.len() + self.token.len()) as f64
            / self.seconds.max(f64::EPSILON)
    }
}

/// The storms of one kind a contender has had, and their ratios to the
/// floor around them.
#[derive(Default)]
pub struct Rounds {
    ratios: Vec<f64>,
    storms: Vec<Storm>,
}

impl Rounds {
    /// A storm, and its logins ÷ the raw verifications/s around it.
    pub fn push(&mut self, storm: Storm, floor: f64) {
        self.ratios.push(storm.logins_per_s / floor);
        self.storms.push(storm);
    }

    /// The median ratio, the rounds' ratios as text, and the storms merged.
    pub fn summary(mut self) -> (f64, String, Storm) {
        let spread = self
            .ratios
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(" ");
        (median(&mut self.ratios), spread, Storm::merged(self.storms))
    }
}

/// Rounds of a side-by-side storm of `sides` contenders: the smallest
/// multiple of `2 × sides` that is at least 6, so that [`turns`] can treat
/// every side alike.
pub fn rounds_for(sides: usize) -> usize {
    let cycle = 2 * sides.max(1);
    6usize.div_ceil(cycle) * cycle
}

/// The turns of a side-by-side storm, in order, `sides` to a round: (side,
/// whether its storm of logins alone goes before its storm with the
/// prober).
/// Each round starts with the next side, and the order of the two storms
/// flips every `sides` rounds, so every side goes first equally often with
/// each order (in round 7 an A/A run, with the same server on both sides,
/// gave the side that went first more often 0.05 more of the floor).
pub fn turns(sides: usize) -> Vec<(usize, bool)> {
    let n = sides.max(1);
    (0..rounds_for(n))
        .flat_map(|round| {
            (0..n).map(move |turn| ((round + turn) % n, (round / n).is_multiple_of(2)))
        })
        .collect()
}

/// Whether a prober calls the cheap calls during a storm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// Logins only: row 1's figure, the login path against the floor.
    Off,
    /// One prober calls `GET /v1/me`, `POST /v1/unlock` and `POST
    /// /v1/token` in turn every 10 ms (140–190 calls a second here,
    /// two to three times the logins): row 2's figures.
    On,
}

/// `workers` clients log the bench users in back to back for `seconds`
/// (one user after another: a storm of many people, as the per-name
/// throttle holds any one name to 5 attempts in flight), while one prober
/// (with [`Probe::On`]) calls `GET /v1/me`, `POST /v1/unlock` and `POST
/// /v1/token` (with the refresh token that unlock gave) in turn, every
/// 10 ms. The prober runs on a thread and runtime of its own, as a phone
/// would: its times are the server's answer and the loopback's, not a wait
/// behind the load generator's own login tasks.
pub async fn run(base: &str, workers: usize, seconds: f64, probe: Probe) -> Storm {
    let client = Client::new();
    // The prober's device session, made before the clock starts.
    let session = match probe {
        Probe::On => Some(
            client
                .session(base, "Liisa Korhonen", PASSWORD)
                .await
                .expect("probe session"),
        ),
        Probe::Off => None,
    };
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
    let (probed, wakeups) = match session {
        Some(session) => {
            let prober = spawn_prober(base.to_owned(), session, deadline);
            let sleeper = wakeups::spawn(deadline);
            tokio::task::spawn_blocking(move || {
                let probed = prober.join().expect("prober");
                (probed, sleeper.join().expect("wake-up thread"))
            })
            .await
            .expect("prober")
        }
        None => (Probed::default(), Samples::default()),
    };
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    Storm {
        seconds: elapsed,
        logins_per_s: ok.load(Ordering::Relaxed) as f64 / elapsed,
        client_cores: (own_cpu_seconds() - cpu_before) / elapsed,
        login_failures: failed.load(Ordering::Relaxed),
        me: probed.me,
        unlock: probed.unlock,
        token: probed.token,
        cheap_failures: probed.failures,
        wakeups,
    }
}

/// What the prober measured.
#[derive(Default)]
struct Probed {
    me: Times,
    unlock: Times,
    token: Times,
    failures: u64,
}

/// The prober on its own thread, with a single-threaded runtime and an
/// HTTP client of its own, until `deadline`.
fn spawn_prober(
    base: String,
    session: Session,
    deadline: Instant,
) -> std::thread::JoinHandle<Probed> {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("prober runtime")
            .block_on(probe(&base, &session, deadline))
    })
}

async fn probe(base: &str, session: &Session, deadline: Instant) -> Probed {
    let client = Client::new();
    let mut probed = Probed::default();
    // Let the storm build before probing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    while Instant::now() < deadline {
        let me = Client::measure(client.me_request(base, &session.access_token)).await;
        if matches!(me.answer, Some((200, _))) {
            probed.me.push(&me)
        } else {
            probed.failures += 1
        }
        let unlock = Client::measure(client.unlock_request(
            base,
            &session.device_id,
            &session.unlock_secret,
        ))
        .await;
        let refresh = match &unlock.answer {
            Some((200, body)) => {
                probed.unlock.push(&unlock);
                body["refresh_token"].as_str().map(str::to_owned)
            }
            _ => {
                probed.failures += 1;
                None
            }
        };
        if let Some(refresh) = refresh {
            let token = Client::measure(client.token_request(base, &refresh)).await;
            if matches!(token.answer, Some((200, _))) {
                probed.token.push(&token)
            } else {
                probed.failures += 1
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    probed
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

#[cfg(test)]
mod tests {
    use super::*;

    fn storm(seconds: f64, logins_per_s: f64, cheap_calls: usize) -> Storm {
        let mut me = Times::default();
        (0..cheap_calls).for_each(|i| me.client.push(Duration::from_millis(i as u64)));
        Storm {
            seconds,
            logins_per_s,
            client_cores: 0.0,
            login_failures: 0,
            me,
            unlock: Times::default(),
            token: Times::default(),
            cheap_failures: 0,
            wakeups: Samples::default(),
        }
    }

    /// The rule of [`turns`]: every side has one turn a round, and goes
    /// first in as many rounds with each order of its two storms as every
    /// other side.
    #[test]
    fn every_side_goes_first_equally_often_with_each_order() {
        for sides in 1..=5 {
            let turns = turns(sides);
            let rounds = rounds_for(sides);
            assert!(
                rounds >= 6 && rounds.is_multiple_of(2 * sides),
                "{sides}: {rounds}"
            );
            assert_eq!(turns.len(), rounds * sides);
            let mut firsts = vec![[0usize; 2]; sides];
            for (round, this) in turns.chunks(sides).enumerate() {
                let mut seen: Vec<usize> = this.iter().map(|t| t.0).collect();
                seen.sort();
                assert_eq!(seen, (0..sides).collect::<Vec<_>>(), "round {round}");
                assert!(this.iter().all(|t| t.1 == this[0].1), "one order a round");
                firsts[this[0].0][usize::from(this[0].1)] += 1;
            }
            assert!(
                firsts.iter().all(|f| *f == firsts[0]),
                "{sides}: {firsts:?}"
            );
            assert!(firsts[0][0] > 0 && firsts[0][1] > 0, "{sides}: {firsts:?}");
        }
    }

    /// Each round is judged against its own floor, and the middle round
    /// counts; the merged storms keep every sample and the total time.
    #[test]
    fn rounds_are_judged_by_the_median_of_their_own_ratios() {
        let mut rounds = Rounds::default();
        rounds.push(storm(4.0, 60.0, 400), 80.0);
        rounds.push(storm(4.0, 45.0, 200), 50.0);
        rounds.push(storm(2.0, 70.0, 0), 70.0);
        let (ratio, spread, merged) = rounds.summary();
        assert_eq!(ratio, 0.9);
        assert_eq!(spread, "0.75 0.90 1.00");
        assert_eq!(merged.me.len(), 600);
        assert_eq!(merged.cheap_calls_per_s(), 60.0);
    }
}
