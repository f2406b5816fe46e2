//! The setup page's query and mutations: the estates and grants the person may see, the housing
//! organisations to register an estate under; a new estate, grant or contractor.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema;

/// The kind of a grant (GrantKind), every value of the schema's enum.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantKind {
    Renovation,
    NewBuild,
}

impl GrantKind {
    /// In the order the form offers them.
    pub const ALL: [GrantKind; 2] = [Self::Renovation, Self::NewBuild];

    /// The schema's name of the value (the form's option values).
    pub fn code(self) -> &'static str {
        match self {
            Self::Renovation => "RENOVATION",
            Self::NewBuild => "NEW_BUILD",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Where a grant is in LBF's Skema A-B-C process (GrantStage), every value of the schema's enum.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantStage {
    SkemaA,
    SkemaB,
    SkemaC,
}

impl GrantStage {
    pub const ALL: [GrantStage; 3] = [Self::SkemaA, Self::SkemaB, Self::SkemaC];

    pub fn code(self) -> &'static str {
        match self {
            Self::SkemaA => "SKEMA_A",
            Self::SkemaB => "SKEMA_B",
            Self::SkemaC => "SKEMA_C",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query")]
pub struct SetupPage {
    #[arguments(first: 100)]
    pub housing_organisations: OrganisationConnection,
    #[arguments(first: 200)]
    pub estates: EstateConnection,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "HousingOrganisationConnection")]
pub struct OrganisationConnection {
    pub nodes: Vec<Organisation>,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "HousingOrganisation")]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
}

#[derive(cynic::QueryFragment)]
pub struct EstateConnection {
    pub page_info: PageInfo,
    pub nodes: Vec<Estate>,
}

#[derive(cynic::QueryFragment)]
pub struct PageInfo {
    pub has_next_page: bool,
}

#[derive(cynic::QueryFragment)]
pub struct Estate {
    pub id: Uuid,
    pub name: String,
    pub municipality: String,
    pub organisation: Organisation,
    pub grants: Vec<Grant>,
}

#[derive(cynic::QueryFragment)]
pub struct Grant {
    pub id: Uuid,
    pub case_number: String,
    pub title: String,
    pub stage: GrantStage,
    pub commitment_year: i32,
}

#[derive(cynic::InputObject)]
pub struct CreateEstateInput {
    pub organisation_id: Uuid,
    pub name: String,
    pub municipality: String,
    pub address: Option<String>,
}

#[derive(cynic::QueryVariables)]
pub struct EstateVars {
    pub i: CreateEstateInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "EstateVars")]
pub struct CreateEstate {
    #[arguments(input: $i)]
    pub create_estate: Created,
}

#[derive(cynic::InputObject)]
pub struct CreateGrantInput {
    pub estate_id: Uuid,
    pub case_number: String,
    pub title: String,
    pub kind: GrantKind,
    pub stage: GrantStage,
    pub commitment_year: i32,
    pub craftsman_cost: Option<Decimal>,
    pub construction_start: Option<NaiveDate>,
    pub planned_handover: Option<NaiveDate>,
    pub main_contractor_approval: bool,
}

#[derive(cynic::QueryVariables)]
pub struct GrantVars {
    pub i: CreateGrantInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "GrantVars")]
pub struct CreateGrant {
    #[arguments(input: $i)]
    pub create_grant: CreatedGrant,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Grant")]
pub struct CreatedGrant {
    pub id: Uuid,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Estate")]
pub struct Created {
    pub id: Uuid,
}

#[derive(cynic::InputObject)]
pub struct CreateContractorInput {
    pub cvr: String,
    pub name: String,
}

#[derive(cynic::QueryVariables)]
pub struct ContractorVars {
    pub i: CreateContractorInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "ContractorVars")]
pub struct CreateContractor {
    #[arguments(input: $i)]
    pub create_contractor: CreatedContractor,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Contractor")]
pub struct CreatedContractor {
    pub id: Uuid,
}

#[derive(cynic::InputObject)]
pub struct CreateHousingOrganisationInput {
    pub name: String,
    pub cvr: Option<String>,
}

#[derive(cynic::QueryVariables)]
pub struct OrganisationVars {
    pub i: CreateHousingOrganisationInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "OrganisationVars")]
pub struct CreateOrganisation {
    #[arguments(input: $i)]
    pub create_housing_organisation: Organisation,
}

#[derive(cynic::QueryVariables)]
pub struct IdVars {
    pub id: Uuid,
}

/// A grant as its edit form shows it.
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query", variables = "IdVars")]
pub struct GrantToEdit {
    #[arguments(id: $id)]
    pub grant: EditedGrant,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Grant")]
pub struct EditedGrant {
    pub id: Uuid,
    pub case_number: String,
    pub title: String,
    pub kind: GrantKind,
    pub stage: GrantStage,
    pub commitment_year: i32,
    pub craftsman_cost: Option<Decimal>,
    pub construction_start: Option<NaiveDate>,
    pub planned_handover: Option<NaiveDate>,
    pub main_contractor_approval: bool,
    pub estate: EstateName,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Estate")]
pub struct EstateName {
    pub id: Uuid,
    pub name: String,
}

/// Every field the edit form shows: an emptied optional field clears it.
#[derive(cynic::InputObject)]
pub struct UpdateGrantInput {
    pub case_number: Option<String>,
    pub title: Option<String>,
    pub kind: Option<GrantKind>,
    pub stage: Option<GrantStage>,
    pub commitment_year: Option<i32>,
    pub craftsman_cost: Option<Decimal>,
    pub construction_start: Option<NaiveDate>,
    pub planned_handover: Option<NaiveDate>,
    pub main_contractor_approval: Option<bool>,
}

#[derive(cynic::QueryVariables)]
pub struct UpdateGrantVars {
    pub id: Uuid,
    pub i: UpdateGrantInput,
}

/// Changes a grant (`updateGrant`).
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "UpdateGrantVars")]
pub struct UpdateGrant {
    #[arguments(id: $id, input: $i)]
    pub update_grant: CreatedGrant,
}

/// An estate as its edit form shows it.
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query", variables = "IdVars")]
pub struct EstateToEdit {
    #[arguments(id: $id)]
    pub estate: EditedEstate,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Estate")]
pub struct EditedEstate {
    pub id: Uuid,
    pub name: String,
    pub municipality: String,
    pub address: Option<String>,
    pub organisation: Organisation,
}

/// Every field the edit form shows: an emptied address clears it.
#[derive(cynic::InputObject)]
pub struct UpdateEstateInput {
    pub name: Option<String>,
    pub municipality: Option<String>,
    pub address: Option<String>,
}

#[derive(cynic::QueryVariables)]
pub struct UpdateEstateVars {
    pub id: Uuid,
    pub i: UpdateEstateInput,
}

/// Changes an estate (`updateEstate`).
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "UpdateEstateVars")]
pub struct UpdateEstate {
    #[arguments(id: $id, input: $i)]
    pub update_estate: Created,
}
