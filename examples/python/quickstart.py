"""The Python quickstart, type-checked by `mypy --strict` in CI and run against a reference
server: `python examples/python/quickstart.py` with CALLWAITINGAI_API_KEY and
CALLWAITINGAI_BASE_URL set."""

from __future__ import annotations

import asyncio

from callwaitingai import AsyncClient, Client, Lead, NotFoundError, SyncPage


def main() -> None:
    client = Client()  # api_key=, base_url=; else CALLWAITINGAI_API_KEY, CALLWAITINGAI_BASE_URL
    leads: SyncPage[Lead] = client.leads.list(status="new")  # a page; iterating it walks every page
    lead = client.leads.create(name="John Doe", email="john@example.com")  # typed: lead.id, lead.created_at (datetime)
    print(f"{len(leads.data)} new leads before; created {lead.id} at {lead.created_at:%H:%M:%S}")
    for each in client.leads.list(limit=50):  # every lead, fetched lazily
        print(each.name, each.status)
    call = client.calls.create(direction="inbound", from_number="+15550100", to_number="+15550199", lead_id=lead.id)
    client.calls.add_transcript(call.id, segments=[{"speaker": "caller", "text": "Hi", "start_ms": 0, "end_ms": 800}])
    try:
        client.leads.retrieve("lead_missing")
    except NotFoundError as e:
        print(f"not found: {e.code} (request {e.request_id})")


async def main_async() -> None:
    async with AsyncClient() as aclient:  # CALLWAITINGAI_API_KEY / CALLWAITINGAI_BASE_URL
        page = await aclient.leads.list()  # awaitable: the first page
        async for lead in aclient.leads.list():  # async-iterable: every lead
            print(lead.name)
        print(f"{len(page.data)} leads on the first page")


if __name__ == "__main__":
    main()
    asyncio.run(main_async())
