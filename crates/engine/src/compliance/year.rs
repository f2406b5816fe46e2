//! The figures of the yearly LBF report (Lærlingeindberetning) for one calendar year.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::facts::GrantFacts;
use super::figures::*;
use super::report::Tally;

#[derive(Clone, Debug, PartialEq)]
pub struct YearFigures {
    pub year: i32,
    pub apprentice_hours: Decimal,
    pub other_training_hours: Decimal,
    pub apprentice_arsvaerk: Decimal,
    pub other_training_arsvaerk: Decimal,
    pub craftsman_cost: Option<Decimal>,
    pub construction_start: Option<NaiveDate>,
    /// The actual handover, or while there is none the planned one ([`Self::handover_planned`]).
    pub handover: Option<NaiveDate>,
    pub handover_planned: bool,
    /// Final when the site was handed over in (or before) this year; interim otherwise.
    pub is_final: bool,
}

pub fn year_figures(g: &GrantFacts, year: i32) -> YearFigures {
    let kinds = placement_kinds(g);
    let mut t = Tally::default();
    if let Some(year_end) = NaiveDate::from_ymd_opt(year, 12, 31)
        && let Some(w) = Window::of(g, year_end)
    {
        for r in g
            .reports
            .iter()
            .filter(|r| w.contains(r.month) && r.month.year() == year)
        {
            t.add(&tally_report(r, &kinds));
        }
    }
    let (handover, handover_planned) = match (g.actual_handover, g.planned_handover) {
        (Some(actual), _) => (Some(actual), false),
        (None, planned) => (planned, planned.is_some()),
    };
    YearFigures {
        year,
        apprentice_hours: hours(t.apprentice),
        other_training_hours: hours(t.other_training),
        apprentice_arsvaerk: arsvaerk(hours(t.apprentice)),
        other_training_arsvaerk: arsvaerk(hours(t.other_training)),
        craftsman_cost: g.craftsman_cost_ore.map(hours),
        construction_start: g.construction_start,
        handover,
        handover_planned,
        is_final: g.actual_handover.is_some_and(|h| h.year() <= year),
    }
}
