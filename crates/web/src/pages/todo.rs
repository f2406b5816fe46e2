//! The to-do grid (contracts × months): where each contract's monthly hours report stands, month
//! by month, with its deadline and a link to the form for that cell. The contractor sees it on
//! its start page; the bygherre, per contractor, on a grant's contracts page. The statuses are the
//! API's (`Contract.reportingMonths`, judged as R6 judges them), so the grid and the findings
//! never disagree. Each cell also shows where the month stands in the workflow (draft,
//! submitted, approved, accepted, returned) with a link to the month's page.

use chrono::NaiveDate;
use maud::{Markup, html};
use uuid::Uuid;

use crate::queries::MonthReportStatus;
use crate::t;
use engine::i18n::{Lang, date, month};

/// One cell: a month of a contract.
pub struct Cell {
    pub month: NaiveDate,
    pub due: NaiveDate,
    pub status: MonthReportStatus,
    /// Where the month's latest version stands in the workflow, if anything is saved.
    pub hours_status: Option<crate::queries::HoursStatus>,
    pub no_activity: bool,
}

/// One row: a contract, named for the reader, with its months.
pub struct Row {
    pub contract: Uuid,
    pub label: String,
    pub cells: Vec<Cell>,
}

/// The cells of a contract's months as the API answered them.
pub fn cells(months: &[crate::queries::ReportingMonth]) -> Vec<Cell> {
    months
        .iter()
        .filter_map(|m| {
            Some(Cell {
                month: m.month.first_day()?,
                due: m.due_date,
                status: m.status,
                hours_status: m.hours_status,
                no_activity: m.no_activity,
            })
        })
        .collect()
}

/// The status as Det Fælles Designsystem's tag: colour and word together.
fn tag(l: Lang, status: MonthReportStatus) -> Markup {
    let (class, key) = match status {
        MonthReportStatus::NotYetDue => ("badge", "month-not-yet-due"),
        MonthReportStatus::Due => ("badge badge-info", "month-due"),
        MonthReportStatus::ReportedOnTime => ("badge badge-success", "month-reported-on-time"),
        MonthReportStatus::ReportedLate => ("badge badge-warning", "month-reported-late"),
        MonthReportStatus::Missing => ("badge badge-error", "month-missing"),
    };
    html! { span class=(class) { (t(l, key)) } }
}

/// The grid, with the months of every row as columns (oldest first); `may_report` adds the link
/// to each cell's form.
pub fn grid(l: Lang, id: &str, caption: &str, rows: &[Row], may_report: bool) -> Markup {
    let mut months: Vec<NaiveDate> = rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.month))
        .collect();
    months.sort();
    months.dedup();
    html! {
        div.table--responsive-scroll tabindex="0" {
            table.table id=(id) {
                caption { (caption) }
                thead { tr {
                    th scope="col" { (t(l, "contract")) }
                    @for m in &months { th scope="col" { (month(l, *m)) } }
                } }
                tbody {
                    @for r in rows {
                        tr data-contract=(r.contract) {
                            th scope="row" { (r.label) }
                            @for m in &months {
                                @if let Some(c) = r.cells.iter().find(|c| c.month == *m) {
                                    (cell(l, r.contract, c, may_report))
                                } @else {
                                    td { "–" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn cell(l: Lang, contract: Uuid, c: &Cell, may_report: bool) -> Markup {
    let form = format!(
        "/app/hours?contract={contract}&month={}",
        c.month.format("%Y-%m")
    );
    html! {
        td data-month=(c.month.format("%Y-%m")) data-status=(code(c.status)) {
            (tag(l, c.status))
            @match c.status {
                MonthReportStatus::NotYetDue => {
                    br; small { (t(l, "can-be-reported-from")) " " (date(l, next_month(c.month))) }
                }
                MonthReportStatus::Due | MonthReportStatus::Missing => {
                    br; small { (t(l, "due-by")) " " (date(l, c.due)) }
                    @if may_report { br; a href=(form) { (t(l, "report-the-month")) } }
                }
                MonthReportStatus::ReportedOnTime | MonthReportStatus::ReportedLate => {
                    @if may_report { br; a href=(form) { (t(l, "see-or-correct")) } }
                }
            }
            @if c.no_activity { br; small { (t(l, "no-activity-on-site")) } }
            @if let Some(st) = c.hours_status {
                br; (st.tag(l))
                br; a href={ "/app/hours/month?contract=" (contract) "&month=" (c.month.format("%Y-%m")) } { (t(l, "see-the-month")) }
            }
        }
    }
}

/// The schema's name of a status (the cells' `data-status`).
pub fn code(s: MonthReportStatus) -> &'static str {
    match s {
        MonthReportStatus::NotYetDue => "NOT_YET_DUE",
        MonthReportStatus::Due => "DUE",
        MonthReportStatus::ReportedOnTime => "REPORTED_ON_TIME",
        MonthReportStatus::ReportedLate => "REPORTED_LATE",
        MonthReportStatus::Missing => "MISSING",
    }
}

fn next_month(m: NaiveDate) -> NaiveDate {
    engine::compliance::figures::next_month(m)
}
