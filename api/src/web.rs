//! The web app's sign-in and session pages, server-rendered in Danish: accepting an invitation
//! (setting the password), signing in and out, and the signed-in start page with the portfolio.
//! Every page's figures come through the GraphQL schema with the user's own principal, so the app
//! is one more client of the API and sees exactly what the user's scope allows.
//!
//! Forms work without JavaScript. The session cookie is HttpOnly, SameSite=Lax and Secure except
//! on localhost; every form carries a CSRF token (the session's, or before sign-in a double-submit
//! cookie's); sign-in and invitation attempts are limited per client address on top of the
//! per-account lock in [`crate::accounts`].

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use chrono::Utc;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use poem::http::{StatusCode, header};
use poem::web::cookie::{Cookie, SameSite};
use poem::web::{Data, Form, Query, RemoteAddr};
use poem::{Response, handler};
use sea_orm::{DatabaseConnection, TransactionTrait};
use serde::Deserialize;

use crate::accounts;
pub use crate::accounts::Session;
use crate::error::AppError;
use crate::graphql::AppSchema;
use crate::i18n::{Lang, da_decimal};

pub const SESSION_COOKIE: &str = "sct_session";
pub const CSRF_COOKIE: &str = "sct_csrf";

/// Sign-in and invitation attempts per client address: 10 a minute.
pub struct Attempts(DefaultKeyedRateLimiter<IpAddr>);

impl Default for Attempts {
    fn default() -> Self {
        Self(RateLimiter::keyed(Quota::per_minute(
            NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN),
        )))
    }
}

impl Attempts {
    /// Whether the client may try again now. Behind a load balancer on the internal network (the
    /// connection comes from a private or loopback address) the client is the first address of
    /// `X-Forwarded-For`; otherwise the connection's own address, which a client cannot forge.
    fn allow(&self, req: &poem::Request, remote: &RemoteAddr) -> bool {
        let peer = remote.as_socket_addr().map(|a| a.ip());
        let proxied = peer.is_some_and(|ip| match ip {
            IpAddr::V4(v4) => v4.is_private() || v4.is_loopback(),
            IpAddr::V6(v6) => v6.is_loopback(),
        });
        let forwarded = || {
            req.headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok())
        };
        let client = if proxied { forwarded().or(peer) } else { peer };
        // A caller without an IP address (in-process tests) shares one bucket.
        let key = client.unwrap_or(IpAddr::from([0, 0, 0, 0]));
        self.0.check_key(&key).is_ok()
    }
}

fn cookie_value(req: &poem::Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|part| Cookie::parse(part.trim()).ok())
        .find(|c| c.name() == name)
        .map(|c| c.value_str().to_owned())
}

/// Secure cookies everywhere but on the developer's own machine (browsers refuse Secure cookies
/// over plain http to other hosts, and production runs behind TLS).
fn secure(req: &poem::Request) -> bool {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    !(host.starts_with("localhost") || host.starts_with("127.0.0.1") || host.starts_with("[::1]"))
}

fn set_cookie(req: &poem::Request, name: &str, value: &str, max_age: Option<i64>) -> String {
    let mut c = Cookie::new_with_str(name, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_secure(secure(req));
    c.set_path("/");
    if let Some(s) = max_age {
        c.set_max_age(std::time::Duration::from_secs(s.max(0) as u64));
    }
    c.to_string()
}

/// Logs an internal error with a reference, as the GraphQL conversion does (the page shows only
/// the generic message).
fn log_internal(e: AppError) {
    let _logged: async_graphql::Error = e.into();
}

/// Constant-time comparison of two CSRF tokens.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub(crate) fn page(title: &str, who: Option<&Session>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="da" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Social klausul-tracker" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                a.skip href="#indhold" { "Spring til indhold" }
                header {
                    p.brand { "Social klausul-tracker" }
                    @if let Some(s) = who {
                        form method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(s.session.csrf_token);
                            span { (s.user.display_name) " (" (crate::auth::role_name(s.user.role)) ")" }
                            " "
                            button type="submit" { "Log ud" }
                        }
                    }
                }
                main id="indhold" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}\
header,main{max-width:64rem;margin:0 auto;padding:1rem}header{display:flex;justify-content:space-between;\
align-items:center;border-bottom:1px solid #767676}.brand{font-weight:700;margin:0}\
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}\
label{display:block;font-weight:600;margin:.75rem 0 .25rem}input{font-size:1rem;padding:.4rem;\
border:1px solid #595959;width:100%;max-width:24rem;box-sizing:border-box}\
button{font-size:1rem;padding:.5rem 1.25rem;background:#0b5394;color:#fff;border:0;border-radius:3px;\
cursor:pointer;margin-top:1rem}button:focus,input:focus,a:focus{outline:3px solid #f9b400;outline-offset:1px}\
.error{color:#a4000f;font-weight:600}table{border-collapse:collapse;width:100%}\
th,td{text-align:left;padding:.4rem;border-bottom:1px solid #bbb}td.num,th.num{text-align:right}";

pub(crate) fn html_response(status: StatusCode, markup: Markup, cookies: Vec<String>) -> Response {
    let mut r = Response::builder()
        .status(status)
        .content_type("text/html; charset=utf-8");
    for c in cookies {
        r = r.header(header::SET_COOKIE, c);
    }
    r.body(markup.into_string())
}

pub(crate) fn redirect(to: &str, cookies: Vec<String>) -> Response {
    let mut r = Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, to);
    for c in cookies {
        r = r.header(header::SET_COOKIE, c);
    }
    r.finish()
}

/// The signed-in session of a request, if any.
pub async fn current(db: &DatabaseConnection, req: &poem::Request) -> Option<Session> {
    let secret = cookie_value(req, SESSION_COOKIE)?;
    accounts::session(db, &secret, Utc::now())
        .await
        .ok()
        .flatten()
}

fn login_form(csrf: &str, email: &str, error: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form method="post" action="/login" {
            input type="hidden" name="csrf" value=(csrf);
            label for="email" { "E-mail" }
            input id="email" name="email" type="email" autocomplete="username" required value=(email);
            label for="password" { "Adgangskode" }
            input id="password" name="password" type="password" autocomplete="current-password" required;
            button type="submit" { "Log ind" }
        }
    }
}

/// A fresh pre-session CSRF token and its cookie.
fn pre_session_csrf(req: &poem::Request) -> (String, String) {
    let token = uuid::Uuid::new_v4().simple().to_string();
    let cookie = set_cookie(req, CSRF_COOKIE, &token, None);
    (token, cookie)
}

/// GET /login
#[handler]
pub async fn login_page(req: &poem::Request, db: Data<&DatabaseConnection>) -> Response {
    if current(&db, req).await.is_some() {
        return redirect("/app", vec![]);
    }
    let (csrf, cookie) = pre_session_csrf(req);
    html_response(
        StatusCode::OK,
        page("Log ind", None, login_form(&csrf, "", None)),
        vec![cookie],
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    email: String,
    password: String,
}

fn pre_session_csrf_ok(req: &poem::Request, sent: &str) -> bool {
    cookie_value(req, CSRF_COOKIE).is_some_and(|c| same(&c, sent))
}

/// A page that says why a signed-in person's request was refused.
pub(crate) fn error_page(
    status: StatusCode,
    title: &str,
    who: &Session,
    message: &str,
) -> Response {
    html_response(
        status,
        page(
            title,
            Some(who),
            html! { p.error role="alert" { (message) } },
        ),
        vec![],
    )
}

fn refused(status: StatusCode, title: &str, message: &str) -> Response {
    html_response(
        status,
        page(
            title,
            None,
            html! { p.error role="alert" { (message) } p { a href="/login" { "Til log ind" } } },
        ),
        vec![],
    )
}

/// POST /login
#[handler]
pub async fn login(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    attempts: Data<&Arc<Attempts>>,
    remote: &RemoteAddr,
    Form(form): Form<LoginForm>,
) -> Response {
    if !pre_session_csrf_ok(req, &form.csrf) {
        return refused(
            StatusCode::FORBIDDEN,
            "Log ind",
            "Formularen er udløbet eller kom ikke fra denne side. Hent siden igen og prøv på ny.",
        );
    }
    if !attempts.allow(req, remote) {
        return refused(
            StatusCode::TOO_MANY_REQUESTS,
            "Log ind",
            "For mange forsøg fra denne adresse. Vent et minut, og prøv igen.",
        );
    }
    match accounts::sign_in(*db, &form.email, &form.password, Utc::now()).await {
        Ok(s) => {
            let max_age = accounts::LIFETIME.num_seconds();
            redirect(
                "/app",
                vec![set_cookie(req, SESSION_COOKIE, &s.secret, Some(max_age))],
            )
        }
        Err(e) => {
            let (status, message) = match &e {
                AppError::RateLimited(m) => {
                    (StatusCode::TOO_MANY_REQUESTS, m.get(Lang::Da).to_owned())
                }
                AppError::Unauthenticated => (
                    StatusCode::UNAUTHORIZED,
                    "E-mail eller adgangskode er forkert.".to_owned(),
                ),
                _ => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    e.text().get(Lang::Da).to_owned(),
                ),
            };
            if status == StatusCode::INTERNAL_SERVER_ERROR {
                log_internal(e);
            }
            let (csrf, cookie) = pre_session_csrf(req);
            html_response(
                status,
                page(
                    "Log ind",
                    None,
                    login_form(&csrf, &form.email, Some(&message)),
                ),
                vec![cookie],
            )
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// POST /logout
#[handler]
pub async fn logout(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let Some(s) = current(&db, req).await else {
        return redirect("/login", vec![]);
    };
    if !same(&s.session.csrf_token, &form.csrf) {
        return refused(
            StatusCode::FORBIDDEN,
            "Log ud",
            "Formularen kom ikke fra denne session. Hent siden igen og prøv på ny.",
        );
    }
    if let Err(e) = accounts::sign_out(*db, s.session, Utc::now()).await {
        log_internal(e);
    }
    redirect("/login", vec![set_cookie(req, SESSION_COOKIE, "", Some(0))])
}

#[derive(Deserialize)]
pub struct InvitationQuery {
    token: Option<String>,
}

fn invitation_form(csrf: &str, token: &str, name: &str, error: Option<&str>) -> Markup {
    html! {
        p { "Velkommen, " (name) ". Vælg en adgangskode på mindst "
            (accounts::PASSWORD_MIN) " tegn." }
        @if let Some(e) = error { p.error role="alert" id="password-error" { (e) } }
        form method="post" action="/invitation" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="token" value=(token);
            label for="password" { "Ny adgangskode" }
            input id="password" name="password" type="password" autocomplete="new-password"
                required minlength=(accounts::PASSWORD_MIN) aria-describedby="password-error";
            button type="submit" { "Gem adgangskode" }
        }
    }
}

/// GET /invitation?token=…
#[handler]
pub async fn invitation_page(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    Query(q): Query<InvitationQuery>,
) -> Response {
    let token = q.token.unwrap_or_default();
    match accounts::invited(*db, &token, Utc::now()).await {
        Ok(user) => {
            let (csrf, cookie) = pre_session_csrf(req);
            html_response(
                StatusCode::OK,
                page(
                    "Opret adgangskode",
                    None,
                    invitation_form(&csrf, &token, &user.display_name, None),
                ),
                vec![cookie],
            )
        }
        Err(e) => refused(StatusCode::NOT_FOUND, "Invitation", e.text().get(Lang::Da)),
    }
}

#[derive(Deserialize)]
pub struct InvitationForm {
    csrf: String,
    token: String,
    password: String,
}

/// POST /invitation: sets the password (audited under the user) and signs in.
#[handler]
pub async fn accept_invitation(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    attempts: Data<&Arc<Attempts>>,
    remote: &RemoteAddr,
    Form(form): Form<InvitationForm>,
) -> Response {
    if !pre_session_csrf_ok(req, &form.csrf) {
        return refused(
            StatusCode::FORBIDDEN,
            "Opret adgangskode",
            "Formularen er udløbet eller kom ikke fra denne side. Åbn invitationen igen.",
        );
    }
    if !attempts.allow(req, remote) {
        return refused(
            StatusCode::TOO_MANY_REQUESTS,
            "Opret adgangskode",
            "For mange forsøg fra denne adresse. Vent et minut, og prøv igen.",
        );
    }
    let now = Utc::now();
    let done: crate::error::AppResult<accounts::NewSession> = async {
        let txn = db.begin().await?;
        let user = accounts::accept_invitation(&txn, &form.token, &form.password, now).await?;
        let who = crate::auth::Principal {
            user_id: Some(user.id),
            role: user.role,
            ..crate::auth::Principal::system()
        };
        crate::audit::write(
            &txn,
            &who,
            "User",
            user.id,
            "set-password",
            None,
            serde_json::to_value(&user).ok(),
        )
        .await?;
        let session = accounts::open_session(&txn, user, now).await?;
        txn.commit().await?;
        Ok(session)
    }
    .await;
    match done {
        Ok(s) => redirect(
            "/app",
            vec![set_cookie(
                req,
                SESSION_COOKIE,
                &s.secret,
                Some(accounts::LIFETIME.num_seconds()),
            )],
        ),
        Err(e @ AppError::BadInput { .. }) => {
            let name = accounts::invited(*db, &form.token, now)
                .await
                .map(|u| u.display_name)
                .unwrap_or_default();
            if name.is_empty() {
                return refused(StatusCode::NOT_FOUND, "Invitation", e.text().get(Lang::Da));
            }
            let (csrf, cookie) = pre_session_csrf(req);
            html_response(
                StatusCode::BAD_REQUEST,
                page(
                    "Opret adgangskode",
                    None,
                    invitation_form(&csrf, &form.token, &name, Some(e.text().get(Lang::Da))),
                ),
                vec![cookie],
            )
        }
        Err(e) => {
            let text = e.text().get(Lang::Da).to_owned();
            let _: async_graphql::Error = e.into();
            refused(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Opret adgangskode",
                &text,
            )
        }
    }
}

/// GET /app: the start page. Callers who may see grant figures get the portfolio, from the
/// GraphQL schema with their own principal.
#[handler]
pub async fn app_home(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    schema: Data<&AppSchema>,
) -> Response {
    let Some(s) = current(&db, req).await else {
        return redirect("/login", vec![]);
    };
    let body = if s.principal.scope().sees_grant_figures() {
        let query = "{ complianceDashboard { grantId grant { caseNumber title } status metrics { sharePercent requiredSharePercent shortfallHours } } }";
        let request = async_graphql::Request::new(query)
            .data(s.principal.clone())
            .data(Lang::Da);
        let response = schema.execute(request).await;
        let data = response.data.into_json().unwrap_or_default();
        let rows = data["complianceDashboard"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let decimal = |v: &serde_json::Value| {
            v.as_str()
                .and_then(|t| t.parse::<rust_decimal::Decimal>().ok())
                .map(|d| da_decimal(d, 2))
                .unwrap_or_else(|| "–".into())
        };
        html! {
            h2 { "Porteføljeoverblik" }
            @if !response.errors.is_empty() {
                p.error role="alert" { "Overblikket kunne ikke hentes." }
            }
            table {
                caption { "Dine LBF-tilsagn: oplæringsandel mod kravet og manglende timer" }
                thead { tr {
                    th scope="col" { "Sag" } th scope="col" { "Titel" } th scope="col" { "Status" }
                    th.num scope="col" { "Oplæringsandel (%)" } th.num scope="col" { "Krav (%)" }
                    th.num scope="col" { "Manglende timer" }
                } }
                tbody {
                    @for r in &rows {
                        tr {
                            td { a href={ "/app/grants/" (r["grantId"].as_str().unwrap_or_default()) } {
                                (r["grant"]["caseNumber"].as_str().unwrap_or_default()) } }
                            td { (r["grant"]["title"].as_str().unwrap_or_default()) }
                            td { (status_da(r["status"].as_str().unwrap_or_default())) }
                            td.num { (decimal(&r["metrics"]["sharePercent"])) }
                            td.num { (decimal(&r["metrics"]["requiredSharePercent"])) }
                            td.num { (decimal(&r["metrics"]["shortfallHours"])) }
                        }
                    }
                }
            }
        }
    } else if s.user.role == entity::enums::Role::Contractor {
        let request = async_graphql::Request::new(
            "{ contracts { edges { node { id trade grant { caseNumber title } } } } }",
        )
        .data(s.principal.clone())
        .data(Lang::Da);
        let data = schema
            .execute(request)
            .await
            .data
            .into_json()
            .unwrap_or_default();
        let contracts = data["contracts"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        html! {
            h2 { "Jeres kontrakter" }
            ul {
                @for c in &contracts {
                    li { a href={ "/app/hours?contract=" (c["node"]["id"].as_str().unwrap_or_default()) } {
                        "Indberet timer: " (c["node"]["trade"].as_str().unwrap_or_default()) ", "
                        (c["node"]["grant"]["caseNumber"].as_str().unwrap_or_default()) " "
                        (c["node"]["grant"]["title"].as_str().unwrap_or_default()) } }
                }
            }
        }
    } else {
        html! { p { "Du er logget ind. Siderne for din rolle kommer her." } }
    };
    let title = format!("Velkommen, {}", s.user.display_name);
    html_response(StatusCode::OK, page(&title, Some(&s), body), vec![])
}

/// A status in Danish, with the words of the domain brief.
fn status_da(status: &str) -> &'static str {
    match status {
        "NOT_STARTED" => "ikke startet",
        "COMPLIANT" => "overholdt",
        "AT_RISK" => "i risiko",
        "BREACH" => "ikke overholdt",
        "COMPLETED" => "afsluttet",
        _ => "ukendt",
    }
}

/// A severity in Danish.
fn severity_da(severity: &str) -> &'static str {
    match severity {
        "BREACH" => "brud på krav",
        "WARNING" => "advarsel",
        _ => "information",
    }
}

/// What each rule is about, for the findings' headings.
fn rule_da(rule: &str) -> &'static str {
    match rule {
        "R1" => "R1 Oplæringsandel",
        "R2" => "R2 Måltal",
        "R3" => "R3 På sporet",
        "R4" => "R4 Uddannelsesklausul",
        "R5" => "R5 Lærlingeindberetning til LBF",
        "R6" => "R6 Månedsindberetning af timer",
        "R7" => "R7 Følgegruppens møder",
        "R8" => "R8 Opfølgning på snusepraktik",
        "R9" => "R9 Dobbelttælling",
        _ => "Andre afvigelser",
    }
}

fn parse(v: &serde_json::Value) -> Option<rust_decimal::Decimal> {
    v.as_str().and_then(|t| t.parse().ok())
}

fn shown(v: &serde_json::Value, dp: u32) -> String {
    parse(v)
        .map(|d| da_decimal(d, dp))
        .unwrap_or_else(|| "–".into())
}

fn float(v: &serde_json::Value) -> Option<f64> {
    use rust_decimal::prelude::ToPrimitive;
    parse(v).and_then(|d| d.to_f64())
}

/// GET /app/grants/{id}: one grant's status, key numbers, charts (each with its table) and
/// findings grouped by rule, all from the schema with the signed-in person's scope.
#[handler]
pub async fn grant_page(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    schema: Data<&AppSchema>,
    poem::web::Path(id): poem::web::Path<String>,
) -> Response {
    let Some(s) = current(&db, req).await else {
        return redirect("/login", vec![]);
    };
    let Ok(grant_id) = id.parse::<uuid::Uuid>() else {
        return error_page(
            StatusCode::NOT_FOUND,
            "Ikke fundet",
            &s,
            "Siden findes ikke.",
        );
    };
    let query = "query($g: UUID!) {
        compliance(grantId: $g) {
            grant { caseNumber title }
            asOf status
            metrics { labourHours traineeHours sharePercent requiredSharePercent neededTraineeHours shortfallHours }
            targetArsvaerk targetHours expectedByNowHours deliveredInWindowHours projectedSharePercent
            findings { rule code severity message }
        }
        complianceTimeSeries(grantId: $g) { month cumulativeSharePercent cumulativeTraineeHours targetCumulativeTraineeHours requiredSharePercent }
    }";
    let request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(
            serde_json::json!({ "g": grant_id }),
        ))
        .data(s.principal.clone())
        .data(Lang::Da);
    let mut response = schema.execute(request).await;
    crate::graphql::localize(&mut response.errors, Lang::Da);
    if let Some(e) = response.errors.first() {
        let code = e
            .extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .map(|v| v.to_string().trim_matches('"').to_owned())
            .unwrap_or_default();
        let status = match code.as_str() {
            "FORBIDDEN" => StatusCode::FORBIDDEN,
            "NOT_FOUND" => StatusCode::NOT_FOUND,
            _ => StatusCode::BAD_REQUEST,
        };
        return error_page(status, "LBF-tilsagn", &s, &e.message);
    }
    let data = response.data.into_json().unwrap_or_default();
    let c = &data["compliance"];
    let series = data["complianceTimeSeries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let month = |m: &serde_json::Value| {
        m.as_str()
            .and_then(|t| chrono::NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").ok())
    };
    let labels: Vec<String> = series
        .iter()
        .map(|p| {
            month(&p["month"])
                .map(|d| {
                    d.format_localized("%b %y", chrono::Locale::da_DK)
                        .to_string()
                })
                .unwrap_or_default()
        })
        .collect();
    let points = |key: &str| -> Vec<(usize, f64)> {
        series
            .iter()
            .enumerate()
            .filter_map(|(i, p)| float(&p[key]).map(|v| (i, v)))
            .collect()
    };
    let share_chart = crate::charts::lines(
        "Oplæringsandel, akkumuleret, mod kravet",
        "procent",
        &labels,
        &[
            crate::charts::Line {
                name: "Oplæringsandel (akkumuleret)",
                colour: crate::charts::BLUE,
                points: points("cumulativeSharePercent"),
            },
            crate::charts::Line {
                name: "Krav",
                colour: crate::charts::ORANGE,
                points: points("requiredSharePercent"),
            },
        ],
    );
    let hours_chart = crate::charts::lines(
        "Timer for personer under oplæring, akkumuleret, mod mållinjen",
        "timer",
        &labels,
        &[
            crate::charts::Line {
                name: "Leveret (akkumuleret)",
                colour: crate::charts::GREEN,
                points: points("cumulativeTraineeHours"),
            },
            crate::charts::Line {
                name: "Mållinje",
                colour: crate::charts::ORANGE,
                points: points("targetCumulativeTraineeHours"),
            },
        ],
    );
    let findings = c["findings"].as_array().cloned().unwrap_or_default();
    let mut rules: Vec<&str> = findings.iter().filter_map(|f| f["rule"].as_str()).collect();
    rules.sort();
    rules.dedup();
    let as_of = c["asOf"]
        .as_str()
        .and_then(|t| t.parse::<chrono::NaiveDate>().ok())
        .map(crate::i18n::da_date)
        .unwrap_or_default();
    let title = format!(
        "{} · {}",
        c["grant"]["caseNumber"].as_str().unwrap_or_default(),
        c["grant"]["title"].as_str().unwrap_or_default()
    );
    let body = html! {
        p { "Status " (as_of) ": " strong { (status_da(c["status"].as_str().unwrap_or_default())) } }
        h2 { "Nøgletal" }
        dl {
            dt { "Oplæringsandel" } dd { (shown(&c["metrics"]["sharePercent"], 2)) " % (krav " (shown(&c["metrics"]["requiredSharePercent"], 2)) " %)" }
            dt { "Timer på pladsen" } dd { (shown(&c["metrics"]["labourHours"], 2)) }
            dt { "Timer for personer under oplæring" } dd { (shown(&c["metrics"]["traineeHours"], 2)) }
            dt { "Krævede timer" } dd { (shown(&c["metrics"]["neededTraineeHours"], 2)) }
            dt { "Manglende timer" } dd { (shown(&c["metrics"]["shortfallHours"], 2)) }
            dt { "Måltal" } dd { (shown(&c["targetArsvaerk"], 2)) " årsværk (" (shown(&c["targetHours"], 2)) " timer)" }
            dt { "Forventet til nu / leveret" } dd { (shown(&c["expectedByNowHours"], 2)) " / " (shown(&c["deliveredInWindowHours"], 2)) " timer" }
            dt { "Forventet andel ved aflevering" } dd { (shown(&c["projectedSharePercent"], 2)) " %" }
        }
        h2 { "Udvikling" }
        figure {
            (PreEscaped(share_chart))
            figcaption { "Oplæringsandelen måned for måned mod kravet. Tallene står i tabellen herunder." }
        }
        figure {
            (PreEscaped(hours_chart))
            figcaption { "Leverede timer mod den forholdsmæssige mållinje." }
        }
        table {
            caption { "Måned for måned" }
            thead { tr {
                th scope="col" { "Måned" } th.num scope="col" { "Andel, akkumuleret (%)" }
                th.num scope="col" { "Krav (%)" } th.num scope="col" { "Timer, akkumuleret" }
                th.num scope="col" { "Mållinje (timer)" }
            } }
            tbody {
                @for p in &series {
                    tr {
                        td { (month(&p["month"]).map(crate::i18n::da_month).unwrap_or_default()) }
                        td.num { (shown(&p["cumulativeSharePercent"], 2)) }
                        td.num { (shown(&p["requiredSharePercent"], 2)) }
                        td.num { (shown(&p["cumulativeTraineeHours"], 2)) }
                        td.num { (shown(&p["targetCumulativeTraineeHours"], 2)) }
                    }
                }
            }
        }
        h2 { "Afvigelser" }
        @if findings.is_empty() { p { "Ingen afvigelser." } }
        @for rule in &rules {
            h3 { (rule_da(rule)) }
            ul {
                @for f in findings.iter().filter(|f| f["rule"].as_str() == Some(rule)) {
                    li { strong { (severity_da(f["severity"].as_str().unwrap_or_default())) ": " } (f["message"].as_str().unwrap_or_default()) }
                }
            }
        }
        p { a href="/app" { "Tilbage til overblikket" } }
    };
    html_response(StatusCode::OK, page(&title, Some(&s), body), vec![])
}
