//! The rule engine of the social-clause tracker: pure functions over plain data, with no database
//! access, no clock and no GraphQL, so every rule is tested on worked examples and can be used by
//! the API, the pages, the payroll import and the command line alike.
//!
//! - [`compliance`]: the facts judged, the parameter table, the rules R1-R9 (one module each),
//!   the evaluation, series and the yearly LBF report;
//! - [`units`]: exact conversions between decimals and the stored integers;
//! - [`i18n`]: the two languages and Danish number, date and list formatting;
//! - [`workflow`]: the monthly hours report's steps (submit, approve, accept, return) and who
//!   may take them;
//! - [`error`]: the engine's one refusal, a field with a reason in both languages.
//!
//! The `graphql` feature derives async-graphql enums on the engine's enums, so the schema names
//! them without mirroring them by hand; the engine itself never needs it.

pub mod compliance;
pub mod error;
pub mod i18n;
pub mod units;
pub mod workflow;
