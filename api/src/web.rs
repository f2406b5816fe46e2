//! The web app's sign-in and session pages, server-rendered in Danish: accepting an invitation
//! (setting the password), signing in and out, and the signed-in start page with the portfolio.
//! Every page's figures come through the GraphQL schema with the user's own principal, so the app
//! is one more client of the API and sees exactly what the user's scope allows.
//!
//! Forms work without JavaScript. The session cookie is HttpOnly, SameSite=Lax and Secure as
//! configured (`PUBLIC_BASE_URL`); every form carries a CSRF token (the session's, or before
//! sign-in a double-submit cookie's that the server signed); sign-in and invitation attempts are limited per client address on top of the
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
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use crate::accounts;
pub use crate::accounts::Session;
use crate::config::WebConfig;
use crate::error::AppError;
use crate::graphql::AppSchema;
use crate::i18n::Lang;

pub const SESSION_COOKIE: &str = "sct_session";
pub const CSRF_COOKIE: &str = "sct_csrf";
pub const LANG_COOKIE: &str = "sct_lang";

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
    /// Whether the client may try again now (the client's address as [`client_address`] finds
    /// it).
    fn allow(&self, req: &poem::Request, remote: &RemoteAddr) -> bool {
        let web = req.data::<WebConfig>().cloned().unwrap_or_default();
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        let peer = remote.as_socket_addr().map(|a| a.ip());
        // A caller without an IP address (in-process tests) shares one bucket.
        let key = peer
            .map(|peer| client_address(peer, &forwarded, &web.trusted_proxies))
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        self.0.check_key(&key).is_ok()
    }
}

/// The client's address: the connection's own, unless it comes from a trusted proxy; then the
/// right-most `X-Forwarded-For` entry that is not itself a trusted proxy. Entries further left
/// were written by the client (a proxy appends the address it saw), so they are never used; an
/// entry that is not an address ends the walk at the proxy that passed it on.
pub fn client_address(peer: IpAddr, forwarded: &str, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    let mut client = peer;
    if !is_trusted(&client) {
        return client;
    }
    for entry in forwarded.rsplit(',') {
        let Ok(ip) = entry.trim().parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !is_trusted(&client) {
            break;
        }
    }
    client
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

/// Secure cookies as configured ([`WebConfig::secure_cookies`]), never from the `Host` header.
fn secure(req: &poem::Request) -> bool {
    req.data::<WebConfig>().is_some_and(|w| w.secure_cookies)
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

/// The page language chosen with the switch (a cookie), Danish unless English was chosen.
pub(crate) fn lang_of(req: &poem::Request) -> Lang {
    match cookie_value(req, LANG_COOKIE).as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Da,
    }
}

/// One text in the page's language.
pub(crate) fn t(l: Lang, da: &'static str, en: &'static str) -> &'static str {
    match l {
        Lang::Da => da,
        Lang::En => en,
    }
}

/// The pages each role works with, for the navigation bar.
fn pages_of(role: entity::enums::Role) -> &'static [(&'static str, &'static str, &'static str)] {
    use entity::enums::Role;
    match role {
        Role::Admin | Role::Bygherre => &[
            ("/app", "Overblik", "Portfolio"),
            ("/app/ranking", "Entreprenører", "Contractors"),
            ("/app/import", "Lønimport", "Payroll import"),
            ("/app/reminders", "Påmindelser", "Reminders"),
        ],
        Role::Viewer => &[
            ("/app", "Overblik", "Portfolio"),
            ("/app/ranking", "Entreprenører", "Contractors"),
            ("/app/reminders", "Påmindelser", "Reminders"),
        ],
        Role::Tovholder => &[
            ("/app", "Overblik", "Portfolio"),
            ("/app/trials", "Snusepraktik", "Trial placements"),
            ("/app/groups", "Følgegrupper", "Follow-up groups"),
            ("/app/reminders", "Påmindelser", "Reminders"),
        ],
        Role::Contractor => &[
            ("/app", "Kontrakter og tal", "Contracts and figures"),
            ("/app/import", "Lønimport", "Payroll import"),
            ("/app/reminders", "Påmindelser", "Reminders"),
        ],
    }
}

/// A page in the signed-in person's language (Danish before sign-in unless switched).
pub(crate) fn page(title: &str, who: Option<&Session>, body: Markup) -> Markup {
    page_in(who.map_or(Lang::Da, |s| s.lang), title, who, body)
}

#[derive(Deserialize)]
pub struct LangQuery {
    to: Option<String>,
    back: Option<String>,
}

/// GET /lang?to=en&back=/app: switches the pages' language and returns to the page. Only a
/// path on this site is followed back (never another host).
#[handler]
pub async fn switch_lang(req: &poem::Request, Query(q): Query<LangQuery>) -> Response {
    let to = if q.to.as_deref() == Some("en") {
        "en"
    } else {
        "da"
    };
    // Back to the page the switch was on: its path from `back` or the Referer, if on this host.
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let referer = req
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://"))
        .and_then(|(_, rest)| rest.split_once('/'))
        .filter(|(h, _)| *h == host)
        .map(|(_, path)| format!("/{path}"));
    let back = q
        .back
        .or(referer)
        .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .unwrap_or_else(|| "/app".into());
    redirect(
        &back,
        vec![set_cookie(req, LANG_COOKIE, to, Some(365 * 24 * 3600))],
    )
}

pub(crate) fn page_in(l: Lang, title: &str, who: Option<&Session>, body: Markup) -> Markup {
    let (other, other_code, other_name) = match l {
        Lang::Da => ("English", "en", "en"),
        Lang::En => ("Dansk", "da", "da"),
    };
    html! {
        (DOCTYPE)
        html lang=(match l { Lang::Da => "da", Lang::En => "en" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Social klausul-tracker" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                a.skip href="#indhold" { (t(l, "Spring til indhold", "Skip to content")) }
                header {
                    p.brand { a href="/app" { "Social klausul-tracker" } }
                    nav aria-label=(t(l, "Sprog og konto", "Language and account")) {
                        a href={ "/lang?to=" (other_code) } lang=(other_name) { (other) }
                        @if let Some(s) = who {
                            form.inline method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(s.session.csrf_token);
                                " " span { (s.user.display_name) " (" (crate::auth::role_name(s.user.role)) ")" }
                                " "
                                button type="submit" { (t(l, "Log ud", "Sign out")) }
                            }
                        }
                    }
                }
                @if let Some(s) = who {
                    nav.main aria-label=(t(l, "Sider", "Pages")) { ul {
                        @for (href, da, en) in pages_of(s.user.role) {
                            li { a href=(href) { (t(l, da, en)) } }
                        }
                    } }
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
th,td{text-align:left;padding:.4rem;border-bottom:1px solid #bbb}td.num,th.num{text-align:right}\
form.inline{display:inline}form.inline button{margin-top:0;padding:.3rem .8rem}\
.filters{display:flex;gap:1rem;flex-wrap:wrap;align-items:end}.filters label{margin-top:0}\
select,textarea{font-size:1rem;padding:.4rem;border:1px solid #595959}textarea{width:100%;max-width:40rem}\
.ok{color:#00592d;font-weight:600}nav.main ul{list-style:none;display:flex;gap:1.5rem;margin:0;padding:0}\
nav.main{max-width:64rem;margin:0 auto;padding:.5rem 1rem;border-bottom:1px solid #ddd}nav a{margin-right:1rem}caption{text-align:left;font-weight:600;padding:.5rem 0}";

/// The pages load nothing from anywhere: no script, no other host; styles and charts are inline,
/// forms post only to this site, and no other site may frame them.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub(crate) fn html_response(status: StatusCode, markup: Markup, cookies: Vec<String>) -> Response {
    let mut r = Response::builder()
        .status(status)
        .content_type("text/html; charset=utf-8")
        .header("content-security-policy", CONTENT_SECURITY_POLICY)
        .header("referrer-policy", "same-origin")
        .header("x-content-type-options", "nosniff")
        // Pages carry personal data and figures of a moment: never from a shared or stale cache.
        .header("cache-control", "no-store");
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

/// Why the schema refused a page's query or form: the error's code, its message in the
/// person's language and the input field it names, if any.
pub(crate) struct Refusal {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

impl Refusal {
    pub(crate) fn status(&self) -> StatusCode {
        match self.code.as_str() {
            "FORBIDDEN" => StatusCode::FORBIDDEN,
            "NOT_FOUND" => StatusCode::NOT_FOUND,
            "CONFLICT" => StatusCode::CONFLICT,
            "INTERNAL" => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The refusal as a page (for a query a page cannot do without).
    pub(crate) fn page(&self, title: &str, who: &Session) -> Response {
        error_page(self.status(), title, who, &self.message)
    }
}

/// Runs a query or mutation through the schema as the signed-in person, in their language: the page is
/// one more client of the API and sees and may do exactly what the person's scope allows.
pub(crate) async fn ask(
    schema: &AppSchema,
    s: &Session,
    query: &str,
    variables: serde_json::Value,
) -> Result<serde_json::Value, Refusal> {
    let request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(variables));
    ask_request(schema, s, request).await
}

/// [`ask`] for a request built by the page (one that carries a file upload).
pub(crate) async fn ask_request(
    schema: &AppSchema,
    s: &Session,
    request: async_graphql::Request,
) -> Result<serde_json::Value, Refusal> {
    let request = request.data(s.principal.clone()).data(s.lang);
    let mut response = schema.execute(request).await;
    crate::graphql::localize(&mut response.errors, s.lang);
    match response.errors.first() {
        None => Ok(response.data.into_json().unwrap_or_default()),
        Some(e) => {
            let ext = |key: &str| {
                e.extensions
                    .as_ref()
                    .and_then(|x| x.get(key))
                    .and_then(|v| match v {
                        async_graphql::Value::String(t) => Some(t.clone()),
                        _ => None,
                    })
            };
            Err(Refusal {
                code: ext("code").unwrap_or_else(|| "BAD_USER_INPUT".into()),
                message: e.message.clone(),
                field: ext("field"),
            })
        }
    }
}

/// The signed-in person of a page, or the redirect to the sign-in page.
pub(crate) async fn signed_in(
    db: &DatabaseConnection,
    req: &poem::Request,
) -> Result<Session, Response> {
    current(db, req)
        .await
        .ok_or_else(|| redirect("/login", vec![]))
}

/// The signed-in person of a form post that carries the session's CSRF token; else the
/// redirect to the sign-in page or the refusal (nothing is written either way).
pub(crate) async fn signed_in_form(
    db: &DatabaseConnection,
    req: &poem::Request,
    csrf: &str,
) -> Result<Session, Response> {
    let s = signed_in(db, req).await?;
    if same(&s.session.csrf_token, csrf) {
        Ok(s)
    } else {
        Err(csrf_refused(&s))
    }
}

/// The signed-in session of a request, if any.
pub async fn current(db: &DatabaseConnection, req: &poem::Request) -> Option<Session> {
    let secret = cookie_value(req, SESSION_COOKIE)?;
    let mut s = accounts::session(db, &secret, Utc::now())
        .await
        .ok()
        .flatten()?;
    crate::conns::trust(req);
    s.lang = lang_of(req);
    Some(s)
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

/// The key that signs pre-sign-in CSRF tokens: the installation's, from the database (made by
/// a migration, the same for every instance), read once.
pub struct CsrfKey {
    db: DatabaseConnection,
    key: tokio::sync::OnceCell<Vec<u8>>,
}

/// How long a sign-in or invitation form stays valid.
const PRE_SESSION_CSRF_HOURS: i64 = 12;

impl CsrfKey {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            key: Default::default(),
        }
    }

    async fn key(&self) -> Option<&[u8]> {
        let got = self
            .key
            .get_or_try_init(|| async {
                use sea_orm::{ConnectionTrait, Statement};
                let row = self
                    .db
                    .query_one_raw(Statement::from_string(
                        self.db.get_database_backend(),
                        "SELECT value FROM server_secret WHERE name = 'csrf'",
                    ))
                    .await?
                    .ok_or_else(|| sea_orm::DbErr::RecordNotFound("server_secret csrf".into()))?;
                Ok::<_, sea_orm::DbErr>(row.try_get::<String>("", "value")?.into_bytes())
            })
            .await;
        match got {
            Ok(k) => Some(k.as_slice()),
            Err(e) => {
                tracing::error!(error = %e, "the CSRF key could not be read");
                None
            }
        }
    }

    /// The signature of a token's nonce and time.
    fn sign(key: &[u8], body: &str) -> String {
        use hmac::{Hmac, Mac};
        let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(key) else {
            return String::new();
        };
        mac.update(b"pre-session-csrf\0");
        mac.update(body.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// A new token: `nonce.issued.signature`.
    async fn issue(&self, now: chrono::DateTime<Utc>) -> Option<String> {
        let key = self.key().await?;
        let body = format!("{}.{}", uuid::Uuid::new_v4().simple(), now.timestamp());
        Some(format!("{body}.{}", Self::sign(key, &body)))
    }

    /// Whether `token` is one this installation issued within the last
    /// [`PRE_SESSION_CSRF_HOURS`].
    async fn verify(&self, token: &str, now: chrono::DateTime<Utc>) -> bool {
        let Some(key) = self.key().await else {
            return false;
        };
        let Some((body, signature)) = token.rsplit_once('.') else {
            return false;
        };
        let Some(issued) = body
            .split_once('.')
            .and_then(|(_, t)| t.parse::<i64>().ok())
        else {
            return false;
        };
        let age = now.timestamp() - issued;
        same(&Self::sign(key, body), signature)
            && (-300..PRE_SESSION_CSRF_HOURS * 3600).contains(&age)
    }
}

/// A fresh pre-session CSRF token, signed by the server, and its cookie. Without the key (the
/// database unreachable) the form gets an empty token and its post is refused.
async fn pre_session_csrf(req: &poem::Request) -> (String, String) {
    let token = match req.data::<Arc<CsrfKey>>() {
        Some(k) => k.issue(Utc::now()).await.unwrap_or_default(),
        None => String::new(),
    };
    let cookie = set_cookie(req, CSRF_COOKIE, &token, None);
    (token, cookie)
}

/// GET /login
#[handler]
pub async fn login_page(req: &poem::Request, db: Data<&DatabaseConnection>) -> Response {
    if current(&db, req).await.is_some() {
        return redirect("/app", vec![]);
    }
    let (csrf, cookie) = pre_session_csrf(req).await;
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

/// The form's token is the cookie's (double submit) and one the server signed: a token a caller
/// made up, with a cookie to match, is refused (login CSRF).
async fn pre_session_csrf_ok(req: &poem::Request, sent: &str) -> bool {
    let Some(key) = req.data::<Arc<CsrfKey>>() else {
        return false;
    };
    cookie_value(req, CSRF_COOKIE).is_some_and(|c| same(&c, sent))
        && key.verify(sent, Utc::now()).await
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
    if !pre_session_csrf_ok(req, &form.csrf).await {
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
            let (csrf, cookie) = pre_session_csrf(req).await;
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
    let s = match crate::web::signed_in(&db, req).await {
        Ok(s) => s,
        Err(to_login) => return to_login,
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
            let (csrf, cookie) = pre_session_csrf(req).await;
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
    if !pre_session_csrf_ok(req, &form.csrf).await {
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
    // Through the write gate like every other write: on SQLite, two acceptances at once would
    // otherwise both read the invitation and one fail on the file's lock.
    let gate = crate::db::WriteGate::for_connection(&db);
    let (token, password) = (form.token.clone(), form.password.clone());
    let done: crate::error::AppResult<accounts::NewSession> =
        crate::db::write_txn(&db, &gate, |txn| {
            let (token, password) = (token.clone(), password.clone());
            Box::pin(async move {
                let user = accounts::accept_invitation(txn, &token, &password, now).await?;
                let who = crate::auth::Principal {
                    user_id: Some(user.id),
                    role: user.role,
                    ..crate::auth::Principal::system()
                };
                crate::audit::write(
                    txn,
                    &who,
                    "User",
                    user.id,
                    "set-password",
                    None,
                    serde_json::to_value(&user).ok(),
                )
                .await?;
                accounts::open_session(txn, user, now).await
            })
        })
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
            let (csrf, cookie) = pre_session_csrf(req).await;
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

/// A status in the page's language, with the words of the domain brief.
pub(crate) fn status_name(l: Lang, status: &str) -> &'static str {
    match status {
        "NOT_STARTED" => t(l, "ikke startet", "not started"),
        "COMPLIANT" => t(l, "overholdt", "compliant"),
        "AT_RISK" => t(l, "i risiko", "at risk"),
        "BREACH" => t(l, "ikke overholdt", "in breach"),
        "COMPLETED" => t(l, "afsluttet", "completed"),
        _ => t(l, "ukendt", "unknown"),
    }
}

/// The page for an address that names nothing (a malformed id).
pub(crate) fn not_found(who: &Session) -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        t(who.lang, "Ikke fundet", "Not found"),
        who,
        t(who.lang, "Siden findes ikke.", "The page does not exist."),
    )
}

/// The page for a form that did not carry the session's CSRF token.
pub(crate) fn csrf_refused(who: &Session) -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        t(who.lang, "Formularen blev afvist", "The form was refused"),
        who,
        t(
            who.lang,
            "Formularen kom ikke fra denne session. Hent siden igen og prøv på ny.",
            "The form did not come from this session. Reload the page and try again.",
        ),
    )
}

/// A severity in the page's language.
fn severity_name(l: Lang, severity: &str) -> &'static str {
    match severity {
        "BREACH" => t(l, "brud på krav", "breach"),
        "WARNING" => t(l, "advarsel", "warning"),
        _ => t(l, "information", "information"),
    }
}

/// What each rule is about, for the findings' headings.
fn rule_name(l: Lang, rule: &str) -> &'static str {
    match rule {
        "R1" => t(l, "R1 Oplæringsandel", "R1 Trainee share"),
        "R2" => t(l, "R2 Måltal", "R2 Target"),
        "R3" => t(l, "R3 På sporet", "R3 On track"),
        "R4" => t(l, "R4 Uddannelsesklausul", "R4 Training clause"),
        "R5" => t(l, "R5 Lærlingeindberetning til LBF", "R5 Yearly LBF report"),
        "R6" => t(
            l,
            "R6 Månedsindberetning af timer",
            "R6 Monthly hours reports",
        ),
        "R7" => t(l, "R7 Følgegruppens møder", "R7 Follow-up group meetings"),
        "R8" => t(
            l,
            "R8 Opfølgning på snusepraktik",
            "R8 Trial placement follow-up",
        ),
        "R9" => t(l, "R9 Dobbelttælling", "R9 Double counting"),
        _ => t(l, "Andre afvigelser", "Other findings"),
    }
}

fn parse(v: &serde_json::Value) -> Option<rust_decimal::Decimal> {
    v.as_str().and_then(|t| t.parse().ok())
}

/// A decimal from the API to `dp` decimals in the page's language, or a dash without one.
pub(crate) fn num(l: Lang, v: &serde_json::Value, dp: u32) -> String {
    parse(v)
        .map(|d| crate::i18n::decimal(l, d, dp))
        .unwrap_or_else(|| "–".into())
}

/// A date from the API in the page's language, or a dash without one.
pub(crate) fn day(l: Lang, v: &serde_json::Value) -> String {
    v.as_str()
        .and_then(|t| t.parse::<chrono::NaiveDate>().ok())
        .map(|d| crate::i18n::date(l, d))
        .unwrap_or_else(|| "–".into())
}

/// A string field from the API (empty without one).
pub(crate) fn text(v: &serde_json::Value) -> &str {
    v.as_str().unwrap_or_default()
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
    let s = match crate::web::signed_in(&db, req).await {
        Ok(s) => s,
        Err(to_login) => return to_login,
    };
    let l = s.lang;
    let Ok(grant_id) = id.parse::<uuid::Uuid>() else {
        return not_found(&s);
    };
    let query = "query($g: UUID!) {
        compliance(grantId: $g) {
            grant { caseNumber title }
            asOf status
            metrics { labourHours traineeHours sharePercent requiredSharePercent neededTraineeHours shortfallHours }
            targetArsvaerk targetHours expectedByNowHours deliveredInWindowHours projectedSharePercent
            contractors { contractorId contractorName metrics { labourHours traineeHours sharePercent }
                clauseRequiredHours clauseShortfallHours behindClause }
            findings { rule code severity message }
        }
        complianceTimeSeries(grantId: $g) { month cumulativeSharePercent cumulativeTraineeHours targetCumulativeTraineeHours requiredSharePercent }
    }";
    let data = match ask(&schema, &s, query, serde_json::json!({ "g": grant_id })).await {
        Ok(d) => d,
        Err(e) => return e.page(t(l, "LBF-tilsagn", "LBF grant"), &s),
    };
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
                .map(|d| match l {
                    Lang::Da => d
                        .format_localized("%b %y", chrono::Locale::da_DK)
                        .to_string(),
                    Lang::En => d.format("%b %y").to_string(),
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
        t(
            l,
            "Oplæringsandel, akkumuleret, mod kravet",
            "Trainee share, cumulative, against the requirement",
        ),
        t(l, "procent", "percent"),
        &labels,
        &[
            crate::charts::Line {
                name: t(
                    l,
                    "Oplæringsandel (akkumuleret)",
                    "Trainee share (cumulative)",
                ),
                colour: crate::charts::BLUE,
                points: points("cumulativeSharePercent"),
            },
            crate::charts::Line {
                name: t(l, "Krav", "Required"),
                colour: crate::charts::ORANGE,
                points: points("requiredSharePercent"),
            },
        ],
    );
    let hours_chart = crate::charts::lines(
        t(
            l,
            "Timer for personer under oplæring, akkumuleret, mod mållinjen",
            "Hours of persons in training, cumulative, against the target line",
        ),
        t(l, "timer", "hours"),
        &labels,
        &[
            crate::charts::Line {
                name: t(l, "Leveret (akkumuleret)", "Delivered (cumulative)"),
                colour: crate::charts::GREEN,
                points: points("cumulativeTraineeHours"),
            },
            crate::charts::Line {
                name: t(l, "Mållinje", "Target line"),
                colour: crate::charts::ORANGE,
                points: points("targetCumulativeTraineeHours"),
            },
        ],
    );
    let contractors = c["contractors"].as_array().cloned().unwrap_or_default();
    let contractor_chart = crate::charts::bars(
        t(
            l,
            "Oplæringsandel pr. entreprenør mod kravet",
            "Trainee share per contractor against the requirement",
        ),
        t(l, "procent", "percent"),
        &contractors
            .iter()
            .map(|k| {
                (
                    text(&k["contractorName"]).to_owned(),
                    float(&k["metrics"]["sharePercent"]).unwrap_or(0.0),
                )
            })
            .collect::<Vec<_>>(),
        float(&c["metrics"]["requiredSharePercent"]),
    );
    let findings = c["findings"].as_array().cloned().unwrap_or_default();
    let mut rules: Vec<&str> = findings.iter().filter_map(|f| f["rule"].as_str()).collect();
    rules.sort();
    rules.dedup();
    let title = format!(
        "{} · {}",
        text(&c["grant"]["caseNumber"]),
        text(&c["grant"]["title"])
    );
    let m = &c["metrics"];
    let body = html! {
        p id="status" { (t(l, "Status ", "Status ")) (day(l, &c["asOf"])) ": "
            strong data-status=(text(&c["status"])) { (status_name(l, text(&c["status"]))) } }
        h2 { (t(l, "Nøgletal", "Key figures")) }
        dl id="key-figures" {
            dt { (t(l, "Oplæringsandel", "Trainee share")) }
            dd data-key="share" { (num(l, &m["sharePercent"], 2)) " % (" (t(l, "krav", "required")) " " (num(l, &m["requiredSharePercent"], 2)) " %)" }
            dt { (t(l, "Timer på pladsen", "Labour hours on site")) } dd data-key="labour" { (num(l, &m["labourHours"], 2)) }
            dt { (t(l, "Timer for personer under oplæring", "Hours of persons in training")) } dd data-key="trainee" { (num(l, &m["traineeHours"], 2)) }
            dt { (t(l, "Krævede timer", "Hours required")) } dd data-key="needed" { (num(l, &m["neededTraineeHours"], 2)) }
            dt { (t(l, "Manglende timer", "Hours short")) } dd data-key="shortfall" { (num(l, &m["shortfallHours"], 2)) }
            dt { (t(l, "Måltal", "Target")) } dd data-key="target" { (num(l, &c["targetArsvaerk"], 2)) " " (t(l, "årsværk", "årsværk")) " (" (num(l, &c["targetHours"], 2)) " " (t(l, "timer", "hours")) ")" }
            dt { (t(l, "Forventet til nu / leveret", "Expected by now / delivered")) } dd data-key="on-track" { (num(l, &c["expectedByNowHours"], 2)) " / " (num(l, &c["deliveredInWindowHours"], 2)) " " (t(l, "timer", "hours")) }
            dt { (t(l, "Forventet andel ved aflevering", "Projected share at handover")) } dd data-key="projected" { (num(l, &c["projectedSharePercent"], 2)) " %" }
        }
        p { a href={ "/app/grants/" (grant_id) "/lbf" } { (t(l, "Lærlingeindberetning til LBF", "Yearly LBF report")) } }
        h2 { (t(l, "Udvikling", "Progress")) }
        figure {
            (PreEscaped(share_chart))
            figcaption { (t(l, "Oplæringsandelen måned for måned mod kravet. Tallene står i tabellen herunder.",
                            "The trainee share month by month against the requirement. The table below has the numbers.")) }
        }
        figure {
            (PreEscaped(hours_chart))
            figcaption { (t(l, "Leverede timer mod den forholdsmæssige mållinje.", "Hours delivered against the pro-rata target line.")) }
        }
        table id="series" {
            caption { (t(l, "Måned for måned", "Month by month")) }
            thead { tr {
                th scope="col" { (t(l, "Måned", "Month")) } th.num scope="col" { (t(l, "Andel, akkumuleret (%)", "Share, cumulative (%)")) }
                th.num scope="col" { (t(l, "Krav (%)", "Required (%)")) } th.num scope="col" { (t(l, "Timer, akkumuleret", "Hours, cumulative")) }
                th.num scope="col" { (t(l, "Mållinje (timer)", "Target line (hours)")) }
            } }
            tbody {
                @for p in &series {
                    tr {
                        td { (month(&p["month"]).map(|d| crate::i18n::month(l, d)).unwrap_or_default()) }
                        td.num { (num(l, &p["cumulativeSharePercent"], 2)) }
                        td.num { (num(l, &p["requiredSharePercent"], 2)) }
                        td.num { (num(l, &p["cumulativeTraineeHours"], 2)) }
                        td.num { (num(l, &p["targetCumulativeTraineeHours"], 2)) }
                    }
                }
            }
        }
        h2 { (t(l, "Entreprenørerne", "The contractors")) }
        figure {
            (PreEscaped(contractor_chart))
            figcaption { (t(l, "Hver entreprenørs oplæringsandel; den lodrette linje er byggeriets krav. Tallene står i tabellen herunder.",
                            "Each contractor's trainee share; the vertical line is the site's requirement. The table below has the numbers.")) }
        }
        table id="contractors" {
            thead { tr {
                th scope="col" { (t(l, "Entreprenør", "Contractor")) }
                th.num scope="col" { (t(l, "Timer i alt", "Labour hours")) }
                th.num scope="col" { (t(l, "Oplæringstimer", "Trainee hours")) }
                th.num scope="col" { (t(l, "Andel (%)", "Share (%)")) }
                th.num scope="col" { (t(l, "Klausulen kræver (timer)", "Clause asks for (hours)")) }
                th.num scope="col" { (t(l, "Klausulen mangler (timer)", "Clause short (hours)")) }
            } }
            tbody {
                @for k in &contractors {
                    tr {
                        td { (text(&k["contractorName"])) @if k["behindClause"] == true { " " strong { (t(l, "(bagud)", "(behind)")) } } }
                        td.num { (num(l, &k["metrics"]["labourHours"], 2)) }
                        td.num { (num(l, &k["metrics"]["traineeHours"], 2)) }
                        td.num { (num(l, &k["metrics"]["sharePercent"], 2)) }
                        td.num { (num(l, &k["clauseRequiredHours"], 2)) }
                        td.num { (num(l, &k["clauseShortfallHours"], 2)) }
                    }
                }
            }
        }
        h2 { (t(l, "Afvigelser", "Findings")) }
        @if findings.is_empty() { p { (t(l, "Ingen afvigelser.", "No findings.")) } }
        @for rule in &rules {
            h3 { (rule_name(l, rule)) }
            ul {
                @for f in findings.iter().filter(|f| f["rule"].as_str() == Some(rule)) {
                    li data-code=(text(&f["code"])) { strong { (severity_name(l, text(&f["severity"]))) ": " } (text(&f["message"])) }
                }
            }
        }
        p { a href="/app" { (t(l, "Tilbage til overblikket", "Back to the portfolio")) } }
    };
    html_response(StatusCode::OK, page(&title, Some(&s), body), vec![])
}

#[cfg(test)]
mod client_address_tests {
    use super::client_address;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_read_only_from_trusted_proxies_and_from_the_right() {
        let lb: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        // No trusted proxy: the connection's own address, whatever the header says.
        assert_eq!(
            client_address(ip("127.0.0.1"), "203.0.113.7", &[]),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_address(ip("198.51.100.2"), "203.0.113.7", &lb),
            ip("198.51.100.2")
        );
        // Through the proxy: the address it appended, not what the client wrote before it.
        assert_eq!(
            client_address(ip("10.0.0.5"), "1.2.3.4, 198.51.100.2", &lb),
            ip("198.51.100.2")
        );
        // Two trusted proxies in a row are skipped; garbage stops the walk at the proxy.
        assert_eq!(
            client_address(ip("10.0.0.5"), "1.2.3.4, 198.51.100.2, 10.0.0.9", &lb),
            ip("198.51.100.2")
        );
        assert_eq!(
            client_address(ip("10.0.0.5"), "198.51.100.2, not-an-ip", &lb),
            ip("10.0.0.5")
        );
        assert_eq!(client_address(ip("10.0.0.5"), "", &lb), ip("10.0.0.5"));
    }
}
