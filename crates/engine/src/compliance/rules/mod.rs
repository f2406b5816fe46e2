//! The rules of the domain brief, one module each, in the brief's order. Each module holds the
//! rule's name, source and check over the shared [`Context`]. A new rule R12 is its module (with
//! its tests), a line in [`RULES`], and its id in `Rule` and its codes in `FindingCode` (named
//! R12_...); the pages show it by the name its module gives.

use super::context::Context;
use super::report::{Finding, Rule};

pub mod r10_three_month_status;
pub mod r11_residents;
pub mod r1_trainee_share;
pub mod r2_target;
pub mod r3_on_track;
pub mod r4_clause_present;
pub mod r5_lbf_report;
pub mod r6_hours_reported;
pub mod r7_follow_up_cadence;
pub mod r8_trial_follow_up;
pub mod r9_double_counting;

/// A registered rule: its id, its name in both languages (the findings' headings), where it
/// comes from, and its check.
pub struct RuleDef {
    pub rule: Rule,
    pub name_da: &'static str,
    pub name_en: &'static str,
    pub source: &'static str,
    pub check: fn(&Context, &mut Vec<Finding>),
}

impl RuleDef {
    /// The rule's name in `l`.
    pub fn name(&self, l: crate::i18n::Lang) -> &'static str {
        match l {
            crate::i18n::Lang::Da => self.name_da,
            crate::i18n::Lang::En => self.name_en,
        }
    }
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
    r10_three_month_status::RULE,
    r11_residents::RULE,
];

/// The registered rule with this id (every `Rule` has one; the test below holds it to that).
pub fn def(rule: Rule) -> Option<&'static RuleDef> {
    RULES.iter().find(|d| d.rule == rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_are_registered_once_in_the_briefs_order() {
        use Rule::*;
        let rules: Vec<Rule> = RULES.iter().map(|r| r.rule).collect();
        assert_eq!(rules, [R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11]);
        assert!(RULES.iter().all(|r| !r.source.is_empty()));
        assert!(
            RULES
                .iter()
                .all(|r| !r.name_da.is_empty() && !r.name_en.is_empty())
        );
        assert_eq!(def(R6).map(|d| d.name_en), Some("Monthly hours reports"));
    }
}
