//! The spec walk shared by every emitter: the schemas under `components/schemas` and the
//! operations with their parameters, bodies, success responses, scopes and list items.
//! Nothing here knows a target language.

use anyhow::{Result, anyhow, bail};
use openapiv3::{
    OpenAPI, Parameter, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

/// One event of the `webhooks` section.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Event {
    /// `lead.created`.
    pub event_type: String,
    /// The body's schema: `LeadCreatedEvent`.
    pub schema: String,
    /// The schema without `Event`: `LeadCreated`.
    pub variant: String,
    /// The model of `data`: `Lead`.
    pub data: String,
    pub doc: String,
}

pub struct Gen<'a> {
    pub api: &'a OpenAPI,
    pub schemas: Vec<(&'a str, &'a Schema)>,
}

impl<'a> Gen<'a> {
    pub fn new(api: &'a OpenAPI) -> Result<Self> {
        let components = api
            .components
            .as_ref()
            .ok_or_else(|| anyhow!("the spec has no components"))?;
        let mut schemas = Vec::new();
        for (name, schema) in &components.schemas {
            match schema {
                // `x-raw-only: true` (the partial objects of `fields`): no typed model; raw
                // calls return them as JSON.
                ReferenceOr::Item(s)
                    if s.schema_data.extensions.get("x-raw-only")
                        == Some(&serde_json::Value::Bool(true)) => {}
                ReferenceOr::Item(s) => schemas.push((name.as_str(), s)),
                ReferenceOr::Reference { .. } => bail!("schema {name} is a bare $ref"),
            }
        }
        Ok(Self { api, schemas })
    }

    /// The events of the `webhooks` section (kept as `x-webhooks` by [`super::parse`]), in the
    /// spec's order: each POSTs one body schema, whose `data` is the event's model.
    pub fn events(&self) -> Result<Vec<Event>> {
        let Some(webhooks) = self.api.extensions.get("x-webhooks") else {
            return Ok(Vec::new());
        };
        let webhooks = webhooks
            .as_object()
            .ok_or_else(|| anyhow!("webhooks is not a map"))?;
        let mut out = Vec::new();
        for (event_type, item) in webhooks {
            let post = &item["post"];
            let schema = post
                .pointer("/requestBody/content/application~1json/schema/$ref")
                .and_then(serde_json::Value::as_str)
                .map(ref_name)
                .ok_or_else(|| anyhow!("webhook {event_type}: no JSON body schema $ref"))?;
            let body = self
                .schema(schema)
                .ok_or_else(|| anyhow!("webhook {event_type}: no schema {schema}"))?;
            let SchemaKind::Type(Type::Object(obj)) = &body.schema_kind else {
                bail!("webhook {event_type}: {schema} is not an object");
            };
            let data = match obj.properties.get("data") {
                Some(ReferenceOr::Reference { reference }) => ref_name(reference).to_string(),
                _ => bail!("webhook {event_type}: {schema}.data is not a $ref"),
            };
            let variant = schema
                .strip_suffix("Event")
                .ok_or_else(|| anyhow!("webhook {event_type}: {schema} does not end in Event"))?;
            out.push(Event {
                event_type: event_type.clone(),
                schema: schema.to_string(),
                variant: variant.to_string(),
                data,
                doc: doc(body).to_string(),
            });
        }
        Ok(out)
    }

    /// The results of `webhook-providers.yaml` (`x-result: true`): what verifying and typing a
    /// provider's webhook returns.
    pub fn provider_results(&self) -> Vec<String> {
        self.schemas
            .iter()
            .filter(|(_, s)| flag(s, "x-result"))
            .map(|(n, _)| n.to_string())
            .collect()
    }

    pub fn schema(&self, name: &str) -> Option<&'a Schema> {
        self.schemas
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
    }

    /// Every resource path (`["chat"]`, `["chat", "sessions"]`: an operationId without its
    /// verb, and every prefix of one), in the spec's order, each part spelt by `name`.
    pub fn resource_paths(
        &self,
        ops: &[Op<'_>],
        name: impl Fn(&str) -> String,
    ) -> Vec<Vec<String>> {
        let mut paths: Vec<Vec<String>> = Vec::new();
        for op in ops {
            let parts: Vec<String> = op.id.split('.').map(&name).collect();
            for i in 1..parts.len() {
                if !paths.contains(&parts[..i].to_vec()) {
                    paths.push(parts[..i].to_vec());
                }
            }
        }
        paths
    }

    pub fn ops(&self) -> Result<Vec<Op<'a>>> {
        let mut out = Vec::new();
        for (path, item) in &self.api.paths.paths {
            let ReferenceOr::Item(item) = item else {
                bail!("path {path} is a $ref");
            };
            for (method, op) in item.iter() {
                let id = op
                    .operation_id
                    .clone()
                    .ok_or_else(|| anyhow!("{method} {path} has no operationId"))?;
                let mut params = Vec::new();
                let mut raw_only = Vec::new();
                for p in item.parameters.iter().chain(op.parameters.iter()) {
                    let p = self.param(p)?;
                    // `x-raw-only: true`: a parameter whose responses the typed models do not
                    // describe (`fields`): left out of every typed surface, kept in the table
                    // so that raw calls accept it.
                    if p.parameter_data_ref()
                        .extensions
                        .get("x-raw-only")
                        .and_then(serde_json::Value::as_bool)
                        == Some(true)
                    {
                        raw_only.push(p.parameter_data_ref().name.as_str());
                    } else {
                        params.push(p);
                    }
                }
                let request = match &op.request_body {
                    Some(ReferenceOr::Item(body)) => match body
                        .content
                        .get("application/json")
                        .and_then(|m| m.schema.as_ref())
                    {
                        Some(ReferenceOr::Reference { reference }) => {
                            Some(ref_name(reference).to_string())
                        }
                        _ => bail!("{id}: the request body must $ref a schema"),
                    },
                    Some(ReferenceOr::Reference { .. }) => bail!("{id}: request body $ref"),
                    None => None,
                };
                let (status, response) = self.success(&id, op)?;
                let list_of = response
                    .as_deref()
                    .and_then(|r| self.schema(r))
                    .and_then(|s| s.schema_data.extensions.get("x-list-of"))
                    .and_then(|v| v.as_str())
                    .map(str::to_string);
                let scope = op
                    .description
                    .as_deref()
                    .and_then(|d| d.split("scope `").nth(1))
                    .and_then(|rest| rest.split('`').next())
                    .map(str::to_string);
                out.push(Op {
                    id,
                    method: method.to_uppercase(),
                    path: path.clone(),
                    params,
                    raw_only,
                    request,
                    response,
                    status,
                    scope,
                    auth: op.security.as_ref().is_none_or(|s| !s.is_empty()),
                    summary: op.summary.clone(),
                    description: op.description.clone(),
                    list_of,
                });
            }
        }
        Ok(out)
    }

    fn param(&self, p: &'a ReferenceOr<Parameter>) -> Result<&'a Parameter> {
        match p {
            ReferenceOr::Item(p) => Ok(p),
            ReferenceOr::Reference { reference } => {
                let name = ref_name(reference);
                match self
                    .api
                    .components
                    .as_ref()
                    .and_then(|c| c.parameters.get(name))
                {
                    Some(ReferenceOr::Item(p)) => Ok(p),
                    _ => bail!("dangling parameter reference {reference}"),
                }
            }
        }
    }

    fn success(&self, id: &str, op: &openapiv3::Operation) -> Result<(u16, Option<String>)> {
        for (code, resp) in &op.responses.responses {
            let openapiv3::StatusCode::Code(code) = code else {
                continue;
            };
            if !(200..300).contains(code) {
                continue;
            }
            let resp = match resp {
                ReferenceOr::Item(r) => r,
                ReferenceOr::Reference { reference } => {
                    match self
                        .api
                        .components
                        .as_ref()
                        .and_then(|c| c.responses.get(ref_name(reference)))
                    {
                        Some(ReferenceOr::Item(r)) => r,
                        _ => bail!("{id}: dangling response reference {reference}"),
                    }
                }
            };
            let schema = match resp
                .content
                .get("application/json")
                .and_then(|m| m.schema.as_ref())
            {
                Some(ReferenceOr::Reference { reference }) => Some(ref_name(reference).to_string()),
                // `anyOf: [$ref Full, $ref Selection]`: the typed response is the first; the
                // others answer raw-only parameters (`fields`).
                Some(ReferenceOr::Item(Schema {
                    schema_kind: SchemaKind::AnyOf { any_of },
                    ..
                })) => match any_of.first() {
                    Some(ReferenceOr::Reference { reference }) => {
                        Some(ref_name(reference).to_string())
                    }
                    _ => bail!("{id}: the response's anyOf must start with a $ref"),
                },
                Some(ReferenceOr::Item(_)) => bail!("{id}: the response must $ref a schema"),
                None => None,
            };
            return Ok((*code, schema));
        }
        bail!("{id}: no 2xx response")
    }
}

pub struct Op<'a> {
    pub id: String,
    pub method: String,
    pub path: String,
    /// The typed parameters.
    pub params: Vec<&'a Parameter>,
    /// Query parameters for raw calls only (`x-raw-only`).
    pub raw_only: Vec<&'a str>,
    pub request: Option<String>,
    pub response: Option<String>,
    pub status: u16,
    pub scope: Option<String>,
    pub auth: bool,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// The item type of a list (`x-list-of` on the response envelope).
    pub list_of: Option<String>,
}

/// An object schema's property is a secret (`x-secret: true` or `format: password`).
pub fn secret(p: &ReferenceOr<Box<Schema>>) -> bool {
    match p {
        ReferenceOr::Item(ps) => {
            flag(ps, "x-secret")
                || matches!(&ps.schema_kind, SchemaKind::Type(Type::String(st))
                    if matches!(st.format, VariantOrUnknownOrEmpty::Item(StringFormat::Password)))
        }
        ReferenceOr::Reference { .. } => false,
    }
}

/// The values of a string enum, if the schema is one.
pub fn enum_values(schema: &Schema) -> Option<Vec<String>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => {
            Some(st.enumeration.iter().flatten().cloned().collect())
        }
        _ => None,
    }
}

/// A schema reference as the boxed kind the property walk uses.
pub fn boxed(r: &ReferenceOr<Schema>) -> ReferenceOr<Box<Schema>> {
    match r {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(i) => ReferenceOr::Item(Box::new(i.clone())),
    }
}

pub fn doc(schema: &Schema) -> &str {
    schema
        .schema_data
        .description
        .as_deref()
        .unwrap_or("")
        .trim_end()
}

pub fn flag(schema: &Schema, name: &str) -> bool {
    schema
        .schema_data
        .extensions
        .get(name)
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false)
}

pub fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// `createdAt` → `created_at`.
pub fn snake(s: &str) -> String {
    heck::ToSnakeCase::to_snake_case(s)
}

/// `in_progress` → `InProgress`, `lead.created` → `LeadCreated`, `read:leads` → `ReadLeads`,
/// `BAD_REQUEST` → `BadRequest`, `chat.sessions.list` → `ChatSessionsList`.
pub fn pascal(s: &str) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(s)
}
