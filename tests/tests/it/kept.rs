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
