//! Evaluations are cached per (grant, revision, as of, known at); every write that changes what
//! a grant's evaluation reads bumps the grant's revision in its own transaction, so a read after
//! a write sees it. The cache is invalidated only through the database (no in-process signal),
//! so what holds here holds across instances. On either database.

use serde_json::{Value, json};
use tests::TestApp;

/// What each dashboard below asks of every row.
const FIELDS: &str = "grantId
            metrics { traineeHours requiredSharePercent }
            contractors { contractorName }
            findings { code }
            deadlines { nextMeetingDue }";

/// Today's dashboard (as of today, as known at its end: the key a dashboard uses all day), asked
/// three ways (one request each: three national questions are more than one request may cost):
/// its selection alone, the same with each grant's estate, and the
/// portfolio's page of it. Each is kept and reused while no grant's revision moves
/// (`api::graphql::answers`); all three must show every write, so they must agree.
async fn dashboard(app: &TestApp) -> Value {
    let ask = |q: String| async move { app.ok(&q, json!({})).await };
    let plain =
        ask(format!("{{ complianceDashboard {{ {FIELDS} }} }}")).await["complianceDashboard"]
            .clone();
    let page = ask(format!(
        "{{ complianceDashboardPage(first: 100) {{ rows {{ {FIELDS} }} }} }}"
    ))
    .await;
    assert_eq!(
        page["complianceDashboardPage"]["rows"], plain,
        "the page shows the dashboard's rows"
    );
    let mut estates = ask(format!(
        "{{ complianceDashboard {{ grant {{ estate {{ name }} }} {FIELDS} }} }}"
    ))
    .await["complianceDashboard"]
        .clone();
    for r in estates.as_array_mut().unwrap() {
        let estate = r.as_object_mut().unwrap().remove("grant").unwrap();
        assert!(estate["estate"]["name"].is_string());
    }
    assert_eq!(estates, plain, "the dashboard with estates shows the same");
    plain
}

fn row<'a>(d: &'a Value, grant: &str) -> &'a Value {
    d.as_array()
        .unwrap()
        .iter()
        .find(|r| r["grantId"] == grant)
        .unwrap()
}

/// `q` asked again, answered with `before`, kept: one statement (the grants' ids and revisions)
/// instead of an evaluation. Counted on this app's own database, not the process's metrics,
/// which the tests running beside this one move too.
async fn asked_again_is_kept(app: &TestApp, q: &str, before: &Value, what: &str) {
    app.reset_statements();
    assert_eq!(&app.ok(q, json!({})).await, before, "{what}");
    assert_eq!(app.statements(), 1, "{what}: the kept answer");
}

fn codes(r: &Value) -> Vec<String> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

/// Scenario: two grants share a trainee. The dashboard is read (and cached) after each write; it
/// shows every write at once: hours reported on the grant, hours of its trainee on the *other*
/// grant (R9 double counting, 150 + 150 h in one month above the 200.42 h cap), a contractor's
/// new name, a parameter override, and a meeting of its følgegruppe.
#[tokio::test]
async fn every_write_that_changes_an_evaluation_is_seen_by_the_next_read() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let a = app.grant_on(&estate, "LBF-A").await;
    let b = app.grant_on(&estate, "LBF-B").await;
    let (ka, kb) = (app.contractor(0).await, app.contractor(1).await);
    let (ca, cb) = (app.contract(&a, &ka).await, app.contract(&b, &kb).await);
    let person = app.person("Anna Hansen").await;
    let (pa, pb) = (
        app.placement(&person, &a, &ca).await,
        app.placement(&person, &b, &cb).await,
    );

    let d = dashboard(&app).await;
    assert_eq!(row(&d, &a)["metrics"]["traineeHours"], "0.00");
    // Read twice: the second answer is the first one kept, and the same.
    assert_eq!(dashboard(&app).await, d);
    asked_again_is_kept(
        &app,
        &format!("{{ complianceDashboard {{ {FIELDS} }} }}"),
        &json!({ "complianceDashboard": d }),
        "the second read",
    )
    .await;

    app.report_month(
        &ca,
        "2024-05",
        "1000",
        json!([{ "placementId": pa, "hours": "150" }]),
    )
    .await;
    let d = dashboard(&app).await;
    assert_eq!(row(&d, &a)["metrics"]["traineeHours"], "150.00");
    assert!(!codes(row(&d, &a)).contains(&"R9_DOUBLE_COUNTED".to_owned()));

    // Hours on grant B for the same person and month change grant A's R9 finding.
    app.report_month(
        &cb,
        "2024-05",
        "1000",
        json!([{ "placementId": pb, "hours": "150" }]),
    )
    .await;
    let d = dashboard(&app).await;
    // The grant evaluated alone says the same as the dashboard that evaluates both together.
    let alone = app
        .ok(
            "query($g: UUID!) { compliance(grantId: $g) { findings { code } } }",
            json!({ "g": a }),
        )
        .await;
    assert_eq!(codes(&alone["compliance"]), codes(row(&d, &a)));
    assert!(
        codes(row(&d, &a)).iter().any(|c| c.starts_with("R9")),
        "{:?}",
        codes(row(&d, &a))
    );

    app.ok(
        "mutation($k: UUID!) { updateContractor(id: $k, input: { name: \"Nyt Navn A/S\" }) { id } }",
        json!({ "k": ka }),
    )
    .await;
    let d = dashboard(&app).await;
    assert_eq!(
        row(&d, &a)["contractors"][0]["contractorName"],
        "Nyt Navn A/S"
    );
    assert_eq!(
        row(&d, &b)["contractors"][0]["contractorName"],
        "Entreprenør 1",
        "the other grant's contractor is untouched"
    );

    app.ok(
        "mutation($g: UUID!) { updateGrant(id: $g, input: { parameterOverrides: [{ parameter: MIN_TRAINEE_SHARE_PERCENT, value: \"12.5\" }] }) { id } }",
        json!({ "g": a }),
    )
    .await;
    let d = dashboard(&app).await;
    assert_eq!(row(&d, &a)["metrics"]["requiredSharePercent"], "12.50");
    assert_eq!(row(&d, &b)["metrics"]["requiredSharePercent"], "14.00");

    let group = app.group(&a).await;
    let before = row(&d, &a)["deadlines"]["nextMeetingDue"].clone();
    app.ok(
        "mutation($g: UUID!) { createMeeting(input: { groupId: $g, date: \"2024-06-01\", durationMinutes: 60 }) { id } }",
        json!({ "g": group }),
    )
    .await;
    let d = dashboard(&app).await;
    assert_ne!(row(&d, &a)["deadlines"]["nextMeetingDue"], before);
    // 1 June 2024 + 61 days.
    assert_eq!(row(&d, &a)["deadlines"]["nextMeetingDue"], "2024-08-01");
}

/// Scenario: a dashboard that also asks for each grant's estate is kept like the grant's own
/// columns (a write to the estate bumps its grants' revisions), so renaming the estate shows at
/// once; the grant's own columns likewise.
#[tokio::test]
async fn answers_with_the_estate_are_kept_and_see_its_rename() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let grant = app.grant_on(&estate, "LBF-E").await;
    let q = "{ complianceDashboard { status grant { estate { name } } } }";
    let name = |v: &Value| v["complianceDashboard"][0]["grant"]["estate"]["name"].clone();
    let before = app.ok(q, json!({})).await;
    asked_again_is_kept(&app, q, &before, "kept with the estate's own columns").await;
    app.ok(
        "mutation($e: UUID!) { updateEstate(id: $e, input: { name: \"Nyt Navn\" }) { id } }",
        json!({ "e": estate }),
    )
    .await;
    let after = app.ok(q, json!({})).await;
    assert_ne!(name(&before), name(&after));
    assert_eq!(name(&after), "Nyt Navn");

    // The grant's own columns are kept with the answer, and a write to them moves its revision.
    let q = "{ complianceDashboard { status grant { caseNumber title } } }";
    let title = |v: &Value| v["complianceDashboard"][0]["grant"]["title"].clone();
    let first = app.ok(q, json!({})).await;
    asked_again_is_kept(&app, q, &first, "kept with the grant's own columns").await;
    app.ok(
        "mutation($g: UUID!) { updateGrant(id: $g, input: { title: \"Ny titel\" }) { id } }",
        json!({ "g": grant }),
    )
    .await;
    assert_eq!(title(&app.ok(q, json!({})).await), "Ny titel");
}

/// Scenario: the revision table counts the writes that touch each grant, in the writes' own
/// transactions: a refused write bumps nothing, and a grant's evaluation "as known at" a past
/// time is not affected by the cache (its key holds the time).
#[tokio::test]
async fn revisions_move_with_committed_writes_only() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let k = app.contractor(0).await;
    let contract = app.contract(&grant, &k).await;
    let revision = |app: &TestApp| {
        let db = app.db.clone();
        let grant: uuid::Uuid = grant.parse().unwrap();
        async move {
            api::service::revision::current(&db, &[grant])
                .await
                .unwrap()
                .get(&grant)
                .copied()
                .unwrap_or(0)
        }
    };
    let start = revision(&app).await;
    assert!(start >= 2, "the grant's creation and its contract's");
    let (code, _, _) = app
        .err(
            "mutation($c: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-05\", totalHours: \"-5\", traineeHours: []}) { id } }",
            json!({ "c": contract }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert_eq!(revision(&app).await, start, "a refused write bumps nothing");
    let known = |at: chrono::DateTime<chrono::Utc>| {
        let app = &app;
        let grant = grant.clone();
        async move {
            app.ok(
                "query($g: UUID!, $k: DateTime!) { compliance(grantId: $g, asOf: \"2024-06-30\", knownAt: $k) { metrics { labourHours } } }",
                json!({ "g": grant, "k": at }),
            )
            .await["compliance"]["metrics"]["labourHours"]
                .clone()
        }
    };
    let before_report = chrono::Utc::now();
    assert_eq!(known(before_report).await, "0.00");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    app.report_month(&contract, "2024-05", "100", json!([]))
        .await;
    // One transaction, two rows written on the grant: the month's version and its counted report.
    assert_eq!(revision(&app).await, start + 2);
    // What was known before the report stays as it was, cached or not; now the hours are there.
    assert_eq!(known(before_report).await, "0.00");
    assert_eq!(known(chrono::Utc::now()).await, "100.00");
}

/// Scenario: a kept dashboard and a kept page are checked with the state of their grants (how
/// many, the sums of their revisions and of their rows' salts), one aggregate row, read again
/// whenever the change stamp has moved. Here grant X is archived and grant Y brought back behind
/// the API's back, so no revision moves and the count stays, and the stamp is moved as a bulk
/// load moves it: only the salts' sum tells, and the next dashboard and page show Y, not X. A
/// grant without a revision row (loaded behind the service's back) gets one when the state is
/// read, at revision 0, so the next dashboard is kept as usual.
#[tokio::test]
async fn the_grants_state_tells_a_grant_leaving_while_another_enters() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let x = app.grant_on(&estate, "LBF-X").await;
    let y = app.grant_on(&estate, "LBF-Y").await;
    let _z = app.grant_on(&estate, "LBF-Z").await;
    let archive = |g: &str, archived: bool| {
        let g: uuid::Uuid = g.parse().unwrap();
        let at = archived.then(api::clock::now);
        let db = app.db.clone();
        async move {
            entity::grant::Entity::update_many()
                .col_expr(entity::grant::Column::ArchivedAt, Expr::value(at))
                .filter(entity::grant::Column::Id.eq(g))
                .exec(&db)
                .await
                .unwrap();
        }
    };
    archive(&y, true).await;
    let q = "{ complianceDashboard { grant { caseNumber } status } }";
    let page =
        "{ complianceDashboardPage(first: 10) { totalCount rows { grant { caseNumber } } } }";
    let cases = |v: &Value, rows: &str| -> Vec<String> {
        let list = if rows.is_empty() {
            &v["complianceDashboard"]
        } else {
            &v["complianceDashboardPage"]["rows"]
        };
        list.as_array()
            .unwrap()
            .iter()
            .map(|r| r["grant"]["caseNumber"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = app.ok(q, json!({})).await;
    assert_eq!(cases(&before, ""), ["LBF-X", "LBF-Z"]);
    asked_again_is_kept(&app, q, &before, "the dashboard").await;
    let first_page = app.ok(page, json!({})).await;
    assert_eq!(cases(&first_page, "rows"), ["LBF-X", "LBF-Z"]);
    app.reset_statements();
    assert_eq!(app.ok(page, json!({})).await, first_page);
    assert_eq!(
        app.statements(),
        3,
        "a kept page: the change stamp, the revisions of its rows, its rows' grants"
    );

    archive(&x, true).await;
    archive(&y, false).await;
    api::stamp::bump(&app.db).await.unwrap();
    assert_eq!(cases(&app.ok(q, json!({})).await, ""), ["LBF-Y", "LBF-Z"]);
    assert_eq!(
        cases(&app.ok(page, json!({})).await, "rows"),
        ["LBF-Y", "LBF-Z"]
    );

    // A grant without a revision row: the dashboard is kept under the grants' ids and revisions.
    entity::grant_revision::Entity::delete_by_id(y.parse::<uuid::Uuid>().unwrap())
        .exec(&app.db)
        .await
        .unwrap();
    api::stamp::bump(&app.db).await.unwrap();
    let without = app.ok(q, json!({})).await;
    assert_eq!(cases(&without, ""), ["LBF-Y", "LBF-Z"]);
    let row = entity::grant_revision::Entity::find_by_id(y.parse::<uuid::Uuid>().unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .expect("the missing revision row made again");
    assert_eq!(row.revision, 0);
    asked_again_is_kept(&app, q, &without, "kept once the row is there").await;
}
