//! One grant's evaluation as of a date: the context is computed once, every registered rule
//! checks it, and the report gathers the figures, the contractors' standing and the status.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::context::Context;
use super::deadlines::Deadlines;
use super::facts::GrantFacts;
use super::figures::{hours, metrics, project};
use super::params::Params;
use super::report::{
    ContractorMetrics, Finding, Funnel, Metrics, ResidentShare, Severity, Span, Status, Tally,
};
use super::rules::{self, r8_trial_follow_up};

/// One grant's evaluation: what [`evaluate`] returns. It lives here, beside the function that
/// builds it, rather than in [`super::report`] with the words it is made of, so the vocabulary
/// depends on nothing and the parameters and deadlines can use it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Report {
    pub grant_id: Uuid,
    pub as_of: NaiveDate,
    pub status: Status,
    pub params: Params,
    pub metrics: Metrics,
    /// The hours of `metrics` in months the bygherre has accepted: how much of the share rests on
    /// accepted figures (the rest is submitted, not yet accepted).
    pub accepted: Tally,
    /// R2: required trainee årsværk and hours (None without a craftsman cost).
    pub target_arsvaerk: Option<Decimal>,
    pub target_hours: Option<Decimal>,
    /// R3: the target pro rata over R3's window ([`Report::on_track_window`]).
    pub expected_by_now_hours: Option<Decimal>,
    /// R3: trainee hours delivered in the same window.
    pub delivered_in_window_hours: Option<Decimal>,
    /// R3's window: construction start to the end of the last month complete at the end of the
    /// as-of day, of the period to (planned) handover.
    pub on_track_window: Option<Span>,
    /// Share and trainee hours at planned handover at the last three months' run rate.
    pub projected_share: Option<Decimal>,
    pub projected_trainee_hours: Option<Decimal>,
    pub contractors: Vec<ContractorMetrics>,
    pub funnel: Funnel,
    /// R11: residents among the snusepraktik participants and among the persons in training.
    pub trial_residents: ResidentShare,
    pub trainee_residents: ResidentShare,
    /// The next hours report, LBF report and meeting due (not yet overdue).
    pub deadlines: Deadlines,
    pub findings: Vec<Finding>,
}

impl Report {
    /// The report as stored beside its key (the service keeps evaluations in the database, so
    /// a fresh instance reads them instead of evaluating the country again): postcard, a compact
    /// binary form that reads back several times faster than JSON.
    pub fn to_stored(&self) -> Vec<u8> {
        postcard::to_stdvec(self).unwrap_or_default()
    }

    /// A report read back from [`Report::to_stored`]'s bytes, or None when they are not one of
    /// this version's reports (a rule or an outcome it does not know, another shape): the
    /// caller evaluates again. The findings' sources follow from their rules.
    pub fn from_stored(bytes: &[u8]) -> Option<Report> {
        let mut r: Report = postcard::from_bytes(bytes).ok()?;
        for f in &mut r.findings {
            f.source = rules::RULES.iter().find(|d| d.rule == f.rule)?.source;
        }
        Some(r)
    }
}

/// Evaluates `g` as of the end of `as_of`. The same facts and date always give the same report.
pub fn evaluate(g: &GrantFacts, as_of: NaiveDate) -> Report {
    let cx = Context::new(g, as_of);
    let mut findings = Vec::new();
    for rule in rules::RULES {
        (rule.check)(&cx, &mut findings);
    }
    let worst = findings.iter().map(|f| f.severity).max();
    let status = if cx.window.is_none() {
        Status::NotStarted
    } else if cx.handed_over {
        Status::Completed
    } else {
        match worst {
            Some(Severity::Breach) => Status::Breach,
            Some(Severity::Warning) => Status::AtRisk,
            _ => Status::Compliant,
        }
    };
    Report {
        grant_id: g.id,
        as_of,
        status,
        params: g.params.clone(),
        metrics: cx.metrics.clone(),
        accepted: cx.accepted,
        target_arsvaerk: cx.target.map(|t| t.0),
        target_hours: cx.target.map(|t| t.1),
        expected_by_now_hours: cx.on_track.as_ref().map(|t| t.expected),
        delivered_in_window_hours: cx.on_track.as_ref().map(|t| t.delivered),
        on_track_window: cx.on_track.as_ref().map(|t| t.span),
        projected_share: cx.projection.and_then(|p| p.0),
        projected_trainee_hours: cx.projection.map(|p| p.1),
        contractors: contractors(&cx),
        funnel: r8_trial_follow_up::funnel(&cx),
        trial_residents: rules::r11_residents::trial_residents(&cx),
        trainee_residents: rules::r11_residents::trainee_residents(&cx),
        deadlines: super::deadlines::deadlines(&cx),
        findings,
    }
}

/// Each contractor's figures on the grant (against the grant's share, without a finding of its
/// own) and what its clauses still ask for.
fn contractors(cx: &Context) -> Vec<ContractorMetrics> {
    struct Acc {
        name: String,
        tally: Tally,
        clause: i64,
        expected: Option<Decimal>,
        last_end: NaiveDate,
        owed: Option<Decimal>,
        behind: bool,
    }
    let mut by: BTreeMap<Uuid, Acc> = BTreeMap::new();
    for c in &cx.g.contracts {
        let e = by.entry(c.contractor_id).or_insert_with(|| Acc {
            name: c.contractor_name.clone(),
            tally: Tally::default(),
            clause: 0,
            expected: None,
            last_end: c.end,
            owed: None,
            behind: false,
        });
        if let Some(t) = cx.per_contract.get(&c.id) {
            e.tally.add(t);
        }
        e.last_end = e.last_end.max(c.end);
        e.clause += c.clause_hours_centi().unwrap_or(0);
    }
    for s in &cx.clauses {
        let Some(e) = by.get_mut(&s.contract.contractor_id) else {
            continue;
        };
        e.owed = Some(e.owed.unwrap_or_default() + s.owed);
        e.behind |= s.behind;
        if let super::context::ClauseTerms::Hours { line, .. } = s.terms {
            e.expected = Some(e.expected.unwrap_or_default() + line);
        }
    }
    by.into_iter()
        .map(|(id, a)| {
            let projected_share = match (&cx.window, cx.handed_over) {
                (Some(_), false) => cx
                    .contractor_months
                    .get(&id)
                    .and_then(|months| project(months, &a.tally, a.last_end))
                    .and_then(|p| p.0),
                _ => None,
            };
            ContractorMetrics {
                contractor_id: id,
                contractor_name: a.name,
                metrics: metrics(&a.tally, cx.p.min_share()),
                tally: a.tally,
                clause_required_hours: hours(a.clause),
                expected_by_now_hours: a.expected.map(|e| e.round_dp(2)),
                projected_share,
                clause_shortfall_hours: a.owed.map(|o| o.round_dp(2)),
                behind_clause: a.behind,
            }
        })
        .collect()
}
