//! Request-scoped DataLoaders: every relation is resolved with one `IN (...)` query per relation
//! and request, however many parent rows the request returns. Loaders are built per request (see
//! `graphql::RequestScope`) so they cache nothing across callers and apply the caller's scope.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::record::{self, Record};
use crate::scope::Scope;

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
        let rows = record::select::<E>(&self.scope)
            .filter(E::id_col().is_in(keys.iter().copied()))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| (E::id_of(&m), m)).collect())
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
        let rows = record::select::<R::Child>(&self.scope)
            .filter(R::parent_col().is_in(keys.iter().copied()))
            .filter(R::Child::archived_col().is_null())
            .order_by_asc(R::Child::id_col())
            .all(&self.db)
            .await?;
        let mut map: HashMap<Uuid, Self::Value> = HashMap::new();
        for row in rows {
            if let Some(parent) = R::parent_of(&row) {
                map.entry(parent).or_default().push(row);
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
    HoursReportsOfContract: hours_report.contract_id / ContractId;
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
        use entity::hours_line::{Column, Entity};
        let rows = <Entity as sea_orm::EntityTrait>::find()
            .filter(Column::ReportId.is_in(keys.iter().copied()))
            .filter(Column::ArchivedAt.is_null())
            .all(&self.db)
            .await?;
        let mut map: HashMap<Uuid, i64> = HashMap::new();
        for row in rows {
            *map.entry(row.report_id).or_default() += row.centihours;
        }
        Ok(map)
    }
}

/// Per-request set of loaders, created lazily per type.
pub struct Loaders {
    db: DatabaseConnection,
    scope: Scope,
    cache: std::sync::Mutex<HashMap<std::any::TypeId, Arc<dyn std::any::Any + Send + Sync>>>,
}

impl Loaders {
    pub fn new(db: DatabaseConnection, scope: Scope) -> Self {
        Self {
            db,
            scope,
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
                Arc::new(DataLoader::new(
                    make(self.db.clone(), self.scope.clone()),
                    tokio::spawn,
                )) as Arc<dyn std::any::Any + Send + Sync>
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
    pub async fn trainee_total(&self, report: Uuid) -> async_graphql::Result<i64> {
        let l = self.get_or_create(|db, _| TraineeTotals { db });
        Ok(l.load_one(report)
            .await
            .map_err(internal)?
            .unwrap_or_default())
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
