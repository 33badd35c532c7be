"""Every operation of the API, once, in the order a program would call them: the Python code
samples of the developer portal. `cargo xtask codegen` cuts the `# sample: <operationId>` regions
out of this file into the spec's `x-codeSamples` (after the `setup` region); CI type-checks it with
`mypy --strict` and runs it against a reference server. An id written `ids.lead` is shown in the
portal as the spec's example id.

Run: `python examples/python/api_samples.py` with CALLWAITINGAI_API_KEY and
CALLWAITINGAI_BASE_URL set, against a server started with
`--bootstrap-user acme=owner@example.com:correct horse battery staple`.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Mapping


def main() -> None:
    ids = SimpleNamespace()

    # sample: setup
    from callwaitingai import Client

    client = Client()  # reads CALLWAITINGAI_API_KEY and CALLWAITINGAI_BASE_URL
    # end sample

    # sample: health.check
    health = client.health.check()
    print(health.status)
    # end sample

    # sample: auth.login
    tokens = client.auth.login(email="owner@example.com", password="correct horse battery staple")
    print(tokens.expires_in)
    # end sample
    ids.token = tokens.refresh_token

    # sample: auth.refresh
    tokens = client.auth.refresh(refresh_token=ids.token)
    print(tokens.access_token[:8])
    # end sample

    # sample: leads.create
    lead = client.leads.create(
        name="Ada Lovelace",
        email="ada@example.com",
        phone="+15550100",
        source="call",
        idempotency_key="signup-ada-1",  # a retry with this key creates nothing twice
    )
    print(lead.id, lead.status)
    # end sample
    ids.lead = lead.id

    # sample: leads.list
    for lead in client.leads.list(status="new", limit=50):  # iterating fetches every page
        print(lead.id, lead.name)
    # end sample

    # sample: leads.retrieve
    lead = client.leads.retrieve(ids.lead)
    print(lead.name, lead.created_at)
    # end sample

    # sample: leads.update
    lead = client.leads.update(ids.lead, status="qualified", notes="Wants a demo")
    print(lead.status)
    # end sample

    # sample: calls.create
    call = client.calls.create(
        direction="inbound", from_number="+15550100", to_number="+15550199", lead_id=ids.lead
    )
    print(call.id, call.status)
    # end sample
    ids.call = call.id

    # sample: calls.list
    for call in client.calls.list(direction="inbound"):
        print(call.id, call.status)
    # end sample

    # sample: calls.retrieve
    call = client.calls.retrieve(ids.call)
    print(call.from_number, call.to_number)
    # end sample

    # sample: calls.update
    call = client.calls.update(ids.call, status="completed", summary="Booked a demo")
    print(call.status, call.duration_seconds)
    # end sample

    # sample: calls.addTranscript
    call = client.calls.add_transcript(
        ids.call,
        segments=[{"speaker": "caller", "text": "Hi, I'd like a demo.", "start_ms": 0, "end_ms": 1800}],
    )
    print(call.transcript)
    # end sample

    # sample: chat.sendMessage
    result = client.chat.send_message(content="Do you open on Sundays?", lead_id=ids.lead, channel="web")
    print(result.session.id, result.reply.content if result.reply else None)
    # end sample
    ids.session = result.session.id

    # sample: chat.sessions.list
    for session in client.chat.sessions.list(channel="web"):
        print(session.id, session.channel)
    # end sample

    # sample: chat.sessions.retrieve
    session = client.chat.sessions.retrieve(ids.session)
    print(session.id, session.lead_id)
    # end sample

    # sample: chat.sessions.messages
    for message in client.chat.sessions.messages(ids.session):
        print(message.role, message.content)
    # end sample

    # sample: analytics.summary
    summary = client.analytics.summary(from_="2026-11-01", to="2026-11-30")
    print(summary.leads.total, summary.leads.conversion_rate, summary.calls.missed)
    # end sample

    # sample: analytics.calls
    calls = client.analytics.calls(from_="2026-11-01", to="2026-11-30")
    print(calls.total, calls.by_status, calls.average_duration_seconds)
    # end sample

    # sample: analytics.leads
    leads = client.analytics.leads(from_="2026-11-01", to="2026-11-30")
    print(leads.by_source, [(day.date, day.count) for day in leads.daily])
    # end sample

    # sample: webhooks.create
    endpoint = client.webhooks.create(
        url="https://example.com/webhooks/callwaitingai", events=["lead.created", "call.ended"]
    )
    print(endpoint.id, endpoint.secret)  # keep the secret: it verifies the deliveries
    # end sample
    ids.webhook = endpoint.id
    secret = endpoint.secret or ""

    # sample: guide.verify
    from callwaitingai.events import LeadCreatedEvent
    from callwaitingai.webhooks import Webhook, WebhookVerificationError

    webhook = Webhook(secret)  # the endpoint's whsec_… secret

    def handle(body: bytes, headers: Mapping[str, str]) -> int:
        """Your webhook route: the raw body and the headers, as received."""
        try:
            event = webhook.verify_event(body, headers)  # signature, timestamp, then the type
        except WebhookVerificationError as e:
            print("refused:", e.kind)  # invalid_signature, timestamp_too_old, …
            return 400
        if isinstance(event, LeadCreatedEvent):  # one class per event type, data typed
            print("new lead", event.data.name)
        else:
            print("event", event.type)
        return 204
    # end sample

    from callwaitingai.webhooks import sign_request

    now = datetime.now(timezone.utc).isoformat()
    body = json.dumps({"type": "webhook.test", "timestamp": now, "data": {"webhookEndpointId": ids.webhook, "message": "hi"}}).encode()
    assert handle(body, sign_request(body, secret)) == 204
    assert handle(body, sign_request(body, "whsec_" + "A" * 32)) == 400

    # sample: webhooks.list
    for endpoint in client.webhooks.list():
        print(endpoint.id, endpoint.url)
    # end sample

    # sample: webhooks.retrieve
    endpoint = client.webhooks.retrieve(ids.webhook)
    print(endpoint.events)
    # end sample

    # sample: webhooks.update
    endpoint = client.webhooks.update(ids.webhook, events=["lead.created", "lead.converted"])
    print(endpoint.events)
    # end sample

    # sample: webhooks.test
    delivery = client.webhooks.test(ids.webhook)
    print(delivery.id, delivery.status)
    # end sample
    ids.delivery = delivery.id

    # sample: webhooks.deliveries
    for delivery in client.webhooks.deliveries(ids.webhook, status="failed"):
        print(delivery.id, delivery.event_type, delivery.attempts)
    # end sample

    # sample: webhooks.retryDelivery
    delivery = client.webhooks.retry_delivery(ids.webhook, ids.delivery)
    print(delivery.status)
    # end sample

    # sample: webhooks.rotateSecret
    endpoint = client.webhooks.rotate_secret(ids.webhook)
    print(endpoint.secret)  # the old one keeps verifying for 24 hours
    # end sample

    # sample: apiKeys.create
    key = client.api_keys.create(name="Zapier", scopes=["read:leads", "write:leads"])
    print(key.id, key.key)  # the secret is shown once
    # end sample
    ids.key = key.id

    # sample: apiKeys.list
    for key in client.api_keys.list():
        print(key.id, key.name, key.scopes)
    # end sample

    # sample: apiKeys.rotate
    key = client.api_keys.rotate(ids.key)
    print(key.key)
    # end sample

    # sample: apiKeys.revoke
    key = client.api_keys.revoke(ids.key)
    print(key.revoked_at)
    # end sample

    # sample: webhooks.delete
    deleted = client.webhooks.delete(ids.webhook)
    print(deleted.deleted)
    # end sample

    # sample: leads.delete
    deleted = client.leads.delete(ids.lead)
    print(deleted.id, deleted.deleted)
    # end sample


if __name__ == "__main__":
    main()
