//! Payments at scale (docs/api.md, "Invoices and payments"): N simulated
//! devices on two server processes over one PostgreSQL. Each device logs
//! in and registers its payment key; then each lists its company's
//! invoices, approves its own one, orders it and confirms the order with
//! the signature of its lines. Every [`DUPLICATE_EVERY`]th device sends its
//! confirmation twice at once, one to each process; PostgreSQL is
//! restarted once when half the payments are done. Clients retry answers
//! lost in transport and 503s (on the other process); a confirmation
//! answered 409 is read back from the invoice list (paid by the duplicate
//! or by a retried request whose answer was lost, or held by a check that
//! died with the database: then sent again). Then the database is checked:
//! no invoice paid twice, every paid invoice in exactly one confirmed
//! order, every confirmed order's invoices paid, every device's invoice
//! paid.

use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer, SigningKey};
use heeros_api::{paths, signed_lines, InvoiceList, InvoiceStatus, LoginStep, PaymentOrder};
use heeros_server::secrets::b64;
use serde_json::json;

use crate::client::{code_of, timed, Answer, Client};
use crate::faults::run_shell;
use crate::seed::{payer_user, PASSWORD};
use crate::stats::Samples;

/// Every this many devices send their confirmation twice in parallel.
pub const DUPLICATE_EVERY: usize = 4;
/// How long a client keeps retrying one call (503s, lost answers, a
/// confirmation held by a dead check: docs/api.md says 30 s at most).
const RETRY_FOR: Duration = Duration::from_secs(45);

#[derive(Debug, Default)]
pub struct Outcome {
    pub devices: usize,
    /// Devices whose confirmation ended with their invoice paid.
    pub paid: usize,
    /// Devices that did not get there: step and answer -> count.
    pub failed: BTreeMap<String, usize>,
    /// Every answer of the run by code ("200", "unavailable", "lost", ...).
    pub answers: BTreeMap<String, usize>,
    pub retries: usize,
    /// Devices that sent their confirmation twice, and of those how many
    /// got two 200s (must be 0).
    pub duplicated: usize,
    pub two_200s: usize,
    /// Confirmation requests answered 409 whose invoice was then seen paid.
    pub confirm_409_paid: usize,
    /// Every answered confirmation request.
    pub confirm: Samples,
    /// The pay phase (list, approve, order, confirm; no Argon2).
    pub pay_seconds: f64,
    pub login_seconds: f64,
    pub restart_ran: bool,
    /// When the restart began and ended, seconds into the pay phase.
    pub restart_at: (f64, f64),
    pub check: DbCheck,
}

impl Outcome {
    pub fn answers_500(&self) -> usize {
        self.answers
            .iter()
            .filter(|(k, _)| k.as_str() == "500" || k.as_str() == "internal")
            .map(|(_, v)| v)
            .sum()
    }

    pub fn confirmations_per_s(&self) -> f64 {
        self.paid as f64 / self.pay_seconds
    }
}

/// What the database says after the run.
#[derive(Debug, Default)]
pub struct DbCheck {
    /// Invoices in more than one confirmed order.
    pub paid_twice: i64,
    /// Paid invoices not in exactly one confirmed order.
    pub paid_not_in_one_order: i64,
    /// Invoices of confirmed orders that are not paid.
    pub confirmed_unpaid: i64,
    /// Devices whose invoice is not paid.
    pub unpaid: usize,
    pub confirmed_orders: i64,
}

impl DbCheck {
    pub fn clean(&self) -> bool {
        self.paid_twice == 0
            && self.paid_not_in_one_order == 0
            && self.confirmed_unpaid == 0
            && self.unpaid == 0
    }
}

struct Payer {
    token: String,
    key: SigningKey,
}

struct Run {
    client: Client,
    servers: Vec<String>,
    users: usize,
    answers: Mutex<BTreeMap<String, usize>>,
    confirm: Mutex<Samples>,
    retries: AtomicUsize,
}

fn status(a: &Answer) -> u16 {
    a.as_ref().map_or(0, |(s, _)| *s)
}

/// The device's payment key: a fixed seed per device.
fn key_of(i: usize) -> SigningKey {
    let mut seed = [7u8; 32];
    seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
    SigningKey::from_bytes(&seed)
}

impl Run {
    /// Step `k` of device `i`, try `n`, goes to this process: the steps
    /// alternate, and a retry goes to the other process.
    fn at(&self, i: usize, k: usize, n: usize) -> &str {
        &self.servers[(i + k + n) % self.servers.len()]
    }

    fn tally(&self, a: &Answer) {
        *self
            .answers
            .lock()
            .expect("tally")
            .entry(code_of(a))
            .or_default() += 1;
    }

    /// Sends `call(try)` until it is answered with something else than 503
    /// or a lost answer, pausing 50 ms doubling to 1 s, for [`RETRY_FOR`].
    /// With `timed`, every answered try's latency is a confirmation sample.
    async fn retrying<F, Fut>(&self, timed_samples: bool, mut call: F) -> Answer
    where
        F: FnMut(usize) -> Fut,
        Fut: Future<Output = Answer>,
    {
        let deadline = Instant::now() + RETRY_FOR;
        let mut pause = Duration::from_millis(50);
        let mut n = 0;
        loop {
            let (took, a) = timed(call(n)).await;
            self.tally(&a);
            if timed_samples && a.is_some() {
                self.confirm.lock().expect("samples").push(took);
            }
            let again = matches!(&a, None | Some((503, _)));
            if !again || Instant::now() >= deadline {
                return a;
            }
            self.retries.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(1));
            n += 1;
        }
    }

    /// Login (no authenticator: straight to PIN setup) and the payment key.
    async fn setup(&self, i: usize) -> Result<Payer, String> {
        let user = payer_user(i % self.users);
        let a = self
            .retrying(false, |n| {
                self.client.login(self.at(i, 0, n), &user, PASSWORD)
            })
            .await;
        let session = match a.as_ref().and_then(|(s, b)| {
            (*s == 200)
                .then(|| serde_json::from_value::<LoginStep>(b.clone()).ok())
                .flatten()
        }) {
            Some(LoginStep::PinSetup { session }) => session,
            _ => return Err(format!("login: {}", code_of(&a))),
        };
        let key = key_of(i);
        let body = json!({ "public_key": b64(key.verifying_key().as_bytes()) });
        let token = session.access_token;
        let a = self
            .retrying(false, |n| {
                self.client
                    .post_as(self.at(i, 1, n), &token, paths::PAYMENT_KEY, body.clone())
            })
            .await;
        if status(&a) != 204 {
            return Err(format!("payment key: {}", code_of(&a)));
        }
        Ok(Payer { token, key })
    }

    /// The status of one invoice in the caller's list.
    async fn invoice_status(
        &self,
        i: usize,
        k: usize,
        p: &Payer,
        id: i64,
    ) -> Result<InvoiceStatus, String> {
        let a = self
            .retrying(false, |n| {
                self.client
                    .get_as(self.at(i, k, n), &p.token, paths::INVOICES)
            })
            .await;
        let list = match a {
            Some((200, body)) => serde_json::from_value::<InvoiceList>(body)
                .map_err(|e| format!("invoice list unreadable: {e}"))?,
            other => return Err(format!("invoice list: {}", code_of(&other))),
        };
        list.invoices
            .into_iter()
            .find(|v| v.id == id)
            .map(|v| v.status)
            .ok_or_else(|| "invoice not listed".to_owned())
    }

    /// One confirmation request, sent again while it is 503 or lost, and
    /// while it is 409 with the invoice not yet paid (another request of
    /// this order is being checked, or a check died with the database and
    /// holds the order up to 30 s). Returns the last answer and whether the
    /// invoice was seen paid after a 409.
    async fn confirm(
        &self,
        i: usize,
        k: usize,
        p: &Payer,
        order: &PaymentOrder,
        signature: &str,
        invoice_id: i64,
    ) -> (Answer, bool) {
        let path = paths::payment_confirm(&order.payment_id);
        let body = json!({ "signature": signature });
        let deadline = Instant::now() + RETRY_FOR;
        let mut round = 0;
        loop {
            let a = self
                .retrying(true, |n| {
                    self.client
                        .post_as(self.at(i, k + round, n), &p.token, &path, body.clone())
                })
                .await;
            if status(&a) != 409 {
                return (a, false);
            }
            let paid = self.invoice_status(i, k + 1, p, invoice_id).await;
            if paid == Ok(InvoiceStatus::Paid) || Instant::now() >= deadline {
                return (a, paid == Ok(InvoiceStatus::Paid));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            round += 1;
        }
    }

    /// List, approve, order, confirm (twice in parallel for some devices).
    async fn pay(&self, i: usize, p: &Payer, id: i64, out: &Mutex<Outcome>) -> Result<(), String> {
        match self.invoice_status(i, 2, p, id).await? {
            InvoiceStatus::AwaitingApproval => {}
            other => return Err(format!("invoice listed as {other:?}")),
        }
        let approve = paths::invoice_approve(id);
        let a = self
            .retrying(false, |n| {
                self.client
                    .post_as(self.at(i, 3, n), &p.token, &approve, json!({}))
            })
            .await;
        match status(&a) {
            200 => {}
            // A retry after an approval whose answer was lost.
            409 if self.invoice_status(i, 3, p, id).await == Ok(InvoiceStatus::Approved) => {}
            _ => return Err(format!("approve: {}", code_of(&a))),
        }
        let a = self
            .retrying(false, |n| {
                self.client.post_as(
                    self.at(i, 4, n),
                    &p.token,
                    paths::PAYMENTS,
                    json!({ "invoice_ids": [id] }),
                )
            })
            .await;
        let order: PaymentOrder = match a {
            Some((200, body)) => {
                serde_json::from_value(body).map_err(|e| format!("order unreadable: {e}"))?
            }
            other => return Err(format!("order: {}", code_of(&other))),
        };
        let signature = b64(&p.key.sign(signed_lines(&order).as_bytes()).to_bytes());
        let ends = if i.is_multiple_of(DUPLICATE_EVERY) {
            let (a, b) = tokio::join!(
                self.confirm(i, 5, p, &order, &signature, id),
                self.confirm(i, 6, p, &order, &signature, id)
            );
            vec![a, b]
        } else {
            vec![self.confirm(i, 5, p, &order, &signature, id).await]
        };
        let ok = ends.iter().filter(|(a, _)| status(a) == 200).count();
        let seen_paid = ends.iter().filter(|(_, paid)| *paid).count();
        {
            let mut out = out.lock().expect("outcome");
            out.duplicated += usize::from(ends.len() > 1);
            out.two_200s += usize::from(ok > 1);
            out.confirm_409_paid += seen_paid;
        }
        if ok + seen_paid == 0 {
            let codes: Vec<String> = ends.iter().map(|(a, _)| code_of(a)).collect();
            return Err(format!("confirm: {}", codes.join("+")));
        }
        Ok(())
    }
}

/// The run: `invoices[i]` is device `i`'s invoice (see
/// `seed::seed_payers`), `users` the payer users they are spread over.
pub async fn run(
    servers: &[String],
    database_url: &str,
    invoices: &[i64],
    users: usize,
    concurrency: usize,
    restart: &str,
) -> Outcome {
    let devices = invoices.len();
    let run = Arc::new(Run {
        client: Client::new(),
        servers: servers.to_vec(),
        users,
        answers: Mutex::default(),
        confirm: Mutex::default(),
        retries: AtomicUsize::new(0),
    });
    let out = Arc::new(Mutex::new(Outcome {
        devices,
        ..Outcome::default()
    }));
    let fail = |out: &Mutex<Outcome>, why: String| {
        *out.lock().expect("outcome").failed.entry(why).or_default() += 1;
    };

    // Logins and payment keys (Argon2 bound).
    let start = Instant::now();
    let payers: Arc<Mutex<Vec<Option<Payer>>>> =
        Arc::new(Mutex::new((0..devices).map(|_| None).collect()));
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (run, out, payers, next) = (run.clone(), out.clone(), payers.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= devices {
                    return;
                }
                match run.setup(i).await {
                    Ok(p) => payers.lock().expect("payers")[i] = Some(p),
                    Err(why) => fail(&out, why),
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let login_seconds = start.elapsed().as_secs_f64();

    // Payments, with one PostgreSQL restart when half are done.
    let payers: Arc<Vec<Option<Payer>>> =
        Arc::new(std::mem::take(&mut *payers.lock().expect("payers")));
    let invoices: Arc<Vec<i64>> = Arc::new(invoices.to_vec());
    let start = Instant::now();
    let done = Arc::new(AtomicUsize::new(0));
    let restarted = Arc::new(AtomicBool::new(false));
    let (restart_tx, restart_rx) = tokio::sync::oneshot::channel::<()>();
    let restart_tx = Arc::new(Mutex::new(Some(restart_tx)));
    let restart = restart.to_owned();
    let restarter = tokio::spawn(async move {
        if restart_rx.await.is_err() {
            return (false, (0.0, 0.0));
        }
        let began = start.elapsed().as_secs_f64();
        let ok = run_shell(&restart).await;
        (ok, (began, start.elapsed().as_secs_f64()))
    });
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (run, out, payers, invoices, next, done, restarted, restart_tx) = (
            run.clone(),
            out.clone(),
            payers.clone(),
            invoices.clone(),
            next.clone(),
            done.clone(),
            restarted.clone(),
            restart_tx.clone(),
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= devices {
                    return;
                }
                let Some(p) = &payers[i] else { continue };
                match run.pay(i, p, invoices[i], &out).await {
                    Ok(()) => out.lock().expect("outcome").paid += 1,
                    Err(why) => fail(&out, why),
                }
                if done.fetch_add(1, Ordering::Relaxed) + 1 >= devices / 2
                    && !restarted.swap(true, Ordering::Relaxed)
                {
                    if let Some(tx) = restart_tx.lock().expect("restart").take() {
                        let _ = tx.send(());
                    }
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let pay_seconds = start.elapsed().as_secs_f64();
    drop(restart_tx);
    let (restart_ran, restart_at) = restarter.await.unwrap_or((false, (0.0, 0.0)));

    let check = check_database(database_url, &invoices).await;
    let mut out = std::mem::take(&mut *out.lock().expect("outcome"));
    out.answers = std::mem::take(&mut *run.answers.lock().expect("tally"));
    out.confirm = std::mem::take(&mut *run.confirm.lock().expect("samples"));
    out.retries = run.retries.load(Ordering::Relaxed);
    out.pay_seconds = pay_seconds;
    out.login_seconds = login_seconds;
    out.restart_ran = restart_ran;
    out.restart_at = restart_at;
    out.check = check;
    out
}

/// The database's word on the run (PostgreSQL restarted: reconnects).
async fn check_database(url: &str, invoices: &[i64]) -> DbCheck {
    let db = heeros_server::Db::connect(url)
        .await
        .expect("check database");
    let count = |sql: &'static str| {
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .expect("check query")
        }
    };
    let paid_twice = count(
        "SELECT COUNT(*) FROM (SELECT i.invoice_id FROM payment_items i \
         JOIN payments p ON p.id = i.payment_id WHERE p.confirmed_at IS NOT NULL \
         GROUP BY i.invoice_id HAVING COUNT(*) > 1) t",
    )
    .await;
    let paid_not_in_one_order = count(
        "SELECT COUNT(*) FROM invoices v WHERE v.status = 'paid' AND (SELECT COUNT(*) \
         FROM payment_items i JOIN payments p ON p.id = i.payment_id \
         WHERE i.invoice_id = v.id AND p.confirmed_at IS NOT NULL) <> 1",
    )
    .await;
    let confirmed_unpaid = count(
        "SELECT COUNT(*) FROM payment_items i JOIN payments p ON p.id = i.payment_id \
         JOIN invoices v ON v.id = i.invoice_id \
         WHERE p.confirmed_at IS NOT NULL AND v.status <> 'paid'",
    )
    .await;
    let confirmed_orders =
        count("SELECT COUNT(*) FROM payments WHERE confirmed_at IS NOT NULL").await;
    let paid: HashSet<i64> =
        sqlx::query_scalar::<_, i64>("SELECT id FROM invoices WHERE status = 'paid'")
            .fetch_all(&db.pool)
            .await
            .expect("paid invoices")
            .into_iter()
            .collect();
    let unpaid = invoices.iter().filter(|id| !paid.contains(id)).count();
    db.pool.close().await;
    DbCheck {
        paid_twice,
        paid_not_in_one_order,
        confirmed_unpaid,
        unpaid,
        confirmed_orders,
    }
}
