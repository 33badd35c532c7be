//! A webhook receiver for the round-trip cases: the reference server delivers to
//! `POST /r/{run}`; a runner collects what arrived with `GET /r/{run}?n=N` (waits up to 15 s
//! for N deliveries) and verifies it with its SDK.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::Notify;

#[derive(Clone, Default)]
struct Inbox {
    runs: Arc<Mutex<HashMap<String, Vec<Value>>>>,
    arrived: Arc<Notify>,
}

pub struct Receiver {
    base: String,
    inbox: Inbox,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Receiver {
    pub async fn start() -> std::io::Result<Receiver> {
        let inbox = Inbox::default();
        let app = Router::new()
            .route("/r/{run}", post(deliver).get(collect))
            .with_state(inbox.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Receiver {
            base,
            inbox,
            stop: Some(tx),
        })
    }

    /// The body of every delivery received so far, in every run.
    pub fn bodies(&self) -> Vec<String> {
        self.inbox
            .runs
            .lock()
            .map(|runs| {
                runs.values()
                    .flatten()
                    .filter_map(|d| d["body"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The URL a run's deliveries go to.
    pub fn url(&self, run: &str) -> String {
        format!("{}/r/{run}", self.base)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

async fn deliver(
    State(inbox): State<Inbox>,
    Path(run): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let headers: serde_json::Map<String, Value> = headers
        .iter()
        .filter_map(|(k, v)| Some((k.to_string(), Value::String(v.to_str().ok()?.to_string()))))
        .collect();
    let delivery = json!({"headers": headers, "body": String::from_utf8_lossy(&body)});
    if let Ok(mut runs) = inbox.runs.lock() {
        runs.entry(run).or_default().push(delivery);
    }
    inbox.arrived.notify_waiters();
    StatusCode::NO_CONTENT
}

async fn collect(
    State(inbox): State<Inbox>,
    Path(run): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> axum::Json<Value> {
    let n: usize = q.get("n").and_then(|n| n.parse().ok()).unwrap_or(1);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let arrived = inbox.arrived.notified();
        let got = inbox
            .runs
            .lock()
            .map(|runs| runs.get(&run).cloned().unwrap_or_default())
            .unwrap_or_default();
        if got.len() >= n || tokio::time::Instant::now() >= deadline {
            return axum::Json(Value::Array(got));
        }
        let _ = tokio::time::timeout_at(deadline, arrived).await;
    }
}
