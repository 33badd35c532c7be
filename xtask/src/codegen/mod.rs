//! `cargo xtask codegen`: every surface derived from `openapi.yaml` and from the core's error
//! table, in every language.
//!
//! Three layers:
//! - **The spec walk** (`spec.rs`): the spec parsed with `openapiv3` (over `serde_yaml_ng`) and
//!   walked once ([`Gen`], `Op`: the schemas, and the operations with their parameters, bodies,
//!   responses, scopes and list items). It knows no target language.
//! - **One emitter per language**, which turns the walk into plain data (serde structs) and
//!   decides only what is language-specific (types, names, annotations): Rust models, schema
//!   and operation tables (`rust.rs`), Rust resources (`rust_resources.rs`), Python models and
//!   resources (`python.rs`), TypeScript declarations (`typescript.rs`), error classes and
//!   JS entry points (`errors.rs`, from `sdk-core/src/bindings/table.rs`).
//! - **Templates** (`xtask/templates/<language>/`, minijinja, compiled in): the layout of every
//!   generated file. Change what a file looks like there, not in Rust string literals.
//!
//! Rust output goes through `rustfmt`, so `cargo fmt --check` and the drift check agree; every
//! output says `@generated` and is listed in `.gitattributes`.
//!
//! Conventions read from the spec:
//! - `x-open-enum: true` on a string enum: the Rust enum gets an `Unknown(String)` variant.
//! - `x-patch: true` on an object: optional nullable fields become `Patch<T>` (absent/null/value).
//! - `x-secret: true` (or `format: password`) on a property: `Debug` shows `[redacted]`.
//! - `x-list-of: Name` on a list envelope: recorded in the operation table as the item type.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, anyhow, bail};
use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use openapiv3::OpenAPI;

mod errors;
pub mod portal;
mod python;
mod rust;
mod rust_resources;
mod spec;
mod typescript;

use spec::Gen;

/// The generated files, relative to the workspace root, with their contents.
pub type Files = BTreeMap<PathBuf, String>;

/// Where the generated code lives, relative to the workspace root.
pub fn out_dir() -> PathBuf {
    Path::new("sdk-core").join("src").join("generated")
}

/// The version every package carries: `[workspace.package] version` of the root `Cargo.toml`.
pub fn workspace_version() -> Result<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from(".."), Path::to_path_buf);
    let text = std::fs::read_to_string(root.join("Cargo.toml")).context("reading Cargo.toml")?;
    text.split("[workspace.package]")
        .nth(1)
        .and_then(|s| s.lines().find_map(|l| l.trim().strip_prefix("version = ")))
        .map(|v| v.trim_matches('"').to_string())
        .context("no version in [workspace.package] of Cargo.toml")
}

/// Parses the spec text (OpenAPI 3.1). The walk reads it through `openapiv3`, which knows 3.0,
/// so the text is first put in 3.0 terms ([`downgrade`]); the `webhooks` section is kept as the
/// `x-webhooks` extension.
pub fn parse(spec: &str) -> Result<OpenAPI> {
    let mut doc: serde_json::Value =
        serde_yaml_ng::from_str(spec).context("openapi.yaml is not valid YAML")?;
    downgrade(&mut doc);
    if let Some(map) = doc.as_object_mut() {
        if let Some(webhooks) = map.remove("webhooks") {
            map.insert("x-webhooks".into(), webhooks);
        }
        map.insert("openapi".into(), "3.0.3".into());
    }
    serde_json::from_value(doc).context("openapi.yaml is not a valid OpenAPI document")
}

/// OpenAPI 3.1 schemas in 3.0 terms: `type: [T, 'null']` becomes `type: T` + `nullable: true`,
/// and `oneOf`/`anyOf` of one `$ref` and `{type: 'null'}` becomes a nullable `allOf` of the
/// reference (3.0's spelling of a nullable reference).
pub fn downgrade(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(types)) = m.get("type") {
                let null = Value::from("null");
                if types.contains(&null) {
                    let rest: Vec<Value> = types.iter().filter(|t| **t != null).cloned().collect();
                    if let [one] = rest.as_slice() {
                        m.insert("type".into(), one.clone());
                        m.insert("nullable".into(), Value::Bool(true));
                    }
                }
            }
            for key in ["oneOf", "anyOf"] {
                let Some(Value::Array(alts)) = m.get(key) else {
                    continue;
                };
                let is_null = |a: &Value| a.get("type") == Some(&Value::from("null"));
                if let [a, b] = alts.as_slice() {
                    let reference = match (is_null(a), is_null(b)) {
                        (false, true) => a.clone(),
                        (true, false) => b.clone(),
                        _ => continue,
                    };
                    m.remove(key);
                    m.insert("type".into(), "object".into());
                    m.insert("nullable".into(), Value::Bool(true));
                    m.insert("allOf".into(), Value::Array(vec![reference]));
                }
            }
            m.values_mut().for_each(downgrade);
        }
        Value::Array(a) => a.iter_mut().for_each(downgrade),
        _ => {}
    }
}

/// Generates every file from the spec text.
pub fn generate(spec: &str, providers: &str, portal: &portal::Sources) -> Result<Files> {
    let mut api = parse(spec)?;
    let provider_models = merge_providers(&mut api, providers)?;
    let g = Gen::new(&api)?;
    let mut files = Files::new();
    rust::files(&g, &mut files)?;
    files.insert(python::out_path(), g.python()?);
    files.insert(
        python::out_path().with_file_name("events.py"),
        render(
            "python/events.py.j2",
            serde_json::json!({ "events": g.events()?, "provider_models": provider_models }),
        )?,
    );
    errors::files(&mut files)?;
    typescript::files(&g, &mut files)?;
    spec_copies(spec, portal, &mut files)?;
    Ok(files)
}

/// The spec as the reference server serves it (`GET /openapi.yaml`, `GET /openapi.json`) and the
/// developer portal renders it: with the code samples and the guides (see [`portal`]). Compiled
/// into the server: copies inside its crate, so that the published crate has them.
fn spec_copies(spec: &str, portal: &portal::Sources, files: &mut Files) -> Result<()> {
    let dir = Path::new("reference-server").join("src");
    let mut value: serde_json::Value = serde_yaml_ng::from_str(spec).context("openapi.yaml")?;
    portal::enrich(&mut value, portal)?;
    files.insert(
        dir.join("openapi.yaml"),
        format!(
            "# @generated by `cargo xtask codegen`: openapi.yaml with the developer portal's code\n\
             # samples and guides, served by the reference server. Do not edit by hand.\n{}",
            serde_yaml_ng::to_string(&value)?
        ),
    );
    let body = serde_json::to_string_pretty(&value)?;
    let rest = body
        .strip_prefix('{')
        .ok_or_else(|| anyhow!("the spec is not a mapping"))?;
    files.insert(
        dir.join("openapi.json"),
        format!(
            "{{\n  \"x-generated\": \"@generated by `cargo xtask codegen` from openapi.yaml. Do not edit by hand.\",{rest}\n"
        ),
    );
    Ok(())
}

/// Adds the schemas of `webhook-providers.yaml` (the providers' webhook payloads, typed) to the
/// spec's: every language's models are generated from both, in one walk.
fn merge_providers(api: &mut OpenAPI, providers: &str) -> Result<Vec<String>> {
    let providers = parse(providers).context("webhook-providers.yaml")?;
    let theirs = providers
        .components
        .ok_or_else(|| anyhow!("webhook-providers.yaml has no components"))?
        .schemas;
    let ours = &mut api
        .components
        .as_mut()
        .ok_or_else(|| anyhow!("the spec has no components"))?
        .schemas;
    let mut names = Vec::new();
    for (name, schema) in theirs {
        if ours.insert(name.clone(), schema).is_some() {
            bail!("schema {name} is in both openapi.yaml and webhook-providers.yaml");
        }
        names.push(name);
    }
    Ok(names)
}

/// Writes the files under `root`.
pub fn write(root: &Path, files: &Files) -> Result<()> {
    for (path, text) in files {
        let full = root.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&full, text).with_context(|| format!("writing {}", full.display()))?;
    }
    Ok(())
}

/// Compares the files with what is under `root`; returns the paths that differ (or are missing),
/// each with the first differing line.
pub fn drift(root: &Path, files: &Files) -> Vec<String> {
    let mut out = Vec::new();
    for (path, want) in files {
        let have = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        if &have != want {
            let line = want
                .lines()
                .zip(have.lines().chain(std::iter::repeat("")))
                .position(|(a, b)| a != b)
                .map_or(want.lines().count().min(have.lines().count()), |i| i)
                + 1;
            out.push(format!(
                "{} (first difference at line {line})",
                path.display()
            ));
        }
    }
    // Stale files that the generator no longer produces.
    if let Ok(entries) = std::fs::read_dir(root.join(out_dir())) {
        for entry in entries.flatten() {
            let rel = out_dir().join(entry.file_name());
            if !files.contains_key(&rel) {
                out.push(format!("{} (not produced by the generator)", rel.display()));
            }
        }
    }
    out
}

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

/// Every template, by its path under `xtask/templates/` (compiled in, so the generator works
/// from any folder).
const TEMPLATES: &[(&str, &str)] = templates![
    "rust/mod.rs.j2",
    "rust/models.rs.j2",
    "rust/operations.rs.j2",
    "rust/schemas.rs.j2",
    "rust/resources.rs.j2",
    "rust/events.rs.j2",
    "python/_generated.py.j2",
    "python/events.py.j2",
    "python/_errors.py.j2",
    "python/__init__.py.j2",
    "typescript/index.d.ts.j2",
    "typescript/prelude.d.ts.j2",
    "js/entry.mjs.j2",
    "js/entry-node.mjs",
    "js/entry-web.js",
];

/// The template environment: block tags take their line with them (`trim_blocks`,
/// `lstrip_blocks`), nothing is escaped, an unknown variable is an error, and a few filters
/// for what every language's comments and literals need.
fn environment() -> Result<Environment<'static>> {
    let mut env = Environment::new();
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()?,
    );
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // `{{ text | rustdoc }}`: `/// line` per line, each ending in a newline ("" for no text).
    env.add_filter("rustdoc", |text: &str| -> String {
        text.lines().map(|l| format!("/// {l}\n")).collect()
    });
    // `{{ s | rust_str }}`: a Rust (and JSON, and Python) string literal.
    env.add_filter("rust_str", |text: &str| -> String { format!("{text:?}") });
    // `{{ flag | rust_bool }}`: `true` or `false`.
    env.add_filter("rust_bool", |b: bool| -> String { b.to_string() });
    // `{{ text | tsdoc(indent) }}`: a JSDoc comment, one line or several, "" for no text.
    env.add_filter("tsdoc", |text: &str, indent: Option<&str>| -> String {
        typescript::doc_comment(text, indent.unwrap_or(""))
    });
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    Ok(env)
}

/// Renders the template `name` with `context`.
fn render(name: &str, context: impl serde::Serialize) -> Result<String> {
    let env = environment()?;
    env.get_template(name)?
        .render(minijinja::Value::from(minijinja::value::Serde(&context)))
        .with_context(|| format!("rendering xtask/templates/{name}"))
}

fn rustfmt(src: &str) -> Result<String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running rustfmt (install it with `rustup component add rustfmt`)")?;
    child
        .stdin
        .take()
        .ok_or_else(|| anyhow!("rustfmt has no stdin"))?
        .write_all(src.as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!(
            "rustfmt rejected the generated code:\n{}\n--- source ---\n{src}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8(out.stdout)?)
}

#[cfg(test)]
mod tests {
    use super::rust::rust_field;
    use super::spec::{pascal, snake};
    use super::*;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    fn spec() -> String {
        std::fs::read_to_string(root().join("openapi.yaml")).unwrap()
    }

    fn providers() -> String {
        std::fs::read_to_string(root().join("webhook-providers.yaml")).unwrap()
    }

    #[test]
    fn committed_code_matches_the_spec() {
        let files = generate(
            &spec(),
            &providers(),
            &portal::Sources::read(&root()).unwrap(),
        )
        .unwrap();
        let drift = drift(&root(), &files);
        assert!(
            drift.is_empty(),
            "run `cargo xtask codegen`; stale: {drift:?}"
        );
    }

    #[test]
    fn every_generated_file_is_marked_and_listed_in_gitattributes() {
        let attributes = std::fs::read_to_string(root().join(".gitattributes")).unwrap();
        let listed: Vec<&str> = attributes
            .lines()
            .filter(|l| l.ends_with("linguist-generated=true"))
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        for (path, text) in generate(
            &spec(),
            &providers(),
            &portal::Sources::read(&root()).unwrap(),
        )
        .unwrap()
        {
            let path = path.to_string_lossy().replace('\\', "/");
            let covered = listed.iter().any(|p| match p.strip_suffix("**") {
                Some(dir) => path.starts_with(dir),
                None => *p == path,
            });
            assert!(covered, "{path} is generated but not in .gitattributes");
            let head: String = text.lines().take(3).collect::<Vec<_>>().join("\n");
            assert!(
                head.contains("@generated"),
                "{path} does not say @generated"
            );
        }
    }

    #[test]
    fn drift_check_fails_when_a_property_is_added_but_not_regenerated() {
        let mut doc: serde_json::Value = serde_yaml_ng::from_str(&spec()).unwrap();
        doc["components"]["schemas"]["Lead"]["properties"]["favouriteColour"] =
            serde_json::json!({"type": "string", "description": "A new field."});
        let changed = serde_yaml_ng::to_string(&doc).unwrap();
        let files = generate(
            &changed,
            &providers(),
            &portal::Sources::read(&root()).unwrap(),
        )
        .unwrap();
        let drift = drift(&root(), &files);
        assert!(drift.iter().any(|d| d.contains("models.rs")), "{drift:?}");
        let models = &files[&out_dir().join("models.rs")];
        assert!(models.contains("pub favourite_colour: Option<String>"));
    }

    #[test]
    fn drift_check_fails_when_an_operation_is_added() {
        let mut doc: serde_json::Value = serde_yaml_ng::from_str(&spec()).unwrap();
        doc["paths"]["/leads/{id}/archive"] = serde_json::json!({
            "post": {
                "operationId": "leads.archive",
                "summary": "Archive a lead",
                "description": "Needs scope `write:leads`.",
                "parameters": [{"$ref": "#/components/parameters/LeadId"}],
                "responses": {"204": {"description": "archived"}}
            }
        });
        let changed = serde_yaml_ng::to_string(&doc).unwrap();
        // Without a code sample in every language, codegen refuses it.
        let sources = portal::Sources::read(&root()).unwrap();
        let refused = generate(&changed, &providers(), &sources).unwrap_err();
        let refused = format!("{refused:#}");
        for lang in ["Rust", "Python", "Node", "Browser"] {
            assert!(
                refused.contains(&format!("leads.archive: no {lang} sample")),
                "{refused}"
            );
        }
        let files = generate(
            &changed,
            &providers(),
            &sources.with_sample_for_tests("leads.archive"),
        )
        .unwrap();
        let drift = drift(&root(), &files);
        for changed in [
            "operations.rs",
            "resources.rs",
            "_generated.py",
            "index.d.ts",
        ] {
            assert!(
                drift.iter().any(|d| d.contains(changed)),
                "{changed}: {drift:?}"
            );
        }
        // A typed method in every language, with nothing written by hand.
        let rust = &files[&out_dir().join("resources.rs")];
        assert!(
            rust.contains("pub fn archive(&self, id: &str) -> Request<()>"),
            "{rust}"
        );
        assert!(files[&python::out_path()].contains("def archive(self, id: str"));
        assert!(files[&Path::new("sdk-js").join("index.d.ts")].contains("archive(id: string"));
    }

    #[test]
    fn every_template_file_is_registered() {
        let dir = root().join("xtask").join("templates");
        let mut todo = vec![dir.clone()];
        while let Some(d) = todo.pop() {
            for entry in std::fs::read_dir(&d).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    todo.push(path);
                    continue;
                }
                let name = path
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                assert!(
                    TEMPLATES.iter().any(|(n, _)| *n == name),
                    "xtask/templates/{name} is not in TEMPLATES"
                );
            }
        }
    }

    #[test]
    fn names() {
        assert_eq!(pascal("in_progress"), "InProgress");
        assert_eq!(pascal("lead.created"), "LeadCreated");
        assert_eq!(pascal("read:leads"), "ReadLeads");
        assert_eq!(pascal("BAD_REQUEST"), "BadRequest");
        assert_eq!(pascal("chat.sessions.messages"), "ChatSessionsMessages");
        assert_eq!(pascal("apiKeys.rotate"), "ApiKeysRotate");
        assert_eq!(snake("createdAt"), "created_at");
        assert_eq!(rust_field("type"), "type_");
    }
}
