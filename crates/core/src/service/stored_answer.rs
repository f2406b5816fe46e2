//! Resolved answers kept in the database (`stored_answer`), so a fresh instance (a deploy, one
//! more behind the load balancer) serves the country's dashboard from one row instead of
//! resolving every grant's row again. The GraphQL layer decides what an answer is and keys it;
//! here an answer is its rows, each the JSON of one grant's row with the grant and the revision
//! it was resolved from, stored under a slot (what the answer is about) with the fingerprint of
//! the grants' revisions it was resolved from and the fingerprint of the code that resolved it.
//!
//! Only the current question is stored (as of today, with everything known today: what
//! dashboards ask), and storing is best effort: a failure is logged and never fails the request.

use std::sync::Mutex;

use chrono::NaiveDate;
use entity::stored_answer;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The largest answer read back, unpacked: a stored row claiming more is not read, and an
/// answer larger than this is not stored (the national dashboard at 5,000 grants is some 6 MB).
pub const MAX_UNPACKED: usize = 64 * 1024 * 1024;

/// One row of an answer: its grant, the grant's revision it was resolved from, where it falls
/// on the dashboard, its JSON.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row<'a> {
    pub grant: Uuid,
    pub revision: i64,
    pub placing: super::compliance::Placing,
    /// Serialised as postcard's bytes (a length, then the bytes) and read back borrowed.
    pub json: &'a [u8],
}

/// An answer read back: the fingerprint it was stored under and its rows, borrowing
/// [`Unpacked::bytes`].
pub struct Unpacked {
    pub fingerprint: String,
    bytes: Vec<u8>,
}

impl Unpacked {
    /// The rows, or None when the bytes are not an answer.
    pub fn rows(&self) -> Option<Vec<Row<'_>>> {
        postcard::from_bytes(&self.bytes).ok()
    }
}

/// Rows as stored: postcard, LZ4-compressed with the size first.
fn pack(rows: &[Row<'_>]) -> Option<Vec<u8>> {
    let raw = postcard::to_stdvec(rows).ok()?;
    (raw.len() <= MAX_UNPACKED).then(|| lz4_flex::compress_prepend_size(&raw))
}

/// The stored bytes unpacked (not yet read as rows), or None when they claim more than
/// [`MAX_UNPACKED`] (checked before anything is allocated) or are not LZ4.
fn unpack(bytes: &[u8]) -> Option<Vec<u8>> {
    super::stored::decompress_bounded(bytes, MAX_UNPACKED)
}

/// The answer stored under `slot` by code with the fingerprint `views`, for the current
/// question (`as_of` today). None when there is none, it is another version's or day's, or it
/// cannot be read (logged).
pub async fn read(
    db: &DatabaseConnection,
    slot: &str,
    views: &str,
    as_of: NaiveDate,
) -> Option<Unpacked> {
    let row = stored_answer::Entity::find_by_id(slot.to_owned())
        .filter(stored_answer::Column::Views.eq(views))
        .filter(stored_answer::Column::AsOf.eq(as_of))
        .one(db)
        .await;
    let row = match row {
        Ok(row) => row?,
        Err(e) => {
            tracing::warn!(error = %e, "a stored answer could not be read; it is resolved again");
            return None;
        }
    };
    let Some(bytes) = unpack(&row.body) else {
        tracing::warn!(slot, "a stored answer is not one; it is resolved again");
        return None;
    };
    Some(Unpacked {
        fingerprint: row.fingerprint,
        bytes,
    })
}

/// Stores `rows` as the answer under `slot` (replacing the slot's earlier answer) and, once a
/// day per instance, deletes earlier days' answers. Logged, not returned, when it fails.
pub async fn write(
    db: &DatabaseConnection,
    slot: &str,
    fingerprint: &str,
    views: &str,
    as_of: NaiveDate,
    rows: &[Row<'_>],
) {
    static PRUNED: Mutex<Option<NaiveDate>> = Mutex::new(None);
    let Some(body) = pack(rows) else {
        tracing::info!(slot, "an answer too large to store is kept in memory only");
        return;
    };
    let prune = {
        let mut pruned = PRUNED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let first_today = *pruned != Some(as_of);
        *pruned = Some(as_of);
        first_today
    };
    if prune {
        let deleted = stored_answer::Entity::delete_many()
            .filter(stored_answer::Column::AsOf.lt(as_of))
            .exec(db)
            .await;
        if let Err(e) = deleted {
            tracing::warn!(error = %e, "earlier days' stored answers could not be deleted");
        }
    }
    let row = stored_answer::ActiveModel {
        slot: Set(slot.to_owned()),
        fingerprint: Set(fingerprint.to_owned()),
        views: Set(views.to_owned()),
        as_of: Set(as_of),
        stored_at: Set(super::now()),
        body: Set(body),
    };
    let written = stored_answer::Entity::insert(row)
        .on_conflict(
            OnConflict::column(stored_answer::Column::Slot)
                .update_columns([
                    stored_answer::Column::Fingerprint,
                    stored_answer::Column::Views,
                    stored_answer::Column::AsOf,
                    stored_answer::Column::StoredAt,
                    stored_answer::Column::Body,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await;
    if let Err(e) = written {
        tracing::warn!(error = %e, "an answer could not be stored; it is kept in memory");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_read_back_as_written() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let placing = |status, share| super::super::compliance::Placing {
            case_number: "LBF-1".into(),
            status,
            share,
            shortfall_hours: rust_decimal::Decimal::new(12_345, 2),
        };
        let rows = [
            Row {
                grant: a,
                revision: 3,
                placing: placing(engine::compliance::Status::Breach, None),
                json: br#"{"status":"OK"}"#,
            },
            Row {
                grant: b,
                revision: 0,
                placing: placing(
                    engine::compliance::Status::Compliant,
                    Some(rust_decimal::Decimal::new(1_400, 4)),
                ),
                json: b"",
            },
        ];
        let packed = pack(&rows).unwrap();
        let back = Unpacked {
            fingerprint: String::new(),
            bytes: unpack(&packed).unwrap(),
        };
        assert_eq!(back.rows().unwrap(), rows);
    }

    #[test]
    fn what_is_not_a_stored_answer_is_none() {
        // A size beyond the bound is refused before anything is allocated.
        let mut huge = u32::MAX.to_le_bytes().to_vec();
        huge.extend_from_slice(&[0; 16]);
        assert!(unpack(&huge).is_none());
        assert!(unpack(&[1]).is_none());
        assert!(unpack(b"\x05\x00\x00\x00not lz4 at all").is_none());
        // Well-formed LZ4 of bytes that are not rows: a row claiming more bytes than follow.
        let not_rows = Unpacked {
            fingerprint: String::new(),
            bytes: unpack(&lz4_flex::compress_prepend_size(&[1, 7, 0, 200, 1])).unwrap(),
        };
        assert!(not_rows.rows().is_none());
    }
}
