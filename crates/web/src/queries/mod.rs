//! The pages' GraphQL operations, typed. Each is a set of structs that cynic checks against
//! `schema.graphql` when this crate compiles: a renamed or removed field, a wrong type, or an enum
//! value a page does not handle breaks the build instead of showing an empty cell. The answer is
//! read into the same structs ([`crate::layout::ask_op`]).

pub mod contractor;
pub mod contracts;
pub mod grant;
pub mod hours;
pub mod import;
pub mod lbf;
pub mod portfolio;
pub mod ranking;
pub mod reminders;
pub mod setup;
pub mod trainees;
pub mod trials;
pub mod users;

#[cynic::schema("tracker")]
pub mod schema {}

cynic::impl_scalar!(uuid::Uuid, schema::UUID);
cynic::impl_scalar!(rust_decimal::Decimal, schema::Decimal);
cynic::impl_scalar!(chrono::NaiveDate, schema::NaiveDate);
cynic::impl_scalar!(chrono::DateTime<chrono::Utc>, schema::DateTime);

/// A calendar month as the API writes it, `YYYY-MM`.
#[derive(cynic::Scalar, Clone, Debug, PartialEq, Eq)]
#[cynic(graphql_type = "YearMonth")]
pub struct YearMonth(pub String);

impl YearMonth {
    /// The month's first day, read as the service reads a month.
    pub fn first_day(&self) -> Option<chrono::NaiveDate> {
        self.0
            .parse::<tracker_core::scalars::YearMonth>()
            .ok()
            .map(|m| m.first_day())
    }

    /// The month's name in `l` ("marts 2024"), or nothing for a month that does not read.
    pub fn name(&self, l: engine::i18n::Lang) -> String {
        self.first_day()
            .map(|d| engine::i18n::month(l, d))
            .unwrap_or_default()
    }
}

/// A grant's status (ComplianceStatus), every value of the schema's enum.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComplianceStatus {
    NotStarted,
    Compliant,
    AtRisk,
    Breach,
    Completed,
}

impl ComplianceStatus {
    pub const ALL: [ComplianceStatus; 5] = [
        Self::NotStarted,
        Self::Compliant,
        Self::AtRisk,
        Self::Breach,
        Self::Completed,
    ];

    /// The value a form field names, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The status in the page's language, with the words of the domain brief.
    pub fn name(self, l: engine::i18n::Lang) -> &'static str {
        let t = crate::t;
        match self {
            Self::NotStarted => t(l, "not-started"),
            Self::Compliant => t(l, "compliant"),
            Self::AtRisk => t(l, "at-risk"),
            Self::Breach => t(l, "in-breach"),
            Self::Completed => t(l, "status-completed"),
        }
    }

    /// The status as Det Fælles Designsystem's tag: its colour says what its text says (green
    /// compliant or completed, yellow at risk, red in breach, grey not started).
    pub fn tag(self, l: engine::i18n::Lang) -> maud::Markup {
        let colour = match self {
            Self::NotStarted => "badge",
            Self::Compliant | Self::Completed => "badge badge-success",
            Self::AtRisk => "badge badge-warning",
            Self::Breach => "badge badge-error",
        };
        maud::html! { span class=(colour) data-status=(self.code()) { (self.name(l)) } }
    }

    /// The schema's name of the value (the pages' `data-status`).
    pub fn code(self) -> &'static str {
        match self {
            Self::NotStarted => "NOT_STARTED",
            Self::Compliant => "COMPLIANT",
            Self::AtRisk => "AT_RISK",
            Self::Breach => "BREACH",
            Self::Completed => "COMPLETED",
        }
    }
}

/// Where a contract month stands with its hours report (a cell of the to-do grid).
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MonthReportStatus {
    NotYetDue,
    Due,
    ReportedOnTime,
    ReportedLate,
    Missing,
}

/// A cell of the to-do grid: a contract month, its due day and its status.
#[derive(cynic::QueryFragment)]
pub struct ReportingMonth {
    pub month: YearMonth,
    pub due_date: chrono::NaiveDate,
    pub status: MonthReportStatus,
    pub hours_status: Option<HoursStatus>,
    pub no_activity: bool,
}

/// Where a month's hours report stands in the workflow (HoursStatus), every value of the
/// schema's enum.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoursStatus {
    Draft,
    Submitted,
    Approved,
    Accepted,
    Returned,
}

impl HoursStatus {
    /// The status as Det Fælles Designsystem's tag: colour and word together.
    pub fn tag(self, l: engine::i18n::Lang) -> maud::Markup {
        let (class, key) = match self {
            Self::Draft => ("badge", "hours-status-draft"),
            Self::Submitted => ("badge badge-info", "hours-status-submitted"),
            Self::Approved => ("badge badge-info", "hours-status-approved"),
            Self::Accepted => ("badge badge-success", "hours-status-accepted"),
            Self::Returned => ("badge badge-error", "hours-status-returned"),
        };
        maud::html! { span class=(class) data-hours-status=(self.code()) { (crate::t(l, key)) } }
    }

    /// The schema's name.
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::Submitted => "SUBMITTED",
            Self::Approved => "APPROVED",
            Self::Accepted => "ACCEPTED",
            Self::Returned => "RETURNED",
        }
    }
}

/// How serious a finding is.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Breach,
    Warning,
    Info,
}

/// The rule a finding comes from.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cynic(graphql_type = "ComplianceRule")]
pub enum Rule {
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    R8,
    R9,
    R10,
    R11,
}

impl Rule {
    /// The engine's own rule, whose module names it.
    pub fn engine(self) -> engine::compliance::Rule {
        use engine::compliance::Rule as E;
        match self {
            Self::R1 => E::R1,
            Self::R2 => E::R2,
            Self::R3 => E::R3,
            Self::R4 => E::R4,
            Self::R5 => E::R5,
            Self::R6 => E::R6,
            Self::R7 => E::R7,
            Self::R8 => E::R8,
            Self::R9 => E::R9,
            Self::R10 => E::R10,
            Self::R11 => E::R11,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::YearMonth;
    use engine::i18n::Lang;

    #[test]
    fn a_month_reads_as_the_service_reads_it() {
        let march = YearMonth("2024-03".into());
        assert_eq!(
            march.first_day(),
            chrono::NaiveDate::from_ymd_opt(2024, 3, 1)
        );
        assert_eq!(
            march.name(Lang::Da),
            engine::i18n::month(Lang::Da, march.first_day().unwrap())
        );
        assert_eq!(YearMonth("2024-3".into()).first_day(), None);
        assert_eq!(YearMonth("2024-13".into()).name(Lang::En), "");
    }
}
