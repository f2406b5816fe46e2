//! Command line of the tracker: `serve` (the default), `migrate`, `export-schema` and `seed-demo`.

// Release builds compute the layout of the whole schema's resolver futures in one crate; the
// merged Query is deeper than rustc's default limit of 128.
#![recursion_limit = "256"]

use std::path::PathBuf;

use api::config::Config;
use api::graphql::{build_schema, sdl};
use clap::{Parser, Subcommand};
use entity::enums::Role;
use tracing_subscriber::EnvFilter;

// mimalloc: a GraphQL answer is thousands of small allocations freed together, where glibc's
// malloc spent a quarter of the dashboard's CPU (consolidating and unlinking free chunks).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    Serve {
        /// Load the demo scenario first (once; relative to today) and print its sign-ins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Write the GraphQL SDL (sorted) to a file, or to stdout with "-".
    ExportSchema {
        #[arg(default_value = "schema.graphql")]
        out: PathBuf,
    },
    /// Load the Korsløkkeparken / Byg til Vækst demo scenario, and print a token for each role.
    SeedDemo,
    /// Create an API token and print it (shown once). The first administrator token comes from here.
    CreateToken {
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[arg(long, default_value = "command line")]
        name: String,
        /// BYGHERRE: the housing organisation's id.
        #[arg(long)]
        organisation_id: Option<uuid::Uuid>,
        /// CONTRACTOR: the contractor's id.
        #[arg(long)]
        contractor_id: Option<uuid::Uuid>,
        /// TOVHOLDER: a grant's id (repeat for several).
        #[arg(long = "grant-id")]
        grant_ids: Vec<uuid::Uuid>,
        /// Expiry as RFC 3339, e.g. 2027-12-31T23:59:59Z.
        #[arg(long)]
        expires_at: Option<chrono::DateTime<chrono::Utc>>,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    match s.to_ascii_lowercase().as_str() {
        "admin" => Ok(Role::Admin),
        "bygherre" => Ok(Role::Bygherre),
        "contractor" => Ok(Role::Contractor),
        "tovholder" => Ok(Role::Tovholder),
        "viewer" => Ok(Role::Viewer),
        _ => Err("role is one of admin, bygherre, contractor, tovholder, viewer".into()),
    }
}

/// Logs to standard output (text, or JSON with `LOG_FORMAT=json`) filtered by `LOG`, and, with
/// `OTEL_EXPORTER_OTLP_ENDPOINT`, every span to an OpenTelemetry collector too.
fn init_tracing(
    config: &Config,
) -> anyhow::Result<Option<opentelemetry_sdk::trace::SdkTracerProvider>> {
    use opentelemetry::trace::TracerProvider as _;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{Layer, Registry};
    let filter = EnvFilter::try_from_env("LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let mut layers: Vec<Box<dyn Layer<Registry> + Send + Sync>> = Vec::new();
    layers.push(if std::env::var("LOG_FORMAT").as_deref() == Ok("json") {
        tracing_subscriber::fmt::layer().json().boxed()
    } else {
        tracing_subscriber::fmt::layer().boxed()
    });
    let provider = match &config.traces {
        Some(t) => {
            let provider = api::telemetry::tracer_provider(t)?;
            layers.push(
                tracing_opentelemetry::layer()
                    .with_tracer(provider.tracer("social-clause-tracker"))
                    .boxed(),
            );
            Some(provider)
        }
        None => None,
    };
    tracing_subscriber::registry()
        .with(layers)
        .with(filter)
        .init();
    if let Some(t) = &config.traces {
        tracing::info!(url = %t.traces_url, "sending traces to the OpenTelemetry collector");
    }
    Ok(provider)
}

fn main() -> anyhow::Result<()> {
    api::run_main(run())
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::from_env()?;
    let traces = init_tracing(&config)?;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
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
            demo(&db).await?;
        }
        Command::CreateToken {
            role,
            name,
            organisation_id,
            contractor_id,
            grant_ids,
            expires_at,
        } => {
            let db = api::db::connect_and_migrate(&config.database_url).await?;
            let input = api::auth::CreateApiTokenInput {
                name,
                role,
                organisation_id,
                contractor_id,
                grant_ids,
                expires_at,
            };
            let (row, token) = api::auth::create_token(&db, input)
                .await
                .map_err(|e| anyhow::anyhow!("token refused: {}", e.message()))?;
            eprintln!(
                "created {role:?} token {} (shown once; only its hash is stored)",
                row.id
            );
            println!("{token}");
        }
        Command::Serve { demo: with_demo } => {
            let db = api::db::connect_and_migrate(&config.database_url).await?;
            if with_demo {
                demo(&db).await?;
                println!(
                    "\nSign in at http://{0}/login, or open the query console at http://{0}/graphql with a token.\n",
                    config.bind_addr
                );
            }
            api::http::serve(&config, db).await?;
        }
    }
    if let Some(provider) = traces {
        // Sends the spans still waiting for their batch.
        if let Err(e) = provider.shutdown() {
            eprintln!("could not send the last traces: {e}");
        }
    }
    Ok(())
}

/// Loads the demo (once) and prints a summary and a fresh token for each role.
async fn demo(db: &sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    let summary = api::seed::seed_demo(db).await?;
    println!("{summary}");
    println!("\nAPI tokens for the demo (send as 'Authorization: Bearer <token>'; shown once):");
    let roles: Vec<Role> = <Role as sea_orm::Iterable>::iter().collect();
    for (role, token) in api::seed::demo_tokens(db, &roles).await? {
        println!("  {:<10} {token}", api::auth::role_name(role));
    }
    println!(
        "  (BYGHERRE: the demo housing organisation; CONTRACTOR: the main contractor; \
         TOVHOLDER: the demo grant; VIEWER: aggregates only)"
    );
    println!("\nSign-ins for people (/login; the same scopes; passwords shown once):");
    for (role, email, password) in api::seed::demo_users(db, &roles).await? {
        println!(
            "  {:<10} {email:<28} {password}",
            api::auth::role_name(role)
        );
    }
    Ok(())
}
