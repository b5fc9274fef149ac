//! The database: one SQL dialect subset that SQLite and PostgreSQL both speak
//! (`$1` placeholders, `ON CONFLICT`, `RETURNING`, integers for times), run
//! through sqlx's `Any` driver; each backend has its own migrations. The
//! backend is chosen by the URL's scheme.

pub mod challenges;
pub mod companies;
pub mod devices;
pub mod invoices;
pub mod payments;
pub mod purge;
pub mod refresh;
pub mod throttle;
pub mod tokens;
pub mod users;

use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyConnection, AnyPool, Executor};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::error::ServerError;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, ServerError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(ServerError::UnsupportedUrl(redact(url)))
        }
    }
}

/// A URL with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

/// What a query runs on: the pool (`&db.pool`), or a transaction or
/// connection (`&mut *tx`), so one query function serves both.
pub trait Conn<'c>: sqlx::Executor<'c, Database = sqlx::Any> {}
impl<'c, T: sqlx::Executor<'c, Database = sqlx::Any>> Conn<'c> for T {}

/// A pool and the backend it talks to.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// SQLite only: the turn to write. SQLite takes one writer at a time
    /// and makes the others sleep and retry (1, 2, 5, 10 ms …) while they
    /// hold a pooled connection; taking turns here instead wakes the next
    /// transaction as soon as the last commits, and leaves the other
    /// connections free for reads (docs/design.md, "Login in two commits").
    writer: Option<Arc<Mutex<()>>>,
}

/// A transaction from [`Db::begin`]: used as a connection (`&mut *tx`),
/// ended with [`Tx::commit`] or [`Tx::rollback`] (dropped: rolled back).
pub struct Tx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl Deref for Tx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

/// The SQLite URL for a file, created if missing.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

impl Db {
    /// Begins a transaction; on SQLite, after the one before it has ended.
    /// Never begin a second one while holding one.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        let turn = match &self.writer {
            Some(writer) => Some(writer.clone().lock_owned().await),
            None => None,
        };
        Ok(Tx {
            tx: self.pool.begin().await?,
            _turn: turn,
        })
    }

    /// Connects and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Db, ServerError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let max = match backend {
            Backend::Sqlite => 4,
            Backend::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        // WAL + NORMAL: durable across crashes of the process;
                        // a power cut may lose the last commits, never corrupt.
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        let writer = (backend == Backend::Sqlite).then(Arc::default);
        let db = Db {
            pool,
            backend,
            writer,
        };
        db.migrate().await?;
        Ok(db)
    }

    pub async fn migrate(&self) -> Result<(), ServerError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// `SELECT 1`: is the database there?
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .fetch_one(&self.pool)
            .await
            .map(|_: AnyRow| ())
    }
}

/// Runs one SQL statement (admin and bench tooling).
pub async fn execute(db: &Db, sql: &str) -> Result<(), sqlx::Error> {
    db.pool.execute(sql).await.map(|_| ())
}

/// Creates an empty database named `name` on the PostgreSQL server of
/// `base` (a URL naming any existing database), without migrating `base`.
pub async fn create_postgres_database(base: &str, name: &str) -> Result<(), sqlx::Error> {
    sqlx::any::install_default_drivers();
    let admin = AnyPool::connect(base).await?;
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await?;
    admin.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule of [`Db::begin`] on SQLite: a second transaction waits for
    /// the first to end, committed or dropped.
    #[tokio::test]
    async fn sqlite_transactions_take_turns() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&sqlite_url(&dir.path().join("turns.sqlite")))
            .await
            .unwrap();
        let wait = Duration::from_millis(300);
        let first = db.begin().await.unwrap();
        assert!(
            tokio::time::timeout(wait, db.begin()).await.is_err(),
            "a second transaction began while the first was open"
        );
        // Reads need no turn.
        users::count(&db.pool).await.unwrap();
        first.commit().await.unwrap();
        let second = tokio::time::timeout(wait, db.begin()).await;
        let second = second.expect("the turn passes on at commit").unwrap();
        drop(second);
        let third = tokio::time::timeout(wait, db.begin()).await;
        third
            .expect("a dropped transaction gives its turn back")
            .unwrap();
    }
}
