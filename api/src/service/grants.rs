//! LBF grants (LBF-tilsagn) and their per-grant overrides of the rule parameters.

use crate::scalars::DecimalInput;
use async_graphql::{InputObject, MaybeUndefined};
use chrono::NaiveDate;
use entity::enums::{GrantKind, GrantStage};
use entity::{estate, grant};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select, Set,
};
use uuid::Uuid;

use super::{new_id, now, patch};
use crate::error::{AppError, AppResult};
use crate::record::{self, get_active, referenced};
use crate::scope::Scope;
use crate::units::{dkk_to_ore, percent_to_bp};
use crate::validate;

/// Per-grant overrides of the compliance rules' parameters. Leave a field out to use the default
/// from the domain brief.
#[derive(InputObject, Default, Clone)]
pub struct RuleParametersInput {
    /// R1 minimum share of trainee hours, in percent (default 14).
    pub min_trainee_share_percent: Option<DecimalInput>,
    /// R2 required trainee årsværk per 100 mio. DKK (default 6).
    #[graphql(name = "targetArsvaerkPer100m")]
    pub target_arsvaerk_per_100m: Option<DecimalInput>,
    /// R3 tolerance below the expected-by-now line, in percent (default 10).
    pub on_track_tolerance_percent: Option<DecimalInput>,
    /// R6 day of the next month when a month's hours are due (default 10).
    pub hours_report_due_day: Option<i32>,
    /// R7 maximum days between følgegruppe meetings (default 61).
    pub max_meeting_interval_days: Option<i32>,
    /// R8 days after a snusepraktik ends within which its outcome is due (default 14).
    pub trial_outcome_due_days: Option<i32>,
    /// R9 overtime allowance over 1924/12 hours a month, in percent (default 25).
    pub overtime_allowance_percent: Option<DecimalInput>,
}

/// New LBF grant (tilsagn) on an estate.
#[derive(InputObject, Clone)]
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
    pub parameter_overrides: Option<RuleParametersInput>,
    /// Let the grant's contractors see its overall trainee share (default false).
    #[graphql(default)]
    pub share_visible_to_contractors: bool,
}

/// Changes to a grant; a field left out stays as it is, null clears it.
#[derive(InputObject, Clone)]
pub struct UpdateGrantInput {
    pub case_number: Option<String>,
    pub title: Option<String>,
    pub kind: Option<GrantKind>,
    pub commitment_year: Option<i32>,
    pub stage: Option<GrantStage>,
    #[graphql(default)]
    pub craftsman_cost: MaybeUndefined<DecimalInput>,
    #[graphql(default)]
    pub construction_start: MaybeUndefined<NaiveDate>,
    #[graphql(default)]
    pub planned_handover: MaybeUndefined<NaiveDate>,
    #[graphql(default)]
    pub actual_handover: MaybeUndefined<NaiveDate>,
    /// Replaces all overrides; fields left out return to the defaults.
    pub parameter_overrides: Option<RuleParametersInput>,
    /// Let the grant's contractors see its overall trainee share.
    pub share_visible_to_contractors: Option<bool>,
}

#[derive(InputObject, Clone, Default)]
pub struct GrantFilter {
    pub organisation_id: Option<Uuid>,
    pub estate_id: Option<Uuid>,
    /// Kommune of the estate.
    pub municipality: Option<String>,
    pub kind: Option<GrantKind>,
    pub stage: Option<GrantStage>,
    pub commitment_year: Option<i32>,
    #[graphql(default)]
    pub include_archived: bool,
}

fn apply_parameters(m: &mut grant::ActiveModel, p: RuleParametersInput) -> AppResult<()> {
    m.min_trainee_share_bp = Set(p
        .min_trainee_share_percent
        .map(|v| percent_to_bp("parameterOverrides.minTraineeSharePercent", v))
        .transpose()?);
    m.target_per_100m_x100 = Set(p
        .target_arsvaerk_per_100m
        .map(|v| {
            let f = "parameterOverrides.targetArsvaerkPer100m";
            dkk_to_ore(f, v).and_then(|x| {
                i32::try_from(x).map_err(|_| AppError::bad_input(f, format!("{f} is too large")))
            })
        })
        .transpose()?);
    m.on_track_tolerance_bp = Set(p
        .on_track_tolerance_percent
        .map(|v| percent_to_bp("parameterOverrides.onTrackTolerancePercent", v))
        .transpose()?);
    m.hours_report_due_day = Set(p
        .hours_report_due_day
        .map(|v| validate::in_range("parameterOverrides.hoursReportDueDay", v, 1, 28))
        .transpose()?);
    m.max_meeting_interval_days = Set(p
        .max_meeting_interval_days
        .map(|v| validate::in_range("parameterOverrides.maxMeetingIntervalDays", v, 1, 366))
        .transpose()?);
    m.trial_outcome_due_days = Set(p
        .trial_outcome_due_days
        .map(|v| validate::in_range("parameterOverrides.trialOutcomeDueDays", v, 0, 365))
        .transpose()?);
    m.overtime_allowance_bp = Set(p
        .overtime_allowance_percent
        .map(|v| percent_to_bp("parameterOverrides.overtimeAllowancePercent", v))
        .transpose()?);
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
        return Err(AppError::Conflict(format!(
            "a grant with LBF case number {case_number} already exists"
        )));
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
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
        ..Default::default()
    };
    apply_parameters(&mut m, input.parameter_overrides.unwrap_or_default())?;
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
    if let Some(v) = input.share_visible_to_contractors {
        m.share_visible_to_contractors = Set(v);
    }
    patch(&mut m.craftsman_cost_ore, input.craftsman_cost, |v| {
        dkk_to_ore("craftsmanCost", v)
    })?;
    patch(&mut m.construction_start, input.construction_start, Ok)?;
    patch(&mut m.planned_handover, input.planned_handover, Ok)?;
    patch(&mut m.actual_handover, input.actual_handover, Ok)?;
    if let Some(p) = input.parameter_overrides {
        apply_parameters(&mut m, p)?;
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
