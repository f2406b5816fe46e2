//! Custom GraphQL scalars.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{Datelike, NaiveDate};

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

#[Scalar(name = "YearMonth")]
impl ScalarType for YearMonth {
    fn parse(value: Value) -> InputValueResult<Self> {
        let Value::String(s) = &value else {
            return Err(InputValueError::expected_type(value));
        };
        NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
            .ok()
            .filter(|_| s.len() == 7)
            .map(YearMonth)
            .ok_or_else(|| {
                InputValueError::custom(format!("expected a month as YYYY-MM, got {s:?}"))
            })
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m").to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_bounds_months() {
        let m = YearMonth::parse(Value::String("2024-02".into())).unwrap();
        assert_eq!(m.first_day(), NaiveDate::from_ymd_opt(2024, 2, 1).unwrap());
        assert_eq!(m.last_day(), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert_eq!(m.to_value(), Value::String("2024-02".into()));
        assert!(YearMonth::parse(Value::String("2024-13".into())).is_err());
        assert!(YearMonth::parse(Value::String("2024-2".into())).is_err());
    }
}
