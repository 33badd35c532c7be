"""Python SDK benchmarks, each a ratio against a named peer measured in the same run.

Run with `cargo xtask bench` (it builds the release server and wheel and installs the peers),
or: `python sdk-python/bench/bench.py --server-bin target/release/callwaitingai-server`.
"""

from __future__ import annotations

import argparse
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
    t_ours = best_per_call(lambda: ours.verify(body, headers), 20000)
    t_peer = best_per_call(lambda: peer.verify(body, headers), 20000)
    print(f"webhook verify, 1 KiB body: callwaitingai {t_ours * 1e6:.1f} µs, standardwebhooks "
          f"{t_peer * 1e6:.1f} µs -> {t_peer / t_ours:.1f}x faster")


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
    bench_import()


if __name__ == "__main__":
    main()
