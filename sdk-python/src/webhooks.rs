//! Webhook verification for Python: `Webhook`, `verify_webhook`, `meta_subscription_challenge`.

use callwaitingai::bindings::webhooks as hooks;
use callwaitingai::bindings::{self, Failure, Style};
use callwaitingai::webhooks as core;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyMapping, PyString};

use crate::{invalid, payload_bytes, raise, to_py};

fn raised(f: Failure) -> PyErr {
    Python::attach(|py| raise(py, &f))
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

/// The tolerance as given (the core checks it); floats through `bindings::number`.
fn tolerance_json(t: Option<&Bound<'_, PyAny>>) -> PyResult<serde_json::Value> {
    match t.map(|t| t.cast::<PyFloat>()) {
        Some(Ok(f)) => Ok(bindings::number(f.value())),
        _ => Ok(crate::to_json(t)?.unwrap_or_default()),
    }
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
        hooks::webhook(Style::Python, secret)
            .map(|inner| Self { inner })
            .map_err(raised)
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
        let (body, pairs) = (payload_bytes(payload)?, header_pairs(headers)?);
        let event = hooks::verify(
            Style::Python,
            &self.inner,
            &body,
            &pairs,
            &tolerance_json(tolerance)?,
            now,
        )
        .map_err(raised)?;
        to_py(py, &event)
    }

    /// Verifies and types the event: `(model name, event with snake_case keys)`.
    #[pyo3(signature = (payload, headers, *, now=None, tolerance=None))]
    fn verify_event(
        &self,
        py: Python<'_>,
        payload: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        now: Option<i64>,
        tolerance: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(&'static str, Py<PyAny>)> {
        let (body, pairs) = (payload_bytes(payload)?, header_pairs(headers)?);
        let (model, event) = hooks::verify_event(
            Style::Python,
            &self.inner,
            &body,
            &pairs,
            &tolerance_json(tolerance)?,
            now,
        )
        .map_err(raised)?;
        Ok((model, to_py(py, &event)?))
    }

    /// The `webhook-signature` value for a message: `v1,<base64>` (or `v1a,…`).
    fn sign(&self, msg_id: &str, timestamp: i64, payload: &Bound<'_, PyAny>) -> PyResult<String> {
        hooks::sign(
            Style::Python,
            &self.inner,
            msg_id,
            timestamp,
            &payload_bytes(payload)?,
        )
        .map_err(raised)
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
    payload: &Bound<'_, PyAny>,
    headers: &Bound<'_, PyAny>,
    secret: &str,
    provider: &str,
    url: Option<String>,
    tolerance: Option<&Bound<'_, PyAny>>,
    now: Option<i64>,
) -> PyResult<()> {
    let (body, pairs) = (payload_bytes(payload)?, header_pairs(headers)?);
    let tolerance = tolerance_json(tolerance)?;
    hooks::verify_provider(
        Style::Python,
        provider,
        &body,
        &pairs,
        secret,
        url,
        &tolerance,
        now,
    )
    .map_err(raised)
}

/// Verifies and types a provider's webhook: `(model name, fields in snake_case, lists)`.
#[pyfunction]
#[pyo3(signature = (payload, headers, secret, *, provider="standard", url=None, tolerance=None, now=None))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments
fn verify_event(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    headers: &Bound<'_, PyAny>,
    secret: &str,
    provider: &str,
    url: Option<String>,
    tolerance: Option<&Bound<'_, PyAny>>,
    now: Option<i64>,
) -> PyResult<(&'static str, Py<PyAny>, Py<PyAny>)> {
    let (body, pairs) = (payload_bytes(payload)?, header_pairs(headers)?);
    let tolerance = tolerance_json(tolerance)?;
    let (model, fields, lists) = hooks::verify_provider_event(
        Style::Python,
        provider,
        &body,
        &pairs,
        secret,
        url,
        &tolerance,
        now,
    )
    .map_err(raised)?;
    Ok((model, to_py(py, &fields)?, to_py(py, &lists)?))
}

/// The headers `provider` would send with `payload`, signed with `secret`.
#[pyfunction]
#[pyo3(signature = (payload, secret, *, provider="standard", url=None, timestamp=None, msg_id=None))]
fn sign_request(
    payload: &Bound<'_, PyAny>,
    secret: &str,
    provider: &str,
    url: Option<String>,
    timestamp: Option<i64>,
    msg_id: Option<String>,
) -> PyResult<Vec<(String, String)>> {
    hooks::sign_request(
        Style::Python,
        provider,
        &payload_bytes(payload)?,
        secret,
        url,
        timestamp,
        msg_id,
    )
    .map_err(raised)
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
    hooks::meta_challenge(Style::Python, &text, verify_token).map_err(raised)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Webhook>()?;
    m.add_function(wrap_pyfunction!(verify_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(sign_request, m)?)?;
    m.add_function(wrap_pyfunction!(verify_event, m)?)?;
    m.add_function(wrap_pyfunction!(meta_subscription_challenge, m)?)?;
    Ok(())
}
