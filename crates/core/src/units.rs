//! The engine's exact unit conversions ([`engine::units`]), and today's date in Denmark, which
//! reads the clock and so lives here rather than in the engine.

pub use engine::units::*;

/// Today's date in Denmark (Europe/Copenhagen): the date users mean, whatever the server's clock
/// zone (UTC on the servers). Between 22:00/23:00 and midnight UTC it is already tomorrow here.
pub fn danish_today() -> chrono::NaiveDate {
    danish_date(chrono::Utc::now())
}

/// The date in Denmark at a moment: a report submitted at 23:30 UTC on 31 December was
/// submitted on 1 January here.
pub fn danish_date(at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Copenhagen)
        .date_naive()
}
