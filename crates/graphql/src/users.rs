//! User accounts in GraphQL: invite a person with a role and scope, list the accounts, give a
//! link for a new password, end a user's sessions. Administrators manage every account; a
//! bygherre invites and manages its contractors' and tovholders' people (see
//! `tracker_core::accounts::invite`). The invitation link is returned once, at invitation.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::app_user;
use entity::enums::Role;
use uuid::Uuid;

use super::{db, in_txn, principal};
use tracker_core::accounts::{self, InviteUserInput};

/// A user account (brugerkonto): who, with which role and scope; never a password or its hash.
pub struct User(pub app_user::Model);

#[Object]
impl User {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    async fn role(&self) -> Role {
        self.0.role
    }
    async fn organisation_id(&self) -> Option<Uuid> {
        self.0.organisation_id
    }
    async fn contractor_id(&self) -> Option<Uuid> {
        self.0.contractor_id
    }
    async fn grant_ids(&self) -> Vec<Uuid> {
        serde_json::from_value(self.0.grant_ids.clone()).unwrap_or_default()
    }
    /// Whether the person has accepted the invitation (set a password).
    async fn active(&self) -> bool {
        self.0.password_hash.is_some()
    }
    async fn invitation_expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.invite_expires_at
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A new invitation: send `invitationPath` (on this server) to the person; it is shown this once
/// and can be used once, within seven days.
#[derive(SimpleObject)]
pub struct InvitedUser {
    pub user: User,
    pub invitation_path: String,
}

#[derive(Default)]
pub struct UserQuery;

#[Object]
impl UserQuery {
    /// The user accounts the caller manages, oldest first: all of them for an administrator;
    /// for a bygherre the contractors' and tovholders' people it invited.
    async fn users(&self, ctx: &Context<'_>) -> Result<Vec<User>> {
        let rows = accounts::managed_users(db(ctx), principal(ctx)).await?;
        Ok(rows.into_iter().map(User).collect())
    }
}

#[derive(Default)]
pub struct UserMutation;

#[Object]
impl UserMutation {
    /// Invite a person to sign in with a role and scope: an administrator anyone; a bygherre a
    /// contractor's site manager (for a contractor with a contract on its grants; the account
    /// sees that contractor's work for this bygherre only) or a tovholder for its grants.
    async fn invite_user(&self, ctx: &Context<'_>, input: InviteUserInput) -> Result<InvitedUser> {
        let who = principal(ctx).clone();
        let (user, secret) = in_txn(ctx, move |t, _| {
            let (input, who) = (input.clone(), who.clone());
            Box::pin(async move {
                let (user, secret) =
                    accounts::invite(t, &who, input, tracker_core::clock::now()).await?;
                let after = serde_json::to_value(&user).ok();
                tracker_core::audit::write(
                    t,
                    &who,
                    tracker_core::record::Kind::User,
                    user.id,
                    "invite",
                    None,
                    after,
                )
                .await?;
                Ok((user, secret))
            })
        })
        .await?;
        Ok(InvitedUser {
            user: User(user),
            invitation_path: format!("/invitation?token={secret}"),
        })
    }

    /// A single-use link to set a new password, valid one hour, for a person who forgot theirs
    /// (an account the caller manages, see `users`): give them `invitationPath`. Their sessions
    /// end and a sign-in lock is lifted.
    async fn reset_user_password(&self, ctx: &Context<'_>, user_id: Uuid) -> Result<InvitedUser> {
        let who = principal(ctx).clone();
        let (user, secret) = in_txn(ctx, move |t, _| {
            let who = who.clone();
            Box::pin(async move {
                let (user, secret) =
                    accounts::password_reset(t, &who, user_id, tracker_core::clock::now()).await?;
                tracker_core::audit::write(
                    t,
                    &who,
                    tracker_core::record::Kind::User,
                    user.id,
                    "reset-password",
                    None,
                    None,
                )
                .await?;
                Ok((user, secret))
            })
        })
        .await?;
        Ok(InvitedUser {
            user: User(user),
            invitation_path: format!("/invitation?token={secret}"),
        })
    }

    /// End every session of a user at once (administrators only); answers how many were live.
    async fn revoke_user_sessions(&self, ctx: &Context<'_>, user_id: Uuid) -> Result<u64> {
        principal(ctx).require_admin()?;
        let who = principal(ctx).clone();
        in_txn(ctx, move |t, _| {
            let who = who.clone();
            Box::pin(async move {
                let n = accounts::revoke_sessions(t, user_id, tracker_core::clock::now()).await?;
                tracker_core::audit::write(
                    t,
                    &who,
                    tracker_core::record::Kind::User,
                    user_id,
                    "revoke-sessions",
                    None,
                    None,
                )
                .await?;
                Ok(n)
            })
        })
        .await
    }
}
