"""Webhook verification: ours (Standard Webhooks) and the providers' our customers receive.

```python
from callwaitingai.webhooks import Webhook, verify, WebhookVerificationError

event = Webhook(secret).verify_event(request_body, request.headers)  # ours, typed
verify(body, headers, stripe_secret, provider="stripe")               # another provider's
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Protocol, Tuple, Union

if TYPE_CHECKING:
    from .events import Event

from . import _generated
from ._errors import WebhookVerificationError
from ._native import Webhook as _NativeWebhook
from ._native import defaults as _defaults
from ._native import meta_subscription_challenge as _challenge
from ._native import sign_request as _sign_request
from ._native import verify_event as _verify_event
from ._native import verify_webhook as _verify

__all__ = [
    "Webhook",
    "verify",
    "verify_event",
    "sign_request",
    "meta_subscription_challenge",
    "ProviderEvent",
    "WebhookVerificationError",
    "HeadersLike",
]

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

    def verify_event(
        self,
        payload: Payload,
        headers: HeadersLike,
        *,
        now: Optional[int] = None,
        tolerance: int = DEFAULT_TOLERANCE,
    ) -> "Event":
        """Verifies the raw body like `verify` and types the event: an instance of one class of
        `callwaitingai.events` per event type (`LeadCreatedEvent`…, with `.type`, `.timestamp`
        as an aware `datetime` and `.data` as the typed model), or `UnknownEvent` for a type
        newer than this SDK (never an error; `.data` is the `dict` as sent). A known type whose
        body does not decode raises `WebhookVerificationError` with `kind == "invalid_payload"`,
        naming the field."""
        model, event = self._native.verify_event(_bytes(payload), headers, now=now, tolerance=tolerance)
        return getattr(_generated, model)(**event)  # type: ignore[no-any-return]

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


#: What `verify_event` returns: one class of `webhook-providers.yaml` per kind of payload.
ProviderEvent = Union[
    _generated.StandardEvent,
    _generated.StripeEvent,
    _generated.CalendlyEvent,
    _generated.GithubEvent,
    "MetaNotification",
    _generated.TwilioMessage,
    _generated.TwilioMessageStatus,
    _generated.TwilioCallStatus,
    _generated.TwilioRecordingStatus,
    _generated.SlackSlashCommand,
    _generated.SlackInteraction,
    _generated.SlackUrlVerification,
    _generated.SlackEventCallback,
    _generated.UnknownProviderEvent,
]


class MetaNotification(_generated.MetaNotification):
    """A Meta notification (WhatsApp Cloud API) with every message and status flattened (the
    core does it): `messages()` and `statuses()`, each item with its `phone_number_id`."""

    __slots__ = ("_messages", "_statuses")
    _messages: List[_generated.WhatsAppMessage]
    _statuses: List[_generated.WhatsAppStatus]

    def messages(self) -> List[_generated.WhatsAppMessage]:
        """Every inbound WhatsApp message, in order; `.type` as sent (`text`, `image`…)."""
        return list(self._messages)

    def statuses(self) -> List[_generated.WhatsAppStatus]:
        """Every status of a message you sent (`sent`, `delivered`, `read`, `failed`…)."""
        return list(self._statuses)


def verify_event(
    payload: Payload,
    headers: HeadersLike,
    secret: str,
    *,
    provider: str = "standard",
    url: Optional[str] = None,
    tolerance: int = DEFAULT_TOLERANCE,
    now: Optional[int] = None,
) -> ProviderEvent:
    """Verifies a webhook from `provider` like `verify`, and types it: `.provider`, `.type`
    (Stripe's and Calendly's event, GitHub's `X-GitHub-Event`, Meta's `object`, Twilio's
    `message`/`message_status`/`call_status`/`recording_status`, Slack's `slash_command`/
    `interaction`/`url_verification`/`event_callback`, or `unknown`), `.raw` (the JSON body, or
    the form fields as a `dict[str, str]`) and the provider's fields in snake_case. A kind this
    SDK does not type is an `UnknownProviderEvent` and never raises."""
    model, fields, lists = _verify_event(
        _bytes(payload), headers, secret, provider=provider, url=url, tolerance=tolerance, now=now
    )
    event = _WITH_LISTS.get(model, getattr(_generated, model))(**fields)
    for key, (item_model, items) in lists.items():
        item = getattr(_generated, item_model)
        object.__setattr__(event, "_" + key, [item(**i) for i in items])
    return event  # type: ignore[no-any-return]


#: The models whose lists the core flattens (given to their methods).
_WITH_LISTS: Dict[str, Any] = {"MetaNotification": MetaNotification}


def sign_request(
    payload: Payload,
    secret: str,
    *,
    provider: str = "standard",
    url: Optional[str] = None,
    timestamp: Optional[int] = None,
    msg_id: Optional[str] = None,
) -> Dict[str, str]:
    """The headers `provider` would send with `payload`, signed with `secret` (for Twilio, the
    auth token and the full `url`), to test your own webhook handler without the provider:
    `verify` (and the provider's own library) accepts them. `timestamp` defaults to now."""
    pairs = _sign_request(
        _bytes(payload), secret, provider=provider, url=url, timestamp=timestamp, msg_id=msg_id
    )
    return dict(pairs)


def meta_subscription_challenge(query: Union[str, Mapping[str, str]], verify_token: str) -> str:
    """Answers Meta's subscription handshake (`hub.mode=subscribe`…): returns `hub.challenge`,
    or raises `WebhookVerificationError` with `kind == "handshake_failed"`."""
    return _challenge(query, verify_token)
