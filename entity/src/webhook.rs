//! A webhook: an address that receives reminders as signed HTTP POSTs. It belongs to a housing
//! organisation (its grants' reminders) or, without one, to the administrators (every grant's).
//! The signing secret is shown once at creation; it is stored because every delivery is signed
//! with it, and it is never serialised.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "webhook")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Option<Uuid>,
    pub name: String,
    pub url: String,
    #[serde(skip)]
    pub secret: String,
    /// The reminder kinds it receives, as a JSON array of codes.
    pub kinds: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
