//! Lærlingeindberetning: one submitted version of a grant's yearly report to LBF. Submitting
//! freezes the figures; a correction adds a version and keeps the earlier ones (who, when, why).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "lbf_report")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub grant_id: Uuid,
    /// Calendar year reported.
    pub year: i32,
    /// 1 for the submission, 2.. for corrections.
    pub version: i32,
    pub apprentice_centihours: i64,
    pub other_training_centihours: i64,
    pub craftsman_cost_ore: Option<i64>,
    pub construction_start: Option<Date>,
    pub handover: Option<Date>,
    /// The handover date is the planned one (no actual handover yet when it was submitted).
    pub handover_planned: bool,
    /// Final (handed over) rather than interim figures.
    pub is_final: bool,
    pub submitted_at: DateTimeUtc,
    pub submitted_by: String,
    /// Why a correction was made (versions after the first).
    pub correction_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
