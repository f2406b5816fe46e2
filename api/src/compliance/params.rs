//! Rule parameters: the domain brief's defaults, overridable per grant. A report states the values
//! it used.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// The values the rules run with. Shares and tolerances are fractions (0.14 = 14 %).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// R1 minimum trainee share of labour hours (LBF regulativ: 14 %).
    pub min_share: Decimal,
    /// R2 trainee årsværk per 100,000,000 DKK of craftsman cost (LBF's conversion, 2022: 6).
    pub target_per_100m: Decimal,
    /// R3 tolerance below the expected-by-now line (ours: 10 %).
    pub on_track_tolerance: Decimal,
    /// R6 day of the following month by which a month's hours are due (ours: 10).
    pub hours_report_due_day: u32,
    /// R7 longest allowed gap between følgegruppe meetings, in days (61).
    pub max_meeting_interval_days: i64,
    /// R8 days after a snusepraktik ends within which its outcome is due (ours: 14).
    pub trial_outcome_due_days: i64,
    /// R9 overtime allowance over 1924/12 hours a month (ours: 25 %).
    pub overtime_allowance: Decimal,
    /// R5 the yearly LBF report is due this month and day of the following year (29 September).
    pub lbf_report_due: (u32, u32),
}

impl Default for Params {
    fn default() -> Self {
        Self {
            min_share: dec!(0.14),
            target_per_100m: dec!(6),
            on_track_tolerance: dec!(0.10),
            hours_report_due_day: 10,
            max_meeting_interval_days: 61,
            trial_outcome_due_days: 14,
            overtime_allowance: dec!(0.25),
            lbf_report_due: (9, 29),
        }
    }
}

impl Params {
    /// R9: the most hours one person can be credited in a month, in hundredths of an hour:
    /// 1924 / 12 plus the overtime allowance, rounded down to whole hundredths (200.41 h with the
    /// default 25 %). Input validation refuses a line above it and the rule flags a person above
    /// it: one number, computed here only.
    pub fn person_month_cap_centihours(&self) -> i64 {
        use rust_decimal::prelude::ToPrimitive;
        let exact = Decimal::from(crate::units::HOURS_PER_ARSVAERK * 100)
            * (Decimal::ONE + self.overtime_allowance)
            / dec!(12);
        exact.floor().to_i64().unwrap_or(i64::MAX)
    }

    /// The defaults with a grant's stored overrides applied (basis points and hundredths).
    pub fn for_grant(g: &entity::grant::Model) -> Self {
        let d = Self::default();
        let frac = |bp: Option<i32>, default: Decimal| {
            bp.map(|v| Decimal::new(v.into(), 4)).unwrap_or(default)
        };
        Self {
            min_share: frac(g.min_trainee_share_bp, d.min_share),
            target_per_100m: g
                .target_per_100m_x100
                .map(|v| Decimal::new(v.into(), 2))
                .unwrap_or(d.target_per_100m),
            on_track_tolerance: frac(g.on_track_tolerance_bp, d.on_track_tolerance),
            hours_report_due_day: g
                .hours_report_due_day
                .map(|v| v as u32)
                .unwrap_or(d.hours_report_due_day),
            max_meeting_interval_days: g
                .max_meeting_interval_days
                .map(i64::from)
                .unwrap_or(d.max_meeting_interval_days),
            trial_outcome_due_days: g
                .trial_outcome_due_days
                .map(i64::from)
                .unwrap_or(d.trial_outcome_due_days),
            overtime_allowance: frac(g.overtime_allowance_bp, d.overtime_allowance),
            lbf_report_due: d.lbf_report_due,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_person_month_cap_for_validation_and_rule() {
        // 1924 / 12 = 160.333.. h; x 1.25 = 200.4166.. h, rounded down to 200.41 h.
        assert_eq!(Params::default().person_month_cap_centihours(), 20_041);
        let none = Params {
            overtime_allowance: Decimal::ZERO,
            ..Params::default()
        };
        // 160.333.. h rounded down.
        assert_eq!(none.person_month_cap_centihours(), 16_033);
        let half = Params {
            overtime_allowance: dec!(0.5),
            ..Params::default()
        };
        // 160.333.. x 1.5 = 240.5 h exactly.
        assert_eq!(half.person_month_cap_centihours(), 24_050);
    }
}
