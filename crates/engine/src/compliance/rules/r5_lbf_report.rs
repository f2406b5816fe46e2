//! R5 yearly LBF report (Lærlingeindberetning): one report for each calendar year the site was
//! active, due 29 September of the following year (configurable); missing or late is flagged.

use chrono::{Datelike, NaiveDate};

use super::RuleDef;
use crate::compliance::context::Context;
use crate::compliance::params::Params;
use crate::compliance::report::{Finding, FindingCode, Rule, Severity, SubjectKind};
use crate::i18n::da_date;

pub const RULE: RuleDef = RuleDef {
    rule: Rule::R5,
    name_da: "Lærlingeindberetning til LBF",
    name_en: "Yearly LBF report",
    source: "LBF Lærlingeindberetning: yearly report, due 29 September of the following year",
    check,
};

/// The day the LBF report for `year` is due: the configured day of the following year. The
/// portfolio's deadlines ([`crate::compliance::deadlines`]) ask this too.
pub fn report_due(p: &Params, year: i32) -> Option<NaiveDate> {
    let (month, day) = p.lbf_report_due();
    NaiveDate::from_ymd_opt(year + 1, month, day)
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let Some(w) = &cx.window else { return };
    let (g, p) = (cx.g, cx.p);
    for year in w.first.year()..=w.last.year() {
        let Some(due) = report_due(p, year) else {
            continue;
        };
        let submitted = g
            .lbf_submissions
            .iter()
            .filter(|(y, _)| *y == year)
            .map(|(_, d)| *d)
            .min();
        let case = &g.case_number;
        let (code, severity, en, da) = match submitted {
            None if cx.as_of > due => (
                FindingCode::R5Missing,
                Severity::Breach,
                format!("Grant {case}: the LBF report for {year} was due {due} and is missing"),
                format!(
                    "Sag {case}: lærlingeindberetningen til LBF for {year} skulle være indsendt senest {} og mangler",
                    da_date(due)
                ),
            ),
            Some(d) if d > due => (
                FindingCode::R5Late,
                Severity::Warning,
                format!(
                    "Grant {case}: the LBF report for {year} was submitted {d}, after the deadline {due}"
                ),
                format!(
                    "Sag {case}: lærlingeindberetningen til LBF for {year} blev indsendt {}, efter fristen {}",
                    da_date(d),
                    da_date(due)
                ),
            ),
            None => (
                FindingCode::R5Due,
                Severity::Info,
                format!("Grant {case}: the LBF report for {year} is due {due}"),
                format!(
                    "Sag {case}: lærlingeindberetningen til LBF for {year} har frist {}",
                    da_date(due)
                ),
            ),
            Some(_) => continue,
        };
        out.push(
            Finding::builder(&RULE, code, severity, SubjectKind::Grant, g.id)
                .says(en, da)
                .detail(|d| {
                    d.year = Some(year);
                    d.due = Some(due);
                    d.to = submitted;
                })
                .build(),
        );
    }
}
