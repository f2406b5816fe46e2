//! Reminders (påmindelser): what is due is planned once, sent by e-mail (to a local SMTP sink) and
//! by signed webhook (to a local receiver) to those who chose it and may see its subject; failures
//! are retried on a growing schedule and logged; two instances send each reminder once. Time is
//! the scheduler's argument, so each scenario walks through the days it needs.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use api::auth::Principal;
use api::config::{PageLimits, QueryLimits};
use api::db::WriteGate;
use api::notifier::send::SmtpConfig;
use api::notifier::{ReminderConfig, Reminders, Tick};
use api::reminders::WebhookPolicy;
use chrono::{DateTime, TimeZone, Utc};
use entity::enums::Role;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use tests::sinks::{HookSink, SmtpSink};
use tests::world::{Site, made, principal, site};
use tests::{TestApp, id};
use uuid::Uuid;

/// 6 November 2026, 10:00 in Denmark: October's hours are due on the 10th (the window opened on
/// the 5th), the sites' følgegrupper are long overdue, and a snusepraktik ended on the 2nd.
fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
}

/// The app with webhooks allowed on 127.0.0.1, and a scheduler sharing its write gate.
async fn setup(smtp: Option<&SmtpSink>) -> (TestApp, Reminders) {
    let mut app = TestApp::new().await;
    let gate = WriteGate::for_connection(&app.db);
    app.schema = api::graphql::build_schema_full(
        app.db.clone(),
        PageLimits::default(),
        QueryLimits::default(),
        gate.clone(),
        WebhookPolicy {
            allow_private_targets: true,
        },
    );
    let r = scheduler(&app.db, gate, smtp);
    (app, r)
}

fn scheduler(
    db: &sea_orm::DatabaseConnection,
    gate: WriteGate,
    smtp: Option<&SmtpSink>,
) -> Reminders {
    let cfg = ReminderConfig {
        smtp: smtp.map(|s| SmtpConfig {
            url: s.url(),
            from: "Socialklausul-tracker <tracker@example.dk>".into(),
        }),
        allow_private_targets: true,
        retry_base: Duration::from_secs(60),
        ..ReminderConfig::default()
    };
    Reminders::new(db.clone(), gate, cfg).unwrap()
}

/// A person who has accepted an invitation (a password is set).
async fn person(
    app: &TestApp,
    email: &str,
    role: Role,
    org: Option<&str>,
    contractor: Option<&str>,
) -> Principal {
    let now = Utc::now();
    let parse = |s: Option<&str>| s.map(|v| Uuid::parse_str(v).unwrap());
    let u = entity::app_user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.into()),
        display_name: Set(email.split('@').next().unwrap().into()),
        role: Set(role),
        organisation_id: Set(parse(org)),
        contractor_id: Set(parse(contractor)),
        grant_ids: Set(json!([])),
        password_hash: Set(Some("$argon2id$v=19$fixture".into())),
        invite_hash: Set(None),
        invite_expires_at: Set(None),
        failed_sign_ins: Set(0),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
    }
    .insert(&app.db)
    .await
    .unwrap();
    api::accounts::user_principal(&u)
}

/// A snusepraktik on the site that ended on 2 November 2026 without an outcome.
async fn ended_trial(app: &TestApp, s: &Site) -> String {
    let resident = app.person("Beboer med snusepraktik").await;
    made(
        app,
        "mutation($p: UUID!, $g: UUID!, $h: UUID!) { createTrialPlacement(input: {personId: $p, grantId: $g, hostContractorId: $h, tovholder: \"Jobcentret\", startDate: \"2026-10-06\", endDate: \"2026-11-02\"}) { id } }",
        json!({ "p": resident, "g": s.grant, "h": s.contractor }),
    )
    .await
}

/// The grant's BREACH findings on 6 November 2026 with what is recorded now (the fixtures are
/// recorded today, after that date), as its compliance answers them.
async fn breaches(app: &TestApp, grant: &str) -> usize {
    let d = app
        .ok(
            "query($g: UUID!, $k: DateTime!) { compliance(grantId: $g, asOf: \"2026-11-06\", knownAt: $k) { findings { severity } } }",
            json!({ "g": grant, "k": Utc::now() }),
        )
        .await;
    d["compliance"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "BREACH")
        .count()
}

async fn create_webhook(
    app: &TestApp,
    who: Principal,
    url: &str,
    kinds: Value,
) -> (String, String) {
    let d = app
        .exec_as(
            Some(who),
            "mutation($u: String!, $k: [ReminderKind!]!) { createWebhook(input: {name: \"Driftssystem\", url: $u, kinds: $k}) { secret webhook { id kinds organisationId } } }",
            json!({ "u": url, "k": kinds }),
        )
        .await;
    assert!(d.get("errors").is_none(), "{d:#}");
    let w = &d["data"]["createWebhook"];
    (id(&w["webhook"]), w["secret"].as_str().unwrap().to_owned())
}

async fn log(app: &TestApp) -> Vec<Value> {
    app.ok(
        "{ reminderDeliveries(limit: 500) { channel target status attempts lastStatusCode lastError nextAttemptAt sentAt reminder { key kind dueDate title } } }",
        json!({}),
    )
    .await["reminderDeliveries"]
        .as_array()
        .unwrap()
        .clone()
}

/// Subjects of the mails to one address.
fn subjects(smtp: &SmtpSink, to: &str) -> Vec<String> {
    let mut s: Vec<String> = smtp
        .mails()
        .iter()
        .filter(|m| m.to == [to])
        .map(|m| m.subject())
        .collect();
    s.sort();
    s
}

/// A bygherre gets every kind of its own site's reminders by e-mail, its contractor only its own
/// contract's hours and the snusepraktik it hosted, another bygherre only its own site's, an
/// administrator and a viewer nothing until they choose; the organisation's webhook gets the kinds
/// it chose, signed. A second tick, the same day or the next, sends nothing again.
#[tokio::test]
async fn reminders_go_out_once_by_email_and_signed_webhook_to_those_who_may_see_them() {
    // The recorder, as the server installs it when it builds its routes.
    api::ops::prometheus().unwrap();
    let smtp = SmtpSink::start().await;
    let hooks = HookSink::start().await;
    let (app, r) = setup(Some(&smtp)).await;
    let a = site(&app, "A", 0).await;
    let b = site(&app, "B", 1).await;
    let trial = ended_trial(&app, &a).await;
    person(&app, "birthe@a.dk", Role::Bygherre, Some(&a.org), None).await;
    person(
        &app,
        "sigurd@a.dk",
        Role::Contractor,
        None,
        Some(&a.contractor),
    )
    .await;
    person(&app, "bent@b.dk", Role::Bygherre, Some(&b.org), None).await;
    person(&app, "admin@lbf.dk", Role::Admin, None, None).await;
    person(&app, "viewer@lbf.dk", Role::Viewer, None, None).await;
    let byg_a = principal(&app, Role::Bygherre, &a).await;
    let (_, secret) = create_webhook(
        &app,
        byg_a,
        &hooks.url("/hook"),
        json!(["HOURS_REPORT_DUE", "NEW_BREACH"]),
    )
    .await;
    let (breach_a, breach_b) = (
        breaches(&app, &a.grant).await,
        breaches(&app, &b.grant).await,
    );
    assert!(
        breach_a > 0,
        "the sites have no hours since January 2024: below their share"
    );

    let t = r.tick(at(6, 9)).await.unwrap();
    // A and B: October's hours and the overdue meeting; A: the snusepraktik; and the breaches.
    let reminders = 2 + 2 + 1 + breach_a + breach_b;
    let birthe = 3 + breach_a;
    let sigurd = 2;
    let bent = 2 + breach_b;
    let hook = 1 + breach_a;
    assert_eq!(t.planned.reminders, reminders);
    assert_eq!(t.planned.deliveries, birthe + sigurd + bent + hook);
    assert_eq!((t.sent, t.retried, t.failed), (t.planned.deliveries, 0, 0));
    assert_eq!(app.count("reminder").await, reminders as i64);

    let mails = smtp.mails();
    assert_eq!(mails.len(), birthe + sigurd + bent);
    assert!(mails.iter().all(|m| m.from == "<tracker@example.dk>"));
    assert_eq!(
        subjects(&smtp, "sigurd@a.dk"),
        vec![
            "Snusepraktik afsluttet uden udfald; registrér det senest 16. november 2026".to_owned(),
            "Timeindberetning for oktober 2026 skal ind senest 10. november 2026".to_owned(),
        ]
    );
    let to_birthe = subjects(&smtp, "birthe@a.dk");
    assert_eq!(to_birthe.len(), birthe);
    assert!(to_birthe.contains(&"Følgegruppemøde senest 2. april 2024".to_owned()));
    assert_eq!(
        to_birthe
            .iter()
            .filter(|s| s.starts_with("Nyt brud på krav på Helhedsplan (LBF-A)"))
            .count(),
        breach_a
    );
    let to_bent = subjects(&smtp, "bent@b.dk");
    assert_eq!(to_bent.len(), bent);
    assert!(to_bent.iter().all(|s| !s.contains("LBF-A")));
    assert!(
        subjects(&smtp, "admin@lbf.dk").is_empty() && subjects(&smtp, "viewer@lbf.dk").is_empty()
    );
    let hours = mails
        .iter()
        .find(|m| m.to == ["sigurd@a.dk"] && m.subject().starts_with("Timeindberetning"))
        .unwrap();
    let text = hours.text();
    assert!(
        text.contains("Kontrakten hovedentreprise (Entreprenør 0) på Helhedsplan (LBF-A) har ikke indberettet timer for oktober 2026. Fristen er 10. november 2026."),
        "{text}"
    );
    assert!(
        text.contains("has not reported its hours for 2026-10"),
        "{text}"
    );

    // The webhook: its kinds only, signed over the timestamp and the raw body.
    let got = hooks.hooks();
    assert_eq!(got.len(), hook);
    for h in &got {
        let ts: i64 = h.header("x-tracker-timestamp").parse().unwrap();
        assert_eq!(ts, at(6, 9).timestamp());
        assert_eq!(
            h.header("x-tracker-signature"),
            api::reminders::sign::signature(&secret, ts, &h.body)
        );
        assert_eq!(
            h.header("idempotency-key"),
            h.json()["key"].as_str().unwrap()
        );
        assert!(["HOURS_REPORT_DUE", "NEW_BREACH"].contains(&h.header("x-tracker-event").as_str()));
        assert_eq!(h.json()["grantId"], a.grant.as_str());
    }
    let hours_hook = got
        .iter()
        .find(|h| h.header("x-tracker-event") == "HOURS_REPORT_DUE")
        .unwrap();
    assert_eq!(hours_hook.json()["subjectId"], a.contract.as_str());
    assert_eq!(hours_hook.json()["dueDate"], "2026-11-10");
    assert_eq!(
        hours_hook.json()["title"]["da"],
        "Timeindberetning for oktober 2026 skal ind senest 10. november 2026"
    );
    assert!(!got.iter().any(|h| h.json()["subjectId"] == trial.as_str()));

    // Again the same day, and the next day: nothing new.
    assert_eq!(r.tick(at(6, 10)).await.unwrap(), Tick::default());
    assert_eq!(r.tick(at(7, 9)).await.unwrap(), Tick::default());
    assert_eq!(smtp.mails().len(), birthe + sigurd + bent);
    assert_eq!(hooks.hooks().len(), hook);
    assert_eq!(app.count("reminder").await, reminders as i64);

    // The administrator's delivery log; nobody else reads it.
    let entries = log(&app).await;
    assert_eq!(entries.len(), t.planned.deliveries);
    assert!(
        entries
            .iter()
            .all(|e| e["status"] == "SENT" && e["attempts"] == 1 && !e["sentAt"].is_null())
    );
    assert_eq!(
        entries.iter().filter(|e| e["channel"] == "WEBHOOK").count(),
        hook
    );
    for role in [
        Role::Bygherre,
        Role::Contractor,
        Role::Tovholder,
        Role::Viewer,
    ] {
        let who = principal(&app, role, &a).await;
        let d = app
            .exec_as(Some(who), "{ reminderDeliveries { id } }", json!({}))
            .await;
        assert_eq!(
            d["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{role:?}"
        );
    }
    let metrics = api::ops::prometheus().unwrap().render();
    assert!(metrics.contains("tracker_reminders_planned_total{kind=\"hours_report_due\"}"));
    assert!(
        metrics.contains("tracker_reminder_deliveries_total{channel=\"webhook\",outcome=\"sent\"}")
    );
}

/// A webhook that answers 500 is tried again after 1, 4, 16, 64 and 256 minutes, each attempt in
/// the log with its status, and given up after the sixth; it is never tried before its time.
#[tokio::test]
async fn a_failing_webhook_is_retried_on_a_growing_schedule_then_given_up() {
    let hooks = HookSink::start().await;
    hooks.answer(500);
    let (app, r) = setup(None).await;
    let a = site(&app, "A", 0).await;
    let _ = a;
    create_webhook(
        &app,
        Principal::system(),
        &hooks.url("/down"),
        json!(["MEETING_DUE"]),
    )
    .await;

    let mut now = at(6, 9);
    let t = r.tick(now).await.unwrap();
    assert_eq!((t.planned.deliveries, t.sent, t.retried), (1, 0, 1));
    let e = &log(&app).await[0];
    assert_eq!(e["status"], "PENDING");
    assert_eq!(e["attempts"], 1);
    assert_eq!(e["lastStatusCode"], 500);
    assert_eq!(e["lastError"], "HTTP 500 Internal Server Error");
    assert_eq!(e["nextAttemptAt"], "2026-11-06T09:01:00+00:00");

    for (attempt, pause) in [(2, 60), (3, 240), (4, 960), (5, 3_840), (6, 15_360)] {
        // A second before its time: nothing.
        let early = r
            .tick(now + chrono::Duration::seconds(pause - 1))
            .await
            .unwrap();
        assert_eq!(early, Tick::default(), "attempt {attempt}");
        now += chrono::Duration::seconds(pause);
        let t = r.tick(now).await.unwrap();
        assert_eq!(hooks.hooks().len(), attempt as usize);
        let e = &log(&app).await[0];
        assert_eq!(e["attempts"], attempt);
        if attempt < 6 {
            assert_eq!(t.retried, 1);
            assert_eq!(e["status"], "PENDING");
        } else {
            assert_eq!(t.failed, 1);
            assert_eq!(e["status"], "FAILED");
            assert!(e["nextAttemptAt"].is_null() && e["sentAt"].is_null());
        }
    }
    // Given up is final, even once the receiver works again.
    hooks.answer(204);
    assert_eq!(
        r.tick(now + chrono::Duration::days(1)).await.unwrap(),
        Tick::default()
    );
    assert_eq!(hooks.hooks().len(), 6);
    let failed = app
        .ok("{ reminderDeliveries(filter: {status: FAILED, channel: WEBHOOK, kind: MEETING_DUE}) { target } }", json!({}))
        .await;
    assert_eq!(
        failed["reminderDeliveries"][0]["target"],
        hooks.url("/down")
    );
}

/// Two instances (each its own pool and scheduler) tick at the same moments: every reminder is
/// written once and every delivery sent once, whichever instance wins each. A delivery whose
/// instance died while sending (its lease ran out) is sent again by the next tick.
#[tokio::test]
async fn several_instances_plan_and_send_each_reminder_once() {
    let smtp = SmtpSink::start().await;
    let hooks = HookSink::start().await;
    let (app, one) = setup(Some(&smtp)).await;
    let a = site(&app, "A", 0).await;
    ended_trial(&app, &a).await;
    person(&app, "birthe@a.dk", Role::Bygherre, Some(&a.org), None).await;
    create_webhook(
        &app,
        Principal::system(),
        &hooks.url("/all"),
        json!([
            "HOURS_REPORT_DUE",
            "LBF_REPORT_DUE",
            "TRIAL_OUTCOME_MISSING",
            "MEETING_DUE",
            "NEW_BREACH"
        ]),
    )
    .await;
    let other_db = api::db::connect(&app.url).await.unwrap();
    let two = scheduler(&other_db, WriteGate::for_connection(&other_db), Some(&smtp));

    let mut sent = 0;
    let mut planned = 0;
    for hour in 9..12 {
        let (x, y) = tokio::join!(one.tick(at(6, hour)), two.tick(at(6, hour)));
        let (x, y) = (x.unwrap(), y.unwrap());
        sent += x.sent + y.sent;
        planned += x.planned.deliveries + y.planned.deliveries;
    }
    let reminders = app.count("reminder").await as usize;
    assert_eq!(
        planned,
        2 * reminders,
        "each reminder to birthe and to the webhook"
    );
    assert_eq!(sent, planned);
    assert_eq!(smtp.mails().len(), reminders);
    assert_eq!(hooks.hooks().len(), reminders);
    let keys: HashSet<String> = hooks
        .hooks()
        .iter()
        .map(|h| h.header("idempotency-key"))
        .collect();
    assert_eq!(keys.len(), reminders, "no reminder twice");
    let ids: HashSet<String> = smtp
        .mails()
        .iter()
        .map(|m| {
            mail_parser::MessageParser::default()
                .parse(&m.data)
                .and_then(|p| p.message_id().map(str::to_owned))
                .unwrap()
        })
        .collect();
    assert_eq!(ids.len(), reminders);

    // An instance claimed a delivery and died: the lease runs out, and another sends it.
    let d = entity::reminder_delivery::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let mut stuck: entity::reminder_delivery::ActiveModel = d[0].clone().into();
    stuck.status = Set(entity::enums::DeliveryStatus::Sending);
    stuck.sent_at = Set(None);
    stuck.lease_until = Set(Some(at(6, 12)));
    stuck.update(&app.db).await.unwrap();
    assert_eq!(
        two.tick(at(6, 12) - chrono::Duration::seconds(1))
            .await
            .unwrap(),
        Tick::default()
    );
    let t = one
        .tick(at(6, 12) + chrono::Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(t.sent, 1);
    assert_eq!(smtp.mails().len() + hooks.hooks().len(), 2 * reminders + 1);
}

/// A person chooses which reminders they get by e-mail, among those their role can receive; an API
/// token has no choice to make; an administrator who opts in gets every grant's.
#[tokio::test]
async fn people_choose_their_reminders_among_those_their_role_may_receive() {
    let smtp = SmtpSink::start().await;
    let (app, r) = setup(Some(&smtp)).await;
    let a = site(&app, "A", 0).await;
    let b = site(&app, "B", 1).await;
    let birthe = person(&app, "birthe@a.dk", Role::Bygherre, Some(&a.org), None).await;
    let sigurd = person(
        &app,
        "sigurd@a.dk",
        Role::Contractor,
        None,
        Some(&a.contractor),
    )
    .await;
    let admin = person(&app, "admin@lbf.dk", Role::Admin, None, None).await;
    let q = "{ reminderPreferences { kinds available defaults } }";
    let set =
        "mutation($k: [ReminderKind!]!) { setReminderPreferences(kinds: $k) { kinds defaults } }";

    let d = app.exec_as(Some(birthe.clone()), q, json!({})).await;
    assert_eq!(d["data"]["reminderPreferences"]["defaults"], true);
    assert_eq!(
        d["data"]["reminderPreferences"]["kinds"]
            .as_array()
            .unwrap()
            .len(),
        // Every kind but every step of every month, which a person chooses.
        8
    );
    let d = app.exec_as(Some(sigurd.clone()), q, json!({})).await;
    assert_eq!(
        d["data"]["reminderPreferences"]["available"],
        json!([
            "HOURS_REPORT_DUE",
            "TRIAL_OUTCOME_MISSING",
            "HOURS_RETURNED",
            "HOURS_STATUS"
        ])
    );
    let d = app.exec_as(Some(admin.clone()), q, json!({})).await;
    assert_eq!(d["data"]["reminderPreferences"]["kinds"], json!([]));

    let d = app
        .exec_as(Some(birthe.clone()), set, json!({ "k": ["NEW_BREACH"] }))
        .await;
    assert_eq!(
        d["data"]["setReminderPreferences"],
        json!({ "kinds": ["NEW_BREACH"], "defaults": false })
    );
    let d = app
        .exec_as(
            Some(admin.clone()),
            set,
            json!({ "k": ["MEETING_DUE", "MEETING_DUE"] }),
        )
        .await;
    assert_eq!(
        d["data"]["setReminderPreferences"]["kinds"],
        json!(["MEETING_DUE"])
    );
    assert_eq!(app.count("reminder_preference").await, 2);

    // Refused, and nothing written.
    let before = app.snapshot().await;
    let d = app
        .exec_as(
            Some(sigurd.clone()),
            set,
            json!({ "k": ["LBF_REPORT_DUE"] }),
        )
        .await;
    assert_eq!(d["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(d["errors"][0]["extensions"]["field"], "kinds");
    let token = principal(&app, Role::Bygherre, &a).await;
    let d = app.exec_as(Some(token), set, json!({ "k": [] })).await;
    assert_eq!(d["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert_eq!(app.snapshot().await, before);

    r.tick(at(6, 9)).await.unwrap();
    let to_birthe = subjects(&smtp, "birthe@a.dk");
    assert_eq!(to_birthe.len(), breaches(&app, &a.grant).await);
    assert!(to_birthe.iter().all(|s| s.starts_with("Nyt brud på krav")));
    // Sigurd kept the defaults: his contract's October hours.
    assert_eq!(subjects(&smtp, "sigurd@a.dk").len(), 1);
    // The administrator: both sites' meetings.
    let to_admin = subjects(&smtp, "admin@lbf.dk");
    assert_eq!(
        to_admin,
        vec!["Følgegruppemøde senest 2. april 2024".to_owned(); 2]
    );
    let bodies: Vec<String> = smtp
        .mails()
        .iter()
        .filter(|m| m.to == ["admin@lbf.dk"])
        .map(|m| m.text())
        .collect();
    assert!(
        bodies.iter().any(|t| t.contains("LBF-A")) && bodies.iter().any(|t| t.contains("LBF-B"))
    );
    let _ = b;
}

/// Webhooks: administrators and bygherrer manage them, a bygherre only its own organisation's;
/// every input is checked and a refused one writes nothing; the secret is shown once and kept out
/// of the answers and the audit trail; an archived webhook gets nothing more.
#[tokio::test]
async fn webhooks_are_checked_scoped_and_their_secret_shown_once() {
    let hooks = HookSink::start().await;
    let (app, r) = setup(None).await;
    let a = site(&app, "A", 0).await;
    let b = site(&app, "B", 1).await;
    let create = "mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret webhook { id organisationId } } }";
    let input = |url: &str, kinds: Value| json!({ "i": { "name": "Driftssystem", "url": url, "kinds": kinds } });
    let url = hooks.url("/a");

    let mut codes = BTreeMap::new();
    for role in [
        Role::Admin,
        Role::Bygherre,
        Role::Contractor,
        Role::Tovholder,
        Role::Viewer,
    ] {
        let who = principal(&app, role, &a).await;
        let d = app
            .exec_as(Some(who), create, input(&url, json!(["NEW_BREACH"])))
            .await;
        codes.insert(
            format!("{role:?}"),
            d["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or("OK")
                .to_owned(),
        );
        if role == Role::Bygherre {
            assert_eq!(
                d["data"]["createWebhook"]["webhook"]["organisationId"],
                a.org.as_str()
            );
        }
    }
    assert_eq!(
        codes.values().map(String::as_str).collect::<Vec<_>>(),
        vec!["OK", "OK", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN"],
        "{codes:?}"
    );
    assert_eq!(app.count("webhook").await, 2);

    let byg_a = principal(&app, Role::Bygherre, &a).await;
    let byg_b = principal(&app, Role::Bygherre, &b).await;
    let before = app.snapshot().await;
    let mut other = input(&url, json!(["NEW_BREACH"]));
    other["i"]["organisationId"] = json!(b.org);
    let d = app.exec_as(Some(byg_a.clone()), create, other).await;
    assert_eq!(d["errors"][0]["extensions"]["code"], "FORBIDDEN");
    for (bad, field) in [
        (input(&url, json!([])), "kinds"),
        (input("ftp://example.dk/x", json!(["NEW_BREACH"])), "url"),
        (
            input(
                &format!("https://example.dk/{}", "x".repeat(500)),
                json!(["NEW_BREACH"]),
            ),
            "url",
        ),
        (
            json!({ "i": { "name": " ", "url": url, "kinds": ["NEW_BREACH"] } }),
            "name",
        ),
    ] {
        let d = app.exec_as(Some(byg_a.clone()), create, bad).await;
        assert_eq!(
            d["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{d:#}"
        );
        assert_eq!(d["errors"][0]["extensions"]["field"], field);
    }
    // The server's default policy: no private addresses.
    let strict = TestApp::new().await;
    let d = strict
        .exec(create, input(&url, json!(["NEW_BREACH"])))
        .await;
    assert_eq!(d["errors"][0]["extensions"]["field"], "url");
    assert!(
        d["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("private network")
    );
    assert_eq!(app.snapshot().await, before);

    // Each bygherre sees and changes its own organisation's only.
    let list = "{ webhooks { id organisationId } }";
    let mine = app.exec_as(Some(byg_a.clone()), list, json!({})).await;
    assert_eq!(mine["data"]["webhooks"].as_array().unwrap().len(), 1);
    let own_id = id(&mine["data"]["webhooks"][0]);
    let theirs = app.exec_as(Some(byg_b.clone()), list, json!({})).await;
    assert_eq!(theirs["data"]["webhooks"], json!([]));
    let archive = "mutation($id: UUID!) { archiveWebhook(id: $id) { archivedAt } }";
    let d = app
        .exec_as(Some(byg_b), archive, json!({ "id": own_id }))
        .await;
    assert_eq!(d["errors"][0]["extensions"]["code"], "NOT_FOUND");
    let d = app
        .exec_as(Some(byg_a.clone()), "mutation($id: UUID!) { updateWebhook(id: $id, input: {kinds: [MEETING_DUE]}) { kinds } }", json!({ "id": own_id }))
        .await;
    assert_eq!(d["data"]["updateWebhook"]["kinds"], json!(["MEETING_DUE"]));

    // The secret: in no answer but the first, nowhere in the audit trail.
    let trail = app
        .ok(
            "{ auditLog(filter: {entity: \"Webhook\"}) { after } }",
            json!({}),
        )
        .await;
    assert_eq!(trail["auditLog"].as_array().unwrap().len(), 3);
    assert!(!trail.to_string().contains("whsec_"));
    assert!(
        !app.ok("{ webhooks { id name url kinds } }", json!({}))
            .await
            .to_string()
            .contains("whsec_")
    );

    // Archived: planned for no more.
    let d = app
        .exec_as(Some(byg_a), archive, json!({ "id": own_id }))
        .await;
    assert!(!d["data"]["archiveWebhook"]["archivedAt"].is_null());
    let t = r.tick(at(6, 9)).await.unwrap();
    let breach_a = breaches(&app, &a.grant).await;
    let breach_b = breaches(&app, &b.grant).await;
    // Only the administrator's webhook (every grant's breaches) remains.
    assert_eq!(t.planned.deliveries, breach_a + breach_b);
    assert_eq!(hooks.hooks().len(), breach_a + breach_b);
}

/// Scenario: the hours workflow's reminders. A contract's February and March 2024 are submitted;
/// the bygherre returns February with a reason. Two instances tick at the same moments: the
/// administrators' webhook gets every step once (three) and the returned month once; ten days
/// later January (the site's) and March have waited too long for the bygherre's acceptance, which
/// the webhook is told once each.
/// The contractor's person gets the returned month by e-mail (its default), the bygherre the
/// waiting one; neither gets every step (chosen, not default).
#[tokio::test]
async fn returned_and_waiting_months_are_told_once_across_two_instances() {
    let smtp = SmtpSink::start().await;
    let hooks = HookSink::start().await;
    let (app, one) = setup(Some(&smtp)).await;
    let a = site(&app, "A", 0).await;
    person(&app, "birthe@a.dk", Role::Bygherre, Some(&a.org), None).await;
    person(
        &app,
        "sigurd@a.dk",
        Role::Contractor,
        None,
        Some(&a.contractor),
    )
    .await;
    create_webhook(
        &app,
        Principal::system(),
        &hooks.url("/flow"),
        json!(["HOURS_RETURNED", "HOURS_AWAITING", "HOURS_STATUS"]),
    )
    .await;
    for m in ["2024-02", "2024-03"] {
        app.ok(
            "mutation($c: UUID!, $m: YearMonth!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: $m, totalHours: \"800\"}) { id } }",
            json!({ "c": a.contract, "m": m }),
        )
        .await;
    }
    app.ok(
        "mutation($c: UUID!) { returnHoursMonth(input: {contractId: $c, month: \"2024-02\", reason: \"Timerne for uge 6 mangler\"}) { status } }",
        json!({ "c": a.contract }),
    )
    .await;
    let other_db = api::db::connect(&app.url).await.unwrap();
    let two = scheduler(&other_db, WriteGate::for_connection(&other_db), Some(&smtp));
    let flow = |hooks: &HookSink| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = hooks
            .hooks()
            .iter()
            .map(|h| {
                (
                    h.header("x-tracker-event"),
                    h.json()["title"]["da"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                )
            })
            .collect();
        v.sort();
        v
    };

    let now = Utc::now() + chrono::Duration::minutes(1);
    for _ in 0..2 {
        let (x, y) = tokio::join!(one.tick(now), two.tick(now));
        x.unwrap();
        y.unwrap();
    }
    let got = flow(&hooks);
    // The site's January was submitted when the site was made: a step like the others.
    let january = "januar 2024 (hovedentreprise, Entreprenør 0)";
    let february = "februar 2024 (hovedentreprise, Entreprenør 0)";
    let march = "marts 2024 (hovedentreprise, Entreprenør 0)";
    assert_eq!(
        got,
        vec![
            (
                "HOURS_RETURNED".to_owned(),
                format!("Timeindberetningen for {february} er sendt retur")
            ),
            (
                "HOURS_STATUS".to_owned(),
                format!("Timeindberetning {february}: indsendt")
            ),
            (
                "HOURS_STATUS".to_owned(),
                format!("Timeindberetning {february}: sendt retur")
            ),
            (
                "HOURS_STATUS".to_owned(),
                format!("Timeindberetning {january}: indsendt")
            ),
            (
                "HOURS_STATUS".to_owned(),
                format!("Timeindberetning {march}: indsendt")
            ),
        ]
    );
    let returned = hooks
        .hooks()
        .into_iter()
        .find(|h| h.header("x-tracker-event") == "HOURS_RETURNED")
        .unwrap();
    assert_eq!(returned.json()["subjectId"], a.contract.as_str());
    assert!(
        returned.json()["message"]["da"]
            .as_str()
            .unwrap()
            .ends_with("retur: Timerne for uge 6 mangler. Ret den, og indsend den igen."),
        "{:#}",
        returned.json()
    );
    assert_eq!(
        subjects(&smtp, "sigurd@a.dk")
            .into_iter()
            .filter(|s| s.starts_with("Timeindberetningen for"))
            .collect::<Vec<_>>(),
        vec![format!("Timeindberetningen for {february} er sendt retur")]
    );

    // Eleven days on: January and March have waited more than ten days for the bygherre.
    let later = now + chrono::Duration::days(11);
    for _ in 0..2 {
        let (x, y) = tokio::join!(one.tick(later), two.tick(later));
        x.unwrap();
        y.unwrap();
    }
    let got = flow(&hooks);
    assert_eq!(got.len(), 7, "{got:#?}");
    for m in [january, march] {
        assert!(got.contains(&(
            "HOURS_AWAITING".to_owned(),
            format!("Timeindberetningen for {m} venter på accept")
        )));
    }
    assert_eq!(
        subjects(&smtp, "birthe@a.dk")
            .into_iter()
            .filter(|s| s.starts_with("Timeindberetningen for"))
            .collect::<Vec<_>>(),
        vec![
            format!("Timeindberetningen for {february} er sendt retur"),
            format!("Timeindberetningen for {january} venter på accept"),
            format!("Timeindberetningen for {march} venter på accept"),
        ]
    );
    assert!(
        !subjects(&smtp, "sigurd@a.dk")
            .iter()
            .any(|s| s.contains("venter på accept")),
        "waiting is the bygherre's to hear of, not the contractor's"
    );
    assert!(
        !subjects(&smtp, "birthe@a.dk")
            .iter()
            .any(|s| s.starts_with("Timeindberetning hovedentreprise") || s.contains(": indsendt")),
        "every step is chosen, not a default"
    );
}
