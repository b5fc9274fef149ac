//! heeros-server: the auth server Heeros Mobile signs in against.
//!
//! `auth` holds the rules, `http` the wire surface, `admin` the operator's
//! tools, `db` the storage (SQLite or PostgreSQL by URL).

pub mod admin;
pub mod auth;
pub mod clock;
pub mod db;
pub mod demo;
pub mod error;
pub mod http;
pub mod names;
pub mod passwords;
pub mod secrets;
pub mod throttle;
pub mod totp;

use std::net::SocketAddr;

pub use clock::Clock;
pub use db::Db;
pub use error::{ApiError, ServerError};

use auth::Auth;
use http::AppState;
use passwords::Hasher;

/// Builds the state and router over a connected database.
pub fn router(db: Db, clock: Clock, trust_forwarded: bool) -> Result<axum::Router, ServerError> {
    let state = AppState {
        auth: Auth {
            db,
            hasher: Hasher::new()?,
        },
        clock,
        trust_forwarded,
    };
    Ok(http::app(state))
}

/// A server answering on a socket.
pub struct Running {
    pub base_url: String,
    pub addr: SocketAddr,
    pub db: Db,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops answering (the port closes; the database stays).
    pub fn stop(&self) {
        self.task.abort();
    }

    /// Waits until the server ends (never, unless stopped or failed).
    pub async fn wait(&mut self) {
        let _ = (&mut self.task).await;
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Connects to (and migrates) the database, then serves on `bind`.
pub async fn serve_on(
    database_url: &str,
    bind: SocketAddr,
    clock: Clock,
    trust_forwarded: bool,
) -> Result<Running, ServerError> {
    let db = Db::connect(database_url).await?;
    let app = router(db.clone(), clock, trust_forwarded)?;
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<SocketAddr>();
        if let Err(e) = axum::serve(listener, service).await {
            tracing::error!(error = %e, "server stopped");
        }
    });
    Ok(Running {
        base_url: format!("http://{addr}"),
        addr,
        db,
        task,
    })
}

/// Serves on a free port of 127.0.0.1: the embedded demo server and tests.
pub async fn spawn_loopback(database_url: &str, clock: Clock) -> Result<Running, ServerError> {
    serve_on(
        database_url,
        SocketAddr::from(([127, 0, 0, 1], 0)),
        clock,
        false,
    )
    .await
}
