//! "As of" is a real point in time: an evaluation with `knownAt` uses only what had been recorded
//! by then (hours reports and their corrections, LBF submissions, outcomes, meetings, the grant's
//! and contracts' own data), and a BYGHERRE or ADMIN loading history declares when each report
//! was filed. Runs on SQLite, and on PostgreSQL with `TEST_DATABASE_URL`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::enums::Role;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use tests::TestApp;
use tests::world::{principal, site};

const REPORT: &str = "mutation($c: UUID!, $m: YearMonth!, $t: Decimal!, $l: [TraineeHoursInput!]!, $at: DateTime) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: $m, totalHours: $t, traineeHours: $l, reportedAt: $at}) { id reportedAt } }";

/// Everything an auditor would compare: the grant's evaluation, the dashboard, the chart, the
/// ranking and the yearly report (one request each: together they exceed the complexity limit).
const EVERYTHING: [&str; 5] = [
    "query($g: UUID!, $k: DateTime) { compliance(grantId: $g, asOf: \"2025-06-30\", knownAt: $k) {
        status knownAt expectedByNowHours deliveredInWindowHours projectedSharePercent
        metrics { labourHours traineeHours shareFraction shortfallHours }
        contractors { contractorName clauseShortfallHours behindClause }
        trialFunnel { started completed openWithoutOutcome outcomes { outcome count } }
        findings { code severity subjectId message measured threshold fromDate toDate days months } } }",
    "query($k: DateTime) { complianceDashboard(asOf: \"2025-06-30\", knownAt: $k) { grantId status metrics { traineeHours } } }",
    "query($g: UUID!, $k: DateTime) { complianceTimeSeries(grantId: $g, asOf: \"2025-06-30\", knownAt: $k) { month labourHours traineeHours targetCumulativeTraineeHours } }",
    "query($k: DateTime) { contractorRanking(asOf: \"2025-06-30\", knownAt: $k) { contractorId clauseShortfallHours metrics { traineeHours } } }",
    "query($g: UUID!, $k: DateTime) { lbfYearReport(grantId: $g, year: 2024, knownAt: $k) { submitted figures { apprenticeHours handover handoverPlanned } versions { version } } }",
];

async fn everything(app: &TestApp, vars: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for q in EVERYTHING {
        out.push(app.exec(q, vars.clone()).await);
    }
    out
}

async fn tick() -> DateTime<Utc> {
    // Recording times are microseconds apart; a pause on each side makes "before" and "after"
    // unambiguous on both databases.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let t = Utc::now();
    tokio::time::sleep(Duration::from_millis(20)).await;
    t
}

/// Worked example: on day T the tracker showed January's 150 trainee hours and no 2024 LBF
/// report. Afterwards January is corrected to 100 hours, February (120 h) is reported and the
/// 2024 report is submitted. As known at T the figures are those of T; as known now they are
/// the new ones.
#[tokio::test]
async fn an_evaluation_known_at_a_time_shows_what_the_tracker_said_then() {
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let t = tick().await;
    app.ok(
        REPORT,
        json!({ "c": a.contract, "m": "2024-01", "t": "1000", "l": [{ "placementId": a.placement, "hours": "100" }] }),
    )
    .await;
    app.ok(
        REPORT,
        json!({ "c": a.contract, "m": "2024-02", "t": "1000", "l": [{ "placementId": a.placement, "hours": "120" }] }),
    )
    .await;
    app.ok(
        "mutation($g: UUID!) { submitLbfReport(input: {grantId: $g, year: 2024, submittedBy: \"PL\"}) { version } }",
        json!({ "g": a.grant }),
    )
    .await;

    let q = "query($g: UUID!, $k: DateTime) { compliance(grantId: $g, asOf: \"2025-10-01\", knownAt: $k) { knownAt metrics { labourHours traineeHours } findings { code year: year } } y: lbfYearReport(grantId: $g, year: 2024, knownAt: $k) { submitted figures { apprenticeHours } } }";
    let then = app
        .ok(q, json!({ "g": a.grant, "k": t.to_rfc3339() }))
        .await;
    let c = &then["compliance"];
    assert_eq!(
        (&c["metrics"]["labourHours"], &c["metrics"]["traineeHours"]),
        (&json!("1000.00"), &json!("150.00")),
        "January as first reported, February not yet"
    );
    let missing_2024 = |c: &Value| {
        c["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "R5_MISSING" && f["year"] == 2024)
    };
    assert!(missing_2024(c), "the 2024 report was missing at T: {c:#}");
    assert_eq!(then["y"]["submitted"], false);
    assert_eq!(then["y"]["figures"]["apprenticeHours"], "150.00");

    let now = app
        .ok(q, json!({ "g": a.grant, "k": Utc::now().to_rfc3339() }))
        .await;
    let c = &now["compliance"];
    assert_eq!(
        (&c["metrics"]["labourHours"], &c["metrics"]["traineeHours"]),
        (&json!("2000.00"), &json!("220.00"))
    );
    assert!(!missing_2024(c));
    assert_eq!(now["y"]["submitted"], true);
    assert_eq!(now["y"]["figures"]["apprenticeHours"], "220.00");

    // Without knownAt, a past asOf is judged with everything known now (the domain brief's
    // default): the history entered today answers for 1 October 2025 without an error.
    let default = app
        .ok(
            "query($g: UUID!) { compliance(grantId: $g, asOf: \"2025-10-01\") { knownAt metrics { labourHours traineeHours } } }",
            json!({ "g": a.grant }),
        )
        .await;
    let c = &default["compliance"];
    assert_eq!(
        (&c["metrics"]["labourHours"], &c["metrics"]["traineeHours"]),
        (&json!("2000.00"), &json!("220.00"))
    );
    let known_at: chrono::DateTime<Utc> = c["knownAt"].as_str().unwrap().parse().unwrap();
    assert!(
        known_at >= Utc::now(),
        "everything recorded so far: {known_at}"
    );

    // A knownAt given before the grant was recorded does not see it, and says so.
    let (code, field, message) = app
        .err(
            "query($g: UUID!) { compliance(grantId: $g, asOf: \"2025-10-01\", knownAt: \"2025-10-01T21:59:59Z\") { status } }",
            json!({ "g": a.grant }),
        )
        .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("knownAt"))
    );
    assert!(
        message.contains("after knownAt 2025-10-01 23:59"),
        "{message}"
    );
}

/// A BYGHERRE loading past months declares when each was filed: R6 judges the declared time,
/// the audit trail keeps when it was recorded. Refused: a CONTRACTOR declaring, a time in the
/// future, a time before the month ended; nothing is written then.
#[tokio::test]
async fn a_bygherre_declares_when_a_past_report_was_filed() {
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let bygherre = principal(&app, Role::Bygherre, &a).await;
    let contractor = principal(&app, Role::Contractor, &a).await;
    let vars = |m: &str, at: Option<&str>| json!({ "c": a.contract, "m": m, "t": "1000", "l": [{ "placementId": a.placement, "hours": "140" }], "at": at });
    // Filed 5 February 2024 at 09:00 Danish time (08:00 UTC).
    let res = app
        .exec_as(
            Some(bygherre.clone()),
            REPORT,
            vars("2024-01", Some("2024-02-05T09:00:00+01:00")),
        )
        .await;
    assert!(res.get("errors").is_none(), "{res:#}");
    assert_eq!(
        res["data"]["reportMonthlyHours"]["reportedAt"],
        "2024-02-05T08:00:00+00:00"
    );
    let audit = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Entity.eq("Hours report"))
        .order_by_desc(entity::audit_log::Column::At)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let after = audit.after.unwrap();
    assert!(
        after["reported_at"]
            .as_str()
            .unwrap()
            .starts_with("2024-02-05T08:00:00"),
        "{after}"
    );
    assert!(
        audit.at > Utc::now() - chrono::Duration::minutes(1),
        "recorded now"
    );

    // February reported now, with no declaration: filed long after 10 March 2024.
    app.ok(REPORT, vars("2024-02", None)).await;
    let d = app
        .ok(
            "query($g: UUID!) { compliance(grantId: $g, asOf: \"2024-04-30\", knownAt: \"2100-01-01T00:00:00Z\") { findings { code months } } }",
            json!({ "g": a.grant }),
        )
        .await;
    let late: Vec<&Value> = d["compliance"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "R6_LATE")
        .collect();
    assert_eq!(late.len(), 1, "{d:#}");
    assert_eq!(
        late[0]["months"],
        json!(["2024-02"]),
        "January was declared on time"
    );

    let reports = app.count("hours_report").await;
    let audits = app.count("audit_log").await;
    for (who, at, code, field) in [
        (
            contractor.clone(),
            "2024-04-05T09:00:00+02:00",
            "FORBIDDEN",
            None,
        ),
        (
            bygherre.clone(),
            "2099-01-01T00:00:00Z",
            "BAD_USER_INPUT",
            Some("reportedAt"),
        ),
        // 31 March 23:30 Danish time: March has not ended.
        (
            bygherre.clone(),
            "2024-03-31T21:30:00Z",
            "BAD_USER_INPUT",
            Some("reportedAt"),
        ),
    ] {
        let res = app
            .exec_as(Some(who), REPORT, vars("2024-03", Some(at)))
            .await;
        let e = &res["errors"][0];
        assert_eq!(e["extensions"]["code"], code, "{res:#}");
        assert_eq!(e["extensions"]["field"].as_str(), field, "{res:#}");
    }
    assert_eq!(app.count("hours_report").await, reports);
    assert_eq!(app.count("audit_log").await, audits);
}

/// Findings and their typed numbers through GraphQL, in Danish when the request asks for it.
#[tokio::test]
async fn findings_carry_codes_and_numbers_and_speak_danish() {
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let q = "query($g: UUID!) { compliance(grantId: $g, asOf: \"2024-04-15\", knownAt: \"2100-01-01T00:00:00Z\") { onTrackWindow { from to elapsedDays periodDays } findings { code unit message neededHours deliveredHours shortfallHours window { from to elapsedDays periodDays } fromDate toDate days } } }";
    let da = app
        .exec_lang(api::i18n::Lang::Da, q, json!({ "g": a.grant }))
        .await;
    assert!(da.get("errors").is_none(), "{da:#}");
    let c = &da["data"]["compliance"];
    // Construction 1 March 2023 through handover on 31 December 2026, both counted (1,402 days);
    // as of 15 April 2024 the window ends 31 March 2024: 397 days.
    assert_eq!(
        c["onTrackWindow"],
        json!({ "from": "2023-03-01", "to": "2024-03-31", "elapsedDays": 397, "periodDays": 1402 })
    );
    let behind = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "R3_BEHIND")
        .unwrap_or_else(|| panic!("{c:#}"));
    // 28,860 x 397 / 1,402 = 8,172.1968.. = 8,172.20 expected; January's 150 delivered.
    assert_eq!(behind["unit"], "HOURS");
    assert_eq!(behind["neededHours"], "8172.20");
    assert_eq!(behind["deliveredHours"], "150.00");
    assert_eq!(behind["shortfallHours"], "8022.20");
    assert_eq!(behind["window"], c["onTrackWindow"]);
    assert_eq!(
        behind["message"],
        "Sag LBF-A: 150,00 timer for personer under oplæring leveret fra 1. marts 2023 til 31. marts 2024, 8.172,20 forventet til da (397 af periodens 1402 dage); 8.022,20 timer bagud"
    );
    let en = app.ok(q, json!({ "g": a.grant })).await;
    let behind_en = en["compliance"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "R3_BEHIND")
        .unwrap()
        .clone();
    assert!(
        behind_en["message"]
            .as_str()
            .unwrap()
            .starts_with("Grant LBF-A: 150 trainee hours delivered from 2023-03-01 to 2024-03-31"),
        "English by default: {behind_en}"
    );
    // The report's lines are labelled in the request's language.
    let lines = app
        .exec_lang(
            api::i18n::Lang::Da,
            "query($g: UUID!) { lbfYearReport(grantId: $g, year: 2024) { lines { key label value } } }",
            json!({ "g": a.grant }),
        )
        .await;
    let lines = lines["data"]["lbfYearReport"]["lines"]
        .as_array()
        .unwrap()
        .clone();
    let line = |k: &str| lines.iter().find(|l| l["key"] == k).unwrap().clone();
    assert_eq!(
        line("craftsman_cost"),
        json!({ "key": "craftsman_cost", "label": "Håndværkerudgift ved Skema B", "value": "250.000.000,00 kr." })
    );
    assert_eq!(
        line("handover"),
        json!({ "key": "handover", "label": "Aflevering", "value": "31. december 2026 (planlagt)" })
    );
    assert_eq!(line("apprentice_hours")["value"], "150,00");
}

/// One write of the property test, applied through GraphQL as a user would.
#[derive(Clone, Debug)]
enum Op {
    /// Report (or replace) a month of 2024 with total and trainee hours.
    Report(u32, u32, u32),
    ArchiveReport(u32),
    DeleteReport(u32),
    Outcome,
    Meeting(u32),
    Minutes,
    SubmitLbf,
    Handover(u32),
    Clause(u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1u32..7, 200u32..2000, 0u32..200).prop_map(|(m, t, h)| Op::Report(m, t, h)),
        1 => (1u32..7).prop_map(Op::ArchiveReport),
        1 => (1u32..7).prop_map(Op::DeleteReport),
        1 => Just(Op::Outcome),
        1 => (1u32..28).prop_map(Op::Meeting),
        1 => Just(Op::Minutes),
        1 => Just(Op::SubmitLbf),
        1 => (1u32..12).prop_map(Op::Handover),
        1 => (5u32..30).prop_map(Op::Clause),
    ]
}

async fn apply(app: &TestApp, a: &tests::world::Site, op: &Op) {
    let month = |m: u32| format!("2024-{m:02}");
    let report_id = |m: u32| async move {
        let d = app
            .ok(
                "query($c: UUID!, $m: YearMonth!) { hoursReports(filter: {contractId: $c, fromMonth: $m, toMonth: $m, includeArchived: true}) { edges { node { id } } } }",
                json!({ "c": a.contract, "m": month(m) }),
            )
            .await;
        d["hoursReports"]["edges"][0]["node"]["id"]
            .as_str()
            .map(str::to_owned)
    };
    // Refusals (an archived month, a second submission) are part of real use: they write
    // nothing, which the property covers too.
    let _ = match op {
        Op::Report(m, t, h) => {
            app.exec(
                REPORT,
                json!({ "c": a.contract, "m": month(*m), "t": t.to_string(), "l": [{ "placementId": a.placement, "hours": h.min(t).to_string() }] }),
            )
            .await
        }
        Op::ArchiveReport(m) | Op::DeleteReport(m) => match report_id(*m).await {
            Some(id) => {
                let q = if matches!(op, Op::ArchiveReport(_)) {
                    "mutation($id: UUID!) { archiveHoursReport(id: $id) { id } }"
                } else {
                    "mutation($id: UUID!) { deleteHoursReport(id: $id) }"
                };
                app.exec(q, json!({ "id": id })).await
            }
            None => json!({}),
        },
        Op::Outcome => {
            app.exec(
                "mutation($t: UUID!) { recordTrialOutcome(input: {trialPlacementId: $t, outcome: EDUCATION, outcomeDate: \"2024-04-10\", nextPlan: \"Grundforløb\"}) { id } }",
                json!({ "t": a.trial }),
            )
            .await
        }
        Op::Meeting(day) => {
            app.exec(
                "mutation($g: UUID!, $d: NaiveDate!) { createMeeting(input: {groupId: $g, date: $d, durationMinutes: 60}) { id } }",
                json!({ "g": a.group, "d": format!("2024-06-{day:02}") }),
            )
            .await
        }
        Op::Minutes => {
            app.exec(
                "mutation($m: UUID!) { addMeetingMinutes(input: {meetingId: $m, minutes: \"Referat\"}) { id } }",
                json!({ "m": a.meeting }),
            )
            .await
        }
        Op::SubmitLbf => {
            app.exec(
                "mutation($g: UUID!) { submitLbfReport(input: {grantId: $g, year: 2024, submittedBy: \"PL\"}) { version } }",
                json!({ "g": a.grant }),
            )
            .await
        }
        Op::Handover(m) => {
            app.exec(
                "mutation($g: UUID!, $d: NaiveDate!) { updateGrant(id: $g, input: {actualHandover: $d}) { id } }",
                json!({ "g": a.grant, "d": format!("2025-{m:02}-15") }),
            )
            .await
        }
        Op::Clause(p) => {
            app.exec(
                "mutation($c: UUID!, $p: Decimal!) { updateContract(id: $c, input: {trainingClause: {requiredSharePercent: $p}}) { id } }",
                json!({ "c": a.contract, "p": p.to_string() }),
            )
            .await
        }
    };
}

/// Property: no write made after `knownAt` changes an evaluation at `knownAt`. Generated
/// sequences of writes (reports, corrections, archive, delete, outcomes, meetings, minutes, LBF
/// submissions, handover, clause changes) are cut at a generated point; everything an auditor
/// can ask at that point answers the same before and after the rest of the writes.
#[tokio::test]
async fn no_write_after_known_at_changes_what_was_known_then() {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let cases = prop::collection::vec(op(), 4..12);
    let cut = 0usize..12;
    for case in 0..5 {
        let ops = cases.new_tree(&mut runner).unwrap().current();
        let k = cut.new_tree(&mut runner).unwrap().current().min(ops.len());
        let app = TestApp::new().await;
        let a = site(&app, "A", 0).await;
        for op in &ops[..k] {
            apply(&app, &a, op).await;
        }
        let known_at = tick().await;
        let vars = json!({ "g": a.grant, "k": known_at.to_rfc3339() });
        let before = everything(&app, &vars).await;
        for res in &before {
            assert!(res.get("errors").is_none(), "case {case}: {res:#}");
        }
        for op in &ops[k..] {
            apply(&app, &a, op).await;
        }
        let after = everything(&app, &vars).await;
        assert_eq!(
            before,
            after,
            "case {case}: writes {:?} after knownAt changed what was known after {:?}",
            &ops[k..],
            &ops[..k]
        );
    }
}

/// Error messages follow the request's language too: ours in full Danish, with numbers and
/// dates written the Danish way; the private Danish extension never reaches a client.
#[tokio::test]
async fn error_messages_speak_danish_when_asked() {
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let q = "mutation($c: UUID!, $p: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-03\", totalHours: \"100\", traineeHours: [{placementId: $p, hours: \"150\"}]}) { id } }";
    let vars = json!({ "c": a.contract, "p": a.placement });
    let da = app.exec_lang(api::i18n::Lang::Da, q, vars.clone()).await;
    let e = &da["errors"][0];
    assert_eq!(e["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(e["extensions"]["field"], "traineeHours");
    assert_eq!(
        e["message"],
        "timerne for personer under oplæring (150,00) overstiger månedens samlede timer på pladsen (100,00); de samlede timer omfatter personer under oplæring"
    );
    assert!(e["extensions"].get("messageDa").is_none(), "{e}");
    let en = app.exec(q, vars).await;
    assert_eq!(
        en["errors"][0]["message"],
        "trainee hours (150.00) exceed the month's total labour hours (100.00); the total includes trainees"
    );
    assert!(en["errors"][0]["extensions"].get("messageDa").is_none());

    let missing = app
        .exec_lang(
            api::i18n::Lang::Da,
            "query($g: UUID!) { grant(id: $g) { id } }",
            json!({ "g": uuid::Uuid::nil() }),
        )
        .await;
    assert_eq!(
        missing["errors"][0]["message"],
        "LBF-tilsagn 00000000-0000-0000-0000-000000000000 findes ikke"
    );
    // The GraphQL layer's own refusals get a Danish lead.
    let invalid = app
        .exec_lang(api::i18n::Lang::Da, "{ nosuchfield }", json!({}))
        .await;
    assert!(
        invalid["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Forespørgslen er ugyldig: "),
        "{invalid}"
    );
}
