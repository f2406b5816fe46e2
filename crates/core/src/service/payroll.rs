//! Payroll import (lønimport): a contractor's payroll or timesheet file applied to the monthly
//! hours reports as one transaction, or not at all.
//!
//! The file is read ([`crate::payroll::read`]), its rows interpreted
//! ([`crate::payroll::rows`]), every contract and trainee looked up in the caller's scope, and the
//! rows grouped into one report per contract and month. Each month then goes through the same
//! service as the GraphQL mutation (validated, replacing the month as a whole, audited), so a file
//! can never do what the form could not. Every problem found on the way is collected with its
//! line and column; if there is any, or the request is a dry run, the transaction is rolled back
//! and nothing is written. A committed import records the file's SHA-256 (unique), so the same
//! file imported again, even at the same moment on another instance, changes nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{contract, contractor, grant, payroll_import, placement};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::hours::{ReportMonthlyHoursInput, TraineeHoursInput};
use super::workflow::report_audited;
use crate::auth::Principal;
use crate::db::{Outcome, WriteGate, write_txn_or_discard};
use crate::error::{AppError, AppResult};
use crate::payroll::read::{self, Format};
use crate::payroll::rows::{self, Column, ContractRef, Headers, Problem, Row, TraineeRef};
use crate::record;
use crate::scalars::{DecimalInput, YearMonth};
use crate::scope::Scope;

/// The audit trail's name for an import.
pub const KIND: crate::record::Kind = crate::record::Kind::PayrollImport;
pub const LABEL: &str = KIND.label();

/// A file to import.
pub struct ImportRequest {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Check everything and write nothing.
    pub dry_run: bool,
    /// When the reports were filed, if earlier than now (loading history); recorded on every
    /// report of the file. Only a BYGHERRE or ADMIN may declare it.
    pub filed_at: Option<DateTime<Utc>>,
    /// The declaration on honour the importing person makes for every month of the file (the
    /// version of query `hoursDeclaration`); a dry run needs none.
    pub declaration_version: Option<String>,
}

/// What became of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportStatus {
    /// A dry run without problems: importing the file would write `reports`.
    Checked,
    /// Written, as one transaction.
    Imported,
    /// This file (the same bytes) was imported before; nothing was written.
    AlreadyImported,
    /// The file has problems; nothing was written.
    Refused,
}

/// One monthly report the file writes (or would write).
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedReport {
    pub contract_id: Uuid,
    pub month: YearMonth,
    pub total_hours: Decimal,
    pub trainee_hours: Decimal,
    pub trainee_lines: usize,
    /// The month had a report, which this one replaces.
    pub replaces: bool,
    /// The lines of the file it comes from.
    pub lines: Vec<usize>,
}

#[derive(Clone, Debug)]
pub struct ImportSummary {
    pub status: ImportStatus,
    /// The import recorded (this one, or the earlier import of the same file).
    pub import_id: Option<Uuid>,
    pub file_hash: String,
    pub format: Option<Format>,
    /// Data rows read (blank rows not counted).
    pub rows: usize,
    pub reports: Vec<PlannedReport>,
    pub problems: Vec<Problem>,
}

impl ImportSummary {
    /// A file refused as a whole, before any of its rows was read.
    fn refused(file_hash: String, format: Option<Format>, problems: Vec<Problem>) -> Self {
        Self {
            status: ImportStatus::Refused,
            import_id: None,
            file_hash,
            format,
            rows: 0,
            reports: Vec::new(),
            problems,
        }
    }
}

/// SHA-256 of the file, lower-case hex.
pub fn file_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn bounded_name(name: &str) -> String {
    let clean: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.trim().is_empty() {
        "uden navn".into()
    } else {
        clean
    }
}

/// One contract and month of the file, rows gathered.
struct Group {
    contract: Uuid,
    month: YearMonth,
    total: Option<(Decimal, usize)>,
    trainees: Vec<(TraineeRef, Decimal, usize)>,
    lines: Vec<usize>,
}

/// A payroll file read: its rows, and the problems of the rows that could not be read.
#[derive(Clone)]
struct FileRead {
    format: Format,
    headers: Headers,
    rows: Vec<Row>,
    problems: Vec<Problem>,
    /// Data rows read, with problems or not (blank rows not counted).
    row_count: usize,
}

/// Why a file is refused as a whole: its format when known, and the problems.
type Refusal = (Option<Format>, Vec<Problem>);

/// Reads the file and its rows: a file that cannot be read, is empty or has no rows of hours is
/// refused as a whole; a row's problems are kept with the rows, so one answer lists them all.
fn read_file(bytes: &[u8], hash: &str) -> Result<FileRead, Refusal> {
    // A parser that panics on a file (calamine has: "capacity overflow") refuses that file; the
    // bounds in `read` keep it from aborting the process first.
    let sheet = match std::panic::catch_unwind(|| read::read(bytes)) {
        Ok(Ok(sheet)) => sheet,
        Ok(Err(e)) => return Err((None, vec![Problem::file(e.en, e.da)])),
        Err(_) => {
            tracing::warn!(file_hash = %hash, "the file parser panicked; the file is refused");
            return Err((
                None,
                vec![Problem::file(
                    "the file could not be read; save it again from Excel or as CSV",
                    "filen kunne ikke læses; gem den igen fra Excel eller som CSV",
                )],
            ));
        }
    };
    let Some((header, data)) = sheet.rows.split_first() else {
        return Err((
            Some(sheet.format),
            vec![Problem::file("the file is empty", "filen er tom")],
        ));
    };
    let headers = match rows::headers(header) {
        Ok(h) => h,
        Err(problems) => return Err((Some(sheet.format), problems)),
    };
    let (rows, problems) = rows::rows(&headers, data);
    if rows.is_empty() && problems.is_empty() {
        return Err((
            Some(sheet.format),
            vec![Problem::file(
                "the file has a header but no rows of hours",
                "filen har en overskrift, men ingen rækker med timer",
            )],
        ));
    }
    let row_count = rows.len()
        + problems
            .iter()
            .filter_map(|p| p.line)
            .collect::<std::collections::HashSet<_>>()
            .len();
    Ok(FileRead {
        format: sheet.format,
        headers,
        rows,
        problems,
        row_count,
    })
}

/// Imports `req` for `who`: see the module note. Problems with the file are the answer's data,
/// not an error; an error means the import could not be attempted (a fault, or contention).
pub async fn import_payroll(
    db: &DatabaseConnection,
    gate: &WriteGate,
    who: &Principal,
    req: ImportRequest,
) -> AppResult<ImportSummary> {
    let hash = file_hash(&req.bytes);
    let refused = |format, problems| ImportSummary::refused(hash.clone(), format, problems);
    let declaration = match declaration_for(who, &req) {
        Ok(declaration) => declaration,
        Err(problems) => return Ok(refused(None, problems)),
    };
    let file = match read_file(&req.bytes, &hash) {
        Ok(read) => read,
        Err((format, problems)) => return Ok(refused(format, problems)),
    };
    let job = Job {
        who: who.clone(),
        scope: who.scope(),
        name: bounded_name(&req.file_name),
        hash,
        file,
        filed_at: req.filed_at,
        dry_run: req.dry_run,
        declaration,
    };
    let attempt = write_txn_or_discard(db, gate, |t| Box::pin(job.clone().run(t))).await?;
    // A concurrent import of the same file won the unique hash: answer with it.
    if attempt.status == ImportStatus::AlreadyImported && attempt.import_id.is_none() {
        let earlier = earlier_import(db, &attempt.file_hash).await?;
        return Ok(ImportSummary {
            import_id: earlier,
            ..attempt
        });
    }
    Ok(attempt)
}

/// The declaration every month of the file is submitted under (the importing person's), or why
/// the import may not be attempted: filing dates declared by a role that may not, or a
/// declaration not given or not current. A check alone declares nothing.
fn declaration_for(who: &Principal, req: &ImportRequest) -> Result<Option<String>, Vec<Problem>> {
    if req.filed_at.is_some() && !super::hours::may_declare_filing(who.role) {
        return Err(vec![Problem::file(
            "only a BYGHERRE or ADMIN may declare when the reports were filed (filedAt); leave it out to file them now",
            "kun en BYGHERRE eller ADMIN må angive, hvornår indberetningerne blev indsendt (filedAt); udelad feltet for at indberette nu",
        )]);
    }
    if req.dry_run {
        return Ok(Some(
            engine::workflow::current_declaration().version.to_owned(),
        ));
    }
    match super::workflow::declared(req.declaration_version.as_deref()) {
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            let text = e.text();
            Err(vec![Problem::file(text.en, text.da)])
        }
    }
}

/// One import, owned, so that a retried transaction starts again from the file as read.
#[derive(Clone)]
struct Job {
    who: Principal,
    scope: Scope,
    name: String,
    hash: String,
    file: FileRead,
    filed_at: Option<DateTime<Utc>>,
    dry_run: bool,
    declaration: Option<String>,
}

impl Job {
    /// The import in the transaction `t`: committed only when every month applied without a
    /// problem and it is not a dry run.
    async fn run(self, t: &sea_orm::DatabaseTransaction) -> AppResult<(ImportSummary, Outcome)> {
        let Job {
            who,
            scope,
            name,
            hash,
            file,
            filed_at,
            dry_run,
            declaration,
        } = self;
        let FileRead {
            format,
            headers,
            rows,
            mut problems,
            row_count,
        } = file;
        let groups = resolve(t, &scope, &headers, &rows, &mut problems).await?;
        let summary = |status, import_id, reports, problems| ImportSummary {
            status,
            import_id,
            file_hash: hash.clone(),
            format: Some(format),
            rows: row_count,
            reports,
            problems,
        };
        // Every month is tried even when lines already have problems, so that one answer
        // lists all of them; nothing is kept unless there are none.
        let clean = problems.is_empty();
        if clean && let Some(earlier) = earlier_import(t, &hash).await? {
            let s = summary(
                ImportStatus::AlreadyImported,
                Some(earlier),
                Vec::new(),
                problems,
            );
            return Ok((s, Outcome::Discard));
        }
        let t_now = super::now();
        let import_id = super::new_id();
        if clean && !dry_run {
            let record = payroll_import::ActiveModel {
                id: Set(import_id),
                file_hash: Set(hash.clone()),
                file_name: Set(name.clone()),
                format: Set(format.code().to_owned()),
                row_count: Set(i32::try_from(row_count).unwrap_or(i32::MAX)),
                report_count: Set(i32::try_from(groups.len()).unwrap_or(i32::MAX)),
                filed_at: Set(filed_at.unwrap_or(t_now)),
                imported_at: Set(t_now),
                token_id: Set((!who.token_id.is_nil()).then_some(who.token_id)),
                user_id: Set(who.user_id),
            };
            if !claim_file(t, record).await? {
                let s = summary(ImportStatus::AlreadyImported, None, Vec::new(), problems);
                return Ok((s, Outcome::Discard));
            }
        }
        lock_contracts(t, &groups).await?;
        let mut reports = Vec::with_capacity(groups.len());
        for g in &groups {
            let filing = (filed_at, &declaration);
            if let Some(planned) =
                apply(t, &scope, &who, &headers, g, filing, &mut problems).await?
            {
                reports.push(planned);
            }
        }
        if !problems.is_empty() {
            // In file order; problems of the file as a whole first.
            problems.sort_by_key(|p| p.line.unwrap_or(0));
            let s = summary(ImportStatus::Refused, None, Vec::new(), problems);
            return Ok((s, Outcome::Discard));
        }
        if dry_run {
            let s = summary(ImportStatus::Checked, None, reports, problems);
            return Ok((s, Outcome::Discard));
        }
        let filed = filed_at.unwrap_or(t_now);
        let after = import_after(import_id, &name, &hash, format, filed, &rows, &reports);
        super::trail::write(t, &who, KIND, import_id, "import", None, Some(after)).await?;
        let s = summary(ImportStatus::Imported, Some(import_id), reports, problems);
        Ok((s, Outcome::Commit))
    }
}

/// Records the import, first, so that a second import of the same file waits here for this one
/// and then finds the hash taken (false) instead of writing the months twice.
async fn claim_file<C: ConnectionTrait>(
    t: &C,
    record: payroll_import::ActiveModel,
) -> AppResult<bool> {
    match record.insert(t).await {
        Ok(_) => Ok(true),
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// Locks every contract of the file up front, in id order, before the first month bumps a
/// grant's revision: the lock order of every hours writer (see `rollup::lock_contracts_for`), so
/// two imports, or an import and a single report, never wait for each other in a circle.
async fn lock_contracts<C: ConnectionTrait>(t: &C, groups: &[Group]) -> AppResult<()> {
    let mut contracts: Vec<Uuid> = groups.iter().map(|g| g.contract).collect();
    contracts.sort();
    contracts.dedup();
    for c in contracts {
        super::rollup::lock_contract(t, c).await?;
    }
    Ok(())
}

/// What the audit trail keeps of an import: the file, its rows and the reports it wrote.
fn import_after(
    import_id: Uuid,
    name: &str,
    hash: &str,
    format: Format,
    filed_at: DateTime<Utc>,
    rows: &[Row],
    reports: &[PlannedReport],
) -> serde_json::Value {
    serde_json::json!({
        "id": import_id,
        "file_name": name,
        "file_hash": hash,
        "format": format.code(),
        "filed_at": filed_at,
        "rows": rows.iter().map(row_json).collect::<Vec<_>>(),
        "reports": reports.iter().map(|r| serde_json::json!({
            "contract_id": r.contract_id,
            "month": r.month.first_day(),
            "total_hours": r.total_hours,
            "trainee_hours": r.trainee_hours,
            "replaces": r.replaces,
            "lines": r.lines,
        })).collect::<Vec<_>>(),
    })
}

fn row_json(r: &Row) -> serde_json::Value {
    let (who, hours) = match &r.trainee {
        Some((TraineeRef::EmployeeNumber(n), h)) => {
            (serde_json::json!({ "employee_number": n }), Some(*h))
        }
        Some((TraineeRef::Placement(p), h)) => (serde_json::json!({ "placement_id": p }), Some(*h)),
        None => (serde_json::Value::Null, None),
    };
    serde_json::json!({
        "line": r.line,
        "contract": match &r.contract {
            ContractRef::Id(id) => serde_json::json!({ "id": id }),
            ContractRef::CvrCase(cvr, case) => serde_json::json!({ "cvr": cvr, "case_number": case }),
        },
        "month": r.month.first_day(),
        "total_hours": r.total,
        "trainee": who,
        "hours": hours,
    })
}

async fn earlier_import<C: ConnectionTrait>(db: &C, hash: &str) -> AppResult<Option<Uuid>> {
    Ok(payroll_import::Entity::find()
        .filter(payroll_import::Column::FileHash.eq(hash))
        .one(db)
        .await?
        .map(|i| i.id))
}

/// Looks up each row's contract in the caller's scope and groups the rows by contract and month,
/// adding every problem found.
async fn resolve<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    h: &Headers,
    rows: &[Row],
    problems: &mut Vec<Problem>,
) -> AppResult<Vec<Group>> {
    let mut contracts: HashMap<ContractRef, Option<Uuid>> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<(Uuid, YearMonth), usize> = HashMap::new();
    for row in rows {
        let contract = match contracts.get(&row.contract) {
            Some(found) => *found,
            None => {
                let found = find_contract(db, scope, h, row, problems).await?;
                contracts.insert(row.contract.clone(), found);
                found
            }
        };
        let Some(contract) = contract else {
            if !problems.iter().any(|p| p.line == Some(row.line)) {
                problems.push(Problem::at(
                    row.line,
                    &h.name(Column::Contract),
                    "the same contract as an earlier line, which could not be found",
                    "samme kontrakt som en tidligere linje, der ikke kunne findes",
                ));
            }
            continue;
        };
        let at = *index.entry((contract, row.month)).or_insert_with(|| {
            groups.push(Group {
                contract,
                month: row.month,
                total: None,
                trainees: Vec::new(),
                lines: Vec::new(),
            });
            groups.len() - 1
        });
        let g = &mut groups[at];
        g.lines.push(row.line);
        if let Some(total) = row.total {
            match g.total {
                Some((earlier, line)) if earlier != total => problems.push(Problem::at(
                    row.line,
                    &h.name(Column::Total),
                    format!("the month's total hours are {total} here but {earlier} on line {line}; give the same total on every line of a contract and month"),
                    format!("månedens timer i alt er {total} her, men {earlier} på linje {line}; angiv samme antal på alle linjer for en kontrakt og måned"),
                )),
                Some(_) => {}
                None => g.total = Some((total, row.line)),
            }
        }
        if let Some((who, hours)) = &row.trainee {
            g.trainees.push((who.clone(), *hours, row.line));
        }
    }
    for g in &groups {
        if g.total.is_none() {
            problems.push(Problem::at(
                g.lines[0],
                &h.name(Column::Total),
                format!(
                    "no line gives the total hours of {} on this contract",
                    g.month.0.format("%Y-%m")
                ),
                format!(
                    "ingen linje angiver timer i alt for {} på denne kontrakt",
                    crate::i18n::da_month(g.month.0)
                ),
            ));
        }
    }
    Ok(groups)
}

async fn find_contract<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    h: &Headers,
    row: &Row,
    problems: &mut Vec<Problem>,
) -> AppResult<Option<Uuid>> {
    match &row.contract {
        ContractRef::Id(id) => match record::get::<contract::Entity, _>(db, scope, *id).await {
            Ok(c) => Ok(Some(c.id)),
            Err(AppError::NotFound { .. } | AppError::Forbidden(_)) => {
                problems.push(Problem::at(
                    row.line,
                    &h.name(Column::Contract),
                    format!("no contract {id} that you can report hours on"),
                    format!("ingen kontrakt {id}, som du kan indberette timer på"),
                ));
                Ok(None)
            }
            Err(e) => Err(e),
        },
        ContractRef::CvrCase(cvr, case) => {
            let mut by_cvr = sea_orm::sea_query::Query::select();
            by_cvr
                .column(contractor::Column::Id)
                .from(contractor::Entity)
                .and_where(contractor::Column::Cvr.eq(cvr.as_str()));
            let mut by_case = sea_orm::sea_query::Query::select();
            by_case
                .column(grant::Column::Id)
                .from(grant::Entity)
                .and_where(grant::Column::CaseNumber.eq(case.as_str()));
            let found: Vec<contract::Model> = record::select::<contract::Entity>(scope)
                .filter(contract::Column::ContractorId.in_subquery(by_cvr))
                .filter(contract::Column::GrantId.in_subquery(by_case))
                .filter(contract::Column::ArchivedAt.is_null())
                .all(db)
                .await?;
            match found.as_slice() {
                [one] => Ok(Some(one.id)),
                [] => {
                    problems.push(Problem::at(
                        row.line,
                        &h.name(Column::Cvr),
                        format!("no contract of CVR {cvr} on grant {case} that you can report hours on"),
                        format!("ingen kontrakt for CVR {cvr} på tilsagn {case}, som du kan indberette timer på"),
                    ));
                    Ok(None)
                }
                more => {
                    problems.push(Problem::at(
                        row.line,
                        &h.name(Column::Cvr),
                        format!("CVR {cvr} has {} contracts on grant {case}; name the contract by its id in a column \"kontrakt\"", more.len()),
                        format!("CVR {cvr} har {} kontrakter på tilsagn {case}; angiv kontraktens id i en kolonne \"kontrakt\"", more.len()),
                    ));
                    Ok(None)
                }
            }
        }
    }
}

/// The placement a trainee line means: by employee number, the contract's placement with that
/// number active in the month; by id, that placement on the contract.
fn trainee_placement(
    placements: &[placement::Model],
    who: &TraineeRef,
    month: YearMonth,
) -> Result<Uuid, (String, String)> {
    let active = |p: &&&placement::Model| {
        p.start_date <= month.last_day() && p.end_date.is_none_or(|e| e >= month.first_day())
    };
    match who {
        TraineeRef::Placement(id) => placements
            .iter()
            .find(|p| p.id == *id)
            .map(|p| p.id)
            .ok_or_else(|| {
                (
                    format!("placement {id} is not on this contract"),
                    format!("pladsen {id} hører ikke til denne kontrakt"),
                )
            }),
        TraineeRef::EmployeeNumber(n) => {
            let with: Vec<&placement::Model> = placements
                .iter()
                .filter(|p| p.employee_number.as_deref() == Some(n.as_str()))
                .collect();
            let now: Vec<&&placement::Model> = with.iter().filter(active).collect();
            match (with.len(), now.as_slice()) {
                (_, [one]) => Ok(one.id),
                (0, _) => Err((
                    format!(
                        "no trainee on this contract has employee number {n}; register it on the placement first"
                    ),
                    format!(
                        "ingen elev på denne kontrakt har medarbejdernummer {n}; registrér det på pladsen først"
                    ),
                )),
                (_, []) => Err((
                    format!(
                        "the placement of employee number {n} is not active in {}",
                        month.0.format("%Y-%m")
                    ),
                    format!(
                        "pladsen for medarbejdernummer {n} er ikke aktiv i {}",
                        crate::i18n::da_month(month.0)
                    ),
                )),
                _ => Err((
                    format!(
                        "employee number {n} has more than one placement on this contract in {}; name the placement by its id in a column \"plads\"",
                        month.0.format("%Y-%m")
                    ),
                    format!(
                        "medarbejdernummer {n} har mere end én plads på denne kontrakt i {}; angiv pladsens id i en kolonne \"plads\"",
                        crate::i18n::da_month(month.0)
                    ),
                )),
            }
        }
    }
}

/// Writes one contract's month through the hours service; a refusal becomes a problem on the
/// line and column it concerns.
async fn apply<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    who: &Principal,
    h: &Headers,
    g: &Group,
    (filed_at, declaration): (Option<DateTime<Utc>>, &Option<String>),
    problems: &mut Vec<Problem>,
) -> AppResult<Option<PlannedReport>> {
    let Some((total, total_line)) = g.total else {
        return Ok(None);
    };
    let placements = placement::Entity::find()
        .filter(placement::Column::ContractId.eq(g.contract))
        .filter(placement::Column::ArchivedAt.is_null())
        .all(db)
        .await?;
    let trainee_column = |w: &TraineeRef| match w {
        TraineeRef::EmployeeNumber(_) => Column::EmployeeNumber,
        TraineeRef::Placement(_) => Column::Placement,
    };
    let mut lines = Vec::with_capacity(g.trainees.len());
    let before = problems.len();
    for (w, hours, line) in &g.trainees {
        match trainee_placement(&placements, w, g.month) {
            Ok(placement_id) => lines.push(TraineeHoursInput {
                placement_id,
                hours: DecimalInput(*hours),
            }),
            Err((en, da)) => problems.push(Problem::at(*line, &h.name(trainee_column(w)), en, da)),
        }
    }
    if problems.len() > before {
        return Ok(None);
    }
    let input = ReportMonthlyHoursInput {
        contract_id: g.contract,
        month: g.month,
        total_hours: DecimalInput(total),
        trainee_hours: lines,
        reported_at: filed_at,
        declaration_version: declaration.clone(),
        reason: None,
    };
    match report_audited(db, scope, who, input, "import").await {
        Ok((_, replaced)) => Ok(Some(PlannedReport {
            contract_id: g.contract,
            month: g.month,
            total_hours: total,
            trainee_hours: g.trainees.iter().map(|(_, h, _)| *h).sum(),
            trainee_lines: g.trainees.len(),
            replaces: replaced,
            lines: g.lines.clone(),
        })),
        Err(AppError::Internal(e)) => Err(AppError::Internal(e)),
        Err(e) => {
            let text = e.text();
            let (line, column) = match &e {
                AppError::BadInput { field, .. } => place_of(field, g, total_line, &trainee_column),
                _ => (g.lines[0], Column::Contract),
            };
            if matches!(&e, AppError::BadInput { field, .. } if field == "reportedAt") {
                // A refused filing date is the request's, not a line's: said once.
                let p = Problem::file(text.en, text.da);
                if !problems.contains(&p) {
                    problems.push(p);
                }
            } else {
                problems.push(Problem::at(line, &h.name(column), text.en, text.da));
            }
            Ok(None)
        }
    }
}

/// The file line and column an input path of the hours service points at.
fn place_of(
    field: &str,
    g: &Group,
    total_line: usize,
    trainee_column: &dyn Fn(&TraineeRef) -> Column,
) -> (usize, Column) {
    if let Some(rest) = field.strip_prefix("traineeHours[")
        && let Some((i, tail)) = rest.split_once(']')
        && let Ok(i) = i.parse::<usize>()
        && let Some((w, _, line)) = g.trainees.get(i)
    {
        let column = if tail.ends_with("placementId") {
            trainee_column(w)
        } else {
            Column::Hours
        };
        return (*line, column);
    }
    match field {
        // A month the bygherre has accepted needs a reason to change: the month is the problem.
        "month" | "reason" => (g.lines[0], Column::Month),
        "totalHours" | "traineeHours" => (total_line, Column::Total),
        _ => (g.lines[0], Column::Contract),
    }
}

/// Counts one payroll file by what became of it.
pub fn count_import(status: ImportStatus) {
    use ImportStatus as S;
    let outcome = match status {
        S::Checked => "checked",
        S::Imported => "imported",
        S::AlreadyImported => "already_imported",
        S::Refused => "refused",
    };
    metrics::counter!("tracker_payroll_imports_total", "outcome" => outcome).increment(1);
}
