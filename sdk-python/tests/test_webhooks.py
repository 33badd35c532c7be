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
