//! Each grant's latest evaluation for the current question (as of today, with everything known
//! today), stored under what it was computed from: the grant's revision, the date and moment,
//! and the engine's fingerprint. A fresh instance (a deploy, one more behind the load balancer)
//! reads these instead of evaluating the country again; a row whose key no longer matches is
//! simply not used. One row per grant, replaced, so the table stays the size of the country.

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
                    .table(name("stored_evaluation"))
                    .if_not_exists()
                    .col(pk_uuid(name("grant_id")))
                    .col(big_integer(name("revision")))
                    .col(date(name("as_of")))
                    .col(timestamp_with_time_zone(name("known_at")))
                    .col(string_len(name("engine"), 64))
                    .col(blob(name("body")))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_stored_evaluation_grant")
                            .from(name("stored_evaluation"), name("grant_id"))
                            .to(name("lbf_grant"), name("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("stored_evaluation")).to_owned())
            .await
    }
}
