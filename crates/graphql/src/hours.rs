//! Monthly hours reports (timeindberetning) in GraphQL, and [`Reports`], a contract's list of
//! them written straight as values when the selection asks only for the reports' own figures.

use std::borrow::Cow;
use std::collections::HashMap;

use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{
    Context, ContextSelectionSet, Name, Object, OutputType, Positioned, Result, ScalarType,
    ServerResult, Value,
};
use chrono::{DateTime, Utc};
use entity::{contract, hours_report, placement};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{Contract, Placement, children, in_txn, lifecycle, loaders, parent, reads};
use crate::loaders::{LinesOfReport, Loaders, ReportWithTotal};
use entity::enums::HoursStatus;
use tracker_core::scalars::YearMonth;
use tracker_core::service::hours::*;
use tracker_core::service::workflow::{
    self as flow, HoursStepInput, MonthHistory, NoActivityInput, report_audited,
};
use tracker_core::units::from_hundredths;

/// One contract's labour hours on site for one month.
pub struct HoursReport(pub hours_report::Model);

#[Object]
impl HoursReport {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn month(&self) -> YearMonth {
        YearMonth(self.0.month)
    }
    /// All hourly-paid labour hours on site, trainee hours included.
    async fn total_hours(&self) -> Decimal {
        from_hundredths(self.0.total_centihours)
    }
    /// Sum of the trainee lines (all placement kinds, counted or not).
    async fn trainee_hours(&self, ctx: &Context<'_>) -> Result<Decimal> {
        Ok(from_hundredths(
            loaders(ctx).trainee_total(self.0.id).await?,
        ))
    }
    /// When the month was (last) filed: now when it was reported, or the filing time a BYGHERRE
    /// or ADMIN declared when loading history (`updatedAt` is when it was recorded).
    async fn reported_at(&self) -> DateTime<Utc> {
        self.0.reported_at
    }
    /// Where the version these figures are stands: submitted, approved by the main contractor,
    /// or accepted by the bygherre (these are the figures that count: the latest submitted
    /// version not returned).
    async fn status(&self) -> HoursStatus {
        self.0.status
    }
    /// The number of the version these figures are (2 and up: changed after acceptance).
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Ingen aktivitet: declared without work on site (zero hours).
    async fn no_activity(&self) -> bool {
        self.0.no_activity
    }
    async fn contract(&self, ctx: &Context<'_>) -> Result<Contract> {
        parent::<contract::Entity, _>(ctx, self.0.contract_id, Contract).await
    }
    /// Hours per trainee placement.
    async fn lines(&self, ctx: &Context<'_>) -> Result<Vec<HoursLine>> {
        children::<LinesOfReport, _>(ctx, self.0.id, HoursLine).await
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

/// A contract's monthly reports as a list field (`Contract.hoursReports`). A page of grants holds
/// thousands of reports (100 grants: 14,400), and async-graphql resolves every field of every
/// report as a future of its own; when the selection asks only for the reports' own scalar
/// fields (any of [`Own`], aliases allowed, without directives or fragments), the list is
/// written as values directly, the same values those fields resolve to (a test compares the
/// two). Any other selection resolves report by report as [`HoursReport`]s. No extension of
/// this schema acts on single fields, so the two ways differ only in speed.
pub struct Reports(pub Vec<ReportWithTotal>);

/// A report's own scalar fields, which [`Reports`] writes without resolving them.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Own {
    Id,
    Month,
    TotalHours,
    TraineeHours,
    ReportedAt,
    Status,
    Version,
    NoActivity,
    CreatedAt,
    UpdatedAt,
    ArchivedAt,
    Typename,
}

impl Own {
    fn of(name: &str) -> Option<Self> {
        Some(match name {
            "id" => Self::Id,
            "month" => Self::Month,
            "totalHours" => Self::TotalHours,
            "traineeHours" => Self::TraineeHours,
            "reportedAt" => Self::ReportedAt,
            "status" => Self::Status,
            "version" => Self::Version,
            "noActivity" => Self::NoActivity,
            "createdAt" => Self::CreatedAt,
            "updatedAt" => Self::UpdatedAt,
            "archivedAt" => Self::ArchivedAt,
            "__typename" => Self::Typename,
            _ => return None,
        })
    }

    /// The value [`HoursReport`]'s field of this name resolves to.
    fn value(self, row: &ReportWithTotal) -> Value {
        let r = &row.report;
        match self {
            Self::Id => ScalarType::to_value(&r.id),
            Self::Month => ScalarType::to_value(&YearMonth(r.month)),
            Self::TotalHours => ScalarType::to_value(&from_hundredths(r.total_centihours)),
            Self::TraineeHours => ScalarType::to_value(&from_hundredths(row.trainee)),
            Self::ReportedAt => ScalarType::to_value(&r.reported_at),
            Self::Status => async_graphql::InputType::to_value(&r.status),
            Self::Version => Value::from(r.version),
            Self::NoActivity => Value::from(r.no_activity),
            Self::CreatedAt => ScalarType::to_value(&r.created_at),
            Self::UpdatedAt => ScalarType::to_value(&r.updated_at),
            Self::ArchivedAt => r
                .archived_at
                .as_ref()
                .map_or(Value::Null, ScalarType::to_value),
            Self::Typename => Value::String("HoursReport".into()),
        }
    }
}

/// The selection's response keys and fields, if it asks only for [`Own`] fields plainly.
fn own_fields(set: &SelectionSet) -> Option<Vec<(Name, Own)>> {
    set.items
        .iter()
        .map(|item| {
            let Selection::Field(field) = &item.node else {
                return None;
            };
            let f = &field.node;
            if !f.arguments.is_empty()
                || !f.directives.is_empty()
                || !f.selection_set.node.items.is_empty()
            {
                return None;
            }
            Some((
                f.response_key().node.clone(),
                Own::of(f.name.node.as_str())?,
            ))
        })
        .collect()
}

impl OutputType for Reports {
    fn type_name() -> Cow<'static, str> {
        Vec::<HoursReport>::type_name()
    }

    fn qualified_type_name() -> String {
        Vec::<HoursReport>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Vec::<HoursReport>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        if let Some(fields) = own_fields(&field.node.selection_set.node) {
            return Ok(Value::List(
                self.0
                    .iter()
                    .map(|row| {
                        Value::Object(
                            fields
                                .iter()
                                .map(|(key, own)| (key.clone(), own.value(row)))
                                .collect(),
                        )
                    })
                    .collect(),
            ));
        }
        // Resolved report by report: their trainee hours come from the loader's cache.
        ctx.data_unchecked::<Loaders>()
            .know_trainee_totals(self.0.iter().map(|row| (row.report.id, row.trainee)))
            .await;
        let reports: Vec<HoursReport> = self
            .0
            .iter()
            .map(|row| HoursReport(row.report.clone()))
            .collect();
        reports.resolve(ctx, field).await
    }
}

/// One trainee placement's hours within a monthly report.
pub struct HoursLine(pub entity::hours_line::Model);

#[Object]
impl HoursLine {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn hours(&self) -> Decimal {
        from_hundredths(self.0.centihours)
    }
    async fn placement(&self, ctx: &Context<'_>) -> Result<Placement> {
        parent::<placement::Entity, _>(ctx, self.0.placement_id, Placement).await
    }
    async fn report(&self, ctx: &Context<'_>) -> Result<HoursReport> {
        parent::<hours_report::Entity, _>(ctx, self.0.report_id, HoursReport).await
    }
}

reads!(
    HoursReportReads,
    hours_report::Entity,
    HoursReport,
    hours_report,
    hours_reports,
    HoursReportFilter,
    list_reports,
    "One monthly hours report by id.",
    "Monthly hours reports, in the order they were first filed, by contract, grant or months."
);

#[derive(Default)]
pub struct HoursMutation;

#[Object]
impl HoursMutation {
    /// Report a contract's hours for one month with the hours of each trainee placement. Replaces
    /// an earlier report of the same month as a whole, or writes nothing if any line is refused.
    /// The month must lie in the contract's period and have ended (its figures are not known
    /// before).
    async fn report_monthly_hours(
        &self,
        ctx: &Context<'_>,
        input: ReportMonthlyHoursInput,
    ) -> Result<HoursReport> {
        let who = super::principal(ctx).clone();
        who.authorize(tracker_core::auth::Area::Hours, "report", "Hours report")?;
        in_txn(ctx, move |t, s| {
            let (input, who) = (input.clone(), who.clone());
            Box::pin(async move { report_audited(t, &s, &who, input, "report").await })
        })
        .await
        .map(|(report, _)| HoursReport(report))
    }

    /// Save a month's figures as a draft (kladde): checked as a submission is, counted by
    /// nothing until submitted. After acceptance a draft is the next version, with a reason.
    async fn save_hours_draft(
        &self,
        ctx: &Context<'_>,
        input: ReportMonthlyHoursInput,
    ) -> Result<HoursVersion> {
        let who = super::principal(ctx).clone();
        who.authorize(tracker_core::auth::Area::Hours, "report", "Hours report")?;
        in_txn(ctx, move |t, s| {
            let (input, who) = (input.clone(), who.clone());
            Box::pin(async move { flow::save_draft(t, &s, &who, input).await })
        })
        .await
        .map(HoursVersion::of)
    }

    /// Declare on honour that the contract had no work on site in a month (ingen aktivitet): the
    /// month is submitted with zero hours, and R6 counts it as reported.
    async fn declare_no_activity(
        &self,
        ctx: &Context<'_>,
        input: NoActivityInput,
    ) -> Result<HoursReport> {
        let who = super::principal(ctx).clone();
        who.authorize(tracker_core::auth::Area::Hours, "report", "Hours report")?;
        in_txn(ctx, move |t, s| {
            let (input, who) = (input.clone(), who.clone());
            Box::pin(async move { flow::declare_no_activity(t, &s, &who, input).await })
        })
        .await
        .map(HoursReport)
    }

    /// The main contractor approves a subcontractor's submitted month (hovedentreprenørens
    /// godkendelse), which makes it ready for the bygherre.
    async fn approve_hours_month(
        &self,
        ctx: &Context<'_>,
        input: HoursStepInput,
    ) -> Result<HoursVersion> {
        step(ctx, input, engine::workflow::Step::Approve).await
    }

    /// The bygherre accepts a month (accept): its figures are locked; a change is a new version.
    async fn accept_hours_month(
        &self,
        ctx: &Context<'_>,
        input: HoursStepInput,
    ) -> Result<HoursVersion> {
        step(ctx, input, engine::workflow::Step::Accept).await
    }

    /// The main contractor (before approval) or the bygherre returns a month with a reason
    /// (send retur); it counts no more until it is submitted again.
    async fn return_hours_month(
        &self,
        ctx: &Context<'_>,
        input: HoursStepInput,
    ) -> Result<HoursVersion> {
        step(ctx, input, engine::workflow::Step::Return).await
    }
}

async fn step(
    ctx: &Context<'_>,
    input: HoursStepInput,
    step: engine::workflow::Step,
) -> Result<HoursVersion> {
    let who = super::principal(ctx).clone();
    in_txn(ctx, move |t, _| {
        let (input, who) = (input.clone(), who.clone());
        Box::pin(async move { flow::decide(t, &who, input, step).await })
    })
    .await
    .map(HoursVersion::of)
}

/// One version of a month's hours report (version af timeindberetningen): its figures, status
/// and the declaration it was submitted with.
pub struct HoursVersion(
    pub entity::hours_version::Model,
    pub std::sync::Arc<HashMap<Uuid, String>>,
);

impl HoursVersion {
    fn of(v: entity::hours_version::Model) -> Self {
        Self(v, Default::default())
    }

    fn named_lines(&self) -> Vec<HoursVersionLine> {
        flow::version_lines(&self.0)
            .into_iter()
            .map(|(placement_id, c)| HoursVersionLine {
                placement_id,
                hours: from_hundredths(c),
                trainee_name: self.1.get(&placement_id).cloned(),
            })
            .collect()
    }
}

#[Object]
impl HoursVersion {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn contract_id(&self) -> Uuid {
        self.0.contract_id
    }
    async fn month(&self) -> YearMonth {
        YearMonth(self.0.month)
    }
    /// 1 for the month's first version; one more for each change after acceptance.
    async fn number(&self) -> i32 {
        self.0.number
    }
    async fn status(&self) -> HoursStatus {
        self.0.status
    }
    /// Ingen aktivitet.
    async fn no_activity(&self) -> bool {
        self.0.no_activity
    }
    async fn total_hours(&self) -> Decimal {
        from_hundredths(self.0.total_centihours)
    }
    /// Sum of the trainee lines.
    async fn trainee_hours(&self) -> Decimal {
        from_hundredths(flow::version_lines(&self.0).iter().map(|l| l.1).sum())
    }
    /// The trainee lines (named in `HoursMonth.versions`; a version read on its own carries
    /// no names).
    async fn lines(&self) -> Vec<HoursVersionLine> {
        self.named_lines()
    }
    /// Why it was changed after acceptance (version 2 and up).
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// The version of the declaration on honour it was submitted with.
    async fn declaration_version(&self) -> Option<&str> {
        self.0.declaration_version.as_deref()
    }
    /// Who declared it: the person's name, or "integration: <token>" for an integration.
    async fn declared_by(&self) -> Option<&str> {
        self.0.declared_by.as_deref()
    }
    /// When it was (last) submitted (the filing time R6 judges).
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.submitted_at
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// One trainee placement's hours in a version.
#[derive(async_graphql::SimpleObject)]
pub struct HoursVersionLine {
    pub placement_id: Uuid,
    pub hours: Decimal,
    /// The person on the placement (null for a viewer, who never sees a person).
    pub trainee_name: Option<String>,
}

/// One step taken on a month (statusændring): from which status to which, by whom, when, why.
#[derive(async_graphql::SimpleObject)]
pub struct HoursStep {
    pub version: i32,
    pub from: Option<HoursStatus>,
    pub to: HoursStatus,
    pub reason: Option<String>,
    /// The person's name, or "integration: <token>".
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// How the latest version differs from the one before it (total and each trainee line).
#[derive(async_graphql::SimpleObject)]
pub struct HoursDiff {
    pub from_version: i32,
    pub to_version: i32,
    pub total_before: Decimal,
    pub total_after: Decimal,
    pub total_change: Decimal,
    pub lines: Vec<HoursLineDiff>,
}

#[derive(async_graphql::SimpleObject)]
pub struct HoursLineDiff {
    pub placement_id: Uuid,
    pub before: Decimal,
    pub after: Decimal,
    pub change: Decimal,
}

/// A contract's month in the workflow: every version, every step, and what differs.
pub struct HoursMonth(pub MonthHistory, pub YearMonth);

#[Object]
impl HoursMonth {
    async fn contract_id(&self) -> Uuid {
        self.0.contract.id
    }
    async fn month(&self) -> YearMonth {
        self.1
    }
    /// The latest version's status (null: nothing saved or submitted).
    async fn status(&self) -> Option<HoursStatus> {
        self.0.versions.first().map(|v| v.status)
    }
    /// A subcontract whose months the main contractor approves before the bygherre accepts.
    async fn approval_required(&self) -> bool {
        self.0.approval
    }
    /// Every version, newest first, their lines named.
    async fn versions(&self) -> Vec<HoursVersion> {
        let names = std::sync::Arc::new(self.0.names.clone());
        self.0
            .versions
            .iter()
            .cloned()
            .map(|v| HoursVersion(v, names.clone()))
            .collect()
    }
    /// Fag.
    async fn trade(&self) -> &str {
        &self.0.contract.trade
    }
    async fn contractor_name(&self) -> &str {
        &self.0.contractor_name
    }
    async fn case_number(&self) -> &str {
        &self.0.case_number
    }
    /// The steps the caller may take on the month now (SAVE_DRAFT, SUBMIT, APPROVE, ACCEPT,
    /// RETURN), as the workflow allows them for the caller's part.
    async fn next_steps(&self) -> Vec<HoursStepKind> {
        self.0
            .next
            .iter()
            .map(|s| HoursStepKind::from(*s))
            .collect()
    }
    /// Every step, oldest first.
    async fn steps(&self) -> Vec<HoursStep> {
        self.0
            .steps
            .iter()
            .map(|s| HoursStep {
                version: s.number,
                from: s.from_status,
                to: s.to_status,
                reason: s.reason.clone(),
                actor: s.actor.clone(),
                at: s.at,
            })
            .collect()
    }
    /// The latest version against the one before it (null with one version).
    async fn diff(&self) -> Option<HoursDiff> {
        let (after, before) = (self.0.versions.first()?, self.0.versions.get(1)?);
        let d = flow::diff(before, after);
        let h = from_hundredths;
        Some(HoursDiff {
            from_version: d.from,
            to_version: d.to,
            total_before: h(d.total.0),
            total_after: h(d.total.1),
            total_change: h(d.total.1 - d.total.0),
            lines: d
                .lines
                .into_iter()
                .map(|(placement_id, b, a)| HoursLineDiff {
                    placement_id,
                    before: h(b),
                    after: h(a),
                    change: h(a - b),
                })
                .collect(),
        })
    }
}

/// A step of the workflow (what `HoursMonth.nextSteps` lists).
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum HoursStepKind {
    SaveDraft,
    Submit,
    Approve,
    Accept,
    Return,
}

impl From<engine::workflow::Step> for HoursStepKind {
    fn from(s: engine::workflow::Step) -> Self {
        use engine::workflow::Step as S;
        match s {
            S::SaveDraft => Self::SaveDraft,
            S::Submit => Self::Submit,
            S::Approve => Self::Approve,
            S::Accept => Self::Accept,
            S::Return => Self::Return,
        }
    }
}

/// A subcontractor's month waiting for its main contractor's approval.
#[derive(async_graphql::SimpleObject)]
pub struct PendingApproval {
    pub contract_id: Uuid,
    pub month: YearMonth,
    pub version: i32,
    /// The subcontract's trade.
    pub trade: String,
    /// The subcontractor.
    pub contractor_name: String,
    pub case_number: String,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// The declaration on honour a month is submitted with (tro og love-erklæring).
#[derive(async_graphql::SimpleObject)]
pub struct HoursDeclaration {
    /// Give this as `declarationVersion` to declare it.
    pub version: String,
    /// The text, in the request's language.
    pub text: String,
}

#[derive(Default)]
pub struct HoursQuery;

#[Object]
impl HoursQuery {
    /// The declaration on honour submitting a month makes, today.
    async fn hours_declaration(&self, ctx: &Context<'_>) -> HoursDeclaration {
        let d = engine::workflow::current_declaration();
        HoursDeclaration {
            version: d.version.to_owned(),
            text: match super::lang(ctx) {
                engine::i18n::Lang::Da => d.da,
                engine::i18n::Lang::En => d.en,
            }
            .to_owned(),
        }
    }

    /// The months the caller's subcontractors have submitted and the caller, as their main
    /// contractor, has yet to approve or return (oldest first); empty for other roles.
    async fn hours_awaiting_approval(&self, ctx: &Context<'_>) -> Result<Vec<PendingApproval>> {
        Ok(
            flow::awaiting_approval(super::db(ctx), super::principal(ctx))
                .await?
                .into_iter()
                .map(|p| PendingApproval {
                    contract_id: p.contract.id,
                    month: YearMonth(p.version.month),
                    version: p.version.number,
                    trade: p.contract.trade,
                    contractor_name: p.contractor_name,
                    case_number: p.case_number,
                    submitted_at: p.version.submitted_at,
                })
                .collect(),
        )
    }

    /// A contract's month in the workflow: its versions (with the diff of the latest against
    /// the one before) and every step, for whoever sees the contract or its main contract.
    async fn hours_month(
        &self,
        ctx: &Context<'_>,
        contract_id: Uuid,
        month: YearMonth,
    ) -> Result<HoursMonth> {
        let h = flow::history(super::db(ctx), super::principal(ctx), contract_id, month).await?;
        Ok(HoursMonth(h, month))
    }
}

lifecycle!(
    HoursReportLifecycle,
    hours_report::Entity,
    HoursReport,
    archive_hours_report,
    delete_hours_report
);
