//! A secret of the installation, shared by every instance on the database: the key that signs
//! the web app's pre-sign-in CSRF tokens, so a form served by one instance is accepted by
//! another behind the load balancer, and a caller cannot make up a token of its own. Made here,
//! once per database, from the operating system's random source (UUID v4).

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
                    .table(name("server_secret"))
                    .if_not_exists()
                    .col(string_len(name("name"), 40).primary_key())
                    .col(string_len(name("value"), 128))
                    .to_owned(),
            )
            .await?;
        // 244 random bits as hex.
        let key = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(name("server_secret"))
                    .columns([name("name"), name("value")])
                    .values_panic(["csrf".into(), key.into()])
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("server_secret")).to_owned())
            .await
    }
}
