//! Reads are filtered by scope in the data layer: by-id reads out of scope answer FORBIDDEN, and
//! lists, connections, nested relations and dashboard aggregates never carry a row the caller may
//! not see. One test per leak path for a CONTRACTOR and a VIEWER; the persons a contractor or
//! tovholder registers stay theirs; the bygherre's audit trail and the CSV export are scoped too.

use api::auth::{CreateApiTokenInput, Principal, authenticate, create_token};
use entity::enums::Role;
use serde_json::{Value, json};
use tests::TestApp;
use tests::world::{Site, made, principal, site};

async fn run(app: &TestApp, who: &Principal, q: &str, vars: Value) -> Value {
    app.exec_as(Some(who.clone()), q, vars).await
}

/// `data` of a call that must succeed for `who`.
async fn ok_as(app: &TestApp, who: &Principal, q: &str, vars: Value) -> Value {
    let res = run(app, who, q, vars).await;
    assert!(res.get("errors").is_none(), "{:?}: {q}: {res:#}", who.role);
    res["data"].clone()
}

/// The error code of the first error of a call that must fail.
async fn code_as(app: &TestApp, who: &Principal, q: &str, vars: Value) -> String {
    let res = run(app, who, q, vars).await;
    res["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{:?}: expected an error for {q}, got {res:#}", who.role))
        .to_owned()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

use Role::{Bygherre, Contractor, Tovholder, Viewer};

#[tokio::test]
async fn by_id_reads_answer_forbidden_outside_the_scope() {
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let b = site(&app, "B", 1).await;
    // (query field, the id on a site, roles that see it on their own site A, roles that see it on B)
    type Pick = fn(&Site) -> &String;
    let everyone = &[Bygherre, Contractor, Tovholder, Viewer][..];
    let cases: &[(&str, Pick, &[Role], &[Role])] = &[
        ("housingOrganisation", |s| &s.org, everyone, &[Viewer]),
        ("estate", |s| &s.estate, everyone, &[Viewer]),
        ("grant", |s| &s.grant, everyone, &[Viewer]),
        // Contractors are public companies; what they did is scoped through contracts.
        (
            "contractor",
            |s| &s.contractor,
            everyone,
            &[Bygherre, Tovholder, Viewer],
        ),
        ("contract", |s| &s.contract, everyone, &[Viewer]),
        // A contract's monthly total is an aggregate.
        ("hoursReport", |s| &s.report, everyone, &[Viewer]),
        (
            "placement",
            |s| &s.placement,
            &[Bygherre, Contractor, Tovholder],
            &[],
        ),
        (
            "person",
            |s| &s.person,
            &[Bygherre, Contractor, Tovholder],
            &[],
        ),
        // The host contractor sees the residents it hosts.
        (
            "trialPlacement",
            |s| &s.trial,
            &[Bygherre, Contractor, Tovholder],
            &[],
        ),
        (
            "followUpGroup",
            |s| &s.group,
            &[Bygherre, Tovholder, Viewer],
            &[Viewer],
        ),
        (
            "meeting",
            |s| &s.meeting,
            &[Bygherre, Tovholder, Viewer],
            &[Viewer],
        ),
        ("groupMember", |s| &s.member, &[Bygherre, Tovholder], &[]),
        ("actionItem", |s| &s.action, &[Bygherre, Tovholder], &[]),
    ];
    let mut checked = 0;
    for &(field, pick, on_a, on_b) in cases {
        let q = format!("query($id: UUID!) {{ {field}(id: $id) {{ id }} }}");
        for role in [Bygherre, Contractor, Tovholder, Viewer] {
            let who = principal(&app, role, &a).await;
            for (s, seen_by) in [(&a, on_a), (&b, on_b)] {
                let vars = json!({ "id": pick(s) });
                if seen_by.contains(&role) {
                    let d = ok_as(&app, &who, &q, vars).await;
                    assert_eq!(&d[field]["id"], pick(s).as_str());
                } else {
                    assert_eq!(
                        code_as(&app, &who, &q, vars).await,
                        "FORBIDDEN",
                        "{field} as {role:?}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, cases.len() * 4 * 2);
    // Another organisation's compliance and LBF reports, as a bygherre or tovholder.
    for role in [Bygherre, Tovholder] {
        let who = principal(&app, role, &a).await;
        for q in [
            "query($g: UUID!) { compliance(grantId: $g) { status } }",
            "query($g: UUID!) { complianceTimeSeries(grantId: $g) { month } }",
            "query($g: UUID!) { lbfYearReport(grantId: $g, year: 2024) { year } }",
        ] {
            assert_eq!(
                code_as(&app, &who, q, json!({ "g": b.grant })).await,
                "FORBIDDEN",
                "{q} as {role:?}"
            );
        }
        assert_eq!(
            code_as(
                &app,
                &who,
                "query($o: UUID!) { lbfYearReports(organisationId: $o, year: 2024) { year } }",
                json!({ "o": b.org })
            )
            .await,
            "FORBIDDEN"
        );
    }
    // An id that exists nowhere is still NOT_FOUND, for every role.
    let who = principal(&app, Contractor, &a).await;
    let missing = uuid::Uuid::now_v7().to_string();
    assert_eq!(
        code_as(
            &app,
            &who,
            "query($id: UUID!) { grant(id: $id) { id } }",
            json!({ "id": missing })
        )
        .await,
        "NOT_FOUND"
    );
}

/// Site A with a second contractor X on the same grant: its contract, a placement of A's own
/// trainee (who works for both), another trainee, and a month of hours.
struct Rival {
    contractor: String,
    contract: String,
    person: String,
}

async fn rival_on(app: &TestApp, a: &Site) -> Rival {
    let contractor = app.contractor(2).await;
    let contract = app.contract(&a.grant, &contractor).await;
    let shared = app.placement(&a.person, &a.grant, &contract).await;
    let person = app.person("Rivalens lærling").await;
    let own = app.placement(&person, &a.grant, &contract).await;
    made(
        app,
        "mutation($c: UUID!, $p: UUID!, $q: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-01\", totalHours: \"3000\", traineeHours: [{placementId: $p, hours: \"100\"}, {placementId: $q, hours: \"160\"}]}) { id } }",
        json!({ "c": contract, "p": shared, "q": own }),
    )
    .await;
    Rival {
        contractor,
        contract,
        person,
    }
}

#[tokio::test]
async fn a_contractor_sees_only_its_own_contracts_through_every_path() {
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let _b = site(&app, "B", 1).await;
    let x = rival_on(&app, &a).await;
    let me = principal(&app, Contractor, &a).await;

    // Nested relations from the grant, the organisation and the shared trainee.
    let d = ok_as(
        &app,
        &me,
        "query($g: UUID!, $o: UUID!, $p: UUID!) {
            grant(id: $g) { contracts { id } placements { id } trialPlacements { id } followUpGroup { id } }
            housingOrganisation(id: $o) { estates { grants { contracts { id hoursReports { id totalHours } } } } }
            person(id: $p) { placements { contract { id } } }
        }",
        json!({ "g": a.grant, "o": a.org, "p": a.person }),
    )
    .await;
    assert_eq!(ids(&d["grant"]["contracts"]), vec![a.contract.as_str()]);
    assert_eq!(ids(&d["grant"]["placements"]), vec![a.placement.clone()]);
    assert_eq!(ids(&d["grant"]["trialPlacements"]), vec![a.trial.clone()]);
    assert!(d["grant"]["followUpGroup"].is_null());
    let contracts = &d["housingOrganisation"]["estates"][0]["grants"][0]["contracts"];
    assert_eq!(ids(contracts), vec![a.contract.as_str()]);
    assert_eq!(contracts[0]["hoursReports"][0]["totalHours"], "1000.00");
    assert_eq!(
        d["person"]["placements"].as_array().unwrap().len(),
        1,
        "the placement with the rival is hidden: {d}"
    );

    // Connections count only what is in scope.
    let d = ok_as(
        &app,
        &me,
        "{ contracts { totalCount } placements { totalCount } hoursReports { totalCount } persons { totalCount } contractors { totalCount edges { node { id } } } trialPlacements { totalCount } followUpGroups { totalCount } meetings { totalCount } grants { totalCount } }",
        json!({}),
    )
    .await;
    for (list, n) in [
        ("contracts", 1),
        ("placements", 1),
        ("hoursReports", 1),
        // Its trainee, and the resident it hosts in snusepraktik.
        ("persons", 2),
        ("contractors", 1),
        ("trialPlacements", 1),
        ("followUpGroups", 0),
        ("meetings", 0),
        ("grants", 1),
    ] {
        assert_eq!(d[list]["totalCount"], n, "{list}: {d}");
    }
    assert_eq!(d["contractors"]["edges"][0]["node"]["id"], a.contractor);

    // The history of its own hours report, not of the rival's.
    let as_of = "query($c: UUID!) { hoursReportAsOf(contractId: $c, month: \"2024-01\", at: \"2030-01-01T00:00:00Z\") { lines { hours } } }";
    let d = ok_as(&app, &me, as_of, json!({ "c": a.contract })).await;
    assert_eq!(d["hoursReportAsOf"]["lines"].as_array().unwrap().len(), 1);
    assert_eq!(
        code_as(&app, &me, as_of, json!({ "c": x.contract })).await,
        "FORBIDDEN"
    );

    // The rival's rows, by id.
    for (field, id) in [
        ("contractor", &x.contractor),
        ("contract", &x.contract),
        ("person", &x.person),
    ] {
        let q = format!("query($id: UUID!) {{ {field}(id: $id) {{ id }} }}");
        assert_eq!(
            code_as(&app, &me, &q, json!({ "id": id })).await,
            "FORBIDDEN"
        );
    }

    // Aggregates: no grant totals (they include the rival's hours), only its own figures.
    for q in [
        "query($g: UUID!) { compliance(grantId: $g) { status } }",
        "query($g: UUID!) { grant(id: $g) { compliance { status } } }",
        "query($g: UUID!) { complianceTimeSeries(grantId: $g) { month } }",
        "query($g: UUID!) { lbfYearReport(grantId: $g, year: 2024) { year } }",
        "{ complianceDashboard { grantId } }",
        "{ complianceDashboardPage { totalCount } }",
    ] {
        assert_eq!(
            code_as(&app, &me, q, json!({ "g": a.grant })).await,
            "FORBIDDEN",
            "{q}"
        );
    }
    assert_eq!(
        code_as(
            &app,
            &me,
            "query($g: UUID!, $c: UUID!) { complianceTimeSeries(grantId: $g, contractorId: $c) { month } }",
            json!({ "g": a.grant, "c": x.contractor })
        )
        .await,
        "FORBIDDEN"
    );
    let d = ok_as(
        &app,
        &me,
        "query($g: UUID!, $c: UUID!) { complianceTimeSeries(grantId: $g, contractorId: $c, asOf: \"2024-02-15\", knownAt: \"2100-01-01T00:00:00Z\") { month labourHours traineeHours } contractorRanking(asOf: \"2024-02-15\", knownAt: \"2100-01-01T00:00:00Z\") { contractorId metrics { labourHours traineeHours } } }",
        json!({ "g": a.grant, "c": a.contractor }),
    )
    .await;
    let jan = d["complianceTimeSeries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["month"] == "2024-01")
        .expect("January");
    assert_eq!(
        (jan["labourHours"].as_str(), jan["traineeHours"].as_str()),
        (Some("1000.00"), Some("150.00"))
    );
    let ranking = d["contractorRanking"].as_array().unwrap();
    assert_eq!(ranking.len(), 1, "only its own row: {ranking:?}");
    assert_eq!(ranking[0]["contractorId"], a.contractor);
    assert_eq!(ranking[0]["metrics"]["labourHours"], "1000.00");

    // The grant's overall share, once the bygherre allows it: the same figure the bygherre sees.
    let share = "query($g: UUID!) { grant(id: $g) { traineeShare(asOf: \"2024-02-15\", knownAt: \"2100-01-01T00:00:00Z\") { sharePercent } } }";
    assert_eq!(
        code_as(&app, &me, share, json!({ "g": a.grant })).await,
        "FORBIDDEN"
    );
    let owner = principal(&app, Bygherre, &a).await;
    ok_as(
        &app,
        &owner,
        "mutation($g: UUID!) { updateGrant(id: $g, input: {shareVisibleToContractors: true}) { id } }",
        json!({ "g": a.grant }),
    )
    .await;
    let seen = ok_as(&app, &me, share, json!({ "g": a.grant })).await;
    let full = ok_as(
        &app,
        &owner,
        "query($g: UUID!) { compliance(grantId: $g, asOf: \"2024-02-15\", knownAt: \"2100-01-01T00:00:00Z\") { metrics { sharePercent } } }",
        json!({ "g": a.grant }),
    )
    .await;
    // (150 + 100 + 160) / (1000 + 3000) = 10.25 %
    assert_eq!(seen["grant"]["traineeShare"]["sharePercent"], "10.25");
    assert_eq!(full["compliance"]["metrics"]["sharePercent"], "10.25");
    // Still no grant totals beyond that one figure.
    assert_eq!(
        code_as(
            &app,
            &me,
            "query($g: UUID!) { compliance(grantId: $g) { status } }",
            json!({ "g": a.grant })
        )
        .await,
        "FORBIDDEN"
    );
}

#[tokio::test]
async fn a_viewer_sees_aggregates_and_never_a_person() {
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let viewer = principal(&app, Viewer, &a).await;
    app.ok(
        "mutation($id: UUID!) { addMeetingMinutes(input: {meetingId: $id, minutes: \"Lærling A gik ud\", decisions: \"Ring til A\"}) { id } }",
        json!({ "id": a.meeting }),
    )
    .await;

    // Connections that would list persons, or rows about one, are empty.
    let d = ok_as(
        &app,
        &viewer,
        "{ persons { totalCount } placements { totalCount } trialPlacements { totalCount } grants { totalCount } contracts { totalCount } hoursReports { totalCount } }",
        json!({}),
    )
    .await;
    for (list, n) in [
        ("persons", 0),
        ("placements", 0),
        ("trialPlacements", 0),
        ("grants", 1),
        ("contracts", 1),
        ("hoursReports", 1),
    ] {
        assert_eq!(d[list]["totalCount"], n, "{list}: {d}");
    }

    // Nested paths from what it may see lead to no person.
    let d = ok_as(
        &app,
        &viewer,
        "query($g: UUID!) { grant(id: $g) {
            placements { id } trialPlacements { id }
            contracts { placements { id } contractor { hostedTrialPlacements { id } } hoursReports { totalHours traineeHours lines { id } } }
            followUpGroup { members { name } meetings { date minutes decisions attendees { name } actionItems { owner } } }
        } }",
        json!({ "g": a.grant }),
    )
    .await;
    let g = &d["grant"];
    assert_eq!(g["placements"], json!([]));
    assert_eq!(g["trialPlacements"], json!([]));
    assert_eq!(g["contracts"][0]["placements"], json!([]));
    assert_eq!(
        g["contracts"][0]["contractor"]["hostedTrialPlacements"],
        json!([])
    );
    let report = &g["contracts"][0]["hoursReports"][0];
    assert_eq!(
        (
            report["totalHours"].as_str(),
            report["traineeHours"].as_str()
        ),
        (Some("1000.00"), Some("150.00")),
        "aggregates stay"
    );
    assert_eq!(report["lines"], json!([]));
    assert_eq!(g["followUpGroup"]["members"], json!([]));
    let meeting = &g["followUpGroup"]["meetings"][0];
    assert_eq!(meeting["date"], "2024-02-01");
    assert!(meeting["minutes"].is_null() && meeting["decisions"].is_null());
    assert_eq!(meeting["attendees"], json!([]));
    assert_eq!(meeting["actionItems"], json!([]));

    // Dashboards: the same aggregates an administrator sees.
    let q = "{ complianceDashboard(asOf: \"2024-06-30\", knownAt: \"2100-01-01T00:00:00Z\") { grantId status metrics { sharePercent traineeHours } trialFunnel { started } } contractorRanking(asOf: \"2024-02-15\", knownAt: \"2100-01-01T00:00:00Z\") { contractorId metrics { labourHours } } }";
    let seen = ok_as(&app, &viewer, q, json!({})).await;
    assert_eq!(seen, app.ok(q, json!({})).await);
    assert_eq!(
        seen["complianceDashboard"][0]["metrics"]["sharePercent"],
        "15.00"
    );
    assert_eq!(seen["complianceDashboard"][0]["trialFunnel"]["started"], 1);

    // Personal data and the audit trail, by any route.
    for (q, vars) in [
        (
            "query($id: UUID!) { person(id: $id) { displayName } }",
            json!({ "id": a.person }),
        ),
        (
            "query($id: UUID!) { placement(id: $id) { id } }",
            json!({ "id": a.placement }),
        ),
        (
            "query($id: UUID!) { personDataExport(id: $id) }",
            json!({ "id": a.person }),
        ),
        (
            "query($c: UUID!) { hoursReportAsOf(contractId: $c, month: \"2024-01\", at: \"2030-01-01T00:00:00Z\") { totalHours } }",
            json!({ "c": a.contract }),
        ),
        ("{ auditLog { id } }", json!({})),
        ("{ apiTokens { id } }", json!({})),
    ] {
        assert_eq!(code_as(&app, &viewer, q, vars).await, "FORBIDDEN", "{q}");
    }
}

async fn token(
    app: &TestApp,
    role: Role,
    org: Option<&str>,
    contractor: Option<&str>,
    grants: &[&str],
) -> Principal {
    let (_, secret) = create_token(
        &app.db,
        CreateApiTokenInput {
            name: format!("{role:?}"),
            role,
            organisation_id: org.map(|s| s.parse().unwrap()),
            contractor_id: contractor.map(|s| s.parse().unwrap()),
            grant_ids: grants.iter().map(|s| s.parse().unwrap()).collect(),
            expires_at: None,
        },
    )
    .await
    .map_err(|e| e.message())
    .unwrap();
    authenticate(&app.db, Some(&format!("Bearer {secret}")))
        .await
        .map_err(|e| e.message())
        .unwrap()
}

#[tokio::test]
async fn persons_registered_by_a_contractor_or_tovholder_stay_theirs() {
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let b = site(&app, "B", 1).await;
    let create = "mutation { createPerson(input: {displayName: \"Ny lærling\", birthYear: 2005}) { id displayName } }";
    let read = "query($id: UUID!) { person(id: $id) { displayName } }";

    let mine = token(&app, Contractor, None, Some(&a.contractor), &[]).await;
    let colleague = token(&app, Contractor, None, Some(&a.contractor), &[]).await;
    let other = token(&app, Contractor, None, Some(&b.contractor), &[]).await;
    let d = ok_as(&app, &mine, create, json!({})).await;
    let person = d["createPerson"]["id"].as_str().unwrap().to_owned();
    assert_eq!(d["createPerson"]["displayName"], "Ny lærling");
    for who in [&mine, &colleague] {
        let d = ok_as(&app, who, read, json!({ "id": person })).await;
        assert_eq!(d["person"]["displayName"], "Ny lærling");
    }
    assert_eq!(
        code_as(&app, &other, read, json!({ "id": person })).await,
        "FORBIDDEN"
    );
    // ... and it can place them on its own contract, not on another's.
    let place = "mutation($p: UUID!, $g: UUID!, $c: UUID!) { createPlacement(input: {personId: $p, grantId: $g, contractId: $c, kind: EUX, trade: \"VVS\", startDate: \"2024-08-01\"}) { id } }";
    ok_as(
        &app,
        &mine,
        place,
        json!({ "p": person, "g": a.grant, "c": a.contract }),
    )
    .await;
    let placements = app.count("placement").await;
    assert_eq!(
        code_as(
            &app,
            &mine,
            place,
            json!({ "p": person, "g": b.grant, "c": b.contract })
        )
        .await,
        "FORBIDDEN"
    );
    assert_eq!(app.count("placement").await, placements);

    let tov = token(&app, Tovholder, None, None, &[&a.grant]).await;
    let other_tov = token(&app, Tovholder, None, None, &[&b.grant]).await;
    let d = ok_as(&app, &tov, create, json!({})).await;
    let resident = d["createPerson"]["id"].as_str().unwrap().to_owned();
    ok_as(&app, &tov, read, json!({ "id": resident })).await;
    assert_eq!(
        code_as(&app, &other_tov, read, json!({ "id": resident })).await,
        "FORBIDDEN"
    );
}

#[tokio::test]
async fn a_bygherre_reads_the_audit_trail_of_its_own_organisation() {
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let b = site(&app, "B", 1).await;
    let owner = principal(&app, Bygherre, &a).await;
    let q = "query($f: AuditFilter) { auditLog(filter: $f, limit: 500) { entity entityId } }";
    let d = ok_as(&app, &owner, q, json!({ "f": {} })).await;
    let rows = d["auditLog"].as_array().unwrap();
    let about = |id: &str| rows.iter().any(|r| r["entityId"] == id);
    for id in [
        &a.org,
        &a.grant,
        &a.contract,
        &a.person,
        &a.report,
        &a.meeting,
    ] {
        assert!(about(id), "its own {id} is in the trail");
    }
    for id in [
        &b.org,
        &b.grant,
        &b.contract,
        &b.person,
        &b.report,
        &b.meeting,
    ] {
        assert!(!about(id), "the other organisation's {id} is not");
    }
    let d = ok_as(&app, &owner, q, json!({ "f": { "entityId": b.grant } })).await;
    assert_eq!(d["auditLog"], json!([]));
    let all = app.ok(q, json!({ "f": { "entityId": b.grant } })).await;
    assert_eq!(
        all["auditLog"].as_array().unwrap().len(),
        1,
        "admins see it"
    );
    for role in [Contractor, Tovholder, Viewer] {
        let who = principal(&app, role, &a).await;
        assert_eq!(
            code_as(&app, &who, q, json!({ "f": {} })).await,
            "FORBIDDEN"
        );
    }
}

#[tokio::test]
async fn the_csv_export_applies_the_same_scope() {
    use poem::test::TestClient;
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let b = site(&app, "B", 1).await;
    let client = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    let mut secrets = Vec::new();
    for (role, org, contractor) in [
        (Bygherre, Some(&a.org), None),
        (Contractor, None, Some(&a.contractor)),
        (Viewer, None, None),
    ] {
        let (_, secret) = create_token(
            &app.db,
            CreateApiTokenInput {
                name: "csv".into(),
                role,
                organisation_id: org.map(|s| s.parse().unwrap()),
                contractor_id: contractor.map(|s| s.parse().unwrap()),
                grant_ids: vec![],
                expires_at: None,
            },
        )
        .await
        .map_err(|e| e.message())
        .unwrap();
        secrets.push(secret);
    }
    let status = |secret: String, org: String| {
        let client = &client;
        async move {
            let res = client
                .get("/exports/lbf-report.csv")
                .query("organisationId", &org)
                .query("year", &2024)
                .header("Authorization", format!("Bearer {secret}"))
                .send()
                .await;
            let status = res.0.status().as_u16();
            let body = res.0.into_body().into_string().await.unwrap();
            (status, body)
        }
    };
    let (s, body) = status(secrets[0].clone(), a.org.clone()).await;
    assert_eq!(s, 200, "{body}");
    assert!(body.contains("LBF-A") && !body.contains("LBF-B"), "{body}");
    let (s, body) = status(secrets[0].clone(), b.org.clone()).await;
    assert_eq!((s, body.contains("FORBIDDEN")), (403, true), "{body}");
    let (s, body) = status(secrets[1].clone(), a.org.clone()).await;
    assert_eq!((s, body.contains("FORBIDDEN")), (403, true), "{body}");
    let (s, body) = status(secrets[2].clone(), b.org.clone()).await;
    assert_eq!(s, 200, "{body}");
    assert!(body.contains("LBF-B"), "{body}");
}

/// A signed-in user's principal, as the web app builds it, for an invited user of `role`.
async fn user(app: &TestApp, role: Role, contractor: Option<&str>, grants: &[&str]) -> Principal {
    let n = uuid::Uuid::new_v4().simple();
    let (u, _) = api::accounts::invite(
        &app.db,
        &api::auth::Principal::system(),
        api::accounts::InviteUserInput {
            email: format!("{n}@example.dk"),
            display_name: format!("{role:?} {n}"),
            role,
            organisation_id: None,
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

/// Scenario: signed-in users register persons, as the web app's forms do. A tovholder user's
/// registration is visible to that user and never to another tovholder user (every user's
/// principal carries the nil token id, and a person stamped with it was once visible to every
/// tovholder user); a contractor user's registration is visible to its company's other users and
/// tokens, not to another contractor's. A person a token registered stays invisible to users.
#[tokio::test]
async fn persons_registered_by_signed_in_users_stay_with_their_scope() {
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let b = site(&app, "B", 1).await;
    let create = "mutation { createPerson(input: {displayName: \"Beboer\"}) { id } }";
    let read = "query($id: UUID!) { person(id: $id) { displayName } }";
    let list = "{ persons(first: 100) { nodes { id } } }";
    let listed = |d: &Value, id: &str| {
        d["persons"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["id"] == id)
    };

    let tov = user(&app, Tovholder, None, &[&a.grant]).await;
    let other_tov = user(&app, Tovholder, None, &[&b.grant]).await;
    let resident = ok_as(&app, &tov, create, json!({})).await["createPerson"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.count_where(
            "person",
            "created_by_token_id IS NULL AND created_by_user_id IS NOT NULL"
        )
        .await,
        1,
        "stamped with the user, not the nil token"
    );
    ok_as(&app, &tov, read, json!({ "id": resident })).await;
    assert!(listed(&ok_as(&app, &tov, list, json!({})).await, &resident));
    assert_eq!(
        code_as(&app, &other_tov, read, json!({ "id": resident })).await,
        "FORBIDDEN"
    );
    assert!(!listed(
        &ok_as(&app, &other_tov, list, json!({})).await,
        &resident
    ));

    let worker = user(&app, Contractor, Some(&a.contractor), &[]).await;
    let colleague = user(&app, Contractor, Some(&a.contractor), &[]).await;
    let company_token = token(&app, Contractor, None, Some(&a.contractor), &[]).await;
    let rival = user(&app, Contractor, Some(&b.contractor), &[]).await;
    let trainee = ok_as(&app, &worker, create, json!({})).await["createPerson"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for who in [&worker, &colleague, &company_token] {
        ok_as(&app, who, read, json!({ "id": trainee })).await;
    }
    assert_eq!(
        code_as(&app, &rival, read, json!({ "id": trainee })).await,
        "FORBIDDEN"
    );
    assert_eq!(
        code_as(&app, &other_tov, read, json!({ "id": trainee })).await,
        "FORBIDDEN"
    );

    let tov_token = token(&app, Tovholder, None, None, &[&a.grant]).await;
    let by_token = ok_as(&app, &tov_token, create, json!({})).await["createPerson"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok_as(&app, &tov_token, read, json!({ "id": by_token })).await;
    assert_eq!(
        code_as(&app, &other_tov, read, json!({ "id": by_token })).await,
        "FORBIDDEN"
    );
}

/// Scenario: Boligselskab A's bygherre invites the site manager of its contractor X, which also
/// works for Boligselskab B (an organisation named in the invitation is replaced by A's own).
/// The account sees X's contract and grant at A, and nothing of X's work for B (the contract,
/// the grant, the contractor's figures there); X's own token still sees both contracts. A person
/// the site manager registers stays visible to it. A may invite a tovholder for its own grants,
/// not B's (outside its scope: FORBIDDEN), and no other role; a contractor without a contract on A's grants is refused at its
/// field; nothing is written by a refusal. A lists and resets the accounts it invited; B sees
/// none of them and may not reset them. Asked for contractors on B's grant, A learns nothing.
#[tokio::test]
async fn a_bygherre_invites_its_contractors_site_manager_for_its_own_grants_only() {
    use entity::app_user;
    use sea_orm::EntityTrait;
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let b = site(&app, "B", 1).await;
    let x_at_b = app.contract(&b.grant, &a.contractor).await;
    let byg_a = principal(&app, Bygherre, &a).await;
    let byg_b = principal(&app, Bygherre, &b).await;
    let invite = "mutation($i: InviteUserInput!) { inviteUser(input: $i) { invitationPath user { id role organisationId } } }";
    let ask = |role: &str, email: &str, extra: Value| {
        let mut i = json!({ "email": email, "displayName": "Sigurd", "role": role });
        i.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "i": i })
    };

    let d = ok_as(
        &app,
        &byg_a,
        invite,
        ask(
            "CONTRACTOR",
            "sigurd@x.dk",
            json!({ "contractorId": a.contractor, "organisationId": b.org }),
        ),
    )
    .await;
    let user = &d["inviteUser"]["user"];
    assert_eq!(user["organisationId"], json!(a.org), "A's own organisation");
    let site_manager_id: uuid::Uuid = user["id"].as_str().unwrap().parse().unwrap();
    let row = app_user::Entity::find_by_id(site_manager_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let site_manager = api::accounts::user_principal(&row);

    let contracts = "{ contracts(first: 50) { edges { node { id } } } }";
    let edges = |d: &Value, f: &str| -> Vec<String> {
        let mut v: Vec<String> = d[f]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    let seen = ok_as(&app, &site_manager, contracts, json!({})).await;
    assert_eq!(edges(&seen, "contracts"), [a.contract.as_str()]);
    let grants = ok_as(
        &app,
        &site_manager,
        "{ grants(first: 50) { edges { node { id } } } }",
        json!({}),
    )
    .await;
    assert_eq!(edges(&grants, "grants"), [a.grant.as_str()]);
    for (q, vars) in [
        (
            "query($c: UUID!) { contract(id: $c) { id } }",
            json!({ "c": x_at_b }),
        ),
        (
            "query($g: UUID!) { grant(id: $g) { id } }",
            json!({ "g": b.grant }),
        ),
        (
            "query($g: UUID!, $c: UUID!) { complianceTimeSeries(grantId: $g, contractorId: $c) { month } }",
            json!({ "g": b.grant, "c": a.contractor }),
        ),
    ] {
        assert_eq!(
            code_as(&app, &site_manager, q, vars).await,
            "FORBIDDEN",
            "{q}"
        );
    }
    let token = principal(&app, Contractor, &a).await;
    let mut both = vec![a.contract.clone(), x_at_b.clone()];
    both.sort();
    assert_eq!(
        edges(
            &ok_as(&app, &token, contracts, json!({})).await,
            "contracts"
        ),
        both
    );
    let person = ok_as(
        &app,
        &site_manager,
        "mutation { createPerson(input: {displayName: \"Ny Lærling\", birthYear: 2004}) { id } }",
        json!({}),
    )
    .await["createPerson"]["id"]
        .clone();
    assert_eq!(
        ok_as(
            &app,
            &site_manager,
            "query($p: UUID!) { person(id: $p) { displayName } }",
            json!({ "p": person }),
        )
        .await["person"]["displayName"],
        "Ny Lærling"
    );

    let users = app.count("app_user").await;
    for (who, role, extra, code, field) in [
        (
            &byg_a,
            "CONTRACTOR",
            json!({ "contractorId": b.contractor }),
            "BAD_USER_INPUT",
            Some("contractorId"),
        ),
        (
            &byg_a,
            "TOVHOLDER",
            json!({ "grantIds": [b.grant] }),
            "FORBIDDEN",
            None,
        ),
        (
            &byg_a,
            "BYGHERRE",
            json!({ "organisationId": a.org }),
            "FORBIDDEN",
            None,
        ),
        (&byg_a, "VIEWER", json!({}), "FORBIDDEN", None),
        (
            &token,
            "CONTRACTOR",
            json!({ "contractorId": a.contractor }),
            "FORBIDDEN",
            None,
        ),
    ] {
        let res = run(&app, who, invite, ask(role, "nej@x.dk", extra)).await;
        let e = &res["errors"][0];
        assert_eq!(e["extensions"]["code"], code, "{role}: {res}");
        if let Some(f) = field {
            assert_eq!(e["extensions"]["field"], f, "{role}: {res}");
        }
        assert!(e["message"].as_str().unwrap().len() > 20, "{res}");
    }
    assert_eq!(app.count("app_user").await, users, "no account written");
    let d = ok_as(
        &app,
        &byg_a,
        invite,
        ask(
            "TOVHOLDER",
            "tove@jobcenter.dk",
            json!({ "grantIds": [a.grant] }),
        ),
    )
    .await;
    let tovholder = d["inviteUser"]["user"]["id"].as_str().unwrap().to_owned();

    let listed = |d: Value| ids(&d["users"]);
    assert_eq!(
        listed(ok_as(&app, &byg_a, "{ users { id } }", json!({})).await),
        [site_manager_id.to_string(), tovholder]
    );
    assert!(listed(ok_as(&app, &byg_b, "{ users { id } }", json!({})).await).is_empty());
    let reset = "mutation($u: UUID!) { resetUserPassword(userId: $u) { invitationPath } }";
    let vars = json!({ "u": site_manager_id });
    assert_eq!(
        code_as(&app, &byg_b, reset, vars.clone()).await,
        "FORBIDDEN"
    );
    assert!(
        ok_as(&app, &byg_a, reset, vars).await["resetUserPassword"]["invitationPath"]
            .as_str()
            .unwrap()
            .starts_with("/invitation?token=")
    );

    let named = "query($f: ContractorFilter) { contractors(first: 50, filter: $f) { edges { node { id } } } }";
    let mine = ok_as(
        &app,
        &byg_a,
        named,
        json!({ "f": { "withContract": true } }),
    )
    .await;
    assert_eq!(edges(&mine, "contractors"), [a.contractor.as_str()]);
    let theirs = ok_as(&app, &byg_a, named, json!({ "f": { "grantId": b.grant } })).await;
    assert!(edges(&theirs, "contractors").is_empty(), "{theirs}");
}
