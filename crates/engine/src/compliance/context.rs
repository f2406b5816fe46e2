//! The evaluation context: everything the rules measure, computed once per grant and as-of date
//! (the counting window, hours tallied by contract, month and contractor, the grant's metrics,
//! the target, R3's window and line, the projection, and where each contract stands on its
//! clause). Rules only read it.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use domain::PlacementKind;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::facts::{ContractFacts, GrantFacts};
use super::figures::*;
use super::params::Params;
use super::report::{Metrics, Span, Tally};

/// R3's measure: the target pro rata over `span`, and the trainee hours delivered in the same
/// months.
pub struct OnTrack {
    pub expected: Decimal,
    pub delivered: Decimal,
    pub span: Span,
}

pub enum ClauseTerms {
    /// A share of the contract's labour hours, against everything reported so far.
    Share { required: Decimal, metrics: Metrics },
    /// A number of hours: pro rata over R3's window while the contract runs, the whole number
    /// once it has ended.
    Hours {
        required: Decimal,
        line: Decimal,
        delivered: Decimal,
        span: Span,
    },
}

/// Where one contract stands on its clause.
pub struct ClauseStanding<'a> {
    pub contract: &'a ContractFacts,
    pub terms: ClauseTerms,
    pub ended: bool,
    pub behind: bool,
    /// Trainee hours the clause still asks for (never below 0).
    pub owed: Decimal,
}

pub struct Context<'a> {
    pub g: &'a GrantFacts,
    pub p: &'a Params,
    pub as_of: NaiveDate,
    pub window: Option<Window>,
    pub handed_over: bool,
    pub kinds: HashMap<Uuid, PlacementKind>,
    /// Hours in the counting window: the grant, per contract, per month, per contractor and month.
    pub total: Tally,
    pub per_contract: HashMap<Uuid, Tally>,
    pub per_month: BTreeMap<NaiveDate, Tally>,
    pub contractor_months: HashMap<Uuid, BTreeMap<NaiveDate, Tally>>,
    /// The end of R3's window: the last day of the last month complete at the end of the as-of
    /// day. Hours are reported by month, so expected and delivered are both counted to here.
    pub through: NaiveDate,
    pub per_contract_through: HashMap<Uuid, Tally>,
    pub metrics: Metrics,
    /// R2 target, rounded to hundredths: (årsværk, hours).
    pub target: Option<(Decimal, Decimal)>,
    /// Handover, or the planned one while there is none.
    pub planned_end: Option<NaiveDate>,
    pub on_track: Option<OnTrack>,
    /// Run rate of the last three reported months carried to the planned end.
    pub projection: Option<(Option<Decimal>, Decimal, usize)>,
    pub clauses: Vec<ClauseStanding<'a>>,
}

impl<'a> Context<'a> {
    pub fn new(g: &'a GrantFacts, as_of: NaiveDate) -> Self {
        let p = &g.params;
        let kinds = placement_kinds(g);
        let window = Window::of(g, as_of);
        let handed_over = g.actual_handover.is_some_and(|h| h <= as_of);
        let through = last_complete_day(as_of);
        let contractor_of: HashMap<Uuid, Uuid> = g
            .contracts
            .iter()
            .map(|c| (c.id, c.contractor_id))
            .collect();

        let mut total = Tally::default();
        let mut total_through = Tally::default();
        let mut per_contract: HashMap<Uuid, Tally> = HashMap::new();
        let mut per_contract_through: HashMap<Uuid, Tally> = HashMap::new();
        let mut per_month: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
        let mut contractor_months: HashMap<Uuid, BTreeMap<NaiveDate, Tally>> = HashMap::new();
        if let Some(w) = &window {
            for r in g.reports.iter().filter(|r| w.contains(r.month)) {
                let t = tally_report(r, &kinds);
                total.add(&t);
                per_contract.entry(r.contract_id).or_default().add(&t);
                per_month.entry(r.month).or_default().add(&t);
                if r.month <= through {
                    total_through.add(&t);
                    per_contract_through
                        .entry(r.contract_id)
                        .or_default()
                        .add(&t);
                }
                if let Some(c) = contractor_of.get(&r.contract_id) {
                    contractor_months
                        .entry(*c)
                        .or_default()
                        .entry(r.month)
                        .or_default()
                        .add(&t);
                }
            }
        }
        let grant_metrics = metrics(&total, p.min_share());
        let target = g.craftsman_cost_ore.map(|cost| {
            let (a, h) = target(cost, p.target_per_100m());
            (a.round_dp(2), h.round_dp(2))
        });
        let planned_end = g.actual_handover.or(g.planned_handover);
        let (mut on_track, mut projection) = (None, None);
        if let (Some(start), Some(end), Some(_)) = (g.construction_start, planned_end, &window) {
            if let Some((_, th)) = target {
                let (expected, span) = pro_rata(th, start, end, through);
                on_track = Some(OnTrack {
                    expected: expected.round_dp(2),
                    delivered: hours(total_through.trainee()),
                    span,
                });
            }
            if !handed_over {
                projection = project(&per_month, &total, end);
            }
        }

        let clauses = clause_standings(g, as_of, through, &per_contract, &per_contract_through);

        Self {
            g,
            p,
            as_of,
            window,
            handed_over,
            kinds,
            total,
            per_contract,
            per_month,
            contractor_months,
            through,
            per_contract_through,
            metrics: grant_metrics,
            target,
            planned_end,
            on_track,
            projection,
            clauses,
        }
    }
}

/// How each contract stands against its clause. A contract may carry a share clause, an hours
/// clause, or both: each is judged, the hours clause pro rata to `through` while the contract
/// runs and in full once it has ended.
fn clause_standings<'a>(
    g: &'a GrantFacts,
    as_of: NaiveDate,
    through: NaiveDate,
    per_contract: &HashMap<Uuid, Tally>,
    per_contract_through: &HashMap<Uuid, Tally>,
) -> Vec<ClauseStanding<'a>> {
    let p = &g.params;
    let mut clauses = Vec::new();
    for c in &g.contracts {
        let ended = c.end <= as_of;
        let all = per_contract.get(&c.id).copied().unwrap_or_default();
        if let Some(bp) = c.clause_share_bp {
            let required = Decimal::new(bp.into(), 4);
            let m = metrics(&all, required);
            clauses.push(ClauseStanding {
                contract: c,
                ended,
                behind: m.share.is_some_and(|s| s < required),
                owed: m.shortfall_hours,
                terms: ClauseTerms::Share {
                    required,
                    metrics: m,
                },
            });
        }
        if let Some(centi) = c.clause_centihours {
            let req = hours(centi);
            let (line, delivered, span) = if ended {
                let (_, span) = pro_rata(req, c.start, c.end, c.end);
                (req, hours(all.trainee()), span)
            } else {
                let so_far = per_contract_through.get(&c.id).copied().unwrap_or_default();
                let (line, span) = pro_rata(req, c.start, c.end, through);
                (line.round_dp(2), hours(so_far.trainee()), span)
            };
            let behind = if ended {
                delivered < req
            } else {
                delivered < line * (Decimal::ONE - p.on_track_tolerance())
            };
            clauses.push(ClauseStanding {
                contract: c,
                ended,
                behind,
                owed: (line - delivered).max(Decimal::ZERO),
                terms: ClauseTerms::Hours {
                    required: req,
                    line,
                    delivered,
                    span,
                },
            });
        }
    }
    clauses
}
