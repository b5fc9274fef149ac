//! Demo data and the embedded demo server the desktop app starts: three
//! users (one with an authenticator, one without, one with several
//! companies), seeded once into a fresh database.

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::admin;
use crate::clock::Clock;
use crate::db::{sqlite_url, Db};
use crate::error::ServerError;

/// A demo login, for printing and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub username: String,
    pub password: String,
    /// Base32 authenticator secret, when the user has one.
    pub totp_secret: Option<String>,
    pub companies: Vec<String>,
}

/// Fixed, so a person can add it to an authenticator app once.
pub const MAIJA_TOTP_SECRET: &str = "HEEROSDEMOMAIJAMEIKALAINENTOTPAB";
pub const DEMO_PASSWORD: &str = "heeros-demo";

const COMPANIES: [(&str, &str); 4] = [
    ("Heeros Demo Oy", "1234567-8"),
    ("Meikäläinen Consulting Oy", "2345678-9"),
    ("Korhonen Logistics Oy", "3456789-0"),
    ("Pohjoisen Rakennus Oy", "4567890-1"),
];

/// (name, has authenticator, business ids)
const USERS: [(&str, bool, &[&str]); 3] = [
    ("Maija Meikäläinen", true, &["1234567-8", "2345678-9"]),
    ("Matti Virtanen", false, &["1234567-8"]),
    (
        "Liisa Korhonen",
        false,
        &["3456789-0", "4567890-1", "1234567-8"],
    ),
];

/// How to log in as the demo users, for a terminal: user name, password,
/// companies, and for a user with an authenticator its secret, the
/// `otpauth://` URI to add it to an authenticator app, and the command that
/// prints the current code. Printed by `heeros-server demo` and by the
/// app's embedded demo server.
pub fn describe(logins: &[DemoLogin]) -> String {
    use std::fmt::Write;
    let mut out = String::from("Demo logins:\n");
    for login in logins {
        let _ = writeln!(
            out,
            "  user name: {:<22} password: {}",
            login.username, login.password
        );
        let _ = writeln!(out, "    companies: {}", login.companies.join(", "));
        match &login.totp_secret {
            Some(secret) => {
                let _ = writeln!(
                    out,
                    "    two-factor: add this secret to an authenticator app (TOTP, SHA-1, 6 digits, 30 s): {secret}"
                );
                if let Ok(uri) = crate::totp::otpauth_uri(secret, &login.username) {
                    let _ = writeln!(out, "    otpauth URI: {uri}");
                }
                let _ = writeln!(out, "    current code: heeros-server totp code {secret}");
            }
            None => {
                let _ = writeln!(out, "    two-factor: none (no code asked)");
            }
        }
    }
    out
}

/// The demo logins, without touching a database.
pub fn logins() -> Vec<DemoLogin> {
    USERS
        .iter()
        .map(|(name, totp, ids)| DemoLogin {
            username: (*name).to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            totp_secret: totp.then(|| MAIJA_TOTP_SECRET.to_owned()),
            companies: ids
                .iter()
                .filter_map(|id| {
                    COMPANIES
                        .iter()
                        .find(|(_, b)| b == id)
                        .map(|(n, _)| (*n).to_owned())
                })
                .collect(),
        })
        .collect()
}

/// Seeds the demo users and companies unless they are already there.
pub async fn seed(db: &Db, now: DateTime<Utc>) -> Result<Vec<DemoLogin>, ServerError> {
    let existing = crate::db::users::count(&db.pool).await?;
    if existing > 0 {
        return Ok(logins());
    }
    for (name, business_id) in COMPANIES {
        admin::add_company(db, name, business_id).await?;
    }
    for (name, totp, ids) in USERS {
        admin::add_user(db, name, DEMO_PASSWORD, now).await?;
        if totp {
            admin::enroll_totp_at(db, name, Some(MAIJA_TOTP_SECRET), now).await?;
        }
        for id in ids {
            admin::grant(db, name, id).await?;
        }
    }
    Ok(logins())
}

/// The demo server the desktop window talks to.
#[derive(Debug, Clone)]
pub struct Embedded {
    pub base_url: String,
    pub logins: Vec<DemoLogin>,
}

/// Starts the demo server on 127.0.0.1 (a free port) in a thread of its own
/// with its own runtime, over a SQLite file in `data_dir`, seeding it on
/// first start. Blocks until it answers; the server lives as long as the
/// process.
pub fn start_embedded(data_dir: &Path) -> Result<Embedded, ServerError> {
    std::fs::create_dir_all(data_dir)?;
    let url = sqlite_url(&data_dir.join("demo-server.sqlite"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("heeros-demo-server".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = tx.send(Err(ServerError::Io(e)));
                    return;
                }
            };
            runtime.block_on(async move {
                let started = async {
                    let running = crate::spawn_loopback(&url, Clock::system()).await?;
                    let logins = seed(&running.db, Utc::now()).await?;
                    Ok::<_, ServerError>((running, logins))
                }
                .await;
                match started {
                    Ok((mut running, logins)) => {
                        let _ = tx.send(Ok(Embedded {
                            base_url: running.base_url.clone(),
                            logins,
                        }));
                        running.wait().await;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
            });
        })?;
    rx.recv()
        .map_err(|_| ServerError::Invalid("the demo server thread ended".into()))?
}
