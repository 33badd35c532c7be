//! The error classes of Python and the export lists of the JS entry points, written from the
//! core's error table (`sdk-core/src/bindings/table.rs`, included here as is: the generator
//! does not build the core it generates code for). TypeScript's error declarations are in
//! `typescript.rs`, from the same table.

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;

use super::{Files, render};

#[path = "../../../sdk-core/src/bindings/table.rs"]
#[allow(dead_code)] // the core's file: the generator reads only what it writes out
mod table;

pub use table::{ERROR_CLASSES, ERROR_FIELDS};

/// What both JS packages export besides the error classes, in order.
const JS_EXPORTS: &[&str] = &[
    "CallWaitingAI",
    "Page",
    "PagePromise",
    "APIPromise",
    "Webhook",
    "verifyWebhook",
    "verifyWebhookEvent",
    "signWebhookRequest",
    "metaSubscriptionChallenge",
];

#[derive(Serialize)]
struct PythonClass {
    name: &'static str,
    bases: Vec<&'static str>,
    doc: &'static str,
}

#[derive(Serialize)]
struct PythonField {
    python: &'static str,
    python_type: &'static str,
    python_default: &'static str,
    doc: &'static str,
}

/// `callwaitingai/_errors.py` (one class per row, attributes from the field table),
/// `callwaitingai/__init__.py` (the classes imported and in `__all__`: mypy and stubtest read
/// `__all__` only as a literal list), and both JS packages' ES module entries.
pub fn files(files: &mut Files) -> Result<()> {
    let classes: Vec<PythonClass> = ERROR_CLASSES
        .iter()
        .map(|c| PythonClass {
            name: c.name,
            bases: std::iter::once(c.parent.unwrap_or("Exception"))
                .chain(c.also)
                .collect(),
            doc: c.doc,
        })
        .collect();
    let fields: Vec<PythonField> = ERROR_FIELDS
        .iter()
        .map(|f| PythonField {
            python: f.python,
            python_type: f.python_type,
            python_default: match f.python {
                "message" => "message",
                _ if f.python_type.starts_with("dict") => "{}",
                _ if f.python_type == "str" => "\"\"",
                _ => "None",
            },
            doc: f.doc,
        })
        .collect();
    let context = serde_json::json!({
        "classes": classes,
        "fields": fields,
        "version": super::workspace_version()?,
    });
    let python: PathBuf = ["sdk-python", "python", "callwaitingai"].iter().collect();
    files.insert(
        python.join("_errors.py"),
        render("python/_errors.py.j2", &context)?,
    );
    files.insert(
        python.join("__init__.py"),
        render("python/__init__.py.j2", &context)?,
    );
    let mut names = vec![JS_EXPORTS[0]];
    names.extend(ERROR_CLASSES.iter().map(|c| c.name));
    names.extend(&JS_EXPORTS[1..]);
    for (path, prelude) in [
        (
            ["sdk-node", "index.mjs"].iter().collect::<PathBuf>(),
            "js/entry-node.mjs",
        ),
        (
            ["sdk-wasm", "js", "index.js"].iter().collect(),
            "js/entry-web.js",
        ),
    ] {
        files.insert(
            path,
            render(
                "js/entry.mjs.j2",
                serde_json::json!({ "prelude": prelude, "names": names }),
            )?,
        );
    }
    Ok(())
}
