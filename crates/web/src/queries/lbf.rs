//! The yearly LBF report page: the report with its lines and versions, the year to show by
//! default, and the submit and correct mutations.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::schema;

#[derive(cynic::QueryVariables)]
pub struct ReportVars {
    pub g: Uuid,
    pub y: i32,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query", variables = "ReportVars")]
pub struct Report {
    #[arguments(grantId: $g, year: $y)]
    pub lbf_year_report: LbfYearReport,
}

#[derive(cynic::QueryFragment)]
pub struct LbfYearReport {
    pub grant: Grant,
    pub submitted: bool,
    pub lines: Vec<LbfReportLine>,
    pub versions: Vec<LbfReportVersion>,
}

#[derive(cynic::QueryFragment)]
pub struct Grant {
    pub case_number: String,
    pub title: String,
    pub estate: Estate,
}

#[derive(cynic::QueryFragment)]
pub struct Estate {
    pub organisation: Organisation,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "HousingOrganisation")]
pub struct Organisation {
    pub id: Uuid,
}

#[derive(cynic::QueryFragment)]
pub struct LbfReportLine {
    pub key: String,
    pub label: String,
    pub value: String,
}

#[derive(cynic::QueryFragment)]
pub struct LbfReportVersion {
    pub version: i32,
    pub submitted_at: DateTime<Utc>,
    pub submitted_by: String,
    pub correction_reason: Option<String>,
}

#[derive(cynic::QueryVariables)]
pub struct GrantVars {
    pub g: Uuid,
}

/// The year whose report is to be sent next.
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query", variables = "GrantVars")]
pub struct NextYear {
    #[arguments(grantId: $g)]
    pub compliance: NextYearCompliance,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "GrantCompliance")]
pub struct NextYearCompliance {
    pub deadlines: NextYearDeadlines,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "GrantDeadlines")]
pub struct NextYearDeadlines {
    pub lbf_report_year: Option<i32>,
}

#[derive(cynic::InputObject)]
pub struct SubmitLbfReportInput {
    pub grant_id: Uuid,
    pub year: i32,
    pub submitted_by: String,
}

#[derive(cynic::InputObject)]
pub struct CorrectLbfReportInput {
    pub grant_id: Uuid,
    pub year: i32,
    pub submitted_by: String,
    pub reason: String,
}

#[derive(cynic::QueryVariables)]
pub struct SubmitVars {
    pub i: SubmitLbfReportInput,
}

#[derive(cynic::QueryVariables)]
pub struct CorrectVars {
    pub i: CorrectLbfReportInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "SubmitVars")]
pub struct Submit {
    #[arguments(input: $i)]
    pub submit_lbf_report: Version,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "CorrectVars")]
pub struct Correct {
    #[arguments(input: $i)]
    pub correct_lbf_report: Version,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "LbfReportVersion")]
pub struct Version {
    pub id: Uuid,
    pub version: i32,
}
