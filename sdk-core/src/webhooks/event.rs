//! Our events, typed: the body of a verified webhook checked against the schema of its `type`
//! (from the spec's `webhooks` section) and decoded into [`Event`]. A type this SDK does not
//! know is [`Event::Unknown`] and never an error; a known type whose body does not have its
//! schema's shape is `invalid_payload`, naming the field.

use serde_json::Value;

use super::{ErrorKind, WebhookError};
pub use crate::generated::events::{EVENT_TYPES, Event};

fn invalid(message: String) -> WebhookError {
    WebhookError::new(ErrorKind::InvalidPayload, message)
}

/// Checks a verified body: `Some(schema)` for a known type whose body has that schema's shape,
/// `None` for a type this SDK does not know. The bindings type the body from this; Rust
/// decodes it ([`parse`]).
pub fn check(body: &Value) -> Result<Option<&'static str>, WebhookError> {
    let Value::Object(map) = body else {
        return Err(invalid(format!(
            "the event is {}, not a JSON object",
            crate::shape::what(body)
        )));
    };
    let Some(Value::String(event_type)) = map.get("type") else {
        return Err(invalid("`type`: missing, or not a string".into()));
    };
    let Some(&(_, schema)) = EVENT_TYPES.iter().find(|(t, _)| t == event_type) else {
        return Ok(None);
    };
    crate::shape::check(schema, body)
        .map_err(|why| invalid(format!("a {event_type} event that does not decode: {why}")))?;
    match map.get("timestamp") {
        Some(Value::String(t)) if is_rfc3339(t) => Ok(Some(schema)),
        _ => Err(invalid(format!(
            "a {event_type} event that does not decode: timestamp: expected an RFC 3339 date-time"
        ))),
    }
}

/// Types a verified body ([`check`], then the model of its type).
pub fn parse(body: Value) -> Result<Event, WebhookError> {
    check(&body)?;
    let event_type = match body.get("type") {
        Some(Value::String(t)) => t.clone(),
        _ => String::new(),
    };
    Event::typed(&event_type, body)
        .map_err(|e| invalid(format!("a {event_type} event that does not decode: {e}")))
}

/// `2026-11-01T09:30:00Z`, `2026-11-01T09:30:00.123+01:00`: RFC 3339's `date-time`.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let num = |r: std::ops::Range<usize>| {
        s.get(r)
            .and_then(|t| t.parse::<u32>().ok())
            .unwrap_or(u32::MAX)
    };
    if b.len() < 20
        || !(digits(0..4) && digits(5..7) && digits(8..10) && digits(11..13) && digits(14..16))
        || !digits(17..19)
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return false;
    }
    let (month, day, hour, minute, second) =
        (num(5..7), num(8..10), num(11..13), num(14..16), num(17..19));
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2]
            if [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()) =>
        {
            let two = |a: u8, b: u8| u32::from(a - b'0') * 10 + u32::from(b - b'0');
            two(*h1, *h2) <= 23 && two(*m1, *m2) <= 59
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamps_are_rfc3339_date_times() {
        for ok in [
            "2026-11-01T09:30:00Z",
            "2026-11-01T09:30:00.123456Z",
            "2026-11-01t09:30:00+01:00",
            "2016-12-31T23:59:60-08:00",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "",
            "2026-11-01",
            "2026-11-01T09:30:00",
            "2026-13-01T09:30:00Z",
            "2026-11-01T24:30:00Z",
            "2026-11-01T09:30:00.Z",
            "2026-11-01T09:30:00+1:00",
            "2026-11-01T09:30:00+24:00",
            "2026-11-01T09:30:00Zjunk",
            "１０２６-11-01T09:30:00Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    fn lead() -> Value {
        json!({
            "id": "lead_1", "name": "Ada", "email": null, "phone": null, "company": null,
            "source": "call", "status": "new", "notes": null, "tags": [],
            "createdAt": "2026-11-01T09:30:00Z", "updatedAt": "2026-11-01T09:30:00Z"
        })
    }

    #[test]
    fn a_known_type_is_typed_and_an_unknown_one_kept() {
        let body =
            json!({"type": "lead.created", "timestamp": "2026-11-01T09:30:00Z", "data": lead()});
        let Event::LeadCreated(e) = parse(body).unwrap() else {
            panic!("not lead.created")
        };
        assert_eq!(e.data.name, "Ada");
        let body = json!({"type": "lead.merged", "data": [1, 2]});
        let event = parse(body.clone()).unwrap();
        assert_eq!(event.event_type(), "lead.merged");
        assert_eq!(
            event,
            Event::Unknown {
                event_type: "lead.merged".into(),
                raw: body
            }
        );
        assert_eq!(event.timestamp(), None);
    }

    #[test]
    fn a_known_type_that_does_not_decode_names_the_field() {
        let mut data = lead();
        data["name"] = json!(42);
        let body =
            json!({"type": "lead.created", "timestamp": "2026-11-01T09:30:00Z", "data": data});
        let e = parse(body).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidPayload);
        assert!(e.message().contains("data.name"), "{}", e.message());
        let body = json!({"type": "call.ended", "timestamp": "yesterday", "data": {}});
        let e = parse(body).unwrap_err();
        assert!(
            e.message().contains("data.id") || e.message().contains("timestamp"),
            "{}",
            e.message()
        );
        let body = json!({"type": "webhook.test", "timestamp": "yesterday", "data": {"webhookEndpointId": "we_1", "message": "hi"}});
        assert!(parse(body).unwrap_err().message().contains("timestamp"));
        for body in [json!([]), json!({"data": {}}), json!({"type": 7})] {
            assert_eq!(parse(body).unwrap_err().kind(), ErrorKind::InvalidPayload);
        }
    }
}
