//! The contractor's start page: its contracts with their clauses, and its own figures per grant.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{ReportingMonth, schema};

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query")]
pub struct ContractorHome {
    #[arguments(first: 100)]
    pub contracts: ContractConnection,
    pub contractor_ranking: Vec<ContractorStanding>,
    /// Its subcontractors' months waiting for its approval.
    pub hours_awaiting_approval: Vec<PendingApproval>,
}

#[derive(cynic::QueryFragment)]
pub struct PendingApproval {
    pub contract_id: Uuid,
    pub month: super::YearMonth,
    pub version: i32,
    pub trade: String,
    pub contractor_name: String,
    pub case_number: String,
}

#[derive(cynic::QueryFragment)]
pub struct ContractConnection {
    pub page_info: PageInfo,
    pub nodes: Vec<Contract>,
}

#[derive(cynic::QueryFragment)]
pub struct PageInfo {
    pub has_next_page: bool,
}

#[derive(cynic::QueryFragment)]
pub struct Contract {
    pub id: Uuid,
    pub trade: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub grant: Grant,
    pub training_clause: Option<TrainingClause>,
    pub clause_exemption: Option<ClauseExemption>,
    /// The to-do grid's row: the running month and the five before it.
    #[arguments(months: 6)]
    pub reporting_months: Vec<ReportingMonth>,
}

#[derive(cynic::QueryFragment)]
pub struct Grant {
    pub case_number: String,
    pub title: String,
}

#[derive(cynic::QueryFragment)]
pub struct TrainingClause {
    pub required_trainee_hours: Option<Decimal>,
    pub required_share_percent: Option<Decimal>,
}

#[derive(cynic::QueryFragment)]
pub struct ClauseExemption {
    pub reason: String,
}

#[derive(cynic::QueryFragment)]
pub struct ContractorStanding {
    pub grants: Vec<ContractorOnGrant>,
}

#[derive(cynic::QueryFragment)]
pub struct ContractorOnGrant {
    pub grant_id: Uuid,
    pub case_number: String,
    pub behind: bool,
    pub clause_shortfall_hours: Option<Decimal>,
    pub metrics: Metrics,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "ShareMetrics")]
pub struct Metrics {
    pub labour_hours: Decimal,
    pub trainee_hours: Decimal,
    pub share_percent: Option<Decimal>,
}
