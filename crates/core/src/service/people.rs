//! Persons (minimal personal data, never a CPR number) and their trainee placements
//! (lære- og praktikpladser).

use crate::patch::Patch;
use chrono::NaiveDate;
use entity::enums::{PlacementKind, PlacementStatus};
use entity::{contract, grant, person, placement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, Select,
    Set,
};
use uuid::Uuid;

use super::{new_id, now, patch};
use crate::error::{AppError, AppResult};
use crate::record::{self, get_active, referenced};
use crate::scope::Scope;
use crate::validate;

/// New person: only what the tracker needs (name or pseudonym, birth year, residence, consent).
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct CreatePersonInput {
    /// Name or pseudonym.
    pub display_name: String,
    pub birth_year: Option<i32>,
    /// Lives in the estate being renovated (beboer).
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub lives_in_estate: bool,
    /// Date the person consented to being registered.
    pub consent_date: Option<NaiveDate>,
}

#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct UpdatePersonInput {
    pub display_name: Option<String>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub birth_year: Patch<i32>,
    pub lives_in_estate: Option<bool>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub consent_date: Patch<NaiveDate>,
}

#[derive(Clone, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct PersonFilter {
    pub lives_in_estate: Option<bool>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub include_archived: bool,
}

/// Who registered a person: an API token or a signed-in user (or neither: the command line and
/// the demo seeder). It keeps the person visible to the registering contractor or tovholder
/// before any placement links them to a site.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Registrar {
    pub token: Option<Uuid>,
    pub user: Option<Uuid>,
}

impl Registrar {
    /// The caller as a registrar: its user if signed in, else its token (never the nil id a
    /// user's principal carries for its token, which every user shares).
    pub fn of(p: &crate::auth::Principal) -> Self {
        match p.user_id {
            Some(user) => Self {
                token: None,
                user: Some(user),
            },
            None => Self {
                token: Some(p.token_id).filter(|t| !t.is_nil()),
                user: None,
            },
        }
    }
}

pub async fn create_person<C: ConnectionTrait>(
    db: &C,
    input: CreatePersonInput,
    created_by: Registrar,
) -> AppResult<person::Model> {
    let t = now();
    Ok(person::ActiveModel {
        id: Set(new_id()),
        display_name: Set(validate::text("displayName", &input.display_name, 200)?),
        birth_year: Set(input
            .birth_year
            .map(|y| validate::birth_year("birthYear", y))
            .transpose()?),
        lives_in_estate: Set(input.lives_in_estate),
        consent_date: Set(input.consent_date),
        erased_at: Set(None),
        created_by_token_id: Set(created_by.token),
        created_by_user_id: Set(created_by.user),
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
    }
    .insert(db)
    .await?)
}

pub async fn update_person<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
    input: UpdatePersonInput,
) -> AppResult<person::Model> {
    let current = get_active::<person::Entity, _>(db, scope, id).await?;
    if current.erased_at.is_some() {
        return Err(AppError::conflict(
            format!("person {id} was erased and can no longer be changed"),
            format!("person {id} er slettet og kan ikke længere ændres"),
        ));
    }
    let mut m: person::ActiveModel = current.into();
    if let Some(v) = &input.display_name {
        m.display_name = Set(validate::text("displayName", v, 200)?);
    }
    patch(&mut m.birth_year, input.birth_year, |y| {
        validate::birth_year("birthYear", y)
    })?;
    if let Some(v) = input.lives_in_estate {
        m.lives_in_estate = Set(v);
    }
    patch(&mut m.consent_date, input.consent_date, Ok)?;
    m.updated_at = Set(now());
    Ok(m.update(db).await?)
}

pub fn list_persons(scope: &Scope, f: PersonFilter) -> Select<person::Entity> {
    let mut q = record::select::<person::Entity>(scope);
    if let Some(v) = f.lives_in_estate {
        q = q.filter(person::Column::LivesInEstate.eq(v));
    }
    if !f.include_archived {
        q = q.filter(person::Column::ArchivedAt.is_null());
    }
    q
}

/// New trainee placement: a person on a contract of a grant.
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct CreatePlacementInput {
    pub person_id: Uuid,
    pub grant_id: Uuid,
    /// Must be a contract on the same grant.
    pub contract_id: Uuid,
    pub kind: PlacementKind,
    /// Fag, e.g. "murer".
    pub trade: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    /// Defaults to PLANNED.
    pub status: Option<PlacementStatus>,
    /// The contractor's own employee number (medarbejdernummer) of the person, by which payroll
    /// files name the trainee. Never a CPR number.
    pub employee_number: Option<String>,
}

#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct UpdatePlacementInput {
    /// Move to another contract of the same grant.
    pub contract_id: Option<Uuid>,
    pub kind: Option<PlacementKind>,
    pub trade: Option<String>,
    pub start_date: Option<NaiveDate>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub end_date: Patch<NaiveDate>,
    pub status: Option<PlacementStatus>,
    /// Left out = unchanged, null = cleared.
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub employee_number: Patch<String>,
}

#[derive(Clone, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct PlacementFilter {
    pub grant_id: Option<Uuid>,
    pub contract_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub kind: Option<PlacementKind>,
    pub status: Option<PlacementStatus>,
    pub trade: Option<String>,
    /// Placements whose period overlaps [activeFrom, activeTo] (an open end counts as ongoing).
    pub active_from: Option<NaiveDate>,
    pub active_to: Option<NaiveDate>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub include_archived: bool,
}

/// An employee number as a payroll system prints it: 1 to 40 letters, digits, '-', '_', '.' or
/// '/'. Ten digits in a row look like a CPR number, which this tracker never stores.
pub fn employee_number(value: &str) -> AppResult<String> {
    let v = value.trim();
    let fine = !v.is_empty()
        && v.len() <= 40
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if !fine {
        return Err(AppError::bad_input(
            "employeeNumber",
            "an employee number is 1 to 40 letters, digits, '-', '_', '.' or '/'",
            "et medarbejdernummer er 1 til 40 bogstaver, cifre, '-', '_', '.' eller '/'",
        ));
    }
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 10 && v.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return Err(AppError::bad_input(
            "employeeNumber",
            "this looks like a CPR number; use the payroll system's employee number instead",
            "det ligner et CPR-nummer; brug lønsystemets medarbejdernummer i stedet",
        ));
    }
    Ok(v.to_owned())
}

/// On one contract an employee number names one person: a payroll line must not be able to mean
/// two people.
async fn number_free<C: ConnectionTrait>(
    db: &C,
    contract_id: Uuid,
    number: &str,
    person_id: Uuid,
) -> AppResult<()> {
    let taken = placement::Entity::find()
        .filter(placement::Column::ContractId.eq(contract_id))
        .filter(placement::Column::EmployeeNumber.eq(number))
        .filter(placement::Column::PersonId.ne(person_id))
        .filter(placement::Column::ArchivedAt.is_null())
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(AppError::bad_input(
            "employeeNumber",
            format!("employee number {number} is already another person's on this contract"),
            format!("medarbejdernummer {number} er allerede en anden persons på denne kontrakt"),
        ));
    }
    Ok(())
}

async fn contract_on_grant<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    contract_id: Uuid,
    grant_id: Uuid,
) -> AppResult<()> {
    let c = referenced::<contract::Entity, _>(db, scope, "contractId", contract_id).await?;
    if c.grant_id != grant_id {
        return Err(AppError::bad_input(
            "contractId",
            format!("contract {contract_id} belongs to another grant than {grant_id}"),
            format!("kontrakt {contract_id} hører til et andet LBF-tilsagn end {grant_id}"),
        ));
    }
    Ok(())
}

pub async fn create_placement<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    input: CreatePlacementInput,
) -> AppResult<placement::Model> {
    referenced::<person::Entity, _>(db, scope, "personId", input.person_id).await?;
    referenced::<grant::Entity, _>(db, scope, "grantId", input.grant_id).await?;
    contract_on_grant(db, scope, input.contract_id, input.grant_id).await?;
    validate::date_order("endDate", input.start_date, input.end_date)?;
    let employee_number = match input.employee_number.as_deref() {
        Some(v) => Some(employee_number(v)?),
        None => None,
    };
    if let Some(number) = &employee_number {
        number_free(db, input.contract_id, number, input.person_id).await?;
    }
    let t = now();
    Ok(placement::ActiveModel {
        id: Set(new_id()),
        person_id: Set(input.person_id),
        grant_id: Set(input.grant_id),
        contract_id: Set(input.contract_id),
        kind: Set(input.kind),
        trade: Set(validate::text("trade", &input.trade, 100)?),
        start_date: Set(input.start_date),
        end_date: Set(input.end_date),
        status: Set(input.status.unwrap_or(PlacementStatus::Planned)),
        employee_number: Set(employee_number),
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
    }
    .insert(db)
    .await?)
}

pub async fn update_placement<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
    input: UpdatePlacementInput,
) -> AppResult<placement::Model> {
    let current = get_active::<placement::Entity, _>(db, scope, id).await?;
    let grant_id = current.grant_id;
    let mut m: placement::ActiveModel = current.into();
    if let Some(v) = input.contract_id {
        contract_on_grant(db, scope, v, grant_id).await?;
        m.contract_id = Set(v);
    }
    if let Some(v) = input.kind {
        m.kind = Set(v);
    }
    if let Some(v) = &input.trade {
        m.trade = Set(validate::text("trade", v, 100)?);
    }
    if let Some(v) = input.start_date {
        m.start_date = Set(v);
    }
    patch(&mut m.end_date, input.end_date, Ok)?;
    if let Some(v) = input.status {
        m.status = Set(v);
    }
    patch(&mut m.employee_number, input.employee_number, |v| {
        employee_number(&v)
    })?;
    if let Some(number) = m.employee_number.as_ref() {
        number_free(db, *m.contract_id.as_ref(), number, *m.person_id.as_ref()).await?;
    }
    validate::date_order("endDate", *m.start_date.as_ref(), *m.end_date.as_ref())?;
    m.updated_at = Set(now());
    Ok(m.update(db).await?)
}

pub fn list_placements(scope: &Scope, f: PlacementFilter) -> Select<placement::Entity> {
    use placement::Column as P;
    let mut q = record::select::<placement::Entity>(scope);
    if let Some(v) = f.grant_id {
        q = q.filter(P::GrantId.eq(v));
    }
    if let Some(v) = f.contract_id {
        q = q.filter(P::ContractId.eq(v));
    }
    if let Some(v) = f.person_id {
        q = q.filter(P::PersonId.eq(v));
    }
    if let Some(v) = f.kind {
        q = q.filter(P::Kind.eq(v));
    }
    if let Some(v) = f.status {
        q = q.filter(P::Status.eq(v));
    }
    if let Some(v) = f.trade {
        q = q.filter(P::Trade.eq(v));
    }
    if let Some(v) = f.active_from {
        q = q.filter(P::EndDate.is_null().or(P::EndDate.gte(v)));
    }
    if let Some(v) = f.active_to {
        q = q.filter(P::StartDate.lte(v));
    }
    if !f.include_archived {
        q = q.filter(P::ArchivedAt.is_null());
    }
    q
}

/// Shown instead of an erased person's name.
pub const ERASED_NAME: &str = "Anonymiseret person";

/// Right to erasure: replaces the person's personal fields, keeps their placements and hours (so
/// every total stays as it was), and clears free-text next plans that may describe them.
/// Erasure is final: an erased person can no longer be changed.
pub async fn erase_person<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
) -> AppResult<person::Model> {
    let current = record::get::<person::Entity, _>(db, scope, id).await?;
    if current.erased_at.is_some() {
        return Err(AppError::conflict(
            format!("person {id} is erased already"),
            format!("person {id} er allerede slettet"),
        ));
    }
    let t = now();
    let mut m: person::ActiveModel = current.into();
    m.display_name = Set(ERASED_NAME.into());
    m.birth_year = Set(None);
    m.lives_in_estate = Set(false);
    m.consent_date = Set(None);
    m.erased_at = Set(Some(t));
    m.updated_at = Set(t);
    let erased = m.update(db).await?;
    <entity::trial_placement::Entity as sea_orm::EntityTrait>::update_many()
        .col_expr(
            entity::trial_placement::Column::NextPlan,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .filter(entity::trial_placement::Column::PersonId.eq(id))
        .exec(db)
        .await?;
    scrub_audit_trail(db, id).await?;
    Ok(erased)
}

/// Removes the person's personal fields from every audit row that holds them (the person's own
/// rows, before and after images, and their snusepraktik rows' next plans), in the erasure's
/// transaction: an erased name must not be readable back from the audit trail.
async fn scrub_audit_trail<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<()> {
    use entity::{audit_log, trial_placement};
    use sea_orm::{ActiveModelTrait, Condition, EntityTrait, QuerySelect};
    let trials: Vec<Uuid> = trial_placement::Entity::find()
        .select_only()
        .column(trial_placement::Column::Id)
        .filter(trial_placement::Column::PersonId.eq(id))
        .into_tuple()
        .all(db)
        .await?;
    let rows = audit_log::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(audit_log::Column::Entity.eq("Person"))
                        .add(audit_log::Column::EntityId.eq(id)),
                )
                .add(
                    Condition::all()
                        .add(audit_log::Column::Entity.eq("Trial placement"))
                        .add(audit_log::Column::EntityId.is_in(trials)),
                ),
        )
        .all(db)
        .await?;
    for row in rows {
        let person =
            crate::record::Kind::from_label(&row.entity) == Some(crate::record::Kind::Person);
        let mut m: audit_log::ActiveModel = row.clone().into();
        m.before = Set(row.before.map(|v| scrub_image(v, person)));
        m.after = Set(row.after.map(|v| scrub_image(v, person)));
        m.update(db).await?;
    }
    Ok(())
}

/// A person's (or a snusepraktik's) stored image with the personal fields erased, as the erased
/// row itself now reads.
pub fn scrub_image(mut v: serde_json::Value, person: bool) -> serde_json::Value {
    use serde_json::Value;
    if let Some(o) = v.as_object_mut() {
        if person {
            o.insert("display_name".into(), Value::from(ERASED_NAME));
            o.insert("birth_year".into(), Value::Null);
            o.insert("consent_date".into(), Value::Null);
            o.insert("lives_in_estate".into(), Value::Bool(false));
        } else {
            o.insert("next_plan".into(), Value::Null);
        }
    }
    v
}

/// Right of access: everything held about one person, as JSON.
pub async fn export_person<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
) -> AppResult<serde_json::Value> {
    use entity::{hours_line, hours_report, trial_placement};
    use sea_orm::EntityTrait;
    let p = record::get::<person::Entity, _>(db, scope, id).await?;
    let placements = placement::Entity::find()
        .filter(placement::Column::PersonId.eq(id))
        .all(db)
        .await?;
    let lines = hours_line::Entity::find()
        .filter(hours_line::Column::PlacementId.is_in(placements.iter().map(|p| p.id)))
        .all(db)
        .await?;
    let months: std::collections::HashMap<Uuid, NaiveDate> = hours_report::Entity::find()
        .filter(hours_report::Column::Id.is_in(lines.iter().map(|l| l.report_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.month))
        .collect();
    let trials = trial_placement::Entity::find()
        .filter(trial_placement::Column::PersonId.eq(id))
        .all(db)
        .await?;
    let hours = |pl: Uuid| {
        lines
            .iter()
            .filter(|l| l.placement_id == pl)
            .map(|l| {
                serde_json::json!({
                    "month": months.get(&l.report_id).map(|m| m.format("%Y-%m").to_string()),
                    "hours": crate::units::from_hundredths(l.centihours).to_string(),
                })
            })
            .collect::<Vec<_>>()
    };
    Ok(serde_json::json!({
        "person": {
            "id": p.id,
            "displayName": p.display_name,
            "birthYear": p.birth_year,
            "livesInEstate": p.lives_in_estate,
            "consentDate": p.consent_date,
            "erasedAt": p.erased_at,
            "createdAt": p.created_at,
        },
        "placements": placements.iter().map(|pl| serde_json::json!({
            "id": pl.id,
            "grantId": pl.grant_id,
            "contractId": pl.contract_id,
            "kind": pl.kind,
            "trade": pl.trade,
            "startDate": pl.start_date,
            "endDate": pl.end_date,
            "status": pl.status,
            "hours": hours(pl.id),
        })).collect::<Vec<_>>(),
        "trialPlacements": trials.iter().map(|t| serde_json::json!({
            "id": t.id,
            "grantId": t.grant_id,
            "tovholder": t.tovholder,
            "startDate": t.start_date,
            "endDate": t.end_date,
            "tradesTried": t.trades_tried,
            "outcome": t.outcome,
            "outcomeDate": t.outcome_date,
            "nextPlan": t.next_plan,
        })).collect::<Vec<_>>(),
    }))
}
