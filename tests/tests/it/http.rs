//! Real HTTP round trips: the poem app bound to a loopback port, spoken to over TCP.

use std::time::Duration;

use api::config::HttpLimits;
use api::graphql::build_schema;
use poem::listener::{Acceptor, Listener, TcpListener};
use serde_json::{Value, json};
use tests::request_with;
use tests::{TestApp, cvr};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn request(addr: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
    request_with(addr, method, path, body, None).await
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

    // The query console is served by the binary and requests nothing from another host: no
    // absolute URL in any src or href, no import, no CDN.
    let (status, body) = request(&addr, "GET", "/graphql", None).await;
    assert_eq!(status, 200);
    assert!(body.contains("<html lang=\"da\">"), "{body}");
    assert!(body.contains("GraphQL-konsol"), "{body}");
    for outside in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "href=\"//",
        "@import",
        "cdn",
    ] {
        assert!(
            !body.to_lowercase().contains(outside),
            "{outside} in the console page"
        );
    }
    let (status, _) = request(&addr, "GET", "/", None).await;
    assert_eq!(status, 303, "/ redirects to GraphiQL");

    // Without a token, or with a bad one, GraphQL answers UNAUTHENTICATED and writes nothing.
    let (admin, token) = app.admin_token().await;
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

/// The server's own accept loop on a loopback port with the given limits; stops when the sender
/// is dropped.
async fn serve(app: &TestApp, limits: HttpLimits) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let endpoint = api::http::app_with(app.db.clone(), app.schema.clone(), limits);
    tokio::spawn(api::http::serve_on(
        listener,
        endpoint,
        limits,
        async move {
            let _ = stopped.await;
        },
    ));
    (addr, stop)
}

/// Reads until the server answers or closes; None if it did neither within `within`.
async fn answer(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(String::from_utf8_lossy(&raw).into_owned()),
            Ok(Ok(n)) => {
                raw.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&raw);
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let len = content_length(head).map(|v| v.parse::<usize>().unwrap_or(0));
                    if len.is_some_and(|n| body.len() >= n) {
                        return Some(text.into_owned());
                    }
                }
            }
        }
    }
}

fn head(addr: &str, token: Option<&str>, length: usize) -> String {
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    format!(
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
}

/// Scenario: four 100 MB bodies. Without a token the server answers UNAUTHENTICATED without
/// reading a byte of the body; with one, a declared length over the limit is refused with 413 at
/// once, and a chunked body is cut off at the limit.
#[tokio::test]
async fn large_bodies_are_refused_and_unauthenticated_ones_never_read() {
    let app = TestApp::new().await;
    let token = app.admin_token().await.1;
    let limits = HttpLimits {
        max_body_bytes: 64 * 1024,
        ..Default::default()
    };
    let (addr, _stop) = serve(&app, limits).await;
    for _ in 0..4 {
        let mut s = TcpStream::connect(&addr).await.unwrap();
        s.write_all(head(&addr, None, 100_000_000).as_bytes())
            .await
            .unwrap();
        let res = answer(&mut s, Duration::from_secs(5))
            .await
            .expect("an answer without the body");
        assert!(res.contains("UNAUTHENTICATED"), "{res}");
    }
    let mut s = TcpStream::connect(&addr).await.unwrap();
    s.write_all(head(&addr, Some(&token), 100_000_000).as_bytes())
        .await
        .unwrap();
    let res = answer(&mut s, Duration::from_secs(5))
        .await
        .expect("an answer");
    assert!(res.starts_with("HTTP/1.1 413"), "{res}");
    assert!(res.contains("PAYLOAD_TOO_LARGE"), "{res}");
    // Chunked, so no length is declared: refused once the limit is passed.
    let mut s = TcpStream::connect(&addr).await.unwrap();
    let chunked = format!(
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    s.write_all(chunked.as_bytes()).await.unwrap();
    let chunk = format!("{:x}\r\n{}\r\n", 16 * 1024, " ".repeat(16 * 1024));
    for _ in 0..5 {
        s.write_all(chunk.as_bytes()).await.unwrap();
    }
    let res = answer(&mut s, Duration::from_secs(5))
        .await
        .expect("an answer");
    assert!(res.starts_with("HTTP/1.1 413"), "{res}");
}

/// Scenario: a connection that sends nothing, a slowloris client trickling its headers, and one
/// that stops half-way through its body are all let go within a few seconds, and the server keeps
/// answering others.
#[tokio::test]
async fn idle_and_slow_clients_are_let_go() {
    let app = TestApp::new().await;
    let token = app.admin_token().await.1;
    // The idle timer is longer than the header and body deadlines, so each of these is let go by
    // the deadline made for it (the stalled body gets an answer, not a silent close).
    let limits = HttpLimits {
        header_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(3),
        ..Default::default()
    };
    let (addr, _stop) = serve(&app, limits).await;
    let mut idle = TcpStream::connect(&addr).await.unwrap();
    let mut slow = TcpStream::connect(&addr).await.unwrap();
    let mut stalled = TcpStream::connect(&addr).await.unwrap();
    stalled
        .write_all(head(&addr, Some(&token), 100).as_bytes())
        .await
        .unwrap();
    stalled.write_all(b"{\"query\":").await.unwrap();
    let trickle = tokio::spawn(async move {
        let start = tokio::time::Instant::now();
        for b in b"POST /graphql HTTP/1.1\r\nHost: x\r\nX-Slow: "
            .iter()
            .cycle()
        {
            if slow.write_all(&[*b]).await.is_err() || start.elapsed() > Duration::from_secs(8) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        start.elapsed()
    });
    assert_eq!(
        answer(&mut idle, Duration::from_secs(4)).await.as_deref(),
        Some(""),
        "idle connection kept open"
    );
    let res = answer(&mut stalled, Duration::from_secs(4))
        .await
        .expect("stalled body kept open");
    assert!(
        res.starts_with("HTTP/1.1 "),
        "an answer, not a silent close: {res}"
    );
    assert!(res.contains("BAD_REQUEST"), "{res}");
    let trickled_for = trickle.await.unwrap();
    assert!(
        trickled_for < Duration::from_secs(5),
        "slowloris held on for {trickled_for:?}"
    );
    let (_, body) = request_with(
        &addr,
        "POST",
        "/graphql",
        Some(&json!({ "query": "{ grants { totalCount } }" })),
        Some(&token),
    )
    .await;
    assert!(body.contains("\"totalCount\":0"), "{body}");
}

/// Scenario: an answer larger than the response limit is replaced by a RESPONSE_TOO_LARGE error;
/// the authorization scheme is case-insensitive, extra spaces inside the value are refused (HTTP
/// itself strips white space around a header value).
#[tokio::test]
async fn responses_are_capped_and_the_bearer_scheme_is_case_insensitive() {
    let app = TestApp::new().await;
    let token = app.admin_token().await.1;
    let limits = HttpLimits {
        max_response_bytes: 2_000,
        ..Default::default()
    };
    let (addr, _stop) = serve(&app, limits).await;
    let big = json!({ "query": "{ __schema { types { name description } } }" });
    let (_, body) = request_with(&addr, "POST", "/graphql", Some(&big), Some(&token)).await;
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        v["errors"][0]["extensions"]["code"], "RESPONSE_TOO_LARGE",
        "{body}"
    );
    let small = json!({ "query": "{ grants { totalCount } }" }).to_string();
    for (header, ok) in [
        (format!("BEARER {token}"), true),
        (format!("bearer {token}"), true),
        (format!("Bearer  {token}"), false),
        (format!("Bearer\t{token}"), false),
    ] {
        let mut s = TcpStream::connect(&addr).await.unwrap();
        let req = format!(
            "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {header}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{small}",
            small.len()
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let res = answer(&mut s, Duration::from_secs(5)).await.unwrap();
        assert_eq!(res.contains("\"totalCount\":0"), ok, "{header:?}: {res}");
        assert_eq!(res.contains("UNAUTHENTICATED"), !ok, "{header:?}: {res}");
    }
}

/// One POST /graphql as raw HTTP/1.1: the declared Content-Length and the body received.
async fn post_raw(addr: &str, token: &str, query: &str) -> (Option<usize>, String) {
    let body = json!({ "query": query }).to_string();
    let mut s = TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "{}{body}",
        head(addr, Some(token), body.len()).replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let res = answer(&mut s, Duration::from_secs(10))
        .await
        .expect("an answer");
    let (head, body) = res.split_once("\r\n\r\n").expect("a head and a body");
    let declared = content_length(head).and_then(|v| v.parse().ok());
    (declared, body.to_owned())
}

/// The Content-Length header's value in a response head, as sent.
fn content_length(head: &str) -> Option<String> {
    head.lines().find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("content-length: ")
            .map(|v| v.trim().to_owned())
    })
}

/// Scenario: kept dashboard answers go out over HTTP as the JSON they are kept in, written into
/// the response in place of the field. The first answer (resolved) and the second (kept) are the
/// same bytes with the right Content-Length; two kept fields and an ordinary one in one request
/// each land in their place; and the response cap counts the kept JSON, not the placeholder.
#[tokio::test]
async fn kept_answers_are_written_into_the_response_whole() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    app.grant_on(&estate, "LBF-H1").await;
    app.grant_on(&estate, "LBF-H2").await;
    let token = app.admin_token().await.1;
    let (addr, _stop) = serve(&app, HttpLimits::default()).await;

    let q = "{ complianceDashboard(sort: CASE_NUMBER) { grant { caseNumber } status metrics { sharePercent requiredSharePercent } } }";
    let (len1, first) = post_raw(&addr, &token, q).await;
    let (len2, second) = post_raw(&addr, &token, q).await;
    assert_eq!(first, second, "the kept answer is the resolved one");
    assert_eq!(len1, Some(first.len()));
    assert_eq!(len2, Some(second.len()));
    assert!(!second.contains("kept answer"), "{second}");
    let v: Value = serde_json::from_str(&second).expect("json");
    let rows = v["data"]["complianceDashboard"].as_array().expect("rows");
    let cases: Vec<&str> = rows
        .iter()
        .map(|r| r["grant"]["caseNumber"].as_str().unwrap())
        .collect();
    assert_eq!(cases, ["LBF-H1", "LBF-H2"]);
    assert_eq!(rows[0]["metrics"]["requiredSharePercent"], "14.00");

    let mixed = "{ a: complianceDashboard(sort: CASE_NUMBER) { status } grants { totalCount } b: complianceDashboard(sort: CASE_NUMBER) { grant { caseNumber } } }";
    for _ in 0..2 {
        let (len, body) = post_raw(&addr, &token, mixed).await;
        assert_eq!(len, Some(body.len()));
        let v: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(v["data"]["a"].as_array().map(Vec::len), Some(2), "{body}");
        assert_eq!(v["data"]["grants"]["totalCount"], 2, "{body}");
        assert_eq!(v["data"]["b"][1]["grant"]["caseNumber"], "LBF-H2", "{body}");
    }

    // A server with a small cap, answered from the answer the first one kept.
    let (capped, _stop_capped) = serve(
        &app,
        HttpLimits {
            max_response_bytes: first.len() - 1,
            ..Default::default()
        },
    )
    .await;
    let (_, body) = post_raw(&capped, &token, q).await;
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        v["errors"][0]["extensions"]["code"], "RESPONSE_TOO_LARGE",
        "{body}"
    );
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&first.len().to_string())),
        "the message names the answer's real size: {body}"
    );
}
