//! Reads: relations in both directions, list filters, cursor pagination edges, and the bound on
//! SQL statements per request.

use api::config::PageLimits;
use serde_json::{Value, json};
use tests::{TestApp, id};

#[tokio::test]
async fn relations_are_navigable_both_ways() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let org = app.organisation().await;
    let estate2 = app.estate(&org).await;
    let grant2 = app.grant_on(&estate2, "LBF-2").await;
    let co = app.contractor(0).await;
    let c1 = app.contract(&grant, &co).await;
    let c2 = app.contract(&grant2, &co).await;
    let person = app.person("Jonas").await;
    let pl = app.placement(&person, &grant, &c1).await;
    app.ok(
        "mutation($c: UUID!, $p: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-01\", totalHours: \"300\", traineeHours: [{placementId: $p, hours: \"150\"}]}) { id } }",
        json!({ "c": c1, "p": pl }),
    )
    .await;
    let group = app.group(&grant).await;
    let d = app
        .ok(
            "mutation($g: UUID!) { createGroupMember(input: {groupId: $g, name: \"Tovholder\", organisation: \"Jobcenter Odense\", role: JOBCENTER}) { id } }",
            json!({ "g": group }),
        )
        .await;
    let member = id(&d["createGroupMember"]);
    let d = app
        .ok(
            "mutation($g: UUID!, $m: UUID!) { createMeeting(input: {groupId: $g, date: \"2024-02-01\", durationMinutes: 60, attendeeIds: [$m]}) { id } }",
            json!({ "g": group, "m": member }),
        )
        .await;
    let meeting = id(&d["createMeeting"]);
    app.ok(
        "mutation($m: UUID!) { createActionItem(input: {meetingId: $m, description: \"Følg op\", owner: \"Tovholder\"}) { id } }",
        json!({ "m": meeting }),
    )
    .await;
    app.ok(
        "mutation($p: UUID!, $g: UUID!, $h: UUID!) { createTrialPlacement(input: {personId: $p, grantId: $g, hostContractorId: $h, tovholder: \"T\", startDate: \"2024-01-08\"}) { id } }",
        json!({ "p": person, "g": grant, "h": co }),
    )
    .await;

    // Down: grant -> contracts -> contractor -> its other contracts -> their grant.
    let d = app
        .ok(
            "query($g: UUID!) { grant(id: $g) { estate { organisation { estates { id } } } contracts { id contractor { contracts { id grant { caseNumber } } } placements { person { displayName } } hoursReports { month lines { hours placement { id } } } } followUpGroup { meetings { attendees { name } actionItems { description meeting { group { grant { id } } } } } } trialPlacements { hostContractor { id } person { id } } } }",
            json!({ "g": grant }),
        )
        .await;
    let g = &d["grant"];
    assert_eq!(g["contracts"][0]["id"], json!(c1));
    assert_eq!(
        g["contracts"][0]["contractor"]["contracts"],
        json!([{ "id": c1, "grant": { "caseNumber": "LBF-1" } }, { "id": c2, "grant": { "caseNumber": "LBF-2" } }])
    );
    assert_eq!(
        g["contracts"][0]["placements"],
        json!([{ "person": { "displayName": "Jonas" } }])
    );
    assert_eq!(
        g["contracts"][0]["hoursReports"],
        json!([{ "month": "2024-01", "lines": [{ "hours": "150.00", "placement": { "id": pl } }] }])
    );
    assert_eq!(
        g["followUpGroup"]["meetings"][0]["attendees"],
        json!([{ "name": "Tovholder" }])
    );
    assert_eq!(
        g["followUpGroup"]["meetings"][0]["actionItems"][0]["meeting"]["group"]["grant"]["id"],
        json!(grant)
    );
    assert_eq!(
        g["trialPlacements"],
        json!([{ "hostContractor": { "id": co }, "person": { "id": person } }])
    );
    assert_eq!(
        g["estate"]["organisation"]["estates"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Up: person -> placements -> grant/contract; member -> meetings attended; contractor -> hosted trials.
    let d = app
        .ok(
            "query($p: UUID!, $m: UUID!, $c: UUID!) { person(id: $p) { placements { grant { id } contract { id } hoursLines { report { month } } } trialPlacements { grant { id } } } groupMember(id: $m) { meetingsAttended { id } group { id } } contractor(id: $c) { hostedTrialPlacements { person { displayName } } } }",
            json!({ "p": person, "m": member, "c": co }),
        )
        .await;
    assert_eq!(
        d["person"]["placements"],
        json!([{ "grant": { "id": grant }, "contract": { "id": c1 }, "hoursLines": [{ "report": { "month": "2024-01" } }] }])
    );
    assert_eq!(
        d["person"]["trialPlacements"],
        json!([{ "grant": { "id": grant } }])
    );
    assert_eq!(
        d["groupMember"],
        json!({ "meetingsAttended": [{ "id": meeting }], "group": { "id": group } })
    );
    assert_eq!(
        d["contractor"]["hostedTrialPlacements"],
        json!([{ "person": { "displayName": "Jonas" } }])
    );
}

#[tokio::test]
async fn list_filters() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let g1 = app.grant_on(&estate, "LBF-1").await;
    let g2 = app.grant_on(&estate, "LBF-2").await;
    let other_org = app.organisation().await;
    let other_estate = app.estate(&other_org).await;
    app.grant_on(&other_estate, "LBF-3").await;
    app.ok(
        "mutation($id: UUID!) { updateGrant(id: $id, input: {commitmentYear: 2024}) { id } }",
        json!({ "id": g2 }),
    )
    .await;
    let ids = |d: &Value, key: &str| -> Vec<String> {
        d[key]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["caseNumber"].as_str().unwrap().to_owned())
            .collect()
    };
    let q = "query($f: GrantFilter) { grants(filter: $f) { totalCount edges { node { caseNumber } } } }";
    let d = app.ok(q, json!({ "f": { "organisationId": org } })).await;
    assert_eq!(ids(&d, "grants"), ["LBF-1", "LBF-2"]);
    assert_eq!(d["grants"]["totalCount"], 2);
    let d = app.ok(q, json!({ "f": { "commitmentYear": 2024 } })).await;
    assert_eq!(ids(&d, "grants"), ["LBF-2"]);
    let d = app
        .ok(
            q,
            json!({ "f": { "municipality": "Odense", "stage": "SKEMA_B" } }),
        )
        .await;
    assert_eq!(ids(&d, "grants"), ["LBF-1", "LBF-2", "LBF-3"]);
    app.ok(
        "mutation($id: UUID!) { archiveGrant(id: $id) { id } }",
        json!({ "id": g1 }),
    )
    .await;
    let d = app.ok(q, json!({ "f": { "organisationId": org } })).await;
    assert_eq!(
        ids(&d, "grants"),
        ["LBF-2"],
        "archived rows are left out by default"
    );
    let d = app
        .ok(
            q,
            json!({ "f": { "organisationId": org, "includeArchived": true } }),
        )
        .await;
    assert_eq!(ids(&d, "grants"), ["LBF-1", "LBF-2"]);

    let co = app.contractor(0).await;
    let co2 = app.contractor(1).await;
    app.contract(&g2, &co).await;
    let d = app
        .ok(
            "query($g: UUID!) { contractors(filter: {grantId: $g}) { edges { node { id } } } contracts(filter: {contractorId: $g}) { totalCount } }",
            json!({ "g": g2 }),
        )
        .await;
    assert_eq!(d["contractors"]["edges"], json!([{ "node": { "id": co } }]));
    assert_eq!(d["contracts"]["totalCount"], 0);
    let d = app
        .ok(
            "query($c: UUID!) { contracts(filter: {contractorId: $c, activeFrom: \"2027-01-01\"}) { totalCount } all: contracts(filter: {trade: \"hovedentreprise\", kind: MAIN}) { totalCount } }",
            json!({ "c": co }),
        )
        .await;
    assert_eq!(
        (
            d["contracts"]["totalCount"].as_u64(),
            d["all"]["totalCount"].as_u64()
        ),
        (Some(0), Some(1))
    );
    let _ = co2;
}

async fn names(app: &TestApp, args: &str) -> (Vec<String>, Value) {
    let args = if args.is_empty() {
        String::new()
    } else {
        format!("({args})")
    };
    let d = app
        .ok(
            &format!("{{ contractors{args} {{ totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} edges {{ cursor node {{ name }} }} }} }}"),
            json!({}),
        )
        .await;
    let c = &d["contractors"];
    let names = c["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
        .collect();
    (names, c.clone())
}

#[tokio::test]
async fn cursor_pagination_edges() {
    let app = TestApp::with_limits(PageLimits { default: 3, max: 4 }).await;
    let (empty, c) = names(&app, "first: 2").await;
    assert!(empty.is_empty());
    assert_eq!(c["totalCount"], 0);
    assert_eq!(c["pageInfo"]["hasNextPage"], false);
    assert_eq!(c["pageInfo"]["endCursor"], json!(null));

    for n in 0..5 {
        app.contractor(n).await;
    }
    // Default page size, in creation order.
    let (page, c) = names(&app, "").await;
    assert_eq!(page, ["Entreprenør 0", "Entreprenør 1", "Entreprenør 2"]);
    assert_eq!(
        (
            c["totalCount"].as_u64(),
            c["pageInfo"]["hasNextPage"].as_bool()
        ),
        (Some(5), Some(true))
    );

    // first/after walks forward to the end.
    let (page, c) = names(&app, "first: 2").await;
    assert_eq!(page, ["Entreprenør 0", "Entreprenør 1"]);
    assert_eq!(c["pageInfo"]["hasPreviousPage"], false);
    let end = c["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    let (page, c) = names(&app, &format!("first: 2, after: \"{end}\"")).await;
    assert_eq!(page, ["Entreprenør 2", "Entreprenør 3"]);
    assert_eq!(
        (
            c["pageInfo"]["hasPreviousPage"].as_bool(),
            c["pageInfo"]["hasNextPage"].as_bool()
        ),
        (Some(true), Some(true))
    );
    let end = c["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    let (page, c) = names(&app, &format!("first: 2, after: \"{end}\"")).await;
    assert_eq!(page, ["Entreprenør 4"]);
    assert_eq!(c["pageInfo"]["hasNextPage"], false);
    let end = c["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    let (page, c) = names(&app, &format!("first: 2, after: \"{end}\"")).await;
    assert!(page.is_empty());
    assert_eq!(c["pageInfo"]["hasNextPage"], false);

    // last/before walks backward from the end.
    let (page, c) = names(&app, "last: 2").await;
    assert_eq!(page, ["Entreprenør 3", "Entreprenør 4"]);
    assert_eq!(
        (
            c["pageInfo"]["hasPreviousPage"].as_bool(),
            c["pageInfo"]["hasNextPage"].as_bool()
        ),
        (Some(true), Some(false))
    );
    let start = c["pageInfo"]["startCursor"].as_str().unwrap().to_owned();
    let (page, c) = names(&app, &format!("last: 4, before: \"{start}\"")).await;
    assert_eq!(page, ["Entreprenør 0", "Entreprenør 1", "Entreprenør 2"]);
    assert_eq!(
        (
            c["pageInfo"]["hasPreviousPage"].as_bool(),
            c["pageInfo"]["hasNextPage"].as_bool()
        ),
        (Some(false), Some(true))
    );

    // The maximum page size is enforced, not silently clamped; bad arguments are bad input.
    let (page, _) = names(&app, "first: 4").await;
    assert_eq!(page.len(), 4);
    for (args, field) in [
        ("first: 5", "first"),
        ("last: 5", "last"),
        ("first: -1", "first"),
        ("first: 1, last: 1", "last"),
        ("after: \"bm9wZQ\"", "after"),
        ("before: \"%%%\"", "before"),
    ] {
        let (code, f, msg) = app
            .err(
                &format!("{{ contractors({args}) {{ totalCount }} }}"),
                json!({}),
            )
            .await;
        assert_eq!(
            (code.as_str(), f.as_deref()),
            ("BAD_USER_INPUT", Some(field)),
            "{args}: {msg}"
        );
    }
}

/// Builds `n` grants, each with two contracts (different contractors), a trainee and a month of
/// hours, then counts the statements of one deep query.
async fn statements_for(n: usize) -> usize {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let a = app.contractor(0).await;
    let b = app.contractor(1).await;
    for i in 0..n {
        let g = app.grant_on(&estate, &format!("LBF-{i}")).await;
        for co in [&a, &b] {
            let c = app.contract(&g, co).await;
            let p = app.placement(&app.person("P").await, &g, &c).await;
            app.ok(
                "mutation($c: UUID!, $p: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-01\", totalHours: \"300\", traineeHours: [{placementId: $p, hours: \"100\"}]}) { id } }",
                json!({ "c": c, "p": p }),
            )
            .await;
        }
        app.group(&g).await;
    }
    app.reset_statements();
    let d = app
        .ok(
            "{ grants(first: 100) { edges { node { caseNumber estate { organisation { name } } followUpGroup { meetings { id } members { id } } contracts { contractor { name contracts { id grant { caseNumber } } } placements { person { displayName } hoursLines { hours } } hoursReports { totalHours traineeHours lines { placement { kind } } } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["grants"]["edges"].as_array().unwrap().len(), n);
    app.statements()
}

#[tokio::test]
async fn a_request_costs_a_bounded_number_of_statements() {
    let small = statements_for(2).await;
    let large = statements_for(12).await;
    // One COUNT and one page query, then one IN (...) query per relation level; never per row.
    assert_eq!(
        small, large,
        "statements grew with the number of rows: {small} vs {large}"
    );
    assert!(large <= 20, "{large} statements for one request");
    eprintln!("statements per request: {large}");
}

/// `grants` × `contracts` contracts, each with a trainee and `MONTHS` monthly reports loaded in
/// bulk (as an import would), then the nested list query dashboards ask; returns (statements,
/// reports answered, trainee hours answered in hundredths).
async fn nested_list_at_scale(grants: usize, contracts: usize) -> (usize, usize, i64) {
    use entity::{hours_line, hours_report};
    use sea_orm::{ActiveValue::Set, EntityTrait};
    const MONTHS: u32 = 40;
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let now = chrono::Utc::now();
    let mut contractors = Vec::new();
    for k in 0..contracts {
        contractors.push(app.contractor(k).await);
    }
    let (mut reports, mut lines) = (Vec::new(), Vec::new());
    for i in 0..grants {
        let g = app.grant_on(&estate, &format!("LBF-{i}")).await;
        for k in &contractors {
            let c = app.contract(&g, k).await;
            let p = app.placement(&app.person("P").await, &g, &c).await;
            for m in 0..MONTHS {
                let report = uuid::Uuid::now_v7();
                reports.push(hours_report::ActiveModel {
                    id: Set(report),
                    contract_id: Set(c.parse().unwrap()),
                    month: Set(chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap()
                        + chrono::Months::new(m)),
                    total_centihours: Set(30_000),
                    reported_at: Set(now),
                    status: Set(entity::enums::HoursStatus::Submitted),
                    version: Set(1),
                    no_activity: Set(false),
                    created_at: Set(now),
                    updated_at: Set(now),
                    archived_at: Set(None),
                });
                lines.push(hours_line::ActiveModel {
                    id: Set(uuid::Uuid::now_v7()),
                    report_id: Set(report),
                    placement_id: Set(p.parse().unwrap()),
                    centihours: Set(1_000 + i64::from(m)),
                    created_at: Set(now),
                    updated_at: Set(now),
                    archived_at: Set(None),
                });
            }
        }
    }
    for chunk in reports.chunks(500) {
        hours_report::Entity::insert_many(chunk.to_vec())
            .exec(&app.db)
            .await
            .unwrap();
    }
    for chunk in lines.chunks(500) {
        hours_line::Entity::insert_many(chunk.to_vec())
            .exec(&app.db)
            .await
            .unwrap();
    }
    api::service::rollup::backfill(&app.db).await.unwrap();
    app.reset_statements();
    let d = app
        .ok(
            "{ grants(first: 100) { edges { node { caseNumber contracts { contractor { name } hoursReports { totalHours traineeHours } } } } } }",
            json!({}),
        )
        .await;
    let statements = app.statements();
    let mut n = 0;
    let mut trainee = 0;
    for g in d["grants"]["edges"].as_array().unwrap() {
        for c in g["node"]["contracts"].as_array().unwrap() {
            for r in c["hoursReports"].as_array().unwrap() {
                n += 1;
                let h: rust_decimal::Decimal = r["traineeHours"].as_str().unwrap().parse().unwrap();
                trainee += i64::try_from(h * rust_decimal::Decimal::ONE_HUNDRED).unwrap();
            }
        }
    }
    (statements, n, trainee)
}

/// Scenario: the nested list query over 5 x 8 contracts' 1,600 monthly reports, more keys than
/// a DataLoader's default batch (1,000) holds, costs the same statements as over 2 x 2 contracts'
/// 160: one per level (no COUNT nobody asked for, no batch split), and answers every report with
/// its trainee hours (from the rollup) exactly.
#[tokio::test]
async fn a_nested_list_costs_the_same_statements_when_batches_would_split() {
    let (small, n_small, h_small) = nested_list_at_scale(2, 2).await;
    let (large, n_large, h_large) = nested_list_at_scale(5, 8).await;
    assert_eq!((n_small, n_large), (160, 1_600));
    // Each contract's 40 months carry 1,000 + m hundredths: 40,780 per contract.
    assert_eq!((h_small, h_large), (4 * 40_780, 40 * 40_780));
    assert_eq!(
        small, large,
        "statements grew with the data: {small} vs {large}"
    );
    // The grants page, their contracts, the contractors, and the reports with their trainee
    // totals (one join with the rollup).
    assert_eq!(large, 4, "{large} statements for one request");
}

/// Scenario: a contract's reports asked for with only their own fields (written straight as
/// values) and the same fields through a fragment or a directive (resolved report by report)
/// answer the same JSON, aliases and `__typename` included, with the exact figures; read through
/// the grant (its contracts' reports in one batch per page) they are the same again, archived
/// reports left out and a contract without reports answered with none.
#[tokio::test]
async fn a_contracts_reports_answer_the_same_however_they_are_resolved() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let co = app.contractor(0).await;
    let contract = app.contract(&grant, &co).await;
    let idle = app.contract(&grant, &app.contractor(1).await).await;
    let person = app.person("Jonas").await;
    let pl = app.placement(&person, &grant, &contract).await;
    app.ok(
        "mutation($c: UUID!, $p: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-01\", totalHours: \"300.25\", traineeHours: [{placementId: $p, hours: \"150.5\"}]}) { id } }",
        json!({ "c": contract, "p": pl }),
    )
    .await;
    app.ok(
        "mutation($c: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-02\", totalHours: \"80\", traineeHours: []}) { id } }",
        json!({ "c": contract }),
    )
    .await;
    let d = app
        .ok(
            "mutation($c: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2023-12\", totalHours: \"10\", traineeHours: []}) { id } }",
            json!({ "c": contract }),
        )
        .await;
    app.ok(
        "mutation($id: UUID!) { archiveHoursReport(id: $id) { id } }",
        json!({ "id": id(&d["reportMonthlyHours"]) }),
    )
    .await;
    let fields = "id month totalHours traineeHours reportedAt createdAt updatedAt archivedAt __typename trainee: traineeHours";
    let ask = |selection: String| {
        let app = &app;
        let contract = contract.clone();
        async move {
            app.ok(
                &format!(
                    "query($c: UUID!) {{ contract(id: $c) {{ hoursReports {{ {selection} }} }} }}"
                ),
                json!({ "c": contract }),
            )
            .await["contract"]["hoursReports"]
                .clone()
        }
    };
    let plain = ask(fields.to_owned()).await;
    let by_fragment = ask(format!("... on HoursReport {{ {fields} }}")).await;
    let by_directive = ask(format!("{fields} lines @include(if: false) {{ hours }}")).await;
    assert_eq!(plain, by_fragment);
    assert_eq!(plain, by_directive);
    let by_grant = app
        .ok(
            &format!("query($g: UUID!) {{ grant(id: $g) {{ contracts {{ id hoursReports {{ {fields} }} }} }} }}"),
            json!({ "g": grant }),
        )
        .await;
    assert_eq!(
        by_grant["grant"]["contracts"],
        json!([{ "id": contract, "hoursReports": plain }, { "id": idle, "hoursReports": [] }])
    );
    let months: Vec<_> = plain
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["month"].clone(),
                r["totalHours"].clone(),
                r["traineeHours"].clone(),
                r["trainee"].clone(),
                r["archivedAt"].clone(),
                r["__typename"].clone(),
            )
        })
        .collect();
    assert_eq!(
        months,
        vec![
            (
                json!("2024-01"),
                json!("300.25"),
                json!("150.50"),
                json!("150.50"),
                json!(null),
                json!("HoursReport")
            ),
            (
                json!("2024-02"),
                json!("80.00"),
                json!("0.00"),
                json!("0.00"),
                json!(null),
                json!("HoursReport")
            ),
        ]
    );
    let ids: Vec<String> = plain.as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    for r in plain.as_array().unwrap() {
        for at in ["reportedAt", "createdAt", "updatedAt"] {
            let t = r[at].as_str().unwrap();
            assert!(
                chrono::DateTime::parse_from_rfc3339(t).is_ok(),
                "{at} is a timestamp: {t}"
            );
        }
    }
}

/// Scenario: the to-do grid's cells from `Contract.reportingMonths`: the running month and the
/// five before it, newest first, each with the 10th of the next month as its due day: the
/// running month not yet due; a month filed on its due day on time (filing times are Danish
/// days: 23:30 on the 10th in Copenhagen is the 10th); one filed the day after late; one never
/// filed missing; last month due until the 10th and missing after. A contract that began last
/// month has two cells; `months` is bounded.
#[tokio::test]
async fn a_contracts_months_say_what_is_owed_and_by_when() {
    use chrono::{Datelike, Months, NaiveDate};
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let co = app.contractor(0).await;
    let today = api::units::danish_today();
    let first = |m: u32| today.with_day(1).unwrap() - Months::new(m);
    let contract_from = |start: NaiveDate| json!({ "g": grant, "c": co, "s": start.to_string() });
    const CONTRACT: &str = "mutation($g: UUID!, $c: UUID!, $s: NaiveDate!) { createContract(input: {grantId: $g, contractorId: $c, kind: MAIN, trade: \"murer\", value: \"1000000\", startDate: $s, endDate: \"2099-12-31\", trainingClause: {requiredSharePercent: \"14\"}}) { id } }";
    let old = id(&app.ok(CONTRACT, contract_from(first(12))).await["createContract"]);
    let new = id(&app.ok(CONTRACT, contract_from(first(1))).await["createContract"]);
    const REPORT: &str = "mutation($c: UUID!, $m: YearMonth!, $at: DateTime) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: $m, totalHours: \"10\", traineeHours: [], reportedAt: $at}) { id } }";
    let ym = |d: NaiveDate| d.format("%Y-%m").to_string();
    // Two months ago: filed 23:30 Danish time on the 10th of the next month (21:30 or 22:30 UTC).
    let tenth = first(1).with_day(10).unwrap();
    let late_evening =
        chrono::NaiveDateTime::new(tenth, chrono::NaiveTime::from_hms_opt(21, 30, 0).unwrap());
    app.ok(REPORT, json!({ "c": old, "m": ym(first(2)), "at": format!("{}Z", late_evening.format("%Y-%m-%dT%H:%M:%S")) }))
        .await;
    // Three months ago: filed the 11th of the next month.
    let eleventh = first(2).with_day(11).unwrap();
    app.ok(
        REPORT,
        json!({ "c": old, "m": ym(first(3)), "at": format!("{eleventh}T09:00:00Z") }),
    )
    .await;

    const MONTHS: &str = "query($c: UUID!, $n: Int!) { contract(id: $c) { reportingMonths(months: $n) { month dueDate status } } }";
    let grid = app.ok(MONTHS, json!({ "c": old, "n": 6 })).await;
    let cells = grid["contract"]["reportingMonths"].as_array().unwrap();
    let due_of = |m: NaiveDate| (m + Months::new(1)).with_day(10).unwrap().to_string();
    let last_month = if today.day() <= 10 { "DUE" } else { "MISSING" };
    let expected: Vec<Value> = [
        (first(0), "NOT_YET_DUE"),
        (first(1), last_month),
        (first(2), "REPORTED_ON_TIME"),
        (first(3), "REPORTED_LATE"),
        (first(4), "MISSING"),
        (first(5), "MISSING"),
    ]
    .into_iter()
    .map(|(m, status)| json!({ "month": ym(m), "dueDate": due_of(m), "status": status }))
    .collect();
    assert_eq!(cells, &expected);

    let grid = app.ok(MONTHS, json!({ "c": new, "n": 6 })).await;
    let months: Vec<&str> = grid["contract"]["reportingMonths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["month"].as_str().unwrap())
        .collect();
    assert_eq!(months, [ym(first(0)), ym(first(1))]);

    for n in [0, 37] {
        let res = app.exec(MONTHS, json!({ "c": old, "n": n })).await;
        assert_eq!(
            res["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{res}"
        );
    }
}
