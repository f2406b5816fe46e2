//! The whole domain model of the first release: organisations, estates, LBF grants, contractors,
//! contracts with training clauses, persons, trainee placements, monthly hours, snusepraktik,
//! følgegrupper, meetings and action items.
//!
//! ON DELETE is chosen per reference: evidence (hours, placements, meetings) is RESTRICTed so a hard
//! delete cannot silently remove it; rows that are parts of their parent (report lines, group
//! members, attendance) CASCADE; an optional host contractor is SET NULL.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn name(s: &'static str) -> Alias {
    Alias::new(s)
}

/// A table with a UUID primary key and the created/updated/archived columns every entity has.
fn entity_table(table: &'static str, columns: Vec<ColumnDef>) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(name(table)).col(pk_uuid(name("id")));
    for mut c in columns {
        t.col(&mut c);
    }
    t.col(timestamp_with_time_zone(name("created_at")))
        .col(timestamp_with_time_zone(name("updated_at")))
        .col(timestamp_with_time_zone_null(name("archived_at")));
    t.take()
}

fn fk(
    t: &mut TableCreateStatement,
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) {
    t.foreign_key(
        ForeignKey::create()
            .name(format!("fk_{table}_{column}"))
            .from(name(table), name(column))
            .to(name(target), name("id"))
            .on_delete(on_delete)
            .on_update(ForeignKeyAction::Cascade),
    );
}

async fn index(
    manager: &SchemaManager<'_>,
    table: &'static str,
    columns: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut i = Index::create();
    i.name(format!(
        "{}_{}_{}",
        if unique { "ux" } else { "ix" },
        table,
        columns.join("_")
    ))
    .table(name(table));
    for c in columns {
        i.col(name(c));
    }
    if unique {
        i.unique();
    }
    manager.create_index(i).await
}

/// Housing organisations, estates, grants, contractors and contracts.
async fn site_tables(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(entity_table(
        "housing_organisation",
        vec![string(name("name")), string_len_null(name("cvr"), 8)],
    ))
    .await?;

    let mut t = entity_table(
        "estate",
        vec![
            uuid(name("organisation_id")),
            string(name("name")),
            string(name("municipality")),
            string_null(name("address")),
            boolean(name("is_vulnerable_area")),
        ],
    );
    fk(
        &mut t,
        "estate",
        "organisation_id",
        "housing_organisation",
        Restrict,
    );
    m.create_table(t).await?;
    index(m, "estate", &["organisation_id"], false).await?;
    index(m, "estate", &["municipality"], false).await?;

    let mut t = entity_table(
        "lbf_grant",
        vec![
            uuid(name("estate_id")),
            string_len_uniq(name("case_number"), 64),
            string(name("title")),
            string_len(name("kind"), 16),
            integer(name("commitment_year")),
            string_len(name("stage"), 8),
            big_integer_null(name("craftsman_cost_ore")),
            date_null(name("construction_start")),
            date_null(name("planned_handover")),
            date_null(name("actual_handover")),
            integer_null(name("min_trainee_share_bp")),
            integer_null(name("target_per_100m_x100")),
            integer_null(name("on_track_tolerance_bp")),
            integer_null(name("hours_report_due_day")),
            integer_null(name("max_meeting_interval_days")),
            integer_null(name("trial_outcome_due_days")),
            integer_null(name("overtime_allowance_bp")),
        ],
    );
    fk(&mut t, "lbf_grant", "estate_id", "estate", Restrict);
    m.create_table(t).await?;
    index(m, "lbf_grant", &["estate_id"], false).await?;
    index(m, "lbf_grant", &["commitment_year"], false).await?;
    index(m, "lbf_grant", &["stage"], false).await?;

    m.create_table(entity_table(
        "contractor",
        vec![string_len_uniq(name("cvr"), 8), string(name("name"))],
    ))
    .await?;

    let mut t = entity_table(
        "contract",
        vec![
            uuid(name("grant_id")),
            uuid(name("contractor_id")),
            string_len(name("kind"), 8),
            uuid_null(name("parent_contract_id")),
            string(name("trade")),
            big_integer(name("value_ore")),
            date(name("start_date")),
            date(name("end_date")),
            big_integer_null(name("clause_required_centihours")),
            integer_null(name("clause_required_share_bp")),
            text_null(name("exemption_reason")),
            string_null(name("exemption_approved_by")),
            date_null(name("exemption_date")),
        ],
    );
    fk(&mut t, "contract", "grant_id", "lbf_grant", Restrict);
    fk(&mut t, "contract", "contractor_id", "contractor", Restrict);
    fk(
        &mut t,
        "contract",
        "parent_contract_id",
        "contract",
        Restrict,
    );
    m.create_table(t).await?;
    index(m, "contract", &["grant_id"], false).await?;
    index(m, "contract", &["contractor_id"], false).await?;
    index(m, "contract", &["parent_contract_id"], false).await?;
    index(m, "contract", &["trade"], false).await?;
    index(m, "contract", &["kind"], false).await?;
    Ok(())
}

/// Persons, their placements, and the monthly hours reports with their lines.
async fn people_and_hours_tables(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(entity_table(
        "person",
        vec![
            string(name("display_name")),
            integer_null(name("birth_year")),
            boolean(name("lives_in_estate")),
            date_null(name("consent_date")),
            timestamp_with_time_zone_null(name("erased_at")),
        ],
    ))
    .await?;

    let mut t = entity_table(
        "placement",
        vec![
            uuid(name("person_id")),
            uuid(name("grant_id")),
            uuid(name("contract_id")),
            string_len(name("kind"), 32),
            string(name("trade")),
            date(name("start_date")),
            date_null(name("end_date")),
            string_len(name("status"), 16),
        ],
    );
    fk(&mut t, "placement", "person_id", "person", Restrict);
    fk(&mut t, "placement", "grant_id", "lbf_grant", Restrict);
    fk(&mut t, "placement", "contract_id", "contract", Restrict);
    m.create_table(t).await?;
    for c in [
        "person_id",
        "grant_id",
        "contract_id",
        "kind",
        "status",
        "trade",
    ] {
        index(m, "placement", &[c], false).await?;
    }

    let mut t = entity_table(
        "hours_report",
        vec![
            uuid(name("contract_id")),
            date(name("month")),
            big_integer(name("total_centihours")),
            timestamp_with_time_zone(name("reported_at")),
        ],
    );
    fk(&mut t, "hours_report", "contract_id", "contract", Restrict);
    m.create_table(t).await?;
    // One report per contract and month; the unique index also serves lookups by contract.
    index(m, "hours_report", &["contract_id", "month"], true).await?;
    index(m, "hours_report", &["month"], false).await?;

    let mut t = entity_table(
        "hours_line",
        vec![
            uuid(name("report_id")),
            uuid(name("placement_id")),
            big_integer(name("centihours")),
        ],
    );
    fk(&mut t, "hours_line", "report_id", "hours_report", Cascade);
    fk(&mut t, "hours_line", "placement_id", "placement", Restrict);
    m.create_table(t).await?;
    index(m, "hours_line", &["report_id", "placement_id"], true).await?;
    index(m, "hours_line", &["placement_id"], false).await?;
    Ok(())
}

/// Snusepraktik placements, and the følgegruppe with its members, meetings and action items.
async fn follow_up_tables(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut t = entity_table(
        "trial_placement",
        vec![
            uuid(name("person_id")),
            uuid(name("grant_id")),
            uuid_null(name("host_contractor_id")),
            string(name("tovholder")),
            date(name("start_date")),
            date(name("end_date")),
            json(name("trades_tried")),
            string_len_null(name("outcome"), 24),
            date_null(name("outcome_date")),
            text_null(name("next_plan")),
        ],
    );
    fk(&mut t, "trial_placement", "person_id", "person", Restrict);
    fk(&mut t, "trial_placement", "grant_id", "lbf_grant", Restrict);
    fk(
        &mut t,
        "trial_placement",
        "host_contractor_id",
        "contractor",
        SetNull,
    );
    m.create_table(t).await?;
    for c in [
        "person_id",
        "grant_id",
        "host_contractor_id",
        "start_date",
        "outcome",
    ] {
        index(m, "trial_placement", &[c], false).await?;
    }

    let mut t = entity_table(
        "follow_up_group",
        vec![
            uuid_uniq(name("grant_id")),
            string(name("name")),
            integer(name("cadence_days")),
        ],
    );
    fk(&mut t, "follow_up_group", "grant_id", "lbf_grant", Restrict);
    m.create_table(t).await?;

    let mut t = entity_table(
        "group_member",
        vec![
            uuid(name("group_id")),
            string(name("name")),
            string(name("organisation")),
            string_len(name("role"), 24),
        ],
    );
    fk(
        &mut t,
        "group_member",
        "group_id",
        "follow_up_group",
        Cascade,
    );
    m.create_table(t).await?;
    index(m, "group_member", &["group_id"], false).await?;

    let mut t = entity_table(
        "meeting",
        vec![
            uuid(name("group_id")),
            date(name("date")),
            integer(name("duration_minutes")),
            text_null(name("minutes")),
            text_null(name("decisions")),
        ],
    );
    fk(&mut t, "meeting", "group_id", "follow_up_group", Restrict);
    m.create_table(t).await?;
    index(m, "meeting", &["group_id", "date"], false).await?;

    let mut t = Table::create();
    t.table(name("meeting_attendee"))
        .col(uuid(name("meeting_id")))
        .col(uuid(name("member_id")))
        .primary_key(
            Index::create()
                .col(name("meeting_id"))
                .col(name("member_id")),
        );
    fk(&mut t, "meeting_attendee", "meeting_id", "meeting", Cascade);
    fk(
        &mut t,
        "meeting_attendee",
        "member_id",
        "group_member",
        Restrict,
    );
    m.create_table(t).await?;
    index(m, "meeting_attendee", &["member_id"], false).await?;

    let mut t = entity_table(
        "action_item",
        vec![
            uuid(name("meeting_id")),
            text(name("description")),
            string(name("owner")),
            date_null(name("due_date")),
            boolean(name("done")),
            timestamp_with_time_zone_null(name("done_at")),
        ],
    );
    fk(&mut t, "action_item", "meeting_id", "meeting", Restrict);
    m.create_table(t).await?;
    index(m, "action_item", &["meeting_id"], false).await?;
    index(m, "action_item", &["due_date"], false).await?;
    Ok(())
}

use ForeignKeyAction::{Cascade, Restrict, SetNull};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        site_tables(manager).await?;
        people_and_hours_tables(manager).await?;
        follow_up_tables(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "action_item",
            "meeting_attendee",
            "meeting",
            "group_member",
            "follow_up_group",
            "trial_placement",
            "hours_line",
            "hours_report",
            "placement",
            "person",
            "contract",
            "contractor",
            "lbf_grant",
            "estate",
            "housing_organisation",
        ] {
            manager
                .drop_table(Table::drop().table(name(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
