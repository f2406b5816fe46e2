//! A grant's revision: bumped with every write that changes what its evaluation reads, so a
//! cached evaluation keyed by it is never stale (see `api::service::revision`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "grant_revision")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub grant_id: Uuid,
    pub revision: i64,
    /// Random, below 2^40, set when the row is made: a kept dashboard's check sums them over the
    /// grants in scope, so one grant leaving while another enters moves the sum
    /// (`tracker_core::service::compliance::scope_state`).
    pub salt: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
