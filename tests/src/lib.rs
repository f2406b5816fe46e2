//! Test harness: a fresh database per test (a SQLite file in a temporary directory, or a new
//! PostgreSQL database when `TEST_DATABASE_URL` is set, dropped afterwards), the schema on top of it,
//! a statement counter, and helpers that create fixtures through GraphQL.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use api::auth::Principal;
use api::config::{PageLimits, QueryLimits};
use api::graphql::{AppSchema, build_schema, build_schema_with};
use async_graphql::{Request, Variables};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{Value, json};

pub use serde_json;

pub mod sinks;
pub mod world;

/// A valid CVR number (modulus-11) for fixtures; `n` in 0..8 picks one of several.
pub fn cvr(n: usize) -> &'static str {
    [
        "31874521", "35120939", "41288701", "37660213", "17452908", "25313763", "10150817",
        "12345674",
    ][n]
}

/// The `n`th valid CVR number (modulus-11, no leading zero), for fixtures that need many.
pub fn nth_cvr(n: usize) -> String {
    const WEIGHTS: [u32; 8] = [2, 7, 6, 5, 4, 3, 2, 1];
    let mut found = 0;
    for base in 2_000_000u32.. {
        let digits: Vec<u32> = base
            .to_string()
            .chars()
            .map(|c| c.to_digit(10).unwrap())
            .collect();
        let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
        let check = (11 - sum % 11) % 11;
        if check == 10 {
            continue;
        }
        if found == n {
            return format!("{base}{check}");
        }
        found += 1;
    }
    unreachable!()
}

/// Every table, and whether it has `updated_at`.
const TABLES: [(&str, bool); 25] = [
    ("housing_organisation", true),
    ("estate", true),
    ("lbf_grant", true),
    ("contractor", true),
    ("contract", true),
    ("person", true),
    ("placement", true),
    ("hours_report", true),
    ("hours_line", true),
    ("trial_placement", true),
    ("follow_up_group", true),
    ("group_member", true),
    ("meeting", true),
    ("meeting_attendee", false),
    ("action_item", true),
    ("lbf_report", true),
    ("api_token", true),
    ("audit_log", false),
    ("app_user", true),
    ("user_session", false),
    ("payroll_import", false),
    ("reminder", false),
    ("reminder_delivery", true),
    ("webhook", true),
    ("reminder_preference", true),
];

/// A new, empty database of its own (no migrations run): a SQLite file in a temporary directory,
/// or with `TEST_DATABASE_URL` a new PostgreSQL database. [`TestApp`] migrates one; a migration
/// test takes it to an older version first. Whoever holds it drops the PostgreSQL database.
pub struct BlankDatabase {
    pub url: String,
    pg: Option<(String, String)>,
    dir: Option<tempfile::TempDir>,
}

impl BlankDatabase {
    pub async fn new() -> Self {
        Self::create(false).await
    }

    /// A new database with every migration applied: on PostgreSQL a copy of this process's
    /// migrated template (see [`pg_template`]), on SQLite a new file (migrated by whoever
    /// connects, as the server does at start).
    pub async fn migrated() -> Self {
        Self::create(true).await
    }

    async fn create(migrated: bool) -> Self {
        let (url, pg, dir) = match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!("t_{}", uuid::Uuid::new_v4().simple());
                let template = if migrated {
                    format!(" TEMPLATE {}", pg_template(&admin_url))
                } else {
                    String::new()
                };
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("TEST_DATABASE_URL must be reachable");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}{template}"))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                (
                    with_database(&admin_url, &name),
                    Some((admin_url, name)),
                    None,
                )
            }
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("test.sqlite").display()
                );
                (url, None, Some(dir))
            }
        };
        Self { url, pg, dir }
    }
}

/// The migrated PostgreSQL database this test process copies each test's database from
/// (`CREATE DATABASE … TEMPLATE`): the migrations run once per process instead of once per test,
/// where they were most of a short test's time. Made on first use, on a thread and runtime of its
/// own (tests run on runtimes of their own); named for the process, and dropped by a later test
/// process once the process it was named for has ended.
fn pg_template(admin_url: &str) -> &'static str {
    static TEMPLATE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let admin_url = admin_url.to_owned();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(make_template(&admin_url))
        })
        .join()
        .expect("the migrated template database")
    })
}

async fn make_template(admin_url: &str) -> String {
    let admin = Database::connect(admin_url)
        .await
        .expect("TEST_DATABASE_URL must be reachable");
    let backend = admin.get_database_backend();
    let found = admin
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT datname FROM pg_database WHERE datname LIKE 'tmpl\\_%'",
        ))
        .await
        .expect("list template databases");
    for row in found {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let ended = name
            .split('_')
            .nth(1)
            .and_then(|pid| pid.parse::<u32>().ok())
            .is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists());
        if ended {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                .await;
        }
    }
    let name = format!(
        "tmpl_{}_{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    );
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create the template database");
    let db = api::db::connect_and_migrate(&with_database(admin_url, &name))
        .await
        .expect("migrate the template database");
    db.close().await.ok();
    admin.close().await.ok();
    name
}

impl Drop for BlankDatabase {
    fn drop(&mut self) {
        drop_database(self.pg.take());
    }
}

/// Removes a test's PostgreSQL database. Drop cannot await; a short-lived runtime on its own
/// thread removes the database. FORCE ends the test's own pooled connections (closing the pool
/// from here would wait on the test's runtime, which is blocked in this drop).
fn drop_database(pg: Option<(String, String)>) {
    let Some((admin_url, name)) = pg else {
        return;
    };
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            if let Ok(admin) = Database::connect(&admin_url).await {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
                admin.close().await.ok();
            }
        });
    })
    .join()
    .ok();
}

pub struct TestApp {
    pub db: DatabaseConnection,
    /// The database's URL, for a second pool or server on the same database.
    pub url: String,
    pub schema: AppSchema,
    statements: Arc<AtomicUsize>,
    /// The statements' SQL since the last reset, for tests that say which rows a request read.
    sql: Arc<std::sync::Mutex<Vec<String>>>,
    pg: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_limits(PageLimits::default()).await
    }

    pub async fn with_query_limits(query: QueryLimits) -> Self {
        let mut app = Self::with_limits(PageLimits::default()).await;
        app.schema = build_schema_with(app.db.clone(), PageLimits::default(), query);
        app
    }

    pub async fn with_limits(limits: PageLimits) -> Self {
        let mut blank = BlankDatabase::migrated().await;
        let (url, pg, dir) = (blank.url.clone(), blank.pg.take(), blank.dir.take());
        let mut db = api::db::connect_and_migrate(&url)
            .await
            .expect("connect and migrate");
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        let sql: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
        let log = sql.clone();
        // TRACE_SQL=1 prints each statement: what a statement-count assertion counted.
        let trace = std::env::var_os("TRACE_SQL").is_some();
        db.set_metric_callback(move |info| {
            if trace {
                eprintln!("SQL: {}", info.statement.sql);
            }
            counter.fetch_add(1, Ordering::SeqCst);
            log.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(info.statement.sql.clone());
        });
        let schema = build_schema(db.clone(), limits);
        Self {
            db,
            url,
            schema,
            statements,
            sql,
            pg,
            _dir: dir,
        }
    }

    /// A stored administrator token and its secret, for requests over HTTP.
    pub async fn admin_token(&self) -> (entity::api_token::Model, String) {
        api::auth::create_token(
            &self.db,
            api::auth::CreateApiTokenInput {
                name: "test".into(),
                role: entity::enums::Role::Admin,
                organisation_id: None,
                contractor_id: None,
                grant_ids: vec![],
                expires_at: None,
            },
        )
        .await
        .map_err(|e| e.message())
        .expect("an administrator token")
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// SQL statements run since the last reset.
    pub fn statements(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }

    pub fn reset_statements(&self) {
        self.statements.store(0, Ordering::SeqCst);
        self.sql
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    /// The SQL of the statements run since the last reset, in order.
    pub fn statements_sql(&self) -> Vec<String> {
        self.sql
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The whole GraphQL response as JSON (`data` and `errors`), as an administrator.
    pub async fn exec(&self, query: &str, vars: Value) -> Value {
        self.exec_as(Some(Principal::system()), query, vars).await
    }

    /// The whole GraphQL response as JSON for a given caller (None: no token).
    pub async fn exec_as(&self, who: Option<Principal>, query: &str, vars: Value) -> Value {
        let mut req = Request::new(query).variables(Variables::from_json(vars));
        if let Some(p) = who {
            req = req.data(p);
        }
        // As the HTTP handler does: messages in the request's language (English here).
        let mut res = self.schema.execute(req).await;
        api::graphql::localize(&mut res.errors, api::i18n::Lang::En);
        serde_json::to_value(res).expect("response is JSON")
    }

    /// The whole response for the system caller, answered in `lang` (as `Accept-Language` would
    /// choose).
    pub async fn exec_lang(&self, lang: api::i18n::Lang, query: &str, vars: Value) -> Value {
        let req = Request::new(query)
            .variables(Variables::from_json(vars))
            .data(Principal::system())
            .data(lang);
        let mut res = self.schema.execute(req).await;
        api::graphql::localize(&mut res.errors, lang);
        serde_json::to_value(res).expect("response is JSON")
    }

    /// `data` of a response that must have no errors.
    pub async fn ok(&self, query: &str, vars: Value) -> Value {
        let res = self.exec(query, vars).await;
        assert!(res.get("errors").is_none(), "unexpected errors: {res:#}");
        res["data"].clone()
    }

    /// The first error of a response that must fail: (code, field, message).
    pub async fn err(&self, query: &str, vars: Value) -> (String, Option<String>, String) {
        let res = self.exec(query, vars).await;
        let e = &res["errors"][0];
        assert!(!e.is_null(), "expected an error, got {res:#}");
        (
            e["extensions"]["code"]
                .as_str()
                .unwrap_or("<no code>")
                .to_owned(),
            e["extensions"]["field"].as_str().map(str::to_owned),
            e["message"].as_str().unwrap_or_default().to_owned(),
        )
    }

    /// Rows in a table, counted directly in the database.
    pub async fn count(&self, table: &str) -> i64 {
        self.count_where(table, "TRUE").await
    }

    /// Rows of `table` that meet `condition` (SQL written by the test itself).
    pub async fn count_where(&self, table: &str, condition: &str) -> i64 {
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM {table} WHERE {condition}"),
            ))
            .await
            .expect("count query")
            .expect("one row");
        row.try_get::<i64>("", "n").expect("count")
    }

    /// Every value in every table, as text: for searching the whole database for a value.
    pub async fn dump(&self) -> String {
        let backend = self.db.get_database_backend();
        let mut out = String::new();
        for (table, _) in TABLES {
            let Some(first) = self
                .db
                .query_one_raw(Statement::from_string(
                    backend,
                    format!("SELECT * FROM {table} LIMIT 1"),
                ))
                .await
                .expect("dump query")
            else {
                continue;
            };
            for column in first.column_names() {
                let rows = self
                    .db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("SELECT CAST({column} AS TEXT) AS v FROM {table}"),
                    ))
                    .await
                    .expect("dump column");
                for row in rows {
                    if let Ok(Some(v)) = row.try_get::<Option<String>>("", "v") {
                        out.push_str(&v);
                        out.push('\n');
                    }
                }
            }
        }
        out
    }

    /// Every table's row count and latest `updated_at`: equal before and after a call means the
    /// call wrote nothing (no insert, update, archive or delete, no audit row).
    pub async fn snapshot(&self) -> Vec<(String, i64, Option<String>)> {
        let backend = self.db.get_database_backend();
        let mut out = Vec::new();
        for (table, has_updated) in TABLES {
            let latest = if has_updated {
                "CAST(MAX(updated_at) AS TEXT)"
            } else {
                "CAST(NULL AS TEXT)"
            };
            let row = self
                .db
                .query_one_raw(Statement::from_string(
                    backend,
                    format!("SELECT COUNT(*) AS n, {latest} AS m FROM {table}"),
                ))
                .await
                .expect("snapshot query")
                .expect("one row");
            out.push((
                table.to_owned(),
                row.try_get::<i64>("", "n").expect("count"),
                row.try_get::<Option<String>>("", "m").expect("latest"),
            ));
        }
        out
    }

    // ---- fixtures, created through the API ----

    pub async fn organisation(&self) -> String {
        let d = self
            .ok(
                "mutation { createHousingOrganisation(input: {name: \"Fyns Almennyttige Boligselskab\"}) { id } }",
                json!({}),
            )
            .await;
        id(&d["createHousingOrganisation"])
    }

    pub async fn estate(&self, organisation_id: &str) -> String {
        let d = self
            .ok(
                "mutation($o: UUID!) { createEstate(input: {organisationId: $o, name: \"Korsløkkeparken\", municipality: \"Odense\"}) { id } }",
                json!({ "o": organisation_id }),
            )
            .await;
        id(&d["createEstate"])
    }

    pub async fn grant_on(&self, estate_id: &str, case_number: &str) -> String {
        let d = self
            .ok(
                "mutation($e: UUID!, $c: String!) { createGrant(input: {estateId: $e, caseNumber: $c, title: \"Helhedsplan\", kind: RENOVATION, commitmentYear: 2021, stage: SKEMA_B, craftsmanCost: \"250000000\", constructionStart: \"2023-03-01\", plannedHandover: \"2026-12-31\"}) { id } }",
                json!({ "e": estate_id, "c": case_number }),
            )
            .await;
        id(&d["createGrant"])
    }

    /// Organisation, estate and one grant.
    pub async fn grant(&self) -> String {
        let org = self.organisation().await;
        let estate = self.estate(&org).await;
        self.grant_on(&estate, "LBF-1").await
    }

    pub async fn contractor(&self, n: usize) -> String {
        let d = self
            .ok(
                "mutation($c: String!, $n: String!) { createContractor(input: {cvr: $c, name: $n}) { id } }",
                json!({ "c": cvr(n), "n": format!("Entreprenør {n}") }),
            )
            .await;
        id(&d["createContractor"])
    }

    pub async fn contract(&self, grant_id: &str, contractor_id: &str) -> String {
        let d = self
            .ok(
                "mutation($g: UUID!, $c: UUID!) { createContract(input: {grantId: $g, contractorId: $c, kind: MAIN, trade: \"hovedentreprise\", value: \"100000000\", startDate: \"2023-03-01\", endDate: \"2026-12-31\", trainingClause: {requiredSharePercent: \"14\"}}) { id } }",
                json!({ "g": grant_id, "c": contractor_id }),
            )
            .await;
        id(&d["createContract"])
    }

    pub async fn person(&self, name: &str) -> String {
        let d = self
            .ok(
                "mutation($n: String!) { createPerson(input: {displayName: $n, birthYear: 2003, livesInEstate: true}) { id } }",
                json!({ "n": name }),
            )
            .await;
        id(&d["createPerson"])
    }

    pub async fn placement(&self, person_id: &str, grant_id: &str, contract_id: &str) -> String {
        let d = self
            .ok(
                "mutation($p: UUID!, $g: UUID!, $c: UUID!) { createPlacement(input: {personId: $p, grantId: $g, contractId: $c, kind: EUD_APPRENTICE, trade: \"murer\", startDate: \"2023-05-01\"}) { id } }",
                json!({ "p": person_id, "g": grant_id, "c": contract_id }),
            )
            .await;
        id(&d["createPlacement"])
    }

    /// A contractor's monthly report on `contract`: `total` hours in `month`, and the trainee
    /// hours in `lines` (each a placement and its hours).
    pub async fn report_month(&self, contract: &str, month: &str, total: &str, lines: Value) {
        self.ok(
            "mutation($c: UUID!, $m: YearMonth!, $t: Decimal!, $l: [TraineeHoursInput!]!) {
            reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: $m, totalHours: $t, traineeHours: $l}) { id } }",
            json!({ "c": contract, "m": month, "t": total, "l": lines }),
        )
        .await;
    }

    pub async fn group(&self, grant_id: &str) -> String {
        let d = self
            .ok(
                "mutation($g: UUID!) { createFollowUpGroup(input: {grantId: $g, name: \"Følgegruppen\"}) { id } }",
                json!({ "g": grant_id }),
            )
            .await;
        id(&d["createFollowUpGroup"])
    }
}

/// One HTTP/1.1 request over a new TCP connection to `addr`, as any client sends it: the
/// status and the body.
pub async fn request_with(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
    token: Option<&str>,
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/json\r\nAccept: text/html, application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(req.as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text[9..12].parse().expect("status code");
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

pub fn id(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_owned()
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let root = base.rsplit_once('/').map(|(r, _)| r).unwrap_or(base);
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop_database(self.pg.take());
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn swaps_the_database_name() {
        assert_eq!(
            with_database("postgres://u@h:5432/test", "t_1"),
            "postgres://u@h:5432/t_1"
        );
        assert_eq!(
            with_database("postgres://u@h/test?sslmode=disable", "t_1"),
            "postgres://u@h/t_1?sslmode=disable"
        );
    }
}
