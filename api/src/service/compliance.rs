//! Loads the facts the compliance engine needs for many grants at once (a fixed number of
//! queries whatever the number of grants), and the yearly LBF report: submit and correct.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use entity::{
    contract, contractor, follow_up_group, grant, hours_line, hours_report, lbf_report, meeting,
    placement, trial_placement,
};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::{new_id, now};
use crate::compliance::{
    self, ContractFacts, ExternalHours, GrantFacts, MeetingFacts, Params, PlacementFacts,
    ReportFacts, TrialFacts,
};
use crate::error::{AppError, AppResult};
use crate::record::get;
use crate::scope::Scope;
use crate::validate;

/// Facts for each of `grants`, keyed by grant id. Archived contracts, placements and reports stay
/// in: the hours were worked.
pub async fn load_facts<C: ConnectionTrait>(
    db: &C,
    grants: &[grant::Model],
) -> AppResult<HashMap<Uuid, GrantFacts>> {
    let ids: Vec<Uuid> = grants.iter().map(|g| g.id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let contracts_of = || {
        let mut q = Query::select();
        q.column(contract::Column::Id)
            .from(contract::Entity)
            .and_where(contract::Column::GrantId.is_in(ids.clone()));
        q
    };
    let contracts = contract::Entity::find()
        .filter(contract::Column::GrantId.is_in(ids.clone()))
        .all(db)
        .await?;
    let contractor_ids: Vec<Uuid> = contracts.iter().map(|c| c.contractor_id).collect();
    let contractors: HashMap<Uuid, String> = contractor::Entity::find()
        .filter(contractor::Column::Id.is_in(contractor_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let placements = placement::Entity::find()
        .filter(placement::Column::GrantId.is_in(ids.clone()))
        .all(db)
        .await?;
    let reports = hours_report::Entity::find()
        .filter(hours_report::Column::ContractId.in_subquery(contracts_of()))
        .all(db)
        .await?;
    let mut report_ids = Query::select();
    report_ids
        .column(hours_report::Column::Id)
        .from(hours_report::Entity)
        .and_where(hours_report::Column::ContractId.in_subquery(contracts_of()));
    let lines = hours_line::Entity::find()
        .filter(hours_line::Column::ReportId.in_subquery(report_ids))
        .all(db)
        .await?;

    // R9 looks at the same persons' hours on other grants.
    let mut persons = Query::select();
    persons
        .column(placement::Column::PersonId)
        .from(placement::Entity)
        .and_where(placement::Column::GrantId.is_in(ids.clone()));
    let elsewhere = placement::Entity::find()
        .filter(placement::Column::PersonId.in_subquery(persons))
        .filter(placement::Column::GrantId.is_not_in(ids.clone()))
        .all(db)
        .await?;
    let elsewhere_lines = if elsewhere.is_empty() {
        Vec::new()
    } else {
        hours_line::Entity::find()
            .filter(hours_line::Column::PlacementId.is_in(elsewhere.iter().map(|p| p.id)))
            .all(db)
            .await?
    };
    let elsewhere_months: HashMap<Uuid, NaiveDate> = if elsewhere_lines.is_empty() {
        HashMap::new()
    } else {
        hours_report::Entity::find()
            .filter(hours_report::Column::Id.is_in(elsewhere_lines.iter().map(|l| l.report_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r.month))
            .collect()
    };

    let trials = trial_placement::Entity::find()
        .filter(trial_placement::Column::GrantId.is_in(ids.clone()))
        .all(db)
        .await?;
    let groups = follow_up_group::Entity::find()
        .filter(follow_up_group::Column::GrantId.is_in(ids.clone()))
        .all(db)
        .await?;
    let meetings = if groups.is_empty() {
        Vec::new()
    } else {
        meeting::Entity::find()
            .filter(meeting::Column::GroupId.is_in(groups.iter().map(|g| g.id)))
            .filter(meeting::Column::ArchivedAt.is_null())
            .all(db)
            .await?
    };
    let submissions = lbf_report::Entity::find()
        .filter(lbf_report::Column::GrantId.is_in(ids.clone()))
        .filter(lbf_report::Column::Version.eq(1))
        .all(db)
        .await?;

    let mut facts: HashMap<Uuid, GrantFacts> = grants
        .iter()
        .map(|g| {
            (
                g.id,
                GrantFacts {
                    id: g.id,
                    case_number: g.case_number.clone(),
                    craftsman_cost_ore: g.craftsman_cost_ore,
                    construction_start: g.construction_start,
                    planned_handover: g.planned_handover,
                    actual_handover: g.actual_handover,
                    params: Params::for_grant(g),
                    contracts: vec![],
                    placements: vec![],
                    reports: vec![],
                    external_hours: vec![],
                    trials: vec![],
                    follow_up_group_id: None,
                    meetings: vec![],
                    lbf_submissions: vec![],
                },
            )
        })
        .collect();
    let mut grant_of_contract = HashMap::new();
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
                exempt: c.exemption_reason.is_some(),
            });
        }
    }
    let mut person_grants: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for p in placements {
        person_grants
            .entry(p.person_id)
            .or_default()
            .push(p.grant_id);
        if let Some(f) = facts.get_mut(&p.grant_id) {
            f.placements.push(PlacementFacts {
                id: p.id,
                person_id: p.person_id,
                contract_id: p.contract_id,
                kind: p.kind,
            });
        }
    }
    let mut lines_of: HashMap<Uuid, Vec<(Uuid, i64)>> = HashMap::new();
    for l in lines {
        lines_of
            .entry(l.report_id)
            .or_default()
            .push((l.placement_id, l.centihours));
    }
    for r in reports {
        let Some(f) = grant_of_contract
            .get(&r.contract_id)
            .and_then(|g| facts.get_mut(g))
        else {
            continue;
        };
        f.reports.push(ReportFacts {
            contract_id: r.contract_id,
            month: r.month,
            total_centihours: r.total_centihours,
            reported_on: r.reported_at.date_naive(),
            lines: lines_of.remove(&r.id).unwrap_or_default(),
        });
    }
    let person_of: HashMap<Uuid, Uuid> = elsewhere.iter().map(|p| (p.id, p.person_id)).collect();
    for l in elsewhere_lines {
        let (Some(person), Some(month)) = (
            person_of.get(&l.placement_id),
            elsewhere_months.get(&l.report_id),
        ) else {
            continue;
        };
        for g in person_grants.get(person).into_iter().flatten() {
            if let Some(f) = facts.get_mut(g) {
                f.external_hours.push(ExternalHours {
                    person_id: *person,
                    month: *month,
                    centihours: l.centihours,
                });
            }
        }
    }
    for t in trials {
        if let Some(f) = facts.get_mut(&t.grant_id) {
            f.trials.push(TrialFacts {
                id: t.id,
                start: t.start_date,
                end: t.end_date,
                outcome: t.outcome,
                has_next_plan: t.next_plan.is_some(),
            });
        }
    }
    let mut grant_of_group = HashMap::new();
    for g in groups {
        grant_of_group.insert(g.id, g.grant_id);
        if g.archived_at.is_none()
            && let Some(f) = facts.get_mut(&g.grant_id)
        {
            f.follow_up_group_id = Some(g.id);
        }
    }
    for m in meetings {
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
    for s in submissions {
        if let Some(f) = facts.get_mut(&s.grant_id) {
            f.lbf_submissions
                .push((s.year, s.submitted_at.date_naive()));
        }
    }
    Ok(facts)
}

/// Facts for one grant within scope (NOT_FOUND otherwise).
pub async fn grant_facts<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    grant_id: Uuid,
) -> AppResult<(grant::Model, GrantFacts)> {
    let g = get::<grant::Entity, _>(db, scope, grant_id).await?;
    let mut facts = load_facts(db, std::slice::from_ref(&g)).await?;
    let f = facts.remove(&grant_id).expect("facts for the loaded grant");
    Ok((g, f))
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
    let (_, facts) = grant_facts(db, scope, grant_id).await?;
    let t = now();
    check_year(&facts, year, t.date_naive())?;
    let existing = versions(db, grant_id, year).await?;
    let reason = match (correction_reason, existing.last()) {
        (None, Some(v)) => {
            return Err(AppError::Conflict(format!(
                "the {year} report was submitted {} (version {}); use correctLbfReport with a reason",
                v.submitted_at.date_naive(),
                v.version
            )));
        }
        (Some(_), None) => {
            return Err(AppError::Conflict(format!(
                "the {year} report has not been submitted yet; submit it before correcting it"
            )));
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
    year_reports(db, grants, year).await
}

/// Year reports for many grants at once (bulk loads, evaluated in memory), in case-number order.
pub async fn year_reports<C: ConnectionTrait>(
    db: &C,
    mut grants: Vec<grant::Model>,
    year: i32,
) -> AppResult<Vec<YearReport>> {
    validate::year("year", year)?;
    grants.sort_by(|a, b| a.case_number.cmp(&b.case_number));
    let facts = load_facts(db, &grants).await?;
    let mut versions: HashMap<Uuid, Vec<lbf_report::Model>> = HashMap::new();
    if !grants.is_empty() {
        for v in lbf_report::Entity::find()
            .filter(lbf_report::Column::GrantId.is_in(grants.iter().map(|g| g.id)))
            .filter(lbf_report::Column::Year.eq(year))
            .order_by_asc(lbf_report::Column::Version)
            .all(db)
            .await?
        {
            versions.entry(v.grant_id).or_default().push(v);
        }
    }
    Ok(grants
        .into_iter()
        .map(|g| {
            let versions = versions.remove(&g.id).unwrap_or_default();
            let figures = match versions.last() {
                Some(v) => frozen_figures(v),
                None => compliance::year_figures(&facts[&g.id], year),
            };
            YearReport {
                grant: g,
                year,
                figures,
                versions,
            }
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
) -> AppResult<Vec<Standing>> {
    use rust_decimal::Decimal;
    grants.sort_by(|a, b| a.case_number.cmp(&b.case_number));
    let facts = load_facts(db, &grants).await?;
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
        let f = &facts[&g.id];
        let report = compliance::evaluate(f, as_of);
        for c in report
            .contractors
            .into_iter()
            .filter(|c| scope.sees_contractor_figures(c.contractor_id))
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
            e.weighted += f.params.min_share * c.metrics.labour_hours;
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
    let default_share = Params::default().min_share;
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
