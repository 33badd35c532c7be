//! Twilio: `X-Twilio-Signature`, base64 HMAC-SHA1 of the full public URL followed by every POST
//! parameter's name and value (names sorted; a repeated name's values sorted and de-duplicated).
//! When the URL carries `bodySHA256`, the body's SHA-256 must equal it and there are no params.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::Mac;
use sha2::Digest;

use super::headers::required;
use super::{ErrorKind, Headers, VerifyOptions, WebhookError, ct_eq, require_secret};

const HEADER: &str = "X-Twilio-Signature";

pub(crate) fn verify<H: Headers + ?Sized>(
    payload: &[u8],
    headers: &H,
    secret: &str,
    options: &VerifyOptions,
) -> Result<(), WebhookError> {
    require_secret(secret)?;
    let given = required(headers, HEADER)?;
    let url = options.get_url().filter(|u| !u.is_empty()).ok_or_else(|| {
        WebhookError::new(
            ErrorKind::InvalidHeader,
            "Twilio signs the request's full public URL: pass it as the `url` option",
        )
    })?;
    let data = match body_sha256_param(url) {
        Some(want) => {
            let have = hex::encode(sha2::Sha256::digest(payload));
            if !ct_eq(&have, &want.to_ascii_lowercase()) {
                return Err(WebhookError::new(
                    ErrorKind::InvalidSignature,
                    "the body's SHA-256 does not match the URL's `bodySHA256`: verify the raw \
                     request body exactly as received",
                ));
            }
            String::new()
        }
        None => form_data(payload),
    };
    let mut ok = false;
    for candidate in url_variants(url) {
        ok |= ct_eq(&signature(secret, &candidate, &data), given);
    }
    if ok {
        Ok(())
    } else {
        Err(WebhookError::mismatch(secret.as_bytes()))
    }
}

/// The base64 HMAC-SHA1 that Twilio sends for `url` and the concatenated params.
pub(crate) fn signature(secret: &str, url: &str, data: &str) -> String {
    let Ok(mut mac) = hmac::Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()) else {
        return String::new(); // HMAC takes keys of any length: not reached
    };
    mac.update(url.as_bytes());
    mac.update(data.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Every POST parameter's name then value, names sorted, a name's values sorted and unique.
pub(crate) fn form_data(body: &[u8]) -> String {
    let mut params: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(body) {
        params
            .entry(k.into_owned())
            .or_default()
            .insert(v.into_owned());
    }
    let mut out = String::new();
    for (name, values) in &params {
        for value in values {
            out.push_str(name);
            out.push_str(value);
        }
    }
    out
}

fn body_sha256_param(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "bodySHA256")
        .map(|(_, v)| v.into_owned())
}

/// The URL as given, without its port, and with the scheme's default port (distinct values).
fn url_variants(url: &str) -> Vec<String> {
    let mut out = vec![url.to_string()];
    let Some(scheme_end) = url.find("://") else {
        return out;
    };
    let scheme = &url[..scheme_end];
    let auth_start = scheme_end + 3;
    let auth_end = url[auth_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| i + auth_start);
    let authority = &url[auth_start..auth_end];
    let host_start = authority.rfind('@').map_or(0, |i| i + 1);
    let hostport = &authority[host_start..];
    let port_sep = if hostport.starts_with('[') {
        hostport.find("]:").map(|i| i + 1)
    } else {
        hostport.rfind(':')
    };
    let head = &url[..auth_start + host_start];
    let tail = &url[auth_end..];
    match port_sep {
        Some(sep) => {
            let host = &hostport[..sep];
            out.push(format!("{head}{host}{tail}"));
        }
        None => {
            let default = match scheme.to_ascii_lowercase().as_str() {
                "https" => Some("443"),
                "http" => Some("80"),
                _ => None,
            };
            if let Some(port) = default {
                out.push(format!("{head}{hostport}:{port}{tail}"));
            }
        }
    }
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_variants_add_and_strip_ports() {
        assert_eq!(
            url_variants("https://a.com/x?y=1"),
            ["https://a.com/x?y=1", "https://a.com:443/x?y=1"]
        );
        assert_eq!(
            url_variants("http://u:p@a.com:8080/x"),
            ["http://u:p@a.com:8080/x", "http://u:p@a.com/x"]
        );
        assert_eq!(
            url_variants("https://[::1]:99/"),
            ["https://[::1]:99/", "https://[::1]/"]
        );
        assert_eq!(
            url_variants("https://[::1]"),
            ["https://[::1]", "https://[::1]:443"]
        );
        assert_eq!(url_variants("not a url"), ["not a url"]);
        assert_eq!(url_variants("ftp://a.com/"), ["ftp://a.com/"]);
    }

    #[test]
    fn form_data_sorts_names_and_dedups_values() {
        assert_eq!(form_data(b"b=2&a=1&b=1&b=2"), "a1b1b2");
        assert_eq!(form_data(b"x=%2B1&y=a+b"), "x+1ya b");
    }
}
