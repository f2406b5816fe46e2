//! The hours rollups (`hours_month`, `person_month_hours`): precomputed sums of the hours lines,
//! kept in the transaction of every write of the rows they sum, so an evaluation reads one
//! narrow row per contract and month and never sums raw lines.
//!
//! Like the grant revisions, the upkeep hangs on the audit trail: [`crate::audit::write`] calls
//! [`touch`] with each write's images. A month's hours report (audited whole, with its lines)
//! refreshes its own sums and its trainees' monthly totals; a placement whose kind changes
//! refreshes every report with a line on it. Each refresh recomputes the rows it owns from the
//! raw lines (never adds deltas), so a refresh is exact whatever came before it; the locks below
//! make two concurrent writes see each other's lines. `tests/tests/it/rollup.rs` checks the sums
//! against a full recomputation after random sequences of writes, on both databases.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::PlacementKind;
use entity::{contract, hours_line, hours_month, hours_report, person_month_hours, placement};
use sea_orm::sea_query::{Expr, Func, LockType, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, JoinType, QueryFilter,
    QuerySelect, RelationDef, Set, Statement, TransactionSession, TransactionTrait,
};
use serde_json::Value;
use uuid::Uuid;

use super::revision::line_placements;
use crate::compliance::KindSums;
use crate::error::AppResult;
use crate::record::Kind;

/// Ids per query: well under every database's limit on bound parameters.
const CHUNK: usize = 500;

fn date_at(image: Option<&Value>, key: &str) -> Option<NaiveDate> {
    image?.get(key)?.as_str()?.parse().ok()
}

/// Keeps the rollups in step with the row `entity`/`id` just written (its images before and
/// after, as audited), in the write's transaction.
pub async fn touch<C: ConnectionTrait>(
    db: &C,
    kind: Kind,
    id: Uuid,
    before: Option<&Value>,
    after: Option<&Value>,
) -> AppResult<()> {
    match kind {
        Kind::HoursReport => {
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
        Kind::Placement => {
            if !kind_changed(before, after) {
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
        // An hours report's audit image carries its lines, so its lines are refreshed with it;
        // nothing else is summed.
        _ => Ok(()),
    }
}

/// Whether a placement's write changed its kind, which is what its months' sums depend on (a
/// new placement has no lines yet).
fn kind_changed(before: Option<&Value>, after: Option<&Value>) -> bool {
    let kind = |v: Option<&Value>| v.and_then(|v| v.get("kind")).cloned();
    before.is_some() && kind(before) != kind(after)
}

/// Serialises replacements of a contract's months on PostgreSQL: without it, two reports of the
/// same month at the same moment both delete the (same) old lines and both insert theirs, and the
/// month keeps both sets. Every writer of hours takes this one row lock first, so locks are always
/// taken in the same order and cannot deadlock each other. `NO KEY UPDATE` still lets other
/// transactions insert rows that refer to the contract. (SQLite runs one writer at a time anyway.)
pub async fn lock_contract<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<()> {
    contract::Entity::find_by_id(id)
        .select_only()
        .column(contract::Column::Id)
        .lock(LockType::NoKeyUpdate)
        .into_tuple::<Uuid>()
        .one(db)
        .await?;
    Ok(())
}

/// Takes, in id order, the hours locks of every contract whose months the write `entity`/`id`
/// will make [`touch`] refresh. [`crate::service::trail::write`] calls it before it bumps any
/// grant's revision, so every writer takes contract locks first and grant revisions second: a
/// placement's kind change used to bump its grant's revision and then wait for a contract that an
/// hours writer held while that writer waited for the same revision row (PostgreSQL's `deadlock
/// detected`, and seconds of stalls under mixed writers).
pub async fn lock_contracts_for<C: ConnectionTrait>(
    db: &C,
    kind: Kind,
    id: Uuid,
    before: Option<&Value>,
    after: Option<&Value>,
) -> AppResult<()> {
    let contract_of =
        |v: Option<&Value>| v.and_then(|v| v.get("contract_id")?.as_str()?.parse::<Uuid>().ok());
    let mut contracts: Vec<Uuid> = match kind {
        Kind::HoursReport | Kind::HoursVersion => [contract_of(before), contract_of(after)]
            .into_iter()
            .flatten()
            .collect(),
        Kind::Placement => {
            if !kind_changed(before, after) {
                return Ok(());
            }
            hours_report::Entity::find()
                .select_only()
                .column(hours_report::Column::ContractId)
                .join(JoinType::InnerJoin, line_report().rev())
                .filter(hours_line::Column::PlacementId.eq(id))
                .into_tuple()
                .all(db)
                .await?
        }
        _ => return Ok(()),
    };
    contracts.sort();
    contracts.dedup();
    for c in contracts {
        lock_contract(db, c).await?;
    }
    Ok(())
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
            lock_contract(db, *c).await?;
        }
        let rows = compute(db, chunk).await?;
        hours_month::Entity::delete_many()
            .filter(hours_month::Column::ReportId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
        if !rows.is_empty() {
            // A backfill on another instance may have inserted a row since the delete: the
            // row computed here, under the contract's lock, is the one that stands.
            use hours_month::Column as M;
            hours_month::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::column(M::ReportId)
                        .update_columns([
                            M::GrantId,
                            M::ContractId,
                            M::Month,
                            M::TotalCentihours,
                            M::ApprenticeCentihours,
                            M::OtherTrainingCentihours,
                            M::NotCountedCentihours,
                            M::ReportedAt,
                            M::WrittenAt,
                            M::Status,
                            M::Version,
                            M::NoActivity,
                        ])
                        .to_owned(),
                )
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

type ReportRow = (
    Uuid,
    Uuid,
    NaiveDate,
    i64,
    DateTime<Utc>,
    DateTime<Utc>,
    entity::enums::HoursStatus,
    i32,
    bool,
);

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
            R::Status,
            R::Version,
            R::NoActivity,
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
        .filter_map(
            |(id, contract_id, month, total, reported_at, written_at, status, version, none)| {
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
                    status: Set(status),
                    version: Set(version),
                    no_activity: Set(none),
                })
            },
        )
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

/// A report without its `hours_month` row (alias `r`).
const MISSING: &str = "NOT EXISTS (SELECT 1 FROM hours_month m WHERE m.report_id = r.id)";

/// The placement kinds for which `pick` holds, as a quoted SQL list (the engine's own
/// classification, so the bulk path cannot drift from [`KindSums::add`]).
fn kinds_sql(pick: impl Fn(PlacementKind) -> bool) -> String {
    use sea_orm::{ActiveEnum, Iterable};
    let list: Vec<String> = PlacementKind::iter()
        .filter(|k| pick(*k))
        .map(|k| format!("'{}'", k.to_value()))
        .collect();
    if list.is_empty() {
        "NULL".into()
    } else {
        list.join(", ")
    }
}

/// Fills in the rollups of reports that have none (data from before the rollups existed, or a
/// bulk load): run at start, after the migrations, and after the demo seed. Set-based (a handful
/// of statements whatever the volume: 720,000 reports take seconds, not an hour), in one
/// transaction, and idempotent.
///
/// Safe beside live writers and other instances starting at once: on PostgreSQL it first locks
/// the contracts concerned (in id order, as every hours writer does), then the person-month rows
/// (created if missing, in key order) before it reads the sums, so the lock order is the writers'
/// own and a concurrent write is either seen or waits. A report row another instance inserted
/// first is left alone (`DO NOTHING`), and [`refresh_reports`] overwrites on conflict.
pub async fn backfill<C: ConnectionTrait + TransactionTrait>(db: &C) -> AppResult<usize> {
    let txn = db.begin().await?;
    let pg = txn.get_database_backend() == DbBackend::Postgres;
    let run = |sql: String| {
        let txn = &txn;
        async move { txn.execute_unprepared(&sql).await }
    };
    let missing: i64 = txn
        .query_one_raw(Statement::from_string(
            txn.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM hours_report r WHERE {MISSING}"),
        ))
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    if missing == 0 {
        return Ok(0);
    }
    // (person, month) pairs with a line in a report that has no rollup yet.
    let pairs = format!(
        "SELECT p.person_id, r.month FROM hours_line l \
         JOIN placement p ON p.id = l.placement_id \
         JOIN hours_report r ON r.id = l.report_id WHERE {MISSING}"
    );
    if pg {
        run(format!(
            "SELECT c.id FROM contract c WHERE c.id IN \
             (SELECT r.contract_id FROM hours_report r WHERE {MISSING}) \
             ORDER BY c.id FOR NO KEY UPDATE"
        ))
        .await?;
        run(format!(
            "INSERT INTO person_month_hours (person_id, month, centihours) \
             SELECT DISTINCT x.person_id, x.month, 0 FROM ({pairs}) x \
             ON CONFLICT (person_id, month) DO NOTHING"
        ))
        .await?;
        run(format!(
            "SELECT 1 FROM person_month_hours pm WHERE (pm.person_id, pm.month) IN ({pairs}) \
             ORDER BY pm.person_id, pm.month FOR UPDATE"
        ))
        .await?;
    }
    // Every line of those persons in those months, on any grant (as `refresh_person_months`).
    run(format!(
        "INSERT INTO person_month_hours (person_id, month, centihours) \
         SELECT p.person_id, r.month, CAST(SUM(l.centihours) AS BIGINT) FROM hours_line l \
         JOIN placement p ON p.id = l.placement_id \
         JOIN hours_report r ON r.id = l.report_id \
         WHERE (p.person_id, r.month) IN ({pairs}) \
         GROUP BY p.person_id, r.month \
         ON CONFLICT (person_id, month) DO UPDATE SET centihours = excluded.centihours"
    ))
    .await?;
    // A line counts by kind only on a placement of the report's own grant, as in the engine.
    let apprentice = kinds_sql(PlacementKind::is_apprentice);
    let other = kinds_sql(|k| k.counts_as_training() && !k.is_apprentice());
    let own = "p.grant_id = c.grant_id AND p.kind";
    run(format!(
        "INSERT INTO hours_month (report_id, grant_id, contract_id, month, total_centihours, \
         apprentice_centihours, other_training_centihours, not_counted_centihours, \
         reported_at, written_at) \
         SELECT r.id, c.grant_id, r.contract_id, r.month, r.total_centihours, \
         CAST(COALESCE(SUM(CASE WHEN {own} IN ({apprentice}) THEN l.centihours ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN {own} IN ({other}) THEN l.centihours ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN {own} IN ({apprentice}, {other}) THEN 0 ELSE l.centihours END), 0) AS BIGINT), \
         r.reported_at, r.updated_at \
         FROM hours_report r JOIN contract c ON c.id = r.contract_id \
         LEFT JOIN hours_line l ON l.report_id = r.id \
         LEFT JOIN placement p ON p.id = l.placement_id \
         WHERE {MISSING} \
         GROUP BY r.id, c.grant_id, r.contract_id, r.month, r.total_centihours, r.reported_at, r.updated_at \
         ON CONFLICT (report_id) DO NOTHING"
    ))
    .await?;
    txn.commit().await?;
    Ok(usize::try_from(missing).unwrap_or(usize::MAX))
}
