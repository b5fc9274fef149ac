//! heeros-bench: figures for BENCHMARKS.md, side by side in one run.
//! Run it with `bash scripts/bench.sh` (release build, PostgreSQL started).

mod app_start;
mod client;
mod faults;
mod floor;
mod payments;
mod procs;
mod scale;
mod seed;
mod stats;
mod storm;
mod wakeups;

use std::sync::atomic::{AtomicUsize, Ordering};

use clap::Parser;
use procs::ServerProc;
use stats::{median, ms};

#[derive(Parser)]
#[command(about = "Load, scale and fault figures for heeros-server")]
struct Args {
    /// Seconds of each kind of login storm, logins alone and logins with
    /// the prober beside them, for each side compared (in 6 or 8 rounds:
    /// the floor, one storm of each kind, the floor again; each floor half
    /// a storm's length).
    #[arg(long, default_value_t = 20.0)]
    seconds: f64,
    /// Simulated devices in the scale runs.
    #[arg(long, default_value_t = 1000)]
    devices: usize,
    /// Concurrent clients in the scale runs.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// A PostgreSQL server URL (a fresh database is made on it); without it
    /// the PostgreSQL rows are skipped.
    #[arg(long, env = "HEEROS_TEST_POSTGRES_URL")]
    postgres: Option<String>,
    /// Shell command that restarts that PostgreSQL (for the fault run).
    #[arg(long, env = "HEEROS_BENCH_PG_RESTART")]
    pg_restart: Option<String>,
    /// The app binary (release) for the start-up figure; needs a display.
    #[arg(long)]
    app_binary: Option<std::path::PathBuf>,
    /// The bare Dioxus window (release example) to compare the app with.
    #[arg(long)]
    bare_binary: Option<std::path::PathBuf>,
    /// Launches of each window (alternating) for the start-up medians.
    #[arg(long, default_value_t = 7)]
    start_runs: usize,
    /// Which steps to run (comma-separated): storm, scale, payments,
    /// faults, app-start. All by default.
    #[arg(long, default_value = "storm,scale,payments,faults,app-start")]
    steps: String,
    /// Seconds one launch may take to show its painted window before it is
    /// retried (at most 3 launches per measurement).
    #[arg(long, default_value_t = 60.0)]
    start_timeout: f64,
    /// The hashing threads' priorities the storm compares (comma-separated
    /// values of HEEROS_HASH_PRIORITY; `10` is the server's default, `0` the
    /// async workers' own priority).
    #[arg(long, default_value = "0,10,idle")]
    priorities: String,
    /// Another `heeros-server` binary (say, a build of the commit before a
    /// change, copied aside) to put in the storm beside this build's: it
    /// takes turns with the priorities round by round, at its own default
    /// priority, on a database of its own; its rows are references.
    #[arg(long)]
    compare_server: Option<std::path::PathBuf>,
}

/// Rows whose goal was missed or whose figure could not be taken.
static MISSED: AtomicUsize = AtomicUsize::new(0);

impl Args {
    fn step(&self, name: &str) -> bool {
        self.steps.split(',').any(|s| s.trim() == name)
    }
}

fn row(what: &str, figure: String, goal: &str, met: bool) {
    if !met {
        MISSED.fetch_add(1, Ordering::Relaxed);
    }
    println!(
        "| {what} | {figure} | {goal} | {} |",
        if met { "met" } else { "**missed**" }
    );
}

/// A row whose figure is a reference for the next (no goal of its own)
/// when `met` is None.
fn row_or_reference(what: &str, figure: String, goal: &str, met: Option<bool>) {
    match met {
        Some(met) => row(what, figure, goal, met),
        None => println!("| {what} | {figure} | ({goal}) | reference |"),
    }
}

/// The 1-minute load average, as text ("?" where unknown).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// Runs of each floor in row 0 (alternating).
const FLOOR_RUNS: usize = 5;

/// What one contender of a side-by-side storm runs.
#[derive(Clone)]
enum Side {
    /// This build's server, its hashing threads at a priority (a value of
    /// HEEROS_HASH_PRIORITY).
    Priority(String),
    /// Another server binary, at its own default priority.
    Binary(std::path::PathBuf),
}

impl Side {
    /// A name for its database file.
    fn slug(&self) -> String {
        match self {
            Side::Priority(p) => p.clone(),
            Side::Binary(_) => "compared".into(),
        }
    }

    async fn start(&self, url: &str) -> ServerProc {
        match self {
            Side::Priority(p) => {
                ServerProc::start_with(url, &[(heeros_server::passwords::HASH_PRIORITY_ENV, p)])
                    .await
            }
            Side::Binary(path) => ServerProc::start_binary(path, url).await,
        }
    }
}

/// One side of a side-by-side storm: its own server on its own database,
/// and the rounds it has had.
struct Contender {
    side: Side,
    server: ServerProc,
    /// Logins alone (row 1), each round's logins ÷ its floor.
    alone: storm::Rounds,
    /// Logins with the prober beside them (row 2, and the logins it left).
    probed: storm::Rounds,
    /// The 1-minute load average before its first round.
    load: Option<String>,
}

impl Contender {
    /// This build at its default priority: the rows that carry the goals.
    fn is_default(&self) -> bool {
        matches!(&self.side, Side::Priority(p)
            if heeros_server::passwords::HashPriority::parse(p)
                == Some(heeros_server::passwords::DEFAULT_HASH_PRIORITY))
    }

    /// One round: the floor, a storm of logins alone and one with the
    /// prober (in the order `alone_first`), the floor again; each storm's
    /// logins are divided by the mean of the two floors.
    async fn round(&mut self, cores: usize, seconds: f64, alone_first: bool) {
        let workers = cores * 4;
        let before = argon2_floor(cores, seconds / 2.0).await;
        let order = match alone_first {
            true => [storm::Probe::Off, storm::Probe::On],
            false => [storm::Probe::On, storm::Probe::Off],
        };
        let mut storms = Vec::with_capacity(order.len());
        for probe in order {
            let storm = storm::run(&self.server.base_url, workers, seconds, probe).await;
            storms.push((probe, storm));
        }
        let after = argon2_floor(cores, seconds / 2.0).await;
        let floor = (before + after) / 2.0;
        for (probe, storm) in storms {
            match probe {
                storm::Probe::Off => self.alone.push(storm, floor),
                storm::Probe::On => self.probed.push(storm, floor),
            }
        }
    }
}

/// Rows 1 and 2 on one backend: a login storm at each hashing priority
/// (and on a compared binary), each on its own server and database
/// (`dbs`: side and database URL). The sides take turns round by round
/// ([`storm::turns`]), so neither the machine's drift nor going first
/// falls on one side (in rounds 6 and 7, whoever went first more often
/// tended to score higher).
async fn storm_rows(backend: &str, dbs: Vec<(Side, String)>, cores: usize, seconds: f64) {
    let mut contenders = Vec::with_capacity(dbs.len());
    for (side, url) in dbs {
        let server = side.start(&url).await;
        contenders.push(Contender {
            side,
            server,
            alone: storm::Rounds::default(),
            probed: storm::Rounds::default(),
            load: None,
        });
    }
    // The same prober with no logins: what this machine gives cheap calls
    // anyway, the baseline under the storm's tail.
    let quiet = match contenders.iter().find(|c| c.is_default()) {
        Some(c) => Some(storm::run(&c.server.base_url, 0, seconds / 4.0, storm::Probe::On).await),
        None => None,
    };
    // Rounds of floor, storms, floor: each round's logins are divided by
    // the mean of the floors on either side, and the median round counts,
    // so the machine's drift (its floor moved by up to 40 % within a
    // minute here) cancels out instead of landing on one side.
    let round_s = seconds / storm::rounds_for(contenders.len()) as f64;
    for (side, alone_first) in storm::turns(contenders.len()) {
        let c = &mut contenders[side];
        c.load.get_or_insert_with(load_average);
        c.round(cores, round_s, alone_first).await;
    }
    for c in contenders {
        contender_rows(backend, c, quiet.as_ref(), cores);
    }
}

/// The rows of one [`Contender`]: the default priority's carry the goals
/// (and the no-storm baseline before them), the others are references.
fn contender_rows(backend: &str, c: Contender, quiet: Option<&storm::Storm>, cores: usize) {
    let default = c.is_default();
    let at = match (&c.side, default) {
        (Side::Binary(path), _) => format!("{backend}, {} at its default", path.display()),
        (Side::Priority(p), _) if p == "idle" => {
            format!("{backend}, hashing threads at SCHED_IDLE")
        }
        (Side::Priority(nice), true) => {
            format!("{backend}, hashing threads at nice +{nice} (the default)")
        }
        (Side::Priority(nice), false) => format!("{backend}, hashing threads at nice +{nice}"),
    };
    let load = c.load.unwrap_or_else(|| "?".into());
    let mark = |met: bool| default.then_some(met);
    let (ratio, spread, alone) = c.alone.summary();
    row_or_reference(
        &format!("1. logins/s through HTTP ÷ raw Argon2id verifications/s, logins alone, {at}"),
        format!(
            "median {ratio:.3} (rounds {spread}; {:.1} logins/s; login failures: {}; the load generator used {:.2} of the {cores} cores; 1-min load average before: {load})",
            alone.logins_per_s, alone.login_failures, alone.client_cores
        ),
        "≥ 0.9",
        mark(ratio >= 0.9 && alone.login_failures == 0),
    );
    let (ratio, spread, probed) = c.probed.summary();
    row_or_reference(
        &format!("1. the same with the prober's cheap calls beside the logins (row 2's storms), {at}"),
        format!(
            "median {ratio:.3} (rounds {spread}; {:.1} logins/s and {:.0} cheap calls/s; login failures: {}; the load generator used {:.2} of the {cores} cores)",
            probed.logins_per_s,
            probed.cheap_calls_per_s(),
            probed.login_failures,
            probed.client_cores
        ),
        "as many logins at each priority",
        None,
    );
    // 2. Cheap calls during the storm, after the same with no storm.
    if let (Some(quiet), true) = (quiet, default) {
        cheap_call_rows(
            &format!("with no login storm, {backend}"),
            quiet,
            "the baseline",
            |_| None,
        );
    }
    let goal = "p99 < 5 ms, no failures";
    let failures = probed.cheap_failures;
    cheap_call_rows(
        &format!("during the login storm, {at}"),
        &probed,
        goal,
        |p99| mark(p99.as_secs_f64() < 0.005 && failures == 0),
    );
}

/// Row 2 for each cheap call in `storm`: p50 / p99 as the prober saw them,
/// and the server's own (`Server-Timing`), `when`; `met` judges the
/// prober's p99 (None: a reference row).
fn cheap_call_rows(
    when: &str,
    storm: &storm::Storm,
    goal: &str,
    met: impl Fn(std::time::Duration) -> Option<bool>,
) {
    for (call, times) in [
        ("`GET /v1/me`", &storm.me),
        ("`POST /v1/unlock`", &storm.unlock),
        ("`POST /v1/token`", &storm.token),
    ] {
        let p99 = times.client.percentile(99.0);
        let server = match times.server.len() {
            0 => "not reported".to_owned(),
            _ => format!(
                "{} / {}",
                ms(times.server.percentile(50.0)),
                ms(times.server.percentile(99.0))
            ),
        };
        row_or_reference(
            &format!("2. {call} {when}, p50 / p99"),
            format!(
                "{} / {} (the server's own time: {server}; {} calls; failures of the three: {})",
                ms(times.client.percentile(50.0)),
                ms(p99),
                times.len(),
                storm.cheap_failures
            ),
            goal,
            met(p99),
        );
    }
    let late = &storm.wakeups;
    row_or_reference(
        &format!(
            "2. this machine waking a thread {when}: a 1 ms sleep overslept by, p50 / p99 / p99.9"
        ),
        format!(
            "{} / {} / {} (max {}; {} naps)",
            ms(late.percentile(50.0)),
            ms(late.percentile(99.0)),
            ms(late.percentile(99.9)),
            ms(late.percentile(100.0)),
            late.len()
        ),
        "the floor under each hand-off",
        None,
    );
}

/// Raw Argon2id verifications per second on `cores` threads, nothing else
/// running.
async fn argon2_floor(cores: usize, seconds: f64) -> f64 {
    argon2_floor_by(cores, seconds, floor::Floor::KeptMemory).await
}

/// Row 0: the two floors side by side, alternating, the median of each.
async fn floor_row(cores: usize, seconds: f64) {
    let round_s = seconds / FLOOR_RUNS as f64 / 2.0;
    let (mut kept, mut library) = (Vec::new(), Vec::new());
    for _ in 0..FLOOR_RUNS {
        kept.push(argon2_floor_by(cores, round_s, floor::Floor::KeptMemory).await);
        library.push(argon2_floor_by(cores, round_s, floor::Floor::Library).await);
    }
    let (kept, library) = (median(&mut kept), median(&mut library));
    row_or_reference(
        &format!("0. raw Argon2id verifications/s on {cores} threads: working memory kept (the server's way, the floor of row 1) / argon2's `verify_password` (rounds 1–3's floor)"),
        format!("{kept:.1} / {library:.1} (medians of {FLOOR_RUNS} alternating runs: {:+.0} %)", (kept / library - 1.0) * 100.0),
        "the floor",
        None,
    );
}

async fn argon2_floor_by(cores: usize, seconds: f64, how: floor::Floor) -> f64 {
    tokio::task::spawn_blocking(move || floor::argon2_verifications_per_s(cores, seconds, how))
        .await
        .expect("floor")
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = heeros_server::db::sqlite_url(&dir.path().join("bench.sqlite"));
    let rule_rounds = 20;
    seed::seed(&sqlite, args.devices + rule_rounds).await;

    println!("| figure | result | goal | |");
    println!("|---|---|---|---|");

    if args.step("storm") {
        floor_row(cores, args.seconds).await;
        // 1. Login throughput vs the Argon2 floor, on the same cores, in
        // rounds (storm_rows).
        // Side by side: the hashing threads at nice +10 (the server's
        // default: its rows carry the goal), at the async workers' own
        // priority and at SCHED_IDLE, and a compared server binary if
        // given, taking turns round by round; each on a database of its
        // own seeded alike, so no run inherits another's rows.
        let mut sides: Vec<Side> = args
            .priorities
            .split(',')
            .map(|p| Side::Priority(p.trim().to_owned()))
            .collect();
        sides.extend(args.compare_server.clone().map(Side::Binary));
        let mut dbs = Vec::with_capacity(sides.len());
        for side in &sides {
            let file = format!("storm-{}.sqlite", side.slug());
            let url = heeros_server::db::sqlite_url(&dir.path().join(file));
            seed::seed(&url, args.devices + rule_rounds).await;
            dbs.push((side.clone(), url));
        }
        storm_rows("SQLite", dbs, cores, args.seconds).await;
        if let Some(base) = &args.postgres {
            let mut dbs = Vec::with_capacity(sides.len());
            for side in &sides {
                let url = heeros_server::testing::fresh_postgres_database(base).await;
                seed::seed(&url, args.devices + rule_rounds).await;
                dbs.push((side.clone(), url));
            }
            storm_rows("PostgreSQL", dbs, cores, args.seconds).await;
        }
    }

    // 5. Scale: N full journeys.
    let mut runs: Vec<(String, Vec<String>, Vec<ServerProc>)> = Vec::new();
    let one = ServerProc::start(&sqlite).await;
    runs.push((
        "SQLite, 1 server".into(),
        vec![one.base_url.clone()],
        vec![one],
    ));
    let mut pg_url = None;
    if let Some(base) = &args.postgres {
        let url = heeros_server::testing::fresh_postgres_database(base).await;
        seed::seed(&url, args.devices + rule_rounds).await;
        let a = ServerProc::start(&url).await;
        runs.push((
            "PostgreSQL, 1 server".into(),
            vec![a.base_url.clone()],
            vec![a],
        ));
        let (b, c) = (ServerProc::start(&url).await, ServerProc::start(&url).await);
        runs.push((
            "PostgreSQL, 2 server processes".into(),
            vec![b.base_url.clone(), c.base_url.clone()],
            vec![b, c],
        ));
        pg_url = Some(url);
    }
    for (i, (name, urls, _procs)) in runs.iter().enumerate() {
        if !args.step("scale") {
            break;
        }
        // Each run uses the users once; the PostgreSQL runs share a database,
        // so the two-process run is given its own journeys by re-seeding.
        if i == 2 {
            if let Some(url) = &pg_url {
                let db = heeros_server::Db::connect(url).await.expect("pg");
                heeros_server::db::execute(&db, "UPDATE users SET totp_last_step = NULL")
                    .await
                    .expect("reset steps");
            }
        }
        let out = scale::run(urls, args.devices, args.concurrency).await;
        row(
            &format!("5. {} journeys, {name}", args.devices),
            format!(
                "{} ok in {:.1} s, {} wrong, {} lost{}",
                out.journeys_ok,
                out.seconds,
                out.wrong_total(),
                out.lost,
                if out.wrong.is_empty() {
                    String::new()
                } else {
                    format!(" {:?}", out.wrong)
                }
            ),
            "all ok, 0 wrong, 0 lost",
            out.journeys_ok == args.devices && out.wrong_total() == 0,
        );
        if urls.len() > 1 {
            let deviations = scale::cross_process_rules(urls, rule_rounds, args.devices).await;
            row(
                "5. lockout (5th wrong PIN) and TOTP replay alternating between 2 processes",
                format!("{deviations} deviations in {rule_rounds} rounds"),
                "0",
                deviations == 0,
            );
        }
    }
    drop(runs);

    // 3. Payments at scale: two processes, one PostgreSQL, one restart.
    if let (Some(base), Some(restart), true) =
        (&args.postgres, &args.pg_restart, args.step("payments"))
    {
        let url = heeros_server::testing::fresh_postgres_database(base).await;
        let db = heeros_server::Db::connect(&url)
            .await
            .expect("payments database");
        let (users, invoices) = seed::seed_payers(&db, args.devices).await;
        db.pool.close().await;
        let (a, b) = (ServerProc::start(&url).await, ServerProc::start(&url).await);
        let urls = [a.base_url.clone(), b.base_url.clone()];
        let load = load_average();
        let out = payments::run(&urls, &url, &invoices, users, args.concurrency, restart).await;
        drop((a, b));
        let c = &out.check;
        row(
            &format!(
                "3. payments at scale: {} devices ({users} users), 2 server processes, 1 PostgreSQL restarted mid-run",
                out.devices
            ),
            format!(
                "{} / {} paid; paid twice: {}; lost (device's invoice unpaid): {}; answers 500: {}; \
                 {:.0} confirmations/s ({:.1} s; each device lists, approves, orders, confirms), \
                 confirm p50 / p99 {} / {} ({} requests); {} sent twice in parallel: {} got two 200s; \
                 {} retries; restart ran: {} ({:.1}–{:.1} s); DB: {} confirmed orders, {} paid invoices \
                 not in exactly one confirmed order, {} invoices of confirmed orders unpaid; \
                 answers {:?}{}; 1-min load average before: {load}",
                out.paid,
                out.devices,
                c.paid_twice,
                c.unpaid,
                out.answers_500(),
                out.confirmations_per_s(),
                out.pay_seconds,
                ms(out.confirm.percentile(50.0)),
                ms(out.confirm.percentile(99.0)),
                out.confirm.len(),
                out.duplicated,
                out.two_200s,
                out.retries,
                out.restart_ran,
                out.restart_at.0,
                out.restart_at.1,
                c.confirmed_orders,
                c.paid_not_in_one_order,
                c.confirmed_unpaid,
                out.answers,
                if out.failed.is_empty() {
                    String::new()
                } else {
                    format!("; failed: {:?}", out.failed)
                }
            ),
            "0 paid twice, 0 lost, 0 answers 500",
            c.clean()
                && out.answers_500() == 0
                && out.two_200s == 0
                && out.paid == out.devices
                && out.restart_ran,
        );
    }

    // 6. Faults.
    if let (Some(url), Some(restart), true) = (&pg_url, &args.pg_restart, args.step("faults")) {
        let server = ServerProc::start(url).await;
        let out = faults::database_restart(&server, restart, 12.0).await;
        let no_500 = !out.answers.contains_key("500") && !out.answers.contains_key("internal");
        row(
            "6. PostgreSQL restarted under load (server not restarted)",
            format!(
                "answers {:?}; restart ran: {}; recovered: {}",
                out.answers, out.restart_command_ok, out.recovered
            ),
            "no 500, 503 meanwhile, recovers",
            no_500 && out.recovered && out.restart_command_ok,
        );
    }
    let mut server = ServerProc::start(&sqlite).await;
    if args.step("faults") {
        let (unlocked, devices) = faults::server_kill(&mut server, 20).await;
        row(
            "6. server SIGKILLed and restarted: devices that unlock afterwards",
            format!("{unlocked} / {devices}"),
            "all",
            unlocked == devices,
        );
    }

    // 4. App start vs a bare Dioxus window.
    if let (Some(app), Some(bare), true) =
        (&args.app_binary, &args.bare_binary, args.step("app-start"))
    {
        let service = format!("fi.heeros.mobile.bench.{}", std::process::id());
        let data = dir.path().join("app-data");
        let data = data.to_string_lossy().into_owned();
        let env: Vec<(String, String)> = [
            ("HEEROS_API_URL", server.base_url.clone()),
            ("HEEROS_VAULT_SERVICE", service),
            ("HEEROS_DATA_DIR", data),
        ]
        .map(|(k, v)| (k.to_owned(), v))
        .into();
        let runs = args.start_runs.max(1);
        let timeout = std::time::Duration::from_secs_f64(args.start_timeout);
        let (app, bare) = (app.clone(), bare.clone());
        let measured = tokio::task::spawn_blocking(move || {
            let app = app_start::Window {
                binary: &app,
                title: "Heeros Mobile",
                env: &env,
            };
            let bare = app_start::Window {
                binary: &bare,
                title: "Bare window",
                env: &[],
            };
            app_start::measure_pair(&app, &bare, runs, timeout)
        })
        .await
        .unwrap_or_else(|e| Err(format!("the app-start step failed: {e}")));
        match measured {
            Ok(app_start::Pair { a, b, ratio }) => {
                let retried = a.retried + b.retried;
                row(
                    &format!("4. app start to first paint ÷ bare Dioxus window ({runs} launches of each, alternating; the median of their ratios)"),
                    format!(
                        "{ratio:.2} (medians {} and {}{})",
                        ms(a.first_paint),
                        ms(b.first_paint),
                        if retried > 0 {
                            format!("; {retried} launches without a window retried")
                        } else {
                            String::new()
                        }
                    ),
                    "≤ 1.15",
                    ratio <= 1.15,
                );
                let extra = a.pss_mib - b.pss_mib;
                row(
                    "4. memory, all processes (PSS): app − bare window",
                    format!(
                        "{:.0} MiB − {:.0} MiB = {extra:+.0} MiB",
                        a.pss_mib, b.pss_mib
                    ),
                    "≤ +20 MiB",
                    extra <= 20.0,
                );
            }
            Err(why) => {
                row(
                    "4. app start to first paint ÷ bare Dioxus window",
                    format!("failed, no figure ({why})"),
                    "≤ 1.15",
                    false,
                );
            }
        }
    }
    // exit() runs no destructors: end the server and remove the files first.
    drop(server);
    drop(dir);
    let missed = MISSED.load(Ordering::Relaxed);
    if missed > 0 {
        eprintln!("heeros-bench: {missed} figure(s) missed or failed");
        std::process::exit(1);
    }
}
