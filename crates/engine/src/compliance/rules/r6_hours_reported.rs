//! R6 hours reported: every contract active in a month has that month's hours report by the
//! 10th of the next month (configurable). Missing months are a warning, late ones information.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::RuleDef;
use crate::compliance::context::Context;
use crate::compliance::figures::{month_of, next_month};
use crate::compliance::params::Params;
use crate::compliance::report::{Finding, FindingCode, Rule, Severity, SubjectKind, Unit};
use crate::i18n::{da_list, da_month, ym};

pub const RULE: RuleDef = RuleDef {
    rule: Rule::R6,
    name_da: "Månedsindberetning af timer",
    name_en: "Monthly hours reports",
    source: "Tracker rule: each active contract reports a month's hours by the 10th of the next month (configurable)",
    check,
};

/// The day a month's hours report is due: the configured day of the next month. The
/// portfolio's deadlines ([`crate::compliance::deadlines`]) ask this too.
pub fn hours_due(p: &Params, month: NaiveDate) -> NaiveDate {
    next_month(month) + Days::new(u64::from(p.hours_report_due_day().max(1)) - 1)
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let Some(w) = &cx.window else { return };
    let (g, p) = (cx.g, cx.p);
    let reported: HashMap<(Uuid, NaiveDate), NaiveDate> = g
        .reports
        .iter()
        .map(|r| ((r.contract_id, r.month), r.reported_on))
        .collect();
    for c in &g.contracts {
        let mut m = month_of(c.start).max(w.first);
        let last = month_of(c.end).min(w.last);
        let (mut missing, mut late) = (Vec::new(), Vec::new());
        while m <= last {
            let due = hours_due(p, m);
            if cx.as_of > due {
                match reported.get(&(c.id, m)) {
                    None => missing.push(m),
                    Some(d) if *d > due => late.push(m),
                    _ => {}
                }
            }
            m = next_month(m);
        }
        let en_months = |v: &[NaiveDate]| v.iter().map(|m| ym(*m)).collect::<Vec<_>>().join(", ");
        let da_months =
            |v: &[NaiveDate]| da_list(&v.iter().map(|m| da_month(*m)).collect::<Vec<_>>());
        let count = |v: &[NaiveDate]| Decimal::from(v.len() as i64);
        if !missing.is_empty() {
            out.push(
                Finding::builder(&RULE, FindingCode::R6Missing, Severity::Warning, SubjectKind::Contract, c.id)
                    .says(
                        format!(
                            "Contract {} ({}): {} month(s) without an hours report: {}",
                            c.trade,
                            c.contractor_name,
                            missing.len(),
                            en_months(&missing)
                        ),
                        format!(
                            "Kontrakt {} ({}): månedsindberetning af timer mangler for {} måned(er): {}",
                            c.trade,
                            c.contractor_name,
                            missing.len(),
                            da_months(&missing)
                        ),
                    )
                    .measured(Unit::Count, count(&missing), Some(Decimal::ZERO))
                    .detail(|d| d.months = missing.clone())
                    .build(),
            );
        }
        if !late.is_empty() {
            let day = p.hours_report_due_day();
            out.push(
                Finding::builder(&RULE, FindingCode::R6Late, Severity::Info, SubjectKind::Contract, c.id)
                    .says(
                        format!(
                            "Contract {} ({}): {} month(s) reported after the {}th of the next month: {}",
                            c.trade,
                            c.contractor_name,
                            late.len(),
                            day,
                            en_months(&late)
                        ),
                        format!(
                            "Kontrakt {} ({}): {} måned(er) indberettet for sent (efter den {}. i den følgende måned): {}",
                            c.trade,
                            c.contractor_name,
                            late.len(),
                            day,
                            da_months(&late)
                        ),
                    )
                    .measured(Unit::Count, count(&late), Some(Decimal::ZERO))
                    .detail(|d| d.months = late.clone())
                    .build(),
            );
        }
    }
}
