//! The contractor ranking: contractors across the person's grants with their figures and the
//! grants where they are behind.

use rust_decimal::Decimal;
use uuid::Uuid;

// The same figures as the contractor's own page shows.
use super::contractor::Metrics;
use super::schema;

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query")]
pub struct Ranking {
    pub contractor_ranking: Vec<ContractorStanding>,
}

#[derive(cynic::QueryFragment)]
pub struct ContractorStanding {
    pub contractor_name: String,
    pub clause_shortfall_hours: Option<Decimal>,
    pub metrics: Metrics,
    pub grants: Vec<ContractorOnGrant>,
}

#[derive(cynic::QueryFragment)]
pub struct ContractorOnGrant {
    pub grant_id: Uuid,
    pub case_number: String,
    pub behind: bool,
}
