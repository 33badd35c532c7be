//! The client against a hostile server: any status line, header and body, a body that never
//! ends, odd `Retry-After` values. Nothing may panic; every failure is a typed error.

use std::time::{Duration, Instant};

use callwaitingai::models::{LeadCreateParams, LeadsListParams};
use callwaitingai::{Client, ClientBuilder, Error, RequestOptions};
use callwaitingai_tests::{Hostile, HostileReply, KEY};
use futures::TryStreamExt;
use proptest::prelude::*;

/// A builder for a client of `url` with the test key.
fn builder(url: &str) -> ClientBuilder {
    Client::builder().api_key(KEY).base_url(url)
}

fn client(url: &str) -> Client {
    builder(url)
        .max_retries(0)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn raw(head: &str, body: &[u8]) -> HostileReply {
    let mut bytes = head.as_bytes().to_vec();
    bytes.extend_from_slice(body);
    HostileReply::Raw(bytes)
}

/// Header names the client reads, plus noise.
fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("retry-after".to_string()),
        Just("retry-after-ms".to_string()),
        Just("content-length".to_string()),
        Just("content-type".to_string()),
        Just("transfer-encoding".to_string()),
        Just("x-request-id".to_string()),
        Just("x-ratelimit-limit".to_string()),
        Just("x-ratelimit-remaining".to_string()),
        Just("x-ratelimit-reset".to_string()),
        Just("idempotent-replayed".to_string()),
        "[a-z-]{1,12}",
    ]
}

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("1e300".to_string()),
        Just("-1".to_string()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("18446744073709551616".to_string()),
        Just("Wed, 21 Oct 2015 07:28:00 GMT".to_string()),
        Just("Fri, 31 Dec 9999 23:59:59 GMT".to_string()),
        Just("chunked".to_string()),
        Just("0".to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| n.to_string()),
        "[ -~]{0,40}",
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        Just(br#"{"data":[],"hasMore":true,"nextCursor":null}"#.to_vec()),
        Just(br#"{"data":[{"id":1}],"hasMore":"yes"}"#.to_vec()),
        Just(br#"{"error":{"code":7,"message":null}}"#.to_vec()),
        Just(br#"{"error":{"code":"X","message":"m","data":[1,2]}}"#.to_vec()),
        Just(b"null".to_vec()),
        "[ -~]{0,100}".prop_map(String::into_bytes),
    ]
}

fn response() -> impl Strategy<Value = Vec<u8>> {
    (
        prop_oneof![
            (100u16..1000).prop_map(|s| format!("HTTP/1.1 {s} X\r\n")),
            "[ -~]{0,30}\r\n",
            Just("HTTP/1.1 200\r\n".to_string()),
            Just("HTTP/9.9 200 OK\r\n".to_string()),
        ],
        proptest::collection::vec((header_name(), header_value()), 0..6),
        body(),
    )
        .prop_map(|(status, headers, body)| {
            let mut out = status.into_bytes();
            for (k, v) in headers {
                out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&body);
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Retry decisions, error decoding and pagination over arbitrary responses: an answer or
    /// an error, never a panic (a panic in a spawned call would surface as a JoinError).
    #[test]
    fn no_response_makes_the_client_panic(reply in response()) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let shown = String::from_utf8_lossy(&reply[..reply.len().min(120)]).into_owned();
        let t0 = Instant::now();
        rt.block_on(async move {
            let server = Hostile::start(HostileReply::Raw(reply)).await;
            let c = builder(&server.url)
                .max_retries(0)
                .timeout(Duration::from_millis(300))
                .deadline(Duration::from_millis(600))
                .build()
                .unwrap();
            let calls = tokio::spawn(async move {
                // One call that may retry (the retry decision reads the headers); the others
                // do not, so that each case takes at most one backoff.
                let _ = c
                    .leads()
                    .create(LeadCreateParams::new("x"))
                    .options(RequestOptions::new().max_retries(1))
                    .await;
                let _ = c.leads().retrieve("lead_1").await;
                if let Ok(page) = c.leads().list(LeadsListParams::default()).await {
                    let _ = page.next_page().await;
                }
                let _: Result<Vec<_>, _> = c
                    .leads()
                    .list_auto(LeadsListParams::default())
                    .take(3)
                    .try_collect()
                    .await;
                if let Err(e) = c.leads().delete("lead_1").await {
                    let _ = (e.to_string(), e.status(), e.code(), e.request_id(), e.is_retryable());
                    if let Some(api) = e.api_error() {
                        let _ = api.retry_after();
                    }
                }
            });
            assert!(calls.await.is_ok(), "the client panicked");
        });
        if std::env::var_os("HOSTILE_TIMING").is_some() { eprintln!("{:?} {shown:?}", t0.elapsed()); }
    }
}

use futures::StreamExt;

#[tokio::test]
async fn a_body_that_never_ends_fails_typed_at_the_limit() {
    let server = Hostile::start(HostileReply::Endless { chunk: 64 * 1024 }).await;
    let c = builder(&server.url)
        .max_retries(0)
        .max_response_bytes(1024 * 1024)
        .build()
        .unwrap();
    let t = Instant::now();
    let e = c.leads().retrieve("lead_1").await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::ResponseTooLarge {
                status: 200,
                limit: 1_048_576,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert!(e.to_string().contains("max_response_bytes"), "{e}");
    // The client stopped reading: the server could not push much more than the limit (plus
    // what the kernel's socket buffers hold).
    tokio::time::sleep(Duration::from_millis(200)).await;
    let written = server.written.load(std::sync::atomic::Ordering::SeqCst);
    assert!(written < 64 * 1024 * 1024, "{written} bytes were sent");
    // The default limit applies without the option.
    let d = client(&server.url)
        .leads()
        .retrieve("lead_1")
        .await
        .unwrap_err();
    assert!(
        matches!(d, Error::ResponseTooLarge { limit, .. } if limit == callwaitingai::DEFAULT_MAX_RESPONSE_BYTES),
        "{d:?}"
    );
}

#[tokio::test]
async fn a_declared_length_over_the_limit_fails_before_reading() {
    let server = Hostile::start(raw(
        "HTTP/1.1 200 OK\r\ncontent-length: 99999999999\r\n\r\n",
        b"{}",
    ))
    .await;
    let c = builder(&server.url)
        .max_retries(0)
        .max_response_bytes(1000)
        .build()
        .unwrap();
    let e = c.leads().retrieve("lead_1").await.unwrap_err();
    assert!(matches!(e, Error::ResponseTooLarge { .. }), "{e:?}");
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = Hostile::start(HostileReply::Raw(Vec::new())).await;
    let at = std::time::SystemTime::now() + Duration::from_secs(3);
    server.set(raw(
        &format!(
            "HTTP/1.1 503 Service Unavailable\r\nretry-after: {}\r\ncontent-length: 0\r\n\r\n",
            httpdate::fmt_http_date(at)
        ),
        b"",
    ));
    let c = builder(&server.url).max_retries(1).build().unwrap();
    let t = Instant::now();
    let e = c.leads().retrieve("lead_1").await.unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(server.hits(), 2);
    // HTTP dates have whole seconds: the wait is 2 to 3 s, not the 0.5 s backoff.
    assert!(
        t.elapsed() >= Duration::from_millis(1900),
        "{:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn absurd_retry_after_values_are_not_waited_for_and_never_panic() {
    let server = Hostile::start(HostileReply::Raw(Vec::new())).await;
    let c = builder(&server.url).max_retries(1).build().unwrap();
    for v in ["1e300", "inf", "NaN", "-5", "99999999999999999999"] {
        for name in ["retry-after", "retry-after-ms"] {
            server.set(raw(
                &format!("HTTP/1.1 429 Too Many\r\n{name}: {v}\r\ncontent-length: 0\r\n\r\n"),
                b"",
            ));
            let t = Instant::now();
            let e = c.leads().retrieve("lead_1").await.unwrap_err();
            assert_eq!(e.status(), Some(429), "{name}: {v}");
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "{name}: {v}: waited {:?}",
                t.elapsed()
            );
        }
    }
}

#[tokio::test]
async fn dot_segments_are_refused_before_anything_is_sent() {
    let server = Hostile::start(raw("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n", b"{}")).await;
    let c = client(&server.url);
    for id in [".", ".."] {
        let e = c.api_keys().rotate(id).await.unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{id}: {e:?}");
        let e = c.leads().retrieve(id).await.unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{id}: {e:?}");
    }
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn a_fifty_megabyte_error_body_gives_a_short_message_and_keeps_the_body() {
    let message = "y".repeat(50 * 1024 * 1024);
    let body = format!(r#"{{"error":{{"code":"BAD_REQUEST","message":"{message}"}}}}"#);
    let server = Hostile::start(raw(
        &format!(
            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        ),
        body.as_bytes(),
    ))
    .await;
    let c = builder(&server.url)
        .max_response_bytes(64 * 1024 * 1024)
        .build()
        .unwrap();
    let e = c.leads().retrieve("lead_1").await.unwrap_err();
    assert_eq!(e.code(), Some("BAD_REQUEST"));
    assert!(e.to_string().len() < 2000, "{}", e.to_string().len());
    assert_eq!(e.api_error().unwrap().body.len(), body.len());
}

#[tokio::test]
async fn the_rust_sdk_names_itself() {
    let server = Hostile::start(raw("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n", b"{}")).await;
    let ours = callwaitingai::RUST_USER_AGENT;
    assert!(ours.starts_with("callwaitingai-rust/0."), "{ours}");
    let _ = client(&server.url).leads().delete("lead_1").await;
    let custom = builder(&server.url)
        .user_agent("callwaitingai-python/0.1.0 python/3.11.7")
        .build()
        .unwrap();
    let _ = custom
        .leads()
        .delete("lead_1")
        .options(RequestOptions::new())
        .await;
    let heads = server.heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 2);
    let lower: Vec<String> = heads.iter().map(|h| h.to_ascii_lowercase()).collect();
    assert!(
        lower[0].contains(&format!("user-agent: {ours}\r\n")),
        "{}",
        heads[0]
    );
    assert!(
        lower[0].contains(&format!("x-callwaitingai-client: {ours}\r\n")),
        "{}",
        heads[0]
    );
    assert!(
        lower[1].contains("user-agent: callwaitingai-python/0.1.0 python/3.11.7\r\n"),
        "{}",
        heads[1]
    );
    assert!(
        builder(&server.url)
            .user_agent("bad\nagent")
            .build()
            .is_err()
    );
}
