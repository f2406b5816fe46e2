//! Contractors (entreprenører) and contracts (entrepriser) in GraphQL.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::ContractKind;
use entity::{company_documentation, contract, contractor, grant};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{
    Grant, Placement, Reports, TrialPlacement, children, lifecycle, maybe_parent, parent, reads,
};
use crate::loaders::{
    ContractsOfContractor, PlacementsOfContract, SubcontractsOfContract, TrialsHostedBy,
};
use tracker_core::scalars::YearMonth;
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

/// Uddannelsesklausul: what the contract requires of persons in training, in each form it
/// states; the contractor is judged on these forms only.
#[derive(SimpleObject)]
pub struct TrainingClause {
    /// The forms the clause states (SHARE, HOURS, RATIO, APPRENTICE_PART), each judged.
    pub kinds: Vec<::engine::compliance::ClauseKind>,
    /// HOURS: trainee hours over the contract (for a clause in elevuger: the weeks x 37).
    pub required_trainee_hours: Option<Decimal>,
    /// HOURS in elevuger: the weeks the clause states.
    pub required_trainee_weeks: Option<Decimal>,
    /// SHARE: percent of the contract's labour hours.
    pub required_share_percent: Option<Decimal>,
    /// RATIO: one person in training per this many skilled workers.
    pub skilled_workers_per_trainee: Option<i32>,
    /// APPRENTICE_PART: percent of the trainee hours that must be apprentices'.
    pub apprentice_part_percent: Option<Decimal>,
    /// The clause lapses for periods the contractor documents a company-wide trainee share of
    /// at least this percent (virksomhedsdokumentation).
    pub company_documentation_threshold_percent: Option<Decimal>,
}

impl TrainingClause {
    /// The clause as stored on `c`, if it carries one.
    pub fn of(c: &contract::Model) -> Option<Self> {
        let pct = |bp: Option<i32>| bp.map(|v| from_hundredths(v.into()));
        let mut kinds = Vec::new();
        if c.clause_required_share_bp.is_some() {
            kinds.push(::engine::compliance::ClauseKind::Share);
        }
        if c.clause_required_centihours.is_some() || c.clause_required_centiweeks.is_some() {
            kinds.push(::engine::compliance::ClauseKind::Hours);
        }
        if c.clause_skilled_per_trainee.is_some() {
            kinds.push(::engine::compliance::ClauseKind::Ratio);
        }
        if c.clause_apprentice_part_bp.is_some() {
            kinds.push(::engine::compliance::ClauseKind::ApprenticePart);
        }
        (!kinds.is_empty()).then(|| TrainingClause {
            kinds,
            required_trainee_hours: c
                .clause_required_centihours
                .or_else(|| {
                    c.clause_required_centiweeks
                        .map(tracker_core::units::centiweeks_to_centihours)
                })
                .map(from_hundredths),
            required_trainee_weeks: c.clause_required_centiweeks.map(from_hundredths),
            required_share_percent: pct(c.clause_required_share_bp),
            skilled_workers_per_trainee: c.clause_skilled_per_trainee,
            apprentice_part_percent: pct(c.clause_apprentice_part_bp),
            company_documentation_threshold_percent: pct(c.clause_company_threshold_bp),
        })
    }
}

/// Virksomhedsdokumentation: the contractor's documented company-wide trainee share for a
/// period; while it meets the clause's threshold the clause lapses for that period.
pub struct CompanyDocumentation(pub company_documentation::Model);

#[Object]
impl CompanyDocumentation {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// First day documented.
    async fn period_from(&self) -> NaiveDate {
        self.0.period_from
    }
    /// Last day documented (counted).
    async fn period_to(&self) -> NaiveDate {
        self.0.period_to
    }
    /// The company-wide trainee share documented, in percent.
    async fn documented_share_percent(&self) -> Decimal {
        from_hundredths(self.0.documented_share_bp.into())
    }
    /// The document it rests on.
    async fn document(&self) -> &str {
        &self.0.document
    }
    async fn recorded_by(&self) -> &str {
        &self.0.recorded_by
    }
    async fn contract(&self, ctx: &Context<'_>) -> Result<Contract> {
        parent::<contract::Entity, _>(ctx, self.0.contract_id, Contract).await
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}

/// A recorded exemption from the clause requirement (R4).
#[derive(SimpleObject)]
pub struct ClauseExemption {
    pub reason: String,
    pub approved_by: String,
    pub date: Option<NaiveDate>,
}

/// One month of a contract and its hours report: a cell of the contractor's to-do grid.
#[derive(SimpleObject)]
pub struct ReportingMonth {
    pub month: YearMonth,
    /// The day the month's report is due (the grant's R6 due day of the next month).
    pub due_date: NaiveDate,
    pub status: engine::compliance::rules::r6_hours_reported::MonthReport,
    /// When the report on file was filed, if one is.
    pub reported_at: Option<DateTime<Utc>>,
    /// Where the month's latest version stands in the workflow (draft, submitted, approved,
    /// accepted, returned); null when nothing is saved.
    pub hours_status: Option<entity::enums::HoursStatus>,
    /// Ingen aktivitet: the counted figures were declared without work on site.
    pub no_activity: bool,
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
        TrainingClause::of(&self.0)
    }
    /// The contractor's company documentation on this contract (active first by period;
    /// archived ones are withdrawn and lapse nothing).
    async fn company_documentation(&self, ctx: &Context<'_>) -> Result<Vec<CompanyDocumentation>> {
        let scope = super::scope(ctx);
        Ok(list_company_documentation(&scope, self.0.id)
            .all(super::db(ctx))
            .await
            .map_err(tracker_core::error::AppError::from)?
            .into_iter()
            .map(CompanyDocumentation)
            .collect())
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
    /// The contract's months and where each stands with its hours report (the contractor's
    /// to-do grid): the running month and up to `months - 1` before it, within the contract's
    /// period, newest first, each judged by the grant's due day as R6 judges it.
    async fn reporting_months(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 6, validator(minimum = 1, maximum = 36))] months: i32,
    ) -> Result<Vec<ReportingMonth>> {
        use engine::compliance::figures::month_of;
        use engine::compliance::rules::r6_hours_reported::{hours_due, month_report};
        let grant = parent::<grant::Entity, _>(ctx, self.0.grant_id, |g| g).await?;
        let p =
            engine::compliance::Params::with_stored(grant.id, grant.parameter_overrides.as_ref());
        let reports = super::loaders(ctx).reports_of_contract(self.0.id).await?;
        let today = tracker_core::clock::danish_today();
        let first = month_of(self.0.start_date);
        let mut month = month_of(today).min(month_of(self.0.end_date));
        let latest = tracker_core::service::workflow::latest_statuses(
            super::db(ctx),
            self.0.id,
            month_of(month - chrono::Months::new(u32::try_from(months).unwrap_or(6))),
        )
        .await?;
        let mut out = Vec::new();
        while month >= first && out.len() < usize::try_from(months).unwrap_or(6) {
            let report = reports.iter().find(|r| r.report.month == month);
            let reported_at = report.map(|r| r.report.reported_at);
            out.push(ReportingMonth {
                month: YearMonth(month),
                due_date: hours_due(&p, month),
                status: month_report(
                    &p,
                    month,
                    reported_at.map(tracker_core::clock::danish_date),
                    today,
                ),
                reported_at,
                hours_status: latest
                    .get(&month)
                    .copied()
                    .or(report.map(|r| r.report.status)),
                no_activity: report.is_some_and(|r| r.report.no_activity),
            });
            month = month_of(month - chrono::Days::new(1));
        }
        Ok(out)
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

#[derive(Default)]
pub struct CompanyDocumentationMutation;

#[Object]
impl CompanyDocumentationMutation {
    /// Record a contractor's documented company-wide trainee share for a period on a contract
    /// whose clause names a threshold (Aarhus's model): while the share meets it, the clause
    /// lapses for the months the period covers, and the findings say so.
    async fn record_company_documentation(
        &self,
        ctx: &Context<'_>,
        input: RecordCompanyDocumentationInput,
    ) -> Result<CompanyDocumentation> {
        crate::audited::audited::<company_documentation::Entity, _>(
            ctx,
            "create",
            None,
            move |t, s| {
                let input = input.clone();
                Box::pin(async move { record_company_documentation(t, &s, input).await })
            },
        )
        .await
        .map(CompanyDocumentation)
    }
}

lifecycle!(
    CompanyDocumentationLifecycle,
    company_documentation::Entity,
    CompanyDocumentation,
    archive_company_documentation,
    delete_company_documentation
);

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
