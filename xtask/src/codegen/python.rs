//! The Python SDK's models and resources, generated from the spec into
//! `sdk-python/python/callwaitingai/_generated.py`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use openapiv3::{
    Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::{Gen, Op, doc, flag, ref_name, snake};

pub fn out_path() -> PathBuf {
    Path::new("sdk-python")
        .join("python")
        .join("callwaitingai")
        .join("_generated.py")
}

/// A property as Python sees it: its annotation and how to convert it from the wire.
struct PyType {
    annotation: String,
    /// `None`, `"datetime"`, `"date"`, a model class name, or `["list", Model]`.
    convert: String,
}

/// A Python identifier for a snake_case name (keywords get a trailing `_`).
fn ident(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];
    if KEYWORDS.contains(&name) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// A schema reference as the boxed kind the property walk uses.
fn boxed(r: &ReferenceOr<Schema>) -> ReferenceOr<Box<Schema>> {
    match r {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(i) => ReferenceOr::Item(Box::new(i.clone())),
    }
}

fn plain(annotation: &str) -> PyType {
    PyType {
        annotation: annotation.to_string(),
        convert: "None".into(),
    }
}

impl Gen<'_> {
    fn py_ref(&self, reference: &str) -> PyType {
        let name = ref_name(reference);
        match self.schema(name).map(|s| &s.schema_kind) {
            Some(SchemaKind::Type(Type::Object(_))) => PyType {
                annotation: format!("\"{name}\""),
                convert: format!("\"model:{name}\""),
            },
            _ => plain("str"),
        }
    }

    fn py_type(&self, s: &Schema) -> PyType {
        match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => match &st.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => PyType {
                    annotation: "datetime.datetime".into(),
                    convert: "\"datetime\"".into(),
                },
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => PyType {
                    annotation: "datetime.date".into(),
                    convert: "\"date\"".into(),
                },
                _ => plain("str"),
            },
            SchemaKind::Type(Type::Boolean(_)) => plain("bool"),
            SchemaKind::Type(Type::Integer(_)) => plain("int"),
            SchemaKind::Type(Type::Number(_)) => plain("float"),
            SchemaKind::Type(Type::Array(arr)) => {
                let item = match &arr.items {
                    Some(ReferenceOr::Reference { reference }) => self.py_ref(reference),
                    Some(ReferenceOr::Item(i)) => self.py_type(i),
                    None => plain("Any"),
                };
                let convert = if item.convert == "None" {
                    "None".to_string()
                } else {
                    format!("(\"list\", {})", item.convert)
                };
                PyType {
                    annotation: format!("List[{}]", item.annotation),
                    convert,
                }
            }
            SchemaKind::Type(Type::Object(obj)) => match &obj.additional_properties {
                Some(openapiv3::AdditionalProperties::Schema(inner)) => {
                    let item = match inner.as_ref() {
                        ReferenceOr::Reference { reference } => self.py_ref(reference),
                        ReferenceOr::Item(i) => self.py_type(i),
                    };
                    plain(&format!("Dict[str, {}]", item.annotation))
                }
                _ => plain("Dict[str, Any]"),
            },
            SchemaKind::Any(any) if any.all_of.len() == 1 => match &any.all_of[0] {
                ReferenceOr::Reference { reference } => self.py_ref(reference),
                ReferenceOr::Item(i) => self.py_type(i),
            },
            _ => plain("Any"),
        }
    }

    fn py_prop(&self, p: &ReferenceOr<Box<Schema>>) -> (PyType, bool) {
        match p {
            ReferenceOr::Reference { reference } => (self.py_ref(reference), false),
            ReferenceOr::Item(s) => (self.py_type(s), s.schema_data.nullable),
        }
    }

    /// The Python module: model classes, then sync and async resources.
    pub(super) fn python(&self) -> Result<String> {
        let mut s = String::from(
            "# @generated by `cargo xtask codegen` from openapi.yaml. Do not edit by hand.\n\
             \"\"\"Models and resources of the CallWaitingAI API.\"\"\"\n\n\
             from __future__ import annotations\n\n\
             import datetime\n\
             from typing import Any, Dict, List, Literal, Mapping, Optional, TypedDict, Union\n\n\
             from ._models import BaseModel\n\
             from ._resource import (\n    NOT_GIVEN,\n    AsyncPage,\n    AsyncPageRequest,\n    AsyncResource,\n    RawResponse,\n    NotGiven,\n    SyncPage,\n    SyncResource,\n    body,\n    options,\n)\n\n",
        );
        let mut model_names = Vec::new();
        for (name, schema) in &self.schemas {
            let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
                continue;
            };
            model_names.push(name.to_string());
            let _ = writeln!(s, "\n\nclass {name}(BaseModel):");
            let d = doc(schema).replace('\\', "\\\\").replace("\"\"\"", "'''");
            let _ = writeln!(
                s,
                "    \"\"\"{}\"\"\"\n",
                d.lines().collect::<Vec<_>>().join("\n    ")
            );
            let fields: Vec<String> = obj.properties.keys().map(|k| ident(&snake(k))).collect();
            let slots = fields
                .iter()
                .map(|f| format!("\"{f}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let trailing = if fields.len() == 1 { "," } else { "" };
            let _ = writeln!(s, "    __slots__ = ({slots}{trailing})\n");
            let mut specs = Vec::new();
            let mut secrets = Vec::new();
            let mut aliases = Vec::new();
            for (prop, p) in &obj.properties {
                let (ty, nullable) = self.py_prop(p);
                let required = obj.required.iter().any(|r| r == prop);
                let ann = if required && !nullable {
                    ty.annotation.clone()
                } else {
                    format!("Optional[{}]", ty.annotation)
                };
                let attr = ident(&snake(prop));
                let _ = writeln!(s, "    {attr}: {ann}");
                specs.push(format!("\"{attr}\": {}", ty.convert));
                if attr != snake(prop) {
                    aliases.push(format!("\"{attr}\": \"{}\"", snake(prop)));
                }
                if let ReferenceOr::Item(ps) = p
                    && (flag(ps, "x-secret")
                        || matches!(&ps.schema_kind, SchemaKind::Type(Type::String(st))
                            if matches!(st.format, VariantOrUnknownOrEmpty::Item(StringFormat::Password))))
                {
                    secrets.push(format!("\"{}\"", snake(prop)));
                }
            }
            let _ = writeln!(s, "\n    _FIELDS_ = {{{}}}", specs.join(", "));
            if !aliases.is_empty() {
                let _ = writeln!(s, "    _ALIASES_ = {{{}}}", aliases.join(", "));
            }
            if !secrets.is_empty() {
                let _ = writeln!(s, "    _SECRETS_ = frozenset({{{}}})", secrets.join(", "));
            }
        }
        // Model classes referenced by name in _FIELDS_ resolve now that all exist.
        let _ = writeln!(
            s,
            "\n\nfor _model in ({}):\n    _model._resolve_fields_(globals())\n",
            model_names.join(", ")
        );
        s.push_str(&self.py_params()?);
        for asynchronous in [false, true] {
            for raw in [false, true] {
                s.push_str(&self.py_resources(asynchronous, raw)?);
            }
        }
        Ok(s)
    }

    fn py_resources(&self, asynchronous: bool, raw: bool) -> Result<String> {
        let ops = self.ops()?;
        // resource path (e.g. ["chat", "sessions"]) -> ops
        let mut groups: Vec<(Vec<String>, Vec<&Op<'_>>)> = Vec::new();
        for op in &ops {
            let parts: Vec<&str> = op.id.split('.').collect();
            let Some((_, resource)) = parts.split_last() else {
                bail!("bad operationId {}", op.id);
            };
            let path: Vec<String> = resource.iter().map(|p| snake(p)).collect();
            match groups.iter_mut().find(|(p, _)| *p == path) {
                Some((_, v)) => v.push(op),
                None => groups.push((path, vec![op])),
            }
        }
        // Parents of nested resources exist even without their own operations.
        let mut all_paths: Vec<Vec<String>> = Vec::new();
        for (path, _) in &groups {
            for i in 1..=path.len() {
                let prefix = path[..i].to_vec();
                if !all_paths.contains(&prefix) {
                    all_paths.push(prefix);
                }
            }
        }
        let prefix = if asynchronous { "Async" } else { "" };
        let suffix = if raw { "WithRawResponse" } else { "" };
        let base = if asynchronous {
            "AsyncResource"
        } else {
            "SyncResource"
        };
        let class_name = |path: &[String]| {
            format!(
                "{prefix}{}Resource{suffix}",
                path.iter().map(|p| super::pascal(p)).collect::<String>()
            )
        };
        let mut s = String::new();
        // Children first, so parents can name them.
        let mut ordered = all_paths.clone();
        ordered.sort_by_key(|p| std::cmp::Reverse(p.len()));
        for path in &ordered {
            let name = class_name(path);
            let _ = writeln!(s, "\n\nclass {name}({base}):");
            let _ = writeln!(s, "    \"\"\"`{}`.\"\"\"\n", path.join("."));
            let children: Vec<&Vec<String>> = all_paths
                .iter()
                .filter(|c| c.len() == path.len() + 1 && c.starts_with(path))
                .collect();
            if !children.is_empty() {
                let _ = writeln!(
                    s,
                    "    def __init__(self, client: Any) -> None:\n        super().__init__(client)"
                );
                for c in &children {
                    let _ = writeln!(
                        s,
                        "        self.{} = {}(client)",
                        c[c.len() - 1],
                        class_name(c)
                    );
                }
                s.push('\n');
            }
            let ops = groups
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, o)| o.clone())
                .unwrap_or_default();
            for op in ops {
                s.push_str(&self.py_method(op, asynchronous, raw)?);
            }
            if children.is_empty() && groups.iter().all(|(p, _)| p != path) {
                s.push_str("    pass\n");
            }
        }
        // The client's resource attributes, and its `with_raw_response` view.
        let tops: Vec<&Vec<String>> = all_paths.iter().filter(|p| p.len() == 1).collect();
        let kind = if asynchronous { "Async" } else { "Sync" };
        if raw {
            let _ = writeln!(
                s,
                "\n\nclass _{kind}RawResources:\n    \"\"\"`client.with_raw_response`: every method answers a `RawResponse`, whose `.parse()`\n    gives what the plain method returns.\"\"\"\n"
            );
            for t in &tops {
                let _ = writeln!(s, "    {}: {}", t[0], class_name(t));
            }
            let _ = writeln!(s, "\n    def __init__(self, client: Any) -> None:");
            for t in &tops {
                let _ = writeln!(s, "        self.{} = {}(client)", t[0], class_name(t));
            }
        } else {
            let _ = writeln!(
                s,
                "\n\nclass _{kind}Resources:\n    \"\"\"The resources of the {} client.\"\"\"\n",
                if asynchronous { "asyncio" } else { "blocking" }
            );
            for t in &tops {
                let _ = writeln!(s, "    {}: {}", t[0], class_name(t));
            }
            let _ = writeln!(s, "\n    def _attach_resources(self) -> None:");
            for t in &tops {
                let _ = writeln!(s, "        self.{} = {}(self)", t[0], class_name(t));
            }
            let _ = writeln!(
                s,
                "\n    @property\n    def with_raw_response(self) -> \"_{kind}RawResources\":\n        \"\"\"The same methods, answering a `RawResponse`: the status, headers, request id,\n        `idempotent_replayed` and rate limit with the body (`.parse()`).\"\"\"\n        return _{kind}RawResources(self)"
            );
        }
        s.push('\n');
        Ok(s)
    }

    /// The `…Param` TypedDicts of the objects nested in request bodies (snake_case keys, as
    /// every Python input; the core renames them), required keys in a base class.
    fn py_params(&self) -> Result<String> {
        let mut names: Vec<String> = Vec::new();
        let mut todo: Vec<String> = self.ops()?.into_iter().filter_map(|o| o.request).collect();
        let mut bodies = todo.clone();
        while let Some(name) = todo.pop() {
            let Some(SchemaKind::Type(Type::Object(obj))) =
                self.schema(&name).map(|s| &s.schema_kind)
            else {
                continue;
            };
            for p in obj.properties.values() {
                let target = match p {
                    ReferenceOr::Reference { reference } => Some(reference.as_str()),
                    ReferenceOr::Item(s) => match &s.schema_kind {
                        SchemaKind::Type(Type::Array(arr)) => match &arr.items {
                            Some(ReferenceOr::Reference { reference }) => Some(reference.as_str()),
                            _ => None,
                        },
                        _ => None,
                    },
                };
                let Some(target) = target.map(ref_name) else {
                    continue;
                };
                if matches!(
                    self.schema(target).map(|s| &s.schema_kind),
                    Some(SchemaKind::Type(Type::Object(_)))
                ) && !names.iter().any(|n| n == target)
                    && !bodies.iter().any(|n| n == target)
                {
                    names.push(target.to_string());
                    todo.push(target.to_string());
                    bodies.push(target.to_string());
                }
            }
        }
        let mut s = String::new();
        for name in names {
            let Some(schema) = self.schema(&name) else {
                continue;
            };
            let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
                continue;
            };
            let (mut required, mut optional) = (String::new(), String::new());
            for (prop, p) in &obj.properties {
                let (_, nullable) = self.py_prop(p);
                let mut ann = self.py_input(p);
                if nullable {
                    ann = format!("Optional[{ann}]");
                }
                let line = format!("    {}: {ann}\n", snake(prop));
                let doc = self.py_param_doc(p, None);
                let doc = if doc.is_empty() {
                    String::new()
                } else {
                    format!("    \"\"\"{doc}\"\"\"\n")
                };
                if obj.required.iter().any(|r| r == prop) {
                    required.push_str(&line);
                    required.push_str(&doc);
                } else {
                    optional.push_str(&line);
                    optional.push_str(&doc);
                }
            }
            let d = doc(schema).replace('\\', "\\\\").replace("\"\"\"", "'''");
            let _ = write!(
                s,
                "\n\nclass _{name}ParamRequired(TypedDict):\n{}\n\nclass {name}Param(_{name}ParamRequired, total=False):\n    \"\"\"{} (an input: snake_case keys).\"\"\"\n\n{}",
                if required.is_empty() {
                    "    pass\n".to_string()
                } else {
                    required
                },
                d.trim_end_matches('.'),
                if optional.is_empty() {
                    "    pass\n".to_string()
                } else {
                    optional
                },
            );
        }
        Ok(s)
    }

    /// An input's annotation: enums as `Literal` unions (inputs are typed strictly, so a typo
    /// is a type error; outputs stay open), nested objects as their `…Param` TypedDict.
    fn py_input(&self, p: &ReferenceOr<Box<Schema>>) -> String {
        let schema = match p {
            ReferenceOr::Reference { reference } => {
                let name = ref_name(reference);
                match self.schema(name) {
                    Some(s) if matches!(s.schema_kind, SchemaKind::Type(Type::Object(_))) => {
                        return format!("\"{name}Param\"");
                    }
                    Some(s) => s,
                    None => return "Any".into(),
                }
            }
            ReferenceOr::Item(s) => &**s,
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => {
                let values: Vec<String> = st
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| format!("{v:?}"))
                    .collect();
                format!("Literal[{}]", values.join(", "))
            }
            SchemaKind::Type(Type::Array(arr)) => match &arr.items {
                Some(item) => format!("List[{}]", self.py_input(item)),
                None => "List[Any]".into(),
            },
            SchemaKind::Any(any) if any.all_of.len() == 1 => self.py_input(&boxed(&any.all_of[0])),
            _ => {
                let ann = self.py_type(schema).annotation;
                if ann.starts_with("datetime.") {
                    format!("Union[{ann}, str]")
                } else {
                    ann
                }
            }
        }
    }

    /// What a parameter's docstring line says: its description and, for an enum, the values it
    /// takes.
    fn py_param_doc(&self, p: &ReferenceOr<Box<Schema>>, description: Option<&str>) -> String {
        let schema = match p {
            ReferenceOr::Reference { reference } => self.schema(ref_name(reference)),
            ReferenceOr::Item(s) => Some(&**s),
        };
        let mut text = description
            .map(str::to_string)
            .or_else(|| schema.map(|s| doc(s).to_string()))
            .unwrap_or_default()
            .replace('\n', " ");
        if let Some(SchemaKind::Type(Type::String(st))) = schema.map(|s| &s.schema_kind)
            && !st.enumeration.is_empty()
        {
            let values: Vec<String> = st
                .enumeration
                .iter()
                .flatten()
                .map(|v| format!("`{v}`"))
                .collect();
            let lead = text.trim().trim_end_matches('.');
            text = if lead.is_empty() {
                format!("One of {}.", values.join(", "))
            } else {
                format!("{lead}. One of {}.", values.join(", "))
            };
        }
        text.replace('\\', "\\\\").replace("\"\"\"", "'''")
    }

    fn py_method(&self, op: &Op<'_>, asynchronous: bool, raw: bool) -> Result<String> {
        let verb = op.id.rsplit('.').next().unwrap_or(&op.id);
        let method = snake(verb);
        let response = op.response.as_deref();
        let list_of = op.list_of.clone();
        let mut args = vec!["self".to_string()];
        let mut docs: Vec<(String, String)> = Vec::new();
        let mut ids = Vec::new();
        for p in &op.params {
            if let Parameter::Path { parameter_data, .. } = p {
                let n = snake(&parameter_data.name);
                args.push(format!("{n}: str"));
                docs.push((
                    n.clone(),
                    parameter_data.description.clone().unwrap_or_default(),
                ));
                ids.push(n);
            }
        }
        args.push("*".into());
        // Keys on the wire's names: the core renames nothing at the top level.
        let mut query = Vec::new();
        for p in &op.params {
            if let Parameter::Query { parameter_data, .. } = p {
                let n = ident(&snake(&parameter_data.name));
                let ParameterSchemaOrContent::Schema(schema) = &parameter_data.format else {
                    bail!("{}: parameter {} has no schema", op.id, parameter_data.name)
                };
                let schema = boxed(schema);
                args.push(format!("{n}: Optional[{}] = None", self.py_input(&schema)));
                docs.push((
                    n.clone(),
                    self.py_param_doc(&schema, parameter_data.description.as_deref()),
                ));
                query.push((parameter_data.name.clone(), n));
            }
        }
        let mut body_fields = Vec::new();
        if let Some(req) = &op.request {
            let Some(schema) = self.schema(req) else {
                bail!("{}: no schema {req}", op.id)
            };
            let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
                bail!("{req} is not an object")
            };
            let patch = flag(schema, "x-patch");
            for (prop, p) in &obj.properties {
                let n = ident(&snake(prop));
                let (_, nullable) = self.py_prop(p);
                let mut ann = self.py_input(p);
                if nullable && patch {
                    ann = format!("Optional[{ann}]");
                }
                let required = obj.required.iter().any(|r| r == prop);
                if required {
                    args.push(format!("{n}: {ann}"));
                } else {
                    args.push(format!("{n}: Union[{ann}, NotGiven] = NOT_GIVEN"));
                }
                docs.push((n.clone(), self.py_param_doc(p, None)));
                body_fields.push((prop.clone(), n));
            }
        }
        if op.method == "POST" {
            args.push("idempotency_key: Optional[str] = None".into());
        }
        for a in [
            "timeout: Optional[float] = None",
            "deadline: Optional[float] = None",
            "max_retries: Optional[int] = None",
            "extra_headers: Optional[Mapping[str, str]] = None",
            "extra_query: Optional[Mapping[str, object]] = None",
            "extra_body: Optional[Mapping[str, object]] = None",
        ] {
            args.push(a.into());
        }
        let ids_tuple = if ids.is_empty() {
            "()".to_string()
        } else {
            format!("({},)", ids.join(", "))
        };
        let wire_dict = |pairs: &[(String, String)]| {
            format!(
                "{{{}}}",
                pairs
                    .iter()
                    .map(|(k, v)| format!("\"{k}\": {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let query_dict = if query.is_empty() {
            "None".to_string()
        } else {
            wire_dict(&query)
        };
        let body_call = if op.request.is_some() {
            format!("body({})", wire_dict(&body_fields))
        } else {
            "None".to_string()
        };
        let opts = format!(
            "options(timeout, max_retries, extra_headers, {}, deadline, extra_query, extra_body)",
            if op.method == "POST" {
                "idempotency_key"
            } else {
                "None"
            }
        );
        let mut args_doc = String::new();
        if !docs.is_empty() {
            args_doc.push_str("\n\n        Args:\n");
            for (name, text) in &docs {
                let _ = writeln!(args_doc, "            {name}: {}", text.trim());
            }
            args_doc.push_str("        ");
        }
        let summary = op.summary.clone().unwrap_or_default();
        let mut s = String::new();
        let sig = args.join(", ");
        let (def, aw) = if asynchronous {
            ("async def", "await ")
        } else {
            ("def", "")
        };
        let id = &op.id;
        match (&list_of, asynchronous, raw) {
            (Some(item), false, false) => {
                let _ = writeln!(
                    s,
                    "    def {method}({sig}) -> SyncPage[{item}]:\n        \"\"\"{summary}. Iterating the page walks every item.{args_doc}\"\"\"\n        \
                     return self._list(\"{id}\", {ids_tuple}, {query_dict}, {item}, {opts})\n"
                );
            }
            (Some(item), true, false) => {
                let _ = writeln!(
                    s,
                    "    def {method}({sig}) -> AsyncPageRequest[{item}]:\n        \"\"\"{summary}. Await for the first page; `async for` walks every item.{args_doc}\"\"\"\n        \
                     return self._list(\"{id}\", {ids_tuple}, {query_dict}, {item}, {opts})\n"
                );
            }
            (Some(item), a, true) => {
                let page = if a { "AsyncPage" } else { "SyncPage" };
                let _ = writeln!(
                    s,
                    "    {def} {method}({sig}) -> RawResponse[{page}[{item}]]:\n        \"\"\"{summary}: the first page with its response.{args_doc}\"\"\"\n        \
                     return {aw}self._list_raw(\"{id}\", {ids_tuple}, {query_dict}, {item}, {opts})\n"
                );
            }
            (None, _, false) => {
                let ret = response.unwrap_or("None");
                let _ = writeln!(
                    s,
                    "    {def} {method}({sig}) -> {ret}:\n        \"\"\"{summary}.{args_doc}\"\"\"\n        \
                     return {aw}self._call(\"{id}\", {ids_tuple}, {query_dict}, {body_call}, {ret}, {opts})  # type: ignore[no-any-return]\n"
                );
            }
            (None, _, true) => {
                let ret = response.unwrap_or("None");
                let _ = writeln!(
                    s,
                    "    {def} {method}({sig}) -> RawResponse[{ret}]:\n        \"\"\"{summary}, with its response.{args_doc}\"\"\"\n        \
                     return {aw}self._call_raw(\"{id}\", {ids_tuple}, {query_dict}, {body_call}, {ret}, {opts})\n"
                );
            }
        }
        Ok(s)
    }
}
