//! `POST /auth/login` and `/auth/refresh`: argon2 passwords, JWT access tokens, single-use
//! refresh tokens.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn users_log_in_use_access_tokens_and_refresh_once() {
    let mut cfg = config();
    cfg.bootstrap_users = vec![(
        "org_a".into(),
        "Owner@Example.com".into(),
        "correct horse".into(),
    )];
    let s = callwaitingai_server::start(cfg).await.unwrap();
    let login = |email: &str, password: &str| {
        let url = s.url();
        let body = json!({"email": email, "password": password});
        async move {
            let res = reqwest::Client::new()
                .post(format!("{url}/api/v1/auth/login"))
                .json(&body)
                .send()
                .await
                .unwrap();
            (res.status(), res.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (status, tokens) = login("owner@example.com", "correct horse").await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["tokenType"], "Bearer");
    assert_eq!(tokens["expiresIn"], 900);
    let access = tokens["accessToken"].as_str().unwrap().to_string();
    let refresh = tokens["refreshToken"].as_str().unwrap().to_string();

    // The access token works like an admin key of the user's organisation.
    let lead = post(&s, "/api/v1/leads", &access, json!({"name": "Via JWT"})).await;
    assert_eq!(lead.status, StatusCode::CREATED, "{}", lead.body);
    assert_eq!(
        get(
            &s,
            &format!("/api/v1/leads/{}", lead.body["id"].as_str().unwrap()),
            KEY_A
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        get(
            &s,
            &format!("/api/v1/leads/{}", lead.body["id"].as_str().unwrap()),
            KEY_B
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // Wrong passwords and unknown users look the same.
    let (st1, b1) = login("owner@example.com", "wrong").await;
    let (st2, b2) = login("nobody@example.com", "wrong").await;
    assert_eq!(
        (st1, st2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(b1["error"]["message"], b2["error"]["message"]);
    let (st, _) = login("", "").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    // A tampered token is refused.
    let mut tampered = access.clone();
    tampered.pop();
    tampered.push(if access.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(
        get(&s, "/api/v1/leads", &tampered).await.error_code(),
        "UNAUTHORIZED"
    );

    // Refresh: new tokens, and the refresh token is single-use.
    let r = call(
        &s,
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refreshToken": refresh})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_ne!(r.body["refreshToken"].as_str().unwrap(), refresh);
    let again = call(
        &s,
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refreshToken": refresh})),
    )
    .await;
    assert_eq!(again.error_code(), "UNAUTHORIZED");
    let missing = call(
        &s,
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({})),
    )
    .await;
    assert_eq!(missing.error_code(), "VALIDATION_FAILED");
    s.shutdown().await.unwrap();
}
