//! Payroll import (lønimport) as a contractor's payroll office uses it: a file uploaded by the
//! GraphQL multipart request spec, first as a dry run, then imported as one transaction; every
//! problem answered with its line and column and nothing written; the same file imported twice
//! written once, even when both arrive at the same moment. On either database.

use poem::http::StatusCode;
use poem::test::{TestClient, TestForm, TestFormField};
use serde_json::{Value, json};
use tests::{TestApp, cvr, id};

const IMPORT: &str = "mutation($f: Upload!, $d: Boolean!, $at: DateTime) { importPayroll(file: $f, dryRun: $d, filedAt: $at, declarationVersion: \"2026-12\") { status importId fileHash format rows reports { contractId month totalHours traineeHours traineeLines replaces lines } problems { line column message } } }";

/// A grant (case LBF-1) with one contract of contractor 0 and two apprentices on it, known to
/// the contractor's payroll as M-101 and M-102.
struct Site {
    grant: String,
    contract: String,
    placements: [String; 2],
}

async fn site(app: &TestApp) -> Site {
    let grant = app.grant().await;
    let contractor = app.contractor(0).await;
    let contract = app.contract(&grant, &contractor).await;
    let mut placements = Vec::new();
    for (name, number) in [("Ali Hassan", "M-101"), ("Sofie Holm", "M-102")] {
        let person = app.person(name).await;
        let placement = app.placement(&person, &grant, &contract).await;
        app.ok(
            "mutation($id: UUID!, $n: String) { updatePlacement(id: $id, input: {employeeNumber: $n}) { employeeNumber } }",
            json!({ "id": placement, "n": number }),
        )
        .await;
        placements.push(placement);
    }
    Site {
        grant,
        contract,
        placements: [placements[0].clone(), placements[1].clone()],
    }
}

async fn token(app: &TestApp, role: entity::enums::Role, contractor: Option<&str>) -> String {
    api::auth::create_token(
        &app.db,
        api::auth::CreateApiTokenInput {
            name: "løn".into(),
            role,
            organisation_id: None,
            contractor_id: contractor.map(|c| uuid::Uuid::parse_str(c).unwrap()),
            grant_ids: vec![],
            expires_at: None,
        },
    )
    .await
    .map_err(|e| e.message())
    .unwrap()
    .1
}

async fn contractor_of(app: &TestApp, contract: &str) -> String {
    let d = app
        .ok(
            "query($id: UUID!) { contract(id: $id) { contractor { id } } }",
            json!({ "id": contract }),
        )
        .await;
    id(&d["contract"]["contractor"])
}

/// Uploads `bytes` as `name` over HTTP, as a browser or script would.
async fn upload(
    app: &TestApp,
    bearer: &str,
    name: &str,
    bytes: Vec<u8>,
    dry_run: bool,
    filed_at: Option<&str>,
    lang: &str,
) -> (StatusCode, Value) {
    let cli = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    let operations = json!({
        "query": IMPORT,
        "variables": { "f": null, "d": dry_run, "at": filed_at },
    });
    let form = TestForm::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.f"] }).to_string())
        .field(TestFormField::bytes(bytes).name("0").filename(name));
    let res = cli
        .post("/graphql")
        .header("Authorization", format!("Bearer {bearer}"))
        .header("Accept-Language", lang)
        .multipart(form)
        .send()
        .await;
    let status = res.0.status();
    let body: Value = serde_json::from_slice(&res.0.into_body().into_vec().await.unwrap()).unwrap();
    (status, body)
}

/// The payroll file as Danish Excel saves "CSV (semikolonsepareret)" in UTF-8: a byte-order
/// mark, semicolons, decimal commas, the contract named by CVR and case number, the trainees by
/// employee number, the month's total repeated on every line, and a column the import ignores.
fn danish_csv() -> Vec<u8> {
    format!(
        "\u{feff}CVR;Sagsnummer;Måned;Navn;Medarbejdernummer;Timer;Timer i alt\r\n\
         {c};LBF-1;2024-05;Ali Hassan;M-101;152,5;1.234,5\r\n\
         {c};LBF-1;2024-05;Sofie Holm;M-102;98,25;1.234,5\r\n\
         ;;;;;;\r\n\
         {c};LBF-1;06-2024;Ali Hassan;M-101;160;1.300\r\n",
        c = cvr(0)
    )
    .into_bytes()
}

fn status(d: &Value) -> &str {
    d["data"]["importPayroll"]["status"]
        .as_str()
        .unwrap_or("<none>")
}

async fn audit_rows(app: &TestApp, entity: &str, operation: &str) -> i64 {
    let d = app
        .ok(
            "query($e: String!) { auditLog(filter: {entity: $e}, limit: 100) { operation } }",
            json!({ "e": entity }),
        )
        .await;
    d["auditLog"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["operation"] == operation)
        .count() as i64
}

/// Scenario: the contractor's payroll office checks its file (a dry run writes nothing and says
/// what the import would write), imports it (both months with their trainee lines, in one
/// transaction, audited as one import with its rows and one entry per month), then sends the
/// same file again by mistake, which changes nothing and names the first import.
#[tokio::test]
async fn a_danish_excel_file_is_checked_then_imported_once() {
    let app = TestApp::new().await;
    let s = site(&app).await;
    let contractor = contractor_of(&app, &s.contract).await;
    let bearer = token(&app, entity::enums::Role::Contractor, Some(&contractor)).await;
    let audit = app.count("audit_log").await;

    let (code, dry) = upload(
        &app,
        &bearer,
        "loen maj-juni.csv",
        danish_csv(),
        true,
        None,
        "da",
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{dry:#}");
    assert_eq!(status(&dry), "CHECKED", "{dry:#}");
    let d = &dry["data"]["importPayroll"];
    assert_eq!(d["format"], "csv");
    assert_eq!(d["rows"], 3);
    assert_eq!(d["importId"], Value::Null);
    assert_eq!(
        d["reports"],
        json!([
            { "contractId": s.contract, "month": "2024-05", "totalHours": "1234.5", "traineeHours": "250.75", "traineeLines": 2, "replaces": false, "lines": [2, 3] },
            { "contractId": s.contract, "month": "2024-06", "totalHours": "1300", "traineeHours": "160", "traineeLines": 1, "replaces": false, "lines": [5] },
        ])
    );
    assert_eq!(d["problems"], json!([]));
    assert_eq!(
        app.count("hours_report").await,
        0,
        "a dry run writes nothing"
    );
    assert_eq!(app.count("payroll_import").await, 0);
    assert_eq!(app.count("audit_log").await, audit);

    let (_, done) = upload(
        &app,
        &bearer,
        "loen maj-juni.csv",
        danish_csv(),
        false,
        None,
        "da",
    )
    .await;
    assert_eq!(status(&done), "IMPORTED", "{done:#}");
    let import_id = done["data"]["importPayroll"]["importId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.count("hours_report").await, 2);
    assert_eq!(app.count("hours_line").await, 3);
    assert_eq!(app.count("payroll_import").await, 1);
    let months = app
        .ok(
            "query($c: UUID!) { hoursReports(filter: {contractId: $c}) { edges { node { month totalHours traineeHours lines { hours placement { employeeNumber } } } } } }",
            json!({ "c": s.contract }),
        )
        .await;
    assert_eq!(
        months["hoursReports"]["edges"][0]["node"]["totalHours"],
        "1234.50"
    );
    assert_eq!(
        months["hoursReports"]["edges"][0]["node"]["traineeHours"],
        "250.75"
    );
    assert_eq!(
        months["hoursReports"]["edges"][1]["node"]["lines"][0]["placement"]["employeeNumber"],
        "M-101"
    );
    assert_eq!(audit_rows(&app, "Hours report", "import").await, 2);
    assert_eq!(audit_rows(&app, "Payroll import", "import").await, 1);
    let trail = app
        .ok(
            "query { auditLog(filter: {entity: \"Payroll import\"}) { entityId after } }",
            json!({}),
        )
        .await;
    let entry = &trail["auditLog"][0];
    assert_eq!(entry["entityId"], import_id);
    assert_eq!(entry["after"]["file_name"], "loen maj-juni.csv");
    assert_eq!(entry["after"]["rows"].as_array().unwrap().len(), 3);
    assert_eq!(
        entry["after"]["rows"][1]["trainee"]["employee_number"],
        "M-102"
    );

    let audit = app.count("audit_log").await;
    let (_, again) = upload(&app, &bearer, "kopi.csv", danish_csv(), false, None, "da").await;
    assert_eq!(status(&again), "ALREADY_IMPORTED", "{again:#}");
    assert_eq!(
        again["data"]["importPayroll"]["importId"],
        import_id.as_str()
    );
    assert_eq!(app.count("hours_report").await, 2);
    assert_eq!(app.count("payroll_import").await, 1);
    assert_eq!(app.count("audit_log").await, audit, "nothing audited twice");
    let _ = &s.grant;
}

/// Scenario: a file with something wrong on several lines: every problem is answered at once,
/// each with its line and column, in the caller's language; the good month in the same file is
/// not written either (all or nothing).
#[tokio::test]
async fn every_problem_comes_back_with_its_line_and_column_and_nothing_is_written() {
    let app = TestApp::new().await;
    let s = site(&app).await;
    let bearer = app.admin_token().await.1;
    let file = format!(
        "kontrakt,måned,timer i alt,medarbejdernummer,timer\n\
         {c},2024-05,1000,M-101,150\n\
         {c},2024-06,100,M-101,90\n\
         {c},2024-06,100,M-102,20\n\
         {c},2024-07,800,M-999,10\n\
         {c},juli,800,,\n\
         {c},2024-08,12t,,\n\
         {c},2030-01,100,,\n",
        c = s.contract
    );
    let audit = app.count("audit_log").await;
    let (code, d) = upload(
        &app,
        &bearer,
        "fejl.csv",
        file.clone().into_bytes(),
        false,
        None,
        "da",
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(status(&d), "REFUSED", "{d:#}");
    let problems: Vec<(Value, Value)> = d["data"]["importPayroll"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["line"].clone(), p["column"].clone()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (json!(3), json!("timer i alt")),
            (json!(5), json!("medarbejdernummer")),
            (json!(6), json!("måned")),
            (json!(7), json!("timer i alt")),
            (json!(8), json!("måned")),
        ],
        "{d:#}"
    );
    let messages: Vec<&str> = d["data"]["importPayroll"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages[2],
        "\"juli\" er ikke en måned; skriv den som 2026-09"
    );
    assert!(
        messages[1].contains("ingen elev på denne kontrakt har medarbejdernummer M-999"),
        "{messages:?}"
    );
    assert!(
        messages[0].contains("overstiger månedens samlede timer"),
        "{messages:?}"
    );
    assert_eq!(
        messages[4],
        "januar 2030 ligger uden for kontraktperioden 1. marts 2023 til 31. december 2026"
    );
    assert_eq!(
        app.count("hours_report").await,
        0,
        "the good month is not written either"
    );
    assert_eq!(app.count("payroll_import").await, 0);
    assert_eq!(app.count("audit_log").await, audit);

    // The same in English.
    let (_, en) = upload(
        &app,
        &bearer,
        "fejl.csv",
        file.into_bytes(),
        true,
        None,
        "en",
    )
    .await;
    assert_eq!(
        en["data"]["importPayroll"]["problems"][2]["message"],
        "\"juli\" is not a month; write it as 2026-09"
    );

    // A file without the columns it needs says which.
    let (_, none) = upload(
        &app,
        &bearer,
        "x.csv",
        b"navn;timer\nAli;10\n".to_vec(),
        true,
        None,
        "da",
    )
    .await;
    let first = &none["data"]["importPayroll"]["problems"][0];
    assert_eq!(first["line"], Value::Null);
    assert!(
        first["message"].as_str().unwrap().contains("\"kontrakt\""),
        "{none:#}"
    );
    let _ = &s.placements;
}

/// Scenario: an XLSX export from a payroll system: the contract by id, the month as a date cell,
/// the hours as number cells, the trainee by placement id; imported with the filing date a
/// bygherre declares when loading last year's history.
#[tokio::test]
async fn a_workbook_with_date_and_number_cells_is_imported_with_its_filing_date() {
    let app = TestApp::new().await;
    let s = site(&app).await;
    let bearer = app.admin_token().await.1;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Kontrakt", "Måned", "Timer i alt", "Plads", "Timer"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let month = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 5, 1).unwrap();
    let date = rust_xlsxwriter::Format::new().set_num_format("mmm yyyy");
    sheet.write_string(1, 0, &s.contract).unwrap();
    sheet
        .write_datetime_with_format(1, 1, &month, &date)
        .unwrap();
    sheet.write_number(1, 2, 1234.7).unwrap();
    sheet.write_string(1, 3, &s.placements[1]).unwrap();
    sheet.write_number(1, 4, 37.5).unwrap();
    let bytes = book.save_to_buffer().unwrap();

    let (_, d) = upload(
        &app,
        &bearer,
        "timer.xlsx",
        bytes,
        false,
        Some("2024-06-08T09:00:00Z"),
        "da",
    )
    .await;
    assert_eq!(status(&d), "IMPORTED", "{d:#}");
    assert_eq!(d["data"]["importPayroll"]["format"], "xlsx");
    let r = app
        .ok(
            "query($c: UUID!) { hoursReports(filter: {contractId: $c}) { edges { node { month totalHours reportedAt lines { hours placement { id } } } } } }",
            json!({ "c": s.contract }),
        )
        .await;
    let node = &r["hoursReports"]["edges"][0]["node"];
    assert_eq!(node["month"], "2024-05");
    assert_eq!(node["totalHours"], "1234.70");
    assert_eq!(node["reportedAt"], "2024-06-08T09:00:00+00:00");
    assert_eq!(
        node["lines"],
        json!([{ "hours": "37.50", "placement": { "id": s.placements[1] } }])
    );
}

/// Scenario: what the import refuses before it reads a row: a file over 2 MiB (as a GraphQL
/// error with its code, or a 413 when the whole upload is larger than the server reads), a file
/// that is not a workbook, a file with no rows, a contractor declaring a filing date, a contract of another
/// contractor, and a viewer. Nothing is written by any of them.
#[tokio::test]
async fn what_the_import_refuses_writes_nothing() {
    let app = TestApp::new().await;
    let s = site(&app).await;
    let admin = app.admin_token().await.1;

    let (code, d) = upload(
        &app,
        &admin,
        "stor.csv",
        vec![b'1'; (2 << 20) + 10],
        true,
        None,
        "en",
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(
        d["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{d:#}"
    );
    assert_eq!(d["errors"][0]["extensions"]["field"], "file");
    assert_eq!(d["errors"][0]["message"], "the file is larger than 2 MiB");
    let (code, d) = upload(
        &app,
        &admin,
        "stoerre.csv",
        vec![b'1'; 3 << 20],
        true,
        None,
        "en",
    )
    .await;
    assert_eq!(code, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(d["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE");

    let (_, d) = upload(
        &app,
        &admin,
        "x.xlsx",
        b"PK\x03\x04not a zip".to_vec(),
        true,
        None,
        "da",
    )
    .await;
    assert_eq!(status(&d), "REFUSED");
    assert!(
        d["data"]["importPayroll"]["problems"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("filen er ikke en læsbar XLSX-projektmappe")
    );

    let (_, d) = upload(
        &app,
        &admin,
        "tom.csv",
        "kontrakt;måned;timer i alt\n;;\n".as_bytes().to_vec(),
        false,
        None,
        "da",
    )
    .await;
    assert_eq!(status(&d), "REFUSED", "{d:#}");
    assert_eq!(
        d["data"]["importPayroll"]["problems"][0]["message"],
        "filen har en overskrift, men ingen rækker med timer"
    );

    let contractor = contractor_of(&app, &s.contract).await;
    let own = token(&app, entity::enums::Role::Contractor, Some(&contractor)).await;
    let (_, d) = upload(
        &app,
        &own,
        "loen.csv",
        danish_csv(),
        false,
        Some("2024-06-08T09:00:00Z"),
        "en",
    )
    .await;
    assert_eq!(status(&d), "REFUSED", "{d:#}");
    let p = &d["data"]["importPayroll"]["problems"][0];
    assert_eq!(p["line"], Value::Null);
    assert!(
        p["message"]
            .as_str()
            .unwrap()
            .starts_with("only a BYGHERRE or ADMIN may declare when the reports were filed"),
        "{d:#}"
    );

    let other = app.contractor(1).await;
    let stranger = token(&app, entity::enums::Role::Contractor, Some(&other)).await;
    let (_, d) = upload(&app, &stranger, "loen.csv", danish_csv(), false, None, "en").await;
    assert_eq!(status(&d), "REFUSED");
    assert_eq!(
        d["data"]["importPayroll"]["problems"][0]["message"],
        format!(
            "no contract of CVR {} on grant LBF-1 that you can report hours on",
            cvr(0)
        )
    );
    assert_eq!(d["data"]["importPayroll"]["problems"][0]["line"], 2);

    let viewer = token(&app, entity::enums::Role::Viewer, None).await;
    let (_, d) = upload(&app, &viewer, "loen.csv", danish_csv(), false, None, "en").await;
    assert_eq!(d["errors"][0]["extensions"]["code"], "FORBIDDEN", "{d:#}");
    let tovholder = api::auth::create_token(
        &app.db,
        api::auth::CreateApiTokenInput {
            name: "tovholder".into(),
            role: entity::enums::Role::Tovholder,
            organisation_id: None,
            contractor_id: None,
            grant_ids: vec![uuid::Uuid::parse_str(&s.grant).unwrap()],
            expires_at: None,
        },
    )
    .await
    .map_err(|e| e.message())
    .unwrap()
    .1;
    let (_, d) = upload(
        &app,
        &tovholder,
        "loen.csv",
        danish_csv(),
        false,
        None,
        "en",
    )
    .await;
    assert_eq!(d["errors"][0]["extensions"]["code"], "FORBIDDEN", "{d:#}");

    assert_eq!(app.count("hours_report").await, 0);
    assert_eq!(app.count("payroll_import").await, 0);
}

/// Scenario: the same file sent twice at the same moment (a double click, or two instances
/// behind the load balancer): one import writes it, the other answers ALREADY_IMPORTED with the
/// same import id, and the months are written once.
#[tokio::test]
async fn the_same_file_twice_at_once_is_written_once() {
    let app = TestApp::new().await;
    let _s = site(&app).await;
    let bearer = app.admin_token().await.1;
    let (a, b) = tokio::join!(
        upload(&app, &bearer, "a.csv", danish_csv(), false, None, "en"),
        upload(&app, &bearer, "b.csv", danish_csv(), false, None, "en"),
    );
    let mut statuses = [status(&a.1).to_owned(), status(&b.1).to_owned()];
    statuses.sort();
    assert_eq!(statuses, ["ALREADY_IMPORTED", "IMPORTED"], "{a:#?} {b:#?}");
    assert_eq!(
        a.1["data"]["importPayroll"]["importId"],
        b.1["data"]["importPayroll"]["importId"]
    );
    assert_eq!(app.count("payroll_import").await, 1);
    assert_eq!(app.count("hours_report").await, 2);
    assert_eq!(app.count("hours_line").await, 3);
    assert_eq!(audit_rows(&app, "Hours report", "import").await, 2);
}

/// Scenario: the employee number a payroll file names a trainee by: never something that looks
/// like a CPR number, and on one contract never two persons' number.
#[tokio::test]
async fn an_employee_number_is_the_contractors_key_never_a_cpr_number() {
    let app = TestApp::new().await;
    let s = site(&app).await;
    let set = "mutation($id: UUID!, $n: String) { updatePlacement(id: $id, input: {employeeNumber: $n}) { employeeNumber } }";
    for cpr in ["0101901234", "010190-1234"] {
        let (code, field, message) = app
            .err(set, json!({ "id": s.placements[0], "n": cpr }))
            .await;
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("BAD_USER_INPUT", Some("employeeNumber"))
        );
        assert!(message.contains("looks like a CPR number"), "{message}");
    }
    let (code, _, message) = app
        .err(set, json!({ "id": s.placements[0], "n": "M-102" }))
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert_eq!(
        message,
        "employee number M-102 is already another person's on this contract"
    );
    let (code, _, _) = app
        .err(set, json!({ "id": s.placements[0], "n": "M 1" }))
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    // Cleared with null, and the number is free again.
    let d = app
        .ok(set, json!({ "id": s.placements[1], "n": null }))
        .await;
    assert_eq!(d["updatePlacement"]["employeeNumber"], Value::Null);
    let d = app
        .ok(set, json!({ "id": s.placements[0], "n": "M-102" }))
        .await;
    assert_eq!(d["updatePlacement"]["employeeNumber"], "M-102");
}

/// Scenario: the payroll office imports May and June 2024 (each month submitted under the
/// importing integration's declaration, named as such); the bygherre accepts May. A corrected
/// file that would change May is refused with a problem naming the month, and writes nothing;
/// without the declaration no file is imported at all.
#[tokio::test]
async fn a_file_that_would_change_an_accepted_month_is_refused_naming_it() {
    let app = TestApp::new().await;
    let s = site(&app).await;
    let contractor = contractor_of(&app, &s.contract).await;
    let bearer = token(&app, entity::enums::Role::Contractor, Some(&contractor)).await;
    let (_, done) = upload(
        &app,
        &bearer,
        "maj-juni.csv",
        danish_csv(),
        false,
        None,
        "da",
    )
    .await;
    assert_eq!(status(&done), "IMPORTED", "{done:#}");
    let may = app
        .ok(
            "query($c: UUID!) { hoursMonth(contractId: $c, month: \"2024-05\") { versions { status declarationVersion declaredBy } } }",
            json!({ "c": s.contract }),
        )
        .await;
    assert_eq!(
        may["hoursMonth"]["versions"],
        json!([{ "status": "SUBMITTED", "declarationVersion": "2026-12", "declaredBy": "integration: løn" }])
    );
    app.ok(
        "mutation($c: UUID!) { acceptHoursMonth(input: {contractId: $c, month: \"2024-05\"}) { status } }",
        json!({ "c": s.contract }),
    )
    .await;
    let before = app.snapshot().await;
    let corrected = String::from_utf8(danish_csv())
        .unwrap()
        .replace("152,5", "150")
        .replace("1.300", "1.310");
    let (_, refused) = upload(
        &app,
        &bearer,
        "rettet.csv",
        corrected.into_bytes(),
        false,
        None,
        "da",
    )
    .await;
    assert_eq!(status(&refused), "REFUSED", "{refused:#}");
    let problems = &refused["data"]["importPayroll"]["problems"];
    assert_eq!(problems.as_array().unwrap().len(), 1, "{problems:#}");
    assert_eq!(
        problems[0]["message"],
        "maj 2024 er accepteret af bygherren: en ændring er en ny version og kræver en begrundelse"
    );
    assert_eq!(problems[0]["line"], 2);
    assert_eq!(
        app.snapshot().await,
        before,
        "a refused file writes nothing"
    );

    // Without the declaration: refused as a whole, before any month is tried.
    let cli = TestClient::new(api::http::app(app.db.clone(), app.schema.clone()));
    let operations = json!({
        "query": "mutation($f: Upload!) { importPayroll(file: $f) { status problems { line message } } }",
        "variables": { "f": null },
    });
    let form = TestForm::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.f"] }).to_string())
        .field(
            TestFormField::bytes(b"x".to_vec())
                .name("0")
                .filename("x.csv"),
        );
    let res = cli
        .post("/graphql")
        .header("Authorization", format!("Bearer {bearer}"))
        .multipart(form)
        .send()
        .await;
    let body: Value = serde_json::from_slice(&res.0.into_body().into_vec().await.unwrap()).unwrap();
    assert_eq!(body["data"]["importPayroll"]["status"], "REFUSED");
    assert_eq!(
        body["data"]["importPayroll"]["problems"][0]["line"],
        Value::Null
    );
    assert!(
        body["data"]["importPayroll"]["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("declarationVersion \"2026-12\""),
        "{body:#}"
    );
    assert_eq!(app.snapshot().await, before);
}
