//! Housing organisations (boligorganisationer) and their estates (boligafdelinger).

use crate::patch::Patch;
use entity::{estate, housing_organisation as org};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, Select, Set};
use uuid::Uuid;

use super::{new_id, now, patch};
use crate::error::AppResult;
use crate::record::{self, get_active, referenced};
use crate::scope::Scope;
use crate::validate;

/// New boligorganisation.
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct CreateHousingOrganisationInput {
    pub name: String,
    /// CVR number (8 digits, modulus-11 checked).
    pub cvr: Option<String>,
}

#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct UpdateHousingOrganisationInput {
    pub name: Option<String>,
    /// null clears it.
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub cvr: Patch<String>,
}

#[derive(Clone, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct HousingOrganisationFilter {
    /// Case-insensitive part of the name.
    pub name_contains: Option<String>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub include_archived: bool,
}

pub async fn create_organisation<C: ConnectionTrait>(
    db: &C,
    input: CreateHousingOrganisationInput,
) -> AppResult<org::Model> {
    let name = validate::text("name", &input.name, 200)?;
    let cvr = input
        .cvr
        .as_deref()
        .map(|c| validate::cvr("cvr", c))
        .transpose()?;
    let t = now();
    Ok(org::ActiveModel {
        id: Set(new_id()),
        name: Set(name),
        cvr: Set(cvr),
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
    }
    .insert(db)
    .await?)
}

pub async fn update_organisation<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
    input: UpdateHousingOrganisationInput,
) -> AppResult<org::Model> {
    let mut m: org::ActiveModel = get_active::<org::Entity, _>(db, scope, id).await?.into();
    if let Some(name) = &input.name {
        m.name = Set(validate::text("name", name, 200)?);
    }
    patch(&mut m.cvr, input.cvr, |c| validate::cvr("cvr", &c))?;
    m.updated_at = Set(now());
    Ok(m.update(db).await?)
}

pub fn list_organisations(scope: &Scope, f: HousingOrganisationFilter) -> Select<org::Entity> {
    let mut q = record::select::<org::Entity>(scope);
    if let Some(n) = f.name_contains {
        q = q.filter(org::Column::Name.contains(n));
    }
    if !f.include_archived {
        q = q.filter(org::Column::ArchivedAt.is_null());
    }
    q
}

/// New boligafdeling under an organisation.
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct CreateEstateInput {
    pub organisation_id: Uuid,
    pub name: String,
    /// Kommune.
    pub municipality: String,
    pub address: Option<String>,
    /// On the list of udsatte boligområder.
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub is_vulnerable_area: bool,
}

#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct UpdateEstateInput {
    pub name: Option<String>,
    pub municipality: Option<String>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub address: Patch<String>,
    pub is_vulnerable_area: Option<bool>,
}

#[derive(Clone, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct EstateFilter {
    pub organisation_id: Option<Uuid>,
    pub municipality: Option<String>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub include_archived: bool,
}

pub async fn create_estate<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    input: CreateEstateInput,
) -> AppResult<estate::Model> {
    referenced::<org::Entity, _>(db, scope, "organisationId", input.organisation_id).await?;
    let t = now();
    Ok(estate::ActiveModel {
        id: Set(new_id()),
        organisation_id: Set(input.organisation_id),
        name: Set(validate::text("name", &input.name, 200)?),
        municipality: Set(validate::text("municipality", &input.municipality, 100)?),
        address: Set(validate::opt_text(
            "address",
            input.address.as_deref(),
            300,
        )?),
        is_vulnerable_area: Set(input.is_vulnerable_area),
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
    }
    .insert(db)
    .await?)
}

pub async fn update_estate<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
    input: UpdateEstateInput,
) -> AppResult<estate::Model> {
    let mut m: estate::ActiveModel = get_active::<estate::Entity, _>(db, scope, id).await?.into();
    if let Some(v) = &input.name {
        m.name = Set(validate::text("name", v, 200)?);
    }
    if let Some(v) = &input.municipality {
        m.municipality = Set(validate::text("municipality", v, 100)?);
    }
    patch(&mut m.address, input.address, |v| {
        validate::text("address", &v, 300)
    })?;
    if let Some(v) = input.is_vulnerable_area {
        m.is_vulnerable_area = Set(v);
    }
    m.updated_at = Set(now());
    Ok(m.update(db).await?)
}

pub fn list_estates(scope: &Scope, f: EstateFilter) -> Select<estate::Entity> {
    let mut q = record::select::<estate::Entity>(scope);
    if let Some(v) = f.organisation_id {
        q = q.filter(estate::Column::OrganisationId.eq(v));
    }
    if let Some(v) = f.municipality {
        q = q.filter(estate::Column::Municipality.eq(v));
    }
    if !f.include_archived {
        q = q.filter(estate::Column::ArchivedAt.is_null());
    }
    q
}
