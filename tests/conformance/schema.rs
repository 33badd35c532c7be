//! Every response the SDKs saw, checked against `openapi.yaml`: the reference server records
//! each exchange (`--record`), and each body is validated against the schema the spec gives
//! for its operation and status. Also which operations each language exercised.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::rc::Rc;

use serde_json::{Map, Value, json};

/// The spec, indexed by method and route template.
pub struct Spec {
    /// `GET /leads/{}` → operation.
    operations: BTreeMap<(String, String), Operation>,
    /// `components.schemas`, as JSON Schema.
    components: Value,
    /// The `webhooks` section: event type → the body's JSON schema.
    events: BTreeMap<String, Value>,
    /// Compiled validators by operationId and documented status.
    validators: RefCell<HashMap<(String, String), Rc<jsonschema::Validator>>>,
}

struct Operation {
    id: String,
    /// Status (`"200"`, `"default"`) → the response's JSON schema (None: no body).
    responses: BTreeMap<String, Option<Value>>,
}

/// What checking a language's exchanges found.
#[derive(Default)]
pub struct Report {
    pub checked: usize,
    pub errors: Vec<String>,
    pub operations: BTreeSet<String>,
}

/// `/leads/{id}` and `/leads/{leadId}` → `/leads/{}`.
fn template(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                out.push('{');
            }
            '}' => {
                depth -= 1;
                out.push('}');
            }
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

/// OpenAPI 3.0 schema → JSON Schema 2020-12: `nullable: true` becomes `anyOf [.., null]`.
fn convert(schema: &Value) -> Value {
    match schema {
        Value::Object(m) => {
            let mut out: Map<String, Value> = m
                .iter()
                .filter(|(k, _)| k.as_str() != "nullable")
                .map(|(k, v)| (k.clone(), convert(v)))
                .collect();
            if m.get("nullable") == Some(&Value::Bool(true)) {
                let inner = Value::Object(std::mem::take(&mut out));
                out.insert("anyOf".into(), json!([inner, {"type": "null"}]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(convert).collect()),
        other => other.clone(),
    }
}

fn deref<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix("#/")
            .map(|p| p.split('/').fold(spec, |acc, part| &acc[part]))
            .unwrap_or(v),
        None => v,
    }
}

impl Spec {
    pub fn load(path: &Path) -> Result<Spec, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let spec: Value =
            serde_yaml_ng::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut operations = BTreeMap::new();
        for (path, item) in spec["paths"].as_object().ok_or("no paths")? {
            for (method, op) in item.as_object().ok_or("bad path item")? {
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let mut responses = BTreeMap::new();
                for (status, resp) in op["responses"].as_object().ok_or("no responses")? {
                    let resp = deref(&spec, resp);
                    let schema = resp
                        .pointer("/content/application~1json/schema")
                        .map(convert);
                    responses.insert(status.clone(), schema);
                }
                operations.insert(
                    (method.to_uppercase(), template(path)),
                    Operation {
                        id: id.to_string(),
                        responses,
                    },
                );
            }
        }
        let mut events = BTreeMap::new();
        for (event_type, item) in spec["webhooks"].as_object().into_iter().flatten() {
            if let Some(schema) = item.pointer("/post/requestBody/content/application~1json/schema")
            {
                events.insert(event_type.clone(), convert(schema));
            }
        }
        Ok(Spec {
            operations,
            events,
            components: json!({"schemas": convert(&spec["components"]["schemas"])}),
            validators: RefCell::default(),
        })
    }

    /// Checks a webhook body the server delivered against the `webhooks` section: its `type`
    /// must be listed there and the body must have that event's schema.
    pub fn check_event(&self, body: &str, report: &mut Report) {
        report.checked += 1;
        let event: Value = match serde_json::from_str(body) {
            Ok(v) => v,
            Err(e) => {
                return report
                    .errors
                    .push(format!("a delivery that is not JSON ({e}): {body}"));
            }
        };
        let event_type = event["type"].as_str().unwrap_or_default();
        let Some(schema) = self.events.get(event_type) else {
            return report.errors.push(format!(
                "delivered event type {event_type:?} is not in the spec's webhooks"
            ));
        };
        match self.validator(schema) {
            Ok(v) => {
                for e in v.iter_errors(&event) {
                    report.errors.push(format!(
                        "delivered {event_type} at {}: {e}",
                        e.instance_path()
                    ));
                }
            }
            Err(e) => report.errors.push(format!("{event_type}: bad schema: {e}")),
        }
    }

    /// A JSON Schema 2020-12 validator of `schema`, with the spec's components to refer to.
    fn validator(
        &self,
        schema: &Value,
    ) -> Result<jsonschema::Validator, jsonschema::ValidationError<'static>> {
        let mut root = match schema {
            Value::Object(m) => m.clone(),
            _ => Map::new(),
        };
        root.insert("components".into(), self.components.clone());
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&Value::Object(root))
    }

    /// The event types of the `webhooks` section.
    pub fn event_types(&self) -> BTreeSet<String> {
        self.events.keys().cloned().collect()
    }

    /// Every operationId of the spec.
    pub fn operation_ids(&self) -> BTreeSet<String> {
        self.operations.values().map(|o| o.id.clone()).collect()
    }

    /// Checks the exchanges recorded in `file` (JSON lines from `--record`).
    pub fn check_records(&self, file: &Path, report: &mut Report) {
        let Ok(text) = std::fs::read_to_string(file) else {
            return;
        };
        for line in text.lines() {
            let Ok(rec) = serde_json::from_str::<Value>(line) else {
                report
                    .errors
                    .push(format!("{}: not JSON: {line}", file.display()));
                continue;
            };
            self.check(&rec, report);
        }
    }

    fn check(&self, rec: &Value, report: &mut Report) {
        let method = rec["method"].as_str().unwrap_or_default();
        let route = rec["route"].as_str().unwrap_or_default();
        let status = rec["status"].as_u64().unwrap_or_default();
        let Some(op) = self.operations.get(&(method.to_string(), template(route))) else {
            report
                .errors
                .push(format!("{method} {route}: not in openapi.yaml"));
            return;
        };
        report.operations.insert(op.id.clone());
        report.checked += 1;
        let documented = [
            status.to_string(),
            format!("{}XX", status / 100),
            "default".into(),
        ]
        .into_iter()
        .find(|s| op.responses.contains_key(s));
        let Some((documented, schema)) = documented.map(|s| (s.clone(), &op.responses[&s])) else {
            report.errors.push(format!(
                "{} → {status}: the spec does not document this status",
                op.id
            ));
            return;
        };
        let body = &rec["body"];
        let Some(schema) = schema else {
            if !body.is_null() {
                report.errors.push(format!(
                    "{} → {status}: a body where the spec has none",
                    op.id
                ));
            }
            return;
        };
        if rec["contentType"]
            .as_str()
            .is_none_or(|c| !c.starts_with("application/json"))
        {
            report.errors.push(format!(
                "{} → {status}: content type {} is not JSON",
                op.id, rec["contentType"]
            ));
            return;
        }
        let key = (op.id.clone(), documented);
        let cached = self.validators.borrow().get(&key).cloned();
        let validator = match cached {
            Some(v) => v,
            None => match self.validator(schema) {
                Ok(v) => {
                    let v = Rc::new(v);
                    self.validators.borrow_mut().insert(key, Rc::clone(&v));
                    v
                }
                Err(e) => {
                    report
                        .errors
                        .push(format!("{}: the schema does not compile: {e}", op.id));
                    return;
                }
            },
        };
        let problems: Vec<String> = validator
            .iter_errors(body)
            .take(3)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if !problems.is_empty() {
            report
                .errors
                .push(format!("{} → {status}: {}", op.id, problems.join("; ")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml")).unwrap()
    }

    #[test]
    fn a_conforming_body_passes_and_a_wrong_one_is_reported() {
        let spec = spec();
        let mut report = Report::default();
        let body = json!({"status": "ok", "version": "0.1.0"});
        spec.check(&json!({"method": "GET", "route": "/health", "status": 200, "contentType": "application/json", "body": body}), &mut report);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert!(report.operations.contains("health.check"));
        spec.check(&json!({"method": "GET", "route": "/health", "status": 200, "contentType": "application/json", "body": {"status": 1}}), &mut report);
        assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
        spec.check(&json!({"method": "GET", "route": "/health", "status": 418, "contentType": "application/json", "body": {}}), &mut report);
        assert_eq!(report.errors.len(), 2, "an undocumented status is reported");
    }

    #[test]
    fn a_delivery_is_checked_against_its_event_in_the_webhooks_section() {
        let spec = spec();
        let ok = r#"{"type":"webhook.test","timestamp":"2026-11-01T09:30:00Z","data":{"webhookEndpointId":"we_1","message":"hi"}}"#;
        let mut report = Report::default();
        spec.check_event(ok, &mut report);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        for bad in [
            r#"{"type":"webhook.test","timestamp":"2026-11-01T09:30:00Z","data":{"message":"hi"}}"#,
            r#"{"type":"lead.merged","timestamp":"2026-11-01T09:30:00Z","data":{}}"#,
            r#"{"type":"webhook.test","data":{"webhookEndpointId":"we_1","message":"hi"}}"#,
            "not json",
        ] {
            let mut report = Report::default();
            spec.check_event(bad, &mut report);
            assert_eq!(report.errors.len(), 1, "{bad}: {:?}", report.errors);
        }
    }

    #[test]
    fn nullable_becomes_a_null_alternative() {
        assert_eq!(
            convert(&json!({"type": "string", "nullable": true})),
            json!({"anyOf": [{"type": "string"}, {"type": "null"}]})
        );
        assert_eq!(
            template("/webhooks/{id}/deliveries/{deliveryId}/retry"),
            "/webhooks/{}/deliveries/{}/retry"
        );
    }
}
