"""Webhook verification: ours (Standard Webhooks) and the providers' our customers receive.

```python
from callwaitingai.webhooks import Webhook, verify, WebhookVerificationError

event = Webhook(secret).verify(request_body, request.headers)      # our webhooks
verify(body, headers, stripe_secret, provider="stripe")             # another provider's
```
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Mapping, Optional, Protocol, Tuple, Union

from ._errors import WebhookVerificationError
from ._native import Webhook as _NativeWebhook
from ._native import defaults as _defaults
from ._native import meta_subscription_challenge as _challenge
from ._native import verify_webhook as _verify

__all__ = ["Webhook", "verify", "meta_subscription_challenge", "WebhookVerificationError", "HeadersLike"]

Payload = Union[bytes, bytearray, memoryview, str]

#: The default tolerance of timestamps, in seconds (the core's).
DEFAULT_TOLERANCE: int = _defaults()["tolerance"]


class HeadersLike(Protocol):
    """Anything with `items()` giving `(name, value)` pairs: a dict, Starlette's and Django's
    headers, Werkzeug's (Flask) `Headers`, `http.client.HTTPMessage`…"""

    def items(self) -> Iterable[Tuple[str, Any]]: ...


class Webhook:
    """A verifier (and signer) for one Standard Webhooks secret: `whsec_…` (HMAC),
    `whpk_…` (Ed25519 public key) or `whsk_…` (Ed25519 private key). A malformed secret raises
    `WebhookVerificationError` with `kind == "invalid_secret"`."""

    __slots__ = ("_native",)

    def __init__(self, secret: str) -> None:
        self._native = _NativeWebhook(secret)

    def verify(
        self,
        payload: Payload,
        headers: HeadersLike,
        *,
        now: Optional[int] = None,
        tolerance: int = DEFAULT_TOLERANCE,
    ) -> Dict[str, Any]:
        """Verifies the raw body against the headers (any mapping, names in any case) and
        returns the event exactly as sent. `now` (unix seconds) verifies a queued event later."""
        return self._native.verify(_bytes(payload), headers, now=now, tolerance=tolerance)  # type: ignore[no-any-return]

    def sign(self, msg_id: str, timestamp: int, payload: Payload) -> str:
        """The `webhook-signature` value for a message, for your own tests."""
        return self._native.sign(msg_id, timestamp, _bytes(payload))

    def __repr__(self) -> str:
        return "Webhook(secret='[redacted]')"


def _bytes(payload: Payload) -> Union[bytes, str]:
    if isinstance(payload, (bytearray, memoryview)):
        return bytes(payload)
    return payload


def verify(
    payload: Payload,
    headers: HeadersLike,
    secret: str,
    *,
    provider: str = "standard",
    url: Optional[str] = None,
    tolerance: int = DEFAULT_TOLERANCE,
    now: Optional[int] = None,
) -> None:
    """Verifies a webhook from `provider` (`standard`, `stripe`, `calendly`, `github`, `meta`,
    `twilio`, `slack`); `url` is the full public URL (Twilio signs it). Raises
    `WebhookVerificationError` with `.kind`."""
    _verify(_bytes(payload), headers, secret, provider=provider, url=url, tolerance=tolerance, now=now)


def meta_subscription_challenge(query: Union[str, Mapping[str, str]], verify_token: str) -> str:
    """Answers Meta's subscription handshake (`hub.mode=subscribe`…): returns `hub.challenge`,
    or raises `WebhookVerificationError` with `kind == "handshake_failed"`."""
    return _challenge(query, verify_token)
