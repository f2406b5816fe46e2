//! Snapshots (insta) of the outputs whose whole text is the contract: the main pages of each role,
//! the LBF report and month exports as CSV and as a workbook. Each scenario runs with the clock
//! stopped at a fixed moment (`clock::at`): the demo is loaded, signed into and rendered "on 15
//! June 2026", so the snapshots hold on any later day and on both databases; ids and CSRF tokens
//! are redacted. A changed snapshot fails the suite: review it with `cargo insta review` (or
//! accept the `.snap.new` file) and commit it with the change that explains it.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::Role;
use poem::test::TestClient;
use serde_json::json;

use crate::pages::{Demo, demo_on, get, session, text};

/// The day the demo is loaded and the pages are rendered as of: its sixth month on site.
fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
}

/// 10:00 on [`day`] in Copenhagen (summer time).
fn moment() -> DateTime<Utc> {
    "2026-06-15T08:00:00Z".parse().unwrap()
}

/// Insta's settings for this module: redactions of what changes from run to run.
fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_prepend_module_to_snapshot(false);
    s.add_filter(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[id]",
    );
    s.add_filter(
        r#"name="csrf" value="[^"]*""#,
        r#"name="csrf" value="[csrf]""#,
    );
    s
}

/// HTML with one element per line, so a change reads as a small diff.
fn lines(html: &str) -> String {
    html.replace("><", ">\n<")
}

/// The page at `path` with the session cookie `s` in `lang` ("da" or "en"); it must answer 200.
async fn page(client: &TestClient<impl poem::Endpoint>, s: &str, lang: &str, path: &str) -> String {
    let s = format!("{s}; sct_lang={lang}");
    let res = get(client, path, &s).await;
    let status = res.0.status();
    let body = lines(&text(res).await);
    assert_eq!(status, poem::http::StatusCode::OK, "{path}: {body}");
    body
}

async fn ids(demo: &Demo) -> (String, String, String) {
    let d = demo
        .app
        .ok(
            "{ grants { edges { node { id estate { organisation { id } } } } }
               contracts(first: 1) { edges { node { id } } }
               followUpGroups { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let id = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
    (
        id(&d["grants"]["edges"][0]["node"]["estate"]["organisation"]["id"]),
        id(&d["contracts"]["edges"][0]["node"]["id"]),
        id(&d["followUpGroups"]["edges"][0]["node"]["id"]),
    )
}

/// Scenario: the bygherre's, the tovholder's and the contractor's main pages on the demo site in
/// its sixth month, in Danish (and three of them in English), exactly as served.
#[tokio::test]
async fn each_roles_main_pages_read_as_recorded() {
    api::clock::at(moment(), main_pages()).await;
}

async fn main_pages() {
    let demo = demo_on(day(), &[Role::Bygherre, Role::Tovholder, Role::Contractor]).await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let (_, contract, group) = ids(&demo).await;
    let grant = demo.grant.clone();
    let (da, en) = ("da", "en");
    let pages = [
        (
            "bygherre_portfolio",
            (Role::Bygherre, da),
            "/app".to_owned(),
        ),
        (
            "bygherre_grant",
            (Role::Bygherre, da),
            format!("/app/grants/{grant}"),
        ),
        (
            "bygherre_grant_en",
            (Role::Bygherre, en),
            format!("/app/grants/{grant}"),
        ),
        (
            "bygherre_contracts",
            (Role::Bygherre, da),
            format!("/app/grants/{grant}/contracts"),
        ),
        (
            "bygherre_lbf_report",
            (Role::Bygherre, da),
            format!("/app/grants/{grant}/lbf?year=2026"),
        ),
        (
            "bygherre_ranking",
            (Role::Bygherre, da),
            "/app/ranking".to_owned(),
        ),
        (
            "bygherre_reminders",
            (Role::Bygherre, da),
            "/app/reminders".to_owned(),
        ),
        (
            "tovholder_trials",
            (Role::Tovholder, da),
            "/app/trials".to_owned(),
        ),
        (
            "tovholder_trials_en",
            (Role::Tovholder, en),
            "/app/trials".to_owned(),
        ),
        (
            "tovholder_group",
            (Role::Tovholder, da),
            format!("/app/groups/{group}"),
        ),
        ("contractor_home", (Role::Contractor, da), "/app".to_owned()),
        (
            "contractor_hours",
            (Role::Contractor, da),
            format!("/app/hours?contract={contract}&month=2026-05"),
        ),
        (
            "contractor_hours_en",
            (Role::Contractor, en),
            format!("/app/hours?contract={contract}&month=2026-05"),
        ),
    ];
    // One sign-in per role (sign-in is rate-limited).
    let mut sessions = std::collections::HashMap::new();
    for role in [Role::Bygherre, Role::Tovholder, Role::Contractor] {
        sessions.insert(role, session(&client, &demo, role).await);
    }
    for (name, (role, lang), path) in pages {
        let html = page(&client, &sessions[&role], lang, &path).await;
        settings().bind(|| insta::assert_snapshot!(name, html));
    }
}

/// Scenario: the organisation's LBF report for the demo's first year and the grant's months, as
/// the Danish CSV a bygherre opens in Excel and as a workbook (its cells, one row per line).
#[tokio::test]
async fn the_exports_read_as_recorded() {
    api::clock::at(moment(), exports()).await;
}

async fn exports() {
    let demo = demo_on(day(), &[Role::Bygherre]).await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let (org, _, _) = ids(&demo).await;
    let s = session(&client, &demo, Role::Bygherre).await;
    let download = |path: String| {
        let client = &client;
        let s = s.clone();
        async move {
            let res = get(client, &path, &s).await;
            let status = res.0.status();
            let body = res.0.into_body().into_vec().await.unwrap();
            let shown = String::from_utf8_lossy(&body);
            assert_eq!(status, poem::http::StatusCode::OK, "{path}: {shown}");
            body
        }
    };
    let grant = &demo.grant;
    for (name, path) in [
        (
            "lbf_report_csv",
            format!("/exports/lbf-report.csv?organisationId={org}&year=2026&lang=da"),
        ),
        (
            "grant_months_csv",
            format!("/exports/grant-months.csv?grantId={grant}&lang=da"),
        ),
    ] {
        let csv = String::from_utf8(download(path).await).unwrap();
        settings().bind(|| insta::assert_snapshot!(name, csv));
    }
    for (name, path) in [
        (
            "lbf_report_xlsx",
            format!("/exports/lbf-report.xlsx?organisationId={org}&year=2026&lang=da"),
        ),
        (
            "grant_months_xlsx",
            format!("/exports/grant-months.xlsx?grantId={grant}&lang=da"),
        ),
    ] {
        let cells = workbook_cells(download(path).await);
        settings().bind(|| insta::assert_snapshot!(name, cells));
    }
}

/// Every sheet's cells, tab-separated, with each cell's kind (a number cell is `n:`), so a figure
/// written as text would change the snapshot.
fn workbook_cells(bytes: Vec<u8>) -> String {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        out.push_str(&format!("# {name}\n"));
        for row in range.rows() {
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => format!("n:{f}"),
                    Data::Int(i) => format!("n:{i}"),
                    Data::DateTime(d) => format!("d:{}", d.as_f64()),
                    other => other.to_string(),
                })
                .collect();
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
    }
    out
}

/// Scenario: the reminder e-mails the demo's people get on its day (hours due, meetings, a
/// snusepraktik without an outcome, new breaches), each with its recipient, subject and text,
/// and a link under the site's public address to where the person acts on it (for hours due,
/// the form of that contract and month).
#[tokio::test]
async fn the_reminder_emails_read_as_recorded() {
    api::clock::at(moment(), reminder_emails()).await;
}

async fn reminder_emails() {
    use api::db::WriteGate;
    use api::notifier::send::SmtpConfig;
    use api::notifier::{ReminderConfig, Reminders};

    let smtp = tests::sinks::SmtpSink::start().await;
    let demo = demo_on(day(), &[Role::Bygherre, Role::Tovholder, Role::Contractor]).await;
    let cfg = ReminderConfig {
        smtp: Some(SmtpConfig {
            url: smtp.url(),
            from: "Socialklausul-tracker <tracker@example.dk>".into(),
        }),
        public_base_url: Some("https://tracker.example.dk".into()),
        ..ReminderConfig::default()
    };
    let r = Reminders::new(
        demo.app.db.clone(),
        WriteGate::for_connection(&demo.app.db),
        cfg,
    )
    .unwrap();
    let tick = r.tick(moment()).await.unwrap();
    assert_eq!((tick.retried, tick.failed), (0, 0));
    let mut mails: Vec<String> = smtp
        .mails()
        .iter()
        .map(|m| {
            format!(
                "To: {}\nSubject: {}\n\n{}",
                m.to.join(", "),
                m.subject(),
                m.text().replace("\r\n", "\n")
            )
        })
        .collect();
    mails.sort();
    assert!(!mails.is_empty(), "the demo's people have reminders due");
    let all = mails.join("\n==========\n");
    settings().bind(|| insta::assert_snapshot!("reminder_emails", all));
}
