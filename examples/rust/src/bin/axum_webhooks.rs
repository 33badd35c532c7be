//! Receiving CallWaitingAI webhooks in axum: verify the raw body (`Bytes`) against the
//! `HeaderMap`, before any parsing.
//!
//! `CALLWAITINGAI_WEBHOOK_SECRET=whsec_... cargo run -p callwaitingai-examples --bin axum_webhooks`
//! serves it on 127.0.0.1:3000. With `--self-test` (what CI runs) it starts an embedded
//! reference server, registers the app as a webhook endpoint, creates a lead, and checks that
//! the signed delivery verified and that a forged one is refused.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use callwaitingai::Client;
use callwaitingai::models::{
    LeadCreateParams, WebhookEndpointCreateParams, WebhookEndpointUpdateParams,
    WebhooksDeliveriesParams,
};
use callwaitingai::webhooks::{Event, Webhook};

async fn callwaitingai_webhook(
    State(webhook): State<Arc<Webhook>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, (StatusCode, &'static str)> {
    let event = webhook
        .verify_event(&body, &headers)
        .map_err(|e| (StatusCode::BAD_REQUEST, e.kind().as_str()))?;
    match event {
        Event::LeadCreated(e) => println!("received lead.created {} {}", e.data.id, e.data.name),
        Event::CallEnded(e) => println!("received call.ended {}", e.data.id),
        other => println!("received {}", other.event_type()),
    }
    Ok(StatusCode::NO_CONTENT)
}

fn app(secret: &str) -> Result<Router, Box<dyn std::error::Error>> {
    Ok(Router::new()
        .route("/webhooks/callwaitingai", post(callwaitingai_webhook))
        .with_state(Arc::new(Webhook::new(secret)?)))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().any(|a| a == "--self-test") {
        return self_test().await;
    }
    let secret = std::env::var("CALLWAITINGAI_WEBHOOK_SECRET")?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://127.0.0.1:3000");
    axum::serve(listener, app(&secret)?).await?;
    Ok(())
}

async fn self_test() -> Result<(), Box<dyn std::error::Error>> {
    const KEY: &str = "cw_test_axum_example_00000000000000";
    let server = callwaitingai_server::start(callwaitingai_server::Config {
        addr: ([127, 0, 0, 1], 0).into(),
        storage: callwaitingai_server::Storage::Memory,
        bootstrap_keys: vec![("acme".into(), KEY.into())],
        ..Default::default()
    })
    .await?;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .build()?;
    let endpoint = client
        .webhooks()
        .create(WebhookEndpointCreateParams::new(
            "http://127.0.0.1:9/not-yet",
        ))
        .await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/callwaitingai", listener.local_addr()?);
    let app = app(endpoint.secret.as_deref().unwrap_or_default())?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    client
        .webhooks()
        .update(
            &endpoint.id,
            WebhookEndpointUpdateParams {
                url: Some(url.clone()),
                ..WebhookEndpointUpdateParams::new()
            },
        )
        .await?;

    client
        .leads()
        .create(LeadCreateParams::new("Delivered"))
        .await?;
    let mut status = String::new();
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let page = client
            .webhooks()
            .deliveries(&endpoint.id, WebhooksDeliveriesParams::default())
            .await?;
        status = page
            .data
            .first()
            .map(|d| d.status.to_string())
            .unwrap_or_default();
        if status == "succeeded" {
            break;
        }
    }
    assert_eq!(status, "succeeded", "the app verified the signed delivery");

    let forged = reqwest::Client::new()
        .post(&url)
        .header("webhook-id", "msg_forged")
        .header(
            "webhook-timestamp",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_secs()
                .to_string(),
        )
        .header(
            "webhook-signature",
            "v1,Zm9yZ2VkIHNpZ25hdHVyZSBmb3JnZWQgc2lnbmF0dXJlIQ==",
        )
        .body(r#"{"type":"lead.created"}"#)
        .send()
        .await?;
    assert_eq!(forged.status(), 400);
    assert_eq!(forged.text().await?, "invalid_signature");
    println!("axum webhook example: the signed delivery verified; a forged one was refused");
    server.shutdown().await?;
    Ok(())
}
