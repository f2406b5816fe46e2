//! Relay-style cursor pagination over any [`Record`], ordered by id. Ids are UUID v7, so the order
//! is creation order and stays stable as rows are added. Cursors are opaque (base64 of a tagged id).

use async_graphql::connection::{Connection, Edge};
use async_graphql::{InputObject, OutputType, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::{
    ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

use crate::limits::PageLimits;
use tracker_core::error::{AppError, AppResult};
use tracker_core::record::Record;

/// The standard Relay arguments. Use either `first` (with `after`) or `last` (with `before`).
#[derive(Clone, Debug, Default, InputObject)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// Extra connection fields: how many rows match the filter, across all pages.
#[derive(SimpleObject)]
pub struct Total {
    pub total_count: u64,
}

pub type Page<V> = Connection<String, V, Total>;

const CURSOR_TAG: &str = "c1:";

pub fn encode_cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_TAG}{id}"))
}

fn decode_cursor(field: &str, cursor: &str) -> AppResult<Uuid> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.strip_prefix(CURSOR_TAG)
                .and_then(|id| Uuid::parse_str(id).ok())
        })
        .ok_or_else(|| {
            AppError::bad_input(
                field,
                format!("{field} is not a cursor returned by this API"),
                format!("{field} er ikke en markør fra dette API"),
            )
        })
}

fn page_size(field: &str, value: i32, limits: PageLimits) -> AppResult<u64> {
    if value < 0 || value as usize > limits.max {
        return Err(AppError::bad_input(
            field,
            format!("{field} must be between 0 and {}, got {value}", limits.max),
            format!("{field} skal være mellem 0 og {}, fik {value}", limits.max),
        ));
    }
    Ok(value as u64)
}

/// Runs `select` (already filtered and scoped) as one page, plus one COUNT when `count` (the
/// caller asked for `totalCount`; otherwise it is never shown, and a nested list would pay a
/// COUNT per parent for nothing).
pub async fn paginate<E, C, V>(
    db: &C,
    select: Select<E>,
    args: PageArgs,
    limits: PageLimits,
    count: bool,
    view: impl Fn(E::Model) -> V,
) -> AppResult<Page<V>>
where
    E: Record,
    C: ConnectionTrait,
    V: OutputType,
{
    if args.first.is_some() && args.last.is_some() {
        return Err(AppError::bad_input(
            "last",
            "pass either first or last, not both",
            "angiv enten first eller last, ikke begge",
        ));
    }
    let total_count = if count {
        select.clone().count(db).await?
    } else {
        0
    };
    let mut query = select;
    if let Some(after) = &args.after {
        query = query.filter(E::id_col().gt(decode_cursor("after", after)?));
    }
    if let Some(before) = &args.before {
        query = query.filter(E::id_col().lt(decode_cursor("before", before)?));
    }
    let backwards = args.last.is_some();
    let size = match (args.first, args.last) {
        (Some(n), _) => page_size("first", n, limits)?,
        (_, Some(n)) => page_size("last", n, limits)?,
        _ => limits.default as u64,
    };
    let mut rows = if backwards {
        query.order_by_desc(E::id_col())
    } else {
        query.order_by_asc(E::id_col())
    }
    .limit(size + 1)
    .all(db)
    .await?;
    let more = rows.len() as u64 > size;
    rows.truncate(size as usize);
    if backwards {
        rows.reverse();
    }
    // Relay allows answering false where the other direction's page is not cheap to know; with a
    // cursor on that side there is at least that row, so say true.
    let (has_previous, has_next) = if backwards {
        (more, args.before.is_some())
    } else {
        (args.after.is_some(), more)
    };
    let mut connection =
        Connection::with_additional_fields(has_previous, has_next, Total { total_count });
    connection.edges.extend(
        rows.into_iter()
            .map(|m| Edge::new(encode_cursor(E::id_of(&m)), view(m))),
    );
    Ok(connection)
}
