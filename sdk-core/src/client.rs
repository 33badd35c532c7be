//! The client: configuration, the connection pool, and the request loop with retries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error, Result};
use crate::retry::{self, Instant};

/// The default per-attempt timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The default overall deadline of a call, retries and waits included.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);
/// The default largest response body a call accepts (16 MiB): a body that never ends, or a
/// huge one, fails with [`Error::ResponseTooLarge`] instead of filling the memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// How the Rust SDK names itself (`User-Agent`, `X-CallWaitingAI-Client`).
pub const RUST_USER_AGENT: &str = concat!("callwaitingai-rust/", env!("CARGO_PKG_VERSION"));
/// The longest error message an [`ApiError`] carries in its text; the whole body stays in
/// [`ApiError::body`].
const MAX_MESSAGE_CHARS: usize = 1000;

/// An observer of requests (see [`ClientBuilder::on_request`]).
type Observer = Arc<dyn Fn(&RequestInfo<'_>) + Send + Sync>;

/// A CallWaitingAI API client. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// # async fn run() -> callwaitingai::Result<()> {
/// use callwaitingai::Client;
/// use callwaitingai::models::{LeadCreateParams, LeadStatus, LeadsListParams};
///
/// let client = Client::builder()
///     .api_key("cw_test_...")
///     .base_url("http://127.0.0.1:8080")
///     .build()?;
/// let new_leads = client
///     .leads()
///     .list(LeadsListParams { status: Some(LeadStatus::New), ..Default::default() })
///     .await?;
/// let lead = client.leads().create(LeadCreateParams::new("John Doe")).await?;
/// println!("{} new leads; created {}", new_leads.data.len(), lead.id);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: crate::transport::Http,
    api_key: String,
    /// Ends with `/api/v1`, no trailing slash.
    base_url: String,
    max_retries: u32,
    timeout: Duration,
    deadline: Duration,
    max_response_bytes: usize,
    user_agent: String,
    on_request: Option<Observer>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &crate::redact::url(&self.inner.base_url))
            .field("api_key", &"[redacted]")
            .field("max_retries", &self.inner.max_retries)
            .field("timeout", &self.inner.timeout)
            .field("deadline", &self.inner.deadline)
            .finish()
    }
}

/// What an observer registered with [`ClientBuilder::on_request`] is told before each attempt.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RequestInfo<'a> {
    /// The `operationId` (`leads.create`…).
    pub operation_id: &'a str,
    /// The HTTP method.
    pub method: &'a str,
    /// The full URL, query string included.
    pub url: &'a str,
    /// 0 for the first attempt, then the retry number.
    pub retry: u32,
}

/// Builds a [`Client`]. Unset values come from the environment (`CALLWAITINGAI_API_KEY`,
/// `CALLWAITINGAI_BASE_URL`), then the defaults.
#[derive(Default)]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    max_retries: Option<u32>,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    max_response_bytes: Option<usize>,
    user_agent: Option<String>,
    on_request: Option<Observer>,
    /// The connection pool of the client this builder came from, and its user agent.
    pool: Option<(crate::transport::Http, String)>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field(
                "base_url",
                &self.base_url.as_deref().map(crate::redact::url),
            )
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .finish()
    }
}

impl ClientBuilder {
    /// The API key (`cw_live_…`, `cw_test_…`) or an access token from `auth().login(..)`.
    #[must_use]
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The server's origin, e.g. `http://127.0.0.1:8080`; `/api/v1` is appended (a URL that
    /// already ends in `/api/v1` is taken as is).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Retries after the first attempt (default 2).
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = Some(n);
        self
    }

    /// The timeout of each attempt (default 60 s).
    #[must_use]
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// The overall deadline of a call, all attempts and waits included (default 120 s), so
    /// that retries never multiply the wait silently.
    #[must_use]
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }

    /// The largest response body accepted, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`], 16 MiB). A larger body fails the call with
    /// [`Error::ResponseTooLarge`] as soon as it passes the limit, and is not kept.
    #[must_use]
    pub fn max_response_bytes(mut self, n: usize) -> Self {
        self.max_response_bytes = Some(n);
        self
    }

    /// How this client names itself in `User-Agent` and `X-CallWaitingAI-Client` (default
    /// `callwaitingai-rust/<version>`). The Python and Node packages set their own
    /// (`callwaitingai-python/0.1.0 python/3.11.7`); an application may append its name.
    #[must_use]
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// Calls `f` before every attempt (for logging or metrics); it never sees credentials.
    #[must_use]
    pub fn on_request(mut self, f: impl Fn(&RequestInfo<'_>) + Send + Sync + 'static) -> Self {
        self.on_request = Some(Arc::new(f));
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        let api_key = match self.api_key {
            Some(k) => k,
            None => std::env::var("CALLWAITINGAI_API_KEY").map_err(|_| {
                Error::InvalidInput(
                    "no API key: pass one to the builder or set CALLWAITINGAI_API_KEY".into(),
                )
            })?,
        };
        if api_key.trim().is_empty() {
            return Err(Error::InvalidInput("the API key is empty".into()));
        }
        if api_key.trim() != api_key || api_key.chars().any(char::is_control) {
            return Err(Error::InvalidInput(
                "the API key has surrounding whitespace or control characters".into(),
            ));
        }
        let base = match self.base_url {
            Some(u) => u,
            None => std::env::var("CALLWAITINGAI_BASE_URL").map_err(|_| {
                Error::InvalidInput(
                    "no base URL: pass one to the builder or set CALLWAITINGAI_BASE_URL".into(),
                )
            })?,
        };
        let base_url = normalise_base_url(&base)?;
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| RUST_USER_AGENT.to_string());
        if user_agent.is_empty() || http::HeaderValue::from_str(&user_agent).is_err() {
            return Err(Error::InvalidInput(
                "the user agent must be non-empty visible ASCII text".into(),
            ));
        }
        let http = match self.pool {
            Some((http, ua)) if ua == user_agent => http,
            _ => crate::transport::Http::new(&user_agent)?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                api_key,
                base_url,
                max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                deadline: self.deadline.unwrap_or(DEFAULT_DEADLINE),
                max_response_bytes: self
                    .max_response_bytes
                    .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
                user_agent,
                on_request: self.on_request,
            }),
        })
    }
}

/// `http://host:port[/…]` → `http://host:port[/…]/api/v1`.
fn normalise_base_url(url: &str) -> Result<String> {
    let trimmed = url.trim().trim_end_matches('/');
    let parsed = crate::web_url::parse(trimmed)
        .map_err(|e| Error::InvalidInput(format!("base URL {url:?} is not a URL: {e}")))?;
    if !matches!(parsed.scheme.as_str(), "http" | "https") {
        return Err(Error::InvalidInput(format!(
            "base URL {url:?} must be http or https"
        )));
    }
    if parsed.query_or_fragment {
        return Err(Error::InvalidInput(format!(
            "base URL {url:?} must not have a query or fragment"
        )));
    }
    Ok(if trimmed.ends_with("/api/v1") {
        trimmed.to_string()
    } else {
        format!("{trimmed}/api/v1")
    })
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A builder with this client's settings that shares its connection pool: change what
    /// differs and build, e.g. a client with a longer timeout for one batch job
    /// (`client.to_builder().timeout(..).build()?`). What the bindings' `with_options` does.
    pub fn to_builder(&self) -> ClientBuilder {
        let i = &self.inner;
        ClientBuilder {
            api_key: Some(i.api_key.clone()),
            base_url: Some(i.base_url.clone()),
            max_retries: Some(i.max_retries),
            timeout: Some(i.timeout),
            deadline: Some(i.deadline),
            max_response_bytes: Some(i.max_response_bytes),
            user_agent: Some(i.user_agent.clone()),
            on_request: i.on_request.clone(),
            pool: Some((i.http.clone(), i.user_agent.clone())),
        }
    }

    /// A client configured from `CALLWAITINGAI_API_KEY` and `CALLWAITINGAI_BASE_URL`.
    pub fn from_env() -> Result<Client> {
        Self::builder().build()
    }

    /// The API base URL, ending in `/api/v1`. It may hold credentials (`user:pass@`): show
    /// [`display_base_url`](Self::display_base_url) instead.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The base URL with any password in it replaced by `[redacted]`, for logs and `repr`.
    pub fn display_base_url(&self) -> String {
        crate::redact::url(&self.inner.base_url)
    }

    /// How this client names itself (`User-Agent`).
    pub fn user_agent(&self) -> &str {
        &self.inner.user_agent
    }
}

/// Per-request overrides of the client's settings.
#[derive(Clone, Default)]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) validate_response: bool,
    pub(crate) extra_query: serde_json::Map<String, serde_json::Value>,
    pub(crate) extra_body: serde_json::Map<String, serde_json::Value>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// The timeout of each attempt.
    #[must_use]
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// The overall deadline, retries included.
    #[must_use]
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }

    /// Retries after the first attempt.
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = Some(n);
        self
    }

    /// An extra header.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The idempotency key of a POST.
    #[must_use]
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// A query parameter the typed parameters do not have (a newer server's, a beta flag), sent
    /// as given, after the typed ones (it replaces a typed one of the same name).
    #[must_use]
    pub fn extra_query(mut self, name: impl Into<String>, value: serde_json::Value) -> Self {
        self.extra_query.insert(name.into(), value);
        self
    }

    /// A body field the typed parameters do not have, sent as given (wire name, JSON value),
    /// merged into the body (it replaces a typed field of the same name).
    #[must_use]
    pub fn extra_body(mut self, name: impl Into<String>, value: serde_json::Value) -> Self {
        self.extra_body.insert(name.into(), value);
        self
    }

    /// Checks that the answer decodes as the operation's typed model (a [`Error::Decode`]
    /// otherwise), as the typed methods' answers do: for raw calls ([`Client::operation`])
    /// that want the same guarantee. The language bindings' typed methods set it.
    #[must_use]
    pub fn validate_response(mut self, yes: bool) -> Self {
        self.validate_response = yes;
        self
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("max_retries", &self.max_retries)
            .field("headers", &names)
            .field("idempotency_key", &self.idempotency_key)
            .field("validate_response", &self.validate_response)
            .field("extra_query", &self.extra_query.keys().collect::<Vec<_>>())
            .field("extra_body", &self.extra_body.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A successful response with its metadata.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The decoded body.
    pub data: T,
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: http::HeaderMap,
    /// The request's id (`X-Request-Id`).
    pub request_id: Option<String>,
    /// The rate-limit headers, when the response has them.
    pub rate_limit: Option<RateLimit>,
    /// Whether the server replayed a stored response for the idempotency key.
    pub idempotent_replayed: bool,
}

impl<T> Response<T> {
    /// The body alone.
    pub fn into_data(self) -> T {
        self.data
    }
}

/// The rate limit of the key, as of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub limit: u64,
    /// Requests left in the window.
    pub remaining: u64,
    /// When the window resets (unix seconds).
    pub reset: i64,
}

impl RateLimit {
    fn from_headers(h: &http::HeaderMap) -> Option<Self> {
        let get = |n: &str| h.get(n)?.to_str().ok()?.parse::<i64>().ok();
        Some(Self {
            limit: u64::try_from(get("x-ratelimit-limit")?).ok()?,
            remaining: u64::try_from(get("x-ratelimit-remaining")?).ok()?,
            reset: get("x-ratelimit-reset")?,
        })
    }
}

/// A new idempotency key: a random (version 4) UUID.
fn new_idempotency_key() -> String {
    let bytes = fastrand::u128(..).to_le_bytes();
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// One call to send: the operation, the path with ids filled in, the query and body.
pub(crate) struct Prepared {
    pub op: &'static crate::operations::Operation,
    pub path: String,
    pub query: Option<serde_json::Value>,
    pub body: Option<serde_json::Value>,
}

impl Client {
    /// Sends `req` with retries and decodes the body as `T`.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        req: &Prepared,
        opts: &RequestOptions,
    ) -> Result<Response<T>> {
        let mut exchange = Exchange::new(self, req, opts)?;
        loop {
            let (attempt, timeout) = exchange.attempt()?;
            let outcome = send(
                &self.inner.http,
                attempt,
                timeout,
                self.inner.max_response_bytes,
            )
            .await;
            match exchange.settle(outcome)? {
                Next::Answer(status, headers, bytes) => return decode(status, headers, &bytes),
                Next::Wait(wait) => retry::sleep(wait).await,
            }
        }
    }
}

/// One call's attempts as a state machine, with no I/O of its own: [`Exchange::attempt`] says
/// what to send (or that the deadline passed), [`Exchange::settle`] reads what came back and
/// says what comes next: the answer, a wait before the next attempt, or the call's failure.
/// [`Client::execute`] drives it natively; the browser package drives it from JavaScript
/// around the runtime's own `fetch` (`bindings::exchange`). Retries, idempotency, deadlines and
/// errors are decided here for both.
pub(crate) struct Exchange {
    client: Client,
    op: &'static crate::operations::Operation,
    url: String,
    body: Option<String>,
    headers: Vec<(String, String)>,
    authorization: String,
    idempotency_key: Option<String>,
    max_retries: u32,
    timeout: Duration,
    deadline: Duration,
    validate_response: bool,
    started: Instant,
    retry: u32,
    retry_count: String,
    /// The timeout of the attempt under way (the per-attempt timeout, or less: the deadline's
    /// remainder).
    attempt_timeout: Duration,
}

/// What [`Exchange::settle`] says comes next.
pub(crate) enum Next {
    /// A success: status, headers, body (checked against the model when asked).
    Answer(u16, http::HeaderMap, Vec<u8>),
    /// Wait this long, then make the next attempt.
    Wait(Duration),
}

impl Exchange {
    /// The call's URL, body and headers, checked once for all its attempts.
    pub(crate) fn new(client: &Client, req: &Prepared, opts: &RequestOptions) -> Result<Exchange> {
        let inner = &client.inner;
        let idempotency_key = (req.op.method == "POST").then(|| {
            opts.idempotency_key
                .clone()
                .unwrap_or_else(new_idempotency_key)
        });
        let query = merged("query", req.query.as_ref(), &opts.extra_query)?;
        let body = merged("body", req.body.as_ref(), &opts.extra_body)?;
        let url = with_query(format!("{}{}", inner.base_url, req.path), query.as_deref())?;
        let body = body
            .map(|b| serde_json::to_string(&b))
            .transpose()
            .map_err(|e| Error::InvalidInput(format!("cannot encode the body: {e}")))?;
        for (k, v) in &opts.headers {
            check_header(k, v)?;
        }
        let timeout = opts.timeout.unwrap_or(inner.timeout);
        Ok(Exchange {
            client: client.clone(),
            op: req.op,
            url,
            body,
            headers: opts.headers.clone(),
            authorization: format!("Bearer {}", inner.api_key),
            idempotency_key,
            max_retries: opts.max_retries.unwrap_or(inner.max_retries),
            timeout,
            deadline: opts.deadline.unwrap_or(inner.deadline),
            validate_response: opts.validate_response,
            started: Instant::now(),
            retry: 0,
            retry_count: "0".into(),
            attempt_timeout: timeout,
        })
    }

    /// The largest response body the call accepts.
    pub(crate) fn max_response_bytes(&self) -> usize {
        self.client.inner.max_response_bytes
    }

    /// Whether a success body is checked against the operation's model (and so known to be
    /// JSON) before [`Next::Answer`].
    pub(crate) fn checks_answers(&self) -> bool {
        self.validate_response && self.op.response.is_some()
    }

    /// The timeout of the attempt under way.
    pub(crate) fn attempt_timeout(&self) -> Duration {
        self.attempt_timeout
    }

    /// The next attempt and its timeout, or the deadline's failure.
    pub(crate) fn attempt(&mut self) -> Result<(crate::transport::HttpRequest<'_>, Duration)> {
        let deadline = self.deadline;
        let Some(left) = deadline
            .checked_sub(self.started.elapsed())
            .filter(|d| !d.is_zero())
        else {
            return Err(Error::Timeout {
                message: format!("the {deadline:?} deadline passed"),
            });
        };
        self.attempt_timeout = self.timeout.min(left);
        let inner = &self.client.inner;
        let mut headers = vec![
            ("authorization", self.authorization.as_str()),
            ("accept", "application/json"),
            ("x-callwaitingai-client", inner.user_agent.as_str()),
            ("x-callwaitingai-retry-count", self.retry_count.as_str()),
        ];
        if self.body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        if let Some(k) = &self.idempotency_key {
            headers.push(("idempotency-key", k.as_str()));
        }
        headers.extend(self.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        if let Some(observe) = &inner.on_request {
            observe(&RequestInfo {
                operation_id: self.op.id,
                method: self.op.method,
                // A password in the base URL never reaches an observer (or its logs).
                url: &crate::redact::url(&self.url),
                retry: self.retry,
            });
        }
        tracing::debug!(operation = self.op.id, method = self.op.method, url = %crate::redact::url(&self.url), retry = self.retry, "request");
        let request = crate::transport::HttpRequest {
            method: self.op.method,
            url: &self.url,
            headers,
            body: self.body.as_deref(),
        };
        Ok((request, self.attempt_timeout))
    }

    /// What the attempt came to: the answer, a wait before the next attempt, or the call's
    /// failure (a failure that is not retried, or the last).
    pub(crate) fn settle(&mut self, outcome: Result<crate::transport::Answer>) -> Result<Next> {
        let deadline = self.deadline;
        // An attempt cut short by the deadline says so.
        let outcome = match outcome {
            Err(Error::Timeout { .. }) if self.attempt_timeout < self.timeout => {
                Err(Error::Timeout {
                    message: format!("the {deadline:?} deadline passed"),
                })
            }
            other => other,
        };
        let err = match outcome {
            Ok((status, headers, bytes)) if (200..300).contains(&status) => {
                tracing::debug!(operation = self.op.id, status, "response");
                if self.validate_response {
                    validate(self.op, status, &headers, &bytes)?;
                }
                return Ok(Next::Answer(status, headers, bytes));
            }
            Ok((status, headers, bytes)) => api_error(status, headers, &bytes),
            Err(e) => e,
        };
        tracing::debug!(operation = self.op.id, error = %err, retry = self.retry, "attempt failed");
        if self.retry >= self.max_retries || !err.is_retryable() {
            return Err(err);
        }
        let wait = match err.api_error().and_then(ApiError::retry_after) {
            Some(d) if d > retry::MAX_RETRY_AFTER => return Err(err),
            Some(d) => d,
            None => retry::backoff(self.retry, retry::jitter()),
        };
        if self.started.elapsed() + wait >= deadline {
            return Err(err);
        }
        self.retry += 1;
        self.retry_count = self.retry.to_string();
        Ok(Next::Wait(wait))
    }
}

/// One attempt within `timeout`: the status, headers and body, or a transport error. A
/// timeout drops the attempt, which cancels it (reqwest closes the connection; the fetch
/// transport aborts the fetch).
async fn send(
    http: &crate::transport::Http,
    req: crate::transport::HttpRequest<'_>,
    timeout: Duration,
    max_bytes: usize,
) -> Result<(u16, http::HeaderMap, Vec<u8>)> {
    // In the browser module the runtime's own timer aborts the fetch (transport.rs): no Rust
    // timer future to wake.
    #[cfg(target_arch = "wasm32")]
    return http.send(req, max_bytes, timeout).await;
    #[cfg(not(target_arch = "wasm32"))]
    {
        let attempt = http.send(req, max_bytes);
        let timer = retry::sleep(timeout);
        futures::pin_mut!(attempt);
        futures::pin_mut!(timer);
        match futures::future::select(attempt, timer).await {
            futures::future::Either::Left((r, _)) => r,
            futures::future::Either::Right(((), _)) => Err(crate::transport::timed_out(timeout)),
        }
    }
}

/// The URL with the query's parameters (strings as they are, numbers and booleans as JSON
/// writes them; absent ones left out).
fn with_query(mut url: String, query: Option<&serde_json::Value>) -> Result<String> {
    let Some(query) = query else {
        return Ok(url);
    };
    let fields = query.as_object().ok_or_else(|| {
        Error::InvalidInput("cannot build the request: the query is not an object".into())
    })?;
    let mut pairs = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (k, v) in fields {
        let text = match v {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(_) | serde_json::Value::Bool(_) => v.to_string(),
            _ => {
                return Err(Error::InvalidInput(format!(
                    "cannot build the request: the query parameter {k} must be a string, a \
                     number or a boolean"
                )));
            }
        };
        pairs.append_pair(k, &text);
        any = true;
    }
    if any {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&pairs.finish());
    }
    Ok(url)
}

pub(crate) fn request_id(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The typed query or body with the extra fields of [`RequestOptions::extra_query`] /
/// [`RequestOptions::extra_body`] merged in (borrowed as is when there are none).
fn merged<'a>(
    what: &str,
    typed: Option<&'a serde_json::Value>,
    extra: &serde_json::Map<String, serde_json::Value>,
) -> Result<Option<std::borrow::Cow<'a, serde_json::Value>>> {
    use std::borrow::Cow;
    if extra.is_empty() {
        return Ok(typed.map(Cow::Borrowed));
    }
    let mut map = match typed {
        None | Some(serde_json::Value::Null) => serde_json::Map::new(),
        Some(serde_json::Value::Object(m)) => m.clone(),
        Some(_) => {
            return Err(Error::InvalidInput(format!(
                "extra {what} fields need a {what} that is an object"
            )));
        }
    };
    map.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    Ok(Some(Cow::Owned(serde_json::Value::Object(map))))
}

/// An extra header must be sendable; the error names it but never shows its value (it may be
/// a credential).
fn check_header(name: &str, value: &str) -> Result<()> {
    if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(Error::InvalidInput(format!(
            "{name:?} is not a valid header name (letters, digits and -!#$%&'*+.^_`|~ only)"
        )));
    }
    if http::HeaderValue::from_str(value).is_err() {
        return Err(Error::InvalidInput(format!(
            "the value of the header {name} is not valid (visible ASCII and spaces only, no line \
             breaks)"
        )));
    }
    Ok(())
}

/// Checks that a success body decodes as the operation's typed model, as the typed methods'
/// answers do (raw calls from the bindings' typed methods ask for it).
fn validate(
    op: &crate::operations::Operation,
    status: u16,
    headers: &http::HeaderMap,
    bytes: &[u8],
) -> Result<()> {
    let Some(schema) = op.response else {
        return Ok(());
    };
    crate::shape::check_json(schema, bytes).map_err(|why| Error::Decode {
        status,
        message: format!("the body is not a {schema}: {why}"),
        request_id: request_id(headers),
    })
}

pub(crate) fn decode<T: DeserializeOwned>(
    status: u16,
    headers: http::HeaderMap,
    bytes: &[u8],
) -> Result<Response<T>> {
    // No body (204) reads as `null`: `()` and `serde_json::Value` accept it, a model does not.
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"null".as_slice()
    } else {
        bytes
    };
    let data = serde_json::from_slice(bytes).map_err(|e| Error::Decode {
        status,
        message: e.to_string(),
        request_id: request_id(&headers),
    })?;
    Ok(respond(data, status, headers))
}

/// A successful response: the body with what the status and headers say.
pub(crate) fn respond<T>(data: T, status: u16, headers: http::HeaderMap) -> Response<T> {
    Response {
        data,
        status,
        request_id: request_id(&headers),
        rate_limit: RateLimit::from_headers(&headers),
        idempotent_replayed: headers
            .get("idempotent-replayed")
            .is_some_and(|v| v.as_bytes() == b"true"),
        headers,
    }
}

fn api_error(status: u16, headers: http::HeaderMap, bytes: &[u8]) -> Error {
    #[derive(serde::Deserialize)]
    struct Body {
        error: Detail,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Detail {
        code: String,
        message: String,
        request_id: Option<String>,
        data: Option<serde_json::Value>,
    }
    let parsed = serde_json::from_slice::<Body>(bytes).ok();
    let (code, message, rid, data) = match parsed {
        Some(b) => (
            b.error.code,
            truncate_message(b.error.message),
            b.error.request_id,
            b.error.data,
        ),
        None => {
            let text = String::from_utf8_lossy(bytes);
            let snippet: String = text.chars().take(200).collect();
            (
                default_code(status).to_string(),
                if snippet.is_empty() {
                    format!("HTTP {status}")
                } else {
                    snippet
                },
                None,
                None,
            )
        }
    };
    Error::Api(Box::new(ApiError {
        status,
        code,
        message,
        request_id: rid.or_else(|| request_id(&headers)),
        data,
        headers,
        body: bytes.to_vec(),
    }))
}

/// At most [`MAX_MESSAGE_CHARS`] characters, saying how much was cut.
fn truncate_message(message: String) -> String {
    match message.char_indices().nth(MAX_MESSAGE_CHARS) {
        None => message,
        Some((cut, _)) => format!(
            "{}… ({} more bytes; the whole body is in the error's body)",
            &message[..cut],
            message.len() - cut
        ),
    }
}

fn default_code(status: u16) -> &'static str {
    match status {
        400 => "BAD_REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        409 => "CONFLICT",
        422 => "VALIDATION_FAILED",
        429 => "RATE_LIMIT_EXCEEDED",
        503 => "SERVICE_UNAVAILABLE",
        _ => "INTERNAL_SERVER_ERROR",
    }
}

/// Everything but RFC 3986's unreserved characters is encoded, so an id stays one segment.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes an id as one path segment. An empty id, `.` and `..` are errors: URL
/// parsers resolve dot segments (encoded or not), so `rotate("..")` would reach another route.
pub(crate) fn segment(id: &str) -> Result<String> {
    match id {
        "" => Err(Error::InvalidInput("an id must not be empty".into())),
        "." | ".." => Err(Error::InvalidInput(format!(
            "{id:?} is not an id: it would change the request's path"
        ))),
        _ => Ok(percent_encoding::utf8_percent_encode(id, SEGMENT).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_get_the_api_prefix_once() {
        assert_eq!(
            normalise_base_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080/api/v1"
        );
        assert_eq!(
            normalise_base_url("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080/api/v1"
        );
        assert_eq!(
            normalise_base_url("https://x.com/api/v1/").unwrap(),
            "https://x.com/api/v1"
        );
        assert_eq!(
            normalise_base_url("https://x.com/proxy").unwrap(),
            "https://x.com/proxy/api/v1"
        );
        assert!(normalise_base_url("ftp://x.com").is_err());
        assert!(normalise_base_url("not a url").is_err());
        assert!(normalise_base_url("http://x.com/?a=1").is_err());
    }

    #[test]
    fn ids_are_encoded_as_one_path_segment() {
        assert_eq!(segment("lead_abc").unwrap(), "lead_abc");
        assert_eq!(segment("a/b c").unwrap(), "a%2Fb%20c");
        assert_eq!(segment("../x").unwrap(), "..%2Fx");
        assert_eq!(segment("é").unwrap(), "%C3%A9");
        assert!(segment("").is_err());
        assert!(segment(".").is_err());
        assert!(segment("..").is_err());
        assert_eq!(segment("...").unwrap(), "...");
    }

    #[test]
    fn idempotency_keys_are_unique_uuid_shaped() {
        let a = new_idempotency_key();
        let b = new_idempotency_key();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
    }

    #[test]
    fn debug_never_shows_the_key() {
        let c = Client::builder()
            .api_key("cw_test_SECRET")
            .base_url("http://x.com")
            .build()
            .unwrap();
        assert!(!format!("{c:?}").contains("SECRET"));
        let b = Client::builder().api_key("cw_test_SECRET");
        assert!(!format!("{b:?}").contains("SECRET"));
    }

    #[test]
    fn error_bodies_decode_with_their_fields() {
        let body = br#"{"error":{"code":"VALIDATION_FAILED","message":"email is bad","requestId":"req_1","data":{"field":"email"}}}"#;
        let e = api_error(422, http::HeaderMap::new(), body);
        assert_eq!(e.status(), Some(422));
        assert_eq!(e.code(), Some("VALIDATION_FAILED"));
        assert_eq!(e.request_id(), Some("req_1"));
        assert!(!e.is_retryable());
        let e = api_error(502, http::HeaderMap::new(), b"<html>bad gateway</html>");
        assert_eq!(e.code(), Some("INTERNAL_SERVER_ERROR"));
        assert!(e.is_retryable());
        assert!(e.message().contains("bad gateway"));
    }

    #[test]
    fn huge_error_messages_are_cut_but_the_body_is_kept() {
        let long = "x".repeat(5_000_000);
        let body =
            serde_json::json!({"error": {"code": "BAD_REQUEST", "message": long}}).to_string();
        let e = api_error(400, http::HeaderMap::new(), body.as_bytes());
        assert!(e.to_string().len() < 2_000, "{}", e.to_string().len());
        assert!(e.message().contains("more bytes"));
        assert_eq!(e.api_error().unwrap().body.len(), body.len());
    }
}
