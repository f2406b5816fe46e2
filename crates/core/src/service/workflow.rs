//! The monthly hours report's workflow over the database (indberetningens gang): drafts,
//! submission with the declaration on honour, the main contractor's approval of a subcontract's
//! month, the bygherre's acceptance, returns with a reason, and new versions after acceptance.
//! Which step may follow which, and for whom, is [`engine::workflow::next`]; this module finds
//! the month's latest version and the caller's capacities, writes the version, its step
//! (`hours_status_change`) and the audit trail, and keeps `hours_report` equal to the figures
//! that count: the latest submitted version that is not returned (deleted when there is none).

use chrono::{DateTime, Utc};
use engine::workflow::{self, Actor, Outcome, Step};
use entity::enums::{HoursStatus, Role};
use entity::{contract, grant, hours_line, hours_report, hours_status_change, hours_version};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;

use super::hours::{
    Counted, ReportMonthlyHoursInput, check_figures, filed_at, report_snapshot, write_report,
};
use super::{new_id, now};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::record::{self, Area, Kind};
use crate::scalars::YearMonth;
use crate::scope::Scope;

/// A step on a month that takes no figures: approve, accept or return.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct HoursStepInput {
    pub contract_id: Uuid,
    pub month: YearMonth,
    /// Why the month is returned (required to return it; kept with the step otherwise).
    pub reason: Option<String>,
}

/// A month without work on site, declared on honour (ingen aktivitet).
#[derive(Clone, Debug)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct NoActivityInput {
    pub contract_id: Uuid,
    pub month: YearMonth,
    /// The version of the declaration on honour (query `hoursDeclaration`).
    pub declaration_version: String,
    /// Why, if the month was accepted with hours before.
    pub reason: Option<String>,
}

/// Longest reason kept (a return's or a correction's).
const REASON_MAX: usize = 2000;

/// A contract's month as the workflow sees it: the contract, whether it needs the main
/// contractor's approval, in which capacities the caller acts, and its latest version.
struct Month {
    contract: contract::Model,
    month: YearMonth,
    approval: bool,
    actor: Actor,
    latest: Option<hours_version::Model>,
}

impl Month {
    fn refusal(&self, r: workflow::Refusal) -> AppError {
        let text = r.message(
            &self.month.0.format("%Y-%m").to_string(),
            &crate::i18n::da_month(self.month.0),
        );
        if r.forbidden() {
            AppError::forbidden(text.en, text.da)
        } else {
            AppError::conflict(text.en, text.da)
        }
    }

    fn step(&self, step: Step) -> AppResult<Outcome> {
        workflow::next(
            self.latest.as_ref().map(|v| v.status),
            step,
            self.actor,
            self.approval,
        )
        .map_err(|r| self.refusal(r))
    }
}

/// Whether `scope` sees the contract `id`.
async fn sees<C: ConnectionTrait>(db: &C, scope: &Scope, id: Uuid) -> AppResult<bool> {
    Ok(record::select::<contract::Entity>(scope)
        .filter(contract::Column::Id.eq(id))
        .count(db)
        .await?
        > 0)
}

/// In which capacities `who` acts on `contract`, and the contract's grant. Someone who sees
/// neither the contract nor its main contract is told the contract is outside its scope.
async fn capacities<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    contract: &contract::Model,
) -> AppResult<(Actor, grant::Model)> {
    let scope = who.scope();
    let own = sees(db, &scope, contract.id).await?;
    let over = match contract.parent_contract_id {
        Some(parent) => sees(db, &scope, parent).await?,
        None => false,
    };
    if !own && !over {
        return Err(AppError::forbidden_row(Kind::Contract.label(), contract.id));
    }
    let grant = grant::Entity::find_by_id(contract.grant_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a contract's grant is missing")))?;
    let admin = who.role == Role::Admin;
    let actor = Actor {
        reporter: own
            && matches!(who.role, Role::Admin | Role::Bygherre | Role::Contractor)
            && who.authorize(Area::Hours, "report", "Hours report").is_ok(),
        main_contractor: admin || (who.role == Role::Contractor && over),
        bygherre: admin || (who.role == Role::Bygherre && own),
    };
    Ok((actor, grant))
}

/// Finds the month, the caller's capacities on it and its latest version, under the
/// contract's hours lock. Someone who sees neither the contract nor its main contract is told
/// the contract is outside its scope (or absent), as every read tells it.
async fn open<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    contract_id: Uuid,
    month: YearMonth,
) -> AppResult<Month> {
    super::rollup::lock_contract(db, contract_id).await?;
    let Some(contract) = contract::Entity::find_by_id(contract_id).one(db).await? else {
        return Err(AppError::bad_input(
            "contractId",
            format!("contractId: Contract {contract_id} does not exist"),
            format!("contractId: Kontrakt {contract_id} findes ikke"),
        ));
    };
    let (actor, grant) = capacities(db, who, &contract).await?;
    if contract.archived_at.is_some() {
        return Err(AppError::conflict(
            format!(
                "Contract {} is archived and can no longer be changed",
                contract.id
            ),
            format!(
                "Kontrakt {} er arkiveret og kan ikke længere ændres",
                contract.id
            ),
        ));
    }
    let latest = latest_version(db, &contract, month).await?;
    Ok(Month {
        approval: contract.parent_contract_id.is_some() && grant.main_contractor_approval,
        contract,
        month,
        actor,
        latest,
    })
}

/// The month's latest version; a month reported before the workflow existed gets its version 1
/// (submitted, as it was) from its report the first time a step is taken on it.
async fn latest_version<C: ConnectionTrait>(
    db: &C,
    contract: &contract::Model,
    month: YearMonth,
) -> AppResult<Option<hours_version::Model>> {
    if let Some(v) = hours_version::Entity::find()
        .filter(hours_version::Column::ContractId.eq(contract.id))
        .filter(hours_version::Column::Month.eq(month.first_day()))
        .order_by_desc(hours_version::Column::Number)
        .one(db)
        .await?
    {
        return Ok(Some(v));
    }
    let Some(report) = hours_report::Entity::find()
        .filter(hours_report::Column::ContractId.eq(contract.id))
        .filter(hours_report::Column::Month.eq(month.first_day()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let mut v = legacy_version(db, &report).await?;
    v.id = new_id();
    // Every field written, not only those changed.
    let v = v.into_active_model().reset_all().insert(db).await?;
    Ok(Some(v))
}

/// The version a report filed before the workflow stands for: its figures, status and filing.
async fn legacy_version<C: ConnectionTrait>(
    db: &C,
    report: &hours_report::Model,
) -> AppResult<hours_version::Model> {
    let lines: Vec<(Uuid, i64)> = hours_line::Entity::find()
        .filter(hours_line::Column::ReportId.eq(report.id))
        .order_by_asc(hours_line::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.placement_id, l.centihours))
        .collect();
    Ok(hours_version::Model {
        id: report.id,
        contract_id: report.contract_id,
        month: report.month,
        number: report.version,
        status: report.status,
        no_activity: report.no_activity,
        total_centihours: report.total_centihours,
        lines: serde_json::to_value(&lines).unwrap_or_default(),
        reason: None,
        declaration_version: None,
        declared_by_user_id: None,
        declared_by_token_id: None,
        declared_by: None,
        submitted_at: Some(report.reported_at),
        created_at: report.created_at,
        updated_at: report.updated_at,
        archived_at: None,
    })
}

/// The lines a version holds.
pub fn version_lines(v: &hours_version::Model) -> Vec<(Uuid, i64)> {
    serde_json::from_value(v.lines.clone()).unwrap_or_default()
}

/// The name a step is recorded under: the signed-in person's, or the integration token's.
pub async fn actor_name<C: ConnectionTrait>(db: &C, who: &Principal) -> AppResult<String> {
    if let Some(user) = who.user_id
        && let Some(u) = entity::app_user::Entity::find_by_id(user).one(db).await?
    {
        return Ok(u.display_name);
    }
    if !who.token_id.is_nil()
        && let Some(t) = entity::api_token::Entity::find_by_id(who.token_id)
            .one(db)
            .await?
    {
        return Ok(format!("integration: {}", t.name));
    }
    Ok("system".to_owned())
}

fn reason_of(field: &str, reason: Option<&str>) -> AppResult<Option<String>> {
    let r = crate::validate::opt_text(field, reason, REASON_MAX)?;
    Ok(r.filter(|r| !r.is_empty()))
}

/// The reason a step needs (`what` says for what, both languages).
fn required_reason(field: &str, reason: Option<&str>, what: (&str, &str)) -> AppResult<String> {
    reason_of(field, reason)?.ok_or_else(|| {
        AppError::bad_input(
            field,
            format!("give a reason {}", what.0),
            format!("angiv en begrundelse {}", what.1),
        )
    })
}

/// The declaration version the person makes: the current one, or a refusal naming it.
pub(crate) fn declared(version: Option<&str>) -> AppResult<String> {
    let current = workflow::current_declaration();
    match version.map(str::trim) {
        Some(v) if v == current.version => Ok(current.version.to_owned()),
        Some(v) if workflow::declaration(v).is_some() => Err(AppError::bad_input(
            "declarationVersion",
            format!(
                "declaration {v} has been replaced by version {}; read it and declare again",
                current.version
            ),
            format!(
                "erklæringen {v} er afløst af version {}; læs den og afgiv erklæringen igen",
                current.version
            ),
        )),
        _ => Err(AppError::bad_input(
            "declarationVersion",
            format!(
                "a month is submitted with the declaration on honour: give declarationVersion \"{}\" (query hoursDeclaration) to declare it",
                current.version
            ),
            format!(
                "en måned indsendes med erklæringen på tro og love: angiv declarationVersion \"{}\" (forespørgslen hoursDeclaration) for at afgive den",
                current.version
            ),
        )),
    }
}

/// The version the step writes: the latest one changed in place, or (a change after acceptance)
/// a new one with the next number.
fn target(m: &Month, outcome: Outcome, t: DateTime<Utc>) -> hours_version::ActiveModel {
    match (&m.latest, outcome.new_version) {
        (Some(v), false) => v.clone().into_active_model(),
        (latest, _) => hours_version::ActiveModel {
            id: Set(new_id()),
            contract_id: Set(m.contract.id),
            month: Set(m.month.first_day()),
            number: Set(latest.as_ref().map_or(1, |v| v.number + 1)),
            status: Set(HoursStatus::Draft),
            no_activity: Set(false),
            total_centihours: Set(0),
            lines: Set(serde_json::json!([])),
            reason: Set(None),
            declaration_version: Set(None),
            declared_by_user_id: Set(None),
            declared_by_token_id: Set(None),
            declared_by: Set(None),
            submitted_at: Set(None),
            created_at: Set(t),
            updated_at: Set(t),
            archived_at: Set(None),
        },
    }
}

/// Writes the version; returns it with what it was before (None: a new version).
async fn save_version<C: ConnectionTrait>(
    db: &C,
    m: &Month,
    version: hours_version::ActiveModel,
) -> AppResult<(Option<hours_version::Model>, hours_version::Model)> {
    let before = m
        .latest
        .as_ref()
        .filter(|l| version.id.as_ref() == &l.id)
        .cloned();
    let v = if before.is_some() {
        version.update(db).await?
    } else {
        version.insert(db).await?
    };
    Ok((before, v))
}

/// Records the step a version took (`hours_status_change`) and audits the version under the
/// caller. Called after [`count`]: the counted report's audit bumps the revisions of every grant
/// the month's hours touch in one sorted pass, so this audit (of the contract's own grant, taken
/// by then) adds no lock in another order (two months of one person on two grants written at
/// once would otherwise wait for each other's grant).
async fn audit_step<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    (before, v): (Option<hours_version::Model>, &hours_version::Model),
    reason: Option<String>,
    operation: &str,
) -> AppResult<()> {
    hours_status_change::ActiveModel {
        id: Set(new_id()),
        version_id: Set(v.id),
        contract_id: Set(v.contract_id),
        month: Set(v.month),
        number: Set(v.number),
        from_status: Set(before.as_ref().map(|b| b.status)),
        to_status: Set(v.status),
        reason: Set(reason),
        user_id: Set(who.user_id),
        token_id: Set((!who.token_id.is_nil()).then_some(who.token_id)),
        actor: Set(actor_name(db, who).await?),
        at: Set(now()),
    }
    .insert(db)
    .await?;
    let image = |v: &hours_version::Model| serde_json::to_value(v).unwrap_or_default();
    super::trail::write(
        db,
        who,
        Kind::HoursVersion,
        v.id,
        operation,
        before.as_ref().map(image),
        Some(image(v)),
    )
    .await
}

/// Makes `hours_report` hold the figures that count after a step (`counted`: the version, or
/// none), audited as a write of the report, so "as known at" reads it back. Says whether the
/// month had counted figures before.
async fn count<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    m: &Month,
    counted: Option<&hours_version::Model>,
    operation: &str,
) -> AppResult<(Option<hours_report::Model>, bool)> {
    let key = (m.contract.id, m.month.first_day());
    let before = report_snapshot(db, key).await?;
    let existing = hours_report::Entity::find()
        .filter(hours_report::Column::ContractId.eq(m.contract.id))
        .filter(hours_report::Column::Month.eq(m.month.first_day()))
        .one(db)
        .await?;
    let t = now();
    let report = match counted {
        Some(v) => {
            let filed = v.submitted_at.unwrap_or(t);
            let c = Counted {
                status: v.status,
                version: v.number,
                no_activity: v.no_activity,
            };
            let lines = version_lines(v);
            let report = match &existing {
                // A step that changes only the status keeps the lines (and their ids) as they are.
                Some(r)
                    if r.version == v.number
                        && r.total_centihours == v.total_centihours
                        && same_lines(db, r.id, &lines).await? =>
                {
                    let mut a = r.clone().into_active_model();
                    a.status = Set(c.status);
                    a.no_activity = Set(c.no_activity);
                    a.reported_at = Set(filed);
                    a.updated_at = Set(t);
                    a.update(db).await?
                }
                _ => {
                    write_report(
                        db,
                        &m.contract,
                        m.month,
                        v.total_centihours,
                        filed,
                        lines,
                        c,
                        t,
                    )
                    .await?
                }
            };
            Some(report)
        }
        None => {
            if let Some(r) = &existing {
                hours_line::Entity::delete_many()
                    .filter(hours_line::Column::ReportId.eq(r.id))
                    .exec(db)
                    .await?;
                hours_report::Entity::delete_by_id(r.id).exec(db).await?;
            }
            None
        }
    };
    let after = report_snapshot(db, key).await?;
    let id = report.as_ref().or(existing.as_ref()).map(|r| r.id);
    if let Some(id) = id
        && before != after
    {
        super::trail::write(
            db,
            who,
            Kind::HoursReport,
            id,
            operation,
            before.clone(),
            after,
        )
        .await?;
    }
    Ok((report, before.is_some()))
}

async fn same_lines<C: ConnectionTrait>(
    db: &C,
    report: Uuid,
    lines: &[(Uuid, i64)],
) -> AppResult<bool> {
    let mut have: Vec<(Uuid, i64)> = hours_line::Entity::find()
        .filter(hours_line::Column::ReportId.eq(report))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.placement_id, l.centihours))
        .collect();
    let mut want = lines.to_vec();
    have.sort();
    want.sort();
    Ok(have == want)
}

/// Submits a month's figures with the declaration on honour (or, `no_activity`, declares a
/// month without work on site): the month's latest version takes them (a new version after
/// acceptance, with a reason), and they count from now. Audited under `operation`. Also says
/// whether the month had counted figures, which these replace.
pub async fn submit<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    who: &Principal,
    input: ReportMonthlyHoursInput,
    no_activity: bool,
    operation: &str,
) -> AppResult<(hours_report::Model, bool)> {
    let m = open(db, who, input.contract_id, input.month).await?;
    let outcome = m.step(Step::Submit)?;
    let declaration = declared(input.declaration_version.as_deref())?;
    let f = check_figures(db, scope, &input).await?;
    let t = now();
    let filed = filed_at(input.reported_at, who.role, f.month, t)?;
    let mut v = target(&m, outcome, t);
    let given = reason_of("reason", input.reason.as_deref())?;
    let reason = if *v.number.as_ref() > 1 {
        // A draft of the new version may already carry the reason.
        let kept = (!outcome.new_version)
            .then(|| m.latest.as_ref().and_then(|l| l.reason.clone()))
            .flatten();
        Some(given.or(kept).ok_or_else(|| correction_needs_reason(&m))?)
    } else {
        given
    };
    v.status = Set(HoursStatus::Submitted);
    v.no_activity = Set(no_activity);
    v.total_centihours = Set(f.total);
    v.lines = Set(serde_json::to_value(&f.lines).unwrap_or_default());
    v.reason = Set(reason.clone());
    v.declaration_version = Set(Some(declaration));
    v.declared_by_user_id = Set(who.user_id);
    v.declared_by_token_id = Set((!who.token_id.is_nil()).then_some(who.token_id));
    v.declared_by = Set(Some(actor_name(db, who).await?));
    v.submitted_at = Set(Some(filed));
    v.updated_at = Set(t);
    let (before, v) = save_version(db, &m, v).await?;
    let (report, replaced) = count(db, who, &m, Some(&v), operation).await?;
    audit_step(db, who, (before, &v), reason, operation).await?;
    let report = report
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a submitted month has no report")))?;
    Ok((report, replaced))
}

fn correction_needs_reason(m: &Month) -> AppError {
    AppError::bad_input(
        "reason",
        format!(
            "{} was accepted by the bygherre: a change is a new version, and needs a reason",
            m.month.0.format("%Y-%m")
        ),
        format!(
            "{} er accepteret af bygherren: en ændring er en ny version og kræver en begrundelse",
            crate::i18n::da_month(m.month.0)
        ),
    )
}

/// Submits a month (with the declaration on honour) as [`submit`] does, audited under
/// `operation`: the form, the API and the payroll import all submit this way. Also says whether
/// the month had counted figures, which this submission replaced.
pub async fn report_audited<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    who: &Principal,
    input: ReportMonthlyHoursInput,
    operation: &str,
) -> AppResult<(hours_report::Model, bool)> {
    submit(db, scope, who, input, false, operation).await
}

/// Declares a month without work on site, on honour: submitted with zero hours and no lines,
/// which R6 counts as reported.
pub async fn declare_no_activity<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    who: &Principal,
    input: NoActivityInput,
) -> AppResult<hours_report::Model> {
    let as_report = ReportMonthlyHoursInput {
        contract_id: input.contract_id,
        month: input.month,
        total_hours: crate::scalars::DecimalInput(rust_decimal::Decimal::ZERO),
        trainee_hours: Vec::new(),
        reported_at: None,
        declaration_version: Some(input.declaration_version),
        reason: input.reason,
    };
    submit(db, scope, who, as_report, true, "declareNoActivity")
        .await
        .map(|(r, _)| r)
}

/// Saves a month's figures as a draft: checked like a submission, counted by nothing.
pub async fn save_draft<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    who: &Principal,
    input: ReportMonthlyHoursInput,
) -> AppResult<hours_version::Model> {
    let m = open(db, who, input.contract_id, input.month).await?;
    let outcome = m.step(Step::SaveDraft)?;
    let f = check_figures(db, scope, &input).await?;
    let t = now();
    let mut v = target(&m, outcome, t);
    let reason = if outcome.new_version {
        Some(
            reason_of("reason", input.reason.as_deref())?
                .ok_or_else(|| correction_needs_reason(&m))?,
        )
    } else {
        reason_of("reason", input.reason.as_deref())?
            .or_else(|| m.latest.as_ref().and_then(|l| l.reason.clone()))
    };
    v.status = Set(HoursStatus::Draft);
    v.no_activity = Set(false);
    v.total_centihours = Set(f.total);
    v.lines = Set(serde_json::to_value(&f.lines).unwrap_or_default());
    v.reason = Set(reason.clone());
    v.updated_at = Set(t);
    let (before, v) = save_version(db, &m, v).await?;
    audit_step(db, who, (before, &v), reason, "saveHoursDraft").await?;
    Ok(v)
}

/// Approves, accepts or returns a month's latest version (`step`), and keeps the counted figures
/// in step: a return falls back to the accepted version before it, if any.
pub async fn decide<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    input: HoursStepInput,
    step: Step,
) -> AppResult<hours_version::Model> {
    let m = open(db, who, input.contract_id, input.month).await?;
    let outcome = m.step(step)?;
    let reason = if step == Step::Return {
        Some(required_reason(
            "reason",
            input.reason.as_deref(),
            ("for returning the month", "for at sende måneden retur"),
        )?)
    } else {
        reason_of("reason", input.reason.as_deref())?
    };
    let latest = m.latest.clone().ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "a step was allowed on a month without versions"
        ))
    })?;
    let mut v = latest.into_active_model();
    v.status = Set(outcome.status);
    v.updated_at = Set(now());
    let operation = match step {
        Step::Approve => "approveHoursMonth",
        Step::Accept => "acceptHoursMonth",
        _ => "returnHoursMonth",
    };
    let (before, v) = save_version(db, &m, v).await?;
    let counted = if v.status.counts() {
        Some(v.clone())
    } else {
        previous_counted(db, &v).await?
    };
    count(db, who, &m, counted.as_ref(), operation).await?;
    audit_step(db, who, (before, &v), reason, operation).await?;
    Ok(v)
}

/// The latest version before `v` whose figures count (after acceptance only accepted ones stand
/// behind a newer version).
async fn previous_counted<C: ConnectionTrait>(
    db: &C,
    v: &hours_version::Model,
) -> AppResult<Option<hours_version::Model>> {
    Ok(hours_version::Entity::find()
        .filter(hours_version::Column::ContractId.eq(v.contract_id))
        .filter(hours_version::Column::Month.eq(v.month))
        .filter(hours_version::Column::Number.lt(v.number))
        .order_by_desc(hours_version::Column::Number)
        .all(db)
        .await?
        .into_iter()
        .find(|p| p.status.counts()))
}

/// A subcontractor's submitted month waiting for the caller's approval as its main contractor.
pub struct PendingApproval {
    pub contract: contract::Model,
    pub contractor_name: String,
    pub case_number: String,
    pub version: hours_version::Model,
}

/// The months the caller's subcontractors have submitted and the caller, as their main
/// contractor, has yet to approve or return (on grants that ask for the approval), oldest first.
/// An administrator sees every one; other roles approve nothing.
pub async fn awaiting_approval<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
) -> AppResult<Vec<PendingApproval>> {
    if !matches!(who.role, Role::Admin | Role::Contractor) {
        return Ok(Vec::new());
    }
    let mine = record::select::<contract::Entity>(&who.scope())
        .select_only()
        .column(contract::Column::Id)
        .into_query();
    let subs: std::collections::HashMap<Uuid, contract::Model> = contract::Entity::find()
        .filter(contract::Column::ParentContractId.in_subquery(mine))
        .filter(contract::Column::ArchivedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    if subs.is_empty() {
        return Ok(Vec::new());
    }
    let grants: std::collections::HashMap<Uuid, grant::Model> = grant::Entity::find()
        .filter(grant::Column::Id.is_in(subs.values().map(|c| c.grant_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    let names: std::collections::HashMap<Uuid, String> = entity::contractor::Entity::find()
        .filter(entity::contractor::Column::Id.is_in(subs.values().map(|c| c.contractor_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let versions = hours_version::Entity::find()
        .filter(hours_version::Column::ContractId.is_in(subs.keys().copied()))
        .filter(hours_version::Column::Status.eq(HoursStatus::Submitted))
        .order_by_asc(hours_version::Column::Month)
        .order_by_asc(hours_version::Column::ContractId)
        .all(db)
        .await?;
    Ok(versions
        .into_iter()
        .filter_map(|version| {
            let contract = subs.get(&version.contract_id)?.clone();
            let grant = grants.get(&contract.grant_id)?;
            grant.main_contractor_approval.then(|| PendingApproval {
                contractor_name: names
                    .get(&contract.contractor_id)
                    .cloned()
                    .unwrap_or_default(),
                case_number: grant.case_number.clone(),
                contract,
                version,
            })
        })
        .collect())
}

/// The latest version's status of each of a contract's months from `from` on (the to-do grids).
pub async fn latest_statuses<C: ConnectionTrait>(
    db: &C,
    contract_id: Uuid,
    from: chrono::NaiveDate,
) -> AppResult<std::collections::HashMap<chrono::NaiveDate, HoursStatus>> {
    let rows: Vec<(chrono::NaiveDate, i32, HoursStatus)> = hours_version::Entity::find()
        .select_only()
        .column(hours_version::Column::Month)
        .column(hours_version::Column::Number)
        .column(hours_version::Column::Status)
        .filter(hours_version::Column::ContractId.eq(contract_id))
        .filter(hours_version::Column::Month.gte(from))
        .order_by_asc(hours_version::Column::Number)
        .into_tuple()
        .all(db)
        .await?;
    // Ascending by number: the latest version of each month is written last.
    Ok(rows.into_iter().map(|(m, _, s)| (m, s)).collect())
}

/// A month's whole story: its contract, whether it needs the main contractor's approval, its
/// versions (newest first), every step taken on them (in order), and the steps the caller may
/// take now.
pub struct MonthHistory {
    pub contract: contract::Model,
    pub contractor_name: String,
    pub case_number: String,
    pub approval: bool,
    pub versions: Vec<hours_version::Model>,
    pub steps: Vec<hours_status_change::Model>,
    pub next: Vec<Step>,
    /// The names of the persons on the versions' lines, by placement (none for a viewer, who
    /// never sees a person).
    pub names: std::collections::HashMap<Uuid, String>,
}

/// A month's history, for whoever sees the contract or the main contract over it.
pub async fn history<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    contract_id: Uuid,
    month: YearMonth,
) -> AppResult<MonthHistory> {
    let Some(contract) = contract::Entity::find_by_id(contract_id).one(db).await? else {
        return Err(AppError::NotFound {
            entity: Kind::Contract.label(),
            id: contract_id,
        });
    };
    let (actor, grant) = capacities(db, who, &contract).await?;
    let approval = contract.parent_contract_id.is_some() && grant.main_contractor_approval;
    let versions = hours_version::Entity::find()
        .filter(hours_version::Column::ContractId.eq(contract_id))
        .filter(hours_version::Column::Month.eq(month.first_day()))
        .order_by_desc(hours_version::Column::Number)
        .all(db)
        .await?;
    let steps = hours_status_change::Entity::find()
        .filter(hours_status_change::Column::ContractId.eq(contract_id))
        .filter(hours_status_change::Column::Month.eq(month.first_day()))
        .order_by_asc(hours_status_change::Column::At)
        .order_by_asc(hours_status_change::Column::Id)
        .all(db)
        .await?;
    // A month reported before the workflow (or loaded as history) has its report and no version
    // yet: it is shown as the version 1 it is, as a step on it would store it.
    let mut versions = versions;
    if versions.is_empty()
        && let Some(r) = hours_report::Entity::find()
            .filter(hours_report::Column::ContractId.eq(contract_id))
            .filter(hours_report::Column::Month.eq(month.first_day()))
            .one(db)
            .await?
    {
        versions.push(legacy_version(db, &r).await?);
    }
    let latest = versions.first().map(|v| v.status);
    let next = if contract.archived_at.is_some() {
        Vec::new()
    } else {
        Step::ALL
            .into_iter()
            .filter(|s| workflow::next(latest, *s, actor, approval).is_ok())
            .collect()
    };
    let mut names = std::collections::HashMap::new();
    if who.role != Role::Viewer {
        let placements: std::collections::BTreeSet<Uuid> = versions
            .iter()
            .flat_map(|v| version_lines(v).into_iter().map(|l| l.0))
            .collect();
        if !placements.is_empty() {
            let rows: Vec<(Uuid, String)> = entity::placement::Entity::find()
                .select_only()
                .column(entity::placement::Column::Id)
                .column(entity::person::Column::DisplayName)
                .join(
                    sea_orm::JoinType::InnerJoin,
                    entity::placement::Entity::belongs_to(entity::person::Entity)
                        .from(entity::placement::Column::PersonId)
                        .to(entity::person::Column::Id)
                        .into(),
                )
                .filter(entity::placement::Column::Id.is_in(placements))
                .into_tuple()
                .all(db)
                .await?;
            names.extend(rows);
        }
    }
    // A viewer (dashboards) never sees a person: not who declared or took a step either.
    let (mut versions, mut steps) = (versions, steps);
    if who.role == Role::Viewer {
        for v in &mut versions {
            v.declared_by = None;
            v.declared_by_user_id = None;
            v.declared_by_token_id = None;
        }
        for s in &mut steps {
            s.actor = String::new();
            s.user_id = None;
            s.token_id = None;
        }
    }
    let contractor_name = entity::contractor::Entity::find_by_id(contract.contractor_id)
        .one(db)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    Ok(MonthHistory {
        contract,
        contractor_name,
        case_number: grant.case_number,
        approval,
        versions,
        steps,
        next,
        names,
    })
}

/// How one version's figures differ from the one before (total, and each trainee line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionDiff {
    pub from: i32,
    pub to: i32,
    /// (before, after), hundredths of an hour.
    pub total: (i64, i64),
    /// (placement, before, after): every placement on either version, in placement order.
    pub lines: Vec<(Uuid, i64, i64)>,
}

/// The difference between two versions of a month.
pub fn diff(before: &hours_version::Model, after: &hours_version::Model) -> VersionDiff {
    let mut lines: std::collections::BTreeMap<Uuid, (i64, i64)> = Default::default();
    for (p, h) in version_lines(before) {
        lines.entry(p).or_default().0 += h;
    }
    for (p, h) in version_lines(after) {
        lines.entry(p).or_default().1 += h;
    }
    VersionDiff {
        from: before.number,
        to: after.number,
        total: (before.total_centihours, after.total_centihours),
        lines: lines.into_iter().map(|(p, (b, a))| (p, b, a)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(number: i32, total: i64, lines: &[(u128, i64)]) -> hours_version::Model {
        let t = chrono::DateTime::<Utc>::UNIX_EPOCH;
        let lines: Vec<(Uuid, i64)> = lines
            .iter()
            .map(|(p, h)| (Uuid::from_u128(*p), *h))
            .collect();
        hours_version::Model {
            id: Uuid::from_u128(number as u128),
            contract_id: Uuid::from_u128(9),
            month: chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap_or_default(),
            number,
            status: HoursStatus::Accepted,
            no_activity: false,
            total_centihours: total,
            lines: serde_json::to_value(lines).unwrap_or_default(),
            reason: None,
            declaration_version: None,
            declared_by_user_id: None,
            declared_by_token_id: None,
            declared_by: None,
            submitted_at: None,
            created_at: t,
            updated_at: t,
            archived_at: None,
        }
    }

    /// Version 2 raises the total by 20 hours, moves 10 hours from one trainee to another and
    /// adds a third: every placement on either version is listed with both figures.
    #[test]
    fn a_correction_is_shown_against_the_version_before() {
        let v1 = version(1, 100_000, &[(1, 10_000), (2, 5_000)]);
        let v2 = version(2, 102_000, &[(1, 9_000), (2, 6_000), (3, 800)]);
        assert_eq!(
            diff(&v1, &v2),
            VersionDiff {
                from: 1,
                to: 2,
                total: (100_000, 102_000),
                lines: vec![
                    (Uuid::from_u128(1), 10_000, 9_000),
                    (Uuid::from_u128(2), 5_000, 6_000),
                    (Uuid::from_u128(3), 0, 800),
                ],
            }
        );
    }
}
