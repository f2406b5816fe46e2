//! A grant's overrides of the rule parameters move from seven columns (basis points, hundredths,
//! days) into one JSON object keyed by the parameter table's names, with values in each
//! parameter's unit ({"MIN_TRAINEE_SHARE_PERCENT": "12.5"}): adding a parameter no longer needs
//! a column. Existing overrides and the grant images in the audit trail are converted, so
//! evaluations "as known at" a past time still see the overrides of then.

use sea_orm::ConnectionTrait;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use serde_json::{Map, Value};
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn name(s: &'static str) -> Alias {
    Alias::new(s)
}

/// (old column, new key, stored in hundredths?)
const COLUMNS: [(&str, &str, bool); 7] = [
    ("min_trainee_share_bp", "MIN_TRAINEE_SHARE_PERCENT", true),
    ("target_per_100m_x100", "TARGET_ARSVAERK_PER_100M_DKK", true),
    ("on_track_tolerance_bp", "ON_TRACK_TOLERANCE_PERCENT", true),
    ("hours_report_due_day", "HOURS_REPORT_DUE_DAY", false),
    (
        "max_meeting_interval_days",
        "MAX_MEETING_INTERVAL_DAYS",
        false,
    ),
    ("trial_outcome_due_days", "TRIAL_OUTCOME_DUE_DAYS", false),
    ("overtime_allowance_bp", "OVERTIME_ALLOWANCE_PERCENT", true),
];

/// 1250 hundredths -> "12.5"; 1400 -> "14".
fn hundredths(v: i64) -> String {
    let (whole, part) = (v / 100, v % 100);
    if part == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{part:02}")
            .trim_end_matches('0')
            .to_owned()
    }
}

/// The JSON object for the old values (None when none is set).
fn overrides(values: &[Option<i64>]) -> Option<Value> {
    let mut out = Map::new();
    for ((_, key, scaled), v) in COLUMNS.iter().zip(values) {
        if let Some(v) = v {
            let text = if *scaled {
                hundredths(*v)
            } else {
                v.to_string()
            };
            out.insert((*key).to_owned(), Value::String(text));
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// An audit image of a grant in the new shape.
fn convert_image(image: &mut Value) -> bool {
    let Some(obj) = image.as_object_mut() else {
        return false;
    };
    if !COLUMNS.iter().any(|(c, _, _)| obj.contains_key(*c)) {
        return false;
    }
    let values: Vec<Option<i64>> = COLUMNS
        .iter()
        .map(|(c, _, _)| obj.remove(*c).and_then(|v| v.as_i64()))
        .collect();
    obj.insert(
        "parameter_overrides".into(),
        overrides(&values).unwrap_or(Value::Null),
    );
    true
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(name("lbf_grant"))
                    .add_column(json_null(name("parameter_overrides")))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = db.get_database_backend();

        let mut select = Query::select();
        select.column(name("id")).from(name("lbf_grant"));
        for (c, _, _) in COLUMNS {
            select.column(name(c));
        }
        for row in db.query_all_raw(backend.build(&select)).await? {
            let id: Uuid = row.try_get("", "id")?;
            let mut values = Vec::new();
            for (c, _, _) in COLUMNS {
                values.push(row.try_get::<Option<i32>>("", c)?.map(i64::from));
            }
            if let Some(json) = overrides(&values) {
                let update = Query::update()
                    .table(name("lbf_grant"))
                    .value(name("parameter_overrides"), json)
                    .and_where(Expr::col(name("id")).eq(id))
                    .to_owned();
                db.execute_raw(backend.build(&update)).await?;
            }
        }

        let audits = Query::select()
            .columns([name("id"), name("before"), name("after")])
            .from(name("audit_log"))
            .and_where(Expr::col(name("entity")).eq("Grant"))
            .to_owned();
        for row in db.query_all_raw(backend.build(&audits)).await? {
            let id: Uuid = row.try_get("", "id")?;
            let mut before: Option<Value> = row.try_get("", "before")?;
            let mut after: Option<Value> = row.try_get("", "after")?;
            let a = before.as_mut().is_some_and(convert_image);
            let b = after.as_mut().is_some_and(convert_image);
            if a || b {
                let update = Query::update()
                    .table(name("audit_log"))
                    .value(name("before"), before)
                    .value(name("after"), after)
                    .and_where(Expr::col(name("id")).eq(id))
                    .to_owned();
                db.execute_raw(backend.build(&update)).await?;
            }
        }

        // One column per statement: SQLite alters one thing at a time.
        for (c, _, _) in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(name("lbf_grant"))
                        .drop_column(name(c))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The old columns come back empty: overrides fall back to the defaults.
        for (c, _, _) in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(name("lbf_grant"))
                        .add_column(integer_null(name(c)))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(name("lbf_grant"))
                    .drop_column(name("parameter_overrides"))
                    .to_owned(),
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_values_become_the_tables_units() {
        assert_eq!(hundredths(1250), "12.5");
        assert_eq!(hundredths(1400), "14");
        assert_eq!(hundredths(5), "0.05");
        let json = overrides(&[Some(1250), None, None, Some(15), None, None, Some(2500)]);
        assert_eq!(
            json,
            Some(serde_json::json!({
                "MIN_TRAINEE_SHARE_PERCENT": "12.5",
                "HOURS_REPORT_DUE_DAY": "15",
                "OVERTIME_ALLOWANCE_PERCENT": "25"
            }))
        );
        let mut image = serde_json::json!({ "id": "x", "min_trainee_share_bp": 700, "hours_report_due_day": null });
        assert!(convert_image(&mut image));
        assert_eq!(
            image,
            serde_json::json!({ "id": "x", "parameter_overrides": { "MIN_TRAINEE_SHARE_PERCENT": "7" } })
        );
    }
}
