//! Reminders (påmindelser) in GraphQL: each person's choice of reminders by e-mail, the webhooks
//! (administrators and bygherrer), and the delivery log (administrators).

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{DeliveryChannel, DeliveryStatus, ReminderKind};
use entity::webhook;
use uuid::Uuid;

use super::{db, in_txn, lang, principal};
use tracker_core::error::AppError;
use tracker_core::reminders::WebhookPolicy;
use tracker_core::service::reminders::{self as store, Claimed, DeliveryFilter, kinds_from_json};
use tracker_core::service::webhooks::{self as svc, Preferences, WebhookInput, WebhookPatch};

/// Most rows of the delivery log per call.
const MAX_DELIVERY_ROWS: u64 = 500;

/// A webhook (never its secret).
pub struct Webhook(pub webhook::Model);

#[Object]
impl Webhook {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// The housing organisation whose grants' reminders it receives; null: every grant's.
    async fn organisation_id(&self) -> Option<Uuid> {
        self.0.organisation_id
    }
    /// The kinds of reminder it receives.
    async fn kinds(&self) -> Vec<ReminderKind> {
        kinds_from_json(&self.0.kinds)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}

/// A new webhook with its signing secret, shown this once: every request to it carries
/// `X-Tracker-Signature: sha256=<HMAC-SHA256 of "<X-Tracker-Timestamp>.<body>" under the secret>`.
#[derive(SimpleObject)]
pub struct CreatedWebhook {
    pub secret: String,
    pub webhook: Webhook,
}

/// A person's reminders by e-mail (påmindelser).
#[derive(SimpleObject)]
pub struct ReminderPreferences {
    /// The kinds received.
    pub kinds: Vec<ReminderKind>,
    /// The kinds this person's role can receive.
    pub available: Vec<ReminderKind>,
    /// True until the person has chosen: `kinds` are the role's defaults.
    pub defaults: bool,
}

impl From<Preferences> for ReminderPreferences {
    fn from(p: Preferences) -> Self {
        Self {
            kinds: p.kinds,
            available: p.available,
            defaults: p.defaults,
        }
    }
}

/// A reminder as planned (påmindelse).
#[derive(SimpleObject)]
pub struct Reminder {
    pub id: Uuid,
    /// The idempotency key: kind, subject and due date.
    pub key: String,
    pub kind: ReminderKind,
    pub grant_id: Uuid,
    pub subject_id: Uuid,
    pub due_date: NaiveDate,
    /// In the request's language.
    pub title: String,
    pub message: String,
    pub created_at: DateTime<Utc>,
}

/// One reminder to one recipient, and how its attempts went (levering).
#[derive(SimpleObject)]
pub struct ReminderDelivery {
    pub id: Uuid,
    pub channel: DeliveryChannel,
    /// The e-mail address or webhook URL it went to.
    pub target: String,
    pub user_id: Option<Uuid>,
    pub webhook_id: Option<Uuid>,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Webhooks: the HTTP status of the last answer.
    pub last_status_code: Option<i32>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub reminder: Reminder,
}

fn delivery(c: Claimed, l: engine::i18n::Lang) -> ReminderDelivery {
    let (d, r) = (c.delivery, c.reminder);
    let (title, message) = match l {
        engine::i18n::Lang::Da => (r.title_da, r.message_da),
        engine::i18n::Lang::En => (r.title_en, r.message_en),
    };
    ReminderDelivery {
        id: d.id,
        channel: d.channel,
        target: d.target,
        user_id: d.user_id,
        webhook_id: d.webhook_id,
        status: d.status,
        attempts: d.attempts,
        next_attempt_at: (d.status == DeliveryStatus::Pending).then_some(d.next_attempt_at),
        last_error: d.last_error,
        last_status_code: d.last_status_code,
        sent_at: d.sent_at,
        created_at: d.created_at,
        reminder: Reminder {
            id: r.id,
            key: r.key,
            kind: r.kind,
            grant_id: r.grant_id,
            subject_id: r.subject_id,
            due_date: r.due_date,
            title,
            message,
            created_at: r.created_at,
        },
    }
}

#[derive(Default)]
pub struct ReminderQuery;

#[Object]
impl ReminderQuery {
    /// The signed-in person's reminders by e-mail.
    async fn reminder_preferences(&self, ctx: &Context<'_>) -> Result<ReminderPreferences> {
        Ok(svc::preferences(db(ctx), principal(ctx)).await?.into())
    }

    /// The webhooks this caller manages (administrators: all; a bygherre: its organisation's).
    async fn webhooks(&self, ctx: &Context<'_>) -> Result<Vec<Webhook>> {
        Ok(svc::list_webhooks(db(ctx), principal(ctx))
            .await?
            .into_iter()
            .map(Webhook)
            .collect())
    }

    /// The delivery log, newest first; at most 500 rows per call (administrators only).
    async fn reminder_deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] filter: DeliveryFilter,
        #[graphql(default = 100)] limit: u64,
    ) -> Result<Vec<ReminderDelivery>> {
        principal(ctx).require_admin()?;
        if limit == 0 || limit > MAX_DELIVERY_ROWS {
            return Err(AppError::bad_input(
                "limit",
                format!("limit must be between 1 and {MAX_DELIVERY_ROWS}"),
                format!("limit skal være mellem 1 og {MAX_DELIVERY_ROWS}"),
            )
            .into());
        }
        let l = lang(ctx);
        Ok(store::deliveries(db(ctx), filter, limit)
            .await?
            .into_iter()
            .map(|c| delivery(c, l))
            .collect())
    }
}

#[derive(Default)]
pub struct ReminderMutation;

fn policy(ctx: &Context<'_>) -> bool {
    ctx.data_opt::<WebhookPolicy>()
        .is_some_and(|p| p.allow_private_targets)
}

#[Object]
impl ReminderMutation {
    /// Choose the reminders the signed-in person receives by e-mail (an empty list: none).
    async fn set_reminder_preferences(
        &self,
        ctx: &Context<'_>,
        kinds: Vec<ReminderKind>,
    ) -> Result<ReminderPreferences> {
        let who = principal(ctx).clone();
        let p = in_txn(ctx, move |t, _| {
            let (who, kinds) = (who.clone(), kinds.clone());
            Box::pin(async move { svc::set_preferences(t, &who, kinds).await })
        })
        .await?;
        Ok(p.into())
    }

    /// Create a webhook (administrators; a bygherre for its own organisation). The answer holds
    /// the signing secret, shown this once.
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        input: WebhookInput,
    ) -> Result<CreatedWebhook> {
        let who = principal(ctx).clone();
        let private = policy(ctx);
        let (model, secret) = in_txn(ctx, move |t, _| {
            let (who, input) = (who.clone(), input.clone());
            Box::pin(async move { svc::create_webhook(t, &who, input, private).await })
        })
        .await?;
        Ok(CreatedWebhook {
            secret,
            webhook: Webhook(model),
        })
    }

    /// Change a webhook's name, address or kinds.
    async fn update_webhook(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: WebhookPatch,
    ) -> Result<Webhook> {
        let who = principal(ctx).clone();
        let private = policy(ctx);
        let model = in_txn(ctx, move |t, _| {
            let (who, input) = (who.clone(), input.clone());
            Box::pin(async move { svc::update_webhook(t, &who, id, input, private).await })
        })
        .await?;
        Ok(Webhook(model))
    }

    /// Archive a webhook: nothing more is planned for it.
    async fn archive_webhook(&self, ctx: &Context<'_>, id: Uuid) -> Result<Webhook> {
        let who = principal(ctx).clone();
        let model = in_txn(ctx, move |t, _| {
            let who = who.clone();
            Box::pin(async move { svc::archive_webhook(t, &who, id).await })
        })
        .await?;
        Ok(Webhook(model))
    }
}
