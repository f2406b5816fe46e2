//! The parts an evaluation's answer ([`super::Report`], built in [`super::evaluate`]) is made of:
//! the grant's figures, each contractor's, the snusepraktik funnel, the status and the findings
//! (each with a stable code, its numbers as typed fields and its message in Danish and English).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::{ThreeMonthStatus, TrialOutcome};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::i18n::Text;

/// How serious a finding is (information / advarsel / brud på krav).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Severity {
    Info,
    Warning,
    Breach,
}

/// The rules of the domain brief: R1 trainee share, R2 target, R3 on track, R4 clause present,
/// R5 yearly LBF report, R6 hours reported, R7 følgegruppe cadence, R8 snusepraktik follow-up,
/// R9 double counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "ComplianceRule"))]
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
    R10,
    R11,
}

/// The kind of a finding, stable for programs: dashboards filter and count on it instead of
/// parsing messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum FindingCode {
    /// R1: the grant's trainee share is below its minimum share.
    #[cfg_attr(feature = "graphql", graphql(name = "R1_GRANT_SHARE"))]
    R1GrantShare,
    /// R1: a contract with a share clause is below the clause's share.
    #[cfg_attr(feature = "graphql", graphql(name = "R1_CLAUSE_SHARE"))]
    R1ClauseShare,
    /// R1: a contract with an hours clause is behind its pro-rata line (or, once ended, short of
    /// the clause's hours).
    #[cfg_attr(feature = "graphql", graphql(name = "R1_CLAUSE_HOURS"))]
    R1ClauseHours,
    /// R1: a contract with a ratio clause (one person in training per N skilled workers) has
    /// fewer trainee hours than its other hours / N.
    #[cfg_attr(feature = "graphql", graphql(name = "R1_CLAUSE_RATIO"))]
    R1ClauseRatio,
    /// R1: fewer of a contract's trainee hours are apprentices' than its clause's apprentice part.
    #[cfg_attr(feature = "graphql", graphql(name = "R1_CLAUSE_APPRENTICE_PART"))]
    R1ClauseApprenticePart,
    /// R1 (information): a contract's clause has lapsed for some months on the contractor's
    /// documented company-wide trainee share; those months are not judged.
    #[cfg_attr(feature = "graphql", graphql(name = "R1_CLAUSE_LAPSED"))]
    R1ClauseLapsed,
    /// R2: construction has started without a craftsman cost, so there is no target.
    #[cfg_attr(feature = "graphql", graphql(name = "R2_NO_CRAFTSMAN_COST"))]
    R2NoCraftsmanCost,
    /// R2: handed over short of the target.
    #[cfg_attr(feature = "graphql", graphql(name = "R2_TARGET_MISSED"))]
    R2TargetMissed,
    /// R3: delivered trainee hours below the pro-rata target line (less the tolerance).
    #[cfg_attr(feature = "graphql", graphql(name = "R3_BEHIND"))]
    R3Behind,
    /// R3: at the recent run rate the site misses its share or target at handover.
    #[cfg_attr(feature = "graphql", graphql(name = "R3_PROJECTED_MISS"))]
    R3ProjectedMiss,
    /// R4: a contract that needs a training clause has neither a clause nor an exemption.
    #[cfg_attr(feature = "graphql", graphql(name = "R4_CLAUSE_MISSING"))]
    R4ClauseMissing,
    /// R5: a year's LBF report is due (not yet late).
    #[cfg_attr(feature = "graphql", graphql(name = "R5_DUE"))]
    R5Due,
    /// R5: a year's LBF report is past its deadline and not submitted.
    #[cfg_attr(feature = "graphql", graphql(name = "R5_MISSING"))]
    R5Missing,
    /// R5: a year's LBF report was submitted after its deadline.
    #[cfg_attr(feature = "graphql", graphql(name = "R5_LATE"))]
    R5Late,
    /// R6: months without an hours report past their deadline.
    #[cfg_attr(feature = "graphql", graphql(name = "R6_MISSING"))]
    R6Missing,
    /// R6: months reported after their deadline.
    #[cfg_attr(feature = "graphql", graphql(name = "R6_LATE"))]
    R6Late,
    /// R6: a month was returned and not submitted again by its deadline (the later of the
    /// month's own deadline and the resubmission days after the return).
    #[cfg_attr(feature = "graphql", graphql(name = "R6_RETURNED"))]
    R6Returned,
    /// R6: a month ready for acceptance has waited for the bygherre longer than allowed.
    #[cfg_attr(feature = "graphql", graphql(name = "R6_AWAITING_ACCEPTANCE"))]
    R6AwaitingAcceptance,
    /// R7: no følgegruppe is set up during construction.
    #[cfg_attr(feature = "graphql", graphql(name = "R7_NO_GROUP"))]
    R7NoGroup,
    /// R7: a gap between meetings (or from site start, or to the as-of date) longer than allowed.
    #[cfg_attr(feature = "graphql", graphql(name = "R7_GAP"))]
    R7Gap,
    /// R7: a past meeting without minutes.
    #[cfg_attr(feature = "graphql", graphql(name = "R7_NO_MINUTES"))]
    R7NoMinutes,
    /// R8: an ended snusepraktik without an outcome past the follow-up deadline.
    #[cfg_attr(feature = "graphql", graphql(name = "R8_NO_OUTCOME"))]
    R8NoOutcome,
    /// R8: an ended snusepraktik with an outcome but no next plan past the deadline.
    #[cfg_attr(feature = "graphql", graphql(name = "R8_NO_NEXT_PLAN"))]
    R8NoNextPlan,
    /// R9: one person credited more hours in a month than one person can work.
    #[cfg_attr(feature = "graphql", graphql(name = "R9_OVER_MONTH_CAP"))]
    R9OverMonthCap,
    /// R10: a snusepraktik ended more than three months (and the grace days) ago and nobody has
    /// recorded where the participant is.
    #[cfg_attr(feature = "graphql", graphql(name = "R10_NO_STATUS"))]
    R10NoStatus,
    /// R11: the share of residents among the snusepraktik participants is below the grant's
    /// target.
    #[cfg_attr(feature = "graphql", graphql(name = "R11_TRIAL_RESIDENTS"))]
    R11TrialResidents,
    /// R11: the share of residents among the persons in training is below the grant's target.
    #[cfg_attr(feature = "graphql", graphql(name = "R11_TRAINEE_RESIDENTS"))]
    R11TraineeResidents,
}

/// What a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "FindingSubject"))]
pub enum SubjectKind {
    Grant,
    Contract,
    Contractor,
    Placement,
    TrialPlacement,
    FollowUpGroup,
    Meeting,
    /// A person in training (R9).
    Person,
}

/// The unit of a finding's `measured` and `threshold`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "FindingUnit"))]
pub enum Unit {
    /// A share as a fraction of 1 (0.14 = 14 %).
    ShareFraction,
    Hours,
    Arsvaerk,
    Days,
    Dkk,
    Count,
}

/// The form of a contract's training clause (uddannelsesklausul).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum ClauseKind {
    /// Trainee hours at least a share of the contract's labour hours (andel).
    Share,
    /// A number of trainee hours (or elevuger of 37 hours) over the contract, pro rata while it
    /// runs (timer / elevuger).
    Hours,
    /// One person in training per N skilled workers, in hours (forholdstal).
    Ratio,
    /// A part of the trainee hours that must be apprentices' (lærlingeandel), on a share or
    /// ratio clause.
    ApprenticePart,
}

/// The clause a finding judges a contract on, as the contract states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClauseSpec {
    pub kind: ClauseKind,
    /// SHARE: the share required, as a fraction of 1.
    pub required_share: Option<Decimal>,
    /// HOURS: the trainee hours required over the whole contract.
    pub required_hours: Option<Decimal>,
    /// HOURS counted in elevuger: the weeks the clause states (37 hours each).
    pub required_weeks: Option<Decimal>,
    /// RATIO: one person in training per this many skilled workers.
    pub skilled_per_trainee: Option<i32>,
    /// APPRENTICE_PART: the part of the trainee hours that must be apprentices', as a fraction.
    pub apprentice_part: Option<Decimal>,
}

impl ClauseSpec {
    pub fn new(kind: ClauseKind) -> Self {
        Self {
            kind,
            required_share: None,
            required_hours: None,
            required_weeks: None,
            skilled_per_trainee: None,
            apprentice_part: None,
        }
    }
}

/// A span of days a rule measured over: [from, to], `elapsed_days` of `period_days`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub elapsed_days: i64,
    pub period_days: i64,
}

/// One placement's hours in a person's month (R9).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Credit {
    pub placement_id: Uuid,
    pub contract_id: Uuid,
    pub centihours: i64,
}

/// A finding's numbers as typed values; each rule fills the ones it measured.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Detail {
    /// Trainee hours the rule asks for (R1: g·J/(1−g); R3: the pro-rata line; R1 hours clause).
    pub needed_hours: Option<Decimal>,
    pub delivered_hours: Option<Decimal>,
    /// What is missing: needed − delivered, never below 0.
    pub shortfall_hours: Option<Decimal>,
    /// R3's window, or an hours clause's.
    pub window: Option<Span>,
    /// R1 on a contract: the clause it is judged on.
    pub clause: Option<ClauseSpec>,
    /// R7: the gap's first and last day and its length.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub days: Option<i64>,
    /// R5, R6, R8: the deadline concerned.
    pub due: Option<NaiveDate>,
    /// R5: the year; R6 and R9: the months concerned.
    pub year: Option<i32>,
    pub months: Vec<NaiveDate>,
    /// R9: the person, every placement of theirs credited that month with its hours, and the
    /// total on other sites (never named).
    pub person_id: Option<Uuid>,
    pub credits: Vec<Credit>,
    pub other_sites_hours: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    pub rule: Rule,
    pub code: FindingCode,
    pub severity: Severity,
    pub subject_kind: SubjectKind,
    pub subject_id: Uuid,
    pub message: Text,
    pub unit: Option<Unit>,
    pub measured: Option<Decimal>,
    pub threshold: Option<Decimal>,
    pub detail: Detail,
    /// Not stored: it follows from `rule` ([`super::Report::from_stored`] fills it in).
    #[serde(skip)]
    pub source: &'static str,
}

/// A grant's roll-up: NOT_STARTED (site not established), COMPLIANT, AT_RISK (a warning or a
/// projected miss), BREACH, COMPLETED (handed over; final figures).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "ComplianceStatus"))]
pub enum Status {
    NotStarted,
    Compliant,
    AtRisk,
    Breach,
    Completed,
}

/// Hours tallied exactly, in hundredths of an hour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// Hours and the share, exact. Shares here are fractions of 1.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
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

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ContractorMetrics {
    pub contractor_id: Uuid,
    pub contractor_name: String,
    /// Its hours on the grant in exact hundredths, for sums across grants.
    pub tally: Tally,
    pub metrics: Metrics,
    /// Sum of the hours its contracts' clauses require.
    pub clause_required_hours: Decimal,
    /// Its clause hours pro rata over R3's window (None without clause hours).
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

/// An outcome's name as the funnel counts it (the GraphQL enum's value).
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

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Funnel {
    pub started: u32,
    pub completed: u32,
    pub open_without_outcome: u32,
    #[serde(deserialize_with = "stored::outcomes")]
    pub outcomes: BTreeMap<&'static str, u32>,
    /// R10: the participants whose three months have passed (at the as-of date).
    pub three_months_passed: u32,
    /// R10: their statuses at three months, recorded by the as-of date.
    pub three_month: BTreeMap<ThreeMonthStatus, u32>,
    /// R10: of those, self-supporting (in work, in education or otherwise off benefits).
    pub self_supporting_at_three_months: u32,
    /// R10: three months passed and no status recorded yet.
    pub three_month_without_status: u32,
}

/// R11: how many of a group (snusepraktik participants, persons in training) live in the estate
/// or the designated area, and the grant's target share if it set one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResidentShare {
    pub people: u32,
    pub residents: u32,
    /// Target share as a fraction of 1.
    pub target: Option<Decimal>,
}

impl ResidentShare {
    /// residents / people, exact (None with nobody).
    pub fn share(&self) -> Option<Decimal> {
        (self.people > 0).then(|| Decimal::from(self.residents) / Decimal::from(self.people))
    }

    /// Below a target that is set (never with nobody to count).
    pub fn below_target(&self) -> bool {
        matches!((self.share(), self.target), (Some(s), Some(t)) if s < t)
    }
}

/// Reading an evaluation back (one stored by the service): the texts the engine keeps as
/// `&'static str` are matched against the engine's own, and anything else is refused, so a
/// stored evaluation from another version of the rules is recomputed rather than trusted.
mod stored {
    use std::collections::BTreeMap;

    use domain::TrialOutcome;
    use serde::de::Error;
    use serde::{Deserialize, Deserializer};

    use super::outcome_name;

    pub fn outcomes<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<&'static str, u32>, D::Error> {
        let known = [
            TrialOutcome::OrdinaryJob,
            TrialOutcome::Apprenticeship,
            TrialOutcome::Education,
            TrialOutcome::JobElsewhere,
            TrialOutcome::BackToJobcenter,
            TrialOutcome::DroppedOut,
        ]
        .map(outcome_name);
        BTreeMap::<String, u32>::deserialize(d)?
            .into_iter()
            .map(|(k, n)| {
                known
                    .iter()
                    .find(|o| **o == k)
                    .map(|o| (*o, n))
                    .ok_or_else(|| D::Error::custom("not an outcome of this version"))
            })
            .collect()
    }
}
