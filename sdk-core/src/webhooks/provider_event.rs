//! Providers' webhooks, verified and typed in one call ([`verify_event`]): the body (JSON or
//! form fields) becomes one result of `webhook-providers.yaml` with its `provider`, its `type`
//! and `raw`. The decisions (which model, which `type`, the flattening of WhatsApp messages)
//! are made here, on JSON, once for every language; Rust then decodes the result into the
//! generated structs, and the bindings rename it for their language.
//!
//! A kind of payload this SDK does not type parses as `UnknownProviderEvent` (or, nested, keeps
//! its `type` as sent) and never raises; a typed payload whose fields have the wrong JSON type is
//! `invalid_payload`, naming the field.

use serde_json::{Map, Value};

use super::headers::required;
use super::{ErrorKind, Headers, Provider, VerifyOptions, WebhookError};
use crate::models::{
    CalendlyEvent, GithubEvent, MetaNotification, SlackEventCallback, SlackInteraction,
    SlackSlashCommand, SlackUrlVerification, StandardEvent, StripeEvent, TwilioCallStatus,
    TwilioMessage, TwilioMessageStatus, TwilioRecordingStatus, UnknownProviderEvent,
    WhatsAppMessage, WhatsAppStatus,
};

/// A provider's webhook, verified and typed. Match with a `_` arm: new kinds become new
/// variants.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
// One per request, matched by value: boxing the larger payloads would only make matching harder.
#[allow(clippy::large_enum_variant)]
pub enum ProviderEvent {
    /// Standard Webhooks (for ours, [`super::Webhook::verify_event`] types the event itself).
    Standard(StandardEvent),
    /// A Stripe event.
    Stripe(StripeEvent),
    /// A Calendly event (`invitee.created`…).
    Calendly(CalendlyEvent),
    /// A GitHub event (`push`…).
    Github(GithubEvent),
    /// A Meta notification (WhatsApp Cloud API): see [`MetaNotification::messages`].
    Meta(MetaNotification),
    /// Twilio: an inbound SMS, MMS or WhatsApp message.
    TwilioMessage(TwilioMessage),
    /// Twilio: a status callback of a message sent.
    TwilioMessageStatus(TwilioMessageStatus),
    /// Twilio: a voice call's status callback.
    TwilioCallStatus(TwilioCallStatus),
    /// Twilio: a recording's status callback.
    TwilioRecordingStatus(TwilioRecordingStatus),
    /// Slack: a slash command.
    SlackSlashCommand(SlackSlashCommand),
    /// Slack: an interactive payload (buttons, menus, modals, shortcuts).
    SlackInteraction(SlackInteraction),
    /// Slack: the Events API handshake; answer with its `challenge`.
    SlackUrlVerification(SlackUrlVerification),
    /// Slack: an Events API event.
    SlackEventCallback(SlackEventCallback),
    /// A kind this SDK does not type, with everything in `raw`.
    Unknown(UnknownProviderEvent),
}

impl ProviderEvent {
    /// Who sent it.
    pub fn provider(&self) -> Provider {
        match self {
            ProviderEvent::Standard(_) => Provider::Standard,
            ProviderEvent::Stripe(_) => Provider::Stripe,
            ProviderEvent::Calendly(_) => Provider::Calendly,
            ProviderEvent::Github(_) => Provider::Github,
            ProviderEvent::Meta(_) => Provider::Meta,
            ProviderEvent::TwilioMessage(_)
            | ProviderEvent::TwilioMessageStatus(_)
            | ProviderEvent::TwilioCallStatus(_)
            | ProviderEvent::TwilioRecordingStatus(_) => Provider::Twilio,
            ProviderEvent::SlackSlashCommand(_)
            | ProviderEvent::SlackInteraction(_)
            | ProviderEvent::SlackUrlVerification(_)
            | ProviderEvent::SlackEventCallback(_) => Provider::Slack,
            ProviderEvent::Unknown(e) => e.provider.parse().unwrap_or(Provider::Standard),
        }
    }

    /// Its type: the event's for Standard Webhooks, Stripe and Calendly, the `X-GitHub-Event`
    /// header, Meta's `object`, Twilio's `message`/`message_status`/`call_status`/
    /// `recording_status`, Slack's `slash_command`/`interaction`/`url_verification`/
    /// `event_callback`, or `unknown`.
    pub fn event_type(&self) -> &str {
        match self {
            ProviderEvent::Standard(e) => &e.type_,
            ProviderEvent::Stripe(e) => &e.type_,
            ProviderEvent::Calendly(e) => &e.type_,
            ProviderEvent::Github(e) => &e.type_,
            ProviderEvent::Meta(e) => &e.type_,
            ProviderEvent::TwilioMessage(e) => &e.type_,
            ProviderEvent::TwilioMessageStatus(e) => &e.type_,
            ProviderEvent::TwilioCallStatus(e) => &e.type_,
            ProviderEvent::TwilioRecordingStatus(e) => &e.type_,
            ProviderEvent::SlackSlashCommand(e) => &e.type_,
            ProviderEvent::SlackInteraction(e) => &e.type_,
            ProviderEvent::SlackUrlVerification(e) => &e.type_,
            ProviderEvent::SlackEventCallback(e) => &e.type_,
            ProviderEvent::Unknown(e) => &e.type_,
        }
    }
}

impl MetaNotification {
    /// Every WhatsApp message of the notification (every entry, every change), each with the
    /// `phone_number_id` that received it; a type this SDK does not know keeps its `type`.
    pub fn messages(&self) -> Vec<WhatsAppMessage> {
        decode_all(flatten(&Value::Object(self.raw.clone()), "messages"))
    }

    /// Every status (`sent`, `delivered`, `read`, `failed`…) of messages you sent, each with
    /// the `phone_number_id` that sent it.
    pub fn statuses(&self) -> Vec<WhatsAppStatus> {
        decode_all(flatten(&Value::Object(self.raw.clone()), "statuses"))
    }
}

fn decode_all<T: serde::de::DeserializeOwned>(items: Vec<Value>) -> Vec<T> {
    // Each item passed the shape check with the notification; one that still does not decode
    // is left out rather than failing the others.
    items
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect()
}

/// Verifies a webhook from `provider` and types it: [`super::verify`], then the payload parsed
/// as that provider sends it.
///
/// ```
/// use callwaitingai::webhooks::{sign_request, verify_event, Provider, ProviderEvent, SignOptions, VerifyOptions};
///
/// let body = br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages",
///   "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100","phone_number_id":"106"},
///   "messages":[{"from":"15550199","id":"wamid.1","timestamp":"1793000000","type":"text","text":{"body":"Hi"}}]}}]}]}"#;
/// let headers = sign_request(Provider::Meta, body, "app-secret", &SignOptions::default())?;
/// let ProviderEvent::Meta(n) = verify_event(Provider::Meta, body, &headers, "app-secret", &VerifyOptions::new())? else {
///     unreachable!()
/// };
/// let m = &n.messages()[0];
/// assert_eq!((m.type_.as_deref(), m.phone_number_id.as_deref()), (Some("text"), Some("106")));
/// assert_eq!(m.text.as_ref().and_then(|t| t.body.as_deref()), Some("Hi"));
/// # Ok::<(), callwaitingai::webhooks::WebhookError>(())
/// ```
pub fn verify_event<H: Headers + ?Sized>(
    provider: Provider,
    payload: &[u8],
    headers: &H,
    secret: &str,
    options: &VerifyOptions,
) -> Result<ProviderEvent, WebhookError> {
    super::verify(provider, payload, headers, secret, options)?;
    let parsed = parse(provider, payload, headers)?;
    typed(parsed.model, parsed.result)
}

/// A verified payload, parsed: the model's name, the result (the provider's names) and, for
/// Meta, the flattened messages and statuses.
#[derive(Debug)]
pub struct Parsed {
    /// `StripeEvent`, `TwilioMessage`… (`webhook-providers.yaml`).
    pub model: &'static str,
    /// `provider`, `type`, `raw` and the typed fields.
    pub result: Value,
    /// Meta: `{"messages": [...], "statuses": [...]}`; otherwise empty.
    pub lists: Vec<(&'static str, &'static str, Vec<Value>)>,
}

fn invalid(message: impl Into<String>) -> WebhookError {
    WebhookError::new(ErrorKind::InvalidPayload, message)
}

fn json_body(payload: &[u8]) -> Result<Map<String, Value>, WebhookError> {
    match serde_json::from_slice(payload) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(invalid(format!(
            "the body is {}, not a JSON object",
            crate::shape::what(&other)
        ))),
        Err(e) => Err(invalid(format!(
            "the signature is valid but the body is not JSON: {e}"
        ))),
    }
}

fn form_body(payload: &[u8]) -> Map<String, Value> {
    form_urlencoded::parse(payload)
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect()
}

fn text<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    m.get(key).and_then(Value::as_str)
}

/// The result: `provider`, `type`, `raw` and `fields`.
fn result(
    provider: Provider,
    event_type: &str,
    raw: &Map<String, Value>,
    fields: Map<String, Value>,
) -> Value {
    let mut out = fields;
    out.insert("provider".into(), provider.as_str().into());
    out.insert("type".into(), event_type.into());
    out.insert("raw".into(), Value::Object(raw.clone()));
    Value::Object(out)
}

fn unknown(
    provider: Provider,
    event_type: &str,
    raw: &Map<String, Value>,
) -> (&'static str, Value) {
    (
        "UnknownProviderEvent",
        result(provider, event_type, raw, Map::new()),
    )
}

/// Parses a verified payload (see [`Parsed`]) and checks it against its model.
pub fn parse<H: Headers + ?Sized>(
    provider: Provider,
    payload: &[u8],
    headers: &H,
) -> Result<Parsed, WebhookError> {
    let mut lists = Vec::new();
    let (model, result) = match provider {
        Provider::Standard => {
            let body = json_body(payload)?;
            let t = text(&body, "type").unwrap_or("unknown").to_string();
            let mut fields = Map::new();
            for key in ["timestamp", "data"] {
                if let Some(v) = body.get(key) {
                    fields.insert(key.into(), v.clone());
                }
            }
            ("StandardEvent", result(provider, &t, &body, fields))
        }
        Provider::Stripe => {
            let body = json_body(payload)?;
            let t = text(&body, "type").unwrap_or("unknown").to_string();
            let mut fields = body.clone();
            let object = body.get("data").and_then(|d| d.get("object"));
            let slot = match object.and_then(|o| o.get("object")).and_then(Value::as_str) {
                Some("checkout.session") => Some("checkout_session"),
                Some("payment_intent") => Some("payment_intent"),
                Some("invoice") => Some("invoice"),
                Some("subscription") => Some("subscription"),
                _ => None,
            };
            if let (Some(slot), Some(object)) = (slot, object) {
                fields.insert(slot.into(), object.clone());
            }
            ("StripeEvent", result(provider, &t, &body, fields))
        }
        Provider::Calendly => {
            let body = json_body(payload)?;
            let t = text(&body, "event").unwrap_or("unknown").to_string();
            ("CalendlyEvent", result(provider, &t, &body, body.clone()))
        }
        Provider::Github => {
            let t = required(headers, "X-GitHub-Event")?.to_string();
            // A hook configured with `application/x-www-form-urlencoded` sends `payload=<json>`.
            let body = if payload.first() == Some(&b'{') {
                json_body(payload)?
            } else {
                let form = form_body(payload);
                json_body(text(&form, "payload").unwrap_or_default().as_bytes())?
            };
            let mut fields = Map::new();
            for (key, header) in [
                ("delivery", "X-GitHub-Delivery"),
                ("hook_id", "X-GitHub-Hook-ID"),
            ] {
                if let Some(v) = headers.header(header) {
                    fields.insert(key.into(), v.into());
                }
            }
            if let Some(action) = body.get("action").filter(|a| a.is_string()) {
                fields.insert("action".into(), action.clone());
            }
            ("GithubEvent", result(provider, &t, &body, fields))
        }
        Provider::Meta => {
            let body = json_body(payload)?;
            let t = text(&body, "object").unwrap_or("unknown").to_string();
            let r = result(provider, &t, &body, body.clone());
            crate::shape::check("MetaNotification", &r).map_err(|why| {
                invalid(format!("a Meta notification that does not decode: {why}"))
            })?;
            let raw = Value::Object(body);
            lists.push(("messages", "WhatsAppMessage", flatten(&raw, "messages")));
            lists.push(("statuses", "WhatsAppStatus", flatten(&raw, "statuses")));
            ("MetaNotification", r)
        }
        Provider::Twilio => {
            let form = form_body(payload);
            twilio(&form)
        }
        Provider::Slack => slack(payload)?,
    };
    if model != "MetaNotification" {
        crate::shape::check(model, &result)
            .map_err(|why| invalid(format!("a {provider} payload that does not decode: {why}")))?;
    }
    Ok(Parsed {
        model,
        result,
        lists,
    })
}

/// Meta: every item of `value.<list>` of every change of every entry, with `phone_number_id`.
fn flatten(raw: &Value, list: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let entries = raw.get("entry").and_then(Value::as_array);
    for change in entries
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("changes")?.as_array())
        .flatten()
    {
        let Some(value) = change.get("value") else {
            continue;
        };
        let id = value
            .get("metadata")
            .and_then(|m| m.get("phone_number_id"))
            .cloned();
        for item in value
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let mut item = item.clone();
            if let (Value::Object(m), Some(id)) = (&mut item, &id) {
                m.insert("phone_number_id".into(), id.clone());
            }
            out.push(item);
        }
    }
    out
}

/// Twilio's callbacks, told apart by the parameters present.
fn twilio(form: &Map<String, Value>) -> (&'static str, Value) {
    let p = Provider::Twilio;
    let has = |k: &str| {
        form.get(k)
            .is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()))
    };
    if has("RecordingSid") {
        return (
            "TwilioRecordingStatus",
            result(p, "recording_status", form, form.clone()),
        );
    }
    if has("CallSid") && has("CallStatus") {
        return (
            "TwilioCallStatus",
            result(p, "call_status", form, form.clone()),
        );
    }
    let status = text(form, "MessageStatus");
    if status.is_some_and(|s| s != "received") && !has("Body") {
        return (
            "TwilioMessageStatus",
            result(p, "message_status", form, form.clone()),
        );
    }
    if has("MessageSid") || has("SmsMessageSid") || has("Body") || has("NumMedia") {
        let mut fields = form.clone();
        let mut media = Vec::new();
        for i in 0..100 {
            let Some(url) = text(form, &format!("MediaUrl{i}")) else {
                break;
            };
            let mut m = Map::new();
            m.insert("Url".into(), url.into());
            if let Some(ct) = text(form, &format!("MediaContentType{i}")) {
                m.insert("ContentType".into(), ct.into());
            }
            media.push(Value::Object(m));
        }
        fields.insert("Media".into(), Value::Array(media));
        return ("TwilioMessage", result(p, "message", form, fields));
    }
    unknown(p, "unknown", form)
}

/// Slack: JSON (the Events API) or form fields (slash commands; `payload=` for interactions).
fn slack(payload: &[u8]) -> Result<(&'static str, Value), WebhookError> {
    let p = Provider::Slack;
    if payload.first() == Some(&b'{') {
        let body = json_body(payload)?;
        return Ok(match text(&body, "type") {
            Some("url_verification") => (
                "SlackUrlVerification",
                result(p, "url_verification", &body, body.clone()),
            ),
            Some("event_callback") => (
                "SlackEventCallback",
                result(p, "event_callback", &body, body.clone()),
            ),
            _ => unknown(p, "unknown", &body),
        });
    }
    let form = form_body(payload);
    if let Some(inner) = text(&form, "payload") {
        let body = json_body(inner.as_bytes())?;
        let mut fields = body.clone();
        if let Some(t) = fields.remove("type") {
            fields.insert("interaction_type".into(), t);
        }
        // `raw` is the parsed payload, as sent.
        return Ok(("SlackInteraction", result(p, "interaction", &body, fields)));
    }
    if form.contains_key("command") {
        return Ok((
            "SlackSlashCommand",
            result(p, "slash_command", &form, form.clone()),
        ));
    }
    Ok(unknown(p, "unknown", &form))
}

/// The result decoded into its generated struct.
fn typed(model: &str, result: Value) -> Result<ProviderEvent, WebhookError> {
    fn de<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, WebhookError> {
        serde_json::from_value(v)
            .map_err(|e| invalid(format!("a payload that does not decode: {e}")))
    }
    Ok(match model {
        "StandardEvent" => ProviderEvent::Standard(de(result)?),
        "StripeEvent" => ProviderEvent::Stripe(de(result)?),
        "CalendlyEvent" => ProviderEvent::Calendly(de(result)?),
        "GithubEvent" => ProviderEvent::Github(de(result)?),
        "MetaNotification" => ProviderEvent::Meta(de(result)?),
        "TwilioMessage" => ProviderEvent::TwilioMessage(de(result)?),
        "TwilioMessageStatus" => ProviderEvent::TwilioMessageStatus(de(result)?),
        "TwilioCallStatus" => ProviderEvent::TwilioCallStatus(de(result)?),
        "TwilioRecordingStatus" => ProviderEvent::TwilioRecordingStatus(de(result)?),
        "SlackSlashCommand" => ProviderEvent::SlackSlashCommand(de(result)?),
        "SlackInteraction" => ProviderEvent::SlackInteraction(de(result)?),
        "SlackUrlVerification" => ProviderEvent::SlackUrlVerification(de(result)?),
        "SlackEventCallback" => ProviderEvent::SlackEventCallback(de(result)?),
        _ => ProviderEvent::Unknown(de(result)?),
    })
}
