//! Command line of the tracker: `serve` (the default), `migrate`, `export-schema` and `seed-demo`.

use std::path::PathBuf;

use api::config::Config;
use api::graphql::{build_schema, sdl};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "api",
    about = "Social-clause tracker: GraphQL API for LBF renovation grants"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the API (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Write the GraphQL SDL (sorted) to a file, or to stdout with "-".
    ExportSchema {
        #[arg(default_value = "schema.graphql")]
        out: PathBuf,
    },
    /// Load the Korsløkkeparken / Byg til Vækst demo scenario into the database.
    SeedDemo,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let filter = EnvFilter::try_from_env("LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    if std::env::var("LOG_FORMAT").as_deref() == Ok("json") {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .json()
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let cli = Cli::parse();
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::ExportSchema { out } => {
            // The SDL does not depend on the data, so no database is needed.
            let db = sea_orm::DatabaseConnection::default();
            let text = sdl(&build_schema(db, config.page_limits));
            if out.as_os_str() == "-" {
                print!("{text}");
            } else {
                std::fs::write(&out, text)?;
                eprintln!("wrote {}", out.display());
            }
        }
        Command::Migrate => {
            api::db::connect_and_migrate(&config.database_url).await?;
            tracing::info!("database is up to date");
        }
        Command::SeedDemo => {
            let db = api::db::connect_and_migrate(&config.database_url).await?;
            let summary = api::seed::seed_demo(&db).await?;
            println!("{summary}");
        }
        Command::Serve => {
            let db = api::db::connect_and_migrate(&config.database_url).await?;
            api::http::serve(&config, db).await?;
        }
    }
    Ok(())
}
