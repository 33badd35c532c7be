//! Webhook endpoints, the outbox of event messages, and their deliveries.
//!
//! [`emit`] runs inside the transaction of the change it reports: the message and one delivery
//! per subscribed endpoint are committed with it or not at all (a transactional outbox). The
//! delivery worker then sends what is due, and survives restarts because all state is here.

use std::collections::HashMap;

use crate::params;
use crate::store::db::Value as Sql;
use crate::store::db::{Db, Optional, Row};
use base64::Engine as _;
use callwaitingai::Patch;
use callwaitingai::models::{
    WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint, WebhookEndpointCreateParams,
    WebhookEndpointUpdateParams, WebhookEventType,
};
use rand::RngCore;
use serde_json::{Value, json};

use super::list::{self, Filter, ListQuery, Page};
use crate::error::ApiError;
use crate::util::{check_len, format_ts, new_id, now};

pub const SORTS: &[(&str, &str)] = &[("createdAt", "created_at"), ("updatedAt", "updated_at")];
pub const DELIVERY_SORTS: &[(&str, &str)] = &[("createdAt", "created_at")];

/// How long a rotated-out secret keeps signing.
const OLD_SECRET_HOURS: i64 = 24;

fn new_secret() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

fn row_to_endpoint(row: &Row) -> crate::store::db::Result<WebhookEndpoint> {
    let events: String = row.get("events")?;
    Ok(WebhookEndpoint {
        id: row.get("id")?,
        url: row.get("url")?,
        events: serde_json::from_str(&events).unwrap_or_default(),
        description: row.get("description")?,
        enabled: row.get("enabled")?,
        secret: None,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
    })
}

fn row_to_delivery(row: &Row) -> crate::store::db::Result<WebhookDelivery> {
    Ok(WebhookDelivery {
        id: row.get("id")?,
        endpoint_id: row.get("endpoint_id")?,
        event_type: row.get("event_type")?,
        webhook_id: row.get("message_id")?,
        status: WebhookDeliveryStatus::from(row.get::<_, String>("status")?),
        attempts: row.get("attempts")?,
        last_status_code: row.get("last_status_code")?,
        last_error: row.get("last_error")?,
        next_attempt_at: row.get("next_attempt_at")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
    })
}

fn check_url(url: &str) -> Result<(), ApiError> {
    let bad = || ApiError::validation("url", format!("url {url:?} is not an absolute http(s) URL"));
    let parsed = reqwest::Url::parse(url).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad());
    }
    check_len("url", url, 1, 2000)
}

fn check_events(events: &[String]) -> Result<(), ApiError> {
    if events.is_empty() {
        return Err(ApiError::validation(
            "events",
            "give at least one event type, or \"*\"",
        ));
    }
    for e in events {
        if e != "*"
            && matches!(
                WebhookEventType::from(e.as_str()),
                WebhookEventType::Unknown(_)
            )
        {
            let known: Vec<&str> = WebhookEventType::KNOWN
                .iter()
                .map(WebhookEventType::as_str)
                .collect();
            return Err(ApiError::validation(
                "events",
                format!(
                    "unknown event type {e:?}; use \"*\" or any of {}",
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

pub fn get(conn: &Db<'_>, org: &str, id: &str) -> Result<WebhookEndpoint, ApiError> {
    conn.query_row(
        "SELECT * FROM webhook_endpoints WHERE org_id = ?1 AND id = ?2",
        params![org, id],
        row_to_endpoint,
    )
    .optional()?
    .ok_or_else(|| ApiError::not_found("webhook endpoint", id))
}

pub fn create(
    conn: &Db<'_>,
    org: &str,
    p: &WebhookEndpointCreateParams,
) -> Result<WebhookEndpoint, ApiError> {
    check_url(&p.url)?;
    let events = p.events.clone().unwrap_or_else(|| vec!["*".to_string()]);
    check_events(&events)?;
    if let Some(d) = &p.description {
        check_len("description", d, 0, 1000)?;
    }
    let id = new_id("we");
    let t = now();
    let secret = new_secret();
    conn.execute(
        "INSERT INTO webhook_endpoints (id, org_id, url, events, description, enabled, secret, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![
            id, org, p.url, serde_json::to_string(&events).map_err(ApiError::internal)?,
            p.description, p.enabled.unwrap_or(true), secret, t
        ],
    )?;
    let mut endpoint = get(conn, org, &id)?;
    endpoint.secret = Some(secret);
    Ok(endpoint)
}

pub fn update(
    conn: &Db<'_>,
    org: &str,
    id: &str,
    p: &WebhookEndpointUpdateParams,
) -> Result<WebhookEndpoint, ApiError> {
    let mut e = get(conn, org, id)?;
    if let Some(url) = &p.url {
        check_url(url)?;
        e.url = url.clone();
    }
    if let Some(events) = &p.events {
        check_events(events)?;
        e.events = events.clone();
    }
    match &p.description {
        Patch::Absent => {}
        Patch::Null => e.description = None,
        Patch::Value(d) => {
            check_len("description", d, 0, 1000)?;
            e.description = Some(d.clone());
        }
    }
    if let Some(enabled) = p.enabled {
        e.enabled = enabled;
    }
    e.updated_at = now();
    conn.execute(
        "UPDATE webhook_endpoints SET url = ?3, events = ?4, description = ?5, enabled = ?6, updated_at = ?7
         WHERE org_id = ?1 AND id = ?2",
        params![
            org, id, e.url, serde_json::to_string(&e.events).map_err(ApiError::internal)?,
            e.description, e.enabled, e.updated_at
        ],
    )?;
    Ok(e)
}

pub fn delete(conn: &Db<'_>, org: &str, id: &str) -> Result<(), ApiError> {
    get(conn, org, id)?;
    conn.execute(
        "DELETE FROM webhook_deliveries WHERE org_id = ?1 AND endpoint_id = ?2",
        params![org, id],
    )?;
    conn.execute(
        "DELETE FROM webhook_endpoints WHERE org_id = ?1 AND id = ?2",
        params![org, id],
    )?;
    Ok(())
}

/// A new secret; the old one keeps signing (a second signature) for 24 hours.
pub fn rotate_secret(conn: &Db<'_>, org: &str, id: &str) -> Result<WebhookEndpoint, ApiError> {
    get(conn, org, id)?;
    let secret = new_secret();
    let t = now();
    let until =
        format_ts(time::OffsetDateTime::now_utc() + time::Duration::hours(OLD_SECRET_HOURS));
    conn.execute(
        "UPDATE webhook_endpoints SET old_secret = secret, old_secret_until = ?3, secret = ?4, updated_at = ?5
         WHERE org_id = ?1 AND id = ?2",
        params![org, id, until, secret, t],
    )?;
    let mut e = get(conn, org, id)?;
    e.secret = Some(secret);
    Ok(e)
}

pub fn list(conn: &Db<'_>, org: &str, q: &ListQuery) -> Result<Page, ApiError> {
    list::fetch(conn, "webhook_endpoints", org, &[], q, row_to_endpoint)
}

pub fn get_delivery(
    conn: &Db<'_>,
    org: &str,
    endpoint: &str,
    id: &str,
) -> Result<WebhookDelivery, ApiError> {
    conn.query_row(
        "SELECT * FROM webhook_deliveries WHERE org_id = ?1 AND endpoint_id = ?2 AND id = ?3",
        params![org, endpoint, id],
        row_to_delivery,
    )
    .optional()?
    .ok_or_else(|| ApiError::not_found("delivery", id))
}

pub fn deliveries(
    conn: &Db<'_>,
    org: &str,
    endpoint: &str,
    q: &ListQuery,
    params: &HashMap<String, String>,
) -> Result<Page, ApiError> {
    get(conn, org, endpoint)?;
    let mut filters: Vec<Filter> = vec![(
        "endpoint_id = ?".into(),
        vec![Sql::Text(endpoint.to_string())],
    )];
    if let Some(s) = params.get("status") {
        if matches!(
            WebhookDeliveryStatus::from(s.as_str()),
            WebhookDeliveryStatus::Unknown(_)
        ) {
            return Err(ApiError::validation(
                "status",
                "status is one of pending, succeeded, failed",
            ));
        }
        filters.push(("status = ?".into(), vec![Sql::Text(s.clone())]));
    }
    if let Some(t) = params.get("eventType") {
        filters.push(("event_type = ?".into(), vec![Sql::Text(t.clone())]));
    }
    list::fetch(
        conn,
        "webhook_deliveries",
        org,
        &filters,
        q,
        row_to_delivery,
    )
}

/// Queues the same message again (same `webhook-id`), now.
pub fn retry_delivery(
    conn: &Db<'_>,
    org: &str,
    endpoint: &str,
    id: &str,
) -> Result<WebhookDelivery, ApiError> {
    get_delivery(conn, org, endpoint, id)?;
    let t = now();
    conn.execute(
        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?3, updated_at = ?3
         WHERE org_id = ?1 AND id = ?2",
        params![org, id, t],
    )?;
    conn.announce_delivery()?;
    get_delivery(conn, org, endpoint, id)
}

fn insert_message(
    conn: &Db<'_>,
    org: &str,
    event_type: &str,
    data: Value,
) -> Result<String, ApiError> {
    let id = new_id("msg");
    let t = now();
    let payload = json!({ "type": event_type, "timestamp": t, "data": data });
    conn.execute(
        "INSERT INTO webhook_messages (id, org_id, event_type, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, org, event_type, payload.to_string(), t],
    )?;
    Ok(id)
}

fn insert_delivery(
    conn: &Db<'_>,
    org: &str,
    endpoint: &str,
    message: &str,
    event_type: &str,
) -> Result<String, ApiError> {
    let id = new_id("del");
    let t = now();
    conn.execute(
        "INSERT INTO webhook_deliveries (id, org_id, endpoint_id, message_id, event_type, status, attempts,
           next_attempt_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending', 0, ?6, ?6, ?6)",
        params![id, org, endpoint, message, event_type, t],
    )?;
    conn.announce_delivery()?;
    Ok(id)
}

/// Records an event and queues it for every enabled endpoint subscribed to it, in the caller's
/// transaction.
pub fn emit(
    conn: &Db<'_>,
    org: &str,
    event_type: &str,
    data: &impl serde::Serialize,
) -> Result<(), ApiError> {
    let endpoints: Vec<(String, String)> = conn.query_map(
        "SELECT id, events FROM webhook_endpoints WHERE org_id = ?1 AND enabled = 1",
        params![org],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let targets: Vec<String> = endpoints
        .into_iter()
        .filter(|(_, events)| {
            serde_json::from_str::<Vec<String>>(events)
                .unwrap_or_default()
                .iter()
                .any(|e| e == "*" || e == event_type)
        })
        .map(|(id, _)| id)
        .collect();
    if targets.is_empty() {
        return Ok(());
    }
    let data = serde_json::to_value(data).map_err(ApiError::internal)?;
    let message = insert_message(conn, org, event_type, data)?;
    for endpoint in targets {
        insert_delivery(conn, org, &endpoint, &message, event_type)?;
    }
    Ok(())
}

/// Queues a `webhook.test` event for one endpoint, whatever it subscribes to.
pub fn send_test(conn: &Db<'_>, org: &str, endpoint: &str) -> Result<WebhookDelivery, ApiError> {
    get(conn, org, endpoint)?;
    let data = json!({ "webhookEndpointId": endpoint, "message": "This is a test event from CallWaitingAI." });
    let message = insert_message(conn, org, "webhook.test", data)?;
    let id = insert_delivery(conn, org, endpoint, &message, "webhook.test")?;
    get_delivery(conn, org, endpoint, &id)
}

/// A delivery the worker is to send now.
#[derive(Debug, Clone)]
pub struct Due {
    pub delivery_id: String,
    pub message_id: String,
    pub url: String,
    pub secrets: Vec<String>,
    pub payload: String,
    pub attempts: i64,
}

/// Claims up to `limit` due deliveries: each is leased for `lease_secs` (pushed into the future)
/// so that it is not sent twice at once; a crash lets the lease lapse and it is sent again.
/// The claim is one statement; on PostgreSQL, instances skip the rows another is claiming
/// (`FOR UPDATE SKIP LOCKED`), so they share the work without waiting on each other.
pub fn claim_due(conn: &Db<'_>, limit: usize, lease_secs: i64) -> Result<Vec<Due>, ApiError> {
    let t = now();
    let lease = format_ts(time::OffsetDateTime::now_utc() + time::Duration::seconds(lease_secs));
    let claim = format!(
        "UPDATE webhook_deliveries SET next_attempt_at = ?3
         WHERE id IN (SELECT d.id FROM webhook_deliveries d
                      WHERE d.status = 'pending' AND d.next_attempt_at <= ?1
                      ORDER BY d.next_attempt_at LIMIT ?2{})
         RETURNING id",
        conn.dialect().skip_locked("d")
    );
    let ids: Vec<String> = conn.query_map(&claim, params![t, limit, lease], |r| r.get(0))?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT d.id, d.message_id, e.url, e.secret, e.old_secret, e.old_secret_until, m.payload, d.attempts
         FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.id = d.endpoint_id
         JOIN webhook_messages m ON m.id = d.message_id
         WHERE d.id IN ({})",
        vec!["?"; ids.len()].join(", ")
    );
    let args: Vec<Sql> = ids.into_iter().map(Sql::Text).collect();
    Ok(conn.query_map(&sql, &args, |r| {
        let mut secrets = vec![r.get::<_, String>(3)?];
        let old: Option<String> = r.get(4)?;
        let until: Option<String> = r.get(5)?;
        if let (Some(old), Some(until)) = (old, until)
            && until > t
        {
            secrets.push(old);
        }
        Ok(Due {
            delivery_id: r.get(0)?,
            message_id: r.get(1)?,
            url: r.get(2)?,
            secrets,
            payload: r.get(6)?,
            attempts: r.get(7)?,
        })
    })?)
}

/// When the next pending delivery is due, if any.
pub fn next_due(conn: &Db<'_>) -> Result<Option<String>, ApiError> {
    Ok(conn.query_row(
        "SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'",
        params![],
        |r| r.get(0),
    )?)
}

/// Records an attempt: success, or a failure retried in `retry_in_ms` (`None`: give up).
pub fn record_attempt(
    conn: &Db<'_>,
    delivery: &str,
    ok: bool,
    status_code: Option<u16>,
    error: Option<&str>,
    retry_in_ms: Option<i64>,
) -> Result<(), ApiError> {
    let t = now();
    let (status, next) = match (ok, retry_in_ms) {
        (true, _) => ("succeeded", None),
        (false, Some(ms)) => (
            "pending",
            Some(format_ts(
                time::OffsetDateTime::now_utc() + time::Duration::milliseconds(ms),
            )),
        ),
        (false, None) => ("failed", None),
    };
    conn.execute(
        "UPDATE webhook_deliveries SET status = ?2, attempts = attempts + 1, last_status_code = ?3,
           last_error = ?4, next_attempt_at = ?5, updated_at = ?6 WHERE id = ?1",
        params![delivery, status, status_code, error, next, t],
    )?;
    Ok(())
}

/// Drops idempotency records older than 24 hours (a key still claimed by a running request
/// stays until its lease lapses).
pub fn purge_expired_idempotency(conn: &Db<'_>) -> Result<(), ApiError> {
    let now = time::OffsetDateTime::now_utc();
    let cutoff = format_ts(now - time::Duration::hours(24));
    conn.execute(
        "DELETE FROM idempotency_keys
         WHERE created_at < ?1 AND (status <> 0 OR locked_until IS NULL OR locked_until < ?2)",
        params![cutoff, format_ts(now)],
    )?;
    Ok(())
}
