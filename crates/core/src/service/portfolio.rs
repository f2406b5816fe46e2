//! The dashboard a page at a time, as the portfolio list on screen shows it
//! (porteføljeoversigten): an index of the dashboard's order is kept under the state of its
//! grants, and each page is cut from it. After a write the index is patched from the last one
//! made for the same question ([`super::moved`]): the grants that moved are evaluated and put
//! back in place, the others keep their places.

use std::collections::HashMap;
use std::sync::Arc;

use engine::compliance;
use entity::grant;
use uuid::Uuid;

use super::compliance::{
    Placing, Question, dashboard, evaluations_by_id, ids_and_revisions, listed, matching,
    remember_evaluations,
};
use super::moved;
use crate::error::{AppError, AppResult};

/// One page of a dashboard as a list on screen shows it: the rows of the page, and of all the
/// rows that match, how many there are and how many have each status.
pub struct DashboardPage {
    pub total: usize,
    /// Statuses in their order (ok before breach), those no row has left out.
    pub counts: Vec<(compliance::Status, usize)>,
    pub rows: Vec<Arc<compliance::Report>>,
}

/// A dashboard as its pages are cut from it: every grant in scope with the revision it was
/// placed under, its rows in order (each grant with its placing), and how many have each
/// status. Kept under the state of its grants, so a page polled while nothing moved reads that
/// state and the revisions of its own rows, not every grant; and under its question, so the
/// index after a write is patched from it.
struct PageIndex {
    revisions: Vec<(Uuid, i64)>,
    rows: Vec<(Uuid, Placing, ())>,
    counts: Vec<(compliance::Status, usize)>,
}

impl PageIndex {
    fn new(revisions: Vec<(Uuid, i64)>, rows: Vec<(Uuid, Placing, ())>) -> Self {
        let mut counts = std::collections::BTreeMap::new();
        for (_, placing, ()) in &rows {
            *counts.entry(placing.status).or_insert(0) += 1;
        }
        Self {
            revisions,
            rows,
            counts: counts.into_iter().collect(),
        }
    }

    /// The page `page` of the dashboard `all` this index was made from.
    fn page_of(
        &self,
        all: Vec<Arc<compliance::Report>>,
        page: std::ops::Range<usize>,
    ) -> DashboardPage {
        DashboardPage {
            total: self.rows.len(),
            counts: self.counts.clone(),
            rows: all.into_iter().skip(page.start).take(page.len()).collect(),
        }
    }

    /// What a cache holds of it: its grants.
    fn weight(&self) -> u32 {
        u32::try_from(self.rows.len() + self.revisions.len()).unwrap_or(u32::MAX)
    }
}

/// Indexes kept under their grants' state, weighed by their grants: some forty national
/// dashboards at 5,000 grants (the sorts, filters and searches in use). An index is made once:
/// the same page asked while it is being made (several screens after a write) waits for it
/// instead of placing the country again.
static PAGE_INDEXES: std::sync::LazyLock<moka::future::Cache<[u8; 32], Arc<PageIndex>>> =
    std::sync::LazyLock::new(|| {
        crate::caches::lru_async(400_000)
            .weigher(|_, i: &Arc<PageIndex>| i.weight())
            .build()
    });

/// The latest index made for each question (its slot: the question without the grants'
/// revisions), what the index after a write is patched from. Mostly the same indexes as
/// [`PAGE_INDEXES`] holds, shared.
static LATEST: std::sync::LazyLock<moka::sync::Cache<[u8; 32], Arc<PageIndex>>> =
    std::sync::LazyLock::new(|| {
        crate::caches::lru(400_000)
            .weigher(|_, i: &Arc<PageIndex>| i.weight())
            .build()
    });

/// What a page's index is kept under: the state of the grants selected, if every one has a
/// revision row (`super::state::state_key`), and the question without the revisions
/// ([`moved::question_slot`]).
#[derive(Clone, Copy)]
pub struct Keys {
    pub state: Option<[u8; 32]>,
    pub slot: [u8; 32],
}

/// One page of the dashboard of the grants `selected` selects that match `search`, cut from the
/// index kept under `keys.state` (the page's rows evaluated or taken from the cache under their
/// current revisions). Without an index, it is patched from the question's latest one, or else
/// the whole dashboard is evaluated and its evaluations stored ([`remember_evaluations`]).
/// Without a state key, the page is cut from the whole dashboard.
pub async fn page_of(
    db: &sea_orm::DatabaseConnection,
    keys: Keys,
    selected: sea_orm::Select<grant::Entity>,
    search: &str,
    q: Question,
    page: std::ops::Range<usize>,
) -> AppResult<DashboardPage> {
    let Some(key) = keys.state else {
        let current = ids_and_revisions(db, selected.clone()).await?;
        let (index, all) = page_index(db, current, selected, search, q).await?;
        return Ok(index.page_of(all, page));
    };
    // A request that makes the index afresh cuts its page from the rows it evaluated; those
    // that patched it or waited for it read their page's rows.
    let mut made = None;
    let index = PAGE_INDEXES
        .try_get_with(key, async {
            let current = ids_and_revisions(db, selected.clone()).await?;
            if let Some(index) =
                patched(db, keys.slot, &current, selected.clone(), search, q).await?
            {
                return Ok(index);
            }
            let (index, all) = page_index(db, current, selected, search, q).await?;
            let index = Arc::new(index);
            LATEST.insert(keys.slot, index.clone());
            made = Some(all);
            AppResult::Ok(index)
        })
        .await
        // The error was the request that made the index's; each waiting request answers its own.
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the dashboard's index: {e:?}")))?;
    if let Some(all) = made {
        return Ok(index.page_of(all, page));
    }
    let ids: Vec<Uuid> = index
        .rows
        .iter()
        .skip(page.start)
        .take(page.len())
        .map(|(grant, _, ())| *grant)
        .collect();
    let revisions = super::revision::current(db, &ids).await?;
    let reports = evaluations_by_id(db, &ids, &revisions, q.as_of, q.known_at).await?;
    Ok(DashboardPage {
        total: index.rows.len(),
        counts: index.counts.clone(),
        rows: ids
            .iter()
            .filter_map(|id| reports.get(id).cloned())
            .collect(),
    })
}

/// The index of the question `slot` patched from its latest one, the grants `current` (every
/// grant in scope, its revision now) against those it was made from: only the grants that moved
/// are evaluated and placed again. None when there is no latest index, a grant entered or left
/// the scope, or too many moved.
async fn patched(
    db: &sea_orm::DatabaseConnection,
    slot: [u8; 32],
    current: &[(Uuid, i64)],
    selected: sea_orm::Select<grant::Entity>,
    search: &str,
    q: Question,
) -> AppResult<Option<Arc<PageIndex>>> {
    let Some(latest) = LATEST.get(&slot) else {
        return Ok(None);
    };
    let revisions: HashMap<Uuid, i64> = current.iter().copied().collect();
    let now = (current, &revisions);
    let Some(since) = moved::since(db, &latest.revisions, now, selected, search, q).await? else {
        return Ok(None);
    };
    let placed = since
        .placed
        .into_iter()
        .map(|(placing, r)| (r.grant_id, placing, ()))
        .collect();
    let rows = moved::patched(latest.rows.clone(), &since.grants, placed, q.sort);
    let index = Arc::new(PageIndex::new(current.to_vec(), rows));
    LATEST.insert(slot, index.clone());
    metrics::counter!("tracker_page_indexes_total", "source" => "patched").increment(1);
    Ok(Some(index))
}

/// The whole dashboard of the grants `selected` selects (`current`: each with its revision)
/// that match `search`, in order, and its index; its evaluations are stored.
async fn page_index(
    db: &sea_orm::DatabaseConnection,
    current: Vec<(Uuid, i64)>,
    selected: sea_orm::Select<grant::Entity>,
    search: &str,
    q: Question,
) -> AppResult<(PageIndex, Vec<Arc<compliance::Report>>)> {
    let revisions: HashMap<Uuid, i64> = current.iter().copied().collect();
    let mut grants = matching(listed(db, selected).await?, search);
    grants.retain(|g| revisions.contains_key(&g.id));
    let cases: HashMap<Uuid, &str> = grants
        .iter()
        .map(|g| (g.id, g.case_number.as_str()))
        .collect();
    let all = dashboard(db, &grants, &revisions, q).await?;
    let ids: Vec<Uuid> = grants.iter().map(|g| g.id).collect();
    remember_evaluations(db, &ids, &revisions, q.as_of, q.known_at).await;
    let rows = all
        .iter()
        .map(|r| {
            let case = cases.get(&r.grant_id).copied().unwrap_or_default();
            (r.grant_id, Placing::of(case, r), ())
        })
        .collect();
    metrics::counter!("tracker_page_indexes_total", "source" => "made").increment(1);
    Ok((PageIndex::new(current, rows), all))
}
