//! Setup (opsætning) for the bygherre and the administrator: the estates and grants it may see,
//! and forms to register an estate (afdeling), a grant (tilsagn: case number, Skema stage,
//! craftsman cost, dates) and a contractor by CVR number (checked with modulus 11 by the API).
//! Contracts and their clauses are registered on each grant's contracts page. Every write goes
//! through the schema with the person's principal, so it is scoped, validated (each refusal at
//! its field and in the summary, what was typed kept) and audited; a saved form ends on a
//! receipt with the time and the new record's reference.

use super::parts::{Receipt, field};
use crate::session::{SignedForm, SignedIn};
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::hours::form_number;
use super::trials::form_date;
use crate::layout::ask_op;
use crate::queries::setup::{
    ContractorVars, CreateContractor, CreateContractorInput, CreateEstate, CreateEstateInput,
    CreateGrant, CreateGrantInput, CreateHousingOrganisationInput, CreateOrganisation, Estate,
    EstateToEdit, EstateVars, GrantKind, GrantStage, GrantToEdit, GrantVars, IdVars, Organisation,
    OrganisationVars, SetupPage, UpdateEstate, UpdateEstateInput, UpdateEstateVars, UpdateGrant,
    UpdateGrantInput, UpdateGrantVars,
};
use crate::{Refusal, Session, html_response, page, t};
use cynic::{MutationBuilder, QueryBuilder};
use engine::i18n::Lang;
use tracker_graphql::AppSchema;

crate::session::carries_csrf!(ContractorForm, EstateForm, GrantForm, OrganisationForm);

/// The typed values of the estate form, kept after a refusal.
#[derive(Deserialize, Default, Clone)]
pub struct EstateForm {
    csrf: String,
    organisation: String,
    name: String,
    municipality: String,
    address: Option<String>,
}

/// The typed values of the grant form, kept after a refusal.
#[derive(Deserialize, Default, Clone)]
pub struct GrantForm {
    csrf: String,
    estate: String,
    case_number: String,
    title: String,
    kind: String,
    stage: String,
    year: String,
    cost: Option<String>,
    start: Option<String>,
    handover: Option<String>,
    /// The box "a subcontract's months are approved by the main contractor first" (sent only
    /// when ticked).
    approval: Option<String>,
}

impl GrantForm {
    /// A new grant's form: the main contractor's approval on, as the API's default.
    fn new_grant() -> Self {
        Self {
            approval: Some("on".into()),
            ..Self::default()
        }
    }
}

/// The typed values of the housing-organisation form (administrators), kept after a refusal.
#[derive(Deserialize, Default, Clone)]
pub struct OrganisationForm {
    csrf: String,
    name: String,
    cvr: Option<String>,
}

/// The typed values of the contractor form, kept after a refusal.
#[derive(Deserialize, Default, Clone)]
pub struct ContractorForm {
    csrf: String,
    cvr: String,
    name: String,
}

/// Which form was sent, with what was typed in it.
enum Typed<'a> {
    Organisation(&'a OrganisationForm),
    Estate(&'a EstateForm),
    Grant(&'a GrantForm),
    Contractor(&'a ContractorForm),
}

/// GET /app/setup
#[handler]
pub async fn setup_page(
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
    receipt: Option<&Receipt>,
) -> Response {
    let l = s.lang;
    let title = t(l, "setup");
    let may = |area| s.principal.may_write(area, "create");
    use tracker_core::auth::Area;
    if !may(Area::Organisation) && !may(Area::Estate) && !may(Area::Contractor) {
        return crate::layout::error_page(
            StatusCode::FORBIDDEN,
            title,
            s,
            t(l, "setup-is-for-the-bygherre"),
        );
    }
    let data = match ask_op(schema, s, SetupPage::build(())).await {
        Ok(d) => d,
        Err(e) => return e.page(title, s),
    };
    let (mut organisation, mut estate, mut grant, mut contractor) = (None, None, None, None);
    match typed {
        Some(Typed::Organisation(f)) => organisation = Some(f),
        Some(Typed::Estate(f)) => estate = Some(f),
        Some(Typed::Grant(f)) => grant = Some(f),
        Some(Typed::Contractor(f)) => contractor = Some(f),
        None => {}
    }
    let body = html! {
        @if let Some(r) = receipt { (receipt_of(l, r)) }
        @if let Some(r) = refusal.filter(|r| r.field.is_none()) { p.alert.alert-error role="alert" { (r.message) } }
        h2 { (t(l, "estates-and-grants")) }
        div.table--responsive-scroll tabindex="0" {
            table.table.table--zebra id="estates" {
                thead { tr {
                    th scope="col" { (t(l, "estate")) }
                    th scope="col" { (t(l, "municipality")) }
                    th scope="col" { (t(l, "housing-organisation")) }
                    th scope="col" { (t(l, "grants")) }
                } }
                tbody {
                    @for e in &data.estates.nodes {
                        tr {
                            td {
                                (e.name)
                                @if may(Area::Estate) {
                                    " · " a href={ "/app/setup/estates/" (e.id) } { (t(l, "edit")) }
                                }
                            }
                            td { (e.municipality) }
                            td { (e.organisation.name) }
                            td { ul.nobullet-list {
                                @for g in &e.grants {
                                    li {
                                        a href={ "/app/grants/" (g.id) } { (g.case_number) }
                                        " " (g.title) " (" (stage_name(l, g.stage)) ", " (g.commitment_year) ") · "
                                        a href={ "/app/grants/" (g.id) "/contracts" } { (t(l, "contracts-and-clauses")) }
                                        @if may(Area::Grant) {
                                            " · " a href={ "/app/setup/grants/" (g.id) } { (t(l, "edit")) }
                                        }
                                    }
                                }
                            } }
                        }
                    }
                }
            }
        }
        @if data.estates.page_info.has_next_page { p { (t(l, "the-first-200-estates-are-shown")) } }
        @if may(Area::Organisation) {
            (organisation_form(s, organisation, refusal.filter(|_| organisation.is_some())))
        }
        @if may(Area::Estate) {
            (estate_form(s, &data.housing_organisations.nodes, estate, refusal.filter(|_| estate.is_some()), None))
            (grant_form(s, &data.estates.nodes, grant, refusal.filter(|_| grant.is_some()), None))
        }
        @if may(Area::Contractor) {
            (contractor_form(s, contractor, refusal.filter(|_| contractor.is_some())))
        }
    };
    let status = refusal.map_or(StatusCode::OK, Refusal::status);
    html_response(status, page(title, Some(s), body), vec![])
}

/// The receipt of a saved form, by what was saved.
fn receipt_of(l: Lang, r: &Receipt) -> Markup {
    let what = match r.done.as_deref() {
        Some("organisation") => t(l, "the-organisation-was-registered"),
        Some("estate") => t(l, "the-estate-was-registered"),
        Some("estate-updated") => t(l, "the-estate-was-updated"),
        Some("grant") => t(l, "the-grant-was-registered"),
        Some("grant-updated") => t(l, "the-grant-was-updated"),
        Some("contractor") => t(l, "the-contractor-was-registered"),
        _ => return html! {},
    };
    super::parts::receipt(l, what, r.at(), r.reference())
}

fn stage_name(l: Lang, s: GrantStage) -> &'static str {
    match s {
        GrantStage::SkemaA => t(l, "skema-a"),
        GrantStage::SkemaB => t(l, "skema-b"),
        GrantStage::SkemaC => t(l, "skema-c"),
    }
}

fn kind_name(l: Lang, k: GrantKind) -> &'static str {
    match k {
        GrantKind::Renovation => t(l, "renovation"),
        GrantKind::NewBuild => t(l, "new-build"),
    }
}

fn organisation_form(
    s: &Session,
    f: Option<&OrganisationForm>,
    refusal: Option<&Refusal>,
) -> Markup {
    let l = s.lang;
    let f = f.cloned().unwrap_or_default();
    let at = |api: &str| Refusal::message_at(refusal, api);
    html! {
        h2 id="new-organisation" { (t(l, "new-housing-organisation")) }
        (Refusal::summary(l, refusal, &[("name", "organisation_name"), ("cvr", "organisation_cvr")]))
        form method="post" action="/app/setup/organisation" novalidate {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            label.form-label for="organisation_name" { (t(l, "organisation-name")) }
            @if let Some(m) = at("name") { span.form-error-message id="organisation_name-error" { (m) } }
            input.form-input id="organisation_name" name="name" value=(f.name) maxlength="200"
                aria-invalid=[at("name").map(|_| "true")] aria-describedby="organisation_name-error";
            label.form-label for="organisation_cvr" { (t(l, "cvr-number-optional")) }
            @if let Some(m) = at("cvr") { span.form-error-message id="organisation_cvr-error" { (m) } }
            input.form-input id="organisation_cvr" name="cvr" value=(f.cvr.clone().unwrap_or_default())
                inputmode="numeric" maxlength="8"
                aria-invalid=[at("cvr").map(|_| "true")] aria-describedby="organisation_cvr-error";
            button.button.button-primary type="submit" { (t(l, "register-organisation")) }
        }
    }
}

/// The estate form: a new estate under one of the housing organisations offered, or
/// (`editing`) the changes to an estate, whose organisation stays.
fn estate_form(
    s: &Session,
    organisations: &[Organisation],
    f: Option<&EstateForm>,
    refusal: Option<&Refusal>,
    editing: Option<Uuid>,
) -> Markup {
    let l = s.lang;
    let f = f.cloned().unwrap_or_default();
    let fields = [
        ("organisationId", "organisation"),
        ("name", "name"),
        ("municipality", "municipality"),
        ("address", "address"),
    ];
    let at = |api: &str| Refusal::message_at(refusal, api);
    let action = editing.map_or_else(
        || "/app/setup/estate".to_owned(),
        |id| format!("/app/setup/estates/{id}"),
    );
    html! {
        @if editing.is_none() { h2 id="new-estate" { (t(l, "new-estate")) } }
        (Refusal::summary(l, refusal, &fields))
        form method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            @if editing.is_some() {
                input type="hidden" name="organisation" value=(f.organisation);
            } @else {
                label.form-label for="organisation" { (t(l, "housing-organisation")) }
                @if let Some(m) = at("organisationId") { span.form-error-message id="organisation-error" { (m) } }
                select.form-select id="organisation" name="organisation" aria-describedby="organisation-error" {
                    @for o in organisations {
                        option value=(o.id) selected[f.organisation == o.id.to_string()] { (o.name) }
                    }
                }
            }
            (field(l, "name", "estate-name", &f.name, at("name"), ("text", 200)))
            (field(l, "municipality", "municipality", &f.municipality, at("municipality"), ("text", 100)))
            (field(l, "address", "address-optional", f.address.as_deref().unwrap_or_default(), at("address"), ("text", 300)))
            button.button.button-primary type="submit" {
                (t(l, if editing.is_some() { "save-the-changes" } else { "register-estate" }))
            }
        }
    }
}

/// The grant form: a new grant under one of `estates`, or (`editing`) the changes to a grant,
/// whose estate stays.
fn grant_form(
    s: &Session,
    estates: &[Estate],
    f: Option<&GrantForm>,
    refusal: Option<&Refusal>,
    editing: Option<Uuid>,
) -> Markup {
    let l = s.lang;
    let f = f.cloned().unwrap_or_else(GrantForm::new_grant);
    let fields = [
        ("estateId", "estate"),
        ("caseNumber", "case_number"),
        ("title", "title"),
        ("kind", "kind"),
        ("stage", "stage"),
        ("commitmentYear", "year"),
        ("craftsmanCost", "cost"),
        ("constructionStart", "start"),
        ("plannedHandover", "handover"),
    ];
    let at = |api: &str| Refusal::message_at(refusal, api);
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let action = editing.map_or_else(
        || "/app/setup/grant".to_owned(),
        |id| format!("/app/setup/grants/{id}"),
    );
    html! {
        @if editing.is_none() { h2 id="new-grant" { (t(l, "new-grant")) } }
        (Refusal::summary(l, refusal, &fields))
        form method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            @if editing.is_some() {
                input type="hidden" name="estate" value=(f.estate);
            } @else {
                label.form-label for="estate" { (t(l, "estate")) }
                @if let Some(m) = at("estateId") { span.form-error-message id="estate-error" { (m) } }
                select.form-select id="estate" name="estate" aria-describedby="estate-error" {
                    @for e in estates {
                        option value=(e.id) selected[f.estate == e.id.to_string()] { (e.name) " (" (e.municipality) ")" }
                    }
                }
            }
            (field(l, "case_number", "case-number", &f.case_number, at("caseNumber"), ("text", 50)))
            (field(l, "title", "title", &f.title, at("title"), ("text", 300)))
            label.form-label for="kind" { (t(l, "grant-kind")) }
            @if let Some(m) = at("kind") { span.form-error-message id="kind-error" { (m) } }
            select.form-select id="kind" name="kind" aria-describedby="kind-error" {
                @for k in GrantKind::ALL { option value=(k.code()) selected[f.kind == k.code()] { (kind_name(l, k)) } }
            }
            label.form-label for="stage" { (t(l, "skema-stage")) }
            @if let Some(m) = at("stage") { span.form-error-message id="stage-error" { (m) } }
            select.form-select id="stage" name="stage" aria-describedby="stage-error" {
                @for st in GrantStage::ALL { option value=(st.code()) selected[f.stage == st.code()] { (stage_name(l, st)) } }
            }
            (field(l, "year", "commitment-year", &f.year, at("commitmentYear"), ("numeric", 4)))
            (field(l, "cost", "craftsman-cost-dkk", &opt(&f.cost), at("craftsmanCost"), ("decimal", 30)))
            (field(l, "start", "construction-start-optional", &opt(&f.start), at("constructionStart"), ("text", 20)))
            (field(l, "handover", "planned-handover-optional", &opt(&f.handover), at("plannedHandover"), ("text", 20)))
            div.form-group-checkbox {
                input.form-checkbox type="checkbox" id="approval" name="approval" value="on" checked[f.approval.is_some()];
                label for="approval" { (t(l, "main-contractor-approves-subcontracts-first")) }
            }
            button.button.button-primary type="submit" {
                (t(l, if editing.is_some() { "save-the-changes" } else { "register-grant" }))
            }
        }
    }
}

fn contractor_form(s: &Session, f: Option<&ContractorForm>, refusal: Option<&Refusal>) -> Markup {
    let l = s.lang;
    let f = f.cloned().unwrap_or_default();
    let at = |api: &str| Refusal::message_at(refusal, api);
    html! {
        h2 id="new-contractor" { (t(l, "new-contractor")) }
        (Refusal::summary(l, refusal, &[("cvr", "cvr"), ("name", "contractor_name")]))
        form method="post" action="/app/setup/contractor" novalidate {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            p.hint id="cvr-hint" { (t(l, "cvr-hint")) }
            (field(l, "cvr", "cvr-number", &f.cvr, at("cvr"), ("numeric", 8)))
            label.form-label for="contractor_name" { (t(l, "company-name")) }
            @if let Some(m) = at("name") { span.form-error-message id="contractor_name-error" { (m) } }
            input.form-input id="contractor_name" name="name" value=(f.name) maxlength="200"
                aria-invalid=[at("name").map(|_| "true")] aria-describedby="contractor_name-error";
            button.button.button-primary type="submit" { (t(l, "register-contractor")) }
        }
    }
}

/// An optional field: empty is none.
fn filled(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
}

fn read_grant(l: Lang, f: &GrantForm) -> Result<CreateGrantInput, Refusal> {
    let choose = |api: &str| Refusal::bad_input(api, t(l, "choose-one-of-the-options-in"));
    let day = |api: &str, v: &Option<String>| match filled(v) {
        None => Ok(None),
        Some(text) => form_date(&text)
            .map(Some)
            .ok_or_else(|| Refusal::bad_input(api, t(l, "enter-a-date"))),
    };
    let commitment_year = f
        .year
        .trim()
        .parse::<i32>()
        .map_err(|_| Refusal::bad_input("commitmentYear", t(l, "enter-a-year")))?;
    let craftsman_cost = match filled(&f.cost) {
        None => None,
        Some(text) => Some(
            form_number(l, &text)
                .ok_or_else(|| Refusal::bad_input("craftsmanCost", t(l, "enter-a-number")))?,
        ),
    };
    Ok(CreateGrantInput {
        estate_id: f.estate.trim().parse().map_err(|_| choose("estateId"))?,
        case_number: f.case_number.clone(),
        title: f.title.clone(),
        kind: GrantKind::from_code(f.kind.trim()).ok_or_else(|| choose("kind"))?,
        stage: GrantStage::from_code(f.stage.trim()).ok_or_else(|| choose("stage"))?,
        commitment_year,
        craftsman_cost,
        construction_start: day("constructionStart", &f.start)?,
        planned_handover: day("plannedHandover", &f.handover)?,
        main_contractor_approval: f.approval.is_some(),
    })
}

/// The estate form's labels by the API's field names, to word a refusal with.
fn estate_labels(l: Lang) -> [(&'static str, &'static str); 4] {
    [
        ("organisationId", t(l, "housing-organisation")),
        ("name", t(l, "estate-name")),
        ("municipality", t(l, "municipality")),
        ("address", t(l, "address")),
    ]
}

/// The grant form's labels by the API's field names, to word a refusal with.
fn grant_labels(l: Lang) -> [(&'static str, &'static str); 7] {
    [
        ("estateId", t(l, "estate")),
        ("caseNumber", t(l, "case-number")),
        ("title", t(l, "title")),
        ("commitmentYear", t(l, "commitment-year")),
        ("craftsmanCost", t(l, "craftsman-cost")),
        ("constructionStart", t(l, "construction-start")),
        ("plannedHandover", t(l, "planned-handover")),
    ]
}

fn done(what: &str, id: Uuid) -> Response {
    super::parts::to_receipt("/app/setup", what, id)
}

/// POST /app/setup/organisation: registers a housing organisation through
/// `createHousingOrganisation` (administrators).
#[handler]
pub async fn create_organisation(
    schema: Data<&AppSchema>,
    SignedForm(s, form): SignedForm<OrganisationForm>,
) -> Response {
    let i = CreateHousingOrganisationInput {
        name: form.name.clone(),
        cvr: filled(&form.cvr),
    };
    match ask_op(
        &schema,
        &s,
        CreateOrganisation::build(OrganisationVars { i }),
    )
    .await
    {
        Ok(d) => done("organisation", d.create_housing_organisation.id),
        Err(e) => {
            let l = s.lang;
            let e = e.worded(&[
                ("name", t(l, "organisation-name")),
                ("cvr", t(l, "cvr-number")),
            ]);
            render(
                &schema,
                &s,
                Some(Typed::Organisation(&form)),
                Some(&e),
                None,
            )
            .await
        }
    }
}

/// POST /app/setup/estate: registers an estate through `createEstate`.
#[handler]
pub async fn create_estate(
    schema: Data<&AppSchema>,
    SignedForm(s, form): SignedForm<EstateForm>,
) -> Response {
    let typed = Some(Typed::Estate(&form));
    let Ok(organisation_id) = form.organisation.trim().parse() else {
        let e = Refusal::bad_input("organisationId", t(s.lang, "choose-one-of-the-options-in"));
        return render(&schema, &s, typed, Some(&e), None).await;
    };
    let i = CreateEstateInput {
        organisation_id,
        name: form.name.clone(),
        municipality: form.municipality.clone(),
        address: filled(&form.address),
    };
    match ask_op(&schema, &s, CreateEstate::build(EstateVars { i })).await {
        Ok(d) => done("estate", d.create_estate.id),
        Err(e) => {
            let l = s.lang;
            let e = e.worded(&estate_labels(l));
            render(&schema, &s, typed, Some(&e), None).await
        }
    }
}

/// POST /app/setup/grant: registers a grant through `createGrant`.
#[handler]
pub async fn create_grant(
    schema: Data<&AppSchema>,
    SignedForm(s, form): SignedForm<GrantForm>,
) -> Response {
    let typed = Some(Typed::Grant(&form));
    let i = match read_grant(s.lang, &form) {
        Ok(i) => i,
        Err(e) => return render(&schema, &s, typed, Some(&e), None).await,
    };
    match ask_op(&schema, &s, CreateGrant::build(GrantVars { i })).await {
        Ok(d) => done("grant", d.create_grant.id),
        Err(e) => {
            let l = s.lang;
            let e = e.worded(&grant_labels(l));
            render(&schema, &s, typed, Some(&e), None).await
        }
    }
}

/// POST /app/setup/contractor: registers a contractor through `createContractor`.
#[handler]
pub async fn create_contractor(
    schema: Data<&AppSchema>,
    SignedForm(s, form): SignedForm<ContractorForm>,
) -> Response {
    let i = CreateContractorInput {
        cvr: form.cvr.trim().to_owned(),
        name: form.name.clone(),
    };
    match ask_op(&schema, &s, CreateContractor::build(ContractorVars { i })).await {
        Ok(d) => done("contractor", d.create_contractor.id),
        Err(e) => {
            let l = s.lang;
            let e = e.worded(&[("cvr", t(l, "cvr-number")), ("name", t(l, "company-name"))]);
            render(&schema, &s, Some(Typed::Contractor(&form)), Some(&e), None).await
        }
    }
}

/// GET /app/setup/grants/{id}: the grant's edit form (Skema stage, craftsman cost, dates, …),
/// filled in with what is on file.
#[handler]
pub async fn edit_grant_page(
    SignedIn(s): SignedIn,
    schema: Data<&AppSchema>,
    Path(id): Path<String>,
) -> Response {
    let Ok(grant) = id.parse::<Uuid>() else {
        return crate::not_found(&s);
    };
    edit_grant(&schema, &s, grant, None).await
}

async fn edit_grant(
    schema: &AppSchema,
    s: &Session,
    grant: Uuid,
    refused: Option<(&GrantForm, &Refusal)>,
) -> Response {
    let l = s.lang;
    let title = t(l, "edit-grant");
    let g = match ask_op(schema, s, GrantToEdit::build(IdVars { id: grant })).await {
        Ok(d) => d.grant,
        Err(e) => return e.page(title, s),
    };
    if !s
        .principal
        .may_write(tracker_core::auth::Area::Grant, "update")
    {
        return crate::layout::error_page(
            StatusCode::FORBIDDEN,
            title,
            s,
            t(l, "setup-is-for-the-bygherre"),
        );
    }
    let on_file = GrantForm {
        csrf: String::new(),
        estate: g.estate.id.to_string(),
        case_number: g.case_number.clone(),
        title: g.title.clone(),
        kind: g.kind.code().to_owned(),
        stage: g.stage.code().to_owned(),
        year: g.commitment_year.to_string(),
        cost: g.craftsman_cost.map(|c| crate::layout::two(l, c)),
        start: g.construction_start.map(|d| d.to_string()),
        handover: g.planned_handover.map(|d| d.to_string()),
        approval: g.main_contractor_approval.then(|| "on".to_owned()),
    };
    let f = refused.map_or(&on_file, |(f, _)| f);
    let refusal = refused.map(|(_, r)| r);
    let body = html! {
        p { (t(l, "estate")) ": " (g.estate.name) }
        @if let Some(r) = refusal.filter(|r| r.field.is_none()) { p.alert.alert-error role="alert" { (r.message) } }
        (grant_form(s, &[], Some(f), refusal, Some(grant)))
        p { a href="/app/setup" { (t(l, "setup")) } }
    };
    let status = refusal.map_or(StatusCode::OK, Refusal::status);
    html_response(status, page(title, Some(s), body), vec![])
}

/// POST /app/setup/grants/{id}: saves the changes through `updateGrant` (audited, and a new
/// revision of the grant, so earlier answers stay readable "as of").
#[handler]
pub async fn update_grant(
    schema: Data<&AppSchema>,
    Path(id): Path<String>,
    SignedForm(s, form): SignedForm<GrantForm>,
) -> Response {
    let Ok(grant) = id.parse::<Uuid>() else {
        return crate::not_found(&s);
    };
    let l = s.lang;
    let read = match read_grant(l, &form) {
        Ok(i) => i,
        Err(e) => return edit_grant(&schema, &s, grant, Some((&form, &e))).await,
    };
    let i = UpdateGrantInput {
        case_number: Some(read.case_number),
        title: Some(read.title),
        kind: Some(read.kind),
        stage: Some(read.stage),
        commitment_year: Some(read.commitment_year),
        craftsman_cost: read.craftsman_cost,
        construction_start: read.construction_start,
        planned_handover: read.planned_handover,
        main_contractor_approval: Some(read.main_contractor_approval),
    };
    match ask_op(
        &schema,
        &s,
        UpdateGrant::build(UpdateGrantVars { id: grant, i }),
    )
    .await
    {
        Ok(d) => done("grant-updated", d.update_grant.id),
        Err(e) => {
            let e = e.worded(&grant_labels(l));
            edit_grant(&schema, &s, grant, Some((&form, &e))).await
        }
    }
}

/// GET /app/setup/estates/{id}: the estate's edit form, filled in with what is on file.
#[handler]
pub async fn edit_estate_page(
    SignedIn(s): SignedIn,
    schema: Data<&AppSchema>,
    Path(id): Path<String>,
) -> Response {
    let Ok(estate) = id.parse::<Uuid>() else {
        return crate::not_found(&s);
    };
    edit_estate(&schema, &s, estate, None).await
}

async fn edit_estate(
    schema: &AppSchema,
    s: &Session,
    estate: Uuid,
    refused: Option<(&EstateForm, &Refusal)>,
) -> Response {
    let l = s.lang;
    let title = t(l, "edit-estate");
    let e = match ask_op(schema, s, EstateToEdit::build(IdVars { id: estate })).await {
        Ok(d) => d.estate,
        Err(e) => return e.page(title, s),
    };
    if !s
        .principal
        .may_write(tracker_core::auth::Area::Estate, "update")
    {
        return crate::layout::error_page(
            StatusCode::FORBIDDEN,
            title,
            s,
            t(l, "setup-is-for-the-bygherre"),
        );
    }
    let on_file = EstateForm {
        csrf: String::new(),
        organisation: e.organisation.id.to_string(),
        name: e.name.clone(),
        municipality: e.municipality.clone(),
        address: e.address.clone(),
    };
    let f = refused.map_or(&on_file, |(f, _)| f);
    let refusal = refused.map(|(_, r)| r);
    let body = html! {
        p { (t(l, "housing-organisation")) ": " (e.organisation.name) }
        @if let Some(r) = refusal.filter(|r| r.field.is_none()) { p.alert.alert-error role="alert" { (r.message) } }
        (estate_form(s, &[], Some(f), refusal, Some(estate)))
        p { a href="/app/setup" { (t(l, "setup")) } }
    };
    let status = refusal.map_or(StatusCode::OK, Refusal::status);
    html_response(status, page(title, Some(s), body), vec![])
}

/// POST /app/setup/estates/{id}: saves the changes through `updateEstate` (audited).
#[handler]
pub async fn update_estate(
    schema: Data<&AppSchema>,
    Path(id): Path<String>,
    SignedForm(s, form): SignedForm<EstateForm>,
) -> Response {
    let Ok(estate) = id.parse::<Uuid>() else {
        return crate::not_found(&s);
    };
    let i = UpdateEstateInput {
        name: Some(form.name.clone()),
        municipality: Some(form.municipality.clone()),
        address: filled(&form.address),
    };
    match ask_op(
        &schema,
        &s,
        UpdateEstate::build(UpdateEstateVars { id: estate, i }),
    )
    .await
    {
        Ok(d) => done("estate-updated", d.update_estate.id),
        Err(e) => {
            let e = e.worded(&estate_labels(s.lang));
            edit_estate(&schema, &s, estate, Some((&form, &e))).await
        }
    }
}
