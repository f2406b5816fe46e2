//! HTTP routes served by poem: POST /graphql (the API), GET /graphql (GraphiQL), GET / (a redirect
//! to GraphiQL), GET /healthz (checks the database) and GET /exports/lbf-report.csv.

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
use crate::error::AppError;
use crate::graphql::{AppSchema, build_schema_with};

fn bearer(req: &poem::Request) -> Option<&str> {
    req.headers()
        .get(poem::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

/// Attaches the caller a valid token identifies; without one the schema answers UNAUTHENTICATED.
#[handler]
async fn graphql(
    schema: Data<&AppSchema>,
    db: Data<&DatabaseConnection>,
    http: &poem::Request,
    req: GraphQLRequest,
) -> GraphQLResponse {
    let mut request = req.0;
    match crate::auth::authenticate(*db, bearer(http)).await {
        Ok(principal) => request = request.data(principal),
        Err(AppError::Unauthenticated) => {}
        Err(other) => {
            let err: async_graphql::Error = other.into();
            return async_graphql::Response::from_errors(vec![
                err.into_server_error(Default::default()),
            ])
            .into();
        }
    }
    schema.execute(request).await.into()
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

/// GET / sends a browser on to GraphiQL: besides /healthz, the GraphiQL page is the only thing
/// that answers without a token.
#[handler]
fn index() -> poem::web::Redirect {
    poem::web::Redirect::see_other("/graphql")
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
        .at("/exports/lbf-report.csv", get(lbf_report_csv))
        .data(schema)
        .data(db)
        .with(Tracing)
}

/// Serves until Ctrl-C or SIGTERM, then lets requests in flight finish (up to 10 s).
pub async fn serve(config: &Config, db: DatabaseConnection) -> anyhow::Result<()> {
    let schema = build_schema_with(db.clone(), config.page_limits, config.query_limits);
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

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReportQuery {
    organisation_id: Option<String>,
    year: Option<String>,
}

/// GET /exports/lbf-report.csv?organisationId=…&year=…: the yearly LBF report of every grant of
/// an organisation, one line per grant; the same rows as the `lbfYearReports` query.
#[handler]
async fn lbf_report_csv(
    db: Data<&DatabaseConnection>,
    http: &poem::Request,
    query: poem::web::Query<ReportQuery>,
) -> poem::Response {
    let principal = match crate::auth::authenticate(*db, bearer(http)).await {
        Ok(p) => p,
        Err(e) => return error_response(e),
    };
    let Some(org) = query
        .organisation_id
        .as_deref()
        .and_then(|v| uuid::Uuid::parse_str(v).ok())
    else {
        return error_response(AppError::bad_input(
            "organisationId",
            "organisationId must be the UUID of a housing organisation",
        ));
    };
    let Some(year) = query
        .year
        .as_deref()
        .and_then(|v| v.parse::<i32>().ok())
        .filter(|y| (2000..=2100).contains(y))
    else {
        return error_response(AppError::bad_input(
            "year",
            "year must be a calendar year such as 2024",
        ));
    };
    match lbf_report_rows(&db, &principal.scope(), org, year).await {
        Ok(body) => poem::Response::builder()
            .content_type("text/csv; charset=utf-8")
            .header(
                "Content-Disposition",
                format!("attachment; filename=\"lbf-report-{year}.csv\""),
            )
            .body(body),
        Err(err) => error_response(err),
    }
}

/// An error as JSON with the same code GraphQL would answer, and the matching HTTP status.
fn error_response(err: AppError) -> poem::Response {
    let status = match err.code() {
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "BAD_USER_INPUT" => StatusCode::BAD_REQUEST,
        "CONFLICT" => StatusCode::CONFLICT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let code = err.code();
    // Through the GraphQL conversion, so an internal cause is logged and only its reference shown.
    let gql: async_graphql::Error = err.into();
    let message = if code == "UNAUTHENTICATED" {
        "a valid API token is required (Authorization: Bearer ...)".to_owned()
    } else {
        gql.message
    };
    (status, Json(json!({ "error": message, "code": code }))).into_response()
}

async fn lbf_report_rows(
    db: &DatabaseConnection,
    scope: &crate::scope::Scope,
    org: uuid::Uuid,
    year: i32,
) -> crate::error::AppResult<Vec<u8>> {
    let reports =
        crate::service::compliance::organisation_year_reports(db, scope, org, year).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| AppError::Internal(e.into());
    w.write_record([
        "case_number",
        "title",
        "year",
        "submitted",
        "version",
        "apprentice_arsvaerk",
        "other_training_arsvaerk",
        "apprentice_hours",
        "other_training_hours",
        "craftsman_cost_dkk",
        "construction_start",
        "handover",
        "final_or_interim",
        "submitted_at",
        "submitted_by",
    ])
    .map_err(internal)?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    for r in reports {
        let f = &r.figures;
        let latest = r.versions.last();
        w.write_record([
            r.grant.case_number.clone(),
            r.grant.title.clone(),
            year.to_string(),
            latest.is_some().to_string(),
            opt(latest.map(|v| v.version.to_string())),
            f.apprentice_arsvaerk.to_string(),
            f.other_training_arsvaerk.to_string(),
            f.apprentice_hours.to_string(),
            f.other_training_hours.to_string(),
            opt(f.craftsman_cost.map(|c| c.to_string())),
            opt(f.construction_start.map(|d| d.to_string())),
            opt(f.handover.map(|d| d.to_string())),
            if f.is_final { "final" } else { "interim" }.to_string(),
            opt(latest.map(|v| v.submitted_at.to_rfc3339())),
            opt(latest.map(|v| v.submitted_by.clone())),
        ])
        .map_err(internal)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}
