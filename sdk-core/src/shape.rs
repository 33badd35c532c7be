//! Whether a JSON answer has the shape of its operation's typed model, read from the generated
//! schema table: every field an answer must carry is there and not null, and every value has its
//! type, recursively. What the bindings' typed methods check (the Rust typed methods decode into
//! the models and fail the same way); a table walk rather than a second serde decode keeps the
//! browser module small. Fields a newer server adds are accepted.

use serde_json::Value;

use crate::generated::schemas::{FieldKind, JsonType, ObjectSchema, SCHEMAS};

fn schema(name: &str) -> Option<&'static ObjectSchema> {
    SCHEMAS.iter().find(|s| s.name == name)
}

/// Checks `value` against the object schema `name`; the error says where it differs
/// (`data[3].createdAt: expected a string, got null`). A name the table does not know passes.
pub(crate) fn check(name: &str, value: &Value) -> Result<(), String> {
    object(name, value, "")
}

fn object(name: &str, value: &Value, at: &str) -> Result<(), String> {
    let Some(schema) = schema(name) else {
        return Ok(());
    };
    let Value::Object(map) = value else {
        return Err(format!(
            "{}expected a {name} object, got {}",
            here(at),
            what(value)
        ));
    };
    for f in schema.fields {
        let path = if at.is_empty() {
            f.wire.to_string()
        } else {
            format!("{at}.{}", f.wire)
        };
        match map.get(f.wire) {
            None | Some(Value::Null) if f.must => {
                return Err(format!("{path}: missing (a {name} always has it)"));
            }
            None | Some(Value::Null) => {}
            Some(v) => field(f.kind, f.ty, v, &path)?,
        }
    }
    Ok(())
}

fn field(kind: FieldKind, ty: JsonType, v: &Value, path: &str) -> Result<(), String> {
    match kind {
        FieldKind::Object(name) => return object(name, v, path),
        FieldKind::Array(name) => {
            let Value::Array(items) = v else {
                return Err(format!("{path}: expected an array, got {}", what(v)));
            };
            for (i, item) in items.iter().enumerate() {
                object(name, item, &format!("{path}[{i}]"))?;
            }
            return Ok(());
        }
        FieldKind::Plain | FieldKind::Map => {}
    }
    let ok = match ty {
        JsonType::String => v.is_string(),
        JsonType::Integer => v.is_i64() || v.is_u64(),
        JsonType::Number => v.is_number(),
        JsonType::Boolean => v.is_boolean(),
        JsonType::Array => v.is_array(),
        JsonType::Object => v.is_object(),
        JsonType::Any => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{path}: expected {}, got {}",
            expected(ty),
            what(v)
        ))
    }
}

fn here(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("{at}: ")
    }
}

fn expected(ty: JsonType) -> &'static str {
    match ty {
        JsonType::String => "a string",
        JsonType::Integer => "a whole number",
        JsonType::Number => "a number",
        JsonType::Boolean => "true or false",
        JsonType::Array => "an array",
        JsonType::Object => "an object",
        JsonType::Any => "anything",
    }
}

/// A value's JSON type, for error messages (`a string`, `null`…).
pub(crate) fn what(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lead() -> Value {
        json!({"id": "lead_1", "name": "Ada", "email": null, "phone": null, "company": null,
               "source": "web", "status": "new", "notes": null, "tags": [],
               "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"})
    }

    #[test]
    fn a_model_passes_and_a_newer_servers_fields_are_accepted() {
        check("Lead", &lead()).unwrap();
        let mut newer = lead();
        newer["favouriteColour"] = json!("red");
        newer["status"] = json!("a_status_from_the_future");
        check("Lead", &newer).unwrap();
    }

    #[test]
    fn what_the_typed_model_refuses_is_named() {
        assert!(
            check("Lead", &json!({"foo": 1}))
                .unwrap_err()
                .contains("id: missing")
        );
        let mut bad = lead();
        bad["tags"] = json!("x");
        assert_eq!(
            check("Lead", &bad).unwrap_err(),
            "tags: expected an array, got a string"
        );
        let page = json!({"data": [lead(), {"id": 1}], "hasMore": false, "nextCursor": null});
        let e = check("LeadList", &page).unwrap_err();
        assert!(e.starts_with("data[1]"), "{e}");
        assert!(check("Lead", &json!([1])).is_err());
    }

    #[test]
    fn the_rust_models_refuse_what_the_check_refuses() {
        // The check and serde agree on these cases.
        for v in [json!({"foo": 1}), {
            let mut b = lead();
            b["tags"] = json!("x");
            b
        }] {
            assert!(check("Lead", &v).is_err());
            assert!(serde_json::from_value::<crate::models::Lead>(v).is_err());
        }
        assert!(serde_json::from_value::<crate::models::Lead>(lead()).is_ok());
    }
}
