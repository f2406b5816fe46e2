//! Resolved dashboard answers for the current question (as of today, with everything known
//! today), stored so a fresh instance serves the country's dashboard from one row instead of
//! resolving some ten thousand GraphQL objects first. One row per slot (what the answer is a
//! question about: the grants, the date, the filter and sort, the selection, the caller's
//! visibility and language), replaced as the answer changes; each row's rows carry the grant and
//! revision they were resolved from, so an instance whose grants moved since copies the rest.

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
                    .table(name("stored_answer"))
                    .if_not_exists()
                    .col(string_len(name("slot"), 64).primary_key())
                    .col(string_len(name("fingerprint"), 64))
                    .col(string_len(name("views"), 64))
                    .col(date(name("as_of")))
                    .col(timestamp_with_time_zone(name("stored_at")))
                    .col(blob(name("body")))
                    .to_owned(),
            )
            .await?;
        // Yesterday's answers are deleted by date.
        manager
            .create_index(
                Index::create()
                    .name("ix_stored_answer_as_of")
                    .table(name("stored_answer"))
                    .col(name("as_of"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("stored_answer")).to_owned())
            .await
    }
}
