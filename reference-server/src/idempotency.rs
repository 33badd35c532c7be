//! Idempotency keys on POST.
//!
//! The stored response is written in the same transaction as the work, and that transaction
//! first looks for an earlier response under the key: so a key performs its work at most once,
//! even when the connection drops after the commit, and a retry replays the stored response.
//! Requests with a key still in flight are answered `409` with `Retry-After` (an in-memory set).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

/// The idempotency context of a POST that carries `Idempotency-Key`.
#[derive(Debug, Clone)]
pub struct Idem {
    pub org: String,
    pub key: String,
    /// SHA-256 of the method, path and body: the same key with another request is a conflict.
    pub fingerprint: String,
}

impl Idem {
    pub fn new(org: &str, key: &str, method: &str, path: &str, body: &[u8]) -> Self {
        let mut h = Sha256::new();
        h.update(method.as_bytes());
        h.update(b" ");
        h.update(path.as_bytes());
        h.update(b"\n");
        h.update(body);
        Self {
            org: org.to_string(),
            key: key.to_string(),
            fingerprint: hex::encode(h.finalize()),
        }
    }
}

/// Keys whose first request is still running.
#[derive(Default)]
pub struct InFlight {
    keys: Mutex<HashSet<(String, String)>>,
}

/// Removes its key from the in-flight set when dropped (also when the client disconnects).
pub struct InFlightGuard {
    set: Arc<InFlight>,
    id: (String, String),
}

impl InFlight {
    /// Marks the key in flight, or `None` when it already is.
    pub fn enter(self: &Arc<Self>, org: &str, key: &str) -> Option<InFlightGuard> {
        let id = (org.to_string(), key.to_string());
        let mut keys = match self.keys.lock() {
            Ok(k) => k,
            Err(p) => p.into_inner(),
        };
        if !keys.insert(id.clone()) {
            return None;
        }
        Some(InFlightGuard {
            set: self.clone(),
            id,
        })
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        let mut keys = match self.set.keys.lock() {
            Ok(k) => k,
            Err(p) => p.into_inner(),
        };
        keys.remove(&self.id);
    }
}
