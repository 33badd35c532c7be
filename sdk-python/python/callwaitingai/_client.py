"""`Client` (blocking) and `AsyncClient` (asyncio)."""

from __future__ import annotations

import atexit
import logging
from types import TracebackType
from typing import Any, Mapping, Optional, Sequence, Type, TypeVar

from . import _errors, _native
from ._generated import _AsyncResources, _SyncResources
from ._resource import _query, options

__all__ = ["Client", "AsyncClient"]

# At exit, before the interpreter finalizes, let the runtime finish delivering async results:
# a runtime thread taking the GIL during finalization would crash the process.
atexit.register(_native.settle, 2.0)


class _Closed:
    """Stands in for the native client after `close()`: every call says so."""

    def __getattr__(self, name: str) -> object:
        raise _errors.CallWaitingAIError("this client is closed; create a new one")


_B = TypeVar("_B", bound="_Base")


def _given(**options: Any) -> Mapping[str, Any]:
    return {k: v for k, v in options.items() if v is not None}


def _attempt_logger(logger: logging.Logger) -> Any:
    """What the core calls before every attempt: a DEBUG line per request and an INFO line per
    retry, on `logger` (never the API key; a password in the base URL is redacted)."""

    def log(operation: str, method: str, url: str, retry: int) -> None:
        if retry:
            logger.info("retrying %s %s (%s), retry %d", method, url, operation, retry)
        else:
            logger.debug("%s %s (%s)", method, url, operation)

    return log


class _Base:
    _native: _native.NativeClient

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        max_retries: Optional[int] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        logger: Optional[logging.Logger] = None,
    ) -> None:
        """`api_key` defaults to `CALLWAITINGAI_API_KEY`, `base_url` (the server's origin) to
        `CALLWAITINGAI_BASE_URL`. `max_retries` counts retries: 1 + max_retries attempts
        (default 2). `timeout` is per attempt, in seconds (default 60); `deadline` bounds a whole
        call, retries and waits included (default 120). The core checks every value and raises
        `InvalidRequestError` (a `TypeError`) for a bad one.

        Requests are logged through `logging`: every attempt at DEBUG and every retry at INFO on
        `logger` (default `logging.getLogger("callwaitingai")`), when that logger is enabled for
        INFO as the client is created. `CALLWAITINGAI_LOG=debug` logs from the core to stderr
        instead."""
        log = logger if logger is not None else logging.getLogger("callwaitingai")
        self._native = _native.NativeClient(
            _given(api_key=api_key, base_url=base_url, max_retries=max_retries, timeout=timeout, deadline=deadline),
            _attempt_logger(log) if log.isEnabledFor(logging.INFO) else None,
        )
        self._base_url = self._native.base_url
        self._attach_resources()

    def with_options(
        self: _B,
        *,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        max_retries: Optional[int] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
    ) -> _B:
        """A client with the given options changed and the rest as this one's, sharing its
        connection pool: `client.with_options(timeout=300).calls.list()`."""
        clone = object.__new__(type(self))
        clone._native = self._native.with_options(
            _given(api_key=api_key, base_url=base_url, max_retries=max_retries, timeout=timeout, deadline=deadline)
        )
        clone._base_url = clone._native.base_url
        clone._attach_resources()
        return clone

    def _attach_resources(self) -> None:
        """Creates the resource attributes; the generated mixins (earlier in the MRO) do it."""

    @property
    def base_url(self) -> str:
        return self._base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._native.display_base_url!r})"


class Client(_SyncResources, _Base):
    """The blocking client. Calls release the GIL while they wait."""

    def request(
        self,
        operation_id: str,
        ids: Sequence[str] = (),
        *,
        query: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        idempotency_key: Optional[str] = None,
    ) -> Any:
        """Any operation by its operationId (`"leads.list"`), returning the JSON as sent with
        snake_case keys: for what the typed methods do not take, such as field selection:
        `client.request("leads.list", query={"fields": "id,name"})`."""
        opts = options(timeout, max_retries, extra_headers, idempotency_key)
        data, _meta = self._native.request(operation_id, list(ids), _query(dict(query) if query else None), body, opts)
        return data

    def close(self) -> None:
        """Releases the connection pool: idle connections close, and later calls raise."""
        self._native = _Closed()  # type: ignore[assignment]

    def __enter__(self) -> "Client":
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()


class AsyncClient(_AsyncResources, _Base):
    """The asyncio client. Every method is a coroutine, except `list()`, which returns an
    object that is both awaitable (the first page) and async-iterable (every item)."""

    async def request(
        self,
        operation_id: str,
        ids: Sequence[str] = (),
        *,
        query: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        idempotency_key: Optional[str] = None,
    ) -> Any:
        """Like `Client.request`, as a coroutine."""
        opts = options(timeout, max_retries, extra_headers, idempotency_key)
        data, _meta = await self._native.request(operation_id, list(ids), _query(dict(query) if query else None), body, opts, asynchronous=True)
        return data

    async def aclose(self) -> None:
        """Releases the connection pool: idle connections close, and later calls raise."""
        self._native = _Closed()  # type: ignore[assignment]

    async def close(self) -> None:
        await self.aclose()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.aclose()
