"""The Python client as a user runs it, against hostile local servers: Ctrl-C during a blocking
call, a body that never ends, a huge error body, dot ids, odd timeouts, how it names itself,
what repr and logs show."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from typing import Callable, List

import pytest

import callwaitingai
from callwaitingai import APIError, BadRequestError, Client

from .conftest import KEY


class RawServer:
    """Answers every request on 127.0.0.1:0 with `reply(sock)`; records request heads."""

    def __init__(self, reply: Callable[[socket.socket], None]) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.heads: List[str] = []
        self.reply = reply
        self.sent = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                head += chunk
            self.heads.append(head.decode("latin-1"))
            try:
                self.reply(conn)
            except OSError:
                pass

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def raw_server():
    started: List[RawServer] = []

    def make(reply: Callable[[socket.socket], None]) -> RawServer:
        s = RawServer(reply)
        started.append(s)
        return s

    yield make
    for s in started:
        s.close()


def _endless(server_holder: List[RawServer]) -> Callable[[socket.socket], None]:
    def reply(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n")
        chunk = b" " * 65536
        while True:
            conn.sendall(chunk)
            server_holder[0].sent += len(chunk)

    return reply


def test_a_body_that_never_ends_fails_at_the_limit_and_memory_stays_bounded(raw_server):
    holder: List[RawServer] = []
    server = raw_server(_endless(holder))
    holder.append(server)
    client = Client(api_key=KEY, base_url=server.url, max_retries=0)
    started = time.monotonic()
    with pytest.raises(APIError) as e:
        client.leads.retrieve("lead_1")
    assert time.monotonic() - started < 10
    assert "max_response_bytes" in str(e.value)
    assert server.sent < 64 * 1024 * 1024, f"{server.sent} bytes were read before failing"


def test_ctrl_c_interrupts_a_blocking_call_at_once(tmp_path):
    # A server that accepts and never answers, in a child process that we send SIGINT to.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    port = silent.getsockname()[1]
    script = tmp_path / "hang.py"
    # Ctrl-C as in a terminal: Python raises KeyboardInterrupt only if SIGINT was not ignored
    # when it started, and a test runner started in the background (`cmd &`) passes SIGINT
    # ignored to its children; the script puts Python's own handler back.
    script.write_text(textwrap.dedent(f"""
        import signal, sys, time
        signal.signal(signal.SIGINT, signal.default_int_handler)
        from callwaitingai import Client
        client = Client(api_key={KEY!r}, base_url="http://127.0.0.1:{port}", timeout=120, max_retries=0)
        print("calling", flush=True)
        started = time.monotonic()
        try:
            client.leads.list()
        except KeyboardInterrupt:
            print(f"interrupted after {{time.monotonic() - started:.2f}}", flush=True)
            sys.exit(0)
        print("returned", flush=True)
        sys.exit(3)
    """))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "calling"
        time.sleep(0.5)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=10)
        assert proc.returncode == 0, out
        assert out.startswith("interrupted after"), out
        assert time.monotonic() - sent < 3, "Ctrl-C waited for the request"
    finally:
        if proc.poll() is None:
            proc.kill()
        silent.close()


def _error_body_server(raw_server, message_bytes: int):
    body = ('{"error":{"code":"BAD_REQUEST","message":"%s"}}' % ("y" * message_bytes)).encode()

    def reply(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(body))
        conn.sendall(body)

    return raw_server(reply), body


def test_a_fifty_megabyte_error_body_is_over_the_default_limit(raw_server):
    server, _ = _error_body_server(raw_server, 50 * 1024 * 1024)
    client = Client(api_key=KEY, base_url=server.url, max_retries=0)
    with pytest.raises(APIError, match="max_response_bytes"):
        client.leads.retrieve("lead_1")


def test_a_long_error_message_is_cut_in_str_and_kept_in_body(raw_server):
    server, body = _error_body_server(raw_server, 4 * 1024 * 1024)
    client = Client(api_key=KEY, base_url=server.url, max_retries=0)
    with pytest.raises(BadRequestError) as e:
        client.leads.retrieve("lead_1")
    assert len(str(e.value)) < 2000
    assert e.value.code == "BAD_REQUEST"
    assert e.value.body is not None and len(e.value.body) == len(body)


def _ok(conn: socket.socket) -> None:
    """A well-formed answer to a delete (a `DeletedObject`)."""
    body = b'{"id":"lead_1","deleted":true}'
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))


def test_dot_ids_never_leave_their_path_segment(raw_server):
    server = raw_server(_ok)
    client = Client(api_key=KEY, base_url=server.url, max_retries=0)
    for bad in (".", ".."):
        with pytest.raises(TypeError):
            client.api_keys.rotate(bad)
        with pytest.raises(TypeError):
            client.leads.retrieve(bad)
    assert server.heads == []
    client.leads.delete("a/../b")
    assert server.heads[0].startswith("DELETE /api/v1/leads/a%2F..%2Fb HTTP/1.1"), server.heads[0]


def test_the_python_sdk_names_itself(raw_server):
    server = raw_server(_ok)
    client = Client(api_key=KEY, base_url=server.url)
    client.leads.delete("lead_1")
    v = sys.version_info
    want = f"callwaitingai-python/{callwaitingai.__version__} python/{v.major}.{v.minor}.{v.micro}"
    head = server.heads[0].lower()
    assert f"user-agent: {want}\r\n".lower() in head, server.heads[0]
    assert f"x-callwaitingai-client: {want}\r\n".lower() in head, server.heads[0]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -1.0, 0.0, 1e300])
def test_bad_timeouts_are_typed_errors_not_panics(bad, raw_server):
    server = raw_server(_ok)
    with pytest.raises(TypeError, match="timeout must be"):
        Client(api_key=KEY, base_url=server.url, timeout=bad)
    client = Client(api_key=KEY, base_url=server.url)
    with pytest.raises(TypeError, match="timeout must be"):
        client.leads.list(timeout=bad)
    assert server.heads == []


def test_repr_never_shows_a_password_in_the_base_url():
    client = Client(api_key=KEY, base_url="http://user:hunter2@127.0.0.1:9")
    assert "hunter2" not in repr(client)
    assert "[redacted]" in repr(client) or "%5Bredacted%5D" in repr(client)
    assert KEY not in repr(client)


def test_logs_redirected_to_a_file_have_no_colour_codes(server, tmp_path):
    code = f"import callwaitingai; callwaitingai.Client(api_key={KEY!r}, base_url={server.url!r}).leads.list()"
    log = tmp_path / "log.txt"
    with open(log, "w") as f:
        subprocess.run([sys.executable, "-c", code], env={**os.environ, "CALLWAITINGAI_LOG": "debug"}, stderr=f, check=True)
    text = log.read_text()
    assert "leads.list" in text
    assert "\x1b[" not in text, repr(text[:200])


def test_a_typed_answer_that_is_not_the_model_is_a_validation_error(raw_server):
    body = b'{"foo":1}'

    def reply(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: req_bad\r\nconnection: close\r\n"
            + f"content-length: {len(body)}\r\n\r\n".encode()
            + body
        )

    server = raw_server(reply)
    client = Client(api_key=KEY, base_url=server.url, max_retries=0)
    with pytest.raises(callwaitingai.APIResponseValidationError) as e:
        client.leads.retrieve("lead_1")
    assert isinstance(e.value, APIError)
    assert (e.value.kind, e.value.status_code, e.value.request_id) == ("decode", 200, "req_bad")
    assert "Lead" in e.value.message
    with pytest.raises(callwaitingai.APIResponseValidationError):
        client.leads.list()
    # A raw call answers the JSON as sent.
    assert client.request("leads.retrieve", ["lead_1"]) == {"foo": 1}
