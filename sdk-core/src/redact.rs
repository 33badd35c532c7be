//! Keeps secrets out of `Debug` output and logs.

use std::fmt;

/// Formats as `"[redacted]"` (or `None`) whatever it wraps.
pub(crate) struct Redacted<'a, T: ?Sized>(pub(crate) &'a T);

/// Something that may hold a secret, and whether it does.
pub(crate) trait MaybePresent {
    fn present(&self) -> bool;
}

impl MaybePresent for String {
    fn present(&self) -> bool {
        true
    }
}

impl<T> MaybePresent for Option<T> {
    fn present(&self) -> bool {
        self.is_some()
    }
}

impl<T: MaybePresent + ?Sized> fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.present() {
            f.write_str("\"[redacted]\"")
        } else {
            f.write_str("None")
        }
    }
}

/// `url` with the password of any `user:pass@` replaced by `[redacted]` (and a user name
/// alone kept); text that is not a URL is returned unchanged.
pub(crate) fn url(url: &str) -> String {
    match crate::web_url::without_password(url) {
        // Keep the caller's form: no slash added after a bare origin.
        Some((shown, root)) if root && !url.ends_with('/') && shown.ends_with('/') => {
            shown[..shown.len() - 1].to_string()
        }
        Some((shown, _)) => shown,
        None => url.to_string(),
    }
}

#[cfg(test)]
mod url_tests {
    #[test]
    fn passwords_in_urls_are_redacted() {
        assert_eq!(
            super::url("http://user:hunter2@example.com/api/v1"),
            "http://user:%5Bredacted%5D@example.com/api/v1"
        );
        assert_eq!(super::url("http://example.com"), "http://example.com");
        assert_eq!(
            super::url("http://user@example.com"),
            "http://user@example.com"
        );
        assert_eq!(super::url("not a url"), "not a url");
    }
}
