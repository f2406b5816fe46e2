//! User accounts and sessions for people (API tokens stay for machines). An administrator (or a
//! bygherre, for its contractors' site managers and its tovholders) invites a user with a role
//! and scope; the user sets a password (stored as an argon2id hash) through the
//! one-time invitation; signing in opens a session whose secret lives in a cookie (only its hash
//! is stored) and whose CSRF token goes into every form. Sessions end after [`IDLE`] without use,
//! at [`LIFETIME`] at the latest, at sign-out, or when an administrator revokes them. Repeated
//! failed sign-ins lock the account for a growing time ([`lock_after`]), on every instance alike
//! since the count is in the database.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use entity::enums::Role;
use entity::{app_user, user_session};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::auth::{Principal, check_scope, hash_token};
use crate::error::{AppError, AppResult};
use crate::validate;

/// A session ends after this long without a request.
pub const IDLE: Duration = Duration::hours(2);
/// And this long after sign-in at the latest.
pub const LIFETIME: Duration = Duration::hours(12);
/// An invitation can be accepted for this long.
pub const INVITE_VALID: Duration = Duration::days(7);
/// How long a link to set a new password is valid (a forgotten password; an administrator's
/// reset): one hour, once.
pub const RESET_VALID: Duration = Duration::hours(1);
/// Failed sign-ins allowed before the account is locked for a while.
pub const FREE_ATTEMPTS: i32 = 3;
/// Password length bounds (NIST SP 800-63B: a long minimum, a generous maximum, no other rules).
pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 128;

/// An invitation of a person, by an administrator or (for its contractors' and tovholders'
/// people) by a bygherre.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
pub struct InviteUserInput {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Required for BYGHERRE. For a CONTRACTOR it narrows the account to the contractor's
    /// contracts on this organisation's grants; for a TOVHOLDER its grants must be the
    /// organisation's. A bygherre's invitations always carry its own organisation.
    pub organisation_id: Option<Uuid>,
    /// Required for CONTRACTOR.
    pub contractor_id: Option<Uuid>,
    /// Required (non-empty) for TOVHOLDER.
    #[cfg_attr(feature = "graphql", graphql(default))]
    pub grant_ids: Vec<Uuid>,
}

fn secret() -> AppResult<String> {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

fn email(v: &str) -> AppResult<String> {
    let v = validate::text("email", v.trim(), 254)?.to_lowercase();
    let ok = v
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !v.contains(char::is_whitespace);
    if !ok {
        return Err(AppError::bad_input(
            "email",
            format!("{v} is not an e-mail address"),
            format!("{v} er ikke en e-mailadresse"),
        ));
    }
    Ok(v)
}

/// Whom `who` may invite, and the invitation as it will be stored: an administrator anyone; a
/// bygherre a contractor's site manager or a jobcenter's tovholder for its own grants, always
/// under its own organisation (so the account sees that contractor's work for this bygherre,
/// never its work for others); nobody else anyone.
fn invitation_by(who: &Principal, mut input: InviteUserInput) -> AppResult<InviteUserInput> {
    match (who.role, who.organisation_id) {
        (Role::Admin, _) => Ok(input),
        (Role::Bygherre, Some(own)) if matches!(input.role, Role::Contractor | Role::Tovholder) => {
            input.organisation_id = Some(own);
            Ok(input)
        }
        (Role::Bygherre, _) => Err(AppError::forbidden(
            "a bygherre invites its contractors' and tovholders' people; other roles are \
             invited by an administrator",
            "en bygherre inviterer sine entreprenørers og tovholderes folk; andre roller \
             inviteres af en administrator",
        )),
        _ => Err(AppError::forbidden(
            "only an administrator or a bygherre may invite people",
            "kun en administrator eller en bygherre må invitere personer",
        )),
    }
}

/// An account narrowed to an organisation must have work there: a contractor a contract on one
/// of its grants, a tovholder only its grants.
async fn check_narrowed<C: ConnectionTrait>(db: &C, input: &InviteUserInput) -> AppResult<()> {
    use crate::record::referenced;
    use crate::scope::Scope;
    use sea_orm::PaginatorTrait;
    let Some(org) = input.organisation_id else {
        return Ok(());
    };
    let theirs = Scope::Organisation(org);
    match input.role {
        Role::Contractor => {
            referenced::<entity::housing_organisation::Entity, _>(
                db,
                &Scope::All,
                "organisationId",
                org,
            )
            .await?;
            let contracts = theirs
                .restrict(entity::contract::Entity::find())
                .filter(entity::contract::Column::ContractorId.eq(input.contractor_id))
                .filter(entity::contract::Column::ArchivedAt.is_null())
                .count(db)
                .await?;
            if contracts == 0 {
                return Err(AppError::bad_input(
                    "contractorId",
                    "the contractor has no contract on the organisation's grants: register the \
                     contract first",
                    "entreprenøren har ingen kontrakt på organisationens sager: registrér \
                     kontrakten først",
                ));
            }
        }
        Role::Tovholder => {
            for (i, g) in input.grant_ids.iter().enumerate() {
                referenced::<entity::grant::Entity, _>(db, &theirs, &format!("grantIds[{i}]"), *g)
                    .await?;
            }
        }
        Role::Admin | Role::Bygherre | Role::Viewer => {}
    }
    Ok(())
}

/// Invites a person for `who`: the account and the invitation secret (shown once; only its hash
/// is kept). See [`InviteUserInput`] for whom a bygherre may invite.
pub async fn invite<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    input: InviteUserInput,
    now: DateTime<Utc>,
) -> AppResult<(app_user::Model, String)> {
    let input = invitation_by(who, input)?;
    let address = email(&input.email)?;
    let name = validate::text("displayName", &input.display_name, 200)?;
    check_scope(
        db,
        input.role,
        input.organisation_id,
        input.contractor_id,
        &input.grant_ids,
    )
    .await?;
    check_narrowed(db, &input).await?;
    if app_user::Entity::find()
        .filter(app_user::Column::Email.eq(&address))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::conflict(
            format!("a user with e-mail {address} exists already"),
            format!("der findes allerede en bruger med e-mail {address}"),
        ));
    }
    let invitation = secret()?;
    let keep = |r: Role| input.role == r;
    let user = app_user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(address),
        display_name: Set(name),
        role: Set(input.role),
        organisation_id: Set(input
            .organisation_id
            .filter(|_| keep(Role::Bygherre) || keep(Role::Contractor) || keep(Role::Tovholder))),
        contractor_id: Set(input.contractor_id.filter(|_| keep(Role::Contractor))),
        grant_ids: Set(serde_json::json!(if keep(Role::Tovholder) {
            input.grant_ids.clone()
        } else {
            vec![]
        })),
        password_hash: Set(None),
        invite_hash: Set(Some(hash_token(&invitation))),
        invite_expires_at: Set(Some(now + INVITE_VALID)),
        failed_sign_ins: Set(0),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok((user, invitation))
}

/// The accounts `who` manages, oldest first: every account for an administrator; for a bygherre
/// the contractors' and tovholders' accounts under its organisation (those it invited).
pub async fn managed_users<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
) -> AppResult<Vec<app_user::Model>> {
    use sea_orm::QueryOrder;
    let mut q = app_user::Entity::find().order_by_asc(app_user::Column::Id);
    match (who.role, who.organisation_id) {
        (Role::Admin, _) => {}
        (Role::Bygherre, Some(own)) => {
            q = q
                .filter(app_user::Column::OrganisationId.eq(own))
                .filter(app_user::Column::Role.is_in([Role::Contractor, Role::Tovholder]));
        }
        _ => return Err(forbidden_to_manage()),
    }
    Ok(q.all(db).await?)
}

fn forbidden_to_manage() -> AppError {
    AppError::forbidden(
        "only an administrator, or a bygherre for the people it invited, may manage accounts",
        "kun en administrator, eller en bygherre for de personer, den har inviteret, må \
         administrere brugere",
    )
}

/// The account `user_id`, if `who` manages it (see [`managed_users`]). An administrator is told
/// when there is no such account; a bygherre is refused alike for an account that is not its own
/// and for one that does not exist, so it learns nothing about other accounts.
pub async fn managed_user<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    user_id: Uuid,
) -> AppResult<app_user::Model> {
    let user = app_user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .filter(|u| u.archived_at.is_none());
    match (who.role, who.organisation_id) {
        (Role::Admin, _) => user.ok_or(AppError::NotFound {
            entity: "User",
            id: user_id,
        }),
        (Role::Bygherre, Some(own)) => user
            .filter(|u| {
                u.organisation_id == Some(own)
                    && matches!(u.role, Role::Contractor | Role::Tovholder)
            })
            .ok_or_else(|| AppError::forbidden_row("User", user_id)),
        _ => Err(forbidden_to_manage()),
    }
}

/// A single-use link to set a new password, valid [`RESET_VALID`], for an active account: the
/// invitation page takes it. Every session of the account ends (whoever knew the old password
/// is signed out) and a sign-in lock is lifted. Answers the account and the link's secret.
pub async fn password_reset<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(app_user::Model, String)> {
    let user = managed_user(db, who, user_id).await?;
    let secret = secret()?;
    let mut m: app_user::ActiveModel = user.into();
    m.invite_hash = Set(Some(hash_token(&secret)));
    m.invite_expires_at = Set(Some(now + RESET_VALID));
    m.failed_sign_ins = Set(0);
    m.locked_until = Set(None);
    m.updated_at = Set(now);
    let user = m.update(db).await?;
    revoke_sessions(db, user.id, now).await?;
    Ok((user, secret))
}

/// How soon after one e-mailed link to set a new password the next may be sent to the same
/// account: asking again and again sends no stream of e-mails.
pub const RESET_RESEND: Duration = Duration::minutes(5);

/// A person who forgot their password asks, by e-mail address, for a link to set a new one: for
/// an active account that has a password, a single-use link valid [`RESET_VALID`]. Nothing else
/// changes until the link is used: asking in someone else's name signs nobody out and locks
/// nobody out. `None` when no such account has the address, or a link was made less than
/// [`RESET_RESEND`] ago; the caller answers the same in every case, so the answer does not tell
/// which addresses have accounts. An account never activated uses its invitation instead.
pub async fn forgotten_password<C: ConnectionTrait>(
    db: &C,
    address: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<(app_user::Model, String)>> {
    let user = app_user::Entity::find()
        .filter(app_user::Column::Email.eq(address.trim().to_lowercase()))
        .one(db)
        .await?
        .filter(|u| u.archived_at.is_none() && u.password_hash.is_some());
    let Some(user) = user else {
        return Ok(None);
    };
    if user
        .invite_expires_at
        .is_some_and(|e| e > now + RESET_VALID - RESET_RESEND)
    {
        return Ok(None);
    }
    let secret = secret()?;
    let mut m: app_user::ActiveModel = user.into();
    m.invite_hash = Set(Some(hash_token(&secret)));
    m.invite_expires_at = Set(Some(now + RESET_VALID));
    m.updated_at = Set(now);
    Ok(Some((m.update(db).await?, secret)))
}

fn check_password(password: &str, user: &app_user::Model) -> AppResult<()> {
    let n = password.chars().count();
    if !(PASSWORD_MIN..=PASSWORD_MAX).contains(&n) {
        return Err(AppError::bad_input(
            "password",
            format!("the password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long"),
            format!("adgangskoden skal være {PASSWORD_MIN} til {PASSWORD_MAX} tegn lang"),
        ));
    }
    if password.to_lowercase().contains(&user.email) {
        return Err(AppError::bad_input(
            "password",
            "the password must not contain your e-mail address",
            "adgangskoden må ikke indeholde din e-mailadresse",
        ));
    }
    Ok(())
}

fn hash_password(password: &str) -> AppResult<String> {
    // argon2id with the crate's defaults (19 MiB, 2 passes: OWASP's recommended minimum).
    Argon2::default()
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("password hashing failed: {e}")))
}

fn invalid_invitation() -> AppError {
    AppError::bad_input(
        "invitation",
        "the invitation is unknown, used or expired; ask your administrator for a new one",
        "invitationen er ukendt, brugt eller udløbet; bed din administrator om en ny",
    )
}

/// The account an invitation secret belongs to, if it can still be accepted.
pub async fn invited<C: ConnectionTrait>(
    db: &C,
    invitation: &str,
    now: DateTime<Utc>,
) -> AppResult<app_user::Model> {
    app_user::Entity::find()
        .filter(app_user::Column::InviteHash.eq(hash_token(invitation)))
        .one(db)
        .await?
        .filter(|u| u.archived_at.is_none() && u.invite_expires_at.is_some_and(|e| e > now))
        .ok_or_else(invalid_invitation)
}

/// Sets the password of an invited account, or a new one through a reset link (the link is used
/// up). Every session the account had ends and a sign-in lock is lifted: whoever knew the old
/// password is signed out.
pub async fn accept_invitation<C: ConnectionTrait>(
    db: &C,
    invitation: &str,
    password: &str,
    now: DateTime<Utc>,
) -> AppResult<app_user::Model> {
    use sea_orm::sea_query::Expr;
    let mut user = invited(db, invitation, now).await?;
    check_password(password, &user)?;
    let password_hash = hash_password(password)?;
    // Used up by compare-and-set on the invitation itself: of two acceptances at the same moment
    // (both read it before either wrote), exactly one still finds it; the other is told it is used.
    let used = app_user::Entity::update_many()
        .col_expr(
            app_user::Column::PasswordHash,
            Expr::value(Some(password_hash.clone())),
        )
        .col_expr(app_user::Column::InviteHash, Expr::value(None::<String>))
        .col_expr(
            app_user::Column::InviteExpiresAt,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(app_user::Column::FailedSignIns, Expr::value(0))
        .col_expr(
            app_user::Column::LockedUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(app_user::Column::UpdatedAt, Expr::value(now))
        .filter(app_user::Column::Id.eq(user.id))
        .filter(app_user::Column::InviteHash.eq(hash_token(invitation)))
        .exec(db)
        .await?;
    if used.rows_affected != 1 {
        return Err(invalid_invitation());
    }
    revoke_sessions(db, user.id, now).await?;
    user.password_hash = Some(password_hash);
    user.invite_hash = None;
    user.invite_expires_at = None;
    user.failed_sign_ins = 0;
    user.locked_until = None;
    user.updated_at = now;
    Ok(user)
}

/// How long an account is locked after `failures` failed sign-ins in a row: nothing for the first
/// [`FREE_ATTEMPTS`], then 5 s doubling with each further failure, at most 15 minutes.
pub fn lock_after(failures: i32) -> Duration {
    let over = failures - FREE_ATTEMPTS;
    if over < 0 {
        return Duration::zero();
    }
    let seconds = 5i64.saturating_mul(1i64 << over.min(20));
    Duration::seconds(seconds.min(15 * 60))
}

fn wrong_credentials() -> AppError {
    AppError::Unauthenticated
}

/// A session's cookie secret and CSRF token, shown to the browser once.
pub struct NewSession {
    pub user: app_user::Model,
    pub secret: String,
    pub csrf: String,
}

/// Signs a person in. A wrong e-mail or password answers the same (no way to probe which
/// accounts exist); a locked account answers RATE_LIMITED with the time to wait.
pub async fn sign_in<C: ConnectionTrait>(
    db: &C,
    address: &str,
    password: &str,
    now: DateTime<Utc>,
) -> AppResult<NewSession> {
    let user = app_user::Entity::find()
        .filter(app_user::Column::Email.eq(address.trim().to_lowercase()))
        .one(db)
        .await?
        .filter(|u| u.archived_at.is_none());
    let Some(user) = user else {
        // Spend the time a real check costs, so a missing account is not told by the timing.
        let _ = hash_password(password);
        return Err(wrong_credentials());
    };
    let Some(user) = claim_attempt(db, user, now).await? else {
        return Err(AppError::rate_limited(
            "too many sign-ins at once for this account; try again in a moment",
            "for mange samtidige forsøg på denne konto; prøv igen om et øjeblik",
        ));
    };
    let user = match user {
        Claim::Locked(until) => {
            let wait = (until - now).num_seconds().max(1);
            return Err(AppError::rate_limited(
                format!("too many failed sign-ins; try again in {wait} seconds"),
                format!("for mange mislykkede forsøg; prøv igen om {wait} sekunder"),
            ));
        }
        Claim::Claimed(user) => user,
    };
    let good = user.password_hash.as_deref().is_some_and(|stored| {
        PasswordHash::new(stored)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    });
    if !good {
        // Counted already, when the attempt was claimed.
        return Err(wrong_credentials());
    }
    let mut m: app_user::ActiveModel = (*user).into();
    m.failed_sign_ins = Set(0);
    m.locked_until = Set(None);
    let user = m.update(db).await?;
    open_session(db, user, now).await
}

/// An attempt to sign in to an account that is not locked, counted before the password is
/// checked; or the time the account is locked until.
enum Claim {
    Claimed(Box<app_user::Model>),
    Locked(DateTime<Utc>),
}

/// How often a sign-in retries its claim when others claim the same account at the same moment.
const CLAIM_TRIES: usize = 8;

/// Counts an attempt as failed *before* its password is checked, by compare-and-set on the
/// failure count: `UPDATE ... SET failed_sign_ins = n + 1, locked_until = ... WHERE
/// failed_sign_ins = n AND not locked`. Of any number of concurrent attempts, each claims one
/// count or sees the lock, so no more passwords are checked than the lock allows (three before
/// the first wait); a good password then resets the count. Read-then-write would let 40
/// concurrent attempts all read "no failures" and check 40 passwords. None when others kept
/// winning the claim.
async fn claim_attempt<C: ConnectionTrait>(
    db: &C,
    mut user: app_user::Model,
    now: DateTime<Utc>,
) -> AppResult<Option<Claim>> {
    use sea_orm::sea_query::{Condition, Expr};
    for _ in 0..CLAIM_TRIES {
        if let Some(until) = user.locked_until.filter(|t| *t > now) {
            return Ok(Some(Claim::Locked(until)));
        }
        let failures = user.failed_sign_ins.saturating_add(1);
        let lock = lock_after(failures);
        let locked_until = (lock > Duration::zero()).then(|| now + lock);
        let claimed = app_user::Entity::update_many()
            .col_expr(app_user::Column::FailedSignIns, Expr::value(failures))
            .col_expr(app_user::Column::LockedUntil, Expr::value(locked_until))
            .filter(app_user::Column::Id.eq(user.id))
            .filter(app_user::Column::FailedSignIns.eq(user.failed_sign_ins))
            .filter(
                Condition::any()
                    .add(app_user::Column::LockedUntil.is_null())
                    .add(app_user::Column::LockedUntil.lte(now)),
            )
            .exec(db)
            .await?;
        if claimed.rows_affected == 1 {
            user.failed_sign_ins = failures;
            user.locked_until = locked_until;
            return Ok(Some(Claim::Claimed(Box::new(user))));
        }
        // Another attempt claimed first: read the count it left, and try again or see the lock.
        match app_user::Entity::find_by_id(user.id).one(db).await? {
            Some(u) => user = u,
            None => return Err(wrong_credentials()),
        }
    }
    Ok(None)
}

/// Opens a session for a person who has just proved who they are (by password, or by setting
/// it through their invitation).
pub async fn open_session<C: ConnectionTrait>(
    db: &C,
    user: app_user::Model,
    now: DateTime<Utc>,
) -> AppResult<NewSession> {
    let (secret, csrf) = (secret()?, secret()?);
    user_session::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        token_hash: Set(hash_token(&secret)),
        csrf_token: Set(csrf.clone()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + LIFETIME),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(NewSession { user, secret, csrf })
}

/// A live session: whose it is, and what it may do.
pub struct Session {
    pub session: user_session::Model,
    pub user: app_user::Model,
    pub principal: Principal,
    /// The language the person's pages are shown in (the web app's switch; Danish first).
    pub lang: crate::i18n::Lang,
}

/// The session of a cookie secret, if it is live: not revoked, not past its end, used within
/// [`IDLE`], its user not archived. Marks it used.
pub async fn session<C: ConnectionTrait>(
    db: &C,
    secret: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<Session>> {
    let Some(s) = user_session::Entity::find()
        .filter(user_session::Column::TokenHash.eq(hash_token(secret)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if s.revoked_at.is_some() || s.expires_at <= now || s.last_seen_at + IDLE <= now {
        return Ok(None);
    }
    let Some(user) = app_user::Entity::find_by_id(s.user_id)
        .one(db)
        .await?
        .filter(|u| u.archived_at.is_none())
    else {
        return Ok(None);
    };
    // One write a minute at most per session, not one per page.
    let session = if now - s.last_seen_at > Duration::minutes(1) {
        let mut m: user_session::ActiveModel = s.into();
        m.last_seen_at = Set(now);
        m.update(db).await?
    } else {
        s
    };
    let principal = user_principal(&user);
    Ok(Some(Session {
        session,
        user,
        principal,
        lang: crate::i18n::Lang::Da,
    }))
}

/// Ends one session (sign-out).
pub async fn sign_out<C: ConnectionTrait>(
    db: &C,
    session: user_session::Model,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut m: user_session::ActiveModel = session.into();
    m.revoked_at = Set(Some(now));
    m.update(db).await?;
    Ok(())
}

/// Ends every live session of a user (an administrator's revocation); how many were ended.
pub async fn revoke_sessions<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    use sea_orm::sea_query::Expr;
    let res = user_session::Entity::update_many()
        .col_expr(user_session::Column::RevokedAt, Expr::value(now))
        .filter(user_session::Column::UserId.eq(user_id))
        .filter(user_session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// The caller a user's account stands for: its role and scope, no API token.
pub fn user_principal(user: &app_user::Model) -> Principal {
    Principal {
        token_id: Uuid::nil(),
        user_id: Some(user.id),
        role: user.role,
        organisation_id: user.organisation_id,
        contractor_id: user.contractor_id,
        grant_ids: serde_json::from_value(user.grant_ids.clone()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_sign_ins_lock_for_a_growing_time() {
        assert_eq!(lock_after(1), Duration::zero());
        assert_eq!(lock_after(2), Duration::zero());
        assert_eq!(lock_after(3), Duration::seconds(5));
        assert_eq!(lock_after(4), Duration::seconds(10));
        assert_eq!(lock_after(6), Duration::seconds(40));
        assert_eq!(lock_after(12), Duration::minutes(15));
        assert_eq!(lock_after(i32::MAX), Duration::minutes(15));
    }

    #[test]
    fn passwords_are_argon2id() {
        let h = hash_password("en lang nok adgangskode").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        let parsed = PasswordHash::new(&h).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"en lang nok adgangskode", &parsed)
                .is_ok()
        );
        assert!(
            Argon2::default()
                .verify_password(b"forkert", &parsed)
                .is_err()
        );
    }
}
