//! Official Rust SDK for the CallWaitingAI API.
//!
//! - [`models`]: the request and response types of every operation, generated from `openapi.yaml`.
//! - [`operations::OPERATIONS`]: the table of every HTTP operation of the API.
//! - [`webhooks`]: verification of signed webhooks, ours (Standard Webhooks) and those of the
//!   providers our customers also receive webhooks from (Stripe, GitHub, Meta, Twilio, Slack,
//!   Calendly).

mod generated;
mod patch;
mod redact;
pub mod webhooks;

pub use generated::{models, operations};
pub use patch::Patch;
