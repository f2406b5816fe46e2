//! Submitted yearly LBF reports (Lærlingeindberetning), versioned: a correction adds a row.

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
                    .table(name("lbf_report"))
                    .col(pk_uuid(name("id")))
                    .col(uuid(name("grant_id")))
                    .col(integer(name("year")))
                    .col(integer(name("version")))
                    .col(big_integer(name("apprentice_centihours")))
                    .col(big_integer(name("other_training_centihours")))
                    .col(big_integer_null(name("craftsman_cost_ore")))
                    .col(date_null(name("construction_start")))
                    .col(date_null(name("handover")))
                    .col(boolean(name("is_final")))
                    .col(timestamp_with_time_zone(name("submitted_at")))
                    .col(string(name("submitted_by")))
                    .col(text_null(name("correction_reason")))
                    .col(timestamp_with_time_zone(name("created_at")))
                    .col(timestamp_with_time_zone(name("updated_at")))
                    .col(timestamp_with_time_zone_null(name("archived_at")))
                    // A submitted report is evidence: the grant cannot be hard-deleted under it.
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_lbf_report_grant_id")
                            .from(name("lbf_report"), name("grant_id"))
                            .to(name("lbf_grant"), name("id"))
                            .on_delete(ForeignKeyAction::Restrict)
                            .on_update(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One row per grant, year and version; also serves lookups by grant.
        manager
            .create_index(
                Index::create()
                    .name("ux_lbf_report_grant_id_year_version")
                    .table(name("lbf_report"))
                    .col(name("grant_id"))
                    .col(name("year"))
                    .col(name("version"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_lbf_report_year")
                    .table(name("lbf_report"))
                    .col(name("year"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("lbf_report")).to_owned())
            .await
    }
}
