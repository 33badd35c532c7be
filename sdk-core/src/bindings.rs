//! What the JavaScript bindings (`sdk-node`, `sdk-wasm`) share, so that both hand their one JS
//! layer (`sdk-node/lib/client.cjs`) exactly the same data. Not for application code.

use std::time::Duration;

use serde_json::{Value, json};

use crate::Error;

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
    Err(Error::InvalidInput(format!(
        "timeout must be a positive number of {unit} (at most a year), got {value}"
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
