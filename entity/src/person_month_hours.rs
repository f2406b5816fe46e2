//! En persons timer i en måned: one person's hours in one month over every placement on every
//! grant, for R9 (double counting). Kept in the transaction of every hours write.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_month_hours")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: Uuid,
    /// First day of the month.
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: Date,
    pub centihours: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
