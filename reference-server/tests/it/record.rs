//! `--record` writes every API exchange as it left the server; `--latency` delays requests.

use std::time::{Duration, Instant};

use callwaitingai_server::start;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{KEY_A, call, config};

#[tokio::test]
async fn record_writes_final_responses_with_their_route_templates() {
    let dir = std::env::temp_dir().join(format!("cw-record-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("exchanges.jsonl");
    let _ = std::fs::remove_file(&file);
    let server = start(callwaitingai_server::Config {
        record: Some(file.clone()),
        ..config()
    })
    .await
    .unwrap();
    let created = call(
        &server,
        Method::POST,
        "/api/v1/leads",
        Some(KEY_A),
        Some(json!({"name": "Rec"})),
    )
    .await;
    call(
        &server,
        Method::GET,
        "/api/v1/leads/lead_missing",
        Some(KEY_A),
        None,
    )
    .await;
    call(&server, Method::GET, "/api/v1/leads", None, None).await;
    call(
        &server,
        Method::GET,
        "/api/v1/no-such-route",
        Some(KEY_A),
        None,
    )
    .await;
    server.shutdown().await.unwrap();

    let lines: Vec<Value> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        lines.len(),
        3,
        "unmatched routes are not recorded: {lines:?}"
    );
    assert_eq!(lines[0]["route"], "/leads");
    assert_eq!(lines[0]["status"], 201);
    assert_eq!(lines[0]["body"], created.body);
    assert_eq!(lines[1]["route"], "/leads/{id}");
    // Error bodies as clients get them: completed with the request id.
    assert_eq!(lines[1]["body"]["error"]["code"], "NOT_FOUND");
    assert!(
        lines[1]["body"]["error"]["requestId"]
            .as_str()
            .unwrap()
            .starts_with("req_")
    );
    assert_eq!(lines[2]["status"], 401);
    assert_eq!(lines[2]["contentType"], "application/json");
}

#[tokio::test]
async fn latency_delays_every_api_request() {
    let server = start(callwaitingai_server::Config {
        latency: Duration::from_millis(300),
        ..config()
    })
    .await
    .unwrap();
    let t = Instant::now();
    let reply = call(&server, Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(reply.status, 200);
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
    server.shutdown().await.unwrap();
}
