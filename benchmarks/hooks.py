"""What a hook costs the app, and how many events reach the host.

    .venv/bin/python benchmarks/hooks.py [--java-calls 20000] [--native-calls 20000]

Each part measures hooked and unhooked calls in the same process run (same JIT state, same
caches): the target times N calls, waits until the host has attached the agent, then times N
calls again.

- Java (OpenJDK 17, `api` agent): `Settings.Secure.getString` from the test doubles, once with a
  key that is recorded (a `hook:read` event with thread and Java stack) and once with a key the
  hook filters out (`record` returns null: the cost of the wrapper alone).
- Native (`/usr/bin/python3.11`, `tls` agent): libc `getaddrinfo("localhost")` via
  `socket.getaddrinfo`; every hooked call sends a `hook:net` event.

Events/s at the host: for the two parts above, from the first to the last event of the timed
phase arriving in `HookHost.on_event` (bounded by how fast the target makes them); and a
delivery test where an agent emits `--events` small events in a loop (`rpc bench`) and the host
decodes, numbers and writes them to hook-events.jsonl.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from support.hooks import ensure_agents, java_argv  # noqa: E402

from phonehome.hooks.host import AgentConfig, HookHost, Target  # noqa: E402

PY = "/usr/bin/python3.11"
NATIVE_TARGET = """
import socket, sys, time
n = int(sys.argv[1])
def timed():
    t = time.perf_counter_ns()
    for _ in range(n):
        socket.getaddrinfo("localhost", 80, socket.AF_INET, socket.SOCK_STREAM)
    return (time.perf_counter_ns() - t) // n
for _ in range(2000):
    socket.getaddrinfo("localhost", 80, socket.AF_INET, socket.SOCK_STREAM)
print("READY unhooked_ns=%d" % timed(), flush=True)
sys.stdin.readline()
print("DONE recorded_ns=%d" % timed(), flush=True)
sys.stdin.readline()
"""


class Counter:
    def __init__(self, type_: str) -> None:
        self.type = type_
        self.count = 0
        self.first = 0.0
        self.last = 0.0
        self.lock = threading.Lock()

    def __call__(self, ev: dict) -> None:
        if ev.get("type") != self.type:
            return
        now = time.perf_counter()
        with self.lock:
            if self.count == 0:
                self.first = now
            self.count += 1
            self.last = now


def _fields(line: str) -> dict[str, int]:
    return {k: int(v) for k, v in (p.split("=") for p in line.split()[1:])}


def measure(argv: list[str], agents: tuple[str, ...], event_type: str, expected: int) -> dict[str, float]:
    proc = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        ready = proc.stdout.readline()
        if not ready.startswith("READY"):
            raise RuntimeError(f"target did not start: {ready!r}")
        counter = Counter(event_type)
        with tempfile.TemporaryDirectory() as tmp:
            host = HookHost(
                AgentConfig(target=Target(attach=proc.pid), agents=agents, session=Path(tmp), analyse=False),
                on_event=counter,
            )
            host.start()
            time.sleep(0.5)  # let the hooks settle
            proc.stdin.write("go\n")
            proc.stdin.flush()
            done = proc.stdout.readline()
            deadline = time.monotonic() + 60
            while counter.count < expected and time.monotonic() < deadline:
                time.sleep(0.01)
            proc.stdin.write("exit\n")
            proc.stdin.flush()
            host.stop()
    finally:
        proc.kill()
        proc.wait()
    out: dict[str, float] = {**_fields(ready), **_fields(done)}
    span = counter.last - counter.first
    out["events"] = counter.count
    out["events_per_s"] = (counter.count - 1) / span if span > 0 else float("nan")
    return out


def measure_delivery(n: int) -> float:
    """Events/s from an agent's `emit` to the host's `on_event` (batched, decoded, written)."""
    proc = subprocess.Popen([PY, "-c", "import sys; sys.stdin.readline()"], stdin=subprocess.PIPE, text=True)
    counter = Counter("hook:bench")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            host = HookHost(
                AgentConfig(
                    target=Target(attach=proc.pid), agents=("tls",), session=Path(tmp), analyse=False
                ),
                on_event=counter,
            )
            host.start()
            host.sink.settle_s = 0.0
            script = host.targets[proc.pid].scripts["tls"]
            t0 = time.perf_counter()
            script.exports_sync.bench(n)
            deadline = time.monotonic() + 120
            while counter.count < n and time.monotonic() < deadline:
                time.sleep(0.005)
            elapsed = counter.last - t0
            host.stop()
    finally:
        proc.kill()
        proc.wait()
    return counter.count / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--java-calls", type=int, default=20000)
    parser.add_argument("--native-calls", type=int, default=20000)
    parser.add_argument("--events", type=int, default=200000)
    args = parser.parse_args()
    ensure_agents("api", "tls")

    j = measure(java_argv("--bench", str(args.java_calls)), ("api",), "hook:read", args.java_calls)
    print(f"Java Settings.Secure.getString x{args.java_calls} (OpenJDK 17, api agent)")
    print(f"  unhooked            {j['unhooked_ns'] / 1000:8.2f} us/call")
    print(
        f"  hooked, recorded    {j['recorded_ns'] / 1000:8.2f} us/call   x{j['recorded_ns'] / j['unhooked_ns']:.0f}  "
        f"(+{(j['recorded_ns'] - j['unhooked_ns']) / 1000:.1f} us: wrapper + stack + event)"
    )
    print(
        f"  hooked, filtered    {j['filtered_ns'] / 1000:8.2f} us/call   x{j['filtered_ns'] / j['unhooked_ns']:.0f}  "
        f"(+{(j['filtered_ns'] - j['unhooked_ns']) / 1000:.1f} us: wrapper only)"
    )
    print(f"  events at the host  {j['events']:.0f} of {args.java_calls}, {j['events_per_s']:,.0f} events/s")

    n = measure([PY, "-c", NATIVE_TARGET, str(args.native_calls)], ("tls",), "hook:net", args.native_calls)
    print(f"native getaddrinfo x{args.native_calls} (python3.11, tls agent)")
    print(f"  unhooked            {n['unhooked_ns'] / 1000:8.2f} us/call")
    print(
        f"  hooked, recorded    {n['recorded_ns'] / 1000:8.2f} us/call   x{n['recorded_ns'] / n['unhooked_ns']:.2f}  "
        f"(+{(n['recorded_ns'] - n['unhooked_ns']) / 1000:.1f} us)"
    )
    print(
        f"  events at the host  {n['events']:.0f} of {args.native_calls}, {n['events_per_s']:,.0f} events/s"
    )
    rate = measure_delivery(args.events)
    print(f"delivery: {args.events} events emitted in a loop -> host on_event: {rate:,.0f} events/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
