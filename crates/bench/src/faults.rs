//! Faults: the database restarting under load, the server killed and
//! restarted. What matters is what clients see.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::client::{code_of, Client};
use crate::procs::ServerProc;
use crate::seed::PASSWORD;

/// Runs a shell command off the async workers; did it succeed?
pub async fn run_shell(command: &str) -> bool {
    let command = command.to_owned();
    tokio::task::spawn_blocking(move || Command::new("sh").arg("-c").arg(&command).status())
        .await
        .ok()
        .and_then(Result::ok)
        .is_some_and(|s| s.success())
}

#[derive(Debug, Default)]
pub struct DbRestart {
    /// Answer code -> count, over the whole run.
    pub answers: BTreeMap<String, usize>,
    /// Did the last second of the run answer only 200s (recovered)?
    pub recovered: bool,
    pub restart_command_ok: bool,
}

/// Cheap calls in a loop for `seconds`; after 2 s, `restart` is run (a shell
/// command restarting PostgreSQL). The server is never restarted.
pub async fn database_restart(server: &ServerProc, restart: &str, seconds: f64) -> DbRestart {
    let client = Client::new();
    let s = client
        .session(&server.base_url, "Liisa Korhonen", PASSWORD)
        .await
        .expect("session");
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    let mut out = DbRestart::default();
    let restart = restart.to_owned();
    let restarter = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(2)).await;
        run_shell(&restart).await
    });
    let mut tail_ok = true;
    while Instant::now() < deadline {
        let a = client
            .unlock(&server.base_url, &s.device_id, &s.unlock_secret)
            .await;
        let code = code_of(&a);
        if Instant::now() + Duration::from_secs(1) >= deadline && code != "200" {
            tail_ok = false;
        }
        *out.answers.entry(code).or_default() += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    out.restart_command_ok = restarter.await.unwrap_or(false);
    out.recovered = tail_ok;
    out
}

/// `devices` sessions, SIGKILL of the server, a fresh process on the same
/// database: how many devices still unlock. The sessions are spread over
/// the two demo users without an authenticator: a user keeps at most 10
/// live device sessions (an 11th ends the oldest), so ask for at most 20.
pub async fn server_kill(server: &mut ServerProc, devices: usize) -> (usize, usize) {
    let client = Client::new();
    let mut sessions = Vec::new();
    for i in 0..devices {
        let user = ["Matti Virtanen", "Liisa Korhonen"][i % 2];
        if let Some(s) = client.session(&server.base_url, user, PASSWORD).await {
            sessions.push(s);
        }
    }
    server.kill_and_restart().await;
    let mut unlocked = 0;
    for s in &sessions {
        if code_of(
            &client
                .unlock(&server.base_url, &s.device_id, &s.unlock_secret)
                .await,
        ) == "200"
        {
            unlocked += 1;
        }
    }
    (unlocked, devices)
}
