//! The bygherre's contracts page for one grant: each contract with its training clause in words,
//! its exemption or its company documentation; a form for a new contract with its clause in any of
//! the forms Danish bygherrer write (share, hours or elevuger, one per N skilled workers, an
//! apprentice part, a company-documentation threshold) or an exemption; each contract's own page
//! (`/app/grants/{id}/contracts/{contract}`) with the same form filled in from the file to change
//! it, and a button to archive it; and, on a contract whose clause allows it, a form to record a
//! period of company documentation. Every read and write goes
//! through the GraphQL schema with the signed-in person's principal, so it is scoped, validated
//! (each refusal shown at its field, what was typed kept) and audited.

use crate::session::{SignedForm, SignedIn};
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path, Query};
use poem::{Response, handler};
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use super::hours::form_number;
use super::parts::to_receipt;
use super::trials::form_date;
use crate::layout::{ask_op, not_found, two};
use crate::queries::contracts::{
    ArchiveContract, ClauseExemptionInput, Contract, ContractIdVars, ContractKind, ContractsPage,
    ContractsVars, CreateContract, CreateContractInput, CreateContractVars, DocumentationVars,
    RecordCompanyDocumentationInput, RecordDocumentation, TrainingClauseInput, UpdateContract,
    UpdateContractVars,
};
use crate::{Refusal, Session, html_response, page, t};
use cynic::{MutationBuilder, QueryBuilder};
use engine::i18n::{Lang, date};
use tracker_graphql::AppSchema;

crate::session::carries_csrf!(ContractForm, DocumentationForm);

/// The typed values of the new-contract form, kept after a refusal.
#[derive(Deserialize, Default, Clone)]
pub struct ContractForm {
    csrf: String,
    contractor: String,
    kind: String,
    parent: Option<String>,
    trade: String,
    value: String,
    start: String,
    end: String,
    share: Option<String>,
    hours: Option<String>,
    weeks: Option<String>,
    ratio: Option<String>,
    apprentice: Option<String>,
    threshold: Option<String>,
    exemption_reason: Option<String>,
    exemption_by: Option<String>,
    exemption_date: Option<String>,
}

/// The typed values of a company-documentation form.
#[derive(Deserialize, Default, Clone)]
pub struct DocumentationForm {
    csrf: String,
    contract: String,
    from: String,
    to: String,
    share: String,
    document: String,
}

async fn contracts_page(
    schema: &AppSchema,
    s: &Session,
    grant: Uuid,
    typed: Option<&ContractForm>,
    refusal: Option<&Refusal>,
    notice: Option<Markup>,
) -> Response {
    let l = s.lang;
    let title = t(l, "contracts-and-clauses");
    let data = match ask_op(schema, s, ContractsPage::build(ContractsVars { g: grant })).await {
        Ok(d) => d,
        Err(e) => return e.page(title, s),
    };
    let g = &data.grant;
    // The API's own rule (the audited mutations authorise the same area and operation).
    let may_write = s
        .principal
        .may_write(tracker_core::auth::Area::Contract, "create");
    let may_report = s
        .principal
        .may_write(tracker_core::auth::Area::Hours, "report");
    let body = html! {
        @if let Some(n) = notice { (n) }
        @if let Some(r) = refusal.filter(|r| r.field.is_none()) { p.alert.alert-error role="alert" { (r.message) } }
        p { (g.case_number) " · " (g.title) }
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id="contracts" {
            thead { tr {
                th scope="col" { (t(l, "contractor")) }
                th scope="col" { (t(l, "trade")) }
                th scope="col" { (t(l, "period")) }
                th.num scope="col" { (t(l, "value-dkk")) }
                th scope="col" { (t(l, "training-clause")) }
                th scope="col" { (t(l, "company-documentation")) }
            } }
            tbody {
                @for (c, depth) in tree(&g.contracts) { (contract_row(l, s, g.id, c, depth, may_write)) }
            }
        }
        }
        h2 { (t(l, "reporting-by-contract")) }
        (super::todo::grid(l, "todo", t(l, "what-you-owe-caption"), &todo_rows(&g.contracts), may_report))
        @if may_write {
            (contract_form(s, &data, None, typed, refusal))
        }
        p { a href={ "/app/grants/" (g.id) } { (t(l, "back-to-the-grant")) } }
    };
    let status = refusal.map_or(StatusCode::OK, Refusal::status);
    html_response(status, page(title, Some(s), body), vec![])
}

/// The to-do grid's rows: each contract, by contractor and trade, with its months.
fn todo_rows(contracts: &[Contract]) -> Vec<super::todo::Row> {
    contracts
        .iter()
        .map(|c| super::todo::Row {
            contract: c.id,
            label: format!("{} · {}", c.contractor.name, c.trade),
            cells: super::todo::cells(&c.reporting_months),
        })
        .collect()
}

/// The contracts as their tree (the subcontract tree): each contract followed by the
/// subcontracts under it, with how deep each lies. A contract whose parent is not among them
/// (archived) is shown at the top.
fn tree(contracts: &[Contract]) -> Vec<(&Contract, usize)> {
    fn under<'a>(
        all: &'a [Contract],
        parent: Option<Uuid>,
        depth: usize,
        out: &mut Vec<(&'a Contract, usize)>,
    ) {
        for c in all
            .iter()
            .filter(|c| c.parent_contract.as_ref().map(|p| p.id) == parent)
        {
            // A tree never nests deeper than its contracts; a cycle cannot loop.
            if depth < all.len() && !out.iter().any(|(o, _)| o.id == c.id) {
                out.push((c, depth));
                under(all, Some(c.id), depth + 1, out);
            }
        }
    }
    let mut out = Vec::with_capacity(contracts.len());
    under(contracts, None, 0, &mut out);
    for c in contracts {
        if !out.iter().any(|(o, _)| o.id == c.id) {
            out.push((c, 0));
            under(contracts, Some(c.id), 1, &mut out);
        }
    }
    out
}

/// One contract: its clause in words (or exemption), its documentation, and where the clause
/// allows it, the form to record more. A subcontract is indented under its contract.
fn contract_row(
    l: Lang,
    s: &Session,
    grant: Uuid,
    c: &Contract,
    depth: usize,
    may_write: bool,
) -> Markup {
    let allows_documentation = c
        .training_clause
        .as_ref()
        .is_some_and(|k| k.company_documentation_threshold_percent.is_some());
    html! {
        tr {
            td class=[(depth > 0).then_some("subcontract")]
                style=[(depth > 0).then(|| format!("padding-left:{}rem", depth.min(4)))] {
                @if depth > 0 { span.sr-only { (t(l, "subcontract")) ": " } span aria-hidden="true" { "↳ " } }
                (c.contractor.name)
                @if may_write {
                    br;
                    a href={ "/app/grants/" (grant) "/contracts/" (c.id) } {
                        (t(l, "edit")) span.sr-only { ": " (c.contractor.name) " · " (c.trade) }
                    }
                }
            }
            td { (c.trade) }
            td { (date(l, c.start_date)) " – " (date(l, c.end_date)) }
            td.num { (two(l, c.value)) }
            td {
                @if let Some(k) = &c.training_clause {
                    (super::grant::clause_in_words(l, k))
                } @else if let Some(e) = &c.clause_exemption {
                    (t(l, "exempt")) (e.reason) " (" (e.approved_by) ")"
                } @else {
                    (t(l, "no-clause"))
                }
            }
            td {
                @if !c.company_documentation.is_empty() { ul {
                    @for d in &c.company_documentation {
                        li {
                            (date(l, d.period_from)) " – " (date(l, d.period_to)) ": "
                            (two(l, d.documented_share_percent)) " % (" (d.document) ")"
                            @if d.archived_at.is_some() { " " (t(l, "withdrawn-in-brackets")) }
                        }
                    }
                } }
                @if allows_documentation && may_write { (documentation_form(l, s, grant, c.id)) }
            }
        }
    }
}

fn documentation_form(l: Lang, s: &Session, grant: Uuid, contract: Uuid) -> Markup {
    html! {
        form method="post" action={ "/app/grants/" (grant) "/contracts/documentation" } {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            input type="hidden" name="contract" value=(contract);
            label.form-label for={ "from-" (contract) } { (t(l, "from")) }
            input.form-input id={ "from-" (contract) } name="from" type="date" required;
            label.form-label for={ "to-" (contract) } { (t(l, "to")) }
            input.form-input id={ "to-" (contract) } name="to" type="date" required;
            label.form-label for={ "share-" (contract) } { (t(l, "documented-company-share-percent")) }
            input.form-input id={ "share-" (contract) } name="share" inputmode="decimal" required;
            label.form-label for={ "document-" (contract) } { (t(l, "document")) }
            input.form-input id={ "document-" (contract) } name="document" maxlength="500" required;
            button.button.button-primary type="submit" { (t(l, "record-documentation")) }
        }
    }
}

/// The contract form: a new contract, or (`editing`) the change of one, keeping what was typed
/// and showing a refusal at its field.
fn contract_form(
    s: &Session,
    data: &ContractsPage,
    editing: Option<Uuid>,
    typed: Option<&ContractForm>,
    refusal: Option<&Refusal>,
) -> Markup {
    let l = s.lang;
    let grant = data.grant.id;
    let (heading, id, button) = match editing {
        Some(_) => ("edit-contract", "edit-contract", "save-the-changes"),
        None => ("new-contract", "new-contract", "register-contract"),
    };
    let f = typed.cloned().unwrap_or_default();
    let text =
        |name: &str, label: &'static str, value: &str, api: &str, extra: Option<&'static str>| {
            let error = Refusal::message_at(refusal, api);
            html! {
                label.form-label for=(name) { (t(l, label)) }
                @if let Some(hint) = extra { p.hint id={ (name) "-hint" } { (t(l, hint)) } }
                input.form-input id=(name) name=(name) value=(value) inputmode="decimal"
                    aria-describedby={ @if extra.is_some() { (name) "-hint " } (name) "-error" }
                    aria-invalid=[error.map(|_| "true")];
                @if let Some(m) = error { span.form-error-message id={ (name) "-error" } { (m) } }
            }
        };
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    html! {
        h2 { (t(l, heading)) }
        (Refusal::summary(l, refusal, &[
            ("contractorId", "contractor"), ("kind", "kind"), ("parentContractId", "parent"),
            ("trade", "trade"), ("value", "value"), ("startDate", "start"), ("endDate", "end"),
            ("requiredSharePercent", "share"), ("requiredTraineeHours", "hours"),
            ("requiredTraineeWeeks", "weeks"), ("skilledWorkersPerTrainee", "ratio"),
            ("apprenticePartPercent", "apprentice"),
            ("companyDocumentationThresholdPercent", "threshold"), ("trainingClause", "share"),
            ("clauseExemption.reason", "exemption_reason"), ("clauseExemption", "exemption_reason"),
        ]))
        form method="post" id=(id) action={
            "/app/grants/" (grant) "/contracts" @if let Some(c) = editing { "/" (c) }
        } {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            label.form-label for="contractor" { (t(l, "contractor")) }
            select.form-select id="contractor" name="contractor" required aria-describedby="contractor-error" {
                @for c in &data.contractors.nodes {
                    option value=(c.id) selected[f.contractor == c.id.to_string()] { (c.name) }
                }
            }
            @if let Some(m) = Refusal::message_at(refusal, "contractorId") { span.form-error-message id="contractor-error" { (m) } }
            label.form-label for="kind" { (t(l, "contract-kind")) }
            select.form-select id="kind" name="kind" required {
                @for k in ContractKind::ALL {
                    option value=(k.code()) selected[f.kind == k.code()] { (kind_name(l, k)) }
                }
            }
            @if let Some(m) = Refusal::message_at(refusal, "kind") { span.form-error-message id="kind-error" { (m) } }
            label.form-label for="parent" { (t(l, "parent-contract-for-a-subcontract")) }
            select.form-select id="parent" name="parent" aria-describedby="parent-error" {
                option value="" { "—" }
                @for c in data.grant.contracts.iter().filter(|c| Some(c.id) != editing) {
                    option value=(c.id) selected[f.parent.as_deref() == Some(c.id.to_string().as_str())] { (c.contractor.name) " · " (c.trade) }
                }
            }
            @if let Some(m) = Refusal::message_at(refusal, "parentContractId") { span.form-error-message id="parent-error" { (m) } }
            label.form-label for="trade" { (t(l, "trade")) }
            input.form-input id="trade" name="trade" required maxlength="100" value=(f.trade) aria-describedby="trade-error";
            @if let Some(m) = Refusal::message_at(refusal, "trade") { span.form-error-message id="trade-error" { (m) } }
            (text("value", "value-dkk", &f.value, "value", None))
            label.form-label for="start" { (t(l, "start")) }
            input.form-input id="start" name="start" type="date" required value=(f.start) aria-describedby="start-error";
            @if let Some(m) = Refusal::message_at(refusal, "startDate") { span.form-error-message id="start-error" { (m) } }
            label.form-label for="end" { (t(l, "end")) }
            input.form-input id="end" name="end" type="date" required value=(f.end) aria-describedby="end-error";
            @if let Some(m) = Refusal::message_at(refusal, "endDate") { span.form-error-message id="end-error" { (m) } }
            fieldset {
                legend { (t(l, "training-clause-fill-in-the-forms")) }
                (text("share", "clause-share-percent", &opt(&f.share), "requiredSharePercent", None))
                (text("hours", "clause-trainee-hours", &opt(&f.hours), "requiredTraineeHours", None))
                (text("weeks", "clause-trainee-weeks", &opt(&f.weeks), "requiredTraineeWeeks", Some("a-week-is-37-hours")))
                (text("ratio", "clause-skilled-per-trainee", &opt(&f.ratio), "skilledWorkersPerTrainee", None))
                (text("apprentice", "clause-apprentice-percent", &opt(&f.apprentice), "apprenticePartPercent", None))
                (text("threshold", "clause-threshold-percent", &opt(&f.threshold), "companyDocumentationThresholdPercent", None))
                @if let Some(m) = Refusal::message_at(refusal, "trainingClause") { span.form-error-message id="clause-error" { (m) } }
            }
            fieldset {
                legend { (t(l, "or-an-exemption")) }
                label.form-label for="exemption_reason" { (t(l, "reason")) }
                input.form-input id="exemption_reason" name="exemption_reason" maxlength="2000" value=(opt(&f.exemption_reason));
                @if let Some(m) = Refusal::message_at(refusal, "clauseExemption.reason").or(Refusal::message_at(refusal, "clauseExemption")) { span.form-error-message id="exemption-error" { (m) } }
                label.form-label for="exemption_by" { (t(l, "approved-by")) }
                input.form-input id="exemption_by" name="exemption_by" maxlength="200" value=(opt(&f.exemption_by));
                label.form-label for="exemption_date" { (t(l, "date")) }
                input.form-input id="exemption_date" name="exemption_date" type="date" value=(opt(&f.exemption_date));
            }
            button.button.button-primary type="submit" { (t(l, button)) }
        }
    }
}

/// The edit form's values for a contract as it is on file (numbers written as the page's
/// language writes them, so a save without changes reads back the same).
fn on_file(l: Lang, c: &Contract) -> ContractForm {
    // Every decimal it has, no more (a share of 14 reads "14", not "14,00").
    let exact = |v: Decimal| {
        let v = v.normalize();
        engine::i18n::decimal(l, v, v.scale())
    };
    let n = |v: Option<Decimal>| v.map(exact);
    let clause = c.training_clause.as_ref();
    let exemption = c.clause_exemption.as_ref();
    ContractForm {
        csrf: String::new(),
        contractor: c.contractor.id.to_string(),
        kind: c.kind.code().to_owned(),
        parent: c.parent_contract.as_ref().map(|p| p.id.to_string()),
        trade: c.trade.clone(),
        value: exact(c.value),
        start: c.start_date.to_string(),
        end: c.end_date.to_string(),
        share: n(clause.and_then(|k| k.required_share_percent)),
        hours: n(clause.and_then(|k| k.required_trainee_hours)),
        weeks: n(clause.and_then(|k| k.required_trainee_weeks)),
        ratio: clause
            .and_then(|k| k.skilled_workers_per_trainee)
            .map(|r| r.to_string()),
        apprentice: n(clause.and_then(|k| k.apprentice_part_percent)),
        threshold: n(clause.and_then(|k| k.company_documentation_threshold_percent)),
        exemption_reason: exemption.map(|e| e.reason.clone()),
        exemption_by: exemption.map(|e| e.approved_by.clone()),
        exemption_date: exemption.and_then(|e| e.date).map(|d| d.to_string()),
    }
}

/// One contract's page: the contract form filled in from the file (or with what was typed, after
/// a refusal) and the button that archives it.
async fn edit_contract(
    schema: &AppSchema,
    s: &Session,
    grant: Uuid,
    contract: Uuid,
    refused: Option<(&ContractForm, &Refusal)>,
) -> Response {
    let l = s.lang;
    let title = t(l, "edit-contract");
    let data = match ask_op(schema, s, ContractsPage::build(ContractsVars { g: grant })).await {
        Ok(d) => d,
        Err(e) => return e.page(title, s),
    };
    let Some(c) = data.grant.contracts.iter().find(|c| c.id == contract) else {
        return not_found(s);
    };
    if !s
        .principal
        .may_write(tracker_core::auth::Area::Contract, "update")
    {
        return crate::layout::error_page(
            StatusCode::FORBIDDEN,
            title,
            s,
            t(l, "setup-is-for-the-bygherre"),
        );
    }
    let typed = refused.map_or_else(|| on_file(l, c), |(f, _)| f.clone());
    let refusal = refused.map(|(_, r)| r);
    let body = html! {
        p { (data.grant.case_number) " · " (c.contractor.name) " · " (c.trade) }
        @if let Some(r) = refusal.filter(|r| r.field.is_none()) { p.alert.alert-error role="alert" { (r.message) } }
        (contract_form(s, &data, Some(contract), Some(&typed), refusal))
        h2 { (t(l, "archive-contract")) }
        p.hint { (t(l, "archive-contract-hint")) }
        form method="post" action={ "/app/grants/" (grant) "/contracts/" (contract) "/archive" } id="archive-contract" {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            button.button.button-secondary type="submit" { (t(l, "archive-contract")) }
        }
        p { a href={ "/app/grants/" (grant) "/contracts" } { (t(l, "contracts-and-clauses")) } }
    };
    let status = refusal.map_or(StatusCode::OK, Refusal::status);
    html_response(status, page(title, Some(s), body), vec![])
}

/// The grant and contract a contract page's address names.
fn grant_and_contract((grant, contract): &(String, String)) -> Option<(Uuid, Uuid)> {
    Some((grant.parse().ok()?, contract.parse().ok()?))
}

/// GET /app/grants/{id}/contracts/{contract}
#[handler]
pub async fn edit_contract_page(
    SignedIn(s): SignedIn,
    schema: Data<&AppSchema>,
    Path(ids): Path<(String, String)>,
) -> Response {
    let Some((grant, contract)) = grant_and_contract(&ids) else {
        return not_found(&s);
    };
    edit_contract(&schema, &s, grant, contract, None).await
}

/// POST /app/grants/{id}/contracts/{contract}: saves the changes through `updateContract`
/// (audited; the grant's figures follow from the next evaluation).
#[handler]
pub async fn update_contract(
    schema: Data<&AppSchema>,
    Path(ids): Path<(String, String)>,
    SignedForm(s, form): SignedForm<ContractForm>,
) -> Response {
    let Some((grant, contract)) = grant_and_contract(&ids) else {
        return not_found(&s);
    };
    let i = match read_contract(s.lang, grant, &form) {
        Ok(i) => i.into(),
        Err(e) => return edit_contract(&schema, &s, grant, contract, Some((&form, &e))).await,
    };
    let vars = UpdateContractVars { id: contract, i };
    match ask_op(&schema, &s, UpdateContract::build(vars)).await {
        Ok(_) => to_receipt(
            &format!("/app/grants/{grant}/contracts"),
            "contract-updated",
            contract,
        ),
        Err(e) => {
            let e = e.worded(&contract_words(s.lang));
            edit_contract(&schema, &s, grant, contract, Some((&form, &e))).await
        }
    }
}

/// POST /app/grants/{id}/contracts/{contract}/archive: archives the contract through
/// `archiveContract` (it leaves the grant's figures; its history stays readable "as of").
#[handler]
pub async fn archive_contract(
    schema: Data<&AppSchema>,
    Path(ids): Path<(String, String)>,
    SignedForm(s, _): SignedForm<crate::session::CsrfForm>,
) -> Response {
    let Some((grant, contract)) = grant_and_contract(&ids) else {
        return not_found(&s);
    };
    match ask_op(
        &schema,
        &s,
        ArchiveContract::build(ContractIdVars { id: contract }),
    )
    .await
    {
        Ok(_) => to_receipt(
            &format!("/app/grants/{grant}/contracts"),
            "contract-archived",
            contract,
        ),
        Err(e) => e.page(t(s.lang, "archive-contract"), &s),
    }
}

/// The contract form's fields by their API names, for refusals worded as the labels say.
fn contract_words(l: Lang) -> [(&'static str, &'static str); 12] {
    [
        ("trade", t(l, "trade")),
        ("value", t(l, "value-dkk")),
        ("startDate", t(l, "start")),
        ("endDate", t(l, "end")),
        ("requiredSharePercent", t(l, "clause-share-percent")),
        ("requiredTraineeHours", t(l, "clause-trainee-hours")),
        ("requiredTraineeWeeks", t(l, "clause-trainee-weeks")),
        (
            "skilledWorkersPerTrainee",
            t(l, "clause-skilled-per-trainee"),
        ),
        ("apprenticePartPercent", t(l, "clause-apprentice-percent")),
        (
            "companyDocumentationThresholdPercent",
            t(l, "clause-threshold-percent"),
        ),
        ("reason", t(l, "reason")),
        ("approvedBy", t(l, "approved-by")),
    ]
}

fn kind_name(l: Lang, k: ContractKind) -> &'static str {
    match k {
        ContractKind::Main => t(l, "main-contract"),
        ContractKind::Trade => t(l, "trade-contract"),
        ContractKind::Turnkey => t(l, "turnkey-contract"),
        ContractKind::Sub => t(l, "subcontract"),
    }
}

fn grant_of(id: &str) -> Option<Uuid> {
    id.parse().ok()
}

/// GET /app/grants/{id}/contracts
#[handler]
pub async fn contracts_list(
    SignedIn(s): SignedIn,
    schema: Data<&AppSchema>,
    Path(id): Path<String>,
    Query(q): Query<super::parts::Receipt>,
) -> Response {
    let Some(grant) = grant_of(&id) else {
        return not_found(&s);
    };
    let what = match q.done.as_deref() {
        Some("contract") => Some(t(s.lang, "the-contract-was-registered")),
        Some("contract-updated") => Some(t(s.lang, "the-contract-was-updated")),
        Some("contract-archived") => Some(t(s.lang, "the-contract-was-archived")),
        Some("documentation") => Some(t(s.lang, "the-documentation-was-recorded")),
        _ => None,
    };
    let notice = super::parts::receipt_for(s.lang, what, &q);
    contracts_page(&schema, &s, grant, None, None, notice).await
}

/// A number as typed in the page's language; empty is none, anything else that does not read
/// is refused at its field.
fn number(l: Lang, api: &str, v: &Option<String>) -> Result<Option<Decimal>, Refusal> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => form_number(l, text)
            .map(Some)
            .ok_or_else(|| Refusal::bad_input(api, t(l, "enter-a-number"))),
    }
}

fn read_contract(l: Lang, grant: Uuid, f: &ContractForm) -> Result<CreateContractInput, Refusal> {
    let choose = |api: &str, v: &str| {
        v.trim()
            .parse::<Uuid>()
            .map_err(|_| Refusal::bad_input(api, t(l, "choose-one-of-the-options-in")))
    };
    let day = |api: &str, v: &str| {
        form_date(v).ok_or_else(|| Refusal::bad_input(api, t(l, "enter-a-date")))
    };
    let contractor_id = choose("contractorId", &f.contractor)?;
    let kind = ContractKind::from_code(f.kind.trim())
        .ok_or_else(|| Refusal::bad_input("kind", t(l, "choose-one-of-the-options-in")))?;
    let parent_contract_id = match f.parent.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => Some(choose("parentContractId", p)?),
    };
    let value = number(l, "value", &Some(f.value.clone()))?
        .ok_or_else(|| Refusal::bad_input("value", t(l, "enter-a-number")))?;
    let ratio = match number(l, "skilledWorkersPerTrainee", &f.ratio)? {
        None => None,
        Some(n) => Some(
            i32::try_from(n.trunc().mantissa())
                .ok()
                .filter(|_| n.fract().is_zero())
                .ok_or_else(|| {
                    Refusal::bad_input("skilledWorkersPerTrainee", t(l, "enter-a-whole-number"))
                })?,
        ),
    };
    let clause = TrainingClauseInput {
        required_share_percent: number(l, "requiredSharePercent", &f.share)?,
        required_trainee_hours: number(l, "requiredTraineeHours", &f.hours)?,
        required_trainee_weeks: number(l, "requiredTraineeWeeks", &f.weeks)?,
        skilled_workers_per_trainee: ratio,
        apprentice_part_percent: number(l, "apprenticePartPercent", &f.apprentice)?,
        company_documentation_threshold_percent: number(
            l,
            "companyDocumentationThresholdPercent",
            &f.threshold,
        )?,
    };
    let any_clause = clause.required_share_percent.is_some()
        || clause.required_trainee_hours.is_some()
        || clause.required_trainee_weeks.is_some()
        || clause.skilled_workers_per_trainee.is_some()
        || clause.apprentice_part_percent.is_some()
        || clause.company_documentation_threshold_percent.is_some();
    fn filled(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|x| !x.is_empty())
    }
    let clause_exemption = match filled(&f.exemption_reason) {
        None => None,
        Some(reason) => Some(ClauseExemptionInput {
            reason: reason.to_owned(),
            approved_by: filled(&f.exemption_by).unwrap_or_default().to_owned(),
            date: day(
                "clauseExemption.date",
                f.exemption_date.as_deref().unwrap_or_default(),
            )?,
        }),
    };
    Ok(CreateContractInput {
        grant_id: grant,
        contractor_id,
        kind,
        parent_contract_id,
        trade: f.trade.clone(),
        value,
        start_date: day("startDate", &f.start)?,
        end_date: day("endDate", &f.end)?,
        training_clause: any_clause.then_some(clause),
        clause_exemption,
    })
}

/// POST /app/grants/{id}/contracts: registers a contract through `createContract`.
#[handler]
pub async fn create_contract(
    schema: Data<&AppSchema>,
    Path(id): Path<String>,
    SignedForm(s, form): SignedForm<ContractForm>,
) -> Response {
    let Some(grant) = grant_of(&id) else {
        return not_found(&s);
    };
    let i = match read_contract(s.lang, grant, &form) {
        Ok(i) => i,
        Err(e) => return contracts_page(&schema, &s, grant, Some(&form), Some(&e), None).await,
    };
    match ask_op(&schema, &s, CreateContract::build(CreateContractVars { i })).await {
        Ok(d) => to_receipt(
            &format!("/app/grants/{grant}/contracts"),
            "contract",
            d.create_contract.id,
        ),
        Err(e) => {
            let e = e.worded(&contract_words(s.lang));
            contracts_page(&schema, &s, grant, Some(&form), Some(&e), None).await
        }
    }
}

/// POST /app/grants/{id}/contracts/documentation: records a period of company documentation
/// through `recordCompanyDocumentation`.
#[handler]
pub async fn record_documentation(
    schema: Data<&AppSchema>,
    Path(id): Path<String>,
    SignedForm(s, form): SignedForm<DocumentationForm>,
) -> Response {
    let l = s.lang;
    let Some(grant) = grant_of(&id) else {
        return not_found(&s);
    };
    let read = || -> Result<RecordCompanyDocumentationInput, Refusal> {
        let day = |api: &str, v: &str| {
            form_date(v).ok_or_else(|| Refusal::bad_input(api, t(l, "enter-a-date")))
        };
        Ok(RecordCompanyDocumentationInput {
            contract_id: form.contract.trim().parse().map_err(|_| {
                Refusal::bad_input("contractId", t(l, "choose-one-of-the-options-in"))
            })?,
            period_from: day("periodFrom", &form.from)?,
            period_to: day("periodTo", &form.to)?,
            documented_share_percent: number(
                l,
                "documentedSharePercent",
                &Some(form.share.clone()),
            )?
            .ok_or_else(|| Refusal::bad_input("documentedSharePercent", t(l, "enter-a-number")))?,
            document: form.document.clone(),
            recorded_by: s.user.display_name.clone(),
        })
    };
    let i = match read() {
        Ok(i) => i,
        Err(e) => return contracts_page(&schema, &s, grant, None, Some(&e), None).await,
    };
    match ask_op(
        &schema,
        &s,
        RecordDocumentation::build(DocumentationVars { i }),
    )
    .await
    {
        Ok(d) => to_receipt(
            &format!("/app/grants/{grant}/contracts"),
            "documentation",
            d.record_company_documentation.id,
        ),
        Err(e) => contracts_page(&schema, &s, grant, None, Some(&e), None).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_form_value() {
        for k in ContractKind::ALL {
            assert_eq!(ContractKind::from_code(k.code()), Some(k));
        }
        assert_eq!(ContractKind::from_code("PARTNERING"), None);
    }

    #[test]
    fn a_clause_reads_from_danish_numbers_and_refuses_what_is_no_number() {
        let f = ContractForm {
            contractor: Uuid::nil().to_string(),
            kind: "MAIN".into(),
            trade: "murer".into(),
            value: "12.500.000,00".into(),
            start: "2026-01-01".into(),
            end: "31.12.2027".into(),
            weeks: Some("50,5".into()),
            ratio: Some("10".into()),
            ..Default::default()
        };
        let i =
            read_contract(Lang::Da, Uuid::nil(), &f).unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(i.value, Decimal::new(1_250_000_000, 2));
        let clause = i.training_clause.unwrap_or_default();
        assert_eq!(clause.required_trainee_weeks, Some(Decimal::new(505, 1)));
        assert_eq!(clause.skilled_workers_per_trainee, Some(10));
        assert!(i.clause_exemption.is_none());
        let bad = ContractForm {
            ratio: Some("10,5".into()),
            ..f.clone()
        };
        let e = read_contract(Lang::Da, Uuid::nil(), &bad).err();
        assert_eq!(
            e.and_then(|e| e.field),
            Some("skilledWorkersPerTrainee".to_owned())
        );
        let bad = ContractForm {
            share: Some("fjorten".into()),
            ..f
        };
        let e = read_contract(Lang::Da, Uuid::nil(), &bad).err();
        assert_eq!(
            e.and_then(|e| e.field),
            Some("requiredSharePercent".to_owned())
        );
    }
}
