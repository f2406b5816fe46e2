//! The trainees page's query and mutations: the contracts the person may place trainees on,
//! their placements, the persons to choose from; a new person and a new placement.

use chrono::NaiveDate;
use uuid::Uuid;

use super::schema;

/// The kind of a placement (PlacementKind), every value of the schema's enum.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlacementKind {
    EudApprentice,
    EuvApprentice,
    Eux,
    Igu,
    Fgu,
    AmuContract,
    OtherCountedTraining,
    WorkExperience,
    WageSubsidy,
    OtherSocialEmployment,
}

impl PlacementKind {
    /// In the order the form offers them: the kinds that count towards the share first.
    pub const ALL: [PlacementKind; 10] = [
        Self::EudApprentice,
        Self::EuvApprentice,
        Self::Eux,
        Self::Igu,
        Self::Fgu,
        Self::AmuContract,
        Self::OtherCountedTraining,
        Self::WorkExperience,
        Self::WageSubsidy,
        Self::OtherSocialEmployment,
    ];

    /// The schema's name of the value (the form's option values).
    pub fn code(self) -> &'static str {
        match self {
            Self::EudApprentice => "EUD_APPRENTICE",
            Self::EuvApprentice => "EUV_APPRENTICE",
            Self::Eux => "EUX",
            Self::Igu => "IGU",
            Self::Fgu => "FGU",
            Self::AmuContract => "AMU_CONTRACT",
            Self::OtherCountedTraining => "OTHER_COUNTED_TRAINING",
            Self::WorkExperience => "WORK_EXPERIENCE",
            Self::WageSubsidy => "WAGE_SUBSIDY",
            Self::OtherSocialEmployment => "OTHER_SOCIAL_EMPLOYMENT",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query")]
pub struct TraineesPage {
    #[arguments(first: 100)]
    pub contracts: ContractConnection,
    #[arguments(first: 200)]
    pub persons: PersonConnection,
}

#[derive(cynic::QueryFragment)]
pub struct ContractConnection {
    pub nodes: Vec<Contract>,
}

#[derive(cynic::QueryFragment)]
pub struct Contract {
    pub id: Uuid,
    pub trade: String,
    pub grant: Grant,
    pub contractor: Contractor,
    pub placements: Vec<Placement>,
}

#[derive(cynic::QueryFragment)]
pub struct Grant {
    pub id: Uuid,
    pub case_number: String,
}

#[derive(cynic::QueryFragment)]
pub struct Contractor {
    pub name: String,
}

#[derive(cynic::QueryFragment)]
pub struct Placement {
    pub id: Uuid,
    pub kind: PlacementKind,
    pub trade: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub counts_towards_share: bool,
    pub person: Person,
}

#[derive(cynic::QueryFragment)]
pub struct PersonConnection {
    pub nodes: Vec<Person>,
}

#[derive(cynic::QueryFragment)]
pub struct Person {
    pub id: Uuid,
    pub display_name: String,
}

#[derive(cynic::InputObject)]
pub struct CreatePersonInput {
    pub display_name: String,
    pub birth_year: Option<i32>,
    pub lives_in_estate: bool,
}

#[derive(cynic::QueryVariables)]
pub struct PersonVars {
    pub i: CreatePersonInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "PersonVars")]
pub struct CreatePerson {
    #[arguments(input: $i)]
    pub create_person: Person,
}

#[derive(cynic::InputObject)]
pub struct CreatePlacementInput {
    pub person_id: Uuid,
    pub grant_id: Uuid,
    pub contract_id: Uuid,
    pub kind: PlacementKind,
    pub trade: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub employee_number: Option<String>,
}

#[derive(cynic::QueryVariables)]
pub struct PlacementVars {
    pub i: CreatePlacementInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "PlacementVars")]
pub struct CreatePlacement {
    #[arguments(input: $i)]
    pub create_placement: CreatedPlacement,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Placement")]
pub struct CreatedPlacement {
    pub id: Uuid,
}
