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

use callwaitingai::bindings::{self, Style};
use callwaitingai::webhooks::{self as core, WebhookError};
use callwaitingai::{Client, Page};
use futures::{Stream, StreamExt};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

/// A client failure as `{class, fields}`.
fn failure(e: &callwaitingai::Error) -> Value {
    bindings::failure(e, Style::JavaScript).to_json()
}

/// A webhook failure as `{class, fields}`.
fn webhook_failure(e: &WebhookError) -> Value {
    bindings::webhook_failure(e, Style::JavaScript).to_json()
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
    pub async fn request(
        &self,
        op: String,
        ids: Vec<String>,
        query: Option<Value>,
        body: Option<Value>,
        options: Option<String>,
        typed: Option<bool>,
    ) -> CallOutcome {
        let sent = async {
            let opts =
                bindings::options::request_options_json(Style::JavaScript, options.as_deref())?
                    .validate_response(typed.unwrap_or(false));
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            self.client
                .operation(&op, &ids, query, body)
                .options(opts)
                .send_with_response()
                .await
        };
        match sent.await {
            Ok(r) => CallOutcome {
                response: Some(bindings::response_fields(Style::JavaScript, &r)),
                data: Some(r.data),
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
        query: Option<Value>,
        options: Option<String>,
        typed: Option<bool>,
    ) -> PageOutcome {
        let listed = async {
            let opts =
                bindings::options::request_options_json(Style::JavaScript, options.as_deref())?
                    .validate_response(typed.unwrap_or(false));
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            self.client
                .list_operation(&op, &ids, query)
                .options(opts)
                .send_with_response()
                .await
        };
        match listed.await {
            Ok(r) => PageOutcome {
                response: Some(bindings::response_fields(Style::JavaScript, &r)),
                page: Some(NativePage { page: r.data }),
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

/// Verification options from the JS layer; a bad tolerance is invalid input.
fn verify_options(
    now: Option<f64>,
    tolerance: Option<f64>,
    url: Option<String>,
) -> callwaitingai::Result<core::VerifyOptions> {
    let tolerance = match tolerance {
        Some(t) => bindings::options::tolerance(Style::JavaScript, &bindings::number(t))?,
        None => None,
    };
    Ok(bindings::verify_options(
        now.map(bindings::unix_secs),
        tolerance,
        url,
    ))
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
    match core::Webhook::new(&secret) {
        Ok(inner) => WebhookOutcome {
            webhook: Some(NativeWebhook { inner }),
            error: None,
        },
        Err(e) => WebhookOutcome {
            webhook: None,
            error: Some(webhook_failure(&e)),
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
        let opts = match verify_options(now, tolerance, None) {
            Ok(o) => o,
            Err(e) => return Some(failure(&e)),
        };
        self.inner
            .verify_signature(
                &bytes(payload),
                bindings::joined_header_pairs(&headers).as_slice(),
                &opts,
            )
            .err()
            .map(|e| webhook_failure(&e))
    }

    #[napi]
    pub fn sign(
        &self,
        msg_id: String,
        timestamp: f64,
        payload: Either<String, Uint8Array>,
    ) -> Outcome {
        Outcome::of(
            self.inner
                .try_sign(&msg_id, bindings::unix_secs(timestamp), &bytes(payload)),
            webhook_failure,
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
    let checked =
        bindings::provider(&provider).and_then(|p| Ok((p, verify_options(now, tolerance, url)?)));
    let (provider, opts) = match checked {
        Ok(c) => c,
        Err(e) => return Some(failure(&e)),
    };
    core::verify(
        provider,
        &bytes(payload),
        bindings::joined_header_pairs(&headers).as_slice(),
        &secret,
        &opts,
    )
    .err()
    .map(|e| webhook_failure(&e))
}

#[napi]
pub fn meta_subscription_challenge(query: String, verify_token: String) -> Outcome {
    Outcome::of(
        core::meta_subscription_challenge(&query, &verify_token),
        webhook_failure,
    )
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
