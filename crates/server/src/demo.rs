//! Demo data and the embedded demo server the desktop app starts: three
//! users (one with an authenticator, one without, one with several
//! companies), seeded once into a fresh database, and for every demo
//! company invoices awaiting approval and approved ones, seeded whenever
//! there are no invoices at all (so older demo databases get them too).

use std::path::Path;

use chrono::{DateTime, Datelike, Duration, Utc};
use heeros_api::InvoiceStatus;

use crate::admin;
use crate::bank;
use crate::clock::Clock;
use crate::db::invoices::NewInvoice;
use crate::db::{self, sqlite_url, Db};
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

/// Suppliers of the demo invoices and their (made-up, valid) IBANs.
const SUPPLIERS: [(&str, &str); 12] = [
    ("Valio Oy", "FI37 1590 3000 0007 76"),
    ("Kesko Oyj", "FI26 5000 0120 4567 84"),
    ("Telia Finland Oyj", "FI63 3131 3000 1234 55"),
    ("Oy Karl Fazer Ab", "FI44 8000 1500 1234 02"),
    ("Elisa Oyj", "FI55 1011 3000 0222 27"),
    ("Lassila & Tikanoja Oyj", "FI67 5780 0040 0012 37"),
    ("Posti Oy", "FI95 3939 0009 8765 09"),
    ("Fortum Oyj", "FI79 2207 1800 0111 11"),
    ("Caruna Oy", "FI72 4405 0000 5222 04"),
    ("Helen Oy", "FI95 3600 5100 1010 10"),
    ("Lyreco Finland Oy", "FI08 1745 3000 1122 37"),
    ("Würth Oy", "FI03 5299 0003 3344 47"),
];

/// The invoices of every demo company: (cents, due in days from today,
/// approved). Four wait for approval, three are approved; two are overdue.
const INVOICES: [(i64, i64, bool); 7] = [
    (123_456, -3, true),
    (48_990, 2, false),
    (7_912, 6, true),
    (2_345_000, 9, false),
    (15_800, 14, true),
    (61_250, 21, false),
    (3_120, -1, false),
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
    out.push_str(
        "Every demo company has invoices awaiting approval and approved ones to pay \
         (heeros-server invoice list).\n",
    );
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

/// Seeds the demo users and companies unless there are users, and the demo
/// invoices unless there are invoices.
pub async fn seed(db: &Db, now: DateTime<Utc>) -> Result<Vec<DemoLogin>, ServerError> {
    if db::users::count(&db.pool).await? == 0 {
        seed_users(db, now).await?;
    }
    if db::invoices::count(&db.pool).await? == 0 {
        seed_invoices(db, now).await?;
    }
    Ok(logins())
}

async fn seed_users(db: &Db, now: DateTime<Utc>) -> Result<(), ServerError> {
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
    Ok(())
}

/// The demo invoices of the `k`th demo company (`company_id`), due
/// relative to `now`; references alternate Finnish and RF.
fn demo_invoices(
    k: usize,
    company_id: i64,
    approver: &str,
    now: DateTime<Utc>,
) -> Result<Vec<NewInvoice>, ServerError> {
    let invalid = ServerError::Invalid;
    INVOICES
        .iter()
        .enumerate()
        .map(|(n, &(cents, due_in_days, approved))| {
            let (supplier, iban) = SUPPLIERS[(n + 3 * k) % SUPPLIERS.len()];
            let number = format!("{}-{}{:03}", now.year(), k + 1, n + 101);
            let base = format!("{}{:03}", 4711 + k, n + 101);
            let finnish = bank::finnish_reference(&base)
                .ok_or_else(|| invalid(format!("demo reference {base}")))?;
            let reference = if n % 2 == 0 {
                finnish
            } else {
                bank::rf_reference(&finnish).ok_or_else(|| invalid(format!("demo RF {base}")))?
            };
            Ok(NewInvoice {
                company_id,
                supplier: supplier.to_owned(),
                invoice_number: number,
                amount_cents: cents + 1_001 * k as i64,
                due_date: (now + Duration::days(due_in_days)).date_naive(),
                iban: bank::parse_iban(iban).map_err(invalid)?,
                reference: bank::parse_reference(&reference).map_err(invalid)?,
                status: if approved {
                    InvoiceStatus::Approved
                } else {
                    InvoiceStatus::AwaitingApproval
                },
                status_by: approved.then(|| approver.to_owned()),
            })
        })
        .collect()
}

/// Seeds the demo invoices of every demo company there is (one
/// transaction); approved ones name a demo user of the company.
async fn seed_invoices(db: &Db, now: DateTime<Utc>) -> Result<(), ServerError> {
    let mut tx = db.begin().await?;
    for (k, (_, business_id)) in COMPANIES.iter().enumerate() {
        let Some(company_id) = db::companies::find_id_by_business_id(&mut *tx, business_id).await?
        else {
            continue;
        };
        let approver = USERS
            .iter()
            .find(|(_, _, ids)| ids.contains(business_id))
            .map_or("", |(name, _, _)| *name);
        for invoice in demo_invoices(k, company_id, approver, now)? {
            db::invoices::insert(&mut *tx, &invoice, now.timestamp()).await?;
        }
    }
    tx.commit().await?;
    Ok(())
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
