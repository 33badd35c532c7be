"""The framework examples against the reference server: it signs real deliveries to each app,
which verifies them; a tampered request gets a 400 with the failure's kind."""

from __future__ import annotations

import importlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterator, Tuple

import pytest

from callwaitingai import Client

ROOT = Path(__file__).resolve().parents[2]
KEY = "cw_test_python_frameworks_0000000000"
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def api() -> Iterator[Client]:
    binary = os.environ.get("CALLWAITINGAI_SERVER_BIN") or str(ROOT / "target" / "debug" / "callwaitingai-server")
    proc = subprocess.Popen([binary, "--addr", "127.0.0.1:0", "--memory", "--bootstrap-key", f"acme={KEY}"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip().removeprefix("listening on ")
    client = Client(api_key=KEY, base_url=url)
    yield client
    client.close()
    proc.terminate()
    proc.wait(timeout=10)


def serve_wsgi(app: Any) -> Tuple[int, Callable[[], None]]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_port, server.shutdown


def serve_asgi(app: Any) -> Tuple[int, Callable[[], None]]:
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.01)

    def stop() -> None:
        server.should_exit = True

    return sock.getsockname()[1], stop


@pytest.mark.parametrize(
    "module, serve",
    [("fastapi_webhooks", serve_asgi), ("flask_webhooks", serve_wsgi), ("django_webhooks", serve_wsgi)],
)
def test_deliveries_verify_and_tampering_is_refused(api: Client, module: str, serve: Callable[[Any], Tuple[int, Callable[[], None]]]) -> None:
    endpoint = api.webhooks.create(url="http://127.0.0.1:9/not-yet", events=["lead.created"])
    os.environ["CALLWAITINGAI_WEBHOOK_SECRET"] = endpoint.secret
    example = importlib.import_module(module)
    app = getattr(example, "application", None) or example.app
    port, stop = serve(app)
    try:
        url = f"http://127.0.0.1:{port}/webhooks/callwaitingai"
        api.webhooks.update(endpoint.id, url=url)
        lead = api.leads.create(name=f"Lead for {module}")
        deadline = time.monotonic() + 15
        while not example.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [e.type for e in example.received] == ["lead.created"]
        assert type(example.received[0]).__name__ == "LeadCreatedEvent"
        assert example.received[0].data.id == lead.id
        # The server records the delivery once it has the handler's answer: poll for it (the
        # handler may have run a moment before).
        status = api.webhooks.deliveries(endpoint.id).data[0].status
        while status != "succeeded" and time.monotonic() < deadline:
            time.sleep(0.05)
            status = api.webhooks.deliveries(endpoint.id).data[0].status
        assert status == "succeeded"

        ts = str(int(time.time()))
        forged = urllib.request.Request(url, method="POST", data=json.dumps({"type": "lead.created"}).encode(), headers={
            "content-type": "application/json", "webhook-id": "msg_forged", "webhook-timestamp": ts,
            "webhook-signature": "v1,Zm9yZ2VkIHNpZ25hdHVyZSBmb3JnZWQgc2lnbmF0dXJlIQ==",
        })
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=10)
        assert refused.value.code == 400
        assert "invalid_signature" in refused.value.read().decode()
        assert len(example.received) == 1
    finally:
        stop()


def test_fastapi_handles_whatsapp_twilio_and_calendly_requests_signed_as_the_providers_would(monkeypatch: pytest.MonkeyPatch) -> None:
    """The provider routes of fastapi_webhooks.py, against requests signed with `sign_request`
    from the fixtures (the payloads each provider documents)."""
    from callwaitingai.webhooks import sign_request

    secrets = {"meta": "whatsapp-app-secret", "twilio": "twilio-auth-token", "calendly": "calendly-signing-key"}
    monkeypatch.setenv("CALLWAITINGAI_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    monkeypatch.setenv("WHATSAPP_APP_SECRET", secrets["meta"])
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", secrets["twilio"])
    monkeypatch.setenv("CALENDLY_SIGNING_KEY", secrets["calendly"])
    example = importlib.reload(importlib.import_module("fastapi_webhooks"))
    port, stop = serve_asgi(example.app)
    fixtures = ROOT / "tests" / "fixtures" / "webhooks"

    def post(path: str, name: str) -> int:
        f = json.loads((fixtures / f"{name}.json").read_text())
        body = f["body"] if isinstance(f["body"], str) else json.dumps(f["body"])
        url = f"http://127.0.0.1:{port}{path}"
        headers = sign_request(body, secrets[f["provider"]], provider=f["provider"], url=url)
        kind = "application/x-www-form-urlencoded" if isinstance(f["body"], str) else "application/json"
        req = urllib.request.Request(url, method="POST", data=body.encode(), headers={**headers, "content-type": kind})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return int(r.status)
        except urllib.error.HTTPError as e:
            return int(e.code)

    try:
        assert post("/webhooks/whatsapp", "meta-text") == 200
        assert post("/webhooks/whatsapp", "meta-status-failed") == 200
        assert post("/webhooks/twilio/status", "twilio-message-failed") == 204
        assert post("/webhooks/calendly", "calendly-invitee-created") == 204
        assert example.handled == [
            "whatsapp text from 16505551234 to 106540352242922: Does it come in another color?",
            "whatsapp wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA failed",
            "twilio SM9a8b7c6d5e4f30211203948576a5b4c3 undelivered 30003",
            "calendly booking by test@example.com at 2026-11-27T15:00:00.000000Z",
        ]
        # A request signed with another secret is refused, and nothing is handled.
        monkeypatch.setitem(secrets, "calendly", "not-the-key")
        assert post("/webhooks/calendly", "calendly-invitee-created") == 400
        assert len(example.handled) == 4
    finally:
        stop()
