//! Lønimport: one payroll or timesheet file applied to the hours reports, recorded by its SHA-256
//! so that importing the same file again changes nothing.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "payroll_import")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub file_hash: String,
    pub file_name: String,
    /// "csv" or "xlsx".
    pub format: String,
    /// Data rows read from the file (the header not counted).
    pub row_count: i32,
    /// Monthly hours reports written (one per contract and month in the file).
    pub report_count: i32,
    /// The filing time recorded on every report of the import (R6 judges deadlines on it).
    pub filed_at: DateTimeUtc,
    pub imported_at: DateTimeUtc,
    pub token_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
