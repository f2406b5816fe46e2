//! Two sites for access tests: an organisation with a grant and one of everything hanging on it,
//! and callers of each role scoped to the first site.

use api::auth::Principal;
use entity::enums::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{TestApp, id};

/// One site: an organisation with a grant and one of everything hanging on it.
pub struct Site {
    pub org: String,
    pub estate: String,
    pub grant: String,
    pub contractor: String,
    pub contract: String,
    pub person: String,
    pub placement: String,
    pub report: String,
    pub trial: String,
    pub group: String,
    pub member: String,
    pub meeting: String,
    pub action: String,
}

fn uuid(s: &str) -> Uuid {
    Uuid::parse_str(s).unwrap()
}

pub async fn made(app: &TestApp, q: &str, vars: Value) -> String {
    let d = app.ok(q, vars).await;
    let (_, v) = d.as_object().unwrap().iter().next().unwrap();
    id(v)
}

pub async fn site(app: &TestApp, tag: &str, contractor_n: usize) -> Site {
    let org = made(
        app,
        "mutation($n: String!) { createHousingOrganisation(input: {name: $n}) { id } }",
        json!({ "n": format!("Boligselskab {tag}") }),
    )
    .await;
    let estate = app.estate(&org).await;
    let grant = app.grant_on(&estate, &format!("LBF-{tag}")).await;
    let contractor = app.contractor(contractor_n).await;
    let contract = app.contract(&grant, &contractor).await;
    let person = app.person(&format!("Lærling {tag}")).await;
    let placement = app.placement(&person, &grant, &contract).await;
    let report = made(
        app,
        "mutation($c: UUID!, $p: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-01\", totalHours: \"1000\", traineeHours: [{placementId: $p, hours: \"150\"}]}) { id } }",
        json!({ "c": contract, "p": placement }),
    )
    .await;
    let resident = app.person(&format!("Beboer {tag}")).await;
    let trial = made(
        app,
        "mutation($p: UUID!, $g: UUID!, $h: UUID!) { createTrialPlacement(input: {personId: $p, grantId: $g, hostContractorId: $h, tovholder: \"T\", startDate: \"2024-03-04\"}) { id } }",
        json!({ "p": resident, "g": grant, "h": contractor }),
    )
    .await;
    let group = app.group(&grant).await;
    let member = made(
        app,
        "mutation($g: UUID!) { createGroupMember(input: {groupId: $g, name: \"Tovholder\", organisation: \"Jobcenter\", role: JOBCENTER}) { id } }",
        json!({ "g": group }),
    )
    .await;
    let meeting = made(
        app,
        "mutation($g: UUID!, $m: UUID!) { createMeeting(input: {groupId: $g, date: \"2024-02-01\", durationMinutes: 60, attendeeIds: [$m]}) { id } }",
        json!({ "g": group, "m": member }),
    )
    .await;
    let action = made(
        app,
        "mutation($m: UUID!) { createActionItem(input: {meetingId: $m, description: \"Følg op\", owner: \"Tovholder\"}) { id } }",
        json!({ "m": meeting }),
    )
    .await;
    Site {
        org,
        estate,
        grant,
        contractor,
        contract,
        person,
        placement,
        report,
        trial,
        group,
        member,
        meeting,
        action,
    }
}

/// The caller for a role, scoped to site A. A tovholder follows every grant of A's estate, so
/// grants made fresh for a case are in its scope too.
pub async fn principal(app: &TestApp, role: Role, a: &Site) -> Principal {
    let mut p = Principal {
        token_id: Uuid::now_v7(),
        user_id: None,
        role,
        organisation_id: None,
        contractor_id: None,
        grant_ids: vec![],
    };
    match role {
        Role::Admin => return Principal::system(),
        Role::Bygherre => p.organisation_id = Some(uuid(&a.org)),
        Role::Contractor => p.contractor_id = Some(uuid(&a.contractor)),
        Role::Tovholder => {
            let d = app
                .ok(
                    "query($e: UUID!) { grants(filter: {estateId: $e}, first: 500) { edges { node { id } } } }",
                    json!({ "e": a.estate }),
                )
                .await;
            p.grant_ids = d["grants"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| uuid(e["node"]["id"].as_str().unwrap()))
                .collect();
        }
        Role::Viewer => {}
    }
    p
}
