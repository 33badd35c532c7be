//! Pages of lists, and streams over every item of every page.

use std::collections::{HashSet, VecDeque};
use std::future::IntoFuture;
use std::time::Duration;

use futures::Stream;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::client::{Client, Prepared, RequestOptions, Response};
use crate::error::{Error, Result};
use crate::request::{RequestFuture, boxed};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<T> {
    data: Vec<T>,
    has_more: bool,
    next_cursor: Option<String>,
}

/// Where a page came from, to fetch the next one.
#[derive(Clone)]
pub(crate) struct Origin {
    client: Client,
    op: &'static crate::operations::Operation,
    path: String,
    query: serde_json::Map<String, serde_json::Value>,
    opts: RequestOptions,
}

impl Origin {
    pub(crate) fn new(req: Prepared, client: Client, opts: RequestOptions) -> Origin {
        let query = match req.query {
            Some(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        Origin {
            client,
            op: req.op,
            path: req.path,
            query,
            opts,
        }
    }

    /// The request of the page at `cursor` (`None`: the first page).
    pub(crate) fn prepared(&self, cursor: Option<&str>) -> Prepared {
        let mut query = self.query.clone();
        if let Some(c) = cursor {
            // The cursor carries the position; an offset would conflict with it.
            query.remove("offset");
            query.insert("cursor".into(), serde_json::Value::String(c.to_string()));
        }
        Prepared {
            op: self.op,
            path: self.path.clone(),
            query: Some(serde_json::Value::Object(query)),
            body: None,
        }
    }

    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    pub(crate) fn options(&self) -> &RequestOptions {
        &self.opts
    }

    async fn fetch<T: DeserializeOwned + Send + 'static>(
        &self,
        cursor: Option<&str>,
    ) -> Result<Response<Page<T>>> {
        let req = self.prepared(cursor);
        let res = self.client.execute::<Envelope<T>>(&req, &self.opts).await?;
        let Response {
            data: env,
            status,
            headers,
            request_id,
            rate_limit,
            idempotent_replayed,
        } = res;
        Ok(Response {
            data: Page {
                data: env.data,
                has_more: env.has_more,
                next_cursor: env.next_cursor,
                origin: self.clone(),
            },
            status,
            headers,
            request_id,
            rate_limit,
            idempotent_replayed,
        })
    }
}

/// One page of a list: its items and where the next page starts.
pub struct Page<T> {
    /// The items of this page.
    pub data: Vec<T>,
    /// Whether more items follow.
    pub has_more: bool,
    /// The cursor of the next page.
    pub next_cursor: Option<String>,
    origin: Origin,
}

impl<T: Clone> Clone for Page<T> {
    fn clone(&self) -> Self {
        Self {
            data: self.data.clone(),
            has_more: self.has_more,
            next_cursor: self.next_cursor.clone(),
            origin: self.origin.clone(),
        }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Page<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Page")
            .field("data", &self.data)
            .field("has_more", &self.has_more)
            .field("next_cursor", &self.next_cursor)
            .finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> Page<T> {
    /// Whether there is a next page to fetch.
    pub fn has_next_page(&self) -> bool {
        self.has_more && self.next_cursor.is_some()
    }

    /// Fetches the next page, or `None` after the last.
    pub async fn next_page(&self) -> Result<Option<Page<T>>> {
        match next_cursor(self.has_more, self.next_cursor.as_deref()) {
            Some(c) => Ok(Some(self.origin.fetch(Some(c)).await?.data)),
            None => Ok(None),
        }
    }

    /// Every item from this page on, fetching pages lazily (one page in memory at a time).
    ///
    /// Cap the number of items with `StreamExt::take`: no page beyond is fetched.
    pub fn into_stream(self) -> impl Stream<Item = Result<T>> + Unpin + 'static {
        let walk = Walk {
            origin: self.origin,
            buffered: self.data.into(),
            next: match (self.has_more, self.next_cursor) {
                (true, Some(c)) => Next::Cursor(c),
                _ => Next::Done,
            },
            seen: HashSet::new(),
        };
        Box::pin(futures::stream::try_unfold(walk, Walk::step))
    }
}

/// The cursor of the page after one that said `has_more` and `next_cursor`; `None` after the
/// last.
pub(crate) fn next_cursor(has_more: bool, next_cursor: Option<&str>) -> Option<&str> {
    next_cursor.filter(|_| has_more)
}

/// The cursor a walk over every item takes next, refused if the walk took it before: a server
/// that hands out a cursor twice would make the walk loop forever.
pub(crate) fn walk_to(seen: &mut HashSet<String>, cursor: String) -> Result<String> {
    if !seen.insert(cursor.clone()) {
        return Err(Error::Decode {
            status: 200,
            message: format!("the server repeated the cursor {cursor:?}; stopping"),
            request_id: None,
        });
    }
    Ok(cursor)
}

enum Next {
    First,
    Cursor(String),
    Done,
}

struct Walk<T> {
    origin: Origin,
    buffered: VecDeque<T>,
    next: Next,
    seen: HashSet<String>,
}

impl<T: DeserializeOwned + Send + 'static> Walk<T> {
    async fn step(mut self) -> Result<Option<(T, Self)>> {
        loop {
            if let Some(item) = self.buffered.pop_front() {
                return Ok(Some((item, self)));
            }
            let cursor = match std::mem::replace(&mut self.next, Next::Done) {
                Next::Done => return Ok(None),
                Next::First => None,
                Next::Cursor(c) => Some(walk_to(&mut self.seen, c)?),
            };
            // An empty page that still has a cursor is passed over, not taken as the end.
            let page: Page<T> = self.origin.fetch(cursor.as_deref()).await?.data;
            self.next = match (page.has_more, page.next_cursor) {
                (true, Some(c)) => Next::Cursor(c),
                _ => Next::Done,
            };
            self.buffered = page.data.into();
        }
    }
}

/// The first page of a list: `.await` it for a [`Page`], or turn it into a stream of every
/// item with [`into_stream`](ListRequest::into_stream).
#[must_use = "a call does nothing until it is awaited"]
pub struct ListRequest<T> {
    client: Client,
    req: Result<Prepared>,
    opts: RequestOptions,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned + Send + 'static> ListRequest<T> {
    pub(crate) fn new(client: &Client, req: Result<Prepared>) -> Self {
        Self {
            client: client.clone(),
            req,
            opts: RequestOptions::default(),
            _t: std::marker::PhantomData,
        }
    }

    /// Replaces every per-request option at once (used for every page).
    pub fn options(mut self, opts: RequestOptions) -> Self {
        self.opts = opts;
        self
    }

    /// The timeout of each attempt of each page.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.opts.timeout = Some(d);
        self
    }

    /// Retries after the first attempt, for each page.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.opts.max_retries = Some(n);
        self
    }

    /// An extra header for every page's request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.opts.headers.push((name.into(), value.into()));
        self
    }

    /// The first page with its response metadata.
    pub fn send_with_response(self) -> RequestFuture<Result<Response<Page<T>>>> {
        boxed(async move {
            let origin = Origin::new(self.req?, self.client, self.opts);
            origin.fetch(None).await
        })
    }

    /// Every item of every page, fetched lazily, one page in memory at a time. Stops with an
    /// error if the server repeats a cursor. Cap the items with `StreamExt::take`.
    pub fn into_stream(self) -> impl Stream<Item = Result<T>> + Unpin + 'static {
        use futures::StreamExt;
        match self.req {
            Ok(req) => {
                let walk = Walk {
                    origin: Origin::new(req, self.client, self.opts),
                    buffered: VecDeque::new(),
                    next: Next::First,
                    seen: HashSet::new(),
                };
                Box::pin(futures::stream::try_unfold(walk, Walk::step).left_stream())
            }
            Err(e) => Box::pin(futures::stream::once(async move { Err(e) }).right_stream()),
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for ListRequest<T> {
    type Output = Result<Page<T>>;
    type IntoFuture = RequestFuture<Result<Page<T>>>;

    fn into_future(self) -> Self::IntoFuture {
        let fut = self.send_with_response();
        boxed(async move { fut.await.map(Response::into_data) })
    }
}
