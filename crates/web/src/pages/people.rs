//! The person form the trainees page (a contractor's trainee) and the snusepraktik page (a
//! tovholder's resident) share: a name or pseudonym (never a CPR number), a birth year, whether
//! the person lives in the estate; registered through `createPerson` as the signed-in person.

use maud::{Markup, html};
use serde::Deserialize;

use super::parts::field;
use crate::layout::ask_op;
use crate::queries::trainees::{CreatePerson, CreatePersonInput, PersonVars};
use crate::{Refusal, Session, t};
use cynic::MutationBuilder;
use tracker_graphql::AppSchema;

crate::session::carries_csrf!(PersonForm);

/// The typed values of the person form, kept after a refusal.
#[derive(Deserialize, Default, Clone)]
pub struct PersonForm {
    pub(crate) csrf: String,
    name: String,
    birth_year: Option<String>,
    resident: Option<String>,
}

/// The form for a new person, posting to `action` (the trainees page's, or the snusepraktik
/// page's for a resident), with what was typed and the refusal at its field.
pub(crate) fn person_form(
    s: &Session,
    f: Option<&PersonForm>,
    refusal: Option<&Refusal>,
    action: &str,
    heading: &'static str,
) -> Markup {
    let l = s.lang;
    let f = f.cloned().unwrap_or_default();
    let at = |api: &str| Refusal::message_at(refusal, api);
    html! {
        h2 id="new-person" { (t(l, heading)) }
        (Refusal::summary(l, refusal, &[("displayName", "name"), ("birthYear", "birth_year")]))
        form method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            p.hint { (t(l, "name-or-pseudonym-never-a-cpr")) }
            (field(l, "name", "name-or-pseudonym", &f.name, at("displayName"), ("text", 200)))
            (field(l, "birth_year", "birth-year-optional", f.birth_year.as_deref().unwrap_or_default(), at("birthYear"), ("numeric", 4)))
            div.form-group {
                input.form-checkbox type="checkbox" id="resident" name="resident" value="yes" checked[f.resident.is_some()];
                label.form-label for="resident" { (t(l, "lives-in-the-estate")) }
            }
            button.button.button-primary type="submit" { (t(l, "register-person")) }
        }
    }
}

/// Registers the person of a person form through `createPerson` as the signed-in person; the
/// refusal worded with the form's labels.
pub(crate) async fn register_person(
    schema: &AppSchema,
    s: &Session,
    form: &PersonForm,
) -> Result<uuid::Uuid, Refusal> {
    let l = s.lang;
    let birth_year = match form.birth_year.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(y) => Some(
            y.parse::<i32>()
                .map_err(|_| Refusal::bad_input("birthYear", t(l, "enter-a-year")))?,
        ),
    };
    let i = CreatePersonInput {
        display_name: form.name.clone(),
        birth_year,
        lives_in_estate: form.resident.is_some(),
    };
    ask_op(schema, s, CreatePerson::build(PersonVars { i }))
        .await
        .map(|d| d.create_person.id)
        .map_err(|e| {
            e.worded(&[
                ("displayName", t(l, "name-or-pseudonym")),
                ("birthYear", t(l, "birth-year")),
            ])
        })
}
