//! Snusepraktik (trial placements): an unemployed resident tries the trades on a grant's site for
//! four weeks by default, followed by a tovholder who records the outcome and the next plan, and
//! where the participant is three months after the end (R10).

use crate::patch::Patch;
use chrono::{Days, Months, NaiveDate};
use entity::enums::{ThreeMonthStatus, TrialOutcome};
use entity::{contractor, grant, person, trial_placement as trial};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, Select, Set};
use uuid::Uuid;

use super::{new_id, now, patch};
use crate::error::{AppError, AppResult};
use crate::record::{self, get_active, referenced};
use crate::scope::Scope;
use crate::validate;

/// Default length of a snusepraktik: 4 weeks.
pub const DEFAULT_TRIAL_DAYS: u64 = 28;

#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct CreateTrialPlacementInput {
    pub person_id: Uuid,
    pub grant_id: Uuid,
    /// The contractor hosting the participant on site.
    pub host_contractor_id: Option<Uuid>,
    /// Tovholder following the participant.
    pub tovholder: String,
    pub start_date: NaiveDate,
    /// Defaults to four weeks after the start.
    pub end_date: Option<NaiveDate>,
    /// Trades tried (fag).
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub trades_tried: Vec<String>,
}

#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct UpdateTrialPlacementInput {
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub host_contractor_id: Patch<Uuid>,
    pub tovholder: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub trades_tried: Option<Vec<String>>,
}

/// The outcome of a snusepraktik and the participant's next plan.
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct RecordTrialOutcomeInput {
    pub trial_placement_id: Uuid,
    pub outcome: TrialOutcome,
    /// Not before the placement started.
    pub outcome_date: NaiveDate,
    /// Næste skridt agreed with the participant.
    pub next_plan: Option<String>,
}

/// Where a participant is three months after the snusepraktik ended (R10).
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct RecordThreeMonthStatusInput {
    pub trial_placement_id: Uuid,
    pub status: ThreeMonthStatus,
    /// When it was found out: not before the placement ended, not in the future.
    pub status_date: NaiveDate,
}

#[derive(Clone, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct TrialPlacementFilter {
    pub grant_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub host_contractor_id: Option<Uuid>,
    pub outcome: Option<TrialOutcome>,
    /// true: only those without an outcome yet; false: only those with one.
    pub open: Option<bool>,
    pub started_from: Option<NaiveDate>,
    pub started_to: Option<NaiveDate>,
    /// true: only those whose three months after the end have passed (today) without a
    /// three-month status, the list of those due (R10); false: only those with a status.
    pub three_month_due: Option<bool>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub include_archived: bool,
}

fn trades(field: &str, list: Vec<String>) -> AppResult<serde_json::Value> {
    let list = list
        .iter()
        .enumerate()
        .map(|(i, t)| validate::text(&format!("{field}[{i}]"), t, 100))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(serde_json::Value::from(list))
}

/// A snusepraktik lasts at most the grant's `TRIAL_MAX_DAYS` (13 weeks by default): a year-long
/// one is a typing error, and would keep R8 and R10 from ever falling due.
fn check_length(grant: &grant::Model, start: NaiveDate, end: NaiveDate) -> AppResult<()> {
    let max = crate::compliance::Params::with_stored(grant.id, grant.parameter_overrides.as_ref())
        .trial_max_days();
    let days = (end - start).num_days() + 1;
    if days > max {
        return Err(AppError::bad_input(
            "endDate",
            format!(
                "the snusepraktik would last {days} days, {start} to {end}; it may last at most {max} days (TRIAL_MAX_DAYS)"
            ),
            format!(
                "snusepraktikken ville vare {days} dage, {} til {}; den må højst vare {max} dage",
                crate::i18n::da_date(start),
                crate::i18n::da_date(end)
            ),
        ));
    }
    Ok(())
}

pub async fn create_trial<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    input: CreateTrialPlacementInput,
) -> AppResult<trial::Model> {
    referenced::<person::Entity, _>(db, scope, "personId", input.person_id).await?;
    let grant = referenced::<grant::Entity, _>(db, scope, "grantId", input.grant_id).await?;
    if let Some(c) = input.host_contractor_id {
        referenced::<contractor::Entity, _>(db, scope, "hostContractorId", c).await?;
    }
    let end = input
        .end_date
        .unwrap_or_else(|| input.start_date + Days::new(DEFAULT_TRIAL_DAYS));
    validate::date_order("endDate", input.start_date, Some(end))?;
    check_length(&grant, input.start_date, end)?;
    let t = now();
    Ok(trial::ActiveModel {
        id: Set(new_id()),
        person_id: Set(input.person_id),
        grant_id: Set(input.grant_id),
        host_contractor_id: Set(input.host_contractor_id),
        tovholder: Set(validate::text("tovholder", &input.tovholder, 200)?),
        start_date: Set(input.start_date),
        end_date: Set(end),
        trades_tried: Set(trades("tradesTried", input.trades_tried)?),
        outcome: Set(None),
        outcome_date: Set(None),
        next_plan: Set(None),
        three_month_status: Set(None),
        three_month_date: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
    }
    .insert(db)
    .await?)
}

pub async fn update_trial<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
    input: UpdateTrialPlacementInput,
) -> AppResult<trial::Model> {
    let mut m: trial::ActiveModel = get_active::<trial::Entity, _>(db, scope, id).await?.into();
    if let Patch::Set(c) = &input.host_contractor_id {
        referenced::<contractor::Entity, _>(db, scope, "hostContractorId", *c).await?;
    }
    patch(&mut m.host_contractor_id, input.host_contractor_id, Ok)?;
    if let Some(v) = &input.tovholder {
        m.tovholder = Set(validate::text("tovholder", v, 200)?);
    }
    if let Some(v) = input.start_date {
        m.start_date = Set(v);
    }
    if let Some(v) = input.end_date {
        m.end_date = Set(v);
    }
    if let Some(v) = input.trades_tried {
        m.trades_tried = Set(trades("tradesTried", v)?);
    }
    let start = *m.start_date.as_ref();
    validate::date_order("endDate", start, Some(*m.end_date.as_ref()))?;
    if input.start_date.is_some() || input.end_date.is_some() {
        let grant = record::get::<grant::Entity, _>(db, scope, *m.grant_id.as_ref()).await?;
        check_length(&grant, start, *m.end_date.as_ref())?;
    }
    if let Some(outcome_date) = *m.outcome_date.as_ref()
        && outcome_date < start
    {
        return Err(AppError::bad_input(
            "startDate",
            format!("the start cannot move after the recorded outcome date {outcome_date}"),
            format!(
                "starten kan ikke flyttes til efter den registrerede udfaldsdato {outcome_date}"
            ),
        ));
    }
    m.updated_at = Set(now());
    Ok(m.update(db).await?)
}

pub async fn record_outcome<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    input: RecordTrialOutcomeInput,
) -> AppResult<trial::Model> {
    let current = get_active::<trial::Entity, _>(db, scope, input.trial_placement_id).await?;
    if input.outcome_date < current.start_date {
        return Err(AppError::bad_input(
            "outcomeDate",
            format!(
                "the outcome date {} is before the placement started ({})",
                input.outcome_date, current.start_date
            ),
            format!(
                "udfaldsdatoen {} ligger før snusepraktikken startede ({})",
                input.outcome_date, current.start_date
            ),
        ));
    }
    let today = crate::clock::danish_today();
    if input.outcome_date > today {
        return Err(AppError::bad_input(
            "outcomeDate",
            format!(
                "the outcome date {} is in the future (today is {today}): record an outcome once it is known",
                input.outcome_date
            ),
            format!(
                "udfaldsdatoen {} ligger i fremtiden (i dag er {}): registrér udfaldet, når det kendes",
                crate::i18n::da_date(input.outcome_date),
                crate::i18n::da_date(today)
            ),
        ));
    }
    let mut m: trial::ActiveModel = current.into();
    m.outcome = Set(Some(input.outcome));
    m.outcome_date = Set(Some(input.outcome_date));
    m.next_plan = Set(validate::opt_text(
        "nextPlan",
        input.next_plan.as_deref(),
        2000,
    )?);
    m.updated_at = Set(now());
    Ok(m.update(db).await?)
}

pub fn list_trials(scope: &Scope, f: TrialPlacementFilter) -> Select<trial::Entity> {
    use trial::Column as T;
    let mut q = record::select::<trial::Entity>(scope);
    if let Some(v) = f.grant_id {
        q = q.filter(T::GrantId.eq(v));
    }
    if let Some(v) = f.person_id {
        q = q.filter(T::PersonId.eq(v));
    }
    if let Some(v) = f.host_contractor_id {
        q = q.filter(T::HostContractorId.eq(v));
    }
    if let Some(v) = f.outcome {
        q = q.filter(T::Outcome.eq(v));
    }
    match f.open {
        Some(true) => q = q.filter(T::Outcome.is_null()),
        Some(false) => q = q.filter(T::Outcome.is_not_null()),
        None => {}
    }
    if let Some(v) = f.started_from {
        q = q.filter(T::StartDate.gte(v));
    }
    if let Some(v) = f.started_to {
        q = q.filter(T::StartDate.lte(v));
    }
    match f.three_month_due {
        Some(true) => {
            let ended_by = crate::clock::danish_today()
                .checked_sub_months(Months::new(3))
                .unwrap_or(NaiveDate::MIN);
            q = q
                .filter(T::ThreeMonthStatus.is_null())
                .filter(T::EndDate.lte(ended_by));
        }
        Some(false) => q = q.filter(T::ThreeMonthStatus.is_not_null()),
        None => {}
    }
    if !f.include_archived {
        q = q.filter(T::ArchivedAt.is_null());
    }
    q
}

/// Records (or corrects) where the participant was three months after the placement ended.
pub async fn record_three_month_status<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    input: RecordThreeMonthStatusInput,
) -> AppResult<trial::Model> {
    let current = get_active::<trial::Entity, _>(db, scope, input.trial_placement_id).await?;
    if input.status_date < current.end_date {
        return Err(AppError::bad_input(
            "statusDate",
            format!(
                "the status date {} is before the placement ended ({})",
                input.status_date, current.end_date
            ),
            format!(
                "statusdatoen {} ligger før snusepraktikken sluttede ({})",
                crate::i18n::da_date(input.status_date),
                crate::i18n::da_date(current.end_date)
            ),
        ));
    }
    let today = crate::clock::danish_today();
    if input.status_date > today {
        return Err(AppError::bad_input(
            "statusDate",
            format!(
                "the status date {} is in the future (today is {today})",
                input.status_date
            ),
            format!(
                "statusdatoen {} ligger i fremtiden (i dag er {})",
                crate::i18n::da_date(input.status_date),
                crate::i18n::da_date(today)
            ),
        ));
    }
    let mut m: trial::ActiveModel = current.into();
    m.three_month_status = Set(Some(input.status));
    m.three_month_date = Set(Some(input.status_date));
    m.updated_at = Set(now());
    Ok(m.update(db).await?)
}
