//! A dashboard patched after a write instead of made again. A dashboard's answer is made from
//! every grant in scope and its revision; after a write, a few revisions differ from those the
//! last answer was made from. [`since`] finds those grants ([`moved`]) and evaluates and places
//! them (only they are listed and evaluated), and [`patched`] takes their earlier rows out of the
//! last answer's order and puts their new rows where the order puts them. The result is the
//! order a dashboard made afresh would have ([`super::compliance::DashboardSort::compare`] is a
//! total order, ties broken by grant), at the cost of the grants that moved, not the country.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use engine::compliance;
use entity::grant;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter};
use uuid::Uuid;

use super::compliance::{
    DashboardRow, DashboardSort, Placing, Question, dashboard_with, listed, matching,
    remember_evaluations,
};
use crate::error::AppResult;

/// The most grants that may have moved for an answer to be patched rather than made again
/// (one statement lists them; beyond this, making the answer afresh costs about the same).
pub const PATCH_LIMIT: usize = 500;

/// The grants whose revision in `current` differs from `earlier`'s (both every grant in scope,
/// in id order), or None when they are not the same grants (one entered or left the scope): an
/// answer made from `earlier` can then not be patched.
pub fn moved(earlier: &[(Uuid, i64)], current: &[(Uuid, i64)]) -> Option<Vec<Uuid>> {
    if earlier.len() != current.len() {
        return None;
    }
    let mut out = Vec::new();
    for ((was, then), (id, now)) in earlier.iter().zip(current) {
        if was != id {
            return None;
        }
        if then != now {
            out.push(*id);
        }
    }
    Some(out)
}

/// A dashboard's question without its grants' revisions: what selected its grants (`selection`:
/// the caller's scope, the filter, any search) and the question. The latest answer or index
/// made for it is what the next one is patched from.
pub fn question_slot(selection: &str, q: Question) -> [u8; 32] {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    hasher.update(format!(
        "slot|{}|{}|{:?}|{:?}|",
        q.as_of,
        q.known_at.to_rfc3339(),
        q.status,
        q.sort,
    ));
    hasher.update(selection);
    hasher.finalize().into()
}

/// A dashboard's rows in order (grant, placing, what the caller keeps of the row) after the
/// grants `moved` moved: their earlier rows taken out, and `placed` (their rows now, those that
/// are still on the dashboard) each put where `sort` puts it.
pub fn patched<K>(
    mut rows: Vec<(Uuid, Placing, K)>,
    moved: &HashSet<Uuid>,
    placed: Vec<(Uuid, Placing, K)>,
    sort: DashboardSort,
) -> Vec<(Uuid, Placing, K)> {
    rows.retain(|(grant, _, _)| !moved.contains(grant));
    for row in placed {
        let at = rows.partition_point(|(grant, placing, _)| {
            sort.compare((placing, *grant), (&row.1, row.0)).is_lt()
        });
        rows.insert(at, row);
    }
    rows
}

/// What moved since an answer was made: the grants whose revision changed, and their rows now
/// (each evaluated and placed as the dashboard places it; one that lost the question's status,
/// or no longer matches the search, has none).
pub struct Since {
    pub grants: HashSet<Uuid>,
    pub placed: Vec<(Placing, Arc<compliance::Report>)>,
}

/// What moved among the grants `selected` selects since an answer made from `earlier` (every
/// grant in scope with its revision then, in id order): `current` is every grant in scope now,
/// in id order, and `revisions` the same by grant. Only the grants that moved are listed (one
/// statement) and evaluated, and their evaluations stored ([`remember_evaluations`]). None when
/// the answer cannot be patched: a grant entered or left the scope, or more than
/// [`PATCH_LIMIT`] moved.
pub async fn since(
    db: &sea_orm::DatabaseConnection,
    earlier: &[(Uuid, i64)],
    (current, revisions): (&[(Uuid, i64)], &HashMap<Uuid, i64>),
    selected: sea_orm::Select<grant::Entity>,
    search: &str,
    q: Question,
) -> AppResult<Option<Since>> {
    let Some(moved) = moved(earlier, current) else {
        return Ok(None);
    };
    if moved.len() > PATCH_LIMIT {
        return Ok(None);
    }
    let placed = placed(db, selected, &moved, search, revisions, q).await?;
    remember_evaluations(db, &moved, revisions, q.as_of, q.known_at).await;
    Ok(Some(Since {
        grants: moved.into_iter().collect(),
        placed,
    }))
}

/// The grants `moved` among those `selected` selects that match `search`, evaluated under
/// `revisions` and placed as the dashboard places them; those without the question's status are
/// not on it. One statement lists them, and only their evaluations are looked up.
async fn placed<C: ConnectionTrait>(
    db: &C,
    selected: sea_orm::Select<grant::Entity>,
    moved: &[Uuid],
    search: &str,
    revisions: &HashMap<Uuid, i64>,
    q: Question,
) -> AppResult<Vec<(Placing, Arc<compliance::Report>)>> {
    if moved.is_empty() {
        return Ok(Vec::new());
    }
    let selected = selected.filter(grant::Column::Id.is_in(moved.iter().copied()));
    let grants = matching(listed(db, selected).await?, search);
    let rows = dashboard_with::<_, ()>(db, &grants, revisions, q, HashMap::new()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(placing, row)| match row {
            DashboardRow::Evaluated(r) => Some((placing, r)),
            DashboardRow::Known(..) => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::compliance::Status;
    use rust_decimal::Decimal;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn placing(case: &str, status: Status, shortfall: i64) -> Placing {
        Placing {
            case_number: case.into(),
            status,
            share: None,
            shortfall_hours: Decimal::new(shortfall, 0),
        }
    }

    #[test]
    fn the_grants_whose_revision_changed_moved() {
        let earlier = [(id(1), 0), (id(2), 3), (id(3), 1)];
        assert_eq!(
            moved(&earlier, &[(id(1), 0), (id(2), 4), (id(3), 1)]),
            Some(vec![id(2)])
        );
        assert_eq!(moved(&earlier, &earlier), Some(vec![]));
    }

    #[test]
    fn another_set_of_grants_cannot_be_patched() {
        let earlier = [(id(1), 0), (id(2), 3)];
        // One entered.
        assert_eq!(moved(&earlier, &[(id(1), 0), (id(2), 3), (id(3), 0)]), None);
        // One left while another entered: as many grants, not the same ones.
        assert_eq!(moved(&earlier, &[(id(1), 0), (id(3), 0)]), None);
        // One left.
        assert_eq!(moved(&earlier, &[(id(2), 3)]), None);
    }

    /// A grant whose shortfall grew moves up the shortfall order, one that left the status asked
    /// is gone, and the result is the order sorting every row afresh gives (ties by case number,
    /// then by grant).
    #[test]
    fn a_patched_order_is_the_order_made_afresh() {
        let sort = DashboardSort::ShortfallDesc;
        let a = (id(1), placing("LBF-1", Status::Breach, 300), "a");
        let b = (id(2), placing("LBF-2", Status::Breach, 200), "b");
        let c = (id(3), placing("LBF-3", Status::Breach, 100), "c");
        let d = (id(4), placing("LBF-3", Status::Breach, 100), "d");
        let earlier = vec![a.clone(), b.clone(), c.clone(), d.clone()];
        // c now owes the most; b is gone (it left the dashboard's status); d is unmoved.
        let c_now = (id(3), placing("LBF-3", Status::Breach, 400), "c2");
        let moved: HashSet<Uuid> = [id(2), id(3)].into();
        let out = patched(earlier, &moved, vec![c_now.clone()], sort);
        let names: Vec<&str> = out.iter().map(|r| r.2).collect();
        assert_eq!(names, ["c2", "a", "d"]);
        let mut afresh = [d, a, c_now];
        afresh.sort_by(|x, y| sort.compare((&x.1, x.0), (&y.1, y.0)));
        assert_eq!(afresh.iter().map(|r| r.2).collect::<Vec<_>>(), names);
    }

    /// Equal placings (the same case number, shortfall and share) fall in grant order, so a row
    /// put back among its equals lands where a full sort puts it.
    #[test]
    fn equal_rows_fall_in_grant_order() {
        let sort = DashboardSort::CaseNumber;
        let same = |n| (id(n), placing("LBF-9", Status::Compliant, 0), n);
        let earlier = vec![same(1), same(3)];
        let out = patched(earlier, &[id(2)].into(), vec![same(2)], sort);
        assert_eq!(out.iter().map(|r| r.2).collect::<Vec<_>>(), [1, 2, 3]);
    }
}
