//! Rule parameters, defined once: [`PARAMETERS`] gives each one's key, rule, unit, default,
//! allowed range and description (English and Danish). The grant's overrides input, its stored
//! overrides (one JSON object), the overrides it shows, the values a report applied and the
//! engine's defaults all follow from the table. A new parameter is a row here, a key and an
//! accessor.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal_macros::dec;
use uuid::Uuid;

use super::report::Rule;
use crate::error::{BadInput, EngineResult};

/// A rule parameter a grant may override.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "RuleParameter"))]
pub enum ParamKey {
    /// R1 minimum share of trainee hours, in percent.
    MinTraineeSharePercent,
    /// R2 required trainee årsværk per 100 mio. DKK of craftsman cost.
    #[cfg_attr(feature = "graphql", graphql(name = "TARGET_ARSVAERK_PER_100M_DKK"))]
    TargetArsvaerkPer100mDkk,
    /// R3 tolerance below the expected-by-now line, in percent.
    OnTrackTolerancePercent,
    /// R6 day of the next month by which a month's hours are due.
    HoursReportDueDay,
    /// R6 days a submitted month may wait for the bygherre's acceptance.
    HoursAcceptanceWaitDays,
    /// R6 days after a return within which the month is submitted again.
    HoursResubmitDays,
    /// R7 longest allowed gap between følgegruppe meetings, in days.
    MaxMeetingIntervalDays,
    /// R8 days after a snusepraktik ends within which its outcome and next plan are due.
    TrialOutcomeDueDays,
    /// R8 longest a snusepraktik may last, in days.
    TrialMaxDays,
    /// R9 overtime allowance over 1924 / 12 hours a month, in percent.
    OvertimeAllowancePercent,
}

/// The unit of a parameter's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "RuleParameterUnit"))]
pub enum ParamUnit {
    Percent,
    #[cfg_attr(feature = "graphql", graphql(name = "ARSVAERK_PER_100M_DKK"))]
    ArsvaerkPer100mDkk,
    DayOfMonth,
    Days,
}

/// One parameter: what it is, its default and what values it may take.
pub struct ParamDef {
    pub key: ParamKey,
    /// The key as stored and as GraphQL writes it.
    pub name: &'static str,
    pub rule: Rule,
    pub unit: ParamUnit,
    pub default: Decimal,
    pub min: Decimal,
    pub max: Decimal,
    /// Most decimals a value may have.
    pub decimals: u32,
    pub en: &'static str,
    pub da: &'static str,
}

/// Every parameter, in rule order. Defaults are the domain brief's.
pub const PARAMETERS: [ParamDef; 10] = [
    ParamDef {
        key: ParamKey::MinTraineeSharePercent,
        name: "MIN_TRAINEE_SHARE_PERCENT",
        rule: Rule::R1,
        unit: ParamUnit::Percent,
        default: dec!(14),
        min: dec!(0),
        max: dec!(100),
        decimals: 2,
        en: "Minimum share of trainee hours of all labour hours on the site (LBF regulativ: 14 %)",
        da: "Mindste andel af timerne på pladsen, der skal udføres af personer under oplæring (LBF: 14 %)",
    },
    ParamDef {
        key: ParamKey::TargetArsvaerkPer100mDkk,
        name: "TARGET_ARSVAERK_PER_100M_DKK",
        rule: Rule::R2,
        unit: ParamUnit::ArsvaerkPer100mDkk,
        default: dec!(6),
        min: dec!(0),
        max: dec!(100),
        decimals: 2,
        en: "Trainee årsværk required per 100 mio. DKK of craftsman cost (LBF's conversion, 2022: 6)",
        da: "Krævede årsværk for personer under oplæring pr. 100 mio. kr. håndværkerudgift (LBF 2022: 6)",
    },
    ParamDef {
        key: ParamKey::OnTrackTolerancePercent,
        name: "ON_TRACK_TOLERANCE_PERCENT",
        rule: Rule::R3,
        unit: ParamUnit::Percent,
        default: dec!(10),
        min: dec!(0),
        max: dec!(100),
        decimals: 2,
        en: "How far delivered trainee hours may fall below the pro-rata target line before R3 warns",
        da: "Hvor langt de leverede timer må ligge under den forholdsmæssige mållinje, før R3 advarer",
    },
    ParamDef {
        key: ParamKey::HoursReportDueDay,
        name: "HOURS_REPORT_DUE_DAY",
        rule: Rule::R6,
        unit: ParamUnit::DayOfMonth,
        default: dec!(10),
        min: dec!(1),
        max: dec!(28),
        decimals: 0,
        en: "Day of the next month by which a month's hours are reported",
        da: "Dag i den følgende måned, hvor månedens timer senest skal være indberettet",
    },
    ParamDef {
        key: ParamKey::HoursAcceptanceWaitDays,
        name: "HOURS_ACCEPTANCE_WAIT_DAYS",
        rule: Rule::R6,
        unit: ParamUnit::Days,
        default: dec!(10),
        min: dec!(1),
        max: dec!(365),
        decimals: 0,
        en: "Days a month ready for acceptance (submitted, or approved by the main contractor) may wait for the bygherre",
        da: "Dage en måned, der er klar til accept (indsendt eller godkendt af hovedentreprenøren), må vente på bygherren",
    },
    ParamDef {
        key: ParamKey::HoursResubmitDays,
        name: "HOURS_RESUBMIT_DAYS",
        rule: Rule::R6,
        unit: ParamUnit::Days,
        default: dec!(10),
        min: dec!(0),
        max: dec!(365),
        decimals: 0,
        en: "Days after a month is returned within which it is submitted again (never before the month's own deadline)",
        da: "Dage efter at en måned er sendt retur, hvor den skal indsendes igen (aldrig før månedens egen frist)",
    },
    ParamDef {
        key: ParamKey::MaxMeetingIntervalDays,
        name: "MAX_MEETING_INTERVAL_DAYS",
        rule: Rule::R7,
        unit: ParamUnit::Days,
        default: dec!(61),
        min: dec!(1),
        max: dec!(366),
        decimals: 0,
        en: "Longest allowed gap between følgegruppe meetings during construction (about every second month)",
        da: "Længste tilladte tid mellem følgegruppens møder under byggeriet (ca. hver anden måned)",
    },
    ParamDef {
        key: ParamKey::TrialOutcomeDueDays,
        name: "TRIAL_OUTCOME_DUE_DAYS",
        rule: Rule::R8,
        unit: ParamUnit::Days,
        default: dec!(14),
        min: dec!(0),
        max: dec!(365),
        decimals: 0,
        en: "Days after a snusepraktik ends within which its outcome and next plan are recorded (and the grace after its three-month status falls due, R10)",
        da: "Dage efter en snusepraktik, hvor udfald og videre plan skal være registreret (og fristen efter de tre måneder for status, R10)",
    },
    ParamDef {
        key: ParamKey::TrialMaxDays,
        name: "TRIAL_MAX_DAYS",
        rule: Rule::R8,
        unit: ParamUnit::Days,
        // Four weeks is the usual length; a longer stay (up to 13 weeks) is a virksomhedspraktik
        // the jobcenter may agree to. A placement beyond it is refused as a typing error.
        default: dec!(91),
        min: dec!(1),
        max: dec!(366),
        decimals: 0,
        en: "Longest a snusepraktik may last, start to end (four weeks is usual)",
        da: "Det længste en snusepraktik må vare, fra start til slut (fire uger er det sædvanlige)",
    },
    ParamDef {
        key: ParamKey::OvertimeAllowancePercent,
        name: "OVERTIME_ALLOWANCE_PERCENT",
        rule: Rule::R9,
        unit: ParamUnit::Percent,
        default: dec!(25),
        min: dec!(0),
        max: dec!(100),
        decimals: 2,
        en: "Overtime allowance over 1924 / 12 hours a month for one person",
        da: "Tillæg for overarbejde ud over 1924 / 12 timer om måneden for én person",
    },
];

/// R5: the yearly LBF report is due this month and day of the following year. Set by LBF, not
/// per grant.
pub const LBF_REPORT_DUE: (u32, u32) = (9, 29);

impl ParamKey {
    pub fn def(self) -> &'static ParamDef {
        // The table lists every key once, in declaration order.
        &PARAMETERS[self as usize]
    }

    pub fn from_name(name: &str) -> Option<Self> {
        PARAMETERS.iter().find(|p| p.name == name).map(|p| p.key)
    }
}

/// The values the rules run with, in each parameter's unit: the defaults with a grant's
/// overrides applied. A report states the values it used.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Params {
    values: [Decimal; PARAMETERS.len()],
    overridden: [bool; PARAMETERS.len()],
}

impl Default for Params {
    fn default() -> Self {
        Self {
            values: PARAMETERS.map(|p| p.default),
            overridden: [false; PARAMETERS.len()],
        }
    }
}

fn percent(v: Decimal) -> Decimal {
    v / Decimal::ONE_HUNDRED
}

fn whole(v: Decimal) -> i64 {
    v.trunc().to_i64().unwrap_or(0)
}

impl Params {
    pub fn get(&self, key: ParamKey) -> Decimal {
        self.values[key as usize]
    }

    pub fn is_overridden(&self, key: ParamKey) -> bool {
        self.overridden[key as usize]
    }

    /// These values with `key` set to `value` (an override).
    pub fn with(mut self, key: ParamKey, value: Decimal) -> Self {
        self.values[key as usize] = value;
        self.overridden[key as usize] = true;
        self
    }

    /// R1 minimum trainee share, as a fraction (0.14).
    pub fn min_share(&self) -> Decimal {
        percent(self.get(ParamKey::MinTraineeSharePercent))
    }

    /// R2 trainee årsværk per 100 mio. DKK.
    pub fn target_per_100m(&self) -> Decimal {
        self.get(ParamKey::TargetArsvaerkPer100mDkk)
    }

    /// R3 tolerance, as a fraction (0.10).
    pub fn on_track_tolerance(&self) -> Decimal {
        percent(self.get(ParamKey::OnTrackTolerancePercent))
    }

    /// R6 due day of the next month.
    pub fn hours_report_due_day(&self) -> u32 {
        u32::try_from(whole(self.get(ParamKey::HoursReportDueDay))).unwrap_or(10)
    }

    /// R6 days a month ready for acceptance may wait.
    pub fn hours_acceptance_wait_days(&self) -> i64 {
        whole(self.get(ParamKey::HoursAcceptanceWaitDays))
    }

    /// R6 days after a return to submit the month again.
    pub fn hours_resubmit_days(&self) -> i64 {
        whole(self.get(ParamKey::HoursResubmitDays))
    }

    /// R7 days.
    pub fn max_meeting_interval_days(&self) -> i64 {
        whole(self.get(ParamKey::MaxMeetingIntervalDays))
    }

    /// R8 days.
    pub fn trial_outcome_due_days(&self) -> i64 {
        whole(self.get(ParamKey::TrialOutcomeDueDays))
    }

    /// R8 longest snusepraktik, in days.
    pub fn trial_max_days(&self) -> i64 {
        whole(self.get(ParamKey::TrialMaxDays))
    }

    /// R9 overtime allowance, as a fraction (0.25).
    pub fn overtime_allowance(&self) -> Decimal {
        percent(self.get(ParamKey::OvertimeAllowancePercent))
    }

    pub fn lbf_report_due(&self) -> (u32, u32) {
        LBF_REPORT_DUE
    }

    /// R9: the most hours one person can be credited in a month, in hundredths of an hour:
    /// 1924 / 12 plus the overtime allowance, rounded down to whole hundredths (200.41 h with the
    /// default 25 %). Input validation refuses a line above it and the rule flags a person above
    /// it: one number, computed here only.
    pub fn person_month_cap_centihours(&self) -> i64 {
        let exact = Decimal::from(crate::units::HOURS_PER_ARSVAERK * 100)
            * (Decimal::ONE + self.overtime_allowance())
            / dec!(12);
        exact.floor().to_i64().unwrap_or(i64::MAX)
    }

    /// The defaults with a grant's stored overrides (`grant.parameter_overrides`, a JSON object
    /// of parameter name -> value as written) applied. A stored value that no longer reads (an
    /// unknown key, a value outside the table's range) is ignored with a warning: the default
    /// applies, as it would have been refused on input.
    pub fn with_stored(grant: Uuid, overrides: Option<&serde_json::Value>) -> Self {
        let mut p = Self::default();
        for (name, value) in stored(overrides) {
            match ParamKey::from_name(&name).zip(value.parse::<Decimal>().ok()) {
                Some((key, v)) if check(key, v).is_ok() => p = p.with(key, v),
                _ => tracing::warn!(%grant, %name, %value, "stored rule parameter ignored"),
            }
        }
        p
    }
}

/// A grant's stored overrides: parameter name -> value as written.
pub fn stored(overrides: Option<&serde_json::Value>) -> BTreeMap<String, String> {
    overrides
        .and_then(|j| serde_json::from_value(j.clone()).ok())
        .unwrap_or_default()
}

/// Whether `value` is allowed for `key`: in range, with no more decimals than the table allows.
/// The refusal in English and Danish.
pub fn check(key: ParamKey, value: Decimal) -> Result<(), (String, String)> {
    let d = key.def();
    if value < d.min || value > d.max {
        return Err((
            format!(
                "{} must be between {} and {}, got {value}",
                d.name, d.min, d.max
            ),
            format!(
                "{} skal være mellem {} og {}, fik {value}",
                d.name, d.min, d.max
            ),
        ));
    }
    if value.normalize().scale() > d.decimals {
        return Err((
            format!(
                "{} takes at most {} decimals, got {value}",
                d.name, d.decimals
            ),
            format!("{} har højst {} decimaler, fik {value}", d.name, d.decimals),
        ));
    }
    Ok(())
}

/// Overrides given as (parameter, value) pairs, checked against the table, as the JSON object
/// to store (None when there are none). `field` names the input list in errors.
pub fn overrides_json(
    field: &str,
    pairs: &[(ParamKey, Decimal)],
) -> EngineResult<Option<serde_json::Value>> {
    let mut out = BTreeMap::new();
    for (i, (key, value)) in pairs.iter().enumerate() {
        check(*key, *value)
            .map_err(|(en, da)| BadInput::new(format!("{field}[{i}].value"), en, da))?;
        if out
            .insert(key.def().name, value.normalize().to_string())
            .is_some()
        {
            return Err(BadInput::new(
                format!("{field}[{i}].parameter"),
                format!(
                    "{} is given twice; give each parameter once",
                    key.def().name
                ),
                format!(
                    "{} er angivet to gange; angiv hver parameter én gang",
                    key.def().name
                ),
            ));
        }
    }
    Ok((!out.is_empty()).then(|| serde_json::json!(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_key_once_in_order() {
        for (i, p) in PARAMETERS.iter().enumerate() {
            assert_eq!(p.key as usize, i, "{}", p.name);
            assert_eq!(ParamKey::from_name(p.name), Some(p.key));
            assert!(check(p.key, p.default).is_ok(), "{}", p.name);
        }
    }

    #[test]
    fn defaults_in_the_engines_units() {
        let p = Params::default();
        assert_eq!(p.min_share(), dec!(0.14));
        assert_eq!(p.target_per_100m(), dec!(6));
        assert_eq!(p.on_track_tolerance(), dec!(0.10));
        assert_eq!(p.hours_report_due_day(), 10);
        assert_eq!(p.max_meeting_interval_days(), 61);
        assert_eq!(p.trial_outcome_due_days(), 14);
        assert_eq!(p.overtime_allowance(), dec!(0.25));
    }

    #[test]
    fn one_person_month_cap_for_validation_and_rule() {
        // 1924 / 12 = 160.333.. h; x 1.25 = 200.4166.. h, rounded down to 200.41 h.
        assert_eq!(Params::default().person_month_cap_centihours(), 20_041);
        let none = Params::default().with(ParamKey::OvertimeAllowancePercent, dec!(0));
        // 160.333.. h rounded down.
        assert_eq!(none.person_month_cap_centihours(), 16_033);
        let half = Params::default().with(ParamKey::OvertimeAllowancePercent, dec!(50));
        // 160.333.. x 1.5 = 240.5 h exactly.
        assert_eq!(half.person_month_cap_centihours(), 24_050);
    }

    #[test]
    fn overrides_are_checked_against_the_table() {
        let ok = overrides_json(
            "parameterOverrides",
            &[
                (ParamKey::MinTraineeSharePercent, dec!(12.50)),
                (ParamKey::HoursReportDueDay, dec!(15)),
            ],
        )
        .unwrap();
        assert_eq!(
            ok,
            Some(
                serde_json::json!({ "HOURS_REPORT_DUE_DAY": "15", "MIN_TRAINEE_SHARE_PERCENT": "12.5" })
            )
        );
        let field = |r: EngineResult<_>| match r {
            Err(BadInput { field, .. }) => field,
            _ => "accepted".into(),
        };
        assert_eq!(
            field(overrides_json(
                "p",
                &[(ParamKey::MinTraineeSharePercent, dec!(140))]
            )),
            "p[0].value"
        );
        assert_eq!(
            field(overrides_json(
                "p",
                &[(ParamKey::HoursReportDueDay, dec!(10.5))]
            )),
            "p[0].value"
        );
        assert_eq!(
            field(overrides_json(
                "p",
                &[
                    (ParamKey::HoursReportDueDay, dec!(10)),
                    (ParamKey::HoursReportDueDay, dec!(12))
                ]
            )),
            "p[1].parameter"
        );
        assert_eq!(overrides_json("p", &[]).unwrap(), None);
    }
}
