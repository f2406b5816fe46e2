//! The bench's synthetic dataset: one housing organisation, 200 contractors and, per grant, an
//! estate, six contracts with two trainees each and 24 months of hours, built in memory and
//! inserted in chunks. Deterministic: grant i's trainee hours vary with i so shares spread around
//! 14 %.

use chrono::{DateTime, Months, NaiveDate, Utc};
use entity::enums::*;
use entity::*;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use uuid::Uuid;

const CONTRACTS_PER_GRANT: usize = 6;
const MONTHS: u32 = 24;
const TRADES: [&str; CONTRACTS_PER_GRANT] =
    ["hovedentreprise", "murer", "tømrer", "VVS", "el", "maler"];

/// Fills the empty database `db` with `grants` grants; answers a line saying what it made.
pub async fn fill(db: &DatabaseConnection, grants: usize) -> anyhow::Result<String> {
    let mut rows = Rows {
        now: Utc::now(),
        start: NaiveDate::from_ymd_opt(2023, 3, 1).unwrap_or_default(),
        ..Rows::default()
    };
    let org_id = Uuid::now_v7();
    housing_organisation::Entity::insert(housing_organisation::ActiveModel {
        id: Set(org_id),
        name: Set("Bench Boligselskab".into()),
        cvr: Set(None),
        created_at: Set(rows.now),
        updated_at: Set(rows.now),
        archived_at: Set(None),
    })
    .exec(db)
    .await?;
    let contractor_ids: Vec<Uuid> = (0..200).map(|_| Uuid::now_v7()).collect();
    insert_chunked(
        db,
        contractor_ids
            .iter()
            .enumerate()
            .map(|(i, id)| contractor::ActiveModel {
                id: Set(*id),
                // Inserted directly, so not modulus-11 checked: only unique matters here.
                cvr: Set(format!("{:08}", 10_000_000 + i)),
                name: Set(format!("Entreprenør {i}")),
                created_at: Set(rows.now),
                updated_at: Set(rows.now),
                archived_at: Set(None),
            })
            .collect(),
    )
    .await?;
    for g in 0..grants {
        let grant_id = rows.grant(g, org_id);
        for c in 0..CONTRACTS_PER_GRANT {
            let contractor = contractor_ids[(g * 7 + c) % contractor_ids.len()];
            let contract_id = rows.contract(c, grant_id, contractor);
            let placements = [0, 1].map(|k| rows.trainee(g, c, k, grant_id, contract_id));
            rows.months(g, contract_id, placements);
        }
    }
    let summary = format!(
        "{grants} grants, {} contracts, {} placements, {} monthly reports, {} hours lines",
        rows.contracts.len(),
        rows.placements.len(),
        rows.reports.len(),
        rows.lines.len()
    );
    rows.insert(db).await?;
    Ok(summary)
}

/// The rows made so far, table by table, inserted together at the end.
#[derive(Default)]
struct Rows {
    now: DateTime<Utc>,
    start: NaiveDate,
    estates: Vec<estate::ActiveModel>,
    grants: Vec<grant::ActiveModel>,
    contracts: Vec<contract::ActiveModel>,
    persons: Vec<person::ActiveModel>,
    placements: Vec<placement::ActiveModel>,
    reports: Vec<hours_report::ActiveModel>,
    lines: Vec<hours_line::ActiveModel>,
}

impl Rows {
    /// Grant `g` of the organisation and its estate; answers the grant's id.
    fn grant(&mut self, g: usize, org_id: Uuid) -> Uuid {
        let (now, start) = (self.now, self.start);
        let estate_id = Uuid::now_v7();
        self.estates.push(estate::ActiveModel {
            id: Set(estate_id),
            organisation_id: Set(org_id),
            name: Set(format!("Afdeling {g}")),
            municipality: Set(["Odense", "Aarhus", "København", "Aalborg"][g % 4].into()),
            address: Set(None),
            is_vulnerable_area: Set(g.is_multiple_of(3)),
            created_at: Set(now),
            updated_at: Set(now),
            archived_at: Set(None),
        });
        let grant_id = Uuid::now_v7();
        self.grants.push(grant::ActiveModel {
            id: Set(grant_id),
            estate_id: Set(estate_id),
            case_number: Set(format!("BENCH-{g:04}")),
            title: Set("Helhedsplan".into()),
            kind: Set(GrantKind::Renovation),
            commitment_year: Set(2020 + (g % 5) as i32),
            stage: Set(GrantStage::SkemaB),
            craftsman_cost_ore: Set(Some((100_000_000 + (g as i64 % 10) * 25_000_000) * 100)),
            construction_start: Set(Some(start)),
            planned_handover: Set(Some(start + Months::new(36))),
            actual_handover: Set(None),
            parameter_overrides: Set(None),
            share_visible_to_contractors: Set(false),
            main_contractor_approval: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            archived_at: Set(None),
            ..Default::default()
        });
        grant_id
    }

    /// The grant's contract `c` (the first is the main contract) with a 14 % clause; answers its
    /// id.
    fn contract(&mut self, c: usize, grant_id: Uuid, contractor_id: Uuid) -> Uuid {
        let (now, start) = (self.now, self.start);
        let contract_id = Uuid::now_v7();
        self.contracts.push(contract::ActiveModel {
            id: Set(contract_id),
            grant_id: Set(grant_id),
            contractor_id: Set(contractor_id),
            kind: Set(if c == 0 {
                ContractKind::Main
            } else {
                ContractKind::Trade
            }),
            parent_contract_id: Set(None),
            trade: Set(TRADES[c].into()),
            value_ore: Set(20_000_000 * 100),
            start_date: Set(start),
            end_date: Set(start + Months::new(36)),
            clause_required_centihours: Set(None),
            clause_required_share_bp: Set(Some(1400)),
            exemption_reason: Set(None),
            exemption_approved_by: Set(None),
            exemption_date: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            archived_at: Set(None),
            ..Default::default()
        });
        contract_id
    }

    /// Trainee `k` of the contract (the first lives in the estate and is an apprentice, the
    /// second an FGU student) and its placement; answers the placement's id.
    fn trainee(&mut self, g: usize, c: usize, k: usize, grant_id: Uuid, contract_id: Uuid) -> Uuid {
        let (now, start) = (self.now, self.start);
        let person_id = Uuid::now_v7();
        self.persons.push(person::ActiveModel {
            id: Set(person_id),
            display_name: Set(format!("Lærling {g}-{c}-{k}")),
            birth_year: Set(Some(2000)),
            lives_in_estate: Set(k == 0),
            consent_date: Set(Some(start)),
            erased_at: Set(None),
            created_by_token_id: Set(None),
            created_by_user_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            archived_at: Set(None),
        });
        let id = Uuid::now_v7();
        self.placements.push(placement::ActiveModel {
            id: Set(id),
            person_id: Set(person_id),
            grant_id: Set(grant_id),
            contract_id: Set(contract_id),
            kind: Set(if k == 0 {
                PlacementKind::EudApprentice
            } else {
                PlacementKind::Fgu
            }),
            trade: Set("murer".into()),
            start_date: Set(start),
            end_date: Set(None),
            status: Set(PlacementStatus::Active),
            employee_number: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            archived_at: Set(None),
        });
        id
    }

    /// The contract's monthly reports: 2,000 hours a month, of which each trainee worked 100-170
    /// depending on the grant.
    fn months(&mut self, g: usize, contract_id: Uuid, placements: [Uuid; 2]) {
        let now = self.now;
        for m in 0..MONTHS {
            let report_id = Uuid::now_v7();
            self.reports.push(hours_report::ActiveModel {
                id: Set(report_id),
                contract_id: Set(contract_id),
                month: Set(self.start + Months::new(m)),
                total_centihours: Set(2000 * 100),
                reported_at: Set(now),
                status: Set(HoursStatus::Submitted),
                version: Set(1),
                no_activity: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
                archived_at: Set(None),
            });
            for (k, placement) in placements.iter().enumerate() {
                self.lines.push(hours_line::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    report_id: Set(report_id),
                    placement_id: Set(*placement),
                    centihours: Set((100 + ((g + k) % 8) as i64 * 10) * 100),
                    created_at: Set(now),
                    updated_at: Set(now),
                    archived_at: Set(None),
                });
            }
        }
    }

    /// Inserts every row, parents before children.
    async fn insert(self, db: &DatabaseConnection) -> anyhow::Result<()> {
        insert_chunked(db, self.estates).await?;
        insert_chunked(db, self.grants).await?;
        insert_chunked(db, self.contracts).await?;
        insert_chunked(db, self.persons).await?;
        insert_chunked(db, self.placements).await?;
        insert_chunked(db, self.reports).await?;
        insert_chunked(db, self.lines).await
    }
}

async fn insert_chunked<A, E>(db: &DatabaseConnection, rows: Vec<A>) -> anyhow::Result<()>
where
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        // SQLite allows 32,766 bound parameters per statement; 1,000 rows stay well under.
        let chunk: Vec<A> = rows.by_ref().take(1000).collect();
        E::insert_many(chunk).exec(db).await?;
    }
    Ok(())
}
