//! R7 følgegruppe cadence: during construction the group meets at least every 61 days
//! (configurable). Every gap counts on its own: site start to the first meeting, between
//! consecutive meetings, and the last meeting to the as-of date (or handover); a gap that
//! happened stays a finding after later meetings. Past meetings without minutes are noted.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use super::RuleDef;
use crate::compliance::context::Context;
use crate::compliance::params::Params;
use crate::compliance::report::{Finding, FindingCode, Rule, Severity, SubjectKind, Unit};
use crate::i18n::{da_date, da_days};

pub const RULE: RuleDef = RuleDef {
    rule: Rule::R7,
    name_da: "Følgegruppens møder",
    name_en: "Follow-up group meetings",
    source: "Byg til Vækst (seed, Tema 03): the følgegruppe meets about every second month (61 days, configurable)",
    check,
};

/// The last day the next følgegruppe meeting keeps within the interval after the meeting (or
/// site start) on `last`. The portfolio's deadlines ([`crate::compliance::deadlines`]) ask this.
pub fn next_meeting_due(p: &Params, last: NaiveDate) -> Option<NaiveDate> {
    let days = u64::try_from(p.max_meeting_interval_days()).ok()?;
    last.checked_add_days(Days::new(days))
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let (g, p) = (cx.g, cx.p);
    let (Some(start), Some(_)) = (g.construction_start, &cx.window) else {
        return;
    };
    // Construction ends at handover; gaps are measured up to it.
    let end = match g.actual_handover {
        Some(h) if h <= cx.as_of => h,
        _ => cx.as_of,
    };
    let case = &g.case_number;
    let max = p.max_meeting_interval_days();
    let Some(group) = g.follow_up_group_id else {
        let days = (end - start).num_days();
        if days > max {
            out.push(
                Finding::builder(
                    &RULE,
                    FindingCode::R7NoGroup,
                    Severity::Warning,
                    SubjectKind::Grant,
                    g.id,
                )
                .says(
                    format!(
                        "Grant {case}: no følgegruppe is set up, {days} days into construction"
                    ),
                    format!(
                        "Sag {case}: der er ikke nedsat en følgegruppe, {} efter byggestart",
                        da_days(days)
                    ),
                )
                .measured(Unit::Days, Decimal::from(days), Some(Decimal::from(max)))
                .detail(|d| {
                    d.from = Some(start);
                    d.to = Some(end);
                    d.days = Some(days);
                })
                .build(),
            );
        }
        return;
    };
    let mut dates: Vec<_> = g
        .meetings
        .iter()
        .map(|m| m.date)
        .filter(|d| start <= *d && *d <= end)
        .collect();
    dates.sort();
    dates.dedup();
    // (from, to, whether `from` is the site start, whether `to` is a meeting)
    let mut points = vec![start];
    points.extend(dates.iter().copied());
    points.push(end);
    for (i, pair) in points.windows(2).enumerate() {
        let (from, to) = (pair[0], pair[1]);
        let days = (to - from).num_days();
        if days <= max {
            continue;
        }
        let from_start = i == 0;
        let to_meeting = i + 1 < points.len() - 1;
        let (en, da) = gap_message(case, from, to, days, from_start, to_meeting);
        out.push(
            Finding::builder(
                &RULE,
                FindingCode::R7Gap,
                Severity::Warning,
                SubjectKind::FollowUpGroup,
                group,
            )
            .says(en, da)
            .measured(Unit::Days, Decimal::from(days), Some(Decimal::from(max)))
            .detail(|d| {
                d.from = Some(from);
                d.to = Some(to);
                d.days = Some(days);
            })
            .build(),
        );
    }
    meetings_without_minutes(cx, out);
}

/// A gap's message in both languages: from site start or a meeting, to a meeting or the as-of
/// date (or handover).
fn gap_message(
    case: &str,
    from: NaiveDate,
    to: NaiveDate,
    days: i64,
    from_start: bool,
    to_meeting: bool,
) -> (String, String) {
    match (from_start, to_meeting) {
        (true, true) => (
            format!(
                "Grant {case}: the følgegruppe first met {to}, {days} days after construction started {from}"
            ),
            format!(
                "Sag {case}: følgegruppen holdt første møde {}, {} efter byggestart {}",
                da_date(to),
                da_days(days),
                da_date(from)
            ),
        ),
        (true, false) => (
            format!(
                "Grant {case}: the følgegruppe has not met in the {days} days since construction started {from}"
            ),
            format!(
                "Sag {case}: følgegruppen har ikke holdt møde i de {} siden byggestart {}",
                da_days(days),
                da_date(from)
            ),
        ),
        (false, true) => (
            format!("Grant {case}: {days} days between følgegruppe meetings {from} and {to}"),
            format!(
                "Sag {case}: {} mellem følgegruppens møder {} og {}",
                da_days(days),
                da_date(from),
                da_date(to)
            ),
        ),
        (false, false) => (
            format!("Grant {case}: the følgegruppe last met {from}, {days} days before {to}"),
            format!(
                "Sag {case}: følgegruppen holdt sidst møde {}, {} før {}",
                da_date(from),
                da_days(days),
                da_date(to)
            ),
        ),
    }
}

/// Past meetings without minutes, noted.
fn meetings_without_minutes(cx: &Context, out: &mut Vec<Finding>) {
    let g = cx.g;
    for m in g
        .meetings
        .iter()
        .filter(|m| m.date < cx.as_of && !m.has_minutes)
    {
        out.push(
            Finding::builder(
                &RULE,
                FindingCode::R7NoMinutes,
                Severity::Info,
                SubjectKind::Meeting,
                m.id,
            )
            .says(
                format!("Meeting of {} has no minutes recorded", m.date),
                format!("Mødet {} har intet referat", da_date(m.date)),
            )
            .detail(|d| d.from = Some(m.date))
            .build(),
        );
    }
}
