//! A call being prepared: per-request options, then `.await` for the body or
//! [`send_with_response`](Request::send_with_response) for the body with its metadata.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::time::Duration;

use futures::FutureExt;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::{Client, Prepared, RequestOptions, Response, segment};
use crate::error::{Error, Result};
use crate::operations::{OPERATIONS, Operation};

/// A boxed future of a call: `Send` natively; on wasm, where the browser's `fetch` is
/// single-threaded, not.
#[cfg(not(target_arch = "wasm32"))]
pub type RequestFuture<T> = futures::future::BoxFuture<'static, T>;
/// A boxed future of a call: `Send` natively; on wasm, where the browser's `fetch` is
/// single-threaded, not.
#[cfg(target_arch = "wasm32")]
pub type RequestFuture<T> = futures::future::LocalBoxFuture<'static, T>;

#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn boxed<T, F: Future<Output = T> + Send + 'static>(f: F) -> RequestFuture<T> {
    f.boxed()
}

#[cfg(target_arch = "wasm32")]
pub(crate) fn boxed<T, F: Future<Output = T> + 'static>(f: F) -> RequestFuture<T> {
    f.boxed_local()
}

/// The operation with this `operationId`.
pub(crate) fn operation(id: &str) -> Result<&'static Operation> {
    OPERATIONS
        .iter()
        .find(|o| o.id == id)
        .ok_or_else(|| Error::InvalidInput(format!("unknown operation {id}")))
}

/// Fills the `{…}` placeholders of the operation's path with the encoded `ids`, in order.
pub(crate) fn fill_path(op: &Operation, ids: &[&str]) -> Result<String> {
    if ids.len() != op.path_params.len() {
        return Err(Error::InvalidInput(format!(
            "{} takes {} ids",
            op.id,
            op.path_params.len()
        )));
    }
    let mut path = op.path.to_string();
    for (name, id) in op.path_params.iter().zip(ids) {
        path = path.replace(&format!("{{{name}}}"), &segment(id)?);
    }
    Ok(path)
}

pub(crate) fn to_value<P: Serialize>(what: &str, p: &P) -> Result<serde_json::Value> {
    serde_json::to_value(p)
        .map_err(|e| Error::InvalidInput(format!("cannot encode the {what}: {e}")))
}

/// Operation `op_id` with its ids, JSON query and body as given.
pub(crate) fn prepared(
    op_id: &str,
    ids: &[&str],
    query: Option<serde_json::Value>,
    body: Option<serde_json::Value>,
) -> Result<Prepared> {
    let op = operation(op_id)?;
    Ok(Prepared {
        op,
        path: fill_path(op, ids)?,
        query,
        body,
    })
}

/// Builds the request of operation `op_id`.
pub(crate) fn request<Q: Serialize, B: Serialize>(
    op_id: &str,
    ids: &[&str],
    query: Option<&Q>,
    body: Option<&B>,
) -> Result<Prepared> {
    let op = operation(op_id)?;
    Ok(Prepared {
        op,
        path: fill_path(op, ids)?,
        query: query.map(|q| to_value("query", q)).transpose()?,
        body: body.map(|b| to_value("body", b)).transpose()?,
    })
}

/// A call ready to send. `.await` it for the body; set per-request options first if needed.
#[must_use = "a call does nothing until it is awaited"]
pub struct Request<T> {
    client: Client,
    req: Result<Prepared>,
    opts: RequestOptions,
    _t: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Request<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let op = self.req.as_ref().map(|r| r.op.id).unwrap_or("<invalid>");
        f.debug_struct("Request")
            .field("operation", &op)
            .field("options", &self.opts)
            .finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> Request<T> {
    /// Replaces every per-request option at once.
    pub fn options(mut self, opts: RequestOptions) -> Self {
        self.opts = opts;
        self
    }

    pub(crate) fn new(client: &Client, req: Result<Prepared>) -> Self {
        Self {
            client: client.clone(),
            req,
            opts: RequestOptions::default(),
            _t: PhantomData,
        }
    }

    /// The timeout of each attempt of this call.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.opts.timeout = Some(d);
        self
    }

    /// The overall deadline of this call, retries included.
    pub fn deadline(mut self, d: Duration) -> Self {
        self.opts.deadline = Some(d);
        self
    }

    /// Retries after the first attempt, for this call.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.opts.max_retries = Some(n);
        self
    }

    /// An extra header for this call.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.opts.headers.push((name.into(), value.into()));
        self
    }

    /// The idempotency key of this POST (by default a new random key, reused across retries).
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.opts.idempotency_key = Some(key.into());
        self
    }

    /// Sends the call and returns the body with the status, headers, request id and rate limit.
    pub fn send_with_response(self) -> RequestFuture<Result<Response<T>>> {
        boxed(async move {
            let req = self.req?;
            self.client.execute::<T>(&req, &self.opts).await
        })
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for Request<T> {
    type Output = Result<T>;
    type IntoFuture = RequestFuture<Result<T>>;

    fn into_future(self) -> Self::IntoFuture {
        let fut = self.send_with_response();
        boxed(async move { fut.await.map(Response::into_data) })
    }
}

impl Client {
    /// Any operation by its `operationId`, with JSON query and body (wire names), answering
    /// the JSON as sent: the escape hatch that the language bindings build on, and the way to
    /// ask for what the typed methods do not take, such as field selection (the partial
    /// objects `fields` returns are not the typed models). `ids` fill the path's placeholders
    /// in order.
    ///
    /// ```no_run
    /// # async fn run(client: callwaitingai::Client) -> callwaitingai::Result<()> {
    /// let page = client
    ///     .operation("leads.list", &[], Some(serde_json::json!({"fields": "id,name"})), None)
    ///     .await?;
    /// for lead in page["data"].as_array().into_iter().flatten() {
    ///     println!("{} {}", lead["id"], lead["name"]);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn operation(
        &self,
        operation_id: &str,
        ids: &[&str],
        query: Option<serde_json::Value>,
        body: Option<serde_json::Value>,
    ) -> Request<serde_json::Value> {
        Request::new(self, prepared(operation_id, ids, query, body))
    }

    /// The first page of any list operation by its `operationId` (see [`Client::operation`]).
    pub fn list_operation(
        &self,
        operation_id: &str,
        ids: &[&str],
        query: Option<serde_json::Value>,
    ) -> crate::ListRequest<serde_json::Value> {
        let req = operation(operation_id).and_then(|op| {
            Ok(Prepared {
                op,
                path: fill_path(op, ids)?,
                query,
                body: None,
            })
        });
        crate::ListRequest::new(self, req)
    }
}
