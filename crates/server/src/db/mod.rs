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
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Weak};
use std::time::{Duration, Instant};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::pool::PoolConnection;
use sqlx::{AnyConnection, AnyPool, Connection, Executor, TransactionManager};
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
    /// SQLite only: the connection the request paths write on, held by
    /// whoever has the turn. SQLite takes one writer at a time and makes
    /// the others sleep and retry (1, 2, 5, 10 ms …) while they hold a
    /// pooled connection; taking turns here instead wakes the next
    /// transaction as soon as the last commits, leaves the pool to reads,
    /// and spares each write the pool's trips to the connection's thread
    /// (a test when it is taken, a ping when it is given back)
    /// (docs/design.md, "Login in two commits").
    writer: Option<Arc<Mutex<Writer>>>,
}

/// SQLite's writer connection, and what the turn before left to do.
#[derive(Debug)]
pub struct Writer {
    conn: AnyConnection,
    url: String,
    /// A transaction on it was left open (its request was cancelled, or
    /// its commit failed): the next turn rolls it back first.
    unfinished: bool,
}

impl Writer {
    async fn open(url: &str) -> Result<Writer, sqlx::Error> {
        let mut conn = AnyConnection::connect(url).await?;
        set_up_sqlite(&mut conn).await?;
        Ok(Writer {
            conn,
            url: url.to_owned(),
            unfinished: false,
        })
    }

    /// Brings the writer to no open transaction, as the turn is taken: a
    /// transaction left unfinished is rolled back (a trip, only then); a
    /// connection that cannot be brought there (its thread gone, or a
    /// transaction SQLite ended by itself after an I/O or full-disk error,
    /// which leaves sqlx's count of open transactions wrong) is replaced
    /// by a new one.
    async fn ready(&mut self) -> Result<(), sqlx::Error> {
        let settled = !std::mem::take(&mut self.unfinished)
            || Manager::rollback(&mut self.conn)
                .await
                .inspect_err(|e| {
                    tracing::warn!(error = %e, "rolling back an unfinished SQLite transaction failed")
                })
                .is_ok();
        if !settled || Manager::get_transaction_depth(&self.conn) != 0 {
            tracing::warn!("SQLite's writer connection is opened again");
            *self = Writer::open(&self.url).await?;
        }
        Ok(())
    }
}

/// A connection that may write, from [`Db::write`] (for one statement
/// outside a transaction) or inside a [`Tx`]: on SQLite the writer, held
/// for the turn; on PostgreSQL one from the pool. Used as a connection
/// (`&mut *w`).
pub enum Write {
    Turn(OwnedMutexGuard<Writer>),
    Pooled(PoolConnection<sqlx::Any>),
}

impl Deref for Write {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match self {
            Write::Turn(writer) => &writer.conn,
            Write::Pooled(conn) => conn,
        }
    }
}

impl DerefMut for Write {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Write::Turn(writer) => &mut writer.conn,
            Write::Pooled(conn) => conn,
        }
    }
}

/// A transaction from [`Db::begin`], ended with [`Tx::commit`] or
/// [`Tx::rollback`]. Dropped unfinished, it is rolled back: on SQLite when
/// the writer's turn is next taken, on PostgreSQL before the connection's
/// next use (queued, as sqlx's own `Transaction` does). Used as a
/// connection (`&mut *tx`).
pub struct Tx {
    conn: Write,
    open: bool,
}

type Manager = <sqlx::Any as sqlx::Database>::TransactionManager;

impl Tx {
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        Manager::commit(&mut self.conn).await?;
        self.open = false;
        Ok(())
    }

    pub async fn rollback(mut self) -> Result<(), sqlx::Error> {
        Manager::rollback(&mut self.conn).await?;
        self.open = false;
        Ok(())
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if self.open {
            match &mut self.conn {
                Write::Turn(writer) => writer.unfinished = true,
                Write::Pooled(conn) => Manager::start_rollback(conn),
            }
        }
    }
}

impl Deref for Tx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl DerefMut for Tx {
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
        // Counted open before `BEGIN` is sent: a request cancelled while
        // it runs leaves a transaction to roll back, not one nobody ends.
        let mut tx = Tx {
            conn: self.write().await?,
            open: true,
        };
        Manager::begin(&mut tx, None).await?;
        Ok(tx)
    }

    /// A connection for one statement that writes, outside a transaction;
    /// on SQLite, after the transaction before it has ended, so it never
    /// sleeps in SQLite's busy handler. The same rule as [`Db::begin`]:
    /// never while holding a turn.
    pub async fn write(&self) -> Result<Write, sqlx::Error> {
        Ok(match &self.writer {
            Some(writer) => {
                let mut turn = writer.clone().lock_owned().await;
                turn.ready().await?;
                Write::Turn(turn)
            }
            None => Write::Pooled(self.pool.acquire().await?),
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
        // Not a trip to the database each time a connection is taken (a
        // SQLite connection is a file handle in this process; a PostgreSQL
        // one is tested only when it may have been lost: `test_before_use`).
        let options = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(5))
            .test_before_acquire(false);
        let options = match backend {
            Backend::Sqlite => options.after_connect(|conn, _| Box::pin(set_up_sqlite(conn))),
            Backend::Postgres => options.before_acquire(|conn, meta| {
                Box::pin(async move {
                    if test_before_use(meta.idle_for, since_connection_lost()) {
                        if let Err(e) = conn.ping().await {
                            note_connection_lost(&e);
                            return Ok(false);
                        }
                    }
                    Ok(true)
                })
            }),
        };
        let pool = options.connect(url).await?;
        let writer = match backend {
            Backend::Sqlite => {
                pool.execute("PRAGMA journal_mode = WAL").await?;
                let writer = Arc::new(Mutex::new(Writer::open(url).await?));
                checkpoint_in_background(url, Arc::downgrade(&writer)).await?;
                Some(writer)
            }
            Backend::Postgres => None,
        };
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

/// PostgreSQL: a pooled connection idle this long is tested before use: the
/// database may have restarted meanwhile with nothing in this process
/// noticing.
const TEST_IDLE_AFTER: Duration = Duration::from_secs(10);

/// When a statement last found the database connection gone, in µs since
/// [`EPOCH`] plus one (0: never), set by [`note_connection_lost`]. A
/// monotonic clock, as sqlx's own idle times are.
static CONNECTION_LOST_AT: AtomicU64 = AtomicU64::new(0);
static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);

fn micros_since_epoch() -> u64 {
    EPOCH.elapsed().as_micros() as u64 + 1
}

/// Whether an error says the connection to the database is gone (I/O,
/// TLS, the connection's thread, PostgreSQL's shutdown and connection
/// codes): the database may be back later; answered `503 unavailable`.
fn is_connection_lost(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => matches!(
            db.code().as_deref(),
            Some("57P01" | "57P02" | "57P03" | "08000" | "08003" | "08006")
        ),
        _ => false,
    }
}

/// Called with database errors as requests meet them (and by the pool's
/// own test): one that says the connection is gone makes the pool test
/// each connection given back before now when it is next taken, so a
/// restart of PostgreSQL costs the requests it broke and those that met a
/// killed connection before one was noticed, not one more per idle
/// connection. Says whether it was one.
pub fn note_connection_lost(e: &sqlx::Error) -> bool {
    let lost = is_connection_lost(e);
    if lost {
        CONNECTION_LOST_AT.store(micros_since_epoch(), Ordering::Relaxed);
    }
    lost
}

/// How long ago a connection was last found gone (None: never).
fn since_connection_lost() -> Option<Duration> {
    match CONNECTION_LOST_AT.load(Ordering::Relaxed) {
        0 => None,
        at => Some(Duration::from_micros(
            micros_since_epoch().saturating_sub(at),
        )),
    }
}

/// Whether a pooled PostgreSQL connection, idle for `idle_for`, is pinged
/// before it is used: when idle long enough for a restart to have gone
/// unseen, or when it was given back (its last use, ended by sqlx's own
/// ping) no later than a connection was last found gone.
fn test_before_use(idle_for: Duration, since_lost: Option<Duration>) -> bool {
    idle_for >= TEST_IDLE_AFTER || since_lost.is_some_and(|since| idle_for >= since)
}

/// What every SQLite connection is told when it opens.
async fn set_up_sqlite(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    conn.execute("PRAGMA busy_timeout = 5000").await?;
    // WAL + NORMAL: durable across crashes of the process; a power cut may
    // lose the last commits, never corrupt.
    conn.execute("PRAGMA synchronous = NORMAL").await?;
    conn.execute("PRAGMA foreign_keys = ON").await?;
    // Checkpoints run beside the requests (see `checkpoint_in_background`);
    // a commit copies the WAL back itself only if that falls far behind.
    conn.execute("PRAGMA wal_autocheckpoint = 10000").await?;
    Ok(())
}

/// SQLite: how often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// SQLite: copies the WAL back into the database file every
/// [`CHECKPOINT_EVERY`] on a connection of its own, so that no request's
/// commit waits for that copy and its fsyncs (docs/design.md, "SQLite
/// checkpoints"). `PASSIVE` never waits for a reader or the writer. Ends
/// when the [`Db`] whose writer `alive` points to is gone.
async fn checkpoint_in_background(
    url: &str,
    alive: Weak<Mutex<Writer>>,
) -> Result<(), sqlx::Error> {
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

    /// The rule of `test_before_use`: a connection busy since the database
    /// was last found gone is used as it is; one idle since before that,
    /// or idle long enough for a restart to go unseen, is tested first.
    #[test]
    fn postgres_connections_are_tested_only_when_they_may_be_lost() {
        let ms = Duration::from_millis;
        assert!(!test_before_use(ms(5), None));
        assert!(!test_before_use(ms(5), Some(ms(60_000))));
        assert!(test_before_use(ms(500), Some(ms(400))));
        assert!(test_before_use(ms(400), Some(ms(400))));
        assert!(!test_before_use(ms(399), Some(ms(400))));
        assert!(test_before_use(TEST_IDLE_AFTER, None));
    }

    /// A transaction dropped without commit is rolled back before the
    /// writer's next statement, and the next transaction is a whole one of
    /// its own (committed for every connection to see, not a savepoint
    /// inside the dropped one).
    #[tokio::test]
    async fn sqlite_a_dropped_transaction_is_rolled_back() {
        let (_dir, db) = sqlite_in_temp_dir().await;
        let before = users::count(&db.pool).await.unwrap();
        let with_user = |name: &'static str| async {
            let mut tx = db.begin().await.unwrap();
            users::insert(&mut *tx, name, name, "phc", 0).await.unwrap();
            tx
        };
        drop(with_user("Dropped User").await);
        with_user("Kept User").await.commit().await.unwrap();
        assert_eq!(users::count(&db.pool).await.unwrap(), before + 1);
        with_user("Rolled User").await.rollback().await.unwrap();
        assert_eq!(users::count(&db.pool).await.unwrap(), before + 1);
    }

    /// The writer's turn starts with no transaction open, and what is
    /// committed on it is seen by the pool's connections.
    async fn assert_writer_ready(db: &Db, name: &'static str) {
        let before = users::count(&db.pool).await.unwrap();
        let w = db.write().await.unwrap();
        assert_eq!(
            Manager::get_transaction_depth(&w),
            0,
            "a turn began inside a transaction"
        );
        drop(w);
        let mut tx = db.begin().await.unwrap();
        users::insert(&mut *tx, name, name, "phc", 0).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(users::count(&db.pool).await.unwrap(), before + 1);
    }

    /// A request cancelled while its `BEGIN` runs leaves no transaction
    /// open on the writer.
    #[tokio::test]
    async fn sqlite_a_begin_cancelled_midway_leaves_no_transaction() {
        let (_dir, db) = sqlite_in_temp_dir().await;
        // Polled once (the `BEGIN` is sent) and dropped; its thread
        // answers within that one poll all but about 1 time in 100 here,
        // so until one is cut off midway (5,000 tries: never all missed).
        let mut cut_off = false;
        for _ in 0..5000 {
            match tokio::time::timeout(Duration::ZERO, db.begin()).await {
                Ok(tx) => tx.unwrap().rollback().await.unwrap(),
                Err(_) => {
                    cut_off = true;
                    break;
                }
            }
        }
        assert!(cut_off, "no BEGIN was ever cut off midway");
        assert_writer_ready(&db, "After Cancel").await;
    }

    /// A transaction SQLite ended by itself (as after an I/O or full-disk
    /// error; here a raw `ROLLBACK`) leaves sqlx counting one open: the
    /// next turn gets a writer with none open, and its commits count.
    #[tokio::test]
    async fn sqlite_the_writer_recovers_from_a_transaction_sqlite_ended() {
        let (_dir, db) = sqlite_in_temp_dir().await;
        let mut tx = db.begin().await.unwrap();
        sqlx::query("ROLLBACK").execute(&mut *tx).await.unwrap();
        drop(tx);
        assert_writer_ready(&db, "After Recovery").await;
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
