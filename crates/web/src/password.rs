//! A forgotten password (glemt adgangskode): a person gives their e-mail address and, when it
//! belongs to an active account, receives a single-use link, valid one hour, to set a new password
//! on the invitation page (which then ends the account's other sessions). The page answers the
//! same whether or not the address has an account, and the e-mail is sent after the answer, so
//! neither the words nor the time tell which addresses exist. Requests count against the same
//! per-address limit as sign-ins, and one account gets at most one link per
//! [`RESET_RESEND`](tracker_core::accounts::RESET_RESEND).
//!
//! The e-mail goes through whatever [`PasswordMail`] the server gives (its SMTP settings); the
//! link's address is `PUBLIC_BASE_URL`, never the request's `Host`, which the client chooses.
//! Without both, the page says so and sends the person to their administrator, who can make a
//! link on the users page.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Form, RemoteAddr};
use poem::{Response, handler};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use tracker_core::accounts;

use crate::config::WebConfig;
use crate::layout::{html_response, lang_of, log_internal, page_in, refused, t, t_with};
use crate::session::{Attempts, pre_session_csrf, pre_session_csrf_ok};
use engine::i18n::Lang;

/// Sends the e-mail with a link to set a new password: `to`, the absolute `link`. Answers why not
/// when the receiving server refused it.
pub trait PasswordMail: Send + Sync {
    fn send(
        &self,
        to: String,
        link: String,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;
}

/// How the server sends password e-mails, given to the routes as data; `None` when it has no
/// SMTP settings.
#[derive(Clone, Default)]
pub struct PasswordMailer(pub Option<Arc<dyn PasswordMail>>);

/// The longest e-mail address there is (RFC 5321's path limit): a longer one is refused unread.
const EMAIL_MAX: usize = 254;
/// The page's title.
const TITLE: &str = "forgotten-password";

fn form(l: Lang, csrf: &str, email: &str, error: Option<&str>) -> Markup {
    html! {
        p { (t(l, "forgotten-password-intro")) }
        @if let Some(e) = error {
            div.alert.alert-error role="alert" {
                p { a href="#email" { (e) } }
            }
        }
        form method="post" action="/password/forgot" novalidate {
            input type="hidden" name="csrf" value=(csrf);
            div.form-group.form-error[error.is_some()] {
                label.form-label for="email" { (t(l, "e-mail")) }
                @if let Some(e) = error { span.form-error-message id="email-error" { (e) } }
                input.form-input id="email" name="email" type="email" autocomplete="username"
                    maxlength=(EMAIL_MAX) value=(email) aria-describedby=[error.map(|_| "email-error")];
            }
            button.button.button-primary type="submit" { (t(l, "send-the-link")) }
        }
        p { a href="/login" { (t(l, "to-sign-in")) } }
    }
}

fn not_set_up(l: Lang) -> Markup {
    html! {
        p.alert.alert-info role="status" { (t(l, "this-server-sends-no-email")) }
        p { a href="/login" { (t(l, "to-sign-in")) } }
    }
}

/// A signed-out page of this flow in the language chosen with the switch.
fn shown(l: Lang, body: Markup) -> Markup {
    page_in(l, t(l, TITLE), None, body)
}

/// Where links point, when this server can send them: `PUBLIC_BASE_URL` and a mailer.
fn ready<'a>(
    web: &'a WebConfig,
    mail: &'a PasswordMailer,
) -> Option<(&'a str, &'a Arc<dyn PasswordMail>)> {
    Some((web.public_base_url.as_deref()?, mail.0.as_ref()?))
}

/// GET /password/forgot
#[handler]
pub async fn forgot_page(
    req: &poem::Request,
    web: Data<&WebConfig>,
    mail: Data<&PasswordMailer>,
) -> Response {
    let l = lang_of(req);
    if ready(&web, &mail).is_none() {
        return html_response(StatusCode::OK, shown(l, not_set_up(l)), vec![]);
    }
    let (csrf, cookie) = pre_session_csrf(req).await;
    html_response(
        StatusCode::OK,
        shown(l, form(l, &csrf, "", None)),
        vec![cookie],
    )
}

#[derive(Deserialize)]
pub struct ForgotForm {
    csrf: String,
    email: String,
}

/// POST /password/forgot
#[handler]
pub async fn send_link(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    web: Data<&WebConfig>,
    mail: Data<&PasswordMailer>,
    attempts: Data<&Arc<Attempts>>,
    remote: &RemoteAddr,
    Form(f): Form<ForgotForm>,
) -> Response {
    let l = lang_of(req);
    let Some((base, mailer)) = ready(&web, &mail) else {
        return html_response(StatusCode::OK, shown(l, not_set_up(l)), vec![]);
    };
    if !pre_session_csrf_ok(req, &f.csrf).await {
        return refused(
            l,
            StatusCode::FORBIDDEN,
            t(l, TITLE),
            t(l, "the-form-expired-fetch-the-page-again"),
        );
    }
    if !attempts.allow(req, remote) {
        return refused(
            l,
            StatusCode::TOO_MANY_REQUESTS,
            t(l, TITLE),
            t(l, "too-many-attempts"),
        );
    }
    let email = f.email.trim();
    let problem = if email.is_empty() {
        Some(t(l, "enter-your-email"))
    } else if email.chars().count() > EMAIL_MAX || !plausible(email) {
        Some(t(l, "that-is-not-an-email-address"))
    } else {
        None
    };
    if let Some(problem) = problem {
        let (csrf, cookie) = pre_session_csrf(req).await;
        let kept: String = f.email.chars().take(EMAIL_MAX).collect();
        return html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            shown(l, form(l, &csrf, &kept, Some(problem))),
            vec![cookie],
        );
    }
    let now = tracker_core::clock::now();
    let gate = tracker_core::db::WriteGate::for_connection(&db);
    let address = email.to_owned();
    let made = tracker_core::db::write_txn(&db, &gate, |txn| {
        let address = address.clone();
        Box::pin(async move {
            let Some((user, secret)) = accounts::forgotten_password(txn, &address, now).await?
            else {
                return Ok(None);
            };
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
                "password-link-by-email",
                None,
                None,
            )
            .await?;
            Ok(Some((user.email, secret)))
        })
    })
    .await;
    match made {
        Ok(Some((to, secret))) => {
            let link = format!("{base}/invitation?token={secret}");
            let send = mailer.send(to, link);
            // After the answer: its timing is the same whether an e-mail goes or not.
            tokio::spawn(async move {
                if let Err(e) = send.await {
                    tracing::warn!(error = %e, "the e-mail with a password link was not sent");
                }
            });
        }
        Ok(None) => {}
        Err(e) => log_internal(e),
    }
    html_response(
        StatusCode::OK,
        shown(
            l,
            html! {
                div.alert.alert-success role="status" id="receipt" {
                    p { (t_with(l, "if-the-address-has-an-account", &[("email", email.to_owned())])) }
                }
                p { a href="/login" { (t(l, "to-sign-in")) } }
            },
        ),
        vec![],
    )
}

/// One `@` with something on each side and a dot in the domain: enough to catch a typo, while
/// the account lookup decides the rest.
fn plausible(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::plausible;

    #[test]
    fn an_address_needs_one_at_and_a_domain_with_a_dot() {
        for good in ["a@b.dk", "birthe.b@boligselskab.dk", "x+y@sub.example.org"] {
            assert!(plausible(good), "{good}");
        }
        for bad in [
            "", "ab.dk", "@b.dk", "a@b", "a@@b.dk", "a@.dk", "a@b.", "a b@c.dk",
        ] {
            assert!(!plausible(bad), "{bad}");
        }
    }
}
