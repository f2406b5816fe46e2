//! R2 target (måltal): 6 trainee årsværk per 100,000,000 DKK of craftsman cost at Skema B
//! (configurable), 1 årsværk = 1924 hours; judged at handover.

use super::RuleDef;
use crate::compliance::context::Context;
use crate::compliance::report::{Finding, FindingCode, Rule, Severity, SubjectKind, Unit};
use crate::i18n::{da_decimal, da_hours, en_hours};

pub const RULE: RuleDef = RuleDef {
    rule: Rule::R2,
    name_da: "Måltal",
    name_en: "Target",
    source: "LBF's conversion (2022; Bygherreforeningen): 6 trainee årsværk per 100 mio. DKK incl. VAT, 1 årsværk = 1924 hours",
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let g = cx.g;
    match cx.target {
        None if cx.window.is_some() => out.push(
            Finding::builder(&RULE, FindingCode::R2NoCraftsmanCost,
                Severity::Warning,
                SubjectKind::Grant,
                g.id,
            )
            .says(
                format!(
                    "Grant {}: construction has started but no craftsman cost at Skema B is recorded, so the trainee target cannot be set",
                    g.case_number
                ),
                format!(
                    "Sag {}: byggeriet er gået i gang, men der er ikke registreret en håndværkerudgift ved Skema B, så måltallet kan ikke fastsættes",
                    g.case_number
                ),
            )
            .build(),
        ),
        Some((arsvaerk, th)) if cx.handed_over && cx.metrics.trainee_hours < th => {
            let m = &cx.metrics;
            let short = th - m.trainee_hours;
            out.push(
                Finding::builder(&RULE, FindingCode::R2TargetMissed,
                    Severity::Breach,
                    SubjectKind::Grant,
                    g.id,
                )
                .says(
                    format!(
                        "Grant {}: {} trainee årsværk delivered, {} required ({} hours short)",
                        g.case_number,
                        m.delivered_arsvaerk.normalize(),
                        arsvaerk.normalize(),
                        en_hours(short)
                    ),
                    format!(
                        "Sag {}: {} årsværk for personer under oplæring leveret, måltallet er {} ({} timer mangler)",
                        g.case_number,
                        da_decimal(m.delivered_arsvaerk, 2),
                        da_decimal(arsvaerk, 2),
                        da_hours(short)
                    ),
                )
                .measured(Unit::Hours, m.trainee_hours, Some(th))
                .detail(|d| {
                    d.needed_hours = Some(th);
                    d.delivered_hours = Some(m.trainee_hours);
                    d.shortfall_hours = Some(short);
                })
                .build(),
            );
        }
        _ => {}
    }
}
