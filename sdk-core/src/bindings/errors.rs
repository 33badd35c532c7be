//! The error contract of every binding: which class each failure raises, and the fields it
//! carries, in each language's spelling. `cargo xtask codegen` writes the classes of Python
//! (`_errors.py`) and TypeScript (`index.d.ts`) and the export lists from [`ERROR_CLASSES`] and
//! [`ERROR_FIELDS`]; the bindings raise [`class_of`] with the attributes [`failure`] gives, mechanically; the Rust
//! conformance runner names errors with [`class_of`] too.

use serde_json::{Map, Value};

pub use super::table::*;
use crate::Error;
use crate::webhooks::WebhookError;

/// The class an error raises in every binding.
pub fn class_of(e: &Error) -> &'static str {
    match e {
        Error::InvalidInput(_) => "InvalidRequestError",
        Error::Timeout { .. } => "APITimeoutError",
        Error::Aborted { .. } => "APIUserAbortError",
        Error::Connection { .. } => "APIConnectionError",
        Error::Decode { .. } | Error::ResponseTooLarge { .. } => "APIResponseValidationError",
        Error::Api(a) => match a.status {
            400 => "BadRequestError",
            401 => "AuthenticationError",
            403 => "PermissionDeniedError",
            404 => "NotFoundError",
            409 => "ConflictError",
            422 => "UnprocessableEntityError",
            429 => "RateLimitError",
            s if s >= 500 => "InternalServerError",
            _ => "APIError",
        },
    }
}

/// A failure as a binding hands it over: the class to raise and its attributes, named in the
/// binding's style.
#[derive(Debug, Clone)]
pub struct Failure {
    /// One of [`ERROR_CLASSES`].
    pub class: &'static str,
    /// The attributes, one per [`ERROR_FIELDS`] entry, in that order.
    pub fields: Vec<(&'static str, Value)>,
}

impl Failure {
    /// The failure as one JSON object `{class, fields: {...}}`, for bindings that hand over
    /// JSON.
    pub fn to_json(&self) -> Value {
        let fields: Map<String, Value> = self
            .fields
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect();
        serde_json::json!({ "class": self.class, "fields": fields })
    }

    /// The message, for the exception's own text.
    pub fn message(&self) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| *k == "message")
            .and_then(|(_, v)| v.as_str())
            .unwrap_or_default()
    }
}

/// The class and attributes of a client error.
pub fn failure(e: &Error, style: Style) -> Failure {
    let headers: Map<String, Value> = e
        .headers()
        .map(super::header_map)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, Value::from(v)))
        .collect();
    let api = e.api_error();
    let values = [
        ("kind", Value::from(e.kind())),
        ("status_code", e.status().map_or(Value::Null, Value::from)),
        ("code", e.code().map_or(Value::Null, Value::from)),
        ("message", Value::from(e.message())),
        (
            "request_id",
            e.request_id().map_or(Value::Null, Value::from),
        ),
        ("headers", Value::Object(headers)),
        (
            "data",
            api.and_then(|a| a.data.clone()).unwrap_or(Value::Null),
        ),
        (
            "retry_after",
            api.and_then(crate::ApiError::retry_after)
                .map_or(Value::Null, |d| Value::from(d.as_secs_f64())),
        ),
        (
            "body",
            api.map_or(Value::Null, |a| {
                Value::from(String::from_utf8_lossy(&a.body).into_owned())
            }),
        ),
    ];
    Failure {
        class: class_of(e),
        fields: named(style, values),
    }
}

/// The class and attributes of a webhook failure: `kind` is the webhook kind
/// (`invalid_signature`…), the message says what to check.
pub fn webhook_failure(e: &WebhookError, style: Style) -> Failure {
    let values = [
        ("kind", Value::from(e.kind().as_str())),
        ("message", Value::from(e.to_string())),
    ];
    Failure {
        class: WEBHOOK_ERROR_CLASS,
        fields: named(style, values),
    }
}

/// The attributes in table order, named in `style`; those not given are null (`headers`: `{}`).
fn named<const N: usize>(
    style: Style,
    values: [(&'static str, Value); N],
) -> Vec<(&'static str, Value)> {
    let mut values = Vec::from(values);
    ERROR_FIELDS
        .iter()
        .map(|f| {
            let v = match values.iter().position(|(k, _)| *k == f.python) {
                Some(i) => values.swap_remove(i).1,
                None if f.python == "headers" => Value::Object(Map::new()),
                None => Value::Null,
            };
            (f.name(style), v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_named_exists_and_parents_come_first() {
        let mut seen = Vec::new();
        for c in ERROR_CLASSES {
            if let Some(p) = c.parent {
                assert!(seen.contains(&p), "{} before its parent {p}", c.name);
            }
            seen.push(c.name);
        }
        let errors = [
            Error::InvalidInput("x".into()),
            Error::Timeout {
                message: "t".into(),
            },
            Error::Aborted {
                message: "a".into(),
            },
            Error::Connection {
                message: "c".into(),
                retryable: true,
            },
            Error::Decode {
                status: 200,
                message: "d".into(),
                request_id: None,
            },
        ];
        for e in &errors {
            assert!(seen.contains(&class_of(e)), "{e:?}");
        }
        assert!(seen.contains(&WEBHOOK_ERROR_CLASS));
    }

    #[test]
    fn fields_follow_the_table_in_each_style() {
        let e = Error::InvalidInput("timeout must be positive".into());
        for style in [Style::Python, Style::JavaScript] {
            let f = failure(&e, style);
            assert_eq!(f.class, "InvalidRequestError");
            let names: Vec<&str> = f.fields.iter().map(|(k, _)| *k).collect();
            let want: Vec<&str> = ERROR_FIELDS.iter().map(|f| f.name(style)).collect();
            assert_eq!(names, want);
            assert!(f.message().contains("timeout must be positive"));
        }
    }
}
