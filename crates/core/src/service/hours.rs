//! Monthly hours reports (timeindberetning): per contract and month, the total labour hours on site
//! and the hours of each trainee placement. A month is reported as a whole and replaces any earlier
//! report of the same month atomically.

use std::collections::HashSet;

use crate::scalars::DecimalInput;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{contract, grant, hours_line, hours_report, placement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select, Set,
};
use uuid::Uuid;

use super::{new_id, now};
use crate::error::{AppError, AppResult};
use crate::record::{self, get, referenced};
use crate::scalars::YearMonth;
use crate::scope::Scope;
use crate::units::{from_hundredths, hours_to_centi};

/// One trainee placement's hours in the month.
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct TraineeHoursInput {
    pub placement_id: Uuid,
    pub hours: DecimalInput,
}

/// A contract's hours for one month, with the trainee lines.
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct ReportMonthlyHoursInput {
    pub contract_id: Uuid,
    pub month: YearMonth,
    /// All hourly-paid labour hours on site this month, trainee hours included.
    pub total_hours: DecimalInput,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub trainee_hours: Vec<TraineeHoursInput>,
    /// When the report was filed, if it is recorded later (loading past months from
    /// spreadsheets or another system): R6 judges the deadline on this time, the audit trail keeps
    /// when it was recorded. Only a BYGHERRE or ADMIN may declare it; never in the future and
    /// never before the month has ended. Left out: now.
    pub reported_at: Option<DateTime<Utc>>,
    /// The version of the declaration on honour (tro og love) the person submitting makes: the
    /// `version` of query `hoursDeclaration`. Required to submit; a draft needs none.
    pub declaration_version: Option<String>,
    /// Why the month is changed after the bygherre accepted it (required then: the change is a
    /// new version, shown beside the accepted one).
    pub reason: Option<String>,
}

/// A month's figures, checked: the contract, the month, the total and the trainee lines
/// (placement, hundredths of an hour).
pub struct Figures {
    pub contract: contract::Model,
    pub month: YearMonth,
    pub total: i64,
    pub lines: Vec<(Uuid, i64)>,
}

#[derive(Clone, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct HoursReportFilter {
    pub contract_id: Option<Uuid>,
    pub grant_id: Option<Uuid>,
    pub from_month: Option<YearMonth>,
    pub to_month: Option<YearMonth>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub include_archived: bool,
}

fn overlaps(start: NaiveDate, end: Option<NaiveDate>, month: YearMonth) -> bool {
    start <= month.last_day() && end.is_none_or(|e| e >= month.first_day())
}

/// Who may declare a report's filing date ([`ReportMonthlyHoursInput::reported_at`]): the
/// bygherre who owns the figures, or an administrator loading history.
pub fn may_declare_filing(role: entity::enums::Role) -> bool {
    matches!(
        role,
        entity::enums::Role::Admin | entity::enums::Role::Bygherre
    )
}

/// The filing time to record: the declared one, checked, or now.
fn filing_time(
    declared: Option<DateTime<Utc>>,
    may_declare: bool,
    month: YearMonth,
    now: DateTime<Utc>,
) -> AppResult<DateTime<Utc>> {
    let Some(at) = declared else { return Ok(now) };
    if !may_declare {
        return Err(AppError::forbidden(
            "only a BYGHERRE or ADMIN token may declare when a report was filed (reportedAt); leave it out to file it now",
            "kun et BYGHERRE- eller ADMIN-token må angive, hvornår en indberetning blev indsendt (reportedAt); udelad feltet for at indberette nu",
        ));
    }
    if at > now {
        return Err(AppError::bad_input(
            "reportedAt",
            "reportedAt is in the future; a report can only be declared filed at a time that has passed",
            "reportedAt ligger i fremtiden; en indberetning kan kun angives indsendt på et tidspunkt, der er passeret",
        ));
    }
    // The month ends at midnight Danish time after its last day.
    let ends = crate::service::known::end_of_day(month.last_day());
    if at <= ends {
        return Err(AppError::bad_input(
            "reportedAt",
            format!(
                "reportedAt is before {} had ended; a month's hours are filed after the month",
                month.0.format("%Y-%m")
            ),
            format!(
                "reportedAt ligger før udgangen af {}; en måneds timer indberettes efter måneden",
                crate::i18n::da_month(month.0)
            ),
        ));
    }
    Ok(at)
}

/// Writes a month's figures as a submitted version 1 without the workflow: for loading history
/// (the demo's seed), whose reports count as submitted ones filed by the system.
pub async fn report_monthly_hours<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    input: ReportMonthlyHoursInput,
    may_declare: bool,
) -> AppResult<hours_report::Model> {
    let declared = input.reported_at;
    let f = check_figures(db, scope, &input).await?;
    let t = now();
    let filed = filing_time(declared, may_declare, f.month, t)?;
    let status = Counted {
        status: entity::enums::HoursStatus::Submitted,
        version: 1,
        no_activity: false,
    };
    write_report(db, &f.contract, f.month, f.total, filed, f.lines, status, t).await
}

/// Checks a month's figures completely (the contract in scope, the month, the total, each line)
/// before anything is written.
pub async fn check_figures<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    input: &ReportMonthlyHoursInput,
) -> AppResult<Figures> {
    let contract =
        referenced::<contract::Entity, _>(db, scope, "contractId", input.contract_id).await?;
    super::rollup::lock_contract(db, contract.id).await?;
    let month = input.month;
    check_month(&contract, month)?;
    let total = hours_to_centi("totalHours", input.total_hours)?;
    let grant = get::<grant::Entity, _>(db, scope, contract.grant_id).await?;
    let cap = crate::compliance::Params::with_stored(grant.id, grant.parameter_overrides.as_ref())
        .person_month_cap_centihours();
    let lines = check_lines(db, scope, &contract, month, &input.trainee_hours, cap).await?;
    let trainee_sum: i64 = lines.iter().map(|(_, h)| h).sum();
    if trainee_sum > total {
        return Err(AppError::bad_input(
            "traineeHours",
            format!(
                "trainee hours ({}) exceed the month's total labour hours ({}); the total includes trainees",
                from_hundredths(trainee_sum),
                from_hundredths(total)
            ),
            format!(
                "timerne for personer under oplæring ({}) overstiger månedens samlede timer på pladsen ({}); de samlede timer omfatter personer under oplæring",
                crate::i18n::da_hours(from_hundredths(trainee_sum)),
                crate::i18n::da_hours(from_hundredths(total))
            ),
        ));
    }
    Ok(Figures {
        contract,
        month,
        total,
        lines,
    })
}

/// The filing time to record for a submission: the declared one (a BYGHERRE or ADMIN loading
/// history), checked, or now.
pub fn filed_at(
    declared: Option<DateTime<Utc>>,
    role: entity::enums::Role,
    month: YearMonth,
    now: DateTime<Utc>,
) -> AppResult<DateTime<Utc>> {
    filing_time(declared, may_declare_filing(role), month, now)
}

/// Which version the counted figures are, and where it stands.
#[derive(Clone, Copy, Debug)]
pub struct Counted {
    pub status: entity::enums::HoursStatus,
    pub version: i32,
    pub no_activity: bool,
}

/// A month may be reported when it lies in the contract's period and has ended.
fn check_month(contract: &contract::Model, month: YearMonth) -> AppResult<()> {
    if !overlaps(contract.start_date, Some(contract.end_date), month) {
        return Err(AppError::bad_input(
            "month",
            format!(
                "{} is outside the contract period {} to {}",
                month.0.format("%Y-%m"),
                contract.start_date,
                contract.end_date
            ),
            format!(
                "{} ligger uden for kontraktperioden {} til {}",
                crate::i18n::da_month(month.0),
                crate::i18n::da_date(contract.start_date),
                crate::i18n::da_date(contract.end_date)
            ),
        ));
    }
    // A month's figures are known when it has ended: a report of the running month would be a
    // part of it that R6 then counts as the whole.
    let running = YearMonth::of(crate::units::danish_today());
    if month >= running {
        let from = month.last_day() + chrono::Days::new(1);
        return Err(AppError::bad_input(
            "month",
            format!(
                "{} has not ended; its hours can be reported from {}",
                month.0.format("%Y-%m"),
                from
            ),
            format!(
                "{} er ikke slut endnu; månedens timer kan indberettes fra den {}",
                crate::i18n::da_month(month.0),
                crate::i18n::da_date(from)
            ),
        ));
    }
    Ok(())
}

/// Each trainee's line: a placement on this contract, active in the month, listed once, with
/// no more hours than one person can work in a month (`cap`); returns (placement, centihours).
async fn check_lines<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    contract: &contract::Model,
    month: YearMonth,
    trainee_hours: &[TraineeHoursInput],
    cap: i64,
) -> AppResult<Vec<(Uuid, i64)>> {
    let mut seen = HashSet::new();
    let mut lines = Vec::with_capacity(trainee_hours.len());
    for (i, line) in trainee_hours.iter().enumerate() {
        let field = format!("traineeHours[{i}]");
        let hours = hours_to_centi(&format!("{field}.hours"), line.hours)?;
        let placement = referenced::<placement::Entity, _>(
            db,
            scope,
            &format!("{field}.placementId"),
            line.placement_id,
        )
        .await?;
        if placement.contract_id != contract.id {
            return Err(AppError::bad_input(
                format!("{field}.placementId"),
                format!("placement {} is on another contract", placement.id),
                format!("pladsen {} hører til en anden kontrakt", placement.id),
            ));
        }
        if !overlaps(placement.start_date, placement.end_date, month) {
            return Err(AppError::bad_input(
                format!("{field}.placementId"),
                format!(
                    "placement {} is not active in {}",
                    placement.id,
                    month.0.format("%Y-%m")
                ),
                format!(
                    "pladsen {} er ikke aktiv i {}",
                    placement.id,
                    crate::i18n::da_month(month.0)
                ),
            ));
        }
        if !seen.insert(placement.id) {
            return Err(AppError::bad_input(
                format!("{field}.placementId"),
                format!(
                    "placement {} is listed twice; give one line per placement",
                    placement.id
                ),
                format!(
                    "pladsen {} står der to gange; angiv én linje pr. plads",
                    placement.id
                ),
            ));
        }
        if hours > cap {
            return Err(AppError::bad_input(
                format!("{field}.hours"),
                format!(
                    "{} hours in a month is more than one person can work (at most {})",
                    line.hours,
                    from_hundredths(cap)
                ),
                format!(
                    "{} timer på en måned er mere, end én person kan arbejde (højst {})",
                    crate::i18n::da_hours(line.hours.into()),
                    crate::i18n::da_hours(from_hundredths(cap))
                ),
            ));
        }
        lines.push((placement.id, hours));
    }
    Ok(lines)
}

/// Writes the month's counted figures, replacing an earlier version's total and lines (refused
/// once the report is archived).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn write_report<C: ConnectionTrait>(
    db: &C,
    contract: &contract::Model,
    month: YearMonth,
    total: i64,
    filed: DateTime<Utc>,
    lines: Vec<(Uuid, i64)>,
    counted: Counted,
    t: DateTime<Utc>,
) -> AppResult<hours_report::Model> {
    let existing = hours_report::Entity::find()
        .filter(hours_report::Column::ContractId.eq(contract.id))
        .filter(hours_report::Column::Month.eq(month.first_day()))
        .one(db)
        .await?;
    let report = match existing {
        Some(r) if r.archived_at.is_some() => {
            return Err(AppError::conflict(
                format!(
                    "the report for {} is archived and can no longer be changed",
                    month.0.format("%Y-%m")
                ),
                format!(
                    "indberetningen for {} er arkiveret og kan ikke længere ændres",
                    crate::i18n::da_month(month.0)
                ),
            ));
        }
        Some(r) => {
            hours_line::Entity::delete_many()
                .filter(hours_line::Column::ReportId.eq(r.id))
                .exec(db)
                .await?;
            let mut m: hours_report::ActiveModel = r.into();
            m.total_centihours = Set(total);
            m.reported_at = Set(filed);
            m.status = Set(counted.status);
            m.version = Set(counted.version);
            m.no_activity = Set(counted.no_activity);
            m.updated_at = Set(t);
            m.update(db).await?
        }
        None => {
            hours_report::ActiveModel {
                id: Set(new_id()),
                contract_id: Set(contract.id),
                month: Set(month.first_day()),
                total_centihours: Set(total),
                reported_at: Set(filed),
                status: Set(counted.status),
                version: Set(counted.version),
                no_activity: Set(counted.no_activity),
                created_at: Set(t),
                updated_at: Set(t),
                archived_at: Set(None),
            }
            .insert(db)
            .await?
        }
    };
    if !lines.is_empty() {
        hours_line::Entity::insert_many(lines.into_iter().map(|(placement_id, centihours)| {
            hours_line::ActiveModel {
                id: Set(new_id()),
                report_id: Set(report.id),
                placement_id: Set(placement_id),
                centihours: Set(centihours),
                created_at: Set(t),
                updated_at: Set(t),
                archived_at: Set(None),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(report)
}

/// A month's report with its lines, as JSON: what the audit trail keeps of each version.
pub async fn report_snapshot<C: sea_orm::ConnectionTrait>(
    db: &C,
    (contract, month): (Uuid, chrono::NaiveDate),
) -> crate::error::AppResult<Option<serde_json::Value>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let Some(report) = hours_report::Entity::find()
        .filter(hours_report::Column::ContractId.eq(contract))
        .filter(hours_report::Column::Month.eq(month))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let lines = entity::hours_line::Entity::find()
        .filter(entity::hours_line::Column::ReportId.eq(report.id))
        .order_by_asc(entity::hours_line::Column::Id)
        .all(db)
        .await?;
    let mut v = serde_json::to_value(&report).unwrap_or_default();
    v["lines"] = serde_json::to_value(&lines).unwrap_or_default();
    Ok(Some(v))
}

pub fn list_reports(scope: &Scope, f: HoursReportFilter) -> Select<hours_report::Entity> {
    use hours_report::Column as H;
    let mut q = record::select::<hours_report::Entity>(scope);
    if let Some(v) = f.contract_id {
        q = q.filter(H::ContractId.eq(v));
    }
    if let Some(g) = f.grant_id {
        let mut sub = sea_orm::sea_query::Query::select();
        sub.column(contract::Column::Id)
            .from(contract::Entity)
            .and_where(contract::Column::GrantId.eq(g));
        q = q.filter(H::ContractId.in_subquery(sub));
    }
    if let Some(v) = f.from_month {
        q = q.filter(H::Month.gte(v.first_day()));
    }
    if let Some(v) = f.to_month {
        q = q.filter(H::Month.lte(v.first_day()));
    }
    if !f.include_archived {
        q = q.filter(H::ArchivedAt.is_null());
    }
    q
}
