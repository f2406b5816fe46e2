//! The reminders page (påmindelser): every signed-in person chooses which reminders they receive
//! by e-mail, among those their role can receive. The page reads and writes through
//! `reminderPreferences` and `setReminderPreferences` as the person, like any other client, with
//! typed operations ([`crate::queries::reminders`]).

use crate::session::{SignedForm, SignedIn};
use std::collections::HashMap;

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Response, handler};

use crate::layout::ask_op;
use crate::queries::reminders::{
    KindsVars, ReadPreferences, ReminderKind, ReminderPreferences, SavePreferences,
};
use crate::{Refusal, Session, html_response, page, t, t_with};
use engine::i18n::Lang;
use tracker_graphql::AppSchema;

fn title(l: Lang) -> &'static str {
    t(l, "reminders")
}

/// A kind's name and when it comes, for people: the leads are the planner's, the deadlines the
/// engine's defaults (a grant may set its own hours deadline).
fn describe(l: Lang, kind: ReminderKind) -> (&'static str, String) {
    use engine::compliance::params::{LBF_REPORT_DUE, ParamKey};
    use tracker_core::reminders::plan::{LBF_STAGES, Lead};
    let lead = Lead::default();
    match kind {
        ReminderKind::HoursReportDue => {
            let day = ParamKey::HoursReportDueDay.def().default;
            let when = [
                ("lead", lead.hours_days.to_string()),
                ("day", day.to_string()),
            ];
            (
                t(l, "hours-report"),
                t_with(l, "reminder-hours-when", &when),
            )
        }
        ReminderKind::LbfReportDue => {
            let (month, day) = LBF_REPORT_DUE;
            let due = chrono::NaiveDate::from_ymd_opt(2000, month, day)
                .map(|d| engine::i18n::day_and_month(l, d))
                .unwrap_or_default();
            let [first, second, third] = LBF_STAGES.map(|d| d.to_string());
            let when = [
                ("first", first),
                ("second", second),
                ("third", third),
                ("due", due),
            ];
            (
                t(l, "yearly-lbf-report"),
                t_with(l, "reminder-lbf-when", &when),
            )
        }
        ReminderKind::TrialOutcomeMissing => (
            t(l, "trial-placement-without-outcome"),
            t(l, "when-a-trial-placement-has-ended").to_owned(),
        ),
        ReminderKind::ThreeMonthStatusDue => (
            t(l, "three-month-status-of-a-trial"),
            t(l, "when-three-months-have-passed").to_owned(),
        ),
        ReminderKind::MeetingDue => {
            let when = [("lead", lead.meeting_days.to_string())];
            (
                t(l, "follow-up-group-meeting"),
                t_with(l, "reminder-meeting-when", &when),
            )
        }
        ReminderKind::NewBreach => (
            t(l, "new-breach"),
            t(l, "when-a-grant-gets-a-new").to_owned(),
        ),
        ReminderKind::HoursReturned => (
            t(l, "hours-report-returned"),
            t(l, "when-a-month-is-returned").to_owned(),
        ),
        ReminderKind::HoursAwaitingAcceptance => {
            let days = ParamKey::HoursAcceptanceWaitDays.def().default;
            (
                t(l, "hours-report-awaiting-acceptance"),
                t_with(l, "reminder-awaiting-when", &[("days", days.to_string())]),
            )
        }
        ReminderKind::HoursStatusChanged => (
            t(l, "hours-report-status"),
            t(l, "when-a-month-takes-a-step").to_owned(),
        ),
    }
}

fn form(s: &Session, prefs: &ReminderPreferences, note: Option<Markup>) -> Markup {
    let l = s.lang;
    html! {
        @if let Some(n) = note { (n) }
        p { (t(l, "choose-which-reminders-you-receive-by")) }
        @if prefs.defaults {
            p { (t(l, "you-have-not-chosen-yet-below")) }
        }
        @if prefs.available.is_empty() {
            p { (t(l, "your-role-receives-no-reminders")) }
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
                            label.form-label for=(code) { strong { (name) } " – " (when) }
                        }
                    }
                }
                button.button.button-primary type="submit" { (t(l, "save")) }
            }
        }
    }
}

fn refused(s: &Session, e: &Refusal) -> Response {
    e.page(title(s.lang), s)
}

/// GET /app/reminders
#[handler]
pub async fn reminders_page(SignedIn(s): SignedIn, schema: Data<&AppSchema>) -> Response {
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
    schema: Data<&AppSchema>,
    SignedForm(s, fields): SignedForm<HashMap<String, String>>,
) -> Response {
    use cynic::MutationBuilder;
    let mut kinds = Vec::new();
    for code in fields.keys().filter_map(|k| k.strip_prefix("kind_")) {
        let Some(kind) = ReminderKind::from_code(code) else {
            let refusal = Refusal::bad_input(
                "kinds",
                format!(
                    "{}: {}",
                    t(s.lang, "unknown-kind-of-reminder"),
                    code.chars().take(60).collect::<String>()
                ),
            );
            return refused(&s, &refusal);
        };
        kinds.push(kind);
    }
    kinds.sort_unstable();
    match ask_op(&schema, &s, SavePreferences::build(KindsVars { k: kinds })).await {
        Ok(d) => {
            let note = super::parts::receipt(
                s.lang,
                t(s.lang, "your-reminders-are-saved"),
                Some(chrono::Utc::now()),
                None,
            );
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The page names the planner's leads and the engine's deadlines, not fixed text.
    #[test]
    fn each_kind_says_when_it_comes_with_the_real_leads_and_deadlines() {
        let (name, when) = describe(Lang::Da, ReminderKind::HoursReportDue);
        assert_eq!(name, "Timeindberetning");
        assert_eq!(
            when,
            "fra 5 dage før fristen (den 10. i måneden efter, medmindre tilsagnet har sin egen), når en kontrakt mangler sidste måneds timer"
        );
        assert_eq!(
            describe(Lang::En, ReminderKind::LbfReportDue).1,
            "30, 14 and 7 days before 29 September"
        );
        assert_eq!(
            describe(Lang::Da, ReminderKind::MeetingDue).1,
            "14 dage før næste møde skal holdes"
        );
    }
}
