//! What every handler reads from a request and how it answers an error: the bearer token, the
//! caller's language, a coded JSON error. Shared by the GraphQL endpoint and the downloads.

use poem::IntoResponse;
use poem::http::StatusCode;
use poem::web::Json;
use serde_json::json;

use crate::error::AppError;
use crate::i18n::Lang;

/// The token of an `Authorization: Bearer` header, if the request has one.
pub fn bearer(req: &poem::Request) -> Option<&str> {
    req.headers()
        .get(poem::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

/// The language of the answer, from `Accept-Language` (English by default; see `i18n`).
pub fn request_lang(http: &poem::Request) -> Lang {
    Lang::from_accept_language(
        http.headers()
            .get(poem::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// An error as JSON with the same code GraphQL would answer, and the matching HTTP status, in
/// the request's language.
pub fn error_response(err: AppError, lang: Lang) -> poem::Response {
    let status = match err.code() {
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "BAD_USER_INPUT" => StatusCode::BAD_REQUEST,
        "CONFLICT" => StatusCode::CONFLICT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let code = err.code();
    // Through the GraphQL conversion, so an internal cause is logged and only its reference shown.
    let gql: async_graphql::Error = err.into();
    let mut errors = vec![gql.into_server_error(Default::default())];
    crate::graphql::localize(&mut errors, lang);
    let message = match (code, lang) {
        ("UNAUTHENTICATED", Lang::En) => {
            "a valid API token is required (Authorization: Bearer ...)".to_owned()
        }
        ("UNAUTHENTICATED", Lang::Da) => {
            "der kræves et gyldigt API-token (Authorization: Bearer ...)".to_owned()
        }
        _ => errors.remove(0).message,
    };
    (status, Json(json!({ "error": message, "code": code }))).into_response()
}
