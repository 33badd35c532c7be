//! A call driven from the binding's own event loop: the browser package's JavaScript asks for
//! each attempt ([`Exchange::attempt`]), sends it with the runtime's `fetch` (the core's fetch
//! helpers, which its build exports) and hands back what came of it ([`Exchange::settle`],
//! [`Exchange::fail`]); the core answers what comes next: the body, a wait before the next
//! attempt, or the call's failure. Every decision is the core's (`client::Exchange`, the same
//! state machine the native request loop drives); the binding awaits, nothing else. Two
//! synchronous calls per attempt instead of a Rust future awaiting JavaScript promises: the
//! browser package's round trip costs much less this way (BENCHMARKS.md).

use std::collections::HashSet;
use std::time::Duration;

use super::calls::Call;
use crate::client::{self, Next};
use crate::pagination::{self, Origin};
use crate::{Client, Error, Result};

/// One call's attempts.
pub struct Exchange(client::Exchange);

/// What comes after an attempt.
#[derive(Debug)]
pub enum Settled {
    /// The body as the server sent it (checked as JSON, and against the model when asked).
    Answer {
        /// The body as JSON text (`null` for none).
        data: String,
        /// The status.
        status: u16,
    },
    /// Wait this long, then ask for the next attempt.
    Wait(Duration),
}

/// How an attempt failed without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    /// `fetch` rejected (the message says why).
    Fetch,
    /// The attempt's timeout passed.
    Timeout,
    /// The caller aborted the call.
    Abort,
}

/// A success body as JSON text for the binding's `JSON.parse`: as the server sent it, `null`
/// for none; checked to be JSON unless the model check already read it.
fn json_text(
    status: u16,
    headers: &http::HeaderMap,
    bytes: Vec<u8>,
    checked: bool,
) -> Result<String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok("null".into());
    }
    let bad = |message: String| Error::Decode {
        status,
        message,
        request_id: client::request_id(headers),
    };
    if !checked {
        serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).map_err(|e| bad(e.to_string()))?;
    }
    String::from_utf8(bytes).map_err(|e| bad(e.to_string()))
}

impl Failed {
    /// By name, as a binding passes it: `"timeout"`, `"abort"`, anything else a rejected
    /// `fetch`.
    pub fn named(name: &str) -> Failed {
        match name {
            "timeout" => Failed::Timeout,
            "abort" => Failed::Abort,
            _ => Failed::Fetch,
        }
    }
}

impl Call {
    /// The call as an [`Exchange`], for a binding to drive.
    pub fn exchange(self, client: &Client) -> Result<Exchange> {
        let ids: Vec<&str> = self.ids.iter().map(String::as_str).collect();
        let req = crate::request::prepared(self.op.id, &ids, self.query, self.body)?;
        client::Exchange::new(client, &req, &self.opts).map(Exchange)
    }
}

impl Call {
    /// A list operation as a [`Listing`], for a binding to drive page by page.
    pub fn listing(self, client: &Client) -> Result<Listing> {
        let ids: Vec<&str> = self.ids.iter().map(String::as_str).collect();
        let req = crate::request::prepared(self.op.id, &ids, self.query, None)?;
        // Every page is checked to be the list's envelope (`data`, `hasMore`, `nextCursor`),
        // which the binding reads.
        let opts = self.opts.validate_response(true);
        Ok(Listing(Origin::new(req, client.clone(), opts)))
    }
}

/// A list call, page by page: each page is an [`Exchange`] (its answer the list's envelope as
/// JSON text); which page comes next is said here ([`Listing::next_cursor`], [`Walk`]).
pub struct Listing(Origin);

impl Listing {
    /// The exchange of the page at `cursor` (`None`: the first page).
    pub fn page(&self, cursor: Option<&str>) -> Result<Exchange> {
        let req = self.0.prepared(cursor);
        client::Exchange::new(self.0.client(), &req, self.0.options()).map(Exchange)
    }

    /// The cursor of the page after one whose envelope said `has_more` and `next_cursor`;
    /// `None` after the last page.
    pub fn next_cursor(has_more: bool, next_cursor: Option<&str>) -> Option<&str> {
        pagination::next_cursor(has_more, next_cursor)
    }
}

/// A walk over every item from one page on: after each page, the cursor of the next (a cursor
/// the walk took before is an error: the walk would never end), or the end.
#[derive(Debug, Default)]
pub struct Walk(HashSet<String>);

impl Walk {
    /// After a page whose envelope said `has_more` and `next_cursor`: the next page's cursor,
    /// or `None` at the end.
    pub fn next(&mut self, has_more: bool, next_cursor: Option<&str>) -> Result<Option<String>> {
        pagination::next_cursor(has_more, next_cursor)
            .map(|c| pagination::walk_to(&mut self.0, c.to_string()))
            .transpose()
    }
}

impl Exchange {
    /// The next attempt as JSON text, `[method, url, headers, body, timeout, maxBytes]`
    /// (headers as `[[name, value], …]`, the body `null` or a string, the timeout in
    /// milliseconds), or the deadline's failure.
    pub fn attempt(&mut self) -> Result<String> {
        let max_bytes = self.0.max_response_bytes();
        let (req, timeout) = self.0.attempt()?;
        let plan = (
            req.method,
            req.url,
            req.headers,
            req.body,
            timeout.as_millis(),
            max_bytes,
        );
        serde_json::to_string(&plan)
            .map_err(|e| Error::InvalidInput(format!("cannot build the request: {e}")))
    }

    /// An answer: the status, the headers as `name:value` lines, the body (`None`: over the
    /// limit, not read).
    pub fn settle(&mut self, status: u16, head: &str, body: Option<Vec<u8>>) -> Result<Settled> {
        // A success needs two of its headers here (the size check; a decode error's request
        // id): the binding reads the others from the same text only if `.withResponse()` asks.
        let headers = if (200..300).contains(&status) {
            crate::transport::parse_head_where(head, |name| {
                name == "content-length" || name == "x-request-id"
            })
        } else {
            crate::transport::parse_head(head)
        };
        let max_bytes = self.0.max_response_bytes();
        let outcome = crate::transport::checked_body(status, headers, body, max_bytes);
        self.next(outcome)
    }

    /// An attempt that got no answer; `message` says why (a rejected fetch's message and
    /// causes).
    pub fn fail(&mut self, how: Failed, message: String) -> Result<Settled> {
        let err = match how {
            Failed::Fetch => crate::transport::fetch_failure(message),
            Failed::Timeout => crate::transport::timed_out(self.0.attempt_timeout()),
            Failed::Abort => Error::Aborted {
                message: "the call's AbortSignal fired".into(),
            },
        };
        self.next(Err(err))
    }

    fn next(&mut self, outcome: Result<crate::transport::Answer>) -> Result<Settled> {
        Ok(match self.0.settle(outcome)? {
            Next::Answer(status, headers, bytes) => Settled::Answer {
                data: json_text(status, &headers, bytes, self.0.checks_answers())?,
                status,
            },
            Next::Wait(wait) => Settled::Wait(wait),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::calls::prepare_json;

    fn exchange(op: &str, ids: &[&str], options: &str) -> Exchange {
        exchange_typed(op, ids, options, true)
    }

    /// A client of a server that is not there: exchanges are driven by hand here.
    fn client() -> Client {
        Client::builder()
            .api_key("cw_test_key")
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap()
    }

    fn exchange_typed(op: &str, ids: &[&str], options: &str, typed: bool) -> Exchange {
        prepare_json(
            super::super::Style::JavaScript,
            op,
            ids.iter().map(|s| s.to_string()).collect(),
            None,
            Some(r#"{"name": "Ada"}"#).filter(|_| op == "leads.create"),
            Some(options),
            typed,
        )
        .unwrap()
        .exchange(&client())
        .unwrap()
    }

    fn plan(e: &mut Exchange) -> serde_json::Value {
        serde_json::from_str(&e.attempt().unwrap()).unwrap()
    }

    fn header(plan: &serde_json::Value, name: &str) -> Option<String> {
        let headers: Vec<(String, String)> = serde_json::from_value(plan[2].clone()).unwrap();
        headers.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    const LEAD: &str = r#"{"id":"lead_1","name":"Ada","email":null,"phone":null,"company":null,"source":"api","status":"new","notes":null,"tags":[],"createdAt":"2026-11-27T00:00:00Z","updatedAt":"2026-11-27T00:00:00Z"}"#;

    #[test]
    fn a_retried_post_keeps_its_key_and_counts_its_retries() {
        let mut e = exchange("leads.create", &[], r#"{"timeout": 5000}"#);
        let first = plan(&mut e);
        assert_eq!(first[0], "POST");
        assert_eq!(first[1], "http://127.0.0.1:9/api/v1/leads");
        assert_eq!(first[3], r#"{"name":"Ada"}"#);
        assert_eq!(first[4], 5000);
        assert_eq!(header(&first, "x-callwaitingai-retry-count").unwrap(), "0");
        let key = header(&first, "idempotency-key").unwrap();
        let wait = e.settle(503, "retry-after-ms:7\n", Some(b"{}".to_vec()));
        assert!(
            matches!(wait, Ok(Settled::Wait(d)) if d.as_millis() == 7),
            "{wait:?}"
        );
        let second = plan(&mut e);
        assert_eq!(header(&second, "x-callwaitingai-retry-count").unwrap(), "1");
        assert_eq!(header(&second, "idempotency-key"), Some(key));
        let out = e.settle(201, "x-request-id:req_1\n", Some(LEAD.as_bytes().to_vec()));
        match out {
            Ok(Settled::Answer { data, status }) => {
                assert_eq!(status, 201);
                assert_eq!(data, LEAD);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn failures_are_the_cores_errors() {
        // The caller's abort: never retried.
        let mut e = exchange("leads.retrieve", &["lead_1"], "{}");
        plan(&mut e);
        let r = e.fail(Failed::Abort, String::new());
        assert!(matches!(r, Err(Error::Aborted { .. })), "{r:?}");
        // A browser's refusal (CORS…) is not retried; Node's "fetch failed" is.
        let mut e = exchange("leads.retrieve", &["lead_1"], "{}");
        plan(&mut e);
        let r = e.fail(Failed::Fetch, "TypeError: Failed to fetch".into());
        assert!(
            matches!(
                r,
                Err(Error::Connection {
                    retryable: false,
                    ..
                })
            ),
            "{r:?}"
        );
        let mut e = exchange("leads.retrieve", &["lead_1"], "{}");
        plan(&mut e);
        let r = e.fail(Failed::Fetch, "fetch failed: other side closed".into());
        assert!(matches!(r, Ok(Settled::Wait(_))), "{r:?}");
        // A timeout, retried up to maxRetries, then the timeout's error.
        let mut e = exchange("leads.retrieve", &["lead_1"], r#"{"maxRetries": 0}"#);
        plan(&mut e);
        let r = e.fail(Failed::Timeout, String::new());
        assert!(matches!(r, Err(Error::Timeout { .. })), "{r:?}");
        // A body over the limit (not read), and an answer that is not the model.
        let mut e = exchange("leads.retrieve", &["lead_1"], "{}");
        plan(&mut e);
        let r = e.settle(200, "content-length:99999999999\n", None);
        assert!(matches!(r, Err(Error::ResponseTooLarge { .. })), "{r:?}");
        let mut e = exchange("leads.retrieve", &["lead_1"], "{}");
        plan(&mut e);
        let r = e.settle(200, "", Some(br#"{"id":1}"#.to_vec()));
        assert!(matches!(r, Err(Error::Decode { status: 200, .. })), "{r:?}");
        // An API error with its fields.
        let mut e = exchange("leads.retrieve", &["lead_1"], "{}");
        plan(&mut e);
        let body = br#"{"error":{"code":"NOT_FOUND","message":"no lead","requestId":"req_9"}}"#;
        let r = e.settle(404, "x-request-id:req_9\n", Some(body.to_vec()));
        assert!(
            matches!(&r, Err(e) if e.api_error().is_some_and(|a| a.status == 404 && a.code == "NOT_FOUND")),
            "{r:?}"
        );
    }

    #[test]
    fn raw_answers_are_json_or_a_decode_error() {
        let mut e = exchange_typed("leads.delete", &["lead_1"], "{}", false);
        plan(&mut e);
        let r = e.settle(200, "", Some(b" ".to_vec()));
        assert!(
            matches!(&r, Ok(Settled::Answer { data, .. }) if data == "null"),
            "{r:?}"
        );
        let mut e = exchange_typed("leads.delete", &["lead_1"], "{}", false);
        plan(&mut e);
        let r = e.settle(200, "x-request-id:req_2\n", Some(b"<html>".to_vec()));
        assert!(
            matches!(&r, Err(Error::Decode { request_id: Some(id), .. }) if id == "req_2"),
            "{r:?}"
        );
    }

    fn listing(query: &str, typed: bool) -> Listing {
        prepare_json(
            super::super::Style::JavaScript,
            "leads.list",
            vec![],
            Some(query),
            None,
            None,
            typed,
        )
        .unwrap()
        .listing(&client())
        .unwrap()
    }

    #[test]
    fn a_listing_asks_each_page_by_its_cursor_and_checks_every_envelope() {
        let l = listing(r#"{"limit": 2, "offset": 4}"#, false);
        let first = plan(&mut l.page(None).unwrap());
        assert_eq!(first[0], "GET");
        assert_eq!(first[1], "http://127.0.0.1:9/api/v1/leads?limit=2&offset=4");
        // The cursor carries the position: the offset goes.
        let next = plan(&mut l.page(Some("c_2")).unwrap());
        assert_eq!(
            next[1],
            "http://127.0.0.1:9/api/v1/leads?limit=2&cursor=c_2"
        );
        // Even an untyped listing checks that a page is the envelope its binding reads.
        let mut e = l.page(None).unwrap();
        plan(&mut e);
        let r = e.settle(200, "", Some(br#"{"foo":1}"#.to_vec()));
        assert!(matches!(r, Err(Error::Decode { status: 200, .. })), "{r:?}");
        let page = format!(r#"{{"data":[{LEAD}],"hasMore":true,"nextCursor":"c_3"}}"#);
        let mut e = l.page(Some("c_2")).unwrap();
        plan(&mut e);
        let r = e.settle(200, "", Some(page.clone().into_bytes()));
        assert!(
            matches!(&r, Ok(Settled::Answer { data, .. }) if *data == page),
            "{r:?}"
        );
        assert_eq!(Listing::next_cursor(true, Some("c_3")), Some("c_3"));
        assert_eq!(Listing::next_cursor(false, Some("c_3")), None);
        assert_eq!(Listing::next_cursor(true, None), None);
    }

    #[test]
    fn a_walk_ends_after_the_last_page_and_refuses_a_repeated_cursor() {
        let mut walk = Walk::default();
        assert_eq!(
            walk.next(true, Some("c_1")).unwrap().as_deref(),
            Some("c_1")
        );
        assert_eq!(
            walk.next(true, Some("c_2")).unwrap().as_deref(),
            Some("c_2")
        );
        let r = walk.next(true, Some("c_1"));
        assert!(
            matches!(&r, Err(Error::Decode { message, .. }) if message.contains("c_1")),
            "{r:?}"
        );
        assert_eq!(Walk::default().next(false, Some("c_1")).unwrap(), None);
        assert_eq!(Walk::default().next(true, None).unwrap(), None);
    }

    #[test]
    fn no_attempt_after_the_deadline() {
        let mut e = exchange("leads.retrieve", &["lead_1"], r#"{"deadline": 1}"#);
        std::thread::sleep(Duration::from_millis(5));
        let r = e.attempt();
        assert!(matches!(r, Err(Error::Timeout { .. })), "{r:?}");
    }
}
