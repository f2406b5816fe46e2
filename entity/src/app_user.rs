//! A person's user account (brugerkonto): invited by an administrator with a role and scope like an
//! API token's, signed in with a password. Only hashes of the password (argon2id) and of the
//! invitation are stored, and neither is ever serialised (so neither reaches the audit trail).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Lower-cased; unique.
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    pub role: crate::enums::Role,
    /// BYGHERRE: the housing organisation.
    pub organisation_id: Option<Uuid>,
    /// CONTRACTOR: the contractor.
    pub contractor_id: Option<Uuid>,
    /// TOVHOLDER: the grants, as a JSON array of ids.
    pub grant_ids: Json,
    /// PHC string of the argon2id hash; None until the invitation is accepted.
    #[serde(skip)]
    pub password_hash: Option<String>,
    /// Hex SHA-256 of the invitation secret; None once accepted.
    #[serde(skip)]
    pub invite_hash: Option<String>,
    pub invite_expires_at: Option<DateTimeUtc>,
    /// Failed sign-ins since the last successful one.
    pub failed_sign_ins: i32,
    /// No sign-in is tried before this time (after repeated failures).
    pub locked_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
