//! The frame every page shares (header, navigation by role, language switch, style and security
//! headers), the error and refusal pages, and the helpers pages use to ask the schema and to show
//! its numbers, dates and statuses in the page's language.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use poem::http::{StatusCode, header};
use poem::web::Query;
use poem::{Response, handler};
use serde::Deserialize;

use crate::cookies::{LANG_COOKIE, cookie_value, set_cookie};
use engine::i18n::Lang;
use tracker_core::accounts::Session;
use tracker_core::error::AppError;
use tracker_graphql::AppSchema;

/// Logs an internal error with a reference, as the GraphQL conversion does (the page shows only
/// the generic message).
pub(crate) fn log_internal(e: AppError) {
    let _logged: async_graphql::Error = e.into();
}

/// A role as people call it, in the page's language.
pub fn role_label(l: Lang, role: entity::enums::Role) -> &'static str {
    use entity::enums::Role;
    match role {
        Role::Admin => t(l, "role-admin"),
        Role::Bygherre => t(l, "role-bygherre"),
        Role::Contractor => t(l, "role-contractor"),
        Role::Tovholder => t(l, "role-tovholder"),
        Role::Viewer => t(l, "role-viewer"),
    }
}

/// The page language chosen with the switch (a cookie), Danish unless English was chosen.
pub fn lang_of(req: &poem::Request) -> Lang {
    match cookie_value(req, LANG_COOKIE).as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Da,
    }
}

pub(crate) use crate::text::{t, t_with};

/// The pages each role works with, for the navigation bar: (address, text key).
pub(crate) fn pages_of(role: entity::enums::Role) -> &'static [(&'static str, &'static str)] {
    use entity::enums::Role;
    match role {
        Role::Admin => &[
            ("/app", "nav-portfolio"),
            ("/app/setup", "nav-setup"),
            ("/app/users", "nav-users"),
            ("/app/ranking", "nav-contractors"),
            ("/app/import", "nav-payroll-import"),
            ("/app/reminders", "nav-reminders"),
        ],
        Role::Bygherre => &[
            ("/app", "nav-portfolio"),
            ("/app/setup", "nav-setup"),
            ("/app/users", "nav-users"),
            ("/app/ranking", "nav-contractors"),
            ("/app/import", "nav-payroll-import"),
            ("/app/reminders", "nav-reminders"),
        ],
        Role::Viewer => &[
            ("/app", "nav-portfolio"),
            ("/app/ranking", "nav-contractors"),
            ("/app/reminders", "nav-reminders"),
        ],
        Role::Tovholder => &[
            ("/app", "nav-portfolio"),
            ("/app/trials", "nav-trials"),
            ("/app/groups", "nav-groups"),
            ("/app/reminders", "nav-reminders"),
        ],
        Role::Contractor => &[
            ("/app", "nav-contracts-and-figures"),
            ("/app/trainees", "nav-trainees"),
            ("/app/import", "nav-payroll-import"),
            ("/app/reminders", "nav-reminders"),
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
    // Det Fælles Designsystem's header (portal line with the account, then the navigation) and
    // content container. Its phone navigation is a drawer opened by its JavaScript; the pages run
    // no script, so the menu stays in the page and wraps instead (see `STYLE`).
    html! {
        (DOCTYPE)
        html lang=(match l { Lang::Da => "da", Lang::En => "en" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Social klausul-tracker" }
                link rel="stylesheet" href=(crate::assets::DKFDS_STYLESHEET);
                style { (PreEscaped(STYLE)) }
            }
            body {
                a.skipnav href="#indhold" { (t(l, "skip-to-content")) }
                header.header {
                    div.portal-info { div.portal-info-inner.container {
                        a.brand href="/app" { "Social klausul-tracker" }
                        nav.account aria-label=(t(l, "language-and-account")) {
                            a href={ "/lang?to=" (other_code) } lang=(other_name) { (other) }
                            @if let Some(s) = who {
                                span.user { (s.user.display_name) " (" (role_label(l, s.user.role)) ")" }
                                form.inline method="post" action="/logout" {
                                    input type="hidden" name="csrf" value=(s.session.csrf_token);
                                    button.button.button-secondary type="submit" { (t(l, "sign-out")) }
                                }
                            }
                        }
                    } }
                    @if let Some(s) = who {
                        nav.navigation-menu aria-label=(t(l, "pages")) {
                            div.navigation-menu-inner.container { ul.mainmenu {
                                @for (href, name) in pages_of(s.user.role) {
                                    li { a.nav-link href=(href) { span { (t(l, name)) } } }
                                }
                            } }
                        }
                    }
                }
                main.container.page-container id="indhold" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// What the pages add to the design system: the brand and account line, the navigation kept in
/// the page and wrapping on a phone (no drawer without script), forms inline in table rows, a
/// hint under a label, numbers right-aligned, and the screen-reader-only text.
pub(crate) const STYLE: &str = ".header .portal-info-inner{flex-wrap:wrap;gap:.5rem 1.5rem}\
.header a.brand{font-weight:600;font-size:1.25rem;color:#1a1a1a;text-decoration:none}\
main form .form-label{margin-top:1.25rem}main form .button-primary{margin-top:1.5rem}\
main legend{font-weight:600;margin-top:1.5rem}main fieldset{border:0;padding:0;margin:0}\
.account{margin-left:auto;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem}\
.account .button{width:auto;margin:0}form.inline{display:inline}\
.header .navigation-menu{display:block;border-top:1px solid #bfbfbf}\
.navigation-menu ul.mainmenu{flex-wrap:wrap;margin-left:0;padding:0 .5rem}\
.navigation-menu .nav-link{padding:.75rem .75rem 0}\
td.num,th.num{text-align:right}caption{text-align:left;font-weight:600;padding:.5rem 0}\
.table--responsive-scroll{margin-bottom:1.5rem}figure{margin:1.5rem 0}figure svg{max-width:100%;height:auto}\
main dd{overflow-wrap:anywhere}.hint{color:#595959;margin:.25rem 0}\
.filters{display:flex;gap:1rem;flex-wrap:wrap;align-items:end}.filters .form-group{margin-top:0}\
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}";

/// The pages load nothing from another host and run no script: the design system's stylesheet,
/// fonts and icons come from this site, the pages' own styles and charts are inline,
/// forms post only to this site, and no other site may frame them.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; \
font-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

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
    /// Whether the refusal is about the field a form labels `field` (the API may name it with its
    /// path, e.g. `trainingClause.requiredSharePercent`).
    pub(crate) fn is_at(&self, field: &str) -> bool {
        // `tradesTried[0]` is about the field `tradesTried`: the list's positions are dropped.
        self.field.as_deref().is_some_and(|f| {
            let mut path = String::with_capacity(f.len());
            let mut depth = 0usize;
            for c in f.chars() {
                match c {
                    '[' => depth += 1,
                    ']' => depth = depth.saturating_sub(1),
                    c if depth == 0 => path.push(c),
                    _ => {}
                }
            }
            path.ends_with(field)
        })
    }

    /// The message of `refusal` if it is about `field`: what a form shows next to that field.
    pub(crate) fn message_at<'a>(refusal: Option<&'a Refusal>, field: &str) -> Option<&'a str> {
        refusal
            .filter(|r| r.is_at(field))
            .map(|r| r.message.as_str())
    }

    /// The error summary of a form whose fields are `fields` (the API's name, the input's id):
    /// the refusal, linked to the first field it is about; nothing for a refusal of no field.
    pub(crate) fn summary(l: Lang, refusal: Option<&Refusal>, fields: &[(&str, &str)]) -> Markup {
        let problems: Vec<(String, String)> = refusal
            .and_then(|r| {
                fields
                    .iter()
                    .find(|(api, _)| r.is_at(api))
                    .map(|(_, id)| ((*id).to_owned(), r.message.clone()))
            })
            .into_iter()
            .collect();
        error_summary(l, &problems)
    }

    /// The refusal in a person's words: the API begins a field's message with the field's name
    /// ("name skal udfyldes", "cvr 31874522 er ikke et gyldigt CVR-nummer"); on a form it begins
    /// with the field's label instead ("Afdelingens navn skal udfyldes"). `labels` maps the
    /// API's names to the labels (already in the page's language).
    pub(crate) fn worded(mut self, labels: &[(&str, &str)]) -> Self {
        let Some(field) = self.field.as_deref() else {
            return self;
        };
        // The field's own name (`hours` of `traineeHours[0].hours`) picks the label; the message
        // may begin with the whole path or with the name.
        let last = field.rsplit('.').next().unwrap_or(field);
        // `tradesTried[0]` is labelled as `tradesTried`.
        let name = last.split('[').next().unwrap_or(last);
        let Some((_, label)) = labels.iter().find(|(api, _)| *api == name) else {
            return self;
        };
        for prefix in [field, last, name] {
            if let Some(rest) = self.message.strip_prefix(prefix)
                && rest.starts_with([' ', ':', ','])
            {
                self.message = format!("{label}{rest}");
                break;
            }
        }
        self
    }

    /// A page's own refusal of what was typed in `field`, before anything is sent.
    pub(crate) fn bad_input(field: &str, message: impl Into<String>) -> Self {
        Self {
            code: "BAD_USER_INPUT".into(),
            message: message.into(),
            field: Some(field.into()),
        }
    }

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

/// Runs a typed operation (see [`crate::queries`]) through the schema as the signed-in person,
/// in their language, and reads the answer into its structs: the page is one more client of the
/// API and sees and may do exactly what the person's scope allows. An answer that does not fit
/// the structs (a schema the page was not built against) is an internal error, logged, and shown
/// as one.
pub(crate) async fn ask_op<Q, V>(
    schema: &AppSchema,
    s: &Session,
    op: cynic::Operation<Q, V>,
) -> Result<Q, Refusal>
where
    Q: serde::de::DeserializeOwned,
    V: serde::Serialize,
{
    ask_upload(schema, s, op, None).await
}

/// [`ask_op`] with a file, sent as the multipart upload at `variables.<name>`.
pub(crate) async fn ask_upload<Q, V>(
    schema: &AppSchema,
    s: &Session,
    op: cynic::Operation<Q, V>,
    upload: Option<(&str, async_graphql::UploadValue)>,
) -> Result<Q, Refusal>
where
    Q: serde::de::DeserializeOwned,
    V: serde::Serialize,
{
    // Logged with a reference, and worded, as every internal error of the API is.
    let internal = |what: &'static str, e: serde_json::Error| {
        let err: async_graphql::Error =
            AppError::Internal(anyhow::Error::new(e).context(what)).into();
        let mut errors = vec![err.into_server_error(Default::default())];
        tracker_graphql::localize(&mut errors, s.lang);
        refusal_of(&errors[0])
    };
    let variables = serde_json::to_value(&op.variables)
        .map_err(|e| internal("a page's query variables could not be written", e))?;
    let mut request = async_graphql::Request::new(op.query)
        .variables(async_graphql::Variables::from_json(variables))
        .data(s.principal.clone())
        .data(s.lang);
    if let Some((name, file)) = upload {
        request.set_upload(&format!("variables.{name}"), file);
    }
    let mut response = schema.execute(request).await;
    tracker_graphql::localize(&mut response.errors, s.lang);
    if let Some(e) = response.errors.first() {
        return Err(refusal_of(e));
    }
    let data = response.data.into_json().unwrap_or_default();
    serde_json::from_value(data)
        .map_err(|e| internal("a page's query answer does not fit its types", e))
}

/// A GraphQL error, already in the person's language, as the page shows it.
fn refusal_of(e: &async_graphql::ServerError) -> Refusal {
    let ext = |key: &str| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get(key))
            .and_then(|v| match v {
                async_graphql::Value::String(t) => Some(t.clone()),
                _ => None,
            })
    };
    Refusal {
        code: ext("code").unwrap_or_else(|| "BAD_USER_INPUT".into()),
        message: e.message.clone(),
        field: ext("field"),
    }
}

/// Det Fælles Designsystem's error summary, at the top of a refused form: each problem as a link to
/// the field it is about (`(field id, message)`), so a person on a long form or a screen reader
/// finds it; each message is also shown at its field.
pub(crate) fn error_summary(l: Lang, problems: &[(String, String)]) -> Markup {
    html! {
        @if !problems.is_empty() {
            div.alert.alert-error id="error-summary" role="alert" aria-labelledby="error-summary-heading" {
                div.alert-body {
                    h2.alert-heading id="error-summary-heading" { (t(l, "there-are-problems-in-the-form")) }
                    ul.alert-text.nobullet-list {
                        @for (field, message) in problems {
                            li { a.function-link href={ "#" (field) } { (message) } }
                        }
                    }
                }
            }
        }
    }
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
            html! { p.alert.alert-error role="alert" { (message) } },
        ),
        vec![],
    )
}

pub(crate) fn refused(l: Lang, status: StatusCode, title: &str, message: &str) -> Response {
    html_response(
        status,
        page_in(
            l,
            title,
            None,
            html! { p.alert.alert-error role="alert" { (message) } p { a href="/login" { (t(l, "to-sign-in")) } } },
        ),
        vec![],
    )
}

/// The page for an address that names nothing (a malformed id).
pub(crate) fn not_found(who: &Session) -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        t(who.lang, "not-found"),
        who,
        t(who.lang, "the-page-does-not-exist"),
    )
}

/// The answer to an address that leads nowhere: a Danish (or English, by the language cookie)
/// page with the way back, not a bare "not found".
pub fn unknown_address(l: Lang) -> Response {
    html_response(
        StatusCode::NOT_FOUND,
        page(
            t(l, "not-found"),
            None,
            html! {
                p.alert.alert-error role="alert" { (t(l, "the-page-does-not-exist")) }
                p { a href="/app" { (t(l, "go-to-the-front-page")) } }
            },
        ),
        vec![],
    )
}

/// The page for a form that did not carry the session's CSRF token.
pub(crate) fn csrf_refused(who: &Session) -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        t(who.lang, "the-form-was-refused"),
        who,
        t(who.lang, "the-form-did-not-come-from"),
    )
}

/// A decimal of a typed answer to `dp` decimals in the page's language, or a dash without one.
pub(crate) fn dec(l: Lang, v: Option<rust_decimal::Decimal>, dp: u32) -> String {
    v.map(|d| engine::i18n::decimal(l, d, dp))
        .unwrap_or_else(|| "–".into())
}

/// Hours (or a percent) of a typed answer with two decimals, as every figure is shown.
pub(crate) fn two(l: Lang, v: rust_decimal::Decimal) -> String {
    engine::i18n::decimal(l, v, 2)
}
