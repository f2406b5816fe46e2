//! Every clause form through the API (RATIO, elevuger, the apprentice part, company
//! documentation), the three-month status after a snusepraktik (R10) and the residents' share
//! (R11): what is written, what is refused (and that nothing is written then), and what the
//! evaluation says. On either database.

use serde_json::{Value, json};
use tests::{TestApp, id};

const REPORT: &str = "mutation($c: UUID!, $m: YearMonth!, $t: Decimal!, $l: [TraineeHoursInput!]!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: $m, totalHours: $t, traineeHours: $l}) { id } }";

const CONTRACT: &str = "mutation($g: UUID!, $c: UUID!, $k: TrainingClauseInput) { createContract(input: {grantId: $g, contractorId: $c, kind: MAIN, trade: \"murer\", value: \"20000000\", startDate: \"2023-03-01\", endDate: \"2026-12-31\", trainingClause: $k}) { id trainingClause { kinds requiredTraineeHours requiredTraineeWeeks requiredSharePercent skilledWorkersPerTrainee apprenticePartPercent companyDocumentationThresholdPercent } } }";

const FINDINGS: &str = "query($g: UUID!, $d: NaiveDate, $k: DateTime) { compliance(grantId: $g, asOf: $d, knownAt: $k) { findings { code severity subject message clause { kind requiredSharePercent requiredHours requiredWeeks skilledWorkersPerTrainee apprenticePartPercent } neededHours deliveredHours shortfallHours } trialFunnel { outcomes { outcome count } threeMonthsPassed threeMonthStatuses { status count } selfSupportingAtThreeMonths threeMonthWithoutStatus } trialResidents { people residents sharePercent targetPercent belowTarget } traineeResidents { people residents sharePercent targetPercent belowTarget } } }";

fn with_code<'a>(c: &'a Value, code: &str) -> Vec<&'a Value> {
    c["compliance"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

/// A grant with one contract carrying `clause`, and one apprentice and one FGU participant on it.
/// Returns (grant, contract, apprentice placement, FGU placement).
async fn site(app: &TestApp, clause: Value) -> (String, String, String, String) {
    let grant = app.grant().await;
    let co = app.contractor(0).await;
    let d = app
        .ok(CONTRACT, json!({ "g": grant, "c": co, "k": clause }))
        .await;
    let contract = id(&d["createContract"]);
    let apprentice = app
        .placement(&app.person("Jonas").await, &grant, &contract)
        .await;
    let fgu = id(&app
        .ok(
            "mutation($p: UUID!, $g: UUID!, $c: UUID!) { createPlacement(input: {personId: $p, grantId: $g, contractId: $c, kind: FGU, trade: \"murer\", startDate: \"2023-05-01\"}) { id } }",
            json!({ "p": app.person("Sara").await, "g": grant, "c": contract }),
        )
        .await["createPlacement"]);
    (grant, contract, apprentice, fgu)
}

#[tokio::test]
async fn a_ratio_clause_with_an_apprentice_part_is_judged_on_its_own_form() {
    let app = TestApp::new().await;
    let (grant, contract, apprentice, fgu) = site(
        &app,
        json!({ "skilledWorkersPerTrainee": 10, "apprenticePartPercent": "75" }),
    )
    .await;
    let c = app
        .ok(
            "query($c: UUID!) { contract(id: $c) { trainingClause { kinds skilledWorkersPerTrainee apprenticePartPercent requiredSharePercent } } }",
            json!({ "c": contract }),
        )
        .await;
    assert_eq!(
        c["contract"]["trainingClause"],
        json!({ "kinds": ["RATIO", "APPRENTICE_PART"], "skilledWorkersPerTrainee": 10, "apprenticePartPercent": "75.00", "requiredSharePercent": null })
    );
    // January 2024: 1,358.05 hours, of which 118.05 trainee hours (100.05 apprentice, 18 FGU):
    // 1,240 skilled hours need 124.00 (1:10), 5.95 short; the apprentice part needs 0.75 x
    // 118.05 = 88.5375, rounded up to 88.54, and 100.05 are there.
    app.ok(
        REPORT,
        json!({ "c": contract, "m": "2024-01", "t": "1358.05", "l": [
            { "placementId": apprentice, "hours": "100.05" },
            { "placementId": fgu, "hours": "18" },
        ] }),
    )
    .await;
    let r = app
        .ok(FINDINGS, json!({ "g": grant, "d": "2024-02-15" }))
        .await;
    let ratio = with_code(&r, "R1_CLAUSE_RATIO");
    assert_eq!(ratio.len(), 1, "{r:#}");
    assert_eq!(
        (
            &ratio[0]["neededHours"],
            &ratio[0]["deliveredHours"],
            &ratio[0]["shortfallHours"],
            &ratio[0]["clause"]
        ),
        (
            &json!("124.00"),
            &json!("118.05"),
            &json!("5.95"),
            &json!({ "kind": "RATIO", "requiredSharePercent": null, "requiredHours": null, "requiredWeeks": null, "skilledWorkersPerTrainee": 10, "apprenticePartPercent": null })
        )
    );
    assert!(with_code(&r, "R1_CLAUSE_SHARE").is_empty());
    assert!(with_code(&r, "R1_CLAUSE_APPRENTICE_PART").is_empty());
    // A month of FGU only: the apprentice part falls under 75 %.
    app.ok(
        REPORT,
        json!({ "c": contract, "m": "2024-02", "t": "2000", "l": [{ "placementId": fgu, "hours": "150" }] }),
    )
    .await;
    let r = app
        .ok(FINDINGS, json!({ "g": grant, "d": "2024-03-15" }))
        .await;
    let part = with_code(&r, "R1_CLAUSE_APPRENTICE_PART");
    // 268.05 trainee hours: 0.75 x 268.05 = 201.0375 -> 201.04 needed, 100.05 there.
    assert_eq!(
        (
            &part[0]["neededHours"],
            &part[0]["deliveredHours"],
            &part[0]["shortfallHours"],
            &part[0]["clause"]["apprenticePartPercent"]
        ),
        (
            &json!("201.04"),
            &json!("100.05"),
            &json!("100.99"),
            &json!("75.00")
        )
    );
}

#[tokio::test]
async fn an_elevuger_clause_stands_for_37_hours_a_week() {
    let app = TestApp::new().await;
    let (_, contract, _, _) = site(&app, json!({ "requiredTraineeWeeks": "50" })).await;
    let c = app
        .ok(
            "query($c: UUID!) { contract(id: $c) { trainingClause { kinds requiredTraineeHours requiredTraineeWeeks } } }",
            json!({ "c": contract }),
        )
        .await;
    assert_eq!(
        c["contract"]["trainingClause"],
        json!({ "kinds": ["HOURS"], "requiredTraineeHours": "1850.00", "requiredTraineeWeeks": "50.00" })
    );
}

#[tokio::test]
async fn a_clause_that_does_not_add_up_is_refused_at_its_field_and_nothing_is_written() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let co = app.contractor(0).await;
    let before = app.count("contract").await;
    for (clause, field) in [
        (
            json!({ "requiredTraineeHours": "100", "requiredTraineeWeeks": "3" }),
            "trainingClause.requiredTraineeWeeks",
        ),
        (
            json!({ "apprenticePartPercent": "75" }),
            "trainingClause.apprenticePartPercent",
        ),
        (
            json!({ "requiredTraineeHours": "100", "apprenticePartPercent": "75" }),
            "trainingClause.apprenticePartPercent",
        ),
        (
            json!({ "skilledWorkersPerTrainee": 0 }),
            "trainingClause.skilledWorkersPerTrainee",
        ),
        (
            json!({ "skilledWorkersPerTrainee": 1001 }),
            "trainingClause.skilledWorkersPerTrainee",
        ),
        (
            json!({ "requiredTraineeWeeks": "1.005" }),
            "trainingClause.requiredTraineeWeeks",
        ),
        (
            json!({ "requiredTraineeWeeks": "-1" }),
            "trainingClause.requiredTraineeWeeks",
        ),
        (
            json!({ "requiredSharePercent": "14", "companyDocumentationThresholdPercent": "101" }),
            "trainingClause.companyDocumentationThresholdPercent",
        ),
        (
            json!({ "companyDocumentationThresholdPercent": "10" }),
            "trainingClause",
        ),
        (json!({}), "trainingClause"),
    ] {
        let (code, f, message) = app
            .err(CONTRACT, json!({ "g": grant, "c": co, "k": clause }))
            .await;
        assert_eq!(
            (code.as_str(), f.as_deref()),
            ("BAD_USER_INPUT", Some(field)),
            "{clause}: {message}"
        );
    }
    assert_eq!(app.count("contract").await, before);
}

const DOCUMENT: &str = "mutation($c: UUID!, $f: NaiveDate!, $t: NaiveDate!, $s: Decimal!) { recordCompanyDocumentation(input: {contractId: $c, periodFrom: $f, periodTo: $t, documentedSharePercent: $s, document: \"Revisorerklæring 2023\", recordedBy: \"Byggeleder\"}) { id documentedSharePercent periodFrom periodTo } }";

#[tokio::test]
async fn company_documentation_lapses_the_clause_for_the_months_it_covers() {
    let app = TestApp::new().await;
    let (grant, contract, apprentice, _) = site(
        &app,
        json!({ "requiredSharePercent": "14", "companyDocumentationThresholdPercent": "10" }),
    )
    .await;
    // January 5 %, February 20 %: 12.5 % together, under the clause's 14 %.
    for (m, h) in [("2024-01", "50"), ("2024-02", "200")] {
        app.ok(
            REPORT,
            json!({ "c": contract, "m": m, "t": "1000", "l": [{ "placementId": apprentice, "hours": h }] }),
        )
        .await;
    }
    let vars = json!({ "g": grant, "d": "2024-03-15" });
    let r = app.ok(FINDINGS, vars.clone()).await;
    assert_eq!(with_code(&r, "R1_CLAUSE_SHARE").len(), 1);
    let before_documentation = chrono::Utc::now();

    // Refused: reversed, outside the contract, over 100 %; nothing written.
    for (f, t, s, field) in [
        ("2024-01-31", "2024-01-01", "11", "periodTo"),
        ("2027-01-01", "2027-12-31", "11", "periodFrom"),
        (
            "2024-01-01",
            "2024-01-31",
            "100.01",
            "documentedSharePercent",
        ),
    ] {
        let (code, got, _) = app
            .err(DOCUMENT, json!({ "c": contract, "f": f, "t": t, "s": s }))
            .await;
        assert_eq!(
            (code.as_str(), got.as_deref()),
            ("BAD_USER_INPUT", Some(field))
        );
    }
    assert_eq!(app.count("company_documentation").await, 0);

    // January documented at 11 %: only February is judged, and the list says why.
    let d = app
        .ok(
            DOCUMENT,
            json!({ "c": contract, "f": "2024-01-01", "t": "2024-01-31", "s": "11" }),
        )
        .await;
    let doc = id(&d["recordCompanyDocumentation"]);
    assert_eq!(
        d["recordCompanyDocumentation"]["documentedSharePercent"],
        "11.00"
    );
    let r = app.ok(FINDINGS, vars.clone()).await;
    assert!(with_code(&r, "R1_CLAUSE_SHARE").is_empty(), "{r:#}");
    let lapsed = with_code(&r, "R1_CLAUSE_LAPSED");
    assert_eq!(
        (lapsed.len(), &lapsed[0]["severity"], &lapsed[0]["subject"]),
        (1, &json!("INFO"), &json!("CONTRACT"))
    );
    assert!(
        lapsed[0]["message"]
            .as_str()
            .unwrap()
            .contains("Revisorerklæring 2023")
    );
    // Known before it was recorded, the clause was judged on both months.
    let r = app
        .ok(
            FINDINGS,
            json!({ "g": grant, "d": "2024-03-15", "k": before_documentation }),
        )
        .await;
    assert_eq!(with_code(&r, "R1_CLAUSE_SHARE").len(), 1);

    // Withdrawn (archived): the clause is judged on both months again.
    app.ok(
        "mutation($id: UUID!) { archiveCompanyDocumentation(id: $id) { id archivedAt } }",
        json!({ "id": doc }),
    )
    .await;
    let r = app.ok(FINDINGS, vars).await;
    assert_eq!(with_code(&r, "R1_CLAUSE_SHARE").len(), 1);
    assert!(with_code(&r, "R1_CLAUSE_LAPSED").is_empty());
    let listed = app
        .ok(
            "query($c: UUID!) { contract(id: $c) { companyDocumentation { id archivedAt } } }",
            json!({ "c": contract }),
        )
        .await;
    assert_eq!(
        listed["contract"]["companyDocumentation"][0]["id"],
        json!(doc)
    );
}

#[tokio::test]
async fn company_documentation_needs_a_clause_that_allows_it() {
    let app = TestApp::new().await;
    let (_, contract, _, _) = site(&app, json!({ "requiredSharePercent": "14" })).await;
    let (code, field, _) = app
        .err(
            DOCUMENT,
            json!({ "c": contract, "f": "2024-01-01", "t": "2024-01-31", "s": "11" }),
        )
        .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("contractId"))
    );
    assert_eq!(app.count("company_documentation").await, 0);
}

const TRIAL: &str = "mutation($p: UUID!, $g: UUID!, $s: NaiveDate!) { createTrialPlacement(input: {personId: $p, grantId: $g, tovholder: \"Jobcenter Odense\", startDate: $s}) { id endDate } }";
const STATUS: &str = "mutation($id: UUID!, $s: ThreeMonthStatus!, $d: NaiveDate!) { recordThreeMonthStatus(input: {trialPlacementId: $id, status: $s, statusDate: $d}) { id threeMonthStatus threeMonthDate } }";

#[tokio::test]
async fn the_three_month_status_is_recorded_listed_while_due_and_counted() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    // Both end 1 April 2024 (28 days after 4 March); one resident, one not.
    let resident = app.person("Ali").await;
    let other = id(&app
        .ok(
            "mutation { createPerson(input: {displayName: \"Bo\", livesInEstate: false}) { id } }",
            json!({}),
        )
        .await["createPerson"]);
    let mut trials = Vec::new();
    for p in [&resident, &other] {
        let d = app
            .ok(TRIAL, json!({ "p": p, "g": grant, "s": "2024-03-04" }))
            .await;
        assert_eq!(d["createTrialPlacement"]["endDate"], "2024-04-01");
        trials.push(id(&d["createTrialPlacement"]));
    }
    // Refused: before it ended, in the future; nothing written.
    for (d, why) in [
        ("2024-03-31", "before the end"),
        ("2030-01-01", "in the future"),
    ] {
        let (code, field, _) = app
            .err(
                STATUS,
                json!({ "id": trials[0], "s": "ORDINARY_WORK", "d": d }),
            )
            .await;
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("BAD_USER_INPUT", Some("statusDate")),
            "{why}"
        );
    }
    assert_eq!(
        app.count_where("trial_placement", "three_month_status IS NOT NULL")
            .await,
        0
    );
    let due = "query($g: UUID!) { trialPlacements(filter: {grantId: $g, threeMonthDue: true}) { nodes { id } } }";
    let listed = app.ok(due, json!({ "g": grant })).await;
    assert_eq!(
        listed["trialPlacements"]["nodes"].as_array().unwrap().len(),
        2
    );

    let d = app
        .ok(
            STATUS,
            json!({ "id": trials[0], "s": "ORDINARY_WORK", "d": "2024-07-05" }),
        )
        .await;
    assert_eq!(
        (
            &d["recordThreeMonthStatus"]["threeMonthStatus"],
            &d["recordThreeMonthStatus"]["threeMonthDate"]
        ),
        (&json!("ORDINARY_WORK"), &json!("2024-07-05"))
    );
    let listed = app.ok(due, json!({ "g": grant })).await;
    assert_eq!(
        listed["trialPlacements"]["nodes"],
        json!([{ "id": trials[1] }])
    );

    // As of 15 August 2024 (due 15 July): one status, one missing, an R10 finding for it.
    let r = app
        .ok(FINDINGS, json!({ "g": grant, "d": "2024-08-15" }))
        .await;
    let f = &r["compliance"]["trialFunnel"];
    assert_eq!(
        (
            &f["threeMonthsPassed"],
            &f["threeMonthStatuses"],
            &f["selfSupportingAtThreeMonths"],
            &f["threeMonthWithoutStatus"]
        ),
        (
            &json!(2),
            &json!([{ "status": "ORDINARY_WORK", "count": 1 }]),
            &json!(1),
            &json!(1)
        )
    );
    let r10 = with_code(&r, "R10_NO_STATUS");
    assert_eq!(r10.len(), 1);
    assert_eq!(r10[0]["subject"], "TRIAL_PLACEMENT");

    // R11 without a target: the share as information, no finding.
    assert_eq!(
        r["compliance"]["trialResidents"],
        json!({ "people": 2, "residents": 1, "sharePercent": "50.00", "targetPercent": null, "belowTarget": false })
    );
    assert!(with_code(&r, "R11_TRIAL_RESIDENTS").is_empty());
    // A target of 60 %: below it, a finding.
    let g = app
        .ok(
            "mutation($g: UUID!) { updateGrant(id: $g, input: {residentTrialTargetPercent: \"60\"}) { residentTrialTargetPercent residentTraineeTargetPercent } }",
            json!({ "g": grant }),
        )
        .await;
    assert_eq!(
        g["updateGrant"],
        json!({ "residentTrialTargetPercent": "60.00", "residentTraineeTargetPercent": null })
    );
    let r = app
        .ok(FINDINGS, json!({ "g": grant, "d": "2024-08-15" }))
        .await;
    assert_eq!(r["compliance"]["trialResidents"]["belowTarget"], true);
    assert_eq!(with_code(&r, "R11_TRIAL_RESIDENTS").len(), 1);
    // Bo moves into the estate: the next evaluation counts him at once; asked as known before,
    // he still lived elsewhere.
    let before_move = chrono::Utc::now();
    app.ok(
        "mutation($p: UUID!) { updatePerson(id: $p, input: {livesInEstate: true}) { id } }",
        json!({ "p": other }),
    )
    .await;
    let r = app
        .ok(FINDINGS, json!({ "g": grant, "d": "2024-08-15" }))
        .await;
    assert_eq!(
        (
            &r["compliance"]["trialResidents"]["residents"],
            &r["compliance"]["trialResidents"]["belowTarget"]
        ),
        (&json!(2), &json!(false))
    );
    assert!(with_code(&r, "R11_TRIAL_RESIDENTS").is_empty());
    let r = app
        .ok(
            FINDINGS,
            json!({ "g": grant, "d": "2024-08-15", "k": before_move }),
        )
        .await;
    assert_eq!(r["compliance"]["trialResidents"]["residents"], 1);
    // A target over 100 % is refused at its field.
    let (code, field, _) = app
        .err(
            "mutation($g: UUID!) { updateGrant(id: $g, input: {residentTraineeTargetPercent: \"100.5\"}) { id } }",
            json!({ "g": grant }),
        )
        .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("residentTraineeTargetPercent"))
    );
}
