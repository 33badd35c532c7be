//! The two things the client asks of a URL — is this a base URL it can use, and the same URL
//! with its password hidden — answered by the `url` crate natively and, on wasm32, by the
//! runtime's own WHATWG `URL` (every browser and edge runtime has one; it is the standard the
//! `url` crate implements), which keeps a URL parser and its IDNA tables out of the browser
//! module.

/// What the client checks of a base URL.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Parts {
    /// `http`, `https`…
    pub(crate) scheme: String,
    /// Whether it has a query (`?…`, even empty) or a fragment (`#…`).
    pub(crate) query_or_fragment: bool,
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::Parts;

    /// The parts of an absolute URL, or why it is not one.
    pub(crate) fn parse(text: &str) -> Result<Parts, String> {
        let u = url::Url::parse(text).map_err(|e| e.to_string())?;
        Ok(Parts {
            scheme: u.scheme().to_string(),
            query_or_fragment: u.query().is_some() || u.fragment().is_some(),
        })
    }

    /// The URL with its password replaced by `[redacted]`, serialised, and whether its path is
    /// just `/`; `None` when it is not a URL or has no password.
    pub(crate) fn without_password(text: &str) -> Option<(String, bool)> {
        let mut u = url::Url::parse(text).ok()?;
        u.password()?;
        // Setting a password fails only for URLs that cannot have one (not ours).
        u.set_password(Some("[redacted]")).ok()?;
        Some((u.to_string(), u.path() == "/"))
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::Parts;

    /// The parts of an absolute URL, or why it is not one.
    pub(crate) fn parse(text: &str) -> Result<Parts, String> {
        let u = web_sys::Url::new(text).map_err(|_| "invalid URL".to_string())?;
        let href = u.href();
        let protocol = u.protocol();
        Ok(Parts {
            scheme: protocol.strip_suffix(':').unwrap_or(&protocol).to_string(),
            // `search` and `hash` are empty for `?` and `#` alone; the serialisation is not
            // (a `?` or `#` anywhere else in it is percent-encoded).
            query_or_fragment: href.contains('?') || href.contains('#'),
        })
    }

    /// The URL with its password replaced by `[redacted]`, serialised, and whether its path is
    /// just `/`; `None` when it is not a URL or has no password.
    pub(crate) fn without_password(text: &str) -> Option<(String, bool)> {
        let u = web_sys::Url::new(text).ok()?;
        if u.password().is_empty() {
            return None;
        }
        u.set_password("[redacted]");
        Some((u.href(), u.pathname() == "/"))
    }
}

pub(crate) use imp::{parse, without_password};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_and_passwords() {
        assert_eq!(
            parse("https://user:pw@example.com:8443/x").unwrap(),
            Parts {
                scheme: "https".into(),
                query_or_fragment: false
            }
        );
        for q in [
            "http://a.example/?",
            "http://a.example/#",
            "http://a.example/p?x=1",
        ] {
            assert!(parse(q).unwrap().query_or_fragment, "{q}");
        }
        assert!(parse("not a url").is_err());
        assert!(parse("/relative").is_err());
        assert_eq!(
            without_password("http://u:secret@example.com"),
            Some(("http://u:%5Bredacted%5D@example.com/".into(), true))
        );
        assert_eq!(without_password("http://u@example.com/a"), None);
        assert_eq!(without_password("nope"), None);
    }
}
