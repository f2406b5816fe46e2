//! Real HTTP round trips: the poem app bound to a loopback port, spoken to over TCP.

use api::graphql::build_schema;
use poem::listener::{Acceptor, Listener, TcpListener};
use serde_json::{Value, json};
use tests::{TestApp, cvr};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn request(addr: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
    request_with(addr, method, path, body, None).await
}

async fn request_with(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
    token: Option<&str>,
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/json\r\nAccept: text/html, application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(req.as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text[9..12].parse().expect("status code");
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn graphql_graphiql_and_health_over_http() {
    let app = TestApp::new().await;
    let schema = build_schema(app.db.clone(), Default::default());
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .expect("bind");
    let addr = acceptor.local_addr()[0]
        .as_socket_addr()
        .expect("tcp address")
        .to_string();
    let server = tokio::spawn(
        poem::Server::new_with_acceptor(acceptor).run(api::http::app(app.db.clone(), schema)),
    );

    let (status, body) = request(&addr, "GET", "/healthz", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(body.trim()).ok(),
        Some(json!({ "status": "ok", "database": "ok" }))
    );

    let (status, body) = request(&addr, "GET", "/graphql", None).await;
    assert_eq!(status, 200);
    assert!(body.to_lowercase().contains("graphiql"), "{body}");
    let (status, _) = request(&addr, "GET", "/", None).await;
    assert_eq!(status, 303, "/ redirects to GraphiQL");

    // Without a token, or with a bad one, GraphQL answers UNAUTHENTICATED and writes nothing.
    let (admin, token) = api::auth::create_token(
        &app.db,
        api::auth::CreateApiTokenInput {
            name: "test".into(),
            role: entity::enums::Role::Admin,
            organisation_id: None,
            contractor_id: None,
            grant_ids: vec![],
            expires_at: None,
        },
    )
    .await
    .map_err(|e| e.message())
    .unwrap();
    let introspect = json!({ "query": "{ __schema { queryType { name } } }" });
    for bad in [None, Some("sct_not-a-token"), Some("nonsense")] {
        let (_, body) = request_with(&addr, "POST", "/graphql", Some(&introspect), bad).await;
        let v: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(
            v["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{bad:?}: {body}"
        );
        assert!(v["data"].is_null());
    }
    let (_, body) = request_with(&addr, "POST", "/graphql", Some(&introspect), Some(&token)).await;
    assert!(body.contains("\"Query\""), "{body}");

    let create = json!({
        "query": "mutation($c: String!) { createContractor(input: {cvr: $c, name: \"Fynsk Byg\"}) { id cvr } }",
        "variables": { "c": cvr(0) }
    });
    let (_, body) = request(&addr, "POST", "/graphql", Some(&create)).await;
    assert!(body.contains("UNAUTHENTICATED"));
    assert_eq!(app.count("contractor").await, 0);
    let (status, body) = request_with(&addr, "POST", "/graphql", Some(&create), Some(&token)).await;
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["data"]["createContractor"]["cvr"], cvr(0));
    assert_eq!(app.count("contractor").await, 1);

    // The same CVR again: a typed error over HTTP, and nothing written.
    let (_, body) = request_with(&addr, "POST", "/graphql", Some(&create), Some(&token)).await;
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["errors"][0]["extensions"]["code"], "CONFLICT");
    assert_eq!(app.count("contractor").await, 1);

    let (_, body) = request_with(
        &addr,
        "POST",
        "/graphql",
        Some(&json!({ "query": "{ contractors { totalCount edges { node { name } } } }" })),
        Some(&token),
    )
    .await;
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        v["data"]["contractors"],
        json!({ "totalCount": 1, "edges": [{ "node": { "name": "Fynsk Byg" } }] })
    );

    // A revoked token stops working at once.
    api::auth::revoke_token(&app.db, admin.id)
        .await
        .map_err(|e| e.message())
        .unwrap();
    let (_, body) = request_with(&addr, "POST", "/graphql", Some(&introspect), Some(&token)).await;
    assert!(body.contains("UNAUTHENTICATED"), "{body}");
    server.abort();
}
