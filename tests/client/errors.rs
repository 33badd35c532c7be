//! Every error class, mapped from the API's answers.

use std::time::Duration;

use callwaitingai::models::*;
use callwaitingai::{Client, Error};
use callwaitingai_tests::*;

fn api(e: &Error) -> (u16, &str) {
    (e.status().unwrap(), e.code().unwrap())
}

#[tokio::test]
async fn api_errors_carry_status_code_message_request_id_and_headers() {
    let server = server_with(config()).await;
    let client = client(&server, KEY);

    let e = client.leads().retrieve("lead_missing").await.unwrap_err();
    assert_eq!(api(&e), (404, "NOT_FOUND"));
    assert!(e.request_id().unwrap().starts_with("req_"));
    assert_eq!(
        e.headers().unwrap()["x-request-id"].to_str().unwrap(),
        e.request_id().unwrap()
    );
    assert!(!e.is_retryable());

    let e = client
        .leads()
        .create(LeadCreateParams::new("x").email("nope"))
        .await
        .unwrap_err();
    assert_eq!(api(&e), (422, "VALIDATION_FAILED"));
    assert_eq!(
        e.api_error().unwrap().data.as_ref().unwrap()["field"],
        "email"
    );

    let e = client
        .leads()
        .list(LeadsListParams {
            cursor: Some("garbage".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(api(&e), (400, "BAD_REQUEST"));

    let bad = Client::builder()
        .api_key("cw_test_wrong")
        .base_url(server.url())
        .build()
        .unwrap();
    let e = bad
        .leads()
        .list(LeadsListParams::default())
        .await
        .unwrap_err();
    assert_eq!(api(&e), (401, "UNAUTHORIZED"));

    let key = client
        .api_keys()
        .create(ApiKeyCreateParams::new("ro", vec![ApiKeyScope::ReadLeads]))
        .await
        .unwrap();
    let reader = Client::builder()
        .api_key(key.key.unwrap())
        .base_url(server.url())
        .build()
        .unwrap();
    let e = reader
        .leads()
        .create(LeadCreateParams::new("x"))
        .await
        .unwrap_err();
    assert_eq!(api(&e), (403, "FORBIDDEN"));

    client
        .leads()
        .create(LeadCreateParams::new("a"))
        .idempotency_key("same")
        .await
        .unwrap();
    let e = client
        .leads()
        .create(LeadCreateParams::new("b"))
        .idempotency_key("same")
        .await
        .unwrap_err();
    assert_eq!(api(&e), (409, "CONFLICT"));
    assert!(!e.is_retryable(), "a body conflict has no Retry-After");

    // Another organisation's lead is a 404, not a 403.
    let lead = client
        .leads()
        .create(LeadCreateParams::new("mine"))
        .await
        .unwrap();
    let other = client_for_other(&server);
    assert_eq!(
        api(&other.leads().retrieve(&lead.id).await.unwrap_err()),
        (404, "NOT_FOUND")
    );
    server.shutdown().await.unwrap();
}

fn client_for_other(server: &callwaitingai_server::RunningServer) -> Client {
    client(server, OTHER_KEY)
}

#[tokio::test]
async fn rate_limits_are_429_with_retry_after() {
    let mut cfg = config();
    cfg.rate_limit_per_min = 2;
    let server = server_with(cfg).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .max_retries(0)
        .build()
        .unwrap();
    client
        .leads()
        .list(LeadsListParams::default())
        .await
        .unwrap();
    client
        .leads()
        .list(LeadsListParams::default())
        .await
        .unwrap();
    let e = client
        .leads()
        .list(LeadsListParams::default())
        .await
        .unwrap_err();
    assert_eq!(api(&e), (429, "RATE_LIMIT_EXCEEDED"));
    assert!(e.is_retryable());
    let wait = e.api_error().unwrap().retry_after().unwrap();
    assert!(wait <= Duration::from_secs(60));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn server_errors_are_5xx_and_retryable() {
    let scripted = Scripted::start(|_, _| async {
        use axum::response::IntoResponse;
        (
            axum::http::StatusCode::BAD_GATEWAY,
            [("x-request-id", "req_gateway")],
            r#"{"error":{"code":"INTERNAL_SERVER_ERROR","message":"upstream failed","requestId":"req_gateway"}}"#,
        )
            .into_response()
    })
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&scripted.url)
        .max_retries(0)
        .build()
        .unwrap();
    let e = client.leads().retrieve("lead_1").await.unwrap_err();
    assert_eq!(api(&e), (502, "INTERNAL_SERVER_ERROR"));
    assert_eq!(e.request_id(), Some("req_gateway"));
    assert!(e.is_retryable());
    assert_eq!(scripted.hits(), 1, "max_retries(0) sends once");
}

#[tokio::test]
async fn bad_configuration_and_input_fail_before_sending() {
    assert!(matches!(
        Client::builder().api_key("").base_url("http://x").build(),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        Client::builder().api_key("k").base_url("nope").build(),
        Err(Error::InvalidInput(_))
    ));
    let client = Client::builder()
        .api_key("k")
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    assert!(matches!(
        client.leads().retrieve("").await,
        Err(Error::InvalidInput(_))
    ));
}
