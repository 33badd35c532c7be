"""Stubs of the compiled module (checked against it by mypy.stubtest in CI)."""

from typing import Any, Awaitable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union, final


__all__ = ['__version__', 'NativeClient', 'NativePage', 'NativeItems', 'enable_logging', 'CallWaitingAIError', 'APIError', 'BadRequestError', 'AuthenticationError', 'PermissionDeniedError', 'NotFoundError', 'ConflictError', 'UnprocessableEntityError', 'RateLimitError', 'InternalServerError', 'APIConnectionError', 'APITimeoutError', 'WebhookVerificationError', 'Webhook', 'verify_webhook', 'meta_subscription_challenge']

__version__: str

_Options = Tuple[Optional[float], Optional[int], Optional[List[Tuple[str, str]]], Optional[str]]

class CallWaitingAIError(Exception):
    status_code: Optional[int]
    code: Optional[str]
    message: str
    request_id: Optional[str]
    headers: Dict[str, str]
    retry_after: Optional[float]
    data: Optional[Dict[str, Any]]
    body: Optional[str]

class APIError(CallWaitingAIError): ...
class BadRequestError(APIError): ...
class AuthenticationError(APIError): ...
class PermissionDeniedError(APIError): ...
class NotFoundError(APIError): ...
class ConflictError(APIError): ...
class UnprocessableEntityError(APIError): ...
class RateLimitError(APIError): ...
class InternalServerError(APIError): ...
class APIConnectionError(CallWaitingAIError): ...
class APITimeoutError(APIConnectionError): ...

class WebhookVerificationError(CallWaitingAIError):
    kind: str

@final
class NativeClient:
    def __new__(
        cls,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        max_retries: Optional[int] = None,
        timeout: Optional[float] = None,
    ) -> "NativeClient": ...
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
    ) -> Tuple[int, Dict[str, str], Any]: ...
    def request_async(
        self,
        op: str,
        ids: Sequence[str],
        query: Optional[Mapping[str, Any]] = None,
        body: Optional[Any] = None,
        opts: Optional[_Options] = None,
    ) -> Awaitable[Tuple[int, Dict[str, str], Any]]: ...
    def list(
        self,
        op: str,
        ids: Sequence[str],
        query: Optional[Mapping[str, Any]] = None,
        opts: Optional[_Options] = None,
    ) -> "NativePage": ...
    def list_async(
        self,
        op: str,
        ids: Sequence[str],
        query: Optional[Mapping[str, Any]] = None,
        opts: Optional[_Options] = None,
    ) -> Awaitable["NativePage"]: ...

@final
class NativePage:
    @property
    def data(self) -> List[Dict[str, Any]]: ...
    @property
    def has_more(self) -> bool: ...
    @property
    def next_cursor(self) -> Optional[str]: ...
    def next_page(self) -> Optional["NativePage"]: ...
    def next_page_async(self) -> Awaitable[Optional["NativePage"]]: ...
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
        tolerance: Optional[int] = 300,
    ) -> Dict[str, Any]: ...
    def sign(self, msg_id: str, timestamp: int, payload: Union[bytes, str]) -> str: ...

def verify_webhook(
    payload: Union[bytes, str],
    headers: Any,
    secret: str,
    *,
    provider: str = "standard",
    url: Optional[str] = None,
    tolerance: Optional[int] = 300,
    now: Optional[int] = None,
) -> None: ...
def meta_subscription_challenge(query: Any, verify_token: str) -> str: ...
def enable_logging(level: str) -> None: ...
