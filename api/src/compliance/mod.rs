//! Compliance with the social requirements of Grøn Boligaftale 2020 and the site's own clauses
//! (rules R1-R9 of the domain brief): pure functions over plain facts, with no database access, so
//! every rule is tested on worked examples. `service::compliance` loads the facts in bulk.

pub mod engine;
pub mod params;

#[cfg(test)]
mod tests;

pub use engine::*;
pub use params::Params;
