"""Receiving CallWaitingAI webhooks in Flask: verify the raw body (`request.get_data()`).

    CALLWAITINGAI_WEBHOOK_SECRET=whsec_... flask --app flask_webhooks run

CI runs it against the reference server (test_webhook_frameworks.py).
"""

import os
from typing import Any, Dict, List, Tuple, Union

from flask import Flask, request

from callwaitingai.webhooks import Webhook, WebhookVerificationError

webhook = Webhook(os.environ["CALLWAITINGAI_WEBHOOK_SECRET"])
app = Flask(__name__)
received: List[Dict[str, Any]] = []


@app.post("/webhooks/callwaitingai")
def callwaitingai_webhook() -> Tuple[Union[str, Dict[str, str]], int]:
    try:
        event = webhook.verify(request.get_data(), request.headers)
    except WebhookVerificationError as e:
        return {"error": e.kind}, 400
    received.append(event)  # handle it: event["type"] == "lead.created", event["data"]["id"], ...
    return "", 204
