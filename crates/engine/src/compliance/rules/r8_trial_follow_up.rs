//! R8 snusepraktik follow-up: once a trial placement has ended it gets an outcome and a next plan
//! within 14 days (configurable). Also counts the funnel: started, completed, outcomes.

use rust_decimal::Decimal;

use super::RuleDef;
use crate::compliance::context::Context;
use crate::compliance::figures::days;
use crate::compliance::report::{
    Finding, FindingCode, Funnel, Rule, Severity, SubjectKind, Unit, outcome_name,
};
use crate::i18n::{da_date, da_days};

pub const RULE: RuleDef = RuleDef {
    rule: Rule::R8,
    name_da: "Opfølgning på snusepraktik",
    name_en: "Trial placement follow-up",
    source: "Byg til Vækst (seed, Tema 03): every snusepraktik participant gets an outcome and a next plan (14 days, configurable)",
    check,
};

/// The snusepraktik funnel as of the evaluation date.
pub fn funnel(cx: &Context) -> Funnel {
    let mut f = Funnel::default();
    for t in cx.g.trials.iter().filter(|t| t.start <= cx.as_of) {
        f.started += 1;
        if t.end <= cx.as_of {
            f.completed += 1;
        }
        match t.outcome {
            Some(o) => *f.outcomes.entry(outcome_name(o)).or_default() += 1,
            None => f.open_without_outcome += 1,
        }
    }
    super::r10_three_month_status::add_to_funnel(cx, &mut f);
    f
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let allowed = cx.p.trial_outcome_due_days();
    for t in cx.g.trials.iter().filter(|t| t.start <= cx.as_of) {
        let due = t.end + days(allowed);
        if cx.as_of <= due || (t.outcome.is_some() && t.has_next_plan) {
            continue;
        }
        let since = (cx.as_of - t.end).num_days();
        let (code, en_what, da_what) = if t.outcome.is_none() {
            (FindingCode::R8NoOutcome, "no outcome", "intet udfald")
        } else {
            (
                FindingCode::R8NoNextPlan,
                "an outcome but no next plan",
                "et udfald, men ingen videre plan",
            )
        };
        out.push(
            Finding::builder(&RULE, code, Severity::Warning, SubjectKind::TrialPlacement, t.id)
                .says(
                    format!(
                        "Snusepraktik {} to {} has {en_what}, {since} days after it ended (due within {allowed})",
                        t.start, t.end
                    ),
                    format!(
                        "Snusepraktik {} til {} har {da_what}, {} efter den sluttede (frist {})",
                        da_date(t.start),
                        da_date(t.end),
                        da_days(since),
                        da_date(due)
                    ),
                )
                .measured(Unit::Days, Decimal::from(since), Some(Decimal::from(allowed)))
                .detail(|d| {
                    d.from = Some(t.start);
                    d.to = Some(t.end);
                    d.due = Some(due);
                    d.days = Some(since);
                })
                .build(),
        );
    }
}
