//! The change stamp: one row whose number every committed write transaction moves, last before
//! it commits (see `tracker_core::stamp`). A request that finds the number where it was when it
//! last read the grants' state knows nothing has been written since, with one read of one row
//! instead of an aggregate over every grant in scope. `epoch` is drawn again each time a server
//! starts on the database, so two databases (a test's copy of a template, a restored backup)
//! never share an instance's memory of a number.

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
                    .table(name("change_stamp"))
                    .if_not_exists()
                    .col(integer(name("id")).primary_key())
                    .col(big_integer(name("epoch")))
                    .col(big_integer(name("n")))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("INSERT INTO change_stamp (id, epoch, n) VALUES (1, 0, 0)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("change_stamp")).to_owned())
            .await
    }
}
