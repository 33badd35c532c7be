//! Every operation of the API, once, in the order a program would call them: the Rust code
//! samples of the developer portal. `cargo xtask codegen` cuts the `// sample: <operationId>`
//! regions out of this file into the spec's `x-codeSamples`, after the `setup` regions; CI
//! compiles it (clippy, `-D warnings`) and runs it against a reference server. An id written
//! `&ids.lead` is shown in the portal as the spec's example id.
//!
//! Run: `cargo run -p callwaitingai-examples --bin api_samples` with `CALLWAITINGAI_API_KEY` and
//! `CALLWAITINGAI_BASE_URL` set, against a server started with
//! `--bootstrap-user "acme=owner@example.com:correct horse battery staple"`.

// sample: setup
use callwaitingai::{Client, models::*};
// end sample
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut ids = Ids::default();

    // sample: setup
    let client = Client::from_env()?; // reads CALLWAITINGAI_API_KEY and CALLWAITINGAI_BASE_URL
    // end sample

    // sample: health.check
    let health = client.health().check().await?;
    println!("{:?}", health.status);
    // end sample

    // sample: auth.login
    let tokens = client
        .auth()
        .login(LoginParams::new(
            "owner@example.com",
            "correct horse battery staple",
        ))
        .await?;
    println!("{}", tokens.expires_in);
    // end sample
    ids.token = tokens.refresh_token.clone();

    // sample: auth.refresh
    let tokens = client
        .auth()
        .refresh(RefreshParams::new(&ids.token))
        .await?;
    println!("{}", &tokens.access_token[..8]);
    // end sample

    // sample: leads.create
    let lead = client
        .leads()
        .create(
            LeadCreateParams::new("Ada Lovelace")
                .email("ada@example.com")
                .phone("+15550100")
                .source(LeadSource::Call),
        )
        .idempotency_key("signup-ada-1") // a retry with this key creates nothing twice
        .await?;
    println!("{} {:?}", lead.id, lead.status);
    // end sample
    ids.lead = lead.id.clone();

    // sample: leads.list
    let mut leads = client.leads().list_auto(LeadsListParams {
        status: Some(LeadStatus::New),
        limit: Some(50),
        ..Default::default()
    }); // every page, lazily
    while let Some(lead) = leads.try_next().await? {
        println!("{} {}", lead.id, lead.name);
    }
    // end sample

    // sample: leads.retrieve
    let lead = client.leads().retrieve(&ids.lead).await?;
    println!("{} {}", lead.name, lead.created_at);
    // end sample

    // sample: leads.update
    let lead = client
        .leads()
        .update(
            &ids.lead,
            LeadUpdateParams::new()
                .status(LeadStatus::Qualified)
                .notes("Wants a demo"),
        )
        .await?;
    println!("{:?}", lead.status);
    // end sample

    // sample: calls.create
    let call = client
        .calls()
        .create(
            CallCreateParams::new(CallDirection::Inbound, "+15550100", "+15550199")
                .lead_id(&ids.lead),
        )
        .await?;
    println!("{} {:?}", call.id, call.status);
    // end sample
    ids.call = call.id.clone();

    // sample: calls.list
    let page = client
        .calls()
        .list(CallsListParams {
            direction: Some(CallDirection::Inbound),
            ..Default::default()
        })
        .await?; // one page: .data, .has_more, .next_cursor
    for call in &page.data {
        println!("{} {:?}", call.id, call.status);
    }
    // end sample

    // sample: calls.retrieve
    let call = client.calls().retrieve(&ids.call).await?;
    println!("{} {}", call.from_number, call.to_number);
    // end sample

    // sample: calls.update
    let call = client
        .calls()
        .update(
            &ids.call,
            CallUpdateParams::new()
                .status(CallStatus::Completed)
                .summary("Booked a demo"),
        )
        .await?;
    println!("{:?} {:?}", call.status, call.duration_seconds);
    // end sample

    // sample: calls.addTranscript
    let call = client
        .calls()
        .add_transcript(
            &ids.call,
            CallTranscriptParams::new(vec![TranscriptSegment {
                speaker: "caller".into(),
                text: "Hi, I'd like a demo.".into(),
                start_ms: 0,
                end_ms: 1800,
            }]),
        )
        .await?;
    println!("{:?}", call.transcript);
    // end sample

    // sample: chat.sendMessage
    let result = client
        .chat()
        .send_message(
            ChatMessageParams::new("Do you open on Sundays?")
                .lead_id(&ids.lead)
                .channel(ChatChannel::Web),
        )
        .await?;
    println!(
        "{} {:?}",
        result.session.id,
        result.reply.map(|r| r.content)
    );
    // end sample
    ids.session = result.session.id.clone();

    // sample: chat.sessions.list
    let sessions: Vec<ChatSession> = client
        .chat()
        .sessions()
        .list_auto(ChatSessionsListParams {
            channel: Some(ChatChannel::Web),
            ..Default::default()
        })
        .try_collect()
        .await?;
    println!("{} sessions", sessions.len());
    // end sample

    // sample: chat.sessions.retrieve
    let session = client.chat().sessions().retrieve(&ids.session).await?;
    println!("{} {:?}", session.id, session.lead_id);
    // end sample

    // sample: chat.sessions.messages
    let mut messages = client
        .chat()
        .sessions()
        .messages_auto(&ids.session, Default::default());
    while let Some(message) = messages.try_next().await? {
        println!("{:?} {}", message.role, message.content);
    }
    // end sample

    // sample: analytics.summary
    let summary = client
        .analytics()
        .summary(AnalyticsSummaryParams {
            from: Some("2026-11-01".into()),
            to: Some("2026-11-30".into()),
        })
        .await?;
    println!(
        "{} {} {}",
        summary.leads.total, summary.leads.conversion_rate, summary.calls.missed
    );
    // end sample

    // sample: analytics.calls
    let calls = client
        .analytics()
        .calls(AnalyticsCallsParams {
            from: Some("2026-11-01".into()),
            to: Some("2026-11-30".into()),
        })
        .await?;
    println!("{} {:?}", calls.total, calls.by_status);
    // end sample

    // sample: analytics.leads
    let leads = client
        .analytics()
        .leads(AnalyticsLeadsParams {
            from: Some("2026-11-01".into()),
            to: Some("2026-11-30".into()),
        })
        .await?;
    println!("{:?} {} days", leads.by_source, leads.daily.len());
    // end sample

    // sample: webhooks.create
    let endpoint = client
        .webhooks()
        .create(
            WebhookEndpointCreateParams::new("https://example.com/webhooks/callwaitingai")
                .events(vec!["lead.created".into(), "call.ended".into()]),
        )
        .await?;
    println!("{} {:?}", endpoint.id, endpoint.secret); // keep the secret: it verifies the deliveries
    // end sample
    ids.webhook = endpoint.id.clone();

    // sample: webhooks.list
    let endpoints = client.webhooks().list(Default::default()).await?;
    for endpoint in &endpoints.data {
        println!("{} {}", endpoint.id, endpoint.url);
    }
    // end sample

    // sample: webhooks.retrieve
    let endpoint = client.webhooks().retrieve(&ids.webhook).await?;
    println!("{:?}", endpoint.events);
    // end sample

    // sample: webhooks.update
    let endpoint = client
        .webhooks()
        .update(
            &ids.webhook,
            WebhookEndpointUpdateParams::new()
                .events(vec!["lead.created".into(), "lead.converted".into()]),
        )
        .await?;
    println!("{:?}", endpoint.events);
    // end sample

    // sample: webhooks.test
    let delivery = client.webhooks().test(&ids.webhook).await?;
    println!("{} {:?}", delivery.id, delivery.status);
    // end sample
    ids.delivery = delivery.id.clone();

    // sample: webhooks.deliveries
    let failed = client
        .webhooks()
        .deliveries(
            &ids.webhook,
            WebhooksDeliveriesParams {
                status: Some(WebhookDeliveryStatus::Failed),
                ..Default::default()
            },
        )
        .await?;
    for delivery in &failed.data {
        println!(
            "{} {} {}",
            delivery.id, delivery.event_type, delivery.attempts
        );
    }
    // end sample

    // sample: webhooks.retryDelivery
    let delivery = client
        .webhooks()
        .retry_delivery(&ids.webhook, &ids.delivery)
        .await?;
    println!("{:?}", delivery.status);
    // end sample

    // sample: webhooks.rotateSecret
    let endpoint = client.webhooks().rotate_secret(&ids.webhook).await?;
    println!("{:?}", endpoint.secret); // the old one keeps verifying for 24 hours
    // end sample

    // sample: apiKeys.create
    let key = client
        .api_keys()
        .create(ApiKeyCreateParams::new(
            "Zapier",
            vec![ApiKeyScope::ReadLeads, ApiKeyScope::WriteLeads],
        ))
        .await?;
    println!("{} {:?}", key.id, key.key); // the secret is shown once
    // end sample
    ids.key = key.id.clone();

    // sample: apiKeys.list
    let keys: Vec<ApiKey> = client
        .api_keys()
        .list_auto(Default::default())
        .try_collect()
        .await?;
    for key in &keys {
        println!("{} {} {:?}", key.id, key.name, key.scopes);
    }
    // end sample

    // sample: apiKeys.rotate
    let key = client.api_keys().rotate(&ids.key).await?;
    println!("{:?}", key.key);
    // end sample

    // sample: apiKeys.revoke
    let key = client.api_keys().revoke(&ids.key).await?;
    println!("{:?}", key.revoked_at);
    // end sample

    // sample: webhooks.delete
    let deleted = client.webhooks().delete(&ids.webhook).await?;
    println!("{}", deleted.deleted);
    // end sample

    // sample: leads.delete
    let deleted = client.leads().delete(&ids.lead).await?;
    println!("{} {}", deleted.id, deleted.deleted);
    // end sample
    Ok(())
}

/// The ids the samples pass on, shown in the portal as the spec's example ids.
#[derive(Default)]
struct Ids {
    token: String,
    lead: String,
    call: String,
    session: String,
    webhook: String,
    delivery: String,
    key: String,
}
