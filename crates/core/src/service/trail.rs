//! The audit trail's writer, below the GraphQL layer so that services which write several
//! records in one transaction (the payroll import) audit each of them the same way a mutation
//! does. Each row also bumps the revisions of the grants the write touches and keeps the hours
//! rollups equal to the hours they sum, in the same transaction.

use entity::audit_log;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::AppResult;
use crate::record::Kind;

/// Writes one audit row (and bumps the revisions of the grants the write touches, and refreshes
/// the hours rollups it changes).
pub async fn write<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    kind: Kind,
    entity_id: Uuid,
    operation: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> AppResult<()> {
    // One lock order for every writer: the contracts whose hours this write refreshes first,
    // then the grants' revisions (see `rollup::lock_contracts_for`).
    crate::service::rollup::lock_contracts_for(
        db,
        kind,
        entity_id,
        before.as_ref(),
        after.as_ref(),
    )
    .await?;
    // The same transaction: the grants this write changes get a new revision, so no cached
    // evaluation of them is used again.
    crate::service::revision::touch(db, kind, entity_id, before.as_ref(), after.as_ref()).await?;
    // And the precomputed hours sums stay equal to the hours they sum.
    crate::service::rollup::touch(db, kind, entity_id, before.as_ref(), after.as_ref()).await?;
    audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        token_id: Set(who.token_id),
        user_id: Set(who.user_id),
        at: Set(crate::clock::now()),
        entity: Set(kind.label().to_owned()),
        entity_id: Set(entity_id),
        operation: Set(operation.to_owned()),
        before: Set(before),
        after: Set(after),
    }
    .insert(db)
    .await?;
    Ok(())
}
