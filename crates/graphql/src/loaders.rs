//! Request-scoped DataLoaders: every relation is resolved with one `IN (...)` query per relation
//! and request, however many parent rows the request returns. Loaders are built per request (see
//! `graphql::RequestScope`) so they cache nothing across callers and apply the caller's scope.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use tracker_core::record::{self, Record};
use tracker_core::scope::Scope;

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
    tracker_core::error::AppError::Internal(anyhow::anyhow!("{err:?}")).into()
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
/// no statement per report for `traineeHours`, however many reports the page holds.
pub struct ReportsWithTotals {
    db: DatabaseConnection,
    scope: Scope,
}

/// The reports of every contract of a grant (as [`ReportsWithTotals`] reads them per contract),
/// keyed by grant. `Grant.contracts` reads them beside the contracts when the query asks for the
/// contracts' reports: keys then arrive all at once (one per grant of the page), where the
/// contracts' own keys, asked for while the contracts resolve, came spread over milliseconds
/// and a busy server split them into several statements.
pub struct ReportsOfGrants {
    db: DatabaseConnection,
    scope: Scope,
}

/// A report and its trainee hours (centihours), as [`ReportsWithTotals`] reads them.
#[derive(Debug, Clone)]
pub struct ReportWithTotal {
    pub report: entity::hours_report::Model,
    pub trainee: i64,
}

/// The columns [`read_reports`] reads, in order: the key the report was asked for by, the
/// report without `archived_at` (only reports that are not archived are read), its trainee total.
type ReportRow = (
    Uuid,
    Uuid,
    Uuid,
    chrono::NaiveDate,
    i64,
    chrono::DateTime<chrono::Utc>,
    chrono::DateTime<chrono::Utc>,
    chrono::DateTime<chrono::Utc>,
    entity::enums::HoursStatus,
    i32,
    bool,
    i64,
);

/// Reports (not archived, within `scope`) with their trainee totals, by contract or by grant
/// (`by_grant`), each contract's oldest first.
///
/// A page of 100 grants reads 14,400 reports here, so the rows are lean: the database adds the
/// rollup's three trainee columns into one, and the columns are read by position, not by name.
/// Reading them as models cost a third of the request (each nullable column that was null, such
/// as `archived_at` on every row here, formatted its column's name into an error on the way).
/// The rows are put in order here, per contract, rather than sorted whole by the database.
async fn read_reports(
    db: &DatabaseConnection,
    scope: &Scope,
    keys: &[Uuid],
    by_grant: bool,
) -> Result<HashMap<Uuid, Vec<ReportWithTotal>>, sea_orm::DbErr> {
    use entity::{contract, hours_month, hours_report};
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    use sea_orm::{EntityTrait, JoinType};
    let col = |c| Expr::col((hours_month::Entity, c));
    let trainee = Func::coalesce([
        col(hours_month::Column::ApprenticeCentihours)
            .add(col(hours_month::Column::OtherTrainingCentihours))
            .add(col(hours_month::Column::NotCountedCentihours)),
        Expr::val(0i64),
    ]);
    let mut map: HashMap<Uuid, Vec<ReportWithTotal>> = HashMap::new();
    for chunk in keys.chunks(KEYS_PER_STATEMENT) {
        let rollup: sea_orm::RelationDef = hours_report::Entity::belongs_to(hours_month::Entity)
            .from(hours_report::Column::Id)
            .to(hours_month::Column::ReportId)
            .into();
        let select = record::select::<hours_report::Entity>(scope).select_only();
        let (select, rollup) = if by_grant {
            let grants = chunk.to_vec();
            let select = select
                .column(contract::Column::GrantId)
                .join(
                    JoinType::InnerJoin,
                    hours_report::Entity::belongs_to(contract::Entity)
                        .from(hours_report::Column::ContractId)
                        .to(contract::Column::Id)
                        .into(),
                )
                .filter(contract::Column::GrantId.is_in(chunk.iter().copied()))
                // The same condition again, as the reports' own column: PostgreSQL then reads
                // these contracts' reports through their index. Without it, at 5,000 grants it
                // scanned all 720,000 reports for the page's 14,400 (82-124 ms against 34 ms).
                .filter(
                    hours_report::Column::ContractId.in_subquery(
                        sea_orm::sea_query::Query::select()
                            .column(contract::Column::Id)
                            .from(contract::Entity)
                            .and_where(contract::Column::GrantId.is_in(chunk.iter().copied()))
                            .to_owned(),
                    ),
                );
            // The rollup rows of these grants only (its grant index), rather than all of them
            // hashed; a report's rollup row carries its contract's grant, checked with the sums.
            let rollup = rollup.on_condition(move |_, month| {
                Expr::col((month, hours_month::Column::GrantId))
                    .is_in(grants.iter().copied())
                    .into()
            });
            (select, rollup)
        } else {
            let select = select
                .column(hours_report::Column::ContractId)
                .filter(hours_report::Column::ContractId.is_in(chunk.iter().copied()));
            (select, rollup)
        };
        let rows: Vec<ReportRow> = select
            .columns([
                hours_report::Column::Id,
                hours_report::Column::ContractId,
                hours_report::Column::Month,
                hours_report::Column::TotalCentihours,
                hours_report::Column::ReportedAt,
                hours_report::Column::CreatedAt,
                hours_report::Column::UpdatedAt,
                hours_report::Column::Status,
                hours_report::Column::Version,
                hours_report::Column::NoActivity,
            ])
            .expr(trainee.clone())
            .filter(hours_report::Column::ArchivedAt.is_null())
            .join(JoinType::LeftJoin, rollup)
            .into_tuple()
            .all(db)
            .await?;
        for (
            key,
            id,
            contract_id,
            month,
            total,
            reported_at,
            created_at,
            updated_at,
            status,
            version,
            no_activity,
            trainee,
        ) in rows
        {
            let report = hours_report::Model {
                id,
                contract_id,
                month,
                total_centihours: total,
                reported_at,
                status,
                version,
                no_activity,
                created_at,
                updated_at,
                archived_at: None,
            };
            map.entry(key)
                .or_default()
                .push(ReportWithTotal { report, trainee });
        }
    }
    for reports in map.values_mut() {
        reports.sort_unstable_by_key(|r| (r.report.contract_id, r.report.month, r.report.id));
    }
    Ok(map)
}

impl Loader<Uuid> for ReportsWithTotals {
    type Value = Vec<ReportWithTotal>;
    type Error = Arc<sea_orm::DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(read_reports(&self.db, &self.scope, keys, false).await?)
    }
}

impl Loader<Uuid> for ReportsOfGrants {
    type Value = Vec<ReportWithTotal>;
    type Error = Arc<sea_orm::DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(read_reports(&self.db, &self.scope, keys, true).await?)
    }
}

/// A loader with a cache for the request, which values read elsewhere are fed into.
fn fed<L: Loader<Uuid>>(
    cell: &std::sync::OnceLock<Arc<DataLoader<L, HashMapCache>>>,
    make: impl FnOnce() -> L,
) -> &DataLoader<L, HashMapCache> {
    cell.get_or_init(|| {
        Arc::new(
            DataLoader::with_cache(make(), tokio::spawn, HashMapCache::default())
                .max_batch_size(MAX_BATCH),
        )
    })
}

/// Per-request set of loaders, created lazily per type.
pub struct Loaders {
    db: DatabaseConnection,
    scope: Scope,
    /// Trainee totals per report, cached for the request: fed by [`Loaders::know_trainee_totals`]
    /// so reports read with their totals answer `traineeHours` without a query.
    trainee: std::sync::OnceLock<Arc<DataLoader<TraineeTotals, HashMapCache>>>,
    /// Reports per contract, cached for the request: fed by [`Loaders::know_reports`].
    reports: std::sync::OnceLock<Arc<DataLoader<ReportsWithTotals, HashMapCache>>>,
    cache: std::sync::Mutex<HashMap<std::any::TypeId, Arc<dyn std::any::Any + Send + Sync>>>,
}

impl Loaders {
    pub fn new(db: DatabaseConnection, scope: Scope) -> Self {
        Self {
            db,
            scope,
            trainee: Default::default(),
            reports: Default::default(),
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
    ) -> async_graphql::Result<Option<Arc<engine::compliance::Report>>> {
        let l = self.get_or_create(|db, scope| ComplianceLoader { db, scope });
        l.load_one((grant, as_of, known_at)).await.map_err(internal)
    }

    /// Trainee hours of an hours report, in centihours.
    fn trainee_loader(&self) -> &DataLoader<TraineeTotals, HashMapCache> {
        fed(&self.trainee, || TraineeTotals {
            db: self.db.clone(),
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

    fn reports_loader(&self) -> &DataLoader<ReportsWithTotals, HashMapCache> {
        fed(&self.reports, || ReportsWithTotals {
            db: self.db.clone(),
            scope: self.scope.clone(),
        })
    }

    /// A contract's monthly reports (not archived), oldest first, each with its trainee hours
    /// (see [`ReportsWithTotals`]).
    pub async fn reports_of_contract(
        &self,
        contract: Uuid,
    ) -> async_graphql::Result<Vec<ReportWithTotal>> {
        Ok(self
            .reports_loader()
            .load_one(contract)
            .await
            .map_err(internal)?
            .unwrap_or_default())
    }

    /// The reports of all of `grant`'s contracts, read in one batch with the other grants asked
    /// for at the same time (see [`ReportsOfGrants`]); hand them to [`Loaders::know_reports`].
    pub async fn reports_of_grant(
        &self,
        grant: Uuid,
    ) -> async_graphql::Result<Vec<ReportWithTotal>> {
        let loader = self.get_or_create(|db, scope| ReportsOfGrants { db, scope });
        Ok(loader
            .load_one(grant)
            .await
            .map_err(internal)?
            .unwrap_or_default())
    }

    /// Keeps a grant's reports (from [`Loaders::reports_of_grant`]) for
    /// [`Loaders::reports_of_contract`] of each of `contracts`, the grant's contracts, so those
    /// cost no statement.
    pub async fn know_reports(
        &self,
        contracts: impl Iterator<Item = Uuid>,
        grant_reports: Vec<ReportWithTotal>,
    ) {
        let mut by_contract: HashMap<Uuid, Vec<ReportWithTotal>> = HashMap::new();
        for r in grant_reports {
            by_contract.entry(r.report.contract_id).or_default().push(r);
        }
        let known: Vec<(Uuid, Vec<ReportWithTotal>)> = contracts
            .map(|c| (c, by_contract.remove(&c).unwrap_or_default()))
            .collect();
        self.reports_loader().feed_many(known).await;
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
    type Value = Arc<engine::compliance::Report>;
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
                tracker_core::service::compliance::evaluations(&self.db, &grants, as_of, known_at)
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
