//! Exact conversions between the API's decimals and the stored integers: money in øre, hours in
//! hundredths of an hour, percentages in basis points. Input with more precision than the unit
//! holds is refused rather than rounded, so nobody's figure is silently changed.

use rust_decimal::Decimal;

use crate::error::{AppError, AppResult};

/// 1 årsværk (one full-time year) = 37 h x 52 weeks.
pub const HOURS_PER_ARSVAERK: i64 = 1924;

fn to_hundredths(field: &str, value: Decimal, what: &str) -> AppResult<i64> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(AppError::bad_input(
            field,
            format!("{field} must be zero or more, got {value}"),
        ));
    }
    if value.normalize().scale() > 2 {
        return Err(AppError::bad_input(
            field,
            format!("{field} has at most two decimals ({what}), got {value}"),
        ));
    }
    let scaled = value * Decimal::ONE_HUNDRED;
    i64::try_from(scaled)
        .map_err(|_| AppError::bad_input(field, format!("{field} is too large: {value}")))
}

/// DKK (with øre) -> øre. Refuses negatives and fractions of an øre.
pub fn dkk_to_ore(field: &str, value: Decimal) -> AppResult<i64> {
    to_hundredths(field, value, "whole øre")
}

/// Hours -> hundredths of an hour. Refuses negatives and more than two decimals.
pub fn hours_to_centi(field: &str, value: Decimal) -> AppResult<i64> {
    to_hundredths(field, value, "hundredths of an hour")
}

/// Percent (e.g. 14 or 12.5) -> basis points. Refuses negatives, more than two decimals, and more
/// than 100 %.
pub fn percent_to_bp(field: &str, value: Decimal) -> AppResult<i32> {
    let bp = to_hundredths(field, value, "hundredths of a percent")?;
    if bp > 10_000 {
        return Err(AppError::bad_input(
            field,
            format!("{field} cannot exceed 100 %, got {value}"),
        ));
    }
    Ok(bp as i32)
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
        assert_eq!(e.code(), "BAD_USER_INPUT");
        assert!(hours_to_centi("h", d("-0.01")).is_err());
        assert!(percent_to_bp("p", d("100.01")).is_err());
        // Trailing zeros are not extra precision.
        assert_eq!(hours_to_centi("h", d("2.500")).unwrap(), 250);
    }
}
