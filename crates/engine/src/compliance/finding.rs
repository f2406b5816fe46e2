//! Building a finding: the rule that raises it (its id and source), its code, severity and
//! subject; then the message in both languages, the measured value and threshold with their unit,
//! and typed details.

use rust_decimal::Decimal;
use uuid::Uuid;

use super::report::{Detail, Finding, FindingCode, Severity, SubjectKind, Unit};
use super::rules::RuleDef;
use crate::i18n::Text;

pub struct FindingBuilder(Finding);

impl Finding {
    pub fn builder(
        rule: &RuleDef,
        code: FindingCode,
        severity: Severity,
        subject_kind: SubjectKind,
        subject_id: Uuid,
    ) -> FindingBuilder {
        FindingBuilder(Finding {
            rule: rule.rule,
            code,
            severity,
            subject_kind,
            subject_id,
            message: Text::new("", ""),
            unit: None,
            measured: None,
            threshold: None,
            detail: Detail::default(),
            source: rule.source,
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
