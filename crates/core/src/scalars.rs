//! Values the API reads as scalars: `YearMonth`, and the strict input side of `Decimal`. With
//! the `graphql` feature they are also GraphQL scalars of those names.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// The largest magnitude any decimal input may have. Money is stored in øre and hours in
/// hundredths as 64-bit integers; 10^12 (10^14 hundredths) leaves room to sum tens of thousands of
/// such values without overflow. Each field has a tighter bound of its own (see `units`).
pub const MAX_DECIMAL_INPUT: Decimal = Decimal::from_parts(0xD4A5_1000, 0xE8, 0, false, 0);

/// A decimal as it arrives in input: exactly the number written, or a refusal. The output side
/// of the `Decimal` scalar is rust_decimal's own; this input type carries the same GraphQL name.
/// Refused with a message a person can act on: a decimal comma ("5200,5": use a point), an
/// exponent, NaN or infinity, more digits than can be held exactly (never silently rounded), and
/// magnitudes from [`MAX_DECIMAL_INPUT`] up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecimalInput(pub Decimal);

impl From<DecimalInput> for Decimal {
    fn from(d: DecimalInput) -> Self {
        d.0
    }
}

impl fmt::Display for DecimalInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Parses a decimal written as `-123.45`: digits, at most one point, an optional leading minus.
pub fn parse_decimal(s: &str) -> Result<Decimal, String> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !plain(int) || !plain(frac) || (digits.contains('.') && frac.is_empty()) {
        if let Some(fixed) = danish_to_point(digits) {
            return Err(format!(
                "use a point as decimal separator (brug punktum som decimaltegn): {}{fixed}",
                if s.starts_with('-') { "-" } else { "" }
            ));
        }
        return Err(format!(
            "expected a decimal number written out with a point, such as \"5200.5\", got {s:?}"
        ));
    }
    let value = Decimal::from_str_exact(s).map_err(|_| {
        format!("{s} has more digits than can be held exactly; give at most two decimals")
    })?;
    if value.abs() >= MAX_DECIMAL_INPUT {
        return Err(format!(
            "{s} is too large: amounts must be below 1000000000000"
        ));
    }
    Ok(value)
}

/// "5200,5" or "1.234,50" written the Danish way, as the same number with a point.
fn danish_to_point(s: &str) -> Option<String> {
    let (int, frac) = s.split_once(',')?;
    let int: String = int.chars().filter(|c| *c != '.').collect();
    let ok = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    (ok(&int) && ok(frac)).then(|| format!("{int}.{frac}"))
}

/// A calendar month, written `YYYY-MM` (e.g. "2024-03"). Stored as the month's first day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth(pub NaiveDate);

impl YearMonth {
    pub fn first_day(self) -> NaiveDate {
        self.0
    }

    pub fn last_day(self) -> NaiveDate {
        self.0
            .checked_add_months(chrono::Months::new(1))
            .and_then(|d| d.pred_opt())
            .expect("month within chrono's range")
    }

    pub fn of(date: NaiveDate) -> Self {
        Self(date.with_day(1).expect("day 1 exists"))
    }
}

impl std::str::FromStr for YearMonth {
    type Err = String;

    /// Reads `YYYY-MM`.
    fn from_str(s: &str) -> Result<Self, String> {
        NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
            .ok()
            .filter(|_| s.len() == 7)
            .map(YearMonth)
            .ok_or_else(|| format!("expected a month as YYYY-MM, got {s:?}"))
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m"))
    }
}

#[cfg(feature = "graphql")]
mod graphql {
    use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

    use super::{DecimalInput, YearMonth, parse_decimal};

    #[Scalar(name = "Decimal")]
    impl ScalarType for DecimalInput {
        fn parse(value: Value) -> InputValueResult<Self> {
            let text = match &value {
                Value::String(s) => s.clone(),
                // A JSON number's own digits (serde_json prints the shortest exact form).
                Value::Number(n) => n.to_string(),
                _ => return Err(InputValueError::expected_type(value)),
            };
            parse_decimal(&text)
                .map(DecimalInput)
                .map_err(InputValueError::custom)
        }

        fn to_value(&self) -> Value {
            Value::String(self.0.to_string())
        }
    }

    #[Scalar(name = "YearMonth")]
    impl ScalarType for YearMonth {
        fn parse(value: Value) -> InputValueResult<Self> {
            let Value::String(s) = &value else {
                return Err(InputValueError::expected_type(value));
            };
            s.parse().map_err(InputValueError::custom)
        }

        fn to_value(&self) -> Value {
            Value::String(self.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_bounds_months() {
        let m: YearMonth = "2024-02".parse().unwrap();
        assert_eq!(m.first_day(), NaiveDate::from_ymd_opt(2024, 2, 1).unwrap());
        assert_eq!(m.last_day(), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert_eq!(m.to_string(), "2024-02");
        assert!("2024-13".parse::<YearMonth>().is_err());
        assert!("2024-2".parse::<YearMonth>().is_err());
    }

    #[test]
    fn decimals_are_exact_or_refused_with_a_reason() {
        let ok = |s: &str| parse_decimal(s).unwrap().to_string();
        assert_eq!(ok("5200.5"), "5200.5");
        assert_eq!(ok("-0.25"), "-0.25");
        assert_eq!(ok("2.500"), "2.500");
        assert_eq!(ok("999999999999.99"), "999999999999.99");
        assert_eq!(MAX_DECIMAL_INPUT.to_string(), "1000000000000");
        let err = |s: &str| parse_decimal(s).unwrap_err();
        assert!(err("5200,5").ends_with(": 5200.5"), "{}", err("5200,5"));
        assert!(err("1.234,50").ends_with(": 1234.50"));
        assert!(err("-7,5").ends_with(": -7.5"));
        assert!(err("1e400").contains("with a point"));
        assert!(err("NaN").contains("with a point"));
        assert!(err(" 1").contains("with a point"));
        assert!(err("1.").contains("with a point"));
        assert!(err("").contains("with a point"));
        assert!(err("1.0000000000000000000000000000001").contains("exactly"));
        assert!(err("79228162514264337593543950335").contains("too large"));
        assert!(err("92233720368547758.07").contains("too large"));
        assert!(err("1000000000000").contains("too large"));
    }
}
