//! The GraphQL schema: one Query and one Mutation object per domain area, merged; thin view types
//! over the entities; request-scoped DataLoaders ([`loaders`]) and scope injected by
//! [`RequestScope`]; cursor pages ([`pagination`]); the request guard ([`guard`]) and its
//! [`limits`]. Everything it does is a call into the service (`tracker-core`); this crate only
//! turns GraphQL values into the service's inputs and its answers into GraphQL types.

pub mod answers;
mod audit;
pub mod audited;
mod compliance;
mod contracts;
mod followup;
mod grants;
pub mod guard;
mod hours;
pub mod limits;
mod live;
pub mod loaders;
mod organisations;
pub mod pagination;
mod payroll;
mod people;
mod reminders;
mod tokens;
mod trials;
mod users;

use std::sync::Arc;

use async_graphql::extensions::apollo_persisted_queries::{
    ApolloPersistedQueries, LruCacheStorage,
};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::{
    Context, MergedObject, OutputType, Request, Result, SDLExportOptions, Schema, ServerResult,
};
use sea_orm::{DatabaseConnection, DatabaseTransaction, EntityTrait, Select};
use uuid::Uuid;

use crate::limits::{PageLimits, QueryLimits};
use crate::loaders::{HasMany, Loaders};
use crate::pagination::{Page, PageArgs, paginate};
use tracker_core::auth::Principal;
use tracker_core::db::WriteGate;
use tracker_core::error::AppError;
use tracker_core::record::{self, Record};
use tracker_core::scope::Scope;

pub use answers::Splices;
pub use compliance::GrantCompliance;
pub use contracts::{Contract, Contractor};
pub use followup::{ActionItem, FollowUpGroup, GroupMember, Meeting};
pub use grants::Grant;
pub use hours::{HoursLine, HoursReport, Reports};
pub use organisations::{Estate, HousingOrganisation};
pub use people::{Person, Placement};
pub use trials::TrialPlacement;

#[derive(MergedObject, Default)]
pub struct Query(
    Reads,
    ReadsFollowUp,
    compliance::ComplianceQuery,
    tokens::TokenQuery,
    users::UserQuery,
    people::PersonalDataQuery,
    audit::AuditQuery,
    reminders::ReminderQuery,
    hours::HoursQuery,
);

/// By-id and list queries of every entity.
#[derive(MergedObject, Default)]
pub struct Reads(
    organisations::HousingOrganisationReads,
    organisations::EstateReads,
    grants::GrantReads,
    contracts::ContractorReads,
    contracts::ContractReads,
    people::PersonReads,
    people::PlacementReads,
    hours::HoursReportReads,
    trials::TrialPlacementReads,
);

#[derive(MergedObject, Default)]
pub struct ReadsFollowUp(
    followup::FollowUpQuery,
    followup::FollowUpGroupReads,
    followup::MeetingReads,
    followup::ActionItemReads,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    organisations::OrganisationMutation,
    grants::GrantMutation,
    contracts::ContractMutation,
    contracts::CompanyDocumentationMutation,
    people::PeopleMutation,
    hours::HoursMutation,
    payroll::PayrollMutation,
    trials::TrialMutation,
    followup::FollowUpMutation,
    compliance::ComplianceMutation,
    tokens::TokenMutation,
    users::UserMutation,
    people::PersonalDataMutation,
    reminders::ReminderMutation,
    Lifecycle,
);

/// Archive and delete of every entity, split off so the area objects stay small.
#[derive(MergedObject, Default)]
pub struct Lifecycle(
    organisations::OrganisationLifecycle,
    organisations::EstateLifecycle,
    grants::GrantLifecycle,
    contracts::ContractorLifecycle,
    contracts::ContractLifecycle,
    contracts::CompanyDocumentationLifecycle,
    people::PersonLifecycle,
    people::PlacementLifecycle,
    hours::HoursReportLifecycle,
    trials::TrialPlacementLifecycle,
    LifecycleFollowUp,
);

#[derive(MergedObject, Default)]
pub struct LifecycleFollowUp(
    followup::FollowUpGroupLifecycle,
    followup::GroupMemberLifecycle,
    followup::MeetingLifecycle,
    followup::ActionItemLifecycle,
);

pub type AppSchema = Schema<Query, Mutation, live::LiveSubscription>;

// Static costs of the expensive fields in the complexity count (GRAPHQL_MAX_COMPLEXITY, default
// 5000; a plain field costs 1): an evaluation reads and evaluates a grant, a time series a grant's
// months, a national overview every grant. So a query may ask for a dashboard, or a handful of
// evaluations, but not for hundreds of aliases of them. List fields cost their page size times
// what each row selects.
pub(crate) const COST_EVALUATION: usize = 250;
/// A grant's evaluation within a list of grants: the request's grants are loaded and evaluated
/// together, so each adds a share of one bulk evaluation (500 of them cost a dashboard's worth
/// and more, which is what `complianceDashboard` is for).
pub(crate) const COST_BATCHED_EVALUATION: usize = 10;
pub(crate) const COST_TIME_SERIES: usize = 500;
pub(crate) const COST_ORGANISATION: usize = 1000;
pub(crate) const COST_NATIONAL: usize = 2000;

/// The cost of a connection: its page size (`first` or `last`, else the default) times what each
/// row selects.
pub(crate) fn page_cost(first: Option<i32>, last: Option<i32>, per_row: usize) -> usize {
    let rows = first
        .or(last)
        .map_or(PageLimits::default().default, |n| n.max(1) as usize);
    rows.saturating_mul(per_row.max(1))
}

pub fn build_schema(db: DatabaseConnection, limits: PageLimits) -> AppSchema {
    build_schema_with(db, limits, QueryLimits::default())
}

/// Persisted queries kept per instance (each at most [`guard::MAX_PERSISTED_QUERY_BYTES`]).
const PERSISTED_QUERIES: usize = 512;

/// The schema with explicit query depth and complexity limits.
pub fn build_schema_with(
    db: DatabaseConnection,
    limits: PageLimits,
    query: QueryLimits,
) -> AppSchema {
    let gate = WriteGate::for_connection(&db);
    build_schema_full(db, limits, query, gate, Default::default())
}

/// The schema sharing a write gate with other writers of the process (the reminder scheduler),
/// and with the server's webhook policy.
pub fn build_schema_full(
    db: DatabaseConnection,
    limits: PageLimits,
    query: QueryLimits,
    gate: WriteGate,
    webhooks: tracker_core::reminders::WebhookPolicy,
) -> AppSchema {
    // Input decimals parse strictly (scalars::DecimalInput); output is rust_decimal's own, under
    // the same GraphQL name.
    Schema::build_with_ignore_name_conflicts(
        Query::default(),
        Mutation::default(),
        live::LiveSubscription,
        ["Decimal"],
    )
    .data(tracker_core::live::Changes::new(db.clone(), gate.commits()))
    .data(db)
    .data(gate)
    .data(limits)
    .data(webhooks)
    .limit_depth(query.max_depth)
    .limit_complexity(query.max_complexity)
    // Authentication first: nothing of an unauthenticated request is parsed.
    .extension(RequestScope)
    .extension(guard::Nesting)
    // Automatic persisted queries: a client may send a query's SHA-256 instead of its text once
    // registered. Per instance (a miss only makes the client resend the text).
    .extension(ApolloPersistedQueries::new(LruCacheStorage::new(
        PERSISTED_QUERIES,
    )))
    .extension(guard::Guard(query))
    .finish()
}

/// The SDL with sorted fields, arguments and enum values, so `schema.graphql` diffs stay stable.
pub fn sdl(schema: &AppSchema) -> String {
    schema.sdl_with_options(
        SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    )
}

/// Gives every request its own DataLoaders (bound to the request's scope), whichever way the
/// request arrives (HTTP or `schema.execute` in tests).
struct RequestScope;

impl ExtensionFactory for RequestScope {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestScope)
    }
}

#[async_trait::async_trait]
impl Extension for RequestScope {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // Every operation, introspection included, needs an authenticated caller.
        // A request's own, or a WebSocket connection's (its subscriptions' requests carry none).
        let principal = request
            .data
            .get(&std::any::TypeId::of::<Principal>())
            .and_then(|d| d.downcast_ref::<Principal>())
            .or_else(|| ctx.data_opt::<Principal>())
            .cloned();
        let Some(principal) = principal else {
            let err: async_graphql::Error = AppError::Unauthenticated.into();
            return Err(err.into_server_error(async_graphql::Pos::default()));
        };
        let scope = principal.scope();
        request = request.data(scope.clone());
        let db = ctx.data_unchecked::<DatabaseConnection>().clone();
        next.run(ctx, request.data(Loaders::new(db, scope))).await
    }
}

pub(crate) fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

/// The request's scope; a request without one (never built by [`RequestScope`]) sees nothing.
pub(crate) fn scope(ctx: &Context<'_>) -> Scope {
    ctx.data_opt::<Scope>().cloned().unwrap_or(Scope::Nothing)
}

/// Puts each error's message in `lang`. Errors of ours carry their Danish text in a private
/// extension ([`tracker_core::error::DANISH_MESSAGE`]), which is removed whatever the language; errors
/// of the GraphQL layer itself (a query that does not parse or validate, which only a developer
/// sees) get a Danish lead before their English detail.
pub fn localize(errors: &mut [async_graphql::ServerError], lang: engine::i18n::Lang) {
    use tracker_core::error::DANISH_MESSAGE;
    for e in errors {
        let ext = e.extensions.get_or_insert_with(Default::default);
        let danish = match ext.get(DANISH_MESSAGE) {
            Some(async_graphql::Value::String(da)) => Some(da.clone()),
            _ => None,
        };
        let code = match ext.get("code") {
            Some(async_graphql::Value::String(c)) => c.clone(),
            _ => String::new(),
        };
        ext.unset(DANISH_MESSAGE);
        if lang != engine::i18n::Lang::Da {
            continue;
        }
        e.message = match danish {
            Some(da) => da,
            None => {
                let lead = match code.as_str() {
                    "GRAPHQL_PARSE_FAILED" => "Forespørgslen kan ikke læses",
                    "GRAPHQL_VALIDATION_FAILED" => "Forespørgslen er ugyldig",
                    "BAD_USER_INPUT" => "Ugyldig værdi",
                    "PAYLOAD_TOO_LARGE" | "RESPONSE_TOO_LARGE" => "For stor",
                    "BAD_REQUEST" => "Forespørgslen kan ikke modtages",
                    _ => "Fejl",
                };
                format!("{lead}: {}", e.message)
            }
        };
    }
}

/// The language of the request's answer (`Accept-Language`; English without one).
pub(crate) fn lang(ctx: &Context<'_>) -> engine::i18n::Lang {
    ctx.data_opt::<engine::i18n::Lang>()
        .copied()
        .unwrap_or_default()
}

pub(crate) fn principal<'a>(ctx: &Context<'a>) -> &'a Principal {
    ctx.data_unchecked::<Principal>()
}

pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> &'a Loaders {
    ctx.data_unchecked::<Loaders>()
}

pub(crate) use tracker_core::db::TxnFuture;

/// Runs one mutation's work in a transaction: committed only if all of it succeeds, so a refused
/// mutation writes nothing. `work` may run more than once: a transaction the database aborted
/// for concurrency is retried from the start (see [`tracker_core::db::write_txn`]).
pub(crate) async fn in_txn<T, F>(ctx: &Context<'_>, work: F) -> Result<T>
where
    T: Send + 'static,
    F: for<'t> Fn(&'t DatabaseTransaction, Scope) -> TxnFuture<'t, T>,
{
    let scope = scope(ctx);
    let gate = ctx.data_unchecked::<WriteGate>();
    Ok(tracker_core::db::write_txn(db(ctx), gate, |t| work(t, scope.clone())).await?)
}

/// One row by id within the caller's scope, or NOT_FOUND.
pub(crate) async fn by_id<E: Record, V>(
    ctx: &Context<'_>,
    id: Uuid,
    view: fn(E::Model) -> V,
) -> Result<V> {
    Ok(view(record::get::<E, _>(db(ctx), &scope(ctx), id).await?))
}

/// A page of a filtered, scoped select.
pub(crate) async fn list<E: Record, V: OutputType>(
    ctx: &Context<'_>,
    select: Select<E>,
    page: PageArgs,
    view: fn(E::Model) -> V,
) -> Result<Page<V>> {
    let limits = *ctx.data_unchecked::<PageLimits>();
    let count = ctx.look_ahead().field("totalCount").exists();
    Ok(paginate(db(ctx), select, page, limits, count, view).await?)
}

/// A belongs-to relation through the request's DataLoader. Foreign keys guarantee the parent
/// exists, so a miss means it lies outside the caller's scope: FORBIDDEN on this field only.
pub(crate) async fn parent<E: Record, V>(
    ctx: &Context<'_>,
    id: Uuid,
    view: fn(E::Model) -> V,
) -> Result<V> {
    let model = loaders(ctx)
        .one::<E>(id)
        .await?
        .ok_or_else(|| AppError::forbidden_row(E::LABEL, id))?;
    Ok(view(model))
}

/// An optional belongs-to relation.
pub(crate) async fn maybe_parent<E: Record, V>(
    ctx: &Context<'_>,
    id: Option<Uuid>,
    view: fn(E::Model) -> V,
) -> Result<Option<V>> {
    match id {
        Some(id) => Ok(loaders(ctx).one::<E>(id).await?.map(view)),
        None => Ok(None),
    }
}

/// A has-many relation through the request's DataLoader (archived children left out).
pub(crate) async fn children<R: HasMany, V>(
    ctx: &Context<'_>,
    parent: Uuid,
    view: fn(<R::Child as EntityTrait>::Model) -> V,
) -> Result<Vec<V>> {
    Ok(loaders(ctx)
        .many::<R>(parent)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// `x(id)` and `xs(filter, first, after, last, before)` for one entity, as an object of its own to
/// merge into Query.
macro_rules! reads {
    ($object:ident, $entity:ty, $view:ident, $one:ident, $many:ident, $filter:ty, $select:path, $one_doc:literal, $many_doc:literal) => {
        #[derive(Default)]
        pub struct $object;

        #[async_graphql::Object]
        impl $object {
            #[doc = $one_doc]
            async fn $one(
                &self,
                ctx: &async_graphql::Context<'_>,
                id: uuid::Uuid,
            ) -> async_graphql::Result<$view> {
                $crate::by_id::<$entity, _>(ctx, id, $view).await
            }

            #[doc = $many_doc]
            #[graphql(complexity = "crate::page_cost(first, last, child_complexity)")]
            async fn $many(
                &self,
                ctx: &async_graphql::Context<'_>,
                filter: Option<$filter>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> async_graphql::Result<$crate::pagination::Page<$view>> {
                let select = $select(&$crate::scope(ctx), filter.unwrap_or_default());
                let page = $crate::pagination::PageArgs {
                    first,
                    after,
                    last,
                    before,
                };
                $crate::list(ctx, select, page, $view).await
            }
        }
    };
}
pub(crate) use reads;

/// Archive and delete mutations for one entity, as an object of its own to merge into Mutation.
macro_rules! lifecycle {
    ($object:ident, $entity:ty, $view:ident, $archive:ident, $delete:ident) => {
        #[derive(Default)]
        pub struct $object;

        #[async_graphql::Object]
        impl $object {
            /// Archive (soft delete): the record stays in history and in all totals, but can no
            /// longer be changed. CONFLICT if it is archived already.
            async fn $archive(
                &self,
                ctx: &async_graphql::Context<'_>,
                id: uuid::Uuid,
            ) -> async_graphql::Result<$view> {
                $crate::audited::audited::<$entity, _>(ctx, "archive", Some(id), move |t, s| {
                    Box::pin(async move {
                        ::tracker_core::record::archive::<$entity, _>(t, &s, id).await
                    })
                })
                .await
                .map($view)
            }

            /// Delete for good; only allowed while no other record refers to it (CONFLICT
            /// otherwise: archive it instead). Returns the id of the deleted record.
            async fn $delete(
                &self,
                ctx: &async_graphql::Context<'_>,
                id: uuid::Uuid,
            ) -> async_graphql::Result<uuid::Uuid> {
                $crate::audited::audited_delete::<$entity>(ctx, id).await
            }
        }
    };
}
pub(crate) use lifecycle;
