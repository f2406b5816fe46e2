//! The labels of the yearly LBF report (Lærlingeindberetning) in English and Danish: the
//! labelled lines of `LbfYearReport.lines`. The export's columns are defined with their cells in
//! the server's `downloads`.

use crate::i18n::{Lang, Text, da_date, da_decimal, da_kr};

use super::year::YearFigures;

pub fn interim_or_final(is_final: bool) -> Text {
    if is_final {
        Text::new("final", "endelig")
    } else {
        Text::new("interim", "foreløbig")
    }
}

/// One labelled line of the report as a person reads it.
pub struct Line {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
}

/// The report's lines in `lang`, numbers and dates written the way that language writes them.
pub fn lines(f: &YearFigures, lang: Lang) -> Vec<Line> {
    let da = lang == Lang::Da;
    let dec = |v: rust_decimal::Decimal, dp: u32| {
        if da {
            da_decimal(v, dp)
        } else {
            let mut r = v.round_dp(dp);
            r.rescale(dp);
            r.to_string()
        }
    };
    let date = |d: Option<chrono::NaiveDate>| match d {
        Some(d) if da => da_date(d),
        Some(d) => d.to_string(),
        None => if da {
            "ikke registreret"
        } else {
            "not recorded"
        }
        .to_owned(),
    };
    let line = |key, en, dk, value| Line {
        key,
        label: if da { dk } else { en },
        value,
    };
    let handover_note = match (f.handover_planned, da) {
        (true, true) => " (planlagt)",
        (true, false) => " (planned)",
        _ => "",
    };
    vec![
        line("year", "Year", "År", f.year.to_string()),
        line(
            "apprentice_arsvaerk",
            "Apprentice årsværk",
            "Årsværk for lærlinge",
            dec(f.apprentice_arsvaerk, 2),
        ),
        line(
            "other_training_arsvaerk",
            "Other training årsværk",
            "Årsværk for personer i anden oplæring",
            dec(f.other_training_arsvaerk, 2),
        ),
        line(
            "apprentice_hours",
            "Apprentice hours",
            "Timer for lærlinge",
            dec(f.apprentice_hours, 2),
        ),
        line(
            "other_training_hours",
            "Other training hours",
            "Timer for personer i anden oplæring",
            dec(f.other_training_hours, 2),
        ),
        line(
            "craftsman_cost",
            "Craftsman cost at Skema B",
            "Håndværkerudgift ved Skema B",
            match f.craftsman_cost {
                Some(c) if da => da_kr(c),
                Some(c) => format!("DKK {}", dec(c, 2)),
                None => date(None),
            },
        ),
        line(
            "construction_start",
            "Construction start",
            "Byggestart",
            date(f.construction_start),
        ),
        line(
            "handover",
            "Handover",
            "Aflevering",
            format!(
                "{}{}",
                date(f.handover),
                if f.handover.is_some() {
                    handover_note
                } else {
                    ""
                }
            ),
        ),
        line(
            "final_or_interim",
            "Final or interim",
            "Endelig eller foreløbig",
            interim_or_final(f.is_final).get(lang).to_owned(),
        ),
    ]
}
