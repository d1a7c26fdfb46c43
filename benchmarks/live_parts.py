"""Where the live addon's cost to the proxy goes: bare `mitmdump` against a script addon with an
empty hook, a minimal journaling probe, the addon with its worker stopped (SIGSTOP during the
round) and the addon as it runs. Small keep-alive HTTPS GETs, 4 connections, rounds interleaved
with the order alternating; prints flows/s, the ratio to bare and the added proxy CPU per flow."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

import live  # noqa: E402
from support.net import LocalServer, run_mitmdump  # noqa: E402

VARIANTS = ("empty hook", "journal probe", "addon, worker stopped", "addon")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--requests", type=int, default=800)
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="phonehome-parts-"))
    session = tmp / "session"
    with LocalServer() as upstream, ExitStack() as stack:

        def start(*extra: str) -> Any:
            return stack.enter_context(run_mitmdump("-q", *extra, confdir=tmp / "conf", upstream=upstream))

        addon = start(
            "-s",
            str(live.REPO / "addons" / "phonehome.py"),
            "--set",
            f"phonehome_session={session}",
            "--set",
            f"phonehome_profile={live.PROFILE}",
            "--set",
            "phonehome_queue=100000",
        )
        proxies = {
            "bare": start(),
            "empty hook": start("-s", str(HERE / "probes" / "empty_response.py")),
            "journal probe": start("-s", str(HERE / "probes" / "journal_only.py")),
            "addon, worker stopped": addon,
            "addon": addon,
        }
        for proxy in (proxies["bare"], proxies["empty hook"], proxies["journal probe"], addon):
            asyncio.run(
                live._load(proxy.port, proxy.ca_cert, live.Workload("warm", "GET", "/warm", b"", 200), 2)
            )
        worker = live._wait_worker(session).get("worker_pid")
        work = live.Workload("small", "GET", "/v1/ping?android_id=9774d56d682e549c&v=1", b"", args.requests)
        flows: dict[str, list[float]] = {k: [] for k in proxies}
        cpu: dict[str, list[float]] = {k: [] for k in proxies}
        print(
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {args.rounds} rounds of "
            f"{args.requests} small GETs over 4 keep-alive HTTPS connections",
            flush=True,
        )
        for r in range(args.rounds):
            order = list(proxies) if r % 2 == 0 else list(proxies)[::-1]
            for name in order:
                proxy = proxies[name]
                if name == "addon, worker stopped":
                    os.kill(worker, signal.SIGSTOP)
                c0 = live.cpu_seconds(proxy.proc.pid)
                res = asyncio.run(live._load(proxy.port, proxy.ca_cert, work, 4))
                cpu[name].append((live.cpu_seconds(proxy.proc.pid) - c0) / work.requests * 1000)
                if name == "addon, worker stopped":
                    os.kill(worker, signal.SIGCONT)
                flows[name].append(res.flows_per_s)
                if name.startswith("addon"):
                    live._wait_worker(session)
                    time.sleep(0.2)
    print(f"{'variant':24} {'flows/s':>8} {'ratio':>6} {'proxy CPU ms/flow':>18} {'added':>8}")
    for name in proxies:
        ratio = statistics.median(a / b for a, b in zip(flows[name], flows["bare"], strict=True))
        added = statistics.median(a - b for a, b in zip(cpu[name], cpu["bare"], strict=True))
        print(
            f"{name:24} {statistics.median(flows[name]):8.1f} {ratio:6.3f} {statistics.median(cpu[name]):18.3f} "
            f"{added * 1000:+7.0f} µs"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
