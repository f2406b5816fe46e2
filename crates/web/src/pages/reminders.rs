//! The reminders page (påmindelser): every signed-in person chooses which reminders they receive
//! by e-mail, among those their role can receive. The page reads and writes through
//! `reminderPreferences` and `setReminderPreferences` as the person, like any other client, with
//! typed operations ([`crate::queries::reminders`]).

use std::collections::HashMap;

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Response, handler};
use sea_orm::DatabaseConnection;

use crate::layout::ask_op;
use crate::queries::reminders::{
    KindsVars, ReadPreferences, ReminderKind, ReminderPreferences, SavePreferences,
};
use crate::{Refusal, Session, html_response, page, t};
use engine::i18n::Lang;
use tracker_graphql::AppSchema;

fn title(l: Lang) -> &'static str {
    t(l, "Påmindelser", "Reminders")
}

/// A kind's name and when it comes, for people.
fn describe(l: Lang, kind: ReminderKind) -> (&'static str, &'static str) {
    match kind {
        ReminderKind::HoursReportDue => (
            t(l, "Timeindberetning", "Hours report"),
            t(
                l,
                "fra 5 dage før den 10., når en kontrakt mangler sidste måneds timer",
                "from 5 days before the 10th, when a contract has not reported last month",
            ),
        ),
        ReminderKind::LbfReportDue => (
            t(l, "Lærlingeindberetning til LBF", "Yearly LBF report"),
            t(
                l,
                "30, 14 og 7 dage før 29. september",
                "30, 14 and 7 days before 29 September",
            ),
        ),
        ReminderKind::TrialOutcomeMissing => (
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
        ReminderKind::MeetingDue => (
            t(l, "Følgegruppemøde", "Follow-up group meeting"),
            t(
                l,
                "14 dage før næste møde skal holdes",
                "14 days before the next meeting is due",
            ),
        ),
        ReminderKind::NewBreach => (
            t(l, "Nyt brud på krav", "New breach"),
            t(
                l,
                "når en bevilling får et nyt brud på krav",
                "when a grant gets a new breach",
            ),
        ),
    }
}

fn form(s: &Session, prefs: &ReminderPreferences, note: Option<Markup>) -> Markup {
    let l = s.lang;
    html! {
        @if let Some(n) = note { (n) }
        p { (t(l,
            "Vælg hvilke påmindelser du får på e-mail. Du får kun påmindelser om det, du har adgang til.",
            "Choose which reminders you receive by e-mail. You only get reminders about what you have access to.")) }
        @if prefs.defaults {
            p { (t(l, "Du har ikke valgt endnu; herunder er din rolles standard.", "You have not chosen yet; below are your role's defaults.")) }
        }
        @if prefs.available.is_empty() {
            p { (t(l, "Din rolle modtager ingen påmindelser.", "Your role receives no reminders.")) }
        } @else {
            form method="post" action="/app/reminders" {
                input type="hidden" name="csrf" value=(s.session.csrf_token);
                fieldset {
                    legend { (title(l)) }
                    @for k in &prefs.available {
                        @let (name, when) = describe(l, *k);
                        @let code = k.code();
                        div {
                            input type="checkbox" id=(code) name=(format!("kind_{code}")) value="on" checked[prefs.kinds.contains(k)];
                            " "
                            label for=(code) { strong { (name) } " – " (when) }
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
    use cynic::QueryBuilder;
    match ask_op(&schema, &s, ReadPreferences::build(())).await {
        Ok(d) => html_response(
            StatusCode::OK,
            page(
                title(s.lang),
                Some(&s),
                form(&s, &d.reminder_preferences, None),
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
    use cynic::MutationBuilder;
    let mut kinds = Vec::new();
    for code in fields.keys().filter_map(|k| k.strip_prefix("kind_")) {
        let Some(kind) = ReminderKind::from_code(code) else {
            let refusal = Refusal {
                code: "BAD_USER_INPUT".into(),
                message: format!(
                    "{}: {}",
                    t(
                        s.lang,
                        "Ukendt slags påmindelse",
                        "Unknown kind of reminder"
                    ),
                    code.chars().take(60).collect::<String>()
                ),
                field: Some("kinds".into()),
            };
            return refused(&s, &refusal);
        };
        kinds.push(kind);
    }
    kinds.sort_unstable();
    match ask_op(&schema, &s, SavePreferences::build(KindsVars { k: kinds })).await {
        Ok(d) => {
            let note = html! { p role="status" { strong { (t(s.lang, "Dine påmindelser er gemt.", "Your reminders are saved.")) } } };
            html_response(
                StatusCode::OK,
                page(
                    title(s.lang),
                    Some(&s),
                    form(&s, &d.set_reminder_preferences, Some(note)),
                ),
                vec![],
            )
        }
        Err(e) => refused(&s, &e),
    }
}
