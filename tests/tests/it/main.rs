//! The integration tests, one binary with a module per feature (linking the whole server once,
//! not once per file). Each test is one scenario through GraphQL, HTTP or a browser, on SQLite,
//! or on PostgreSQL when `TEST_DATABASE_URL` is set (a fresh database per test, dropped after).

// The merged GraphQL schema's resolver futures nest deeper than the default limit of 128.
#![recursion_limit = "256"]

mod access;
mod accounts;
mod architecture;
mod as_of;
mod audit;
mod auth;
mod bad_input;
mod browser;
mod clauses;
mod compliance;
mod exports;
mod freshness;
mod generated_input;
mod hardening;
mod http;
mod import;
mod kept;
mod live;
mod migrations;
mod mutations;
mod ops;
mod pages;
mod queries;
mod reminders;
mod rollup;
mod scoping;
mod sdl;
mod seed;
mod snapshots;
mod stored;
mod validation;
mod workflow;
