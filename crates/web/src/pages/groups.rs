//! The følgegrupper (follow-up groups): the list, with a form to set one up for a grant; each
//! group's page with its members (a form to add one, and a button by each to take them out of
//! the group, which keeps them named on the meetings they attended), meetings with minutes and decisions,
//! open action items (overdue ones marked), when the next meeting is due, and a form to register
//! a meeting. Every write goes through the schema with the signed-in person's principal; a
//! refusal is shown at its field and in the summary, with what was typed kept; a saved form
//! ends on the page with a receipt.

use crate::session::{SignedForm, SignedIn};
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;

use super::parts::field;
use super::parts::to_receipt;
use super::trials::{bad_date, form_date};
use crate::layout::ask_op;
use crate::queries::trials::{
    ActionItem, ArchiveMember, CreateFollowUpGroupInput, CreateGroup, CreateGroupMemberInput,
    CreateGroupVars, CreateMeeting, CreateMeetingInput, CreateMember, CreateMemberVars,
    FollowUpGroup, Group, GroupVars, GroupsPage, MeetingVars, MemberIdVars, MemberRole,
};
use crate::{Refusal, Session, html_response, page, t};
use cynic::{MutationBuilder, QueryBuilder};
use engine::i18n::Lang;
use engine::i18n::date;
use tracker_graphql::AppSchema;

crate::session::carries_csrf!(GroupForm, MeetingForm, MemberForm);

/// A member's role in the page's language.
fn member_role(l: Lang, r: MemberRole) -> &'static str {
    match r {
        MemberRole::Bygherre => t(l, "member-bygherre"),
        MemberRole::Jobcenter => t(l, "member-jobcenter"),
        MemberRole::SiteManagement => t(l, "member-site-management"),
        MemberRole::Union => t(l, "member-union"),
        MemberRole::VocationalSchool => t(l, "member-vocational-school"),
        MemberRole::SocialConsultant => t(l, "member-social-consultant"),
        MemberRole::Other => t(l, "member-other"),
    }
}

/// The typed values of the form that sets up a følgegruppe, kept after a refusal. The name is
/// posted as `group_name` (the field's id, unique on a page that may hold several name fields).
#[derive(Deserialize, Default, Clone)]
pub struct GroupForm {
    csrf: String,
    grant: String,
    #[serde(rename = "group_name")]
    name: String,
    cadence: Option<String>,
}

/// GET /app/groups: the følgegrupper the person may see.
#[handler]
pub async fn groups_list(SignedIn(s): SignedIn, schema: Data<&AppSchema>) -> Response {
    groups_page(&schema, &s, None).await
}

async fn groups_page(
    schema: &AppSchema,
    s: &Session,
    refused: Option<(&GroupForm, &Refusal)>,
) -> Response {
    let l = s.lang;
    let title = t(l, "follow-up-groups");
    let d = match ask_op(schema, s, GroupsPage::build(())).await {
        Ok(d) => d,
        Err(e) => return e.page(title, s),
    };
    let groups = &d.follow_up_groups.nodes;
    let refusal = refused.map(|(_, r)| r);
    let f = refused.map(|(f, _)| f.clone()).unwrap_or_default();
    let at = |api: &str| Refusal::message_at(refusal, api);
    let fields = [
        ("grantId", "grant"),
        ("name", "group_name"),
        ("cadenceDays", "cadence"),
    ];
    let general = refusal
        .filter(|r| !fields.iter().any(|(k, _)| r.is_at(k)))
        .map(|r| r.message.clone());
    let may_create = s
        .principal
        .may_write(tracker_core::auth::Area::FollowUp, "create");
    let body = html! {
        ul id="groups" {
            @for g in groups {
                li { a href={ "/app/groups/" (g.id) } { (g.name) }
                    " · " (g.grant.case_number) " " (g.grant.title) }
            }
        }
        @if groups.is_empty() { p { (t(l, "no-follow-up-groups-yet")) } }
        @if may_create {
            h2 id="new-group" { (t(l, "set-up-a-follow-up-group")) }
            @if let Some(m) = general { p.alert.alert-error role="alert" { (m) } }
            (Refusal::summary(l, refusal, &fields))
            form method="post" action="/app/groups" novalidate {
                input type="hidden" name="csrf" value=(s.session.csrf_token);
                label.form-label for="grant" { (t(l, "grant")) }
                @if let Some(m) = at("grantId") { span.form-error-message id="grant-error" { (m) } }
                select.form-select id="grant" name="grant" aria-describedby="grant-error" {
                    @for g in &d.grants.nodes {
                        option value=(g.id) selected[f.grant == g.id.to_string()] {
                            (g.case_number) " " (g.title) }
                    }
                }
                (field(l, "group_name", "group-name", &f.name, at("name"), ("text", 200)))
                (field(l, "cadence", "days-between-meetings-optional", f.cadence.as_deref().unwrap_or_default(), at("cadenceDays"), ("numeric", 3)))
                button.button.button-primary type="submit" { (t(l, "set-up-the-group")) }
            }
        }
    };
    let status = refusal.map_or(StatusCode::OK, Refusal::status);
    html_response(status, page(title, Some(s), body), vec![])
}

/// POST /app/groups: sets up a følgegruppe for a grant through `createFollowUpGroup`.
#[handler]
pub async fn create_group(
    schema: Data<&AppSchema>,
    SignedForm(s, form): SignedForm<GroupForm>,
) -> Response {
    let l = s.lang;
    let Ok(grant_id) = form.grant.trim().parse::<uuid::Uuid>() else {
        let e = Refusal::bad_input("grantId", t(l, "choose-one-of-the-options-in"));
        return groups_page(&schema, &s, Some((&form, &e))).await;
    };
    let cadence_days = match form.cadence.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => match c.parse::<i32>() {
            Ok(n) => Some(n),
            Err(_) => {
                let e = Refusal::bad_input("cadenceDays", t(l, "enter-a-whole-number"));
                return groups_page(&schema, &s, Some((&form, &e))).await;
            }
        },
    };
    let i = CreateFollowUpGroupInput {
        grant_id,
        name: form.name.clone(),
        cadence_days,
    };
    match ask_op(&schema, &s, CreateGroup::build(CreateGroupVars { i })).await {
        Ok(d) => {
            let id = d.create_follow_up_group.id;
            to_receipt(&format!("/app/groups/{id}"), "group", id)
        }
        Err(e) => {
            let e = e.worded(&[
                ("name", t(l, "group-name")),
                ("cadenceDays", t(l, "days-between-meetings-optional")),
            ]);
            groups_page(&schema, &s, Some((&form, &e))).await
        }
    }
}

/// The typed values of the form that adds a member, kept after a refusal.
#[derive(Deserialize, Default, Clone)]
pub struct MemberForm {
    csrf: String,
    member_name: String,
    member_organisation: String,
    member_role: String,
}

/// Which of the group page's forms was sent, with what was typed in it.
enum Sent<'a> {
    Meeting(&'a MeetingForm),
    Member(&'a MemberForm),
}

#[derive(Deserialize, Default, Clone)]
pub struct MeetingForm {
    csrf: String,
    date: String,
    minutes: Option<String>,
    decisions: Option<String>,
    duration: Option<String>,
}

async fn group_page(
    schema: &AppSchema,
    s: &Session,
    group: uuid::Uuid,
    refused: Option<(Sent<'_>, &Refusal)>,
    notice: Option<Markup>,
) -> Response {
    let l = s.lang;
    let title = t(l, "follow-up-group");
    let (meeting, member) = match &refused {
        Some((Sent::Meeting(f), r)) => (Some((*f, *r)), None),
        Some((Sent::Member(f), r)) => (None, Some((*f, *r))),
        None => (None, None),
    };
    let g = match ask_op(schema, s, Group::build(GroupVars { g: group })).await {
        Ok(d) => d.follow_up_group,
        Err(e) => return e.page(title, s),
    };
    let today = tracker_core::units::danish_today();
    let body = html! {
        p { (g.name) " · " (g.grant.case_number) " " (g.grant.title) }
        @if let Some(n) = notice { (n) }
        p id="next-meeting" {
            (t(l, "the-next-meeting-is-due-by"))
            strong { (g.grant.compliance.deadlines.next_meeting_due.map(|d| date(l, d)).unwrap_or_default()) }
            " (" (t(l, "at-most")) (g.cadence_days) (t(l, "days-between-meetings")) ")."
        }
        (action_items(l, &g, today))
        (members(s, &g, group))
        @if s.principal.may_write(tracker_core::auth::Area::FollowUp, "create") {
            (member_form(s, group, member))
        }
        (meetings(l, &g))
        h2 { (t(l, "register-a-meeting")) }
        (meeting_form(s, group, meeting, today))
        p { a href="/app/groups" { (t(l, "all-follow-up-groups")) } }
    };
    let status = meeting
        .map(|(_, r)| r)
        .or(member.map(|(_, r)| r))
        .map_or(StatusCode::OK, Refusal::status);
    html_response(status, page(title, Some(s), body), vec![])
}

/// The open action items, with the date of the meeting each came from; overdue ones marked.
fn action_items(l: Lang, g: &FollowUpGroup, today: chrono::NaiveDate) -> Markup {
    let items: Vec<_> = g
        .meetings
        .iter()
        .flat_map(|m| m.action_items.iter().map(move |a| (a, m.date)))
        .filter(|(a, _)| !a.done)
        .collect();
    let overdue = |a: &ActionItem| a.due_date.is_some_and(|d| d < today);
    html! {
        h2 { (t(l, "open-action-items")) }
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id="action-items" {
            thead { tr {
                th scope="col" { (t(l, "item")) } th scope="col" { (t(l, "owner")) }
                th scope="col" { (t(l, "due")) } th scope="col" { (t(l, "from-the-meeting")) }
            } }
            tbody {
                @for (a, from) in &items {
                    tr.overdue[overdue(a)] {
                        td { (a.description) @if overdue(a) { " " strong.badge.badge-error { (t(l, "overdue")) } } }
                        td { (a.owner) }
                        td { (a.due_date.map(|d| date(l, d)).unwrap_or_default()) }
                        td { (date(l, *from)) }
                    }
                }
            }
        }
        }
    }
}

/// The group's members, each with a button to take them out of it for those who may.
fn members(s: &Session, g: &FollowUpGroup, group: uuid::Uuid) -> Markup {
    let l = s.lang;
    let may_remove = s
        .principal
        .may_write(tracker_core::auth::Area::FollowUp, "archive");
    html! {
        h2 { (t(l, "members")) }
        ul id="members" {
            @for m in g.members.iter().filter(|m| m.archived_at.is_none()) {
                li {
                    (m.name) ", " (m.organisation) " (" (member_role(l, m.role)) ")"
                    @if may_remove {
                        " "
                        form.inline method="post" action={ "/app/groups/" (group) "/members/" (m.id) "/archive" } {
                            input type="hidden" name="csrf" value=(s.session.csrf_token);
                            button.button.button-secondary type="submit" {
                                (t(l, "take-out-of-the-group")) span.sr-only { ": " (m.name) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The group's meetings, the latest first, with who attended, minutes and decisions.
fn meetings(l: Lang, g: &FollowUpGroup) -> Markup {
    let mut sorted: Vec<_> = g.meetings.iter().collect();
    sorted.sort_by_key(|m| std::cmp::Reverse(m.date));
    html! {
        h2 { (t(l, "meetings")) }
        @for m in &sorted {
            article.meeting {
                h3 { (date(l, m.date)) }
                p { (t(l, "attended"))
                    (m.attendees.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join(", ")) }
                @if let Some(minutes) = &m.minutes { h4 { (t(l, "minutes")) } p { (minutes) } }
                @else { p { em { (t(l, "no-minutes-yet")) } } }
                @if let Some(decisions) = &m.decisions { h4 { (t(l, "decisions")) } p { (decisions) } }
            }
        }
    }
}

/// The form that registers a meeting, with what was typed and its refusal (today and an hour
/// when nothing was).
fn meeting_form(
    s: &Session,
    group: uuid::Uuid,
    refused: Option<(&MeetingForm, &Refusal)>,
    today: chrono::NaiveDate,
) -> Markup {
    let l = s.lang;
    let refusal = refused.map(|(_, r)| r);
    let typed = refused
        .map(|(f, _)| f.clone())
        .unwrap_or_else(|| MeetingForm {
            date: today.to_string(),
            duration: Some("60".into()),
            ..Default::default()
        });
    let fields = [
        ("date", "date"),
        ("durationMinutes", "duration"),
        ("minutes", "minutes"),
        ("decisions", "decisions"),
    ];
    let error_for = |field: &str| Refusal::message_at(refusal, field);
    let general = refusal
        .filter(|r| !fields.iter().any(|(k, _)| r.is_at(k)))
        .map(|r| r.message.clone());
    html! {
        @if let Some(m) = general { p.alert.alert-error role="alert" { (m) } }
        (Refusal::summary(l, refusal, &fields))
        form method="post" action={ "/app/groups/" (group) } novalidate {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            label.form-label for="date" { (t(l, "date")) }
            @if let Some(m) = error_for("date") { span.form-error-message id="date-error" { (m) } }
            input.form-input id="date" name="date" type="date" required value=(typed.date) aria-describedby="date-error";
            label.form-label for="duration" { (t(l, "length-minutes")) }
            @if let Some(m) = error_for("durationMinutes") { span.form-error-message id="duration-error" { (m) } }
            input.form-input id="duration" name="duration" inputmode="numeric" maxlength="5"
                value=(typed.duration.clone().unwrap_or_default()) aria-describedby="duration-error";
            label.form-label for="minutes" { (t(l, "minutes")) }
            @if let Some(m) = error_for("minutes") { span.form-error-message id="minutes-error" { (m) } }
            textarea.form-input id="minutes" name="minutes" rows="4" maxlength="50000" aria-describedby="minutes-error" {
                (typed.minutes.clone().unwrap_or_default()) }
            label.form-label for="decisions" { (t(l, "decisions")) }
            @if let Some(m) = error_for("decisions") { span.form-error-message id="decisions-error" { (m) } }
            textarea.form-input id="decisions" name="decisions" rows="2" maxlength="20000" aria-describedby="decisions-error" {
                (typed.decisions.clone().unwrap_or_default()) }
            button.button.button-primary type="submit" { (t(l, "register-the-meeting")) }
        }
    }
}

/// The form that adds a member to group `group`, with what was typed and its refusal.
fn member_form(s: &Session, group: uuid::Uuid, refused: Option<(&MemberForm, &Refusal)>) -> Markup {
    let l = s.lang;
    let refusal = refused.map(|(_, r)| r);
    let f = refused.map(|(f, _)| f.clone()).unwrap_or_default();
    let at = |api: &str| Refusal::message_at(refusal, api);
    let fields = [
        ("name", "member_name"),
        ("organisation", "member_organisation"),
        ("role", "member_role"),
    ];
    html! {
        h3 id="new-member" { (t(l, "add-a-member")) }
        @if let Some(r) = refusal.filter(|r| !fields.iter().any(|(k, _)| r.is_at(k))) {
            p.alert.alert-error role="alert" { (r.message) }
        }
        (Refusal::summary(l, refusal, &fields))
        form method="post" action={ "/app/groups/" (group) "/members" } novalidate {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            (field(l, "member_name", "member-name", &f.member_name, at("name"), ("text", 200)))
            (field(l, "member_organisation", "member-organisation", &f.member_organisation, at("organisation"), ("text", 200)))
            label.form-label for="member_role" { (t(l, "member-role")) }
            @if let Some(m) = at("role") { span.form-error-message id="member_role-error" { (m) } }
            select.form-select id="member_role" name="member_role" aria-describedby="member_role-error" {
                @for r in MemberRole::ALL {
                    option value=(r.code()) selected[f.member_role == r.code()] { (member_role(l, r)) }
                }
            }
            button.button.button-primary type="submit" { (t(l, "add-the-member")) }
        }
    }
}

/// POST /app/groups/{id}/members: adds a member through `createGroupMember`.
#[handler]
pub async fn create_member(
    schema: Data<&AppSchema>,
    Path(id): Path<String>,
    SignedForm(s, form): SignedForm<MemberForm>,
) -> Response {
    let l = s.lang;
    let Ok(group) = id.parse::<uuid::Uuid>() else {
        return crate::not_found(&s);
    };
    let Some(role) = MemberRole::from_code(form.member_role.trim()) else {
        let e = Refusal::bad_input("role", t(l, "choose-one-of-the-options-in"));
        return group_page(&schema, &s, group, Some((Sent::Member(&form), &e)), None).await;
    };
    let i = CreateGroupMemberInput {
        group_id: group,
        name: form.member_name.clone(),
        organisation: form.member_organisation.clone(),
        role,
    };
    match ask_op(&schema, &s, CreateMember::build(CreateMemberVars { i })).await {
        Ok(d) => to_receipt(
            &format!("/app/groups/{group}"),
            "member",
            d.create_group_member.id,
        ),
        Err(e) => {
            let e = e.worded(&[
                ("name", t(l, "member-name")),
                ("organisation", t(l, "member-organisation")),
            ]);
            group_page(&schema, &s, group, Some((Sent::Member(&form), &e)), None).await
        }
    }
}

/// POST /app/groups/{id}/members/{member}/archive: the member leaves the group through
/// `archiveGroupMember` (kept on file: the meetings it attended still name it).
#[handler]
pub async fn archive_member(
    schema: Data<&AppSchema>,
    Path((group, member)): Path<(String, String)>,
    SignedForm(s, _): SignedForm<crate::session::CsrfForm>,
) -> Response {
    let (Ok(group), Ok(member)) = (group.parse::<uuid::Uuid>(), member.parse::<uuid::Uuid>())
    else {
        return crate::not_found(&s);
    };
    match ask_op(
        &schema,
        &s,
        ArchiveMember::build(MemberIdVars { id: member }),
    )
    .await
    {
        Ok(_) => to_receipt(&format!("/app/groups/{group}"), "member-removed", member),
        Err(e) => e.page(t(s.lang, "follow-up-group"), &s),
    }
}

/// GET /app/groups/{id}
#[handler]
pub async fn group_view(
    SignedIn(s): SignedIn,
    schema: Data<&AppSchema>,
    Path(id): Path<String>,
    Query(q): Query<super::parts::Receipt>,
) -> Response {
    let Ok(group) = id.parse::<uuid::Uuid>() else {
        return crate::not_found(&s);
    };
    let what = q.done.as_deref().map(|done| match done {
        "group" => t(s.lang, "the-group-was-set-up"),
        "member" => t(s.lang, "the-member-was-added"),
        "member-removed" => t(s.lang, "the-member-left-the-group"),
        _ => t(s.lang, "the-meeting-was-registered"),
    });
    let notice = super::parts::receipt_for(s.lang, what, &q);
    group_page(&schema, &s, group, None, notice).await
}

/// POST /app/groups/{id}: registers a meeting with its minutes through `createMeeting`.
#[handler]
pub async fn create_meeting(
    schema: Data<&AppSchema>,
    Path(id): Path<String>,
    SignedForm(s, form): SignedForm<MeetingForm>,
) -> Response {
    let Ok(group) = id.parse::<uuid::Uuid>() else {
        return crate::not_found(&s);
    };
    let Some(date) = form_date(&form.date) else {
        let refusal = bad_date(s.lang, "date");
        return group_page(
            &schema,
            &s,
            group,
            Some((Sent::Meeting(&form), &refusal)),
            None,
        )
        .await;
    };
    let Some(duration_minutes) = form
        .duration
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map_or(Some(60), |d| d.parse::<i32>().ok())
    else {
        let refusal = Refusal::bad_input(
            "durationMinutes",
            t(s.lang, "the-length-must-be-whole-minutes"),
        );
        return group_page(
            &schema,
            &s,
            group,
            Some((Sent::Meeting(&form), &refusal)),
            None,
        )
        .await;
    };
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
    };
    let i = CreateMeetingInput {
        group_id: group,
        date,
        duration_minutes,
        minutes: blank(&form.minutes),
        decisions: blank(&form.decisions),
    };
    match ask_op(&schema, &s, CreateMeeting::build(MeetingVars { i })).await {
        Ok(d) => to_receipt(
            &format!("/app/groups/{group}"),
            "meeting",
            d.create_meeting.id,
        ),
        Err(e) => {
            let e = e.worded(&[
                ("date", t(s.lang, "date")),
                ("durationMinutes", t(s.lang, "length-minutes")),
                ("minutes", t(s.lang, "minutes")),
                ("decisions", t(s.lang, "decisions")),
            ]);
            group_page(&schema, &s, group, Some((Sent::Meeting(&form), &e)), None).await
        }
    }
}
