//! Lists: keyset cursor pagination, `offset`, `sort`, `fields`, `limit` (default 20, max 100).
//!
//! A cursor holds the sort key and id of the last item of its page; the next page is everything
//! strictly after that pair in the sort order. Items inserted or deleted meanwhile therefore never
//! make an item appear twice or skip one that existed throughout.

use std::collections::HashMap;

use crate::store::db::Value as Sql;
use crate::store::db::{Db, Row};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::error::ApiError;

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

/// A parsed list request.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub limit: usize,
    pub cursor: Option<Cursor>,
    pub offset: usize,
    pub sort_name: String,
    pub sort_col: &'static str,
    pub desc: bool,
    pub fields: Option<Vec<String>>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Cursor {
    /// The sort the cursor was made for.
    s: String,
    /// The sort key of the last item.
    v: String,
    /// The id of the last item.
    id: String,
}

/// A page of items, already serialised.
#[derive(Debug)]
pub struct Page {
    pub data: Vec<Value>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

impl Page {
    pub fn to_json(&self) -> Value {
        json!({ "data": self.data, "hasMore": self.has_more, "nextCursor": self.next_cursor })
    }
}

/// Parses `limit`, `cursor`, `offset`, `sort` and `fields`. `sorts` maps the API's sort names
/// to columns; `default` is one of its names, with an optional leading `-`.
pub fn parse(
    q: &HashMap<String, String>,
    sorts: &[(&str, &'static str)],
    default: &str,
) -> Result<ListQuery, ApiError> {
    let limit = match q.get("limit") {
        None => DEFAULT_LIMIT,
        Some(v) => {
            let n: i64 = v.parse().map_err(|_| {
                ApiError::bad_request(format!("limit must be an integer, got {v:?}"))
            })?;
            if n < 1 {
                return Err(ApiError::validation("limit", "limit must be at least 1"));
            }
            if n > MAX_LIMIT as i64 {
                // The spec says `maximum: 100`: a larger limit is refused, not quietly cut.
                return Err(ApiError::bad_request(format!(
                    "limit must be at most {MAX_LIMIT}, got {n}; page with nextCursor for more"
                ))
                .with_data(json!({ "field": "limit" })));
            }
            usize::try_from(n).unwrap_or(MAX_LIMIT)
        }
    };
    let offset = match q.get("offset") {
        None => 0,
        Some(v) => v.parse::<usize>().map_err(|_| {
            ApiError::bad_request(format!("offset must be a non-negative integer, got {v:?}"))
        })?,
    };
    let sort_text = q.get("sort").map_or(default, String::as_str);
    let (desc, name) = match sort_text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, sort_text),
    };
    let sort_col = sorts
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
        .ok_or_else(|| {
            let names: Vec<&str> = sorts.iter().map(|(n, _)| *n).collect();
            ApiError::bad_request(format!(
                "cannot sort by {name:?}; use one of {} (prefix - for descending)",
                names.join(", ")
            ))
        })?;
    let cursor = match q.get("cursor").filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => {
            let bad = || ApiError::bad_request("cursor is not a cursor this server issued");
            let bytes = URL_SAFE_NO_PAD.decode(c).map_err(|_| bad())?;
            let cur: Cursor = serde_json::from_slice(&bytes).map_err(|_| bad())?;
            if cur.s != sort_text {
                return Err(ApiError::bad_request(
                    "the cursor was issued for another sort order; keep `sort` the same while paging",
                ));
            }
            Some(cur)
        }
    };
    if cursor.is_some() && offset > 0 {
        return Err(ApiError::bad_request(
            "use either cursor or offset, not both",
        ));
    }
    let fields = fields_param(q);
    Ok(ListQuery {
        limit,
        cursor,
        offset,
        sort_name: sort_text.to_string(),
        sort_col,
        desc,
        fields,
    })
}

/// Keeps only `fields` (and `id`) of an object.
pub fn project(value: Value, fields: Option<&[String]>) -> Value {
    match (value, fields) {
        (Value::Object(map), Some(fields)) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| k == "id" || fields.iter().any(|f| f == k))
                .collect(),
        ),
        (v, _) => v,
    }
}

/// Parses `fields`: `None` (every field) when absent or empty.
pub fn fields_param(q: &HashMap<String, String>) -> Option<Vec<String>> {
    let fields: Vec<String> = q
        .get("fields")?
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    (!fields.is_empty()).then_some(fields)
}

/// A SQL condition with `?` placeholders and their values, in order.
pub type Filter = (String, Vec<Sql>);

/// Runs a list over `table` for `org`, with extra `filters`, turning rows into items with `map`.
pub fn fetch<T: serde::Serialize>(
    conn: &Db<'_>,
    table: &str,
    org: &str,
    filters: &[Filter],
    q: &ListQuery,
    map: impl Fn(&Row) -> crate::store::db::Result<T>,
) -> Result<Page, ApiError> {
    let mut sql = format!(
        "SELECT *, {col} AS _sort FROM {table} WHERE org_id = ?",
        col = q.sort_col
    );
    let mut args: Vec<Sql> = vec![Sql::Text(org.to_string())];
    for (frag, values) in filters {
        sql.push_str(" AND ");
        sql.push_str(frag);
        args.extend(values.iter().cloned());
    }
    let (cmp, dir) = if q.desc { ("<", "DESC") } else { (">", "ASC") };
    if let Some(c) = &q.cursor {
        sql.push_str(&format!(
            " AND ({col} {cmp} ? OR ({col} = ? AND id {cmp} ?))",
            col = q.sort_col
        ));
        args.push(Sql::Text(c.v.clone()));
        args.push(Sql::Text(c.v.clone()));
        args.push(Sql::Text(c.id.clone()));
    }
    sql.push_str(&format!(
        " ORDER BY {col} {dir}, id {dir} LIMIT ? OFFSET ?",
        col = q.sort_col
    ));
    args.push(Sql::Integer(i64::try_from(q.limit + 1).unwrap_or(i64::MAX)));
    args.push(Sql::Integer(i64::try_from(q.offset).unwrap_or(i64::MAX)));
    let mut items: Vec<(String, String, Value)> = Vec::new();
    for row in conn.query(&sql, &args)? {
        let id: String = row.get("id")?;
        let sort: String = row.get("_sort")?;
        let item = serde_json::to_value(map(&row)?).map_err(ApiError::internal)?;
        items.push((sort, id, item));
    }
    let has_more = items.len() > q.limit;
    items.truncate(q.limit);
    let next_cursor = match items.last() {
        Some((v, id, _)) if has_more => {
            let c = Cursor {
                s: q.sort_name.clone(),
                v: v.clone(),
                id: id.clone(),
            };
            Some(URL_SAFE_NO_PAD.encode(serde_json::to_vec(&c).map_err(ApiError::internal)?))
        }
        _ => None,
    };
    let fields = q.fields.as_deref();
    Ok(Page {
        data: items
            .into_iter()
            .map(|(_, _, v)| project(v, fields))
            .collect(),
        has_more,
        next_cursor,
    })
}
