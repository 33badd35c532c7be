//! The error classes of Python and TypeScript and the export lists of the JS entry points,
//! written from the core's error table (`sdk-core/src/bindings/table.rs`, included here as is:
//! the generator does not build the core it generates code for).

use std::fmt::Write as _;
use std::path::PathBuf;

#[path = "../../../sdk-core/src/bindings/table.rs"]
#[allow(dead_code)] // the core's file: the generator reads only what it writes out
mod table;

pub use table::{ERROR_CLASSES, ERROR_FIELDS};

const PYTHON: &str = include_str!("../../templates/errors.py");
const ENTRY: &str = include_str!("../../templates/entry.mjs");

/// What both JS packages export besides the error classes, in order.
const JS_EXPORTS: &[&str] = &[
    "CallWaitingAI",
    "Page",
    "PagePromise",
    "APIPromise",
    "Webhook",
    "verifyWebhook",
    "metaSubscriptionChallenge",
];

pub fn python_path() -> PathBuf {
    ["sdk-python", "python", "callwaitingai", "_errors.py"]
        .iter()
        .collect()
}

/// `callwaitingai/_errors.py`: one class per row, attributes from the field table.
pub fn python() -> String {
    let names: String = ERROR_CLASSES
        .iter()
        .map(|c| format!("    {:?},\n", c.name))
        .collect();
    let mut classes = String::new();
    for (i, c) in ERROR_CLASSES.iter().enumerate() {
        let mut bases: Vec<&str> = vec![c.parent.unwrap_or("Exception")];
        bases.extend(c.also);
        let _ = writeln!(classes, "class {}({}):", c.name, bases.join(", "));
        let _ = writeln!(classes, "    \"\"\"{}\"\"\"", c.doc);
        if i == 0 {
            classes.push('\n');
            for f in ERROR_FIELDS {
                let _ = writeln!(classes, "    {}: {}", f.python, f.python_type);
                let _ = writeln!(classes, "    \"\"\"{}\"\"\"", f.doc);
            }
            classes.push_str("\n    def __init__(self, message: str = \"\") -> None:\n");
            classes.push_str("        super().__init__(message)\n");
            for f in ERROR_FIELDS {
                let default = match f.python {
                    "message" => "message",
                    _ if f.python_type.starts_with("dict") => "{}",
                    _ if f.python_type == "str" => "\"\"",
                    _ => "None",
                };
                let _ = writeln!(classes, "        self.{} = {default}", f.python);
            }
        }
        classes.push_str("\n\n");
    }
    format!(
        "{}\n",
        super::render(
            PYTHON,
            &[
                ("names", names.trim_end().to_string()),
                ("classes", classes.trim_end().to_string())
            ],
        )
        .trim_end()
    )
}

pub fn python_init_path() -> PathBuf {
    ["sdk-python", "python", "callwaitingai", "__init__.py"]
        .iter()
        .collect()
}

/// `callwaitingai/__init__.py`: the template with the error classes imported and exported
/// (mypy and stubtest read `__all__` only as literal lists).
pub fn python_init() -> String {
    let imports: String = ERROR_CLASSES
        .iter()
        .map(|c| format!("    {},\n", c.name))
        .collect();
    let names: String = ERROR_CLASSES
        .iter()
        .map(|c| format!("    {:?},\n", c.name))
        .collect();
    super::render(
        include_str!("../../templates/__init__.py"),
        &[
            ("error_imports", imports.trim_end().to_string()),
            ("error_names", names.trim_end().to_string()),
        ],
    )
}

/// The TypeScript declarations of the error classes.
pub fn typescript() -> String {
    let mut s = String::new();
    for (i, c) in ERROR_CLASSES.iter().enumerate() {
        let parent = c.parent.unwrap_or("Error");
        let also = c
            .also
            .map(|a| format!(" Also an instance of `{a}`."))
            .unwrap_or_default();
        let _ = writeln!(s, "/** {}{also} */", c.doc);
        if i == 0 {
            let _ = writeln!(s, "export declare class {} extends {parent} {{", c.name);
            for f in ERROR_FIELDS {
                if f.javascript == "message" {
                    continue; // Error's own
                }
                let optional = f.typescript_type.ends_with("| undefined");
                let ty = f.typescript_type.trim_end_matches(" | undefined");
                let _ = writeln!(s, "  /** {} */", f.doc);
                let _ = writeln!(
                    s,
                    "  readonly {}{}: {ty};",
                    f.javascript,
                    if optional { "?" } else { "" }
                );
            }
            s.push_str("}\n");
        } else if c.name == "WebhookVerificationError" {
            let _ = writeln!(
                s,
                "export declare class {} extends {parent} {{\n  readonly kind: WebhookErrorKind;\n}}",
                c.name
            );
        } else {
            let _ = writeln!(s, "export declare class {} extends {parent} {{}}", c.name);
        }
    }
    s
}

/// Every name a JS package exports (besides its default, the client class).
pub fn js_exports() -> Vec<&'static str> {
    let mut names = vec![JS_EXPORTS[0]];
    names.extend(ERROR_CLASSES.iter().map(|c| c.name));
    names.extend(&JS_EXPORTS[1..]);
    names
}

/// The ES module entries of both JS packages, each re-exporting every name of the `sdk` its
/// prelude defines.
pub fn entries() -> Vec<(PathBuf, String)> {
    vec![
        (
            ["sdk-node", "index.mjs"].iter().collect(),
            entry(include_str!("../../templates/entry-node.mjs")),
        ),
        (
            ["sdk-wasm", "js", "index.js"].iter().collect(),
            entry(include_str!("../../templates/entry-web.js")),
        ),
    ]
}

fn entry(prelude: &str) -> String {
    let names: String = js_exports().iter().map(|n| format!("  {n},\n")).collect();
    super::render(
        ENTRY,
        &[
            ("prelude", prelude.trim_end().to_string()),
            ("names", names.trim_end().to_string()),
        ],
    )
}
