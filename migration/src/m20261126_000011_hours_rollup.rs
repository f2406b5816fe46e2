//! Precomputed sums of the hours, kept in the transaction of every write of the hours they sum,
//! so that evaluating a grant never sums raw hours lines:
//! - `hours_month`: one row per monthly hours report (so per contract and month) with its total
//!   and its trainee hours by kind (apprentice, other counted training, not counted), its grant,
//!   filing time and when it was last written;
//! - `person_month_hours`: one person's hours in one month across every placement and grant,
//!   which R9 (double counting) compares with the monthly cap.
//!
//! Rows for reports that exist before this migration are filled in by the server at start
//! (`api::service::rollup::backfill`): the split by kind follows the placement kinds' rules,
//! which live in Rust, not SQL.

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
            .create_table(
                Table::create()
                    .table(name("hours_month"))
                    .if_not_exists()
                    .col(pk_uuid(name("report_id")))
                    .col(uuid(name("grant_id")))
                    .col(uuid(name("contract_id")))
                    .col(date(name("month")))
                    .col(big_integer(name("total_centihours")))
                    .col(big_integer(name("apprentice_centihours")))
                    .col(big_integer(name("other_training_centihours")))
                    .col(big_integer(name("not_counted_centihours")))
                    .col(timestamp_with_time_zone(name("reported_at")))
                    .col(timestamp_with_time_zone(name("written_at")))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_hours_month_report")
                            .from(name("hours_month"), name("report_id"))
                            .to(name("hours_report"), name("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_hours_month_grant_id")
                    .table(name("hours_month"))
                    .col(name("grant_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(name("person_month_hours"))
                    .if_not_exists()
                    .col(uuid(name("person_id")))
                    .col(date(name("month")))
                    .col(big_integer(name("centihours")))
                    .primary_key(Index::create().col(name("person_id")).col(name("month")))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_person_month_hours_person")
                            .from(name("person_month_hours"), name("person_id"))
                            .to(name("person"), name("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("person_month_hours")).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(name("hours_month")).to_owned())
            .await
    }
}
