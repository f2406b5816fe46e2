//! What the tests that run the server binary share: a fresh database on either backend, a
//! started instance, requests over HTTP and WebSocket, and cleaning up.
#![allow(dead_code)] // each test binary uses its own part

use std::process::Stdio;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use serde_json::Value;
use tokio::process::{Child, Command};

/// A fresh database: its URL, and on PostgreSQL the admin URL and name to drop it with, on
/// SQLite the directory to remove.
pub async fn fresh_database() -> (String, Option<(String, String)>, Option<std::path::PathBuf>) {
    use sea_orm::ConnectionTrait;
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => {
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            let db = sea_orm::Database::connect(&admin)
                .await
                .expect("TEST_DATABASE_URL");
            db.execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create database");
            db.close().await.ok();
            let (base, _) = admin.rsplit_once('/').expect("a database in the URL");
            (format!("{base}/{name}"), Some((admin, name)), None)
        }
        _ => {
            let dir = std::env::temp_dir().join(format!("instances-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let url = format!("sqlite://{}?mode=rwc", dir.join("tracker.sqlite").display());
            (url, None, Some(dir))
        }
    }
}

pub use testkit::free_port;

/// The binary under test: `API_BINARY` when set (CI points it at the release build, the binary
/// that is deployed), else the one cargo built with these tests.
pub fn api_binary() -> std::path::PathBuf {
    match std::env::var_os("API_BINARY") {
        Some(path) if !path.is_empty() => path.into(),
        _ => env!("CARGO_BIN_EXE_api").into(),
    }
}

pub fn start_with(url: &str, port: u16, env: &[(&str, &str)]) -> Child {
    Command::new(api_binary())
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("the api binary starts")
}

pub type Client = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    Full<bytes::Bytes>,
>;

/// One request; None while the instance does not answer yet.
pub async fn call(
    client: &Client,
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Option<(u16, Value)> {
    let mut req = hyper::Request::builder()
        .method(method)
        .uri(format!("http://127.0.0.1:{port}{path}"))
        .header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let req = req.body(Full::new(bytes::Bytes::from(body))).ok()?;
    let res = client.request(req).await.ok()?;
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await.ok()?.to_bytes();
    Some((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

/// Waits until every instance answers `/readyz` with ready (at most 120 s); fails if one exits.
pub async fn both_ready<const N: usize>(
    client: &Client,
    ports: [u16; N],
    mut children: [&mut Child; N],
) {
    let deadline = Instant::now() + Duration::from_secs(120);
    for port in ports {
        loop {
            if let Some((200, body)) = call(client, port, "GET", "/readyz", None, None).await {
                assert_eq!(body["status"], "ready", "{body}");
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the instance on port {port} never became ready"
            );
            for child in children.iter_mut() {
                assert!(
                    child.try_wait().expect("wait").is_none(),
                    "an instance exited"
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// An administrator's token, stored in the database the instances serve.
pub async fn admin_token(db: &sea_orm::DatabaseConnection) -> String {
    token(db, entity::enums::Role::Admin).await.1
}

/// A stored token of `role` (no scope) and its secret.
pub async fn token(
    db: &sea_orm::DatabaseConnection,
    role: entity::enums::Role,
) -> (entity::api_token::Model, String) {
    api::auth::create_token(
        db,
        api::auth::CreateApiTokenInput {
            name: format!("{role:?} of the binary's tests"),
            role,
            organisation_id: None,
            contractor_id: None,
            grant_ids: vec![],
            expires_at: None,
        },
    )
    .await
    .map_err(|e| e.message())
    .expect("a token")
}

/// Drops the test's PostgreSQL database, or removes its SQLite directory.
pub async fn remove_database(pg: Option<(String, String)>, dir: Option<std::path::PathBuf>) {
    if let Some((admin, name)) = pg {
        use sea_orm::ConnectionTrait;
        let admin = sea_orm::Database::connect(&admin).await.expect("admin");
        // The instances' connections may still be closing.
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .ok();
    }
    if let Some(dir) = dir {
        std::fs::remove_dir_all(dir).ok();
    }
}

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A WebSocket to `/graphql/ws` in the graphql-transport-ws protocol, not yet initialised.
pub async fn open_ws(port: u16) -> Socket {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://127.0.0.1:{port}/graphql/ws")
        .into_client_request()
        .expect("a request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("a header"),
    );
    let (socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("the WebSocket opens");
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    socket
}
