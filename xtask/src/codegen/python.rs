//! The Python SDK's models and resources, generated from the spec into
//! `sdk-python/python/callwaitingai/_generated.py`. The layout is
//! `xtask/templates/python/_generated.py.j2`; this file decides the annotations.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use openapiv3::{
    Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde::Serialize;

use super::render;
use super::spec::{Gen, Op, boxed, doc, flag, pascal, ref_name, secret, snake};

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
}

#[derive(Serialize)]
struct Model {
    name: String,
    doc: String,
    fields: Vec<ModelField>,
    /// `attribute -> snake_case wire name` where they differ (a keyword's trailing `_`).
    aliases: Vec<(String, String)>,
    /// The snake_case names of the secret fields (their `repr` is redacted).
    secrets: Vec<String>,
}

#[derive(Serialize)]
struct ModelField {
    attr: String,
    annotation: String,
    /// `(attr, how _models.py converts it from the wire)`: `None`, `"datetime"`,
    /// `"model:Lead"`, `("list", "model:Lead")`.
    pair: (String, String),
}

/// A `…Param` TypedDict: a nested object of a request body.
#[derive(Serialize)]
struct Param {
    name: String,
    doc: String,
    required: Vec<ParamKey>,
    optional: Vec<ParamKey>,
}

#[derive(Serialize)]
struct ParamKey {
    name: String,
    annotation: String,
    doc: String,
}

#[derive(Serialize)]
struct Resource {
    /// `ChatSessions`: the class is `{Async}ChatSessionsResource{WithRawResponse}`.
    pascal: String,
    /// The attribute on its parent (`sessions`).
    attr: String,
    /// `chat.sessions`.
    dotted: String,
    children: Vec<Resource>,
    methods: Vec<Method>,
}

#[derive(Serialize)]
struct Method {
    id: String,
    name: String,
    summary: String,
    /// Every parameter after `self`, as written in the signature.
    params: Vec<String>,
    /// `(name, what the docstring says)`.
    docs: Vec<(String, String)>,
    /// The path parameters, in order.
    ids: Vec<String>,
    /// `wire name -> argument` of the query parameters, `None` when it takes none.
    query: Option<Vec<(String, String)>>,
    /// `wire name -> argument` of the body's fields, `None` when it takes no body.
    body: Option<Vec<(String, String)>>,
    /// The item class of a list.
    list_of: Option<String>,
    /// The class it returns (`None` for no body).
    returns: String,
    /// Whether it takes an `idempotency_key` (POST).
    idempotent: bool,
}

impl Gen<'_> {
    /// The Python module: model classes, the `…Param` TypedDicts, then the resources (sync
    /// and async, plain and raw), laid out by `xtask/templates/python/_generated.py.j2`.
    pub(super) fn python(&self) -> Result<String> {
        let mut models = Vec::new();
        for (name, schema) in &self.schemas {
            let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
                continue;
            };
            let mut fields = Vec::new();
            let mut aliases = Vec::new();
            let mut secrets = Vec::new();
            for (prop, p) in &obj.properties {
                let (ty, nullable) = self.py_prop(p);
                let required = obj.required.iter().any(|r| r == prop);
                let attr = ident(&snake(prop));
                if attr != snake(prop) {
                    aliases.push((attr.clone(), snake(prop)));
                }
                if secret(p) {
                    secrets.push(snake(prop));
                }
                fields.push(ModelField {
                    annotation: if required && !nullable {
                        ty.annotation
                    } else {
                        format!("Optional[{}]", ty.annotation)
                    },
                    pair: (attr.clone(), ty.convert),
                    attr,
                });
            }
            models.push(Model {
                name: name.to_string(),
                doc: docstring(doc(schema)),
                fields,
                aliases,
                secrets,
            });
        }
        let ops = self.ops()?;
        let paths = self.resource_paths(&ops, snake);
        let resource = |path: &Vec<String>| -> Result<Resource> {
            let mut methods = Vec::new();
            for op in &ops {
                let parts: Vec<String> = op.id.split('.').map(snake).collect();
                if parts[..parts.len() - 1] == path[..] {
                    methods.push(self.py_method(op)?);
                }
            }
            Ok(Resource {
                pascal: path.iter().map(|p| pascal(p)).collect(),
                attr: path[path.len() - 1].clone(),
                dotted: path.join("."),
                children: paths
                    .iter()
                    .filter(|c| c.len() == path.len() + 1 && c.starts_with(path))
                    .map(|c| Resource {
                        pascal: c.iter().map(|p| pascal(p)).collect(),
                        attr: c[c.len() - 1].clone(),
                        dotted: c.join("."),
                        children: Vec::new(),
                        methods: Vec::new(),
                    })
                    .collect(),
                methods,
            })
        };
        // Children first, so parents can name them.
        let mut ordered = paths.clone();
        ordered.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let resources = ordered.iter().map(resource).collect::<Result<Vec<_>>>()?;
        let tops = paths
            .iter()
            .filter(|p| p.len() == 1)
            .map(resource)
            .collect::<Result<Vec<_>>>()?;
        render(
            "python/_generated.py.j2",
            serde_json::json!({
                "models": models,
                "params": self.py_params(&ops)?,
                "resources": resources,
                "tops": tops,
            }),
        )
    }

    /// The `…Param` TypedDicts of the objects nested in request bodies (snake_case keys, as
    /// every Python input; the core renames them), required keys in a base class.
    fn py_params(&self, ops: &[Op<'_>]) -> Result<Vec<Param>> {
        let mut names: Vec<String> = Vec::new();
        let mut todo: Vec<String> = ops.iter().filter_map(|o| o.request.clone()).collect();
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
        let mut out = Vec::new();
        for name in names {
            let Some(schema) = self.schema(&name) else {
                continue;
            };
            let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
                continue;
            };
            let (mut required, mut optional) = (Vec::new(), Vec::new());
            for (prop, p) in &obj.properties {
                let (_, nullable) = self.py_prop(p);
                let mut annotation = self.py_input(p);
                if nullable {
                    annotation = format!("Optional[{annotation}]");
                }
                let key = ParamKey {
                    name: snake(prop),
                    annotation,
                    doc: self.py_param_doc(p, None),
                };
                if obj.required.iter().any(|r| r == prop) {
                    required.push(key);
                } else {
                    optional.push(key);
                }
            }
            out.push(Param {
                doc: docstring(doc(schema)).trim_end_matches('.').to_string(),
                name,
                required,
                optional,
            });
        }
        Ok(out)
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

    fn py_method(&self, op: &Op<'_>) -> Result<Method> {
        let verb = op.id.rsplit('.').next().unwrap_or(&op.id);
        let mut params = Vec::new();
        let mut docs: Vec<(String, String)> = Vec::new();
        let mut ids = Vec::new();
        for p in &op.params {
            if let Parameter::Path { parameter_data, .. } = p {
                let n = snake(&parameter_data.name);
                params.push(format!("{n}: str"));
                docs.push((
                    n.clone(),
                    parameter_data.description.clone().unwrap_or_default(),
                ));
                ids.push(n);
            }
        }
        params.push("*".into());
        // Keys on the wire's names: the core renames nothing at the top level.
        let mut query = Vec::new();
        for p in &op.params {
            if let Parameter::Query { parameter_data, .. } = p {
                let n = ident(&snake(&parameter_data.name));
                let ParameterSchemaOrContent::Schema(schema) = &parameter_data.format else {
                    bail!("{}: parameter {} has no schema", op.id, parameter_data.name)
                };
                let schema = boxed(schema);
                params.push(format!("{n}: Optional[{}] = None", self.py_input(&schema)));
                docs.push((
                    n.clone(),
                    self.py_param_doc(&schema, parameter_data.description.as_deref()),
                ));
                query.push((parameter_data.name.clone(), n));
            }
        }
        let mut body = None;
        if let Some(req) = &op.request {
            let Some(schema) = self.schema(req) else {
                bail!("{}: no schema {req}", op.id)
            };
            let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
                bail!("{req} is not an object")
            };
            let patch = flag(schema, "x-patch");
            let mut fields = Vec::new();
            for (prop, p) in &obj.properties {
                let n = ident(&snake(prop));
                let (_, nullable) = self.py_prop(p);
                let mut ann = self.py_input(p);
                if nullable && patch {
                    ann = format!("Optional[{ann}]");
                }
                if obj.required.iter().any(|r| r == prop) {
                    params.push(format!("{n}: {ann}"));
                } else {
                    params.push(format!("{n}: Union[{ann}, NotGiven] = NOT_GIVEN"));
                }
                docs.push((n.clone(), self.py_param_doc(p, None)));
                fields.push((prop.clone(), n));
            }
            body = Some(fields);
        }
        Ok(Method {
            id: op.id.clone(),
            name: snake(verb),
            summary: op.summary.clone().unwrap_or_default(),
            params,
            docs: docs
                .into_iter()
                .map(|(n, d)| (n, d.trim().to_string()))
                .collect(),
            ids,
            query: (!query.is_empty()).then_some(query),
            body,
            list_of: op.list_of.clone(),
            returns: op.response.clone().unwrap_or_else(|| "None".into()),
            idempotent: op.method == "POST",
        })
    }
}

/// Text for a `"""docstring"""`: backslashes doubled, no closing quotes inside.
fn docstring(text: &str) -> String {
    text.replace('\\', "\\\\").replace("\"\"\"", "'''")
}
