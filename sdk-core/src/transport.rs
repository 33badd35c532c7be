//! The HTTP transport under the client's request loop: one attempt, its status, headers and
//! body. Natively it is reqwest (a connection pool, rustls); on `wasm32` it is the runtime's own
//! `fetch` (browsers, Deno, Bun, Node ≥ 18, Workers), called directly. Retries, idempotency,
//! deadlines and errors live above it, in `client.rs`, and are the same on both.

use crate::error::Error;

/// One attempt to send.
pub(crate) struct HttpRequest<'a> {
    pub method: &'static str,
    /// The full URL, with the query.
    pub url: &'a str,
    pub headers: Vec<(&'a str, &'a str)>,
    /// A JSON body.
    pub body: Option<&'a str>,
}

/// What came back: status, headers, body.
pub(crate) type Answer = (u16, http::HeaderMap, Vec<u8>);

/// The body limit was passed.
fn too_large(status: u16, headers: &http::HeaderMap, limit: usize) -> Error {
    Error::ResponseTooLarge {
        status,
        limit,
        request_id: headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    }
}

/// Headers written as `name:value` lines (how the fetch helper hands them over) as a header
/// map; a line the `http` crate cannot hold is left out (as reqwest leaves such a header out).
pub(crate) fn parse_head(head: &str) -> http::HeaderMap {
    parse_head_where(head, |_| true)
}

/// [`parse_head`], keeping only the headers whose (lowercase) name `keep` accepts.
pub(crate) fn parse_head_where(head: &str, keep: impl Fn(&str) -> bool) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for line in head.lines() {
        if let Some((k, v)) = line.split_once(':')
            && keep(k)
            && let (Ok(k), Ok(v)) = (
                http::HeaderName::from_bytes(k.as_bytes()),
                http::HeaderValue::from_str(v),
            )
        {
            map.append(k, v);
        }
    }
    map
}

/// Headers as `name:value` lines, one per value (a value that is not UTF-8 read lossily):
/// what [`parse_head`] reads.
#[cfg(test)]
fn head_text(headers: &http::HeaderMap) -> String {
    let mut text = String::new();
    for (k, v) in headers {
        text.push_str(k.as_str());
        text.push(':');
        text.push_str(&String::from_utf8_lossy(v.as_bytes()));
        text.push('\n');
    }
    text
}

/// No answer within the attempt's timeout.
pub(crate) fn timed_out(timeout: std::time::Duration) -> Error {
    Error::Timeout {
        message: format!("no response within {timeout:?}"),
    }
}

/// An answer whose body was read by JavaScript (`None`: over the limit, not read): the
/// answer, or [`Error::ResponseTooLarge`] for a body over the limit, read or declared.
pub(crate) fn checked_body(
    status: u16,
    headers: http::HeaderMap,
    body: Option<Vec<u8>>,
    max_bytes: usize,
) -> crate::error::Result<Answer> {
    match body {
        Some(b) if b.len() <= max_bytes && !declared_too_large(&headers, max_bytes) => {
            Ok((status, headers, b))
        }
        _ => Err(too_large(status, &headers, max_bytes)),
    }
}

/// A declared `Content-Length` over the limit.
fn declared_too_large(headers: &http::HeaderMap, max_bytes: usize) -> bool {
    headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > max_bytes as u64)
}

/// How browsers word a refused fetch: Chromium, Firefox, Safari.
const BROWSER_FETCH_REFUSALS: [&str; 3] = [
    "Failed to fetch",
    "NetworkError when attempting to fetch",
    "Load failed",
];

/// A `fetch` that failed, from its message and its causes' (Node: "fetch failed: connect
/// ECONNREFUSED …").
pub(crate) fn fetch_failure(message: String) -> Error {
    if BROWSER_FETCH_REFUSALS.iter().any(|m| message.contains(m)) {
        // A browser's fetch() rejects with a bare TypeError for a CORS refusal, a blocked URL
        // (mixed content, an extension) and a network failure alike; the console says which,
        // the page cannot. Sending it again would most likely be refused again. (Node, Deno
        // and Bun say what failed, "fetch failed: other side closed"…: those are retried.)
        return Error::Connection {
            message: "the browser refused the request or could not reach the server: a CORS \
                      refusal (is this page's origin allowed by the server?), a blocked URL or a \
                      network failure; the browser's console says which"
                .into(),
            retryable: false,
        };
    }
    Error::Connection {
        message,
        retryable: true,
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use native::Http;
#[cfg(target_arch = "wasm32")]
pub(crate) use wasm::Http;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::{Answer, HttpRequest, declared_too_large, too_large};
    use crate::error::{Error, Result};

    /// reqwest's client: a pool of connections, shared by clones.
    #[derive(Clone)]
    pub(crate) struct Http(reqwest::Client);

    impl Http {
        pub(crate) fn new(user_agent: &str) -> Result<Http> {
            reqwest::Client::builder()
                .user_agent(user_agent)
                .build()
                .map(Http)
                .map_err(|e| Error::InvalidInput(format!("cannot build the HTTP client: {e}")))
        }

        /// Sends, and reads the body chunk by chunk, failing as soon as it passes `max_bytes`
        /// (the rest is never read: dropping the stream closes the connection).
        pub(crate) async fn send(&self, req: HttpRequest<'_>, max_bytes: usize) -> Result<Answer> {
            use futures::StreamExt;
            let method = reqwest::Method::from_bytes(req.method.as_bytes())
                .map_err(|_| Error::InvalidInput(format!("bad method {}", req.method)))?;
            let mut rb = self.0.request(method, req.url);
            for (k, v) in req.headers {
                rb = rb.header(k, v);
            }
            if let Some(body) = req.body {
                rb = rb.body(body.to_string());
            }
            let res = rb.send().await.map_err(transport_error)?;
            let status = res.status().as_u16();
            let headers = res.headers().clone();
            if declared_too_large(&headers, max_bytes) {
                return Err(too_large(status, &headers, max_bytes));
            }
            let capacity = res
                .content_length()
                .map_or(0, |n| usize::try_from(n).unwrap_or(0));
            let mut out = Vec::with_capacity(capacity);
            let mut chunks = res.bytes_stream();
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk.map_err(transport_error)?;
                if out.len().saturating_add(chunk.len()) > max_bytes {
                    return Err(too_large(status, &headers, max_bytes));
                }
                out.extend_from_slice(&chunk);
            }
            Ok((status, headers, out))
        }
    }

    fn transport_error(e: reqwest::Error) -> Error {
        // Keep the chain of causes (it says "connection refused", "reset by peer"…).
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        if e.is_timeout() {
            return Error::Timeout { message };
        }
        Error::Connection {
            message,
            retryable: true,
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use std::time::Duration;

    use js_sys::{Reflect, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use super::{Answer, HttpRequest};
    use crate::error::{Error, Result};

    // One attempt in one call across the boundary (each crossing, each promise awaited from
    // Rust, costs): the runtime's `fetch` with the options built here; the status, every header
    // as one `name:value` line (a fetch `Headers` holds no line break) and the whole body, or
    // `null` for a body over the limit (declared or read: the rest is never read). A body of a
    // declared length within the limit, not compressed, is read at once (`arrayBuffer()`, what
    // runtimes are quickest at); any other is read chunk by chunk and cut at the limit (a small
    // gzip body can inflate to gigabytes; a body may never end). In `transport.js`, which the
    // browser package's JavaScript calls too (bindings::exchange; its build exports it). A
    // runtime whose own HTTP client is quicker than its `fetch` can put it in `fetch`'s place
    // (`callwaitingai_use`; Node: `@callwaitingai/web`'s `node:http` transport, sdk-wasm/js),
    // taking the same arguments and answering the same way, or `undefined` to leave this
    // attempt to `fetch`.
    #[wasm_bindgen::prelude::wasm_bindgen(module = "/src/transport.js")]
    extern "C" {
        /// The global `fetch` of whatever runtime this is (a window, a worker, Node, Deno…),
        /// as described above; resolves to `[status, head, body | null]`.
        #[wasm_bindgen(js_name = callwaitingai_fetch)]
        fn fetch_answer(
            url: &str,
            method: &str,
            headers: &JsValue,
            body: Option<&str>,
            controller: &web_sys::AbortController,
            max_bytes: f64,
        ) -> js_sys::Promise;

        /// Aborts the controller after `ms` milliseconds (the attempt's timeout; a runtime's
        /// timer holds at most 2^31 - 1 ms): the timer's id.
        #[wasm_bindgen(js_name = callwaitingai_abort_after)]
        fn abort_after(controller: &web_sys::AbortController, ms: f64) -> JsValue;
    }

    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        /// The runtime's global `clearTimeout`.
        #[wasm_bindgen(js_name = clearTimeout)]
        fn clear_timeout(id: &JsValue);
    }

    /// The runtime's `fetch`; nothing to pool (the runtime does).
    #[derive(Clone)]
    pub(crate) struct Http;

    /// One attempt's controller and timer. Dropped, it stops the timer, and aborts the fetch
    /// unless it finished: a timeout, the caller's abort, a body over the limit abort it; a
    /// completed request is left alone.
    struct Attempt {
        controller: web_sys::AbortController,
        timer: JsValue,
        finished: bool,
    }

    impl Attempt {
        /// A failure of the fetch or of reading its body: a timeout when the timer fired (only
        /// the timer aborts while the attempt is awaited).
        fn failed(&self, e: JsValue, timeout: Duration) -> Error {
            if self.controller.signal().aborted() {
                return super::timed_out(timeout);
            }
            fetch_error(e)
        }
    }

    impl Drop for Attempt {
        fn drop(&mut self) {
            clear_timeout(&self.timer);
            if !self.finished {
                self.controller.abort();
            }
        }
    }

    impl Http {
        /// Browsers set `User-Agent` themselves; the SDK's name goes in
        /// `X-CallWaitingAI-Client`.
        pub(crate) fn new(_user_agent: &str) -> Result<Http> {
            Ok(Http)
        }

        pub(crate) async fn send(
            &self,
            req: HttpRequest<'_>,
            max_bytes: usize,
            timeout: Duration,
        ) -> Result<Answer> {
            // `[[name, value], …]`, a `HeadersInit`.
            let headers = serde_json::to_string(&req.headers)
                .map_err(|e| Error::InvalidInput(format!("cannot build the request: {e}")))?;
            let headers = js_sys::JSON::parse(&headers).map_err(js_invalid)?;
            let controller = web_sys::AbortController::new().map_err(js_invalid)?;
            let timer = abort_after(&controller, timeout.as_millis() as f64);
            let mut attempt = Attempt {
                controller,
                timer,
                finished: false,
            };
            let answer: js_sys::Array = JsFuture::from(fetch_answer(
                req.url,
                req.method,
                &headers,
                req.body,
                &attempt.controller,
                max_bytes as f64,
            ))
            .await
            .map_err(|e| attempt.failed(e, timeout))?
            .unchecked_into();
            let status = answer.get(0).as_f64().unwrap_or(0.0) as u16;
            let map = super::parse_head(&answer.get(1).as_string().unwrap_or_default());
            let body = answer.get(2);
            let body = (!body.is_null()).then(|| body.unchecked_into::<Uint8Array>().to_vec());
            let answer = super::checked_body(status, map, body, max_bytes)?;
            attempt.finished = true;
            Ok(answer)
        }
    }

    fn js_invalid(e: JsValue) -> Error {
        Error::InvalidInput(format!("cannot build the request: {}", describe(&e)))
    }

    /// An error's message and its causes (Node: "fetch failed: connect ECONNREFUSED …").
    fn describe(e: &JsValue) -> String {
        let mut message = String::new();
        let mut current = e.clone();
        for _ in 0..4 {
            let text = match current.dyn_ref::<js_sys::Error>() {
                Some(err) => String::from(err.message()),
                None => current
                    .as_string()
                    .unwrap_or_else(|| format!("{current:?}")),
            };
            if !message.is_empty() {
                message.push_str(": ");
            }
            message.push_str(&text);
            match Reflect::get(&current, &JsValue::from_str("cause")) {
                Ok(cause) if !cause.is_undefined() && !cause.is_null() => current = cause,
                _ => break,
            }
        }
        message
    }

    fn fetch_error(e: JsValue) -> Error {
        super::fetch_failure(describe(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::{head_text, parse_head};

    #[test]
    fn headers_as_lines_read_back_the_same() {
        let mut h = http::HeaderMap::new();
        h.insert("date", "Thu, 26 Nov 2026 21:37:24 GMT".parse().unwrap());
        h.append("set-cookie", "a=1".parse().unwrap());
        h.append("set-cookie", "b=2; Path=/".parse().unwrap());
        h.insert("x-empty", "".parse().unwrap());
        h.insert("x-request-id", "req_1".parse().unwrap());
        assert_eq!(parse_head(&head_text(&h)), h);
    }

    #[test]
    fn lines_a_header_map_cannot_hold_are_left_out() {
        let h = parse_head("ok:1\nbad name:2\nno colon\n:empty-name\nx-ok:a:b\n");
        assert_eq!(h.len(), 2, "{h:?}");
        assert_eq!(h["ok"], "1");
        assert_eq!(h["x-ok"], "a:b");
    }
}
