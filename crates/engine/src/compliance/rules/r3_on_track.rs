//! R3 on track: by a date in the construction period, delivered trainee hours should be at least
//! the target times the elapsed share of the period, less a tolerance (10 %). Expected and
//! delivered hours are counted over the same window: from construction start to the end of the
//! last month complete at the end of the as-of day (hours are reported by month). Also projects
//! the share and trainee hours at handover at the last three months' run rate.

use rust_decimal::Decimal;

use super::RuleDef;
use crate::compliance::context::Context;
use crate::compliance::report::{Finding, FindingCode, Rule, Severity, SubjectKind, Unit};
use crate::i18n::{da_date, da_hours, da_percent, en_hours, en_percent};

pub const RULE: RuleDef = RuleDef {
    rule: Rule::R3,
    name_da: "På sporet",
    name_en: "On track",
    source: "Tracker rule: delivered trainee hours follow the target pro rata over the construction period (tolerance configurable)",
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    if cx.handed_over {
        return;
    }
    let (g, p) = (cx.g, cx.p);
    if let Some(t) = &cx.on_track {
        let floor = t.expected * (Decimal::ONE - p.on_track_tolerance());
        if t.delivered < floor {
            let s = t.span;
            let behind = t.expected - t.delivered;
            out.push(
                Finding::builder(&RULE, FindingCode::R3Behind, Severity::Warning, SubjectKind::Grant, g.id)
                    .says(
                        format!(
                            "Grant {}: {} trainee hours delivered from {} to {}, {} expected by then ({} of {} days of the period); {} hours behind",
                            g.case_number,
                            en_hours(t.delivered),
                            s.from,
                            s.to,
                            en_hours(t.expected),
                            s.elapsed_days,
                            s.period_days,
                            en_hours(behind)
                        ),
                        format!(
                            "Sag {}: {} timer for personer under oplæring leveret fra {} til {}, {} forventet til da ({} af periodens {} dage); {} timer bagud",
                            g.case_number,
                            da_hours(t.delivered),
                            da_date(s.from),
                            da_date(s.to),
                            da_hours(t.expected),
                            s.elapsed_days,
                            s.period_days,
                            da_hours(behind)
                        ),
                    )
                    .measured(Unit::Hours, t.delivered, Some(floor.round_dp(2)))
                    .detail(|d| {
                        d.needed_hours = Some(t.expected);
                        d.delivered_hours = Some(t.delivered);
                        d.shortfall_hours = Some(behind);
                        d.window = Some(s);
                    })
                    .build(),
            );
        }
    }
    let target_hours = cx.target.map(|(_, h)| h);
    if let (Some((share, pt, months)), Some(end)) = (cx.projection, cx.planned_end) {
        let misses_share = share.is_some_and(|s| s < p.min_share());
        let misses_target = target_hours.is_some_and(|th| pt < th);
        if misses_share || misses_target {
            let en_target = target_hours
                .map(|th| format!(" against a target of {}", en_hours(th)))
                .unwrap_or_default();
            let da_target = target_hours
                .map(|th| format!(" mod et måltal på {}", da_hours(th)))
                .unwrap_or_default();
            out.push(
                Finding::builder(&RULE, FindingCode::R3ProjectedMiss,
                    Severity::Warning,
                    SubjectKind::Grant,
                    g.id,
                )
                .says(
                    format!(
                        "Grant {}: at the last {} months' rate the site ends at {} trainee share and {} trainee hours{} (handover {})",
                        g.case_number,
                        months,
                        share.map(en_percent).unwrap_or_else(|| "no".into()),
                        en_hours(pt),
                        en_target,
                        end
                    ),
                    format!(
                        "Sag {}: med tempoet fra de seneste {} måneder ender byggeriet på en oplæringsandel på {} og {} timer for personer under oplæring{} (aflevering {})",
                        g.case_number,
                        months,
                        share.map(da_percent).unwrap_or_else(|| "ingen".into()),
                        da_hours(pt),
                        da_target,
                        da_date(end)
                    ),
                )
                .measured(Unit::ShareFraction, share.unwrap_or_default(), Some(p.min_share()))
                .detail(|d| {
                    d.needed_hours = target_hours;
                    d.delivered_hours = Some(pt);
                    d.shortfall_hours = target_hours.map(|th| (th - pt).max(Decimal::ZERO));
                    d.to = Some(end);
                })
                .build(),
            );
        }
    }
}
