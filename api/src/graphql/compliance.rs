//! Compliance in GraphQL: one grant's report, the national dashboard, time series for charts,
//! the contractor ranking, and the yearly LBF report (submit, correct, read).

use std::sync::Arc;

use async_graphql::{ComplexObject, Context, Enum, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::TrialOutcome;
use entity::{contractor, grant, lbf_report};
use rust_decimal::Decimal;
use sea_orm::Iterable;
use uuid::Uuid;

use super::{Contractor, Grant, db, loaders, parent, scope};
use crate::compliance::{self as engine, Report, Severity, Status};
use crate::error::AppError;
use crate::service::compliance::{self as svc, YearReport, frozen_figures};
use crate::service::grants::{GrantFilter, list_grants};

/// Rounded to `dp` decimals and always written with them, so clients see stable strings.
fn fixed(value: Decimal, dp: u32) -> Decimal {
    let mut v = value.round_dp(dp);
    v.rescale(dp);
    v
}

fn percent(share: Decimal) -> Decimal {
    fixed(share * Decimal::ONE_HUNDRED, 2)
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Hours and shares, exact. Shares are fractions (0.14); the *Percent fields are rounded to 0.01.
#[derive(SimpleObject)]
pub struct ShareMetrics {
    /// All hourly-paid labour hours on site in the counting window, trainee hours included.
    pub labour_hours: Decimal,
    /// Hours of persons in training (counted kinds only).
    pub trainee_hours: Decimal,
    /// Lærlinge (EUD/EUV/EUX).
    pub apprentice_hours: Decimal,
    /// Personer i anden oplæring (FGU, AMU, IGU, other counted training).
    pub other_training_hours: Decimal,
    pub share: Option<Decimal>,
    pub share_percent: Option<Decimal>,
    pub required_share_percent: Decimal,
    /// Trainee hours the required share asks for, given the other hours worked: g·J/(1−g), with
    /// J the labour hours of persons not in training.
    pub needed_trainee_hours: Decimal,
    /// Trainee hours still needed for the required share: max(0, g·J/(1−g) − T).
    pub shortfall_hours: Decimal,
    /// Trainee hours / 1924.
    pub delivered_arsvaerk: Decimal,
}

fn metrics_view(m: &engine::Metrics) -> ShareMetrics {
    ShareMetrics {
        labour_hours: fixed(m.labour_hours, 2),
        trainee_hours: fixed(m.trainee_hours, 2),
        apprentice_hours: fixed(m.apprentice_hours, 2),
        other_training_hours: fixed(m.other_training_hours, 2),
        share: m.share.map(|s| fixed(s, 4)),
        share_percent: m.share.map(percent),
        required_share_percent: percent(m.required_share),
        needed_trainee_hours: fixed(m.needed_trainee_hours, 2),
        shortfall_hours: fixed(m.shortfall_hours, 2),
        delivered_arsvaerk: fixed(m.delivered_arsvaerk, 2),
    }
}

/// One finding of one rule.
#[derive(SimpleObject)]
#[graphql(name = "Finding")]
pub struct FindingView {
    pub rule: engine::Rule,
    pub severity: Severity,
    pub subject: engine::SubjectKind,
    /// Id of the grant, contract, contractor, placement, trial placement or meeting concerned;
    /// null where findings about persons are counted together for a caller who may not see
    /// persons (VIEWER).
    pub subject_id: Option<Uuid>,
    /// Plain words, with the numbers.
    pub message: String,
    pub measured: Option<Decimal>,
    pub threshold: Option<Decimal>,
    /// Where the rule comes from.
    pub source: String,
}

/// A contractor's figures on one grant.
#[derive(SimpleObject)]
pub struct ContractorCompliance {
    pub contractor_id: Uuid,
    pub contractor_name: String,
    pub metrics: ShareMetrics,
    /// Trainee hours its contracts' clauses require.
    pub clause_required_hours: Decimal,
    /// Its clause hours pro rata to the end of the last complete month.
    pub expected_by_now_hours: Option<Decimal>,
    /// Its share at its last contract's end at the last three months' run rate.
    pub projected_share_percent: Option<Decimal>,
    /// Trainee hours its clauses still ask for (null without a clause).
    pub clause_shortfall_hours: Option<Decimal>,
    /// Behind on a clause of one of its contracts (an R1 finding on the contract).
    pub behind_clause: bool,
}

#[derive(SimpleObject)]
pub struct OutcomeCount {
    pub outcome: TrialOutcome,
    pub count: u32,
}

/// Snusepraktik funnel: started, completed, outcomes.
#[derive(SimpleObject)]
pub struct TrialFunnel {
    pub started: u32,
    pub completed: u32,
    pub open_without_outcome: u32,
    pub outcomes: Vec<OutcomeCount>,
}

/// The parameter values a report used (defaults or the grant's overrides).
#[derive(SimpleObject)]
pub struct AppliedParameters {
    pub min_trainee_share_percent: Decimal,
    #[graphql(name = "targetArsvaerkPer100m")]
    pub target_arsvaerk_per_100m: Decimal,
    pub on_track_tolerance_percent: Decimal,
    pub hours_report_due_day: u32,
    pub max_meeting_interval_days: i64,
    pub trial_outcome_due_days: i64,
    pub overtime_allowance_percent: Decimal,
    /// Month and day of the following year when the yearly LBF report is due (MM-DD).
    pub lbf_report_due: String,
}

/// A grant's compliance with the social requirements as of a date.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct GrantCompliance {
    pub grant_id: Uuid,
    pub as_of: NaiveDate,
    pub status: Status,
    pub metrics: ShareMetrics,
    /// R2 required trainee årsværk (6 per 100 mio. DKK) and hours (x 1924).
    pub target_arsvaerk: Option<Decimal>,
    pub target_hours: Option<Decimal>,
    /// R3 trainee hours expected by the end of the last complete month.
    pub expected_by_now_hours: Option<Decimal>,
    /// Share and trainee hours at planned handover at the last three months' run rate.
    pub projected_share_percent: Option<Decimal>,
    pub projected_trainee_hours: Option<Decimal>,
    pub contractors: Vec<ContractorCompliance>,
    pub trial_funnel: TrialFunnel,
    pub findings: Vec<FindingView>,
    pub breaches: u32,
    pub warnings: u32,
    pub parameters: AppliedParameters,
}

#[ComplexObject]
impl GrantCompliance {
    async fn grant(&self, ctx: &Context<'_>) -> Result<Grant> {
        parent::<grant::Entity, _>(ctx, self.grant_id, Grant).await
    }
}

/// The findings as a caller sees them. For one who may not see persons (VIEWER), findings about a
/// placement or a snusepraktik (each about one person) become one finding per rule and severity
/// that counts them, with no subject id, dates or hours of anyone.
fn findings_view(findings: &[engine::Finding], sees_persons: bool) -> Vec<FindingView> {
    use engine::SubjectKind as K;
    let personal = |f: &engine::Finding| matches!(f.subject_kind, K::Placement | K::TrialPlacement);
    let mut out: Vec<FindingView> = findings
        .iter()
        .filter(|f| sees_persons || !personal(f))
        .map(|f| FindingView {
            rule: f.rule,
            severity: f.severity,
            subject: f.subject_kind,
            subject_id: Some(f.subject_id),
            message: f.message.clone(),
            measured: f.measured,
            threshold: f.threshold,
            source: f.source.to_owned(),
        })
        .collect();
    if !sees_persons {
        // (rule, severity, subject kind) -> (how many, the rule's source)
        type Key = (engine::Rule, Severity, K);
        let mut groups: Vec<(Key, (u32, &'static str))> = Vec::new();
        for f in findings.iter().filter(|f| personal(f)) {
            let key = (f.rule, f.severity, f.subject_kind);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, (n, _))) => *n += 1,
                None => groups.push((key, (1, f.source))),
            }
        }
        out.extend(groups.into_iter().map(|((rule, severity, subject), (n, source))| {
            let what = if subject == K::Placement {
                "placements"
            } else {
                "snusepraktik placements"
            };
            FindingView {
                rule,
                severity,
                subject,
                subject_id: None,
                message: format!(
                    "{n} {what} have a {rule:?} finding; the details concern persons and are not shown to this caller"
                ),
                measured: Some(Decimal::from(n)),
                threshold: None,
                source: source.to_owned(),
            }
        }));
    }
    out
}

pub fn compliance_view(r: &Report, sees_persons: bool) -> GrantCompliance {
    let p = &r.params;
    let count = |s: Severity| r.findings.iter().filter(|f| f.severity == s).count() as u32;
    let outcomes = TrialOutcome::iter()
        .filter_map(|o| {
            r.funnel
                .outcomes
                .get(engine::outcome_name(o))
                .map(|n| OutcomeCount {
                    outcome: o,
                    count: *n,
                })
        })
        .collect();
    GrantCompliance {
        grant_id: r.grant_id,
        as_of: r.as_of,
        status: r.status,
        metrics: metrics_view(&r.metrics),
        target_arsvaerk: r.target_arsvaerk,
        target_hours: r.target_hours,
        expected_by_now_hours: r.expected_by_now_hours,
        projected_share_percent: r.projected_share.map(percent),
        projected_trainee_hours: r.projected_trainee_hours,
        contractors: r
            .contractors
            .iter()
            .map(|c| ContractorCompliance {
                contractor_id: c.contractor_id,
                contractor_name: c.contractor_name.clone(),
                metrics: metrics_view(&c.metrics),
                clause_required_hours: fixed(c.clause_required_hours, 2),
                expected_by_now_hours: c.expected_by_now_hours.map(|h| fixed(h, 2)),
                projected_share_percent: c.projected_share.map(percent),
                clause_shortfall_hours: c.clause_shortfall_hours.map(|h| fixed(h, 2)),
                behind_clause: c.behind_clause,
            })
            .collect(),
        trial_funnel: TrialFunnel {
            started: r.funnel.started,
            completed: r.funnel.completed,
            open_without_outcome: r.funnel.open_without_outcome,
            outcomes,
        },
        findings: findings_view(&r.findings, sees_persons),
        breaches: count(Severity::Breach),
        warnings: count(Severity::Warning),
        parameters: AppliedParameters {
            min_trainee_share_percent: percent(p.min_share),
            target_arsvaerk_per_100m: p.target_per_100m,
            on_track_tolerance_percent: percent(p.on_track_tolerance),
            hours_report_due_day: p.hours_report_due_day,
            max_meeting_interval_days: p.max_meeting_interval_days,
            trial_outcome_due_days: p.trial_outcome_due_days,
            overtime_allowance_percent: percent(p.overtime_allowance),
            lbf_report_due: format!("{:02}-{:02}", p.lbf_report_due.0, p.lbf_report_due.1),
        },
    }
}

/// A grant's compliance through the request's compliance loader (grants asked for together are
/// evaluated from one bulk load).
pub async fn grant_compliance(
    ctx: &Context<'_>,
    grant_id: Uuid,
    as_of: Option<NaiveDate>,
) -> Result<GrantCompliance> {
    let scope = scope(ctx);
    scope.require_grant_figures()?;
    match loaders(ctx)
        .compliance(grant_id, as_of.unwrap_or_else(today))
        .await?
    {
        Some(report) => Ok(compliance_view(&report, scope.sees_persons())),
        // Out of scope (FORBIDDEN) or no such grant (NOT_FOUND): the by-id read tells which.
        None => {
            crate::record::get::<grant::Entity, _>(db(ctx), &scope, grant_id).await?;
            Err(AppError::NotFound {
                entity: "Grant",
                id: grant_id,
            }
            .into())
        }
    }
}

/// A grant's overall trainee share (andel personer under uddannelse): the one grant-level figure
/// a contractor may see, where the bygherre allows it.
#[derive(SimpleObject)]
pub struct GrantShare {
    pub as_of: NaiveDate,
    pub share_percent: Option<Decimal>,
    pub required_share_percent: Decimal,
}

/// The grant's overall share. Contractors get it only where `shareVisibleToContractors` is set;
/// every caller who may see grant figures always gets it.
pub async fn grant_share(
    ctx: &Context<'_>,
    grant: &grant::Model,
    as_of: Option<NaiveDate>,
) -> Result<GrantShare> {
    if !scope(ctx).sees_grant_figures() && !grant.share_visible_to_contractors {
        return Err(AppError::Forbidden(format!(
            "the bygherre has not shared grant {}'s overall trainee share with its contractors",
            grant.case_number
        ))
        .into());
    }
    let as_of = as_of.unwrap_or_else(today);
    let report: Arc<Report> =
        loaders(ctx)
            .compliance(grant.id, as_of)
            .await?
            .ok_or(AppError::NotFound {
                entity: "Grant",
                id: grant.id,
            })?;
    Ok(GrantShare {
        as_of,
        share_percent: report.metrics.share.map(percent),
        required_share_percent: percent(report.metrics.required_share),
    })
}

/// One month of a chart.
#[derive(SimpleObject)]
pub struct CompliancePoint {
    pub month: crate::scalars::YearMonth,
    pub labour_hours: Decimal,
    pub trainee_hours: Decimal,
    pub monthly_share_percent: Option<Decimal>,
    pub cumulative_labour_hours: Decimal,
    pub cumulative_trainee_hours: Decimal,
    pub cumulative_share_percent: Option<Decimal>,
    /// R3's target line (grant series only).
    pub target_cumulative_trainee_hours: Option<Decimal>,
    pub required_share_percent: Decimal,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
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

/// Which grants a dashboard covers.
#[derive(InputObject, Clone, Default)]
pub struct DashboardFilter {
    pub organisation_id: Option<Uuid>,
    /// Kommune of the estate.
    pub municipality: Option<String>,
    pub commitment_year: Option<i32>,
    /// Only grants with this status.
    pub status: Option<Status>,
}

impl DashboardFilter {
    fn grants(&self) -> GrantFilter {
        GrantFilter {
            organisation_id: self.organisation_id,
            municipality: self.municipality.clone(),
            commitment_year: self.commitment_year,
            ..Default::default()
        }
    }
}

/// A grant where a contractor works, with its figures there.
#[derive(SimpleObject)]
pub struct ContractorOnGrant {
    pub grant_id: Uuid,
    pub case_number: String,
    /// Its figures against this grant's own minimum share.
    pub metrics: ShareMetrics,
    /// Trainee hours its clauses on this grant still ask for (null without a clause).
    pub clause_shortfall_hours: Option<Decimal>,
    /// Behind on a clause of one of its contracts here (what it owes; the grant's 14 % is the
    /// bygherre's rule).
    pub behind: bool,
}

/// A contractor's standing across grants.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ContractorStanding {
    pub contractor_id: Uuid,
    pub contractor_name: String,
    /// Summed over its grants (hours first, then divided). The required share is the
    /// labour-weighted mean of its grants' own minimum shares; needed and shortfall hours are the
    /// sums of the per-grant figures.
    pub metrics: ShareMetrics,
    /// Trainee hours its clauses still ask for, over all its grants (null without a clause).
    pub clause_shortfall_hours: Option<Decimal>,
    pub grants: Vec<ContractorOnGrant>,
    /// Grants where it is behind on a clause.
    pub grants_behind: u32,
}

#[ComplexObject]
impl ContractorStanding {
    async fn contractor(&self, ctx: &Context<'_>) -> Result<Contractor> {
        parent::<contractor::Entity, _>(ctx, self.contractor_id, Contractor).await
    }
}

/// The figures of a yearly LBF report.
#[derive(SimpleObject)]
pub struct LbfFigures {
    /// Apprentice årsværk (hours / 1924) to two decimals, rounded half away from zero: the figure
    /// to report.
    pub apprentice_arsvaerk: Decimal,
    /// Other-training årsværk, rounded the same way.
    pub other_training_arsvaerk: Decimal,
    /// Apprentice hours / 1924 to six decimals (the exact value behind the rounded figure).
    pub apprentice_arsvaerk_exact: Decimal,
    /// Other-training hours / 1924 to six decimals.
    pub other_training_arsvaerk_exact: Decimal,
    pub apprentice_hours: Decimal,
    pub other_training_hours: Decimal,
    /// Håndværkerudgift at Skema B, DKK.
    pub craftsman_cost: Option<Decimal>,
    pub construction_start: Option<NaiveDate>,
    /// Aflevering: the actual handover, or until there is one the planned date
    /// (`handoverPlanned`).
    pub handover: Option<NaiveDate>,
    /// Whether `handover` is the planned date rather than the actual one.
    pub handover_planned: bool,
    /// Final (handed over) or interim figures.
    pub is_final: bool,
}

fn figures_view(f: &engine::YearFigures) -> LbfFigures {
    LbfFigures {
        apprentice_arsvaerk: f.apprentice_arsvaerk,
        other_training_arsvaerk: f.other_training_arsvaerk,
        apprentice_arsvaerk_exact: engine::arsvaerk_exact(f.apprentice_hours),
        other_training_arsvaerk_exact: engine::arsvaerk_exact(f.other_training_hours),
        apprentice_hours: f.apprentice_hours,
        other_training_hours: f.other_training_hours,
        craftsman_cost: f.craftsman_cost,
        construction_start: f.construction_start,
        handover: f.handover,
        handover_planned: f.handover_planned,
        is_final: f.is_final,
    }
}

/// One submitted version: frozen figures, who, when, why.
pub struct LbfReportVersion(pub lbf_report::Model);

#[Object]
impl LbfReportVersion {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn figures(&self) -> LbfFigures {
        figures_view(&frozen_figures(&self.0))
    }
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }
    async fn submitted_by(&self) -> &str {
        &self.0.submitted_by
    }
    /// Why this correction was made (null for the first submission).
    async fn correction_reason(&self) -> Option<&str> {
        self.0.correction_reason.as_deref()
    }
}

/// A grant's yearly LBF report (Lærlingeindberetning).
pub struct LbfYearReport(pub YearReport);

#[Object]
impl LbfYearReport {
    async fn grant(&self) -> Grant {
        Grant(self.0.grant.clone())
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// Submitted to LBF (frozen); otherwise the figures are live and change with new hours.
    async fn submitted(&self) -> bool {
        !self.0.versions.is_empty()
    }
    /// The latest version's figures if submitted, else the live figures.
    async fn figures(&self) -> LbfFigures {
        figures_view(&self.0.figures)
    }
    /// Every submitted version, oldest first.
    async fn versions(&self) -> Vec<LbfReportVersion> {
        self.0
            .versions
            .iter()
            .cloned()
            .map(LbfReportVersion)
            .collect()
    }
}

#[derive(Default)]
pub struct ComplianceQuery;

#[Object]
impl ComplianceQuery {
    /// One grant's compliance as of a date (default today).
    #[graphql(complexity = "crate::graphql::COST_EVALUATION + child_complexity")]
    async fn compliance(
        &self,
        ctx: &Context<'_>,
        grant_id: Uuid,
        as_of: Option<NaiveDate>,
    ) -> Result<GrantCompliance> {
        grant_compliance(ctx, grant_id, as_of).await
    }

    /// Compliance summaries for many grants (all ~500 national grants in one request), loaded in
    /// bulk and evaluated in memory.
    #[graphql(complexity = "crate::graphql::COST_NATIONAL + child_complexity")]
    async fn compliance_dashboard(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] filter: DashboardFilter,
        #[graphql(default)] sort: DashboardSort,
        as_of: Option<NaiveDate>,
    ) -> Result<Vec<GrantCompliance>> {
        scope(ctx).require_grant_figures()?;
        let as_of = as_of.unwrap_or_else(today);
        let grants = list_grants(&scope(ctx), filter.grants())
            .all(db(ctx))
            .await
            .map_err(AppError::from)?;
        let facts = svc::load_facts(db(ctx), &grants).await?;
        let mut rows: Vec<(String, Report)> = grants
            .iter()
            .map(|g| {
                (
                    g.case_number.clone(),
                    engine::evaluate(&facts[&g.id], as_of),
                )
            })
            .filter(|(_, r)| filter.status.is_none_or(|s| r.status == s))
            .collect();
        match sort {
            DashboardSort::CaseNumber => rows.sort_by(|a, b| a.0.cmp(&b.0)),
            DashboardSort::ShareAsc => {
                rows.sort_by_key(|(c, r)| (r.metrics.share.is_none(), r.metrics.share, c.clone()))
            }
            DashboardSort::ShareDesc => {
                rows.sort_by_key(|(c, r)| (std::cmp::Reverse(r.metrics.share), c.clone()))
            }
            DashboardSort::ShortfallDesc => {
                rows.sort_by_key(|(c, r)| (std::cmp::Reverse(r.metrics.shortfall_hours), c.clone()))
            }
        }
        let sees_persons = scope(ctx).sees_persons();
        Ok(rows
            .iter()
            .map(|(_, r)| compliance_view(r, sees_persons))
            .collect())
    }

    /// Monthly labour and trainee hours, monthly and cumulative share, and the target line, for a
    /// grant or for one contractor's contracts on it.
    #[graphql(complexity = "crate::graphql::COST_TIME_SERIES + child_complexity")]
    async fn compliance_time_series(
        &self,
        ctx: &Context<'_>,
        grant_id: Uuid,
        contractor_id: Option<Uuid>,
        as_of: Option<NaiveDate>,
    ) -> Result<Vec<CompliancePoint>> {
        let scope = scope(ctx);
        match contractor_id {
            Some(c) if !scope.sees_contractor_figures(c) => {
                return Err(AppError::Forbidden(
                    "a CONTRACTOR token sees only its own contractorId's figures".into(),
                )
                .into());
            }
            Some(_) => {}
            None => scope.require_grant_figures()?,
        }
        let (_, facts) = svc::grant_facts(db(ctx), &scope, grant_id).await?;
        Ok(
            engine::time_series(&facts, as_of.unwrap_or_else(today), contractor_id)
                .into_iter()
                .map(|p| CompliancePoint {
                    month: crate::scalars::YearMonth(p.month),
                    labour_hours: p.labour_hours,
                    trainee_hours: p.trainee_hours,
                    monthly_share_percent: p.monthly_share.map(percent),
                    cumulative_labour_hours: p.cumulative_labour_hours,
                    cumulative_trainee_hours: p.cumulative_trainee_hours,
                    cumulative_share_percent: p.cumulative_share.map(percent),
                    target_cumulative_trainee_hours: p.target_cumulative_trainee_hours,
                    required_share_percent: percent(p.required_share),
                })
                .collect(),
        )
    }

    /// Contractors across grants, the furthest behind first (largest shortfall in hours).
    #[graphql(complexity = "crate::graphql::COST_NATIONAL + child_complexity")]
    async fn contractor_ranking(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] filter: DashboardFilter,
        as_of: Option<NaiveDate>,
    ) -> Result<Vec<ContractorStanding>> {
        let scope = scope(ctx);
        let grants = list_grants(&scope, filter.grants())
            .all(db(ctx))
            .await
            .map_err(AppError::from)?;
        let ranking =
            svc::contractor_ranking(db(ctx), &scope, grants, as_of.unwrap_or_else(today)).await?;
        Ok(ranking
            .into_iter()
            .map(|s| ContractorStanding {
                contractor_id: s.contractor_id,
                grants_behind: s.grants_behind() as u32,
                contractor_name: s.contractor_name,
                metrics: metrics_view(&s.metrics),
                clause_shortfall_hours: s.clause_shortfall_hours.map(|h| fixed(h, 2)),
                grants: s
                    .grants
                    .into_iter()
                    .map(|g| ContractorOnGrant {
                        grant_id: g.grant_id,
                        case_number: g.case_number,
                        metrics: metrics_view(&g.metrics),
                        clause_shortfall_hours: g.clause_shortfall_hours.map(|h| fixed(h, 2)),
                        behind: g.behind_clause,
                    })
                    .collect(),
            })
            .collect())
    }

    /// One grant's yearly LBF report: frozen figures if submitted, live figures otherwise.
    #[graphql(complexity = "crate::graphql::COST_EVALUATION + child_complexity")]
    async fn lbf_year_report(
        &self,
        ctx: &Context<'_>,
        grant_id: Uuid,
        year: i32,
    ) -> Result<LbfYearReport> {
        scope(ctx).require_grant_figures()?;
        let g = crate::record::get::<grant::Entity, _>(db(ctx), &scope(ctx), grant_id).await?;
        let mut reports = svc::year_reports(db(ctx), vec![g], year).await?;
        Ok(LbfYearReport(reports.remove(0)))
    }

    /// The yearly LBF reports of all grants of an organisation (the CSV export has the same rows).
    #[graphql(complexity = "crate::graphql::COST_ORGANISATION + child_complexity")]
    async fn lbf_year_reports(
        &self,
        ctx: &Context<'_>,
        organisation_id: Uuid,
        year: i32,
    ) -> Result<Vec<LbfYearReport>> {
        Ok(
            svc::organisation_year_reports(db(ctx), &scope(ctx), organisation_id, year)
                .await?
                .into_iter()
                .map(LbfYearReport)
                .collect(),
        )
    }
}

/// Submit a year's report: freezes the figures as computed now (version 1).
#[derive(InputObject, Clone)]
pub struct SubmitLbfReportInput {
    pub grant_id: Uuid,
    pub year: i32,
    /// Who submits (name or role).
    pub submitted_by: String,
}

/// Correct a submitted report: a new version with the figures as computed now; old versions stay.
#[derive(InputObject, Clone)]
pub struct CorrectLbfReportInput {
    pub grant_id: Uuid,
    pub year: i32,
    pub submitted_by: String,
    /// Why the report is corrected.
    pub reason: String,
}

#[derive(Default)]
pub struct ComplianceMutation;

#[Object]
impl ComplianceMutation {
    /// Mark a year's LBF report as submitted, freezing its figures. CONFLICT if already submitted.
    async fn submit_lbf_report(
        &self,
        ctx: &Context<'_>,
        input: SubmitLbfReportInput,
    ) -> Result<LbfReportVersion> {
        crate::audit::audited::<lbf_report::Entity, _>(ctx, "submit", None, move |t, s| {
            let input = input.clone();
            Box::pin(async move {
                svc::submit_report(t, &s, input.grant_id, input.year, &input.submitted_by, None)
                    .await
            })
        })
        .await
        .map(LbfReportVersion)
    }

    /// Correct a submitted report: adds a version (who, when, why) and keeps the earlier ones.
    async fn correct_lbf_report(
        &self,
        ctx: &Context<'_>,
        input: CorrectLbfReportInput,
    ) -> Result<LbfReportVersion> {
        crate::audit::audited::<lbf_report::Entity, _>(ctx, "correct", None, move |t, s| {
            let input = input.clone();
            Box::pin(async move {
                svc::submit_report(
                    t,
                    &s,
                    input.grant_id,
                    input.year,
                    &input.submitted_by,
                    Some(&input.reason),
                )
                .await
            })
        })
        .await
        .map(LbfReportVersion)
    }
}
