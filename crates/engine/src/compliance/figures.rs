//! The arithmetic every rule shares: hours and årsværk, the share and its shortfall, the target,
//! the one pro-rata helper, months, and tallying a report by placement kind.

use std::collections::HashMap;

use chrono::{Datelike, Days, Months, NaiveDate};
use domain::PlacementKind;
use rust_decimal::{Decimal, RoundingStrategy};
use rust_decimal_macros::dec;
use uuid::Uuid;

use super::facts::{GrantFacts, KindSums, ReportFacts};
use super::report::{Metrics, Span, Tally};

pub const HOURS_PER_ARSVAERK: Decimal =
    Decimal::from_parts(crate::units::HOURS_PER_ARSVAERK as u32, 0, 0, false, 0);

pub fn hours(centi: i64) -> Decimal {
    Decimal::new(centi, 2)
}

/// Hours -> årsværk to two decimals (always shown with both, e.g. 0.00), rounded half away from
/// zero (commercial rounding, as figures on a form are rounded): the figure to report. The exact
/// quotient is [`arsvaerk_exact`].
pub fn arsvaerk(hours: Decimal) -> Decimal {
    let mut a = (hours / HOURS_PER_ARSVAERK)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    a.rescale(2);
    a
}

/// Hours / 1924 to six decimals: the exact årsværk behind the rounded figure.
pub fn arsvaerk_exact(hours: Decimal) -> Decimal {
    let mut a = (hours / HOURS_PER_ARSVAERK)
        .round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero);
    a.rescale(6);
    a
}

pub fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("day 1 exists")
}

pub fn next_month(m: NaiveDate) -> NaiveDate {
    m + Months::new(1)
}

pub fn last_day_of_month(m: NaiveDate) -> NaiveDate {
    next_month(month_of(m)).pred_opt().expect("valid date")
}

/// The last day of the last month that is complete at the end of `as_of`: `as_of` itself on a
/// month's last day, else the last day of the month before.
pub fn last_complete_day(as_of: NaiveDate) -> NaiveDate {
    if as_of == last_day_of_month(as_of) {
        as_of
    } else {
        month_of(as_of).pred_opt().expect("valid date")
    }
}

pub fn days(n: i64) -> Days {
    Days::new(n.max(0) as u64)
}

/// Hours needed to reach share `g` with `non_trainee` other hours, rounded up to hundredths.
pub fn needed_trainee_hours(g: Decimal, non_trainee: Decimal) -> Decimal {
    if g >= Decimal::ONE {
        return non_trainee;
    }
    (g * non_trainee / (Decimal::ONE - g)).round_dp_with_strategy(2, RoundingStrategy::AwayFromZero)
}

/// max(0, g·J/(1−g) − T), J = L − T.
pub fn shortfall(g: Decimal, labour: Decimal, trainee: Decimal) -> Decimal {
    (needed_trainee_hours(g, labour - trainee) - trainee).max(Decimal::ZERO)
}

/// R2: 6 årsværk per 100 mio. DKK (configurable), times 1924 hours.
pub fn target(craftsman_cost_ore: i64, per_100m: Decimal) -> (Decimal, Decimal) {
    let arsvaerk = hours(craftsman_cost_ore) / dec!(100_000_000) * per_100m;
    (arsvaerk, arsvaerk * HOURS_PER_ARSVAERK)
}

pub fn metrics(t: &Tally, required_share: Decimal) -> Metrics {
    let labour = hours(t.labour);
    let trainee = hours(t.trainee());
    Metrics {
        labour_hours: labour,
        trainee_hours: trainee,
        apprentice_hours: hours(t.apprentice),
        other_training_hours: hours(t.other_training),
        share: (t.labour > 0).then(|| trainee / labour),
        required_share,
        needed_trainee_hours: needed_trainee_hours(required_share, labour - trainee),
        shortfall_hours: shortfall(required_share, labour, trainee),
        delivered_arsvaerk: arsvaerk(trainee),
    }
}

/// `total` spread evenly over the days from `start` through `last` (both counted) and counted
/// through the end of `through` (both counted): total × elapsed / period, exact (callers round),
/// with the span it measured. The one pro-rata window of the engine, the same for a grant (its
/// last day is handover) and a contract (its end date): R3's target line, an hours clause's line
/// and the chart's target line all use it.
pub fn pro_rata(
    total: Decimal,
    start: NaiveDate,
    last: NaiveDate,
    through: NaiveDate,
) -> (Decimal, Span) {
    let period = ((last - start).num_days() + 1).max(1);
    let elapsed = ((through - start).num_days() + 1).clamp(0, period);
    let value = total * Decimal::from(elapsed) / Decimal::from(period);
    (
        value,
        Span {
            from: start,
            to: through.min(last),
            elapsed_days: elapsed,
            period_days: period,
        },
    )
}

/// The months counted: from the site's establishment to handover (or `as_of`), by report month.
pub struct Window {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Window {
    pub fn of(g: &GrantFacts, as_of: NaiveDate) -> Option<Self> {
        let start = g.construction_start.filter(|s| *s <= as_of)?;
        let end = match g.actual_handover {
            Some(h) if h <= as_of => h,
            _ => as_of,
        };
        Some(Self {
            first: month_of(start),
            last: month_of(end),
        })
    }

    pub fn contains(&self, month: NaiveDate) -> bool {
        self.first <= month && month <= self.last
    }
}

pub fn placement_kinds(g: &GrantFacts) -> HashMap<Uuid, PlacementKind> {
    g.placements.iter().map(|pl| (pl.id, pl.kind)).collect()
}

/// Tallies one report: total labour hours, and its lines split by placement kind.
pub fn tally_report(r: &ReportFacts, kinds: &HashMap<Uuid, PlacementKind>) -> Tally {
    let sums = r.by_kind.unwrap_or_else(|| {
        let mut s = KindSums::default();
        for (placement, centi) in &r.lines {
            s.add(kinds.get(placement).copied(), *centi);
        }
        s
    });
    Tally {
        labour: r.total_centihours,
        apprentice: sums.apprentice,
        other_training: sums.other_training,
        not_counted: sums.not_counted,
    }
}

/// Carries the last three reported months' run rate from the last reported month to `end`:
/// (projected share, projected trainee hours, months the rate is taken over).
pub fn project(
    per_month: &std::collections::BTreeMap<NaiveDate, Tally>,
    current: &Tally,
    end: NaiveDate,
) -> Option<(Option<Decimal>, Decimal, usize)> {
    let recent: Vec<&Tally> = per_month.values().rev().take(3).collect();
    let last = *per_month.keys().next_back()?;
    let n = Decimal::from(recent.len() as i64);
    let rate_t = hours(recent.iter().map(|t| t.trainee()).sum()) / n;
    let rate_l = hours(recent.iter().map(|t| t.labour).sum()) / n;
    let mut remaining = 0i64;
    let mut m = next_month(last);
    while m <= month_of(end) {
        remaining += 1;
        m = next_month(m);
    }
    let pt = hours(current.trainee()) + rate_t * Decimal::from(remaining);
    let pl = hours(current.labour) + rate_l * Decimal::from(remaining);
    Some((
        (pl > Decimal::ZERO).then(|| (pt / pl).round_dp(4)),
        pt.round_dp(2),
        recent.len(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn pro_rata_counts_whole_days_through_the_end_of_the_day() {
        // 1 March 2024 through 28 February 2026, both counted: 730 days; through 31 March 2024
        // is 31 days.
        let (v, s) = pro_rata(dec!(28860), d(2024, 3, 1), d(2026, 2, 28), d(2024, 3, 31));
        assert_eq!((s.elapsed_days, s.period_days), (31, 730));
        assert_eq!(v.round_dp(2), dec!(1225.56));
        // With handover on 1 March 2026 that day counts too: 731 days.
        let (v, s) = pro_rata(dec!(28860), d(2024, 3, 1), d(2026, 3, 1), d(2024, 3, 31));
        assert_eq!(
            (s.elapsed_days, s.period_days, s.to),
            (31, 731, d(2024, 3, 31))
        );
        assert_eq!(v.round_dp(2), dec!(1223.89));
        // On the last day everything is due; a one-day period is due in full that day.
        assert_eq!(
            pro_rata(dec!(100), d(2024, 3, 1), d(2024, 3, 31), d(2024, 3, 31)).0,
            dec!(100)
        );
        assert_eq!(
            pro_rata(dec!(100), d(2024, 3, 1), d(2024, 3, 1), d(2024, 3, 1)).0,
            dec!(100)
        );
        // Before the start nothing, after the end everything.
        assert_eq!(
            pro_rata(dec!(10), d(2024, 3, 1), d(2024, 4, 1), d(2024, 2, 1)).0,
            dec!(0)
        );
        assert_eq!(
            pro_rata(dec!(10), d(2024, 3, 1), d(2024, 4, 1), d(2025, 1, 1)).0,
            dec!(10)
        );
    }

    #[test]
    fn the_last_complete_month() {
        assert_eq!(last_complete_day(d(2024, 3, 31)), d(2024, 3, 31));
        assert_eq!(last_complete_day(d(2024, 4, 1)), d(2024, 3, 31));
        assert_eq!(last_complete_day(d(2024, 4, 15)), d(2024, 3, 31));
        assert_eq!(last_complete_day(d(2024, 2, 29)), d(2024, 2, 29));
    }
}
