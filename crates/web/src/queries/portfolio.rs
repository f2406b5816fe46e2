//! The portfolio's query: every grant the person may see, filtered and sorted, with its figures
//! and its next deadlines.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{ComplianceStatus, YearMonth, schema};

/// The portfolio's filter (DashboardFilter).
#[derive(cynic::InputObject, Clone)]
pub struct DashboardFilter {
    pub status: Option<ComplianceStatus>,
    pub municipality: Option<String>,
    pub commitment_year: Option<i32>,
    pub organisation_id: Option<Uuid>,
}

/// The portfolio's order (DashboardSort), every value of the schema's enum.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DashboardSort {
    CaseNumber,
    ShareAsc,
    ShareDesc,
    ShortfallDesc,
}

impl DashboardSort {
    /// Each order with its name in Danish and English, as the form offers them.
    /// Each order with the key of its name in the form.
    pub const ALL: [(DashboardSort, &'static str); 4] = [
        (Self::CaseNumber, "sort-case-number"),
        (Self::ShareAsc, "sort-share-ascending"),
        (Self::ShareDesc, "sort-share-descending"),
        (Self::ShortfallDesc, "sort-shortfall-descending"),
    ];

    /// The schema's name of the value (the form's and the links' `sort`).
    pub fn code(self) -> &'static str {
        match self {
            Self::CaseNumber => "CASE_NUMBER",
            Self::ShareAsc => "SHARE_ASC",
            Self::ShareDesc => "SHARE_DESC",
            Self::ShortfallDesc => "SHORTFALL_DESC",
        }
    }

    /// The order a form field names, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .map(|(s, _)| s)
            .find(|s| s.code() == code)
    }
}

#[derive(cynic::QueryVariables)]
pub struct PortfolioVars {
    pub f: DashboardFilter,
    pub s: DashboardSort,
    /// Part of a case number or title.
    pub q: Option<String>,
    pub first: i32,
    pub offset: i32,
}

/// One page of the portfolio: the schema orders, counts and pages, so the page loads only the
/// rows it shows.
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query", variables = "PortfolioVars")]
pub struct Portfolio {
    #[arguments(filter: $f, sort: $s, search: $q, first: $first, offset: $offset)]
    pub compliance_dashboard_page: PortfolioPage,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "DashboardPage")]
pub struct PortfolioPage {
    pub total_count: i32,
    pub status_counts: Vec<StatusCount>,
    pub rows: Vec<DashboardRow>,
}

#[derive(cynic::QueryFragment)]
pub struct StatusCount {
    pub status: ComplianceStatus,
    pub count: i32,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "GrantCompliance")]
pub struct DashboardRow {
    pub grant_id: Uuid,
    pub grant: Grant,
    pub status: ComplianceStatus,
    pub target_arsvaerk: Option<Decimal>,
    pub metrics: RowMetrics,
    pub deadlines: GrantDeadlines,
    pub trial_residents: Residents,
    /// Why the status is what it is, and the work that is overdue.
    pub findings: Vec<RowFinding>,
}

/// A finding as the portfolio uses it: its rule, how serious, and its message.
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Finding")]
pub struct RowFinding {
    pub rule: super::Rule,
    pub severity: super::Severity,
    pub message: String,
}

/// R11: residents among the grant's snusepraktik participants, against its target if set.
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "ResidentShare")]
pub struct Residents {
    pub people: i32,
    pub share_percent: Option<Decimal>,
    pub target_percent: Option<Decimal>,
    pub below_target: bool,
}

#[derive(cynic::QueryFragment)]
pub struct Grant {
    pub case_number: String,
    pub title: String,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "ShareMetrics")]
pub struct RowMetrics {
    pub share_percent: Option<Decimal>,
    pub required_share_percent: Decimal,
    pub shortfall_hours: Decimal,
    pub delivered_arsvaerk: Decimal,
}

#[derive(cynic::QueryFragment)]
pub struct GrantDeadlines {
    pub hours_report_month: Option<YearMonth>,
    pub hours_report_due: Option<NaiveDate>,
    pub hours_reports_outstanding: i32,
    pub lbf_report_year: Option<i32>,
    pub lbf_report_due: Option<NaiveDate>,
    pub next_meeting_due: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::DashboardSort;
    use crate::queries::ComplianceStatus;

    #[test]
    fn every_order_and_status_reads_back_from_its_code() {
        for (s, _) in DashboardSort::ALL {
            assert_eq!(DashboardSort::from_code(s.code()), Some(s));
        }
        for s in ComplianceStatus::ALL {
            assert_eq!(ComplianceStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(DashboardSort::from_code("RANDOM"), None);
    }
}
