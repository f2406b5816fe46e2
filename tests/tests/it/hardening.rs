//! The server holds under abuse: concurrent writers never corrupt a month or answer INTERNAL,
//! instances start together, hostile queries are refused quickly with a code, and bad input gets
//! a typed answer with nothing written. Each test is one scenario from the hardening issue, on the
//! database the suite runs on.

use std::time::{Duration, Instant};

use api::auth::Principal;
use api::config::QueryLimits;
use entity::enums::Role;
use serde_json::{Value, json};
use tests::TestApp;
use tests::world::{made, principal, site};

const REPORT: &str = "mutation($c: UUID!, $m: YearMonth!, $t: Decimal!, $l: [TraineeHoursInput!]!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: $m, totalHours: $t, traineeHours: $l}) { id } }";

/// The error codes of a response (every error must have one).
fn codes(res: &Value) -> Vec<String> {
    res["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("expected errors, got {res:#}"))
        .iter()
        .map(|e| {
            e["extensions"]["code"]
                .as_str()
                .unwrap_or_else(|| panic!("an error without extensions.code: {e:#}"))
                .to_owned()
        })
        .collect()
}

/// A grant with one contract and three trainees on it, all active in 2024.
async fn contract_with_trainees(app: &TestApp) -> (String, String, Vec<String>) {
    let grant = app.grant().await;
    let contractor = app.contractor(0).await;
    let contract = app.contract(&grant, &contractor).await;
    let mut placements = Vec::new();
    for i in 0..3 {
        let person = app.person(&format!("Lærling {i}")).await;
        placements.push(app.placement(&person, &grant, &contract).await);
    }
    (grant, contract, placements)
}

/// The month's lines as (placement, hundredths) and its total, read from the tables.
async fn month_state(app: &TestApp, contract: &str, month: &str) -> (i64, Vec<(String, i64)>) {
    let d = app
        .ok(
            "query($c: UUID!, $m: YearMonth!) { hoursReports(filter: {contractId: $c, fromMonth: $m, toMonth: $m}) { edges { node { totalHours lines { hours placement { id } } } } } }",
            json!({ "c": contract, "m": month }),
        )
        .await;
    let node = &d["hoursReports"]["edges"][0]["node"];
    let centi = |v: &Value| (v.as_str().unwrap().parse::<f64>().unwrap() * 100.0).round() as i64;
    let mut lines: Vec<(String, i64)> = node["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["placement"]["id"].as_str().unwrap().to_owned(),
                centi(&l["hours"]),
            )
        })
        .collect();
    lines.sort();
    (centi(&node["totalHours"]), lines)
}

/// Scenario: eight writers replace the same contract's month at the same moment, twelve rounds.
/// Each writer reports 100 h in all with 100 h for "its" trainee, so two writes mixed would hold
/// 200 h of trainee lines in a 100 h month. After every round the month holds exactly one
/// writer's lines, every writer was answered OK (never INTERNAL or a deadlock), and the audit
/// trail has one row per acknowledged write.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_replacements_of_one_month_keep_exactly_one_write() {
    let app = TestApp::new().await;
    let (_, contract, placements) = contract_with_trainees(&app).await;
    let audit_before = app.count("audit_log").await;
    let mut acknowledged = 0;
    for round in 0..12 {
        let month = format!("2024-{:02}", round + 1);
        let mut writers = Vec::new();
        for w in 0..8 {
            let schema = app.schema.clone();
            let vars = json!({
                "c": contract, "m": month, "t": "100",
                "l": [{ "placementId": placements[w % 3], "hours": "100" }],
            });
            writers.push(tokio::spawn(async move {
                let req = async_graphql::Request::new(REPORT)
                    .variables(async_graphql::Variables::from_json(vars))
                    .data(Principal::system());
                serde_json::to_value(schema.execute(req).await).unwrap()
            }));
        }
        for w in writers {
            let res = w.await.unwrap();
            assert!(res.get("errors").is_none(), "round {round}: {res:#}");
            acknowledged += 1;
        }
        let (total, lines) = month_state(&app, &contract, &month).await;
        assert_eq!(total, 10_000, "round {round}");
        assert_eq!(
            lines.len(),
            1,
            "round {round}: lines of several writes: {lines:?}"
        );
        assert_eq!(lines[0].1, 10_000, "round {round}");
        assert!(placements.contains(&lines[0].0));
    }
    assert_eq!(app.count("hours_report").await, 12);
    assert_eq!(app.count("hours_line").await, 12);
    // Each acknowledged write audited its version's step and the counted report.
    assert_eq!(
        app.count("audit_log").await - audit_before,
        2 * acknowledged
    );
}

/// Scenario: ten writers at once on the embedded default (and on PostgreSQL), each doing a mix of
/// creates, updates and monthly reports for 40 mutations. None may fail for concurrency.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_writers_never_fail_for_concurrency() {
    let app = TestApp::new().await;
    let (grant, contract, placements) = contract_with_trainees(&app).await;
    let mut writers = Vec::new();
    for w in 0..10 {
        let schema = app.schema.clone();
        let (contract, grant, placement) =
            (contract.clone(), grant.clone(), placements[w % 3].clone());
        writers.push(tokio::spawn(async move {
            let mut failures = Vec::new();
            for i in 0..40 {
                let (q, vars) = match i % 4 {
                    0 => (
                        "mutation($n: String!) { createPerson(input: {displayName: $n, birthYear: 2001, livesInEstate: false}) { id } }",
                        json!({ "n": format!("Person {w}-{i}") }),
                    ),
                    1 => (
                        "mutation($g: UUID!, $t: String!) { updateGrant(id: $g, input: {title: $t}) { id } }",
                        json!({ "g": grant, "t": format!("Helhedsplan {w}-{i}") }),
                    ),
                    _ => (
                        REPORT,
                        json!({
                            "c": contract, "m": format!("2024-{:02}", (w + i) % 12 + 1),
                            "t": "160", "l": [{ "placementId": placement, "hours": "80" }],
                        }),
                    ),
                };
                let req = async_graphql::Request::new(q)
                    .variables(async_graphql::Variables::from_json(vars))
                    .data(Principal::system());
                let res = serde_json::to_value(schema.execute(req).await).unwrap();
                if res.get("errors").is_some() {
                    failures.push(res);
                }
            }
            failures
        }));
    }
    for w in writers {
        let failures = w.await.unwrap();
        assert!(failures.is_empty(), "{failures:#?}");
    }
    // Ten writers each created ten persons, besides the three trainees.
    assert_eq!(app.count("person").await, 3 + 100);
}

/// Scenario: four server instances start at the same moment on a fresh database. All four
/// migrate without error (on PostgreSQL an advisory lock makes them take turns; on SQLite the file's
/// write lock and the shared write gate do) and agree on the schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_starting_together_on_a_fresh_database_all_migrate() {
    use sea_orm::{ConnectionTrait, Database};
    let dir = tempfile::tempdir().unwrap();
    let (url, admin) = match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(&admin_url).await.unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            let url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
            (url, Some((admin, name)))
        }
        _ => (
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("fresh.sqlite").display()
            ),
            None,
        ),
    };
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { api::db::connect_and_migrate(&url).await.map(|_| ()) })
        })
        .collect();
    let mut results = Vec::new();
    for s in starts {
        results.push(s.await.unwrap().map_err(|e| e.to_string()));
    }
    let db = Database::connect(&url).await.unwrap();
    let applied = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM seaql_migrations",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    db.close().await.ok();
    if let Some((admin, name)) = admin {
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .ok();
    }
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(applied as usize, migration::Migrator::migrations().len());
}

use migration::MigratorTrait;

/// Runs `f` on a thread with a small stack, as a release build's worker thread would be for a
/// parser recursing per nesting level: a query that reached the parser would overflow it.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// Scenario: a VIEWER sends a 4 KB query with a list literal and an input object nested 2000
/// deep. It is refused before parsing (GRAPHQL_PARSE_FAILED) on a 256 KiB stack, where parsing it
/// would overflow and abort the process; the server answers the next request as usual.
#[test]
fn deeply_nested_literals_are_refused_before_the_parser_recurses() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let app = rt.block_on(TestApp::new());
    let schema = app.schema.clone();
    let viewer = Principal {
        role: Role::Viewer,
        ..Principal::system()
    };
    let list = format!(
        "{{ grants(filter: {{ municipality: {}\"x\"{} }}) {{ totalCount }} }}",
        "[".repeat(2000),
        "]".repeat(2000)
    );
    let object = format!(
        "{{ grants(filter: {}{}) {{ totalCount }} }}",
        "{ a: ".repeat(2000),
        "}".repeat(2000)
    );
    for query in [list, object] {
        let (schema, viewer) = (schema.clone(), viewer.clone());
        let res = on_small_stack(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                serde_json::to_value(
                    schema
                        .execute(async_graphql::Request::new(query).data(viewer))
                        .await,
                )
                .unwrap()
            })
        });
        assert_eq!(codes(&res), ["GRAPHQL_PARSE_FAILED"]);
        assert!(
            res["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("at most 64"),
            "{res}"
        );
    }
    let res = rt.block_on(app.exec_as(Some(viewer), "{ grants { totalCount } }", json!({})));
    assert_eq!(res["data"]["grants"]["totalCount"], 0, "{res}");
}

/// Resident memory of this process, in bytes (Linux).
fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// Scenario: a 983-byte query of nested fragments (`F24 { ...F23 ...F23 }` down to F0) expands
/// to 2^24 copies. It is refused as too complex within 500 ms and 200 MB (the bound of the issue;
/// this process runs other tests beside it, so the figure is for the whole process), on Query and
/// on a grant list alike. Before, it took 10 s of CPU and 3.3 GB.
#[tokio::test]
async fn fragment_bombs_are_refused_in_milliseconds() {
    let app = TestApp::new().await;
    for (base, leaf) in [
        ("Query", "grants { totalCount }"),
        ("GrantConnection", "totalCount"),
    ] {
        let mut q = if base == "Query" {
            String::from("query { ...F24 }\n")
        } else {
            String::from("query { grants { ...F24 } }\n")
        };
        q.push_str(&format!("fragment F0 on {base} {{ {leaf} }}\n"));
        for i in 1..=24 {
            q.push_str(&format!(
                "fragment F{i} on {base} {{ ...F{} ...F{} }}\n",
                i - 1,
                i - 1
            ));
        }
        assert!(q.len() < 2000, "{} bytes", q.len());
        let (mem, start) = (rss(), Instant::now());
        let res = app.exec(&q, json!({})).await;
        let (took, grew) = (start.elapsed(), rss().saturating_sub(mem));
        assert_eq!(codes(&res), ["GRAPHQL_VALIDATION_FAILED"], "{res}");
        assert!(
            res["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("too complex")
        );
        assert!(took < Duration::from_millis(500), "refused after {took:?}");
        assert!(grew < 200 << 20, "memory grew by {grew} bytes");
    }
}

/// Scenario: 300 aliases of `complianceTimeSeries` in one query. Each costs a time series in the
/// complexity count, so the query is refused before anything runs; ten of them are allowed.
#[tokio::test]
async fn aliases_of_expensive_fields_are_refused_by_their_cost() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let aliases = |n: usize| {
        format!(
            "query($g: UUID!) {{ {} }}",
            (0..n)
                .map(|i| format!("a{i}: complianceTimeSeries(grantId: $g) {{ month }}"))
                .collect::<Vec<_>>()
                .join(" ")
        )
    };
    let start = Instant::now();
    let res = app.exec(&aliases(300), json!({ "g": grant })).await;
    assert_eq!(codes(&res), ["GRAPHQL_VALIDATION_FAILED"], "{res}");
    assert!(start.elapsed() < Duration::from_millis(500));
    app.reset_statements();
    let res = app.exec(&aliases(11), json!({ "g": grant })).await;
    assert_eq!(codes(&res), ["GRAPHQL_VALIDATION_FAILED"]);
    assert_eq!(app.statements(), 0, "a refused query ran SQL");
    let res = app.exec(&aliases(9), json!({ "g": grant })).await;
    assert!(res.get("errors").is_none(), "{res}");
    // Two national overviews fit in one request; three do not.
    let national = |n: usize| {
        format!(
            "{{ {} }}",
            (0..n)
                .map(|i| format!("d{i}: complianceDashboard {{ grantId }}"))
                .collect::<Vec<_>>()
                .join(" ")
        )
    };
    assert!(
        app.exec(&national(2), json!({}))
            .await
            .get("errors")
            .is_none()
    );
    assert_eq!(
        codes(&app.exec(&national(3), json!({})).await),
        ["GRAPHQL_VALIDATION_FAILED"]
    );
}

/// Scenario: a request that runs past its time limit is stopped and answered TIMEOUT; the limit
/// for national overviews is the longer one.
#[tokio::test]
async fn requests_past_their_time_limit_answer_timeout() {
    let mut app = TestApp::new().await;
    api::seed::seed_demo(&app.db).await.unwrap();
    app.schema = api::graphql::build_schema_with(
        app.db.clone(),
        Default::default(),
        QueryLimits {
            timeout: Duration::from_secs(30),
            national_timeout: Duration::from_micros(1),
            ..Default::default()
        },
    );
    let res = app
        .exec("{ complianceDashboard { grantId } }", json!({}))
        .await;
    assert_eq!(codes(&res), ["TIMEOUT"], "{res}");
    // The ordinary limit applies to the rest.
    let res = app.exec("{ grants { totalCount } }", json!({})).await;
    assert_eq!(res["data"]["grants"]["totalCount"], 1, "{res}");
}

/// Scenario: input a person could type wrong or an attacker could craft, each refused with
/// BAD_USER_INPUT naming the field, and nothing written.
#[tokio::test]
async fn out_of_range_numbers_years_and_dates_are_refused_with_the_field() {
    let app = TestApp::new().await;
    let (grant, contract, placements) = contract_with_trainees(&app).await;
    let before = app.snapshot().await;
    for year in ["300000", "-1", "2147483647", "1999"] {
        let res = app
            .exec(
                &format!(
                    "query($g: UUID!) {{ lbfYearReport(grantId: $g, year: {year}) {{ year }} }}"
                ),
                json!({ "g": grant }),
            )
            .await;
        assert_eq!(codes(&res), ["BAD_USER_INPUT"], "{year}: {res}");
        if year != "2147483647" {
            assert_eq!(res["errors"][0]["extensions"]["field"], "year", "{res}");
        }
    }
    for as_of in ["+262142-12-31", "-262143-01-01", "1899-12-31", "2201-01-01"] {
        let res = app
            .exec(
                "query($g: UUID!, $d: NaiveDate) { compliance(grantId: $g, asOf: $d) { status } }",
                json!({ "g": grant, "d": as_of }),
            )
            .await;
        assert_eq!(codes(&res), ["BAD_USER_INPUT"], "{as_of}: {res}");
        assert_eq!(res["errors"][0]["extensions"]["field"], "d", "{res}");
    }
    let p = &placements[0];
    let cases: &[(&str, Value, &str)] = &[
        ("79228162514264337593543950335", json!([]), "too large"),
        ("92233720368547758.07", json!([]), "too large"),
        ("10000000.01", json!([]), "at most 10000000"),
        ("1.0000000000000000000000000000001", json!([]), "exactly"),
        ("5200,5", json!([]), "5200.5"),
        ("NaN", json!([]), "with a point"),
        ("-5", json!([]), "zero or more"),
        (
            "100",
            json!([{ "placementId": p, "hours": "1e400" }]),
            "with a point",
        ),
        (
            "100",
            json!([{ "placementId": p, "hours": "0.001" }]),
            "two decimals",
        ),
    ];
    for (total, lines, says) in cases {
        let res = app
            .exec(
                REPORT,
                json!({ "c": contract, "m": "2024-03", "t": total, "l": lines }),
            )
            .await;
        assert_eq!(codes(&res), ["BAD_USER_INPUT"], "{total}: {res}");
        let message = res["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(says), "{total}: {message}");
        assert!(res["errors"][0]["extensions"]["field"].is_string(), "{res}");
    }
    // Through literals rather than variables: a number no decimal holds is a syntax error of
    // the document; one with too many digits is refused like the string.
    let literal = |total: &str| {
        format!(
            "mutation {{ reportMonthlyHours(input: {{declarationVersion: \"2026-12\", contractId: \"{contract}\", month: \"2024-03\", totalHours: {total}}}) {{ id }} }}"
        )
    };
    let res = app.exec(&literal("1e400"), json!({})).await;
    assert_eq!(codes(&res), ["GRAPHQL_PARSE_FAILED"], "{res}");
    let res = app.exec(&literal("100.001"), json!({})).await;
    assert_eq!(codes(&res), ["BAD_USER_INPUT"], "{res}");
    assert_eq!(
        res["errors"][0]["extensions"]["field"], "totalHours",
        "{res}"
    );
    assert_eq!(
        app.snapshot().await,
        before,
        "a refused call wrote something"
    );
}

/// Scenario: malformed requests of every kind; each answer carries `extensions.code`.
#[tokio::test]
async fn every_error_carries_a_code() {
    let app = TestApp::with_query_limits(QueryLimits {
        max_depth: 6,
        ..Default::default()
    })
    .await;
    let grant = app.grant().await;
    let cases: &[(&str, Value, &str)] = &[
        (
            "{ grants(first: 2147483648) { totalCount } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        (
            "query($g: UUID!) { grant(id: $g) { id } }",
            json!({ "g": "not-a-uuid" }),
            "BAD_USER_INPUT",
        ),
        (
            "{ grant(id: \"not-a-uuid\") { id } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        (
            "query($d: NaiveDate) { complianceDashboard(asOf: $d) { grantId } }",
            json!({ "d": "2024-02-30" }),
            "BAD_USER_INPUT",
        ),
        (
            "query($m: YearMonth) { hoursReports(filter: {fromMonth: $m}) { totalCount } }",
            json!({ "m": "2024-13" }),
            "BAD_USER_INPUT",
        ),
        (
            "{ hoursReports(filter: {fromMonth: 5}) { totalCount } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        ("{ grants { totalCount ", json!({}), "GRAPHQL_PARSE_FAILED"),
        (
            "{ grants { nope } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            "{ grants(first: 1) { edges { node { contracts { contractor { contracts { grant { id } } } } } } } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            "query($g: UUID!) { grant(id: $g) { id } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        (
            "query($n: String!) { grants(filter: {municipality: $n}) { totalCount } }",
            json!({ "n": "Odense\u{0}" }),
            "BAD_USER_INPUT",
        ),
    ];
    for (q, vars, code) in cases {
        let res = app.exec(q, vars.clone()).await;
        assert_eq!(codes(&res), [*code], "{q}: {res:#}");
    }
    // An unknown operation name.
    let req = async_graphql::Request::new("query A { grants { totalCount } }")
        .operation_name("B")
        .data(Principal::system());
    let res = serde_json::to_value(app.schema.execute(req).await).unwrap();
    assert_eq!(codes(&res), ["GRAPHQL_VALIDATION_FAILED"], "{res}");
    let _ = grant;
}

/// Scenario: a NUL byte in a name (which PostgreSQL refuses with an internal error) and an
/// escape sequence in a filter are refused as BAD_USER_INPUT naming where they stand; nothing is
/// written. Line breaks in minutes stay allowed.
#[tokio::test]
async fn control_characters_in_text_are_refused() {
    let app = TestApp::new().await;
    let before = app.snapshot().await;
    let res = app
        .exec(
            "mutation($n: String!) { createPerson(input: {displayName: $n, birthYear: 2001, livesInEstate: false}) { id } }",
            json!({ "n": "Ann\u{0}e" }),
        )
        .await;
    assert_eq!(codes(&res), ["BAD_USER_INPUT"], "{res}");
    assert_eq!(res["errors"][0]["extensions"]["field"], "n");
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("U+0000")
    );
    let res = app
        .exec(
            "{ grants(filter: {municipality: \"Odense\\u001b[2J\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(codes(&res), ["BAD_USER_INPUT"], "{res}");
    assert_eq!(
        res["errors"][0]["extensions"]["field"],
        "filter.municipality"
    );
    assert_eq!(app.snapshot().await, before);
    let person = app.person("Line\nBreak").await;
    assert!(!person.is_empty());
}

/// Scenario: the right to erasure. A person's name, birth year and next plan were recorded,
/// changed and audited; after `erasePerson` no table holds the erased values any more (the whole
/// database is searched), while the audit trail still shows that the rows changed.
#[tokio::test]
async fn erasure_scrubs_the_audit_trail_and_leaves_the_values_nowhere() {
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let person = made(
        &app,
        "mutation { createPerson(input: {displayName: \"Zacharias Quistgaard\", birthYear: 1961, livesInEstate: true, consentDate: \"2023-11-17\"}) { id } }",
        json!({}),
    )
    .await;
    app.ok(
        "mutation($p: UUID!) { updatePerson(id: $p, input: {displayName: \"Zacharias Quistgaard-Holm\"}) { id } }",
        json!({ "p": person }),
    )
    .await;
    let trial = made(
        &app,
        "mutation($p: UUID!, $g: UUID!) { createTrialPlacement(input: {personId: $p, grantId: $g, tovholder: \"T\", startDate: \"2024-03-04\"}) { id } }",
        json!({ "p": person, "g": a.grant }),
    )
    .await;
    app.ok(
        "mutation($t: UUID!) { recordTrialOutcome(input: {trialPlacementId: $t, outcome: APPRENTICESHIP, outcomeDate: \"2024-04-01\", nextPlan: \"Xylofonvej murerlære\"}) { id } }",
        json!({ "t": trial }),
    )
    .await;
    assert!(app.dump().await.contains("Quistgaard"));
    let audit_rows = app.count("audit_log").await;
    app.ok(
        "mutation($p: UUID!) { erasePerson(id: $p) { displayName } }",
        json!({ "p": person }),
    )
    .await;
    // On SQLite the file itself, free pages included, and its write-ahead log hold no trace
    // either (secure_delete zeroes freed content; the erasure checkpoints and empties the WAL).
    if !app.is_postgres() {
        let path = app
            .url
            .trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        for file in [path.clone(), format!("{path}-wal")] {
            let bytes = std::fs::read(&file).unwrap_or_default();
            for secret in ["Zacharias", "Quistgaard", "Xylofonvej"] {
                assert!(
                    !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                    "{secret} is still in the bytes of {file}"
                );
            }
        }
    }
    let dump = app.dump().await;
    for secret in ["Zacharias", "Quistgaard", "Xylofonvej", "2023-11-17"] {
        assert!(!dump.contains(secret), "{secret} is still in the database");
    }
    // The birth year as a column value or in a stored image (a bare "1961" may be part of an id).
    assert!(
        !dump.lines().any(|l| l == "1961"),
        "the birth year is still in a column"
    );
    let compact: String = dump.split_whitespace().collect();
    assert!(
        !compact.contains("\"birth_year\":1961"),
        "the birth year is still in an audit image"
    );
    // The history of changes is kept (one more row, for the erasure), only the values are gone.
    assert_eq!(app.count("audit_log").await, audit_rows + 1);
    let log = app
        .ok(
            "query($p: UUID!) { auditLog(filter: {entityId: $p}) { operation before after } }",
            json!({ "p": person }),
        )
        .await;
    let ops: Vec<&str> = log["auditLog"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["operation"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["erase", "update", "create"]);
}

/// Scenario: dashboards as a VIEWER. Findings about placements and snusepraktik (each about one
/// person) are counted per rule, with no subject id and no dates or hours of anyone; the counts
/// add up to what an administrator sees.
#[tokio::test]
async fn a_viewer_gets_findings_about_persons_only_as_counts() {
    let app = TestApp::new().await;
    // Loaded on 25 November 2026; by 31 December both open snusepraktikker are past the 14 days
    // for their outcome: findings about persons.
    api::seed::seed_demo_on(
        &app.db,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
    )
    .await
    .unwrap();
    let q = "{ complianceDashboard(asOf: \"2026-12-31\", knownAt: \"2100-01-01T00:00:00Z\") { findings { rule subject subjectId message measured } } }";
    let admin = app.ok(q, json!({})).await;
    let viewer = Principal {
        role: Role::Viewer,
        ..Principal::system()
    };
    let seen = app.exec_as(Some(viewer), q, json!({})).await;
    assert!(seen.get("errors").is_none(), "{seen}");
    let personal =
        |f: &&Value| matches!(f["subject"].as_str(), Some("PLACEMENT" | "TRIAL_PLACEMENT"));
    let all = |d: &Value| -> Vec<Value> {
        d["complianceDashboard"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["findings"].as_array().unwrap().clone())
            .collect()
    };
    let admin_findings = all(&admin);
    let viewer_findings = all(&seen["data"]);
    let admin_personal = admin_findings.iter().filter(personal).count();
    assert!(
        admin_personal > 0,
        "the demo should have findings about persons: {admin:#}"
    );
    let counted: u64 = viewer_findings
        .iter()
        .filter(personal)
        .map(|f| {
            assert!(f["subjectId"].is_null(), "{f}");
            f["measured"].as_str().unwrap().parse::<u64>().unwrap()
        })
        .sum();
    assert_eq!(counted as usize, admin_personal);
    for f in admin_findings.iter().filter(personal) {
        let id = f["subjectId"].as_str().unwrap();
        assert!(!seen.to_string().contains(id), "{id} reached the viewer");
    }
    // Findings not about persons are the same for both.
    assert_eq!(
        admin_findings.iter().filter(|f| !personal(f)).count(),
        viewer_findings.iter().filter(|f| !personal(f)).count()
    );
}

/// Scenario: a trainee works on two organisations' sites in one month, 150 h and 100 h: more than
/// one person can work. The bygherre of the first site sees the R9 finding with the 100 h on other
/// sites as a number, never which site or organisation.
#[tokio::test]
async fn double_counting_across_organisations_names_no_other_site() {
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let b = site(&app, "B", 1).await;
    let elsewhere = app.placement(&a.person, &b.grant, &b.contract).await;
    let report = |c: &str, p: &str, h: &str| json!({ "c": c, "m": "2024-02", "t": "1000", "l": [{ "placementId": p, "hours": h }] });
    app.ok(REPORT, report(&a.contract, &a.placement, "150"))
        .await;
    app.ok(REPORT, report(&b.contract, &elsewhere, "100")).await;
    let bygherre = principal(&app, Role::Bygherre, &a).await;
    let res = app
        .exec_as(
            Some(bygherre),
            "query($g: UUID!) { compliance(grantId: $g, asOf: \"2024-03-31\", knownAt: \"2100-01-01T00:00:00Z\") { findings { rule subjectId message measured } } }",
            json!({ "g": a.grant }),
        )
        .await;
    let findings: Vec<&Value> = res["data"]["compliance"]["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("{res}"))
        .iter()
        .filter(|f| f["rule"] == "R9")
        .collect();
    assert_eq!(findings.len(), 1, "{res:#}");
    let message = findings[0]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "Lærling A is credited 150 hours as EUD apprentice on hovedentreprise (Entreprenør 0) in 2024-02, and 100 hours on other sites: 250 hours in all; one person can work at most 200.41"
    );
    assert_eq!(findings[0]["measured"], "250.00");
    let text = res.to_string();
    for other in [
        b.grant.as_str(),
        &b.contract,
        &elsewhere,
        &b.org,
        "LBF-B",
        "Boligselskab B",
    ] {
        assert!(!text.contains(other), "{other} leaked: {text}");
    }
}

/// Scenario: an administrator registers a contractor for another organisation. A bygherre reads
/// audit rows only about its own records: its own contractor's, not that one's.
#[tokio::test]
async fn a_bygherre_reads_no_audit_rows_of_other_organisations_contractors() {
    let app = TestApp::new().await;
    let a = site(&app, "A", 0).await;
    let b = site(&app, "B", 1).await;
    let bygherre = principal(&app, Role::Bygherre, &a).await;
    let rows = |entity_id: &str| {
        let (app, who) = (&app, bygherre.clone());
        let entity_id = entity_id.to_owned();
        async move {
            let res = app
                .exec_as(
                    Some(who),
                    "query($e: UUID!) { auditLog(filter: {entity: \"Contractor\", entityId: $e}) { operation } }",
                    json!({ "e": entity_id }),
                )
                .await;
            res["data"]["auditLog"]
                .as_array()
                .unwrap_or_else(|| panic!("{res}"))
                .len()
        }
    };
    assert_eq!(rows(&a.contractor).await, 1);
    assert_eq!(rows(&b.contractor).await, 0);
}

/// Scenario: twelve writers at once on three contracts of one grant, each mixing monthly reports,
/// placement kind changes (which refresh the rollups of every month with a line on the
/// placement) and payroll imports of two contracts, named in either order. Every write is
/// answered OK, and on PostgreSQL none was a deadlock victim (the database's own count of
/// deadlocks does not move): every writer takes the contracts' locks, in id order, before any
/// grant's revision row.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mixed_writers_of_months_kinds_and_imports_never_deadlock() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let mut contracts = Vec::new();
    for n in 0..3 {
        let contractor = app.contractor(n).await;
        let contract = app.contract(&grant, &contractor).await;
        let mut placements = Vec::new();
        for i in 0..2 {
            let person = app.person(&format!("Lærling {n}-{i}")).await;
            placements.push(app.placement(&person, &grant, &contract).await);
        }
        contracts.push((contract, placements));
    }
    let deadlocks = |db: sea_orm::DatabaseConnection| async move {
        if db.get_database_backend() != sea_orm::DbBackend::Postgres {
            return 0;
        }
        db.execute_unprepared("SELECT pg_stat_force_next_flush()")
            .await
            .ok();
        db.query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "deadlocks")
        .unwrap()
    };
    let before = deadlocks(app.db.clone()).await;
    let gate = api::db::WriteGate::for_connection(&app.db);
    let mut writers = Vec::new();
    for w in 0..12usize {
        let (schema, db, gate, contracts) = (
            app.schema.clone(),
            app.db.clone(),
            gate.clone(),
            contracts.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            for i in 0..8usize {
                let (contract, placements) = &contracts[(w + i) % 3];
                let month = format!("2024-{:02}", (w * 8 + i) % 12 + 1);
                let answer = match (w + i) % 3 {
                    0 => {
                        let vars = json!({
                            "c": contract, "m": month, "t": format!("{}", 200 + w * 10 + i),
                            "l": [{ "placementId": placements[i % 2], "hours": "40" }],
                        });
                        let req = async_graphql::Request::new(REPORT)
                            .variables(async_graphql::Variables::from_json(vars))
                            .data(Principal::system());
                        serde_json::to_value(schema.execute(req).await).unwrap()
                    }
                    1 => {
                        let kind = ["EUD_APPRENTICE", "EUV_APPRENTICE", "EUX"][(w + i) % 3];
                        let req = async_graphql::Request::new(
                            "mutation($p: UUID!, $k: PlacementKind!) { updatePlacement(id: $p, input: {kind: $k}) { id } }",
                        )
                        .variables(async_graphql::Variables::from_json(
                            json!({ "p": placements[w % 2], "k": kind }),
                        ))
                        .data(Principal::system());
                        serde_json::to_value(schema.execute(req).await).unwrap()
                    }
                    _ => {
                        // Two contracts, in one order for even writers and the other for odd.
                        let other = &contracts[(w + i + 1) % 3];
                        let pair = if w % 2 == 0 {
                            [(contract, placements), (&other.0, &other.1)]
                        } else {
                            [(&other.0, &other.1), (contract, placements)]
                        };
                        let mut csv = String::from("kontrakt;måned;timer i alt;plads;timer\n");
                        for (c, p) in pair {
                            csv.push_str(&format!("{c};{month};{}.{w:02};{};30\n", 300 + i, p[0]));
                        }
                        let summary = api::service::payroll::import_payroll(
                            &db,
                            &gate,
                            &Principal::system(),
                            api::service::payroll::ImportRequest {
                                file_name: "loen.csv".into(),
                                bytes: csv.into_bytes(),
                                dry_run: false,
                                filed_at: None,
                                declaration_version: Some("2026-12".into()),
                            },
                        )
                        .await;
                        match summary {
                            Ok(s) if s.status == api::service::payroll::ImportStatus::Imported => {
                                json!({ "data": "imported" })
                            }
                            Ok(s) => json!({ "errors": [{ "message": format!("{:?}: {:?}", s.status, s.problems) }] }),
                            Err(e) => json!({ "errors": [{ "message": e.message() }] }),
                        }
                    }
                };
                answers.push(answer);
            }
            answers
        }));
    }
    for w in writers {
        for answer in w.await.unwrap() {
            assert!(answer.get("errors").is_none(), "{answer:#}");
        }
    }
    assert_eq!(
        deadlocks(app.db.clone()).await - before,
        0,
        "deadlocks detected"
    );
}
