"""Packet-capture reading speed and memory: `phonehome replay capture.pcapng` against tshark alone.

    .venv/bin/python benchmarks/pcap.py [--requests 6000] [--rounds 2] [--keep DIR]

Records a real capture first (needs root for tcpdump, and tshark/editcap): Python clients send
HTTPS requests with SDK-like JSON bodies (advertising id, e-mail, coordinates, events) to a local
TLS server on 127.0.0.1, 100 requests per keep-alive connection, TLS 1.3, keys written through
`keylog_filename`; `tcpdump -i lo` records them and `editcap --inject-secrets` embeds the keys into
a pcapng. Then, interleaved over the rounds, each in a fresh child process:

- floor: `tshark -r FILE -n` (dissection and decryption, its default one-line summaries);
- tshark as phonehome runs it (`-T ek -x -j websocket ...`, the raw bytes of every layer);
- `phonehome replay FILE --findings OUT` (tshark, records, decoding, detection, attribution,
  writing every finding), with phonehome's own peak RSS and tshark's.

Prints requests/s for each and the ratios against the floor.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

_PHONEHOME = (
    "import resource, sys, time\n"
    "from phonehome.cli import main\n"
    "t = time.perf_counter()\n"
    "code = main(['replay', sys.argv[1], '--findings', sys.argv[2], '--no-progress'])\n"
    "dt = time.perf_counter() - t\n"
    "print(dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
    " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
)
_READER = (
    "import resource, sys, time\n"
    "from pathlib import Path\n"
    "from phonehome.analysis.readers import read_records\n"
    "t = time.perf_counter()\n"
    "n = sum(1 for _ in read_records(Path(sys.argv[1])))\n"
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, n)\n"
)
_COMMAND = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)\n"
)


def record(directory: Path, requests: int) -> tuple[Path, int]:
    from support.net import LocalServer

    pcap, keys, pcapng = directory / "raw.pcap", directory / "keys.txt", directory / "capture.pcapng"
    with LocalServer(record=False) as server:
        cap = subprocess.Popen(
            [
                "tcpdump",
                "-i",
                "lo",
                "-U",
                "--immediate-mode",
                "-B",
                "131072",
                "-Z",
                "root",
                "-w",
                str(pcap),
                f"tcp port {server.https_port}",
            ],
            stderr=subprocess.PIPE,
        )
        assert cap.stderr is not None
        cap.stderr.readline()
        ctx = ssl.create_default_context()
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        ctx.keylog_filename = str(keys)
        sent = 0
        hosts = ("graph.facebook.com", "app-measurement.com", "api.mixpanel.com", "api.example-shop.com")
        while sent < requests:
            conn = http.client.HTTPSConnection("127.0.0.1", server.https_port, context=ctx)
            for _ in range(min(100, requests - sent)):
                body = json.dumps(
                    {
                        "adid": "38400000-8cf0-11bd-b23e-10b96e40000d",
                        "seq": sent,
                        "email": "lena.beispiel@posteo.de",
                        "lat": 52.520008,
                        "lng": 13.404954,
                        "events": [{"name": "screen_view", "screen": "home", "ts": 1733300000 + sent}] * 4,
                    }
                )
                conn.request(
                    "POST",
                    f"/v1/track?ip=1&seq={sent}",
                    body=body.encode(),
                    headers={
                        "Host": hosts[sent % len(hosts)],
                        "Content-Type": "application/json",
                        "User-Agent": "Dalvik/2.1.0 (Linux; U; Android 14; Pixel 7 Build/UQ1A.240105.004)",
                    },
                )
                conn.getresponse().read()
                sent += 1
            conn.close()
        time.sleep(0.3)
        cap.send_signal(signal.SIGINT)
        report = cap.communicate(timeout=30)[1].decode("utf-8", "replace")
        dropped = next((line for line in report.splitlines() if "dropped by kernel" in line), "")
        if dropped and not dropped.startswith("0 "):
            print(f"warning: tcpdump: {dropped}: the capture misses packets", file=sys.stderr)
    subprocess.run(
        ["editcap", "--inject-secrets", f"tls,{keys}", str(pcap), str(pcapng)],
        check=True,
        capture_output=True,
    )
    return pcapng, sent


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the capture in this directory")
    args = parser.parse_args()
    for tool in ("tshark", "tcpdump", "editcap"):
        if shutil.which(tool) is None:
            print(f"benchmarks/pcap.py: {tool} is needed (apt-get install tshark tcpdump)", file=sys.stderr)
            return 2
    from phonehome.analysis.pcap import tshark_argv

    with tempfile.TemporaryDirectory(prefix="phonehome-bench-pcap-") as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        capture, sent = record(directory, args.requests)
        print(
            f"capture: {sent} HTTPS requests, {capture.stat().st_size / 1e6:.1f} MB pcapng with embedded keys, "
            f"recorded in {time.perf_counter() - t:.1f} s"
        )
        floor_argv = ["tshark", "-r", str(capture), "-n"]
        ek_argv = tshark_argv("tshark", capture, None)
        times: dict[str, list[float]] = {"floor": [], "ek": [], "reader": [], "phonehome": []}
        rss = {"phonehome": 0, "tshark": 0}
        findings = 0
        for _ in range(args.rounds):
            for name, argv in (("floor", floor_argv), ("ek", ek_argv)):
                out = subprocess.run(
                    [sys.executable, "-c", _COMMAND, *argv], capture_output=True, text=True, check=True
                ).stdout.split()
                times[name].append(float(out[0]))
            out = subprocess.run(
                [sys.executable, "-c", _READER, str(capture)],
                capture_output=True,
                text=True,
                check=True,
                cwd=REPO,
            ).stdout.split()
            times["reader"].append(float(out[0]))
            rss["reader"] = max(rss.get("reader", 0), int(out[1]))
            out_file = directory / "findings.jsonl"
            out = (
                subprocess.run(
                    [sys.executable, "-c", _PHONEHOME, str(capture), str(out_file)],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=REPO,
                )
                .stdout.splitlines()[-1]
                .split()
            )
            times["phonehome"].append(float(out[0]))
            rss["phonehome"] = max(rss["phonehome"], int(out[1]))
            rss["tshark"] = max(rss["tshark"], int(out[2]))
            findings = sum(1 for _ in out_file.open())
        read = subprocess.run(
            ["tshark", "-r", str(capture), "-n", "-Y", "http.request"], capture_output=True, text=True
        ).stdout.count("\n")
        if read != sent:
            print(
                f"warning: the capture holds {read} of the {sent} requests sent (packets lost while recording)"
            )
        sent = read
        floor = statistics.median(times["floor"])
        ek = statistics.median(times["ek"])
        reader = statistics.median(times["reader"])
        ours = statistics.median(times["phonehome"])
        print(f"tshark alone (floor):         {sent / floor:8.0f} requests/s ({floor:.2f} s)")
        print(
            f"tshark as phonehome runs it:  {sent / ek:8.0f} requests/s ({ek:.2f} s), {floor / ek:.2f}x the floor's speed"
        )
        print(
            f"phonehome's reader (records): {sent / reader:8.0f} requests/s ({reader:.2f} s), {floor / reader:.2f}x the floor's speed,"
            f" peak RSS {rss['reader'] / 1024:.0f} MiB"
        )
        print(
            f"phonehome replay:             {sent / ours:8.0f} requests/s ({ours:.2f} s), {floor / ours:.2f}x the floor's speed;"
            f" {findings} findings"
        )
        print(
            f"peak RSS: phonehome {rss['phonehome'] / 1024:.0f} MiB, its tshark child {rss['tshark'] / 1024:.0f} MiB"
        )
        print(
            f"rounds: {args.rounds} (median); all times taken on a shared machine, both sides under the same load"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
