//! Official Rust SDK for the CallWaitingAI API.
//!
//! - [`Client`]: every operation of the API through resource handles (`client.leads()`,
//!   `client.calls()`, …), with retries, idempotency keys, timeouts and a deadline, typed errors
//!   ([`Error`]) and pages that stream every item ([`Page`], [`ListRequest::into_stream`]).
//! - [`models`]: the request and response types of every operation, generated from `openapi.yaml`.
//! - [`operations::OPERATIONS`]: the table of every HTTP operation of the API.
//! - [`webhooks`]: verification of signed webhooks, ours (Standard Webhooks) and those of the
//!   providers our customers also receive webhooks from (Stripe, GitHub, Meta, Twilio, Slack,
//!   Calendly).

mod client;
mod error;
mod generated;
pub mod naming;
mod pagination;
mod patch;
mod redact;
mod request;
mod retry;
mod shape;
mod transport;
mod web_url;
pub mod webhooks;

pub use client::{
    Client, ClientBuilder, DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT, RUST_USER_AGENT, RateLimit, RequestInfo, RequestOptions, Response,
};
pub use error::{ApiError, Error, Result};
pub use generated::{models, operations, resources, schemas};
pub use request::{Request, RequestFuture};

#[doc(hidden)]
pub mod bindings;
pub use pagination::{ListRequest, Page};
pub use patch::Patch;
