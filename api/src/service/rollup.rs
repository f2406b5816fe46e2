//! The hours rollups (`hours_month`, `person_month_hours`): precomputed sums of the hours lines,
//! kept in the transaction of every write of the rows they sum, so an evaluation reads one
//! narrow row per contract and month and never sums raw lines.
//!
//! Like the grant revisions, the upkeep hangs on the audit trail: [`crate::audit::write`] calls
//! [`touch`] with each write's images. A month's hours report (audited whole, with its lines)
//! refreshes its own sums and its trainees' monthly totals; a placement whose kind changes
//! refreshes every report with a line on it. Each refresh recomputes the rows it owns from the
//! raw lines (never adds deltas), so a refresh is exact whatever came before it; the locks below
//! make two concurrent writes see each other's lines. `tests/tests/rollup.rs` checks the sums
//! against a full recomputation after random sequences of writes, on both databases.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::PlacementKind;
use entity::{contract, hours_line, hours_month, hours_report, person_month_hours, placement};
use sea_orm::sea_query::{Expr, Func, LockType, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect,
    RelationDef, Set,
};
use serde_json::Value;
use uuid::Uuid;

use super::revision::line_placements;
use crate::compliance::KindSums;
use crate::error::AppResult;

/// Ids per query: well under every database's limit on bound parameters.
const CHUNK: usize = 500;

fn date_at(image: Option<&Value>, key: &str) -> Option<NaiveDate> {
    image?.get(key)?.as_str()?.parse().ok()
}

/// Keeps the rollups in step with the row `entity`/`id` just written (its images before and
/// after, as audited), in the write's transaction.
pub async fn touch<C: ConnectionTrait>(
    db: &C,
    entity: &str,
    id: Uuid,
    before: Option<&Value>,
    after: Option<&Value>,
) -> AppResult<()> {
    match entity {
        "Hours report" => {
            refresh_reports(db, &[id]).await?;
            let mut placements = line_placements(before);
            placements.extend(line_placements(after));
            let months: BTreeSet<NaiveDate> = [date_at(before, "month"), date_at(after, "month")]
                .into_iter()
                .flatten()
                .collect();
            let persons = persons_of(db, placements).await?;
            let pairs = persons
                .iter()
                .flat_map(|p| months.iter().map(move |m| (*p, *m)))
                .collect();
            refresh_person_months(db, pairs).await
        }
        "Placement" => {
            let kind = |v: Option<&Value>| v.and_then(|v| v.get("kind")).cloned();
            if before.is_none() || kind(before) == kind(after) {
                return Ok(());
            }
            let reports: Vec<Uuid> = hours_line::Entity::find()
                .select_only()
                .column(hours_line::Column::ReportId)
                .filter(hours_line::Column::PlacementId.eq(id))
                .into_tuple()
                .all(db)
                .await?;
            refresh_reports(db, &reports).await
        }
        _ => Ok(()),
    }
}

async fn persons_of<C: ConnectionTrait>(db: &C, mut placements: Vec<Uuid>) -> AppResult<Vec<Uuid>> {
    placements.sort();
    placements.dedup();
    let mut persons = Vec::new();
    for chunk in placements.chunks(CHUNK) {
        let rows: Vec<Uuid> = placement::Entity::find()
            .select_only()
            .column(placement::Column::PersonId)
            .filter(placement::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        persons.extend(rows);
    }
    persons.sort();
    persons.dedup();
    Ok(persons)
}

/// Recomputes the `hours_month` rows of `reports` from their lines and their placements' kinds
/// (a report deleted since loses its row). Takes the contracts' hours lock first (the one every
/// hours writer takes, in id order), so a refresh never reads a contract's lines while another
/// transaction is replacing them.
pub async fn refresh_reports<C: ConnectionTrait>(db: &C, reports: &[Uuid]) -> AppResult<()> {
    let mut reports = reports.to_vec();
    reports.sort();
    reports.dedup();
    for chunk in reports.chunks(CHUNK) {
        let mut contracts: Vec<Uuid> = hours_report::Entity::find()
            .select_only()
            .column(hours_report::Column::ContractId)
            .filter(hours_report::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        contracts.sort();
        contracts.dedup();
        for c in &contracts {
            super::hours::lock_contract(db, *c).await?;
        }
        let rows = compute(db, chunk).await?;
        hours_month::Entity::delete_many()
            .filter(hours_month::Column::ReportId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
        if !rows.is_empty() {
            hours_month::Entity::insert_many(rows).exec(db).await?;
        }
    }
    Ok(())
}

type ReportRow = (Uuid, Uuid, NaiveDate, i64, DateTime<Utc>, DateTime<Utc>);

/// The `hours_month` rows of `reports` (at most [`CHUNK`]) as their lines stand now.
async fn compute<C: ConnectionTrait>(
    db: &C,
    reports: &[Uuid],
) -> AppResult<Vec<hours_month::ActiveModel>> {
    use hours_report::Column as R;
    let rows: Vec<ReportRow> = hours_report::Entity::find()
        .select_only()
        .columns([
            R::Id,
            R::ContractId,
            R::Month,
            R::TotalCentihours,
            R::ReportedAt,
            R::UpdatedAt,
        ])
        .filter(R::Id.is_in(reports.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let contract_ids: BTreeSet<Uuid> = rows.iter().map(|r| r.1).collect();
    let grant_of: HashMap<Uuid, Uuid> = contract::Entity::find()
        .select_only()
        .columns([contract::Column::Id, contract::Column::GrantId])
        .filter(contract::Column::Id.is_in(contract_ids))
        .into_tuple::<(Uuid, Uuid)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    // Each line with its placement's kind and grant: a line counts by kind only on a placement
    // of the report's own grant, as in the engine.
    let lines: Vec<(Uuid, i64, PlacementKind, Uuid)> = hours_line::Entity::find()
        .select_only()
        .column(hours_line::Column::ReportId)
        .column(hours_line::Column::Centihours)
        .column(placement::Column::Kind)
        .column(placement::Column::GrantId)
        .join(JoinType::InnerJoin, line_placement())
        .filter(hours_line::Column::ReportId.is_in(reports.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let mut sums: HashMap<Uuid, KindSums> = HashMap::new();
    let grant_of_report: HashMap<Uuid, Option<Uuid>> = rows
        .iter()
        .map(|r| (r.0, grant_of.get(&r.1).copied()))
        .collect();
    for (report, centi, kind, grant) in lines {
        let own = grant_of_report.get(&report).copied().flatten() == Some(grant);
        sums.entry(report)
            .or_default()
            .add(own.then_some(kind), centi);
    }
    Ok(rows
        .into_iter()
        .filter_map(|(id, contract_id, month, total, reported_at, written_at)| {
            let s = sums.get(&id).copied().unwrap_or_default();
            Some(hours_month::ActiveModel {
                report_id: Set(id),
                grant_id: Set(*grant_of.get(&contract_id)?),
                contract_id: Set(contract_id),
                month: Set(month),
                total_centihours: Set(total),
                apprentice_centihours: Set(s.apprentice),
                other_training_centihours: Set(s.other_training),
                not_counted_centihours: Set(s.not_counted),
                reported_at: Set(reported_at),
                written_at: Set(written_at),
            })
        })
        .collect())
}

/// hours_line → placement, for joins (the entities declare no relations).
pub(crate) fn line_placement() -> RelationDef {
    hours_line::Entity::belongs_to(placement::Entity)
        .from(hours_line::Column::PlacementId)
        .to(placement::Column::Id)
        .into()
}

/// hours_line → hours_report, for joins.
pub(crate) fn line_report() -> RelationDef {
    hours_line::Entity::belongs_to(hours_report::Entity)
        .from(hours_line::Column::ReportId)
        .to(hours_report::Column::Id)
        .into()
}

/// Recomputes each (person, month) total in `pairs` from every line on the person's placements
/// in that month. On PostgreSQL the rows are created if missing and locked (in key order, so two
/// writers cannot deadlock) before the lines are read: a concurrent write for the same person on
/// another contract then waits, and its own refresh reads this one's lines once it commits.
pub async fn refresh_person_months<C: ConnectionTrait>(
    db: &C,
    pairs: Vec<(Uuid, NaiveDate)>,
) -> AppResult<()> {
    let pairs: Vec<(Uuid, NaiveDate)> = pairs
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // Two bound parameters per pair.
    for chunk in pairs.chunks(CHUNK / 2) {
        let rows = |centi: &dyn Fn(&(Uuid, NaiveDate)) -> i64| {
            chunk
                .iter()
                .map(|p| person_month_hours::ActiveModel {
                    person_id: Set(p.0),
                    month: Set(p.1),
                    centihours: Set(centi(p)),
                })
                .collect::<Vec<_>>()
        };
        let key = || {
            OnConflict::columns([
                person_month_hours::Column::PersonId,
                person_month_hours::Column::Month,
            ])
            .to_owned()
        };
        person_month_hours::Entity::insert_many(rows(&|_| 0))
            .on_conflict_do_nothing_on([
                person_month_hours::Column::PersonId,
                person_month_hours::Column::Month,
            ])
            .exec(db)
            .await?;
        let in_chunk = chunk.iter().fold(Condition::any(), |c, (p, m)| {
            c.add(
                Condition::all()
                    .add(person_month_hours::Column::PersonId.eq(*p))
                    .add(person_month_hours::Column::Month.eq(*m)),
            )
        });
        person_month_hours::Entity::find()
            .select_only()
            .column(person_month_hours::Column::PersonId)
            .filter(in_chunk)
            .lock(LockType::Update)
            .into_tuple::<Uuid>()
            .all(db)
            .await?;
        let persons: BTreeSet<Uuid> = chunk.iter().map(|p| p.0).collect();
        let months: BTreeSet<NaiveDate> = chunk.iter().map(|p| p.1).collect();
        let sums: HashMap<(Uuid, NaiveDate), i64> = hours_line::Entity::find()
            .select_only()
            .column(placement::Column::PersonId)
            .column(hours_report::Column::Month)
            // PostgreSQL sums a BIGINT as NUMERIC; back to BIGINT, which it always fits.
            .column_as(
                Expr::from(Func::cast_as(
                    Func::sum(Expr::col((
                        hours_line::Entity,
                        hours_line::Column::Centihours,
                    ))),
                    "BIGINT",
                )),
                "centihours",
            )
            .join(JoinType::InnerJoin, line_placement())
            .join(JoinType::InnerJoin, line_report())
            .filter(placement::Column::PersonId.is_in(persons))
            .filter(hours_report::Column::Month.is_in(months))
            .group_by(placement::Column::PersonId)
            .group_by(hours_report::Column::Month)
            .into_tuple::<(Uuid, NaiveDate, i64)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(p, m, c)| ((p, m), c))
            .collect();
        person_month_hours::Entity::insert_many(rows(&|p| sums.get(p).copied().unwrap_or(0)))
            .on_conflict(
                key()
                    .update_column(person_month_hours::Column::Centihours)
                    .to_owned(),
            )
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Fills in the rollups of reports that have none (data from before the rollups existed, or a
/// bulk load): run at start, after the migrations. Idempotent, and safe with several instances
/// starting at once (each refresh recomputes, never adds).
pub async fn backfill<C: ConnectionTrait>(db: &C) -> AppResult<usize> {
    let missing: Vec<Uuid> = hours_report::Entity::find()
        .select_only()
        .column(hours_report::Column::Id)
        .join(
            JoinType::LeftJoin,
            hours_report::Entity::belongs_to(hours_month::Entity)
                .from(hours_report::Column::Id)
                .to(hours_month::Column::ReportId)
                .into(),
        )
        .filter(hours_month::Column::ReportId.is_null())
        .into_tuple()
        .all(db)
        .await?;
    for chunk in missing.chunks(CHUNK) {
        let rows = compute(db, chunk).await?;
        if !rows.is_empty() {
            hours_month::Entity::insert_many(rows)
                .on_conflict_do_nothing_on([hours_month::Column::ReportId])
                .exec(db)
                .await?;
        }
        let pairs: Vec<(Uuid, NaiveDate)> = hours_line::Entity::find()
            .select_only()
            .column(placement::Column::PersonId)
            .column(hours_report::Column::Month)
            .join(JoinType::InnerJoin, line_placement())
            .join(JoinType::InnerJoin, line_report())
            .filter(hours_line::Column::ReportId.is_in(chunk.iter().copied()))
            .distinct()
            .into_tuple()
            .all(db)
            .await?;
        refresh_person_months(db, pairs).await?;
    }
    Ok(missing.len())
}
