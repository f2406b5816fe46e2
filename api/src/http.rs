//! HTTP routes served by poem: POST /graphql (the API), GET /graphql (GraphiQL), GET / (a pointer
//! to GraphiQL) and GET /healthz (checks the database).

use std::time::Duration;

use async_graphql::http::GraphiQLSource;
use async_graphql_poem::{GraphQLRequest, GraphQLResponse};
use poem::http::StatusCode;
use poem::listener::TcpListener;
use poem::middleware::Tracing;
use poem::web::{Data, Html, Json};
use poem::{Endpoint, EndpointExt, IntoResponse, Route, Server, get, handler};
use sea_orm::DatabaseConnection;
use serde_json::json;

use crate::config::Config;
use crate::graphql::{AppSchema, build_schema};

#[handler]
async fn graphql(schema: Data<&AppSchema>, req: GraphQLRequest) -> GraphQLResponse {
    schema.execute(req.0).await.into()
}

#[handler]
fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("Social-clause tracker")
            .finish(),
    )
}

#[handler]
fn index() -> Html<&'static str> {
    Html(
        "<!doctype html><title>Social-clause tracker</title>\
         <p>This is the GraphQL API of the social-clause tracker. \
         Open <a href=\"/graphql\">GraphiQL at /graphql</a> to explore it; \
         POST queries to /graphql; <a href=\"/healthz\">/healthz</a> reports health.</p>",
    )
}

#[handler]
async fn healthz(db: Data<&DatabaseConnection>) -> poem::Response {
    match db.ping().await {
        Ok(()) => Json(json!({ "status": "ok", "database": "ok" })).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "unreachable" })),
            )
                .into_response()
        }
    }
}

/// All routes, ready to serve or to drive in tests.
pub fn app(db: DatabaseConnection, schema: AppSchema) -> impl Endpoint {
    Route::new()
        .at("/", get(index))
        .at("/graphql", get(graphiql).post(graphql))
        .at("/healthz", get(healthz))
        .data(schema)
        .data(db)
        .with(Tracing)
}

/// Serves until Ctrl-C or SIGTERM, then lets requests in flight finish (up to 10 s).
pub async fn serve(config: &Config, db: DatabaseConnection) -> anyhow::Result<()> {
    let schema = build_schema(db.clone(), config.page_limits);
    tracing::info!(addr = %config.bind_addr, "serving GraphQL on /graphql (GraphiQL in a browser)");
    Server::new(TcpListener::bind(config.bind_addr))
        .run_with_graceful_shutdown(
            app(db, schema),
            shutdown_signal(),
            Some(Duration::from_secs(10)),
        )
        .await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
}
