//! Export files: a table of typed cells (text, exact numbers, dates, times, yes/no) written as
//! XLSX with real number and date cells, or as CSV in one of two dialects:
//! - `excel-da`: what Danish Excel opens correctly by double-click: a UTF-8 byte-order mark (else
//!   "ø" arrives as "Ã¸"), semicolons between fields, decimal commas, Danish column names, times
//!   in Danish local time as Excel reads them;
//! - `rfc4180`: for programs: commas, CRLF line ends, decimal points, the English column keys,
//!   times in RFC 3339.
//!
//! The tables themselves (which columns, named in Danish and English, and their cells) are
//! `tracker_core::tables`; this module knows nothing of grants.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Copenhagen;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
pub use tracker_core::tables::{Cell, Column, Heading, Table};

/// The CSV dialect of a download.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    ExcelDa,
    Rfc4180,
}

impl Dialect {
    /// `?dialect=`: `excel-da` or `rfc4180`; without it, `excel-da` for a Danish request and
    /// `rfc4180` otherwise.
    pub fn parse(value: Option<&str>, lang: Lang) -> AppResult<Self> {
        match value {
            None => Ok(match lang {
                Lang::Da => Self::ExcelDa,
                Lang::En => Self::Rfc4180,
            }),
            Some("excel-da") => Ok(Self::ExcelDa),
            Some("rfc4180") => Ok(Self::Rfc4180),
            Some(_) => Err(AppError::bad_input(
                "dialect",
                "dialect must be excel-da (Danish Excel) or rfc4180 (programs)",
                "dialect skal være excel-da (dansk Excel) eller rfc4180 (programmer)",
            )),
        }
    }
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("writing an export: {e}"))
}

fn fixed(v: Decimal, places: u32) -> String {
    let mut v = v.round_dp(places);
    v.rescale(places);
    v.to_string()
}

/// A time as Danish Excel reads one typed into a cell: local time, no zone.
fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Copenhagen)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// A text cell as a spreadsheet will not run it: text that begins with `=`, `+`, `-`, `@`, a tab
/// or a carriage return is a formula (or becomes one) in Excel and LibreOffice, so it gets a
/// leading `'`, as OWASP's CSV-injection guidance recommends. A grant title or a contractor's
/// name is typed by another organisation; the file is opened by LBF. Numbers are written by us
/// as numbers (a negative one is a number, not text) and are left alone.
pub fn neutralised(text: &str) -> String {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// The table as CSV in `dialect`.
pub fn csv(table: &Table, dialect: Dialect) -> AppResult<Vec<u8>> {
    let da = dialect == Dialect::ExcelDa;
    let mut out = Vec::new();
    if da {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(if da { b';' } else { b',' })
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(
        table
            .columns
            .iter()
            .map(|h| neutralised(if da { h.da } else { h.key })),
    )
    .map_err(internal)?;
    for row in &table.rows {
        w.write_record(row.iter().map(|c| match c {
            Cell::Text(s) => neutralised(s),
            Cell::Number(v, p) if da => fixed(*v, *p).replace('.', ","),
            Cell::Number(v, p) => fixed(*v, *p),
            Cell::Int(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Time(t) if da => local_time(*t),
            Cell::Time(t) => t.to_rfc3339(),
            Cell::Bool(b) if da => if *b { "ja" } else { "nej" }.to_owned(),
            Cell::Bool(b) => b.to_string(),
            Cell::Empty => String::new(),
        }))
        .map_err(internal)?;
    }
    w.into_inner().map_err(internal)
}

fn excel_date(d: NaiveDate) -> AppResult<rust_xlsxwriter::ExcelDateTime> {
    use chrono::Datelike;
    rust_xlsxwriter::ExcelDateTime::from_ymd(
        u16::try_from(d.year()).map_err(internal)?,
        d.month() as u8,
        d.day() as u8,
    )
    .map_err(internal)
}

/// The table as an XLSX workbook with one sheet: headers in `lang` (Danish: LBF's field names),
/// numbers as number cells, dates and times as date cells (times in Danish local time).
pub fn xlsx(table: &Table, sheet: &str, lang: Lang) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).map_err(internal)?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd-mm-yyyy");
    let time = Format::new().set_num_format("dd-mm-yyyy hh:mm");
    let number = |places: u32| {
        let pattern = if places == 0 {
            "#,##0".to_owned()
        } else {
            format!("#,##0.{}", "0".repeat(places as usize))
        };
        Format::new().set_num_format(&pattern)
    };
    for (c, heading) in table.columns.iter().enumerate() {
        let header = heading.name(lang);
        let col = u16::try_from(c).map_err(internal)?;
        ws.write_string_with_format(0, col, header, &bold)
            .map_err(internal)?;
        ws.set_column_width(col, (header.chars().count().max(10) + 2) as f64)
            .map_err(internal)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(internal)?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(internal)?;
            match cell {
                Cell::Text(s) => {
                    ws.write_string(r, c, s).map_err(internal)?;
                }
                // Excel keeps numbers as binary doubles: 15 significant digits, more than any
                // figure here has (hours to 2 places, kroner to 2 places up to billions).
                Cell::Number(v, places) => {
                    let n = v.round_dp(*places).to_f64().unwrap_or_default();
                    ws.write_number_with_format(r, c, n, &number(*places))
                        .map_err(internal)?;
                }
                Cell::Int(n) => {
                    ws.write_number(r, c, *n as f64).map_err(internal)?;
                }
                Cell::Date(d) => {
                    ws.write_datetime_with_format(r, c, &excel_date(*d)?, &date)
                        .map_err(internal)?;
                }
                Cell::Time(t) => {
                    use chrono::Timelike;
                    let local = t.with_timezone(&Copenhagen).naive_local();
                    let at = excel_date(local.date())?
                        .and_hms(
                            local.hour() as u16,
                            local.minute() as u8,
                            local.second() as u8,
                        )
                        .map_err(internal)?;
                    ws.write_datetime_with_format(r, c, &at, &time)
                        .map_err(internal)?;
                }
                Cell::Bool(b) => {
                    ws.write_boolean(r, c, *b).map_err(internal)?;
                }
                Cell::Empty => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(internal)?;
    book.save_to_buffer().map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    const COLUMNS: &[Heading] = &[
        Heading {
            key: "name",
            da: "navn",
            en: "name",
        },
        Heading {
            key: "hours",
            da: "timer",
            en: "hours",
        },
        Heading {
            key: "done",
            da: "færdig",
            en: "done",
        },
    ];

    fn table() -> Table {
        Table {
            columns: COLUMNS.to_vec(),
            rows: vec![vec![
                Cell::Text("Søren; \"Ø\"".into()),
                Cell::Number(dec!(1234.5), 2),
                Cell::Bool(true),
            ]],
        }
    }

    #[test]
    fn excel_da_has_a_bom_semicolons_decimal_commas_and_danish_names() {
        let bytes = csv(&table(), Dialect::ExcelDa).unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
        assert_eq!(
            std::str::from_utf8(&bytes[3..]).unwrap(),
            "navn;timer;færdig\r\n\"Søren; \"\"Ø\"\"\";1234,50;ja\r\n"
        );
    }

    #[test]
    fn rfc4180_is_for_programs() {
        let bytes = csv(&table(), Dialect::Rfc4180).unwrap();
        assert_eq!(
            std::str::from_utf8(&bytes).unwrap(),
            "name,hours,done\r\n\"Søren; \"\"Ø\"\"\",1234.50,true\r\n"
        );
    }

    #[test]
    fn dialects_parse_or_say_which_exist() {
        assert_eq!(Dialect::parse(None, Lang::Da).unwrap(), Dialect::ExcelDa);
        assert_eq!(Dialect::parse(None, Lang::En).unwrap(), Dialect::Rfc4180);
        assert_eq!(
            Dialect::parse(Some("rfc4180"), Lang::Da).unwrap(),
            Dialect::Rfc4180
        );
        let e = Dialect::parse(Some("excel"), Lang::En).unwrap_err();
        assert_eq!(e.code(), "BAD_USER_INPUT");
    }

    #[test]
    fn text_a_spreadsheet_would_run_gets_a_leading_apostrophe() {
        let hostile = Table {
            columns: COLUMNS[..2].to_vec(),
            rows: [
                "=HYPERLINK(\"http://x\")",
                "+1",
                "-2+3",
                "@SUM(A1)",
                "\tx",
                "\rx",
                "Helhedsplan",
                "",
            ]
            .iter()
            .map(|t| vec![Cell::Text((*t).into()), Cell::Number(dec!(-5), 2)])
            .collect(),
        };
        let text = String::from_utf8(csv(&hostile, Dialect::Rfc4180).unwrap()).unwrap();
        assert_eq!(
            text,
            "name,hours\r\n\"'=HYPERLINK(\"\"http://x\"\")\",-5.00\r\n'+1,-5.00\r\n'-2+3,-5.00\r\n\
             '@SUM(A1),-5.00\r\n'\tx,-5.00\r\n\"'\rx\",-5.00\r\nHelhedsplan,-5.00\r\n,-5.00\r\n"
        );
    }

    #[test]
    fn times_are_danish_local_time_for_excel() {
        let t: DateTime<Utc> = "2025-07-01T10:00:00Z".parse().unwrap();
        assert_eq!(local_time(t), "2025-07-01 12:00:00");
    }
}
