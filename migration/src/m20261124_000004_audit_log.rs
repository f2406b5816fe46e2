//! The audit trail. No foreign keys: an audit row outlives the record it describes.

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
                    .table(name("audit_log"))
                    .col(pk_uuid(name("id")))
                    .col(uuid(name("token_id")))
                    .col(timestamp_with_time_zone(name("at")))
                    .col(string_len(name("entity"), 64))
                    .col(uuid(name("entity_id")))
                    .col(string_len(name("operation"), 32))
                    .col(json_null(name("before")))
                    .col(json_null(name("after")))
                    .to_owned(),
            )
            .await?;
        for (ix, cols) in [
            (
                "ix_audit_log_entity_entity_id_at",
                &["entity", "entity_id", "at"][..],
            ),
            ("ix_audit_log_token_id", &["token_id"][..]),
            ("ix_audit_log_at", &["at"][..]),
        ] {
            let mut i = Index::create();
            i.name(ix).table(name("audit_log"));
            for c in cols {
                i.col(name(c));
            }
            manager.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("audit_log")).to_owned())
            .await
    }
}
