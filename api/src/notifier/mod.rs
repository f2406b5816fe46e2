//! Reminders (påmindelser): the scheduler inside the server that, every interval, plans the
//! reminders due today ([`plan`], stored once by `service::reminders`) and sends the deliveries
//! that are due, by e-mail and webhook ([`send`]), recording each attempt and retrying failures
//! on a growing schedule ([`sign`]).
//!
//! Every instance runs the scheduler; the database decides which instance writes a reminder and
//! which sends a delivery, so each is sent once however many run.

pub mod send;

use crate::reminders::{address, plan};

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::enums::{DeliveryChannel, DeliveryStatus};
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::db::WriteGate;
use crate::error::AppResult;
use crate::i18n::Text;
use crate::service::reminders::{self as store, Attempt, Claimed, PlanSettings, Planned};

/// The reminders' settings, from the environment.
#[derive(Clone, Debug)]
pub struct ReminderConfig {
    /// `REMINDERS=off` stops the scheduler on this instance (another may still run it).
    pub enabled: bool,
    /// `REMINDER_INTERVAL_SECS` (default 300): how often due reminders are planned and sent.
    pub interval: Duration,
    /// `SMTP_URL` and `REMINDER_MAIL_FROM`; without `SMTP_URL` nothing is sent by e-mail.
    pub smtp: Option<send::SmtpConfig>,
    /// `REMINDER_RETRY_BASE_SECS` (default 60): the pause after a first failed attempt.
    pub retry_base: Duration,
    /// `WEBHOOK_TIMEOUT_SECS` (default 10).
    pub webhook_timeout: Duration,
    /// `WEBHOOK_ALLOW_PRIVATE_TARGETS=true` lets webhooks point at this machine or a private
    /// network (tests, or a receiver inside the same private network).
    pub allow_private_targets: bool,
    /// `PUBLIC_BASE_URL` (the address people open): each e-mail links to where the person acts
    /// on it (the hours form for that month, …); without it the e-mail has no link.
    pub public_base_url: Option<String>,
    pub lead: plan::Lead,
}

impl Default for ReminderConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            interval: Duration::from_secs(300),
            smtp: None,
            retry_base: Duration::from_secs(60),
            webhook_timeout: Duration::from_secs(10),
            allow_private_targets: false,
            public_base_url: None,
            lead: plan::Lead::default(),
        }
    }
}

impl ReminderConfig {
    pub fn from_env(lookup: &impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let d = Self::default();
        let secs = |key: &str, default: Duration| {
            crate::env::number(lookup, key, default.as_secs()).map(Duration::from_secs)
        };
        let smtp = match lookup("SMTP_URL").filter(|v| !v.trim().is_empty()) {
            None => None,
            Some(url) => {
                let cfg = send::SmtpConfig {
                    url,
                    from: lookup("REMINDER_MAIL_FROM")
                        .unwrap_or_else(|| "Socialklausul-tracker <noreply@localhost>".into()),
                };
                // Checked now, so a typo stops the start instead of every e-mail.
                cfg.check()?;
                Some(cfg)
            }
        };
        Ok(Self {
            enabled: crate::env::flag(lookup, "REMINDERS", d.enabled)?,
            interval: secs("REMINDER_INTERVAL_SECS", d.interval)?,
            smtp,
            retry_base: secs("REMINDER_RETRY_BASE_SECS", d.retry_base)?,
            webhook_timeout: secs("WEBHOOK_TIMEOUT_SECS", d.webhook_timeout)?,
            allow_private_targets: crate::env::flag(
                lookup,
                "WEBHOOK_ALLOW_PRIVATE_TARGETS",
                false,
            )?,
            // Checked as a web address by the web app's configuration, read at the same start.
            public_base_url: lookup("PUBLIC_BASE_URL")
                .map(|u| u.trim().trim_end_matches('/').to_owned())
                .filter(|u| !u.is_empty()),
            lead: d.lead,
        })
    }
}

/// Deliveries claimed per round; a round repeats while it finds a full batch.
const BATCH: u64 = 20;
/// How long a claim holds: longer than the slowest send (SMTP timeout 20 s, webhook timeout).
const LEASE: Duration = Duration::from_secs(120);

/// What one tick did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tick {
    pub planned: Planned,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// The scheduler: the database, the write gate shared with the server, and the ways out.
#[derive(Clone)]
pub struct Reminders {
    db: DatabaseConnection,
    gate: WriteGate,
    mailer: Option<send::Mailer>,
    hooks: send::WebhookClient,
    cfg: ReminderConfig,
}

impl Reminders {
    pub fn new(
        db: DatabaseConnection,
        gate: WriteGate,
        cfg: ReminderConfig,
    ) -> anyhow::Result<Self> {
        let mailer = cfg.smtp.as_ref().map(send::Mailer::new).transpose()?;
        let hooks = send::WebhookClient::new(cfg.webhook_timeout, cfg.allow_private_targets)?;
        Ok(Self {
            db,
            gate,
            mailer,
            hooks,
            cfg,
        })
    }

    /// Plans what is due at `now` (its Danish date) and sends every delivery due by then.
    pub async fn tick(&self, now: DateTime<Utc>) -> AppResult<Tick> {
        let today = now
            .with_timezone(&chrono_tz::Europe::Copenhagen)
            .date_naive();
        let planned = store::plan_due(
            &self.db,
            &self.gate,
            today,
            now,
            PlanSettings {
                lead: self.cfg.lead,
                email: self.mailer.is_some(),
            },
        )
        .await?;
        let mut tick = Tick {
            planned,
            ..Tick::default()
        };
        loop {
            let batch = store::claim(&self.db, &self.gate, now, LEASE, BATCH).await?;
            let full = batch.len() as u64 == BATCH;
            for c in batch {
                let attempt = self.send(&c, now).await;
                let channel = match c.delivery.channel {
                    DeliveryChannel::Email => "email",
                    DeliveryChannel::Webhook => "webhook",
                };
                let status = store::record(
                    &self.db,
                    &self.gate,
                    &c.delivery,
                    attempt.clone(),
                    now,
                    self.cfg.retry_base,
                )
                .await?;
                let outcome = match status {
                    Some(DeliveryStatus::Sent) => {
                        tick.sent += 1;
                        "sent"
                    }
                    Some(DeliveryStatus::Pending) => {
                        tick.retried += 1;
                        "retry"
                    }
                    Some(DeliveryStatus::Failed) => {
                        tick.failed += 1;
                        tracing::warn!(delivery = %c.delivery.id, error = ?attempt.error, "reminder delivery given up");
                        "failed"
                    }
                    _ => "lost_claim",
                };
                metrics::counter!("tracker_reminder_deliveries_total", "channel" => channel, "outcome" => outcome)
                    .increment(1);
            }
            if !full {
                break;
            }
        }
        Ok(tick)
    }

    async fn send(&self, c: &Claimed, now: DateTime<Utc>) -> Attempt {
        let r = &c.reminder;
        let title = Text::new(r.title_en.clone(), r.title_da.clone());
        let message = Text::new(r.message_en.clone(), r.message_da.clone());
        match c.delivery.channel {
            DeliveryChannel::Email => {
                let Some(mailer) = &self.mailer else {
                    return Attempt {
                        status_code: None,
                        error: Some("e-mail is not configured (SMTP_URL) on this instance".into()),
                    };
                };
                let id = format!("<{}@social-clause-tracker>", c.delivery.id);
                let link = self.cfg.public_base_url.as_ref().map(|base| {
                    let path = plan::form_path(r.kind, r.grant_id, r.subject_id, r.due_date);
                    format!("{base}{path}")
                });
                match mailer
                    .send(&c.delivery.target, &title, &message, link.as_deref(), &id)
                    .await
                {
                    Ok(()) => Attempt {
                        status_code: None,
                        error: None,
                    },
                    Err(e) => Attempt {
                        status_code: None,
                        error: Some(e),
                    },
                }
            }
            DeliveryChannel::Webhook => {
                let hook = match c.delivery.webhook_id {
                    Some(id) => entity::webhook::Entity::find_by_id(id).one(&self.db).await,
                    None => Ok(None),
                };
                let hook = match hook {
                    Ok(Some(h)) => h,
                    Ok(None) => {
                        return Attempt {
                            status_code: None,
                            error: Some("the webhook no longer exists".into()),
                        };
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "reading a webhook failed");
                        return Attempt {
                            status_code: None,
                            error: Some("the webhook could not be read".into()),
                        };
                    }
                };
                // Checked again at sending: the address was valid when saved, the rules may be
                // stricter now.
                if let Err(t) =
                    address::check_webhook_url(&hook.url, self.cfg.allow_private_targets)
                {
                    return Attempt {
                        status_code: None,
                        error: Some(t.en),
                    };
                }
                let body = payload(c, &title, &message);
                let headers = [
                    ("x-tracker-event", plan::kind_code(r.kind).to_uppercase()),
                    ("x-tracker-delivery", c.delivery.id.to_string()),
                    ("idempotency-key", r.key.clone()),
                ];
                let posted = self
                    .hooks
                    .post(&hook.url, &hook.secret, &headers, body, now.timestamp())
                    .await;
                Attempt {
                    status_code: posted.status,
                    error: posted.error,
                }
            }
        }
    }

    /// Runs [`Reminders::tick`] every interval until the process ends, the first one interval
    /// after the start but at most [`FIRST_TICK_AFTER`]. Errors are logged and the next tick
    /// tries again.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let first = tokio::time::Instant::now() + self.cfg.interval.min(FIRST_TICK_AFTER);
            let mut every = tokio::time::interval_at(first, self.cfg.interval);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                match self.tick(crate::clock::now()).await {
                    Ok(t) if t != Tick::default() => tracing::info!(
                        reminders = t.planned.reminders,
                        deliveries = t.planned.deliveries,
                        sent = t.sent,
                        retried = t.retried,
                        failed = t.failed,
                        "reminders"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = ?e, "reminder tick failed"),
                }
            }
        })
    }
}

/// The longest a starting instance waits before it plans reminders. Not at once: planning
/// evaluates every grant, which at national scale takes the CPU that an instance just become
/// ready owes its first requests (after a deploy, or as one more behind the load balancer).
/// Reminders are about days; a minute later changes none of them.
const FIRST_TICK_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// The webhook's JSON body: the reminder as data, both languages.
fn payload(c: &Claimed, title: &Text, message: &Text) -> Vec<u8> {
    let r = &c.reminder;
    serde_json::to_vec(&serde_json::json!({
        "deliveryId": c.delivery.id,
        "key": r.key,
        "kind": plan::kind_code(r.kind).to_uppercase(),
        "grantId": r.grant_id,
        "subjectId": r.subject_id,
        "dueDate": r.due_date,
        "title": { "da": title.da, "en": title.en },
        "message": { "da": message.da, "en": message.en },
        "createdAt": r.created_at,
    }))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> anyhow::Result<ReminderConfig> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ReminderConfig::from_env(&|k: &str| map.get(k).cloned())
    }

    #[test]
    fn reminders_run_every_five_minutes_without_email_by_default() {
        let c = cfg(&[]).unwrap();
        assert!(c.enabled && c.smtp.is_none() && !c.allow_private_targets);
        assert_eq!(c.interval, Duration::from_secs(300));
        assert_eq!(c.retry_base, Duration::from_secs(60));
    }

    #[test]
    fn bad_values_stop_the_start() {
        assert!(cfg(&[("REMINDERS", "maybe")]).is_err());
        assert!(cfg(&[("REMINDER_INTERVAL_SECS", "0")]).is_err());
        assert!(cfg(&[("SMTP_URL", "mail.example.dk")]).is_err());
        assert!(
            cfg(&[
                ("SMTP_URL", "smtp://127.0.0.1:2525"),
                ("REMINDER_MAIL_FROM", "nobody")
            ])
            .is_err()
        );
        let c = cfg(&[
            ("REMINDERS", "off"),
            ("SMTP_URL", "smtp://127.0.0.1:2525"),
            ("REMINDER_MAIL_FROM", "Tracker <tracker@example.dk>"),
            ("WEBHOOK_ALLOW_PRIVATE_TARGETS", "true"),
        ])
        .unwrap();
        assert!(!c.enabled && c.allow_private_targets);
        assert_eq!(c.smtp.unwrap().url, "smtp://127.0.0.1:2525");
    }
}
