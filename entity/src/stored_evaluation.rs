//! A grant's latest evaluation for the current question, stored under its key (see the
//! migration `m20261207_000018_stored_evaluation` and `tracker_core::service::compliance`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stored_evaluation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub grant_id: Uuid,
    pub revision: i64,
    pub as_of: Date,
    pub known_at: DateTimeUtc,
    /// The engine's fingerprint: a report from other rules is not this version's.
    pub engine: String,
    /// The report as `engine::compliance::Report::to_stored` wrote it, LZ4-compressed with its
    /// size first.
    pub body: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
