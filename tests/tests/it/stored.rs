//! Evaluations and answers kept in the database (`api::service::stored`,
//! `api::service::stored_answer`): a fresh instance reads the country's evaluations instead of
//! evaluating it again, and serves a stored dashboard instead of resolving it again; it never
//! reads one that no longer matches its grant, nor one made by another version.

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

/// Three grants of one estate, each with a contract and a trainee who worked 10, 11 and 12 of
/// 100 hours in January 2024: their ids, and each one's (contract, placement).
async fn three_grants_with_hours(
    app: &TestApp,
    prefix: &str,
) -> (Vec<String>, Vec<(String, String)>) {
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let co = app.contractor(0).await;
    let mut grants = Vec::new();
    let mut contracts = Vec::new();
    for i in 0..3 {
        let g = app.grant_on(&estate, &format!("{prefix}{i}")).await;
        let c = app.contract(&g, &co).await;
        let p = app.placement(&app.person("P").await, &g, &c).await;
        app.ok(REPORT, json!({ "c": c, "m": "2024-01", "t": "100", "l": [{ "placementId": p, "hours": (10 + i).to_string() }] }))
            .await;
        grants.push(g);
        contracts.push((c, p));
    }
    (grants, contracts)
}

/// Scenario: three grants with hours; the national dashboard stores each grant's evaluation
/// under its revision. A fresh instance's dashboard (another selection, so no kept answer
/// serves it) reads them (six statements, not the two dozen of an evaluation) and answers the
/// same. After an hours report on one grant, its stored evaluation no longer matches, so the
/// next dashboard shows the new figures and stores the new evaluation. A stored evaluation of
/// another engine is not read.
#[tokio::test]
async fn a_fresh_instance_reads_the_stored_evaluations() {
    let app = TestApp::new().await;
    let (grants, contracts) = three_grants_with_hours(&app, "LBF-S").await;
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
        read <= 6,
        "{read} statements: the grants' state, their ids and revisions, the stored answer (none \
         for this selection), the grants, the stored evaluations, the answer stored"
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

/// The grants' answers, rows and evaluations forgotten, as a fresh instance would not have them.
async fn fresh(app: &TestApp, grants: &[String]) {
    forget(app, grants).await;
    let ids: Vec<uuid::Uuid> = grants.iter().map(|g| g.parse().unwrap()).collect();
    api::graphql::answers::forget_answers_about(&ids);
}

const DASHBOARD: &str = "{ complianceDashboard { grantId status grant { caseNumber title } metrics { sharePercent } findings { rule } } }";

fn titles(v: &Value) -> Vec<String> {
    v["complianceDashboard"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["grant"]["title"].as_str().unwrap().to_owned())
        .collect()
}

/// Scenario: three grants; the national dashboard is answered and stored (one row). A fresh
/// instance serves the same dashboard from it, the same answer, in three statements (the grants'
/// state, their ids and revisions, the stored answer) where resolving it takes two dozen. Then one grant's
/// title is changed behind the API's back (no revision moves) and another's through it: the
/// next fresh instance copies the two unmoved rows from the stored answer (so the change behind
/// the API's back does not show) and resolves the written grant's row alone, and stores that
/// answer in the same slot. An answer stored by another version of the code is not served.
#[tokio::test]
async fn a_fresh_instance_serves_the_stored_answer() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let mut grants = Vec::new();
    for i in 0..3 {
        grants.push(app.grant_on(&estate, &format!("LBF-A{i}")).await);
    }
    app.reset_statements();
    let first = app.ok(DASHBOARD, json!({})).await;
    let resolved = app.statements();
    assert_eq!(app.count("stored_answer").await, 1);
    assert_eq!(titles(&first), ["Helhedsplan"; 3]);

    fresh(&app, &grants).await;
    app.reset_statements();
    assert_eq!(app.ok(DASHBOARD, json!({})).await, first);
    assert_eq!(
        app.statements(),
        3,
        "the grants' state, their ids and revisions, the stored answer (resolving took {resolved})"
    );
    assert!(resolved > 10, "{resolved}");

    use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let by_case = |case: &str| {
        first["complianceDashboard"]
            .as_array()
            .unwrap()
            .iter()
            .position(|r| r["grant"]["caseNumber"] == case)
            .unwrap()
    };
    entity::grant::Entity::update_many()
        .col_expr(entity::grant::Column::Title, Expr::value("Uden om API'et"))
        .filter(entity::grant::Column::Id.eq(grants[1].parse::<uuid::Uuid>().unwrap()))
        .exec(&app.db)
        .await
        .unwrap();
    app.ok(
        "mutation($g: UUID!) { updateGrant(id: $g, input: { title: \"Ny titel\" }) { id } }",
        json!({ "g": grants[0] }),
    )
    .await;
    fresh(&app, &grants).await;
    let patched = app.ok(DASHBOARD, json!({})).await;
    let shown = titles(&patched);
    assert_eq!(
        shown[by_case("LBF-A0")],
        "Ny titel",
        "the written grant's row resolved"
    );
    assert_eq!(
        shown[by_case("LBF-A1")],
        "Helhedsplan",
        "an unmoved grant's row copied from the stored answer"
    );
    assert_eq!(shown[by_case("LBF-A2")], "Helhedsplan");
    assert_eq!(
        app.count("stored_answer").await,
        1,
        "the slot's answer replaced"
    );
    fresh(&app, &grants).await;
    app.reset_statements();
    assert_eq!(app.ok(DASHBOARD, json!({})).await, patched);
    assert_eq!(app.statements(), 3, "the replaced answer served");

    // Another version's answer is resolved again, not served.
    app.db
        .execute_unprepared("UPDATE stored_answer SET views = 'another version'")
        .await
        .unwrap();
    fresh(&app, &grants).await;
    app.reset_statements();
    let again = app.ok(DASHBOARD, json!({})).await;
    assert!(app.statements() > 3, "{}", app.statements());
    assert_eq!(titles(&again)[by_case("LBF-A1")], "Uden om API'et");
}

/// Scenario: an answer stored today; the first answer stored tomorrow deletes earlier days'
/// answers, so the table holds the current day's slots only.
#[tokio::test]
async fn earlier_days_answers_are_deleted() {
    let app = TestApp::new().await;
    app.grant().await;
    app.ok(DASHBOARD, json!({})).await;
    let today = api::clock::danish_today();
    assert_eq!(
        app.count_where("stored_answer", &format!("as_of = '{today}'"))
            .await,
        1
    );
    let tomorrow = api::clock::now() + chrono::Duration::days(1);
    api::clock::at(tomorrow, app.ok(DASHBOARD, json!({}))).await;
    assert_eq!(app.count("stored_answer").await, 1);
    assert_eq!(
        app.count_where("stored_answer", &format!("as_of = '{today}'"))
            .await,
        0,
        "today's answer deleted once tomorrow's is stored"
    );
}

/// Scenario: an answer is stored; a write, and the next answer is resolved within
/// `STORE_EVERY` of that store, so it is not stored at once (the stored answer is still the
/// first). When the interval ends it is stored, and a fresh instance then serves it whole.
#[tokio::test]
async fn an_answer_resolved_soon_after_a_store_is_stored_when_the_interval_ends() {
    use sea_orm::EntityTrait;
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let grant = app.grant_on(&estate, "LBF-T").await;
    let stored = || async {
        entity::stored_answer::Entity::find()
            .one(&app.db)
            .await
            .unwrap()
            .expect("a stored answer")
            .fingerprint
    };
    app.ok(DASHBOARD, json!({})).await;
    let first = stored().await;
    app.ok(
        "mutation($g: UUID!) { updateGrant(id: $g, input: { title: \"Ny titel\" }) { id } }",
        json!({ "g": grant }),
    )
    .await;
    let latest = app.ok(DASHBOARD, json!({})).await;
    assert_eq!(titles(&latest), ["Ny titel"]);
    assert_eq!(
        stored().await,
        first,
        "not stored again within the interval"
    );

    let waited = std::time::Instant::now();
    while stored().await == first {
        assert!(
            waited.elapsed() < 3 * api::graphql::answers::STORE_EVERY,
            "the latest answer was not stored when the interval ended"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(app.count("stored_answer").await, 1);
    fresh(&app, &[grant]).await;
    app.reset_statements();
    assert_eq!(app.ok(DASHBOARD, json!({})).await, latest);
    assert_eq!(app.statements(), 3, "served whole from the store");
}

/// Scenario: three grants with hours (shares 10, 11 and 12 %); the national dashboard by share,
/// lowest first, is answered and stored. The first grant reports more (25 %), which moves it
/// last. A fresh instance has neither evaluations in memory nor stored ones (deleted), and the
/// two unmoved grants start building in 2030, changed behind the API's back: evaluated, they
/// would show no share. Its answer keeps their stored rows and places, so they were placed from
/// the stored answer, neither evaluated nor read; the written grant is evaluated and placed by
/// its new share, last; and the answer is the one a full evaluation gave before the change
/// behind the API's back.
#[tokio::test]
async fn a_fresh_instance_places_the_unmoved_rows_and_evaluates_the_moved_grants() {
    let app = TestApp::new().await;
    let (grants, contracts) = three_grants_with_hours(&app, "LBF-P").await;
    const BY_SHARE: &str =
        "{ complianceDashboard(sort: SHARE_ASC) { grantId status metrics { sharePercent } } }";
    let order = |v: &Value| -> Vec<(String, String)> {
        rows(v)
            .into_iter()
            .map(|(g, _, s)| {
                (
                    g.as_str().unwrap().to_owned(),
                    s.as_str().unwrap_or("-").to_owned(),
                )
            })
            .collect()
    };
    let first = app.ok(BY_SHARE, json!({})).await;
    let ids = |v: &Value| order(v).into_iter().map(|(g, _)| g).collect::<Vec<_>>();
    assert_eq!(ids(&first), grants, "10, 11, 12 %");

    let (c, p) = &contracts[0];
    app.ok(
        REPORT,
        json!({ "c": c, "m": "2024-02", "t": "100", "l": [{ "placementId": p, "hours": "40" }] }),
    )
    .await;
    // What a full evaluation answers now, for the comparison below.
    let evaluated = app.ok(BY_SHARE, json!({})).await;
    assert_eq!(
        order(&evaluated),
        [
            (grants[1].clone(), "11.00".to_owned()),
            (grants[2].clone(), "12.00".to_owned()),
            (grants[0].clone(), "25.00".to_owned()),
        ]
    );
    // The stored answer is the first one still (resolved within STORE_EVERY of its store).
    fresh(&app, &grants).await;
    use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};
    app.db
        .execute_unprepared("DELETE FROM stored_evaluation")
        .await
        .unwrap();
    entity::grant::Entity::update_many()
        .col_expr(
            entity::grant::Column::ConstructionStart,
            Expr::value(chrono::NaiveDate::from_ymd_opt(2030, 1, 1)),
        )
        .filter(entity::grant::Column::Id.is_in([
            grants[1].parse::<uuid::Uuid>().unwrap(),
            grants[2].parse::<uuid::Uuid>().unwrap(),
        ]))
        .exec(&app.db)
        .await
        .unwrap();
    let patched = app.ok(BY_SHARE, json!({})).await;
    assert_eq!(
        patched, evaluated,
        "the unmoved rows placed and copied from the stored answer, the moved grant evaluated"
    );
    // The copied rows are kept like resolved ones: the answer after the next write copies them
    // again (an unmoved grant evaluated now would show no share).
    app.ok(
        REPORT,
        json!({ "c": c, "m": "2024-03", "t": "100", "l": [{ "placementId": p, "hours": "40" }] }),
    )
    .await;
    let next = app.ok(BY_SHARE, json!({})).await;
    let share_of = |v: &Value, g: &str| {
        order(v)
            .into_iter()
            .find(|(id, _)| id == g)
            .map(|(_, s)| s)
            .unwrap()
    };
    assert_eq!(share_of(&next, &grants[1]), "11.00");
    assert_eq!(share_of(&next, &grants[2]), "12.00");
    // The same question asked by a full evaluation now shows the change behind the API's back
    // (so the comparisons above could fail).
    fresh(&app, &grants).await;
    app.db
        .execute_unprepared("DELETE FROM stored_answer")
        .await
        .unwrap();
    let full = app.ok(BY_SHARE, json!({})).await;
    assert_ne!(full, evaluated);
}

/// Scenario: three grants with hours and a fourth that starts building in 2030 (another
/// status); the dashboard of
/// the first grant's status, by share, leaves the fourth out and is answered and stored. The
/// first grant reports more and moves last (or leaves the status). A fresh instance, whose stored answer lacks a grant
/// in scope (the fourth), cannot take it as its latest answer: it places the stored rows of the
/// unmoved grants with the moved grant evaluated now, and answers what a full evaluation
/// answers. The grant with no hours is never on it.
#[tokio::test]
async fn a_fresh_instance_places_a_filtered_answers_rows() {
    let app = TestApp::new().await;
    let (mut grants, contracts) = three_grants_with_hours(&app, "LBF-F").await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let idle = app.grant_on(&estate, "LBF-F9").await;
    app.ok(
        "mutation($g: UUID!) { updateGrant(id: $g, input: { constructionStart: \"2030-01-01\", plannedHandover: \"2032-12-31\" }) { id } }",
        json!({ "g": idle }),
    )
    .await;
    let by_share = |status: &str| {
        format!(
            "{{ complianceDashboard(sort: SHARE_ASC, filter: {{status: {status}}}) {{ grantId status metrics {{ sharePercent }} }} }}"
        )
    };
    let all = app
        .ok("{ complianceDashboard { grantId status } }", json!({}))
        .await;
    let status_of = |g: &str| {
        rows(&all)
            .into_iter()
            .find(|(id, _, _)| id == g)
            .map(|(_, s, _)| s.as_str().unwrap().to_owned())
            .unwrap()
    };
    let status = status_of(&grants[0]);
    assert_ne!(
        status_of(&idle),
        status,
        "the idle grant has another status"
    );
    let q = by_share(&status);
    let first = app.ok(&q, json!({})).await;
    let ids = |v: &Value| -> Vec<String> {
        rows(v)
            .into_iter()
            .map(|(g, _, _)| g.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&first), grants, "10, 11, 12 %; the idle grant left out");

    let (c, p) = &contracts[0];
    app.ok(
        REPORT,
        json!({ "c": c, "m": "2024-02", "t": "100", "l": [{ "placementId": p, "hours": "40" }] }),
    )
    .await;
    grants.push(idle);
    fresh(&app, &grants).await;
    let patched = app.ok(&q, json!({})).await;
    // The same question, another selection: nothing kept or stored for it, evaluated afresh.
    let full = app
        .ok(
            &by_share(&status).replace("grantId status", "status grantId"),
            json!({}),
        )
        .await;
    assert_eq!(patched, full);
    // 25 % now: last, or gone with its status.
    let now = ids(&patched);
    assert_eq!(now[..2], grants[1..3]);
    assert!(now.len() == 2 || now[2] == grants[0], "{now:?}");
    assert!(!now.contains(&grants[3]), "the idle grant is never on it");
}
