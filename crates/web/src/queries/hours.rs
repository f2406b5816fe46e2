//! The monthly hours form's query (the contract with its placements and reports) and its
//! mutation (reportMonthlyHours).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{YearMonth, schema};

#[derive(cynic::QueryVariables)]
pub struct ContractVars {
    pub c: Uuid,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query", variables = "ContractVars")]
pub struct HoursContract {
    #[arguments(id: $c)]
    pub contract: Contract,
}

#[derive(cynic::QueryFragment)]
pub struct Contract {
    pub id: Uuid,
    pub trade: String,
    pub grant: Grant,
    pub contractor: Contractor,
    pub placements: Vec<Placement>,
    pub hours_reports: Vec<HoursReport>,
}

#[derive(cynic::QueryFragment)]
pub struct Grant {
    pub case_number: String,
}

#[derive(cynic::QueryFragment)]
pub struct Contractor {
    pub name: String,
}

#[derive(cynic::QueryFragment)]
pub struct Placement {
    pub id: Uuid,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub archived_at: Option<DateTime<Utc>>,
    pub person: Person,
}

#[derive(cynic::QueryFragment)]
pub struct Person {
    pub display_name: String,
}

#[derive(cynic::QueryFragment)]
pub struct HoursReport {
    pub month: YearMonth,
    pub total_hours: Decimal,
    pub lines: Vec<HoursLine>,
    pub status: super::HoursStatus,
    pub version: i32,
}

#[derive(cynic::QueryFragment)]
pub struct HoursLine {
    pub hours: Decimal,
    pub placement: LinePlacement,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Placement")]
pub struct LinePlacement {
    pub id: Uuid,
}

#[derive(cynic::InputObject)]
pub struct TraineeHoursInput {
    pub placement_id: Uuid,
    pub hours: Decimal,
}

/// The report as the form sends it; it is never back-dated (`reportedAt` is the API's: now).
#[derive(cynic::InputObject)]
pub struct ReportMonthlyHoursInput {
    pub contract_id: Uuid,
    pub month: YearMonth,
    pub total_hours: Decimal,
    pub trainee_hours: Vec<TraineeHoursInput>,
    /// The declaration's version, when the person ticked it.
    pub declaration_version: Option<String>,
    pub reason: Option<String>,
}

#[derive(cynic::QueryVariables)]
pub struct ReportVars {
    pub i: ReportMonthlyHoursInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "ReportVars")]
pub struct Report {
    #[arguments(input: $i)]
    pub report_monthly_hours: Reported,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "HoursReport")]
pub struct Reported {
    pub id: Uuid,
}

/// Save as a draft (kladde).
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "ReportVars")]
pub struct SaveDraft {
    #[arguments(input: $i)]
    pub save_hours_draft: SavedVersion,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "HoursVersion")]
pub struct SavedVersion {
    pub id: Uuid,
}

#[derive(cynic::InputObject)]
pub struct NoActivityInput {
    pub contract_id: Uuid,
    pub month: YearMonth,
    pub declaration_version: String,
    pub reason: Option<String>,
}

#[derive(cynic::QueryVariables)]
pub struct NoActivityVars {
    pub i: NoActivityInput,
}

/// A month declared without activity (ingen aktivitet).
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "NoActivityVars")]
pub struct DeclareNoActivity {
    #[arguments(input: $i)]
    pub declare_no_activity: Reported,
}

#[derive(cynic::QueryVariables)]
pub struct MonthVars {
    pub c: Uuid,
    pub m: YearMonth,
}

/// A month in the workflow: its versions, steps, the difference and what the person may do.
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query", variables = "MonthVars")]
pub struct MonthQuery {
    #[arguments(contractId: $c, month: $m)]
    pub hours_month: HoursMonth,
}

#[derive(cynic::QueryFragment)]
pub struct HoursMonth {
    pub contract_id: Uuid,
    pub month: YearMonth,
    pub status: Option<super::HoursStatus>,
    pub approval_required: bool,
    pub trade: String,
    pub contractor_name: String,
    pub case_number: String,
    pub next_steps: Vec<HoursStepKind>,
    pub versions: Vec<HoursVersion>,
    pub steps: Vec<HoursStep>,
    pub diff: Option<HoursDiff>,
}

/// A step of the workflow, every value of the schema's enum.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoursStepKind {
    SaveDraft,
    Submit,
    Approve,
    Accept,
    Return,
}

#[derive(cynic::QueryFragment)]
pub struct HoursVersion {
    pub number: i32,
    pub status: super::HoursStatus,
    pub no_activity: bool,
    pub total_hours: Decimal,
    pub trainee_hours: Decimal,
    pub lines: Vec<HoursVersionLine>,
    pub reason: Option<String>,
    pub declaration_version: Option<String>,
    pub declared_by: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
}

#[derive(cynic::QueryFragment)]
pub struct HoursVersionLine {
    pub placement_id: Uuid,
    pub hours: Decimal,
    pub trainee_name: Option<String>,
}

#[derive(cynic::QueryFragment)]
pub struct HoursStep {
    pub version: i32,
    pub from: Option<super::HoursStatus>,
    pub to: super::HoursStatus,
    pub reason: Option<String>,
    pub actor: String,
    pub at: DateTime<Utc>,
}

#[derive(cynic::QueryFragment)]
pub struct HoursDiff {
    pub from_version: i32,
    pub to_version: i32,
    pub total_before: Decimal,
    pub total_after: Decimal,
    pub total_change: Decimal,
    pub lines: Vec<HoursLineDiff>,
}

#[derive(cynic::QueryFragment)]
pub struct HoursLineDiff {
    pub placement_id: Uuid,
    pub before: Decimal,
    pub after: Decimal,
    pub change: Decimal,
}

#[derive(cynic::InputObject)]
pub struct HoursStepInput {
    pub contract_id: Uuid,
    pub month: YearMonth,
    pub reason: Option<String>,
}

#[derive(cynic::QueryVariables)]
pub struct StepVars {
    pub i: HoursStepInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "StepVars")]
pub struct Approve {
    #[arguments(input: $i)]
    pub approve_hours_month: SavedVersion,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "StepVars")]
pub struct Accept {
    #[arguments(input: $i)]
    pub accept_hours_month: SavedVersion,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "StepVars")]
pub struct Return {
    #[arguments(input: $i)]
    pub return_hours_month: SavedVersion,
}
