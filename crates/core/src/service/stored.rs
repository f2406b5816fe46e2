//! Evaluations kept in the database (`stored_evaluation`), so a fresh instance (a deploy, one
//! more behind the load balancer) reads the country's evaluations instead of loading every
//! grant's facts and evaluating them again. Only the current question is kept (as of today,
//! with everything known today: what dashboards ask), one row per grant, under its key: the
//! grant's revision, the date and moment, and [`ENGINE`]. A row whose key differs is not used;
//! storing is best effort and never fails the request that computed the evaluation.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, NaiveDate, Utc};
use entity::stored_evaluation;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::compliance::Report;
use crate::error::AppResult;

/// A hash of the sources an evaluation follows from (the engine and the services that read its
/// facts), made by this crate's build script: another version's evaluations are not read back.
pub const ENGINE: &str = env!("TRACKER_ENGINE_FINGERPRINT");

/// Ids per read; rows per write (a row is a few kB of JSON).
const CHUNK: usize = 500;
const WRITE_CHUNK: usize = 100;

/// (grant, revision, as of, known at), as the evaluation cache keys it.
type Key = (Uuid, i64, NaiveDate, DateTime<Utc>);

/// Keys stored, or read from the store, by this instance: the warm path writes nothing.
static STORED: LazyLock<moka::sync::Cache<Key, ()>> =
    LazyLock::new(|| crate::caches::lru(200_000).build());

/// The largest report read back, unpacked: a stored row claiming more is not read (a grant's
/// report is some 30 kB).
const MAX_UNPACKED: usize = 8 * 1024 * 1024;

/// A report as stored: [`Report::to_stored`], compressed (LZ4, its size first).
fn pack(r: &Report) -> Vec<u8> {
    lz4_flex::compress_prepend_size(&r.to_stored())
}

/// A stored report read back, or None when it is not one (its claimed size is checked before
/// anything is allocated).
fn unpack(bytes: &[u8]) -> Option<Report> {
    Report::from_stored(&decompress_bounded(bytes, MAX_UNPACKED)?)
}

/// LZ4 bytes with their size first, decompressed; None when they claim more than `max` bytes
/// (checked before anything is allocated) or are not LZ4. Shared with the stored answers.
pub(super) fn decompress_bounded(bytes: &[u8], max: usize) -> Option<Vec<u8>> {
    let size = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
    if usize::try_from(size).ok()? > max {
        return None;
    }
    lz4_flex::decompress_size_prepended(bytes).ok()
}

/// Whether `as_of`/`known_at` is the question kept in the database: today, with everything
/// known today (the default of every dashboard).
pub fn is_current(as_of: NaiveDate, known_at: DateTime<Utc>) -> bool {
    as_of == crate::clock::danish_today() && known_at == super::known::known_now_or(as_of, None)
}

/// The stored evaluations of `grants` (id and current revision) for this question, where their
/// key still matches. Bytes that are not this version's report are skipped (evaluated again).
pub async fn read<C: ConnectionTrait>(
    db: &C,
    grants: &[(Uuid, i64)],
    as_of: NaiveDate,
    known_at: DateTime<Utc>,
) -> AppResult<HashMap<Uuid, Report>> {
    let mut out = HashMap::new();
    if !is_current(as_of, known_at) {
        return Ok(out);
    }
    let wanted: HashMap<Uuid, i64> = grants.iter().copied().collect();
    for chunk in grants.chunks(CHUNK) {
        let rows = stored_evaluation::Entity::find()
            .filter(stored_evaluation::Column::GrantId.is_in(chunk.iter().map(|(id, _)| *id)))
            .filter(stored_evaluation::Column::AsOf.eq(as_of))
            .filter(stored_evaluation::Column::Engine.eq(ENGINE))
            .all(db)
            .await?;
        for row in rows {
            let matches = wanted.get(&row.grant_id) == Some(&row.revision)
                && row.known_at.timestamp_micros() == known_at.timestamp_micros();
            if let Some(r) = matches.then(|| unpack(&row.body)).flatten() {
                STORED.insert((row.grant_id, row.revision, as_of, known_at), ());
                out.insert(row.grant_id, r);
            }
        }
    }
    Ok(out)
}

/// Stores those of `evaluations` (grant, revision, report) not stored yet, for the current
/// question only. A row is replaced only by a later or equal revision, so two instances storing
/// at once leave the newer. Failures are logged: the answer does not depend on them.
pub async fn write(
    db: &DatabaseConnection,
    evaluations: Vec<(Uuid, i64, Arc<Report>)>,
    as_of: NaiveDate,
    known_at: DateTime<Utc>,
) {
    if !is_current(as_of, known_at) {
        return;
    }
    let fresh: Vec<_> = evaluations
        .into_iter()
        .filter(|(id, rev, _)| !STORED.contains_key(&(*id, *rev, as_of, known_at)))
        .collect();
    for chunk in fresh.chunks(WRITE_CHUNK) {
        let rows = chunk
            .iter()
            .map(|(id, rev, r)| stored_evaluation::ActiveModel {
                grant_id: Set(*id),
                revision: Set(*rev),
                as_of: Set(as_of),
                known_at: Set(known_at),
                engine: Set(ENGINE.to_owned()),
                body: Set(pack(r)),
            });
        let newer = Expr::col((
            stored_evaluation::Entity,
            stored_evaluation::Column::Revision,
        ))
        .lte(Expr::cust("excluded.revision"));
        let written = stored_evaluation::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(stored_evaluation::Column::GrantId)
                    .update_columns([
                        stored_evaluation::Column::Revision,
                        stored_evaluation::Column::AsOf,
                        stored_evaluation::Column::KnownAt,
                        stored_evaluation::Column::Engine,
                        stored_evaluation::Column::Body,
                    ])
                    .action_and_where(newer)
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await;
        match written {
            Ok(_) => {
                for (id, rev, _) in chunk {
                    STORED.insert((*id, *rev, as_of, known_at), ());
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "evaluations could not be stored; they are kept in memory");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A packed report reading back whole is shown by the integration test
    // `stored::a_fresh_instance_reads_the_stored_evaluations` (an evaluation read back, not
    // computed, answers the same); here, what is not one.
    #[test]
    fn what_is_not_a_packed_report_is_none() {
        // A size beyond the bound is refused before anything is allocated.
        let mut huge = u32::MAX.to_le_bytes().to_vec();
        huge.extend_from_slice(&[0; 16]);
        assert!(unpack(&huge).is_none());
        assert!(unpack(&[1, 2]).is_none());
        assert!(unpack(b"\x05\x00\x00\x00not lz4 at all").is_none());
        // Well-formed LZ4 of bytes that are not a report.
        assert!(unpack(&lz4_flex::compress_prepend_size(b"{}")).is_none());
    }
}
