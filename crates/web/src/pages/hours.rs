//! The contractor's monthly hours form (månedsindberetning af timer): total labour hours on site
//! and one line per trainee placement, prefilled from the previous month, with each refusal next
//! to its field. The form posts without JavaScript; the report goes through the GraphQL mutation
//! with the signed-in person's principal, so it is validated, scoped and audited under the user
//! like every other write.

use crate::session::{SignedForm, SignedIn};
use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use cynic::{MutationBuilder, QueryBuilder};
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{Response, handler};
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use crate::layout::{ask_op, two};
use crate::queries::YearMonth;
use crate::queries::hours::{
    Contract, ContractVars, DeclareNoActivity, HoursContract, HoursReport, NoActivityInput,
    NoActivityVars, Report, ReportMonthlyHoursInput, ReportVars, SaveDraft, TraineeHoursInput,
};
use crate::{Session, error_page, html_response, page, redirect, t};
use engine::i18n::Lang;
use tracker_graphql::AppSchema;

fn title(l: Lang) -> &'static str {
    t(l, "monthly-hours-report")
}

/// A decimal as a person types it in a Danish form: "1.234,5", "1234,5", "1 234,5" or "150".
/// With a comma, dots and spaces group thousands; without one, a dot groups thousands only where
/// every group after it has three digits ("1.234"), else it is the decimal point ("150.5").
pub fn danish_number(text: &str) -> Option<Decimal> {
    let t: String = text.trim().chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return None;
    }
    let plain = if t.contains(',') {
        t.replace('.', "").replace(',', ".")
    } else {
        let groups: Vec<&str> = t.split('.').collect();
        if groups.len() > 1 && groups[1..].iter().all(|g| g.len() == 3) {
            groups.concat()
        } else {
            t
        }
    };
    plain.parse::<Decimal>().ok()
}

/// A decimal as typed in the page's language: Danish as [`danish_number`], English with commas
/// grouping thousands and a decimal point ("1,234.5").
pub fn form_number(l: Lang, text: &str) -> Option<Decimal> {
    match l {
        Lang::Da => danish_number(text),
        Lang::En => {
            let t: String = text
                .trim()
                .chars()
                .filter(|c| !c.is_whitespace() && *c != ',')
                .collect();
            t.parse::<Decimal>().ok()
        }
    }
}

#[derive(Deserialize)]
pub struct HoursQuery {
    contract: Option<String>,
    month: Option<String>,
    saved: Option<String>,
    done: Option<String>,
    r#ref: Option<String>,
    at: Option<String>,
}

/// The contract with its placements and reports, through the schema. A contract id that does
/// not read is refused as the API refuses a contract outside the person's scope.
async fn contract_data(
    schema: &AppSchema,
    s: &Session,
    contract: &str,
) -> Result<Contract, String> {
    let Ok(c) = contract.trim().parse::<Uuid>() else {
        return Err(t(s.lang, "you-have-no-such-contract").into());
    };
    ask_op(schema, s, HoursContract::build(ContractVars { c }))
        .await
        .map(|d| d.contract)
        .map_err(|e| e.message)
}

/// The contract a posted form names, or the page that refuses it (as the API refuses a contract
/// outside the person's scope).
async fn posted_contract(schema: &AppSchema, s: &Session, id: &str) -> Result<Contract, Response> {
    contract_data(schema, s, id).await.map_err(|_| {
        error_page(
            StatusCode::FORBIDDEN,
            t(s.lang, "monthly-hours"),
            s,
            t(s.lang, "you-have-no-such-contract"),
        )
    })
}

fn ym(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The values to show: those typed (after a refusal), else the month's own report, else the
/// previous month's (the usual case: next month looks like this one).
fn prefill(l: Lang, contract: &Contract, month: NaiveDate) -> (String, HashMap<Uuid, String>) {
    let find = |m: NaiveDate| {
        contract
            .hours_reports
            .iter()
            .find(|r| r.month.first_day() == Some(m))
    };
    let Some(r) = find(month).or_else(|| find(month - Months::new(1))) else {
        return (String::new(), HashMap::new());
    };
    let number = |d: Decimal| engine::i18n::decimal(l, d.normalize(), d.normalize().scale());
    let lines = r
        .lines
        .iter()
        .map(|line| (line.placement.id, number(line.hours)))
        .collect();
    (number(r.total_hours), lines)
}

/// Placements active in `month`, as (id, name).
fn active(contract: &Contract, month: NaiveDate) -> Vec<(Uuid, &str)> {
    let last = month + Months::new(1) - chrono::Days::new(1);
    contract
        .placements
        .iter()
        .filter(|p| p.archived_at.is_none())
        .filter(|p| p.start_date <= last && p.end_date.is_none_or(|e| e >= month))
        .map(|p| (p.id, p.person.display_name.as_str()))
        .collect()
}

/// The month's report already on file, if any.
fn reported(contract: &Contract, month: NaiveDate) -> Option<&HoursReport> {
    contract
        .hours_reports
        .iter()
        .find(|r| r.month.first_day() == Some(month))
}

/// What the person typed besides the figures: whether they ticked the declaration on honour,
/// and the reason for a change after acceptance.
#[derive(Default)]
pub struct Declared {
    declared: bool,
    reason: String,
}

/// The declaration's text and the box to tick, for the submission and "no activity" forms.
pub(crate) fn declaration(l: Lang, id: &str, checked: bool, error: Option<String>) -> Markup {
    let d = engine::workflow::current_declaration();
    let text = match l {
        Lang::Da => d.da,
        Lang::En => d.en,
    };
    html! {
        div.form-group.form-error[error.is_some()] {
            fieldset {
                legend.form-label { (t(l, "declaration-on-honour")) }
                p.declaration-text { (text) }
                @if let Some(e) = &error { span.form-error-message id={ (id) "-error" } { (e) } }
                div.form-group-checkbox {
                    input.form-checkbox type="checkbox" id=(id) name="declare" value=(d.version) checked[checked]
                        aria-invalid=[error.as_ref().map(|_| "true")] aria-describedby={ (id) "-error" };
                    label for=(id) { (t(l, "i-make-the-declaration")) " (" (t(l, "declaration-version")) " " (d.version) ")" }
                }
            }
        }
    }
}

/// A report that would replace one on file: its new total and trainee hours, shown beside the
/// old ones until the person confirms.
pub struct Replacing {
    total: Decimal,
    trainee: Decimal,
}

/// What the form shows besides the contract and the month: the values typed (or prefilled),
/// the refusals by the API's field name, and what to show above it.
#[derive(Default)]
struct Shown {
    /// The month as typed in a refused form; else the month shown.
    month_typed: Option<String>,
    total: String,
    /// Each trainee's hours as typed, by placement.
    lines: HashMap<Uuid, String>,
    errors: HashMap<String, String>,
    /// A refusal that belongs to no field.
    general: Option<String>,
    saved: Option<super::parts::Receipt>,
    replacing: Option<Replacing>,
    typed: Declared,
}

impl Shown {
    fn error(&self, field: &str) -> Option<String> {
        self.errors.get(field).cloned()
    }

    /// The summary at the top, linking each problem to its field in the form's order.
    fn problems(&self, placements: usize) -> Vec<(String, String)> {
        let mut fields: Vec<(String, String)> = [
            ("month", "month"),
            ("totalHours", "total"),
            ("traineeHours", "hours0"),
            ("declarationVersion", "declare"),
            ("reason", "reason"),
        ]
        .into_iter()
        .map(|(api, id)| (api.to_owned(), id.to_owned()))
        .collect();
        fields.extend(
            (0..placements).map(|i| (format!("traineeHours[{i}].hours"), format!("hours{i}"))),
        );
        fields
            .into_iter()
            .filter_map(|(api, id)| Some((id, self.error(&api)?)))
            .collect()
    }
}

fn form(s: &Session, contract: &Contract, month: NaiveDate, shown: &Shown) -> Markup {
    let l = s.lang;
    let placements = active(contract, month);
    let on_file = reported(contract, month);
    let accepted = on_file.is_some_and(|r| r.status == crate::queries::HoursStatus::Accepted);
    let error = |field: &str| shown.error(field);
    html! {
        (crate::layout::error_summary(l, &shown.problems(placements.len())))
        p { (t(l, "contract-label")) (contract.trade) " · "
            (contract.contractor.name) " · " (contract.grant.case_number) }
        (month_status(l, contract, month, shown, on_file))
        @if let Some(g) = &shown.general { p.alert.alert-error role="alert" { (g) } }
        (comparison(l, shown, on_file))
        form method="post" action="/app/hours" novalidate {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            input type="hidden" name="contract" value=(contract.id);
            @if shown.replacing.is_some() { input type="hidden" name="replace" value="yes"; }
            label.form-label for="month" { (t(l, "month-yyyy-mm")) }
            input.form-input id="month" name="month" value=(shown.month_typed.clone().unwrap_or_else(|| ym(month))) inputmode="numeric"
                aria-invalid=[error("month").map(|_| "true")] aria-describedby="month-error";
            @if let Some(e) = error("month") { span.form-error-message id="month-error" { (e) } }
            label.form-label for="total" { (t(l, "total-hours-on-site-everyone-paid")) }
            input.form-input id="total" name="total" value=(shown.total) inputmode="decimal"
                aria-invalid=[error("totalHours").map(|_| "true")] aria-describedby="total-error";
            @if let Some(e) = error("totalHours") { span.form-error-message id="total-error" { (e) } }
            @if let Some(e) = error("traineeHours") { p.alert.alert-error role="alert" { (e) } }
            fieldset {
                legend { (t(l, "hours-of-persons-in-training")) }
                @if placements.is_empty() { p { (t(l, "no-active-placements-on-the-contract")) } }
                @for (i, (id, name)) in placements.iter().enumerate() {
                    input type="hidden" name={ "placement" (i) } value=(id);
                    label.form-label for={ "hours" (i) } { (name) }
                    input.form-input id={ "hours" (i) } name={ "hours" (i) }
                        value=(shown.lines.get(id).map(String::as_str).unwrap_or_default()) inputmode="decimal"
                        aria-invalid=[error(&format!("traineeHours[{i}].hours")).map(|_| "true")]
                        aria-describedby={ "hours" (i) "-error" };
                    @if let Some(e) = error(&format!("traineeHours[{i}].hours")) {
                        span.form-error-message id={ "hours" (i) "-error" } { (e) }
                    }
                }
            }
            div.form-group.form-error[error("reason").is_some()] {
                label.form-label for="reason" {
                    (t(l, "reason-for-the-change"))
                    @if !accepted { " (" (t(l, "only-after-acceptance")) ")" }
                }
                @if let Some(e) = error("reason") { span.form-error-message id="reason-error" { (e) } }
                textarea.form-input id="reason" name="reason" rows="2" maxlength="2000"
                    aria-invalid=[error("reason").map(|_| "true")] aria-describedby="reason-error" { (shown.typed.reason) }
            }
            (declaration(l, "declare", shown.typed.declared, error("declarationVersion")))
            @if shown.replacing.is_some() {
                button.button.button-primary type="submit" name="action" value="submit" { (t(l, "replace-the-report")) }
            } @else {
                button.button.button-primary type="submit" name="action" value="submit" { (t(l, "submit-the-month")) }
            }
            " "
            button.button.button-secondary type="submit" name="action" value="draft" { (t(l, "save-as-draft")) }
        }
        h2 { (t(l, "no-activity-in-the-month")) }
        form method="post" action="/app/hours/no-activity" id="no-activity" novalidate {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            input type="hidden" name="contract" value=(contract.id);
            input type="hidden" name="month" value=(ym(month));
            p { (t(l, "declare-no-activity-help")) }
            @if accepted { input type="hidden" name="reason" value=(shown.typed.reason); }
            (declaration(l, "declare-none", false, error("noActivity")))
            button.button.button-secondary type="submit" { (t(l, "declare-no-activity")) }
        }
    }
}

/// The receipt of what was just saved, and the month's status on file with a link to its
/// versions.
fn month_status(
    l: Lang,
    contract: &Contract,
    month: NaiveDate,
    shown: &Shown,
    on_file: Option<&HoursReport>,
) -> Markup {
    html! {
        @if let Some(r) = &shown.saved {
            (super::parts::receipt(
                l,
                &match r.done.as_deref() {
                    Some("draft") => format!("{} {}{}", t(l, "the-draft-for"), engine::i18n::month(l, month), t(l, "is-saved")),
                    Some("no-activity") => format!("{} {}.", t(l, "no-activity-is-declared-for"), engine::i18n::month(l, month)),
                    _ => format!("{} {}{}{}", t(l, "saved-sentence"), t(l, "the-hours-for"), engine::i18n::month(l, month), t(l, "are-reported")),
                },
                r.at(),
                r.reference(),
            ))
        }
        @if let Some(r) = on_file {
            p id="month-status" {
                (t(l, "status")) ": " (r.status.tag(l))
                @if r.version > 1 { " " (t(l, "version")) " " (r.version) }
                " · " a href={ "/app/hours/month?contract=" (contract.id) "&month=" (ym(month)) } { (t(l, "see-versions-and-history")) }
            }
        }
    }
}

/// The month on file beside the new figures when the person is asked to confirm replacing it,
/// else a note that reporting again replaces it.
fn comparison(l: Lang, shown: &Shown, on_file: Option<&HoursReport>) -> Markup {
    let trainee_of = |r: &HoursReport| r.lines.iter().map(|x| x.hours).sum::<Decimal>();
    html! {
        @if let (Some(old), Some(new)) = (on_file, &shown.replacing) {
            div id="confirm-replace" role="alert" {
                p { strong { (t(l, "the-month-is-already-reported")) } " " (t(l, "confirm-to-replace-it")) }
                div.table--responsive-scroll tabindex="0" {
                table.table.table--zebra {
                    thead { tr {
                        th scope="col" { }
                        th.num scope="col" { (t(l, "on-file")) }
                        th.num scope="col" { (t(l, "new")) }
                    } }
                    tbody {
                        tr { th scope="row" { (t(l, "total-hours")) } td.num { (two(l, old.total_hours)) } td.num { (two(l, new.total)) } }
                        tr { th scope="row" { (t(l, "hours-of-persons-in-training")) } td.num { (two(l, trainee_of(old))) } td.num { (two(l, new.trainee)) } }
                    }
                }
                }
            }
        } @else if let (Some(old), None) = (on_file, &shown.saved) {
            p id="already-reported" {
                (t(l, "the-month-is-already-reported")) " "
                (two(l, old.total_hours)) " " (t(l, "hours-in-total")) ", "
                (two(l, trainee_of(old))) " " (t(l, "by-persons-in-training")) ". "
                (t(l, "reporting-again-replaces-it"))
            }
        }
    }
}

fn month_of(text: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", text?.trim()), "%Y-%m-%d").ok()
}

/// GET /app/hours?contract=…&month=…
#[handler]
pub async fn hours_page(
    SignedIn(s): SignedIn,
    schema: Data<&AppSchema>,
    Query(q): Query<HoursQuery>,
) -> Response {
    let Some(contract_id) = q.contract.as_deref() else {
        return error_page(
            StatusCode::BAD_REQUEST,
            t(s.lang, "monthly-hours"),
            &s,
            t(s.lang, "choose-a-contract-on-the-start"),
        );
    };
    let contract = match contract_data(&schema, &s, contract_id).await {
        Ok(c) => c,
        Err(message) => {
            return error_page(
                StatusCode::FORBIDDEN,
                t(s.lang, "monthly-hours"),
                &s,
                &message,
            );
        }
    };
    // Default: last month, the one due now.
    let month = month_of(q.month.as_deref()).unwrap_or_else(|| {
        let today = tracker_core::units::danish_today();
        today.with_day(1).unwrap_or(today) - Months::new(1)
    });
    let (total, lines) = prefill(s.lang, &contract, month);
    let saved = q
        .saved
        .as_ref()
        .map(|_| super::parts::Receipt::of(q.done.clone(), q.r#ref.clone(), q.at.clone()));
    let shown = Shown {
        total,
        lines,
        saved,
        ..Shown::default()
    };
    let body = form(&s, &contract, month, &shown);
    html_response(StatusCode::OK, page(title(s.lang), Some(&s), body), vec![])
}

/// POST /app/hours
#[handler]
pub async fn report_hours(
    schema: Data<&AppSchema>,
    SignedForm(s, fields): SignedForm<HashMap<String, String>>,
) -> Response {
    let field = |k: &str| fields.get(k).map(String::as_str).unwrap_or_default();
    let l = s.lang;
    let contract = match posted_contract(&schema, &s, field("contract")).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let HoursForm {
        month,
        total,
        lines,
        typed,
        mut errors,
    } = read_form(l, &fields);
    let shown_month = month.unwrap_or_else(tracker_core::units::danish_today);
    let draft = field("action") == "draft";
    let declared = Declared {
        declared: !field("declare").is_empty(),
        reason: field("reason").trim().to_owned(),
    };
    // Refused here, as the API would, before the confirmation to replace a month is asked.
    if declared.reason.chars().count() > 2000 {
        errors.insert("reason".into(), t(l, "the-reason-is-too-long").into());
    }
    let on_file = reported(&contract, shown_month).is_some();
    let replacing = || Replacing {
        total: total.unwrap_or_default(),
        trainee: lines.iter().map(|x| x.hours).sum(),
    };
    let mut shown = Shown {
        total: field("total").to_owned(),
        lines: typed,
        typed: declared,
        ..Shown::default()
    };
    // A month on file is replaced only once the person has seen the old and new figures side by
    // side and confirmed.
    if errors.is_empty() && !draft && on_file && field("replace") != "yes" {
        shown.replacing = Some(replacing());
        let body = form(&s, &contract, shown_month, &shown);
        return html_response(StatusCode::OK, page(title(l), Some(&s), body), vec![]);
    }
    // A refusal after the person confirmed keeps the comparison and the confirmation.
    shown.replacing = (field("replace") == "yes" && on_file).then(replacing);
    if errors.is_empty() {
        let i = ReportMonthlyHoursInput {
            contract_id: contract.id,
            month: YearMonth(ym(shown_month)),
            total_hours: total.unwrap_or_default(),
            trainee_hours: lines,
            // The version the person ticked; unticked, the API refuses at the declaration.
            declaration_version: (!draft && shown.typed.declared)
                .then(|| field("declare").to_owned()),
            reason: (!shown.typed.reason.is_empty()).then(|| shown.typed.reason.clone()),
        };
        match submit(&schema, &s, i, draft).await {
            Ok((done, id)) => {
                return redirect(
                    &format!(
                        "/app/hours?contract={}&month={}&saved=1&{}",
                        contract.id,
                        ym(shown_month),
                        super::parts::receipt_query(done, id),
                    ),
                    vec![],
                );
            }
            Err((field, message)) => {
                errors.insert(field, message);
            }
        }
    }
    shown.errors = on_form_rows(&fields, errors);
    shown.general = shown
        .errors
        .iter()
        .find(|(k, _)| {
            !matches!(
                k.as_str(),
                "month" | "totalHours" | "traineeHours" | "declarationVersion" | "reason"
            ) && !k.starts_with("traineeHours[")
        })
        .map(|(_, v)| v.clone());
    shown.month_typed = Some(field("month").to_owned());
    let body = form(&s, &contract, shown_month, &shown);
    html_response(
        StatusCode::BAD_REQUEST,
        page(title(s.lang), Some(&s), body),
        vec![],
    )
}

/// Submits the month (or saves it as a draft) through the schema: what was done and the id of
/// the version written, or the refusal worded for the form, under its field ("general" when it
/// names none).
async fn submit(
    schema: &AppSchema,
    s: &Session,
    i: ReportMonthlyHoursInput,
    draft: bool,
) -> Result<(&'static str, Uuid), (String, String)> {
    let answer = if draft {
        ask_op(schema, s, SaveDraft::build(ReportVars { i }))
            .await
            .map(|d| ("draft", d.save_hours_draft.id))
    } else {
        ask_op(schema, s, Report::build(ReportVars { i }))
            .await
            .map(|d| ("hours", d.report_monthly_hours.id))
    };
    answer.map_err(|e| {
        let l = s.lang;
        let e = e.worded(&[
            ("month", t(l, "month-yyyy-mm")),
            ("totalHours", t(l, "total-hours")),
            ("hours", t(l, "the-trainees-hours")),
            ("declarationVersion", t(l, "declaration-on-honour")),
            ("reason", t(l, "reason-for-the-change")),
        ]);
        (e.field.unwrap_or_else(|| "general".into()), e.message)
    })
}

/// POST /app/hours/no-activity: the month had no work on site, declared on honour.
#[handler]
pub async fn declare_no_activity(
    schema: Data<&AppSchema>,
    SignedForm(s, fields): SignedForm<HashMap<String, String>>,
) -> Response {
    let field = |k: &str| fields.get(k).map(String::as_str).unwrap_or_default();
    let l = s.lang;
    let contract = match posted_contract(&schema, &s, field("contract")).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let Some(month) = month_of(Some(field("month"))) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            t(l, "monthly-hours"),
            &s,
            t(l, "the-form-is-incomplete-reload-the"),
        );
    };
    let reason = field("reason").trim();
    let i = NoActivityInput {
        contract_id: contract.id,
        month: YearMonth(ym(month)),
        declaration_version: field("declare").to_owned(),
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
    };
    match ask_op(&schema, &s, DeclareNoActivity::build(NoActivityVars { i })).await {
        Ok(d) => redirect(
            &format!(
                "/app/hours?contract={}&month={}&saved=1&{}",
                contract.id,
                ym(month),
                super::parts::receipt_query("no-activity", d.declare_no_activity.id),
            ),
            vec![],
        ),
        Err(e) => {
            let (total, lines) = prefill(l, &contract, month);
            let shown = Shown {
                total,
                lines,
                errors: HashMap::from([("noActivity".to_owned(), e.message)]),
                ..Shown::default()
            };
            let body = form(&s, &contract, month, &shown);
            html_response(
                StatusCode::BAD_REQUEST,
                page(title(l), Some(&s), body),
                vec![],
            )
        }
    }
}

/// The hours form as typed: the month, the total and each trainee's line, each checked as a
/// number written the Danish or the English way; what could not be read is in `errors` under the
/// API's field name.
struct HoursForm {
    month: Option<NaiveDate>,
    total: Option<Decimal>,
    lines: Vec<TraineeHoursInput>,
    /// What was typed in each trainee's field, by placement, to show again.
    typed: HashMap<Uuid, String>,
    errors: HashMap<String, String>,
}

fn read_form(l: Lang, fields: &HashMap<String, String>) -> HoursForm {
    let field = |k: &str| fields.get(k).map(String::as_str).unwrap_or_default();
    let mut errors: HashMap<String, String> = HashMap::new();
    let month = month_of(Some(field("month")));
    if month.is_none() {
        errors.insert("month".into(), t(l, "write-the-month-as-yyyy-mm").into());
    }
    let total = form_number(l, field("total"));
    match total {
        None => {
            errors.insert(
                "totalHours".into(),
                t(l, "write-the-total-hours-as-a").into(),
            );
        }
        // Refused here, as the API would, before the confirmation to replace a month is asked.
        Some(n) if n.is_sign_negative() => {
            errors.insert(
                "totalHours".into(),
                t(l, "total-hours-cannot-be-negative").into(),
            );
        }
        Some(_) => {}
    }
    let mut lines = Vec::new();
    let mut typed = HashMap::new();
    for i in 0.. {
        let Some(placement) = fields.get(&format!("placement{i}")) else {
            break;
        };
        // The form writes the placement ids itself; one that does not read was not sent by it.
        let Ok(placement_id) = placement.trim().parse::<Uuid>() else {
            errors.insert(
                "general".into(),
                t(l, "the-form-is-incomplete-reload-the").into(),
            );
            break;
        };
        let raw = field(&format!("hours{i}"));
        typed.insert(placement_id, raw.to_owned());
        if raw.trim().is_empty() {
            continue;
        }
        match form_number(l, raw) {
            Some(hours) if hours.is_sign_negative() => {
                errors.insert(
                    format!("traineeHours[{i}].hours"),
                    t(l, "hours-cannot-be-negative").into(),
                );
            }
            Some(hours) => lines.push(TraineeHoursInput {
                placement_id,
                hours,
            }),
            None => {
                errors.insert(
                    format!("traineeHours[{i}].hours"),
                    t(l, "write-the-hours-as-a-number").into(),
                );
            }
        }
        if i > 500 {
            break;
        }
    }
    HoursForm {
        month,
        total,
        lines,
        typed,
        errors,
    }
}

/// The mutation numbers `traineeHours[k]` over the filled lines only; this maps each such error
/// back to the form's row.
fn on_form_rows(
    fields: &HashMap<String, String>,
    errors: HashMap<String, String>,
) -> HashMap<String, String> {
    let field = |k: &str| fields.get(k).map(String::as_str).unwrap_or_default();
    let filled: Vec<usize> = (0..)
        .map_while(|i| fields.get(&format!("placement{i}")).map(|_| i))
        .filter(|i| !field(&format!("hours{i}")).trim().is_empty())
        .collect();
    errors
        .into_iter()
        .map(|(k, v)| {
            let row = k
                .strip_prefix("traineeHours[")
                .and_then(|r| r.split(']').next())
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| filled.get(n).copied());
            match row {
                Some(r) if k.ends_with(".hours") => (format!("traineeHours[{r}].hours"), v),
                _ => (k, v),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Lang, form_number};

    /// What the parser read, written plainly, for comparison.
    fn danish_number(text: &str) -> Option<String> {
        super::danish_number(text).map(|d| d.to_string())
    }

    #[test]
    fn numbers_as_english_speakers_type_them() {
        let read = |l, text| form_number(l, text).map(|d| d.to_string());
        assert_eq!(read(Lang::En, "1,234.5").as_deref(), Some("1234.5"));
        assert_eq!(read(Lang::En, "150").as_deref(), Some("150"));
        assert_eq!(read(Lang::Da, "1.234,5").as_deref(), Some("1234.5"));
        assert_eq!(form_number(Lang::En, "twelve"), None);
    }

    #[test]
    fn numbers_as_danes_type_them() {
        assert_eq!(danish_number("1.234,5").as_deref(), Some("1234.5"));
        assert_eq!(danish_number("1 234,50").as_deref(), Some("1234.50"));
        assert_eq!(danish_number("150").as_deref(), Some("150"));
        assert_eq!(danish_number("150,5").as_deref(), Some("150.5"));
        assert_eq!(danish_number("1.234").as_deref(), Some("1234"));
        assert_eq!(danish_number("1.234.567").as_deref(), Some("1234567"));
        assert_eq!(danish_number("150.5").as_deref(), Some("150.5"));
        assert_eq!(danish_number("tolv"), None);
        assert_eq!(danish_number(""), None);
    }
}
