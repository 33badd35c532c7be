//! The wasm module of `@callwaitingai/web`: the wasm provider of the one JS layer
//! (`sdk-js/client.cjs`), adapted to the napi addon's surface by `js/sdk.js`.
//!
//! A translation, nothing more: JSON crosses the boundary as text (`JSON.parse` is faster than
//! building JS objects field by field, and the module stays small), options go to
//! `callwaitingai::bindings::options` as the JS layer received them, and every failure comes
//! back as data (`{class, fields}`, from `callwaitingai::bindings::errors`) that the JS layer
//! throws as that class. Requests go through `fetch`; everything else is the core's.

#![allow(missing_docs)] // the public surface is documented in index.d.ts

use callwaitingai::Client;
use callwaitingai::bindings::exchange::{Exchange, Failed, Listing, Settled, Walk};
use callwaitingai::bindings::webhooks as hooks;
use callwaitingai::bindings::{self, Failure, Style};
use callwaitingai::webhooks as core;
use js_sys::Uint8Array;
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;

/// A client failure as `{class, fields}`.
fn failure(e: &callwaitingai::Error) -> Value {
    bindings::failure(e, Style::JavaScript).to_json()
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

    /// A list call: a `NativeListing`, or the failure's JSON text.
    #[wasm_bindgen(js_name = beginList)]
    pub fn begin_list(
        &self,
        op: String,
        ids: Vec<String>,
        query: Option<String>,
        opts: Option<String>,
        typed: Option<bool>,
    ) -> JsValue {
        let begun = bindings::calls::prepare_json(
            Style::JavaScript,
            &op,
            ids,
            query.as_deref(),
            None,
            opts.as_deref(),
            typed.unwrap_or(false),
        )
        .and_then(|call| call.listing(&self.client));
        match begun {
            Ok(listing) => NativeListing { listing }.into(),
            Err(e) => JsValue::from_str(&failure(&e).to_string()),
        }
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

/// A list call, page by page, driven by JavaScript: each page is a `NativeExchange` whose
/// answer is the list's envelope (`callwaitingai::bindings::exchange::Listing`).
#[wasm_bindgen]
pub struct NativeListing {
    listing: Listing,
}

#[wasm_bindgen]
impl NativeListing {
    /// The exchange of the page at `cursor` (absent: the first page), or the failure's JSON
    /// text.
    pub fn page(&self, cursor: Option<String>) -> JsValue {
        match self.listing.page(cursor.as_deref()) {
            Ok(exchange) => NativeExchange { exchange }.into(),
            Err(e) => JsValue::from_str(&failure(&e).to_string()),
        }
    }

    /// The cursor of the page after one that said `hasMore` and `nextCursor`; absent after
    /// the last page.
    #[wasm_bindgen(js_name = nextCursor)]
    pub fn next_cursor(has_more: bool, next_cursor: Option<String>) -> Option<String> {
        Listing::next_cursor(has_more, next_cursor.as_deref()).map(str::to_string)
    }
}

/// A walk over every item from one page on (`callwaitingai::bindings::exchange::Walk`).
#[wasm_bindgen]
pub struct NativeWalk {
    walk: Walk,
}

#[wasm_bindgen]
impl NativeWalk {
    #[wasm_bindgen(constructor)]
    pub fn new() -> NativeWalk {
        NativeWalk {
            walk: Walk::default(),
        }
    }

    /// After a page that said `hasMore` and `nextCursor`, as JSON text: `{"cursor"}` of the
    /// next page (`null` at the end), or `{"error"}`.
    pub fn next(&mut self, has_more: bool, next_cursor: Option<String>) -> String {
        match self.walk.next(has_more, next_cursor.as_deref()) {
            Ok(cursor) => json!({ "cursor": cursor }).to_string(),
            Err(e) => json!({ "error": failure(&e) }).to_string(),
        }
    }
}

impl Default for NativeWalk {
    fn default() -> Self {
        Self::new()
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
