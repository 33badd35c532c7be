"""Receiving webhooks in FastAPI: ours, WhatsApp messages, Twilio status callbacks and Calendly
bookings, each verified on the raw body and typed in one call.

    CALLWAITINGAI_WEBHOOK_SECRET=whsec_... WHATSAPP_APP_SECRET=... TWILIO_AUTH_TOKEN=... \
    CALENDLY_SIGNING_KEY=... uvicorn fastapi_webhooks:app

CI runs it against the reference server (test_webhook_frameworks.py).
"""

import os
from typing import List

from fastapi import FastAPI, HTTPException, Request, Response

from callwaitingai.events import CalendlyEvent, Event, LeadCreatedEvent, TwilioMessageStatus
from callwaitingai.webhooks import MetaNotification, Webhook, WebhookVerificationError, verify_event

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


# Other providers' webhooks: `verify_event` verifies the signature, then types the payload.
handled: List[str] = []


@app.post("/webhooks/whatsapp")
async def whatsapp_webhook(request: Request) -> Response:
    try:
        event = verify_event(await request.body(), request.headers, os.environ["WHATSAPP_APP_SECRET"], provider="meta")
    except WebhookVerificationError as e:
        raise HTTPException(status_code=400, detail=e.kind) from e
    if isinstance(event, MetaNotification):
        for message in event.messages():  # every message of every entry, with its phone_number_id
            if message.type == "text" and message.text is not None:
                handled.append(f"whatsapp text from {message.from_} to {message.phone_number_id}: {message.text.body}")
            else:
                handled.append(f"whatsapp {message.type} from {message.from_}")
        for status in event.statuses():
            handled.append(f"whatsapp {status.id} {status.status}")
    return Response(status_code=200)


@app.post("/webhooks/twilio/status")
async def twilio_status_callback(request: Request) -> Response:
    # Twilio signs the public URL: behind a proxy, pass the URL Twilio called.
    url = os.environ.get("TWILIO_PUBLIC_URL") or str(request.url)
    try:
        event = verify_event(await request.body(), request.headers, os.environ["TWILIO_AUTH_TOKEN"], provider="twilio", url=url)
    except WebhookVerificationError as e:
        raise HTTPException(status_code=400, detail=e.kind) from e
    if isinstance(event, TwilioMessageStatus):
        handled.append(f"twilio {event.message_sid} {event.message_status} {event.error_code or ''}".rstrip())
    return Response(status_code=204)


@app.post("/webhooks/calendly")
async def calendly_webhook(request: Request) -> Response:
    try:
        event = verify_event(await request.body(), request.headers, os.environ["CALENDLY_SIGNING_KEY"], provider="calendly")
    except WebhookVerificationError as e:
        raise HTTPException(status_code=400, detail=e.kind) from e
    if isinstance(event, CalendlyEvent) and event.type == "invitee.created" and event.payload is not None:
        booking = event.payload
        when = booking.scheduled_event.start_time if booking.scheduled_event else None
        handled.append(f"calendly booking by {booking.email} at {when}")
    return Response(status_code=204)
