//! The Rust runner: each step through the typed API of the `callwaitingai` crate, as a user
//! writes it (`client.leads().create(params).await`), the result serialised back to JSON.

use std::collections::HashMap;

use callwaitingai::bindings::{self, Style};
use callwaitingai::webhooks::{self, Webhook};
use callwaitingai::{Client, Error, ListRequest, Page, Request, RequestOptions};
use futures::TryStreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::check::resolve;

/// Runs a case; one outcome per step, or why the runner could not go on.
pub async fn run_case(
    case: &Value,
    base_url: &str,
    base_vars: &Value,
) -> Result<Vec<Value>, String> {
    let mut vars = base_vars.clone();
    let mut outcomes = Vec::new();
    let steps = case["steps"].as_array().ok_or("no steps")?;
    for (i, step) in steps.iter().enumerate() {
        let label = crate::check::step_label(i, step);
        let mut args = serde_json::Map::new();
        for (k, v) in step.as_object().ok_or("a step is not an object")? {
            if !matches!(k.as_str(), "expect" | "save") {
                args.insert(
                    k.clone(),
                    resolve(v, &vars).map_err(|e| format!("{label}: {e}"))?,
                );
            }
        }
        let args = Value::Object(args);
        let outcome = if let Some(op) = args.get("call").and_then(Value::as_str) {
            match client(&case["client"], &args["client"], base_url) {
                Ok(client) => call(&client, op, &args)
                    .await
                    .map_err(|e| format!("{label}: {e}"))?,
                // The client's options were refused.
                Err(e) => json!({ "error": error(&e) }),
            }
        } else if let Some(kind) = args.get("webhook").and_then(Value::as_str) {
            webhook(kind, &args).map_err(|e| format!("{label}: {e}"))?
        } else if let Some(n) = args.get("receive").and_then(Value::as_u64) {
            receive(&vars, n)
                .await
                .map_err(|e| format!("{label}: {e}"))?
        } else {
            return Err(format!("{label}: not a step I know"));
        };
        if let Some(name) = step.get("save").and_then(Value::as_str) {
            vars[name] = outcome.get("ok").cloned().unwrap_or(Value::Null);
        }
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// The case's client options are the JS SDK's (camelCase, milliseconds): the core's option
/// parser takes them as they are, as it does for every binding.
fn client(case_client: &Value, step_client: &Value, base_url: &str) -> Result<Client, Error> {
    let get = |k: &str| step_client.get(k).or_else(|| case_client.get(k)).cloned();
    let options = json!({
        "apiKey": get("key").unwrap_or_else(|| json!(crate::KEY)),
        "baseURL": get("baseURL").unwrap_or_else(|| json!(base_url)),
        "maxRetries": get("maxRetries"),
        "timeout": get("timeout"),
    });
    bindings::options::client(Style::JavaScript, Client::builder(), &options)
}

/// The step's request options, parsed by the core like a binding's.
fn options(args: &Value) -> Result<RequestOptions, Error> {
    bindings::options::request_options(Style::JavaScript, &args["options"])
}

/// The error as every runner reports it: the class a user catches, and what it carries.
fn error(e: &Error) -> Value {
    let class = callwaitingai::bindings::class_of(e);
    json!({"class": class, "status": e.status(), "code": e.code(), "requestId": e.request_id()})
}

fn outcome<T: Serialize>(r: callwaitingai::Result<T>) -> Value {
    match r {
        Ok(v) => json!({"ok": serde_json::to_value(v).unwrap_or(Value::Null)}),
        Err(e) => json!({"error": error(&e)}),
    }
}

fn page_json<T: Serialize>(p: &Page<T>) -> Value {
    json!({"data": serde_json::to_value(&p.data).unwrap_or(Value::Null), "hasMore": p.has_more, "nextCursor": p.next_cursor})
}

async fn one<T: Serialize + DeserializeOwned + Send + 'static>(
    c: Request<T>,
    args: &Value,
) -> Value {
    match options(args) {
        Ok(o) => outcome(c.options(o).await),
        Err(e) => json!({"error": error(&e)}),
    }
}

async fn list<T: Serialize + DeserializeOwned + Send + 'static>(
    c: ListRequest<T>,
    args: &Value,
) -> Value {
    let c = match options(args) {
        Ok(o) => c.options(o),
        Err(e) => return json!({"error": error(&e)}),
    };
    match args["mode"].as_str().unwrap_or("page") {
        "items" => outcome(c.into_stream().try_collect::<Vec<T>>().await),
        "next" => match c.await {
            Ok(first) => match first.next_page().await {
                Ok(next) => json!({"ok": next.as_ref().map(page_json)}),
                Err(e) => json!({"error": error(&e)}),
            },
            Err(e) => json!({"error": error(&e)}),
        },
        _ => match c.await {
            Ok(page) => json!({"ok": page_json(&page)}),
            Err(e) => json!({"error": error(&e)}),
        },
    }
}

/// The step's params as the operation's typed params (absent: the defaults).
fn p<T: DeserializeOwned + Default>(args: &Value) -> Result<T, String> {
    match &args["params"] {
        Value::Null => Ok(T::default()),
        v => serde_json::from_value(v.clone()).map_err(|e| format!("params: {e}")),
    }
}

/// The body of an operation whose params are required (no `Default`).
fn body<T: DeserializeOwned>(args: &Value) -> Result<T, String> {
    serde_json::from_value(args["params"].clone()).map_err(|e| format!("params: {e}"))
}

async fn call(c: &Client, op: &str, args: &Value) -> Result<Value, String> {
    let ids: Vec<String> = args["ids"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let id = |i: usize| {
        ids.get(i)
            .map(String::as_str)
            .ok_or(format!("{op} needs id {i}"))
    };
    Ok(match op {
        "health.check" => one(c.health().check(), args).await,
        "auth.login" => one(c.auth().login(body(args)?), args).await,
        "auth.refresh" => one(c.auth().refresh(body(args)?), args).await,
        "leads.list" => list(c.leads().list(p(args)?), args).await,
        "leads.create" => one(c.leads().create(body(args)?), args).await,
        "leads.retrieve" => one(c.leads().retrieve(id(0)?), args).await,
        "leads.update" => one(c.leads().update(id(0)?, p(args)?), args).await,
        "leads.delete" => one(c.leads().delete(id(0)?), args).await,
        "calls.list" => list(c.calls().list(p(args)?), args).await,
        "calls.create" => one(c.calls().create(body(args)?), args).await,
        "calls.retrieve" => one(c.calls().retrieve(id(0)?), args).await,
        "calls.update" => one(c.calls().update(id(0)?, p(args)?), args).await,
        "calls.addTranscript" => one(c.calls().add_transcript(id(0)?, body(args)?), args).await,
        "chat.sendMessage" => one(c.chat().send_message(body(args)?), args).await,
        "chat.sessions.list" => list(c.chat().sessions().list(p(args)?), args).await,
        "chat.sessions.retrieve" => one(c.chat().sessions().retrieve(id(0)?), args).await,
        "chat.sessions.messages" => {
            list(c.chat().sessions().messages(id(0)?, p(args)?), args).await
        }
        "analytics.summary" => one(c.analytics().summary(p(args)?), args).await,
        "analytics.calls" => one(c.analytics().calls(p(args)?), args).await,
        "analytics.leads" => one(c.analytics().leads(p(args)?), args).await,
        "webhooks.list" => list(c.webhooks().list(p(args)?), args).await,
        "webhooks.create" => one(c.webhooks().create(body(args)?), args).await,
        "webhooks.retrieve" => one(c.webhooks().retrieve(id(0)?), args).await,
        "webhooks.update" => one(c.webhooks().update(id(0)?, p(args)?), args).await,
        "webhooks.delete" => one(c.webhooks().delete(id(0)?), args).await,
        "webhooks.test" => one(c.webhooks().test(id(0)?), args).await,
        "webhooks.rotateSecret" => one(c.webhooks().rotate_secret(id(0)?), args).await,
        "webhooks.deliveries" => list(c.webhooks().deliveries(id(0)?, p(args)?), args).await,
        "webhooks.retryDelivery" => one(c.webhooks().retry_delivery(id(0)?, id(1)?), args).await,
        "apiKeys.list" => list(c.api_keys().list(p(args)?), args).await,
        "apiKeys.create" => one(c.api_keys().create(body(args)?), args).await,
        "apiKeys.revoke" => one(c.api_keys().revoke(id(0)?), args).await,
        "apiKeys.rotate" => one(c.api_keys().rotate(id(0)?), args).await,
        other => return Err(format!("unknown operation {other}")),
    })
}

fn webhook_error(e: &webhooks::WebhookError) -> Value {
    json!({"error": {
        "class": callwaitingai::bindings::errors::WEBHOOK_ERROR_CLASS,
        "kind": e.kind().as_str(),
        "message": e.message(),
    }})
}

fn webhook(kind: &str, args: &Value) -> Result<Value, String> {
    let s = |k: &str| args[k].as_str().unwrap_or_default().to_string();
    let payload = s("payload");
    let headers: HashMap<String, String> = args["headers"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    let tolerance = match bindings::options::tolerance(Style::JavaScript, &args["tolerance"]) {
        Ok(t) => t,
        Err(e) => return Ok(json!({ "error": error(&e) })),
    };
    let opts = bindings::verify_options(
        args["now"].as_i64(),
        tolerance,
        args["url"].as_str().map(str::to_string),
    );
    Ok(match kind {
        "sign" => match Webhook::new(&s("secret")) {
            Ok(w) => {
                match w.try_sign(
                    &s("msgId"),
                    args["timestamp"].as_i64().unwrap_or(0),
                    payload.as_bytes(),
                ) {
                    Ok(sig) => json!({"ok": sig}),
                    Err(e) => webhook_error(&e),
                }
            }
            Err(e) => webhook_error(&e),
        },
        "event" => match Webhook::new(&s("secret"))
            .and_then(|w| w.verify_event_with(payload.as_bytes(), &headers, &opts))
        {
            Ok(event) => json!({ "ok": event_json(&event) }),
            Err(e) => webhook_error(&e),
        },
        "events" => {
            // Each delivery received, verified and typed; sorted by type (they arrive in any order).
            let mut out = Vec::new();
            for d in args["deliveries"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                let headers: HashMap<String, String> = serde_json::from_value(d["headers"].clone())
                    .map_err(|e| format!("delivery headers: {e}"))?;
                let body = d["body"].as_str().unwrap_or_default();
                match Webhook::new(&s("secret"))
                    .and_then(|w| w.verify_event_with(body.as_bytes(), &headers, &opts))
                {
                    Ok(event) => out.push(event_json(&event)),
                    Err(e) => return Ok(webhook_error(&e)),
                }
            }
            out.sort_by(|a, b| a["type"].as_str().cmp(&b["type"].as_str()));
            json!({ "ok": out })
        }
        "sign_request" => match bindings::provider(&s("provider")) {
            Ok(provider) => {
                let options = webhooks::SignOptions {
                    timestamp: args["timestamp"].as_i64(),
                    msg_id: args["msgId"].as_str().map(str::to_string),
                    url: args["url"].as_str().map(str::to_string),
                };
                match webhooks::sign_request(provider, payload.as_bytes(), &s("secret"), &options) {
                    Ok(pairs) => json!({ "ok": pairs.into_iter().collect::<HashMap<_, _>>() }),
                    Err(e) => webhook_error(&e),
                }
            }
            Err(e) => json!({ "error": error(&e) }),
        },
        "provider_event" => {
            let mut headers = headers;
            for (k, v) in args["signedHeaders"].as_object().into_iter().flatten() {
                headers.insert(k.clone(), v.as_str().unwrap_or_default().to_string());
            }
            match bindings::provider(&s("provider")) {
                Ok(provider) => {
                    match webhooks::verify_event(
                        provider,
                        payload.as_bytes(),
                        &headers,
                        &s("secret"),
                        &opts,
                    ) {
                        Ok(event) => json!({ "ok": provider_event_json(&event) }),
                        Err(e) => webhook_error(&e),
                    }
                }
                Err(e) => json!({ "error": error(&e) }),
            }
        }
        "verify" => match Webhook::new(&s("secret"))
            .and_then(|w| w.verify_with(payload.as_bytes(), &headers, &opts))
        {
            Ok(event) => json!({"ok": event}),
            Err(e) => webhook_error(&e),
        },
        "provider" => match bindings::provider(&s("provider")) {
            Ok(provider) => {
                match webhooks::verify(provider, payload.as_bytes(), &headers, &s("secret"), &opts)
                {
                    Ok(()) => json!({"ok": null}),
                    Err(e) => webhook_error(&e),
                }
            }
            Err(e) => json!({ "error": error(&e) }),
        },
        "challenge" => {
            match webhooks::meta_subscription_challenge(&s("query"), &s("verifyToken")) {
                Ok(v) => json!({ "ok": v }),
                Err(e) => webhook_error(&e),
            }
        }
        other => return Err(format!("unknown webhook step {other}")),
    })
}

/// An event as the cases compare it: its type, timestamp and data (wire names), and the model
/// it decoded to.
fn event_json(event: &webhooks::Event) -> Value {
    use webhooks::Event;
    let (model, body) = match event {
        Event::Unknown { raw, .. } => ("UnknownEvent", raw.clone()),
        Event::LeadCreated(e) => ("LeadCreatedEvent", json!(e)),
        Event::LeadUpdated(e) => ("LeadUpdatedEvent", json!(e)),
        Event::LeadConverted(e) => ("LeadConvertedEvent", json!(e)),
        Event::CallStarted(e) => ("CallStartedEvent", json!(e)),
        Event::CallEnded(e) => ("CallEndedEvent", json!(e)),
        Event::ChatMessageReceived(e) => ("ChatMessageReceivedEvent", json!(e)),
        Event::PaymentCompleted(e) => ("PaymentCompletedEvent", json!(e)),
        Event::PaymentFailed(e) => ("PaymentFailedEvent", json!(e)),
        Event::WebhookTest(e) => ("WebhookTestEvent", json!(e)),
        _ => ("?", Value::Null),
    };
    json!({
        "type": event.event_type(),
        "timestamp": event.timestamp(),
        "data": body["data"],
        "model": model,
    })
}

/// A provider event as the cases compare it: its provider and type, its fields in JS's
/// camelCase (the struct serialised, renamed by the schema table) and Meta's lists.
fn provider_event_json(event: &webhooks::ProviderEvent) -> Value {
    use callwaitingai::naming::to_camel;
    use webhooks::ProviderEvent as P;
    let named = |model: &str, v: Value| to_camel(model, v);
    let mut out = json!({"provider": event.provider().as_str(), "type": event.event_type()});
    let (model, fields) = match event {
        P::Standard(e) => ("StandardEvent", json!(e)),
        P::Stripe(e) => ("StripeEvent", json!(e)),
        P::Calendly(e) => ("CalendlyEvent", json!(e)),
        P::Github(e) => ("GithubEvent", json!(e)),
        P::Meta(e) => {
            let list = |items: Vec<Value>, m: &str| -> Value {
                items.into_iter().map(|i| named(m, i)).collect()
            };
            out["messages"] = list(
                e.messages().iter().map(|m| json!(m)).collect(),
                "WhatsAppMessage",
            );
            out["statuses"] = list(
                e.statuses().iter().map(|m| json!(m)).collect(),
                "WhatsAppStatus",
            );
            ("MetaNotification", json!(e))
        }
        P::TwilioMessage(e) => ("TwilioMessage", json!(e)),
        P::TwilioMessageStatus(e) => ("TwilioMessageStatus", json!(e)),
        P::TwilioCallStatus(e) => ("TwilioCallStatus", json!(e)),
        P::TwilioRecordingStatus(e) => ("TwilioRecordingStatus", json!(e)),
        P::SlackSlashCommand(e) => ("SlackSlashCommand", json!(e)),
        P::SlackInteraction(e) => ("SlackInteraction", json!(e)),
        P::SlackUrlVerification(e) => ("SlackUrlVerification", json!(e)),
        P::SlackEventCallback(e) => ("SlackEventCallback", json!(e)),
        P::Unknown(e) => ("UnknownProviderEvent", json!(e)),
        _ => ("?", Value::Null),
    };
    out["model"] = model.into();
    out["fields"] = named(model, fields);
    out
}

async fn receive(vars: &Value, n: u64) -> Result<Value, String> {
    let url = vars["receiver"]["url"].as_str().ok_or("no receiver")?;
    let got: Value = reqwest::get(format!("{url}?n={n}"))
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    Ok(json!({"ok": got}))
}
