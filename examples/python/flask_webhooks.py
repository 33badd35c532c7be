"""Receiving CallWaitingAI webhooks in Flask: verify the raw body (`request.get_data()`).

    CALLWAITINGAI_WEBHOOK_SECRET=whsec_... flask --app flask_webhooks run

CI runs it against the reference server (test_webhook_frameworks.py).
"""

import os
from typing import Dict, List, Tuple, Union

from flask import Flask, request

from callwaitingai.events import Event, LeadCreatedEvent
from callwaitingai.webhooks import Webhook, WebhookVerificationError

webhook = Webhook(os.environ["CALLWAITINGAI_WEBHOOK_SECRET"])
app = Flask(__name__)
received: List[Event] = []


@app.post("/webhooks/callwaitingai")
def callwaitingai_webhook() -> Tuple[Union[str, Dict[str, str]], int]:
    try:
        event = webhook.verify_event(request.get_data(), request.headers)
    except WebhookVerificationError as e:
        return {"error": e.kind}, 400
    if isinstance(event, LeadCreatedEvent):  # one class per event type, `data` typed
        print("new lead", event.data.id, event.data.name)
    received.append(event)
    return "", 204
