//! A person on site (trainee or snusepraktik participant). Minimal personal data only, never a CPR number.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Name or pseudonym; replaced on erasure.
    pub display_name: String,
    pub birth_year: Option<i32>,
    /// Lives in the estate being renovated (beboer).
    pub lives_in_estate: bool,
    pub consent_date: Option<Date>,
    /// Set when the person was anonymised (right to erasure).
    pub erased_at: Option<DateTimeUtc>,
    /// The API token that registered the person, so the registering contractor or tovholder keeps
    /// seeing them before a placement links them to a site (nil for the command line).
    pub created_by_token_id: Option<Uuid>,
    /// The signed-in user who registered the person, when it was one.
    pub created_by_user_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
