//! R6 hours reported: every contract active in a month has that month's hours report by the
//! 10th of the next month (configurable). Missing months are a warning, late ones information.
//! The workflow's months too: a month returned and not submitted again by its deadline is a
//! warning; a month that has waited for the bygherre's acceptance too long is information.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use domain::HoursStatus;
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

/// The day a returned month is due again: the month's own deadline, or the resubmission days
/// after the return when that is later.
pub fn resubmit_due(p: &Params, month: NaiveDate, returned_on: NaiveDate) -> NaiveDate {
    hours_due(p, month).max(returned_on + Days::new(p.hours_resubmit_days().max(0) as u64))
}

/// The workflow's findings for contract `c`: returned months past their new deadline, and
/// months ready for acceptance that have waited longer than the grant allows.
fn workflow(cx: &Context, c: &crate::compliance::facts::ContractFacts, out: &mut Vec<Finding>) {
    let p = cx.p;
    let wait = Days::new(p.hours_acceptance_wait_days().max(0) as u64);
    let (mut returned, mut waiting) = (Vec::new(), Vec::new());
    for s in
        cx.g.hours_states
            .iter()
            .filter(|s| s.contract_id == c.id && s.since <= cx.as_of)
    {
        match s.status {
            HoursStatus::Returned if cx.as_of > resubmit_due(p, s.month, s.since) => {
                returned.push(s.month)
            }
            HoursStatus::Approved | HoursStatus::Submitted
                if (s.status == HoursStatus::Approved || !c.approval)
                    && cx.as_of > s.since + wait =>
            {
                waiting.push(s.month)
            }
            _ => {}
        }
    }
    returned.sort();
    waiting.sort();
    let en_months = |v: &[NaiveDate]| v.iter().map(|m| ym(*m)).collect::<Vec<_>>().join(", ");
    let da_months = |v: &[NaiveDate]| da_list(&v.iter().map(|m| da_month(*m)).collect::<Vec<_>>());
    let count = |v: &[NaiveDate]| Decimal::from(v.len() as i64);
    if !returned.is_empty() {
        out.push(
            Finding::builder(&RULE, FindingCode::R6Returned, Severity::Warning, SubjectKind::Contract, c.id)
                .says(
                    format!(
                        "Contract {} ({}): {} month(s) returned and not submitted again in time: {}",
                        c.trade,
                        c.contractor_name,
                        returned.len(),
                        en_months(&returned)
                    ),
                    format!(
                        "Kontrakt {} ({}): {} måned(er) sendt retur og ikke indsendt igen inden fristen: {}",
                        c.trade,
                        c.contractor_name,
                        returned.len(),
                        da_months(&returned)
                    ),
                )
                .measured(Unit::Count, count(&returned), Some(Decimal::ZERO))
                .detail(|d| d.months = returned.clone())
                .build(),
        );
    }
    if !waiting.is_empty() {
        let days = p.hours_acceptance_wait_days();
        out.push(
            Finding::builder(&RULE, FindingCode::R6AwaitingAcceptance, Severity::Info, SubjectKind::Contract, c.id)
                .says(
                    format!(
                        "Contract {} ({}): {} month(s) have waited more than {days} days for the bygherre's acceptance: {}",
                        c.trade,
                        c.contractor_name,
                        waiting.len(),
                        en_months(&waiting)
                    ),
                    format!(
                        "Kontrakt {} ({}): {} måned(er) har ventet mere end {days} dage på bygherrens accept: {}",
                        c.trade,
                        c.contractor_name,
                        waiting.len(),
                        da_months(&waiting)
                    ),
                )
                .measured(Unit::Count, count(&waiting), Some(Decimal::ZERO))
                .detail(|d| d.months = waiting.clone())
                .build(),
        );
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in &cx.g.contracts {
        workflow(cx, c, out);
    }
    let Some(w) = &cx.window else { return };
    let (g, p) = (cx.g, cx.p);
    // A returned month is judged on its own deadline (above), not as missing.
    let returned: std::collections::HashSet<(Uuid, NaiveDate)> = g
        .hours_states
        .iter()
        .filter(|s| s.status == HoursStatus::Returned)
        .map(|s| (s.contract_id, s.month))
        .collect();
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
                    None if returned.contains(&(c.id, m)) => {}
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
