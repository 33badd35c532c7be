"""Python SDK benchmarks, each a ratio against a named peer measured in the same run.

Run with `cargo xtask bench` (it builds the release server and wheel and installs the peers),
or: `python sdk-python/bench/bench.py --server-bin target/release/callwaitingai-server`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import time
import timeit

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
KEY = "cw_test_bench_000000000000000000000"


def best_per_call(fn, number: int, repeat: int = 7) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def bench_verify() -> None:
    import standardwebhooks

    from callwaitingai import Webhook

    body = ('{"type":"lead.created","data":{"notes":"' + "x" * 960 + '"}}').encode()
    assert 1000 <= len(body) <= 1100
    ts = int(time.time())
    ours = Webhook(SECRET)
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(ts), "webhook-signature": ours.sign("msg_1", ts, body)}
    peer = standardwebhooks.Webhook(SECRET)
    assert ours.verify(body, headers) == peer.verify(body, headers)
    import svix.webhooks

    svix_hook = svix.webhooks.Webhook(SECRET)
    key = base64.b64decode(SECRET[len("whsec_"):])

    def svix_verify() -> object:
        # svix checks the signature only; parsing the event makes it the same work as ours.
        svix_hook.verify(body, headers)
        return json.loads(body)

    def stdlib() -> object:
        # What a careful user writes with the standard library alone.
        msg = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
        expected = base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()
        if abs(time.time() - int(headers["webhook-timestamp"])) > 300:
            raise ValueError("timestamp")
        for part in headers["webhook-signature"].split(" "):
            version, _, sig = part.partition(",")
            if version == "v1" and hmac.compare_digest(sig, expected):
                return json.loads(body)
        raise ValueError("invalid signature")

    assert svix_verify() == stdlib() == ours.verify(body, headers)
    peers = {"standardwebhooks (PyPI)": lambda: peer.verify(body, headers), "svix (PyPI, + json.loads)": svix_verify, "hand-written hmac/hashlib": stdlib}
    t_ours = best_per_call(lambda: ours.verify(body, headers), 20000)
    print(f"webhook verify, 1 KiB body: callwaitingai {t_ours * 1e6:.1f} µs")
    for name, fn in peers.items():
        t_peer = best_per_call(fn, 20000)
        print(f"  vs {name} {t_peer * 1e6:.1f} µs -> {t_peer / t_ours:.1f}x faster")


def bench_roundtrip(server_bin: str) -> None:
    import httpx

    from callwaitingai import Client

    proc = subprocess.Popen(
        [server_bin, "--addr", "127.0.0.1:0", "--memory", "--bootstrap-key", f"acme={KEY}",
         "--rate-limit", "100000000/min"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        url = proc.stdout.readline().strip().split(" ")[-1]  # type: ignore[union-attr]
        client = Client(api_key=KEY, base_url=url)
        lead = client.leads.create(name="Bench")
        bare = httpx.Client(headers={"authorization": f"Bearer {KEY}"})
        target = f"{url}/api/v1/leads/{lead.id}"
        assert bare.get(target).json()["id"] == client.leads.retrieve(lead.id).id
        # Interleave the two so that server-side drift affects both alike.
        ours, peer = [], []
        for _ in range(7):
            ours.append(best_per_call(lambda: client.leads.retrieve(lead.id), 300, repeat=1))
            peer.append(best_per_call(lambda: bare.get(target).json(), 300, repeat=1))
        t_ours, t_peer = min(ours), min(peer)
        print(f"GET /leads/{{id}} round trip: callwaitingai typed {t_ours * 1e6:.0f} µs, bare httpx GET + "
              f".json() {t_peer * 1e6:.0f} µs -> {t_peer / t_ours:.2f}x (>= 1 means ours costs no more)")
    finally:
        proc.terminate()
        proc.wait()


def start_server(server_bin: str) -> "tuple[subprocess.Popen[str], str]":
    proc = subprocess.Popen(
        [server_bin, "--addr", "127.0.0.1:0", "--memory", "--bootstrap-key", f"acme={KEY}",
         "--rate-limit", "100000000/min"],
        stdout=subprocess.PIPE, text=True,
    )
    url = proc.stdout.readline().strip().split(" ")[-1]  # type: ignore[union-attr]
    return proc, url


async def seed(url: str, n: int) -> None:
    from callwaitingai import AsyncClient

    async with AsyncClient(api_key=KEY, base_url=url) as client:
        sem = asyncio.Semaphore(64)

        async def one(i: int) -> None:
            async with sem:
                await client.leads.create(name=f"Lead {i:06d}", email=f"lead{i}@example.com")

        await asyncio.gather(*(one(i) for i in range(n)))


# VmHWM, not ru_maxrss: the latter carries the parent's peak across fork and exec.
PEAK_RSS = """
import sys
from callwaitingai import Client
n = 0
for lead in Client(api_key=sys.argv[1], base_url=sys.argv[2]).leads.list(limit=100):
    n += 1
    if n == int(sys.argv[3]):
        break
print(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM:")))
"""


def bench_pagination(server_bin: str, total: int = 100_000) -> None:
    import httpx

    from callwaitingai import Client

    proc, url = start_server(server_bin)
    try:
        t = time.perf_counter()
        asyncio.run(seed(url, total))
        print(f"auto-pagination: seeded {total} leads in {time.perf_counter() - t:.1f} s")
        client = Client(api_key=KEY, base_url=url)
        t = time.perf_counter()
        n_ours = sum(1 for _ in client.leads.list(limit=100))
        t_ours = time.perf_counter() - t

        def by_hand() -> int:
            # The loop a user writes without an SDK: follow nextCursor, parse JSON to dicts.
            n, cursor = 0, None
            with httpx.Client(headers={"authorization": f"Bearer {KEY}"}) as http:
                while True:
                    params = {"limit": 100} | ({"cursor": cursor} if cursor else {})
                    page = http.get(f"{url}/api/v1/leads", params=params).json()
                    n += len(page["data"])
                    if not page["hasMore"]:
                        return n
                    cursor = page["nextCursor"]

        t = time.perf_counter()
        n_peer = by_hand()
        t_peer = time.perf_counter() - t
        assert n_ours == n_peer == total, (n_ours, n_peer)
        print(f"  callwaitingai `for lead in client.leads.list(limit=100)`: {total / t_ours:,.0f} leads/s (typed models); "
              f"hand-written httpx cursor loop: {total / t_peer:,.0f} leads/s (dicts) -> {t_peer / t_ours:.2f}x")
        rss = {}
        for n in (1_000, 10_000, total):
            out = subprocess.run([sys.executable, "-c", PEAK_RSS, KEY, url, str(n)], capture_output=True, text=True, check=True)
            rss[n] = int(out.stdout.strip()) / 1024
        print("  peak RSS of a process iterating N leads: " + ", ".join(f"{n:,}: {mb:.1f} MiB" for n, mb in rss.items())
              + f" -> {rss[total] / rss[1_000]:.2f}x from 1 000 to {total:,} (flat: pages are fetched lazily)")
    finally:
        proc.terminate()
        proc.wait()


def bench_import() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-c", "import callwaitingai, stripe, openai"], env=env, check=False)

    def median(code: str, n: int = 21) -> float:
        ts = []
        for _ in range(n):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env=env, check=True)
            ts.append(time.perf_counter() - t)
        return statistics.median(ts)

    bare = median("pass")
    rows = [("callwaitingai", "import callwaitingai"), ("callwaitingai Client", "from callwaitingai import Client")]
    for peer in ("stripe", "openai"):
        try:
            __import__(peer)
            rows.append((peer, f"import {peer}"))
        except ImportError:
            pass
    results = {name: median(code) - bare for name, code in rows}
    ours = results["callwaitingai"]
    print(f"import time over bare python ({bare * 1000:.1f} ms): " + ", ".join(
        f"{name} {t * 1000:.1f} ms" for name, t in results.items()))
    for peer in ("stripe", "openai"):
        if peer in results:
            print(f"  import callwaitingai vs {peer}: {results[peer] / max(ours, 1e-4):.0f}x less time")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--server-bin", required=True)
    args = p.parse_args()
    bench_verify()
    bench_roundtrip(args.server_bin)
    bench_pagination(args.server_bin)
    bench_import()


if __name__ == "__main__":
    main()
