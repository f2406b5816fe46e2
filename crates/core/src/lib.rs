//! The tracker's service: everything between the rule engine and the ways in (GraphQL, pages,
//! the command line). Plain Rust and plain async functions over any sea-orm connection, so a
//! mutation, a form, the payroll import and a test all call the same code.
//!
//! - Foundations: [`db`] (connections, migrations, the write gate), [`error`], [`record`] (reads
//!   and writes of one row, with its scope), [`scope`] (what a caller may see), [`validate`],
//!   [`units`], [`scalars`] (year-month, decimal input, upload), [`env`].
//! - Who acts: [`auth`] (principals, tokens), [`accounts`] (users, sessions, invitations),
//!   [`audit`] (the trail every change writes).
//! - Features: [`service`] (one module per feature: grants, contracts, hours, people, follow-up,
//!   compliance facts and the dashboard, LBF reports, payroll import, reminders, webhooks).
//! - [`tables`] (the download tables: each export's columns, named in Danish and English).
//! - [`payroll`] (reading a payroll file), [`reminders`] (what is due and where it may go),
//!   [`live`] (the change feed behind subscriptions).
//!
//! With the `graphql` feature, the inputs, enums and scalars also derive their GraphQL types;
//! nothing here depends on GraphQL otherwise.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod caches;
pub mod clock;
pub mod db;
pub mod env;
pub mod error;
pub mod live;
pub mod patch;
pub mod payroll;
pub mod record;
pub mod reminders;
pub mod scalars;
pub mod scope;
pub mod service;
pub mod stamp;
pub mod tables;
pub mod units;
pub mod validate;

// The rule engine keeps its module paths here, so the service reads `crate::compliance`.
pub use engine::{compliance, i18n, workflow};
