//! The instance's in-memory caches are moka caches built here: bounded, and letting the least
//! recently used entry go first.
//!
//! Not moka's default policy (TinyLFU), which admits a new entry into a full cache only if it is
//! asked for more often than the one it would displace. Every key here carries a revision or a
//! state that a write replaces, so the entry a write makes is always new: under TinyLFU a cache
//! full of superseded entries turned it away, and every request after the write made it again
//! (at 5,000 grants, the evaluations behind each dashboard and the index behind each portfolio
//! page, seconds a request). Superseded entries are never asked for again, so least recently used
//! is the order they should go in.

/// A builder of a cache of `capacity` (entries, or the weigher's unit when the caller adds one),
/// least recently used out first.
pub fn lru<K, V>(capacity: u64) -> moka::sync::CacheBuilder<K, V, moka::sync::Cache<K, V>>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    moka::sync::Cache::builder()
        .max_capacity(capacity)
        .eviction_policy(moka::policy::EvictionPolicy::lru())
}

/// [`lru`] for a cache whose entries are made by async work: its `try_get_with` makes an entry
/// once while the requests that ask for it meanwhile wait for that one.
pub fn lru_async<K, V>(capacity: u64) -> moka::future::CacheBuilder<K, V, moka::future::Cache<K, V>>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    moka::future::Cache::builder()
        .max_capacity(capacity)
        .eviction_policy(moka::policy::EvictionPolicy::lru())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full cache of entries asked for often still takes a new one (the entry after a write has
    /// a key never seen before) and lets the least recently used go. Under moka's default policy
    /// the new entry is turned away and this fails.
    #[test]
    fn a_new_entry_is_kept_when_the_cache_is_full_of_often_used_ones() {
        let cache = lru::<u32, u32>(4).build();
        for k in 0..4 {
            cache.insert(k, k);
            for _ in 0..20 {
                assert!(cache.get(&k).is_some());
            }
        }
        cache.run_pending_tasks();
        cache.insert(99, 99);
        cache.run_pending_tasks();
        assert_eq!(cache.get(&99), Some(99), "the new entry is kept");
        assert_eq!(cache.get(&0), None, "the least recently used went");
        assert_eq!(cache.entry_count(), 4);
    }

    #[test]
    fn a_weighed_cache_stays_within_its_weight() {
        let cache = lru::<u32, Vec<u8>>(1_000)
            .weigher(|_, v: &Vec<u8>| u32::try_from(v.len()).unwrap_or(u32::MAX))
            .build();
        for k in 0..10 {
            cache.insert(k, vec![0; 240]);
            cache.run_pending_tasks();
        }
        assert!(cache.weighted_size() <= 1_000);
        assert!(cache.get(&9).is_some());
        assert!(cache.get(&0).is_none());
    }
}
