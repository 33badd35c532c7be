"""What users get from the SDK's types and options: mypy --strict on a user's file catches a
misspelt attribute, an enum value that does not exist and a bad nested input; the per-call
`deadline`, `extra_query` and `extra_body` reach the server; `with_raw_response` and
`with_options` do what they say."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from callwaitingai import APITimeoutError, Client

from .conftest import KEY


def _mypy(tmp_path: Path, code: str) -> str:
    f = tmp_path / "user.py"
    f.write_text(textwrap.dedent(code))
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / ".mypy"), str(f)],
        capture_output=True,
        text=True,
    )
    return out.stdout


def test_mypy_accepts_what_users_write(tmp_path: Path) -> None:
    out = _mypy(
        tmp_path,
        """
        from callwaitingai import Client, Lead
        from callwaitingai._generated import TranscriptSegmentParam

        client = Client(api_key="cw_test", base_url="http://127.0.0.1:9")
        lead: Lead = client.leads.create(name="Ada", status="qualified", source="web")
        name: str = lead.name
        segment: TranscriptSegmentParam = {"speaker": "caller", "text": "hi", "start_ms": 0, "end_ms": 5}
        client.calls.add_transcript("call_1", segments=[segment])
        client.leads.list(status="new", deadline=5.0, extra_query={"beta": "1"})
        raw = client.with_raw_response.leads.create(name="Ada")
        parsed: Lead = raw.parse()
        code: int = raw.status_code
        patient: Client = client.with_options(timeout=300)
        """,
    )
    assert "Success" in out, out


def test_mypy_refuses_typos_unknown_enum_values_and_bad_nested_inputs(tmp_path: Path) -> None:
    out = _mypy(
        tmp_path,
        """
        from callwaitingai import Client

        client = Client(api_key="cw_test", base_url="http://127.0.0.1:9")
        lead = client.leads.create(name="Ada", status="qualifed")
        print(lead.nmae)
        client.calls.add_transcript("call_1", segments=[{"speaker": "caller", "txt": "hi", "start_ms": 0, "end_ms": 5}])
        """,
    )
    assert 'Argument "status"' in out and "qualifed" in out, out
    assert '"Lead" has no attribute "nmae"' in out, out
    assert '"txt"' in out, out


def test_extra_query_and_extra_body_reach_the_server(server) -> None:
    client = Client(api_key=KEY, base_url=server.url)
    for name in ("A", "B"):
        client.leads.create(name=name)
    # extra_query replaces a typed parameter of the same name.
    assert len(client.leads.list(limit=20, extra_query={"limit": 1}).data) == 1
    lead = client.leads.create(name="C", extra_body={"notes": "sent as an extra field"})
    assert lead.notes == "sent as an extra field"
    with pytest.raises(TypeError, match="extra_body must be an object"):
        client.leads.create(name="D", extra_body=[1])  # type: ignore[arg-type]


def test_a_call_deadline_bounds_retries_and_waits(make_server) -> None:
    slow = make_server("--latency", "400ms")
    client = Client(api_key=KEY, base_url=slow.url, timeout=5)
    with pytest.raises(APITimeoutError, match="deadline"):
        client.leads.list(deadline=0.1)
    with pytest.raises(TypeError, match="deadline must be a positive number of seconds"):
        client.leads.list(deadline=-1)


def test_raw_responses_carry_status_headers_request_id_replay_and_rate_limit(make_server) -> None:
    server = make_server("--rate-limit", "100/min")
    client = Client(api_key=KEY, base_url=server.url)
    raw = client.with_raw_response.leads.create(name="Ada", idempotency_key="key-raw-1")
    lead = raw.parse()
    assert lead.name == "Ada"
    assert raw.status_code == 201
    assert raw.request_id is not None and raw.request_id.startswith("req_")
    assert raw.headers["x-request-id"] == raw.request_id
    assert raw.idempotent_replayed is False
    assert raw.rate_limit is not None and raw.rate_limit.limit == 100
    again = client.with_raw_response.leads.create(name="Ada", idempotency_key="key-raw-1")
    assert again.idempotent_replayed is True and again.parse().id == lead.id
    page = client.with_raw_response.leads.list(limit=1)
    assert page.status_code == 200 and [x.id for x in page.parse().data] == [lead.id]


def test_async_raw_responses_and_with_options(server) -> None:
    from callwaitingai import AsyncClient

    async def main() -> None:
        client = AsyncClient(api_key=KEY, base_url=server.url)
        raw = await client.with_raw_response.leads.create(name="Ada")
        assert raw.status_code == 201 and raw.parse().name == "Ada"
        page = await client.with_raw_response.leads.list()
        assert page.status_code == 200 and len(page.parse().data) == 1
        patient = client.with_options(max_retries=0, timeout=30)
        assert isinstance(patient, AsyncClient) and patient.base_url == client.base_url
        assert (await patient.leads.retrieve(raw.parse().id)).name == "Ada"

    asyncio.run(main())


def test_with_options_changes_only_what_is_given(make_server) -> None:
    slow = make_server("--latency", "300ms")
    client = Client(api_key=KEY, base_url=slow.url, timeout=5, max_retries=0)
    hasty = client.with_options(timeout=0.05)
    with pytest.raises(APITimeoutError):
        hasty.leads.list()
    assert client.leads.list().data == []  # the original keeps its own timeout
    with pytest.raises(TypeError, match="max_retries must be a whole number"):
        client.with_options(max_retries=-1)


def test_requests_and_retries_are_logged_through_logging_without_secrets(make_server, caplog) -> None:
    import logging

    flaky = make_server("--fault-rate", "1", "--fault-seed", "7")
    caplog.set_level(logging.DEBUG, logger="callwaitingai")
    base = flaky.url.replace("http://", "http://user:hunter2@")
    client = Client(api_key=KEY, base_url=base, max_retries=1)
    with pytest.raises(Exception):
        client.leads.list()
    lines = [r.getMessage() for r in caplog.records if r.name == "callwaitingai"]
    assert any(line.startswith("GET ") and "(leads.list)" in line for line in lines), lines
    assert any(line.startswith("retrying GET ") and "retry 1" in line for line in lines), lines
    assert not any(KEY in line or "hunter2" in line for line in lines), lines
    # A logger of the application's own.
    mine = logging.getLogger("my.app.sdk")
    mine.setLevel(logging.DEBUG)
    caplog.clear()
    Client(api_key=KEY, base_url=flaky.url, logger=mine).health.check()
    assert any(r.name == "my.app.sdk" and "(health.check)" in r.getMessage() for r in caplog.records)
