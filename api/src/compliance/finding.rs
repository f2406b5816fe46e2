//! Building a finding: its code decides its rule and source; a rule adds the subject, the message
//! in both languages, the measured value and threshold with their unit, and typed details.

use rust_decimal::Decimal;
use uuid::Uuid;

use super::report::{Detail, Finding, FindingCode, Rule, Severity, SubjectKind, Unit};
use super::rules;
use crate::i18n::Text;

impl FindingCode {
    /// The rule a finding of this kind belongs to.
    pub fn rule(self) -> Rule {
        use FindingCode::*;
        match self {
            R1GrantShare | R1ClauseShare | R1ClauseHours => Rule::R1,
            R2NoCraftsmanCost | R2TargetMissed => Rule::R2,
            R3Behind | R3ProjectedMiss => Rule::R3,
            R4ClauseMissing => Rule::R4,
            R5Due | R5Missing | R5Late => Rule::R5,
            R6Missing | R6Late => Rule::R6,
            R7NoGroup | R7Gap | R7NoMinutes => Rule::R7,
            R8NoOutcome | R8NoNextPlan => Rule::R8,
            R9OverMonthCap => Rule::R9,
        }
    }
}

pub struct FindingBuilder(Finding);

impl Finding {
    pub fn builder(
        code: FindingCode,
        severity: Severity,
        subject_kind: SubjectKind,
        subject_id: Uuid,
    ) -> FindingBuilder {
        let rule = code.rule();
        FindingBuilder(Finding {
            rule,
            code,
            severity,
            subject_kind,
            subject_id,
            message: Text::new("", ""),
            unit: None,
            measured: None,
            threshold: None,
            detail: Detail::default(),
            source: rules::source(rule),
        })
    }
}

impl FindingBuilder {
    pub fn says(mut self, en: String, da: String) -> Self {
        self.0.message = Text { en, da };
        self
    }

    pub fn measured(mut self, unit: Unit, measured: Decimal, threshold: Option<Decimal>) -> Self {
        self.0.unit = Some(unit);
        self.0.measured = Some(measured);
        self.0.threshold = threshold;
        self
    }

    pub fn detail(mut self, fill: impl FnOnce(&mut Detail)) -> Self {
        fill(&mut self.0.detail);
        self
    }

    pub fn build(self) -> Finding {
        self.0
    }
}
