//! What the JavaScript bindings (`sdk-node`, `sdk-wasm`) share, so that both hand their one JS
//! layer (`sdk-node/lib/client.cjs`) exactly the same data. Not for application code.

use serde_json::{Value, json};

/// Every operation as `[operationId, method, pathParams, listOf, takesQuery, takesBody]`, the
/// rows the JS layer builds `client.<resource>.<verb>` from.
pub fn operation_rows() -> Vec<Value> {
    crate::operations::OPERATIONS
        .iter()
        .map(|o| {
            json!([
                o.id,
                o.method,
                o.path_params,
                o.list_of,
                !o.query_params.is_empty(),
                o.request.is_some()
            ])
        })
        .collect()
}

/// Headers handed over as one string, `name\0value\0name\0value…` (converting a JS object
/// into a map costs more than the whole verification, and header names and values never hold
/// NUL), as pairs. A trailing name without a value is dropped.
pub fn joined_header_pairs(joined: &str) -> Vec<(&str, &str)> {
    let mut parts = joined.split('\0');
    let mut out = Vec::new();
    while let (Some(k), Some(v)) = (parts.next(), parts.next()) {
        out.push((k, v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_headers_split_into_pairs() {
        assert_eq!(
            joined_header_pairs("webhook-id\0msg_1\0webhook-timestamp\0t\0dangling"),
            vec![("webhook-id", "msg_1"), ("webhook-timestamp", "t")]
        );
        assert!(joined_header_pairs("").is_empty());
    }

    #[test]
    fn one_row_per_operation() {
        let rows = operation_rows();
        assert_eq!(rows.len(), crate::operations::OPERATIONS.len());
        let delivery = rows
            .iter()
            .find(|r| r[0] == "webhooks.retryDelivery")
            .unwrap();
        assert_eq!(delivery[1], "POST");
        assert_eq!(delivery[2].as_array().unwrap().len(), 2);
    }
}
