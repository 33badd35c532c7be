//! Webhook verification for Python: `Webhook`, `verify_webhook`, `meta_subscription_challenge`.

use callwaitingai::bindings::{self, Style};
use callwaitingai::webhooks::{self as core, WebhookError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyMapping, PyString};

use crate::{invalid, map_error, payload_bytes, raise, to_py};

fn verification_error(e: WebhookError) -> PyErr {
    Python::attach(|py| raise(py, &bindings::webhook_failure(&e, Style::Python)))
}

/// Any mapping of headers (dict, Starlette/Flask/Django headers) as pairs.
fn header_pairs(headers: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let items = if let Ok(d) = headers.cast::<PyDict>() {
        d.items().into_any()
    } else if headers.hasattr("items")? {
        headers.call_method0("items")?
    } else {
        return Err(invalid("headers must be a mapping of names to values"));
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

/// The tolerance in seconds, checked by the core; `None` for its default.
fn tolerance_secs(py: Python<'_>, t: Option<&Bound<'_, PyAny>>) -> PyResult<Option<u64>> {
    let value = match t.map(|t| t.cast::<pyo3::types::PyFloat>()) {
        Some(Ok(f)) => bindings::number(f.value()),
        _ => crate::to_json(t)?.unwrap_or_default(),
    };
    bindings::options::tolerance(Style::Python, &value).map_err(|e| map_error(py, &e))
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
    #[pyo3(signature = (payload, headers, *, now=None, tolerance=None))]
    fn verify(
        &self,
        py: Python<'_>,
        payload: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        now: Option<i64>,
        tolerance: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let tolerance = tolerance_secs(py, tolerance)?;
        let body = payload_bytes(payload)?;
        let pairs = header_pairs(headers)?;
        let opts = bindings::verify_options(now, tolerance, None);
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
#[pyo3(signature = (payload, headers, secret, *, provider="standard", url=None, tolerance=None, now=None))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments
fn verify_webhook(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    headers: &Bound<'_, PyAny>,
    secret: &str,
    provider: &str,
    url: Option<String>,
    tolerance: Option<&Bound<'_, PyAny>>,
    now: Option<i64>,
) -> PyResult<()> {
    let tolerance = tolerance_secs(py, tolerance)?;
    let provider = bindings::provider(provider).map_err(|e| map_error(py, &e))?;
    let body = payload_bytes(payload)?;
    let pairs = header_pairs(headers)?;
    core::verify(
        provider,
        &body,
        &pairs,
        secret,
        &bindings::verify_options(now, tolerance, url),
    )
    .map_err(verification_error)
}

/// Answers Meta's subscription handshake: `query` is the raw query string or a mapping.
#[pyfunction]
fn meta_subscription_challenge(query: &Bound<'_, PyAny>, verify_token: &str) -> PyResult<String> {
    let text = if let Ok(s) = query.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else if query.cast::<PyMapping>().is_ok() || query.hasattr("items")? {
        bindings::form_query(&header_pairs(query)?)
    } else {
        return Err(invalid("query must be a str or a mapping"));
    };
    core::meta_subscription_challenge(&text, verify_token).map_err(verification_error)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Webhook>()?;
    m.add_function(wrap_pyfunction!(verify_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(meta_subscription_challenge, m)?)?;
    Ok(())
}
