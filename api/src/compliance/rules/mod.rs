//! The rules of the domain brief, one module each, in the brief's order. Each module holds the
//! rule's source, its check over the shared [`Context`] and its worked examples. A new rule is a
//! module, a line in [`RULES`] and its codes in `FindingCode`.

use super::context::Context;
use super::report::{Finding, Rule};

pub mod r1_trainee_share;
pub mod r2_target;
pub mod r3_on_track;
pub mod r4_clause_present;
pub mod r5_lbf_report;
pub mod r6_hours_reported;
pub mod r7_follow_up_cadence;
pub mod r8_trial_follow_up;
pub mod r9_double_counting;

/// A registered rule: its id, where it comes from, and its check.
pub struct RuleDef {
    pub rule: Rule,
    pub source: &'static str,
    pub check: fn(&Context, &mut Vec<Finding>),
}

pub const RULES: &[RuleDef] = &[
    r1_trainee_share::RULE,
    r2_target::RULE,
    r3_on_track::RULE,
    r4_clause_present::RULE,
    r5_lbf_report::RULE,
    r6_hours_reported::RULE,
    r7_follow_up_cadence::RULE,
    r8_trial_follow_up::RULE,
    r9_double_counting::RULE,
];

/// Where a rule comes from.
pub fn source(rule: Rule) -> &'static str {
    RULES
        .iter()
        .find(|r| r.rule == rule)
        .map_or("", |r| r.source)
}
