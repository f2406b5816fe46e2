//! The hostile corpus, against the server binary itself (its real thread stacks and process):
//! queries that nest past the gate behind every kind of comment end, string and BOM, over HTTP
//! and WebSocket; workbooks that declare absurd counts; and thousands of idle and trickling
//! connections. Every hostile request is answered with a code, the process stays up, `/livez`
//! keeps answering within a second, and a signed-in client keeps being served. On PostgreSQL
//! with `TEST_DATABASE_URL`, else on SQLite.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod common;
use common::*;

/// The gate's limit (`api::graphql::guard::MAX_NESTING`).
const LIMIT: usize = api::graphql::guard::MAX_NESTING;

/// One server binary on a fresh database, with an administrator's token.
struct Server {
    port: u16,
    client: Client,
    token: String,
    child: tokio::process::Child,
    db: sea_orm::DatabaseConnection,
    pg: Option<(String, String)>,
    dir: Option<std::path::PathBuf>,
}

impl Server {
    async fn start() -> Self {
        let (url, pg, dir) = fresh_database().await;
        let port = free_port();
        let mut child = start_with(&url, port, &[("HEADER_TIMEOUT_SECS", "3")]);
        // A new connection per request, as a client arriving during an attack makes: an
        // anonymous kept-alive connection may be closed to make room (a trusted one is not).
        let client: Client =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .pool_max_idle_per_host(0)
                .build_http();
        both_ready(&client, [port], [&mut child]).await;
        let db = sea_orm::Database::connect(&url).await.expect("connect");
        let token = admin_token(&db).await;
        Self {
            port,
            client,
            token,
            child,
            db,
            pg,
            dir,
        }
    }

    /// The process is still running and `/livez` answers 200 within a second.
    async fn alive(&mut self, after: &str) {
        assert!(
            self.child.try_wait().expect("wait").is_none(),
            "the server exited after {after}"
        );
        let started = Instant::now();
        let answer = tokio::time::timeout(
            Duration::from_secs(1),
            call(&self.client, self.port, "GET", "/livez", None, None),
        )
        .await;
        assert!(
            matches!(answer, Ok(Some((200, _)))),
            "/livez did not answer within 1 s after {after} ({:?})",
            started.elapsed()
        );
    }

    async fn graphql(&self, query: &str) -> Value {
        call(
            &self.client,
            self.port,
            "POST",
            "/graphql",
            Some(&self.token),
            Some(json!({ "query": query })),
        )
        .await
        .expect("an answer")
        .1
    }

    /// Peak resident memory of the server process so far, in bytes (Linux).
    fn peak_rss(&self) -> u64 {
        let pid = self.child.id().expect("running");
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            })
            .map_or(0, |kb| kb * 1024)
    }

    async fn stop(self) {
        drop(self.child);
        self.db.close().await.ok();
        remove_database(self.pg, self.dir).await;
    }
}

/// The codes of an answer's errors; every error must have one.
fn codes(answer: &Value) -> Vec<String> {
    answer["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("expected errors, got {answer}"))
        .iter()
        .map(|e| {
            e["extensions"]["code"]
                .as_str()
                .unwrap_or_else(|| panic!("an error without a code: {e}"))
                .to_owned()
        })
        .collect()
}

/// Documents that nest `depth` deep in a list literal, an input object and a selection set,
/// each hidden behind a different trick that fooled the old pre-scan or might fool another.
fn corpus(depth: usize) -> Vec<(String, String)> {
    let list = |d: usize| format!("{}\"x\"{}", "[".repeat(d), "]".repeat(d));
    let object = |d: usize| format!("{}1{}", "{a: ".repeat(d), "}".repeat(d));
    // `{ grants(filter: { field: ... }) ...}`: the selection, the arguments and the filter
    // object are three levels around the list.
    let inner = depth - 3;
    let mut docs = Vec::new();
    for (name, end) in [("LF", "\n"), ("CR", "\r"), ("CRLF", "\r\n")] {
        docs.push((
            format!("comment ended by {name}"),
            format!(
                "{{ grants(filter: #x{end}{{ municipality: {} }}) {{ totalCount }} }}",
                list(inner)
            ),
        ));
    }
    docs.push((
        "BOM and Unicode".into(),
        format!(
            "\u{feff}{{ grants(filter: {{ municipality: \"\\u00e6\u{1F600}\", title: {} }}) {{ totalCount }} }}",
            list(inner)
        ),
    ));
    docs.push((
        "block string with an escaped delimiter".into(),
        format!(
            "{{ grants(filter: {{ municipality: \"\"\"a\\\"\"\"[[[[\"\"\", title: {} }}) {{ totalCount }} }}",
            list(inner)
        ),
    ));
    docs.push((
        "input object".into(),
        format!(
            "{{ grants(filter: {}) {{ totalCount }} }}",
            object(depth - 2)
        ),
    ));
    docs.push((
        "selections".into(),
        format!("{}__typename{}", "{ a ".repeat(depth), " }".repeat(depth)),
    ));
    docs
}

/// Scenario: every document of the corpus at the gate's limit is parsed and answered with a code
/// (the values are wrong for their fields, or the selection too deep for the schema's depth
/// limit, but nothing overflows); one level past it, and at 5,000 levels, each is refused as
/// GRAPHQL_PARSE_FAILED before any parser sees it. Over HTTP and over WebSocket, with `/livez`
/// answering after each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nesting_at_and_past_the_gate_is_answered_with_a_code_over_http_and_websocket() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let mut server = Server::start().await;
    for (depth, past) in [(LIMIT, false), (LIMIT + 1, true), (5_000, true)] {
        for (name, doc) in corpus(depth) {
            let answer = server.graphql(&doc).await;
            let codes = codes(&answer);
            if past {
                assert_eq!(
                    codes,
                    ["GRAPHQL_PARSE_FAILED"],
                    "{name} at {depth}: {answer}"
                );
                assert!(
                    answer.to_string().contains(&format!("at most {LIMIT}")),
                    "{name} at {depth}: {answer}"
                );
            } else {
                assert!(
                    !codes.contains(&"GRAPHQL_PARSE_FAILED".to_owned())
                        || !answer.to_string().contains("at most"),
                    "{name} at the limit was refused by the gate: {answer}"
                );
            }
            server.alive(&format!("{name} at {depth} over HTTP")).await;
        }
    }
    // The same documents as subscriptions over WebSocket.
    let mut ws = open_ws(server.port).await;
    let init = json!({ "type": "connection_init", "payload": { "token": server.token } });
    ws.send(Message::text(init.to_string())).await.unwrap();
    let ack = ws.next().await.unwrap().unwrap();
    assert!(ack.to_text().unwrap().contains("connection_ack"), "{ack}");
    let mut n = 0;
    for depth in [LIMIT + 1, 5_000] {
        for (name, doc) in corpus(depth) {
            n += 1;
            let subscribe = json!({ "id": n.to_string(), "type": "subscribe", "payload": { "query": doc.replacen('{', "subscription {", 1) } });
            let text = subscribe.to_string();
            if text.len() > 60 << 10 {
                continue; // past the WebSocket's message limit, refused by size instead
            }
            ws.send(Message::text(text)).await.unwrap();
            let reply = reply_to(&mut ws, &n.to_string()).await;
            // graphql-transport-ws answers a refused operation as `error` or as `next` with
            // errors, depending on where it was refused.
            let errors = match reply["type"].as_str() {
                Some("error") => json!({ "errors": reply["payload"] }),
                Some("next") => reply["payload"].clone(),
                _ => panic!("{name} at {depth}: {reply}"),
            };
            assert_eq!(codes(&errors), ["GRAPHQL_PARSE_FAILED"], "{name}: {reply}");
            server
                .alive(&format!("{name} at {depth} over WebSocket"))
                .await;
        }
    }
    // A subscription the schema refuses in validation carries a code too.
    let bad = json!({ "id": "v", "type": "subscribe", "payload": { "query": "subscription { noSuchField }" } });
    ws.send(Message::text(bad.to_string())).await.unwrap();
    let reply = reply_to(&mut ws, "v").await;
    let errors = match reply["type"].as_str() {
        Some("error") => json!({ "errors": reply["payload"] }),
        _ => reply["payload"].clone(),
    };
    assert_eq!(codes(&errors), ["GRAPHQL_VALIDATION_FAILED"], "{reply}");
    server.stop().await;
}

/// The first `error` or `next` message for subscription `id` (a `complete` of an earlier one
/// may come first).
async fn reply_to(ws: &mut Socket, id: &str) -> Value {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    loop {
        let m = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .unwrap_or_else(|_| panic!("no answer to subscription {id}"))
            .expect("the socket is open")
            .expect("a message");
        if let Message::Text(t) = m {
            let v: Value = serde_json::from_str(&t).expect("JSON");
            if v["id"] == id && matches!(v["type"].as_str(), Some("error" | "next")) {
                return v;
            }
        }
    }
}

/// A connection to the server from another loopback address than the test's own client, as an
/// attacker elsewhere on the network would come (Linux answers all of 127.0.0.0/8).
async fn connect_from(last: u8, port: u16) -> std::io::Result<TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(std::net::SocketAddr::from(([127, 0, 0, last], 0)))?;
    socket
        .connect(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
        .await
}

/// A payroll workbook whose shared strings declare `count`.
fn declaring(count: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "kontrakt").unwrap();
    sheet.write_string(0, 1, "måned").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        if name == "xl/sharedStrings.xml" {
            let at = text.find("<sst").unwrap() + 4;
            text.insert_str(at, &format!(" uniqueCount=\"{count}\" count=\"{count}\""));
            let first = text.find(" uniqueCount=").unwrap();
            // Keep only our attributes: drop the writer's own, which follow them.
            let rest = text[first + 1..]
                .find(" uniqueCount=")
                .map(|i| first + 1 + i);
            if let Some(r) = rest {
                let end = text[r..].find('>').unwrap();
                let tail: String = text[r..r + end]
                    .split(' ')
                    .filter(|a| !a.starts_with("uniqueCount=") && !a.starts_with("count="))
                    .collect::<Vec<_>>()
                    .join(" ");
                text.replace_range(r..r + end, &tail);
            }
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Sends a payroll file to `importPayroll(dryRun: true)` as a GraphQL multipart request.
async fn import(server: &Server, file: &[u8]) -> Value {
    let operations = json!({
        "query": "mutation($f: Upload!) { importPayroll(file: $f, dryRun: true) { status problems { message } } }",
        "variables": { "f": null },
    });
    let mut body = Vec::new();
    let part = |name: &str, extra: &str| {
        format!("--B\r\nContent-Disposition: form-data; name=\"{name}\"{extra}\r\n\r\n")
    };
    body.extend(part("operations", "").as_bytes());
    body.extend(operations.to_string().as_bytes());
    body.extend(b"\r\n");
    body.extend(part("map", "").as_bytes());
    body.extend(br#"{"0":["variables.f"]}"#);
    body.extend(b"\r\n");
    body.extend(
        part(
            "0",
            "; filename=\"loen.xlsx\"\r\nContent-Type: application/octet-stream",
        )
        .as_bytes(),
    );
    body.extend(file);
    body.extend(b"\r\n--B--\r\n");
    let mut s = TcpStream::connect(("127.0.0.1", server.port))
        .await
        .unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        server.token,
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&body).await.unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw);
    let json = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(json).unwrap_or_else(|_| panic!("no JSON answer: {text}"))
}

/// Scenario: workbooks whose shared strings declare 10^6 to 10^19 entries (and more than any
/// integer) are each answered: up to the bound the file is read (and refused for its missing
/// columns), past it refused for the declaration, before the parser reserves anything. The
/// process stays up and its peak memory stays under 400 MB (a declaration of 10^13 made the
/// parser ask for 240 TB and abort the process).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workbooks_declaring_absurd_counts_are_refused_and_memory_stays_bounded() {
    let mut server = Server::start().await;
    let mut counts: Vec<String> = (6..=19).map(|e| format!("1{}", "0".repeat(e))).collect();
    counts.push("18446744073709551615".into());
    counts.push("99999999999999999999999".into());
    for count in &counts {
        let answer = import(&server, &declaring(count)).await;
        let result = &answer["data"]["importPayroll"];
        assert_eq!(result["status"], "REFUSED", "{count}: {answer}");
        let message = result["problems"][0]["message"]
            .as_str()
            .unwrap_or_default();
        let bound = api::payroll::read::MAX_DECLARED_COUNT;
        let declared_over = count.parse::<u64>().map_or(true, |n| n > bound);
        assert_eq!(
            message.contains("declares"),
            declared_over,
            "{count}: {message}"
        );
        server.alive(&format!("a workbook declaring {count}")).await;
    }
    let peak = server.peak_rss();
    assert!(peak > 0 && peak < 400 << 20, "peak RSS {peak} bytes");
    server.stop().await;
}

/// Scenario: 1,100 connections that send nothing and 1,100 that trickle a sign-in body (a byte
/// every two seconds of a declared 60,000) are open at once, from two other addresses. Meanwhile a signed-in client keeps
/// getting its answers and `/livez` answers within a second each time; the anonymous
/// connections are closed to make room, so the server never holds more than its bound of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_trickling_connections_do_not_lock_out_signed_in_clients() {
    let mut server = Server::start().await;
    let port = server.port;
    let mut idle = Vec::new();
    for _ in 0..1_100 {
        if let Ok(s) = connect_from(2, port).await {
            idle.push(s);
        }
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut tricklers = Vec::new();
    // Each trickler reports once it has connected and sent its headers (or failed to), so the
    // rounds below measure the server while all of them are open, not while they arrive.
    let (started_tx, mut started_rx) = tokio::sync::mpsc::channel::<()>(1_100);
    for _ in 0..1_100 {
        let stop = stop.clone();
        let started = started_tx.clone();
        tricklers.push(tokio::spawn(async move {
            let Ok(mut s) = connect_from(3, port).await else {
                let _ = started.send(()).await;
                return;
            };
            let head = "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\n";
            let sent = s.write_all(head.as_bytes()).await;
            let _ = started.send(()).await;
            if sent.is_err() {
                return;
            }
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if s.write_all(b"a").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }));
    }
    drop(started_tx);
    for _ in 0..1_100 {
        tokio::time::timeout(Duration::from_secs(60), started_rx.recv())
            .await
            .expect("the trickling connections open within 60 s");
    }
    for round in 0..10 {
        let answer = server.graphql("{ grants { totalCount } }").await;
        assert_eq!(
            answer["data"]["grants"]["totalCount"], 0,
            "round {round}: {answer}"
        );
        server
            .alive(&format!("round {round} of idle and trickling connections"))
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in tricklers {
        t.abort();
    }
    drop(idle);
    server.stop().await;
}

/// Scenario: a dashboard holds a WebSocket open with a token; an administrator revokes the
/// token. Within the server's recheck interval (5 s) the socket is closed with 4403, and no
/// event reaches it afterwards (each event is preceded by the same check).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_loses_its_websocket_at_once() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let server = Server::start().await;
    let (stored, secret) = token(&server.db, entity::enums::Role::Viewer).await;
    let mut ws = open_ws(server.port).await;
    let init = json!({ "type": "connection_init", "payload": { "token": secret } });
    ws.send(Message::text(init.to_string())).await.unwrap();
    let ack = ws.next().await.unwrap().unwrap();
    assert!(ack.to_text().unwrap().contains("connection_ack"), "{ack}");
    api::auth::revoke_token(&server.db, stored.id)
        .await
        .map_err(|e| e.message())
        .expect("revoked");
    let revoked_at = Instant::now();
    let close = loop {
        let m = tokio::time::timeout(Duration::from_secs(7), ws.next())
            .await
            .expect("the socket was not closed within 7 s")
            .expect("a message or the close")
            .expect("a frame");
        if let Message::Close(frame) = m {
            break frame;
        }
    };
    assert_eq!(
        close.map(|f| u16::from(f.code)),
        Some(4403),
        "closed after {:?}",
        revoked_at.elapsed()
    );
    server.stop().await;
}

/// Scenario: a WebSocket opened without a token that never sends `connection_init` is not held
/// open: after 10 s the server closes it with graphql-transport-ws's 4408 (before, it stayed
/// until the 60 s idle timeout, outside every bound on connections).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_that_never_initialises_is_closed() {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let server = Server::start().await;
    let mut ws = open_ws(server.port).await;
    let opened = Instant::now();
    let close = loop {
        let m = tokio::time::timeout(Duration::from_secs(15), ws.next())
            .await
            .expect("the socket was not closed within 15 s")
            .expect("a message or the close")
            .expect("a frame");
        if let Message::Close(frame) = m {
            break frame;
        }
    };
    assert_eq!(close.map(|f| u16::from(f.code)), Some(4408));
    assert!(
        opened.elapsed() >= Duration::from_secs(9),
        "{:?}",
        opened.elapsed()
    );
    server.stop().await;
}
