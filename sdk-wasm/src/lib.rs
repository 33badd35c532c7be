//! The wasm module of `@callwaitingai/web`: the wasm provider of the one JS layer
//! (`sdk-js/client.cjs`), adapted to the napi addon's surface by `js/sdk.js`.
//!
//! A translation, nothing more: JSON crosses the boundary as text (`JSON.parse` is faster than
//! building JS objects field by field, and the module stays small), options go to
//! `callwaitingai::bindings::options` as the JS layer received them, and every failure comes
//! back as data (`{class, fields}`, from `callwaitingai::bindings::errors`) that the JS layer
//! throws as that class. Requests go through `fetch`; everything else is the core's.

#![allow(missing_docs)] // the public surface is documented in index.d.ts

use std::rc::Rc;

use callwaitingai::bindings::exchange::{Exchange, Failed, Settled};
use callwaitingai::bindings::webhooks as hooks;
use callwaitingai::bindings::{self, Failure, Style};
use callwaitingai::webhooks as core;
use callwaitingai::{Client, Page};
use futures::lock::Mutex;
use futures::stream::{LocalBoxStream, StreamExt};
use js_sys::{Promise, Uint8Array};
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// A client failure as `{class, fields}`.
fn failure(e: &callwaitingai::Error) -> Value {
    bindings::failure(e, Style::JavaScript).to_json()
}

/// `{"error": failure}` as JSON text.
fn failed(e: &callwaitingai::Error) -> JsValue {
    JsValue::from_str(&json!({ "error": failure(e) }).to_string())
}

/// A value or a failure as the JSON text `{value}` / `{error}`.
fn outcome<T: Into<Value>, E>(r: Result<T, E>, f: impl Fn(&E) -> Value) -> String {
    match r {
        Ok(v) => json!({ "value": v.into() }),
        Err(e) => json!({ "error": f(&e) }),
    }
    .to_string()
}

/// A client from the options as the user gave them (JSON text): the client, or the failure's
/// JSON text.
#[wasm_bindgen(js_name = createClient)]
pub fn create_client(options: Option<String>, runtime: &str) -> JsValue {
    let builder = Client::builder().user_agent(bindings::user_agent("web", runtime));
    client_outcome(bindings::options::client_json(
        Style::JavaScript,
        builder,
        options.as_deref(),
    ))
}

/// The client, or the failure's JSON text.
fn client_outcome(r: callwaitingai::Result<Client>) -> JsValue {
    match r {
        Ok(client) => NativeClient { client }.into(),
        Err(e) => JsValue::from_str(&failure(&e).to_string()),
    }
}

#[wasm_bindgen]
pub struct NativeClient {
    client: Client,
}

#[wasm_bindgen]
impl NativeClient {
    /// A client with some options changed (JSON text), sharing this one's connection pool:
    /// the client, or the failure's JSON text.
    #[wasm_bindgen(js_name = withOptions)]
    pub fn with_options(&self, options: Option<String>) -> JsValue {
        client_outcome(bindings::options::client_json(
            Style::JavaScript,
            self.client.to_builder(),
            options.as_deref(),
        ))
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

    /// Any operation by its operationId, for JavaScript to drive (`js/sdk.js`): a
    /// `NativeExchange`, or the JSON text of the failure.
    pub fn begin(
        &self,
        op: String,
        ids: Vec<String>,
        query: Option<String>,
        body: Option<String>,
        opts: Option<String>,
        typed: Option<bool>,
    ) -> JsValue {
        let begun = (|| {
            bindings::calls::prepare_json(
                Style::JavaScript,
                &op,
                ids,
                query.as_deref(),
                body.as_deref(),
                opts.as_deref(),
                typed.unwrap_or(false),
            )?
            .exchange(&self.client)
        })();
        match begun {
            Ok(exchange) => NativeExchange { exchange }.into(),
            Err(e) => JsValue::from_str(&failure(&e).to_string()),
        }
    }

    /// The first page of a list: resolves to a `NativePage`, or to the JSON text of `{error}`.
    pub fn list(
        &self,
        op: String,
        ids: Vec<String>,
        query: Option<String>,
        opts: Option<String>,
        typed: Option<bool>,
        abort: Option<u32>,
    ) -> Promise {
        let client = self.client.clone();
        future_to_promise(async move {
            let listed = async {
                bindings::calls::prepare_json(
                    Style::JavaScript,
                    &op,
                    ids,
                    query.as_deref(),
                    None,
                    opts.as_deref(),
                    typed.unwrap_or(false),
                )?
                .list(&client)
                .await
            };
            Ok(match bindings::abort::run(abort, listed).await {
                Ok((page, response)) => NativePage {
                    page,
                    response: Some(response),
                }
                .into(),
                Err(e) => failed(&e),
            })
        })
    }
}

/// One call's attempts, driven by JavaScript: `attempt()`, the runtime's `fetch`, then
/// `settle(…)` or `fail(…)`, until an answer or a failure (`callwaitingai::bindings::exchange`).
#[wasm_bindgen]
pub struct NativeExchange {
    exchange: Exchange,
}

/// What comes next, as JSON text: `{"data", "status"}`, `{"wait": ms}` or `{"error"}`.
fn settled(r: callwaitingai::Result<Settled>) -> String {
    match r {
        Ok(Settled::Answer { data, status }) => {
            let mut text = String::with_capacity(data.len() + 24);
            text.push_str("{\"data\":");
            text.push_str(&data);
            text.push_str(",\"status\":");
            text.push_str(&status.to_string());
            text.push('}');
            text
        }
        Ok(Settled::Wait(wait)) => json!({ "wait": wait.as_millis() as u64 }).to_string(),
        Err(e) => json!({ "error": failure(&e) }).to_string(),
    }
}

#[wasm_bindgen]
impl NativeExchange {
    /// The next attempt, `{"attempt": [method, url, headers, body, timeout, maxBytes]}`, or
    /// `{"error"}` (the deadline passed), as JSON text.
    pub fn attempt(&mut self) -> String {
        match self.exchange.attempt() {
            Ok(plan) => format!("{{\"attempt\":{plan}}}"),
            Err(e) => json!({ "error": failure(&e) }).to_string(),
        }
    }

    /// An answer: status, headers as `name:value` lines, the body (`undefined`: over the
    /// limit, not read).
    pub fn settle(&mut self, status: u16, head: &str, body: Option<Vec<u8>>) -> String {
        settled(self.exchange.settle(status, head, body))
    }

    /// No answer: `"fetch"` (rejected: `message` says why), `"timeout"` or `"abort"`.
    pub fn fail(&mut self, how: &str, message: String) -> String {
        settled(self.exchange.fail(Failed::named(how), message))
    }
}

/// A page of a list.
#[wasm_bindgen]
pub struct NativePage {
    page: Page<Value>,
    /// What the first page's response said; absent for the pages after it.
    response: Option<Value>,
}

fn page_outcome(r: callwaitingai::Result<Option<Page<Value>>>) -> JsValue {
    match r {
        Ok(Some(page)) => NativePage {
            page,
            response: None,
        }
        .into(),
        Ok(None) => JsValue::NULL,
        Err(e) => failed(&e),
    }
}

#[wasm_bindgen]
impl NativePage {
    /// What the first page's response said, as JSON text; absent for the pages after it.
    #[wasm_bindgen(getter, js_name = responseJson)]
    pub fn response_json(&self) -> Option<String> {
        self.response.as_ref().map(Value::to_string)
    }

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
                Some(Err(e)) => json!({ "done": true, "error": failure(&e) }),
                None => json!({ "done": true }),
            };
            Ok(JsValue::from_str(&out.to_string()))
        })
    }
}

// --- webhooks ---------------------------------------------------------------------------------

/// The raw body: a string or bytes (the JS layer has checked the type).
fn bytes(payload: &JsValue) -> Vec<u8> {
    match payload.as_string() {
        Some(s) => s.into_bytes(),
        None => payload
            .dyn_ref::<Uint8Array>()
            .map(Uint8Array::to_vec)
            .unwrap_or_default(),
    }
}

/// A tolerance from JS (NaN and the infinities included), for the core to check.
fn js_number(t: Option<f64>) -> Value {
    t.map(bindings::number).unwrap_or_default()
}

/// A failure's JSON text, or nothing.
fn failed_text(r: Result<(), Failure>) -> Option<String> {
    r.err().map(|f| f.to_json().to_string())
}

#[wasm_bindgen]
pub struct NativeWebhook {
    inner: core::Webhook,
}

/// A verifier for one secret, or the failure's JSON text.
/// What a successful call's response said besides its body (`.withResponse()`), as JSON text:
/// built from the status and the `head` a call answered with, when first asked for.
#[wasm_bindgen(js_name = responseFields)]
pub fn response_fields(status: u16, head: &str) -> String {
    bindings::response_fields_of(Style::JavaScript, status, head).to_string()
}

#[wasm_bindgen(js_name = createWebhook)]
pub fn create_webhook(secret: &str) -> JsValue {
    match hooks::webhook(Style::JavaScript, secret) {
        Ok(inner) => NativeWebhook { inner }.into(),
        Err(f) => JsValue::from_str(&f.to_json().to_string()),
    }
}

#[wasm_bindgen]
impl NativeWebhook {
    /// Checks headers and signature only (the JS layer parses the verified body); the
    /// failure's JSON text, or nothing.
    #[wasm_bindgen(js_name = verifySignature)]
    pub fn verify_signature(
        &self,
        payload: &JsValue,
        headers: &str,
        now: Option<f64>,
        tolerance: Option<f64>,
    ) -> Option<String> {
        failed_text(hooks::check_signature(
            Style::JavaScript,
            &self.inner,
            &bytes(payload),
            bindings::joined_header_pairs(headers).as_slice(),
            &js_number(tolerance),
            now.map(bindings::unix_secs),
        ))
    }

    /// Checks a verified body as `verifyEvent` types it: the failure's JSON text, or nothing.
    #[wasm_bindgen(js_name = checkEvent)]
    pub fn check_event(&self, payload: &JsValue) -> Option<String> {
        failed_text(hooks::check_event(Style::JavaScript, &bytes(payload)))
    }

    /// `{value}` or `{error}` as JSON text.
    pub fn sign(&self, msg_id: &str, timestamp: f64, payload: &JsValue) -> String {
        outcome(
            hooks::sign(
                Style::JavaScript,
                &self.inner,
                msg_id,
                bindings::unix_secs(timestamp),
                &bytes(payload),
            ),
            Failure::to_json,
        )
    }
}

/// A new abort id, for one call with an `AbortSignal`.
#[wasm_bindgen(js_name = createAbort)]
pub fn create_abort() -> u32 {
    bindings::abort::create()
}

/// Aborts the call of an abort id: it fails with `APIUserAbortError`.
#[wasm_bindgen]
pub fn abort(id: u32) {
    bindings::abort::abort(id);
}

/// Verifies a provider's webhook: the failure's JSON text, or nothing.
#[wasm_bindgen(js_name = verifyWebhook)]
pub fn verify_webhook(
    provider: &str,
    payload: &JsValue,
    headers: &str,
    secret: &str,
    url: Option<String>,
    tolerance: Option<f64>,
    now: Option<f64>,
) -> Option<String> {
    failed_text(hooks::verify_provider(
        Style::JavaScript,
        provider,
        &bytes(payload),
        bindings::joined_header_pairs(headers).as_slice(),
        secret,
        url,
        &js_number(tolerance),
        now.map(bindings::unix_secs),
    ))
}

/// Verifies and types a provider's webhook: `{value: [model, fields, lists]}` or `{error}` as
/// JSON text.
#[wasm_bindgen(js_name = verifyWebhookEvent)]
#[allow(clippy::too_many_arguments)] // the arguments of verifyWebhookEvent
pub fn verify_webhook_event(
    provider: &str,
    payload: &JsValue,
    headers: &str,
    secret: &str,
    url: Option<String>,
    tolerance: Option<f64>,
    now: Option<f64>,
) -> String {
    outcome(
        hooks::verify_provider_event(
            Style::JavaScript,
            provider,
            &bytes(payload),
            bindings::joined_header_pairs(headers).as_slice(),
            secret,
            url,
            &js_number(tolerance),
            now.map(bindings::unix_secs),
        )
        .map(|(model, fields, lists)| json!([model, fields, lists])),
        Failure::to_json,
    )
}

/// The headers `provider` would send: `{value: [[name, value]…]}` or `{error}` as JSON text.
#[wasm_bindgen(js_name = signWebhookRequest)]
pub fn sign_webhook_request(
    provider: &str,
    payload: &JsValue,
    secret: &str,
    url: Option<String>,
    timestamp: Option<f64>,
    msg_id: Option<String>,
) -> String {
    outcome(
        hooks::sign_request(
            Style::JavaScript,
            provider,
            &bytes(payload),
            secret,
            url,
            timestamp.map(bindings::unix_secs),
            msg_id,
        )
        .map(|pairs| json!(pairs)),
        Failure::to_json,
    )
}

/// `{value}` or `{error}` as JSON text.
#[wasm_bindgen(js_name = metaSubscriptionChallenge)]
pub fn meta_subscription_challenge(query: &str, verify_token: &str) -> String {
    outcome(
        hooks::meta_challenge(Style::JavaScript, query, verify_token),
        Failure::to_json,
    )
}

/// Every operation as `[operationId, method, pathParams, listOf, takesQuery, takesBody]`, as
/// JSON text.
#[wasm_bindgen(js_name = operationsJson)]
pub fn operations_json() -> String {
    Value::Array(bindings::operation_rows()).to_string()
}

/// Every error class as `{name, parent, also}`, parents first, as JSON text.
#[wasm_bindgen(js_name = errorClassesJson)]
pub fn error_classes_json() -> String {
    Value::Array(bindings::error_class_rows()).to_string()
}
