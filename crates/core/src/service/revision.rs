//! Grant revisions: a number per grant, bumped in the transaction of every write that changes
//! what the grant's evaluation reads, so an evaluation cached under (grant, revision, as of,
//! known at) is never stale, on any instance (the number lives in the database).
//!
//! The bump hangs on the audit trail: every mutation writes its audit row through
//! [`crate::audit::write`] in its own transaction, and that calls [`touch`] with the row's images.
//! Which grants a write touches follows from what the engine reads (`service::compliance::
//! load_facts`): the grant itself; its contracts, placements, snusepraktik, følgegruppe,
//! meetings and LBF reports; the names of its contractors and persons; and, for R9, the hours of
//! its persons on other grants (so an hours report touches every grant its trainees work on).
//! A write to an estate touches its grants too: no evaluation reads it, but a kept dashboard row
//! shows its name beside the grant's figures.

use std::collections::HashMap;

use entity::{contract, follow_up_group, grant_revision, hours_report, placement, trial_placement};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::Value;
use uuid::Uuid;

use crate::error::AppResult;
use crate::record::Kind;

/// Ids per query: well under every database's limit on bound parameters.
const CHUNK: usize = 500;

fn uuid_at(image: Option<&Value>, key: &str) -> Option<Uuid> {
    image?.get(key)?.as_str()?.parse().ok()
}

/// The placement ids of an hours report image's lines.
pub(crate) fn line_placements(image: Option<&Value>) -> Vec<Uuid> {
    image
        .and_then(|v| v.get("lines"))
        .and_then(Value::as_array)
        .map(|lines| {
            lines
                .iter()
                .filter_map(|l| l.get("placement_id")?.as_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn select_grants_of_contracts(cond: Condition) -> SelectStatement {
    Query::select()
        .column(contract::Column::GrantId)
        .from(contract::Entity)
        .cond_where(cond)
        .to_owned()
}

/// The grants where any of `persons`' placements are.
fn grants_of_persons(persons: SelectStatement) -> SelectStatement {
    Query::select()
        .column(placement::Column::GrantId)
        .from(placement::Entity)
        .and_where(placement::Column::PersonId.in_subquery(persons))
        .to_owned()
}

/// Bumps the revision of every grant whose evaluation reads the row `kind`/`id` written (its
/// images before and after, as audited).
pub async fn touch<C: ConnectionTrait>(
    db: &C,
    kind: Kind,
    id: Uuid,
    before: Option<&Value>,
    after: Option<&Value>,
) -> AppResult<()> {
    let (mut direct, via) = touched(kind, id, Images { before, after });
    for select in via {
        let rows = db
            .query_all_raw(db.get_database_backend().build(&select))
            .await?;
        for row in rows {
            if let Ok(g) = row.try_get_by_index::<Uuid>(0) {
                direct.push(g);
            }
        }
    }
    bump(db, direct).await
}

/// A written row's images, before and after, as audited.
#[derive(Clone, Copy)]
struct Images<'a> {
    before: Option<&'a Value>,
    after: Option<&'a Value>,
}

impl Images<'_> {
    /// The id at `key`, after the write or else before it.
    fn field(&self, key: &str) -> Option<Uuid> {
        uuid_at(self.after, key).or_else(|| uuid_at(self.before, key))
    }
}

/// The grants the row `kind`/`id` touches: those its images name, and queries for the others.
fn touched(kind: Kind, id: Uuid, images: Images) -> (Vec<Uuid>, Vec<SelectStatement>) {
    let field = |key: &str| images.field(key);
    let mut direct: Vec<Uuid> = Vec::new();
    let mut via: Vec<SelectStatement> = Vec::new();
    match kind {
        Kind::Grant => direct.push(id),
        Kind::Contract
        | Kind::Placement
        | Kind::TrialPlacement
        | Kind::FollowUpGroup
        | Kind::CompanyDocumentation
        | Kind::LbfReport => {
            direct.extend(field("grant_id"));
        }
        Kind::Meeting => {
            if let Some(group) = field("group_id") {
                via.push(
                    Query::select()
                        .column(follow_up_group::Column::GrantId)
                        .from(follow_up_group::Entity)
                        .and_where(follow_up_group::Column::Id.eq(group))
                        .to_owned(),
                );
            }
        }
        // A version's status is a fact of its contract's grant (the counted figures are written
        // as the hours report beside it).
        Kind::HoursVersion => {
            if let Some(contract_id) = field("contract_id") {
                via.push(select_grants_of_contracts(
                    Condition::all().add(contract::Column::Id.eq(contract_id)),
                ));
            }
        }
        // Its name is on every grant it has a contract on.
        Kind::Contractor => via.push(select_grants_of_contracts(
            Condition::all().add(contract::Column::ContractorId.eq(id)),
        )),
        // Its name (R9's findings), its placements, and whether it lives in the estate (R11, on
        // the grants it is placed or tried out on).
        Kind::Person => {
            via.push(
                Query::select()
                    .column(placement::Column::GrantId)
                    .from(placement::Entity)
                    .and_where(placement::Column::PersonId.eq(id))
                    .to_owned(),
            );
            via.push(
                Query::select()
                    .column(trial_placement::Column::GrantId)
                    .from(trial_placement::Entity)
                    .and_where(trial_placement::Column::PersonId.eq(id))
                    .to_owned(),
            );
        }
        Kind::HoursReport | Kind::HoursLine => {
            via.extend(grants_of_hours(kind, id, images));
        }
        // Read by no evaluation, but shown beside each of its grants' figures on a dashboard
        // (its name, municipality, address), whose rows are kept under the grants' revisions.
        Kind::Estate => via.push(
            Query::select()
                .column(entity::grant::Column::Id)
                .from(entity::grant::Entity)
                .and_where(entity::grant::Column::EstateId.eq(id))
                .to_owned(),
        ),
        // Read by no evaluation: names shown beside it, members and action items (the meeting
        // is what R7 counts), access, accounts, webhooks, preferences and the import's own
        // record.
        Kind::HousingOrganisation
        | Kind::ApiToken
        | Kind::GroupMember
        | Kind::ActionItem
        | Kind::Webhook
        | Kind::ReminderPreference
        | Kind::PayrollImport
        | Kind::User => {}
    }
    (direct, via)
}

/// The grants an hours report or line touches: its contract's grant, and (R9) every grant its
/// trainees are placed on.
fn grants_of_hours(kind: Kind, id: Uuid, images: Images) -> Vec<SelectStatement> {
    let field = |key: &str| images.field(key);
    let mut out = Vec::new();
    let report = if kind == Kind::HoursReport {
        Some(id)
    } else {
        field("report_id")
    };
    if let Some(contract_id) = field("contract_id") {
        out.push(select_grants_of_contracts(
            Condition::all().add(contract::Column::Id.eq(contract_id)),
        ));
    } else if let Some(report) = report {
        out.push(
            Query::select()
                .column(contract::Column::GrantId)
                .from(contract::Entity)
                .and_where(
                    contract::Column::Id.in_subquery(
                        Query::select()
                            .column(hours_report::Column::ContractId)
                            .from(hours_report::Entity)
                            .and_where(hours_report::Column::Id.eq(report))
                            .to_owned(),
                    ),
                )
                .to_owned(),
        );
    }
    // R9: the trainees' hours count on every grant they are placed on.
    let mut placements = line_placements(images.before);
    placements.extend(line_placements(images.after));
    placements.extend(field("placement_id"));
    placements.sort();
    placements.dedup();
    for chunk in placements.chunks(CHUNK) {
        out.push(grants_of_persons(
            Query::select()
                .column(placement::Column::PersonId)
                .from(placement::Entity)
                .and_where(placement::Column::Id.is_in(chunk.iter().copied()))
                .to_owned(),
        ));
    }
    out
}

/// A revision row's salt: random, below 2^40 (see `entity::grant_revision`). Should the system
/// have no randomness to give, the grant id's random half serves (ids are UUID v7).
fn salt(grant: Uuid) -> i64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        bytes.copy_from_slice(&grant.as_bytes()[8..]);
    }
    i64::from_le_bytes(bytes) & ((1 << 40) - 1)
}

/// Adds one to each grant's revision (a first write creates it at 1, with its salt).
pub async fn bump<C: ConnectionTrait>(db: &C, mut grants: Vec<Uuid>) -> AppResult<()> {
    grants.sort();
    grants.dedup();
    for chunk in grants.chunks(CHUNK) {
        // Only grants that exist (a deleted grant's rows are gone with it).
        let existing: Vec<Uuid> = entity::grant::Entity::find()
            .select_only()
            .column(entity::grant::Column::Id)
            .filter(entity::grant::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        if existing.is_empty() {
            continue;
        }
        grant_revision::Entity::insert_many(existing.into_iter().map(|g| {
            grant_revision::ActiveModel {
                grant_id: sea_orm::Set(g),
                revision: sea_orm::Set(1),
                salt: sea_orm::Set(salt(g)),
            }
        }))
        .on_conflict(
            OnConflict::column(grant_revision::Column::GrantId)
                .value(
                    grant_revision::Column::Revision,
                    Expr::col((grant_revision::Entity, grant_revision::Column::Revision)).add(1),
                )
                .to_owned(),
        )
        .exec(db)
        .await?;
        // Every instance's live updates (`crate::live`): PostgreSQL delivers the notification
        // when this transaction commits, and drops it if it rolls back.
        if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared(&format!("NOTIFY {}", crate::live::CHANNEL))
                .await?;
        }
    }
    Ok(())
}

/// Gives each of the grants `grants` selects that has no revision row one, at revision 0 with a
/// random salt (see `entity::grant_revision`). Safe beside writes: a row a write made meanwhile
/// is kept as it is.
pub async fn add_missing_rows<C: ConnectionTrait>(
    db: &C,
    grants: sea_orm::Select<entity::grant::Entity>,
) -> AppResult<()> {
    use sea_orm::QueryTrait;
    let backend = db.get_database_backend();
    // Below 2^40, as `salt` makes them.
    let salt = match backend {
        sea_orm::DatabaseBackend::Postgres => "floor(random() * 1099511627776)::bigint",
        _ => "abs(random() % 1099511627776)",
    };
    let selected = grants
        .select_only()
        .column(entity::grant::Column::Id)
        .into_query();
    let missing = Query::select()
        .column((entity::grant::Entity, entity::grant::Column::Id))
        .expr(Expr::val(0i64))
        .expr(Expr::cust(salt))
        .from(entity::grant::Entity)
        .and_where(entity::grant::Column::Id.in_subquery(selected))
        .and_where(
            entity::grant::Column::Id.not_in_subquery(
                Query::select()
                    .column(grant_revision::Column::GrantId)
                    .from(grant_revision::Entity)
                    .to_owned(),
            ),
        )
        .to_owned();
    let insert = Query::insert()
        .into_table(grant_revision::Entity)
        .columns([
            grant_revision::Column::GrantId,
            grant_revision::Column::Revision,
            grant_revision::Column::Salt,
        ])
        .select_from(missing)
        .map_err(|e| crate::error::AppError::Internal(e.into()))?
        .on_conflict(
            OnConflict::column(grant_revision::Column::GrantId)
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    db.execute_raw(backend.build(&insert)).await?;
    Ok(())
}

/// The current revision of each of `grants` (0 for a grant never written since the table came).
pub async fn current<C: ConnectionTrait>(db: &C, grants: &[Uuid]) -> AppResult<HashMap<Uuid, i64>> {
    let mut out = HashMap::new();
    for chunk in grants.chunks(CHUNK) {
        let rows: Vec<(Uuid, i64)> = grant_revision::Entity::find()
            .select_only()
            .column(grant_revision::Column::GrantId)
            .column(grant_revision::Column::Revision)
            .filter(grant_revision::Column::GrantId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}
