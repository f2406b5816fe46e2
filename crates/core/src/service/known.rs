//! What had been recorded at a point in time (`knownAt`): rows as they stood then, rebuilt from
//! the audit trail. Every change is audited in its own transaction with the row before and after,
//! so a row's state at `known_at` is the "before" image of its first change after `known_at`
//! (none: it did not exist yet), and a row changed only before is as it is now. Rows deleted
//! since come back from the same images. Only rows written after `known_at` cost a look into the
//! audit trail, so "as known now" is as fast as a plain read.

use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Copenhagen;
use entity::audit_log;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::AppResult;
use crate::record::Record;

/// Ids per query: well under every database's limit on bound parameters.
const CHUNK: usize = 500;

/// The last instant of `day` in Danish time.
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    let midnight = next.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Midnight exists in Copenhagen on every day (clocks change at 02:00/03:00).
    let start = Copenhagen
        .from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight));
    start - chrono::Duration::microseconds(1)
}

/// The `knownAt` of an evaluation as of `as_of` when none is given: everything known now, so a
/// site whose history is entered today answers for last year (the domain brief's default). It is
/// the end of today (or of `as_of`, if later) rather than this instant, so it stays the same all
/// day and the evaluations kept under it are reused; nothing can have been recorded after it.
/// A past moment given explicitly shows what the tracker knew then.
pub fn known_now_or(as_of: NaiveDate, known_at: Option<DateTime<Utc>>) -> DateTime<Utc> {
    known_at.unwrap_or_else(|| end_of_day(as_of.max(crate::clock::danish_today())))
}

/// For each of `ids`: the image before its first audited change after `known_at`, or `None` when
/// that change created it. Ids with no audited change after `known_at` are absent.
pub async fn images_before_first_change<C: ConnectionTrait>(
    db: &C,
    label: &str,
    ids: &[Uuid],
    known_at: DateTime<Utc>,
) -> AppResult<HashMap<Uuid, Option<serde_json::Value>>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Entity.eq(label))
            .filter(audit_log::Column::EntityId.is_in(chunk.iter().copied()))
            .filter(audit_log::Column::At.gt(known_at))
            .order_by_asc(audit_log::Column::At)
            .order_by_asc(audit_log::Column::Id)
            .all(db)
            .await?;
        for r in rows {
            out.entry(r.entity_id).or_insert(r.before);
        }
    }
    Ok(out)
}

/// Whether any row of `kinds` was written (created, changed, archived or deleted) after
/// `known_at`: if not, those rows are known at `known_at` exactly as they are now.
pub async fn written_since<C: ConnectionTrait>(
    db: &C,
    kinds: &[crate::record::Kind],
    known_at: DateTime<Utc>,
) -> AppResult<bool> {
    use sea_orm::QuerySelect;
    Ok(audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::Id)
        .filter(audit_log::Column::Entity.is_in(kinds.iter().map(|k| k.label())))
        .filter(audit_log::Column::At.gt(known_at))
        .limit(1)
        .into_tuple::<Uuid>()
        .one(db)
        .await?
        .is_some())
}

/// Ids of `label` rows deleted after `known_at`.
async fn deleted_since<C: ConnectionTrait>(
    db: &C,
    label: &str,
    known_at: DateTime<Utc>,
) -> AppResult<Vec<Uuid>> {
    Ok(audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq(label))
        .filter(audit_log::Column::Operation.eq("delete"))
        .filter(audit_log::Column::At.gt(known_at))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.entity_id)
        .collect())
}

fn decode<M: DeserializeOwned>(label: &str, id: Uuid, image: serde_json::Value) -> Option<M> {
    match serde_json::from_value(image) {
        Ok(m) => Some(m),
        Err(e) => {
            // An image that no longer reads (an erased person's scrubbed fields): the current
            // row is the best that is known.
            tracing::warn!(%id, label, error = %e, "audit image does not read back");
            None
        }
    }
}

/// `rows` (the current rows of interest) as recorded at `known_at`, plus rows deleted since
/// for which `belongs` holds. Rows created after `known_at` drop out.
pub async fn as_known<E, C>(
    db: &C,
    rows: Vec<E::Model>,
    known_at: DateTime<Utc>,
    belongs: impl Fn(&E::Model) -> bool,
) -> AppResult<Vec<E::Model>>
where
    E: Record,
    E::Model: DeserializeOwned,
    C: ConnectionTrait,
{
    let current: HashMap<Uuid, &E::Model> = rows.iter().map(|m| (E::id_of(m), m)).collect();
    let mut ids: Vec<Uuid> = rows
        .iter()
        .filter(|m| E::updated_of(m) > known_at || E::created_of(m) > known_at)
        .map(E::id_of)
        .collect();
    let deleted: Vec<Uuid> = deleted_since(db, E::LABEL, known_at)
        .await?
        .into_iter()
        .filter(|id| !current.contains_key(id))
        .collect();
    ids.extend(deleted.iter().copied());
    if ids.is_empty() {
        return Ok(rows);
    }
    let images = images_before_first_change(db, E::LABEL, &ids, known_at).await?;
    let mut out = Vec::with_capacity(rows.len());
    for m in &rows {
        let id = E::id_of(m);
        match images.get(&id) {
            // Unchanged since, or changed without an audit row (written by the command line
            // before the trail): as it is, if it existed.
            None if E::created_of(m) <= known_at => out.push(m.clone()),
            None => {}
            Some(None) => {}
            Some(Some(image)) => match decode::<E::Model>(E::LABEL, id, image.clone()) {
                Some(then) => out.push(then),
                None if E::created_of(m) <= known_at => out.push(m.clone()),
                None => {}
            },
        }
    }
    for id in deleted {
        if let Some(Some(image)) = images.get(&id)
            && let Some(then) = decode::<E::Model>(E::LABEL, id, image.clone())
            && belongs(&then)
        {
            out.push(then);
        }
    }
    Ok(out)
}

/// A month's hours report as recorded at a point in time, with its lines (placement, hundredths).
pub struct KnownReport {
    pub report: entity::hours_report::Model,
    pub lines: Vec<(Uuid, i64)>,
}

fn lines_of_image(image: &serde_json::Value) -> Option<Vec<(Uuid, i64)>> {
    let lines: Vec<entity::hours_line::Model> =
        serde_json::from_value(image.get("lines")?.clone()).ok()?;
    Some(
        lines
            .into_iter()
            .map(|l| (l.placement_id, l.centihours))
            .collect(),
    )
}

/// Hours reports as recorded at `known_at`. A month's report is audited as a whole (the report
/// with its lines, before and after), so a replaced month comes back with the lines it had then;
/// an archive changes no lines, and a report deleted since is rebuilt from its last whole image.
pub async fn reports_as_known<C: ConnectionTrait>(
    db: &C,
    reports: Vec<entity::hours_report::Model>,
    lines: Vec<entity::hours_line::Model>,
    known_at: DateTime<Utc>,
    belongs: impl Fn(&KnownReport) -> bool,
) -> AppResult<Vec<KnownReport>> {
    use entity::hours_report;
    const LABEL: &str = "Hours report";
    let mut lines_of: HashMap<Uuid, Vec<(Uuid, i64)>> = HashMap::new();
    for l in lines {
        lines_of
            .entry(l.report_id)
            .or_default()
            .push((l.placement_id, l.centihours));
    }
    let mut ids: Vec<Uuid> = reports
        .iter()
        .filter(|r| r.updated_at > known_at || r.created_at > known_at)
        .map(|r| r.id)
        .collect();
    let deleted: Vec<Uuid> = deleted_since(db, LABEL, known_at)
        .await?
        .into_iter()
        .filter(|id| !reports.iter().any(|r| r.id == *id))
        .collect();
    ids.extend(deleted.iter().copied());
    let images = if ids.is_empty() {
        HashMap::new()
    } else {
        images_before_first_change(db, LABEL, &ids, known_at).await?
    };
    let mut out = Vec::with_capacity(reports.len());
    for r in reports {
        let current = lines_of.remove(&r.id).unwrap_or_default();
        match images.get(&r.id) {
            None if r.created_at <= known_at => out.push(KnownReport {
                report: r,
                lines: current,
            }),
            None | Some(None) => {}
            Some(Some(image)) => {
                let then = decode::<hours_report::Model>(LABEL, r.id, image.clone());
                match then {
                    Some(then) => out.push(KnownReport {
                        report: then,
                        lines: lines_of_image(image).unwrap_or(current),
                    }),
                    None if r.created_at <= known_at => out.push(KnownReport {
                        report: r,
                        lines: current,
                    }),
                    None => {}
                }
            }
        }
    }
    for id in deleted {
        let Some(Some(image)) = images.get(&id) else {
            continue;
        };
        let Some(report) = decode::<hours_report::Model>(LABEL, id, image.clone()) else {
            continue;
        };
        let lines = match lines_of_image(image) {
            Some(l) => l,
            // Deleted through the generic delete, whose image has no lines: the last whole
            // image recorded by then has them.
            None => audit_log::Entity::find()
                .filter(audit_log::Column::Entity.eq(LABEL))
                .filter(audit_log::Column::EntityId.eq(id))
                .filter(audit_log::Column::At.lte(known_at))
                .order_by_desc(audit_log::Column::At)
                .all(db)
                .await?
                .iter()
                .find_map(|a| a.after.as_ref().and_then(lines_of_image))
                .unwrap_or_default(),
        };
        let known = KnownReport { report, lines };
        if belongs(&known) {
            out.push(known);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_a_known_at_everything_known_now_counts() {
        let moment: DateTime<Utc> = "2026-06-15T08:00:00Z".parse().unwrap();
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let (past, future) = crate::clock::at(moment, async {
            (known_now_or(d(1, 31), None), known_now_or(d(9, 1), None))
        })
        .await;
        // A past as-of day: the end of today (15 June, summer time), not of 31 January.
        assert_eq!(past.to_rfc3339(), "2026-06-15T21:59:59.999999+00:00");
        assert_eq!(future, end_of_day(d(9, 1)));
        let given: DateTime<Utc> = "2026-02-01T00:00:00Z".parse().unwrap();
        assert_eq!(known_now_or(d(1, 31), Some(given)), given);
    }

    #[test]
    fn end_of_a_danish_day() {
        // Winter: UTC+1, so 1 March 2024 ends at 22:59:59.999999 UTC.
        let d = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(
            end_of_day(d).to_rfc3339(),
            "2024-03-01T22:59:59.999999+00:00"
        );
        // Summer: UTC+2.
        let d = NaiveDate::from_ymd_opt(2024, 7, 1).unwrap();
        assert_eq!(
            end_of_day(d).to_rfc3339(),
            "2024-07-01T21:59:59.999999+00:00"
        );
    }
}
