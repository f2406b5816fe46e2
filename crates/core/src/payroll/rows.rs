//! What a payroll file's rows say, before anything is looked up: which column is which (Danish or
//! English headers, in any order, extra columns ignored), and each row's contract, month, total
//! hours and trainee line as typed values. Every problem names its line and column, in Danish and
//! English, and all of them are found in one pass, so a contractor fixes the file once.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::read::Raw;
use crate::i18n::Text;
use crate::scalars::YearMonth;

/// A problem with the file: its line (1 = the header) and column header, if it has them.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub line: Option<usize>,
    pub column: Option<String>,
    pub message: Text,
}

impl Problem {
    pub fn at(line: usize, column: &str, en: impl Into<String>, da: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            column: Some(column.to_owned()),
            message: Text::new(en, da),
        }
    }
    pub fn file(en: impl Into<String>, da: impl Into<String>) -> Self {
        Self {
            line: None,
            column: None,
            message: Text::new(en, da),
        }
    }
}

/// The columns a file may have. Names are compared in lower case without spaces, '_', '-' or '.'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Contract,
    Cvr,
    CaseNumber,
    Month,
    Total,
    EmployeeNumber,
    Placement,
    Hours,
}

impl Column {
    const ALL: [Column; 8] = [
        Column::Contract,
        Column::Cvr,
        Column::CaseNumber,
        Column::Month,
        Column::Total,
        Column::EmployeeNumber,
        Column::Placement,
        Column::Hours,
    ];

    /// The Danish header a template uses.
    pub fn danish(self) -> &'static str {
        match self {
            Column::Contract => "kontrakt",
            Column::Cvr => "cvr",
            Column::CaseNumber => "sagsnummer",
            Column::Month => "måned",
            Column::Total => "timer i alt",
            Column::EmployeeNumber => "medarbejdernummer",
            Column::Placement => "plads",
            Column::Hours => "timer",
        }
    }

    fn names(self) -> &'static [&'static str] {
        match self {
            Column::Contract => &["kontrakt", "kontraktid", "contract", "contractid"],
            Column::Cvr => &[
                "cvr",
                "cvrnr",
                "cvrnummer",
                "contractorcvr",
                "entreprenørcvr",
            ],
            Column::CaseNumber => &[
                "sagsnummer",
                "sagsnr",
                "lbfsagsnummer",
                "casenumber",
                "grantcasenumber",
            ],
            Column::Month => &["måned", "maaned", "month", "periode", "period"],
            Column::Total => &[
                "timerialt",
                "totaltimer",
                "timertotal",
                "totalhours",
                "total",
            ],
            Column::EmployeeNumber => &[
                "medarbejdernummer",
                "medarbejdernr",
                "medarbnr",
                "lønnummer",
                "employeenumber",
                "employeeno",
                "employeeid",
            ],
            Column::Placement => &["plads", "pladsid", "placement", "placementid"],
            Column::Hours => &[
                "timer",
                "hours",
                "traineehours",
                "oplæringstimer",
                "lærlingetimer",
            ],
        }
    }

    fn of(header: &str) -> Option<Column> {
        let key: String = header
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
            .collect();
        Column::ALL
            .into_iter()
            .find(|c| c.names().contains(&key.as_str()))
    }
}

/// Where a row's contract is named.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ContractRef {
    Id(Uuid),
    /// Contractor CVR and grant case number.
    CvrCase(String, String),
}

/// Where a row's trainee is named.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TraineeRef {
    EmployeeNumber(String),
    Placement(Uuid),
}

/// One data row, read.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub line: usize,
    pub contract: ContractRef,
    pub month: YearMonth,
    pub total: Option<Decimal>,
    pub trainee: Option<(TraineeRef, Decimal)>,
}

/// The header cells of each column found.
#[derive(Clone)]
pub struct Headers {
    found: HashMap<Column, (usize, String)>,
}

impl Headers {
    /// The header text of `c` as the file wrote it, or its Danish name.
    pub fn name(&self, c: Column) -> String {
        self.found
            .get(&c)
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| c.danish().to_owned())
    }
}

fn text_of(raw: &Raw) -> String {
    match raw {
        Raw::Empty => String::new(),
        Raw::Text(t) => t.clone(),
        Raw::Number(d) => d.to_string(),
        Raw::Date(d) => d.to_string(),
    }
}

/// Maps the header row, or says what is missing.
pub fn headers(header: &[Raw]) -> Result<Headers, Vec<Problem>> {
    let mut found: HashMap<Column, (usize, String)> = HashMap::new();
    let mut problems = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        let text = text_of(cell);
        let Some(col) = Column::of(&text) else {
            continue;
        };
        if let Some((_, first)) = found.get(&col) {
            problems.push(Problem::at(
                1,
                &text,
                format!("the columns \"{first}\" and \"{text}\" mean the same; keep one"),
                format!("kolonnerne \"{first}\" og \"{text}\" betyder det samme; behold én"),
            ));
            continue;
        }
        found.insert(col, (i, text));
    }
    let has = |c| found.contains_key(&c);
    if !(has(Column::Contract) || (has(Column::Cvr) && has(Column::CaseNumber))) {
        problems.push(Problem::file(
            "the file needs a column \"kontrakt\" (the contract's id) or the columns \"cvr\" and \"sagsnummer\" (the contractor's CVR and the grant's case number)",
            "filen skal have en kolonne \"kontrakt\" (kontraktens id) eller kolonnerne \"cvr\" og \"sagsnummer\" (entreprenørens CVR og tilsagnets sagsnummer)",
        ));
    }
    if !has(Column::Month) {
        problems.push(Problem::file(
            "the file needs a column \"måned\" (the month, e.g. 2026-09)",
            "filen skal have en kolonne \"måned\" (måneden, fx 2026-09)",
        ));
    }
    if !has(Column::Total) {
        problems.push(Problem::file(
            "the file needs a column \"timer i alt\" (all labour hours on site that month)",
            "filen skal have en kolonne \"timer i alt\" (alle timer på pladsen i måneden)",
        ));
    }
    if has(Column::Hours) != (has(Column::EmployeeNumber) || has(Column::Placement)) {
        problems.push(Problem::file(
            "a trainee's hours need both a column \"timer\" and a column \"medarbejdernummer\" (or \"plads\")",
            "en elevs timer kræver både en kolonne \"timer\" og en kolonne \"medarbejdernummer\" (eller \"plads\")",
        ));
    }
    if problems.is_empty() {
        Ok(Headers { found })
    } else {
        Err(problems)
    }
}

/// A number as payroll files write it: "1.234,5" (Danish), "1,234.5" (English), "37,5", "37.5",
/// "1234". With both separators the last one is the decimal point; with one, it groups thousands
/// only when it repeats or three digits follow it (hours have at most two decimals).
pub fn file_number(text: &str) -> Option<Decimal> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    if t.is_empty() {
        return None;
    }
    let last_dot = t.rfind('.');
    let last_comma = t.rfind(',');
    let plain = match (last_dot, last_comma) {
        (Some(d), Some(c)) if d > c => t.replace(',', ""),
        (Some(_), Some(_)) => t.replace('.', "").replace(',', "."),
        (Some(_), None) | (None, Some(_)) => {
            let sep = if last_dot.is_some() { '.' } else { ',' };
            let parts: Vec<&str> = t.split(sep).collect();
            let grouping = parts.len() > 2 || parts.get(1).is_some_and(|p| p.len() == 3);
            if grouping {
                parts.concat()
            } else {
                t.replace(',', ".")
            }
        }
        (None, None) => t,
    };
    if !plain
        .trim_start_matches('-')
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.')
    {
        return None;
    }
    plain.parse().ok()
}

/// A month as files write it: 2026-09, 2026-9, 09-2026, 09/2026, 2026-09-01, 01-09-2026,
/// 01.09.2026, or a workbook date.
pub fn file_month(raw: &Raw) -> Option<YearMonth> {
    match raw {
        Raw::Date(d) => Some(YearMonth::of(*d)),
        Raw::Text(t) => {
            let t = t.trim();
            for f in ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"] {
                if let Ok(d) = NaiveDate::parse_from_str(t, f) {
                    return Some(YearMonth::of(d));
                }
            }
            let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
            let [a, b] = parts[..] else { return None };
            let (y, m) = if a.len() == 4 { (a, b) } else { (b, a) };
            if y.len() != 4 || m.is_empty() || m.len() > 2 {
                return None;
            }
            let d = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
            (d.year() >= 2000).then_some(YearMonth(d))
        }
        _ => None,
    }
}

fn hours_of(raw: &Raw) -> Option<Decimal> {
    match raw {
        Raw::Number(d) => Some(*d),
        Raw::Text(t) => file_number(t),
        _ => None,
    }
}

/// Reads the data rows (all but the header). Blank rows are skipped; every other row yields a
/// [`Row`] or its problems.
pub fn rows(h: &Headers, data: &[Vec<Raw>]) -> (Vec<Row>, Vec<Problem>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, cells) in data.iter().enumerate() {
        if cells.iter().all(Raw::is_empty) {
            continue;
        }
        let mut r = RowReader {
            h,
            line: i + 2,
            cells,
            found: Vec::new(),
        };
        let contract = r.contract();
        let month = r.month();
        let total = r.hours(Column::Total);
        let trainee = r.trainee();
        if r.found.is_empty() && total.is_none() && trainee.is_none() {
            r.found.push(Problem::at(
                r.line,
                &h.name(Column::Total),
                "the row has neither total hours nor a trainee's hours",
                "rækken har hverken timer i alt eller en elevs timer",
            ));
        }
        let clean = r.found.is_empty();
        let line = r.line;
        problems.append(&mut r.found);
        if clean && let (Some(contract), Some(month)) = (contract, month) {
            out.push(Row {
                line,
                contract,
                month,
                total,
                trainee,
            });
        }
    }
    (out, problems)
}

/// One data row being read: its cells by column, and the problems found so far.
struct RowReader<'a> {
    h: &'a Headers,
    /// The row's line in the file (the header is line 1).
    line: usize,
    cells: &'a [Raw],
    found: Vec<Problem>,
}

impl RowReader<'_> {
    fn cell(&self, c: Column) -> &Raw {
        self.h
            .found
            .get(&c)
            .and_then(|(i, _)| self.cells.get(*i))
            .unwrap_or(&Raw::Empty)
    }

    fn problem(&mut self, c: Column, en: String, da: String) {
        let name = self.h.name(c);
        self.found.push(Problem::at(self.line, &name, en, da));
    }

    /// The contract: its id, or the contractor's CVR and the grant's case number.
    fn contract(&mut self) -> Option<ContractRef> {
        if !self.cell(Column::Contract).is_empty() {
            let t = text_of(self.cell(Column::Contract));
            return match Uuid::parse_str(t.trim()) {
                Ok(id) => Some(ContractRef::Id(id)),
                Err(_) => {
                    self.problem(
                        Column::Contract,
                        format!("\"{t}\" is not a contract id (a UUID as the tracker shows it)"),
                        format!(
                            "\"{t}\" er ikke et kontrakt-id (et UUID, som trackeren viser det)"
                        ),
                    );
                    None
                }
            };
        }
        let cvr = text_of(self.cell(Column::Cvr)).replace(' ', "");
        let case = text_of(self.cell(Column::CaseNumber)).trim().to_owned();
        if cvr.is_empty() || case.is_empty() {
            self.problem(
                Column::Contract,
                "the row names no contract: give its id, or the contractor's CVR and the grant's case number".into(),
                "rækken angiver ingen kontrakt: angiv dens id eller entreprenørens CVR og tilsagnets sagsnummer".into(),
            );
            None
        } else if cvr.len() != 8 || !cvr.chars().all(|c| c.is_ascii_digit()) {
            self.problem(
                Column::Cvr,
                format!("\"{cvr}\" is not a CVR number (8 digits)"),
                format!("\"{cvr}\" er ikke et CVR-nummer (8 cifre)"),
            );
            None
        } else {
            Some(ContractRef::CvrCase(cvr, case))
        }
    }

    fn month(&mut self) -> Option<YearMonth> {
        let month = file_month(self.cell(Column::Month));
        if month.is_none() {
            let t = text_of(self.cell(Column::Month));
            self.problem(
                Column::Month,
                format!("\"{t}\" is not a month; write it as 2026-09"),
                format!("\"{t}\" er ikke en måned; skriv den som 2026-09"),
            );
        }
        month
    }

    /// A number of hours in column `c` (none when the cell is empty).
    fn hours(&mut self, c: Column) -> Option<Decimal> {
        let cell = self.cell(c);
        if cell.is_empty() {
            return None;
        }
        let v = hours_of(cell);
        if v.is_none() {
            let t = text_of(cell);
            self.problem(
                c,
                format!("\"{t}\" is not a number of hours"),
                format!("\"{t}\" er ikke et antal timer"),
            );
        }
        v
    }

    /// Whose hours a trainee line is (employee number or placement id), and how many.
    fn trainee(&mut self) -> Option<(TraineeRef, Decimal)> {
        let who = if !self.cell(Column::EmployeeNumber).is_empty() {
            Some(TraineeRef::EmployeeNumber(
                text_of(self.cell(Column::EmployeeNumber)).trim().to_owned(),
            ))
        } else if !self.cell(Column::Placement).is_empty() {
            let t = text_of(self.cell(Column::Placement));
            match Uuid::parse_str(t.trim()) {
                Ok(id) => Some(TraineeRef::Placement(id)),
                Err(_) => {
                    self.problem(
                        Column::Placement,
                        format!("\"{t}\" is not a placement id"),
                        format!("\"{t}\" er ikke et plads-id"),
                    );
                    None
                }
            }
        } else {
            None
        };
        let hours_empty = self.cell(Column::Hours).is_empty();
        let hours = self.hours(Column::Hours);
        match (who, hours) {
            (Some(w), Some(h)) => Some((w, h)),
            (None, None) => None,
            (Some(_), None) if hours_empty => {
                self.problem(
                    Column::Hours,
                    "the trainee's hours are missing".into(),
                    "elevens timer mangler".into(),
                );
                None
            }
            (None, Some(_)) => {
                self.problem(
                    Column::EmployeeNumber,
                    "hours are given, but not whose: fill in the employee number".into(),
                    "der er angivet timer, men ikke hvis: udfyld medarbejdernummeret".into(),
                );
                None
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn t(s: &str) -> Raw {
        Raw::Text(s.into())
    }

    #[test]
    fn numbers_as_payroll_files_write_them() {
        assert_eq!(file_number("1.234,5"), Some(dec!(1234.5)));
        assert_eq!(file_number("1,234.5"), Some(dec!(1234.5)));
        assert_eq!(file_number("37,5"), Some(dec!(37.5)));
        assert_eq!(file_number("37.5"), Some(dec!(37.5)));
        assert_eq!(file_number("1.234"), Some(dec!(1234)));
        assert_eq!(file_number("1,234"), Some(dec!(1234)));
        assert_eq!(file_number("1.234.567"), Some(dec!(1234567)));
        assert_eq!(file_number("1 234,25"), Some(dec!(1234.25)));
        assert_eq!(file_number("160"), Some(dec!(160)));
        assert_eq!(file_number("12t"), None);
        assert_eq!(file_number(""), None);
    }

    #[test]
    fn months_as_files_write_them() {
        let sep = Some(YearMonth(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()));
        for s in [
            "2026-09",
            "2026-9",
            "09-2026",
            "09/2026",
            "2026-09-01",
            "15-09-2026",
            "15.09.2026",
        ] {
            assert_eq!(file_month(&t(s)), sep, "{s}");
        }
        assert_eq!(
            file_month(&Raw::Date(NaiveDate::from_ymd_opt(2026, 9, 30).unwrap())),
            sep
        );
        for s in ["2026-13", "september", "26-09", "2026"] {
            assert_eq!(file_month(&t(s)), None, "{s}");
        }
    }

    #[test]
    fn headers_in_either_language_and_what_is_missing() {
        let h = headers(&[
            t("Måned"),
            t("Navn"),
            t("Kontrakt-ID"),
            t("Timer i alt"),
            t("Medarbejdernr."),
            t("Timer"),
        ])
        .unwrap();
        assert_eq!(h.name(Column::EmployeeNumber), "Medarbejdernr.");
        assert!(headers(&[t("month"), t("contract_id"), t("total_hours")]).is_ok());
        let missing = headers(&[t("navn"), t("timer")]).err().unwrap();
        let texts: Vec<&str> = missing.iter().map(|p| p.message.da.as_str()).collect();
        assert_eq!(missing.len(), 4, "{texts:?}");
        let twice = headers(&[t("måned"), t("month"), t("kontrakt"), t("timer i alt")])
            .err()
            .unwrap();
        assert_eq!(twice[0].column.as_deref(), Some("month"));
    }

    #[test]
    fn every_problem_of_every_row_with_its_line_and_column() {
        let id = Uuid::now_v7();
        let h = headers(&[
            t("kontrakt"),
            t("måned"),
            t("timer i alt"),
            t("medarbejdernummer"),
            t("timer"),
        ])
        .unwrap();
        let data = vec![
            vec![
                t(&id.to_string()),
                t("2026-09"),
                t("1.600"),
                t("M-101"),
                t("160,5"),
            ],
            vec![],
            vec![t("nope"), t("sept"), t("x"), t(""), t("12")],
            vec![
                t(&id.to_string()),
                t("2026-09"),
                Raw::Empty,
                t("M-102"),
                Raw::Empty,
            ],
        ];
        let (rows, problems) = rows(&h, &data);
        assert_eq!(
            rows,
            vec![Row {
                line: 2,
                contract: ContractRef::Id(id),
                month: YearMonth(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()),
                total: Some(dec!(1600)),
                trainee: Some((TraineeRef::EmployeeNumber("M-101".into()), dec!(160.5))),
            }]
        );
        let at: Vec<(Option<usize>, Option<&str>)> = problems
            .iter()
            .map(|p| (p.line, p.column.as_deref()))
            .collect();
        assert_eq!(
            at,
            vec![
                (Some(4), Some("kontrakt")),
                (Some(4), Some("måned")),
                (Some(4), Some("timer i alt")),
                (Some(4), Some("medarbejdernummer")),
                (Some(5), Some("timer")),
            ]
        );
    }
}
