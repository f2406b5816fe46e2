//! Kept dashboard answers under concurrency (`api::graphql::answers`): screens opening the same
//! dashboard at once make one evaluation, and every one of them gets the same answer. Alone in
//! its test binary, so the process-wide counters it reads move only by its own requests.

use serde_json::json;
use tests::TestApp;

fn counter(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// Scenario: two grants; six identical dashboards arrive together. Each grant is evaluated
/// once, one answer is resolved, the five others wait for it and are served it, and all six
/// are equal. A seventh after a write to one grant evaluates that grant alone.
#[tokio::test]
async fn simultaneous_dashboards_evaluate_once() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let a = app.grant_on(&estate, "LBF-K1").await;
    let _b = app.grant_on(&estate, "LBF-K2").await;
    let metrics = || api::ops::prometheus().expect("the recorder").render();
    let before = metrics();
    let q = "{ complianceDashboard { grant { caseNumber } status metrics { sharePercent } findings { rule } } }";
    let answers = futures_util_join(&app, q).await;
    for a in &answers[1..] {
        assert_eq!(a, &answers[0]);
    }
    let after = metrics();
    let delta = |series: &str| counter(&after, series) - counter(&before, series);
    assert_eq!(
        delta(r#"tracker_evaluations_total{source="computed"}"#),
        2.0
    );
    assert_eq!(
        delta(r#"tracker_kept_answers_total{source="resolved"}"#),
        1.0
    );
    assert_eq!(delta(r#"tracker_kept_answers_total{source="kept"}"#), 5.0);

    app.ok(
        "mutation($g: UUID!) { updateGrant(id: $g, input: { title: \"Ny titel\" }) { id } }",
        json!({ "g": a }),
    )
    .await;
    let before = metrics();
    app.ok(q, json!({})).await;
    let after = metrics();
    let delta = |series: &str| counter(&after, series) - counter(&before, series);
    assert_eq!(
        delta(r#"tracker_evaluations_total{source="computed"}"#),
        1.0
    );
    assert_eq!(delta(r#"tracker_evaluations_total{source="cache"}"#), 1.0);
}

async fn futures_util_join(app: &TestApp, q: &str) -> Vec<serde_json::Value> {
    let mut handles = Vec::new();
    for _ in 0..6 {
        let schema = app.schema.clone();
        let q = q.to_owned();
        handles.push(tokio::spawn(async move {
            let res = schema
                .execute(async_graphql::Request::new(q).data(api::auth::Principal::system()))
                .await;
            assert!(res.errors.is_empty(), "{:?}", res.errors);
            res.data.into_json().unwrap()
        }));
    }
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// Scenario: three grants on the dashboard. One grant's title is then changed behind the API's
/// back (no revision moves) and another's through it. The next dashboard resolves only the row
/// of the grant whose revision moved, so it shows that grant's new title, and the row of the grant
/// changed behind its back is copied from the earlier answer as it was: the dashboard after a
/// write costs one row, not the country. The same dashboard with another selection resolves every
/// row afresh.
#[tokio::test]
async fn after_a_write_only_the_written_grants_row_is_resolved_again() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let a = app.grant_on(&estate, "LBF-R1").await;
    let b = app.grant_on(&estate, "LBF-R2").await;
    let _c = app.grant_on(&estate, "LBF-R3").await;
    let q = "{ complianceDashboard { grant { caseNumber title } status } }";
    let titles = |v: &serde_json::Value| -> Vec<String> {
        v["complianceDashboard"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["grant"]["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = app.ok(q, json!({})).await;
    assert_eq!(
        titles(&first),
        ["Helhedsplan", "Helhedsplan", "Helhedsplan"]
    );

    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    entity::grant::Entity::update_many()
        .col_expr(entity::grant::Column::Title, Expr::value("Uden om API'et"))
        .filter(entity::grant::Column::Id.eq(b.parse::<uuid::Uuid>().unwrap()))
        .exec(&app.db)
        .await
        .unwrap();
    app.ok(
        "mutation($g: UUID!) { updateGrant(id: $g, input: { title: \"Ny titel\" }) { id } }",
        json!({ "g": a }),
    )
    .await;
    let after = app.ok(q, json!({})).await;
    assert_eq!(titles(&after), ["Ny titel", "Helhedsplan", "Helhedsplan"]);

    let other = app
        .ok(
            "{ complianceDashboard { status grant { title caseNumber } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        titles(&other),
        ["Ny titel", "Uden om API'et", "Helhedsplan"]
    );
}
