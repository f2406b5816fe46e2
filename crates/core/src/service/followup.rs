//! Følgegrupper around a grant's site: members, meetings with minutes, attendance and decisions,
//! and action items.

use crate::patch::Patch;
use chrono::NaiveDate;
use entity::enums::MemberRole;
use entity::{
    action_item, follow_up_group as group, grant, group_member as member, meeting, meeting_attendee,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select, Set,
};
use uuid::Uuid;

use super::{new_id, now, patch};
use crate::error::{AppError, AppResult};
use crate::record::{self, get_active, referenced};
use crate::scope::Scope;
use crate::validate;

/// "About every second month" (Byg til Vækst); R7's default interval.
pub const DEFAULT_CADENCE_DAYS: i32 = 61;

#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct CreateFollowUpGroupInput {
    /// One følgegruppe per grant.
    pub grant_id: Uuid,
    pub name: String,
    /// Intended days between meetings (default 61).
    pub cadence_days: Option<i32>,
}

#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct UpdateFollowUpGroupInput {
    pub name: Option<String>,
    pub cadence_days: Option<i32>,
}

#[derive(Clone, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct FollowUpGroupFilter {
    pub grant_id: Option<Uuid>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub include_archived: bool,
}

pub async fn create_group<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    input: CreateFollowUpGroupInput,
) -> AppResult<group::Model> {
    referenced::<grant::Entity, _>(db, scope, "grantId", input.grant_id).await?;
    let existing = group::Entity::find()
        .filter(group::Column::GrantId.eq(input.grant_id))
        .one(db)
        .await?;
    if let Some(g) = existing {
        return Err(AppError::conflict(
            format!(
                "grant {} already has a følgegruppe ({})",
                input.grant_id, g.id
            ),
            format!(
                "LBF-tilsagn {} har allerede en følgegruppe ({})",
                input.grant_id, g.id
            ),
        ));
    }
    let t = now();
    Ok(group::ActiveModel {
        id: Set(new_id()),
        grant_id: Set(input.grant_id),
        name: Set(validate::text("name", &input.name, 200)?),
        cadence_days: Set(validate::in_range(
            "cadenceDays",
            input.cadence_days.unwrap_or(DEFAULT_CADENCE_DAYS),
            1,
            366,
        )?),
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
    }
    .insert(db)
    .await?)
}

pub async fn update_group<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
    input: UpdateFollowUpGroupInput,
) -> AppResult<group::Model> {
    let mut m: group::ActiveModel = get_active::<group::Entity, _>(db, scope, id).await?.into();
    if let Some(v) = &input.name {
        m.name = Set(validate::text("name", v, 200)?);
    }
    if let Some(v) = input.cadence_days {
        m.cadence_days = Set(validate::in_range("cadenceDays", v, 1, 366)?);
    }
    m.updated_at = Set(now());
    Ok(m.update(db).await?)
}

pub fn list_groups(scope: &Scope, f: FollowUpGroupFilter) -> Select<group::Entity> {
    let mut q = record::select::<group::Entity>(scope);
    if let Some(v) = f.grant_id {
        q = q.filter(group::Column::GrantId.eq(v));
    }
    if !f.include_archived {
        q = q.filter(group::Column::ArchivedAt.is_null());
    }
    q
}

#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct CreateGroupMemberInput {
    pub group_id: Uuid,
    pub name: String,
    /// E.g. "3F Bygningsarbejderne", "Jobcenter Odense".
    pub organisation: String,
    pub role: MemberRole,
}

#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct UpdateGroupMemberInput {
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub role: Option<MemberRole>,
}

pub async fn create_member<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    input: CreateGroupMemberInput,
) -> AppResult<member::Model> {
    referenced::<group::Entity, _>(db, scope, "groupId", input.group_id).await?;
    let t = now();
    Ok(member::ActiveModel {
        id: Set(new_id()),
        group_id: Set(input.group_id),
        name: Set(validate::text("name", &input.name, 200)?),
        organisation: Set(validate::text("organisation", &input.organisation, 200)?),
        role: Set(input.role),
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
    }
    .insert(db)
    .await?)
}

pub async fn update_member<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
    input: UpdateGroupMemberInput,
) -> AppResult<member::Model> {
    let mut m: member::ActiveModel = get_active::<member::Entity, _>(db, scope, id).await?.into();
    if let Some(v) = &input.name {
        m.name = Set(validate::text("name", v, 200)?);
    }
    if let Some(v) = &input.organisation {
        m.organisation = Set(validate::text("organisation", v, 200)?);
    }
    if let Some(v) = input.role {
        m.role = Set(v);
    }
    m.updated_at = Set(now());
    Ok(m.update(db).await?)
}

#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct CreateMeetingInput {
    pub group_id: Uuid,
    pub date: NaiveDate,
    /// Length in minutes (about an hour in the Byg til Vækst case).
    pub duration_minutes: i32,
    /// Members of the group who attended.
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub attendee_ids: Vec<Uuid>,
    /// Referat.
    pub minutes: Option<String>,
    pub decisions: Option<String>,
}

#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct UpdateMeetingInput {
    pub date: Option<NaiveDate>,
    pub duration_minutes: Option<i32>,
    /// Replaces the attendee list when given.
    pub attendee_ids: Option<Vec<Uuid>>,
}

/// Minutes (referat) and decisions of a meeting; replaces earlier text.
#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct AddMeetingMinutesInput {
    pub meeting_id: Uuid,
    pub minutes: String,
    pub decisions: Option<String>,
}

#[derive(Clone, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct MeetingFilter {
    pub group_id: Option<Uuid>,
    pub grant_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub include_archived: bool,
}

/// Replaces a meeting's attendance; every attendee must be an active member of the group.
async fn set_attendees<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    meeting_id: Uuid,
    group_id: Uuid,
    ids: Vec<Uuid>,
) -> AppResult<()> {
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    for (i, id) in ids.iter().enumerate() {
        let m =
            referenced::<member::Entity, _>(db, scope, &format!("attendeeIds[{i}]"), *id).await?;
        if m.group_id != group_id {
            return Err(AppError::bad_input(
                format!("attendeeIds[{i}]"),
                format!("{} is not a member of this følgegruppe", m.name),
                format!("{} er ikke medlem af denne følgegruppe", m.name),
            ));
        }
    }
    meeting_attendee::Entity::delete_many()
        .filter(meeting_attendee::Column::MeetingId.eq(meeting_id))
        .exec(db)
        .await?;
    if !unique.is_empty() {
        meeting_attendee::Entity::insert_many(unique.into_iter().map(|member_id| {
            meeting_attendee::ActiveModel {
                meeting_id: Set(meeting_id),
                member_id: Set(member_id),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

fn duration(v: i32) -> AppResult<i32> {
    validate::in_range("durationMinutes", v, 1, 24 * 60)
}

/// A meeting is registered once it has been held: one dated after today would count for R7's
/// cadence before it happened.
fn held(date: NaiveDate) -> AppResult<()> {
    let today = crate::clock::danish_today();
    if date > today {
        return Err(AppError::bad_input(
            "date",
            format!(
                "the meeting is dated {date}, after today ({today}): register a meeting once it has been held"
            ),
            format!(
                "mødet er dateret {}, efter i dag ({}): registrér et møde, når det er holdt",
                crate::i18n::da_date(date),
                crate::i18n::da_date(today)
            ),
        ));
    }
    Ok(())
}

pub async fn create_meeting<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    input: CreateMeetingInput,
) -> AppResult<meeting::Model> {
    referenced::<group::Entity, _>(db, scope, "groupId", input.group_id).await?;
    held(input.date)?;
    let t = now();
    let m = meeting::ActiveModel {
        id: Set(new_id()),
        group_id: Set(input.group_id),
        date: Set(input.date),
        duration_minutes: Set(duration(input.duration_minutes)?),
        minutes: Set(validate::opt_text(
            "minutes",
            input.minutes.as_deref(),
            50_000,
        )?),
        decisions: Set(validate::opt_text(
            "decisions",
            input.decisions.as_deref(),
            20_000,
        )?),
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
    }
    .insert(db)
    .await?;
    set_attendees(db, scope, m.id, m.group_id, input.attendee_ids).await?;
    Ok(m)
}

pub async fn update_meeting<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
    input: UpdateMeetingInput,
) -> AppResult<meeting::Model> {
    let current = get_active::<meeting::Entity, _>(db, scope, id).await?;
    let group_id = current.group_id;
    let mut m: meeting::ActiveModel = current.into();
    if let Some(v) = input.date {
        held(v)?;
        m.date = Set(v);
    }
    if let Some(v) = input.duration_minutes {
        m.duration_minutes = Set(duration(v)?);
    }
    if let Some(ids) = input.attendee_ids {
        set_attendees(db, scope, id, group_id, ids).await?;
    }
    m.updated_at = Set(now());
    Ok(m.update(db).await?)
}

pub async fn add_minutes<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    input: AddMeetingMinutesInput,
) -> AppResult<meeting::Model> {
    let mut m: meeting::ActiveModel = get_active::<meeting::Entity, _>(db, scope, input.meeting_id)
        .await?
        .into();
    m.minutes = Set(Some(validate::text("minutes", &input.minutes, 50_000)?));
    m.decisions = Set(validate::opt_text(
        "decisions",
        input.decisions.as_deref(),
        20_000,
    )?);
    m.updated_at = Set(now());
    Ok(m.update(db).await?)
}

pub fn list_meetings(scope: &Scope, f: MeetingFilter) -> Select<meeting::Entity> {
    use meeting::Column as M;
    let mut q = record::select::<meeting::Entity>(scope);
    if let Some(v) = f.group_id {
        q = q.filter(M::GroupId.eq(v));
    }
    if let Some(g) = f.grant_id {
        let mut sub = sea_orm::sea_query::Query::select();
        sub.column(group::Column::Id)
            .from(group::Entity)
            .and_where(group::Column::GrantId.eq(g));
        q = q.filter(M::GroupId.in_subquery(sub));
    }
    if let Some(v) = f.from {
        q = q.filter(M::Date.gte(v));
    }
    if let Some(v) = f.to {
        q = q.filter(M::Date.lte(v));
    }
    if !f.include_archived {
        q = q.filter(M::ArchivedAt.is_null());
    }
    q
}

#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct CreateActionItemInput {
    pub meeting_id: Uuid,
    pub description: String,
    /// Who follows up (name or organisation).
    pub owner: String,
    /// Not before the meeting.
    pub due_date: Option<NaiveDate>,
}

#[derive(Clone)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct UpdateActionItemInput {
    pub description: Option<String>,
    pub owner: Option<String>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub due_date: Patch<NaiveDate>,
    pub done: Option<bool>,
}

#[derive(Clone, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct ActionItemFilter {
    pub meeting_id: Option<Uuid>,
    pub owner: Option<String>,
    pub done: Option<bool>,
    /// Items due on or before this date.
    pub due_by: Option<NaiveDate>,
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub include_archived: bool,
}

pub async fn create_action_item<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    input: CreateActionItemInput,
) -> AppResult<action_item::Model> {
    let meeting =
        referenced::<meeting::Entity, _>(db, scope, "meetingId", input.meeting_id).await?;
    validate::date_order("dueDate", meeting.date, input.due_date)?;
    let t = now();
    Ok(action_item::ActiveModel {
        id: Set(new_id()),
        meeting_id: Set(input.meeting_id),
        description: Set(validate::text("description", &input.description, 2000)?),
        owner: Set(validate::text("owner", &input.owner, 200)?),
        due_date: Set(input.due_date),
        done: Set(false),
        done_at: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
    }
    .insert(db)
    .await?)
}

pub async fn update_action_item<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: Uuid,
    input: UpdateActionItemInput,
) -> AppResult<action_item::Model> {
    let current = get_active::<action_item::Entity, _>(db, scope, id).await?;
    let meeting = record::get::<meeting::Entity, _>(db, scope, current.meeting_id).await?;
    let was_done = current.done;
    let mut m: action_item::ActiveModel = current.into();
    if let Some(v) = &input.description {
        m.description = Set(validate::text("description", v, 2000)?);
    }
    if let Some(v) = &input.owner {
        m.owner = Set(validate::text("owner", v, 200)?);
    }
    patch(&mut m.due_date, input.due_date, |d| {
        validate::date_order("dueDate", meeting.date, Some(d)).map(|_| d)
    })?;
    let t = now();
    match input.done {
        Some(true) if !was_done => {
            m.done = Set(true);
            m.done_at = Set(Some(t));
        }
        Some(false) => {
            m.done = Set(false);
            m.done_at = Set(None);
        }
        _ => {}
    }
    m.updated_at = Set(t);
    Ok(m.update(db).await?)
}

pub fn list_action_items(scope: &Scope, f: ActionItemFilter) -> Select<action_item::Entity> {
    use action_item::Column as A;
    let mut q = record::select::<action_item::Entity>(scope);
    if let Some(v) = f.meeting_id {
        q = q.filter(A::MeetingId.eq(v));
    }
    if let Some(v) = f.owner {
        q = q.filter(A::Owner.eq(v));
    }
    if let Some(v) = f.done {
        q = q.filter(A::Done.eq(v));
    }
    if let Some(v) = f.due_by {
        q = q.filter(A::DueDate.lte(v));
    }
    if !f.include_archived {
        q = q.filter(A::ArchivedAt.is_null());
    }
    q
}
