//! The web app in a real browser: Debian's Chromium driven over WebDriver (chromedriver) against
//! the server on a local port, with the demo loaded on today's date, on either database. Each role
//! signs in and does its job through the pages; the numbers a page shows are compared with the
//! GraphQL answer to the same question; the core flows run with JavaScript disabled; no page
//! loads anything from another host; CSRF and session expiry refuse; a VIEWER's pages hold no
//! personal data. Every main page is saved as a screenshot under
//! `target/screenshots/<database>/` for a reviewer.
//!
//! Needs Debian's `chromium` and `chromium-driver`: installed on first use when missing
//! (`testkit::ensure`); `CHROMIUM` and `CHROMEDRIVER` override their paths. No browser outlives
//! its test, even one that panics: the WebDriver session is closed first, then chromedriver's
//! whole process group is killed (`the_browser_of_a_panicking_test_is_gone_after_it`).

use std::collections::HashMap;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use api::i18n::Lang;
use chrono::Datelike;
use entity::enums::Role;
use fantoccini::{Client, ClientBuilder, Locator};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};
use tests::TestApp;

/// One browser at a time per test binary: two cores run one Chromium well, not six.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Serves `app` on a local port: its address, and the sender that stops it.
async fn serve(app: &TestApp) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let endpoint = api::http::app(app.db.clone(), app.schema.clone());
    tokio::spawn(async move {
        let _ = api::http::serve_on(listener, endpoint, Default::default(), async {
            let _ = stopped.await;
        })
        .await;
    });
    (base, stop)
}

/// The server with the demo, on a local port.
struct Site {
    app: TestApp,
    base: String,
    users: HashMap<Role, (String, String)>,
    grant: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn site() -> Site {
    let app = TestApp::new().await;
    let today = api::units::danish_today();
    api::seed::seed_demo_on(&app.db, today).await.unwrap();
    let users = api::seed::demo_users(
        &app.db,
        &[
            Role::Admin,
            Role::Bygherre,
            Role::Contractor,
            Role::Tovholder,
            Role::Viewer,
        ],
    )
    .await
    .unwrap()
    .into_iter()
    .map(|(role, email, password)| (role, (email, password)))
    .collect();
    let grant = app
        .ok("{ grants { edges { node { id } } } }", json!({}))
        .await["grants"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (base, stop) = serve(&app).await;
    Site {
        app,
        base,
        users,
        grant,
        stop: Some(stop),
    }
}

/// A Chromium session through its own chromedriver. Dropped, even while a test panics, it closes
/// the session (chromedriver then quits Chromium) and kills chromedriver's process group, so
/// nothing it started is left running.
struct Browser {
    client: Client,
    driver: Child,
    driver_port: u16,
    session: Option<String>,
    /// In every Chromium process's command line (the directory of its profile): how the suite
    /// finds this browser's processes.
    marker: String,
    shots: PathBuf,
    base: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(session) = &self.session {
            delete_session(self.driver_port, session);
        }
        testkit::kill_group(self.driver.id());
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(std::env::temp_dir().join(&self.marker));
    }
}

/// `DELETE /session/{id}` to chromedriver, blocking: Drop cannot await, and the runtime may be
/// unwinding. Bounded by short timeouts; the process-group kill that follows is the backstop.
fn delete_session(port: u16, session: &str) {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_secs(2),
    ) else {
        return;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    let request = format!(
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_ok() {
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
    }
}

async fn browser(site: &Site, javascript: bool) -> Browser {
    let (driver_path, chromium) = match (std::env::var("CHROMEDRIVER"), std::env::var("CHROMIUM")) {
        (Ok(driver), Ok(chromium)) => (driver, chromium),
        _ => {
            testkit::ensure(&[testkit::CHROMIUM, testkit::CHROMEDRIVER]);
            (
                testkit::CHROMEDRIVER.path.to_owned(),
                testkit::CHROMIUM.path.to_owned(),
            )
        }
    };
    let port = testkit::free_port();
    let marker = format!("sct-chromium-{}", uuid::Uuid::new_v4().simple());
    // chromedriver makes Chromium's profile directory under TMPDIR: the marker is then in the
    // command line of Chromium and of each of its helpers.
    let profiles = std::env::temp_dir().join(&marker);
    std::fs::create_dir_all(&profiles).unwrap();
    let driver = Command::new(&driver_path)
        .arg(format!("--port={port}"))
        .env("TMPDIR", &profiles)
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {driver_path} ({e}): install Chromium's WebDriver \
                 (apt-get install -y chromium chromium-driver), as .ci/run does"
            )
        });
    let url = format!("http://127.0.0.1:{port}");
    let mut prefs = json!({ "intl.accept_languages": "da-DK,da" });
    if !javascript {
        prefs["profile.managed_default_content_settings.javascript"] = json!(2);
    }
    let caps: serde_json::Map<String, Value> = serde_json::from_value(json!({
        "browserName": "chrome",
        // The network log: every request the pages make, read back with `PerformanceLog`.
        "goog:loggingPrefs": { "performance": "ALL" },
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1800", "--lang=da-DK", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--disable-default-apps"],
            "prefs": prefs,
        }
    }))
    .unwrap();
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let mut last = None;
    // chromedriver takes a moment to listen.
    for _ in 0..100 {
        match ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => {
                let db = if site.app.is_postgres() {
                    "postgres"
                } else {
                    "sqlite"
                };
                let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("../target/screenshots")
                    .join(db);
                std::fs::create_dir_all(&shots).unwrap();
                let session = client.session_id().await.ok().flatten();
                return Browser {
                    client,
                    driver,
                    driver_port: port,
                    session,
                    marker,
                    shots,
                    base: site.base.clone(),
                };
            }
            Err(e) => {
                last = Some(e);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    panic!("no WebDriver session: {last:?}");
}

impl Browser {
    /// Opens `path`, checks that the page requested nothing from another host, saves a
    /// screenshot as `shot`.png (when named) and returns the page's HTML.
    async fn visit(&self, path: &str, shot: Option<&str>) -> String {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
        self.settled(shot).await
    }

    /// After a navigation (a visit or a form post): the same checks on the page now shown.
    async fn settled(&self, shot: Option<&str>) -> String {
        let url = self.client.current_url().await.unwrap();
        assert!(
            url.as_str().starts_with(&self.base),
            "left the site for {url}"
        );
        if let Some(name) = shot {
            let png = self.client.screenshot().await.unwrap();
            assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
            std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
        }
        self.client.source().await.unwrap()
    }

    /// Every request the pages sent since the last call, from Chromium's network log
    /// (`Network.requestWillBeSent` events of the performance log).
    async fn requested(&self) -> Vec<String> {
        let log = self.client.issue_cmd(PerformanceLog).await.unwrap();
        let mut urls = Vec::new();
        for entry in log.as_array().unwrap() {
            let message: Value = serde_json::from_str(entry["message"].as_str().unwrap()).unwrap();
            if message["message"]["method"] == "Network.requestWillBeSent" {
                let url = &message["message"]["params"]["request"]["url"];
                urls.push(url.as_str().unwrap().to_owned());
            }
        }
        urls
    }

    /// No request since the last check went to another host (and there was at least one).
    async fn local_only(&self) {
        let urls = self.requested().await;
        assert!(!urls.is_empty(), "the network log records requests");
        for url in urls {
            assert!(
                url.starts_with(&self.base) || url.starts_with("data:"),
                "requested {url} from another host"
            );
        }
    }

    async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_owned()
    }

    async fn text_of(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .text()
            .await
            .unwrap()
            .trim()
            .to_owned()
    }

    /// Clicks `css` (a link or a submit button) and waits until the next page shows `then`: a
    /// click starts the navigation but need not wait for it to finish.
    async fn click_then(&self, css: &str, then: &str) {
        self.click(css).await;
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(then))
            .await
            .unwrap_or_else(|e| panic!("after {css}, no {then}: {e}"));
    }

    async fn fill(&self, css: &str, value: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// The contractor's start page's link to the hours form, for last month's report (the
    /// running month is refused until it has ended; the demo has reported every month before).
    async fn hours_form_of_last_month(&self) -> String {
        let link = self
            .client
            .find(Locator::Css("#contracts a[href^='/app/hours']"))
            .await
            .unwrap()
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        format!("{link}&month={}", last_month().format("%Y-%m"))
    }

    /// The address of the first link matching `css` on the page shown.
    async fn first_link(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .attr("href")
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{css} has no address"))
    }

    /// `path` at 1366 px and at 320 px: a screenshot at each width (`wide-<name>`,
    /// `phone-<name>`), no axe-core violation at either, and on the phone no wider than the
    /// screen. Leaves the window at 320 px.
    async fn check_page(&self, axe: &str, path: &str, name: &str) {
        for (width, prefix) in [(1366, "wide"), (320, "phone")] {
            self.client.set_window_size(width, 900).await.unwrap();
            self.visit(path, Some(&format!("{prefix}-{name}"))).await;
            let violations = self.axe(axe).await;
            assert!(
                violations.is_empty(),
                "{path} at {width} px: axe-core finds {violations:#?}"
            );
            let widths = self
                .client
                .execute(
                    "return [document.documentElement.scrollWidth, window.innerWidth];",
                    vec![],
                )
                .await
                .unwrap();
            let (page, screen) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
            if width == 320 {
                assert!(screen <= 340, "a phone's width: {screen}");
                assert!(
                    page <= screen,
                    "{path} is {page} px wide on a {screen} px screen"
                );
            }
        }
    }

    /// axe-core's violations on the page shown (every rule for WCAG 2.0/2.1 A and AA and its
    /// best practices), each as its rule, impact, help and the first elements it names.
    async fn axe(&self, source: &str) -> Vec<Value> {
        self.client
            .execute(&format!("{source}\nreturn typeof axe;"), vec![])
            .await
            .unwrap();
        let answer = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                axe.run(document, { runOnly: { type: "tag",
                        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } })
                    .then(r => done(r.violations.map(v => ({ rule: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")) }))))
                    .catch(e => done([{ rule: "axe-error", help: String(e) }]));"#,
                vec![],
            )
            .await
            .unwrap();
        answer.as_array().cloned().unwrap_or_default()
    }

    /// Signs in through the form with the keyboard and the mouse, as a person does.
    async fn sign_in(&self, site: &Site, role: Role) {
        let (email, password) = &site.users[&role];
        self.visit("/login", None).await;
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.click_then("main button[type=submit]", "nav.navigation-menu")
            .await;
        assert_eq!(self.path().await, "/app", "signed in as {role:?}");
    }
}

/// Moves the demo's site start to 1 July last year, so last year is over and its LBF report
/// (not submitted) is the one to send; returns that year.
/// The first day of the month before this one, in Denmark.
fn last_month() -> chrono::NaiveDate {
    let today = api::units::danish_today();
    today.with_day(1).unwrap() - chrono::Months::new(1)
}

/// Last month's report as stored: all its trainee hours, and those of placements that count
/// towards the share.
async fn last_months_lines(app: &TestApp, contract: &str) -> (Decimal, Decimal) {
    let stored = app
        .ok(
            "query($m: YearMonth!, $c: UUID!) { hoursReports(filter: { fromMonth: $m, toMonth: $m, contractId: $c }) { edges { node {
                lines { hours placement { countsTowardsShare } } } } } }",
            json!({ "m": last_month().format("%Y-%m").to_string(), "c": contract }),
        )
        .await;
    let edges = stored["hoursReports"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1, "one report for the month");
    let (mut all, mut counted) = (Decimal::ZERO, Decimal::ZERO);
    for l in edges[0]["node"]["lines"].as_array().unwrap() {
        let h: Decimal = l["hours"].as_str().unwrap().parse().unwrap();
        all += h;
        if l["placement"]["countsTowardsShare"] == true {
            counted += h;
        }
    }
    (all, counted)
}

async fn started_last_year(site: &Site) -> i32 {
    let year = api::units::danish_today().year() - 1;
    site.app
        .ok(
            "mutation($g: UUID!, $d: NaiveDate!) { updateGrant(id: $g, input: { constructionStart: $d }) { id } }",
            json!({ "g": site.grant, "d": format!("{year}-07-01") }),
        )
        .await;
    year
}

/// The demo's main contractor's trainee hours, from GraphQL.
async fn own_trainee_hours(app: &TestApp) -> Value {
    let v = app
        .ok(
            "{ contractorRanking(filter: {}) { contractorName metrics { traineeHours } } }",
            json!({}),
        )
        .await;
    v["contractorRanking"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["contractorName"] == "Fynsk Byg & Anlæg A/S (demo)")
        .unwrap()["metrics"]["traineeHours"]
        .clone()
}

/// ChromeDriver's log command (`POST /session/{id}/se/log`), which fantoccini does not wrap.
#[derive(Debug)]
struct PerformanceLog;

impl fantoccini::wd::WebDriverCompatibleCommand for PerformanceLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"performance"}"#.into()))
    }
}

/// A GraphQL decimal as the Danish pages write it, to two decimals.
fn da(v: &Value) -> String {
    let d: Decimal = v.as_str().unwrap().parse().unwrap();
    api::i18n::decimal(Lang::Da, d, 2)
}

fn from_da(text: &str) -> Decimal {
    text.replace('.', "").replace(',', ".").parse().unwrap()
}

/// Scenario: the bygherre reads the portfolio and the grant page (their figures equal the
/// GraphQL answer), submits the year's LBF report, is refused a correction without a reason,
/// corrects it with one; both versions are stored and audited under the person.
#[tokio::test(flavor = "multi_thread")]
async fn the_bygherre_checks_the_figures_and_submits_and_corrects_the_report() {
    let _one = ONE_BROWSER.lock().await;
    let site = site().await;
    let last_year = started_last_year(&site).await;
    let b = browser(&site, true).await;
    b.sign_in(&site, Role::Bygherre).await;
    let home = b.settled(Some("bygherre-portfolio")).await;
    b.local_only().await;
    assert!(home.contains("<html lang=\"da\">"));
    let api = site
        .app
        .ok(
            "query($g: UUID!) { compliance(grantId: $g) { status metrics { sharePercent shortfallHours traineeHours labourHours }
                deadlines { lbfReportYear nextMeetingDue } } }",
            json!({ "g": site.grant }),
        )
        .await;
    let c = &api["compliance"];
    assert_eq!(
        b.text_of("#portfolio tbody tr td:nth-child(4)").await,
        da(&c["metrics"]["sharePercent"])
    );
    assert_eq!(
        b.text_of("#portfolio tbody tr td:nth-child(6)").await,
        da(&c["metrics"]["shortfallHours"])
    );
    let next_meeting: chrono::NaiveDate = c["deadlines"]["nextMeetingDue"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        b.text_of("#portfolio tbody tr td:nth-child(9)")
            .await
            .contains(&api::i18n::da_date(next_meeting)),
        "the next meeting's date"
    );

    // Filtering by a status the grant does not have leaves the table empty.
    let other = if c["status"] == "BREACH" {
        "COMPLIANT"
    } else {
        "BREACH"
    };
    let filtered = b.visit(&format!("/app?status={other}"), None).await;
    assert!(filtered.contains("Ingen tilsagn matcher filteret."));

    b.visit(
        &format!("/app/grants/{}", site.grant),
        Some("bygherre-grant"),
    )
    .await;
    b.local_only().await;
    assert_eq!(
        b.text_of("dd[data-key=trainee]").await,
        da(&c["metrics"]["traineeHours"])
    );
    assert_eq!(
        b.text_of("dd[data-key=labour]").await,
        da(&c["metrics"]["labourHours"])
    );

    b.visit("/app/ranking", Some("bygherre-ranking")).await;
    b.local_only().await;

    let year = c["deadlines"]["lbfReportYear"].as_i64().unwrap();
    assert_eq!(
        year,
        i64::from(last_year),
        "last year's report is the one to send"
    );
    b.visit(&format!("/app/grants/{}", site.grant), None).await;
    b.click_then("a[href$='/lbf']", "#lbf-report").await;
    let report = b.settled(Some("bygherre-lbf-report")).await;
    assert!(
        report.contains(&format!("Indberetningen {year}")),
        "{report}"
    );
    assert!(report.contains("Ikke indsendt."));
    b.click_then(
        "form[action$='/lbf'][method=post] button[type=submit]",
        "#receipt",
    )
    .await;
    let submitted = b.settled(None).await;
    assert!(
        submitted.contains("Indberetningen er indsendt."),
        "{submitted}"
    );
    // A reason of spaces passes the browser's `required` but not the server.
    b.fill("#reason", "   ").await;
    b.click_then("textarea#reason ~ button", "#reason-error")
        .await;
    let refused = b.settled(Some("bygherre-lbf-refused")).await;
    assert!(refused.contains("id=\"reason-error\""), "{refused}");
    assert!(refused.contains("skal udfyldes"), "{refused}");
    b.fill("#reason", "Timer for december var indberettet to gange")
        .await;
    b.click_then("textarea#reason ~ button", "#receipt").await;
    let corrected = b.settled(Some("bygherre-lbf-corrected")).await;
    assert!(corrected.contains("Rettelsen er indsendt."), "{corrected}");
    assert!(corrected.contains("Timer for december var indberettet to gange"));

    let versions = entity::lbf_report::Entity::find()
        .filter(entity::lbf_report::Column::Year.eq(year as i32))
        .all(&site.app.db)
        .await
        .unwrap();
    assert_eq!(versions.len(), 2, "the submission and the correction");
    assert!(versions.iter().all(|v| v.submitted_by == "Demo bygherre"));
    let user = entity::app_user::Entity::find()
        .filter(entity::app_user::Column::Email.eq("bygherre@demo.example"))
        .one(&site.app.db)
        .await
        .unwrap()
        .unwrap();
    let audited = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::UserId.eq(user.id))
        .filter(entity::audit_log::Column::Entity.eq("LBF report"))
        .count(&site.app.db)
        .await
        .unwrap();
    assert_eq!(audited, 2, "both versions audited under the person");
}

/// Scenario: the contractor reports this month's hours through the form (prefilled from last
/// month) and sees its trainee hours grow by exactly the lines it reported; the page equals the
/// GraphQL answer before and after.
#[tokio::test(flavor = "multi_thread")]
async fn the_contractor_reports_a_month_and_sees_its_figures_change() {
    let _one = ONE_BROWSER.lock().await;
    let site = site().await;
    let b = browser(&site, true).await;
    b.sign_in(&site, Role::Contractor).await;
    b.settled(Some("contractor-home")).await;
    b.local_only().await;
    let before = own_trainee_hours(&site.app).await;
    assert_eq!(
        b.text_of("#own-figures tbody td:nth-child(3)").await,
        da(&before)
    );

    let form = b.hours_form_of_last_month().await;
    let contract = form
        .split("contract=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap()
        .to_owned();
    let (all_before, counted_before) = last_months_lines(&site.app, &contract).await;
    b.visit(&form, Some("contractor-hours-form")).await;
    b.local_only().await;
    // Prefilled with the month on file; the first trainee worked 8 hours more than reported.
    let fields = b
        .client
        .find_all(Locator::Css("fieldset input[name^='hours']"))
        .await
        .unwrap();
    let first = fields.first().expect("the demo's contract has trainees");
    let was = from_da(&first.prop("value").await.unwrap().unwrap_or_default());
    let mut corrected = api::i18n::decimal(Lang::Da, was + Decimal::from(8), 2);
    corrected.retain(|c| c != '.');
    b.fill("fieldset input[name='hours0']", &corrected).await;
    b.click("#declare").await;
    // The month is on file: the old and new figures side by side, and a second click replaces.
    b.click_then("main form button[type=submit]", "#confirm-replace")
        .await;
    let asked = b.settled(Some("contractor-hours-confirm")).await;
    assert!(asked.contains("id=\"confirm-replace\""), "{asked}");
    b.click_then("main form button[type=submit]", "#receipt")
        .await;
    let saved = b.settled(None).await;
    assert!(saved.contains("role=\"status\""), "{saved}");

    let after = own_trainee_hours(&site.app).await;
    let (before, after_d): (Decimal, Decimal) = (
        before.as_str().unwrap().parse().unwrap(),
        after.as_str().unwrap().parse().unwrap(),
    );
    let (all_after, counted_after) = last_months_lines(&site.app, &contract).await;
    assert_eq!(all_after, all_before + Decimal::from(8), "stored as typed");
    // Whether the first trainee's kind counts (not, say, løntilskud) decides what the
    // contractor's figure grew by.
    assert_eq!(
        after_d,
        before + (counted_after - counted_before),
        "the month's counted lines replaced the old ones"
    );
    b.visit("/app", Some("contractor-home-after")).await;
    assert_eq!(
        b.text_of("#own-figures tbody td:nth-child(3)").await,
        da(&after)
    );
}

/// Scenario: the tovholder records the outcome of the trial that ended without one; it leaves
/// the list and the funnel's "Uddannelse" grows by one; the følgegruppe page shows the next
/// meeting due as the API says and an overdue action item.
#[tokio::test(flavor = "multi_thread")]
async fn the_tovholder_records_an_outcome_and_the_funnel_changes() {
    let _one = ONE_BROWSER.lock().await;
    let site = site().await;
    let b = browser(&site, true).await;
    b.sign_in(&site, Role::Tovholder).await;
    b.visit("/app/trials", Some("tovholder-trials")).await;
    b.local_only().await;
    let funnel_row = |label: &'static str| {
        let b = &b;
        async move {
            let rows = b.client.find_all(Locator::Css("#funnel tr")).await.unwrap();
            for r in rows {
                let t = r.text().await.unwrap();
                if let Some(n) = t.strip_prefix(label) {
                    return n.trim().parse::<i64>().unwrap();
                }
            }
            panic!("no funnel row {label}");
        }
    };
    let education = funnel_row("Uddannelse").await;
    let api_before = site
        .app
        .ok(
            "query($g: UUID!) { compliance(grantId: $g) { trialFunnel { outcomes { outcome count } } } }",
            json!({ "g": site.grant }),
        )
        .await;
    let api_education = |v: &Value| {
        v["compliance"]["trialFunnel"]["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["outcome"] == "EDUCATION")
            .map_or(0, |o| o["count"].as_i64().unwrap())
    };
    assert_eq!(education, api_education(&api_before));
    assert!(b.text_of("#ended caption").await.ends_with("(1)"));

    let select = b
        .client
        .find(Locator::Css("#ended select[name=outcome]"))
        .await
        .unwrap();
    select.select_by_value("EDUCATION").await.unwrap();
    b.fill("#ended input[name=plan]", "Starter på grundforløb i januar")
        .await;
    b.click_then("#ended button[type=submit]", "#receipt").await;
    let after = b.settled(Some("tovholder-trials-after")).await;
    assert!(after.contains("Udfaldet er gemt."), "{after}");
    assert!(b.text_of("#ended caption").await.ends_with("(0)"));
    assert_eq!(funnel_row("Uddannelse").await, education + 1);
    let api_after = site
        .app
        .ok(
            "query($g: UUID!) { compliance(grantId: $g) { trialFunnel { outcomes { outcome count } } } }",
            json!({ "g": site.grant }),
        )
        .await;
    assert_eq!(api_education(&api_after), education + 1);

    b.visit("/app/groups", None).await;
    b.click_then("main a[href^='/app/groups/']", "#next-meeting")
        .await;
    let group = b.settled(Some("tovholder-followup-group")).await;
    b.local_only().await;
    let due: chrono::NaiveDate = site
        .app
        .ok(
            "query($g: UUID!) { compliance(grantId: $g) { deadlines { nextMeetingDue } } }",
            json!({ "g": site.grant }),
        )
        .await["compliance"]["deadlines"]["nextMeetingDue"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        b.text_of("#next-meeting")
            .await
            .contains(&api::i18n::da_date(due))
    );
    assert!(group.contains("(overskredet)"), "the last meeting's item");
}

/// Scenario: JavaScript off. Signing in, the contractor's hours form and the bygherre's
/// report submission still work (plain forms and redirects); the English switch works too.
#[tokio::test(flavor = "multi_thread")]
async fn the_core_flows_work_without_javascript() {
    let _one = ONE_BROWSER.lock().await;
    let site = site().await;
    started_last_year(&site).await;
    let b = browser(&site, false).await;
    b.sign_in(&site, Role::Contractor).await;
    b.visit(&b.hours_form_of_last_month().await, Some("nojs-hours-form"))
        .await;
    let reports_of_last_month = || async {
        entity::hours_report::Entity::find()
            .filter(entity::hours_report::Column::Month.eq(last_month()))
            .count(&site.app.db)
            .await
            .unwrap()
    };
    let before = reports_of_last_month().await;
    assert!(before > 0, "the demo reported last month");
    // Sent as prefilled, declared on honour: the month is on file, so the page asks before
    // replacing it.
    b.click("#declare").await;
    b.click_then("main form button[type=submit]", "#confirm-replace")
        .await;
    b.click_then("main form button[type=submit]", "#receipt")
        .await;
    let saved = b.settled(None).await;
    assert!(saved.contains("role=\"status\""), "{saved}");
    assert_eq!(
        reports_of_last_month().await,
        before,
        "last month's report was replaced, not doubled"
    );

    b.click_then("header form button[type=submit]", "#email")
        .await;
    assert_eq!(b.path().await, "/login", "signed out");
    b.sign_in(&site, Role::Bygherre).await;
    b.visit(&format!("/app/grants/{}/lbf", site.grant), None)
        .await;
    b.click_then(
        "form[action$='/lbf'][method=post] button[type=submit]",
        "#receipt",
    )
    .await;
    assert!(
        b.settled(Some("nojs-lbf-submitted"))
            .await
            .contains("Indberetningen er indsendt.")
    );
    b.click_then("a[lang=en]", "html[lang=en]").await;
    let english = b.settled(Some("nojs-lbf-english")).await;
    assert!(english.contains("<html lang=\"en\">"), "{english}");
    assert!(english.contains("The figures below are the latest submitted version."));
}

/// Scenario: a form whose CSRF token was tampered with is refused and changes nothing; a
/// session past its end sends the person to the sign-in page.
#[tokio::test(flavor = "multi_thread")]
async fn csrf_and_session_expiry_refuse() {
    let _one = ONE_BROWSER.lock().await;
    let site = site().await;
    started_last_year(&site).await;
    let b = browser(&site, true).await;
    b.sign_in(&site, Role::Bygherre).await;
    b.visit(&format!("/app/grants/{}/lbf", site.grant), None)
        .await;
    b.client
        .execute(
            "document.querySelectorAll('input[name=csrf]').forEach(i => i.value = 'forged');",
            vec![],
        )
        .await
        .unwrap();
    b.click_then(
        "form[action$='/lbf'][method=post] button[type=submit]",
        "p.alert-error[role=alert]",
    )
    .await;
    let refused = b.settled(Some("csrf-refused")).await;
    assert!(refused.contains("Formularen blev afvist"), "{refused}");
    assert_eq!(
        entity::lbf_report::Entity::find()
            .count(&site.app.db)
            .await
            .unwrap(),
        0,
        "nothing submitted"
    );

    for s in entity::user_session::Entity::find()
        .all(&site.app.db)
        .await
        .unwrap()
    {
        let mut s: entity::user_session::ActiveModel = s.into();
        s.expires_at = Set(chrono::Utc::now() - chrono::Duration::minutes(1));
        s.update(&site.app.db).await.unwrap();
    }
    b.visit("/app", None).await;
    assert_eq!(b.path().await, "/login", "the expired session is gone");
}

/// Scenario: the VIEWER sees the portfolio and the grant page, and no page it can reach names
/// a person the demo holds.
#[tokio::test(flavor = "multi_thread")]
async fn a_viewers_pages_hold_no_personal_data() {
    let _one = ONE_BROWSER.lock().await;
    let site = site().await;
    let b = browser(&site, true).await;
    b.sign_in(&site, Role::Viewer).await;
    let names: Vec<String> = entity::person::Entity::find()
        .all(&site.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.display_name)
        .collect();
    assert!(names.len() > 5, "the demo has persons");
    let mut pages = vec![
        ("/app".to_owned(), "viewer-portfolio"),
        (format!("/app/grants/{}", site.grant), "viewer-grant"),
        ("/app/ranking".to_owned(), "viewer-ranking"),
        (format!("/app/grants/{}/lbf", site.grant), "viewer-lbf"),
    ];
    pages.push(("/app/trials".to_owned(), "viewer-trials"));
    pages.push(("/app/groups".to_owned(), "viewer-groups"));
    for (path, shot) in &pages {
        let html = b.visit(path, Some(shot)).await;
        b.local_only().await;
        for name in &names {
            assert!(!html.contains(name.as_str()), "{path} names {name}");
        }
    }
    let grant = b.visit(&format!("/app/grants/{}", site.grant), None).await;
    assert!(
        grant.contains("data-key=\"share\""),
        "the figures are there"
    );
    assert!(
        !grant.contains("<form method=\"post\" action=\"/app/grants/"),
        "no forms that change anything"
    );
}

/// Scenario: every main page of every role, and the pages before sign-in, at 1366 px and on a
/// 320 px phone: axe-core (the registry package, injected into the page) finds no violation of
/// WCAG 2.1 A/AA or of its best practices, and on the phone (WCAG 1.4.10 Reflow) the page is
/// never wider than the screen: the navigation wraps and wide tables scroll in their own box.
/// Each page is saved as a screenshot at both widths (`wide-*.png`, `phone-*.png`).
#[tokio::test(flavor = "multi_thread")]
async fn every_main_page_is_accessible_and_fits_a_phone() {
    let _one = ONE_BROWSER.lock().await;
    let site = site().await;
    let b = browser(&site, true).await;
    let axe = testkit::axe_core();
    let grant = &site.grant;
    let mut checked = 0;
    for (path, name) in [
        ("/login", "login"),
        ("/password/forgot", "forgot-password"),
        ("/no-such-page", "not-found"),
    ] {
        b.check_page(&axe, path, name).await;
        checked += 1;
    }
    // The check can fail: an image without a text alternative on the page shown is found.
    b.client
        .execute(
            "document.querySelector('main').appendChild(document.createElement('img'));",
            vec![],
        )
        .await
        .unwrap();
    let found = b.axe(&axe).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["rule"], "image-alt");
    let pages: [(Role, Vec<(String, &str)>); 5] = [
        (
            Role::Admin,
            vec![
                ("/app/setup".into(), "admin-setup"),
                ("/app/users".into(), "admin-users"),
            ],
        ),
        (
            Role::Bygherre,
            vec![
                ("/app".into(), "bygherre-portfolio"),
                ("/app/setup".into(), "bygherre-setup"),
                (format!("/app/setup/grants/{grant}"), "bygherre-edit-grant"),
                (format!("/app/grants/{grant}"), "bygherre-grant"),
                (
                    format!("/app/grants/{grant}/contracts"),
                    "bygherre-contracts",
                ),
                ("CONTRACT".into(), "bygherre-edit-contract"),
                (format!("/app/grants/{grant}/lbf"), "bygherre-lbf"),
                ("/app/users".into(), "bygherre-users"),
                ("/app/ranking".into(), "bygherre-ranking"),
                ("/app/reminders".into(), "bygherre-reminders"),
                ("/app/import".into(), "bygherre-import"),
            ],
        ),
        (
            Role::Contractor,
            vec![
                ("/app".into(), "contractor-home"),
                ("HOURS".into(), "contractor-hours"),
                ("MONTH".into(), "contractor-month"),
                ("/app/trainees".into(), "contractor-trainees"),
                ("/app/import".into(), "contractor-import"),
                ("/app/reminders".into(), "contractor-reminders"),
            ],
        ),
        (
            Role::Tovholder,
            vec![
                ("/app/trials".into(), "tovholder-trials"),
                ("/app/groups".into(), "tovholder-groups"),
                ("GROUP".into(), "tovholder-group"),
            ],
        ),
        (Role::Viewer, vec![("/app".into(), "viewer-portfolio")]),
    ];
    for (role, paths) in &pages {
        b.client.set_window_size(1366, 900).await.unwrap();
        b.sign_in(&site, *role).await;
        for (path, name) in paths {
            // Pages reached from a link on the page before (a contract's month, a group).
            let path = match path.as_str() {
                "HOURS" => b.hours_form_of_last_month().await,
                "GROUP" => b.first_link("main a[href^='/app/groups/']").await,
                "CONTRACT" => b.first_link("#contracts a[href*='/contracts/']").await,
                "MONTH" => b.first_link("main a[href^='/app/hours/month']").await,
                p => p.to_owned(),
            };
            b.check_page(&axe, &path, name).await;
            checked += 1;
        }
        b.client.set_window_size(1366, 900).await.unwrap();
        b.click_then("header form button[type=submit]", "#email")
            .await;
    }
    assert_eq!(checked, 26, "every page listed was checked");
}

/// The server on an empty database with only an administrator, who can sign in: where a new
/// installation starts.
async fn empty_site() -> Site {
    let app = TestApp::new().await;
    let now = chrono::Utc::now();
    let (_, secret) = api::accounts::invite(
        &app.db,
        &api::auth::Principal::system(),
        api::accounts::InviteUserInput {
            email: "admin@kommune.example".into(),
            display_name: "Ada Administrator".into(),
            role: Role::Admin,
            organisation_id: None,
            contractor_id: None,
            grant_ids: vec![],
        },
        now,
    )
    .await
    .map_err(|e| e.message())
    .unwrap();
    let password = "administratorens gode kode".to_owned();
    api::accounts::accept_invitation(&app.db, &secret, &password, now)
        .await
        .map_err(|e| e.message())
        .unwrap();
    let (base, stop) = serve(&app).await;
    Site {
        app,
        base,
        users: HashMap::from([(Role::Admin, ("admin@kommune.example".to_owned(), password))]),
        grant: String::new(),
        stop: Some(stop),
    }
}

impl Browser {
    /// Chooses the option of the select `css` whose text is `label`.
    async fn choose(&self, css: &str, label: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .select_by_label(label)
            .await
            .unwrap_or_else(|e| panic!("no {label} in {css}: {e}"));
    }

    /// Sets a date field as the date picker would (typing into one depends on the locale).
    async fn set_date(&self, css: &str, date: chrono::NaiveDate) {
        self.client
            .execute(
                "document.querySelector(arguments[0]).value = arguments[1];",
                vec![json!(css), json!(date.to_string())],
            )
            .await
            .unwrap();
    }

    /// Opens an invitation or password link, sets the password and lands signed in.
    async fn accept(&self, link: &str, password: &str) {
        self.visit(link, None).await;
        self.fill("#password", password).await;
        self.submit_then("main button[type=submit]", "nav.navigation-menu")
            .await;
    }

    /// Submits with the button `css` and waits for the next page, then for `then` on it: a page
    /// that already shows `then` (a receipt from the form before) does not count.
    async fn submit_then(&self, css: &str, then: &str) {
        self.client
            .execute("window.__sent = true;", vec![])
            .await
            .unwrap();
        self.click(css).await;
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("body"))
            .await
            .unwrap();
        for _ in 0..200 {
            let old = self
                .client
                .execute("return window.__sent === true;", vec![])
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(true);
            if !old {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(then))
            .await
            .unwrap_or_else(|e| panic!("after {css}, no {then}: {e}"));
    }

    /// The link a users page's receipt shows, after the form that made it.
    async fn link_shown(&self) -> String {
        self.client
            .find(Locator::Css("#receipt a#link"))
            .await
            .unwrap()
            .attr("href")
            .await
            .unwrap()
            .unwrap()
    }

    async fn sign_out(&self) {
        self.submit_then("header form button[type=submit]", "#password")
            .await;
        assert_eq!(self.path().await, "/login", "signed out");
    }
}

/// Scenario, through the browser only, from an empty database with an administrator: the
/// administrator registers a housing organisation and invites its bygherre; the bygherre sets a
/// password, registers an estate, a grant, a contractor by CVR number and two contracts with
/// clauses (a share and an hours clause) and invites the contractor's site manager; the
/// contractor registers a trainee and a placement, sees what it owes in its grid,
/// reports last month from the grid's link, and is asked to confirm before replacing it; the
/// administrator invites the jobcenter's tovholder for the grant, who registers a resident and a
/// snusepraktik, records its outcome and later its plan; the bygherre's portfolio gives the
/// cause of the grant's status. The database ends with exactly what was typed.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_site_is_set_up_and_reported_on_through_the_browser() {
    let _one = ONE_BROWSER.lock().await;
    let site = empty_site().await;
    let b = browser(&site, true).await;
    let today = api::units::danish_today();
    let months_ago = |n: u32| today.with_day(1).unwrap() - chrono::Months::new(n);

    b.sign_in(&site, Role::Admin).await;
    b.visit("/app/setup", Some("journey-admin-setup")).await;
    b.fill("#organisation_name", "Boligselskabet Fynsgade")
        .await;
    b.submit_then("form[action='/app/setup/organisation'] button", "#receipt")
        .await;
    b.visit("/app/users", None).await;
    b.fill("#email", "birthe@fynsgade.example").await;
    b.fill("#name", "Birthe Bygherre").await;
    b.choose("#role", "bygherre").await;
    b.choose("#organisation", "Boligselskabet Fynsgade").await;
    b.submit_then("form[action='/app/users/invite'] button", "#receipt a#link")
        .await;
    let bygherre_link = b.link_shown().await;
    b.sign_out().await;

    b.accept(&bygherre_link, "birthes gode adgangskode").await;
    b.visit("/app/setup", None).await;
    b.fill("#name", "Fynsgade Øst").await;
    b.fill("#municipality", "Odense").await;
    b.submit_then("form[action='/app/setup/estate'] button", "#receipt")
        .await;
    b.fill("#case_number", "LBF-2025-0001").await;
    b.fill("#title", "Fynsgade Øst: nye facader").await;
    b.choose("#stage", "Skema B").await;
    b.fill("#year", "2025").await;
    b.fill("#cost", "50.000.000").await;
    b.fill("#start", &months_ago(6).to_string()).await;
    b.fill("#handover", &(today + chrono::Days::new(400)).to_string())
        .await;
    b.submit_then("form[action='/app/setup/grant'] button", "#receipt")
        .await;
    let cvr = tests::nth_cvr(4242);
    b.fill("#cvr", &cvr).await;
    b.fill("#contractor_name", "Tømrer Fyn ApS").await;
    b.submit_then("form[action='/app/setup/contractor'] button", "#receipt")
        .await;
    b.settled(Some("journey-bygherre-setup")).await;
    b.submit_then("#estates a[href$='/contracts']", "#new-contract")
        .await;
    for (trade, kind, clause, value) in [
        ("tømrer", "Hovedentreprise", "#share", "14"),
        ("maler", "Fagentreprise", "#hours", "1.000"),
    ] {
        b.choose("#contractor", "Tømrer Fyn ApS").await;
        b.choose("#kind", kind).await;
        b.fill("#trade", trade).await;
        b.fill("#value", "10.000.000").await;
        b.set_date("#start", months_ago(4)).await;
        b.set_date("#end", today + chrono::Days::new(300)).await;
        b.fill(clause, value).await;
        b.submit_then("#new-contract button[type=submit]", "#receipt")
            .await;
    }
    b.settled(Some("journey-bygherre-contracts")).await;
    // The bygherre invites its contractor's site manager (for its own grants).
    b.visit("/app/users", Some("journey-bygherre-users")).await;
    b.fill("#email", "sigurd@tomrerfyn.example").await;
    b.fill("#name", "Sigurd Sjakbajs").await;
    b.choose("#role", "entreprenør").await;
    b.choose("#contractor", "Tømrer Fyn ApS").await;
    b.submit_then("form[action='/app/users/invite'] button", "#receipt a#link")
        .await;
    let contractor_link = b.link_shown().await;
    b.sign_out().await;

    b.accept(&contractor_link, "sigurds gode adgangskode").await;
    b.visit("/app/trainees", None).await;
    b.fill("#name", "Ali Lærling").await;
    b.submit_then("form[action='/app/trainees/person'] button", "#receipt")
        .await;
    b.choose("#person", "Ali Lærling").await;
    b.fill("#trade", "tømrer").await;
    b.fill("#start", &months_ago(4).to_string()).await;
    b.submit_then("form[action='/app/trainees/placement'] button", "#receipt")
        .await;
    let home = b.visit("/app", Some("journey-contractor-home")).await;
    let last = months_ago(1).format("%Y-%m").to_string();
    assert!(
        home.contains(&format!("data-month=\"{last}\" data-status=\"MISSING\""))
            || home.contains(&format!("data-month=\"{last}\" data-status=\"DUE\"")),
        "last month is owed: {home}"
    );
    b.submit_then(
        &format!("#todo td[data-month='{last}'] a"),
        "fieldset input[name='hours0']",
    )
    .await;
    b.fill("#total", "1.200").await;
    b.fill("fieldset input[name='hours0']", "150").await;
    b.click("#declare").await;
    b.submit_then("main form button[type=submit]", "#receipt")
        .await;
    b.fill("fieldset input[name='hours0']", "160").await;
    b.click("#declare").await;
    b.submit_then("main form button[type=submit]", "#confirm-replace")
        .await;
    b.settled(Some("journey-contractor-confirm")).await;
    b.submit_then("main form button[type=submit]", "#receipt")
        .await;
    b.sign_out().await;

    // The jobcenter's tovholder, invited for the grant, registers a resident and the
    // snusepraktik that ended yesterday, records its outcome, and adds the plan later.
    b.sign_in(&site, Role::Admin).await;
    b.visit("/app/users", None).await;
    b.fill("#email", "tove@jobcenter.example").await;
    b.fill("#name", "Tove Tovholder").await;
    b.choose("#role", "tovholder").await;
    b.choose("#grants", "LBF-2025-0001").await;
    b.submit_then("form[action='/app/users/invite'] button", "#receipt a#link")
        .await;
    let tovholder_link = b.link_shown().await;
    b.sign_out().await;
    b.accept(&tovholder_link, "toves gode adgangskode").await;
    b.visit("/app/trials", None).await;
    b.fill("form[action='/app/trials/person'] #name", "Bashir Beboer")
        .await;
    b.click("#resident").await;
    b.submit_then("form[action='/app/trials/person'] button", "#receipt")
        .await;
    b.choose("#person", "Bashir Beboer").await;
    b.set_date("#start", today - chrono::Days::new(21)).await;
    b.set_date("#end", today - chrono::Days::new(1)).await;
    b.fill("#trades", "tømrer, maler").await;
    b.submit_then("form[action='/app/trials'] button", "#receipt")
        .await;
    b.choose("#ended select[name=outcome]", "Læreplads").await;
    b.submit_then("#ended form button", "#without-plan form")
        .await;
    b.settled(Some("journey-tovholder-outcome")).await;
    b.fill(
        "#without-plan input[name=plan]",
        "Starter på tømreruddannelsen i januar",
    )
    .await;
    b.submit_then("#without-plan form button", "#receipt").await;
    let trials = b.settled(Some("journey-tovholder-plan")).await;
    assert!(
        !trials.contains("name=\"step\""),
        "no outcome waits for its plan any more"
    );
    b.sign_out().await;

    // The bygherre's portfolio says why the grant has its status.
    b.visit("/login", None).await;
    b.fill("#email", "birthe@fynsgade.example").await;
    b.fill("#password", "birthes gode adgangskode").await;
    b.click_then("main button[type=submit]", "nav.navigation-menu")
        .await;
    let cause = b.text_of("#portfolio small.cause").await;
    assert!(
        cause.starts_with("Sag LBF-2025-0001:") && cause.contains("kræve"),
        "the status has its cause: {cause}"
    );
    b.settled(Some("journey-bygherre-portfolio")).await;

    let db = &site.app;
    assert_eq!(db.count("housing_organisation").await, 1);
    assert_eq!(db.count("estate").await, 1);
    assert_eq!(db.count("lbf_grant").await, 1);
    assert_eq!(db.count("contractor").await, 1);
    assert_eq!(db.count("contract").await, 2);
    assert_eq!(
        db.count_where("contract", "clause_required_share_bp = 1400")
            .await
            + db.count_where("contract", "clause_required_centihours = 100000")
                .await,
        2,
        "a share and an hours clause"
    );
    assert_eq!(db.count("person").await, 2);
    assert_eq!(db.count_where("person", "lives_in_estate").await, 1);
    assert_eq!(db.count("placement").await, 1);
    assert_eq!(
        db.count_where(
            "trial_placement",
            "outcome = 'apprenticeship' AND next_plan = 'Starter på tømreruddannelsen i januar'"
        )
        .await,
        1
    );
    assert_eq!(db.count("hours_report").await, 1, "replaced, not doubled");
    assert_eq!(db.count_where("hours_line", "centihours = 16000").await, 1);
    assert_eq!(
        db.count_where("app_user", "password_hash IS NOT NULL")
            .await,
        4
    );
    assert_eq!(
        db.count_where(
            "app_user",
            "role = 'contractor' AND organisation_id IS NOT NULL"
        )
        .await,
        1,
        "the site manager the bygherre invited sees its work for this bygherre only"
    );
}

/// Scenario: a test panics while its browser is open. Once the panic has unwound, none of that
/// browser's processes (Chromium, its helpers, chromedriver; found by the profile directory in
/// their command lines) is running, so a failing suite does not leave browsers behind.
/// Scenario (the hours workflow in the browser, on the demo): a subcontractor of the demo's
/// contractor reports a month on honour through the form; the main contractor returns it from
/// the month's page with a reason; the subcontractor submits it again; the main contractor
/// approves it and the bygherre accepts it, which locks it; a change without a reason is refused
/// at the reason field, and with one it is version 2, shown beside version 1 with the
/// difference; a month without work on site is declared "no activity". Every step is in the
/// month's history under the person who took it.
#[tokio::test(flavor = "multi_thread")]
async fn the_hours_workflow_runs_through_the_browser() {
    let _one = ONE_BROWSER.lock().await;
    let site = site().await;
    let app = &site.app;
    // The demo contractor's contract, and a subcontract under it with one apprentice.
    let main_contractor = entity::app_user::Entity::find()
        .filter(entity::app_user::Column::Email.eq("contractor@demo.example"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .contractor_id
        .unwrap();
    let main = entity::contract::Entity::find()
        .filter(entity::contract::Column::ContractorId.eq(main_contractor))
        .filter(entity::contract::Column::ParentContractId.is_null())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let sub_company = tests::id(&app
        .ok(
            "mutation { createContractor(input: {cvr: \"29403473\", name: \"Murer Mikkelsen ApS\"}) { id } }",
            json!({}),
        )
        .await["createContractor"]);
    let month = main.start_date.max(last_month() - chrono::Months::new(3));
    let month = month.with_day(1).unwrap();
    let m = month.format("%Y-%m").to_string();
    let sub = tests::id(&app
        .ok(
            "mutation($g: UUID!, $c: UUID!, $p: UUID!, $s: NaiveDate!) { createContract(input: {grantId: $g, contractorId: $c, kind: SUB, parentContractId: $p, trade: \"murer\", value: \"2000000\", startDate: $s, endDate: \"2030-12-31\"}) { id } }",
            json!({ "g": main.grant_id, "c": sub_company, "p": main.id, "s": month }),
        )
        .await["createContract"]);
    let person = app.person("Lærling Lise").await;
    app.ok(
        "mutation($p: UUID!, $g: UUID!, $c: UUID!, $s: NaiveDate!) { createPlacement(input: {personId: $p, grantId: $g, contractId: $c, kind: EUD_APPRENTICE, trade: \"murer\", startDate: $s}) { id } }",
        json!({ "p": person, "g": main.grant_id, "c": sub, "s": month }),
    )
    .await;
    let (_, secret) = api::accounts::invite(
        &app.db,
        &api::auth::Principal::system(),
        api::accounts::InviteUserInput {
            email: "mikkel@murer.example".into(),
            display_name: "Mikkel Murer".into(),
            role: Role::Contractor,
            organisation_id: None,
            contractor_id: Some(sub_company.parse().unwrap()),
            grant_ids: vec![],
        },
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| e.message())
    .unwrap();
    let b = browser(&site, true).await;
    let form = format!("/app/hours?contract={sub}&month={m}");
    let month_page = format!("/app/hours/month?contract={sub}&month={m}");
    let submit = |total: &'static str, hours: &'static str| {
        let (b, form) = (&b, form.clone());
        async move {
            b.visit(&form, None).await;
            b.fill("#total", total).await;
            b.fill("fieldset input[name='hours0']", hours).await;
            b.click("#declare").await;
        }
    };

    // The subcontractor reports on honour.
    b.accept(
        &format!("/invitation?token={secret}"),
        "mikkels gode adgangskode",
    )
    .await;
    submit("1.000", "150").await;
    b.submit_then("main form button[value=submit]", "#receipt")
        .await;
    b.sign_out().await;

    // The main contractor finds it on its start page and returns it with a reason.
    b.sign_in(&site, Role::Contractor).await;
    b.submit_then("#to-approve a", "#decide").await;
    assert_eq!(b.path().await, "/app/hours/month");
    let page = b.settled(Some("workflow-main-contractor")).await;
    assert!(page.contains("data-hours-status=\"SUBMITTED\""), "{page}");
    assert!(page.contains("Mikkel Murer"), "declared by: {page}");
    b.fill("#reason", "Lises timer for uge 11 mangler").await;
    b.submit_then("#decide button[value=return]", "#receipt")
        .await;
    b.sign_out().await;

    // The subcontractor submits it again.
    b.visit("/login", None).await;
    b.fill("#email", "mikkel@murer.example").await;
    b.fill("#password", "mikkels gode adgangskode").await;
    b.click_then("main button[type=submit]", "nav.navigation-menu")
        .await;
    let page = b.visit(&month_page, None).await;
    assert!(page.contains("data-hours-status=\"RETURNED\""), "{page}");
    assert!(page.contains("Lises timer for uge 11 mangler"), "{page}");
    submit("1.000", "160").await;
    b.submit_then("main form button[value=submit]", "#receipt")
        .await;
    b.sign_out().await;

    // The main contractor approves; the bygherre accepts.
    b.sign_in(&site, Role::Contractor).await;
    b.visit(&month_page, None).await;
    b.submit_then("#decide button[value=approve]", "#receipt")
        .await;
    b.sign_out().await;
    b.sign_in(&site, Role::Bygherre).await;
    let page = b.visit(&month_page, Some("workflow-bygherre")).await;
    assert!(page.contains("data-hours-status=\"APPROVED\""), "{page}");
    b.submit_then("#decide button[value=accept]", "#receipt")
        .await;
    let page = b.settled(None).await;
    assert!(page.contains("data-hours-status=\"ACCEPTED\""), "{page}");
    b.sign_out().await;

    // Locked: a change needs a reason; with one it is version 2 beside version 1.
    b.visit("/login", None).await;
    b.fill("#email", "mikkel@murer.example").await;
    b.fill("#password", "mikkels gode adgangskode").await;
    b.click_then("main button[type=submit]", "nav.navigation-menu")
        .await;
    submit("1.100", "170").await;
    b.submit_then("main form button[value=submit]", "#confirm-replace")
        .await;
    b.submit_then("main form button[value=submit]", "#reason-error")
        .await;
    let refused = b.settled(Some("workflow-reason-refused")).await;
    assert!(refused.contains("kræver en begrundelse"), "{refused}");
    b.fill("#reason", "Rettet efter lønkørslen").await;
    b.submit_then("main form button[value=submit]", "#receipt")
        .await;
    let page = b.visit(&month_page, Some("workflow-versions")).await;
    assert!(page.contains("id=\"diff\""), "{page}");
    assert!(page.contains("+100,00"), "the total's change: {page}");
    assert!(page.contains("+10,00"), "the trainee's change: {page}");
    assert!(page.contains("data-version=\"2\""), "{page}");
    assert!(page.contains("data-version=\"1\""), "{page}");

    // A month without work on site.
    let next = (month + chrono::Months::new(1)).format("%Y-%m").to_string();
    b.visit(&format!("/app/hours?contract={sub}&month={next}"), None)
        .await;
    b.click("#declare-none").await;
    b.submit_then("#no-activity button", "#receipt").await;

    let steps = entity::hours_status_change::Entity::find()
        .filter(
            entity::hours_status_change::Column::ContractId.eq(sub.parse::<uuid::Uuid>().unwrap()),
        )
        .all(&app.db)
        .await
        .unwrap();
    let name = |email: &'static str| async move {
        entity::app_user::Entity::find()
            .filter(entity::app_user::Column::Email.eq(email))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .display_name
    };
    let (mikkel, main_name, bygherre) = (
        "Mikkel Murer".to_owned(),
        name("contractor@demo.example").await,
        name("bygherre@demo.example").await,
    );
    let mut by: Vec<(String, String)> = steps
        .iter()
        .map(|s| (format!("{:?}", s.to_status), s.actor.clone()))
        .collect();
    by.sort();
    let mut want = vec![
        ("Submitted".to_owned(), mikkel.clone()),
        ("Returned".to_owned(), main_name.clone()),
        ("Submitted".to_owned(), mikkel.clone()),
        ("Approved".to_owned(), main_name),
        ("Accepted".to_owned(), bygherre),
        ("Submitted".to_owned(), mikkel.clone()),
        ("Submitted".to_owned(), mikkel),
    ];
    want.sort();
    assert_eq!(by, want);
    let no_activity = entity::hours_report::Entity::find()
        .filter(entity::hours_report::Column::ContractId.eq(sub.parse::<uuid::Uuid>().unwrap()))
        .filter(entity::hours_report::Column::NoActivity.eq(true))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(no_activity, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_browser_of_a_panicking_test_is_gone_after_it() {
    let _one = ONE_BROWSER.lock().await;
    let site = site().await;
    let (marker_tx, marker_rx) = tokio::sync::oneshot::channel();
    let failing = tokio::spawn(async move {
        let b = browser(&site, true).await;
        b.visit("/login", None).await;
        let running = testkit::processes_with(&b.marker);
        marker_tx.send((b.marker.clone(), running)).unwrap();
        panic!("a test fails while its browser is open");
    });
    let outcome = failing.await;
    assert!(outcome.is_err_and(|e| e.is_panic()), "the test panicked");
    let (marker, running) = marker_rx.await.unwrap();
    assert!(
        running.len() >= 2,
        "Chromium ran with its helpers while the test did: {running:?}"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let left = testkit::processes_with(&marker);
        if left.is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running after the test: {left:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
