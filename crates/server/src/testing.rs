//! Test fixtures shared by every test suite of the workspace (feature
//! `testing`): a real server on loopback over a fresh SQLite file with the
//! demo data, and a fresh database on the test PostgreSQL server.

use std::path::Path;

use crate::db::sqlite_url;
use crate::demo::{self, DemoLogin};
use crate::secrets::random_token;
use crate::{spawn_loopback, Clock, Running};

/// A server on a loopback port over `dir/server.sqlite`, seeded with the
/// demo users (as of `clock`'s now), and their logins.
pub async fn spawn_demo(dir: &Path, clock: Clock) -> (Running, Vec<DemoLogin>) {
    let url = sqlite_url(&dir.join("server.sqlite"));
    let server = spawn_loopback(&url, clock.clone())
        .await
        .expect("the demo server starts");
    let logins = demo::seed(&server.db, clock.now())
        .await
        .expect("the demo data seeds");
    (server, logins)
}

/// Creates an empty database with a random name on the PostgreSQL server
/// of `base` (a URL naming any existing database) and returns its URL.
pub async fn fresh_postgres_database(base: &str) -> String {
    let name = format!(
        "heeros_test_{}",
        random_token(9).to_lowercase().replace(['-', '_'], "x")
    );
    crate::db::create_postgres_database(base, &name)
        .await
        .expect("CREATE DATABASE");
    let mut url = url::Url::parse(base).expect("a PostgreSQL URL");
    url.set_path(&name);
    url.to_string()
}
