//! The one error type of the service layer and its mapping to typed GraphQL errors
//! (`extensions.code`): BAD_USER_INPUT (with `field`), NOT_FOUND, CONFLICT, FORBIDDEN,
//! UNAUTHENTICATED and INTERNAL. Internal causes are logged with a reference id; the client only
//! sees the reference. Every message exists in English and Danish; the GraphQL error carries the
//! Danish text in a private extension that the request guard swaps in (and always removes) when
//! the request asked for Danish.

use sea_orm::{DbErr, SqlErr};
use uuid::Uuid;

use crate::i18n::Text;

pub type AppResult<T> = Result<T, AppError>;

/// Deliberately not `Display`: async-graphql converts any `Display` error into an untyped GraphQL
/// error, and a `?` that silently dropped `extensions.code` would be a bug. Without `Display`, the
/// only conversion is the typed one below.
#[derive(Debug)]
pub enum AppError {
    /// The input cannot be accepted; `field` is the input path (`traineeHours[2].hours`).
    BadInput { field: String, message: Text },
    /// No row with this id (of this kind) exists.
    NotFound { entity: &'static str, id: Uuid },
    /// The request clashes with the data as it is (archived, submitted already, referenced).
    Conflict(Text),
    /// The caller's token may not do this, or not to this row.
    Forbidden(Text),
    /// No valid token.
    Unauthenticated,
    /// Too many attempts (failed sign-ins); wait and try again.
    RateLimited(Text),
    /// A fault of ours; logged, never shown.
    Internal(anyhow::Error),
}

/// The extension that carries the Danish message to the request guard.
pub const DANISH_MESSAGE: &str = "messageDa";

/// An entity's label in Danish, for messages ("Bevilling ... findes ikke").
pub fn label_da(entity: &str) -> &'static str {
    match entity {
        "Housing organisation" => "Boligorganisation",
        "Estate" => "Boligafdeling",
        "Grant" => "LBF-tilsagn",
        "Contractor" => "Entreprenør",
        "Contract" => "Kontrakt",
        "Person" => "Person",
        "Placement" => "Plads",
        "Hours report" => "Timeindberetning",
        "Hours line" => "Timelinje",
        "Hours report version" => "Version af timeindberetning",
        "LBF report" => "Lærlingeindberetning",
        "API token" => "API-token",
        "Trial placement" => "Snusepraktik",
        "Follow-up group" => "Følgegruppe",
        "Group member" => "Gruppemedlem",
        "Meeting" => "Møde",
        "Action item" => "Opfølgningspunkt",
        "Payroll import" => "Lønimport",
        _ => "Posten",
    }
}

impl AppError {
    pub fn bad_input(
        field: impl Into<String>,
        en: impl Into<String>,
        da: impl Into<String>,
    ) -> Self {
        Self::BadInput {
            field: field.into(),
            message: Text::new(en, da),
        }
    }

    pub fn conflict(en: impl Into<String>, da: impl Into<String>) -> Self {
        Self::Conflict(Text::new(en, da))
    }

    pub fn forbidden(en: impl Into<String>, da: impl Into<String>) -> Self {
        Self::Forbidden(Text::new(en, da))
    }

    pub fn rate_limited(en: impl Into<String>, da: impl Into<String>) -> Self {
        Self::RateLimited(Text::new(en, da))
    }

    /// A row that exists but lies outside the caller's scope.
    pub fn forbidden_row(entity: &str, id: Uuid) -> Self {
        Self::forbidden(
            format!("{entity} {id} is outside what this API token may see or change"),
            format!(
                "{} {id} ligger uden for det, dette API-token må se eller ændre",
                label_da(entity)
            ),
        )
    }

    /// The message shown to the caller (internal causes are never included).
    pub fn text(&self) -> Text {
        match self {
            Self::BadInput { message, .. } => message.clone(),
            Self::NotFound { entity, id } => Text::new(
                format!("{entity} {id} was not found"),
                format!("{} {id} findes ikke", label_da(entity)),
            ),
            Self::Conflict(m) | Self::Forbidden(m) | Self::RateLimited(m) => m.clone(),
            Self::Unauthenticated => Text::new(
                "a valid API token is required",
                "der kræves et gyldigt API-token",
            ),
            Self::Internal(_) => Text::new("internal error", "intern fejl"),
        }
    }

    /// The English message.
    pub fn message(&self) -> String {
        self.text().en
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadInput { .. } => "BAD_USER_INPUT",
            Self::NotFound { .. } => "NOT_FOUND",
            Self::Conflict(_) => "CONFLICT",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::RateLimited(_) => "RATE_LIMITED",
            Self::Internal(_) => "INTERNAL",
        }
    }
}

fn fk_conflict() -> AppError {
    AppError::conflict(
        "the record is still referenced by other records (archive it instead), or refers to a record that does not exist",
        "posten bruges stadig af andre poster (arkivér den i stedet), eller den henviser til en post, der ikke findes",
    )
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        // Validation checks uniqueness and references first; these arms catch the races between
        // that check and the write, which the database constraints settle.
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::conflict(
                "a record with the same unique value already exists",
                "der findes allerede en post med samme entydige værdi",
            ),
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => fk_conflict(),
            // SQLite reports an ON DELETE RESTRICT refusal as code 1811 (constraint trigger),
            // which sea-orm does not classify; its message is the stable part.
            _ if err.to_string().contains("FOREIGN KEY constraint failed") => fk_conflict(),
            _ => Self::Internal(err.into()),
        }
    }
}

/// A service error as a typed GraphQL error (only with the `graphql` feature).
#[cfg(feature = "graphql")]
impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        use async_graphql::ErrorExtensions;
        let code = err.code();
        match &err {
            AppError::Internal(cause) => {
                let reference = Uuid::new_v4();
                tracing::error!(%reference, error = ?cause, "internal error");
                async_graphql::Error::new(format!(
                    "internal error; quote reference {reference} when reporting it"
                ))
                .extend_with(|_, e| {
                    e.set("code", code);
                    e.set("reference", reference.to_string());
                    e.set(
                        DANISH_MESSAGE,
                        format!("intern fejl; oplys reference {reference}, når du melder den"),
                    );
                })
            }
            AppError::BadInput { field, .. } => {
                let (field, text) = (field.clone(), err.text());
                async_graphql::Error::new(text.en).extend_with(|_, e| {
                    e.set("code", code);
                    e.set("field", field);
                    e.set(DANISH_MESSAGE, text.da);
                })
            }
            _ => {
                let text = err.text();
                async_graphql::Error::new(text.en).extend_with(|_, e| {
                    e.set("code", code);
                    e.set(DANISH_MESSAGE, text.da);
                })
            }
        }
    }
}

/// The engine's refusal of an input value is the API's `BAD_USER_INPUT` for that field.
impl From<engine::error::BadInput> for AppError {
    fn from(e: engine::error::BadInput) -> Self {
        Self::BadInput {
            field: e.field,
            message: e.message,
        }
    }
}
