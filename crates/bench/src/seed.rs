//! Bench data: the demo users plus N users with an authenticator and two
//! companies each, written straight into the database.

use chrono::Utc;
use heeros_server::{admin, demo, Db};

pub const BENCH_SECRET: &str = "HEEROSBENCHUSERSECRETTOTPABCDEFG";
pub const PASSWORD: &str = demo::DEMO_PASSWORD;

pub fn bench_user(i: usize) -> String {
    format!("Bench User{i}")
}

pub async fn seed(database_url: &str, users: usize) -> Db {
    let db = Db::connect(database_url).await.expect("bench database");
    demo::seed(&db, Utc::now()).await.expect("demo seed");
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..users {
        let db = db.clone();
        tasks.spawn(async move {
            let name = bench_user(i);
            admin::add_user(&db, &name, PASSWORD, Utc::now())
                .await
                .expect("add user");
            admin::enroll_totp(&db, &name, Some(BENCH_SECRET))
                .await
                .expect("enroll");
            admin::grant(&db, &name, "1234567-8").await.expect("grant");
            admin::grant(&db, &name, "2345678-9").await.expect("grant");
        });
        if tasks.len() >= 8 {
            tasks.join_next().await;
        }
    }
    while tasks.join_next().await.is_some() {}
    db
}

/// Device sessions per payer user in the payments run (a user keeps at
/// most 10 live ones; the rest is room for logins retried after a lost
/// answer).
pub const DEVICES_PER_PAYER: usize = 5;

pub fn payer_user(u: usize) -> String {
    format!("Payer User{u}")
}

/// The payments run's data, straight into the database: `devices` ÷
/// [`DEVICES_PER_PAYER`] users without an authenticator (one password
/// hash for all), each with a company of its own holding one invoice
/// awaiting approval per device. Returns the users and, for device `i`
/// (user `i % users`), its invoice's id.
pub async fn seed_payers(db: &Db, devices: usize) -> (usize, Vec<i64>) {
    use heeros_api::InvoiceStatus;
    use heeros_server::db::invoices::NewInvoice;
    use heeros_server::{db, names, passwords};

    let users = devices.div_ceil(DEVICES_PER_PAYER).max(1);
    let phc = tokio::task::spawn_blocking(|| passwords::hash_blocking(PASSWORD))
        .await
        .expect("hash")
        .expect("hash");
    let now = Utc::now();
    let due = (now + chrono::Duration::days(14)).date_naive();
    let mut invoices = vec![0; devices];
    for u in 0..users {
        let name = payer_user(u);
        let user = db::users::insert(
            &db.pool,
            &name,
            &names::match_key(&name),
            &phc,
            now.timestamp(),
        )
        .await
        .expect("insert payer")
        .expect("a new payer");
        let company =
            db::companies::insert(&db.pool, &format!("Payer Company {u}"), &format!("PAY-{u}"))
                .await
                .expect("insert company")
                .expect("a new company");
        db::companies::grant(&db.pool, user, company)
            .await
            .expect("grant");
        for i in (u..devices).step_by(users) {
            let new = NewInvoice {
                company_id: company,
                supplier: format!("Supplier {i}"),
                invoice_number: format!("B-{i}"),
                amount_cents: 1000 + i as i64,
                due_date: due,
                iban: "FI2112345600000785".into(),
                reference: "1232".into(),
                status: InvoiceStatus::AwaitingApproval,
                status_by: None,
            };
            invoices[i] = db::invoices::insert(&db.pool, &new, now.timestamp())
                .await
                .expect("insert invoice");
        }
    }
    (users, invoices)
}
