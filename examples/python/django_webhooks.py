"""Receiving CallWaitingAI webhooks in Django: verify `request.body`, the raw bytes. A whole
Django project in one file; in yours, the view and its URL are all you need (webhooks are
signed, so the view is exempt from CSRF).

    CALLWAITINGAI_WEBHOOK_SECRET=whsec_... python -m django runserver --settings=django_webhooks

CI runs it against the reference server (test_webhook_frameworks.py).
"""

import os
from typing import List

from django.conf import settings

if not settings.configured:
    settings.configure(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["127.0.0.1", "localhost"], MIDDLEWARE=[])

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402

from callwaitingai.events import Event, LeadCreatedEvent
from callwaitingai.webhooks import Webhook, WebhookVerificationError  # noqa: E402

webhook = Webhook(os.environ["CALLWAITINGAI_WEBHOOK_SECRET"])
received: List[Event] = []


@csrf_exempt
@require_POST
def callwaitingai_webhook(request: HttpRequest) -> HttpResponse:
    try:
        event = webhook.verify_event(request.body, request.headers)
    except WebhookVerificationError as e:
        return JsonResponse({"error": e.kind}, status=400)
    if isinstance(event, LeadCreatedEvent):  # one class per event type, `data` typed
        print("new lead", event.data.id, event.data.name)
    received.append(event)
    return HttpResponse(status=204)


urlpatterns = [path("webhooks/callwaitingai", callwaitingai_webhook)]
application = get_wsgi_application()
