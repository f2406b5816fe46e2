//! Danish and English for what people read: the language of a request (from `Accept-Language`),
//! a text in both languages, and Danish number and date formats ("8.000.000,00 kr.",
//! "1. marts 2024"). English is the default: a request without `Accept-Language`, or one that
//! asks for neither language, is answered in English (programs calling the API rarely send the
//! header; every browser sends it, and a Danish browser gets Danish).

use chrono::{Datelike, NaiveDate};
use num_format::{Locale, ToFormattedString};
use rust_decimal::{Decimal, RoundingStrategy};

/// The language of a request's answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Da,
}

impl Lang {
    /// The first of `da` and `en` in the header's order of preference (quality values honoured),
    /// English when it names neither.
    pub fn from_accept_language(header: Option<&str>) -> Self {
        let Some(header) = header else {
            return Self::default();
        };
        // `parse` orders the tags by quality; the first Danish or English one decides, whatever
        // its region (da-DK, en-GB).
        accept_language::parse(header)
            .iter()
            .find_map(
                |tag| match tag.split('-').next().map(str::to_ascii_lowercase) {
                    Some(p) if p == "da" => Some(Self::Da),
                    Some(p) if p == "en" => Some(Self::En),
                    _ => None,
                },
            )
            .unwrap_or_default()
    }
}

/// A text in both languages, chosen when it is shown.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Text {
    pub en: String,
    pub da: String,
}

impl Text {
    pub fn new(en: impl Into<String>, da: impl Into<String>) -> Self {
        Self {
            en: en.into(),
            da: da.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Da => &self.da,
        }
    }
}

/// `v` rounded half away from zero to `dp` decimals, with Danish separators: "1.234.567,89".
/// Exactly `dp` decimals are written.
pub fn da_decimal(v: Decimal, dp: u32) -> String {
    let mut r = v.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(dp);
    let text = r.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let grouped = int
        .parse::<u128>()
        .map(|n| n.to_formatted_string(&Locale::da))
        .unwrap_or_else(|_| int.to_owned());
    let sign = if r.is_sign_negative() && !r.is_zero() {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// `v` to `dp` decimals in the language's way: "1.234,50" in Danish, "1,234.50" in English.
pub fn decimal(l: Lang, v: Decimal, dp: u32) -> String {
    let da = da_decimal(v, dp);
    match l {
        Lang::Da => da,
        // Swap the separators of the Danish form.
        Lang::En => da
            .chars()
            .map(|c| match c {
                '.' => ',',
                ',' => '.',
                c => c,
            })
            .collect(),
    }
}

/// A date in the language's way: "1. marts 2024" or "1 March 2024".
pub fn date(l: Lang, d: NaiveDate) -> String {
    match l {
        Lang::Da => da_date(d),
        Lang::En => d.format("%-d %B %Y").to_string(),
    }
}

/// A day of the year in the language's way: "29. september" or "29 September".
pub fn day_and_month(l: Lang, d: NaiveDate) -> String {
    match l {
        Lang::Da => d
            .format_localized("%-d. %B", chrono::Locale::da_DK)
            .to_string(),
        Lang::En => d.format("%-d %B").to_string(),
    }
}

/// A month in the language's way: "marts 2024" or "March 2024".
pub fn month(l: Lang, d: NaiveDate) -> String {
    match l {
        Lang::Da => da_month(d),
        Lang::En => d.format("%B %Y").to_string(),
    }
}

/// Hours in Danish, always with two decimals, as every hour figure is shown ("1.500,00",
/// "162,80", "0,05").
pub fn da_hours(v: Decimal) -> String {
    da_decimal(v, 2)
}

/// Kroner: "8.000.000,00 kr.".
pub fn da_kr(v: Decimal) -> String {
    format!("{} kr.", da_decimal(v, 2))
}

/// A fraction as a Danish percent to one decimal: 0.1234 -> "12,3 %".
pub fn da_percent(fraction: Decimal) -> String {
    format!("{} %", da_decimal(fraction * Decimal::ONE_HUNDRED, 1))
}

/// A fraction as an English percent to one decimal, trailing zeros dropped: 0.14 -> "14 %".
pub fn en_percent(fraction: Decimal) -> String {
    format!(
        "{} %",
        (fraction * Decimal::ONE_HUNDRED).round_dp(1).normalize()
    )
}

/// Hours in English as the API has always written them: up to two decimals ("162.8").
pub fn en_hours(v: Decimal) -> String {
    v.round_dp(2).normalize().to_string()
}

/// "1. marts 2024".
pub fn da_date(d: NaiveDate) -> String {
    d.format_localized("%-d. %B %Y", chrono::Locale::da_DK)
        .to_string()
}

/// "marts 2024".
pub fn da_month(d: NaiveDate) -> String {
    d.format_localized("%B %Y", chrono::Locale::da_DK)
        .to_string()
}

/// Danish list: "a, b og c".
pub fn da_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} og {last}", rest.join(", ")),
    }
}

/// Whole days, Danish: "1 dag", "62 dage".
pub fn da_days(n: i64) -> String {
    if n == 1 {
        "1 dag".into()
    } else {
        format!("{n} dage")
    }
}

/// A month as `YYYY-MM`, the form English messages use.
pub fn ym(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn numbers_and_dates_in_either_language() {
        assert_eq!(decimal(Lang::Da, dec!(1234.5), 2), "1.234,50");
        assert_eq!(decimal(Lang::En, dec!(1234.5), 2), "1,234.50");
        let d = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(date(Lang::Da, d), "1. marts 2024");
        assert_eq!(date(Lang::En, d), "1 March 2024");
        assert_eq!(month(Lang::En, d), "March 2024");
    }

    #[test]
    fn danish_numbers_and_dates() {
        let due = NaiveDate::from_ymd_opt(2000, 9, 29).unwrap();
        assert_eq!(day_and_month(Lang::Da, due), "29. september");
        assert_eq!(day_and_month(Lang::En, due), "29 September");
        assert_eq!(da_kr(dec!(8000000)), "8.000.000,00 kr.");
        assert_eq!(da_decimal(dec!(1234567.891), 2), "1.234.567,89");
        assert_eq!(da_decimal(dec!(-0.005), 2), "-0,01");
        assert_eq!(da_hours(dec!(162.80)), "162,80");
        assert_eq!(da_hours(dec!(1500)), "1.500,00");
        assert_eq!(da_hours(dec!(1234.5)), "1.234,50");
        assert_eq!(da_percent(dec!(0.14)), "14,0 %");
        assert_eq!(
            da_date(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()),
            "1. marts 2024"
        );
        assert_eq!(
            da_month(NaiveDate::from_ymd_opt(2024, 12, 1).unwrap()),
            "december 2024"
        );
        assert_eq!(da_list(&["a".into(), "b".into(), "c".into()]), "a, b og c");
        assert_eq!(da_days(62), "62 dage");
    }

    #[test]
    fn accept_language_picks_danish_or_english() {
        assert_eq!(Lang::from_accept_language(None), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("da")), Lang::Da);
        assert_eq!(
            Lang::from_accept_language(Some("da-DK,da;q=0.9,en-US;q=0.8,en;q=0.7")),
            Lang::Da
        );
        assert_eq!(Lang::from_accept_language(Some("en-GB,da;q=0.5")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("de-DE")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("garbage;;;q=x")), Lang::En);
    }
}
