//! The social-clause tracker's server: configuration, database, service layer, GraphQL schema and
//! HTTP routes. `main.rs` is only the command line around it.

// The merged GraphQL schema's resolver futures nest deeper than the default limit of 128.
#![recursion_limit = "256"]

pub mod config;
pub mod conns;
pub mod downloads;
pub mod exports;
pub mod http;
pub mod notifier;
pub mod ops;
pub mod request;
pub mod seed;
pub mod telemetry;

// The rule engine and the service are crates of their own (`engine`: no database, clock, GraphQL
// or HTTP; `tracker-core`: no GraphQL or HTTP); their modules keep their paths here, so the server
// reads `crate::service`, `crate::db` and `crate::compliance`.
pub use tracker_core::{
    accounts, audit, auth, clock, compliance, db, env, error, i18n, live, patch, payroll, record,
    reminders, scalars, scope, service, stamp, units, validate, workflow,
};
// The GraphQL schema is a crate of its own too; the server and the pages reach it as `graphql`.
pub use tracker_graphql::{self as graphql, loaders, pagination};
// And the web app.
pub use tracker_web as web;

/// Tunes mimalloc, the binaries' allocator, for a server that must stay inside a memory budget
/// and makes megabyte answers. Call first thing in `main`, before any other thread exists
/// (mimalloc's options are not synchronised). Each setting yields to mimalloc's own variable
/// when that is set.
///
/// - Memory freed is handed back to the system after 10 ms (`MIMALLOC_PURGE_DELAY`; mimalloc
///   3's default is a second, and a cold 5,000-grant dashboard frees its slices faster than
///   that, so their pages piled up to some 50 MB above what it holds).
/// - No transparent huge pages (`MIMALLOC_ALLOW_THP`): mimalloc asks the kernel for them on
///   its arenas, and each first touch of a 2 MiB region then faults in and zeroes all of it
///   (and may compact memory first, under the kernel's `defrag=madvise`). A fresh instance's first
///   5,000-grant dashboard spent three quarters of its CPU there (`perf`: `clear_page_erms`
///   under `do_huge_pmd_anonymous_page`) and took 157-242 ms with them, 29-44 ms without, on a
///   2-core virtual machine; peak memory was lower too (216-221 MB against 234-244 MB).
pub fn tune_allocator() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: mi_option_set writes a plain option slot; no other thread runs yet.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10) };
    }
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // Arenas mapped from now on are not advised to use them ...
        // SAFETY: as above.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0) };
        // ... and those mapped already (mimalloc starts before `main`) no longer get them: the
        // kernel checks this process-wide switch at every fault.
        #[cfg(target_os = "linux")]
        // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and touches no memory of
        // ours; should the kernel refuse it, huge pages stay as they were.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1 as libc::c_ulong, 0, 0, 0)
        };
    }
}

/// Runs a binary's `main`: the allocator tuned first (see [`tune_allocator`]), then `main` on
/// tokio's multi-threaded runtime. Creating `main`'s future runs none of it, so nothing has
/// started a thread when the allocator is tuned.
pub fn run_main(main: impl std::future::Future<Output = anyhow::Result<()>>) -> anyhow::Result<()> {
    tune_allocator();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(main)
}

/// mimalloc's `mi_option_purge_delay`: its place in `mi_option_e` (mimalloc.h), which the Rust
/// bindings do not name. A test checks it is the option that ships at 1,000 ms.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc's `mi_option_allow_thp`, the same way (a test checks it ships enabled).
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// Makes ring the process's TLS crypto provider (once; later calls do nothing). Every rustls
/// client of the process, including the OpenTelemetry exporter's HTTP client, builds on it; ring
/// is the provider the database driver already uses, so no second one is compiled in.
pub fn install_tls_provider() {
    // An Err means a provider is installed already, which is all that is needed.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod allocator_tests {
    use super::*;

    /// One test, so no other test of this process tunes the allocator between its readings.
    /// Each option is checked to be the one that ships with the default named, then tuned; one
    /// whose variable is set is left as mimalloc read it.
    #[test]
    fn the_allocator_is_tuned() {
        // SAFETY: reads of option slots and of the process's huge page switch.
        let get = |option| unsafe { libmimalloc_sys::mi_option_get(option) };
        let thp_disabled = || unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        let purge_set = std::env::var_os("MIMALLOC_PURGE_DELAY").is_some();
        let thp_set = std::env::var_os("MIMALLOC_ALLOW_THP").is_some();
        let (purge, thp) = (get(MI_OPTION_PURGE_DELAY), get(MI_OPTION_ALLOW_THP));
        if !purge_set {
            assert_eq!(purge, 1000, "mimalloc 3's default purge delay");
        }
        if !thp_set {
            assert_eq!(
                thp, 1,
                "mimalloc 3 allows transparent huge pages by default"
            );
        }
        tune_allocator();
        if purge_set {
            assert_eq!(get(MI_OPTION_PURGE_DELAY), purge);
        } else {
            assert_eq!(get(MI_OPTION_PURGE_DELAY), 10);
        }
        if thp_set {
            assert_eq!(get(MI_OPTION_ALLOW_THP), thp);
        } else {
            assert_eq!(get(MI_OPTION_ALLOW_THP), 0);
            assert_eq!(thp_disabled(), 1, "the kernel's switch for this process");
        }
    }
}
