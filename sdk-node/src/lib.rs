//! The native addon of `@callwaitingai/sdk`: the napi provider of the one JS layer
//! (`sdk-js/client.cjs`).
//!
//! A translation, nothing more: JSON in and out (Node uses the wire's camelCase names, so
//! nothing is renamed), options handed to `callwaitingai::bindings::options` as the JS layer
//! received them, calls bridged to Promises on napi's tokio runtime, and every failure returned
//! as data (`{class, fields}`, from `callwaitingai::bindings::errors`) that the JS layer throws
//! as that class. Nothing here decides anything.

#![allow(missing_docs)] // the public surface is documented in sdk-js/index.d.ts

use std::pin::Pin;
use std::sync::Arc;

use callwaitingai::bindings::webhooks as hooks;
use callwaitingai::bindings::{self, Failure, Style};
use callwaitingai::webhooks as core;
use callwaitingai::{Client, Page};
use futures::{Stream, StreamExt};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

/// A client failure as `{class, fields}`.
fn failure(e: &callwaitingai::Error) -> Value {
    bindings::failure(e, Style::JavaScript).to_json()
}

/// A value or the failure that stopped it.
#[napi(object)]
pub struct Outcome {
    pub value: Option<Value>,
    pub error: Option<Value>,
}

impl Outcome {
    fn of<T: Into<Value>, E>(r: std::result::Result<T, E>, f: impl Fn(&E) -> Value) -> Self {
        match r {
            Ok(v) => Self {
                value: Some(v.into()),
                error: None,
            },
            Err(e) => Self {
                value: None,
                error: Some(f(&e)),
            },
        }
    }
}

#[napi]
pub struct NativeClient {
    client: Client,
}

#[napi(object, object_from_js = false)]
pub struct ClientOutcome {
    pub client: Option<NativeClient>,
    pub error: Option<Value>,
}

/// A client from the options as the user gave them (JSON text); `runtime` names the JS
/// runtime for `User-Agent` (`node/20.11.0`).
#[napi]
pub fn create_client(options: Option<String>, runtime: String) -> ClientOutcome {
    let builder = Client::builder().user_agent(bindings::user_agent("node", &runtime));
    client_outcome(bindings::options::client_json(
        Style::JavaScript,
        builder,
        options.as_deref(),
    ))
}

fn client_outcome(r: callwaitingai::Result<Client>) -> ClientOutcome {
    match r {
        Ok(client) => ClientOutcome {
            client: Some(NativeClient { client }),
            error: None,
        },
        Err(e) => ClientOutcome {
            client: None,
            error: Some(failure(&e)),
        },
    }
}

/// A call's body and what its response says besides (`bindings::response_fields`), or the
/// failure.
#[napi(object)]
pub struct CallOutcome {
    pub data: Option<Value>,
    pub response: Option<Value>,
    pub error: Option<Value>,
}

#[napi]
impl NativeClient {
    /// A client with some options changed (JSON text, as for `createClient`), sharing this
    /// one's connection pool.
    #[napi]
    pub fn with_options(&self, options: Option<String>) -> ClientOutcome {
        client_outcome(bindings::options::client_json(
            Style::JavaScript,
            self.client.to_builder(),
            options.as_deref(),
        ))
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
    /// `typed`: the answer must decode as the operation's model (the typed methods).
    #[napi]
    #[allow(clippy::too_many_arguments)] // the call's parts, as the JS layer passes them
    pub async fn request(
        &self,
        op: String,
        ids: Vec<String>,
        query: Option<String>,
        body: Option<String>,
        options: Option<String>,
        typed: Option<bool>,
        abort: Option<u32>,
    ) -> CallOutcome {
        let sent = async {
            bindings::calls::prepare_json(
                Style::JavaScript,
                &op,
                ids,
                query.as_deref(),
                body.as_deref(),
                options.as_deref(),
                typed.unwrap_or(false),
            )?
            .send(&self.client)
            .await
        };
        match bindings::abort::run(abort, sent).await {
            Ok((data, response)) => CallOutcome {
                data: Some(data),
                response: Some(response),
                error: None,
            },
            Err(e) => CallOutcome {
                data: None,
                response: None,
                error: Some(failure(&e)),
            },
        }
    }

    /// The first page of a list.
    #[napi]
    pub async fn list(
        &self,
        op: String,
        ids: Vec<String>,
        query: Option<String>,
        options: Option<String>,
        typed: Option<bool>,
        abort: Option<u32>,
    ) -> PageOutcome {
        let listed = async {
            bindings::calls::prepare_json(
                Style::JavaScript,
                &op,
                ids,
                query.as_deref(),
                None,
                options.as_deref(),
                typed.unwrap_or(false),
            )?
            .list(&self.client)
            .await
        };
        match bindings::abort::run(abort, listed).await {
            Ok((page, response)) => PageOutcome {
                page: Some(NativePage { page }),
                response: Some(response),
                error: None,
            },
            Err(e) => page_outcome(Err(e)),
        }
    }
}

#[napi(object, object_from_js = false)]
pub struct PageOutcome {
    pub page: Option<NativePage>,
    /// What the first page's response said; absent for the pages after it.
    pub response: Option<Value>,
    pub error: Option<Value>,
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
            response: None,
            error: None,
        },
        Err(e) => PageOutcome {
            page: None,
            response: None,
            error: Some(failure(&e)),
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
    pub error: Option<Value>,
}

#[napi]
impl NativeItems {
    #[napi]
    pub async fn next(&self) -> ItemOutcome {
        let next = self.stream.lock().await.next().await;
        ItemOutcome {
            done: !matches!(next, Some(Ok(_))),
            error: match &next {
                Some(Err(e)) => Some(failure(e)),
                _ => None,
            },
            value: match next {
                Some(Ok(v)) => Some(v),
                _ => None,
            },
        }
    }
}

// --- webhooks ---------------------------------------------------------------------------------

fn bytes(payload: Either<String, Uint8Array>) -> Vec<u8> {
    match payload {
        Either::A(s) => s.into_bytes(),
        Either::B(b) => b.to_vec(),
    }
}

/// A tolerance or a time from JS (NaN and the infinities included), for the core to check.
fn js_number(t: Option<f64>) -> Value {
    t.map(bindings::number).unwrap_or_default()
}

/// A failure as `{class, fields}`, or null.
fn failed(r: std::result::Result<(), Failure>) -> Option<Value> {
    r.err().map(|f| f.to_json())
}

#[napi]
pub struct NativeWebhook {
    inner: core::Webhook,
}

#[napi(object, object_from_js = false)]
pub struct WebhookOutcome {
    pub webhook: Option<NativeWebhook>,
    pub error: Option<Value>,
}

/// A verifier for one secret (`whsec_…`, `whpk_…`, `whsk_…`).
#[napi]
pub fn create_webhook(secret: String) -> WebhookOutcome {
    match hooks::webhook(Style::JavaScript, &secret) {
        Ok(inner) => WebhookOutcome {
            webhook: Some(NativeWebhook { inner }),
            error: None,
        },
        Err(f) => WebhookOutcome {
            webhook: None,
            error: Some(f.to_json()),
        },
    }
}

#[napi]
impl NativeWebhook {
    /// Checks headers and signature only (the JS layer parses the verified body with
    /// `JSON.parse`, faster than building the object here); the failure, or null.
    #[napi]
    pub fn verify_signature(
        &self,
        payload: Either<String, Uint8Array>,
        headers: String,
        now: Option<f64>,
        tolerance: Option<f64>,
    ) -> Option<Value> {
        failed(hooks::check_signature(
            Style::JavaScript,
            &self.inner,
            &bytes(payload),
            bindings::joined_header_pairs(&headers).as_slice(),
            &js_number(tolerance),
            now.map(bindings::unix_secs),
        ))
    }

    /// Checks a verified body as `verifyEvent` types it; the failure, or null.
    #[napi]
    pub fn check_event(&self, payload: Either<String, Uint8Array>) -> Option<Value> {
        failed(hooks::check_event(Style::JavaScript, &bytes(payload)))
    }

    #[napi]
    pub fn sign(
        &self,
        msg_id: String,
        timestamp: f64,
        payload: Either<String, Uint8Array>,
    ) -> Outcome {
        Outcome::of(
            hooks::sign(
                Style::JavaScript,
                &self.inner,
                &msg_id,
                bindings::unix_secs(timestamp),
                &bytes(payload),
            ),
            Failure::to_json,
        )
    }
}

/// Verifies a provider's webhook; the failure, or null.
#[napi]
pub fn verify_webhook(
    provider: String,
    payload: Either<String, Uint8Array>,
    headers: String,
    secret: String,
    url: Option<String>,
    tolerance: Option<f64>,
    now: Option<f64>,
) -> Option<Value> {
    failed(hooks::verify_provider(
        Style::JavaScript,
        &provider,
        &bytes(payload),
        bindings::joined_header_pairs(&headers).as_slice(),
        &secret,
        url,
        &js_number(tolerance),
        now.map(bindings::unix_secs),
    ))
}

/// Verifies and types a provider's webhook: `{value: [model, fields, lists]}` or `{error}`.
#[napi]
#[allow(clippy::too_many_arguments)] // the arguments of verifyWebhookEvent
pub fn verify_webhook_event(
    provider: String,
    payload: Either<String, Uint8Array>,
    headers: String,
    secret: String,
    url: Option<String>,
    tolerance: Option<f64>,
    now: Option<f64>,
) -> Outcome {
    Outcome::of(
        hooks::verify_provider_event(
            Style::JavaScript,
            &provider,
            &bytes(payload),
            bindings::joined_header_pairs(&headers).as_slice(),
            &secret,
            url,
            &js_number(tolerance),
            now.map(bindings::unix_secs),
        )
        .map(|(model, fields, lists)| serde_json::json!([model, fields, lists])),
        Failure::to_json,
    )
}

/// The headers `provider` would send: `{value: [[name, value]…]}` or `{error}`.
#[napi]
pub fn sign_webhook_request(
    provider: String,
    payload: Either<String, Uint8Array>,
    secret: String,
    url: Option<String>,
    timestamp: Option<f64>,
    msg_id: Option<String>,
) -> Outcome {
    Outcome::of(
        hooks::sign_request(
            Style::JavaScript,
            &provider,
            &bytes(payload),
            &secret,
            url,
            timestamp.map(bindings::unix_secs),
            msg_id,
        )
        .map(|pairs| serde_json::json!(pairs)),
        Failure::to_json,
    )
}

#[napi]
pub fn meta_subscription_challenge(query: String, verify_token: String) -> Outcome {
    Outcome::of(
        hooks::meta_challenge(Style::JavaScript, &query, &verify_token),
        Failure::to_json,
    )
}

/// A new abort id, for one call with an `AbortSignal`.
#[napi]
pub fn create_abort() -> u32 {
    bindings::abort::create()
}

/// Aborts the call of an abort id: it fails with `APIUserAbortError`.
#[napi]
pub fn abort(id: u32) {
    bindings::abort::abort(id);
}

/// Turns on request logging to stderr at `level` (the JS layer calls it when
/// `CALLWAITINGAI_LOG` is set). Credentials are never logged.
#[napi]
pub fn enable_logging(level: String) -> Option<Value> {
    bindings::enable_logging(&level).err().map(|e| failure(&e))
}

/// Every operation as `[operationId, method, pathParams, listOf, takesQuery, takesBody]`.
#[napi]
pub fn operations() -> Vec<Value> {
    bindings::operation_rows()
}

/// Every error class as `{name, parent, also}`, parents first.
#[napi]
pub fn error_classes() -> Vec<Value> {
    bindings::error_class_rows()
}
