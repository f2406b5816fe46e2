//! Live updates (levende opdateringer): which grants changed, told to every subscriber on every
//! instance, without a broker.
//!
//! A write bumps its grants' revisions in its own transaction (`service::revision`). On
//! PostgreSQL the same transaction queues `NOTIFY tracker_changes`, which PostgreSQL delivers to
//! every listening instance when, and only if, the transaction commits; on SQLite the instance's
//! own commits signal it (`db::WriteGate::commits`). Either signal makes the watcher read the
//! revisions once and broadcast the grants whose revision moved; so a missed, late or repeated
//! signal costs one query, never an update or a stale figure. The revisions are also read every
//! 30 seconds, in case a notification was lost with a connection.
//!
//! The watcher starts with the first subscriber and stops when the schema holding it is gone.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use sea_orm::{DatabaseBackend, DatabaseConnection, EntityTrait, QuerySelect};
use tokio::sync::{Notify, broadcast};
use uuid::Uuid;

/// The PostgreSQL channel of the notifications.
pub const CHANNEL: &str = "tracker_changes";

/// Grants whose figures changed, in one broadcast.
pub type Changed = Arc<Vec<Uuid>>;

/// The broadcast of changed grants for one database.
#[derive(Clone)]
pub struct Changes {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    signal: Arc<Notify>,
    tx: broadcast::Sender<Changed>,
    started: tokio::sync::OnceCell<()>,
}

/// How long a burst of commits is gathered before the revisions are read.
const COALESCE: Duration = Duration::from_millis(20);
const RESCAN: Duration = Duration::from_secs(30);

impl Changes {
    /// `signal` is notified after every local commit (the write gate's).
    pub fn new(db: DatabaseConnection, signal: Arc<Notify>) -> Self {
        let (tx, _) = broadcast::channel(256);
        Self {
            inner: Arc::new(Inner {
                db,
                signal,
                tx,
                started: tokio::sync::OnceCell::new(),
            }),
        }
    }

    /// A receiver of every change after this call: the first call reads the revisions it
    /// compares with before it returns, and starts the watcher.
    pub async fn subscribe(&self) -> broadcast::Receiver<Changed> {
        let rx = self.inner.tx.subscribe();
        self.inner
            .started
            .get_or_init(|| async {
                // Listening before the first read: a commit between the two is then both in
                // the read and notified (one extra read), never in neither.
                if self.inner.db.get_database_backend() == DatabaseBackend::Postgres {
                    let pool = self.inner.db.get_postgres_connection_pool().clone();
                    let first = listening(&pool).await;
                    tokio::spawn(listen(pool, Arc::downgrade(&self.inner.signal), first));
                }
                let last = revisions(&self.inner.db).await.unwrap_or_default();
                tokio::spawn(watch(Arc::downgrade(&self.inner), last));
            })
            .await;
        rx
    }
}

/// Every grant's current revision.
async fn revisions(db: &DatabaseConnection) -> Result<HashMap<Uuid, i64>, sea_orm::DbErr> {
    use entity::grant_revision::{Column, Entity};
    let rows: Vec<(Uuid, i64)> = Entity::find()
        .select_only()
        .column(Column::GrantId)
        .column(Column::Revision)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

async fn watch(inner: Weak<Inner>, mut last: HashMap<Uuid, i64>) {
    loop {
        let signal = match inner.upgrade() {
            Some(i) => i.signal.clone(),
            None => return,
        };
        let _ = tokio::time::timeout(RESCAN, signal.notified()).await;
        tokio::time::sleep(COALESCE).await;
        let Some(i) = inner.upgrade() else { return };
        match revisions(&i.db).await {
            Ok(now) => {
                let changed: Vec<Uuid> = now
                    .iter()
                    .filter(|(g, r)| last.get(g) != Some(r))
                    .map(|(g, _)| *g)
                    .collect();
                last = now;
                if !changed.is_empty() {
                    // No subscriber left is not an error.
                    let _ = i.tx.send(Arc::new(changed));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "live updates: could not read the grant revisions")
            }
        }
    }
}

/// A connection listening on [`CHANNEL`], or None (logged) if none could be had now.
async fn listening(pool: &sea_orm::sqlx::PgPool) -> Option<sea_orm::sqlx::postgres::PgListener> {
    use sea_orm::sqlx::postgres::PgListener;
    let mut listener = match PgListener::connect_with(pool).await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error = %e, "live updates: no connection to listen on");
            return None;
        }
    };
    match listener.listen(CHANNEL).await {
        Ok(()) => Some(listener),
        Err(e) => {
            tracing::warn!(error = %e, "live updates: LISTEN failed");
            None
        }
    }
}

/// Forwards PostgreSQL's notifications to the watcher's signal, reconnecting when the
/// connection is lost (and signalling then too: notifications may have been missed).
async fn listen(
    pool: sea_orm::sqlx::PgPool,
    signal: Weak<Notify>,
    mut current: Option<sea_orm::sqlx::postgres::PgListener>,
) {
    let mut pause = Duration::from_millis(100);
    loop {
        let mut listener = match current.take() {
            Some(l) => l,
            None => match listening(&pool).await {
                Some(l) => l,
                None => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(10));
                    continue;
                }
            },
        };
        pause = Duration::from_millis(100);
        loop {
            let got = listener.try_recv().await;
            let Some(s) = signal.upgrade() else { return };
            s.notify_one();
            match got {
                Ok(Some(_)) => {}
                // Lost and reconnecting; notify once more after it is back.
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "live updates: the listening connection failed");
                    break;
                }
            }
        }
    }
}
