//! Pagination edge cases against a scripted server: empty pages with a cursor, repeated
//! cursors.

use axum::response::IntoResponse;
use callwaitingai::Client;
use callwaitingai::models::*;
use callwaitingai_tests::*;
use futures::TryStreamExt;

fn lead(id: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id, "name": id, "email": null, "phone": null, "company": null,
        "source": "manual", "status": "new", "notes": null, "tags": [],
        "createdAt": "2026-11-01T00:00:00Z", "updatedAt": "2026-11-01T00:00:00Z"
    })
}

fn page(items: &[&str], next: Option<&str>) -> axum::response::Response {
    let body = serde_json::json!({
        "data": items.iter().map(|i| lead(i)).collect::<Vec<_>>(),
        "hasMore": next.is_some(),
        "nextCursor": next,
    });
    ([("content-type", "application/json")], body.to_string()).into_response()
}

#[tokio::test]
async fn an_empty_page_with_a_cursor_does_not_end_the_walk() {
    let scripted = Scripted::start(|_, uri| async move {
        if uri.contains("cursor=c2") {
            page(&["lead_3"], None)
        } else if uri.contains("cursor=c1") {
            page(&[], Some("c2"))
        } else {
            page(&["lead_1", "lead_2"], Some("c1"))
        }
    })
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&scripted.url)
        .build()
        .unwrap();
    let ids: Vec<String> = client
        .leads()
        .list_auto(LeadsListParams::default())
        .map_ok(|l| l.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["lead_1", "lead_2", "lead_3"]);
}

#[tokio::test]
async fn a_repeated_cursor_stops_with_an_error() {
    let scripted = Scripted::start(|_, uri| async move {
        if uri.contains("cursor=") {
            page(&["lead_2"], Some("loop"))
        } else {
            page(&["lead_1"], Some("loop"))
        }
    })
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&scripted.url)
        .build()
        .unwrap();
    let result: Result<Vec<Lead>, _> = client
        .leads()
        .list_auto(LeadsListParams::default())
        .try_collect()
        .await;
    let e = result.unwrap_err();
    assert!(e.to_string().contains("repeated the cursor"), "{e}");
    assert!(
        scripted.hits() <= 3,
        "no infinite loop: {} requests",
        scripted.hits()
    );
}

#[tokio::test]
async fn a_body_that_is_not_the_model_is_a_decode_error() {
    let scripted = Scripted::start(|_, _| async {
        ([("content-type", "application/json")], r#"{"id": 5}"#).into_response()
    })
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&scripted.url)
        .build()
        .unwrap();
    let e = client.leads().retrieve("lead_1").await.unwrap_err();
    assert!(
        matches!(e, callwaitingai::Error::Decode { status: 200, .. }),
        "{e:?}"
    );
}
