//! `callwaitingai._native`: the Python bindings of the Rust core.
//!
//! A translation, nothing more: arguments are converted (Python ⇄ JSON, snake_case ⇄ camelCase
//! through `callwaitingai::naming`), options are handed to `callwaitingai::bindings::options`
//! as they came, calls are bridged (blocking with the GIL released, or awaitable through
//! pyo3-async-runtimes), and every failure raises the class the core names
//! (`callwaitingai::bindings::errors`) with the attributes it gives. The classes are Python
//! code generated from the same table (`callwaitingai/_errors.py`).

use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use callwaitingai::bindings::{self, Failure, Style};
use callwaitingai::{Client, Page};
use futures::{Stream, StreamExt};
use pyo3::exceptions::{PyRuntimeError, PyStopAsyncIteration, PyStopIteration};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyList, PyString};
use serde_json::Value;

mod webhooks;

/// The runtime every call runs on (one per process, its threads named `callwaitingai`).
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("callwaitingai")
            .build()
            .unwrap_or_else(|e| panic!("cannot start the SDK's runtime: {e}"))
    })
}

/// Async completions that may still touch Python: the package's `atexit` hook waits for none
/// (`_native.settle`), so that no runtime thread takes the GIL while the interpreter finalizes.
static IN_FLIGHT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Waits (the GIL released) until no async completion is in flight, at most `timeout` seconds;
/// whether none is left. The package calls it at exit.
#[pyfunction]
fn settle(py: Python<'_>, timeout: f64) -> bool {
    use std::sync::atomic::Ordering;
    let deadline = std::time::Instant::now() + Duration::from_secs_f64(timeout.clamp(0.0, 60.0));
    py.detach(|| {
        while IN_FLIGHT.load(Ordering::Acquire) > 0 {
            if std::time::Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        true
    })
}

/// Sets the result (or exception) of an asyncio future unless it was cancelled meanwhile; run
/// on the event loop through `call_soon_threadsafe`.
#[pyfunction]
fn _deliver(future: &Bound<'_, PyAny>, ok: bool, value: Bound<'_, PyAny>) -> PyResult<()> {
    if future.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    let method = if ok { "set_result" } else { "set_exception" };
    future.call_method1(method, (value,)).map(drop)
}

/// Raises the failure's class (from `callwaitingai._errors`) with its attributes.
fn raise(py: Python<'_>, f: &Failure) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = py.import("callwaitingai._errors")?.getattr(f.class)?;
        let value = class.call1((f.message(),))?;
        for (name, v) in &f.fields {
            value.setattr(*name, pythonize::pythonize(py, v)?)?;
        }
        Ok(PyErr::from_value(value))
    };
    build().unwrap_or_else(|e| e)
}

/// A core error as its Python exception.
fn map_error(py: Python<'_>, e: &callwaitingai::Error) -> PyErr {
    raise(py, &bindings::failure(e, Style::Python))
}

/// Invalid input found while converting arguments, raised like the core's own.
fn invalid(message: impl Into<String>) -> PyErr {
    Python::attach(|py| map_error(py, &callwaitingai::Error::InvalidInput(message.into())))
}

fn to_json(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Value>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => pythonize::depythonize::<Value>(o)
            .map(Some)
            .map_err(|e| invalid(format!("cannot send this value as JSON: {e}"))),
    }
}

/// Options (a dict) as JSON: floats through `bindings::number`, so that NaN and the infinities
/// reach the core's checks instead of turning into null.
fn options_json(o: Option<&Bound<'_, PyAny>>) -> PyResult<Value> {
    let Some(dict) = o.and_then(|o| o.cast::<PyDict>().ok()) else {
        return Ok(to_json(o)?.unwrap_or(Value::Null));
    };
    let mut out = serde_json::Map::new();
    for (k, v) in dict.iter() {
        let value = match v.cast::<PyFloat>() {
            Ok(f) => bindings::number(f.value()),
            Err(_) => to_json(Some(&v))?.unwrap_or(Value::Null),
        };
        out.insert(k.str()?.to_cow()?.into_owned(), value);
    }
    Ok(Value::Object(out))
}

fn to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    Ok(pythonize::pythonize(py, v)?.unbind())
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

/// Runs a core future: blocking with the GIL released, or (`asynchronous`) as an asyncio
/// future of the running loop, completed from the runtime through `call_soon_threadsafe`. Its
/// output becomes Python through `convert`; a failure raises its class.
fn run<T, F, C>(py: Python<'_>, asynchronous: bool, fut: F, convert: C) -> PyResult<Py<PyAny>>
where
    T: Send + 'static,
    F: std::future::Future<Output = callwaitingai::Result<T>> + Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
{
    let finish = move |py: Python<'_>, r: callwaitingai::Result<T>| match r {
        Ok(v) => convert(py, v),
        Err(e) => Err(map_error(py, &e)),
    };
    if !asynchronous {
        let r = block_on(py, fut)?;
        return finish(py, r);
    }
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let future = event_loop.call_method0("create_future")?;
    let (event_loop, target) = (event_loop.unbind(), future.clone().unbind());
    let deliver = wrap_pyfunction!(_deliver, py)?.unbind();
    let in_flight = InFlight::enter();
    let task = runtime().spawn(async move {
        let _in_flight = in_flight;
        let r = fut.await;
        Python::attach(|py| {
            let (ok, value) = match finish(py, r) {
                Ok(v) => (true, v),
                Err(e) => (false, e.into_value(py).into_any()),
            };
            // A closed loop (the program moved on) refuses the callback: nothing awaits it.
            let _ =
                event_loop.call_method1(py, "call_soon_threadsafe", (deliver, target, ok, value));
        });
    });
    // Cancelling the asyncio future (`task.cancel()`, a timeout) cancels the request: the task
    // is dropped where it waits, its connection closed, no retry sent.
    future.call_method1(
        "add_done_callback",
        (CancelOnDone {
            task: task.abort_handle(),
        },),
    )?;
    Ok(future.unbind())
}

/// Counts a task in flight (for `settle` at exit) until it ends or is dropped.
struct InFlight;

impl InFlight {
    fn enter() -> Self {
        IN_FLIGHT.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// The done-callback of an asyncio future: aborts the request's task if it was cancelled.
#[pyclass(module = "callwaitingai._native", frozen)]
struct CancelOnDone {
    task: tokio::task::AbortHandle,
}

#[pymethods]
impl CancelOnDone {
    fn __call__(&self, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future.call_method0("cancelled")?.is_truthy()? {
            self.task.abort();
        }
        Ok(())
    }
}

/// A call as the core prepares it from Python's arguments (snake_case names, options checked).
fn prepare(
    op: &str,
    ids: Vec<String>,
    query: Option<&Bound<'_, PyAny>>,
    body: Option<&Bound<'_, PyAny>>,
    opts: Option<&Bound<'_, PyAny>>,
    typed: bool,
) -> PyResult<bindings::calls::Call> {
    let options = options_json(opts)?;
    bindings::calls::prepare(
        Style::Python,
        op,
        ids,
        to_json(query)?,
        to_json(body)?,
        &options,
        typed,
    )
    .map_err(|e| Python::attach(|py| map_error(py, &e)))
}

fn pair(py: Python<'_>, (data, meta): (Value, Value)) -> PyResult<Py<PyAny>> {
    Ok((to_py(py, &data)?, to_py(py, &meta)?)
        .into_pyobject(py)?
        .into_any()
        .unbind())
}

fn page(
    py: Python<'_>,
    (page, meta, schema): (Page<Value>, Value, Option<&'static str>),
) -> PyResult<Py<PyAny>> {
    Ok(Py::new(py, NativePage { page, schema, meta })?.into_any())
}

fn next(
    py: Python<'_>,
    (page, schema): (Option<Page<Value>>, Option<&'static str>),
) -> PyResult<Py<PyAny>> {
    match page {
        Some(page) => Ok(Py::new(
            py,
            NativePage {
                page,
                schema,
                meta: Value::Null,
            },
        )?
        .into_any()),
        None => Ok(py.None()),
    }
}

/// The client core, shared by `Client` and `AsyncClient`.
#[pyclass(module = "callwaitingai._native", frozen)]
struct NativeClient {
    client: Client,
}

#[pymethods]
impl NativeClient {
    /// `options`: `api_key`, `base_url`, `max_retries`, `timeout`, `deadline` (seconds), as
    /// the user gave them; the core checks them and fills in the rest. `on_request(operation,
    /// method, url, retry)` is called before every attempt (the Python layer logs through it).
    #[new]
    #[pyo3(signature = (options=None, on_request=None))]
    fn new(
        py: Python<'_>,
        options: Option<&Bound<'_, PyAny>>,
        on_request: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        let options = options_json(options)?;
        let version = py.version_info();
        let mut builder = Client::builder();
        if let Some(callback) = on_request {
            builder = builder.on_request(move |info| {
                Python::attach(|py| {
                    let args = (info.operation_id, info.method, info.url, info.retry);
                    if let Err(e) = callback.call1(py, args) {
                        e.write_unraisable(py, None);
                    }
                });
            });
        }
        let builder = builder.user_agent(bindings::user_agent(
            "python",
            &format!(
                "python/{}.{}.{}",
                version.major, version.minor, version.patch
            ),
        ));
        // The runtime must exist before the HTTP client is built.
        let _guard = runtime().enter();
        let client = bindings::options::client(Style::Python, builder, &options)
            .map_err(|e| map_error(py, &e))?;
        Ok(Self { client })
    }

    /// A client with some options changed (`options` as for the constructor), sharing this
    /// one's connection pool.
    #[pyo3(signature = (options=None))]
    fn with_options(&self, py: Python<'_>, options: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let options = options_json(options)?;
        let _guard = runtime().enter();
        bindings::options::client(Style::Python, self.client.to_builder(), &options)
            .map(|client| Self { client })
            .map_err(|e| map_error(py, &e))
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

    /// Sends a call: `(body, response)`, blocking with the GIL released, or an awaitable.
    #[pyo3(signature = (op, ids, query=None, body=None, opts=None, typed=false, asynchronous=false))]
    #[allow(clippy::too_many_arguments)] // the Python signature
    fn request(
        &self,
        py: Python<'_>,
        op: &str,
        ids: Vec<String>,
        query: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        opts: Option<&Bound<'_, PyAny>>,
        typed: bool,
        asynchronous: bool,
    ) -> PyResult<Py<PyAny>> {
        let call = prepare(op, ids, query, body, opts, typed)?;
        let client = self.client.clone();
        run(
            py,
            asynchronous,
            async move { call.send(&client).await },
            pair,
        )
    }

    /// The first page of a list (a `NativePage`), blocking or as an awaitable.
    #[pyo3(signature = (op, ids, query=None, opts=None, typed=false, asynchronous=false))]
    #[allow(clippy::too_many_arguments)] // the Python signature
    fn list(
        &self,
        py: Python<'_>,
        op: &str,
        ids: Vec<String>,
        query: Option<&Bound<'_, PyAny>>,
        opts: Option<&Bound<'_, PyAny>>,
        typed: bool,
        asynchronous: bool,
    ) -> PyResult<Py<PyAny>> {
        let call = prepare(op, ids, query, None, opts, typed)?;
        let schema = call.list_of();
        let client = self.client.clone();
        let fut = async move { Ok((call.list(&client).await?, schema)) };
        run(py, asynchronous, fut, |py, ((p, meta), schema)| {
            page(py, (p, meta, schema))
        })
    }
}

fn items_to_py(py: Python<'_>, schema: Option<&str>, items: &[Value]) -> PyResult<Py<PyList>> {
    let list = PyList::empty(py);
    for item in items {
        let v = bindings::calls::named(Style::Python, schema, item.clone());
        list.append(to_py(py, &v)?)?;
    }
    Ok(list.unbind())
}

/// A page of a list.
#[pyclass(module = "callwaitingai._native", frozen)]
struct NativePage {
    page: Page<Value>,
    schema: Option<&'static str>,
    /// What the first page's response said (`response_fields`); null for the pages after it.
    meta: Value,
}

#[pymethods]
impl NativePage {
    /// What the response of the request for this page said (status, headers, request id…).
    #[getter]
    fn response(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.meta)
    }

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

    /// The next page, or None after the last: blocking, or as an awaitable.
    #[pyo3(signature = (asynchronous=false))]
    fn next_page(&self, py: Python<'_>, asynchronous: bool) -> PyResult<Py<PyAny>> {
        let page = self.page.clone();
        let schema = self.schema;
        run(
            py,
            asynchronous,
            async move { Ok((page.next_page().await?, schema)) },
            next,
        )
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
    to_py(py, &bindings::calls::named(Style::Python, schema, v))
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
            Some(Err(e)) => Err(map_error(py, &e)),
            None => Err(PyStopIteration::new_err(())),
        }
    }

    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let stream = self.stream.clone();
        let schema = self.schema;
        let next = async move { stream.lock().await.next().await.transpose() };
        run(py, true, next, move |py, item| match item {
            Some(v) => item_to_py(py, schema, v),
            None => Err(PyStopAsyncIteration::new_err(())),
        })
    }
}

/// Turns on request logging to stderr at `level` (what `CALLWAITINGAI_LOG` does at import).
#[pyfunction]
fn enable_logging(py: Python<'_>, level: &str) -> PyResult<()> {
    bindings::enable_logging(level).map_err(|e| map_error(py, &e))
}

/// The defaults of the client and webhook options (`max_retries`, `timeout`, `deadline`,
/// `tolerance`), from the core.
#[pyfunction]
fn defaults(py: Python<'_>) -> PyResult<Py<PyAny>> {
    to_py(py, &bindings::options::defaults(Style::Python))
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
    Err(invalid("payload must be bytes or str"))
}

static VERSION: OnceLock<String> = OnceLock::new();

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add(
        "__version__",
        VERSION.get_or_init(|| env!("CARGO_PKG_VERSION").to_string()),
    )?;
    m.add_class::<NativeClient>()?;
    m.add_class::<NativePage>()?;
    m.add_class::<NativeItems>()?;
    m.add_function(wrap_pyfunction!(enable_logging, m)?)?;
    m.add_function(wrap_pyfunction!(defaults, m)?)?;
    m.add_function(wrap_pyfunction!(settle, m)?)?;
    webhooks::register(m)?;
    Ok(())
}
