//! Every form of the web app, each field with each kind of bad input it can get (empty, negative,
//! letters, 10,000 characters, year 1800, a date after today, a script tag), over HTTP on either
//! database with the demo loaded. For each submission: the page refuses it (HTTP 4xx), shows a
//! Danish message at the field (`#<field>-error`) and the same in the error summary with a link
//! to the field, keeps what was typed in the field, names no API field, echoes no live markup,
//! and the database has exactly the rows it had. The valid submission each case starts from is
//! the form as the page serves it, with the case's good values filled in, so a form that gains a
//! field is attacked with it too.

use std::collections::BTreeMap;

use chrono::Datelike;
use entity::enums::Role;
use poem::test::TestClient;
use scraper::{Html, Selector};

use crate::pages::{Demo, LOCAL, demo_on, get, session, text};

/// A kind of bad input, and what it is for a field of each sort.
#[derive(Clone, Copy, Debug)]
enum Bad {
    Empty,
    Negative,
    Letters,
    Long,
    Year1800,
    Future,
    Script,
    /// Past the longest text's limit (a meeting's minutes, 50,000 characters): 10,000 fit in
    /// minutes and decisions.
    OverLong,
}

/// What sort of value a field takes (decides what each [`Bad`] types into it).
#[derive(Clone, Copy, Debug)]
enum Sort {
    Text,
    Number,
    Date,
    Month,
    Year,
}

impl Bad {
    fn value(self, sort: Sort) -> String {
        let next_year = api::units::danish_today() + chrono::Months::new(12);
        match (self, sort) {
            (Bad::Empty, _) => String::new(),
            (Bad::Negative, _) => "-5".into(),
            (Bad::Letters, _) => "abc".into(),
            (Bad::Long, _) => "7".repeat(10_000),
            (Bad::OverLong, _) => "7".repeat(50_001),
            (Bad::Year1800, Sort::Date) => "1800-01-01".into(),
            (Bad::Year1800, Sort::Month) => "1800-01".into(),
            (Bad::Year1800, _) => "1800".into(),
            (Bad::Future, Sort::Date) => next_year.to_string(),
            (Bad::Future, Sort::Month) => next_year.format("%Y-%m").to_string(),
            (Bad::Future, _) => next_year.format("%Y").to_string(),
            (Bad::Script, _) => "<script>alert(1)</script>".into(),
        }
    }
}

/// One form: who uses it, where it is, the values that make it valid, and the fields attacked.
struct Case {
    role: Role,
    page: String,
    /// Where the form posts.
    action: String,
    /// The form on the page, when not the first that posts to `action` (a row's form).
    form: Option<&'static str>,
    good: Vec<(&'static str, String)>,
    attacks: Vec<(&'static str, Sort, &'static [Bad])>,
}

/// Every table a form writes to (and the audit trail every write adds to).
const TABLES: &[&str] = &[
    "housing_organisation",
    "estate",
    "lbf_grant",
    "grant_revision",
    "contractor",
    "contract",
    "person",
    "placement",
    "trial_placement",
    "meeting",
    "action_item",
    "follow_up_group",
    "group_member",
    "hours_report",
    "hours_month",
    "hours_line",
    "lbf_report",
    "app_user",
    "audit_log",
];

async fn counts(demo: &Demo) -> BTreeMap<&'static str, i64> {
    let mut out = BTreeMap::new();
    for t in TABLES {
        out.insert(*t, demo.app.count(t).await);
    }
    out
}

/// The fields a form sends as the page serves it: inputs with their values, each select's chosen
/// option (or its first with a value), textareas; submit buttons and checkboxes left out.
fn served_fields(page: &str, form: &str) -> Vec<(String, String)> {
    let doc = Html::parse_document(page);
    let form_sel = Selector::parse(form).unwrap();
    let form = doc
        .select(&form_sel)
        .next()
        .unwrap_or_else(|| panic!("no {form} on the page"));
    let mut out = Vec::new();
    for el in form.select(&Selector::parse("input, select, textarea").unwrap()) {
        let v = el.value();
        let Some(name) = v.attr("name") else { continue };
        let kind = v.attr("type").unwrap_or("text");
        match (v.name(), kind) {
            ("input", "submit" | "button" | "file") => {}
            ("input", "checkbox" | "radio") => {
                if v.attr("checked").is_some() {
                    out.push((name.to_owned(), v.attr("value").unwrap_or("on").to_owned()));
                }
            }
            ("input", _) => out.push((name.to_owned(), v.attr("value").unwrap_or("").to_owned())),
            ("select", _) => {
                let options: Vec<_> = el
                    .select(&Selector::parse("option").unwrap())
                    .filter(|o| o.value().attr("value").is_some_and(|v| !v.is_empty()))
                    .collect();
                let chosen = options
                    .iter()
                    .find(|o| o.value().attr("selected").is_some())
                    .or(options.first())
                    .and_then(|o| o.value().attr("value"))
                    .unwrap_or("");
                out.push((name.to_owned(), chosen.to_owned()));
            }
            _ => out.push((name.to_owned(), el.text().collect())),
        }
    }
    out
}

/// Every name the form offers, sent or not: a box left unticked and the submit buttons too (a
/// case may tick the box or press the named button).
fn offered_names(page: &str, form: &str) -> Vec<String> {
    let doc = Html::parse_document(page);
    let form_sel = Selector::parse(form).unwrap();
    let Some(form) = doc.select(&form_sel).next() else {
        return Vec::new();
    };
    form.select(&Selector::parse("input, button, select, textarea").unwrap())
        .filter_map(|el| el.value().attr("name").map(str::to_owned))
        .collect()
}

/// What a refusal page must show for `field`, typed as `typed`: the problems found, as text.
fn check_refusal(case: &str, body: &str, form: &str, name: &str, typed: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let doc = Html::parse_document(body);
    let one = |css: &str| {
        Selector::parse(css)
            .ok()
            .and_then(|s| doc.select(&s).next())
    };
    // The field as the page shows it again: in its form, found by name; its id names the
    // message and the summary's link.
    let input = one(&format!("{form} [name='{name}']"));
    let Some(field) = input.and_then(|e| e.value().id()) else {
        return vec![format!(
            "{case}: the form with the field is not on the page again"
        )];
    };
    let at_field = one(&format!("#{field}-error")).map(|e| e.text().collect::<String>());
    match &at_field {
        None => problems.push(format!("{case}: no message at the field (#{field}-error)")),
        Some(m) if m.trim().is_empty() => problems.push(format!("{case}: an empty message")),
        Some(m) => {
            // An API name (camelCase, or a path such as tradesTried[0]) or an English sentence.
            let api_name = regex::Regex::new(r"\b[a-z]+[A-Z][A-Za-z]*\b|\[\d+\]").unwrap();
            if api_name.is_match(m) {
                problems.push(format!("{case}: an API name in {m:?}"));
            }
            let english = regex::Regex::new(r"\b(must|should|is not|cannot|required)\b").unwrap();
            if english.is_match(m) {
                problems.push(format!("{case}: English in {m:?}"));
            }
        }
    }
    let summary = one(&format!("#error-summary a[href='#{field}']"));
    match (summary, &at_field) {
        (None, _) => problems.push(format!("{case}: the error summary has no link to #{field}")),
        (Some(s), Some(m)) if s.text().collect::<String>().trim() != m.trim() => {
            problems.push(format!(
                "{case}: the summary says {:?}, the field {m:?}",
                s.text().collect::<String>()
            ))
        }
        _ => {}
    }
    let kept = input.map(|e| {
        if e.value().name() == "textarea" {
            e.text().collect::<String>()
        } else {
            e.value().attr("value").unwrap_or("").to_owned()
        }
    });
    if kept.as_deref() != Some(typed) {
        problems.push(format!(
            "{case}: the field holds {:?} after the refusal",
            kept.map(|k| k.chars().take(40).collect::<String>())
        ));
    }
    if body.contains("<script>alert(1)") {
        problems.push(format!("{case}: the script tag is in the page unescaped"));
    }
    problems
}

/// Scenario: see the module's note; every case is listed in one report when any fails.
#[tokio::test]
async fn every_form_refuses_each_kind_of_bad_input_at_its_field_and_writes_nothing() {
    let today = api::units::danish_today();
    let demo = demo_on(
        today,
        &[
            Role::Admin,
            Role::Bygherre,
            Role::Contractor,
            Role::Tovholder,
        ],
    )
    .await;
    let client = TestClient::new(api::http::app(demo.app.db.clone(), demo.app.schema.clone()));
    let mut sessions = BTreeMap::new();
    for role in [
        Role::Admin,
        Role::Bygherre,
        Role::Contractor,
        Role::Tovholder,
    ] {
        sessions.insert(format!("{role:?}"), session(&client, &demo, role).await);
    }
    let grant = demo.grant.clone();
    let last_month = (today.with_day0(0).unwrap() - chrono::Months::new(1))
        .format("%Y-%m")
        .to_string();
    let contractor_home = text(get(&client, "/app", &sessions["Contractor"]).await).await;
    let hours = Html::parse_document(&contractor_home)
        .select(&Selector::parse("#contracts a[href^='/app/hours']").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned))
        .expect("a link to the hours form");
    let groups = text(get(&client, "/app/groups", &sessions["Tovholder"]).await).await;
    let group = Html::parse_document(&groups)
        .select(&Selector::parse("main a[href^='/app/groups/']").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned))
        .expect("a link to a følgegruppe");
    let contracts = text(
        get(
            &client,
            &format!("/app/grants/{grant}/contracts"),
            &sessions["Bygherre"],
        )
        .await,
    )
    .await;
    let contract = Html::parse_document(&contracts)
        .select(&Selector::parse("#contracts a[href*='/contracts/']").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned))
        .expect("a link to a contract's edit page");
    let a_week_ago = (today - chrono::Days::new(7)).to_string();
    let estate = demo
        .app
        .ok(
            "query($g: UUID!) { grant(id: $g) { estate { id } } }",
            serde_json::json!({ "g": grant }),
        )
        .await["grant"]["estate"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A snusepraktik that ended four months ago with an outcome and no plan: a row for the form
    // that adds the plan and one for the status three months after.
    let person = demo
        .app
        .ok(
            "mutation { createPerson(input: {displayName: \"Rækkens Deltager\", livesInEstate: true}) { id } }",
            serde_json::json!({}),
        )
        .await["createPerson"]["id"]
        .clone();
    let trial = demo
        .app
        .ok(
            "mutation($p: UUID!, $g: UUID!, $s: NaiveDate!, $e: NaiveDate!) { createTrialPlacement(input: {personId: $p, grantId: $g, startDate: $s, endDate: $e, tovholder: \"Tove\"}) { id } }",
            serde_json::json!({
                "p": person, "g": grant,
                "s": (today - chrono::Months::new(5)).to_string(),
                "e": (today - chrono::Months::new(4)).to_string(),
            }),
        )
        .await["createTrialPlacement"]["id"]
        .clone();
    demo.app
        .ok(
            "mutation($t: UUID!, $d: NaiveDate!) { recordTrialOutcome(input: {trialPlacementId: $t, outcome: APPRENTICESHIP, outcomeDate: $d}) { id } }",
            serde_json::json!({ "t": trial, "d": (today - chrono::Months::new(4)).to_string() }),
        )
        .await;
    use Bad::*;
    const TEXT: &[Bad] = &[Empty, Long];
    const OPTIONAL_TEXT: &[Bad] = &[Long];
    const AMOUNT: &[Bad] = &[Empty, Negative, Letters, Long];
    const OPTIONAL_AMOUNT: &[Bad] = &[Negative, Letters, Long];
    const DATE: &[Bad] = &[Empty, Letters, Long, Year1800];
    const OPTIONAL_DATE: &[Bad] = &[Letters, Long, Year1800];
    const PAST_DATE: &[Bad] = &[Empty, Letters, Long, Year1800, Future];
    // The grant's fields, in the form that registers one and in the one that edits it.
    let grant_fields: Vec<(&str, Sort, &[Bad])> = vec![
        ("case_number", Sort::Text, TEXT),
        ("title", Sort::Text, TEXT),
        (
            "year",
            Sort::Year,
            &[Empty, Negative, Letters, Long, Year1800],
        ),
        ("cost", Sort::Number, OPTIONAL_AMOUNT),
        ("start", Sort::Date, OPTIONAL_DATE),
        ("handover", Sort::Date, OPTIONAL_DATE),
    ];
    let mut cases = vec![
        Case {
            role: Role::Admin,
            page: "/app/setup".into(),
            form: None,
            action: "/app/setup/organisation".into(),
            good: vec![("name", "Boligselskabet Test".into())],
            attacks: vec![
                ("name", Sort::Text, TEXT),
                ("cvr", Sort::Text, &[Letters, Negative, Long, Script]),
            ],
        },
        Case {
            role: Role::Bygherre,
            page: "/app/setup".into(),
            form: None,
            action: "/app/setup/estate".into(),
            good: vec![
                ("name", "Afdeling 7".into()),
                ("municipality", "Odense".into()),
            ],
            attacks: vec![
                ("name", Sort::Text, TEXT),
                ("municipality", Sort::Text, TEXT),
                ("address", Sort::Text, OPTIONAL_TEXT),
            ],
        },
        Case {
            role: Role::Bygherre,
            page: "/app/setup".into(),
            form: None,
            action: "/app/setup/grant".into(),
            good: vec![
                ("case_number", "LBF-2026-0999".into()),
                ("title", "Facaderenovering".into()),
                ("year", "2026".into()),
                ("cost", "12.000.000".into()),
                ("start", "2026-03-01".into()),
                ("handover", "2028-03-01".into()),
            ],
            attacks: grant_fields.clone(),
        },
        Case {
            role: Role::Bygherre,
            page: format!("/app/setup/estates/{estate}"),
            form: None,
            action: format!("/app/setup/estates/{estate}"),
            good: vec![],
            attacks: vec![
                ("name", Sort::Text, TEXT),
                ("municipality", Sort::Text, TEXT),
                ("address", Sort::Text, OPTIONAL_TEXT),
            ],
        },
        Case {
            role: Role::Bygherre,
            page: format!("/app/setup/grants/{grant}"),
            form: None,
            action: format!("/app/setup/grants/{grant}"),
            good: vec![],
            attacks: grant_fields.clone(),
        },
        Case {
            role: Role::Bygherre,
            page: "/app/setup".into(),
            form: None,
            action: "/app/setup/contractor".into(),
            good: vec![("cvr", "12345674".into()), ("name", "Test Byg ApS".into())],
            attacks: vec![
                ("cvr", Sort::Text, &[Empty, Negative, Letters, Long, Script]),
                ("name", Sort::Text, TEXT),
            ],
        },
        Case {
            role: Role::Bygherre,
            page: format!("/app/grants/{grant}/contracts"),
            form: None,
            action: format!("/app/grants/{grant}/contracts"),
            good: vec![
                ("trade", "Maler".into()),
                ("start", "2026-01-01".into()),
                ("end", "2027-12-31".into()),
                ("value", "1.000.000".into()),
                ("share", "10".into()),
            ],
            attacks: vec![
                ("trade", Sort::Text, TEXT),
                ("start", Sort::Date, DATE),
                ("end", Sort::Date, OPTIONAL_DATE),
            ],
        },
        Case {
            role: Role::Bygherre,
            page: contract.clone(),
            form: None,
            action: contract.clone(),
            good: vec![],
            attacks: vec![
                ("trade", Sort::Text, TEXT),
                ("value", Sort::Number, AMOUNT),
                ("start", Sort::Date, DATE),
                ("end", Sort::Date, OPTIONAL_DATE),
                ("share", Sort::Number, OPTIONAL_AMOUNT),
            ],
        },
        Case {
            role: Role::Bygherre,
            page: format!("/app/grants/{grant}"),
            form: None,
            action: format!("/app/grants/{grant}/residents"),
            good: vec![("trainee_target", "2".into()), ("trial_target", "4".into())],
            attacks: vec![
                ("trainee_target", Sort::Number, OPTIONAL_AMOUNT),
                ("trial_target", Sort::Number, OPTIONAL_AMOUNT),
            ],
        },
        Case {
            role: Role::Admin,
            page: "/app/users".into(),
            form: None,
            action: "/app/users/invite".into(),
            good: vec![
                ("email", "ny.person@boligselskab.dk".into()),
                ("name", "Ny Person".into()),
                ("role", "VIEWER".into()),
            ],
            attacks: vec![
                ("email", Sort::Text, &[Empty, Letters, Long, Script]),
                ("name", Sort::Text, TEXT),
            ],
        },
        Case {
            role: Role::Contractor,
            page: "/app/trainees".into(),
            form: None,
            action: "/app/trainees/person".into(),
            good: vec![("name", "Ny Lærling".into()), ("birth_year", "2004".into())],
            attacks: vec![
                ("name", Sort::Text, TEXT),
                (
                    "birth_year",
                    Sort::Year,
                    &[Negative, Letters, Long, Year1800, Future],
                ),
            ],
        },
        Case {
            role: Role::Contractor,
            page: "/app/trainees".into(),
            form: None,
            action: "/app/trainees/placement".into(),
            good: vec![("trade", "Tømrer".into()), ("start", a_week_ago.clone())],
            attacks: vec![
                ("trade", Sort::Text, TEXT),
                ("start", Sort::Date, DATE),
                ("end", Sort::Date, OPTIONAL_DATE),
                ("employee_number", Sort::Text, OPTIONAL_TEXT),
            ],
        },
        Case {
            role: Role::Contractor,
            page: format!("{hours}&month={last_month}"),
            form: None,
            action: "/app/hours".into(),
            good: vec![
                ("month", last_month.clone()),
                ("total", "1.600".into()),
                ("declare", "2026-12".into()),
                ("action", "submit".into()),
            ],
            attacks: vec![
                (
                    "month",
                    Sort::Month,
                    &[Empty, Letters, Long, Year1800, Future],
                ),
                ("total", Sort::Number, AMOUNT),
                ("reason", Sort::Text, OPTIONAL_TEXT),
            ],
        },
        Case {
            role: Role::Tovholder,
            page: "/app/trials".into(),
            form: None,
            action: "/app/trials/person".into(),
            good: vec![("name", "Ny Beboer".into()), ("birth_year", "1990".into())],
            attacks: vec![
                ("name", Sort::Text, TEXT),
                (
                    "birth_year",
                    Sort::Year,
                    &[Negative, Letters, Long, Year1800, Future],
                ),
            ],
        },
        Case {
            role: Role::Tovholder,
            page: "/app/trials".into(),
            form: None,
            action: "/app/trials".into(),
            good: vec![
                ("start", a_week_ago.clone()),
                ("end", today.to_string()),
                ("trades", "murer".into()),
            ],
            attacks: vec![
                ("start", Sort::Date, DATE),
                ("end", Sort::Date, DATE),
                ("trades", Sort::Text, OPTIONAL_TEXT),
            ],
        },
        Case {
            role: Role::Tovholder,
            page: group.clone(),
            form: None,
            action: group.clone(),
            good: vec![("date", a_week_ago.clone()), ("minutes", "Referat".into())],
            attacks: vec![
                ("date", Sort::Date, PAST_DATE),
                ("duration", Sort::Number, &[Negative, Letters, Long]),
                ("minutes", Sort::Text, &[OverLong]),
                ("decisions", Sort::Text, &[OverLong]),
            ],
        },
        Case {
            role: Role::Tovholder,
            page: group.clone(),
            action: format!("{group}/members"),
            form: None,
            good: vec![
                ("member_name", "Jens Jensen".into()),
                ("member_organisation", "3F".into()),
            ],
            attacks: vec![
                ("member_name", Sort::Text, TEXT),
                ("member_organisation", Sort::Text, TEXT),
            ],
        },
    ];
    let rows = [
        (
            "/app/trials/outcome",
            "form[action='/app/trials/outcome']",
            vec![("plan", "Videre til EUD".to_owned())],
            vec![
                ("date", Sort::Date, PAST_DATE),
                ("plan", Sort::Text, OPTIONAL_TEXT),
            ],
        ),
        (
            "/app/trials/outcome",
            "#without-plan form",
            vec![],
            vec![("plan", Sort::Text, TEXT)],
        ),
        (
            "/app/trials/three-month",
            "#three-month form",
            vec![],
            vec![("date", Sort::Date, PAST_DATE)],
        ),
    ];
    for (action, form, good, attacks) in rows {
        cases.push(Case {
            role: Role::Tovholder,
            page: "/app/trials".into(),
            action: action.into(),
            form: Some(form),
            good,
            attacks,
        });
    }
    // Last year's LBF report, submitted (the site started last July): its page has the form
    // for a correction.
    let last_year = today.year() - 1;
    demo.app
        .ok(
            "mutation($g: UUID!, $d: NaiveDate!) { updateGrant(id: $g, input: { constructionStart: $d }) { id } }",
            serde_json::json!({ "g": grant, "d": format!("{last_year}-07-01") }),
        )
        .await;
    demo.app
        .ok(
            "mutation($g: UUID!, $y: Int!) { submitLbfReport(input: {grantId: $g, year: $y, submittedBy: \"PL\"}) { id } }",
            serde_json::json!({ "g": grant, "y": last_year }),
        )
        .await;
    cases.push(Case {
        role: Role::Bygherre,
        page: format!("/app/grants/{grant}/lbf?year={last_year}"),
        action: format!("/app/grants/{grant}/lbf"),
        form: None,
        good: vec![("reason", "Timerne for marts var talt to gange".into())],
        attacks: vec![("reason", Sort::Text, TEXT)],
    });
    let mut problems = Vec::new();
    let mut tried = 0;
    for case in &cases {
        let s = &sessions[&format!("{:?}", case.role)];
        let page = text(get(&client, &case.page, s).await).await;
        let form = case.form.map_or_else(
            || format!("form[method='post'][action='{}']", case.action),
            str::to_owned,
        );
        let mut fields = served_fields(&page, &form);
        let offered = offered_names(&page, &form);
        for (name, value) in &case.good {
            match fields.iter_mut().find(|(n, _)| n == name) {
                Some(f) => f.1 = value.clone(),
                None if offered.iter().any(|o| o == name) => {
                    fields.push(((*name).to_owned(), value.clone()))
                }
                None => problems.push(format!("{}: no field {name}", case.action)),
            }
        }
        for (field, sort, bads) in &case.attacks {
            for bad in *bads {
                tried += 1;
                let typed = bad.value(*sort);
                let name = format!("{} {field} = {bad:?}", case.action);
                let mut sent = fields.clone();
                match sent.iter_mut().find(|(n, _)| n == field) {
                    Some(f) => f.1 = typed.clone(),
                    None => {
                        problems.push(format!("{name}: the form has no such field"));
                        continue;
                    }
                }
                let before = counts(&demo).await;
                let res = client
                    .post(&case.action)
                    .header("host", LOCAL)
                    .header("cookie", s)
                    .form(&sent)
                    .send()
                    .await;
                let status = res.0.status();
                let body = text(res).await;
                if !status.is_client_error() {
                    problems.push(format!("{name}: answered {status}, not a refusal"));
                } else {
                    problems.extend(check_refusal(&name, &body, &form, field, &typed));
                }
                let after = counts(&demo).await;
                if after != before {
                    let changed: Vec<_> = after
                        .iter()
                        .filter(|(t, n)| before.get(*t) != Some(n))
                        .map(|(t, n)| format!("{t}: {} -> {n}", before[t]))
                        .collect();
                    problems.push(format!("{name}: the database changed ({changed:?})"));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {tried} bad inputs went wrong:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(tried >= 120, "{tried} bad inputs tried");
    eprintln!("{tried} bad inputs, each refused as it should be");
}
