//! API tokens. Only a SHA-256 hash of each token is stored; the token itself is shown once, when
//! it is created. A token has a role, the scope that role is narrowed to, an optional expiry, and
//! can be revoked.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "api_token")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// What the token is for, e.g. "Dashboard, Region Syddanmark".
    pub name: String,
    /// Hex SHA-256 of the token (never serialised, so it stays out of audit records).
    #[serde(skip)]
    #[sea_orm(unique)]
    pub token_hash: String,
    pub role: crate::enums::Role,
    /// BYGHERRE: the housing organisation.
    pub organisation_id: Option<Uuid>,
    /// CONTRACTOR: the contractor.
    pub contractor_id: Option<Uuid>,
    /// TOVHOLDER: the grants, as a JSON array of ids.
    pub grant_ids: Json,
    pub expires_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
