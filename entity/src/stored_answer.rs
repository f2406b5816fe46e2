//! A dashboard answer for the current question, stored under its slot (see the migration
//! `m20261207_000019_stored_answer` and `tracker_core::service::stored_answer`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stored_answer")]
pub struct Model {
    /// What the answer is about, hashed (hex): the grants, the question, the selection, the
    /// caller's visibility and language; not the grants' revisions.
    #[sea_orm(primary_key, auto_increment = false)]
    pub slot: String,
    /// The grants' ids and revisions the answer was resolved from, hashed (hex).
    pub fingerprint: String,
    /// The fingerprint of the code that resolved it: another version's answer is not served.
    pub views: String,
    pub as_of: Date,
    pub stored_at: DateTimeUtc,
    /// The answer's rows, each with its grant and revision (postcard), LZ4-compressed with its
    /// size first.
    pub body: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
