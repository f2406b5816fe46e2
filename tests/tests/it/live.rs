//! Live updates through GraphQL subscriptions, in process on either database: a subscriber to a
//! grant's figures hears the new summary after a write; a subscriber to findings hears a finding
//! open and close; a caller hears only of grants in its scope, and a contractor may not
//! subscribe to figures at all. (Over WebSocket and across two instances:
//! `api/tests/instances.rs`.)

use std::time::Duration;

use api::auth::Principal;
use async_graphql::{Request, Variables};
use entity::enums::Role;
use futures_util::StreamExt;
use serde_json::{Value, json};
use tests::TestApp;
use tokio::sync::mpsc;
use uuid::Uuid;

/// Runs a subscription in the background; its events arrive on the channel.
fn subscribe(
    app: &TestApp,
    who: Principal,
    query: &str,
    vars: Value,
) -> mpsc::UnboundedReceiver<Value> {
    let (tx, rx) = mpsc::unbounded_channel();
    let request = Request::new(query)
        .variables(Variables::from_json(vars))
        .data(who);
    let mut stream = app.schema.execute_stream(request);
    tokio::spawn(async move {
        while let Some(res) = stream.next().await {
            if tx.send(serde_json::to_value(res).unwrap()).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for the first event `wanted` accepts, repeating `nudge` (a write that changes nothing
/// the test looks at) while none comes: the subscription may not have been listening yet when
/// the first write landed.
async fn until(
    app: &TestApp,
    rx: &mut mpsc::UnboundedReceiver<Value>,
    nudge: (&str, Value),
    wanted: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..40 {
        match tokio::time::timeout(Duration::from_millis(500), rx.recv()).await {
            Ok(Some(event)) if wanted(&event) => return event,
            Ok(Some(_)) => continue,
            Ok(None) => panic!("the subscription ended"),
            Err(_) => {
                app.ok(nudge.0, nudge.1.clone()).await;
            }
        }
    }
    panic!("no such event within 20 s");
}

/// Whether a findings event lists a finding with `code` as `which` (opened or closed).
fn lists(event: &Value, which: &str, code: &str) -> bool {
    event["data"]["findingsChanged"][which]
        .as_array()
        .is_some_and(|l| l.iter().any(|f| f["code"] == code))
}

const TITLE: &str =
    "mutation($g: UUID!, $t: String!) { updateGrant(id: $g, input: {title: $t}) { id } }";

/// Scenario: a dashboard subscribes to one grant's figures; the contractor reports a month
/// with 140 of 1,000 hours by an apprentice; the subscriber gets the grant's new share, 14 %.
#[tokio::test]
async fn a_subscriber_hears_the_new_share_after_a_report() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let contractor = app.contractor(0).await;
    let contract = app.contract(&grant, &contractor).await;
    let person = app.person("Ali").await;
    let placement = app.placement(&person, &grant, &contract).await;
    let mut rx = subscribe(
        &app,
        Principal::system(),
        "subscription($g: UUID!) { grantFiguresChanged(grantId: $g) { grantId sharePercent requiredSharePercent status } }",
        json!({ "g": grant }),
    );
    app.ok(
        "mutation($c: UUID!, $p: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-05\", totalHours: \"1000\", traineeHours: [{placementId: $p, hours: \"140\"}]}) { id } }",
        json!({ "c": contract, "p": placement }),
    )
    .await;
    let event = until(
        &app,
        &mut rx,
        (TITLE, json!({ "g": grant, "t": "Helhedsplan" })),
        |e| e["data"]["grantFiguresChanged"]["sharePercent"] == "14.00",
    )
    .await;
    assert!(event.get("errors").is_none(), "{event:#}");
    assert_eq!(
        event["data"]["grantFiguresChanged"]["grantId"],
        grant.as_str()
    );
    assert_eq!(
        event["data"]["grantFiguresChanged"]["requiredSharePercent"],
        "14.00"
    );
}

/// Scenario: two housing organisations; the second's bygherre subscribes to all its grants'
/// figures. A write to the first organisation's grant and then one to its own: the first event
/// it hears is about its own grant. A contractor may not subscribe to figures (FORBIDDEN), nor
/// anyone to a grant outside its scope.
#[tokio::test]
async fn a_subscriber_hears_only_of_grants_in_its_scope() {
    let app = TestApp::new().await;
    let other = app.grant().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let own = app.grant_on(&estate, "LBF-9").await;
    let bygherre = Principal {
        token_id: Uuid::now_v7(),
        user_id: None,
        role: Role::Bygherre,
        organisation_id: Some(Uuid::parse_str(&org).unwrap()),
        contractor_id: None,
        grant_ids: vec![],
    };
    let mut rx = subscribe(
        &app,
        bygherre.clone(),
        "subscription { grantFiguresChanged { grantId } }",
        json!({}),
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.ok(TITLE, json!({ "g": other, "t": "Andet" })).await;
    app.ok(TITLE, json!({ "g": own, "t": "Eget" })).await;
    let event = until(
        &app,
        &mut rx,
        (TITLE, json!({ "g": own, "t": "Eget igen" })),
        |_| true,
    )
    .await;
    assert_eq!(
        event["data"]["grantFiguresChanged"]["grantId"],
        own.as_str(),
        "{event:#}"
    );

    let mut refused = subscribe(
        &app,
        bygherre,
        "subscription($g: UUID!) { grantFiguresChanged(grantId: $g) { grantId } }",
        json!({ "g": other }),
    );
    let first = refused.recv().await.unwrap();
    assert_eq!(
        first["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{first:#}"
    );

    let contractor = app.contractor(0).await;
    let mut refused = subscribe(
        &app,
        Principal {
            token_id: Uuid::now_v7(),
            user_id: None,
            role: Role::Contractor,
            organisation_id: None,
            contractor_id: Some(Uuid::parse_str(&contractor).unwrap()),
            grant_ids: vec![],
        },
        "subscription { grantFiguresChanged { grantId } }",
        json!({}),
    );
    let first = refused.recv().await.unwrap();
    assert_eq!(
        first["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{first:#}"
    );
}

/// Scenario: a subscriber to a grant's findings; a month is reported with trainee hours above
/// what one person can work in a month (R9's cap) across two contracts, which opens a finding about the
/// apprentice; the month is then corrected, which closes it.
#[tokio::test]
async fn a_subscriber_hears_a_finding_open_and_close() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let contractor = app.contractor(0).await;
    let contract = app.contract(&grant, &contractor).await;
    let person = app.person("Ali").await;
    let placement = app.placement(&person, &grant, &contract).await;
    let report = "mutation($c: UUID!, $p: UUID!, $h: Decimal!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-05\", totalHours: \"1000\", traineeHours: [{placementId: $p, hours: $h}]}) { id } }";
    app.ok(report, json!({ "c": contract, "p": placement, "h": "100" }))
        .await;
    let mut rx = subscribe(
        &app,
        Principal::system(),
        "subscription($g: UUID!) { findingsChanged(grantId: $g) { grantId opened { code subjectId } closed { code subjectId } } }",
        json!({ "g": grant }),
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let second = app.contractor(1).await;
    let elsewhere = app.contract(&grant, &second).await;
    let again = app.placement(&person, &grant, &elsewhere).await;
    // The same person 200 hours more in the same month on another contract: over the cap.
    app.ok(report, json!({ "c": elsewhere, "p": again, "h": "200" }))
        .await;
    let opened = until(
        &app,
        &mut rx,
        (TITLE, json!({ "g": grant, "t": "x" })),
        |e| lists(e, "opened", "R9_OVER_MONTH_CAP"),
    )
    .await;
    assert_eq!(opened["data"]["findingsChanged"]["grantId"], grant.as_str());
    app.ok(report, json!({ "c": elsewhere, "p": again, "h": "1" }))
        .await;
    let closed = until(
        &app,
        &mut rx,
        (TITLE, json!({ "g": grant, "t": "y" })),
        |e| lists(e, "closed", "R9_OVER_MONTH_CAP"),
    )
    .await;
    assert_eq!(closed["data"]["findingsChanged"]["grantId"], grant.as_str());
}
