//! Månedlig timeindberetning: one contract's labour hours on site for one month.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "hours_report")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub contract_id: Uuid,
    /// First day of the month reported.
    pub month: Date,
    /// All hourly-paid labour hours on site this month, trainee hours included.
    pub total_centihours: i64,
    /// When this month's report was (last) filed, for the R6 deadline.
    pub reported_at: DateTimeUtc,
    /// The status of the version these figures are (audit images from before the workflow
    /// have none: those reports were submitted).
    #[serde(default = "crate::hours_report::submitted")]
    pub status: crate::enums::HoursStatus,
    /// The number of the version these figures are.
    #[serde(default = "crate::hours_report::first")]
    pub version: i32,
    /// Ingen aktivitet: declared without work on site (zero hours, no lines).
    #[serde(default)]
    pub no_activity: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Reports audited before the workflow existed were submitted version 1.
pub fn submitted() -> crate::enums::HoursStatus {
    crate::enums::HoursStatus::Submitted
}

pub fn first() -> i32 {
    1
}
