//! Resolved answers kept for reuse. Resolving a national dashboard walks some ten thousand
//! GraphQL objects (500 grants, their figures and findings) even when every evaluation comes from
//! the cache; a dashboard polled by many screens asks the same question again and again while
//! nothing changed. [`Kept`] keeps the resolved value of such a field under a key that names
//! everything it was computed from: the service's fingerprint (each grant's id and revision, in
//! order, and the moment evaluated; revisions live in the database, so a write through any
//! instance changes it), whether the caller sees persons, the language, and the selection itself.
//!
//! Only selections that stay inside the evaluation are kept: plain fields, without arguments,
//! directives or fragments, and none of [`LEAVES_THE_EVALUATION`] (fields that read stored rows
//! a grant's revision does not cover, such as its contracts) except the grant's own columns and
//! its estate's (a write to an estate bumps its grants' revisions).
//! Anything else resolves as usual.
//!
//! An answer is kept as its JSON, not as a value tree: 5,000 grants' dashboard is 5.7 MB of JSON
//! but some 80 MB as a tree, and every request that found the tree would copy it whole and
//! serialise it again. The rows are resolved a slice at a time straight into that JSON, so not
//! even the first request holds the whole tree. Over HTTP the JSON goes out as it is: the field
//! resolves to a placeholder ([`Splices`]), and the handler writes the kept bytes in its place,
//! so eight screens asking at once share one copy. Elsewhere (a WebSocket, a test) the JSON is
//! read back into a value.
//!
//! Each row's JSON is kept too, under what it is computed from ([`RowId`]: its grant, the grant's
//! revision, the date and moment evaluated) with the visibility, language and selection. And the
//! latest answer to each question (the question without the grants' revisions) is kept row by
//! row, each row with its grant, revision and place ([`Latest`]). A write changes a few grants'
//! revisions, so the next answer is the latest one patched
//! (`tracker_core::service::moved`): only the grants that moved are listed, evaluated, resolved
//! and put back in place, and every other row keeps its place and JSON.
//!
//! Answers to the current question (as of today, everything known today) are stored in the
//! database too ([`Stored`], `tracker_core::service::stored_answer`), each row with its grant,
//! revision and [`Placing`] (what the sorts and the status filter compare), under a slot that
//! names the question without the revisions. An instance that has no answer for a slot yet (a
//! deploy, one more behind the load balancer) reads the stored one once: served whole when no
//! grant moved since; patched as its latest answer when it has a row for every grant in scope
//! ([`FromStore::Latest`]); else (an answer filtered by status) its unmoved rows are placed by
//! their placings and copied, and only the grants that moved are evaluated and resolved
//! ([`FromStore::Unmoved`]). A slot's answer
//! is stored when first resolved and then at most every [`STORE_EVERY`], the latest answer when
//! the interval ends, so a country writing every second does not rewrite megabytes every second
//! and the stored answer is the latest a few seconds after the last write.

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use async_graphql::extensions::ResolveInfo;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{
    ContextSelectionSet, OutputType, Positioned, ServerError, ServerResult, Value,
};
use bytes::Bytes;

use engine::i18n::Lang;

/// Fields that navigate from the evaluation to stored rows. `grant` is kept when it asks only
/// for [`GRANT_OWN_FIELDS`] and its estate's [`ESTATE_OWN_FIELDS`].
pub const LEAVES_THE_EVALUATION: [&str; 2] = ["grant", "contractor"];

/// The grant's own columns (its case number, title, dates...): every write to them is a write
/// of the grant, which bumps its revision. Its relations (estate, contracts...) are not.
pub const GRANT_OWN_FIELDS: [&str; 14] = [
    "id",
    "caseNumber",
    "title",
    "kind",
    "stage",
    "commitmentYear",
    "constructionStart",
    "plannedHandover",
    "actualHandover",
    "craftsmanCost",
    "shareVisibleToContractors",
    "createdAt",
    "updatedAt",
    "archivedAt",
];

/// The estate's own columns (its name, municipality, address...): a write to an estate bumps
/// the revision of each of its grants, so a dashboard row that shows them is kept like the grant's
/// own columns.
pub const ESTATE_OWN_FIELDS: [&str; 8] = [
    "id",
    "name",
    "municipality",
    "address",
    "isVulnerableArea",
    "createdAt",
    "updatedAt",
    "archivedAt",
];

/// A field without arguments, directives or a selection of its own, among `allowed`.
fn plain_field(f: &Field, allowed: &[&str]) -> bool {
    f.arguments.is_empty()
        && f.directives.is_empty()
        && f.selection_set.node.items.is_empty()
        && allowed.contains(&f.name.node.as_str())
}

/// Whether a `grant` selection asks only for what its revision covers: its own columns, and its
/// estate's.
fn grant_stays_inside(set: &SelectionSet) -> bool {
    let only = |set: &SelectionSet, test: &dyn Fn(&Field) -> bool| {
        set.items
            .iter()
            .all(|i| matches!(&i.node, Selection::Field(f) if test(&f.node)))
    };
    only(set, &|f| {
        plain_field(f, &GRANT_OWN_FIELDS)
            || (f.name.node == "estate"
                && f.arguments.is_empty()
                && f.directives.is_empty()
                && !f.selection_set.node.items.is_empty()
                && only(&f.selection_set.node, &|e| {
                    plain_field(e, &ESTATE_OWN_FIELDS)
                }))
    })
}

/// Memory for kept answers, and as much again for their rows, weighed by their JSON, unless
/// the server sets another budget ([`set_budget`]): a few national dashboards (sorts, dates,
/// languages) at 5,000 grants.
const KEPT_BYTES: u64 = 32 * 1024 * 1024;

/// The budget set by the server's configuration before the first answer is kept.
static BUDGET: std::sync::OnceLock<u64> = std::sync::OnceLock::new();

/// Sets the bytes kept answers may take in all, half for whole answers and half for rows (the
/// server's `ANSWER_CACHE_MB`). Read when the first answer is kept, so the server sets it at
/// start; false if it was set before.
pub fn set_budget(bytes: u64) -> bool {
    BUDGET.set(bytes).is_ok()
}

fn budget() -> u64 {
    BUDGET.get().copied().unwrap_or(2 * KEPT_BYTES) / 2
}

/// The bytes kept answers and rows take now (for the metrics).
pub fn weighed_bytes() -> u64 {
    KEPT.weighted_size() + ROWS.weighted_size()
}

type Key = ([u8; 32], bool, Lang, String);

/// What a cache weighs by its JSON.
trait Weighed: Clone + Send + Sync + 'static {
    fn json(&self) -> &Bytes;
}

impl Weighed for Bytes {
    fn json(&self) -> &Bytes {
        self
    }
}

/// A kept answer: its JSON, and the grant of its first row (what [`forget_answers_about`] finds
/// it by).
#[derive(Clone)]
struct Answer {
    json: Bytes,
    about: Option<uuid::Uuid>,
}

impl Weighed for Answer {
    fn json(&self) -> &Bytes {
        &self.json
    }
}

fn weighed_cache<K, V: Weighed>() -> moka::sync::Cache<K, V>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
{
    weighed_cache_of(budget())
}

/// A cache of `bytes` of JSON, least recently used out first ([`tracker_core::caches`]: every
/// write makes the next answer's key new, and a full cache of superseded national answers, 5 MB
/// each at 5,000 grants, must still take it).
fn weighed_cache_of<K, V: Weighed>(bytes: u64) -> moka::sync::Cache<K, V>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
{
    tracker_core::caches::lru(bytes)
        .weigher(|_, v: &V| u32::try_from(v.json().len()).unwrap_or(u32::MAX))
        .build()
}

static KEPT: LazyLock<moka::sync::Cache<Key, Answer>> = LazyLock::new(weighed_cache);

/// What one row's JSON is computed from besides the caller's visibility, the language and the
/// selection: its grant, the grant's revision, the date and the moment evaluated.
pub type RowId = (
    uuid::Uuid,
    i64,
    chrono::NaiveDate,
    chrono::DateTime<chrono::Utc>,
);

/// A row's key: its [`RowId`], visibility, language and a hash of the selection.
type RowKey = (RowId, bool, Lang, u64);

static ROWS: LazyLock<moka::sync::Cache<RowKey, Bytes>> = LazyLock::new(weighed_cache);

/// Where a row of an answer falls on its dashboard (stored with the row, see
/// [`tracker_core::service::stored_answer`]).
pub use tracker_core::service::compliance::Placing;

/// A row of an answer: a value to resolve, or its JSON already resolved (a stored answer's row
/// whose grant did not move, kept like a resolved row; or a row of this instance's latest answer
/// to the question, which is kept already).
pub enum RowSource<T> {
    Value(T),
    Json(Bytes),
    Latest(Bytes),
}

/// The latest answer resolved for a question, row by row: every grant in scope with the
/// revision the answer was resolved from (in id order), and its rows in order, each with its
/// grant, [`Placing`] and JSON. The answer after a write is patched from it (see the module
/// note).
pub struct Latest {
    pub revisions: Arc<Vec<(uuid::Uuid, i64)>>,
    pub rows: Vec<(uuid::Uuid, Placing, Bytes)>,
}

impl Latest {
    fn weight(&self) -> u32 {
        // A row's grant and placing besides its JSON, and each grant's revision.
        let overhead = 128 * self.rows.len() + 24 * self.revisions.len();
        let json: usize = self.rows.iter().map(|(_, _, json)| json.len()).sum();
        u32::try_from(overhead + json).unwrap_or(u32::MAX)
    }
}

/// A latest answer's key: its question's slot (`tracker_core::service::moved::question_slot`),
/// the caller's visibility, the language and the selection.
type LatestKey = ([u8; 32], bool, Lang, String);

/// The latest answers, weighed by their bytes like the kept answers. Their rows' JSON is mostly
/// the same bytes [`ROWS`] holds, not a copy.
static LATEST: LazyLock<moka::sync::Cache<LatestKey, Arc<Latest>>> = LazyLock::new(|| {
    tracker_core::caches::lru(budget())
        .weigher(|_, l: &Arc<Latest>| l.weight())
        .build()
});

/// Where an answer is kept as the latest for its question: the question's slot and the grants
/// in scope with the revisions it is resolved from.
type LatestOf = ([u8; 32], Arc<Vec<(uuid::Uuid, i64)>>);

/// The rows of a stored answer whose grants did not move, by grant: each row's placing and JSON.
pub type Unmoved = std::collections::HashMap<uuid::Uuid, (Placing, Bytes)>;

/// What the store has for a question: the whole answer (no grant moved since it was stored);
/// an answer with a row for every grant in scope, a few behind, now this instance's latest
/// answer to the question (to patch, see [`Latest`]); or the rows of the grants that did not
/// move (an answer that leaves grants out, such as one filtered by status, to place with the
/// grants evaluated now).
pub enum FromStore<T> {
    Whole(Kept<T>),
    Latest,
    Unmoved(Unmoved),
}

/// A list field's rows, resolved once per key (see the module note).
pub enum Kept<T> {
    /// The answer kept earlier, as JSON.
    Found(Bytes),
    /// Rows to resolve, then keep under `key` if their selection allows; `ids` names what each
    /// row is computed from, so rows kept from an earlier answer are copied, not resolved.
    Fresh {
        rows: Vec<RowSource<T>>,
        ids: Vec<RowId>,
        placings: Vec<Placing>,
        key: ([u8; 32], bool, Lang),
        /// Where the answer is stored for other instances, if it is.
        store: Option<Stored>,
        /// Held from the miss until the answer is kept (see [`first_of_its_kind`]).
        _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
        /// Where it is kept as the latest answer to its question, if it is.
        latest: Option<Box<LatestOf>>,
    },
}

/// How often at most a slot's answer is stored while its grants move (an answer resolved sooner
/// is stored when the interval ends): a country writing every second does not rewrite megabytes
/// every second, and a fresh instance copies the unmoved rows of an answer a little behind.
pub const STORE_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The fingerprint of the code a resolved answer's JSON follows from (this crate's views, the
/// services, the engine, the entities, the locked libraries), made by this crate's build script:
/// another version's stored answers are not served.
pub const VIEWS: &str = env!("TRACKER_VIEWS_FINGERPRINT");

/// Where an answer to the current question is stored for other instances: its slot (the question
/// without the revisions, with the selection, visibility and language) and fingerprint (hex).
pub struct Stored {
    slot: String,
    fingerprint: String,
    key: [u8; 32],
    as_of: chrono::NaiveDate,
}

impl Stored {
    /// The store of `field`'s answer to the current question: `slot` names the question without
    /// the grants' revisions, `fingerprint` with them; `key` is what the answer is kept under in
    /// memory. None for another question or a selection that is not kept.
    pub fn new(
        field: &Positioned<Field>,
        slot: [u8; 32],
        fingerprint: [u8; 32],
        key: [u8; 32],
        (as_of, known_at): (chrono::NaiveDate, chrono::DateTime<chrono::Utc>),
        sees_persons: bool,
        lang: Lang,
    ) -> Option<Self> {
        use sha2::Digest;
        if !tracker_core::service::stored::is_current(as_of, known_at) {
            return None;
        }
        let selection = selection_key(&field.node.selection_set.node)?;
        let mut h = sha2::Sha256::new();
        h.update(slot);
        h.update(format!("|{sees_persons}|{lang:?}|{selection}"));
        Some(Self {
            slot: hex::encode(h.finalize()),
            fingerprint: hex::encode(fingerprint),
            key,
            as_of,
        })
    }
}

/// A slot this instance has read from the store or stored: a slot found here is not read again
/// (this instance's own answers are newer).
#[derive(Clone, Copy)]
struct Consulted {
    /// When this instance last stored the slot's answer (None: read, never stored).
    stored_at: Option<std::time::Instant>,
    /// The grant of the answer's first row (what [`forget_answers_about`] finds it by).
    about: Option<uuid::Uuid>,
}

static CONSULTED: LazyLock<moka::sync::Cache<String, Consulted>> =
    LazyLock::new(|| moka::sync::Cache::new(10_000));

/// A hash of the selection, as rows are keyed.
fn selection_hash(selection: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    selection.hash(&mut h);
    h.finish()
}

/// Rows joined into the answer's JSON array, and where each row lies in it.
fn joined<'a>(
    rows: impl Iterator<Item = &'a [u8]>,
    capacity: usize,
) -> (Vec<u8>, Vec<std::ops::Range<usize>>) {
    let mut json = Vec::with_capacity(capacity + 2);
    let mut at = Vec::new();
    json.push(b'[');
    for (n, row) in rows.enumerate() {
        if n > 0 {
            json.push(b',');
        }
        at.push(json.len()..json.len() + row.len());
        json.extend_from_slice(row);
    }
    json.push(b']');
    (json, at)
}

/// Forgets this instance's kept and latest answers, rows and consulted slots about `grants`, as
/// a fresh instance would not have them (the tests of the stored answers; other grants' entries
/// stay, so tests running beside them are not disturbed).
#[doc(hidden)]
pub fn forget_answers_about(grants: &[uuid::Uuid]) {
    let about = |g: &Option<uuid::Uuid>| g.is_some_and(|g| grants.contains(&g));
    for (k, v) in KEPT.iter() {
        if about(&v.about) {
            KEPT.invalidate(k.as_ref());
        }
    }
    for (k, _) in ROWS.iter() {
        if grants.contains(&k.0.0) {
            ROWS.invalidate(k.as_ref());
        }
    }
    for (k, v) in LATEST.iter() {
        if about(&v.rows.first().map(|r| r.0)) {
            LATEST.invalidate(k.as_ref());
        }
    }
    for (k, v) in CONSULTED.iter() {
        if about(&v.about) {
            CONSULTED.invalidate(k.as_ref());
        }
    }
}

/// Locks shared out by fingerprint: while one request computes an answer, the same question
/// asked meanwhile waits for it instead of evaluating every grant again (eight screens opening
/// the national dashboard at once make one evaluation, not eight).
static TURNS: LazyLock<Vec<Arc<tokio::sync::Mutex<()>>>> =
    LazyLock::new(|| (0..64).map(|_| Arc::default()).collect());

/// Waits for the turn to compute the answer named by `fingerprint` (only for selections that
/// can be kept: others gain nothing by waiting).
pub async fn first_of_its_kind(
    field: &Positioned<Field>,
    fingerprint: [u8; 32],
) -> Option<tokio::sync::OwnedMutexGuard<()>> {
    selection_key(&field.node.selection_set.node)?;
    let stripe = TURNS[usize::from(fingerprint[0]) % TURNS.len()].clone();
    Some(stripe.lock_owned().await)
}

impl<T> Kept<T> {
    /// The answer kept for this field, if any: `fingerprint` names everything it was computed
    /// from (see [`Kept::new`]). Looked up before the answer is computed, so a repeated question
    /// evaluates nothing.
    pub fn find(
        field: &Positioned<Field>,
        fingerprint: [u8; 32],
        sees_persons: bool,
        lang: Lang,
    ) -> Option<Self> {
        let selection = selection_key(&field.node.selection_set.node)?;
        let found = KEPT.get(&(fingerprint, sees_persons, lang, selection))?;
        metrics::counter!("tracker_kept_answers_total", "source" => "kept").increment(1);
        Some(Self::Found(found.json))
    }

    /// The answer stored for `store`'s slot, if this instance has not consulted the slot yet:
    /// served when it was resolved from the grants' current revisions (`current`, every grant
    /// in scope in id order), and kept as the latest answer to the question `slot`; else its
    /// rows whose grant did not move, to be placed and copied into the answer resolved now.
    pub async fn from_store(
        db: &sea_orm::DatabaseConnection,
        field: &Positioned<Field>,
        store: Option<&Stored>,
        (slot, current): ([u8; 32], &[(uuid::Uuid, i64)]),
        sees_persons: bool,
        lang: Lang,
    ) -> Option<FromStore<T>> {
        use tracker_core::service::stored_answer;
        let store = store?;
        if CONSULTED.contains_key(&store.slot) {
            return None;
        }
        let selection = selection_key(&field.node.selection_set.node)?;
        let answer = stored_answer::read(db, &store.slot, VIEWS, store.as_of).await;
        let rows = answer.as_ref().and_then(|a| a.rows());
        let about = rows.as_ref().and_then(|r| r.first()).map(|r| r.grant);
        let consulted = Consulted {
            stored_at: None,
            about,
        };
        CONSULTED.insert(store.slot.clone(), consulted);
        let (Some(answer), Some(rows)) = (answer.as_ref(), rows) else {
            return None;
        };
        if answer.fingerprint != store.fingerprint {
            let mut resolved_from: Vec<(uuid::Uuid, i64)> =
                rows.iter().map(|r| (r.grant, r.revision)).collect();
            resolved_from.sort_unstable();
            let same_grants = resolved_from.len() == current.len()
                && resolved_from.iter().zip(current).all(|(r, c)| r.0 == c.0);
            if same_grants {
                let latest = Latest {
                    revisions: Arc::new(resolved_from),
                    rows: rows
                        .into_iter()
                        .map(|r| (r.grant, r.placing, Bytes::copy_from_slice(r.json)))
                        .collect(),
                };
                LATEST.insert((slot, sees_persons, lang, selection), Arc::new(latest));
                metrics::counter!("tracker_kept_answers_total", "source" => "stored_latest")
                    .increment(1);
                return Some(FromStore::Latest);
            }
            metrics::counter!("tracker_kept_answers_total", "source" => "stored_rows").increment(1);
            let current: std::collections::HashMap<uuid::Uuid, i64> =
                current.iter().copied().collect();
            let unmoved = rows
                .into_iter()
                .filter(|r| current.get(&r.grant) == Some(&r.revision))
                .map(|r| (r.grant, (r.placing, Bytes::copy_from_slice(r.json))))
                .collect();
            return Some(FromStore::Unmoved(unmoved));
        }
        let size = rows.iter().map(|r| r.json.len() + 1).sum();
        let (json, at) = joined(rows.iter().map(|r| r.json), size);
        let json = Bytes::from(json);
        // The latest answer's rows are the answer's own bytes, not a second copy.
        let latest = Latest {
            revisions: Arc::new(current.to_vec()),
            rows: rows
                .into_iter()
                .zip(at)
                .map(|(r, at)| (r.grant, r.placing, json.slice(at)))
                .collect(),
        };
        LATEST.insert(
            (slot, sees_persons, lang, selection.clone()),
            Arc::new(latest),
        );
        KEPT.insert(
            (store.key, sees_persons, lang, selection),
            Answer {
                json: json.clone(),
                about,
            },
        );
        metrics::counter!("tracker_kept_answers_total", "source" => "stored").increment(1);
        Some(FromStore::Whole(Self::Found(json)))
    }

    /// `rows`, to be kept once resolved, each with its [`RowId`] and [`Placing`]. `fingerprint`
    /// must change whenever `rows` would resolve differently for the same selection, caller
    /// visibility (`sees_persons`) and language, and a row's id whenever that row would.
    pub fn new(
        rows: Vec<(RowSource<T>, RowId, Placing)>,
        fingerprint: [u8; 32],
        sees_persons: bool,
        lang: Lang,
        turn: Option<tokio::sync::OwnedMutexGuard<()>>,
        store: Option<Stored>,
    ) -> Self {
        let mut sources = Vec::with_capacity(rows.len());
        let mut ids = Vec::with_capacity(rows.len());
        let mut placings = Vec::with_capacity(rows.len());
        for (row, id, placing) in rows {
            sources.push(row);
            ids.push(id);
            placings.push(placing);
        }
        Self::Fresh {
            rows: sources,
            ids,
            placings,
            key: (fingerprint, sees_persons, lang),
            store,
            _turn: turn,
            latest: None,
        }
    }

    /// Keeps the answer, once resolved, as the latest to the question `slot` (see [`Latest`]),
    /// resolved from `revisions` (every grant in scope, in id order).
    pub fn latest_of(mut self, slot: [u8; 32], revisions: Vec<(uuid::Uuid, i64)>) -> Self {
        if let Self::Fresh { latest, .. } = &mut self {
            *latest = Some(Box::new((slot, Arc::new(revisions))));
        }
        self
    }

    /// The latest answer resolved for the question `slot` with this field's selection, for the
    /// caller's visibility and language, if this instance has one.
    pub fn latest(
        field: &Positioned<Field>,
        slot: [u8; 32],
        sees_persons: bool,
        lang: Lang,
    ) -> Option<Arc<Latest>> {
        let selection = selection_key(&field.node.selection_set.node)?;
        LATEST.get(&(slot, sees_persons, lang, selection))
    }
}

/// The selection as a canonical string, or None if it may not be kept.
pub fn selection_key(set: &SelectionSet) -> Option<String> {
    fn walk(set: &SelectionSet, out: &mut String) -> Option<()> {
        for item in &set.items {
            let Selection::Field(field) = &item.node else {
                return None;
            };
            let f: &Field = &field.node;
            let name = f.name.node.as_str();
            if !f.arguments.is_empty() || !f.directives.is_empty() {
                return None;
            }
            if name == "grant" {
                // The grant's and its estate's own columns: any write to them bumps its revision.
                if !grant_stays_inside(&f.selection_set.node) {
                    return None;
                }
            } else if LEAVES_THE_EVALUATION.contains(&name) {
                return None;
            }
            if let Some(alias) = &f.alias {
                out.push_str(alias.node.as_str());
                out.push(':');
            }
            out.push_str(name);
            if !f.selection_set.node.items.is_empty() {
                out.push('{');
                walk(&f.selection_set.node, out)?;
                out.push('}');
            }
            out.push(' ');
        }
        Some(())
    }
    let mut out = String::new();
    walk(set, &mut out)?;
    Some(out)
}

impl<T: OutputType> OutputType for Kept<T> {
    fn type_name() -> Cow<'static, str> {
        Vec::<T>::type_name()
    }

    fn qualified_type_name() -> String {
        Vec::<T>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Vec::<T>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let (rows, ids, placings, key, store, latest) = match self {
            Self::Found(json) => return kept_value(ctx, field, json.clone()),
            Self::Fresh {
                rows,
                ids,
                placings,
                key,
                store,
                latest,
                ..
            } => (rows, ids, placings, *key, store, latest),
        };
        let Some(selection) = selection_key(&field.node.selection_set.node) else {
            // Rows come as JSON only from a stored answer, which only a kept selection has.
            let values: Option<Vec<&T>> = rows
                .iter()
                .map(|r| match r {
                    RowSource::Value(v) => Some(v),
                    RowSource::Json(_) | RowSource::Latest(_) => None,
                })
                .collect();
            let Some(values) = values else {
                tracing::error!("a stored row came to a selection that is not kept");
                return Err(ServerError::new("internal error", Some(field.pos)));
            };
            return values.resolve(ctx, field).await;
        };
        let (fingerprint, sees_persons, lang) = key;
        let hashed = selection_hash(&selection);
        let row_keys: Vec<RowKey> = ids
            .iter()
            .map(|id| (*id, sees_persons, lang, hashed))
            .collect();
        let resolved = resolve_into_json(ctx, field, rows, &row_keys).await?;
        let size = resolved.iter().map(|r| r.len() + 1).sum();
        let json = Bytes::from(joined(resolved.iter().map(|r| r.as_ref()), size).0);
        metrics::counter!("tracker_kept_answers_total", "source" => "resolved").increment(1);
        let about = ids.first().map(|id| id.0);
        if let Some((slot, revisions)) = latest.as_deref() {
            let rows = ids
                .iter()
                .zip(placings)
                .zip(&resolved)
                .map(|((id, placing), json)| (id.0, placing.clone(), json.clone()));
            let latest = Latest {
                revisions: revisions.clone(),
                rows: rows.collect(),
            };
            LATEST.insert(
                (*slot, sees_persons, lang, selection.clone()),
                Arc::new(latest),
            );
        }
        KEPT.insert(
            (fingerprint, sees_persons, lang, selection),
            Answer {
                json: json.clone(),
                about,
            },
        );
        if let (Some(store), Some(db)) = (store, ctx.data_opt::<sea_orm::DatabaseConnection>()) {
            store_answer(db, store, ids, placings, &resolved, about).await;
        }
        kept_value(ctx, field, json)
    }
}

/// An answer resolved within [`STORE_EVERY`] of its slot's last store: stored when the interval
/// ends (the latest one by then wins), so the stored answer trails the latest by at most that.
struct Pending {
    db: sea_orm::DatabaseConnection,
    fingerprint: String,
    as_of: chrono::NaiveDate,
    ids: Vec<RowId>,
    placings: Vec<Placing>,
    rows: Vec<Bytes>,
    about: Option<uuid::Uuid>,
    /// When the task that stores it wakes: a slot whose task is overdue (its runtime ended, as
    /// a test's does) gets a new one.
    due: std::time::Instant,
}

static PENDING: LazyLock<std::sync::Mutex<std::collections::HashMap<String, Pending>>> =
    LazyLock::new(Default::default);

/// Stores a resolved answer for other instances: at once when the slot's answer was not stored
/// by this instance within [`STORE_EVERY`], else when the interval ends (see [`Pending`]).
async fn store_answer(
    db: &sea_orm::DatabaseConnection,
    store: &Stored,
    ids: &[RowId],
    placings: &[Placing],
    rows: &[Bytes],
    about: Option<uuid::Uuid>,
) {
    let now = std::time::Instant::now();
    let last = CONSULTED.get(&store.slot).and_then(|c| c.stored_at);
    if let Some(due) = last.map(|at| at + STORE_EVERY).filter(|due| *due > now) {
        let pending = Pending {
            db: db.clone(),
            fingerprint: store.fingerprint.clone(),
            as_of: store.as_of,
            ids: ids.to_vec(),
            placings: placings.to_vec(),
            rows: rows.to_vec(),
            about,
            due,
        };
        let earlier = PENDING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(store.slot.clone(), pending)
            .map(|p| p.due);
        let scheduled = earlier.is_some_and(|at| at + std::time::Duration::from_secs(1) > now);
        if !scheduled {
            let slot = store.slot.clone();
            tokio::spawn(async move {
                tokio::time::sleep_until(due.into()).await;
                let pending = PENDING
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .remove(&slot);
                if let Some(p) = pending {
                    stored_now(&slot, p.about);
                    let stored = (&p.ids[..], &p.placings[..], &p.rows[..]);
                    write_rows(&p.db, &slot, &p.fingerprint, p.as_of, stored).await;
                }
            });
        }
        return;
    }
    PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .remove(&store.slot);
    stored_now(&store.slot, about);
    let stored = (ids, placings, rows);
    write_rows(db, &store.slot, &store.fingerprint, store.as_of, stored).await;
}

fn stored_now(slot: &str, about: Option<uuid::Uuid>) {
    let stored = Consulted {
        stored_at: Some(std::time::Instant::now()),
        about,
    };
    CONSULTED.insert(slot.to_owned(), stored);
}

async fn write_rows(
    db: &sea_orm::DatabaseConnection,
    slot: &str,
    fingerprint: &str,
    as_of: chrono::NaiveDate,
    (ids, placings, rows): (&[RowId], &[Placing], &[Bytes]),
) {
    use tracker_core::service::stored_answer;
    let rows: Vec<stored_answer::Row<'_>> = ids
        .iter()
        .zip(placings)
        .zip(rows)
        .map(|((id, placing), json)| stored_answer::Row {
            grant: id.0,
            revision: id.1,
            placing: placing.clone(),
            json,
        })
        .collect();
    stored_answer::write(db, slot, fingerprint, VIEWS, as_of, &rows).await;
}

/// A kept answer as the field's value: over HTTP a placeholder for the JSON itself (see
/// [`Splices`]), elsewhere the JSON read back.
fn kept_value(
    ctx: &ContextSelectionSet<'_>,
    field: &Positioned<Field>,
    json: Bytes,
) -> ServerResult<Value> {
    if let Some(splices) = ctx.data_opt::<Splices>() {
        return Ok(Value::String(splices.add(json)));
    }
    serde_json::from_slice(&json).map_err(|err| {
        tracing::error!(error = %err, "a kept answer did not read back");
        ServerError::new("internal error", Some(field.pos))
    })
}

/// Rows resolved in slices of this many: the value tree of one slice is in memory at a time,
/// where the whole answer's (5,000 grants) took some 80 MB besides its 5.7 MB of JSON.
const ROWS_PER_SLICE: usize = 250;

/// `rows` resolved as async-graphql resolves a list (each row concurrently within its slice,
/// through the schema's extensions, errors with the row's path), each row's JSON in order, a
/// slice at a time. A row whose JSON is kept under its key (`keys`, one per row) is copied
/// instead; each row resolved is kept.
async fn resolve_into_json<T: OutputType>(
    ctx: &ContextSelectionSet<'_>,
    field: &Positioned<Field>,
    rows: &[RowSource<T>],
    keys: &[RowKey],
) -> ServerResult<Vec<Bytes>> {
    let mut json = Vec::with_capacity(rows.len());
    for (n, slice) in rows.chunks(ROWS_PER_SLICE).enumerate() {
        let base = n * ROWS_PER_SLICE;
        let mut found: Vec<Option<Bytes>> = slice
            .iter()
            .enumerate()
            .map(|(i, row)| match row {
                // Kept like a resolved row, so the answer after the next write copies it too.
                RowSource::Json(json) => {
                    if let Some(k) = keys.get(base + i) {
                        ROWS.insert(*k, json.clone());
                    }
                    Some(json.clone())
                }
                RowSource::Latest(json) => Some(json.clone()),
                RowSource::Value(_) => keys.get(base + i).and_then(|k| ROWS.get(k)),
            })
            .collect();
        let copied = found.iter().flatten().count();
        metrics::counter!("tracker_kept_rows_total", "source" => "kept").increment(copied as u64);
        metrics::counter!("tracker_kept_rows_total", "source" => "resolved")
            .increment((slice.len() - copied) as u64);
        let missing = slice.iter().enumerate().filter_map(|(i, row)| match row {
            RowSource::Value(v) if found[i].is_none() => Some((i, v)),
            _ => None,
        });
        let values = futures_util::future::try_join_all(missing.map(|(i, row)| {
            let ctx = ctx.clone();
            async move {
                let ctx_idx = ctx.with_index(base + i);
                let info = ResolveInfo {
                    path_node: ctx_idx
                        .path_node
                        .as_ref()
                        .expect("with_index sets the path"),
                    parent_type: &Vec::<T>::type_name(),
                    return_type: &T::qualified_type_name(),
                    name: field.node.name.node.as_str(),
                    alias: field.node.alias.as_ref().map(|a| a.node.as_str()),
                    // Kept answers are answers about grants, never introspection.
                    is_for_introspection: false,
                    field: &field.node,
                };
                let resolved = async {
                    OutputType::resolve(row, &ctx_idx, field)
                        .await
                        .map(Some)
                        .map_err(|err| ctx_idx.set_error_path(err))
                };
                futures_util::pin_mut!(resolved);
                let value = ctx
                    .query_env
                    .extensions
                    .resolve(info, &mut resolved)
                    .await?;
                Ok::<_, ServerError>((i, value))
            }
        }))
        .await?;
        // An extension may answer a row with nothing, which async-graphql's own lists would
        // treat as a bug; here it is a null, the value of an absent row.
        for (i, value) in values {
            let bytes = serde_json::to_vec(&value.unwrap_or_default()).map_err(|err| {
                tracing::error!(error = %err, "an answer could not be written as JSON");
                ServerError::new("internal error", Some(field.pos))
            })?;
            let bytes = Bytes::from(bytes);
            if let Some(k) = keys.get(base + i) {
                ROWS.insert(*k, bytes.clone());
            }
            found[i] = Some(bytes);
        }
        json.extend(found.into_iter().flatten());
    }
    Ok(json)
}

/// Kept answers to write into one HTTP response (see the module note). The handler puts one
/// into the request's data; a kept field then resolves to a placeholder, a string no caller can
/// know in advance (it names a random UUID), and [`Splices::body`] replaces the placeholder's
/// JSON string with the kept JSON.
#[derive(Clone, Default)]
pub struct Splices(Arc<std::sync::Mutex<Vec<(String, Bytes)>>>);

impl Splices {
    fn add(&self, json: Bytes) -> String {
        let placeholder = format!("kept answer {}", uuid::Uuid::new_v4().simple());
        let mut list = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        list.push((format!("\"{placeholder}\""), json));
        placeholder
    }

    /// The response body: `response` (the serialised GraphQL response) with each placeholder
    /// replaced by its kept JSON, as pieces that share the kept bytes rather than copy them, and
    /// their total length. A placeholder that is not in the response (a field nulled by an
    /// error elsewhere) is skipped.
    pub fn body(&self, response: Vec<u8>) -> (Vec<Bytes>, usize) {
        let list = std::mem::take(
            &mut *self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        let response = Bytes::from(response);
        let mut found: Vec<(usize, usize, Bytes)> = list
            .into_iter()
            .filter_map(|(quoted, json)| {
                let at = memchr::memmem::find(&response, quoted.as_bytes())?;
                Some((at, at + quoted.len(), json))
            })
            .collect();
        found.sort_by_key(|(at, _, _)| *at);
        let mut pieces = Vec::with_capacity(2 * found.len() + 1);
        let mut from = 0;
        for (at, to, json) in found {
            pieces.push(response.slice(from..at));
            pieces.push(json);
            from = to;
        }
        pieces.push(response.slice(from..));
        let len = pieces.iter().map(Bytes::len).sum();
        (pieces, len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full cache of answers asked for often still takes the newest one (the answer after a
    /// write has a key never seen before) and lets the least recently used go.
    #[test]
    fn a_new_answer_is_kept_when_the_cache_is_full_of_older_ones() {
        let cache = weighed_cache_of::<u32, Bytes>(1_000);
        for k in 0..4 {
            cache.insert(k, Bytes::from(vec![b' '; 240]));
            for _ in 0..20 {
                assert!(cache.get(&k).is_some());
            }
        }
        cache.run_pending_tasks();
        cache.insert(99, Bytes::from(vec![b' '; 240]));
        cache.run_pending_tasks();
        assert!(cache.get(&99).is_some(), "the new answer is kept");
        assert!(cache.get(&0).is_none(), "the least recently used went");
        assert!(cache.weighted_size() <= 1_000);
    }

    #[test]
    fn kept_json_takes_the_placeholders_place() {
        let splices = Splices::default();
        let a = splices.add(Bytes::from_static(b"[1,2]"));
        let b = splices.add(Bytes::from_static(br#"{"x":"y"}"#));
        let unused = splices.add(Bytes::from_static(b"[3]"));
        let response =
            format!(r#"{{"data":{{"first":"{a}","name":"kept answer","second":"{b}"}}}}"#)
                .into_bytes();
        assert!(!String::from_utf8_lossy(&response).contains(&unused));
        let (pieces, len) = splices.body(response);
        let body: Vec<u8> = pieces.concat();
        assert_eq!(len, body.len());
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"data":{"first":[1,2],"name":"kept answer","second":{"x":"y"}}}"#
        );
    }

    #[test]
    fn a_response_without_placeholders_goes_out_whole() {
        let (pieces, len) = Splices::default().body(b"{\"data\":null}".to_vec());
        assert_eq!(pieces.concat(), b"{\"data\":null}");
        assert_eq!(len, 13);
    }

    fn key(query: &str) -> Option<String> {
        let doc = async_graphql::parser::parse_query(query).unwrap();
        let (_, op) = doc.operations.iter().next().unwrap();
        let Selection::Field(root) = &op.node.selection_set.node.items[0].node else {
            panic!("a field");
        };
        selection_key(&root.node.selection_set.node)
    }

    #[test]
    fn plain_selections_are_keyed_by_shape_not_spacing() {
        assert_eq!(
            key("{ d { status metrics { sharePercent } } }"),
            Some("status metrics{sharePercent } ".into())
        );
        assert_eq!(
            key("{ d {status\n metrics{ sharePercent}} }"),
            key("{ d { status metrics { sharePercent } } }")
        );
        assert_ne!(
            key("{ d { s: status } }"),
            key("{ d { status } }"),
            "aliases are part of the answer"
        );
    }

    #[test]
    fn the_grants_own_columns_are_kept() {
        assert_eq!(
            key("{ d { grant { caseNumber title } status } }"),
            Some("grant{caseNumber title } status ".into())
        );
    }

    #[test]
    fn the_estates_own_columns_are_kept_with_the_grant() {
        assert_eq!(
            key("{ d { status grant { caseNumber estate { name municipality } } } }"),
            Some("status grant{caseNumber estate{name municipality } } ".into())
        );
    }

    #[test]
    fn selections_that_leave_the_evaluation_are_not_kept() {
        assert_eq!(
            key("{ d { status grant { estate { grants { id } } } } }"),
            None
        );
        assert_eq!(
            key("{ d { status grant { estate { organisation { name } } } } }"),
            None
        );
        assert_eq!(
            key("{ d { status grant { estate { name @skip(if: false) } } } }"),
            None
        );
        assert_eq!(
            key("{ d { status grant { caseNumber contracts { id } } } }"),
            None
        );
        assert_eq!(key("{ d { status @include(if: true) } }"), None);
        assert_eq!(key("{ d { ...F } } fragment F on X { status }"), None);
        assert_eq!(key("{ d { ... on X { status } } }"), None);
        assert_eq!(key("{ d { findings(first: 1) { rule } } }"), None);
    }
}
