//! Authentication, scopes, isolation, errors, rate limits, routing.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn health_needs_no_key() {
    let s = server().await;
    let r = call(&s, Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"], "ok");
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn missing_unknown_and_malformed_credentials_are_401() {
    let s = server().await;
    for key in [None, Some("cw_live_nope"), Some("")] {
        let r = call(&s, Method::GET, "/api/v1/leads", key, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{key:?}");
        assert_eq!(r.error_code(), "UNAUTHORIZED");
    }
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/leads", s.url()))
        .header("authorization", format!("Basic {KEY_A}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn scopes_are_enforced_per_operation() {
    let s = server().await;
    let r = post(
        &s,
        "/api/v1/api-keys",
        KEY_A,
        json!({"name": "reader", "scopes": ["read:leads"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let reader = r.body["key"].as_str().unwrap().to_string();
    assert_eq!(
        get(&s, "/api/v1/leads", &reader).await.status,
        StatusCode::OK
    );
    let r = post(&s, "/api/v1/leads", &reader, json!({"name": "x"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.error_code(), "FORBIDDEN");
    assert_eq!(r.body["error"]["data"]["requiredScope"], "write:leads");
    assert_eq!(
        get(&s, "/api/v1/api-keys", &reader).await.status,
        StatusCode::FORBIDDEN
    );
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn another_organisations_objects_are_404_everywhere() {
    let s = server().await;
    let lead = post(&s, "/api/v1/leads", KEY_A, json!({"name": "Only A"}))
        .await
        .body;
    let id = lead["id"].as_str().unwrap();
    let path = format!("/api/v1/leads/{id}");
    assert_eq!(get(&s, &path, KEY_B).await.status, StatusCode::NOT_FOUND);
    let r = call(
        &s,
        Method::PATCH,
        &path,
        Some(KEY_B),
        Some(json!({"name": "B"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_code(), "NOT_FOUND");
    assert_eq!(
        call(&s, Method::DELETE, &path, Some(KEY_B), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&s, "/api/v1/leads", KEY_B).await.body["data"],
        json!([])
    );
    let keys_b = get(&s, "/api/v1/api-keys", KEY_B).await.body;
    let key_a_id = get(&s, "/api/v1/api-keys", KEY_A).await.body["data"][0]["id"].clone();
    assert!(
        keys_b["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["id"] != key_a_id)
    );
    let r = call(
        &s,
        Method::DELETE,
        &format!("/api/v1/api-keys/{}", key_a_id.as_str().unwrap()),
        Some(KEY_B),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A is untouched.
    assert_eq!(get(&s, &path, KEY_A).await.body["name"], "Only A");
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405_with_allow() {
    let s = server().await;
    let r = get(&s, "/api/v1/nothing-here", KEY_A).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_code(), "NOT_FOUND");
    let r = call(&s, Method::PUT, "/api/v1/leads", Some(KEY_A), None).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.error_code(), "METHOD_NOT_ALLOWED");
    let allow = r.header("allow").unwrap_or_default().to_string();
    assert!(
        allow.contains("GET") && allow.contains("POST"),
        "Allow: {allow:?}"
    );
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let mut config = config();
    config.rate_limit_per_min = 3;
    let s = callwaitingai_server::start(config).await.unwrap();
    for remaining in ["2", "1", "0"] {
        let r = get(&s, "/api/v1/leads", KEY_A).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("x-ratelimit-limit"), Some("3"));
        assert_eq!(r.header("x-ratelimit-remaining"), Some(remaining));
        assert!(
            r.header("x-ratelimit-reset")
                .unwrap()
                .parse::<i64>()
                .unwrap()
                > 1_700_000_000
        );
    }
    let r = get(&s, "/api/v1/leads", KEY_A).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.error_code(), "RATE_LIMIT_EXCEEDED");
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
    // Another key has its own budget.
    assert_eq!(get(&s, "/api/v1/leads", KEY_B).await.status, StatusCode::OK);
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn cors_allows_browser_clients() {
    let s = server().await;
    let r = reqwest::Client::new()
        .request(Method::OPTIONS, format!("{}/api/v1/leads", s.url()))
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type,idempotency-key",
        )
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/leads", s.url()))
        .header("origin", "http://localhost:5173")
        .bearer_auth(KEY_A)
        .send()
        .await
        .unwrap();
    let exposed = r.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(
        exposed.contains("x-request-id") && exposed.contains("x-ratelimit-remaining"),
        "{exposed}"
    );
    s.shutdown().await.unwrap();
}
