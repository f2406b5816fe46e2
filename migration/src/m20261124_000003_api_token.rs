//! API tokens: hashed, with role, scope, expiry and revocation.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn name(s: &'static str) -> Alias {
    Alias::new(s)
}

fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(name(table), name(column))
        .to(name(target), name("id"))
        // A token must not outlive what it is scoped to unnoticed: refuse the delete.
        .on_delete(ForeignKeyAction::Restrict)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(name("api_token"))
                    .col(pk_uuid(name("id")))
                    .col(string(name("name")))
                    .col(string_len_uniq(name("token_hash"), 64))
                    .col(string_len(name("role"), 16))
                    .col(uuid_null(name("organisation_id")))
                    .col(uuid_null(name("contractor_id")))
                    .col(json(name("grant_ids")))
                    .col(timestamp_with_time_zone_null(name("expires_at")))
                    .col(timestamp_with_time_zone_null(name("revoked_at")))
                    .col(timestamp_with_time_zone_null(name("last_used_at")))
                    .col(timestamp_with_time_zone(name("created_at")))
                    .col(timestamp_with_time_zone(name("updated_at")))
                    .col(timestamp_with_time_zone_null(name("archived_at")))
                    .foreign_key(&mut fk(
                        "api_token",
                        "organisation_id",
                        "housing_organisation",
                    ))
                    .foreign_key(&mut fk("api_token", "contractor_id", "contractor"))
                    .to_owned(),
            )
            .await?;
        for c in ["organisation_id", "contractor_id", "role"] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("ix_api_token_{c}"))
                        .table(name("api_token"))
                        .col(name(c))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("api_token")).to_owned())
            .await
    }
}
