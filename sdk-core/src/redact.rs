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
