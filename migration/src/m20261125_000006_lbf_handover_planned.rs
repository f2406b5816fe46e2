//! A submitted yearly LBF report remembers whether its handover date was the planned one (an
//! interim report before handover carries the planned date, marked as planned).

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
                    .table(name("lbf_report"))
                    .add_column(boolean(name("handover_planned")).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(name("lbf_report"))
                    .drop_column(name("handover_planned"))
                    .to_owned(),
            )
            .await
    }
}
