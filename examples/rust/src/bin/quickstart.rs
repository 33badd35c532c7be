//! The README's quickstart: the SDK end to end against an embedded reference server.
//!
//! It starts a reference server in this process (in memory), and a small webhook receiver
//! that verifies every delivery with the SDK; then it creates leads, logs a call with its
//! transcript, sends a chat message, and shows the signed deliveries arriving and verifying.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use callwaitingai::Client;
use callwaitingai::models::{
    AnalyticsSummaryParams, CallCreateParams, CallDirection, CallStatus, CallTranscriptParams,
    CallUpdateParams, ChatChannel, ChatMessageParams, LeadCreateParams, LeadSource, LeadStatus,
    LeadUpdateParams, LeadsListParams, TranscriptSegment, WebhookEndpointCreateParams,
};
use callwaitingai::webhooks::Webhook;
use callwaitingai_server::{Config, Storage};
use futures::TryStreamExt;
use tokio::sync::{Mutex, mpsc};

const KEY: &str = "cw_test_quickstart_0000000000000000";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. An embedded reference server (what `callwaitingai-server --memory` runs).
    let server = callwaitingai_server::start(Config {
        addr: ([127, 0, 0, 1], 0).into(),
        storage: Storage::Memory,
        bootstrap_keys: vec![("acme".into(), KEY.into())],
        ..Config::default()
    })
    .await?;
    println!("reference server on {}", server.url());

    // 2. The client: construct, list new leads, create one.
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .build()?;
    let new_leads = client
        .leads()
        .list(LeadsListParams {
            status: Some(LeadStatus::New),
            ..Default::default()
        })
        .await?;
    println!("new leads before: {}", new_leads.data.len());

    // 3. A webhook receiver that verifies every delivery with the endpoint's secret.
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let verifier: Arc<Mutex<Option<Webhook>>> = Arc::default();
    let receiver_url = start_receiver(verifier.clone(), tx).await?;
    let endpoint = client
        .webhooks()
        .create(WebhookEndpointCreateParams::new(receiver_url).description("quickstart"))
        .await?;
    let secret = endpoint.secret.clone().unwrap_or_default();
    *verifier.lock().await = Some(Webhook::new(&secret)?);
    println!(
        "webhook endpoint {} registered (secret shown once)",
        endpoint.id
    );

    // 4. Leads, a call with its transcript, a chat message.
    let lead = client
        .leads()
        .create(
            LeadCreateParams::new("John Doe")
                .email("john@example.com")
                .phone("+15550100")
                .source(LeadSource::Call),
        )
        .await?;
    println!("created lead {} ({})", lead.id, lead.name);
    let call = client
        .calls()
        .create(
            CallCreateParams::new(CallDirection::Inbound, "+15550100", "+15550199")
                .lead_id(lead.id.clone()),
        )
        .await?;
    client
        .calls()
        .add_transcript(
            &call.id,
            CallTranscriptParams::new(vec![
                TranscriptSegment {
                    speaker: "agent".into(),
                    text: "Thanks for calling, how can I help?".into(),
                    start_ms: 0,
                    end_ms: 2100,
                },
                TranscriptSegment {
                    speaker: "caller".into(),
                    text: "My boiler is leaking.".into(),
                    start_ms: 2300,
                    end_ms: 4200,
                },
            ]),
        )
        .await?;
    let call = client
        .calls()
        .update(
            &call.id,
            CallUpdateParams::new()
                .status(CallStatus::Completed)
                .summary("Boiler leak; engineer booked."),
        )
        .await?;
    println!(
        "logged call {} ({} transcript segments, {:?} s)",
        call.id,
        call.transcript.segments.len(),
        call.duration_seconds
    );
    let chat = client
        .chat()
        .send_message(
            ChatMessageParams::new("Do you open on Saturdays?")
                .channel(ChatChannel::Web)
                .lead_id(lead.id.clone()),
        )
        .await?;
    println!(
        "chat reply: {}",
        chat.reply.map(|r| r.content).unwrap_or_default()
    );
    client
        .leads()
        .update(
            &lead.id,
            LeadUpdateParams::new().status(LeadStatus::Converted),
        )
        .await?;

    // 5. Every lead, across pages, and the analytics.
    let names: Vec<String> = client
        .leads()
        .list_auto(LeadsListParams::default())
        .map_ok(|l| l.name)
        .try_collect()
        .await?;
    println!("leads: {names:?}");
    let summary = client
        .analytics()
        .summary(AnalyticsSummaryParams::default())
        .await?;
    println!(
        "last 30 days: {} leads ({} converted), {} calls",
        summary.leads.total, summary.leads.converted, summary.calls.total
    );

    // 6. The signed deliveries: lead.created, call.started, call.ended, chat.message_received,
    //    lead.updated, lead.converted.
    let mut got = Vec::new();
    while got.len() < 6 {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some(line)) => {
                println!("webhook verified: {line}");
                got.push(line);
            }
            _ => return Err("webhook deliveries did not all arrive within 10 s".into()),
        }
    }
    server.shutdown().await?;
    println!("done");
    Ok(())
}

/// A receiver on a free port that verifies each delivery and reports its type.
async fn start_receiver(
    verifier: Arc<Mutex<Option<Webhook>>>,
    tx: mpsc::UnboundedSender<String>,
) -> std::io::Result<String> {
    let app = axum::Router::new().route(
        "/webhooks",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let verifier = verifier.clone();
            let tx = tx.clone();
            async move {
                let guard = verifier.lock().await;
                let Some(wh) = guard.as_ref() else {
                    return StatusCode::SERVICE_UNAVAILABLE;
                };
                match wh.verify(&body, &headers) {
                    Ok(event) => {
                        let id = headers
                            .get("webhook-id")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("");
                        let _ =
                            tx.send(format!("{} ({id})", event["type"].as_str().unwrap_or("?")));
                        StatusCode::NO_CONTENT
                    }
                    Err(e) => {
                        eprintln!("rejected a webhook: {e}");
                        StatusCode::BAD_REQUEST
                    }
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(url)
}
