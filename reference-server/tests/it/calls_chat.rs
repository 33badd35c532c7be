//! Calls (with transcripts) and chat.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn a_call_is_logged_transcribed_and_ended() {
    let s = server().await;
    let lead = post(&s, "/api/v1/leads", KEY_A, json!({"name": "Caller"}))
        .await
        .body;
    let r = post(
        &s,
        "/api/v1/calls",
        KEY_A,
        json!({
            "direction": "inbound", "fromNumber": "+15550100", "toNumber": "+15550199",
            "leadId": lead["id"], "startedAt": "2026-11-01T09:30:00Z"
        }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let logged = r.body;
    assert!(logged["id"].as_str().unwrap().starts_with("call_"));
    assert_eq!(logged["status"], "in_progress");
    assert_eq!(logged["endedAt"], Value::Null);
    assert_eq!(logged["transcript"], json!({"segments": []}));
    let id = logged["id"].as_str().unwrap();

    let seg = |speaker: &str, text: &str, a: i64, b: i64| json!({"speaker": speaker, "text": text, "startMs": a, "endMs": b});
    let r = post(
        &s,
        &format!("/api/v1/calls/{id}/transcript"),
        KEY_A,
        json!({"segments": [seg("caller", "Hi", 0, 900)]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = post(
        &s,
        &format!("/api/v1/calls/{id}/transcript"),
        KEY_A,
        json!({"segments": [seg("agent", "Hello!", 1000, 1800)]}),
    )
    .await;
    assert_eq!(
        r.body["transcript"]["segments"].as_array().unwrap().len(),
        2,
        "segments are appended"
    );
    // JSON Schema (OpenAPI 3.1) counts 2000.0 as an integer; a fraction is still refused.
    let r = post(
        &s,
        &format!("/api/v1/calls/{id}/transcript"),
        KEY_A,
        json!({"segments": [{"speaker": "agent", "text": "Sure", "startMs": 1900.0, "endMs": 2000.0}]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["transcript"]["segments"][2]["endMs"], json!(2000));
    let r = post(
        &s,
        &format!("/api/v1/calls/{id}/transcript"),
        KEY_A,
        json!({"segments": [{"speaker": "agent", "text": "x", "startMs": 0, "endMs": 1.5}]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let bad = post(
        &s,
        &format!("/api/v1/calls/{id}/transcript"),
        KEY_A,
        json!({"segments": [seg("agent", "x", 50, 10)]}),
    )
    .await;
    assert_eq!(bad.error_code(), "VALIDATION_FAILED");

    let r = call(
        &s,
        Method::PATCH,
        &format!("/api/v1/calls/{id}"),
        Some(KEY_A),
        Some(json!({
            "status": "completed", "endedAt": "2026-11-01T09:33:04Z", "summary": "Wants a quote"
        })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["durationSeconds"], 184);
    assert_eq!(r.body["endedAt"], "2026-11-01T09:33:04.000000Z");
    assert_eq!(r.body["summary"], "Wants a quote");

    let r = get(
        &s,
        &format!(
            "/api/v1/calls?leadId={}&status=completed",
            lead["id"].as_str().unwrap()
        ),
        KEY_A,
    )
    .await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        get(&s, "/api/v1/calls?status=ringing", KEY_A).await.body["data"],
        json!([])
    );
    assert_eq!(
        get(&s, &format!("/api/v1/calls/{id}"), KEY_B).await.status,
        StatusCode::NOT_FOUND
    );
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn calls_validate_their_input() {
    let s = server().await;
    for body in [
        json!({"direction": "sideways", "fromNumber": "1", "toNumber": "2"}),
        json!({"direction": "inbound", "fromNumber": "", "toNumber": "2"}),
        json!({"direction": "inbound", "fromNumber": "1", "toNumber": "2", "leadId": "lead_missing"}),
        json!({"direction": "inbound", "toNumber": "2"}),
    ] {
        let r = post(&s, "/api/v1/calls", KEY_A, body.clone()).await;
        assert_eq!(r.error_code(), "VALIDATION_FAILED", "{body}");
    }
    // Another organisation's lead cannot be linked.
    let lead_b = post(&s, "/api/v1/leads", KEY_B, json!({"name": "B"}))
        .await
        .body;
    let r = post(
        &s,
        "/api/v1/calls",
        KEY_A,
        json!({"direction": "inbound", "fromNumber": "1", "toNumber": "2", "leadId": lead_b["id"]}),
    )
    .await;
    assert_eq!(r.error_code(), "VALIDATION_FAILED");
    // Ending without times fills them in.
    let c = post(
        &s,
        "/api/v1/calls",
        KEY_A,
        json!({"direction": "outbound", "fromNumber": "1", "toNumber": "2"}),
    )
    .await
    .body;
    let r = call(
        &s,
        Method::PATCH,
        &format!("/api/v1/calls/{}", c["id"].as_str().unwrap()),
        Some(KEY_A),
        Some(json!({"status": "missed"})),
    )
    .await;
    assert!(r.body["endedAt"].as_str().is_some());
    assert!(r.body["durationSeconds"].as_i64().unwrap() >= 0);
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn chat_messages_open_and_continue_sessions() {
    let s = server().await;
    let r = post(
        &s,
        "/api/v1/chat/message",
        KEY_A,
        json!({"content": "Do you open on Saturdays?", "channel": "whatsapp"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let session = r.body["session"].clone();
    let sid = session["id"].as_str().unwrap().to_string();
    assert!(sid.starts_with("sess_"));
    assert_eq!(session["channel"], "whatsapp");
    assert_eq!(session["messageCount"], 2);
    assert_eq!(r.body["message"]["role"], "user");
    assert_eq!(r.body["message"]["content"], "Do you open on Saturdays?");
    assert!(
        r.body["reply"]["content"]
            .as_str()
            .unwrap()
            .contains("Saturday")
    );

    let r = post(
        &s,
        "/api/v1/chat/message",
        KEY_A,
        json!({"content": "How much is a boiler service?", "sessionId": sid}),
    )
    .await;
    assert_eq!(r.body["session"]["id"], sid.as_str());
    assert_eq!(r.body["session"]["messageCount"], 4);

    let msgs = get(&s, &format!("/api/v1/chat/sessions/{sid}/messages"), KEY_A)
        .await
        .body;
    let roles: Vec<&str> = msgs["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        ["user", "assistant", "user", "assistant"],
        "oldest first"
    );
    let sessions = get(&s, "/api/v1/chat/sessions?channel=whatsapp", KEY_A)
        .await
        .body;
    assert_eq!(sessions["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        get(&s, &format!("/api/v1/chat/sessions/{sid}"), KEY_A)
            .await
            .body["id"],
        sid.as_str()
    );

    // Isolation and validation.
    assert_eq!(
        get(&s, &format!("/api/v1/chat/sessions/{sid}"), KEY_B)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&s, &format!("/api/v1/chat/sessions/{sid}/messages"), KEY_B)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = post(
        &s,
        "/api/v1/chat/message",
        KEY_B,
        json!({"content": "hi", "sessionId": sid}),
    )
    .await;
    assert_eq!(r.error_code(), "NOT_FOUND");
    assert_eq!(
        post(&s, "/api/v1/chat/message", KEY_A, json!({"content": ""}))
            .await
            .error_code(),
        "VALIDATION_FAILED"
    );
    assert_eq!(
        post(
            &s,
            "/api/v1/chat/message",
            KEY_A,
            json!({"content": "x", "channel": "pigeon"})
        )
        .await
        .error_code(),
        "VALIDATION_FAILED"
    );
    s.shutdown().await.unwrap();
}
