//! Every validation rule's failure path: the error code (and field), a message that names the
//! problem, and that nothing was written.

use chrono::Datelike;
use serde_json::{Value, json};
use tests::{TestApp, cvr};

/// Runs a mutation that must fail and checks code, field and that `table` kept its row count.
async fn refused(
    app: &TestApp,
    table: &str,
    query: &str,
    vars: Value,
    code: &str,
    field: Option<&str>,
) -> String {
    let before = app.count(table).await;
    let (got_code, got_field, msg) = app.err(query, vars).await;
    assert_eq!(got_code, code, "{query}: {msg}");
    assert_eq!(got_field.as_deref(), field, "{query}: {msg}");
    assert_eq!(app.count(table).await, before, "{query} wrote to {table}");
    msg
}

const CONTRACTOR: &str =
    "mutation($c: String!) { createContractor(input: {cvr: $c, name: \"X ApS\"}) { id } }";

#[tokio::test]
async fn cvr_must_be_eight_digits_with_a_valid_check_digit_and_unique() {
    let app = TestApp::new().await;
    for bad in ["1234567", "123456789", "1234567a", "31874522", "01874521"] {
        refused(
            &app,
            "contractor",
            CONTRACTOR,
            json!({ "c": bad }),
            "BAD_USER_INPUT",
            Some("cvr"),
        )
        .await;
    }
    let msg = refused(
        &app,
        "contractor",
        CONTRACTOR,
        json!({ "c": "31874522" }),
        "BAD_USER_INPUT",
        Some("cvr"),
    )
    .await;
    assert!(msg.contains("modulus-11"), "{msg}");
    app.contractor(0).await;
    let msg = refused(
        &app,
        "contractor",
        CONTRACTOR,
        json!({ "c": cvr(0) }),
        "CONFLICT",
        None,
    )
    .await;
    assert!(msg.contains(cvr(0)), "{msg}");
    let msg = refused(
        &app,
        "housing_organisation",
        "mutation { createHousingOrganisation(input: {name: \"X\", cvr: \"12345678\"}) { id } }",
        json!({}),
        "BAD_USER_INPUT",
        Some("cvr"),
    )
    .await;
    assert!(msg.contains("modulus-11"), "{msg}");
}

#[tokio::test]
async fn grant_rules() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    app.grant_on(&estate, "LBF-1").await;
    let q = "mutation($e: UUID!, $c: String!, $s: GrantStage!, $start: NaiveDate, $plan: NaiveDate, $hand: NaiveDate, $cost: Decimal, $year: Int!, $p: [RuleParameterValueInput!]) { createGrant(input: {estateId: $e, caseNumber: $c, title: \"T\", kind: RENOVATION, commitmentYear: $year, stage: $s, craftsmanCost: $cost, constructionStart: $start, plannedHandover: $plan, actualHandover: $hand, parameterOverrides: $p}) { id } }";
    let base = json!({ "e": estate, "c": "LBF-2", "s": "SKEMA_B", "year": 2021 });
    let with = |extra: Value| {
        let mut v = base.clone();
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let msg = refused(
        &app,
        "lbf_grant",
        q,
        with(json!({ "c": "LBF-1" })),
        "CONFLICT",
        None,
    )
    .await;
    assert!(msg.contains("LBF-1"), "{msg}");
    refused(
        &app,
        "lbf_grant",
        q,
        with(json!({ "c": "  " })),
        "BAD_USER_INPUT",
        Some("caseNumber"),
    )
    .await;
    let msg = refused(
        &app,
        "lbf_grant",
        q,
        with(json!({ "start": "2024-01-01", "plan": "2023-12-31" })),
        "BAD_USER_INPUT",
        Some("plannedHandover"),
    )
    .await;
    assert!(msg.contains("before the start"), "{msg}");
    refused(
        &app,
        "lbf_grant",
        q,
        with(json!({ "hand": "2024-01-01" })),
        "BAD_USER_INPUT",
        Some("actualHandover"),
    )
    .await;
    refused(
        &app,
        "lbf_grant",
        q,
        with(json!({ "s": "SKEMA_A", "start": "2024-01-01" })),
        "BAD_USER_INPUT",
        Some("constructionStart"),
    )
    .await;
    refused(
        &app,
        "lbf_grant",
        q,
        with(json!({ "cost": "-1" })),
        "BAD_USER_INPUT",
        Some("craftsmanCost"),
    )
    .await;
    refused(
        &app,
        "lbf_grant",
        q,
        with(json!({ "cost": "10.001" })),
        "BAD_USER_INPUT",
        Some("craftsmanCost"),
    )
    .await;
    refused(
        &app,
        "lbf_grant",
        q,
        with(json!({ "year": 1999 })),
        "BAD_USER_INPUT",
        Some("commitmentYear"),
    )
    .await;
    refused(
        &app,
        "lbf_grant",
        q,
        with(json!({ "p": [{ "parameter": "MIN_TRAINEE_SHARE_PERCENT", "value": "140" }] })),
        "BAD_USER_INPUT",
        Some("parameterOverrides[0].value"),
    )
    .await;
    refused(
        &app,
        "lbf_grant",
        q,
        with(json!({ "p": [{ "parameter": "HOURS_REPORT_DUE_DAY", "value": "31" }] })),
        "BAD_USER_INPUT",
        Some("parameterOverrides[0].value"),
    )
    .await;
    refused(
        &app,
        "lbf_grant",
        q,
        with(json!({ "p": [
            { "parameter": "HOURS_REPORT_DUE_DAY", "value": "12" },
            { "parameter": "HOURS_REPORT_DUE_DAY", "value": "15" }
        ] })),
        "BAD_USER_INPUT",
        Some("parameterOverrides[1].parameter"),
    )
    .await;
    let msg = refused(
        &app,
        "lbf_grant",
        q,
        with(json!({ "e": uuid::Uuid::now_v7() })),
        "BAD_USER_INPUT",
        Some("estateId"),
    )
    .await;
    assert!(msg.contains("does not exist"), "{msg}");
}

const CONTRACT: &str = "mutation($g: UUID!, $c: UUID!, $k: ContractKind!, $p: UUID, $v: Decimal!, $s: NaiveDate!, $e: NaiveDate!, $cl: TrainingClauseInput, $ex: ClauseExemptionInput) { createContract(input: {grantId: $g, contractorId: $c, kind: $k, parentContractId: $p, trade: \"murer\", value: $v, startDate: $s, endDate: $e, trainingClause: $cl, clauseExemption: $ex}) { id } }";

#[tokio::test]
async fn contract_rules() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let co = app.contractor(0).await;
    let main = app.contract(&grant, &co).await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let other_grant = app.grant_on(&estate, "LBF-OTHER").await;
    let other_main = app.contract(&other_grant, &co).await;
    let base = json!({ "g": grant, "c": co, "k": "MAIN", "v": "1000000", "s": "2023-01-01", "e": "2023-12-31" });
    let with = |extra: Value| {
        let mut v = base.clone();
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    refused(
        &app,
        "contract",
        CONTRACT,
        with(json!({ "e": "2022-12-31" })),
        "BAD_USER_INPUT",
        Some("endDate"),
    )
    .await;
    refused(
        &app,
        "contract",
        CONTRACT,
        with(json!({ "v": "-5" })),
        "BAD_USER_INPUT",
        Some("value"),
    )
    .await;
    refused(
        &app,
        "contract",
        CONTRACT,
        with(json!({ "k": "SUB" })),
        "BAD_USER_INPUT",
        Some("parentContractId"),
    )
    .await;
    refused(
        &app,
        "contract",
        CONTRACT,
        with(json!({ "p": main })),
        "BAD_USER_INPUT",
        Some("parentContractId"),
    )
    .await;
    let msg = refused(
        &app,
        "contract",
        CONTRACT,
        with(json!({ "k": "SUB", "p": other_main })),
        "BAD_USER_INPUT",
        Some("parentContractId"),
    )
    .await;
    assert!(msg.contains("another grant"), "{msg}");
    refused(
        &app,
        "contract",
        CONTRACT,
        with(json!({ "cl": {} })),
        "BAD_USER_INPUT",
        Some("trainingClause"),
    )
    .await;
    refused(
        &app,
        "contract",
        CONTRACT,
        with(json!({ "cl": { "requiredSharePercent": "101" } })),
        "BAD_USER_INPUT",
        Some("trainingClause.requiredSharePercent"),
    )
    .await;
    refused(
        &app,
        "contract",
        CONTRACT,
        with(json!({ "cl": { "requiredSharePercent": "14" }, "ex": { "reason": "r", "approvedBy": "a", "date": "2023-01-01" } })),
        "BAD_USER_INPUT",
        Some("clauseExemption"),
    )
    .await;
    refused(
        &app,
        "contract",
        CONTRACT,
        with(json!({ "ex": { "reason": " ", "approvedBy": "a", "date": "2023-01-01" } })),
        "BAD_USER_INPUT",
        Some("clauseExemption.reason"),
    )
    .await;
    // An update that breaks the period is refused and leaves the row as it was.
    let (code, field, _) = app
        .err("mutation($id: UUID!) { updateContract(id: $id, input: {endDate: \"2020-01-01\"}) { id } }", json!({ "id": main }))
        .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("endDate"))
    );
    let d = app
        .ok(
            "query($id: UUID!) { contract(id: $id) { endDate } }",
            json!({ "id": main }),
        )
        .await;
    assert_eq!(d["contract"]["endDate"], "2026-12-31");
}

#[tokio::test]
async fn placement_and_person_rules() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let co = app.contractor(0).await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let other_grant = app.grant_on(&estate, "LBF-OTHER").await;
    let other_contract = app.contract(&other_grant, &co).await;
    let contract = app.contract(&grant, &co).await;
    let person = app.person("P").await;
    let q = "mutation($p: UUID!, $g: UUID!, $c: UUID!, $s: NaiveDate!, $e: NaiveDate) { createPlacement(input: {personId: $p, grantId: $g, contractId: $c, kind: FGU, trade: \"murer\", startDate: $s, endDate: $e}) { id } }";
    let msg = refused(
        &app,
        "placement",
        q,
        json!({ "p": person, "g": grant, "c": other_contract, "s": "2023-05-01" }),
        "BAD_USER_INPUT",
        Some("contractId"),
    )
    .await;
    assert!(msg.contains("another grant"), "{msg}");
    refused(
        &app,
        "placement",
        q,
        json!({ "p": person, "g": grant, "c": contract, "s": "2023-05-01", "e": "2023-04-30" }),
        "BAD_USER_INPUT",
        Some("endDate"),
    )
    .await;
    refused(
        &app,
        "person",
        "mutation { createPerson(input: {displayName: \"X\", birthYear: 1850}) { id } }",
        json!({}),
        "BAD_USER_INPUT",
        Some("birthYear"),
    )
    .await;
    refused(
        &app,
        "person",
        "mutation { createPerson(input: {displayName: \"\"}) { id } }",
        json!({}),
        "BAD_USER_INPUT",
        Some("displayName"),
    )
    .await;
}

const REPORT: &str = "mutation($c: UUID!, $m: YearMonth!, $t: Decimal!, $l: [TraineeHoursInput!]!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: $m, totalHours: $t, traineeHours: $l}) { id } }";

#[tokio::test]
async fn hours_rules_and_a_refused_replacement_keeps_the_old_report() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let co = app.contractor(0).await;
    let co2 = app.contractor(1).await;
    let contract = app.contract(&grant, &co).await;
    let other_contract = app.contract(&grant, &co2).await;
    let a = app
        .placement(&app.person("A").await, &grant, &contract)
        .await;
    let elsewhere = app
        .placement(&app.person("B").await, &grant, &other_contract)
        .await;
    app.ok(REPORT, json!({ "c": contract, "m": "2024-01", "t": "500", "l": [{ "placementId": a, "hours": "100" }] }))
        .await;

    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({ "t": "-1", "l": [] }), "totalHours", "zero or more"),
        (
            json!({ "t": "10.001", "l": [] }),
            "totalHours",
            "two decimals",
        ),
        (
            json!({ "t": "100", "l": [{ "placementId": a, "hours": "-2" }] }),
            "traineeHours[0].hours",
            "zero or more",
        ),
        (
            json!({ "t": "100", "l": [{ "placementId": a, "hours": "100.01" }] }),
            "traineeHours",
            "exceed",
        ),
        (
            json!({ "t": "1000", "l": [{ "placementId": a, "hours": "200.42" }] }),
            "traineeHours[0].hours",
            "more than one person can work",
        ),
        (
            json!({ "t": "1000", "l": [{ "placementId": elsewhere, "hours": "1" }] }),
            "traineeHours[0].placementId",
            "another contract",
        ),
        (
            json!({ "t": "1000", "l": [{ "placementId": a, "hours": "1" }, { "placementId": a, "hours": "2" }] }),
            "traineeHours[1].placementId",
            "listed twice",
        ),
        (
            json!({ "t": "1000", "l": [{ "placementId": uuid::Uuid::now_v7(), "hours": "1" }] }),
            "traineeHours[0].placementId",
            "does not exist",
        ),
        (
            json!({ "m": "2023-02", "t": "10", "l": [] }),
            "month",
            "outside the contract period",
        ),
        (
            json!({ "m": "2099-01", "t": "10", "l": [] }),
            "month",
            "outside the contract period",
        ),
        (
            json!({ "m": "2023-04", "t": "10", "l": [{ "placementId": a, "hours": "1" }] }),
            "traineeHours[0].placementId",
            "not active",
        ),
    ];
    for (extra, field, words) in cases {
        let mut vars = json!({ "c": contract, "m": "2024-01" });
        vars.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let lines_before = app.count("hours_line").await;
        let msg = refused(
            &app,
            "hours_report",
            REPORT,
            vars,
            "BAD_USER_INPUT",
            Some(field),
        )
        .await;
        assert!(msg.contains(words), "{field}: {msg}");
        assert_eq!(app.count("hours_line").await, lines_before);
    }
    // 200.41 h is the most one person can be credited in a month (1924/12 + 25 %).
    app.ok(REPORT, json!({ "c": contract, "m": "2024-02", "t": "1000", "l": [{ "placementId": a, "hours": "200.41" }] }))
        .await;
    let d = app
        .ok(
            "query($c: UUID!) { contract(id: $c) { hoursReports { month totalHours lines { hours } } } }",
            json!({ "c": contract }),
        )
        .await;
    assert_eq!(
        d["contract"]["hoursReports"],
        json!([
            { "month": "2024-01", "totalHours": "500.00", "lines": [{ "hours": "100.00" }] },
            { "month": "2024-02", "totalHours": "1000.00", "lines": [{ "hours": "200.41" }] }
        ])
    );
}

#[tokio::test]
async fn trial_and_follow_up_rules() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let person = app.person("P").await;
    let q = "mutation($p: UUID!, $g: UUID!, $e: NaiveDate) { createTrialPlacement(input: {personId: $p, grantId: $g, tovholder: \"T\", startDate: \"2024-03-04\", endDate: $e}) { id } }";
    refused(
        &app,
        "trial_placement",
        q,
        json!({ "p": person, "g": grant, "e": "2024-03-01" }),
        "BAD_USER_INPUT",
        Some("endDate"),
    )
    .await;
    let d = app.ok(q, json!({ "p": person, "g": grant })).await;
    let trial = d["createTrialPlacement"]["id"].as_str().unwrap().to_owned();
    let msg = refused(
        &app,
        "trial_placement",
        "mutation($id: UUID!) { recordTrialOutcome(input: {trialPlacementId: $id, outcome: EDUCATION, outcomeDate: \"2024-03-03\"}) { id } }",
        json!({ "id": trial }),
        "BAD_USER_INPUT",
        Some("outcomeDate"),
    )
    .await;
    assert!(msg.contains("before the placement started"), "{msg}");
    // An outcome dated after today is not yet known: refused the same way.
    let msg = refused(
        &app,
        "trial_placement",
        "mutation($id: UUID!) { recordTrialOutcome(input: {trialPlacementId: $id, outcome: EDUCATION, outcomeDate: \"2030-01-02\"}) { id } }",
        json!({ "id": trial }),
        "BAD_USER_INPUT",
        Some("outcomeDate"),
    )
    .await;
    assert!(msg.contains("is in the future"), "{msg}");
    let d = app
        .ok(
            "query($id: UUID!) { trialPlacement(id: $id) { outcome } }",
            json!({ "id": trial }),
        )
        .await;
    assert_eq!(
        d["trialPlacement"]["outcome"],
        json!(null),
        "the refused outcome was not written"
    );

    let group = app.group(&grant).await;
    refused(
        &app,
        "follow_up_group",
        "mutation($g: UUID!) { createFollowUpGroup(input: {grantId: $g, name: \"Igen\"}) { id } }",
        json!({ "g": grant }),
        "CONFLICT",
        None,
    )
    .await;
    refused(
        &app,
        "group_member",
        "mutation($g: UUID!) { updateFollowUpGroup(id: $g, input: {cadenceDays: 0}) { id } }",
        json!({ "g": group }),
        "BAD_USER_INPUT",
        Some("cadenceDays"),
    )
    .await;
    // An attendee from another grant's group is refused, and the meeting is not written.
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let other = app.group(&app.grant_on(&estate, "LBF-OTHER").await).await;
    let d = app
        .ok(
            "mutation($g: UUID!) { createGroupMember(input: {groupId: $g, name: \"Fremmed\", organisation: \"O\", role: OTHER}) { id } }",
            json!({ "g": other }),
        )
        .await;
    let stranger = d["createGroupMember"]["id"].as_str().unwrap().to_owned();
    let mq = "mutation($g: UUID!, $a: [UUID!]!, $d: Int!) { createMeeting(input: {groupId: $g, date: \"2024-03-12\", durationMinutes: $d, attendeeIds: $a}) { id } }";
    let msg = refused(
        &app,
        "meeting",
        mq,
        json!({ "g": group, "a": [stranger], "d": 60 }),
        "BAD_USER_INPUT",
        Some("attendeeIds[0]"),
    )
    .await;
    assert!(msg.contains("not a member"), "{msg}");
    assert_eq!(app.count("meeting_attendee").await, 0);
    refused(
        &app,
        "meeting",
        mq,
        json!({ "g": group, "a": [], "d": 0 }),
        "BAD_USER_INPUT",
        Some("durationMinutes"),
    )
    .await;
    let d = app.ok(mq, json!({ "g": group, "a": [], "d": 60 })).await;
    let meeting = d["createMeeting"]["id"].as_str().unwrap().to_owned();
    refused(
        &app,
        "action_item",
        "mutation($m: UUID!) { createActionItem(input: {meetingId: $m, description: \"D\", owner: \"O\", dueDate: \"2024-03-11\"}) { id } }",
        json!({ "m": meeting }),
        "BAD_USER_INPUT",
        Some("dueDate"),
    )
    .await;
}

/// Scenario: a contractor reports the running month before it has ended, or a month next year:
/// refused at `month`, naming the day it can be reported from (in Danish too), nothing written;
/// last month, which has ended, is taken.
#[tokio::test]
async fn hours_of_a_month_that_has_not_ended_are_refused() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let co = app.contractor(0).await;
    let contract = tests::id(
        &app.ok(
            "mutation($g: UUID!, $c: UUID!) { createContract(input: {grantId: $g, contractorId: $c, kind: MAIN, trade: \"hovedentreprise\", value: \"1000000\", startDate: \"2023-03-01\", endDate: \"2099-12-31\", trainingClause: {requiredSharePercent: \"14\"}}) { id } }",
            json!({ "g": grant, "c": co }),
        )
        .await["createContract"],
    );
    let today = api::units::danish_today();
    let running = today.format("%Y-%m").to_string();
    let next = (today.with_day(1).unwrap() + chrono::Months::new(1)).format("%Y-%m-%d");
    let vars = json!({ "c": contract, "m": running, "t": "10", "l": [] });
    let msg = refused(
        &app,
        "hours_report",
        REPORT,
        vars.clone(),
        "BAD_USER_INPUT",
        Some("month"),
    )
    .await;
    assert_eq!(
        msg,
        format!("{running} has not ended; its hours can be reported from {next}")
    );
    let next_year = (today + chrono::Days::new(366)).format("%Y-%m").to_string();
    let msg = refused(
        &app,
        "hours_report",
        REPORT,
        json!({ "c": contract, "m": next_year, "t": "1", "l": [] }),
        "BAD_USER_INPUT",
        Some("month"),
    )
    .await;
    assert!(
        msg.starts_with(&format!("{next_year} has not ended")),
        "{msg}"
    );
    let danish = app.exec_lang(api::i18n::Lang::Da, REPORT, vars).await;
    let danish = danish["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        danish.contains("er ikke slut endnu; månedens timer kan indberettes fra den 1. "),
        "{danish}"
    );
    let last = (today.with_day(1).unwrap() - chrono::Months::new(1))
        .format("%Y-%m")
        .to_string();
    app.ok(
        REPORT,
        json!({ "c": contract, "m": last, "t": "10", "l": [] }),
    )
    .await;
    assert_eq!(app.count("hours_report").await, 1);
}

/// Scenario: a snusepraktik longer than the grant's TRIAL_MAX_DAYS (13 weeks by default; this
/// grant says four) is refused at `endDate`, on creation and when its dates are moved, and
/// nothing is written; one of exactly the maximum is taken.
#[tokio::test]
async fn a_snusepraktik_longer_than_the_maximum_is_refused() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let person = app.person("P").await;
    let create = "mutation($p: UUID!, $g: UUID!, $e: NaiveDate) { createTrialPlacement(input: {personId: $p, grantId: $g, tovholder: \"T\", startDate: \"2024-03-04\", endDate: $e}) { id } }";
    let vars = |end: &str| json!({ "p": person, "g": grant, "e": end });
    // 4 March to 2 June 2024 is 91 days, the default maximum; a day more is refused.
    let msg = refused(
        &app,
        "trial_placement",
        create,
        vars("2024-06-03"),
        "BAD_USER_INPUT",
        Some("endDate"),
    )
    .await;
    assert_eq!(
        msg,
        "the snusepraktik would last 92 days, 2024-03-04 to 2024-06-03; it may last at most 91 days (TRIAL_MAX_DAYS)"
    );
    let trial = tests::id(&app.ok(create, vars("2024-06-02")).await["createTrialPlacement"]);

    app.ok(
        "mutation($g: UUID!) { updateGrant(id: $g, input: { parameterOverrides: [{ parameter: TRIAL_MAX_DAYS, value: \"28\" }] }) { id } }",
        json!({ "g": grant }),
    )
    .await;
    let danish = app
        .exec_lang(api::i18n::Lang::Da, create, vars("2024-04-01"))
        .await;
    assert_eq!(
        danish["errors"][0]["message"],
        "snusepraktikken ville vare 29 dage, 4. marts 2024 til 1. april 2024; den må højst vare 28 dage"
    );
    refused(
        &app,
        "trial_placement",
        "mutation($id: UUID!) { updateTrialPlacement(id: $id, input: {endDate: \"2024-04-01\"}) { id } }",
        json!({ "id": trial }),
        "BAD_USER_INPUT",
        Some("endDate"),
    )
    .await;
    let d = app
        .ok(
            "query($id: UUID!) { trialPlacement(id: $id) { endDate } }",
            json!({ "id": trial }),
        )
        .await;
    assert_eq!(d["trialPlacement"]["endDate"], "2024-06-02", "unchanged");
    app.ok(create, vars("2024-03-31")).await;
}

/// Scenario: a følgegruppe meeting is registered once it has been held: one dated tomorrow is
/// refused at `date`, on creation and when moved, and nothing is written; today is taken.
#[tokio::test]
async fn a_meeting_dated_after_today_is_refused() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let group = app.group(&grant).await;
    let today = api::units::danish_today();
    let tomorrow = (today + chrono::Days::new(1)).to_string();
    let create = "mutation($g: UUID!, $d: NaiveDate!) { createMeeting(input: {groupId: $g, date: $d, durationMinutes: 90}) { id } }";
    let msg = refused(
        &app,
        "meeting",
        create,
        json!({ "g": group, "d": tomorrow }),
        "BAD_USER_INPUT",
        Some("date"),
    )
    .await;
    assert_eq!(
        msg,
        format!(
            "the meeting is dated {tomorrow}, after today ({today}): register a meeting once it has been held"
        )
    );
    let meeting = tests::id(
        &app.ok(create, json!({ "g": group, "d": today.to_string() }))
            .await["createMeeting"],
    );
    refused(
        &app,
        "meeting",
        "mutation($id: UUID!, $d: NaiveDate!) { updateMeeting(id: $id, input: {date: $d}) { id } }",
        json!({ "id": meeting, "d": tomorrow }),
        "BAD_USER_INPUT",
        Some("date"),
    )
    .await;
}
