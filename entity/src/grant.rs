//! LBF-tilsagn: one Landsbyggefonden grant (renovation or new build) on an estate, with per-grant overrides of the compliance rule parameters (null = the domain default).

use sea_orm::entity::prelude::*;

/// With the `graphql` feature, the fields the API shows as they are stored are its `Grant`
/// fields (flattened into it; a doc comment here is the field's description), so a new plain
/// field is written here only. Stored in units the API converts (øre, basis points) or not shown
/// are skipped, and the API gives them itself.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[cfg_attr(
    feature = "graphql",
    derive(async_graphql::SimpleObject),
    graphql(name = "GrantFields")
)]
#[sea_orm(table_name = "lbf_grant")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[cfg_attr(feature = "graphql", graphql(skip))]
    pub estate_id: Uuid,
    /// LBF sagsnummer (unique).
    #[sea_orm(unique)]
    pub case_number: String,
    pub title: String,
    pub kind: crate::enums::GrantKind,
    /// Tilsagnsår.
    pub commitment_year: i32,
    /// Skema A / B / C.
    pub stage: crate::enums::GrantStage,
    /// Håndværkerudgift inkl. byggeplads og moms at Skema B, in øre.
    #[cfg_attr(feature = "graphql", graphql(skip))]
    pub craftsman_cost_ore: Option<i64>,
    /// The day the site was established (byggepladsen etableret): the day counting starts.
    pub construction_start: Option<Date>,
    pub planned_handover: Option<Date>,
    /// Aflevering: the day counting stops.
    pub actual_handover: Option<Date>,
    /// Overrides of the rule parameters: {"MIN_TRAINEE_SHARE_PERCENT": "12.5", ...}, keyed by the
    /// parameter table's names (`compliance::params` in the engine crate), values in each
    /// parameter's unit. Null: every default applies.
    #[cfg_attr(feature = "graphql", graphql(skip))]
    pub parameter_overrides: Option<Json>,
    /// Whether the bygherre lets the grant's contractors see its overall trainee share (never the
    /// other contractors' own figures).
    pub share_visible_to_contractors: bool,
    /// R11: target share of residents among the snusepraktik participants, in basis points
    /// (null: the share is shown as information only).
    #[cfg_attr(feature = "graphql", graphql(skip))]
    pub resident_trial_target_bp: Option<i32>,
    /// R11: target share of residents among the persons in training, in basis points.
    #[cfg_attr(feature = "graphql", graphql(skip))]
    pub resident_trainee_target_bp: Option<i32>,
    /// Whether a subcontract's months need the main contractor's approval before the bygherre
    /// accepts them (hovedentreprenørens godkendelse).
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
