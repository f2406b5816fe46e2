//! Migrations that move data, checked on data of the older shape (SQLite, and PostgreSQL with
//! `TEST_DATABASE_URL`).

use chrono::Utc;
use migration::{Migrator, MigratorTrait};
use rust_decimal_macros::dec;
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, Database, EntityTrait};
use tests::BlankDatabase;
use uuid::Uuid;

/// A grant with the old per-column overrides (12.50 % minimum share, reports due the 15th) and an
/// audit image of the same shape become one JSON object in the parameter table's units, so the
/// engine and "as known at" evaluations read the same overrides as before; and the grant gets
/// the revision row every grant has since.
#[tokio::test]
async fn rule_parameter_columns_become_one_object_with_their_history() {
    let blank = BlankDatabase::new().await;
    let db = Database::connect(&blank.url).await.unwrap();
    Migrator::up(&db, Some(6)).await.unwrap();
    let backend = db.get_database_backend();
    let now = Utc::now();
    let (org, estate, grant) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let a = Alias::new;
    let inserts = [
        Query::insert()
            .into_table(a("housing_organisation"))
            .columns([a("id"), a("name"), a("created_at"), a("updated_at")])
            .values_panic([org.into(), "Boligselskabet".into(), now.into(), now.into()])
            .to_owned(),
        Query::insert()
            .into_table(a("estate"))
            .columns([
                a("id"),
                a("organisation_id"),
                a("name"),
                a("municipality"),
                a("is_vulnerable_area"),
                a("created_at"),
                a("updated_at"),
            ])
            .values_panic([
                estate.into(),
                org.into(),
                "Afdeling 1".into(),
                "Odense".into(),
                false.into(),
                now.into(),
                now.into(),
            ])
            .to_owned(),
        Query::insert()
            .into_table(a("lbf_grant"))
            .columns([
                a("id"),
                a("estate_id"),
                a("case_number"),
                a("title"),
                a("kind"),
                a("commitment_year"),
                a("stage"),
                a("min_trainee_share_bp"),
                a("hours_report_due_day"),
                a("created_at"),
                a("updated_at"),
            ])
            .values_panic([
                grant.into(),
                estate.into(),
                "LBF-1".into(),
                "Helhedsplan".into(),
                "renovation".into(),
                2021.into(),
                "skema_b".into(),
                1250.into(),
                15.into(),
                now.into(),
                now.into(),
            ])
            .to_owned(),
        Query::insert()
            .into_table(a("audit_log"))
            .columns([
                a("id"),
                a("token_id"),
                a("at"),
                a("entity"),
                a("entity_id"),
                a("operation"),
                a("after"),
            ])
            .values_panic([
                Uuid::now_v7().into(),
                Uuid::nil().into(),
                now.into(),
                "Grant".into(),
                grant.into(),
                "update".into(),
                serde_json::json!({ "id": grant, "min_trainee_share_bp": 700, "overtime_allowance_bp": null }).into(),
            ])
            .to_owned(),
    ];
    for stmt in &inserts {
        db.execute_raw(backend.build(stmt)).await.unwrap();
    }

    Migrator::up(&db, None).await.unwrap();

    let g = entity::grant::Entity::find_by_id(grant)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        g.parameter_overrides,
        Some(
            serde_json::json!({ "MIN_TRAINEE_SHARE_PERCENT": "12.5", "HOURS_REPORT_DUE_DAY": "15" })
        )
    );
    let p = api::compliance::Params::with_stored(g.id, g.parameter_overrides.as_ref());
    assert_eq!(p.min_share(), dec!(0.125));
    assert_eq!(p.hours_report_due_day(), 15);
    assert_eq!(
        p.max_meeting_interval_days(),
        61,
        "the rest keep their defaults"
    );

    let audit = entity::audit_log::Entity::find().all(&db).await.unwrap();
    assert_eq!(
        audit[0].after,
        Some(
            serde_json::json!({ "id": grant, "parameter_overrides": { "MIN_TRAINEE_SHARE_PERCENT": "7" } })
        )
    );

    // Never written since the revisions came, the grant got its revision row (revision 0) with
    // a salt below 2^40, so a dashboard's state counts it.
    let r = entity::grant_revision::Entity::find_by_id(grant)
        .one(&db)
        .await
        .unwrap()
        .expect("a revision row");
    assert_eq!(r.revision, 0);
    assert!((0..1i64 << 40).contains(&r.salt), "{}", r.salt);
    db.close().await.ok();
}
