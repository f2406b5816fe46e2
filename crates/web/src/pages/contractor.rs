//! The contractor's start page: its contracts with what each training clause asks of it, a link
//! to the monthly hours form per contract, and its own figures per grant (never the grant's
//! totals, which include other contractors' hours), all through the GraphQL schema with the
//! contractor's principal, in a typed query ([`crate::queries::contractor`]). A main contractor
//! also finds its subcontractors' months waiting for its approval here.

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
    let (contracts, more, grants, pending) = match &answer {
        Ok(d) => (
            d.contracts.nodes.as_slice(),
            d.contracts.page_info.has_next_page,
            d.contractor_ranking
                .first()
                .map(|own| own.grants.as_slice())
                .unwrap_or_default(),
            d.hours_awaiting_approval.as_slice(),
        ),
        Err(_) => (&[][..], false, &[][..], &[][..]),
    };
    let chart = crate::charts::bars(
        l,
        t(l, "your-trainee-hours-per-case"),
        t(l, "hours-unit"),
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
        @if let Err(e) = &answer { p.alert.alert-error role="alert" { (e.message) } }
        h2 { (t(l, "your-contracts")) }
        @if more {
            p { (t(l, "the-first-100-contracts-are-shown")) }
        }
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id="contracts" {
            thead { tr {
                th scope="col" { (t(l, "case")) } th scope="col" { (t(l, "trade")) }
                th scope="col" { (t(l, "period")) }
                th scope="col" { (t(l, "the-training-clause-asks-for")) }
                th scope="col" { (t(l, "hours")) }
            } }
            tbody {
                @for c in contracts {
                    tr {
                        td { (c.grant.case_number) " " (c.grant.title) }
                        td { (c.trade) }
                        td { (date(l, c.start_date)) " – " (date(l, c.end_date)) }
                        td { (clause(l, c)) }
                        td { a href={ "/app/hours?contract=" (c.id) } { (t(l, "report-hours")) } }
                    }
                }
            }
        }
        }
        @if !pending.is_empty() {
            h2 { (t(l, "subcontractors-months-to-approve")) }
            div.table--responsive-scroll tabindex="0" {
            table.table.table--zebra id="to-approve" {
                thead { tr {
                    th scope="col" { (t(l, "case")) } th scope="col" { (t(l, "subcontractor")) }
                    th scope="col" { (t(l, "trade")) } th scope="col" { (t(l, "month")) }
                    th scope="col" { }
                } }
                tbody {
                    @for p in pending {
                        tr {
                            td { (p.case_number) } td { (p.contractor_name) } td { (p.trade) }
                            td { (p.month.name(l)) @if p.version > 1 { " (" (t(l, "version")) " " (p.version) ")" } }
                            td { a href={ "/app/hours/month?contract=" (p.contract_id) "&month=" (p.month.0) } { (t(l, "approve-or-return")) } }
                        }
                    }
                }
            }
            }
        }
        h2 { (t(l, "what-you-owe")) }
        (super::todo::grid(l, "todo", t(l, "what-you-owe-caption"), &todo_rows(contracts), true))
        h2 { (t(l, "your-figures")) }
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id="own-figures" {
            caption { (t(l, "your-hours-and-what-your-clauses")) }
            thead { tr {
                th scope="col" { (t(l, "case")) }
                th.num scope="col" { (t(l, "labour-hours")) }
                th.num scope="col" { (t(l, "trainee-hours")) }
                th.num scope="col" { (t(l, "share")) }
                th.num scope="col" { (t(l, "clause-short-hours")) }
                th scope="col" { (t(l, "behind")) }
            } }
            tbody {
                @for g in grants {
                    tr data-grant=(g.grant_id) {
                        td { (g.case_number) }
                        td.num { (two(l, g.metrics.labour_hours)) }
                        td.num { (two(l, g.metrics.trainee_hours)) }
                        td.num { (dec(l, g.metrics.share_percent, 2)) }
                        td.num { (dec(l, g.clause_shortfall_hours, 2)) }
                        td { @if g.behind { strong { (t(l, "yes")) } } @else { (t(l, "no")) } }
                    }
                }
            }
        }
        }
        figure {
            (PreEscaped(chart))
            figcaption { (t(l, "your-trainee-hours-per-case-the")) }
        }
    }
}

/// The to-do grid's rows: each contract with its months.
fn todo_rows(contracts: &[Contract]) -> Vec<super::todo::Row> {
    contracts
        .iter()
        .map(|c| super::todo::Row {
            contract: c.id,
            label: format!("{} · {}", c.grant.case_number, c.trade),
            cells: super::todo::cells(&c.reporting_months),
        })
        .collect()
}

/// What a contract's training clause asks for, its exemption, or that it has none.
fn clause(l: Lang, c: &Contract) -> Markup {
    let clause = c.training_clause.as_ref();
    html! {
        @if let Some(h) = clause.and_then(|k| k.required_trainee_hours) {
            (two(l, h)) " " (t(l, "hours-of-persons-in-training-phrase"))
        } @else if let Some(p) = clause.and_then(|k| k.required_share_percent) {
            (two(l, p)) " % " (t(l, "of-the-contracts-hours"))
        } @else if let Some(e) = &c.clause_exemption {
            (t(l, "exempt")) (e.reason)
        } @else {
            (t(l, "no-clause"))
        }
    }
}
