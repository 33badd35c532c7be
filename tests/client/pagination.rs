//! Pagination: every item once under concurrent inserts, item caps, next_page.

use std::collections::HashSet;

use callwaitingai::models::*;
use callwaitingai_tests::*;
use futures::{StreamExt, TryStreamExt};

#[tokio::test]
async fn list_auto_walks_every_lead_once_while_others_insert() {
    let server = server_with(config()).await;
    let client = client(&server, KEY);
    let mut original = HashSet::new();
    for i in 0..260 {
        original.insert(
            client
                .leads()
                .create(LeadCreateParams::new(format!("L{i}")))
                .await
                .unwrap()
                .id,
        );
    }
    let writer = client.clone();
    let mut stream = client.leads().list_auto(LeadsListParams {
        limit: Some(50),
        ..Default::default()
    });
    let mut seen = Vec::new();
    let mut n = 0;
    while let Some(lead) = stream.next().await {
        seen.push(lead.unwrap().id);
        n += 1;
        if n % 25 == 0 {
            writer
                .leads()
                .create(LeadCreateParams::new("concurrent"))
                .await
                .unwrap();
        }
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no lead twice");
    assert!(
        original.iter().all(|id| unique.contains(id)),
        "no original lead skipped"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn pages_step_manually_and_streams_cap_items() {
    let server = server_with(config()).await;
    let client = client(&server, KEY);
    for i in 0..25 {
        client
            .leads()
            .create(LeadCreateParams::new(format!("L{i:02}")))
            .await
            .unwrap();
    }
    let first = client
        .leads()
        .list(LeadsListParams {
            limit: Some(10),
            sort: Some("name".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(first.data.len(), 10);
    assert!(first.has_more && first.has_next_page());
    let second = first.next_page().await.unwrap().unwrap();
    assert_eq!(second.data[0].name, "L10");
    let third = second.next_page().await.unwrap().unwrap();
    assert_eq!(third.data.len(), 5);
    assert!(!third.has_more);
    assert!(third.next_page().await.unwrap().is_none());
    // A page streams itself and what follows.
    let rest: Vec<Lead> = second.into_stream().try_collect().await.unwrap();
    assert_eq!(rest.len(), 15);
    // An item cap separate from the page size.
    let seven: Vec<Lead> = client
        .leads()
        .list_auto(LeadsListParams {
            limit: Some(3),
            ..Default::default()
        })
        .take(7)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(seven.len(), 7);
    // Offset applies to the first page only; the cursor takes over.
    let all: Vec<Lead> = client
        .leads()
        .list_auto(LeadsListParams {
            offset: Some(20),
            limit: Some(2),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    server.shutdown().await.unwrap();
}
