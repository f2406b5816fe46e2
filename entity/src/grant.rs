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
    /// Overrides of the rule parameters: {"MIN_TRAINEE_SHARE_PERCENT": "12.5", ...}, keyed by the
    /// parameter table's names (`compliance::params` in the api crate), values in each
    /// parameter's unit. Null: every default applies.
    pub parameter_overrides: Option<Json>,
    /// The bygherre lets the grant's contractors see its overall trainee share (never the other
    /// contractors' own figures).
    pub share_visible_to_contractors: bool,
    /// R11: target share of residents among the snusepraktik participants, in basis points
    /// (null: the share is shown as information only).
    pub resident_trial_target_bp: Option<i32>,
    /// R11: target share of residents among the persons in training, in basis points.
    pub resident_trainee_target_bp: Option<i32>,
    /// A subcontract's months need the main contractor's approval before the bygherre accepts
    /// them (hovedentreprenørens godkendelse).
    #[serde(default = "approval_by_default")]
    pub main_contractor_approval: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Grants audited before the setting existed asked for the main contractor's approval.
fn approval_by_default() -> bool {
    true
}
