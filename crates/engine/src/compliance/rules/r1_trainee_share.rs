//! R1 trainee share: trainee hours / all labour hours on the site >= the grant's minimum share
//! (14 %), counted from site establishment to handover. The 14 % is the grant's rule; a contract
//! is judged on its own clause, in each form it states (a share, hours or elevuger, one person
//! in training per N skilled workers, an apprentice part), never on another form; a contract
//! without a clause gets no finding of its own, and months its clause lapsed in on company
//! documentation are not judged (an information finding says why).

use rust_decimal::Decimal;

use super::RuleDef;
use chrono::NaiveDate;

use crate::compliance::context::{ClauseStanding, ClauseTerms, Context, Lapse};
use crate::compliance::finding::FindingBuilder;
use crate::compliance::report::{
    ClauseKind, ClauseSpec, Finding, FindingCode, Metrics, Rule, Severity, Span, SubjectKind, Unit,
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
        let severity = if s.ended {
            Severity::Breach
        } else {
            Severity::Warning
        };
        out.push(clause_finding(s, severity));
    }
    for l in &cx.lapses {
        out.push(lapse_finding(l));
    }
}

/// A contract behind one part of its clause.
fn clause_finding(s: &ClauseStanding, severity: Severity) -> Finding {
    match &s.terms {
        ClauseTerms::Share { required, metrics } => share(s, severity, *required, metrics),
        ClauseTerms::Hours {
            required,
            weeks,
            line,
            delivered,
            span,
        } => hours(s, severity, *required, *weeks, *line, *delivered, *span),
        ClauseTerms::Ratio {
            per,
            non_trainee,
            needed,
            delivered,
        } => ratio(s, severity, *per, *non_trainee, *needed, *delivered),
        ClauseTerms::ApprenticePart {
            part,
            trainee,
            needed,
            delivered,
        } => apprentice_part(s, severity, *part, *trainee, *needed, *delivered),
    }
    .build()
}

/// A finding on the standing's contract.
fn builder(s: &ClauseStanding, code: FindingCode, severity: Severity) -> FindingBuilder {
    Finding::builder(&RULE, code, severity, SubjectKind::Contract, s.contract.id)
}

/// Behind a share of the contract's labour hours.
fn share(
    s: &ClauseStanding,
    severity: Severity,
    required: Decimal,
    metrics: &Metrics,
) -> FindingBuilder {
    let c = s.contract;
    let share = metrics.share.unwrap_or(Decimal::ZERO);
    builder(s, FindingCode::R1ClauseShare, severity)
        .says(
            format!(
                "Contract {} ({}): {} trainee hours, the clause requires {}; {} hours short",
                c.trade,
                c.contractor_name,
                en_percent(share),
                en_percent(required),
                en_hours(metrics.shortfall_hours)
            ),
            format!(
                "Kontrakt {} ({}): {} timer for personer under oplæring, klausulen kræver {}; {} timer mangler",
                c.trade,
                c.contractor_name,
                da_percent(share),
                da_percent(required),
                da_hours(metrics.shortfall_hours)
            ),
        )
        .measured(Unit::ShareFraction, share.round_dp(4), Some(required))
        .detail(|d| {
            d.needed_hours = Some(metrics.needed_trainee_hours);
            d.delivered_hours = Some(metrics.trainee_hours);
            d.shortfall_hours = Some(metrics.shortfall_hours);
            d.clause = Some(ClauseSpec {
                required_share: Some(required),
                ..ClauseSpec::new(ClauseKind::Share)
            });
        })
}

/// Behind a number of hours (or elevuger), pro rata while the contract runs.
fn hours(
    s: &ClauseStanding,
    severity: Severity,
    required: Decimal,
    weeks: Option<Decimal>,
    line: Decimal,
    delivered: Decimal,
    span: Span,
) -> FindingBuilder {
    let c = s.contract;
    let (stated_en, stated_da) = match weeks {
        Some(w) => (
            format!(
                "{} trainee weeks ({} hours)",
                en_hours(w),
                en_hours(required)
            ),
            format!("{} elevuger ({} timer)", da_hours(w), da_hours(required)),
        ),
        None => (en_hours(required), da_hours(required)),
    };
    builder(s, FindingCode::R1ClauseHours, severity)
        .says(
            format!(
                "Contract {} ({}): {} trainee hours delivered to {}, {} expected by then of {} required by the clause",
                c.trade,
                c.contractor_name,
                en_hours(delivered),
                span.to,
                en_hours(line),
                stated_en
            ),
            format!(
                "Kontrakt {} ({}): {} timer for personer under oplæring leveret til {}, {} forventet til da af {} krævet i klausulen",
                c.trade,
                c.contractor_name,
                da_hours(delivered),
                da_date(span.to),
                da_hours(line),
                stated_da
            ),
        )
        .measured(Unit::Hours, delivered, Some(line))
        .detail(|d| {
            d.needed_hours = Some(line);
            d.delivered_hours = Some(delivered);
            d.shortfall_hours = Some(s.owed);
            d.window = Some(span);
            d.clause = Some(ClauseSpec {
                required_hours: Some(required),
                required_weeks: weeks,
                ..ClauseSpec::new(ClauseKind::Hours)
            });
        })
}

/// Behind one person in training per `per` skilled workers.
fn ratio(
    s: &ClauseStanding,
    severity: Severity,
    per: i32,
    non_trainee: Decimal,
    needed: Decimal,
    delivered: Decimal,
) -> FindingBuilder {
    let c = s.contract;
    builder(s, FindingCode::R1ClauseRatio, severity)
        .says(
            format!(
                "Contract {} ({}): {} trainee hours beside {} other hours; the clause asks one person in training per {} skilled workers, {} hours; {} hours short",
                c.trade,
                c.contractor_name,
                en_hours(delivered),
                en_hours(non_trainee),
                per,
                en_hours(needed),
                en_hours(s.owed)
            ),
            format!(
                "Kontrakt {} ({}): {} timer for personer under oplæring ved siden af {} andre timer; klausulen kræver én person under oplæring pr. {} faglærte, {} timer; {} timer mangler",
                c.trade,
                c.contractor_name,
                da_hours(delivered),
                da_hours(non_trainee),
                per,
                da_hours(needed),
                da_hours(s.owed)
            ),
        )
        .measured(Unit::Hours, delivered, Some(needed))
        .detail(|d| {
            d.needed_hours = Some(needed);
            d.delivered_hours = Some(delivered);
            d.shortfall_hours = Some(s.owed);
            d.clause = Some(ClauseSpec {
                skilled_per_trainee: Some(per),
                ..ClauseSpec::new(ClauseKind::Ratio)
            });
        })
}

/// Behind the apprentices' part of the trainee hours.
fn apprentice_part(
    s: &ClauseStanding,
    severity: Severity,
    part: Decimal,
    trainee: Decimal,
    needed: Decimal,
    delivered: Decimal,
) -> FindingBuilder {
    let c = s.contract;
    let short = (needed - delivered).max(Decimal::ZERO);
    builder(s, FindingCode::R1ClauseApprenticePart, severity)
        .says(
            format!(
                "Contract {} ({}): {} of {} trainee hours are apprentices', the clause asks at least {}; {} apprentice hours short",
                c.trade,
                c.contractor_name,
                en_hours(delivered),
                en_hours(trainee),
                en_percent(part),
                en_hours(short)
            ),
            format!(
                "Kontrakt {} ({}): {} af {} timer for personer under oplæring er lærlinges, klausulen kræver mindst {}; {} lærlingetimer mangler",
                c.trade,
                c.contractor_name,
                da_hours(delivered),
                da_hours(trainee),
                da_percent(part),
                da_hours(short)
            ),
        )
        .measured(Unit::Hours, delivered, Some(needed))
        .detail(|d| {
            d.needed_hours = Some(needed);
            d.delivered_hours = Some(delivered);
            d.shortfall_hours = Some(short);
            d.clause = Some(ClauseSpec {
                apprentice_part: Some(part),
                ..ClauseSpec::new(ClauseKind::ApprenticePart)
            });
        })
}

/// Why a contract's clause was not judged for some months: the company documentation it lapsed on.
fn lapse_finding(l: &Lapse) -> Finding {
    let c = l.contract;
    let periods = |date: fn(NaiveDate) -> String, pct: fn(Decimal) -> String| {
        l.periods
            .iter()
            .map(|p| {
                format!(
                    "{}–{} ({}, {})",
                    date(p.from),
                    date(p.to),
                    pct(Decimal::new(p.share_bp.into(), 4)),
                    p.document
                )
            })
            .collect::<Vec<_>>()
    };
    let (en_scope, da_scope) = if l.whole {
        (
            "every month so far".to_owned(),
            "alle måneder indtil nu".to_owned(),
        )
    } else if l.months == 1 {
        ("1 month".to_owned(), "1 måned".to_owned())
    } else {
        (
            format!("{} months", l.months),
            format!("{} måneder", l.months),
        )
    };
    Finding::builder(
        &RULE,
        FindingCode::R1ClauseLapsed,
        Severity::Info,
        SubjectKind::Contract,
        c.id,
    )
    .says(
        format!(
            "Contract {} ({}): the clause lapses for {} on the contractor's documented company-wide trainee share of at least {}: {}",
            c.trade,
            c.contractor_name,
            en_scope,
            en_percent(l.threshold),
            periods(|d| d.to_string(), en_percent).join("; ")
        ),
        format!(
            "Kontrakt {} ({}): klausulen bortfalder for {}, da entreprenøren har dokumenteret en andel af personer under oplæring i hele virksomheden på mindst {}: {}",
            c.trade,
            c.contractor_name,
            da_scope,
            da_percent(l.threshold),
            periods(da_date, da_percent).join("; ")
        ),
    )
    .detail(|d| {
        d.from = l.periods.iter().map(|p| p.from).min();
        d.to = l.periods.iter().map(|p| p.to).max();
    })
    .build()
}
