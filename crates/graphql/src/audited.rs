//! Every mutation goes through [`audited`], which records who, when, what and the record before
//! and after, in the mutation's own transaction: a refused mutation leaves no audit row, and no
//! change is committed without one. The role's write permission is checked here too, before the
//! transaction starts, so no mutation can skip it.

use async_graphql::Context;
use sea_orm::{ColumnTrait, DatabaseTransaction, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use super::{TxnFuture, in_txn, principal};
use tracker_core::audit::write;
use tracker_core::record::Record;

fn json<T: Serialize>(v: &T) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}

/// Runs a mutation of one `E` row in a transaction and audits it. `target` is the id of the row
/// changed (None for creates, whose id comes from the result).
pub async fn audited<E, F>(
    ctx: &Context<'_>,
    operation: &'static str,
    target: Option<Uuid>,
    work: F,
) -> async_graphql::Result<E::Model>
where
    E: Record,
    E::Model: Serialize,
    F: for<'t> Fn(&'t DatabaseTransaction, tracker_core::scope::Scope) -> TxnFuture<'t, E::Model>
        + Send
        + Sync
        + 'static,
{
    let who = principal(ctx).clone();
    who.authorize(E::AREA, operation, E::LABEL)?;
    in_txn(ctx, move |t, s| {
        let who = who.clone();
        let job = work(t, s);
        Box::pin(async move {
            let before = match target {
                Some(id) => E::find()
                    .filter(E::id_col().eq(id))
                    .one(t)
                    .await?
                    .as_ref()
                    .and_then(json),
                None => None,
            };
            let after = job.await?;
            write(
                t,
                &who,
                E::KIND,
                E::id_of(&after),
                operation,
                before,
                json(&after),
            )
            .await?;
            Ok(after)
        })
    })
    .await
}

/// Hard delete of one `E` row, audited with the row as it was.
pub async fn audited_delete<E>(ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Uuid>
where
    E: Record,
    E::Model: Serialize,
{
    let who = principal(ctx).clone();
    who.authorize(E::AREA, "delete", E::LABEL)?;
    in_txn(ctx, move |t, s| {
        let who = who.clone();
        Box::pin(async move {
            let mut before = E::find()
                .filter(E::id_col().eq(id))
                .one(t)
                .await?
                .as_ref()
                .and_then(json);
            // An hours report's lines go with it: its image carries them, like every other
            // image of a report, so the rollups and R9's other grants know whose hours went.
            if E::KIND == tracker_core::record::Kind::HoursReport
                && let Some(v) = before.as_mut()
            {
                let lines = <entity::hours_line::Entity as sea_orm::EntityTrait>::find()
                    .filter(entity::hours_line::Column::ReportId.eq(id))
                    .all(t)
                    .await?;
                v["lines"] = serde_json::to_value(&lines).unwrap_or_default();
            }
            let id = tracker_core::record::delete::<E, _>(t, &s, id).await?;
            write(t, &who, E::KIND, id, "delete", before, None).await?;
            Ok(id)
        })
    })
    .await
}
