//! Load and fault tool (not run in CI): N writers for T seconds against the real server binary
//! over HTTP, on SQLite or PostgreSQL, with `kill -9` of the server at a random moment and a
//! restart; then checks every acknowledged write against the database and the invariants. See
//! RELIABILITY.md for the figures. Usage:
//!
//! ```sh
//! cargo build --release -p api
//! cargo run --release -p api --bin reliability -- --writers 10 --seconds 30 --kill
//! cargo run --release -p api --bin reliability -- --writers 50 --seconds 30 --kill \
//!     --postgres postgres://postgres@127.0.0.1:5432/test
//! ```
//!
//! Each writer loops: a monthly hours report on a random contract and month of 2024 (random
//! total, random trainee lines within it), or a new person; with `--mix`, reports, placement kind
//! changes and payroll imports of two contracts in random order. A write counts as acknowledged when
//! the server answered it without errors. Checked afterwards, straight from the database:
//! - lost writes: an acknowledged person that is missing, or an acknowledged month that is missing
//!   or holds something no writer sent for it;
//! - invariant violations: a month whose trainee lines exceed its total, a month that is not
//!   exactly one of the writes sent for it (lines of two writes mixed), or fewer audit rows than
//!   acknowledged writes.

#![recursion_limit = "256"]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use clap::Parser;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

#[derive(Parser)]
struct Args {
    /// Concurrent writers.
    #[arg(long, default_value_t = 10)]
    writers: usize,
    /// How long the writers run.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Kill the server with SIGKILL at a random moment in the middle half, and restart it.
    #[arg(long)]
    kill: bool,
    /// A PostgreSQL server URL (its database is only used to create a fresh one, dropped after);
    /// without it, a SQLite file in a temporary directory.
    #[arg(long)]
    postgres: Option<String>,
    /// The server binary (default: `api` beside this one).
    #[arg(long)]
    server: Option<std::path::PathBuf>,
    #[arg(long, default_value_t = 18090)]
    port: u16,
    /// Instead of writers: send hostile queries (each under 10 KB) to the server and report the
    /// server's CPU time and memory for each, and that it still answers afterwards.
    #[arg(long)]
    hostile: bool,
    /// Mixed writers: half monthly reports, a quarter placement kind changes (each refreshes the
    /// rollups of every month with a line on the placement), a quarter payroll imports of two
    /// months on two contracts in random order; instead of reports and new persons.
    #[arg(long)]
    mix: bool,
}

/// Contracts the writers report on, with their placements.
const CONTRACTS: usize = 6;
const TRAINEES: usize = 3;

type Line = (String, i64);
/// (total hundredths, lines sorted)
type MonthWrite = (i64, Vec<Line>);

#[derive(Default)]
struct Ledger {
    codes: BTreeMap<String, u64>,
    latencies: Vec<Duration>,
    /// Every write sent per (contract, month), acknowledged or not.
    sent: HashMap<(String, String), Vec<MonthWrite>>,
    acknowledged_months: HashSet<(String, String)>,
    acknowledged_persons: Vec<String>,
    acknowledged: u64,
}

struct Rng(u64);

impl Rng {
    fn new() -> Self {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).ok();
        Self(u64::from_le_bytes(b) | 1)
    }
    fn next(&mut self) -> u64 {
        // xorshift64*: plenty for picking test inputs.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = std::env::temp_dir().join(format!("reliability-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let (url, drop_pg) = match &args.postgres {
        Some(admin) => {
            let name = format!("reliability_{}", uuid::Uuid::new_v4().simple());
            let db = Database::connect(admin.as_str()).await?;
            db.execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await?;
            db.close().await.ok();
            let root = admin.rsplit_once('/').map_or(admin.as_str(), |(r, _)| r);
            (format!("{root}/{name}"), Some((admin.clone(), name)))
        }
        None => (
            format!("sqlite://{}/reliability.sqlite?mode=rwc", dir.display()),
            None,
        ),
    };
    let result = run(&args, &url).await;
    if let Some((admin, name)) = drop_pg {
        let db = Database::connect(admin.as_str()).await?;
        db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .ok();
    }
    std::fs::remove_dir_all(&dir).ok();
    result
}

async fn run(args: &Args, url: &str) -> anyhow::Result<()> {
    let backend = if url.starts_with("sqlite") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let (token, contracts) = prepare(url).await?;
    let server_bin = match &args.server {
        Some(p) => p.clone(),
        None => std::env::current_exe()?.with_file_name("api"),
    };
    let addr = format!("127.0.0.1:{}", args.port);
    let mut server = start(&server_bin, url, &addr).await?;
    if args.hostile {
        let result = hostile(&server, &addr, &token).await;
        server.kill().await.ok();
        return result;
    }

    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let mut writers = Vec::new();
    let mix = args.mix;
    for w in 0..args.writers {
        let (client, ledger, token, contracts, addr) = (
            client.clone(),
            ledger.clone(),
            token.clone(),
            contracts.clone(),
            addr.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut rng = Rng::new();
            let mut i = 0u64;
            while Instant::now() < deadline {
                i += 1;
                if mix {
                    write_mixed(&client, &addr, &token, &contracts, &ledger, &mut rng).await;
                } else {
                    write_once(&client, &addr, &token, &contracts, &ledger, &mut rng, w, i).await;
                }
            }
        }));
    }
    let mut kills = 0;
    if args.kill {
        let mut rng = Rng::new();
        let quarter = args.seconds * 1000 / 4;
        let at = quarter + rng.below(2 * quarter);
        tokio::time::sleep(Duration::from_millis(at)).await;
        server.kill().await?; // SIGKILL
        kills += 1;
        println!(
            "killed the server (SIGKILL) after {:.1} s; restarting",
            at as f64 / 1000.0
        );
        server = start(&server_bin, url, &addr).await?;
    }
    for w in writers {
        w.await?;
    }
    server.kill().await.ok();

    let ledger = Arc::try_unwrap(ledger)
        .map_err(|_| anyhow::anyhow!("writers still hold the ledger"))?
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a writer panicked"))?;
    let (violations, lost) = verify(url, &ledger).await?;
    let requests: u64 = ledger.codes.values().sum();
    let mut lat = ledger.latencies.clone();
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{backend}: {} writers, {} s, {kills} kill(s): {requests} requests ({:.0}/s), {} acknowledged, p50 {:.1} ms, p95 {:.1} ms",
        args.writers,
        args.seconds,
        requests as f64 / args.seconds as f64,
        ledger.acknowledged,
        pct(0.5),
        pct(0.95)
    );
    println!("answers by code: {:?}", ledger.codes);
    println!("invariant violations: {violations}; lost acknowledged writes: {lost}");
    if violations > 0 || lost > 0 || ledger.codes.contains_key("INTERNAL") {
        bail!("the server did not hold");
    }
    Ok(())
}

/// The server's CPU time (user + system) and resident memory, from /proc.
fn usage(pid: u32) -> (Duration, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may contain spaces.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of stat, here 11 and 12; 100 ticks a second.
    let cpu = Duration::from_millis((ticks(11) + ticks(12)) * 10);
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .unwrap_or(0)
        * 1024;
    (cpu, rss)
}

/// Hostile queries, each under 10 KB, against the running server: each must be refused with a
/// code, cost under a second of CPU and 200 MB of memory, and leave the server answering.
async fn hostile(server: &tokio::process::Child, addr: &str, token: &str) -> anyhow::Result<()> {
    let pid = server.id().context("the server has no pid")?;
    let mut bomb =
        String::from("query { ...F24 }\nfragment F0 on Query { grants { totalCount } }\n");
    for i in 1..=24 {
        bomb.push_str(&format!(
            "fragment F{i} on Query {{ ...F{} ...F{} }}\n",
            i - 1,
            i - 1
        ));
    }
    let aliases = (0..220)
        .map(|i| format!("a{i}:complianceTimeSeries(grantId:$g){{month}}"))
        .collect::<Vec<_>>()
        .join(" ");
    let cases: Vec<(&str, String)> = vec![
        ("list literal 2000 deep", format!("{{ grants(filter: {{ municipality: {}\"x\"{} }}) {{ totalCount }} }}", "[".repeat(2000), "]".repeat(2000))),
        ("input object 1500 deep", format!("{{ grants(filter: {}{}) {{ totalCount }} }}", "{ a: ".repeat(1500), "}".repeat(1500))),
        ("selection 900 deep", format!("{{ {}{} }}", "grants { edges { node { ".repeat(300), "} } } ".repeat(300))),
        ("nested fragments F24", bomb),
        ("220 aliases of complianceTimeSeries", format!("query($g: UUID!) {{ {aliases} }}")),
        ("year 300000", "{ lbfYearReports(organisationId: \"00000000-0000-0000-0000-000000000000\", year: 300000) { year } }".to_owned()),
        ("asOf +262142-12-31", "{ complianceDashboard(asOf: \"+262142-12-31\") { grantId } }".to_owned()),
    ];
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let mut failed = false;
    println!("| query | bytes | answer | server CPU | server memory after (RSS) |");
    println!("| --- | --- | --- | --- | --- |");
    for (name, query) in cases {
        let (cpu0, _) = usage(pid);
        let vars = json!({ "g": "00000000-0000-0000-0000-000000000000" });
        let answer = post(
            &client,
            addr,
            token,
            json!({ "query": query, "variables": vars }),
        )
        .await;
        let (cpu1, rss) = usage(pid);
        let code = match &answer {
            Ok(v) => v["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or("no code")
                .to_owned(),
            Err(e) => format!("no answer: {e}"),
        };
        let cpu = cpu1.saturating_sub(cpu0);
        println!(
            "| {name} | {} | {code} | {} ms | {} MB |",
            query.len(),
            cpu.as_millis(),
            rss >> 20
        );
        if query.len() >= 10_000
            || answer.is_err()
            || code == "no code"
            || cpu > Duration::from_secs(1)
            || rss > 200 << 20
        {
            failed = true;
        }
    }
    let alive = post(
        &client,
        addr,
        token,
        json!({ "query": "{ grants { totalCount } }" }),
    )
    .await?;
    println!("afterwards: {alive}");
    if failed || alive["data"]["grants"]["totalCount"] != 1 {
        bail!("a hostile query was not refused cheaply");
    }
    Ok(())
}

/// Migrates, builds the site (organisation, grant, contracts, trainees) through the schema, and
/// makes an administrator token for the HTTP writers.
async fn prepare(url: &str) -> anyhow::Result<(String, Vec<(String, Vec<String>)>)> {
    use api::auth::{CreateApiTokenInput, Principal, create_token};
    let db = api::db::connect_and_migrate(url).await?;
    let schema = api::graphql::build_schema(db.clone(), Default::default());
    let exec = |q: String, vars: Value| {
        let schema = schema.clone();
        async move {
            let req = async_graphql::Request::new(q)
                .variables(async_graphql::Variables::from_json(vars))
                .data(Principal::system());
            let res = serde_json::to_value(schema.execute(req).await)?;
            if res.get("errors").is_some() {
                bail!("setting up: {res}");
            }
            let data = res["data"].clone();
            let first = data
                .as_object()
                .and_then(|o| o.values().next())
                .context("no data")?;
            Ok::<String, anyhow::Error>(first["id"].as_str().unwrap_or_default().to_owned())
        }
    };
    let org = exec(
        "mutation { createHousingOrganisation(input: {name: \"Belastning\"}) { id } }".into(),
        json!({}),
    )
    .await?;
    let estate = exec("mutation($o: UUID!) { createEstate(input: {organisationId: $o, name: \"Prøveparken\", municipality: \"Odense\"}) { id } }".into(), json!({ "o": org })).await?;
    let grant = exec("mutation($e: UUID!) { createGrant(input: {estateId: $e, caseNumber: \"LBF-LOAD\", title: \"Belastningsprøve\", kind: RENOVATION, commitmentYear: 2021, stage: SKEMA_B, craftsmanCost: \"250000000\", constructionStart: \"2023-03-01\", plannedHandover: \"2026-12-31\"}) { id } }".into(), json!({ "e": estate })).await?;
    let mut contracts = Vec::new();
    for c in 0..CONTRACTS {
        let cvr = nth_cvr(c);
        let contractor = exec("mutation($c: String!, $n: String!) { createContractor(input: {cvr: $c, name: $n}) { id } }".into(), json!({ "c": cvr, "n": format!("Entreprenør {c}") })).await?;
        let contract = exec("mutation($g: UUID!, $c: UUID!) { createContract(input: {grantId: $g, contractorId: $c, kind: MAIN, trade: \"tømrer\", value: \"10000000\", startDate: \"2023-03-01\", endDate: \"2026-12-31\", trainingClause: {requiredSharePercent: \"14\"}}) { id } }".into(), json!({ "g": grant, "c": contractor })).await?;
        let mut placements = Vec::new();
        for t in 0..TRAINEES {
            let person = exec("mutation($n: String!) { createPerson(input: {displayName: $n, birthYear: 2002, livesInEstate: false}) { id } }".into(), json!({ "n": format!("Lærling {c}-{t}") })).await?;
            placements.push(exec("mutation($p: UUID!, $g: UUID!, $c: UUID!) { createPlacement(input: {personId: $p, grantId: $g, contractId: $c, kind: EUD_APPRENTICE, trade: \"tømrer\", startDate: \"2023-05-01\"}) { id } }".into(), json!({ "p": person, "g": grant, "c": contract })).await?);
        }
        contracts.push((contract, placements));
    }
    let (_, token) = create_token(
        &db,
        CreateApiTokenInput {
            name: "reliability".into(),
            role: entity::enums::Role::Admin,
            organisation_id: None,
            contractor_id: None,
            grant_ids: vec![],
            expires_at: None,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!(e.message()))?;
    db.close().await.ok();
    Ok((token, contracts))
}

/// A valid CVR number (modulus 11) for the n-th contractor.
fn nth_cvr(n: usize) -> String {
    const WEIGHTS: [u32; 8] = [2, 7, 6, 5, 4, 3, 2, 1];
    (3_000_000u32..)
        .filter_map(|base| {
            let digits: Vec<u32> = base
                .to_string()
                .chars()
                .filter_map(|c| c.to_digit(10))
                .collect();
            let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
            let check = (11 - sum % 11) % 11;
            (check < 10).then(|| format!("{base}{check}"))
        })
        .nth(n)
        .unwrap_or_default()
}

async fn start(
    bin: &std::path::Path,
    url: &str,
    addr: &str,
) -> anyhow::Result<tokio::process::Child> {
    let child = tokio::process::Command::new(bin)
        .env("DATABASE_URL", url)
        .env("BIND_ADDR", addr)
        .env("LOG", "warn")
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| {
            format!(
                "starting {} (build it with cargo build --release -p api)",
                bin.display()
            )
        })?;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            return Ok(child);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("the server did not start listening on {addr}")
}

#[allow(clippy::too_many_arguments)]
async fn write_once(
    client: &Client<HttpConnector, Full<Bytes>>,
    addr: &str,
    token: &str,
    contracts: &[(String, Vec<String>)],
    ledger: &Mutex<Ledger>,
    rng: &mut Rng,
    writer: usize,
    i: u64,
) {
    let report = rng.below(4) != 0;
    let (body, month_key, write) = if report {
        let (contract, placements) = &contracts[rng.below(contracts.len() as u64) as usize];
        let month = format!("2024-{:02}", rng.below(12) + 1);
        let (total, lines) = random_month(rng, placements);
        let vars = json!({
            "c": contract, "m": month, "t": hours(total),
            "l": lines.iter().map(|(p, h)| json!({ "placementId": p, "hours": hours(*h) })).collect::<Vec<_>>(),
        });
        let body = json!({
            "query": "mutation($c: UUID!, $m: YearMonth!, $t: Decimal!, $l: [TraineeHoursInput!]!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: $m, totalHours: $t, traineeHours: $l}) { id } }",
            "variables": vars,
        });
        (body, Some((contract.clone(), month)), Some((total, lines)))
    } else {
        let body = json!({
            "query": "mutation($n: String!) { createPerson(input: {displayName: $n, birthYear: 2000, livesInEstate: false}) { id } }",
            "variables": { "n": format!("Skrivning {writer}-{i}") },
        });
        (body, None, None)
    };
    if let (Some(key), Some(w)) = (&month_key, &write) {
        record_sent(ledger, &[(key.clone(), w.clone())]);
    }
    let started = Instant::now();
    let answer = post(client, addr, token, body).await;
    let (mut l, code) = settle(ledger, started.elapsed(), &answer).await;
    if code == "OK" {
        match (month_key, answer) {
            (Some(key), _) => {
                l.acknowledged_months.insert(key);
            }
            (None, Ok(v)) => {
                if let Some(id) = v["data"]["createPerson"]["id"].as_str() {
                    l.acknowledged_persons.push(id.to_owned());
                }
            }
            _ => {}
        }
    }
}

/// A month's random total (100.00 to 999.99 h) and trainee lines within it.
fn random_month(rng: &mut Rng, placements: &[String]) -> MonthWrite {
    let total = 10_000 + rng.below(90_000) as i64;
    let mut lines: Vec<Line> = Vec::new();
    for p in placements {
        if rng.below(2) == 0 {
            // Within a third of the total, and at most 150 h (what one person can work).
            let most = (total as u64 / 3).min(15_000);
            lines.push((p.clone(), rng.below(most) as i64 + 1));
        }
    }
    lines.sort();
    (total, lines)
}

/// One write of the mixed workload (`--mix`), recorded in the ledger like `write_once`'s.
async fn write_mixed(
    client: &Client<HttpConnector, Full<Bytes>>,
    addr: &str,
    token: &str,
    contracts: &[(String, Vec<String>)],
    ledger: &Mutex<Ledger>,
    rng: &mut Rng,
) {
    let pick = |rng: &mut Rng| &contracts[rng.below(contracts.len() as u64) as usize];
    let month = |rng: &mut Rng| format!("2024-{:02}", rng.below(12) + 1);
    let choice = rng.below(4);
    let (months, answer, started) = if choice < 2 {
        let (contract, placements) = pick(rng);
        let m = month(rng);
        let (total, lines) = random_month(rng, placements);
        let body = json!({
            "query": "mutation($c: UUID!, $m: YearMonth!, $t: Decimal!, $l: [TraineeHoursInput!]!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: $m, totalHours: $t, traineeHours: $l}) { id } }",
            "variables": {
                "c": contract, "m": m, "t": hours(total),
                "l": lines.iter().map(|(p, h)| json!({ "placementId": p, "hours": hours(*h) })).collect::<Vec<_>>(),
            },
        });
        let months = vec![((contract.clone(), m), (total, lines))];
        record_sent(ledger, &months);
        let started = Instant::now();
        (months, post(client, addr, token, body).await, started)
    } else if choice == 2 {
        let (_, placements) = pick(rng);
        let placement = &placements[rng.below(placements.len() as u64) as usize];
        let kind = ["EUD_APPRENTICE", "EUV_APPRENTICE", "EUX"][rng.below(3) as usize];
        let body = json!({
            "query": "mutation($p: UUID!, $k: PlacementKind!) { updatePlacement(id: $p, input: {kind: $k}) { id } }",
            "variables": { "p": placement, "k": kind },
        });
        let started = Instant::now();
        (Vec::new(), post(client, addr, token, body).await, started)
    } else {
        // Two contracts, in whatever order they come: two imports may name them in opposite
        // orders, which is what must not deadlock.
        let (a, b) = (pick(rng), pick(rng));
        let mut months = Vec::new();
        let mut csv = String::from("kontrakt;måned;timer i alt;plads;timer\n");
        for (contract, placements) in [a, b] {
            let m = month(rng);
            if months
                .iter()
                .any(|((c, mm), _): &((String, String), MonthWrite)| *c == *contract && *mm == m)
            {
                continue;
            }
            let (total, mut lines) = random_month(rng, placements);
            if lines.is_empty() {
                lines.push((placements[0].clone(), 100));
            }
            for (p, h) in &lines {
                csv.push_str(&format!(
                    "{contract};{m};{};{p};{}\n",
                    hours(total),
                    hours(*h)
                ));
            }
            months.push(((contract.clone(), m), (total, lines)));
        }
        record_sent(ledger, &months);
        let started = Instant::now();
        (
            months,
            post_file(client, addr, token, csv.into_bytes()).await,
            started,
        )
    };
    let (mut l, code) = settle(ledger, started.elapsed(), &answer).await;
    if code == "OK" {
        for (key, _) in months {
            l.acknowledged_months.insert(key);
        }
    }
}

/// After a request: a pause when the server gave no answer (killed, restarting: do not spin on
/// refused connections), then its latency, its code and whether it was acknowledged in the
/// ledger. The ledger comes back locked, for the caller to record what was acknowledged.
async fn settle<'l>(
    ledger: &'l Mutex<Ledger>,
    took: Duration,
    answer: &anyhow::Result<Value>,
) -> (std::sync::MutexGuard<'l, Ledger>, String) {
    if answer.is_err() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut l = ledger.lock().unwrap_or_else(|e| e.into_inner());
    l.latencies.push(took);
    let code = answer_code(answer);
    *l.codes.entry(code.clone()).or_default() += 1;
    if code == "OK" {
        l.acknowledged += 1;
    }
    (l, code)
}

/// How the server answered a write: OK, its error's code, or why there is none; an import that
/// was not applied counts by its status.
fn answer_code(answer: &anyhow::Result<Value>) -> String {
    let Ok(v) = answer else {
        return "NO_ANSWER (server down)".to_owned();
    };
    let import = v["data"]["importPayroll"]["status"].as_str();
    match v["errors"][0]["extensions"]["code"].as_str() {
        Some(code) => code.to_owned(),
        None if v.get("errors").is_some() => "ERROR WITHOUT CODE".to_owned(),
        None if import.is_some_and(|s| s != "IMPORTED") => {
            format!("IMPORT {}", import.unwrap_or_default())
        }
        None => "OK".to_owned(),
    }
}

fn record_sent(ledger: &Mutex<Ledger>, months: &[((String, String), MonthWrite)]) {
    let mut l = ledger.lock().unwrap_or_else(|e| e.into_inner());
    for (key, write) in months {
        l.sent.entry(key.clone()).or_default().push(write.clone());
    }
}

/// `importPayroll` with `file` as a GraphQL multipart request.
async fn post_file(
    client: &Client<HttpConnector, Full<Bytes>>,
    addr: &str,
    token: &str,
    file: Vec<u8>,
) -> anyhow::Result<Value> {
    let operations = json!({
        "query": "mutation($f: Upload!) { importPayroll(file: $f) { status problems { message } } }",
        "variables": { "f": null },
    });
    let mut body = format!(
        "--B\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
         --B\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\":[\"variables.f\"]}}\r\n\
         --B\r\nContent-Disposition: form-data; name=\"0\"; filename=\"loen.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend(file);
    body.extend(b"\r\n--B--\r\n");
    let req = hyper::Request::post(format!("http://{addr}/graphql"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "multipart/form-data; boundary=B")
        .body(Full::new(Bytes::from(body)))?;
    let res = tokio::time::timeout(Duration::from_secs(30), client.request(req)).await??;
    let bytes = res.into_body().collect().await?.to_bytes();
    Ok(serde_json::from_slice(&bytes)?)
}

fn hours(centi: i64) -> String {
    format!("{}.{:02}", centi / 100, centi % 100)
}

async fn post(
    client: &Client<HttpConnector, Full<Bytes>>,
    addr: &str,
    token: &str,
    body: Value,
) -> anyhow::Result<Value> {
    let req = hyper::Request::post(format!("http://{addr}/graphql"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))?;
    let res = tokio::time::timeout(Duration::from_secs(30), client.request(req)).await??;
    let bytes = res.into_body().collect().await?.to_bytes();
    Ok(serde_json::from_slice(&bytes)?)
}

/// Checks the database against the ledger: (invariant violations, lost acknowledged writes).
async fn verify(url: &str, ledger: &Ledger) -> anyhow::Result<(u64, u64)> {
    use entity::{audit_log, hours_line, hours_report, person};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let db = Database::connect(url).await?;
    let mut months: HashMap<(String, String), MonthWrite> = HashMap::new();
    let mut report_key: HashMap<uuid::Uuid, (String, String)> = HashMap::new();
    for r in hours_report::Entity::find().all(&db).await? {
        let key = (
            r.contract_id.to_string(),
            r.month.format("%Y-%m").to_string(),
        );
        report_key.insert(r.id, key.clone());
        months.insert(key, (r.total_centihours, vec![]));
    }
    for l in hours_line::Entity::find().all(&db).await? {
        if let Some(m) = report_key.get(&l.report_id).and_then(|k| months.get_mut(k)) {
            m.1.push((l.placement_id.to_string(), l.centihours));
        }
    }
    let mut violations = 0u64;
    let mut lost = 0u64;
    for (key, (total, lines)) in &mut months {
        lines.sort();
        let sum: i64 = lines.iter().map(|l| l.1).sum();
        if sum > *total {
            println!("VIOLATION {key:?}: {sum} hundredths of trainee lines in a month of {total}");
            violations += 1;
        }
        let sent = ledger.sent.get(key).map(Vec::as_slice).unwrap_or_default();
        if !sent.iter().any(|w| w.0 == *total && w.1 == *lines) {
            println!("VIOLATION {key:?}: holds a state no writer sent: {total} {lines:?}");
            violations += 1;
        }
    }
    for key in &ledger.acknowledged_months {
        if !months.contains_key(key) {
            println!("LOST {key:?}: acknowledged, not in the database");
            lost += 1;
        }
    }
    let persons: HashSet<String> = person::Entity::find()
        .all(&db)
        .await?
        .into_iter()
        .map(|p| p.id.to_string())
        .collect();
    for id in &ledger.acknowledged_persons {
        if !persons.contains(id) {
            println!("LOST person {id}: acknowledged, not in the database");
            lost += 1;
        }
    }
    // One row per acknowledged write at least: a report or a person (an import writes one per
    // month), or a placement's update (`--mix`'s kind changes; its creations are the setup's).
    let audit = audit_log::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(audit_log::Column::Entity.is_in(["Hours report", "Person"]))
                .add(
                    sea_orm::Condition::all()
                        .add(audit_log::Column::Entity.eq("Placement"))
                        .add(audit_log::Column::Operation.eq("update")),
                ),
        )
        .filter(audit_log::Column::TokenId.ne(uuid::Uuid::nil()))
        .count(&db)
        .await?;
    if audit < ledger.acknowledged {
        println!(
            "VIOLATION: {audit} audit rows for {} acknowledged writes",
            ledger.acknowledged
        );
        violations += 1;
    }
    db.close().await.ok();
    Ok((violations, lost))
}
