//! Snusepraktik: a short trial placement (4 weeks by default) where an unemployed resident tries the trades on a grant's site.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "trial_placement")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub grant_id: Uuid,
    pub host_contractor_id: Option<Uuid>,
    /// Tovholder following the participant (name, e.g. from Jobcenter Odense).
    pub tovholder: String,
    pub start_date: Date,
    pub end_date: Date,
    /// Trades tried (fag), as a JSON array of strings.
    pub trades_tried: Json,
    pub outcome: Option<crate::enums::TrialOutcome>,
    pub outcome_date: Option<Date>,
    /// Next plan (næste skridt) agreed with the participant.
    pub next_plan: Option<String>,
    /// Where the participant is three months after the placement ended (R10).
    pub three_month_status: Option<crate::enums::ThreeMonthStatus>,
    /// When the three-month status was found out.
    pub three_month_date: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
