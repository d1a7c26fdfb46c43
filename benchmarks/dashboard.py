"""Benchmark the live dashboard: append-to-screen latency and the cost of 100,000 findings.

    .venv/bin/python benchmarks/dashboard.py [--findings 100000] [--samples 40]

Measures, headless (`App.run_test` + pilot, 160x45, default poll interval 0.25 s):

1. latency from a finding line being appended to findings.jsonl to its organisation being on the
   rendered screen (p50/p90/p99/max), on a small session and on one with N findings: the time
   until the dashboard has updated its widgets and a full render of the screen shows the row;
2. aggregation alone: `DashboardState.ingest` of N parsed findings;
3. tailing alone: reading and parsing N lines with `SessionTail`;
4. opening a session with N findings until every one is folded in and the screen is drawn;
5. with N findings loaded: the cost of one repaint tick for one new finding, of the reveal
   toggle and of a filter, and peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.dashboard import T0, finding, make_session, screen_text  # noqa: E402

from phonehome.store import JsonlWriter, SessionStore  # noqa: E402
from phonehome.views.dashboard import Dashboard  # noqa: E402
from phonehome.views.dashboard.state import Batch, DashboardState  # noqa: E402
from phonehome.views.dashboard.tail import SessionTail  # noqa: E402

ORGS = [f"Tracker {i:02d}" for i in range(40)] + ["Example GmbH"]
CATS = ["advertising_id", "device_id", "user_id", "device_info", "app_activity", "network", "location_coarse"]


def synthetic(n: int, start: int = 0) -> list[dict]:
    rnd = random.Random(start)
    rows = []
    for i in range(start, start + n):
        org = ORGS[int(rnd.paretovariate(1.2)) % len(ORGS)]
        rows.append(
            finding(
                i,
                org=org,
                host=f"api{i % 7}.{org.lower().replace(' ', '')}.example",
                category=rnd.choice(CATS),
                value=f"value-{i % 5000:05d}-{rnd.getrandbits(32):08x}",
                party="first" if org == "Example GmbH" else "third",
                cleartext=i % 97 == 0,
                ts=T0 + i * 0.01,
            )
        )
    return rows


def write_session(root: Path, n: int) -> SessionStore:
    store = make_session(root)
    with JsonlWriter(store.findings) as w:
        for k in range(0, n, 5000):
            w.write_many(synthetic(min(5000, n - k), k))
    return store


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def fmt_ms(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"p50 {pct(ms, 50):6.1f} ms  p90 {pct(ms, 90):6.1f} ms  p99 {pct(ms, 99):6.1f} ms  "
        f"max {max(ms):6.1f} ms  (n={len(ms)})"
    )


async def latency(store: SessionStore, samples: int, base: int) -> list[float]:
    """Append one finding at a random moment, time until its organisation is on screen."""
    app = Dashboard(store.root, tz=UTC)
    out: list[float] = []
    rnd = random.Random(7)
    async with app.run_test(size=(160, 45)) as pilot:
        while app.applied_findings < base:
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        with JsonlWriter(store.findings) as w:
            for i in range(samples):
                await asyncio.sleep(rnd.uniform(0.05, 0.3))
                marker = f"Latency Probe {i:03d}"
                row = finding(base + i, org=marker, ts=time.time())
                t0 = time.perf_counter()
                w.write(row)
                target = app.applied_findings + 1
                while app.applied_findings < target:
                    await asyncio.sleep(0.002)
                    if time.perf_counter() - t0 > 5:
                        raise SystemExit(f"{marker} not applied after 5 s")
                # The widgets are updated; render the screen as a frame would (a full repaint,
                # more than the partial update a terminal gets) until the row is in it.
                while marker not in screen_text(app):
                    await asyncio.sleep(0.005)
                    if time.perf_counter() - t0 > 5:
                        raise SystemExit(f"{marker} applied but not on screen after 5 s")
                elapsed = time.perf_counter() - t0
                out.append(elapsed)
    return out


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set of this process in MB (VmHWM resets on exec, ru_maxrss does not)."""
    fields = dict(
        line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


async def open_and_interact(store: SessionStore, n: int, *, interact: bool = True) -> dict[str, float]:
    app = Dashboard(store.root, tz=UTC)
    ticks: list[float] = []
    apply = app._apply

    def timed_apply() -> None:
        t = time.thread_time()
        apply()
        ticks.append(time.thread_time() - t)

    app._apply = timed_apply  # type: ignore[method-assign]
    res: dict[str, float] = {}
    t0, c0 = time.perf_counter(), time.process_time()
    async with app.run_test(size=(160, 45)) as pilot:
        while app.applied_findings < n:
            await pilot.pause(0.02)
        screen_text(app)
        res["open"] = time.perf_counter() - t0
        res["open_cpu"] = time.process_time() - c0
        res["open_ticks_max"] = max(ticks)
        if not interact:
            return res
        ticks.clear()
        with JsonlWriter(store.findings) as w:
            for i in range(20):
                target = app.applied_findings + 1
                w.write(finding(n + i, org="After Load", ts=time.time()))
                while app.applied_findings < target:
                    await pilot.pause(0.01)
        res["tick_p50"] = statistics.median(ticks)
        res["tick_max"] = max(ticks)
        for name, keys in (
            ("reveal", ["r"]),
            ("redact", ["r"]),
            ("filter", ["enter"]),
            ("clear_filter", ["escape"]),
            ("evidence", ["enter"]),
            ("close", ["escape"]),
        ):
            if name == "filter":
                await pilot.press("slash", *"tracker 01")  # typing is not timed, applying is
                await pilot.pause()
            t, c = time.perf_counter(), time.thread_time()
            await pilot.press(*keys)
            await pilot.pause()
            screen_text(app)
            res[name] = time.perf_counter() - t
            res[name + "_cpu"] = time.thread_time() - c
    return res


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--open-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    n = args.findings
    if args.open_only:
        base = rss_mb()[0]
        res = asyncio.run(open_and_interact(SessionStore(args.open_only), n, interact=False))
        now, peak = rss_mb()
        print(f"{base:.0f} {now:.0f} {peak:.0f} {res['open']:.2f} {res['open_cpu']:.2f}")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="phonehome-bench-"))
    print(
        f"phonehome dashboard benchmark: {n:,} findings, {args.samples} latency samples, poll interval 0.25 s"
    )

    small = write_session(tmp / "small", 100)
    lat_small = asyncio.run(latency(small, args.samples, 100))
    print(f"append -> on screen, 100 findings     {fmt_ms(lat_small)}")
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")

    t = time.perf_counter()
    big = write_session(tmp / "big", n)
    size = big.findings.stat().st_size
    print(f"wrote {n:,} findings ({size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s")

    rows = []
    t, c = time.perf_counter(), time.process_time()
    tail = SessionTail(big)
    while True:
        b = tail.poll()
        rows += b.findings
        if not b.more:
            break
    t_tail, c_tail = time.perf_counter() - t, time.process_time() - c
    print(
        f"tail+parse {n:,} lines                 {t_tail:6.2f} s wall, {c_tail:.2f} s CPU "
        f"({c_tail / n * 1e6:.1f} µs CPU/finding)"
    )
    state = DashboardState()
    t, c = time.perf_counter(), time.process_time()
    state.ingest(Batch(findings=rows))
    t_agg, c_agg = time.perf_counter() - t, time.process_time() - c
    print(
        f"aggregate {n:,} findings               {t_agg:6.2f} s wall, {c_agg:.2f} s CPU "
        f"({c_agg / n * 1e6:.1f} µs CPU/finding)"
    )
    c = time.process_time()
    for k in range(100):
        state.take_changes()
        state.ingest(Batch(findings=[finding(n + 1 + k)]))
        state.latest(200)
        state.ordered_orgs()
    print(
        f"1 more finding + feed/matrix queries  {(time.process_time() - c) * 10:6.2f} ms CPU (with {n:,} in state)"
    )
    del rows, state

    import subprocess

    base, now, peak, t_open, c_open = subprocess.run(
        [sys.executable, __file__, "--findings", str(n), "--open-only", str(big.root)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-5:]
    print(
        f"fresh process opening {n:,} findings   {float(t_open):6.2f} s wall, {c_open} s CPU; RSS {base} MB "
        f"before, {now} MB after (peak {peak} MB)"
    )
    res = asyncio.run(open_and_interact(big, n))
    print(
        f"open {n:,}-finding session to screen   {res['open']:6.2f} s wall, {res['open_cpu']:.2f} s CPU "
        f"(longest UI-thread apply {res['open_ticks_max'] * 1e3:.0f} ms CPU)"
    )
    print(
        f"UI apply for 1 new finding            p50 {res['tick_p50'] * 1e3:.2f} ms  max {res['tick_max'] * 1e3:.2f} ms CPU"
    )
    for key in ("reveal", "redact", "filter", "clear_filter", "evidence", "close"):
        print(
            f"key {key:<13} (with {n:,})       {res[key] * 1e3:6.1f} ms to screen "
            f"({res[key + '_cpu'] * 1e3:.1f} ms UI-thread CPU)"
        )

    lat_big = asyncio.run(latency(big, args.samples, n + 20))
    print(f"append -> on screen, {n:,} findings  {fmt_ms(lat_big)}")
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
    print(f"load average during the run: {' '.join(load)} (on {__import__('os').cpu_count()} cores)")
    print(f"benchmark process peak RSS {rss_mb()[1]:.0f} MB (holds its own copy of the {n:,} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
