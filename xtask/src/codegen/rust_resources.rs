//! The Rust resources (`sdk-core/src/generated/resources.rs`): one handle per resource
//! (`client.leads()`, `client.chat().sessions()`), every operation a typed method returning a
//! `Request` (or a `ListRequest` with its `<verb>_auto` stream for lists). The layout is
//! `xtask/templates/rust/resources.rs.j2`.

use anyhow::{Result, bail};
use openapiv3::Parameter;
use serde::Serialize;

use super::render;
use super::spec::{Gen, Op, pascal, snake};

#[derive(Serialize)]
struct Resource {
    /// The handle's type.
    ty: String,
    /// The method that reaches it from its parent (`sessions`).
    method: String,
    doc: String,
    /// `chat().sessions()`.
    chain: String,
    /// `chat.sessions`.
    dotted: String,
    children: Vec<Resource>,
    methods: Vec<Method>,
}

#[derive(Serialize)]
struct Method {
    name: String,
    summary: Option<String>,
    http: String,
    description: Option<String>,
    /// `name: &str` for each path parameter, then the query or body parameters.
    args: Vec<String>,
    /// The argument names, to pass them on.
    pass: Vec<String>,
    id: String,
    ids: Vec<String>,
    query: bool,
    body: bool,
    list_of: Option<String>,
    response: String,
}

impl Gen<'_> {
    pub(super) fn rust_resources(&self) -> Result<String> {
        let ops = self.ops()?;
        let paths = self.resource_paths(&ops, str::to_string);
        let resource = |path: &[String], with_children: bool| -> Result<Resource> {
            let children = if with_children {
                paths
                    .iter()
                    .filter(|c| c.len() == path.len() + 1 && c.starts_with(path))
                    .map(|c| self.rust_resource(c, Vec::new(), Vec::new()))
                    .collect()
            } else {
                Vec::new()
            };
            let mut methods = Vec::new();
            for op in &ops {
                let parts: Vec<&str> = op.id.split('.').collect();
                if parts[..parts.len() - 1]
                    == path.iter().map(String::as_str).collect::<Vec<_>>()[..]
                {
                    methods.push(rust_method(op, parts[parts.len() - 1])?);
                }
            }
            Ok(self.rust_resource(path, children, methods))
        };
        let tops = paths
            .iter()
            .filter(|p| p.len() == 1)
            .map(|p| resource(p, false))
            .collect::<Result<Vec<_>>>()?;
        let all = paths
            .iter()
            .map(|p| resource(p, true))
            .collect::<Result<Vec<_>>>()?;
        render(
            "rust/resources.rs.j2",
            serde_json::json!({ "tops": tops, "resources": all }),
        )
    }

    fn rust_resource(
        &self,
        path: &[String],
        children: Vec<Resource>,
        methods: Vec<Method>,
    ) -> Resource {
        Resource {
            ty: self.resource_type(path),
            method: snake(&path[path.len() - 1]),
            doc: if path.len() == 1 {
                self.resource_doc(&path[0])
            } else {
                format!("`{}`.", path.join("."))
            },
            chain: path
                .iter()
                .map(|p| format!("{}()", snake(p)))
                .collect::<Vec<_>>()
                .join("."),
            dotted: path.join("."),
            children,
            methods,
        }
    }

    /// `Leads`, `ChatSessions`; `…Resource` where a model has the name (`HealthResource`).
    fn resource_type(&self, path: &[String]) -> String {
        let name: String = path.iter().map(|p| pascal(p)).collect();
        if self.schema(&name).is_some() {
            format!("{name}Resource")
        } else {
            name
        }
    }

    /// The description of the tag named like the resource.
    fn resource_doc(&self, name: &str) -> String {
        self.api
            .tags
            .iter()
            .find(|t| t.name == name)
            .and_then(|t| t.description.clone())
            .unwrap_or_else(|| format!("`{name}`."))
    }
}

fn rust_method(op: &Op<'_>, verb: &str) -> Result<Method> {
    let mut args: Vec<String> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    let mut query = false;
    for p in &op.params {
        match p {
            Parameter::Path { parameter_data, .. } => {
                let name = snake(&parameter_data.name);
                args.push(format!("{name}: &str"));
                ids.push(name);
            }
            Parameter::Query { .. } => query = true,
            _ => {}
        }
    }
    if query {
        args.push(format!("params: {}Params", pascal(&op.id)));
    }
    match &op.request {
        Some(_) if query => bail!("{}: both a query and a body", op.id),
        Some(body) => args.push(format!("params: {body}")),
        None => {}
    }
    Ok(Method {
        name: snake(verb),
        summary: op.summary.clone(),
        http: format!("{} {}", op.method, op.path),
        description: op.description.as_deref().map(|d| d.trim().to_string()),
        pass: args
            .iter()
            .map(|a| a.split(':').next().unwrap_or_default().to_string())
            .collect(),
        args,
        id: op.id.clone(),
        ids,
        query,
        body: op.request.is_some(),
        list_of: op.list_of.clone(),
        // No body (204): the call resolves to `()`.
        response: op.response.clone().unwrap_or_else(|| "()".into()),
    })
}
