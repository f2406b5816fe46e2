//! The one error type of the service layer and its mapping to typed GraphQL errors
//! (`extensions.code`): BAD_USER_INPUT (with `field`), NOT_FOUND, CONFLICT, FORBIDDEN,
//! UNAUTHENTICATED and INTERNAL. Internal causes are logged with a reference id; the client only
//! sees the reference.

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};
use uuid::Uuid;

pub type AppResult<T> = Result<T, AppError>;

/// Deliberately not `Display`: async-graphql converts any `Display` error into an untyped GraphQL
/// error, and a `?` that silently dropped `extensions.code` would be a bug. Without `Display`, the
/// only conversion is the typed one below.
#[derive(Debug)]
pub enum AppError {
    BadInput { field: String, message: String },
    NotFound { entity: &'static str, id: Uuid },
    Conflict(String),
    Forbidden(String),
    Unauthenticated,
    Internal(anyhow::Error),
}

impl AppError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A row that exists but lies outside the caller's scope.
    pub fn forbidden_row(entity: &str, id: Uuid) -> Self {
        Self::Forbidden(format!(
            "{entity} {id} is outside what this API token may see or change"
        ))
    }

    /// The message shown to the caller (internal causes are never included).
    pub fn message(&self) -> String {
        match self {
            Self::BadInput { message, .. } => message.clone(),
            Self::NotFound { entity, id } => format!("{entity} {id} was not found"),
            Self::Conflict(m) | Self::Forbidden(m) => m.clone(),
            Self::Unauthenticated => "a valid API token is required".into(),
            Self::Internal(_) => "internal error".into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadInput { .. } => "BAD_USER_INPUT",
            Self::NotFound { .. } => "NOT_FOUND",
            Self::Conflict(_) => "CONFLICT",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Internal(_) => "INTERNAL",
        }
    }
}

const FK_MESSAGE: &str = "the record is still referenced by other records (archive it instead), or refers to a record that does not exist";

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        // Validation checks uniqueness and references first; these arms catch the races between
        // that check and the write, which the database constraints settle.
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Self::Conflict("a record with the same unique value already exists".into())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => Self::Conflict(FK_MESSAGE.into()),
            // SQLite reports an ON DELETE RESTRICT refusal as code 1811 (constraint trigger),
            // which sea-orm does not classify; its message is the stable part.
            _ if err.to_string().contains("FOREIGN KEY constraint failed") => {
                Self::Conflict(FK_MESSAGE.into())
            }
            _ => Self::Internal(err.into()),
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
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
                })
            }
            AppError::BadInput { field, .. } => {
                let field = field.clone();
                async_graphql::Error::new(err.message()).extend_with(|_, e| {
                    e.set("code", code);
                    e.set("field", field);
                })
            }
            _ => async_graphql::Error::new(err.message()).extend_with(|_, e| e.set("code", code)),
        }
    }
}
