//! The bygherre's pages (also the viewer's, read-only and without personal data): the portfolio
//! of grants with their next deadlines, sortable and filterable; the contractor ranking; and a
//! grant's yearly LBF report with submit, correct (reason required) and download. Every figure
//! comes through the GraphQL schema with the signed-in person's principal.

use crate::session::{SignedForm, SignedIn};
use cynic::{MutationBuilder, QueryBuilder};
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;

use crate::layout::{Refusal, ask_op, dec, two};
use crate::queries::lbf::{
    Correct, CorrectLbfReportInput, CorrectVars, GrantVars, NextYear, Report, ReportVars, Submit,
    SubmitLbfReportInput, SubmitVars,
};
use crate::queries::portfolio::{
    DashboardFilter, DashboardRow, DashboardSort, Portfolio, PortfolioVars, RowFinding, StatusCount,
};
use crate::queries::ranking::Ranking;
use crate::queries::{ComplianceStatus, Rule, Severity};
use crate::{Session, html_response, page, redirect, t, t_with};
use chrono::NaiveDate;
use engine::i18n::Lang;
use engine::i18n::date;
use tracker_graphql::AppSchema;

crate::session::carries_csrf!(ReportForm);

/// The portfolio's filters and sort, as the GET form sends them.
#[derive(Deserialize, Default)]
pub struct PortfolioQuery {
    status: Option<String>,
    municipality: Option<String>,
    year: Option<String>,
    sort: Option<String>,
    /// Search: part of a case number or title.
    q: Option<String>,
    /// The page of the table, from 1.
    side: Option<String>,
}

/// Grants per page of the portfolio.
const PER_PAGE: usize = 25;

/// The portfolio (porteføljeoverblik) for a person who may see grant figures.
pub async fn portfolio(schema: &AppSchema, s: &Session, q: &PortfolioQuery) -> Markup {
    let l = s.lang;
    let status = q.status.as_deref().and_then(ComplianceStatus::from_code);
    let municipality = q
        .municipality
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| m.chars().take(100).collect::<String>());
    let year_text = q.year.as_deref().map(str::trim).unwrap_or_default();
    let year = year_text
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y));
    let year_refused = !year_text.is_empty() && year.is_none();
    let sort = q
        .sort
        .as_deref()
        .and_then(DashboardSort::from_code)
        .unwrap_or(DashboardSort::CaseNumber);
    let filter = DashboardFilter {
        status,
        municipality: municipality.clone(),
        commitment_year: year,
        organisation_id: None,
    };
    let search =
        q.q.as_deref()
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(|x| x.chars().take(100).collect::<String>());
    let asked = q
        .side
        .as_deref()
        .and_then(|p| p.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 40_000);
    let (answer, side) = portfolio_page(schema, s, &filter, sort, &search, asked).await;
    let today = tracker_core::units::danish_today();
    let (total, counts, shown): (usize, &[StatusCount], &[DashboardRow]) = match &answer {
        Ok(d) => {
            let p = &d.compliance_dashboard_page;
            (p.total_count.max(0) as usize, &p.status_counts, &p.rows)
        }
        Err(_) => (0, &[], &[]),
    };
    let pages = total.div_ceil(PER_PAGE).max(1);
    // A sort or page link keeps the filter and search the person chose.
    let href = |sort_code: &str, page: usize| {
        let mut q = url::form_urlencoded::Serializer::for_suffix(String::from("?"), 1);
        if let Some(st) = status {
            q.append_pair("status", st.code());
        }
        if let Some(m) = &municipality {
            q.append_pair("municipality", m);
        }
        if let Some(y) = year {
            q.append_pair("year", &y.to_string());
        }
        if let Some(x) = &search {
            q.append_pair("q", x);
        }
        q.append_pair("sort", sort_code);
        if page > 1 {
            q.append_pair("side", &page.to_string());
        }
        q.finish()
    };
    let sort_href = |code: &str| href(code, 1);
    html! {
        h2 { (t(l, "portfolio")) }
        @if !counts.is_empty() {
            ul.nobullet-list id="status-counts" aria-label=(t(l, "grants-by-status")) {
                @for c in counts {
                    li { strong { (c.count) } " " (c.status.tag(l)) }
                }
            }
        }
        (filters(l, status, municipality.as_deref(), year_text, sort, search.as_deref()))
        @if year_refused {
            p.alert.alert-error role="alert" id="year-error" {
                (t(l, "the-commitment-year-must-be-a"))
            }
        }
        @if let Err(e) = &answer { p.alert.alert-error role="alert" { (e.message) } }
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id="portfolio" {
            caption { (t(l, "lbf-grants-trainee-share-against-the")) }
            thead { tr {
                th scope="col" { (t(l, "case")) }
                th scope="col" { (t(l, "title")) }
                th scope="col" { (t(l, "status")) }
                th.num scope="col" { a href=(sort_href(if sort == DashboardSort::ShareAsc { "SHARE_DESC" } else { "SHARE_ASC" })) { (t(l, "share")) } }
                th.num scope="col" { (t(l, "required-percent")) }
                th.num scope="col" { a href=(sort_href("SHORTFALL_DESC")) { (t(l, "hours-short")) } }
                th.num scope="col" { (t(l, "rsv-rk-delivered-target")) }
                th.num scope="col" { (t(l, "residents-in-snusepraktik")) }
                th scope="col" { (t(l, "next-deadlines")) }
            } }
            tbody {
                @for r in shown { (portfolio_row(l, r, today)) }
            }
        }
        }
        @if total == 0 && answer.is_ok() { p { (t(l, "no-grant-matches-the-filter")) } }
        @if pages > 1 {
            nav.pagination aria-label=(t(l, "pages-of-the-table")) id="pages" {
                ul.nobullet-list {
                    @if side > 1 { li { a rel="prev" href=(href(sort.code(), side - 1)) { (t(l, "previous-page")) } } }
                    li aria-current="page" {
                        (t_with(l, "page-n-of-m", &[("n", side.to_string()), ("m", pages.to_string())]))
                        " (" (total) " " (t(l, "grants-lower")) ")"
                    }
                    @if side < pages { li { a rel="next" href=(href(sort.code(), side + 1)) { (t(l, "next-page")) } } }
                }
            }
        }
        p { a href="/app/ranking" { (t(l, "contractor-ranking")) } }
    }
}

/// The portfolio's page `asked` (from 1), or its last page if the list has shrunk below it
/// since the link was made; with the page shown.
async fn portfolio_page(
    schema: &AppSchema,
    s: &Session,
    filter: &DashboardFilter,
    sort: DashboardSort,
    search: &Option<String>,
    asked: usize,
) -> (Result<Portfolio, crate::Refusal>, usize) {
    let ask = |side: usize| {
        ask_op(
            schema,
            s,
            Portfolio::build(PortfolioVars {
                f: filter.clone(),
                s: sort,
                q: search.clone(),
                first: PER_PAGE as i32,
                offset: ((side - 1) * PER_PAGE) as i32,
            }),
        )
    };
    let answer = ask(asked).await;
    let total = answer
        .as_ref()
        .map(|a| a.compliance_dashboard_page.total_count)
        .unwrap_or(0);
    let last = (total.max(0) as usize).div_ceil(PER_PAGE).max(1);
    if asked > last {
        (ask(last).await, last)
    } else {
        (answer, asked)
    }
}

/// The portfolio's filters (status, municipality, commitment year) and its sort order, as a
/// form that sends them all, so sorting keeps the filter.
fn filters(
    l: Lang,
    status: Option<ComplianceStatus>,
    municipality: Option<&str>,
    year_text: &str,
    sort: DashboardSort,
    search: Option<&str>,
) -> Markup {
    html! {
        form.filters method="get" action="/app" {
            div {
                label.form-label for="q" { (t(l, "search-case-or-title")) }
                input.form-input id="q" name="q" type="search" maxlength="100" value=(search.unwrap_or_default());
            }
            div {
                label.form-label for="status" { (t(l, "status")) }
                select.form-select id="status" name="status" {
                    option value="" { (t(l, "all")) }
                    @for st in ComplianceStatus::ALL {
                        option value=(st.code()) selected[status == Some(st)] { (st.name(l)) }
                    }
                }
            }
            div {
                label.form-label for="municipality" { (t(l, "municipality")) }
                input.form-input id="municipality" name="municipality" maxlength="100"
                    value=(municipality.unwrap_or_default());
            }
            div {
                label.form-label for="year" { (t(l, "commitment-year")) }
                input.form-input id="year" name="year" inputmode="numeric" maxlength="4" value=(year_text)
                    aria-describedby="year-error";
            }
            div {
                label.form-label for="sort" { (t(l, "sort-by")) }
                select.form-select id="sort" name="sort" {
                    @for (order, name) in DashboardSort::ALL {
                        option value=(order.code()) selected[sort == order] { (t(l, name)) }
                    }
                }
            }
            div { button.button.button-primary type="submit" { (t(l, "show")) } }
        }
    }
}

/// Why a grant has its status, in one line: its most serious finding's message (a breach before a
/// warning), and how many more there are. None for a grant without a warning or breach.
fn cause(l: Lang, r: &DashboardRow) -> Option<String> {
    let serious = |s: Severity| match s {
        Severity::Breach => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    };
    let mut findings: Vec<&RowFinding> = r
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .collect();
    findings.sort_by_key(|f| serious(f.severity));
    let first = findings.first()?;
    Some(match findings.len() - 1 {
        0 => first.message.clone(),
        more => t_with(
            l,
            "first-and-n-more",
            &[("first", first.message.clone()), ("n", more.to_string())],
        ),
    })
}

/// The work that is past its deadline (R5 LBF report, R6 hours reports, R7 meetings, R8 and R10
/// snusepraktik follow-up), each finding's message.
fn overdue(r: &DashboardRow) -> Vec<&str> {
    r.findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .filter(|f| {
            matches!(
                f.rule,
                Rule::R5 | Rule::R6 | Rule::R7 | Rule::R8 | Rule::R10
            )
        })
        .map(|f| f.message.as_str())
        .collect()
}

/// One grant's row: its figures, its status with the cause, and its deadlines.
fn portfolio_row(l: Lang, r: &DashboardRow, today: NaiveDate) -> Markup {
    let dl = &r.deadlines;
    let m = &r.metrics;
    // The month whose hours are due next may still be running: then nothing is missing yet.
    let running = dl
        .hours_report_month
        .as_ref()
        .and_then(|m| m.first_day())
        .is_some_and(|first| engine::compliance::figures::next_month(first) > today);
    html! {
        tr {
            td { a href={ "/app/grants/" (r.grant_id) } { (r.grant.case_number) } }
            td { (r.grant.title) }
            td {
                (r.status.tag(l))
                @if let Some(c) = cause(l, r) { br; small.cause { (c) } }
            }
            td.num { (dec(l, m.share_percent, 2)) }
            td.num { (two(l, m.required_share_percent)) }
            td.num { (two(l, m.shortfall_hours)) }
            td.num { (two(l, m.delivered_arsvaerk)) " / " (dec(l, r.target_arsvaerk, 2)) }
            td.num data-below-target=(r.trial_residents.below_target) {
                (dec(l, r.trial_residents.share_percent, 2))
                @if let Some(target) = r.trial_residents.target_percent { " / " (two(l, target)) }
            }
            td { ul {
                @for o in overdue(r) {
                    li.overdue { strong.badge.badge-error { (t(l, "overdue")) } " " (o) }
                }
                @if let Some(due) = dl.hours_report_due {
                    li { (t(l, "hours-for")) (dl.hours_report_month.as_ref().map(|m| m.name(l)).unwrap_or_default()) ": "
                        (date(l, due))
                        @if running {
                            " (" (t(l, "the-month-is-running")) ")"
                        } @else {
                            " (" (dl.hours_reports_outstanding) " " (t(l, "outstanding")) ")"
                        }
                    }
                }
                @if let Some(due) = dl.lbf_report_due {
                    li { (t(l, "lbf-report")) (dl.lbf_report_year.map(|y| y.to_string()).unwrap_or_default()) ": " (date(l, due))
                        @if due < today {
                            " " strong.badge.badge-error { (t(l, "overdue")) }
                        } }
                }
                @if let Some(due) = dl.next_meeting_due {
                    li { (t(l, "follow-up-meeting-by")) (date(l, due)) }
                }
            } }
        }
    }
}

/// GET /app/ranking: contractors across the person's grants, the furthest behind first.
#[handler]
pub async fn ranking_page(SignedIn(s): SignedIn, schema: Data<&AppSchema>) -> Response {
    let l = s.lang;
    let title = t(l, "contractor-ranking");
    let rows = match ask_op(&schema, &s, Ranking::build(())).await {
        Ok(d) => d.contractor_ranking,
        Err(e) => return e.page(title, &s),
    };
    // Each grant may set its own minimum share; the page names the default.
    let default_share = engine::compliance::params::ParamKey::MinTraineeSharePercent
        .def()
        .default;
    let body = html! {
        p { (t_with(l, "ranking-intro", &[("share", dec(l, Some(default_share), 0))])) }
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id="ranking" {
            caption { (title) }
            thead { tr {
                th scope="col" { (t(l, "contractor")) }
                th.num scope="col" { (t(l, "labour-hours")) }
                th.num scope="col" { (t(l, "trainee-hours")) }
                th.num scope="col" { (t(l, "share")) }
                th.num scope="col" { (t(l, "clause-short-hours")) }
                th scope="col" { (t(l, "behind-on")) }
            } }
            tbody {
                @for r in &rows {
                    tr {
                        td { (r.contractor_name) }
                        td.num { (two(l, r.metrics.labour_hours)) }
                        td.num { (two(l, r.metrics.trainee_hours)) }
                        td.num { (dec(l, r.metrics.share_percent, 2)) }
                        td.num { (dec(l, r.clause_shortfall_hours, 2)) }
                        td {
                            @for g in r.grants.iter().filter(|g| g.behind) {
                                a href={ "/app/grants/" (g.grant_id) } { (g.case_number) } " "
                            }
                        }
                    }
                }
            }
        }
        }
        p { a href="/app" { (t(l, "back-to-the-portfolio")) } }
    };
    html_response(StatusCode::OK, page(title, Some(&s), body), vec![])
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<String>,
    done: Option<String>,
    r#ref: Option<String>,
    at: Option<String>,
}

fn year_of(v: Option<&str>) -> Option<i32> {
    v.and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (2000..=2100).contains(y))
}

/// The report page with an optional refusal next to the forms.
async fn report_page(
    schema: &AppSchema,
    s: &Session,
    grant: uuid::Uuid,
    year: i32,
    notice: Option<maud::Markup>,
    refused: Option<(&Refusal, &str)>,
) -> Response {
    let l = s.lang;
    let title = t(l, "yearly-lbf-report");
    let refusal = refused.map(|(r, _)| r);
    let typed_reason = refused.map_or("", |(_, typed)| typed);
    let r = match ask_op(schema, s, Report::build(ReportVars { g: grant, y: year })).await {
        Ok(d) => d.lbf_year_report,
        Err(e) => return e.page(title, s),
    };
    let submitted = r.submitted;
    // The API's own rule (the audited mutation authorises the same area and operation).
    let may_submit = s
        .principal
        .may_write(tracker_core::auth::Area::LbfReport, "submit");
    let org = r.grant.estate.organisation.id;
    let status = if refusal.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let body = html! {
        p { (r.grant.case_number) " · " (r.grant.title) }
        form.filters method="get" action={ "/app/grants/" (grant) "/lbf" } {
            div {
                label.form-label for="year" { (t(l, "year")) }
                input.form-input id="year" name="year" inputmode="numeric" maxlength="4" value=(year);
            }
            div { button.button.button-primary type="submit" { (t(l, "show")) } }
        }
        @if let Some(n) = notice { (n) }
        p id="report-state" {
            @if submitted { (t(l, "submitted-the-figures-below-are-the")) }
            @else { (t(l, "not-submitted-the-figures-below-are")) }
        }
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id="lbf-report" {
            caption { (t(l, "the-report")) " " (year) }
            tbody {
                @for line in &r.lines {
                    tr data-key=(line.key) { th scope="row" { (line.label) } td.num { (line.value) } }
                }
            }
        }
        }
        p {
            a href={ "/exports/lbf-report.xlsx?organisationId=" (org) "&year=" (year) "&lang=" (match l { Lang::Da => "da", Lang::En => "en" }) } download {
                (t(l, "download-the-organisations-report-for-the")) }
            " · "
            a href={ "/exports/lbf-report.csv?organisationId=" (org) "&year=" (year) "&lang=" (match l { Lang::Da => "da", Lang::En => "en" }) } download {
                (t(l, "csv")) }
        }
        @if !r.versions.is_empty() {
            h2 { (t(l, "versions")) }
            div.table--responsive-scroll tabindex="0" {
            table.table.table--zebra id="versions" {
                thead { tr {
                    th scope="col" { (t(l, "version")) } th scope="col" { (t(l, "submitted")) }
                    th scope="col" { (t(l, "by")) } th scope="col" { (t(l, "reason-for-correction")) }
                } }
                tbody {
                    @for v in &r.versions {
                        tr {
                            td { (v.version) }
                            td { (date(l, tracker_core::units::danish_date(v.submitted_at))) }
                            td { (v.submitted_by) }
                            td { (v.correction_reason.as_deref().unwrap_or_default()) }
                        }
                    }
                }
            }
            }
        }
        @if may_submit {
            @if let Some(r) = refusal.filter(|r| !r.is_at("reason")) { p.alert.alert-error role="alert" { (r.message) } }
            (Refusal::summary(l, refusal, &[("reason", "reason")]))
            @if submitted {
                h2 { (t(l, "correct-the-report")) }
                form method="post" action={ "/app/grants/" (grant) "/lbf" } novalidate {
                    input type="hidden" name="csrf" value=(s.session.csrf_token);
                    input type="hidden" name="year" value=(year);
                    input type="hidden" name="action" value="correct";
                    label.form-label for="reason" { (t(l, "reason-required")) }
                    @if let Some(m) = Refusal::message_at(refusal, "reason") { span.form-error-message id="reason-error" { (m) } }
                    textarea.form-input id="reason" name="reason" required maxlength="2000" rows="3" aria-describedby="reason-error" { (typed_reason) }
                    button.button.button-primary type="submit" { (t(l, "submit-correction")) }
                }
            } @else {
                h2 { (t(l, "submit-the-report")) }
                form method="post" action={ "/app/grants/" (grant) "/lbf" } {
                    input type="hidden" name="csrf" value=(s.session.csrf_token);
                    input type="hidden" name="year" value=(year);
                    input type="hidden" name="action" value="submit";
                    p { (t(l, "the-figures-are-frozen-when-submitted")) }
                    button.button.button-primary type="submit" { (t(l, "submit")) }
                }
            }
        }
        p { a href={ "/app/grants/" (grant) } { (t(l, "back-to-the-grant")) } }
    };
    html_response(status, page(title, Some(s), body), vec![])
}

/// GET /app/grants/{id}/lbf?year=…: the yearly report (default: the earliest year not submitted).
#[handler]
pub async fn lbf_page(
    SignedIn(s): SignedIn,
    schema: Data<&AppSchema>,
    Path(id): Path<String>,
    Query(q): Query<YearQuery>,
) -> Response {
    let Ok(grant) = id.parse::<uuid::Uuid>() else {
        return crate::not_found(&s);
    };
    // By default the year whose report is to be sent next (the earliest not submitted).
    let year = match year_of(q.year.as_deref()) {
        Some(y) => y,
        None => ask_op(&schema, &s, NextYear::build(GrantVars { g: grant }))
            .await
            .ok()
            .and_then(|d| d.compliance.deadlines.lbf_report_year)
            .unwrap_or_else(|| {
                use chrono::Datelike;
                tracker_core::units::danish_today().year() - 1
            }),
    };
    let what = match q.done.as_deref() {
        Some("submitted") => Some(t(s.lang, "the-report-was-submitted")),
        Some("corrected") => Some(t(s.lang, "the-correction-was-submitted")),
        _ => None,
    };
    let receipt = super::parts::Receipt::of(q.done.clone(), q.r#ref.clone(), q.at.clone());
    let notice = super::parts::receipt_for(s.lang, what, &receipt);
    report_page(&schema, &s, grant, year, notice, None).await
}

#[derive(Deserialize)]
pub struct ReportForm {
    csrf: String,
    year: String,
    action: String,
    reason: Option<String>,
}

/// POST /app/grants/{id}/lbf: submits or corrects the year's report through the schema (frozen
/// figures, audited under the user); a refusal is shown next to the form.
#[handler]
pub async fn submit_report(
    schema: Data<&AppSchema>,
    Path(id): Path<String>,
    SignedForm(s, form): SignedForm<ReportForm>,
) -> Response {
    let (Ok(grant), Some(year)) = (id.parse::<uuid::Uuid>(), year_of(Some(&form.year))) else {
        return crate::not_found(&s);
    };
    let by = s.user.display_name.clone();
    let typed = form.reason.clone().unwrap_or_default();
    let answer = match form.action.as_str() {
        "correct" => {
            let i = CorrectLbfReportInput {
                grant_id: grant,
                year,
                submitted_by: by,
                reason: typed.clone(),
            };
            ask_op(&schema, &s, Correct::build(CorrectVars { i }))
                .await
                .map(|d| ("corrected", d.correct_lbf_report.id))
        }
        _ => {
            let i = SubmitLbfReportInput {
                grant_id: grant,
                year,
                submitted_by: by,
            };
            ask_op(&schema, &s, Submit::build(SubmitVars { i }))
                .await
                .map(|d| ("submitted", d.submit_lbf_report.id))
        }
    };
    match answer {
        Ok((done, id)) => redirect(
            &format!(
                "/app/grants/{grant}/lbf?year={year}&{}",
                super::parts::receipt_query(done, id)
            ),
            vec![],
        ),
        Err(e) if e.code == "BAD_USER_INPUT" || e.code == "CONFLICT" => {
            let e = e.worded(&[("reason", t(s.lang, "reason"))]);
            report_page(&schema, &s, grant, year, None, Some((&e, &typed))).await
        }
        Err(e) => e.page(t(s.lang, "yearly-lbf-report"), &s),
    }
}
