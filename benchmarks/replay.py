"""Replay speed and memory: `phonehome replay` against bare `mitmdump -nr -q` on the same file.

    .venv/bin/python benchmarks/replay.py [--flows 20000] [--rounds 2] [--keep FILE]

Builds a flow file of realistic flows (the bundled sample session's requests — SDK wire formats
with identifiers, locations and hashes — repeated with fresh ids, timestamps and values), then runs,
interleaved, bare `mitmdump -nr FILE -q` (mitmproxy reading and replaying the flows through its
addon chain) and `phonehome replay FILE --findings OUT` (reading, decoding, detecting,
attributing and writing every finding). Prints flows/s for both, their ratio, and phonehome's
peak RSS. Each command runs in a fresh child so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from mitmproxy import http
from mitmproxy import io as mitm_io

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SAMPLE = REPO / "captures" / "sample" / "flows.mitm"

_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "dt = time.perf_counter() - t\n"
    "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(dt, rss, p.returncode)\n"
)


def templates() -> list[http.HTTPFlow]:
    with SAMPLE.open("rb") as f:
        flows = [fl for fl in mitm_io.FlowReader(f).stream() if isinstance(fl, http.HTTPFlow)]
    if not flows:
        raise SystemExit(f"no flows in {SAMPLE}; run captures/make_sample.py first")
    return flows


def build_file(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    base = templates()
    t0 = time.time() - count * 0.05
    with path.open("wb") as f:
        writer = mitm_io.FlowWriter(f)
        for i in range(count):
            state = rng.choice(base).get_state()
            flow = http.HTTPFlow.from_state(state)
            flow.id = str(uuid.UUID(int=rng.getrandbits(128)))
            flow.request.timestamp_start = t0 + i * 0.05
            flow.request.query["ph_seq"] = str(i)
            flow.request.query["ph_req"] = uuid.UUID(int=rng.getrandbits(128)).hex
            writer.add(flow)


def measure(argv: list[str]) -> tuple[float, int, int]:
    out = subprocess.run([sys.executable, "-c", _MEASURE, *argv], capture_output=True, text=True, check=True)
    seconds, rss_kib, status = out.stdout.split()
    return float(seconds), int(rss_kib) * 1024, int(status)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--flows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="write the generated flow file here and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="phonehome-bench-") as tmp:
        path = args.keep or Path(tmp) / "bench.mitm"
        t = time.perf_counter()
        build_file(path, args.flows)
        print(
            f"built {args.flows} flows ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s"
        )
        out = Path(tmp) / "findings.jsonl"
        bare_argv = [str(BIN / "mitmdump"), "-nr", str(path), "-q"]
        ours_argv = [str(BIN / "phonehome"), "replay", str(path), "--findings", str(out), "--no-progress"]
        bare_times, ours_times, ours_rss = [], [], []
        for round_ in range(args.rounds):
            b, _, bs = measure(bare_argv)
            o, rss, os_ = measure(ours_argv)
            bare_times.append(b)
            ours_times.append(o)
            ours_rss.append(rss)
            print(
                f"round {round_ + 1}: mitmdump -nr {args.flows / b:8.0f} flows/s (exit {bs})   "
                f"phonehome replay {args.flows / o:8.0f} flows/s (exit {os_}), peak RSS {rss / 2**20:.0f} MiB"
            )
        findings = sum(1 for _ in out.open())
        bare = args.flows / statistics.median(bare_times)
        ours = args.flows / statistics.median(ours_times)
        print(
            json.dumps(
                {
                    "flows": args.flows,
                    "findings": findings,
                    "mitmdump_nr_flows_per_s": round(bare),
                    "phonehome_replay_flows_per_s": round(ours),
                    "ratio_phonehome_to_mitmdump": round(ours / bare, 2),
                    "phonehome_peak_rss_mib": round(max(ours_rss) / 2**20),
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
