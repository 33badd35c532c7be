"""What the generated resources stand on: arguments, calls, and pages."""

from __future__ import annotations

import datetime
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Dict,
    Generator,
    Generic,
    Iterator,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
)

if TYPE_CHECKING:
    from ._native import NativePage

__all__ = [
    "NOT_GIVEN",
    "NotGiven",
    "SyncPage",
    "AsyncPage",
    "AsyncPageRequest",
    "SyncResource",
    "AsyncResource",
    "RawResponse",
    "RateLimit",
]

T = TypeVar("T")
Options = Dict[str, Any]


class NotGiven:
    """The default of optional arguments: the field is left out (`None` sends `null`)."""

    _instance: Optional["NotGiven"] = None

    def __new__(cls) -> "NotGiven":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def body(fields: Mapping[str, Any]) -> Dict[str, Any]:
    """A request body (wire names) without the fields not given."""
    return {k: _jsonable(v) for k, v in fields.items() if v is not NOT_GIVEN}


def options(
    timeout: Optional[float],
    max_retries: Optional[int],
    extra_headers: Optional[Mapping[str, str]],
    idempotency_key: Optional[str],
    deadline: Optional[float] = None,
    extra_query: Optional[Mapping[str, object]] = None,
    extra_body: Optional[Mapping[str, object]] = None,
) -> Options:
    """The request options as given; the core checks them (`InvalidRequestError`)."""
    given = {
        "timeout": timeout,
        "deadline": deadline,
        "max_retries": max_retries,
        "extra_headers": dict(extra_headers) if extra_headers is not None else None,
        "idempotency_key": idempotency_key,
        "extra_query": _jsonable(extra_query) if extra_query is not None else None,
        "extra_body": _jsonable(extra_body) if extra_body is not None else None,
    }
    return {k: v for k, v in given.items() if v is not None}


def _query(query: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    if query is None:
        return None
    return {k: _jsonable(v) for k, v in query.items() if v is not None}


class SyncPage(Generic[T]):
    """A page of a list: `.data`, `.has_more`, `.next_cursor`, `.next_page()`. Iterating it
    walks every item of this page and the pages after it, fetching them lazily."""

    __slots__ = ("_native", "_model", "data")

    def __init__(self, native: "NativePage", model: Type[T]) -> None:
        self._native = native
        self._model = model
        self.data: List[T] = [model(**d) for d in native.data]

    @property
    def has_more(self) -> bool:
        return self._native.has_more

    @property
    def next_cursor(self) -> Optional[str]:
        return self._native.next_cursor

    def has_next_page(self) -> bool:
        return self._native.has_more and self._native.next_cursor is not None

    def next_page(self) -> Optional["SyncPage[T]"]:
        """The next page, or None after the last."""
        nxt = self._native.next_page()
        return None if nxt is None else SyncPage(nxt, self._model)

    def __iter__(self) -> Iterator[T]:
        for item in self._native.items():
            yield self._model(**item)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"SyncPage(data=[{len(self.data)} items], has_more={self.has_more})"


class AsyncPage(Generic[T]):
    """A page of a list on the async client; `async for` walks every item from here on."""

    __slots__ = ("_native", "_model", "data")

    def __init__(self, native: "NativePage", model: Type[T]) -> None:
        self._native = native
        self._model = model
        self.data: List[T] = [model(**d) for d in native.data]

    @property
    def has_more(self) -> bool:
        return self._native.has_more

    @property
    def next_cursor(self) -> Optional[str]:
        return self._native.next_cursor

    def has_next_page(self) -> bool:
        return self._native.has_more and self._native.next_cursor is not None

    async def next_page(self) -> Optional["AsyncPage[T]"]:
        nxt = await self._native.next_page(asynchronous=True)
        return None if nxt is None else AsyncPage(nxt, self._model)

    async def __aiter__(self) -> AsyncIterator[T]:
        async for item in self._native.items():
            yield self._model(**item)

    def __repr__(self) -> str:
        return f"AsyncPage(data=[{len(self.data)} items], has_more={self.has_more})"


class AsyncPageRequest(Generic[T]):
    """What the async client's `list()` returns: `await` it for the first page, or
    `async for` over it for every item across pages."""

    __slots__ = ("_client", "_args", "_model")

    def __init__(self, client: Any, args: Tuple[Any, ...], model: Type[T]) -> None:
        self._client = client
        self._args = args
        self._model = model

    async def _first(self) -> AsyncPage[T]:
        native = await self._client._native.list(*self._args, asynchronous=True)
        return AsyncPage(native, self._model)

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._first().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await self._first()
        async for item in page:
            yield item


class RateLimit(NamedTuple):
    """The rate-limit headers of a response."""

    limit: int
    """Requests allowed per window."""
    remaining: int
    """Requests left in the window."""
    reset: int
    """When the window resets (unix seconds)."""


class RawResponse(Generic[T]):
    """What `client.with_raw_response.<resource>.<method>(...)` answers: the response's status,
    headers, request id, whether the server replayed a stored answer for the idempotency key,
    and the rate limit, with the body: `.parse()` gives what the plain method returns."""

    __slots__ = ("_parsed", "status_code", "headers", "request_id", "idempotent_replayed", "rate_limit")

    def __init__(self, parsed: T, meta: Mapping[str, Any]) -> None:
        self._parsed = parsed
        self.status_code: int = meta["status_code"]
        self.headers: Dict[str, str] = meta["headers"]
        self.request_id: Optional[str] = meta["request_id"]
        self.idempotent_replayed: bool = meta["idempotent_replayed"]
        limit = meta["rate_limit"]
        self.rate_limit: Optional[RateLimit] = RateLimit(**limit) if limit else None

    def parse(self) -> T:
        """The body, as the plain method returns it."""
        return self._parsed

    def __repr__(self) -> str:
        return f"RawResponse(status_code={self.status_code}, request_id={self.request_id!r})"


def _model(model: Any, data: Any) -> Any:
    return model(**data) if isinstance(data, dict) else data


class SyncResource:
    """A resource of the blocking client."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def _call(self, op: str, ids: Sequence[str], query: Optional[Dict[str, Any]], body: Any, model: Any, opts: Options) -> Any:
        data, _meta = self._client._native.request(op, list(ids), _query(query), body, opts, True)
        return _model(model, data)

    def _call_raw(self, op: str, ids: Sequence[str], query: Optional[Dict[str, Any]], body: Any, model: Any, opts: Options) -> Any:
        data, meta = self._client._native.request(op, list(ids), _query(query), body, opts, True)
        return RawResponse(_model(model, data), meta)

    def _list(self, op: str, ids: Sequence[str], query: Optional[Dict[str, Any]], model: Type[T], opts: Options) -> SyncPage[T]:
        native = self._client._native.list(op, list(ids), _query(query), opts, True)
        return SyncPage(native, model)

    def _list_raw(self, op: str, ids: Sequence[str], query: Optional[Dict[str, Any]], model: Type[T], opts: Options) -> "RawResponse[SyncPage[T]]":
        native = self._client._native.list(op, list(ids), _query(query), opts, True)
        return RawResponse(SyncPage(native, model), native.response)


class AsyncResource:
    """A resource of the asyncio client."""

    def __init__(self, client: Any) -> None:
        self._client = client

    async def _call(self, op: str, ids: Sequence[str], query: Optional[Dict[str, Any]], body: Any, model: Any, opts: Options) -> Any:
        data, _meta = await self._client._native.request(op, list(ids), _query(query), body, opts, True, asynchronous=True)
        return _model(model, data)

    async def _call_raw(self, op: str, ids: Sequence[str], query: Optional[Dict[str, Any]], body: Any, model: Any, opts: Options) -> Any:
        data, meta = await self._client._native.request(op, list(ids), _query(query), body, opts, True, asynchronous=True)
        return RawResponse(_model(model, data), meta)

    async def _list_raw(self, op: str, ids: Sequence[str], query: Optional[Dict[str, Any]], model: Type[T], opts: Options) -> "RawResponse[AsyncPage[T]]":
        native = await self._client._native.list(op, list(ids), _query(query), opts, True, asynchronous=True)
        return RawResponse(AsyncPage(native, model), native.response)

    def _list(self, op: str, ids: Sequence[str], query: Optional[Dict[str, Any]], model: Type[T], opts: Options) -> AsyncPageRequest[T]:
        return AsyncPageRequest(self._client, (op, list(ids), _query(query), opts, True), model)
