//! `--record FILE`: every API exchange as a JSON line (method, route template, status, response
//! body), so that what clients saw can be checked against `openapi.yaml` afterwards (the
//! conformance suite does). `--latency`: a fixed delay before every API request, for testing
//! client timeouts.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// An append-only JSON-lines file of exchanges.
#[derive(Clone)]
pub(crate) struct Recorder(Arc<Mutex<std::fs::File>>);

impl Recorder {
    pub(crate) fn create(path: &Path) -> std::io::Result<Self> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(Self(Arc::new(Mutex::new(file))))
    }

    fn write(&self, line: &serde_json::Value) {
        let Ok(mut file) = self.0.lock() else { return };
        if let Err(e) = writeln!(file, "{line}") {
            tracing::warn!("--record: cannot write: {e}");
        }
    }
}

/// The route template that answered, carried on the response to [`record`].
#[derive(Clone)]
struct Route(String);

/// Marks the response with its route template (a route layer: routing has happened).
pub(crate) async fn mark_route(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| Route(p.as_str().to_string()));
    let mut res = next.run(req).await;
    if let Some(route) = route {
        res.extensions_mut().insert(route);
    }
    res
}

/// Records the final response (outside the request-id layer, which completes error bodies) of
/// a matched API route. A response whose body fails (a dropped connection, from fault
/// injection) is not recorded, and still fails.
pub(crate) async fn record(State(recorder): State<Recorder>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let res = next.run(req).await;
    let Some(Route(route)) = res.extensions().get::<Route>().cloned() else {
        return res;
    };
    let (parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            let stream = futures::stream::once(async move { Err::<Bytes, _>(e) });
            return Response::from_parts(parts, Body::from_stream(stream));
        }
    };
    let content_type = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let parsed: Option<serde_json::Value> = if content_type.starts_with("application/json") {
        serde_json::from_slice(&bytes).ok()
    } else {
        None
    };
    recorder.write(&serde_json::json!({
        "method": method,
        "route": route.strip_prefix("/api/v1").unwrap_or(&route),
        "status": parts.status.as_u16(),
        "contentType": content_type,
        "body": parsed,
    }));
    Response::from_parts(parts, Body::from(bytes))
}

/// Waits `latency` before handling each API request.
pub(crate) async fn delay(State(latency): State<Duration>, req: Request, next: Next) -> Response {
    tokio::time::sleep(latency).await;
    next.run(req).await
}
