//! Domain enums of the social-clause tracker, shared by the rule engine, the entities and the API.
//! They are plain Rust; the `sea-orm` feature stores them as short text codes (the `entity` crate
//! turns it on) and the `graphql` feature makes them GraphQL enums, whose descriptions are the doc
//! comments (with the Danish term users search for). The engine uses neither.

#[cfg(feature = "sea-orm")]
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Kind of LBF grant (støttesag): renovering or nybyggeri.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "sea-orm", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum GrantKind {
    /// Renovering: LBF-supported renovation.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "renovation"))]
    Renovation,
    /// Nybyggeri: new build.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "new_build"))]
    NewBuild,
}

/// LBF case stage (Skema A / B / C).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "sea-orm", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")
)]
pub enum GrantStage {
    /// Skema A: application and approval in principle.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "skema_a"))]
    SkemaA,
    /// Skema B: project approval after tender; fixes the budget, building may start.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "skema_b"))]
    SkemaB,
    /// Skema C: final accounts after completion.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "skema_c"))]
    SkemaC,
}

/// Kind of construction contract (entreprise).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "sea-orm", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")
)]
pub enum ContractKind {
    /// Hovedentreprise: main contract.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "main"))]
    Main,
    /// Fagentreprise: trade contract placed directly by the bygherre.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "trade"))]
    Trade,
    /// Totalentreprise: design-and-build contract.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "turnkey"))]
    Turnkey,
    /// Underentreprise: subcontract under another contract (needs a parent contract).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "sub"))]
    Sub,
}

/// Kind of trainee placement (person under oplæring, udbudsloven § 176, stk. 2), or a tracked
/// placement that does not count towards the 14 %.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "sea-orm", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")
)]
pub enum PlacementKind {
    /// Lærling, EUD: apprentice under lov om erhvervsuddannelser.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "eud_apprentice"))]
    EudApprentice,
    /// Lærling, EUV / voksenlærling: adult apprentice.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "euv_apprentice"))]
    EuvApprentice,
    /// Lærling, EUX.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "eux"))]
    Eux,
    /// FGU (forberedende grunduddannelse, incl. former EGU).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "fgu"))]
    Fgu,
    /// AMU-kontraktuddannelse.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "amu_contract"))]
    AmuContract,
    /// IGU (integrationsgrunduddannelse).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "igu"))]
    Igu,
    /// Anden oplæring: another scheme that brings the person to independent skill.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "other_training"))]
    OtherCountedTraining,
    /// Virksomhedspraktik: work-experience placement; tracked, not counted.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "work_experience"))]
    WorkExperience,
    /// Løntilskud: wage-subsidised job; tracked, not counted.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "wage_subsidy"))]
    WageSubsidy,
    /// Anden social beskæftigelse (e.g. fritidsjob); tracked, not counted.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "other_social"))]
    OtherSocialEmployment,
}

impl PlacementKind {
    /// Whether the hours count towards the trainee share (R1).
    pub fn counts_as_training(self) -> bool {
        !matches!(
            self,
            Self::WorkExperience | Self::WageSubsidy | Self::OtherSocialEmployment
        )
    }

    /// Whether LBF's yearly report puts the hours under "lærlinge" rather than "anden oplæring".
    pub fn is_apprentice(self) -> bool {
        matches!(self, Self::EudApprentice | Self::EuvApprentice | Self::Eux)
    }
}

/// Lifecycle of a trainee placement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "sea-orm", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum PlacementStatus {
    /// Agreed, not yet started.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "planned"))]
    Planned,
    /// On site now.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "active"))]
    Active,
    /// Ended as planned.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "completed"))]
    Completed,
    /// Ended before the planned end (afbrudt).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "terminated"))]
    Terminated,
}

/// Outcome of a snusepraktik (trial placement).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "sea-orm", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")
)]
pub enum TrialOutcome {
    /// Ordinært job on the site.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "ordinary_job"))]
    OrdinaryJob,
    /// Læreplads: went on to an apprenticeship.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "apprenticeship"))]
    Apprenticeship,
    /// Uddannelse: went on to education.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "education"))]
    Education,
    /// Job elsewhere.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "job_elsewhere"))]
    JobElsewhere,
    /// Back to the jobcenter.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "back_to_jobcenter"))]
    BackToJobcenter,
    /// Dropped out (frafald).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "dropped_out"))]
    DroppedOut,
}

/// Where a snusepraktik participant is three months after the placement ended (R10; status
/// efter tre måneder), the way Byg til Vækst reports it beside the immediate outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "sea-orm", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")
)]
pub enum ThreeMonthStatus {
    /// I ordinært arbejde.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "ordinary_work"))]
    OrdinaryWork,
    /// I uddannelse eller læreplads.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "education"))]
    Education,
    /// Selvforsørgende på anden måde.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "self_supporting"))]
    SelfSupporting,
    /// Tilbage på offentlig forsørgelse.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "on_benefits"))]
    OnBenefits,
    /// Ukendt: kunne ikke kontaktes.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "unknown"))]
    Unknown,
}

impl ThreeMonthStatus {
    pub const ALL: [ThreeMonthStatus; 5] = [
        Self::OrdinaryWork,
        Self::Education,
        Self::SelfSupporting,
        Self::OnBenefits,
        Self::Unknown,
    ];

    /// Self-supporting: in work, in education or otherwise off benefits (Byg til Vækst's "47 %
    /// selvforsørgende efter tre måneder").
    pub fn self_supporting(self) -> bool {
        matches!(
            self,
            Self::OrdinaryWork | Self::Education | Self::SelfSupporting
        )
    }
}

/// Role of a member of a følgegruppe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "sea-orm", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")
)]
pub enum MemberRole {
    /// Byggeledelse: site management.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "site_management"))]
    SiteManagement,
    /// Fagforening, e.g. 3F Bygningsarbejderne.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "union"))]
    Union,
    /// Erhvervsskole, e.g. Syddansk Erhvervsskole.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "vocational_school"))]
    VocationalSchool,
    /// Jobcenter (often the tovholder).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "jobcenter"))]
    Jobcenter,
    /// Boligsocial konsulent.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "social_consultant"))]
    SocialConsultant,
    /// Bygherre: the housing organisation.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "bygherre"))]
    Bygherre,
    /// Anything else.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "other"))]
    Other,
}

/// Where one version of a contract's monthly hours report stands (indberetningens status): a
/// draft, submitted on honour by the contractor, approved by the main contractor (subcontracts),
/// accepted by the bygherre (and then locked), or returned with a reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "sea-orm", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum HoursStatus {
    /// Kladde: saved, not submitted; does not count.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "draft"))]
    Draft,
    /// Indsendt: submitted with the declaration on honour; counts.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "submitted"))]
    Submitted,
    /// Godkendt af hovedentreprenøren: a subcontractor's month the main contractor approved.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "approved"))]
    Approved,
    /// Accepteret af bygherren: locked; a change is a new version.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "accepted"))]
    Accepted,
    /// Sendt retur: returned with a reason; does not count until it is submitted again.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "returned"))]
    Returned,
}

impl HoursStatus {
    /// Whether a version in this status is one the figures count (submitted and not returned).
    pub fn counts(self) -> bool {
        matches!(self, Self::Submitted | Self::Approved | Self::Accepted)
    }

    /// The Danish word the pages show.
    pub fn da(self) -> &'static str {
        match self {
            Self::Draft => "Kladde",
            Self::Submitted => "Indsendt",
            Self::Approved => "Godkendt af hovedentreprenør",
            Self::Accepted => "Accepteret af bygherre",
            Self::Returned => "Sendt retur",
        }
    }

    /// The English words.
    pub fn en(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Submitted => "Submitted",
            Self::Approved => "Approved by main contractor",
            Self::Accepted => "Accepted by bygherre",
            Self::Returned => "Returned",
        }
    }
}

/// Role of an API token: what its holder may read and change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "sea-orm", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum Role {
    /// Administrator: everything, including tokens.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "admin"))]
    Admin,
    /// Bygherre: one housing organisation's estates, grants, contracts and reports.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "bygherre"))]
    Bygherre,
    /// Entreprenør: one contractor's own contracts and what hangs on them.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "contractor"))]
    Contractor,
    /// Tovholder: a set of grants' snusepraktik, persons and følgegrupper.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "tovholder"))]
    Tovholder,
    /// Dashboard: read-only aggregates and compliance, never personal data.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "viewer"))]
    Viewer,
}

/// What a reminder (påmindelse) is about. Each is sent once per subject and due date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "sea-orm", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")
)]
pub enum ReminderKind {
    /// Timeindberetning: a contract's monthly hours report is due by the 10th (R6).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "hours_report_due"))]
    HoursReportDue,
    /// Lærlingeindberetning: the yearly LBF report is due 29 September (30, 14 and 7 days before).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "lbf_report_due"))]
    LbfReportDue,
    /// Snusepraktik afsluttet uden udfald: a trial placement ended without an outcome (R8).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "trial_outcome_missing"))]
    TrialOutcomeMissing,
    /// Følgegruppemøde: the følgegruppe's next meeting is due (R7).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "meeting_due"))]
    MeetingDue,
    /// Nyt brud på krav: a new BREACH finding on a grant.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "new_breach"))]
    NewBreach,
    /// Status efter tre måneder: a snusepraktik ended three months ago and where the participant
    /// is now is not recorded (R10).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "three_month_status_due"))]
    ThreeMonthStatusDue,
    /// Timeindberetning sendt retur: a month was returned with a reason; it counts again when
    /// it is submitted again.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "hours_returned"))]
    HoursReturned,
    /// Venter på accept: a month ready for acceptance has waited for the bygherre longer than
    /// the grant allows (10 days by default).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "hours_awaiting"))]
    #[cfg_attr(feature = "graphql", graphql(name = "HOURS_AWAITING"))]
    HoursAwaitingAcceptance,
    /// Status for en timeindberetning: every step a month takes (submitted, approved, accepted,
    /// returned), for webhooks and those who choose it.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "hours_status"))]
    #[cfg_attr(feature = "graphql", graphql(name = "HOURS_STATUS"))]
    HoursStatusChanged,
}

/// How a reminder is delivered (kanal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "sea-orm", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")
)]
pub enum DeliveryChannel {
    /// E-mail to a user (SMTP).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "email"))]
    Email,
    /// HTTP POST to a webhook, signed with HMAC-SHA256.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "webhook"))]
    Webhook,
}

/// Where a delivery stands (status).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "sea-orm", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")
)]
pub enum DeliveryStatus {
    /// Afventer: waiting for its (next) attempt.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "pending"))]
    Pending,
    /// Sendes: claimed by an instance that is sending it now (until its lease runs out).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "sending"))]
    Sending,
    /// Sendt: accepted by the mail server or answered 2xx by the webhook.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "sent"))]
    Sent,
    /// Opgivet: every attempt failed; see the last error.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "failed"))]
    Failed,
}
