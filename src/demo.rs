//! The embedded demo server of the desktop window (feature `demo-server`,
//! never on phones): started when no server is configured, with its logins
//! and the current authenticator codes printed to the terminal.

use crate::app_config::{data_dir, StartupFailure, ENV_API_URL};

/// Starts the embedded demo server in the data dir and prints how to log in.
#[cfg(feature = "demo-server")]
pub fn embedded_server_url() -> Result<String, StartupFailure> {
    let dir = data_dir();
    let embedded = heeros_server::demo::start_embedded(&dir).map_err(|e| {
        StartupFailure::Other(format!(
            "the demo server did not start in {}: {e}",
            dir.display()
        ))
    })?;
    println!(
        "Heeros Mobile: embedded demo server at {}\n  data: {}\n  (set {ENV_API_URL} to use another server)",
        embedded.base_url,
        dir.display()
    );
    print!("{}", heeros_server::demo::describe(&embedded.logins));
    println!("  (the current codes are also printed below every 30 s)");
    start_code_ticker(&embedded.logins);
    Ok(embedded.base_url)
}

#[cfg(not(feature = "demo-server"))]
pub fn embedded_server_url() -> Result<String, StartupFailure> {
    let _ = data_dir;
    Err(StartupFailure::Other(format!(
        "No server configured: set {ENV_API_URL} to the Heeros server's address."
    )))
}

/// Prints the current authenticator code of every demo user with a secret,
/// once per 30-second step, from a background thread.
#[cfg(feature = "demo-server")]
fn start_code_ticker(logins: &[heeros_server::demo::DemoLogin]) {
    let users: Vec<(String, String)> = logins
        .iter()
        .filter_map(|l| l.totp_secret.clone().map(|s| (l.username.clone(), s)))
        .collect();
    if users.is_empty() {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("heeros-demo-codes".into())
        .spawn(move || {
            let mut last_step = i64::MIN;
            loop {
                let now = chrono::Utc::now();
                let step = now.timestamp().div_euclid(30);
                if step != last_step {
                    last_step = step;
                    let left = 30 - now.timestamp().rem_euclid(30);
                    for (name, secret) in &users {
                        let code = heeros_server::totp::code_at(secret, now);
                        println!(
                            "[demo] authenticator code for {name}: {} {} (valid {left} s more)",
                            &code[..code.len().min(3)],
                            &code[code.len().min(3)..]
                        );
                    }
                }
                std::thread::sleep(std::time::Duration::from_millis(500));
            }
        });
    if let Err(e) = spawned {
        eprintln!("Heeros Mobile: could not start the demo code printer: {e}");
    }
}
