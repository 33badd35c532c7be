//! The TypeScript declarations of both JS packages, generated from the spec into
//! `sdk-js/index.d.ts` (CommonJS) and `sdk-js/index.d.mts` (ES modules), which both packages'
//! builds copy: models, parameters, resources, the client, errors and webhooks. The layout is
//! `xtask/templates/typescript/`; this file decides the types.

use std::path::Path;

use anyhow::{Result, bail};
use openapiv3::{
    AdditionalProperties, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind,
    Type,
};
use serde::Serialize;

use super::errors::{ERROR_CLASSES, ERROR_FIELDS};
use super::spec::{Gen, Op, doc, enum_values, pascal, ref_name};
use super::{Files, render};

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Declaration {
    /// An open string enum: its values, or any string a newer server sends.
    Enum {
        name: String,
        doc: String,
        values: String,
    },
    Interface {
        name: String,
        doc: String,
        props: Vec<Prop>,
    },
}

#[derive(Serialize)]
struct Prop {
    name: String,
    doc: String,
    optional: bool,
    ty: String,
}

#[derive(Serialize)]
struct Query {
    operation: String,
    name: String,
    props: Vec<Prop>,
}

#[derive(Serialize)]
struct Resource {
    name: String,
    interface: String,
    children: Vec<Resource>,
    methods: Vec<Method>,
}

#[derive(Serialize)]
struct Method {
    doc: String,
    name: String,
    args: Vec<String>,
    returns: String,
}

#[derive(Serialize)]
struct ErrorView {
    name: &'static str,
    parent: &'static str,
    doc: &'static str,
    also: Option<&'static str>,
}

#[derive(Serialize)]
struct ErrorField {
    name: &'static str,
    doc: &'static str,
    ty: &'static str,
    optional: bool,
}

/// A JSDoc comment at `indent`, each line ending in a newline; "" for no text.
pub fn doc_comment(text: &str, indent: &str) -> String {
    let lines: Vec<String> = text
        .trim()
        .lines()
        .map(|l| l.replace("*/", "* /"))
        .collect();
    match lines.as_slice() {
        [] => String::new(),
        [one] => format!("{indent}/** {one} */\n"),
        _ => {
            let body: String = lines.iter().map(|l| format!("{indent} * {l}\n")).collect();
            format!("{indent}/**\n{body}{indent} */\n")
        }
    }
}

/// `sdk-js/index.d.ts` and `sdk-js/index.d.mts`.
pub fn files(g: &Gen<'_>, files: &mut Files) -> Result<()> {
    let ops = g.ops()?;
    let errors: Vec<ErrorView> = ERROR_CLASSES
        .iter()
        .map(|c| ErrorView {
            name: c.name,
            parent: c.parent.unwrap_or("Error"),
            doc: c.doc,
            also: c.also,
        })
        .collect();
    // `message` is Error's own.
    let error_fields: Vec<ErrorField> = ERROR_FIELDS
        .iter()
        .filter(|f| f.javascript != "message")
        .map(|f| ErrorField {
            name: f.javascript,
            doc: f.doc,
            ty: f.typescript_type.trim_end_matches(" | undefined"),
            optional: f.typescript_type.ends_with("| undefined"),
        })
        .collect();
    let paths = g.resource_paths(&ops, heck::ToLowerCamelCase::to_lower_camel_case);
    let resources = paths
        .iter()
        .map(|p| g.ts_resource(&ops, &paths, p))
        .collect::<Result<Vec<_>>>()?;
    let tops: Vec<&Resource> = paths
        .iter()
        .zip(&resources)
        .filter(|(p, _)| p.len() == 1)
        .map(|(_, r)| r)
        .collect();
    let base = Path::new("sdk-js");
    for (cjs, name) in [(true, "index.d.ts"), (false, "index.d.mts")] {
        let text = render(
            "typescript/index.d.ts.j2",
            serde_json::json!({
                "cjs": cjs,
                "errors": errors,
                "error_fields": error_fields,
                "declarations": g.ts_declarations(&ops)?,
                "queries": g.ts_queries(&ops)?,
                "resources": resources,
                "tops": tops,
                "events": g.events()?,
                "provider_results": g.provider_results(),
            }),
        )?;
        files.insert(base.join(name), text);
    }
    Ok(())
}

impl Gen<'_> {
    fn ts_type(&self, s: &Schema) -> String {
        match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => {
                union(st.enumeration.iter().flatten())
            }
            SchemaKind::Type(Type::String(_)) => "string".into(),
            SchemaKind::Type(Type::Boolean(_)) => "boolean".into(),
            SchemaKind::Type(Type::Integer(_) | Type::Number(_)) => "number".into(),
            SchemaKind::Type(Type::Array(arr)) => {
                let item = match &arr.items {
                    Some(ReferenceOr::Reference { reference }) => ref_name(reference).to_string(),
                    Some(ReferenceOr::Item(i)) => self.ts_type(i),
                    None => "unknown".into(),
                };
                if item.contains(' ') {
                    format!("Array<{item}>")
                } else {
                    format!("{item}[]")
                }
            }
            SchemaKind::Type(Type::Object(obj)) => match &obj.additional_properties {
                Some(AdditionalProperties::Schema(inner)) => {
                    let item = match inner.as_ref() {
                        ReferenceOr::Reference { reference } => ref_name(reference).to_string(),
                        ReferenceOr::Item(i) => self.ts_type(i),
                    };
                    format!("Record<string, {item}>")
                }
                _ => "Record<string, unknown>".into(),
            },
            SchemaKind::Any(any) if any.all_of.len() == 1 => match &any.all_of[0] {
                ReferenceOr::Reference { reference } => ref_name(reference).to_string(),
                ReferenceOr::Item(i) => self.ts_type(i),
            },
            _ => "unknown".into(),
        }
    }

    /// An input's type: a string enum as its strict union of values, anything else by name.
    fn ts_input_ref(&self, reference: &str) -> String {
        match self.schema(ref_name(reference)).and_then(enum_values) {
            Some(values) => union(values.iter()),
            None => ref_name(reference).to_string(),
        }
    }

    /// The models: open enums and interfaces.
    fn ts_declarations(&self, ops: &[Op<'_>]) -> Result<Vec<Declaration>> {
        let inputs: Vec<&str> = ops.iter().filter_map(|o| o.request.as_deref()).collect();
        let mut out = Vec::new();
        for (name, schema) in &self.schemas {
            match &schema.schema_kind {
                SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => {
                    out.push(Declaration::Enum {
                        name: name.to_string(),
                        doc: doc(schema).to_string(),
                        values: union(st.enumeration.iter().flatten()),
                    });
                }
                SchemaKind::Type(Type::Object(obj)) => {
                    // A request body types its enums strictly (a typo is a type error); what the
                    // API answers stays open to values a newer server adds.
                    let input = inputs.contains(name);
                    let props = obj
                        .properties
                        .iter()
                        .map(|(prop, p)| {
                            let (ty, nullable, d) = match p {
                                ReferenceOr::Reference { reference } if input => {
                                    (self.ts_input_ref(reference), false, String::new())
                                }
                                ReferenceOr::Reference { reference } => {
                                    (ref_name(reference).to_string(), false, String::new())
                                }
                                ReferenceOr::Item(ps) => (
                                    self.ts_type(ps),
                                    ps.schema_data.nullable,
                                    doc(ps).to_string(),
                                ),
                            };
                            Prop {
                                // JS names are camelCase (the API's wire names already are;
                                // the providers' snake_case and PascalCase are renamed).
                                name: heck::ToLowerCamelCase::to_lower_camel_case(prop.as_str()),
                                doc: d,
                                optional: !obj.required.iter().any(|r| r == prop),
                                ty: if nullable { format!("{ty} | null") } else { ty },
                            }
                        })
                        .collect();
                    out.push(Declaration::Interface {
                        name: name.to_string(),
                        doc: doc(schema).to_string(),
                        props,
                    });
                }
                _ => bail!("{name}: unsupported schema for TypeScript"),
            }
        }
        Ok(out)
    }

    /// One interface of query parameters per operation that takes any.
    fn ts_queries(&self, ops: &[Op<'_>]) -> Result<Vec<Query>> {
        let mut out = Vec::new();
        for op in ops {
            let props: Vec<Prop> = op
                .params
                .iter()
                .filter(|p| matches!(p, Parameter::Query { .. }))
                .map(|p| {
                    let data = p.parameter_data_ref();
                    let ty = match &data.format {
                        ParameterSchemaOrContent::Schema(ReferenceOr::Item(x)) => self.ts_type(x),
                        ParameterSchemaOrContent::Schema(ReferenceOr::Reference { reference }) => {
                            self.ts_input_ref(reference)
                        }
                        ParameterSchemaOrContent::Content(_) => "unknown".into(),
                    };
                    Prop {
                        name: data.name.clone(),
                        doc: data.description.clone().unwrap_or_default(),
                        optional: true,
                        ty,
                    }
                })
                .collect();
            if !props.is_empty() {
                out.push(Query {
                    operation: op.id.clone(),
                    name: format!("{}Params", pascal(&op.id)),
                    props,
                });
            }
        }
        Ok(out)
    }

    fn ts_resource(
        &self,
        ops: &[Op<'_>],
        paths: &[Vec<String>],
        path: &[String],
    ) -> Result<Resource> {
        let camel = |p: &str| heck::ToLowerCamelCase::to_lower_camel_case(p);
        let interface = |path: &[String]| {
            format!(
                "{}Resource",
                path.iter().map(|p| pascal(p)).collect::<String>()
            )
        };
        let children = paths
            .iter()
            .filter(|c| c.len() == path.len() + 1 && c.starts_with(path))
            .map(|c| Resource {
                name: c[c.len() - 1].clone(),
                interface: interface(c),
                children: Vec::new(),
                methods: Vec::new(),
            })
            .collect();
        let mut methods = Vec::new();
        for op in ops {
            let parts: Vec<String> = op.id.split('.').map(camel).collect();
            if parts[..parts.len() - 1] != path[..] {
                continue;
            }
            let mut args: Vec<String> = op
                .params
                .iter()
                .filter_map(|p| match p {
                    Parameter::Path { parameter_data, .. } => {
                        Some(format!("{}: string", parameter_data.name))
                    }
                    _ => None,
                })
                .collect();
            let has_query = op
                .params
                .iter()
                .any(|p| matches!(p, Parameter::Query { .. }));
            if let Some(req) = &op.request {
                let required = self.schema(req).is_some_and(|sc| matches!(&sc.schema_kind, SchemaKind::Type(Type::Object(o)) if !o.required.is_empty()));
                args.push(format!("params{}: {req}", if required { "" } else { "?" }));
            } else if has_query {
                args.push(format!("params?: {}Params", pascal(&op.id)));
            }
            args.push("options?: RequestOptions".into());
            let returns = match (op.list_of.as_deref(), op.response.as_deref()) {
                (Some(item), _) => format!("PagePromise<{item}>"),
                (None, Some(r)) => format!("APIPromise<{r}>"),
                (None, None) => "APIPromise<void>".into(),
            };
            methods.push(Method {
                doc: op
                    .summary
                    .as_ref()
                    .map(|s| format!("{s} (`{} {}`).", op.method, op.path))
                    .unwrap_or_default(),
                name: parts[parts.len() - 1].clone(),
                args,
                returns,
            });
        }
        Ok(Resource {
            name: path[path.len() - 1].clone(),
            interface: interface(path),
            children,
            methods,
        })
    }
}

/// `'a' | 'b'`.
fn union<'v>(values: impl Iterator<Item = &'v String>) -> String {
    values
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(" | ")
}
