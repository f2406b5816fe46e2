//! The monthly hours report's workflow (indberetningens gang): a contractor saves a draft and
//! submits it on honour; on a subcontract the main contractor approves or returns it; the
//! bygherre accepts or returns it; an accepted month is locked and a change to it is a new
//! version. One pure function, [`next`], says which step may follow which, and for whom, so the
//! service, the pages and the tests ask the same table. No step skips a status: the bygherre
//! never accepts a subcontractor's month the main contractor has not approved, and nobody
//! approves or accepts a draft or a returned month.

use domain::HoursStatus;

use crate::i18n::Text;

/// A text of the declaration on honour (tro og love-erklæring) a submission is made with. Texts
/// are never changed once used: a new wording is a new version at the end of [`DECLARATIONS`],
/// and each submission keeps the version its person declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Declaration {
    pub version: &'static str,
    pub da: &'static str,
    pub en: &'static str,
}

/// Every version of the declaration, oldest first.
pub const DECLARATIONS: &[Declaration] = &[Declaration {
    version: "2026-12",
    da: "Jeg erklærer på tro og love, at de indberettede timer er de timer, der er udført på byggepladsen i måneden af timelønnede medarbejdere, herunder personer under oplæring, og at timerne for hver person under oplæring er korrekte. Jeg er bekendt med, at indberetningen indgår i bygherrens indberetning til Landsbyggefonden.",
    en: "I declare on my honour that the hours reported are the hours worked on the site in the month by hourly-paid employees, persons in training included, and that the hours of each person in training are correct. I am aware that this report is part of the bygherre's report to Landsbyggefonden.",
}];

/// The declaration a submission is made with today.
pub fn current_declaration() -> Declaration {
    DECLARATIONS[DECLARATIONS.len() - 1]
}

/// The declaration of this version, if there is one.
pub fn declaration(version: &str) -> Option<Declaration> {
    DECLARATIONS.iter().copied().find(|d| d.version == version)
}

/// What a person does to a month's report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// Gem kladde: keep figures without submitting them.
    SaveDraft,
    /// Indsend: submit the figures with the declaration on honour.
    Submit,
    /// Godkend: the main contractor approves a subcontractor's submitted month.
    Approve,
    /// Acceptér: the bygherre accepts the month, which locks it.
    Accept,
    /// Send retur: the main contractor or the bygherre returns the month with a reason.
    Return,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::SaveDraft,
        Step::Submit,
        Step::Approve,
        Step::Accept,
        Step::Return,
    ];

    fn text(self) -> Text {
        match self {
            Step::SaveDraft => Text::new("save a draft of", "gemme en kladde af"),
            Step::Submit => Text::new("submit", "indsende"),
            Step::Approve => Text::new("approve", "godkende"),
            Step::Accept => Text::new("accept", "acceptere"),
            Step::Return => Text::new("return", "sende"),
        }
    }
}

/// In which capacities the caller acts on this month (a person may hold several: an
/// administrator holds all three).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Actor {
    /// The contract's own contractor, or someone reporting for it (bygherre, administrator).
    pub reporter: bool,
    /// The main contractor over the contract (only a subcontract has one).
    pub main_contractor: bool,
    /// The bygherre whose grant the contract is on.
    pub bygherre: bool,
}

/// Where a step leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: HoursStatus,
    /// The step starts a new version of the month (a change after acceptance), which needs a
    /// reason and leaves the accepted version standing until the new one is submitted.
    pub new_version: bool,
}

/// Why a step is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The caller does not act in the capacity the step needs.
    NotYours { step: Step },
    /// The step does not follow the month's status.
    NotNow {
        step: Step,
        from: Option<HoursStatus>,
        approval: bool,
    },
}

impl Refusal {
    /// Whether the refusal is about who asks (FORBIDDEN) rather than when (CONFLICT).
    pub fn forbidden(self) -> bool {
        matches!(self, Refusal::NotYours { .. })
    }

    /// The reason, both languages, naming the month (`en_month`, `da_month`).
    pub fn message(self, en_month: &str, da_month: &str) -> Text {
        match self {
            Refusal::NotYours { step } => {
                let s = step.text();
                let (en, da) = match step {
                    Step::SaveDraft | Step::Submit => (
                        "only the contract's own contractor (or its bygherre) reports its hours",
                        "kun kontraktens egen entreprenør (eller bygherren) indberetter dens timer",
                    ),
                    Step::Approve => (
                        "only the main contractor over this subcontract approves its months",
                        "kun hovedentreprenøren over denne underentreprise godkender dens måneder",
                    ),
                    Step::Accept => (
                        "only the grant's bygherre accepts a month",
                        "kun bygherren på støttesagen accepterer en måned",
                    ),
                    Step::Return => (
                        "only the main contractor (before approval) or the bygherre returns a month",
                        "kun hovedentreprenøren (før godkendelse) eller bygherren sender en måned retur",
                    ),
                };
                Text::new(
                    format!("you may not {} {en_month}: {en}", s.en),
                    format!(
                        "du må ikke {} {da_month}{}: {da}",
                        s.da,
                        if step == Step::Return { " retur" } else { "" }
                    ),
                )
            }
            Refusal::NotNow {
                step,
                from,
                approval,
            } => {
                let (en, da) = match (step, from) {
                    (_, None) => (
                        "it has not been reported".to_owned(),
                        "den er ikke indberettet".to_owned(),
                    ),
                    (Step::SaveDraft, Some(HoursStatus::Submitted | HoursStatus::Approved)) => (
                        "it is submitted; change it by submitting it again".to_owned(),
                        "den er indsendt; ret den ved at indsende den igen".to_owned(),
                    ),
                    (Step::Accept | Step::Return, Some(HoursStatus::Submitted)) if approval => (
                        "the main contractor has not approved it yet".to_owned(),
                        "hovedentreprenøren har ikke godkendt den endnu".to_owned(),
                    ),
                    (Step::Approve, _) if !approval => (
                        "it needs no main contractor's approval".to_owned(),
                        "den skal ikke godkendes af en hovedentreprenør".to_owned(),
                    ),
                    (Step::Return, Some(HoursStatus::Approved)) => (
                        "the main contractor has approved it; the bygherre returns it now"
                            .to_owned(),
                        "hovedentreprenøren har godkendt den; nu er det bygherren, der kan sende den retur"
                            .to_owned(),
                    ),
                    (_, Some(HoursStatus::Accepted)) => (
                        "it is accepted and locked; a change is a new version with a reason"
                            .to_owned(),
                        "den er accepteret og låst; en ændring er en ny version med en begrundelse"
                            .to_owned(),
                    ),
                    (_, Some(s)) => (
                        format!("its status is {}", s.en().to_lowercase()),
                        format!("dens status er {}", s.da().to_lowercase()),
                    ),
                };
                Text::new(
                    format!("{en_month} cannot be {}: {en}", past(step).0),
                    format!("{da_month} kan ikke {} nu: {da}", past(step).1),
                )
            }
        }
    }
}

/// The step in the passive (English, Danish): "cannot be accepted", "kan ikke accepteres".
fn past(step: Step) -> (&'static str, &'static str) {
    match step {
        Step::SaveDraft => ("saved as a draft", "gemmes som kladde"),
        Step::Submit => ("submitted", "indsendes"),
        Step::Approve => ("approved", "godkendes"),
        Step::Accept => ("accepted", "accepteres"),
        Step::Return => ("returned", "sendes retur"),
    }
}

/// The step `step` by `who` on a month whose latest version stands at `from` (None: no version
/// yet). `approval`: the month needs the main contractor's approval before the bygherre's
/// (a subcontract on a grant that asks for it).
pub fn next(
    from: Option<HoursStatus>,
    step: Step,
    who: Actor,
    approval: bool,
) -> Result<Outcome, Refusal> {
    use HoursStatus::*;
    let same = |status| {
        Ok(Outcome {
            status,
            new_version: false,
        })
    };
    let not_now = Err(Refusal::NotNow {
        step,
        from,
        approval,
    });
    let allowed = match step {
        Step::SaveDraft | Step::Submit => who.reporter,
        Step::Approve => who.main_contractor,
        Step::Accept => who.bygherre,
        Step::Return => who.bygherre || (approval && who.main_contractor),
    };
    if !allowed {
        return Err(Refusal::NotYours { step });
    }
    match (step, from) {
        (Step::SaveDraft, None | Some(Draft | Returned)) => same(Draft),
        (Step::Submit, None | Some(Draft | Returned | Submitted | Approved)) => same(Submitted),
        (Step::SaveDraft | Step::Submit, Some(Accepted)) => Ok(Outcome {
            status: if step == Step::Submit {
                Submitted
            } else {
                Draft
            },
            new_version: true,
        }),
        (Step::Approve, Some(Submitted)) if approval => same(Approved),
        (Step::Accept, Some(Approved)) if approval => same(Accepted),
        (Step::Accept, Some(Submitted)) if !approval => same(Accepted),
        // Before approval it is the main contractor's to return; after, the bygherre's.
        (Step::Return, Some(Submitted)) if approval => {
            if who.main_contractor {
                same(Returned)
            } else {
                not_now
            }
        }
        (Step::Return, Some(Approved)) if approval => {
            if who.bygherre {
                same(Returned)
            } else {
                not_now
            }
        }
        (Step::Return, Some(Submitted)) if !approval => same(Returned),
        _ => not_now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HoursStatus::*;

    const NOBODY: Actor = Actor {
        reporter: false,
        main_contractor: false,
        bygherre: false,
    };
    const SUB: Actor = Actor {
        reporter: true,
        ..NOBODY
    };
    const MAIN: Actor = Actor {
        main_contractor: true,
        ..NOBODY
    };
    const BYGHERRE: Actor = Actor {
        bygherre: true,
        ..NOBODY
    };
    const ADMIN: Actor = Actor {
        reporter: true,
        main_contractor: true,
        bygherre: true,
    };
    const STATES: [Option<HoursStatus>; 6] = [
        None,
        Some(Draft),
        Some(Submitted),
        Some(Approved),
        Some(Accepted),
        Some(Returned),
    ];

    fn to(status: HoursStatus) -> Result<Outcome, Refusal> {
        Ok(Outcome {
            status,
            new_version: false,
        })
    }

    /// The journey: submitted, returned by the main contractor, submitted again,
    /// approved, accepted, then corrected as version 2.
    #[test]
    fn a_subcontractors_month_goes_through_the_main_contractor_to_the_bygherre() {
        let s = next(None, Step::Submit, SUB, true).map(|o| o.status);
        assert_eq!(s, Ok(Submitted));
        assert_eq!(
            next(Some(Submitted), Step::Return, MAIN, true),
            to(Returned)
        );
        assert_eq!(next(Some(Returned), Step::Submit, SUB, true), to(Submitted));
        assert_eq!(
            next(Some(Submitted), Step::Approve, MAIN, true),
            to(Approved)
        );
        assert_eq!(
            next(Some(Approved), Step::Accept, BYGHERRE, true),
            to(Accepted)
        );
        assert_eq!(
            next(Some(Accepted), Step::Submit, SUB, true),
            Ok(Outcome {
                status: Submitted,
                new_version: true
            })
        );
    }

    #[test]
    fn a_main_contracts_month_goes_straight_to_the_bygherre() {
        assert_eq!(
            next(Some(Submitted), Step::Accept, BYGHERRE, false),
            to(Accepted)
        );
        assert_eq!(
            next(Some(Submitted), Step::Return, BYGHERRE, false),
            to(Returned)
        );
        assert_eq!(
            next(Some(Submitted), Step::Approve, MAIN, false),
            Err(Refusal::NotNow {
                step: Step::Approve,
                from: Some(Submitted),
                approval: false
            })
        );
    }

    /// Every step from every status, by every capacity, with and without approval: exactly the
    /// table below is allowed; everything else is refused (FORBIDDEN for the wrong person,
    /// CONFLICT for the wrong moment), so no status can be skipped.
    #[test]
    fn every_other_step_is_refused() {
        let allowed = |from: Option<HoursStatus>, step: Step, who: Actor, approval: bool| {
            use Step::*;
            match (step, from) {
                (SaveDraft, None | Some(Draft | Returned | Accepted)) => who.reporter,
                (Submit, Some(Submitted | Approved) | None | Some(Draft | Returned | Accepted)) => {
                    who.reporter
                }
                (Approve, Some(Submitted)) => approval && who.main_contractor,
                (Accept, Some(Approved)) => approval && who.bygherre,
                (Accept, Some(Submitted)) => !approval && who.bygherre,
                (Return, Some(Submitted)) => {
                    (approval && who.main_contractor) || (!approval && who.bygherre)
                }
                (Return, Some(Approved)) => approval && who.bygherre,
                _ => false,
            }
        };
        let mut refused = 0;
        for approval in [true, false] {
            for who in [NOBODY, SUB, MAIN, BYGHERRE, ADMIN] {
                for from in STATES {
                    for step in Step::ALL {
                        let got = next(from, step, who, approval);
                        assert_eq!(
                            got.is_ok(),
                            allowed(from, step, who, approval),
                            "{step:?} from {from:?} by {who:?}, approval {approval}: {got:?}"
                        );
                        if let Err(r) = got {
                            refused += 1;
                            let wrong_person = match step {
                                Step::SaveDraft | Step::Submit => !who.reporter,
                                Step::Approve => !who.main_contractor,
                                Step::Accept => !who.bygherre,
                                Step::Return => {
                                    !(who.bygherre || (approval && who.main_contractor))
                                }
                            };
                            assert_eq!(r.forbidden(), wrong_person, "{step:?} {from:?} {who:?}");
                        }
                    }
                }
            }
        }
        assert_eq!(refused, 300 - 52);
    }

    #[test]
    fn refusals_name_the_month_and_say_what_to_do() {
        let r = next(Some(Accepted), Step::SaveDraft, NOBODY, false).unwrap_err();
        assert_eq!(
            r.message("2024-03", "marts 2024").da,
            "du må ikke gemme en kladde af marts 2024: kun kontraktens egen entreprenør (eller bygherren) indberetter dens timer"
        );
        let r = next(Some(Submitted), Step::Accept, BYGHERRE, true).unwrap_err();
        assert_eq!(
            r.message("2024-03", "marts 2024").da,
            "marts 2024 kan ikke accepteres nu: hovedentreprenøren har ikke godkendt den endnu"
        );
        assert_eq!(
            r.message("2024-03", "marts 2024").en,
            "2024-03 cannot be accepted: the main contractor has not approved it yet"
        );
        let r = next(Some(Accepted), Step::Accept, ADMIN, false).unwrap_err();
        assert_eq!(
            r.message("2024-03", "marts 2024").en,
            "2024-03 cannot be accepted: it is accepted and locked; a change is a new version with a reason"
        );
    }
}
