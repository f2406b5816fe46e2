//! API tokens and the caller they identify. A token is `sct_` and 43 characters of base64url
//! (32 random bytes); only its SHA-256 is stored, so a database leak does not leak tokens. Tokens
//! are random, not chosen by people, so a fast hash is the right tool (no password hashing).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use entity::api_token as token;
use entity::enums::Role;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{AppError, AppResult};
pub use crate::record::Area;
use crate::record::referenced;
use crate::scope::Scope;
use crate::service::{new_id, now};
use crate::validate;

const PREFIX: &str = "sct_";

/// Who is calling: the token's id, role and the scope the role is narrowed to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The API token used (nil for the command line and for a user's session).
    pub token_id: Uuid,
    /// The signed-in user, for a request from the web app.
    pub user_id: Option<Uuid>,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
    pub contractor_id: Option<Uuid>,
    pub grant_ids: Vec<Uuid>,
}

impl Principal {
    /// An administrator not backed by a stored token (the command line, tests).
    pub fn system() -> Self {
        Self {
            token_id: Uuid::nil(),
            user_id: None,
            role: Role::Admin,
            organisation_id: None,
            contractor_id: None,
            grant_ids: vec![],
        }
    }

    /// What this caller may read; a token missing the id its role needs sees nothing.
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::Admin => Scope::All,
            Role::Bygherre => self
                .organisation_id
                .map_or(Scope::Nothing, Scope::Organisation),
            // An account a bygherre invited keeps its organisation: the contractor's work for
            // that bygherre only.
            Role::Contractor => self
                .contractor_id
                .map_or(Scope::Nothing, |id| Scope::Contractor {
                    id,
                    within: self.organisation_id,
                }),
            Role::Tovholder => Scope::Grants {
                grants: self.grant_ids.clone(),
                token: self.token_id,
                user: self.user_id,
            },
            Role::Viewer => Scope::Viewer,
        }
    }

    /// Whether this role may change rows of `area` with `operation` ("create", "update",
    /// "archive", "delete", "report", …). Which rows is decided by the scope: a bygherre may
    /// update grants, but only its own organisation's.
    pub fn may_write(&self, area: Area, operation: &str) -> bool {
        let edit = matches!(operation, "create" | "update");
        match self.role {
            Role::Admin => true,
            Role::Viewer => false,
            Role::Bygherre => match area {
                Area::Estate | Area::Grant | Area::Contract | Area::FollowUp | Area::LbfReport => {
                    true
                }
                // It may register a contractor it lets a contract to, not edit a shared company.
                Area::Contractor => operation == "create",
                // It records months its contractors reported on paper or in spreadsheets
                // (loading history, with the declared filing date); archive and delete stay with
                // the contractor and the administrator.
                Area::Hours => operation == "report",
                _ => false,
            },
            Role::Contractor => match area {
                Area::Hours | Area::Placement => true,
                Area::Person => edit,
                _ => false,
            },
            Role::Tovholder => match area {
                Area::Trial | Area::FollowUp => true,
                Area::Person => edit,
                _ => false,
            },
        }
    }

    /// FORBIDDEN (before anything is written) unless [`Principal::may_write`].
    pub fn authorize(&self, area: Area, operation: &str, label: &str) -> AppResult<()> {
        if self.may_write(area, operation) {
            Ok(())
        } else {
            Err(AppError::forbidden(
                format!(
                    "a {} token may not {operation} {label} records",
                    role_name(self.role)
                ),
                format!(
                    "et {}-token må ikke {} {}",
                    role_name(self.role),
                    operation_da(operation),
                    crate::error::label_da(label).to_lowercase()
                ),
            ))
        }
    }

    pub fn require_admin(&self) -> AppResult<()> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "only an administrator may do this",
                "kun en administrator må gøre dette",
            ))
        }
    }
}

/// An operation in Danish, for "et CONTRACTOR-token må ikke arkivere kontrakt".
fn operation_da(operation: &str) -> &'static str {
    match operation {
        "create" => "oprette",
        "update" => "ændre",
        "archive" => "arkivere",
        "delete" => "slette",
        "report" => "indberette",
        "submit" | "correct" => "indsende",
        "erase" => "slette personoplysninger i",
        _ => "ændre",
    }
}

/// The role as written in GraphQL (BYGHERRE, ...), for messages.
pub fn role_name(role: Role) -> String {
    format!("{role:?}").to_uppercase()
}

pub fn hash_token(secret: &str) -> String {
    format!("{:x}", Sha256::digest(secret.as_bytes()))
}

fn generate_secret() -> AppResult<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// A new token: its role and the scope that role needs.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct CreateApiTokenInput {
    pub name: String,
    pub role: Role,
    /// Required for BYGHERRE.
    pub organisation_id: Option<Uuid>,
    /// Required for CONTRACTOR.
    pub contractor_id: Option<Uuid>,
    /// Required (non-empty) for TOVHOLDER.
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub grant_ids: Vec<Uuid>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Checks that a role gets the scope it needs (an organisation for BYGHERRE, a contractor for
/// CONTRACTOR, grants for TOVHOLDER) and that what it names exists: for tokens and user accounts
/// alike.
pub async fn check_scope<C: ConnectionTrait>(
    db: &C,
    role: Role,
    organisation_id: Option<Uuid>,
    contractor_id: Option<Uuid>,
    grant_ids: &[Uuid],
) -> AppResult<()> {
    let all = Scope::All;
    let name = role_name(role);
    let needs = |field: &str, what: &str| {
        AppError::bad_input(
            field,
            format!("a {name} needs {what}"),
            format!("en {name} kræver {field}"),
        )
    };
    match role {
        Role::Bygherre => {
            let org =
                organisation_id.ok_or_else(|| needs("organisationId", "an organisationId"))?;
            referenced::<entity::housing_organisation::Entity, _>(db, &all, "organisationId", org)
                .await?;
        }
        Role::Contractor => {
            let c = contractor_id.ok_or_else(|| needs("contractorId", "a contractorId"))?;
            referenced::<entity::contractor::Entity, _>(db, &all, "contractorId", c).await?;
        }
        Role::Tovholder => {
            if grant_ids.is_empty() {
                return Err(needs("grantIds", "grantIds"));
            }
            for (i, g) in grant_ids.iter().enumerate() {
                referenced::<entity::grant::Entity, _>(db, &all, &format!("grantIds[{i}]"), *g)
                    .await?;
            }
        }
        Role::Admin | Role::Viewer => {}
    }
    Ok(())
}

/// Creates a token; returns the stored row and the secret, which is never shown again.
pub async fn create_token<C: ConnectionTrait>(
    db: &C,
    input: CreateApiTokenInput,
) -> AppResult<(token::Model, String)> {
    let name = validate::text("name", &input.name, 200)?;
    check_scope(
        db,
        input.role,
        input.organisation_id,
        input.contractor_id,
        &input.grant_ids,
    )
    .await?;
    if let Some(at) = input.expires_at
        && at <= crate::clock::now()
    {
        return Err(AppError::bad_input(
            "expiresAt",
            "expiresAt must be in the future",
            "expiresAt skal ligge i fremtiden",
        ));
    }
    let secret = generate_secret()?;
    let t = now();
    let keep = |r: Role| input.role == r;
    let model = token::ActiveModel {
        id: Set(new_id()),
        name: Set(name),
        token_hash: Set(hash_token(&secret)),
        role: Set(input.role),
        organisation_id: Set(input.organisation_id.filter(|_| keep(Role::Bygherre))),
        contractor_id: Set(input.contractor_id.filter(|_| keep(Role::Contractor))),
        grant_ids: Set(serde_json::json!(if keep(Role::Tovholder) {
            input.grant_ids.clone()
        } else {
            vec![]
        })),
        expires_at: Set(input.expires_at),
        revoked_at: Set(None),
        last_used_at: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
        archived_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok((model, secret))
}

pub async fn revoke_token<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<token::Model> {
    let current = crate::record::get::<token::Entity, _>(db, &Scope::All, id).await?;
    if current.revoked_at.is_some() {
        return Err(AppError::conflict(
            format!("API token {id} is revoked already"),
            format!("API-token {id} er allerede tilbagekaldt"),
        ));
    }
    let mut m: token::ActiveModel = current.into();
    let t = now();
    m.revoked_at = Set(Some(t));
    m.updated_at = Set(t);
    Ok(m.update(db).await?)
}

/// The caller behind an `Authorization: Bearer …` header value; UNAUTHENTICATED if it is missing,
/// malformed, unknown, expired or revoked (without saying which, so tokens cannot be probed).
pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    authorization: Option<&str>,
) -> AppResult<Principal> {
    let secret = authorization
        .and_then(bearer_token)
        .ok_or(AppError::Unauthenticated)?;
    let row = token::Entity::find()
        .filter(token::Column::TokenHash.eq(hash_token(secret)))
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let t = crate::clock::now();
    if row.revoked_at.is_some()
        || row.archived_at.is_some()
        || row.expires_at.is_some_and(|e| e <= t)
    {
        return Err(AppError::Unauthenticated);
    }
    let grant_ids = serde_json::from_value(row.grant_ids.clone()).unwrap_or_default();
    Ok(Principal {
        token_id: row.id,
        user_id: None,
        role: row.role,
        organisation_id: row.organisation_id,
        contractor_id: row.contractor_id,
        grant_ids,
    })
}

/// The token of an `Authorization` header value: the scheme `Bearer` in any case (RFC 7235), one
/// space, and the token with no space around or inside it. Anything else is no token.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.split_once(' ')?;
    let well_formed = scheme.eq_ignore_ascii_case("bearer")
        && token.starts_with(PREFIX)
        && !token.contains(|c: char| c.is_whitespace() || c.is_control());
    well_formed.then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_scheme_is_case_insensitive_and_spacing_strict() {
        for ok in [
            "Bearer sct_abc",
            "bearer sct_abc",
            "BEARER sct_abc",
            "bEaReR sct_abc",
        ] {
            assert_eq!(bearer_token(ok), Some("sct_abc"), "{ok}");
        }
        for bad in [
            "Bearer  sct_abc",
            " Bearer sct_abc",
            "Bearer sct_abc ",
            "Bearer\tsct_abc",
            "Bearersct_abc",
            "Basic sct_abc",
            "Bearer abc",
            "Bearer sct_a bc",
            "sct_abc",
        ] {
            assert_eq!(bearer_token(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn tokens_are_random_and_stored_as_sha256() {
        let a = generate_secret().unwrap();
        let b = generate_secret().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("sct_") && a.len() == 4 + 43, "{a}");
        assert_eq!(
            hash_token("sct_x"),
            format!("{:x}", Sha256::digest(b"sct_x"))
        );
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
    }
}
