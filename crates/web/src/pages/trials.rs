//! The tovholder's pages: snusepraktik (running, ending within a week, ended without an outcome;
//! log a new trial placement; record its outcome and next plan; those three months past their end
//! without a status, with the status form (R10); the funnel as a chart and tables, the
//! three-month statuses beside the immediate outcomes); the følgegrupper are in
//! [`groups`](super::groups). Reads and writes go through the GraphQL schema with the signed-in
//! person's principal, so they are scoped, validated and audited.

use crate::session::{SignedForm, SignedIn};
use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use maud::{Markup, PreEscaped, html};
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::parts::to_receipt;
use super::people::{PersonForm, person_form, register_person};
use crate::layout::ask_op;
use crate::queries::trials::{
    CreateTrial, CreateTrialPlacementInput, CreateTrialVars, GrantFunnel, OpenTrials, OutcomeVars,
    RecordOutcome, RecordThreeMonth, RecordThreeMonthStatusInput, RecordTrialOutcomeInput,
    ThreeMonthDue, ThreeMonthStatus, ThreeMonthVars, TrialChoices, TrialOutcome, TrialPlacement,
};
use crate::queries::trials::{DecidedTrial, DecidedTrials};
use crate::{Refusal, Session, html_response, page, t};
use cynic::{MutationBuilder, QueryBuilder};
use engine::i18n::Lang;
use engine::i18n::date;
use tracker_graphql::AppSchema;

crate::session::carries_csrf!(OutcomeForm, ThreeMonthForm, TrialForm);

/// A date as a person types it: ISO (what `<input type="date">` sends) or Danish "1.3.2024",
/// within the years the schema accepts (a year such as 1800 is a typing error, refused here in
/// the form's words rather than by the schema in its own).
pub fn form_date(v: &str) -> Option<NaiveDate> {
    use tracker_graphql::guard::{MAX_YEAR, MIN_YEAR};
    let v = v.trim();
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(v, "%d.%m.%Y"))
        .or_else(|_| NaiveDate::parse_from_str(v, "%d-%m-%Y"))
        .ok()
        .filter(|d| (MIN_YEAR..=MAX_YEAR).contains(&i64::from(d.year())))
}

/// An outcome in the page's language.
pub fn outcome_name(l: Lang, o: TrialOutcome) -> &'static str {
    match o {
        TrialOutcome::OrdinaryJob => t(l, "ordinary-job"),
        TrialOutcome::Apprenticeship => t(l, "apprenticeship"),
        TrialOutcome::Education => t(l, "education"),
        TrialOutcome::JobElsewhere => t(l, "job-elsewhere"),
        TrialOutcome::BackToJobcenter => t(l, "back-to-the-jobcenter"),
        TrialOutcome::DroppedOut => t(l, "dropped-out"),
    }
}

/// A three-month status in the page's language.
pub fn status_name(l: Lang, v: ThreeMonthStatus) -> &'static str {
    match v {
        ThreeMonthStatus::OrdinaryWork => t(l, "in-ordinary-work"),
        ThreeMonthStatus::Education => t(l, "in-education-or-apprenticeship"),
        ThreeMonthStatus::SelfSupporting => t(l, "self-supporting-otherwise"),
        ThreeMonthStatus::OnBenefits => t(l, "back-on-benefits"),
        ThreeMonthStatus::Unknown => t(l, "unknown-not-reached"),
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct ThreeMonthForm {
    csrf: String,
    trial: String,
    status: String,
    date: String,
}

/// The typed values of the trial form, kept after a refusal.
#[derive(Deserialize, Default, Clone)]
pub struct TrialForm {
    csrf: String,
    grant: String,
    person: String,
    host: Option<String>,
    start: String,
    end: String,
    trades: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct OutcomeForm {
    csrf: String,
    trial: String,
    outcome: String,
    date: String,
    plan: Option<String>,
    /// `plan` from the form that adds a next plan to a recorded outcome (the plan is required).
    step: Option<String>,
}

/// Which of the page's forms was sent, with what was typed in it, to show again at that form
/// beside its refusal.
enum Typed<'a> {
    Trial(&'a TrialForm),
    Person(&'a PersonForm),
    /// A row's form: the placement's outcome (and plan), or its status three months after.
    Row(Row),
}

/// A row's form as typed: the placement, its choice (outcome or status), date and plan.
struct Row {
    trial: Uuid,
    choice: String,
    date: String,
    plan: String,
}

impl Row {
    fn of(trial: Uuid, choice: &str, date: &str, plan: Option<&str>) -> Self {
        Self {
            trial,
            choice: choice.to_owned(),
            date: date.to_owned(),
            plan: plan.unwrap_or_default().to_owned(),
        }
    }
}

/// A row's form fields: the API's name and the input's id in row `id`.
fn row_fields(id: Uuid) -> [(&'static str, String); 5] {
    [
        ("outcomeDate", format!("date-{id}")),
        ("outcome", format!("outcome-{id}")),
        ("nextPlan", format!("plan-{id}")),
        ("statusDate", format!("status-date-{id}")),
        ("status", format!("status-{id}")),
    ]
}

/// Which list a trial from `start` to `end` without an outcome belongs on as of `today`.
fn list_of(start: NaiveDate, end: NaiveDate, today: NaiveDate) -> &'static str {
    if end < today {
        "ended"
    } else if start <= today && end <= today + Days::new(7) {
        "ending"
    } else if start <= today {
        "running"
    } else {
        "planned"
    }
}

async fn trials_page(
    schema: &AppSchema,
    s: &Session,
    refused: Option<(Typed<'_>, &Refusal)>,
    notice: Option<Markup>,
) -> Response {
    let l = s.lang;
    let (typed, refusal, person, row) = match &refused {
        Some((Typed::Trial(f), r)) => (Some(*f), Some(*r), None, None),
        Some((Typed::Person(f), r)) => (None, None, Some((*f, *r)), None),
        Some((Typed::Row(row), r)) => (None, None, None, Some((row, *r))),
        None => (None, None, None, None),
    };
    let title = t(l, "trial-placements-snusepraktik");
    let (open, choices, due, decided) = match (
        ask_op(schema, s, OpenTrials::build(())).await,
        ask_op(schema, s, TrialChoices::build(())).await,
        ask_op(schema, s, ThreeMonthDue::build(())).await,
        ask_op(schema, s, DecidedTrials::build(())).await,
    ) {
        (Ok(d), Ok(c), Ok(due), Ok(decided)) => (
            d.trial_placements.nodes,
            c,
            due.trial_placements.nodes,
            decided.trial_placements.nodes,
        ),
        (Err(e), _, _, _) | (_, Err(e), _, _) | (_, _, Err(e), _) | (_, _, _, Err(e)) => {
            return e.page(title, s);
        }
    };
    let without_plan: Vec<&DecidedTrial> =
        decided.iter().filter(|d| d.next_plan.is_none()).collect();
    let today = tracker_core::units::danish_today();
    let on = |list: &str| -> Vec<&TrialPlacement> {
        open.iter()
            .filter(|tr| tr.outcome.is_none() && list_of(tr.start_date, tr.end_date, today) == list)
            .collect()
    };
    let (running, ending, ended) = (on("running"), on("ending"), on("ended"));
    let waiting = ended.len() + ending.len() + running.len();
    // A row's refusal: summarised at the top, linked to the field in its row.
    let row_summary = row.map(|(row, r)| {
        let fields = row_fields(row.trial);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(a, id)| (*a, id.as_str())).collect();
        let shown = fields.iter().any(|(api, _)| r.is_at(api));
        html! {
            @if shown { (Refusal::summary(l, Some(r), &fields)) }
            @else { p.alert.alert-error role="alert" { (r.message) } }
        }
    });
    let body = html! {
        @if let Some(n) = notice { (n) }
        @if let Some(m) = row_summary { (m) }
        h2 { (t(l, "running-and-ended-placements")) }
        (trial_table(s, "ending", t(l, "ending-within-a-week"), &ending, row))
        (trial_table(s, "ended", t(l, "ended-without-an-outcome"), &ended, row))
        (trial_table(s, "running", t(l, "running"), &running, row))
        (plan_table(s, &without_plan, row))
        (three_month_table(s, &due, row))
        (funnel(l, &choices.compliance_dashboard, waiting))
        @if s.principal.may_write(tracker_core::auth::Area::Person, "create") {
            (person_form(s, person.map(|p| p.0), person.map(|p| p.1), "/app/trials/person", "new-participant"))
        }
        (new_trial_form(s, &choices, typed, refusal))
        p { a href="/app" { (t(l, "back-to-the-portfolio")) } }
    };
    let refusal = refusal.or(person.map(|p| p.1)).or(row.map(|r| r.1));
    let status = if refusal.is_some() {
        refusal.map_or(StatusCode::BAD_REQUEST, Refusal::status)
    } else {
        StatusCode::OK
    };
    html_response(status, page(title, Some(s), body), vec![])
}

/// One list of placements, each row with its outcome form.
fn trial_table(
    s: &Session,
    id: &str,
    caption: &str,
    rows: &[&TrialPlacement],
    refused: Option<(&Row, &Refusal)>,
) -> Markup {
    let l = s.lang;
    html! {
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id=(id) {
            caption { (caption) " (" (rows.len()) ")" }
            thead { tr {
                th scope="col" { (t(l, "participant")) }
                th scope="col" { (t(l, "case")) }
                th scope="col" { (t(l, "host")) }
                th scope="col" { (t(l, "period")) }
                th scope="col" { (t(l, "trades-tried")) }
                th scope="col" { (t(l, "outcome-and-next-step")) }
            } }
            tbody {
                @for tr in rows {
                    tr {
                        td { (tr.person.display_name) }
                        td { (tr.grant.case_number) }
                        td { (tr.host_contractor.as_ref().map(|c| c.name.as_str()).unwrap_or_default()) }
                        td { (date(l, tr.start_date)) " – " (date(l, tr.end_date)) }
                        td { (tr.trades_tried.join(", ")) }
                        td { (outcome_form(l, s, tr.id, refused.filter(|(r, _)| r.trial == tr.id))) }
                    }
                }
            }
        }
        }
    }
}

/// Placements with an outcome but no next plan (R8), each with a form to add the plan.
fn plan_table(s: &Session, rows: &[&DecidedTrial], refused: Option<(&Row, &Refusal)>) -> Markup {
    let l = s.lang;
    html! {
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id="without-plan" {
            caption { (t(l, "outcome-without-a-next-plan")) " (" (rows.len()) ")" }
            thead { tr {
                th scope="col" { (t(l, "participant")) }
                th scope="col" { (t(l, "case")) }
                th scope="col" { (t(l, "period")) }
                th scope="col" { (t(l, "outcome")) }
                th scope="col" { (t(l, "next-step")) }
            } }
            tbody {
                @for tr in rows {
                    tr {
                        td { (tr.person.display_name) }
                        td { (tr.grant.case_number) }
                        td { (date(l, tr.start_date)) " – " (date(l, tr.end_date)) }
                        td { (tr.outcome.map(|o| outcome_name(l, o)).unwrap_or_default()) }
                        td {
                            @if let (Some(o), Some(on)) = (tr.outcome, tr.outcome_date) {
                                @let here = refused.filter(|(r, _)| r.trial == tr.id);
                                @let error = here.and_then(|(_, r)| Refusal::message_at(Some(r), "nextPlan"));
                                form method="post" action="/app/trials/outcome" novalidate {
                                    input type="hidden" name="csrf" value=(s.session.csrf_token);
                                    input type="hidden" name="trial" value=(tr.id);
                                    input type="hidden" name="outcome" value=(o.code());
                                    input type="hidden" name="date" value=(on);
                                    input type="hidden" name="step" value="plan";
                                    label.form-label for={ "plan-" (tr.id) } { (t(l, "next-step")) }
                                    @if let Some(m) = error { span.form-error-message id={ "plan-" (tr.id) "-error" } { (m) } }
                                    input.form-input id={ "plan-" (tr.id) } name="plan" maxlength="2000" required
                                        value=(here.map(|(r, _)| r.plan.as_str()).unwrap_or_default())
                                        aria-describedby={ "plan-" (tr.id) "-error" };
                                    button.button.button-primary type="submit" { (t(l, "save-the-plan")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        }
    }
}

/// Placements three months past their end without a status (R10), each with its status form.
fn three_month_table(
    s: &Session,
    rows: &[TrialPlacement],
    refused: Option<(&Row, &Refusal)>,
) -> Markup {
    let l = s.lang;
    html! {
        h2 { (t(l, "status-three-months-after")) }
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id="three-month" {
            caption { (t(l, "three-months-passed-without-a-status")) " (" (rows.len()) ")" }
            thead { tr {
                th scope="col" { (t(l, "participant")) }
                th scope="col" { (t(l, "case")) }
                th scope="col" { (t(l, "period")) }
                th scope="col" { (t(l, "outcome")) }
                th scope="col" { (t(l, "status-after-three-months")) }
            } }
            tbody {
                @for tr in rows {
                    tr {
                        td { (tr.person.display_name) }
                        td { (tr.grant.case_number) }
                        td { (date(l, tr.start_date)) " – " (date(l, tr.end_date)) }
                        td { (tr.outcome.map(|o| outcome_name(l, o)).unwrap_or_default()) }
                        td { (three_month_form(l, s, tr.id, refused.filter(|(r, _)| r.trial == tr.id))) }
                    }
                }
            }
        }
        }
    }
}

fn three_month_form(l: Lang, s: &Session, id: Uuid, refused: Option<(&Row, &Refusal)>) -> Markup {
    let error = |api: &str| refused.and_then(|(_, r)| Refusal::message_at(Some(r), api));
    let today = tracker_core::units::danish_today().to_string();
    let date = refused.map_or(today.as_str(), |(r, _)| r.date.as_str());
    let choice = refused.map(|(r, _)| r.choice.as_str());
    html! {
        form method="post" action="/app/trials/three-month" novalidate {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            input type="hidden" name="trial" value=(id);
            label.form-label for={ "status-" (id) } { (t(l, "status")) }
            @if let Some(m) = error("status") { span.form-error-message id={ "status-" (id) "-error" } { (m) } }
            select.form-select id={ "status-" (id) } name="status" required aria-describedby={ "status-" (id) "-error" } {
                @for v in ThreeMonthStatus::ALL {
                    option value=(v.code()) selected[choice == Some(v.code())] { (status_name(l, v)) }
                }
            }
            label.form-label for={ "status-date-" (id) } { (t(l, "found-out-on")) }
            @if let Some(m) = error("statusDate") { span.form-error-message id={ "status-date-" (id) "-error" } { (m) } }
            input.form-input id={ "status-date-" (id) } name="date" type="date" required value=(date)
                aria-describedby={ "status-date-" (id) "-error" };
            button.button.button-primary type="submit" { (t(l, "save-status")) }
        }
    }
}

/// The funnel over the tovholder's grants (chart and table): started, completed, and on to a
/// job, an apprenticeship or education; `waiting` placements have no outcome yet.
fn funnel(l: Lang, grants: &[GrantFunnel], waiting: usize) -> Markup {
    let mut started = 0;
    let mut completed = 0;
    let mut outcomes: HashMap<TrialOutcome, i64> = HashMap::new();
    let mut statuses: HashMap<ThreeMonthStatus, i64> = HashMap::new();
    let (mut passed, mut self_supporting, mut without) = (0, 0, 0);
    for g in grants {
        let f = &g.trial_funnel;
        started += i64::from(f.started);
        completed += i64::from(f.completed);
        for o in &f.outcomes {
            *outcomes.entry(o.outcome).or_default() += i64::from(o.count);
        }
        passed += i64::from(f.three_months_passed);
        self_supporting += i64::from(f.self_supporting_at_three_months);
        without += i64::from(f.three_month_without_status);
        for c in &f.three_month_statuses {
            *statuses.entry(c.status).or_default() += i64::from(c.count);
        }
    }
    let count = |o| outcomes.get(&o).copied().unwrap_or(0);
    let to_job = count(TrialOutcome::OrdinaryJob);
    let to_apprenticeship = count(TrialOutcome::Apprenticeship);
    let to_education = count(TrialOutcome::Education);
    let funnel: Vec<(&str, i64)> = vec![
        (t(l, "started"), started),
        (t(l, "completed-trials"), completed),
        (t(l, "ordinary-job"), to_job),
        (t(l, "apprenticeship"), to_apprenticeship),
        (t(l, "education"), to_education),
    ];
    let chart = crate::charts::bars(
        l,
        t(l, "trial-placements-from-start-to-jobs"),
        t(l, "number"),
        &funnel
            .iter()
            .map(|(k, v)| ((*k).to_owned(), *v as f64))
            .collect::<Vec<_>>(),
        None,
    );
    html! {
        h2 { (t(l, "the-funnel")) }
        figure {
            (PreEscaped(chart))
            figcaption { (t(l, "trial-placements-started-completed-and-on")) }
        }
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id="funnel" {
            caption { (t(l, "the-funnel-in-numbers")) }
            tbody {
                @for (k, v) in &funnel { tr { th scope="row" { (k) } td.num { (v) } } }
                tr { th scope="row" { (t(l, "without-an-outcome-yet")) } td.num { (waiting) } }
            }
        }
        }
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id="three-month-funnel" {
            caption { (t(l, "three-months-later")) }
            thead { tr {
                th scope="col" { (t(l, "status-after-three-months")) }
                th.num scope="col" { (t(l, "how-many")) }
            } }
            tbody {
                tr { th scope="row" { (t(l, "three-months-have-passed")) } td.num { (passed) } }
                @for v in ThreeMonthStatus::ALL {
                    tr { th scope="row" { (status_name(l, v)) } td.num { (statuses.get(&v).copied().unwrap_or(0)) } }
                }
                tr { th scope="row" { (t(l, "self-supporting-after-three-months")) } td.num { (self_supporting) } }
                tr { th scope="row" { (t(l, "without-a-status-yet")) } td.num { (without) } }
            }
        }
        }
    }
}

/// The form for a new placement, keeping what was typed and showing a refusal at its field.
fn new_trial_form(
    s: &Session,
    choices: &TrialChoices,
    typed: Option<&TrialForm>,
    refusal: Option<&Refusal>,
) -> Markup {
    let l = s.lang;
    let grants = &choices.compliance_dashboard;
    let persons = &choices.persons.nodes;
    let contractors = &choices.contractors.nodes;
    let f = typed.cloned().unwrap_or_default();
    let error_for = |field: &str| Refusal::message_at(refusal, field);
    let fields = [
        ("grantId", "grant"),
        ("personId", "person"),
        ("hostContractorId", "host"),
        ("startDate", "start"),
        ("endDate", "end"),
        ("tradesTried", "trades"),
    ];
    let general = refusal
        .filter(|r| !fields.iter().any(|(k, _)| r.is_at(k)))
        .map(|r| r.message.clone());
    html! {
        h2 id="ny" { (t(l, "log-a-new-trial-placement")) }
        @if let Some(m) = general { p.alert.alert-error role="alert" { (m) } }
        (Refusal::summary(l, refusal, &fields))
        form method="post" action="/app/trials" {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            label.form-label for="grant" { (t(l, "grant")) }
            select.form-select id="grant" name="grant" required {
                @for g in grants {
                    option value=(g.grant_id) selected[f.grant == g.grant_id.to_string()] {
                        (g.grant.case_number) " " (g.grant.title) }
                }
            }
            @if let Some(m) = error_for("grantId") { span.form-error-message id="grant-error" { (m) } }
            label.form-label for="person" { (t(l, "participant")) }
            select.form-select id="person" name="person" required aria-describedby="person-error" {
                @for p in persons {
                    option value=(p.id) selected[f.person == p.id.to_string()] { (p.display_name) }
                }
            }
            @if let Some(m) = error_for("personId") { span.form-error-message id="person-error" { (m) } }
            label.form-label for="host" { (t(l, "host-company-optional")) }
            select.form-select id="host" name="host" aria-describedby="host-error" {
                option value="" { "–" }
                @for c in contractors {
                    option value=(c.id) selected[f.host.as_deref() == Some(c.id.to_string().as_str())] { (c.name) }
                }
            }
            @if let Some(m) = error_for("hostContractorId") { span.form-error-message id="host-error" { (m) } }
            label.form-label for="start" { (t(l, "start-date")) }
            input.form-input id="start" name="start" type="date" required value=(f.start) aria-describedby="start-error";
            @if let Some(m) = error_for("startDate") { span.form-error-message id="start-error" { (m) } }
            label.form-label for="end" { (t(l, "end-date")) }
            input.form-input id="end" name="end" type="date" required value=(f.end) aria-describedby="end-error";
            @if let Some(m) = error_for("endDate") { span.form-error-message id="end-error" { (m) } }
            label.form-label for="trades" { (t(l, "trades-separated-by-commas")) }
            @if let Some(m) = error_for("tradesTried") { span.form-error-message id="trades-error" { (m) } }
            input.form-input id="trades" name="trades" maxlength="500" value=(f.trades.clone().unwrap_or_default()) aria-describedby="trades-error";
            button.button.button-primary type="submit" { (t(l, "log-placement")) }
        }
    }
}

fn outcome_form(l: Lang, s: &Session, id: Uuid, refused: Option<(&Row, &Refusal)>) -> Markup {
    let error = |api: &str| refused.and_then(|(_, r)| Refusal::message_at(Some(r), api));
    let today = tracker_core::units::danish_today().to_string();
    let date = refused.map_or(today.as_str(), |(r, _)| r.date.as_str());
    let choice = refused.map(|(r, _)| r.choice.as_str());
    let plan = refused.map_or("", |(r, _)| r.plan.as_str());
    html! {
        form method="post" action="/app/trials/outcome" novalidate {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            input type="hidden" name="trial" value=(id);
            label.form-label for={ "outcome-" (id) } { (t(l, "outcome")) }
            @if let Some(m) = error("outcome") { span.form-error-message id={ "outcome-" (id) "-error" } { (m) } }
            select.form-select id={ "outcome-" (id) } name="outcome" required aria-describedby={ "outcome-" (id) "-error" } {
                @for o in TrialOutcome::ALL {
                    option value=(o.code()) selected[choice == Some(o.code())] { (outcome_name(l, o)) }
                }
            }
            label.form-label for={ "date-" (id) } { (t(l, "date")) }
            @if let Some(m) = error("outcomeDate") { span.form-error-message id={ "date-" (id) "-error" } { (m) } }
            input.form-input id={ "date-" (id) } name="date" type="date" required value=(date)
                aria-describedby={ "date-" (id) "-error" };
            label.form-label for={ "plan-" (id) } { (t(l, "next-step")) }
            @if let Some(m) = error("nextPlan") { span.form-error-message id={ "plan-" (id) "-error" } { (m) } }
            input.form-input id={ "plan-" (id) } name="plan" maxlength="2000" value=(plan)
                aria-describedby={ "plan-" (id) "-error" };
            button.button.button-primary type="submit" { (t(l, "save-outcome")) }
        }
    }
}

/// POST /app/trials/person: registers a participant (a resident, usually) through
/// `createPerson`, to be chosen in the form for a new snusepraktik.
#[handler]
pub async fn create_participant(
    schema: Data<&AppSchema>,
    SignedForm(s, form): SignedForm<PersonForm>,
) -> Response {
    match register_person(&schema, &s, &form).await {
        Ok(id) => to_receipt("/app/trials", "person", id),
        Err(e) => trials_page(&schema, &s, Some((Typed::Person(&form), &e)), None).await,
    }
}

/// GET /app/trials
#[handler]
pub async fn trials_list(
    SignedIn(s): SignedIn,
    schema: Data<&AppSchema>,
    Query(q): Query<super::parts::Receipt>,
) -> Response {
    let what = match q.done.as_deref() {
        Some("created") => Some(t(s.lang, "the-trial-placement-was-logged")),
        Some("outcome") => Some(t(s.lang, "the-outcome-was-saved")),
        Some("status") => Some(t(s.lang, "the-status-was-saved")),
        Some("person") => Some(t(s.lang, "the-participant-was-registered")),
        _ => None,
    };
    let notice = super::parts::receipt_for(s.lang, what, &q);
    trials_page(&schema, &s, None, notice).await
}

pub(super) fn bad_date(l: Lang, field: &str) -> Refusal {
    Refusal::bad_input(field, t(l, "enter-a-date"))
}

/// A choice from one of the form's lists; anything else was not sent by the form.
fn chosen(l: Lang, field: &str, value: &str) -> Result<Uuid, Refusal> {
    value
        .trim()
        .parse::<Uuid>()
        .map_err(|_| Refusal::bad_input(field, t(l, "choose-one-of-the-options-in")))
}

/// POST /app/trials: logs a new trial placement through `createTrialPlacement`.
#[handler]
pub async fn create_trial(
    schema: Data<&AppSchema>,
    SignedForm(s, form): SignedForm<TrialForm>,
) -> Response {
    let Some(start) = form_date(&form.start) else {
        let e = bad_date(s.lang, "startDate");
        return trials_page(&schema, &s, Some((Typed::Trial(&form), &e)), None).await;
    };
    let Some(end) = form_date(&form.end) else {
        let e = bad_date(s.lang, "endDate");
        return trials_page(&schema, &s, Some((Typed::Trial(&form), &e)), None).await;
    };
    let (grant_id, person_id) = match (
        chosen(s.lang, "grantId", &form.grant),
        chosen(s.lang, "personId", &form.person),
    ) {
        (Ok(g), Ok(p)) => (g, p),
        (Err(e), _) | (_, Err(e)) => {
            return trials_page(&schema, &s, Some((Typed::Trial(&form), &e)), None).await;
        }
    };
    let host_contractor_id = match form.host.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(h) => match chosen(s.lang, "hostContractorId", h) {
            Ok(h) => Some(h),
            Err(e) => return trials_page(&schema, &s, Some((Typed::Trial(&form), &e)), None).await,
        },
    };
    let trades_tried: Vec<String> = form
        .trades
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect();
    let i = CreateTrialPlacementInput {
        grant_id,
        person_id,
        host_contractor_id,
        start_date: start,
        end_date: Some(end),
        trades_tried,
        tovholder: s.user.display_name.clone(),
    };
    match ask_op(&schema, &s, CreateTrial::build(CreateTrialVars { i })).await {
        Ok(d) => to_receipt("/app/trials", "created", d.create_trial_placement.id),
        Err(e) => {
            let l = s.lang;
            let e = e.worded(&[
                ("startDate", t(l, "start-date")),
                ("endDate", t(l, "end-date")),
                ("tradesTried", t(l, "trades-tried")),
            ]);
            trials_page(&schema, &s, Some((Typed::Trial(&form), &e)), None).await
        }
    }
}

/// POST /app/trials/outcome: records an outcome and next plan through `recordTrialOutcome`
/// (also the form that adds the plan to an outcome recorded without one). A refusal is shown in
/// the placement's own row, with what was typed.
#[handler]
pub async fn record_outcome(
    schema: Data<&AppSchema>,
    SignedForm(s, form): SignedForm<OutcomeForm>,
) -> Response {
    let l = s.lang;
    // The form writes the placement's id itself; one that does not read was not sent by it.
    let Ok(trial) = form.trial.trim().parse::<Uuid>() else {
        let e = Refusal::bad_input("trialPlacementId", t(l, "choose-one-of-the-options-in"));
        return trials_page(
            &schema,
            &s,
            Some((Typed::Trial(&TrialForm::default()), &e)),
            None,
        )
        .await;
    };
    let row = Row::of(trial, &form.outcome, &form.date, form.plan.as_deref());
    let (on, who) = (&*schema, &s);
    let refuse = move |e: Refusal| async move {
        trials_page(on, who, Some((Typed::Row(row), &e)), None).await
    };
    let Some(date) = form_date(&form.date) else {
        return refuse(bad_date(l, "outcomeDate")).await;
    };
    let Some(outcome) = TrialOutcome::from_code(form.outcome.trim()) else {
        return refuse(Refusal::bad_input(
            "outcome",
            t(l, "choose-one-of-the-outcomes-in"),
        ))
        .await;
    };
    let next_plan = form
        .plan
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    if next_plan.is_none() && form.step.as_deref() == Some("plan") {
        return refuse(Refusal::bad_input("nextPlan", t(l, "write-the-next-step"))).await;
    }
    let i = RecordTrialOutcomeInput {
        trial_placement_id: trial,
        outcome,
        outcome_date: date,
        next_plan,
    };
    match ask_op(&schema, &s, RecordOutcome::build(OutcomeVars { i })).await {
        Ok(d) => to_receipt("/app/trials", "outcome", d.record_trial_outcome.id),
        Err(e) => {
            refuse(e.worded(&[
                ("outcomeDate", t(l, "date")),
                ("nextPlan", t(l, "next-step")),
            ]))
            .await
        }
    }
}

/// POST /app/trials/three-month: records where the participant is three months after the end
/// through `recordThreeMonthStatus`; a refusal is shown in the placement's own row.
#[handler]
pub async fn record_three_month(
    schema: Data<&AppSchema>,
    SignedForm(s, form): SignedForm<ThreeMonthForm>,
) -> Response {
    let l = s.lang;
    let Ok(trial) = form.trial.trim().parse::<Uuid>() else {
        let e = Refusal::bad_input("trialPlacementId", t(l, "choose-one-of-the-options-in"));
        return trials_page(
            &schema,
            &s,
            Some((Typed::Trial(&TrialForm::default()), &e)),
            None,
        )
        .await;
    };
    let row = Row::of(trial, &form.status, &form.date, None);
    let (on, who) = (&*schema, &s);
    let refuse = move |e: Refusal| async move {
        trials_page(on, who, Some((Typed::Row(row), &e)), None).await
    };
    let Some(date) = form_date(&form.date) else {
        return refuse(bad_date(l, "statusDate")).await;
    };
    let Some(status) = ThreeMonthStatus::from_code(form.status.trim()) else {
        return refuse(Refusal::bad_input(
            "status",
            t(l, "choose-one-of-the-options-in"),
        ))
        .await;
    };
    let i = RecordThreeMonthStatusInput {
        trial_placement_id: trial,
        status,
        status_date: date,
    };
    match ask_op(&schema, &s, RecordThreeMonth::build(ThreeMonthVars { i })).await {
        Ok(d) => to_receipt("/app/trials", "status", d.record_three_month_status.id),
        Err(e) => refuse(e.worded(&[("statusDate", t(l, "found-out-on"))])).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_people_type_them() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(form_date("2026-03-01"), Some(d));
        assert_eq!(form_date(" 1.3.2026 "), Some(d));
        assert_eq!(form_date("01-03-2026"), Some(d));
        assert_eq!(form_date("1. marts"), None);
        assert_eq!(form_date(""), None);
        assert_eq!(form_date("1800-01-01"), None, "before the years accepted");
        assert_eq!(form_date("2201-01-01"), None, "after them");
    }

    #[test]
    fn each_open_trial_is_on_one_list() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let on =
            |start: &str, end: &str| list_of(start.parse().unwrap(), end.parse().unwrap(), today);
        assert_eq!(on("2026-11-01", "2026-12-31"), "running");
        // Ends on the seventh day from today: within a week.
        assert_eq!(on("2026-11-01", "2026-12-03"), "ending");
        assert_eq!(on("2026-11-01", "2026-12-04"), "running");
        assert_eq!(on("2026-11-01", "2026-11-25"), "ended");
        assert_eq!(on("2026-12-01", "2026-12-20"), "planned");
    }

    #[test]
    fn every_outcome_reads_back_from_its_form_value() {
        for o in TrialOutcome::ALL {
            assert_eq!(TrialOutcome::from_code(o.code()), Some(o));
        }
        assert_eq!(TrialOutcome::from_code("UNKNOWN"), None);
    }
}
