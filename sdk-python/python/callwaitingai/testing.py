"""Test helpers: the CallWaitingAI reference server as a local, stateful test double.

```
pip install callwaitingai callwaitingai-server
```

`reference_server(**flags)` starts the installed `callwaitingai-server` binary on a free
loopback port, in memory, with a fresh API key, and stops it on exit:

    from callwaitingai import Client
    from callwaitingai.testing import reference_server

    with reference_server(fault_rate=0.2) as server:
        client = Client(api_key=server.api_key, base_url=server.url)
        client.leads.create(name="Ada")

With pytest, the `callwaitingai-server` distribution registers the fixture
`callwaitingai_server` (the same object, one server per test).

The binary is found, in order: the `binary=` argument, `CALLWAITINGAI_SERVER_BIN`, the
`callwaitingai-server` distribution, then `PATH`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import sysconfig
import threading
from types import TracebackType
from typing import IO, Iterable, List, Optional, Type, Union

__all__ = ["ReferenceServer", "ReferenceServerError", "reference_server", "find_binary"]

_BINARY = "callwaitingai-server.exe" if os.name == "nt" else "callwaitingai-server"


class ReferenceServerError(RuntimeError):
    """The reference server could not be found or did not start."""


def find_binary(binary: Optional[str] = None) -> str:
    """The path of the `callwaitingai-server` binary (see the module's docstring)."""
    for candidate in (binary, os.environ.get("CALLWAITINGAI_SERVER_BIN")):
        if candidate:
            if not os.path.isfile(candidate):
                raise ReferenceServerError(f"no reference server binary at {candidate}")
            return candidate
    # The `callwaitingai-server` wheel installs the binary as a script of this environment.
    schemes = [sysconfig.get_default_scheme()]
    user = f"{os.name}_user"
    if user in sysconfig.get_scheme_names():
        schemes.append(user)
    for scheme in schemes:
        found = shutil.which(_BINARY, path=sysconfig.get_path("scripts", scheme))
        if found:
            return found
    found = shutil.which(_BINARY, path=os.path.dirname(sys.executable)) or shutil.which(_BINARY)
    if found:
        return found
    raise ReferenceServerError(
        "the CallWaitingAI reference server is not installed: "
        "`pip install callwaitingai-server` (or set CALLWAITINGAI_SERVER_BIN to the binary)"
    )


def _duration(name: str, value: Union[float, int, str]) -> str:
    """Seconds (a number) or the server's own form (`"200ms"`, `"5s"`)."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number of seconds or a string like '200ms'")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError(f"{name} must not be negative")
        return f"{round(value * 1000)}ms"
    return str(value)


def _flags(
    fault_rate: Optional[float],
    fault_seed: Optional[int],
    latency: Union[float, int, str, None],
    rate_limit: Union[int, str, None],
    webhook_retry_delays: Union[str, Iterable[Union[float, int, str]], None],
    demo: bool,
    extra_args: Iterable[str],
) -> List[str]:
    args: List[str] = []
    if fault_rate is not None:
        args += ["--fault-rate", str(fault_rate)]
    if fault_seed is not None:
        args += ["--fault-seed", str(fault_seed)]
    if latency is not None:
        args += ["--latency", _duration("latency", latency)]
    if rate_limit is not None:
        args += ["--rate-limit", rate_limit if isinstance(rate_limit, str) else f"{rate_limit}/min"]
    if webhook_retry_delays is not None:
        delays = (
            webhook_retry_delays
            if isinstance(webhook_retry_delays, str)
            else ",".join(_duration("webhook_retry_delays", d) for d in webhook_retry_delays)
        )
        args += ["--webhook-retry-delays", delays]
    if demo:
        args.append("--demo")
    return args + list(extra_args)


class ReferenceServer:
    """A running reference server: `.url` (no trailing slash), `.api_key`, `.stop()`.

    Also a context manager (stops on exit). Its stderr is captured: `.logs()` returns it.
    `reference_server(**flags)` is this class.

    Args:
        fault_rate: The share of API requests that fail (500, 503 or a dropped connection), 0 to 1.
        fault_seed: Makes the faults reproducible.
        latency: Delay of every API request: seconds, or the server's form (`"200ms"`).
        rate_limit: Requests per minute per key (a number), or the server's form (`"100/min"`).
        webhook_retry_delays: The delivery retry schedule: seconds each, or `"5s,5m"`.
        demo: Seed a demo organisation; `api_key` is then its key.
        extra_args: More command-line flags, as given.
        binary: The server binary to run (see the module's docstring for the default).
    """

    url: str
    """The server's base URL (`http://127.0.0.1:PORT`); the SDK's `base_url`."""
    api_key: str
    """An API key of a fresh organisation (the demo organisation's with `demo=True`)."""

    def __init__(
        self,
        *,
        fault_rate: Optional[float] = None,
        fault_seed: Optional[int] = None,
        latency: Union[float, int, str, None] = None,
        rate_limit: Union[int, str, None] = None,
        webhook_retry_delays: Union[str, Iterable[Union[float, int, str]], None] = None,
        demo: bool = False,
        extra_args: Iterable[str] = (),
        binary: Optional[str] = None,
    ) -> None:
        self._binary = find_binary(binary)
        key = "cw_test_" + secrets.token_hex(16)
        args = [
            self._binary,
            "--addr",
            "127.0.0.1:0",
            "--memory",
            "--bootstrap-key",
            f"test={key}",
        ] + _flags(fault_rate, fault_seed, latency, rate_limit, webhook_retry_delays, demo, extra_args)
        self._stderr: List[str] = []
        try:
            self._process = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        except OSError as e:
            raise ReferenceServerError(f"cannot start {self._binary}: {e}") from e
        self._drain(self._process.stderr, self._stderr)
        stdout = self._process.stdout
        assert stdout is not None
        first = stdout.readline().strip()
        if not first.startswith("listening on "):
            self._process.wait(timeout=10)
            raise ReferenceServerError(
                f"the reference server did not start (exit status {self._process.returncode}): "
                + ("".join(self._stderr).strip() or first or "no output")
            )
        self.url = first[len("listening on ") :]
        self.api_key = key
        if demo:
            line = stdout.readline().strip()
            self.api_key = line.rsplit(" ", 1)[-1] if line.startswith("demo organisation API key:") else key
        self._drain(stdout, [])

    @staticmethod
    def _drain(stream: Optional[IO[str]], into: List[str]) -> None:
        # Read the pipe to its end, so the server never blocks on a full pipe.
        if stream is None:
            return
        threading.Thread(target=lambda: into.extend(stream), daemon=True).start()

    def logs(self) -> str:
        """What the server wrote to stderr so far."""
        return "".join(self._stderr)

    def stop(self) -> None:
        """Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it. Idempotent."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def __enter__(self) -> "ReferenceServer":
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"ReferenceServer(url={self.url!r})"


reference_server = ReferenceServer
"""Starts a reference server: `with reference_server(**flags) as server: ...` (see
`ReferenceServer` for the flags)."""
