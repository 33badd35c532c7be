//! Retries: faults, Retry-After, the deadline, refused connections.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use axum::response::IntoResponse;
use callwaitingai::models::*;
use callwaitingai::{Client, Error};
use callwaitingai_tests::*;
use futures::TryStreamExt;

#[tokio::test]
async fn faults_with_retries_create_exactly_one_object_per_call() {
    let mut cfg = config();
    cfg.fault_rate = 0.3;
    cfg.fault_seed = 11;
    let server = server_with(cfg).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .max_retries(10)
        .build()
        .unwrap();
    for i in 0..30 {
        client
            .leads()
            .create(LeadCreateParams::new(format!("Lead {i:02}")))
            .await
            .unwrap_or_else(|e| panic!("lead {i}: {e}"));
    }
    let mut names: Vec<String> = client
        .leads()
        .list_auto(LeadsListParams {
            limit: Some(100),
            ..Default::default()
        })
        .map_ok(|l| l.name)
        .try_collect()
        .await
        .unwrap();
    names.sort();
    let expected: Vec<String> = (0..30).map(|i| format!("Lead {i:02}")).collect();
    assert_eq!(
        names, expected,
        "exactly one lead per create, despite faults after the commit"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    let retries = Arc::new(std::sync::Mutex::new(Vec::new()));
    let scripted = Scripted::start(move |n, _| async move {
        if n < 2 {
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                [("retry-after-ms", "300")],
                "{}",
            )
                .into_response()
        } else {
            (
                axum::http::StatusCode::CREATED,
                [("content-type", "application/json")],
                lead_json(),
            )
                .into_response()
        }
    })
    .await;
    let observed = retries.clone();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&scripted.url)
        .on_request(move |info| observed.lock().unwrap().push(info.retry))
        .build()
        .unwrap();
    let started = Instant::now();
    client
        .leads()
        .create(LeadCreateParams::new("x"))
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(scripted.hits(), 3);
    assert!(
        took >= Duration::from_millis(600),
        "waited {took:?}, less than the two Retry-After waits"
    );
    assert!(
        took < Duration::from_millis(2000),
        "waited {took:?}: the backoff replaced Retry-After"
    );
    assert_eq!(
        *retries.lock().unwrap(),
        [0, 1, 2],
        "the retry number is reported"
    );
}

fn lead_json() -> String {
    serde_json::json!({
        "id": "lead_1", "name": "x", "email": null, "phone": null, "company": null,
        "source": "manual", "status": "new", "notes": null, "tags": [],
        "createdAt": "2026-11-01T00:00:00Z", "updatedAt": "2026-11-01T00:00:00Z"
    })
    .to_string()
}

#[tokio::test]
async fn the_idempotency_key_is_sent_on_posts_and_kept_across_retries() {
    let captured = Arc::new(std::sync::Mutex::new(Vec::<Option<String>>::new()));
    let c2 = captured.clone();
    let app_hits = Arc::new(AtomicU32::new(0));
    let h2 = app_hits.clone();
    let app = axum::Router::new().fallback(move |headers: axum::http::HeaderMap| {
        let c2 = c2.clone();
        let h2 = h2.clone();
        async move {
            c2.lock().unwrap().push(
                headers
                    .get("idempotency-key")
                    .map(|v| v.to_str().unwrap().to_string()),
            );
            if h2.fetch_add(1, Ordering::SeqCst) == 0 {
                (
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    [("retry-after", "0")],
                    "{}",
                )
                    .into_response()
            } else {
                (
                    axum::http::StatusCode::CREATED,
                    [("content-type", "application/json")],
                    lead_json(),
                )
                    .into_response()
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&url)
        .build()
        .unwrap();
    client
        .leads()
        .create(LeadCreateParams::new("x"))
        .await
        .unwrap();
    let keys = captured.lock().unwrap().clone();
    assert_eq!(keys.len(), 2);
    assert!(keys[0].is_some());
    assert_eq!(keys[0], keys[1], "one key across the retries");
    captured.lock().unwrap().clear();
    client.leads().retrieve("lead_1").await.unwrap();
    assert_eq!(captured.lock().unwrap()[0], None, "GETs carry no key");
    task.abort();
}

#[tokio::test]
async fn a_retry_after_beyond_sixty_seconds_is_not_waited_for() {
    let scripted = Scripted::start(|_, _| async {
        (
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "3600")],
            "{}",
        )
            .into_response()
    })
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&scripted.url)
        .build()
        .unwrap();
    let started = Instant::now();
    let e = client.leads().retrieve("lead_1").await.unwrap_err();
    assert_eq!(e.status(), Some(429));
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(scripted.hits(), 1);
}

#[tokio::test]
async fn the_overall_deadline_bounds_every_retry() {
    let scripted = Scripted::start(|_, _| async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        "{}".into_response()
    })
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&scripted.url)
        .timeout(Duration::from_millis(300))
        .max_retries(10)
        .deadline(Duration::from_millis(1000))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = client.leads().retrieve("lead_1").await.unwrap_err();
    let took = started.elapsed();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert!(e.is_retryable());
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!(
        took < Duration::from_millis(1500),
        "{took:?}: max_retries multiplied the wait"
    );
    // A per-call timeout overrides the client's.
    let started = Instant::now();
    let e = client
        .leads()
        .retrieve("lead_1")
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }));
    assert!(started.elapsed() < Duration::from_millis(600));
}

#[tokio::test]
async fn refused_connections_are_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let attempts = Arc::new(AtomicU32::new(0));
    let a2 = attempts.clone();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(url)
        .max_retries(2)
        .on_request(move |_| {
            a2.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    let e = client
        .leads()
        .list(LeadsListParams::default())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Connection { .. }), "{e:?}");
    assert!(e.to_string().to_lowercase().contains("connect"), "{e}");
    assert_eq!(e.status(), None);
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        3,
        "1 + max_retries attempts"
    );
}
