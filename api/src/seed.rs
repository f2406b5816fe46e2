//! Demo data modelled on Korsløkkeparken / Byg til Vækst (Odense): one organisation, estate and
//! grant, a main contractor with subcontractors, trainees of several kinds, two years of monthly
//! hours, snusepraktik placements with outcomes, and a følgegruppe with meetings. Organisations are
//! the real ones named in the seed document; every person, CVR number and figure is invented.
//! Everything is written through the service layer, so the demo passes the same validation as
//! users' data, in one transaction.

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

/// Loads the demo scenario; returns a one-paragraph summary. Refuses to load it twice.
pub async fn seed_demo(db: &DatabaseConnection) -> anyhow::Result<String> {
    if grant::Entity::find()
        .filter(grant::Column::CaseNumber.eq(DEMO_CASE_NUMBER))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(format!(
            "demo data is already loaded (grant {DEMO_CASE_NUMBER})"
        ));
    }
    let txn = db.begin().await?;
    let summary = load(&txn)
        .await
        .map_err(|e| anyhow::anyhow!("demo data refused: {}", e.message()))?;
    txn.commit().await?;
    Ok(summary)
}

/// A token for each of `roles`, scoped to the demo grant's organisation, main contractor and
/// grant, so a new user can try each view. Returns (role, token) pairs; tokens are shown once.
pub async fn demo_tokens(
    db: &DatabaseConnection,
    roles: &[Role],
) -> anyhow::Result<Vec<(Role, String)>> {
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
    let mut out = Vec::new();
    for &role in roles {
        let input = crate::auth::CreateApiTokenInput {
            name: format!("demo {role:?}"),
            role,
            organisation_id: Some(estate.organisation_id),
            contractor_id: Some(main.contractor_id),
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

async fn load(t: &sea_orm::DatabaseTransaction) -> crate::error::AppResult<String> {
    let s = &Scope::All;
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
            craftsman_cost: Some(dec(320_000_000)),
            construction_start: Some(date(2023, 3, 1)),
            planned_handover: Some(date(2026, 12, 31)),
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

    let period = (date(2023, 3, 1), date(2026, 12, 31));
    let main_contract = create_contract(
        t,
        s,
        CreateContractInput {
            grant_id: grant.id,
            contractor_id: main.id,
            kind: ContractKind::Main,
            parent_contract_id: None,
            trade: "hovedentreprise".into(),
            value: dec(210_000_000),
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
    for (c, trade, value, clause) in [
        (&mason, "murer", 48_000_000, true),
        (&carpenter, "tømrer", 39_000_000, true),
        (&plumber, "VVS", 4_500_000, false),
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
                    start_date: date(2023, 5, 1),
                    end_date: date(2026, 10, 31),
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
    for (name, born, resident, kind, trade, ci) in trainees {
        let p = create_person(
            t,
            CreatePersonInput {
                display_name: name.into(),
                birth_year: Some(born),
                lives_in_estate: resident,
                consent_date: Some(date(2023, 4, 15)),
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
                start_date: date(2023, 5, 1),
                end_date: None,
                status: Some(PlacementStatus::Active),
            },
        )
        .await?;
        placements.push((pl, ci));
    }

    // Two years of monthly hours: May 2023 to April 2025.
    let mut reports = 0;
    let mut month = date(2023, 5, 1);
    while month <= date(2025, 4, 1) {
        let season = if matches!(month.month(), 7 | 12) {
            70
        } else {
            100
        }; // holidays
        for (ci, (contract, base)) in contracts.iter().zip([5_200i64, 2_400, 1_900]).enumerate() {
            let lines: Vec<TraineeHoursInput> = placements
                .iter()
                .filter(|(_, c)| *c == ci)
                .map(|(pl, _)| TraineeHoursInput {
                    placement_id: pl.id,
                    hours: dec(150 * season / 100),
                })
                .collect();
            // History is loaded today but was filed back then: on the 5th of the next month,
            // except the electrician's January reports, which came in on the 15th (late).
            let day = if ci == 2 && month.month() == 1 { 15 } else { 5 };
            let filed = (month + Months::new(1))
                .with_day(day)
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .and_then(|t| {
                    use chrono::TimeZone;
                    chrono_tz::Europe::Copenhagen
                        .from_local_datetime(&t)
                        .single()
                })
                .map(|t| t.with_timezone(&chrono::Utc));
            report_monthly_hours(
                t,
                s,
                ReportMonthlyHoursInput {
                    contract_id: contract.id,
                    month: YearMonth(month),
                    total_hours: dec(base * season / 100),
                    trainee_hours: lines,
                    reported_at: filed,
                },
                true,
            )
            .await?;
            reports += 1;
        }
        month = month + Months::new(1);
    }

    // Snusepraktik: residents trying the trades for 4 weeks, with outcomes.
    let trials = [
        (
            "Ali Hassan",
            date(2023, 6, 5),
            Some(TrialOutcome::OrdinaryJob),
            "Fastansat som håndlanger",
        ),
        (
            "Mette Jørgensen",
            date(2023, 8, 7),
            Some(TrialOutcome::Education),
            "Starter på grundforløb, Syddansk Erhvervsskole",
        ),
        (
            "Khalid Omar",
            date(2023, 10, 2),
            Some(TrialOutcome::Apprenticeship),
            "Lærekontrakt som murer",
        ),
        (
            "Lone Pedersen",
            date(2024, 1, 8),
            Some(TrialOutcome::BackToJobcenter),
            "Opfølgning i Jobcenter Odense",
        ),
        (
            "Daniel Berg",
            date(2024, 3, 4),
            Some(TrialOutcome::OrdinaryJob),
            "Ansat på stilladsholdet",
        ),
        (
            "Fatima Ali",
            date(2024, 5, 6),
            Some(TrialOutcome::Education),
            "AMU-kursus i byggepladsarbejde",
        ),
        (
            "Rasmus Nielsen",
            date(2024, 9, 2),
            Some(TrialOutcome::DroppedOut),
            "Kontaktes igen om 3 måneder",
        ),
        ("Ibrahim Yilmaz", date(2025, 3, 3), None, ""),
    ];
    for (name, start, outcome, plan) in trials {
        let p = create_person(
            t,
            CreatePersonInput {
                display_name: name.into(),
                birth_year: Some(1990),
                lives_in_estate: true,
                consent_date: Some(start),
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
                start_date: start,
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
    let mut meetings = 0;
    let mut day = date(2023, 4, 12);
    while day <= date(2025, 4, 30) {
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
        create_action_item(
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
        meetings += 1;
        day = day + chrono::Days::new(56);
    }

    Ok(format!(
        "Loaded demo grant {DEMO_CASE_NUMBER} (Korsløkkeparken, Fyns Almennyttige Boligselskab): \
         4 contractors, 4 contracts, {} trainee placements, {reports} monthly hours reports, \
         {} snusepraktik placements, a følgegruppe with 6 members and {meetings} meetings.",
        placements.len(),
        trials.len()
    ))
}
