//! Benchmark: builds a national-scale dataset (default 500 grants, 6 contracts each, 24 months of
//! hours with 2 trainees per contract) in a fresh database, runs ANALYZE, and measures
//! 1. each question through the GraphQL schema in this process: the first (cold) run and the
//!    warm ones, with the SQL statements each made;
//! 2. the national dashboard, one grant's compliance and a nested list over HTTP with `wrk`
//!    (Debian's package) at 1 and 8 clients: p50/p95/p99, requests/s, the server's CPU per
//!    request, and the server's peak memory under 8 dashboards;
//! 3. beside each, the floor: one hand-written SQL statement for the same numbers over the raw
//!    rows, and the tracker's p50 as a multiple of it;
//! 4. while a writer reports one month a second: the dashboard, the dashboard with each grant's
//!    estate and a bygherre's `/app` at 8 clients, and the writes' own latency; then a fresh
//!    server process's first dashboard against the hand SQL over the rollup, and its peak
//!    memory under 8 clients on three dashboard variants (`writes.rs`).
//!
//! ```sh
//! cargo run --release -p api --bin bench -- [GRANTS] [RUNS]
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench cargo run --release -p api --bin bench -- 5000
//! ```
//!
//! Without DATABASE_URL it uses a SQLite file in a temporary directory. A PostgreSQL database
//! named in DATABASE_URL must be empty (it is migrated, filled and left for inspection).
//! BENCH_SECONDS sets the length of each HTTP run (default 10).

// Release builds compute the layout of the whole schema's resolver futures in one crate; the
// merged Query is deeper than rustc's default limit of 128.
#![recursion_limit = "256"]

mod floor;
mod load;
mod writes;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use api::auth::Principal;
use api::config::PageLimits;
use api::graphql::build_schema;
use chrono::{Months, NaiveDate, Utc};
use entity::enums::*;

// mimalloc: a GraphQL answer is thousands of small allocations freed together, where glibc's
// malloc spent a quarter of the dashboard's CPU (consolidating and unlinking free chunks).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use entity::*;
use sea_orm::{ActiveValue::Set, EntityTrait};
use uuid::Uuid;

const CONTRACTS_PER_GRANT: usize = 6;
const MONTHS: u32 = 24;

fn main() -> anyhow::Result<()> {
    api::run_main(run())
}

async fn run() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let grants: usize = args.next().map(|v| v.parse()).transpose()?.unwrap_or(500);
    let runs: usize = args.next().map(|v| v.parse()).transpose()?.unwrap_or(5);
    let dir = tempfile_dir();
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.sqlite?mode=rwc", dir.display()));
    let backend = if url.starts_with("sqlite") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let mut db = api::db::connect_and_migrate(&url).await?;

    let t = Instant::now();
    let counts = fill(&db, grants).await?;
    // A bulk load writes no audit rows, so nothing keeps its rollups: make them, as a server
    // starting on loaded data does.
    api::service::rollup::backfill(&db)
        .await
        .map_err(|e| anyhow::anyhow!("rollups: {e:?}"))?;
    println!(
        "dataset ({backend}): {counts} in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    // A live database has statistics; right after a bulk insert the planner has none and scans
    // whole tables where an index lookup is right. Measure what production runs.
    {
        use sea_orm::ConnectionTrait;
        db.execute_unprepared("ANALYZE").await?;
    }

    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    let schema = build_schema(db.clone(), PageLimits::default());
    let first_grant = grant::Entity::find().one(&db).await?.expect("a grant").id;
    let org = housing_organisation::Entity::find()
        .one(&db)
        .await?
        .expect("the organisation")
        .id;
    let busy_contractor = contract::Entity::find()
        .one(&db)
        .await?
        .expect("a contract")
        .contractor_id;
    let admin = Principal::system();
    // Scoped callers: their reads carry the role's IN-subqueries.
    let scoped = |role, organisation_id, contractor_id| Principal {
        token_id: Uuid::now_v7(),
        user_id: None,
        role,
        organisation_id,
        contractor_id,
        grant_ids: vec![],
    };
    let bygherre = scoped(Role::Bygherre, Some(org), None);
    let contractor_caller = scoped(Role::Contractor, None, Some(busy_contractor));

    // Every evaluation as known now, after the load: the dataset's rows were all recorded now,
    // so the default (the end of the as-of day, 2025) would find none of them. One fixed time,
    // so repeated runs ask the same question (and may be answered from the cache).
    let known = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let cases: Vec<(&str, String)> = vec![
        (
            "complianceDashboard (all grants, sorted by shortfall)",
            format!(
                "{{ complianceDashboard(sort: SHORTFALL_DESC, asOf: \"2025-06-15\", knownAt: \"{known}\") {{ status metrics {{ sharePercent shortfallHours }} findings {{ rule }} }} }}"
            ),
        ),
        (
            "contractorRanking (all grants)",
            format!(
                "{{ contractorRanking(asOf: \"2025-06-15\", knownAt: \"{known}\") {{ contractorName metrics {{ shortfallHours }} grantsBehind }} }}"
            ),
        ),
        (
            "grants(first: 100) with compliance and contracts",
            format!(
                "{{ grants(first: 100) {{ edges {{ node {{ caseNumber compliance(asOf: \"2025-06-15\", knownAt: \"{known}\") {{ status }} contracts {{ contractor {{ name }} hoursReports {{ totalHours }} }} }} }} }} }}"
            ),
        ),
        (
            "one grant: compliance + time series",
            format!(
                "{{ compliance(grantId: \"{first_grant}\", asOf: \"2025-06-15\", knownAt: \"{known}\") {{ status findings {{ message }} }} complianceTimeSeries(grantId: \"{first_grant}\", asOf: \"2025-06-15\", knownAt: \"{known}\") {{ month cumulativeSharePercent }} }}"
            ),
        ),
    ];
    let dashboard = cases[0].1.clone();
    let dashboard_query = dashboard.clone();
    let mut cases: Vec<(&str, String, &Principal)> =
        cases.into_iter().map(|(n, q)| (n, q, &admin)).collect();
    cases.push((
        "complianceDashboard as BYGHERRE (its organisation: all grants)",
        dashboard,
        &bygherre,
    ));
    cases.push((
        "CONTRACTOR: its contracts with hours, and its ranking row",
        format!("{{ contracts(first: 100) {{ edges {{ node {{ trade grant {{ caseNumber }} hoursReports {{ totalHours traineeHours }} }} }} }} contractorRanking(asOf: \"2025-06-15\", knownAt: \"{known}\") {{ contractorName metrics {{ sharePercent }} }} }}"),
        &contractor_caller,
    ));
    // The first run evaluates every grant (nothing cached); later runs find the evaluations in
    // the cache, keyed by each grant's revision, and only check the revisions.
    println!(
        "\n| query | first (cold) | median (warm) | min | max | SQL statements (cold / warm) |\n| --- | --- | --- | --- | --- | --- |"
    );
    for (name, query, who) in cases {
        let mut times = Vec::with_capacity(runs);
        let mut stmts = Vec::with_capacity(runs);
        for _ in 0..runs {
            statements.store(0, Ordering::Relaxed);
            let t = Instant::now();
            let req = async_graphql::Request::new(query.as_str()).data(who.clone());
            let res = schema.execute(req).await;
            times.push(t.elapsed());
            anyhow::ensure!(res.errors.is_empty(), "{name}: {:?}", res.errors);
            stmts.push(statements.load(Ordering::Relaxed));
        }
        print_row(name, times, &stmts);
    }

    // A write between runs: one grant's revision moves each time, so that grant is evaluated
    // again and the answer resolved afresh (what the first read after a write costs).
    {
        use sea_orm::{EntityTrait, QuerySelect};
        let ids: Vec<Uuid> = entity::grant::Entity::find()
            .select_only()
            .column(entity::grant::Column::Id)
            .limit(runs as u64)
            .into_tuple()
            .all(&db)
            .await?;
        let mut times = Vec::with_capacity(runs);
        let mut stmts = Vec::with_capacity(runs);
        for id in &ids {
            api::service::revision::bump(&db, vec![*id])
                .await
                .map_err(|e| anyhow::anyhow!("bump: {e:?}"))?;
            statements.store(0, Ordering::Relaxed);
            let t = Instant::now();
            let req = async_graphql::Request::new(dashboard_query.as_str()).data(admin.clone());
            let res = schema.execute(req).await;
            times.push(t.elapsed());
            anyhow::ensure!(res.errors.is_empty(), "after a write: {:?}", res.errors);
            stmts.push(statements.load(Ordering::Relaxed));
        }
        print_row(
            "complianceDashboard, one grant written before each run",
            times,
            &stmts,
        );
    }

    over_http(&db, &schema, grants, first_grant, &known, runs.max(20)).await?;
    writes::section(&db, &schema, runs.max(20)).await
}

/// One line of the in-process table: the first run, the median, min and max, and the statements
/// of the first and last run.
fn print_row(name: &str, mut times: Vec<Duration>, stmts: &[usize]) {
    let (Some(first), Some(first_stmts), Some(last_stmts)) =
        (times.first().copied(), stmts.first(), stmts.last())
    else {
        return;
    };
    times.sort();
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!(
        "| {name} | {} | {} | {} | {} | {first_stmts} / {last_stmts} |",
        ms(first),
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
    );
}

/// The HTTP part: the server on a loopback port, wrk at 1 and 8 clients, the floor beside it.
async fn over_http(
    db: &sea_orm::DatabaseConnection,
    schema: &api::graphql::AppSchema,
    grants: usize,
    first_grant: Uuid,
    known: &str,
    floor_runs: usize,
) -> anyhow::Result<()> {
    if !load::available() {
        println!("\nwrk is not installed (apt-get install -y wrk): the HTTP figures are skipped.");
        return Ok(());
    }
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let (url, token) = load::serve(db, schema).await?;

    let as_of = "2025-06-15";
    let cases = [
        (
            format!("national complianceDashboard ({grants} grants, all figures, by shortfall)"),
            format!(
                "{{ complianceDashboard(sort: SHORTFALL_DESC, asOf: \"{as_of}\", knownAt: \"{known}\") {{ grant {{ caseNumber }} status breaches metrics {{ labourHours traineeHours apprenticeHours otherTrainingHours sharePercent requiredSharePercent neededTraineeHours shortfallHours deliveredArsvaerk }} targetHours expectedByNowHours projectedSharePercent findings {{ rule severity }} }} }}"
            ),
            floor::dashboard("2025-06-01"),
        ),
        (
            "one grant's compliance".to_owned(),
            format!(
                "{{ compliance(grantId: \"{first_grant}\", asOf: \"{as_of}\", knownAt: \"{known}\") {{ status metrics {{ labourHours traineeHours sharePercent shortfallHours }} findings {{ rule severity }} }} }}"
            ),
            floor::one_grant(first_grant, "2025-06-01"),
        ),
        (
            "grants(first: 100) { contracts { contractor hoursReports } }".to_owned(),
            "{ grants(first: 100) { edges { node { caseNumber contracts { contractor { name } hoursReports { totalHours traineeHours } } } } } }".to_owned(),
            floor::nested_json(db.get_database_backend()),
        ),
    ];
    println!(
        "\nOver HTTP ({seconds} s per run, wrk on loopback; server CPU per request from this process):\n\n| question | clients | p50 | p95 | p99 | requests/s | server CPU / request | errors |\n| --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    let mut floors = Vec::new();
    let mut memory = 0.0;
    for (name, query, floor_sql) in &cases {
        let res = schema
            .execute(async_graphql::Request::new(query.as_str()).data(Principal::system()))
            .await;
        anyhow::ensure!(res.errors.is_empty(), "{name}: {:?}", res.errors);
        // Warm-up: the evaluations cached, the connections open.
        load::run(&url, &token, query, 2, Duration::from_secs(2))?;
        let mut p50_one = 0.0;
        for clients in [1, 8] {
            if clients == 8 && name.starts_with("national") {
                load::reset_peak_memory();
            }
            let l = load::run(&url, &token, query, clients, Duration::from_secs(seconds))?;
            if clients == 8 && name.starts_with("national") {
                memory = load::peak_memory_mb();
            }
            if clients == 1 {
                p50_one = l.p50_ms;
            }
            println!(
                "| {name} | {clients} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} | {:.1} ms | {} |",
                l.p50_ms,
                l.p95_ms,
                l.p99_ms,
                l.rps(),
                l.cpu_ms,
                l.errors
            );
        }
        let (p50, p95, rows) = floor::time(db, floor_sql, floor_runs).await?;
        floors.push((name.clone(), p50, p95, rows, p50_one));
    }
    println!(
        "\nThe floor: one hand-written SQL statement over the raw rows, {floor_runs} runs in this process:\n\n| question | floor p50 | floor p95 | rows | tracker p50 (HTTP, 1 client) / floor p50 |\n| --- | --- | --- | --- | --- |"
    );
    for (name, p50, p95, rows, tracker) in floors {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {name} | {:.1} ms | {:.1} ms | {rows} | {:.2} |",
            ms(p50),
            ms(p95),
            tracker / ms(p50)
        );
    }
    println!(
        "\nPeak memory (resident) of this process under 8 concurrent dashboards: {memory:.0} MB \
         (it also loaded the dataset and ran the in-process queries)"
    );
    // Only where the database outlives this process's temporary directory: DATABASE_URL.
    let database_url = std::env::var("DATABASE_URL").unwrap_or_default();
    match load::separate_server(&database_url, &token, &cases[0].1, seconds) {
        Ok(Some(mb)) => println!(
            "Peak memory (resident) of the server in its own process (target/release/api serve), \
             from its start through its cold dashboard and {seconds} s of 8 concurrent \
             dashboards: {mb:.0} MB"
        ),
        Ok(None) => println!(
            "(the server binary beside this one was not found: build it with --bin api to \
             measure the server's own memory)"
        ),
        Err(e) => println!("(the server in its own process could not be measured: {e})"),
    }
    Ok(())
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tracker-bench-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

async fn insert_chunked<A, E>(db: &sea_orm::DatabaseConnection, rows: Vec<A>) -> anyhow::Result<()>
where
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        // SQLite allows 32,766 bound parameters per statement; 1,000 rows stay well under.
        let chunk: Vec<A> = rows.by_ref().take(1000).collect();
        E::insert_many(chunk).exec(db).await?;
    }
    Ok(())
}

/// Deterministic synthetic data: grant i's trainee hours vary with i so shares spread around 14 %.
async fn fill(db: &sea_orm::DatabaseConnection, grants: usize) -> anyhow::Result<String> {
    let now = Utc::now();
    let start = NaiveDate::from_ymd_opt(2023, 3, 1).unwrap();
    let org_id = Uuid::now_v7();
    housing_organisation::Entity::insert(housing_organisation::ActiveModel {
        id: Set(org_id),
        name: Set("Bench Boligselskab".into()),
        cvr: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
    })
    .exec(db)
    .await?;
    let contractor_ids: Vec<Uuid> = (0..200).map(|_| Uuid::now_v7()).collect();
    insert_chunked(
        db,
        contractor_ids
            .iter()
            .enumerate()
            .map(|(i, id)| contractor::ActiveModel {
                id: Set(*id),
                // Inserted directly, so not modulus-11 checked: only unique matters here.
                cvr: Set(format!("{:08}", 10_000_000 + i)),
                name: Set(format!("Entreprenør {i}")),
                created_at: Set(now),
                updated_at: Set(now),
                archived_at: Set(None),
            })
            .collect(),
    )
    .await?;
    let (
        mut estates,
        mut grant_rows,
        mut contracts,
        mut persons,
        mut placements,
        mut reports,
        mut lines,
    ) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for g in 0..grants {
        let estate_id = Uuid::now_v7();
        estates.push(estate::ActiveModel {
            id: Set(estate_id),
            organisation_id: Set(org_id),
            name: Set(format!("Afdeling {g}")),
            municipality: Set(["Odense", "Aarhus", "København", "Aalborg"][g % 4].into()),
            address: Set(None),
            is_vulnerable_area: Set(g % 3 == 0),
            created_at: Set(now),
            updated_at: Set(now),
            archived_at: Set(None),
        });
        let grant_id = Uuid::now_v7();
        grant_rows.push(grant::ActiveModel {
            id: Set(grant_id),
            estate_id: Set(estate_id),
            case_number: Set(format!("BENCH-{g:04}")),
            title: Set("Helhedsplan".into()),
            kind: Set(GrantKind::Renovation),
            commitment_year: Set(2020 + (g % 5) as i32),
            stage: Set(GrantStage::SkemaB),
            craftsman_cost_ore: Set(Some((100_000_000 + (g as i64 % 10) * 25_000_000) * 100)),
            construction_start: Set(Some(start)),
            planned_handover: Set(Some(start + Months::new(36))),
            actual_handover: Set(None),
            parameter_overrides: Set(None),
            share_visible_to_contractors: Set(false),
            main_contractor_approval: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            archived_at: Set(None),
            ..Default::default()
        });
        for c in 0..CONTRACTS_PER_GRANT {
            let contract_id = Uuid::now_v7();
            contracts.push(contract::ActiveModel {
                id: Set(contract_id),
                grant_id: Set(grant_id),
                contractor_id: Set(contractor_ids[(g * 7 + c) % contractor_ids.len()]),
                kind: Set(if c == 0 {
                    ContractKind::Main
                } else {
                    ContractKind::Trade
                }),
                parent_contract_id: Set(None),
                trade: Set(["hovedentreprise", "murer", "tømrer", "VVS", "el", "maler"][c].into()),
                value_ore: Set(20_000_000 * 100),
                start_date: Set(start),
                end_date: Set(start + Months::new(36)),
                clause_required_centihours: Set(None),
                clause_required_share_bp: Set(Some(1400)),
                exemption_reason: Set(None),
                exemption_approved_by: Set(None),
                exemption_date: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                archived_at: Set(None),
                ..Default::default()
            });
            let pls: Vec<Uuid> = (0..2)
                .map(|k| {
                    let person_id = Uuid::now_v7();
                    persons.push(person::ActiveModel {
                        id: Set(person_id),
                        display_name: Set(format!("Lærling {g}-{c}-{k}")),
                        birth_year: Set(Some(2000)),
                        lives_in_estate: Set(k == 0),
                        consent_date: Set(Some(start)),
                        erased_at: Set(None),
                        created_by_token_id: Set(None),
                        created_by_user_id: Set(None),
                        created_at: Set(now),
                        updated_at: Set(now),
                        archived_at: Set(None),
                    });
                    let id = Uuid::now_v7();
                    placements.push(placement::ActiveModel {
                        id: Set(id),
                        person_id: Set(person_id),
                        grant_id: Set(grant_id),
                        contract_id: Set(contract_id),
                        kind: Set(if k == 0 {
                            PlacementKind::EudApprentice
                        } else {
                            PlacementKind::Fgu
                        }),
                        trade: Set("murer".into()),
                        start_date: Set(start),
                        end_date: Set(None),
                        status: Set(PlacementStatus::Active),
                        employee_number: Set(None),
                        created_at: Set(now),
                        updated_at: Set(now),
                        archived_at: Set(None),
                    });
                    id
                })
                .collect();
            for m in 0..MONTHS {
                let month = start + Months::new(m);
                let report_id = Uuid::now_v7();
                reports.push(hours_report::ActiveModel {
                    id: Set(report_id),
                    contract_id: Set(contract_id),
                    month: Set(month),
                    total_centihours: Set(2000 * 100),
                    reported_at: Set(now),
                    status: Set(entity::enums::HoursStatus::Submitted),
                    version: Set(1),
                    no_activity: Set(false),
                    created_at: Set(now),
                    updated_at: Set(now),
                    archived_at: Set(None),
                });
                for (k, pl) in pls.iter().enumerate() {
                    lines.push(hours_line::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        report_id: Set(report_id),
                        placement_id: Set(*pl),
                        centihours: Set((100 + ((g + k) % 8) as i64 * 10) * 100),
                        created_at: Set(now),
                        updated_at: Set(now),
                        archived_at: Set(None),
                    });
                }
            }
        }
    }
    let summary = format!(
        "{grants} grants, {} contracts, {} placements, {} monthly reports, {} hours lines",
        contracts.len(),
        placements.len(),
        reports.len(),
        lines.len()
    );
    insert_chunked(db, estates).await?;
    insert_chunked(db, grant_rows).await?;
    insert_chunked(db, contracts).await?;
    insert_chunked(db, persons).await?;
    insert_chunked(db, placements).await?;
    insert_chunked(db, reports).await?;
    insert_chunked(db, lines).await?;
    Ok(summary)
}
