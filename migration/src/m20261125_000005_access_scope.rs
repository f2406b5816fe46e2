//! Access scoping: who registered a person (so a contractor's or tovholder's own registrations stay
//! visible to them before a placement links the person to a site), and whether a grant's
//! contractors may see the grant's overall trainee share (the bygherre decides).

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
        // No foreign key to api_token: tokens are archived, never deleted, and the link is only
        // used to widen a reader's scope.
        manager
            .alter_table(
                Table::alter()
                    .table(name("person"))
                    .add_column(uuid_null(name("created_by_token_id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_person_created_by_token_id")
                    .table(name("person"))
                    .col(name("created_by_token_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(name("lbf_grant"))
                    .add_column(boolean(name("share_visible_to_contractors")).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(name("lbf_grant"))
                    .drop_column(name("share_visible_to_contractors"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_person_created_by_token_id")
                    .table(name("person"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(name("person"))
                    .drop_column(name("created_by_token_id"))
                    .to_owned(),
            )
            .await
    }
}
