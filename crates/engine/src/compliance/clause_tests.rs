//! Worked examples, computed by hand, for every clause form Danish bygherrer write (RATIO, HOURS in
//! elevuger, the apprentice part, company documentation), R10's three-month status and R11's
//! residents' share; and the property that the SHARE and RATIO shortfalls are the least hours that
//! meet the clause.

use chrono::NaiveDate;
use domain::ThreeMonthStatus;
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal_macros::dec;

use super::tests::{APPRENTICE, CONTRACT, FGU, d, grant, report, report_centi, uid};
use super::*;

fn with_code(r: &Report, code: FindingCode) -> Vec<&Finding> {
    r.findings.iter().filter(|f| f.code == code).collect()
}

fn figures(f: &Finding) -> (Option<Decimal>, Option<Decimal>, Option<Decimal>) {
    (
        f.detail.needed_hours,
        f.detail.delivered_hours,
        f.detail.shortfall_hours,
    )
}

/// The main contract with only a RATIO clause: one person in training per `per` skilled workers.
fn ratio_grant(per: i32) -> GrantFacts {
    let mut g = grant();
    g.contracts[0].clause_share_bp = None;
    g.contracts[0].clause_skilled_per_trainee = Some(per);
    g
}

#[test]
fn a_ratio_clause_holds_at_exactly_one_per_n_and_not_a_cent_under() {
    let ratio = |total: i64, trainee: i64| {
        let mut g = ratio_grant(10);
        g.reports = vec![report_centi(
            CONTRACT,
            2024,
            3,
            total,
            &[(APPRENTICE, trainee)],
        )];
        evaluate(&g, d(2024, 4, 15))
    };
    // 100.00 trainee hours beside 1,000.00 other hours: exactly 1:10, no finding.
    assert!(with_code(&ratio(110_000, 10_000), FindingCode::R1ClauseRatio).is_empty());
    // 99.99 beside 1,000.01: 1,000.01 / 10 = 100.001 needed, rounded up to 100.01; 0.02 short.
    let r = ratio(110_000, 9_999);
    let f = with_code(&r, FindingCode::R1ClauseRatio);
    assert_eq!(f.len(), 1);
    assert_eq!(
        figures(f[0]),
        (Some(dec!(100.01)), Some(dec!(99.99)), Some(dec!(0.02)))
    );
    assert_eq!(f[0].severity, Severity::Warning, "the contract runs");
    // Judged on its own form only: the grant's 14 % is not this contract's clause.
    assert!(with_code(&r, FindingCode::R1ClauseShare).is_empty());
}

#[test]
fn a_ratio_finding_carries_its_clause_and_reads_in_danish() {
    // Gentofte's 1 per 10: 12,400 skilled hours need 1,240.00 trainee hours; 1,180.50 delivered.
    let mut g = ratio_grant(10);
    g.reports = vec![report_centi(
        CONTRACT,
        2024,
        3,
        1_240_000 + 118_050,
        &[(APPRENTICE, 118_050)],
    )];
    let r = evaluate(&g, d(2024, 4, 15));
    let f = with_code(&r, FindingCode::R1ClauseRatio)[0];
    assert_eq!(
        figures(f),
        (Some(dec!(1240)), Some(dec!(1180.50)), Some(dec!(59.50)))
    );
    assert_eq!(
        f.detail.clause,
        Some(ClauseSpec {
            skilled_per_trainee: Some(10),
            ..ClauseSpec::new(ClauseKind::Ratio)
        })
    );
    assert_eq!(
        f.message.da,
        "Kontrakt hovedentreprise (Fynsk Byg): 1.180,50 timer for personer under oplæring ved siden af 12.400,00 andre timer; klausulen kræver én person under oplæring pr. 10 faglærte, 1.240,00 timer; 59,50 timer mangler"
    );
    let fynsk = r.contractors.iter().find(|c| c.contractor_id == uid(100));
    assert_eq!(
        fynsk.map(|c| (c.behind_clause, c.clause_shortfall_hours)),
        Some((true, Some(dec!(59.50))))
    );
}

#[test]
fn an_apprentice_part_asks_m_of_the_trainee_hours_as_apprentice_hours() {
    // A 14 % share clause with 75 % apprentices: 250 apprentice + 150 FGU = 400 trainee hours of
    // 2,000 (20 %, the share holds); 0.75 x 400 = 300 apprentice hours needed, 50 short.
    let mut g = grant();
    g.contracts[0].clause_apprentice_part_bp = Some(7500);
    g.reports = vec![report(
        CONTRACT,
        2024,
        3,
        2000,
        &[(APPRENTICE, 250), (FGU, 150)],
    )];
    let r = evaluate(&g, d(2024, 4, 15));
    assert!(with_code(&r, FindingCode::R1ClauseShare).is_empty());
    let f = with_code(&r, FindingCode::R1ClauseApprenticePart);
    assert_eq!(f.len(), 1);
    assert_eq!(
        figures(f[0]),
        (Some(dec!(300)), Some(dec!(250)), Some(dec!(50)))
    );
    assert_eq!(
        f[0].detail.clause.map(|c| (c.kind, c.apprentice_part)),
        Some((ClauseKind::ApprenticePart, Some(dec!(0.75))))
    );
    assert_eq!(
        f[0].message.da,
        "Kontrakt hovedentreprise (Fynsk Byg): 250,00 af 400,00 timer for personer under oplæring er lærlinges, klausulen kræver mindst 75,0 %; 50,00 lærlingetimer mangler"
    );
    // Exactly 75 %: 300 of 400. No finding.
    g.reports = vec![report(
        CONTRACT,
        2024,
        3,
        2000,
        &[(APPRENTICE, 300), (FGU, 100)],
    )];
    let r = evaluate(&g, d(2024, 4, 15));
    assert!(with_code(&r, FindingCode::R1ClauseApprenticePart).is_empty());
    // The apprentice part asks for no trainee hours of its own: nothing owed beyond the share.
    let fynsk = r.contractors.iter().find(|c| c.contractor_id == uid(100));
    assert_eq!(fynsk.and_then(|c| c.clause_shortfall_hours), Some(dec!(0)));
}

#[test]
fn an_elevuger_clause_is_37_hours_a_week_in_full_on_its_last_day() {
    // 25 elevuger = 925 hours, on a contract 1 March through 31 May 2024.
    let mut g = grant();
    g.contracts[0].clause_share_bp = None;
    g.contracts[0].clause_centiweeks = Some(25 * 100);
    g.contracts[0].end = d(2024, 5, 31);
    g.reports = vec![
        report(CONTRACT, 2024, 3, 2000, &[(APPRENTICE, 300)]),
        report(CONTRACT, 2024, 4, 2000, &[(APPRENTICE, 300)]),
        report_centi(CONTRACT, 2024, 5, 200_000, &[(APPRENTICE, 32_499)]),
    ];
    let clause = |as_of| {
        evaluate(&g, as_of)
            .findings
            .into_iter()
            .filter(|f| f.code == FindingCode::R1ClauseHours)
            .collect::<Vec<_>>()
    };
    // The day before its end: 925 x 61 / 92 = 613.32 expected by 30 April less 10 %; 600 there.
    assert!(clause(d(2024, 5, 30)).is_empty());
    // On its last day: all 925 hours; 924.99 delivered, 0.01 short.
    let f = clause(d(2024, 5, 31));
    assert_eq!(f.len(), 1);
    assert_eq!(
        figures(&f[0]),
        (Some(dec!(925)), Some(dec!(924.99)), Some(dec!(0.01)))
    );
    assert_eq!(
        f[0].detail
            .clause
            .map(|c| (c.kind, c.required_hours, c.required_weeks)),
        Some((ClauseKind::Hours, Some(dec!(925)), Some(dec!(25))))
    );
    assert!(
        f[0].message.da.contains("25,00 elevuger (925,00 timer)"),
        "{}",
        f[0].message.da
    );
}

/// A 14 % share clause that lapses on documented company shares of at least 10 %.
fn documented(periods: &[(NaiveDate, NaiveDate, i32)]) -> GrantFacts {
    let mut g = grant();
    g.contracts[0].clause_company_threshold_bp = Some(1000);
    g.contracts[0].documentation = periods
        .iter()
        .enumerate()
        .map(|(i, (from, to, bp))| DocumentationFacts {
            id: uid(700 + i as u128),
            from: *from,
            to: *to,
            share_bp: *bp,
            document: format!("Årsrapport {i}"),
        })
        .collect();
    // March: 5 % (below the clause); April: 20 %.
    g.reports = vec![
        report(CONTRACT, 2024, 3, 1000, &[(APPRENTICE, 50)]),
        report(CONTRACT, 2024, 4, 1000, &[(APPRENTICE, 200)]),
    ];
    g
}

#[test]
fn company_documentation_lapses_the_clause_for_the_months_it_covers() {
    let as_of = d(2024, 5, 5);
    // No documentation: March and April together, 250 of 2,000 = 12.5 %, below 14 %.
    let r = evaluate(&documented(&[]), as_of);
    assert_eq!(with_code(&r, FindingCode::R1ClauseShare).len(), 1);

    // March documented at 11 %: only April is judged (20 %), no clause finding; the list says why.
    let r = evaluate(&documented(&[(d(2024, 3, 1), d(2024, 3, 31), 1100)]), as_of);
    assert!(with_code(&r, FindingCode::R1ClauseShare).is_empty());
    let lapsed = with_code(&r, FindingCode::R1ClauseLapsed);
    assert_eq!(lapsed.len(), 1);
    assert_eq!(lapsed[0].severity, Severity::Info);
    assert_eq!(
        lapsed[0].message.da,
        "Kontrakt hovedentreprise (Fynsk Byg): klausulen bortfalder for 1 måned, da entreprenøren har dokumenteret en andel af personer under oplæring i hele virksomheden på mindst 10,0 %: 1. marts 2024–31. marts 2024 (11,0 %, Årsrapport 0)"
    );
    // The grant's own 14 % is not affected: 12.5 % is still short.
    assert_eq!(with_code(&r, FindingCode::R1GrantShare).len(), 1);

    // Documentation covering part of March only (from 2 March): March is judged whole.
    let r = evaluate(&documented(&[(d(2024, 3, 2), d(2024, 3, 31), 1100)]), as_of);
    assert_eq!(with_code(&r, FindingCode::R1ClauseShare).len(), 1);
    assert!(with_code(&r, FindingCode::R1ClauseLapsed).is_empty());

    // Two documents that together cover March lapse it.
    let r = evaluate(
        &documented(&[
            (d(2024, 3, 1), d(2024, 3, 15), 1100),
            (d(2024, 3, 16), d(2024, 4, 10), 1200),
        ]),
        as_of,
    );
    assert!(with_code(&r, FindingCode::R1ClauseShare).is_empty());

    // A documented share under the threshold (9.99 %) lapses nothing.
    let r = evaluate(&documented(&[(d(2024, 3, 1), d(2024, 3, 31), 999)]), as_of);
    assert_eq!(with_code(&r, FindingCode::R1ClauseShare).len(), 1);
    assert!(with_code(&r, FindingCode::R1ClauseLapsed).is_empty());

    // Every month so far documented: no clause finding at all, and the reason names all of them.
    let r = evaluate(
        &documented(&[(d(2024, 3, 1), d(2024, 12, 31), 1050)]),
        as_of,
    );
    assert!(
        r.findings
            .iter()
            .all(|f| f.subject_id != uid(CONTRACT) || f.code == FindingCode::R1ClauseLapsed)
    );
    let lapsed = with_code(&r, FindingCode::R1ClauseLapsed);
    assert!(lapsed[0].message.da.contains("alle måneder indtil nu"));
}

fn trial(id: u128, person: u128, end: NaiveDate) -> TrialFacts {
    TrialFacts {
        id: uid(id),
        person_id: uid(person),
        start: end - chrono::Days::new(28),
        end,
        outcome: Some(domain::TrialOutcome::OrdinaryJob),
        has_next_plan: true,
        three_month: None,
        resident: false,
    }
}

#[test]
fn r10_the_three_month_status_is_due_three_months_and_14_days_after_the_end() {
    let mut g = grant();
    // Ended 29 April 2024: three months on 29 July, due with the 14 days' grace on 12 August.
    g.trials = vec![trial(60, 900, d(2024, 4, 29))];
    let r10 =
        |g: &GrantFacts, as_of| with_code(&evaluate(g, as_of), FindingCode::R10NoStatus).len();
    assert_eq!(r10(&g, d(2024, 8, 12)), 0, "on the due day");
    assert_eq!(r10(&g, d(2024, 8, 13)), 1, "the day after");
    let f = evaluate(&g, d(2024, 8, 13));
    let f = with_code(&f, FindingCode::R10NoStatus)[0].clone();
    assert_eq!(
        (f.severity, f.detail.due, f.detail.days),
        (Severity::Warning, Some(d(2024, 8, 12)), Some(1))
    );
    assert_eq!(
        f.message.da,
        "Snusepraktik 1. april 2024 til 29. april 2024: ingen status registreret tre måneder efter, den sluttede (frist 12. august 2024, 1 dag siden)"
    );
    // Recorded on 1 September: seen from then on, not before.
    g.trials[0].three_month = Some((ThreeMonthStatus::OrdinaryWork, d(2024, 9, 1)));
    assert_eq!(r10(&g, d(2024, 8, 20)), 1);
    assert_eq!(r10(&g, d(2024, 9, 1)), 0);
}

#[test]
fn r10_the_funnel_shows_three_month_statuses_beside_the_immediate_outcomes() {
    let mut g = grant();
    g.trials = vec![
        trial(60, 900, d(2024, 4, 29)),
        trial(61, 901, d(2024, 4, 29)),
        trial(62, 902, d(2024, 4, 29)),
        trial(63, 903, d(2024, 6, 30)),
    ];
    g.trials[0].three_month = Some((ThreeMonthStatus::OrdinaryWork, d(2024, 8, 1)));
    g.trials[1].three_month = Some((ThreeMonthStatus::OnBenefits, d(2024, 8, 1)));
    g.trials[1].outcome = Some(domain::TrialOutcome::BackToJobcenter);
    let f = evaluate(&g, d(2024, 8, 15)).funnel;
    assert_eq!(f.outcomes.get("ORDINARY_JOB"), Some(&3));
    assert_eq!(f.three_months_passed, 3, "the fourth ended 30 June");
    assert_eq!(f.three_month.get(&ThreeMonthStatus::OrdinaryWork), Some(&1));
    assert_eq!(f.three_month.get(&ThreeMonthStatus::OnBenefits), Some(&1));
    assert_eq!(f.self_supporting_at_three_months, 1);
    assert_eq!(f.three_month_without_status, 1);
}

#[test]
fn r11_residents_share_against_an_optional_target() {
    let mut g = grant();
    // Three participants, one of them twice; two residents (the one counted once).
    g.trials = vec![
        trial(60, 900, d(2024, 4, 29)),
        trial(61, 900, d(2024, 6, 29)),
        trial(62, 901, d(2024, 4, 29)),
        trial(63, 902, d(2024, 4, 29)),
    ];
    g.trials[0].resident = true;
    g.trials[1].resident = true;
    g.trials[2].resident = true;
    let r = evaluate(&g, d(2024, 8, 1));
    assert_eq!(
        (r.trial_residents.people, r.trial_residents.residents),
        (3, 2)
    );
    assert_eq!(
        r.trial_residents.share().map(|s| s.round_dp(4)),
        Some(dec!(0.6667))
    );
    assert!(
        rules_of(&r, Rule::R11).is_empty(),
        "no target: information only"
    );
    // A target of 70 %: 66.67 % is under it.
    g.resident_trial_target_bp = Some(7000);
    let r = evaluate(&g, d(2024, 8, 1));
    let f = rules_of(&r, Rule::R11);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].code, FindingCode::R11TrialResidents);
    assert_eq!(
        f[0].message.da,
        "2 af 3 deltagerne i snusepraktik bor i boligområdet (66,7 %); tilsagnets mål er 70,0 %"
    );
    // Exactly at the target: 2 of 3 against 66.66 %.
    g.resident_trial_target_bp = Some(6666);
    assert!(rules_of(&evaluate(&g, d(2024, 8, 1)), Rule::R11).is_empty());
    // Persons in training: the grant's three placements (apprentice, FGU, løntilskud), the
    // løntilskud not counted as training; none resident.
    g.resident_trainee_target_bp = Some(1);
    let r = evaluate(&g, d(2024, 8, 1));
    assert_eq!(
        (r.trainee_residents.people, r.trainee_residents.residents),
        (2, 0)
    );
    assert_eq!(
        rules_of(&r, Rule::R11)
            .iter()
            .map(|f| f.code)
            .collect::<Vec<_>>(),
        [FindingCode::R11TraineeResidents]
    );
}

fn rules_of(r: &Report, rule: Rule) -> Vec<&Finding> {
    r.findings.iter().filter(|f| f.rule == rule).collect()
}

// ---- the shortfall is the least that meets the clause, through the whole engine ----

/// The main contract's months (total, trainee hundredths of an hour) with `clause` set on it.
fn months(rows: &[(i64, i64)], clause: impl Fn(&mut ContractFacts)) -> GrantFacts {
    let mut g = grant();
    g.contracts[0].clause_share_bp = None;
    clause(&mut g.contracts[0]);
    g.reports = rows
        .iter()
        .enumerate()
        .map(|(i, (total, trainee))| {
            let month = d(2024, 3, 1) + chrono::Months::new(i as u32);
            ReportFacts {
                month,
                ..report_centi(
                    CONTRACT,
                    2024,
                    3,
                    *total + *trainee,
                    &[(APPRENTICE, *trainee)],
                )
            }
        })
        .collect();
    g
}

/// `added` hundredths of trainee hours more in the first month (they are labour hours too).
fn plus(g: &GrantFacts, added: i64) -> GrantFacts {
    let mut g = g.clone();
    g.reports[0].total_centihours += added;
    g.reports[0].lines.push((uid(APPRENTICE), added));
    g
}

fn shortfall_of(g: &GrantFacts, code: FindingCode) -> Option<Decimal> {
    let r = evaluate(g, d(2025, 6, 1));
    let f = with_code(&r, code);
    f.first().and_then(|f| f.detail.shortfall_hours)
}

fn arb_months() -> impl Strategy<Value = Vec<(i64, i64)>> {
    // (other hours, trainee hours), in hundredths, over one to twelve months.
    prop::collection::vec((0i64..2_000_000, 0i64..300_000), 1..12)
}

proptest! {
    #[test]
    fn a_ratio_shortfall_is_the_least_trainee_hours_that_meet_it(
        rows in arb_months(),
        per in 1i32..40,
    ) {
        let g = months(&rows, |c| c.clause_skilled_per_trainee = Some(per));
        let code = FindingCode::R1ClauseRatio;
        match shortfall_of(&g, code) {
            None => {}
            Some(short) => {
                let cents = (short * Decimal::ONE_HUNDRED).to_i64().unwrap_or(i64::MAX);
                prop_assert!(cents > 0);
                prop_assert_eq!(shortfall_of(&plus(&g, cents), code), None, "{} more meet 1:{}", short, per);
                prop_assert!(shortfall_of(&plus(&g, cents - 1), code).is_some(), "{} less a cent would meet 1:{}", short, per);
            }
        }
    }

    #[test]
    fn a_share_shortfall_through_the_engine_is_the_least_trainee_hours_that_meet_it(
        rows in arb_months(),
        share_bp in 100i32..5_000,
    ) {
        let g = months(&rows, |c| c.clause_share_bp = Some(share_bp));
        let code = FindingCode::R1ClauseShare;
        match shortfall_of(&g, code) {
            None => {}
            Some(short) => {
                let cents = (short * Decimal::ONE_HUNDRED).to_i64().unwrap_or(i64::MAX);
                prop_assert!(cents > 0);
                prop_assert_eq!(shortfall_of(&plus(&g, cents), code), None, "{} more meet {}", short, share_bp);
                prop_assert!(shortfall_of(&plus(&g, cents - 1), code).is_some(), "{} less a cent would meet {}", short, share_bp);
            }
        }
    }
}
