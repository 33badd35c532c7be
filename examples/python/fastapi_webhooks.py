"""Receiving CallWaitingAI webhooks in FastAPI: verify the raw body, before any parsing.

    CALLWAITINGAI_WEBHOOK_SECRET=whsec_... uvicorn fastapi_webhooks:app

CI runs it against the reference server (test_webhook_frameworks.py).
"""

import os
from typing import List

from fastapi import FastAPI, HTTPException, Request, Response

from callwaitingai.events import Event, LeadCreatedEvent
from callwaitingai.webhooks import Webhook, WebhookVerificationError

webhook = Webhook(os.environ["CALLWAITINGAI_WEBHOOK_SECRET"])
app = FastAPI()
received: List[Event] = []


@app.post("/webhooks/callwaitingai", status_code=204)
async def callwaitingai_webhook(request: Request) -> Response:
    try:
        event = webhook.verify_event(await request.body(), request.headers)
    except WebhookVerificationError as e:
        raise HTTPException(status_code=400, detail=e.kind) from e
    if isinstance(event, LeadCreatedEvent):  # one class per event type, `data` typed
        print("new lead", event.data.id, event.data.name)
    received.append(event)
    return Response(status_code=204)
