//! The Rust client against the reference server (in process, on 127.0.0.1:0).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod edge_cases;
mod errors;
mod every_operation;
mod hostile;
mod pagination;
mod retries;
