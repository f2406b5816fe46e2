//! Database migrations of the social-clause tracker. The server runs them at start; they can also
//! be run on their own with `cargo run -p migration -- up` (DATABASE_URL as for the server).

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_domain;
mod m20261124_000002_lbf_report;
mod m20261124_000003_api_token;
mod m20261124_000004_audit_log;
mod m20261125_000005_access_scope;
mod m20261125_000006_lbf_handover_planned;
mod m20261126_000007_rule_parameters;
mod m20261126_000008_audit_deletes_index;
mod m20261126_000009_user_accounts;
mod m20261126_000010_grant_revision;
mod m20261126_000011_hours_rollup;
mod m20261126_000012_payroll_import;
mod m20261126_000013_reminders;
mod m20261206_000014_server_secret;
mod m20261206_000015_clause_models;
mod m20261206_000016_person_registered_by_user;
mod m20261207_000017_hours_workflow;
mod m20261207_000018_stored_evaluation;
mod m20261207_000019_stored_answer;
mod m20261207_000020_grant_revision_salt;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_domain::Migration),
            Box::new(m20261124_000002_lbf_report::Migration),
            Box::new(m20261124_000003_api_token::Migration),
            Box::new(m20261124_000004_audit_log::Migration),
            Box::new(m20261125_000005_access_scope::Migration),
            Box::new(m20261125_000006_lbf_handover_planned::Migration),
            Box::new(m20261126_000007_rule_parameters::Migration),
            Box::new(m20261126_000008_audit_deletes_index::Migration),
            Box::new(m20261126_000009_user_accounts::Migration),
            Box::new(m20261126_000010_grant_revision::Migration),
            Box::new(m20261126_000011_hours_rollup::Migration),
            Box::new(m20261126_000012_payroll_import::Migration),
            Box::new(m20261126_000013_reminders::Migration),
            Box::new(m20261206_000014_server_secret::Migration),
            Box::new(m20261206_000015_clause_models::Migration),
            Box::new(m20261206_000016_person_registered_by_user::Migration),
            Box::new(m20261207_000017_hours_workflow::Migration),
            Box::new(m20261207_000018_stored_evaluation::Migration),
            Box::new(m20261207_000019_stored_answer::Migration),
            Box::new(m20261207_000020_grant_revision_salt::Migration),
        ]
    }
}
