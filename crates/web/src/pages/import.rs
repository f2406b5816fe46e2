//! The payroll import page (lønimport): a contractor, bygherre or administrator uploads a
//! payroll or timesheet file, checks it (a dry run that writes nothing) and imports it. The page
//! posts the file through the GraphQL mutation with the signed-in person's principal, so it is
//! validated, scoped and audited like any other import; every problem is listed with its line
//! and column. The form works without JavaScript.

use crate::session::SignedIn;
use chrono::{NaiveDate, TimeZone};
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Multipart};
use poem::{Response, handler};
use sea_orm::DatabaseConnection;

use crate::layout::ask_upload;
use crate::queries::import::{Import, ImportVars, PayrollImport, PayrollImportStatus, Upload};
use crate::{Session, html_response, page, t};
use cynic::MutationBuilder;
use engine::i18n::Lang;
use tracker_core::payroll::read::MAX_FILE_BYTES;
use tracker_graphql::AppSchema;

fn title(l: Lang) -> &'static str {
    t(l, "payroll-import")
}

fn may_declare(s: &Session) -> bool {
    tracker_core::service::hours::may_declare_filing(s.principal.role)
}

fn form(s: &Session, filed: &str, error: Option<&str>) -> Markup {
    let l = s.lang;
    html! {
        p { (t(l, "load-the-months-hours-from-the")) }
        @if let Some(e) = error { p.alert.alert-error role="alert" { (e) } }
        form method="post" action="/app/import" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            label.form-label for="file" { (t(l, "file")) }
            input.form-input id="file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required;
            @if may_declare(s) {
                label.form-label for="filed" { (t(l, "filed-on-only-when-loading-history")) }
                input.form-input id="filed" name="filed" type="date" value=(filed);
            }
            (super::hours::declaration(l, "declare", false, None))
            button.button.button-primary type="submit" name="action" value="check" { (t(l, "check-saves-nothing")) }
            " "
            button.button.button-primary type="submit" name="action" value="import" { (t(l, "import")) }
        }
    }
}

/// GET /app/import
#[handler]
pub async fn import_page(SignedIn(s): SignedIn) -> Response {
    // The API's own rule for who may report hours, so the page and the mutation agree.
    if !s
        .principal
        .may_write(tracker_core::auth::Area::Hours, "report")
    {
        return crate::error_page(
            StatusCode::FORBIDDEN,
            title(s.lang),
            &s,
            t(s.lang, "your-role-cannot-import-hours"),
        );
    }
    html_response(
        StatusCode::OK,
        page(title(s.lang), Some(&s), form(&s, "", None)),
        vec![],
    )
}

fn status_text(l: Lang, status: PayrollImportStatus) -> &'static str {
    match status {
        PayrollImportStatus::Checked => t(l, "the-file-was-checked-without-problems"),
        PayrollImportStatus::Imported => t(l, "the-file-is-imported"),
        PayrollImportStatus::AlreadyImported => t(l, "this-file-was-imported-before-nothing"),
        PayrollImportStatus::Refused => t(l, "the-file-has-problems-and-was"),
    }
}

fn result(l: Lang, d: &PayrollImport) -> Markup {
    let status = d.status;
    html! {
        @if status == PayrollImportStatus::Refused {
            p.alert.alert-error role="alert" { strong { (status_text(l, status)) } }
            div.table--responsive-scroll tabindex="0" {
            table.table.table--zebra {
                caption { (t(l, "problems-in-the-file")) }
                thead { tr { th scope="col" { (t(l, "line")) } th scope="col" { (t(l, "column")) } th scope="col" { (t(l, "problem")) } } }
                tbody {
                    @for p in &d.problems {
                        tr {
                            td { (p.line.map(|n| n.to_string()).unwrap_or_else(|| "–".into())) }
                            td { (p.column.as_deref().unwrap_or_default()) }
                            td { (p.message) }
                        }
                    }
                }
            }
            }
        } @else if status == PayrollImportStatus::Checked {
            p role="status" { strong { (status_text(l, status)) } }
        } @else {
            (super::parts::receipt(l, status_text(l, status), Some(chrono::Utc::now()), d.import_id))
        }
        @if !d.reports.is_empty() {
            div.table--responsive-scroll tabindex="0" {
            table.table.table--zebra {
                caption { @if status == PayrollImportStatus::Checked { (t(l, "what-the-file-will-save")) } @else { (t(l, "saved")) } }
                thead { tr {
                    th scope="col" { (t(l, "contract")) }
                    th scope="col" { (t(l, "month")) }
                    th scope="col" { (t(l, "total-hours")) }
                    th scope="col" { (t(l, "hours-in-training")) }
                    th scope="col" { (t(l, "lines-in-the-file")) }
                    th scope="col" { (t(l, "replaces-a-report")) }
                } }
                tbody {
                    @for r in &d.reports {
                        tr {
                            td { a href={ "/app/hours?contract=" (r.contract_id) "&month=" (r.month.0) } {
                                (r.contract.grant.case_number) " · " (r.contract.trade) " · " (r.contract.contractor.name)
                            } }
                            td { (r.month.name(l)) }
                            td.num { (crate::layout::two(l, r.total_hours)) }
                            td.num { (crate::layout::two(l, r.trainee_hours)) }
                            td { (r.lines.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")) }
                            td { @if r.replaces { (t(l, "yes")) } @else { (t(l, "no")) } }
                        }
                    }
                }
            }
            }
        }
    }
}

/// The filing time a form's date means: noon, Danish time, that day.
fn filed_at(day: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let d = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok()?;
    chrono_tz::Europe::Copenhagen
        .from_local_datetime(&d.and_hms_opt(12, 0, 0)?)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// The fields of the posted form. The file is read up to the import limit and no further.
#[derive(Default)]
struct Posted {
    csrf: String,
    action: String,
    filed: String,
    declare: String,
    file: Option<(String, Vec<u8>)>,
    too_large: bool,
}

async fn posted(mut multipart: Multipart) -> Result<Posted, ()> {
    let mut p = Posted::default();
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name().unwrap_or_default() {
            "csrf" => p.csrf = field.text().await.map_err(|_| ())?,
            "action" => p.action = field.text().await.map_err(|_| ())?,
            "filed" => p.filed = field.text().await.map_err(|_| ())?,
            "declare" => p.declare = field.text().await.map_err(|_| ())?,
            "file" => {
                let name = field.file_name().unwrap_or("fil").to_owned();
                let bytes = field.bytes().await.map_err(|_| ())?;
                if bytes.len() > MAX_FILE_BYTES {
                    p.too_large = true;
                } else if !bytes.is_empty() {
                    p.file = Some((name, bytes));
                }
            }
            _ => {}
        }
    }
    Ok(p)
}

/// POST /app/import (multipart/form-data)
#[handler]
pub async fn import_file(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    schema: Data<&AppSchema>,
    multipart: Multipart,
) -> Response {
    let Ok(p) = posted(multipart).await else {
        return StatusCode::BAD_REQUEST.into();
    };
    let s = match crate::signed_in_form(&db, req, &p.csrf).await {
        Ok(s) => s,
        Err(refused) => return refused,
    };
    let l = s.lang;
    let again = |error: &str| {
        html_response(
            StatusCode::BAD_REQUEST,
            page(title(l), Some(&s), form(&s, &p.filed, Some(error))),
            vec![],
        )
    };
    if p.too_large {
        return again(t(l, "the-file-is-larger-than-2-mib"));
    }
    let Some((name, bytes)) = p.file.clone() else {
        return again(t(l, "choose-a-file"));
    };
    let at = if p.filed.trim().is_empty() || !may_declare(&s) {
        None
    } else {
        match filed_at(&p.filed) {
            Some(at) => Some(at),
            None => {
                return again(t(l, "write-the-date-as-yyyy-mm"));
            }
        }
    };
    let op = Import::build(ImportVars {
        f: Upload::default(),
        d: p.action != "import",
        at,
        dv: (!p.declare.trim().is_empty()).then(|| p.declare.trim().to_owned()),
    });
    let file = async_graphql::UploadValue {
        filename: name,
        content_type: None,
        content: bytes.into(),
    };
    match ask_upload(&schema, &s, op, Some(("f", file))).await {
        Ok(d) => {
            let d = &d.import_payroll;
            let code = if d.status == PayrollImportStatus::Refused {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let body = html! { (result(l, d)) (form(&s, &p.filed, None)) };
            html_response(code, page(title(l), Some(&s), body), vec![])
        }
        Err(refusal) => html_response(
            refusal.status(),
            page(
                title(l),
                Some(&s),
                form(&s, &p.filed, Some(&refusal.message)),
            ),
            vec![],
        ),
    }
}
