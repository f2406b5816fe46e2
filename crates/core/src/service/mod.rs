//! The service layer: plain async functions over any `ConnectionTrait`, so the same code runs
//! inside a mutation's transaction and in tests. Each validates its input completely before it
//! writes, and returns an [`AppError`](crate::error::AppError) a person can act on.

pub mod compliance;
pub mod contracts;
pub mod followup;
pub mod grants;
pub mod hours;
pub mod known;
pub mod moved;
pub mod organisations;
pub mod payroll;
pub mod people;
pub mod portfolio;
pub mod reminders;
pub mod revision;
pub mod rollup;
pub mod state;
pub mod stored;
pub mod stored_answer;
pub mod trail;
pub mod trials;
pub mod webhooks;
pub mod workflow;

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The current moment, from [`crate::clock`].
pub fn now() -> DateTime<Utc> {
    crate::clock::now()
}

/// UUID v7: time-ordered, so id order is creation order (see `pagination`).
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

use sea_orm::{ActiveValue, Set};

use crate::error::AppResult;
use crate::patch::Patch;

/// Applies a nullable field of an update: left out = unchanged, null = cleared, a value =
/// checked by `check` and set.
pub(crate) fn patch<T, U>(
    target: &mut ActiveValue<Option<U>>,
    value: Patch<T>,
    check: impl FnOnce(T) -> AppResult<U>,
) -> AppResult<()>
where
    Option<U>: Into<sea_orm::Value>,
{
    match value {
        Patch::Unchanged => {}
        Patch::Clear => *target = Set(None),
        Patch::Set(v) => *target = Set(Some(check(v)?)),
    }
    Ok(())
}
