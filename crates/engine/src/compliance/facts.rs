//! The facts the engine judges: one grant with its contracts, placements, hours reports,
//! snusepraktik placements, følgegruppe meetings and LBF submissions, as plain data. The service
//! layer loads them (as recorded at a point in time, see `service::compliance::load_facts`).

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::{HoursStatus, PlacementKind, ThreeMonthStatus, TrialOutcome};
use uuid::Uuid;

use super::params::Params;

/// Entreprise: a contract on the grant, with its training clause if any. A clause states one or
/// more of: a share of the contract's labour hours, a number of hours (or elevuger), one person
/// in training per N skilled workers; a share or ratio clause may ask that a part of the trainee
/// hours be apprentices, and any clause may lapse on company documentation.
#[derive(Clone, Debug, Default)]
pub struct ContractFacts {
    pub id: Uuid,
    pub contractor_id: Uuid,
    pub contractor_name: String,
    pub trade: String,
    pub value_ore: i64,
    pub start: NaiveDate,
    /// Last day of the contract (inclusive).
    pub end: NaiveDate,
    pub clause_centihours: Option<i64>,
    pub clause_share_bp: Option<i32>,
    /// Elevuger in hundredths of a week (37 hours each).
    pub clause_centiweeks: Option<i64>,
    /// RATIO: one person in training per this many skilled workers.
    pub clause_skilled_per_trainee: Option<i32>,
    /// Apprentice part of a SHARE or RATIO clause, in basis points.
    pub clause_apprentice_part_bp: Option<i32>,
    /// Company documentation lapses the clause at or above this company share (basis points).
    pub clause_company_threshold_bp: Option<i32>,
    /// Periods the contractor documented its company-wide trainee share for.
    pub documentation: Vec<DocumentationFacts>,
    pub exempt: bool,
    /// A subcontract whose months need the main contractor's approval before the bygherre's.
    pub approval: bool,
}

impl ContractFacts {
    /// Whether the contract carries a training clause of any form.
    pub fn has_clause(&self) -> bool {
        self.clause_centihours.is_some()
            || self.clause_centiweeks.is_some()
            || self.clause_share_bp.is_some()
            || self.clause_skilled_per_trainee.is_some()
    }

    /// The hours an hours clause asks for, in hundredths: its hours, or its elevuger x 37.
    pub fn clause_hours_centi(&self) -> Option<i64> {
        self.clause_centihours.or_else(|| {
            self.clause_centiweeks
                .map(crate::units::centiweeks_to_centihours)
        })
    }
}

/// One period a contractor documented its whole company's trainee share for (Aarhus's model).
#[derive(Clone, Debug)]
pub struct DocumentationFacts {
    pub id: Uuid,
    /// First and last day (both counted).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub share_bp: i32,
    pub document: String,
}

/// A trainee placement (lære- or praktikplads) on one contract.
#[derive(Clone, Debug)]
pub struct PlacementFacts {
    pub id: Uuid,
    pub person_id: Uuid,
    pub contract_id: Uuid,
    pub kind: PlacementKind,
    /// The person lives in the estate or the designated area (R11).
    pub resident: bool,
}

/// One contract's hours report for one month, as known at the evaluation's `knownAt`.
#[derive(Clone, Debug)]
pub struct ReportFacts {
    pub contract_id: Uuid,
    /// First day of the month.
    pub month: NaiveDate,
    pub total_centihours: i64,
    /// The (declared) filing date, for R6.
    pub reported_on: NaiveDate,
    /// (placement id, hundredths of an hour): every line, or, where `by_kind` is given, only the
    /// lines R9 needs (those of persons whose month is over the smallest cap in play).
    pub lines: Vec<(Uuid, i64)>,
    /// The lines' sums by kind, precomputed (`hours_month`); None: sum `lines`.
    pub by_kind: Option<KindSums>,
    /// The status of the version these figures are (submitted, approved or accepted).
    pub status: HoursStatus,
}

/// Where a contract's month stands in the workflow as known at `knownAt`: its latest version's
/// last step, drafts left out (a draft changes nothing that counts). R6 judges returned months
/// and months waiting for the bygherre from these.
#[derive(Clone, Debug)]
pub struct MonthStatusFacts {
    pub contract_id: Uuid,
    /// First day of the month.
    pub month: NaiveDate,
    pub version: i32,
    pub status: HoursStatus,
    /// The Danish date of the step that gave it this status.
    pub since: NaiveDate,
}

/// A report's trainee hours split the way the engine counts them (hundredths of an hour).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindSums {
    pub apprentice: i64,
    pub other_training: i64,
    pub not_counted: i64,
}

impl KindSums {
    /// Adds one line on a placement of `kind` (None: not a placement of the report's grant,
    /// which does not count).
    pub fn add(&mut self, kind: Option<PlacementKind>, centihours: i64) {
        match kind {
            Some(k) if k.is_apprentice() => self.apprentice += centihours,
            Some(k) if k.counts_as_training() => self.other_training += centihours,
            _ => self.not_counted += centihours,
        }
    }
}

/// Hours a person on this grant was credited on another grant's placement (for R9). Which grant
/// is not kept: another organisation's site is never named.
#[derive(Clone, Debug)]
pub struct ExternalHours {
    pub person_id: Uuid,
    pub month: NaiveDate,
    pub centihours: i64,
}

/// Snusepraktik.
#[derive(Clone, Debug)]
pub struct TrialFacts {
    pub id: Uuid,
    pub person_id: Uuid,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub outcome: Option<TrialOutcome>,
    pub has_next_plan: bool,
    /// Where the participant was three months after the end (R10), and when that was found out.
    pub three_month: Option<(ThreeMonthStatus, NaiveDate)>,
    /// The participant lives in the estate or the designated area (R11).
    pub resident: bool,
}

/// A følgegruppe meeting.
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
    /// Names of the persons on the placements, for R9's finding (shown only to callers who may
    /// see persons).
    pub person_names: HashMap<Uuid, String>,
    pub reports: Vec<ReportFacts>,
    /// The workflow's open months (returned, or waiting for approval or acceptance).
    pub hours_states: Vec<MonthStatusFacts>,
    pub external_hours: Vec<ExternalHours>,
    pub trials: Vec<TrialFacts>,
    /// The grant's (active) følgegruppe, if one is set up.
    pub follow_up_group_id: Option<Uuid>,
    pub meetings: Vec<MeetingFacts>,
    /// Yearly LBF reports submitted: (year, date submitted), first version of each year.
    pub lbf_submissions: Vec<(i32, NaiveDate)>,
    /// R11: target shares of residents among snusepraktik participants and among persons in
    /// training, in basis points (None: the share is information only).
    pub resident_trial_target_bp: Option<i32>,
    pub resident_trainee_target_bp: Option<i32>,
}
