//! The reminders page (påmindelser): every signed-in person chooses which reminders they receive
//! by e-mail, among those their role can receive. The page reads and writes through
//! `reminderPreferences` and `setReminderPreferences` as the person, like any other client.

use std::collections::HashMap;

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Response, handler};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

use crate::{Refusal, Session, ask, html_response, page, t};
use engine::i18n::Lang;
use tracker_graphql::AppSchema;

const READ: &str = "{ reminderPreferences { kinds available defaults } }";
const WRITE: &str = "mutation($k: [ReminderKind!]!) { setReminderPreferences(kinds: $k) { kinds available defaults } }";

fn title(l: Lang) -> &'static str {
    t(l, "Påmindelser", "Reminders")
}

/// A kind's name and when it comes, for people.
fn describe(l: Lang, kind: &str) -> (&'static str, &'static str) {
    match kind {
        "HOURS_REPORT_DUE" => (
            t(l, "Timeindberetning", "Hours report"),
            t(
                l,
                "fra 5 dage før den 10., når en kontrakt mangler sidste måneds timer",
                "from 5 days before the 10th, when a contract has not reported last month",
            ),
        ),
        "LBF_REPORT_DUE" => (
            t(l, "Lærlingeindberetning til LBF", "Yearly LBF report"),
            t(
                l,
                "30, 14 og 7 dage før 29. september",
                "30, 14 and 7 days before 29 September",
            ),
        ),
        "TRIAL_OUTCOME_MISSING" => (
            t(
                l,
                "Snusepraktik uden udfald",
                "Trial placement without outcome",
            ),
            t(
                l,
                "når en snusepraktik er slut uden udfald",
                "when a trial placement has ended without an outcome",
            ),
        ),
        "MEETING_DUE" => (
            t(l, "Følgegruppemøde", "Follow-up group meeting"),
            t(
                l,
                "14 dage før næste møde skal holdes",
                "14 days before the next meeting is due",
            ),
        ),
        "NEW_BREACH" => (
            t(l, "Nyt brud på krav", "New breach"),
            t(
                l,
                "når en bevilling får et nyt brud på krav",
                "when a grant gets a new breach",
            ),
        ),
        _ => ("", ""),
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn form(s: &Session, prefs: &Value, note: Option<Markup>) -> Markup {
    let l = s.lang;
    let chosen = strings(&prefs["kinds"]);
    let available = strings(&prefs["available"]);
    html! {
        @if let Some(n) = note { (n) }
        p { (t(l,
            "Vælg hvilke påmindelser du får på e-mail. Du får kun påmindelser om det, du har adgang til.",
            "Choose which reminders you receive by e-mail. You only get reminders about what you have access to.")) }
        @if prefs["defaults"].as_bool() == Some(true) {
            p { (t(l, "Du har ikke valgt endnu; herunder er din rolles standard.", "You have not chosen yet; below are your role's defaults.")) }
        }
        @if available.is_empty() {
            p { (t(l, "Din rolle modtager ingen påmindelser.", "Your role receives no reminders.")) }
        } @else {
            form method="post" action="/app/reminders" {
                input type="hidden" name="csrf" value=(s.session.csrf_token);
                fieldset {
                    legend { (title(l)) }
                    @for k in &available {
                        @let (name, when) = describe(l, k);
                        div {
                            input type="checkbox" id=(k) name=(format!("kind_{k}")) value="on" checked[chosen.contains(k)];
                            " "
                            label for=(k) { strong { (name) } " – " (when) }
                        }
                    }
                }
                button type="submit" { (t(l, "Gem", "Save")) }
            }
        }
    }
}

fn refused(s: &Session, e: &Refusal) -> Response {
    e.page(title(s.lang), s)
}

/// GET /app/reminders
#[handler]
pub async fn reminders_page(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    schema: Data<&AppSchema>,
) -> Response {
    let s = match crate::signed_in(&db, req).await {
        Ok(s) => s,
        Err(to_login) => return to_login,
    };
    match ask(&schema, &s, READ, json!({})).await {
        Ok(d) => html_response(
            StatusCode::OK,
            page(
                title(s.lang),
                Some(&s),
                form(&s, &d["reminderPreferences"], None),
            ),
            vec![],
        ),
        Err(e) => refused(&s, &e),
    }
}

/// POST /app/reminders: the boxes ticked are the kinds chosen (none ticked: no reminders).
#[handler]
pub async fn save_reminders(
    req: &poem::Request,
    db: Data<&DatabaseConnection>,
    schema: Data<&AppSchema>,
    Form(fields): Form<HashMap<String, String>>,
) -> Response {
    let csrf = fields.get("csrf").cloned().unwrap_or_default();
    let s = match crate::signed_in_form(&db, req, &csrf).await {
        Ok(s) => s,
        Err(refused) => return refused,
    };
    let mut kinds: Vec<&str> = fields
        .keys()
        .filter_map(|k| k.strip_prefix("kind_"))
        .collect();
    kinds.sort_unstable();
    match ask(&schema, &s, WRITE, json!({ "k": kinds })).await {
        Ok(d) => {
            let note = html! { p role="status" { strong { (t(s.lang, "Dine påmindelser er gemt.", "Your reminders are saved.")) } } };
            html_response(
                StatusCode::OK,
                page(
                    title(s.lang),
                    Some(&s),
                    form(&s, &d["setReminderPreferences"], Some(note)),
                ),
                vec![],
            )
        }
        Err(e) => refused(&s, &e),
    }
}
