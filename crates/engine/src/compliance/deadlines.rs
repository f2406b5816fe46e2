//! A grant's next deadlines as of a date, for the portfolio: the next monthly hours report due
//! (R6's day of the next month), the next yearly LBF report due (R5's date) and the day the
//! følgegruppe's next meeting is due (R7's interval). Overdue hours and meetings are R6/R7
//! findings, so those deadlines are the ones still ahead; the LBF report is the earliest year not
//! yet submitted, overdue or not, since that is the one the bygherre must send next. Pure: facts,
//! parameters and a date in, dates out. Each due date is the rule's own (`r5_lbf_report::report_due`,
//! `r6_hours_reported::hours_due`, `r7_follow_up_cadence::next_meeting_due`), so a rule and the
//! portfolio can never disagree on when something is due.

use chrono::{Datelike, NaiveDate};

use super::context::Context;
use super::figures::{month_of, next_month};
use super::rules::{r5_lbf_report, r6_hours_reported, r7_follow_up_cadence};

/// The earliest month whose hours report is still owed, not yet late.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HoursDue {
    pub month: NaiveDate,
    pub due: NaiveDate,
    /// Active contracts that have not reported the month yet.
    pub contracts: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Deadlines {
    pub hours_report: Option<HoursDue>,
    /// The earliest year in construction whose LBF report is not submitted, and its due date
    /// (in the past when it is overdue).
    pub lbf_report: Option<(i32, NaiveDate)>,
    /// The last day the next følgegruppe meeting keeps within the interval (during construction).
    pub next_meeting: Option<NaiveDate>,
}

pub fn deadlines(cx: &Context) -> Deadlines {
    let (g, p) = (cx.g, cx.p);
    let Some(w) = &cx.window else {
        return Deadlines::default();
    };
    let mut hours_report = None;
    let mut m = w.first;
    while m <= w.last && hours_report.is_none() {
        let due = r6_hours_reported::hours_due(p, m);
        if due >= cx.as_of {
            let contracts = g
                .contracts
                .iter()
                .filter(|c| month_of(c.start) <= m && m <= month_of(c.end))
                .filter(|c| {
                    !g.reports
                        .iter()
                        .any(|r| r.contract_id == c.id && r.month == m)
                })
                .count();
            if contracts > 0 {
                hours_report = Some(HoursDue {
                    month: m,
                    due,
                    contracts,
                });
            }
        }
        m = next_month(m);
    }
    let lbf_report = (w.first.year()..=w.last.year()).find_map(|year| {
        let due = r5_lbf_report::report_due(p, year)?;
        let submitted = g.lbf_submissions.iter().any(|(y, _)| *y == year);
        (!submitted).then_some((year, due))
    });
    let next_meeting = match (cx.handed_over, g.construction_start) {
        (false, Some(start)) => {
            let last = g
                .meetings
                .iter()
                .map(|m| m.date)
                .filter(|d| start <= *d && *d <= cx.as_of)
                .max()
                .unwrap_or(start);
            r7_follow_up_cadence::next_meeting_due(p, last)
        }
        _ => None,
    };
    Deadlines {
        hours_report,
        lbf_report,
        next_meeting,
    }
}
