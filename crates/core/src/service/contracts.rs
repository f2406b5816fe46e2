//! Contractors (entreprenører) and contracts (entrepriser) with their training clause
//! (uddannelsesklausul) or a recorded exemption.

use crate::patch::Patch;
use crate::scalars::DecimalInput;
use chrono::NaiveDate;
use entity::enums::ContractKind;
use entity::{company_documentation, contract, contractor, grant};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select, Set,
};
use uuid::Uuid;

use super::{new_id, now, patch};
use crate::error::{AppError, AppResult};
use crate::record::{self, get_active, referenced};
use crate::scope::Scope;
use crate::units::{dkk_to_ore, hours_to_centi, percent_to_bp, weeks_to_centi};
use crate::validate;

/// New entreprenør.
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct CreateContractorInput {
    /// CVR number: 8 digits with a valid modulus-11 check digit; unique.
    pub cvr: String,
    pub name: String,
}

#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct UpdateContractorInput {
    pub cvr: Option<String>,
    pub name: Option<String>,
}

#[derive(Clone, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct ContractorFilter {
    pub cvr: Option<String>,
    pub name_contains: Option<String>,
    /// Only contractors with a contract on this grant.
    pub grant_id: Option<Uuid>,
    /// Only contractors with a contract the caller sees (for a bygherre: those working on its
    /// grants).
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub with_contract: bool,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub include_archived: bool,
}

async fn ensure_cvr_free<C: ConnectionTrait>(
    db: &C,
    cvr: &str,
    except: Option<Uuid>,
) -> AppResult<()> {
    let mut q = contractor::Entity::find().filter(contractor::Column::Cvr.eq(cvr));
    if let Some(id) = except {
        q = q.filter(contractor::Column::Id.ne(id));
    }
    if q.one(db).await?.is_some() {
        return Err(AppError::conflict(
            format!("a contractor with CVR {cvr} already exists"),
            format!("der findes allerede en entreprenør med CVR {cvr}"),
        ));
    }
    Ok(())
}

pub async fn create_contractor<C: ConnectionTrait>(
    db: &C,
    input: CreateContractorInput,
) -> AppResult<contractor::Model> {
    let cvr = validate::cvr("cvr", &input.cvr)?;
    let name = validate::text("name", &input.name, 200)?;
    ensure_cvr_free(db, &cvr, None).await?;
    let t = now();
    Ok(contractor::ActiveModel {
        id: Set(new_id()),
        cvr: Set(cvr),
        name: Set(name),
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
    }
    .insert(db)
    .await?)
}

pub async fn update_contractor<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
    input: UpdateContractorInput,
) -> AppResult<contractor::Model> {
    let mut m: contractor::ActiveModel = get_active::<contractor::Entity, _>(db, scope, id)
        .await?
        .into();
    if let Some(v) = &input.cvr {
        let cvr = validate::cvr("cvr", v)?;
        ensure_cvr_free(db, &cvr, Some(id)).await?;
        m.cvr = Set(cvr);
    }
    if let Some(v) = &input.name {
        m.name = Set(validate::text("name", v, 200)?);
    }
    m.updated_at = Set(now());
    Ok(m.update(db).await?)
}

pub fn list_contractors(scope: &Scope, f: ContractorFilter) -> Select<contractor::Entity> {
    let mut q = record::select::<contractor::Entity>(scope);
    if let Some(v) = f.cvr {
        q = q.filter(contractor::Column::Cvr.eq(v));
    }
    if let Some(v) = f.name_contains {
        q = q.filter(contractor::Column::Name.contains(v));
    }
    // Through the contracts the caller sees: which companies work on a grant is itself not
    // for a caller outside it.
    if f.grant_id.is_some() || f.with_contract {
        let mut cond = sea_orm::Condition::all();
        if let Some(v) = <contract::Entity as crate::scope::Scoped>::condition(scope) {
            cond = cond.add(v);
        }
        if let Some(g) = f.grant_id {
            cond = cond.add(contract::Column::GrantId.eq(g));
        }
        let sub =
            crate::scope::subquery::<contract::Entity>(contract::Column::ContractorId, Some(cond));
        q = q.filter(contractor::Column::Id.in_subquery(sub));
    }
    if !f.include_archived {
        q = q.filter(contractor::Column::ArchivedAt.is_null());
    }
    q
}

/// The training clause (uddannelsesklausul) of a contract, in the forms Danish bygherrer write:
/// a share of the contract's labour hours (SHARE), a number of trainee hours or elevuger
/// (HOURS), one person in training per N skilled workers (RATIO), or more than one of them;
/// a share or ratio clause may ask that a part of the trainee hours be apprentices', and any
/// clause may lapse for periods the contractor documents a company-wide trainee share at or above
/// a threshold (Aarhus's model).
#[derive(Clone, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct TrainingClauseInput {
    /// HOURS: trainee hours over the contract (not with requiredTraineeWeeks).
    pub required_trainee_hours: Option<DecimalInput>,
    /// HOURS counted in elevuger: weeks of 37 hours over the contract (not with
    /// requiredTraineeHours).
    pub required_trainee_weeks: Option<DecimalInput>,
    /// SHARE: percent of the contract's labour hours, e.g. 14.
    pub required_share_percent: Option<DecimalInput>,
    /// RATIO: one person in training per this many skilled workers (Gentofte: 10), 1 to 1000.
    pub skilled_workers_per_trainee: Option<i32>,
    /// Apprentice part (lærlingeandel) of a SHARE or RATIO clause: at least this percent of the
    /// counted trainee hours must be apprentices' (EUD/EUV/EUX), e.g. 75.
    pub apprentice_part_percent: Option<DecimalInput>,
    /// Company documentation (virksomhedsdokumentation): the clause lapses for a period in which
    /// the contractor documents a company-wide trainee share of at least this percent (Aarhus: 10).
    pub company_documentation_threshold_percent: Option<DecimalInput>,
}

/// A recorded exemption from the clause requirement (R4): why, who approved it, when.
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct ClauseExemptionInput {
    pub reason: String,
    pub approved_by: String,
    pub date: NaiveDate,
}

/// New entreprise on a grant.
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct CreateContractInput {
    pub grant_id: Uuid,
    pub contractor_id: Uuid,
    pub kind: ContractKind,
    /// Required for and only for subcontracts (underentreprise): the contract above it.
    pub parent_contract_id: Option<Uuid>,
    /// Fag, e.g. "tømrer".
    pub trade: String,
    /// Contract value in DKK.
    pub value: DecimalInput,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub training_clause: Option<TrainingClauseInput>,
    pub clause_exemption: Option<ClauseExemptionInput>,
}

/// Changes to a contract; a field left out stays, null clears it.
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct UpdateContractInput {
    pub contractor_id: Option<Uuid>,
    pub kind: Option<ContractKind>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub parent_contract_id: Patch<Uuid>,
    pub trade: Option<String>,
    pub value: Option<DecimalInput>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub training_clause: Patch<TrainingClauseInput>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub clause_exemption: Patch<ClauseExemptionInput>,
}

#[derive(Clone, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct ContractFilter {
    pub grant_id: Option<Uuid>,
    pub contractor_id: Option<Uuid>,
    pub kind: Option<ContractKind>,
    pub trade: Option<String>,
    /// Contracts whose period overlaps [activeFrom, activeTo].
    pub active_from: Option<NaiveDate>,
    pub active_to: Option<NaiveDate>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub include_archived: bool,
}

/// The largest RATIO a clause may state: one person in training per this many skilled workers.
pub const MAX_SKILLED_PER_TRAINEE: i32 = 1000;

fn set_clause(m: &mut contract::ActiveModel, clause: Option<TrainingClauseInput>) -> AppResult<()> {
    let given = clause.is_some();
    let c = clause.unwrap_or_default();
    let field = |name: &str| format!("trainingClause.{name}");
    let hours = c
        .required_trainee_hours
        .map(|v| hours_to_centi(&field("requiredTraineeHours"), v))
        .transpose()?;
    let weeks = c
        .required_trainee_weeks
        .map(|v| weeks_to_centi(&field("requiredTraineeWeeks"), v))
        .transpose()?;
    let share = c
        .required_share_percent
        .map(|v| percent_to_bp(&field("requiredSharePercent"), v))
        .transpose()?;
    let ratio = c.skilled_workers_per_trainee;
    let part = c
        .apprentice_part_percent
        .map(|v| percent_to_bp(&field("apprenticePartPercent"), v))
        .transpose()?;
    let threshold = c
        .company_documentation_threshold_percent
        .map(|v| percent_to_bp(&field("companyDocumentationThresholdPercent"), v))
        .transpose()?;
    if let Some(n) = ratio
        && !(1..=MAX_SKILLED_PER_TRAINEE).contains(&n)
    {
        return Err(AppError::bad_input(
            "trainingClause.skilledWorkersPerTrainee",
            format!(
                "skilledWorkersPerTrainee is one person in training per 1 to {MAX_SKILLED_PER_TRAINEE} skilled workers, got {n}"
            ),
            format!(
                "skilledWorkersPerTrainee er én person under oplæring pr. 1 til {MAX_SKILLED_PER_TRAINEE} faglærte, fik {n}"
            ),
        ));
    }
    if hours.is_some() && weeks.is_some() {
        return Err(AppError::bad_input(
            "trainingClause.requiredTraineeWeeks",
            "an hours clause states hours or elevuger, not both",
            "en timeklausul angiver timer eller elevuger, ikke begge",
        ));
    }
    if part.is_some() && share.is_none() && ratio.is_none() {
        return Err(AppError::bad_input(
            "trainingClause.apprenticePartPercent",
            "an apprentice part belongs to a share clause (requiredSharePercent) or a ratio clause (skilledWorkersPerTrainee)",
            "en lærlingeandel hører til en andelsklausul (requiredSharePercent) eller en forholdstalsklausul (skilledWorkersPerTrainee)",
        ));
    }
    let states_any = hours.is_some() || weeks.is_some() || share.is_some() || ratio.is_some();
    if given && !states_any {
        return Err(AppError::bad_input(
            "trainingClause",
            "a training clause needs at least one of requiredTraineeHours, requiredTraineeWeeks, requiredSharePercent or skilledWorkersPerTrainee",
            "en uddannelsesklausul kræver mindst én af requiredTraineeHours, requiredTraineeWeeks, requiredSharePercent eller skilledWorkersPerTrainee",
        ));
    }
    m.clause_required_centihours = Set(hours);
    m.clause_required_centiweeks = Set(weeks);
    m.clause_required_share_bp = Set(share);
    m.clause_skilled_per_trainee = Set(ratio);
    m.clause_apprentice_part_bp = Set(part);
    m.clause_company_threshold_bp = Set(threshold);
    Ok(())
}

/// Whether a contract (as it is about to be written) carries a clause of any form.
fn has_clause(m: &contract::ActiveModel) -> bool {
    m.clause_required_centihours.as_ref().is_some()
        || m.clause_required_centiweeks.as_ref().is_some()
        || m.clause_required_share_bp.as_ref().is_some()
        || m.clause_skilled_per_trainee.as_ref().is_some()
}

fn set_exemption(
    m: &mut contract::ActiveModel,
    exemption: Option<ClauseExemptionInput>,
) -> AppResult<()> {
    let (reason, by, date) = match exemption {
        None => (None, None, None),
        Some(e) => (
            Some(validate::text("clauseExemption.reason", &e.reason, 2000)?),
            Some(validate::text(
                "clauseExemption.approvedBy",
                &e.approved_by,
                200,
            )?),
            Some(e.date),
        ),
    };
    m.exemption_reason = Set(reason);
    m.exemption_approved_by = Set(by);
    m.exemption_date = Set(date);
    Ok(())
}

/// Whole-contract checks after all changes are applied: period, kind vs parent, clause vs
/// exemption, parent on the same grant.
async fn check_contract<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    m: &contract::ActiveModel,
) -> AppResult<()> {
    let start = *m.start_date.as_ref();
    validate::date_order("endDate", start, Some(*m.end_date.as_ref()))?;
    if has_clause(m) && m.exemption_reason.as_ref().is_some() {
        return Err(AppError::bad_input(
            "clauseExemption",
            "a contract carries either a training clause or an exemption, not both",
            "en kontrakt har enten en uddannelsesklausul eller en undtagelse, ikke begge",
        ));
    }
    let kind = *m.kind.as_ref();
    match (*m.parent_contract_id.as_ref(), kind) {
        (None, ContractKind::Sub) => Err(AppError::bad_input(
            "parentContractId",
            "a subcontract (underentreprise) needs the contract it is under",
            "en underentreprise skal angive den kontrakt, den hører under",
        )),
        (Some(_), k) if k != ContractKind::Sub => Err(AppError::bad_input(
            "parentContractId",
            "only subcontracts (kind SUB) have a parent contract",
            "kun underentrepriser (kind SUB) har en overordnet kontrakt",
        )),
        (Some(parent_id), _) => {
            if m.id.as_ref() == &parent_id {
                return Err(AppError::bad_input(
                    "parentContractId",
                    "a contract cannot be its own parent",
                    "en kontrakt kan ikke være sin egen overordnede kontrakt",
                ));
            }
            let parent =
                referenced::<contract::Entity, _>(db, scope, "parentContractId", parent_id).await?;
            if parent.grant_id != *m.grant_id.as_ref() {
                return Err(AppError::bad_input(
                    "parentContractId",
                    "the parent contract belongs to another grant",
                    "den overordnede kontrakt hører til et andet LBF-tilsagn",
                ));
            }
            Ok(())
        }
        (None, _) => Ok(()),
    }
}

pub async fn create_contract<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    input: CreateContractInput,
) -> AppResult<contract::Model> {
    referenced::<grant::Entity, _>(db, scope, "grantId", input.grant_id).await?;
    referenced::<contractor::Entity, _>(db, scope, "contractorId", input.contractor_id).await?;
    let t = now();
    let mut m = contract::ActiveModel {
        id: Set(new_id()),
        grant_id: Set(input.grant_id),
        contractor_id: Set(input.contractor_id),
        kind: Set(input.kind),
        parent_contract_id: Set(input.parent_contract_id),
        trade: Set(validate::text("trade", &input.trade, 100)?),
        value_ore: Set(dkk_to_ore("value", input.value)?),
        start_date: Set(input.start_date),
        end_date: Set(input.end_date),
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
        ..Default::default()
    };
    set_clause(&mut m, input.training_clause)?;
    set_exemption(&mut m, input.clause_exemption)?;
    check_contract(db, scope, &m).await?;
    Ok(m.insert(db).await?)
}

pub async fn update_contract<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
    input: UpdateContractInput,
) -> AppResult<contract::Model> {
    let mut m: contract::ActiveModel = get_active::<contract::Entity, _>(db, scope, id)
        .await?
        .into();
    if let Some(v) = input.contractor_id {
        referenced::<contractor::Entity, _>(db, scope, "contractorId", v).await?;
        m.contractor_id = Set(v);
    }
    if let Some(v) = input.kind {
        m.kind = Set(v);
    }
    patch(&mut m.parent_contract_id, input.parent_contract_id, Ok)?;
    if let Some(v) = &input.trade {
        m.trade = Set(validate::text("trade", v, 100)?);
    }
    if let Some(v) = input.value {
        m.value_ore = Set(dkk_to_ore("value", v)?);
    }
    if let Some(v) = input.start_date {
        m.start_date = Set(v);
    }
    if let Some(v) = input.end_date {
        m.end_date = Set(v);
    }
    if let Some(c) = Option::<Option<_>>::from(input.training_clause) {
        set_clause(&mut m, c)?;
    }
    if let Some(e) = Option::<Option<_>>::from(input.clause_exemption) {
        set_exemption(&mut m, e)?;
    }
    check_contract(db, scope, &m).await?;
    m.updated_at = Set(now());
    Ok(m.update(db).await?)
}

pub fn list_contracts(scope: &Scope, f: ContractFilter) -> Select<contract::Entity> {
    let mut q = record::select::<contract::Entity>(scope);
    if let Some(v) = f.grant_id {
        q = q.filter(contract::Column::GrantId.eq(v));
    }
    if let Some(v) = f.contractor_id {
        q = q.filter(contract::Column::ContractorId.eq(v));
    }
    if let Some(v) = f.kind {
        q = q.filter(contract::Column::Kind.eq(v));
    }
    if let Some(v) = f.trade {
        q = q.filter(contract::Column::Trade.eq(v));
    }
    if let Some(v) = f.active_from {
        q = q.filter(contract::Column::EndDate.gte(v));
    }
    if let Some(v) = f.active_to {
        q = q.filter(contract::Column::StartDate.lte(v));
    }
    if !f.include_archived {
        q = q.filter(contract::Column::ArchivedAt.is_null());
    }
    q
}

/// A contractor's documented company-wide trainee share for a period (Aarhus's model), on a
/// contract whose clause names the threshold that lets it lapse.
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct RecordCompanyDocumentationInput {
    pub contract_id: Uuid,
    /// First and last day the documentation covers (both counted).
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// The company-wide trainee share documented, in percent, e.g. 11.5.
    pub documented_share_percent: DecimalInput,
    /// The document it rests on: its title, file name or journal number.
    pub document: String,
    /// Who recorded it.
    pub recorded_by: String,
}

/// Records a period of company documentation on a contract. BAD_USER_INPUT when the contract's
/// clause names no threshold (there is nothing to lapse), when the period is reversed or lies
/// wholly outside the contract's period, or on a bad share or text.
pub async fn record_company_documentation<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    input: RecordCompanyDocumentationInput,
) -> AppResult<company_documentation::Model> {
    let c = referenced::<contract::Entity, _>(db, scope, "contractId", input.contract_id).await?;
    let share = percent_to_bp("documentedSharePercent", input.documented_share_percent)?;
    let document = validate::text("document", &input.document, 500)?;
    let recorded_by = validate::text("recordedBy", &input.recorded_by, 200)?;
    validate::date_order("periodTo", input.period_from, Some(input.period_to))?;
    if c.clause_company_threshold_bp.is_none() {
        return Err(AppError::bad_input(
            "contractId",
            "the contract's training clause names no company-documentation threshold: set trainingClause.companyDocumentationThresholdPercent first",
            "kontraktens uddannelsesklausul angiver ingen tærskel for virksomhedsdokumentation: angiv trainingClause.companyDocumentationThresholdPercent først",
        ));
    }
    if input.period_to < c.start_date || input.period_from > c.end_date {
        return Err(AppError::bad_input(
            "periodFrom",
            format!(
                "the period {}..{} lies outside the contract's period {}..{}",
                input.period_from, input.period_to, c.start_date, c.end_date
            ),
            format!(
                "perioden {}–{} ligger uden for kontraktens periode {}–{}",
                crate::i18n::da_date(input.period_from),
                crate::i18n::da_date(input.period_to),
                crate::i18n::da_date(c.start_date),
                crate::i18n::da_date(c.end_date)
            ),
        ));
    }
    let t = now();
    Ok(company_documentation::ActiveModel {
        id: Set(new_id()),
        contract_id: Set(c.id),
        grant_id: Set(c.grant_id),
        period_from: Set(input.period_from),
        period_to: Set(input.period_to),
        documented_share_bp: Set(share),
        document: Set(document),
        recorded_by: Set(recorded_by),
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
    }
    .insert(db)
    .await?)
}

/// A contract's company documentation (active first by period), within scope.
pub fn list_company_documentation(
    scope: &Scope,
    contract_id: Uuid,
) -> Select<company_documentation::Entity> {
    use sea_orm::QueryOrder;
    record::select::<company_documentation::Entity>(scope)
        .filter(company_documentation::Column::ContractId.eq(contract_id))
        .order_by_asc(company_documentation::Column::PeriodFrom)
        .order_by_asc(company_documentation::Column::Id)
}
