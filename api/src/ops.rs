//! What operations runs the server with: `/livez` (the process answers), `/readyz` (migrated and
//! the database answers: a load balancer sends traffic only then), `/metrics` (Prometheus text),
//! a request id on every response and every log line of the request, and CORS for browser
//! dashboards served from other origins.
//!
//! Metrics go through the `metrics` facade into one process-wide Prometheus recorder; label values
//! a caller chooses (GraphQL operation names) are bounded, so a caller cannot grow the series
//! without limit.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use migration::{Migrator, MigratorTrait};
use poem::http::StatusCode;
use poem::web::{Data, Json};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, handler};
use sea_orm::DatabaseConnection;
use serde_json::json;
use tracing::Instrument;

/// The header carrying the request id, in and out.
pub const REQUEST_ID: &str = "x-request-id";

/// Histogram buckets in seconds: from a cached one-grant answer to a national dashboard.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Distinct GraphQL operation names kept as label values; later new names count as "other".
const MAX_OPERATION_NAMES: usize = 200;

/// The process-wide recorder (installed on first use; `None` if another recorder was installed
/// first, e.g. by an embedding program, in which case `/metrics` says so).
pub fn prometheus() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .ok()?;
            let handle = builder.install_recorder().ok()?;
            describe();
            Some(handle)
        })
        .as_ref()
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "tracker_http_requests_total",
        "HTTP requests answered, by surface and status class"
    );
    describe_histogram!(
        "tracker_http_request_duration_seconds",
        Unit::Seconds,
        "HTTP request latency, by surface"
    );
    describe_counter!(
        "tracker_graphql_requests_total",
        "GraphQL requests executed, by operation name and outcome"
    );
    describe_histogram!(
        "tracker_graphql_request_duration_seconds",
        Unit::Seconds,
        "GraphQL execution time, by operation name"
    );
    describe_counter!(
        "tracker_graphql_errors_total",
        "GraphQL errors answered, by extensions.code"
    );
    describe_gauge!(
        "tracker_db_pool_connections",
        "Database pool connections, by state (idle, in_use)"
    );
    describe_histogram!(
        "tracker_evaluation_duration_seconds",
        Unit::Seconds,
        "Time to load facts and evaluate the grants a request found no cached evaluation for"
    );
    describe_counter!(
        "tracker_evaluations_total",
        "Grant evaluations served, by source (cache, stored in the database, computed)"
    );
    describe_counter!(
        "tracker_kept_rows_total",
        "Dashboard rows written into an answer, by source (kept from an earlier answer, resolved)"
    );
    describe_gauge!(
        "tracker_cache_bytes",
        Unit::Bytes,
        "Memory the caches weigh, by cache (evaluations, answers); each is bounded by its budget"
    );
    describe_counter!(
        "tracker_payroll_imports_total",
        "Payroll files received, by outcome (checked, imported, already_imported, refused)"
    );
    describe_counter!(
        "tracker_reminders_planned_total",
        "Reminders planned (written once across instances), by kind"
    );
    describe_counter!(
        "tracker_reminder_deliveries_total",
        "Reminder delivery attempts by this instance, by channel (email, webhook) and outcome (sent, retry, failed)"
    );
    describe_gauge!(
        "tracker_reminder_backlog",
        "Reminder deliveries waiting in the database, by status (pending, sending)"
    );
}

/// The label for a GraphQL operation name: a valid GraphQL name of at most 64 characters among
/// the first [`MAX_OPERATION_NAMES`] seen, "anonymous" without one, else "other".
pub fn operation_label(name: Option<&str>) -> String {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let Some(name) = name else {
        return "anonymous".into();
    };
    let valid = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return "other".into();
    }
    let Ok(mut seen) = SEEN.get_or_init(Default::default).lock() else {
        return "other".into();
    };
    if seen.contains(name) || seen.len() < MAX_OPERATION_NAMES {
        seen.insert(name.to_owned());
        name.to_owned()
    } else {
        "other".into()
    }
}

/// Records one executed GraphQL request.
pub fn record_graphql(operation: &str, elapsed: std::time::Duration, error_codes: &[String]) {
    let outcome = if error_codes.is_empty() {
        "ok"
    } else {
        "error"
    };
    metrics::counter!("tracker_graphql_requests_total", "operation" => operation.to_owned(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!("tracker_graphql_request_duration_seconds", "operation" => operation.to_owned())
        .record(elapsed.as_secs_f64());
    record_errors(error_codes);
}

/// Counts GraphQL errors by code: those of executed requests, and those answered without
/// executing (no token, a body too large or unreadable, an answer too large), which have no
/// operation or execution time of their own.
pub fn record_errors(error_codes: &[String]) {
    for code in error_codes {
        metrics::counter!("tracker_graphql_errors_total", "code" => code.clone()).increment(1);
    }
}

/// GET /metrics: Prometheus text format.
#[handler]
pub async fn metrics_page(db: Data<&DatabaseConnection>) -> Response {
    let Some(handle) = prometheus() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics are unavailable: another metrics recorder was installed in this process\n",
        )
            .into_response();
    };
    let (size, idle) = pool_use(&db);
    metrics::gauge!("tracker_db_pool_connections", "state" => "idle").set(idle as f64);
    metrics::gauge!("tracker_db_pool_connections", "state" => "in_use")
        .set(size.saturating_sub(idle) as f64);
    metrics::gauge!("tracker_cache_bytes", "cache" => "evaluations")
        .set(crate::service::compliance::cached_bytes() as f64);
    metrics::gauge!("tracker_cache_bytes", "cache" => "answers")
        .set(crate::graphql::answers::weighed_bytes() as f64);
    // Read from the database: the backlog is every instance's, not this one's.
    match crate::service::reminders::backlog(*db).await {
        Ok(rows) => {
            for status in ["pending", "sending"] {
                let n = rows
                    .iter()
                    .find(|(s, _)| status_code(*s) == status)
                    .map_or(0, |(_, n)| *n);
                metrics::gauge!("tracker_reminder_backlog", "status" => status).set(n as f64);
            }
        }
        Err(e) => tracing::warn!(error = ?e, "could not read the reminder backlog for /metrics"),
    }
    handle.run_upkeep();
    Response::builder()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(handle.render())
}

fn status_code(s: entity::enums::DeliveryStatus) -> &'static str {
    use entity::enums::DeliveryStatus as S;
    match s {
        S::Pending => "pending",
        S::Sending => "sending",
        S::Sent => "sent",
        S::Failed => "failed",
    }
}

/// Connections open and idle in the pool.
fn pool_use(db: &DatabaseConnection) -> (u32, u32) {
    use sea_orm::DatabaseConnectionType as T;
    let idle = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    match &db.inner {
        T::SqlxPostgresPoolConnection(_) => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), idle(pool.num_idle()))
        }
        T::SqlxSqlitePoolConnection(_) => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), idle(pool.num_idle()))
        }
        _ => (0, 0),
    }
}

/// GET /livez: the process is up and answering (no database call, so a slow database does not
/// get a live instance restarted).
#[handler]
pub fn livez() -> Json<serde_json::Value> {
    Json(json!({ "status": "live" }))
}

/// GET /readyz: 200 once the database answers and every migration this binary knows is applied;
/// 503 otherwise (an instance starting while another migrates waits here, out of the rotation).
#[handler]
pub async fn readyz(db: Data<&DatabaseConnection>) -> Response {
    match Migrator::get_pending_migrations(*db).await {
        Ok(pending) if pending.is_empty() => {
            Json(json!({ "status": "ready", "database": "ok", "migrations": "applied" }))
                .into_response()
        }
        Ok(pending) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "not ready", "database": "ok", "pendingMigrations": pending.len() })),
        )
            .into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "readiness: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "not ready", "database": "unreachable" })),
            )
                .into_response()
        }
    }
}

/// The request id of the request being served (set by [`RequestIds`]).
#[derive(Clone, Debug)]
pub struct RequestIdValue(pub String);

/// Gives every request an id: the incoming `x-request-id` when a load balancer set a sane one
/// (at most 64 letters, digits, `-`, `_`, `.`), else a new UUID. The id is on the response, in
/// the span of every log line written while serving it, and in the request's data. Also counts
/// and times every request for `/metrics`.
pub struct RequestIds;

impl<E: Endpoint> Middleware<E> for RequestIds {
    type Output = RequestIdEndpoint<E>;
    fn transform(&self, next: E) -> Self::Output {
        RequestIdEndpoint { next }
    }
}

pub struct RequestIdEndpoint<E> {
    next: E,
}

fn sane_id(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 64
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A coarse label for the part of the server a path belongs to (paths carry ids; these do not).
fn surface(path: &str) -> &'static str {
    match path {
        "/graphql" => "graphql",
        "/livez" | "/readyz" | "/healthz" | "/metrics" => "ops",
        p if p.starts_with("/exports/") => "export",
        p if p.starts_with("/app") || p == "/login" || p == "/logout" || p == "/invitation" => {
            "app"
        }
        _ => "other",
    }
}

impl<E: Endpoint> Endpoint for RequestIdEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        let id = req
            .header(REQUEST_ID)
            .filter(|v| sane_id(v))
            .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
        req.set_data(RequestIdValue(id.clone()));
        let surface = surface(req.uri().path());
        let started = Instant::now();
        let span = tracing::info_span!("request", request_id = %id);
        let result = self.next.call(req).instrument(span).await;
        let mut response = match result {
            Ok(r) => r.into_response(),
            Err(e) => e.into_response(),
        };
        let class = match response.status().as_u16() {
            100..=399 => "2xx-3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        metrics::counter!("tracker_http_requests_total", "surface" => surface, "status" => class)
            .increment(1);
        metrics::histogram!("tracker_http_request_duration_seconds", "surface" => surface)
            .record(started.elapsed().as_secs_f64());
        if let Ok(v) = poem::http::HeaderValue::from_str(&id) {
            response.headers_mut().insert(REQUEST_ID, v);
        }
        Ok(response)
    }
}

/// Which other origins may call the API from a browser (`CORS_ALLOWED_ORIGINS`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CorsOrigins {
    /// No cross-origin reads (the default): browsers on other origins are refused by their own
    /// same-origin policy.
    #[default]
    Off,
    /// `*`: any origin (bearer tokens only; cookies never cross origins).
    Any,
    /// These origins (`https://host[:port]`, lower case, no path).
    List(Vec<String>),
}

impl CorsOrigins {
    /// Parses `CORS_ALLOWED_ORIGINS`: `*`, or origins separated by commas.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(Self::Off);
        }
        if value == "*" {
            return Ok(Self::Any);
        }
        let mut list = Vec::new();
        for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let uri: poem::http::Uri = part.parse().map_err(|_| {
                format!("{part:?} is not an origin like https://dashboard.example.dk")
            })?;
            let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
            let path_ok = matches!(uri.path(), "" | "/") && uri.query().is_none();
            match uri.authority() {
                Some(a) if scheme_ok && path_ok && !a.as_str().contains('@') => list.push(format!(
                    "{}://{}",
                    uri.scheme_str().unwrap_or("https"),
                    a.as_str().to_ascii_lowercase()
                )),
                _ => {
                    return Err(format!(
                        "{part:?} is not an origin like https://dashboard.example.dk (scheme and host, no path)"
                    ));
                }
            }
        }
        Ok(Self::List(list))
    }

    fn allows(&self, origin: &str) -> bool {
        match self {
            Self::Off => false,
            Self::Any => true,
            Self::List(list) => list.iter().any(|o| o.eq_ignore_ascii_case(origin)),
        }
    }
}

/// CORS for the configured origins. A request from an allowed origin gets the CORS answer
/// (preflight included); any other request, same-origin form posts of the web app included,
/// passes through untouched rather than being refused (a browser enforces the rest itself).
pub struct CrossOrigin(pub CorsOrigins);

impl<E: Endpoint + 'static> Middleware<E> for CrossOrigin {
    type Output = CrossOriginEndpoint<E>;
    fn transform(&self, next: E) -> Self::Output {
        let plain = std::sync::Arc::new(next);
        let cors = poem::middleware::Cors::new()
            .allow_methods([poem::http::Method::GET, poem::http::Method::POST])
            .allow_headers([
                "authorization",
                "content-type",
                "accept-language",
                REQUEST_ID,
            ])
            .expose_headers([REQUEST_ID])
            .allow_credentials(false)
            .max_age(600);
        CrossOriginEndpoint {
            cors: cors.transform(plain.clone()),
            plain,
            origins: self.0.clone(),
        }
    }
}

pub struct CrossOriginEndpoint<E> {
    plain: std::sync::Arc<E>,
    cors: poem::middleware::CorsEndpoint<std::sync::Arc<E>>,
    origins: CorsOrigins,
}

impl<E: Endpoint> Endpoint for CrossOriginEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let allowed = req
            .header(poem::http::header::ORIGIN)
            .is_some_and(|o| self.origins.allows(o));
        if allowed {
            self.cors.call(req).await.map(IntoResponse::into_response)
        } else {
            self.plain.call(req).await.map(IntoResponse::into_response)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_from_outside_are_taken_only_when_sane() {
        assert!(sane_id("lb-7f3a.42_x"));
        assert!(!sane_id(""));
        assert!(!sane_id("a b"));
        assert!(!sane_id("x\u{7f}"));
        assert!(!sane_id(&"a".repeat(65)));
    }

    #[test]
    fn operation_labels_are_bounded() {
        assert_eq!(operation_label(None), "anonymous");
        assert_eq!(operation_label(Some("Dashboard_1")), "Dashboard_1");
        assert_eq!(operation_label(Some("1bad")), "other");
        assert_eq!(operation_label(Some("a-b")), "other");
        assert_eq!(operation_label(Some(&"x".repeat(65))), "other");
        for n in 0..MAX_OPERATION_NAMES + 10 {
            operation_label(Some(&format!("Op{n}")));
        }
        assert_eq!(operation_label(Some("OneTooMany")), "other");
        // A name seen before the limit keeps its label.
        assert_eq!(operation_label(Some("Dashboard_1")), "Dashboard_1");
    }

    #[test]
    fn surfaces_carry_no_ids() {
        assert_eq!(surface("/app/grants/4f1c"), "app");
        assert_eq!(surface("/exports/lbf-report.csv"), "export");
        assert_eq!(surface("/readyz"), "ops");
        assert_eq!(surface("/graphql"), "graphql");
        assert_eq!(surface("/wp-admin"), "other");
    }

    #[test]
    fn cors_origins_parse_to_scheme_and_host() {
        assert_eq!(CorsOrigins::parse("").unwrap(), CorsOrigins::Off);
        assert_eq!(CorsOrigins::parse(" * ").unwrap(), CorsOrigins::Any);
        let list = CorsOrigins::parse("https://Dash.Example.dk, http://localhost:5173/").unwrap();
        assert_eq!(
            list,
            CorsOrigins::List(vec![
                "https://dash.example.dk".into(),
                "http://localhost:5173".into()
            ])
        );
        assert!(list.allows("https://dash.example.dk"));
        assert!(!list.allows("https://evil.example"));
        for bad in [
            "dash.example.dk",
            "ftp://x.dk",
            "https://x.dk/app",
            "https://u@x.dk",
        ] {
            assert!(CorsOrigins::parse(bad).is_err(), "{bad}");
        }
    }
}
