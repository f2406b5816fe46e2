//! Audit trail: one row per change, written in the same transaction as the change: who (token),
//! when, what (entity, id, operation) and the record before and after.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The API token used; nil for the command line and for a user's session.
    pub token_id: Uuid,
    /// The user, for a change made through the web app while signed in.
    pub user_id: Option<Uuid>,
    pub at: DateTimeUtc,
    /// Entity label, e.g. "Grant".
    pub entity: String,
    pub entity_id: Uuid,
    /// create, update, archive, delete, report, erase, submit, ...
    pub operation: String,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
