//! Demo data modelled on Korsløkkeparken / Byg til Vækst (Odense): one organisation, estate and
//! grant, a main contractor with subcontractors, trainees of several kinds, monthly hours,
//! snusepraktik placements with outcomes, and a følgegruppe with meetings. Organisations are the
//! real ones named in the seed document; every person, CVR number and figure is invented.
//! Everything is written through the service layer, so the demo passes the same validation as
//! users' data, in one transaction. The data is a file, `demo.toml`, read by [`load`].
//!
//! The demo is built relative to the day it is loaded, so that evaluated today it tells a story:
//! a site in the middle of construction (started 1 January of this year, or of last year before
//! April), every month up to last month reported (mostly by the 5th, the VVS contractor's a few
//! times late), the carpenter behind on its clause, a snusepraktik waiting for its outcome, and
//! the følgegruppe's next meeting coming due.

mod load;

use chrono::{Datelike, NaiveDate};
use entity::enums::*;
use entity::grant;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

pub const DEMO_CASE_NUMBER: &str = "LBF-2020-0417";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

/// Loads the demo scenario relative to today (Danish date); returns a one-paragraph summary.
/// Refuses to load it twice.
pub async fn seed_demo(db: &DatabaseConnection) -> anyhow::Result<String> {
    seed_demo_on(db, crate::units::danish_today()).await
}

/// The demo as if loaded on `today` (tests fix the day).
pub async fn seed_demo_on(db: &DatabaseConnection, today: NaiveDate) -> anyhow::Result<String> {
    if demo_loaded(db).await {
        return Ok(format!(
            "demo data is already loaded (grant {DEMO_CASE_NUMBER})"
        ));
    }
    let loaded: anyhow::Result<String> = async {
        let demo = load::demo()?;
        let txn = db.begin().await?;
        let summary = load::load(&txn, &demo, today)
            .await
            .map_err(|e| anyhow::anyhow!("demo data refused: {}", e.message()))?;
        // The demo is written through the services, not the audited mutations, so its hours get
        // their rollups the way a bulk load does.
        crate::service::rollup::backfill(&txn)
            .await
            .map_err(|e| anyhow::anyhow!("demo data refused: {}", e.message()))?;
        // And it is a write like any other: last, the change stamp (`crate::stamp`).
        crate::stamp::bump(&txn)
            .await
            .map_err(|e| anyhow::anyhow!("demo data refused: {}", e.message()))?;
        txn.commit().await?;
        Ok(summary)
    }
    .await;
    match loaded {
        Ok(summary) => Ok(summary),
        // Another process loaded it while this one did (two `serve --demo` on one fresh
        // database): its unique case number refused this copy, and the demo is there.
        Err(e) if demo_loaded(db).await => {
            tracing::info!(error = %e, "the demo was loaded by another process at the same time");
            Ok(format!(
                "demo data is already loaded (grant {DEMO_CASE_NUMBER})"
            ))
        }
        Err(e) => Err(e),
    }
}

async fn demo_loaded(db: &DatabaseConnection) -> bool {
    grant::Entity::find()
        .filter(grant::Column::CaseNumber.eq(DEMO_CASE_NUMBER))
        .one(db)
        .await
        .is_ok_and(|g| g.is_some())
}

/// What the demo's tokens and users are scoped to: its grant, its housing organisation and its
/// main contractor.
struct DemoScope {
    grant: grant::Model,
    organisation_id: uuid::Uuid,
    contractor_id: uuid::Uuid,
}

async fn demo_scope(db: &DatabaseConnection) -> anyhow::Result<DemoScope> {
    let grant = grant::Entity::find()
        .filter(grant::Column::CaseNumber.eq(DEMO_CASE_NUMBER))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("load the demo data first"))?;
    let estate = entity::estate::Entity::find_by_id(grant.estate_id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo grant's estate is missing"))?;
    let main = entity::contract::Entity::find()
        .filter(entity::contract::Column::GrantId.eq(grant.id))
        .filter(entity::contract::Column::Kind.eq(ContractKind::Main))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo grant's main contract is missing"))?;
    Ok(DemoScope {
        grant,
        organisation_id: estate.organisation_id,
        contractor_id: main.contractor_id,
    })
}

/// A token for each of `roles`, scoped to the demo grant's organisation, main contractor and
/// grant, so a new user can try each view. Returns (role, token) pairs; tokens are shown once.
pub async fn demo_tokens(
    db: &DatabaseConnection,
    roles: &[Role],
) -> anyhow::Result<Vec<(Role, String)>> {
    let DemoScope {
        grant,
        organisation_id,
        contractor_id,
    } = demo_scope(db).await?;
    let mut out = Vec::new();
    for &role in roles {
        let input = crate::auth::CreateApiTokenInput {
            name: format!("demo {role:?}"),
            role,
            organisation_id: Some(organisation_id),
            contractor_id: Some(contractor_id),
            grant_ids: vec![grant.id],
            expires_at: None,
        };
        let (_, token) = crate::auth::create_token(db, input)
            .await
            .map_err(|e| anyhow::anyhow!(e.message()))?;
        out.push((role, token));
    }
    Ok(out)
}

/// The site's dates relative to `today`: construction from 1 January of this year (of last year
/// before April, so there are months to show), planned handover after two years.
pub fn demo_period(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let year = if today.month() >= 4 {
        today.year()
    } else {
        today.year() - 1
    };
    (date(year, 1, 1), date(year + 1, 12, 31))
}

/// A user account for each of `roles` with the same scopes as [`demo_tokens`], signed up with a
/// generated password: (role, e-mail, password), shown once. Accounts made by an earlier run are
/// given a new password.
pub async fn demo_users(
    db: &DatabaseConnection,
    roles: &[Role],
) -> anyhow::Result<Vec<(Role, String, String)>> {
    let DemoScope {
        grant,
        organisation_id,
        contractor_id,
    } = demo_scope(db).await?;
    let now = crate::clock::now();
    let mut out = Vec::new();
    for &role in roles {
        let name = format!("{role:?}").to_lowercase();
        let email = format!("{name}@demo.example");
        // Letters and digits only, 20 of them: easy to copy from a terminal.
        let password: String = uuid::Uuid::new_v4().simple().to_string()[..20].to_owned();
        let existing = entity::app_user::Entity::find()
            .filter(entity::app_user::Column::Email.eq(&email))
            .one(db)
            .await?;
        let txn = db.begin().await?;
        let invitation = match existing {
            Some(u) => {
                use sea_orm::{ActiveModelTrait, Set};
                let secret = uuid::Uuid::new_v4().simple().to_string();
                let mut m: entity::app_user::ActiveModel = u.into();
                m.invite_hash = Set(Some(crate::auth::hash_token(&secret)));
                m.invite_expires_at = Set(Some(now + chrono::Duration::hours(1)));
                m.update(&txn).await?;
                secret
            }
            None => {
                let input = crate::accounts::InviteUserInput {
                    email: email.clone(),
                    display_name: format!("Demo {}", crate::auth::role_name(role).to_lowercase()),
                    role,
                    organisation_id: Some(organisation_id),
                    contractor_id: Some(contractor_id),
                    grant_ids: vec![grant.id],
                };
                crate::accounts::invite(&txn, &crate::auth::Principal::system(), input, now)
                    .await
                    .map_err(|e| anyhow::anyhow!(e.message()))?
                    .1
            }
        };
        crate::accounts::accept_invitation(&txn, &invitation, &password, now)
            .await
            .map_err(|e| anyhow::anyhow!(e.message()))?;
        txn.commit().await?;
        out.push((role, email, password));
    }
    Ok(out)
}
