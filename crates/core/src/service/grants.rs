//! LBF grants (LBF-tilsagn) and their per-grant overrides of the rule parameters.

use crate::patch::Patch;
use crate::scalars::DecimalInput;
use chrono::NaiveDate;
use entity::enums::{GrantKind, GrantStage};
use entity::{estate, grant};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select, Set,
};
use uuid::Uuid;

use super::{new_id, now, patch};
use crate::compliance::params::{ParamKey, overrides_json};
use crate::error::{AppError, AppResult};
use crate::record::{self, get_active, referenced};
use crate::scope::Scope;
use crate::units::{dkk_to_ore, percent_to_bp};
use crate::validate;

/// One override of a rule parameter: its value in the parameter's unit (see `RuleParameter`
/// and `ruleParameters` for units, defaults and ranges).
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct RuleParameterValueInput {
    pub parameter: ParamKey,
    pub value: DecimalInput,
}

/// New LBF grant (tilsagn) on an estate.
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct CreateGrantInput {
    pub estate_id: Uuid,
    /// LBF case number (sagsnummer); unique.
    pub case_number: String,
    pub title: String,
    pub kind: GrantKind,
    /// Year of the LBF commitment (tilsagnsår).
    pub commitment_year: i32,
    pub stage: GrantStage,
    /// Håndværkerudgift inkl. byggeplads og moms at Skema B, in DKK.
    pub craftsman_cost: Option<DecimalInput>,
    /// The day the site was established (byggepladsen etableret).
    pub construction_start: Option<NaiveDate>,
    pub planned_handover: Option<NaiveDate>,
    /// Aflevering.
    pub actual_handover: Option<NaiveDate>,
    /// Overrides of the rule parameters; each parameter at most once. Left out: the defaults.
    pub parameter_overrides: Option<Vec<RuleParameterValueInput>>,
    /// Let the grant's contractors see its overall trainee share (default false).
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub share_visible_to_contractors: bool,
    /// A subcontract's months need the main contractor's approval before the bygherre accepts
    /// them (default true).
    #[cfg_attr(feature = "graphql", graphql(default = true))]
    pub main_contractor_approval: bool,
    /// R11: target share (percent) of residents among the snusepraktik participants; left out,
    /// the share is shown as information only.
    pub resident_trial_target_percent: Option<DecimalInput>,
    /// R11: target share (percent) of residents among the persons in training.
    pub resident_trainee_target_percent: Option<DecimalInput>,
}

impl CreateGrantInput {
    /// A grant with what it must have, every optional field left out as the API leaves it out
    /// (a caller in Rust sets the optional fields it has with `..CreateGrantInput::new(…)`, so a
    /// new optional field is written here and in the struct only).
    pub fn new(
        estate_id: Uuid,
        case_number: String,
        title: String,
        kind: GrantKind,
        commitment_year: i32,
        stage: GrantStage,
    ) -> Self {
        Self {
            estate_id,
            case_number,
            title,
            kind,
            commitment_year,
            stage,
            craftsman_cost: None,
            construction_start: None,
            planned_handover: None,
            actual_handover: None,
            parameter_overrides: None,
            share_visible_to_contractors: false,
            main_contractor_approval: true,
            resident_trial_target_percent: None,
            resident_trainee_target_percent: None,
        }
    }
}

/// Changes to a grant; a field left out stays as it is, null clears it.
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct UpdateGrantInput {
    pub case_number: Option<String>,
    pub title: Option<String>,
    pub kind: Option<GrantKind>,
    pub commitment_year: Option<i32>,
    pub stage: Option<GrantStage>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub craftsman_cost: Patch<DecimalInput>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub construction_start: Patch<NaiveDate>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub planned_handover: Patch<NaiveDate>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub actual_handover: Patch<NaiveDate>,
    /// Replaces all overrides; parameters left out return to their defaults ([] clears them).
    pub parameter_overrides: Option<Vec<RuleParameterValueInput>>,
    /// Let the grant's contractors see its overall trainee share.
    pub share_visible_to_contractors: Option<bool>,
    /// A subcontract's months need the main contractor's approval before the bygherre's.
    pub main_contractor_approval: Option<bool>,
    /// R11: target share (percent) of residents among the snusepraktik participants.
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub resident_trial_target_percent: Patch<DecimalInput>,
    /// R11: target share (percent) of residents among the persons in training.
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub resident_trainee_target_percent: Patch<DecimalInput>,
}

#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct GrantFilter {
    pub organisation_id: Option<Uuid>,
    pub estate_id: Option<Uuid>,
    /// Kommune of the estate.
    pub municipality: Option<String>,
    pub kind: Option<GrantKind>,
    pub stage: Option<GrantStage>,
    pub commitment_year: Option<i32>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub include_archived: bool,
}

fn apply_parameters(m: &mut grant::ActiveModel, p: &[RuleParameterValueInput]) -> AppResult<()> {
    let pairs: Vec<(ParamKey, rust_decimal::Decimal)> =
        p.iter().map(|v| (v.parameter, v.value.into())).collect();
    m.parameter_overrides = Set(overrides_json("parameterOverrides", &pairs)?);
    Ok(())
}

/// Checks that only make sense on the grant as a whole, after all changes are applied.
fn check_grant(m: &grant::ActiveModel) -> AppResult<()> {
    let start = m.construction_start.clone().unwrap();
    let stage = m.stage.clone().unwrap();
    validate::in_range(
        "commitmentYear",
        m.commitment_year.clone().unwrap(),
        2000,
        2100,
    )?;
    if let Some(start) = start {
        if stage == GrantStage::SkemaA {
            return Err(AppError::bad_input(
                "constructionStart",
                "construction cannot start at Skema A; building may start after Skema B approval",
                "byggeriet kan ikke starte ved Skema A; der må bygges efter godkendelse af Skema B",
            ));
        }
        validate::date_order(
            "plannedHandover",
            start,
            m.planned_handover.clone().unwrap(),
        )?;
        validate::date_order("actualHandover", start, m.actual_handover.clone().unwrap())?;
    } else if m.actual_handover.clone().unwrap().is_some() {
        return Err(AppError::bad_input(
            "actualHandover",
            "a handover needs a construction start (the day the site was established)",
            "en aflevering kræver en byggestart (den dag byggepladsen blev etableret)",
        ));
    }
    Ok(())
}

async fn ensure_case_number_free<C: ConnectionTrait>(
    db: &C,
    case_number: &str,
    except: Option<Uuid>,
) -> AppResult<()> {
    let mut q = grant::Entity::find().filter(grant::Column::CaseNumber.eq(case_number));
    if let Some(id) = except {
        q = q.filter(grant::Column::Id.ne(id));
    }
    if q.one(db).await?.is_some() {
        return Err(AppError::conflict(
            format!("a grant with LBF case number {case_number} already exists"),
            format!("der findes allerede et LBF-tilsagn med sagsnummer {case_number}"),
        ));
    }
    Ok(())
}

pub async fn create_grant<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    input: CreateGrantInput,
) -> AppResult<grant::Model> {
    referenced::<estate::Entity, _>(db, scope, "estateId", input.estate_id).await?;
    let case_number = validate::text("caseNumber", &input.case_number, 64)?;
    let t = now();
    let mut m = grant::ActiveModel {
        id: Set(new_id()),
        estate_id: Set(input.estate_id),
        case_number: Set(case_number.clone()),
        title: Set(validate::text("title", &input.title, 300)?),
        kind: Set(input.kind),
        commitment_year: Set(input.commitment_year),
        stage: Set(input.stage),
        craftsman_cost_ore: Set(input
            .craftsman_cost
            .map(|v| dkk_to_ore("craftsmanCost", v))
            .transpose()?),
        construction_start: Set(input.construction_start),
        planned_handover: Set(input.planned_handover),
        actual_handover: Set(input.actual_handover),
        share_visible_to_contractors: Set(input.share_visible_to_contractors),
        main_contractor_approval: Set(input.main_contractor_approval),
        resident_trial_target_bp: Set(input
            .resident_trial_target_percent
            .map(|v| percent_to_bp("residentTrialTargetPercent", v))
            .transpose()?),
        resident_trainee_target_bp: Set(input
            .resident_trainee_target_percent
            .map(|v| percent_to_bp("residentTraineeTargetPercent", v))
            .transpose()?),
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
        ..Default::default()
    };
    apply_parameters(&mut m, &input.parameter_overrides.unwrap_or_default())?;
    check_grant(&m)?;
    ensure_case_number_free(db, &case_number, None).await?;
    Ok(m.insert(db).await?)
}

pub async fn update_grant<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
    input: UpdateGrantInput,
) -> AppResult<grant::Model> {
    let mut m: grant::ActiveModel = get_active::<grant::Entity, _>(db, scope, id).await?.into();
    if let Some(v) = &input.case_number {
        let v = validate::text("caseNumber", v, 64)?;
        ensure_case_number_free(db, &v, Some(id)).await?;
        m.case_number = Set(v);
    }
    if let Some(v) = &input.title {
        m.title = Set(validate::text("title", v, 300)?);
    }
    if let Some(v) = input.kind {
        m.kind = Set(v);
    }
    if let Some(v) = input.commitment_year {
        m.commitment_year = Set(v);
    }
    if let Some(v) = input.stage {
        m.stage = Set(v);
    }
    if let Some(v) = input.main_contractor_approval {
        m.main_contractor_approval = Set(v);
    }
    if let Some(v) = input.share_visible_to_contractors {
        m.share_visible_to_contractors = Set(v);
    }
    patch(&mut m.craftsman_cost_ore, input.craftsman_cost, |v| {
        Ok(dkk_to_ore("craftsmanCost", v)?)
    })?;
    patch(
        &mut m.resident_trial_target_bp,
        input.resident_trial_target_percent,
        |v| Ok(percent_to_bp("residentTrialTargetPercent", v)?),
    )?;
    patch(
        &mut m.resident_trainee_target_bp,
        input.resident_trainee_target_percent,
        |v| Ok(percent_to_bp("residentTraineeTargetPercent", v)?),
    )?;
    patch(&mut m.construction_start, input.construction_start, Ok)?;
    patch(&mut m.planned_handover, input.planned_handover, Ok)?;
    patch(&mut m.actual_handover, input.actual_handover, Ok)?;
    if let Some(p) = input.parameter_overrides {
        apply_parameters(&mut m, &p)?;
    }
    check_grant(&m)?;
    m.updated_at = Set(now());
    Ok(m.update(db).await?)
}

pub fn list_grants(scope: &Scope, f: GrantFilter) -> Select<grant::Entity> {
    let mut q = record::select::<grant::Entity>(scope);
    if let Some(v) = f.estate_id {
        q = q.filter(grant::Column::EstateId.eq(v));
    }
    if f.organisation_id.is_some() || f.municipality.is_some() {
        let mut estates = Query::select();
        estates.column(estate::Column::Id).from(estate::Entity);
        if let Some(v) = f.organisation_id {
            estates.and_where(estate::Column::OrganisationId.eq(v));
        }
        if let Some(v) = f.municipality {
            estates.and_where(estate::Column::Municipality.eq(v));
        }
        q = q.filter(grant::Column::EstateId.in_subquery(estates));
    }
    if let Some(v) = f.kind {
        q = q.filter(grant::Column::Kind.eq(v));
    }
    if let Some(v) = f.stage {
        q = q.filter(grant::Column::Stage.eq(v));
    }
    if let Some(v) = f.commitment_year {
        q = q.filter(grant::Column::CommitmentYear.eq(v));
    }
    if !f.include_archived {
        q = q.filter(grant::Column::ArchivedAt.is_null());
    }
    q
}
