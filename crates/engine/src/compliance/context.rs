//! The evaluation context: everything the rules measure, computed once per grant and as-of date
//! (the counting window, hours tallied by contract, month and contractor, the grant's metrics,
//! the target, R3's window and line, the projection, and where each contract stands on its
//! clause). Rules only read it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use domain::PlacementKind;
use rust_decimal::{Decimal, RoundingStrategy};
use uuid::Uuid;

use super::facts::{ContractFacts, DocumentationFacts, GrantFacts};
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
    /// A number of hours (or elevuger, `weeks`): pro rata over R3's window while the contract
    /// runs, the whole number once it has ended.
    Hours {
        required: Decimal,
        weeks: Option<Decimal>,
        line: Decimal,
        delivered: Decimal,
        span: Span,
    },
    /// One person in training per `per` skilled workers, in hours: trainee hours at least the
    /// other hours / `per`.
    Ratio {
        per: i32,
        non_trainee: Decimal,
        needed: Decimal,
        delivered: Decimal,
    },
    /// At least `part` of the counted trainee hours are apprentices' (on a share or ratio
    /// clause): needed = part x trainee hours, rounded up to the cent.
    ApprenticePart {
        part: Decimal,
        trainee: Decimal,
        needed: Decimal,
        delivered: Decimal,
    },
}

/// Where one contract stands on one part of its clause.
pub struct ClauseStanding<'a> {
    pub contract: &'a ContractFacts,
    pub terms: ClauseTerms,
    pub ended: bool,
    pub behind: bool,
    /// Trainee hours the clause still asks for (never below 0); an apprentice part asks for
    /// none of its own (its hours are trainee hours of another kind).
    pub owed: Decimal,
}

/// A contract whose clause has lapsed for some months on company documentation: which periods,
/// and how many of the months judged so far they took out.
pub struct Lapse<'a> {
    pub contract: &'a ContractFacts,
    pub threshold: Decimal,
    pub periods: Vec<&'a DocumentationFacts>,
    pub months: usize,
    /// Every month judged so far has lapsed: the contract has no clause finding at all.
    pub whole: bool,
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
    /// The part of `total` in months the bygherre has accepted.
    pub accepted: Tally,
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
    pub lapses: Vec<Lapse<'a>>,
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
        let mut accepted = Tally::default();
        let mut total_through = Tally::default();
        let mut per_contract: HashMap<Uuid, Tally> = HashMap::new();
        let mut per_contract_through: HashMap<Uuid, Tally> = HashMap::new();
        let mut per_month: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
        let mut contractor_months: HashMap<Uuid, BTreeMap<NaiveDate, Tally>> = HashMap::new();
        if let Some(w) = &window {
            for r in g.reports.iter().filter(|r| w.contains(r.month)) {
                let t = tally_report(r, &kinds);
                total.add(&t);
                if r.status == domain::HoursStatus::Accepted {
                    accepted.add(&t);
                }
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

        let (clauses, lapses) = clause_standings(
            g,
            as_of,
            through,
            window.as_ref(),
            &kinds,
            &per_contract,
            &per_contract_through,
        );

        Self {
            g,
            p,
            as_of,
            window,
            handed_over,
            kinds,
            total,
            accepted,
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
            lapses,
        }
    }
}

/// The months (first days) of `c`'s period in which its clause has lapsed: every day of the
/// month within the contract's period is covered by a documented company share at or above the
/// clause's threshold. Hours are reported by month, so a month lapses whole or not at all.
pub fn lapsed_months(c: &ContractFacts) -> BTreeSet<NaiveDate> {
    let mut out = BTreeSet::new();
    let Some(threshold) = c.clause_company_threshold_bp else {
        return out;
    };
    let valid: Vec<&DocumentationFacts> = c
        .documentation
        .iter()
        .filter(|d| d.share_bp >= threshold)
        .collect();
    if valid.is_empty() || c.end < c.start {
        return out;
    }
    let mut month = month_of(c.start);
    while month <= c.end {
        let first = month.max(c.start);
        let last = last_day_of_month(month).min(c.end);
        if covered(&valid, first, last) {
            out.insert(month);
        }
        month = next_month(month);
    }
    out
}

/// Whether every day of [first, last] lies in one of `periods`.
fn covered(periods: &[&DocumentationFacts], first: NaiveDate, last: NaiveDate) -> bool {
    let mut day = first;
    while day <= last {
        match periods
            .iter()
            .filter(|p| p.from <= day && day <= p.to)
            .map(|p| p.to)
            .max()
        {
            Some(to) => match to.succ_opt() {
                Some(next) => day = next,
                None => return true,
            },
            None => return false,
        }
    }
    true
}

/// Days of `c`'s period, through `through`, that fall in a lapsed month.
fn lapsed_days(c: &ContractFacts, lapsed: &BTreeSet<NaiveDate>, through: NaiveDate) -> i64 {
    lapsed
        .iter()
        .map(|m| {
            let first = (*m).max(c.start);
            let last = last_day_of_month(*m).min(c.end).min(through);
            ((last - first).num_days() + 1).max(0)
        })
        .sum()
}

/// RATIO: trainee hours needed for one per `per` skilled workers, rounded up to the cent.
pub fn ratio_needed(per: i32, non_trainee: Decimal) -> Decimal {
    if per <= 0 {
        return Decimal::ZERO;
    }
    (non_trainee / Decimal::from(per)).round_dp_with_strategy(2, RoundingStrategy::AwayFromZero)
}

/// Apprentice part: apprentice hours needed of `trainee` counted hours, rounded up to the cent.
pub fn apprentice_needed(part: Decimal, trainee: Decimal) -> Decimal {
    (part * trainee).round_dp_with_strategy(2, RoundingStrategy::AwayFromZero)
}

/// How each contract stands against its clause, and which clauses have lapsed for some months.
/// A contract may carry several forms at once: each is judged, the hours clause pro rata to
/// `through` while the contract runs and in full once it has ended; the months its clause has
/// lapsed in count for none of them.
fn clause_standings<'a>(
    g: &'a GrantFacts,
    as_of: NaiveDate,
    through: NaiveDate,
    window: Option<&Window>,
    kinds: &HashMap<Uuid, PlacementKind>,
    per_contract: &HashMap<Uuid, Tally>,
    per_contract_through: &HashMap<Uuid, Tally>,
) -> (Vec<ClauseStanding<'a>>, Vec<Lapse<'a>>) {
    let mut clauses = Vec::new();
    let mut lapses = Vec::new();
    for c in &g.contracts {
        let lapsed = lapsed_months(c);
        let (all, so_far) = if lapsed.is_empty() {
            (
                per_contract.get(&c.id).copied().unwrap_or_default(),
                per_contract_through.get(&c.id).copied().unwrap_or_default(),
            )
        } else {
            unlapsed_tallies(g, c, &lapsed, window, kinds, through)
        };
        if let Some(lapse) = lapse(c, &lapsed, as_of, through) {
            let whole = lapse.whole;
            lapses.push(lapse);
            if whole {
                continue;
            }
        }
        let ended = c.end <= as_of;
        share_ratio_and_part(c, ended, &all, &mut clauses);
        clauses.extend(hours_standing(
            c,
            ended,
            &all,
            &so_far,
            &lapsed,
            through,
            g.params.on_track_tolerance(),
        ));
    }
    (clauses, lapses)
}

/// The contract's hours in the grant's window, leaving out its lapsed months: all of them, and
/// those through `through`.
fn unlapsed_tallies(
    g: &GrantFacts,
    c: &ContractFacts,
    lapsed: &BTreeSet<NaiveDate>,
    window: Option<&Window>,
    kinds: &HashMap<Uuid, PlacementKind>,
    through: NaiveDate,
) -> (Tally, Tally) {
    let (mut all, mut so_far) = (Tally::default(), Tally::default());
    for r in g.reports.iter().filter(|r| {
        r.contract_id == c.id
            && window.is_some_and(|w| w.contains(r.month))
            && !lapsed.contains(&r.month)
    }) {
        let t = tally_report(r, kinds);
        all.add(&t);
        if r.month <= through {
            so_far.add(&t);
        }
    }
    (all, so_far)
}

/// The contract's lapse, when its clause lapsed in any month judged so far (through the last
/// complete month, or the contract's end).
fn lapse<'a>(
    c: &'a ContractFacts,
    lapsed: &BTreeSet<NaiveDate>,
    as_of: NaiveDate,
    through: NaiveDate,
) -> Option<Lapse<'a>> {
    if lapsed.is_empty() {
        return None;
    }
    let judged = months_between(month_of(c.start), month_of(c.end.min(through)));
    let months = judged.iter().filter(|m| lapsed.contains(m)).count();
    if months == 0 {
        return None;
    }
    let threshold = c.clause_company_threshold_bp.unwrap_or_default();
    Some(Lapse {
        contract: c,
        threshold: Decimal::new(threshold.into(), 4),
        periods: c
            .documentation
            .iter()
            .filter(|d| d.share_bp >= threshold && d.from <= as_of)
            .collect(),
        months,
        whole: months == judged.len(),
    })
}

/// The contract's share, ratio and apprentice-part clauses against all its counted hours.
fn share_ratio_and_part<'a>(
    c: &'a ContractFacts,
    ended: bool,
    all: &Tally,
    out: &mut Vec<ClauseStanding<'a>>,
) {
    if let Some(bp) = c.clause_share_bp {
        let required = Decimal::new(bp.into(), 4);
        let m = metrics(all, required);
        out.push(ClauseStanding {
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
    if let Some(per) = c.clause_skilled_per_trainee {
        let delivered = hours(all.trainee());
        let non_trainee = hours(all.labour) - delivered;
        let needed = ratio_needed(per, non_trainee);
        out.push(ClauseStanding {
            contract: c,
            ended,
            behind: delivered < needed,
            owed: (needed - delivered).max(Decimal::ZERO),
            terms: ClauseTerms::Ratio {
                per,
                non_trainee,
                needed,
                delivered,
            },
        });
    }
    if let Some(bp) = c
        .clause_apprentice_part_bp
        .filter(|_| c.clause_share_bp.is_some() || c.clause_skilled_per_trainee.is_some())
    {
        let part = Decimal::new(bp.into(), 4);
        let trainee = hours(all.trainee());
        let delivered = hours(all.apprentice);
        let needed = apprentice_needed(part, trainee);
        out.push(ClauseStanding {
            contract: c,
            ended,
            behind: delivered < needed,
            owed: Decimal::ZERO,
            terms: ClauseTerms::ApprenticePart {
                part,
                trainee,
                needed,
                delivered,
            },
        });
    }
}

/// The contract's hours clause: pro rata to `through` while it runs, in full once it has ended;
/// lapsed days take their share of the hours out of the line.
fn hours_standing<'a>(
    c: &'a ContractFacts,
    ended: bool,
    all: &Tally,
    so_far: &Tally,
    lapsed: &BTreeSet<NaiveDate>,
    through: NaiveDate,
    tolerance: Decimal,
) -> Option<ClauseStanding<'a>> {
    let centi = c.clause_hours_centi()?;
    let req = hours(centi);
    let weeks = c.clause_centiweeks.map(hours);
    let (line, delivered, span) = if ended {
        let (_, span) = pro_rata(req, c.start, c.end, c.end);
        let open = span.elapsed_days - lapsed_days(c, lapsed, c.end);
        let line = req * Decimal::from(open) / Decimal::from(span.period_days);
        (line.round_dp(2), hours(all.trainee()), span)
    } else {
        let (_, span) = pro_rata(req, c.start, c.end, through);
        let open = span.elapsed_days - lapsed_days(c, lapsed, through);
        let line = req * Decimal::from(open.max(0)) / Decimal::from(span.period_days);
        (line.round_dp(2), hours(so_far.trainee()), span)
    };
    let behind = if ended {
        delivered < line
    } else {
        delivered < line * (Decimal::ONE - tolerance)
    };
    Some(ClauseStanding {
        contract: c,
        ended,
        behind,
        owed: (line - delivered).max(Decimal::ZERO),
        terms: ClauseTerms::Hours {
            required: req,
            weeks,
            line,
            delivered,
            span,
        },
    })
}

/// The months from `first` through `last` (first days), in order.
fn months_between(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = first;
    while m <= last {
        out.push(m);
        m = next_month(m);
    }
    out
}
