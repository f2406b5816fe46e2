//! Evaluations kept in the database (`api::service::stored`): a fresh instance reads
//! the country's evaluations instead of evaluating it again, and never reads one that no longer
//! matches its grant.

use serde_json::{Value, json};
use tests::TestApp;

const REPORT: &str = "mutation($c: UUID!, $m: YearMonth!, $t: Decimal!, $l: [TraineeHoursInput!]!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: $m, totalHours: $t, traineeHours: $l}) { id } }";

/// The grants' current evaluations as a fresh instance would find them: no longer in this
/// process's memory.
async fn forget(app: &TestApp, grants: &[String]) {
    let ids: Vec<uuid::Uuid> = grants.iter().map(|g| g.parse().unwrap()).collect();
    api::service::compliance::forget_evaluations(&app.db, &ids)
        .await
        .unwrap();
}

fn rows(v: &Value) -> Vec<(Value, Value, Value)> {
    v["complianceDashboard"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["grantId"].clone(),
                r["status"].clone(),
                r["metrics"]["sharePercent"].clone(),
            )
        })
        .collect()
}

/// Scenario: three grants with hours; the national dashboard stores each grant's evaluation
/// under its revision. A fresh instance's dashboard (another selection, so no kept answer
/// serves it) reads them (three statements, not the two dozen of an evaluation) and answers the
/// same. After an hours report on one grant, its stored evaluation no longer matches, so the
/// next dashboard shows the new figures and stores the new evaluation. A stored evaluation of
/// another engine is not read.
#[tokio::test]
async fn a_fresh_instance_reads_the_stored_evaluations() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let co = app.contractor(0).await;
    let mut grants = Vec::new();
    let mut contracts = Vec::new();
    for i in 0..3 {
        let g = app.grant_on(&estate, &format!("LBF-S{i}")).await;
        let c = app.contract(&g, &co).await;
        let p = app.placement(&app.person("P").await, &g, &c).await;
        app.ok(REPORT, json!({ "c": c, "m": "2024-01", "t": "100", "l": [{ "placementId": p, "hours": (10 + i).to_string() }] }))
            .await;
        grants.push(g);
        contracts.push((c, p));
    }
    let first = app
        .ok(
            "{ complianceDashboard { grantId status metrics { sharePercent } } }",
            json!({}),
        )
        .await;
    assert_eq!(app.count("stored_evaluation").await, 3);
    assert_eq!(
        app.count_where(
            "stored_evaluation",
            "revision = (SELECT revision FROM grant_revision r WHERE r.grant_id = stored_evaluation.grant_id)"
        )
        .await,
        3
    );

    forget(&app, &grants).await;
    app.reset_statements();
    let fresh = app
        .ok(
            "{ complianceDashboard { grantId metrics { sharePercent } status } }",
            json!({}),
        )
        .await;
    assert_eq!(rows(&fresh), rows(&first));
    let read = app.statements();
    assert!(
        read <= 3,
        "{read} statements: the grants, their revisions, the stored evaluations"
    );

    // A write: the grant's stored evaluation is of its old revision and is not read.
    let (c, p) = &contracts[0];
    app.ok(
        REPORT,
        json!({ "c": c, "m": "2024-02", "t": "100", "l": [{ "placementId": p, "hours": "40" }] }),
    )
    .await;
    forget(&app, &grants).await;
    let after = app
        .ok(
            "{ complianceDashboard { status metrics { sharePercent } grantId } }",
            json!({}),
        )
        .await;
    let share = |v: &Value, g: &str| rows(v).into_iter().find(|r| r.0 == g).map(|r| r.2).unwrap();
    assert_eq!(share(&first, &grants[0]), "10.00");
    assert_eq!(share(&after, &grants[0]), "25.00", "(10 + 40) of 200 hours");
    assert_eq!(share(&after, &grants[1]), "11.00");
    assert_eq!(
        app.count_where(
            "stored_evaluation",
            "revision = (SELECT revision FROM grant_revision r WHERE r.grant_id = stored_evaluation.grant_id)"
        )
        .await,
        3,
        "the new evaluation is stored"
    );

    // Another engine's evaluations (a deploy with other rules) are evaluated again.
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared("UPDATE stored_evaluation SET engine = 'another version'")
        .await
        .unwrap();
    forget(&app, &grants).await;
    app.reset_statements();
    let again = app
        .ok(
            "{ complianceDashboard { metrics { sharePercent } grantId status } }",
            json!({}),
        )
        .await;
    assert_eq!(rows(&again), rows(&after));
    assert!(
        app.statements() > 6,
        "evaluated, not read: {}",
        app.statements()
    );
}
