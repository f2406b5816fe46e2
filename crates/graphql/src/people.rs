//! Persons and trainee placements (lære- og praktikpladser) in GraphQL.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{PlacementKind, PlacementStatus};
use entity::{contract, grant, person, placement};
use uuid::Uuid;

use super::{Contract, Grant, HoursLine, TrialPlacement, children, lifecycle, parent, reads};
use crate::loaders::{LinesOfPlacement, PlacementsOfPerson, TrialsOfPerson};
use tracker_core::service::people::*;

fn personal(ctx: &Context<'_>) -> Result<()> {
    if super::scope(ctx).sees_persons() {
        Ok(())
    } else {
        Err(tracker_core::error::AppError::forbidden(
            "this API token may not read personal data",
            "dette API-token må ikke læse personoplysninger",
        )
        .into())
    }
}

/// A person on site: trainee or snusepraktik participant. Minimal personal data, never a CPR
/// number.
pub struct Person(pub person::Model);

#[Object]
impl Person {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// Name or pseudonym. FORBIDDEN for a VIEWER token (which cannot reach a person anyway;
    /// this guards the field too).
    async fn display_name(&self, ctx: &Context<'_>) -> Result<&str> {
        personal(ctx)?;
        Ok(&self.0.display_name)
    }
    /// FORBIDDEN for a VIEWER token.
    async fn birth_year(&self, ctx: &Context<'_>) -> Result<Option<i32>> {
        personal(ctx)?;
        Ok(self.0.birth_year)
    }
    /// Lives in the estate being renovated (beboer).
    async fn lives_in_estate(&self) -> bool {
        self.0.lives_in_estate
    }
    async fn consent_date(&self) -> Option<NaiveDate> {
        self.0.consent_date
    }
    /// Set when the person was anonymised (right to erasure).
    async fn erased_at(&self) -> Option<DateTime<Utc>> {
        self.0.erased_at
    }
    async fn placements(&self, ctx: &Context<'_>) -> Result<Vec<Placement>> {
        children::<PlacementsOfPerson, _>(ctx, self.0.id, Placement).await
    }
    async fn trial_placements(&self, ctx: &Context<'_>) -> Result<Vec<TrialPlacement>> {
        children::<TrialsOfPerson, _>(ctx, self.0.id, TrialPlacement).await
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

/// Lære- eller praktikplads: a person's placement on a contract.
pub struct Placement(pub placement::Model);

#[Object]
impl Placement {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn kind(&self) -> PlacementKind {
        self.0.kind
    }
    /// Whether the hours count towards the 14 % (person under oplæring).
    async fn counts_towards_share(&self) -> bool {
        self.0.kind.counts_as_training()
    }
    /// Lærling (EUD/EUV/EUX) in LBF's yearly report; otherwise "anden oplæring" if counted.
    async fn is_apprentice(&self) -> bool {
        self.0.kind.is_apprentice()
    }
    /// Fag.
    async fn trade(&self) -> &str {
        &self.0.trade
    }
    async fn start_date(&self) -> NaiveDate {
        self.0.start_date
    }
    async fn end_date(&self) -> Option<NaiveDate> {
        self.0.end_date
    }
    async fn status(&self) -> PlacementStatus {
        self.0.status
    }
    /// The contractor's employee number (medarbejdernummer) by which payroll files name the trainee.
    async fn employee_number(&self) -> Option<&str> {
        self.0.employee_number.as_deref()
    }
    async fn person(&self, ctx: &Context<'_>) -> Result<Person> {
        parent::<person::Entity, _>(ctx, self.0.person_id, Person).await
    }
    async fn grant(&self, ctx: &Context<'_>) -> Result<Grant> {
        parent::<grant::Entity, _>(ctx, self.0.grant_id, Grant).await
    }
    async fn contract(&self, ctx: &Context<'_>) -> Result<Contract> {
        parent::<contract::Entity, _>(ctx, self.0.contract_id, Contract).await
    }
    /// The placement's lines in the monthly hours reports.
    async fn hours_lines(&self, ctx: &Context<'_>) -> Result<Vec<HoursLine>> {
        children::<LinesOfPlacement, _>(ctx, self.0.id, HoursLine).await
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
    PersonReads,
    person::Entity,
    Person,
    person,
    persons,
    PersonFilter,
    list_persons,
    "One person by id.",
    "Persons, oldest first."
);
reads!(
    PlacementReads,
    placement::Entity,
    Placement,
    placement,
    placements,
    PlacementFilter,
    list_placements,
    "One lære- eller praktikplads by id.",
    "Lære- og praktikpladser, oldest first, by grant, contract, person, kind, status, trade or period."
);

#[derive(Default)]
pub struct PeopleMutation;

#[Object]
impl PeopleMutation {
    /// Register a person (minimal data: name or pseudonym, birth year, residence, consent).
    async fn create_person(&self, ctx: &Context<'_>, input: CreatePersonInput) -> Result<Person> {
        let by = Registrar::of(super::principal(ctx));
        crate::audited::audited::<person::Entity, _>(ctx, "create", None, move |t, _| {
            Box::pin(create_person(t, input.clone(), by))
        })
        .await
        .map(Person)
    }

    async fn update_person(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdatePersonInput,
    ) -> Result<Person> {
        crate::audited::audited::<person::Entity, _>(ctx, "update", Some(id), move |t, s| {
            let input = input.clone();
            Box::pin(async move { update_person(t, &s, id, input).await })
        })
        .await
        .map(Person)
    }

    /// Register a trainee placement on a contract of the grant.
    async fn create_placement(
        &self,
        ctx: &Context<'_>,
        input: CreatePlacementInput,
    ) -> Result<Placement> {
        crate::audited::audited::<placement::Entity, _>(ctx, "create", None, move |t, s| {
            let input = input.clone();
            Box::pin(async move { create_placement(t, &s, input).await })
        })
        .await
        .map(Placement)
    }

    async fn update_placement(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdatePlacementInput,
    ) -> Result<Placement> {
        crate::audited::audited::<placement::Entity, _>(ctx, "update", Some(id), move |t, s| {
            let input = input.clone();
            Box::pin(async move { update_placement(t, &s, id, input).await })
        })
        .await
        .map(Placement)
    }
}

/// Right to erasure and right of access (administrators).
#[derive(Default)]
pub struct PersonalDataMutation;

#[Object]
impl PersonalDataMutation {
    /// Right to erasure: anonymises the person's name, birth year, residence and consent, and
    /// clears snusepraktik next plans; placements and hours stay, so all totals are unchanged.
    /// The erasure's own audit row keeps which fields changed, never their old values.
    async fn erase_person(&self, ctx: &Context<'_>, id: Uuid) -> Result<Person> {
        let who = super::principal(ctx).clone();
        who.require_admin()?;
        let erased = super::in_txn(ctx, move |t, s| {
            let who = who.clone();
            Box::pin(async move {
                let before = tracker_core::record::get::<person::Entity, _>(t, &s, id).await?;
                let erased = erase_person(t, &s, id).await?;
                let image = |m: &person::Model| serde_json::to_value(m).ok();
                tracker_core::audit::write(
                    t,
                    &who,
                    tracker_core::record::Kind::Person,
                    id,
                    "erase",
                    image(&before).map(|v| scrub_image(v, true)),
                    image(&erased),
                )
                .await?;
                Ok(erased)
            })
        })
        .await
        .map(Person)?;
        tracker_core::db::purge_erased(super::db(ctx)).await;
        Ok(erased)
    }
}

#[derive(Default)]
pub struct PersonalDataQuery;

#[Object]
impl PersonalDataQuery {
    /// Right of access: everything held about one person (placements, hours, snusepraktik), as JSON.
    #[graphql(complexity = "crate::COST_EVALUATION + child_complexity")]
    async fn person_data_export(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
    ) -> Result<async_graphql::Json<serde_json::Value>> {
        super::principal(ctx).require_admin()?;
        Ok(async_graphql::Json(
            export_person(super::db(ctx), &super::scope(ctx), id).await?,
        ))
    }
}

lifecycle!(
    PersonLifecycle,
    person::Entity,
    Person,
    archive_person,
    delete_person
);
lifecycle!(
    PlacementLifecycle,
    placement::Entity,
    Placement,
    archive_placement,
    delete_placement
);
