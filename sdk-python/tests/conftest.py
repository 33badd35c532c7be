"""Fixtures: the reference server binary on 127.0.0.1:0, always shut down."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Iterator, List

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY = "cw_test_python_acme_00000000000000"
OTHER_KEY = "cw_test_python_globex_000000000000"


def server_binary() -> str:
    explicit = os.environ.get("CALLWAITINGAI_SERVER_BIN")
    if explicit:
        return explicit
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return str(target / "debug" / "callwaitingai-server")


class Server:
    def __init__(self, extra: List[str]) -> None:
        args = [
            server_binary(), "--addr", "127.0.0.1:0", "--memory",
            "--bootstrap-key", f"acme={KEY}", "--bootstrap-key", f"globex={OTHER_KEY}",
            *extra,
        ]
        if "--rate-limit" not in extra:
            args += ["--rate-limit", "1000000/min"]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"the reference server did not start: {line!r}")
        self.url = line[len("listening on "):]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server([])
    yield s
    s.stop()


@pytest.fixture
def make_server() -> Iterator:
    started: List[Server] = []

    def make(*extra: str) -> Server:
        s = Server(list(extra))
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()
