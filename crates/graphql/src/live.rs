//! GraphQL subscriptions (over WebSocket, the graphql-transport-ws protocol, at `/graphql/ws`):
//! a grant's figures changed, and a finding opened or closed. Scoped like every read: a
//! subscriber hears only of grants its caller may see, with findings about persons summarised
//! for a caller who may not see persons. Fed by [`tracker_core::live`], so a write on any instance
//! reaches a subscriber on every instance. Each event is evaluated from the database when it
//! arrives (through the shared evaluation cache), never from what the subscription saw first.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use async_graphql::{Context, Result, SimpleObject, Subscription};
use chrono::{DateTime, NaiveDate, Utc};
use entity::grant;
use futures_util::Stream;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter};
use tokio::sync::broadcast;
use uuid::Uuid;

use super::compliance::{FindingView, findings_view, fixed, percent};
use engine::compliance::{Finding, Report, Severity, Status};
use engine::i18n::Lang;
use tracker_core::auth::Principal;
use tracker_core::error::AppError;
use tracker_core::live::{Changed, Changes};
use tracker_core::scope::Scope;

/// A grant's figures after a change (tal ændret): the summary as of today with everything
/// recorded now.
#[derive(SimpleObject, Clone)]
pub struct GrantFiguresUpdate {
    pub grant_id: Uuid,
    pub as_of: NaiveDate,
    pub known_at: DateTime<Utc>,
    pub status: Status,
    /// Trainee share so far, as a percent to two decimals.
    pub share_percent: Option<Decimal>,
    pub share_fraction: Option<Decimal>,
    pub required_share_percent: Decimal,
    pub breaches: u32,
    pub warnings: u32,
}

/// Findings that opened or closed on a grant with a change (afvigelser åbnet eller lukket).
#[derive(SimpleObject)]
pub struct FindingsChange {
    pub grant_id: Uuid,
    pub as_of: NaiveDate,
    pub known_at: DateTime<Utc>,
    pub opened: Vec<FindingView>,
    pub closed: Vec<FindingView>,
}

/// What a subscription needs after its request is gone.
#[derive(Clone)]
struct Subscriber {
    db: DatabaseConnection,
    scope: Scope,
    lang: Lang,
    grant: Option<Uuid>,
}

impl Subscriber {
    async fn of(
        ctx: &Context<'_>,
        grant: Option<Uuid>,
    ) -> Result<(Self, broadcast::Receiver<Changed>)> {
        // From the principal, not the request's scope: a WebSocket's caller comes with the
        // connection.
        let principal = ctx
            .data_opt::<Principal>()
            .ok_or(AppError::Unauthenticated)?;
        let scope = principal.scope();
        scope.require_grant_figures()?;
        let db = super::db(ctx).clone();
        if let Some(id) = grant {
            // NOT_FOUND or FORBIDDEN now, not silence forever.
            tracker_core::record::get::<grant::Entity, _>(&db, &scope, id).await?;
        }
        let rx = ctx.data_unchecked::<Changes>().subscribe().await;
        Ok((
            Self {
                db,
                scope,
                lang: super::lang(ctx),
                grant,
            },
            rx,
        ))
    }

    /// The changed grants this subscriber may see, evaluated as of today with what is recorded
    /// now.
    async fn evaluate(&self, changed: &[Uuid]) -> Vec<Arc<Report>> {
        let wanted: Vec<Uuid> = match self.grant {
            Some(g) if changed.contains(&g) => vec![g],
            Some(_) => return Vec::new(),
            None => changed.to_vec(),
        };
        let grants = tracker_core::record::select::<grant::Entity>(&self.scope)
            .filter(grant::Column::Id.is_in(wanted))
            .all(&self.db)
            .await;
        let grants = match grants {
            Ok(g) => g,
            Err(e) => {
                tracing::warn!(error = %e, "a subscription could not read its grants");
                return Vec::new();
            }
        };
        let as_of = tracker_core::units::danish_today();
        match tracker_core::service::compliance::evaluations(
            &self.db,
            &grants,
            as_of,
            tracker_core::clock::now(),
        )
        .await
        {
            Ok(mut reports) => grants
                .iter()
                .filter_map(|g| reports.remove(&g.id))
                .collect(),
            Err(e) => {
                tracing::warn!(error = ?e, "a subscription could not evaluate its grants");
                Vec::new()
            }
        }
    }
}

/// The next batch of changed grants; a subscriber that fell behind is told every grant may have
/// changed (it re-evaluates what it may see).
async fn next_change(rx: &mut broadcast::Receiver<Changed>, sub: &Subscriber) -> Option<Vec<Uuid>> {
    match rx.recv().await {
        Ok(changed) => Some(changed.to_vec()),
        Err(broadcast::error::RecvError::Lagged(_)) => {
            let all = tracker_core::record::select::<grant::Entity>(&sub.scope)
                .all(&sub.db)
                .await
                .ok()?;
            Some(all.into_iter().map(|g| g.id).collect())
        }
        Err(broadcast::error::RecvError::Closed) => None,
    }
}

fn count(r: &Report, severity: Severity) -> u32 {
    r.findings.iter().filter(|f| f.severity == severity).count() as u32
}

fn summary(r: &Report) -> GrantFiguresUpdate {
    GrantFiguresUpdate {
        grant_id: r.grant_id,
        as_of: r.as_of,
        known_at: tracker_core::clock::now(),
        status: r.status,
        share_percent: r.metrics.share.map(percent),
        share_fraction: r.metrics.share.map(|s| fixed(s, 4)),
        required_share_percent: percent(r.metrics.required_share),
        breaches: count(r, Severity::Breach),
        warnings: count(r, Severity::Warning),
    }
}

/// A finding's identity across evaluations: a change of severity is a new finding.
type FindingKey = (String, Uuid, String);

fn key(f: &Finding) -> FindingKey {
    (
        format!("{:?}", f.code),
        f.subject_id,
        format!("{:?}", f.severity),
    )
}

#[derive(Default)]
pub struct LiveSubscription;

#[Subscription(name = "Subscription")]
impl LiveSubscription {
    /// A grant's figures changed (with `grantId`), or any grant the caller may see: the new
    /// summary after every write that changes what the grant's evaluation reads.
    async fn grant_figures_changed(
        &self,
        ctx: &Context<'_>,
        grant_id: Option<Uuid>,
    ) -> Result<impl Stream<Item = GrantFiguresUpdate> + use<>> {
        let (sub, rx) = Subscriber::of(ctx, grant_id).await?;
        let state = (rx, sub, VecDeque::<GrantFiguresUpdate>::new());
        Ok(futures_util::stream::unfold(
            state,
            |(mut rx, sub, mut pending)| async move {
                loop {
                    if let Some(next) = pending.pop_front() {
                        return Some((next, (rx, sub, pending)));
                    }
                    let changed = next_change(&mut rx, &sub).await?;
                    pending.extend(sub.evaluate(&changed).await.iter().map(|r| summary(r)));
                }
            },
        ))
    }

    /// Findings opened or closed (a new BREACH, a missing report filed, ...) on a grant (with
    /// `grantId`) or on any grant the caller may see, after each write that changed them.
    async fn findings_changed(
        &self,
        ctx: &Context<'_>,
        grant_id: Option<Uuid>,
    ) -> Result<impl Stream<Item = FindingsChange> + use<>> {
        let (sub, rx) = Subscriber::of(ctx, grant_id).await?;
        // What is open now, to tell what opens and closes from here.
        let visible: Vec<Uuid> = match grant_id {
            Some(g) => vec![g],
            None => tracker_core::record::select::<grant::Entity>(&sub.scope)
                .all(&sub.db)
                .await
                .map_err(AppError::from)?
                .into_iter()
                .map(|g| g.id)
                .collect(),
        };
        let mut open: HashMap<Uuid, Vec<Finding>> = HashMap::new();
        for r in sub.evaluate(&visible).await {
            open.insert(r.grant_id, r.findings.clone());
        }
        let state = (rx, sub, open, VecDeque::<FindingsChange>::new());
        Ok(futures_util::stream::unfold(
            state,
            |(mut rx, sub, mut open, mut pending)| async move {
                loop {
                    if let Some(next) = pending.pop_front() {
                        return Some((next, (rx, sub, open, pending)));
                    }
                    let changed = next_change(&mut rx, &sub).await?;
                    let sees_persons = sub.scope.sees_persons();
                    for r in sub.evaluate(&changed).await {
                        let before = open
                            .insert(r.grant_id, r.findings.clone())
                            .unwrap_or_default();
                        let was: HashSet<FindingKey> = before.iter().map(key).collect();
                        let is: HashSet<FindingKey> = r.findings.iter().map(key).collect();
                        let opened: Vec<Finding> = r
                            .findings
                            .iter()
                            .filter(|f| !was.contains(&key(f)))
                            .cloned()
                            .collect();
                        let closed: Vec<Finding> = before
                            .iter()
                            .filter(|f| !is.contains(&key(f)))
                            .cloned()
                            .collect();
                        if opened.is_empty() && closed.is_empty() {
                            continue;
                        }
                        pending.push_back(FindingsChange {
                            grant_id: r.grant_id,
                            as_of: r.as_of,
                            known_at: tracker_core::clock::now(),
                            opened: findings_view(&opened, sees_persons, sub.lang),
                            closed: findings_view(&closed, sees_persons, sub.lang),
                        });
                    }
                }
            },
        ))
    }
}
