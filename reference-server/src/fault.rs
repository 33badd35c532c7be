//! `--fault-rate P --fault-seed N`: a share of API requests fails on purpose, reproducibly.
//!
//! A fault is one of: a 500 before the work, a 503 with `Retry-After: 0` before the work, a
//! dropped connection before the work, or (the hard ones for clients) a dropped connection or a
//! 500 *after* the work was committed. `/health` is never faulted.

use std::sync::Mutex;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::AppState;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    ErrorBefore,
    UnavailableBefore,
    DropBefore,
    DropAfter,
    ErrorAfter,
}

/// The fault plan: a rate and a seeded generator.
pub struct Faults {
    rate: f64,
    rng: Mutex<StdRng>,
}

impl Faults {
    pub fn new(rate: f64, seed: u64) -> Self {
        Self {
            rate: rate.clamp(0.0, 1.0),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }

    fn pick(&self) -> Option<Fault> {
        if self.rate <= 0.0 {
            return None;
        }
        let mut rng = match self.rng.lock() {
            Ok(r) => r,
            Err(p) => p.into_inner(),
        };
        if rng.random::<f64>() >= self.rate {
            return None;
        }
        Some(match rng.random_range(0..5) {
            0 => Fault::ErrorBefore,
            1 => Fault::UnavailableBefore,
            2 => Fault::DropBefore,
            3 => Fault::DropAfter,
            _ => Fault::ErrorAfter,
        })
    }
}

/// A response whose body fails at once: hyper aborts the connection, and the client sees it
/// dropped without a complete response.
fn dropped() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("fault injection: connection dropped"))
    });
    Response::new(Body::from_stream(stream))
}

fn injected_500() -> Response {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_SERVER_ERROR",
        "internal server error (injected fault)",
    )
    .into_response()
}

pub async fn inject(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(fault) = state.faults.pick() else {
        return next.run(req).await;
    };
    tracing::debug!(?fault, path = %req.uri().path(), "injecting a fault");
    match fault {
        Fault::ErrorBefore => injected_500(),
        Fault::UnavailableBefore => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "service unavailable (injected fault)",
        )
        .with_retry_after(0)
        .into_response(),
        Fault::DropBefore => dropped(),
        Fault::DropAfter => {
            let _ = next.run(req).await;
            dropped()
        }
        Fault::ErrorAfter => {
            let _ = next.run(req).await;
            injected_500()
        }
    }
}
