//! The contractor's start page: its contracts with what each training clause asks of it, a link
//! to the monthly hours form per contract, and its own figures per grant (never the grant's
//! totals, which include other contractors' hours), all through the GraphQL schema with the
//! contractor's principal, in a typed query ([`crate::queries::contractor`]).

use maud::{Markup, PreEscaped, html};

use crate::layout::{ask_op, dec, two};
use crate::queries::contractor::{Contract, ContractorHome};
use crate::{Session, t};
use engine::i18n::{Lang, date};
use tracker_graphql::AppSchema;

pub async fn home(schema: &AppSchema, s: &Session) -> Markup {
    use cynic::QueryBuilder;
    use rust_decimal::prelude::ToPrimitive;
    let l = s.lang;
    let answer = ask_op(schema, s, ContractorHome::build(())).await;
    let (contracts, more, grants) = match &answer {
        Ok(d) => (
            d.contracts.nodes.as_slice(),
            d.contracts.page_info.has_next_page,
            d.contractor_ranking
                .first()
                .map(|own| own.grants.as_slice())
                .unwrap_or_default(),
        ),
        Err(_) => (&[][..], false, &[][..]),
    };
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
                let hours = g.metrics.trainee_hours.to_f64().unwrap_or(0.0);
                (g.case_number.clone(), hours)
            })
            .collect::<Vec<_>>(),
        None,
    );
    html! {
        @if let Err(e) = &answer { p.error role="alert" { (e.message) } }
        h2 { (t(l, "Jeres kontrakter", "Your contracts")) }
        @if more {
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
                @for c in contracts {
                    tr {
                        td { (c.grant.case_number) " " (c.grant.title) }
                        td { (c.trade) }
                        td { (date(l, c.start_date)) " – " (date(l, c.end_date)) }
                        td { (clause(l, c)) }
                        td { a href={ "/app/hours?contract=" (c.id) } { (t(l, "Indberet timer", "Report hours")) } }
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
                @for g in grants {
                    tr data-grant=(g.grant_id) {
                        td { (g.case_number) }
                        td.num { (two(l, g.metrics.labour_hours)) }
                        td.num { (two(l, g.metrics.trainee_hours)) }
                        td.num { (dec(l, g.metrics.share_percent, 2)) }
                        td.num { (dec(l, g.clause_shortfall_hours, 2)) }
                        td { @if g.behind { strong { (t(l, "ja", "yes")) } } @else { (t(l, "nej", "no")) } }
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

/// What a contract's training clause asks for, its exemption, or that it has none.
fn clause(l: Lang, c: &Contract) -> Markup {
    let clause = c.training_clause.as_ref();
    html! {
        @if let Some(h) = clause.and_then(|k| k.required_trainee_hours) {
            (two(l, h)) " " (t(l, "timer for personer under oplæring", "hours of persons in training"))
        } @else if let Some(p) = clause.and_then(|k| k.required_share_percent) {
            (two(l, p)) " % " (t(l, "af kontraktens timer", "of the contract's hours"))
        } @else if let Some(e) = &c.clause_exemption {
            (t(l, "Undtaget: ", "Exempt: ")) (e.reason)
        } @else {
            (t(l, "Ingen klausul", "No clause"))
        }
    }
}
