//! Webhook delivery under load: creates leads at a fixed rate (open loop, round-robin over the
//! given server instances), receives the `lead.created` deliveries on a local receiver, and
//! prints, per rate, the throughput and the p50/p95/p99 time from the event (the payload's
//! `timestamp`, written in the transaction of the change) to its receipt.
//!
//! `cargo bench -p callwaitingai-server --bench delivery -- KEY URL [URL…]` against running
//! servers; `cargo xtask bench-storage` starts them on SQLite and on PostgreSQL and runs it.
//! Prints one JSON line per rate.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

type Latencies = Arc<Mutex<Vec<(f64, Instant)>>>;

async fn receive(State(got): State<Latencies>, body: Bytes) -> &'static str {
    let now = OffsetDateTime::now_utc();
    let at = Instant::now();
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if let Some(ts) = event["timestamp"].as_str()
        && let Ok(t) = OffsetDateTime::parse(ts, &Rfc3339)
        && let Ok(mut got) = got.lock()
    {
        got.push(((now - t).as_seconds_f64() * 1000.0, at));
    }
    "ok"
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let [key, urls @ ..] = args.as_slice() else {
        eprintln!("usage: delivery KEY URL [URL…]");
        std::process::exit(2);
    };
    if urls.is_empty() {
        eprintln!("usage: delivery KEY URL [URL…]");
        std::process::exit(2);
    }
    let got: Latencies = Arc::default();
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(got.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the receiver");
    let hook = format!("http://{}/hook", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let http = reqwest::Client::new();
    let endpoint = http
        .post(format!("{}/api/v1/webhooks", urls[0]))
        .bearer_auth(key)
        .json(&json!({ "url": hook, "events": ["lead.created"] }))
        .send()
        .await
        .expect("register the receiver");
    assert!(endpoint.status().is_success(), "registering the receiver");

    let seconds = 5u32;
    for rate in [50u32, 200, 1000] {
        got.lock().expect("receiver").clear();
        let total = rate * seconds;
        let start = Instant::now();
        let mut tick = tokio::time::interval(Duration::from_secs(1) / rate);
        let mut sends = Vec::new();
        for i in 0..total {
            tick.tick().await;
            let url = &urls[i as usize % urls.len()];
            let req = http
                .post(format!("{url}/api/v1/leads"))
                .bearer_auth(key)
                .json(&json!({ "name": format!("Bench {i}") }))
                .send();
            sends.push(tokio::spawn(req));
        }
        let mut failed = 0;
        for s in sends {
            match s.await {
                Ok(Ok(r)) if r.status().is_success() => {}
                _ => failed += 1,
            }
        }
        let expected = (total - failed) as usize;
        let deadline = Instant::now() + Duration::from_secs(60);
        while got.lock().expect("receiver").len() < expected && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let got = got.lock().expect("receiver").clone();
        let mut ms: Vec<f64> = got.iter().map(|(l, _)| *l).collect();
        ms.sort_by(f64::total_cmp);
        let last = got.iter().map(|(_, at)| *at).max().unwrap_or(start);
        let span = last.duration_since(start).as_secs_f64();
        #[allow(clippy::cast_precision_loss)]
        let per_sec = got.len() as f64 / span.max(1e-9);
        println!(
            "{}",
            json!({
                "rate": rate,
                "events": total,
                "failedWrites": failed,
                "delivered": got.len(),
                "deliveredPerSec": (per_sec * 10.0).round() / 10.0,
                "p50ms": (percentile(&ms, 0.50) * 10.0).round() / 10.0,
                "p95ms": (percentile(&ms, 0.95) * 10.0).round() / 10.0,
                "p99ms": (percentile(&ms, 0.99) * 10.0).round() / 10.0,
            })
        );
    }
}
