//! A random salt on each grant's revision row, and a row for every grant. A kept dashboard is
//! checked with one aggregate over the grants in scope (how many, how many have a row, the sum
//! of their revisions, the sum of their salts) instead of every grant's id and revision: a write
//! moves the revisions' sum, a grant leaving or entering moves the count, and one leaving while
//! another enters moves the salts' sum. Grants never written since the revisions came get their
//! row here (revision 0), so the aggregate covers them too.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

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
                    .table(name("grant_revision"))
                    .add_column(
                        ColumnDef::new(name("salt"))
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        // Salts below 2^40: the sum over a million grants stays inside a 64-bit integer.
        let salt = match manager.get_database_backend() {
            DatabaseBackend::Postgres => "floor(random() * 1099511627776)::bigint",
            _ => "abs(random() % 1099511627776)",
        };
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "INSERT INTO grant_revision (grant_id, revision, salt) \
             SELECT id, 0, {salt} FROM lbf_grant \
             WHERE id NOT IN (SELECT grant_id FROM grant_revision)"
        ))
        .await?;
        db.execute_unprepared(&format!("UPDATE grant_revision SET salt = {salt}"))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(name("grant_revision"))
                    .drop_column(name("salt"))
                    .to_owned(),
            )
            .await
    }
}
