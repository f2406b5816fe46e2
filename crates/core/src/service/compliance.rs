//! Loads the facts the compliance engine needs for many grants at once (a fixed number of
//! queries whatever the number of grants), and the yearly LBF report: submit and correct.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Europe::Copenhagen;
use entity::enums::HoursStatus;
use entity::{
    company_documentation, contract, contractor, follow_up_group, grant, hours_line, hours_report,
    lbf_report, meeting, person, placement, trial_placement,
};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use sha2::Digest;
use uuid::Uuid;

use super::{known, new_id, now};
use crate::compliance::{
    self, ContractFacts, DocumentationFacts, ExternalHours, GrantFacts, KindSums, MeetingFacts,
    MonthStatusFacts, Params, PlacementFacts, ReportFacts, TrialFacts,
};
use crate::error::{AppError, AppResult};
use crate::record::{Kind, get};
use crate::scope::Scope;
use crate::validate;

/// Ids per query: well under every database's limit on bound parameters.
const CHUNK: usize = 500;

/// Facts for each of `grants` as recorded at `known_at`, keyed by grant id (a grant recorded only
/// later is absent). Archived contracts, placements and reports stay in: the hours were worked.
/// A fixed number of queries whatever the number of grants, plus a look into the audit trail for
/// the rows written after `known_at`.
pub async fn load_facts<C: ConnectionTrait>(
    db: &C,
    grants: &[grant::Model],
    known_at: DateTime<Utc>,
) -> AppResult<HashMap<Uuid, GrantFacts>> {
    load(db, grants, known_at, true).await
}

/// [`load_facts`] summing the hours lines themselves, never the rollups: what the rollups must
/// always agree with (the exactness tests compare the two).
pub async fn load_facts_from_lines<C: ConnectionTrait>(
    db: &C,
    grants: &[grant::Model],
    known_at: DateTime<Utc>,
) -> AppResult<HashMap<Uuid, GrantFacts>> {
    load(db, grants, known_at, false).await
}

async fn load<C: ConnectionTrait>(
    db: &C,
    grants: &[grant::Model],
    known_at: DateTime<Utc>,
    rollups: bool,
) -> AppResult<HashMap<Uuid, GrantFacts>> {
    let ids: Vec<Uuid> = grants.iter().map(|g| g.id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let wanted: HashSet<Uuid> = ids.iter().copied().collect();
    let grants = known::as_known::<grant::Entity, _>(db, grants.to_vec(), known_at, |g| {
        wanted.contains(&g.id)
    })
    .await?;
    let site = read_site(db, &ids, &wanted, known_at).await?;
    let min_cap = grants
        .iter()
        .map(|g| {
            Params::with_stored(g.id, g.parameter_overrides.as_ref()).person_month_cap_centihours()
        })
        .min()
        .unwrap_or(0);
    let (elsewhere, reports) =
        read_hours(db, &ids, &wanted, &site, min_cap, known_at, rollups).await?;
    let follow_up = read_follow_up(db, &ids, &wanted, known_at).await?;
    let contract_ids: Vec<Uuid> = site.contracts.iter().map(|c| c.id).collect();
    let states = read_states(db, &contract_ids, known_at).await?;
    let mut facts: HashMap<Uuid, GrantFacts> =
        grants.iter().map(|g| (g.id, empty_facts(g))).collect();
    let approval: HashMap<Uuid, bool> = grants
        .iter()
        .map(|g| (g.id, g.main_contractor_approval))
        .collect();
    let grant_of_contract = add_contracts(
        &mut facts,
        site.contracts,
        site.documentation,
        &site.contractors,
        &approval,
    );
    for s in states {
        if let Some(f) = grant_of_contract
            .get(&s.contract_id)
            .and_then(|g| facts.get_mut(g))
        {
            f.hours_states.push(s);
        }
    }
    add_placements_and_hours(
        &mut facts,
        site.placements,
        &site.person_names,
        &site.residents,
        &elsewhere,
        reports,
        &grant_of_contract,
    );
    add_follow_up(&mut facts, follow_up);
    Ok(facts)
}

/// The workflow's open months of `contracts` as known at `known_at`: each month's latest
/// version's last step other than a draft. Only versions open now (draft, submitted, approved,
/// returned) or changed since `known_at` can have been open then, so only those are read: an
/// accepted month left alone is the bulk of the country and is never an open month again.
async fn read_states<C: ConnectionTrait>(
    db: &C,
    contracts: &[Uuid],
    known_at: DateTime<Utc>,
) -> AppResult<Vec<MonthStatusFacts>> {
    use entity::{hours_status_change as step, hours_version as version};
    let mut versions = Vec::new();
    for chunk in contracts.chunks(CHUNK) {
        versions.extend(
            version::Entity::find()
                .filter(version::Column::ContractId.is_in(chunk.iter().copied()))
                .filter(
                    sea_orm::Condition::any()
                        .add(version::Column::Status.is_in([
                            HoursStatus::Draft,
                            HoursStatus::Submitted,
                            HoursStatus::Approved,
                            HoursStatus::Returned,
                        ]))
                        .add(version::Column::UpdatedAt.gt(known_at)),
                )
                .all(db)
                .await?,
        );
    }
    let ids: Vec<Uuid> = versions.iter().map(|v| v.id).collect();
    // (contract, month) -> (version, status, since): the latest version with a step by then.
    let mut latest: HashMap<(Uuid, NaiveDate), (i32, HoursStatus, DateTime<Utc>)> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let steps = step::Entity::find()
            .filter(step::Column::VersionId.is_in(chunk.iter().copied()))
            .filter(step::Column::At.lte(known_at))
            .filter(step::Column::ToStatus.ne(HoursStatus::Draft))
            .all(db)
            .await?;
        for s in steps {
            let e = latest
                .entry((s.contract_id, s.month))
                .or_insert((s.number, s.to_status, s.at));
            if (s.number, s.at) > (e.0, e.2) {
                *e = (s.number, s.to_status, s.at);
            }
        }
    }
    Ok(latest
        .into_iter()
        .map(
            |((contract_id, month), (version, status, at))| MonthStatusFacts {
                contract_id,
                month,
                version,
                status,
                since: at.with_timezone(&Copenhagen).date_naive(),
            },
        )
        .collect())
}

/// A batch's contracts (with their contractors' names) and placements (with their persons'
/// names), as known at a moment.
struct SiteRows {
    contracts: Vec<contract::Model>,
    documentation: Vec<company_documentation::Model>,
    contractors: HashMap<Uuid, String>,
    placements: Vec<placement::Model>,
    person_ids: HashSet<Uuid>,
    person_names: HashMap<Uuid, String>,
    /// The persons who live in the estate or the designated area (R11).
    residents: HashSet<Uuid>,
}

async fn read_site<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
    wanted: &HashSet<Uuid>,
    known_at: DateTime<Utc>,
) -> AppResult<SiteRows> {
    let contracts = contract::Entity::find()
        .filter(contract::Column::GrantId.is_in(ids.to_vec()))
        .all(db)
        .await?;
    let contracts = known::as_known::<contract::Entity, _>(db, contracts, known_at, |c| {
        wanted.contains(&c.grant_id)
    })
    .await?;
    let documentation = company_documentation::Entity::find()
        .filter(company_documentation::Column::GrantId.is_in(ids.to_vec()))
        .all(db)
        .await?;
    let documentation =
        known::as_known::<company_documentation::Entity, _>(db, documentation, known_at, |d| {
            wanted.contains(&d.grant_id)
        })
        .await?;
    // Distinct ids: 3,000 contracts name about 200 contractors.
    let contractor_ids: HashSet<Uuid> = contracts.iter().map(|c| c.contractor_id).collect();
    let contractors: HashMap<Uuid, String> = contractor::Entity::find()
        .filter(contractor::Column::Id.is_in(contractor_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let placements = placement::Entity::find()
        .filter(placement::Column::GrantId.is_in(ids.to_vec()))
        .all(db)
        .await?;
    let placements = known::as_known::<placement::Entity, _>(db, placements, known_at, |p| {
        wanted.contains(&p.grant_id)
    })
    .await?;
    let person_ids: HashSet<Uuid> = placements.iter().map(|p| p.person_id).collect();
    let persons = person::Entity::find()
        .filter(person::Column::Id.is_in(person_ids.iter().copied()))
        .all(db)
        .await?;
    // Where a person lives is judged as it was recorded at `known_at` (R11).
    let residents = residents_as_known(db, persons.clone(), known_at).await?;
    let person_names: HashMap<Uuid, String> = persons
        .into_iter()
        .map(|p| (p.id, p.display_name))
        .collect();

    Ok(SiteRows {
        contracts,
        documentation,
        contractors,
        placements,
        person_ids,
        person_names,
        residents,
    })
}

/// The ids of `persons` who lived in the estate or the designated area as recorded at `known_at`.
async fn residents_as_known<C: ConnectionTrait>(
    db: &C,
    persons: Vec<person::Model>,
    known_at: DateTime<Utc>,
) -> AppResult<HashSet<Uuid>> {
    Ok(
        known::as_known::<person::Entity, _>(db, persons, known_at, |_| false)
            .await?
            .into_iter()
            .filter(|p| p.lives_in_estate)
            .map(|p| p.id)
            .collect(),
    )
}

/// The hours: from the rollups when no hours or placement was written after `known_at` (so the
/// sums are the sums as known then), else from the lines as the audit trail rebuilds them.
/// Returns the persons' placements on other grants (for R9) and the reports.
async fn read_hours<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
    wanted: &HashSet<Uuid>,
    site: &SiteRows,
    min_cap: i64,
    known_at: DateTime<Utc>,
    rollups: bool,
) -> AppResult<(Vec<placement::Model>, Vec<HoursRow>)> {
    let rolled_up = if !rollups || known::written_since(db, HOURS_INPUTS, known_at).await? {
        None
    } else {
        rolled_up_hours(db, ids, wanted, &site.person_ids, min_cap, known_at).await?
    };
    match rolled_up {
        Some(r) => Ok(r),
        None => {
            let contract_ids: HashSet<Uuid> = site.contracts.iter().map(|c| c.id).collect();
            raw_hours(db, ids, wanted, &contract_ids, &site.person_ids, known_at).await
        }
    }
}

/// A batch's snusepraktik placements, følgegrupper, meetings and LBF submissions, as known at
/// a moment.
struct FollowUpRows {
    trials: Vec<trial_placement::Model>,
    /// The snusepraktik participants who live in the estate or the designated area (R11).
    trial_residents: HashSet<Uuid>,
    groups: Vec<follow_up_group::Model>,
    meetings: Vec<meeting::Model>,
    submissions: Vec<lbf_report::Model>,
}

async fn read_follow_up<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
    wanted: &HashSet<Uuid>,
    known_at: DateTime<Utc>,
) -> AppResult<FollowUpRows> {
    let trials = trial_placement::Entity::find()
        .filter(trial_placement::Column::GrantId.is_in(ids.to_vec()))
        .all(db)
        .await?;
    let trials = known::as_known::<trial_placement::Entity, _>(db, trials, known_at, |t| {
        wanted.contains(&t.grant_id)
    })
    .await?;
    let trial_persons: HashSet<Uuid> = trials.iter().map(|t| t.person_id).collect();
    let trial_residents: HashSet<Uuid> = if trial_persons.is_empty() {
        HashSet::new()
    } else {
        let persons = person::Entity::find()
            .filter(person::Column::Id.is_in(trial_persons))
            .all(db)
            .await?;
        residents_as_known(db, persons, known_at).await?
    };
    let groups = follow_up_group::Entity::find()
        .filter(follow_up_group::Column::GrantId.is_in(ids.to_vec()))
        .all(db)
        .await?;
    let groups = known::as_known::<follow_up_group::Entity, _>(db, groups, known_at, |g| {
        wanted.contains(&g.grant_id)
    })
    .await?;
    let group_ids: HashSet<Uuid> = groups.iter().map(|g| g.id).collect();
    let meetings = if group_ids.is_empty() {
        Vec::new()
    } else {
        meeting::Entity::find()
            .filter(meeting::Column::GroupId.is_in(group_ids.iter().copied()))
            .all(db)
            .await?
    };
    let meetings = known::as_known::<meeting::Entity, _>(db, meetings, known_at, |m| {
        group_ids.contains(&m.group_id)
    })
    .await?;
    let submissions = lbf_report::Entity::find()
        .filter(lbf_report::Column::GrantId.is_in(ids.to_vec()))
        .all(db)
        .await?;
    let submissions = known::as_known::<lbf_report::Entity, _>(db, submissions, known_at, |r| {
        wanted.contains(&r.grant_id)
    })
    .await?;

    Ok(FollowUpRows {
        trials,
        trial_residents,
        groups,
        meetings,
        submissions,
    })
}

/// A grant's facts before its contracts, people, hours and follow-up are added.
fn empty_facts(g: &grant::Model) -> GrantFacts {
    GrantFacts {
        id: g.id,
        case_number: g.case_number.clone(),
        craftsman_cost_ore: g.craftsman_cost_ore,
        construction_start: g.construction_start,
        planned_handover: g.planned_handover,
        actual_handover: g.actual_handover,
        params: Params::with_stored(g.id, g.parameter_overrides.as_ref()),
        contracts: vec![],
        placements: vec![],
        person_names: HashMap::new(),
        reports: vec![],
        hours_states: vec![],
        external_hours: vec![],
        trials: vec![],
        follow_up_group_id: None,
        meetings: vec![],
        lbf_submissions: vec![],
        resident_trial_target_bp: g.resident_trial_target_bp,
        resident_trainee_target_bp: g.resident_trainee_target_bp,
    }
}

/// Adds each contract to its grant's facts; returns each contract's grant.
fn add_contracts(
    facts: &mut HashMap<Uuid, GrantFacts>,
    contracts: Vec<contract::Model>,
    documentation: Vec<company_documentation::Model>,
    contractors: &HashMap<Uuid, String>,
    approval: &HashMap<Uuid, bool>,
) -> HashMap<Uuid, Uuid> {
    let mut grant_of_contract = HashMap::new();
    // Archived documentation was withdrawn: it lapses nothing.
    let mut documented: HashMap<Uuid, Vec<DocumentationFacts>> = HashMap::new();
    for d in documentation
        .into_iter()
        .filter(|d| d.archived_at.is_none())
    {
        documented
            .entry(d.contract_id)
            .or_default()
            .push(DocumentationFacts {
                id: d.id,
                from: d.period_from,
                to: d.period_to,
                share_bp: d.documented_share_bp,
                document: d.document,
            });
    }
    for c in contracts {
        grant_of_contract.insert(c.id, c.grant_id);
        if let Some(f) = facts.get_mut(&c.grant_id) {
            f.contracts.push(ContractFacts {
                id: c.id,
                contractor_id: c.contractor_id,
                contractor_name: contractors
                    .get(&c.contractor_id)
                    .cloned()
                    .unwrap_or_default(),
                trade: c.trade,
                value_ore: c.value_ore,
                start: c.start_date,
                end: c.end_date,
                clause_centihours: c.clause_required_centihours,
                clause_share_bp: c.clause_required_share_bp,
                clause_centiweeks: c.clause_required_centiweeks,
                clause_skilled_per_trainee: c.clause_skilled_per_trainee,
                clause_apprentice_part_bp: c.clause_apprentice_part_bp,
                clause_company_threshold_bp: c.clause_company_threshold_bp,
                documentation: documented.remove(&c.id).unwrap_or_default(),
                exempt: c.exemption_reason.is_some(),
                approval: c.parent_contract_id.is_some()
                    && approval.get(&c.grant_id).copied().unwrap_or(true),
            });
        }
    }
    grant_of_contract
}

/// Adds the placements with their persons' names, and the reports with their lines; a person's
/// hours on another grant count there as hours elsewhere (R9).
fn add_placements_and_hours(
    facts: &mut HashMap<Uuid, GrantFacts>,
    placements: Vec<placement::Model>,
    person_names: &HashMap<Uuid, String>,
    residents: &HashSet<Uuid>,
    elsewhere: &[placement::Model],
    reports: Vec<HoursRow>,
    grant_of_contract: &HashMap<Uuid, Uuid>,
) {
    // Every placement a line may be on, with its person and grant: R9 counts a person's hours
    // on any other grant as "elsewhere", whether or not that grant is evaluated in this batch (a
    // grant's figures do not depend on which grants are asked for with it).
    let mut placement_of: HashMap<Uuid, (Uuid, Uuid)> = elsewhere
        .iter()
        .map(|p| (p.id, (p.person_id, p.grant_id)))
        .collect();
    placement_of.extend(placements.iter().map(|p| (p.id, (p.person_id, p.grant_id))));
    let mut person_grants: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for p in placements {
        person_grants
            .entry(p.person_id)
            .or_default()
            .push(p.grant_id);
        if let Some(f) = facts.get_mut(&p.grant_id) {
            if let Some(name) = person_names.get(&p.person_id) {
                f.person_names.insert(p.person_id, name.clone());
            }
            f.placements.push(PlacementFacts {
                id: p.id,
                person_id: p.person_id,
                contract_id: p.contract_id,
                kind: p.kind,
                resident: residents.contains(&p.person_id),
            });
        }
    }
    for ps in person_grants.values_mut() {
        ps.sort();
        ps.dedup();
    }
    for r in reports {
        for (placement, centi) in &r.lines {
            let Some((person, on)) = placement_of.get(placement) else {
                continue;
            };
            for g in person_grants.get(person).into_iter().flatten() {
                if g == on {
                    continue;
                }
                if let Some(f) = facts.get_mut(g) {
                    f.external_hours.push(ExternalHours {
                        person_id: *person,
                        month: r.month,
                        centihours: *centi,
                    });
                }
            }
        }
        let Some(&grant) = grant_of_contract.get(&r.contract_id) else {
            continue;
        };
        let Some(f) = facts.get_mut(&grant) else {
            continue;
        };
        f.reports.push(ReportFacts {
            contract_id: r.contract_id,
            month: r.month,
            total_centihours: r.total_centihours,
            reported_on: r.reported_at.with_timezone(&Copenhagen).date_naive(),
            // A line is on one of the contract's own placements, so on this grant.
            lines: r
                .lines
                .into_iter()
                .filter(|(p, _)| placement_of.get(p).is_none_or(|(_, on)| *on == grant))
                .collect(),
            by_kind: r.by_kind,
            status: r.status,
        });
    }
}

/// Adds the snusepraktik placements, the følgegruppe and its meetings, and the LBF submissions.
fn add_follow_up(facts: &mut HashMap<Uuid, GrantFacts>, rows: FollowUpRows) {
    let FollowUpRows {
        trials,
        trial_residents,
        groups,
        meetings,
        submissions,
    } = rows;
    for t in trials {
        if let Some(f) = facts.get_mut(&t.grant_id) {
            f.trials.push(TrialFacts {
                id: t.id,
                person_id: t.person_id,
                start: t.start_date,
                end: t.end_date,
                outcome: t.outcome,
                has_next_plan: t.next_plan.is_some(),
                three_month: t.three_month_status.zip(t.three_month_date),
                resident: trial_residents.contains(&t.person_id),
            });
        }
    }
    let mut grant_of_group = HashMap::new();
    for g in groups {
        if g.archived_at.is_none() {
            grant_of_group.insert(g.id, g.grant_id);
            if let Some(f) = facts.get_mut(&g.grant_id) {
                f.follow_up_group_id = Some(g.id);
            }
        }
    }
    for m in meetings.into_iter().filter(|m| m.archived_at.is_none()) {
        if let Some(f) = grant_of_group
            .get(&m.group_id)
            .and_then(|g| facts.get_mut(g))
        {
            f.meetings.push(MeetingFacts {
                id: m.id,
                date: m.date,
                has_minutes: m.minutes.is_some(),
            });
        }
    }
    for s in submissions.into_iter().filter(|s| s.version == 1) {
        if let Some(f) = facts.get_mut(&s.grant_id) {
            f.lbf_submissions.push((
                s.year,
                s.submitted_at.with_timezone(&Copenhagen).date_naive(),
            ));
        }
    }
}

/// What the hours rollups are computed from: while none of these was written after `known_at`,
/// the rollups hold the sums as known then.
const HOURS_INPUTS: &[Kind] = &[Kind::HoursReport, Kind::HoursLine, Kind::Placement];

/// One month's hours report of one contract as the engine reads it: from the rollup (sums by
/// kind, and only the lines R9 needs) or from its lines.
struct HoursRow {
    contract_id: Uuid,
    month: NaiveDate,
    total_centihours: i64,
    reported_at: DateTime<Utc>,
    lines: Vec<(Uuid, i64)>,
    by_kind: Option<KindSums>,
    status: HoursStatus,
}

/// The placements of `persons` on grants outside `wanted` (for R9), as known at `known_at`.
/// The grant filter runs here, not in SQL: `NOT IN` with hundreds of parameters costs the
/// database far more than the few rows it removes.
async fn placements_elsewhere<C: ConnectionTrait>(
    db: &C,
    persons: &HashSet<Uuid>,
    wanted: &HashSet<Uuid>,
    known_at: DateTime<Utc>,
) -> AppResult<Vec<placement::Model>> {
    let persons: Vec<Uuid> = persons.iter().copied().collect();
    let mut rows = Vec::new();
    for chunk in persons.chunks(CHUNK) {
        rows.extend(
            placement::Entity::find()
                .filter(placement::Column::PersonId.is_in(chunk.iter().copied()))
                .all(db)
                .await?
                .into_iter()
                .filter(|p| !wanted.contains(&p.grant_id)),
        );
    }
    let persons: HashSet<Uuid> = persons.into_iter().collect();
    known::as_known::<placement::Entity, _>(db, rows, known_at, |p| {
        persons.contains(&p.person_id) && !wanted.contains(&p.grant_id)
    })
    .await
}

/// The grants' hours from the rollups: one narrow row per contract and month, and the lines only
/// of the persons and months R9 must look at (a person's month over `min_cap`, the smallest
/// monthly cap of these grants: below it no grant's R9 can fire). None when a row was written
/// after `known_at` by a path the audit trail does not show (a bulk load), so the caller reads
/// the lines instead.
async fn rolled_up_hours<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
    wanted: &HashSet<Uuid>,
    persons: &HashSet<Uuid>,
    min_cap: i64,
    known_at: DateTime<Utc>,
) -> AppResult<Option<(Vec<placement::Model>, Vec<HoursRow>)>> {
    let Some(mut rows) = month_rows(db, ids, known_at).await? else {
        return Ok(None);
    };
    let over = persons_over(db, persons, min_cap).await?;
    if over.is_empty() {
        return Ok(Some((Vec::new(), rows.into_values().collect())));
    }
    let over_persons: HashSet<Uuid> = over.iter().map(|p| p.0).collect();
    let elsewhere = placements_elsewhere(db, &over_persons, wanted, known_at).await?;
    if !add_lines_over(db, &over, over_persons, &mut rows, known_at).await? {
        return Ok(None);
    }
    Ok(Some((elsewhere, rows.into_values().collect())))
}

/// One row per report of the grants, from their monthly rollups, by report id; None when one
/// was written after `known_at`.
async fn month_rows<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
    known_at: DateTime<Utc>,
) -> AppResult<Option<HashMap<Uuid, HoursRow>>> {
    type MonthRow = (
        Uuid,
        Uuid,
        NaiveDate,
        i64,
        i64,
        i64,
        i64,
        DateTime<Utc>,
        DateTime<Utc>,
        HoursStatus,
    );
    use entity::hours_month::Column as M;
    let mut rows: HashMap<Uuid, HoursRow> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let months: Vec<MonthRow> = entity::hours_month::Entity::find()
            .select_only()
            .columns([
                M::ReportId,
                M::ContractId,
                M::Month,
                M::TotalCentihours,
                M::ApprenticeCentihours,
                M::OtherTrainingCentihours,
                M::NotCountedCentihours,
                M::ReportedAt,
                M::WrittenAt,
                M::Status,
            ])
            .filter(M::GrantId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        for (
            report,
            contract_id,
            month,
            total,
            apprentice,
            other,
            not_counted,
            filed,
            written,
            status,
        ) in months
        {
            if written > known_at {
                return Ok(None);
            }
            rows.insert(
                report,
                HoursRow {
                    contract_id,
                    month,
                    total_centihours: total,
                    reported_at: filed,
                    lines: Vec::new(),
                    by_kind: Some(KindSums {
                        apprentice,
                        other_training: other,
                        not_counted,
                    }),
                    status,
                },
            );
        }
    }

    Ok(Some(rows))
}

/// The (person, month) pairs over `min_cap` hours.
async fn persons_over<C: ConnectionTrait>(
    db: &C,
    persons: &HashSet<Uuid>,
    min_cap: i64,
) -> AppResult<HashSet<(Uuid, NaiveDate)>> {
    let person_list: Vec<Uuid> = persons.iter().copied().collect();
    let mut over: HashSet<(Uuid, NaiveDate)> = HashSet::new();
    for chunk in person_list.chunks(CHUNK) {
        let pairs: Vec<(Uuid, NaiveDate)> = entity::person_month_hours::Entity::find()
            .select_only()
            .column(entity::person_month_hours::Column::PersonId)
            .column(entity::person_month_hours::Column::Month)
            .filter(entity::person_month_hours::Column::PersonId.is_in(chunk.iter().copied()))
            .filter(entity::person_month_hours::Column::Centihours.gt(min_cap))
            .into_tuple()
            .all(db)
            .await?;
        over.extend(pairs);
    }
    Ok(over)
}

/// Adds to `rows` the lines of the persons and months in `over` (on any grant: R9 counts them
/// all); false when one of their reports was written after `known_at`.
async fn add_lines_over<C: ConnectionTrait>(
    db: &C,
    over: &HashSet<(Uuid, NaiveDate)>,
    over_persons: HashSet<Uuid>,
    rows: &mut HashMap<Uuid, HoursRow>,
    known_at: DateTime<Utc>,
) -> AppResult<bool> {
    let over_months: HashSet<NaiveDate> = over.iter().map(|p| p.1).collect();
    type LineRow = (
        Uuid,
        Uuid,
        i64,
        Uuid,
        Uuid,
        NaiveDate,
        i64,
        DateTime<Utc>,
        DateTime<Utc>,
        HoursStatus,
    );
    let over_list: Vec<Uuid> = over_persons.into_iter().collect();
    for chunk in over_list.chunks(CHUNK) {
        let lines: Vec<LineRow> = hours_line::Entity::find()
            .select_only()
            .column(hours_line::Column::ReportId)
            .column(hours_line::Column::PlacementId)
            .column(hours_line::Column::Centihours)
            .column(placement::Column::PersonId)
            .column(hours_report::Column::ContractId)
            .column(hours_report::Column::Month)
            .column(hours_report::Column::TotalCentihours)
            .column(hours_report::Column::ReportedAt)
            .column(hours_report::Column::UpdatedAt)
            .column(hours_report::Column::Status)
            .join(
                sea_orm::JoinType::InnerJoin,
                super::rollup::line_placement(),
            )
            .join(sea_orm::JoinType::InnerJoin, super::rollup::line_report())
            .filter(placement::Column::PersonId.is_in(chunk.iter().copied()))
            .filter(hours_report::Column::Month.is_in(over_months.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        for (report, placement, centi, person, contract_id, month, total, filed, updated, status) in
            lines
        {
            if !over.contains(&(person, month)) {
                continue;
            }
            if updated > known_at {
                return Ok(false);
            }
            // A report on a grant outside the batch carries only the lines R9 counts there.
            rows.entry(report)
                .or_insert_with(|| HoursRow {
                    contract_id,
                    month,
                    total_centihours: total,
                    reported_at: filed,
                    lines: Vec::new(),
                    by_kind: Some(KindSums::default()),
                    status,
                })
                .lines
                .push((placement, centi));
        }
    }
    Ok(true)
}

/// The grants' hours from their lines, as the audit trail rebuilds them at `known_at`, with
/// every report that has a line of one of `persons` on another grant (R9).
async fn raw_hours<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
    wanted: &HashSet<Uuid>,
    contract_ids: &HashSet<Uuid>,
    persons: &HashSet<Uuid>,
    known_at: DateTime<Utc>,
) -> AppResult<(Vec<placement::Model>, Vec<HoursRow>)> {
    let elsewhere = placements_elsewhere(db, persons, wanted, known_at).await?;
    let person_of: HashMap<Uuid, Uuid> = elsewhere.iter().map(|p| (p.id, p.person_id)).collect();

    let mut contracts_of = Query::select();
    contracts_of
        .column(contract::Column::Id)
        .from(contract::Entity)
        .and_where(contract::Column::GrantId.is_in(ids.iter().copied()));
    let mut reports = hours_report::Entity::find()
        .filter(hours_report::Column::ContractId.in_subquery(contracts_of))
        .all(db)
        .await?;
    let elsewhere_ids: Vec<Uuid> = person_of.keys().copied().collect();
    let mut seen: HashSet<Uuid> = reports.iter().map(|r| r.id).collect();
    for chunk in elsewhere_ids.chunks(CHUNK) {
        let mut report_ids = Query::select();
        report_ids
            .column(hours_line::Column::ReportId)
            .from(hours_line::Entity)
            .and_where(hours_line::Column::PlacementId.is_in(chunk.iter().copied()));
        for r in hours_report::Entity::find()
            .filter(hours_report::Column::Id.in_subquery(report_ids))
            .all(db)
            .await?
        {
            if seen.insert(r.id) {
                reports.push(r);
            }
        }
    }
    let mut lines = Vec::new();
    let rids: Vec<Uuid> = reports.iter().map(|r| r.id).collect();
    for chunk in rids.chunks(CHUNK) {
        lines.extend(
            hours_line::Entity::find()
                .filter(hours_line::Column::ReportId.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    let reports = known::reports_as_known(db, reports, lines, known_at, |r| {
        contract_ids.contains(&r.report.contract_id)
            || r.lines.iter().any(|(p, _)| person_of.contains_key(p))
    })
    .await?;
    Ok((
        elsewhere,
        reports
            .into_iter()
            .map(|known::KnownReport { report: r, lines }| HoursRow {
                contract_id: r.contract_id,
                month: r.month,
                total_centihours: r.total_centihours,
                reported_at: r.reported_at,
                lines,
                by_kind: None,
                status: r.status,
            })
            .collect(),
    ))
}

/// (grant, revision, as of, known at): what an evaluation is computed from. A write bumps the
/// grant's revision, so a key never names two different evaluations.
type EvaluationKey = (Uuid, i64, NaiveDate, DateTime<Utc>);

/// Grants loaded and evaluated together when none of them is cached: the national dashboard
/// (500 grants) in one slice, so its statements stay few; ten times that in ten, so the memory a
/// cold evaluation holds does not grow with the country.
const EVALUATION_SLICE: usize = 500;

/// Memory the cached evaluations may take unless the server sets another budget
/// ([`set_cache_budget`]): ten times the national dashboard (5,000 grants) for two dates, in a
/// server that stays under 300 MB.
const EVALUATION_CACHE_BYTES: u64 = 192 * 1024 * 1024;

/// An evaluation's approximate size in memory: the report, and its findings and contractor rows
/// with their messages and names.
fn approx_bytes(r: &compliance::Report) -> u32 {
    let findings: usize = r
        .findings
        .iter()
        .map(|f| std::mem::size_of_val(f) + f.message.en.len() + f.message.da.len() + 256)
        .sum();
    let contractors =
        r.contractors.len() * (std::mem::size_of::<compliance::ContractorMetrics>() + 64);
    u32::try_from(std::mem::size_of::<compliance::Report>() + findings + contractors)
        .unwrap_or(u32::MAX)
}

/// The budget set by the server's configuration before the first evaluation is cached.
static BUDGET: std::sync::OnceLock<u64> = std::sync::OnceLock::new();

/// Sets the bytes cached evaluations may take (the server's `EVALUATION_CACHE_MB`). Read when
/// the first evaluation is cached, so the server sets it at start; false if it was set before.
pub fn set_cache_budget(bytes: u64) -> bool {
    BUDGET.set(bytes).is_ok()
}

/// The bytes the cached evaluations weigh now (for the metrics).
pub fn cached_bytes() -> u64 {
    EVALUATIONS.weighted_size()
}

/// Evaluations already made, shared by the requests of this instance, weighed by their size (a
/// count would let 5,000 grants' dashboard evict itself at every request).
static EVALUATIONS: std::sync::LazyLock<moka::sync::Cache<EvaluationKey, Arc<compliance::Report>>> =
    std::sync::LazyLock::new(|| {
        crate::caches::lru(BUDGET.get().copied().unwrap_or(EVALUATION_CACHE_BYTES))
            .weigher(|_, r: &Arc<compliance::Report>| approx_bytes(r))
            .build()
    });

/// Each of `grants` evaluated as of `as_of` with what was recorded at `known_at`: from the cache
/// where the grant's revision is unchanged, else from one bulk load of the others' facts. A grant
/// recorded only after `known_at` is absent. The revisions are read before the facts, so a
/// write that lands in between only makes the stored evaluation newer than its key, never older.
pub async fn evaluations<C: ConnectionTrait>(
    db: &C,
    grants: &[grant::Model],
    as_of: NaiveDate,
    known_at: DateTime<Utc>,
) -> AppResult<HashMap<Uuid, Arc<compliance::Report>>> {
    let ids: Vec<Uuid> = grants.iter().map(|g| g.id).collect();
    let revisions = super::revision::current(db, &ids).await?;
    evaluations_at(db, grants, &revisions, as_of, known_at).await
}

/// [`evaluations`] under revisions already read.
async fn evaluations_at<C: ConnectionTrait>(
    db: &C,
    grants: &[grant::Model],
    revisions: &HashMap<Uuid, i64>,
    as_of: NaiveDate,
    known_at: DateTime<Utc>,
) -> AppResult<HashMap<Uuid, Arc<compliance::Report>>> {
    let ids: Vec<Uuid> = grants.iter().map(|g| g.id).collect();
    let (mut out, missing) = cached_or_stored(db, &ids, revisions, as_of, known_at).await?;
    let missing: Vec<grant::Model> = grants
        .iter()
        .filter(|g| missing.contains(&g.id))
        .cloned()
        .collect();
    out.extend(computed(db, &missing, revisions, as_of, known_at).await?);
    Ok(out)
}

/// The evaluations of `ids` this instance has cached, then those stored in the database (a fresh
/// instance: another instance, or this one before a restart, stored them for the current
/// question); and the ids found in neither.
async fn cached_or_stored<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
    revisions: &HashMap<Uuid, i64>,
    as_of: NaiveDate,
    known_at: DateTime<Utc>,
) -> AppResult<(HashMap<Uuid, Arc<compliance::Report>>, HashSet<Uuid>)> {
    let key = |id: Uuid| {
        (
            id,
            revisions.get(&id).copied().unwrap_or(0),
            as_of,
            known_at,
        )
    };
    let mut out = HashMap::with_capacity(ids.len());
    let mut missing = HashSet::new();
    for id in ids {
        match EVALUATIONS.get(&key(*id)) {
            Some(r) => {
                out.insert(*id, r);
            }
            None => {
                missing.insert(*id);
            }
        }
    }
    metrics::counter!("tracker_evaluations_total", "source" => "cache").increment(out.len() as u64);
    if missing.is_empty() {
        return Ok((out, missing));
    }
    let keys: Vec<(Uuid, i64)> = missing.iter().map(|id| (*id, key(*id).1)).collect();
    let stored = super::stored::read(db, &keys, as_of, known_at).await?;
    metrics::counter!("tracker_evaluations_total", "source" => "stored")
        .increment(stored.len() as u64);
    for (id, r) in stored {
        let r = Arc::new(r);
        EVALUATIONS.insert(key(id), r.clone());
        missing.remove(&id);
        out.insert(id, r);
    }
    Ok((out, missing))
}

/// `grants` evaluated from their facts, a slice at a time, and cached.
async fn computed<C: ConnectionTrait>(
    db: &C,
    grants: &[grant::Model],
    revisions: &HashMap<Uuid, i64>,
    as_of: NaiveDate,
    known_at: DateTime<Utc>,
) -> AppResult<HashMap<Uuid, Arc<compliance::Report>>> {
    let mut out = HashMap::with_capacity(grants.len());
    if grants.is_empty() {
        return Ok(out);
    }
    let started = std::time::Instant::now();
    // One slice's facts in memory at a time: a cold 5,000-grant dashboard would otherwise hold
    // every grant's rollups and lines at once before evaluating any.
    for slice in grants.chunks(EVALUATION_SLICE) {
        let facts = load_facts(db, slice, known_at).await?;
        for g in slice {
            if let Some(f) = facts.get(&g.id) {
                let r = Arc::new(compliance::evaluate(f, as_of));
                let revision = revisions.get(&g.id).copied().unwrap_or(0);
                EVALUATIONS.insert((g.id, revision, as_of, known_at), r.clone());
                out.insert(g.id, r);
            }
        }
    }
    metrics::histogram!("tracker_evaluation_duration_seconds")
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("tracker_evaluations_total", "source" => "computed")
        .increment(grants.len() as u64);
    Ok(out)
}

/// Drops this instance's cached evaluations of `grants` for the current question, as a fresh
/// instance would not have them (the tests of [`super::stored`]; other grants' entries stay, so
/// tests running beside it are not disturbed).
#[doc(hidden)]
pub async fn forget_evaluations<C: ConnectionTrait>(db: &C, grants: &[Uuid]) -> AppResult<()> {
    let as_of = crate::clock::danish_today();
    let known_at = known::known_now_or(as_of, None);
    for (id, rev) in super::revision::current(db, grants).await? {
        EVALUATIONS.invalidate(&(id, rev, as_of, known_at));
    }
    Ok(())
}

/// Stores in the database those evaluations of `grants` for the current question that this
/// instance made and has not stored yet (see [`super::stored`]): after a dashboard, so the next
/// fresh instance reads them. Takes the pool, not a transaction: storing is best effort and must
/// not abort a transaction it fails in.
pub async fn remember_evaluations(
    db: &sea_orm::DatabaseConnection,
    grants: &[Uuid],
    revisions: &HashMap<Uuid, i64>,
    as_of: NaiveDate,
    known_at: DateTime<Utc>,
) {
    if !super::stored::is_current(as_of, known_at) {
        return;
    }
    let made: Vec<(Uuid, i64, Arc<compliance::Report>)> = grants
        .iter()
        .filter_map(|id| {
            let rev = revisions.get(id).copied().unwrap_or(0);
            Some((*id, rev, EVALUATIONS.get(&(*id, rev, as_of, known_at))?))
        })
        .collect();
    super::stored::write(db, made, as_of, known_at).await;
}

/// One grant's facts as recorded at `known_at`, kept under (grant, revision, known at) like the
/// evaluations: the time series of a grant and of each of its contractors read them again and
/// again. For reads outside a write's transaction only (a transaction that rolls back must not
/// leave facts under a revision it bumped).
pub async fn cached_grant_facts<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    grant_id: Uuid,
    known_at: DateTime<Utc>,
) -> AppResult<Arc<GrantFacts>> {
    type FactsCache = moka::sync::Cache<(Uuid, i64, DateTime<Utc>), Arc<GrantFacts>>;
    static FACTS: std::sync::LazyLock<FactsCache> =
        std::sync::LazyLock::new(|| crate::caches::lru(1_000).build());
    let g = get::<grant::Entity, _>(db, scope, grant_id).await?;
    let revision = super::revision::current(db, &[grant_id])
        .await?
        .get(&grant_id)
        .copied()
        .unwrap_or(0);
    let key = (grant_id, revision, known_at);
    if let Some(f) = FACTS.get(&key) {
        return Ok(f);
    }
    let f = Arc::new(
        load_facts(db, std::slice::from_ref(&g), known_at)
            .await?
            .remove(&grant_id)
            .ok_or_else(|| not_yet_recorded(&g, known_at))?,
    );
    FACTS.insert(key, f.clone());
    Ok(f)
}

/// Facts for one grant within scope as recorded at `known_at` (NOT_FOUND otherwise;
/// BAD_USER_INPUT on `knownAt` for a grant recorded only later).
pub async fn grant_facts<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    grant_id: Uuid,
    known_at: DateTime<Utc>,
) -> AppResult<(grant::Model, GrantFacts)> {
    let g = get::<grant::Entity, _>(db, scope, grant_id).await?;
    let mut facts = load_facts(db, std::slice::from_ref(&g), known_at).await?;
    let f = facts
        .remove(&grant_id)
        .ok_or_else(|| not_yet_recorded(&g, known_at))?;
    Ok((g, f))
}

/// The refusal for a grant asked about at a time before it was recorded.
pub fn not_yet_recorded(g: &grant::Model, known_at: DateTime<Utc>) -> AppError {
    AppError::bad_input(
        "knownAt",
        format!(
            "grant {} was recorded in the tracker on {}, after knownAt {}",
            g.case_number,
            g.created_at
                .with_timezone(&Copenhagen)
                .format("%Y-%m-%d %H:%M"),
            known_at.with_timezone(&Copenhagen).format("%Y-%m-%d %H:%M")
        ),
        format!(
            "LBF-tilsagn {} blev registreret {} kl. {}, efter knownAt {} kl. {}",
            g.case_number,
            crate::i18n::da_date(g.created_at.with_timezone(&Copenhagen).date_naive()),
            g.created_at.with_timezone(&Copenhagen).format("%H:%M"),
            crate::i18n::da_date(known_at.with_timezone(&Copenhagen).date_naive()),
            known_at.with_timezone(&Copenhagen).format("%H:%M")
        ),
    )
}

/// All versions of a grant's report for a year, oldest first.
pub async fn versions<C: ConnectionTrait>(
    db: &C,
    grant_id: Uuid,
    year: i32,
) -> AppResult<Vec<lbf_report::Model>> {
    Ok(lbf_report::Entity::find()
        .filter(lbf_report::Column::GrantId.eq(grant_id))
        .filter(lbf_report::Column::Year.eq(year))
        .order_by_asc(lbf_report::Column::Version)
        .all(db)
        .await?)
}

fn check_year(g: &GrantFacts, year: i32, today: NaiveDate) -> AppResult<()> {
    let Some(start) = g.construction_start else {
        return Err(AppError::bad_input(
            "year",
            "construction has not started, so there is nothing to report",
            "byggeriet er ikke startet, så der er intet at indberette",
        ));
    };
    let last = g.actual_handover.unwrap_or(today).year();
    if year < start.year() || year > last || year > today.year() {
        return Err(AppError::bad_input(
            "year",
            format!(
                "the site was active from {} to {last}; {year} is outside that",
                start.year()
            ),
            format!(
                "byggepladsen var aktiv fra {} til {last}; {year} ligger uden for",
                start.year()
            ),
        ));
    }
    // A year is reported once it has ended; the year of handover may be reported from the
    // handover on, as the final report.
    let final_report = g
        .actual_handover
        .is_some_and(|h| h.year() == year && h <= today);
    if year >= today.year() && !final_report {
        return Err(AppError::bad_input(
            "year",
            format!(
                "{year} has not ended yet; its report can be submitted from 1 January {}, or at handover as the final report",
                year + 1
            ),
            format!(
                "{year} er ikke slut endnu; indberetningen kan indsendes fra 1. januar {}, eller ved aflevering som den endelige indberetning",
                year + 1
            ),
        ));
    }
    Ok(())
}

/// Submits (version 1) or corrects (a new version with a reason) a year's report, freezing the
/// figures computed now.
pub async fn submit_report<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    grant_id: Uuid,
    year: i32,
    submitted_by: &str,
    correction_reason: Option<&str>,
) -> AppResult<lbf_report::Model> {
    validate::year("year", year)?;
    let submitted_by = validate::text("submittedBy", submitted_by, 200)?;
    let t = now();
    let (_, facts) = grant_facts(db, scope, grant_id, t).await?;
    check_year(&facts, year, t.with_timezone(&Copenhagen).date_naive())?;
    let existing = versions(db, grant_id, year).await?;
    let reason = match (correction_reason, existing.last()) {
        (None, Some(v)) => {
            return Err(AppError::conflict(
                format!(
                    "the {year} report was submitted {} (version {}); use correctLbfReport with a reason",
                    v.submitted_at.with_timezone(&Copenhagen).date_naive(),
                    v.version
                ),
                format!(
                    "indberetningen for {year} blev indsendt {} (version {}); brug correctLbfReport med en begrundelse",
                    crate::i18n::da_date(v.submitted_at.with_timezone(&Copenhagen).date_naive()),
                    v.version
                ),
            ));
        }
        (Some(_), None) => {
            return Err(AppError::conflict(
                format!(
                    "the {year} report has not been submitted yet; submit it before correcting it"
                ),
                format!(
                    "indberetningen for {year} er ikke indsendt endnu; indsend den, før den rettes"
                ),
            ));
        }
        (Some(r), Some(_)) => Some(validate::text("reason", r, 2000)?),
        (None, None) => None,
    };
    let fig = compliance::year_figures(&facts, year);
    let centi = |h: rust_decimal::Decimal| {
        i64::try_from(h * rust_decimal::Decimal::ONE_HUNDRED).unwrap_or(i64::MAX)
    };
    Ok(lbf_report::ActiveModel {
        id: Set(new_id()),
        grant_id: Set(grant_id),
        year: Set(year),
        version: Set(existing.last().map_or(1, |v| v.version + 1)),
        apprentice_centihours: Set(centi(fig.apprentice_hours)),
        other_training_centihours: Set(centi(fig.other_training_hours)),
        craftsman_cost_ore: Set(facts.craftsman_cost_ore),
        construction_start: Set(fig.construction_start),
        handover: Set(fig.handover),
        handover_planned: Set(fig.handover_planned),
        is_final: Set(fig.is_final),
        submitted_at: Set(t),
        submitted_by: Set(submitted_by),
        correction_reason: Set(reason),
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
    }
    .insert(db)
    .await?)
}

/// A year's LBF report for one grant: the figures of the latest submitted version (frozen), or
/// the live figures while it is not submitted, and every version.
pub struct YearReport {
    pub grant: grant::Model,
    pub year: i32,
    pub figures: compliance::YearFigures,
    pub versions: Vec<lbf_report::Model>,
}

pub fn frozen_figures(v: &lbf_report::Model) -> compliance::YearFigures {
    let h = compliance::hours;
    compliance::YearFigures {
        year: v.year,
        apprentice_hours: h(v.apprentice_centihours),
        other_training_hours: h(v.other_training_centihours),
        apprentice_arsvaerk: compliance::arsvaerk(h(v.apprentice_centihours)),
        other_training_arsvaerk: compliance::arsvaerk(h(v.other_training_centihours)),
        craftsman_cost: v.craftsman_cost_ore.map(h),
        construction_start: v.construction_start,
        handover: v.handover,
        handover_planned: v.handover_planned,
        is_final: v.is_final,
    }
}

/// The year reports of every grant of one organisation the caller may see: what
/// `lbfYearReports` and the CSV export answer. FORBIDDEN for an organisation out of scope or a
/// caller who may not see grant totals.
pub async fn organisation_year_reports<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    organisation: Uuid,
    year: i32,
    known_at: DateTime<Utc>,
) -> AppResult<Vec<YearReport>> {
    validate::year("year", year)?;
    scope.require_grant_figures()?;
    get::<entity::housing_organisation::Entity, _>(db, scope, organisation).await?;
    let filter = crate::service::grants::GrantFilter {
        organisation_id: Some(organisation),
        ..Default::default()
    };
    let grants = crate::service::grants::list_grants(scope, filter)
        .all(db)
        .await?;
    year_reports(db, grants, year, known_at).await
}

/// Year reports for many grants at once (bulk loads, evaluated in memory), in case-number order,
/// as recorded at `known_at`: the versions submitted by then, and the live figures from the
/// hours known then. Grants recorded only later are left out.
pub async fn year_reports<C: ConnectionTrait>(
    db: &C,
    mut grants: Vec<grant::Model>,
    year: i32,
    known_at: DateTime<Utc>,
) -> AppResult<Vec<YearReport>> {
    validate::year("year", year)?;
    grants.sort_by(|a, b| a.case_number.cmp(&b.case_number));
    let facts = load_facts(db, &grants, known_at).await?;
    let mut versions: HashMap<Uuid, Vec<lbf_report::Model>> = HashMap::new();
    if !grants.is_empty() {
        let wanted: std::collections::HashSet<Uuid> = grants.iter().map(|g| g.id).collect();
        let rows = lbf_report::Entity::find()
            .filter(lbf_report::Column::GrantId.is_in(grants.iter().map(|g| g.id)))
            .filter(lbf_report::Column::Year.eq(year))
            .all(db)
            .await?;
        let mut rows = known::as_known::<lbf_report::Entity, _>(db, rows, known_at, |r| {
            wanted.contains(&r.grant_id) && r.year == year
        })
        .await?;
        rows.sort_by_key(|v| v.version);
        for v in rows {
            versions.entry(v.grant_id).or_default().push(v);
        }
    }
    Ok(grants
        .into_iter()
        .filter_map(|g| {
            let f = facts.get(&g.id)?;
            let versions = versions.remove(&g.id).unwrap_or_default();
            let figures = match versions.last() {
                Some(v) => frozen_figures(v),
                None => compliance::year_figures(f, year),
            };
            Some(YearReport {
                grant: g,
                year,
                figures,
                versions,
            })
        })
        .collect())
}

/// A contractor on one grant in the ranking: its figures against that grant's own parameters,
/// and what its clauses there still ask for.
pub struct RankedGrant {
    pub grant_id: Uuid,
    pub case_number: String,
    pub metrics: compliance::Metrics,
    pub clause_shortfall_hours: Option<rust_decimal::Decimal>,
    pub behind_clause: bool,
}

/// A contractor's standing across the grants the caller may see.
pub struct Standing {
    pub contractor_id: Uuid,
    pub contractor_name: String,
    /// Hours summed over its grants, then divided (never an average of shares). The required
    /// share is the labour-weighted mean of its grants' own minimum shares; the needed and
    /// shortfall hours are the sums of the per-grant figures, each against its grant's share.
    pub metrics: compliance::Metrics,
    /// Summed over the grants where a clause applies; None when none does.
    pub clause_shortfall_hours: Option<rust_decimal::Decimal>,
    pub grants: Vec<RankedGrant>,
}

impl Standing {
    pub fn grants_behind(&self) -> usize {
        self.grants.iter().filter(|g| g.behind_clause).count()
    }
}

/// Contractors across `grants`, evaluated as of `as_of` with each grant's own parameters, the
/// furthest behind on their clauses first (then by shortfall against the grants' shares, then
/// by name). A contractor caller gets only its own row.
pub async fn contractor_ranking<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    mut grants: Vec<grant::Model>,
    as_of: NaiveDate,
    known_at: DateTime<Utc>,
) -> AppResult<Vec<Standing>> {
    use rust_decimal::Decimal;
    grants.sort_by(|a, b| a.case_number.cmp(&b.case_number));
    let reports = evaluations(db, &grants, as_of, known_at).await?;
    struct Acc {
        name: String,
        tally: compliance::Tally,
        /// Σ min share x labour hours, for the weighted required share.
        weighted: Decimal,
        needed: Decimal,
        shortfall: Decimal,
        clause: Option<Decimal>,
        grants: Vec<RankedGrant>,
    }
    let mut by_contractor: std::collections::BTreeMap<Uuid, Acc> = Default::default();
    for g in &grants {
        let Some(report) = reports.get(&g.id) else {
            continue;
        };
        for c in report
            .contractors
            .iter()
            .filter(|&c| scope.sees_contractor_figures(c.contractor_id))
            .cloned()
        {
            let e = by_contractor.entry(c.contractor_id).or_insert_with(|| Acc {
                name: c.contractor_name.clone(),
                tally: Default::default(),
                weighted: Decimal::ZERO,
                needed: Decimal::ZERO,
                shortfall: Decimal::ZERO,
                clause: None,
                grants: vec![],
            });
            e.tally.add(&c.tally);
            e.weighted += report.params.min_share() * c.metrics.labour_hours;
            e.needed += c.metrics.needed_trainee_hours;
            e.shortfall += c.metrics.shortfall_hours;
            if let Some(h) = c.clause_shortfall_hours {
                e.clause = Some(e.clause.unwrap_or_default() + h);
            }
            e.grants.push(RankedGrant {
                grant_id: g.id,
                case_number: g.case_number.clone(),
                metrics: c.metrics,
                clause_shortfall_hours: c.clause_shortfall_hours,
                behind_clause: c.behind_clause,
            });
        }
    }
    let default_share = Params::default().min_share();
    let mut out: Vec<Standing> = by_contractor
        .into_iter()
        .map(|(id, a)| {
            let labour = compliance::hours(a.tally.labour);
            let required = if labour.is_zero() {
                default_share
            } else {
                (a.weighted / labour).round_dp(4)
            };
            let mut metrics = compliance::metrics(&a.tally, required);
            metrics.needed_trainee_hours = a.needed;
            metrics.shortfall_hours = a.shortfall;
            Standing {
                contractor_id: id,
                contractor_name: a.name,
                metrics,
                clause_shortfall_hours: a.clause,
                grants: a.grants,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.clause_shortfall_hours
            .unwrap_or_default()
            .cmp(&a.clause_shortfall_hours.unwrap_or_default())
            .then_with(|| b.metrics.shortfall_hours.cmp(&a.metrics.shortfall_hours))
            .then_with(|| a.contractor_name.cmp(&b.contractor_name))
    });
    Ok(out)
}

/// How the dashboard orders its grants.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum DashboardSort {
    /// LBF case number, ascending.
    #[default]
    CaseNumber,
    /// Lowest trainee share first (grants without hours last).
    ShareAsc,
    ShareDesc,
    /// Largest shortfall in hours first.
    ShortfallDesc,
}

impl DashboardSort {
    /// How two grants' rows compare in this order. Ties fall by case number, then by grant, so
    /// the order is total: an order patched after a write ([`super::moved`]) is the order made
    /// afresh.
    pub fn compare(
        self,
        (a, a_grant): (&Placing, Uuid),
        (b, b_grant): (&Placing, Uuid),
    ) -> std::cmp::Ordering {
        use std::cmp::Reverse;
        let by = match self {
            Self::CaseNumber => a.case_number.cmp(&b.case_number),
            Self::ShareAsc => (a.share.is_none(), a.share, &a.case_number).cmp(&(
                b.share.is_none(),
                b.share,
                &b.case_number,
            )),
            Self::ShareDesc => {
                (Reverse(a.share), &a.case_number).cmp(&(Reverse(b.share), &b.case_number))
            }
            Self::ShortfallDesc => (Reverse(a.shortfall_hours), &a.case_number)
                .cmp(&(Reverse(b.shortfall_hours), &b.case_number)),
        };
        by.then(a_grant.cmp(&b_grant))
    }
}

/// What a dashboard asks: the grants with `status` (all without), in `sort` order, evaluated as
/// of `as_of` with what was recorded at `known_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Question {
    pub status: Option<compliance::Status>,
    pub sort: DashboardSort,
    pub as_of: NaiveDate,
    pub known_at: DateTime<Utc>,
}

/// A grant as a dashboard lists it: what it is ordered and searched by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub id: Uuid,
    pub case_number: String,
    pub title: String,
}

/// The grants `grants` selects, as a dashboard lists them, in one narrow statement (the grants'
/// other columns are read only for those evaluated afresh).
pub async fn listed<C: ConnectionTrait>(
    db: &C,
    grants: sea_orm::Select<grant::Entity>,
) -> AppResult<Vec<Listed>> {
    let rows: Vec<(Uuid, String, String)> = grants
        .select_only()
        .column(grant::Column::Id)
        .column(grant::Column::CaseNumber)
        .column(grant::Column::Title)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, case_number, title)| Listed {
            id,
            case_number,
            title,
        })
        .collect())
}

/// Each of `ids` evaluated under `revisions` as [`evaluations`] does; the grants themselves are
/// read only for those neither cached nor stored (after one write, one grant, not the country).
pub(crate) async fn evaluations_by_id<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
    revisions: &HashMap<Uuid, i64>,
    as_of: NaiveDate,
    known_at: DateTime<Utc>,
) -> AppResult<HashMap<Uuid, Arc<compliance::Report>>> {
    let (mut out, missing) = cached_or_stored(db, ids, revisions, as_of, known_at).await?;
    let missing: Vec<Uuid> = missing.into_iter().collect();
    for chunk in missing.chunks(CHUNK) {
        let grants = grant::Entity::find()
            .filter(grant::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        out.extend(computed(db, &grants, revisions, as_of, known_at).await?);
    }
    Ok(out)
}

/// The national (or organisation) dashboard: each of `grants` evaluated as the question asks,
/// those with its status, in its order (ties by case number). Grants recorded after `known_at`
/// are not on it.
pub async fn dashboard<C: ConnectionTrait>(
    db: &C,
    grants: &[Listed],
    revisions: &HashMap<Uuid, i64>,
    q: Question,
) -> AppResult<Vec<Arc<compliance::Report>>> {
    let rows = dashboard_with::<_, ()>(db, grants, revisions, q, HashMap::new()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(_, row)| match row {
            DashboardRow::Evaluated(r) => Some(r),
            DashboardRow::Known(..) => None,
        })
        .collect())
}

/// Where a grant's row falls on a dashboard: what the sorts and the status filter compare.
/// Stored with a stored answer's rows, so a fresh instance places a row it did not evaluate.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Placing {
    pub case_number: String,
    pub status: compliance::Status,
    pub share: Option<rust_decimal::Decimal>,
    pub shortfall_hours: rust_decimal::Decimal,
}

impl Placing {
    pub fn of(case_number: &str, r: &compliance::Report) -> Self {
        Self {
            case_number: case_number.to_owned(),
            status: r.status,
            share: r.metrics.share,
            shortfall_hours: r.metrics.shortfall_hours,
        }
    }
}

/// A dashboard row: a grant's row already known to the caller (`K`, with its [`Placing`]), or a
/// grant evaluated now.
pub enum DashboardRow<K> {
    Known(Uuid, K),
    Evaluated(Arc<compliance::Report>),
}

impl<K> DashboardRow<K> {
    /// The grant of the row.
    pub fn grant(&self) -> Uuid {
        match self {
            Self::Known(grant, _) => *grant,
            Self::Evaluated(r) => r.grant_id,
        }
    }
}

/// The dashboard as [`dashboard`] makes it, where the rows in `known` (by grant) are placed by
/// their own placings instead of evaluated: after a few writes, a fresh instance with a stored
/// answer evaluates the grants that moved, not the country. Every grant of `grants` is on it
/// (known or evaluated) if it has the question's status; a known row of a grant not in `grants`
/// is not.
pub async fn dashboard_with<C: ConnectionTrait, K>(
    db: &C,
    grants: &[Listed],
    revisions: &HashMap<Uuid, i64>,
    q: Question,
    mut known: HashMap<Uuid, (Placing, K)>,
) -> AppResult<Vec<(Placing, DashboardRow<K>)>> {
    let ids: Vec<Uuid> = grants
        .iter()
        .map(|g| g.id)
        .filter(|id| !known.contains_key(id))
        .collect();
    let reports = evaluations_by_id(db, &ids, revisions, q.as_of, q.known_at).await?;
    let mut rows: Vec<(Placing, DashboardRow<K>)> = grants
        .iter()
        .filter_map(|g| match known.remove(&g.id) {
            Some((placing, k)) => Some((placing, DashboardRow::Known(g.id, k))),
            None => {
                let r = reports.get(&g.id)?.clone();
                Some((Placing::of(&g.case_number, &r), DashboardRow::Evaluated(r)))
            }
        })
        .filter(|(p, _)| q.status.is_none_or(|s| p.status == s))
        .collect();
    rows.sort_by(|(a, ra), (b, rb)| q.sort.compare((a, ra.grant()), (b, rb.grant())));
    Ok(rows)
}

/// The grants whose case number or title contains `search`, regardless of case (Danish letters
/// included, which SQLite's `lower` does not fold).
pub fn matching(grants: Vec<Listed>, search: &str) -> Vec<Listed> {
    let needle = search.trim().to_lowercase();
    if needle.is_empty() {
        return grants;
    }
    grants
        .into_iter()
        .filter(|g| {
            g.case_number.to_lowercase().contains(&needle)
                || g.title.to_lowercase().contains(&needle)
        })
        .collect()
}

/// The ids and revisions of the grants `grants` selects, in id order, in one narrow statement
/// (a grant never written since the revisions came has revision 0): all a kept dashboard needs
/// to know it is still the answer, without loading the grants themselves.
pub async fn ids_and_revisions<C: ConnectionTrait>(
    db: &C,
    grants: sea_orm::Select<grant::Entity>,
) -> AppResult<Vec<(Uuid, i64)>> {
    use sea_orm::sea_query::Expr;
    Ok(grants
        .select_only()
        .column(grant::Column::Id)
        .column_as(
            Expr::cust(
                "COALESCE((SELECT r.revision FROM grant_revision r WHERE r.grant_id = lbf_grant.id), 0)",
            ),
            "revision",
        )
        .order_by_asc(grant::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// A fingerprint of everything a dashboard's answer is computed from: the grants in scope and
/// their revisions ([`ids_and_revisions`], in id order), the filter, the order, the moment
/// evaluated. Equal fingerprints mean equal answers, on any instance (the revisions live in the
/// database).
pub fn dashboard_key(grants: &[(Uuid, i64)], q: Question) -> [u8; 32] {
    question_hash(grants, q, true)
}

/// What a dashboard is a question about, whatever the grants' revisions: the grants in scope,
/// the filter, the order, the moment evaluated. The slot under which its latest answer is
/// stored for other instances ([`super::stored_answer`]), replaced as the revisions move.
pub fn dashboard_slot(grants: &[(Uuid, i64)], q: Question) -> [u8; 32] {
    question_hash(grants, q, false)
}

fn question_hash(grants: &[(Uuid, i64)], q: Question, with_revisions: bool) -> [u8; 32] {
    let mut hasher = sha2::Sha256::new();
    hasher.update(format!(
        "{}|{}|{:?}|{:?}|{with_revisions}",
        q.as_of,
        q.known_at.to_rfc3339(),
        q.status,
        q.sort
    ));
    for (id, revision) in grants {
        hasher.update(id.as_bytes());
        if with_revisions {
            hasher.update(revision.to_le_bytes());
        }
    }
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A slot names the question (grants, filter, order, moment) whatever the revisions; a key
    /// names the revisions too.
    #[test]
    fn a_slot_ignores_the_revisions_a_key_does_not() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let q = Question {
            status: None,
            sort: DashboardSort::default(),
            as_of: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            known_at: DateTime::from_timestamp(1_796_000_000, 0).unwrap(),
        };
        let before = [(a, 1), (b, 4)];
        let after = [(a, 2), (b, 4)];
        assert_eq!(dashboard_slot(&before, q), dashboard_slot(&after, q));
        assert_ne!(dashboard_key(&before, q), dashboard_key(&after, q));
        assert_ne!(dashboard_slot(&before, q), dashboard_key(&before, q));
        // Another grant set, filter or day is another slot.
        assert_ne!(dashboard_slot(&before[..1], q), dashboard_slot(&before, q));
        let breach = Question {
            status: Some(compliance::Status::Breach),
            ..q
        };
        assert_ne!(dashboard_slot(&before, breach), dashboard_slot(&before, q));
        let tomorrow = Question {
            as_of: q.as_of.succ_opt().unwrap(),
            ..q
        };
        assert_ne!(
            dashboard_slot(&before, tomorrow),
            dashboard_slot(&before, q)
        );
    }
}
