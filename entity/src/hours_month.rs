//! Månedens timer, opgjort: one monthly hours report's sums (total, and trainee hours by kind),
//! kept in the transaction of every write of its lines or of its placements' kinds, so an
//! evaluation reads one narrow row per contract and month instead of the report's lines.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hours_month")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub report_id: Uuid,
    pub grant_id: Uuid,
    pub contract_id: Uuid,
    /// First day of the month reported.
    pub month: Date,
    pub total_centihours: i64,
    /// Lines on apprentice placements (EUD, EUV, EUX).
    pub apprentice_centihours: i64,
    /// Lines on other placements that count as training.
    pub other_training_centihours: i64,
    /// Lines on placements that do not count towards the share.
    pub not_counted_centihours: i64,
    /// The report's filing time (R6).
    pub reported_at: DateTimeUtc,
    /// The status of the version these figures are (audit images from before the workflow
    /// have none: those reports were submitted).
    pub status: crate::enums::HoursStatus,
    /// The number of the version these figures are.
    pub version: i32,
    /// Ingen aktivitet: declared without work on site (zero hours, no lines).
    pub no_activity: bool,
    /// The report's `updated_at` when these sums were made: an evaluation as known before it
    /// reads the report's lines from the audit trail instead.
    pub written_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
