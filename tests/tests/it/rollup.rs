//! The hours rollups (`hours_month`: each report's sums by kind; `person_month_hours`: each
//! person's hours per month over every grant) always equal a full recomputation from the raw
//! hours lines, and an evaluation from the rollups equals one that sums the lines: after random
//! sequences of reports, payroll imports, replacements, kind changes, archives, deletions and
//! erasures, and after concurrent writes for one person. On either database.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use entity::{contract, hours_line, hours_month, hours_report, person_month_hours, placement};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tests::{TestApp, id};
use uuid::Uuid;

/// A small deterministic generator (xorshift64*): the same seed replays the same sequence, so a
/// failure names the seed that reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

type MonthSums = (Uuid, Uuid, NaiveDate, i64, i64, i64, i64);

/// What the rollups must hold, computed here from the raw tables with the engine's rule for kinds:
/// (report → grant, contract, month, total, apprentice, other training, not counted) and
/// ((person, month) → hours), zero totals left out.
async fn recompute(app: &TestApp) -> (BTreeMap<Uuid, MonthSums>, BTreeMap<(Uuid, NaiveDate), i64>) {
    let db = &app.db;
    let contracts: BTreeMap<Uuid, Uuid> = contract::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.grant_id))
        .collect();
    let placements: BTreeMap<Uuid, placement::Model> = placement::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let reports: BTreeMap<Uuid, hours_report::Model> = hours_report::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut months: BTreeMap<Uuid, MonthSums> = reports
        .values()
        .map(|r| {
            (
                r.id,
                (
                    contracts[&r.contract_id],
                    r.contract_id,
                    r.month,
                    r.total_centihours,
                    0,
                    0,
                    0,
                ),
            )
        })
        .collect();
    let mut persons: BTreeMap<(Uuid, NaiveDate), i64> = BTreeMap::new();
    for l in hours_line::Entity::find().all(db).await.unwrap() {
        let p = &placements[&l.placement_id];
        let r = &reports[&l.report_id];
        let m = months.get_mut(&r.id).unwrap();
        if p.grant_id != m.0 {
            m.6 += l.centihours;
        } else if p.kind.is_apprentice() {
            m.4 += l.centihours;
        } else if p.kind.counts_as_training() {
            m.5 += l.centihours;
        } else {
            m.6 += l.centihours;
        }
        *persons.entry((p.person_id, r.month)).or_default() += l.centihours;
    }
    persons.retain(|_, v| *v != 0);
    (months, persons)
}

async fn stored(app: &TestApp) -> (BTreeMap<Uuid, MonthSums>, BTreeMap<(Uuid, NaiveDate), i64>) {
    let months = hours_month::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| {
            (
                m.report_id,
                (
                    m.grant_id,
                    m.contract_id,
                    m.month,
                    m.total_centihours,
                    m.apprentice_centihours,
                    m.other_training_centihours,
                    m.not_counted_centihours,
                ),
            )
        })
        .collect();
    let persons = person_month_hours::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.centihours != 0)
        .map(|p| ((p.person_id, p.month), p.centihours))
        .collect();
    (months, persons)
}

/// The rollups equal the recomputation, and every grant evaluated from them equals the grant
/// evaluated from its lines (and the rollups were what the first one read).
async fn assert_exact(app: &TestApp, context: &str) {
    assert_eq!(stored(app).await, recompute(app).await, "{context}");
    let grants = entity::grant::Entity::find().all(&app.db).await.unwrap();
    let now = Utc::now();
    let rolled = api::service::compliance::load_facts(&app.db, &grants, now)
        .await
        .unwrap();
    let raw = api::service::compliance::load_facts_from_lines(&app.db, &grants, now)
        .await
        .unwrap();
    let as_of = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
    for g in &grants {
        let (a, b) = (&rolled[&g.id], &raw[&g.id]);
        assert!(
            a.reports.iter().all(|r| r.by_kind.is_some()),
            "{context}: read from the rollups"
        );
        assert!(b.reports.iter().all(|r| r.by_kind.is_none()));
        assert_eq!(a.reports.len(), b.reports.len(), "{context}");
        assert_eq!(
            api::compliance::evaluate(a, as_of),
            api::compliance::evaluate(b, as_of),
            "{context}: grant {}",
            g.case_number
        );
    }
}

const KINDS: [&str; 6] = [
    "EUD_APPRENTICE",
    "EUX",
    "FGU",
    "IGU",
    "WAGE_SUBSIDY",
    "WORK_EXPERIENCE",
];

const REPORT: &str = "mutation($c: UUID!, $m: YearMonth!, $t: Decimal!, $l: [TraineeHoursInput!]!) {
    reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: $m, totalHours: $t, traineeHours: $l}) { id } }";

/// Every error names its code: an operation the random sequence gets refused (a report
/// archived or deleted meanwhile, a person erased) is refused cleanly.
fn succeeded(res: &Value) -> bool {
    match res.get("errors") {
        None => true,
        Some(errors) => {
            for e in errors.as_array().unwrap() {
                assert!(e["extensions"]["code"].is_string(), "{e:#}");
            }
            false
        }
    }
}

/// Imports one contract's month as a payroll file (a row per trainee line, the total on each);
/// answers like a mutation: an error with a code if the import was refused.
async fn import(
    app: &TestApp,
    contract: &str,
    month: &str,
    total: &str,
    lines: &[Value],
    reports: &mut Vec<String>,
) -> Value {
    let mut file = String::from("kontrakt;måned;timer i alt;plads;timer\n");
    if lines.is_empty() {
        file.push_str(&format!("{contract};{month};{total};;\n"));
    }
    for l in lines {
        let (p, h) = (
            l["placementId"].as_str().unwrap(),
            l["hours"].as_str().unwrap(),
        );
        file.push_str(&format!("{contract};{month};{total};{p};{h}\n"));
    }
    let summary = api::service::payroll::import_payroll(
        &app.db,
        &api::db::WriteGate::for_connection(&app.db),
        &api::auth::Principal::system(),
        api::service::payroll::ImportRequest {
            file_name: "rollup.csv".into(),
            bytes: file.into_bytes(),
            dry_run: false,
            filed_at: None,
            declaration_version: Some("2026-12".into()),
        },
    )
    .await
    .map_err(|e| e.message())
    .unwrap();
    if summary.status != api::service::payroll::ImportStatus::Imported {
        return json!({ "errors": [{ "extensions": { "code": "REFUSED" } }] });
    }
    let found = app
        .ok(
            "query($c: UUID!, $m: YearMonth!) { hoursReports(filter: {contractId: $c, fromMonth: $m, toMonth: $m}) { edges { node { id } } } }",
            json!({ "c": contract, "m": month }),
        )
        .await;
    reports.push(id(&found["hoursReports"]["edges"][0]["node"]));
    json!({ "data": {} })
}

/// Scenario: two grants, three contracts, four persons each placed on every contract, six
/// months. A seeded random sequence of 60 writes: month reports (new and replacing, often
/// taking a person over the monthly cap across grants, so R9 reads lines through the rollup),
/// placement kind changes, report archives and deletions, and an erasure; a third of the months
/// arrive as payroll imports. After every tenth
/// write the rollups are compared with a full recomputation and the evaluations with the lines.
#[tokio::test]
async fn rollups_equal_a_full_recomputation_after_random_writes() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let (a, b) = (
        app.grant_on(&estate, "LBF-R1").await,
        app.grant_on(&estate, "LBF-R2").await,
    );
    let (k0, k1, k2) = (
        app.contractor(0).await,
        app.contractor(1).await,
        app.contractor(2).await,
    );
    let contracts = [
        (app.contract(&a, &k0).await, a.clone()),
        (app.contract(&a, &k1).await, a.clone()),
        (app.contract(&b, &k2).await, b.clone()),
    ];
    let mut persons = Vec::new();
    // placements[c] = the placements on contract c.
    let mut placements: Vec<Vec<String>> = vec![Vec::new(); contracts.len()];
    for n in 0..4 {
        let p = app.person(&format!("Person {n}")).await;
        for (c, (contract, grant)) in contracts.iter().enumerate() {
            placements[c].push(app.placement(&p, grant, contract).await);
        }
        persons.push(p);
    }

    for seed in [0x5EED_0001_u64, 0xC0FF_EE42] {
        let mut rng = Rng(seed);
        let mut reports: Vec<String> = Vec::new();
        let mut done = 0;
        for step in 1..=60 {
            let res = match rng.below(10) {
                0..=5 => {
                    let c = rng.below(contracts.len());
                    let month = format!("2024-{:02}", 1 + rng.below(6));
                    let mut lines = Vec::new();
                    let mut sum = 0;
                    for p in &placements[c] {
                        if rng.below(3) > 0 {
                            let h = rng.below(18_000) as i64;
                            sum += h;
                            lines.push(json!({ "placementId": p, "hours": format!("{}.{:02}", h / 100, h % 100) }));
                        }
                    }
                    let total = sum + rng.below(50_000) as i64;
                    let total = format!("{}.{:02}", total / 100, total % 100);
                    if rng.below(3) == 0 {
                        // The same month as a payroll file.
                        import(&app, &contracts[c].0, &month, &total, &lines, &mut reports).await
                    } else {
                        let res = app
                            .exec(
                                REPORT,
                                json!({ "c": contracts[c].0, "m": month, "t": total, "l": lines }),
                            )
                            .await;
                        if let Some(r) = res["data"]["reportMonthlyHours"].as_object() {
                            reports.push(id(&Value::Object(r.clone())));
                        }
                        res
                    }
                }
                6 | 7 => {
                    let c = rng.below(contracts.len());
                    let p = &placements[c][rng.below(4)];
                    app.exec(
                        "mutation($p: UUID!, $k: PlacementKind!) { updatePlacement(id: $p, input: {kind: $k}) { id } }",
                        json!({ "p": p, "k": KINDS[rng.below(KINDS.len())] }),
                    )
                    .await
                }
                8 if !reports.is_empty() => {
                    let r = &reports[rng.below(reports.len())];
                    if rng.below(2) == 0 {
                        app.exec(
                            "mutation($r: UUID!) { archiveHoursReport(id: $r) { id } }",
                            json!({ "r": r }),
                        )
                        .await
                    } else {
                        app.exec(
                            "mutation($r: UUID!) { deleteHoursReport(id: $r) }",
                            json!({ "r": r }),
                        )
                        .await
                    }
                }
                _ => {
                    let p = &persons[rng.below(persons.len())];
                    app.exec(
                        "mutation($p: UUID!) { erasePerson(id: $p) { id } }",
                        json!({ "p": p }),
                    )
                    .await
                }
            };
            if succeeded(&res) {
                done += 1;
            }
            if step % 10 == 0 {
                assert_exact(&app, &format!("seed {seed:#x}, after write {step}")).await;
            }
        }
        assert!(
            done >= 40,
            "seed {seed:#x}: only {done} of 60 writes went through"
        );
    }
    // The sequences took someone over the cap: R9 was read through the rollups, not skipped.
    let over = person_month_hours::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.centihours > 20_042)
        .count();
    assert!(over > 0, "no person-month above the cap: R9 went untested");

    // The bulk backfill (a server starting on data without rollups) computes the same rows:
    // first with every rollup gone, then with half the report rows gone and the person-months
    // still in place (recomputed, never added to).
    let reports = hours_month::Entity::find().all(&app.db).await.unwrap();
    assert!(reports.len() >= 10, "{} report rows", reports.len());
    hours_month::Entity::delete_many()
        .exec(&app.db)
        .await
        .unwrap();
    person_month_hours::Entity::delete_many()
        .exec(&app.db)
        .await
        .unwrap();
    let filled = api::service::rollup::backfill(&app.db).await.unwrap();
    assert_eq!(filled, reports.len());
    assert_exact(&app, "after a full backfill").await;
    let half: Vec<Uuid> = reports.iter().step_by(2).map(|r| r.report_id).collect();
    hours_month::Entity::delete_many()
        .filter(hours_month::Column::ReportId.is_in(half.clone()))
        .exec(&app.db)
        .await
        .unwrap();
    let filled = api::service::rollup::backfill(&app.db).await.unwrap();
    assert_eq!(filled, half.len());
    assert_exact(&app, "after a partial backfill").await;
    assert_eq!(api::service::rollup::backfill(&app.db).await.unwrap(), 0);
}

/// Scenario: one person on six grants; six reports for the same month arrive at once (one per
/// grant), while the first placement's kind changes. The person's monthly total is the sum of
/// all six (no write lost its hours to another's snapshot), the first report's sums follow the
/// new kind, and every grant sees R9 fire on the 6 x 40 = 240 hours.
#[tokio::test]
async fn concurrent_writes_for_one_person_keep_the_sums_exact() {
    let app = TestApp::new().await;
    let org = app.organisation().await;
    let estate = app.estate(&org).await;
    let person = app.person("Bo Nielsen").await;
    let mut sites = Vec::new();
    for n in 0..6 {
        let g = app.grant_on(&estate, &format!("LBF-C{n}")).await;
        let k = app.contractor(n).await;
        let c = app.contract(&g, &k).await;
        let p = app.placement(&person, &g, &c).await;
        sites.push((g, c, p));
    }
    let write = |n: usize| {
        app.exec(
            REPORT,
            json!({ "c": sites[n].1, "m": "2024-03", "t": "400", "l": [{ "placementId": sites[n].2, "hours": "40" }] }),
        )
    };
    let kind = app.exec(
        "mutation($p: UUID!) { updatePlacement(id: $p, input: {kind: FGU}) { id } }",
        json!({ "p": sites[0].2 }),
    );
    let (r0, r1, r2, r3, r4, r5, k) = tokio::join!(
        write(0),
        write(1),
        write(2),
        write(3),
        write(4),
        write(5),
        kind
    );
    for r in [r0, r1, r2, r3, r4, r5, k] {
        assert!(r.get("errors").is_none(), "{r:#}");
    }
    let person_id: Uuid = person.parse().unwrap();
    let march = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    let total = person_month_hours::Entity::find_by_id((person_id, march))
        .one(&app.db)
        .await
        .unwrap()
        .map(|p| p.centihours);
    assert_eq!(total, Some(24_000));
    let first: Uuid = sites[0].1.parse().unwrap();
    let first = hours_month::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.contract_id == first)
        .unwrap();
    // FGU counts as training but is not an apprenticeship.
    assert_eq!(
        (first.apprentice_centihours, first.other_training_centihours),
        (0, 4_000)
    );
    assert_exact(&app, "after concurrent writes").await;
    let d = app
        .ok(
            "query($k: DateTime!) { complianceDashboard(asOf: \"2024-04-15\", knownAt: $k) { grant { caseNumber } findings { code } } }",
            json!({ "k": Utc::now().to_rfc3339() }),
        )
        .await;
    assert_eq!(d["complianceDashboard"].as_array().unwrap().len(), 6);
    for row in d["complianceDashboard"].as_array().unwrap() {
        let codes: Vec<&str> = row["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        assert!(
            codes.iter().any(|c| c.starts_with("R9")),
            "{}: {codes:?}",
            row["grant"]["caseNumber"]
        );
    }
}
