//! The demo scenario loads through the service layer, on either database, exactly once.

use serde_json::json;
use tests::TestApp;

#[tokio::test]
async fn demo_data_loads_once_and_is_queryable() {
    let app = TestApp::new().await;
    let summary = api::seed::seed_demo(&app.db).await.expect("demo loads");
    assert!(summary.contains("72 monthly hours reports"), "{summary}");
    assert_eq!(app.count("lbf_grant").await, 1);
    assert_eq!(app.count("contract").await, 4);
    assert_eq!(app.count("placement").await, 7);
    assert_eq!(
        app.count("hours_report").await,
        72,
        "3 contracts x 24 months"
    );
    assert_eq!(app.count("trial_placement").await, 8);
    assert_eq!(app.count("meeting").await, 14);

    let again = api::seed::seed_demo(&app.db).await.expect("second run");
    assert!(again.contains("already loaded"), "{again}");
    assert_eq!(app.count("hours_report").await, 72);

    let d = app
        .ok(
            "{ trialPlacements(filter: {open: false}) { totalCount } grants { edges { node { caseNumber craftsmanCost followUpGroup { members { role } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        d["trialPlacements"]["totalCount"], 7,
        "one snusepraktik is still open"
    );
    let g = &d["grants"]["edges"][0]["node"];
    assert_eq!(g["caseNumber"], api::seed::DEMO_CASE_NUMBER);
    assert_eq!(g["craftsmanCost"], "320000000.00");
    assert_eq!(g["followUpGroup"]["members"].as_array().unwrap().len(), 6);
}
