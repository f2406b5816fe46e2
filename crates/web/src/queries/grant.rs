//! The grant page's query: the grant's compliance as of today and its months.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{ComplianceStatus, Rule, Severity, YearMonth, schema};

#[derive(cynic::QueryVariables)]
pub struct GrantVars {
    pub g: Uuid,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query", variables = "GrantVars")]
pub struct GrantPage {
    #[arguments(grantId: $g)]
    pub compliance: GrantCompliance,
    #[arguments(grantId: $g)]
    pub compliance_time_series: Vec<CompliancePoint>,
}

#[derive(cynic::QueryFragment)]
pub struct GrantCompliance {
    pub grant: Grant,
    pub as_of: NaiveDate,
    pub status: ComplianceStatus,
    pub metrics: ShareMetrics,
    pub accepted: AcceptedHours,
    pub target_arsvaerk: Option<Decimal>,
    pub target_hours: Option<Decimal>,
    pub expected_by_now_hours: Option<Decimal>,
    pub delivered_in_window_hours: Option<Decimal>,
    pub projected_share_percent: Option<Decimal>,
    pub contractors: Vec<ContractorCompliance>,
    pub findings: Vec<Finding>,
    pub trial_residents: ResidentShare,
    pub trainee_residents: ResidentShare,
}

#[derive(cynic::QueryFragment)]
pub struct Grant {
    pub case_number: String,
    pub title: String,
    pub craftsman_cost: Option<Decimal>,
    pub construction_start: Option<NaiveDate>,
    pub planned_handover: Option<NaiveDate>,
    pub actual_handover: Option<NaiveDate>,
    pub contracts: Vec<Contract>,
}

/// R11: the grant's target shares of residents; a value left out clears its target.
#[derive(cynic::InputObject)]
#[cynic(graphql_type = "UpdateGrantInput")]
pub struct ResidentTargetsInput {
    pub resident_trial_target_percent: Option<Decimal>,
    pub resident_trainee_target_percent: Option<Decimal>,
}

#[derive(cynic::QueryVariables)]
pub struct ResidentTargetsVars {
    pub g: Uuid,
    pub i: ResidentTargetsInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "ResidentTargetsVars")]
pub struct SetResidentTargets {
    #[arguments(id: $g, input: $i)]
    pub update_grant: GrantId,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Grant")]
pub struct GrantId {
    pub id: Uuid,
}

/// R11: residents among a group of people on the grant, against an optional target.
#[derive(cynic::QueryFragment)]
pub struct ResidentShare {
    pub people: i32,
    pub residents: i32,
    pub share_percent: Option<Decimal>,
    pub target_percent: Option<Decimal>,
    pub below_target: bool,
}

/// A contract with the clause it is judged on.
#[derive(cynic::QueryFragment)]
pub struct Contract {
    pub trade: String,
    pub contractor: ContractorName,
    pub training_clause: Option<TrainingClause>,
    pub clause_exemption: Option<ClauseExemption>,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Contractor")]
pub struct ContractorName {
    pub name: String,
}

#[derive(cynic::QueryFragment)]
pub struct TrainingClause {
    pub required_trainee_hours: Option<Decimal>,
    pub required_trainee_weeks: Option<Decimal>,
    pub required_share_percent: Option<Decimal>,
    pub skilled_workers_per_trainee: Option<i32>,
    pub apprentice_part_percent: Option<Decimal>,
    pub company_documentation_threshold_percent: Option<Decimal>,
}

#[derive(cynic::QueryFragment)]
pub struct ClauseExemption {
    pub reason: String,
}

#[derive(cynic::QueryFragment)]
pub struct AcceptedHours {
    pub labour_hours: Decimal,
    pub labour_percent: Option<Decimal>,
}

#[derive(cynic::QueryFragment)]
pub struct ShareMetrics {
    pub labour_hours: Decimal,
    pub trainee_hours: Decimal,
    pub share_percent: Option<Decimal>,
    pub required_share_percent: Decimal,
    pub needed_trainee_hours: Decimal,
    pub shortfall_hours: Decimal,
}

#[derive(cynic::QueryFragment)]
pub struct ContractorCompliance {
    pub contractor_name: String,
    pub metrics: ContractorMetrics,
    pub clause_required_hours: Decimal,
    pub clause_shortfall_hours: Option<Decimal>,
    pub behind_clause: bool,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "ShareMetrics")]
pub struct ContractorMetrics {
    pub labour_hours: Decimal,
    pub trainee_hours: Decimal,
    pub share_percent: Option<Decimal>,
}

#[derive(cynic::QueryFragment)]
pub struct Finding {
    pub rule: Rule,
    pub code: FindingCode,
    pub severity: Severity,
    pub message: String,
}

/// A finding's code (FindingCode), every value of the schema's enum: a new code breaks the
/// build here until the page knows it.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingCode {
    #[cynic(rename = "R1_CLAUSE_HOURS")]
    R1ClauseHours,
    #[cynic(rename = "R1_CLAUSE_RATIO")]
    R1ClauseRatio,
    #[cynic(rename = "R1_CLAUSE_APPRENTICE_PART")]
    R1ClauseApprenticePart,
    #[cynic(rename = "R1_CLAUSE_LAPSED")]
    R1ClauseLapsed,
    #[cynic(rename = "R1_CLAUSE_SHARE")]
    R1ClauseShare,
    #[cynic(rename = "R1_GRANT_SHARE")]
    R1GrantShare,
    #[cynic(rename = "R2_NO_CRAFTSMAN_COST")]
    R2NoCraftsmanCost,
    #[cynic(rename = "R2_TARGET_MISSED")]
    R2TargetMissed,
    #[cynic(rename = "R3_BEHIND")]
    R3Behind,
    #[cynic(rename = "R3_PROJECTED_MISS")]
    R3ProjectedMiss,
    #[cynic(rename = "R4_CLAUSE_MISSING")]
    R4ClauseMissing,
    #[cynic(rename = "R5_DUE")]
    R5Due,
    #[cynic(rename = "R5_LATE")]
    R5Late,
    #[cynic(rename = "R5_MISSING")]
    R5Missing,
    #[cynic(rename = "R6_LATE")]
    R6Late,
    #[cynic(rename = "R6_MISSING")]
    R6Missing,
    #[cynic(rename = "R6_RETURNED")]
    R6Returned,
    #[cynic(rename = "R6_AWAITING_ACCEPTANCE")]
    R6AwaitingAcceptance,
    #[cynic(rename = "R7_GAP")]
    R7Gap,
    #[cynic(rename = "R7_NO_GROUP")]
    R7NoGroup,
    #[cynic(rename = "R7_NO_MINUTES")]
    R7NoMinutes,
    #[cynic(rename = "R8_NO_NEXT_PLAN")]
    R8NoNextPlan,
    #[cynic(rename = "R8_NO_OUTCOME")]
    R8NoOutcome,
    #[cynic(rename = "R9_OVER_MONTH_CAP")]
    R9OverMonthCap,
    #[cynic(rename = "R10_NO_STATUS")]
    R10NoStatus,
    #[cynic(rename = "R11_TRIAL_RESIDENTS")]
    R11TrialResidents,
    #[cynic(rename = "R11_TRAINEE_RESIDENTS")]
    R11TraineeResidents,
}

impl FindingCode {
    /// The code's name in the schema, which the page carries as a data attribute.
    pub fn name(self) -> &'static str {
        match self {
            Self::R1ClauseHours => "R1_CLAUSE_HOURS",
            Self::R1ClauseRatio => "R1_CLAUSE_RATIO",
            Self::R1ClauseApprenticePart => "R1_CLAUSE_APPRENTICE_PART",
            Self::R1ClauseLapsed => "R1_CLAUSE_LAPSED",
            Self::R1ClauseShare => "R1_CLAUSE_SHARE",
            Self::R1GrantShare => "R1_GRANT_SHARE",
            Self::R2NoCraftsmanCost => "R2_NO_CRAFTSMAN_COST",
            Self::R2TargetMissed => "R2_TARGET_MISSED",
            Self::R3Behind => "R3_BEHIND",
            Self::R3ProjectedMiss => "R3_PROJECTED_MISS",
            Self::R4ClauseMissing => "R4_CLAUSE_MISSING",
            Self::R5Due => "R5_DUE",
            Self::R5Late => "R5_LATE",
            Self::R5Missing => "R5_MISSING",
            Self::R6Late => "R6_LATE",
            Self::R6Missing => "R6_MISSING",
            Self::R6Returned => "R6_RETURNED",
            Self::R6AwaitingAcceptance => "R6_AWAITING_ACCEPTANCE",
            Self::R7Gap => "R7_GAP",
            Self::R7NoGroup => "R7_NO_GROUP",
            Self::R7NoMinutes => "R7_NO_MINUTES",
            Self::R8NoNextPlan => "R8_NO_NEXT_PLAN",
            Self::R8NoOutcome => "R8_NO_OUTCOME",
            Self::R9OverMonthCap => "R9_OVER_MONTH_CAP",
            Self::R10NoStatus => "R10_NO_STATUS",
            Self::R11TrialResidents => "R11_TRIAL_RESIDENTS",
            Self::R11TraineeResidents => "R11_TRAINEE_RESIDENTS",
        }
    }
}

#[derive(cynic::QueryFragment)]
pub struct CompliancePoint {
    pub month: YearMonth,
    pub cumulative_share_percent: Option<Decimal>,
    pub cumulative_trainee_hours: Decimal,
    pub target_cumulative_trainee_hours: Option<Decimal>,
    pub required_share_percent: Decimal,
}
