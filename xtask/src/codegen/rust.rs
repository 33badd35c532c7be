//! The Rust side of `sdk-core/src/generated/`: the models, the schema table the bindings
//! rename and validate with, the operation table and the module file. The layout is in
//! `xtask/templates/rust/`; this file decides the types and attributes.

use anyhow::{Result, anyhow, bail};
use openapiv3::{
    AdditionalProperties, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde::Serialize;

use super::spec::{Gen, doc, enum_values, flag, pascal, ref_name, secret, snake};
use super::{Files, out_dir, render, rustfmt};

/// What the Rust type of a property is made of.
struct FieldType {
    ty: String,
    /// `Default` can be derived for it.
    defaultable: bool,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Item {
    Enum(EnumView),
    Struct(StructView),
}

#[derive(Serialize)]
struct EnumView {
    name: String,
    doc: String,
    values: Vec<EnumValue>,
}

#[derive(Serialize)]
struct EnumValue {
    wire: String,
    variant: String,
}

#[derive(Serialize)]
struct StructView {
    name: String,
    doc: String,
    derives: Vec<&'static str>,
    fields: Vec<FieldView>,
    /// `Debug` is written by hand, with the secrets redacted.
    redacted_debug: bool,
    /// `…Params`: a constructor from the required fields and a setter per optional one.
    params: Option<ParamsView>,
}

#[derive(Serialize)]
struct FieldView {
    doc: String,
    serde: Vec<String>,
    name: String,
    ty: String,
    secret: bool,
}

#[derive(Serialize)]
struct ParamsView {
    args: Vec<String>,
    inits: Vec<String>,
    setters: Vec<Setter>,
}

#[derive(Serialize)]
struct Setter {
    wire: String,
    name: String,
    field: String,
    arg: String,
    value: String,
    patch: bool,
}

#[derive(Serialize)]
struct QueryStruct {
    name: String,
    operation: String,
    fields: Vec<FieldView>,
}

#[derive(Serialize)]
struct SchemaRow {
    name: String,
    fields: Vec<SchemaField>,
}

#[derive(Serialize)]
struct SchemaField {
    wire: String,
    snake: String,
    camel: String,
    kind: String,
    date_time: bool,
    secret: bool,
    must: bool,
    ty: &'static str,
}

#[derive(Serialize)]
struct OperationRow {
    id: String,
    method: String,
    path: String,
    path_params: Vec<String>,
    query_params: Vec<String>,
    request: Option<String>,
    response: Option<String>,
    list_of: Option<String>,
    status: u16,
    auth: bool,
    scope: Option<String>,
}

/// Every Rust file of `sdk-core/src/generated/`, formatted by `rustfmt`.
pub fn files(g: &Gen<'_>, files: &mut Files) -> Result<()> {
    let dir = out_dir();
    files.insert(dir.join("mod.rs"), rustfmt(&render("rust/mod.rs.j2", ())?)?);
    files.insert(dir.join("models.rs"), rustfmt(&g.models()?)?);
    files.insert(dir.join("operations.rs"), rustfmt(&g.operations()?)?);
    files.insert(dir.join("schemas.rs"), rustfmt(&g.schema_table()?)?);
    files.insert(dir.join("resources.rs"), rustfmt(&g.rust_resources()?)?);
    files.insert(
        dir.join("events.rs"),
        rustfmt(&render(
            "rust/events.rs.j2",
            serde_json::json!({ "events": g.events()? }),
        )?)?,
    );
    Ok(())
}

impl Gen<'_> {
    fn models(&self) -> Result<String> {
        let mut items = Vec::new();
        for (name, schema) in &self.schemas {
            if let Some(values) = enum_values(schema) {
                items.push(Item::Enum(EnumView {
                    name: name.to_string(),
                    doc: doc(schema).to_string(),
                    values: values
                        .iter()
                        .map(|v| EnumValue {
                            wire: v.clone(),
                            variant: pascal(v),
                        })
                        .collect(),
                }));
            } else if let SchemaKind::Type(Type::Object(_)) = &schema.schema_kind {
                items.push(Item::Struct(self.object(name, schema)?));
            } else {
                bail!("schema {name}: only objects and string enums are supported");
            }
        }
        render(
            "rust/models.rs.j2",
            serde_json::json!({ "items": items, "queries": self.query_structs()? }),
        )
    }

    fn object(&self, name: &str, schema: &Schema) -> Result<StructView> {
        let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
            bail!("{name} is not an object");
        };
        let patch = flag(schema, "x-patch");
        let is_params = name.ends_with("Params");
        let mut fields = Vec::new();
        let mut defaultable = true;
        let mut params = ParamsView {
            args: Vec::new(),
            inits: Vec::new(),
            setters: Vec::new(),
        };
        for (prop, pschema) in &obj.properties {
            let required = obj.required.iter().any(|r| r == prop);
            let (inner, nullable, pdoc) = match pschema {
                ReferenceOr::Reference { reference } => {
                    (self.field_type_ref(reference)?, false, String::new())
                }
                ReferenceOr::Item(ps) => (
                    self.field_type(&format!("{name}.{prop}"), ps)?,
                    ps.schema_data.nullable,
                    doc(ps).to_string(),
                ),
            };
            let field = rust_field(prop);
            let mut attrs = Vec::new();
            // Wire names that `rename_all = "camelCase"` would not give back (the providers'
            // snake_case and PascalCase ones, keywords) are named exactly.
            if field.trim_start_matches("r#") != snake(prop)
                || field.ends_with('_')
                || heck::ToLowerCamelCase::to_lower_camel_case(snake(prop).as_str()) != *prop
            {
                attrs.push(format!("rename = \"{prop}\""));
            }
            let ty;
            if required {
                if nullable {
                    ty = format!("Option<{}>", inner.ty);
                } else {
                    ty = inner.ty.clone();
                    defaultable &= inner.defaultable;
                }
            } else if patch && nullable {
                ty = format!("Patch<{}>", inner.ty);
                attrs.push("default".into());
                attrs.push("skip_serializing_if = \"Patch::is_absent\"".into());
            } else {
                ty = format!("Option<{}>", inner.ty);
                attrs.push("default".into());
                attrs.push("skip_serializing_if = \"Option::is_none\"".into());
                if is_params && !nullable {
                    // Absent is `None`; `null` is refused, since the spec does not allow it.
                    attrs.push("deserialize_with = \"crate::patch::not_null\"".into());
                }
            }
            if is_params {
                let bare = field.trim_start_matches("r#").to_string();
                if required {
                    let (arg_ty, conv) = if inner.ty == "String" && !nullable {
                        ("impl Into<String>".to_string(), ".into()")
                    } else {
                        (ty.clone(), "")
                    };
                    params.args.push(format!("{bare}: {arg_ty}"));
                    params.inits.push(if conv.is_empty() && field == bare {
                        field.clone()
                    } else {
                        format!("{field}: {bare}{conv}")
                    });
                } else {
                    params.inits.push(format!("{field}: Default::default()"));
                    let (arg, value) = if inner.ty == "String" {
                        ("impl Into<String>".to_string(), "value.into()")
                    } else {
                        (inner.ty.clone(), "value")
                    };
                    params.setters.push(Setter {
                        wire: prop.clone(),
                        name: bare,
                        field: field.clone(),
                        arg,
                        value: value.into(),
                        patch: ty.starts_with("Patch<"),
                    });
                }
            }
            fields.push(FieldView {
                doc: if pdoc.is_empty() {
                    self.ref_doc(pschema)
                } else {
                    pdoc
                },
                serde: attrs,
                name: field,
                ty,
                secret: secret(pschema),
            });
        }
        let redacted_debug = fields.iter().any(|f| f.secret);
        let mut derives = vec!["Clone", "PartialEq", "Serialize", "Deserialize"];
        if !redacted_debug {
            derives.insert(0, "Debug");
        }
        if defaultable {
            derives.push("Default");
        }
        Ok(StructView {
            name: name.to_string(),
            doc: doc(schema).to_string(),
            derives,
            fields,
            redacted_debug,
            params: is_params.then_some(params),
        })
    }

    /// The first line of a referenced schema's description.
    fn ref_doc(&self, r: &ReferenceOr<Box<Schema>>) -> String {
        match r {
            ReferenceOr::Reference { reference } => self
                .schema(ref_name(reference))
                .map(|s| doc(s).lines().next().unwrap_or_default().to_string())
                .unwrap_or_default(),
            ReferenceOr::Item(_) => String::new(),
        }
    }

    fn field_type_ref(&self, reference: &str) -> Result<FieldType> {
        let name = ref_name(reference);
        let target = self
            .schema(name)
            .ok_or_else(|| anyhow!("dangling reference {reference}"))?;
        // Enums and structs with required fields have no sensible default.
        let defaultable = match &target.schema_kind {
            SchemaKind::Type(Type::Object(o)) => o.required.is_empty(),
            _ => false,
        };
        Ok(FieldType {
            ty: name.to_string(),
            defaultable,
        })
    }

    fn field_type(&self, at: &str, schema: &Schema) -> Result<FieldType> {
        let plain = |ty: &str| FieldType {
            ty: ty.to_string(),
            defaultable: true,
        };
        Ok(match &schema.schema_kind {
            SchemaKind::Type(Type::String(_)) => plain("String"),
            SchemaKind::Type(Type::Boolean(_)) => plain("bool"),
            SchemaKind::Type(Type::Number(_)) => plain("f64"),
            SchemaKind::Type(Type::Integer(it)) => match &it.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => plain("i32"),
                _ => plain("i64"),
            },
            SchemaKind::Type(Type::Array(arr)) => {
                let item = match &arr.items {
                    Some(ReferenceOr::Reference { reference }) => {
                        self.field_type_ref(reference)?.ty
                    }
                    Some(ReferenceOr::Item(s)) => self.field_type(at, s)?.ty,
                    None => "serde_json::Value".into(),
                };
                plain(&format!("Vec<{item}>"))
            }
            SchemaKind::Type(Type::Object(obj)) => {
                if !obj.properties.is_empty() {
                    bail!("{at}: inline objects are not supported; move it to components/schemas");
                }
                match &obj.additional_properties {
                    Some(AdditionalProperties::Schema(s)) => {
                        let item = match s.as_ref() {
                            ReferenceOr::Reference { reference } => {
                                self.field_type_ref(reference)?.ty
                            }
                            ReferenceOr::Item(s) => self.field_type(at, s)?.ty,
                        };
                        plain(&format!("std::collections::BTreeMap<String, {item}>"))
                    }
                    _ => plain("serde_json::Map<String, serde_json::Value>"),
                }
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
                ReferenceOr::Reference { reference } => self.field_type_ref(reference)?,
                ReferenceOr::Item(s) => self.field_type(at, s)?,
            },
            // `type: object` + `nullable` + a single `allOf` (a nullable reference in 3.0).
            SchemaKind::Any(any) if any.all_of.len() == 1 => match &any.all_of[0] {
                ReferenceOr::Reference { reference } => self.field_type_ref(reference)?,
                ReferenceOr::Item(s) => self.field_type(at, s)?,
            },
            _ => bail!("{at}: unsupported schema shape"),
        })
    }

    /// One struct of query parameters per operation that takes any.
    fn query_structs(&self) -> Result<Vec<QueryStruct>> {
        let mut out = Vec::new();
        for op in self.ops()? {
            let mut fields = Vec::new();
            for p in op
                .params
                .iter()
                .filter(|p| matches!(p, Parameter::Query { .. }))
            {
                let data = p.parameter_data_ref();
                let ParameterSchemaOrContent::Schema(schema) = &data.format else {
                    bail!("{}: parameter {} has no schema", op.id, data.name);
                };
                let ty = match schema {
                    ReferenceOr::Reference { reference } => self.field_type_ref(reference)?.ty,
                    ReferenceOr::Item(s) => self.field_type(&op.id, s)?.ty,
                };
                let field = rust_field(&data.name);
                let mut serde = vec![
                    "default".to_string(),
                    "skip_serializing_if = \"Option::is_none\"".to_string(),
                ];
                if field.ends_with('_') {
                    serde.push(format!("rename = \"{}\"", data.name));
                }
                fields.push(FieldView {
                    doc: data.description.clone().unwrap_or_default(),
                    serde,
                    name: field,
                    ty: format!("Option<{ty}>"),
                    secret: false,
                });
            }
            if !fields.is_empty() {
                out.push(QueryStruct {
                    name: format!("{}Params", pascal(&op.id)),
                    operation: op.id.clone(),
                    fields,
                });
            }
        }
        Ok(out)
    }

    /// The JSON type of a property's value (`JsonType` in the schema table).
    fn json_type(&self, r: &ReferenceOr<Box<Schema>>) -> &'static str {
        let schema = match r {
            ReferenceOr::Reference { reference } => self.schema(ref_name(reference)),
            ReferenceOr::Item(s) => Some(&**s),
        };
        match schema.map(|s| &s.schema_kind) {
            Some(SchemaKind::Type(Type::String(_))) => "String",
            Some(SchemaKind::Type(Type::Integer(_))) => "Integer",
            Some(SchemaKind::Type(Type::Number(_))) => "Number",
            Some(SchemaKind::Type(Type::Boolean(_))) => "Boolean",
            Some(SchemaKind::Type(Type::Array(_))) => "Array",
            Some(SchemaKind::Type(Type::Object(_))) => "Object",
            Some(SchemaKind::Any(any)) if any.all_of.len() == 1 => match &any.all_of[0] {
                ReferenceOr::Reference { reference } => self.json_type(&ReferenceOr::Reference {
                    reference: reference.clone(),
                }),
                ReferenceOr::Item(s) => self.json_type(&ReferenceOr::Item(Box::new(s.clone()))),
            },
            _ => "Any",
        }
    }

    /// The shape of a property for name conversion: plain, a nested object, an array of
    /// objects, or a free-form map (whose keys are data, never renamed).
    fn kind_of(&self, r: &ReferenceOr<Box<Schema>>) -> String {
        let object_ref = |reference: &str| {
            let name = ref_name(reference);
            match self.schema(name).map(|s| &s.schema_kind) {
                Some(SchemaKind::Type(Type::Object(_))) => Some(name.to_string()),
                _ => None,
            }
        };
        let plain = || "FieldKind::Plain".to_string();
        match r {
            ReferenceOr::Reference { reference } => {
                object_ref(reference).map_or_else(plain, |n| format!("FieldKind::Object({n:?})"))
            }
            ReferenceOr::Item(s) => match &s.schema_kind {
                SchemaKind::Type(Type::Array(arr)) => match &arr.items {
                    Some(ReferenceOr::Reference { reference }) => object_ref(reference)
                        .map_or_else(plain, |n| format!("FieldKind::Array({n:?})")),
                    _ => plain(),
                },
                SchemaKind::Type(Type::Object(_)) => "FieldKind::Map".into(),
                SchemaKind::Any(any) if any.all_of.len() == 1 => match &any.all_of[0] {
                    ReferenceOr::Reference { reference } => object_ref(reference)
                        .map_or_else(plain, |n| format!("FieldKind::Object({n:?})")),
                    ReferenceOr::Item(_) => plain(),
                },
                _ => plain(),
            },
        }
    }

    fn schema_table(&self) -> Result<String> {
        let mut rows = Vec::new();
        for (name, schema) in &self.schemas {
            let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
                continue;
            };
            let fields = obj
                .properties
                .iter()
                .map(|(prop, p)| {
                    let nullable = match p {
                        ReferenceOr::Item(ps) => ps.schema_data.nullable,
                        ReferenceOr::Reference { .. } => false,
                    };
                    let date_time = matches!(p, ReferenceOr::Item(ps)
                        if matches!(&ps.schema_kind, SchemaKind::Type(Type::String(st))
                            if matches!(st.format, VariantOrUnknownOrEmpty::Item(StringFormat::DateTime))));
                    SchemaField {
                        wire: prop.clone(),
                        snake: snake(prop),
                        camel: heck::ToLowerCamelCase::to_lower_camel_case(prop.as_str()),
                        kind: self.kind_of(p),
                        date_time,
                        secret: secret(p),
                        must: obj.required.iter().any(|r| r == prop) && !nullable,
                        ty: self.json_type(p),
                    }
                })
                .collect();
            rows.push(SchemaRow {
                name: name.to_string(),
                fields,
            });
        }
        render("rust/schemas.rs.j2", serde_json::json!({ "schemas": rows }))
    }

    fn operations(&self) -> Result<String> {
        let rows: Vec<OperationRow> = self
            .ops()?
            .into_iter()
            .map(|op| {
                let names = |want: fn(&Parameter) -> bool| -> Vec<String> {
                    op.params
                        .iter()
                        .filter(|p| want(p))
                        .map(|p| p.parameter_data_ref().name.clone())
                        .collect()
                };
                let mut query_params = names(|p| matches!(p, Parameter::Query { .. }));
                query_params.extend(op.raw_only.iter().map(|n| n.to_string()));
                OperationRow {
                    path_params: names(|p| matches!(p, Parameter::Path { .. })),
                    query_params,
                    id: op.id,
                    method: op.method,
                    path: op.path,
                    request: op.request,
                    response: op.response,
                    list_of: op.list_of,
                    status: op.status,
                    auth: op.auth,
                    scope: op.scope,
                }
            })
            .collect();
        render(
            "rust/operations.rs.j2",
            serde_json::json!({ "operations": rows }),
        )
    }
}

/// A Rust field name for a wire name (keywords get a trailing `_`).
pub fn rust_field(name: &str) -> String {
    let s = snake(name);
    match s.as_str() {
        "type" | "match" | "ref" | "self" | "use" | "mod" | "fn" | "impl" | "move" => {
            format!("{s}_")
        }
        _ => s,
    }
}
