//! Virksomhedsdokumentation: a contractor's documentation, for a period, that its whole company's
//! trainee share is at least the threshold its contract's clause names (Aarhus's model); the
//! clause lapses for that period. Kept per contract, with the document it rests on.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "company_documentation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub contract_id: Uuid,
    /// The contract's grant (for scope and for the evaluations it changes).
    pub grant_id: Uuid,
    /// First and last day documented (both counted).
    pub period_from: Date,
    pub period_to: Date,
    /// The company-wide trainee share documented, in basis points.
    pub documented_share_bp: i32,
    /// The document it rests on: its title, file name or journal number.
    pub document: String,
    /// Who recorded it.
    pub recorded_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
