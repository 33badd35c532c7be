"""Stubs of the compiled module (checked against it by mypy.stubtest in CI)."""

from typing import Any, Awaitable, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union, final


__all__ = ['__version__', 'NativeClient', 'NativePage', 'NativeItems', 'enable_logging', 'defaults', 'settle', 'Webhook', 'verify_webhook', 'verify_event', 'sign_request', 'meta_subscription_challenge']

__version__: str

_Options = Mapping[str, Any]

@final
class NativeClient:
    def __new__(
        cls,
        options: Optional[Mapping[str, Any]] = None,
        on_request: Optional[Callable[[str, str, str, int], None]] = None,
    ) -> "NativeClient": ...
    def with_options(self, options: Optional[Mapping[str, Any]] = None) -> "NativeClient": ...
    @property
    def base_url(self) -> str: ...
    @property
    def display_base_url(self) -> str: ...
    @property
    def user_agent(self) -> str: ...
    def request(
        self,
        op: str,
        ids: Sequence[str],
        query: Optional[Mapping[str, Any]] = None,
        body: Optional[Any] = None,
        opts: Optional[_Options] = None,
        typed: bool = False,
        asynchronous: bool = False,
    ) -> Any:
        """`(body, response)`, or an awaitable of it when `asynchronous`."""
    def list(
        self,
        op: str,
        ids: Sequence[str],
        query: Optional[Mapping[str, Any]] = None,
        opts: Optional[_Options] = None,
        typed: bool = False,
        asynchronous: bool = False,
    ) -> Any:
        """A `NativePage`, or an awaitable of it when `asynchronous`."""

@final
class NativePage:
    @property
    def response(self) -> Dict[str, Any]: ...
    @property
    def data(self) -> List[Dict[str, Any]]: ...
    @property
    def has_more(self) -> bool: ...
    @property
    def next_cursor(self) -> Optional[str]: ...
    def next_page(self, asynchronous: bool = False) -> Any:
        """The next page or None, or an awaitable of it when `asynchronous`."""
    def items(self) -> "NativeItems": ...

@final
class NativeItems:
    def __iter__(self) -> Iterator[Dict[str, Any]]: ...
    def __next__(self) -> Dict[str, Any]: ...
    def __aiter__(self) -> "NativeItems": ...
    def __anext__(self) -> Awaitable[Dict[str, Any]]: ...

@final
class Webhook:
    def __new__(cls, secret: str) -> "Webhook": ...
    def verify(
        self,
        payload: Union[bytes, str],
        headers: Any,
        *,
        now: Optional[int] = None,
        tolerance: Optional[int] = None,
    ) -> Dict[str, Any]: ...
    def verify_event(
        self,
        payload: Union[bytes, str],
        headers: Any,
        *,
        now: Optional[int] = None,
        tolerance: Optional[int] = None,
    ) -> Tuple[str, Dict[str, Any]]: ...
    def sign(self, msg_id: str, timestamp: int, payload: Union[bytes, str]) -> str: ...

def verify_event(
    payload: Union[bytes, str],
    headers: Any,
    secret: str,
    *,
    provider: str = "standard",
    url: Optional[str] = None,
    tolerance: Optional[int] = None,
    now: Optional[int] = None,
) -> Tuple[str, Dict[str, Any], Dict[str, Tuple[str, List[Dict[str, Any]]]]]: ...
def sign_request(
    payload: Union[bytes, str],
    secret: str,
    *,
    provider: str = "standard",
    url: Optional[str] = None,
    timestamp: Optional[int] = None,
    msg_id: Optional[str] = None,
) -> List[Tuple[str, str]]: ...
def verify_webhook(
    payload: Union[bytes, str],
    headers: Any,
    secret: str,
    *,
    provider: str = "standard",
    url: Optional[str] = None,
    tolerance: Optional[int] = None,
    now: Optional[int] = None,
) -> None: ...
def meta_subscription_challenge(query: Any, verify_token: str) -> str: ...
def enable_logging(level: str) -> None: ...
def defaults() -> Dict[str, Any]: ...
def settle(timeout: float) -> bool: ...
