//! API keys: shown once, hashed at rest, revoke and rotate.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn keys_are_shown_once_rotated_and_revoked() {
    let s = server().await;
    let r = post(
        &s,
        "/api/v1/api-keys",
        KEY_A,
        json!({"name": "CRM", "scopes": ["read:leads", "write:leads"], "mode": "test"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let secret = r.body["key"].as_str().unwrap().to_string();
    let id = r.body["id"].as_str().unwrap().to_string();
    assert!(secret.starts_with("cw_test_"));
    assert!(secret.starts_with(r.body["prefix"].as_str().unwrap()));
    assert_eq!(r.body["revokedAt"], serde_json::Value::Null);
    // Never shown again.
    let listed = get(&s, "/api/v1/api-keys", KEY_A).await.body;
    assert!(!listed.to_string().contains(&secret));
    assert!(
        listed["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k.get("key").is_none())
    );
    assert_eq!(
        get(&s, "/api/v1/leads", &secret).await.status,
        StatusCode::OK
    );

    // Rotate: the old secret stops working at once.
    let r = post(
        &s,
        &format!("/api/v1/api-keys/{id}/rotate"),
        KEY_A,
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rotated = r.body["key"].as_str().unwrap().to_string();
    assert_ne!(rotated, secret);
    assert_eq!(r.body["id"], id.as_str());
    assert_eq!(
        get(&s, "/api/v1/leads", &secret).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&s, "/api/v1/leads", &rotated).await.status,
        StatusCode::OK
    );

    // Revoke.
    let r = call(
        &s,
        Method::DELETE,
        &format!("/api/v1/api-keys/{id}"),
        Some(KEY_A),
        None,
    )
    .await;
    assert!(r.body["revokedAt"].as_str().is_some());
    let r = get(&s, "/api/v1/leads", &rotated).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("revoked")
    );
    let r = post(
        &s,
        &format!("/api/v1/api-keys/{id}/rotate"),
        KEY_A,
        json!({}),
    )
    .await;
    assert_eq!(r.error_code(), "CONFLICT");
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn expired_keys_and_bad_scopes_are_refused() {
    let s = server().await;
    let r = post(
        &s,
        "/api/v1/api-keys",
        KEY_A,
        json!({"name": "old", "scopes": ["admin"], "expiresAt": "2020-01-01T00:00:00Z"}),
    )
    .await;
    let expired = r.body["key"].as_str().unwrap().to_string();
    let r = get(&s, "/api/v1/leads", &expired).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
    let r = post(
        &s,
        "/api/v1/api-keys",
        KEY_A,
        json!({"name": "x", "scopes": ["fly:rockets"]}),
    )
    .await;
    assert_eq!(r.error_code(), "VALIDATION_FAILED");
    let r = post(
        &s,
        "/api/v1/api-keys",
        KEY_A,
        json!({"name": "x", "scopes": []}),
    )
    .await;
    assert_eq!(r.error_code(), "VALIDATION_FAILED");
    s.shutdown().await.unwrap();
}
