//! Analytics count only the caller's organisation, over the requested days.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn figures_count_only_the_callers_organisation() {
    let s = server().await;
    for i in 0..4 {
        let lead = post(
            &s,
            "/api/v1/leads",
            KEY_A,
            json!({"name": format!("L{i}"), "source": "call"}),
        )
        .await
        .body;
        if i == 0 {
            let path = format!("/api/v1/leads/{}", lead["id"].as_str().unwrap());
            call(
                &s,
                Method::PATCH,
                &path,
                Some(KEY_A),
                Some(json!({"status": "converted"})),
            )
            .await;
        }
    }
    post(&s, "/api/v1/leads", KEY_B, json!({"name": "B only"})).await;
    let today = time::OffsetDateTime::now_utc().date();
    let started = format!("{today}T08:00:00Z");
    for (status, ended) in [
        ("completed", "08:01:40"),
        ("completed", "08:05:00"),
        ("missed", "08:00:00"),
    ] {
        let c = post(&s, "/api/v1/calls", KEY_A, json!({"direction": "inbound", "fromNumber": "1", "toNumber": "2", "startedAt": started})).await.body;
        call(
            &s,
            Method::PATCH,
            &format!("/api/v1/calls/{}", c["id"].as_str().unwrap()),
            Some(KEY_A),
            Some(json!({"status": status, "endedAt": format!("{today}T{ended}Z")})),
        )
        .await;
    }
    post(
        &s,
        "/api/v1/chat/message",
        KEY_A,
        json!({"content": "hello"}),
    )
    .await;

    let r = get(&s, "/api/v1/analytics/summary", KEY_A).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["leads"],
        json!({"total": 4, "converted": 1, "conversionRate": 0.25})
    );
    assert_eq!(
        r.body["calls"],
        json!({"total": 3, "completed": 2, "missed": 1, "averageDurationSeconds": 133.3})
    );
    assert_eq!(r.body["chat"], json!({"sessions": 1, "messages": 2}));
    assert_eq!(r.body["to"], today.to_string());

    let r = get(&s, "/api/v1/analytics/leads", KEY_A).await.body;
    assert_eq!(r["bySource"], json!({"call": 4}));
    assert_eq!(r["byStatus"], json!({"converted": 1, "new": 3}));
    let daily = r["daily"].as_array().unwrap();
    assert_eq!(daily.len(), 30, "every day of the default 30-day range");
    assert_eq!(daily.last().unwrap()["count"], 4);
    let r = get(&s, "/api/v1/analytics/calls", KEY_A).await.body;
    assert_eq!(r["byDirection"], json!({"inbound": 3}));
    assert_eq!(r["totalDurationSeconds"], 400);

    let b = get(&s, "/api/v1/analytics/summary", KEY_B).await.body;
    assert_eq!(b["leads"]["total"], 1);
    assert_eq!(b["calls"]["total"], 0);
    let old = get(
        &s,
        "/api/v1/analytics/leads?from=2020-01-01&to=2020-01-31",
        KEY_A,
    )
    .await
    .body;
    assert_eq!(old["total"], 0);
    assert_eq!(old["daily"].as_array().unwrap().len(), 31);
    assert_eq!(
        get(&s, "/api/v1/analytics/leads?from=yesterday", KEY_A)
            .await
            .error_code(),
        "BAD_REQUEST"
    );
    assert_eq!(
        get(
            &s,
            "/api/v1/analytics/leads?from=2020-02-01&to=2020-01-01",
            KEY_A
        )
        .await
        .error_code(),
        "VALIDATION_FAILED"
    );
    s.shutdown().await.unwrap();
}
