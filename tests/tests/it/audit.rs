//! The audit trail: every mutation writes who, when, what, before and after, in its own
//! transaction; refused mutations write none; hours reports can be read as of a past moment.

use serde_json::json;
use tests::{TestApp, id};

const LOG: &str = "query($e: String, $id: UUID) { auditLog(filter: {entity: $e, entityId: $id}) { tokenId entity entityId operation before after } }";

#[tokio::test]
async fn each_mutation_is_audited_with_before_and_after() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    app.ok(
        "mutation($id: UUID!) { updateGrant(id: $id, input: {title: \"Ny titel\"}) { id } }",
        json!({ "id": grant }),
    )
    .await;
    app.ok(
        "mutation($id: UUID!) { archiveGrant(id: $id) { id } }",
        json!({ "id": grant }),
    )
    .await;
    app.ok(
        "mutation($id: UUID!) { deleteGrant(id: $id) }",
        json!({ "id": grant }),
    )
    .await;
    let d = app.ok(LOG, json!({ "e": "Grant", "id": grant })).await;
    let rows = d["auditLog"].as_array().unwrap();
    let ops: Vec<&str> = rows
        .iter()
        .map(|r| r["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        ["delete", "archive", "update", "create"],
        "newest first"
    );
    assert_eq!(rows[3]["before"], json!(null));
    assert_eq!(rows[3]["after"]["case_number"], "LBF-1");
    assert_eq!(
        (
            rows[2]["before"]["title"].as_str(),
            rows[2]["after"]["title"].as_str()
        ),
        (Some("Helhedsplan"), Some("Ny titel"))
    );
    assert!(
        rows[1]["before"]["archived_at"].is_null() && rows[1]["after"]["archived_at"].is_string()
    );
    assert_eq!(
        (rows[0]["after"].is_null(), rows[0]["before"]["id"].as_str()),
        (true, Some(grant.as_str()))
    );
    assert!(
        rows.iter()
            .all(|r| r["tokenId"] == "00000000-0000-0000-0000-000000000000"),
        "the command-line administrator"
    );

    // Every other kind of mutation writes its row too: here the organisation and estate creates.
    let d = app
        .ok("{ auditLog(limit: 500) { entity operation } }", json!({}))
        .await;
    let all: Vec<(String, String)> = d["auditLog"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["entity"].as_str().unwrap().to_owned(),
                r["operation"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        all.contains(&("Housing organisation".into(), "create".into())),
        "{all:?}"
    );
    assert!(all.contains(&("Estate".into(), "create".into())), "{all:?}");
    assert_eq!(app.count("audit_log").await, 6);
}

#[tokio::test]
async fn refused_mutations_leave_no_audit_row() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let before = app.count("audit_log").await;
    let (code, _, _) = app
        .err(
            "mutation($id: UUID!) { updateGrant(id: $id, input: {commitmentYear: 1999}) { id } }",
            json!({ "id": grant }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    let (code, _, _) = app
        .err(
            "mutation { createContractor(input: {cvr: \"12345670\", name: \"X\"}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert_eq!(app.count("audit_log").await, before);
}

#[tokio::test]
async fn hours_reports_can_be_read_as_of_a_past_moment() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let co = app.contractor(0).await;
    let contract = app.contract(&grant, &co).await;
    let pl = app
        .placement(&app.person("A").await, &grant, &contract)
        .await;
    let report = "mutation($c: UUID!, $p: UUID!, $t: Decimal!, $h: Decimal!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-01\", totalHours: $t, traineeHours: [{placementId: $p, hours: $h}]}) { id updatedAt } }";
    let first = app
        .ok(
            report,
            json!({ "c": contract, "p": pl, "t": "1000", "h": "100" }),
        )
        .await;
    let between = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    app.ok(
        report,
        json!({ "c": contract, "p": pl, "t": "900", "h": "120" }),
    )
    .await;

    let q = "query($c: UUID!, $at: DateTime!) { hoursReportAsOf(contractId: $c, month: \"2024-01\", at: $at) { reportId contractId month totalHours lines { placementId hours } } }";
    let d = app
        .ok(q, json!({ "c": contract, "at": between.to_rfc3339() }))
        .await;
    // A typed report, as the month stood then: 1000 h with 100 h for the trainee.
    assert_eq!(
        d["hoursReportAsOf"],
        json!({
            "reportId": id(&first["reportMonthlyHours"]), "contractId": contract, "month": "2024-01",
            "totalHours": "1000.00", "lines": [{ "placementId": pl, "hours": "100.00" }],
        })
    );
    let d = app
        .ok(
            q,
            json!({ "c": contract, "at": chrono::Utc::now().to_rfc3339() }),
        )
        .await;
    assert_eq!(
        (
            &d["hoursReportAsOf"]["totalHours"],
            &d["hoursReportAsOf"]["lines"][0]["hours"]
        ),
        (&json!("900.00"), &json!("120.00"))
    );
    let d = app
        .ok(q, json!({ "c": contract, "at": "2020-01-01T00:00:00Z" }))
        .await;
    assert_eq!(d["hoursReportAsOf"], json!(null));
    let d = app
        .ok(
            "{ auditLog(filter: {entity: \"Hours report\"}) { operation before } }",
            json!({}),
        )
        .await;
    let rows = d["auditLog"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0]["before"]["total_centihours"], 100_000,
        "the replacement recorded the version it replaced"
    );
}
