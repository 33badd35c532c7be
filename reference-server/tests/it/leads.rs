//! Leads: CRUD, validation, PATCH semantics, lists.

use std::collections::HashSet;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn create_retrieve_update_delete() {
    let s = server().await;
    let r = post(
        &s,
        "/api/v1/leads",
        KEY_A,
        json!({"name": "John Doe", "email": "john@example.com", "tags": ["vip"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let lead = r.body;
    assert!(lead["id"].as_str().unwrap().starts_with("lead_"));
    assert_eq!(lead["status"], "new");
    assert_eq!(lead["source"], "manual");
    assert_eq!(lead["phone"], Value::Null);
    assert!(lead["createdAt"].as_str().unwrap().ends_with('Z'));
    let path = format!("/api/v1/leads/{}", lead["id"].as_str().unwrap());
    assert_eq!(get(&s, &path, KEY_A).await.body, lead);

    let r = call(
        &s,
        Method::PATCH,
        &path,
        Some(KEY_A),
        Some(json!({"status": "contacted", "email": null, "notes": "called"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "contacted");
    assert_eq!(r.body["email"], Value::Null, "null clears");
    assert_eq!(r.body["notes"], "called");
    assert_eq!(
        r.body["tags"],
        json!(["vip"]),
        "absent fields are left alone"
    );
    assert!(r.body["updatedAt"].as_str() > lead["updatedAt"].as_str());

    let r = call(&s, Method::DELETE, &path, Some(KEY_A), None).await;
    assert_eq!(r.body, json!({"id": lead["id"], "deleted": true}));
    assert_eq!(get(&s, &path, KEY_A).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        call(&s, Method::DELETE, &path, Some(KEY_A), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_input_gets_typed_errors() {
    let s = server().await;
    let cases = [
        (
            json!({}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        ),
        (
            json!({"name": ""}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        ),
        (
            json!({"name": "x", "email": "not-an-email"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        ),
        (
            json!({"name": "x", "status": "archived"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        ),
        (json!({"name": 42}), StatusCode::BAD_REQUEST, "BAD_REQUEST"),
        (
            json!({"name": "x", "tags": "vip"}),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        (json!(["name"]), StatusCode::BAD_REQUEST, "BAD_REQUEST"),
    ];
    for (body, status, code) in cases {
        let r = post(&s, "/api/v1/leads", KEY_A, body.clone()).await;
        assert_eq!(r.status, status, "{body}: {}", r.body);
        assert_eq!(r.error_code(), code, "{body}");
    }
    let r = post(
        &s,
        "/api/v1/leads",
        KEY_A,
        json!({"name": "x", "email": "bad"}),
    )
    .await;
    assert_eq!(r.body["error"]["data"]["field"], "email");
    let raw = reqwest::Client::new()
        .post(format!("{}/api/v1/leads", s.url()))
        .bearer_auth(KEY_A)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    let body: Value = raw.json().await.unwrap();
    assert_eq!(body["error"]["code"], "BAD_REQUEST");
    assert_eq!(
        get(&s, "/api/v1/leads", KEY_A).await.body["data"],
        json!([]),
        "nothing was created"
    );
    s.shutdown().await.unwrap();
}

async fn create_many(
    s: &callwaitingai_server::RunningServer,
    n: usize,
    prefix: &str,
) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let status = ["new", "contacted", "qualified"][i % 3];
        let r = post(s, "/api/v1/leads", KEY_A, json!({"name": format!("{prefix} {i:03}"), "status": status, "company": if i % 10 == 0 { "Acme" } else { "Other" }})).await;
        assert_eq!(r.status, StatusCode::CREATED);
        ids.push(r.body["id"].as_str().unwrap().to_string());
    }
    ids
}

#[tokio::test]
async fn cursor_pages_never_repeat_or_skip_under_concurrent_writes() {
    let s = server().await;
    let original = create_many(&s, 250, "Lead").await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/leads?limit=40&cursor={c}"),
            None => "/api/v1/leads?limit=40".to_string(),
        };
        let r = get(&s, &path, KEY_A).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        for l in r.body["data"].as_array().unwrap() {
            seen.push(l["id"].as_str().unwrap().to_string());
        }
        pages += 1;
        // Others write while we page: new leads, and deletion of a lead not in the original set.
        let extra = post(
            &s,
            "/api/v1/leads",
            KEY_A,
            json!({"name": format!("Concurrent {pages}")}),
        )
        .await;
        if pages % 2 == 0 {
            let id = extra.body["id"].as_str().unwrap();
            call(
                &s,
                Method::DELETE,
                &format!("/api/v1/leads/{id}"),
                Some(KEY_A),
                None,
            )
            .await;
        }
        if !r.body["hasMore"].as_bool().unwrap() {
            assert_eq!(r.body["nextCursor"], Value::Null);
            break;
        }
        cursor = Some(r.body["nextCursor"].as_str().unwrap().to_string());
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "an item was returned twice");
    for id in &original {
        assert!(unique.contains(id), "{id} was skipped");
    }
    assert_eq!(pages, 7);
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn limits_offsets_sorts_filters_and_fields() {
    let s = server().await;
    create_many(&s, 120, "Lead").await;
    let r = get(&s, "/api/v1/leads?limit=1000", KEY_A).await;
    assert_eq!(r.status, 400, "limit above 100 is refused: {}", r.body);
    assert_eq!(r.body["error"]["data"]["field"], "limit");
    let r = get(&s, "/api/v1/leads?limit=100", KEY_A).await;
    assert_eq!(
        r.body["data"].as_array().unwrap().len(),
        100,
        "limit 100 is the largest page"
    );
    assert_eq!(
        get(&s, "/api/v1/leads", KEY_A).await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        20
    );
    assert_eq!(
        get(&s, "/api/v1/leads?limit=0", KEY_A).await.error_code(),
        "VALIDATION_FAILED"
    );
    assert_eq!(
        get(&s, "/api/v1/leads?limit=ten", KEY_A).await.error_code(),
        "BAD_REQUEST"
    );
    assert_eq!(
        get(&s, "/api/v1/leads?sort=colour", KEY_A)
            .await
            .error_code(),
        "BAD_REQUEST"
    );
    assert_eq!(
        get(&s, "/api/v1/leads?cursor=garbage", KEY_A)
            .await
            .error_code(),
        "BAD_REQUEST"
    );
    assert_eq!(
        get(&s, "/api/v1/leads?status=archived", KEY_A)
            .await
            .error_code(),
        "VALIDATION_FAILED"
    );

    let names = |v: &Value| -> Vec<String> {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap().to_string())
            .collect()
    };
    let asc = get(&s, "/api/v1/leads?sort=name&limit=3", KEY_A).await;
    assert_eq!(names(&asc.body), ["Lead 000", "Lead 001", "Lead 002"]);
    let desc = get(&s, "/api/v1/leads?sort=-name&limit=2&offset=1", KEY_A).await;
    assert_eq!(names(&desc.body), ["Lead 118", "Lead 117"]);
    // A cursor belongs to its sort order.
    let c = asc.body["nextCursor"].as_str().unwrap();
    assert_eq!(
        get(&s, &format!("/api/v1/leads?sort=-name&cursor={c}"), KEY_A)
            .await
            .error_code(),
        "BAD_REQUEST"
    );
    let next = get(
        &s,
        &format!("/api/v1/leads?sort=name&limit=3&cursor={c}"),
        KEY_A,
    )
    .await;
    assert_eq!(names(&next.body), ["Lead 003", "Lead 004", "Lead 005"]);

    let r = get(&s, "/api/v1/leads?status=contacted&limit=100", KEY_A).await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 40);
    assert!(
        r.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["status"] == "contacted")
    );
    let r = get(&s, "/api/v1/leads?q=acme&limit=100", KEY_A).await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 12);
    let r = get(&s, "/api/v1/leads?q=%25&limit=100", KEY_A).await;
    assert_eq!(
        r.body["data"].as_array().unwrap().len(),
        0,
        "% is matched literally"
    );
    let r = get(&s, "/api/v1/leads?fields=name&limit=1", KEY_A).await;
    let keys: Vec<&String> = r.body["data"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    let future = "2999-01-01T00:00:00Z";
    assert_eq!(
        get(&s, &format!("/api/v1/leads?createdAfter={future}"), KEY_A)
            .await
            .body["data"],
        json!([])
    );
    assert_eq!(
        get(
            &s,
            &format!("/api/v1/leads?createdBefore={future}&limit=5"),
            KEY_A
        )
        .await
        .body["data"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(
        get(&s, "/api/v1/leads?createdAfter=yesterday", KEY_A)
            .await
            .error_code(),
        "BAD_REQUEST"
    );
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn data_survives_a_restart_with_a_database_file() {
    let dir = std::env::temp_dir().join(format!("cwai-restart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("data.db");
    let _ = std::fs::remove_file(&db);
    let mut cfg = config();
    cfg.storage = callwaitingai_server::Storage::File(db.clone());
    let s = callwaitingai_server::start(cfg.clone()).await.unwrap();
    let id = post(&s, "/api/v1/leads", KEY_A, json!({"name": "Durable"}))
        .await
        .body["id"]
        .clone();
    s.shutdown().await.unwrap();
    let s = callwaitingai_server::start(cfg).await.unwrap();
    let r = get(
        &s,
        &format!("/api/v1/leads/{}", id.as_str().unwrap()),
        KEY_A,
    )
    .await;
    assert_eq!(r.body["name"], "Durable");
    s.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn null_is_refused_where_the_spec_does_not_allow_it() {
    let s = server().await;
    let lead = post(
        &s,
        "/api/v1/leads",
        KEY_A,
        json!({"name": "N", "tags": ["a"]}),
    )
    .await
    .body;
    let path = format!("/api/v1/leads/{}", lead["id"].as_str().unwrap());
    for field in ["tags", "name", "status", "source"] {
        let r = call(
            &s,
            Method::PATCH,
            &path,
            Some(KEY_A),
            Some(json!({ field: null })),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}: {}", r.body);
        assert_eq!(r.body["error"]["data"]["field"], field, "{}", r.body);
    }
    // Nullable fields still clear; `[]` clears the tags.
    let r = call(
        &s,
        Method::PATCH,
        &path,
        Some(KEY_A),
        Some(json!({"notes": null, "tags": []})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["tags"], json!([]));
    let hook = post(
        &s,
        "/api/v1/webhooks",
        KEY_A,
        json!({"url": "https://example.com/h"}),
    )
    .await
    .body;
    let r = call(
        &s,
        Method::PATCH,
        &format!("/api/v1/webhooks/{}", hook["id"].as_str().unwrap()),
        Some(KEY_A),
        Some(json!({"enabled": null})),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["error"]["data"]["field"], "enabled");
}

/// JSON text may hold U+0000; PostgreSQL's `text` cannot. Both backends store it and read it
/// back as sent (CI runs this file on PostgreSQL too, where it was once a 400 that no operation
/// documents), find it by search, and answer 404, not an error, for an id that holds it.
#[tokio::test]
async fn text_with_nul_is_stored_as_sent() {
    let s = server().await;
    let name = "Nul\u{0}Name \u{FFFF}0 \u{FFFF}";
    let r = post(
        &s,
        "/api/v1/leads",
        KEY_A,
        json!({"name": name, "notes": "\u{0}", "tags": ["a\u{0}b"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["name"], name);
    assert_eq!(r.body["notes"], "\u{0}");
    assert_eq!(r.body["tags"], json!(["a\u{0}b"]));
    let path = format!("/api/v1/leads/{}", r.body["id"].as_str().unwrap());
    assert_eq!(get(&s, &path, KEY_A).await.body, r.body);

    let found = get(&s, "/api/v1/leads?q=l%00n", KEY_A).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert_eq!(found.body["data"][0]["id"], r.body["id"], "{}", found.body);
    let none = get(&s, "/api/v1/leads?q=x%00", KEY_A).await;
    assert_eq!(none.body["data"], json!([]), "{}", none.body);

    let r = get(&s, "/api/v1/leads/lead_%00", KEY_A).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    s.shutdown().await.unwrap();
}
