//! Idempotency keys on POST.
//!
//! The stored response is written in the same transaction as the work, and that transaction
//! first looks for an earlier response under the key: so a key performs its work at most once,
//! even when the connection drops after the commit, and a retry replays the stored response.
//! Before the work, the request claims the key in the database (see `Store::claim`), so a
//! second request with the key while the first runs — on this instance or another — is
//! answered `409` with `Retry-After`.

use sha2::{Digest, Sha256};

/// The idempotency context of a POST that carries `Idempotency-Key`.
#[derive(Debug, Clone)]
pub struct Idem {
    pub org: String,
    pub key: String,
    /// SHA-256 of the method, path and body: the same key with another request is a conflict.
    pub fingerprint: String,
    /// The token of this request's claim on the key (see `Store::claim`).
    pub claim: Option<String>,
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
            claim: None,
        }
    }
}
