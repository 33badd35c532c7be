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
