//! One step of a monthly hours report's workflow (statusændring): which version, from which
//! status to which, by whom, when and why. Append-only: a month's status as known at any time is
//! the last step recorded by then.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "hours_status_change")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub version_id: Uuid,
    pub contract_id: Uuid,
    pub month: Date,
    pub number: i32,
    pub from_status: Option<crate::enums::HoursStatus>,
    pub to_status: crate::enums::HoursStatus,
    /// The reason given to return the month, or to change it after acceptance.
    pub reason: Option<String>,
    pub user_id: Option<Uuid>,
    pub token_id: Option<Uuid>,
    /// The person's name (or the token's) as it was then.
    pub actor: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
