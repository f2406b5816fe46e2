//! Every mutation's success path, checked through GraphQL and against the rows written.

use serde_json::json;
use tests::{TestApp, cvr, id};

#[tokio::test]
async fn organisation_and_estate_lifecycle() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let d = app
        .ok(
            "mutation($id: UUID!) { updateHousingOrganisation(id: $id, input: {name: \"FAB\", cvr: \"25313763\"}) { name cvr } }",
            json!({ "id": org }),
        )
        .await;
    assert_eq!(
        d["updateHousingOrganisation"],
        json!({ "name": "FAB", "cvr": "25313763" })
    );
    // null clears a nullable field; a field left out stays.
    let d = app
        .ok(
            "mutation($id: UUID!) { updateHousingOrganisation(id: $id, input: {cvr: null}) { name cvr } }",
            json!({ "id": org }),
        )
        .await;
    assert_eq!(
        d["updateHousingOrganisation"],
        json!({ "name": "FAB", "cvr": null })
    );

    let estate = app.estate(&org).await;
    let d = app
        .ok(
            "mutation($id: UUID!) { updateEstate(id: $id, input: {address: \"Korsløkkeparken 1\", isVulnerableArea: true}) { address isVulnerableArea municipality } }",
            json!({ "id": estate }),
        )
        .await;
    assert_eq!(
        d["updateEstate"],
        json!({ "address": "Korsløkkeparken 1", "isVulnerableArea": true, "municipality": "Odense" })
    );

    // The organisation is referenced by the estate: hard delete is refused, archive works.
    let (code, _, msg) = app
        .err(
            "mutation($id: UUID!) { deleteHousingOrganisation(id: $id) }",
            json!({ "id": org }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    assert!(msg.contains("archive it instead"), "{msg}");
    assert_eq!(app.count("housing_organisation").await, 1);

    let d = app
        .ok(
            "mutation($id: UUID!) { archiveEstate(id: $id) { archivedAt } }",
            json!({ "id": estate }),
        )
        .await;
    assert!(d["archiveEstate"]["archivedAt"].is_string());
    let d = app
        .ok(
            "mutation($id: UUID!) { deleteEstate(id: $id) }",
            json!({ "id": estate }),
        )
        .await;
    assert_eq!(d["deleteEstate"], json!(estate));
    assert_eq!(app.count("estate").await, 0);
    let d = app
        .ok(
            "mutation($id: UUID!) { deleteHousingOrganisation(id: $id) }",
            json!({ "id": org }),
        )
        .await;
    assert_eq!(d["deleteHousingOrganisation"], json!(org));
    assert_eq!(app.count("housing_organisation").await, 0);
}

#[tokio::test]
async fn grant_create_update_with_parameter_overrides() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let d = app
        .ok(
            "mutation($e: UUID!) { createGrant(input: {estateId: $e, caseNumber: \"LBF-2021-77\", title: \"Nybyg\", kind: NEW_BUILD, commitmentYear: 2021, stage: SKEMA_A, parameterOverrides: [{parameter: MIN_TRAINEE_SHARE_PERCENT, value: \"12.5\"}, {parameter: HOURS_REPORT_DUE_DAY, value: \"15\"}]}) { id caseNumber kind stage craftsmanCost constructionStart parameterOverrides { parameter value unit } } }",
            json!({ "e": estate }),
        )
        .await;
    let g = &d["createGrant"];
    assert_eq!(g["caseNumber"], "LBF-2021-77");
    assert_eq!(g["kind"], "NEW_BUILD");
    assert_eq!(g["craftsmanCost"], json!(null));
    assert_eq!(
        g["parameterOverrides"],
        json!([
            { "parameter": "MIN_TRAINEE_SHARE_PERCENT", "value": "12.5", "unit": "PERCENT" },
            { "parameter": "HOURS_REPORT_DUE_DAY", "value": "15", "unit": "DAY_OF_MONTH" }
        ])
    );
    let grant = id(g);
    let d = app
        .ok(
            "mutation($id: UUID!) { updateGrant(id: $id, input: {stage: SKEMA_B, craftsmanCost: \"250000000.50\", constructionStart: \"2023-03-01\", actualHandover: \"2025-06-30\", parameterOverrides: []}) { stage craftsmanCost constructionStart actualHandover parameterOverrides { parameter value } } }",
            json!({ "id": grant }),
        )
        .await;
    assert_eq!(
        d["updateGrant"],
        json!({
            "stage": "SKEMA_B",
            "craftsmanCost": "250000000.50",
            "constructionStart": "2023-03-01",
            "actualHandover": "2025-06-30",
            "parameterOverrides": []
        })
    );
    let d = app
        .ok(
            "mutation($id: UUID!) { archiveGrant(id: $id) { id archivedAt } }",
            json!({ "id": grant }),
        )
        .await;
    assert!(d["archiveGrant"]["archivedAt"].is_string());
    let d = app
        .ok(
            "mutation($id: UUID!) { deleteGrant(id: $id) }",
            json!({ "id": grant }),
        )
        .await;
    assert_eq!(d["deleteGrant"], json!(grant));
    assert_eq!(app.count("lbf_grant").await, 0);
}

#[tokio::test]
async fn contractors_and_contracts_with_clauses_and_subcontracts() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let main_co = app.contractor(0).await;
    let sub_co = app.contractor(1).await;
    let d = app
        .ok(
            "mutation($id: UUID!) { updateContractor(id: $id, input: {name: \"Murer ApS\"}) { name cvr } }",
            json!({ "id": sub_co }),
        )
        .await;
    assert_eq!(
        d["updateContractor"],
        json!({ "name": "Murer ApS", "cvr": cvr(1) })
    );

    let main = app.contract(&grant, &main_co).await;
    let d = app
        .ok(
            "mutation($g: UUID!, $c: UUID!, $p: UUID!) { createContract(input: {grantId: $g, contractorId: $c, kind: SUB, parentContractId: $p, trade: \"murer\", value: \"4500000.25\", startDate: \"2023-05-01\", endDate: \"2024-01-31\", clauseExemption: {reason: \"Kort entreprise\", approvedBy: \"Projektleder\", date: \"2023-04-20\"}}) { id kind value trainingClause { requiredSharePercent } clauseExemption { reason approvedBy date } parentContract { id } } }",
            json!({ "g": grant, "c": sub_co, "p": main }),
        )
        .await;
    let sub = &d["createContract"];
    assert_eq!(sub["kind"], "SUB");
    assert_eq!(sub["value"], "4500000.25");
    assert_eq!(sub["trainingClause"], json!(null));
    assert_eq!(
        sub["clauseExemption"],
        json!({ "reason": "Kort entreprise", "approvedBy": "Projektleder", "date": "2023-04-20" })
    );
    assert_eq!(sub["parentContract"]["id"], json!(main));
    let sub = id(sub);

    // Swap the exemption for a clause in hours.
    let d = app
        .ok(
            "mutation($id: UUID!) { updateContract(id: $id, input: {clauseExemption: null, trainingClause: {requiredTraineeHours: \"1200.5\"}, trade: \"murer og flisemurer\"}) { trade trainingClause { requiredTraineeHours requiredSharePercent } clauseExemption { reason } } }",
            json!({ "id": sub }),
        )
        .await;
    assert_eq!(
        d["updateContract"],
        json!({ "trade": "murer og flisemurer", "trainingClause": { "requiredTraineeHours": "1200.50", "requiredSharePercent": null }, "clauseExemption": null })
    );

    let d = app
        .ok(
            "mutation($id: UUID!) { archiveContract(id: $id) { archivedAt } }",
            json!({ "id": sub }),
        )
        .await;
    assert!(d["archiveContract"]["archivedAt"].is_string());
    app.ok(
        "mutation($id: UUID!) { deleteContract(id: $id) }",
        json!({ "id": sub }),
    )
    .await;
    assert_eq!(app.count("contract").await, 1);
    app.ok(
        "mutation($id: UUID!) { archiveContractor(id: $id) { id } }",
        json!({ "id": sub_co }),
    )
    .await;
    app.ok(
        "mutation($id: UUID!) { deleteContractor(id: $id) }",
        json!({ "id": sub_co }),
    )
    .await;
    assert_eq!(app.count("contractor").await, 1);
}

#[tokio::test]
async fn persons_and_placements() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let co = app.contractor(0).await;
    let contract = app.contract(&grant, &co).await;
    let person = app.person("Jonas").await;
    let d = app
        .ok(
            "mutation($id: UUID!) { updatePerson(id: $id, input: {displayName: \"J. M.\", birthYear: null, consentDate: \"2023-04-01\"}) { displayName birthYear consentDate livesInEstate } }",
            json!({ "id": person }),
        )
        .await;
    assert_eq!(
        d["updatePerson"],
        json!({ "displayName": "J. M.", "birthYear": null, "consentDate": "2023-04-01", "livesInEstate": true })
    );
    let placement = app.placement(&person, &grant, &contract).await;
    let d = app
        .ok(
            "mutation($id: UUID!) { updatePlacement(id: $id, input: {kind: WAGE_SUBSIDY, status: COMPLETED, endDate: \"2024-04-30\"}) { kind status endDate countsTowardsShare isApprentice } }",
            json!({ "id": placement }),
        )
        .await;
    assert_eq!(
        d["updatePlacement"],
        json!({ "kind": "WAGE_SUBSIDY", "status": "COMPLETED", "endDate": "2024-04-30", "countsTowardsShare": false, "isApprentice": false })
    );
    app.ok(
        "mutation($id: UUID!) { archivePlacement(id: $id) { id } }",
        json!({ "id": placement }),
    )
    .await;
    app.ok(
        "mutation($id: UUID!) { deletePlacement(id: $id) }",
        json!({ "id": placement }),
    )
    .await;
    app.ok(
        "mutation($id: UUID!) { archivePerson(id: $id) { id } }",
        json!({ "id": person }),
    )
    .await;
    app.ok(
        "mutation($id: UUID!) { deletePerson(id: $id) }",
        json!({ "id": person }),
    )
    .await;
    assert_eq!(
        (app.count("placement").await, app.count("person").await),
        (0, 0)
    );
}

const REPORT: &str = "mutation($c: UUID!, $m: YearMonth!, $t: Decimal!, $l: [TraineeHoursInput!]!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: $m, totalHours: $t, traineeHours: $l}) { id month totalHours traineeHours lines { hours placement { id } } } }";

#[tokio::test]
async fn monthly_hours_are_reported_and_replaced_atomically() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let co = app.contractor(0).await;
    let contract = app.contract(&grant, &co).await;
    let a = app
        .placement(&app.person("A").await, &grant, &contract)
        .await;
    let b = app
        .placement(&app.person("B").await, &grant, &contract)
        .await;

    let d = app
        .ok(
            REPORT,
            json!({ "c": contract, "m": "2024-02", "t": "1000.5", "l": [{ "placementId": a, "hours": "150.25" }, { "placementId": b, "hours": "80" }] }),
        )
        .await;
    let r = &d["reportMonthlyHours"];
    assert_eq!(r["month"], "2024-02");
    assert_eq!(r["totalHours"], "1000.50");
    assert_eq!(r["traineeHours"], "230.25");
    let report_id = id(r);
    assert_eq!(
        (
            app.count("hours_report").await,
            app.count("hours_line").await
        ),
        (1, 2)
    );

    // Reporting the month again replaces the report: same id, new total, only the new lines.
    let d = app
        .ok(REPORT, json!({ "c": contract, "m": "2024-02", "t": "900", "l": [{ "placementId": b, "hours": "100" }] }))
        .await;
    let r = &d["reportMonthlyHours"];
    assert_eq!(id(r), report_id);
    assert_eq!(r["totalHours"], "900.00");
    assert_eq!(
        r["lines"],
        json!([{ "hours": "100.00", "placement": { "id": b } }])
    );
    assert_eq!(
        (
            app.count("hours_report").await,
            app.count("hours_line").await
        ),
        (1, 1)
    );

    // Another month is another report; a month with no trainees is fine.
    app.ok(
        REPORT,
        json!({ "c": contract, "m": "2024-03", "t": "0", "l": [] }),
    )
    .await;
    assert_eq!(app.count("hours_report").await, 2);

    app.ok(
        "mutation($id: UUID!) { archiveHoursReport(id: $id) { archivedAt } }",
        json!({ "id": report_id }),
    )
    .await;
    let (code, _, _) = app
        .err(
            REPORT,
            json!({ "c": contract, "m": "2024-02", "t": "1", "l": [] }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "an archived month cannot be replaced");
    app.ok(
        "mutation($id: UUID!) { deleteHoursReport(id: $id) }",
        json!({ "id": report_id }),
    )
    .await;
    assert_eq!(
        (
            app.count("hours_report").await,
            app.count("hours_line").await
        ),
        (1, 0)
    );
}

#[tokio::test]
async fn trial_placement_defaults_to_four_weeks_and_records_outcome() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let host = app.contractor(0).await;
    let person = app.person("Ali").await;
    let d = app
        .ok(
            "mutation($p: UUID!, $g: UUID!, $h: UUID!) { createTrialPlacement(input: {personId: $p, grantId: $g, hostContractorId: $h, tovholder: \"Jobcenter Odense\", startDate: \"2024-03-04\", tradesTried: [\"murer\", \"tømrer\"]}) { id startDate endDate tradesTried outcome hostContractor { id } } }",
            json!({ "p": person, "g": grant, "h": host }),
        )
        .await;
    let t = &d["createTrialPlacement"];
    assert_eq!(t["endDate"], "2024-04-01", "4 weeks after 4 March");
    assert_eq!(t["tradesTried"], json!(["murer", "tømrer"]));
    assert_eq!(t["outcome"], json!(null));
    let trial = id(t);
    let d = app
        .ok(
            "mutation($id: UUID!) { updateTrialPlacement(id: $id, input: {hostContractorId: null, tradesTried: [\"stillads\"]}) { hostContractor { id } tradesTried } }",
            json!({ "id": trial }),
        )
        .await;
    assert_eq!(
        d["updateTrialPlacement"],
        json!({ "hostContractor": null, "tradesTried": ["stillads"] })
    );
    let d = app
        .ok(
            "mutation($id: UUID!) { recordTrialOutcome(input: {trialPlacementId: $id, outcome: ORDINARY_JOB, outcomeDate: \"2024-04-01\", nextPlan: \"Ansat som håndlanger\"}) { outcome outcomeDate nextPlan } }",
            json!({ "id": trial }),
        )
        .await;
    assert_eq!(
        d["recordTrialOutcome"],
        json!({ "outcome": "ORDINARY_JOB", "outcomeDate": "2024-04-01", "nextPlan": "Ansat som håndlanger" })
    );
    app.ok(
        "mutation($id: UUID!) { archiveTrialPlacement(id: $id) { id } }",
        json!({ "id": trial }),
    )
    .await;
    app.ok(
        "mutation($id: UUID!) { deleteTrialPlacement(id: $id) }",
        json!({ "id": trial }),
    )
    .await;
    assert_eq!(app.count("trial_placement").await, 0);
}

#[tokio::test]
async fn follow_up_group_meetings_minutes_and_action_items() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let group = app.group(&grant).await;
    let d = app
        .ok(
            "mutation($id: UUID!) { updateFollowUpGroup(id: $id, input: {cadenceDays: 45}) { cadenceDays name } }",
            json!({ "id": group }),
        )
        .await;
    assert_eq!(
        d["updateFollowUpGroup"],
        json!({ "cadenceDays": 45, "name": "Følgegruppen" })
    );
    let mut members = Vec::new();
    for (name, role) in [
        ("Byggeleder", "SITE_MANAGEMENT"),
        ("3F", "UNION"),
        ("Tovholder", "JOBCENTER"),
    ] {
        let d = app
            .ok(
                &format!("mutation($g: UUID!) {{ createGroupMember(input: {{groupId: $g, name: \"{name}\", organisation: \"Org\", role: {role}}}) {{ id role }} }}"),
                json!({ "g": group }),
            )
            .await;
        members.push(id(&d["createGroupMember"]));
    }
    let d = app
        .ok(
            "mutation($id: UUID!) { updateGroupMember(id: $id, input: {organisation: \"3F Bygningsarbejderne\"}) { organisation } }",
            json!({ "id": members[1] }),
        )
        .await;
    assert_eq!(
        d["updateGroupMember"]["organisation"],
        "3F Bygningsarbejderne"
    );

    let d = app
        .ok(
            "mutation($g: UUID!, $a: [UUID!]!) { createMeeting(input: {groupId: $g, date: \"2024-03-12\", durationMinutes: 60, attendeeIds: $a}) { id minutes attendees { id } } }",
            json!({ "g": group, "a": [members[0], members[2]] }),
        )
        .await;
    let meeting = id(&d["createMeeting"]);
    assert_eq!(
        d["createMeeting"]["attendees"],
        json!([{ "id": members[0] }, { "id": members[2] }])
    );
    assert_eq!(app.count("meeting_attendee").await, 2);

    let d = app
        .ok(
            "mutation($id: UUID!, $a: [UUID!]!) { updateMeeting(id: $id, input: {durationMinutes: 75, attendeeIds: $a}) { durationMinutes attendees { id } } }",
            json!({ "id": meeting, "a": [members[1]] }),
        )
        .await;
    assert_eq!(
        d["updateMeeting"],
        json!({ "durationMinutes": 75, "attendees": [{ "id": members[1] }] })
    );

    let d = app
        .ok(
            "mutation($id: UUID!) { addMeetingMinutes(input: {meetingId: $id, minutes: \"Status på lærlinge\", decisions: \"To nye kandidater\"}) { minutes decisions } }",
            json!({ "id": meeting }),
        )
        .await;
    assert_eq!(
        d["addMeetingMinutes"],
        json!({ "minutes": "Status på lærlinge", "decisions": "To nye kandidater" })
    );

    let d = app
        .ok(
            "mutation($m: UUID!) { createActionItem(input: {meetingId: $m, description: \"Find praktikplads\", owner: \"Jobcenter Odense\", dueDate: \"2024-04-01\"}) { id done doneAt } }",
            json!({ "m": meeting }),
        )
        .await;
    let item = id(&d["createActionItem"]);
    assert_eq!(d["createActionItem"]["done"], false);
    let d = app
        .ok("mutation($id: UUID!) { updateActionItem(id: $id, input: {done: true}) { done doneAt } }", json!({ "id": item }))
        .await;
    assert_eq!(d["updateActionItem"]["done"], true);
    assert!(d["updateActionItem"]["doneAt"].is_string());

    // The meeting is referenced by its action item: delete refused until the item is gone.
    let (code, _, _) = app
        .err(
            "mutation($id: UUID!) { deleteMeeting(id: $id) }",
            json!({ "id": meeting }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    app.ok(
        "mutation($id: UUID!) { archiveActionItem(id: $id) { id } }",
        json!({ "id": item }),
    )
    .await;
    app.ok(
        "mutation($id: UUID!) { deleteActionItem(id: $id) }",
        json!({ "id": item }),
    )
    .await;
    app.ok(
        "mutation($id: UUID!) { archiveMeeting(id: $id) { id } }",
        json!({ "id": meeting }),
    )
    .await;
    app.ok(
        "mutation($id: UUID!) { deleteMeeting(id: $id) }",
        json!({ "id": meeting }),
    )
    .await;
    assert_eq!(
        app.count("meeting_attendee").await,
        0,
        "attendance goes with the meeting"
    );
    app.ok(
        "mutation($id: UUID!) { archiveGroupMember(id: $id) { id } }",
        json!({ "id": members[0] }),
    )
    .await;
    app.ok(
        "mutation($id: UUID!) { deleteGroupMember(id: $id) }",
        json!({ "id": members[0] }),
    )
    .await;
    assert_eq!(app.count("group_member").await, 2);
    app.ok(
        "mutation($id: UUID!) { archiveFollowUpGroup(id: $id) { id } }",
        json!({ "id": group }),
    )
    .await;
    app.ok(
        "mutation($id: UUID!) { deleteFollowUpGroup(id: $id) }",
        json!({ "id": group }),
    )
    .await;
    assert_eq!(
        (
            app.count("follow_up_group").await,
            app.count("group_member").await
        ),
        (0, 0)
    );
}

#[tokio::test]
async fn archived_rows_cannot_be_changed_or_archived_again() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    app.ok(
        "mutation($id: UUID!) { archiveGrant(id: $id) { id } }",
        json!({ "id": grant }),
    )
    .await;
    let (code, _, msg) = app
        .err(
            "mutation($id: UUID!) { updateGrant(id: $id, input: {title: \"Ny\"}) { id } }",
            json!({ "id": grant }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    assert!(msg.contains("archived"), "{msg}");
    let (code, _, _) = app
        .err(
            "mutation($id: UUID!) { archiveGrant(id: $id) { id } }",
            json!({ "id": grant }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    let d = app
        .ok(
            "query($id: UUID!) { grant(id: $id) { title } }",
            json!({ "id": grant }),
        )
        .await;
    assert_eq!(
        d["grant"]["title"], "Helhedsplan",
        "the refused update wrote nothing"
    );
    // Nothing new can hang on an archived grant.
    let co = app.contractor(0).await;
    let (code, field, _) = app
        .err(
            "mutation($g: UUID!, $c: UUID!) { createContract(input: {grantId: $g, contractorId: $c, kind: MAIN, trade: \"x\", value: \"1\", startDate: \"2023-01-01\", endDate: \"2023-12-31\"}) { id } }",
            json!({ "g": grant, "c": co }),
        )
        .await;
    assert_eq!((code.as_str(), field.as_deref()), ("CONFLICT", None));
    assert_eq!(app.count("contract").await, 0);
}

#[tokio::test]
async fn unknown_ids_answer_not_found() {
    let app = TestApp::new().await;
    let nobody = uuid::Uuid::now_v7().to_string();
    for q in [
        "query($id: UUID!) { grant(id: $id) { id } }",
        "query($id: UUID!) { contract(id: $id) { id } }",
        "mutation($id: UUID!) { updatePerson(id: $id, input: {displayName: \"x\"}) { id } }",
        "mutation($id: UUID!) { archiveMeeting(id: $id) { id } }",
        "mutation($id: UUID!) { deleteContractor(id: $id) }",
    ] {
        let (code, _, msg) = app.err(q, json!({ "id": nobody })).await;
        assert_eq!(code, "NOT_FOUND", "{q}");
        assert!(msg.contains(&nobody), "{msg}");
    }
}

#[tokio::test]
async fn erasure_anonymises_a_person_and_keeps_their_hours_in_totals() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let co = app.contractor(0).await;
    let contract = app.contract(&grant, &co).await;
    let person = app.person("Jonas Mikkelsen").await;
    let pl = app.placement(&person, &grant, &contract).await;
    app.ok(
        "mutation($c: UUID!, $p: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-01\", totalHours: \"1000\", traineeHours: [{placementId: $p, hours: \"150\"}]}) { id } }",
        json!({ "c": contract, "p": pl }),
    )
    .await;
    app.ok(
        "mutation($p: UUID!, $g: UUID!) { createTrialPlacement(input: {personId: $p, grantId: $g, tovholder: \"T\", startDate: \"2023-06-05\"}) { id } }",
        json!({ "p": person, "g": grant }),
    )
    .await;
    let totals = "query($g: UUID!) { compliance(grantId: $g, asOf: \"2024-02-15\", knownAt: \"2100-01-01T00:00:00Z\") { metrics { labourHours traineeHours } } }";
    let before = app.ok(totals, json!({ "g": grant })).await;

    // Right of access first: everything held, as JSON.
    let d = app
        .ok(
            "query($id: UUID!) { personDataExport(id: $id) }",
            json!({ "id": person }),
        )
        .await;
    let export = &d["personDataExport"];
    assert_eq!(export["person"]["displayName"], "Jonas Mikkelsen");
    assert_eq!(
        export["placements"][0]["hours"],
        json!([{ "month": "2024-01", "hours": "150.00" }])
    );
    assert_eq!(export["trialPlacements"].as_array().unwrap().len(), 1);

    let d = app
        .ok("mutation($id: UUID!) { erasePerson(id: $id) { displayName birthYear livesInEstate consentDate erasedAt } }", json!({ "id": person }))
        .await;
    let p = &d["erasePerson"];
    assert_eq!(
        (
            p["displayName"].as_str(),
            p["birthYear"].is_null(),
            p["livesInEstate"].as_bool()
        ),
        (Some("Anonymiseret person"), true, Some(false))
    );
    assert!(p["erasedAt"].is_string());
    assert_eq!(
        app.ok(totals, json!({ "g": grant })).await,
        before,
        "hours stay in the totals"
    );
    assert_eq!(
        (app.count("placement").await, app.count("hours_line").await),
        (1, 1)
    );

    let (code, _, _) = app
        .err(
            "mutation($id: UUID!) { erasePerson(id: $id) { id } }",
            json!({ "id": person }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    let (code, _, _) = app
        .err("mutation($id: UUID!) { updatePerson(id: $id, input: {displayName: \"Jonas\"}) { id } }", json!({ "id": person }))
        .await;
    assert_eq!(
        code, "CONFLICT",
        "an erased person cannot be re-identified by an update"
    );
}
