//! Request-scoped DataLoaders: every relation is resolved with one `IN (...)` query per relation
//! and request, however many parent rows the request returns. Loaders are built per request (see
//! `graphql::RequestScope`) so they cache nothing across callers and apply the caller's scope.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::record::{self, Record};
use crate::scope::Scope;

/// Keys one batch may hold: every key a request's page limits allow at one level, so a nested
/// list is one batch per level whatever the data (the default of 1,000 split a national list
/// into dozens of batches).
const MAX_BATCH: usize = 100_000;

/// Keys per SQL statement: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters, and
/// above what a page of nested lists holds in practice (100 grants' 600 contracts' 14,400
/// monthly reports take two statements).
const KEYS_PER_STATEMENT: usize = 10_000;

/// A loader's database error becomes INTERNAL: logged with a reference, never shown.
fn internal<E: std::fmt::Debug>(err: E) -> async_graphql::Error {
    crate::error::AppError::Internal(anyhow::anyhow!("{err:?}")).into()
}

/// Loads rows of `E` by id (a belongs-to relation).
pub struct ById<E> {
    db: DatabaseConnection,
    scope: Scope,
    _e: PhantomData<fn() -> E>,
}

impl<E: Record> Loader<Uuid> for ById<E> {
    type Value = E::Model;
    type Error = Arc<sea_orm::DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let mut map = HashMap::with_capacity(keys.len());
        for chunk in keys.chunks(KEYS_PER_STATEMENT) {
            let rows = record::select::<E>(&self.scope)
                .filter(E::id_col().is_in(chunk.iter().copied()))
                .all(&self.db)
                .await?;
            map.extend(rows.into_iter().map(|m| (E::id_of(&m), m)));
        }
        Ok(map)
    }
}

/// A has-many relation: the child entity and the child column that holds the parent's id.
/// Archived children are left out of nested lists (top-level lists can include them).
pub trait HasMany: Send + Sync + 'static {
    type Child: Record;
    fn parent_col() -> <Self::Child as sea_orm::EntityTrait>::Column;
    fn parent_of(child: &<Self::Child as sea_orm::EntityTrait>::Model) -> Option<Uuid>;
}

/// Loads the children of many parents at once, keyed by parent id, in id (creation) order.
pub struct Children<R> {
    db: DatabaseConnection,
    scope: Scope,
    _r: PhantomData<fn() -> R>,
}

impl<R: HasMany> Loader<Uuid> for Children<R> {
    type Value = Vec<<R::Child as sea_orm::EntityTrait>::Model>;
    type Error = Arc<sea_orm::DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let mut map: HashMap<Uuid, Self::Value> = HashMap::new();
        for chunk in keys.chunks(KEYS_PER_STATEMENT) {
            let rows = record::select::<R::Child>(&self.scope)
                .filter(R::parent_col().is_in(chunk.iter().copied()))
                .filter(R::Child::archived_col().is_null())
                .order_by_asc(R::Child::id_col())
                .all(&self.db)
                .await?;
            for row in rows {
                if let Some(parent) = R::parent_of(&row) {
                    map.entry(parent).or_default().push(row);
                }
            }
        }
        Ok(map)
    }
}

macro_rules! has_many {
    ($($name:ident: $child:ident.$field:ident / $col:ident;)*) => {$(
        #[doc = concat!("`", stringify!($child), "` rows by `", stringify!($field), "`.")]
        pub struct $name;
        impl HasMany for $name {
            type Child = entity::$child::Entity;
            fn parent_col() -> entity::$child::Column {
                entity::$child::Column::$col
            }
            fn parent_of(child: &entity::$child::Model) -> Option<Uuid> {
                child.$field.into()
            }
        }
    )*};
}

has_many! {
    EstatesOfOrganisation: estate.organisation_id / OrganisationId;
    GrantsOfEstate: grant.estate_id / EstateId;
    ContractsOfGrant: contract.grant_id / GrantId;
    ContractsOfContractor: contract.contractor_id / ContractorId;
    SubcontractsOfContract: contract.parent_contract_id / ParentContractId;
    PlacementsOfContract: placement.contract_id / ContractId;
    PlacementsOfPerson: placement.person_id / PersonId;
    PlacementsOfGrant: placement.grant_id / GrantId;
    LinesOfReport: hours_line.report_id / ReportId;
    LinesOfPlacement: hours_line.placement_id / PlacementId;
    TrialsOfGrant: trial_placement.grant_id / GrantId;
    TrialsOfPerson: trial_placement.person_id / PersonId;
    TrialsHostedBy: trial_placement.host_contractor_id / HostContractorId;
    GroupsOfGrant: follow_up_group.grant_id / GrantId;
    MembersOfGroup: group_member.group_id / GroupId;
    MeetingsOfGroup: meeting.group_id / GroupId;
    ActionItemsOfMeeting: action_item.meeting_id / MeetingId;
}

/// Attendance, either way round: meeting -> member ids, or member -> meeting ids.
pub struct Attendance {
    db: DatabaseConnection,
    by_member: bool,
}

impl Loader<Uuid> for Attendance {
    type Value = Vec<Uuid>;
    type Error = Arc<sea_orm::DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        use entity::meeting_attendee::{Column, Entity};
        let key_col = if self.by_member {
            Column::MemberId
        } else {
            Column::MeetingId
        };
        let rows = <Entity as sea_orm::EntityTrait>::find()
            .filter(key_col.is_in(keys.iter().copied()))
            .order_by_asc(Column::MeetingId)
            .order_by_asc(Column::MemberId)
            .all(&self.db)
            .await?;
        let mut map: HashMap<Uuid, Self::Value> = HashMap::new();
        for row in rows {
            let (key, value) = if self.by_member {
                (row.member_id, row.meeting_id)
            } else {
                (row.meeting_id, row.member_id)
            };
            map.entry(key).or_default().push(value);
        }
        Ok(map)
    }
}

/// Trainee hours per hours report (sum of its lines). The report is already in the caller's scope;
/// its total is an aggregate, so a caller who may not see the lines (VIEWER) still gets it.
pub struct TraineeTotals {
    db: DatabaseConnection,
}

impl Loader<Uuid> for TraineeTotals {
    type Value = i64;
    type Error = Arc<sea_orm::DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        // The report's rollup holds the sum of its lines by kind; three narrow columns per
        // report instead of every line.
        use entity::hours_month::{Column, Entity};
        let mut map: HashMap<Uuid, i64> = HashMap::new();
        for chunk in keys.chunks(KEYS_PER_STATEMENT) {
            let rows: Vec<(Uuid, i64, i64, i64)> = <Entity as sea_orm::EntityTrait>::find()
                .select_only()
                .columns([
                    Column::ReportId,
                    Column::ApprenticeCentihours,
                    Column::OtherTrainingCentihours,
                    Column::NotCountedCentihours,
                ])
                .filter(Column::ReportId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(&self.db)
                .await?;
            for (report, a, o, n) in rows {
                map.insert(report, a + o + n);
            }
        }
        Ok(map)
    }
}

/// A contract's monthly reports (not archived, oldest first) each with its trainee total, read
/// with the rollup in one statement per batch of contracts: a nested list of reports then costs
/// no statement per report for `traineeHours`, however many reports the page holds. The database
/// adds the rollup's three trainee columns, so a row carries one number of it, not its whole row.
pub struct ReportsWithTotals {
    db: DatabaseConnection,
    scope: Scope,
}

/// A report and its trainee hours (centihours), as [`ReportsWithTotals`] reads them.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct ReportWithTotal {
    #[sea_orm(nested)]
    pub report: entity::hours_report::Model,
    /// None for a report without a rollup row (none is written without one; read as zero).
    pub trainee: Option<i64>,
}

impl Loader<Uuid> for ReportsWithTotals {
    type Value = Vec<ReportWithTotal>;
    type Error = Arc<sea_orm::DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        use entity::{hours_month, hours_report};
        use sea_orm::sea_query::{Expr, ExprTrait};
        let mut map: HashMap<Uuid, Self::Value> = HashMap::new();
        for chunk in keys.chunks(KEYS_PER_STATEMENT) {
            let rows = record::select::<hours_report::Entity>(&self.scope)
                .filter(hours_report::Column::ContractId.is_in(chunk.iter().copied()))
                .filter(hours_report::Column::ArchivedAt.is_null())
                .join(
                    sea_orm::JoinType::LeftJoin,
                    <hours_report::Entity as sea_orm::EntityTrait>::belongs_to(hours_month::Entity)
                        .from(hours_report::Column::Id)
                        .to(hours_month::Column::ReportId)
                        .into(),
                )
                .column_as(
                    Expr::col((
                        hours_month::Entity,
                        hours_month::Column::ApprenticeCentihours,
                    ))
                    .add(Expr::col((
                        hours_month::Entity,
                        hours_month::Column::OtherTrainingCentihours,
                    )))
                    .add(Expr::col((
                        hours_month::Entity,
                        hours_month::Column::NotCountedCentihours,
                    ))),
                    "trainee",
                )
                .order_by_asc(hours_report::Column::Month)
                .order_by_asc(hours_report::Column::Id)
                .into_model::<ReportWithTotal>()
                .all(&self.db)
                .await?;
            for row in rows {
                map.entry(row.report.contract_id).or_default().push(row);
            }
        }
        Ok(map)
    }
}

/// Per-request set of loaders, created lazily per type.
pub struct Loaders {
    db: DatabaseConnection,
    scope: Scope,
    /// Trainee totals per report, cached for the request: fed by [`Loaders::know_trainee_totals`]
    /// so reports read with their totals answer `traineeHours` without a query.
    trainee: std::sync::OnceLock<Arc<DataLoader<TraineeTotals, HashMapCache>>>,
    cache: std::sync::Mutex<HashMap<std::any::TypeId, Arc<dyn std::any::Any + Send + Sync>>>,
}

impl Loaders {
    pub fn new(db: DatabaseConnection, scope: Scope) -> Self {
        Self {
            db,
            scope,
            trainee: Default::default(),
            cache: Default::default(),
        }
    }

    fn get_or_create<K, L, F>(&self, make: F) -> Arc<DataLoader<L>>
    where
        K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
        L: Loader<K> + 'static,
        F: FnOnce(DatabaseConnection, Scope) -> L,
    {
        let mut cache = self.cache.lock().expect("loader cache poisoned");
        let entry = cache
            .entry(std::any::TypeId::of::<L>())
            .or_insert_with(|| {
                Arc::new(
                    DataLoader::new(make(self.db.clone(), self.scope.clone()), tokio::spawn)
                        .max_batch_size(MAX_BATCH),
                ) as Arc<dyn std::any::Any + Send + Sync>
            })
            .clone();
        entry
            .downcast::<DataLoader<L>>()
            .expect("loader type keyed by its TypeId")
    }

    pub async fn one<E: Record>(&self, id: Uuid) -> async_graphql::Result<Option<E::Model>> {
        let loader = self.get_or_create(|db, scope| ById::<E> {
            db,
            scope,
            _e: PhantomData,
        });
        loader.load_one(id).await.map_err(internal)
    }

    pub async fn many<R: HasMany>(
        &self,
        parent: Uuid,
    ) -> async_graphql::Result<Vec<<R::Child as sea_orm::EntityTrait>::Model>> {
        let loader = self.get_or_create(|db, scope| Children::<R> {
            db,
            scope,
            _r: PhantomData,
        });
        Ok(loader
            .load_one(parent)
            .await
            .map_err(internal)?
            .unwrap_or_default())
    }

    /// Rows of `E` for a list of ids, in the order given; ids out of scope are skipped.
    pub async fn each<E: Record>(&self, ids: Vec<Uuid>) -> async_graphql::Result<Vec<E::Model>> {
        let loader = self.get_or_create(|db, scope| ById::<E> {
            db,
            scope,
            _e: PhantomData,
        });
        let mut found = loader
            .load_many(ids.iter().copied())
            .await
            .map_err(internal)?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// A grant's compliance report as of a date; all grants asked for in one request are
    /// evaluated from one bulk load.
    pub async fn compliance(
        &self,
        grant: Uuid,
        as_of: chrono::NaiveDate,
        known_at: chrono::DateTime<chrono::Utc>,
    ) -> async_graphql::Result<Option<Arc<crate::compliance::Report>>> {
        let l = self.get_or_create(|db, scope| ComplianceLoader { db, scope });
        l.load_one((grant, as_of, known_at)).await.map_err(internal)
    }

    /// Trainee hours of an hours report, in centihours.
    fn trainee_loader(&self) -> &DataLoader<TraineeTotals, HashMapCache> {
        self.trainee.get_or_init(|| {
            Arc::new(
                DataLoader::with_cache(
                    TraineeTotals {
                        db: self.db.clone(),
                    },
                    tokio::spawn,
                    HashMapCache::default(),
                )
                .max_batch_size(MAX_BATCH),
            )
        })
    }

    pub async fn trainee_total(&self, report: Uuid) -> async_graphql::Result<i64> {
        Ok(self
            .trainee_loader()
            .load_one(report)
            .await
            .map_err(internal)?
            .unwrap_or_default())
    }

    /// A contract's monthly reports (not archived), oldest first, each with its trainee hours
    /// (see [`ReportsWithTotals`]).
    pub async fn reports_of_contract(
        &self,
        contract: Uuid,
    ) -> async_graphql::Result<Vec<ReportWithTotal>> {
        let loader = self.get_or_create(|db, scope| ReportsWithTotals { db, scope });
        Ok(loader
            .load_one(contract)
            .await
            .map_err(internal)?
            .unwrap_or_default())
    }

    /// Trainee totals already read with their reports: `traineeHours` of those reports then
    /// costs no statement.
    pub async fn know_trainee_totals(&self, totals: impl Iterator<Item = (Uuid, i64)>) {
        self.trainee_loader().feed_many(totals).await;
    }

    /// Member ids of a meeting (by_member = false) or meeting ids of a member (true).
    pub async fn attendance(&self, id: Uuid, by_member: bool) -> async_graphql::Result<Vec<Uuid>> {
        // Two loader instances (one per direction) share the type, so key the cache by direction
        // through distinct wrapper types.
        if by_member {
            let l = self.get_or_create(|db, _| {
                ByMember(Attendance {
                    db,
                    by_member: true,
                })
            });
            Ok(l.load_one(id).await.map_err(internal)?.unwrap_or_default())
        } else {
            let l = self.get_or_create(|db, _| Attendance {
                db,
                by_member: false,
            });
            Ok(l.load_one(id).await.map_err(internal)?.unwrap_or_default())
        }
    }
}

/// The member -> meetings direction of [`Attendance`], a type of its own for the loader cache.
pub struct ByMember(Attendance);

impl Loader<Uuid> for ByMember {
    type Value = Vec<Uuid>;
    type Error = Arc<sea_orm::DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        self.0.load(keys).await
    }
}

/// (grant, as of, known at): one evaluation.
type ComplianceKey = (Uuid, chrono::NaiveDate, chrono::DateTime<chrono::Utc>);

/// Evaluates compliance for many (grant, as-of, known-at) keys with one bulk load of facts per
/// distinct known-at (a request rarely asks for more than one).
pub struct ComplianceLoader {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<ComplianceKey> for ComplianceLoader {
    type Value = Arc<crate::compliance::Report>;
    type Error = Arc<String>;

    async fn load(
        &self,
        keys: &[ComplianceKey],
    ) -> Result<HashMap<ComplianceKey, Self::Value>, Self::Error> {
        let grants = record::select::<entity::grant::Entity>(&self.scope)
            .filter(entity::grant::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.db)
            .await
            .map_err(|e| Arc::new(format!("{e:?}")))?;
        // Grouped by (as of, known at): a request rarely asks for more than one.
        let mut groups: Vec<(chrono::NaiveDate, chrono::DateTime<chrono::Utc>)> =
            keys.iter().map(|k| (k.1, k.2)).collect();
        groups.sort();
        groups.dedup();
        let mut out = HashMap::new();
        for (as_of, known_at) in groups {
            let reports =
                crate::service::compliance::evaluations(&self.db, &grants, as_of, known_at)
                    .await
                    .map_err(|e| Arc::new(format!("{e:?}")))?;
            out.extend(
                keys.iter()
                    .filter(|k| k.1 == as_of && k.2 == known_at)
                    .filter_map(|k| reports.get(&k.0).map(|r| (*k, r.clone()))),
            );
        }
        Ok(out)
    }
}
