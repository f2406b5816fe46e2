//! The download routes: the yearly LBF report of an organisation's grants and one grant's
//! monthly figures, each as XLSX and as CSV (`?dialect=excel-da` or `rfc4180`, see
//! [`crate::exports`]). A program sends a bearer token; a person in the web app has a session.
//! Scoped like the GraphQL queries with the same rows (`lbfYearReports`,
//! `complianceTimeSeries`).

use chrono::{DateTime, NaiveDate, Utc};
use poem::web::{Data, Query};
use poem::{handler, http::StatusCode};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::exports::{Dialect, Table};
use crate::i18n::Lang;
use crate::request::{bearer, error_response, request_lang};
use tracker_core::tables::{LBF_COLUMNS, LbfRow, MONTH_COLUMNS, MonthRow};

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DownloadQuery {
    organisation_id: Option<String>,
    grant_id: Option<String>,
    year: Option<String>,
    /// `YYYY-MM-DD`; default today.
    as_of: Option<String>,
    /// RFC 3339; default now (the LBF report) or the end of `asOf` (monthly figures).
    known_at: Option<String>,
    /// `da` or `en`: overrides Accept-Language (the web app's links carry the page's language).
    lang: Option<String>,
    /// `excel-da` or `rfc4180` (CSV only).
    dialect: Option<String>,
}

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Xlsx,
}

impl DownloadQuery {
    fn lang(&self, http: &poem::Request) -> Lang {
        match self.lang.as_deref() {
            Some("da") => Lang::Da,
            Some("en") => Lang::En,
            _ => request_lang(http),
        }
    }

    fn uuid(value: Option<&str>, field: &str, en: &str, da: &str) -> AppResult<Uuid> {
        value
            .and_then(|v| Uuid::parse_str(v).ok())
            .ok_or_else(|| AppError::bad_input(field, en, da))
    }

    fn year(&self) -> AppResult<i32> {
        self.year
            .as_deref()
            .and_then(|v| v.parse::<i32>().ok())
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| {
                AppError::bad_input(
                    "year",
                    "year must be a calendar year such as 2024",
                    "year skal være et kalenderår, fx 2024",
                )
            })
    }

    fn as_of(&self) -> AppResult<NaiveDate> {
        match self.as_of.as_deref() {
            None => Ok(crate::units::danish_today()),
            Some(v) => v
                .parse::<NaiveDate>()
                .ok()
                .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
                .ok_or_else(|| {
                    AppError::bad_input(
                        "asOf",
                        "asOf must be a date such as 2025-06-30",
                        "asOf skal være en dato, fx 2025-06-30",
                    )
                }),
        }
    }

    fn known_at(&self) -> AppResult<Option<DateTime<Utc>>> {
        match self.known_at.as_deref() {
            None => Ok(None),
            Some(v) => DateTime::parse_from_rfc3339(v)
                .map(|t| Some(t.with_timezone(&Utc)))
                .map_err(|_| {
                    AppError::bad_input(
                        "knownAt",
                        "knownAt must be a time such as 2025-10-01T12:00:00+02:00",
                        "knownAt skal være et tidspunkt, fx 2025-10-01T12:00:00+02:00",
                    )
                }),
        }
    }
}

/// The caller: a web app session when no bearer token is sent, else the token.
async fn caller(db: &DatabaseConnection, http: &poem::Request) -> AppResult<Principal> {
    if bearer(http).is_none()
        && let Some(s) = crate::web::current(db, http).await
    {
        return Ok(s.principal);
    }
    let principal = crate::auth::authenticate(db, bearer(http)).await?;
    crate::web::trust(http);
    Ok(principal)
}

fn respond(
    table: AppResult<Table>,
    format: Format,
    name: &str,
    sheet: &str,
    query: &DownloadQuery,
    lang: Lang,
) -> poem::Response {
    let table = match table {
        Ok(t) => t,
        Err(e) => return error_response(e, lang),
    };
    let (body, content_type, ext) = match format {
        Format::Csv => match Dialect::parse(query.dialect.as_deref(), lang)
            .and_then(|d| crate::exports::csv(&table, d))
        {
            Ok(b) => (b, "text/csv; charset=utf-8", "csv"),
            Err(e) => return error_response(e, lang),
        },
        Format::Xlsx => match crate::exports::xlsx(&table, sheet, lang) {
            Ok(b) => (
                b,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
            Err(e) => return error_response(e, lang),
        },
    };
    poem::Response::builder()
        .status(StatusCode::OK)
        .content_type(content_type)
        .header(
            "Content-Disposition",
            format!("attachment; filename=\"{name}.{ext}\""),
        )
        .body(body)
}

/// The yearly LBF report of every grant of an organisation, one row per grant, under LBF's own
/// field names.
async fn lbf_table(
    db: &DatabaseConnection,
    principal: &Principal,
    query: &DownloadQuery,
    lang: Lang,
) -> AppResult<Table> {
    let org = DownloadQuery::uuid(
        query.organisation_id.as_deref(),
        "organisationId",
        "organisationId must be the UUID of a housing organisation",
        "organisationId skal være en boligorganisations UUID",
    )?;
    let year = query.year()?;
    let known_at = query.known_at()?.unwrap_or_else(crate::clock::now);
    let reports = crate::service::compliance::organisation_year_reports(
        db,
        &principal.scope(),
        org,
        year,
        known_at,
    )
    .await?;
    let rows: Vec<LbfRow> = reports.into_iter().map(|r| LbfRow { r, lang }).collect();
    Ok(Table::of(LBF_COLUMNS, &rows))
}

async fn months_table(
    db: &DatabaseConnection,
    principal: &Principal,
    query: &DownloadQuery,
) -> AppResult<Table> {
    let grant_id = DownloadQuery::uuid(
        query.grant_id.as_deref(),
        "grantId",
        "grantId must be the UUID of a grant",
        "grantId skal være et LBF-tilsagns UUID",
    )?;
    let as_of = query.as_of()?;
    let known_at = crate::service::known::known_now_or(as_of, query.known_at()?);
    let scope = principal.scope();
    scope.require_grant_figures()?;
    let facts =
        crate::service::compliance::cached_grant_facts(db, &scope, grant_id, known_at).await?;
    let rows: Vec<MonthRow> = crate::compliance::time_series(&facts, as_of, None)
        .into_iter()
        .map(|p| MonthRow {
            case_number: facts.case_number.clone(),
            p,
        })
        .collect();
    Ok(Table::of(MONTH_COLUMNS, &rows))
}

async fn lbf_report(
    db: &DatabaseConnection,
    http: &poem::Request,
    query: &DownloadQuery,
    format: Format,
) -> poem::Response {
    let lang = query.lang(http);
    let table = match caller(db, http).await {
        Ok(p) => lbf_table(db, &p, query, lang).await,
        Err(e) => Err(e),
    };
    let year = query.year.as_deref().unwrap_or_default();
    let name = format!(
        "lbf-report-{}",
        year.chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
    );
    let sheet = match lang {
        Lang::Da => "LBF-indberetning",
        Lang::En => "LBF report",
    };
    respond(table, format, &name, sheet, query, lang)
}

async fn grant_months(
    db: &DatabaseConnection,
    http: &poem::Request,
    query: &DownloadQuery,
    format: Format,
) -> poem::Response {
    let lang = query.lang(http);
    let table = match caller(db, http).await {
        Ok(p) => months_table(db, &p, query).await,
        Err(e) => Err(e),
    };
    let sheet = match lang {
        Lang::Da => "Måneder",
        Lang::En => "Months",
    };
    respond(table, format, "grant-months", sheet, query, lang)
}

/// GET /exports/lbf-report.csv?organisationId=…&year=…[&dialect=excel-da|rfc4180]: the yearly
/// LBF report of every grant of an organisation, one line per grant; the same rows as the
/// `lbfYearReports` query.
#[handler]
pub async fn lbf_report_csv(
    db: Data<&DatabaseConnection>,
    http: &poem::Request,
    query: Query<DownloadQuery>,
) -> poem::Response {
    lbf_report(&db, http, &query, Format::Csv).await
}

/// GET /exports/lbf-report.xlsx?organisationId=…&year=…: the same as a workbook.
#[handler]
pub async fn lbf_report_xlsx(
    db: Data<&DatabaseConnection>,
    http: &poem::Request,
    query: Query<DownloadQuery>,
) -> poem::Response {
    lbf_report(&db, http, &query, Format::Xlsx).await
}

/// GET /exports/grant-months.csv?grantId=…[&asOf=…&knownAt=…&dialect=…]: a grant's monthly
/// labour and trainee hours and shares.
#[handler]
pub async fn grant_months_csv(
    db: Data<&DatabaseConnection>,
    http: &poem::Request,
    query: Query<DownloadQuery>,
) -> poem::Response {
    grant_months(&db, http, &query, Format::Csv).await
}

/// GET /exports/grant-months.xlsx?grantId=…: the same as a workbook.
#[handler]
pub async fn grant_months_xlsx(
    db: Data<&DatabaseConnection>,
    http: &poem::Request,
    query: Query<DownloadQuery>,
) -> poem::Response {
    grant_months(&db, http, &query, Format::Xlsx).await
}
