//! R9 double counting: one person cannot be credited more hours in a month, across all their
//! placements here and on other sites, than one person can work (1924 / 12 plus the overtime
//! allowance: `Params::person_month_cap_centihours`, the same number input validation uses).
//! One finding per person and month, naming the person, every placement credited and its hours;
//! hours on other sites only as a total, never with the site's name.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use domain::PlacementKind;
use uuid::Uuid;

use super::RuleDef;
use crate::compliance::context::Context;
use crate::compliance::facts::PlacementFacts;
use crate::compliance::figures::{hours, month_of};
use crate::compliance::report::{Credit, Finding, FindingCode, Rule, Severity, SubjectKind, Unit};
use crate::i18n::{da_hours, da_list, da_month, en_hours, ym};

pub const RULE: RuleDef = RuleDef {
    rule: Rule::R9,
    name_da: "Dobbelttælling",
    name_en: "Double counting",
    source: "Tracker rule: one person cannot be credited more than 1924/12 hours a month plus the overtime allowance",
    check,
};

fn kind_en(k: PlacementKind) -> &'static str {
    use PlacementKind::*;
    match k {
        EudApprentice => "EUD apprentice",
        EuvApprentice => "EUV apprentice",
        Eux => "EUX apprentice",
        Fgu => "FGU",
        AmuContract => "AMU contract",
        Igu => "IGU",
        OtherCountedTraining => "other training",
        WorkExperience => "work experience",
        WageSubsidy => "wage subsidy",
        OtherSocialEmployment => "other social employment",
    }
}

fn kind_da(k: PlacementKind) -> &'static str {
    use PlacementKind::*;
    match k {
        EudApprentice => "lærling (EUD)",
        EuvApprentice => "lærling (EUV)",
        Eux => "lærling (EUX)",
        Fgu => "FGU",
        AmuContract => "AMU-kontraktuddannelse",
        Igu => "IGU",
        OtherCountedTraining => "anden oplæring",
        WorkExperience => "virksomhedspraktik",
        WageSubsidy => "løntilskud",
        OtherSocialEmployment => "anden social beskæftigelse",
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let g = cx.g;
    let placements: HashMap<Uuid, &PlacementFacts> =
        g.placements.iter().map(|p| (p.id, p)).collect();
    let contracts: HashMap<Uuid, _> = g.contracts.iter().map(|c| (c.id, c)).collect();
    // Per person and month: this grant's placements credited (in first-seen order, summed) and
    // the hours on other grants.
    let mut months: BTreeMap<(Uuid, NaiveDate), (Vec<Credit>, i64)> = BTreeMap::new();
    let mut reports: Vec<_> = g
        .reports
        .iter()
        .filter(|r| r.month <= month_of(cx.as_of))
        .collect();
    reports.sort_by_key(|r| (r.month, r.contract_id));
    for r in reports {
        for (pl, centi) in &r.lines {
            let Some(p) = placements.get(pl) else {
                continue;
            };
            let credits = &mut months.entry((p.person_id, r.month)).or_default().0;
            match credits.iter_mut().find(|c| c.placement_id == *pl) {
                Some(c) => c.centihours += centi,
                None => credits.push(Credit {
                    placement_id: *pl,
                    contract_id: p.contract_id,
                    centihours: *centi,
                }),
            }
        }
    }
    for x in &g.external_hours {
        if let Some(e) = months.get_mut(&(x.person_id, x.month)) {
            e.1 += x.centihours;
        }
    }
    let cap_centi = cx.p.person_month_cap_centihours();
    let cap = hours(cap_centi);
    for ((person, month), (mut credits, elsewhere)) in months {
        let here: i64 = credits.iter().map(|c| c.centihours).sum();
        if here + elsewhere <= cap_centi {
            continue;
        }
        credits.sort_by_key(|c| (std::cmp::Reverse(c.centihours), c.placement_id));
        let all = hours(here + elsewhere);
        let name = g.person_names.get(&person).cloned();
        let describe = |c: &Credit, da: bool| {
            let kind = placements.get(&c.placement_id).map(|p| p.kind);
            let contract = contracts.get(&c.contract_id);
            let on = contract
                .map(|k| format!("{} ({})", k.trade, k.contractor_name))
                .unwrap_or_default();
            if da {
                format!(
                    "{} timer som {} på {on}",
                    da_hours(hours(c.centihours)),
                    kind.map_or("", kind_da)
                )
            } else {
                format!(
                    "{} hours as {} on {on}",
                    en_hours(hours(c.centihours)),
                    kind.map_or("", kind_en)
                )
            }
        };
        let en_parts: Vec<String> = credits.iter().map(|c| describe(c, false)).collect();
        let mut da_parts: Vec<String> = credits.iter().map(|c| describe(c, true)).collect();
        // Danish lists the other sites' total with the placements ("a, b og c").
        let en_else = if elsewhere > 0 {
            da_parts.push(format!(
                "{} timer på andre byggepladser",
                da_hours(hours(elsewhere))
            ));
            format!(", and {} hours on other sites", en_hours(hours(elsewhere)))
        } else {
            String::new()
        };
        let en_who = name.clone().unwrap_or_else(|| "One trainee".into());
        let da_who = name.unwrap_or_else(|| "En person under oplæring".into());
        out.push(
            Finding::builder(&RULE, FindingCode::R9OverMonthCap, Severity::Breach, SubjectKind::Person, person)
                .says(
                    format!(
                        "{en_who} is credited {} in {}{en_else}: {} hours in all; one person can work at most {}",
                        en_parts.join("; "),
                        ym(month),
                        en_hours(all),
                        en_hours(cap)
                    ),
                    format!(
                        "{da_who} er krediteret {} i {}: {} timer i alt; én person kan højst arbejde {}",
                        da_list(&da_parts),
                        da_month(month),
                        da_hours(all),
                        da_hours(cap)
                    ),
                )
                .measured(Unit::Hours, all, Some(cap))
                .detail(|d| {
                    d.person_id = Some(person);
                    d.months = vec![month];
                    d.delivered_hours = Some(all);
                    d.other_sites_hours = (elsewhere > 0).then(|| hours(elsewhere));
                    d.credits = credits.clone();
                })
                .build(),
        );
    }
}
