//! Monthly series for charts: labour and trainee hours, the monthly and cumulative share, and
//! R3's target line at each month's end.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::facts::GrantFacts;
use super::figures::*;
use super::report::Tally;

/// One month of a time series.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthPoint {
    pub month: NaiveDate,
    pub labour_hours: Decimal,
    pub trainee_hours: Decimal,
    pub monthly_share: Option<Decimal>,
    pub cumulative_labour_hours: Decimal,
    pub cumulative_trainee_hours: Decimal,
    pub cumulative_share: Option<Decimal>,
    /// R3's target line: cumulative trainee hours expected by the month's end.
    pub target_cumulative_trainee_hours: Option<Decimal>,
    pub required_share: Decimal,
}

/// Monthly series over the counting window, optionally for one contractor's contracts only.
/// Months without reports appear with zero hours so charts have no holes.
pub fn time_series(g: &GrantFacts, as_of: NaiveDate, contractor: Option<Uuid>) -> Vec<MonthPoint> {
    let (Some(w), Some(start)) = (Window::of(g, as_of), g.construction_start) else {
        return Vec::new();
    };
    let kinds = placement_kinds(g);
    let contracts: Vec<Uuid> = g
        .contracts
        .iter()
        .filter(|c| contractor.is_none_or(|id| c.contractor_id == id))
        .map(|c| c.id)
        .collect();
    let mut per_month: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    for r in g
        .reports
        .iter()
        .filter(|r| w.contains(r.month) && contracts.contains(&r.contract_id))
    {
        per_month
            .entry(r.month)
            .or_default()
            .add(&tally_report(r, &kinds));
    }
    let target = g
        .craftsman_cost_ore
        .filter(|_| contractor.is_none())
        .map(|c| target(c, g.params.target_per_100m()).1);
    let end = g.actual_handover.or(g.planned_handover);
    let share = |t: i64, l: i64| (l > 0).then(|| (hours(t) / hours(l)).round_dp(4));
    let mut out = Vec::new();
    let mut cum = Tally::default();
    let mut m = w.first;
    while m <= w.last {
        let t = per_month.get(&m).copied().unwrap_or_default();
        cum.add(&t);
        let target_line = match (target, end) {
            (Some(th), Some(end)) => {
                Some(pro_rata(th, start, end, last_day_of_month(m)).0.round_dp(2))
            }
            _ => None,
        };
        out.push(MonthPoint {
            month: m,
            labour_hours: hours(t.labour),
            trainee_hours: hours(t.trainee()),
            monthly_share: share(t.trainee(), t.labour),
            cumulative_labour_hours: hours(cum.labour),
            cumulative_trainee_hours: hours(cum.trainee()),
            cumulative_share: share(cum.trainee(), cum.labour),
            target_cumulative_trainee_hours: target_line,
            required_share: g.params.min_share(),
        });
        m = next_month(m);
    }
    out
}
