//! The facts the engine judges: one grant with its contracts, placements, hours reports,
//! snusepraktik placements, følgegruppe meetings and LBF submissions, as plain data. The service
//! layer loads them (as recorded at a point in time, see `service::compliance::load_facts`).

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::{PlacementKind, TrialOutcome};
use uuid::Uuid;

use super::params::Params;

/// Entreprise: a contract on the grant, with its training clause (hours or share) if any.
#[derive(Clone, Debug)]
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
    pub exempt: bool,
}

/// A trainee placement (lære- or praktikplads) on one contract.
#[derive(Clone, Debug)]
pub struct PlacementFacts {
    pub id: Uuid,
    pub person_id: Uuid,
    pub contract_id: Uuid,
    pub kind: PlacementKind,
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
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub outcome: Option<TrialOutcome>,
    pub has_next_plan: bool,
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
    pub external_hours: Vec<ExternalHours>,
    pub trials: Vec<TrialFacts>,
    /// The grant's (active) følgegruppe, if one is set up.
    pub follow_up_group_id: Option<Uuid>,
    pub meetings: Vec<MeetingFacts>,
    /// Yearly LBF reports submitted: (year, date submitted), first version of each year.
    pub lbf_submissions: Vec<(i32, NaiveDate)>,
}
