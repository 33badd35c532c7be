//! Client and request options as every binding receives them: a JSON object named in the
//! binding's [`Style`], parsed and checked here once, with the same [`Error::InvalidInput`]
//! (raised as `InvalidRequestError`) in every language. Defaults come from here too.

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::errors::Style;
use crate::client::{DEFAULT_DEADLINE, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT};
use crate::{Client, ClientBuilder, Error, RequestOptions, Result};

/// The most retries a call may ask for: more only multiplies an outage's load.
pub const MAX_RETRIES_LIMIT: u32 = 100;

/// The default tolerance of webhook timestamps, in seconds.
pub const DEFAULT_WEBHOOK_TOLERANCE_SECS: u64 = crate::webhooks::DEFAULT_TOLERANCE_SECS;

/// One option: its name in each style.
struct Opt {
    python: &'static str,
    javascript: &'static str,
}

impl Opt {
    fn name(&self, style: Style) -> &'static str {
        match style {
            Style::Python => self.python,
            Style::JavaScript => self.javascript,
        }
    }
}

const API_KEY: Opt = Opt {
    python: "api_key",
    javascript: "apiKey",
};
const BASE_URL: Opt = Opt {
    python: "base_url",
    javascript: "baseURL",
};
const MAX_RETRIES: Opt = Opt {
    python: "max_retries",
    javascript: "maxRetries",
};
const TIMEOUT: Opt = Opt {
    python: "timeout",
    javascript: "timeout",
};
const DEADLINE: Opt = Opt {
    python: "deadline",
    javascript: "deadline",
};
const HEADERS: Opt = Opt {
    python: "extra_headers",
    javascript: "headers",
};
const IDEMPOTENCY_KEY: Opt = Opt {
    python: "idempotency_key",
    javascript: "idempotencyKey",
};
const EXTRA_QUERY: Opt = Opt {
    python: "extra_query",
    javascript: "extraQuery",
};
const EXTRA_BODY: Opt = Opt {
    python: "extra_body",
    javascript: "extraBody",
};
const TOLERANCE: Opt = Opt {
    python: "tolerance",
    javascript: "tolerance",
};

const LOG_LEVEL: Opt = Opt {
    python: "log_level",
    javascript: "logLevel",
};
/// The JS client's logger object: the JS layer keeps it (it never reaches the core as data).
const LOGGER: Opt = Opt {
    python: "logger",
    javascript: "logger",
};

/// The levels of `logLevel`, quietest first.
pub const LOG_LEVELS: &[&str] = &["off", "error", "warn", "info", "debug"];

const CLIENT_OPTIONS: &[Opt] = &[
    API_KEY,
    BASE_URL,
    MAX_RETRIES,
    TIMEOUT,
    DEADLINE,
    LOG_LEVEL,
    LOGGER,
];
const REQUEST_OPTIONS: &[Opt] = &[
    MAX_RETRIES,
    TIMEOUT,
    DEADLINE,
    HEADERS,
    IDEMPOTENCY_KEY,
    EXTRA_QUERY,
    EXTRA_BODY,
];

impl Style {
    /// Durations in this style: seconds in Python, milliseconds in JavaScript.
    fn unit(self) -> (f64, &'static str) {
        match self {
            Style::Python => (1.0, "seconds"),
            Style::JavaScript => (1000.0, "milliseconds"),
        }
    }

    fn duration_value(self, d: Duration) -> Value {
        json!(d.as_secs_f64() * self.unit().0)
    }
}

/// The defaults of every option a binding shows (`max_retries`, `timeout`, `deadline`,
/// `tolerance`), named and in the units of `style`.
pub fn defaults(style: Style) -> Value {
    let mut m = Map::new();
    m.insert(MAX_RETRIES.name(style).into(), json!(DEFAULT_MAX_RETRIES));
    m.insert(
        TIMEOUT.name(style).into(),
        style.duration_value(DEFAULT_TIMEOUT),
    );
    m.insert(
        DEADLINE.name(style).into(),
        style.duration_value(DEFAULT_DEADLINE),
    );
    m.insert(
        TOLERANCE.name(style).into(),
        json!(DEFAULT_WEBHOOK_TOLERANCE_SECS),
    );
    Value::Object(m)
}

/// The options object, checked for names it does not know (a typo is an error, not a silent
/// default).
fn object<'a>(
    style: Style,
    what: &str,
    value: &'a Value,
    known: &[Opt],
) -> Result<Option<&'a Map<String, Value>>> {
    let m = match value {
        Value::Null => return Ok(None),
        Value::Object(m) => m,
        other => {
            return Err(Error::InvalidInput(format!(
                "{what} must be an object, got {}",
                shown(other)
            )));
        }
    };
    if let Some(k) = m
        .keys()
        .find(|k| !known.iter().any(|o| o.name(style) == *k))
    {
        let names: Vec<&str> = known.iter().map(|o| o.name(style)).collect();
        return Err(Error::InvalidInput(format!(
            "unknown {what} `{k}`; the options are {}",
            names.join(", ")
        )));
    }
    Ok(Some(m))
}

/// A value for an error message: short, and never a whole secret.
fn shown(v: &Value) -> String {
    let s = match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    };
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

fn get<'a>(m: Option<&'a Map<String, Value>>, style: Style, opt: &Opt) -> Option<&'a Value> {
    m?.get(opt.name(style)).filter(|v| !v.is_null())
}

fn string(style: Style, opt: &Opt, v: &Value) -> Result<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        // The value may be a secret (an API key): say what it was, not what it holds.
        other => Err(Error::InvalidInput(format!(
            "{} must be a string, got {}",
            opt.name(style),
            crate::shape::what(other)
        ))),
    }
}

/// A duration in the style's unit: finite, above zero, at most a year. NaN and the infinities
/// arrive as the strings `"NaN"`, `"Infinity"` (JSON has no such numbers).
fn duration(style: Style, opt: &Opt, v: &Value) -> Result<Duration> {
    let (per_second, unit) = style.unit();
    let bad = || {
        Error::InvalidInput(format!(
            "{} must be a positive number of {unit} (at most a year), got {}",
            opt.name(style),
            shown(v)
        ))
    };
    let n = v.as_f64().ok_or_else(bad)?;
    super::timeout(n, per_second, unit).map_err(|_| bad())
}

/// A whole, non-negative number (`2` and `2.0` alike: JavaScript has one number type).
fn whole(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| {
        let f = v.as_f64()?;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // checked first
        (f.fract() == 0.0 && (0.0..=9.0e15).contains(&f)).then_some(f as u64)
    })
}

fn retries(style: Style, v: &Value) -> Result<u32> {
    whole(v)
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n <= MAX_RETRIES_LIMIT)
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "{} must be a whole number from 0 to {MAX_RETRIES_LIMIT}, got {}",
                MAX_RETRIES.name(style),
                shown(v)
            ))
        })
}

/// A client from the options a binding received (`{"api_key": …, "base_url": …,
/// "max_retries": …, "timeout": …, "deadline": …}` in Python's spelling), on top of `builder`
/// (which carries what the binding itself sets, such as its `User-Agent`). Unset values come
/// from the environment, then the defaults.
pub fn client(style: Style, builder: ClientBuilder, options: &Value) -> Result<Client> {
    let m = object(style, "client option", options, CLIENT_OPTIONS)?;
    let mut b = builder;
    if let Some(v) = get(m, style, &API_KEY) {
        b = b.api_key(string(style, &API_KEY, v)?);
    }
    if let Some(v) = get(m, style, &BASE_URL) {
        b = b.base_url(string(style, &BASE_URL, v)?);
    }
    if let Some(v) = get(m, style, &MAX_RETRIES) {
        b = b.max_retries(retries(style, v)?);
    }
    if let Some(v) = get(m, style, &TIMEOUT) {
        b = b.timeout(duration(style, &TIMEOUT, v)?);
    }
    if let Some(v) = get(m, style, &DEADLINE) {
        b = b.deadline(duration(style, &DEADLINE, v)?);
    }
    if let Some(v) = get(m, style, &LOG_LEVEL)
        && !v.as_str().is_some_and(|l| LOG_LEVELS.contains(&l))
    {
        return Err(Error::InvalidInput(format!(
            "{} must be one of {}, got {}",
            LOG_LEVEL.name(style),
            LOG_LEVELS.join(", "),
            shown(v)
        )));
    }
    b.build()
}

/// Per-request options (`{"timeout": …, "max_retries": …, "deadline": …, "extra_headers":
/// {…}, "idempotency_key": …, "extra_query": {…}, "extra_body": {…}}` in Python's spelling;
/// `headers`, `extraQuery`, `extraBody` in JavaScript's).
pub fn request_options(style: Style, options: &Value) -> Result<RequestOptions> {
    let m = object(style, "request option", options, REQUEST_OPTIONS)?;
    let mut o = RequestOptions::new();
    if let Some(v) = get(m, style, &MAX_RETRIES) {
        o = o.max_retries(retries(style, v)?);
    }
    if let Some(v) = get(m, style, &TIMEOUT) {
        o = o.timeout(duration(style, &TIMEOUT, v)?);
    }
    if let Some(v) = get(m, style, &DEADLINE) {
        o = o.deadline(duration(style, &DEADLINE, v)?);
    }
    if let Some(v) = get(m, style, &HEADERS) {
        let Value::Object(h) = v else {
            return Err(Error::InvalidInput(format!(
                "{} must be an object of header names to strings, got {}",
                HEADERS.name(style),
                crate::shape::what(v)
            )));
        };
        for (k, v) in h {
            match v {
                Value::Null => {}
                Value::String(s) => o = o.header(k.clone(), s.clone()),
                other => {
                    return Err(Error::InvalidInput(format!(
                        "the header {k} must be a string, got {}",
                        crate::shape::what(other)
                    )));
                }
            }
        }
    }
    if let Some(v) = get(m, style, &IDEMPOTENCY_KEY) {
        o = o.idempotency_key(string(style, &IDEMPOTENCY_KEY, v)?);
    }
    for (opt, query) in [(&EXTRA_QUERY, true), (&EXTRA_BODY, false)] {
        let Some(v) = get(m, style, opt) else {
            continue;
        };
        let Value::Object(fields) = v else {
            return Err(Error::InvalidInput(format!(
                "{} must be an object of wire names to values, got {}",
                opt.name(style),
                crate::shape::what(v)
            )));
        };
        for (k, v) in fields {
            o = if query {
                o.extra_query(k.clone(), v.clone())
            } else {
                o.extra_body(k.clone(), v.clone())
            };
        }
    }
    Ok(o)
}

/// Request options handed over as JSON text (the JS bindings: the JS layer writes NaN and the
/// infinities as strings, so that they are refused here rather than turned into null).
pub fn request_options_json(style: Style, text: Option<&str>) -> Result<RequestOptions> {
    request_options(style, &parse(text)?)
}

/// Client options handed over as JSON text.
pub fn client_json(style: Style, builder: ClientBuilder, text: Option<&str>) -> Result<Client> {
    client(style, builder, &parse(text)?)
}

/// Options handed over as JSON text (absent: none).
pub fn parse(text: Option<&str>) -> Result<Value> {
    match text {
        None => Ok(Value::Null),
        Some(t) => serde_json::from_str(t)
            .map_err(|e| Error::InvalidInput(format!("the options are not JSON: {e}"))),
    }
}

/// The webhook tolerance a binding received, in seconds; `None` for the default.
pub fn tolerance(style: Style, v: &Value) -> Result<Option<u64>> {
    match v {
        Value::Null => Ok(None),
        v => whole(v).map(Some).ok_or_else(|| {
            Error::InvalidInput(format!(
                "{} must be a whole number of seconds, got {}",
                TOLERANCE.name(style),
                shown(v)
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(r: Result<RequestOptions>) -> String {
        match r {
            Err(Error::InvalidInput(m)) => m,
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    #[test]
    fn bad_request_options_are_invalid_input_named_in_each_style() {
        for (style, opts, want) in [
            (
                Style::Python,
                json!({"timeout": -1}),
                "timeout must be a positive number of seconds",
            ),
            (
                Style::JavaScript,
                json!({"timeout": "NaN"}),
                "timeout must be a positive number of milliseconds (at most a year), got \"NaN\"",
            ),
            (
                Style::Python,
                json!({"max_retries": 1.5}),
                "max_retries must be a whole number",
            ),
            (
                Style::JavaScript,
                json!({"maxRetries": -1}),
                "maxRetries must be a whole number",
            ),
            (
                Style::JavaScript,
                json!({"headers": {"x": 1}}),
                "the header x must be a string",
            ),
            (
                Style::Python,
                json!({"timout": 1}),
                "unknown request option `timout`",
            ),
            (Style::JavaScript, json!([1]), "must be an object"),
            (
                Style::Python,
                json!({"extra_body": [1]}),
                "extra_body must be an object",
            ),
        ] {
            let m = message(request_options(style, &opts));
            assert!(m.contains(want), "{m}");
        }
    }

    #[test]
    fn good_options_parse_in_their_units() {
        let o = request_options(
            Style::JavaScript,
            &json!({"timeout": 1500, "maxRetries": 3, "headers": {"x-a": "b"}, "idempotencyKey": "k"}),
        )
        .unwrap();
        assert_eq!(o.timeout, Some(Duration::from_millis(1500)));
        assert_eq!(o.max_retries, Some(3));
        assert_eq!(o.headers, vec![("x-a".to_string(), "b".to_string())]);
        let o = request_options(Style::Python, &json!({"timeout": 1.5, "deadline": 3})).unwrap();
        assert_eq!(o.timeout, Some(Duration::from_millis(1500)));
        assert_eq!(o.deadline, Some(Duration::from_secs(3)));
        assert!(request_options(Style::Python, &Value::Null).is_ok());
    }

    #[test]
    fn a_bad_api_key_type_is_named_without_its_value() {
        let e = client(
            Style::Python,
            Client::builder(),
            &json!({"api_key": ["cw_secret_value"]}),
        )
        .unwrap_err();
        assert!(e.to_string().contains("api_key must be a string"), "{e}");
        assert!(!e.to_string().contains("cw_secret_value"), "{e}");
    }

    #[test]
    fn defaults_in_each_style() {
        assert_eq!(
            defaults(Style::Python),
            json!({"max_retries": 2, "timeout": 60.0, "deadline": 120.0, "tolerance": 300})
        );
        assert_eq!(
            defaults(Style::JavaScript),
            json!({"maxRetries": 2, "timeout": 60000.0, "deadline": 120000.0, "tolerance": 300})
        );
    }
}
