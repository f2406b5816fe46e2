//! R11 residents' share (optional): of the snusepraktik participants and, separately, of the
//! persons in training on the grant, how many live in the estate or the municipality's
//! designated area. A grant may set a target share for either; without one the share is shown as
//! information only. Each person counts once per group, however many placements they had.

use std::collections::HashMap;

use rust_decimal::Decimal;
use uuid::Uuid;

use super::RuleDef;
use crate::compliance::context::Context;
use crate::compliance::report::{
    Finding, FindingCode, ResidentShare, Rule, Severity, SubjectKind, Unit,
};
use crate::i18n::{da_percent, en_percent};

pub const RULE: RuleDef = RuleDef {
    rule: Rule::R11,
    name_da: "Andel beboere",
    name_en: "Residents' share",
    source: "Byg til Vækst (seed, Tema 03): jobs and training for the estate's own residents; the grant may set a target share",
    check,
};

fn bp(v: Option<i32>) -> Option<Decimal> {
    v.map(|b| Decimal::new(b.into(), 4))
}

fn count(people: HashMap<Uuid, bool>, target: Option<Decimal>) -> ResidentShare {
    ResidentShare {
        people: u32::try_from(people.len()).unwrap_or(u32::MAX),
        residents: u32::try_from(people.values().filter(|r| **r).count()).unwrap_or(u32::MAX),
        target,
    }
}

/// Snusepraktik participants who had started by the as-of date.
pub fn trial_residents(cx: &Context) -> ResidentShare {
    let people =
        cx.g.trials
            .iter()
            .filter(|t| t.start <= cx.as_of)
            .map(|t| (t.person_id, t.resident));
    count(people.collect(), bp(cx.g.resident_trial_target_bp))
}

/// Persons in training placed on the grant's contracts.
pub fn trainee_residents(cx: &Context) -> ResidentShare {
    let people =
        cx.g.placements
            .iter()
            .filter(|p| p.kind.counts_as_training())
            .map(|p| (p.person_id, p.resident));
    count(people.collect(), bp(cx.g.resident_trainee_target_bp))
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let groups = [
        (
            trial_residents(cx),
            FindingCode::R11TrialResidents,
            "snusepraktik participants",
            "deltagerne i snusepraktik",
        ),
        (
            trainee_residents(cx),
            FindingCode::R11TraineeResidents,
            "persons in training",
            "personerne under oplæring",
        ),
    ];
    for (share, code, en, da) in groups {
        let (Some(s), Some(target)) = (share.share(), share.target) else {
            continue;
        };
        if s >= target {
            continue;
        }
        out.push(
            Finding::builder(&RULE, code, Severity::Warning, SubjectKind::Grant, cx.g.id)
                .says(
                    format!(
                        "{} of {} {en} live in the estate or area ({}); the grant's target is {}",
                        share.residents,
                        share.people,
                        en_percent(s),
                        en_percent(target)
                    ),
                    format!(
                        "{} af {} {da} bor i boligområdet ({}); tilsagnets mål er {}",
                        share.residents,
                        share.people,
                        da_percent(s),
                        da_percent(target)
                    ),
                )
                .measured(Unit::ShareFraction, s.round_dp(4), Some(target))
                .build(),
        );
    }
}
