//! Which reminders are due on a day: pure functions from a grant's deadlines, findings and open
//! trial placements to reminders, each with its idempotency key (kind, subject and due date), so
//! the same reminder planned again, on any instance, is the same row.
//!
//! When each is due (Danish dates, Europe/Copenhagen):
//! - hours report (R6): from [`Lead::hours_days`] days before the deadline (the 10th), per contract
//!   that has not reported the month;
//! - LBF report (R5): 30, 14 and 7 days before 29 September, the latest stage reached (a server
//!   that was down on the 30th day does not send the 30-day reminder on the 13th);
//! - trial placement ended without an outcome (R8): the day after it ended, before R8's deadline;
//! - følgegruppe meeting (R7): from [`Lead::meeting_days`] days before the last day that keeps the
//!   interval, also once overdue;
//! - three-month status of a snusepraktik (R10): from three months after it ended until R10's
//!   deadline (R8's grace days later);
//! - a new BREACH finding: the first day it is seen;
//! - a month returned (the workflow): the day it was returned, to the contract's people;
//! - a month ready for acceptance that has waited longer than the grant allows: the day after,
//!   to those who see the grant's figures (the bygherre);
//! - every step of a month (for webhooks and those who choose it): the day it was taken.

use chrono::{Days, NaiveDate};
use entity::enums::ReminderKind;
use uuid::Uuid;

use crate::compliance::deadlines::{Deadlines, HoursDue};
use crate::compliance::{Finding, Severity, SubjectKind};
use crate::i18n::{Text, da_date, da_days, da_month, ym};

/// The stages of the yearly LBF report's reminder, in days before its deadline.
pub const LBF_STAGES: [i64; 3] = [30, 14, 7];

/// How early the reminders that have a lead come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lead {
    pub hours_days: u64,
    pub meeting_days: u64,
}

impl Default for Lead {
    fn default() -> Self {
        Self {
            hours_days: 5,
            meeting_days: 14,
        }
    }
}

/// The grant a reminder is about, as its users know it.
#[derive(Clone, Debug)]
pub struct GrantLabel {
    pub id: Uuid,
    pub case_number: String,
    pub title: String,
}

impl GrantLabel {
    fn name(&self) -> String {
        format!("{} ({})", self.title, self.case_number)
    }
}

/// Who may receive a reminder: those who see the grant's figures, or those who see one contract
/// or one trial placement (a contractor gets its own contracts' reminders, never a grant's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Grant,
    /// Those who see the grant's figures and its persons: the reminder names a person (R9).
    GrantPersons,
    Contract(Uuid),
    Trial(Uuid),
}

/// A reminder due, before it has recipients.
#[derive(Clone, Debug, PartialEq)]
pub struct Due {
    pub key: String,
    pub kind: ReminderKind,
    pub grant_id: Uuid,
    pub subject_id: Uuid,
    pub due_date: NaiveDate,
    pub audience: Audience,
    pub title: Text,
    pub message: Text,
}

/// Where in the web app a person acts on a reminder (a path on the site, which an e-mail puts
/// after the site's public address): the hours form for that contract and month (the month
/// before the due day's month), the grant's LBF report, the snusepraktik or følgegruppe pages,
/// or the grant with its new finding.
pub fn form_path(kind: ReminderKind, grant: Uuid, subject: Uuid, due: NaiveDate) -> String {
    match kind {
        ReminderKind::HoursReportDue => {
            let month = crate::compliance::figures::month_of(
                crate::compliance::figures::month_of(due) - chrono::Days::new(1),
            );
            format!(
                "/app/hours?contract={subject}&month={}",
                month.format("%Y-%m")
            )
        }
        ReminderKind::LbfReportDue => format!("/app/grants/{grant}/lbf"),
        ReminderKind::MeetingDue => "/app/groups".into(),
        ReminderKind::TrialOutcomeMissing | ReminderKind::ThreeMonthStatusDue => {
            "/app/trials".into()
        }
        ReminderKind::NewBreach => format!("/app/grants/{grant}"),
        // The month's page: its versions, steps and the buttons of the next step.
        ReminderKind::HoursReturned
        | ReminderKind::HoursAwaitingAcceptance
        | ReminderKind::HoursStatusChanged => {
            format!("/app/hours/month?contract={subject}")
        }
    }
}

/// The key's stable code of a kind (the database's code, so keys read like the rows).
pub fn kind_code(kind: ReminderKind) -> &'static str {
    match kind {
        ReminderKind::HoursReportDue => "hours_report_due",
        ReminderKind::LbfReportDue => "lbf_report_due",
        ReminderKind::TrialOutcomeMissing => "trial_outcome_missing",
        ReminderKind::MeetingDue => "meeting_due",
        ReminderKind::NewBreach => "new_breach",
        ReminderKind::ThreeMonthStatusDue => "three_month_status_due",
        ReminderKind::HoursReturned => "hours_returned",
        ReminderKind::HoursAwaitingAcceptance => "hours_awaiting",
        ReminderKind::HoursStatusChanged => "hours_status",
    }
}

fn key(kind: ReminderKind, subject: impl std::fmt::Display, due: NaiveDate) -> String {
    format!("{}:{subject}:{due}", kind_code(kind))
}

/// A contract that has not reported the month whose report is due next.
#[derive(Clone, Debug)]
pub struct UnreportedContract {
    pub id: Uuid,
    pub trade: String,
    pub contractor: String,
}

/// Whether R6's reminder window is open on `today`: from `lead` days before the deadline to the
/// deadline itself (after it, R6 reports the month as missing).
pub fn hours_window_open(due: &HoursDue, today: NaiveDate, lead: Lead) -> bool {
    let opens = due.due.checked_sub_days(Days::new(lead.hours_days));
    today <= due.due && opens.is_some_and(|o| o <= today)
}

/// R6: one reminder per contract still missing the month, while [`hours_window_open`].
pub fn hours_reports(
    g: &GrantLabel,
    due: &HoursDue,
    unreported: &[UnreportedContract],
    today: NaiveDate,
    lead: Lead,
) -> Vec<Due> {
    if !hours_window_open(due, today, lead) {
        return Vec::new();
    }
    unreported
        .iter()
        .map(|c| Due {
            key: key(
                ReminderKind::HoursReportDue,
                format!("{}:{}", c.id, ym(due.month)),
                due.due,
            ),
            kind: ReminderKind::HoursReportDue,
            grant_id: g.id,
            subject_id: c.id,
            due_date: due.due,
            audience: Audience::Contract(c.id),
            title: Text::new(
                format!("Hours report for {} due {}", ym(due.month), due.due),
                format!(
                    "Timeindberetning for {} skal ind senest {}",
                    da_month(due.month),
                    da_date(due.due)
                ),
            ),
            message: Text::new(
                format!(
                    "The contract {} ({}) on {} has not reported its hours for {}. The report is due {}.",
                    c.trade,
                    c.contractor,
                    g.name(),
                    ym(due.month),
                    due.due
                ),
                format!(
                    "Kontrakten {} ({}) på {} har ikke indberettet timer for {}. Fristen er {}.",
                    c.trade,
                    c.contractor,
                    g.name(),
                    da_month(due.month),
                    da_date(due.due)
                ),
            ),
        })
        .collect()
}

/// R5: the yearly LBF report not yet submitted, at the latest of the stages reached (none once
/// the deadline has passed: R5 reports it missing).
pub fn lbf_report(g: &GrantLabel, d: &Deadlines, today: NaiveDate) -> Option<Due> {
    let (year, due) = d.lbf_report?;
    let left = (due - today).num_days();
    let stage = LBF_STAGES.iter().rev().find(|s| left <= **s)?;
    if left < 0 {
        return None;
    }
    Some(Due {
        key: key(
            ReminderKind::LbfReportDue,
            format!("{}:{year}:{stage}", g.id),
            due,
        ),
        kind: ReminderKind::LbfReportDue,
        grant_id: g.id,
        subject_id: g.id,
        due_date: due,
        audience: Audience::Grant,
        title: Text::new(
            format!("LBF report for {year} due {due}"),
            format!(
                "Lærlingeindberetning for {year} skal til LBF senest {}",
                da_date(due)
            ),
        ),
        message: Text::new(
            format!(
                "The yearly report to Landsbyggefonden for {year} on {} is due {due}, in {left} days.",
                g.name()
            ),
            format!(
                "Årets indberetning til Landsbyggefonden for {year} på {} skal sendes senest {}, om {}.",
                g.name(),
                da_date(due),
                da_days(left)
            ),
        ),
    })
}

/// R7: the følgegruppe's next meeting, from `lead` days before its last day (overdue included).
pub fn meeting(g: &GrantLabel, d: &Deadlines, today: NaiveDate, lead: Lead) -> Option<Due> {
    let due = d.next_meeting?;
    let opens = due.checked_sub_days(Days::new(lead.meeting_days))?;
    if today < opens {
        return None;
    }
    let (en_when, da_when) = if today > due {
        (
            format!("was due {due}"),
            format!("skulle have været holdt senest {}", da_date(due)),
        )
    } else {
        (
            format!("is due by {due}"),
            format!("skal holdes senest {}", da_date(due)),
        )
    };
    Some(Due {
        key: key(ReminderKind::MeetingDue, g.id, due),
        kind: ReminderKind::MeetingDue,
        grant_id: g.id,
        subject_id: g.id,
        due_date: due,
        audience: Audience::Grant,
        title: Text::new(
            format!("Følgegruppe meeting due {due}"),
            format!("Følgegruppemøde senest {}", da_date(due)),
        ),
        message: Text::new(
            format!("The følgegruppe of {} {en_when}.", g.name()),
            format!("Følgegruppen for {} {da_when}.", g.name()),
        ),
    })
}

/// A trial placement (snusepraktik) as the R8 reminder needs it.
#[derive(Clone, Debug)]
pub struct OpenTrial {
    pub id: Uuid,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub host: Option<String>,
}

/// R8: a trial placement that has ended without an outcome, until R8's deadline (`due_days`
/// after its end; after that R8 reports it).
pub fn trial_outcome(
    g: &GrantLabel,
    t: &OpenTrial,
    due_days: u64,
    today: NaiveDate,
) -> Option<Due> {
    let due = t.end.checked_add_days(Days::new(due_days))?;
    if today <= t.end || today > due {
        return None;
    }
    let host_en = t
        .host
        .as_deref()
        .map(|h| format!(" at {h}"))
        .unwrap_or_default();
    let host_da = t
        .host
        .as_deref()
        .map(|h| format!(" hos {h}"))
        .unwrap_or_default();
    Some(Due {
        key: key(ReminderKind::TrialOutcomeMissing, t.id, due),
        kind: ReminderKind::TrialOutcomeMissing,
        grant_id: g.id,
        subject_id: t.id,
        due_date: due,
        audience: Audience::Trial(t.id),
        title: Text::new(
            format!("Snusepraktik ended without an outcome; record it by {due}"),
            format!(
                "Snusepraktik afsluttet uden udfald; registrér det senest {}",
                da_date(due)
            ),
        ),
        message: Text::new(
            format!(
                "The snusepraktik {} to {}{host_en} on {} has ended without an outcome. Record the outcome and the next plan by {due}.",
                t.start,
                t.end,
                g.name()
            ),
            format!(
                "Snusepraktikken {} til {}{host_da} på {} er slut, men har intet udfald. Registrér udfald og videre plan senest {}.",
                da_date(t.start),
                da_date(t.end),
                g.name(),
                da_date(due)
            ),
        ),
    })
}

/// R10: a trial placement whose three months after the end have passed without a recorded
/// status, until R10's deadline (`grace_days` later; after that R10 reports it).
pub fn three_month_status(
    g: &GrantLabel,
    t: &OpenTrial,
    grace_days: u64,
    today: NaiveDate,
) -> Option<Due> {
    let from = t.end.checked_add_months(chrono::Months::new(3))?;
    let due = from.checked_add_days(Days::new(grace_days))?;
    if today < from || today > due {
        return None;
    }
    Some(Due {
        key: key(ReminderKind::ThreeMonthStatusDue, t.id, due),
        kind: ReminderKind::ThreeMonthStatusDue,
        grant_id: g.id,
        subject_id: t.id,
        due_date: due,
        audience: Audience::Trial(t.id),
        title: Text::new(
            format!("Three months after a snusepraktik: record where the participant is by {due}"),
            format!(
                "Tre måneder efter en snusepraktik: registrér, hvor deltageren er, senest {}",
                da_date(due)
            ),
        ),
        message: Text::new(
            format!(
                "The snusepraktik {} to {} on {} ended three months ago. Record where the participant is now (in work, in education, self-supporting, on benefits or unknown) by {due}.",
                t.start,
                t.end,
                g.name()
            ),
            format!(
                "Snusepraktikken {} til {} på {} sluttede for tre måneder siden. Registrér, hvor deltageren er nu (i arbejde, i uddannelse, selvforsørgende, på offentlig forsørgelse eller ukendt), senest {}.",
                da_date(t.start),
                da_date(t.end),
                g.name(),
                da_date(due)
            ),
        ),
    })
}

/// Every BREACH finding, keyed by its rule's code, subject and what within the subject it is
/// about (the year's deadline of R5, the month of R9), not by day: a breach that stays open is not
/// news tomorrow.
pub fn breaches(g: &GrantLabel, findings: &[Finding], today: NaiveDate) -> Vec<Due> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Breach)
        .map(|f| {
            let which = f
                .detail
                .due
                .map(|d| d.to_string())
                .or_else(|| f.detail.year.map(|y| y.to_string()))
                .or_else(|| f.detail.months.first().map(|m| ym(*m)))
                .unwrap_or_else(|| "-".into());
            (f, which)
        })
        .map(|(f, which)| Due {
            key: format!(
                "{}:{}:{:?}:{}:{which}",
                kind_code(ReminderKind::NewBreach),
                g.id,
                f.code,
                f.subject_id
            ),
            kind: ReminderKind::NewBreach,
            grant_id: g.id,
            subject_id: f.subject_id,
            due_date: f.detail.due.unwrap_or(today),
            // R9's message names the trainee: never to a viewer.
            audience: if f.subject_kind == SubjectKind::Person || f.detail.person_id.is_some() {
                Audience::GrantPersons
            } else {
                Audience::Grant
            },
            title: Text::new(
                format!("New breach on {}", g.name()),
                format!("Nyt brud på krav på {}", g.name()),
            ),
            message: f.message.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compliance::FindingCode;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// An hours reminder due 10 July (or on a grant's 28th) leads to June's form for that
    /// contract; the others to the page where their work is done.
    #[test]
    fn each_reminder_links_to_where_it_is_acted_on() {
        let (g, c) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let hours = |due| form_path(ReminderKind::HoursReportDue, g, c, d(due));
        assert_eq!(
            hours("2026-07-10"),
            format!("/app/hours?contract={c}&month=2026-06")
        );
        assert_eq!(
            hours("2027-01-28"),
            format!("/app/hours?contract={c}&month=2026-12")
        );
        assert_eq!(
            form_path(ReminderKind::LbfReportDue, g, g, d("2026-09-29")),
            format!("/app/grants/{g}/lbf")
        );
        assert_eq!(
            form_path(ReminderKind::ThreeMonthStatusDue, g, c, d("2026-09-29")),
            "/app/trials"
        );
        assert_eq!(
            form_path(ReminderKind::MeetingDue, g, g, d("2026-09-29")),
            "/app/groups"
        );
        assert_eq!(
            form_path(ReminderKind::NewBreach, g, c, d("2026-09-29")),
            format!("/app/grants/{g}")
        );
    }

    fn grant() -> GrantLabel {
        GrantLabel {
            id: Uuid::from_u128(1),
            case_number: "LBF-2024-0187".into(),
            title: "Korsløkkeparken".into(),
        }
    }

    fn contract() -> UnreportedContract {
        UnreportedContract {
            id: Uuid::from_u128(7),
            trade: "Murer".into(),
            contractor: "Fyns Byg A/S".into(),
        }
    }

    #[test]
    fn hours_report_is_reminded_from_five_days_before_the_tenth_to_the_tenth() {
        let due = HoursDue {
            month: d("2026-09-01"),
            due: d("2026-10-10"),
            contracts: 1,
        };
        let at = |day| hours_reports(&grant(), &due, &[contract()], d(day), Lead::default());
        assert!(at("2026-10-04").is_empty());
        let first = at("2026-10-05");
        assert_eq!(first.len(), 1);
        assert_eq!(
            first[0].key,
            format!("hours_report_due:{}:2026-09:2026-10-10", Uuid::from_u128(7))
        );
        assert_eq!(first[0].audience, Audience::Contract(Uuid::from_u128(7)));
        assert_eq!(
            first[0].title.da,
            "Timeindberetning for september 2026 skal ind senest 10. oktober 2026"
        );
        assert!(
            first[0]
                .message
                .da
                .contains("Murer (Fyns Byg A/S) på Korsløkkeparken (LBF-2024-0187)")
        );
        // Same key on every day of the window: planned twice, sent once.
        assert_eq!(at("2026-10-10")[0].key, first[0].key);
        assert!(at("2026-10-11").is_empty());
    }

    #[test]
    fn lbf_report_stages_are_30_14_and_7_days_before_and_the_latest_reached_wins() {
        let dl = Deadlines {
            lbf_report: Some((2026, d("2027-09-29"))),
            ..Default::default()
        };
        let at = |day| lbf_report(&grant(), &dl, d(day)).map(|r| r.key);
        let k = |stage: i64| {
            Some(format!(
                "lbf_report_due:{}:2026:{stage}:2027-09-29",
                Uuid::from_u128(1)
            ))
        };
        assert_eq!(at("2027-08-29"), None); // 31 days before
        assert_eq!(at("2027-08-30"), k(30));
        assert_eq!(at("2027-09-14"), k(30)); // 15 days before
        assert_eq!(at("2027-09-15"), k(14));
        assert_eq!(at("2027-09-22"), k(7));
        assert_eq!(at("2027-09-29"), k(7));
        assert_eq!(at("2027-09-30"), None); // overdue: R5 reports it
        let r = lbf_report(&grant(), &dl, d("2027-09-19")).unwrap();
        assert!(r.message.da.contains("om 10 dage"), "{}", r.message.da);
    }

    #[test]
    fn meeting_is_reminded_from_fourteen_days_before_and_once_overdue() {
        let dl = Deadlines {
            next_meeting: Some(d("2026-12-01")),
            ..Default::default()
        };
        assert!(meeting(&grant(), &dl, d("2026-11-16"), Lead::default()).is_none());
        let r = meeting(&grant(), &dl, d("2026-11-17"), Lead::default()).unwrap();
        assert_eq!(
            r.key,
            format!("meeting_due:{}:2026-12-01", Uuid::from_u128(1))
        );
        assert!(
            r.message
                .da
                .ends_with("skal holdes senest 1. december 2026.")
        );
        let late = meeting(&grant(), &dl, d("2026-12-05"), Lead::default()).unwrap();
        assert_eq!(late.key, r.key);
        assert!(late.message.en.contains("was due 2026-12-01"));
    }

    #[test]
    fn three_month_status_is_reminded_from_three_months_after_the_end_until_r10s_deadline() {
        let t = OpenTrial {
            id: Uuid::from_u128(7),
            start: d("2026-03-02"),
            end: d("2026-03-30"),
            host: None,
        };
        // Three months after 30 March is 30 June; due with 14 days' grace on 14 July.
        assert!(three_month_status(&grant(), &t, 14, d("2026-06-29")).is_none());
        let r = three_month_status(&grant(), &t, 14, d("2026-06-30")).unwrap();
        assert_eq!(
            (r.kind, r.due_date, r.audience),
            (
                ReminderKind::ThreeMonthStatusDue,
                d("2026-07-14"),
                Audience::Trial(t.id)
            )
        );
        assert_eq!(
            r.title.da,
            "Tre måneder efter en snusepraktik: registrér, hvor deltageren er, senest 14. juli 2026"
        );
        assert!(three_month_status(&grant(), &t, 14, d("2026-07-14")).is_some());
        assert!(three_month_status(&grant(), &t, 14, d("2026-07-15")).is_none());
    }

    #[test]
    fn trial_without_outcome_is_reminded_after_its_end_until_r8s_deadline() {
        let t = OpenTrial {
            id: Uuid::from_u128(9),
            start: d("2026-10-05"),
            end: d("2026-10-30"),
            host: Some("Fyns Byg A/S".into()),
        };
        assert!(trial_outcome(&grant(), &t, 14, d("2026-10-30")).is_none());
        let r = trial_outcome(&grant(), &t, 14, d("2026-10-31")).unwrap();
        assert_eq!(r.due_date, d("2026-11-13"));
        assert_eq!(r.audience, Audience::Trial(Uuid::from_u128(9)));
        assert!(r.message.da.contains("hos Fyns Byg A/S"));
        assert!(trial_outcome(&grant(), &t, 14, d("2026-11-13")).is_some());
        assert!(trial_outcome(&grant(), &t, 14, d("2026-11-14")).is_none());
    }

    #[test]
    fn only_breaches_are_reminded_and_their_key_does_not_change_with_the_day() {
        let rule = crate::compliance::rules::r1_trainee_share::RULE;
        let f = |severity| {
            Finding::builder(
                &rule,
                FindingCode::R1GrantShare,
                severity,
                SubjectKind::Grant,
                Uuid::from_u128(1),
            )
            .says("below".into(), "under".into())
            .build()
        };
        let found = breaches(
            &grant(),
            &[f(Severity::Warning), f(Severity::Breach)],
            d("2026-11-01"),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message.da, "under");
        let later = breaches(&grant(), &[f(Severity::Breach)], d("2026-11-20"));
        assert_eq!(later[0].key, found[0].key);
        assert_ne!(later[0].due_date, found[0].due_date);
        // Two years' missing LBF reports on one grant are two breaches.
        let year = |y: i32| {
            Finding::builder(
                &rule,
                FindingCode::R5Missing,
                Severity::Breach,
                SubjectKind::Grant,
                Uuid::from_u128(1),
            )
            .detail(|d| {
                d.year = Some(y);
                d.due = NaiveDate::from_ymd_opt(y + 1, 9, 29);
            })
            .build()
        };
        let two = breaches(&grant(), &[year(2023), year(2024)], d("2026-11-01"));
        assert_ne!(two[0].key, two[1].key);
        assert_eq!(two[1].due_date, d("2025-09-29"));
        assert_eq!(two[0].audience, Audience::Grant);
        // A breach about a person (R9 names the trainee) goes only to those who see persons.
        let r9 = crate::compliance::rules::r9_double_counting::RULE;
        let person = Finding::builder(
            &r9,
            FindingCode::R9OverMonthCap,
            Severity::Breach,
            SubjectKind::Person,
            Uuid::from_u128(5),
        )
        .says("Ali is credited".into(), "Ali er krediteret".into())
        .build();
        assert_eq!(
            breaches(&grant(), &[person], d("2026-11-01"))[0].audience,
            Audience::GrantPersons
        );
    }
}

/// A step of a month's hours report the workflow recorded: what the reminders about returned
/// months, waiting months and status changes are made from.
#[derive(Clone, Debug)]
pub struct MonthStep {
    /// The step's own id (a status change's reminder is about this one step).
    pub id: Uuid,
    pub version_id: Uuid,
    pub contract_id: Uuid,
    pub trade: String,
    pub contractor: String,
    pub month: NaiveDate,
    pub version: i32,
    pub to: entity::enums::HoursStatus,
    pub actor: String,
    pub reason: Option<String>,
    /// The Danish date of the step.
    pub on: NaiveDate,
}

fn month_name(s: &MonthStep) -> Text {
    Text::new(
        format!("{} ({}, {})", ym(s.month), s.trade, s.contractor),
        format!("{} ({}, {})", da_month(s.month), s.trade, s.contractor),
    )
}

/// Every step: one reminder each (for webhooks, and those who chose them), the day it was taken.
pub fn status_changed(g: &GrantLabel, s: &MonthStep) -> Due {
    let name = month_name(s);
    let reason = s
        .reason
        .as_deref()
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    Due {
        key: key(ReminderKind::HoursStatusChanged, s.id, s.on),
        kind: ReminderKind::HoursStatusChanged,
        grant_id: g.id,
        subject_id: s.contract_id,
        due_date: s.on,
        audience: Audience::Contract(s.contract_id),
        title: Text::new(
            format!("Hours report {}: {}", name.en, s.to.en().to_lowercase()),
            format!("Timeindberetning {}: {}", name.da, s.to.da().to_lowercase()),
        ),
        message: Text::new(
            format!(
                "Version {} of the hours report for {} on {} is now {} (by {}){reason}.",
                s.version,
                name.en,
                g.name(),
                s.to.en().to_lowercase(),
                s.actor
            ),
            format!(
                "Version {} af timeindberetningen for {} på {} er nu {} (af {}){reason}.",
                s.version,
                name.da,
                g.name(),
                s.to.da().to_lowercase(),
                s.actor
            ),
        ),
    }
}

/// A month returned and not yet submitted again: one reminder to the contract's people, the day
/// it was returned (or the first day the planner runs after).
pub fn returned(g: &GrantLabel, s: &MonthStep) -> Due {
    let name = month_name(s);
    let reason = s.reason.clone().unwrap_or_default();
    Due {
        key: key(ReminderKind::HoursReturned, s.version_id, s.on),
        kind: ReminderKind::HoursReturned,
        grant_id: g.id,
        subject_id: s.contract_id,
        due_date: s.on,
        audience: Audience::Contract(s.contract_id),
        title: Text::new(
            format!("Hours report for {} returned", name.en),
            format!("Timeindberetningen for {} er sendt retur", name.da),
        ),
        message: Text::new(
            format!(
                "{} returned the hours report for {} on {}: {reason}. Correct it and submit it again.",
                s.actor,
                name.en,
                g.name()
            ),
            format!(
                "{} har sendt timeindberetningen for {} på {} retur: {reason}. Ret den, og indsend den igen.",
                s.actor,
                name.da,
                g.name()
            ),
        ),
    }
}

/// A month ready for acceptance since `s.on` that has waited more than `wait_days` by `today`:
/// one reminder to the bygherre, the first day past the wait.
pub fn awaiting(g: &GrantLabel, s: &MonthStep, wait_days: i64, today: NaiveDate) -> Option<Due> {
    let late_from =
        s.on.checked_add_days(Days::new(u64::try_from(wait_days).ok()? + 1))?;
    if today < late_from {
        return None;
    }
    let name = month_name(s);
    Some(Due {
        key: key(ReminderKind::HoursAwaitingAcceptance, s.version_id, s.on),
        kind: ReminderKind::HoursAwaitingAcceptance,
        grant_id: g.id,
        subject_id: s.contract_id,
        due_date: late_from,
        audience: Audience::Grant,
        title: Text::new(
            format!("Hours report for {} waits for acceptance", name.en),
            format!("Timeindberetningen for {} venter på accept", name.da),
        ),
        message: Text::new(
            format!(
                "The hours report for {} on {} has been ready for acceptance since {}, more than {} days. Accept it or return it with a reason.",
                name.en,
                g.name(),
                s.on,
                wait_days
            ),
            format!(
                "Timeindberetningen for {} på {} har været klar til accept siden {}, mere end {}. Acceptér den, eller send den retur med en begrundelse.",
                name.da,
                g.name(),
                da_date(s.on),
                da_days(wait_days)
            ),
        ),
    })
}
