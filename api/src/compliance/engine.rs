//! The compliance engine: plain facts about one grant and an "as of" date in, a report out. No
//! database, no clock, no async: the same facts and date always give the same report.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, Months, NaiveDate};
use entity::enums::{PlacementKind, TrialOutcome};
use rust_decimal::{Decimal, RoundingStrategy};
use rust_decimal_macros::dec;
use uuid::Uuid;

use super::params::Params;

pub const HOURS_PER_ARSVAERK: Decimal =
    Decimal::from_parts(crate::units::HOURS_PER_ARSVAERK as u32, 0, 0, false, 0);
/// R4: a contract above this value (DKK, in øre) and longer than six months needs a clause.
pub const CLAUSE_VALUE_THRESHOLD_ORE: i64 = 5_000_000 * 100;

pub const SRC_R1: &str =
    "LBF regulativ (in force 1 June 2021): at least 14 % of those employed are persons in training";
pub const SRC_R2: &str = "LBF's conversion (2022; Bygherreforeningen): 6 trainee årsværk per 100 mio. DKK incl. VAT, 1 årsværk = 1924 hours";
pub const SRC_R3: &str = "Tracker rule: delivered trainee hours follow the target pro rata over the construction period (tolerance configurable)";
pub const SRC_R4: &str = "Udbudsloven § 176, stk. 2: contracts over 5 mio. DKK lasting over 6 months carry a training clause";
pub const SRC_R5: &str =
    "LBF Lærlingeindberetning: yearly report, due 29 September of the following year";
pub const SRC_R6: &str = "Tracker rule: each active contract reports a month's hours by the 10th of the next month (configurable)";
pub const SRC_R7: &str = "Byg til Vækst (seed, Tema 03): the følgegruppe meets about every second month (61 days, configurable)";
pub const SRC_R8: &str = "Byg til Vækst (seed, Tema 03): every snusepraktik participant gets an outcome and a next plan (14 days, configurable)";
pub const SRC_R9: &str = "Tracker rule: one person cannot be credited more than 1924/12 hours a month plus the overtime allowance";

// ---- facts (inputs) ----

#[derive(Clone, Debug)]
pub struct ContractFacts {
    pub id: Uuid,
    pub contractor_id: Uuid,
    pub contractor_name: String,
    pub trade: String,
    pub value_ore: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub clause_centihours: Option<i64>,
    pub clause_share_bp: Option<i32>,
    pub exempt: bool,
}

#[derive(Clone, Debug)]
pub struct PlacementFacts {
    pub id: Uuid,
    pub person_id: Uuid,
    pub contract_id: Uuid,
    pub kind: PlacementKind,
}

#[derive(Clone, Debug)]
pub struct ReportFacts {
    pub contract_id: Uuid,
    /// First day of the month.
    pub month: NaiveDate,
    pub total_centihours: i64,
    pub reported_on: NaiveDate,
    /// (placement id, hundredths of an hour)
    pub lines: Vec<(Uuid, i64)>,
}

/// Hours a person on this grant was credited on another grant's placement (for R9).
#[derive(Clone, Debug)]
pub struct ExternalHours {
    pub person_id: Uuid,
    pub month: NaiveDate,
    pub centihours: i64,
}

#[derive(Clone, Debug)]
pub struct TrialFacts {
    pub id: Uuid,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub outcome: Option<TrialOutcome>,
    pub has_next_plan: bool,
}

#[derive(Clone, Debug)]
pub struct MeetingFacts {
    pub id: Uuid,
    pub date: NaiveDate,
    pub has_minutes: bool,
}

#[derive(Clone, Debug)]
pub struct GrantFacts {
    pub id: Uuid,
    pub case_number: String,
    pub craftsman_cost_ore: Option<i64>,
    pub construction_start: Option<NaiveDate>,
    pub planned_handover: Option<NaiveDate>,
    pub actual_handover: Option<NaiveDate>,
    pub params: Params,
    pub contracts: Vec<ContractFacts>,
    pub placements: Vec<PlacementFacts>,
    pub reports: Vec<ReportFacts>,
    pub external_hours: Vec<ExternalHours>,
    pub trials: Vec<TrialFacts>,
    /// The grant's (active) følgegruppe, if one is set up.
    pub follow_up_group_id: Option<Uuid>,
    pub meetings: Vec<MeetingFacts>,
    /// Yearly LBF reports submitted: (year, date submitted), first version of each year.
    pub lbf_submissions: Vec<(i32, NaiveDate)>,
}

// ---- report (outputs) ----

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, async_graphql::Enum)]
pub enum Severity {
    Info,
    Warning,
    Breach,
}

/// The rules of the domain brief: R1 trainee share, R2 target, R3 on track, R4 clause present,
/// R5 yearly LBF report, R6 hours reported, R7 følgegruppe cadence, R8 snusepraktik follow-up,
/// R9 double counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, async_graphql::Enum)]
#[graphql(name = "ComplianceRule")]
pub enum Rule {
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    R8,
    R9,
}

/// What a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, async_graphql::Enum)]
#[graphql(name = "FindingSubject")]
pub enum SubjectKind {
    Grant,
    Contract,
    Contractor,
    Placement,
    TrialPlacement,
    FollowUpGroup,
    Meeting,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub subject_kind: SubjectKind,
    pub subject_id: Uuid,
    pub message: String,
    pub measured: Option<Decimal>,
    pub threshold: Option<Decimal>,
    pub source: &'static str,
}

/// A grant's roll-up: NOT_STARTED (site not established), COMPLIANT, AT_RISK (a warning or a
/// projected miss), BREACH, COMPLETED (handed over; final figures).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, async_graphql::Enum)]
#[graphql(name = "ComplianceStatus")]
pub enum Status {
    NotStarted,
    Compliant,
    AtRisk,
    Breach,
    Completed,
}

/// Hours tallied exactly, in hundredths of an hour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub labour: i64,
    pub apprentice: i64,
    pub other_training: i64,
    pub not_counted: i64,
}

impl Tally {
    pub fn trainee(&self) -> i64 {
        self.apprentice + self.other_training
    }

    pub fn add(&mut self, other: &Tally) {
        self.labour += other.labour;
        self.apprentice += other.apprentice;
        self.other_training += other.other_training;
        self.not_counted += other.not_counted;
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Metrics {
    pub labour_hours: Decimal,
    pub trainee_hours: Decimal,
    pub apprentice_hours: Decimal,
    pub other_training_hours: Decimal,
    /// Trainee hours / labour hours, exact; None without labour hours.
    pub share: Option<Decimal>,
    pub required_share: Decimal,
    /// Trainee hours the required share asks for with the other hours worked: g·J/(1−g), with
    /// J = labour − trainee hours (rounded up to hundredths).
    pub needed_trainee_hours: Decimal,
    /// Trainee hours still needed to reach the required share: max(0, g·J/(1−g) − T).
    pub shortfall_hours: Decimal,
    pub delivered_arsvaerk: Decimal,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ContractorMetrics {
    pub contractor_id: Uuid,
    pub contractor_name: String,
    /// Its hours on the grant in exact hundredths, for sums across grants.
    pub tally: Tally,
    pub metrics: Metrics,
    /// Sum of the hours its contracts' clauses require.
    pub clause_required_hours: Decimal,
    /// Its clause hours pro rata to the end of the last complete month (None without clause hours).
    pub expected_by_now_hours: Option<Decimal>,
    /// Its share at its last contract's end at the last three months' run rate.
    pub projected_share: Option<Decimal>,
    /// Trainee hours its contracts' clauses still ask for: for a share clause the shortfall
    /// against that share, for an hours clause what is missing to the pro-rata line (to the
    /// clause's hours once the contract has ended). None when none of its contracts has a clause.
    pub clause_shortfall_hours: Option<Decimal>,
    /// Behind on a clause: one of its contracts has an R1 finding. What a contractor owes is its
    /// contract's clause; the grant's 14 % is the bygherre's rule, not the contractor's.
    pub behind_clause: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Funnel {
    pub started: u32,
    pub completed: u32,
    pub open_without_outcome: u32,
    pub outcomes: BTreeMap<&'static str, u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub grant_id: Uuid,
    pub as_of: NaiveDate,
    pub status: Status,
    pub params: Params,
    pub metrics: Metrics,
    /// R2: required trainee årsværk and hours (None without a craftsman cost).
    pub target_arsvaerk: Option<Decimal>,
    pub target_hours: Option<Decimal>,
    /// R3: the target pro rata to the elapsed construction period.
    pub expected_by_now_hours: Option<Decimal>,
    /// Share and trainee hours at planned handover at the last three months' run rate.
    pub projected_share: Option<Decimal>,
    pub projected_trainee_hours: Option<Decimal>,
    pub contractors: Vec<ContractorMetrics>,
    pub funnel: Funnel,
    pub findings: Vec<Finding>,
}

// ---- helpers ----

pub fn hours(centi: i64) -> Decimal {
    Decimal::new(centi, 2)
}

/// Hours -> årsværk to two decimals (always shown with both, e.g. 0.00), rounded half away from
/// zero (commercial rounding, as figures on a form are rounded): the figure to report. The exact
/// quotient is [`arsvaerk_exact`].
pub fn arsvaerk(hours: Decimal) -> Decimal {
    let mut a = (hours / HOURS_PER_ARSVAERK)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    a.rescale(2);
    a
}

/// Hours / 1924 to six decimals: the exact årsværk behind the rounded figure.
pub fn arsvaerk_exact(hours: Decimal) -> Decimal {
    let mut a = (hours / HOURS_PER_ARSVAERK)
        .round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero);
    a.rescale(6);
    a
}

pub fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("day 1 exists")
}

fn next_month(m: NaiveDate) -> NaiveDate {
    m + Months::new(1)
}

fn pct(v: Decimal) -> String {
    format!("{} %", (v * dec!(100)).round_dp(1).normalize())
}

fn fmt_h(v: Decimal) -> String {
    v.round_dp(2).normalize().to_string()
}

/// Hours needed to reach share `g` with `non_trainee` other hours, rounded up to hundredths.
pub fn needed_trainee_hours(g: Decimal, non_trainee: Decimal) -> Decimal {
    if g >= Decimal::ONE {
        return non_trainee;
    }
    (g * non_trainee / (Decimal::ONE - g)).round_dp_with_strategy(2, RoundingStrategy::AwayFromZero)
}

/// max(0, g·J/(1−g) − T), J = L − T.
pub fn shortfall(g: Decimal, labour: Decimal, trainee: Decimal) -> Decimal {
    (needed_trainee_hours(g, labour - trainee) - trainee).max(Decimal::ZERO)
}

/// R2: 6 årsværk per 100 mio. DKK (configurable), times 1924 hours.
pub fn target(craftsman_cost_ore: i64, per_100m: Decimal) -> (Decimal, Decimal) {
    let arsvaerk = hours(craftsman_cost_ore) / dec!(100_000_000) * per_100m;
    (arsvaerk, arsvaerk * HOURS_PER_ARSVAERK)
}

pub fn metrics(t: &Tally, required_share: Decimal) -> Metrics {
    let labour = hours(t.labour);
    let trainee = hours(t.trainee());
    Metrics {
        labour_hours: labour,
        trainee_hours: trainee,
        apprentice_hours: hours(t.apprentice),
        other_training_hours: hours(t.other_training),
        share: (t.labour > 0).then(|| trainee / labour),
        required_share,
        needed_trainee_hours: needed_trainee_hours(required_share, labour - trainee),
        shortfall_hours: shortfall(required_share, labour, trainee),
        delivered_arsvaerk: arsvaerk(trainee),
    }
}

/// The months counted: from the site's establishment to handover (or `as_of`), by report month.
pub struct Window {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Window {
    pub fn of(g: &GrantFacts, as_of: NaiveDate) -> Option<Self> {
        let start = g.construction_start.filter(|s| *s <= as_of)?;
        let end = match g.actual_handover {
            Some(h) if h <= as_of => h,
            _ => as_of,
        };
        Some(Self {
            first: month_of(start),
            last: month_of(end),
        })
    }

    pub fn contains(&self, month: NaiveDate) -> bool {
        self.first <= month && month <= self.last
    }
}

/// Tallies one report: total labour hours, and its lines split by placement kind.
pub fn tally_report(r: &ReportFacts, kinds: &HashMap<Uuid, PlacementKind>) -> Tally {
    let mut t = Tally {
        labour: r.total_centihours,
        ..Default::default()
    };
    for (placement, centi) in &r.lines {
        match kinds.get(placement) {
            Some(k) if k.is_apprentice() => t.apprentice += centi,
            Some(k) if k.counts_as_training() => t.other_training += centi,
            _ => t.not_counted += centi,
        }
    }
    t
}

// ---- the evaluation ----

pub fn evaluate(g: &GrantFacts, as_of: NaiveDate) -> Report {
    let p = &g.params;
    let kinds: HashMap<Uuid, PlacementKind> =
        g.placements.iter().map(|pl| (pl.id, pl.kind)).collect();
    let window = Window::of(g, as_of);
    let handed_over = g.actual_handover.is_some_and(|h| h <= as_of);
    let mut findings = Vec::new();

    // Tally hours in the window: grant, per contract, per month.
    let mut total = Tally::default();
    let mut per_contract: HashMap<Uuid, Tally> = HashMap::new();
    let mut per_month: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    let contractor_of: HashMap<Uuid, Uuid> = g
        .contracts
        .iter()
        .map(|c| (c.id, c.contractor_id))
        .collect();
    let mut contractor_months: HashMap<Uuid, BTreeMap<NaiveDate, Tally>> = HashMap::new();
    if let Some(w) = &window {
        for r in g.reports.iter().filter(|r| w.contains(r.month)) {
            let t = tally_report(r, &kinds);
            total.add(&t);
            per_contract.entry(r.contract_id).or_default().add(&t);
            per_month.entry(r.month).or_default().add(&t);
            if let Some(c) = contractor_of.get(&r.contract_id) {
                contractor_months
                    .entry(*c)
                    .or_default()
                    .entry(r.month)
                    .or_default()
                    .add(&t);
            }
        }
    }
    // Hours are reported monthly in arrears, so "by now" means by the end of the last complete
    // month; measuring against today would flag every site early in each month.
    let reference = month_of(as_of).pred_opt().expect("valid date");
    let grant_metrics = metrics(&total, p.min_share);
    let final_or_interim = if handed_over {
        Severity::Breach
    } else {
        Severity::Warning
    };

    // R1 for the grant.
    if let Some(share) = grant_metrics.share
        && share < p.min_share
    {
        findings.push(Finding {
            rule: Rule::R1,
            severity: final_or_interim,
            subject_kind: SubjectKind::Grant,
            subject_id: g.id,
            message: format!(
                "Grant {}: {} trainee hours, {} required; {} hours short",
                g.case_number,
                pct(share),
                pct(p.min_share),
                fmt_h(grant_metrics.shortfall_hours)
            ),
            measured: Some(share.round_dp(4)),
            threshold: Some(p.min_share),
            source: SRC_R1,
        });
    }

    // R1 per contractor, and clause requirements per contract.
    struct Acc {
        name: String,
        tally: Tally,
        clause: i64,
        expected: Option<Decimal>,
        last_end: NaiveDate,
    }
    let mut by_contractor: BTreeMap<Uuid, Acc> = BTreeMap::new();
    for c in &g.contracts {
        let e = by_contractor.entry(c.contractor_id).or_insert_with(|| Acc {
            name: c.contractor_name.clone(),
            tally: Tally::default(),
            clause: 0,
            expected: None,
            last_end: c.end,
        });
        if let Some(t) = per_contract.get(&c.id) {
            e.tally.add(t);
        }
        e.last_end = e.last_end.max(c.end);
        if let Some(req) = c.clause_centihours {
            e.clause += req;
            let span = (c.end - c.start).num_days().max(1);
            let elapsed = (reference.min(c.end) - c.start).num_days().clamp(0, span);
            let part = hours(req) * Decimal::from(elapsed) / Decimal::from(span);
            e.expected = Some(e.expected.unwrap_or_default() + part);
        }
    }
    let mut contractors = Vec::new();
    for (id, acc) in by_contractor {
        let Acc {
            name,
            tally,
            clause,
            expected,
            last_end,
        } = acc;
        // Its figures against the grant's share; no finding of its own against it (see
        // `behind_clause`).
        let m = metrics(&tally, p.min_share);
        let projected_share = match (&window, handed_over) {
            (Some(_), false) => contractor_months
                .get(&id)
                .and_then(|months| project(months, &tally, last_end))
                .and_then(|p| p.0),
            _ => None,
        };
        contractors.push(ContractorMetrics {
            contractor_id: id,
            contractor_name: name,
            tally,
            metrics: m,
            clause_required_hours: hours(clause),
            expected_by_now_hours: expected.map(|e| e.round_dp(2)),
            projected_share,
            clause_shortfall_hours: None,
            behind_clause: false,
        });
    }
    // Per contract: what its clause still asks for, and whether it is behind (an R1 finding).
    let mut owed: HashMap<Uuid, (Decimal, bool)> = HashMap::new();
    for c in &g.contracts {
        let t = per_contract.get(&c.id).copied().unwrap_or_default();
        let ended = c.end <= as_of;
        if let Some(bp) = c.clause_share_bp {
            let required = Decimal::new(bp.into(), 4);
            let m = metrics(&t, required);
            let behind = m.share.is_some_and(|share| share < required);
            let e = owed.entry(c.contractor_id).or_default();
            e.0 += m.shortfall_hours;
            e.1 |= behind;
            if let Some(share) = m.share
                && behind
            {
                findings.push(Finding {
                    rule: Rule::R1,
                    severity: if ended { Severity::Breach } else { Severity::Warning },
                    subject_kind: SubjectKind::Contract,
                    subject_id: c.id,
                    message: format!(
                        "Contract {} ({}): {} trainee hours, the clause requires {}; {} hours short",
                        c.trade,
                        c.contractor_name,
                        pct(share),
                        pct(required),
                        fmt_h(m.shortfall_hours)
                    ),
                    measured: Some(share.round_dp(4)),
                    threshold: Some(required),
                    source: SRC_R1,
                });
            }
        }
        if let Some(req) = c.clause_centihours {
            let delivered = t.trainee();
            let span = (c.end - c.start).num_days().max(1);
            let elapsed = (reference.min(c.end) - c.start).num_days().clamp(0, span);
            let expected = hours(req) * Decimal::from(elapsed) / Decimal::from(span);
            let (behind, severity) = if ended {
                (delivered < req, Severity::Breach)
            } else {
                (
                    hours(delivered) < expected * (Decimal::ONE - p.on_track_tolerance),
                    Severity::Warning,
                )
            };
            let line = if ended {
                hours(req)
            } else {
                expected.round_dp(2)
            };
            let e = owed.entry(c.contractor_id).or_default();
            e.0 += (line - hours(delivered)).max(Decimal::ZERO);
            e.1 |= behind;
            if behind {
                findings.push(Finding {
                    rule: Rule::R1,
                    severity,
                    subject_kind: SubjectKind::Contract,
                    subject_id: c.id,
                    message: format!(
                        "Contract {} ({}): {} trainee hours delivered, {} expected by now of {} required by the clause",
                        c.trade,
                        c.contractor_name,
                        fmt_h(hours(delivered)),
                        fmt_h(if ended { hours(req) } else { expected }),
                        fmt_h(hours(req))
                    ),
                    measured: Some(hours(delivered)),
                    threshold: Some(if ended { hours(req) } else { expected.round_dp(2) }),
                    source: SRC_R1,
                });
            }
        }
    }

    for c in &mut contractors {
        if let Some((short, behind)) = owed.get(&c.contractor_id) {
            c.clause_shortfall_hours = Some(short.round_dp(2));
            c.behind_clause = *behind;
        }
    }

    // R2 target and R3 on track / projection.
    let (target_arsvaerk, target_hours) = match g.craftsman_cost_ore {
        Some(cost) => {
            let (a, h) = target(cost, p.target_per_100m);
            (Some(a.round_dp(2)), Some(h.round_dp(2)))
        }
        None => (None, None),
    };
    if window.is_some() && target_hours.is_none() {
        findings.push(Finding {
            rule: Rule::R2,
            severity: Severity::Warning,
            subject_kind: SubjectKind::Grant,
            subject_id: g.id,
            message: format!(
                "Grant {}: construction has started but no craftsman cost at Skema B is recorded, so the trainee target cannot be set",
                g.case_number
            ),
            measured: None,
            threshold: None,
            source: SRC_R2,
        });
    }
    if let Some(th) = target_hours
        && handed_over
        && grant_metrics.trainee_hours < th
    {
        findings.push(Finding {
            rule: Rule::R2,
            severity: Severity::Breach,
            subject_kind: SubjectKind::Grant,
            subject_id: g.id,
            message: format!(
                "Grant {}: {} trainee årsværk delivered, {} required ({} hours short)",
                g.case_number,
                grant_metrics.delivered_arsvaerk.normalize(),
                target_arsvaerk.unwrap_or_default().normalize(),
                fmt_h(th - grant_metrics.trainee_hours)
            ),
            measured: Some(grant_metrics.trainee_hours),
            threshold: Some(th),
            source: SRC_R2,
        });
    }
    let planned_end = g.actual_handover.or(g.planned_handover);
    let mut expected_by_now = None;
    let mut projected_share = None;
    let mut projected_trainee = None;
    if let (Some(start), Some(end), Some(_)) = (g.construction_start, planned_end, &window) {
        let span = (end - start).num_days().max(1);
        let elapsed = (reference.min(end) - start).num_days().clamp(0, span);
        let fraction = Decimal::from(elapsed) / Decimal::from(span);
        if let Some(th) = target_hours {
            let expected = (th * fraction).round_dp(2);
            expected_by_now = Some(expected);
            let floor = expected * (Decimal::ONE - p.on_track_tolerance);
            if !handed_over && grant_metrics.trainee_hours < floor {
                findings.push(Finding {
                    rule: Rule::R3,
                    severity: Severity::Warning,
                    subject_kind: SubjectKind::Grant,
                    subject_id: g.id,
                    message: format!(
                        "Grant {}: {} trainee hours delivered, {} expected by now ({} of the period); {} hours behind",
                        g.case_number,
                        fmt_h(grant_metrics.trainee_hours),
                        fmt_h(expected),
                        pct(fraction),
                        fmt_h(expected - grant_metrics.trainee_hours)
                    ),
                    measured: Some(grant_metrics.trainee_hours),
                    threshold: Some(floor.round_dp(2)),
                    source: SRC_R3,
                });
            }
        }
        // Run rate of the last three reported months, carried to the planned end.
        if !handed_over && let Some((share, pt, months)) = project(&per_month, &total, end) {
            projected_trainee = Some(pt);
            projected_share = share;
            let misses_share = projected_share.is_some_and(|s| s < p.min_share);
            let misses_target = target_hours.is_some_and(|th| pt < th);
            if misses_share || misses_target {
                findings.push(Finding {
                    rule: Rule::R3,
                    severity: Severity::Warning,
                    subject_kind: SubjectKind::Grant,
                    subject_id: g.id,
                    message: format!(
                        "Grant {}: at the last {} months' rate the site ends at {} trainee share and {} trainee hours{}",
                        g.case_number,
                        months,
                        projected_share.map(pct).unwrap_or_else(|| "no".into()),
                        fmt_h(pt),
                        target_hours.map(|th| format!(" against a target of {}", fmt_h(th))).unwrap_or_default()
                    ),
                    measured: projected_share,
                    threshold: Some(p.min_share),
                    source: SRC_R3,
                });
            }
        }
    }

    // R4 clause present.
    for c in &g.contracts {
        let long = c.end > c.start + Months::new(6);
        let has_clause = c.clause_centihours.is_some() || c.clause_share_bp.is_some();
        if c.value_ore > CLAUSE_VALUE_THRESHOLD_ORE && long && !has_clause && !c.exempt {
            findings.push(Finding {
                rule: Rule::R4,
                severity: Severity::Breach,
                subject_kind: SubjectKind::Contract,
                subject_id: c.id,
                message: format!(
                    "Contract {} ({}): worth {} DKK over {} days but carries no training clause and no recorded exemption",
                    c.trade,
                    c.contractor_name,
                    hours(c.value_ore).normalize(),
                    (c.end - c.start).num_days()
                ),
                measured: Some(hours(c.value_ore)),
                threshold: Some(hours(CLAUSE_VALUE_THRESHOLD_ORE)),
                source: SRC_R4,
            });
        }
    }

    // R5 yearly LBF reports.
    if let Some(w) = &window {
        for year in w.first.year()..=w.last.year() {
            let due = NaiveDate::from_ymd_opt(year + 1, p.lbf_report_due.0, p.lbf_report_due.1)
                .expect("valid due date");
            let submitted = g
                .lbf_submissions
                .iter()
                .filter(|(y, _)| *y == year)
                .map(|(_, d)| *d)
                .min();
            let (severity, message) = match submitted {
                None if as_of > due => (
                    Severity::Breach,
                    format!(
                        "Grant {}: the LBF report for {year} was due {due} and is missing",
                        g.case_number
                    ),
                ),
                Some(d) if d > due => (
                    Severity::Warning,
                    format!(
                        "Grant {}: the LBF report for {year} was submitted {d}, after the deadline {due}",
                        g.case_number
                    ),
                ),
                None => (
                    Severity::Info,
                    format!(
                        "Grant {}: the LBF report for {year} is due {due}",
                        g.case_number
                    ),
                ),
                Some(_) => continue,
            };
            findings.push(Finding {
                rule: Rule::R5,
                severity,
                subject_kind: SubjectKind::Grant,
                subject_id: g.id,
                message,
                measured: None,
                threshold: None,
                source: SRC_R5,
            });
        }
    }

    // R6 monthly hours reported on time.
    if let Some(w) = &window {
        let reported: HashMap<(Uuid, NaiveDate), NaiveDate> = g
            .reports
            .iter()
            .map(|r| ((r.contract_id, r.month), r.reported_on))
            .collect();
        for c in &g.contracts {
            let mut m = month_of(c.start).max(w.first);
            let last = month_of(c.end).min(w.last);
            let (mut missing, mut late) = (Vec::new(), Vec::new());
            while m <= last {
                let due = next_month(m) + Days::new(u64::from(p.hours_report_due_day) - 1);
                if as_of > due {
                    match reported.get(&(c.id, m)) {
                        None => missing.push(m),
                        Some(d) if *d > due => late.push(m),
                        _ => {}
                    }
                }
                m = next_month(m);
            }
            let months = |v: &[NaiveDate]| {
                v.iter()
                    .map(|m| m.format("%Y-%m").to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if !missing.is_empty() {
                findings.push(Finding {
                    rule: Rule::R6,
                    severity: Severity::Warning,
                    subject_kind: SubjectKind::Contract,
                    subject_id: c.id,
                    message: format!(
                        "Contract {} ({}): {} month(s) without an hours report: {}",
                        c.trade,
                        c.contractor_name,
                        missing.len(),
                        months(&missing)
                    ),
                    measured: Some(Decimal::from(missing.len() as i64)),
                    threshold: Some(Decimal::ZERO),
                    source: SRC_R6,
                });
            }
            if !late.is_empty() {
                findings.push(Finding {
                    rule: Rule::R6,
                    severity: Severity::Info,
                    subject_kind: SubjectKind::Contract,
                    subject_id: c.id,
                    message: format!(
                        "Contract {} ({}): {} month(s) reported after the {}th of the next month: {}",
                        c.trade,
                        c.contractor_name,
                        late.len(),
                        p.hours_report_due_day,
                        months(&late)
                    ),
                    measured: Some(Decimal::from(late.len() as i64)),
                    threshold: Some(Decimal::ZERO),
                    source: SRC_R6,
                });
            }
        }
    }

    // R7 følgegruppe cadence, during construction.
    if let (Some(start), Some(_), false) = (g.construction_start, &window, handed_over) {
        let mut dates: Vec<NaiveDate> = g
            .meetings
            .iter()
            .map(|m| m.date)
            .filter(|d| *d <= as_of)
            .collect();
        dates.sort();
        let since = dates.last().copied().unwrap_or(start).max(start);
        let gap = (as_of - since).num_days();
        if gap > p.max_meeting_interval_days {
            let message = if g.follow_up_group_id.is_none() {
                format!(
                    "Grant {}: no følgegruppe is set up, {gap} days into construction",
                    g.case_number
                )
            } else if dates.is_empty() {
                format!(
                    "Grant {}: the følgegruppe has not met in the {gap} days since construction started",
                    g.case_number
                )
            } else {
                format!(
                    "Grant {}: the følgegruppe last met {since}, {gap} days ago",
                    g.case_number
                )
            };
            findings.push(Finding {
                rule: Rule::R7,
                severity: Severity::Warning,
                subject_kind: if g.follow_up_group_id.is_some() {
                    SubjectKind::FollowUpGroup
                } else {
                    SubjectKind::Grant
                },
                subject_id: g.follow_up_group_id.unwrap_or(g.id),
                message,
                measured: Some(Decimal::from(gap)),
                threshold: Some(Decimal::from(p.max_meeting_interval_days)),
                source: SRC_R7,
            });
        }
        for m in g
            .meetings
            .iter()
            .filter(|m| m.date < as_of && !m.has_minutes)
        {
            findings.push(Finding {
                rule: Rule::R7,
                severity: Severity::Info,
                subject_kind: SubjectKind::Meeting,
                subject_id: m.id,
                message: format!("Meeting of {} has no minutes recorded", m.date),
                measured: None,
                threshold: None,
                source: SRC_R7,
            });
        }
    }

    // R8 snusepraktik follow-up, and the funnel.
    let mut funnel = Funnel::default();
    for t in g.trials.iter().filter(|t| t.start <= as_of) {
        funnel.started += 1;
        if t.end <= as_of {
            funnel.completed += 1;
        }
        match t.outcome {
            Some(o) => *funnel.outcomes.entry(outcome_name(o)).or_default() += 1,
            None => funnel.open_without_outcome += 1,
        }
        let due = t.end + Days::new(t_days(p.trial_outcome_due_days));
        if as_of > due && (t.outcome.is_none() || !t.has_next_plan) {
            let what = if t.outcome.is_none() {
                "no outcome"
            } else {
                "an outcome but no next plan"
            };
            findings.push(Finding {
                rule: Rule::R8,
                severity: Severity::Warning,
                subject_kind: SubjectKind::TrialPlacement,
                subject_id: t.id,
                message: format!(
                    "Snusepraktik {} to {} has {what}, {} days after it ended (due within {})",
                    t.start,
                    t.end,
                    (as_of - t.end).num_days(),
                    p.trial_outcome_due_days
                ),
                measured: Some(Decimal::from((as_of - t.end).num_days())),
                threshold: Some(Decimal::from(p.trial_outcome_due_days)),
                source: SRC_R8,
            });
        }
    }

    // R9 double counting: one person's hours in a month across all placements, here and elsewhere.
    let person_of: HashMap<Uuid, Uuid> = g
        .placements
        .iter()
        .map(|pl| (pl.id, pl.person_id))
        .collect();
    // (hours on this grant, hours on other grants, this grant's placements), per person and month.
    let mut person_month: BTreeMap<(Uuid, NaiveDate), (i64, i64, Vec<Uuid>)> = BTreeMap::new();
    for r in g
        .reports
        .iter()
        .filter(|r| month_of(r.month) <= month_of(as_of))
    {
        for (pl, centi) in &r.lines {
            if let Some(person) = person_of.get(pl) {
                let e = person_month.entry((*person, r.month)).or_default();
                e.0 += centi;
                if !e.2.contains(pl) {
                    e.2.push(*pl);
                }
            }
        }
    }
    for x in &g.external_hours {
        if let Some(e) = person_month.get_mut(&(x.person_id, x.month)) {
            e.1 += x.centihours;
        }
    }
    let cap_centi = p.person_month_cap_centihours();
    let cap = hours(cap_centi);
    for ((_, month), (here, elsewhere, placements)) in person_month {
        let h = hours(here + elsewhere);
        if here + elsewhere > cap_centi {
            // Hours on other sites are named only as a number: which site or organisation is
            // not this grant's business.
            let other_sites = if elsewhere > 0 {
                format!(" and {} hours on other sites", fmt_h(hours(elsewhere)))
            } else {
                String::new()
            };
            for pl in placements {
                findings.push(Finding {
                    rule: Rule::R9,
                    severity: Severity::Breach,
                    subject_kind: SubjectKind::Placement,
                    subject_id: pl,
                    message: format!(
                        "The trainee on this placement is credited {} hours on this site{other_sites} in {}, {} in all; one person can work at most {}",
                        fmt_h(hours(here)),
                        month.format("%Y-%m"),
                        fmt_h(h),
                        fmt_h(cap)
                    ),
                    measured: Some(h),
                    threshold: Some(cap),
                    source: SRC_R9,
                });
            }
        }
    }

    let worst = findings.iter().map(|f| f.severity).max();
    let status = if window.is_none() {
        Status::NotStarted
    } else if handed_over {
        Status::Completed
    } else {
        match worst {
            Some(Severity::Breach) => Status::Breach,
            Some(Severity::Warning) => Status::AtRisk,
            _ => Status::Compliant,
        }
    };
    Report {
        grant_id: g.id,
        as_of,
        status,
        params: p.clone(),
        metrics: grant_metrics,
        target_arsvaerk,
        target_hours,
        expected_by_now_hours: expected_by_now,
        projected_share,
        projected_trainee_hours: projected_trainee,
        contractors,
        funnel,
        findings,
    }
}

/// Carries the last three reported months' run rate from the last reported month to `end`:
/// (projected share, projected trainee hours, months the rate is taken over).
pub fn project(
    per_month: &BTreeMap<NaiveDate, Tally>,
    current: &Tally,
    end: NaiveDate,
) -> Option<(Option<Decimal>, Decimal, usize)> {
    let recent: Vec<&Tally> = per_month.values().rev().take(3).collect();
    let last = *per_month.keys().next_back()?;
    let n = Decimal::from(recent.len() as i64);
    let rate_t = hours(recent.iter().map(|t| t.trainee()).sum()) / n;
    let rate_l = hours(recent.iter().map(|t| t.labour).sum()) / n;
    let mut remaining = 0i64;
    let mut m = next_month(last);
    while m <= month_of(end) {
        remaining += 1;
        m = next_month(m);
    }
    let pt = hours(current.trainee()) + rate_t * Decimal::from(remaining);
    let pl = hours(current.labour) + rate_l * Decimal::from(remaining);
    Some((
        (pl > Decimal::ZERO).then(|| (pt / pl).round_dp(4)),
        pt.round_dp(2),
        recent.len(),
    ))
}

fn t_days(d: i64) -> u64 {
    d.max(0) as u64
}

pub fn outcome_name(o: TrialOutcome) -> &'static str {
    match o {
        TrialOutcome::OrdinaryJob => "ORDINARY_JOB",
        TrialOutcome::Apprenticeship => "APPRENTICESHIP",
        TrialOutcome::Education => "EDUCATION",
        TrialOutcome::JobElsewhere => "JOB_ELSEWHERE",
        TrialOutcome::BackToJobcenter => "BACK_TO_JOBCENTER",
        TrialOutcome::DroppedOut => "DROPPED_OUT",
    }
}

/// One month of a time series.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthPoint {
    pub month: NaiveDate,
    pub labour_hours: Decimal,
    pub trainee_hours: Decimal,
    pub monthly_share: Option<Decimal>,
    pub cumulative_labour_hours: Decimal,
    pub cumulative_trainee_hours: Decimal,
    pub cumulative_share: Option<Decimal>,
    /// R3's target line: cumulative trainee hours expected by the month's end.
    pub target_cumulative_trainee_hours: Option<Decimal>,
    pub required_share: Decimal,
}

/// Monthly series over the counting window, optionally for one contractor's contracts only.
/// Months without reports appear with zero hours so charts have no holes.
pub fn time_series(g: &GrantFacts, as_of: NaiveDate, contractor: Option<Uuid>) -> Vec<MonthPoint> {
    let Some(w) = Window::of(g, as_of) else {
        return Vec::new();
    };
    let kinds: HashMap<Uuid, PlacementKind> =
        g.placements.iter().map(|pl| (pl.id, pl.kind)).collect();
    let contracts: Vec<Uuid> = g
        .contracts
        .iter()
        .filter(|c| contractor.is_none_or(|id| c.contractor_id == id))
        .map(|c| c.id)
        .collect();
    let mut per_month: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    for r in g
        .reports
        .iter()
        .filter(|r| w.contains(r.month) && contracts.contains(&r.contract_id))
    {
        per_month
            .entry(r.month)
            .or_default()
            .add(&tally_report(r, &kinds));
    }
    let target = g
        .craftsman_cost_ore
        .filter(|_| contractor.is_none())
        .map(|c| target(c, g.params.target_per_100m).1);
    let (start, end) = (
        g.construction_start.expect("window implies a start"),
        g.actual_handover.or(g.planned_handover),
    );
    let mut out = Vec::new();
    let mut cum = Tally::default();
    let mut m = w.first;
    while m <= w.last {
        let t = per_month.get(&m).copied().unwrap_or_default();
        cum.add(&t);
        let month_end = next_month(m).pred_opt().expect("valid");
        let target_line = match (target, end) {
            (Some(th), Some(end)) => {
                let span = (end - start).num_days().max(1);
                let elapsed = (month_end.min(end) - start).num_days().clamp(0, span);
                Some((th * Decimal::from(elapsed) / Decimal::from(span)).round_dp(2))
            }
            _ => None,
        };
        out.push(MonthPoint {
            month: m,
            labour_hours: hours(t.labour),
            trainee_hours: hours(t.trainee()),
            monthly_share: (t.labour > 0)
                .then(|| (hours(t.trainee()) / hours(t.labour)).round_dp(4)),
            cumulative_labour_hours: hours(cum.labour),
            cumulative_trainee_hours: hours(cum.trainee()),
            cumulative_share: (cum.labour > 0)
                .then(|| (hours(cum.trainee()) / hours(cum.labour)).round_dp(4)),
            target_cumulative_trainee_hours: target_line,
            required_share: g.params.min_share,
        });
        m = next_month(m);
    }
    out
}

/// The figures of the yearly LBF report (Lærlingeindberetning) for one calendar year.
#[derive(Clone, Debug, PartialEq)]
pub struct YearFigures {
    pub year: i32,
    pub apprentice_hours: Decimal,
    pub other_training_hours: Decimal,
    pub apprentice_arsvaerk: Decimal,
    pub other_training_arsvaerk: Decimal,
    pub craftsman_cost: Option<Decimal>,
    pub construction_start: Option<NaiveDate>,
    /// The actual handover, or while there is none the planned one ([`Self::handover_planned`]).
    pub handover: Option<NaiveDate>,
    pub handover_planned: bool,
    /// Final when the site was handed over in (or before) this year; interim otherwise.
    pub is_final: bool,
}

pub fn year_figures(g: &GrantFacts, year: i32) -> YearFigures {
    let kinds: HashMap<Uuid, PlacementKind> =
        g.placements.iter().map(|pl| (pl.id, pl.kind)).collect();
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid");
    let mut t = Tally::default();
    if let Some(w) = Window::of(g, year_end) {
        for r in g
            .reports
            .iter()
            .filter(|r| w.contains(r.month) && r.month.year() == year)
        {
            t.add(&tally_report(r, &kinds));
        }
    }
    let (handover, handover_planned) = match (g.actual_handover, g.planned_handover) {
        (Some(actual), _) => (Some(actual), false),
        (None, planned) => (planned, planned.is_some()),
    };
    YearFigures {
        year,
        apprentice_hours: hours(t.apprentice),
        other_training_hours: hours(t.other_training),
        apprentice_arsvaerk: arsvaerk(hours(t.apprentice)),
        other_training_arsvaerk: arsvaerk(hours(t.other_training)),
        craftsman_cost: g.craftsman_cost_ore.map(hours),
        construction_start: g.construction_start,
        handover,
        handover_planned,
        is_final: g.actual_handover.is_some_and(|h| h.year() <= year),
    }
}
