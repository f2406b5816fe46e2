//! The authorization matrix: every mutation of the schema, run as every role, on a site in the
//! caller's scope (A) and on one outside it (B). Allowed calls succeed and leave exactly one audit
//! row; refused calls answer FORBIDDEN and write nothing at all (every table's row count and latest
//! `updated_at` unchanged).

use entity::enums::Role;
use serde_json::{Value, json};
use tests::world::{Site, made, principal, site};
use tests::{TestApp, id, nth_cvr};
use uuid::Uuid;

// Fresh targets, made by an administrator, so a successful archive or delete in one run does not
// change what the next run sees.

async fn fresh_grant(app: &TestApp, s: &Site) -> String {
    app.grant_on(&s.estate, &format!("F-{}", Uuid::new_v4().simple()))
        .await
}

async fn fresh_contract(app: &TestApp, s: &Site) -> String {
    app.contract(&s.grant, &s.contractor).await
}

async fn fresh_placed_person(app: &TestApp, s: &Site) -> String {
    let p = app.person("Ny").await;
    app.placement(&p, &s.grant, &s.contract).await;
    p
}

async fn fresh_report(app: &TestApp, s: &Site) -> String {
    let c = fresh_contract(app, s).await;
    made(
        app,
        "mutation($c: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-01\", totalHours: \"100\", traineeHours: []}) { id } }",
        json!({ "c": c }),
    )
    .await
}

async fn fresh_trial(app: &TestApp, s: &Site) -> String {
    made(
        app,
        "mutation($p: UUID!, $g: UUID!) { createTrialPlacement(input: {personId: $p, grantId: $g, tovholder: \"T\", startDate: \"2024-03-04\"}) { id } }",
        json!({ "p": s.person, "g": s.grant }),
    )
    .await
}

async fn fresh_member(app: &TestApp, s: &Site) -> String {
    made(
        app,
        "mutation($g: UUID!) { createGroupMember(input: {groupId: $g, name: \"N\", organisation: \"O\", role: OTHER}) { id } }",
        json!({ "g": s.group }),
    )
    .await
}

async fn fresh_meeting(app: &TestApp, s: &Site) -> String {
    made(
        app,
        "mutation($g: UUID!) { createMeeting(input: {groupId: $g, date: \"2024-05-01\", durationMinutes: 60, attendeeIds: []}) { id } }",
        json!({ "g": s.group }),
    )
    .await
}

async fn fresh_action(app: &TestApp, s: &Site) -> String {
    made(
        app,
        "mutation($m: UUID!) { createActionItem(input: {meetingId: $m, description: \"D\", owner: \"O\"}) { id } }",
        json!({ "m": s.meeting }),
    )
    .await
}

/// A contract whose clause lapses on company documentation of at least 10 %.
async fn fresh_documented_contract(app: &TestApp, s: &Site) -> String {
    made(
        app,
        "mutation($g: UUID!, $c: UUID!) { createContract(input: {grantId: $g, contractorId: $c, kind: TRADE, trade: \"tømrer\", value: \"1000000\", startDate: \"2023-03-01\", endDate: \"2026-12-31\", trainingClause: {requiredSharePercent: \"14\", companyDocumentationThresholdPercent: \"10\"}}) { id } }",
        json!({ "g": s.grant, "c": s.contractor }),
    )
    .await
}

async fn fresh_documentation(app: &TestApp, s: &Site) -> String {
    made(
        app,
        "mutation($c: UUID!) { recordCompanyDocumentation(input: {contractId: $c, periodFrom: \"2024-01-01\", periodTo: \"2024-12-31\", documentedSharePercent: \"11\", document: \"Årsrapport 2024\", recordedBy: \"Byggeleder\"}) { id } }",
        json!({ "c": fresh_documented_contract(app, s).await }),
    )
    .await
}

fn by_id(mutation: &str, id: String) -> (String, Value) {
    let selection = if mutation.starts_with("delete") {
        ""
    } else {
        " { id }"
    };
    (
        format!("mutation($id: UUID!) {{ {mutation}(id: $id){selection} }}"),
        json!({ "id": id }),
    )
}

/// The mutation `name` against site `s`, with fresh targets where the call consumes one.
async fn build(app: &TestApp, s: &Site, name: &str, n: usize) -> (String, Value) {
    let q = |q: &str, v: Value| (q.to_owned(), v);
    match name {
        "createHousingOrganisation" => q(
            "mutation { createHousingOrganisation(input: {name: \"Ny\"}) { id } }",
            json!({}),
        ),
        "updateHousingOrganisation" => q(
            "mutation($id: UUID!) { updateHousingOrganisation(id: $id, input: {name: \"Omdøbt\"}) { id } }",
            json!({ "id": s.org }),
        ),
        "archiveHousingOrganisation" | "deleteHousingOrganisation" => {
            by_id(name, app.organisation().await)
        }
        "createEstate" => q(
            "mutation($o: UUID!) { createEstate(input: {organisationId: $o, name: \"Ny\", municipality: \"Odense\"}) { id } }",
            json!({ "o": s.org }),
        ),
        "updateEstate" => q(
            "mutation($id: UUID!) { updateEstate(id: $id, input: {isVulnerableArea: true}) { id } }",
            json!({ "id": s.estate }),
        ),
        "archiveEstate" | "deleteEstate" => by_id(name, app.estate(&s.org).await),
        "createGrant" => q(
            "mutation($e: UUID!, $c: String!) { createGrant(input: {estateId: $e, caseNumber: $c, title: \"T\", kind: RENOVATION, commitmentYear: 2021, stage: SKEMA_B}) { id } }",
            json!({ "e": s.estate, "c": format!("N-{n}") }),
        ),
        "updateGrant" => q(
            "mutation($id: UUID!) { updateGrant(id: $id, input: {title: \"Ny titel\"}) { id } }",
            json!({ "id": s.grant }),
        ),
        "archiveGrant" | "deleteGrant" => by_id(name, fresh_grant(app, s).await),
        "createContractor" => q(
            "mutation($c: String!) { createContractor(input: {cvr: $c, name: \"Ny ApS\"}) { id } }",
            json!({ "c": nth_cvr(n) }),
        ),
        "updateContractor" => q(
            "mutation($id: UUID!) { updateContractor(id: $id, input: {name: \"Omdøbt A/S\"}) { id } }",
            json!({ "id": s.contractor }),
        ),
        "archiveContractor" | "deleteContractor" => by_id(
            name,
            made(
                app,
                "mutation($c: String!) { createContractor(input: {cvr: $c, name: \"Fri ApS\"}) { id } }",
                json!({ "c": nth_cvr(10_000 + n) }),
            )
            .await,
        ),
        "createContract" => q(
            "mutation($g: UUID!, $c: UUID!) { createContract(input: {grantId: $g, contractorId: $c, kind: MAIN, trade: \"murer\", value: \"1000000\", startDate: \"2023-03-01\", endDate: \"2026-12-31\", trainingClause: {requiredSharePercent: \"14\"}}) { id } }",
            json!({ "g": s.grant, "c": s.contractor }),
        ),
        "updateContract" => q(
            "mutation($id: UUID!) { updateContract(id: $id, input: {trade: \"murer og tømrer\"}) { id } }",
            json!({ "id": s.contract }),
        ),
        "archiveContract" | "deleteContract" => by_id(name, fresh_contract(app, s).await),
        "createPerson" => q(
            "mutation { createPerson(input: {displayName: \"Ny\", birthYear: 2004}) { id } }",
            json!({}),
        ),
        "updatePerson" => q(
            "mutation($id: UUID!) { updatePerson(id: $id, input: {consentDate: \"2024-01-02\"}) { id } }",
            json!({ "id": s.person }),
        ),
        "archivePerson" | "erasePerson" => by_id(name, fresh_placed_person(app, s).await),
        // Only an unplaced person can be deleted; only administrators may delete one.
        "deletePerson" => by_id(name, app.person("Løs").await),
        "createPlacement" => q(
            "mutation($p: UUID!, $g: UUID!, $c: UUID!) { createPlacement(input: {personId: $p, grantId: $g, contractId: $c, kind: FGU, trade: \"murer\", startDate: \"2024-06-01\"}) { id } }",
            json!({ "p": s.person, "g": s.grant, "c": s.contract }),
        ),
        "updatePlacement" => q(
            "mutation($id: UUID!) { updatePlacement(id: $id, input: {trade: \"tømrer\"}) { id } }",
            json!({ "id": s.placement }),
        ),
        "archivePlacement" | "deletePlacement" => by_id(
            name,
            app.placement(&s.person, &s.grant, &s.contract).await,
        ),
        "reportMonthlyHours" => q(
            "mutation($c: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-02\", totalHours: \"500\", traineeHours: []}) { id } }",
            json!({ "c": fresh_contract(app, s).await }),
        ),
        "archiveHoursReport" | "deleteHoursReport" => by_id(name, fresh_report(app, s).await),
        "saveHoursDraft" => q(
            "mutation($c: UUID!) { saveHoursDraft(input: {contractId: $c, month: \"2024-02\", totalHours: \"500\"}) { id } }",
            json!({ "c": fresh_contract(app, s).await }),
        ),
        "declareNoActivity" => q(
            "mutation($c: UUID!) { declareNoActivity(input: {contractId: $c, month: \"2024-02\", declarationVersion: \"2026-12\"}) { id } }",
            json!({ "c": fresh_contract(app, s).await }),
        ),
        // A main contract's submitted month, which the bygherre accepts or returns.
        "acceptHoursMonth" | "returnHoursMonth" => {
            let c = fresh_contract(app, s).await;
            made(
                app,
                "mutation($c: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-01\", totalHours: \"100\"}) { id } }",
                json!({ "c": c }),
            )
            .await;
            q(
                &format!("mutation($c: UUID!) {{ {name}(input: {{contractId: $c, month: \"2024-01\", reason: \"Kontrolleret\"}}) {{ id }} }}"),
                json!({ "c": c }),
            )
        }
        "createTrialPlacement" => q(
            "mutation($p: UUID!, $g: UUID!, $h: UUID!) { createTrialPlacement(input: {personId: $p, grantId: $g, hostContractorId: $h, tovholder: \"T\", startDate: \"2024-04-01\"}) { id } }",
            json!({ "p": s.person, "g": s.grant, "h": s.contractor }),
        ),
        "updateTrialPlacement" => q(
            "mutation($id: UUID!) { updateTrialPlacement(id: $id, input: {tovholder: \"Jobcenter Odense\"}) { id } }",
            json!({ "id": s.trial }),
        ),
        "archiveTrialPlacement" | "deleteTrialPlacement" => {
            by_id(name, fresh_trial(app, s).await)
        }
        "recordTrialOutcome" => q(
            "mutation($id: UUID!) { recordTrialOutcome(input: {trialPlacementId: $id, outcome: EDUCATION, outcomeDate: \"2024-04-01\"}) { id } }",
            json!({ "id": fresh_trial(app, s).await }),
        ),
        "recordThreeMonthStatus" => q(
            "mutation($id: UUID!) { recordThreeMonthStatus(input: {trialPlacementId: $id, status: ORDINARY_WORK, statusDate: \"2024-07-01\"}) { id } }",
            json!({ "id": fresh_trial(app, s).await }),
        ),
        "recordCompanyDocumentation" => q(
            "mutation($c: UUID!) { recordCompanyDocumentation(input: {contractId: $c, periodFrom: \"2024-01-01\", periodTo: \"2024-06-30\", documentedSharePercent: \"10.5\", document: \"Erklæring\", recordedBy: \"Byggeleder\"}) { id } }",
            json!({ "c": fresh_documented_contract(app, s).await }),
        ),
        "archiveCompanyDocumentation" | "deleteCompanyDocumentation" => {
            by_id(name, fresh_documentation(app, s).await)
        }
        "createFollowUpGroup" => q(
            "mutation($g: UUID!) { createFollowUpGroup(input: {grantId: $g, name: \"Følgegruppe\"}) { id } }",
            json!({ "g": fresh_grant(app, s).await }),
        ),
        "updateFollowUpGroup" => q(
            "mutation($id: UUID!) { updateFollowUpGroup(id: $id, input: {cadenceDays: 45}) { id } }",
            json!({ "id": s.group }),
        ),
        "archiveFollowUpGroup" | "deleteFollowUpGroup" => {
            let g = fresh_grant(app, s).await;
            by_id(name, app.group(&g).await)
        }
        "createGroupMember" => q(
            "mutation($g: UUID!) { createGroupMember(input: {groupId: $g, name: \"Ny\", organisation: \"3F\", role: UNION}) { id } }",
            json!({ "g": s.group }),
        ),
        "updateGroupMember" => q(
            "mutation($id: UUID!) { updateGroupMember(id: $id, input: {organisation: \"Jobcenter Odense\"}) { id } }",
            json!({ "id": s.member }),
        ),
        "archiveGroupMember" | "deleteGroupMember" => by_id(name, fresh_member(app, s).await),
        "createMeeting" => q(
            "mutation($g: UUID!) { createMeeting(input: {groupId: $g, date: \"2024-04-01\", durationMinutes: 60, attendeeIds: []}) { id } }",
            json!({ "g": s.group }),
        ),
        "updateMeeting" => q(
            "mutation($id: UUID!) { updateMeeting(id: $id, input: {durationMinutes: 75}) { id } }",
            json!({ "id": s.meeting }),
        ),
        "addMeetingMinutes" => q(
            "mutation($id: UUID!) { addMeetingMinutes(input: {meetingId: $id, minutes: \"Status\", decisions: \"Ingen\"}) { id } }",
            json!({ "id": s.meeting }),
        ),
        "archiveMeeting" | "deleteMeeting" => by_id(name, fresh_meeting(app, s).await),
        "createActionItem" => q(
            "mutation($m: UUID!) { createActionItem(input: {meetingId: $m, description: \"Ny\", owner: \"O\"}) { id } }",
            json!({ "m": s.meeting }),
        ),
        "updateActionItem" => q(
            "mutation($id: UUID!) { updateActionItem(id: $id, input: {done: true}) { id } }",
            json!({ "id": s.action }),
        ),
        "archiveActionItem" | "deleteActionItem" => by_id(name, fresh_action(app, s).await),
        "submitLbfReport" => q(
            "mutation($g: UUID!) { submitLbfReport(input: {grantId: $g, year: 2024, submittedBy: \"PL\"}) { id } }",
            json!({ "g": fresh_grant(app, s).await }),
        ),
        "correctLbfReport" => {
            let g = fresh_grant(app, s).await;
            app.ok(
                "mutation($g: UUID!) { submitLbfReport(input: {grantId: $g, year: 2024, submittedBy: \"PL\"}) { id } }",
                json!({ "g": g }),
            )
            .await;
            q(
                "mutation($g: UUID!) { correctLbfReport(input: {grantId: $g, year: 2024, submittedBy: \"PL\", reason: \"Rettelse\"}) { id } }",
                json!({ "g": g }),
            )
        }
        "createApiToken" => q(
            "mutation { createApiToken(input: {name: \"Ny\", role: VIEWER}) { token } }",
            json!({}),
        ),
        "revokeApiToken" => by_id(
            name,
            id(&app
                .ok(
                    "mutation { createApiToken(input: {name: \"Fri\", role: VIEWER}) { apiToken { id } } }",
                    json!({}),
                )
                .await["createApiToken"]["apiToken"]),
        ),
        "inviteUser" => q(
            "mutation($e: String!) { inviteUser(input: {email: $e, displayName: \"Ny\", role: VIEWER}) { invitationPath } }",
            json!({ "e": format!("{}@example.dk", uuid::Uuid::now_v7().simple()) }),
        ),
        "revokeUserSessions" => {
            let user = app
                .ok(
                    "mutation($e: String!) { inviteUser(input: {email: $e, displayName: \"Fri\", role: VIEWER}) { user { id } } }",
                    json!({ "e": format!("{}@example.dk", uuid::Uuid::now_v7().simple()) }),
                )
                .await["inviteUser"]["user"]["id"]
                .as_str()
                .unwrap()
                .to_owned();
            q(
                "mutation($u: UUID!) { revokeUserSessions(userId: $u) }",
                json!({ "u": user }),
            )
        }
        "resetUserPassword" => {
            let user = app
                .ok(
                    "mutation($e: String!) { inviteUser(input: {email: $e, displayName: \"Glemsom\", role: VIEWER}) { user { id } } }",
                    json!({ "e": format!("{}@example.dk", uuid::Uuid::now_v7().simple()) }),
                )
                .await["inviteUser"]["user"]["id"]
                .as_str()
                .unwrap()
                .to_owned();
            q(
                "mutation($u: UUID!) { resetUserPassword(userId: $u) { invitationPath } }",
                json!({ "u": user }),
            )
        }
        other => panic!("no case for mutation {other}: add it to the matrix"),
    }
}

use Role::{Admin, Bygherre, Contractor, Tovholder, Viewer};

const ADMIN: &[Role] = &[Admin];
const CLIENT: &[Role] = &[Admin, Bygherre];
const SITE_STAFF: &[Role] = &[Admin, Contractor, Tovholder];
const CONTRACTOR: &[Role] = &[Admin, Contractor];
const TOVHOLDER: &[Role] = &[Admin, Tovholder];
const FOLLOW_UP: &[Role] = &[Admin, Bygherre, Tovholder];
/// Hours are reported by the contractor, or recorded by the bygherre when it loads months that
/// came in on paper (with the declared filing date).
const HOURS: &[Role] = &[Admin, Bygherre, Contractor];

/// (mutation, roles allowed on their own site, whether the call targets a site at all).
const CASES: &[(&str, &[Role], bool)] = &[
    ("createHousingOrganisation", ADMIN, false),
    ("updateHousingOrganisation", ADMIN, true),
    ("archiveHousingOrganisation", ADMIN, false),
    ("deleteHousingOrganisation", ADMIN, false),
    ("createEstate", CLIENT, true),
    ("updateEstate", CLIENT, true),
    ("archiveEstate", CLIENT, true),
    ("deleteEstate", CLIENT, true),
    ("createGrant", CLIENT, true),
    ("updateGrant", CLIENT, true),
    ("archiveGrant", CLIENT, true),
    ("deleteGrant", CLIENT, true),
    ("createContractor", CLIENT, false),
    ("updateContractor", ADMIN, true),
    ("archiveContractor", ADMIN, false),
    ("deleteContractor", ADMIN, false),
    ("createContract", CLIENT, true),
    ("updateContract", CLIENT, true),
    ("archiveContract", CLIENT, true),
    ("deleteContract", CLIENT, true),
    ("createPerson", SITE_STAFF, false),
    ("updatePerson", SITE_STAFF, true),
    ("archivePerson", ADMIN, true),
    ("deletePerson", ADMIN, false),
    ("erasePerson", ADMIN, true),
    ("createPlacement", CONTRACTOR, true),
    ("updatePlacement", CONTRACTOR, true),
    ("archivePlacement", CONTRACTOR, true),
    ("deletePlacement", CONTRACTOR, true),
    ("reportMonthlyHours", HOURS, true),
    ("saveHoursDraft", HOURS, true),
    ("declareNoActivity", HOURS, true),
    ("acceptHoursMonth", CLIENT, true),
    ("returnHoursMonth", CLIENT, true),
    ("archiveHoursReport", CONTRACTOR, true),
    ("deleteHoursReport", CONTRACTOR, true),
    ("createTrialPlacement", TOVHOLDER, true),
    ("updateTrialPlacement", TOVHOLDER, true),
    ("archiveTrialPlacement", TOVHOLDER, true),
    ("deleteTrialPlacement", TOVHOLDER, true),
    ("recordTrialOutcome", TOVHOLDER, true),
    ("recordThreeMonthStatus", TOVHOLDER, true),
    ("recordCompanyDocumentation", CLIENT, true),
    ("archiveCompanyDocumentation", CLIENT, true),
    ("deleteCompanyDocumentation", CLIENT, true),
    ("createFollowUpGroup", FOLLOW_UP, true),
    ("updateFollowUpGroup", FOLLOW_UP, true),
    ("archiveFollowUpGroup", FOLLOW_UP, true),
    ("deleteFollowUpGroup", FOLLOW_UP, true),
    ("createGroupMember", FOLLOW_UP, true),
    ("updateGroupMember", FOLLOW_UP, true),
    ("archiveGroupMember", FOLLOW_UP, true),
    ("deleteGroupMember", FOLLOW_UP, true),
    ("createMeeting", FOLLOW_UP, true),
    ("updateMeeting", FOLLOW_UP, true),
    ("addMeetingMinutes", FOLLOW_UP, true),
    ("archiveMeeting", FOLLOW_UP, true),
    ("deleteMeeting", FOLLOW_UP, true),
    ("createActionItem", FOLLOW_UP, true),
    ("updateActionItem", FOLLOW_UP, true),
    ("archiveActionItem", FOLLOW_UP, true),
    ("deleteActionItem", FOLLOW_UP, true),
    ("submitLbfReport", CLIENT, true),
    ("correctLbfReport", CLIENT, true),
    ("createApiToken", ADMIN, false),
    ("revokeApiToken", ADMIN, false),
    ("inviteUser", ADMIN, false),
    ("revokeUserSessions", ADMIN, false),
    ("resetUserPassword", ADMIN, false),
];

const ROLES: [Role; 5] = [Admin, Bygherre, Contractor, Tovholder, Viewer];

/// Mutations whose roles and scope are proven in their own test: `importPayroll` answers a
/// contract outside the caller's scope as a problem of the file (nothing written), not as an
/// error, and audits one row per month besides the import (`tests/tests/it/import.rs`); the webhook
/// mutations scope by organisation rather than by a site's rows, and reminder preferences belong
/// to a signed-in person, not a token (`tests/tests/it/reminders.rs`).
const ELSEWHERE: &[&str] = &[
    // Only a subcontract's month is approved, by its main contractor: `workflow.rs` tries it
    // (and every other step) for every role.
    "approveHoursMonth",
    "importPayroll",
    "createWebhook",
    "updateWebhook",
    "archiveWebhook",
    "setReminderPreferences",
];

#[tokio::test]
async fn the_matrix_covers_every_mutation_of_the_schema() {
    let app = TestApp::new().await;
    let d = app
        .ok(
            "{ __type(name: \"Mutation\") { fields { name } } }",
            json!({}),
        )
        .await;
    let mut in_schema: Vec<String> = d["__type"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect();
    in_schema.sort();
    let mut covered: Vec<String> = CASES
        .iter()
        .map(|c| c.0)
        .chain(ELSEWHERE.iter().copied())
        .map(str::to_owned)
        .collect();
    covered.sort();
    assert_eq!(covered, in_schema);
}

/// The audit rows a mutation writes: one, except the workflow's steps that change the figures
/// that count, which write the version's step and the counted report beside it.
fn audit_rows(name: &str) -> i64 {
    match name {
        "reportMonthlyHours" | "declareNoActivity" | "acceptHoursMonth" | "returnHoursMonth" => 2,
        _ => 1,
    }
}

#[tokio::test]
async fn every_mutation_as_every_role_in_and_out_of_scope() {
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let b = site(&app, "B", 1).await;
    let mut runs = 0;
    let mut allowed_runs = 0;
    let mut failures = Vec::new();
    for &(name, allowed, scoped) in CASES {
        for role in ROLES {
            for (s, in_scope) in [(&a, true), (&b, false)] {
                // Out of scope only means something for a scoped call and a scoped role.
                if !in_scope && (!scoped || role == Admin) {
                    continue;
                }
                runs += 1;
                let (query, vars) = build(&app, s, name, runs).await;
                let who = principal(&app, role, &a).await;
                let before = app.snapshot().await;
                let audit_before = app.count("audit_log").await;
                let res = app.exec_as(Some(who), &query, vars).await;
                let label = format!(
                    "{name} as {role:?} on site {}",
                    if in_scope { "A" } else { "B" }
                );
                if in_scope && allowed.contains(&role) {
                    allowed_runs += 1;
                    if res.get("errors").is_some() {
                        failures.push(format!("{label}: expected success, got {res}"));
                    } else if app.count("audit_log").await != audit_before + audit_rows(name) {
                        failures.push(format!(
                            "{label}: expected exactly {} audit row(s)",
                            audit_rows(name)
                        ));
                    }
                } else {
                    let code = &res["errors"][0]["extensions"]["code"];
                    if code != "FORBIDDEN" {
                        failures.push(format!("{label}: expected FORBIDDEN, got {res}"));
                    } else if !res["data"].is_null() {
                        failures.push(format!("{label}: a refused call returned data {res}"));
                    } else if app.snapshot().await != before {
                        failures.push(format!("{label}: a refused call wrote to the database"));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {runs} runs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // 58 mutations x 5 roles on site A, plus site B for the scoped ones and the 4 scoped roles.
    let scoped = CASES.iter().filter(|c| c.2).count();
    assert_eq!(runs, CASES.len() * 5 + scoped * 4);
    let expected_allowed: usize = CASES.iter().map(|c| c.1.len()).sum();
    assert_eq!(allowed_runs, expected_allowed);
}
