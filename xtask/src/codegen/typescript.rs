//! The Node (and browser) SDK's TypeScript declarations, generated from the spec into
//! `sdk-node/index.d.ts`: models, parameters, resources, the client, errors and webhooks.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use openapiv3::{
    AdditionalProperties, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind,
    Type,
};

use super::{Gen, Op, doc, pascal, ref_name};

pub fn out_path() -> PathBuf {
    Path::new("sdk-node").join("index.d.ts")
}

const PRELUDE: &str = r#"
/** Per-request options. `timeout` is per attempt, in milliseconds. */
export interface RequestOptions {
  timeout?: number;
  maxRetries?: number;
  headers?: Record<string, string>;
  /** For POSTs: by default a new key per call, reused across its retries. */
  idempotencyKey?: string;
}

/** One page of a list; `for await` over it walks every item from here on, lazily. */
export declare class Page<T> implements AsyncIterable<T> {
  readonly data: T[];
  readonly hasMore: boolean;
  readonly nextCursor: string | null;
  hasNextPage(): boolean;
  nextPage(): Promise<Page<T> | null>;
  [Symbol.asyncIterator](): AsyncIterator<T>;
}

/** What `list()` returns: `await` it for the first page, `for await` it for every item. */
export declare class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  then<R1 = Page<T>, R2 = never>(
    onfulfilled?: ((value: Page<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2>;
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T> | R>;
  finally(onfinally?: (() => void) | null): Promise<Page<T>>;
  [Symbol.asyncIterator](): AsyncIterator<T>;
}

/** Every error of the SDK. */
export declare class CallWaitingAIError extends Error {
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly headers: Record<string, string>;
  readonly data?: Record<string, unknown>;
  /** Seconds, from `Retry-After` / `retry-after-ms`. */
  readonly retryAfter?: number;
  /** The raw error body, when the API answered (`message` is cut to 1000 characters). */
  readonly body?: string;
}
export declare class APIError extends CallWaitingAIError {}
export declare class BadRequestError extends APIError {}
export declare class AuthenticationError extends APIError {}
export declare class PermissionDeniedError extends APIError {}
export declare class NotFoundError extends APIError {}
export declare class ConflictError extends APIError {}
export declare class UnprocessableEntityError extends APIError {}
export declare class RateLimitError extends APIError {}
export declare class InternalServerError extends APIError {}
export declare class APIConnectionError extends CallWaitingAIError {}
export declare class APITimeoutError extends APIConnectionError {}
/** A call that was not sent: a bad argument or configuration. */
export declare class InvalidRequestError extends CallWaitingAIError {}

export type WebhookErrorKind =
  | 'missing_header'
  | 'invalid_header'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_signature'
  | 'invalid_secret'
  | 'invalid_payload'
  | 'handshake_failed'
  | (string & {});

export declare class WebhookVerificationError extends CallWaitingAIError {
  readonly kind: WebhookErrorKind;
}

export type WebhookPayload = string | Uint8Array | ArrayBuffer;
export type WebhookHeaders =
  | Record<string, string | string[] | number | undefined>
  | { entries(): IterableIterator<[string, string]>; get(name: string): string | null };

/** A Standard Webhooks verifier for one secret (`whsec_…`, `whpk_…` or `whsk_…`). */
export declare class Webhook {
  constructor(secret: string);
  /** Verifies the raw body; returns the event exactly as sent. `now` is unix seconds. */
  verify(payload: WebhookPayload, headers: WebhookHeaders, options?: { now?: number; tolerance?: number }): VerifiedWebhookEvent;
  /** The `webhook-signature` value of a message, for your own tests. */
  sign(msgId: string, timestamp: number, payload: WebhookPayload): string;
}

export type WebhookProvider = 'standard' | 'stripe' | 'calendly' | 'github' | 'meta' | 'twilio' | 'slack';

/** Verifies a webhook from `provider`; throws `WebhookVerificationError` with `.kind`. */
export declare function verifyWebhook(args: {
  provider?: WebhookProvider;
  payload: WebhookPayload;
  headers: WebhookHeaders;
  secret: string;
  /** The full public URL (Twilio signs it). */
  url?: string;
  tolerance?: number;
  now?: number;
}): void;

/** Meta's subscription handshake: returns `hub.challenge` or throws (`handshake_failed`). */
export declare function metaSubscriptionChallenge(
  query: string | URLSearchParams | Record<string, string>,
  verifyToken: string,
): string;

export interface ClientOptions {
  /** Default: `CALLWAITINGAI_API_KEY`. */
  apiKey?: string;
  /** The server's origin; default `CALLWAITINGAI_BASE_URL`. `/api/v1` is appended. */
  baseURL?: string;
  /** Retries after the first attempt (default 2). */
  maxRetries?: number;
  /** Per attempt, in milliseconds (default 60000). */
  timeout?: number;
}
"#;

impl Gen<'_> {
    fn ts_ref(&self, reference: &str) -> String {
        ref_name(reference).to_string()
    }

    fn ts_type(&self, s: &Schema) -> String {
        match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => st
                .enumeration
                .iter()
                .flatten()
                .map(|v| format!("'{v}'"))
                .collect::<Vec<_>>()
                .join(" | "),
            SchemaKind::Type(Type::String(_)) => "string".into(),
            SchemaKind::Type(Type::Boolean(_)) => "boolean".into(),
            SchemaKind::Type(Type::Integer(_) | Type::Number(_)) => "number".into(),
            SchemaKind::Type(Type::Array(arr)) => {
                let item = match &arr.items {
                    Some(ReferenceOr::Reference { reference }) => self.ts_ref(reference),
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
                        ReferenceOr::Reference { reference } => self.ts_ref(reference),
                        ReferenceOr::Item(i) => self.ts_type(i),
                    };
                    format!("Record<string, {item}>")
                }
                _ => "Record<string, unknown>".into(),
            },
            SchemaKind::Any(any) if any.all_of.len() == 1 => match &any.all_of[0] {
                ReferenceOr::Reference { reference } => self.ts_ref(reference),
                ReferenceOr::Item(i) => self.ts_type(i),
            },
            _ => "unknown".into(),
        }
    }

    fn ts_doc(s: &mut String, text: &str, indent: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() == 1 {
            let _ = writeln!(s, "{indent}/** {} */", lines[0].replace("*/", "* /"));
        } else {
            let _ = writeln!(s, "{indent}/**");
            for l in lines {
                let _ = writeln!(s, "{indent} * {}", l.replace("*/", "* /"));
            }
            let _ = writeln!(s, "{indent} */");
        }
    }

    pub(super) fn typescript(&self) -> Result<String> {
        let mut s = String::from(
            "// @generated by `cargo xtask codegen` from openapi.yaml. Do not edit by hand.\n\
             // Types of @callwaitingai/sdk (Node) and @callwaitingai/web (browsers and edge runtimes).\n",
        );
        s.push_str(PRELUDE);
        for (name, schema) in &self.schemas {
            match &schema.schema_kind {
                SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => {
                    Self::ts_doc(
                        &mut s,
                        &format!(
                            "{}\nValues a newer server adds are kept as strings.",
                            doc(schema)
                        ),
                        "",
                    );
                    let values = st
                        .enumeration
                        .iter()
                        .flatten()
                        .map(|v| format!("'{v}'"))
                        .collect::<Vec<_>>()
                        .join(" | ");
                    let _ = writeln!(s, "export type {name} = {values} | (string & {{}});\n");
                }
                SchemaKind::Type(Type::Object(obj)) => {
                    Self::ts_doc(&mut s, doc(schema), "");
                    let _ = writeln!(s, "export interface {name} {{");
                    for (prop, p) in &obj.properties {
                        let (ty, nullable, d) = match p {
                            ReferenceOr::Reference { reference } => {
                                (self.ts_ref(reference), false, String::new())
                            }
                            ReferenceOr::Item(ps) => (
                                self.ts_type(ps),
                                ps.schema_data.nullable,
                                doc(ps).to_string(),
                            ),
                        };
                        Self::ts_doc(&mut s, &d, "  ");
                        let required = obj.required.iter().any(|r| r == prop);
                        let ty = if nullable { format!("{ty} | null") } else { ty };
                        let _ = writeln!(s, "  {prop}{}: {ty};", if required { "" } else { "?" });
                    }
                    s.push_str("}\n\n");
                }
                _ => bail!("{name}: unsupported schema for TypeScript"),
            }
        }
        s.push_str("/** The payload of any webhook event. */\nexport type AnyWebhookEvent = LeadEvent | CallEvent | ChatMessageEvent | PaymentEvent | WebhookTestEvent;\n\n");
        // Query parameter interfaces.
        let ops = self.ops()?;
        for op in &ops {
            let query: Vec<&Parameter> = op
                .params
                .iter()
                .filter(|p| matches!(p, Parameter::Query { .. }))
                .copied()
                .collect();
            if query.is_empty() {
                continue;
            }
            let _ = writeln!(
                s,
                "/** Query parameters of `{}`. */\nexport interface {}Params {{",
                op.id,
                pascal(&op.id)
            );
            for p in query {
                let data = p.parameter_data_ref();
                let ty = match &data.format {
                    ParameterSchemaOrContent::Schema(ReferenceOr::Item(x)) => self.ts_type(x),
                    ParameterSchemaOrContent::Schema(ReferenceOr::Reference { reference }) => {
                        self.ts_ref(reference)
                    }
                    _ => "unknown".into(),
                };
                if let Some(d) = &data.description {
                    Self::ts_doc(&mut s, d, "  ");
                }
                let _ = writeln!(s, "  {}?: {ty};", data.name);
            }
            s.push_str("}\n\n");
        }
        s.push_str(&self.ts_resources(&ops)?);
        Ok(s)
    }

    fn ts_resources(&self, ops: &[Op<'_>]) -> Result<String> {
        let camel = |p: &str| {
            let mut out = String::new();
            let mut up = false;
            for c in p.chars() {
                if c == '_' || c == '-' {
                    up = true;
                } else if up {
                    out.push(c.to_ascii_uppercase());
                    up = false;
                } else {
                    out.push(c);
                }
            }
            out
        };
        let mut paths: Vec<Vec<String>> = Vec::new();
        for op in ops {
            let parts: Vec<String> = op.id.split('.').map(&camel).collect();
            for i in 1..parts.len() {
                let prefix = parts[..i].to_vec();
                if !paths.contains(&prefix) {
                    paths.push(prefix);
                }
            }
        }
        let iface = |path: &[String]| {
            format!(
                "{}Resource",
                path.iter().map(|p| pascal(p)).collect::<String>()
            )
        };
        let mut s = String::new();
        for path in &paths {
            let _ = writeln!(s, "export interface {} {{", iface(path));
            for child in paths
                .iter()
                .filter(|c| c.len() == path.len() + 1 && c.starts_with(path))
            {
                let _ = writeln!(
                    s,
                    "  readonly {}: {};",
                    child[child.len() - 1],
                    iface(child)
                );
            }
            for op in ops {
                let parts: Vec<String> = op.id.split('.').map(&camel).collect();
                if parts[..parts.len() - 1] != path[..] {
                    continue;
                }
                let verb = &parts[parts.len() - 1];
                let mut args: Vec<String> = Vec::new();
                for p in &op.params {
                    if let Parameter::Path { parameter_data, .. } = p {
                        args.push(format!("{}: string", parameter_data.name));
                    }
                }
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
                let list_of = op
                    .response
                    .as_deref()
                    .and_then(|r| self.schema(r))
                    .and_then(|x| x.schema_data.extensions.get("x-list-of"))
                    .and_then(|v| v.as_str());
                let ret = match (list_of, op.response.as_deref()) {
                    (Some(item), _) => format!("PagePromise<{item}>"),
                    (None, Some(r)) => format!("Promise<{r}>"),
                    (None, None) => "Promise<void>".into(),
                };
                if let Some(summary) = &op.summary {
                    Self::ts_doc(
                        &mut s,
                        &format!("{summary} (`{} {}`).", op.method, op.path),
                        "  ",
                    );
                }
                let _ = writeln!(s, "  {verb}({}): {ret};", args.join(", "));
            }
            s.push_str("}\n\n");
        }
        s.push_str("/** The CallWaitingAI client. */\nexport declare class CallWaitingAI {\n  constructor(options?: ClientOptions);\n  readonly baseURL: string;\n  /** What the client sends as `User-Agent` / `X-CallWaitingAI-Client`. */\n  readonly userAgent: string;\n  /**\n   * Any operation by its operationId, resolving to the JSON as sent: for what the typed\n   * methods do not take, such as field selection:\n   * `client.request('leads.list', [], { query: { fields: 'id,name' } })`.\n   */\n  request(operationId: string, ids?: string[], options?: RequestOptions & { query?: Record<string, unknown>; body?: unknown }): Promise<unknown>;\n");
        for top in paths.iter().filter(|p| p.len() == 1) {
            let _ = writeln!(s, "  readonly {}: {};", top[0], iface(top));
        }
        for e in [
            "CallWaitingAIError",
            "APIError",
            "BadRequestError",
            "AuthenticationError",
            "PermissionDeniedError",
            "NotFoundError",
            "ConflictError",
            "UnprocessableEntityError",
            "RateLimitError",
            "InternalServerError",
            "APIConnectionError",
            "APITimeoutError",
            "InvalidRequestError",
            "WebhookVerificationError",
        ] {
            let _ = writeln!(s, "  static readonly {e}: typeof {e};");
        }
        s.push_str("}\n\nexport default CallWaitingAI;\n\n/** The event a verified webhook carries: one of ours, or a type newer than this SDK. */\nexport type VerifiedWebhookEvent = AnyWebhookEvent | WebhookEvent;\n");
        Ok(s)
    }
}
