//! Version of a monthly hours report (indberetningsversion): one contract's figures for one
//! month as a person saved or submitted them, with the status the workflow gave it and the
//! declaration on honour it was submitted with. Version 1 is the month's first report; a change
//! after the bygherre's acceptance is the next number, and the accepted one stays as it was.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "hours_version")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub contract_id: Uuid,
    /// First day of the month reported.
    pub month: Date,
    /// 1 for the month's first version, one more for each change after acceptance.
    pub number: i32,
    pub status: crate::enums::HoursStatus,
    /// Ingen aktivitet: the contractor declared it had no work on site this month.
    pub no_activity: bool,
    pub total_centihours: i64,
    /// The trainee lines, `[[placement_id, centihours], ...]`.
    pub lines: Json,
    /// Why the month was changed after acceptance (version 2 and later).
    pub reason: Option<String>,
    /// The declaration text's version it was (last) submitted with.
    pub declaration_version: Option<String>,
    pub declared_by_user_id: Option<Uuid>,
    pub declared_by_token_id: Option<Uuid>,
    /// The declaring person's name (or the integration token's) as it was then.
    pub declared_by: Option<String>,
    /// When it was (last) submitted.
    pub submitted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
