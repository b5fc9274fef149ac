//! heeros-server: the auth server Heeros Mobile signs in against.
//!
//! `auth` holds the rules, `http` the wire surface, `admin` the operator's
//! tools, `db` the storage (SQLite or PostgreSQL by URL).

pub mod admin;
pub mod audit;
pub mod auth;
pub mod bank;
pub mod clock;
pub mod db;
pub mod demo;
pub mod error;
pub mod http;
pub mod invoices;
pub mod names;
pub mod passwords;
pub mod payments;
pub mod secrets;
#[cfg(feature = "testing")]
pub mod testing;
pub mod throttle;
pub mod totp;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

pub use clock::Clock;
pub use db::Db;
pub use error::{Rejection, ServerError};

use auth::{Auth, Checks};
use http::AppState;
use passwords::{HashPriority, Hasher};

/// How `serve` treats connections and clients. The defaults are the
/// production values; tests shorten the timeouts.
#[derive(Debug, Clone)]
pub struct Options {
    /// Trusted proxy hops in front of the server (0: take the socket
    /// address; N: the Nth `X-Forwarded-For` entry from the right).
    pub trust_forwarded: usize,
    /// A connection must deliver a request's headers within this time, also
    /// the next request's on a kept-alive connection; else it is closed.
    pub header_read_timeout: Duration,
    /// A whole request (headers, body, answer) within this time, else 408.
    pub request_timeout: Duration,
    /// Connections served at once; more wait in the listen queue until one
    /// ends (the timeouts above make sure one does).
    pub max_connections: usize,
    /// How often expired rows are purged.
    pub purge_every: Duration,
    /// The Argon2 threads' priority (default: [`passwords::HASH_PRIORITY_ENV`],
    /// else the async workers' own).
    pub hash_priority: HashPriority,
    /// Answer every request with a `Server-Timing: app;dur=MS` header: the
    /// time from its headers arriving to its answer being ready
    /// (docs/api.md, "Server-Timing"). Off by default.
    pub server_timing: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            trust_forwarded: 0,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
            purge_every: Duration::from_secs(600),
            hash_priority: HashPriority::from_env(),
            server_timing: false,
        }
    }
}

/// Builds the state and router over a connected database.
pub fn router(db: Db, clock: Clock, options: &Options) -> Result<axum::Router, ServerError> {
    Ok(http::app(state(db, clock, options)?))
}

fn state(db: Db, clock: Clock, options: &Options) -> Result<AppState, ServerError> {
    Ok(AppState {
        auth: Auth::new(db, Hasher::new(options.hash_priority)?),
        clock,
        trust_forwarded: options.trust_forwarded,
        request_timeout: options.request_timeout,
        server_timing: options.server_timing,
    })
}

/// Raises this process's open-file soft limit to its hard limit (where the
/// OS allows), so connections do not run out of descriptors first. Returns
/// the soft limit now in force.
pub fn raise_fd_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => Some(limit),
        Err(e) => {
            tracing::warn!(error = %e, "could not raise the open-file limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE)
                .ok()
                .map(|(soft, _)| soft)
        }
    }
}

/// A server answering on a socket.
pub struct Running {
    pub base_url: String,
    pub addr: SocketAddr,
    pub db: Db,
    /// How many passwords, codes and unlock secrets it has checked.
    pub checks: Arc<Checks>,
    task: tokio::task::JoinHandle<()>,
    purge: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops answering (the port closes; the database stays).
    pub fn stop(&self) {
        self.task.abort();
        self.purge.abort();
    }

    /// Waits until the server ends (never, unless stopped or failed).
    pub async fn wait(&mut self) {
        let _ = (&mut self.task).await;
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Connects to (and migrates) the database, then serves on `bind`.
pub async fn serve_on(
    database_url: &str,
    bind: SocketAddr,
    clock: Clock,
    options: Options,
) -> Result<Running, ServerError> {
    serve_db(Db::connect(database_url).await?, bind, clock, options).await
}

/// Serves on `bind` over a connected database.
pub async fn serve_db(
    db: Db,
    bind: SocketAddr,
    clock: Clock,
    options: Options,
) -> Result<Running, ServerError> {
    let state = state(db.clone(), clock.clone(), &options)?;
    let checks = state.auth.checks.clone();
    let app = http::app(state);
    let listener = TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(accept_loop(listener, app, options.clone()));
    let purge = tokio::spawn(purge_loop(db.clone(), clock, options.purge_every));
    Ok(Running {
        base_url: format!("http://{addr}"),
        addr,
        db,
        checks,
        task,
        purge,
    })
}

/// Accepts connections while fewer than `max_connections` are open and
/// serves each as HTTP/1.1 with a header-read timeout: an idle or slow
/// client holds one slot for at most that long.
async fn accept_loop(listener: TcpListener, app: axum::Router, options: Options) {
    let slots = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        // Above the app's own limits (http::MAX_HEADERS, MAX_HEADER_BYTES),
        // which answer 431 with the error body.
        .max_headers(256)
        .max_buf_size(128 * 1024);
    let http = Arc::new(http);
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // EMFILE and friends: back off instead of spinning; open
                // connections keep being served meanwhile.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = app.clone().map_request(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let http = http.clone();
        tokio::spawn(async move {
            let conn =
                http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %peer, "connection ended");
            }
            drop(slot);
        });
    }
}

/// Purges expired rows every `every`, at the clock's `now`.
async fn purge_loop(db: Db, clock: Clock, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match purge(&db, clock.now()).await {
            Ok(p) => tracing::info!(
                challenges = p.challenges,
                access_tokens = p.access_tokens,
                refresh_tokens = p.refresh_tokens,
                devices = p.devices,
                throttle = p.throttle,
                payments = p.payments,
                "purged expired rows"
            ),
            Err(e) => tracing::warn!(error = %e, "purge failed"),
        }
    }
}

/// Deletes expired challenges, tokens, dead device sessions and throttle
/// rows that no longer count (see `db::purge`).
pub async fn purge(
    db: &Db,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<db::purge::Purged, ServerError> {
    Ok(db::purge::purge(db, now.timestamp(), throttle::LOCK_AFTER).await?)
}

/// Serves on a free port of 127.0.0.1: the embedded demo server and tests.
pub async fn spawn_loopback(database_url: &str, clock: Clock) -> Result<Running, ServerError> {
    spawn_loopback_with(database_url, clock, Options::default()).await
}

/// [`spawn_loopback`] with other options (shorter timeouts in tests).
pub async fn spawn_loopback_with(
    database_url: &str,
    clock: Clock,
    options: Options,
) -> Result<Running, ServerError> {
    serve_on(
        database_url,
        SocketAddr::from(([127, 0, 0, 1], 0)),
        clock,
        options,
    )
    .await
}
