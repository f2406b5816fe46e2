//! Reminders (påmindelser) as the service knows them: which are due ([`plan`]), where a webhook
//! may point ([`address`]), and how a delivery is signed and retried ([`sign`]). Storing them is
//! `service::reminders`; the scheduler that sends them runs in the server (`api::notifier`).

pub mod address;
pub mod plan;
pub mod sign;

/// Whether webhooks may point at private addresses (schema data for the webhook mutations).
#[derive(Clone, Copy, Debug, Default)]
pub struct WebhookPolicy {
    pub allow_private_targets: bool,
}
