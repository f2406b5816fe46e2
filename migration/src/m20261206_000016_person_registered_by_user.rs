//! Who registered a person, when it was a signed-in user: `person.created_by_user_id`, so a
//! contractor's or tovholder's user sees the person it registered before a placement links them
//! to a site, as its tokens already do. Persons that users registered before this migration were
//! stamped with the nil token id, which every user's principal carries, so a tovholder user saw
//! every one of them: the nil stamp is cleared (those persons stay visible through their
//! placements and snusepraktik, as every person is).

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
            .alter_table(
                Table::alter()
                    .table(name("person"))
                    .add_column(uuid_null(name("created_by_user_id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_person_created_by_user_id")
                    .table(name("person"))
                    .col(name("created_by_user_id"))
                    .to_owned(),
            )
            .await?;
        let nil = Expr::val(uuid::Uuid::nil());
        manager
            .exec_stmt(
                Query::update()
                    .table(name("person"))
                    .value(
                        name("created_by_token_id"),
                        Expr::value(Option::<uuid::Uuid>::None),
                    )
                    .and_where(Expr::col(name("created_by_token_id")).eq(nil))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_person_created_by_user_id")
                    .table(name("person"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(name("person"))
                    .drop_column(name("created_by_user_id"))
                    .to_owned(),
            )
            .await
    }
}
