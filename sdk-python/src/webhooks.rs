//! Webhook verification for Python: `Webhook`, `verify_webhook`, `meta_subscription_challenge`.

use callwaitingai::webhooks::{self as core, Provider, VerifyOptions, WebhookError};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyMapping, PyString};

use crate::{WebhookVerificationError, payload_bytes, to_py};

fn verification_error(e: WebhookError) -> PyErr {
    let err = WebhookVerificationError::new_err(e.to_string());
    Python::attach(|py| {
        let _ = err.value(py).setattr("kind", e.kind().as_str());
    });
    err
}

/// Any mapping of headers (dict, Starlette/Flask/Django headers) as pairs.
fn header_pairs(headers: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let items = if let Ok(d) = headers.cast::<PyDict>() {
        d.items().into_any()
    } else if headers.hasattr("items")? {
        headers.call_method0("items")?
    } else {
        return Err(PyTypeError::new_err(
            "headers must be a mapping of names to values",
        ));
    };
    let mut out = Vec::new();
    for item in items.try_iter()? {
        let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
        let text = |o: &Bound<'_, PyAny>| -> PyResult<String> {
            if let Ok(s) = o.cast::<PyString>() {
                return Ok(s.to_cow()?.into_owned());
            }
            if let Ok(b) = o.extract::<Vec<u8>>() {
                return Ok(String::from_utf8_lossy(&b).into_owned());
            }
            Ok(o.str()?.to_cow()?.into_owned())
        };
        out.push((text(&k)?, text(&v)?));
    }
    Ok(out)
}

fn verify_options(now: Option<i64>, tolerance: Option<u64>, url: Option<String>) -> VerifyOptions {
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

/// A Standard Webhooks verifier for one secret (`whsec_…`, `whpk_…` or `whsk_…`).
#[pyclass(module = "callwaitingai._native", frozen)]
struct Webhook {
    inner: core::Webhook,
}

#[pymethods]
impl Webhook {
    #[new]
    fn new(secret: &str) -> PyResult<Self> {
        core::Webhook::new(secret)
            .map(|inner| Self { inner })
            .map_err(verification_error)
    }

    /// Verifies the raw body against the headers; returns the event exactly as sent.
    #[pyo3(signature = (payload, headers, *, now=None, tolerance=300))]
    fn verify(
        &self,
        py: Python<'_>,
        payload: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        now: Option<i64>,
        tolerance: Option<u64>,
    ) -> PyResult<Py<PyAny>> {
        let body = payload_bytes(payload)?;
        let pairs = header_pairs(headers)?;
        let opts = verify_options(now, tolerance, None);
        let event = self
            .inner
            .verify_with(&body, &pairs, &opts)
            .map_err(verification_error)?;
        to_py(py, &event)
    }

    /// The `webhook-signature` value for a message: `v1,<base64>` (or `v1a,…`).
    fn sign(&self, msg_id: &str, timestamp: i64, payload: &Bound<'_, PyAny>) -> PyResult<String> {
        let body = payload_bytes(payload)?;
        self.inner
            .try_sign(msg_id, timestamp, &body)
            .map_err(verification_error)
    }

    fn __repr__(&self) -> &'static str {
        "Webhook(secret='[redacted]')"
    }
}

/// Verifies a webhook from `provider`; raises `WebhookVerificationError` with `.kind`.
#[pyfunction]
#[pyo3(signature = (payload, headers, secret, *, provider="standard", url=None, tolerance=300, now=None))]
fn verify_webhook(
    payload: &Bound<'_, PyAny>,
    headers: &Bound<'_, PyAny>,
    secret: &str,
    provider: &str,
    url: Option<String>,
    tolerance: Option<u64>,
    now: Option<i64>,
) -> PyResult<()> {
    let provider: Provider = provider
        .parse()
        .map_err(|e: core::UnknownProvider| PyTypeError::new_err(e.to_string()))?;
    let body = payload_bytes(payload)?;
    let pairs = header_pairs(headers)?;
    core::verify(
        provider,
        &body,
        &pairs,
        secret,
        &verify_options(now, tolerance, url),
    )
    .map_err(verification_error)
}

/// Answers Meta's subscription handshake: `query` is the raw query string or a mapping.
#[pyfunction]
fn meta_subscription_challenge(query: &Bound<'_, PyAny>, verify_token: &str) -> PyResult<String> {
    let text = if let Ok(s) = query.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else if query.cast::<PyMapping>().is_ok() || query.hasattr("items")? {
        let pairs = header_pairs(query)?;
        let mut ser = String::new();
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                ser.push('&');
            }
            ser.push_str(&encode(k));
            ser.push('=');
            ser.push_str(&encode(v));
        }
        ser
    } else {
        return Err(PyTypeError::new_err("query must be a str or a mapping"));
    };
    core::meta_subscription_challenge(&text, verify_token).map_err(verification_error)
}

/// Percent-encodes a query component.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Webhook>()?;
    m.add_function(wrap_pyfunction!(verify_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(meta_subscription_challenge, m)?)?;
    Ok(())
}
