//! Monthly hours reports (timeindberetning) in GraphQL, and [`Reports`], a contract's list of
//! them written straight as values when the selection asks only for the reports' own figures.

use std::borrow::Cow;

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
use tracker_core::scalars::YearMonth;
use tracker_core::service::hours::*;
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
}

lifecycle!(
    HoursReportLifecycle,
    hours_report::Entity,
    HoursReport,
    archive_hours_report,
    delete_hours_report
);
