//! snake_case ⇄ camelCase for bindings, guided by the spec's schemas.
//!
//! The SDKs for Python take and give snake_case names; the wire uses camelCase. These
//! functions rename object keys by walking the generated schema table, so free-form maps (such
//! as `byStatus`) keep their keys, and nested objects and arrays of objects are renamed too.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::generated::schemas::{FieldKind, ObjectSchema, SCHEMAS};
use crate::operations::Operation;

fn schema(name: &str) -> Option<&'static ObjectSchema> {
    SCHEMAS.iter().find(|s| s.name == name)
}

/// `createdAt` → `created_at`, for keys no schema knows.
pub fn snake_case(s: &str) -> String {
    heck::ToSnakeCase::to_snake_case(s)
}

fn rename_nested(
    kind: FieldKind,
    v: Value,
    f: &dyn Fn(&str, Value) -> Result<Value>,
) -> Result<Value> {
    Ok(match (kind, v) {
        (FieldKind::Object(s), v @ Value::Object(_)) => f(s, v)?,
        (FieldKind::Array(s), Value::Array(items)) => Value::Array(
            items
                .into_iter()
                .map(|i| if i.is_object() { f(s, i) } else { Ok(i) })
                .collect::<Result<_>>()?,
        ),
        (_, v) => v,
    })
}

/// Renames the snake_case keys of an object of schema `name` to the wire's camelCase (camelCase
/// keys are accepted as they are). An unknown key is an `InvalidInput` error naming it.
pub fn to_wire(name: &str, value: Value) -> Result<Value> {
    let Some(schema) = schema(name) else {
        return Ok(value);
    };
    let Value::Object(map) = value else {
        return Err(Error::InvalidInput(format!("{name} must be an object")));
    };
    let mut out = Map::with_capacity(map.len());
    for (key, v) in map {
        let field = schema
            .fields
            .iter()
            .find(|f| f.snake == key || f.wire == key)
            .ok_or_else(|| {
                let known: Vec<&str> = schema.fields.iter().map(|f| f.snake).collect();
                Error::InvalidInput(format!(
                    "unknown field {key:?} for {name}; known fields: {}",
                    known.join(", ")
                ))
            })?;
        out.insert(
            field.wire.to_string(),
            rename_nested(field.kind, v, &to_wire)?,
        );
    }
    Ok(Value::Object(out))
}

/// Renames the wire's camelCase keys of an object of schema `name` to snake_case. Keys from a
/// newer server are renamed by rule; free-form maps keep their keys.
pub fn from_wire(name: &str, value: Value) -> Value {
    fn go(name: &str, value: Value) -> Result<Value> {
        let Value::Object(map) = value else {
            return Ok(value);
        };
        let schema = schema(name);
        let mut out = Map::with_capacity(map.len());
        for (key, v) in map {
            match schema.and_then(|s| s.fields.iter().find(|f| f.wire == key)) {
                Some(field) => {
                    out.insert(field.snake.to_string(), rename_nested(field.kind, v, &go)?);
                }
                None => {
                    out.insert(snake_case(&key), v);
                }
            }
        }
        Ok(Value::Object(out))
    }
    // Renaming never fails in this direction.
    match go(name, value) {
        Ok(v) => v,
        Err(_) => Value::Null,
    }
}

/// Renames an object of schema `name` to JS's camelCase names (the table's `camel`): the API's
/// wire names already are; the providers' (`phone_number_id`, `MessageSid`) are renamed. Keys no
/// schema knows and free-form maps are kept as sent.
pub fn to_camel(name: &str, value: Value) -> Value {
    fn go(name: &str, value: Value) -> Result<Value> {
        let Value::Object(map) = value else {
            return Ok(value);
        };
        let Some(schema) = schema(name) else {
            return Ok(Value::Object(map));
        };
        let mut out = Map::with_capacity(map.len());
        for (key, v) in map {
            match schema.fields.iter().find(|f| f.wire == key) {
                Some(field) => {
                    out.insert(field.camel.to_string(), rename_nested(field.kind, v, &go)?);
                }
                None => {
                    out.insert(key, v);
                }
            }
        }
        Ok(Value::Object(out))
    }
    // Renaming never fails in this direction.
    match go(name, value) {
        Ok(v) => v,
        Err(_) => Value::Null,
    }
}

/// Renames snake_case query parameters of `op` to their wire names; `None` values are dropped.
/// An unknown parameter is an `InvalidInput` error.
pub fn query_to_wire(op: &Operation, value: Value) -> Result<Value> {
    let Value::Object(map) = value else {
        return Err(Error::InvalidInput(
            "query parameters must be an object".into(),
        ));
    };
    let mut out = Map::with_capacity(map.len());
    for (key, v) in map {
        if v.is_null() {
            continue;
        }
        let wire = op
            .query_params
            .iter()
            .find(|p| **p == key || snake_case(p) == key)
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "{} has no parameter {key:?}; it takes {}",
                    op.id,
                    op.query_params
                        .iter()
                        .map(|p| snake_case(p))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        out.insert((*wire).to_string(), v);
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::OPERATIONS;
    use serde_json::json;

    #[test]
    fn nested_objects_are_renamed_both_ways() {
        let input =
            json!({"segments": [{"speaker": "a", "text": "hi", "start_ms": 0, "end_ms": 5}]});
        let wire = to_wire("CallTranscriptParams", input.clone()).unwrap();
        assert_eq!(
            wire,
            json!({"segments": [{"speaker": "a", "text": "hi", "startMs": 0, "endMs": 5}]})
        );
        let back = from_wire("CallTranscriptParams", wire);
        assert_eq!(back, input);
    }

    #[test]
    fn free_form_maps_keep_their_keys() {
        let wire =
            json!({"byStatus": {"in_progress": 1, "someStatus": 2}, "totalDurationSeconds": 3});
        let snake = from_wire("AnalyticsCalls", wire);
        assert_eq!(
            snake,
            json!({"by_status": {"in_progress": 1, "someStatus": 2}, "total_duration_seconds": 3})
        );
    }

    #[test]
    fn unknown_fields_are_named_in_the_error() {
        let e = to_wire("LeadCreateParams", json!({"name": "x", "colour": "red"})).unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
        let e = to_wire("LeadCreateParams", json!({"createdAt": 1})).unwrap_err();
        assert!(e.to_string().contains("createdAt"), "{e}");
        // A newer server's fields are renamed by rule.
        assert_eq!(
            from_wire("Lead", json!({"favouriteColour": "red"})),
            json!({"favourite_colour": "red"})
        );
    }

    #[test]
    fn query_parameters_are_renamed_and_nulls_dropped() {
        let op = OPERATIONS.iter().find(|o| o.id == "leads.list").unwrap();
        let q = query_to_wire(
            op,
            json!({"created_after": "2026-01-01T00:00:00Z", "status": null, "limit": 5}),
        )
        .unwrap();
        assert_eq!(
            q,
            json!({"createdAfter": "2026-01-01T00:00:00Z", "limit": 5})
        );
        assert!(query_to_wire(op, json!({"colour": 1})).is_err());
    }
}
