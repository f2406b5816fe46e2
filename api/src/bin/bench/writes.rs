//! The bench while the country writes: dashboards and the bygherre's portfolio page under 8
//! clients while a writer reports one month a second, the writes' own latency beside them; a
//! fresh server's first dashboard (reading the evaluations another instance stored) against the
//! hand SQL over the rollup; and the server's peak memory under three dashboard variants.
//!
//! Every dashboard here asks the current question (as of today, with everything known now), the
//! one dashboards ask by default and the one whose evaluations are stored.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use api::auth::Principal;
use chrono::{Months, NaiveDate};
use entity::enums::Role;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::{floor, load};

/// The bench's dashboard (every figure, by shortfall), asking the current question.
pub const DASHBOARD: &str = "{ complianceDashboard(sort: SHORTFALL_DESC) { grant { caseNumber } status breaches metrics { labourHours traineeHours apprenticeHours otherTrainingHours sharePercent requiredSharePercent neededTraineeHours shortfallHours deliveredArsvaerk } targetHours expectedByNowHours projectedSharePercent findings { rule severity } } }";

/// The same with each grant's estate (name and municipality).
pub const ESTATE_DASHBOARD: &str = "{ complianceDashboard(sort: SHORTFALL_DESC) { grant { caseNumber title estate { name municipality } } status metrics { sharePercent shortfallHours } findings { rule severity } } }";

/// A third variant: another order and fewer figures.
pub const SHARE_DASHBOARD: &str = "{ complianceDashboard(sort: SHARE_ASC) { grant { caseNumber } status metrics { sharePercent } } }";

const REPORT: &str = "mutation($c: UUID!, $m: YearMonth!, $l: [TraineeHoursInput!]!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: $m, totalHours: \"1000\", traineeHours: $l}) { id } }";

/// Who writes what: one placement of each contract (its trainee's hours), reported for months
/// after the dataset's 24 (2025-03 on, inside every contract's period).
struct Writer {
    schema: api::graphql::AppSchema,
    targets: Vec<(Uuid, Uuid)>,
    next: AtomicUsize,
}

impl Writer {
    async fn new(
        db: &DatabaseConnection,
        schema: &api::graphql::AppSchema,
    ) -> anyhow::Result<Self> {
        let rows: Vec<(Uuid, Uuid)> = entity::placement::Entity::find()
            .select_only()
            .column(entity::placement::Column::ContractId)
            .column(entity::placement::Column::Id)
            .order_by_asc(entity::placement::Column::Id)
            .limit(20_000)
            .into_tuple()
            .all(db)
            .await?;
        let mut seen = std::collections::HashSet::new();
        let targets: Vec<(Uuid, Uuid)> =
            rows.into_iter().filter(|(c, _)| seen.insert(*c)).collect();
        anyhow::ensure!(!targets.is_empty(), "no placements to report hours for");
        Ok(Self {
            schema: schema.clone(),
            targets,
            next: AtomicUsize::new(0),
        })
    }

    /// Reports the next contract's next month; its latency.
    async fn write(&self) -> anyhow::Result<Duration> {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        let (contract, placement) = self.targets[i % self.targets.len()];
        let first = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap_or_default();
        let month = first + Months::new(u32::try_from(i / self.targets.len()).unwrap_or(0) % 12);
        let vars = serde_json::json!({
            "c": contract,
            "m": month.format("%Y-%m").to_string(),
            "l": [{ "placementId": placement, "hours": "150" }],
        });
        let t = Instant::now();
        let req = async_graphql::Request::new(REPORT)
            .variables(async_graphql::Variables::from_json(vars))
            .data(Principal::system());
        let res = self.schema.execute(req).await;
        anyhow::ensure!(res.errors.is_empty(), "a write failed: {:?}", res.errors);
        Ok(t.elapsed())
    }
}

/// `drive` (a wrk run, blocking) while the writer reports one month a second: its figures and the
/// writes' latencies.
async fn under_writes(
    writer: &Arc<Writer>,
    drive: impl FnOnce() -> anyhow::Result<load::Load> + Send + 'static,
) -> anyhow::Result<(load::Load, Vec<Duration>)> {
    let stop = Arc::new(AtomicBool::new(false));
    let task = {
        let (writer, stop) = (writer.clone(), stop.clone());
        tokio::spawn(async move {
            let mut times = Vec::new();
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            while !stop.load(Ordering::Relaxed) {
                tick.tick().await;
                times.push(writer.write().await?);
            }
            Ok::<_, anyhow::Error>(times)
        })
    };
    let measured = tokio::task::spawn_blocking(drive).await?;
    stop.store(true, Ordering::Relaxed);
    let writes = task.await??;
    Ok((measured?, writes))
}

fn percentile(times: &mut [Duration], p: usize) -> f64 {
    times.sort();
    let i = (times.len() * p).div_ceil(100).saturating_sub(1);
    times.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// A signed-in bygherre of the dataset's organisation: its session cookie.
async fn bygherre_cookie(db: &DatabaseConnection) -> anyhow::Result<String> {
    let org = entity::housing_organisation::Entity::find()
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no organisation"))?
        .id;
    let now = chrono::Utc::now();
    let input = api::accounts::InviteUserInput {
        email: format!("bench-{}@example.dk", Uuid::new_v4().simple()),
        display_name: "Bench Bygherre".into(),
        role: Role::Bygherre,
        organisation_id: Some(org),
        contractor_id: None,
        grant_ids: vec![],
    };
    let fail = |e: api::error::AppError| anyhow::anyhow!("bygherre account: {}", e.message());
    let (_, invitation) = api::accounts::invite(db, &Principal::system(), input, now)
        .await
        .map_err(fail)?;
    let user = api::accounts::accept_invitation(db, &invitation, "bench-adgangskode-2026!", now)
        .await
        .map_err(fail)?;
    let session = api::accounts::open_session(db, user, now)
        .await
        .map_err(fail)?;
    Ok(format!("{}={}", api::web::SESSION_COOKIE, session.secret))
}

/// The section: prints its tables.
pub async fn section(
    db: &DatabaseConnection,
    schema: &api::graphql::AppSchema,
    floor_runs: usize,
) -> anyhow::Result<()> {
    if !load::available() {
        return Ok(());
    }
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let (url, token) = load::serve(db, schema).await?;
    let cookie = bygherre_cookie(db).await?;
    let page = url.replace("/graphql", "/app");
    let writer = Arc::new(Writer::new(db, schema).await?);
    println!(
        "\nWhile a writer reports one month a second (in this process, through the schema), 8 clients for {seconds} s:\n\n| question | p50 | p95 | p99 | requests/s | errors | writes | write p50 | write p95 |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    for (name, query) in [
        ("the bench's dashboard (current question)", DASHBOARD),
        ("the dashboard with each grant's estate", ESTATE_DASHBOARD),
        ("`/app` for a bygherre (its portfolio's first page)", ""),
    ] {
        let (url, token, query, page, cookie) = (
            url.clone(),
            token.clone(),
            query.to_owned(),
            page.clone(),
            cookie.clone(),
        );
        // Warm: the evaluations computed once, whole, in this process (a cold national
        // dashboard at 5,000 grants takes longer than a short wrk run, which would drop it
        // unfinished), cached and stored; then the connections opened.
        if !query.is_empty() {
            let req = async_graphql::Request::new(query.as_str()).data(Principal::system());
            let res = schema.execute(req).await;
            anyhow::ensure!(res.errors.is_empty(), "{name}: {:?}", res.errors);
        }
        let warm = if query.is_empty() {
            load::run_page(&page, &cookie, 2, Duration::from_secs(2))?
        } else {
            load::run(&url, &token, &query, 2, Duration::from_secs(2))?
        };
        anyhow::ensure!(
            warm.errors == 0,
            "{name}: {} errors warming up",
            warm.errors
        );
        let (l, mut writes) = under_writes(&writer, move || {
            if query.is_empty() {
                load::run_page(&page, &cookie, 8, Duration::from_secs(seconds))
            } else {
                load::run(&url, &token, &query, 8, Duration::from_secs(seconds))
            }
        })
        .await?;
        println!(
            "| {name} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} | {} | {} | {:.1} ms | {:.1} ms |",
            l.p50_ms,
            l.p95_ms,
            l.p99_ms,
            l.rps(),
            l.errors,
            writes.len(),
            percentile(&mut writes, 50),
            percentile(&mut writes, 95),
        );
    }
    fresh_instance(db, &token, seconds, floor_runs).await
}

/// A fresh server process on the same database: its first dashboard (reading the stored
/// evaluations) against the hand SQL over the rollup, and its peak memory through 8 clients on
/// three dashboard variants.
async fn fresh_instance(
    db: &DatabaseConnection,
    token: &str,
    seconds: u64,
    floor_runs: usize,
) -> anyhow::Result<()> {
    let database_url = std::env::var("DATABASE_URL").unwrap_or_default();
    let today = api::units::danish_today().format("%Y-%m-%d").to_string();
    let (floor_p50, floor_p95, rows) =
        floor::time(db, &floor::dashboard_rollup(&today), floor_runs).await?;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "\nA fresh server process (target/release/api serve) on the same database:\n\nhand SQL over the rollup ({rows} grants, {floor_runs} runs): p50 {:.1} ms, p95 {:.1} ms",
        ms(floor_p50),
        ms(floor_p95)
    );
    match load::fresh_server(
        &database_url,
        token,
        DASHBOARD,
        &[DASHBOARD, ESTATE_DASHBOARD, SHARE_DASHBOARD],
        seconds,
    )? {
        Some(f) => println!(
            "its first dashboard: {:.1} ms ({:.2}x the floor over the rollup); its peak memory (VmHWM) from its start through 8 clients on three dashboard variants for {seconds} s: {:.0} MB",
            f.first_ms,
            f.first_ms / ms(floor_p50),
            f.peak_mb
        ),
        None => println!(
            "(no server binary beside this one, or no DATABASE_URL: build it with --bin api)"
        ),
    }
    Ok(())
}
