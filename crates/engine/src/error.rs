//! The one way the engine refuses input: a field that does not hold an allowed value, with the
//! reason in English and Danish. The server turns it into its `BAD_USER_INPUT` error.

use crate::i18n::Text;

/// A refused input value: which field, and why (both languages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadInput {
    pub field: String,
    pub message: Text,
}

impl BadInput {
    pub fn new(field: impl Into<String>, en: impl Into<String>, da: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: Text::new(en, da),
        }
    }
}

pub type EngineResult<T> = Result<T, BadInput>;
