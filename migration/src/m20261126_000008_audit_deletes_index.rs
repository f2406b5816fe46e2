//! Evaluations "as known at" a time look up the rows of each kind deleted since then
//! (`entity = … AND operation = 'delete' AND at > …`); this index makes that a range scan
//! rather than a walk through every audit row of the kind.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn name(s: &'static str) -> Alias {
    Alias::new(s)
}

const INDEX: &str = "ix_audit_log_entity_operation_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(name("audit_log"))
                    .col(name("entity"))
                    .col(name("operation"))
                    .col(name("at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(name("audit_log"))
                    .to_owned(),
            )
            .await
    }
}
