//! GET /app/grants/{id}: one grant's status, key numbers, charts (each with its table) and
//! findings grouped by rule, from a typed query ([`crate::queries::grant`]).

use maud::{Markup, PreEscaped, html};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Response, handler};
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;

use crate::layout::*;
use crate::queries::grant::{CompliancePoint, GrantCompliance, GrantPage, GrantVars};
use crate::queries::{Rule, Severity};
use engine::i18n::Lang;
use tracker_graphql::AppSchema;

/// A severity in the page's language.
fn severity_name(l: Lang, severity: Severity) -> &'static str {
    match severity {
        Severity::Breach => t(l, "brud på krav", "breach"),
        Severity::Warning => t(l, "advarsel", "warning"),
        Severity::Info => t(l, "information", "information"),
    }
}

/// What a rule is about, for the findings' headings: "R6 Månedsindberetning af timer", the name
/// the rule's own module gives.
fn rule_name(l: Lang, rule: Rule) -> String {
    let engine_rule = rule.engine();
    match engine::compliance::rules::def(engine_rule) {
        Some(d) => format!("{engine_rule:?} {}", t(l, d.name_da, d.name_en)),
        None => format!("{engine_rule:?}"),
    }
}

fn float(v: Option<Decimal>) -> Option<f64> {
    use rust_decimal::prelude::ToPrimitive;
    v.and_then(|d| d.to_f64())
}

/// GET /app/grants/{id}: one grant's status, key numbers, charts (each with its table) and
/// findings grouped by rule, all from the schema with the signed-in person's scope.
#[handler]
pub async fn grant_page(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    schema: Data<&AppSchema>,
    poem::web::Path(id): poem::web::Path<String>,
) -> Response {
    use cynic::QueryBuilder;
    let s = match crate::signed_in(&db, req).await {
        Ok(s) => s,
        Err(to_login) => return to_login,
    };
    let l = s.lang;
    let Ok(grant_id) = id.parse::<uuid::Uuid>() else {
        return not_found(&s);
    };
    let data = match ask_op(&schema, &s, GrantPage::build(GrantVars { g: grant_id })).await {
        Ok(d) => d,
        Err(e) => return e.page(t(l, "LBF-tilsagn", "LBF grant"), &s),
    };
    let c = &data.compliance;
    let title = format!("{} · {}", c.grant.case_number, c.grant.title);
    let body = html! {
        p id="status" { (t(l, "Status ", "Status ")) (engine::i18n::date(l, c.as_of)) ": "
            strong data-status=(c.status.code()) { (c.status.name(l)) } }
        h2 { (t(l, "Nøgletal", "Key figures")) }
        (key_figures(l, c))
        p { a href={ "/app/grants/" (grant_id) "/lbf" } { (t(l, "Lærlingeindberetning til LBF", "Yearly LBF report")) } }
        (progress(l, &data.compliance_time_series))
        (contractors(l, c))
        (findings(l, c))
        p { a href="/app" { (t(l, "Tilbage til overblikket", "Back to the portfolio")) } }
    };
    html_response(StatusCode::OK, page(&title, Some(&s), body), vec![])
}

/// The key figures: share against the requirement, hours, target, on-track and projection.
fn key_figures(l: Lang, c: &GrantCompliance) -> Markup {
    let m = &c.metrics;
    html! {
        dl id="key-figures" {
            dt { (t(l, "Oplæringsandel", "Trainee share")) }
            dd data-key="share" { (dec(l, m.share_percent, 2)) " % (" (t(l, "krav", "required")) " " (two(l, m.required_share_percent)) " %)" }
            dt { (t(l, "Timer på pladsen", "Labour hours on site")) } dd data-key="labour" { (two(l, m.labour_hours)) }
            dt { (t(l, "Timer for personer under oplæring", "Hours of persons in training")) } dd data-key="trainee" { (two(l, m.trainee_hours)) }
            dt { (t(l, "Krævede timer", "Hours required")) } dd data-key="needed" { (two(l, m.needed_trainee_hours)) }
            dt { (t(l, "Manglende timer", "Hours short")) } dd data-key="shortfall" { (two(l, m.shortfall_hours)) }
            dt { (t(l, "Måltal", "Target")) } dd data-key="target" { (dec(l, c.target_arsvaerk, 2)) " " (t(l, "årsværk", "årsværk")) " (" (dec(l, c.target_hours, 2)) " " (t(l, "timer", "hours")) ")" }
            dt { (t(l, "Forventet til nu / leveret", "Expected by now / delivered")) } dd data-key="on-track" { (dec(l, c.expected_by_now_hours, 2)) " / " (dec(l, c.delivered_in_window_hours, 2)) " " (t(l, "timer", "hours")) }
            dt { (t(l, "Forventet andel ved aflevering", "Projected share at handover")) } dd data-key="projected" { (dec(l, c.projected_share_percent, 2)) " %" }
        }
    }
}

/// The share and hours charts over the months, and their table.
fn progress(l: Lang, series: &[CompliancePoint]) -> Markup {
    let labels: Vec<String> = series
        .iter()
        .map(|p| {
            p.month
                .first_day()
                .map(|d| match l {
                    Lang::Da => d
                        .format_localized("%b %y", chrono::Locale::da_DK)
                        .to_string(),
                    Lang::En => d.format("%b %y").to_string(),
                })
                .unwrap_or_default()
        })
        .collect();
    let points = |value: fn(&CompliancePoint) -> Option<Decimal>| -> Vec<(usize, f64)> {
        series
            .iter()
            .enumerate()
            .filter_map(|(i, p)| float(value(p)).map(|v| (i, v)))
            .collect()
    };
    let share_chart = crate::charts::lines(
        t(
            l,
            "Oplæringsandel, akkumuleret, mod kravet",
            "Trainee share, cumulative, against the requirement",
        ),
        t(l, "procent", "percent"),
        &labels,
        &[
            crate::charts::Line {
                name: t(
                    l,
                    "Oplæringsandel (akkumuleret)",
                    "Trainee share (cumulative)",
                ),
                colour: crate::charts::BLUE,
                points: points(|p| p.cumulative_share_percent),
            },
            crate::charts::Line {
                name: t(l, "Krav", "Required"),
                colour: crate::charts::ORANGE,
                points: points(|p| Some(p.required_share_percent)),
            },
        ],
    );
    let hours_chart = crate::charts::lines(
        t(
            l,
            "Timer for personer under oplæring, akkumuleret, mod mållinjen",
            "Hours of persons in training, cumulative, against the target line",
        ),
        t(l, "timer", "hours"),
        &labels,
        &[
            crate::charts::Line {
                name: t(l, "Leveret (akkumuleret)", "Delivered (cumulative)"),
                colour: crate::charts::GREEN,
                points: points(|p| Some(p.cumulative_trainee_hours)),
            },
            crate::charts::Line {
                name: t(l, "Mållinje", "Target line"),
                colour: crate::charts::ORANGE,
                points: points(|p| p.target_cumulative_trainee_hours),
            },
        ],
    );
    html! {
        h2 { (t(l, "Udvikling", "Progress")) }
        figure {
            (PreEscaped(share_chart))
            figcaption { (t(l, "Oplæringsandelen måned for måned mod kravet. Tallene står i tabellen herunder.",
                            "The trainee share month by month against the requirement. The table below has the numbers.")) }
        }
        figure {
            (PreEscaped(hours_chart))
            figcaption { (t(l, "Leverede timer mod den forholdsmæssige mållinje.", "Hours delivered against the pro-rata target line.")) }
        }
        table id="series" {
            caption { (t(l, "Måned for måned", "Month by month")) }
            thead { tr {
                th scope="col" { (t(l, "Måned", "Month")) } th.num scope="col" { (t(l, "Andel, akkumuleret (%)", "Share, cumulative (%)")) }
                th.num scope="col" { (t(l, "Krav (%)", "Required (%)")) } th.num scope="col" { (t(l, "Timer, akkumuleret", "Hours, cumulative")) }
                th.num scope="col" { (t(l, "Mållinje (timer)", "Target line (hours)")) }
            } }
            tbody {
                @for p in series {
                    tr {
                        td { (p.month.name(l)) }
                        td.num { (dec(l, p.cumulative_share_percent, 2)) }
                        td.num { (two(l, p.required_share_percent)) }
                        td.num { (two(l, p.cumulative_trainee_hours)) }
                        td.num { (dec(l, p.target_cumulative_trainee_hours, 2)) }
                    }
                }
            }
        }
    }
}

/// Each contractor's share (chart and table) against the site's requirement and its clause.
fn contractors(l: Lang, c: &GrantCompliance) -> Markup {
    let contractor_chart = crate::charts::bars(
        t(
            l,
            "Oplæringsandel pr. entreprenør mod kravet",
            "Trainee share per contractor against the requirement",
        ),
        t(l, "procent", "percent"),
        &c.contractors
            .iter()
            .map(|k| {
                (
                    k.contractor_name.clone(),
                    float(k.metrics.share_percent).unwrap_or(0.0),
                )
            })
            .collect::<Vec<_>>(),
        float(Some(c.metrics.required_share_percent)),
    );
    html! {
        h2 { (t(l, "Entreprenørerne", "The contractors")) }
        figure {
            (PreEscaped(contractor_chart))
            figcaption { (t(l, "Hver entreprenørs oplæringsandel; den lodrette linje er byggeriets krav. Tallene står i tabellen herunder.",
                            "Each contractor's trainee share; the vertical line is the site's requirement. The table below has the numbers.")) }
        }
        table id="contractors" {
            thead { tr {
                th scope="col" { (t(l, "Entreprenør", "Contractor")) }
                th.num scope="col" { (t(l, "Timer i alt", "Labour hours")) }
                th.num scope="col" { (t(l, "Oplæringstimer", "Trainee hours")) }
                th.num scope="col" { (t(l, "Andel (%)", "Share (%)")) }
                th.num scope="col" { (t(l, "Klausulen kræver (timer)", "Clause asks for (hours)")) }
                th.num scope="col" { (t(l, "Klausulen mangler (timer)", "Clause short (hours)")) }
            } }
            tbody {
                @for k in &c.contractors {
                    tr {
                        td { (k.contractor_name) @if k.behind_clause { " " strong { (t(l, "(bagud)", "(behind)")) } } }
                        td.num { (two(l, k.metrics.labour_hours)) }
                        td.num { (two(l, k.metrics.trainee_hours)) }
                        td.num { (dec(l, k.metrics.share_percent, 2)) }
                        td.num { (two(l, k.clause_required_hours)) }
                        td.num { (dec(l, k.clause_shortfall_hours, 2)) }
                    }
                }
            }
        }
    }
}

/// The findings, grouped under their rules' names.
fn findings(l: Lang, c: &GrantCompliance) -> Markup {
    let mut rules: Vec<Rule> = c.findings.iter().map(|f| f.rule).collect();
    rules.sort();
    rules.dedup();
    html! {
        h2 { (t(l, "Afvigelser", "Findings")) }
        @if c.findings.is_empty() { p { (t(l, "Ingen afvigelser.", "No findings.")) } }
        @for rule in &rules {
            h3 { (rule_name(l, *rule)) }
            ul {
                @for f in c.findings.iter().filter(|f| f.rule == *rule) {
                    li data-code=(f.code.name()) { strong { (severity_name(l, f.severity)) ": " } (f.message) }
                }
            }
        }
    }
}
