//! The tovholder's pages: snusepraktik (open placements, the form's choices and the funnel; new
//! placement and outcome) and the følgegrupper (the list, one group with its meetings and action
//! items; a new meeting).

use chrono::NaiveDate;
use uuid::Uuid;

use super::schema;

/// How a snusepraktik ended (TrialOutcome), every value of the schema's enum.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrialOutcome {
    OrdinaryJob,
    Apprenticeship,
    Education,
    JobElsewhere,
    BackToJobcenter,
    DroppedOut,
}

impl TrialOutcome {
    /// In the order the outcome form offers them.
    pub const ALL: [TrialOutcome; 6] = [
        Self::OrdinaryJob,
        Self::Apprenticeship,
        Self::Education,
        Self::JobElsewhere,
        Self::BackToJobcenter,
        Self::DroppedOut,
    ];

    /// The schema's name of the value (the form's option values).
    pub fn code(self) -> &'static str {
        match self {
            Self::OrdinaryJob => "ORDINARY_JOB",
            Self::Apprenticeship => "APPRENTICESHIP",
            Self::Education => "EDUCATION",
            Self::JobElsewhere => "JOB_ELSEWHERE",
            Self::BackToJobcenter => "BACK_TO_JOBCENTER",
            Self::DroppedOut => "DROPPED_OUT",
        }
    }

    /// The value a form field names, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// Where a participant is three months after the snusepraktik (ThreeMonthStatus), every value
/// of the schema's enum.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ThreeMonthStatus {
    OrdinaryWork,
    Education,
    SelfSupporting,
    OnBenefits,
    Unknown,
}

impl ThreeMonthStatus {
    /// In the order the status form offers them.
    pub const ALL: [ThreeMonthStatus; 5] = [
        Self::OrdinaryWork,
        Self::Education,
        Self::SelfSupporting,
        Self::OnBenefits,
        Self::Unknown,
    ];

    /// The schema's name of the value (the form's option values).
    pub fn code(self) -> &'static str {
        match self {
            Self::OrdinaryWork => "ORDINARY_WORK",
            Self::Education => "EDUCATION",
            Self::SelfSupporting => "SELF_SUPPORTING",
            Self::OnBenefits => "ON_BENEFITS",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// The value a form field names, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// Placements whose three months after the end have passed without a status (R10).
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query")]
pub struct ThreeMonthDue {
    #[arguments(first: 200, filter: { threeMonthDue: true })]
    pub trial_placements: TrialPlacementConnection,
}

/// Placements with an outcome (to find those without a next plan).
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query")]
pub struct DecidedTrials {
    #[arguments(first: 200, filter: { open: false })]
    pub trial_placements: DecidedConnection,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "TrialPlacementConnection")]
pub struct DecidedConnection {
    pub nodes: Vec<DecidedTrial>,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "TrialPlacement")]
pub struct DecidedTrial {
    pub id: Uuid,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub outcome: Option<TrialOutcome>,
    pub outcome_date: Option<NaiveDate>,
    pub next_plan: Option<String>,
    pub person: Named,
    pub grant: GrantName,
}

/// Placements without an outcome yet (the lists; a request of its own keeps each within the
/// complexity limit).
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query")]
pub struct OpenTrials {
    #[arguments(first: 200, filter: { open: true })]
    pub trial_placements: TrialPlacementConnection,
}

#[derive(cynic::QueryFragment)]
pub struct TrialPlacementConnection {
    pub nodes: Vec<TrialPlacement>,
}

#[derive(cynic::QueryFragment)]
pub struct TrialPlacement {
    pub id: Uuid,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub outcome: Option<TrialOutcome>,
    pub trades_tried: Vec<String>,
    pub person: Named,
    pub grant: GrantName,
    pub host_contractor: Option<ContractorName>,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Person")]
pub struct Named {
    pub id: Uuid,
    pub display_name: String,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Grant")]
pub struct GrantName {
    pub case_number: String,
    pub title: String,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Contractor")]
pub struct ContractorName {
    pub id: Uuid,
    pub name: String,
}

/// The new-placement form's choices (grants, persons, host companies) and each grant's funnel.
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query")]
pub struct TrialChoices {
    pub compliance_dashboard: Vec<GrantFunnel>,
    #[arguments(first: 200)]
    pub persons: PersonConnection,
    #[arguments(first: 200)]
    pub contractors: ContractorConnection,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "GrantCompliance")]
pub struct GrantFunnel {
    pub grant_id: Uuid,
    pub grant: GrantName,
    pub trial_funnel: TrialFunnel,
}

#[derive(cynic::QueryFragment)]
pub struct TrialFunnel {
    pub started: i32,
    pub completed: i32,
    pub outcomes: Vec<OutcomeCount>,
    pub three_months_passed: i32,
    pub three_month_statuses: Vec<ThreeMonthCount>,
    pub self_supporting_at_three_months: i32,
    pub three_month_without_status: i32,
}

#[derive(cynic::QueryFragment)]
pub struct ThreeMonthCount {
    pub status: ThreeMonthStatus,
    pub count: i32,
}

#[derive(cynic::QueryFragment)]
pub struct OutcomeCount {
    pub outcome: TrialOutcome,
    pub count: i32,
}

#[derive(cynic::QueryFragment)]
pub struct PersonConnection {
    pub nodes: Vec<Named>,
}

#[derive(cynic::QueryFragment)]
pub struct ContractorConnection {
    pub nodes: Vec<ContractorName>,
}

#[derive(cynic::InputObject)]
pub struct CreateTrialPlacementInput {
    pub grant_id: Uuid,
    pub person_id: Uuid,
    pub host_contractor_id: Option<Uuid>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub trades_tried: Vec<String>,
    pub tovholder: String,
}

#[derive(cynic::InputObject)]
pub struct RecordTrialOutcomeInput {
    pub trial_placement_id: Uuid,
    pub outcome: TrialOutcome,
    pub outcome_date: NaiveDate,
    pub next_plan: Option<String>,
}

#[derive(cynic::InputObject)]
pub struct RecordThreeMonthStatusInput {
    pub trial_placement_id: Uuid,
    pub status: ThreeMonthStatus,
    pub status_date: NaiveDate,
}

#[derive(cynic::QueryVariables)]
pub struct ThreeMonthVars {
    pub i: RecordThreeMonthStatusInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "ThreeMonthVars")]
pub struct RecordThreeMonth {
    #[arguments(input: $i)]
    pub record_three_month_status: Saved,
}

#[derive(cynic::QueryVariables)]
pub struct CreateTrialVars {
    pub i: CreateTrialPlacementInput,
}

#[derive(cynic::QueryVariables)]
pub struct OutcomeVars {
    pub i: RecordTrialOutcomeInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "CreateTrialVars")]
pub struct CreateTrial {
    #[arguments(input: $i)]
    pub create_trial_placement: Saved,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "OutcomeVars")]
pub struct RecordOutcome {
    #[arguments(input: $i)]
    pub record_trial_outcome: Saved,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "TrialPlacement")]
pub struct Saved {
    pub id: Uuid,
}

#[derive(cynic::QueryFragment)]
pub struct FollowUpGroupConnection {
    pub nodes: Vec<GroupName>,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "FollowUpGroup")]
pub struct GroupName {
    pub id: Uuid,
    pub name: String,
    pub grant: GrantName,
}

#[derive(cynic::QueryVariables)]
pub struct GroupVars {
    pub g: Uuid,
}

/// One følgegruppe with its members, meetings and action items, and when its next meeting is due.
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query", variables = "GroupVars")]
pub struct Group {
    #[arguments(id: $g)]
    pub follow_up_group: FollowUpGroup,
}

#[derive(cynic::QueryFragment)]
pub struct FollowUpGroup {
    pub name: String,
    pub cadence_days: i32,
    pub grant: GroupGrant,
    pub members: Vec<GroupMember>,
    pub meetings: Vec<Meeting>,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Grant")]
pub struct GroupGrant {
    pub case_number: String,
    pub title: String,
    pub compliance: GroupCompliance,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "GrantCompliance")]
pub struct GroupCompliance {
    pub deadlines: MeetingDeadline,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "GrantDeadlines")]
pub struct MeetingDeadline {
    pub next_meeting_due: Option<NaiveDate>,
}

#[derive(cynic::QueryFragment)]
pub struct GroupMember {
    pub id: Uuid,
    pub name: String,
    pub organisation: String,
    pub role: MemberRole,
    /// Set when the member left the group (archived).
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(cynic::QueryVariables)]
pub struct MemberIdVars {
    pub id: Uuid,
}

/// A member leaves the group: archived, so the meetings it attended still name it.
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "MemberIdVars")]
pub struct ArchiveMember {
    #[arguments(id: $id)]
    pub archive_group_member: ArchivedMember,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "GroupMember")]
pub struct ArchivedMember {
    pub id: Uuid,
}

#[derive(cynic::QueryFragment)]
pub struct Meeting {
    pub date: NaiveDate,
    pub minutes: Option<String>,
    pub decisions: Option<String>,
    pub attendees: Vec<GroupMember>,
    pub action_items: Vec<ActionItem>,
}

#[derive(cynic::QueryFragment)]
pub struct ActionItem {
    pub description: String,
    pub owner: String,
    pub due_date: Option<NaiveDate>,
    pub done: bool,
}

#[derive(cynic::InputObject)]
pub struct CreateMeetingInput {
    pub group_id: Uuid,
    pub date: NaiveDate,
    pub duration_minutes: i32,
    pub minutes: Option<String>,
    pub decisions: Option<String>,
}

#[derive(cynic::QueryVariables)]
pub struct MeetingVars {
    pub i: CreateMeetingInput,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "MeetingVars")]
pub struct CreateMeeting {
    #[arguments(input: $i)]
    pub create_meeting: MeetingSaved,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Meeting")]
pub struct MeetingSaved {
    pub id: Uuid,
}

/// The følgegrupper page: the groups the person may see and the grants one may be set up for.
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Query")]
pub struct GroupsPage {
    #[arguments(first: 200)]
    pub follow_up_groups: FollowUpGroupConnection,
    #[arguments(first: 200)]
    pub grants: GrantChoices,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "GrantConnection")]
pub struct GrantChoices {
    pub nodes: Vec<GrantChoice>,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Grant")]
pub struct GrantChoice {
    pub id: Uuid,
    pub case_number: String,
    pub title: String,
}

#[derive(cynic::InputObject)]
pub struct CreateFollowUpGroupInput {
    pub grant_id: Uuid,
    pub name: String,
    pub cadence_days: Option<i32>,
}

#[derive(cynic::QueryVariables)]
pub struct CreateGroupVars {
    pub i: CreateFollowUpGroupInput,
}

/// Sets up a følgegruppe (`createFollowUpGroup`).
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "CreateGroupVars")]
pub struct CreateGroup {
    #[arguments(input: $i)]
    pub create_follow_up_group: GroupSaved,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "FollowUpGroup")]
pub struct GroupSaved {
    pub id: Uuid,
}

/// What a member stands for in the følgegruppe.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberRole {
    Bygherre,
    Jobcenter,
    Other,
    SiteManagement,
    SocialConsultant,
    Union,
    VocationalSchool,
}

impl MemberRole {
    pub const ALL: [MemberRole; 7] = [
        MemberRole::Bygherre,
        MemberRole::Jobcenter,
        MemberRole::SiteManagement,
        MemberRole::Union,
        MemberRole::VocationalSchool,
        MemberRole::SocialConsultant,
        MemberRole::Other,
    ];

    /// The form's value for the role.
    pub fn code(self) -> &'static str {
        match self {
            MemberRole::Bygherre => "BYGHERRE",
            MemberRole::Jobcenter => "JOBCENTER",
            MemberRole::Other => "OTHER",
            MemberRole::SiteManagement => "SITE_MANAGEMENT",
            MemberRole::SocialConsultant => "SOCIAL_CONSULTANT",
            MemberRole::Union => "UNION",
            MemberRole::VocationalSchool => "VOCATIONAL_SCHOOL",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[derive(cynic::InputObject)]
pub struct CreateGroupMemberInput {
    pub group_id: Uuid,
    pub name: String,
    pub organisation: String,
    pub role: MemberRole,
}

#[derive(cynic::QueryVariables)]
pub struct CreateMemberVars {
    pub i: CreateGroupMemberInput,
}

/// Adds a member to a følgegruppe (`createGroupMember`).
#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "Mutation", variables = "CreateMemberVars")]
pub struct CreateMember {
    #[arguments(input: $i)]
    pub create_group_member: MemberSaved,
}

#[derive(cynic::QueryFragment)]
#[cynic(graphql_type = "GroupMember")]
pub struct MemberSaved {
    pub id: Uuid,
}
