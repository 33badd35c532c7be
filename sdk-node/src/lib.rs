//! The native addon of `@callwaitingai/sdk`.
//!
//! Thin by design: JSON in and out (Node uses the wire's camelCase names, so nothing is
//! renamed), calls bridged to Promises on napi's tokio runtime, and core errors returned as
//! plain objects that the JS layer turns into its error classes. Retries, idempotency keys,
//! pagination and the webhook rules are the core's.

#![allow(missing_docs)] // the public surface is documented in index.d.ts

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;

use callwaitingai::webhooks::{self as core, Provider, VerifyOptions};
use callwaitingai::{Client, Page, RequestOptions};
use futures::{Stream, StreamExt};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

/// A failure, as data: the JS layer throws the matching error class.
#[napi(object)]
pub struct NativeError {
    /// `api`, `connection`, `timeout`, `invalid_input` or `decode`.
    pub kind: String,
    pub status: Option<u32>,
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    pub headers: HashMap<String, String>,
    pub data: Option<Value>,
    /// Milliseconds, from `retry-after-ms` / `Retry-After`.
    pub retry_after_ms: Option<f64>,
    /// The raw error body (the message is cut to 1000 characters).
    pub body: Option<String>,
}

fn native_error(e: callwaitingai::Error) -> NativeError {
    let headers = e
        .headers()
        .map(|h| {
            h.iter()
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    NativeError {
        kind: e.kind().to_string(),
        status: e.status().map(u32::from),
        code: e.code().map(str::to_string),
        message: e.message(),
        request_id: e.request_id().map(str::to_string),
        headers,
        data: e.api_error().and_then(|a| a.data.clone()),
        retry_after_ms: e
            .api_error()
            .and_then(callwaitingai::ApiError::retry_after)
            .map(|d| d.as_secs_f64() * 1000.0),
        body: e
            .api_error()
            .map(|a| String::from_utf8_lossy(&a.body).into_owned()),
    }
}

/// Per-request options; `timeout` in milliseconds.
#[napi(object)]
pub struct CallOptions {
    pub timeout: Option<f64>,
    pub max_retries: Option<u32>,
    pub headers: Option<HashMap<String, String>>,
    pub idempotency_key: Option<String>,
}

fn options(o: Option<CallOptions>) -> callwaitingai::Result<RequestOptions> {
    let mut opts = RequestOptions::new();
    let Some(o) = o else { return Ok(opts) };
    if let Some(t) = o.timeout {
        opts = opts.timeout(callwaitingai::bindings::timeout(t, 1000.0, "milliseconds")?);
    }
    if let Some(n) = o.max_retries {
        opts = opts.max_retries(n);
    }
    for (k, v) in o.headers.unwrap_or_default() {
        opts = opts.header(k, v);
    }
    if let Some(k) = o.idempotency_key {
        opts = opts.idempotency_key(k);
    }
    Ok(opts)
}

#[napi(object)]
pub struct CallOutcome {
    pub status: Option<u32>,
    pub headers: Option<HashMap<String, String>>,
    pub data: Option<Value>,
    pub error: Option<NativeError>,
}

fn failed(e: callwaitingai::Error) -> CallOutcome {
    CallOutcome {
        status: None,
        headers: None,
        data: None,
        error: Some(native_error(e)),
    }
}

#[napi]
pub struct NativeClient {
    client: Client,
}

#[napi]
impl NativeClient {
    /// `timeout` in milliseconds; `runtime` names the JS runtime for `User-Agent`
    /// (`node/20.11.0`).
    #[napi(constructor)]
    pub fn new(
        api_key: Option<String>,
        base_url: Option<String>,
        max_retries: Option<u32>,
        timeout: Option<f64>,
        runtime: Option<String>,
    ) -> Result<Self> {
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
            let t = callwaitingai::bindings::timeout(t, 1000.0, "milliseconds")
                .map_err(|e| Error::new(Status::InvalidArg, e.message()))?;
            b = b.timeout(t);
        }
        b = b.user_agent(callwaitingai::bindings::user_agent(
            "node",
            runtime.as_deref().unwrap_or_default(),
        ));
        b.build()
            .map(|client| Self { client })
            .map_err(|e| Error::new(Status::InvalidArg, e.message()))
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.client.base_url().to_string()
    }

    /// The base URL with any password replaced by `[redacted]`.
    #[napi(getter)]
    pub fn display_base_url(&self) -> String {
        self.client.display_base_url()
    }

    /// What the client sends as `User-Agent`.
    #[napi(getter)]
    pub fn user_agent(&self) -> String {
        self.client.user_agent().to_string()
    }

    /// Any operation by its operationId; never rejects (failures come back as `error`).
    #[napi]
    pub async fn request(
        &self,
        op: String,
        ids: Vec<String>,
        query: Option<Value>,
        body: Option<Value>,
        opts: Option<CallOptions>,
    ) -> CallOutcome {
        let opts = match options(opts) {
            Ok(o) => o,
            Err(e) => return failed(e),
        };
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let res = self
            .client
            .operation(&op, &ids, query, body)
            .options(opts)
            .send_with_response()
            .await;
        match res {
            Ok(r) => CallOutcome {
                status: Some(u32::from(r.status)),
                headers: Some(
                    r.headers
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
                        .collect(),
                ),
                data: Some(r.data),
                error: None,
            },
            Err(e) => failed(e),
        }
    }

    /// The first page of a list.
    #[napi]
    pub async fn list(
        &self,
        op: String,
        ids: Vec<String>,
        query: Option<Value>,
        opts: Option<CallOptions>,
    ) -> PageOutcome {
        let opts = match options(opts) {
            Ok(o) => o,
            Err(e) => return page_outcome(Err(e)),
        };
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let res = self
            .client
            .list_operation(&op, &ids, query)
            .options(opts)
            .await;
        page_outcome(res.map(Some))
    }
}

#[napi(object, object_from_js = false)]
pub struct PageOutcome {
    pub page: Option<NativePage>,
    pub error: Option<NativeError>,
}

/// A page of a list.
#[napi]
pub struct NativePage {
    page: Page<Value>,
}

fn page_outcome(r: callwaitingai::Result<Option<Page<Value>>>) -> PageOutcome {
    match r {
        Ok(p) => PageOutcome {
            page: p.map(|page| NativePage { page }),
            error: None,
        },
        Err(e) => PageOutcome {
            page: None,
            error: Some(native_error(e)),
        },
    }
}

#[napi]
impl NativePage {
    #[napi(getter)]
    pub fn data(&self) -> Vec<Value> {
        self.page.data.clone()
    }

    #[napi(getter)]
    pub fn has_more(&self) -> bool {
        self.page.has_more
    }

    #[napi(getter)]
    pub fn next_cursor(&self) -> Option<String> {
        self.page.next_cursor.clone()
    }

    /// The next page (`page` is null after the last).
    #[napi]
    pub async fn next_page(&self) -> PageOutcome {
        page_outcome(self.page.next_page().await)
    }

    /// Every item from this page on.
    #[napi]
    pub fn items(&self) -> NativeItems {
        NativeItems {
            stream: Arc::new(tokio::sync::Mutex::new(Box::pin(
                self.page.clone().into_stream(),
            ))),
        }
    }
}

type ItemStream = Pin<Box<dyn Stream<Item = callwaitingai::Result<Value>> + Send>>;

#[napi]
pub struct NativeItems {
    stream: Arc<tokio::sync::Mutex<ItemStream>>,
}

#[napi(object)]
pub struct ItemOutcome {
    pub done: bool,
    pub value: Option<Value>,
    pub error: Option<NativeError>,
}

#[napi]
impl NativeItems {
    #[napi]
    pub async fn next(&self) -> ItemOutcome {
        match self.stream.lock().await.next().await {
            Some(Ok(v)) => ItemOutcome {
                done: false,
                value: Some(v),
                error: None,
            },
            Some(Err(e)) => ItemOutcome {
                done: true,
                value: None,
                error: Some(native_error(e)),
            },
            None => ItemOutcome {
                done: true,
                value: None,
                error: None,
            },
        }
    }
}

// --- webhooks ---------------------------------------------------------------------------------

/// Webhook failures throw an Error whose message starts with the kind (`kind: message`).
fn webhook_error(e: core::WebhookError) -> Error {
    Error::new(Status::GenericFailure, e.to_string())
}

fn bytes(payload: Either<String, Uint8Array>) -> Vec<u8> {
    match payload {
        Either::A(s) => s.into_bytes(),
        Either::B(b) => b.to_vec(),
    }
}

#[napi]
pub struct NativeWebhook {
    inner: core::Webhook,
}

#[napi]
impl NativeWebhook {
    #[napi(constructor)]
    pub fn new(secret: String) -> Result<Self> {
        core::Webhook::new(&secret)
            .map(|inner| Self { inner })
            .map_err(webhook_error)
    }

    /// Checks headers and signature only; the JS layer parses the verified body with
    /// `JSON.parse` (faster than building the object here) and reports `invalid_payload`.
    #[napi]
    pub fn verify_signature(
        &self,
        payload: Either<String, Uint8Array>,
        headers: String,
        now: Option<i64>,
        tolerance: Option<u32>,
    ) -> Result<()> {
        let mut o = VerifyOptions::new();
        if let Some(n) = now {
            o = o.now(n);
        }
        if let Some(t) = tolerance {
            o = o.tolerance_secs(u64::from(t));
        }
        self.inner
            .verify_signature(
                &bytes(payload),
                callwaitingai::bindings::joined_header_pairs(&headers).as_slice(),
                &o,
            )
            .map_err(webhook_error)
    }

    #[napi]
    pub fn sign(
        &self,
        msg_id: String,
        timestamp: i64,
        payload: Either<String, Uint8Array>,
    ) -> Result<String> {
        self.inner
            .try_sign(&msg_id, timestamp, &bytes(payload))
            .map_err(webhook_error)
    }
}

#[napi]
pub fn native_verify_webhook(
    provider: String,
    payload: Either<String, Uint8Array>,
    headers: String,
    secret: String,
    url: Option<String>,
    tolerance: Option<u32>,
    now: Option<i64>,
) -> Result<()> {
    let provider: Provider = provider
        .parse()
        .map_err(|e: core::UnknownProvider| Error::new(Status::InvalidArg, e.to_string()))?;
    let mut o = VerifyOptions::new();
    if let Some(u) = url {
        o = o.url(u);
    }
    if let Some(t) = tolerance {
        o = o.tolerance_secs(u64::from(t));
    }
    if let Some(n) = now {
        o = o.now(n);
    }
    core::verify(
        provider,
        &bytes(payload),
        callwaitingai::bindings::joined_header_pairs(&headers).as_slice(),
        &secret,
        &o,
    )
    .map_err(webhook_error)
}

#[napi]
pub fn native_meta_subscription_challenge(query: String, verify_token: String) -> Result<String> {
    core::meta_subscription_challenge(&query, &verify_token).map_err(webhook_error)
}

/// Turns on request logging to stderr at `level` (the JS layer calls it when
/// `CALLWAITINGAI_LOG` is set). Credentials are never logged.
#[napi]
pub fn enable_logging(level: String) -> Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_new(format!("callwaitingai={level}"))
        .map_err(|e| Error::new(Status::InvalidArg, e.to_string()))?;
    // Colour only on a terminal: redirected logs stay plain text.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
    Ok(())
}

/// Every operation as `[operationId, method, pathParams, listOf, takesQuery, takesBody]`, for
/// the JS resource layer.
#[napi]
pub fn operations() -> Vec<Value> {
    callwaitingai::bindings::operation_rows()
}
