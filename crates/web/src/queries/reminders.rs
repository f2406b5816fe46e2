//! The reminders page's query and mutation: a person's reminder preferences.

use super::schema;

/// A kind of reminder (ReminderKind), every value of the schema's enum.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReminderKind {
    HoursReportDue,
    LbfReportDue,
    MeetingDue,
    NewBreach,
    ThreeMonthStatusDue,
    TrialOutcomeMissing,
    HoursReturned,
    #[cynic(rename = "HOURS_AWAITING")]
    HoursAwaitingAcceptance,
    #[cynic(rename = "HOURS_STATUS")]
    HoursStatusChanged,
}

impl ReminderKind {
    pub const ALL: [ReminderKind; 9] = [
        Self::HoursReportDue,
        Self::LbfReportDue,
        Self::MeetingDue,
        Self::NewBreach,
        Self::TrialOutcomeMissing,
        Self::ThreeMonthStatusDue,
        Self::HoursReturned,
        Self::HoursAwaitingAcceptance,
        Self::HoursStatusChanged,
    ];

    /// The schema's name of the kind (the form's field names carry it).
    pub fn code(self) -> &'static str {
        match self {
            Self::HoursReportDue => "HOURS_REPORT_DUE",
            Self::LbfReportDue => "LBF_REPORT_DUE",
            Self::MeetingDue => "MEETING_DUE",
            Self::NewBreach => "NEW_BREACH",
            Self::TrialOutcomeMissing => "TRIAL_OUTCOME_MISSING",
            Self::ThreeMonthStatusDue => "THREE_MONTH_STATUS_DUE",
            Self::HoursReturned => "HOURS_RETURNED",
            Self::HoursAwaitingAcceptance => "HOURS_AWAITING",
            Self::HoursStatusChanged => "HOURS_STATUS",
        }
    }

    /// The kind a form field names, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(cynic::QueryFragment)]
pub struct ReminderPreferences {
    pub kinds: Vec<ReminderKind>,
    pub available: Vec<ReminderKind>,
    pub defaults: bool,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query")]
pub struct ReadPreferences {
    pub reminder_preferences: ReminderPreferences,
}

#[derive(cynic::QueryVariables)]
pub struct KindsVars {
    pub k: Vec<ReminderKind>,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "KindsVars")]
pub struct SavePreferences {
    #[arguments(kinds: $k)]
    pub set_reminder_preferences: ReminderPreferences,
}

#[cfg(test)]
mod tests {
    use super::ReminderKind;

    #[test]
    fn every_kind_reads_back_from_its_code() {
        for k in ReminderKind::ALL {
            assert_eq!(ReminderKind::from_code(k.code()), Some(k));
        }
        assert_eq!(ReminderKind::from_code("EVERYTHING"), None);
    }
}
