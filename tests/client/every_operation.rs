//! Every operation of openapi.yaml through the client; fails if one has no client method.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use callwaitingai::models::*;
use callwaitingai::operations::OPERATIONS;
use callwaitingai::{Client, Patch};
use callwaitingai_tests::*;
use futures::TryStreamExt;

#[tokio::test]
async fn every_operation_is_reachable_from_the_client() {
    let server = server_with(config()).await;
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let record = seen.clone();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .on_request(move |info| {
            record.lock().unwrap().insert(info.operation_id.to_string());
        })
        .build()
        .unwrap();

    // The seed's three lines.
    let leads = client
        .leads()
        .list(LeadsListParams {
            status: Some(LeadStatus::New),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(leads.data.is_empty());
    let lead = client
        .leads()
        .create(LeadCreateParams::new("John Doe"))
        .await
        .unwrap();
    assert_eq!(lead.name, "John Doe");
    assert_eq!(lead.status, LeadStatus::New);

    assert_eq!(client.health().check().await.unwrap().status, "ok");
    assert_eq!(client.leads().retrieve(&lead.id).await.unwrap(), lead);
    let updated = client
        .leads()
        .update(
            &lead.id,
            LeadUpdateParams::new()
                .status(LeadStatus::Contacted)
                .notes("called back"),
        )
        .await
        .unwrap();
    assert_eq!(updated.notes.as_deref(), Some("called back"));
    let cleared = client
        .leads()
        .update(
            &lead.id,
            LeadUpdateParams {
                notes: Patch::Null,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(cleared.notes, None);

    let call = client
        .calls()
        .create(
            CallCreateParams::new(CallDirection::Inbound, "+15550100", "+15550199")
                .lead_id(lead.id.clone()),
        )
        .await
        .unwrap();
    let call = client
        .calls()
        .add_transcript(
            &call.id,
            CallTranscriptParams::new(vec![TranscriptSegment {
                speaker: "caller".into(),
                text: "Hello".into(),
                start_ms: 0,
                end_ms: 900,
            }]),
        )
        .await
        .unwrap();
    assert_eq!(call.transcript.segments.len(), 1);
    let ended = client
        .calls()
        .update(
            &call.id,
            CallUpdateParams::new().status(CallStatus::Completed),
        )
        .await
        .unwrap();
    assert!(ended.ended_at.is_some());
    assert_eq!(
        client.calls().retrieve(&call.id).await.unwrap().status,
        CallStatus::Completed
    );
    assert_eq!(
        client
            .calls()
            .list(CallsListParams::default())
            .await
            .unwrap()
            .data
            .len(),
        1
    );

    let sent = client
        .chat()
        .send_message(ChatMessageParams::new("Do you open on Saturdays?"))
        .await
        .unwrap();
    assert!(sent.reply.is_some());
    let sessions = client
        .chat()
        .sessions()
        .list(ChatSessionsListParams::default())
        .await
        .unwrap();
    assert_eq!(sessions.data[0].id, sent.session.id);
    assert_eq!(
        client
            .chat()
            .sessions()
            .retrieve(&sent.session.id)
            .await
            .unwrap()
            .message_count,
        2
    );
    let messages: Vec<ChatMessage> = client
        .chat()
        .sessions()
        .messages(&sent.session.id, ChatSessionsMessagesParams::default())
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(messages.len(), 2);

    let summary = client
        .analytics()
        .summary(AnalyticsSummaryParams::default())
        .await
        .unwrap();
    assert_eq!(summary.leads.total, 1);
    assert_eq!(
        client
            .analytics()
            .calls(AnalyticsCallsParams::default())
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        client
            .analytics()
            .leads(AnalyticsLeadsParams::default())
            .await
            .unwrap()
            .total,
        1
    );

    let endpoint = client
        .webhooks()
        .create(
            WebhookEndpointCreateParams::new("http://127.0.0.1:9/hook")
                .events(vec!["lead.created".into()]),
        )
        .await
        .unwrap();
    assert!(
        endpoint
            .secret
            .as_deref()
            .is_some_and(|s| s.starts_with("whsec_"))
    );
    assert_eq!(
        client
            .webhooks()
            .retrieve(&endpoint.id)
            .await
            .unwrap()
            .secret,
        None
    );
    client
        .webhooks()
        .update(
            &endpoint.id,
            WebhookEndpointUpdateParams::new().enabled(false),
        )
        .await
        .unwrap();
    assert_eq!(
        client
            .webhooks()
            .list(WebhooksListParams::default())
            .await
            .unwrap()
            .data
            .len(),
        1
    );
    let rotated = client.webhooks().rotate_secret(&endpoint.id).await.unwrap();
    assert_ne!(rotated.secret, endpoint.secret);
    let delivery = client.webhooks().test(&endpoint.id).await.unwrap();
    assert_eq!(delivery.event_type, "webhook.test");
    let deliveries = client
        .webhooks()
        .deliveries(&endpoint.id, WebhooksDeliveriesParams::default())
        .await
        .unwrap();
    assert_eq!(deliveries.data[0].id, delivery.id);
    let again = client
        .webhooks()
        .retry_delivery(&endpoint.id, &delivery.id)
        .await
        .unwrap();
    assert_eq!(again.webhook_id, delivery.webhook_id);
    assert!(
        client
            .webhooks()
            .delete(&endpoint.id)
            .await
            .unwrap()
            .deleted
    );

    let key = client
        .api_keys()
        .create(ApiKeyCreateParams::new("ci", vec![ApiKeyScope::ReadLeads]))
        .await
        .unwrap();
    let secret = key.key.clone().unwrap();
    assert!(
        !format!("{key:?}").contains(&secret),
        "Debug never shows the secret"
    );
    assert!(
        client
            .api_keys()
            .list(ApiKeysListParams::default())
            .await
            .unwrap()
            .data
            .iter()
            .all(|k| k.key.is_none())
    );
    let rotated = client.api_keys().rotate(&key.id).await.unwrap();
    assert_ne!(rotated.key, key.key);
    assert!(
        client
            .api_keys()
            .revoke(&key.id)
            .await
            .unwrap()
            .revoked_at
            .is_some()
    );

    let tokens = client
        .auth()
        .login(LoginParams::new("owner@acme.example", "hunter2!"))
        .await
        .unwrap();
    let as_user = Client::builder()
        .api_key(tokens.access_token.clone())
        .base_url(server.url())
        .build()
        .unwrap();
    assert_eq!(
        as_user.leads().retrieve(&lead.id).await.unwrap().id,
        lead.id
    );
    let refreshed = client
        .auth()
        .refresh(RefreshParams::new(tokens.refresh_token.clone()))
        .await
        .unwrap();
    assert_ne!(refreshed.refresh_token, tokens.refresh_token);

    assert!(client.leads().delete(&lead.id).await.unwrap().deleted);

    let seen = seen.lock().unwrap().clone();
    let all: BTreeSet<String> = OPERATIONS.iter().map(|o| o.id.to_string()).collect();
    let missing: Vec<_> = all.difference(&seen).collect();
    assert!(
        missing.is_empty(),
        "operations without a client method or not exercised: {missing:?}"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn responses_expose_request_id_and_rate_limit() {
    let server = server_with(config()).await;
    let client = client(&server, KEY);
    let res = client
        .leads()
        .create(LeadCreateParams::new("Meta"))
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(res.status, 201);
    assert!(
        res.request_id
            .as_deref()
            .is_some_and(|id| id.starts_with("req_"))
    );
    let rl = res.rate_limit.unwrap();
    assert_eq!(rl.limit, 1_000_000);
    assert!(rl.remaining < rl.limit);
    assert!(!res.idempotent_replayed);
    // The same idempotency key replays the stored response.
    let a = client
        .leads()
        .create(LeadCreateParams::new("Once"))
        .idempotency_key("k-1")
        .send_with_response()
        .await
        .unwrap();
    let b = client
        .leads()
        .create(LeadCreateParams::new("Once"))
        .idempotency_key("k-1")
        .send_with_response()
        .await
        .unwrap();
    assert!(b.idempotent_replayed);
    assert_eq!(a.data, b.data);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn field_selection_is_a_raw_call_answering_partial_json() {
    let server = server_with(config()).await;
    let c = client(&server, KEY);
    let lead = c
        .leads()
        .create(LeadCreateParams::new("Partial"))
        .await
        .unwrap();
    let page = c
        .operation(
            "leads.list",
            &[],
            Some(serde_json::json!({"fields": "name"})),
            None,
        )
        .await
        .unwrap();
    let first = &page["data"][0];
    assert_eq!(first["id"], lead.id.as_str());
    assert_eq!(first["name"], "Partial");
    assert_eq!(first.as_object().unwrap().len(), 2, "{first}");
    let one = c
        .operation(
            "leads.retrieve",
            &[&lead.id],
            Some(serde_json::json!({"fields": "status"})),
            None,
        )
        .await
        .unwrap();
    assert_eq!(one, serde_json::json!({"id": lead.id, "status": "new"}));
}
