//! Read-only, case-insensitive access to request headers of any common type.

use std::collections::{BTreeMap, HashMap};

/// Request headers, looked up by name case-insensitively.
///
/// Implemented for [`http::HeaderMap`], `HashMap`/`BTreeMap` of strings, and slices, arrays and
/// vectors of `(name, value)` pairs. Where a name occurs more than once, the first wins.
pub trait Headers {
    /// The value of the header `name` (any case), if present.
    fn header(&self, name: &str) -> Option<&str>;
}

/// What a header that is present but not valid UTF-8 reads as: never a valid value.
const NOT_UTF8: &str = "\u{fffd}";

impl<T: Headers + ?Sized> Headers for &T {
    fn header(&self, name: &str) -> Option<&str> {
        (**self).header(name)
    }
}

impl Headers for http::HeaderMap {
    fn header(&self, name: &str) -> Option<&str> {
        // `HeaderName::from_bytes` lowercases, as `HeaderMap` stores names.
        let value = match http::header::HeaderName::from_bytes(name.as_bytes()) {
            Ok(n) => self.get(n),
            Err(_) => None,
        }?;
        Some(value.to_str().unwrap_or(NOT_UTF8))
    }
}

fn find<'a, K, V>(pairs: impl IntoIterator<Item = (&'a K, &'a V)>, name: &str) -> Option<&'a str>
where
    K: AsRef<str> + ?Sized + 'a,
    V: AsRef<str> + ?Sized + 'a,
{
    pairs
        .into_iter()
        .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_ref())
}

impl<K: AsRef<str>, V: AsRef<str>, S> Headers for HashMap<K, V, S> {
    fn header(&self, name: &str) -> Option<&str> {
        find(self.iter(), name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for BTreeMap<K, V> {
    fn header(&self, name: &str) -> Option<&str> {
        find(self.iter(), name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for [(K, V)] {
    fn header(&self, name: &str) -> Option<&str> {
        find(self.iter().map(|(k, v)| (k, v)), name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> Headers for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

/// The header's value, or `missing_header` when it is absent or empty.
pub(crate) fn required<'a, H: Headers + ?Sized>(
    headers: &'a H,
    name: &str,
) -> Result<&'a str, super::WebhookError> {
    match headers.header(name) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(super::WebhookError::missing(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_implementation_matches_names_case_insensitively() {
        let mut map = http::HeaderMap::new();
        map.insert("webhook-id", http::HeaderValue::from_static("msg_1"));
        assert_eq!(map.header("Webhook-ID"), Some("msg_1"));
        let hash: HashMap<String, String> = [("Webhook-Id".into(), "msg_1".into())].into();
        assert_eq!(hash.header("webhook-id"), Some("msg_1"));
        let tree: BTreeMap<&str, &str> = [("WEBHOOK-ID", "msg_1")].into();
        assert_eq!(tree.header("webhook-id"), Some("msg_1"));
        let pairs = [("webhook-id", "msg_1")];
        assert_eq!(pairs.header("WEBHOOK-ID"), Some("msg_1"));
        assert_eq!(pairs[..].header("other"), None);
        assert_eq!(
            vec![("a".to_string(), "1".to_string())].header("A"),
            Some("1")
        );
    }

    #[test]
    fn non_utf8_values_are_present_but_never_valid() {
        let mut map = http::HeaderMap::new();
        map.insert(
            "webhook-timestamp",
            http::HeaderValue::from_bytes(b"\xff12").unwrap(),
        );
        assert_eq!(map.header("webhook-timestamp"), Some(NOT_UTF8));
        assert_eq!(map.header("bad name\n"), None);
    }
}
