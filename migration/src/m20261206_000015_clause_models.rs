//! Every clause form Danish bygherrer write, the three-month status after a snusepraktik (R10)
//! and the residents' share targets (R11):
//! - a contract's clause may count elevuger (37 hours each), ask one person in training per N
//!   skilled workers (RATIO), ask that a part of the trainee hours be apprentices, and lapse for
//!   a period in which the contractor documents a company-wide trainee share at or above a
//!   threshold (Aarhus's model);
//! - `company_documentation` holds those documented periods, each with its share and document;
//! - a trial placement records where the participant is three months after it ended;
//! - a grant may set target shares of residents among snusepraktik participants and among persons
//!   in training.
//!
//! SQLite adds one column per ALTER TABLE, so each column is its own statement.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn name(s: &'static str) -> Alias {
    Alias::new(s)
}

const COLUMNS: [(&str, &str); 8] = [
    ("contract", "clause_required_centiweeks"),
    ("contract", "clause_skilled_per_trainee"),
    ("contract", "clause_apprentice_part_bp"),
    ("contract", "clause_company_threshold_bp"),
    ("trial_placement", "three_month_status"),
    ("trial_placement", "three_month_date"),
    ("lbf_grant", "resident_trial_target_bp"),
    ("lbf_grant", "resident_trainee_target_bp"),
];

fn column(table: &str, col: &'static str) -> ColumnDef {
    match (table, col) {
        (_, "clause_required_centiweeks") => big_integer_null(name(col)),
        (_, "three_month_status") => string_len_null(name(col), 24),
        (_, "three_month_date") => date_null(name(col)),
        _ => integer_null(name(col)),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, col) in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(name(table))
                        .add_column(column(table, col))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(name("company_documentation"))
                    .col(pk_uuid(name("id")))
                    .col(uuid(name("contract_id")))
                    .col(uuid(name("grant_id")))
                    .col(date(name("period_from")))
                    .col(date(name("period_to")))
                    .col(integer(name("documented_share_bp")))
                    .col(string_len(name("document"), 500))
                    .col(string_len(name("recorded_by"), 200))
                    .col(timestamp_with_time_zone(name("created_at")))
                    .col(timestamp_with_time_zone(name("updated_at")))
                    .col(timestamp_with_time_zone_null(name("archived_at")))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_company_documentation_contract_id")
                            .from(name("company_documentation"), name("contract_id"))
                            .to(name("contract"), name("id"))
                            .on_delete(ForeignKeyAction::Restrict)
                            .on_update(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_company_documentation_grant_id")
                            .from(name("company_documentation"), name("grant_id"))
                            .to(name("lbf_grant"), name("id"))
                            .on_delete(ForeignKeyAction::Restrict)
                            .on_update(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for c in ["contract_id", "grant_id"] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("ix_company_documentation_{c}"))
                        .table(name("company_documentation"))
                        .col(name(c))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(name("company_documentation"))
                    .to_owned(),
            )
            .await?;
        for (table, col) in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(name(table))
                        .drop_column(name(col))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
