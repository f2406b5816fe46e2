//! R4 clause present: a contract worth more than 5,000,000 DKK and lasting more than six months
//! (udbudsloven § 176, stk. 2) carries a training clause, or a recorded exemption.

use chrono::Months;

use super::RuleDef;
use crate::compliance::context::Context;
use crate::compliance::figures::hours;
use crate::compliance::report::{Finding, FindingCode, Rule, Severity, SubjectKind, Unit};
use crate::i18n::da_kr;

pub const RULE: RuleDef = RuleDef {
    rule: Rule::R4,
    name_da: "Uddannelsesklausul",
    name_en: "Training clause",
    source: "Udbudsloven § 176, stk. 2: contracts over 5 mio. DKK lasting over 6 months carry a training clause",
    check,
};

/// A contract above this value (DKK, in øre) and longer than six months needs a clause.
pub const CLAUSE_VALUE_THRESHOLD_ORE: i64 = 5_000_000 * 100;

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in &cx.g.contracts {
        let long = c.end > c.start + Months::new(6);
        if c.value_ore <= CLAUSE_VALUE_THRESHOLD_ORE || !long || c.has_clause() || c.exempt {
            continue;
        }
        let value = hours(c.value_ore);
        let days = (c.end - c.start).num_days();
        out.push(
            Finding::builder(&RULE, FindingCode::R4ClauseMissing,
                Severity::Breach,
                SubjectKind::Contract,
                c.id,
            )
            .says(
                format!(
                    "Contract {} ({}): worth {} DKK over {} days but carries no training clause and no recorded exemption",
                    c.trade,
                    c.contractor_name,
                    value.normalize(),
                    days
                ),
                format!(
                    "Kontrakt {} ({}): {} over {} dage, men uden uddannelsesklausul og uden registreret undtagelse",
                    c.trade,
                    c.contractor_name,
                    da_kr(value),
                    days
                ),
            )
            .measured(Unit::Dkk, value, Some(hours(CLAUSE_VALUE_THRESHOLD_ORE)))
            .detail(|d| {
                d.from = Some(c.start);
                d.to = Some(c.end);
                d.days = Some(days);
            })
            .build(),
        );
    }
}
