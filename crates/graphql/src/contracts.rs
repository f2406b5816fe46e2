//! Contractors (entreprenører) and contracts (entrepriser) in GraphQL.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::ContractKind;
use entity::{contract, contractor, grant};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{
    Grant, Placement, Reports, TrialPlacement, children, lifecycle, maybe_parent, parent, reads,
};
use crate::loaders::{
    ContractsOfContractor, PlacementsOfContract, SubcontractsOfContract, TrialsHostedBy,
};
use tracker_core::service::contracts::*;
use tracker_core::units::from_hundredths;

/// Entreprenør, identified by CVR.
pub struct Contractor(pub contractor::Model);

#[Object]
impl Contractor {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// CVR number.
    async fn cvr(&self) -> &str {
        &self.0.cvr
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// All the contractor's contracts, across grants.
    async fn contracts(&self, ctx: &Context<'_>) -> Result<Vec<Contract>> {
        children::<ContractsOfContractor, _>(ctx, self.0.id, Contract).await
    }
    /// Snusepraktik placements hosted by the contractor.
    async fn hosted_trial_placements(&self, ctx: &Context<'_>) -> Result<Vec<TrialPlacement>> {
        children::<TrialsHostedBy, _>(ctx, self.0.id, TrialPlacement).await
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

/// Uddannelsesklausul: what the contract requires of persons in training.
#[derive(SimpleObject)]
pub struct TrainingClause {
    pub required_trainee_hours: Option<Decimal>,
    /// Percent of the contract's labour hours.
    pub required_share_percent: Option<Decimal>,
}

/// A recorded exemption from the clause requirement (R4).
#[derive(SimpleObject)]
pub struct ClauseExemption {
    pub reason: String,
    pub approved_by: String,
    pub date: Option<NaiveDate>,
}

/// Entreprise: a contract on one grant (hoved-, fag-, total- or underentreprise).
pub struct Contract(pub contract::Model);

#[Object]
impl Contract {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn kind(&self) -> ContractKind {
        self.0.kind
    }
    /// Fag.
    async fn trade(&self) -> &str {
        &self.0.trade
    }
    /// Contract value in DKK.
    async fn value(&self) -> Decimal {
        from_hundredths(self.0.value_ore)
    }
    async fn start_date(&self) -> NaiveDate {
        self.0.start_date
    }
    async fn end_date(&self) -> NaiveDate {
        self.0.end_date
    }
    /// The training clause, if the contract carries one.
    async fn training_clause(&self) -> Option<TrainingClause> {
        let c = &self.0;
        (c.clause_required_centihours.is_some() || c.clause_required_share_bp.is_some()).then(
            || TrainingClause {
                required_trainee_hours: c.clause_required_centihours.map(from_hundredths),
                required_share_percent: c
                    .clause_required_share_bp
                    .map(|v| from_hundredths(v.into())),
            },
        )
    }
    /// The recorded exemption from the clause requirement, if any.
    async fn clause_exemption(&self) -> Option<ClauseExemption> {
        let c = &self.0;
        c.exemption_reason.clone().map(|reason| ClauseExemption {
            reason,
            approved_by: c.exemption_approved_by.clone().unwrap_or_default(),
            date: c.exemption_date,
        })
    }
    async fn grant(&self, ctx: &Context<'_>) -> Result<Grant> {
        parent::<grant::Entity, _>(ctx, self.0.grant_id, Grant).await
    }
    async fn contractor(&self, ctx: &Context<'_>) -> Result<Contractor> {
        parent::<contractor::Entity, _>(ctx, self.0.contractor_id, Contractor).await
    }
    /// The contract above this subcontract.
    async fn parent_contract(&self, ctx: &Context<'_>) -> Result<Option<Contract>> {
        maybe_parent::<contract::Entity, _>(ctx, self.0.parent_contract_id, Contract).await
    }
    /// Underentrepriser under this contract.
    async fn subcontracts(&self, ctx: &Context<'_>) -> Result<Vec<Contract>> {
        children::<SubcontractsOfContract, _>(ctx, self.0.id, Contract).await
    }
    /// Trainee placements on this contract.
    async fn placements(&self, ctx: &Context<'_>) -> Result<Vec<Placement>> {
        children::<PlacementsOfContract, _>(ctx, self.0.id, Placement).await
    }
    /// Monthly hours reports, oldest first.
    async fn hours_reports(&self, ctx: &Context<'_>) -> Result<Reports> {
        Ok(Reports(
            super::loaders(ctx).reports_of_contract(self.0.id).await?,
        ))
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
    ContractorReads,
    contractor::Entity,
    Contractor,
    contractor,
    contractors,
    ContractorFilter,
    list_contractors,
    "One entreprenør by id.",
    "Entreprenører, oldest first, by CVR, name or grant."
);
reads!(
    ContractReads,
    contract::Entity,
    Contract,
    contract,
    contracts,
    ContractFilter,
    list_contracts,
    "One entreprise by id.",
    "Entrepriser, oldest first, by grant, contractor, kind, trade or period."
);

#[derive(Default)]
pub struct ContractMutation;

#[Object]
impl ContractMutation {
    /// Register an entreprenør. CONFLICT if the CVR is registered already.
    async fn create_contractor(
        &self,
        ctx: &Context<'_>,
        input: CreateContractorInput,
    ) -> Result<Contractor> {
        crate::audited::audited::<contractor::Entity, _>(ctx, "create", None, move |t, _| {
            Box::pin(create_contractor(t, input.clone()))
        })
        .await
        .map(Contractor)
    }

    async fn update_contractor(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateContractorInput,
    ) -> Result<Contractor> {
        crate::audited::audited::<contractor::Entity, _>(ctx, "update", Some(id), move |t, s| {
            let input = input.clone();
            Box::pin(async move { update_contractor(t, &s, id, input).await })
        })
        .await
        .map(Contractor)
    }

    /// Register an entreprise on a grant, with its training clause or exemption.
    async fn create_contract(
        &self,
        ctx: &Context<'_>,
        input: CreateContractInput,
    ) -> Result<Contract> {
        crate::audited::audited::<contract::Entity, _>(ctx, "create", None, move |t, s| {
            let input = input.clone();
            Box::pin(async move { create_contract(t, &s, input).await })
        })
        .await
        .map(Contract)
    }

    async fn update_contract(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateContractInput,
    ) -> Result<Contract> {
        crate::audited::audited::<contract::Entity, _>(ctx, "update", Some(id), move |t, s| {
            let input = input.clone();
            Box::pin(async move { update_contract(t, &s, id, input).await })
        })
        .await
        .map(Contract)
    }
}

lifecycle!(
    ContractorLifecycle,
    contractor::Entity,
    Contractor,
    archive_contractor,
    delete_contractor
);
lifecycle!(
    ContractLifecycle,
    contract::Entity,
    Contract,
    archive_contract,
    delete_contract
);
