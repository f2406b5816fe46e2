//! Writing the audit trail. Every mutation goes through [`audited`], which records who, when,
//! what and the record before and after, in the mutation's own transaction: a refused mutation
//! leaves no audit row, and no change is committed without one.

use async_graphql::Context;
use chrono::Utc;
use entity::audit_log;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, QueryFilter, Set,
};
use serde::Serialize;
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::AppResult;
use crate::graphql::{TxnFuture, in_txn, principal};
use crate::record::Record;

pub async fn write<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    entity: &str,
    entity_id: Uuid,
    operation: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> AppResult<()> {
    audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        token_id: Set(who.token_id),
        at: Set(Utc::now()),
        entity: Set(entity.to_owned()),
        entity_id: Set(entity_id),
        operation: Set(operation.to_owned()),
        before: Set(before),
        after: Set(after),
    }
    .insert(db)
    .await?;
    Ok(())
}

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
    F: for<'t> FnOnce(&'t DatabaseTransaction, crate::scope::Scope) -> TxnFuture<'t, E::Model>
        + Send
        + 'static,
{
    let who = principal(ctx).clone();
    in_txn(ctx, move |t, s| {
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
            let after = work(t, s).await?;
            write(
                t,
                &who,
                E::LABEL,
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
    in_txn(ctx, move |t, s| {
        Box::pin(async move {
            let before = E::find()
                .filter(E::id_col().eq(id))
                .one(t)
                .await?
                .as_ref()
                .and_then(json);
            let id = crate::record::delete::<E, _>(t, &s, id).await?;
            write(t, &who, E::LABEL, id, "delete", before, None).await?;
            Ok(id)
        })
    })
    .await
}
