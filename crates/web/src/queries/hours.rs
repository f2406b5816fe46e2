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
