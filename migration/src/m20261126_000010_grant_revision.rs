//! A revision number per grant, bumped in the same transaction as every write that changes what
//! the grant's evaluation reads (its own rows, its contracts' contractors, its persons' hours on
//! other sites). A cached evaluation is keyed by it, so every instance behind the load balancer
//! sees a write at once with one cheap query. Its own table, so the grant row, its `updated_at`
//! and its audit images stay as they were.

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
                    .table(name("grant_revision"))
                    .if_not_exists()
                    .col(pk_uuid(name("grant_id")))
                    .col(big_integer(name("revision")))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_grant_revision_grant")
                            .from(name("grant_revision"), name("grant_id"))
                            .to(name("lbf_grant"), name("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("grant_revision")).to_owned())
            .await
    }
}
