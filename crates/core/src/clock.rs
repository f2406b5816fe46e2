//! The tracker's clock: the current moment and today's date in Denmark, read in this one place by
//! every write (created, updated, audited at), every default (as of today, known now) and every
//! session check. A task can run at a fixed moment ([`at`]): a demo loaded and its pages rendered
//! "on 15 June 2026" read the same on any later day, which is how the page snapshots are taken.
//! Only the task itself sees the fixed moment; tasks it spawns read the real clock.

use chrono::{DateTime, NaiveDate, Utc};

tokio::task_local! {
    static FIXED: DateTime<Utc>;
}

/// The current moment (UTC), or the task's fixed moment inside [`at`].
pub fn now() -> DateTime<Utc> {
    FIXED.try_with(|t| *t).unwrap_or_else(|_| Utc::now())
}

/// Today's date in Denmark (Europe/Copenhagen): the date users mean, whatever the server's clock
/// zone (UTC on the servers). Between 22:00/23:00 and midnight UTC it is already tomorrow here.
pub fn danish_today() -> NaiveDate {
    danish_date(now())
}

/// The date in Denmark at a moment: a report submitted at 23:30 UTC on 31 December was
/// submitted on 1 January here.
pub fn danish_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Copenhagen)
        .date_naive()
}

/// Runs `work` with the clock stopped at `moment` for everything this task reads from it.
pub async fn at<F: std::future::Future>(moment: DateTime<Utc>, work: F) -> F::Output {
    FIXED.scope(moment, work).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_task_at_a_fixed_moment_reads_it_and_others_do_not() {
        let moment: DateTime<Utc> = "2026-06-14T22:30:00Z".parse().unwrap();
        let inside = at(moment, async { (now(), danish_today()) }).await;
        // 22:30 UTC on 14 June is 00:30 on 15 June in Copenhagen (summer time).
        assert_eq!(
            inside,
            (moment, NaiveDate::from_ymd_opt(2026, 6, 15).unwrap())
        );
        assert!(now() > "2026-11-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap());
        let spawned = at(moment, async {
            tokio::spawn(async { now() }).await.unwrap()
        })
        .await;
        assert_ne!(spawned, moment);
    }
}
