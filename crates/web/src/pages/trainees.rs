//! The contractor's trainees (personer under oplæring): the placements on its contracts, and
//! forms to register a person (a name or pseudonym, never a CPR number) and a placement on one of
//! its contracts (kind, trade, period, its own employee number for payroll files). The
//! administrator may use it for any contract. Every write
//! goes through the schema with the person's principal; refusals are worded with the forms'
//! labels, at the field and in the summary, with what was typed kept; a saved form ends on a
//! receipt.

use crate::session::{SignedForm, SignedIn};
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{Response, handler};
use serde::Deserialize;

use super::parts::{Receipt, field, receipt, to_receipt};
use super::people::{PersonForm, person_form, register_person};
use super::trials::form_date;
use crate::layout::ask_op;
use crate::queries::trainees::{
    CreatePlacement, CreatePlacementInput, PlacementKind, PlacementVars, TraineesPage,
};
use crate::{Refusal, Session, html_response, page, t};
use cynic::{MutationBuilder, QueryBuilder};
use engine::i18n::{Lang, date};
use tracker_core::auth::Area;
use tracker_graphql::AppSchema;

crate::session::carries_csrf!(PlacementForm);

/// The typed values of the placement form, kept after a refusal.
#[derive(Deserialize, Default, Clone)]
pub struct PlacementForm {
    csrf: String,
    person: String,
    contract: String,
    kind: String,
    trade: String,
    start: String,
    end: Option<String>,
    employee_number: Option<String>,
}

enum Typed<'a> {
    Person(&'a PersonForm),
    Placement(&'a PlacementForm),
}

/// A placement kind as people say it.
pub fn kind_name(l: Lang, k: PlacementKind) -> &'static str {
    match k {
        PlacementKind::EudApprentice => t(l, "kind-eud"),
        PlacementKind::EuvApprentice => t(l, "kind-euv"),
        PlacementKind::Eux => t(l, "kind-eux"),
        PlacementKind::Igu => t(l, "kind-igu"),
        PlacementKind::Fgu => t(l, "kind-fgu"),
        PlacementKind::AmuContract => t(l, "kind-amu"),
        PlacementKind::OtherCountedTraining => t(l, "kind-other-counted"),
        PlacementKind::WorkExperience => t(l, "kind-work-experience"),
        PlacementKind::WageSubsidy => t(l, "kind-wage-subsidy"),
        PlacementKind::OtherSocialEmployment => t(l, "kind-other-social"),
    }
}

/// GET /app/trainees
#[handler]
pub async fn trainees_page(
    SignedIn(s): SignedIn,
    schema: Data<&AppSchema>,
    Query(q): Query<Receipt>,
) -> Response {
    render(&schema, &s, None, None, Some(&q)).await
}

async fn render(
    schema: &AppSchema,
    s: &Session,
    typed: Option<Typed<'_>>,
    refusal: Option<&Refusal>,
    done: Option<&Receipt>,
) -> Response {
    let l = s.lang;
    let title = t(l, "trainees");
    if !s.principal.may_write(Area::Placement, "create") {
        return crate::layout::error_page(
            StatusCode::FORBIDDEN,
            title,
            s,
            t(l, "trainees-are-registered-by-the-contractor"),
        );
    }
    let data = match ask_op(schema, s, TraineesPage::build(())).await {
        Ok(d) => d,
        Err(e) => return e.page(title, s),
    };
    let (person, placement) = match typed {
        Some(Typed::Person(f)) => (Some(f), None),
        Some(Typed::Placement(f)) => (None, Some(f)),
        None => (None, None),
    };
    let what = match done.and_then(|r| r.done.as_deref()) {
        Some("person") => Some(t(l, "the-person-was-registered")),
        Some("placement") => Some(t(l, "the-placement-was-registered")),
        _ => None,
    };
    let body = html! {
        @if let (Some(what), Some(r)) = (what, done) { (receipt(l, what, r.at(), r.reference())) }
        @if let Some(r) = refusal.filter(|r| r.field.is_none()) { p.alert.alert-error role="alert" { (r.message) } }
        div.table--responsive-scroll tabindex="0" {
            table.table.table--zebra id="placements" {
                caption { (t(l, "placements-on-your-contracts")) }
                thead { tr {
                    th scope="col" { (t(l, "person")) }
                    th scope="col" { (t(l, "contract")) }
                    th scope="col" { (t(l, "placement-kind")) }
                    th scope="col" { (t(l, "period")) }
                    th scope="col" { (t(l, "counts-towards-the-share")) }
                } }
                tbody {
                    @for c in &data.contracts.nodes {
                        @for p in &c.placements {
                            tr {
                                td { (p.person.display_name) }
                                td { (c.grant.case_number) " · " (c.trade) }
                                td { (kind_name(l, p.kind)) " (" (p.trade) ")" }
                                td { (date(l, p.start_date)) " – " @if let Some(e) = p.end_date { (date(l, e)) } }
                                td { @if p.counts_towards_share { (t(l, "yes")) } @else { (t(l, "no")) } }
                            }
                        }
                    }
                }
            }
        }
        (person_form(s, person, refusal.filter(|_| person.is_some()), "/app/trainees/person", "new-person-in-training"))
        (placement_form(s, &data, placement, refusal.filter(|_| placement.is_some())))
    };
    let status = refusal.map_or(StatusCode::OK, Refusal::status);
    html_response(status, page(title, Some(s), body), vec![])
}

fn placement_form(
    s: &Session,
    data: &TraineesPage,
    f: Option<&PlacementForm>,
    refusal: Option<&Refusal>,
) -> Markup {
    let l = s.lang;
    let f = f.cloned().unwrap_or_default();
    let at = |api: &str| Refusal::message_at(refusal, api);
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    html! {
        h2 id="new-placement" { (t(l, "new-placement")) }
        (Refusal::summary(l, refusal, &[
            ("personId", "person"), ("contractId", "contract"), ("grantId", "contract"),
            ("kind", "kind"), ("trade", "trade"), ("startDate", "start"), ("endDate", "end"),
            ("employeeNumber", "employee_number"),
        ]))
        form method="post" action="/app/trainees/placement" novalidate {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            label.form-label for="person" { (t(l, "person")) }
            @if let Some(m) = at("personId") { span.form-error-message id="person-error" { (m) } }
            select.form-select id="person" name="person" aria-describedby="person-error" {
                @for p in &data.persons.nodes {
                    option value=(p.id) selected[f.person == p.id.to_string()] { (p.display_name) }
                }
            }
            label.form-label for="contract" { (t(l, "contract")) }
            @if let Some(m) = at("contractId").or(at("grantId")) { span.form-error-message id="contract-error" { (m) } }
            select.form-select id="contract" name="contract" aria-describedby="contract-error" {
                @for c in &data.contracts.nodes {
                    option value=(c.id) selected[f.contract == c.id.to_string()] {
                        (c.grant.case_number) " · " (c.trade) " · " (c.contractor.name)
                    }
                }
            }
            label.form-label for="kind" { (t(l, "placement-kind")) }
            @if let Some(m) = at("kind") { span.form-error-message id="kind-error" { (m) } }
            select.form-select id="kind" name="kind" aria-describedby="kind-error" {
                @for k in PlacementKind::ALL { option value=(k.code()) selected[f.kind == k.code()] { (kind_name(l, k)) } }
            }
            (field(l, "trade", "trade", &f.trade, at("trade"), ("text", 100)))
            (field(l, "start", "start-date", &f.start, at("startDate"), ("text", 20)))
            (field(l, "end", "end-date-optional", &opt(&f.end), at("endDate"), ("text", 20)))
            (field(l, "employee_number", "employee-number-optional", &opt(&f.employee_number), at("employeeNumber"), ("text", 50)))
            button.button.button-primary type="submit" { (t(l, "register-placement")) }
        }
    }
}

/// POST /app/trainees/person: registers a person through `createPerson`.
#[handler]
pub async fn create_person(
    schema: Data<&AppSchema>,
    SignedForm(s, form): SignedForm<PersonForm>,
) -> Response {
    let typed = Some(Typed::Person(&form));
    match register_person(&schema, &s, &form).await {
        Ok(id) => to_receipt("/app/trainees", "person", id),
        Err(e) => render(&schema, &s, typed, Some(&e), None).await,
    }
}

/// POST /app/trainees/placement: registers a placement through `createPlacement`, on the
/// chosen contract's grant.
#[handler]
pub async fn create_placement(
    schema: Data<&AppSchema>,
    SignedForm(s, form): SignedForm<PlacementForm>,
) -> Response {
    let l = s.lang;
    let typed = Some(Typed::Placement(&form));
    let data = match ask_op(&schema, &s, TraineesPage::build(())).await {
        Ok(d) => d,
        Err(e) => return e.page(t(l, "trainees"), &s),
    };
    let read = || -> Result<CreatePlacementInput, Refusal> {
        let choose = |api: &str| Refusal::bad_input(api, t(l, "choose-one-of-the-options-in"));
        // The grant is the chosen contract's: only contracts on the form's list are taken.
        let contract = data
            .contracts
            .nodes
            .iter()
            .find(|c| c.id.to_string() == form.contract.trim())
            .ok_or_else(|| choose("contractId"))?;
        let end = match form.end.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(e) => Some(
                form_date(e).ok_or_else(|| Refusal::bad_input("endDate", t(l, "enter-a-date")))?,
            ),
        };
        Ok(CreatePlacementInput {
            person_id: form.person.trim().parse().map_err(|_| choose("personId"))?,
            grant_id: contract.grant.id,
            contract_id: contract.id,
            kind: PlacementKind::from_code(form.kind.trim()).ok_or_else(|| choose("kind"))?,
            trade: form.trade.clone(),
            start_date: form_date(&form.start)
                .ok_or_else(|| Refusal::bad_input("startDate", t(l, "enter-a-date")))?,
            end_date: end,
            employee_number: form
                .employee_number
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned),
        })
    };
    let i = match read() {
        Ok(i) => i,
        Err(e) => return render(&schema, &s, typed, Some(&e), None).await,
    };
    match ask_op(&schema, &s, CreatePlacement::build(PlacementVars { i })).await {
        Ok(d) => to_receipt("/app/trainees", "placement", d.create_placement.id),
        Err(e) => {
            let e = e.worded(&[
                ("trade", t(l, "trade")),
                ("startDate", t(l, "start-date")),
                ("endDate", t(l, "end-date")),
                ("employeeNumber", t(l, "employee-number")),
            ]);
            render(&schema, &s, typed, Some(&e), None).await
        }
    }
}
