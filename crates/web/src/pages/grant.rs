//! GET /app/grants/{id}: one grant's status, key numbers, charts (each with its table) and
//! findings grouped by rule.

use maud::{PreEscaped, html};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Response, handler};
use sea_orm::DatabaseConnection;

use crate::layout::*;
use engine::i18n::Lang;
use tracker_graphql::AppSchema;

/// A severity in the page's language.
pub(crate) fn severity_name(l: Lang, severity: &str) -> &'static str {
    match severity {
        "BREACH" => t(l, "brud på krav", "breach"),
        "WARNING" => t(l, "advarsel", "warning"),
        _ => t(l, "information", "information"),
    }
}

/// What each rule is about, for the findings' headings: "R6 Månedsindberetning af timer", the
/// name its own module gives. A code the engine does not know is shown as it is.
pub(crate) fn rule_name(l: Lang, rule: &str) -> String {
    let def = engine::compliance::rules::RULES
        .iter()
        .find(|d| format!("{:?}", d.rule) == rule);
    match def {
        Some(d) => format!("{rule} {}", t(l, d.name_da, d.name_en)),
        None => rule.to_owned(),
    }
}

pub(crate) fn float(v: &serde_json::Value) -> Option<f64> {
    use rust_decimal::prelude::ToPrimitive;
    parse(v).and_then(|d| d.to_f64())
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
    let s = match crate::signed_in(&db, req).await {
        Ok(s) => s,
        Err(to_login) => return to_login,
    };
    let l = s.lang;
    let Ok(grant_id) = id.parse::<uuid::Uuid>() else {
        return not_found(&s);
    };
    let query = "query($g: UUID!) {
        compliance(grantId: $g) {
            grant { caseNumber title }
            asOf status
            metrics { labourHours traineeHours sharePercent requiredSharePercent neededTraineeHours shortfallHours }
            targetArsvaerk targetHours expectedByNowHours deliveredInWindowHours projectedSharePercent
            contractors { contractorId contractorName metrics { labourHours traineeHours sharePercent }
                clauseRequiredHours clauseShortfallHours behindClause }
            findings { rule code severity message }
        }
        complianceTimeSeries(grantId: $g) { month cumulativeSharePercent cumulativeTraineeHours targetCumulativeTraineeHours requiredSharePercent }
    }";
    let data = match ask(&schema, &s, query, serde_json::json!({ "g": grant_id })).await {
        Ok(d) => d,
        Err(e) => return e.page(t(l, "LBF-tilsagn", "LBF grant"), &s),
    };
    let c = &data["compliance"];
    let series = data["complianceTimeSeries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let month = |m: &serde_json::Value| {
        m.as_str()
            .and_then(|t| chrono::NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").ok())
    };
    let labels: Vec<String> = series
        .iter()
        .map(|p| {
            month(&p["month"])
                .map(|d| match l {
                    Lang::Da => d
                        .format_localized("%b %y", chrono::Locale::da_DK)
                        .to_string(),
                    Lang::En => d.format("%b %y").to_string(),
                })
                .unwrap_or_default()
        })
        .collect();
    let points = |key: &str| -> Vec<(usize, f64)> {
        series
            .iter()
            .enumerate()
            .filter_map(|(i, p)| float(&p[key]).map(|v| (i, v)))
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
                points: points("cumulativeSharePercent"),
            },
            crate::charts::Line {
                name: t(l, "Krav", "Required"),
                colour: crate::charts::ORANGE,
                points: points("requiredSharePercent"),
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
                points: points("cumulativeTraineeHours"),
            },
            crate::charts::Line {
                name: t(l, "Mållinje", "Target line"),
                colour: crate::charts::ORANGE,
                points: points("targetCumulativeTraineeHours"),
            },
        ],
    );
    let contractors = c["contractors"].as_array().cloned().unwrap_or_default();
    let contractor_chart = crate::charts::bars(
        t(
            l,
            "Oplæringsandel pr. entreprenør mod kravet",
            "Trainee share per contractor against the requirement",
        ),
        t(l, "procent", "percent"),
        &contractors
            .iter()
            .map(|k| {
                (
                    text(&k["contractorName"]).to_owned(),
                    float(&k["metrics"]["sharePercent"]).unwrap_or(0.0),
                )
            })
            .collect::<Vec<_>>(),
        float(&c["metrics"]["requiredSharePercent"]),
    );
    let findings = c["findings"].as_array().cloned().unwrap_or_default();
    let mut rules: Vec<&str> = findings.iter().filter_map(|f| f["rule"].as_str()).collect();
    rules.sort();
    rules.dedup();
    let title = format!(
        "{} · {}",
        text(&c["grant"]["caseNumber"]),
        text(&c["grant"]["title"])
    );
    let m = &c["metrics"];
    let body = html! {
        p id="status" { (t(l, "Status ", "Status ")) (day(l, &c["asOf"])) ": "
            strong data-status=(text(&c["status"])) { (status_name(l, text(&c["status"]))) } }
        h2 { (t(l, "Nøgletal", "Key figures")) }
        dl id="key-figures" {
            dt { (t(l, "Oplæringsandel", "Trainee share")) }
            dd data-key="share" { (num(l, &m["sharePercent"], 2)) " % (" (t(l, "krav", "required")) " " (num(l, &m["requiredSharePercent"], 2)) " %)" }
            dt { (t(l, "Timer på pladsen", "Labour hours on site")) } dd data-key="labour" { (num(l, &m["labourHours"], 2)) }
            dt { (t(l, "Timer for personer under oplæring", "Hours of persons in training")) } dd data-key="trainee" { (num(l, &m["traineeHours"], 2)) }
            dt { (t(l, "Krævede timer", "Hours required")) } dd data-key="needed" { (num(l, &m["neededTraineeHours"], 2)) }
            dt { (t(l, "Manglende timer", "Hours short")) } dd data-key="shortfall" { (num(l, &m["shortfallHours"], 2)) }
            dt { (t(l, "Måltal", "Target")) } dd data-key="target" { (num(l, &c["targetArsvaerk"], 2)) " " (t(l, "årsværk", "årsværk")) " (" (num(l, &c["targetHours"], 2)) " " (t(l, "timer", "hours")) ")" }
            dt { (t(l, "Forventet til nu / leveret", "Expected by now / delivered")) } dd data-key="on-track" { (num(l, &c["expectedByNowHours"], 2)) " / " (num(l, &c["deliveredInWindowHours"], 2)) " " (t(l, "timer", "hours")) }
            dt { (t(l, "Forventet andel ved aflevering", "Projected share at handover")) } dd data-key="projected" { (num(l, &c["projectedSharePercent"], 2)) " %" }
        }
        p { a href={ "/app/grants/" (grant_id) "/lbf" } { (t(l, "Lærlingeindberetning til LBF", "Yearly LBF report")) } }
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
                @for p in &series {
                    tr {
                        td { (month(&p["month"]).map(|d| engine::i18n::month(l, d)).unwrap_or_default()) }
                        td.num { (num(l, &p["cumulativeSharePercent"], 2)) }
                        td.num { (num(l, &p["requiredSharePercent"], 2)) }
                        td.num { (num(l, &p["cumulativeTraineeHours"], 2)) }
                        td.num { (num(l, &p["targetCumulativeTraineeHours"], 2)) }
                    }
                }
            }
        }
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
                @for k in &contractors {
                    tr {
                        td { (text(&k["contractorName"])) @if k["behindClause"] == true { " " strong { (t(l, "(bagud)", "(behind)")) } } }
                        td.num { (num(l, &k["metrics"]["labourHours"], 2)) }
                        td.num { (num(l, &k["metrics"]["traineeHours"], 2)) }
                        td.num { (num(l, &k["metrics"]["sharePercent"], 2)) }
                        td.num { (num(l, &k["clauseRequiredHours"], 2)) }
                        td.num { (num(l, &k["clauseShortfallHours"], 2)) }
                    }
                }
            }
        }
        h2 { (t(l, "Afvigelser", "Findings")) }
        @if findings.is_empty() { p { (t(l, "Ingen afvigelser.", "No findings.")) } }
        @for rule in &rules {
            h3 { (rule_name(l, rule)) }
            ul {
                @for f in findings.iter().filter(|f| f["rule"].as_str() == Some(rule)) {
                    li data-code=(text(&f["code"])) { strong { (severity_name(l, text(&f["severity"]))) ": " } (text(&f["message"])) }
                }
            }
        }
        p { a href="/app" { (t(l, "Tilbage til overblikket", "Back to the portfolio")) } }
    };
    html_response(StatusCode::OK, page(&title, Some(&s), body), vec![])
}
