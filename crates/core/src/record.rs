//! What every stored entity has in common (id, archived_at, a human label), so reads, archive,
//! delete, pagination and DataLoaders are written once, generically.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::scope::{Scope, Scoped};

/// The parts of the data write permissions are granted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Organisation,
    Estate,
    Grant,
    Contractor,
    /// Contracts and their training clauses or exemptions.
    Contract,
    Person,
    Placement,
    /// Monthly hours reports and their trainee lines.
    Hours,
    /// Snusepraktik.
    Trial,
    /// Følgegruppe, members, meetings, action items.
    FollowUp,
    LbfReport,
    Token,
}

/// The kind of row a write changed: the audit trail's `entity` column, and what decides which
/// grants' revisions and which hours rollups the write refreshes. Those decisions match on it
/// exhaustively, so a new kind of row must say what it touches; `Kind::iter()` lists them all
/// (derived, so no list is kept by hand).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, sea_orm::EnumIter)]
pub enum Kind {
    HousingOrganisation,
    Estate,
    Grant,
    Contractor,
    Contract,
    Person,
    Placement,
    HoursReport,
    HoursLine,
    HoursVersion,
    LbfReport,
    ApiToken,
    TrialPlacement,
    FollowUpGroup,
    GroupMember,
    Meeting,
    ActionItem,
    Webhook,
    ReminderPreference,
    PayrollImport,
    User,
    CompanyDocumentation,
}

impl Kind {
    /// The English name: in messages ("Grant 0190... was not found") and in the audit trail,
    /// whose stored rows name their kind this way (so these names never change).
    pub const fn label(self) -> &'static str {
        match self {
            Self::HousingOrganisation => "Housing organisation",
            Self::Estate => "Estate",
            Self::Grant => "Grant",
            Self::Contractor => "Contractor",
            Self::Contract => "Contract",
            Self::Person => "Person",
            Self::Placement => "Placement",
            Self::HoursReport => "Hours report",
            Self::HoursLine => "Hours line",
            Self::HoursVersion => "Hours report version",
            Self::LbfReport => "LBF report",
            Self::ApiToken => "API token",
            Self::TrialPlacement => "Trial placement",
            Self::FollowUpGroup => "Follow-up group",
            Self::GroupMember => "Group member",
            Self::Meeting => "Meeting",
            Self::ActionItem => "Action item",
            Self::Webhook => "Webhook",
            Self::ReminderPreference => "Reminder preference",
            Self::PayrollImport => "Payroll import",
            Self::User => "User",
            Self::CompanyDocumentation => "Company documentation",
        }
    }

    /// The kind an audit row names, if any.
    pub fn from_label(label: &str) -> Option<Kind> {
        use sea_orm::Iterable;
        Self::iter().find(|k| k.label() == label)
    }
}

pub trait Record: Scoped + EntityTrait<Model: Clone + Send + Sync> {
    /// The kind of row, as the audit trail names it.
    const KIND: Kind;
    /// English name used in messages ("Grant 0190... was not found").
    const LABEL: &'static str = Self::KIND.label();
    /// The part of the data this entity belongs to, for role write permissions.
    const AREA: Area;
    fn id_col() -> Self::Column;
    fn archived_col() -> Self::Column;
    fn updated_col() -> Self::Column;
    fn id_of(model: &Self::Model) -> Uuid;
    fn archived(model: &Self::Model) -> bool;
    /// When the row was first and last written (recording time, for "as known at").
    fn created_of(model: &Self::Model) -> DateTime<Utc>;
    fn updated_of(model: &Self::Model) -> DateTime<Utc>;
}

macro_rules! record {
    ($module:ident, $kind:ident, $area:ident) => {
        impl Record for entity::$module::Entity {
            const KIND: Kind = Kind::$kind;
            const AREA: Area = Area::$area;
            fn id_col() -> Self::Column {
                entity::$module::Column::Id
            }
            fn archived_col() -> Self::Column {
                entity::$module::Column::ArchivedAt
            }
            fn updated_col() -> Self::Column {
                entity::$module::Column::UpdatedAt
            }
            fn id_of(model: &Self::Model) -> Uuid {
                model.id
            }
            fn archived(model: &Self::Model) -> bool {
                model.archived_at.is_some()
            }
            fn created_of(model: &Self::Model) -> DateTime<Utc> {
                model.created_at
            }
            fn updated_of(model: &Self::Model) -> DateTime<Utc> {
                model.updated_at
            }
        }
    };
}

record!(housing_organisation, HousingOrganisation, Organisation);
record!(estate, Estate, Estate);
record!(grant, Grant, Grant);
record!(contractor, Contractor, Contractor);
record!(contract, Contract, Contract);
record!(person, Person, Person);
record!(placement, Placement, Placement);
record!(hours_report, HoursReport, Hours);
record!(hours_line, HoursLine, Hours);
record!(lbf_report, LbfReport, LbfReport);
record!(api_token, ApiToken, Token);
record!(trial_placement, TrialPlacement, Trial);
record!(follow_up_group, FollowUpGroup, FollowUp);
record!(group_member, GroupMember, FollowUp);
record!(meeting, Meeting, FollowUp);
record!(action_item, ActionItem, FollowUp);
record!(company_documentation, CompanyDocumentation, Contract);

/// `E::find()` narrowed to the caller's scope: the start of every read.
pub fn select<E: Record>(scope: &Scope) -> Select<E> {
    scope.restrict(E::find())
}

/// One row by id within scope: NOT_FOUND when there is no such row, FORBIDDEN when it exists
/// outside the caller's scope (a refusal the caller can act on: ask for another token).
pub async fn get<E: Record, C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
) -> AppResult<E::Model> {
    if let Some(found) = select::<E>(scope)
        .filter(E::id_col().eq(id))
        .one(db)
        .await?
    {
        return Ok(found);
    }
    // Only a miss costs the second query; ids are random UUIDs, so this reveals no more than
    // the id the caller already holds.
    let exists = *scope != Scope::All
        && E::find()
            .filter(E::id_col().eq(id))
            .one(db)
            .await?
            .is_some();
    Err(if exists {
        AppError::forbidden_row(E::LABEL, id)
    } else {
        AppError::NotFound {
            entity: E::LABEL,
            id,
        }
    })
}

/// One row by id that may still be changed: archived rows answer CONFLICT.
pub async fn get_active<E: Record, C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
) -> AppResult<E::Model> {
    let model = get::<E, C>(db, scope, id).await?;
    if E::archived(&model) {
        return Err(AppError::conflict(
            format!("{} {id} is archived and can no longer be changed", E::LABEL),
            format!(
                "{} {id} er arkiveret og kan ikke længere ændres",
                crate::error::label_da(E::LABEL)
            ),
        ));
    }
    Ok(model)
}

/// Like [`get_active`], for a row named by a field of the input: absence is bad input on that
/// field rather than NOT_FOUND of the mutation's own subject.
pub async fn referenced<E: Record, C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    field: &str,
    id: Uuid,
) -> AppResult<E::Model> {
    match get_active::<E, C>(db, scope, id).await {
        Err(AppError::NotFound { .. }) => Err(AppError::bad_input(
            field,
            format!("{field}: {} {id} does not exist", E::LABEL),
            format!(
                "{field}: {} {id} findes ikke",
                crate::error::label_da(E::LABEL)
            ),
        )),
        other => other,
    }
}

/// Refuses a direct change (archive, delete) of a month the bygherre accepted: it is locked, and
/// a change is a new version, submitted with a reason.
async fn check_unlocked<C: ConnectionTrait>(db: &C, kind: Kind, id: Uuid) -> AppResult<()> {
    if kind != Kind::HoursReport {
        return Ok(());
    }
    let Some(r) = entity::hours_report::Entity::find_by_id(id).one(db).await? else {
        return Ok(());
    };
    if r.status == entity::enums::HoursStatus::Accepted {
        return Err(AppError::conflict(
            format!(
                "the report for {} is accepted by the bygherre and locked; submit a new version with a reason instead",
                r.month.format("%Y-%m")
            ),
            format!(
                "indberetningen for {} er accepteret af bygherren og låst; indsend i stedet en ny version med en begrundelse",
                crate::i18n::da_month(r.month)
            ),
        ));
    }
    Ok(())
}

/// Soft delete: sets archived_at. Archiving twice is refused so a client notices a stale view.
pub async fn archive<E: Record, C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
) -> AppResult<E::Model> {
    get_active::<E, C>(db, scope, id).await?;
    check_unlocked(db, E::KIND, id).await?;
    let now = crate::clock::now();
    E::update_many()
        .col_expr(E::archived_col(), Expr::value(now))
        .col_expr(E::updated_col(), Expr::value(now))
        .filter(E::id_col().eq(id))
        .exec(db)
        .await?;
    get::<E, C>(db, scope, id).await
}

/// Hard delete, allowed only when nothing refers to the row: the database's RESTRICT foreign keys
/// decide, and a refusal comes back as CONFLICT.
pub async fn delete<E: Record, C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
) -> AppResult<Uuid> {
    get::<E, C>(db, scope, id).await?;
    check_unlocked(db, E::KIND, id).await?;
    E::delete_many()
        .filter(E::id_col().eq(id))
        .exec(db)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::conflict(
                format!(
                    "{} {id} is still referenced by other records; archive it instead",
                    E::LABEL
                ),
                format!(
                    "{} {id} bruges stadig af andre poster; arkivér den i stedet",
                    crate::error::label_da(E::LABEL)
                ),
            ),
            other => other,
        })?;
    Ok(id)
}

#[cfg(test)]
mod kind_tests {
    use super::Kind;
    use sea_orm::Iterable;
    use std::collections::HashSet;

    /// The audit trail stores these names; each reads back as its kind and no two are the same.
    #[test]
    fn every_kind_reads_back_from_its_stored_name() {
        let names: HashSet<&str> = Kind::iter().map(|k| k.label()).collect();
        assert_eq!(names.len(), 22);
        for k in Kind::iter() {
            assert_eq!(Kind::from_label(k.label()), Some(k));
        }
        assert_eq!(Kind::HoursReport.label(), "Hours report");
        assert_eq!(Kind::from_label("hours report"), None);
    }
}
