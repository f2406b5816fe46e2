//! Compliance with the social requirements of Grøn Boligaftale 2020 and the site's own clauses:
//! pure functions over plain facts, with no database access, so every rule is tested on worked
//! examples. `service::compliance` loads the facts in bulk.
//!
//! - [`facts`]: what is judged; [`params`]: the rules' parameters (one table);
//! - [`figures`]: the shared arithmetic (share, shortfall, target, the one pro-rata helper);
//! - [`context`]: everything measured once per evaluation; [`finding`]: the finding builder;
//! - [`rules`]: R1-R9, one module each; [`evaluate`](fn@evaluate): runs them;
//! - [`series`] (charts) and [`year`] (the yearly LBF report).

pub mod context;
pub mod deadlines;
pub mod evaluate;
pub mod facts;
pub mod figures;
pub mod finding;
pub mod params;
pub mod report;
pub mod report_labels;
pub mod rules;
pub mod series;
pub mod year;

#[cfg(test)]
mod clause_tests;
#[cfg(test)]
mod tests;

pub use evaluate::{Report, evaluate};
pub use facts::*;
pub use figures::{
    HOURS_PER_ARSVAERK, arsvaerk, arsvaerk_exact, hours, metrics, needed_trainee_hours, shortfall,
    target,
};
pub use params::Params;
pub use report::outcome_name;
pub use report::*;
pub use series::{MonthPoint, time_series};
pub use year::{YearFigures, year_figures};
