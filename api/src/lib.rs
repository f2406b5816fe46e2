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

/// Tunes mimalloc, the binaries' allocator, for a server that must stay inside a memory budget:
/// memory freed is handed back to the system after 10 ms (mimalloc 3's default is a second, and
/// a cold 5,000-grant dashboard frees its slices faster than that, so their pages piled up to
/// some 50 MB above what it holds). `MIMALLOC_PURGE_DELAY` (milliseconds, mimalloc's own
/// variable) sets another delay: memory handed back is zeroed again by the system when it is
/// next used, which a server making megabyte answers pays on each. Call first thing in `main`,
/// before any other thread exists (mimalloc's options are not synchronised).
pub fn tune_allocator() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: mi_option_set writes a plain option slot; no other thread runs yet.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10);
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

    #[test]
    fn the_purge_delay_is_the_option_set() {
        // SAFETY: reads of an option slot.
        let get = || unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            // mimalloc's own variable is left to set the delay.
            let set = get();
            tune_allocator();
            assert_eq!(get(), set);
            return;
        }
        assert_eq!(get(), 1000, "mimalloc 3's default purge delay");
        tune_allocator();
        assert_eq!(get(), 10);
    }
}
