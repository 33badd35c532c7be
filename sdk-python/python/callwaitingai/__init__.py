"""The official Python SDK for the CallWaitingAI API.

```python
from callwaitingai import Client
client = Client(api_key="cw_...", base_url="http://127.0.0.1:8080")
leads = client.leads.list(status="new")     # a page; iterating it walks every page
lead = client.leads.create(name="John Doe")
```

Importing the package loads nothing heavy: the client, the models and the native module load
on first use of a name (PEP 562), so `import callwaitingai` stays fast.
"""

from __future__ import annotations

import os as _os

# `typing` costs ~10 ms to import; nothing here needs it at run time.
TYPE_CHECKING = False

__version__ = "0.1.0"

_EXCEPTIONS = (
    "CallWaitingAIError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "WebhookVerificationError",
)

__all__ = [
    "Client",
    "AsyncClient",
    "Webhook",
    "BaseModel",
    "SyncPage",
    "AsyncPage",
    "AsyncPageRequest",
    "NOT_GIVEN",
    "NotGiven",
    "CallWaitingAIError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "WebhookVerificationError",
]

if TYPE_CHECKING:
    from ._client import AsyncClient, Client
    from ._generated import *  # noqa: F403
    from ._models import BaseModel
    from ._native import (
        APIConnectionError,
        APIError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        CallWaitingAIError,
        ConflictError,
        InternalServerError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        UnprocessableEntityError,
        WebhookVerificationError,
    )
    from ._resource import NOT_GIVEN, AsyncPage, AsyncPageRequest, NotGiven, SyncPage
    from .webhooks import Webhook


def _home(name: str) -> str:
    """The submodule that defines `name`."""
    if name in ("Client", "AsyncClient"):
        return "._client"
    if name in _EXCEPTIONS:
        return "._native"
    if name == "Webhook":
        return ".webhooks"
    if name in ("NOT_GIVEN", "NotGiven", "SyncPage", "AsyncPage", "AsyncPageRequest"):
        return "._resource"
    if name == "BaseModel":
        return "._models"
    if name[:1].isupper():
        return "._generated"  # the models
    raise AttributeError(f"module 'callwaitingai' has no attribute {name!r}")


def __getattr__(name: str) -> object:
    import importlib

    value = getattr(importlib.import_module(_home(name), __name__), name)
    globals()[name] = value
    return value


def __dir__() -> "list[str]":
    return sorted(set(globals()) | set(__all__))


if _os.environ.get("CALLWAITINGAI_LOG"):
    from ._native import enable_logging as _enable_logging

    _enable_logging(_os.environ["CALLWAITINGAI_LOG"])
