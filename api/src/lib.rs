//! The social-clause tracker's server: configuration, database, service layer, GraphQL schema and
//! HTTP routes. `main.rs` is only the command line around it.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod charts;
pub mod compliance;
pub mod config;
pub mod db;
pub mod downloads;
pub mod error;
pub mod exports;
pub mod graphql;
pub mod http;
pub mod i18n;
pub mod live;
pub mod loaders;
pub mod ops;
pub mod pagination;
pub mod payroll;
pub mod record;
pub mod reminders;
pub mod scalars;
pub mod scope;
pub mod seed;
pub mod service;
pub mod telemetry;
pub mod units;
pub mod validate;
pub mod web;
pub mod web_contractor;
pub mod web_grants;
pub mod web_hours;
pub mod web_import;
pub mod web_reminders;
pub mod web_trials;

/// Makes ring the process's TLS crypto provider (once; later calls do nothing). Every rustls
/// client of the process, including the OpenTelemetry exporter's HTTP client, builds on it; ring
/// is the provider the database driver already uses, so no second one is compiled in.
pub fn install_tls_provider() {
    // An Err means a provider is installed already, which is all that is needed.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
