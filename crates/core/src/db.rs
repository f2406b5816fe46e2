//! Connecting to SQLite or PostgreSQL, bringing the schema up to date, and running write
//! transactions so they hold under concurrency on both:
//! - SQLite: WAL (readers never block the writer), a busy timeout, and one write transaction at a
//!   time inside the process ([`WriteGate`]), since SQLite refuses a second writer rather than
//!   queueing it ("database is locked").
//! - PostgreSQL: migrations under an advisory lock, so any number of instances can start together;
//!   write transactions retried (bounded, with jitter) when the database aborted them as a
//!   deadlock victim or a serialisation failure, so a caller never sees those as INTERNAL.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, DbErr, TransactionTrait,
};

use crate::error::{AppError, AppResult};

/// The work of one write transaction; called again when the transaction is retried.
pub type TxnFuture<'t, T> = Pin<Box<dyn Future<Output = AppResult<T>> + Send + 't>>;

/// How long a SQLite connection waits for another process's write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts of a write transaction aborted by a deadlock or serialisation failure.
const MAX_ATTEMPTS: u32 = 8;
/// Any fixed 64-bit number; every instance takes the same advisory lock around migrations.
const MIGRATION_LOCK_KEY: i64 = 0x5343_5452_4d49_4752; // "SCTRMIGR"

/// Connects and runs pending migrations, so a fresh file or database is ready to serve.
pub async fn connect_and_migrate(url: &str) -> anyhow::Result<DatabaseConnection> {
    let db = connect(url).await?;
    migrate(&db, url).await?;
    Ok(db)
}

/// The pool, with SQLite in WAL mode and a busy timeout.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_owned());
    // Statement logging goes through tracing at debug level only; info would flood the logs.
    opts.sqlx_logging_level(log::LevelFilter::Debug);
    if url.starts_with("sqlite:") {
        // Readers use their own connections; the one writer is serialised by the WriteGate.
        opts.max_connections(8);
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .foreign_keys(true)
                // Deleted and overwritten content is zeroed, not left in free pages: an erased
                // person's name must not stay readable in the file (see `purge_erased`).
                .pragma("secure_delete", "ON")
        });
        // Opening a connection switches the file to WAL, which SQLite answers with BUSY at once
        // (no busy wait) while another process holds a write transaction, such as an instance
        // started alongside that is migrating or sending reminders: try again for a while.
        let mut attempt = 0u32;
        loop {
            match Database::connect(opts.clone()).await {
                Err(e) if attempt < 40 && e.to_string().contains("database is locked") => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                other => return Ok(other?),
            }
        }
    }
    Ok(Database::connect(opts).await?)
}

/// Applies pending migrations, then fills in the hours rollups of any report that has none (rows
/// from before the rollups existed; see `service::rollup::backfill`) and draws the change
/// stamp's epoch (`crate::stamp`).
pub async fn migrate(db: &DatabaseConnection, url: &str) -> anyhow::Result<()> {
    migrate_schema(db, url).await?;
    let filled = crate::service::rollup::backfill(db)
        .await
        .map_err(|e| anyhow::anyhow!("filling in the hours rollups: {e:?}"))?;
    if filled > 0 {
        tracing::info!(reports = filled, "hours rollups filled in");
    }
    crate::stamp::new_epoch(db)
        .await
        .map_err(|e| anyhow::anyhow!("drawing the change stamp's epoch: {e:?}"))?;
    Ok(())
}

/// The file of a SQLite URL (`sqlite://path?mode=rwc`, `sqlite:path`); None in memory.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next()?;
    (!path.is_empty() && !path.starts_with(':')).then(|| path.into())
}

/// The migrations, one instance at a time, so instances started together take turns and the
/// later ones find nothing to do: on PostgreSQL under a session advisory lock held on a
/// connection of its own, on SQLite under an exclusive lock of a file beside the database
/// (`<file>.migrate.lock`; the operating system releases it if the process dies).
async fn migrate_schema(db: &DatabaseConnection, url: &str) -> anyhow::Result<()> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        let Some(file) = sqlite_file(url) else {
            Migrator::up(db, None).await?;
            return Ok(());
        };
        let mut lock_path = file.into_os_string();
        lock_path.push(".migrate.lock");
        let lock = tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
            let f = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&lock_path)?;
            f.lock()?;
            Ok(f)
        })
        .await??;
        let result = Migrator::up(db, None).await;
        drop(lock);
        result?;
        return Ok(());
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging_level(log::LevelFilter::Debug)
        .max_connections(1)
        .min_connections(1);
    let lock_conn = Database::connect(opts).await?;
    lock_conn
        .execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
        .await?;
    let result = Migrator::up(&lock_conn, None).await;
    let unlock = lock_conn
        .execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
        .await;
    lock_conn.close().await.ok();
    result?;
    unlock?;
    Ok(())
}

/// One write transaction at a time within this process, on SQLite only (PostgreSQL takes row
/// locks), and a signal after each commit for the live updates (`crate::live`). Cloning shares
/// the gate.
#[derive(Clone, Default)]
pub struct WriteGate {
    lock: Option<Arc<tokio::sync::Mutex<()>>>,
    commits: Arc<tokio::sync::Notify>,
}

/// The gates of the SQLite files this process has open, by file: every pool and every part of
/// the server on one file (the schema, the web app's sign-in and invitation pages, the reminder
/// scheduler) shares one gate, so no writer of the process bypasses it. Entries of files no longer
/// open are dropped as new ones come.
static SQLITE_GATES: std::sync::LazyLock<
    std::sync::Mutex<
        std::collections::HashMap<std::path::PathBuf, std::sync::Weak<tokio::sync::Mutex<()>>>,
    >,
> = std::sync::LazyLock::new(Default::default);

impl WriteGate {
    /// The gate of `db`'s database: on SQLite the one every writer of the process on that file
    /// shares; on PostgreSQL none (row locks do the work).
    pub fn for_connection(db: &DatabaseConnection) -> Self {
        use sea_orm::DatabaseConnectionType as T;
        let lock = match db.inner {
            T::SqlxSqlitePoolConnection(_) => {
                let file = db
                    .get_sqlite_connection_pool()
                    .connect_options()
                    .get_filename()
                    .to_path_buf();
                let mut gates = SQLITE_GATES
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                gates.retain(|_, g| g.strong_count() > 0);
                let gate = gates
                    .get(&file)
                    .and_then(std::sync::Weak::upgrade)
                    .unwrap_or_else(|| Arc::new(tokio::sync::Mutex::new(())));
                gates.insert(file, Arc::downgrade(&gate));
                Some(gate)
            }
            _ => None,
        };
        Self {
            lock,
            commits: Default::default(),
        }
    }

    /// Notified after every committed write transaction through this gate (a waiter that was
    /// busy finds the permit on its next wait).
    pub fn commits(&self) -> Arc<tokio::sync::Notify> {
        self.commits.clone()
    }
}

/// Runs `work` in a transaction that is committed only if all of it succeeds. A transaction the
/// database aborted as a deadlock victim or serialisation failure (or, on SQLite, found the file
/// locked by another process) is rolled back and run again from the start, up to
/// [`MAX_ATTEMPTS`] times with a growing, jittered pause; after that the caller gets CONFLICT.
pub async fn write_txn<T, F>(db: &DatabaseConnection, gate: &WriteGate, work: F) -> AppResult<T>
where
    T: Send + 'static,
    F: for<'t> Fn(&'t DatabaseTransaction) -> TxnFuture<'t, T>,
{
    write_txn_or_discard(db, gate, |t| {
        let job = work(t);
        Box::pin(async move { Ok((job.await?, Outcome::Commit)) })
    })
    .await
}

/// Whether a transaction's work is to be kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Commit,
    /// Roll back, and still answer: a dry run, or a file whose problems are reported as data.
    Discard,
}

/// [`write_txn`] for work that decides itself whether to keep what it wrote.
pub async fn write_txn_or_discard<T, F>(
    db: &DatabaseConnection,
    gate: &WriteGate,
    work: F,
) -> AppResult<T>
where
    F: for<'t> Fn(&'t DatabaseTransaction) -> TxnFuture<'t, (T, Outcome)>,
{
    let _writer = match &gate.lock {
        Some(m) => Some(m.lock().await),
        None => None,
    };
    let mut attempt = 1;
    loop {
        let result = async {
            let txn = db.begin().await?;
            let (out, outcome) = work(&txn).await?;
            match outcome {
                Outcome::Commit => {
                    // Last, so the stamp's lock is held only until the commit (`crate::stamp`).
                    crate::stamp::bump(&txn).await?;
                    txn.commit().await?;
                    gate.commits.notify_one();
                }
                Outcome::Discard => txn.rollback().await?,
            }
            Ok(out)
        }
        .await;
        match result {
            Err(err) if is_transient(&err) => {
                if attempt >= MAX_ATTEMPTS {
                    tracing::warn!(attempt, error = ?err, "write transaction kept failing under contention");
                    return Err(AppError::conflict(
                        "the same records were being changed by others at the same moment; try again",
                        "de samme poster blev ændret af andre i samme øjeblik; prøv igen",
                    ));
                }
                tracing::debug!(
                    attempt,
                    "write transaction aborted by the database; retrying"
                );
                tokio::time::sleep(backoff(attempt)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// 5 ms, 10 ms, 20 ms, ... (at most 320 ms), each with up to as much again of random jitter, so
/// transactions that collided do not collide again in lockstep.
fn backoff(attempt: u32) -> Duration {
    let base = 5u64 << attempt.min(6);
    let mut b = [0u8; 2];
    let jitter = match getrandom::fill(&mut b) {
        Ok(()) => u64::from(u16::from_le_bytes(b)) % base,
        Err(_) => base / 2,
    };
    Duration::from_millis(base + jitter)
}

/// Whether the database aborted the statement for concurrency, not for the data: PostgreSQL's
/// serialization_failure (40001) and deadlock_detected (40P01); SQLite's BUSY and LOCKED codes.
pub fn is_transient(err: &AppError) -> bool {
    let AppError::Internal(cause) = err else {
        return false;
    };
    let Some(db_err) = cause.downcast_ref::<DbErr>() else {
        return false;
    };
    let runtime = match db_err {
        DbErr::Exec(e) | DbErr::Query(e) | DbErr::Conn(e) => e,
        _ => return false,
    };
    let sea_orm::RuntimeErr::SqlxError(sqlx_err) = runtime else {
        return false;
    };
    let Some(code) = sqlx_err.as_database_error().and_then(|e| e.code()) else {
        return false;
    };
    // SQLite extended codes keep the primary code in the low byte (BUSY = 5, LOCKED = 6).
    let sqlite_busy = code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6));
    matches!(code.as_ref(), "40001" | "40P01") || sqlite_busy
}

/// After an erasure: on SQLite, copies the WAL into the file and empties it, so the erased
/// values (zeroed in the file's pages by `secure_delete`) are not left in the log either; on
/// PostgreSQL, vacuums the tables the erasure rewrote, so the old row versions holding them are
/// removed now rather than at the next autovacuum (what PostgreSQL's WAL archive and backups
/// keep is the operator's retention policy, see README). Failures are logged, not answered: the
/// erasure itself has committed.
pub async fn purge_erased(db: &DatabaseConnection) {
    use sea_orm::ConnectionTrait;
    let statements: &[&str] = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => &["PRAGMA wal_checkpoint(TRUNCATE)"],
        _ => &[
            "VACUUM person",
            "VACUUM audit_log",
            "VACUUM trial_placement",
        ],
    };
    for sql in statements {
        if let Err(e) = db.execute_unprepared(sql).await {
            tracing::warn!(error = %e, sql, "purging erased values failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_bounded() {
        for attempt in 1..=MAX_ATTEMPTS {
            let base = 5u64 << attempt.min(6);
            let d = backoff(attempt).as_millis() as u64;
            assert!((base..2 * base).contains(&d), "attempt {attempt}: {d} ms");
        }
        assert!(backoff(MAX_ATTEMPTS) <= Duration::from_millis(640));
    }

    #[test]
    fn only_database_concurrency_errors_are_transient() {
        assert!(!is_transient(&AppError::conflict("x", "x")));
        assert!(!is_transient(&AppError::Internal(anyhow::anyhow!(
            "deadlock detected"
        ))));
        assert!(!is_transient(&AppError::Internal(
            DbErr::Custom("x".into()).into()
        )));
    }

    #[test]
    fn the_file_of_a_sqlite_url() {
        assert_eq!(
            sqlite_file("sqlite://tracker.sqlite?mode=rwc"),
            Some("tracker.sqlite".into())
        );
        assert_eq!(
            sqlite_file("sqlite:///tmp/x/t.db"),
            Some("/tmp/x/t.db".into())
        );
        assert_eq!(sqlite_file("sqlite:data.db"), Some("data.db".into()));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x/y"), None);
    }
}
