//! The developer portal's additions to the spec the reference server serves (and `cargo xtask
//! docs` renders): per operation, `x-codeSamples` in six languages — Rust, Python, Node, the
//! browser package (cut out of programs CI compiles and runs against a reference server), cURL
//! and PHP (generated from the operation) — and the guides (`docs/guides/*.md`) after the API's
//! description. An operation without a sample in any language is an error.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};

/// Where a language's samples come from.
struct Lang {
    /// The tab's name in the portal.
    label: &'static str,
    /// The highlighting language.
    lang: &'static str,
    /// The program whose `sample: <operationId>` regions are the samples.
    program: &'static str,
    /// The file whose `sample: setup` regions come before every sample.
    setup: &'static str,
    comment: &'static str,
    quote: char,
}

const LANGS: [Lang; 4] = [
    Lang {
        label: "Rust",
        lang: "rust",
        program: "examples/rust/src/bin/api_samples.rs",
        setup: "examples/rust/src/bin/api_samples.rs",
        comment: "//",
        quote: '"',
    },
    Lang {
        label: "Python",
        lang: "python",
        program: "examples/python/api_samples.py",
        setup: "examples/python/api_samples.py",
        comment: "#",
        quote: '"',
    },
    Lang {
        label: "Node",
        lang: "typescript",
        program: "examples/node/api_samples.ts",
        setup: "examples/node/api_samples.ts",
        comment: "//",
        quote: '\'',
    },
    Lang {
        label: "Browser",
        lang: "javascript",
        program: "examples/node/api_samples.ts",
        setup: "examples/browser/index.html",
        comment: "//",
        quote: '\'',
    },
];

/// What the samples write `ids.<name>` for, and where the spec keeps the example shown instead.
const IDS: [(&str, &str); 7] = [
    ("lead", "/components/parameters/LeadId/example"),
    ("call", "/components/parameters/CallId/example"),
    ("session", "/components/parameters/SessionId/example"),
    ("webhook", "/components/parameters/WebhookId/example"),
    ("key", "/components/parameters/ApiKeyId/example"),
    (
        "delivery",
        "/paths/~1webhooks~1{id}~1deliveries~1{deliveryId}~1retry/parameters/1/example",
    ),
    (
        "token",
        "/paths/~1auth~1refresh/post/requestBody/content/application~1json/example/refreshToken",
    ),
];

/// The files the portal's additions come from, read once.
pub struct Sources {
    files: BTreeMap<String, String>,
    guides: Vec<(String, String)>,
}

impl Sources {
    /// Reads the sample programs and the guides under `root`.
    pub fn read(root: &Path) -> Result<Sources> {
        let mut files = BTreeMap::new();
        for l in &LANGS {
            for f in [l.program, l.setup] {
                let text = std::fs::read_to_string(root.join(f)).with_context(|| f.to_string())?;
                files.insert(f.to_string(), text);
            }
        }
        let mut guides = Vec::new();
        let dir = root.join("docs").join("guides");
        for entry in std::fs::read_dir(&dir).with_context(|| dir.display().to_string())? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "md") {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                guides.push((name, std::fs::read_to_string(&path)?));
            }
        }
        guides.sort();
        Ok(Sources { files, guides })
    }
}

impl Sources {
    /// The same, with a sample for `operation` in every language.
    #[cfg(test)]
    pub fn with_sample_for_tests(mut self, operation: &str) -> Sources {
        for l in &LANGS {
            if let Some(text) = self.files.get_mut(l.program)
                && !text.contains(&format!("sample: {operation}\n"))
            {
                let c = l.comment;
                text.push_str(&format!("{c} sample: {operation}\nx\n{c} end sample\n"));
            }
        }
        self
    }
}

/// What a language's program holds: its regions, and the setup shown before each sample.
type Program<'a> = (&'a Lang, BTreeMap<String, Vec<String>>, String);

/// The regions of a sample file: name → its parts, each dedented, in order.
fn regions(file: &str, text: &str, comment: &str) -> Result<BTreeMap<String, Vec<String>>> {
    let start = format!("{comment} sample: ");
    let end = format!("{comment} end sample");
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut open: Option<(String, Vec<&str>, usize)> = None;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix(&start) {
            if let Some((name, _, at)) = &open {
                bail!("{file}:{}: region {name} (line {at}) is not closed", n + 1);
            }
            open = Some((name.trim().to_string(), Vec::new(), n + 1));
        } else if trimmed == end {
            let (name, lines, _) = open
                .take()
                .ok_or_else(|| anyhow!("{file}:{}: `end sample` without a region", n + 1))?;
            out.entry(name).or_default().push(dedent(&lines));
        } else if let Some((_, lines, _)) = &mut open {
            lines.push(line);
        }
    }
    if let Some((name, _, at)) = open {
        bail!("{file}:{at}: region {name} is not closed");
    }
    Ok(out)
}

fn dedent(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let body: Vec<&str> = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect();
    body.join("\n").trim_matches('\n').to_string()
}

/// `ids.lead` (and Rust's `&ids.lead`) → the spec's example id, quoted.
fn show_ids(code: &str, examples: &BTreeMap<&str, String>, quote: char) -> Result<String> {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("ids.") {
        let (before, after) = rest.split_at(at);
        let name_len = after[4..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(after.len() - 4);
        let name = &after[4..4 + name_len];
        let example = examples
            .get(name)
            .ok_or_else(|| anyhow!("a sample uses ids.{name}, which has no example id"))?;
        out.push_str(before.strip_suffix('&').unwrap_or(before));
        write!(out, "{quote}{example}{quote}")?;
        rest = &after[4 + name_len..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Every operation in the spec: (operationId, method, path, operation).
fn operations(spec: &Value) -> Vec<(String, String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if let Some(id) = op["operationId"].as_str() {
                ops.push((id.to_string(), method.clone(), path.clone(), op.clone()));
            }
        }
    }
    ops
}

/// Adds the samples and the guides to `spec`.
pub fn enrich(spec: &mut Value, sources: &Sources) -> Result<()> {
    let mut examples = BTreeMap::new();
    for (name, pointer) in IDS {
        let example = spec
            .pointer(pointer)
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("the spec has no example id at {pointer}"))?;
        examples.insert(name, example.to_string());
    }
    let ops = operations(spec);
    let mut samples: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut missing = Vec::new();
    let mut per_lang = Vec::new();
    for l in &LANGS {
        let text = |f: &str| sources.files.get(f).map(String::as_str).unwrap_or("");
        let program = regions(l.program, text(l.program), l.comment)?;
        let setup = regions(l.setup, text(l.setup), l.comment)?
            .remove("setup")
            .ok_or_else(|| anyhow!("{} has no `sample: setup` region", l.setup))?
            .join("\n\n");
        for name in program.keys() {
            let guide = name.starts_with("guide.");
            if name != "setup" && !guide && !ops.iter().any(|(id, ..)| id == name) {
                bail!(
                    "{}: region {name} names no operation of the spec",
                    l.program
                );
            }
        }
        per_lang.push((l, program, setup));
    }
    for (id, method, path, op) in &ops {
        // What each operation's page must say: what it does, and the scope it needs.
        let description = op["description"].as_str().unwrap_or_default();
        if description.trim().is_empty() {
            bail!("{id} has no description");
        }
        if op.get("security") != Some(&json!([])) && !description.contains("Needs scope `") {
            bail!("{id}: its description does not name the scope it needs (\"Needs scope `…`\")");
        }
        let list = samples.entry(id.clone()).or_default();
        for (l, program, setup) in &per_lang {
            let Some(parts) = program.get(id) else {
                missing.push(format!("{id}: no {} sample in {}", l.label, l.program));
                continue;
            };
            let code = show_ids(
                &format!("{setup}\n\n{}", parts.join("\n\n")),
                &examples,
                l.quote,
            )?;
            list.push(json!({"lang": l.lang, "label": l.label, "source": code}));
        }
        list.push(
            json!({"lang": "shell", "label": "cURL", "source": curl(spec, method, path, op)?}),
        );
        list.push(json!({"lang": "php", "label": "PHP", "source": php(spec, method, path, op)?}));
    }
    if !missing.is_empty() {
        bail!(
            "operations without a code sample (add a `sample: <operationId>` region):\n  {}",
            missing.join("\n  ")
        );
    }
    let paths = spec["paths"]
        .as_object_mut()
        .ok_or_else(|| anyhow!("the spec has no paths"))?;
    for item in paths.values_mut() {
        for op in item.as_object_mut().into_iter().flatten().map(|(_, op)| op) {
            let Some(id) = op["operationId"].as_str().map(str::to_string) else {
                continue;
            };
            if let (Some(list), Some(op)) = (samples.remove(&id), op.as_object_mut()) {
                op.insert("x-codeSamples".into(), Value::Array(list));
            }
        }
    }
    let guides = guides(sources, &per_lang, &examples)?;
    let description = spec["info"]["description"]
        .as_str()
        .unwrap_or("")
        .trim_end();
    spec["info"]["description"] = Value::String(format!("{description}\n\n{guides}"));
    Ok(())
}

/// The guides, in file order, with each `<!-- samples: <operationId> -->` line replaced by that
/// operation's sample in every SDK language.
fn guides(
    sources: &Sources,
    per_lang: &[Program<'_>],
    examples: &BTreeMap<&str, String>,
) -> Result<String> {
    let mut out = String::new();
    for (name, text) in &sources.guides {
        for line in text.lines() {
            let Some(id) = line
                .trim()
                .strip_prefix("<!-- samples: ")
                .and_then(|r| r.strip_suffix(" -->"))
            else {
                out.push_str(line);
                out.push('\n');
                continue;
            };
            // An operation: its sample in every SDK language, after the client's setup. A
            // `guide.*` region: as written, in the languages that have it.
            let guide = id.starts_with("guide.");
            let mut shown: Vec<(String, &str, String)> = Vec::new();
            for (l, program, setup) in per_lang {
                let Some(parts) = program.get(id) else {
                    if guide {
                        continue;
                    }
                    bail!("docs/guides/{name}: no {} sample {id}", l.label);
                };
                let code = match guide {
                    true => parts.join("\n\n"),
                    false => format!("{setup}\n\n{}", parts.join("\n\n")),
                };
                let code = show_ids(&code, examples, l.quote)?;
                match shown.last_mut() {
                    // The same code for the next language (Node's and the browser's guide
                    // regions are one): one block, both names.
                    Some((labels, _, last)) if *last == code => {
                        write!(labels, " and {}", l.label.to_lowercase())?;
                    }
                    _ => shown.push((l.label.to_string(), l.lang, code)),
                }
            }
            if shown.is_empty() {
                bail!("docs/guides/{name}: no language has the region {id}");
            }
            for (labels, lang, code) in shown {
                writeln!(out, "**{labels}**\n\n```{lang}\n{code}\n```\n")?;
            }
        }
        out.push('\n');
    }
    Ok(out.trim_end().to_string() + "\n")
}

/// Resolves a local `$ref` once.
fn resolve<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => spec.pointer(pointer).unwrap_or(v),
        None => v,
    }
}

/// The pieces of a request every generated sample needs.
struct Call {
    method: String,
    /// `/api/v1/leads/lead_…?limit=20`
    path: String,
    authenticated: bool,
    idempotent_key: bool,
    body: Option<Value>,
}

fn call(spec: &Value, method: &str, path: &str, op: &Value) -> Result<Call> {
    let item = &spec["paths"][path];
    let params: Vec<&Value> = item["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(op["parameters"].as_array().into_iter().flatten())
        .map(|p| resolve(spec, p))
        .collect();
    let mut url = format!("/api/v1{path}");
    let mut query = Vec::new();
    let mut idempotent_key = false;
    for p in params {
        let name = p["name"].as_str().unwrap_or_default();
        let example = match &p["example"] {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        match p["in"].as_str() {
            Some("path") => {
                if example.is_empty() {
                    bail!("{path}: path parameter {name} has no example");
                }
                url = url.replace(&format!("{{{name}}}"), &example);
            }
            Some("query") if name == "limit" || p["required"] == true => {
                query.push(format!("{name}={example}"));
            }
            Some("header") if name.eq_ignore_ascii_case("idempotency-key") => idempotent_key = true,
            _ => {}
        }
    }
    if !query.is_empty() {
        url = format!("{url}?{}", query.join("&"));
    }
    let body = op["requestBody"]["content"]["application/json"]["example"].clone();
    let body = (!body.is_null()).then_some(body);
    if op["requestBody"]["required"] == true && body.is_none() {
        bail!(
            "{} {path}: the request body has no example",
            method.to_uppercase()
        );
    }
    let authenticated = op.get("security") != Some(&json!([]));
    Ok(Call {
        method: method.to_uppercase(),
        path: url,
        authenticated,
        idempotent_key,
        body,
    })
}

/// A cURL command for the operation, with the spec's examples.
fn curl(spec: &Value, method: &str, path: &str, op: &Value) -> Result<String> {
    let c = call(spec, method, path, op)?;
    let mut lines = vec![format!(
        "curl -X {} \"$CALLWAITINGAI_BASE_URL{}\"",
        c.method, c.path
    )];
    if c.authenticated {
        lines.push("-H \"Authorization: Bearer $CALLWAITINGAI_API_KEY\"".into());
    }
    if c.idempotent_key {
        // An example key, as the spec's own examples show them: one per distinct request.
        lines.push("-H \"Idempotency-Key: 5d1c6e0e-6f6e-4b6b-9d8e-1c2f3a4b5c6d\"".into());
    }
    if let Some(body) = &c.body {
        lines.push("-H \"Content-Type: application/json\"".into());
        let json = serde_json::to_string_pretty(body)?.replace('\'', "'\\''");
        lines.push(format!("-d '{json}'"));
    }
    Ok(lines.join(" \\\n  "))
}

/// A PHP value literal for a JSON value.
fn php_value(v: &Value, indent: usize) -> String {
    let pad = "    ".repeat(indent + 1);
    let end = "    ".repeat(indent);
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        Value::Array(a) if a.is_empty() => "[]".into(),
        Value::Array(a) => {
            let items: Vec<String> = a
                .iter()
                .map(|x| format!("{pad}{},", php_value(x, indent + 1)))
                .collect();
            format!("[\n{}\n{end}]", items.join("\n"))
        }
        Value::Object(m) if m.is_empty() => "new stdClass()".into(),
        Value::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, x)| {
                    format!(
                        "{pad}{} => {},",
                        php_value(&Value::String(k.clone()), 0),
                        php_value(x, indent + 1)
                    )
                })
                .collect();
            format!("[\n{}\n{end}]", items.join("\n"))
        }
    }
}

/// The operation in plain PHP (the curl extension), with the spec's examples.
fn php(spec: &Value, method: &str, path: &str, op: &Value) -> Result<String> {
    let c = call(spec, method, path, op)?;
    let mut headers = vec!["'Accept: application/json'".to_string()];
    if c.authenticated {
        headers.push("'Authorization: Bearer ' . getenv('CALLWAITINGAI_API_KEY')".into());
    }
    if c.idempotent_key {
        headers.push("'Idempotency-Key: ' . bin2hex(random_bytes(16))".into());
    }
    let mut options = vec![format!("CURLOPT_CUSTOMREQUEST => '{}'", c.method)];
    if let Some(body) = &c.body {
        headers.push("'Content-Type: application/json'".into());
        options.push(format!(
            "CURLOPT_POSTFIELDS => json_encode({})",
            php_value(body, 1)
        ));
    }
    options.push(format!(
        "CURLOPT_HTTPHEADER => [\n        {},\n    ]",
        headers.join(",\n        ")
    ));
    options.push("CURLOPT_RETURNTRANSFER => true".into());
    Ok(format!(
        "<?php\n$ch = curl_init(getenv('CALLWAITINGAI_BASE_URL') . '{}');\ncurl_setopt_array($ch, [\n    {},\n]);\n$body = json_decode(curl_exec($ch), true);\n$status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);",
        c.path,
        options.join(",\n    ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_cut_dedented_and_checked() {
        let text = "x\n    # sample: a\n    one()\n        two()\n    # end sample\n# sample: a\nthree()\n# end sample\n";
        let r = regions("f.py", text, "#").unwrap();
        assert_eq!(
            r["a"],
            vec!["one()\n    two()".to_string(), "three()".to_string()]
        );
        assert!(regions("f.py", "# sample: a\nx\n", "#").is_err());
        assert!(regions("f.py", "# end sample\n", "#").is_err());
        // A marker inside a line (a docstring naming the syntax) is not a region.
        assert!(
            regions("f.py", "see `# sample: a`\n", "#")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn ids_show_as_the_spec_examples() {
        let examples = BTreeMap::from([("lead", "lead_1".to_string())]);
        assert_eq!(
            show_ids("get(&ids.lead); x(ids.lead)", &examples, '"').unwrap(),
            "get(\"lead_1\"); x(\"lead_1\")"
        );
        assert!(show_ids("ids.nope", &examples, '"').is_err());
    }

    #[test]
    fn php_literals_escape_quotes() {
        let v = json!({"text": "Hi, I'd like \\ a demo", "n": [1, true, null], "o": {}});
        let php = php_value(&v, 0);
        assert!(php.contains(r"'Hi, I\'d like \\ a demo'"), "{php}");
        assert!(php.contains("new stdClass()"), "{php}");
    }
}
