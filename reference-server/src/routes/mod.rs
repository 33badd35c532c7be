//! HTTP handlers, one module per resource.

use axum::body::Bytes;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub mod analytics;
pub mod api_keys;
pub mod auth;
pub mod calls;
pub mod chat;
pub mod docs;
pub mod health;
pub mod leads;
pub mod webhooks;

/// Parses a JSON object body: malformed JSON, a non-object or a wrong type is 400, a missing
/// required field 422.
pub fn json_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    if body.is_empty() {
        return Err(ApiError::bad_request("the request needs a JSON body"));
    }
    let mut value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("the request body is not valid JSON: {e}")))?;
    integral_floats_as_integers(&mut value);
    if !value.is_object() {
        return Err(ApiError::bad_request(
            "the request body must be a JSON object",
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let text = e.into_inner().to_string();
        if let Some(rest) = text.strip_prefix("missing field `") {
            let field = rest.split('`').next().unwrap_or_default();
            ApiError::validation(field, format!("{field} is required"))
        } else if path == "." {
            ApiError::bad_request(format!("the request body is not valid: {text}"))
        } else {
            ApiError::bad_request(format!("{path}: {text}"))
                .with_data(serde_json::json!({ "field": path }))
        }
    })
}

/// JSON Schema counts `24.0` as an integer (OpenAPI 3.1), so an integer field accepts it: every
/// float without a fraction, within `i64`, becomes an integer before the body is typed.
fn integral_floats_as_integers(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64() {
                // The bounds are exact powers of two, so the cast below cannot saturate.
                if f.fract() == 0.0
                    && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f)
                {
                    *v = Value::from(f as i64);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(m) => m.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

/// The idempotency context of a POST (none without an `Idempotency-Key`).
pub struct Idempotency(pub Option<crate::idempotency::Idem>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Idempotency {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts.extensions.get::<crate::idempotency::Idem>().cloned(),
        ))
    }
}

/// A write's response; a replay carries `Idempotent-Replayed: true`.
pub fn respond(w: crate::store::Written) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (status, body, replayed) = match w {
        crate::store::Written::Fresh(s, b) => (s, b, false),
        crate::store::Written::Replayed(s, b) => (s, b, true),
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut res = (status, axum::Json(body)).into_response();
    if replayed {
        res.headers_mut().insert(
            "idempotent-replayed",
            axum::http::HeaderValue::from_static("true"),
        );
    }
    res
}

/// A model as JSON.
pub fn value<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(v).map_err(ApiError::internal)
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
