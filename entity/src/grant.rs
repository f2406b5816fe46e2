//! LBF-tilsagn: one Landsbyggefonden grant (renovation or new build) on an estate, with per-grant overrides of the compliance rule parameters (null = the domain default).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "lbf_grant")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub estate_id: Uuid,
    /// LBF case number (sagsnummer), unique.
    #[sea_orm(unique)]
    pub case_number: String,
    pub title: String,
    pub kind: crate::enums::GrantKind,
    pub commitment_year: i32,
    pub stage: crate::enums::GrantStage,
    /// Håndværkerudgift inkl. byggeplads og moms at Skema B, in øre.
    pub craftsman_cost_ore: Option<i64>,
    /// Byggepladsen etableret: the day counting starts.
    pub construction_start: Option<Date>,
    pub planned_handover: Option<Date>,
    /// Aflevering: the day counting stops.
    pub actual_handover: Option<Date>,
    /// R1 minimum trainee share, in basis points (1400 = 14 %).
    pub min_trainee_share_bp: Option<i32>,
    /// R2 target årsværk per 100 mio. DKK, in hundredths (600 = 6).
    pub target_per_100m_x100: Option<i32>,
    /// R3 tolerance below the expected-by-now line, in basis points.
    pub on_track_tolerance_bp: Option<i32>,
    /// R6 day of the next month by which a month's hours are due.
    pub hours_report_due_day: Option<i32>,
    /// R7 maximum days between følgegruppe meetings.
    pub max_meeting_interval_days: Option<i32>,
    /// R8 days after a trial placement ends within which its outcome is due.
    pub trial_outcome_due_days: Option<i32>,
    /// R9 overtime allowance over 1924/12 hours a month, in basis points.
    pub overtime_allowance_bp: Option<i32>,
    /// The bygherre lets the grant's contractors see its overall trainee share (never the other
    /// contractors' own figures).
    pub share_visible_to_contractors: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
