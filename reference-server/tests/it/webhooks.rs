//! Webhook endpoints and durable, signed, retried deliveries.

use std::time::Duration;

use callwaitingai::webhooks::Webhook;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::receiver::Receiver;
use crate::support::*;

fn fast_config() -> callwaitingai_server::Config {
    let mut c = config();
    c.webhook_retry_delays = vec![Duration::from_millis(200), Duration::from_millis(200)];
    c
}

async fn endpoint(
    s: &callwaitingai_server::RunningServer,
    url: &str,
    events: Value,
) -> (String, String) {
    let r = post(
        s,
        "/api/v1/webhooks",
        KEY_A,
        json!({"url": url, "events": events, "description": "test"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    (
        r.body["id"].as_str().unwrap().to_string(),
        r.body["secret"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn endpoints_show_their_secret_once_and_validate_input() {
    let s = server().await;
    let (id, secret) = endpoint(&s, "https://example.com/hook", json!(["lead.created"])).await;
    assert!(secret.starts_with("whsec_"));
    Webhook::new(&secret).unwrap();
    let r = get(&s, &format!("/api/v1/webhooks/{id}"), KEY_A).await;
    assert!(r.body.get("secret").is_none(), "{}", r.body);
    assert!(
        !get(&s, "/api/v1/webhooks", KEY_A)
            .await
            .body
            .to_string()
            .contains(&secret)
    );
    let r = call(
        &s,
        Method::PATCH,
        &format!("/api/v1/webhooks/{id}"),
        Some(KEY_A),
        Some(json!({"enabled": false, "description": null})),
    )
    .await;
    assert_eq!(r.body["enabled"], false);
    assert_eq!(r.body["description"], Value::Null);
    for bad in [
        json!({"url": "ftp://x"}),
        json!({"url": "not a url"}),
        json!({"url": "https://x.com", "events": ["lead.exploded"]}),
        json!({"url": "https://x.com", "events": []}),
    ] {
        assert_eq!(
            post(&s, "/api/v1/webhooks", KEY_A, bad.clone())
                .await
                .error_code(),
            "VALIDATION_FAILED",
            "{bad}"
        );
    }
    assert_eq!(
        get(&s, &format!("/api/v1/webhooks/{id}"), KEY_B)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = call(
        &s,
        Method::DELETE,
        &format!("/api/v1/webhooks/{id}"),
        Some(KEY_A),
        None,
    )
    .await;
    assert_eq!(r.body["deleted"], true);
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn events_are_delivered_signed_and_retried_after_failures() {
    let receiver = Receiver::start(2).await;
    let s = callwaitingai_server::start(fast_config()).await.unwrap();
    let (wid, secret) = endpoint(&s, &receiver.url, json!(["*"])).await;
    let lead = post(&s, "/api/v1/leads", KEY_A, json!({"name": "Hooked"}))
        .await
        .body;

    // Two failures (500), then success: three requests, one message id.
    let got = receiver.wait_for(3).await;
    let wh = Webhook::new(&secret).unwrap();
    for r in &got {
        let event = wh
            .verify(&r.body, &r.headers)
            .expect("our signature verifies");
        assert_eq!(event["type"], "lead.created");
        assert_eq!(
            event["data"], lead,
            "data is the resource as the API returns it"
        );
        assert_eq!(
            r.header("webhook-id"),
            got[0].header("webhook-id"),
            "webhook-id is stable across retries"
        );
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let deliveries = get(&s, &format!("/api/v1/webhooks/{wid}/deliveries"), KEY_A)
        .await
        .body;
    let d = &deliveries["data"][0];
    assert_eq!(d["status"], "succeeded", "{deliveries}");
    assert_eq!(d["attempts"], 3);
    assert_eq!(d["lastStatusCode"], 204);
    assert_eq!(d["eventType"], "lead.created");
    assert_eq!(d["webhookId"], got[0].header("webhook-id"));

    // Replaying a delivery sends the same message again, with the same webhook-id.
    let r = post(
        &s,
        &format!(
            "/api/v1/webhooks/{wid}/deliveries/{}/retry",
            d["id"].as_str().unwrap()
        ),
        KEY_A,
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let got = receiver.wait_for(4).await;
    assert_eq!(got[3].header("webhook-id"), got[0].header("webhook-id"));
    assert_eq!(got[3].body, got[0].body);
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn deliveries_give_up_after_the_last_retry() {
    let receiver = Receiver::start(usize::MAX).await;
    let s = callwaitingai_server::start(fast_config()).await.unwrap();
    let (wid, _) = endpoint(&s, &receiver.url, json!(["webhook.test"])).await;
    let r = post(
        &s,
        &format!("/api/v1/webhooks/{wid}/test"),
        KEY_A,
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!(r.body["eventType"], "webhook.test");
    receiver.wait_for(3).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let d = get(
        &s,
        &format!("/api/v1/webhooks/{wid}/deliveries?status=failed"),
        KEY_A,
    )
    .await
    .body;
    assert_eq!(d["data"][0]["attempts"], 3, "{d}");
    assert_eq!(d["data"][0]["lastStatusCode"], 500);
    assert_eq!(d["data"][0]["nextAttemptAt"], Value::Null);
    assert_eq!(
        receiver.received().len(),
        3,
        "nothing after the dead letter"
    );
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn subscriptions_filter_events_and_changes_emit_their_events() {
    let receiver = Receiver::start(0).await;
    let s = server().await;
    endpoint(
        &s,
        &receiver.url,
        json!(["lead.converted", "call.ended", "chat.message_received"]),
    )
    .await;
    let lead = post(&s, "/api/v1/leads", KEY_A, json!({"name": "Quiet"}))
        .await
        .body;
    let path = format!("/api/v1/leads/{}", lead["id"].as_str().unwrap());
    call(
        &s,
        Method::PATCH,
        &path,
        Some(KEY_A),
        Some(json!({"status": "converted"})),
    )
    .await;
    let c = post(
        &s,
        "/api/v1/calls",
        KEY_A,
        json!({"direction": "inbound", "fromNumber": "1", "toNumber": "2"}),
    )
    .await
    .body;
    call(
        &s,
        Method::PATCH,
        &format!("/api/v1/calls/{}", c["id"].as_str().unwrap()),
        Some(KEY_A),
        Some(json!({"status": "completed"})),
    )
    .await;
    post(&s, "/api/v1/chat/message", KEY_A, json!({"content": "hi"})).await;
    // Another organisation's events never reach A's endpoint.
    post(&s, "/api/v1/leads", KEY_B, json!({"name": "B"})).await;
    let got = receiver.wait_for(3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut types: Vec<String> = receiver
        .received()
        .iter()
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    types.sort();
    assert_eq!(
        types,
        ["call.ended", "chat.message_received", "lead.converted"],
        "{got:?}"
    );
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_rotated_secret_keeps_signing_with_the_old_one_too() {
    let receiver = Receiver::start(0).await;
    let s = server().await;
    let (wid, old) = endpoint(&s, &receiver.url, json!(["webhook.test"])).await;
    let r = post(
        &s,
        &format!("/api/v1/webhooks/{wid}/rotate-secret"),
        KEY_A,
        json!({}),
    )
    .await;
    let new = r.body["secret"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    post(
        &s,
        &format!("/api/v1/webhooks/{wid}/test"),
        KEY_A,
        json!({}),
    )
    .await;
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].header("webhook-signature").split(' ').count(), 2);
    for secret in [&old, &new] {
        Webhook::new(secret)
            .unwrap()
            .verify(&got[0].body, &got[0].headers)
            .unwrap();
    }
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn pending_deliveries_resume_after_a_restart() {
    let dir = std::env::temp_dir().join(format!("cwai-resume-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("data.db");
    let _ = std::fs::remove_file(&db);
    let mut cfg = config();
    cfg.storage = callwaitingai_server::Storage::File(db);
    cfg.webhook_retry_delays = vec![Duration::from_secs(2)];
    // The receiver is down: the first attempt fails and the next is due 2 s later.
    let down = Receiver::start(usize::MAX).await;
    let s = callwaitingai_server::start(cfg.clone()).await.unwrap();
    let (wid, secret) = endpoint(&s, &down.url, json!(["*"])).await;
    post(&s, "/api/v1/leads", KEY_A, json!({"name": "Survivor"})).await;
    down.wait_for(1).await;
    s.shutdown().await.unwrap();
    // Restart, and point the endpoint at a working receiver: the restarted server's worker sends
    // the pending delivery when it falls due, with no one asking.
    let up = Receiver::start(0).await;
    let s = callwaitingai_server::start(cfg).await.unwrap();
    let d = get(
        &s,
        &format!("/api/v1/webhooks/{wid}/deliveries?status=pending"),
        KEY_A,
    )
    .await
    .body;
    assert_eq!(
        d["data"].as_array().unwrap().len(),
        1,
        "the delivery is still pending after the restart: {d}"
    );
    assert_eq!(d["data"][0]["attempts"], 1);
    call(
        &s,
        Method::PATCH,
        &format!("/api/v1/webhooks/{wid}"),
        Some(KEY_A),
        Some(json!({"url": up.url})),
    )
    .await;
    let got = up.wait_for(1).await;
    let event = Webhook::new(&secret)
        .unwrap()
        .verify(&got[0].body, &got[0].headers)
        .unwrap();
    assert_eq!(event["data"]["name"], "Survivor");
    s.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
