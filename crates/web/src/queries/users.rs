//! The users page: the accounts the person manages, the organisations, contractors and grants a
//! new account may be scoped to; an invitation, and a link to set a new password.

use uuid::Uuid;

use super::schema;

/// A role (Role), every value of the schema's enum.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Admin,
    Bygherre,
    Contractor,
    Tovholder,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Self::Bygherre,
        Self::Contractor,
        Self::Tovholder,
        Self::Viewer,
        Self::Admin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "ADMIN",
            Self::Bygherre => "BYGHERRE",
            Self::Contractor => "CONTRACTOR",
            Self::Tovholder => "TOVHOLDER",
            Self::Viewer => "VIEWER",
        }
    }

    /// The roles a bygherre invites (its contractors' site managers and its tovholders); the
    /// service decides, the form offers no other.
    pub fn invited_by_bygherre(self) -> bool {
        matches!(self, Self::Contractor | Self::Tovholder)
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The stored role, whose name the pages already know.
    pub fn stored(self) -> entity::enums::Role {
        use entity::enums::Role as R;
        match self {
            Self::Admin => R::Admin,
            Self::Bygherre => R::Bygherre,
            Self::Contractor => R::Contractor,
            Self::Tovholder => R::Tovholder,
            Self::Viewer => R::Viewer,
        }
    }
}

#[derive(cynic::QueryVariables)]
pub struct UsersVars {
    /// Only the contractors with a contract the person sees (a bygherre's own contractors).
    pub mine: bool,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query", variables = "UsersVars")]
pub struct UsersPage {
    pub users: Vec<User>,
    #[arguments(first: 100)]
    pub housing_organisations: Named,
    #[arguments(first: 200, filter: { withContract: $mine })]
    pub contractors: NamedContractors,
    #[arguments(first: 200)]
    pub grants: Grants,
}

#[derive(cynic::QueryFragment)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "HousingOrganisationConnection")]
pub struct Named {
    pub nodes: Vec<Organisation>,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "HousingOrganisation")]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "ContractorConnection")]
pub struct NamedContractors {
    pub nodes: Vec<Contractor>,
}

#[derive(cynic::QueryFragment)]
pub struct Contractor {
    pub id: Uuid,
    pub name: String,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "GrantConnection")]
pub struct Grants {
    pub nodes: Vec<Grant>,
}

#[derive(cynic::QueryFragment)]
pub struct Grant {
    pub id: Uuid,
    pub case_number: String,
}

#[derive(cynic::InputObject)]
pub struct InviteUserInput {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
    pub contractor_id: Option<Uuid>,
    pub grant_ids: Vec<Uuid>,
}

#[derive(cynic::QueryVariables)]
pub struct InviteVars {
    pub i: InviteUserInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "InviteVars")]
pub struct Invite {
    #[arguments(input: $i)]
    pub invite_user: Invited,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "InvitedUser")]
pub struct Invited {
    pub invitation_path: String,
    pub user: InvitedName,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "User")]
pub struct InvitedName {
    pub display_name: String,
}

#[derive(cynic::QueryVariables)]
pub struct ResetVars {
    pub u: Uuid,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "ResetVars")]
pub struct Reset {
    #[arguments(userId: $u)]
    pub reset_user_password: Invited,
}
