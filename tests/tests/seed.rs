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

#[tokio::test]
async fn the_demo_prints_a_working_token_for_each_role() {
    use entity::enums::Role;
    let app = TestApp::new().await;
    api::seed::seed_demo(&app.db).await.expect("demo loads");
    let roles = [
        Role::Admin,
        Role::Bygherre,
        Role::Contractor,
        Role::Tovholder,
        Role::Viewer,
    ];
    let tokens = api::seed::demo_tokens(&app.db, &roles)
        .await
        .expect("tokens");
    assert_eq!(tokens.len(), 5);
    let q = "{ grants { totalCount } contractors { totalCount } persons { totalCount } }";
    let mut seen = Vec::new();
    for (role, secret) in tokens {
        let who = api::auth::authenticate(&app.db, Some(&format!("Bearer {secret}")))
            .await
            .map_err(|e| e.message())
            .expect("the printed token authenticates");
        assert_eq!(who.role, role);
        let res = app.exec_as(Some(who), q, json!({})).await;
        assert!(res.get("errors").is_none(), "{role:?}: {res}");
        let d = &res["data"];
        seen.push((
            role,
            d["grants"]["totalCount"].as_i64().unwrap(),
            d["contractors"]["totalCount"].as_i64().unwrap(),
            d["persons"]["totalCount"].as_i64().unwrap(),
        ));
    }
    // Everyone sees the demo grant; the contractor sees itself only, and the persons on its main
    // contract (3 trainees) and in the snusepraktik it hosts (8); the viewer sees no person.
    assert_eq!(
        seen,
        vec![
            (Role::Admin, 1, 4, 15),
            (Role::Bygherre, 1, 4, 15),
            (Role::Contractor, 1, 1, 11),
            (Role::Tovholder, 1, 4, 15),
            (Role::Viewer, 1, 4, 0),
        ]
    );
}
