//! Følgegrupper, members, meetings and action items in GraphQL.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::MemberRole;
use entity::{action_item, follow_up_group as group, grant, group_member as member, meeting};
use uuid::Uuid;

use super::{Grant, by_id, children, lifecycle, loaders, parent, reads};
use crate::loaders::{ActionItemsOfMeeting, MeetingsOfGroup, MembersOfGroup};
use tracker_core::service::followup::*;

/// Følgegruppe: the follow-up group around one grant's site.
pub struct FollowUpGroup(pub group::Model);

#[Object]
impl FollowUpGroup {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Intended days between meetings.
    async fn cadence_days(&self) -> i32 {
        self.0.cadence_days
    }
    async fn grant(&self, ctx: &Context<'_>) -> Result<Grant> {
        parent::<grant::Entity, _>(ctx, self.0.grant_id, Grant).await
    }
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<GroupMember>> {
        children::<MembersOfGroup, _>(ctx, self.0.id, GroupMember).await
    }
    /// Meetings, earliest first.
    async fn meetings(&self, ctx: &Context<'_>) -> Result<Vec<Meeting>> {
        let mut meetings = children::<MeetingsOfGroup, _>(ctx, self.0.id, Meeting).await?;
        meetings.sort_by_key(|m| m.0.date);
        Ok(meetings)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}

/// A member of a følgegruppe.
pub struct GroupMember(pub member::Model);

#[Object]
impl GroupMember {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn organisation(&self) -> &str {
        &self.0.organisation
    }
    async fn role(&self) -> MemberRole {
        self.0.role
    }
    async fn group(&self, ctx: &Context<'_>) -> Result<FollowUpGroup> {
        parent::<group::Entity, _>(ctx, self.0.group_id, FollowUpGroup).await
    }
    /// Meetings the member attended.
    async fn meetings_attended(&self, ctx: &Context<'_>) -> Result<Vec<Meeting>> {
        let ids = loaders(ctx).attendance(self.0.id, true).await?;
        Ok(loaders(ctx)
            .each::<meeting::Entity>(ids)
            .await?
            .into_iter()
            .map(Meeting)
            .collect())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}

/// Møde: one følgegruppe meeting.
pub struct Meeting(pub meeting::Model);

#[Object]
impl Meeting {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn date(&self) -> NaiveDate {
        self.0.date
    }
    async fn duration_minutes(&self) -> i32 {
        self.0.duration_minutes
    }
    /// Referat. Null for a VIEWER token: free text that may name people.
    async fn minutes(&self, ctx: &Context<'_>) -> Option<&str> {
        self.0
            .minutes
            .as_deref()
            .filter(|_| super::scope(ctx).sees_persons())
    }
    /// Beslutninger. Null for a VIEWER token, like the minutes.
    async fn decisions(&self, ctx: &Context<'_>) -> Option<&str> {
        self.0
            .decisions
            .as_deref()
            .filter(|_| super::scope(ctx).sees_persons())
    }
    async fn group(&self, ctx: &Context<'_>) -> Result<FollowUpGroup> {
        parent::<group::Entity, _>(ctx, self.0.group_id, FollowUpGroup).await
    }
    /// Members who attended.
    async fn attendees(&self, ctx: &Context<'_>) -> Result<Vec<GroupMember>> {
        let ids = loaders(ctx).attendance(self.0.id, false).await?;
        Ok(loaders(ctx)
            .each::<member::Entity>(ids)
            .await?
            .into_iter()
            .map(GroupMember)
            .collect())
    }
    async fn action_items(&self, ctx: &Context<'_>) -> Result<Vec<ActionItem>> {
        children::<ActionItemsOfMeeting, _>(ctx, self.0.id, ActionItem).await
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}

/// Opfølgningspunkt: an action item agreed at a meeting.
pub struct ActionItem(pub action_item::Model);

#[Object]
impl ActionItem {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Who follows up.
    async fn owner(&self) -> &str {
        &self.0.owner
    }
    async fn due_date(&self) -> Option<NaiveDate> {
        self.0.due_date
    }
    async fn done(&self) -> bool {
        self.0.done
    }
    async fn done_at(&self) -> Option<DateTime<Utc>> {
        self.0.done_at
    }
    async fn meeting(&self, ctx: &Context<'_>) -> Result<Meeting> {
        parent::<meeting::Entity, _>(ctx, self.0.meeting_id, Meeting).await
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}

#[derive(Default)]
pub struct FollowUpQuery;

#[Object]
impl FollowUpQuery {
    /// One member of a følgegruppe by id (members are listed on their group).
    async fn group_member(&self, ctx: &Context<'_>, id: Uuid) -> Result<GroupMember> {
        by_id::<member::Entity, _>(ctx, id, GroupMember).await
    }
}

reads!(
    FollowUpGroupReads,
    group::Entity,
    FollowUpGroup,
    follow_up_group,
    follow_up_groups,
    FollowUpGroupFilter,
    list_groups,
    "One følgegruppe by id.",
    "Følgegrupper, oldest first, by grant."
);
reads!(
    MeetingReads,
    meeting::Entity,
    Meeting,
    meeting,
    meetings,
    MeetingFilter,
    list_meetings,
    "One meeting by id.",
    "Meetings, in the order they were registered, by group, grant or date."
);
reads!(
    ActionItemReads,
    action_item::Entity,
    ActionItem,
    action_item,
    action_items,
    ActionItemFilter,
    list_action_items,
    "One action item by id.",
    "Action items, oldest first, by meeting, owner, done or due date."
);

#[derive(Default)]
pub struct FollowUpMutation;

#[Object]
impl FollowUpMutation {
    /// Set up the følgegruppe of a grant (one per grant; CONFLICT if it exists).
    async fn create_follow_up_group(
        &self,
        ctx: &Context<'_>,
        input: CreateFollowUpGroupInput,
    ) -> Result<FollowUpGroup> {
        crate::audited::audited::<group::Entity, _>(ctx, "create", None, move |t, s| {
            let input = input.clone();
            Box::pin(async move { create_group(t, &s, input).await })
        })
        .await
        .map(FollowUpGroup)
    }

    async fn update_follow_up_group(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateFollowUpGroupInput,
    ) -> Result<FollowUpGroup> {
        crate::audited::audited::<group::Entity, _>(ctx, "update", Some(id), move |t, s| {
            let input = input.clone();
            Box::pin(async move { update_group(t, &s, id, input).await })
        })
        .await
        .map(FollowUpGroup)
    }

    async fn create_group_member(
        &self,
        ctx: &Context<'_>,
        input: CreateGroupMemberInput,
    ) -> Result<GroupMember> {
        crate::audited::audited::<member::Entity, _>(ctx, "create", None, move |t, s| {
            let input = input.clone();
            Box::pin(async move { create_member(t, &s, input).await })
        })
        .await
        .map(GroupMember)
    }

    async fn update_group_member(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateGroupMemberInput,
    ) -> Result<GroupMember> {
        crate::audited::audited::<member::Entity, _>(ctx, "update", Some(id), move |t, s| {
            let input = input.clone();
            Box::pin(async move { update_member(t, &s, id, input).await })
        })
        .await
        .map(GroupMember)
    }

    /// Register a meeting with its attendees (members of the group).
    async fn create_meeting(
        &self,
        ctx: &Context<'_>,
        input: CreateMeetingInput,
    ) -> Result<Meeting> {
        crate::audited::audited::<meeting::Entity, _>(ctx, "create", None, move |t, s| {
            let input = input.clone();
            Box::pin(async move { create_meeting(t, &s, input).await })
        })
        .await
        .map(Meeting)
    }

    async fn update_meeting(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateMeetingInput,
    ) -> Result<Meeting> {
        crate::audited::audited::<meeting::Entity, _>(ctx, "update", Some(id), move |t, s| {
            let input = input.clone();
            Box::pin(async move { update_meeting(t, &s, id, input).await })
        })
        .await
        .map(Meeting)
    }

    /// Add (or replace) a meeting's minutes (referat) and decisions.
    async fn add_meeting_minutes(
        &self,
        ctx: &Context<'_>,
        input: AddMeetingMinutesInput,
    ) -> Result<Meeting> {
        crate::audited::audited::<meeting::Entity, _>(
            ctx,
            "minutes",
            Some(input.meeting_id),
            move |t, s| {
                let input = input.clone();
                Box::pin(async move { add_minutes(t, &s, input).await })
            },
        )
        .await
        .map(Meeting)
    }

    /// Add an action item to a meeting.
    async fn create_action_item(
        &self,
        ctx: &Context<'_>,
        input: CreateActionItemInput,
    ) -> Result<ActionItem> {
        crate::audited::audited::<action_item::Entity, _>(ctx, "create", None, move |t, s| {
            let input = input.clone();
            Box::pin(async move { create_action_item(t, &s, input).await })
        })
        .await
        .map(ActionItem)
    }

    /// Change an action item, e.g. mark it done.
    async fn update_action_item(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateActionItemInput,
    ) -> Result<ActionItem> {
        crate::audited::audited::<action_item::Entity, _>(ctx, "update", Some(id), move |t, s| {
            let input = input.clone();
            Box::pin(async move { update_action_item(t, &s, id, input).await })
        })
        .await
        .map(ActionItem)
    }
}

lifecycle!(
    FollowUpGroupLifecycle,
    group::Entity,
    FollowUpGroup,
    archive_follow_up_group,
    delete_follow_up_group
);
lifecycle!(
    GroupMemberLifecycle,
    member::Entity,
    GroupMember,
    archive_group_member,
    delete_group_member
);
lifecycle!(
    MeetingLifecycle,
    meeting::Entity,
    Meeting,
    archive_meeting,
    delete_meeting
);
lifecycle!(
    ActionItemLifecycle,
    action_item::Entity,
    ActionItem,
    archive_action_item,
    delete_action_item
);
