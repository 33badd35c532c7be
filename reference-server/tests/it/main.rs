//! Integration tests of the reference server over real HTTP on 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod analytics;
mod api_keys;
mod auth;
mod binary;
mod calls_chat;
mod cli;
mod idempotency;
mod instances;
mod leads;
mod login;
mod receiver;
mod record;
mod support;
mod webhooks;
