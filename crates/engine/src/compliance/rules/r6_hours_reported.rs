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

/// Where one contract month stands with its hours report on a day (a cell of the contractor's
/// to-do grid), judged as R6 judges it: due by [`hours_due`], missing the day after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "MonthReportStatus"))]
pub enum MonthReport {
    /// Ikke forfalden: the month has not ended, so its hours cannot be reported yet.
    NotYetDue,
    /// Skal indberettes: the month has ended and its report is due, not yet late.
    Due,
    /// Indberettet til tiden: reported by the due day.
    ReportedOnTime,
    /// Indberettet for sent: reported after the due day.
    ReportedLate,
    /// Mangler: past the due day and not reported (an R6 finding).
    Missing,
}

/// The status of `month`'s report on `today`, reported on `reported_on` (the Danish date of its
/// filing) if it is on file.
pub fn month_report(
    p: &Params,
    month: NaiveDate,
    reported_on: Option<NaiveDate>,
    today: NaiveDate,
) -> MonthReport {
    let due = hours_due(p, month);
    match reported_on {
        Some(d) if d > due => MonthReport::ReportedLate,
        Some(_) => MonthReport::ReportedOnTime,
        None if today < next_month(month) => MonthReport::NotYetDue,
        None if today <= due => MonthReport::Due,
        None => MonthReport::Missing,
    }
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

#[cfg(test)]
mod tests {
    use super::{MonthReport, month_report};
    use crate::compliance::params::{ParamKey, Params};
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// March 2026's report, due 10 April with the default day: each status on the days around.
    #[test]
    fn a_month_is_not_due_then_due_then_missing_and_reported_on_time_or_late() {
        let p = Params::default();
        let march = d("2026-03-01");
        let on = |today: &str, filed: Option<&str>| month_report(&p, march, filed.map(d), d(today));
        assert_eq!(on("2026-03-31", None), MonthReport::NotYetDue);
        assert_eq!(on("2026-04-01", None), MonthReport::Due);
        assert_eq!(on("2026-04-10", None), MonthReport::Due);
        assert_eq!(on("2026-04-11", None), MonthReport::Missing);
        assert_eq!(
            on("2026-04-11", Some("2026-04-10")),
            MonthReport::ReportedOnTime
        );
        assert_eq!(
            on("2026-06-01", Some("2026-04-11")),
            MonthReport::ReportedLate
        );
    }

    /// A grant that moved the due day to the 15th: the 11th is still in time.
    #[test]
    fn the_grants_due_day_moves_the_deadline() {
        let p = Params::default().with(ParamKey::HoursReportDueDay, Decimal::from(15));
        let march = d("2026-03-01");
        assert_eq!(
            month_report(&p, march, None, d("2026-04-11")),
            MonthReport::Due
        );
        assert_eq!(
            month_report(&p, march, None, d("2026-04-16")),
            MonthReport::Missing
        );
        assert_eq!(
            month_report(&p, march, Some(d("2026-04-15")), d("2026-05-01")),
            MonthReport::ReportedOnTime
        );
    }
}
