//! Downloads as real readers see them: the LBF report and a grant's monthly figures as XLSX,
//! parsed back with calamine (number and date cells, Danish headers and letters), and as CSV in
//! the two dialects, checked byte for byte where it matters (BOM, separators, decimal commas).
//! Scoped like GraphQL; bad parameters answered with a code. On either database.

use calamine::{Data, DataType, Reader, Xlsx, open_workbook_from_rs};
use poem::http::StatusCode;
use poem::test::TestClient;
use serde_json::{Value, json};
use tests::TestApp;

/// The demo (as of 25 November 2026): one grant with hours January to October 2026.
async fn demo(app: &TestApp) -> (String, String, String) {
    api::seed::seed_demo_on(
        &app.db,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
    )
    .await
    .unwrap();
    let d = app
        .ok(
            "{ grants { edges { node { id caseNumber estate { organisation { id } } } } } }",
            json!({}),
        )
        .await;
    let node = &d["grants"]["edges"][0]["node"];
    let s = |v: &Value| v.as_str().unwrap().to_owned();
    (
        s(&node["id"]),
        s(&node["caseNumber"]),
        s(&node["estate"]["organisation"]["id"]),
    )
}

fn sheet(bytes: Vec<u8>, name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an XLSX");
    assert_eq!(book.sheet_names(), vec![name.to_owned()]);
    book.worksheet_range(name)
        .expect("the sheet")
        .rows()
        .map(<[Data]>::to_vec)
        .collect()
}

/// Scenario: the demo grant's monthly figures as a Danish workbook: Danish headers, one row per
/// month of the counting window, the month as a date cell and the hours and shares as numbers
/// (January 2026: 4,350 hours in all, 600 by persons in training).
#[tokio::test]
async fn grant_months_open_in_a_spreadsheet_as_numbers_and_dates() {
    let app = TestApp::new().await;
    let (grant, case, _) = demo(&app).await;
    let token = app.admin_token().await.1;
    let cli = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    let res = cli
        .get("/exports/grant-months.xlsx")
        .query("grantId", &grant)
        .query("asOf", &"2026-11-25")
        .query("knownAt", &"2100-01-01T00:00:00Z")
        .query("lang", &"da")
        .header("Authorization", format!("Bearer {token}"))
        .send()
        .await;
    res.assert_status_is_ok();
    res.assert_content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    res.assert_header(
        "content-disposition",
        "attachment; filename=\"grant-months.xlsx\"",
    );
    let rows = sheet(res.0.into_body().into_vec().await.unwrap(), "Måneder");
    assert_eq!(
        rows[0][..4],
        [
            Data::String("sagsnummer".into()),
            Data::String("måned".into()),
            Data::String("timer i alt".into()),
            Data::String("timer personer under uddannelse".into()),
        ]
    );
    // The same figures GraphQL gives, month by month.
    let series = app
        .ok(
            "query($g: UUID!) { complianceTimeSeries(grantId: $g, asOf: \"2026-11-25\", knownAt: \"2100-01-01T00:00:00Z\") { month labourHours traineeHours cumulativeSharePercent } }",
            json!({ "g": grant }),
        )
        .await["complianceTimeSeries"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(rows.len(), series.len() + 1);
    let jan = rows
        .iter()
        .position(|r| {
            r[1].as_datetime().map(|d| d.date()) == chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        })
        .expect("January 2026 as a date cell");
    let point = series.iter().find(|p| p["month"] == "2026-01").unwrap();
    assert_eq!(rows[jan][0], Data::String(case.clone()));
    let num = |d: &Data| match d {
        Data::Float(f) => *f,
        other => panic!("a number cell, got {other:?}"),
    };
    assert_eq!(
        num(&rows[jan][2]),
        point["labourHours"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
    );
    assert_eq!(
        num(&rows[jan][3]),
        point["traineeHours"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
    );
    let last = rows.last().unwrap();
    let last_point = series.last().unwrap();
    assert_eq!(
        num(&last[7]),
        last_point["cumulativeSharePercent"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
    );
}

/// Scenario: the organisation's LBF report in both CSV dialects and as XLSX. `excel-da` starts
/// with the UTF-8 byte-order mark and uses semicolons, decimal commas and LBF's Danish field
/// names; `rfc4180` uses commas, CRLF and decimal points; the workbook holds the same figures
/// as number cells.
#[tokio::test]
async fn the_lbf_report_downloads_in_both_dialects_and_as_a_workbook() {
    let app = TestApp::new().await;
    let (_, case, org) = demo(&app).await;
    let token = app.admin_token().await.1;
    let cli = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    let get = |path: &'static str, dialect: Option<&'static str>| {
        let mut req = cli
            .get(path)
            .query("organisationId", &org)
            .query("year", &2026)
            .header("Authorization", format!("Bearer {token}"));
        if let Some(d) = dialect {
            req = req.query("dialect", &d);
        }
        req.send()
    };
    let res = get("/exports/lbf-report.csv", Some("excel-da")).await;
    res.assert_status_is_ok();
    let bytes = res.0.into_body().into_vec().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert!(
        lines[0].starts_with("sagsnummer;titel;år;indsendt;version;årsværk lærlinge;"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("håndværkerudgift ved Skema B (kr.)"));
    let fields: Vec<&str> = lines[1].split(';').collect();
    assert_eq!(fields[0], case);
    // Hours with a decimal comma and two decimals; 140 mio. DKK craftsman cost.
    let (whole, decimals) = fields[9]
        .split_once(',')
        .unwrap_or_else(|| panic!("no decimal comma: {}", lines[1]));
    assert!(
        !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit()),
        "{}",
        lines[1]
    );
    assert_eq!(decimals.len(), 2, "two decimals: {}", lines[1]);
    assert!(decimals.bytes().all(|b| b.is_ascii_digit()), "{}", lines[1]);
    assert_eq!(fields[11], "140000000,00");

    let res = get("/exports/lbf-report.csv", Some("rfc4180")).await;
    res.assert_status_is_ok();
    let text = res.0.into_body().into_string().await.unwrap();
    assert!(text.starts_with("case_number,title,year,submitted,version,"));
    assert!(text.contains("\r\n"));
    assert!(text.contains(",140000000.00,"), "{text}");

    let res = get("/exports/lbf-report.csv", Some("excel")).await;
    res.assert_status(StatusCode::BAD_REQUEST);
    res.assert_json(json!({
        "error": "dialect must be excel-da (Danish Excel) or rfc4180 (programs)",
        "code": "BAD_USER_INPUT"
    }))
    .await;

    let res = get("/exports/lbf-report.xlsx", None).await;
    res.assert_status_is_ok();
    let rows = sheet(res.0.into_body().into_vec().await.unwrap(), "LBF report");
    // A workbook is read by people: its headers are the columns' English names (the CSV for
    // programs keeps the keys).
    assert_eq!(rows[0][0], Data::String("case number".into()));
    assert_eq!(
        rows[0][11],
        Data::String("craftsman cost at Skema B (DKK)".into())
    );
    assert_eq!(rows[1][0], Data::String(case));
    assert_eq!(rows[1][2], Data::Float(2026.0));
    assert_eq!(rows[1][11], Data::Float(140_000_000.0));
    assert!(
        matches!(rows[1][12], Data::DateTime(_)),
        "{:?}",
        rows[1][12]
    );
    assert!(matches!(rows[1][3], Data::Bool(_)), "{:?}", rows[1][3]);
}

/// Scenario: a CONTRACTOR may not download a grant's figures (FORBIDDEN, nothing written), and
/// a missing or malformed grant id or date is answered BAD_USER_INPUT naming the parameter.
#[tokio::test]
async fn downloads_are_scoped_and_check_their_parameters() {
    let app = TestApp::new().await;
    let (grant, _, _) = demo(&app).await;
    let contractor_id = app.contractor(7).await;
    let (_, secret) = api::auth::create_token(
        &app.db,
        api::auth::CreateApiTokenInput {
            name: "k".into(),
            role: entity::enums::Role::Contractor,
            organisation_id: None,
            contractor_id: Some(contractor_id.parse().unwrap()),
            grant_ids: vec![],
            expires_at: None,
        },
    )
    .await
    .map_err(|e| e.message())
    .unwrap();
    let cli = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    let res = cli
        .get("/exports/grant-months.csv")
        .query("grantId", &grant)
        .header("Authorization", format!("Bearer {secret}"))
        .send()
        .await;
    res.assert_status(StatusCode::FORBIDDEN);
    let body: Value = res.0.into_body().into_json().await.unwrap();
    assert_eq!(body["code"], "FORBIDDEN");

    let admin = app.admin_token().await.1;
    for (grant_id, as_of, field) in [
        ("nope", "2026-11-25", "grantId"),
        (grant.as_str(), "25-11-2026", "asOf"),
    ] {
        let res = cli
            .get("/exports/grant-months.csv")
            .query("grantId", &grant_id)
            .query("asOf", &as_of)
            .header("Authorization", format!("Bearer {admin}"))
            .send()
            .await;
        res.assert_status(StatusCode::BAD_REQUEST);
        let body: Value = res.0.into_body().into_json().await.unwrap();
        assert_eq!(body["code"], "BAD_USER_INPUT");
        assert!(body["error"].as_str().unwrap().starts_with(field), "{body}");
    }
    let res = cli
        .get("/exports/grant-months.csv")
        .query("grantId", &grant)
        .send()
        .await;
    res.assert_status(StatusCode::UNAUTHORIZED);
}
