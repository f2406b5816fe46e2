//! The tovholder's pages: snusepraktik (running, ending within a week, ended without an outcome;
//! log a new trial placement; record its outcome and next plan; the funnel as a chart and a
//! table) and the følgegrupper (members, meetings with minutes, action items open and overdue,
//! when the next meeting is due; register a meeting). Reads and writes go through the GraphQL
//! schema with the signed-in person's principal, so they are scoped, validated and audited.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use maud::{Markup, PreEscaped, html};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query};
use poem::{Response, handler};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{Refusal, Session, ask, day, html_response, page, redirect, t, text};
use engine::i18n::Lang;
use tracker_graphql::AppSchema;

/// A date as a person types it: ISO (what `<input type="date">` sends) or Danish "1.3.2024".
pub fn form_date(v: &str) -> Option<NaiveDate> {
    let v = v.trim();
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(v, "%d.%m.%Y"))
        .or_else(|_| NaiveDate::parse_from_str(v, "%d-%m-%Y"))
        .ok()
}

/// An outcome in the page's language.
pub fn outcome_name(l: Lang, o: &str) -> &'static str {
    match o {
        "ORDINARY_JOB" => t(l, "Ordinært job", "Ordinary job"),
        "APPRENTICESHIP" => t(l, "Læreplads", "Apprenticeship"),
        "EDUCATION" => t(l, "Uddannelse", "Education"),
        "JOB_ELSEWHERE" => t(l, "Job andetsteds", "Job elsewhere"),
        "BACK_TO_JOBCENTER" => t(l, "Tilbage til jobcentret", "Back to the jobcenter"),
        "DROPPED_OUT" => t(l, "Frafald", "Dropped out"),
        _ => t(l, "Ukendt", "Unknown"),
    }
}

const OUTCOMES: [&str; 6] = [
    "ORDINARY_JOB",
    "APPRENTICESHIP",
    "EDUCATION",
    "JOB_ELSEWHERE",
    "BACK_TO_JOBCENTER",
    "DROPPED_OUT",
];

// Two requests, each well within the complexity limit: the lists show only placements without an
// outcome yet, the form's choices and the funnel come from the second.
const TRIALS_QUERY: &str = "{
    trialPlacements(first: 200, filter: { open: true }) { edges { node { id startDate endDate outcome
        tradesTried person { displayName } grant { caseNumber } hostContractor { name } } } }
}";
const CHOICES_QUERY: &str = "{
    complianceDashboard { grantId grant { caseNumber title }
        trialFunnel { started completed openWithoutOutcome outcomes { outcome count } } }
    persons(first: 200) { edges { node { id displayName } } }
    contractors(first: 200) { edges { node { id name } } }
}";

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
}

fn nodes(v: &Value) -> Vec<Value> {
    v["edges"]
        .as_array()
        .map(|e| e.iter().map(|n| n["node"].clone()).collect())
        .unwrap_or_default()
}

/// Which list a trial belongs on as of `today`.
fn list_of(trial: &Value, today: NaiveDate) -> Option<&'static str> {
    if !trial["outcome"].is_null() {
        return None;
    }
    let end = trial["endDate"].as_str()?.parse::<NaiveDate>().ok()?;
    let start = trial["startDate"].as_str()?.parse::<NaiveDate>().ok()?;
    if end < today {
        Some("ended")
    } else if start <= today && end <= today + Days::new(7) {
        Some("ending")
    } else if start <= today {
        Some("running")
    } else {
        Some("planned")
    }
}

async fn trials_page(
    schema: &AppSchema,
    s: &Session,
    typed: Option<&TrialForm>,
    refusal: Option<&Refusal>,
    notice: Option<&str>,
) -> Response {
    let l = s.lang;
    let title = t(l, "Snusepraktik", "Trial placements (snusepraktik)");
    let (data, choices) = match (
        ask(schema, s, TRIALS_QUERY, json!({})).await,
        ask(schema, s, CHOICES_QUERY, json!({})).await,
    ) {
        (Ok(d), Ok(c)) => (d, c),
        (Err(e), _) | (_, Err(e)) => return e.page(title, s),
    };
    let today = tracker_core::units::danish_today();
    let trials = nodes(&data["trialPlacements"]);
    let on = |list: &str| -> Vec<&Value> {
        trials
            .iter()
            .filter(|tr| list_of(tr, today) == Some(list))
            .collect()
    };
    let (running, ending, ended) = (on("running"), on("ending"), on("ended"));
    let grants = choices["complianceDashboard"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let waiting = ended.len() + ending.len() + running.len();
    let body = html! {
        @if let Some(n) = notice { p.ok role="status" { (n) } }
        h2 { (t(l, "Løbende og afsluttede forløb", "Running and ended placements")) }
        (trial_table(s, "ending", t(l, "Slutter inden for en uge", "Ending within a week"), &ending))
        (trial_table(s, "ended", t(l, "Afsluttet uden udfald", "Ended without an outcome"), &ended))
        (trial_table(s, "running", t(l, "Løbende", "Running"), &running))
        (funnel(l, &grants, waiting))
        (new_trial_form(s, &grants, &choices, typed, refusal))
        p { a href="/app" { (t(l, "Tilbage til overblikket", "Back to the portfolio")) } }
    };
    let status = if refusal.is_some() {
        refusal.map_or(StatusCode::BAD_REQUEST, Refusal::status)
    } else {
        StatusCode::OK
    };
    html_response(status, page(title, Some(s), body), vec![])
}

/// One list of placements, each row with its outcome form.
fn trial_table(s: &Session, id: &str, caption: &str, rows: &[&Value]) -> Markup {
    let l = s.lang;
    html! {
        table id=(id) {
            caption { (caption) " (" (rows.len()) ")" }
            thead { tr {
                th scope="col" { (t(l, "Deltager", "Participant")) }
                th scope="col" { (t(l, "Sag", "Case")) }
                th scope="col" { (t(l, "Vært", "Host")) }
                th scope="col" { (t(l, "Periode", "Period")) }
                th scope="col" { (t(l, "Fag prøvet", "Trades tried")) }
                th scope="col" { (t(l, "Udfald og næste skridt", "Outcome and next step")) }
            } }
            tbody {
                @for tr in rows {
                    tr {
                        td { (text(&tr["person"]["displayName"])) }
                        td { (text(&tr["grant"]["caseNumber"])) }
                        td { (text(&tr["hostContractor"]["name"])) }
                        td { (day(l, &tr["startDate"])) " – " (day(l, &tr["endDate"])) }
                        td { (tr["tradesTried"].as_array().map(|a| a.iter().map(|x| text(x).to_owned()).collect::<Vec<_>>().join(", ")).unwrap_or_default()) }
                        td { (outcome_form(l, s, tr)) }
                    }
                }
            }
        }
    }
}

/// The funnel over the tovholder's grants (chart and table): started, completed, and on to a
/// job, an apprenticeship or education; `waiting` placements have no outcome yet.
fn funnel(l: Lang, grants: &[Value], waiting: usize) -> Markup {
    let mut started = 0;
    let mut completed = 0;
    let mut outcomes: HashMap<String, i64> = HashMap::new();
    for g in grants {
        let f = &g["trialFunnel"];
        started += f["started"].as_i64().unwrap_or(0);
        completed += f["completed"].as_i64().unwrap_or(0);
        for o in f["outcomes"].as_array().into_iter().flatten() {
            *outcomes.entry(text(&o["outcome"]).to_owned()).or_default() +=
                o["count"].as_i64().unwrap_or(0);
        }
    }
    let to_job = outcomes.get("ORDINARY_JOB").copied().unwrap_or(0);
    let to_apprenticeship = outcomes.get("APPRENTICESHIP").copied().unwrap_or(0);
    let to_education = outcomes.get("EDUCATION").copied().unwrap_or(0);
    let funnel: Vec<(&str, i64)> = vec![
        (t(l, "Startet", "Started"), started),
        (t(l, "Gennemført", "Completed"), completed),
        (t(l, "Ordinært job", "Ordinary job"), to_job),
        (t(l, "Læreplads", "Apprenticeship"), to_apprenticeship),
        (t(l, "Uddannelse", "Education"), to_education),
    ];
    let chart = crate::charts::bars(
        t(
            l,
            "Snusepraktik: fra start til job og uddannelse",
            "Trial placements: from start to jobs and education",
        ),
        t(l, "antal", "number"),
        &funnel
            .iter()
            .map(|(k, v)| ((*k).to_owned(), *v as f64))
            .collect::<Vec<_>>(),
        None,
    );
    html! {
        h2 { (t(l, "Tragten", "The funnel")) }
        figure {
            (PreEscaped(chart))
            figcaption { (t(l, "Snusepraktikker startet, gennemført og videre i job, læreplads og uddannelse. Tallene står i tabellen herunder.",
                            "Trial placements started, completed and on to jobs, apprenticeships and education. The table below has the numbers.")) }
        }
        table id="funnel" {
            caption { (t(l, "Tragten i tal", "The funnel in numbers")) }
            tbody {
                @for (k, v) in &funnel { tr { th scope="row" { (k) } td.num { (v) } } }
                tr { th scope="row" { (t(l, "Uden udfald endnu", "Without an outcome yet")) } td.num { (waiting) } }
            }
        }
    }
}

/// The form for a new placement, keeping what was typed and showing a refusal at its field.
fn new_trial_form(
    s: &Session,
    grants: &[Value],
    choices: &Value,
    typed: Option<&TrialForm>,
    refusal: Option<&Refusal>,
) -> Markup {
    let l = s.lang;
    let persons = nodes(&choices["persons"]);
    let contractors = nodes(&choices["contractors"]);
    let f = typed.cloned().unwrap_or_default();
    let error_for = |field: &str| {
        refusal
            .filter(|r| r.field.as_deref().is_some_and(|x| x.ends_with(field)))
            .map(|r| r.message.clone())
    };
    let general = refusal
        .filter(|r| {
            ![
                "grantId",
                "personId",
                "hostContractorId",
                "startDate",
                "endDate",
                "tradesTried",
            ]
            .iter()
            .any(|k| r.field.as_deref().is_some_and(|x| x.ends_with(k)))
        })
        .map(|r| r.message.clone());
    html! {
        h2 id="ny" { (t(l, "Registrér en ny snusepraktik", "Log a new trial placement")) }
        @if let Some(m) = general { p.error role="alert" { (m) } }
        form method="post" action="/app/trials" {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            label for="grant" { (t(l, "Tilsagn", "Grant")) }
            select id="grant" name="grant" required {
                @for g in grants {
                    option value=(text(&g["grantId"])) selected[f.grant == text(&g["grantId"])] {
                        (text(&g["grant"]["caseNumber"])) " " (text(&g["grant"]["title"])) }
                }
            }
            @if let Some(m) = error_for("grantId") { p.error id="grant-error" { (m) } }
            label for="person" { (t(l, "Deltager", "Participant")) }
            select id="person" name="person" required aria-describedby="person-error" {
                @for p in &persons {
                    option value=(text(&p["id"])) selected[f.person == text(&p["id"])] { (text(&p["displayName"])) }
                }
            }
            @if let Some(m) = error_for("personId") { p.error id="person-error" { (m) } }
            label for="host" { (t(l, "Værtsvirksomhed (valgfri)", "Host company (optional)")) }
            select id="host" name="host" {
                option value="" { "–" }
                @for c in &contractors {
                    option value=(text(&c["id"])) selected[f.host.as_deref() == Some(text(&c["id"]))] { (text(&c["name"])) }
                }
            }
            label for="start" { (t(l, "Startdato", "Start date")) }
            input id="start" name="start" type="date" required value=(f.start) aria-describedby="start-error";
            @if let Some(m) = error_for("startDate") { p.error id="start-error" { (m) } }
            label for="end" { (t(l, "Slutdato", "End date")) }
            input id="end" name="end" type="date" required value=(f.end) aria-describedby="end-error";
            @if let Some(m) = error_for("endDate") { p.error id="end-error" { (m) } }
            label for="trades" { (t(l, "Fag, adskilt af komma", "Trades, separated by commas")) }
            input id="trades" name="trades" maxlength="500" value=(f.trades.clone().unwrap_or_default());
            button type="submit" { (t(l, "Registrér", "Log placement")) }
        }
    }
}

fn outcome_form(l: Lang, s: &Session, trial: &Value) -> Markup {
    let id = text(&trial["id"]);
    html! {
        form method="post" action="/app/trials/outcome" {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            input type="hidden" name="trial" value=(id);
            label for={ "outcome-" (id) } { (t(l, "Udfald", "Outcome")) }
            select id={ "outcome-" (id) } name="outcome" required {
                @for o in OUTCOMES { option value=(o) { (outcome_name(l, o)) } }
            }
            label for={ "date-" (id) } { (t(l, "Dato", "Date")) }
            input id={ "date-" (id) } name="date" type="date" required value=(tracker_core::units::danish_today());
            label for={ "plan-" (id) } { (t(l, "Næste skridt", "Next step")) }
            input id={ "plan-" (id) } name="plan" maxlength="2000";
            button type="submit" { (t(l, "Gem udfald", "Save outcome")) }
        }
    }
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// GET /app/trials
#[handler]
pub async fn trials_list(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    schema: Data<&AppSchema>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let s = match crate::signed_in(&db, req).await {
        Ok(s) => s,
        Err(to_login) => return to_login,
    };
    let notice = match q.done.as_deref() {
        Some("created") => Some(t(
            s.lang,
            "Snusepraktikken er registreret.",
            "The trial placement was logged.",
        )),
        Some("outcome") => Some(t(s.lang, "Udfaldet er gemt.", "The outcome was saved.")),
        _ => None,
    };
    trials_page(&schema, &s, None, None, notice).await
}

fn bad_date(l: Lang, field: &str) -> Refusal {
    Refusal {
        code: "BAD_USER_INPUT".into(),
        message: t(
            l,
            "Skriv en dato, fx 2026-03-01 eller 1.3.2026.",
            "Enter a date such as 2026-03-01.",
        )
        .into(),
        field: Some(field.into()),
    }
}

/// POST /app/trials: logs a new trial placement through `createTrialPlacement`.
#[handler]
pub async fn create_trial(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    schema: Data<&AppSchema>,
    Form(form): Form<TrialForm>,
) -> Response {
    let s = match crate::signed_in_form(&db, req, &form.csrf).await {
        Ok(s) => s,
        Err(refused) => return refused,
    };
    let Some(start) = form_date(&form.start) else {
        return trials_page(
            &schema,
            &s,
            Some(&form),
            Some(&bad_date(s.lang, "startDate")),
            None,
        )
        .await;
    };
    let Some(end) = form_date(&form.end) else {
        return trials_page(
            &schema,
            &s,
            Some(&form),
            Some(&bad_date(s.lang, "endDate")),
            None,
        )
        .await;
    };
    let trades: Vec<String> = form
        .trades
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect();
    let host = form.host.as_deref().filter(|h| !h.is_empty());
    let input = json!({ "i": {
        "grantId": form.grant, "personId": form.person, "hostContractorId": host,
        "startDate": start, "endDate": end, "tradesTried": trades,
        "tovholder": s.user.display_name,
    } });
    match ask(
        &schema,
        &s,
        "mutation($i: CreateTrialPlacementInput!) { createTrialPlacement(input: $i) { id } }",
        input,
    )
    .await
    {
        Ok(_) => redirect("/app/trials?done=created", vec![]),
        Err(e) => trials_page(&schema, &s, Some(&form), Some(&e), None).await,
    }
}

/// POST /app/trials/outcome: records an outcome and next plan through `recordTrialOutcome`.
#[handler]
pub async fn record_outcome(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    schema: Data<&AppSchema>,
    Form(form): Form<OutcomeForm>,
) -> Response {
    let s = match crate::signed_in_form(&db, req, &form.csrf).await {
        Ok(s) => s,
        Err(refused) => return refused,
    };
    let Some(date) = form_date(&form.date) else {
        return trials_page(
            &schema,
            &s,
            None,
            Some(&bad_date(s.lang, "outcomeDate")),
            None,
        )
        .await;
    };
    let plan = form
        .plan
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let input = json!({ "i": {
        "trialPlacementId": form.trial, "outcome": form.outcome, "outcomeDate": date, "nextPlan": plan,
    } });
    match ask(
        &schema,
        &s,
        "mutation($i: RecordTrialOutcomeInput!) { recordTrialOutcome(input: $i) { id } }",
        input,
    )
    .await
    {
        Ok(_) => redirect("/app/trials?done=outcome", vec![]),
        Err(e) => trials_page(&schema, &s, None, Some(&e), None).await,
    }
}

const GROUP_QUERY: &str = "query($g: UUID!) { followUpGroup(id: $g) { id name cadenceDays
    grant { id caseNumber title compliance { deadlines { nextMeetingDue } } }
    members { id name organisation role }
    meetings { id date durationMinutes minutes decisions attendees { name }
        actionItems { id description owner dueDate done } } } }";

/// GET /app/groups: the følgegrupper the person may see.
#[handler]
pub async fn groups_list(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    schema: Data<&AppSchema>,
) -> Response {
    let s = match crate::signed_in(&db, req).await {
        Ok(s) => s,
        Err(to_login) => return to_login,
    };
    let l = s.lang;
    let title = t(l, "Følgegrupper", "Follow-up groups");
    let data = match ask(
        &schema,
        &s,
        "{ followUpGroups(first: 500) { edges { node { id name grant { caseNumber title } } } } }",
        json!({}),
    )
    .await
    {
        Ok(d) => d,
        Err(e) => return e.page(title, &s),
    };
    let body = html! {
        ul {
            @for g in nodes(&data["followUpGroups"]) {
                li { a href={ "/app/groups/" (text(&g["id"])) } { (text(&g["name"])) }
                    " · " (text(&g["grant"]["caseNumber"])) " " (text(&g["grant"]["title"])) }
            }
        }
    };
    html_response(StatusCode::OK, page(title, Some(&s), body), vec![])
}

#[derive(Deserialize, Default, Clone)]
pub struct MeetingForm {
    csrf: String,
    date: String,
    minutes: Option<String>,
    decisions: Option<String>,
    duration: Option<String>,
}

async fn group_page(
    schema: &AppSchema,
    s: &Session,
    group: uuid::Uuid,
    refusal: Option<&Refusal>,
    notice: Option<&str>,
) -> Response {
    let l = s.lang;
    let title = t(l, "Følgegruppe", "Follow-up group");
    let data = match ask(schema, s, GROUP_QUERY, json!({ "g": group })).await {
        Ok(d) => d,
        Err(e) => return e.page(title, s),
    };
    let g = &data["followUpGroup"];
    let today = tracker_core::units::danish_today();
    let meetings = g["meetings"].as_array().cloned().unwrap_or_default();
    let items: Vec<(Value, Value)> = meetings
        .iter()
        .flat_map(|m| {
            m["actionItems"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |a| (a, m["date"].clone()))
        })
        .filter(|(a, _)| a["done"] != true)
        .collect();
    let overdue = |a: &Value| {
        a["dueDate"]
            .as_str()
            .and_then(|d| d.parse::<NaiveDate>().ok())
            .is_some_and(|d| d < today)
    };
    let next_due = &g["grant"]["compliance"]["deadlines"]["nextMeetingDue"];
    let mut sorted = meetings.clone();
    sorted.sort_by(|a, b| text(&b["date"]).cmp(text(&a["date"])));
    let body = html! {
        p { (text(&g["name"])) " · " (text(&g["grant"]["caseNumber"])) " " (text(&g["grant"]["title"])) }
        @if let Some(n) = notice { p.ok role="status" { (n) } }
        p id="next-meeting" {
            (t(l, "Næste møde skal holdes senest ", "The next meeting is due by "))
            strong { (day(l, next_due)) }
            " (" (t(l, "højst ", "at most ")) (g["cadenceDays"]) (t(l, " dage mellem møderne", " days between meetings")) ")."
        }
        h2 { (t(l, "Åbne opgaver", "Open action items")) }
        table id="action-items" {
            thead { tr {
                th scope="col" { (t(l, "Opgave", "Item")) } th scope="col" { (t(l, "Ansvarlig", "Owner")) }
                th scope="col" { (t(l, "Frist", "Due")) } th scope="col" { (t(l, "Fra mødet", "From the meeting")) }
            } }
            tbody {
                @for (a, from) in &items {
                    tr.overdue[overdue(a)] {
                        td { (text(&a["description"])) @if overdue(a) { " " strong.error { (t(l, "(overskredet)", "(overdue)")) } } }
                        td { (text(&a["owner"])) }
                        td { (day(l, &a["dueDate"])) }
                        td { (day(l, from)) }
                    }
                }
            }
        }
        h2 { (t(l, "Medlemmer", "Members")) }
        ul id="members" {
            @for m in g["members"].as_array().into_iter().flatten() {
                li { (text(&m["name"])) ", " (text(&m["organisation"])) }
            }
        }
        h2 { (t(l, "Møder", "Meetings")) }
        @for m in &sorted {
            article.meeting {
                h3 { (day(l, &m["date"])) }
                p { (t(l, "Deltagere: ", "Attended: "))
                    (m["attendees"].as_array().map(|a| a.iter().map(|x| text(&x["name"]).to_owned()).collect::<Vec<_>>().join(", ")).unwrap_or_default()) }
                @if m["minutes"].is_null() { p { em { (t(l, "Intet referat endnu.", "No minutes yet.")) } } }
                @else { h4 { (t(l, "Referat", "Minutes")) } p { (text(&m["minutes"])) } }
                @if !m["decisions"].is_null() { h4 { (t(l, "Beslutninger", "Decisions")) } p { (text(&m["decisions"])) } }
            }
        }
        h2 { (t(l, "Registrér et møde", "Register a meeting")) }
        @if let Some(r) = refusal { p.error role="alert" id="meeting-error" { (r.message) } }
        form method="post" action={ "/app/groups/" (group) } {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            label for="date" { (t(l, "Dato", "Date")) }
            input id="date" name="date" type="date" required value=(today) aria-describedby="meeting-error";
            label for="duration" { (t(l, "Varighed (minutter)", "Length (minutes)")) }
            input id="duration" name="duration" inputmode="numeric" value="60";
            label for="minutes" { (t(l, "Referat", "Minutes")) }
            textarea id="minutes" name="minutes" rows="4" maxlength="20000" {}
            label for="decisions" { (t(l, "Beslutninger", "Decisions")) }
            textarea id="decisions" name="decisions" rows="2" maxlength="20000" {}
            button type="submit" { (t(l, "Registrér mødet", "Register the meeting")) }
        }
        p { a href="/app/groups" { (t(l, "Alle følgegrupper", "All follow-up groups")) } }
    };
    let status = refusal.map_or(StatusCode::OK, Refusal::status);
    html_response(status, page(title, Some(s), body), vec![])
}

/// GET /app/groups/{id}
#[handler]
pub async fn group_view(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    schema: Data<&AppSchema>,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let s = match crate::signed_in(&db, req).await {
        Ok(s) => s,
        Err(to_login) => return to_login,
    };
    let Ok(group) = id.parse::<uuid::Uuid>() else {
        return crate::not_found(&s);
    };
    let notice = q.done.is_some().then(|| {
        t(
            s.lang,
            "Mødet er registreret.",
            "The meeting was registered.",
        )
    });
    group_page(&schema, &s, group, None, notice).await
}

/// POST /app/groups/{id}: registers a meeting with its minutes through `createMeeting`.
#[handler]
pub async fn create_meeting(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    schema: Data<&AppSchema>,
    Path(id): Path<String>,
    Form(form): Form<MeetingForm>,
) -> Response {
    let s = match crate::signed_in_form(&db, req, &form.csrf).await {
        Ok(s) => s,
        Err(refused) => return refused,
    };
    let Ok(group) = id.parse::<uuid::Uuid>() else {
        return crate::not_found(&s);
    };
    let Some(date) = form_date(&form.date) else {
        return group_page(&schema, &s, group, Some(&bad_date(s.lang, "date")), None).await;
    };
    let Some(duration) = form
        .duration
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map_or(Some(60), |d| d.parse::<i32>().ok())
    else {
        let refusal = Refusal {
            code: "BAD_USER_INPUT".into(),
            message: t(
                s.lang,
                "Varigheden skal være et helt antal minutter, fx 60.",
                "The length must be whole minutes, such as 60.",
            )
            .into(),
            field: Some("durationMinutes".into()),
        };
        return group_page(&schema, &s, group, Some(&refusal), None).await;
    };
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
    };
    let input = json!({ "i": {
        "groupId": group, "date": date, "durationMinutes": duration,
        "minutes": blank(&form.minutes), "decisions": blank(&form.decisions),
    } });
    match ask(
        &schema,
        &s,
        "mutation($i: CreateMeetingInput!) { createMeeting(input: $i) { id } }",
        input,
    )
    .await
    {
        Ok(_) => redirect(&format!("/app/groups/{group}?done=1"), vec![]),
        Err(e) => group_page(&schema, &s, group, Some(&e), None).await,
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
    }

    #[test]
    fn each_open_trial_is_on_one_list() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let trial = |start: &str, end: &str, outcome: Value| json!({ "startDate": start, "endDate": end, "outcome": outcome });
        assert_eq!(
            list_of(&trial("2026-11-01", "2026-12-31", Value::Null), today),
            Some("running")
        );
        // Ends on the seventh day from today: within a week.
        assert_eq!(
            list_of(&trial("2026-11-01", "2026-12-03", Value::Null), today),
            Some("ending")
        );
        assert_eq!(
            list_of(&trial("2026-11-01", "2026-12-04", Value::Null), today),
            Some("running")
        );
        assert_eq!(
            list_of(&trial("2026-11-01", "2026-11-25", Value::Null), today),
            Some("ended")
        );
        assert_eq!(
            list_of(&trial("2026-12-01", "2026-12-20", Value::Null), today),
            Some("planned")
        );
        assert_eq!(
            list_of(
                &trial("2026-11-01", "2026-11-25", json!("EDUCATION")),
                today
            ),
            None
        );
    }
}
