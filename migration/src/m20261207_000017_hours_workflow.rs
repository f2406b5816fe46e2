//! The monthly hours report's workflow (issue: reported hours someone stands behind):
//! - `hours_version`: every version of a contract's month, with its figures, status, the
//!   declaration on honour it was submitted with (text version, who, when) and, for a change
//!   after acceptance, the reason;
//! - `hours_status_change`: every step a version took (from, to, who, when, reason), append-only,
//!   so a month's status as known at any time is a filter on it;
//! - `hours_report` (the figures that count: the latest submitted version not returned) and its
//!   rollup `hours_month` carry that version's number, status and "no activity" mark;
//! - `lbf_grant.main_contractor_approval`: whether a subcontract's months need the main contractor's
//!   approval before the bygherre's (on by default).
//!
//! Reports filed before this migration count as submitted version 1; their version row is made
//! when a step is first taken on them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn name(s: &'static str) -> Alias {
    Alias::new(s)
}

/// One column added (SQLite takes one per statement).
async fn add(
    manager: &SchemaManager<'_>,
    table: &'static str,
    col: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(name(table)).add_column(col).to_owned())
        .await
}

async fn drop(
    manager: &SchemaManager<'_>,
    table: &'static str,
    col: &'static str,
) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(name(table))
                .drop_column(name(col))
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_versions(manager).await?;
        create_status_changes(manager).await?;
        add_version_columns(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "lbf_grant", "main_contractor_approval").await?;
        for table in ["hours_month", "hours_report"] {
            for col in ["no_activity", "version", "status"] {
                drop(manager, table, col).await?;
            }
        }
        manager
            .drop_table(Table::drop().table(name("hours_status_change")).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(name("hours_version")).to_owned())
            .await
    }
}

/// `hours_version`, one row per version of a contract's month, unique by its number.
async fn create_versions(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(name("hours_version"))
                .if_not_exists()
                .col(pk_uuid(name("id")))
                .col(uuid(name("contract_id")))
                .col(date(name("month")))
                .col(integer(name("number")))
                .col(string_len(name("status"), 16))
                .col(boolean(name("no_activity")).default(false))
                .col(big_integer(name("total_centihours")))
                .col(json(name("lines")))
                .col(text_null(name("reason")))
                .col(string_len_null(name("declaration_version"), 16))
                .col(uuid_null(name("declared_by_user_id")))
                .col(uuid_null(name("declared_by_token_id")))
                .col(string_len_null(name("declared_by"), 200))
                .col(timestamp_with_time_zone_null(name("submitted_at")))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone(name("updated_at")))
                .col(timestamp_with_time_zone_null(name("archived_at")))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_hours_version_contract")
                        .from(name("hours_version"), name("contract_id"))
                        .to(name("contract"), name("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("ux_hours_version_month_number")
                .table(name("hours_version"))
                .col(name("contract_id"))
                .col(name("month"))
                .col(name("number"))
                .unique()
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("ix_hours_version_status")
                .table(name("hours_version"))
                .col(name("status"))
                .to_owned(),
        )
        .await?;
    Ok(())
}

/// `hours_status_change`, the steps the versions took, found by contract and month.
async fn create_status_changes(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(name("hours_status_change"))
                .if_not_exists()
                .col(pk_uuid(name("id")))
                .col(uuid(name("version_id")))
                .col(uuid(name("contract_id")))
                .col(date(name("month")))
                .col(integer(name("number")))
                .col(string_len_null(name("from_status"), 16))
                .col(string_len(name("to_status"), 16))
                .col(text_null(name("reason")))
                .col(uuid_null(name("user_id")))
                .col(uuid_null(name("token_id")))
                .col(string_len(name("actor"), 200))
                .col(timestamp_with_time_zone(name("at")))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_hours_status_change_version")
                        .from(name("hours_status_change"), name("version_id"))
                        .to(name("hours_version"), name("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("ix_hours_status_change_contract_month")
                .table(name("hours_status_change"))
                .col(name("contract_id"))
                .col(name("month"))
                .to_owned(),
        )
        .await?;
    Ok(())
}

/// The reports' (and their rollup's) version, status and "no activity" mark, and the grant's
/// switch for the main contractor's approval.
async fn add_version_columns(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    for table in ["hours_report", "hours_month"] {
        add(
            manager,
            table,
            string_len(name("status"), 16)
                .default("submitted")
                .to_owned(),
        )
        .await?;
        add(
            manager,
            table,
            integer(name("version")).default(1).to_owned(),
        )
        .await?;
        add(
            manager,
            table,
            boolean(name("no_activity")).default(false).to_owned(),
        )
        .await?;
    }
    add(
        manager,
        "lbf_grant",
        boolean(name("main_contractor_approval"))
            .default(true)
            .to_owned(),
    )
    .await
}
