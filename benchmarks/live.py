"""What the live addon costs the proxy: bare `mitmdump` vs `mitmdump -s addons/phonehome.py`.

    .venv/bin/python benchmarks/live.py [--rounds 3] [--connections 4] [--small 1500] [--large 300]

Everything runs on 127.0.0.1: an upstream HTTPS server in its own process (`tests/support/net.py
--serve`), two real mitmdumps (one bare, one with the addon writing a session with the sample
profile), and a bounded asyncio load generator in this process: N keep-alive HTTP/1.1-over-TLS
connections through the proxy (CONNECT, mitmproxy's CA), each sending its share of a fixed number
of requests one after another. Two workloads: small GETs (a query string with an id) and POSTs of a
100 KB JSON body.

Rounds are interleaved (bare, addon, bare -w, then bare -w, addon, bare, ...) so drifts of the machine
hit all and no proxy always runs right after another;
`mitmdump -w` (mitmproxy saving flows itself, no analysis) is measured too, for reference;
before every round the addon's worker must have caught up (its analysis of the previous round would
otherwise steal CPU from the next bare round). Reported per workload: flows/s and p50/p99 latency
(medians over rounds), the throughput ratio addon/bare and the added p99, against the targets
(ratio >= 0.95 small, >= 0.9 100 KB; added p99 <= 2 ms), plus the addon's own hook timings and
whether its worker kept up (dropped analyses).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from support.net import run_mitmdump  # noqa: E402

PROFILE = REPO / "captures" / "sample" / "device.toml"
HOST = "api.bench.test"

TARGETS = {"small": 0.95, "100KB": 0.90, "paced": 0.0}  # paced: latency only
ADDED_P99_MS = 2.0


def large_body(size: int = 100_000) -> bytes:
    """A ~100 KB JSON body (a shopping cart) carrying one known identifier."""
    items = []
    i = 0
    while True:
        items.append(
            {"sku": f"SKU-{i:06d}", "qty": i % 5 + 1, "price_cents": 199 + i * 7, "tags": ["a", "b"]}
        )
        i += 1
        body = json.dumps({"device": {"android_id": "9774d56d682e549c"}, "cart": items}).encode()
        if len(body) >= size:
            return body


@dataclass
class Workload:
    name: str
    method: str
    target: str
    body: bytes
    requests: int
    connections: int | None = None
    """None: the --connections setting."""
    interval: float = 0.0
    """Mean seconds between request starts on a connection, exponentially distributed (Poisson
    arrivals, fixed seed); 0: back to back, i.e. saturating."""


@dataclass
class RoundResult:
    latencies: list[float]
    flows_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    proxy_cpu_ms: float = 0.0
    """CPU time of the mitmdump process per flow (user + system)."""
    worker_cpu_ms: float = 0.0
    """CPU time of the addon's worker process per flow during the round."""
    cores: dict[str, float] | None = None
    """Cores each process kept busy during the round (CPU seconds / wall seconds)."""
    elapsed: float = 0.0


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _connection(port: int, ctx: ssl.SSLContext, w: Workload, count: int, lat: list[float]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"CONNECT {HOST}:443 HTTP/1.1\r\nHost: {HOST}:443\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 200" not in head.split(b"\r\n", 1)[0]:
        raise ConnectionError(head)
    await writer.start_tls(ctx, server_hostname=HOST)
    request = (
        f"{w.method} {w.target} HTTP/1.1\r\nHost: {HOST}\r\nUser-Agent: phonehome-bench\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(w.body)}\r\n\r\n"
    ).encode() + w.body
    errors = 0
    next_start = time.perf_counter()
    rng = random.Random(20261126)  # the same arrivals for every proxy
    for _ in range(count):
        if w.interval:
            await asyncio.sleep(max(0.0, next_start - time.perf_counter()))
            next_start += rng.expovariate(1 / w.interval)
        t0 = time.perf_counter()
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await reader.readexactly(length)
        lat.append(time.perf_counter() - t0)
        if not head.startswith(b"HTTP/1.1 200"):
            errors += 1
    writer.close()
    return errors


async def _load(port: int, ca: Path, w: Workload, connections: int) -> RoundResult:
    ctx = ssl.create_default_context(cafile=str(ca))
    ctx.set_alpn_protocols(["http/1.1"])
    lat: list[float] = []
    connections = w.connections or connections
    per = [w.requests // connections + (1 if i < w.requests % connections else 0) for i in range(connections)]
    t0 = time.perf_counter()
    errors = await asyncio.gather(*(_connection(port, ctx, w, n, lat) for n in per))
    elapsed = time.perf_counter() - t0
    lat.sort()
    return RoundResult(
        elapsed=elapsed,
        latencies=lat,
        flows_per_s=len(lat) / elapsed,
        p50_ms=lat[len(lat) // 2] * 1000,
        p99_ms=lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000,
        errors=sum(errors),
    )


def _last_stats(session: Path) -> dict[str, Any]:
    path = session / "proxy-events.jsonl"
    if not path.exists():
        return {}
    for line in reversed(path.read_bytes().splitlines()):
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if e.get("type") == "proxy:stats":
            return e
    return {}


def _wait_worker(session: Path, timeout: float = 120.0) -> dict[str, Any]:
    """Until the addon's worker has analysed everything enqueued (stats are written every second)."""
    deadline = time.monotonic() + timeout
    while True:
        time.sleep(1.1)
        s = _last_stats(session)
        if (
            s
            and s.get("worker_ready")
            and s.get("backlog", 1) == 0
            and s.get("analysed", 0) >= s.get("enqueued", 0)
        ):
            return s
        if time.monotonic() > deadline:
            return s


def _pooled(results: list[RoundResult], q: float) -> float:
    lat = sorted(x for r in results for x in r.latencies)
    return lat[min(len(lat) - 1, int(q * len(lat)))] * 1000


def _fmt(results: list[RoundResult]) -> tuple[float, float, float]:
    return (statistics.median(r.flows_per_s for r in results), _pooled(results, 0.5), _pooled(results, 0.99))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=8)
    p.add_argument("--connections", type=int, default=4)
    p.add_argument("--small", type=int, default=500, help="requests per round, small workload")
    p.add_argument("--large", type=int, default=150, help="requests per round, 100 KB workload")
    p.add_argument("--paced", type=int, default=150, help="requests per round, paced latency workload")
    p.add_argument(
        "--queue",
        type=int,
        default=200,
        help="the addon's phonehome_queue: analysis of 100 KB bodies is far slower than proxying "
        "them, so a long queue only makes the drain between rounds long",
    )
    p.add_argument("--keep", action="store_true", help="keep the addon's session directory")
    p.add_argument("--no-w", action="store_true", help="leave out the `mitmdump -w` reference proxy")
    args = p.parse_args(argv)

    workloads = [
        Workload("small", "GET", "/v1/ping?android_id=9774d56d682e549c&v=1", b"", args.small),
        Workload("100KB", "POST", "/v1/batch", large_body(), args.large),
        # Latency as a phone sees it: one connection, ~50 requests/s (Poisson), the proxy far from saturated.
        Workload(
            "paced",
            "GET",
            "/v1/ping?android_id=9774d56d682e549c&v=1",
            b"",
            args.paced,
            connections=1,
            interval=0.02,
        ),
    ]
    tmp = Path(tempfile.mkdtemp(prefix="phonehome-bench-"))
    session = tmp / "session"
    results: dict[tuple[str, str], list[RoundResult]] = {}
    with ExitStack() as stack:
        upstream = subprocess.Popen(
            [sys.executable, str(REPO / "tests" / "support" / "net.py"), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        stack.callback(upstream.wait, 10)
        stack.callback(upstream.stdin.close)  # type: ignore[union-attr]
        ports = json.loads(upstream.stdout.readline())  # type: ignore[union-attr]

        class Up:
            https_port = ports["https_port"]
            http_port = ports["http_port"]

        confdir = tmp / "conf"
        bare = stack.enter_context(run_mitmdump("-q", confdir=confdir, upstream=Up))
        addon = stack.enter_context(
            run_mitmdump(
                "-q",
                "-s",
                str(REPO / "addons" / "phonehome.py"),
                "--set",
                f"phonehome_session={session}",
                "--set",
                f"phonehome_profile={PROFILE}",
                "--set",
                f"phonehome_queue={args.queue}",
                confdir=confdir,
                upstream=Up,
            )
        )
        proxies = {"bare": bare, "addon": addon}
        if not args.no_w:
            # For reference: what mitmproxy's own flow saving costs (no analysis at all).
            proxies["bare -w"] = stack.enter_context(
                run_mitmdump("-q", "-w", str(tmp / "bare-w.mitm"), confdir=confdir, upstream=Up)
            )
        # Warm-up: TLS certs generated, worker started, first-flow checks done.
        for proxy in proxies.values():
            asyncio.run(_load(proxy.port, proxy.ca_cert, Workload("warm", "GET", "/warm", b"", 100), 2))
        _wait_worker(session)
        print(
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start; "
            f"{args.connections} keep-alive HTTPS connections; {args.rounds} interleaved rounds of "
            f"{args.small} small / {args.large} 100 KB requests; upstream, proxies and load generator on 127.0.0.1"
        )
        for r in range(args.rounds):
            for w in workloads:
                # ABBA: the order alternates, so neither proxy always runs right after the other's
                # side effects (the worker's catch-up, page-cache writeback of the saved flows).
                order = list(proxies.items())
                for name, proxy in order if r % 2 == 0 else order[::-1]:
                    wpid = _last_stats(session).get("worker_pid") if name == "addon" else None
                    c0, w0, u0, g0 = (
                        cpu_seconds(proxy.proc.pid),
                        cpu_seconds(wpid),
                        cpu_seconds(upstream.pid),
                        time.process_time(),
                    )
                    res = asyncio.run(_load(proxy.port, proxy.ca_cert, w, args.connections))
                    n = w.requests
                    c, wk, u, g = (
                        cpu_seconds(proxy.proc.pid) - c0,
                        cpu_seconds(wpid) - w0,
                        cpu_seconds(upstream.pid) - u0,
                        time.process_time() - g0,
                    )
                    res.proxy_cpu_ms = c / n * 1000
                    res.worker_cpu_ms = wk / n * 1000
                    res.cores = {
                        "proxy": c / res.elapsed,
                        "worker": wk / res.elapsed,
                        "upstream": u / res.elapsed,
                        "load": g / res.elapsed,
                    }
                    results.setdefault((w.name, name), []).append(res)
                    print(
                        f"  round {r + 1} {w.name:6} {name:8} {res.flows_per_s:7.1f} flows/s  "
                        f"p50 {res.p50_ms:6.2f} ms  p99 {res.p99_ms:6.2f} ms  errors {res.errors}  "
                        f"CPU/flow proxy {res.proxy_cpu_ms:.2f} ms"
                        + (f" worker {res.worker_cpu_ms:.2f} ms" if name == "addon" else ""),
                        flush=True,
                    )
                    if name == "addon":
                        _wait_worker(session)  # its analysis must not run during the next proxy's round
        stats = _wait_worker(session)
        load_end = os.getloadavg()

    print()
    print(f"load average at the end: {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}")
    print(
        "cores kept busy during the rounds (CPU s / wall s, medians): "
        + "; ".join(
            f"{w.name} {name}: "
            + ", ".join(
                f"{k} {statistics.median((r.cores or {}).get(k, 0.0) for r in results[(w.name, name)]):.2f}"
                for k in ("proxy", "worker", "upstream", "load")
                if k != "worker" or name == "addon"
            )
            for w in workloads
            for name in ("bare", "addon")
        )
    )
    print(
        "flows/s and CPU: medians over rounds (ratios per round, addon vs bare of the same round, the order "
        "alternating, then the median); latency percentiles: all rounds pooled"
    )
    print(f"{'workload':8} {'proxy':8} {'flows/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'proxy CPU ms/flow':>18}")
    ok = True
    for w in workloads:
        for name in proxies:
            rs = results[(w.name, name)]
            f = _fmt(rs)
            cpu = statistics.median(x.proxy_cpu_ms for x in rs)
            print(f"{w.name:8} {name:8} {f[0]:9.1f} {f[1]:8.2f} {f[2]:8.2f} {cpu:18.2f}")
        bare_rs, addon_rs = results[(w.name, "bare")], results[(w.name, "addon")]
        ratio = statistics.median(
            a.flows_per_s / b.flows_per_s for a, b in zip(addon_rs, bare_rs, strict=True)
        )
        # Tail latency from all rounds pooled (a per-round p99 of a few hundred requests is one outlier).
        added = _pooled(addon_rs, 0.99) - _pooled(bare_rs, 0.99)
        added50 = _pooled(addon_rs, 0.5) - _pooled(bare_rs, 0.5)
        cpu_added = statistics.median(
            a.proxy_cpu_ms - b.proxy_cpu_ms for a, b in zip(addon_rs, bare_rs, strict=True)
        )
        worker_cpu = statistics.median(a.worker_cpu_ms for a in addon_rs)
        t_ok = ratio >= TARGETS[w.name] or w.interval > 0
        l_ok = added <= ADDED_P99_MS
        ok = ok and t_ok and l_ok
        what = (
            f"throughput ratio addon/bare {ratio:.3f} (target >= {TARGETS[w.name]}) {'OK' if t_ok else 'MISSED'}"
            if not w.interval
            else f"one connection, ~{1 / w.interval:.0f} requests/s (Poisson)"
        )
        print(
            f"{w.name:8} {what}; added p99 {added:+.2f} ms (target <= {ADDED_P99_MS}) "
            f"{'OK' if l_ok else 'MISSED'}; added p50 {added50:+.2f} ms; added proxy CPU {cpu_added:+.3f} ms/flow; "
            f"worker CPU {worker_cpu:.2f} ms/flow"
        )
        if "bare -w" in proxies:
            w_rs = results[(w.name, "bare -w")]
            w_ratio = statistics.median(
                a.flows_per_s / b.flows_per_s for a, b in zip(w_rs, bare_rs, strict=True)
            )
            w_cpu = statistics.median(
                a.proxy_cpu_ms - b.proxy_cpu_ms for a, b in zip(w_rs, bare_rs, strict=True)
            )
            print(
                f"{w.name:8} for reference, mitmdump -w (saving only): ratio {w_ratio:.3f}, "
                f"added proxy CPU {w_cpu:+.3f} ms/flow"
            )
    print()
    print(
        f"addon: {stats.get('flows')} flows saved, {stats.get('analysed')} analysed, {stats.get('findings')} findings, "
        f"{stats.get('dropped')} analyses dropped (queue {args.queue}), hook wall time p50 {stats.get('hook_ms_p50')} ms "
        f"p99 {stats.get('hook_ms_p99')} ms max {stats.get('hook_ms_max')} ms; hook CPU p50 "
        f"{stats.get('hook_cpu_ms_p50')} ms p99 {stats.get('hook_cpu_ms_p99')} ms (last 2000 hooks)"
    )
    if args.keep:
        print(f"session kept in {session}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
