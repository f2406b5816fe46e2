//! The change stamp (table `change_stamp`, one row): a number that every committed write
//! transaction moves as its last statement ([`crate::db::write_txn`]), so a reader that finds it
//! where it was knows that nothing has been committed since, with one read of one row.
//!
//! Moved last, so the row's lock is held only from there to the commit: writers queue on it for
//! that moment only, and a writer holding it waits for no other lock (no deadlock). Under
//! PostgreSQL's read committed, a reader sees the number and the rows of every write before it
//! together: a write committed after the number was read moves it again.
//!
//! The number alone does not name a database (the tests copy one template; a backup may be
//! restored beside its original), so the row also holds an `epoch`, drawn again each time a
//! server starts on the database ([`new_epoch`]): what an instance remembers under a stamp is
//! remembered under both.

use sea_orm::{ConnectionTrait, Statement};

use crate::error::{AppError, AppResult};

/// The stamp as read: the database's epoch and its number of committed writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Stamp {
    pub epoch: i64,
    pub n: i64,
}

/// The stamp now.
pub async fn read<C: ConnectionTrait>(db: &C) -> AppResult<Stamp> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT epoch, n FROM change_stamp WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the change stamp's row is missing")))?;
    Ok(Stamp {
        epoch: row.try_get_by_index(0)?,
        n: row.try_get_by_index(1)?,
    })
}

/// Moves the number by one, in the caller's transaction: the last statement before its commit.
pub async fn bump<C: ConnectionTrait>(db: &C) -> AppResult<()> {
    db.execute_unprepared("UPDATE change_stamp SET n = n + 1 WHERE id = 1")
        .await?;
    Ok(())
}

/// Draws a new epoch (a random number below 2^62): at every start, after the migrations.
pub async fn new_epoch<C: ConnectionTrait>(db: &C) -> AppResult<()> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("no randomness for the epoch: {e}")))?;
    let epoch = i64::from_le_bytes(bytes) & ((1 << 62) - 1);
    db.execute_unprepared(&format!(
        "UPDATE change_stamp SET epoch = {epoch} WHERE id = 1"
    ))
    .await?;
    Ok(())
}
