//! Compliance queries through GraphQL, and the CSV export over HTTP, on either database.

use chrono::Datelike;
use serde_json::{Value, json};
use tests::TestApp;

const REPORT: &str = "mutation($c: UUID!, $m: YearMonth!, $t: Decimal!, $l: [TraineeHoursInput!]!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: $m, totalHours: $t, traineeHours: $l}) { id } }";

/// Grant LBF-1 (250 mio. DKK, started 2023-03-01) with one contract and one apprentice; hours for
/// January (1000 / 100) and February 2024 (1000 / 40). Returns (grant, contract, placement).
async fn site(app: &TestApp) -> (String, String, String) {
    let grant = app.grant().await;
    let co = app.contractor(0).await;
    let contract = app.contract(&grant, &co).await;
    let pl = app
        .placement(&app.person("Jonas").await, &grant, &contract)
        .await;
    for (m, t, h) in [("2024-01", "1000", "100"), ("2024-02", "1000", "40")] {
        app.ok(
            REPORT,
            json!({ "c": contract, "m": m, "t": t, "l": [{ "placementId": pl, "hours": h }] }),
        )
        .await;
    }
    (grant, contract, pl)
}

const COMPLIANCE: &str = "query($g: UUID!, $d: NaiveDate) { compliance(grantId: $g, asOf: $d, knownAt: \"2100-01-01T00:00:00Z\") { status asOf targetArsvaerk targetHours metrics { labourHours traineeHours apprenticeHours otherTrainingHours shareFraction sharePercent requiredSharePercent neededTraineeHours shortfallHours deliveredArsvaerk } contractors { contractorName metrics { sharePercent shortfallHours } } findings { rule code severity subject message measured threshold source clause { kind requiredSharePercent requiredHours } neededHours deliveredHours shortfallHours } parameters { parameter value unit defaultValue overridden } lbfReportDue } }";

fn findings<'a>(c: &'a Value, rule: &str) -> Vec<&'a Value> {
    c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

#[tokio::test]
async fn grant_compliance_names_the_numbers() {
    let app = TestApp::new().await;
    let (grant, _, _) = site(&app).await;
    let d = app
        .ok(COMPLIANCE, json!({ "g": grant, "d": "2024-03-15" }))
        .await;
    let c = &d["compliance"];
    assert_eq!(c["asOf"], "2024-03-15");
    assert_eq!(c["targetArsvaerk"], "15.00");
    assert_eq!(c["targetHours"], "28860.00");
    // 140 of 2000 hours = 7 %; J = 1860, 0.14 x 1860 / 0.86 = 302.80 needed, 162.80 short.
    assert_eq!(
        c["metrics"],
        json!({
            "labourHours": "2000.00", "traineeHours": "140.00", "apprenticeHours": "140.00",
            "otherTrainingHours": "0.00", "shareFraction": "0.0700", "sharePercent": "7.00",
            "requiredSharePercent": "14.00", "neededTraineeHours": "302.80", "shortfallHours": "162.80",
            "deliveredArsvaerk": "0.07"
        })
    );
    let r1 = findings(c, "R1");
    let messages: Vec<&str> = r1.iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert!(
        messages.contains(&"Grant LBF-1: 7 % trainee hours, 14 % required; 162.8 hours short"),
        "{messages:?}"
    );
    // The contractor is judged on its contract's clause (here 14 %), not on the grant's rule.
    assert!(
        messages.contains(
            &"Contract hovedentreprise (Entreprenør 0): 7 % trainee hours, the clause requires 14 %; 162.8 hours short"
        ),
        "{messages:?}"
    );
    assert!(
        !messages.iter().any(|m| m.starts_with("Contractor ")),
        "{messages:?}"
    );
    // Its clause and numbers as typed fields, for a dashboard that does not parse messages; the
    // grant's own finding has no clause.
    let clause_finding = r1.iter().find(|f| f["code"] == "R1_CLAUSE_SHARE").unwrap();
    assert_eq!(
        (
            &clause_finding["clause"],
            &clause_finding["neededHours"],
            &clause_finding["deliveredHours"],
            &clause_finding["shortfallHours"]
        ),
        (
            &json!({ "kind": "SHARE", "requiredSharePercent": "14.00", "requiredHours": null }),
            &json!("302.80"),
            &json!("140.00"),
            &json!("162.80")
        )
    );
    let grant_finding = r1.iter().find(|f| f["code"] == "R1_GRANT_SHARE").unwrap();
    assert_eq!(grant_finding["clause"], Value::Null);
    assert!(
        r1.iter().all(|f| f["severity"] == "WARNING"),
        "interim figures warn"
    );
    let grant_r1 = r1.iter().find(|f| f["subject"] == "GRANT").unwrap();
    assert_eq!(
        (
            grant_r1["measured"].as_str(),
            grant_r1["threshold"].as_str()
        ),
        (Some("0.07"), Some("0.14"))
    );
    assert!(grant_r1["source"].as_str().unwrap().contains("14 %"));
    // Months March 2023 to December 2023 have no report: R6.
    let r6 = findings(c, "R6");
    assert!(
        r6[0]["message"]
            .as_str()
            .unwrap()
            .contains("10 month(s) without an hours report"),
        "{r6:?}"
    );
    assert_eq!(c["status"], "AT_RISK");
    assert_eq!(c["lbfReportDue"], "09-29");
    let params = c["parameters"].as_array().unwrap();
    assert_eq!(params.len(), 10, "every parameter of the table");
    assert_eq!(
        params[8],
        json!({ "parameter": "TRIAL_MAX_DAYS", "value": "91", "unit": "DAYS", "defaultValue": "91", "overridden": false })
    );
    assert_eq!(
        params[0],
        json!({ "parameter": "MIN_TRAINEE_SHARE_PERCENT", "value": "14", "unit": "PERCENT", "defaultValue": "14", "overridden": false })
    );
    assert_eq!(
        params[1],
        json!({ "parameter": "TARGET_ARSVAERK_PER_100M_DKK", "value": "6", "unit": "ARSVAERK_PER_100M_DKK", "defaultValue": "6", "overridden": false })
    );

    // Before the site was established, nothing is measured.
    let d = app
        .ok(COMPLIANCE, json!({ "g": grant, "d": "2023-02-01" }))
        .await;
    assert_eq!(d["compliance"]["status"], "NOT_STARTED");
    assert_eq!(d["compliance"]["findings"], json!([]));

    // The Grant field gives the same report; overrides change the parameters used.
    app.ok(
        "mutation($g: UUID!) { updateGrant(id: $g, input: {parameterOverrides: [{parameter: MIN_TRAINEE_SHARE_PERCENT, value: \"7\"}]}) { id } }",
        json!({ "g": grant }),
    )
    .await;
    let d = app
        .ok(
            "query($g: UUID!) { grant(id: $g) { compliance(asOf: \"2024-03-15\", knownAt: \"2100-01-01T00:00:00Z\") { metrics { shortfallHours requiredSharePercent } findings { rule subject } } } }",
            json!({ "g": grant }),
        )
        .await;
    let c = &d["grant"]["compliance"];
    assert_eq!(
        c["metrics"],
        json!({ "shortfallHours": "0.00", "requiredSharePercent": "7.00" })
    );
    assert!(
        c["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| !(f["rule"] == "R1" && f["subject"] == "GRANT"))
    );

    let (code, _, _) = app
        .err(
            COMPLIANCE,
            json!({ "g": uuid::Uuid::now_v7(), "d": "2024-01-01" }),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");
}

#[tokio::test]
async fn time_series_and_contractor_ranking() {
    let app = TestApp::new().await;
    let (grant, _, _) = site(&app).await;
    let d = app
        .ok(
            "query($g: UUID!) { complianceTimeSeries(grantId: $g, asOf: \"2024-02-29\", knownAt: \"2100-01-01T00:00:00Z\") { month labourHours traineeHours monthlySharePercent cumulativeSharePercent targetCumulativeTraineeHours } }",
            json!({ "g": grant }),
        )
        .await;
    let s = d["complianceTimeSeries"].as_array().unwrap();
    assert_eq!(s.len(), 12, "March 2023 to February 2024");
    // Target line at the end of 29 February 2024: 366 of the 1,402 days from 1 March 2023 through
    // 31 December 2026 (both counted), of 28,860 hours: 28,860 x 366 / 1,402 = 7,534.07.
    assert_eq!(s[0]["labourHours"], "0.00");
    assert_eq!(
        s[11],
        json!({ "month": "2024-02", "labourHours": "1000.00", "traineeHours": "40.00", "monthlySharePercent": "4.00", "cumulativeSharePercent": "7.00", "targetCumulativeTraineeHours": "7534.07" })
    );

    // The same series for one contractor: its own contracts only, and no grant target line.
    let co = app
        .ok("{ contractors { edges { node { id } } } }", json!({}))
        .await["contractors"]["edges"][0]["node"]["id"]
        .clone();
    let d = app
        .ok(
            "query($g: UUID!, $c: UUID!) { complianceTimeSeries(grantId: $g, contractorId: $c, asOf: \"2024-02-29\", knownAt: \"2100-01-01T00:00:00Z\") { month traineeHours cumulativeSharePercent targetCumulativeTraineeHours } }",
            json!({ "g": grant, "c": co }),
        )
        .await;
    assert_eq!(
        d["complianceTimeSeries"][11],
        json!({ "month": "2024-02", "traineeHours": "40.00", "cumulativeSharePercent": "7.00", "targetCumulativeTraineeHours": null })
    );
    let d = app
        .ok(
            "query($g: UUID!, $c: UUID!) { complianceTimeSeries(grantId: $g, contractorId: $c, asOf: \"2024-02-29\", knownAt: \"2100-01-01T00:00:00Z\") { traineeHours } }",
            json!({ "g": grant, "c": uuid::Uuid::now_v7() }),
        )
        .await;
    assert!(
        d["complianceTimeSeries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["traineeHours"] == "0.00")
    );

    // A second contractor on a second grant, ahead of the first.
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let g2 = app.grant_on(&estate, "LBF-2").await;
    let co2 = app.contractor(1).await;
    let c2 = app.contract(&g2, &co2).await;
    let pl2 = app.placement(&app.person("Aisha").await, &g2, &c2).await;
    app.ok(REPORT, json!({ "c": c2, "m": "2024-01", "t": "1000", "l": [{ "placementId": pl2, "hours": "150" }] })).await;
    let d = app
        .ok(
            "{ contractorRanking(asOf: \"2024-03-15\", knownAt: \"2100-01-01T00:00:00Z\") { contractorName grantsBehind metrics { sharePercent shortfallHours } grants { caseNumber behind } contractor { cvr } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        d["contractorRanking"],
        json!([
            { "contractorName": "Entreprenør 0", "grantsBehind": 1, "metrics": { "sharePercent": "7.00", "shortfallHours": "162.80" }, "grants": [{ "caseNumber": "LBF-1", "behind": true }], "contractor": { "cvr": tests::cvr(0) } },
            { "contractorName": "Entreprenør 1", "grantsBehind": 0, "metrics": { "sharePercent": "15.00", "shortfallHours": "0.00" }, "grants": [{ "caseNumber": "LBF-2", "behind": false }], "contractor": { "cvr": tests::cvr(1) } }
        ])
    );
}

#[tokio::test]
async fn dashboard_filters_sorts_and_costs_a_fixed_number_of_statements() {
    async fn build(n: usize) -> (TestApp, usize) {
        let app = TestApp::new().await;
        let org = app.organisation().await;
        let estate = app.estate(&org).await;
        let co = app.contractor(0).await;
        for i in 0..n {
            let g = app.grant_on(&estate, &format!("LBF-{i:02}")).await;
            let c = app.contract(&g, &co).await;
            let p = app.placement(&app.person("P").await, &g, &c).await;
            // Grant i has (10 + i) trainee hours of 100.
            app.ok(REPORT, json!({ "c": c, "m": "2024-01", "t": "100", "l": [{ "placementId": p, "hours": (10 + i).to_string() }] }))
                .await;
        }
        app.reset_statements();
        let d = app
            .ok(
                "{ complianceDashboard(sort: SHARE_ASC, asOf: \"2024-02-15\", knownAt: \"2100-01-01T00:00:00Z\") { status metrics { sharePercent } grant { caseNumber estate { name } } } }",
                json!({}),
            )
            .await;
        let rows = d["complianceDashboard"].as_array().unwrap().clone();
        assert_eq!(rows.len(), n);
        assert_eq!(
            rows[0]["grant"]["caseNumber"], "LBF-00",
            "lowest share first"
        );
        assert_eq!(rows[0]["metrics"]["sharePercent"], "10.00");
        assert_eq!(
            rows[n - 1]["metrics"]["sharePercent"],
            format!("{}.00", 10 + n - 1)
        );
        let statements = app.statements();
        (app, statements)
    }
    let (_, small) = build(2).await;
    let (app, large) = build(7).await;
    assert_eq!(small, large, "statements grew with the number of grants");
    // 25 before the hours workflow; one more reads the months open in it (returned, waiting);
    // one more since the grants are read in three narrow steps (their ids and revisions, what
    // the list shows, the whole rows of those evaluated afresh) instead of whole, up front; one
    // more reads the grants' state (the aggregate a kept answer is checked with); one more the
    // change stamp first (while it stays, the state is not read again).
    assert!(large <= 29, "{large} statements");

    // Status filter and another sort: 14 % or more is no R1 finding.
    let d = app
        .ok(
            "{ complianceDashboard(sort: SHARE_DESC, asOf: \"2024-01-31\", knownAt: \"2100-01-01T00:00:00Z\", filter: {commitmentYear: 2021}) { metrics { sharePercent } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        d["complianceDashboard"][0]["metrics"]["sharePercent"],
        "16.00"
    );
    let d = app
        .ok("{ complianceDashboard(filter: {status: NOT_STARTED}, asOf: \"2023-01-01\", knownAt: \"2100-01-01T00:00:00Z\") { status } }", json!({}))
        .await;
    assert_eq!(d["complianceDashboard"].as_array().unwrap().len(), 7);
    let d = app
        .ok(
            "{ complianceDashboard(filter: {status: COMPLETED}) { status } }",
            json!({}),
        )
        .await;
    assert_eq!(d["complianceDashboard"], json!([]));
}

/// Scenario: 30 grants, every third without hours, the others with (i mod 20) % trainee hours; the portfolio's page query. Each
/// page is the dashboard's rows at its positions in every order, the counts cover all that match
/// (not the page), a search by part of a case number finds regardless of case, a page past the
/// end is empty with the count kept, and a page size or offset out of range or a search longer
/// than a search box is refused at its argument.
#[tokio::test]
async fn the_dashboard_page_is_the_dashboards_rows_at_its_positions() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let co = app.contractor(0).await;
    for i in 0..30 {
        let g = app.grant_on(&estate, &format!("LBF-{i:02}")).await;
        if i % 3 == 0 {
            continue; // no hours: not started
        }
        let c = app.contract(&g, &co).await;
        let p = app.placement(&app.person("P").await, &g, &c).await;
        app.ok(REPORT, json!({ "c": c, "m": "2024-01", "t": "100", "l": [{ "placementId": p, "hours": (i % 20).to_string() }] }))
            .await;
    }
    const AT: &str = "asOf: \"2024-02-15\", knownAt: \"2100-01-01T00:00:00Z\"";
    for sort in ["CASE_NUMBER", "SHARE_ASC", "SHARE_DESC", "SHORTFALL_DESC"] {
        let all = app
            .ok(
                &format!("{{ complianceDashboard(sort: {sort}, {AT}) {{ grantId status }} }}"),
                json!({}),
            )
            .await["complianceDashboard"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(all.len(), 30);
        for (offset, first) in [(0, 25), (25, 25), (7, 3)] {
            let page = app
                .ok(&format!("{{ complianceDashboardPage(sort: {sort}, first: {first}, offset: {offset}, {AT}) {{ totalCount statusCounts {{ status count }} rows {{ grantId status }} }} }}"), json!({}))
                .await["complianceDashboardPage"]
                .clone();
            assert_eq!(page["totalCount"], 30);
            let want: Vec<Value> = all.iter().skip(offset).take(first).cloned().collect();
            assert_eq!(page["rows"], json!(want), "{sort} {offset}+{first}");
            let mut by_status: Vec<(String, i64)> = Vec::new();
            for r in &all {
                let st = r["status"].as_str().unwrap().to_owned();
                match by_status.iter_mut().find(|(s, _)| *s == st) {
                    Some((_, n)) => *n += 1,
                    None => by_status.push((st, 1)),
                }
            }
            let counted: i64 = page["statusCounts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let (st, n) = (c["status"].as_str().unwrap(), c["count"].as_i64().unwrap());
                    assert_eq!(
                        by_status.iter().find(|(s, _)| s == st).map(|(_, n)| *n),
                        Some(n),
                        "{st}"
                    );
                    n
                })
                .sum();
            assert_eq!(counted, 30);
        }
    }
    // The status filter: the page and the counts are of that status only.
    let all = app
        .ok(
            &format!("{{ complianceDashboard({AT}) {{ status grant {{ caseNumber }} }} }}"),
            json!({}),
        )
        .await["complianceDashboard"]
        .as_array()
        .unwrap()
        .clone();
    let status = all[0]["status"].as_str().unwrap().to_owned(); // LBF-00, without hours
    let same: Vec<&Value> = all
        .iter()
        .filter(|r| r["status"] == status.as_str())
        .collect();
    assert!(same.len() >= 10, "the ten without hours share a status");
    let d = app
        .ok(&format!("{{ complianceDashboardPage(filter: {{status: {status}}}, first: 4, {AT}) {{ totalCount statusCounts {{ status count }} rows {{ grant {{ caseNumber }} }} }} }}"), json!({}))
        .await;
    assert_eq!(d["complianceDashboardPage"]["totalCount"], same.len());
    assert_eq!(
        d["complianceDashboardPage"]["statusCounts"],
        json!([{ "status": status, "count": same.len() }])
    );
    assert_eq!(
        d["complianceDashboardPage"]["rows"][1]["grant"],
        same[1]["grant"]
    );
    assert_eq!(
        d["complianceDashboardPage"]["rows"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    // Search: part of a case number, any case, trimmed.
    let d = app
        .ok(&format!("{{ complianceDashboardPage(search: \"  lbf-1 \", {AT}) {{ totalCount rows {{ grant {{ caseNumber }} }} }} }}"), json!({}))
        .await;
    assert_eq!(d["complianceDashboardPage"]["totalCount"], 10);
    assert_eq!(
        d["complianceDashboardPage"]["rows"][9]["grant"]["caseNumber"],
        "LBF-19"
    );
    let d = app
        .ok(&format!("{{ complianceDashboardPage(offset: 30, {AT}) {{ totalCount rows {{ grantId }} }} }}"), json!({}))
        .await;
    assert_eq!(
        d["complianceDashboardPage"],
        json!({ "totalCount": 30, "rows": [] })
    );
    for (args, field) in [
        ("first: 0", "first"),
        ("first: 101", "first"),
        ("offset: -1", "offset"),
        ("offset: 1000001", "offset"),
    ] {
        let (code, at, _) = app
            .err(
                &format!("{{ complianceDashboardPage({args}) {{ totalCount }} }}"),
                json!({}),
            )
            .await;
        assert_eq!(
            (code.as_str(), at.as_deref()),
            ("BAD_USER_INPUT", Some(field)),
            "{args}"
        );
    }
    let (code, at, message) = app
        .err(
            "query($q: String) { complianceDashboardPage(search: $q) { totalCount } }",
            json!({ "q": "x".repeat(101) }),
        )
        .await;
    assert_eq!(
        (code.as_str(), at.as_deref()),
        ("BAD_USER_INPUT", Some("search"))
    );
    assert!(message.contains("100"), "{message}");
}

const YEAR: &str = "query($g: UUID!, $y: Int!) { lbfYearReport(grantId: $g, year: $y) { year submitted figures { apprenticeArsvaerk apprenticeArsvaerkExact otherTrainingArsvaerk apprenticeHours craftsmanCost constructionStart handover handoverPlanned isFinal } versions { version submittedBy correctionReason figures { apprenticeHours handover handoverPlanned } } } }";

#[tokio::test]
async fn yearly_lbf_report_freezes_on_submission_and_keeps_corrections() {
    let app = TestApp::new().await;
    let (grant, contract, pl) = site(&app).await;
    let d = app.ok(YEAR, json!({ "g": grant, "y": 2024 })).await;
    assert_eq!(
        d["lbfYearReport"],
        json!({
            "year": 2024, "submitted": false,
            // 140 / 1924 = 0.072765..: 0.07 to report, 0.072765 exact. Not handed over: the
            // planned handover (31 December 2026), marked as planned.
            "figures": { "apprenticeArsvaerk": "0.07", "apprenticeArsvaerkExact": "0.072765", "otherTrainingArsvaerk": "0.00", "apprenticeHours": "140.00", "craftsmanCost": "250000000.00", "constructionStart": "2023-03-01", "handover": "2026-12-31", "handoverPlanned": true, "isFinal": false },
            "versions": []
        })
    );
    // The 2024 report was due 29 September 2025: as of today it is missing.
    let c = app.ok(COMPLIANCE, json!({ "g": grant })).await;
    let missing: Vec<&Value> = findings(&c["compliance"], "R5")
        .into_iter()
        .filter(|f| f["message"].as_str().unwrap().contains("report for 2024"))
        .collect();
    assert_eq!(missing[0]["severity"], "BREACH");

    let submit = "mutation($g: UUID!, $y: Int!) { submitLbfReport(input: {grantId: $g, year: $y, submittedBy: \"Projektleder\"}) { version submittedBy figures { apprenticeHours } } }";
    let d = app.ok(submit, json!({ "g": grant, "y": 2024 })).await;
    assert_eq!(
        d["submitLbfReport"],
        json!({ "version": 1, "submittedBy": "Projektleder", "figures": { "apprenticeHours": "140.00" } })
    );
    assert_eq!(app.count("lbf_report").await, 1);
    // Submitted after the deadline: late, not missing.
    let c = app.ok(COMPLIANCE, json!({ "g": grant })).await;
    let late: Vec<&Value> = findings(&c["compliance"], "R5")
        .into_iter()
        .filter(|f| f["message"].as_str().unwrap().contains("report for 2024"))
        .collect();
    assert_eq!(late[0]["severity"], "WARNING");
    assert!(
        late[0]["message"]
            .as_str()
            .unwrap()
            .contains("after the deadline")
    );

    // More hours for 2024 do not change the frozen figures.
    app.ok(REPORT, json!({ "c": contract, "m": "2024-03", "t": "1000", "l": [{ "placementId": pl, "hours": "60" }] })).await;
    let d = app.ok(YEAR, json!({ "g": grant, "y": 2024 })).await;
    assert_eq!(d["lbfYearReport"]["figures"]["apprenticeHours"], "140.00");
    assert_eq!(d["lbfYearReport"]["submitted"], true);

    let (code, _, msg) = app.err(submit, json!({ "g": grant, "y": 2024 })).await;
    assert_eq!(code, "CONFLICT");
    assert!(msg.contains("correctLbfReport"), "{msg}");
    assert_eq!(app.count("lbf_report").await, 1);

    let correct = "mutation($g: UUID!, $y: Int!, $r: String!) { correctLbfReport(input: {grantId: $g, year: $y, submittedBy: \"Controller\", reason: $r}) { version correctionReason figures { apprenticeHours } } }";
    let (code, field, _) = app
        .err(correct, json!({ "g": grant, "y": 2024, "r": " " }))
        .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("reason"))
    );
    let (code, _, _) = app
        .err(correct, json!({ "g": grant, "y": 2023, "r": "x" }))
        .await;
    assert_eq!(code, "CONFLICT", "2023 was never submitted");
    let (code, field, _) = app.err(submit, json!({ "g": grant, "y": 2022 })).await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("year"))
    );
    // The current year has not ended, and the site is not handed over: it cannot be frozen yet.
    let this_year = chrono::Utc::now().date_naive().year();
    let (code, field, msg) = app.err(submit, json!({ "g": grant, "y": this_year })).await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("year"))
    );
    assert!(msg.contains("has not ended"), "{msg}");
    assert_eq!(app.count("lbf_report").await, 1);

    let d = app
        .ok(
            correct,
            json!({ "g": grant, "y": 2024, "r": "Marts-timer manglede" }),
        )
        .await;
    assert_eq!(
        d["correctLbfReport"],
        json!({ "version": 2, "correctionReason": "Marts-timer manglede", "figures": { "apprenticeHours": "200.00" } })
    );
    let d = app.ok(YEAR, json!({ "g": grant, "y": 2024 })).await;
    let r = &d["lbfYearReport"];
    assert_eq!(r["figures"]["apprenticeHours"], "200.00");
    assert_eq!(
        r["versions"],
        json!([
            { "version": 1, "submittedBy": "Projektleder", "correctionReason": null, "figures": { "apprenticeHours": "140.00", "handover": "2026-12-31", "handoverPlanned": true } },
            { "version": 2, "submittedBy": "Controller", "correctionReason": "Marts-timer manglede", "figures": { "apprenticeHours": "200.00", "handover": "2026-12-31", "handoverPlanned": true } }
        ])
    );
    // Each version keeps the moment it was computed at: asked as known then, the report reads
    // exactly as version 1 was submitted, before the March hours and the correction.
    let v1: String = {
        let d = app
            .ok(
                "query($g: UUID!, $y: Int!) { lbfYearReport(grantId: $g, year: $y) { versions { version submittedAt } } }",
                json!({ "g": grant, "y": 2024 }),
            )
            .await;
        d["lbfYearReport"]["versions"][0]["submittedAt"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let then = app
        .ok(
            "query($g: UUID!, $y: Int!, $k: DateTime) { lbfYearReport(grantId: $g, year: $y, knownAt: $k) { submitted figures { apprenticeHours } versions { version } } }",
            json!({ "g": grant, "y": 2024, "k": v1 }),
        )
        .await;
    assert_eq!(
        then["lbfYearReport"],
        json!({ "submitted": true, "figures": { "apprenticeHours": "140.00" }, "versions": [{ "version": 1 }] })
    );
    // Submitted reports are evidence: the grant can no longer be hard-deleted.
    let (code, _, _) = app
        .err(
            "mutation($g: UUID!) { deleteGrant(id: $g) }",
            json!({ "g": grant }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
}

/// The demo as loaded on 25 November 2026 (see `tests/seed.rs` for the hours behind the figures).
#[tokio::test]
async fn demo_grant_has_a_status_and_the_numbers_behind_it() {
    let app = TestApp::new().await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    api::seed::seed_demo_on(&app.db, today).await.unwrap();
    let d = app
        .ok(
            "{ grants { edges { node { compliance(asOf: \"2026-11-25\", knownAt: \"2100-01-01T00:00:00Z\") { status metrics { labourHours traineeHours sharePercent } targetHours trialFunnel { started completed openWithoutOutcome outcomes { outcome count } } findings { rule severity message } } } } } }",
            json!({}),
        )
        .await;
    let c = &d["grants"]["edges"][0]["node"]["compliance"];
    // January to October 2026: 43,210 labour and 6,184 counted trainee hours (løntilskud not
    // counted), 14.31 %.
    assert_eq!(
        c["metrics"],
        json!({ "labourHours": "43210.00", "traineeHours": "6184.00", "sharePercent": "14.31" })
    );
    // 140 mio. DKK: 6 x 1.4 = 8.4 årsværk x 1,924 = 16,161.6 hours.
    assert_eq!(c["targetHours"], "16161.60");
    assert_eq!(c["status"], "AT_RISK");
    assert!(
        c["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "BREACH"),
        "{c:#}"
    );
    // Eight snusepraktikker: seven ended (the last of them waiting for its outcome), one running.
    assert_eq!(
        c["trialFunnel"],
        json!({ "started": 8, "completed": 7, "openWithoutOutcome": 2, "outcomes": [
            { "outcome": "ORDINARY_JOB", "count": 2 }, { "outcome": "APPRENTICESHIP", "count": 1 },
            { "outcome": "EDUCATION", "count": 2 }, { "outcome": "BACK_TO_JOBCENTER", "count": 1 }
        ] })
    );
}

#[tokio::test]
async fn csv_export_has_the_same_rows_as_graphql() {
    use poem::test::TestClient;
    let app = TestApp::new().await;
    let (grant, _, _) = site(&app).await;
    let org = app
        .ok(
            "query($g: UUID!) { grant(id: $g) { estate { organisation { id } } } }",
            json!({ "g": grant }),
        )
        .await["grant"]["estate"]["organisation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let estate = app.estate(&org).await;
    app.grant_on(&estate, "LBF-0").await;
    app.ok(
        "mutation($g: UUID!) { submitLbfReport(input: {grantId: $g, year: 2024, submittedBy: \"PL\"}) { version } }",
        json!({ "g": grant }),
    )
    .await;
    let client = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    let csv = |token: Option<String>| {
        let mut req = client
            .get("/exports/lbf-report.csv")
            .query("organisationId", &org)
            .query("year", &2024);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        req.send()
    };
    csv(None)
        .await
        .assert_status(poem::http::StatusCode::UNAUTHORIZED);
    let token = app.admin_token().await.1;
    let bearer = format!("Bearer {token}");
    let res = csv(Some(token.clone())).await;
    res.assert_status_is_ok();
    res.assert_header("content-type", "text/csv; charset=utf-8");
    let body = res.0.into_body().into_string().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines.len(), 3, "header and one line per grant:\n{body}");
    assert!(lines[0].starts_with("case_number,title,year,submitted,version,apprentice_arsvaerk"));
    assert!(
        lines[1].starts_with(
            "LBF-0,Helhedsplan,2024,false,,0.00,0.00,0.000000,0.000000,0.00,0.00,250000000.00,2023-03-01,2026-12-31,true,interim,,"
        ),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with(
            "LBF-1,Helhedsplan,2024,true,1,0.07,0.00,0.072765,0.000000,140.00,0.00,250000000.00,2023-03-01,2026-12-31,true,interim,"
        ),
        "{}",
        lines[2]
    );
    assert!(lines[2].ends_with(",PL"));

    // Over HTTP, errors follow Accept-Language as well: the CSV export's, and GraphQL's.
    let res = client
        .get("/exports/lbf-report.csv")
        .query("organisationId", &org)
        .query("year", &"tyve")
        .header("Authorization", &bearer)
        .header("Accept-Language", "da")
        .send()
        .await;
    res.assert_status(poem::http::StatusCode::BAD_REQUEST);
    res.assert_json(
        json!({ "error": "year skal være et kalenderår, fx 2024", "code": "BAD_USER_INPUT" }),
    )
    .await;
    let res = client
        .post("/graphql")
        .header("Authorization", &bearer)
        .header("Accept-Language", "da-DK,da;q=0.9")
        .body_json(&json!({
            "query": "mutation($g: UUID!) { submitLbfReport(input: {grantId: $g, year: 2024, submittedBy: \"PL\"}) { version } }",
            "variables": { "g": grant }
        }))
        .send()
        .await;
    let body: Value =
        serde_json::from_str(&res.0.into_body().into_string().await.unwrap()).unwrap();
    assert_eq!(
        body["errors"][0]["extensions"],
        json!({ "code": "CONFLICT" })
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("indberetningen for 2024 blev indsendt "),
        "{body}"
    );

    // In Danish: Danish column names, semicolons and decimal commas, as Danish spreadsheets read
    // them; 140 h / 1924 = 0,072765 årsværk exactly, 0,07 on the form.
    let res = client
        .get("/exports/lbf-report.csv")
        .query("organisationId", &org)
        .query("year", &2024)
        .header("Authorization", &bearer)
        .header("Accept-Language", "da-DK,da;q=0.9,en;q=0.5")
        .send()
        .await;
    res.assert_status_is_ok();
    let body = res.0.into_body().into_string().await.unwrap();
    // Danish Excel's dialect: a byte-order mark first, so "ø" opens as "ø".
    let body = body
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 byte-order mark");
    let lines: Vec<&str> = body.lines().collect();
    assert!(
        lines[0].starts_with(
            "sagsnummer;titel;år;indsendt;version;årsværk lærlinge;årsværk anden oplæring"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[2].starts_with(
            "LBF-1;Helhedsplan;2024;ja;1;0,07;0,00;0,072765;0,000000;140,00;0,00;250000000,00;2023-03-01;2026-12-31;ja;foreløbig;"
        ),
        "{}",
        lines[2]
    );

    let d = app
        .ok(
            "query($o: UUID!) { lbfYearReports(organisationId: $o, year: 2024) { grant { caseNumber } submitted figures { apprenticeArsvaerk apprenticeHours } } }",
            json!({ "o": org }),
        )
        .await;
    assert_eq!(
        d["lbfYearReports"],
        json!([
            { "grant": { "caseNumber": "LBF-0" }, "submitted": false, "figures": { "apprenticeArsvaerk": "0.00", "apprenticeHours": "0.00" } },
            { "grant": { "caseNumber": "LBF-1" }, "submitted": true, "figures": { "apprenticeArsvaerk": "0.07", "apprenticeHours": "140.00" } }
        ])
    );

    for (k, v) in [("organisationId", "nope"), ("year", "20x4")] {
        let mut req = client
            .get("/exports/lbf-report.csv")
            .header("Authorization", &bearer);
        req = if k == "year" {
            req.query("organisationId", &org).query("year", &v)
        } else {
            req.query("organisationId", &v).query("year", &2024)
        };
        let res = req.send().await;
        res.assert_status(poem::http::StatusCode::BAD_REQUEST);
    }
}

/// Scenario: the site is handed over this year. The year has not ended, but its report is the
/// final one and may be submitted from the handover on; it carries the actual handover date, not
/// the planned one.
#[tokio::test]
async fn the_final_report_can_be_submitted_at_handover() {
    let app = TestApp::new().await;
    let (grant, _, _) = site(&app).await;
    let today = chrono::Utc::now().date_naive();
    let handover = today.with_day(1).unwrap();
    app.ok(
        "mutation($g: UUID!, $h: NaiveDate!) { updateGrant(id: $g, input: {actualHandover: $h}) { id } }",
        json!({ "g": grant, "h": handover }),
    )
    .await;
    let submit = "mutation($g: UUID!, $y: Int!) { submitLbfReport(input: {grantId: $g, year: $y, submittedBy: \"Projektleder\"}) { version figures { handover handoverPlanned isFinal } } }";
    let d = app
        .ok(submit, json!({ "g": grant, "y": today.year() }))
        .await;
    assert_eq!(
        d["submitLbfReport"],
        json!({ "version": 1, "figures": { "handover": handover.to_string(), "handoverPlanned": false, "isFinal": true } })
    );
}

/// Scenario: the same contractor on two grants; the bygherre set the first grant's minimum share
/// to 5 %. The ranking judges each grant by its own parameter: 7 % is no shortfall on the first
/// grant (it was 162.80 h against the default 14 %), and the contractor's totals are the sums of
/// the per-grant figures.
#[tokio::test]
async fn the_ranking_uses_each_grants_own_parameters() {
    let app = TestApp::new().await;
    let (g1, _, _) = site(&app).await;
    app.ok(
        "mutation($g: UUID!) { updateGrant(id: $g, input: {parameterOverrides: [{parameter: MIN_TRAINEE_SHARE_PERCENT, value: \"5\"}]}) { id } }",
        json!({ "g": g1 }),
    )
    .await;
    // A second grant of the same organisation, the same contractor: 150 of 1000 hours (15 %).
    let estate = app
        .ok(
            "query($g: UUID!) { grant(id: $g) { estate { id } } }",
            json!({ "g": g1 }),
        )
        .await["grant"]["estate"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let contractor = app
        .ok("{ contractors { edges { node { id } } } }", json!({}))
        .await["contractors"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let g2 = app.grant_on(&estate, "LBF-2").await;
    let c2 = app.contract(&g2, &contractor).await;
    let pl2 = app.placement(&app.person("Aisha").await, &g2, &c2).await;
    app.ok(REPORT, json!({ "c": c2, "m": "2024-01", "t": "1000", "l": [{ "placementId": pl2, "hours": "150" }] })).await;
    let d = app
        .ok(
            "{ contractorRanking(asOf: \"2024-03-15\", knownAt: \"2100-01-01T00:00:00Z\") { grantsBehind clauseShortfallHours metrics { labourHours sharePercent requiredSharePercent neededTraineeHours shortfallHours } grants { caseNumber behind clauseShortfallHours metrics { requiredSharePercent neededTraineeHours shortfallHours } } } }",
            json!({}),
        )
        .await;
    // LBF-1: 140 of 2000 h. Against its 5 %: J = 1860, 0.05 x 1860 / 0.95 = 97.90 h needed
    // (97.894.. rounded up), none short. Its contract's 14 % clause still asks 162.80 h more.
    // LBF-2: 150 of 1000 h against 14 %: J = 850, 0.14 x 850 / 0.86 = 138.38 h needed, none short.
    // Together: 290 of 3000 h = 9.67 %; required (0.05 x 2000 + 0.14 x 1000) / 3000 = 8 %.
    assert_eq!(
        d["contractorRanking"],
        json!([{
            "grantsBehind": 1,
            "clauseShortfallHours": "162.80",
            "metrics": { "labourHours": "3000.00", "sharePercent": "9.67", "requiredSharePercent": "8.00", "neededTraineeHours": "236.28", "shortfallHours": "0.00" },
            "grants": [
                { "caseNumber": "LBF-1", "behind": true, "clauseShortfallHours": "162.80", "metrics": { "requiredSharePercent": "5.00", "neededTraineeHours": "97.90", "shortfallHours": "0.00" } },
                { "caseNumber": "LBF-2", "behind": false, "clauseShortfallHours": "0.00", "metrics": { "requiredSharePercent": "14.00", "neededTraineeHours": "138.38", "shortfallHours": "0.00" } }
            ]
        }])
    );
}
