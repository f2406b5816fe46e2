//! Reminders (påmindelser): each reminder decided once under a unique key, its deliveries by
//! e-mail and webhook with their attempts (the delivery log), the webhooks, and each user's choice
//! of reminders.

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
                    .table(name("reminder"))
                    .if_not_exists()
                    .col(pk_uuid(name("id")))
                    // Unique: two instances planning the same reminder at the same moment write
                    // one row; the other's insert changes nothing and it sends nothing.
                    .col(string_len_uniq(name("key"), 200))
                    .col(string_len(name("kind"), 24))
                    .col(uuid(name("grant_id")))
                    .col(uuid(name("subject_id")))
                    .col(date(name("due_date")))
                    .col(string_len(name("title_da"), 300))
                    .col(string_len(name("title_en"), 300))
                    .col(text(name("message_da")))
                    .col(text(name("message_en")))
                    .col(timestamp_with_time_zone(name("created_at")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(name("webhook"))
                    .if_not_exists()
                    .col(pk_uuid(name("id")))
                    .col(uuid_null(name("organisation_id")))
                    .col(string_len(name("name"), 200))
                    .col(string_len(name("url"), 500))
                    .col(string_len(name("secret"), 100))
                    .col(json(name("kinds")))
                    .col(timestamp_with_time_zone(name("created_at")))
                    .col(timestamp_with_time_zone(name("updated_at")))
                    .col(timestamp_with_time_zone_null(name("archived_at")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(name("reminder_delivery"))
                    .if_not_exists()
                    .col(pk_uuid(name("id")))
                    .col(uuid(name("reminder_id")))
                    .col(string_len(name("channel"), 8))
                    .col(uuid_null(name("user_id")))
                    .col(uuid_null(name("webhook_id")))
                    .col(string_len(name("target"), 500))
                    .col(string_len(name("status"), 8))
                    .col(integer(name("attempts")))
                    .col(timestamp_with_time_zone(name("next_attempt_at")))
                    .col(timestamp_with_time_zone_null(name("lease_until")))
                    .col(string_len_null(name("last_error"), 500))
                    .col(integer_null(name("last_status_code")))
                    .col(timestamp_with_time_zone_null(name("sent_at")))
                    .col(timestamp_with_time_zone(name("created_at")))
                    .col(timestamp_with_time_zone(name("updated_at")))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_reminder_delivery_reminder")
                            .from(name("reminder_delivery"), name("reminder_id"))
                            .to(name("reminder"), name("id")),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_reminder_delivery_target")
                    .table(name("reminder_delivery"))
                    .col(name("reminder_id"))
                    .col(name("channel"))
                    .col(name("target"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The sender's question every tick: what is waiting and due.
        manager
            .create_index(
                Index::create()
                    .name("ix_reminder_delivery_due")
                    .table(name("reminder_delivery"))
                    .col(name("status"))
                    .col(name("next_attempt_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(name("reminder_preference"))
                    .if_not_exists()
                    .col(pk_uuid(name("user_id")))
                    .col(json(name("kinds")))
                    .col(timestamp_with_time_zone(name("updated_at")))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "reminder_preference",
            "reminder_delivery",
            "webhook",
            "reminder",
        ] {
            manager
                .drop_table(Table::drop().table(name(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
