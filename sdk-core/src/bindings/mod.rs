//! The binding contract: what the Python, Node and browser bindings share, so that each is a
//! mechanical translation of the core. [`errors`] names the class and the attributes of every
//! failure; [`options`] parses and checks every client, request and webhook option and holds
//! the defaults; the rest converts what crosses the boundary. Not for application code.

pub mod abort;
pub mod calls;
pub mod errors;
pub mod exchange;
pub mod options;
mod table;
pub mod webhooks;

use std::time::Duration;

use serde_json::{Value, json};

use crate::Error;
use crate::webhooks::{Provider, VerifyOptions};

pub use errors::{Failure, Style, class_of, failure, webhook_failure};

/// Turns on request logging to stderr at `level` (`info`, `debug`…; what `CALLWAITINGAI_LOG`
/// does), in colour only on a terminal. Credentials are never logged.
#[cfg(all(feature = "logging", not(target_arch = "wasm32")))]
pub fn enable_logging(level: &str) -> Result<(), Error> {
    let filter = tracing_subscriber::EnvFilter::try_new(format!("callwaitingai={level}"))
        .map_err(|e| Error::InvalidInput(format!("the log level {level:?} is not valid: {e}")))?;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
    Ok(())
}

/// `name=value&…` (form encoding) from pairs: a query string from a mapping.
pub fn form_query<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k.as_ref(), v.as_ref());
    }
    s.finish()
}

/// Response headers as name/value pairs (a value that is not UTF-8 is read lossily).
pub fn header_map(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// What a successful call's response says besides its body, named in `style`: the status,
/// the headers, the request id, whether the server replayed a stored answer for the idempotency
/// key, and the rate limit (`{limit, remaining, reset}` or null). What the bindings' raw
/// responses (`with_raw_response`, `.withResponse()`) expose.
pub fn response_fields<T>(style: Style, r: &crate::Response<T>) -> Value {
    let (status, request_id, replayed, rate_limit) = match style {
        Style::Python => (
            "status_code",
            "request_id",
            "idempotent_replayed",
            "rate_limit",
        ),
        Style::JavaScript => ("status", "requestId", "idempotentReplayed", "rateLimit"),
    };
    let headers: serde_json::Map<String, Value> = header_map(&r.headers)
        .into_iter()
        .map(|(k, v)| (k, Value::from(v)))
        .collect();
    let mut m = serde_json::Map::new();
    m.insert(status.into(), json!(r.status));
    m.insert("headers".into(), Value::Object(headers));
    m.insert(request_id.into(), json!(r.request_id));
    m.insert(replayed.into(), json!(r.idempotent_replayed));
    m.insert(
        rate_limit.into(),
        r.rate_limit.as_ref().map_or(
            Value::Null,
            |l| json!({"limit": l.limit, "remaining": l.remaining, "reset": l.reset}),
        ),
    );
    Value::Object(m)
}

/// [`response_fields`] of a successful response known by its status and its headers as
/// `name:value` lines (as the browser module answers them): what the browser module builds only
/// when `.withResponse()` asks for it.
pub fn response_fields_of(style: Style, status: u16, head: &str) -> Value {
    let headers = crate::transport::parse_head(head);
    response_fields(style, &crate::client::respond((), status, headers))
}

/// A number a binding received, as JSON: NaN and the infinities become the strings `"NaN"`,
/// `"Infinity"`, `"-Infinity"` (JSON has no such numbers), which option checks then refuse.
pub fn number(n: f64) -> Value {
    serde_json::Number::from_f64(n).map_or_else(
        || {
            Value::from(if n.is_nan() {
                "NaN"
            } else if n > 0.0 {
                "Infinity"
            } else {
                "-Infinity"
            })
        },
        Value::Number,
    )
}

/// Unix seconds from a JS number: fractions dropped; NaN is 0 and out-of-range values
/// saturate, so that the tolerance check then rejects them.
#[allow(clippy::cast_possible_truncation)] // `as` saturates, which is the intent
pub fn unix_secs(n: f64) -> i64 {
    n as i64
}

/// Every error class as `{name, parent, also}`, parents first: what a binding that builds its
/// classes at run time (the JS layer) builds them from.
pub fn error_class_rows() -> Vec<Value> {
    errors::ERROR_CLASSES
        .iter()
        .map(|c| json!({ "name": c.name, "parent": c.parent, "also": c.also }))
        .collect()
}

/// A webhook provider by name; an unknown name is invalid input.
pub fn provider(name: &str) -> Result<Provider, Error> {
    name.parse()
        .map_err(|e: crate::webhooks::UnknownProvider| Error::InvalidInput(e.to_string()))
}

/// Verification options from what a binding received (`now` in unix seconds, `tolerance` in
/// seconds, the URL the provider called).
pub fn verify_options(
    now: Option<i64>,
    tolerance: Option<u64>,
    url: Option<String>,
) -> VerifyOptions {
    let mut o = VerifyOptions::new();
    if let Some(n) = now {
        o = o.now(n);
    }
    if let Some(t) = tolerance {
        o = o.tolerance_secs(t);
    }
    if let Some(u) = url {
        o = o.url(u);
    }
    o
}

/// A timeout a binding received as a number of `unit`s per second (1 for seconds, 1000 for
/// milliseconds): it must be finite, above zero and at most a year; anything else (NaN, a
/// negative number, `1e300`) is [`Error::InvalidInput`], never a panic.
pub fn timeout(value: f64, per_second: f64, unit: &str) -> Result<Duration, Error> {
    const YEAR_SECS: f64 = 366.0 * 24.0 * 3600.0;
    let secs = value / per_second;
    if secs.is_finite()
        && secs > 0.0
        && secs <= YEAR_SECS
        && let Ok(d) = Duration::try_from_secs_f64(secs)
    {
        return Ok(d);
    }
    // The number as JSON writes it (serde_json's formatter; the browser module carries no
    // other), NaN and the infinities by name.
    let got = match number(value) {
        Value::String(name) => name,
        n => n.to_string(),
    };
    Err(Error::InvalidInput(format!(
        "timeout must be a positive number of {unit} (at most a year), got {got}"
    )))
}

/// How a binding names itself: `callwaitingai-<package>/<version> <runtime>`, e.g.
/// `callwaitingai-node/0.1.0 node/20.11.0`.
pub fn user_agent(package: &str, runtime: &str) -> String {
    let runtime: String = runtime
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .collect();
    let base = format!("callwaitingai-{package}/{}", env!("CARGO_PKG_VERSION"));
    if runtime.trim().is_empty() {
        base
    } else {
        format!("{base} {}", runtime.trim())
    }
}

/// Every operation as `[operationId, method, pathParams, listOf, takesQuery, takesBody]`, the
/// rows the JS layer builds `client.<resource>.<verb>` from.
pub fn operation_rows() -> Vec<Value> {
    crate::operations::OPERATIONS
        .iter()
        .map(|o| {
            json!([
                o.id,
                o.method,
                o.path_params,
                o.list_of,
                !o.query_params.is_empty(),
                o.request.is_some()
            ])
        })
        .collect()
}

/// Headers handed over as one string, `name\0value\0name\0value…` (converting a JS object
/// into a map costs more than the whole verification, and header names and values never hold
/// NUL), as pairs. A trailing name without a value is dropped.
pub fn joined_header_pairs(joined: &str) -> Vec<(&str, &str)> {
    let mut parts = joined.split('\0');
    let mut out = Vec::new();
    while let (Some(k), Some(v)) = (parts.next(), parts.next()) {
        out.push((k, v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_from_bindings_are_checked_never_panic() {
        assert_eq!(
            timeout(1.5, 1.0, "seconds").unwrap(),
            Duration::from_millis(1500)
        );
        assert_eq!(
            timeout(250.0, 1000.0, "milliseconds").unwrap(),
            Duration::from_millis(250)
        );
        for bad in [
            0.0,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e300,
            f64::MAX,
            -0.0,
        ] {
            let e = timeout(bad, 1.0, "seconds").unwrap_err();
            assert!(matches!(e, Error::InvalidInput(_)), "{bad}: {e:?}");
            assert!(e.to_string().contains("timeout must be"), "{e}");
        }
    }

    #[test]
    fn user_agents_name_the_package_version_and_runtime() {
        let v = env!("CARGO_PKG_VERSION");
        assert_eq!(
            user_agent("node", "node/20.1.0"),
            format!("callwaitingai-node/{v} node/20.1.0")
        );
        assert_eq!(user_agent("web", ""), format!("callwaitingai-web/{v}"));
        assert_eq!(
            user_agent("python", "python/3.11\n"),
            format!("callwaitingai-python/{v} python/3.11")
        );
    }

    #[test]
    fn joined_headers_split_into_pairs() {
        assert_eq!(
            joined_header_pairs("webhook-id\0msg_1\0webhook-timestamp\0t\0dangling"),
            vec![("webhook-id", "msg_1"), ("webhook-timestamp", "t")]
        );
        assert!(joined_header_pairs("").is_empty());
    }

    #[test]
    fn one_row_per_operation() {
        let rows = operation_rows();
        assert_eq!(rows.len(), crate::operations::OPERATIONS.len());
        let delivery = rows
            .iter()
            .find(|r| r[0] == "webhooks.retryDelivery")
            .unwrap();
        assert_eq!(delivery[1], "POST");
        assert_eq!(delivery[2].as_array().unwrap().len(), 2);
    }
}
