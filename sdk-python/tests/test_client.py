"""The blocking client against the reference server."""

from __future__ import annotations

import datetime
import http.server
import json
import threading

import pytest

import callwaitingai
from callwaitingai import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    Client,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

from .conftest import KEY, OTHER_KEY


def test_the_seed_snippet_as_written(server):
    client = Client(api_key=KEY, base_url=server.url)
    leads = client.leads.list(status="new")
    assert leads.data == []
    lead = client.leads.create(name="John Doe")
    assert lead.name == "John Doe"
    assert lead.status == "new"
    assert lead.id.startswith("lead_")
    assert isinstance(lead.created_at, datetime.datetime)
    assert lead.created_at.tzinfo is not None


def test_every_resource(server):
    with Client(api_key=KEY, base_url=server.url) as client:
        lead = client.leads.create(name="Ann", email="ann@example.com", tags=["vip"])
        assert client.leads.retrieve(lead.id) == lead
        updated = client.leads.update(lead.id, status="contacted", notes="called", email=None)
        assert (updated.status, updated.notes, updated.email) == ("contacted", "called", None)
        assert updated.tags == ["vip"], "fields not given are left alone"

        call = client.calls.create(direction="inbound", from_number="+15550100", to_number="+15550199", lead_id=lead.id)
        call = client.calls.add_transcript(call.id, segments=[{"speaker": "caller", "text": "Hi", "start_ms": 0, "end_ms": 800}])
        seg = call.transcript.segments[0]
        assert (seg.speaker, seg.start_ms, seg.end_ms) == ("caller", 0, 800)
        ended = client.calls.update(call.id, status="completed")
        assert isinstance(ended.ended_at, datetime.datetime)
        assert [c.id for c in client.calls.list(lead_id=lead.id)] == [call.id]

        sent = client.chat.send_message(content="Do you open on Saturdays?", channel="whatsapp")
        assert sent.reply is not None and "Saturday" in sent.reply.content
        session = client.chat.sessions.retrieve(sent.session.id)
        assert session.message_count == 2
        assert [m.role for m in client.chat.sessions.messages(session.id)] == ["user", "assistant"]
        assert client.chat.sessions.list(channel="whatsapp").data[0].id == session.id

        summary = client.analytics.summary()
        assert summary.leads.total == 1
        assert isinstance(summary.from_, datetime.date)
        by_status = client.analytics.calls().by_status
        assert by_status == {"completed": 1}
        assert client.analytics.leads(from_=datetime.date(2020, 1, 1), to="2020-01-31").total == 0

        endpoint = client.webhooks.create(url="http://127.0.0.1:9/hook", events=["lead.created"])
        assert endpoint.secret.startswith("whsec_")
        assert "whsec_" not in repr(endpoint)
        assert client.webhooks.retrieve(endpoint.id).secret is None
        client.webhooks.update(endpoint.id, enabled=False, description=None)
        assert client.webhooks.rotate_secret(endpoint.id).secret != endpoint.secret
        delivery = client.webhooks.test(endpoint.id)
        assert delivery.event_type == "webhook.test"
        assert client.webhooks.deliveries(endpoint.id).data[0].id == delivery.id
        assert client.webhooks.retry_delivery(endpoint.id, delivery.id).webhook_id == delivery.webhook_id
        assert client.webhooks.list().data[0].id == endpoint.id
        assert client.webhooks.delete(endpoint.id).deleted

        key = client.api_keys.create(name="ci", scopes=["read:leads"])
        assert key.key.startswith("cw_live_")
        assert key.key not in repr(key)
        assert all(k.key is None for k in client.api_keys.list())
        assert client.api_keys.rotate(key.id).key != key.key
        assert client.api_keys.revoke(key.id).revoked_at is not None

        assert client.health.check().status == "ok"
        assert client.leads.delete(lead.id).deleted


def test_login_with_a_user(make_server):
    server = make_server("--bootstrap-user", "acme=owner@acme.example:hunter2!")
    client = Client(api_key=KEY, base_url=server.url)
    tokens = client.auth.login(email="owner@acme.example", password="hunter2!")
    assert tokens.token_type == "Bearer"
    assert "hunter2" not in repr(callwaitingai.LoginParams(email="x", password="hunter2!"))
    as_user = Client(api_key=tokens.access_token, base_url=server.url)
    assert as_user.leads.create(name="via JWT").name == "via JWT"
    assert client.auth.refresh(refresh_token=tokens.refresh_token).refresh_token != tokens.refresh_token


def test_pages_iterate_every_item_across_pages(server):
    client = Client(api_key=KEY, base_url=server.url)
    ids = {client.leads.create(name=f"L{i:03}").id for i in range(210)}
    page = client.leads.list(limit=50, sort="name")
    assert len(page.data) == 50 and page.has_more and page.next_cursor
    second = page.next_page()
    assert second is not None and second.data[0].name == "L050"
    seen = [lead.id for lead in page]
    assert len(seen) == len(set(seen)) == 210
    assert set(seen) == ids


def test_every_error_class(server, make_server):
    client = Client(api_key=KEY, base_url=server.url)
    with pytest.raises(NotFoundError) as e:
        client.leads.retrieve("lead_missing")
    err = e.value
    assert (err.status_code, err.code) == (404, "NOT_FOUND")
    assert err.request_id.startswith("req_") and err.headers["x-request-id"] == err.request_id
    assert isinstance(err, APIError) and isinstance(err, callwaitingai.CallWaitingAIError)
    with pytest.raises(UnprocessableEntityError) as e:
        client.leads.create(name="x", email="nope")
    assert e.value.data == {"field": "email"}
    with pytest.raises(BadRequestError):
        client.leads.list(cursor="garbage")
    with pytest.raises(AuthenticationError):
        Client(api_key="cw_test_wrong", base_url=server.url).leads.list()
    reader = client.api_keys.create(name="ro", scopes=["read:leads"]).key
    with pytest.raises(PermissionDeniedError):
        Client(api_key=reader, base_url=server.url).leads.create(name="x")
    client.leads.create(name="a", idempotency_key="same")
    with pytest.raises(ConflictError):
        client.leads.create(name="b", idempotency_key="same")
    lead = client.leads.create(name="mine")
    with pytest.raises(NotFoundError):
        Client(api_key=OTHER_KEY, base_url=server.url).leads.retrieve(lead.id)

    limited = make_server("--rate-limit", "1/min")
    c = Client(api_key=KEY, base_url=limited.url, max_retries=0)
    c.leads.list()
    with pytest.raises(RateLimitError) as e:
        c.leads.list()
    assert e.value.status_code == 429 and 0 < e.value.retry_after <= 60


class _Failing(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):  # noqa: N802
        type(self).hits += 1
        body = b'{"error":{"code":"INTERNAL_SERVER_ERROR","message":"boom","requestId":"req_x"}}'
        self.send_response(500)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_server_errors_and_retry_counts():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Failing)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        client = Client(api_key=KEY, base_url=f"http://127.0.0.1:{httpd.server_port}", max_retries=1)
        with pytest.raises(InternalServerError) as e:
            client.leads.retrieve("lead_1")
        assert e.value.status_code == 500 and e.value.request_id == "req_x"
        assert _Failing.hits == 2, "max_retries counts retries: 1 + 1 attempts"
    finally:
        httpd.shutdown()


def test_connection_errors_and_timeouts():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(APIConnectionError) as e:
        Client(api_key=KEY, base_url=f"http://127.0.0.1:{port}", max_retries=0).leads.list()
    assert not isinstance(e.value, APITimeoutError)
    assert e.value.status_code is None

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        with pytest.raises(APITimeoutError):
            Client(api_key=KEY, base_url=f"http://127.0.0.1:{silent.getsockname()[1]}", max_retries=0, timeout=0.3).leads.list()
    finally:
        silent.close()


def test_faults_with_retries_leave_no_duplicates(make_server):
    server = make_server("--fault-rate", "0.3", "--fault-seed", "3")
    client = Client(api_key=KEY, base_url=server.url, max_retries=10)
    for i in range(25):
        client.leads.create(name=f"F{i:02}")
    clean = Client(api_key=KEY, base_url=server.url, max_retries=10)
    names = sorted(lead.name for lead in clean.leads.list(limit=100))
    assert names == [f"F{i:02}" for i in range(25)]


def test_environment_configuration(server, monkeypatch):
    monkeypatch.setenv("CALLWAITINGAI_API_KEY", KEY)
    monkeypatch.setenv("CALLWAITINGAI_BASE_URL", server.url + "/api/v1")
    client = Client()
    assert client.base_url == server.url + "/api/v1"
    assert client.leads.create(name="env").name == "env"
    assert KEY not in repr(client)
    monkeypatch.delenv("CALLWAITINGAI_API_KEY")
    with pytest.raises(TypeError):
        Client()


def test_models_have_equality_to_dict_and_tolerate_new_values(server):
    client = Client(api_key=KEY, base_url=server.url)
    lead = client.leads.create(name="Eq")
    again = client.leads.retrieve(lead.id)
    assert lead == again and lead is not again
    d = lead.to_dict()
    assert d["name"] == "Eq" and isinstance(d["created_at"], datetime.datetime)
    newer = callwaitingai.Lead(**{**d, "status": "archived", "favourite_colour": "red"})
    assert newer.status == "archived"
    assert newer.favourite_colour == "red"
    with pytest.raises(TypeError):
        client.leads.create(name="x", colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        client.calls.add_transcript("call_1", segments=[{"speaker": "x", "txt": "typo", "start_ms": 0, "end_ms": 1}])


def test_callwaitingai_log_logs_requests_without_the_key(server):
    import os
    import subprocess
    import sys

    code = f"import callwaitingai; callwaitingai.Client(api_key={KEY!r}, base_url={server.url!r}).leads.list()"
    env = {**os.environ, "CALLWAITINGAI_LOG": "debug"}
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert "leads.list" in res.stderr
    assert KEY not in res.stderr


def test_closed_clients_refuse_calls(server):
    with Client(api_key=KEY, base_url=server.url) as client:
        client.leads.list()
    with pytest.raises(callwaitingai.CallWaitingAIError, match="closed"):
        client.leads.list()


def test_field_selection_is_a_raw_request_returning_partial_dicts(server):
    client = Client(api_key=KEY, base_url=server.url)
    lead = client.leads.create(name="Partial", email="p@example.com")
    page = client.request("leads.list", query={"fields": "name,createdAt"})
    assert page["data"][0] == {"id": lead.id, "name": "Partial", "created_at": page["data"][0]["created_at"]}
    one = client.request("leads.retrieve", [lead.id], query={"fields": "email"})
    assert one == {"id": lead.id, "email": "p@example.com"}
    with pytest.raises(TypeError):
        client.leads.list(fields="id,name")  # type: ignore[call-arg]
