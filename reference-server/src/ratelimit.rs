//! Per-key rate limiting: a fixed one-minute window per key, in memory (SQLite: one process).
//! On PostgreSQL the same window is counted in the database (`Store::rate_limit`).

use std::collections::HashMap;
use std::sync::Mutex;

/// What a request's rate-limit check found.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds when the window resets.
    pub reset: i64,
    pub allowed: bool,
}

pub struct RateLimiter {
    limit: u32,
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl RateLimiter {
    pub fn new(limit_per_min: u32) -> Self {
        Self {
            limit: limit_per_min.max(1),
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request of `key` at unix time `now`.
    pub fn hit(&self, key: &str, now: i64) -> Quota {
        let window = now - now.rem_euclid(60);
        let mut map = match self.windows.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        if map.len() > 10_000 {
            map.retain(|_, (w, _)| *w == window);
        }
        let entry = map.entry(key.to_string()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        let allowed = entry.1 < self.limit;
        if allowed {
            entry.1 += 1;
        }
        Quota {
            limit: self.limit,
            remaining: self.limit - entry.1,
            reset: window + 60,
            allowed,
        }
    }
}
