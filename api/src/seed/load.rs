//! The demo's data file ([`DEMO`], `demo.toml`) and the loader that writes it through the
//! service, relative to the day it is loaded. Each step is one part of the story: the site, the
//! contracts, the trainees, the monthly hours, the snusepraktik and the følgegruppe.

use chrono::{Datelike, Days, Months, NaiveDate};
use entity::contract;
use entity::enums::*;
use rust_decimal::Decimal;
use sea_orm::DatabaseTransaction;
use serde::Deserialize;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::patch::Patch;
use crate::scalars::{DecimalInput, YearMonth};
use crate::scope::Scope;
use crate::service::{
    contracts::*, followup::*, grants::*, hours::*, organisations::*, people::*, trials::*,
};

/// The demo's data, compiled into the binary.
const DEMO: &str = include_str!("demo.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Demo {
    organisation: Named,
    estate: Estate,
    grant: Grant,
    contractors: Vec<Contractor>,
    hours: Hours,
    people: People,
    trainees: Vec<Trainee>,
    trials: Trials,
    followup: FollowUp,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Estate {
    name: String,
    municipality: String,
    address: String,
    vulnerable_area: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Grant {
    title: String,
    kind: GrantKind,
    commitment_year: i32,
    stage: GrantStage,
    craftsman_cost: i64,
    /// R11: target share (percent) of residents among the snusepraktik participants.
    resident_trial_target_percent: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Contractor {
    key: String,
    cvr: String,
    name: String,
    trade: String,
    value: i64,
    share_percent: Option<i64>,
    clause_hours: Option<i64>,
    #[serde(default)]
    from_month: u32,
    #[serde(default)]
    leaves_months_early: u32,
    monthly_hours: i64,
    trainee_hours: i64,
    #[serde(default)]
    late_months: Vec<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Hours {
    holiday_months: Vec<u32>,
    holiday_percent: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct People {
    consent_days_before_start: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Trainee {
    name: String,
    born: i32,
    resident: bool,
    kind: PlacementKind,
    contractor: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Trials {
    tovholder: String,
    trades_tried: Vec<String>,
    born: i32,
    waiting: String,
    waiting_started_days_ago: u64,
    recent: String,
    recent_started_days_ago: u64,
    every_days: u64,
    not_before_start_days: u64,
    past: Vec<PastTrial>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PastTrial {
    name: String,
    outcome: TrialOutcome,
    plan: String,
    /// Where the participant was three months after the end, recorded that day (R10); left out,
    /// not recorded (the tovholder's list of those due shows it once three months have passed).
    three_month: Option<ThreeMonthStatus>,
    /// Lives in the estate (R11); the default.
    #[serde(default = "yes")]
    resident: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FollowUp {
    name: String,
    every_days: u64,
    last_days_ago: u64,
    not_before_start_days: u64,
    minutes: String,
    decisions: String,
    action: String,
    action_owner: String,
    action_due_days: u64,
    members: Vec<Member>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Member {
    name: String,
    organisation: String,
    role: MemberRole,
}

/// The demo's data file, read. A test reads it too, so a broken file fails the suite, not a
/// newcomer's first `serve --demo`.
pub(super) fn demo() -> anyhow::Result<Demo> {
    toml::from_str(DEMO).map_err(|e| anyhow::anyhow!("demo.toml: {e}"))
}

fn dec(v: i64) -> DecimalInput {
    DecimalInput(Decimal::from(v))
}

/// What the later steps need from the earlier ones.
struct Site {
    grant_id: Uuid,
    start: NaiveDate,
    today: NaiveDate,
    /// Each contractor's contract, in the file's order (the main contract first).
    contracts: Vec<contract::Model>,
}

/// Writes the demo as of `today` in `t`; returns the summary printed at start.
pub(super) async fn load(
    t: &DatabaseTransaction,
    demo: &Demo,
    today: NaiveDate,
) -> AppResult<String> {
    let (start, handover) = super::demo_period(today);
    let grant_id = load_grant(t, demo, start, handover).await?;
    let contracts = load_contracts(t, demo, grant_id, start, handover).await?;
    let site = Site {
        grant_id,
        start,
        today,
        contracts,
    };
    let placements = load_trainees(t, demo, &site).await?;
    let reports = load_hours(t, demo, &site, &placements).await?;
    let trials = load_trials(t, demo, &site).await?;
    let meetings = load_followup(t, demo, &site).await?;
    Ok(format!(
        "Loaded demo grant {} ({}, {}): {} contractors, {} contracts, {} trainee placements, \
         {reports} monthly hours reports, {trials} snusepraktik placements, a følgegruppe with \
         {} members and {meetings} meetings.",
        super::DEMO_CASE_NUMBER,
        demo.estate.name,
        demo.organisation.name,
        demo.contractors.len(),
        site.contracts.len(),
        placements.len(),
        demo.followup.members.len(),
    ))
}

/// The housing organisation, its estate and the grant.
async fn load_grant(
    t: &DatabaseTransaction,
    demo: &Demo,
    start: NaiveDate,
    handover: NaiveDate,
) -> AppResult<Uuid> {
    let s = &Scope::All;
    let org = create_organisation(
        t,
        CreateHousingOrganisationInput {
            name: demo.organisation.name.clone(),
            cvr: None,
        },
    )
    .await?;
    let e = &demo.estate;
    let estate = create_estate(
        t,
        s,
        CreateEstateInput {
            organisation_id: org.id,
            name: e.name.clone(),
            municipality: e.municipality.clone(),
            address: Some(e.address.clone()),
            is_vulnerable_area: e.vulnerable_area,
        },
    )
    .await?;
    let g = &demo.grant;
    let grant = create_grant(
        t,
        s,
        CreateGrantInput {
            craftsman_cost: Some(dec(g.craftsman_cost)),
            construction_start: Some(start),
            planned_handover: Some(handover),
            share_visible_to_contractors: true,
            resident_trial_target_percent: g.resident_trial_target_percent.map(dec),
            ..CreateGrantInput::new(
                estate.id,
                super::DEMO_CASE_NUMBER.into(),
                g.title.clone(),
                g.kind,
                g.commitment_year,
                g.stage,
            )
        },
    )
    .await?;
    Ok(grant.id)
}

/// The contractors, then their contracts: the first is the main contract, the rest its
/// subcontracts.
async fn load_contracts(
    t: &DatabaseTransaction,
    demo: &Demo,
    grant_id: Uuid,
    start: NaiveDate,
    handover: NaiveDate,
) -> AppResult<Vec<contract::Model>> {
    let mut contractor_ids = Vec::new();
    for c in &demo.contractors {
        let input = CreateContractorInput {
            cvr: c.cvr.clone(),
            name: c.name.clone(),
        };
        contractor_ids.push(create_contractor(t, input).await?.id);
    }
    let mut contracts: Vec<contract::Model> = Vec::new();
    for (c, contractor_id) in demo.contractors.iter().zip(contractor_ids) {
        let parent = contracts.first().map(|m| m.id);
        let clause =
            (c.share_percent.is_some() || c.clause_hours.is_some()).then(|| TrainingClauseInput {
                required_trainee_hours: c.clause_hours.map(dec),
                required_share_percent: c.share_percent.map(dec),
                ..Default::default()
            });
        let input = CreateContractInput {
            grant_id,
            contractor_id,
            kind: if parent.is_some() {
                ContractKind::Sub
            } else {
                ContractKind::Main
            },
            parent_contract_id: parent,
            trade: c.trade.clone(),
            value: dec(c.value),
            start_date: start + Months::new(c.from_month),
            end_date: handover - Months::new(c.leaves_months_early),
            training_clause: clause,
            clause_exemption: None,
        };
        contracts.push(create_contract(t, &Scope::All, input).await?);
    }
    Ok(contracts)
}

/// The contract a key of the file names.
fn contract_of<'a>(demo: &Demo, site: &'a Site, key: &str) -> AppResult<&'a contract::Model> {
    demo.contractors
        .iter()
        .position(|c| c.key == key)
        .and_then(|i| site.contracts.get(i))
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo.toml: no contractor {key:?}")))
}

/// Each trainee, and a placement with its contractor from the contract's first day; returns
/// each placement's id with its contract's place in the file.
async fn load_trainees(
    t: &DatabaseTransaction,
    demo: &Demo,
    site: &Site,
) -> AppResult<Vec<(Uuid, Uuid)>> {
    let consent = site.start - Days::new(demo.people.consent_days_before_start);
    let mut placements = Vec::new();
    for (n, trainee) in demo.trainees.iter().enumerate() {
        let contract = contract_of(demo, site, &trainee.contractor)?;
        let person = CreatePersonInput {
            display_name: trainee.name.clone(),
            birth_year: Some(trainee.born),
            lives_in_estate: trainee.resident,
            consent_date: Some(consent),
        };
        let p = create_person(t, person, Default::default()).await?;
        let placement = CreatePlacementInput {
            person_id: p.id,
            grant_id: site.grant_id,
            contract_id: contract.id,
            kind: trainee.kind,
            trade: contract.trade.clone(),
            start_date: contract.start_date,
            end_date: None,
            status: Some(PlacementStatus::Active),
            // As a payroll system numbers its staff; the demo's payroll file uses them.
            employee_number: Some(format!("M-{}", 101 + n)),
        };
        let pl = create_placement(t, &Scope::All, placement).await?;
        placements.push((pl.id, contract.id));
    }
    Ok(placements)
}

/// Every month from each contract's first to last month (or its end), reported as the file
/// says; returns how many reports were written.
async fn load_hours(
    t: &DatabaseTransaction,
    demo: &Demo,
    site: &Site,
    placements: &[(Uuid, Uuid)],
) -> AppResult<usize> {
    let last_month = site.today.with_day(1).unwrap_or(site.today) - Months::new(1);
    let mut reports = 0;
    for (c, contract) in demo.contractors.iter().zip(&site.contracts) {
        let mut month = contract
            .start_date
            .with_day(1)
            .unwrap_or(contract.start_date);
        let mut n = 0;
        while month <= last_month && month <= contract.end_date {
            n += 1;
            let percent = if demo.hours.holiday_months.contains(&month.month()) {
                demo.hours.holiday_percent
            } else {
                100
            };
            let trainee_hours = placements
                .iter()
                .filter(|(_, on)| *on == contract.id)
                .map(|(placement_id, _)| TraineeHoursInput {
                    placement_id: *placement_id,
                    hours: dec(c.trainee_hours * percent / 100),
                })
                .collect();
            let day = if c.late_months.contains(&n) { 14 } else { 5 };
            let input = ReportMonthlyHoursInput {
                contract_id: contract.id,
                month: YearMonth(month),
                total_hours: dec(c.monthly_hours * percent / 100),
                trainee_hours,
                reported_at: filed(month, day),
                declaration_version: None,
                reason: None,
            };
            report_monthly_hours(t, &Scope::All, input, true).await?;
            reports += 1;
            month = month + Months::new(1);
        }
    }
    Ok(reports)
}

/// Filed on `day` of the month after `month`, at 09:00 Danish time.
fn filed(month: NaiveDate, day: u32) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    (month + Months::new(1))
        .with_day(day)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .and_then(|t| {
            chrono_tz::Europe::Copenhagen
                .from_local_datetime(&t)
                .single()
        })
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// The snusepraktik placements: the past ones, each with its outcome, then the one waiting for
/// its outcome and the one that just started; returns how many.
async fn load_trials(t: &DatabaseTransaction, demo: &Demo, site: &Site) -> AppResult<usize> {
    let tr = &demo.trials;
    let waiting = site.today - Days::new(tr.waiting_started_days_ago);
    let earliest = site.start + Days::new(tr.not_before_start_days);
    let count = tr.past.len() as u64;
    let mut trials: Vec<(&str, NaiveDate, Option<&PastTrial>)> = tr
        .past
        .iter()
        .zip((1..=count).rev())
        .map(|(p, back)| {
            (
                p.name.as_str(),
                waiting - Days::new(tr.every_days * back),
                Some(p),
            )
        })
        .filter(|(_, from, _)| *from >= earliest)
        .collect();
    trials.push((&tr.waiting, waiting, None));
    let recent = site.today - Days::new(tr.recent_started_days_ago);
    trials.push((&tr.recent, recent, None));
    let main = &site.contracts[0];
    for &(name, from, past) in &trials {
        let person = CreatePersonInput {
            display_name: name.into(),
            birth_year: Some(tr.born),
            lives_in_estate: past.is_none_or(|p| p.resident),
            consent_date: Some(from),
        };
        let p = create_person(t, person, Default::default()).await?;
        let input = CreateTrialPlacementInput {
            person_id: p.id,
            grant_id: site.grant_id,
            host_contractor_id: Some(main.contractor_id),
            tovholder: tr.tovholder.clone(),
            start_date: from,
            end_date: None,
            trades_tried: tr.trades_tried.clone(),
        };
        let trial = create_trial(t, &Scope::All, input).await?;
        if let Some(past) = past {
            let outcome = RecordTrialOutcomeInput {
                trial_placement_id: trial.id,
                outcome: past.outcome,
                outcome_date: trial.end_date,
                next_plan: Some(past.plan.clone()),
            };
            record_outcome(t, &Scope::All, outcome).await?;
            let three_months = trial.end_date + Months::new(3);
            if let Some(status) = past.three_month
                && three_months <= site.today
            {
                let input = RecordThreeMonthStatusInput {
                    trial_placement_id: trial.id,
                    status,
                    status_date: three_months,
                };
                record_three_month_status(t, &Scope::All, input).await?;
            }
        }
    }
    Ok(trials.len())
}

/// The følgegruppe, its members, and its meetings back to the site's start, each with an
/// action item; returns how many meetings.
async fn load_followup(t: &DatabaseTransaction, demo: &Demo, site: &Site) -> AppResult<usize> {
    let s = &Scope::All;
    let f = &demo.followup;
    let group = CreateFollowUpGroupInput {
        grant_id: site.grant_id,
        name: f.name.clone(),
        cadence_days: None,
    };
    let group = create_group(t, s, group).await?;
    let mut member_ids = Vec::new();
    for m in &f.members {
        let input = CreateGroupMemberInput {
            group_id: group.id,
            name: m.name.clone(),
            organisation: m.organisation.clone(),
            role: m.role,
        };
        member_ids.push(create_member(t, s, input).await?.id);
    }
    let mut dates = Vec::new();
    let mut day = site.today - Days::new(f.last_days_ago);
    while day >= site.start + Days::new(f.not_before_start_days) {
        dates.push(day);
        day = day - Days::new(f.every_days);
    }
    dates.reverse();
    for (n, &day) in dates.iter().enumerate() {
        let meeting = CreateMeetingInput {
            group_id: group.id,
            date: day,
            duration_minutes: 60,
            attendee_ids: member_ids.clone(),
            minutes: Some(f.minutes.clone()),
            decisions: Some(f.decisions.clone()),
        };
        let meeting = create_meeting(t, s, meeting).await?;
        let item = CreateActionItemInput {
            meeting_id: meeting.id,
            description: f.action.clone(),
            owner: f.action_owner.clone(),
            due_date: Some(day + Days::new(f.action_due_days)),
        };
        let item = create_action_item(t, s, item).await?;
        // Earlier meetings' items were followed up; the last meeting's is open and overdue.
        if n + 1 < dates.len() {
            let done = UpdateActionItemInput {
                description: None,
                owner: None,
                due_date: Patch::Unchanged,
                done: Some(true),
            };
            update_action_item(t, s, item.id, done).await?;
        }
    }
    Ok(dates.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_reads_and_names_known_contractors() {
        let demo = demo().unwrap();
        assert_eq!(demo.contractors.len(), 4);
        assert_eq!(demo.contractors[0].key, "main");
        assert_eq!(demo.trainees.len(), 7);
        for trainee in &demo.trainees {
            assert!(
                demo.contractors.iter().any(|c| c.key == trainee.contractor),
                "{}",
                trainee.contractor
            );
        }
        assert_eq!(demo.trials.past.len(), 6);
        assert_eq!(demo.followup.members.len(), 6);
    }
}
