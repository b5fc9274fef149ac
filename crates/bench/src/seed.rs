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
