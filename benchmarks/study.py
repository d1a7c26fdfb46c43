"""Study and parallel replay speed: Dask with 1 and 2 workers, replay on 1 and 2 cores, bare mitmdump.

    .venv/bin/python benchmarks/study.py [--sessions 200] [--flows-per-session 1000] [--replay-flows 200000]

In one run, on the same machine state:
1. generates `--sessions` app sessions from the SDK fixtures (tests/support/study.py), then runs
   `phonehome study` on a local Dask cluster with 1 worker and with 2 workers: flows/s, their
   ratio (target >= 1.7x on 2 cores), and each worker's peak RSS (target < 400 MB);
2. builds one flow file of `--replay-flows` flows (benchmarks/replay.py's generator) and runs
   `phonehome replay --jobs 1`, `phonehome replay --jobs 2` and bare `mitmdump -nr -q` on it, each in
   a fresh child: flows/s, the 2-core/1-core ratio (target >= 1.6x) and 2 cores vs mitmdump
   (target >= 3x), with peak RSS.
Figures depend on the machine's load; the ratios compare runs made minutes apart on it.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from replay import BIN, build_file, measure  # noqa: E402
from support.study import generate_study  # noqa: E402

from phonehome.study import local_client, run_study  # noqa: E402

DISTINCT = 5000
"""Different flows in the replay file; they are repeated up to --replay-flows."""


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def study_run(inputs: Path, dataset: Path, workers: int) -> tuple[float, int, list[float]]:
    client = local_client(workers)
    try:
        client.run(lambda: None)  # workers up before the clock starts
        start = time.perf_counter()
        summary = run_study([inputs], dataset, client=client)
        seconds = time.perf_counter() - start
        peaks = sorted(client.run(_peak_rss_mib).values())
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()
    if summary.failed:
        raise SystemExit(f"study failed: {summary.failures[:3]}")
    return seconds, summary.flows, peaks


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--flows-per-session", type=int, default=1000)
    parser.add_argument("--replay-flows", type=int, default=200_000)
    parser.add_argument(
        "--skip-mitmdump", action="store_true", help="leave out bare mitmdump (the slowest run)"
    )
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")

    with tempfile.TemporaryDirectory(prefix="phonehome-study-bench-") as tmp:
        base = Path(tmp)
        t = time.perf_counter()
        generate_study(
            base / "in",
            args.sessions,
            flows_per_session=args.flows_per_session,
            seed=11,
            damaged_every=0,
            distinct=100,
        )
        print(
            f"generated {args.sessions} sessions x {args.flows_per_session} flows in {time.perf_counter() - t:.1f} s"
        )
        results = {}
        for workers in (1, 2):
            seconds, flows, peaks = study_run(base / "in", base / f"ds{workers}", workers)
            results[workers] = flows / seconds
            print(
                f"study, {workers} worker{'s' if workers > 1 else ''}: {flows:,} flows in {seconds:.1f} s = "
                f"{flows / seconds:,.0f} flows/s; worker peak RSS {', '.join(f'{p:.0f}' for p in peaks)} MiB"
            )
        print(f"study speed-up with 2 workers: {results[2] / results[1]:.2f}x (target >= 1.7x)")

        big = base / "big.mitm"
        t = time.perf_counter()
        distinct = min(args.replay_flows, DISTINCT)
        build_file(big, distinct)
        data = big.read_bytes()
        with big.open("ab") as f:  # repeat the distinct flows: building 200,000 would take minutes
            for _ in range(args.replay_flows // distinct - 1):
                f.write(data)
        args.replay_flows = distinct * (args.replay_flows // distinct)
        print(
            f"built one flow file of {args.replay_flows:,} flows ({big.stat().st_size / 2**20:.0f} MiB) "
            f"in {time.perf_counter() - t:.1f} s"
        )
        rates = {}
        runs = [
            (
                "replay --jobs 1",
                [
                    str(BIN / "phonehome"),
                    "replay",
                    str(big),
                    "--jobs",
                    "1",
                    "--no-progress",
                    "--findings",
                    str(base / "f1.jsonl"),
                ],
            ),
            (
                "replay --jobs 2",
                [
                    str(BIN / "phonehome"),
                    "replay",
                    str(big),
                    "--jobs",
                    "2",
                    "--no-progress",
                    "--findings",
                    str(base / "f2.jsonl"),
                ],
            ),
        ]
        if not args.skip_mitmdump:
            runs.append(("mitmdump -nr -q", [str(BIN / "mitmdump"), "-nr", str(big), "-q"]))
        for name, argv in runs:
            seconds, rss, status = measure(argv)
            rates[name] = args.replay_flows / seconds
            print(
                f"{name}: {seconds:.1f} s = {rates[name]:,.0f} flows/s, peak RSS {rss / 2**20:.0f} MiB "
                f"(largest process), exit {status}"
            )
        same = (base / "f1.jsonl").read_bytes() == (base / "f2.jsonl").read_bytes()
        print(f"replay output of 2 cores identical to 1 core: {same}")
        print(
            f"replay 2 cores vs 1 core: {rates['replay --jobs 2'] / rates['replay --jobs 1']:.2f}x (target >= 1.6x)"
        )
        if "mitmdump -nr -q" in rates:
            print(
                f"replay 2 cores vs bare mitmdump -nr: {rates['replay --jobs 2'] / rates['mitmdump -nr -q']:.2f}x "
                "(target >= 3x)"
            )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
