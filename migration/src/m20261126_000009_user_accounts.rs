//! People sign in with user accounts (tokens stay for machines): a user has a role and scope like a
//! token, a password hash (argon2id) once the invitation is accepted, and sessions. Failed sign-ins
//! are counted per account to slow guessing down. The audit trail records the user behind a change.

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
                    .table(name("app_user"))
                    .col(pk_uuid(name("id")))
                    .col(string_len_uniq(name("email"), 254))
                    .col(string_len(name("display_name"), 200))
                    .col(string_len(name("role"), 16))
                    .col(uuid_null(name("organisation_id")))
                    .col(uuid_null(name("contractor_id")))
                    .col(json(name("grant_ids")))
                    .col(string_null(name("password_hash")))
                    .col(string_len_null(name("invite_hash"), 64))
                    .col(timestamp_with_time_zone_null(name("invite_expires_at")))
                    .col(integer(name("failed_sign_ins")).default(0))
                    .col(timestamp_with_time_zone_null(name("locked_until")))
                    .col(timestamp_with_time_zone(name("created_at")))
                    .col(timestamp_with_time_zone(name("updated_at")))
                    .col(timestamp_with_time_zone_null(name("archived_at")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(name("user_session"))
                    .col(pk_uuid(name("id")))
                    .col(uuid(name("user_id")))
                    .col(string_len_uniq(name("token_hash"), 64))
                    .col(string_len(name("csrf_token"), 64))
                    .col(timestamp_with_time_zone(name("created_at")))
                    .col(timestamp_with_time_zone(name("last_seen_at")))
                    .col(timestamp_with_time_zone(name("expires_at")))
                    .col(timestamp_with_time_zone_null(name("revoked_at")))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_session_user_id")
                            .from(name("user_session"), name("user_id"))
                            .to(name("app_user"), name("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_user_session_user_id")
                    .table(name("user_session"))
                    .col(name("user_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(name("audit_log"))
                    .add_column(uuid_null(name("user_id")))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(name("audit_log"))
                    .drop_column(name("user_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(name("user_session")).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(name("app_user")).to_owned())
            .await
    }
}
