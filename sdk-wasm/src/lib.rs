//! The wasm module of `@callwaitingai/web`.
//!
//! The same native surface as the Node addon (`sdk-node/src/lib.rs`), so that one JS layer
//! (`sdk-node/lib/client.cjs`) serves both packages. JSON crosses the boundary as strings
//! (`JSON.parse` is faster than building JS objects field by field, and the module stays
//! small); failures come back as data (`{"error": {...}}`) that the JS layer turns into its
//! error classes. Requests go through `fetch`; retries, idempotency keys, backoff, pagination
//! and the webhook rules are the core's.

#![allow(missing_docs)] // the public surface is documented in index.d.ts

use std::rc::Rc;

use callwaitingai::webhooks::{self as core, Provider, VerifyOptions};
use callwaitingai::{Client, Page, RequestOptions};
use futures::lock::Mutex;
use futures::stream::{LocalBoxStream, StreamExt};
use js_sys::{Promise, Uint8Array};
use serde_json::{Map, Value, json};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// A core error as the JS layer's `NativeError` (the same fields the Node addon sends).
fn error_json(e: &callwaitingai::Error) -> Value {
    let headers: Map<String, Value> = e
        .headers()
        .map(|h| {
            h.iter()
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().into()))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "kind": e.kind(),
        "status": e.status(),
        "code": e.code(),
        "message": e.message(),
        "requestId": e.request_id(),
        "headers": headers,
        "data": e.api_error().and_then(|a| a.data.clone()),
        "retryAfterMs": e
            .api_error()
            .and_then(callwaitingai::ApiError::retry_after)
            .map(|d| d.as_secs_f64() * 1000.0),
        "body": e.api_error().map(|a| String::from_utf8_lossy(&a.body).into_owned()),
    })
}

fn failed(e: &callwaitingai::Error) -> JsValue {
    JsValue::from_str(&json!({ "error": error_json(e) }).to_string())
}

fn invalid(message: String) -> callwaitingai::Error {
    callwaitingai::Error::InvalidInput(message)
}

/// `null`/`undefined` or a JSON text.
fn parse_json(what: &str, text: Option<String>) -> callwaitingai::Result<Option<Value>> {
    text.map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(|e| invalid(format!("{what} is not JSON: {e}")))
}

/// Per-request options, as the JSON of `{timeout, maxRetries, headers, idempotencyKey}`;
/// `timeout` in milliseconds.
fn options(text: Option<String>) -> callwaitingai::Result<RequestOptions> {
    let mut opts = RequestOptions::new();
    let Some(Value::Object(o)) = parse_json("the request options", text)? else {
        return Ok(opts);
    };
    match o.get("timeout") {
        None | Some(Value::Null) => {}
        // JSON has no NaN or infinities: JSON.stringify turns them into null, so the JS
        // layer checks those; numbers are checked here.
        Some(t) => {
            let t = t.as_f64().ok_or_else(|| {
                invalid(format!("timeout must be a number of milliseconds, got {t}"))
            })?;
            opts = opts.timeout(callwaitingai::bindings::timeout(t, 1000.0, "milliseconds")?);
        }
    }
    if let Some(n) = o.get("maxRetries").and_then(Value::as_u64) {
        opts = opts.max_retries(u32::try_from(n).unwrap_or(u32::MAX));
    }
    if let Some(Value::Object(h)) = o.get("headers") {
        for (k, v) in h {
            let v = match v {
                Value::String(s) => s.clone(),
                Value::Null => continue,
                other => other.to_string(),
            };
            opts = opts.header(k.clone(), v);
        }
    }
    if let Some(k) = o.get("idempotencyKey").and_then(Value::as_str) {
        opts = opts.idempotency_key(k);
    }
    Ok(opts)
}

#[wasm_bindgen]
pub struct NativeClient {
    client: Client,
}

#[wasm_bindgen]
impl NativeClient {
    /// `timeout` in milliseconds. Throws on a missing key or a malformed base URL.
    #[wasm_bindgen(constructor)]
    pub fn new(
        api_key: Option<String>,
        base_url: Option<String>,
        max_retries: Option<u32>,
        timeout: Option<f64>,
        runtime: Option<String>,
    ) -> Result<NativeClient, JsError> {
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
                .map_err(|e| JsError::new(&e.message()))?;
            b = b.timeout(t);
        }
        b = b.user_agent(callwaitingai::bindings::user_agent(
            "web",
            runtime.as_deref().unwrap_or_default(),
        ));
        b.build()
            .map(|client| Self { client })
            .map_err(|e| JsError::new(&e.message()))
    }

    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.client.base_url().to_string()
    }

    #[wasm_bindgen(getter, js_name = displayBaseUrl)]
    pub fn display_base_url(&self) -> String {
        self.client.display_base_url()
    }

    #[wasm_bindgen(getter, js_name = userAgent)]
    pub fn user_agent(&self) -> String {
        self.client.user_agent().to_string()
    }

    /// Any operation by its operationId. Resolves to the JSON text of `{status, headers, data}`
    /// or `{error}`; never rejects.
    pub fn request(
        &self,
        op: String,
        ids: Vec<String>,
        query: Option<String>,
        body: Option<String>,
        opts: Option<String>,
    ) -> Promise {
        let client = self.client.clone();
        future_to_promise(async move {
            let prepared = (|| {
                Ok((
                    parse_json("query", query)?,
                    parse_json("body", body)?,
                    options(opts)?,
                ))
            })();
            let (query, body, opts) = match prepared {
                Ok(p) => p,
                Err(e) => return Ok(failed(&e)),
            };
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let res = client
                .operation(&op, &ids, query, body)
                .options(opts)
                .send_with_response()
                .await;
            Ok(match res {
                Ok(r) => {
                    let headers: Map<String, Value> = r
                        .headers
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().into()))
                        .collect();
                    JsValue::from_str(
                        &json!({ "status": r.status, "headers": headers, "data": r.data })
                            .to_string(),
                    )
                }
                Err(e) => failed(&e),
            })
        })
    }

    /// The first page of a list: resolves to a `NativePage`, or to the JSON text of `{error}`.
    pub fn list(
        &self,
        op: String,
        ids: Vec<String>,
        query: Option<String>,
        opts: Option<String>,
    ) -> Promise {
        let client = self.client.clone();
        future_to_promise(async move {
            let prepared = (|| Ok((parse_json("query", query)?, options(opts)?)))();
            let (query, opts) = match prepared {
                Ok(p) => p,
                Err(e) => return Ok(failed(&e)),
            };
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let res = client.list_operation(&op, &ids, query).options(opts).await;
            Ok(page_outcome(res.map(Some)))
        })
    }
}

/// A page of a list.
#[wasm_bindgen]
pub struct NativePage {
    page: Page<Value>,
}

fn page_outcome(r: callwaitingai::Result<Option<Page<Value>>>) -> JsValue {
    match r {
        Ok(Some(page)) => NativePage { page }.into(),
        Ok(None) => JsValue::NULL,
        Err(e) => failed(&e),
    }
}

#[wasm_bindgen]
impl NativePage {
    /// The items, as a JSON array text.
    #[wasm_bindgen(getter, js_name = dataJson)]
    pub fn data_json(&self) -> String {
        Value::Array(self.page.data.clone()).to_string()
    }

    #[wasm_bindgen(getter, js_name = hasMore)]
    pub fn has_more(&self) -> bool {
        self.page.has_more
    }

    #[wasm_bindgen(getter, js_name = nextCursor)]
    pub fn next_cursor(&self) -> Option<String> {
        self.page.next_cursor.clone()
    }

    /// Resolves to the next `NativePage`, `null` after the last, or the JSON text of `{error}`.
    #[wasm_bindgen(js_name = nextPage)]
    pub fn next_page(&self) -> Promise {
        let page = self.page.clone();
        future_to_promise(async move { Ok(page_outcome(page.next_page().await)) })
    }

    /// Every item from this page on.
    pub fn items(&self) -> NativeItems {
        NativeItems {
            stream: Rc::new(Mutex::new(self.page.clone().into_stream().boxed_local())),
        }
    }
}

#[wasm_bindgen]
pub struct NativeItems {
    stream: Rc<Mutex<LocalBoxStream<'static, callwaitingai::Result<Value>>>>,
}

#[wasm_bindgen]
impl NativeItems {
    /// Resolves to the JSON text of `{done, value}` or `{done: true, error}`.
    pub fn next(&self) -> Promise {
        let stream = Rc::clone(&self.stream);
        future_to_promise(async move {
            let out = match stream.lock().await.next().await {
                Some(Ok(v)) => json!({ "done": false, "value": v }),
                Some(Err(e)) => json!({ "done": true, "error": error_json(&e) }),
                None => json!({ "done": true }),
            };
            Ok(JsValue::from_str(&out.to_string()))
        })
    }
}

// --- webhooks ---------------------------------------------------------------------------------

/// Webhook failures throw an Error whose message starts with the kind (`kind: message`).
fn webhook_error(e: core::WebhookError) -> JsError {
    JsError::new(&e.to_string())
}

/// A string or a `Uint8Array`, as bytes.
fn bytes(payload: &JsValue) -> Result<Vec<u8>, JsError> {
    if let Some(s) = payload.as_string() {
        return Ok(s.into_bytes());
    }
    match payload.dyn_ref::<Uint8Array>() {
        Some(a) => Ok(a.to_vec()),
        None => Err(JsError::new(
            "invalid_payload: the payload must be a string or a Uint8Array (the raw request body)",
        )),
    }
}

#[wasm_bindgen]
pub struct NativeWebhook {
    inner: core::Webhook,
}

#[wasm_bindgen]
impl NativeWebhook {
    #[wasm_bindgen(constructor)]
    pub fn new(secret: &str) -> Result<NativeWebhook, JsError> {
        core::Webhook::new(secret)
            .map(|inner| Self { inner })
            .map_err(webhook_error)
    }

    /// Checks headers and signature only; the JS layer parses the verified body.
    #[wasm_bindgen(js_name = verifySignature)]
    pub fn verify_signature(
        &self,
        payload: &JsValue,
        headers: &str,
        now: Option<f64>,
        tolerance: Option<u32>,
    ) -> Result<(), JsError> {
        let o = verify_options(None, tolerance, now);
        self.inner
            .verify_signature(
                &bytes(payload)?,
                callwaitingai::bindings::joined_header_pairs(headers).as_slice(),
                &o,
            )
            .map_err(webhook_error)
    }

    pub fn sign(&self, msg_id: &str, timestamp: f64, payload: &JsValue) -> Result<String, JsError> {
        self.inner
            .try_sign(msg_id, unix_secs(timestamp), &bytes(payload)?)
            .map_err(webhook_error)
    }
}

/// Unix seconds from a JS number (fractions dropped; out-of-range values saturate, and the
/// core then rejects them as outside the tolerance).
#[allow(clippy::cast_possible_truncation)] // `as` saturates, which is the intent
fn unix_secs(n: f64) -> i64 {
    n as i64
}

fn verify_options(url: Option<String>, tolerance: Option<u32>, now: Option<f64>) -> VerifyOptions {
    let mut o = VerifyOptions::new();
    if let Some(u) = url {
        o = o.url(u);
    }
    if let Some(t) = tolerance {
        o = o.tolerance_secs(u64::from(t));
    }
    if let Some(n) = now {
        o = o.now(unix_secs(n));
    }
    o
}

#[wasm_bindgen(js_name = nativeVerifyWebhook)]
pub fn native_verify_webhook(
    provider: &str,
    payload: &JsValue,
    headers: &str,
    secret: &str,
    url: Option<String>,
    tolerance: Option<u32>,
    now: Option<f64>,
) -> Result<(), JsError> {
    let provider: Provider = provider
        .parse()
        .map_err(|e: core::UnknownProvider| JsError::new(&e.to_string()))?;
    let o = verify_options(url, tolerance, now);
    core::verify(
        provider,
        &bytes(payload)?,
        callwaitingai::bindings::joined_header_pairs(headers).as_slice(),
        secret,
        &o,
    )
    .map_err(webhook_error)
}

#[wasm_bindgen(js_name = nativeMetaSubscriptionChallenge)]
pub fn native_meta_subscription_challenge(
    query: &str,
    verify_token: &str,
) -> Result<String, JsError> {
    core::meta_subscription_challenge(query, verify_token).map_err(webhook_error)
}

/// Every operation as `[operationId, method, pathParams, listOf, takesQuery, takesBody]`, as
/// a JSON text, for the JS resource layer.
#[wasm_bindgen(js_name = operationsJson)]
pub fn operations_json() -> String {
    Value::Array(callwaitingai::bindings::operation_rows()).to_string()
}
