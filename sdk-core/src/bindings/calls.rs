//! A call as every binding makes it: an operation by id, its ids, the query and body as JSON
//! named in the binding's [`Style`] (Python's snake_case keys are renamed to the wire's, and the
//! answer's back), the options as received, checked here, and for the typed methods the
//! answer checked against the operation's model. The bindings convert values and bridge async;
//! nothing else.

use serde_json::Value;

use super::errors::Style;
use super::options::request_options;
#[cfg(not(target_arch = "wasm32"))]
use crate::naming;
use crate::operations::{OPERATIONS, Operation};
use crate::{Client, Error, Page, RequestOptions, Result};

/// A call ready to send.
#[derive(Debug)]
pub struct Call {
    pub(super) op: &'static Operation,
    pub(super) ids: Vec<String>,
    pub(super) query: Option<Value>,
    pub(super) body: Option<Value>,
    pub(super) opts: RequestOptions,
    style: Style,
}

/// Prepares a call: the operation by id, the query and body renamed to the wire's names
/// (Python), the options checked; `typed` for the typed methods, whose answers must have the
/// model's shape.
pub fn prepare(
    style: Style,
    op_id: &str,
    ids: Vec<String>,
    query: Option<Value>,
    body: Option<Value>,
    options: &Value,
    typed: bool,
) -> Result<Call> {
    let op = OPERATIONS
        .iter()
        .find(|o| o.id == op_id)
        .ok_or_else(|| Error::InvalidInput(format!("unknown operation {op_id}")))?;
    let (query, body) = match style {
        Style::JavaScript => (query, body),
        Style::Python => to_wire(op, query, body)?,
    };
    Ok(Call {
        op,
        ids,
        query,
        body,
        opts: request_options(style, options)?.validate_response(typed),
        style,
    })
}

/// Like [`prepare`], with the query, body and options as JSON text (the JS bindings: the JS
/// layer encodes them, so that a value JSON cannot hold fails there, typed, in both packages).
pub fn prepare_json(
    style: Style,
    op_id: &str,
    ids: Vec<String>,
    query: Option<&str>,
    body: Option<&str>,
    options: Option<&str>,
    typed: bool,
) -> Result<Call> {
    let options = super::options::parse(options)?;
    let (query, body) = (parse("query", query)?, parse("body", body)?);
    prepare(style, op_id, ids, query, body, &options, typed)
}

fn parse(what: &str, text: Option<&str>) -> Result<Option<Value>> {
    text.map(serde_json::from_str)
        .transpose()
        .map_err(|e| Error::InvalidInput(format!("{what} is not JSON: {e}")))
}

impl Call {
    /// The item schema of a list operation.
    pub fn list_of(&self) -> Option<&'static str> {
        self.op.list_of
    }

    /// Sends it: the body (named in the style) and what the response said besides
    /// ([`super::response_fields`]).
    pub async fn send(self, client: &Client) -> Result<(Value, Value)> {
        let ids: Vec<&str> = self.ids.iter().map(String::as_str).collect();
        let res = client
            .operation(self.op.id, &ids, self.query, self.body)
            .options(self.opts)
            .send_with_response()
            .await?;
        let meta = super::response_fields(self.style, &res);
        Ok((named(self.style, self.op.response, res.data), meta))
    }

    /// Sends a list operation: its first page (items as the wire has them: see [`named`]) and
    /// what the response said besides.
    pub async fn list(self, client: &Client) -> Result<(Page<Value>, Value)> {
        let ids: Vec<&str> = self.ids.iter().map(String::as_str).collect();
        let res = client
            .list_operation(self.op.id, &ids, self.query)
            .options(self.opts)
            .send_with_response()
            .await?;
        let meta = super::response_fields(self.style, &res);
        Ok((res.data, meta))
    }
}

/// Python's snake_case query and body keys as the wire's.
#[cfg(not(target_arch = "wasm32"))]
fn to_wire(
    op: &Operation,
    query: Option<Value>,
    body: Option<Value>,
) -> Result<(Option<Value>, Option<Value>)> {
    Ok((
        query.map(|q| naming::query_to_wire(op, q)).transpose()?,
        match (body, op.request) {
            (Some(b), Some(schema)) => Some(naming::to_wire(schema, b)?),
            (b, _) => b,
        },
    ))
}

/// The browser module never speaks Python: its renaming tables stay out of it (size).
#[cfg(target_arch = "wasm32")]
fn to_wire(
    _op: &Operation,
    query: Option<Value>,
    body: Option<Value>,
) -> Result<(Option<Value>, Option<Value>)> {
    Ok((query, body))
}

/// An answer (or a page's item) of schema `schema`, named in `style`: snake_case keys for
/// Python, as sent for JavaScript.
pub fn named(style: Style, schema: Option<&str>, value: Value) -> Value {
    match (style, schema) {
        #[cfg(not(target_arch = "wasm32"))]
        (Style::Python, Some(s)) => naming::from_wire(s, value),
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_names_are_renamed_and_bad_input_is_refused_before_sending() {
        let call = prepare(
            Style::Python,
            "calls.create",
            vec![],
            None,
            Some(json!({"direction": "inbound", "from_number": "+1", "to_number": "+2"})),
            &json!({"timeout": 5}),
            true,
        )
        .unwrap();
        assert_eq!(call.body.as_ref().unwrap()["fromNumber"], "+1");
        assert!(call.opts.validate_response);
        for (op, options) in [
            ("leads.nope", json!(null)),
            ("leads.list", json!({"timeout": -1})),
        ] {
            let e = prepare(Style::Python, op, vec![], None, None, &options, false).unwrap_err();
            assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
        }
        let js = prepare(
            Style::JavaScript,
            "leads.list",
            vec![],
            Some(json!({"createdAfter": "x"})),
            None,
            &Value::Null,
            false,
        )
        .unwrap();
        assert_eq!(js.query, Some(json!({"createdAfter": "x"})));
        assert_eq!(js.list_of(), Some("Lead"));
    }
}
