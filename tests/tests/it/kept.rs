//! Kept dashboard answers under concurrency (`api::graphql::answers`): screens opening the same
//! dashboard at once make one evaluation, and every one of them gets the same answer. The tests
//! share their process with the rest of the suite, so they count this app's own SQL statements
//! and changes made behind the API's back, never the process-wide metrics.

use serde_json::json;
use tests::TestApp;

/// Scenario: two grants; six identical dashboards arrive together. One of them evaluates the
/// grants and resolves the answer; the five others wait for it and are served it (one statement
/// each, the change stamp), and all six are equal. Evaluating the same
/// question afresh costs exactly what the first of the six did. After a write to one grant, a
/// dashboard evaluates that grant alone: the other's evaluation, changed behind the API's back
/// (no revision moves), is still the cached one until its cache and stored row are dropped.
#[tokio::test]
async fn simultaneous_dashboards_evaluate_once() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let a = app.grant_on(&estate, "LBF-K1").await;
    let b = app.grant_on(&estate, "LBF-K2").await;
    let ids: Vec<uuid::Uuid> = [&a, &b].iter().map(|g| g.parse().unwrap()).collect();
    let q = "{ complianceDashboard { grant { caseNumber } status metrics { sharePercent } findings { rule } } }";
    let forget = || forget_everywhere(&app, &ids);
    // The process's first stored answer of the day also deletes earlier days' answers (one
    // statement more): made here, so the counts below do not depend on which test stores first.
    app.ok("{ complianceDashboard { status } }", json!({}))
        .await;
    forget().await;

    app.reset_statements();
    let answers = futures_util_join(&app, q).await;
    let together = app.statements();
    for a in &answers[1..] {
        assert_eq!(a, &answers[0]);
    }
    app.reset_statements();
    assert_eq!(app.ok(q, json!({})).await, answers[0]);
    let kept = app.statements();
    assert_eq!(kept, 1, "a kept answer costs one row: the change stamp");

    // The same question evaluated afresh (nothing cached, nothing stored, another selection).
    forget().await;
    app.reset_statements();
    let alone = app
        .ok(
            "{ complianceDashboard { status grant { caseNumber } findings { rule } metrics { sharePercent } } }",
            json!({}),
        )
        .await;
    let evaluation = app.statements();
    assert_eq!(alone["complianceDashboard"].as_array().unwrap().len(), 2);
    // Neither the six nor the afresh evaluation store the evaluations again: the warm-up stored
    // them, and this instance takes them for stored after the rows were deleted behind its back.
    assert_eq!(
        together,
        evaluation + 5 * kept,
        "six screens at once cost one evaluation ({evaluation} statements) and five kept answers"
    );

    // Grant b starts building in 2030, changed behind the API's back: outside any revision.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    entity::grant::Entity::update_many()
        .col_expr(
            entity::grant::Column::ConstructionStart,
            Expr::value(chrono::NaiveDate::from_ymd_opt(2030, 1, 1)),
        )
        .filter(entity::grant::Column::Id.eq(ids[1]))
        .exec(&app.db)
        .await
        .unwrap();
    app.ok(
        "mutation($g: UUID!) { updateGrant(id: $g, input: { title: \"Ny titel\" }) { id } }",
        json!({ "g": a }),
    )
    .await;
    let status = |v: &serde_json::Value, case: &str| {
        v["complianceDashboard"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["grant"]["caseNumber"] == case)
            .map(|r| (r["status"].clone(), r["findings"].clone()))
            .unwrap()
    };
    let before = status(&answers[0], "LBF-K2");
    // Another selection again, so no row is copied: b's row is resolved from its cached evaluation.
    let after_write = app
        .ok(
            "{ complianceDashboard { findings { rule } grant { caseNumber } status } }",
            json!({}),
        )
        .await;
    assert_eq!(
        status(&after_write, "LBF-K2"),
        before,
        "b was not evaluated again"
    );
    forget().await;
    let evaluated = app
        .ok(
            "{ complianceDashboard { status findings { rule } grant { caseNumber } } }",
            json!({}),
        )
        .await;
    assert_ne!(
        status(&evaluated, "LBF-K2"),
        before,
        "evaluated afresh, b shows the change made behind the API's back"
    );
}

/// Scenario: three grants; six screens open the same portfolio page at once after every
/// evaluation was dropped (as after a write to each grant). One of them evaluates the grants and
/// sorts them; the five others wait for that index and cut their page from it (the state of the
/// selection, and the page's revisions), and all six are equal. Sorting the country once more
/// for another search costs exactly what the first of the six did.
#[tokio::test]
async fn simultaneous_portfolio_pages_sort_the_grants_once() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let mut ids = Vec::new();
    for case in ["LBF-P1", "LBF-P2", "LBF-P3"] {
        ids.push(
            app.grant_on(&estate, case)
                .await
                .parse::<uuid::Uuid>()
                .unwrap(),
        );
    }
    let page = |search: &str| {
        format!(
            "{{ complianceDashboardPage(search: \"{search}\", first: 2) {{ totalCount rows {{ grant {{ caseNumber }} status }} }} }}"
        )
    };
    let forget = || forget_everywhere(&app, &ids);
    // The process's first stored evaluations of the day also delete earlier days' (one statement
    // more): made here, so the counts below do not depend on which test stores first.
    app.ok(&page("LBF-P"), json!({})).await;
    forget().await;

    app.reset_statements();
    let answers = futures_util_join(&app, &page("lbf-p")).await;
    let together = app.statements();
    for a in &answers[1..] {
        assert_eq!(a, &answers[0]);
    }
    assert_eq!(answers[0]["complianceDashboardPage"]["totalCount"], 3);
    assert_eq!(
        answers[0]["complianceDashboardPage"]["rows"][1]["grant"]["caseNumber"],
        "LBF-P2"
    );
    app.reset_statements();
    assert_eq!(app.ok(&page("lbf-p"), json!({})).await, answers[0]);
    let cut = app.statements();

    // Another search (another index) with nothing cached or stored.
    forget().await;
    app.reset_statements();
    let alone = app.ok(&page("LBF-p"), json!({})).await;
    let sorted = app.statements();
    assert_eq!(alone, answers[0]);
    assert_eq!(
        together,
        sorted + 5 * cut,
        "six screens at once cost one sort ({sorted} statements) and five cut pages ({cut} each)"
    );
}

/// Scenario: two grants on the dashboard. Asked again with nothing written since, the dashboard
/// reads one row, the change stamp, and neither the grants' state nor their revisions. A write
/// whose work fails and one that discards its work leave the stamp where it was; a committed
/// mutation moves it by one. The dashboard after it reads the grants' state once, shows the
/// write, and the one after that reads the stamp alone again.
#[tokio::test]
async fn a_dashboard_with_nothing_written_since_reads_the_change_stamp_alone() {
    use api::db::{Outcome, WriteGate, write_txn, write_txn_or_discard};
    use sea_orm::ConnectionTrait;
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let a = app.grant_on(&estate, "LBF-S1").await;
    app.grant_on(&estate, "LBF-S2").await;
    let q = "{ complianceDashboard { grant { caseNumber title } } }";
    app.ok(q, json!({})).await;
    let state_reads = |sql: &[String]| {
        sql.iter()
            .filter(|s| s.contains("COUNT(grant_revision.grant_id)"))
            .count()
    };
    app.reset_statements();
    let first = app.ok(q, json!({})).await;
    let sql = app.statements_sql();
    assert_eq!(sql.len(), 1, "{sql:#?}");
    assert!(sql[0].contains("FROM change_stamp"), "{sql:#?}");

    let stamp = || async { api::stamp::read(&app.db).await.unwrap() };
    let before = stamp().await;
    let gate = WriteGate::for_connection(&app.db);
    let failed = write_txn(&app.db, &gate, |t| {
        Box::pin(async move {
            t.execute_unprepared("UPDATE lbf_grant SET title = 'Fejlet'")
                .await?;
            Err::<(), _>(api::error::AppError::conflict("refused", "afvist"))
        })
    })
    .await;
    assert!(failed.is_err());
    write_txn_or_discard(&app.db, &gate, |t| {
        Box::pin(async move {
            t.execute_unprepared("UPDATE lbf_grant SET title = 'Kasseret'")
                .await?;
            Ok(((), Outcome::Discard))
        })
    })
    .await
    .unwrap();
    assert_eq!(stamp().await, before, "nothing was committed");
    app.reset_statements();
    assert_eq!(app.ok(q, json!({})).await, first);
    assert_eq!(app.statements(), 1, "{:#?}", app.statements_sql());

    app.ok(
        "mutation($g: UUID!) { updateGrant(id: $g, input: { title: \"Ny titel\" }) { id } }",
        json!({ "g": a }),
    )
    .await;
    let moved = stamp().await;
    assert_eq!((moved.epoch, moved.n), (before.epoch, before.n + 1));
    app.reset_statements();
    let after = app.ok(q, json!({})).await;
    assert_eq!(state_reads(&app.statements_sql()), 1);
    let titles: Vec<&str> = after["complianceDashboard"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["grant"]["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Ny titel"), "{titles:?}");
    app.reset_statements();
    assert_eq!(app.ok(q, json!({})).await, after);
    let sql = app.statements_sql();
    assert_eq!((sql.len(), state_reads(&sql)), (1, 0), "{sql:#?}");
}

/// The grants' evaluations dropped from this process's memory and from the database: nothing
/// cached, nothing stored, so the next question evaluates them afresh.
async fn forget_everywhere(app: &TestApp, ids: &[uuid::Uuid]) {
    api::service::compliance::forget_evaluations(&app.db, ids)
        .await
        .unwrap();
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared("DELETE FROM stored_evaluation")
        .await
        .unwrap();
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

/// The case numbers of a dashboard's rows, in order.
fn cases(rows: &serde_json::Value) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["grant"]["caseNumber"].as_str().unwrap().to_owned())
        .collect()
}

/// Scenario: three grants with 1,000 hours each and 0, 50 and 100 trainee hours, asked by share
/// (lowest first), by shortfall with only the first grant's status, and as a portfolio page by
/// shortfall; each asked once, so this instance has its latest answers. Then 200 trainee hours
/// are reported on the grant with none: it goes from first to last by share. Each answer after
/// the write is patched from the latest: the grants are listed again only for the grant that
/// moved (every statement that reads the grants' titles names grants by id), and each equals,
/// value for value, the same question asked another way (another selection or search: nothing
/// kept for it), which is made afresh.
#[tokio::test]
async fn an_answer_patched_after_a_write_is_the_answer_made_afresh() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let mut first = None;
    for (n, (case, trainee)) in [("LBF-M1", "0"), ("LBF-M2", "50"), ("LBF-M3", "100")]
        .into_iter()
        .enumerate()
    {
        let grant = app.grant_on(&estate, case).await;
        let contractor = app.contractor(n + 1).await;
        let contract = app.contract(&grant, &contractor).await;
        let person = app.person(&format!("Lærling {n}")).await;
        let placement = app.placement(&person, &grant, &contract).await;
        let lines = match trainee {
            "0" => json!([]),
            hours => json!([{ "placementId": placement, "hours": hours }]),
        };
        app.report_month(&contract, "2024-05", "1000", lines).await;
        first.get_or_insert((contract, placement));
    }
    let (contract, placement) = first.unwrap();
    let by_share = "{ complianceDashboard(sort: SHARE_ASC) { grant { caseNumber } status metrics { sharePercent shortfallHours } } }";
    let by_share_afresh = "{ complianceDashboard(sort: SHARE_ASC) { metrics { shortfallHours sharePercent } status grant { caseNumber } } }";
    let before = app.ok(by_share, json!({})).await["complianceDashboard"].clone();
    assert_eq!(cases(&before), ["LBF-M1", "LBF-M2", "LBF-M3"]);
    let status = before[0]["status"].as_str().unwrap().to_owned();
    let filtered = |fields: &str| {
        format!(
            "{{ complianceDashboard(sort: SHORTFALL_DESC, filter: {{status: {status}}}) {{ {fields} }} }}"
        )
    };
    let filtered_q = filtered("grant { caseNumber } status metrics { shortfallHours }");
    let filtered_afresh = filtered("status metrics { shortfallHours } grant { caseNumber }");
    let page = |search: &str| {
        format!(
            "{{ complianceDashboardPage(sort: SHORTFALL_DESC, search: \"{search}\", first: 2) {{ totalCount statusCounts {{ status count }} rows {{ grant {{ caseNumber }} status metrics {{ shortfallHours }} }} }} }}"
        )
    };
    app.ok(&filtered_q, json!({})).await;
    app.ok(&page("LBF-M"), json!({})).await;

    let lines = json!([{ "placementId": placement, "hours": "200" }]);
    app.report_month(&contract, "2024-06", "200", lines).await;

    for (patched, afresh, field) in [
        (
            by_share.to_owned(),
            by_share_afresh.to_owned(),
            "complianceDashboard",
        ),
        (filtered_q, filtered_afresh, "complianceDashboard"),
        (page("LBF-M"), page("lbf-m"), "complianceDashboardPage"),
    ] {
        app.reset_statements();
        let answer = app.ok(&patched, json!({})).await;
        let listings: Vec<String> = app
            .statements_sql()
            .into_iter()
            .filter(|sql| sql.contains("\"lbf_grant\".\"title\""))
            .collect();
        assert!(!listings.is_empty(), "{patched}: the moved grant is listed");
        for sql in &listings {
            assert!(
                sql.contains(" IN ("),
                "{patched}: only the moved grant is listed: {sql}"
            );
        }
        assert_eq!(answer, app.ok(&afresh, json!({})).await, "{patched}");
        if field == "complianceDashboard" && patched.contains("SHARE_ASC") {
            assert_eq!(cases(&answer[field]), ["LBF-M2", "LBF-M3", "LBF-M1"]);
        }
    }
}
