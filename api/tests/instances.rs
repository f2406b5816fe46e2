//! Two instances of the server binary on one fresh database, as production runs them behind a
//! load balancer: started at the same moment (so they migrate together), both become ready, and
//! what is written through one is read through the other at once, a figure one of them had
//! already evaluated and cached included, and a subscriber on the second instance hears of a
//! write through the first (PostgreSQL's LISTEN/NOTIFY), and each reminder reaches a webhook once
//! although both instances run the scheduler. On PostgreSQL with `TEST_DATABASE_URL` (a database
//! of its own, dropped after), else on one SQLite file.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::process::Child;

mod common;
use common::*;

async fn gql(client: &Client, port: u16, token: &str, query: &str, vars: Value) -> Value {
    let body = json!({ "query": query, "variables": vars });
    let (status, body) = call(client, port, "POST", "/graphql", Some(token), Some(body))
        .await
        .expect("an answer");
    assert_eq!(status, 200);
    assert!(body.get("errors").is_none(), "{body:#}");
    body["data"].clone()
}

/// A subscriber over WebSocket in the graphql-transport-ws protocol.
struct Live {
    socket: Socket,
}

impl Live {
    async fn connect(port: u16, token: &str, grant: &str) -> Self {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        let mut socket = common::open_ws(port).await;
        let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
        socket
            .send(Message::text(init.to_string()))
            .await
            .expect("send");
        let ack = socket.next().await.expect("an answer").expect("a message");
        assert!(ack.is_text(), "{ack:?}");
        assert_eq!(
            serde_json::from_str::<Value>(ack.to_text().expect("text")).expect("json")["type"],
            "connection_ack"
        );
        let subscribe = json!({
            "id": "1",
            "type": "subscribe",
            "payload": {
                "query": "subscription($g: UUID!) { grantFiguresChanged(grantId: $g) { grantId sharePercent requiredSharePercent } }",
                "variables": { "g": grant },
            },
        });
        socket
            .send(Message::text(subscribe.to_string()))
            .await
            .expect("send");
        Self { socket }
    }

    /// The first update with `share`, reporting the month again through `via` while none
    /// comes (the subscription may not have been listening when the first write landed).
    async fn until_share(
        &mut self,
        client: &Client,
        via: u16,
        token: &str,
        contract: &str,
        placement: &str,
        share: &str,
    ) -> Value {
        use futures_util::StreamExt;
        for _ in 0..40 {
            match tokio::time::timeout(Duration::from_millis(500), self.socket.next()).await {
                Ok(Some(Ok(m))) => {
                    let m: Value =
                        serde_json::from_str(m.to_text().unwrap_or("{}")).unwrap_or_default();
                    assert_ne!(m["type"], "error", "{m}");
                    let update = &m["payload"]["data"]["grantFiguresChanged"];
                    if m["type"] == "next" && update["sharePercent"] == share {
                        return update.clone();
                    }
                }
                Ok(other) => panic!("the subscription ended: {other:?}"),
                Err(_) => {
                    gql(
                        client,
                        via,
                        token,
                        "mutation($c: UUID!, $p: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-05\", totalHours: \"1000\", traineeHours: [{placementId: $p, hours: \"140\"}]}) { id } }",
                        json!({ "c": contract, "p": placement }),
                    )
                    .await;
                }
            }
        }
        panic!("no update with share {share} within 20 s");
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_owned()
}

/// Two instances of the binary started at the same moment on a fresh database (with `env` besides
/// the defaults), both ready, and an administrator's token stored in that database.
struct Pair {
    a: u16,
    b: u16,
    client: Client,
    token: String,
    pg: Option<(String, String)>,
    dir: Option<std::path::PathBuf>,
    db: sea_orm::DatabaseConnection,
    children: [Child; 2],
}

impl Pair {
    async fn start(env: &[(&str, &str)]) -> Self {
        let (url, pg, dir) = fresh_database().await;
        let (a, b) = (free_port(), free_port());
        let [mut first, mut second] = [start_with(&url, a, env), start_with(&url, b, env)];
        let client: Client =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build_http();
        both_ready(&client, [a, b], [&mut first, &mut second]).await;
        let db = sea_orm::Database::connect(&url).await.expect("connect");
        let token = admin_token(&db).await;
        Self {
            a,
            b,
            client,
            token,
            pg,
            dir,
            db,
            children: [first, second],
        }
    }

    /// Stops both instances and removes the database.
    async fn stop(self) {
        drop(self.children);
        self.db.close().await.ok();
        remove_database(self.pg, self.dir).await;
    }
}

/// A webhook receiver: answers every request 204 and keeps each one's `Idempotency-Key`.
async fn receiver() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let keys = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = keys.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut read = BufReader::new(read);
                let (mut key, mut length) = (String::new(), 0usize);
                loop {
                    let mut line = String::new();
                    if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':') {
                        match name.to_ascii_lowercase().as_str() {
                            "idempotency-key" => key = value.trim().to_owned(),
                            "content-length" => length = value.trim().parse().unwrap_or(0),
                            _ => {}
                        }
                    }
                }
                let mut body = vec![0u8; length];
                if read.read_exact(&mut body).await.is_err() {
                    return;
                }
                kept.lock().expect("lock").push(key);
                let _ = write
                    .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    (port, keys)
}

/// Scenario: two instances, each running its reminder scheduler every second, on one database
/// with a grant whose følgegruppe is long overdue and whose trainee share is in breach. An
/// administrator's webhook receives every reminder once, whichever instance planned and sent it,
/// tick after tick.
#[tokio::test]
async fn two_instances_send_each_reminder_once() {
    let (hook_port, keys) = receiver().await;
    let pair = Pair::start(&[
        ("REMINDER_INTERVAL_SECS", "1"),
        ("WEBHOOK_ALLOW_PRIVATE_TARGETS", "on"),
    ])
    .await;
    let (a, b, client, token) = (pair.a, pair.b, &pair.client, &pair.token);
    let q = |port, query: &'static str, vars: Value| async move {
        gql(client, port, token, query, vars).await
    };

    let org = id(&q(
        a,
        "mutation { createHousingOrganisation(input: {name: \"Boligselskabet\"}) { id } }",
        json!({}),
    )
    .await["createHousingOrganisation"]);
    let estate = id(&q(a, "mutation($o: UUID!) { createEstate(input: {organisationId: $o, name: \"Parken\", municipality: \"Odense\"}) { id } }", json!({ "o": org })).await["createEstate"]);
    let grant = id(&q(b, "mutation($e: UUID!) { createGrant(input: {estateId: $e, caseNumber: \"LBF-9\", title: \"Helhedsplan\", kind: RENOVATION, commitmentYear: 2021, stage: SKEMA_B, craftsmanCost: \"250000000\", constructionStart: \"2023-03-01\", plannedHandover: \"2027-12-31\"}) { id } }", json!({ "e": estate })).await["createGrant"]);
    let group = id(&q(a, "mutation($g: UUID!) { createFollowUpGroup(input: {grantId: $g, name: \"Følgegruppen\"}) { id } }", json!({ "g": grant })).await["createFollowUpGroup"]);
    q(b, "mutation($g: UUID!) { createMeeting(input: {groupId: $g, date: \"2024-02-01\", durationMinutes: 60}) { id } }", json!({ "g": group })).await;
    q(
        a,
        "mutation($u: String!) { createWebhook(input: {name: \"Drift\", url: $u, kinds: [HOURS_REPORT_DUE, LBF_REPORT_DUE, TRIAL_OUTCOME_MISSING, MEETING_DUE, NEW_BREACH]}) { secret } }",
        json!({ "u": format!("http://127.0.0.1:{hook_port}/hook") }),
    )
    .await;

    // The meeting reminder comes within a few ticks; then both keep ticking for three seconds.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !keys
        .lock()
        .expect("lock")
        .iter()
        .any(|k| k.starts_with("meeting_due:"))
    {
        assert!(Instant::now() < deadline, "no meeting reminder within 30 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let received = keys.lock().expect("lock").clone();
    let distinct: std::collections::HashSet<&String> = received.iter().collect();
    assert_eq!(
        distinct.len(),
        received.len(),
        "a reminder came twice: {received:?}"
    );
    assert!(
        received.iter().any(|k| k.starts_with("new_breach:")),
        "{received:?}"
    );
    let log = gql(
        client,
        b,
        token,
        "{ reminderDeliveries(limit: 500) { status reminder { key } } }",
        json!({}),
    )
    .await;
    let log = log["reminderDeliveries"]
        .as_array()
        .expect("a list")
        .clone();
    assert_eq!(log.len(), received.len(), "{log:?}");
    assert!(log.iter().all(|d| d["status"] == "SENT"), "{log:?}");

    pair.stop().await;
}

/// Scenario: two instances start together on an empty database; both report ready; a grant is
/// set up through the first, its trainee share read through the second (0 %, now cached there),
/// a month with trainee hours reported and the title changed through the first, and the second
/// answers 14 % and the new title at once; a dashboard subscribed over WebSocket to the second
/// instance gets the new share too.
#[tokio::test]
async fn two_instances_on_one_database_serve_the_same_data() {
    let pair = Pair::start(&[]).await;
    let (a, b, client, token) = (pair.a, pair.b, &pair.client, &pair.token);
    let q = |port, query: &'static str, vars: Value| async move {
        gql(client, port, token, query, vars).await
    };
    let org = id(&q(
        a,
        "mutation { createHousingOrganisation(input: {name: \"Fyns Almennyttige Boligselskab\"}) { id } }",
        json!({}),
    )
    .await["createHousingOrganisation"]);
    let estate = id(&q(
        a,
        "mutation($o: UUID!) { createEstate(input: {organisationId: $o, name: \"Korsløkkeparken\", municipality: \"Odense\"}) { id } }",
        json!({ "o": org }),
    )
    .await["createEstate"]);
    let grant = id(&q(
        a,
        "mutation($e: UUID!) { createGrant(input: {estateId: $e, caseNumber: \"LBF-2\", title: \"Helhedsplan\", kind: RENOVATION, commitmentYear: 2021, stage: SKEMA_B, craftsmanCost: \"250000000\", constructionStart: \"2023-03-01\", plannedHandover: \"2026-12-31\"}) { id } }",
        json!({ "e": estate }),
    )
    .await["createGrant"]);
    let contractor = id(&q(
        a,
        "mutation { createContractor(input: {cvr: \"31874521\", name: \"Murer A/S\"}) { id } }",
        json!({}),
    )
    .await["createContractor"]);
    let contract = id(&q(
        a,
        "mutation($g: UUID!, $c: UUID!) { createContract(input: {grantId: $g, contractorId: $c, kind: MAIN, trade: \"murer\", value: \"1000000\", startDate: \"2024-01-01\", endDate: \"2024-12-31\"}) { id } }",
        json!({ "g": grant, "c": contractor }),
    )
    .await["createContract"]);
    let person = id(&q(
        a,
        "mutation { createPerson(input: {displayName: \"Ali\", birthYear: 2004, livesInEstate: true}) { id } }",
        json!({}),
    )
    .await["createPerson"]);
    let placement = id(&q(
        a,
        "mutation($p: UUID!, $g: UUID!, $c: UUID!) { createPlacement(input: {personId: $p, grantId: $g, contractId: $c, kind: EUD_APPRENTICE, trade: \"murer\", startDate: \"2024-01-01\"}) { id } }",
        json!({ "p": person, "g": grant, "c": contract }),
    )
    .await["createPlacement"]);
    q(
        a,
        "mutation($c: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-05\", totalHours: \"1000\"}) { id } }",
        json!({ "c": contract }),
    )
    .await;

    let share = "query($g: UUID!) { grant(id: $g) { title traineeShare(asOf: \"2024-12-31\", knownAt: \"2100-01-01T00:00:00Z\") { sharePercent } } }";
    let before = q(b, share, json!({ "g": grant })).await;
    assert_eq!(
        before["grant"]["traineeShare"]["sharePercent"], "0.00",
        "{before}"
    );
    // A dashboard subscribed to the grant's figures on the second instance.
    let mut live = Live::connect(b, token, &grant).await;

    q(
        a,
        "mutation($c: UUID!, $p: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-05\", totalHours: \"1000\", traineeHours: [{placementId: $p, hours: \"140\"}]}) { id } }",
        json!({ "c": contract, "p": placement }),
    )
    .await;
    q(
        a,
        "mutation($g: UUID!) { updateGrant(id: $g, input: {title: \"Helhedsplan etape 2\"}) { id } }",
        json!({ "g": grant }),
    )
    .await;
    let after = q(b, share, json!({ "g": grant })).await;
    assert_eq!(
        after["grant"]["traineeShare"]["sharePercent"], "14.00",
        "{after}"
    );
    assert_eq!(after["grant"]["title"], "Helhedsplan etape 2");

    // The write through the first instance reached the subscriber on the second: through
    // LISTEN/NOTIFY on PostgreSQL. On SQLite live updates stay within an instance, so there the
    // write is repeated through the second.
    let via = if pair.pg.is_some() { a } else { b };
    let update = live
        .until_share(client, via, token, &contract, &placement, "14.00")
        .await;
    assert_eq!(update["grantId"], grant.as_str());
    assert_eq!(update["requiredSharePercent"], "14.00");

    // A message past the 64 KiB limit ends the connection; it is not buffered.
    {
        use futures_util::{SinkExt, StreamExt};
        let mut big = common::open_ws(b).await;
        let _ = big
            .send(tokio_tungstenite::tungstenite::Message::text(
                // A valid ping: under no limit it would be answered with a pong.
                json!({ "type": "ping", "payload": { "pad": "x".repeat(100_000) } }).to_string(),
            ))
            .await;
        let next = tokio::time::timeout(Duration::from_secs(5), big.next())
            .await
            .expect("an answer within 5 s");
        assert!(
            matches!(
                next,
                None | Some(Err(_)) | Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_)))
            ),
            "{next:?}"
        );
    }

    // One connection holds at most 20 subscriptions: the 21st closes it with 4400.
    {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
        let mut many = Live::connect(b, token, &grant).await;
        for n in 2..=21 {
            let subscribe = json!({
                "id": n.to_string(),
                "type": "subscribe",
                "payload": {
                    "query": "subscription($g: UUID!) { findingsChanged(grantId: $g) { grantId } }",
                    "variables": { "g": grant },
                },
            });
            many.socket
                .send(Message::text(subscribe.to_string()))
                .await
                .expect("send");
        }
        let closed = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match many.socket.next().await {
                    Some(Ok(Message::Close(frame))) => return frame,
                    Some(Ok(_)) => continue,
                    other => panic!("the connection ended without a close frame: {other:?}"),
                }
            }
        })
        .await
        .expect("closed within 5 s")
        .expect("a close frame with a code");
        assert_eq!(closed.code, CloseCode::from(4400));
        assert!(
            closed.reason.contains("at most 20 subscriptions"),
            "{closed:?}"
        );
    }

    pair.stop().await;
}
