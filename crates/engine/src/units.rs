//! Exact conversions between the API's decimals and the stored integers: money in øre, hours in
//! hundredths of an hour, percentages in basis points. Input with more precision than the unit
//! holds is refused rather than rounded, so nobody's figure is silently changed.

use rust_decimal::Decimal;

use crate::error::{BadInput, EngineResult};

/// 1 årsværk (one full-time year) = 37 h x 52 weeks.
pub const HOURS_PER_ARSVAERK: i64 = 1924;

/// One elevuge (a week of a person in training) = 37 hours, when a clause counts weeks.
pub const HOURS_PER_TRAINEE_WEEK: i64 = 37;

/// The largest amount of money one field takes: 100 billion DKK (a national programme is far
/// below it), so sums over every grant stay far inside 64-bit øre.
pub const MAX_DKK: i64 = 100_000_000_000;
/// The largest number of hours one field takes: 10 million (one site's month is at most a few
/// hundred thousand), so sums over every report stay far inside 64-bit hundredths.
pub const MAX_HOURS: i64 = 10_000_000;

fn to_hundredths(
    field: &str,
    value: impl Into<Decimal>,
    what: &str,
    max: i64,
) -> EngineResult<i64> {
    let value: Decimal = value.into();
    if value.is_sign_negative() && !value.is_zero() {
        return Err(BadInput::new(
            field,
            format!("{field} must be zero or more, got {value}"),
            format!("{field} skal være nul eller mere, fik {value}"),
        ));
    }
    if value.normalize().scale() > 2 {
        return Err(BadInput::new(
            field,
            format!("{field} has at most two decimals ({what}), got {value}"),
            format!("{field} har højst to decimaler, fik {value}"),
        ));
    }
    if value > Decimal::from(max) {
        return Err(BadInput::new(
            field,
            format!("{field} must be at most {max}, got {value}"),
            format!("{field} må højst være {max}, fik {value}"),
        ));
    }
    value
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|scaled| i64::try_from(scaled).ok())
        .ok_or_else(|| {
            BadInput::new(
                field,
                format!("{field} is too large: {value}"),
                format!("{field} er for stor: {value}"),
            )
        })
}

/// DKK (with øre) -> øre. Refuses negatives, fractions of an øre and more than [`MAX_DKK`].
pub fn dkk_to_ore(field: &str, value: impl Into<Decimal>) -> EngineResult<i64> {
    to_hundredths(field, value, "whole øre", MAX_DKK)
}

/// Hours -> hundredths of an hour. Refuses negatives, more than two decimals and more than
/// [`MAX_HOURS`].
pub fn hours_to_centi(field: &str, value: impl Into<Decimal>) -> EngineResult<i64> {
    to_hundredths(field, value, "hundredths of an hour", MAX_HOURS)
}

/// Elevuger -> hundredths of a week. Refuses negatives, more than two decimals and more weeks
/// than [`MAX_HOURS`] hours hold.
pub fn weeks_to_centi(field: &str, value: impl Into<Decimal>) -> EngineResult<i64> {
    to_hundredths(
        field,
        value,
        "hundredths of a week",
        MAX_HOURS / HOURS_PER_TRAINEE_WEEK,
    )
}

/// Hundredths of an elevuge -> the hundredths of an hour they stand for (37 hours a week).
pub fn centiweeks_to_centihours(centiweeks: i64) -> i64 {
    centiweeks.saturating_mul(HOURS_PER_TRAINEE_WEEK)
}

/// Percent (e.g. 14 or 12.5) -> basis points. Refuses negatives, more than two decimals, and more
/// than 100 %.
pub fn percent_to_bp(field: &str, value: impl Into<Decimal>) -> EngineResult<i32> {
    let value: Decimal = value.into();
    if value > Decimal::ONE_HUNDRED {
        return Err(BadInput::new(
            field,
            format!("{field} cannot exceed 100 %, got {value}"),
            format!("{field} kan ikke være over 100 %, fik {value}"),
        ));
    }
    let bp = to_hundredths(field, value, "hundredths of a percent", 100)?;
    i32::try_from(bp).map_err(|_| {
        BadInput::new(
            field,
            format!("{field} is too large"),
            format!("{field} er for stor"),
        )
    })
}

/// Any stored hundredths (øre, centihours, basis points) -> the exact decimal.
pub fn from_hundredths(value: i64) -> Decimal {
    Decimal::new(value, 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn converts_exactly_both_ways() {
        assert_eq!(dkk_to_ore("v", d("250000000.00")).unwrap(), 25_000_000_000);
        assert_eq!(hours_to_centi("h", d("160.33")).unwrap(), 16_033);
        assert_eq!(hours_to_centi("h", d("7.5")).unwrap(), 750);
        assert_eq!(percent_to_bp("p", d("14")).unwrap(), 1400);
        assert_eq!(from_hundredths(16_033), d("160.33"));
        assert_eq!(from_hundredths(25_000_000_000), d("250000000"));
    }

    #[test]
    fn refuses_what_it_cannot_hold_exactly() {
        let e = hours_to_centi("totalHours", d("1.005")).unwrap_err();
        assert_eq!(e.field, "totalHours");
        assert!(hours_to_centi("h", d("-0.01")).is_err());
        assert!(percent_to_bp("p", d("100.01")).is_err());
        // Trailing zeros are not extra precision.
        assert_eq!(hours_to_centi("h", d("2.500")).unwrap(), 250);
        // Bounded, so sums cannot overflow, and never a panic on the largest decimals.
        assert_eq!(hours_to_centi("h", d("10000000")).unwrap(), 1_000_000_000);
        let e = hours_to_centi("totalHours", d("10000000.01")).unwrap_err();
        assert_eq!(
            e.message.get(crate::i18n::Lang::En),
            "totalHours must be at most 10000000, got 10000000.01"
        );
        assert!(hours_to_centi("h", Decimal::MAX).is_err());
        assert!(dkk_to_ore("v", d("92233720368547758.07")).is_err());
        assert_eq!(
            dkk_to_ore("v", d("100000000000")).unwrap(),
            10_000_000_000_000
        );
    }
}
