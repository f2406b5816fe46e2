//! The contracts page's query and mutations: a grant's contracts with their clauses and company
//! documentation, the contractors to choose from; a new contract with its clause or exemption,
//! a change to a contract (all of its fields at once, as the edit form shows them) or its
//! archiving, and a period of company documentation.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema;

/// The kind of a contract (ContractKind), every value of the schema's enum.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContractKind {
    Main,
    Sub,
    Trade,
    Turnkey,
}

impl ContractKind {
    /// In the order the form offers them.
    pub const ALL: [ContractKind; 4] = [Self::Main, Self::Trade, Self::Turnkey, Self::Sub];

    /// The schema's name of the value (the form's option values).
    pub fn code(self) -> &'static str {
        match self {
            Self::Main => "MAIN",
            Self::Sub => "SUB",
            Self::Trade => "TRADE",
            Self::Turnkey => "TURNKEY",
        }
    }

    /// The value a form field names, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(cynic::QueryVariables)]
pub struct ContractsVars {
    pub g: Uuid,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query", variables = "ContractsVars")]
pub struct ContractsPage {
    #[arguments(id: $g)]
    pub grant: Grant,
    #[arguments(first: 200)]
    pub contractors: ContractorConnection,
}

#[derive(cynic::QueryFragment)]
pub struct Grant {
    pub id: Uuid,
    pub case_number: String,
    pub title: String,
    pub contracts: Vec<Contract>,
}

#[derive(cynic::QueryFragment)]
pub struct Contract {
    pub id: Uuid,
    pub kind: ContractKind,
    pub trade: String,
    pub value: Decimal,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub contractor: ContractorName,
    pub parent_contract: Option<Saved>,
    pub training_clause: Option<super::grant::TrainingClause>,
    pub clause_exemption: Option<Exemption>,
    pub company_documentation: Vec<Documentation>,
    /// The to-do grid's row: the running month and the five before it.
    #[arguments(months: 6)]
    pub reporting_months: Vec<super::ReportingMonth>,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "ClauseExemption")]
pub struct Exemption {
    pub reason: String,
    pub approved_by: String,
    pub date: Option<NaiveDate>,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "CompanyDocumentation")]
pub struct Documentation {
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub documented_share_percent: Decimal,
    pub document: String,
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(cynic::QueryFragment)]
pub struct ContractorConnection {
    pub nodes: Vec<ContractorName>,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Contractor")]
pub struct ContractorName {
    pub id: Uuid,
    pub name: String,
}

#[derive(cynic::InputObject, Default)]
pub struct TrainingClauseInput {
    pub required_trainee_hours: Option<Decimal>,
    pub required_trainee_weeks: Option<Decimal>,
    pub required_share_percent: Option<Decimal>,
    pub skilled_workers_per_trainee: Option<i32>,
    pub apprentice_part_percent: Option<Decimal>,
    pub company_documentation_threshold_percent: Option<Decimal>,
}

#[derive(cynic::InputObject)]
pub struct ClauseExemptionInput {
    pub reason: String,
    pub approved_by: String,
    pub date: NaiveDate,
}

#[derive(cynic::InputObject)]
pub struct CreateContractInput {
    pub grant_id: Uuid,
    pub contractor_id: Uuid,
    pub kind: ContractKind,
    pub parent_contract_id: Option<Uuid>,
    pub trade: String,
    pub value: Decimal,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub training_clause: Option<TrainingClauseInput>,
    pub clause_exemption: Option<ClauseExemptionInput>,
}

#[derive(cynic::QueryVariables)]
pub struct CreateContractVars {
    pub i: CreateContractInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "CreateContractVars")]
pub struct CreateContract {
    #[arguments(input: $i)]
    pub create_contract: Saved,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Contract")]
pub struct Saved {
    pub id: Uuid,
}

/// A contract as the edit form sends it: every field, so a clause or exemption left empty is
/// cleared (null) and one filled in replaces what was there.
#[derive(cynic::InputObject)]
pub struct UpdateContractInput {
    pub contractor_id: Uuid,
    pub kind: ContractKind,
    pub parent_contract_id: Option<Uuid>,
    pub trade: String,
    pub value: Decimal,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub training_clause: Option<TrainingClauseInput>,
    pub clause_exemption: Option<ClauseExemptionInput>,
}

impl From<CreateContractInput> for UpdateContractInput {
    fn from(c: CreateContractInput) -> Self {
        Self {
            contractor_id: c.contractor_id,
            kind: c.kind,
            parent_contract_id: c.parent_contract_id,
            trade: c.trade,
            value: c.value,
            start_date: c.start_date,
            end_date: c.end_date,
            training_clause: c.training_clause,
            clause_exemption: c.clause_exemption,
        }
    }
}

#[derive(cynic::QueryVariables)]
pub struct UpdateContractVars {
    pub id: Uuid,
    pub i: UpdateContractInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "UpdateContractVars")]
pub struct UpdateContract {
    #[arguments(id: $id, input: $i)]
    pub update_contract: Saved,
}

#[derive(cynic::QueryVariables)]
pub struct ContractIdVars {
    pub id: Uuid,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "ContractIdVars")]
pub struct ArchiveContract {
    #[arguments(id: $id)]
    pub archive_contract: Saved,
}

#[derive(cynic::InputObject)]
pub struct RecordCompanyDocumentationInput {
    pub contract_id: Uuid,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub documented_share_percent: Decimal,
    pub document: String,
    pub recorded_by: String,
}

#[derive(cynic::QueryVariables)]
pub struct DocumentationVars {
    pub i: RecordCompanyDocumentationInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "DocumentationVars")]
pub struct RecordDocumentation {
    #[arguments(input: $i)]
    pub record_company_documentation: SavedDocumentation,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "CompanyDocumentation")]
pub struct SavedDocumentation {
    pub id: Uuid,
}
