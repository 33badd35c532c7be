//! The delivery worker: POSTs due webhook deliveries, signed per Standard Webhooks, and
//! schedules retries with the configured delays, then gives up (dead letter).

use std::time::Duration;

use callwaitingai::webhooks::Webhook;
use tokio::sync::watch;

use crate::store::db::Dialect;
use crate::store::{Store, webhooks};
use crate::util::unix_now;

/// Receivers that take longer than this fail the attempt.
const RECEIVER_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a claimed delivery is reserved for its attempt.
const LEASE_SECS: i64 = 30;
/// On PostgreSQL, the longest wait between looks for due deliveries.
const POLL: Duration = Duration::from_secs(2);
/// How many deliveries are sent at once.
const BATCH: usize = 64;

/// Runs until `stop` turns true; finishes the attempts under way first.
pub async fn run(store: Store, delays: Vec<Duration>, mut stop: watch::Receiver<bool>) {
    let client = match reqwest::Client::builder()
        .timeout(RECEIVER_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!(
            "CallWaitingAI-Webhooks/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(%e, "cannot build the webhook HTTP client; deliveries are off");
            return;
        }
    };
    let mut last_purge = 0;
    loop {
        if *stop.borrow() {
            return;
        }
        let due = store
            .run_each(|c| webhooks::claim_due(c, BATCH, LEASE_SECS))
            .await
            .unwrap_or_else(|e| {
                tracing::error!(message = %e.message, "claiming deliveries failed");
                Vec::new()
            });
        if !due.is_empty() {
            let sends = due
                .into_iter()
                .map(|d| attempt(&client, &store, &delays, d));
            futures::future::join_all(sends).await;
            continue;
        }
        if unix_now() - last_purge > 3600 {
            last_purge = unix_now();
            let _ = store.run_each(webhooks::purge_expired_idempotency).await;
        }
        // Sleep until the next delivery is due, a write happens, or we are stopped.
        let wait = match store.run_each(webhooks::next_due).await {
            Ok(Some(next)) => crate::util::seconds_between(&crate::util::now(), &next)
                .map_or(Duration::from_secs(1), |s| {
                    Duration::from_secs(u64::try_from(s.clamp(0, 60)).unwrap_or(1))
                }),
            _ => Duration::from_secs(60),
        };
        // On PostgreSQL other instances announce their deliveries (`NOTIFY`); polling as well
        // bounds the delay should a notification be missed (the listener reconnecting).
        let wait = match store.dialect() {
            Dialect::Postgres => wait.min(POLL),
            Dialect::Sqlite => wait,
        };
        tokio::select! {
            _ = tokio::time::sleep(wait.max(Duration::from_millis(50))) => {}
            _ = store.written() => {}
            _ = stop.changed() => {}
        }
    }
}

/// The `webhook-signature` value: one signature per active secret (two during a rotation).
pub fn signature(secrets: &[String], msg_id: &str, ts: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .filter_map(|s| Webhook::new(s).ok())
        .map(|w| w.sign(msg_id, ts, body))
        .collect::<Vec<_>>()
        .join(" ")
}

async fn attempt(client: &reqwest::Client, store: &Store, delays: &[Duration], d: webhooks::Due) {
    let ts = unix_now();
    let sig = signature(&d.secrets, &d.message_id, ts, d.payload.as_bytes());
    let result = client
        .post(&d.url)
        .header("content-type", "application/json")
        .header("webhook-id", &d.message_id)
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", sig)
        .body(d.payload.clone())
        .send()
        .await;
    let (ok, code, error) = match result {
        Ok(res) => {
            let status = res.status();
            (status.is_success(), Some(status.as_u16()), None)
        }
        Err(e) => {
            let why = if e.is_timeout() {
                "the receiver did not answer within 15 s".to_string()
            } else if e.is_connect() {
                "could not connect to the receiver".to_string()
            } else {
                format!("request failed: {e}")
            };
            (false, None, Some(why))
        }
    };
    // `attempts` counts earlier attempts: the nth failure waits delays[n-1].
    let n = usize::try_from(d.attempts)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    let retry_in = if ok {
        None
    } else {
        delays
            .get(n - 1)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    };
    let id = d.delivery_id.clone();
    if let Err(e) = store
        .run_each(move |c| webhooks::record_attempt(c, &id, ok, code, error.as_deref(), retry_in))
        .await
    {
        tracing::error!(message = %e.message, "recording a delivery attempt failed");
    }
}
