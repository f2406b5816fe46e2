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
//! BENCH_SECONDS sets the length of each HTTP run (default 10). BENCH_ONLY=writes runs only part
//! 4, on a database a full run filled (`DATABASE_URL` as before).

// Release builds compute the layout of the whole schema's resolver futures in one crate; the
// merged Query is deeper than rustc's default limit of 128.
#![recursion_limit = "256"]

mod dataset;
mod floor;
mod load;
mod writes;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use api::auth::Principal;
use api::config::PageLimits;
use api::graphql::build_schema;
use chrono::Utc;
use entity::enums::*;

// mimalloc: a GraphQL answer is thousands of small allocations freed together, where glibc's
// malloc spent a quarter of the dashboard's CPU (consolidating and unlinking free chunks).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use entity::*;
use sea_orm::{EntityTrait, PaginatorTrait};
use uuid::Uuid;

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
    let mut db = api::db::connect_and_migrate(&url).await?;
    // BENCH_ONLY=writes: only the part while the country writes, on a database an earlier run
    // filled (its dataset left as it was), to measure a change to that part in minutes.
    if std::env::var("BENCH_ONLY").as_deref() == Ok("writes") {
        let filled = entity::grant::Entity::find().count(&db).await?;
        anyhow::ensure!(
            filled > 0,
            "BENCH_ONLY=writes needs a database a full run filled"
        );
        let schema = build_schema(db.clone(), PageLimits::default());
        return writes::section(&db, &schema, runs.max(20)).await;
    }
    load(&db, grants, &url).await?;

    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    let schema = build_schema(db.clone(), PageLimits::default());
    let callers = Callers::find(&db).await?;
    // Every evaluation as known now, after the load: the dataset's rows were all recorded now,
    // so the default (the end of the as-of day, 2025) would find none of them. One fixed time,
    // so repeated runs ask the same question (and may be answered from the cache).
    let known = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let cases = cases(&callers, &known);
    let dashboard_query = cases[0].1.clone();
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
    after_writes(&db, &schema, &statements, &dashboard_query, runs).await?;

    let first_grant = callers.first_grant;
    over_http(&db, &schema, grants, first_grant, &known, runs.max(20)).await?;
    writes::section(&db, &schema, runs.max(20)).await
}

/// Fills the database at `url` with `grants` grants, makes their rollups and analyses it.
async fn load(db: &sea_orm::DatabaseConnection, grants: usize, url: &str) -> anyhow::Result<()> {
    let backend = if url.starts_with("sqlite") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let t = Instant::now();
    let counts = dataset::fill(db, grants).await?;
    // A bulk load writes no audit rows, so nothing keeps its rollups: make them, as a server
    // starting on loaded data does.
    api::service::rollup::backfill(db)
        .await
        .map_err(|e| anyhow::anyhow!("rollups: {e:?}"))?;
    // Nor moves the change stamp: move it, so no instance takes its memory of the empty
    // database's grants for the loaded one's.
    api::stamp::bump(db)
        .await
        .map_err(|e| anyhow::anyhow!("change stamp: {e:?}"))?;
    println!(
        "dataset ({backend}): {counts} in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    // A live database has statistics; right after a bulk insert the planner has none and scans
    // whole tables where an index lookup is right. Measure what production runs.
    use sea_orm::ConnectionTrait;
    db.execute_unprepared("ANALYZE").await?;
    Ok(())
}

/// Who asks the in-process questions: the system, a bygherre (whose reads carry its role's
/// IN-subqueries) and the contractor with the first contract; and the grant asked about alone.
struct Callers {
    admin: Principal,
    bygherre: Principal,
    contractor: Principal,
    first_grant: Uuid,
}

impl Callers {
    async fn find(db: &sea_orm::DatabaseConnection) -> anyhow::Result<Self> {
        let first_grant = grant::Entity::find().one(db).await?.context("a grant")?.id;
        let org = housing_organisation::Entity::find()
            .one(db)
            .await?
            .context("the organisation")?
            .id;
        let busy_contractor = contract::Entity::find()
            .one(db)
            .await?
            .context("a contract")?
            .contractor_id;
        let scoped = |role, organisation_id, contractor_id| Principal {
            token_id: Uuid::now_v7(),
            user_id: None,
            role,
            organisation_id,
            contractor_id,
            grant_ids: vec![],
        };
        Ok(Self {
            admin: Principal::system(),
            bygherre: scoped(Role::Bygherre, Some(org), None),
            contractor: scoped(Role::Contractor, None, Some(busy_contractor)),
            first_grant,
        })
    }
}

/// The in-process questions, each with its name and who asks it; the first is the national
/// dashboard.
fn cases<'a>(callers: &'a Callers, known: &str) -> Vec<(&'static str, String, &'a Principal)> {
    let first_grant = callers.first_grant;
    let dashboard = format!(
        "{{ complianceDashboard(sort: SHORTFALL_DESC, asOf: \"2025-06-15\", knownAt: \"{known}\") {{ status metrics {{ sharePercent shortfallHours }} findings {{ rule }} }} }}"
    );
    vec![
        (
            "complianceDashboard (all grants, sorted by shortfall)",
            dashboard.clone(),
            &callers.admin,
        ),
        (
            "contractorRanking (all grants)",
            format!(
                "{{ contractorRanking(asOf: \"2025-06-15\", knownAt: \"{known}\") {{ contractorName metrics {{ shortfallHours }} grantsBehind }} }}"
            ),
            &callers.admin,
        ),
        (
            "grants(first: 100) with compliance and contracts",
            format!(
                "{{ grants(first: 100) {{ edges {{ node {{ caseNumber compliance(asOf: \"2025-06-15\", knownAt: \"{known}\") {{ status }} contracts {{ contractor {{ name }} hoursReports {{ totalHours }} }} }} }} }} }}"
            ),
            &callers.admin,
        ),
        (
            "one grant: compliance + time series",
            format!(
                "{{ compliance(grantId: \"{first_grant}\", asOf: \"2025-06-15\", knownAt: \"{known}\") {{ status findings {{ message }} }} complianceTimeSeries(grantId: \"{first_grant}\", asOf: \"2025-06-15\", knownAt: \"{known}\") {{ month cumulativeSharePercent }} }}"
            ),
            &callers.admin,
        ),
        (
            "complianceDashboard as BYGHERRE (its organisation: all grants)",
            dashboard,
            &callers.bygherre,
        ),
        (
            "CONTRACTOR: its contracts with hours, and its ranking row",
            format!(
                "{{ contracts(first: 100) {{ edges {{ node {{ trade grant {{ caseNumber }} hoursReports {{ totalHours traineeHours }} }} }} }} contractorRanking(asOf: \"2025-06-15\", knownAt: \"{known}\") {{ contractorName metrics {{ sharePercent }} }} }}"
            ),
            &callers.contractor,
        ),
    ]
}

/// The dashboard with a write between runs: one grant's revision moves each time, so that grant
/// is evaluated again and the answer resolved afresh (what the first read after a write costs).
async fn after_writes(
    db: &sea_orm::DatabaseConnection,
    schema: &api::graphql::AppSchema,
    statements: &AtomicUsize,
    dashboard_query: &str,
    runs: usize,
) -> anyhow::Result<()> {
    use sea_orm::QuerySelect;
    let ids: Vec<Uuid> = entity::grant::Entity::find()
        .select_only()
        .column(entity::grant::Column::Id)
        .limit(runs as u64)
        .into_tuple()
        .all(db)
        .await?;
    let mut times = Vec::with_capacity(runs);
    let mut stmts = Vec::with_capacity(runs);
    let gate = api::db::WriteGate::for_connection(db);
    for id in &ids {
        // A write as a mutation commits it: the grant's revision and the change stamp move.
        let id = *id;
        api::db::write_txn(db, &gate, |t| {
            Box::pin(api::service::revision::bump(t, vec![id]))
        })
        .await
        .map_err(|e| anyhow::anyhow!("write: {e:?}"))?;
        statements.store(0, Ordering::Relaxed);
        let t = Instant::now();
        let req = async_graphql::Request::new(dashboard_query).data(Principal::system());
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
    Ok(())
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
