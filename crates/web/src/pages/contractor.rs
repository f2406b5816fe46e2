//! The contractor's start page: its contracts with what each training clause asks of it, a link
//! to the monthly hours form per contract, and its own figures per grant (never the grant's
//! totals, which include other contractors' hours), all through the GraphQL schema with the
//! contractor's principal.

use maud::{Markup, PreEscaped, html};
use serde_json::json;

use crate::{Session, ask, day, num, t, text};
use tracker_graphql::AppSchema;

const QUERY: &str = "{
    contracts(first: 100) { pageInfo { hasNextPage } edges { node { id trade startDate endDate
        grant { id caseNumber title }
        trainingClause { requiredTraineeHours requiredSharePercent }
        clauseExemption { reason } } } }
    contractorRanking { contractorName clauseShortfallHours
        metrics { labourHours traineeHours sharePercent }
        grants { grantId caseNumber behind clauseShortfallHours
            metrics { labourHours traineeHours sharePercent } } }
}";

pub async fn home(schema: &AppSchema, s: &Session) -> Markup {
    let l = s.lang;
    let answer = ask(schema, s, QUERY, json!({})).await;
    let data = answer.as_ref().cloned().unwrap_or_default();
    let contracts: Vec<serde_json::Value> = data["contracts"]["edges"]
        .as_array()
        .map(|e| e.iter().map(|n| n["node"].clone()).collect())
        .unwrap_or_default();
    let own = data["contractorRanking"]
        .as_array()
        .and_then(|r| r.first().cloned())
        .unwrap_or_default();
    let grants = own["grants"].as_array().cloned().unwrap_or_default();
    let chart = crate::charts::bars(
        t(
            l,
            "Jeres oplæringstimer pr. sag",
            "Your trainee hours per case",
        ),
        t(l, "timer", "hours"),
        &grants
            .iter()
            .map(|g| {
                let hours = g["metrics"]["traineeHours"]
                    .as_str()
                    .and_then(|h| h.parse::<f64>().ok())
                    .unwrap_or(0.0);
                (text(&g["caseNumber"]).to_owned(), hours)
            })
            .collect::<Vec<_>>(),
        None,
    );
    html! {
        @if let Err(e) = &answer { p.error role="alert" { (e.message) } }
        h2 { (t(l, "Jeres kontrakter", "Your contracts")) }
        @if data["contracts"]["pageInfo"]["hasNextPage"] == true {
            p { (t(l, "Her vises de første 100 kontrakter.", "The first 100 contracts are shown.")) }
        }
        table id="contracts" {
            thead { tr {
                th scope="col" { (t(l, "Sag", "Case")) } th scope="col" { (t(l, "Fag", "Trade")) }
                th scope="col" { (t(l, "Periode", "Period")) }
                th scope="col" { (t(l, "Uddannelsesklausulen kræver", "The training clause asks for")) }
                th scope="col" { (t(l, "Timer", "Hours")) }
            } }
            tbody {
                @for c in &contracts {
                    tr {
                        td { (text(&c["grant"]["caseNumber"])) " " (text(&c["grant"]["title"])) }
                        td { (text(&c["trade"])) }
                        td { (day(l, &c["startDate"])) " – " (day(l, &c["endDate"])) }
                        td {
                            @if !c["trainingClause"]["requiredTraineeHours"].is_null() {
                                (num(l, &c["trainingClause"]["requiredTraineeHours"], 2)) " " (t(l, "timer for personer under oplæring", "hours of persons in training"))
                            } @else if !c["trainingClause"]["requiredSharePercent"].is_null() {
                                (num(l, &c["trainingClause"]["requiredSharePercent"], 2)) " % " (t(l, "af kontraktens timer", "of the contract's hours"))
                            } @else if !c["clauseExemption"].is_null() {
                                (t(l, "Undtaget: ", "Exempt: ")) (text(&c["clauseExemption"]["reason"]))
                            } @else {
                                (t(l, "Ingen klausul", "No clause"))
                            }
                        }
                        td { a href={ "/app/hours?contract=" (text(&c["id"])) } { (t(l, "Indberet timer", "Report hours")) } }
                    }
                }
            }
        }
        h2 { (t(l, "Jeres tal", "Your figures")) }
        table id="own-figures" {
            caption { (t(l, "Jeres timer og hvad klausulerne stadig mangler, pr. sag", "Your hours and what your clauses still ask for, per case")) }
            thead { tr {
                th scope="col" { (t(l, "Sag", "Case")) }
                th.num scope="col" { (t(l, "Timer i alt", "Labour hours")) }
                th.num scope="col" { (t(l, "Oplæringstimer", "Trainee hours")) }
                th.num scope="col" { (t(l, "Andel (%)", "Share (%)")) }
                th.num scope="col" { (t(l, "Klausulen mangler (timer)", "Clause short (hours)")) }
                th scope="col" { (t(l, "Bagud", "Behind")) }
            } }
            tbody {
                @for g in &grants {
                    tr data-grant=(text(&g["grantId"])) {
                        td { (text(&g["caseNumber"])) }
                        td.num { (num(l, &g["metrics"]["labourHours"], 2)) }
                        td.num { (num(l, &g["metrics"]["traineeHours"], 2)) }
                        td.num { (num(l, &g["metrics"]["sharePercent"], 2)) }
                        td.num { (num(l, &g["clauseShortfallHours"], 2)) }
                        td { @if g["behind"] == true { strong { (t(l, "ja", "yes")) } } @else { (t(l, "nej", "no")) } }
                    }
                }
            }
        }
        figure {
            (PreEscaped(chart))
            figcaption { (t(l, "Jeres oplæringstimer pr. sag; tallene står i tabellen ovenfor.", "Your trainee hours per case; the table above has the numbers.")) }
        }
    }
}
