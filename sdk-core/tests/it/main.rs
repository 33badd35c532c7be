//! Integration tests of the `callwaitingai` crate (one binary, to save link time).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod models;
mod webhook_props;
mod webhook_rules;
mod webhook_vectors;
