//! Demo data modelled on Korsløkkeparken / Byg til Vækst (Odense): one organisation, estate and
//! grant, a main contractor with subcontractors, trainees of several kinds, monthly hours,
//! snusepraktik placements with outcomes, and a følgegruppe with meetings. Organisations are the
//! real ones named in the seed document; every person, CVR number and figure is invented.
//! Everything is written through the service layer, so the demo passes the same validation as
//! users' data, in one transaction.
//!
//! The demo is built relative to the day it is loaded, so that evaluated today it tells a story:
//! a site in the middle of construction (started 1 January of this year, or of last year before
//! April), every month up to last month reported (mostly by the 5th, the VVS contractor's a few
//! times late), the carpenter behind on its clause, a snusepraktik waiting for its outcome, and
//! the følgegruppe's next meeting coming due.

use chrono::{Datelike, Months, NaiveDate};
use entity::enums::*;
use entity::grant;
use rust_decimal::Decimal;

use crate::scalars::DecimalInput;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

use crate::scalars::YearMonth;
use crate::scope::Scope;
use crate::service::{
    contracts::*, followup::*, grants::*, hours::*, organisations::*, people::*, trials::*,
};

pub const DEMO_CASE_NUMBER: &str = "LBF-2020-0417";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

fn dec(v: i64) -> DecimalInput {
    DecimalInput(Decimal::from(v))
}

/// Loads the demo scenario relative to today (Danish date); returns a one-paragraph summary.
/// Refuses to load it twice.
pub async fn seed_demo(db: &DatabaseConnection) -> anyhow::Result<String> {
    seed_demo_on(db, crate::units::danish_today()).await
}

/// The demo as if loaded on `today` (tests fix the day).
pub async fn seed_demo_on(db: &DatabaseConnection, today: NaiveDate) -> anyhow::Result<String> {
    if demo_loaded(db).await {
        return Ok(format!(
            "demo data is already loaded (grant {DEMO_CASE_NUMBER})"
        ));
    }
    let loaded: anyhow::Result<String> = async {
        let txn = db.begin().await?;
        let summary = load(&txn, today)
            .await
            .map_err(|e| anyhow::anyhow!("demo data refused: {}", e.message()))?;
        // The demo is written through the services, not the audited mutations, so its hours get
        // their rollups the way a bulk load does.
        crate::service::rollup::backfill(&txn)
            .await
            .map_err(|e| anyhow::anyhow!("demo data refused: {}", e.message()))?;
        txn.commit().await?;
        Ok(summary)
    }
    .await;
    match loaded {
        Ok(summary) => Ok(summary),
        // Another process loaded it while this one did (two `serve --demo` on one fresh
        // database): its unique case number refused this copy, and the demo is there.
        Err(e) if demo_loaded(db).await => {
            tracing::info!(error = %e, "the demo was loaded by another process at the same time");
            Ok(format!(
                "demo data is already loaded (grant {DEMO_CASE_NUMBER})"
            ))
        }
        Err(e) => Err(e),
    }
}

async fn demo_loaded(db: &DatabaseConnection) -> bool {
    grant::Entity::find()
        .filter(grant::Column::CaseNumber.eq(DEMO_CASE_NUMBER))
        .one(db)
        .await
        .is_ok_and(|g| g.is_some())
}

/// What the demo's tokens and users are scoped to: its grant, its housing organisation and its
/// main contractor.
struct DemoScope {
    grant: grant::Model,
    organisation_id: uuid::Uuid,
    contractor_id: uuid::Uuid,
}

async fn demo_scope(db: &DatabaseConnection) -> anyhow::Result<DemoScope> {
    let grant = grant::Entity::find()
        .filter(grant::Column::CaseNumber.eq(DEMO_CASE_NUMBER))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("load the demo data first"))?;
    let estate = entity::estate::Entity::find_by_id(grant.estate_id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo grant's estate is missing"))?;
    let main = entity::contract::Entity::find()
        .filter(entity::contract::Column::GrantId.eq(grant.id))
        .filter(entity::contract::Column::Kind.eq(ContractKind::Main))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo grant's main contract is missing"))?;
    Ok(DemoScope {
        grant,
        organisation_id: estate.organisation_id,
        contractor_id: main.contractor_id,
    })
}

/// A token for each of `roles`, scoped to the demo grant's organisation, main contractor and
/// grant, so a new user can try each view. Returns (role, token) pairs; tokens are shown once.
pub async fn demo_tokens(
    db: &DatabaseConnection,
    roles: &[Role],
) -> anyhow::Result<Vec<(Role, String)>> {
    let DemoScope {
        grant,
        organisation_id,
        contractor_id,
    } = demo_scope(db).await?;
    let mut out = Vec::new();
    for &role in roles {
        let input = crate::auth::CreateApiTokenInput {
            name: format!("demo {role:?}"),
            role,
            organisation_id: Some(organisation_id),
            contractor_id: Some(contractor_id),
            grant_ids: vec![grant.id],
            expires_at: None,
        };
        let (_, token) = crate::auth::create_token(db, input)
            .await
            .map_err(|e| anyhow::anyhow!(e.message()))?;
        out.push((role, token));
    }
    Ok(out)
}

/// The site's dates relative to `today`: construction from 1 January of this year (of last year
/// before April, so there are months to show), planned handover after two years.
pub fn demo_period(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let year = if today.month() >= 4 {
        today.year()
    } else {
        today.year() - 1
    };
    (date(year, 1, 1), date(year + 1, 12, 31))
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

/// A user account for each of `roles` with the same scopes as [`demo_tokens`], signed up with a
/// generated password: (role, e-mail, password), shown once. Accounts made by an earlier run are
/// given a new password.
pub async fn demo_users(
    db: &DatabaseConnection,
    roles: &[Role],
) -> anyhow::Result<Vec<(Role, String, String)>> {
    let DemoScope {
        grant,
        organisation_id,
        contractor_id,
    } = demo_scope(db).await?;
    let now = chrono::Utc::now();
    let mut out = Vec::new();
    for &role in roles {
        let name = format!("{role:?}").to_lowercase();
        let email = format!("{name}@demo.example");
        // Letters and digits only, 20 of them: easy to copy from a terminal.
        let password: String = uuid::Uuid::new_v4().simple().to_string()[..20].to_owned();
        let existing = entity::app_user::Entity::find()
            .filter(entity::app_user::Column::Email.eq(&email))
            .one(db)
            .await?;
        let txn = db.begin().await?;
        let invitation = match existing {
            Some(u) => {
                use sea_orm::{ActiveModelTrait, Set};
                let secret = uuid::Uuid::new_v4().simple().to_string();
                let mut m: entity::app_user::ActiveModel = u.into();
                m.invite_hash = Set(Some(crate::auth::hash_token(&secret)));
                m.invite_expires_at = Set(Some(now + chrono::Duration::hours(1)));
                m.update(&txn).await?;
                secret
            }
            None => {
                let input = crate::accounts::InviteUserInput {
                    email: email.clone(),
                    display_name: format!("Demo {}", crate::auth::role_name(role).to_lowercase()),
                    role,
                    organisation_id: Some(organisation_id),
                    contractor_id: Some(contractor_id),
                    grant_ids: vec![grant.id],
                };
                crate::accounts::invite(&txn, input, now)
                    .await
                    .map_err(|e| anyhow::anyhow!(e.message()))?
                    .1
            }
        };
        crate::accounts::accept_invitation(&txn, &invitation, &password, now)
            .await
            .map_err(|e| anyhow::anyhow!(e.message()))?;
        txn.commit().await?;
        out.push((role, email, password));
    }
    Ok(out)
}

async fn load(
    t: &sea_orm::DatabaseTransaction,
    today: NaiveDate,
) -> crate::error::AppResult<String> {
    let s = &Scope::All;
    let (start, handover) = demo_period(today);
    let days = |n: u64| chrono::Days::new(n);
    let org = create_organisation(
        t,
        CreateHousingOrganisationInput {
            name: "Fyns Almennyttige Boligselskab".into(),
            cvr: None,
        },
    )
    .await?;
    let estate = create_estate(
        t,
        s,
        CreateEstateInput {
            organisation_id: org.id,
            name: "Korsløkkeparken".into(),
            municipality: "Odense".into(),
            address: Some("Korsløkkeparken, 5220 Odense SØ".into()),
            is_vulnerable_area: true,
        },
    )
    .await?;
    let grant = create_grant(
        t,
        s,
        CreateGrantInput {
            estate_id: estate.id,
            case_number: DEMO_CASE_NUMBER.into(),
            title: "Korsløkkeparken: helhedsplan, renovering af 21 blokke".into(),
            kind: GrantKind::Renovation,
            commitment_year: 2020,
            stage: GrantStage::SkemaB,
            craftsman_cost: Some(dec(140_000_000)),
            construction_start: Some(start),
            planned_handover: Some(handover),
            actual_handover: None,
            parameter_overrides: None,
            share_visible_to_contractors: true,
        },
    )
    .await?;

    let contractor = |cvr: &str, name: &str| CreateContractorInput {
        cvr: cvr.into(),
        name: name.into(),
    };
    let main = create_contractor(t, contractor("31874521", "Fynsk Byg & Anlæg A/S (demo)")).await?;
    let mason =
        create_contractor(t, contractor("35120939", "Murerfirmaet Lindved ApS (demo)")).await?;
    let carpenter =
        create_contractor(t, contractor("41288701", "Tømrer Holm & Søn ApS (demo)")).await?;
    let plumber =
        create_contractor(t, contractor("37660213", "Odense VVS-Service ApS (demo)")).await?;

    let period = (start, handover);
    let main_contract = create_contract(
        t,
        s,
        CreateContractInput {
            grant_id: grant.id,
            contractor_id: main.id,
            kind: ContractKind::Main,
            parent_contract_id: None,
            trade: "hovedentreprise".into(),
            value: dec(100_000_000),
            start_date: period.0,
            end_date: period.1,
            training_clause: Some(TrainingClauseInput {
                required_trainee_hours: None,
                required_share_percent: Some(dec(14)),
            }),
            clause_exemption: None,
        },
    )
    .await?;
    let mut subs = Vec::new();
    // The subcontractors come on site after two (mason, carpenter) and four months (VVS), and
    // finish two months before handover.
    for (c, trade, value, clause, from) in [
        (&mason, "murer", 22_000_000, true, 2),
        (&carpenter, "tømrer", 15_000_000, true, 2),
        (&plumber, "VVS", 3_000_000, false, 4),
    ] {
        subs.push(
            create_contract(
                t,
                s,
                CreateContractInput {
                    grant_id: grant.id,
                    contractor_id: c.id,
                    kind: ContractKind::Sub,
                    parent_contract_id: Some(main_contract.id),
                    trade: trade.into(),
                    value: dec(value),
                    start_date: start + Months::new(from),
                    end_date: handover - Months::new(2),
                    training_clause: clause.then(|| TrainingClauseInput {
                        required_trainee_hours: Some(dec(if trade == "murer" {
                            4_000
                        } else {
                            3_000
                        })),
                        required_share_percent: None,
                    }),
                    clause_exemption: None,
                },
            )
            .await?,
        );
    }

    // Trainees: invented names, several kinds, one not counted (løntilskud).
    let trainees = [
        (
            "Jonas Mikkelsen",
            2004,
            true,
            PlacementKind::EudApprentice,
            "murer",
            1usize,
        ),
        (
            "Aisha Rahimi",
            2002,
            true,
            PlacementKind::EudApprentice,
            "tømrer",
            2,
        ),
        (
            "Mads Kristoffersen",
            1988,
            false,
            PlacementKind::EuvApprentice,
            "murer",
            1,
        ),
        (
            "Yusuf Demir",
            2006,
            true,
            PlacementKind::Fgu,
            "hovedentreprise",
            0,
        ),
        ("Sara Olsen", 1999, false, PlacementKind::Eux, "tømrer", 2),
        (
            "Hamid Nazari",
            1995,
            true,
            PlacementKind::Igu,
            "hovedentreprise",
            0,
        ),
        (
            "Peter Lund",
            1979,
            true,
            PlacementKind::WageSubsidy,
            "hovedentreprise",
            0,
        ),
    ];
    let contracts = [&main_contract, &subs[0], &subs[1]];
    let mut placements = Vec::new();
    for (n, (name, born, resident, kind, trade, ci)) in trainees.into_iter().enumerate() {
        let p = create_person(
            t,
            CreatePersonInput {
                display_name: name.into(),
                birth_year: Some(born),
                lives_in_estate: resident,
                consent_date: Some(start - days(14)),
            },
            None,
        )
        .await?;
        let pl = create_placement(
            t,
            s,
            CreatePlacementInput {
                person_id: p.id,
                grant_id: grant.id,
                contract_id: contracts[ci].id,
                kind,
                trade: trade.into(),
                start_date: contracts[ci].start_date,
                end_date: None,
                status: Some(PlacementStatus::Active),
                // As a payroll system numbers its staff; the demo's payroll file uses them.
                employee_number: Some(format!("M-{}", 101 + n)),
            },
        )
        .await?;
        placements.push((pl, ci));
    }

    // Every month from the site's start to last month, for each contract on site that month.
    // Labour hours per month and each trainee's hours: the main contractor and the mason on or
    // above their clauses, the carpenter's two trainees at 40 hours (behind its 3,000-hour
    // clause), the VVS contractor without trainees. July and December are holiday months (70 %).
    // Filed by the 5th of the next month; the VVS contractor's third and fifth months on the 14th.
    let mut reports = 0;
    let last_month = (today.with_day(1).unwrap_or(today)) - Months::new(1);
    let on_site: [(&entity::contract::Model, i64, i64); 4] = [
        (&main_contract, 1_600, 160),
        (&subs[0], 1_800, 160),
        (&subs[1], 1_500, 40),
        (&subs[2], 400, 0),
    ];
    for (ci, (contract, base, trainee)) in on_site.into_iter().enumerate() {
        let mut month = contract
            .start_date
            .with_day(1)
            .unwrap_or(contract.start_date);
        let mut n = 0;
        while month <= last_month && month <= contract.end_date {
            n += 1;
            let season = if matches!(month.month(), 7 | 12) {
                70
            } else {
                100
            };
            let lines: Vec<TraineeHoursInput> = placements
                .iter()
                .filter(|(_, c)| *c == ci)
                .map(|(pl, _)| TraineeHoursInput {
                    placement_id: pl.id,
                    hours: dec(trainee * season / 100),
                })
                .collect();
            let day = if ci == 3 && (n == 3 || n == 5) { 14 } else { 5 };
            report_monthly_hours(
                t,
                s,
                ReportMonthlyHoursInput {
                    contract_id: contract.id,
                    month: YearMonth(month),
                    total_hours: dec(base * season / 100),
                    trainee_hours: lines,
                    reported_at: filed(month, day),
                },
                true,
            )
            .await?;
            reports += 1;
            month = month + Months::new(1);
        }
    }

    // Snusepraktik: residents trying the trades for 4 weeks. One started a week ago, one ended
    // ten days ago and waits for its outcome (due in four days), and before them one every six
    // weeks back to the site's start, each with its outcome.
    let past = [
        (
            "Ali Hassan",
            Some(TrialOutcome::OrdinaryJob),
            "Fastansat som håndlanger",
        ),
        (
            "Mette Jørgensen",
            Some(TrialOutcome::Education),
            "Starter på grundforløb, Syddansk Erhvervsskole",
        ),
        (
            "Khalid Omar",
            Some(TrialOutcome::Apprenticeship),
            "Lærekontrakt som murer",
        ),
        (
            "Lone Pedersen",
            Some(TrialOutcome::BackToJobcenter),
            "Opfølgning i Jobcenter Odense",
        ),
        (
            "Daniel Berg",
            Some(TrialOutcome::OrdinaryJob),
            "Ansat på stilladsholdet",
        ),
        (
            "Fatima Ali",
            Some(TrialOutcome::Education),
            "AMU-kursus i byggepladsarbejde",
        ),
    ];
    let waiting = today - days(38);
    let mut trials: Vec<(&str, NaiveDate, Option<TrialOutcome>, &str)> = past
        .iter()
        .enumerate()
        .map(|(k, (name, outcome, plan))| {
            (
                *name,
                waiting - days(42 * (past.len() - k) as u64),
                *outcome,
                *plan,
            )
        })
        .filter(|(_, from, _, _)| *from >= start + days(14))
        .collect();
    trials.push(("Ibrahim Yilmaz", waiting, None, ""));
    trials.push(("Rasmus Nielsen", today - days(7), None, ""));
    for &(name, from, outcome, plan) in &trials {
        let p = create_person(
            t,
            CreatePersonInput {
                display_name: name.into(),
                birth_year: Some(1990),
                lives_in_estate: true,
                consent_date: Some(from),
            },
            None,
        )
        .await?;
        let trial = create_trial(
            t,
            s,
            CreateTrialPlacementInput {
                person_id: p.id,
                grant_id: grant.id,
                host_contractor_id: Some(main.id),
                tovholder: "Tovholder, Jobcenter Odense".into(),
                start_date: from,
                end_date: None,
                trades_tried: vec!["murer".into(), "tømrer".into(), "stillads".into()],
            },
        )
        .await?;
        if let Some(outcome) = outcome {
            record_outcome(
                t,
                s,
                RecordTrialOutcomeInput {
                    trial_placement_id: trial.id,
                    outcome,
                    outcome_date: trial.end_date,
                    next_plan: Some(plan.into()),
                },
            )
            .await?;
        }
    }

    // The følgegruppe: meets about every second month for about an hour.
    let group = create_group(
        t,
        s,
        CreateFollowUpGroupInput {
            grant_id: grant.id,
            name: "Følgegruppen Korsløkkeparken".into(),
            cadence_days: None,
        },
    )
    .await?;
    let mut member_ids = Vec::new();
    for (name, organisation, role) in [
        (
            "Byggeleder (demo)",
            "Fynsk Byg & Anlæg A/S",
            MemberRole::SiteManagement,
        ),
        (
            "Faglig sekretær (demo)",
            "3F Bygningsarbejderne",
            MemberRole::Union,
        ),
        (
            "Uddannelseskonsulent (demo)",
            "Syddansk Erhvervsskole",
            MemberRole::VocationalSchool,
        ),
        (
            "Tovholder (demo)",
            "Jobcenter Odense / Byg til Vækst",
            MemberRole::Jobcenter,
        ),
        (
            "Boligsocial konsulent (demo)",
            "Korsløkkeparken",
            MemberRole::SocialConsultant,
        ),
        (
            "Projektleder (demo)",
            "Fyns Almennyttige Boligselskab",
            MemberRole::Bygherre,
        ),
    ] {
        let m = create_member(
            t,
            s,
            CreateGroupMemberInput {
                group_id: group.id,
                name: name.into(),
                organisation: organisation.into(),
                role,
            },
        )
        .await?;
        member_ids.push(m.id);
    }
    // Every eight weeks, the last one 50 days ago: the next is due within a fortnight (61 days).
    let mut dates = Vec::new();
    let mut day = today - days(50);
    while day >= start + days(5) {
        dates.push(day);
        day = day - days(56);
    }
    dates.reverse();
    let last_meeting = dates.last().copied();
    let mut meetings = 0;
    for day in dates {
        let meeting = create_meeting(
            t,
            s,
            CreateMeetingInput {
                group_id: group.id,
                date: day,
                duration_minutes: 60,
                attendee_ids: member_ids.clone(),
                minutes: Some(
                    "Status på lærlinge og snusepraktik; flow af kandidater fra jobcentret.".into(),
                ),
                decisions: Some(
                    "Tovholder introducerer to nye kandidater til næste snusepraktik.".into(),
                ),
            },
        )
        .await?;
        let item = create_action_item(
            t,
            s,
            CreateActionItemInput {
                meeting_id: meeting.id,
                description: "Afklar næste forløb for deltagere i snusepraktik".into(),
                owner: "Jobcenter Odense".into(),
                due_date: Some(day + chrono::Days::new(30)),
            },
        )
        .await?;
        // Earlier meetings' items were followed up; the last meeting's is open and overdue.
        if Some(day) != last_meeting {
            update_action_item(
                t,
                s,
                item.id,
                UpdateActionItemInput {
                    description: None,
                    owner: None,
                    due_date: crate::patch::Patch::Unchanged,
                    done: Some(true),
                },
            )
            .await?;
        }
        meetings += 1;
    }

    Ok(format!(
        "Loaded demo grant {DEMO_CASE_NUMBER} (Korsløkkeparken, Fyns Almennyttige Boligselskab): \
         4 contractors, 4 contracts, {} trainee placements, {reports} monthly hours reports, \
         {} snusepraktik placements, a følgegruppe with 6 members and {meetings} meetings.",
        placements.len(),
        trials.len()
    ))
}
