//! heeros-bench: figures for BENCHMARKS.md, side by side in one run.
//! Run it with `bash scripts/bench.sh` (release build, PostgreSQL started).

mod app_start;
mod client;
mod faults;
mod floor;
mod procs;
mod scale;
mod seed;
mod stats;
mod storm;

use clap::Parser;
use procs::ServerProc;
use stats::ms;

#[derive(Parser)]
#[command(about = "Load, scale and fault figures for heeros-server")]
struct Args {
    /// Seconds for the Argon2 floor and the login storm.
    #[arg(long, default_value_t = 10.0)]
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
    /// Launches of each window for the start-up medians.
    #[arg(long, default_value_t = 3)]
    start_runs: usize,
}

fn row(what: &str, figure: String, goal: &str, met: bool) {
    println!(
        "| {what} | {figure} | {goal} | {} |",
        if met { "met" } else { "**missed**" }
    );
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

    // 1. Login throughput vs the Argon2 floor, on the same cores.
    let floor =
        tokio::task::spawn_blocking(move || floor::argon2_verifications_per_s(cores, args.seconds))
            .await
            .expect("floor");
    let server = ServerProc::start(&sqlite).await;
    let storm = storm::run(&server.base_url, cores * 4, args.seconds).await;
    let ratio = storm.logins_per_s / floor;
    row(
        "1. logins/s through HTTP ÷ raw Argon2id verifications/s",
        format!(
            "{:.1} ÷ {:.1} = {ratio:.2} (login failures: {}; the load generator used {:.2} of the {cores} cores)",
            storm.logins_per_s, floor, storm.login_failures, storm.client_cores
        ),
        "≥ 0.9",
        ratio >= 0.9 && storm.login_failures == 0,
    );
    // 2. Cheap calls during the storm.
    row(
        "2. `GET /v1/me` during the login storm, p50 / p99",
        format!(
            "{} / {} ({} calls)",
            ms(storm.me.percentile(50.0)),
            ms(storm.me.percentile(99.0)),
            storm.me.len()
        ),
        "p99 < 10 ms, no failures",
        storm.me.percentile(99.0).as_millis() < 10 && storm.cheap_failures == 0,
    );
    row(
        "2. `POST /v1/unlock` during the login storm, p50 / p99",
        format!(
            "{} / {} (failures: {})",
            ms(storm.unlock.percentile(50.0)),
            ms(storm.unlock.percentile(99.0)),
            storm.cheap_failures
        ),
        "no failures",
        storm.cheap_failures == 0,
    );
    drop(server);

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

    // 6. Faults.
    if let (Some(url), Some(restart)) = (&pg_url, &args.pg_restart) {
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
    let (unlocked, devices) = faults::server_kill(&mut server, 20).await;
    row(
        "6. server SIGKILLed and restarted: devices that unlock afterwards",
        format!("{unlocked} / {devices}"),
        "all",
        unlocked == devices,
    );

    // 4. App start vs a bare Dioxus window.
    if let (Some(app), Some(bare)) = (&args.app_binary, &args.bare_binary) {
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
        let (app, bare) = (app.clone(), bare.clone());
        let (a, b) = tokio::task::spawn_blocking(move || {
            (
                app_start::measure(&app, "Heeros Mobile", &env, runs),
                app_start::measure(&bare, "Bare window", &[], runs),
            )
        })
        .await
        .expect("app start");
        let ratio = a.first_paint.as_secs_f64() / b.first_paint.as_secs_f64();
        row(
            "4. app start to first paint ÷ bare Dioxus window (median)",
            format!("{} ÷ {} = {ratio:.2}", ms(a.first_paint), ms(b.first_paint)),
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
}
