//! The Rust resources (`sdk-core/src/generated/resources.rs`): one handle per resource
//! (`client.leads()`, `client.chat().sessions()`), every operation a typed method returning a
//! `Request` (or a `ListRequest` with its `<verb>_auto` stream for lists).

use std::fmt::Write as _;

use anyhow::{Result, bail};
use openapiv3::Parameter;

use super::{Gen, HEADER, Op, pascal, snake};

impl Gen<'_> {
    pub(super) fn rust_resources(&self) -> Result<String> {
        let ops = self.ops()?;
        // Every resource path (`["chat"]`, `["chat", "sessions"]`), in the spec's order.
        let mut paths: Vec<Vec<String>> = Vec::new();
        for op in &ops {
            let parts: Vec<String> = op.id.split('.').map(str::to_string).collect();
            for i in 1..parts.len() {
                if !paths.contains(&parts[..i].to_vec()) {
                    paths.push(parts[..i].to_vec());
                }
            }
        }
        let mut s = String::from(HEADER);
        s.push_str(
            "//! One handle per resource of the API, reached from the [`Client`]; every operation of\n\
             //! `openapi.yaml` is a typed method.\n\n\
             #![allow(clippy::wildcard_imports)]\n\n\
             use crate::Client;\nuse crate::models::*;\nuse crate::pagination::ListRequest;\n\
             use crate::request::{Request, request};\n\n\
             /// No query or no body.\nconst NONE: Option<&()> = None;\n\n",
        );
        s.push_str("impl Client {\n");
        for top in paths.iter().filter(|p| p.len() == 1) {
            let _ = writeln!(
                s,
                "/// {}\npub fn {}(&self) -> {}<'_> {{ {} {{ client: self }} }}\n",
                self.resource_doc(&top[0]),
                snake(&top[0]),
                self.resource_type(top),
                self.resource_type(top),
            );
        }
        s.push_str("}\n\n");
        for path in &paths {
            let ty = self.resource_type(path);
            let _ = writeln!(
                s,
                "/// {}\n///\n/// `client.{}`.\n#[derive(Debug, Clone, Copy)]\npub struct {ty}<'a> {{\n    client: &'a Client,\n}}\n",
                if path.len() == 1 {
                    self.resource_doc(&path[0])
                } else {
                    format!("`{}`.", path.join("."))
                },
                path.iter()
                    .map(|p| format!("{}()", snake(p)))
                    .collect::<Vec<_>>()
                    .join(".")
            );
            let _ = writeln!(s, "impl<'a> {ty}<'a> {{");
            for child in paths
                .iter()
                .filter(|c| c.len() == path.len() + 1 && c.starts_with(path))
            {
                let cty = self.resource_type(child);
                let _ = writeln!(
                    s,
                    "/// `{}`.\npub fn {}(&self) -> {cty}<'a> {{ {cty} {{ client: self.client }} }}\n",
                    child.join("."),
                    snake(&child[child.len() - 1]),
                );
            }
            for op in &ops {
                let parts: Vec<&str> = op.id.split('.').collect();
                if parts[..parts.len() - 1]
                    != path.iter().map(String::as_str).collect::<Vec<_>>()[..]
                {
                    continue;
                }
                s.push_str(&self.rust_method(op, parts[parts.len() - 1])?);
            }
            s.push_str("}\n\n");
        }
        Ok(s)
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

    fn rust_method(&self, op: &Op<'_>, verb: &str) -> Result<String> {
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
        let query_arg = if query {
            args.push(format!("params: {}Params", pascal(&op.id)));
            "Some(&params)"
        } else {
            "NONE"
        };
        let body_arg = match &op.request {
            Some(_) if query => bail!("{}: both a query and a body", op.id),
            Some(body) => {
                args.push(format!("params: {body}"));
                "Some(&params)"
            }
            None => "NONE",
        };
        // No body (204): the call resolves to `()`.
        let response = op.response.as_deref().unwrap_or("()");
        let mut doc = String::new();
        if let Some(summary) = &op.summary {
            let _ = writeln!(doc, "/// {summary} (`{} {}`).", op.method, op.path);
        }
        if let Some(d) = &op.description {
            doc.push_str("///\n");
            for line in d.trim().lines() {
                let _ = writeln!(doc, "/// {line}");
            }
        }
        let call = format!(
            "request({:?}, &[{}], {query_arg}, {body_arg})",
            op.id,
            ids.join(", ")
        );
        let name = snake(verb);
        let sig = args.iter().map(|a| format!(", {a}")).collect::<String>();
        let mut s = String::new();
        match &op.list_of {
            Some(item) => {
                let _ = writeln!(
                    s,
                    "{doc}///\n/// `.await` it for the first page, `.into_stream()` it (or call \
                     [`{name}_auto`](Self::{name}_auto)) for every item.\n\
                     pub fn {name}(&self{sig}) -> ListRequest<{item}> {{ ListRequest::new(self.client, {call}) }}\n"
                );
                let pass: Vec<String> = args
                    .iter()
                    .map(|a| a.split(':').next().unwrap_or_default().to_string())
                    .collect();
                let _ = writeln!(
                    s,
                    "/// Every item of [`{name}`](Self::{name}), across pages, fetched lazily.\n\
                     pub fn {name}_auto(&self{sig}) -> impl futures::Stream<Item = crate::Result<{item}>> + Unpin + 'static {{ \
                     self.{name}({}).into_stream() }}\n",
                    pass.join(", ")
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "{doc}pub fn {name}(&self{sig}) -> Request<{response}> {{ Request::new(self.client, {call}) }}\n"
                );
            }
        }
        Ok(s)
    }
}
