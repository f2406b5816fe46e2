//! People sign in: an administrator invites, the person sets a password (argon2id) and gets a
//! session cookie; CSRF, failed sign-ins, expiry, sign-out and revocation refuse as they should.
//! Through HTTP on either database.

use chrono::{Duration, Utc};
use entity::{app_user, audit_log, user_session};
use poem::http::StatusCode;
use poem::test::{TestClient, TestResponse};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;
use tests::TestApp;

const LOCAL: &str = "localhost:8000";

fn set_cookies(res: &TestResponse) -> Vec<String> {
    res.0
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

fn cookie(res: &TestResponse, name: &str) -> Option<String> {
    set_cookies(res)
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {body}"))
        + marker.len();
    body[start..].split('"').next().unwrap().to_owned()
}

async fn text(res: TestResponse) -> String {
    res.0.into_body().into_string().await.unwrap()
}

/// Invites Birthe (BYGHERRE of the grant's organisation) and returns (invitation path, user id).
async fn invite(app: &TestApp, role: &str) -> (String, uuid::Uuid, String) {
    let grant = app.grant().await;
    let org = app
        .ok(
            "query($g: UUID!) { grant(id: $g) { estate { organisation { id } } } }",
            json!({ "g": grant }),
        )
        .await["grant"]["estate"]["organisation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = app
        .ok(
            "mutation($o: UUID!, $r: Role!) { inviteUser(input: {email: \"Birthe@Boligselskab.dk\", displayName: \"Birthe Bygherre\", role: $r, organisationId: $o}) { invitationPath user { id email active } } }",
            json!({ "o": org, "r": role }),
        )
        .await;
    let u = &d["inviteUser"]["user"];
    assert_eq!(u["email"], "birthe@boligselskab.dk", "stored lower-cased");
    assert_eq!(u["active"], false);
    (
        d["inviteUser"]["invitationPath"]
            .as_str()
            .unwrap()
            .to_owned(),
        u["id"].as_str().unwrap().parse().unwrap(),
        grant,
    )
}

/// Opens the invitation, sets a password; returns the session cookie ("sct_session=…").
async fn accept(
    client: &TestClient<impl poem::Endpoint>,
    path: &str,
    password: &str,
) -> TestResponse {
    let page = client.get(path).header("host", LOCAL).send().await;
    page.assert_status_is_ok();
    let csrf_cookie = cookie(&page, "sct_csrf").expect("a CSRF cookie");
    let body = text(page).await;
    client
        .post("/invitation")
        .header("host", LOCAL)
        .header("cookie", &csrf_cookie)
        .form(&[
            ("csrf", hidden(&body, "csrf")),
            ("token", hidden(&body, "token")),
            ("password", password.to_owned()),
        ])
        .send()
        .await
}

/// Invites Sigurd, site manager at contractor `co`; the invitation path.
async fn invite_contractor(app: &TestApp, co: &str) -> String {
    app.ok(
        "mutation($c: UUID!) { inviteUser(input: {email: \"site@entreprenor.dk\", displayName: \"Sigurd\", role: CONTRACTOR, contractorId: $c}) { invitationPath } }",
        json!({ "c": co }),
    )
    .await["inviteUser"]["invitationPath"]
    .as_str()
    .unwrap()
    .to_owned()
}

/// Accepts the invitation with a good password; the session cookie ("sct_session=…").
async fn signed_in(client: &TestClient<impl poem::Endpoint>, path: &str) -> String {
    cookie(
        &accept(client, path, "en rigtig god adgangskode").await,
        "sct_session",
    )
    .expect("a session cookie")
}

/// A page's HTML for a signed-in session.
async fn page_of(
    client: &TestClient<impl poem::Endpoint>,
    path: impl AsRef<str>,
    session: &str,
) -> String {
    text(
        client
            .get(path.as_ref())
            .header("host", LOCAL)
            .header("cookie", session)
            .send()
            .await,
    )
    .await
}

async fn sign_in(client: &TestClient<impl poem::Endpoint>, password: &str) -> TestResponse {
    let page = client.get("/login").header("host", LOCAL).send().await;
    let csrf_cookie = cookie(&page, "sct_csrf").unwrap();
    let body = text(page).await;
    client
        .post("/login")
        .header("host", LOCAL)
        .header("cookie", &csrf_cookie)
        .form(&[
            ("csrf", hidden(&body, "csrf")),
            ("email", "birthe@boligselskab.dk".to_owned()),
            ("password", password.to_owned()),
        ])
        .send()
        .await
}

/// Scenario: the invitation is accepted once; a too-short password is refused in Danish next to
/// the field and stores nothing; the session cookie is HttpOnly and SameSite=Lax (and Secure off
/// localhost); the start page shows the bygherre's portfolio through the schema; the password
/// change is in the audit trail under the user, with no hash in it.
#[tokio::test]
async fn an_invited_person_sets_a_password_and_is_signed_in() {
    let app = TestApp::new().await;
    let (path, user_id, _) = invite(&app, "BYGHERRE").await;
    let client = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));

    let short = accept(&client, &path, "kort").await;
    short.assert_status(StatusCode::BAD_REQUEST);
    let body = text(short).await;
    assert!(
        body.contains("adgangskoden skal være 12 til 128 tegn lang"),
        "{body}"
    );
    let stored = app_user::Entity::find_by_id(user_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.password_hash.is_none());

    // A form posted without the page's CSRF cookie is refused and writes nothing.
    let before = app.snapshot().await;
    let forged = client
        .post("/invitation")
        .header("host", LOCAL)
        .form(&[
            ("csrf", "x"),
            ("token", path.split('=').nth(1).unwrap()),
            ("password", "en rigtig god adgangskode"),
        ])
        .send()
        .await;
    forged.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(app.snapshot().await, before);

    let ok = accept(&client, &path, "en rigtig god adgangskode").await;
    ok.assert_status(StatusCode::SEE_OTHER);
    ok.assert_header("location", "/app");
    let set = set_cookies(&ok).join("\n");
    assert!(set.contains("sct_session="), "{set}");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain http on localhost: {set}");
    let session = cookie(&ok, "sct_session").unwrap();

    let stored = app_user::Entity::find_by_id(user_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.password_hash.unwrap().starts_with("$argon2id$"));
    assert!(stored.invite_hash.is_none(), "the invitation is used up");
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("set-password"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(audit.user_id, Some(user_id));
    let image = audit.after.unwrap().to_string();
    assert!(
        !image.contains("argon2") && !image.contains("password_hash"),
        "{image}"
    );

    // The invitation cannot be used twice.
    let again = client.get(&path).header("host", LOCAL).send().await;
    again.assert_status(StatusCode::NOT_FOUND);

    let home = client
        .get("/app")
        .header("host", LOCAL)
        .header("cookie", &session)
        .send()
        .await;
    home.assert_status_is_ok();
    let body = text(home).await;
    assert!(body.contains("<html lang=\"da\">"));
    assert!(body.contains("Velkommen, Birthe Bygherre"), "{body}");
    assert!(
        body.contains("Porteføljeoverblik") && body.contains("LBF-1"),
        "{body}"
    );

    // A form post is bounded: a body over 64 KiB is refused before it is read.
    let huge = client
        .post("/login")
        .header("host", LOCAL)
        .form(&[("email", "x".repeat(100_000))])
        .send()
        .await;
    huge.assert_status(StatusCode::PAYLOAD_TOO_LARGE);

    // Secure is the configuration's word (PUBLIC_BASE_URL), not the Host header's: a server
    // configured for https sets it for any Host, `localhost.evil.example` included; one that
    // is not leaves it off for any Host.
    let page = client
        .get("/login")
        .header("host", "tracker.example.dk")
        .send()
        .await;
    assert!(!set_cookies(&page).join("").contains("Secure"));
    let https = TestClient::new(api::http::app_full(
        app.db.clone(),
        app.schema.clone(),
        Default::default(),
        api::ops::CorsOrigins::Off,
        api::config::WebConfig {
            secure_cookies: true,
            ..Default::default()
        },
    ));
    for host in [
        "tracker.example.dk",
        "localhost.evil.example",
        LOCAL,
        "127.0.0.1",
    ] {
        let page = https.get("/login").header("host", host).send().await;
        assert!(set_cookies(&page).join("").contains("Secure"), "{host}");
    }
}

/// Scenario: before sign-in, a CSRF value the caller chose, with a cookie to match, is refused
/// (login CSRF); so is a token the server signed for another moment long past, or altered by one
/// character. The server's own token, from the form, is accepted.
#[tokio::test]
async fn only_a_pre_sign_in_token_the_server_signed_is_accepted() {
    let app = TestApp::new().await;
    let (path, _, _) = invite(&app, "BYGHERRE").await;
    let client = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    accept(&client, &path, "en rigtig god adgangskode").await;
    let post = |csrf: String| {
        let client = &client;
        async move {
            client
                .post("/login")
                .header("host", LOCAL)
                .header("cookie", format!("sct_csrf={csrf}"))
                .form(&[
                    ("csrf", csrf),
                    ("email", "birthe@boligselskab.dk".to_owned()),
                    ("password", "en rigtig god adgangskode".to_owned()),
                ])
                .send()
                .await
        }
    };
    let page = client.get("/login").header("host", LOCAL).send().await;
    let issued = hidden(&text(page).await, "csrf");
    let (body, signature) = issued.rsplit_once('.').unwrap();
    let nonce = body.split_once('.').unwrap().0;
    let mut altered = issued.clone();
    let last = if altered.ends_with('0') { "1" } else { "0" };
    altered.replace_range(altered.len() - 1.., last);
    for forged in [
        "x".to_owned(),
        "attacker-chosen".to_owned(),
        format!("{nonce}.{}.{signature}", Utc::now().timestamp() - 1),
        format!("{nonce}.1.{signature}"),
        altered,
    ] {
        post(forged.clone())
            .await
            .assert_status(StatusCode::FORBIDDEN);
    }
    let ok = post(issued).await;
    ok.assert_status(StatusCode::SEE_OTHER);
}

/// Scenario: 40 wrong passwords for one account arrive at the same moment. Each attempt is
/// counted in the database before its password is checked, so exactly three are checked (and
/// answered "wrong e-mail or password"); the other 37 find the account locked or busy and are
/// told to wait, and the stored count is 3, not fewer (no lost updates).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_passwords_check_at_most_three() {
    let app = TestApp::new().await;
    let (path, user_id, _) = invite(&app, "BYGHERRE").await;
    let client = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    accept(&client, &path, "en rigtig god adgangskode").await;
    let now = Utc::now();
    let attempts: Vec<_> = (0..40)
        .map(|i| {
            let db = app.db.clone();
            tokio::spawn(async move {
                api::accounts::sign_in(&db, "birthe@boligselskab.dk", &format!("forkert {i}"), now)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.code())
            })
        })
        .collect();
    let mut codes = Vec::new();
    for a in attempts {
        codes.push(a.await.unwrap().unwrap_err());
    }
    let checked = codes.iter().filter(|c| **c == "UNAUTHENTICATED").count();
    let waited = codes.iter().filter(|c| **c == "RATE_LIMITED").count();
    assert_eq!((checked, waited), (3, 37), "{codes:?}");
    let stored = app_user::Entity::find_by_id(user_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.failed_sign_ins, 3);
    assert!(stored.locked_until.is_some_and(|t| t > now));
}

/// Scenario: sign-out needs the session's CSRF token; afterwards the cookie opens nothing. Three
/// wrong passwords are answered alike; the fourth attempt, even with the right password, waits
/// (the lock is in the database, for every instance). An expired, idle or revoked session sends
/// the person to sign in again.
#[tokio::test]
async fn sessions_end_and_failed_sign_ins_are_slowed_down() {
    let app = TestApp::new().await;
    let (path, user_id, _) = invite(&app, "BYGHERRE").await;
    let client = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    let password = "en rigtig god adgangskode";
    let session = cookie(&accept(&client, &path, password).await, "sct_session").unwrap();

    let home = page_of(&client, "/app", &session).await;
    let csrf = hidden(&home, "csrf");
    let forged = client
        .post("/logout")
        .header("host", LOCAL)
        .header("cookie", &session)
        .form(&[("csrf", "not-the-token")])
        .send()
        .await;
    forged.assert_status(StatusCode::FORBIDDEN);
    let out = client
        .post("/logout")
        .header("host", LOCAL)
        .header("cookie", &session)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await;
    out.assert_status(StatusCode::SEE_OTHER);
    out.assert_header("location", "/login");
    let revoked = user_session::Entity::find()
        .filter(user_session::Column::UserId.eq(user_id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(revoked.revoked_at.is_some());
    let after = client
        .get("/app")
        .header("host", LOCAL)
        .header("cookie", &session)
        .send()
        .await;
    after.assert_status(StatusCode::SEE_OTHER);
    after.assert_header("location", "/login");

    for _ in 0..3 {
        let res = sign_in(&client, "forkert adgangskode").await;
        res.assert_status(StatusCode::UNAUTHORIZED);
        assert!(
            text(res)
                .await
                .contains("E-mail eller adgangskode er forkert.")
        );
    }
    let locked = sign_in(&client, password).await;
    locked.assert_status(StatusCode::TOO_MANY_REQUESTS);
    assert!(
        text(locked)
            .await
            .contains("for mange mislykkede forsøg; prøv igen om")
    );
    let u = app_user::Entity::find_by_id(user_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.failed_sign_ins, 3);
    let until = u.locked_until.unwrap();
    assert!(until > Utc::now() && until <= Utc::now() + Duration::seconds(5));

    // Once the lock has passed, the right password signs in and the count starts over.
    let mut m: app_user::ActiveModel = u.into();
    m.locked_until = Set(Some(Utc::now() - Duration::seconds(1)));
    m.update(&app.db).await.unwrap();
    let ok = sign_in(&client, password).await;
    ok.assert_status(StatusCode::SEE_OTHER);
    let session = cookie(&ok, "sct_session").unwrap();
    let u = app_user::Entity::find_by_id(user_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.failed_sign_ins, 0);

    let open = |cookie: String| {
        let client = &client;
        async move {
            client
                .get("/app")
                .header("host", LOCAL)
                .header("cookie", cookie)
                .send()
                .await
        }
    };
    open(session.clone()).await.assert_status_is_ok();
    let live = user_session::Entity::find()
        .filter(user_session::Column::RevokedAt.is_null())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    // Two hours without use: over.
    let mut m: user_session::ActiveModel = live.clone().into();
    m.last_seen_at = Set(Utc::now() - Duration::hours(3));
    m.update(&app.db).await.unwrap();
    open(session.clone())
        .await
        .assert_status(StatusCode::SEE_OTHER);
    // Past its end: over, however recently used.
    let mut m: user_session::ActiveModel = live.clone().into();
    m.last_seen_at = Set(Utc::now());
    m.expires_at = Set(Utc::now() - Duration::seconds(1));
    m.update(&app.db).await.unwrap();
    open(session.clone())
        .await
        .assert_status(StatusCode::SEE_OTHER);
    // Revoked by an administrator: over.
    let mut m: user_session::ActiveModel = live.into();
    m.expires_at = Set(Utc::now() + Duration::hours(1));
    m.update(&app.db).await.unwrap();
    open(session.clone()).await.assert_status_is_ok();
    let n = app
        .ok(
            "mutation($u: UUID!) { revokeUserSessions(userId: $u) }",
            json!({ "u": user_id }),
        )
        .await;
    assert_eq!(n["revokeUserSessions"], 1);
    open(session).await.assert_status(StatusCode::SEE_OTHER);
}

/// Scenario: a VIEWER's start page has the portfolio's figures and no personal data.
#[tokio::test]
async fn a_viewers_pages_hold_no_personal_data() {
    let app = TestApp::new().await;
    let (path, _, grant) = invite(&app, "VIEWER").await;
    let co = app.contractor(0).await;
    let contract = app.contract(&grant, &co).await;
    app.placement(&app.person("Lærling Jensen").await, &grant, &contract)
        .await;
    let client = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    let session = signed_in(&client, &path).await;
    let body = page_of(&client, "/app", &session).await;
    assert!(body.contains("LBF-1"), "{body}");
    assert!(!body.contains("Lærling Jensen"), "{body}");
}

/// Scenario: the bygherre opens a grant from the portfolio: its share equals the GraphQL answer,
/// written the Danish way; the charts are SVG drawn on the server, named for screen readers,
/// with a table of the same numbers; findings are grouped by rule in Danish; nothing is
/// requested from another host. A contractor's session is refused the grant's figures.
#[tokio::test]
async fn the_grant_page_shows_the_schemas_figures_with_charts_and_tables() {
    let app = TestApp::new().await;
    let (path, _, grant) = invite(&app, "BYGHERRE").await;
    let co = app.contractor(0).await;
    let contract = app.contract(&grant, &co).await;
    let pl = app
        .placement(&app.person("Jonas").await, &grant, &contract)
        .await;
    for (m, h) in [("2024-01", "100"), ("2024-02", "40")] {
        app.ok(
            "mutation($c: UUID!, $m: YearMonth!, $p: UUID!, $h: Decimal!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: $m, totalHours: \"1000\", traineeHours: [{placementId: $p, hours: $h}]}) { id } }",
            json!({ "c": contract, "m": m, "p": pl, "h": h }),
        )
        .await;
    }
    let client = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    let session = signed_in(&client, &path).await;
    let home = page_of(&client, "/app", &session).await;
    let link = format!("/app/grants/{grant}");
    assert!(home.contains(&format!("href=\"{link}\"")), "{home}");

    let res = client
        .get(&link)
        .header("host", LOCAL)
        .header("cookie", &session)
        .send()
        .await;
    res.assert_status_is_ok();
    let body = text(res).await;
    let share = app
        .ok(
            "query($g: UUID!) { compliance(grantId: $g) { metrics { sharePercent } } }",
            json!({ "g": grant }),
        )
        .await["compliance"]["metrics"]["sharePercent"]
        .as_str()
        .unwrap()
        .replace('.', ",");
    assert_eq!(share, "7,00", "140 of 2,000 hours");
    assert!(
        body.contains(&format!(
            "<dd data-key=\"share\">{share} % (krav 14,00 %)</dd>"
        )),
        "{body}"
    );
    assert!(
        body.contains("<svg role=\"img\" aria-label=\"Oplæringsandel, akkumuleret, mod kravet\""),
        "{body}"
    );
    assert!(body.contains("<caption>Måned for måned</caption>"));
    assert!(body.contains("<td>februar 2024</td>"), "{body}");
    assert!(
        body.contains("<h3>R6 Månedsindberetning af timer</h3>"),
        "{body}"
    );
    assert!(body.contains("advarsel: "), "{body}");
    for outside in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
        assert!(!body.contains(outside), "{outside}");
    }

    // A contractor signed in sees no grant figures: refused in Danish, with 403.
    let contractor = invite_contractor(&app, &co).await;
    let theirs = signed_in(&client, &contractor).await;
    let res = client
        .get(&link)
        .header("host", LOCAL)
        .header("cookie", &theirs)
        .send()
        .await;
    res.assert_status(StatusCode::FORBIDDEN);
    let body = text(res).await;
    assert!(
        body.contains("et CONTRACTOR-token ser kun sine egne tal"),
        "{body}"
    );
}

/// Scenario: a contractor's site manager reports March through the form: it is prefilled from
/// February, takes Danish numbers ("1.200,5"), and the report is written through the GraphQL
/// mutation, audited under the user. Refusals stand next to their fields and write nothing; a
/// form without the session's CSRF token is refused.
#[tokio::test]
async fn a_contractor_reports_a_month_through_the_form() {
    let app = TestApp::new().await;
    let grant = app.grant().await;
    let co = app.contractor(0).await;
    let contract = app.contract(&grant, &co).await;
    let pl = app
        .placement(&app.person("Jonas Lærling").await, &grant, &contract)
        .await;
    app.ok(
        "mutation($c: UUID!, $p: UUID!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-02\", totalHours: \"1000\", traineeHours: [{placementId: $p, hours: \"140.5\"}]}) { id } }",
        json!({ "c": contract, "p": pl }),
    )
    .await;
    let path = invite_contractor(&app, &co).await;
    let client = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    let ok = accept(&client, &path, "en rigtig god adgangskode").await;
    let session = cookie(&ok, "sct_session").unwrap();
    let user_id = app_user::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;

    let home = page_of(&client, "/app", &session).await;
    let form_link = format!("/app/hours?contract={contract}");
    assert!(home.contains(&format!("href=\"{form_link}\"")), "{home}");

    let page = page_of(&client, format!("{form_link}&month=2024-03"), &session).await;
    assert!(
        page.contains("value=\"1.000\""),
        "total prefilled from February: {page}"
    );
    assert!(
        page.contains("value=\"140,5\""),
        "the trainee's line prefilled: {page}"
    );
    assert!(
        page.contains("<label class=\"form-label\" for=\"hours0\">Jonas Lærling</label>"),
        "{page}"
    );
    let csrf = hidden(&page, "csrf");

    let post = |fields: Vec<(&'static str, String)>| {
        let (client, session) = (&client, session.clone());
        async move {
            client
                .post("/app/hours")
                .header("host", LOCAL)
                .header("cookie", session)
                .form(&fields)
                .send()
                .await
        }
    };
    let form = |csrf: &str, total: &str, hours: &str| {
        vec![
            ("csrf", csrf.to_owned()),
            ("contract", contract.clone()),
            ("month", "2024-03".to_owned()),
            ("total", total.to_owned()),
            ("placement0", pl.clone()),
            ("hours0", hours.to_owned()),
            ("declare", "2026-12".to_owned()),
            ("action", "submit".to_owned()),
        ]
    };
    let before = app.snapshot().await;
    post(form("forkert", "1.200,5", "150,5"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let too_many = post(form(&csrf, "100", "150,5")).await;
    too_many.assert_status(StatusCode::BAD_REQUEST);
    let body = text(too_many).await;
    assert!(
        body.contains("timerne for personer under oplæring (150,50) overstiger månedens samlede timer på pladsen (100,00)"),
        "{body}"
    );
    let over_cap = post(form(&csrf, "1.200", "250")).await;
    over_cap.assert_status(StatusCode::BAD_REQUEST);
    let body = text(over_cap).await;
    assert!(
        body.contains("<span class=\"form-error-message\" id=\"hours0-error\">250,00 timer på en måned er mere, end én person kan arbejde (højst 200,41)</span>"),
        "{body}"
    );
    assert!(
        body.contains("value=\"250\""),
        "what was typed stays: {body}"
    );
    // Refused by the form as the API would, naming the field as the form labels it, at the
    // field and in the summary (before any confirmation to replace the month is asked).
    let negative = post(form(&csrf, "-5", "")).await;
    negative.assert_status(StatusCode::BAD_REQUEST);
    let body = text(negative).await;
    assert!(
        body.contains("<span class=\"form-error-message\" id=\"total-error\">Timer i alt skal være nul eller mere.</span>"),
        "{body}"
    );
    assert!(body.contains(
        "<a class=\"function-link\" href=\"#total\">Timer i alt skal være nul eller mere"
    ));
    assert!(!body.contains("totalHours"), "no API name: {body}");
    // Not submitted without the declaration on honour: refused at its box, figures kept.
    let mut undeclared = form(&csrf, "1.200,5", "150,5");
    undeclared.retain(|(k, _)| *k != "declare");
    let refused = post(undeclared).await;
    refused.assert_status(StatusCode::BAD_REQUEST);
    let body = text(refused).await;
    assert!(
        body.contains("<span class=\"form-error-message\" id=\"declare-error\">"),
        "{body}"
    );
    assert!(body.contains("href=\"#declare\""), "in the summary: {body}");
    assert!(
        body.contains("value=\"1.200,5\""),
        "what was typed stays: {body}"
    );
    assert_eq!(app.snapshot().await, before, "refusals write nothing");

    let saved = post(form(&csrf, "1.200,5", "150,5")).await;
    saved.assert_status(StatusCode::SEE_OTHER);
    let d = app
        .ok(
            "query($c: UUID!) { hoursReports(filter: {contractId: $c, fromMonth: \"2024-03\", toMonth: \"2024-03\"}) { edges { node { totalHours lines { hours } } } } }",
            json!({ "c": contract }),
        )
        .await;
    assert_eq!(
        d["hoursReports"]["edges"][0]["node"],
        json!({ "totalHours": "1200.50", "lines": [{ "hours": "150.50" }] })
    );
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq("Hours report"))
        .filter(audit_log::Column::UserId.eq(user_id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1, "the month is audited under the user");

    // The month is on file: the form says so, and a second report is not taken until the old
    // and new figures have been shown side by side and the contractor confirms.
    let page = page_of(&client, format!("{form_link}&month=2024-03"), &session).await;
    assert!(page.contains("id=\"already-reported\""), "{page}");
    let before = app.snapshot().await;
    let asked = post(form(&csrf, "1.600", "160")).await;
    asked.assert_status(StatusCode::OK);
    let body = text(asked).await;
    assert!(body.contains("id=\"confirm-replace\""), "{body}");
    assert!(
        body.contains("<td class=\"num\">1.200,50</td><td class=\"num\">1.600,00</td>"),
        "old and new side by side: {body}"
    );
    assert!(body.contains("name=\"replace\" value=\"yes\""), "{body}");
    assert!(
        body.contains("value=\"1.600\""),
        "what was typed stays: {body}"
    );
    assert_eq!(
        app.snapshot().await,
        before,
        "nothing replaced before the confirmation"
    );
    let mut confirmed = form(&csrf, "1.600", "160");
    confirmed.push(("replace", "yes".to_owned()));
    post(confirmed).await.assert_status(StatusCode::SEE_OTHER);
    let d = app
        .ok(
            "query($c: UUID!) { hoursReports(filter: {contractId: $c, fromMonth: \"2024-03\", toMonth: \"2024-03\"}) { edges { node { totalHours } } } }",
            json!({ "c": contract }),
        )
        .await;
    assert_eq!(
        d["hoursReports"]["edges"][0]["node"]["totalHours"],
        "1600.00"
    );
}

/// Scenario: the invitation link is opened in eight tabs and every form is sent at once. On
/// SQLite too (where these writes once bypassed the process's write gate and answered HTTP 500,
/// "database is locked"), exactly one sets the password and signs in; the others are refused as a
/// used invitation, none with a server error, and one password and one session are stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_acceptances_of_one_invitation_set_the_password_once() {
    let app = TestApp::new().await;
    let (path, user_id, _) = invite(&app, "BYGHERRE").await;
    let client = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    let page = client.get(&path).header("host", LOCAL).send().await;
    let csrf_cookie = cookie(&page, "sct_csrf").unwrap();
    let body = text(page).await;
    let (csrf, token) = (hidden(&body, "csrf"), hidden(&body, "token"));
    let sends = (0..8).map(|i| {
        client
            .post("/invitation")
            .header("host", LOCAL)
            .header("cookie", &csrf_cookie)
            .form(&[
                ("csrf", csrf.clone()),
                ("token", token.clone()),
                ("password", format!("en rigtig god adgangskode {i}")),
            ])
            .send()
    });
    let answers = futures_util::future::join_all(sends).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.0.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [303, 400, 404].contains(s)),
        "{statuses:?}"
    );
    let sessions = user_session::Entity::find()
        .filter(user_session::Column::UserId.eq(user_id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(sessions.len(), 1);
}

/// Scenario: Birthe forgot her password. An administrator's `resetUserPassword` answers a link
/// (only an administrator may ask: a BYGHERRE token is refused; an unknown user is NOT_FOUND);
/// her open session ends and her sign-in lock is lifted; the link sets a new password once,
/// after which the old password fails and the new one signs in; a second use is refused, and a
/// link older than one hour is refused. The reset is in the audit trail.
#[tokio::test]
async fn an_administrator_resets_a_forgotten_password_with_a_single_use_link() {
    let app = TestApp::new().await;
    let client = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    let (path, user_id, _) = invite(&app, "BYGHERRE").await;
    let old_session = signed_in(&client, &path).await;
    let mut locked: app_user::ActiveModel = app_user::Entity::find_by_id(user_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    locked.failed_sign_ins = Set(7);
    locked.locked_until = Set(Some(Utc::now() + Duration::minutes(15)));
    locked.update(&app.db).await.unwrap();

    const RESET: &str =
        "mutation($u: UUID!) { resetUserPassword(userId: $u) { invitationPath user { id } } }";
    let bygherre = app
        .exec_as(
            Some(api::auth::Principal {
                role: entity::enums::Role::Bygherre,
                ..api::auth::Principal::system()
            }),
            RESET,
            json!({ "u": user_id }),
        )
        .await;
    assert_eq!(
        bygherre["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{bygherre}"
    );
    let (code, _, _) = app.err(RESET, json!({ "u": uuid::Uuid::now_v7() })).await;
    assert_eq!(code, "NOT_FOUND");

    let d = app.ok(RESET, json!({ "u": user_id })).await;
    let link = d["resetUserPassword"]["invitationPath"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(link.starts_with("/invitation?token="), "{link}");
    let user = app_user::Entity::find_by_id(user_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (user.failed_sign_ins, user.locked_until),
        (0, None),
        "the lock is lifted"
    );
    let expires = user.invite_expires_at.unwrap();
    assert!(
        expires > Utc::now() + Duration::minutes(59)
            && expires <= Utc::now() + Duration::minutes(60)
    );
    let live = user_session::Entity::find()
        .filter(user_session::Column::UserId.eq(user_id))
        .filter(user_session::Column::RevokedAt.is_null())
        .all(&app.db)
        .await
        .unwrap();
    assert!(live.is_empty(), "her sessions ended");
    let res = client
        .get("/app")
        .header("host", LOCAL)
        .header("cookie", &old_session)
        .send()
        .await;
    res.assert_status(StatusCode::SEE_OTHER);

    accept(&client, &link, "endnu en ny god adgangskode")
        .await
        .assert_status(StatusCode::SEE_OTHER);
    sign_in(&client, "en rigtig god adgangskode")
        .await
        .assert_status(StatusCode::UNAUTHORIZED);
    sign_in(&client, "endnu en ny god adgangskode")
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let again = client.get(&link).header("host", LOCAL).send().await;
    assert_ne!(again.0.status(), StatusCode::OK, "used once");

    let d = app.ok(RESET, json!({ "u": user_id })).await;
    let late = d["resetUserPassword"]["invitationPath"]
        .as_str()
        .unwrap()
        .to_owned();
    let secret = late.split("token=").nth(1).unwrap().to_owned();
    let refused =
        api::accounts::invited(&app.db, &secret, Utc::now() + Duration::minutes(61)).await;
    assert!(refused.is_err(), "an hour-old link is refused");
    assert!(
        api::accounts::invited(&app.db, &secret, Utc::now())
            .await
            .is_ok()
    );

    let resets = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("reset-password"))
        .filter(audit_log::Column::EntityId.eq(user_id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(resets.len(), 2);
}

/// The server with e-mail: password links go to `smtp` and point at `https://tracker.example.dk`.
fn with_mail(app: &TestApp, smtp: &tests::sinks::SmtpSink) -> TestClient<impl poem::Endpoint> {
    let mailer = api::notifier::send::Mailer::new(&api::notifier::send::SmtpConfig {
        url: smtp.url(),
        from: "Socialklausul-tracker <tracker@example.dk>".into(),
    })
    .unwrap();
    TestClient::new(api::http::app_with_mail(
        app.db.clone(),
        app.schema.clone(),
        Default::default(),
        api::ops::CorsOrigins::Off,
        api::config::WebConfig {
            public_base_url: Some("https://tracker.example.dk".into()),
            ..Default::default()
        },
        api::web::password::PasswordMailer(Some(std::sync::Arc::new(mailer))),
    ))
}

/// Asks for a link on the forgotten-password page for `email`.
async fn forgot(client: &TestClient<impl poem::Endpoint>, email: &str) -> TestResponse {
    let page = client
        .get("/password/forgot")
        .header("host", LOCAL)
        .send()
        .await;
    page.assert_status_is_ok();
    let csrf_cookie = cookie(&page, "sct_csrf").expect("a CSRF cookie");
    let body = text(page).await;
    client
        .post("/password/forgot")
        .header("host", LOCAL)
        .header("cookie", &csrf_cookie)
        .form(&[("csrf", hidden(&body, "csrf")), ("email", email.to_owned())])
        .send()
        .await
}

/// The mails the sink has once `n` have arrived (they are sent after the page answers).
async fn mails_when(smtp: &tests::sinks::SmtpSink, n: usize) -> Vec<tests::sinks::Mail> {
    for _ in 0..100 {
        if smtp.mails().len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    smtp.mails()
}

/// Scenario: Birthe forgot her password. The sign-in page links to the forgotten-password page;
/// she gives her address (in capitals, as people type it) and gets one e-mail with a link to
/// `PUBLIC_BASE_URL` (never the request's Host); asking again at once sends nothing more. An
/// address with no account gets the very same answer and no e-mail; a malformed address is
/// refused at the field with what was typed kept. Asking signed nobody out; setting the new
/// password through the link ends her old session and lifts a lock, the link works once, and
/// the request is in the audit trail. A server without e-mail says to ask the administrator.
#[tokio::test]
async fn a_forgotten_password_is_reset_by_a_single_use_link_sent_by_email() {
    let app = TestApp::new().await;
    let smtp = tests::sinks::SmtpSink::start().await;
    let client = with_mail(&app, &smtp);
    let (path, user_id, _) = invite(&app, "BYGHERRE").await;
    let old_session = signed_in(&client, &path).await;
    let login = text(client.get("/login").header("host", LOCAL).send().await).await;
    assert!(login.contains("href=\"/password/forgot\""), "{login}");

    let unknown = forgot(&client, "ingen@boligselskab.dk").await;
    unknown.assert_status_is_ok();
    let unknown = text(unknown).await;
    let answer = forgot(&client, " Birthe@Boligselskab.DK ").await;
    answer.assert_status_is_ok();
    let answer = text(answer).await;
    let receipt = |page: &str, email: &str| {
        page.split("id=\"receipt\"")
            .nth(1)
            .unwrap_or_else(|| panic!("no receipt in {page}"))
            .split("</div>")
            .next()
            .unwrap()
            .replace(email, "ADDRESS")
    };
    assert_eq!(
        receipt(&unknown, "ingen@boligselskab.dk"),
        receipt(&answer, "Birthe@Boligselskab.DK"),
        "the same answer with and without an account"
    );
    let mails = mails_when(&smtp, 1).await;
    assert_eq!(mails.len(), 1, "one e-mail, to the account only");
    assert_eq!(mails[0].to, vec!["birthe@boligselskab.dk".to_owned()]);
    assert_eq!(
        mails[0].subject(),
        "Ny adgangskode til Socialklausul-trackeren"
    );
    let body = mails[0].text();
    let link = body
        .split_whitespace()
        .find(|w| w.starts_with("https://tracker.example.dk/invitation?token="))
        .unwrap_or_else(|| panic!("no link in {body}"))
        .to_owned();
    assert!(body.contains("én gang og i 60 minutter"), "{body}");

    forgot(&client, "birthe@boligselskab.dk")
        .await
        .assert_status_is_ok();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        smtp.mails().len(),
        1,
        "no second e-mail within five minutes"
    );

    let bad = forgot(&client, "birthe<script>").await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let bad = text(bad).await;
    assert!(bad.contains("id=\"email-error\""), "{bad}");
    assert!(bad.contains("Det er ikke en e-mailadresse"), "{bad}");
    assert!(
        bad.contains("value=\"birthe&lt;script&gt;\""),
        "kept, escaped: {bad}"
    );

    let res = client
        .get("/app")
        .header("host", LOCAL)
        .header("cookie", &old_session)
        .send()
        .await;
    res.assert_status_is_ok();
    let mut locked: app_user::ActiveModel = app_user::Entity::find_by_id(user_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    locked.failed_sign_ins = Set(7);
    locked.locked_until = Set(Some(Utc::now() + Duration::minutes(15)));
    locked.update(&app.db).await.unwrap();

    let path = link.trim_start_matches("https://tracker.example.dk");
    accept(&client, path, "min nye gode adgangskode")
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let user = app_user::Entity::find_by_id(user_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((user.failed_sign_ins, user.locked_until), (0, None));
    let res = client
        .get("/app")
        .header("host", LOCAL)
        .header("cookie", &old_session)
        .send()
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    sign_in(&client, "min nye gode adgangskode")
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let again = client.get(path).header("host", LOCAL).send().await;
    assert_ne!(again.0.status(), StatusCode::OK, "used once");
    let asked = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("password-link-by-email"))
        .filter(audit_log::Column::EntityId.eq(user_id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(asked, 1);

    let without = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    let page = text(
        without
            .get("/password/forgot")
            .header("host", LOCAL)
            .send()
            .await,
    )
    .await;
    assert!(page.contains("Bed din administrator"), "{page}");
    assert!(!page.contains("name=\"email\""), "{page}");
}

/// Scenario: a person switches the signed-out pages to English. The sign-in page, a wrong
/// password's answer, the invitation page, a too-short password's refusal (the service's own
/// message) and the forgotten-password page are then in English (`lang="en"`); without the
/// switch the same pages are in Danish.
#[tokio::test]
async fn the_signed_out_pages_follow_the_language_switch() {
    let app = TestApp::new().await;
    let (path, _, _) = invite(&app, "BYGHERRE").await;
    let client = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    let switched = client
        .get("/lang")
        .query("to", &"en")
        .header("host", LOCAL)
        .send()
        .await;
    let en = cookie(&switched, "sct_lang").expect("the language cookie");
    let get = |to: &str, lang: Option<&str>| {
        let mut req = client.get(to).header("host", LOCAL);
        if let Some(c) = lang {
            req = req.header("cookie", c);
        }
        req.send()
    };

    let page = get("/login", Some(&en)).await;
    let csrf_cookie = cookie(&page, "sct_csrf").unwrap();
    let body = text(page).await;
    assert!(body.contains("<html lang=\"en\">"), "{body}");
    assert!(body.contains(">Sign in</button>"), "{body}");
    assert!(body.contains(">Forgot your password?</a>"), "{body}");
    let wrong = client
        .post("/login")
        .header("host", LOCAL)
        .header("cookie", format!("{csrf_cookie}; {en}"))
        .form(&[
            ("csrf", hidden(&body, "csrf")),
            ("email", "birthe@boligselskab.dk".to_owned()),
            ("password", "forkert adgangskode".to_owned()),
        ])
        .send()
        .await;
    wrong.assert_status(StatusCode::UNAUTHORIZED);
    assert!(
        text(wrong)
            .await
            .contains("The e-mail or the password is wrong.")
    );

    let page = get(&path, Some(&en)).await;
    let csrf_cookie = cookie(&page, "sct_csrf").unwrap();
    let body = text(page).await;
    assert!(
        body.contains("Welcome, Birthe Bygherre. Choose a password of at least 12 characters."),
        "{body}"
    );
    let short = client
        .post("/invitation")
        .header("host", LOCAL)
        .header("cookie", format!("{csrf_cookie}; {en}"))
        .form(&[
            ("csrf", hidden(&body, "csrf")),
            ("token", hidden(&body, "token")),
            ("password", "kort".to_owned()),
        ])
        .send()
        .await;
    short.assert_status(StatusCode::BAD_REQUEST);
    let body = text(short).await;
    assert!(body.contains("12 to 128 characters"), "{body}");
    assert!(!body.contains("tegn lang"), "{body}");

    let forgot = text(get("/password/forgot", Some(&en)).await).await;
    assert!(forgot.contains("<title>Forgotten password"), "{forgot}");
    assert!(forgot.contains("To sign in"), "{forgot}");
    let danish = text(get("/login", None).await).await;
    assert!(danish.contains("<html lang=\"da\">") && danish.contains(">Log ind</button>"));
}
