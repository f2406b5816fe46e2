//! Who receives which reminders: webhooks (an administrator's for every grant, or a bygherre's
//! for its own organisation's) and each user's choice of reminders by e-mail. Every change is
//! validated completely before it is written, and audited.

use entity::enums::{ReminderKind, Role};
use entity::{app_user, reminder_preference, webhook};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::reminders::{allowed_kinds, default_kinds, kinds_from_json, kinds_to_json};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::reminders::address::check_webhook_url;

const KIND: crate::record::Kind = crate::record::Kind::Webhook;
const LABEL: &str = KIND.label();

/// A new webhook (ny webhook).
#[derive(Clone, Debug)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(name = "CreateWebhookInput"))]
pub struct WebhookInput {
    pub name: String,
    /// `https://…` (or `http://`); not this server or a private network.
    pub url: String,
    pub kinds: Vec<ReminderKind>,
    /// Administrators: the organisation whose grants it covers (left out: every grant). A
    /// bygherre's webhook is always its own organisation's.
    pub organisation_id: Option<Uuid>,
}

/// A change to a webhook; what is left out stays.
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(name = "UpdateWebhookInput"))]
pub struct WebhookPatch {
    pub name: Option<String>,
    pub url: Option<String>,
    pub kinds: Option<Vec<ReminderKind>>,
}

fn may_manage(who: &Principal) -> AppResult<()> {
    match who.role {
        Role::Admin => Ok(()),
        Role::Bygherre if who.organisation_id.is_some() => Ok(()),
        _ => Err(AppError::forbidden(
            "only an administrator or a bygherre may manage webhooks",
            "kun en administrator eller en bygherre må administrere webhooks",
        )),
    }
}

fn check_name(name: &str) -> AppResult<String> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 200 {
        return Err(AppError::bad_input(
            "name",
            "give the webhook a name of 1 to 200 characters",
            "giv webhooken et navn på 1 til 200 tegn",
        ));
    }
    Ok(n.to_owned())
}

fn check_url(url: &str, allow_private: bool) -> AppResult<String> {
    let u = url.trim();
    check_webhook_url(u, allow_private).map_err(|t| AppError::bad_input("url", t.en, t.da))?;
    Ok(u.to_owned())
}

fn check_kinds(kinds: &[ReminderKind]) -> AppResult<serde_json::Value> {
    if kinds.is_empty() {
        return Err(AppError::bad_input(
            "kinds",
            "choose at least one kind of reminder",
            "vælg mindst én slags påmindelse",
        ));
    }
    Ok(kinds_to_json(kinds))
}

/// The webhook by id, if this caller manages it (NOT_FOUND otherwise, also for another
/// organisation's: its existence is not told).
async fn own<C: ConnectionTrait>(db: &C, who: &Principal, id: Uuid) -> AppResult<webhook::Model> {
    may_manage(who)?;
    webhook::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|w| who.role == Role::Admin || w.organisation_id == who.organisation_id)
        .ok_or(AppError::NotFound { entity: LABEL, id })
}

/// Creates a webhook; answers it with its signing secret (shown this once).
pub async fn create_webhook<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    input: WebhookInput,
    allow_private: bool,
) -> AppResult<(webhook::Model, String)> {
    may_manage(who)?;
    let organisation_id = match who.role {
        Role::Admin => input.organisation_id,
        _ => {
            if input.organisation_id.is_some() && input.organisation_id != who.organisation_id {
                return Err(AppError::forbidden(
                    "a bygherre creates webhooks for its own organisation only",
                    "en bygherre opretter kun webhooks for sin egen organisation",
                ));
            }
            who.organisation_id
        }
    };
    let name = check_name(&input.name)?;
    let url = check_url(&input.url, allow_private)?;
    let kinds = check_kinds(&input.kinds)?;
    if let Some(org) = organisation_id
        && entity::housing_organisation::Entity::find_by_id(org)
            .one(db)
            .await?
            .is_none()
    {
        return Err(AppError::bad_input(
            "organisationId",
            format!("housing organisation {org} does not exist"),
            format!("boligorganisation {org} findes ikke"),
        ));
    }
    let secret = crate::reminders::sign::new_secret()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("no randomness for a secret: {e}")))?;
    let now = crate::clock::now();
    let model = webhook::ActiveModel {
        id: Set(super::new_id()),
        organisation_id: Set(organisation_id),
        name: Set(name),
        url: Set(url),
        secret: Set(secret.clone()),
        kinds: Set(kinds),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
    }
    .insert(db)
    .await?;
    super::trail::write(
        db,
        who,
        KIND,
        model.id,
        "create",
        None,
        serde_json::to_value(&model).ok(),
    )
    .await?;
    Ok((model, secret))
}

pub async fn update_webhook<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    id: Uuid,
    patch: WebhookPatch,
    allow_private: bool,
) -> AppResult<webhook::Model> {
    let before = own(db, who, id).await?;
    if before.archived_at.is_some() {
        return Err(AppError::conflict(
            "the webhook is archived",
            "webhooken er arkiveret",
        ));
    }
    let mut m = before.clone().into_active_model();
    if let Some(n) = &patch.name {
        m.name = Set(check_name(n)?);
    }
    if let Some(u) = &patch.url {
        m.url = Set(check_url(u, allow_private)?);
    }
    if let Some(k) = &patch.kinds {
        m.kinds = Set(check_kinds(k)?);
    }
    m.updated_at = Set(crate::clock::now());
    save(db, who, &before, m, "update").await
}

/// Writes a change to a webhook and its audit row.
async fn save<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    before: &webhook::Model,
    change: webhook::ActiveModel,
    operation: &str,
) -> AppResult<webhook::Model> {
    let after = change.update(db).await?;
    super::trail::write(
        db,
        who,
        KIND,
        before.id,
        operation,
        serde_json::to_value(before).ok(),
        serde_json::to_value(&after).ok(),
    )
    .await?;
    Ok(after)
}

/// Archives a webhook: nothing more is planned for it; deliveries already planned are still sent.
pub async fn archive_webhook<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    id: Uuid,
) -> AppResult<webhook::Model> {
    let before = own(db, who, id).await?;
    if before.archived_at.is_some() {
        return Ok(before);
    }
    let mut m = before.clone().into_active_model();
    let now = crate::clock::now();
    m.archived_at = Set(Some(now));
    m.updated_at = Set(now);
    save(db, who, &before, m, "archive").await
}

/// The webhooks this caller manages, oldest first.
pub async fn list_webhooks<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
) -> AppResult<Vec<webhook::Model>> {
    may_manage(who)?;
    let mut q = webhook::Entity::find().order_by_asc(webhook::Column::Id);
    if who.role != Role::Admin {
        q = q.filter(webhook::Column::OrganisationId.eq(who.organisation_id));
    }
    Ok(q.all(db).await?)
}

/// The signed-in person's account (reminder preferences are a person's, not an API token's).
async fn account<C: ConnectionTrait>(db: &C, who: &Principal) -> AppResult<app_user::Model> {
    let id = who.user_id.ok_or_else(|| {
        AppError::forbidden(
            "reminders are chosen by a signed-in person, not an API token",
            "påmindelser vælges af en person, der er logget ind, ikke af et API-token",
        )
    })?;
    app_user::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|u| u.archived_at.is_none())
        .ok_or(AppError::NotFound { entity: "User", id })
}

/// A person's reminders: what they chose, or their role's defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preferences {
    pub kinds: Vec<ReminderKind>,
    /// What the role may receive at all.
    pub available: Vec<ReminderKind>,
    /// Whether `kinds` are the role's defaults (nothing chosen yet).
    pub defaults: bool,
}

pub async fn preferences<C: ConnectionTrait>(db: &C, who: &Principal) -> AppResult<Preferences> {
    let u = account(db, who).await?;
    let chosen = reminder_preference::Entity::find_by_id(u.id)
        .one(db)
        .await?;
    let available = allowed_kinds(u.role);
    Ok(match chosen {
        Some(p) => Preferences {
            kinds: kinds_from_json(&p.kinds)
                .into_iter()
                .filter(|k| available.contains(k))
                .collect(),
            available,
            defaults: false,
        },
        None => Preferences {
            kinds: default_kinds(u.role),
            available,
            defaults: true,
        },
    })
}

/// Sets the signed-in person's reminders (an empty list: none). A kind the role may not receive
/// is refused, not silently dropped.
pub async fn set_preferences<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    kinds: Vec<ReminderKind>,
) -> AppResult<Preferences> {
    let u = account(db, who).await?;
    let available = allowed_kinds(u.role);
    if let Some(k) = kinds.iter().find(|k| !available.contains(k)) {
        let code = crate::reminders::plan::kind_code(*k).to_uppercase();
        return Err(AppError::bad_input(
            "kinds",
            format!("your role does not receive {code} reminders"),
            format!("din rolle modtager ikke påmindelser af typen {code}"),
        ));
    }
    let before = reminder_preference::Entity::find_by_id(u.id)
        .one(db)
        .await?;
    let row = reminder_preference::ActiveModel {
        user_id: Set(u.id),
        kinds: Set(kinds_to_json(&kinds)),
        updated_at: Set(crate::clock::now()),
    };
    let after = match &before {
        Some(_) => row.update(db).await?,
        None => row.insert(db).await?,
    };
    super::trail::write(
        db,
        who,
        crate::record::Kind::ReminderPreference,
        u.id,
        if before.is_some() { "update" } else { "create" },
        before.and_then(|b| serde_json::to_value(b).ok()),
        serde_json::to_value(&after).ok(),
    )
    .await?;
    preferences(db, who).await
}
