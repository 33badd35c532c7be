//! Idempotency keys and fault injection: exactly one object per key.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::*;

async fn post_with_key(
    s: &callwaitingai_server::RunningServer,
    key: &str,
    body: &Value,
) -> Result<(StatusCode, reqwest::header::HeaderMap, Value), reqwest::Error> {
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/leads", s.url()))
        .bearer_auth(KEY_A)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await?;
    let status = res.status();
    let headers = res.headers().clone();
    let body: Value = res.json().await?;
    Ok((status, headers, body))
}

async fn lead_count(s: &callwaitingai_server::RunningServer) -> usize {
    let mut n = 0;
    let mut cursor = String::new();
    loop {
        let r = get(s, &format!("/api/v1/leads?limit=100{cursor}"), KEY_A).await;
        n += r.body["data"].as_array().unwrap().len();
        match r.body["nextCursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return n,
        }
    }
}

#[tokio::test]
async fn the_same_key_replays_and_a_different_body_conflicts() {
    let s = server().await;
    let body = json!({"name": "Once"});
    let (st1, h1, b1) = post_with_key(&s, "key-1", &body).await.unwrap();
    assert_eq!(st1, StatusCode::CREATED);
    assert!(h1.get("idempotent-replayed").is_none());
    let (st2, h2, b2) = post_with_key(&s, "key-1", &body).await.unwrap();
    assert_eq!(st2, StatusCode::CREATED, "the stored status is replayed");
    assert_eq!(h2["idempotent-replayed"], "true");
    assert_eq!(b1, b2, "the stored body is replayed");
    assert_eq!(lead_count(&s).await, 1);
    let (st3, _, b3) = post_with_key(&s, "key-1", &json!({"name": "Other"}))
        .await
        .unwrap();
    assert_eq!(st3, StatusCode::CONFLICT);
    assert_eq!(b3["error"]["code"], "CONFLICT");
    // Keys are per organisation.
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/leads", s.url()))
        .bearer_auth(KEY_B)
        .header("idempotency-key", "key-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(res.headers().get("idempotent-replayed").is_none());
    // A failed request stores nothing: the same key can be used once the input is fixed.
    let (st, _, _) = post_with_key(&s, "key-2", &json!({"name": ""}))
        .await
        .unwrap();
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(lead_count(&s).await, 1);
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn concurrent_requests_with_one_key_create_one_object() {
    let s = server().await;
    let body = json!({"name": "Raced"});
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let url = s.url();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let res = reqwest::Client::new()
                .post(format!("{url}/api/v1/leads"))
                .bearer_auth(KEY_A)
                .header("idempotency-key", "race")
                .json(&body)
                .send()
                .await
                .unwrap();
            (
                res.status(),
                res.headers().get("retry-after").is_some(),
                res.json::<Value>().await.unwrap(),
            )
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for t in tasks {
        let (status, retry_after, body) = t.await.unwrap();
        match status {
            StatusCode::CREATED => {
                ids.insert(body["id"].as_str().unwrap().to_string());
            }
            StatusCode::CONFLICT => {
                assert!(retry_after, "an in-flight conflict carries Retry-After")
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(ids.len(), 1, "every success names the same lead");
    assert_eq!(lead_count(&s).await, 1);
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn faults_with_retries_give_exactly_one_object_per_key() {
    let mut cfg = config();
    cfg.fault_rate = 0.3;
    cfg.fault_seed = 7;
    let s = callwaitingai_server::start(cfg).await.unwrap();
    let mut faults = 0;
    for i in 0..40 {
        let body = json!({"name": format!("Lead {i:02}")});
        let key = format!("fault-{i}");
        let mut done = false;
        for _ in 0..20 {
            match post_with_key(&s, &key, &body).await {
                Ok((StatusCode::CREATED, _, _)) => {
                    done = true;
                    break;
                }
                Ok((status, _, _)) => {
                    assert!(
                        status.is_server_error() || status == StatusCode::CONFLICT,
                        "{status}"
                    );
                    faults += 1;
                }
                Err(_) => faults += 1, // a dropped connection
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(done, "lead {i} never succeeded");
    }
    assert!(faults >= 5, "the fault plan injected only {faults} faults");
    // List every lead, retrying pages that were faulted.
    let mut names = Vec::new();
    let mut cursor = String::new();
    loop {
        let res = reqwest::Client::new()
            .get(format!(
                "{}/api/v1/leads?limit=100&sort=name{cursor}",
                s.url()
            ))
            .bearer_auth(KEY_A)
            .send()
            .await;
        let Ok(res) = res else { continue };
        if !res.status().is_success() {
            continue;
        }
        let Ok(page) = res.json::<Value>().await else {
            continue;
        };
        names.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["name"].as_str().unwrap().to_string()),
        );
        match page["nextCursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    let expected: Vec<String> = (0..40).map(|i| format!("Lead {i:02}")).collect();
    assert_eq!(names, expected, "exactly one lead per idempotency key");
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_same_seed_fails_the_same_requests() {
    let mut outcomes = Vec::new();
    for _ in 0..2 {
        let mut cfg = config();
        cfg.fault_rate = 0.5;
        cfg.fault_seed = 42;
        let s = callwaitingai_server::start(cfg).await.unwrap();
        let mut run = Vec::new();
        for _ in 0..20 {
            let r = reqwest::Client::new()
                .get(format!("{}/api/v1/leads", s.url()))
                .bearer_auth(KEY_A)
                .send()
                .await;
            let status = match r {
                Ok(r) => {
                    let code = r.status().as_u16();
                    if r.bytes().await.is_ok() { code } else { 0 }
                }
                Err(_) => 0,
            };
            run.push(status);
        }
        // Health is never faulted.
        for _ in 0..20 {
            let r = reqwest::get(format!("{}/api/v1/health", s.url()))
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
        }
        outcomes.push(run);
        s.shutdown().await.unwrap();
    }
    assert_eq!(outcomes[0], outcomes[1]);
    assert!(
        outcomes[0].iter().any(|s| *s != 200),
        "faults were injected: {:?}",
        outcomes[0]
    );
}
