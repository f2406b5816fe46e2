//! The audit trail below the API: [`write`] (one row: who, when, what, the record before and
//! after, in the caller's transaction) and [`visible`] (which rows a caller may read). The GraphQL
//! mutations reach it through `graphql::audited`, which wraps each in a transaction.

use entity::audit_log;
use sea_orm::{ColumnTrait, Condition};

use crate::record::Record;
use crate::scope::{Scope, Scoped, subquery, tokens_where};

pub use crate::service::trail::write;

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
