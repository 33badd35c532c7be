//! HTTP handlers, one module per resource.

use axum::body::Bytes;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub mod analytics;
pub mod api_keys;
pub mod calls;
pub mod chat;
pub mod health;
pub mod leads;

/// Parses a JSON object body: malformed JSON, a non-object or a wrong type is 400, a missing
/// required field 422.
pub fn json_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    if body.is_empty() {
        return Err(ApiError::bad_request("the request needs a JSON body"));
    }
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("the request body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::bad_request(
            "the request body must be a JSON object",
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        let text = e.to_string();
        if let Some(rest) = text.strip_prefix("missing field `") {
            let field = rest.split('`').next().unwrap_or_default();
            ApiError::validation(field, format!("{field} is required"))
        } else {
            ApiError::bad_request(format!("the request body is not valid: {text}"))
        }
    })
}

/// Serialises a model as the response body.
pub fn to_json<T: serde::Serialize>(v: &T) -> Result<axum::Json<serde_json::Value>, ApiError> {
    serde_json::to_value(v)
        .map(axum::Json)
        .map_err(ApiError::internal)
}

pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "no such route")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "this route does not accept that method",
    )
}
