//! Compliance in GraphQL: one grant's report, the national dashboard, time series for charts,
//! the contractor ranking, and the yearly LBF report (submit, correct, read).

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{ComplexObject, Context, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{ThreeMonthStatus, TrialOutcome};
use entity::{contractor, grant, lbf_report};
use rust_decimal::Decimal;
use sea_orm::Iterable;
use uuid::Uuid;

use super::answers::{self, FromStore, Kept, RowSource, Stored};
use super::{Contractor, Grant, db, lang, loaders, parent, scope};
use ::engine::compliance::params::{PARAMETERS, ParamKey, ParamUnit};
use ::engine::compliance::{self as engine, Report, Severity, Status};
use ::engine::i18n::Lang;
use tracker_core::error::AppError;
use tracker_core::service::compliance::{self as svc, DashboardSort, YearReport, frozen_figures};
use tracker_core::service::grants::{GrantFilter, list_grants};
use tracker_core::service::known::known_now_or;
use tracker_core::service::{moved, portfolio, state};
use tracker_core::validate;

/// Rounded to `dp` decimals and always written with them, so clients see stable strings.
pub(crate) fn fixed(value: Decimal, dp: u32) -> Decimal {
    let mut v = value.round_dp(dp);
    v.rescale(dp);
    v
}

pub(crate) fn percent(share: Decimal) -> Decimal {
    fixed(share * Decimal::ONE_HUNDRED, 2)
}

/// Today in Denmark: the default `asOf`.
fn today() -> NaiveDate {
    tracker_core::units::danish_today()
}

/// Hours and shares, exact. Every share is given twice, named for its form: `…Fraction` is a
/// fraction of 1 to four decimals (0.1400), `…Percent` a percent to two decimals (14.00).
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
    /// Oplæringsandel: trainee hours / labour hours as a fraction of 1 (null without hours).
    pub share_fraction: Option<Decimal>,
    /// The same share as a percent.
    pub share_percent: Option<Decimal>,
    /// The minimum share that applies, as a fraction of 1.
    pub required_share_fraction: Decimal,
    /// The minimum share that applies, as a percent.
    pub required_share_percent: Decimal,
    /// Krævede timer: trainee hours the required share asks for, given the other hours worked:
    /// g·J/(1−g), with J the labour hours of persons not in training.
    pub needed_trainee_hours: Decimal,
    /// Manglende timer: trainee hours still needed for the required share: max(0, g·J/(1−g) − T).
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
        share_fraction: m.share.map(|s| fixed(s, 4)),
        share_percent: m.share.map(percent),
        required_share_fraction: fixed(m.required_share, 4),
        required_share_percent: percent(m.required_share),
        needed_trainee_hours: fixed(m.needed_trainee_hours, 2),
        shortfall_hours: fixed(m.shortfall_hours, 2),
        delivered_arsvaerk: fixed(m.delivered_arsvaerk, 2),
    }
}

/// The hours in months the bygherre has accepted, and their part of all hours counted.
#[derive(SimpleObject)]
pub struct AcceptedHours {
    pub labour_hours: Decimal,
    pub trainee_hours: Decimal,
    /// Accepted labour hours as a percent of all labour hours counted (null without hours).
    pub labour_percent: Option<Decimal>,
    /// Accepted trainee hours as a percent of all trainee hours counted.
    pub trainee_percent: Option<Decimal>,
}

/// A span of days a rule measured over.
#[derive(SimpleObject)]
pub struct FindingWindow {
    pub from: NaiveDate,
    /// Last day counted (inclusive).
    pub to: NaiveDate,
    /// Days from `from` through `to`, of `periodDays`.
    pub elapsed_days: i64,
    pub period_days: i64,
}

/// The contract clause a finding judges (R1 on a contract): its form and what it requires, so a
/// dashboard can show "HOURS 3.000,00: needs 452,46, has 240,00" from typed fields.
#[derive(SimpleObject)]
pub struct FindingClause {
    pub kind: engine::ClauseKind,
    /// SHARE: the share the clause requires, as a percent.
    pub required_share_percent: Option<Decimal>,
    /// HOURS: the trainee hours the clause requires over the whole contract.
    pub required_hours: Option<Decimal>,
    /// HOURS stated in elevuger: the weeks (37 hours each) behind requiredHours.
    pub required_weeks: Option<Decimal>,
    /// RATIO: one person in training per this many skilled workers ("1:10").
    pub skilled_workers_per_trainee: Option<i32>,
    /// APPRENTICE_PART: the percent of the trainee hours that must be apprentices'.
    pub apprentice_part_percent: Option<Decimal>,
}

fn window_view(s: &engine::Span) -> FindingWindow {
    FindingWindow {
        from: s.from,
        to: s.to,
        elapsed_days: s.elapsed_days,
        period_days: s.period_days,
    }
}

/// One placement's hours in a person's month (R9).
#[derive(SimpleObject)]
pub struct FindingCredit {
    pub placement_id: Uuid,
    pub contract_id: Uuid,
    pub hours: Decimal,
}

/// One finding (afvigelse) of one rule: a stable code, the message in the request's language,
/// and its numbers as typed fields (each rule fills those it measured; the rest are null).
#[derive(SimpleObject)]
#[graphql(name = "Finding")]
pub struct FindingView {
    pub rule: engine::Rule,
    /// The kind of finding, stable for programs (R3_BEHIND, R6_MISSING, R7_GAP, ...).
    pub code: engine::FindingCode,
    pub severity: Severity,
    pub subject: engine::SubjectKind,
    /// Id of the grant, contract, placement, person, trial placement, følgegruppe or meeting
    /// concerned; null where findings about persons are counted together for a caller who may
    /// not see persons (VIEWER).
    pub subject_id: Option<Uuid>,
    /// Plain words with the numbers, in the request's language (`Accept-Language`: da or en;
    /// English by default).
    pub message: String,
    /// The unit of `measured` and `threshold`.
    pub unit: Option<engine::Unit>,
    pub measured: Option<Decimal>,
    pub threshold: Option<Decimal>,
    /// Trainee hours asked for (R1: g·J/(1−g); R1 hours clause and R3: the pro-rata line; R2:
    /// the target).
    pub needed_hours: Option<Decimal>,
    /// Trainee hours delivered (R9: the person's hours that month in all).
    pub delivered_hours: Option<Decimal>,
    /// Manglende timer: needed − delivered.
    pub shortfall_hours: Option<Decimal>,
    /// R3 (and an hours clause): the window expected and delivered hours are both counted over.
    pub window: Option<FindingWindow>,
    /// R1 on a contract: the clause it is judged on (with `neededHours`, `deliveredHours` and
    /// `shortfallHours`).
    pub clause: Option<FindingClause>,
    /// R7: the gap's first and last day and its length in days; R4: the contract period; R8: the
    /// snusepraktik.
    pub from_date: Option<NaiveDate>,
    pub to_date: Option<NaiveDate>,
    pub days: Option<i64>,
    /// R5, R6, R8: the deadline.
    pub due_date: Option<NaiveDate>,
    /// R5: the report year.
    pub year: Option<i32>,
    /// R6: the months missing or late; R9: the month.
    pub months: Vec<tracker_core::scalars::YearMonth>,
    /// R9: the person, each placement credited that month with its hours, and the hours on
    /// other sites (a total, never the site).
    pub person_id: Option<Uuid>,
    pub credits: Vec<FindingCredit>,
    pub other_sites_hours: Option<Decimal>,
    /// Where the rule comes from.
    pub source: String,
}

fn finding_view(f: &engine::Finding, lang: Lang) -> FindingView {
    let d = &f.detail;
    FindingView {
        rule: f.rule,
        code: f.code,
        severity: f.severity,
        subject: f.subject_kind,
        subject_id: Some(f.subject_id),
        message: f.message.get(lang).to_owned(),
        unit: f.unit,
        measured: f.measured,
        threshold: f.threshold,
        needed_hours: d.needed_hours.map(|h| fixed(h, 2)),
        delivered_hours: d.delivered_hours.map(|h| fixed(h, 2)),
        shortfall_hours: d.shortfall_hours.map(|h| fixed(h, 2)),
        window: d.window.as_ref().map(window_view),
        clause: d.clause.map(|c| FindingClause {
            kind: c.kind,
            required_share_percent: c.required_share.map(percent),
            required_hours: c.required_hours.map(|h| fixed(h, 2)),
            required_weeks: c.required_weeks.map(|w| fixed(w, 2)),
            skilled_workers_per_trainee: c.skilled_per_trainee,
            apprentice_part_percent: c.apprentice_part.map(percent),
        }),
        from_date: d.from,
        to_date: d.to,
        days: d.days,
        due_date: d.due,
        year: d.year,
        months: d
            .months
            .iter()
            .map(|m| tracker_core::scalars::YearMonth(*m))
            .collect(),
        person_id: d.person_id,
        credits: d
            .credits
            .iter()
            .map(|c| FindingCredit {
                placement_id: c.placement_id,
                contract_id: c.contract_id,
                hours: fixed(engine::hours(c.centihours), 2),
            })
            .collect(),
        other_sites_hours: d.other_sites_hours.map(|h| fixed(h, 2)),
        source: f.source.to_owned(),
    }
}

/// A contractor's figures on one grant.
#[derive(SimpleObject)]
pub struct ContractorCompliance {
    pub contractor_id: Uuid,
    pub contractor_name: String,
    pub metrics: ShareMetrics,
    /// Trainee hours its contracts' clauses require.
    pub clause_required_hours: Decimal,
    /// Its clause hours pro rata over R3's window (`onTrackWindow`).
    pub expected_by_now_hours: Option<Decimal>,
    /// Its share at its last contract's end at the last three months' run rate, as a percent.
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

#[derive(SimpleObject)]
pub struct ThreeMonthCount {
    pub status: ThreeMonthStatus,
    pub count: u32,
}

/// Snusepraktik funnel: started, completed, the immediate outcomes, and where the participants
/// were three months later (R10), the way Byg til Vækst reports both.
#[derive(SimpleObject)]
pub struct TrialFunnel {
    pub started: u32,
    pub completed: u32,
    pub open_without_outcome: u32,
    pub outcomes: Vec<OutcomeCount>,
    /// Participants whose three months after the end have passed at the as-of date.
    pub three_months_passed: u32,
    /// Their statuses at three months, as recorded by the as-of date.
    pub three_month_statuses: Vec<ThreeMonthCount>,
    /// Of them, self-supporting at three months (in work, in education or otherwise off
    /// benefits).
    pub self_supporting_at_three_months: u32,
    /// Three months passed and no status recorded.
    pub three_month_without_status: u32,
}

/// R11: residents (living in the estate or the designated area) among a group of people on the
/// grant, and the grant's target share if it set one (without one, information only).
#[derive(SimpleObject)]
#[graphql(name = "ResidentShare")]
pub struct ResidentShareView {
    /// People in the group (each counted once).
    pub people: u32,
    /// Of them, residents.
    pub residents: u32,
    /// residents / people in percent, two decimals (null with nobody).
    pub share_percent: Option<Decimal>,
    /// The grant's target in percent, if set.
    pub target_percent: Option<Decimal>,
    /// The share is below a target that is set.
    pub below_target: bool,
}

fn resident_view(r: &engine::ResidentShare) -> ResidentShareView {
    ResidentShareView {
        people: r.people,
        residents: r.residents,
        share_percent: r.share().map(percent),
        target_percent: r.target.map(percent),
        below_target: r.below_target(),
    }
}

/// A grant's next deadlines: hours and meetings still ahead (overdue ones are R6/R7 findings),
/// and the LBF report to send next.
#[derive(SimpleObject)]
pub struct GrantDeadlines {
    /// R6: the earliest month whose hours report some active contract still owes…
    pub hours_report_month: Option<tracker_core::scalars::YearMonth>,
    /// …its due date…
    pub hours_report_due: Option<NaiveDate>,
    /// …and how many contracts have not reported it yet.
    pub hours_reports_outstanding: u32,
    /// R5: the earliest year of construction whose LBF report (lærlingeindberetning) is not
    /// submitted, and its due date (past when overdue).
    pub lbf_report_year: Option<i32>,
    pub lbf_report_due: Option<NaiveDate>,
    /// R7: the last day the følgegruppe's next meeting keeps within the interval (during
    /// construction).
    pub next_meeting_due: Option<NaiveDate>,
}

/// A rule parameter's value, in its unit.
#[derive(SimpleObject)]
pub struct RuleParameterValue {
    pub parameter: ParamKey,
    pub value: Decimal,
    pub unit: ParamUnit,
}

/// A rule parameter as a report applied it: the value used, the default, whether the grant
/// overrides it, and what it means (in the request's language).
#[derive(SimpleObject)]
pub struct AppliedParameter {
    pub parameter: ParamKey,
    pub rule: engine::Rule,
    pub value: Decimal,
    pub unit: ParamUnit,
    pub default_value: Decimal,
    pub overridden: bool,
    pub description: &'static str,
}

/// A rule parameter: what it is and what values it takes.
#[derive(SimpleObject)]
pub struct RuleParameterInfo {
    pub parameter: ParamKey,
    pub rule: engine::Rule,
    pub unit: ParamUnit,
    pub default_value: Decimal,
    pub min: Decimal,
    pub max: Decimal,
    /// Most decimals a value may have.
    pub decimals: u32,
    pub description: &'static str,
}

/// Every parameter of `p` as applied, in the table's order.
pub fn applied_parameters(p: &engine::Params, lang: Lang) -> Vec<AppliedParameter> {
    PARAMETERS
        .iter()
        .map(|d| AppliedParameter {
            parameter: d.key,
            rule: d.rule,
            value: p.get(d.key),
            unit: d.unit,
            default_value: d.default,
            overridden: p.is_overridden(d.key),
            description: match lang {
                Lang::En => d.en,
                Lang::Da => d.da,
            },
        })
        .collect()
}

// A thin view over the shared evaluation: the lists (contractors, findings, parameters), the
// funnel and the deadlines are built only when a query selects them, so a national dashboard
// asking for status and share builds no finding or parameter of its 500 grants.
/// A grant's compliance with the social requirements as of a date.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct GrantCompliance {
    pub grant_id: Uuid,
    /// The period evaluated: to the end of this day.
    pub as_of: NaiveDate,
    /// What had been recorded by this time was used (hours reports, their corrections, LBF
    /// submissions, outcomes, meetings, the grant's own data); later writes are not.
    pub known_at: DateTime<Utc>,
    pub status: Status,
    pub metrics: ShareMetrics,
    /// R2 required trainee årsværk (6 per 100 mio. DKK) and hours (x 1924).
    pub target_arsvaerk: Option<Decimal>,
    pub target_hours: Option<Decimal>,
    /// R3 trainee hours expected by the end of `onTrackWindow` (the target pro rata).
    pub expected_by_now_hours: Option<Decimal>,
    /// R3 trainee hours delivered in the same window.
    pub delivered_in_window_hours: Option<Decimal>,
    /// R3's window: construction start to the end of the last month complete at the end of
    /// `asOf`, of the period to (planned) handover.
    pub on_track_window: Option<FindingWindow>,
    /// Share at planned handover at the last three months' run rate, as a fraction of 1 and as
    /// a percent, and the trainee hours then.
    pub projected_share_fraction: Option<Decimal>,
    pub projected_share_percent: Option<Decimal>,
    pub projected_trainee_hours: Option<Decimal>,
    pub breaches: u32,
    pub warnings: u32,
    /// R5: month and day of the following year when the yearly LBF report is due (MM-DD; set by
    /// LBF, not per grant).
    pub lbf_report_due: String,
    #[graphql(skip)]
    report: Arc<Report>,
    #[graphql(skip)]
    sees_persons: bool,
    #[graphql(skip)]
    lang: Lang,
}

#[ComplexObject]
impl GrantCompliance {
    async fn grant(&self, ctx: &Context<'_>) -> Result<Grant> {
        parent::<grant::Entity, _>(ctx, self.grant_id, Grant).await
    }

    /// How much of `metrics` rests on months the bygherre has accepted (the rest is submitted,
    /// or approved by a main contractor, and not yet accepted).
    async fn accepted(&self) -> AcceptedHours {
        let (a, m) = (&self.report.accepted, &self.report.metrics);
        let labour = fixed(Decimal::new(a.labour, 2), 2);
        let trainee = fixed(Decimal::new(a.trainee(), 2), 2);
        let part = |x: Decimal, of: Decimal| (of > Decimal::ZERO).then(|| percent(x / of));
        AcceptedHours {
            labour_hours: labour,
            trainee_hours: trainee,
            labour_percent: part(labour, m.labour_hours),
            trainee_percent: part(trainee, m.trainee_hours),
        }
    }

    async fn contractors(&self) -> Vec<ContractorCompliance> {
        self.report
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
            .collect()
    }

    async fn trial_funnel(&self) -> TrialFunnel {
        let funnel = &self.report.funnel;
        TrialFunnel {
            started: funnel.started,
            completed: funnel.completed,
            open_without_outcome: funnel.open_without_outcome,
            outcomes: TrialOutcome::iter()
                .filter_map(|o| {
                    funnel
                        .outcomes
                        .get(engine::outcome_name(o))
                        .map(|n| OutcomeCount {
                            outcome: o,
                            count: *n,
                        })
                })
                .collect(),
            three_months_passed: funnel.three_months_passed,
            three_month_statuses: funnel
                .three_month
                .iter()
                .map(|(status, count)| ThreeMonthCount {
                    status: *status,
                    count: *count,
                })
                .collect(),
            self_supporting_at_three_months: funnel.self_supporting_at_three_months,
            three_month_without_status: funnel.three_month_without_status,
        }
    }

    /// R11: residents among the snusepraktik participants who had started by the as-of date.
    async fn trial_residents(&self) -> ResidentShareView {
        resident_view(&self.report.trial_residents)
    }

    /// R11: residents among the persons in training placed on the grant.
    async fn trainee_residents(&self) -> ResidentShareView {
        resident_view(&self.report.trainee_residents)
    }

    async fn deadlines(&self) -> GrantDeadlines {
        let d = &self.report.deadlines;
        GrantDeadlines {
            hours_report_month: d
                .hours_report
                .as_ref()
                .map(|h| tracker_core::scalars::YearMonth::of(h.month)),
            hours_report_due: d.hours_report.as_ref().map(|h| h.due),
            hours_reports_outstanding: d.hours_report.as_ref().map_or(0, |h| h.contracts as u32),
            lbf_report_year: d.lbf_report.map(|l| l.0),
            lbf_report_due: d.lbf_report.map(|l| l.1),
            next_meeting_due: d.next_meeting,
        }
    }

    async fn findings(&self) -> Vec<FindingView> {
        findings_view(&self.report.findings, self.sees_persons, self.lang)
    }

    /// The rule parameters the evaluation used (defaults or the grant's overrides).
    async fn parameters(&self) -> Vec<AppliedParameter> {
        applied_parameters(&self.report.params, self.lang)
    }
}

/// The findings as a caller sees them. For one who may not see persons (VIEWER), findings about a
/// person, a placement or a snusepraktik become one finding per code and severity that counts
/// them, with no subject id, name, dates or hours of anyone.
pub(crate) fn findings_view(
    findings: &[engine::Finding],
    sees_persons: bool,
    lang: Lang,
) -> Vec<FindingView> {
    use engine::SubjectKind as K;
    let personal = |f: &engine::Finding| {
        matches!(f.subject_kind, K::Placement | K::TrialPlacement | K::Person)
    };
    let mut out: Vec<FindingView> = findings
        .iter()
        .filter(|f| sees_persons || !personal(f))
        .map(|f| finding_view(f, lang))
        .collect();
    if !sees_persons {
        let mut groups: Vec<(&engine::Finding, u32)> = Vec::new();
        for f in findings.iter().filter(|f| personal(f)) {
            match groups
                .iter_mut()
                .find(|(g, _)| (g.code, g.severity) == (f.code, f.severity))
            {
                Some((_, n)) => *n += 1,
                None => groups.push((f, 1)),
            }
        }
        out.extend(groups.into_iter().map(|(f, n)| {
            let (en_what, da_what) = match f.subject_kind {
                K::Person => ("persons in training", "personer under oplæring"),
                K::Placement => ("placements", "pladser"),
                _ => ("snusepraktik placements", "snusepraktikker"),
            };
            let message = ::engine::i18n::Text::new(
                format!(
                    "{n} {en_what} have a {:?} finding; the details concern persons and are not shown to this caller",
                    f.rule
                ),
                format!(
                    "{n} {da_what} har en afvigelse på {:?}; detaljerne handler om personer og vises ikke for denne bruger",
                    f.rule
                ),
            );
            FindingView {
                subject_id: None,
                message: message.get(lang).to_owned(),
                unit: Some(engine::Unit::Count),
                measured: Some(Decimal::from(n)),
                threshold: None,
                needed_hours: None,
                delivered_hours: None,
                shortfall_hours: None,
                window: None,
                from_date: None,
                to_date: None,
                days: None,
                due_date: None,
                year: None,
                months: vec![],
                person_id: None,
                credits: vec![],
                other_sites_hours: None,
                ..finding_view(f, lang)
            }
        }));
    }
    out
}

pub fn compliance_view(
    r: &Arc<Report>,
    known_at: DateTime<Utc>,
    sees_persons: bool,
    lang: Lang,
) -> GrantCompliance {
    let p = &r.params;
    let count = |s: Severity| r.findings.iter().filter(|f| f.severity == s).count() as u32;
    GrantCompliance {
        grant_id: r.grant_id,
        as_of: r.as_of,
        known_at,
        status: r.status,
        metrics: metrics_view(&r.metrics),
        target_arsvaerk: r.target_arsvaerk,
        target_hours: r.target_hours,
        expected_by_now_hours: r.expected_by_now_hours,
        delivered_in_window_hours: r.delivered_in_window_hours,
        on_track_window: r.on_track_window.as_ref().map(window_view),
        projected_share_fraction: r.projected_share.map(|s| fixed(s, 4)),
        projected_share_percent: r.projected_share.map(percent),
        projected_trainee_hours: r.projected_trainee_hours,
        breaches: count(Severity::Breach),
        warnings: count(Severity::Warning),
        lbf_report_due: format!("{:02}-{:02}", p.lbf_report_due().0, p.lbf_report_due().1),
        report: r.clone(),
        sees_persons,
        lang,
    }
}

/// A grant's compliance through the request's compliance loader (grants asked for together are
/// evaluated from one bulk load).
pub async fn grant_compliance(
    ctx: &Context<'_>,
    grant_id: Uuid,
    as_of: Option<NaiveDate>,
    known_at: Option<DateTime<Utc>>,
) -> Result<GrantCompliance> {
    let scope = scope(ctx);
    scope.require_grant_figures()?;
    let as_of = as_of.unwrap_or_else(today);
    let known_at = known_now_or(as_of, known_at);
    match loaders(ctx).compliance(grant_id, as_of, known_at).await? {
        Some(report) => Ok(compliance_view(
            &report,
            known_at,
            scope.sees_persons(),
            lang(ctx),
        )),
        // Out of scope (FORBIDDEN), no such grant (NOT_FOUND), or not recorded yet at knownAt.
        None => {
            let g =
                tracker_core::record::get::<grant::Entity, _>(db(ctx), &scope, grant_id).await?;
            Err(svc::not_yet_recorded(&g, known_at).into())
        }
    }
}

/// A grant's overall trainee share (andel personer under uddannelse): the one grant-level figure
/// a contractor may see, where the bygherre allows it.
#[derive(SimpleObject)]
pub struct GrantShare {
    pub as_of: NaiveDate,
    pub known_at: DateTime<Utc>,
    pub share_fraction: Option<Decimal>,
    pub share_percent: Option<Decimal>,
    pub required_share_fraction: Decimal,
    pub required_share_percent: Decimal,
}

/// The grant's overall share. Contractors get it only where `shareVisibleToContractors` is set;
/// every caller who may see grant figures always gets it.
pub async fn grant_share(
    ctx: &Context<'_>,
    grant: &grant::Model,
    as_of: Option<NaiveDate>,
    known_at: Option<DateTime<Utc>>,
) -> Result<GrantShare> {
    if !scope(ctx).sees_grant_figures() && !grant.share_visible_to_contractors {
        return Err(AppError::forbidden(
            format!(
                "the bygherre has not shared grant {}'s overall trainee share with its contractors",
                grant.case_number
            ),
            format!(
                "bygherren har ikke delt oplæringsandelen for {} med sine entreprenører",
                grant.case_number
            ),
        )
        .into());
    }
    let as_of = as_of.unwrap_or_else(today);
    let known_at = known_now_or(as_of, known_at);
    let report: Arc<Report> = loaders(ctx)
        .compliance(grant.id, as_of, known_at)
        .await?
        .ok_or_else(|| svc::not_yet_recorded(grant, known_at))?;
    Ok(GrantShare {
        as_of,
        known_at,
        share_fraction: report.metrics.share.map(|s| fixed(s, 4)),
        share_percent: report.metrics.share.map(percent),
        required_share_fraction: fixed(report.metrics.required_share, 4),
        required_share_percent: percent(report.metrics.required_share),
    })
}

/// One month of a chart.
#[derive(SimpleObject)]
pub struct CompliancePoint {
    pub month: tracker_core::scalars::YearMonth,
    pub labour_hours: Decimal,
    pub trainee_hours: Decimal,
    /// The month's share as a fraction of 1 and as a percent.
    pub monthly_share_fraction: Option<Decimal>,
    pub monthly_share_percent: Option<Decimal>,
    pub cumulative_labour_hours: Decimal,
    pub cumulative_trainee_hours: Decimal,
    /// The share of all months so far, as a fraction of 1 and as a percent.
    pub cumulative_share_fraction: Option<Decimal>,
    pub cumulative_share_percent: Option<Decimal>,
    /// R3's target line (grant series only).
    pub target_cumulative_trainee_hours: Option<Decimal>,
    pub required_share_percent: Decimal,
}

/// A page of the dashboard (see `complianceDashboardPage`).
#[derive(SimpleObject)]
pub struct DashboardPage {
    /// Grants that match, on every page.
    pub total_count: i32,
    /// How many of those have each status (statuses no grant has are left out).
    pub status_counts: Vec<StatusCount>,
    /// This page's grants, in the order asked.
    pub rows: Vec<GrantCompliance>,
}

/// How many grants have a status.
#[derive(SimpleObject)]
pub struct StatusCount {
    pub status: Status,
    pub count: i32,
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

/// What selected a dashboard's grants, for its key ([`state::state_key`]): the caller's scope, the
/// filter and the search.
fn selection(ctx: &Context<'_>, filter: &DashboardFilter, search: &str) -> String {
    format!("{:?}|{:?}|{search}", scope(ctx), filter.grants())
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

/// A dashboard answer's rows: each row's source, what it is resolved from and its placing.
type AnswerRows = Vec<(RowSource<GrantCompliance>, answers::RowId, svc::Placing)>;

/// The rows of a dashboard's answer patched from this instance's latest answer to the same
/// question (`slot`; `current`: every grant in scope with its revision now, in id order, and
/// `revisions` the same by grant): the rows of the grants that did not move are copied, those
/// that moved are evaluated and placed again. None when there is no latest answer, a grant
/// entered or left the scope, or too many moved.
async fn patched_rows(
    ctx: &Context<'_>,
    slot: [u8; 32],
    current: &[(Uuid, i64)],
    revisions: &HashMap<Uuid, i64>,
    selected: sea_orm::Select<grant::Entity>,
    q: svc::Question,
) -> Result<Option<AnswerRows>> {
    let (sees_persons, lang) = (scope(ctx).sees_persons(), lang(ctx));
    let Some(latest) = Kept::<GrantCompliance>::latest(ctx.item, slot, sees_persons, lang) else {
        return Ok(None);
    };
    let now = (current, revisions);
    let Some(since) = moved::since(db(ctx), &latest.revisions, now, selected, "", q).await? else {
        return Ok(None);
    };
    let placed = since.placed.into_iter().map(|(placing, r)| {
        let view = compliance_view(&r, q.known_at, sees_persons, lang);
        (r.grant_id, placing, RowSource::Value(view))
    });
    let earlier = latest
        .rows
        .iter()
        .map(|(grant, placing, json)| (*grant, placing.clone(), RowSource::Latest(json.clone())));
    let rows = moved::patched(earlier.collect(), &since.grants, placed.collect(), q.sort);
    metrics::counter!("tracker_kept_answers_total", "source" => "patched").increment(1);
    Ok(Some(
        rows.into_iter()
            .map(|(grant, placing, source)| {
                let revision = revisions.get(&grant).copied().unwrap_or(0);
                (source, (grant, revision, q.as_of, q.known_at), placing)
            })
            .collect(),
    ))
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

/// One labelled line of a yearly LBF report.
#[derive(SimpleObject)]
pub struct LbfReportLine {
    /// Stable key (apprentice_arsvaerk, handover, ...).
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
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
    /// The report as a person reads it: labelled lines in the request's language
    /// (`Accept-Language`: da or en), numbers and dates written that language's way.
    async fn lines(&self, ctx: &Context<'_>) -> Vec<LbfReportLine> {
        engine::report_labels::lines(&self.0.figures, lang(ctx))
            .into_iter()
            .map(|l| LbfReportLine {
                key: l.key,
                label: l.label,
                value: l.value,
            })
            .collect()
    }
    /// Every version submitted (by `knownAt`), oldest first.
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
    /// The rule parameters a grant may override: unit, default, range and meaning (in the
    /// request's language).
    async fn rule_parameters(&self, ctx: &Context<'_>) -> Vec<RuleParameterInfo> {
        let lang = lang(ctx);
        PARAMETERS
            .iter()
            .map(|d| RuleParameterInfo {
                parameter: d.key,
                rule: d.rule,
                unit: d.unit,
                default_value: d.default,
                min: d.min,
                max: d.max,
                decimals: d.decimals,
                description: match lang {
                    Lang::En => d.en,
                    Lang::Da => d.da,
                },
            })
            .collect()
    }

    /// One grant's compliance as of a date (default today), with what had been recorded at
    /// `knownAt` (default: everything known now; give a past moment to see what the tracker said
    /// then).
    #[graphql(complexity = "crate::COST_EVALUATION + child_complexity")]
    async fn compliance(
        &self,
        ctx: &Context<'_>,
        grant_id: Uuid,
        as_of: Option<NaiveDate>,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<GrantCompliance> {
        grant_compliance(ctx, grant_id, as_of, known_at).await
    }

    /// Compliance summaries for many grants (all ~500 national grants in one request), loaded in
    /// bulk and evaluated in memory; `asOf` and `knownAt` as for `compliance`.
    #[graphql(complexity = "crate::COST_NATIONAL + child_complexity")]
    async fn compliance_dashboard(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] filter: DashboardFilter,
        #[graphql(default)] sort: DashboardSort,
        as_of: Option<NaiveDate>,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Kept<GrantCompliance>> {
        scope(ctx).require_grant_figures()?;
        let as_of = as_of.unwrap_or_else(today);
        let known_at = known_now_or(as_of, known_at);
        // A kept answer is found from the grants' state alone (one aggregate row); their ids
        // and revisions are read, and the grants listed, only to compute a new one.
        let selected = list_grants(&scope(ctx), filter.grants());
        let (sees_persons, lang) = (scope(ctx).sees_persons(), lang(ctx));
        let q = svc::Question {
            status: filter.status,
            sort,
            as_of,
            known_at,
        };
        let selection = selection(ctx, &filter, "");
        let state = state::scope_state(db(ctx), &selection, selected.clone()).await?;
        let key = state::state_key(state, &selection, q);
        if let Some(kept) = key.and_then(|k| Kept::find(ctx.item, k, sees_persons, lang)) {
            return Ok(kept);
        }
        // Kept under the state read first: an answer computed from later revisions may be kept
        // under an earlier state, never the other way round. Without a state key (a grant
        // without a revision row), under the grants' ids and revisions.
        let (key, current) = match key {
            Some(key) => (key, None),
            None => {
                let current = svc::ids_and_revisions(db(ctx), selected.clone()).await?;
                (svc::dashboard_key(&current, q), Some(current))
            }
        };
        let turn = crate::answers::first_of_its_kind(ctx.item, key).await;
        if let Some(kept) = Kept::find(ctx.item, key, sees_persons, lang) {
            return Ok(kept);
        }
        let current = match current {
            Some(current) => current,
            None => svc::ids_and_revisions(db(ctx), selected.clone()).await?,
        };
        let fingerprint = svc::dashboard_key(&current, q);
        let store = Stored::new(
            ctx.item,
            svc::dashboard_slot(&current, q),
            fingerprint,
            key,
            (as_of, known_at),
            sees_persons,
            lang,
        );
        let ids: Vec<Uuid> = current.iter().map(|(id, _)| *id).collect();
        let revisions: HashMap<Uuid, i64> = current.iter().copied().collect();
        // After a write: the latest answer to the question, its moved grants' rows placed again;
        // on an instance without one, the stored answer (whole, or a few writes behind).
        let slot = moved::question_slot(&selection, q);
        let mut patched =
            patched_rows(ctx, slot, &current, &revisions, selected.clone(), q).await?;
        let mut unmoved = HashMap::new();
        if patched.is_none() {
            let (conn, stored, scope) = (db(ctx), store.as_ref(), (slot, current.as_slice()));
            match Kept::from_store(conn, ctx.item, stored, scope, sees_persons, lang).await {
                Some(FromStore::Whole(kept)) => return Ok(kept),
                Some(FromStore::Latest) => {
                    patched =
                        patched_rows(ctx, slot, &current, &revisions, selected.clone(), q).await?;
                }
                Some(FromStore::Unmoved(rows)) => unmoved = rows,
                None => {}
            }
        }
        if let Some(rows) = patched {
            let kept = Kept::new(rows, key, sees_persons, lang, turn, store);
            return Ok(kept.latest_of(slot, current));
        }
        // The answer is of the grants the fingerprint names (one created since is in the next).
        let mut grants = svc::listed(db(ctx), selected).await?;
        grants.retain(|g| revisions.contains_key(&g.id));
        let rows = svc::dashboard_with(db(ctx), &grants, &revisions, q, unmoved)
            .await?
            .into_iter()
            .map(|(placing, row)| {
                let (grant, source) = match row {
                    svc::DashboardRow::Known(grant, json) => (grant, RowSource::Json(json)),
                    svc::DashboardRow::Evaluated(r) => (
                        r.grant_id,
                        RowSource::Value(compliance_view(&r, known_at, sees_persons, lang)),
                    ),
                };
                let revision = revisions.get(&grant).copied().unwrap_or(0);
                (source, (grant, revision, as_of, known_at), placing)
            })
            .collect();
        svc::remember_evaluations(db(ctx), &ids, &revisions, as_of, known_at).await;
        Ok(Kept::new(rows, key, sees_persons, lang, turn, store).latest_of(slot, current))
    }

    /// One page of the dashboard, as a list on screen shows it (porteføljeoversigten): the rows
    /// `offset` to `offset + first` in `sort` order of the grants that match the filter and
    /// `search` (part of a case number or title, any case), how many match in all and by
    /// status. Only the page's rows are resolved, so a page costs the same at 5,000 grants as
    /// at 500 once the evaluations are cached.
    #[graphql(complexity = "crate::COST_NATIONAL + child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn compliance_dashboard_page(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] filter: DashboardFilter,
        #[graphql(default)] sort: DashboardSort,
        search: Option<String>,
        #[graphql(default = 25)] first: i32,
        #[graphql(default)] offset: i32,
        as_of: Option<NaiveDate>,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<DashboardPage> {
        scope(ctx).require_grant_figures()?;
        let first = validate::in_range("first", first, 1, 100)?;
        let offset = validate::in_range("offset", offset, 0, 1_000_000)?;
        let search = validate::opt_text("search", search.as_deref(), 100)?;
        let as_of = as_of.unwrap_or_else(today);
        let known_at = known_now_or(as_of, known_at);
        let search = search.unwrap_or_default();
        let selected = list_grants(&scope(ctx), filter.grants());
        let q = svc::Question {
            status: filter.status,
            sort,
            as_of,
            known_at,
        };
        let selection = selection(ctx, &filter, &search);
        let state = state::scope_state(db(ctx), &selection, selected.clone()).await?;
        let keys = portfolio::Keys {
            state: state::state_key(state, &selection, q),
            slot: moved::question_slot(&selection, q),
        };
        let (offset, first) = (offset as usize, first as usize);
        let page =
            portfolio::page_of(db(ctx), keys, selected, &search, q, offset..offset + first).await?;
        let (sees_persons, lang) = (scope(ctx).sees_persons(), lang(ctx));
        Ok(DashboardPage {
            total_count: i32::try_from(page.total).unwrap_or(i32::MAX),
            status_counts: page
                .counts
                .into_iter()
                .map(|(status, n)| StatusCount {
                    status,
                    count: i32::try_from(n).unwrap_or(i32::MAX),
                })
                .collect(),
            rows: page
                .rows
                .iter()
                .map(|r| compliance_view(r, known_at, sees_persons, lang))
                .collect(),
        })
    }

    /// Monthly labour and trainee hours, monthly and cumulative share, and the target line, for a
    /// grant or for one contractor's contracts on it.
    #[graphql(complexity = "crate::COST_TIME_SERIES + child_complexity")]
    async fn compliance_time_series(
        &self,
        ctx: &Context<'_>,
        grant_id: Uuid,
        contractor_id: Option<Uuid>,
        as_of: Option<NaiveDate>,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<CompliancePoint>> {
        let as_of = as_of.unwrap_or_else(today);
        let known_at = known_now_or(as_of, known_at);
        let scope = scope(ctx);
        match contractor_id {
            Some(c) if !scope.sees_contractor_figures(c) => {
                return Err(AppError::forbidden(
                    "a CONTRACTOR token sees only its own contractorId's figures",
                    "et CONTRACTOR-token ser kun tallene for sit eget contractorId",
                )
                .into());
            }
            Some(_) => {}
            None => scope.require_grant_figures()?,
        }
        let facts = svc::cached_grant_facts(db(ctx), &scope, grant_id, known_at).await?;
        Ok(engine::time_series(&facts, as_of, contractor_id)
            .into_iter()
            .map(|p| CompliancePoint {
                month: tracker_core::scalars::YearMonth(p.month),
                labour_hours: p.labour_hours,
                trainee_hours: p.trainee_hours,
                monthly_share_fraction: p.monthly_share.map(|s| fixed(s, 4)),
                monthly_share_percent: p.monthly_share.map(percent),
                cumulative_labour_hours: p.cumulative_labour_hours,
                cumulative_trainee_hours: p.cumulative_trainee_hours,
                cumulative_share_fraction: p.cumulative_share.map(|s| fixed(s, 4)),
                cumulative_share_percent: p.cumulative_share.map(percent),
                target_cumulative_trainee_hours: p.target_cumulative_trainee_hours,
                required_share_percent: percent(p.required_share),
            })
            .collect())
    }

    /// Contractors across grants, the furthest behind first (largest shortfall in hours).
    #[graphql(complexity = "crate::COST_NATIONAL + child_complexity")]
    async fn contractor_ranking(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] filter: DashboardFilter,
        as_of: Option<NaiveDate>,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<ContractorStanding>> {
        let scope = scope(ctx);
        let as_of = as_of.unwrap_or_else(today);
        let known_at = known_now_or(as_of, known_at);
        let grants = list_grants(&scope, filter.grants())
            .all(db(ctx))
            .await
            .map_err(AppError::from)?;
        let ranking = svc::contractor_ranking(db(ctx), &scope, grants, as_of, known_at).await?;
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

    /// One grant's yearly LBF report: frozen figures if submitted, live figures otherwise, as
    /// recorded at `knownAt` (default now: the versions submitted and the hours known by then).
    #[graphql(complexity = "crate::COST_EVALUATION + child_complexity")]
    async fn lbf_year_report(
        &self,
        ctx: &Context<'_>,
        grant_id: Uuid,
        year: i32,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<LbfYearReport> {
        scope(ctx).require_grant_figures()?;
        let known_at = known_at.unwrap_or_else(tracker_core::clock::now);
        let g =
            tracker_core::record::get::<grant::Entity, _>(db(ctx), &scope(ctx), grant_id).await?;
        let reports = svc::year_reports(db(ctx), vec![g.clone()], year, known_at).await?;
        match reports.into_iter().next() {
            Some(r) => Ok(LbfYearReport(r)),
            None => Err(svc::not_yet_recorded(&g, known_at).into()),
        }
    }

    /// The yearly LBF reports of all grants of an organisation (the CSV export has the same rows).
    #[graphql(complexity = "crate::COST_ORGANISATION + child_complexity")]
    async fn lbf_year_reports(
        &self,
        ctx: &Context<'_>,
        organisation_id: Uuid,
        year: i32,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<LbfYearReport>> {
        let known_at = known_at.unwrap_or_else(tracker_core::clock::now);
        Ok(
            svc::organisation_year_reports(db(ctx), &scope(ctx), organisation_id, year, known_at)
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
        crate::audited::audited::<lbf_report::Entity, _>(ctx, "submit", None, move |t, s| {
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
        crate::audited::audited::<lbf_report::Entity, _>(ctx, "correct", None, move |t, s| {
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
