"""A customer's own test suite, using the reference server as its test double.

Installed the way users install us (`pip install callwaitingai callwaitingai-server pytest`);
CI runs it from the release artifacts in a virtualenv without a Rust toolchain.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, Dict, List

import pytest

from callwaitingai import Client, Webhook
from callwaitingai.testing import ReferenceServer, reference_server


def test_the_fixture_gives_a_fresh_server(callwaitingai_server: ReferenceServer) -> None:
    client = Client(api_key=callwaitingai_server.api_key, base_url=callwaitingai_server.url)
    lead = client.leads.create(name="Ada Lovelace", email="ada@example.com")
    assert [l.id for l in client.leads.list()] == [lead.id]


@pytest.mark.callwaitingai_server(fault_rate=1.0, fault_seed=7)
def test_flags_pass_through_the_marker(callwaitingai_server: ReferenceServer) -> None:
    client = Client(api_key=callwaitingai_server.api_key, base_url=callwaitingai_server.url, max_retries=0)
    with pytest.raises(Exception):
        client.leads.list()


def test_a_signed_delivery_verifies() -> None:
    received: List[Dict[str, Any]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"body": body, "headers": dict(self.headers)})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    receiver = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        with reference_server(webhook_retry_delays=[0.1]) as server:
            client = Client(api_key=server.api_key, base_url=server.url)
            endpoint = client.webhooks.create(
                url=f"http://127.0.0.1:{receiver.server_port}/hooks", events=["lead.created"]
            )
            assert endpoint.secret is not None
            client.leads.create(name="Grace Hopper")
            deadline = time.monotonic() + 10
            while not received and time.monotonic() < deadline:
                time.sleep(0.05)
            assert received, f"no delivery; server log:\n{server.logs()}"
            event = Webhook(endpoint.secret).verify(received[0]["body"], received[0]["headers"])
            assert event["type"] == "lead.created"
            assert json.loads(received[0]["body"])["data"]["name"] == "Grace Hopper"
        server.stop()  # idempotent
    finally:
        receiver.shutdown()


def test_demo_seeds_an_organisation_and_gives_its_key() -> None:
    with reference_server(demo=True) as server:
        client = Client(api_key=server.api_key, base_url=server.url)
        assert len(client.leads.list().data) > 0


def test_a_missing_binary_is_a_clear_error(tmp_path: Any) -> None:
    from callwaitingai.testing import ReferenceServerError

    with pytest.raises(ReferenceServerError, match="no reference server binary"):
        reference_server(binary=str(tmp_path / "nope"))
