//! R1 trainee share: trainee hours / all labour hours on the site >= the grant's minimum share
//! (14 %), counted from site establishment to handover. The 14 % is the grant's rule; a contract
//! is judged on its own clause (a share or a number of hours), and a contract without a clause
//! gets no finding of its own.

use rust_decimal::Decimal;

use super::RuleDef;
use crate::compliance::context::{ClauseTerms, Context};
use crate::compliance::report::{
    ClauseKind, ClauseSpec, Finding, FindingCode, Rule, Severity, SubjectKind, Unit,
};
use crate::i18n::{da_date, da_hours, da_percent, en_hours, en_percent};

pub const RULE: RuleDef = RuleDef {
    rule: Rule::R1,
    name_da: "Oplæringsandel",
    name_en: "Trainee share",
    source: "LBF regulativ (in force 1 June 2021): at least 14 % of those employed are persons in training",
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let (g, p, m) = (cx.g, cx.p, &cx.metrics);
    if let Some(share) = m.share
        && share < p.min_share()
    {
        let severity = if cx.handed_over {
            Severity::Breach
        } else {
            Severity::Warning
        };
        out.push(
            Finding::builder(
                &RULE,
                FindingCode::R1GrantShare,
                severity,
                SubjectKind::Grant,
                g.id,
            )
            .says(
                format!(
                    "Grant {}: {} trainee hours, {} required; {} hours short",
                    g.case_number,
                    en_percent(share),
                    en_percent(p.min_share()),
                    en_hours(m.shortfall_hours)
                ),
                format!(
                    "Sag {}: {} timer for personer under oplæring, {} krævet; {} timer mangler",
                    g.case_number,
                    da_percent(share),
                    da_percent(p.min_share()),
                    da_hours(m.shortfall_hours)
                ),
            )
            .measured(Unit::ShareFraction, share.round_dp(4), Some(p.min_share()))
            .detail(|d| {
                d.needed_hours = Some(m.needed_trainee_hours);
                d.delivered_hours = Some(m.trainee_hours);
                d.shortfall_hours = Some(m.shortfall_hours);
            })
            .build(),
        );
    }

    for s in cx.clauses.iter().filter(|s| s.behind) {
        let c = s.contract;
        let severity = if s.ended {
            Severity::Breach
        } else {
            Severity::Warning
        };
        let f = match &s.terms {
            ClauseTerms::Share { required, metrics } => {
                let share = metrics.share.unwrap_or(Decimal::ZERO);
                Finding::builder(&RULE, FindingCode::R1ClauseShare, severity, SubjectKind::Contract, c.id)
                    .says(
                        format!(
                            "Contract {} ({}): {} trainee hours, the clause requires {}; {} hours short",
                            c.trade,
                            c.contractor_name,
                            en_percent(share),
                            en_percent(*required),
                            en_hours(metrics.shortfall_hours)
                        ),
                        format!(
                            "Kontrakt {} ({}): {} timer for personer under oplæring, klausulen kræver {}; {} timer mangler",
                            c.trade,
                            c.contractor_name,
                            da_percent(share),
                            da_percent(*required),
                            da_hours(metrics.shortfall_hours)
                        ),
                    )
                    .measured(Unit::ShareFraction, share.round_dp(4), Some(*required))
                    .detail(|d| {
                        d.needed_hours = Some(metrics.needed_trainee_hours);
                        d.delivered_hours = Some(metrics.trainee_hours);
                        d.shortfall_hours = Some(metrics.shortfall_hours);
                        d.clause = Some(ClauseSpec {
                            kind: ClauseKind::Share,
                            required_share: Some(*required),
                            required_hours: None,
                        });
                    })
            }
            ClauseTerms::Hours {
                required,
                line,
                delivered,
                span,
            } => Finding::builder(&RULE, FindingCode::R1ClauseHours, severity, SubjectKind::Contract, c.id)
                .says(
                    format!(
                        "Contract {} ({}): {} trainee hours delivered to {}, {} expected by then of {} required by the clause",
                        c.trade,
                        c.contractor_name,
                        en_hours(*delivered),
                        span.to,
                        en_hours(*line),
                        en_hours(*required)
                    ),
                    format!(
                        "Kontrakt {} ({}): {} timer for personer under oplæring leveret til {}, {} forventet til da af {} krævet i klausulen",
                        c.trade,
                        c.contractor_name,
                        da_hours(*delivered),
                        da_date(span.to),
                        da_hours(*line),
                        da_hours(*required)
                    ),
                )
                .measured(Unit::Hours, *delivered, Some(*line))
                .detail(|d| {
                    d.needed_hours = Some(*line);
                    d.delivered_hours = Some(*delivered);
                    d.shortfall_hours = Some(s.owed);
                    d.window = Some(*span);
                    d.clause = Some(ClauseSpec {
                        kind: ClauseKind::Hours,
                        required_share: None,
                        required_hours: Some(*required),
                    });
                }),
        };
        out.push(f.build());
    }
}
