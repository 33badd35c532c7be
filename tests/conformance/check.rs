//! Case semantics shared by every language: `$name.path` references, and matching an outcome
//! against an expectation.
//!
//! Expectations are JSON with a few markers: an object matches when each of its keys matches
//! (other keys are ignored); an array matches element by element and needs the same length;
//! `{"<len>": n}` matches an array of n items; `"<any>"`, `"<none>"` (null or absent),
//! `"<string>"`, `"<number>"`, `"<starts:PREFIX>"` and `"<contains:TEXT>"` match what they say;
//! anything else must
//! be equal (numbers by value).

use serde_json::Value;

/// Replaces every string of the form `$name.path.0.more` with the value it names in `vars`.
pub fn resolve(value: &Value, vars: &Value) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) if s.starts_with('$') => lookup(vars, &s[1..])
            .ok_or_else(|| format!("{s} names nothing (yet)"))?
            .clone(),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| resolve(v, vars))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), resolve(v, vars)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

fn lookup<'a>(vars: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(vars, |v, part| match v {
        Value::Object(m) => m.get(part),
        Value::Array(a) => part.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// Whether `actual` (None: absent) matches `expected`; the error says where and how not.
pub fn matches(expected: &Value, actual: Option<&Value>, at: &str) -> Result<(), String> {
    let shown = || actual.map_or_else(|| "nothing".to_string(), short);
    let fail = |what: &str| Err(format!("at {at}: expected {what}, got {}", shown()));
    match expected {
        Value::String(s) if s == "<any>" => Ok(()),
        Value::String(s) if s == "<none>" => match actual {
            None | Some(Value::Null) => Ok(()),
            _ => fail("null or nothing"),
        },
        Value::String(s) if s == "<string>" => match actual {
            Some(Value::String(_)) => Ok(()),
            _ => fail("a string"),
        },
        Value::String(s) if s == "<number>" => match actual {
            Some(Value::Number(_)) => Ok(()),
            _ => fail("a number"),
        },
        Value::String(s) if s.starts_with("<contains:") && s.ends_with('>') => {
            let text = &s["<contains:".len()..s.len() - 1];
            match actual {
                Some(Value::String(a)) if a.contains(text) => Ok(()),
                _ => fail(&format!("a string containing {text:?}")),
            }
        }
        Value::String(s) if s.starts_with("<starts:") && s.ends_with('>') => {
            let prefix = &s["<starts:".len()..s.len() - 1];
            match actual {
                Some(Value::String(a)) if a.starts_with(prefix) => Ok(()),
                _ => fail(&format!("a string starting with {prefix:?}")),
            }
        }
        Value::Object(m) if m.len() == 1 && m.contains_key("<len>") => {
            let n = m["<len>"].as_u64().unwrap_or(u64::MAX);
            match actual {
                Some(Value::Array(a)) if a.len() as u64 == n => Ok(()),
                Some(Value::Array(a)) => fail(&format!("{n} items (got {})", a.len())),
                _ => fail(&format!("an array of {n} items")),
            }
        }
        Value::Object(m) => {
            let Some(Value::Object(a)) = actual else {
                return fail("an object");
            };
            for (k, v) in m {
                matches(v, a.get(k), &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        Value::Array(items) => {
            let Some(Value::Array(a)) = actual else {
                return fail("an array");
            };
            if a.len() != items.len() {
                return fail(&format!("{} items (got {})", items.len(), a.len()));
            }
            for (i, (e, v)) in items.iter().zip(a).enumerate() {
                matches(e, Some(v), &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        Value::Number(n) => match actual {
            Some(Value::Number(a)) if a.as_f64() == n.as_f64() => Ok(()),
            _ => fail(&n.to_string()),
        },
        other => {
            if actual == Some(other) {
                Ok(())
            } else {
                fail(&short(other))
            }
        }
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 160 {
        format!("{}…", &s[..s.floor_char_boundary(160)])
    } else {
        s
    }
}

/// Checks one case's outcomes against its steps. Outcomes are what a runner reported, one per
/// step: `{"ok": value}` or `{"error": {...}}`.
pub fn evaluate(case: &Value, base_vars: &Value, outcomes: &[Value]) -> Result<(), String> {
    let mut vars = base_vars.clone();
    let steps = case["steps"].as_array().ok_or("the case has no steps")?;
    for (i, step) in steps.iter().enumerate() {
        let label = step_label(i, step);
        let outcome = outcomes
            .get(i)
            .ok_or_else(|| format!("{label}: the runner stopped before it"))?;
        if let Some(expect) = step.get("expect") {
            let expect = resolve(expect, &vars).map_err(|e| format!("{label}: {e}"))?;
            matches(&expect, Some(outcome), "outcome").map_err(|e| format!("{label}: {e}"))?;
        } else if outcome.get("error").is_some() {
            return Err(format!("{label}: unexpected failure {}", short(outcome)));
        }
        if let Some(name) = step.get("save").and_then(Value::as_str) {
            let value = outcome.get("ok").cloned().unwrap_or(Value::Null);
            if let Value::Object(m) = &mut vars {
                m.insert(name.to_string(), value);
            }
        }
    }
    Ok(())
}

/// `step 3 (leads.create)`.
pub fn step_label(i: usize, step: &Value) -> String {
    let what = step
        .get("call")
        .or_else(|| step.get("webhook"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| step.get("receive").map(|_| "receive".to_string()))
        .unwrap_or_default();
    format!("step {} ({what})", i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn markers_and_subsets() {
        let actual = json!({"id": "lead_1", "email": null, "tags": ["a"], "n": 2.0});
        assert!(matches(&json!({"id": "<starts:lead_>", "email": "<none>", "missing": "<none>", "tags": ["a"], "n": 2}), Some(&actual), "x").is_ok());
        assert!(matches(&json!({"tags": {"<len>": 2}}), Some(&actual), "x").is_err());
        assert!(matches(&json!({"id": "lead_2"}), Some(&actual), "x").is_err());
        assert!(matches(&json!({"email": "<string>"}), Some(&actual), "x").is_err());
        assert!(matches(&json!(["a", "b"]), Some(&json!(["a"])), "x").is_err());
    }

    #[test]
    fn references() {
        let vars = json!({"ann": {"id": "lead_1"}, "got": [{"body": "b"}]});
        assert_eq!(
            resolve(&json!(["$ann.id", {"x": "$got.0.body"}]), &vars).unwrap(),
            json!(["lead_1", {"x": "b"}])
        );
        assert!(resolve(&json!("$nobody.id"), &vars).is_err());
    }

    #[test]
    fn saved_values_feed_later_expectations() {
        let case = json!({"steps": [
            {"call": "leads.create", "save": "a"},
            {"call": "leads.retrieve", "expect": {"ok": {"id": "$a.id"}}}
        ]});
        let ok = [
            json!({"ok": {"id": "lead_1"}}),
            json!({"ok": {"id": "lead_1"}}),
        ];
        assert!(evaluate(&case, &json!({}), &ok).is_ok());
        let wrong = [
            json!({"ok": {"id": "lead_1"}}),
            json!({"ok": {"id": "lead_2"}}),
        ];
        assert!(evaluate(&case, &json!({}), &wrong).is_err());
        assert!(
            evaluate(&case, &json!({}), &ok[..1]).is_err(),
            "a runner that stops early fails"
        );
    }
}
