//! sea-orm entities of the social-clause tracker: one module per table; the domain enums, stored
//! as short text codes, come from the `domain` crate and keep their path here (`entity::enums`).
//!
//! Conventions shared by every table:
//! - `id` is a UUID v7, so ordering by id is ordering by creation time (cursor pagination relies on it).
//! - Money is stored as whole øre (`*_ore`, i64) and hours as hundredths of an hour
//!   (`*_centihours`, i64): exact on SQLite and PostgreSQL alike, and summable in SQL. The API
//!   converts them to and from exact decimals.
//! - `archived_at` marks a soft delete; archived rows stay in totals but cannot be changed.

pub use domain as enums;

pub mod action_item;
pub mod api_token;
pub mod app_user;
pub mod audit_log;
pub mod company_documentation;
pub mod contract;
pub mod contractor;
pub mod estate;
pub mod follow_up_group;
pub mod grant;
pub mod grant_revision;
pub mod group_member;
pub mod hours_line;
pub mod hours_month;
pub mod hours_report;
pub mod hours_status_change;
pub mod hours_version;
pub mod housing_organisation;
pub mod lbf_report;
pub mod meeting;
pub mod meeting_attendee;
pub mod payroll_import;
pub mod person;
pub mod person_month_hours;
pub mod placement;
pub mod reminder;
pub mod reminder_delivery;
pub mod reminder_preference;
pub mod stored_answer;
pub mod stored_evaluation;
pub mod trial_placement;
pub mod user_session;
pub mod webhook;
