//! Payroll import (lønimport): a contractor's own employee number on each placement, so a
//! payroll or timesheet file names its trainees by the key the contractor controls (never a CPR
//! number), and one row per imported file, keyed by the file's SHA-256, so the same file imported
//! twice is applied once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn name(s: &'static str) -> Alias {
    Alias::new(s)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(name("placement"))
                    .add_column(string_len_null(name("employee_number"), 40))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_placement_contract_employee_number")
                    .table(name("placement"))
                    .col(name("contract_id"))
                    .col(name("employee_number"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(name("payroll_import"))
                    .if_not_exists()
                    .col(pk_uuid(name("id")))
                    // Unique: a second import of the same bytes, even at the same moment on
                    // another instance, fails here and is answered with the first import.
                    .col(string_len_uniq(name("file_hash"), 64))
                    .col(string_len(name("file_name"), 200))
                    .col(string_len(name("format"), 10))
                    .col(integer(name("row_count")))
                    .col(integer(name("report_count")))
                    .col(timestamp_with_time_zone(name("filed_at")))
                    .col(timestamp_with_time_zone(name("imported_at")))
                    .col(uuid_null(name("token_id")))
                    .col(uuid_null(name("user_id")))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("payroll_import")).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_placement_contract_employee_number")
                    .table(name("placement"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(name("placement"))
                    .drop_column(name("employee_number"))
                    .to_owned(),
            )
            .await
    }
}
