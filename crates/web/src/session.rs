//! The web app's sign-in and session pages, server-rendered in Danish: accepting an invitation
//! (setting the password), signing in and out, and the signed-in start page with the portfolio.
//! Every page's figures come through the GraphQL schema with the user's own principal, so the app
//! is one more client of the API and sees exactly what the user's scope allows.
//!
//! Forms work without JavaScript. The session cookie is HttpOnly, SameSite=Lax and Secure as
//! configured (`PUBLIC_BASE_URL`); every form carries a CSRF token (the session's, or before
//! sign-in a double-submit cookie's that the server signed); sign-in and invitation attempts are limited per client address on top of the
//! per-account lock in [`tracker_core::accounts`].

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use chrono::Utc;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Form, Query, RemoteAddr};
use poem::{FromRequest, RequestBody, Response, handler};
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use crate::config::WebConfig;
use crate::cookies::*;
use crate::layout::*;
use engine::i18n::Lang;
use tracker_core::accounts;
use tracker_core::accounts::Session;
use tracker_core::error::AppError;

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
    pub(crate) fn allow(&self, req: &poem::Request, remote: &RemoteAddr) -> bool {
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

/// The signed-in person of a page, as a handler's argument: a request without a valid session
/// is answered with the redirect to the sign-in page before the handler runs.
pub struct SignedIn(pub Session);

impl<'a> FromRequest<'a> for SignedIn {
    async fn from_request(req: &'a poem::Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let db = database(req)?;
        signed_in(db, req)
            .await
            .map(SignedIn)
            .map_err(poem::Error::from_response)
    }
}

/// A form post of a signed-in person, as a handler's argument: the form is read, and its CSRF
/// token must be the session's; otherwise the redirect to sign in or the refusal answers before
/// the handler runs, so nothing is written.
pub struct SignedForm<T>(pub Session, pub T);

/// A posted form's CSRF token.
pub trait CarriesCsrf {
    fn csrf(&self) -> &str;
}

impl CarriesCsrf for std::collections::HashMap<String, String> {
    fn csrf(&self) -> &str {
        self.get("csrf").map(String::as_str).unwrap_or_default()
    }
}

/// Implements [`CarriesCsrf`] for forms whose token is their `csrf` field.
macro_rules! carries_csrf {
    ($($form:ty),+ $(,)?) => {
        $(impl $crate::session::CarriesCsrf for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        })+
    };
}
pub(crate) use carries_csrf;

carries_csrf!(CsrfForm);

/// A form read as its fields in order (one with a repeated field): the first `csrf`.
impl CarriesCsrf for Vec<(String, String)> {
    fn csrf(&self) -> &str {
        self.iter()
            .find(|(name, _)| name == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }
}

impl<'a, T: serde::de::DeserializeOwned + CarriesCsrf + Send> FromRequest<'a> for SignedForm<T> {
    async fn from_request(req: &'a poem::Request, body: &mut RequestBody) -> poem::Result<Self> {
        let Form(form) = Form::<T>::from_request(req, body).await?;
        let db = database(req)?;
        signed_in_form(db, req, form.csrf())
            .await
            .map(|s| SignedForm(s, form))
            .map_err(poem::Error::from_response)
    }
}

/// The database the server attached to every request (a missing one is the server's own
/// mistake, answered 500 and logged).
fn database(req: &poem::Request) -> poem::Result<&DatabaseConnection> {
    req.data::<DatabaseConnection>().ok_or_else(|| {
        tracing::error!("the web app's routes were mounted without the database");
        poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR)
    })
}

/// What the server's connection governor attaches to each request: told once the caller is
/// proven (signed in), so its connection is no longer closed to make room for others. Requests
/// driven in process (tests) carry none.
pub trait ConnectionTrust: Send + Sync {
    fn trust(&self);
}

/// Marks the connection a request came on as trusted, if the server attached a handle.
pub fn trust(req: &poem::Request) {
    if let Some(t) = req.extensions().get::<Arc<dyn ConnectionTrust>>() {
        t.trust();
    }
}

/// The signed-in session of a request, if any.
pub async fn current(db: &DatabaseConnection, req: &poem::Request) -> Option<Session> {
    let secret = cookie_value(req, SESSION_COOKIE)?;
    let mut s = accounts::session(db, &secret, tracker_core::clock::now())
        .await
        .ok()
        .flatten()?;
    trust(req);
    s.lang = lang_of(req);
    Some(s)
}

pub(crate) fn login_form(l: Lang, csrf: &str, email: &str, error: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = error { p.alert.alert-error role="alert" { (e) } }
        form method="post" action="/login" {
            input type="hidden" name="csrf" value=(csrf);
            label.form-label for="email" { (t(l, "e-mail")) }
            input.form-input id="email" name="email" type="email" autocomplete="username" required value=(email);
            label.form-label for="password" { (t(l, "password")) }
            input.form-input id="password" name="password" type="password" autocomplete="current-password" required;
            button.button.button-primary type="submit" { (t(l, "sign-in")) }
        }
        p { a href="/password/forgot" { (t(l, "forgot-your-password")) } }
    }
}

/// The key that signs pre-sign-in CSRF tokens: the installation's, from the database (made by
/// a migration, the same for every instance), read once.
pub struct CsrfKey {
    db: DatabaseConnection,
    key: tokio::sync::OnceCell<Vec<u8>>,
}

/// How long a sign-in or invitation form stays valid.
pub(crate) const PRE_SESSION_CSRF_HOURS: i64 = 12;

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
pub(crate) async fn pre_session_csrf(req: &poem::Request) -> (String, String) {
    let token = match req.data::<Arc<CsrfKey>>() {
        Some(k) => k
            .issue(tracker_core::clock::now())
            .await
            .unwrap_or_default(),
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
    let l = lang_of(req);
    html_response(
        StatusCode::OK,
        page_in(l, t(l, "sign-in"), None, login_form(l, &csrf, "", None)),
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
pub(crate) async fn pre_session_csrf_ok(req: &poem::Request, sent: &str) -> bool {
    let Some(key) = req.data::<Arc<CsrfKey>>() else {
        return false;
    };
    cookie_value(req, CSRF_COOKIE).is_some_and(|c| same(&c, sent))
        && key.verify(sent, tracker_core::clock::now()).await
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
    let l = lang_of(req);
    if !pre_session_csrf_ok(req, &form.csrf).await {
        return refused(
            l,
            StatusCode::FORBIDDEN,
            t(l, "sign-in"),
            t(l, "the-form-expired-fetch-the-page-again"),
        );
    }
    if !attempts.allow(req, remote) {
        return refused(
            l,
            StatusCode::TOO_MANY_REQUESTS,
            t(l, "sign-in"),
            t(l, "too-many-attempts"),
        );
    }
    match accounts::sign_in(*db, &form.email, &form.password, tracker_core::clock::now()).await {
        Ok(s) => {
            let max_age = accounts::LIFETIME.num_seconds();
            redirect(
                "/app",
                vec![set_cookie(req, SESSION_COOKIE, &s.secret, Some(max_age))],
            )
        }
        Err(e) => {
            let (status, message) = match &e {
                AppError::RateLimited(m) => (StatusCode::TOO_MANY_REQUESTS, m.get(l).to_owned()),
                AppError::Unauthenticated => (
                    StatusCode::UNAUTHORIZED,
                    t(l, "wrong-email-or-password").to_owned(),
                ),
                _ => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    e.text().get(l).to_owned(),
                ),
            };
            if status == StatusCode::INTERNAL_SERVER_ERROR {
                log_internal(e);
            }
            let (csrf, cookie) = pre_session_csrf(req).await;
            html_response(
                status,
                page_in(
                    l,
                    t(l, "sign-in"),
                    None,
                    login_form(l, &csrf, &form.email, Some(&message)),
                ),
                vec![cookie],
            )
        }
    }
}

/// A form that carries nothing but its CSRF token (sign out, archive buttons).
#[derive(Deserialize)]
pub struct CsrfForm {
    pub(crate) csrf: String,
}

/// POST /logout
#[handler]
pub async fn logout(
    SignedIn(s): SignedIn,
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !same(&s.session.csrf_token, &form.csrf) {
        return refused(
            s.lang,
            StatusCode::FORBIDDEN,
            t(s.lang, "sign-out"),
            t(s.lang, "the-form-did-not-come-from-this-session"),
        );
    }
    if let Err(e) = accounts::sign_out(*db, s.session, tracker_core::clock::now()).await {
        log_internal(e);
    }
    redirect("/login", vec![set_cookie(req, SESSION_COOKIE, "", Some(0))])
}

#[derive(Deserialize)]
pub struct InvitationQuery {
    token: Option<String>,
}

pub(crate) fn invitation_form(
    l: Lang,
    csrf: &str,
    token: &str,
    name: &str,
    error: Option<&str>,
) -> Markup {
    let welcome = t_with(
        l,
        "welcome-choose-a-password",
        &[
            ("name", name.to_owned()),
            ("min", accounts::PASSWORD_MIN.to_string()),
        ],
    );
    html! {
        p { (welcome) }
        @if let Some(e) = error { p.alert.alert-error role="alert" id="password-error" { (e) } }
        form method="post" action="/invitation" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="token" value=(token);
            label.form-label for="password" { (t(l, "new-password")) }
            input.form-input id="password" name="password" type="password" autocomplete="new-password"
                required minlength=(accounts::PASSWORD_MIN) aria-describedby="password-error";
            button.button.button-primary type="submit" { (t(l, "save-password")) }
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
    let l = lang_of(req);
    match accounts::invited(*db, &token, tracker_core::clock::now()).await {
        Ok(user) => {
            let (csrf, cookie) = pre_session_csrf(req).await;
            html_response(
                StatusCode::OK,
                page_in(
                    l,
                    t(l, "set-a-password"),
                    None,
                    invitation_form(l, &csrf, &token, &user.display_name, None),
                ),
                vec![cookie],
            )
        }
        Err(e) => refused(
            l,
            StatusCode::NOT_FOUND,
            t(l, "invitation"),
            e.text().get(l),
        ),
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
    let l = lang_of(req);
    if !pre_session_csrf_ok(req, &form.csrf).await {
        return refused(
            l,
            StatusCode::FORBIDDEN,
            t(l, "set-a-password"),
            t(l, "the-form-expired-open-the-invitation-again"),
        );
    }
    if !attempts.allow(req, remote) {
        return refused(
            l,
            StatusCode::TOO_MANY_REQUESTS,
            t(l, "set-a-password"),
            t(l, "too-many-attempts"),
        );
    }
    let now = tracker_core::clock::now();
    // Through the write gate like every other write: on SQLite, two acceptances at once would
    // otherwise both read the invitation and one fail on the file's lock.
    let gate = tracker_core::db::WriteGate::for_connection(&db);
    let (token, password) = (form.token.clone(), form.password.clone());
    let done: tracker_core::error::AppResult<accounts::NewSession> =
        tracker_core::db::write_txn(&db, &gate, |txn| {
            let (token, password) = (token.clone(), password.clone());
            Box::pin(async move {
                let user = accounts::accept_invitation(txn, &token, &password, now).await?;
                let who = tracker_core::auth::Principal {
                    user_id: Some(user.id),
                    role: user.role,
                    ..tracker_core::auth::Principal::system()
                };
                tracker_core::audit::write(
                    txn,
                    &who,
                    tracker_core::record::Kind::User,
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
                return refused(
                    l,
                    StatusCode::NOT_FOUND,
                    t(l, "invitation"),
                    e.text().get(l),
                );
            }
            let (csrf, cookie) = pre_session_csrf(req).await;
            html_response(
                StatusCode::BAD_REQUEST,
                page_in(
                    l,
                    t(l, "set-a-password"),
                    None,
                    invitation_form(l, &csrf, &form.token, &name, Some(e.text().get(l))),
                ),
                vec![cookie],
            )
        }
        Err(e) => {
            let text = e.text().get(l).to_owned();
            let _: async_graphql::Error = e.into();
            refused(
                l,
                StatusCode::INTERNAL_SERVER_ERROR,
                t(l, "set-a-password"),
                &text,
            )
        }
    }
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
