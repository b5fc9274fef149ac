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
use std::sync::{Arc, Weak};
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::pool::PoolConnection;
use sqlx::{AnyConnection, AnyPool, Connection, Executor};
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

/// A connection or transaction that holds, on SQLite, the turn to write
/// ([`Db::begin`], [`Db::write`]); used as a connection (`&mut *c`).
pub struct Turn<C> {
    conn: C,
    _turn: Option<OwnedMutexGuard<()>>,
}

/// A transaction from [`Db::begin`], ended with [`Tx::commit`] or
/// [`Tx::rollback`] (dropped: rolled back).
pub type Tx = Turn<sqlx::Transaction<'static, sqlx::Any>>;

/// A pooled connection from [`Db::write`], for one statement that writes
/// outside a transaction.
pub type Write = Turn<PoolConnection<sqlx::Any>>;

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.conn.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.conn.rollback().await
    }
}

impl<C: Deref<Target = AnyConnection>> Deref for Turn<C> {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl<C: DerefMut<Target = AnyConnection>> DerefMut for Turn<C> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
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
        let turn = self.turn().await;
        Ok(Turn {
            conn: self.pool.begin().await?,
            _turn: turn,
        })
    }

    /// A connection for one statement that writes, outside a transaction;
    /// on SQLite, after the transaction before it has ended, so it never
    /// sleeps in SQLite's busy handler. The same rule as [`Db::begin`]:
    /// never while holding a turn.
    pub async fn write(&self) -> Result<Write, sqlx::Error> {
        let turn = self.turn().await;
        Ok(Turn {
            conn: self.pool.acquire().await?,
            _turn: turn,
        })
    }

    async fn turn(&self) -> Option<OwnedMutexGuard<()>> {
        match &self.writer {
            Some(writer) => Some(writer.clone().lock_owned().await),
            None => None,
        }
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
                        // Checkpoints run beside the requests (see
                        // `checkpoint_in_background`); a commit copies the
                        // WAL back itself only if that falls far behind.
                        conn.execute("PRAGMA wal_autocheckpoint = 10000").await?;
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
        if let Some(writer) = &writer {
            checkpoint_in_background(url, Arc::downgrade(writer)).await?;
        }
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

/// SQLite: how often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// SQLite: copies the WAL back into the database file every
/// [`CHECKPOINT_EVERY`] on a connection of its own, so that no request's
/// commit waits for that copy and its fsyncs (docs/design.md, "SQLite
/// checkpoints"). `PASSIVE` never waits for a reader or the writer. Ends
/// when the [`Db`] whose turn `alive` points to is gone.
async fn checkpoint_in_background(url: &str, alive: Weak<Mutex<()>>) -> Result<(), sqlx::Error> {
    let mut conn = AnyConnection::connect(url).await?;
    tokio::spawn(async move {
        let mut every = tokio::time::interval(CHECKPOINT_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if alive.strong_count() == 0 {
                break;
            }
            if let Err(e) = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").await {
                tracing::warn!(error = %e, "WAL checkpoint failed; commits will checkpoint");
            }
        }
        let _ = conn.close().await;
    });
    Ok(())
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

    async fn sqlite_in_temp_dir() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&sqlite_url(&dir.path().join("test.sqlite")))
            .await
            .unwrap();
        (dir, db)
    }

    /// What `f` gives within 300 ms; None while it waits for a turn.
    async fn soon<T>(f: impl std::future::Future<Output = T>) -> Option<T> {
        tokio::time::timeout(Duration::from_millis(300), f)
            .await
            .ok()
    }

    /// The rule of [`Db::begin`] on SQLite: a second transaction waits for
    /// the first to end, committed or dropped.
    #[tokio::test]
    async fn sqlite_transactions_take_turns() {
        let (_dir, db) = sqlite_in_temp_dir().await;
        let first = db.begin().await.unwrap();
        assert!(
            soon(db.begin()).await.is_none(),
            "a second transaction began while the first was open"
        );
        // Reads need no turn.
        users::count(&db.pool).await.unwrap();
        first.commit().await.unwrap();
        let second = soon(db.begin()).await;
        drop(second.expect("the turn passes on at commit").unwrap());
        let third = soon(db.begin()).await;
        third
            .expect("a dropped transaction gives its turn back")
            .unwrap();
    }

    /// [`Db::write`] follows the same rule: a statement that writes outside
    /// a transaction waits for the open one, instead of sleeping in
    /// SQLite's busy handler.
    #[tokio::test]
    async fn sqlite_single_writes_take_turns_too() {
        let (_dir, db) = sqlite_in_temp_dir().await;
        let tx = db.begin().await.unwrap();
        assert!(
            soon(db.write()).await.is_none(),
            "a write went ahead of an open transaction"
        );
        drop(tx);
        let write = soon(db.write()).await;
        let write = write.expect("the turn passes on").unwrap();
        assert!(
            soon(db.begin()).await.is_none(),
            "a transaction began beside a write"
        );
        drop(write);
    }

    /// The rule of `checkpoint_in_background`: commits leave the WAL to
    /// the checkpointer, which copies it into the database file soon after.
    #[tokio::test]
    async fn sqlite_wal_is_checkpointed_in_the_background() {
        let (dir, db) = sqlite_in_temp_dir().await;
        let path = dir.path().join("test.sqlite");
        // Let the checkpointer catch up with the migrations.
        tokio::time::sleep(CHECKPOINT_EVERY * 3).await;
        let size = || std::fs::metadata(&path).unwrap().len();
        let before = size();
        let mut tx = db.begin().await.unwrap();
        for n in 0..200 {
            let name = format!("Checkpoint User{n} {}", "x".repeat(500));
            users::insert(&mut *tx, &name, &name, "phc", 0)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let grew = async {
            while size() <= before {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout(CHECKPOINT_EVERY * 8, grew)
            .await
            .expect("the database file never took the committed pages");
    }
}
