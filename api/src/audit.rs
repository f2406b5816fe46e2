//! Writing the audit trail. Every mutation goes through [`audited`], which records who, when,
//! what and the record before and after, in the mutation's own transaction: a refused mutation
//! leaves no audit row, and no change is committed without one. The role's write permission is
//! checked here too, before the transaction starts, so no mutation can skip it.

use async_graphql::Context;
use entity::audit_log;
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use crate::graphql::{TxnFuture, in_txn, principal};
use crate::record::Record;
use crate::scope::{Scope, Scoped, subquery, tokens_where};

pub use crate::service::trail::write;

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
    F: for<'t> Fn(&'t DatabaseTransaction, crate::scope::Scope) -> TxnFuture<'t, E::Model>
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
            if E::LABEL == "Hours report"
                && let Some(v) = before.as_mut()
            {
                let lines = <entity::hours_line::Entity as sea_orm::EntityTrait>::find()
                    .filter(entity::hours_line::Column::ReportId.eq(id))
                    .all(t)
                    .await?;
                v["lines"] = serde_json::to_value(&lines).unwrap_or_default();
            }
            let id = crate::record::delete::<E, _>(t, &s, id).await?;
            write(t, &who, E::LABEL, id, "delete", before, None).await?;
            Ok(id)
        })
    })
    .await
}

/// Which audit rows a caller may read: `None` for no access at all, `Some(None)` for all rows,
/// `Some(Some(cond))` for a bygherre: rows about records of its organisation (as they are now;
/// a record deleted for good drops out) and every change made with its organisation's tokens.
pub fn visible(scope: &Scope) -> Option<Option<Condition>> {
    match scope {
        Scope::All => Some(None),
        Scope::Organisation(org) => {
            use entity::*;
            let mut any = Condition::any()
                .add(about::<housing_organisation::Entity>(scope))
                .add(about::<estate::Entity>(scope))
                .add(about::<grant::Entity>(scope))
                // Contractors are public companies every bygherre may look up, but their audit
                // rows are its business only where they work for it: a contract on its grants.
                .add(
                    Condition::all()
                        .add(audit_log::Column::Entity.eq(contractor::Entity::LABEL))
                        .add(audit_log::Column::EntityId.in_subquery(
                            subquery::<contract::Entity>(
                                contract::Column::ContractorId,
                                contract::Entity::condition(scope),
                            ),
                        )),
                )
                .add(about::<contract::Entity>(scope))
                .add(about::<person::Entity>(scope))
                .add(about::<placement::Entity>(scope))
                .add(about::<hours_report::Entity>(scope))
                .add(about::<trial_placement::Entity>(scope))
                .add(about::<follow_up_group::Entity>(scope))
                .add(about::<group_member::Entity>(scope))
                .add(about::<meeting::Entity>(scope))
                .add(about::<action_item::Entity>(scope))
                .add(about::<lbf_report::Entity>(scope));
            any = any.add(
                audit_log::Column::TokenId
                    .in_subquery(tokens_where(api_token::Column::OrganisationId, *org)),
            );
            Some(Some(any))
        }
        _ => None,
    }
}

/// Audit rows about `E` records the scope can see.
fn about<E: Record>(scope: &Scope) -> Condition {
    Condition::all()
        .add(audit_log::Column::Entity.eq(E::LABEL))
        .add(
            audit_log::Column::EntityId
                .in_subquery(subquery::<E>(E::id_col(), E::condition(scope))),
        )
}
