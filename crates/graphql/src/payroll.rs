//! Payroll import (lønimport) in GraphQL: a file upload by the GraphQL multipart request spec, a
//! dry run or an all-or-nothing import, answered with every problem by line and column.

use async_graphql::{Context, Enum, Object, Result, SimpleObject, Upload};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use engine::i18n::Lang;
use tracker_core::payroll::read::MAX_FILE_BYTES;
use tracker_core::scalars::YearMonth;
use tracker_core::service::payroll::{self as svc, ImportRequest, ImportStatus};

/// What became of a payroll file.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "PayrollImportStatus")]
pub enum Status {
    /// Dry run without problems (kontrolleret): importing would write the reports listed.
    Checked,
    /// Imported (indlæst) as one transaction.
    Imported,
    /// The same file was imported before (allerede indlæst); nothing was written.
    AlreadyImported,
    /// The file has problems (afvist); nothing was written.
    Refused,
}

impl From<ImportStatus> for Status {
    fn from(s: ImportStatus) -> Self {
        match s {
            ImportStatus::Checked => Status::Checked,
            ImportStatus::Imported => Status::Imported,
            ImportStatus::AlreadyImported => Status::AlreadyImported,
            ImportStatus::Refused => Status::Refused,
        }
    }
}

/// A problem with the file, where it is (fejl i filen).
#[derive(SimpleObject)]
#[graphql(name = "PayrollImportProblem")]
pub struct Problem {
    /// The file's line, as a spreadsheet numbers it (the header is line 1); null for the file as
    /// a whole.
    line: Option<i32>,
    /// The column's header as the file writes it.
    column: Option<String>,
    /// In the request's language.
    message: String,
}

/// A monthly hours report the file writes (or, in a dry run, would write).
#[derive(SimpleObject)]
#[graphql(name = "PayrollImportReport", complex)]
pub struct Report {
    contract_id: Uuid,
    month: YearMonth,
    total_hours: Decimal,
    trainee_hours: Decimal,
    trainee_lines: i32,
    /// The month had a report, which this one replaces as a whole.
    replaces: bool,
    /// The file's lines it comes from.
    lines: Vec<i32>,
}

#[async_graphql::ComplexObject]
impl Report {
    /// The contract, for a person to recognise (case, trade, contractor) rather than its id.
    async fn contract(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> async_graphql::Result<super::Contract> {
        super::parent::<entity::contract::Entity, _>(ctx, self.contract_id, super::Contract).await
    }
}

/// The answer to a payroll import (lønimport).
#[derive(SimpleObject)]
pub struct PayrollImport {
    status: Status,
    /// The recorded import: this one, or the earlier import of the same file.
    import_id: Option<Uuid>,
    /// SHA-256 of the file: the same file is imported once.
    file_hash: String,
    /// "csv" or "xlsx".
    format: Option<String>,
    /// Data rows read.
    rows: i32,
    reports: Vec<Report>,
    problems: Vec<Problem>,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl PayrollImport {
    fn of(s: svc::ImportSummary, lang: Lang) -> Self {
        Self {
            status: s.status.into(),
            import_id: s.import_id,
            file_hash: s.file_hash,
            format: s.format.map(|f| f.code().to_owned()),
            rows: count(s.rows),
            reports: s
                .reports
                .into_iter()
                .map(|r| Report {
                    contract_id: r.contract_id,
                    month: r.month,
                    total_hours: r.total_hours,
                    trainee_hours: r.trainee_hours,
                    trainee_lines: count(r.trainee_lines),
                    replaces: r.replaces,
                    lines: r.lines.into_iter().map(count).collect(),
                })
                .collect(),
            problems: s
                .problems
                .into_iter()
                .map(|p| Problem {
                    line: p.line.map(count),
                    column: p.column,
                    message: p.message.get(lang).to_owned(),
                })
                .collect(),
        }
    }
}

#[derive(Default)]
pub struct PayrollMutation;

#[Object]
impl PayrollMutation {
    /// Import monthly hours from a payroll or timesheet file (lønimport): CSV (semicolons or
    /// commas; UTF-8 with or without BOM, or Windows-1252; Danish decimal commas accepted) or
    /// XLSX, at most 2 MiB. Columns: `kontrakt` (or `cvr` and `sagsnummer`), `måned`, `timer i
    /// alt`, and for a trainee `medarbejdernummer` (or `plads`) and `timer`; one row per trainee,
    /// the month's total repeated or given once. `dryRun` checks everything and writes nothing;
    /// otherwise the whole file is applied in one transaction or nothing is. The same file
    /// imported again changes nothing. Problems come back as data, each with its line and column.
    /// Every month of the file is submitted under the importing person's declaration on honour
    /// (`declarationVersion`, as for `reportMonthlyHours`; a dry run needs none); a month the
    /// bygherre has accepted is refused, naming the month.
    async fn import_payroll(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        #[graphql(default)] dry_run: bool,
        filed_at: Option<DateTime<Utc>>,
        declaration_version: Option<String>,
    ) -> Result<PayrollImport> {
        let who = super::principal(ctx).clone();
        who.authorize(tracker_core::auth::Area::Hours, "report", "Hours report")?;
        let upload = file.value(ctx)?;
        let file_name = upload.filename.clone();
        // The multipart reader already holds it in memory, bounded by the request body limit.
        if upload.content.len() > MAX_FILE_BYTES {
            return Err(tracker_core::error::AppError::bad_input(
                "file",
                format!("the file is larger than {} MiB", MAX_FILE_BYTES >> 20),
                format!("filen er større end {} MiB", MAX_FILE_BYTES >> 20),
            )
            .into());
        }
        let bytes = upload.content.to_vec();
        let gate = ctx.data_unchecked::<tracker_core::db::WriteGate>();
        let summary = svc::import_payroll(
            super::db(ctx),
            gate,
            &who,
            ImportRequest {
                file_name,
                bytes,
                dry_run,
                filed_at,
                declaration_version,
            },
        )
        .await?;
        tracker_core::service::payroll::count_import(summary.status);
        Ok(PayrollImport::of(summary, super::lang(ctx)))
    }
}
