//! The users page (Brugere): the accounts the person manages with their role and whether they
//! have signed up, a form to invite a person with a role and its scope (an organisation, a
//! contractor or grants), and on each account a button for a single-use link to set a new
//! password (valid one hour) for a person who forgot theirs. An administrator manages every
//! account; a bygherre invites its contractors' site managers and its tovholders (the service
//! puts them under its organisation). The link is shown once, on the answer to the form, for
//! the person to pass on; it is never put in an address.

use crate::session::{SignedForm, SignedIn};
use maud::html;
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::parts::field;
use crate::layout::{ask_op, role_label};
use crate::queries::users::{
    Invite, InviteUserInput, InviteVars, Reset, ResetVars, Role, UsersPage, UsersVars,
};
use crate::{Refusal, Session, html_response, page, t};
use cynic::{MutationBuilder, QueryBuilder};
use tracker_graphql::AppSchema;

crate::session::carries_csrf!(ResetForm);

/// The typed values of the invitation form, kept after a refusal.
#[derive(Default, Clone)]
pub struct InviteForm {
    csrf: String,
    email: String,
    name: String,
    role: String,
    organisation: Option<String>,
    contractor: Option<String>,
    /// Grant ids: the multiple select sends `grants` once per chosen grant.
    grants: Vec<String>,
}

impl InviteForm {
    /// The form from its fields as sent (a repeated `grants` is a list, which a struct of
    /// single values cannot read).
    fn from_fields(fields: Vec<(String, String)>) -> Self {
        let mut f = Self::default();
        for (name, value) in fields {
            match name.as_str() {
                "csrf" => f.csrf = value,
                "email" => f.email = value,
                "name" => f.name = value,
                "role" => f.role = value,
                "organisation" => f.organisation = Some(value),
                "contractor" => f.contractor = Some(value),
                // Bounded: a form of the page lists at most the 200 grants it offers.
                "grants" if f.grants.len() < 200 => f.grants.push(value),
                _ => {}
            }
        }
        f
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    csrf: String,
    user: String,
}

/// What the answer to a form shows: the link to pass on, for whom.
struct Link<'a> {
    what: &'static str,
    name: &'a str,
    path: &'a str,
}

/// GET /app/users
#[handler]
pub async fn users_page(SignedIn(s): SignedIn, schema: Data<&AppSchema>) -> Response {
    render(&schema, &s, None, None, None).await
}

async fn render(
    schema: &AppSchema,
    s: &Session,
    typed: Option<&InviteForm>,
    refusal: Option<&Refusal>,
    link: Option<Link<'_>>,
) -> Response {
    let l = s.lang;
    let title = t(l, "users");
    let admin = s.principal.role == entity::enums::Role::Admin;
    let vars = UsersVars { mine: !admin };
    let data = match ask_op(schema, s, UsersPage::build(vars)).await {
        Ok(d) => d,
        Err(e) => return e.page(title, s),
    };
    let f = typed.cloned().unwrap_or_default();
    let at = |api: &str| Refusal::message_at(refusal, api);
    let body = html! {
        @if let Some(k) = &link {
            div.alert.alert-success role="status" id="receipt" {
                div.alert-body {
                    p.alert-heading { (t(l, "receipt")) }
                    p.alert-text { (t(l, k.what)) " " strong { (k.name) } ". " (t(l, "give-them-this-link")) }
                    p.alert-text { a href=(k.path) id="link" { (k.path) } }
                }
            }
        }
        @if let Some(r) = refusal.filter(|r| r.field.is_none()) { p.alert.alert-error role="alert" { (r.message) } }
        div.table--responsive-scroll tabindex="0" {
            table.table.table--zebra id="users" {
                thead { tr {
                    th scope="col" { (t(l, "name")) }
                    th scope="col" { (t(l, "e-mail")) }
                    th scope="col" { (t(l, "role")) }
                    th scope="col" { (t(l, "signed-up")) }
                    th scope="col" { (t(l, "password")) }
                } }
                tbody {
                    @for u in &data.users {
                        tr {
                            td { (u.display_name) }
                            td { (u.email) }
                            td { (role_label(l, u.role.stored())) }
                            td { @if u.active { (t(l, "yes")) } @else { (t(l, "no")) } }
                            td {
                                form.inline method="post" action="/app/users/reset" {
                                    input type="hidden" name="csrf" value=(s.session.csrf_token);
                                    input type="hidden" name="user" value=(u.id);
                                    button.button.button-secondary type="submit" { (t(l, "link-for-a-new-password")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 id="invite" { (t(l, "invite-a-person")) }
        (Refusal::summary(l, refusal, &[
            ("email", "email"), ("displayName", "name"), ("role", "role"),
            ("organisationId", "organisation"), ("contractorId", "contractor"), ("grantIds", "grants"),
        ]))
        form method="post" action="/app/users/invite" novalidate {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            (field(l, "email", "e-mail", &f.email, at("email"), ("email", 254)))
            (field(l, "name", "name", &f.name, at("displayName"), ("text", 200)))
            label.form-label for="role" { (t(l, "role")) }
            select.form-select id="role" name="role" {
                @for r in Role::ALL.into_iter().filter(|r| admin || r.invited_by_bygherre()) {
                    option value=(r.code()) selected[f.role == r.code()] { (role_label(l, r.stored())) }
                }
            }
            p.hint { (t(l, "the-scope-the-role-needs")) }
            @if admin {
                label.form-label for="organisation" { (t(l, "housing-organisation-for-a-bygherre")) }
                @if let Some(m) = at("organisationId") { span.form-error-message id="organisation-error" { (m) } }
                select.form-select id="organisation" name="organisation" {
                    option value="" { "–" }
                    @for o in &data.housing_organisations.nodes {
                        option value=(o.id) selected[f.organisation.as_deref() == Some(o.id.to_string().as_str())] { (o.name) }
                    }
                }
            }
            label.form-label for="contractor" { (t(l, "contractor-for-a-contractor")) }
            @if let Some(m) = at("contractorId") { span.form-error-message id="contractor-error" { (m) } }
            select.form-select id="contractor" name="contractor" {
                option value="" { "–" }
                @for c in &data.contractors.nodes {
                    option value=(c.id) selected[f.contractor.as_deref() == Some(c.id.to_string().as_str())] { (c.name) }
                }
            }
            label.form-label for="grants" { (t(l, "grants-for-a-tovholder")) }
            @if let Some(m) = at("grantIds") { span.form-error-message id="grants-error" { (m) } }
            select.form-select id="grants" name="grants" multiple size="4" {
                @for g in &data.grants.nodes {
                    option value=(g.id) selected[f.grants.contains(&g.id.to_string())] { (g.case_number) }
                }
            }
            button.button.button-primary type="submit" { (t(l, "send-invitation")) }
        }
    };
    let status = refusal.map_or(StatusCode::OK, Refusal::status);
    html_response(status, page(title, Some(s), body), vec![])
}

/// POST /app/users/invite: invites a person through `inviteUser`; the answer shows the link.
#[handler]
pub async fn invite(
    schema: Data<&AppSchema>,
    SignedForm(s, fields): SignedForm<Vec<(String, String)>>,
) -> Response {
    let form = InviteForm::from_fields(fields);
    let l = s.lang;
    let choose = |api: &str| Refusal::bad_input(api, t(l, "choose-one-of-the-options-in"));
    let id = |api: &str, v: &Option<String>| match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse::<Uuid>().map(Some).map_err(|_| choose(api)),
    };
    let read = || -> Result<InviteUserInput, Refusal> {
        Ok(InviteUserInput {
            email: form.email.trim().to_owned(),
            display_name: form.name.clone(),
            role: Role::from_code(form.role.trim()).ok_or_else(|| choose("role"))?,
            organisation_id: id("organisationId", &form.organisation)?,
            contractor_id: id("contractorId", &form.contractor)?,
            grant_ids: form
                .grants
                .iter()
                .map(|g| g.trim().parse::<Uuid>().map_err(|_| choose("grantIds")))
                .collect::<Result<_, _>>()?,
        })
    };
    let i = match read() {
        Ok(i) => i,
        Err(e) => return render(&schema, &s, Some(&form), Some(&e), None).await,
    };
    match ask_op(&schema, &s, Invite::build(InviteVars { i })).await {
        Ok(d) => {
            let k = Link {
                what: "the-invitation-is-made-for",
                name: &d.invite_user.user.display_name,
                path: &d.invite_user.invitation_path,
            };
            render(&schema, &s, None, None, Some(k)).await
        }
        Err(e) => {
            let e = e.worded(&[("email", t(l, "e-mail")), ("displayName", t(l, "name"))]);
            render(&schema, &s, Some(&form), Some(&e), None).await
        }
    }
}

/// POST /app/users/reset: a link to set a new password through `resetUserPassword`.
#[handler]
pub async fn reset(
    schema: Data<&AppSchema>,
    SignedForm(s, form): SignedForm<ResetForm>,
) -> Response {
    let Ok(u) = form.user.trim().parse::<Uuid>() else {
        return crate::layout::not_found(&s);
    };
    match ask_op(&schema, &s, Reset::build(ResetVars { u })).await {
        Ok(d) => {
            let k = Link {
                what: "the-password-link-is-made-for",
                name: &d.reset_user_password.user.display_name,
                path: &d.reset_user_password.invitation_path,
            };
            render(&schema, &s, None, None, Some(k)).await
        }
        Err(e) => render(&schema, &s, None, Some(&e), None).await,
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn every_role_reads_back_from_its_code() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
    }
}
