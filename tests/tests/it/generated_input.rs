//! Property test: generated values for every scalar (Decimal, YearMonth, dates, UUIDs, strings
//! with control characters, huge and malformed numbers), sent through the schema as a caller
//! would. Whatever arrives, the answer is never a panic: either every error carries
//! `extensions.code` (and nothing is written), or the value was stored and reads back equal.

use async_graphql::{Request, Variables};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::str::FromStr;
use tests::TestApp;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        "[\\x00-\\x1f a-zæøå]{0,12}",
        Just(String::new()),
        Just("Ann\u{0}e".to_owned()),
        "[A-ZÆØÅ][a-zæøå]{1,12}( [A-ZÆØÅ][a-zæøå]{1,12})?",
    ]
}

fn decimal() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?[0-9]{1,32}(\\.[0-9]{0,32})?",
        "[0-9]{1,6},[0-9]{1,3}",
        "[0-9]{1,4}e[0-9]{1,3}",
        Just("NaN".to_owned()),
        Just("79228162514264337593543950335".to_owned()),
        Just("92233720368547758.07".to_owned()),
        Just("1.0000000000000000000000000000001".to_owned()),
        (0u32..2_000_000, 0u32..100).prop_map(|(a, b)| format!("{a}.{b:02}")),
    ]
}

fn date() -> impl Strategy<Value = String> {
    prop_oneof![
        (-300_000i32..300_000, 0u32..14, 0u32..33)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (1990i32..2030, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        Just("+262142-12-31".to_owned()),
        ".{0,12}",
    ]
}

fn month() -> impl Strategy<Value = String> {
    prop_oneof![
        (-30_000i32..30_000, 0u32..14).prop_map(|(y, m)| format!("{y:04}-{m:02}")),
        (2023i32..2025, 1u32..13).prop_map(|(y, m)| format!("{y}-{m:02}")),
        ".{0,8}",
    ]
}

fn uuid() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        ".{0,40}",
    ]
}

/// The errors of a response, each of which must carry a code.
fn coded(res: &Value, what: &str) -> bool {
    match res.get("errors").and_then(Value::as_array) {
        None => false,
        Some(errors) => {
            for e in errors {
                assert!(
                    e["extensions"]["code"].is_string(),
                    "{what}: an error without a code: {res:#}"
                );
            }
            true
        }
    }
}

#[test]
fn generated_scalars_answer_with_a_code_or_store_what_was_sent() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (app, contract, grant) = rt.block_on(async {
        let app = TestApp::new().await;
        let grant = app.grant().await;
        let contractor = app.contractor(0).await;
        let contract = app.contract(&grant, &contractor).await;
        (app, contract, grant)
    });
    let exec = |q: &str, vars: Value| {
        let req = Request::new(q)
            .variables(Variables::from_json(vars))
            .data(api::auth::Principal::system());
        rt.block_on(async { serde_json::to_value(app.schema.execute(req).await).unwrap() })
    };
    let mut runner = TestRunner::new(Config {
        cases: 96,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(
            &(text(), decimal(), date(), month(), uuid()),
            |(name, hours, day, ym, id)| {
                // A person's name: refused with a code, or stored as sent (trimmed).
                let res = exec(
                    "mutation($n: String!) { createPerson(input: {displayName: $n, birthYear: 2001, livesInEstate: false}) { id displayName } }",
                    json!({ "n": name }),
                );
                if !coded(&res, "displayName") {
                    let id = res["data"]["createPerson"]["id"].as_str().unwrap().to_owned();
                    let back = exec("query($p: UUID!) { person(id: $p) { displayName } }", json!({ "p": id }));
                    prop_assert_eq!(back["data"]["person"]["displayName"].as_str(), Some(name.trim()));
                }
                // Hours: refused with a code, or stored exactly.
                let res = exec(
                    "mutation($c: UUID!, $t: Decimal!) { reportMonthlyHours(input: {declarationVersion: \"2026-12\", contractId: $c, month: \"2024-01\", totalHours: $t}) { totalHours } }",
                    json!({ "c": contract, "t": hours }),
                );
                if !coded(&res, "totalHours") {
                    let stored = res["data"]["reportMonthlyHours"]["totalHours"].as_str().unwrap();
                    prop_assert_eq!(
                        Decimal::from_str(stored).unwrap(),
                        Decimal::from_str(&hours).unwrap(),
                        "sent {}, stored {}", hours, stored
                    );
                }
                // Dates, months and ids in reads: an answer or a coded error, never a panic.
                let res = exec(
                    "query($g: UUID!, $d: NaiveDate) { compliance(grantId: $g, asOf: $d) { status } }",
                    json!({ "g": grant, "d": day }),
                );
                if !coded(&res, "asOf") {
                    prop_assert!(res["data"]["compliance"]["status"].is_string());
                }
                let res = exec(
                    "query($m: YearMonth) { hoursReports(filter: {fromMonth: $m}) { totalCount } }",
                    json!({ "m": ym }),
                );
                if !coded(&res, "fromMonth") {
                    prop_assert!(res["data"]["hoursReports"]["totalCount"].is_number());
                }
                let res = exec("query($g: UUID!) { grant(id: $g) { id } }", json!({ "g": id }));
                prop_assert!(coded(&res, "grant id"), "a random id found a grant: {}", res);
                Ok(())
            },
        )
        .unwrap();
}
