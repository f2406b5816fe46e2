//! Reading the audit trail (administrators, and a bygherre for its own organisation), and hours
//! reports as they stood at a past moment.

use async_graphql::{Context, InputObject, Json, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{audit_log, hours_report};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{db, scope};
use tracker_core::error::AppError;
use tracker_core::scalars::YearMonth;
use tracker_core::units::from_hundredths;

/// One change: who (token), when, what, and the record before and after.
#[derive(SimpleObject)]
pub struct AuditEntry {
    pub id: Uuid,
    /// The API token used (nil for the command line).
    pub token_id: Uuid,
    pub at: DateTime<Utc>,
    pub entity: String,
    pub entity_id: Uuid,
    pub operation: String,
    pub before: Option<Json<serde_json::Value>>,
    pub after: Option<Json<serde_json::Value>>,
}

/// A monthly hours report as it stood at a past moment: what the tracker had recorded then.
#[derive(SimpleObject)]
pub struct HoursReportVersion {
    pub report_id: Uuid,
    pub contract_id: Uuid,
    pub month: YearMonth,
    /// All hourly-paid labour hours on site, trainee hours included.
    pub total_hours: rust_decimal::Decimal,
    /// When the month was reported, as this version says.
    pub reported_at: DateTime<Utc>,
    /// When this version was written to the tracker.
    pub recorded_at: DateTime<Utc>,
    /// Hours per trainee placement.
    pub lines: Vec<HoursLineVersion>,
}

/// One trainee placement's hours within a past version of a report.
#[derive(SimpleObject)]
pub struct HoursLineVersion {
    pub placement_id: Uuid,
    pub hours: rust_decimal::Decimal,
}

impl HoursReportVersion {
    /// From the image the audit trail keeps of a report with its lines (see
    /// `graphql::hours::report_snapshot`); None if the image is not one.
    fn from_image(v: &serde_json::Value, recorded_at: DateTime<Utc>) -> Option<Self> {
        let uuid = |v: &serde_json::Value| v.as_str().and_then(|s| Uuid::parse_str(s).ok());
        let month = chrono::NaiveDate::parse_from_str(v["month"].as_str()?, "%Y-%m-%d").ok()?;
        let lines = v["lines"]
            .as_array()?
            .iter()
            .map(|l| {
                Some(HoursLineVersion {
                    placement_id: uuid(&l["placement_id"])?,
                    hours: from_hundredths(l["centihours"].as_i64()?),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Self {
            report_id: uuid(&v["id"])?,
            contract_id: uuid(&v["contract_id"])?,
            month: YearMonth::of(month),
            total_hours: from_hundredths(v["total_centihours"].as_i64()?),
            reported_at: v["reported_at"].as_str()?.parse().ok()?,
            recorded_at,
            lines,
        })
    }
}

#[derive(InputObject, Clone, Default)]
pub struct AuditFilter {
    /// Entity label, e.g. "Grant", "Hours report".
    pub entity: Option<String>,
    pub entity_id: Option<Uuid>,
    pub token_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

const MAX_AUDIT_ROWS: u64 = 500;

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The audit trail, newest first; at most 500 rows per call. Administrators see all of it; a
    /// BYGHERRE token the changes to records of its organisation and those made by its tokens.
    #[graphql(complexity = "crate::COST_ORGANISATION + child_complexity")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] filter: AuditFilter,
        #[graphql(default = 100)] limit: u64,
    ) -> Result<Vec<AuditEntry>> {
        let Some(visible) = tracker_core::audit::visible(&scope(ctx)) else {
            return Err(AppError::forbidden(
                "only an administrator or a bygherre may read the audit trail",
                "kun en administrator eller en bygherre må læse ændringsloggen",
            )
            .into());
        };
        if limit == 0 || limit > MAX_AUDIT_ROWS {
            return Err(AppError::bad_input(
                "limit",
                format!("limit must be between 1 and {MAX_AUDIT_ROWS}"),
                format!("limit skal være mellem 1 og {MAX_AUDIT_ROWS}"),
            )
            .into());
        }
        use audit_log::Column as A;
        let mut q = audit_log::Entity::find();
        if let Some(cond) = visible {
            q = q.filter(cond);
        }
        if let Some(v) = filter.entity {
            q = q.filter(A::Entity.eq(v));
        }
        if let Some(v) = filter.entity_id {
            q = q.filter(A::EntityId.eq(v));
        }
        if let Some(v) = filter.token_id {
            q = q.filter(A::TokenId.eq(v));
        }
        if let Some(v) = filter.from {
            q = q.filter(A::At.gte(v));
        }
        if let Some(v) = filter.to {
            q = q.filter(A::At.lte(v));
        }
        let rows = q
            .order_by_desc(A::At)
            .order_by_desc(A::Id)
            .limit(limit)
            .all(db(ctx))
            .await
            .map_err(AppError::from)?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                token_id: r.token_id,
                at: r.at,
                entity: r.entity,
                entity_id: r.entity_id,
                operation: r.operation,
                before: r.before.map(Json),
                after: r.after.map(Json),
            })
            .collect())
    }

    /// A contract's hours report for a month as it stood at `at` (with its trainee lines), from the
    /// audit trail; null if it had not been reported by then. Anyone who may read the report and
    /// its trainee lines may read its history.
    #[graphql(complexity = "crate::COST_EVALUATION + child_complexity")]
    async fn hours_report_as_of(
        &self,
        ctx: &Context<'_>,
        contract_id: Uuid,
        month: YearMonth,
        at: DateTime<Utc>,
    ) -> Result<Option<HoursReportVersion>> {
        let scope = scope(ctx);
        if !scope.sees_persons() {
            return Err(AppError::forbidden(
                "a report's history holds trainee lines, which this API token may not read",
                "en indberetnings historik indeholder linjer for personer under oplæring, som dette API-token ikke må læse",
            )
            .into());
        }
        tracker_core::record::get::<entity::contract::Entity, _>(db(ctx), &scope, contract_id)
            .await?;
        let report = tracker_core::record::select::<hours_report::Entity>(&scope)
            .filter(hours_report::Column::ContractId.eq(contract_id))
            .filter(hours_report::Column::Month.eq(month.first_day()))
            .one(db(ctx))
            .await
            .map_err(AppError::from)?
            .ok_or_else(|| {
                AppError::bad_input(
                    "month",
                    "no report exists for this contract and month",
                    "der findes ingen indberetning for denne kontrakt og måned",
                )
            })?;
        // Reports write an image with their lines; archiving changes no figure.
        let version = audit_log::Entity::find()
            .filter(audit_log::Column::Entity.eq(tracker_core::record::Kind::HoursReport.label()))
            .filter(audit_log::Column::EntityId.eq(report.id))
            .filter(audit_log::Column::Operation.eq("report"))
            .filter(audit_log::Column::At.lte(at))
            .order_by_desc(audit_log::Column::At)
            .order_by_desc(audit_log::Column::Id)
            .one(db(ctx))
            .await
            .map_err(AppError::from)?;
        let Some(version) = version else {
            return Ok(None);
        };
        let image = version
            .after
            .as_ref()
            .and_then(|v| HoursReportVersion::from_image(v, version.at));
        match image {
            Some(v) => Ok(Some(v)),
            None => Err(AppError::Internal(anyhow::anyhow!(
                "audit row {} does not hold an hours report image",
                version.id
            ))
            .into()),
        }
    }
}
