//! Snusepraktik (trial placements) in GraphQL.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{ThreeMonthStatus, TrialOutcome};
use entity::{contractor, grant, person, trial_placement as trial};
use uuid::Uuid;

use super::{Contractor, Grant, Person, lifecycle, maybe_parent, parent, reads};
use tracker_core::service::trials::*;

/// Snusepraktik: a short trial placement where an unemployed resident tries the trades on site.
pub struct TrialPlacement(pub trial::Model);

#[Object]
impl TrialPlacement {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// Tovholder following the participant.
    async fn tovholder(&self) -> &str {
        &self.0.tovholder
    }
    async fn start_date(&self) -> NaiveDate {
        self.0.start_date
    }
    async fn end_date(&self) -> NaiveDate {
        self.0.end_date
    }
    /// Fag the participant tried.
    async fn trades_tried(&self) -> Vec<String> {
        serde_json::from_value(self.0.trades_tried.clone()).unwrap_or_default()
    }
    async fn outcome(&self) -> Option<TrialOutcome> {
        self.0.outcome
    }
    async fn outcome_date(&self) -> Option<NaiveDate> {
        self.0.outcome_date
    }
    /// Næste skridt.
    async fn next_plan(&self) -> Option<&str> {
        self.0.next_plan.as_deref()
    }
    /// Where the participant was three months after the placement ended (R10; status efter tre
    /// måneder), if recorded.
    async fn three_month_status(&self) -> Option<ThreeMonthStatus> {
        self.0.three_month_status
    }
    /// When the three-month status was found out.
    async fn three_month_date(&self) -> Option<NaiveDate> {
        self.0.three_month_date
    }
    async fn person(&self, ctx: &Context<'_>) -> Result<Person> {
        parent::<person::Entity, _>(ctx, self.0.person_id, Person).await
    }
    async fn grant(&self, ctx: &Context<'_>) -> Result<Grant> {
        parent::<grant::Entity, _>(ctx, self.0.grant_id, Grant).await
    }
    async fn host_contractor(&self, ctx: &Context<'_>) -> Result<Option<Contractor>> {
        maybe_parent::<contractor::Entity, _>(ctx, self.0.host_contractor_id, Contractor).await
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
    TrialPlacementReads,
    trial::Entity,
    TrialPlacement,
    trial_placement,
    trial_placements,
    TrialPlacementFilter,
    list_trials,
    "One snusepraktik by id.",
    "Snusepraktik placements, oldest first, by grant, person, host, outcome or start date."
);

#[derive(Default)]
pub struct TrialMutation;

#[Object]
impl TrialMutation {
    /// Start a snusepraktik (4 weeks unless an end date is given).
    async fn create_trial_placement(
        &self,
        ctx: &Context<'_>,
        input: CreateTrialPlacementInput,
    ) -> Result<TrialPlacement> {
        crate::audited::audited::<trial::Entity, _>(ctx, "create", None, move |t, s| {
            let input = input.clone();
            Box::pin(async move { create_trial(t, &s, input).await })
        })
        .await
        .map(TrialPlacement)
    }

    async fn update_trial_placement(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateTrialPlacementInput,
    ) -> Result<TrialPlacement> {
        crate::audited::audited::<trial::Entity, _>(ctx, "update", Some(id), move |t, s| {
            let input = input.clone();
            Box::pin(async move { update_trial(t, &s, id, input).await })
        })
        .await
        .map(TrialPlacement)
    }

    /// Record how a snusepraktik ended and the participant's next plan.
    async fn record_trial_outcome(
        &self,
        ctx: &Context<'_>,
        input: RecordTrialOutcomeInput,
    ) -> Result<TrialPlacement> {
        crate::audited::audited::<trial::Entity, _>(
            ctx,
            "outcome",
            Some(input.trial_placement_id),
            move |t, s| {
                let input = input.clone();
                Box::pin(async move { record_outcome(t, &s, input).await })
            },
        )
        .await
        .map(TrialPlacement)
    }

    /// Record (or correct) where the participant was three months after the snusepraktik ended
    /// (R10): in ordinary work, in education, self-supporting otherwise, on benefits, or unknown.
    async fn record_three_month_status(
        &self,
        ctx: &Context<'_>,
        input: RecordThreeMonthStatusInput,
    ) -> Result<TrialPlacement> {
        crate::audited::audited::<trial::Entity, _>(
            ctx,
            "status",
            Some(input.trial_placement_id),
            move |t, s| {
                let input = input.clone();
                Box::pin(async move { record_three_month_status(t, &s, input).await })
            },
        )
        .await
        .map(TrialPlacement)
    }
}

lifecycle!(
    TrialPlacementLifecycle,
    trial::Entity,
    TrialPlacement,
    archive_trial_placement,
    delete_trial_placement
);
