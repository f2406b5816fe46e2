//! What operations runs the server with (`api::ops`): liveness and readiness, the request id,
//! Prometheus metrics, CORS for dashboards on other origins, and automatic persisted queries.
//! Each scenario drives the whole HTTP app, on either database.

use api::ops::CorsOrigins;
use poem::http::StatusCode;
use poem::test::TestClient;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tests::TestApp;

fn client(app: &TestApp, cors: CorsOrigins) -> TestClient<impl poem::Endpoint> {
    TestClient::new(api::http::app_full(
        app.db.clone(),
        app.schema.clone(),
        Default::default(),
        cors,
        Default::default(),
    ))
}

/// Scenario: a fresh, migrated instance is live and ready; with a migration it does not find
/// applied (as while another instance is still migrating) it stays live but is not ready.
#[tokio::test]
async fn livez_answers_and_readyz_waits_for_every_migration() {
    let app = TestApp::new().await;
    let cli = client(&app, CorsOrigins::Off);
    let live = cli.get("/livez").send().await;
    live.assert_status_is_ok();
    live.assert_json(json!({ "status": "live" })).await;
    let ready = cli.get("/readyz").send().await;
    ready.assert_status_is_ok();
    ready
        .assert_json(json!({ "status": "ready", "database": "ok", "migrations": "applied" }))
        .await;

    app.db
        .execute_unprepared(
            "DELETE FROM seaql_migrations WHERE version = (SELECT MAX(version) FROM seaql_migrations)",
        )
        .await
        .unwrap();
    let ready = cli.get("/readyz").send().await;
    ready.assert_status(StatusCode::SERVICE_UNAVAILABLE);
    ready
        .assert_json(json!({ "status": "not ready", "database": "ok", "pendingMigrations": 1 }))
        .await;
    cli.get("/livez").send().await.assert_status_is_ok();
}

/// Scenario: every answer carries `x-request-id`: the load balancer's own when it is sane, a
/// fresh UUID when it is missing or not (too long, or with characters a log must not carry).
#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::new().await;
    let cli = client(&app, CorsOrigins::Off);
    let id_of = |r: &poem::test::TestResponse| {
        r.0.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let fresh = cli.get("/livez").send().await;
    let a = id_of(&fresh).expect("a request id");
    assert!(uuid::Uuid::parse_str(&a).is_ok(), "{a}");
    let b = id_of(&cli.get("/livez").send().await).unwrap();
    assert_ne!(a, b, "each request its own id");

    let kept = cli
        .get("/livez")
        .header("x-request-id", "lb-7f3a.42")
        .send()
        .await;
    assert_eq!(id_of(&kept).as_deref(), Some("lb-7f3a.42"));
    let long = "a".repeat(200);
    let replaced = cli
        .get("/livez")
        .header("x-request-id", long.as_str())
        .send()
        .await;
    let r = id_of(&replaced).unwrap();
    assert!(uuid::Uuid::parse_str(&r).is_ok(), "{r}");
    // Error answers carry it too (here: no token).
    let refused = cli
        .post("/graphql")
        .content_type("application/json")
        .body(json!({ "query": "{ grants { totalCount } }" }).to_string())
        .send()
        .await;
    assert!(id_of(&refused).is_some());
}

fn metric(text: &str, name_and_labels: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(name_and_labels) && l[name_and_labels.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

async fn post_graphql(cli: &TestClient<impl poem::Endpoint>, token: &str, body: Value) -> Value {
    let res = cli
        .post("/graphql")
        .header("authorization", format!("Bearer {token}"))
        .content_type("application/json")
        .body(body.to_string())
        .send()
        .await;
    res.assert_status_is_ok();
    res.0.into_body().into_json().await.unwrap()
}

/// Scenario: three runs of a named operation, one refused query and one national dashboard;
/// `/metrics` then counts exactly those three under the operation's name, the refusal under its
/// code, the evaluations, and shows the database pool.
#[tokio::test]
async fn metrics_count_operations_errors_and_evaluations() {
    let app = TestApp::new().await;
    let _grant = app.grant().await;
    let (_, token) = app.admin_token().await;
    let cli = client(&app, CorsOrigins::Off);
    for _ in 0..3 {
        let v = post_graphql(
            &cli,
            &token,
            json!({ "query": "query MetricsProbeOk { grants { totalCount } }", "operationName": "MetricsProbeOk" }),
        )
        .await;
        assert_eq!(v["data"]["grants"]["totalCount"], 1, "{v}");
    }
    let v = post_graphql(
        &cli,
        &token,
        json!({ "query": "query MetricsProbeBad { noSuchField }", "operationName": "MetricsProbeBad" }),
    )
    .await;
    assert_eq!(
        v["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    let v = post_graphql(
        &cli,
        &token,
        json!({ "query": "query MetricsProbeDashboard { complianceDashboard { status } }", "operationName": "MetricsProbeDashboard" }),
    )
    .await;
    assert_eq!(
        v["data"]["complianceDashboard"].as_array().map(Vec::len),
        Some(1),
        "{v}"
    );

    let res = cli.get("/metrics").send().await;
    res.assert_status_is_ok();
    res.assert_content_type("text/plain; version=0.0.4; charset=utf-8");
    let text = res.0.into_body().into_string().await.unwrap();
    assert_eq!(
        metric(
            &text,
            r#"tracker_graphql_requests_total{operation="MetricsProbeOk",outcome="ok"}"#
        ),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        metric(
            &text,
            r#"tracker_graphql_requests_total{operation="MetricsProbeBad",outcome="error"}"#
        ),
        Some(1.0)
    );
    assert!(
        metric(
            &text,
            r#"tracker_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}"#
        )
        .is_some_and(|n| n >= 1.0)
    );
    assert_eq!(
        metric(
            &text,
            r#"tracker_graphql_request_duration_seconds_count{operation="MetricsProbeOk"}"#
        ),
        Some(3.0)
    );
    assert!(
        metric(&text, r#"tracker_evaluations_total{source="computed"}"#).is_some_and(|n| n >= 1.0)
    );
    assert!(metric(&text, r#"tracker_db_pool_connections{state="idle"}"#).is_some());
    assert!(
        metric(
            &text,
            r#"tracker_http_requests_total{surface="graphql",status="2xx-3xx"}"#
        )
        .is_some_and(|n| n >= 5.0)
    );
}

/// Scenario: CORS lets the configured dashboard origin read the API (preflight and answer), and
/// leaves every other origin without the headers a browser needs, without refusing the request
/// itself (same-origin form posts of the web app carry an Origin too). Off by default.
#[tokio::test]
async fn cors_opens_the_api_to_configured_origins_only() {
    let app = TestApp::new().await;
    let cors = CorsOrigins::parse("https://dash.example.dk").unwrap();
    let cli = client(&app, cors);
    let preflight = cli
        .options("/graphql")
        .header("origin", "https://dash.example.dk")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await;
    preflight.assert_status_is_ok();
    preflight.assert_header("access-control-allow-origin", "https://dash.example.dk");
    let allowed = cli
        .get("/livez")
        .header("origin", "https://dash.example.dk")
        .send()
        .await;
    allowed.assert_status_is_ok();
    allowed.assert_header("access-control-allow-origin", "https://dash.example.dk");
    allowed.assert_header("access-control-expose-headers", "x-request-id");

    let other = cli
        .get("/livez")
        .header("origin", "https://evil.example")
        .send()
        .await;
    other.assert_status_is_ok();
    other.assert_header_is_not_exist("access-control-allow-origin");

    let off = client(&app, CorsOrigins::Off);
    let r = off
        .get("/livez")
        .header("origin", "https://dash.example.dk")
        .send()
        .await;
    r.assert_status_is_ok();
    r.assert_header_is_not_exist("access-control-allow-origin");
}

/// Scenario: automatic persisted queries. A hash the server has not seen is answered
/// PERSISTED_QUERY_NOT_FOUND; the client sends text and hash, gets the answer, and from then on
/// the hash alone is enough. A hash that does not match its text is refused, and a query nested
/// beyond the limit is refused before anything parses it, persisted or not.
#[tokio::test]
async fn persisted_queries_answer_by_hash_once_registered() {
    let app = TestApp::new().await;
    let _grant = app.grant().await;
    let (_, token) = app.admin_token().await;
    let cli = client(&app, CorsOrigins::Off);
    let query = "{ grants { totalCount } }";
    let hash = format!("{:x}", Sha256::digest(query.as_bytes()));
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });

    let miss = post_graphql(&cli, &token, json!({ "extensions": ext })).await;
    assert_eq!(
        miss["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND",
        "{miss}"
    );
    let registered = post_graphql(&cli, &token, json!({ "query": query, "extensions": ext })).await;
    assert_eq!(
        registered["data"]["grants"]["totalCount"], 1,
        "{registered}"
    );
    let by_hash = post_graphql(&cli, &token, json!({ "extensions": ext })).await;
    assert_eq!(by_hash["data"]["grants"]["totalCount"], 1, "{by_hash}");

    let wrong = post_graphql(
        &cli,
        &token,
        json!({ "query": "{ grants { edges { cursor } } }", "extensions": ext }),
    )
    .await;
    assert_eq!(
        wrong["errors"][0]["extensions"]["code"], "BAD_REQUEST",
        "{wrong}"
    );

    let deep = format!("{{ grants {}x{} }}", "{ a ".repeat(100), " }".repeat(100));
    let deep_hash = format!("{:x}", Sha256::digest(deep.as_bytes()));
    let refused = post_graphql(
        &cli,
        &token,
        json!({ "query": deep, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": deep_hash } } }),
    )
    .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "GRAPHQL_PARSE_FAILED",
        "{refused}"
    );
}
