//! A reminder (påmindelse) decided once: its key (kind, subject and due date) is unique, so however
//! many instances plan at the same moment, one row is written and only its writer creates the
//! deliveries.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "reminder")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The idempotency key, e.g. `hours_report_due:<contract>:2026-10-10`; unique.
    #[sea_orm(unique)]
    pub key: String,
    pub kind: crate::enums::ReminderKind,
    pub grant_id: Uuid,
    /// What it is about: the contract, trial placement, grant or finding subject.
    pub subject_id: Uuid,
    pub due_date: Date,
    pub title_da: String,
    pub title_en: String,
    pub message_da: String,
    pub message_en: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
