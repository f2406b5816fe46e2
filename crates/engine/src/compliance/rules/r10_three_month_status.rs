//! R10 snusepraktik status after three months: three months after a trial placement ends,
//! somebody records where the participant is (in ordinary work, in education or an
//! apprenticeship, self-supporting otherwise, back on benefits, or unknown). Due three months
//! after the end plus R8's grace days (14 by default, configurable). The funnel counts the
//! statuses beside the immediate outcomes, the way Byg til Vækst reports both.

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;

use super::RuleDef;
use crate::compliance::context::Context;
use crate::compliance::facts::TrialFacts;
use crate::compliance::figures::days;
use crate::compliance::report::{Finding, FindingCode, Funnel, Rule, Severity, SubjectKind, Unit};
use crate::i18n::{da_date, da_days};

pub const RULE: RuleDef = RuleDef {
    rule: Rule::R10,
    name_da: "Status tre måneder efter snusepraktik",
    name_en: "Status three months after a trial placement",
    source: "Byg til Vækst (seed, Tema 03): where participants are three months later (2019: 43 in a job straight after, 55 at three months)",
    check,
};

/// The day three months after the placement's last day (the status is about that day).
pub fn three_months_after(t: &TrialFacts) -> NaiveDate {
    t.end.checked_add_months(Months::new(3)).unwrap_or(t.end)
}

/// The last day the three-month status is on time: three months after the end, plus the grace.
pub fn due(t: &TrialFacts, grace_days: i64) -> NaiveDate {
    three_months_after(t) + days(grace_days)
}

/// Adds R10's counts to the funnel: those whose three months have passed by the as-of date, the
/// statuses recorded by then, how many are self-supporting, and how many still lack a status.
pub fn add_to_funnel(cx: &Context, f: &mut Funnel) {
    for t in
        cx.g.trials
            .iter()
            .filter(|t| three_months_after(t) <= cx.as_of)
    {
        f.three_months_passed += 1;
        match t.three_month.filter(|(_, on)| *on <= cx.as_of) {
            Some((status, _)) => {
                *f.three_month.entry(status).or_default() += 1;
                if status.self_supporting() {
                    f.self_supporting_at_three_months += 1;
                }
            }
            None => f.three_month_without_status += 1,
        }
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let grace = cx.p.trial_outcome_due_days();
    for t in &cx.g.trials {
        let due = due(t, grace);
        // A status found out after the as-of date was not there to see on it.
        let known = t.three_month.is_some_and(|(_, on)| on <= cx.as_of);
        if cx.as_of <= due || known {
            continue;
        }
        let late = (cx.as_of - due).num_days();
        out.push(
            Finding::builder(
                &RULE,
                FindingCode::R10NoStatus,
                Severity::Warning,
                SubjectKind::TrialPlacement,
                t.id,
            )
            .says(
                format!(
                    "Snusepraktik {} to {}: no status recorded three months after it ended (due {due}, {late} days ago)",
                    t.start, t.end
                ),
                format!(
                    "Snusepraktik {} til {}: ingen status registreret tre måneder efter, den sluttede (frist {}, {} siden)",
                    da_date(t.start),
                    da_date(t.end),
                    da_date(due),
                    da_days(late)
                ),
            )
            .measured(Unit::Days, Decimal::from(late), Some(Decimal::ZERO))
            .detail(|d| {
                d.from = Some(t.start);
                d.to = Some(t.end);
                d.due = Some(due);
                d.days = Some(late);
            })
            .build(),
        );
    }
}
