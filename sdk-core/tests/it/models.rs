//! The generated models: wire names, open enums, PATCH semantics, secrets kept out of `Debug`.

use callwaitingai::Patch;
use callwaitingai::models::{
    ApiKey, CallStatus, Lead, LeadCreateParams, LeadStatus, LeadUpdateParams, TokenResponse,
    WebhookEndpoint,
};
use callwaitingai::operations::OPERATIONS;
use serde_json::json;

fn lead_json(status: &str) -> serde_json::Value {
    json!({
        "id": "lead_1", "name": "John Doe", "email": null, "phone": "+15550100",
        "company": null, "source": "call", "status": status, "notes": null, "tags": ["vip"],
        "createdAt": "2026-11-01T09:30:00Z", "updatedAt": "2026-11-01T09:30:00Z"
    })
}

#[test]
fn models_use_camel_case_on_the_wire_and_round_trip() {
    let lead: Lead = serde_json::from_value(lead_json("new")).unwrap();
    assert_eq!(lead.created_at, "2026-11-01T09:30:00Z");
    assert_eq!(lead.status, LeadStatus::New);
    assert_eq!(serde_json::to_value(&lead).unwrap(), lead_json("new"));
}

#[test]
fn unknown_enum_values_from_a_newer_server_decode() {
    let lead: Lead = serde_json::from_value(lead_json("archived")).unwrap();
    assert_eq!(lead.status, LeadStatus::Unknown("archived".into()));
    assert_eq!(lead.status.as_str(), "archived");
    assert_eq!(serde_json::to_value(&lead).unwrap()["status"], "archived");
    assert_eq!(
        "in_progress".parse::<CallStatus>().unwrap(),
        CallStatus::InProgress
    );
    assert_eq!(CallStatus::InProgress.to_string(), "in_progress");
}

#[test]
fn create_params_leave_out_what_is_not_set() {
    let p = LeadCreateParams::new("John Doe").email("john@example.com");
    assert_eq!(
        serde_json::to_value(&p).unwrap(),
        json!({"name": "John Doe", "email": "john@example.com"})
    );
}

#[test]
fn patch_bodies_tell_absent_from_null_from_value() {
    let p = LeadUpdateParams::new()
        .notes("hi")
        .clear_email()
        .status(LeadStatus::Converted);
    assert_eq!(
        serde_json::to_value(&p).unwrap(),
        json!({"notes": "hi", "email": null, "status": "converted"})
    );
    let back: LeadUpdateParams =
        serde_json::from_value(json!({"email": null, "notes": "x"})).unwrap();
    assert_eq!(back.email, Patch::Null);
    assert_eq!(back.notes, Patch::Value("x".into()));
    assert_eq!(back.phone, Patch::Absent);
    assert_eq!(
        serde_json::to_value(LeadUpdateParams::new()).unwrap(),
        json!({})
    );
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let key: ApiKey = serde_json::from_value(json!({
        "id": "key_1", "name": "ci", "prefix": "cw_test_ab", "scopes": ["admin"],
        "expiresAt": null, "lastUsedAt": null, "createdAt": "2026-11-01T00:00:00Z",
        "revokedAt": null, "key": "cw_test_abSECRETSECRET"
    }))
    .unwrap();
    let shown = format!("{key:?}");
    assert!(!shown.contains("SECRETSECRET"), "{shown}");
    assert!(shown.contains("[redacted]"));
    let tokens = TokenResponse {
        access_token: "eyJ.SECRET".into(),
        refresh_token: "rt_SECRET".into(),
        expires_in: 900,
        token_type: "Bearer".into(),
    };
    assert!(!format!("{tokens:?}").contains("SECRET"));
    let endpoint: WebhookEndpoint = serde_json::from_value(json!({
        "id": "we_1", "url": "https://example.com", "events": ["*"], "description": null,
        "enabled": true, "createdAt": "t", "updatedAt": "t"
    }))
    .unwrap();
    assert!(format!("{endpoint:?}").contains("secret: None"));
}

#[test]
fn the_operation_table_holds_every_contract_operation() {
    let want = [
        ("POST", "/auth/login"),
        ("POST", "/auth/refresh"),
        ("GET", "/leads"),
        ("POST", "/leads"),
        ("GET", "/leads/{id}"),
        ("PATCH", "/leads/{id}"),
        ("DELETE", "/leads/{id}"),
        ("GET", "/calls"),
        ("POST", "/calls"),
        ("GET", "/calls/{id}"),
        ("PATCH", "/calls/{id}"),
        ("POST", "/calls/{id}/transcript"),
        ("POST", "/chat/message"),
        ("GET", "/chat/sessions"),
        ("GET", "/chat/sessions/{id}"),
        ("GET", "/chat/sessions/{id}/messages"),
        ("GET", "/analytics/summary"),
        ("GET", "/analytics/calls"),
        ("GET", "/analytics/leads"),
        ("GET", "/webhooks"),
        ("POST", "/webhooks"),
        ("GET", "/webhooks/{id}"),
        ("PATCH", "/webhooks/{id}"),
        ("DELETE", "/webhooks/{id}"),
        ("POST", "/webhooks/{id}/test"),
        ("POST", "/webhooks/{id}/rotate-secret"),
        ("GET", "/webhooks/{id}/deliveries"),
        ("POST", "/webhooks/{id}/deliveries/{deliveryId}/retry"),
        ("GET", "/api-keys"),
        ("POST", "/api-keys"),
        ("DELETE", "/api-keys/{id}"),
        ("POST", "/api-keys/{id}/rotate"),
        ("GET", "/health"),
    ];
    for (method, path) in want {
        assert!(
            OPERATIONS
                .iter()
                .any(|o| o.method == method && o.path == path),
            "missing {method} {path}"
        );
    }
    for op in OPERATIONS {
        let (resource, verb) = op
            .id
            .rsplit_once('.')
            .expect("operationId is resource.verb");
        assert!(!resource.is_empty() && !verb.is_empty(), "{}", op.id);
        if op.method == "POST" {
            assert!(op.status < 300);
        }
    }
    let list = OPERATIONS.iter().find(|o| o.id == "leads.list").unwrap();
    assert_eq!(list.list_of, Some("Lead"));
    assert_eq!(list.scope, Some("read:leads"));
    let health = OPERATIONS.iter().find(|o| o.id == "health.check").unwrap();
    assert!(!health.auth);
}
