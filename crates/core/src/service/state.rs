//! The state of the grants a dashboard selects ([`ScopeState`]: one aggregate row), the key a
//! kept answer is found under ([`state_key`]), and the instance's memory of each selection's
//! state under the change stamp ([`scope_state`]): while no write has been committed, a request
//! reads one row instead of aggregating every grant in scope.

use std::sync::LazyLock;

use entity::{grant, grant_revision};
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect};
use sha2::Digest;

use super::compliance::Question;
use crate::error::{AppError, AppResult};
use crate::stamp::{self, Stamp};

/// Each selection's state as last read, under the selection (hashed with the database's epoch)
/// and the stamp it was read at: entries of earlier stamps are never asked for again and go
/// first. Made once: the requests that ask while it is read (every screen, right after a write)
/// wait for that one read.
static STATES: LazyLock<moka::future::Cache<([u8; 32], i64), ScopeState>> =
    LazyLock::new(|| crate::caches::lru_async(10_000).build());

/// [`ScopeState`] of the grants `grants` selects; `selection` names what selected them (the
/// caller's scope and the filter, as for [`state_key`]). Read from the database once per
/// selection and committed write: while the change stamp stays where it was when the state was
/// read, the state is what it was (the stamp is read first, so a state read later may be newer
/// than its stamp, never older).
pub async fn scope_state<C: ConnectionTrait>(
    db: &C,
    selection: &str,
    grants: sea_orm::Select<grant::Entity>,
) -> AppResult<ScopeState> {
    let Stamp { epoch, n } = stamp::read(db).await?;
    let mut hasher = sha2::Sha256::new();
    hasher.update(epoch.to_le_bytes());
    hasher.update(selection);
    let key = (hasher.finalize().into(), n);
    let state = STATES
        .try_get_with(key, read_afresh(db, grants))
        .await
        // The error was the request that read it's; each waiting request answers its own.
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the grants' state: {e:?}")))?;
    if state.with_revision != state.grants {
        // Some grant's missing revision row could not be added: the next request tries again.
        STATES.invalidate(&key).await;
    }
    Ok(state)
}

/// The state of the grants a dashboard selects, in one aggregate row: how many there are, how
/// many have a revision row, and the sums of their revisions and of their rows' salts. A write
/// moves the revisions' sum (revisions only grow), a grant leaving or entering the selection
/// moves the count, and one leaving while another enters moves the salts' sum (random, below
/// 2^40: the sums stay equal by chance about once in a trillion). What a warm dashboard checks
/// instead of reading every grant's id and revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScopeState {
    pub grants: i64,
    pub with_revision: i64,
    pub revisions: i64,
    pub salts: i64,
}

/// [`ScopeState`] of the grants `grants` selects, read from the database.
async fn read_afresh<C: ConnectionTrait>(
    db: &C,
    grants: sea_orm::Select<grant::Entity>,
) -> AppResult<ScopeState> {
    let state = read_scope_state(db, grants.clone()).await?;
    if state.with_revision == state.grants {
        return Ok(state);
    }
    // Grants without a revision row (loaded behind the service's back, as a bulk load does):
    // each gets its row once, at revision 0 (what a missing row counts as), so the state can
    // tell them leaving or entering. Best effort: should the write fail (a busy SQLite file),
    // the state says so and the caller keys by every id and revision instead.
    if let Err(e) = super::revision::add_missing_rows(db, grants.clone()).await {
        tracing::warn!(error = ?e, "missing revision rows could not be added");
        return Ok(state);
    }
    read_scope_state(db, grants).await
}

async fn read_scope_state<C: ConnectionTrait>(
    db: &C,
    grants: sea_orm::Select<grant::Entity>,
) -> AppResult<ScopeState> {
    use sea_orm::JoinType;
    use sea_orm::sea_query::Expr;
    let revision: sea_orm::RelationDef = grant::Entity::belongs_to(grant_revision::Entity)
        .from(grant::Column::Id)
        .to(grant_revision::Column::GrantId)
        .into();
    let sum = |col: &str| {
        Expr::cust(format!(
            "CAST(COALESCE(SUM(grant_revision.{col}), 0) AS BIGINT)"
        ))
    };
    let row: Option<(i64, i64, i64, i64)> = grants
        .select_only()
        .join(JoinType::LeftJoin, revision)
        .column_as(Expr::cust("COUNT(*)"), "grants")
        .column_as(
            Expr::cust("COUNT(grant_revision.grant_id)"),
            "with_revision",
        )
        .column_as(sum("revision"), "revisions")
        .column_as(sum("salt"), "salts")
        .into_tuple()
        .one(db)
        .await?;
    let (grants, with_revision, revisions, salts) = row.unwrap_or_default();
    Ok(ScopeState {
        grants,
        with_revision,
        revisions,
        salts,
    })
}

/// A key for a dashboard's answer from its grants' [`ScopeState`], what selected them
/// (`selection`: the caller's scope and the filter, so two callers' different grants never share
/// a key) and the question. None when some grant still has no revision row (one made behind the
/// service's back since the state was read): its entering or leaving would not move the sums, so
/// the caller keys by
/// [`super::compliance::dashboard_key`] instead.
pub fn state_key(state: ScopeState, selection: &str, q: Question) -> Option<[u8; 32]> {
    if state.with_revision != state.grants {
        return None;
    }
    let mut hasher = sha2::Sha256::new();
    hasher.update(format!(
        "state|{}|{}|{:?}|{:?}|{}|{}|{}|",
        q.as_of,
        q.known_at.to_rfc3339(),
        q.status,
        q.sort,
        state.grants,
        state.revisions,
        state.salts,
    ));
    hasher.update(selection);
    Some(hasher.finalize().into())
}
