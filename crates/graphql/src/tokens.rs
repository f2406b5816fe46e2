//! API token management in GraphQL (administrators only). The token itself is returned once, at
//! creation; afterwards only its metadata can be read.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::api_token as token;
use entity::enums::Role;
use sea_orm::{EntityTrait, QueryOrder};
use uuid::Uuid;

use super::{db, in_txn, principal};
use tracker_core::auth::{self, CreateApiTokenInput};
use tracker_core::error::AppError;

/// An API token's metadata (never the token or its hash).
pub struct ApiToken(pub token::Model);

#[Object]
impl ApiToken {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn name(&self) -> &str {
        &self.0.name
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
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A newly created token: `token` is shown this once; store it safely.
#[derive(SimpleObject)]
pub struct CreatedApiToken {
    pub token: String,
    pub api_token: ApiToken,
}

#[derive(Default)]
pub struct TokenQuery;

#[Object]
impl TokenQuery {
    /// All API tokens, oldest first (administrators only).
    async fn api_tokens(&self, ctx: &Context<'_>) -> Result<Vec<ApiToken>> {
        principal(ctx).require_admin()?;
        let rows = token::Entity::find()
            .order_by_asc(token::Column::Id)
            .all(db(ctx))
            .await
            .map_err(AppError::from)?;
        Ok(rows.into_iter().map(ApiToken).collect())
    }
}

#[derive(Default)]
pub struct TokenMutation;

#[Object]
impl TokenMutation {
    /// Create an API token with a role and scope (administrators only).
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        input: CreateApiTokenInput,
    ) -> Result<CreatedApiToken> {
        principal(ctx).require_admin()?;
        let who = principal(ctx).clone();
        let (model, token) = in_txn(ctx, move |t, _| {
            let (input, who) = (input.clone(), who.clone());
            Box::pin(async move {
                let (model, token) = auth::create_token(t, input).await?;
                let after = serde_json::to_value(&model).ok();
                tracker_core::audit::write(
                    t,
                    &who,
                    tracker_core::record::Kind::ApiToken,
                    model.id,
                    "create",
                    None,
                    after,
                )
                .await?;
                Ok((model, token))
            })
        })
        .await?;
        Ok(CreatedApiToken {
            token,
            api_token: ApiToken(model),
        })
    }

    /// Revoke a token: it stops working at once (administrators only).
    async fn revoke_api_token(&self, ctx: &Context<'_>, id: Uuid) -> Result<ApiToken> {
        principal(ctx).require_admin()?;
        crate::audited::audited::<token::Entity, _>(ctx, "revoke", Some(id), move |t, _| {
            Box::pin(async move { auth::revoke_token(t, id).await })
        })
        .await
        .map(ApiToken)
    }
}
