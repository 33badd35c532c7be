"""The seed's three lines in Python, type-checked by `mypy --strict` in CI and run against a
reference server: `python examples/python/quickstart.py` with CALLWAITINGAI_API_KEY and
CALLWAITINGAI_BASE_URL set."""

from __future__ import annotations

from callwaitingai import Client, Lead, NotFoundError, SyncPage


def main() -> None:
    client = Client()  # CALLWAITINGAI_API_KEY, CALLWAITINGAI_BASE_URL
    leads: SyncPage[Lead] = client.leads.list(status="new")
    lead: Lead = client.leads.create(name="John Doe", email="john@example.com")
    print(f"{len(leads.data)} new leads before; created {lead.id} at {lead.created_at:%H:%M:%S}")
    for each in client.leads.list(limit=50):
        print(each.name, each.status)
    try:
        client.leads.retrieve("lead_missing")
    except NotFoundError as e:
        print(f"not found: {e.code} (request {e.request_id})")


if __name__ == "__main__":
    main()
