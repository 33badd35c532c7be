//! Ids, secrets, hashing and time.

use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `prefix_` followed by 20 random alphanumerics.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_text(20))
}

pub fn random_text(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// SHA-256 hex of a secret: what is stored instead of the secret.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Now, as stored and sent: RFC 3339 UTC with microseconds, fixed width (sorts as text).
pub fn now() -> String {
    format_ts(OffsetDateTime::now_utc())
}

pub fn format_ts(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// Parses an RFC 3339 timestamp from a client into the stored form.
pub fn parse_ts(text: &str) -> Option<String> {
    OffsetDateTime::parse(text, &Rfc3339).ok().map(format_ts)
}

pub fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Whole seconds from `a` to `b` (both RFC 3339), if both parse.
pub fn seconds_between(a: &str, b: &str) -> Option<i64> {
    let a = OffsetDateTime::parse(a, &Rfc3339).ok()?;
    let b = OffsetDateTime::parse(b, &Rfc3339).ok()?;
    Some((b - a).whole_seconds())
}

/// Checks a text field's length in characters (`VALIDATION_FAILED` naming the field).
pub fn check_len(
    field: &str,
    v: &str,
    min: usize,
    max: usize,
) -> Result<(), crate::error::ApiError> {
    let n = v.chars().count();
    if n < min {
        return Err(crate::error::ApiError::validation(
            field,
            format!("{field} must not be empty"),
        ));
    }
    if n > max {
        return Err(crate::error::ApiError::validation(
            field,
            format!("{field} is longer than {max} characters"),
        ));
    }
    Ok(())
}

/// The `createdAfter`/`createdBefore` filters of a list.
pub fn created_filters(
    params: &std::collections::HashMap<String, String>,
) -> Result<Vec<crate::store::list::Filter>, crate::error::ApiError> {
    let mut out = Vec::new();
    for (name, frag) in [
        ("createdAfter", "created_at >= ?"),
        ("createdBefore", "created_at < ?"),
    ] {
        if let Some(v) = params.get(name) {
            let ts = parse_ts(v).ok_or_else(|| {
                crate::error::ApiError::bad_request(format!(
                    "{name} must be an RFC 3339 timestamp, got {v:?}"
                ))
            })?;
            out.push((frag.to_string(), vec![crate::store::db::Value::Text(ts)]));
        }
    }
    Ok(out)
}
