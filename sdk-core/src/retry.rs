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

/// The wait the server asked for: `retry-after-ms` (milliseconds), else `Retry-After` as
/// seconds or as an HTTP date (RFC 9110 allows both). Any value, however large, odd or
/// negative, gives a wait or `None`; never a panic. A date in the past is no wait.
pub fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    retry_after_at(headers, web_time::SystemTime::now())
}

/// [`retry_after`] as of `now` (for HTTP dates).
pub fn retry_after_at(headers: &http::HeaderMap, now: web_time::SystemTime) -> Option<Duration> {
    let read = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = read("retry-after-ms").and_then(decimal)
        && let Some(d) = non_negative_secs(ms / 1000.0)
    {
        return Some(d);
    }
    let value = read("retry-after")?;
    if let Some(secs) = decimal(value) {
        return non_negative_secs(secs);
    }
    // An HTTP date: the wait is the time until then.
    let when = httpdate::parse_http_date(value).ok()?;
    let since_epoch = when.duration_since(std::time::UNIX_EPOCH).ok()?;
    let now = now.duration_since(web_time::UNIX_EPOCH).ok()?;
    Some(since_epoch.saturating_sub(now))
}

/// A number as these headers write it, `120` or `1500.5` (digits, an optional fraction): no
/// sign, exponent, `inf` or `NaN`. Read without a float parser, which the browser module would
/// carry for this alone; a fraction's digits after the ninth (below a nanosecond) are ignored.
fn decimal(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return None;
    }
    let mut value = 0.0f64;
    for b in whole.bytes() {
        value = value * 10.0 + f64::from(b - b'0');
    }
    let mut scale = 1.0f64;
    for b in fraction.bytes().take(9) {
        scale /= 10.0;
        value += f64::from(b - b'0') * scale;
    }
    Some(value)
}

/// A finite, non-negative number of seconds as a `Duration`, capped (a server cannot make
/// a conversion overflow): `None` for NaN, infinities and negative numbers.
fn non_negative_secs(secs: f64) -> Option<Duration> {
    if secs.is_nan() || secs < 0.0 {
        return None;
    }
    Duration::try_from_secs_f64(secs.min(RETRY_AFTER_CAP_SECS)).ok()
}

/// Waits above [`MAX_RETRY_AFTER`] are not waited for anyway; this only bounds the arithmetic.
const RETRY_AFTER_CAP_SECS: f64 = 1e9;

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
        h.insert("retry-after", "-1".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn retry_after_numbers_are_digits_with_an_optional_fraction() {
        let wait = |name: &'static str, v: &str| {
            let mut h = http::HeaderMap::new();
            h.insert(name, v.parse().unwrap());
            retry_after(&h)
        };
        for (name, value, expected) in [
            ("retry-after", "05", Duration::from_secs(5)),
            ("retry-after", " 7 ", Duration::from_secs(7)),
            ("retry-after", "1.5", Duration::from_millis(1500)),
            ("retry-after-ms", "1500.5", Duration::from_micros(1_500_500)),
            ("retry-after-ms", ".5", Duration::from_micros(500)),
            ("retry-after-ms", "250.", Duration::from_millis(250)),
            // capped
            (
                "retry-after",
                "99999999999999999999",
                Duration::from_secs(1_000_000_000),
            ),
        ] {
            assert_eq!(wait(name, value), Some(expected), "{name}: {value:?}");
        }
        for v in ["", ".", "+5", "-5", "1e3", "inf", "NaN", "0x10", "1.2.3"] {
            assert_eq!(wait("retry-after", v), None, "{v:?}");
            assert_eq!(wait("retry-after-ms", v), None, "{v:?}");
        }
    }

    #[test]
    fn retry_after_as_an_http_date_is_the_time_until_then() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_792_567_680); // Wed, 21 Oct 2026 07:28:00 GMT
        let mut h = http::HeaderMap::new();
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2026 07:28:03 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after_at(&h, now), Some(Duration::from_secs(3)));
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2026 07:27:00 GMT".parse().unwrap(),
        );
        assert_eq!(
            retry_after_at(&h, now),
            Some(Duration::ZERO),
            "a past date: no wait"
        );
        h.insert("retry-after", "Wednesday soon".parse().unwrap());
        assert_eq!(retry_after_at(&h, now), None);
    }

    #[test]
    fn huge_and_odd_retry_after_values_never_panic() {
        for v in [
            "1e300",
            "inf",
            "-inf",
            "NaN",
            "-0",
            "1e-300",
            "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        ] {
            for name in ["retry-after", "retry-after-ms"] {
                let mut h = http::HeaderMap::new();
                h.insert(name, v.parse().unwrap());
                let d = retry_after(&h);
                assert!(
                    d.is_none_or(|d| d <= Duration::from_secs(1_000_000_000)),
                    "{name}: {v}: {d:?}"
                );
            }
        }
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
