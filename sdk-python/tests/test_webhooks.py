"""Webhook verification: the shared vectors, the API, and real deliveries."""

from __future__ import annotations

import http.server
import json
import os
import queue
import threading
import time
from pathlib import Path

import pytest

from callwaitingai import Client, Webhook, WebhookVerificationError
from callwaitingai import webhooks
from callwaitingai.webhooks import meta_subscription_challenge, verify

from .conftest import KEY, ROOT

VECTORS = Path(os.environ.get("CALLWAITINGAI_VECTORS", ROOT / "tests" / "vectors" / "webhooks.json"))


def load_vectors():
    return json.loads(VECTORS.read_text())


@pytest.mark.parametrize("case", load_vectors(), ids=lambda c: c["name"])
def test_shared_vectors(case):
    try:
        if case["provider"] == "meta-handshake":
            got = meta_subscription_challenge(case["query"], case["verify_token"])
            assert got == case["challenge"]
        else:
            verify(
                case["body"].encode(),
                case["headers"],
                case["secret"],
                provider=case["provider"],
                url=case.get("url"),
                tolerance=case.get("tolerance") or 300,
                now=case.get("now"),
            )
        outcome = "ok"
    except WebhookVerificationError as e:
        outcome = e.kind
    assert outcome == case["expect"]


def test_webhook_class_returns_the_event_exactly_as_sent():
    wh = Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    body = '{"type":"lead.created","data":{"createdAt":"x","snake_key":1}}'
    ts = int(time.time())
    headers = {"Webhook-Id": "msg_1", "Webhook-Timestamp": str(ts), "Webhook-Signature": wh.sign("msg_1", ts, body)}
    event = wh.verify(body, headers)
    assert event == json.loads(body)
    assert wh.verify(body.encode(), headers) == event
    with pytest.raises(WebhookVerificationError) as e:
        wh.verify(body + " ", headers)
    assert e.value.kind == "invalid_signature"
    with pytest.raises(WebhookVerificationError) as e:
        wh.verify(body, headers, now=ts + 301)
    assert e.value.kind == "timestamp_too_old"
    assert wh.verify(body, headers, now=ts + 301, tolerance=400) == event
    with pytest.raises(WebhookVerificationError) as e:
        Webhook("whsec_")
    assert e.value.kind == "invalid_secret"
    assert "MfKQ" not in repr(wh)
    assert webhooks.WebhookVerificationError is WebhookVerificationError


def test_any_headers_mapping_works():
    class Headers:
        """Like Starlette's or Django's headers: only `items()`."""

        def __init__(self, pairs):
            self._pairs = pairs

        def items(self):
            return list(self._pairs)

    wh = Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    ts = int(time.time())
    h = Headers([("webhook-id", "m"), ("webhook-timestamp", str(ts)), ("webhook-signature", wh.sign("m", ts, b"{}"))])
    assert wh.verify(b"{}", h) == {}


def test_meta_handshake_takes_a_mapping():
    q = {"hub.mode": "subscribe", "hub.verify_token": "tok en", "hub.challenge": "42"}
    assert meta_subscription_challenge(q, "tok en") == "42"
    with pytest.raises(WebhookVerificationError) as e:
        meta_subscription_challenge(q, "other")
    assert e.value.kind == "handshake_failed"


def test_deliveries_from_the_server_verify(server):
    got: "queue.Queue[tuple]" = queue.Queue()

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["content-length"]))
            got.put((dict(self.headers.items()), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        client = Client(api_key=KEY, base_url=server.url)
        endpoint = client.webhooks.create(url=f"http://127.0.0.1:{httpd.server_port}/hook", events=["lead.created"])
        lead = client.leads.create(name="Hooked")
        headers, body = got.get(timeout=10)
        event = Webhook(endpoint.secret).verify(body, headers)
        assert event["type"] == "lead.created"
        assert event["data"]["id"] == lead.id
        assert event["data"]["createdAt"], "the payload keeps the wire's camelCase"
    finally:
        httpd.shutdown()


def test_interop_with_the_standardwebhooks_library(server):
    """Our server's deliveries verify with the third-party library, and its signatures with ours."""
    import datetime as dt

    import standardwebhooks

    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    theirs = standardwebhooks.Webhook(secret)
    body = '{"type":"webhook.test","data":{}}'
    now = dt.datetime.now(tz=dt.timezone.utc)
    sig = theirs.sign("msg_interop", now, body)
    headers = {"webhook-id": "msg_interop", "webhook-timestamp": str(int(now.timestamp())), "webhook-signature": sig}
    assert Webhook(secret).verify(body, headers) == json.loads(body)
    ours = Webhook(secret).sign("msg_interop", int(now.timestamp()), body)
    assert theirs.verify(body, {**headers, "webhook-signature": ours}) == json.loads(body)

    got: "queue.Queue[tuple]" = queue.Queue()

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            got.put((dict(self.headers.items()), self.rfile.read(int(self.headers["content-length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        client = Client(api_key=KEY, base_url=server.url)
        endpoint = client.webhooks.create(url=f"http://127.0.0.1:{httpd.server_port}/h", events=["lead.created"])
        client.leads.create(name="Interop")
        headers, body_bytes = got.get(timeout=10)
        lower = {k.lower(): v for k, v in headers.items()}
        event = standardwebhooks.Webhook(endpoint.secret).verify(body_bytes, lower)
        assert event["type"] == "lead.created"
    finally:
        httpd.shutdown()


# --- typed events (`Webhook.verify_event`) and test signing (`sign_request`) --------------------

EVENT_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
LEAD = {
    "id": "lead_1", "name": "Ada", "email": None, "phone": "+15550100", "company": None,
    "source": "call", "status": "new", "notes": None, "tags": ["vip"],
    "createdAt": "2026-11-01T09:30:00Z", "updatedAt": "2026-11-01T09:30:00Z",
}


def signed_event(body: dict) -> tuple:
    payload = json.dumps(body)
    headers = webhooks.sign_request(payload, EVENT_SECRET, timestamp=1_793_000_000, msg_id="msg_1")
    return payload, headers


def test_verify_event_returns_one_class_per_type_with_typed_data():
    import datetime

    from callwaitingai import Lead
    from callwaitingai.events import EVENT_TYPES, LeadCreatedEvent, UnknownEvent

    payload, headers = signed_event({"type": "lead.created", "timestamp": "2026-11-01T09:30:00Z", "data": LEAD})
    event = Webhook(EVENT_SECRET).verify_event(payload, headers, now=1_793_000_000)
    assert type(event) is LeadCreatedEvent
    assert event.type == "lead.created"
    assert event.timestamp == datetime.datetime(2026, 11, 1, 9, 30, tzinfo=datetime.timezone.utc)
    assert isinstance(event.data, Lead) and event.data.name == "Ada" and event.data.tags == ["vip"]
    assert event.data.created_at.tzinfo is not None
    match event:
        case LeadCreatedEvent(data=lead):
            assert lead.phone == "+15550100"
        case _:
            pytest.fail("match did not take the LeadCreatedEvent case")
    assert set(EVENT_TYPES) >= {"lead.created", "call.ended", "payment.failed", "webhook.test"}
    assert UnknownEvent not in EVENT_TYPES.values()


def test_an_unknown_event_type_is_kept_as_sent_and_never_raises():
    from callwaitingai.events import UnknownEvent

    body = {"type": "lead.merged", "timestamp": "2026-11-01T09:30:00Z", "data": {"mergedInto": "lead_2"}}
    event = Webhook(EVENT_SECRET).verify_event(*signed_event(body), now=1_793_000_000)
    assert type(event) is UnknownEvent
    assert event.type == "lead.merged"
    assert event.data == {"mergedInto": "lead_2"}, "unknown data keeps the wire's keys"


def test_a_known_type_that_does_not_decode_names_the_field():
    bad = dict(LEAD, name=42)
    body = {"type": "lead.created", "timestamp": "2026-11-01T09:30:00Z", "data": bad}
    with pytest.raises(WebhookVerificationError) as e:
        Webhook(EVENT_SECRET).verify_event(*signed_event(body), now=1_793_000_000)
    assert e.value.kind == "invalid_payload"
    assert "data.name" in str(e.value)
    payload, headers = signed_event({"type": "lead.created", "timestamp": "2026-11-01T09:30:00Z", "data": LEAD})
    with pytest.raises(WebhookVerificationError) as e:
        Webhook(EVENT_SECRET).verify_event(payload + " ", headers, now=1_793_000_000)
    assert e.value.kind == "invalid_signature", "the signature is checked before the body"


@pytest.mark.parametrize("provider", ["standard", "stripe", "calendly", "github", "meta", "twilio", "slack"])
def test_what_sign_request_signs_verify_accepts(provider):
    payload = "Body=Hello&From=%2B15550100" if provider == "twilio" else '{"id": "evt_1"}'
    url = "https://example.com/hooks/twilio?x=1" if provider == "twilio" else None
    secret = EVENT_SECRET if provider == "standard" else "s3cr3t"
    headers = webhooks.sign_request(payload, secret, provider=provider, url=url)
    verify(payload, headers, secret, provider=provider, url=url)
    with pytest.raises(WebhookVerificationError):
        verify(payload + "x", headers, secret, provider=provider, url=url)
    assert secret not in repr(headers) or provider == "standard"


def test_sign_request_refuses_bad_input_with_a_typed_error():
    with pytest.raises(WebhookVerificationError) as e:
        webhooks.sign_request("{}", "", provider="stripe")
    assert e.value.kind == "invalid_secret"
    with pytest.raises(WebhookVerificationError):
        webhooks.sign_request("a=b", "token", provider="twilio")  # Twilio signs the URL: url= needed
    with pytest.raises(Exception) as e:
        webhooks.sign_request("{}", "s", provider="paypal")
    assert "paypal" in str(e.value)


def test_the_providers_own_libraries_accept_what_sign_request_signs():
    """stripe, twilio, slack_sdk and standardwebhooks from PyPI, verifying our headers."""
    import standardwebhooks
    import stripe
    from slack_sdk.signature import SignatureVerifier
    from twilio.request_validator import RequestValidator

    now = int(time.time())
    body = '{"id": "evt_1", "object": "event", "type": "invoice.payment_failed", "data": {"object": {"object": "invoice"}}}'
    h = webhooks.sign_request(body, "whsec_stripe_test", provider="stripe", timestamp=now)
    event = stripe.Webhook.construct_event(body, h["Stripe-Signature"], "whsec_stripe_test")
    assert event["type"] == "invoice.payment_failed"

    h = webhooks.sign_request(body, EVENT_SECRET, provider="standard", timestamp=now)
    assert standardwebhooks.Webhook(EVENT_SECRET).verify(body, h)["id"] == "evt_1"

    form = "token=t&command=%2Fbook&text=tomorrow+9am"
    h = webhooks.sign_request(form, "slack_signing_secret", provider="slack", timestamp=now)
    assert SignatureVerifier("slack_signing_secret").is_valid(form, h["X-Slack-Request-Timestamp"], h["X-Slack-Signature"])

    url = "https://example.com/twilio/sms?account=7"
    form = "Body=Hi+there&From=%2B15550100&MessageSid=SM1&NumMedia=0"
    h = webhooks.sign_request(form, "twilio_auth_token", provider="twilio", url=url)
    params = dict(p.split("=", 1) for p in form.split("&"))
    from urllib.parse import unquote_plus

    params = {k: unquote_plus(v) for k, v in params.items()}
    assert RequestValidator("twilio_auth_token").validate(url, params, h["X-Twilio-Signature"])


# --- providers' events, typed (`callwaitingai.webhooks.verify_event`) ---------------------------

FIXTURES = ROOT / "tests" / "fixtures" / "webhooks"


def fixture(name: str) -> tuple:
    f = json.loads((FIXTURES / f"{name}.json").read_text())
    body = f["body"] if isinstance(f["body"], str) else json.dumps(f["body"])
    headers = webhooks.sign_request(body, f["secret"], provider=f["provider"], url=f["url"])
    return body, {**f["headers"], **headers}, f


def test_a_whatsapp_notification_is_typed_and_flattened():
    from callwaitingai import _generated as models

    body, headers, f = fixture("meta-interactive-button")
    event = webhooks.verify_event(body, headers, f["secret"], provider="meta")
    assert isinstance(event, webhooks.MetaNotification)
    assert (event.provider, event.type) == ("meta", "whatsapp_business_account")
    assert event.raw == json.loads(body)
    assert isinstance(event.entry[0].changes[0].value.metadata, models.WhatsAppMetadata)
    [message] = event.messages()
    assert isinstance(message, models.WhatsAppMessage)
    assert message.type == "interactive" and message.phone_number_id == "106540352242922"
    assert message.interactive.button_reply.id == "confirm-booking"
    assert message.from_ == "16505551234", "`from` is a keyword: the attribute is `from_`"
    assert event.statuses() == []


def test_an_unknown_whatsapp_message_type_keeps_its_type():
    body, headers, f = fixture("meta-unknown-message-type")
    [message] = webhooks.verify_event(body, headers, f["secret"], provider="meta").messages()
    assert message.type == "poll_vote"
    assert message.to_dict()["poll_vote"] == {"poll_id": "p1", "options": [1]}, "unknown fields are kept"


def test_twilio_callbacks_are_told_apart_and_form_fields_kept_as_strings():
    from callwaitingai import _generated as models

    body, headers, f = fixture("twilio-whatsapp-media")
    event = webhooks.verify_event(body, headers, f["secret"], provider="twilio", url=f["url"])
    assert isinstance(event, models.TwilioMessage) and event.type == "message"
    assert [m.content_type for m in event.media] == ["image/jpeg", "application/pdf"]
    assert event.raw["NumMedia"] == "2" and all(isinstance(v, str) for v in event.raw.values())
    body, headers, f = fixture("twilio-unknown-callback")
    event = webhooks.verify_event(body, headers, f["secret"], provider="twilio", url=f["url"])
    assert isinstance(event, models.UnknownProviderEvent) and event.type == "unknown"


def test_a_typed_provider_payload_of_the_wrong_shape_names_the_field():
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": "oops"}]})
    headers = webhooks.sign_request(body, "s", provider="meta")
    with pytest.raises(WebhookVerificationError) as e:
        webhooks.verify_event(body, headers, "s", provider="meta")
    assert e.value.kind == "invalid_payload" and "entry[0].changes" in str(e.value)
    with pytest.raises(WebhookVerificationError) as e:
        webhooks.verify_event(body, {**headers, "X-Hub-Signature-256": "sha256=00"}, "s", provider="meta")
    assert e.value.kind == "invalid_signature", "verified before it is parsed"
