//! LBF grants (LBF-tilsagn) in GraphQL.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{estate, grant};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{
    Contract, Estate, FollowUpGroup, Placement, TrialPlacement, children, lifecycle, loaders,
    parent, reads,
};
use crate::loaders::{ContractsOfGrant, GroupsOfGrant, PlacementsOfGrant, TrialsOfGrant};
use tracker_core::service::grants::*;
use tracker_core::units::from_hundredths;

/// LBF-tilsagn: one Landsbyggefonden grant for a renovation or new build.
pub struct Grant(pub grant::Model);

#[Object]
impl Grant {
    /// The fields shown as they are stored (`entity::grant::Model`, its doc comments their
    /// descriptions).
    #[graphql(flatten)]
    async fn fields(&self) -> &grant::Model {
        &self.0
    }
    /// Håndværkerudgift inkl. byggeplads og moms at Skema B, in DKK: the base of the trainee target.
    async fn craftsman_cost(&self) -> Option<Decimal> {
        self.0.craftsman_cost_ore.map(from_hundredths)
    }
    /// R11: the target share (percent) of residents among the snusepraktik participants, if set.
    async fn resident_trial_target_percent(&self) -> Option<Decimal> {
        self.0
            .resident_trial_target_bp
            .map(|v| tracker_core::units::from_hundredths(v.into()))
    }
    /// R11: the target share (percent) of residents among the persons in training, if set.
    async fn resident_trainee_target_percent(&self) -> Option<Decimal> {
        self.0
            .resident_trainee_target_bp
            .map(|v| tracker_core::units::from_hundredths(v.into()))
    }
    /// The grant's own values of the rule parameters (only those it overrides; the rest take
    /// their defaults), each in its parameter's unit.
    async fn parameter_overrides(&self) -> Vec<super::compliance::RuleParameterValue> {
        let p =
            engine::compliance::Params::with_stored(self.0.id, self.0.parameter_overrides.as_ref());
        engine::compliance::params::PARAMETERS
            .iter()
            .filter(|d| p.is_overridden(d.key))
            .map(|d| super::compliance::RuleParameterValue {
                parameter: d.key,
                value: p.get(d.key),
                unit: d.unit,
            })
            .collect()
    }
    /// The boligafdeling.
    async fn estate(&self, ctx: &Context<'_>) -> Result<Estate> {
        parent::<estate::Entity, _>(ctx, self.0.estate_id, Estate).await
    }
    /// Entrepriser on this grant.
    async fn contracts(&self, ctx: &Context<'_>) -> Result<Vec<Contract>> {
        if !ctx.look_ahead().field("hoursReports").exists() {
            return children::<ContractsOfGrant, _>(ctx, self.0.id, Contract).await;
        }
        // Their reports are read beside them, in one batch for the whole page of grants (see
        // `loaders::ReportsOfGrants`).
        let loaders = super::loaders(ctx);
        let (contracts, grant_reports) = futures_util::join!(
            loaders.many::<ContractsOfGrant>(self.0.id),
            loaders.reports_of_grant(self.0.id)
        );
        let contracts = contracts?;
        loaders
            .know_reports(contracts.iter().map(|c| c.id), grant_reports?)
            .await;
        Ok(contracts.into_iter().map(Contract).collect())
    }
    /// Lære- og praktikpladser on this grant.
    async fn placements(&self, ctx: &Context<'_>) -> Result<Vec<Placement>> {
        children::<PlacementsOfGrant, _>(ctx, self.0.id, Placement).await
    }
    /// Snusepraktik placements on this grant's site.
    async fn trial_placements(&self, ctx: &Context<'_>) -> Result<Vec<TrialPlacement>> {
        children::<TrialsOfGrant, _>(ctx, self.0.id, TrialPlacement).await
    }
    /// Compliance with the social requirements as of a date (default today), with what had been
    /// recorded at `knownAt` (default: everything known now; give a past moment to see what the
    /// tracker said then). Grants in one request are evaluated together from one bulk load.
    #[graphql(complexity = "crate::COST_BATCHED_EVALUATION + child_complexity")]
    async fn compliance(
        &self,
        ctx: &Context<'_>,
        as_of: Option<NaiveDate>,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<super::GrantCompliance> {
        super::compliance::grant_compliance(ctx, self.0.id, as_of, known_at).await
    }
    /// The overall trainee share as of a date (default today). Unlike `compliance`, a contractor
    /// may read it, where the bygherre has set `shareVisibleToContractors`.
    #[graphql(complexity = "crate::COST_BATCHED_EVALUATION + child_complexity")]
    async fn trainee_share(
        &self,
        ctx: &Context<'_>,
        as_of: Option<NaiveDate>,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<super::compliance::GrantShare> {
        super::compliance::grant_share(ctx, &self.0, as_of, known_at).await
    }
    /// The følgegruppe around the site, if one is set up.
    async fn follow_up_group(&self, ctx: &Context<'_>) -> Result<Option<FollowUpGroup>> {
        Ok(loaders(ctx)
            .many::<GroupsOfGrant>(self.0.id)
            .await?
            .into_iter()
            .next()
            .map(FollowUpGroup))
    }
}

reads!(
    GrantReads,
    grant::Entity,
    Grant,
    grant,
    grants,
    GrantFilter,
    list_grants,
    "One LBF grant by id.",
    "LBF grants, oldest first, by organisation, estate, municipality, kind, stage or commitment year."
);

#[derive(Default)]
pub struct GrantMutation;

#[Object]
impl GrantMutation {
    /// Register an LBF grant (tilsagn) on an estate. CONFLICT if the case number exists.
    async fn create_grant(&self, ctx: &Context<'_>, input: CreateGrantInput) -> Result<Grant> {
        crate::audited::audited::<grant::Entity, _>(ctx, "create", None, move |t, s| {
            let input = input.clone();
            Box::pin(async move { create_grant(t, &s, input).await })
        })
        .await
        .map(Grant)
    }

    async fn update_grant(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateGrantInput,
    ) -> Result<Grant> {
        crate::audited::audited::<grant::Entity, _>(ctx, "update", Some(id), move |t, s| {
            let input = input.clone();
            Box::pin(async move { update_grant(t, &s, id, input).await })
        })
        .await
        .map(Grant)
    }
}

lifecycle!(
    GrantLifecycle,
    grant::Entity,
    Grant,
    archive_grant,
    delete_grant
);
