//! Housing organisations (boligorganisationer) and estates (boligafdelinger) in GraphQL.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};
use entity::{estate, housing_organisation as org};
use uuid::Uuid;

use super::{Grant, children, lifecycle, parent, reads};
use crate::loaders::{EstatesOfOrganisation, GrantsOfEstate};
use tracker_core::service::organisations::*;

/// Boligorganisation: a housing organisation, the bygherre of its estates' LBF grants.
pub struct HousingOrganisation(pub org::Model);

#[Object]
impl HousingOrganisation {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// CVR number.
    async fn cvr(&self) -> Option<&str> {
        self.0.cvr.as_deref()
    }
    /// Boligafdelinger of the organisation (archived ones left out).
    async fn estates(&self, ctx: &Context<'_>) -> Result<Vec<Estate>> {
        children::<EstatesOfOrganisation, _>(ctx, self.0.id, Estate).await
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}

/// Boligafdeling / boligområde: an estate being renovated or built.
pub struct Estate(pub estate::Model);

#[Object]
impl Estate {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Kommune.
    async fn municipality(&self) -> &str {
        &self.0.municipality
    }
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
    /// On the list of udsatte boligområder.
    async fn is_vulnerable_area(&self) -> bool {
        self.0.is_vulnerable_area
    }
    /// The boligorganisation (bygherre).
    async fn organisation(&self, ctx: &Context<'_>) -> Result<HousingOrganisation> {
        parent::<org::Entity, _>(ctx, self.0.organisation_id, HousingOrganisation).await
    }
    /// LBF grants on this estate.
    async fn grants(&self, ctx: &Context<'_>) -> Result<Vec<Grant>> {
        children::<GrantsOfEstate, _>(ctx, self.0.id, Grant).await
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}

reads!(
    HousingOrganisationReads,
    org::Entity,
    HousingOrganisation,
    housing_organisation,
    housing_organisations,
    HousingOrganisationFilter,
    list_organisations,
    "One boligorganisation by id.",
    "Boligorganisationer, oldest first, by name."
);
reads!(
    EstateReads,
    estate::Entity,
    Estate,
    estate,
    estates,
    EstateFilter,
    list_estates,
    "One boligafdeling by id.",
    "Boligafdelinger, oldest first, by organisation or municipality."
);

#[derive(Default)]
pub struct OrganisationMutation;

#[Object]
impl OrganisationMutation {
    /// Register a boligorganisation.
    async fn create_housing_organisation(
        &self,
        ctx: &Context<'_>,
        input: CreateHousingOrganisationInput,
    ) -> Result<HousingOrganisation> {
        crate::audited::audited::<org::Entity, _>(ctx, "create", None, move |t, _| {
            Box::pin(create_organisation(t, input.clone()))
        })
        .await
        .map(HousingOrganisation)
    }

    async fn update_housing_organisation(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateHousingOrganisationInput,
    ) -> Result<HousingOrganisation> {
        crate::audited::audited::<org::Entity, _>(ctx, "update", Some(id), move |t, s| {
            let input = input.clone();
            Box::pin(async move { update_organisation(t, &s, id, input).await })
        })
        .await
        .map(HousingOrganisation)
    }

    /// Register a boligafdeling under an organisation.
    async fn create_estate(&self, ctx: &Context<'_>, input: CreateEstateInput) -> Result<Estate> {
        crate::audited::audited::<estate::Entity, _>(ctx, "create", None, move |t, s| {
            let input = input.clone();
            Box::pin(async move { create_estate(t, &s, input).await })
        })
        .await
        .map(Estate)
    }

    async fn update_estate(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateEstateInput,
    ) -> Result<Estate> {
        crate::audited::audited::<estate::Entity, _>(ctx, "update", Some(id), move |t, s| {
            let input = input.clone();
            Box::pin(async move { update_estate(t, &s, id, input).await })
        })
        .await
        .map(Estate)
    }
}

lifecycle!(
    OrganisationLifecycle,
    org::Entity,
    HousingOrganisation,
    archive_housing_organisation,
    delete_housing_organisation
);
lifecycle!(
    EstateLifecycle,
    estate::Entity,
    Estate,
    archive_estate,
    delete_estate
);
