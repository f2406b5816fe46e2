//! Lære- eller praktikplads: a person's placement on a contract; its kind decides whether its hours count towards the 14 %.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "placement")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    /// Denormalised from the contract so grant-level reads need no join; kept equal by validation.
    pub grant_id: Uuid,
    pub contract_id: Uuid,
    pub kind: crate::enums::PlacementKind,
    pub trade: String,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub status: crate::enums::PlacementStatus,
    /// The contractor's own employee number (medarbejdernummer) of the person, by which payroll
    /// files name the trainee; never a CPR number.
    pub employee_number: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
