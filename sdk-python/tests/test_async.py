"""The asyncio client: real awaitables, usable with asyncio.gather."""

from __future__ import annotations

import asyncio

import pytest

from callwaitingai import AsyncClient, AsyncPage, NotFoundError

from .conftest import KEY


def test_async_client_with_gather(server):
    async def main() -> None:
        async with AsyncClient(api_key=KEY, base_url=server.url) as client:
            leads = await asyncio.gather(*(client.leads.create(name=f"A{i:02}") for i in range(30)))
            assert len({lead.id for lead in leads}) == 30
            first = await client.leads.list(limit=10)
            assert isinstance(first, AsyncPage) and len(first.data) == 10 and first.has_more
            second = await first.next_page()
            assert second is not None and len(second.data) == 10
            names = [lead.name async for lead in client.leads.list(limit=7)]
            assert sorted(names) == [f"A{i:02}" for i in range(30)]
            with pytest.raises(NotFoundError):
                await client.leads.retrieve("lead_missing")
            sent = await client.chat.send_message(content="hello")
            messages = [m.content async for m in client.chat.sessions.messages(sent.session.id)]
            assert messages[0] == "hello"
            summary = await client.analytics.summary()
            assert summary.leads.total == 30

    asyncio.run(main())


def test_calls_run_concurrently(server):
    # Thirty calls in flight at once finish far sooner than thirty in a row would if each
    # blocked the event loop; measured loosely, only to catch a blocking implementation.
    async def main() -> float:
        client = AsyncClient(api_key=KEY, base_url=server.url)
        loop = asyncio.get_running_loop()
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.001)

        t = asyncio.ensure_future(ticker())
        await asyncio.gather(*(client.leads.list() for _ in range(30)))
        t.cancel()
        return ticks

    assert asyncio.run(main()) > 0, "the event loop kept running while calls were in flight"


def test_exit_right_after_async_calls_never_crashes(server):
    # An async result delivered from the SDK's runtime while the interpreter finalizes crashed
    # the process now and then (a segfault in a runtime thread at exit, about 1 run in 15). The
    # package now waits at exit for deliveries in flight; every run must exit cleanly.
    import subprocess
    import sys

    script = (
        "import asyncio\n"
        "from callwaitingai import AsyncClient\n"
        "async def main():\n"
        "    async with AsyncClient() as c:\n"
        "        await asyncio.gather(*(c.leads.create(name=f'L{i}') for i in range(8)))\n"
        "        async for _ in c.leads.list(limit=3):\n"
        "            pass\n"
        "asyncio.run(main())\n"
    )
    env = {"CALLWAITINGAI_API_KEY": KEY, "CALLWAITINGAI_BASE_URL": server.url, "PATH": "/usr/bin:/bin"}
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.PIPE) for _ in range(40)]
    codes = [(p.wait(timeout=120), p.stderr.read().decode()[-300:] if p.stderr else "") for p in procs]
    assert [c for c, _ in codes] == [0] * len(codes), codes


def test_a_cancelled_async_call_is_harmless(server):
    async def main():
        async with AsyncClient(api_key=KEY, base_url=server.url) as client:
            pending = asyncio.ensure_future(client.leads.create(name="Cancelled?"))
            await asyncio.sleep(0)
            pending.cancel()
            with pytest.raises(asyncio.CancelledError):
                await pending
            # The client goes on working; the call may or may not have reached the server.
            assert (await client.leads.create(name="After")).name == "After"

    asyncio.run(main())


def test_cancelling_a_task_cancels_its_request(make_server):
    """`task.cancel()` (and `asyncio.wait_for`'s timeout) drop the request where it waits: the
    server, which delays every request by 800 ms, never handles it."""
    server = make_server("--latency", "800ms")

    async def main() -> None:
        async with AsyncClient(api_key=KEY, base_url=server.url, max_retries=0) as client:
            task = asyncio.ensure_future(client.leads.create(name="Cancelled"))
            await asyncio.sleep(0.1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.leads.create(name="Timed out"), timeout=0.1)
            await asyncio.sleep(1.2)
            names = [lead.name async for lead in client.leads.list()]
            assert names == [], names

    asyncio.run(main())
