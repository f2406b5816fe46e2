//! The demo scenario loads through the service layer, on either database, exactly once.

use serde_json::json;
use tests::TestApp;

fn d(y: i32, m: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Scenario: the demo loaded on 25 November 2026. The site started 1 January 2026 (handover
/// planned 31 December 2027); January to October are reported: the main contract 10 months, the
/// mason and carpenter from March (8 each), VVS from May (6): 32 reports.
#[tokio::test]
async fn demo_data_loads_once_and_is_queryable() {
    let app = TestApp::new().await;
    let today = d(2026, 11, 25);
    let summary = api::seed::seed_demo_on(&app.db, today)
        .await
        .expect("demo loads");
    assert!(summary.contains("32 monthly hours reports"), "{summary}");
    assert_eq!(app.count("lbf_grant").await, 1);
    assert_eq!(app.count("contract").await, 4);
    assert_eq!(app.count("placement").await, 7);
    assert_eq!(app.count("hours_report").await, 32);
    // Six earlier snusepraktikker every six weeks back from 18 October (6 February is the
    // earliest), the one waiting for its outcome, and the one that started a week ago.
    assert_eq!(app.count("trial_placement").await, 8);
    // Every eight weeks back from 6 October: 24 February, 21 April, 16 June, 11 August, 6 October.
    assert_eq!(app.count("meeting").await, 5);

    let again = api::seed::seed_demo_on(&app.db, today)
        .await
        .expect("second run");
    assert!(again.contains("already loaded"), "{again}");
    assert_eq!(app.count("hours_report").await, 32);

    let data = app
        .ok(
            "{ trialPlacements(filter: {open: false}) { totalCount } grants { edges { node { caseNumber craftsmanCost constructionStart plannedHandover followUpGroup { members { role } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["trialPlacements"]["totalCount"], 6,
        "two snusepraktikker are still open"
    );
    let g = &data["grants"]["edges"][0]["node"];
    assert_eq!(g["caseNumber"], api::seed::DEMO_CASE_NUMBER);
    assert_eq!(g["craftsmanCost"], "140000000.00");
    assert_eq!(g["constructionStart"], "2026-01-01");
    assert_eq!(g["plannedHandover"], "2027-12-31");
    assert_eq!(g["followUpGroup"]["members"].as_array().unwrap().len(), 6);
}

/// Evaluated on the day it was loaded, the demo tells its story: the site just above 14 % with
/// the carpenter behind on its clause, so at the recent months' rate it would end below; every
/// month reported, a few late; a snusepraktik waiting for its outcome (not yet overdue); the next
/// meeting coming due: no missing months, no overdue outcome, no meeting gap.
#[tokio::test]
async fn evaluated_today_the_demo_tells_its_story() {
    let app = TestApp::new().await;
    let today = d(2026, 11, 25);
    api::seed::seed_demo_on(&app.db, today)
        .await
        .expect("demo loads");
    let grant = app
        .ok("{ grants { edges { node { id } } } }", json!({}))
        .await["grants"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let c = app
        .ok(
            "query($g: UUID!) { compliance(grantId: $g, asOf: \"2026-11-25\", knownAt: \"2100-01-01T00:00:00Z\") { status metrics { sharePercent } trialFunnel { started openWithoutOutcome } contractors { contractorName behindClause } findings { code months subjectId } } }",
            json!({ "g": grant }),
        )
        .await["compliance"]
        .clone();
    let codes: Vec<&str> = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(c["status"], "AT_RISK", "{c:#}");
    // January-October, July at 70 %. Labour: main 9 x 1,600 + 1,120 = 15,520; mason (from March)
    // 7 x 1,800 + 1,260 = 13,860; carpenter 7 x 1,500 + 1,050 = 11,550; VVS (from May)
    // 5 x 400 + 280 = 2,280; in all 43,210. Trainees: main 2 x 1,552, mason 2 x 1,232,
    // carpenter 2 x 308 = 6,184. 6,184 / 43,210 = 14.31 %.
    assert_eq!(c["metrics"]["sharePercent"], "14.31", "{c:#}");
    assert!(!codes.contains(&"R1_GRANT_SHARE"), "{codes:?}");
    // The last three months: 720 trainee of 5,300 labour hours (13.58 %) carried to handover.
    assert!(codes.contains(&"R3_PROJECTED_MISS"), "{codes:?}");
    assert_eq!(
        codes.iter().filter(|c| **c == "R1_CLAUSE_HOURS").count(),
        1,
        "only the carpenter is behind: {codes:?}"
    );
    let behind: Vec<&str> = c["contractors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["behindClause"] == true)
        .map(|x| x["contractorName"].as_str().unwrap())
        .collect();
    assert_eq!(behind, ["Tømrer Holm & Søn ApS (demo)"]);
    for absent in ["R6_MISSING", "R7_GAP", "R8_NO_OUTCOME", "R5_MISSING"] {
        assert!(!codes.contains(&absent), "{absent} in {codes:?}");
    }
    let late = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "R6_LATE")
        .expect("the VVS contractor's late months");
    // VVS reports from May; its third and fifth months (July, September) came on the 14th.
    assert_eq!(late["months"], json!(["2026-07", "2026-09"]));
    assert_eq!(c["trialFunnel"]["started"], 8);
    assert_eq!(c["trialFunnel"]["openWithoutOutcome"], 2);
}

#[tokio::test]
async fn the_demo_prints_a_working_token_for_each_role() {
    use entity::enums::Role;
    let app = TestApp::new().await;
    api::seed::seed_demo_on(
        &app.db,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
    )
    .await
    .expect("demo loads");
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

/// The demo prints a sign-in for each role; each works, and a second run gives new passwords.
#[tokio::test]
async fn the_demo_prints_a_working_sign_in_for_each_role() {
    use entity::enums::Role;
    let app = TestApp::new().await;
    api::seed::seed_demo_on(
        &app.db,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
    )
    .await
    .expect("demo loads");
    let roles = [Role::Bygherre, Role::Tovholder];
    let first = api::seed::demo_users(&app.db, &roles).await.expect("users");
    assert_eq!(first.len(), 2);
    for (role, email, password) in &first {
        let s = api::accounts::sign_in(&app.db, email, password, chrono::Utc::now())
            .await
            .unwrap_or_else(|e| panic!("{role:?}: {}", e.message()));
        assert_eq!(s.user.role, *role);
    }
    let second = api::seed::demo_users(&app.db, &roles).await.expect("again");
    assert_eq!(app.count("app_user").await, 2, "the same accounts");
    assert_ne!(first[0].2, second[0].2, "a new password");
    assert!(
        api::accounts::sign_in(&app.db, &first[0].1, &first[0].2, chrono::Utc::now())
            .await
            .is_err(),
        "the old password no longer works"
    );
}
