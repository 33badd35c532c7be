//! The retry policy: what is retried, how long to wait, and the runtime's sleep.

use std::time::Duration;

/// The first backoff: 0.5 s, doubling to at most 8 s, with jitter.
const INITIAL: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// A server asking to wait longer than this is not waited for: the error is returned.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Whether a response with this status is worth retrying.
pub fn retryable_status(status: u16, headers: &http::HeaderMap) -> bool {
    matches!(status, 408 | 429 | 500..=599)
        || (status == 409 && headers.contains_key("retry-after"))
}

/// The wait the server asked for: `retry-after-ms` (milliseconds) or `Retry-After` (seconds).
pub fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    let read = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = read("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let secs = read("retry-after")?.parse::<f64>().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(1e9)))
}

/// The backoff before retry number `retry` (0 for the first retry): 0.5 s × 2^retry, at most
/// 8 s, less up to 25 % of jitter so that clients do not retry in lockstep.
pub fn backoff(retry: u32, jitter: f64) -> Duration {
    let base = INITIAL
        .saturating_mul(2u32.saturating_pow(retry.min(16)))
        .min(MAX_BACKOFF);
    base.mul_f64(1.0 - 0.25 * jitter.clamp(0.0, 1.0))
}

/// A random number in `[0, 1)` for jitter.
pub fn jitter() -> f64 {
    fastrand::f64()
}

/// Sleeps without blocking: tokio's timer natively, `setTimeout` on wasm.
pub async fn sleep(d: Duration) {
    #[cfg(not(target_arch = "wasm32"))]
    tokio::time::sleep(d).await;
    #[cfg(target_arch = "wasm32")]
    gloo_timers::future::sleep(d).await;
}

/// A monotonic clock that also works on wasm.
pub type Instant = web_time::Instant;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_half_a_second_to_eight_seconds() {
        let no_jitter: Vec<f64> = (0..7).map(|r| backoff(r, 0.0).as_secs_f64()).collect();
        assert_eq!(no_jitter, [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]);
        assert_eq!(backoff(u32::MAX, 0.0), MAX_BACKOFF);
        assert_eq!(backoff(0, 1.0), Duration::from_millis(375));
        for r in 0..10 {
            let d = backoff(r, jitter());
            assert!(d <= MAX_BACKOFF && d >= INITIAL.mul_f64(0.75), "{d:?}");
        }
    }

    #[test]
    fn retry_after_reads_milliseconds_first_then_seconds() {
        let mut h = http::HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert("retry-after", "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert("retry-after-ms", "150".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_millis(150)));
        h.insert("retry-after-ms", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2026 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), None, "HTTP dates fall back to the backoff");
        h.insert("retry-after", "-1".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn what_is_retried() {
        let none = http::HeaderMap::new();
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(retryable_status(s, &none), "{s}");
        }
        for s in [400, 401, 403, 404, 409, 422] {
            assert!(!retryable_status(s, &none), "{s}");
        }
        let mut h = http::HeaderMap::new();
        h.insert("retry-after", "1".parse().unwrap());
        assert!(retryable_status(409, &h));
    }
}
