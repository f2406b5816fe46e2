//! Input checks shared by the services. Each returns BAD_USER_INPUT naming the offending field.

use chrono::{Datelike, NaiveDate};

use crate::error::{AppError, AppResult};

/// Years the tracker reports on (LBF's yearly reports, commitment years).
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A calendar year within [`YEARS`].
pub fn year(field: &str, value: i32) -> AppResult<i32> {
    in_range(field, value, *YEARS.start(), *YEARS.end())
}

/// The first control character (NUL and the like) other than tab and line breaks, if any: they
/// have no place in names or minutes, and PostgreSQL refuses NUL outright.
pub fn control_char(value: &str) -> Option<char> {
    value
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// Refuses a [`control_char`].
pub fn no_control(field: &str, value: &str) -> AppResult<()> {
    match control_char(value) {
        Some(c) => Err(AppError::bad_input(
            field,
            format!(
                "{field} contains the control character U+{:04X}; remove it",
                c as u32
            ),
            format!(
                "{field} indeholder kontroltegnet U+{:04X}; fjern det",
                c as u32
            ),
        )),
        None => Ok(()),
    }
}

/// A trimmed, non-empty text of at most `max` characters.
pub fn text(field: &str, value: &str, max: usize) -> AppResult<String> {
    no_control(field, value)?;
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::bad_input(
            field,
            format!("{field} must not be empty"),
            format!("{field} skal udfyldes"),
        ));
    }
    if v.chars().count() > max {
        return Err(AppError::bad_input(
            field,
            format!("{field} is longer than {max} characters"),
            format!("{field} er længere end {max} tegn"),
        ));
    }
    Ok(v.to_owned())
}

/// Optional text: blank means none.
pub fn opt_text(field: &str, value: Option<&str>, max: usize) -> AppResult<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(field, v, max).map(Some),
    }
}

/// Danish CVR number: 8 digits, first not 0, weights 2-7-6-5-4-3-2-1 summing to a multiple of 11.
pub fn cvr(field: &str, value: &str) -> AppResult<String> {
    let v: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let digits: Vec<u32> = v.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 8 || v.len() != 8 {
        return Err(AppError::bad_input(
            field,
            format!("{field} must be 8 digits, got {value:?}"),
            format!("{field} skal være 8 cifre, fik {value:?}"),
        ));
    }
    if digits[0] == 0 {
        return Err(AppError::bad_input(
            field,
            format!("{field} cannot start with 0, got {value:?}"),
            format!("{field} kan ikke begynde med 0, fik {value:?}"),
        ));
    }
    const WEIGHTS: [u32; 8] = [2, 7, 6, 5, 4, 3, 2, 1];
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    if !sum.is_multiple_of(11) {
        return Err(AppError::bad_input(
            field,
            format!("{field} {value} fails the CVR modulus-11 check; check for a typing error"),
            format!(
                "{field} {value} er ikke et gyldigt CVR-nummer (modulus 11); tjek for en tastefejl"
            ),
        ));
    }
    Ok(v)
}

/// `end` (if any) on or after `start`.
pub fn date_order(end_field: &str, start: NaiveDate, end: Option<NaiveDate>) -> AppResult<()> {
    match end {
        Some(end) if end < start => Err(AppError::bad_input(
            end_field,
            format!("{end_field} ({end}) is before the start ({start})"),
            format!("{end_field} ({end}) ligger før starten ({start})"),
        )),
        _ => Ok(()),
    }
}

pub fn non_negative(field: &str, value: i32) -> AppResult<i32> {
    if value < 0 {
        return Err(AppError::bad_input(
            field,
            format!("{field} must be zero or more, got {value}"),
            format!("{field} skal være nul eller mere, fik {value}"),
        ));
    }
    Ok(value)
}

pub fn in_range(field: &str, value: i32, min: i32, max: i32) -> AppResult<i32> {
    if !(min..=max).contains(&value) {
        return Err(AppError::bad_input(
            field,
            format!("{field} must be between {min} and {max}, got {value}"),
            format!("{field} skal være mellem {min} og {max}, fik {value}"),
        ));
    }
    Ok(value)
}

/// A plausible birth year: not in the future, not before 1900.
pub fn birth_year(field: &str, value: i32) -> AppResult<i32> {
    in_range(field, value, 1900, crate::clock::now().year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvr_modulus_11() {
        // 2*2 + 7*5 + 6*3 + 5*1 + 4*3 + 3*7 + 2*6 + 1*3 = 110 = 10 x 11.
        assert_eq!(cvr("cvr", "25313763").unwrap(), "25313763");
        assert_eq!(cvr("cvr", "2531 3763").unwrap(), "25313763");
        let e = cvr("cvr", "25313764").unwrap_err();
        assert_eq!(e.code(), "BAD_USER_INPUT");
        assert!(e.message().contains("modulus-11"));
        assert!(cvr("cvr", "1234567").is_err());
        assert!(cvr("cvr", "1234567a").is_err());
        assert!(cvr("cvr", "02531376").is_err());
    }

    #[test]
    fn texts_refuse_control_characters_but_keep_line_breaks() {
        let e = text("name", "Ann\0", 50).unwrap_err();
        assert_eq!(e.code(), "BAD_USER_INPUT");
        assert_eq!(
            e.message(),
            "name contains the control character U+0000; remove it"
        );
        assert!(text("name", "a\u{1b}[31m", 50).is_err());
        assert_eq!(
            text("minutes", "line 1\nline 2\tx", 50).unwrap(),
            "line 1\nline 2\tx"
        );
        assert_eq!(year("year", 2024).unwrap(), 2024);
        assert!(year("year", 300_000).is_err());
        assert!(year("year", -1).is_err());
        assert!(year("year", i32::MAX).is_err());
    }

    #[test]
    fn dates_in_order() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(date_order("endDate", d("2024-01-01"), Some(d("2024-01-01"))).is_ok());
        assert!(date_order("endDate", d("2024-01-02"), Some(d("2024-01-01"))).is_err());
        assert!(date_order("endDate", d("2024-01-02"), None).is_ok());
    }
}
