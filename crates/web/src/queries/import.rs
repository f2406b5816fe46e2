//! The payroll import page's mutation: the file goes as a multipart upload beside the typed
//! variables (see [`crate::layout::ask_upload`]).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{YearMonth, schema};

/// The file's place among the variables; the request carries the file itself.
#[derive(cynic::Scalar, Debug, Default)]
#[cynic(graphql_type = "Upload")]
pub struct Upload(pub ());

#[derive(cynic::QueryVariables)]
pub struct ImportVars {
    pub f: Upload,
    pub d: bool,
    pub at: Option<DateTime<Utc>>,
    /// The declaration's version, when the person ticked it.
    pub dv: Option<String>,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "ImportVars")]
pub struct Import {
    #[arguments(file: $f, dryRun: $d, filedAt: $at, declarationVersion: $dv)]
    pub import_payroll: PayrollImport,
}

/// What became of the file.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayrollImportStatus {
    Checked,
    Imported,
    AlreadyImported,
    Refused,
}

#[derive(cynic::QueryFragment)]
pub struct PayrollImport {
    pub status: PayrollImportStatus,
    /// The recorded import (this one, or the earlier import of the same file): the receipt's
    /// reference.
    pub import_id: Option<Uuid>,
    pub reports: Vec<PayrollImportReport>,
    pub problems: Vec<PayrollImportProblem>,
}

#[derive(cynic::QueryFragment)]
pub struct PayrollImportReport {
    pub contract_id: Uuid,
    pub contract: ImportedContract,
    pub month: YearMonth,
    pub total_hours: Decimal,
    pub trainee_hours: Decimal,
    pub lines: Vec<i32>,
    pub replaces: bool,
}

#[derive(cynic::QueryFragment)]
pub struct PayrollImportProblem {
    pub line: Option<i32>,
    pub column: Option<String>,
    pub message: String,
}

/// The contract a report is for, as a person recognises it.
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Contract")]
pub struct ImportedContract {
    pub trade: String,
    pub grant: ImportedGrant,
    pub contractor: ImportedContractor,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Grant")]
pub struct ImportedGrant {
    pub case_number: String,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Contractor")]
pub struct ImportedContractor {
    pub name: String,
}
