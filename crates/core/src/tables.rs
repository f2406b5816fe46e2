//! The download tables: a table of typed cells (text, exact numbers, dates, times, yes/no) under
//! named columns, and the columns of each export (the yearly LBF report of an organisation's
//! grants, a grant's months), each column its key for programs, its Danish and English names and
//! its cell written together. The server writes a table as CSV or XLSX; a page that shows one of
//! these fields takes its name from here.

use chrono::{DateTime, NaiveDate, Utc};
use engine::compliance::report_labels::interim_or_final;
use rust_decimal::Decimal;

use crate::i18n::Lang;

/// One cell of an export.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// An exact decimal, written with `decimals` places (2 for hours and money).
    Number(Decimal, u32),
    Int(i64),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    Bool(bool),
    Empty,
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Text(v)
    }
}

impl From<NaiveDate> for Cell {
    fn from(v: NaiveDate) -> Self {
        Cell::Date(v)
    }
}

impl From<DateTime<Utc>> for Cell {
    fn from(v: DateTime<Utc>) -> Self {
        Cell::Time(v)
    }
}

/// A column's names: its key for programs, its name in Danish (for the LBF report, LBF's own
/// field name) and in English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Heading {
    pub key: &'static str,
    pub da: &'static str,
    pub en: &'static str,
}

impl Heading {
    /// The name a person reads in `lang`.
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Da => self.da,
            Lang::En => self.en,
        }
    }
}

/// Rows under named columns.
pub struct Table {
    pub columns: Vec<Heading>,
    pub rows: Vec<Vec<Cell>>,
}

/// One column of an export: its key for programs, its names in Danish and English, and how a
/// row fills it, written together so a column cannot drift from its header. A page that shows
/// the same field names it with the column (`CONSTRUCTION_START.name(lang)`), so the page and
/// the file a bygherre sends LBF say the same.
pub struct Column<R> {
    pub key: &'static str,
    pub da: &'static str,
    pub en: &'static str,
    pub cell: fn(&R) -> Cell,
}

impl<R> Column<R> {
    pub const fn heading(&self) -> Heading {
        Heading {
            key: self.key,
            da: self.da,
            en: self.en,
        }
    }

    /// The column's name in `lang`.
    pub fn name(&self, lang: Lang) -> &'static str {
        self.heading().name(lang)
    }
}

impl Table {
    /// `rows` under `columns`, each cell filled by its own column.
    pub fn of<R>(columns: &[Column<R>], rows: &[R]) -> Self {
        Self {
            columns: columns.iter().map(Column::heading).collect(),
            rows: rows
                .iter()
                .map(|r| columns.iter().map(|c| (c.cell)(r)).collect())
                .collect(),
        }
    }
}

/// A grant's yearly report as one line of the organisation's export, in the caller's language.
pub struct LbfRow {
    pub r: crate::service::compliance::YearReport,
    pub lang: Lang,
}

impl LbfRow {
    fn latest(&self) -> Option<&entity::lbf_report::Model> {
        self.r.versions.last()
    }
}

pub const CASE_NUMBER: Column<LbfRow> = Column {
    key: "case_number",
    da: "sagsnummer",
    en: "case number",
    cell: |x| Cell::Text(x.r.grant.case_number.clone()),
};
pub const CRAFTSMAN_COST: Column<LbfRow> = Column {
    key: "craftsman_cost_dkk",
    da: "håndværkerudgift ved Skema B (kr.)",
    en: "craftsman cost at Skema B (DKK)",
    cell: |x| {
        x.r.figures
            .craftsman_cost
            .map(|c| Cell::Number(c, 2))
            .into()
    },
};
pub const CONSTRUCTION_START: Column<LbfRow> = Column {
    key: "construction_start",
    da: "byggestart",
    en: "construction start",
    cell: |x| x.r.figures.construction_start.into(),
};
pub const HANDOVER: Column<LbfRow> = Column {
    key: "handover",
    da: "aflevering",
    en: "handover",
    cell: |x| x.r.figures.handover.into(),
};

/// The LBF export's columns, under LBF's own field names.
pub const LBF_COLUMNS: &[Column<LbfRow>] = &[
    CASE_NUMBER,
    Column {
        key: "title",
        da: "titel",
        en: "title",
        cell: |x| Cell::Text(x.r.grant.title.clone()),
    },
    Column {
        key: "year",
        da: "år",
        en: "year",
        cell: |x| Cell::Int(x.r.year.into()),
    },
    Column {
        key: "submitted",
        da: "indsendt",
        en: "submitted",
        cell: |x| Cell::Bool(x.latest().is_some()),
    },
    Column {
        key: "version",
        da: "version",
        en: "version",
        cell: |x| x.latest().map(|v| Cell::Int(v.version.into())).into(),
    },
    Column {
        key: "apprentice_arsvaerk",
        da: "årsværk lærlinge",
        en: "apprentice årsværk",
        cell: |x| Cell::Number(x.r.figures.apprentice_arsvaerk, 2),
    },
    Column {
        key: "other_training_arsvaerk",
        da: "årsværk anden oplæring",
        en: "other training årsværk",
        cell: |x| Cell::Number(x.r.figures.other_training_arsvaerk, 2),
    },
    Column {
        key: "apprentice_arsvaerk_exact",
        da: "årsværk lærlinge (præcis)",
        en: "apprentice årsværk (exact)",
        cell: |x| {
            Cell::Number(
                engine::compliance::arsvaerk_exact(x.r.figures.apprentice_hours),
                6,
            )
        },
    },
    Column {
        key: "other_training_arsvaerk_exact",
        da: "årsværk anden oplæring (præcis)",
        en: "other training årsværk (exact)",
        cell: |x| {
            Cell::Number(
                engine::compliance::arsvaerk_exact(x.r.figures.other_training_hours),
                6,
            )
        },
    },
    Column {
        key: "apprentice_hours",
        da: "timer lærlinge",
        en: "apprentice hours",
        cell: |x| Cell::Number(x.r.figures.apprentice_hours, 2),
    },
    Column {
        key: "other_training_hours",
        da: "timer anden oplæring",
        en: "other training hours",
        cell: |x| Cell::Number(x.r.figures.other_training_hours, 2),
    },
    CRAFTSMAN_COST,
    CONSTRUCTION_START,
    HANDOVER,
    Column {
        key: "handover_planned",
        da: "aflevering er planlagt",
        en: "handover is planned",
        cell: |x| Cell::Bool(x.r.figures.handover_planned),
    },
    Column {
        key: "final_or_interim",
        da: "endelig eller foreløbig",
        en: "final or interim",
        cell: |x| {
            Cell::Text(
                interim_or_final(x.r.figures.is_final)
                    .get(x.lang)
                    .to_owned(),
            )
        },
    },
    Column {
        key: "submitted_at",
        da: "indsendt tidspunkt",
        en: "submitted at",
        cell: |x| x.latest().map(|v| v.submitted_at).into(),
    },
    Column {
        key: "submitted_by",
        da: "indsendt af",
        en: "submitted by",
        cell: |x| x.latest().map(|v| v.submitted_by.clone()).into(),
    },
];

/// A month of a grant's figures (a point of `complianceTimeSeries`) as a line of the export.
pub struct MonthRow {
    pub case_number: String,
    pub p: engine::compliance::series::MonthPoint,
}

/// A fraction of 1 as a percent with two decimals, or an empty cell.
fn percent(v: Option<Decimal>) -> Cell {
    v.map(|s| Cell::Number(s * Decimal::ONE_HUNDRED, 2))
        .unwrap_or(Cell::Empty)
}

/// A grant's monthly figures: the rows of `complianceTimeSeries`.
pub const MONTH_COLUMNS: &[Column<MonthRow>] = &[
    Column {
        key: "case_number",
        da: "sagsnummer",
        en: "case number",
        cell: |x| Cell::Text(x.case_number.clone()),
    },
    Column {
        key: "month",
        da: "måned",
        en: "month",
        cell: |x| Cell::Date(x.p.month),
    },
    Column {
        key: "labour_hours",
        da: "timer i alt",
        en: "labour hours",
        cell: |x| Cell::Number(x.p.labour_hours, 2),
    },
    Column {
        key: "trainee_hours",
        da: "timer personer under uddannelse",
        en: "trainee hours",
        cell: |x| Cell::Number(x.p.trainee_hours, 2),
    },
    Column {
        key: "monthly_share_percent",
        da: "månedens andel (%)",
        en: "the month's share (%)",
        cell: |x| percent(x.p.monthly_share),
    },
    Column {
        key: "cumulative_labour_hours",
        da: "timer i alt, akkumuleret",
        en: "labour hours, cumulative",
        cell: |x| Cell::Number(x.p.cumulative_labour_hours, 2),
    },
    Column {
        key: "cumulative_trainee_hours",
        da: "timer personer under uddannelse, akkumuleret",
        en: "trainee hours, cumulative",
        cell: |x| Cell::Number(x.p.cumulative_trainee_hours, 2),
    },
    Column {
        key: "cumulative_share_percent",
        da: "akkumuleret andel (%)",
        en: "cumulative share (%)",
        cell: |x| percent(x.p.cumulative_share),
    },
    Column {
        key: "target_cumulative_trainee_hours",
        da: "mål for timer, akkumuleret",
        en: "target trainee hours, cumulative",
        cell: |x| {
            x.p.target_cumulative_trainee_hours
                .map(|h| Cell::Number(h, 2))
                .into()
        },
    },
    Column {
        key: "required_share_percent",
        da: "krævet andel (%)",
        en: "required share (%)",
        cell: |x| percent(Some(x.p.required_share)),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn headings<R>(columns: &[Column<R>]) -> Vec<Heading> {
        columns.iter().map(Column::heading).collect()
    }

    /// A program reads a column by its key and a person by its name: within an export each is
    /// unique, keys are snake case, and no name is left empty in either language.
    #[test]
    fn each_exports_keys_and_names_are_unique_and_complete() {
        for table in [headings(LBF_COLUMNS), headings(MONTH_COLUMNS)] {
            for pick in [|h: &Heading| h.key, |h: &Heading| h.da, |h: &Heading| h.en] {
                let mut seen: Vec<&str> = table.iter().map(pick).collect();
                seen.sort_unstable();
                seen.dedup();
                assert_eq!(seen.len(), table.len());
            }
            for h in &table {
                assert!(!h.da.is_empty() && !h.en.is_empty(), "{h:?}");
                assert!(
                    h.key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                    "{h:?}"
                );
            }
        }
    }

    /// The grant page names a field with these; each is a column of the LBF report.
    #[test]
    fn the_grants_own_fields_are_columns_of_the_lbf_report() {
        let lbf = headings(LBF_COLUMNS);
        for field in [CASE_NUMBER, CRAFTSMAN_COST, CONSTRUCTION_START, HANDOVER] {
            assert!(lbf.contains(&field.heading()), "{:?}", field.heading());
        }
        assert_eq!(
            CRAFTSMAN_COST.name(Lang::Da),
            "håndværkerudgift ved Skema B (kr.)"
        );
        assert_eq!(
            CRAFTSMAN_COST.name(Lang::En),
            "craftsman cost at Skema B (DKK)"
        );
        assert_eq!(lbf[0], CASE_NUMBER.heading());
    }

    #[test]
    fn a_table_fills_each_row_by_its_columns_in_order() {
        let rows = [MonthRow {
            case_number: "LBF-1".into(),
            p: engine::compliance::series::MonthPoint {
                month: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
                labour_hours: Decimal::new(10000, 2),
                trainee_hours: Decimal::new(1400, 2),
                monthly_share: Some(Decimal::new(14, 2)),
                cumulative_labour_hours: Decimal::new(10000, 2),
                cumulative_trainee_hours: Decimal::new(1400, 2),
                cumulative_share: None,
                target_cumulative_trainee_hours: None,
                required_share: Decimal::new(14, 2),
            },
        }];
        let t = Table::of(MONTH_COLUMNS, &rows);
        assert_eq!(t.columns.len(), t.rows[0].len());
        assert_eq!(t.rows[0][0], Cell::Text("LBF-1".into()));
        assert_eq!(t.rows[0][3], Cell::Number(Decimal::new(1400, 2), 2));
        // A share is written as a percent.
        assert_eq!(t.rows[0][4], Cell::Number(Decimal::new(14, 0), 2));
        assert_eq!(t.rows[0][7], Cell::Empty);
    }
}
