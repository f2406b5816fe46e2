//! Monthly hours reports (timeindberetning) in GraphQL.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};
use entity::{contract, hours_report, placement};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{Contract, Placement, children, in_txn, lifecycle, loaders, parent, reads};
use crate::loaders::LinesOfReport;
use crate::scalars::YearMonth;
use crate::service::hours::*;
use crate::units::from_hundredths;

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
    async fn report_monthly_hours(
        &self,
        ctx: &Context<'_>,
        input: ReportMonthlyHoursInput,
    ) -> Result<HoursReport> {
        let who = super::principal(ctx).clone();
        who.authorize(crate::auth::Area::Hours, "report", "Hours report")?;
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
