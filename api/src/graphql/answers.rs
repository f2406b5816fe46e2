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
//! a grant's revision does not cover, such as an estate's name) except the grant's own columns.
//! Anything else resolves as usual.

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{ContextSelectionSet, OutputType, Positioned, ServerResult, Value};

use crate::i18n::Lang;

/// Fields that navigate from the evaluation to stored rows. `grant` is kept when it asks only
/// for [`GRANT_OWN_FIELDS`].
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

/// Memory for kept answers (weighed by their JSON size, times an allowance for the tree).
const KEPT_BYTES: u64 = 64 * 1024 * 1024;

type Key = ([u8; 32], bool, Lang, String);

static KEPT: LazyLock<moka::sync::Cache<Key, Arc<Value>>> = LazyLock::new(|| {
    moka::sync::Cache::builder()
        .max_capacity(KEPT_BYTES)
        .weigher(|_, v: &Arc<Value>| {
            let json = serde_json::to_vec(v.as_ref()).map_or(0, |b| b.len());
            u32::try_from(json.saturating_mul(4)).unwrap_or(u32::MAX)
        })
        .build()
});

/// A field's value, resolved once per key (see the module note).
pub enum Kept<T> {
    /// The answer kept earlier.
    Found(Arc<Value>),
    /// A value to resolve, then keep under `key` if its selection allows.
    Fresh {
        value: T,
        key: ([u8; 32], bool, Lang),
        /// Held from the miss until the answer is kept (see [`first_of_its_kind`]).
        _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    },
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
        Some(Self::Found(found))
    }

    /// `value`, to be kept once resolved. `fingerprint` must change whenever `value` would
    /// resolve differently for the same selection, caller visibility (`sees_persons`) and
    /// language.
    pub fn new(
        value: T,
        fingerprint: [u8; 32],
        sees_persons: bool,
        lang: Lang,
        turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    ) -> Self {
        Self::Fresh {
            value,
            key: (fingerprint, sees_persons, lang),
            _turn: turn,
        }
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
                // The grant's own columns: any write to them bumps its revision.
                let own = f.selection_set.node.items.iter().all(|i| {
                    matches!(&i.node, Selection::Field(g)
                        if g.node.arguments.is_empty()
                            && g.node.directives.is_empty()
                            && g.node.selection_set.node.items.is_empty()
                            && GRANT_OWN_FIELDS.contains(&g.node.name.node.as_str()))
                });
                if !own {
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
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let (value, key) = match self {
            Self::Found(v) => return Ok(v.as_ref().clone()),
            Self::Fresh { value, key, .. } => (value, *key),
        };
        let Some(selection) = selection_key(&field.node.selection_set.node) else {
            return value.resolve(ctx, field).await;
        };
        let v = value.resolve(ctx, field).await?;
        metrics::counter!("tracker_kept_answers_total", "source" => "resolved").increment(1);
        let (fingerprint, sees_persons, lang) = key;
        KEPT.insert(
            (fingerprint, sees_persons, lang, selection),
            Arc::new(v.clone()),
        );
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn selections_that_leave_the_evaluation_are_not_kept() {
        assert_eq!(key("{ d { status grant { estate { name } } } }"), None);
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
