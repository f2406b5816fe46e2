//! Connecting to SQLite or PostgreSQL and bringing the schema up to date.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

/// Connects and runs pending migrations, so a fresh file or database is ready to serve.
pub async fn connect_and_migrate(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_owned());
    // Statement logging goes through tracing at debug level only; info would flood the logs.
    opts.sqlx_logging_level(log::LevelFilter::Debug);
    if url.starts_with("sqlite:") {
        // SQLite serialises writers; a small pool avoids lock contention between them.
        opts.max_connections(4);
    }
    let db = Database::connect(opts).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}
