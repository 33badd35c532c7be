//! Rejecting a message delivered (or replayed by an attacker) more than once.

use std::collections::HashMap;
use std::sync::Mutex;

/// Remembers message ids that were verified, so that each is accepted once.
///
/// Implement it over your database or cache (a unique key with an expiry) to share it between
/// processes; [`InMemoryReplayGuard`] serves one process.
pub trait ReplayGuard {
    /// Records `id` and returns `true` if it was not seen before. `now` is the verification's
    /// clock and `keep_until` (both unix seconds) when the id may be forgotten: after it, the
    /// timestamp check rejects the message anyway.
    fn first_time(&self, id: &str, now: i64, keep_until: i64) -> bool;
}

/// A [`ReplayGuard`] in memory, for one process. Expired ids are dropped as new ones arrive.
#[derive(Debug, Default)]
pub struct InMemoryReplayGuard {
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    ids: HashMap<String, i64>,
    /// Prune expired ids when the map reaches this size (doubling keeps inserts amortised O(1)).
    prune_at: usize,
}

impl InMemoryReplayGuard {
    /// An empty guard.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many ids it remembers.
    pub fn len(&self) -> usize {
        self.seen.lock().map_or(0, |s| s.ids.len())
    }

    /// Whether it remembers none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl ReplayGuard for InMemoryReplayGuard {
    fn first_time(&self, id: &str, now: i64, keep_until: i64) -> bool {
        // A poisoned lock still holds a consistent map: keep using it.
        let mut seen = match self.seen.lock() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        if seen.ids.len() >= seen.prune_at.max(1024) {
            seen.ids.retain(|_, until| *until >= now);
            seen.prune_at = seen.ids.len() * 2;
        }
        match seen.ids.get(id) {
            Some(until) if *until >= now => false,
            _ => {
                seen.ids.insert(id.to_string(), keep_until);
                true
            }
        }
    }
}
