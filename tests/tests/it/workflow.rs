//! Reported hours someone stands behind: a subcontractor submits a month with the declaration on
//! honour, the main contractor approves or returns it, the bygherre accepts it (which locks it),
//! and a change after acceptance is a new version with a reason. Each scenario runs through
//! GraphQL as signed-in users of each role, on SQLite and PostgreSQL.

use api::auth::Principal;
use entity::enums::Role;
use serde_json::{Value, json};

use tests::{TestApp, id};

const DECLARATION: &str = "2026-12";

/// A grant with a main contract (contractor A) and a subcontract under it (contractor B) with
/// one apprentice, and a signed-in user for each party.
struct Chain {
    grant: String,
    main: String,
    sub: String,
    placement: String,
    bygherre: Principal,
    main_user: Principal,
    sub_user: Principal,
    tovholder: Principal,
    viewer: Principal,
    other_bygherre: Principal,
    other_contractor: Principal,
}

async fn user(
    app: &TestApp,
    name: &str,
    role: Role,
    org: Option<&str>,
    contractor: Option<&str>,
    grants: &[&str],
) -> Principal {
    let n = uuid::Uuid::new_v4().simple();
    let (u, _) = api::accounts::invite(
        &app.db,
        &Principal::system(),
        api::accounts::InviteUserInput {
            email: format!("{n}@example.dk"),
            display_name: name.to_owned(),
            role,
            organisation_id: org.map(|s| s.parse().unwrap()),
            contractor_id: contractor.map(|s| s.parse().unwrap()),
            grant_ids: grants.iter().map(|s| s.parse().unwrap()).collect(),
        },
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| e.message())
    .unwrap();
    api::accounts::user_principal(&u)
}

async fn chain(app: &TestApp) -> Chain {
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let grant = app.grant_on(&estate, "LBF-7").await;
    let (a, b, c) = (
        app.contractor(0).await,
        app.contractor(1).await,
        app.contractor(2).await,
    );
    let main = app.contract(&grant, &a).await;
    let sub = id(&app
        .ok(
            "mutation($g: UUID!, $c: UUID!, $p: UUID!) { createContract(input: {grantId: $g, contractorId: $c, kind: SUB, parentContractId: $p, trade: \"murer\", value: \"5000000\", startDate: \"2023-05-01\", endDate: \"2026-12-31\", trainingClause: {requiredSharePercent: \"14\"}}) { id } }",
            json!({ "g": grant, "c": b, "p": main }),
        )
        .await["createContract"]);
    let person = app.person("Lærling Laura").await;
    let placement = app.placement(&person, &grant, &sub).await;
    let other_org = id(&app
        .ok(
            "mutation { createHousingOrganisation(input: {name: \"Andet Boligselskab\"}) { id } }",
            json!({}),
        )
        .await["createHousingOrganisation"]);
    Chain {
        bygherre: user(
            app,
            "Birgitte Bygherre",
            Role::Bygherre,
            Some(&org),
            None,
            &[],
        )
        .await,
        main_user: user(
            app,
            "Mads Hovedentreprenør",
            Role::Contractor,
            None,
            Some(&a),
            &[],
        )
        .await,
        sub_user: user(
            app,
            "Sune Underentreprenør",
            Role::Contractor,
            None,
            Some(&b),
            &[],
        )
        .await,
        tovholder: user(
            app,
            "Tove Tovholder",
            Role::Tovholder,
            None,
            None,
            &[&grant],
        )
        .await,
        viewer: user(app, "Vibeke Viewer", Role::Viewer, None, None, &[]).await,
        other_bygherre: user(
            app,
            "Anden Bygherre",
            Role::Bygherre,
            Some(&other_org),
            None,
            &[],
        )
        .await,
        other_contractor: user(
            app,
            "Anden Entreprenør",
            Role::Contractor,
            None,
            Some(&c),
            &[],
        )
        .await,
        grant,
        main,
        sub,
        placement,
    }
}

const SUBMIT: &str = "mutation($c: UUID!, $m: YearMonth!, $t: Decimal!, $l: [TraineeHoursInput!]!, $d: String, $r: String) { reportMonthlyHours(input: {contractId: $c, month: $m, totalHours: $t, traineeHours: $l, declarationVersion: $d, reason: $r}) { id status version totalHours } }";
const DRAFT: &str = "mutation($c: UUID!, $m: YearMonth!, $t: Decimal!, $l: [TraineeHoursInput!]!) { saveHoursDraft(input: {contractId: $c, month: $m, totalHours: $t, traineeHours: $l}) { number status } }";
const APPROVE: &str = "mutation($c: UUID!, $m: YearMonth!, $r: String) { approveHoursMonth(input: {contractId: $c, month: $m, reason: $r}) { number status } }";
const ACCEPT: &str = "mutation($c: UUID!, $m: YearMonth!, $r: String) { acceptHoursMonth(input: {contractId: $c, month: $m, reason: $r}) { number status } }";
const RETURN: &str = "mutation($c: UUID!, $m: YearMonth!, $r: String) { returnHoursMonth(input: {contractId: $c, month: $m, reason: $r}) { number status } }";
const FIGURES: &str = "query($g: UUID!, $k: DateTime) { compliance(grantId: $g, asOf: \"2024-12-31\", knownAt: $k) { metrics { labourHours traineeHours } accepted { labourHours traineeHours labourPercent } } }";

async fn as_(app: &TestApp, who: &Principal, q: &str, vars: Value) -> Value {
    app.exec_as(Some(who.clone()), q, vars).await
}

async fn ok_as(app: &TestApp, who: &Principal, q: &str, vars: Value) -> Value {
    let res = as_(app, who, q, vars).await;
    assert!(res.get("errors").is_none(), "unexpected errors: {res:#}");
    res["data"].clone()
}

/// (code, field, message) of a refused call.
async fn refused(app: &TestApp, who: &Principal, q: &str, vars: Value) -> (String, String, String) {
    let res = as_(app, who, q, vars).await;
    let e = &res["errors"][0];
    assert!(!e.is_null(), "expected a refusal, got {res:#}");
    (
        e["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        e["extensions"]["field"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        e["message"].as_str().unwrap_or_default().to_owned(),
    )
}

fn month_vars(c: &str, m: &str, t: &str, lines: Value, reason: Option<&str>) -> Value {
    json!({ "c": c, "m": m, "t": t, "l": lines, "d": DECLARATION, "r": reason })
}

/// What a refusal must leave as it was.
async fn written(app: &TestApp) -> [i64; 4] {
    [
        app.count("hours_version").await,
        app.count("hours_status_change").await,
        app.count("hours_report").await,
        app.count("audit_log").await,
    ]
}

/// Scenario (the issue's journey): the subcontractor submits March 2024 with the declaration;
/// the bygherre cannot accept it before the main contractor has approved it; the main contractor
/// returns it with a reason (it stops counting); the subcontractor submits it again; the main
/// contractor approves; the bygherre accepts, and the month is locked (a direct change or an
/// archive is refused, naming the month, with nothing written). A correction with a reason is
/// version 2: the grant's figures use it from its submission and show that it is not accepted,
/// version 1 stays readable beside it with the difference, every step is recorded under its
/// person, and the figures as known before the correction are still those of version 1.
#[tokio::test]
async fn a_subcontractors_month_is_returned_resubmitted_approved_accepted_and_corrected() {
    let app = TestApp::new().await;
    let ch = chain(&app).await;
    let line = |h: &str| json!([{ "placementId": ch.placement, "hours": h }]);
    let march = |t: &str, h: &str, r: Option<&str>| month_vars(&ch.sub, "2024-03", t, line(h), r);

    // Without the declaration nothing is submitted.
    let mut no_declaration = march("1000", "140", None);
    no_declaration["d"] = Value::Null;
    let (code, field, message) = refused(&app, &ch.sub_user, SUBMIT, no_declaration).await;
    assert_eq!(
        (code.as_str(), field.as_str()),
        ("BAD_USER_INPUT", "declarationVersion")
    );
    assert!(message.contains("\"2026-12\""), "{message}");
    assert_eq!(app.count("hours_version").await, 0);

    let d = ok_as(&app, &ch.sub_user, SUBMIT, march("1000", "140", None)).await;
    assert_eq!(
        d["reportMonthlyHours"],
        json!({ "id": d["reportMonthlyHours"]["id"], "status": "SUBMITTED", "version": 1, "totalHours": "1000.00" })
    );
    let figures = ok_as(&app, &ch.bygherre, FIGURES, json!({ "g": ch.grant })).await;
    assert_eq!(figures["compliance"]["metrics"]["labourHours"], "1000.00");
    assert_eq!(
        figures["compliance"]["accepted"],
        json!({ "labourHours": "0.00", "traineeHours": "0.00", "labourPercent": "0.00" })
    );

    // The main contractor finds it among its subcontractors' months to approve.
    const PENDING: &str = "{ hoursAwaitingApproval { contractId month version contractorName } }";
    let pending = ok_as(&app, &ch.main_user, PENDING, json!({})).await;
    assert_eq!(
        pending["hoursAwaitingApproval"],
        json!([{ "contractId": ch.sub, "month": "2024-03", "version": 1, "contractorName": "Entreprenør 1" }])
    );
    let others = ok_as(&app, &ch.other_contractor, PENDING, json!({})).await;
    assert_eq!(others["hoursAwaitingApproval"], json!([]));

    // The bygherre may not skip the main contractor.
    let before = written(&app).await;
    let step = |r: Option<&str>| json!({ "c": ch.sub, "m": "2024-03", "r": r });
    let (code, _, message) = refused(&app, &ch.bygherre, ACCEPT, step(None)).await;
    assert_eq!(code, "CONFLICT");
    assert_eq!(
        message,
        "2024-03 cannot be accepted: the main contractor has not approved it yet"
    );
    // A return needs a reason.
    let (code, field, _) = refused(&app, &ch.main_user, RETURN, step(None)).await;
    assert_eq!(
        (code.as_str(), field.as_str()),
        ("BAD_USER_INPUT", "reason")
    );
    assert_eq!(written(&app).await, before);

    let d = ok_as(
        &app,
        &ch.main_user,
        RETURN,
        step(Some("Lærlingens timer for uge 11 mangler")),
    )
    .await;
    assert_eq!(
        d["returnHoursMonth"],
        json!({ "number": 1, "status": "RETURNED" })
    );
    // Returned: the month no longer counts.
    let figures = ok_as(&app, &ch.bygherre, FIGURES, json!({ "g": ch.grant })).await;
    assert_eq!(figures["compliance"]["metrics"]["labourHours"], "0.00");
    assert_eq!(app.count("hours_report").await, 0);

    let d = ok_as(&app, &ch.sub_user, SUBMIT, march("1000", "150", None)).await;
    assert_eq!(d["reportMonthlyHours"]["status"], "SUBMITTED");
    let d = ok_as(&app, &ch.main_user, APPROVE, step(None)).await;
    assert_eq!(
        d["approveHoursMonth"],
        json!({ "number": 1, "status": "APPROVED" })
    );
    let pending = ok_as(&app, &ch.main_user, PENDING, json!({})).await;
    assert_eq!(pending["hoursAwaitingApproval"], json!([]));
    let d = ok_as(&app, &ch.bygherre, ACCEPT, step(None)).await;
    assert_eq!(
        d["acceptHoursMonth"],
        json!({ "number": 1, "status": "ACCEPTED" })
    );
    let figures = ok_as(&app, &ch.bygherre, FIGURES, json!({ "g": ch.grant })).await;
    assert_eq!(
        figures["compliance"]["accepted"],
        json!({ "labourHours": "1000.00", "traineeHours": "150.00", "labourPercent": "100.00" })
    );
    let accepted_at = chrono::Utc::now();

    // Locked: a direct change (without a reason) and an archive are refused, naming the month.
    let before = written(&app).await;
    let (code, field, message) =
        refused(&app, &ch.sub_user, SUBMIT, march("1100", "160", None)).await;
    assert_eq!(
        (code.as_str(), field.as_str()),
        ("BAD_USER_INPUT", "reason")
    );
    assert_eq!(
        message,
        "2024-03 was accepted by the bygherre: a change is a new version, and needs a reason"
    );
    let report = app
        .ok(
            "query($c: UUID!) { hoursReports(filter: {contractId: $c}) { nodes { id status version } } }",
            json!({ "c": ch.sub }),
        )
        .await["hoursReports"]["nodes"][0]
        .clone();
    assert_eq!(
        (report["status"].as_str(), report["version"].as_i64()),
        (Some("ACCEPTED"), Some(1))
    );
    let (code, _, message) = refused(
        &app,
        &ch.sub_user,
        "mutation($id: UUID!) { archiveHoursReport(id: $id) { id } }",
        json!({ "id": report["id"] }),
    )
    .await;
    assert_eq!(code, "CONFLICT");
    assert!(
        message.starts_with("the report for 2024-03 is accepted by the bygherre and locked"),
        "{message}"
    );
    assert_eq!(written(&app).await, before);

    // The correction: version 2, counted from its submission, not accepted.
    let d = ok_as(
        &app,
        &ch.sub_user,
        SUBMIT,
        march("1100", "160", Some("Rettet efter lønkørslen for marts")),
    )
    .await;
    assert_eq!(
        (
            d["reportMonthlyHours"]["status"].as_str(),
            d["reportMonthlyHours"]["version"].as_i64()
        ),
        (Some("SUBMITTED"), Some(2))
    );
    let figures = ok_as(&app, &ch.bygherre, FIGURES, json!({ "g": ch.grant })).await;
    assert_eq!(figures["compliance"]["metrics"]["labourHours"], "1100.00");
    assert_eq!(figures["compliance"]["metrics"]["traineeHours"], "160.00");
    assert_eq!(figures["compliance"]["accepted"]["labourHours"], "0.00");
    // As known before the correction: version 1, accepted.
    let then = ok_as(
        &app,
        &ch.bygherre,
        FIGURES,
        json!({ "g": ch.grant, "k": accepted_at.to_rfc3339() }),
    )
    .await;
    assert_eq!(then["compliance"]["metrics"]["labourHours"], "1000.00");
    assert_eq!(then["compliance"]["accepted"]["labourHours"], "1000.00");

    // Both versions readable, the difference, and every step under its person. The main
    // contractor reads its subcontractor's month too.
    let month = ok_as(
        &app,
        &ch.main_user,
        "query($c: UUID!) { hoursMonth(contractId: $c, month: \"2024-03\") { status approvalRequired versions { number status totalHours traineeHours reason declarationVersion declaredBy } diff { fromVersion toVersion totalBefore totalAfter totalChange lines { placementId before after change } } steps { version from to reason actor } } }",
        json!({ "c": ch.sub }),
    )
    .await["hoursMonth"]
        .clone();
    assert_eq!(month["status"], "SUBMITTED");
    assert_eq!(month["approvalRequired"], true);
    assert_eq!(
        month["versions"],
        json!([
            { "number": 2, "status": "SUBMITTED", "totalHours": "1100.00", "traineeHours": "160.00", "reason": "Rettet efter lønkørslen for marts", "declarationVersion": "2026-12", "declaredBy": "Sune Underentreprenør" },
            { "number": 1, "status": "ACCEPTED", "totalHours": "1000.00", "traineeHours": "150.00", "reason": null, "declarationVersion": "2026-12", "declaredBy": "Sune Underentreprenør" },
        ])
    );
    assert_eq!(
        month["diff"],
        json!({ "fromVersion": 1, "toVersion": 2, "totalBefore": "1000.00", "totalAfter": "1100.00", "totalChange": "100.00",
            "lines": [{ "placementId": ch.placement, "before": "150.00", "after": "160.00", "change": "10.00" }] })
    );
    let steps: Vec<(Value, Value, Value, Value)> = month["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["version"].clone(),
                s["from"].clone(),
                s["to"].clone(),
                s["actor"].clone(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (
                json!(1),
                json!(null),
                json!("SUBMITTED"),
                json!("Sune Underentreprenør")
            ),
            (
                json!(1),
                json!("SUBMITTED"),
                json!("RETURNED"),
                json!("Mads Hovedentreprenør")
            ),
            (
                json!(1),
                json!("RETURNED"),
                json!("SUBMITTED"),
                json!("Sune Underentreprenør")
            ),
            (
                json!(1),
                json!("SUBMITTED"),
                json!("APPROVED"),
                json!("Mads Hovedentreprenør")
            ),
            (
                json!(1),
                json!("APPROVED"),
                json!("ACCEPTED"),
                json!("Birgitte Bygherre")
            ),
            (
                json!(2),
                json!(null),
                json!("SUBMITTED"),
                json!("Sune Underentreprenør")
            ),
        ]
    );
    assert_eq!(
        month["steps"][1]["reason"],
        "Lærlingens timer for uge 11 mangler"
    );
    // The audit trail holds every step under the person who took it.
    assert_eq!(
        app.count_where("audit_log", "entity = 'Hours report version'")
            .await,
        6
    );
    assert_eq!(
        app.count_where(
            "audit_log",
            "entity = 'Hours report version' AND user_id IS NULL"
        )
        .await,
        0
    );
    // A viewer (dashboards) reads the month's figures and steps, never a person: not the
    // trainee, not who declared or took a step.
    let seen = ok_as(
        &app,
        &ch.viewer,
        "query($c: UUID!) { hoursMonth(contractId: $c, month: \"2024-03\") { versions { totalHours declaredBy lines { traineeName } } steps { actor } } }",
        json!({ "c": ch.sub }),
    )
    .await["hoursMonth"]
        .clone();
    assert_eq!(seen["versions"][0]["totalHours"], "1100.00");
    assert!(seen["versions"].as_array().unwrap().iter().all(|v| {
        v["declaredBy"].is_null()
            && v["lines"]
                .as_array()
                .unwrap()
                .iter()
                .all(|l| l["traineeName"].is_null())
    }));
    assert!(
        seen["steps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["actor"] == "")
    );
    // The main contractor, who approves, sees whose hours it approves.
    let named = ok_as(
        &app,
        &ch.main_user,
        "query($c: UUID!) { hoursMonth(contractId: $c, month: \"2024-03\") { versions { lines { traineeName } } nextSteps } }",
        json!({ "c": ch.sub }),
    )
    .await["hoursMonth"]
        .clone();
    assert_eq!(
        named["versions"][0]["lines"][0]["traineeName"],
        "Lærling Laura"
    );
    // Version 2 is submitted: the main contractor's to approve or return.
    assert_eq!(named["nextSteps"], json!(["APPROVE", "RETURN"]));

    // Someone outside the chain reads nothing of it.
    let (code, _, _) = refused(
        &app,
        &ch.other_contractor,
        "query($c: UUID!) { hoursMonth(contractId: $c, month: \"2024-03\") { status } }",
        json!({ "c": ch.sub }),
    )
    .await;
    assert_eq!(code, "FORBIDDEN");
}

/// Scenario: a subcontract's months stand in every status (none, draft, submitted, approved,
/// accepted, returned), and every party tries every step on each. Whatever the workflow does not
/// allow that party (the engine's table: the subcontractor reports, the main contractor
/// approves or returns before approval, the bygherre reports, accepts or returns after approval;
/// a tovholder, a viewer, another organisation's bygherre and an unrelated contractor do
/// nothing) is refused, FORBIDDEN for the wrong person and CONFLICT for the wrong moment, and
/// writes nothing.
#[tokio::test]
async fn every_forbidden_step_is_refused_for_every_role_with_nothing_written() {
    use api::workflow::{Actor, Step, next};
    use entity::enums::HoursStatus;
    let app = TestApp::new().await;
    let ch = chain(&app).await;
    let line = json!([{ "placementId": ch.placement, "hours": "100" }]);
    let submit = |m: &str| month_vars(&ch.sub, m, "1000", line.clone(), None);
    let step = |m: &str| json!({ "c": ch.sub, "m": m, "r": "Kontrolleret" });
    // 2024-01 has nothing; the others are brought to their status.
    ok_as(&app, &ch.sub_user, DRAFT, submit("2024-02")).await;
    for m in ["2024-03", "2024-04", "2024-05", "2024-06"] {
        ok_as(&app, &ch.sub_user, SUBMIT, submit(m)).await;
    }
    for m in ["2024-04", "2024-05"] {
        ok_as(&app, &ch.main_user, APPROVE, step(m)).await;
    }
    ok_as(&app, &ch.bygherre, ACCEPT, step("2024-05")).await;
    ok_as(&app, &ch.main_user, RETURN, step("2024-06")).await;
    let months = [
        ("2024-01", None),
        ("2024-02", Some(HoursStatus::Draft)),
        ("2024-03", Some(HoursStatus::Submitted)),
        ("2024-04", Some(HoursStatus::Approved)),
        ("2024-05", Some(HoursStatus::Accepted)),
        ("2024-06", Some(HoursStatus::Returned)),
    ];
    let none = Actor::default();
    let parties = [
        (
            "subcontractor",
            &ch.sub_user,
            Actor {
                reporter: true,
                ..none
            },
        ),
        (
            "main contractor",
            &ch.main_user,
            Actor {
                main_contractor: true,
                ..none
            },
        ),
        (
            "bygherre",
            &ch.bygherre,
            Actor {
                reporter: true,
                bygherre: true,
                ..none
            },
        ),
        ("tovholder", &ch.tovholder, none),
        ("viewer", &ch.viewer, none),
        ("other bygherre", &ch.other_bygherre, none),
        ("other contractor", &ch.other_contractor, none),
    ];
    let mut tried = 0;
    for (party, who, actor) in parties {
        for (m, status) in months {
            for s in Step::ALL {
                let Err(refusal) = next(status, s, actor, true) else {
                    continue;
                };
                let (q, vars) = match s {
                    Step::SaveDraft => (DRAFT, submit(m)),
                    Step::Submit => (SUBMIT, submit(m)),
                    Step::Approve => (APPROVE, step(m)),
                    Step::Accept => (ACCEPT, step(m)),
                    Step::Return => (RETURN, step(m)),
                };
                let before = written(&app).await;
                let (code, _, message) = refused(&app, who, q, vars).await;
                let want = if refusal.forbidden() {
                    "FORBIDDEN"
                } else {
                    "CONFLICT"
                };
                assert_eq!(code, want, "{party} {s:?} on {m} ({status:?}): {message}");
                assert_eq!(written(&app).await, before, "{party} {s:?} on {m} wrote");
                tried += 1;
            }
        }
    }
    // Every party's refusals, each tried: 7 parties x 6 months x 5 steps, less what is allowed.
    assert_eq!(tried, 7 * 6 * 5 - 24);
}

/// Scenario: the main contract had no work on site in February 2024. Before the declaration R6
/// counts the month as missing; after it ("ingen aktivitet", on honour), the month is reported
/// with zero hours and the report says so.
#[tokio::test]
async fn a_no_activity_month_clears_r6_for_that_month() {
    let app = TestApp::new().await;
    let ch = chain(&app).await;
    let missing = || async {
        let d = app
            .ok(
                "query($g: UUID!) { compliance(grantId: $g, asOf: \"2024-04-30\") { findings { code subjectId months } } }",
                json!({ "g": ch.grant }),
            )
            .await;
        d["compliance"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "R6_MISSING" && f["subjectId"] == json!(ch.main))
            .flat_map(|f| f["months"].as_array().unwrap().clone())
            .collect::<Vec<Value>>()
    };
    assert!(missing().await.contains(&json!("2024-02")));
    let d = ok_as(
        &app,
        &ch.bygherre,
        "mutation($c: UUID!) { declareNoActivity(input: {contractId: $c, month: \"2024-02\", declarationVersion: \"2026-12\"}) { month totalHours traineeHours noActivity status } }",
        json!({ "c": ch.main }),
    )
    .await;
    assert_eq!(
        d["declareNoActivity"],
        json!({ "month": "2024-02", "totalHours": "0.00", "traineeHours": "0.00", "noActivity": true, "status": "SUBMITTED" })
    );
    let after = missing().await;
    assert!(!after.contains(&json!("2024-02")), "{after:?}");
    assert!(after.contains(&json!("2024-03")), "{after:?}");
}

/// Scenario: the bygherre turns the main contractor's approval off for its grant
/// (`mainContractorApproval: false`): a subcontractor's submitted month is then the bygherre's
/// to accept at once, and the main contractor has nothing to approve.
#[tokio::test]
async fn a_grant_without_main_contractor_approval_goes_straight_to_the_bygherre() {
    let app = TestApp::new().await;
    let ch = chain(&app).await;
    let d = ok_as(
        &app,
        &ch.bygherre,
        "mutation($g: UUID!) { updateGrant(id: $g, input: {mainContractorApproval: false}) { mainContractorApproval } }",
        json!({ "g": ch.grant }),
    )
    .await;
    assert_eq!(d["updateGrant"]["mainContractorApproval"], false);
    let line = json!([{ "placementId": ch.placement, "hours": "100" }]);
    ok_as(
        &app,
        &ch.sub_user,
        SUBMIT,
        month_vars(&ch.sub, "2024-04", "900", line, None),
    )
    .await;
    let step = json!({ "c": ch.sub, "m": "2024-04", "r": null });
    let (code, _, message) = refused(&app, &ch.main_user, APPROVE, step.clone()).await;
    assert_eq!(code, "CONFLICT");
    assert_eq!(
        message,
        "2024-04 cannot be approved: it needs no main contractor's approval"
    );
    let d = ok_as(&app, &ch.bygherre, ACCEPT, step).await;
    assert_eq!(
        d["acceptHoursMonth"],
        json!({ "number": 1, "status": "ACCEPTED" })
    );
    let month = ok_as(
        &app,
        &ch.main_user,
        "query($c: UUID!) { hoursMonth(contractId: $c, month: \"2024-04\") { approvalRequired nextSteps } }",
        json!({ "c": ch.sub }),
    )
    .await;
    assert_eq!(
        month["hoursMonth"],
        json!({ "approvalRequired": false, "nextSteps": [] })
    );
}

/// Scenario: what the tracker said, and when. The subcontractor's February 2024 is returned by
/// the main contractor today; twenty days on (past the ten days to submit it again) R6 reports
/// it returned and not submitted again, as known now. Asked as known just before the return,
/// the same day shows no such finding: the month was then a submitted one.
#[tokio::test]
async fn a_returned_month_is_a_finding_only_as_known_after_the_return() {
    let app = TestApp::new().await;
    let ch = chain(&app).await;
    let line = json!([{ "placementId": ch.placement, "hours": "100" }]);
    ok_as(
        &app,
        &ch.sub_user,
        SUBMIT,
        month_vars(&ch.sub, "2024-02", "900", line, None),
    )
    .await;
    let before_return = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    ok_as(
        &app,
        &ch.main_user,
        RETURN,
        json!({ "c": ch.sub, "m": "2024-02", "r": "Uge 7 mangler" }),
    )
    .await;
    let later = api::units::danish_today() + chrono::Days::new(20);
    let returned = |known: chrono::DateTime<chrono::Utc>| {
        let app = &app;
        let (grant, sub) = (ch.grant.clone(), ch.sub.clone());
        async move {
            let d = app
                .ok(
                    "query($g: UUID!, $a: NaiveDate!, $k: DateTime!) { compliance(grantId: $g, asOf: $a, knownAt: $k) { findings { code subjectId months } } }",
                    json!({ "g": grant, "a": later, "k": known }),
                )
                .await;
            d["compliance"]["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["code"] == "R6_RETURNED" && f["subjectId"] == json!(sub))
                .map(|f| f["months"].clone())
                .collect::<Vec<Value>>()
        }
    };
    assert_eq!(returned(chrono::Utc::now()).await, vec![json!(["2024-02"])]);
    assert_eq!(returned(before_return).await, Vec::<Value>::new());
}
