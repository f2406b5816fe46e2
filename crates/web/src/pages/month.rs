//! A month's hours report in the workflow (månedens indberetning): its status, every version
//! (a correction after acceptance beside the version before it, with the difference in total and
//! per-trainee hours), every step with who took it and why, and the steps the signed-in person
//! may take now: the main contractor approves or returns a subcontractor's month, the bygherre
//! accepts or returns it. Reads and writes go through the GraphQL schema as the person, so the
//! workflow's rules, the scope and the audit trail are the API's.

use crate::session::{SignedForm, SignedIn};
use std::collections::HashMap;

use cynic::{MutationBuilder, QueryBuilder};
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{Response, handler};
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use super::parts::{Receipt, moment, receipt_for, receipt_query};
use crate::layout::{ask_op, two};
use crate::queries::YearMonth;
use crate::queries::hours::{
    Accept, Approve, HoursMonth, HoursStepInput, HoursStepKind, MonthQuery, MonthVars, Return,
    StepVars,
};
use crate::{Session, error_page, html_response, page, redirect, t};
use engine::i18n::Lang;
use tracker_graphql::AppSchema;

fn title(l: Lang) -> &'static str {
    t(l, "the-months-hours-report")
}

#[derive(Deserialize)]
pub struct MonthParams {
    contract: Option<String>,
    month: Option<String>,
    done: Option<String>,
    r#ref: Option<String>,
    at: Option<String>,
}

fn month_param(text: Option<&str>) -> Option<YearMonth> {
    let t = text?.trim();
    t.parse::<tracker_core::scalars::YearMonth>()
        .ok()
        .map(|_| YearMonth(t.to_owned()))
}

async fn load(
    schema: &AppSchema,
    s: &Session,
    c: Uuid,
    m: YearMonth,
) -> Result<HoursMonth, String> {
    ask_op(schema, s, MonthQuery::build(MonthVars { c, m }))
        .await
        .map(|d| d.hours_month)
        .map_err(|e| e.message)
}

/// Hours with their sign, for a change ("+10,00", "−5,00").
fn signed(l: Lang, v: Decimal) -> String {
    if v > Decimal::ZERO {
        format!("+{}", two(l, v))
    } else {
        two(l, v)
    }
}

fn month_body(
    s: &Session,
    m: &HoursMonth,
    receipt: Option<Markup>,
    error: Option<(&str, &str)>,
    reason: &str,
) -> Markup {
    let l = s.lang;
    let may = |k: HoursStepKind| m.next_steps.contains(&k);
    let label = m.month.name(l);
    let hours_form = format!("/app/hours?contract={}&month={}", m.contract_id, m.month.0);
    let names = Names::of(l, m);
    let problems: Vec<(String, String)> = error
        .map(|(field, message)| vec![(field.to_owned(), message.to_owned())])
        .unwrap_or_default();
    html! {
        (crate::layout::error_summary(l, &problems))
        @if let Some(r) = receipt { (r) }
        p { (t(l, "contract-label")) (m.trade) " · " (m.contractor_name) " · " (m.case_number) }
        p id="month-status" {
            strong { (label) ": " }
            @match m.status {
                Some(st) => { (st.tag(l)) }
                None => { (t(l, "not-reported")) }
            }
            @if m.approval_required { " " small { (t(l, "approved-by-the-main-contractor-first")) } }
        }
        @if may(HoursStepKind::Submit) || may(HoursStepKind::SaveDraft) {
            p { a.button.button-secondary href=(hours_form) { (t(l, "report-or-correct-the-month")) } }
        }
        (decide_form(s, m, error, reason))
        (diff(l, m, &names))
        (versions(l, m, &names))
        h2 { (t(l, "history")) }
        ol id="steps" {
            @for st in &m.steps {
                li {
                    (moment(l, st.at)) ": " (t(l, "version")) " " (st.version) " "
                    (st.to.tag(l)) " " (t(l, "by")) " " (st.actor)
                    @if let Some(r) = &st.reason { " – " (r) }
                }
            }
        }
    }
}

/// The trainees' names of the month's versions, by placement.
struct Names(HashMap<Uuid, String>, Lang);

impl Names {
    fn of(l: Lang, m: &HoursMonth) -> Self {
        let names = m
            .versions
            .iter()
            .flat_map(|v| v.lines.iter())
            .filter_map(|x| Some((x.placement_id, x.trainee_name.clone()?)))
            .collect();
        Self(names, l)
    }

    /// The placement's trainee, or "a person in training" when the caller may not see the name.
    fn name(&self, p: &Uuid) -> String {
        self.0
            .get(p)
            .cloned()
            .unwrap_or_else(|| t(self.1, "a-person-in-training").into())
    }
}

/// The buttons for the steps the person may take on the month (approve, accept, return), with
/// the reason a return asks for.
fn decide_form(s: &Session, m: &HoursMonth, error: Option<(&str, &str)>, reason: &str) -> Markup {
    let l = s.lang;
    let may = |k: HoursStepKind| m.next_steps.contains(&k);
    html! {
        @if may(HoursStepKind::Approve) || may(HoursStepKind::Accept) || may(HoursStepKind::Return) {
            form method="post" action="/app/hours/month" id="decide" novalidate {
                input type="hidden" name="csrf" value=(s.session.csrf_token);
                input type="hidden" name="contract" value=(m.contract_id);
                input type="hidden" name="month" value=(m.month.0);
                @if may(HoursStepKind::Return) {
                    div.form-group.form-error[error.is_some()] {
                        label.form-label for="reason" { (t(l, "reason-for-returning")) }
                        @if let Some((_, e)) = error { span.form-error-message id="reason-error" { (e) } }
                        textarea.form-input id="reason" name="reason" rows="3" maxlength="2000"
                            aria-invalid=[error.map(|_| "true")] aria-describedby="reason-error" { (reason) }
                    }
                }
                div {
                    @if may(HoursStepKind::Approve) {
                        button.button.button-primary type="submit" name="step" value="approve" { (t(l, "approve-the-month")) } " "
                    }
                    @if may(HoursStepKind::Accept) {
                        button.button.button-primary type="submit" name="step" value="accept" { (t(l, "accept-the-month")) } " "
                    }
                    @if may(HoursStepKind::Return) {
                        button.button.button-secondary type="submit" name="step" value="return" { (t(l, "return-the-month")) }
                    }
                }
            }
        }
    }
}

/// What the latest correction changes, figure by figure.
fn diff(l: Lang, m: &HoursMonth, names: &Names) -> Markup {
    html! {
        @if let Some(d) = &m.diff {
            h2 { (t(l, "what-the-correction-changes")) }
            div.table--responsive-scroll tabindex="0" {
                table.table.table--zebra id="diff" {
                    caption { (t(l, "version")) " " (d.from_version) " → " (d.to_version) }
                    thead { tr {
                        th scope="col" { }
                        th.num scope="col" { (t(l, "version")) " " (d.from_version) }
                        th.num scope="col" { (t(l, "version")) " " (d.to_version) }
                        th.num scope="col" { (t(l, "change")) }
                    } }
                    tbody {
                        tr { th scope="row" { (t(l, "total-hours")) }
                            td.num { (two(l, d.total_before)) } td.num { (two(l, d.total_after)) } td.num { (signed(l, d.total_change)) } }
                        @for x in &d.lines {
                            tr { th scope="row" { (names.name(&x.placement_id)) }
                                td.num { (two(l, x.before)) } td.num { (two(l, x.after)) } td.num { (signed(l, x.change)) } }
                        }
                    }
                }
            }
        }
    }
}

/// Every version of the month, with its declaration and figures.
fn versions(l: Lang, m: &HoursMonth, names: &Names) -> Markup {
    html! {
        h2 { (t(l, "versions")) }
        @if m.versions.is_empty() { p { (t(l, "nothing-is-saved-for-the-month")) } }
        @for v in &m.versions {
            section.version data-version=(v.number) {
                h3 { (t(l, "version")) " " (v.number) " " (v.status.tag(l)) }
                @if v.no_activity { p { strong { (t(l, "no-activity-on-site")) } } }
                @if let Some(r) = &v.reason { p { (t(l, "reason-for-the-change")) ": " (r) } }
                @if let (Some(by), Some(at)) = (&v.declared_by, v.submitted_at) {
                    p.declared { (t(l, "declared-on-honour-by")) " " (by) ", " (moment(l, at))
                        @if let Some(dv) = &v.declaration_version { " (" (t(l, "declaration")) " " (dv) ")" } }
                }
                div.table--responsive-scroll tabindex="0" {
                    table.table {
                        tbody {
                            tr { th scope="row" { (t(l, "total-hours")) } td.num { (two(l, v.total_hours)) } }
                            @for x in &v.lines {
                                tr { th scope="row" { (names.name(&x.placement_id)) } td.num { (two(l, x.hours)) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// GET /app/hours/month?contract=…&month=…
#[handler]
pub async fn month_page(
    SignedIn(s): SignedIn,
    schema: Data<&AppSchema>,
    Query(q): Query<MonthParams>,
) -> Response {
    let l = s.lang;
    let (Some(c), Some(m)) = (
        q.contract
            .as_deref()
            .and_then(|c| c.trim().parse::<Uuid>().ok()),
        month_param(q.month.as_deref()),
    ) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            title(l),
            &s,
            t(l, "choose-a-contract-on-the-start"),
        );
    };
    match load(&schema, &s, c, m).await {
        Ok(month) => {
            let r = Receipt::of(q.done.clone(), q.r#ref.clone(), q.at.clone());
            let what = q.done.as_deref().map(|d| match d {
                "approved" => t(l, "the-month-is-approved"),
                "accepted" => t(l, "the-month-is-accepted"),
                _ => t(l, "the-month-is-returned"),
            });
            let receipt = receipt_for(l, what, &r);
            let body = month_body(&s, &month, receipt, None, "");
            html_response(StatusCode::OK, page(title(l), Some(&s), body), vec![])
        }
        Err(message) => error_page(StatusCode::FORBIDDEN, title(l), &s, &message),
    }
}

/// POST /app/hours/month: approve, accept or return the month.
#[handler]
pub async fn decide(
    schema: Data<&AppSchema>,
    SignedForm(s, fields): SignedForm<HashMap<String, String>>,
) -> Response {
    let field = |k: &str| fields.get(k).map(String::as_str).unwrap_or_default();
    let l = s.lang;
    let (Ok(c), Some(m)) = (
        field("contract").trim().parse::<Uuid>(),
        month_param(Some(field("month"))),
    ) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            title(l),
            &s,
            t(l, "the-form-is-incomplete-reload-the"),
        );
    };
    let reason = field("reason").trim();
    let i = HoursStepInput {
        contract_id: c,
        month: m.clone(),
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
    };
    let answer = match field("step") {
        "approve" => ask_op(&schema, &s, Approve::build(StepVars { i }))
            .await
            .map(|d| ("approved", d.approve_hours_month.id)),
        "accept" => ask_op(&schema, &s, Accept::build(StepVars { i }))
            .await
            .map(|d| ("accepted", d.accept_hours_month.id)),
        "return" => ask_op(&schema, &s, Return::build(StepVars { i }))
            .await
            .map(|d| ("returned", d.return_hours_month.id)),
        _ => {
            return error_page(
                StatusCode::BAD_REQUEST,
                title(l),
                &s,
                t(l, "the-form-is-incomplete-reload-the"),
            );
        }
    };
    match answer {
        Ok((done, id)) => redirect(
            &format!(
                "/app/hours/month?contract={c}&month={}&{}",
                m.0,
                receipt_query(done, id)
            ),
            vec![],
        ),
        Err(e) => {
            let e = e.worded(&[("reason", t(l, "reason-for-returning"))]);
            let Ok(month) = load(&schema, &s, c, m).await else {
                return error_page(StatusCode::FORBIDDEN, title(l), &s, &e.message);
            };
            let field = if e.field.as_deref() == Some("reason") {
                "reason"
            } else {
                "decide"
            };
            let body = month_body(&s, &month, None, Some((field, &e.message)), reason);
            let status = if e.field.is_some() {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::CONFLICT
            };
            html_response(status, page(title(l), Some(&s), body), vec![])
        }
    }
}
