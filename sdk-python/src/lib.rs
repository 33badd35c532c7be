//! `callwaitingai._native`: the Python bindings of the Rust core.
//!
//! Thin by design: arguments are converted (Python ⇄ JSON, snake_case ⇄ camelCase through
//! `callwaitingai::naming`), calls are bridged (blocking with the GIL released, or awaitable
//! through pyo3-async-runtimes), and core errors are mapped to the Python exception classes.
//! Everything else (retries, idempotency keys, pagination, webhook rules) is the core's.

use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use callwaitingai::operations::{OPERATIONS, Operation};
use callwaitingai::{Client, Page, RequestOptions, naming};
use futures::{Stream, StreamExt};
use pyo3::exceptions::{
    PyException, PyRuntimeError, PyStopAsyncIteration, PyStopIteration, PyTypeError,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use serde_json::Value;

mod webhooks;

pyo3::create_exception!(
    _native,
    CallWaitingAIError,
    PyException,
    "Every error of the SDK."
);
pyo3::create_exception!(
    _native,
    APIError,
    CallWaitingAIError,
    "The API answered with an error status."
);
pyo3::create_exception!(
    _native,
    BadRequestError,
    APIError,
    "400: the request is malformed."
);
pyo3::create_exception!(
    _native,
    AuthenticationError,
    APIError,
    "401: missing, unknown, expired or revoked credentials."
);
pyo3::create_exception!(
    _native,
    PermissionDeniedError,
    APIError,
    "403: the credentials lack a scope."
);
pyo3::create_exception!(
    _native,
    NotFoundError,
    APIError,
    "404: no such object in your organisation."
);
pyo3::create_exception!(
    _native,
    ConflictError,
    APIError,
    "409: an idempotency-key conflict."
);
pyo3::create_exception!(
    _native,
    UnprocessableEntityError,
    APIError,
    "422: a value is not acceptable."
);
pyo3::create_exception!(_native, RateLimitError, APIError, "429: too many requests.");
pyo3::create_exception!(
    _native,
    InternalServerError,
    APIError,
    "5xx: the server failed."
);
pyo3::create_exception!(
    _native,
    APIConnectionError,
    CallWaitingAIError,
    "No response: the connection failed."
);
pyo3::create_exception!(
    _native,
    APITimeoutError,
    APIConnectionError,
    "No response in time."
);
pyo3::create_exception!(
    _native,
    WebhookVerificationError,
    CallWaitingAIError,
    "A webhook failed verification; `.kind` says why."
);

fn runtime() -> &'static tokio::runtime::Runtime {
    pyo3_async_runtimes::tokio::get_runtime()
}

/// Maps a core error to its Python exception, with the same fields in every case.
fn map_error(py: Python<'_>, e: callwaitingai::Error) -> PyErr {
    let message = e.message();
    let err = match &e {
        callwaitingai::Error::Timeout { .. } => APITimeoutError::new_err(message.clone()),
        callwaitingai::Error::Connection { .. } => APIConnectionError::new_err(message.clone()),
        callwaitingai::Error::InvalidInput(m) => PyTypeError::new_err(m.clone()),
        _ => match e.status() {
            Some(400) => BadRequestError::new_err(message.clone()),
            Some(401) => AuthenticationError::new_err(message.clone()),
            Some(403) => PermissionDeniedError::new_err(message.clone()),
            Some(404) => NotFoundError::new_err(message.clone()),
            Some(409) => ConflictError::new_err(message.clone()),
            Some(422) => UnprocessableEntityError::new_err(message.clone()),
            Some(429) => RateLimitError::new_err(message.clone()),
            Some(s) if s >= 500 => InternalServerError::new_err(message.clone()),
            _ => APIError::new_err(message.clone()),
        },
    };
    if matches!(e, callwaitingai::Error::InvalidInput(_)) {
        return err;
    }
    let value = err.value(py);
    let headers = PyDict::new(py);
    if let Some(h) = e.headers() {
        for (k, v) in h {
            let _ = headers.set_item(k.as_str(), v.to_str().unwrap_or_default());
        }
    }
    let retry_after = e
        .api_error()
        .and_then(callwaitingai::ApiError::retry_after)
        .map(|d| d.as_secs_f64());
    let _ = value.setattr("status_code", e.status());
    let _ = value.setattr("code", e.code());
    let _ = value.setattr("message", message);
    let _ = value.setattr("request_id", e.request_id());
    let _ = value.setattr("headers", headers);
    let _ = value.setattr("retry_after", retry_after);
    let body = e
        .api_error()
        .map(|a| String::from_utf8_lossy(&a.body).into_owned());
    let _ = value.setattr("body", body);
    let data = e.api_error().and_then(|a| a.data.clone());
    let _ = value.setattr("data", data.and_then(|d| pythonize::pythonize(py, &d).ok()));
    err
}

fn to_json(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Value>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => pythonize::depythonize::<Value>(o)
            .map(Some)
            .map_err(|e| PyTypeError::new_err(format!("cannot send this value as JSON: {e}"))),
    }
}

fn to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    pythonize::pythonize(py, v)
        .map(Bound::unbind)
        .map_err(|e| PyTypeError::new_err(e.to_string()))
}

/// A timeout in seconds, checked by the core.
fn seconds(t: f64) -> PyResult<Duration> {
    callwaitingai::bindings::timeout(t, 1.0, "seconds")
        .map_err(|e| PyTypeError::new_err(e.message()))
}

/// Runs `fut` on the runtime while this thread waits without the GIL, waking every 50 ms to
/// let Python handle signals: Ctrl-C raises `KeyboardInterrupt` at once (and the call is
/// dropped) instead of after the timeout.
fn block_on<F>(py: Python<'_>, fut: F) -> PyResult<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut task = runtime().spawn(fut);
    loop {
        let waited = py.detach(|| {
            runtime().block_on(async {
                tokio::time::timeout(Duration::from_millis(50), &mut task).await
            })
        });
        match waited {
            Ok(Ok(out)) => return Ok(out),
            Ok(Err(e)) => {
                return Err(PyRuntimeError::new_err(format!(
                    "the SDK's request task failed: {e}"
                )));
            }
            Err(_still_running) => {
                if let Err(signal) = py.check_signals() {
                    task.abort();
                    return Err(signal);
                }
            }
        }
    }
}

fn operation(id: &str) -> PyResult<&'static Operation> {
    OPERATIONS
        .iter()
        .find(|o| o.id == id)
        .ok_or_else(|| PyTypeError::new_err(format!("unknown operation {id}")))
}

/// Request options from Python: `(timeout, max_retries, extra_headers, idempotency_key)`.
type PyOptions = (
    Option<f64>,
    Option<u32>,
    Option<Vec<(String, String)>>,
    Option<String>,
);

fn options(o: Option<PyOptions>) -> PyResult<RequestOptions> {
    let mut opts = RequestOptions::new();
    let Some((timeout, retries, headers, key)) = o else {
        return Ok(opts);
    };
    if let Some(t) = timeout {
        opts = opts.timeout(seconds(t)?);
    }
    if let Some(n) = retries {
        opts = opts.max_retries(n);
    }
    for (k, v) in headers.unwrap_or_default() {
        opts = opts.header(k, v);
    }
    if let Some(k) = key {
        opts = opts.idempotency_key(k);
    }
    Ok(opts)
}

/// A prepared call: operation, ids, query and body on the wire's names.
struct Prepared {
    op: &'static Operation,
    ids: Vec<String>,
    query: Option<Value>,
    body: Option<Value>,
    opts: RequestOptions,
}

fn prepare(
    op_id: &str,
    ids: Vec<String>,
    query: Option<&Bound<'_, PyAny>>,
    body: Option<&Bound<'_, PyAny>>,
    opts: Option<PyOptions>,
) -> PyResult<Prepared> {
    let op = operation(op_id)?;
    let bad = |e: callwaitingai::Error| PyTypeError::new_err(e.message());
    let query = match to_json(query)? {
        Some(q) => Some(naming::query_to_wire(op, q).map_err(bad)?),
        None => None,
    };
    let body = match (to_json(body)?, op.request) {
        (Some(b), Some(schema)) => Some(naming::to_wire(schema, b).map_err(bad)?),
        (Some(b), None) => Some(b),
        (None, _) => None,
    };
    Ok(Prepared {
        op,
        ids,
        query,
        body,
        opts: options(opts)?,
    })
}

async fn run_call(
    client: Client,
    p: Prepared,
) -> Result<(u16, Vec<(String, String)>, Value), callwaitingai::Error> {
    let ids: Vec<&str> = p.ids.iter().map(String::as_str).collect();
    let res = client
        .operation(p.op.id, &ids, p.query, p.body)
        .options(p.opts)
        .send_with_response()
        .await?;
    let headers = res
        .headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    let data = match p.op.response {
        Some(schema) => naming::from_wire(schema, res.data),
        None => res.data,
    };
    Ok((res.status, headers, data))
}

async fn run_list(client: Client, p: Prepared) -> Result<Page<Value>, callwaitingai::Error> {
    let ids: Vec<&str> = p.ids.iter().map(String::as_str).collect();
    client
        .list_operation(p.op.id, &ids, p.query)
        .options(p.opts)
        .await
}

fn call_result(py: Python<'_>, r: (u16, Vec<(String, String)>, Value)) -> PyResult<Py<PyAny>> {
    let (status, headers, data) = r;
    let h = PyDict::new(py);
    for (k, v) in headers {
        h.set_item(k, v)?;
    }
    Ok((status, h, to_py(py, &data)?)
        .into_pyobject(py)?
        .into_any()
        .unbind())
}

/// The client core, shared by `Client` and `AsyncClient`.
#[pyclass(module = "callwaitingai._native", frozen)]
struct NativeClient {
    client: Client,
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (api_key=None, base_url=None, max_retries=None, timeout=None))]
    fn new(
        py: Python<'_>,
        api_key: Option<String>,
        base_url: Option<String>,
        max_retries: Option<u32>,
        timeout: Option<f64>,
    ) -> PyResult<Self> {
        let mut b = Client::builder();
        if let Some(k) = api_key {
            b = b.api_key(k);
        }
        if let Some(u) = base_url {
            b = b.base_url(u);
        }
        if let Some(n) = max_retries {
            b = b.max_retries(n);
        }
        if let Some(t) = timeout {
            b = b.timeout(seconds(t)?);
        }
        let version = py.version_info();
        b = b.user_agent(callwaitingai::bindings::user_agent(
            "python",
            &format!(
                "python/{}.{}.{}",
                version.major, version.minor, version.patch
            ),
        ));
        // The runtime must exist before the HTTP client is built.
        let _guard = runtime().enter();
        let client = b.build().map_err(|e| map_error(py, e))?;
        Ok(Self { client })
    }

    /// The API base URL (ends with /api/v1).
    #[getter]
    fn base_url(&self) -> &str {
        self.client.base_url()
    }

    /// The base URL with any password replaced by `[redacted]` (for `repr`).
    #[getter]
    fn display_base_url(&self) -> String {
        self.client.display_base_url()
    }

    /// What the client sends as `User-Agent`.
    #[getter]
    fn user_agent(&self) -> &str {
        self.client.user_agent()
    }

    /// Sends a call, blocking with the GIL released; returns `(status, headers, body)`.
    #[pyo3(signature = (op, ids, query=None, body=None, opts=None))]
    fn request(
        &self,
        py: Python<'_>,
        op: &str,
        ids: Vec<String>,
        query: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        opts: Option<PyOptions>,
    ) -> PyResult<Py<PyAny>> {
        let p = prepare(op, ids, query, body, opts)?;
        let client = self.client.clone();
        let r = block_on(py, run_call(client, p))?;
        match r {
            Ok(r) => call_result(py, r),
            Err(e) => Err(map_error(py, e)),
        }
    }

    /// Like `request`, as an awaitable.
    #[pyo3(signature = (op, ids, query=None, body=None, opts=None))]
    fn request_async<'py>(
        &self,
        py: Python<'py>,
        op: &str,
        ids: Vec<String>,
        query: Option<&Bound<'py, PyAny>>,
        body: Option<&Bound<'py, PyAny>>,
        opts: Option<PyOptions>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let p = prepare(op, ids, query, body, opts)?;
        let client = self.client.clone();
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            let r = run_call(client, p).await;
            Python::attach(|py| match r {
                Ok(r) => call_result(py, r),
                Err(e) => Err(map_error(py, e)),
            })
        })
    }

    /// The first page of a list, blocking with the GIL released.
    #[pyo3(signature = (op, ids, query=None, opts=None))]
    fn list(
        &self,
        py: Python<'_>,
        op: &str,
        ids: Vec<String>,
        query: Option<&Bound<'_, PyAny>>,
        opts: Option<PyOptions>,
    ) -> PyResult<NativePage> {
        let p = prepare(op, ids, query, None, opts)?;
        let schema = p.op.list_of;
        let client = self.client.clone();
        let r = block_on(py, run_list(client, p))?;
        match r {
            Ok(page) => Ok(NativePage { page, schema }),
            Err(e) => Err(map_error(py, e)),
        }
    }

    /// Like `list`, as an awaitable.
    #[pyo3(signature = (op, ids, query=None, opts=None))]
    fn list_async<'py>(
        &self,
        py: Python<'py>,
        op: &str,
        ids: Vec<String>,
        query: Option<&Bound<'py, PyAny>>,
        opts: Option<PyOptions>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let p = prepare(op, ids, query, None, opts)?;
        let schema = p.op.list_of;
        let client = self.client.clone();
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            let r = run_list(client, p).await;
            Python::attach(|py| match r {
                Ok(page) => Ok(NativePage { page, schema }),
                Err(e) => Err(map_error(py, e)),
            })
        })
    }
}

fn items_to_py(py: Python<'_>, schema: Option<&str>, items: &[Value]) -> PyResult<Py<PyList>> {
    let list = PyList::empty(py);
    for item in items {
        let v = match schema {
            Some(s) => naming::from_wire(s, item.clone()),
            None => item.clone(),
        };
        list.append(to_py(py, &v)?)?;
    }
    Ok(list.unbind())
}

/// A page of a list.
#[pyclass(module = "callwaitingai._native", frozen)]
struct NativePage {
    page: Page<Value>,
    schema: Option<&'static str>,
}

#[pymethods]
impl NativePage {
    /// The items of this page (snake_case dicts).
    #[getter]
    fn data(&self, py: Python<'_>) -> PyResult<Py<PyList>> {
        items_to_py(py, self.schema, &self.page.data)
    }

    #[getter]
    fn has_more(&self) -> bool {
        self.page.has_more
    }

    #[getter]
    fn next_cursor(&self) -> Option<String> {
        self.page.next_cursor.clone()
    }

    /// The next page, or None after the last.
    fn next_page(&self, py: Python<'_>) -> PyResult<Option<NativePage>> {
        let page = self.page.clone();
        let schema = self.schema;
        let r = block_on(py, async move { page.next_page().await })?;
        match r {
            Ok(p) => Ok(p.map(|page| NativePage { page, schema })),
            Err(e) => Err(map_error(py, e)),
        }
    }

    /// The next page as an awaitable.
    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let page = self.page.clone();
        let schema = self.schema;
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            let r = page.next_page().await;
            Python::attach(|py| match r {
                Ok(p) => Ok(p.map(|page| NativePage { page, schema })),
                Err(e) => Err(map_error(py, e)),
            })
        })
    }

    /// Every item from this page on, fetched lazily by the core.
    fn items(&self) -> NativeItems {
        NativeItems {
            stream: Arc::new(tokio::sync::Mutex::new(Box::pin(
                self.page.clone().into_stream(),
            ))),
            schema: self.schema,
        }
    }
}

type ItemStream = Pin<Box<dyn Stream<Item = callwaitingai::Result<Value>> + Send>>;

/// An iterator (sync and async) over every item of a list.
#[pyclass(module = "callwaitingai._native", frozen)]
struct NativeItems {
    stream: Arc<tokio::sync::Mutex<ItemStream>>,
    schema: Option<&'static str>,
}

fn item_to_py(py: Python<'_>, schema: Option<&str>, v: Value) -> PyResult<Py<PyAny>> {
    let v = match schema {
        Some(s) => naming::from_wire(s, v),
        None => v,
    };
    to_py(py, &v)
}

#[pymethods]
impl NativeItems {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let stream = self.stream.clone();
        let next = block_on(py, async move { stream.lock().await.next().await })?;
        match next {
            Some(Ok(v)) => item_to_py(py, self.schema, v),
            Some(Err(e)) => Err(map_error(py, e)),
            None => Err(PyStopIteration::new_err(())),
        }
    }

    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let stream = self.stream.clone();
        let schema = self.schema;
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            let next = stream.lock().await.next().await;
            Python::attach(|py| match next {
                Some(Ok(v)) => item_to_py(py, schema, v),
                Some(Err(e)) => Err(map_error(py, e)),
                None => Err(PyStopAsyncIteration::new_err(())),
            })
        })
    }
}

/// Turns on request logging to stderr at `level` (what `CALLWAITINGAI_LOG` does at import).
#[pyfunction]
fn enable_logging(level: &str) -> PyResult<()> {
    let filter = tracing_subscriber::EnvFilter::try_new(format!("callwaitingai={level}"))
        .map_err(|e| PyTypeError::new_err(e.to_string()))?;
    // Colour only on a terminal: redirected logs stay plain text.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
    Ok(())
}

/// Text or bytes as bytes.
pub(crate) fn payload_bytes(payload: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = payload.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(s) = payload.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    if let Ok(b) = payload.extract::<Vec<u8>>() {
        return Ok(b);
    }
    Err(PyTypeError::new_err("payload must be bytes or str"))
}

static VERSION: OnceLock<String> = OnceLock::new();

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add(
        "__version__",
        VERSION.get_or_init(|| env!("CARGO_PKG_VERSION").to_string()),
    )?;
    m.add_class::<NativeClient>()?;
    m.add_class::<NativePage>()?;
    m.add_class::<NativeItems>()?;
    m.add_function(wrap_pyfunction!(enable_logging, m)?)?;
    for (name, ty) in [
        ("CallWaitingAIError", py.get_type::<CallWaitingAIError>()),
        ("APIError", py.get_type::<APIError>()),
        ("BadRequestError", py.get_type::<BadRequestError>()),
        ("AuthenticationError", py.get_type::<AuthenticationError>()),
        (
            "PermissionDeniedError",
            py.get_type::<PermissionDeniedError>(),
        ),
        ("NotFoundError", py.get_type::<NotFoundError>()),
        ("ConflictError", py.get_type::<ConflictError>()),
        (
            "UnprocessableEntityError",
            py.get_type::<UnprocessableEntityError>(),
        ),
        ("RateLimitError", py.get_type::<RateLimitError>()),
        ("InternalServerError", py.get_type::<InternalServerError>()),
        ("APIConnectionError", py.get_type::<APIConnectionError>()),
        ("APITimeoutError", py.get_type::<APITimeoutError>()),
        (
            "WebhookVerificationError",
            py.get_type::<WebhookVerificationError>(),
        ),
    ] {
        m.add(name, ty)?;
    }
    webhooks::register(m)?;
    Ok(())
}
