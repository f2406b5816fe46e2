//! One reminder to one recipient over one channel (levering), and the log of its attempts: the
//! administrator's delivery log. A delivery is claimed by one instance at a time (a lease), retried
//! with a growing pause when it fails, and given up after the last attempt.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "reminder_delivery")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub reminder_id: Uuid,
    pub channel: crate::enums::DeliveryChannel,
    /// EMAIL: the user.
    pub user_id: Option<Uuid>,
    /// WEBHOOK: the webhook.
    pub webhook_id: Option<Uuid>,
    /// The address or URL it went to when it was planned.
    pub target: String,
    pub status: crate::enums::DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// While SENDING: the claim runs out at this time (an instance that died mid-send is retried).
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    /// WEBHOOK: the HTTP status of the last answer.
    pub last_status_code: Option<i32>,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
