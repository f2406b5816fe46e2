//! The role pages over HTTP (in process, on either database) with the demo loaded: bad input in
//! their forms is refused next to the field and writes nothing, a role cannot post what its
//! scope forbids, the language switch stays on the site, and every page carries its security
//! headers. The browser tests (`browser.rs`) do the same jobs end to end in Chromium.

use api::i18n::Lang;
use entity::enums::Role;
use poem::http::StatusCode;
use poem::test::{TestClient, TestResponse};
use serde_json::json;
use tests::TestApp;

pub(crate) const LOCAL: &str = "localhost:8000";

pub(crate) struct Demo {
    pub(crate) app: TestApp,
    pub(crate) users: Vec<(Role, String, String)>,
    pub(crate) grant: String,
}

async fn demo() -> Demo {
    demo_on(
        api::units::danish_today(),
        &[Role::Bygherre, Role::Tovholder, Role::Viewer],
    )
    .await
}

/// The demo loaded as of `today`, with a signed-up user of each of `roles`.
pub(crate) async fn demo_on(today: chrono::NaiveDate, roles: &[Role]) -> Demo {
    let app = TestApp::new().await;
    api::seed::seed_demo_on(&app.db, today).await.unwrap();
    let users = api::seed::demo_users(&app.db, roles).await.unwrap();
    let grant = app
        .ok("{ grants { edges { node { id } } } }", json!({}))
        .await["grants"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Demo { app, users, grant }
}

fn cookie(res: &TestResponse, name: &str) -> Option<String> {
    res.0
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

/// The value of the first option of the select named `name`.
fn first_option(body: &str, name: &str) -> String {
    body.split(&format!("<select class=\"form-select\" id=\"{name}\""))
        .nth(1)
        .and_then(|rest| rest.split("value=\"").nth(1))
        .and_then(|v| v.split('"').next())
        .unwrap_or_else(|| panic!("no {name} options"))
        .to_owned()
}

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no {name}")) + marker.len();
    body[start..].split('"').next().unwrap().to_owned()
}

pub(crate) async fn text(res: TestResponse) -> String {
    res.0.into_body().into_string().await.unwrap()
}

/// Signs in as the demo's `role`; the session cookie.
pub(crate) async fn session(
    client: &TestClient<impl poem::Endpoint>,
    demo: &Demo,
    role: Role,
) -> String {
    let (_, email, password) = demo.users.iter().find(|u| u.0 == role).unwrap();
    let page = client.get("/login").header("host", LOCAL).send().await;
    let csrf = cookie(&page, "sct_csrf").unwrap();
    let body = text(page).await;
    let res = client
        .post("/login")
        .header("host", LOCAL)
        .header("cookie", &csrf)
        .form(&[
            ("csrf", hidden(&body, "csrf")),
            ("email", email.clone()),
            ("password", password.clone()),
        ])
        .send()
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    cookie(&res, "sct_session").unwrap()
}

pub(crate) async fn get(
    client: &TestClient<impl poem::Endpoint>,
    path: &str,
    session: &str,
) -> TestResponse {
    client
        .get(path)
        .header("host", LOCAL)
        .header("cookie", session)
        .send()
        .await
}

/// Scenario: the tovholder logs a trial placement that ends before it starts and one with a
/// date that is not a date: both are refused with the message next to the field, the typed
/// values kept, and no placement written.
#[tokio::test]
async fn a_trial_placement_with_bad_dates_is_refused_next_to_the_field() {
    let demo = demo().await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Tovholder).await;
    let page = text(get(&client, "/app/trials", &s).await).await;
    let csrf = hidden(&page, "csrf");
    let person = first_option(&page, "person");
    let before = demo.app.count("trial_placement").await;
    let post = |start: &'static str, end: &'static str| {
        client
            .post("/app/trials")
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&[
                ("csrf", csrf.as_str()),
                ("grant", demo.grant.as_str()),
                ("person", person.as_str()),
                ("host", ""),
                ("start", start),
                ("end", end),
                ("trades", "murer, tømrer"),
            ])
            .send()
    };
    let res = post("2026-03-10", "2026-03-01").await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(
        body.contains("<span class=\"form-error-message\" id=\"end-error\">"),
        "{body}"
    );
    assert!(
        body.contains("value=\"2026-03-10\""),
        "the typed start is kept"
    );
    assert!(
        body.contains("value=\"murer, tømrer\""),
        "the typed trades are kept"
    );

    let res = post("10. marts", "2026-03-20").await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(
        body.contains("<span class=\"form-error-message\" id=\"start-error\">Skriv en dato"),
        "{body}"
    );
    assert_eq!(
        demo.app.count("trial_placement").await,
        before,
        "nothing written"
    );

    let res = post("2026-03-01", "2026-03-20").await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(demo.app.count("trial_placement").await, before + 1);
}

/// Scenario: a forged trial form (a participant or host that is no id, an outcome not on the
/// list, a trial that is no id) is refused at its field with a message about the list, and
/// nothing is written.
#[tokio::test]
async fn a_trial_form_with_choices_not_on_its_lists_is_refused() {
    let demo = demo().await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Tovholder).await;
    let page = text(get(&client, "/app/trials", &s).await).await;
    let csrf = hidden(&page, "csrf");
    let before = demo.app.count("trial_placement").await;
    // A new placement from 1 to 20 March with this participant and host company.
    let post = |person: String, host: &'static str| {
        client
            .post("/app/trials")
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&[
                ("csrf", csrf.clone()),
                ("grant", demo.grant.clone()),
                ("person", person),
                ("host", host.to_owned()),
                ("start", "2026-03-01".to_owned()),
                ("end", "2026-03-20".to_owned()),
            ])
            .send()
    };
    let res = post("Jens Jensen".to_owned(), "").await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(
        body.contains("<span class=\"form-error-message\" id=\"person-error\">Vælg en af mulighederne på listen."),
        "{body}"
    );
    assert!(
        body.contains("value=\"2026-03-01\""),
        "the typed start is kept"
    );
    assert_eq!(demo.app.count("trial_placement").await, before);
    let res = post(first_option(&body, "person"), "Fynsk Byg").await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(
        body.contains("<span class=\"form-error-message\" id=\"host-error\">Vælg en af mulighederne på listen."),
        "{body}"
    );
    assert_eq!(demo.app.count("trial_placement").await, before);

    let outcomes_before = demo
        .app
        .count_where("trial_placement", "outcome IS NOT NULL")
        .await;
    for (trial, outcome, message) in [
        (
            "not-an-id",
            "EDUCATION",
            "Vælg en af mulighederne på listen.",
        ),
        (
            "00000000-0000-0000-0000-000000000000",
            "PROMOTED",
            "Vælg et af udfaldene på listen.",
        ),
    ] {
        let res = client
            .post("/app/trials/outcome")
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&[
                ("csrf", csrf.as_str()),
                ("trial", trial),
                ("outcome", outcome),
                ("date", "2026-03-20"),
            ])
            .send()
            .await;
        res.assert_status(StatusCode::BAD_REQUEST);
        let body = text(res).await;
        assert!(body.contains(message), "{trial} {outcome}: {body}");
    }
    assert_eq!(
        demo.app
            .count_where("trial_placement", "outcome IS NOT NULL")
            .await,
        outcomes_before
    );
}

/// Scenario: three months after a snusepraktik ended, the tovholder finds it on the list of
/// those without a status, records where the participant is on the row's form and sees it leave
/// the list and enter the funnel; a date that is no date or lies before the end is refused with
/// a Danish message, and nothing is written.
#[tokio::test]
async fn the_tovholder_records_the_status_three_months_after_a_snusepraktik() {
    let demo = demo().await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let person = demo.app.person("Nadia Sørensen").await;
    // Ended 3 February 2025: three months have passed whatever day the test runs.
    let trial = tests::id(
        &demo
            .app
            .ok(
                "mutation($p: UUID!, $g: UUID!) { createTrialPlacement(input: {personId: $p, grantId: $g, tovholder: \"T\", startDate: \"2025-01-06\"}) { id } }",
                json!({ "p": person, "g": demo.grant }),
            )
            .await["createTrialPlacement"],
    );
    let s = session(&client, &demo, Role::Tovholder).await;
    let page = text(get(&client, "/app/trials", &s).await).await;
    let due = page
        .split("<table class=\"table table--zebra\" id=\"three-month\">")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .unwrap_or_default();
    assert!(due.contains("Nadia Sørensen"), "{page}");
    assert!(due.contains(&format!("value=\"{trial}\"")), "{due}");
    let csrf = hidden(&page, "csrf");
    let post = |date: &'static str| {
        client
            .post("/app/trials/three-month")
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&[
                ("csrf", csrf.clone()),
                ("trial", trial.clone()),
                ("status", "SELF_SUPPORTING".to_owned()),
                ("date", date.to_owned()),
            ])
            .send()
    };
    let recorded = "three_month_status IS NOT NULL";
    let before = demo.app.count_where("trial_placement", recorded).await;
    for (date, message) in [
        (
            "31.02.2025",
            "Skriv en dato mellem år 1900 og 2200, fx 2026-03-01 eller 1.3.2026.",
        ),
        (
            "2025-01-20",
            "statusdatoen 20. januar 2025 ligger før snusepraktikken sluttede (3. februar 2025)",
        ),
    ] {
        let res = post(date).await;
        res.assert_status(StatusCode::BAD_REQUEST);
        let body = text(res).await;
        assert!(body.contains(message), "{date}: {body}");
        assert_eq!(
            demo.app.count_where("trial_placement", recorded).await,
            before
        );
    }
    let self_supporting = "three_month_status = 'self_supporting'";
    let before_self = demo
        .app
        .count_where("trial_placement", self_supporting)
        .await;
    post("2025-05-05")
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        demo.app.count_where("trial_placement", recorded).await,
        before + 1
    );
    assert_eq!(
        demo.app
            .count_where("trial_placement", self_supporting)
            .await,
        before_self + 1
    );
    let page = text(get(&client, "/app/trials?done=status", &s).await).await;
    assert!(page.contains("Status efter tre måneder er gemt."));
    let due = page
        .split("<table class=\"table table--zebra\" id=\"three-month\">")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .unwrap_or_default();
    assert!(!due.contains("Nadia Sørensen"), "{due}");
}

/// Scenario: the bygherre registers a contract whose clause asks one person in training per ten
/// skilled workers, three in four of them apprentices, and lapses on a documented company share
/// of 10 %; a ratio that is no whole number is refused at its field with what was typed kept and
/// nothing written; the contract's clause then reads in words on the page, and documentation for
/// a period is recorded on it. A viewer sees the contracts but no forms.
#[tokio::test]
async fn the_bygherre_registers_a_contract_with_its_clause_and_documentation() {
    let demo = demo().await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Bygherre).await;
    let url = format!("/app/grants/{}/contracts", demo.grant);
    let page = text(get(&client, &url, &s).await).await;
    assert!(
        page.contains("14,00 % af timerne til personer under oplæring"),
        "{page}"
    );
    let csrf = hidden(&page, "csrf");
    let contractor = first_option(&page, "contractor");
    let post = |ratio: &'static str| {
        client
            .post(&url)
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&[
                ("csrf", csrf.clone()),
                ("contractor", contractor.clone()),
                ("kind", "TRADE".to_owned()),
                ("trade", "maler".to_owned()),
                ("value", "6.500.000".to_owned()),
                ("start", "2026-02-01".to_owned()),
                ("end", "2026-12-31".to_owned()),
                ("ratio", ratio.to_owned()),
                ("apprentice", "75".to_owned()),
                ("threshold", "10".to_owned()),
            ])
            .send()
    };
    let before = demo.app.count("contract").await;
    let res = post("10,5").await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(
        body.contains(
            "<span class=\"form-error-message\" id=\"ratio-error\">Skriv et helt tal, fx 10.</span>"
        ),
        "{body}"
    );
    assert!(body.contains("value=\"10,5\""), "the typed ratio is kept");
    assert_eq!(demo.app.count("contract").await, before);

    post("10").await.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(demo.app.count("contract").await, before + 1);
    assert_eq!(
        demo.app
            .count_where(
                "contract",
                "clause_skilled_per_trainee = 10 AND clause_apprentice_part_bp = 7500 AND clause_company_threshold_bp = 1000"
            )
            .await,
        1
    );
    let page = text(get(&client, &format!("{url}?done=contract"), &s).await).await;
    assert!(page.contains("Kontrakten er registreret."));
    assert!(
        page.contains("én person under oplæring pr. 10 faglærte; mindst 75,00 % af oplæringstimerne til lærlinge; bortfalder, når virksomheden dokumenterer mindst 10,00 % personer under oplæring"),
        "{page}"
    );
    // Only the new contract's clause allows documentation: its form is the one on the page.
    let contract = hidden(&page, "contract");
    let res = client
        .post(format!("{url}/documentation"))
        .header("host", LOCAL)
        .header("cookie", &s)
        .form(&[
            ("csrf", csrf.as_str()),
            ("contract", contract.as_str()),
            ("from", "2026-02-01"),
            ("to", "2026-06-30"),
            ("share", "11,5"),
            ("document", "Revisorerklæring 2025"),
        ])
        .send()
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(demo.app.count("company_documentation").await, 1);
    let page = text(get(&client, &url, &s).await).await;
    assert!(page.contains("11,50 % (Revisorerklæring 2025)"), "{page}");

    let viewer = session(&client, &demo, Role::Viewer).await;
    let page = text(get(&client, &url, &viewer).await).await;
    assert!(page.contains("maler"), "{page}");
    assert!(!page.contains("id=\"new-contract\""));
    assert!(!page.contains("name=\"contract\""));
}

/// Scenario: the bygherre sets the grant's target for residents among the snusepraktik
/// participants on the grant page; a target that is no number, or over 100 %, is refused at its
/// field with what was typed kept and the grant unchanged; an empty target clears it.
#[tokio::test]
async fn the_bygherre_sets_the_residents_targets_on_the_grant_page() {
    let demo = demo().await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Bygherre).await;
    let url = format!("/app/grants/{}", demo.grant);
    let page = text(get(&client, &url, &s).await).await;
    assert!(page.contains("id=\"resident-targets\""), "{page}");
    assert!(
        page.contains("name=\"trial_target\" inputmode=\"decimal\" value=\"75,00\""),
        "{page}"
    );
    let csrf = hidden(&page, "csrf");
    let post = |trial: &'static str| {
        client
            .post(format!("{url}/residents"))
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&[
                ("csrf", csrf.as_str()),
                ("trial_target", trial),
                ("trainee_target", ""),
            ])
            .send()
    };
    let target = "resident_trial_target_bp = 7500";
    for (typed, message) in [
        ("otte", "Skriv et tal, fx 1.234,50."),
        ("101", "kan ikke være over 100 %"),
    ] {
        let res = post(typed).await;
        res.assert_status(StatusCode::BAD_REQUEST);
        let body = text(res).await;
        assert!(
            body.contains("id=\"trial_target-error\""),
            "{typed}: {body}"
        );
        assert!(body.contains(message), "{typed}: {body}");
        assert!(
            body.contains(&format!("value=\"{typed}\"")),
            "{typed} is kept"
        );
        assert_eq!(demo.app.count_where("lbf_grant", target).await, 1);
    }
    post("80").await.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        demo.app
            .count_where("lbf_grant", "resident_trial_target_bp = 8000")
            .await,
        1
    );
    // The page marks the row as the API judges it (the demo's participants depend on the day).
    let below = demo
        .app
        .ok(
            "query($g: UUID!) { compliance(grantId: $g) { trialResidents { targetPercent belowTarget } } }",
            json!({ "g": demo.grant }),
        )
        .await["compliance"]["trialResidents"]
        .clone();
    assert_eq!(below["targetPercent"], "80.00");
    let page = text(get(&client, &url, &s).await).await;
    assert!(
        page.contains(&format!(
            "<tr data-below-target=\"{}\">",
            below["belowTarget"]
        )),
        "{page}"
    );
    post("").await.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        demo.app
            .count_where("lbf_grant", "resident_trial_target_bp IS NULL")
            .await,
        1
    );
    let viewer = session(&client, &demo, Role::Viewer).await;
    let page = text(get(&client, &url, &viewer).await).await;
    assert!(!page.contains("id=\"resident-targets\""));
}

/// Scenario: a person who opens the server's address lands in the app (the sign-in page when
/// not signed in), not the GraphQL console; an address that leads nowhere answers a Danish page
/// with the way back (English with the language switch), still 404; the header names the role
/// as people say it.
#[tokio::test]
async fn the_front_door_leads_to_the_app_and_unknown_addresses_answer_in_danish() {
    let demo = demo().await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let res = client.get("/").header("host", LOCAL).send().await;
    res.assert_status(StatusCode::SEE_OTHER);
    res.assert_header("location", "/app");
    let res = client.get("/app").header("host", LOCAL).send().await;
    res.assert_status(StatusCode::SEE_OTHER);
    res.assert_header("location", "/login");

    let res = client.get("/app/grantz").header("host", LOCAL).send().await;
    res.assert_status(StatusCode::NOT_FOUND);
    let body = text(res).await;
    assert!(
        body.contains("<p class=\"alert alert-error\" role=\"alert\">Siden findes ikke.</p>"),
        "{body}"
    );
    assert!(
        body.contains("<a href=\"/app\">Gå til forsiden</a>"),
        "{body}"
    );
    let res = client
        .get("/nowhere")
        .header("host", LOCAL)
        .header("cookie", "sct_lang=en")
        .send()
        .await;
    res.assert_status(StatusCode::NOT_FOUND);
    assert!(text(res).await.contains("Go to the front page"));

    let s = session(&client, &demo, Role::Tovholder).await;
    let page = text(get(&client, "/app/trials", &s).await).await;
    assert!(page.contains("(tovholder)"), "{page}");
    assert!(!page.contains("(TOVHOLDER)"));
}

/// Scenario: a snusepraktik got its outcome without a next plan; the tovholder finds it on the
/// list of outcomes without a plan, adds the plan on the row's form, and the outcome stays.
#[tokio::test]
async fn the_tovholder_adds_a_next_plan_after_the_outcome() {
    let demo = demo().await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let person = demo.app.person("Sofie Lund").await;
    let trial = tests::id(
        &demo
            .app
            .ok(
                "mutation($p: UUID!, $g: UUID!) { createTrialPlacement(input: {personId: $p, grantId: $g, tovholder: \"T\", startDate: \"2025-01-06\"}) { id } }",
                json!({ "p": person, "g": demo.grant }),
            )
            .await["createTrialPlacement"],
    );
    demo.app
        .ok(
            "mutation($t: UUID!) { recordTrialOutcome(input: {trialPlacementId: $t, outcome: EDUCATION, outcomeDate: \"2025-02-04\"}) { id } }",
            json!({ "t": trial }),
        )
        .await;
    let s = session(&client, &demo, Role::Tovholder).await;
    let page = text(get(&client, "/app/trials", &s).await).await;
    let list = |page: &str| {
        page.split("<table class=\"table table--zebra\" id=\"without-plan\">")
            .nth(1)
            .and_then(|rest| rest.split("</table>").next())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(list(&page).contains("Sofie Lund"), "{page}");
    let res = client
        .post("/app/trials/outcome")
        .header("host", LOCAL)
        .header("cookie", &s)
        .form(&[
            ("csrf", hidden(&page, "csrf")),
            ("trial", trial.clone()),
            ("outcome", "EDUCATION".to_owned()),
            ("date", "2025-02-04".to_owned()),
            ("plan", "Grundforløb på Syddansk Erhvervsskole".to_owned()),
        ])
        .send()
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let d = demo
        .app
        .ok(
            "query($t: UUID!) { trialPlacement(id: $t) { outcome outcomeDate nextPlan } }",
            json!({ "t": trial }),
        )
        .await;
    assert_eq!(
        d["trialPlacement"],
        json!({ "outcome": "EDUCATION", "outcomeDate": "2025-02-04", "nextPlan": "Grundforløb på Syddansk Erhvervsskole" })
    );
    let page = text(get(&client, "/app/trials", &s).await).await;
    assert!(!list(&page).contains("Sofie Lund"), "{page}");
}

/// Scenario: a meeting with a length that is not a number is refused on the følgegruppe page and
/// not written; a good one is registered and shown.
#[tokio::test]
async fn a_meeting_is_registered_from_the_group_page_and_bad_input_is_refused() {
    let demo = demo().await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Tovholder).await;
    let groups = text(get(&client, "/app/groups", &s).await).await;
    let path = groups
        .split("href=\"/app/groups/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(|id| format!("/app/groups/{id}"))
        .unwrap();
    let page = text(get(&client, &path, &s).await).await;
    let csrf = hidden(&page, "csrf");
    let before = demo.app.count("meeting").await;
    let post = |duration: &'static str| {
        client
            .post(&path)
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&[
                ("csrf", csrf.as_str()),
                ("date", "2026-11-20"),
                ("duration", duration),
                ("minutes", "Gennemgang af næste kvartals lærlinge."),
                ("decisions", ""),
            ])
            .send()
    };
    let res = post("en time").await;
    res.assert_status(StatusCode::BAD_REQUEST);
    assert!(
        text(res)
            .await
            .contains("Varigheden skal være et helt antal minutter")
    );
    assert_eq!(demo.app.count("meeting").await, before);

    let res = post("75").await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(demo.app.count("meeting").await, before + 1);
    let shown = text(get(&client, &format!("{path}?done=1"), &s).await).await;
    assert!(shown.contains("Mødet er registreret."));
    assert!(shown.contains("Gennemgang af næste kvartals lærlinge."));
}

/// Scenario: a VIEWER posting the LBF report form (which its pages never show) is refused with
/// 403 and nothing is submitted; a bygherre's unknown or malformed year is refused too.
#[tokio::test]
async fn only_a_bygherre_submits_the_report_and_only_for_a_real_year() {
    let demo = demo().await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let path = format!("/app/grants/{}/lbf", demo.grant);
    for (role, year, status) in [
        (Role::Viewer, "2025", StatusCode::FORBIDDEN),
        (Role::Bygherre, "tyve", StatusCode::NOT_FOUND),
    ] {
        let s = session(&client, &demo, role).await;
        let page = text(get(&client, &path, &s).await).await;
        let csrf = hidden(&page, "csrf");
        let res = client
            .post(&path)
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&[
                ("csrf", csrf.as_str()),
                ("year", year),
                ("action", "submit"),
            ])
            .send()
            .await;
        res.assert_status(status);
    }
    assert_eq!(demo.app.count("lbf_report").await, 0);
}

/// Scenario: the portfolio's filters: a year that is not a year is named and ignored, a status
/// filter narrows the table, and the sort is one of the API's; each status is a coloured tag
/// with its word and its cause (the most serious finding) under it, the grants are counted by
/// status above the table, and a sort link keeps the filter.
#[tokio::test]
async fn the_portfolio_filters_and_says_what_it_ignored() {
    let demo = demo().await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Bygherre).await;
    let status = demo
        .app
        .ok(
            "query($g: UUID!) { compliance(grantId: $g) { status } }",
            json!({ "g": demo.grant }),
        )
        .await["compliance"]["status"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = text(get(&client, "/app?year=tyve&sort=DROP", &s).await).await;
    assert!(page.contains("Tilsagnsår skal være et årstal"), "{page}");
    // The status's cause: the API's most serious finding, in its words.
    let findings = demo
        .app
        .exec_lang(
            api::i18n::Lang::Da,
            "query($g: UUID!) { compliance(grantId: $g) { findings { severity message } } }",
            json!({ "g": demo.grant }),
        )
        .await["data"]["compliance"]["findings"]
        .as_array()
        .unwrap()
        .clone();
    let most_serious = ["BREACH", "WARNING"]
        .iter()
        .find_map(|sev| findings.iter().find(|f| f["severity"] == *sev));
    if let Some(f) = most_serious {
        let message = f["message"].as_str().unwrap().replace('&', "&amp;");
        assert!(
            page.contains(&format!("<small class=\"cause\">{message}")),
            "{message} in {page}"
        );
    }
    assert!(
        page.contains(&format!("data-status=\"{status}\"")),
        "still listed"
    );
    let page = text(get(&client, &format!("/app?status={status}&year=2020"), &s).await).await;
    assert!(page.contains(&format!("data-status=\"{status}\"")));
    // The status as a coloured tag, counted above the table, and sorting keeps the filter.
    let colour = match status.as_str() {
        "COMPLIANT" | "COMPLETED" => "badge badge-success",
        "AT_RISK" => "badge badge-warning",
        "BREACH" => "badge badge-error",
        _ => "badge",
    };
    assert!(
        page.contains(&format!(
            "<span class=\"{colour}\" data-status=\"{status}\">"
        )),
        "{page}"
    );
    assert!(
        page.contains(&format!("<li><strong>1</strong> <span class=\"{colour}\"")),
        "{page}"
    );
    assert!(
        page.contains(&format!(
            "href=\"?status={status}&amp;year=2020&amp;sort=SHORTFALL_DESC\""
        )),
        "{page}"
    );
    let other = if status == "BREACH" {
        "COMPLIANT"
    } else {
        "BREACH"
    };
    let page = text(get(&client, &format!("/app?status={other}"), &s).await).await;
    assert!(page.contains("Ingen tilsagn matcher filteret."));
}

/// Scenario: the English switch sets the language and returns to the page it was on, never to
/// another host; every page carries its Content-Security-Policy and is not cached.
#[tokio::test]
async fn the_language_switch_stays_on_the_site_and_pages_carry_their_headers() {
    let demo = demo().await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Bygherre).await;
    for (back, to) in [
        ("/app/ranking", "/app/ranking"),
        ("//evil.example/", "/app"),
        ("https://evil.example/", "/app"),
    ] {
        let res = client
            .get("/lang")
            .query("to", &"en")
            .query("back", &back)
            .header("host", LOCAL)
            .send()
            .await;
        res.assert_status(StatusCode::SEE_OTHER);
        res.assert_header("location", to);
    }
    let res = client
        .get("/lang")
        .query("to", &"en")
        .header("host", LOCAL)
        .send()
        .await;
    let lang = cookie(&res, "sct_lang").unwrap();
    assert_eq!(lang, "sct_lang=en");
    let res = client
        .get("/app/ranking")
        .header("host", LOCAL)
        .header("cookie", format!("{s}; {lang}"))
        .send()
        .await;
    res.assert_status_is_ok();
    res.assert_header(
        "content-security-policy",
        "default-src 'none'; style-src 'self' 'unsafe-inline'; font-src 'self'; img-src 'self' data:; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    res.assert_header("cache-control", "no-store");
    let body = text(res).await;
    assert!(body.contains("<html lang=\"en\">"));
    assert!(body.contains("<h1>Contractor ranking</h1>"), "{body}");
}

/// Scenario: the bygherre's payroll office uploads a file on the import page: a forged post is
/// refused with nothing written; checking it lists the month it would replace and writes
/// nothing; importing it writes the month; a file with a problem is listed line by line. A
/// viewer has no import page.
#[tokio::test]
async fn the_import_page_checks_then_imports_a_payroll_file() {
    use poem::test::{TestForm, TestFormField};
    let demo = demo().await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Bygherre).await;
    let page = get(&client, "/app/import", &s).await;
    page.assert_status_is_ok();
    let page = text(page).await;
    assert!(page.contains("enctype=\"multipart/form-data\""));
    let csrf = hidden(&page, "csrf");
    // The demo's first trainee, M-101, from the first month of its contract.
    let p = demo
        .app
        .ok(
            "{ placements(first: 50) { edges { node { employeeNumber startDate contract { id } } } } }",
            json!({}),
        )
        .await;
    let node = p["placements"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|n| n["employeeNumber"] == "M-101")
        .unwrap()
        .clone();
    let contract = node["contract"]["id"].as_str().unwrap().to_owned();
    let month = &node["startDate"].as_str().unwrap()[..7];
    let file = format!(
        "kontrakt;måned;timer i alt;medarbejdernummer;timer\n{contract};{month};1.000;M-101;150,5\n"
    );
    let post = |csrf: &str, action: &str, body: String| {
        let form = TestForm::new()
            .text("csrf", csrf)
            .text("action", action)
            .text("filed", "")
            .text("declare", "2026-12")
            .field(
                TestFormField::bytes(body.into_bytes())
                    .name("file")
                    .filename("loen.csv"),
            );
        client
            .post("/app/import")
            .header("host", LOCAL)
            .header("cookie", &s)
            .multipart(form)
            .send()
    };
    let audit = demo.app.count("audit_log").await;

    post("forged", "import", file.clone())
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(demo.app.count("payroll_import").await, 0);

    let res = post(&csrf, "check", file.clone()).await;
    res.assert_status_is_ok();
    let body = text(res).await;
    assert!(body.contains("Filen er kontrolleret uden fejl"), "{body}");
    assert!(body.contains("<td class=\"num\">1.000,00</td>"), "{body}");
    // The contract as a person knows it (case, trade, company), not its id.
    assert!(
        body.contains("\">LBF-2020-0417 · murer · Murerfirmaet Lindved ApS (demo)</a></td>"),
        "{body}"
    );
    assert!(
        body.contains("<td>ja</td>"),
        "it replaces the demo's month: {body}"
    );
    assert_eq!(
        demo.app.count("audit_log").await,
        audit,
        "a check writes nothing"
    );
    assert_eq!(demo.app.count("payroll_import").await, 0);

    let res = post(&csrf, "import", file).await;
    res.assert_status_is_ok();
    assert!(text(res).await.contains("Filen er indlæst."));
    assert_eq!(demo.app.count("payroll_import").await, 1);
    let saved = demo
        .app
        .ok(
            "query($c: UUID!, $m: YearMonth!) { hoursReports(filter: {contractId: $c, fromMonth: $m, toMonth: $m}) { edges { node { totalHours lines { hours } } } } }",
            json!({ "c": contract, "m": month }),
        )
        .await;
    assert_eq!(
        saved["hoursReports"]["edges"][0]["node"],
        json!({ "totalHours": "1000.00", "lines": [{ "hours": "150.50" }] }),
        "the month is replaced as a whole"
    );

    let bad = format!("kontrakt;måned;timer i alt\n{contract};maj;100\n");
    let res = post(&csrf, "import", bad).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let body = text(res).await;
    assert!(body.contains("<td>2</td><td>måned</td><td>&quot;maj&quot; er ikke en måned; skriv den som 2026-09</td>"), "{body}");
    assert_eq!(demo.app.count("payroll_import").await, 1);

    let viewer = session(&client, &demo, Role::Viewer).await;
    get(&client, "/app/import", &viewer)
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

/// Scenario: the tovholder opens Påmindelser, sees the role's defaults ticked, keeps only the
/// snusepraktik reminder and saves; a forged form changes nothing; the viewer sees only the kinds
/// about grants' figures, none ticked.
#[tokio::test]
async fn the_reminders_page_saves_each_persons_choice() {
    let demo = demo().await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Tovholder).await;
    let page = get(&client, "/app/reminders", &s).await;
    page.assert_status_is_ok();
    let page = text(page).await;
    assert!(page.contains("herunder er din rolles standard"), "{page}");
    // Every kind but every step of every month, which a person chooses.
    assert_eq!(page.matches("checked").count(), 8, "{page}");
    let csrf = hidden(&page, "csrf");
    let post = |csrf: String, fields: Vec<(&'static str, &'static str)>| {
        let mut form = vec![("csrf".to_owned(), csrf)];
        form.extend(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        client
            .post("/app/reminders")
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&form)
            .send()
    };
    post("forged".into(), vec![("kind_NEW_BREACH", "on")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(demo.app.count("reminder_preference").await, 0);

    let res = post(csrf.clone(), vec![("kind_TRIAL_OUTCOME_MISSING", "on")]).await;
    res.assert_status_is_ok();
    let body = text(res).await;
    assert!(body.contains("Dine påmindelser er gemt."), "{body}");
    assert_eq!(body.matches("checked").count(), 1);
    assert!(
        body.contains(
            "id=\"TRIAL_OUTCOME_MISSING\" name=\"kind_TRIAL_OUTCOME_MISSING\" value=\"on\" checked"
        ),
        "{body}"
    );
    assert_eq!(demo.app.count("reminder_preference").await, 1);
    // A kind that does not exist is refused, the choice stays.
    post(csrf, vec![("kind_EVERYTHING", "on")])
        .await
        .assert_status(StatusCode::BAD_REQUEST);
    let again = text(get(&client, "/app/reminders", &s).await).await;
    assert_eq!(again.matches("checked").count(), 1);

    let viewer = session(&client, &demo, Role::Viewer).await;
    let page = text(get(&client, "/app/reminders", &viewer).await).await;
    assert!(page.contains("name=\"kind_NEW_BREACH\""));
    assert!(!page.contains("kind_TRIAL_OUTCOME_MISSING") && !page.contains("checked"));
}

/// Scenario: every page links Det Fælles Designsystem's stylesheet from this site; the
/// stylesheet, each font and icon it refers to, are served by the binary with their type, cached
/// for a year under the version's address and never sniffed; the pages' security policy lets
/// them load from this site and nowhere else; an address in the folder that names no file is a
/// 404. A design-system update that leaves a referenced file behind fails here.
#[tokio::test]
async fn the_design_system_is_served_by_the_binary_whole() {
    let demo = demo().await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let res = client.get("/login").header("host", LOCAL).send().await;
    res.assert_status_is_ok();
    let policy = res
        .0
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    for directive in [
        "default-src 'none'",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self'",
        "img-src 'self' data:",
    ] {
        assert!(policy.contains(directive), "{directive} in {policy}");
    }
    let page = text(res).await;
    let stylesheet = "/assets/dkfds-11.2.0/css/dkfds-virkdk.min.css";
    assert!(
        page.contains(&format!("<link rel=\"stylesheet\" href=\"{stylesheet}\">")),
        "{page}"
    );
    let version = include_str!("../../../crates/web/assets/dkfds/VERSION");
    assert!(version.starts_with("dkfds 11.2.0 "), "{version}");

    let res = client.get(stylesheet).header("host", LOCAL).send().await;
    res.assert_status_is_ok();
    res.assert_header("content-type", "text/css");
    res.assert_header("cache-control", "public, max-age=31536000, immutable");
    res.assert_header("x-content-type-options", "nosniff");
    let css = text(res).await;
    assert!(
        css.len() > 100_000,
        "the whole stylesheet: {} bytes",
        css.len()
    );
    let urls: std::collections::BTreeSet<String> = regex::Regex::new(r"url\(\.\./([^)?#]+)")
        .unwrap()
        .captures_iter(&css)
        .map(|c| c[1].to_owned())
        .collect();
    assert!(urls.len() > 150, "fonts and icons: {}", urls.len());
    assert!(urls.contains("fonts/IBMPlexSans/complete/woff2/IBMPlexSans-Regular.woff2"));
    for file in &urls {
        let res = client
            .get(format!("/assets/dkfds-11.2.0/{file}"))
            .header("host", LOCAL)
            .send()
            .await;
        res.assert_status_is_ok();
        let kind = if file.ends_with(".svg") {
            "image/svg+xml"
        } else if file.ends_with(".woff2") {
            "font/woff2"
        } else if file.ends_with(".woff") {
            "application/font-woff"
        } else {
            ""
        };
        if !kind.is_empty() {
            res.assert_header("content-type", kind);
        }
    }
    client
        .get("/assets/dkfds-11.2.0/css/nothing.css")
        .header("host", LOCAL)
        .send()
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

/// Scenario: the contractor's start page answers "what do I owe, and by when?": a grid of its
/// contracts × the last six months, the running month not yet due, the month before last
/// reported (the demo files every month), each month with a link to the hours form for that
/// contract and month, which opens the form prefilled with what is on file; the bygherre sees the
/// same grid for the grant's contracts.
#[tokio::test]
async fn the_to_do_grid_says_what_is_owed_and_links_each_month_to_its_form() {
    use chrono::{Datelike, Months};
    let demo = demo_on(
        api::units::danish_today(),
        &[Role::Contractor, Role::Bygherre],
    )
    .await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let today = api::units::danish_today();
    let month = |back: u32| {
        (today.with_day(1).unwrap() - Months::new(back))
            .format("%Y-%m")
            .to_string()
    };
    let s = session(&client, &demo, Role::Contractor).await;
    let home = text(get(&client, "/app", &s).await).await;
    let grid = home
        .split("<table class=\"table\" id=\"todo\">")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .unwrap_or_else(|| panic!("no to-do grid: {home}"));
    assert!(
        grid.contains("Månedsindberetning af timer pr. kontrakt"),
        "{grid}"
    );
    assert!(
        grid.contains(&format!("<td data-month=\"{}\" data-status=\"NOT_YET_DUE\"><span class=\"badge\">ikke forfalden</span>", month(0))),
        "{grid}"
    );
    let two_ago = format!("<td data-month=\"{}\" data-status=\"REPORTED_", month(2));
    assert!(grid.contains(&two_ago), "{grid}");
    let link = regex::Regex::new(&format!(
        "href=\"/app/hours\\?contract=([0-9a-f-]{{36}})&amp;month={}\"",
        month(2)
    ))
    .unwrap();
    let contract = link
        .captures(grid)
        .map(|c| c[1].to_owned())
        .unwrap_or_else(|| panic!("no link to the form: {grid}"));
    // The link opens that contract's form for that month, prefilled with what is on file.
    let form = text(
        get(
            &client,
            &format!("/app/hours?contract={contract}&month={}", month(2)),
            &s,
        )
        .await,
    )
    .await;
    assert!(form.contains(&format!("value=\"{}\"", month(2))), "{form}");
    assert!(form.contains("id=\"already-reported\""), "{form}");

    let b = session(&client, &demo, Role::Bygherre).await;
    let page = text(
        get(
            &client,
            &format!("/app/grants/{}/contracts", demo.grant),
            &b,
        )
        .await,
    )
    .await;
    assert!(
        page.contains("<h2>Indberetninger pr. kontrakt</h2>"),
        "{page}"
    );
    assert!(
        page.contains(&format!("<tr data-contract=\"{contract}\">")),
        "{page}"
    );
    assert!(page.contains(&two_ago));
}

/// Scenario: the bygherre sets up a site from the setup page: an estate under its housing
/// organisation, a grant on it, a contractor by CVR number; each form first refused for each
/// kind of bad input (empty, letters for a year, 10,000 characters, year 1800, a CVR number
/// with a wrong check digit, a script tag): a Danish message naming the field as its label does,
/// at the field and in the summary that links to it, no API field name, the typed values kept
/// (a script tag shown as text), nothing written. Each saved form ends on a receipt with its
/// reference; the new grant is listed with a link to its contracts page. A contractor sees no
/// setup.
#[tokio::test]
async fn the_bygherre_sets_up_an_estate_a_grant_and_a_contractor() {
    let demo = demo_on(
        api::units::danish_today(),
        &[Role::Bygherre, Role::Contractor],
    )
    .await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Bygherre).await;
    let page = text(get(&client, "/app/setup", &s).await).await;
    assert!(page.contains("<a class=\"nav-link\" href=\"/app/setup\"><span>Opsætning</span></a>"));
    let csrf = hidden(&page, "csrf");
    let organisation = page
        .split("<select class=\"form-select\" id=\"organisation\"")
        .nth(1)
        .and_then(|rest| rest.split("value=\"").nth(1))
        .and_then(|v| v.split('"').next())
        .unwrap()
        .to_owned();
    let post = |path: &'static str, fields: Vec<(&'static str, String)>| {
        let mut form = vec![("csrf", csrf.clone())];
        form.extend(fields);
        client
            .post(path)
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&form)
            .send()
    };
    let api_names = [
        "organisationId",
        "caseNumber",
        "commitmentYear",
        "estateId",
        "cvr must",
        "BAD_USER_INPUT",
    ];
    let refused = |body: &str, field: &str, message: &str| {
        assert!(
            body.contains(&format!(
                "<span class=\"form-error-message\" id=\"{field}-error\">{message}"
            )),
            "{field}: {body}"
        );
        assert!(
            body.contains(&format!(
                "<a class=\"function-link\" href=\"#{field}\">{message}"
            )),
            "the summary links to {field}: {body}"
        );
        for name in api_names {
            assert!(!body.contains(name), "{name} shown: {body}");
        }
    };

    // The estate: an empty name, then 10,000 characters, then a script tag that is kept as text.
    let estates = demo.app.count("estate").await;
    let estate = |name: String| {
        vec![
            ("organisation", organisation.clone()),
            ("name", name),
            ("municipality", "Odense".to_owned()),
        ]
    };
    let res = post("/app/setup/estate", estate(String::new())).await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    refused(&body, "name", "Afdelingens navn skal udfyldes");
    let res = post("/app/setup/estate", estate("x".repeat(10_000))).await;
    res.assert_status(StatusCode::BAD_REQUEST);
    refused(
        &text(res).await,
        "name",
        "Afdelingens navn er længere end 200 tegn",
    );
    assert_eq!(demo.app.count("estate").await, estates);
    let res = post(
        "/app/setup/estate",
        estate("<script>alert(1)</script> Vollsmose".into()),
    )
    .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let receipt = res.0.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        receipt.starts_with("/app/setup?done=estate&ref="),
        "{receipt}"
    );
    let page = text(get(&client, &receipt, &s).await).await;
    assert!(
        page.contains("<p class=\"alert-heading\">Kvittering</p>"),
        "{page}"
    );
    assert!(page.contains("Afdelingen er registreret den "), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt; Vollsmose"),
        "{page}"
    );
    // A receipt address edited by hand shows the page, without what does not read.
    let edited = get(&client, "/app/setup?done=estate&ref=x&at=igår", &s).await;
    edited.assert_status_is_ok();
    let edited = text(edited).await;
    assert!(edited.contains("Afdelingen er registreret</p>"), "{edited}");
    assert!(!page.contains("<script>"));
    assert_eq!(demo.app.count("estate").await, estates + 1);
    let estate_id = receipt
        .split("ref=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();

    // The grant: letters for the year, the year 1800, then a grant that is taken.
    let grants = demo.app.count("lbf_grant").await;
    let grant = |year: &str| {
        vec![
            ("estate", estate_id.clone()),
            ("case_number", "LBF-2025-0999".to_owned()),
            ("title", "Vollsmose: nye facader".to_owned()),
            ("kind", "RENOVATION".to_owned()),
            ("stage", "SKEMA_B".to_owned()),
            ("year", year.to_owned()),
            ("cost", "120.000.000".to_owned()),
            ("start", "2026-03-01".to_owned()),
            ("handover", "2028-06-30".to_owned()),
        ]
    };
    let res = post("/app/setup/grant", grant("tyve")).await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    refused(&body, "year", "Skriv et årstal, fx 2024.");
    assert!(
        body.contains("value=\"Vollsmose: nye facader\""),
        "typed values kept"
    );
    assert!(body.contains("value=\"120.000.000\""));
    let res = post("/app/setup/grant", grant("1800")).await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(body.contains("id=\"year-error\">Tilsagnsår"), "{body}");
    assert_eq!(demo.app.count("lbf_grant").await, grants);
    let res = post("/app/setup/grant", grant("2025")).await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(demo.app.count("lbf_grant").await, grants + 1);
    let page = text(get(&client, "/app/setup", &s).await).await;
    assert!(
        page.contains(">LBF-2025-0999</a> Vollsmose: nye facader (Skema B, 2025)"),
        "{page}"
    );

    // The contractor: a CVR number with a wrong check digit, then a right one.
    let contractors = demo.app.count("contractor").await;
    let res = post(
        "/app/setup/contractor",
        vec![
            ("cvr", "31874522".into()),
            ("name", "Holm Tømrer ApS".into()),
        ],
    )
    .await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(body.contains("id=\"cvr-error\">CVR-nummer"), "{body}");
    assert!(body.contains("value=\"Holm Tømrer ApS\""));
    assert_eq!(demo.app.count("contractor").await, contractors);
    let res = post(
        "/app/setup/contractor",
        vec![
            ("cvr", tests::nth_cvr(900)),
            ("name", "Holm Tømrer ApS".into()),
        ],
    )
    .await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(demo.app.count("contractor").await, contractors + 1);

    let c = session(&client, &demo, Role::Contractor).await;
    get(&client, "/app/setup", &c)
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

/// Scenario: the contractor registers a trainee: a person (refused when the name is empty or
/// the birth year is letters, typed values kept, nothing written), then a placement on its
/// contract (refused when it ends before it starts, at the end date, in words naming the field
/// as its label does), then both are taken, each ending on a receipt, and the placement is
/// listed. The new person is among the choices of the placement form.
#[tokio::test]
async fn the_contractor_registers_a_trainee_and_a_placement() {
    let demo = demo_on(api::units::danish_today(), &[Role::Contractor]).await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Contractor).await;
    let page = text(get(&client, "/app/trainees", &s).await).await;
    assert!(
        page.contains("<span>Personer under oplæring</span>"),
        "{page}"
    );
    let csrf = hidden(&page, "csrf");
    let post = |path: &'static str, fields: Vec<(&'static str, String)>| {
        let mut form = vec![("csrf", csrf.clone())];
        form.extend(fields);
        client
            .post(path)
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&form)
            .send()
    };
    let persons = demo.app.count("person").await;
    let res = post(
        "/app/trainees/person",
        vec![("name", "  ".into()), ("birth_year", "2004".into())],
    )
    .await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(
        body.contains("<span class=\"form-error-message\" id=\"name-error\">Navn eller pseudonym skal udfyldes</span>"),
        "{body}"
    );
    assert!(body.contains("<a class=\"function-link\" href=\"#name\">"));
    assert!(body.contains("value=\"2004\""), "the typed year is kept");
    let res = post(
        "/app/trainees/person",
        vec![
            ("name", "Ali Lærling".into()),
            ("birth_year", "totusinde".into()),
        ],
    )
    .await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(
        body.contains("id=\"birth_year-error\">Skriv et årstal, fx 2024."),
        "{body}"
    );
    assert!(body.contains("value=\"Ali Lærling\""));
    assert_eq!(demo.app.count("person").await, persons);
    let res = post(
        "/app/trainees/person",
        vec![
            ("name", "Ali Lærling".into()),
            ("birth_year", "2004".into()),
            ("resident", "yes".into()),
        ],
    )
    .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let receipt = res.0.headers()["location"].to_str().unwrap().to_owned();
    let person = receipt
        .split("ref=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(demo.app.count("person").await, persons + 1);
    let page = text(get(&client, &receipt, &s).await).await;
    assert!(page.contains("Personen er registreret den "), "{page}");
    assert!(
        page.contains(&format!("<option value=\"{person}\">Ali Lærling</option>")),
        "the new person can be placed: {page}"
    );
    let contract = page
        .split("<select class=\"form-select\" id=\"contract\"")
        .nth(1)
        .and_then(|rest| rest.split("value=\"").nth(1))
        .and_then(|v| v.split('"').next())
        .unwrap()
        .to_owned();
    let placements = demo.app.count("placement").await;
    let placement = |end: &str| {
        vec![
            ("person", person.clone()),
            ("contract", contract.clone()),
            ("kind", "EUD_APPRENTICE".to_owned()),
            ("trade", "tømrer".to_owned()),
            ("start", "2026-08-01".to_owned()),
            ("end", end.to_owned()),
            ("employee_number", "T-117".to_owned()),
        ]
    };
    let res = post("/app/trainees/placement", placement("2026-07-01")).await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(body.contains("id=\"end-error\">Slutdato"), "{body}");
    assert!(!body.contains("endDate"), "{body}");
    assert!(body.contains("value=\"T-117\""));
    assert_eq!(demo.app.count("placement").await, placements);
    let res = post("/app/trainees/placement", placement("2027-07-31")).await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(demo.app.count("placement").await, placements + 1);
    let page = text(get(&client, "/app/trainees", &s).await).await;
    assert!(page.contains("<td>Ali Lærling</td>"), "{page}");
    assert!(page.contains("Lærling (EUD) (tømrer)"), "{page}");
}

/// Scenario: the tovholder registers a resident on the snusepraktik page (an empty name is
/// refused at the field, in the summary and with the birth year kept, nothing written), the new
/// participant is offered in the form for a new snusepraktik, and a snusepraktik for them is
/// logged; a 13-week-and-a-day one is refused at the end date first.
#[tokio::test]
async fn the_tovholder_registers_a_resident_and_logs_a_snusepraktik() {
    let demo = demo().await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Tovholder).await;
    let page = text(get(&client, "/app/trials", &s).await).await;
    assert!(
        page.contains("<h2 id=\"new-person\">Ny deltager (beboer)</h2>"),
        "{page}"
    );
    let csrf = hidden(&page, "csrf");
    let grant = first_option(&page, "grant");
    let post = |path: &'static str, fields: Vec<(&'static str, String)>| {
        let mut form = vec![("csrf", csrf.clone())];
        form.extend(fields);
        client
            .post(path)
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&form)
            .send()
    };
    let persons = demo.app.count("person").await;
    let res = post(
        "/app/trials/person",
        vec![
            ("name", String::new()),
            ("birth_year", "1990".into()),
            ("resident", "yes".into()),
        ],
    )
    .await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(
        body.contains("<span class=\"form-error-message\" id=\"name-error\">Navn eller pseudonym skal udfyldes</span>"),
        "{body}"
    );
    assert!(body.contains(
        "<a class=\"function-link\" href=\"#name\">Navn eller pseudonym skal udfyldes</a>"
    ));
    assert!(body.contains("value=\"1990\""));
    assert_eq!(demo.app.count("person").await, persons);
    let res = post(
        "/app/trials/person",
        vec![
            ("name", "Sara Beboer".into()),
            ("birth_year", "1990".into()),
            ("resident", "yes".into()),
        ],
    )
    .await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(demo.app.count("person").await, persons + 1);
    let page = text(get(&client, "/app/trials?done=person", &s).await).await;
    assert!(page.contains("Deltageren er registreret og kan vælges nedenfor."));
    let person = page
        .split(">Sara Beboer</option>")
        .next()
        .and_then(|before| before.rsplit("<option value=\"").next())
        .and_then(|v| v.split('"').next())
        .unwrap()
        .to_owned();
    let trial = |end: &str| {
        vec![
            ("grant", grant.clone()),
            ("person", person.clone()),
            ("host", String::new()),
            ("start", "2026-01-05".to_owned()),
            ("end", end.to_owned()),
            ("trades", "murer, tømrer".to_owned()),
        ]
    };
    let trials = demo.app.count("trial_placement").await;
    let res = post("/app/trials", trial("2026-04-06")).await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(
        body.contains("id=\"end-error\">snusepraktikken ville vare 92 dage"),
        "{body}"
    );
    assert_eq!(demo.app.count("trial_placement").await, trials);
    post("/app/trials", trial("2026-02-01"))
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(demo.app.count("trial_placement").await, trials + 1);
}

/// Scenario: the administrator invites a contractor's site manager on the users page (an
/// e-mail that is not one, and a contractor role without its company, are refused with what was
/// typed kept and no account written), then with the company: the answer shows the link to pass
/// on, which opens the page to set a password. A forgotten password: the button on the account
/// gives a new single-use link. A bygherre's users page offers only the roles it may invite
/// (a contractor's site manager, a tovholder), no organisation to choose, and lists none of the
/// administrator's accounts.
#[tokio::test]
async fn the_administrator_invites_a_person_and_resets_a_password() {
    let demo = demo_on(api::units::danish_today(), &[Role::Admin, Role::Bygherre]).await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Admin).await;
    let page = text(get(&client, "/app/users", &s).await).await;
    assert!(page.contains("<span>Brugere</span>"), "{page}");
    let csrf = hidden(&page, "csrf");
    let contractor = page
        .split("<select class=\"form-select\" id=\"contractor\"")
        .nth(1)
        .and_then(|rest| rest.split("value=\"").nth(2))
        .and_then(|v| v.split('"').next())
        .unwrap()
        .to_owned();
    let invite = |email: &str, contractor: &str| {
        client
            .post("/app/users/invite")
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("name", "Sigurd Sjakbajs"),
                ("role", "CONTRACTOR"),
                ("organisation", ""),
                ("contractor", contractor),
            ])
            .send()
    };
    let users = demo.app.count("app_user").await;
    let res = invite("sigurd.entreprenor.dk", &contractor).await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(
        body.contains("id=\"email-error\">sigurd.entreprenor.dk er ikke en e-mailadresse"),
        "{body}"
    );
    assert!(body.contains("value=\"Sigurd Sjakbajs\""));
    let res = invite("sigurd@entreprenor.dk", "").await;
    res.assert_status(StatusCode::BAD_REQUEST);
    assert_eq!(demo.app.count("app_user").await, users);
    let res = invite("sigurd@entreprenor.dk", &contractor).await;
    res.assert_status_is_ok();
    let body = text(res).await;
    assert!(
        body.contains("Invitationen er oprettet for <strong>Sigurd Sjakbajs</strong>"),
        "{body}"
    );
    let link = body
        .split("id=\"link\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    assert!(link.starts_with("/invitation?token="), "{link}");
    assert_eq!(demo.app.count("app_user").await, users + 1);
    let opened = client.get(&link).header("host", LOCAL).send().await;
    opened.assert_status_is_ok();
    assert!(text(opened).await.contains("Ny adgangskode"));

    let page = text(get(&client, "/app/users", &s).await).await;
    let user = page
        .split("<td>Sigurd Sjakbajs</td>")
        .nth(1)
        .and_then(|rest| rest.split("name=\"user\" value=\"").nth(1))
        .and_then(|v| v.split('"').next())
        .unwrap()
        .to_owned();
    let res = client
        .post("/app/users/reset")
        .header("host", LOCAL)
        .header("cookie", &s)
        .form(&[("csrf", csrf.as_str()), ("user", user.as_str())])
        .send()
        .await;
    res.assert_status_is_ok();
    let body = text(res).await;
    assert!(body.contains("Linket til en ny adgangskode (gyldigt en time) er oprettet for <strong>Sigurd Sjakbajs</strong>"), "{body}");
    assert!(
        !body.contains(&format!("id=\"link\">{link}<")),
        "a new link"
    );

    // A tovholder is invited with the grants it coordinates (the multiple select).
    let res = client
        .post("/app/users/invite")
        .header("host", LOCAL)
        .header("cookie", &s)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "tove@jobcenter.example"),
            ("name", "Tove Tovholder"),
            ("role", "TOVHOLDER"),
            ("organisation", ""),
            ("contractor", ""),
            ("grants", demo.grant.as_str()),
        ])
        .send()
        .await;
    res.assert_status_is_ok();
    assert!(
        text(res)
            .await
            .contains("Invitationen er oprettet for <strong>Tove Tovholder</strong>")
    );
    assert_eq!(
        demo.app.ok("{ users { role grantIds } }", json!({})).await["users"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["role"] == "TOVHOLDER" && u["grantIds"] == json!([demo.grant]))
            .count(),
        1
    );

    let b = session(&client, &demo, Role::Bygherre).await;
    let page = text(get(&client, "/app/users", &b).await).await;
    let roles: Vec<&str> = page
        .split("<select class=\"form-select\" id=\"role\"")
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .unwrap()
        .split("value=\"")
        .skip(1)
        .filter_map(|v| v.split('"').next())
        .collect();
    assert_eq!(roles, ["CONTRACTOR", "TOVHOLDER"], "{page}");
    assert!(!page.contains("id=\"organisation\""), "{page}");
    assert!(
        !page.contains("Tove Tovholder"),
        "the administrator's accounts: {page}"
    );
}

/// Scenario: a bygherre with 31 grants: the portfolio shows 25 a page with links to the next
/// and previous page that keep the sort and search; a search by part of a case number finds that
/// grant alone (no paging then); a page number out of range shows the last page.
#[tokio::test]
async fn the_portfolio_pages_and_searches_by_case_number() {
    let demo = demo().await;
    let estate = demo
        .app
        .ok(
            "query($g: UUID!) { grant(id: $g) { estate { id } } }",
            json!({ "g": demo.grant }),
        )
        .await["grant"]["estate"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for n in 0..30 {
        demo.app
            .grant_on(&estate, &format!("LBF-2030-{n:04}"))
            .await;
    }
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Bygherre).await;
    let rows = |page: &str| {
        page.split("<tbody>")
            .nth(1)
            .and_then(|b| b.split("</tbody>").next())
            .map(|b| b.matches("<tr>").count())
            .unwrap_or(0)
    };
    let first = text(get(&client, "/app?sort=CASE_NUMBER", &s).await).await;
    assert_eq!(rows(&first), 25);
    assert!(first.contains("Side 1 af 2 (31 tilsagn)"), "{first}");
    assert!(
        first.contains("<a rel=\"next\" href=\"?sort=CASE_NUMBER&amp;side=2\">Næste side</a>"),
        "{first}"
    );
    let second = text(get(&client, "/app?sort=CASE_NUMBER&side=2", &s).await).await;
    assert_eq!(rows(&second), 6);
    assert!(second.contains("<a rel=\"prev\" href=\"?sort=CASE_NUMBER\">Forrige side</a>"));
    let beyond = text(get(&client, "/app?side=99", &s).await).await;
    assert!(beyond.contains("Side 2 af 2"), "{beyond}");

    let found = text(get(&client, "/app?q=2030-0017", &s).await).await;
    assert_eq!(rows(&found), 1);
    assert!(found.contains(">LBF-2030-0017</a>"));
    assert!(!found.contains("id=\"pages\""), "one page");
    assert!(found.contains("<input class=\"form-input\" id=\"q\" name=\"q\" type=\"search\" maxlength=\"100\" value=\"2030-0017\">"));
}

/// Scenario: an administrator sets up the følgegruppe of a grant that has none through the
/// groups page, lands on the group's page with a receipt, and adds a member with the role they
/// represent, who is then listed, and takes out again (kept on file, no longer listed). A group
/// without a name is refused at the name field with what
/// was typed kept and nothing written; a second group for the same grant is refused.
#[tokio::test]
async fn a_follow_up_group_is_set_up_and_its_members_added_through_the_pages() {
    let demo = demo_on(api::units::danish_today(), &[Role::Admin]).await;
    let estate = demo
        .app
        .ok(
            "query($g: UUID!) { grant(id: $g) { estate { id } } }",
            json!({ "g": demo.grant }),
        )
        .await["grant"]["estate"]["id"]
        .clone();
    let grant = demo
        .app
        .ok(
            "mutation($e: UUID!) { createGrant(input: {estateId: $e, caseNumber: \"LBF-2026-0077\", title: \"Altaner\", kind: RENOVATION, stage: SKEMA_B, commitmentYear: 2026}) { id } }",
            json!({ "e": estate }),
        )
        .await["createGrant"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Admin).await;
    let page = text(get(&client, "/app/groups", &s).await).await;
    let csrf = hidden(&page, "csrf");
    assert!(
        page.contains("LBF-2026-0077 Altaner"),
        "the grant is offered: {page}"
    );
    let post = |form: Vec<(&'static str, String)>, path: String| {
        client
            .post(path)
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&form)
            .send()
    };
    let groups = demo.app.count("follow_up_group").await;
    let res = post(
        vec![
            ("csrf", csrf.clone()),
            ("grant", grant.clone()),
            ("group_name", "   ".into()),
            ("cadence", "45".into()),
        ],
        "/app/groups".into(),
    )
    .await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(
        body.contains(
            "<span class=\"form-error-message\" id=\"group_name-error\">Følgegruppens navn"
        ),
        "{body}"
    );
    assert!(body.contains("href=\"#group_name\""), "in the summary");
    assert!(body.contains("value=\"45\""), "what was typed stays");
    assert_eq!(demo.app.count("follow_up_group").await, groups);

    let res = post(
        vec![
            ("csrf", csrf.clone()),
            ("grant", grant.clone()),
            ("group_name", "Følgegruppen for altanerne".into()),
            ("cadence", "45".into()),
        ],
        "/app/groups".into(),
    )
    .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let to = res.0.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.contains("?done=group&ref="), "{to}");
    assert_eq!(demo.app.count("follow_up_group").await, groups + 1);
    assert_eq!(
        demo.app
            .count_where("follow_up_group", "cadence_days = 45")
            .await,
        1
    );
    let group_page = text(get(&client, &to, &s).await).await;
    assert!(
        group_page.contains("Følgegruppen er nedsat"),
        "{group_page}"
    );
    let group_path = to.split('?').next().unwrap().to_owned();
    let res = post(
        vec![
            ("csrf", csrf.clone()),
            ("member_name", "Jens Jensen".into()),
            ("member_organisation", "3F Bygningsarbejderne".into()),
            ("member_role", "UNION".into()),
        ],
        format!("{group_path}/members"),
    )
    .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let page = text(get(&client, &format!("{group_path}?done=member"), &s).await).await;
    assert!(
        page.contains("Jens Jensen, 3F Bygningsarbejderne (Fagforening)"),
        "{page}"
    );
    assert!(page.contains("Medlemmet er tilføjet."));

    // Jens leaves the group: the button by his name takes him out; he is kept on file.
    let member = page
        .split(&format!("action=\"{group_path}/members/"))
        .find(|rest| {
            rest.split("</li>")
                .next()
                .is_some_and(|li| li.contains("Jens Jensen"))
        })
        .and_then(|rest| rest.split('/').next())
        .expect("a button by Jens to take him out of the group")
        .to_owned();
    let (members, audit) = (
        demo.app.count("group_member").await,
        demo.app.count("audit_log").await,
    );
    let res = post(
        vec![("csrf", csrf.clone())],
        format!("{group_path}/members/{member}/archive"),
    )
    .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let to = res.0.headers()["location"].to_str().unwrap().to_owned();
    let page = text(get(&client, &to, &s).await).await;
    assert!(page.contains("Medlemmet er taget ud af gruppen."), "{page}");
    assert!(!page.contains("Jens Jensen"), "{page}");
    assert_eq!(
        demo.app.count("group_member").await,
        members,
        "kept on file"
    );
    assert_eq!(
        demo.app
            .count_where(
                "group_member",
                "name = 'Jens Jensen' AND archived_at IS NOT NULL"
            )
            .await,
        1
    );
    assert_eq!(demo.app.count("audit_log").await, audit + 1);

    let again = post(
        vec![
            ("csrf", csrf),
            ("grant", grant),
            ("group_name", "En gruppe til".into()),
        ],
        "/app/groups".into(),
    )
    .await;
    assert!(again.0.status().is_client_error());
    assert_eq!(demo.app.count("follow_up_group").await, groups + 1);
}

/// Scenario: the bygherre moves a grant to Skema C and corrects its craftsman cost from the setup
/// page's edit link: the form shows what is on file (the cost in Danish), the saved change ends
/// on the setup page's receipt, the grant has the new values and the old ones stay on file as a
/// revision. A commitment year in letters is refused at its field, with what was typed kept and
/// the grant unchanged.
#[tokio::test]
async fn the_bygherre_edits_a_grants_stage_and_cost() {
    let demo = demo_on(api::units::danish_today(), &[Role::Bygherre]).await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Bygherre).await;
    let setup = text(get(&client, "/app/setup", &s).await).await;
    let edit = format!("/app/setup/grants/{}", demo.grant);
    assert!(setup.contains(&format!("href=\"{edit}\"")), "an edit link");
    let page = text(get(&client, &edit, &s).await).await;
    let csrf = hidden(&page, "csrf");
    let value_of = |name: &str| {
        let marker = format!("name=\"{name}\" value=\"");
        let start = page.find(&marker).unwrap_or_else(|| panic!("no {name}")) + marker.len();
        page[start..].split('"').next().unwrap().to_owned()
    };
    let before: serde_json::Value = demo
        .app
        .ok(
            "query($g: UUID!) { grant(id: $g) { stage craftsmanCost caseNumber } }",
            json!({ "g": demo.grant }),
        )
        .await["grant"]
        .clone();
    let on_file = before["craftsmanCost"].as_str().unwrap().to_owned();
    assert_eq!(
        value_of("cost"),
        api::i18n::decimal(Lang::Da, on_file.parse().unwrap(), 2),
        "the cost on file, written the Danish way"
    );
    let mut form = vec![
        ("csrf", csrf),
        ("estate", value_of("estate")),
        ("case_number", value_of("case_number")),
        ("title", value_of("title")),
        ("kind", "RENOVATION".to_owned()),
        ("stage", "SKEMA_C".to_owned()),
        ("year", "tyve".to_owned()),
        ("cost", "61.500.000".to_owned()),
        ("start", value_of("start")),
        ("handover", value_of("handover")),
    ];
    let post = |form: Vec<(&'static str, String)>| {
        client
            .post(&edit)
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&form)
            .send()
    };
    let revisions = demo.app.count("grant_revision").await;
    let res = post(form.clone()).await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(body.contains("id=\"year-error\""), "{body}");
    assert!(body.contains("value=\"tyve\""));
    assert_eq!(demo.app.count("grant_revision").await, revisions);
    assert_eq!(
        demo.app.count_where("lbf_grant", "stage = 'skema_c'").await,
        0
    );

    form[6].1 = value_of("year");
    let res = post(form).await;
    res.assert_status(StatusCode::SEE_OTHER);
    let to = res.0.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with("/app/setup?done=grant-updated"), "{to}");
    let receipt = text(get(&client, &to, &s).await).await;
    assert!(receipt.contains("Tilsagnet er rettet."), "{receipt}");
    let after = demo
        .app
        .ok(
            "query($g: UUID!) { grant(id: $g) { stage craftsmanCost caseNumber } }",
            json!({ "g": demo.grant }),
        )
        .await;
    assert_eq!(after["grant"]["stage"], "SKEMA_C");
    assert_eq!(after["grant"]["craftsmanCost"], "61500000.00");
    assert_eq!(after["grant"]["caseNumber"], before["caseNumber"]);
    assert_eq!(
        demo.app.count("grant_revision").await,
        revisions + 1,
        "the grant as it was stays on file as a revision"
    );
}

/// Scenario: the bygherre corrects an estate's municipality and clears its address from the
/// setup page's edit link: the form shows what is on file, the change ends on the setup page's
/// receipt, and the estate has the new values (its housing organisation unchanged).
#[tokio::test]
async fn the_bygherre_edits_an_estate() {
    let demo = demo_on(api::units::danish_today(), &[Role::Bygherre]).await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Bygherre).await;
    const ESTATE: &str = "query($g: UUID!) { grant(id: $g) { estate { id name municipality address organisation { id } } } }";
    let before = demo.app.ok(ESTATE, json!({ "g": demo.grant })).await["grant"]["estate"].clone();
    let edit = format!("/app/setup/estates/{}", before["id"].as_str().unwrap());
    let setup = text(get(&client, "/app/setup", &s).await).await;
    assert!(setup.contains(&format!("href=\"{edit}\"")), "an edit link");
    let page = text(get(&client, &edit, &s).await).await;
    assert!(
        page.contains(&format!(
            "value=\"{}\"",
            before["municipality"].as_str().unwrap()
        )),
        "{page}"
    );
    let res = client
        .post(&edit)
        .header("host", LOCAL)
        .header("cookie", &s)
        .form(&[
            ("csrf", hidden(&page, "csrf")),
            ("organisation", hidden(&page, "organisation")),
            ("name", before["name"].as_str().unwrap().to_owned()),
            ("municipality", "Nyborg".to_owned()),
            ("address", "  ".to_owned()),
        ])
        .send()
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let to = res.0.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with("/app/setup?done=estate-updated"), "{to}");
    let receipt = text(get(&client, &to, &s).await).await;
    assert!(receipt.contains("Afdelingen er rettet."), "{receipt}");
    let after = demo.app.ok(ESTATE, json!({ "g": demo.grant })).await["grant"]["estate"].clone();
    assert_eq!(after["municipality"], "Nyborg");
    assert_eq!(after["address"], serde_json::Value::Null);
    assert_eq!(after["name"], before["name"]);
    assert_eq!(after["organisation"], before["organisation"]);
}

/// Scenario: the bygherre changes a contract's clause from a share to trainee hours and then
/// archives the contract, from the edit link on the contracts page. The edit form shows what is
/// on file (the value in Danish, as exact as it is); a value in letters is refused at its field
/// with what was typed kept and the contract unchanged; the saved change ends on the contracts
/// page's receipt, the clause is the hours clause alone, and one audit row says so. Archived, the
/// contract leaves the contracts page.
#[tokio::test]
async fn the_bygherre_changes_a_contracts_clause_and_archives_it() {
    let demo = demo_on(api::units::danish_today(), &[Role::Bygherre]).await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let s = session(&client, &demo, Role::Bygherre).await;
    let list = format!("/app/grants/{}/contracts", demo.grant);
    let contracts = text(get(&client, &list, &s).await).await;
    let marker = format!("href=\"{list}/");
    let contract = contracts
        .split(&marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an edit link on the contracts page")
        .to_owned();
    const CONTRACT: &str = "query($c: UUID!) { contract(id: $c) { kind trade value startDate endDate updatedAt archivedAt contractor { id } trainingClause { requiredSharePercent requiredTraineeHours } } }";
    let before = demo.app.ok(CONTRACT, json!({ "c": contract })).await["contract"].clone();
    let edit = format!("{list}/{contract}");
    let page = text(get(&client, &edit, &s).await).await;
    let value: rust_decimal::Decimal = before["value"].as_str().unwrap().parse().unwrap();
    let value = value.normalize();
    assert!(
        page.contains(&format!(
            "name=\"value\" value=\"{}\"",
            api::i18n::decimal(Lang::Da, value, value.scale())
        )),
        "the value on file, written the Danish way: {page}"
    );
    assert!(page.contains(&format!("value=\"{}\"", before["trade"].as_str().unwrap())));
    let csrf = hidden(&page, "csrf");
    let field = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
    let mut form = vec![
        ("csrf", csrf.clone()),
        ("contractor", field(&before["contractor"]["id"])),
        ("kind", field(&before["kind"])),
        ("parent", String::new()),
        ("trade", field(&before["trade"])),
        ("value", "ti millioner".to_owned()),
        ("start", field(&before["startDate"])),
        ("end", field(&before["endDate"])),
        ("share", String::new()),
        ("hours", "2.000".to_owned()),
    ];
    let post = |to: String, form: Vec<(&'static str, String)>| {
        client
            .post(to)
            .header("host", LOCAL)
            .header("cookie", &s)
            .form(&form)
            .send()
    };
    let audit = demo.app.count("audit_log").await;
    let res = post(edit.clone(), form.clone()).await;
    res.assert_status(StatusCode::BAD_REQUEST);
    let body = text(res).await;
    assert!(body.contains("id=\"value-error\""), "{body}");
    assert!(body.contains("value=\"ti millioner\""), "{body}");
    assert!(body.contains("value=\"2.000\""), "{body}");
    let unchanged = demo.app.ok(CONTRACT, json!({ "c": contract })).await["contract"].clone();
    assert_eq!(unchanged, before);
    assert_eq!(demo.app.count("audit_log").await, audit);

    form[5].1 = "12.500.000".to_owned();
    let res = post(edit.clone(), form).await;
    res.assert_status(StatusCode::SEE_OTHER);
    let to = res.0.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        to.starts_with(&format!("{list}?done=contract-updated&ref={contract}&at=")),
        "{to}"
    );
    let receipt = text(get(&client, &to, &s).await).await;
    assert!(receipt.contains("Kontrakten er rettet."), "{receipt}");
    assert!(
        receipt.contains(&format!("<code>{contract}</code>")) && receipt.contains(" kl. "),
        "the receipt names the contract and the time: {receipt}"
    );
    let after = demo.app.ok(CONTRACT, json!({ "c": contract })).await["contract"].clone();
    assert_eq!(after["value"], "12500000.00");
    assert_eq!(
        after["trainingClause"],
        json!({ "requiredSharePercent": null, "requiredTraineeHours": "2000.00" })
    );
    assert_eq!(after["trade"], before["trade"]);
    assert_eq!(demo.app.count("audit_log").await, audit + 1);

    let res = post(format!("{edit}/archive"), vec![("csrf", csrf)]).await;
    res.assert_status(StatusCode::SEE_OTHER);
    let to = res.0.headers()["location"].to_str().unwrap().to_owned();
    let receipt = text(get(&client, &to, &s).await).await;
    assert!(receipt.contains("Kontrakten er arkiveret."), "{receipt}");
    assert!(!receipt.contains(&format!("href=\"{edit}\"")), "{receipt}");
    let archived = demo.app.ok(CONTRACT, json!({ "c": contract })).await["contract"].clone();
    assert!(archived["archivedAt"].is_string(), "{archived}");
}
