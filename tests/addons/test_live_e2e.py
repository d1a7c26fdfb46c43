"""The live addon in a real `mitmdump`, with real clients on loopback.

- a session with curl and Python clients (HTTP/1.1 and HTTP/2 over TLS, cleartext HTTP, WebSocket)
  sending profile values finds them where they were sent, and `phonehome replay` agrees;
- `kill -9` of mitmdump under load leaves readable files and a replayable session;
- a client that rejects mitmproxy's certificate shows up as `proxy:pinning_suspected`;
- a killed worker process is reported and restarted, and analysis goes on.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from mitmproxy import io as mitm_io
from support.net import (
    Http1Client,
    LocalServer,
    addon_args,
    curl,
    http1_request,
    http2_request,
    run_mitmdump,
    wait_for,
    websocket_session,
)

from phonehome.cli import main as cli_main
from phonehome.store import read_jsonl

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]

ANDROID_ID = "9774d56d682e549c"
AD_ID = "38400000-8cf0-11bd-b23e-10b96e40000d"
IMEI = "352916071187398"
EMAIL = "lena.beispiel@posteo.de"
PROFILE = f"""\
[device]
android_id = "{ANDROID_ID}"
advertising_id = "{AD_ID}"
imei = "{IMEI}"

[person]
email = "{EMAIL}"

[apps]
under_test = "de.example.app"
"""


def _profile(tmp_path: Path) -> Path:
    p = tmp_path / "device.toml"
    p.write_text(PROFILE)
    return p


def _addon_args(session: Path, profile: Path, *extra: str) -> list[str]:
    return ["-q", *addon_args(session, "--set", f"phonehome_profile={profile}", *extra)]


def _stats(session: Path) -> list[dict[str, Any]]:
    return [e for e in read_jsonl(session / "proxy-events.jsonl").objects if e.get("type") == "proxy:stats"]


def _comparable(row: dict[str, Any]) -> str:
    row = {k: v for k, v in row.items() if k not in ("source", "consent")}
    return json.dumps(row, sort_keys=True)


def _journaled_flows(session: Path) -> int:
    from phonehome.store import journal as _journal

    fd = os.open(session / _journal.JOURNAL, os.O_RDONLY)
    try:
        return sum(
            1 for r in _journal.read_records(fd, 0, os.fstat(fd).st_size) if r.kind == _journal.KIND_HTTP
        )
    finally:
        os.close(fd)


def _holders(path: Path) -> list[str]:
    """Processes with `path` open (pid, state, command line): what holds a lock on it."""
    out = []
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            if any(os.readlink(fd) == str(path) for fd in fd_dir.iterdir()):
                pid = fd_dir.parent.name
                state = (fd_dir.parent / "stat").read_text().rsplit(")", 1)[1].split()[0]
                cmd = (
                    (fd_dir.parent / "cmdline")
                    .read_bytes()
                    .replace(b"\0", b" ")[:200]
                    .decode("utf-8", "replace")
                )
                out.append(f"{pid} {state} {cmd}")
        except OSError:
            continue
    return out


def _pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie child of a dead mitmdump is reaped by init; /proc tells the state.
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_session_finds_profile_values_where_they_were_sent(server: LocalServer, tmp_path: Path) -> None:
    session = tmp_path / "session"
    profile = _profile(tmp_path)
    email_sha256 = hashlib.sha256(EMAIL.encode()).hexdigest()
    args = _addon_args(
        session,
        profile,
        "--set",
        "phonehome_app=de.example.app",
        "--set",
        "phonehome_first_party=example-app.de",
    )
    with run_mitmdump(*args, upstream=server) as proxy:
        r = curl(proxy, f"https://graph.facebook.com/v19.0/activities?android_id={ANDROID_ID}", http="1.1")
        assert r.returncode == 0, r.stderr
        r = curl(
            proxy,
            "https://app-measurement.com/a",
            http="2",
            data=json.dumps({"em": email_sha256}),
            headers={"Content-Type": "application/json"},
        )
        assert r.returncode == 0, r.stderr
        assert (
            http1_request(proxy, "https://api.example-app.de/v1/config", headers={"X-Ad-Id": AD_ID}).status
            == 200
        )
        assert (
            http2_request(
                proxy, f"https://sdk.adjust.com/session?imei={IMEI}", method="POST", body=b"x=1"
            ).status
            == 200
        )
        assert (
            http1_request(
                proxy,
                "http://tracker.example.test/collect",
                method="POST",
                body=f"email={EMAIL}".encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ).status
            == 200
        )
        assert websocket_session(
            proxy,
            "wss://realtime.example.test/socket",
            [json.dumps({"device": {"android_id": ANDROID_ID}}), "ping"],
        ) == [json.dumps({"device": {"android_id": ANDROID_ID}}), "ping"]
        assert cli_main(["mark", str(session), "consent-given", "tapped accept"]) == 0
        wait_for(
            lambda: (s := _stats(session)) and s[-1]["analysed"] >= 8,
            timeout=30,
            what="the worker's analysis",
        )
    # mitmdump stopped with SIGTERM: done hooks ran, the worker drained.
    assert {r.http_version for r in server.requests} >= {"HTTP/1.1", "HTTP/2"}
    assert "Traceback" not in proxy.log_text(), proxy.log_text()

    rows = read_jsonl(session / "findings.jsonl").objects
    found = {(r["host"], r["category"], r["location"]) for r in rows}
    assert ("graph.facebook.com", "device_id", "query:android_id") in found
    assert ("app-measurement.com", "contact_info", "body.json:em") in found
    assert ("api.example-app.de", "advertising_id", "header:X-Ad-Id") in found
    assert ("sdk.adjust.com", "device_id", "query:imei") in found
    assert ("tracker.example.test", "contact_info", "body.form:email") in found
    assert ("realtime.example.test", "device_id", "ws.json:device.android_id") in found
    by_loc = {r["location"]: r for r in rows}
    assert by_loc["body.json:em"]["rule"].endswith("sha256") and by_loc["body.json:em"]["org"] == "Google"
    assert by_loc["header:X-Ad-Id"]["party"] == "first"
    assert by_loc["body.form:email"]["cleartext"] is True
    assert by_loc["ws.json:device.android_id"]["kind"] == "websocket"
    assert {r["source"] for r in rows} == {"proxy"} and {r["app"] for r in rows} == {"de.example.app"}

    # Owner-only files; session.json with both times; markers kept.
    assert session.stat().st_mode & 0o777 == 0o700
    for f in session.iterdir():
        assert f.stat().st_mode & 0o777 == 0o600, f.name
    meta = json.loads((session / "session.json").read_text())
    assert meta["start_ts"] < meta["end_ts"] and meta["start"] and meta["end"]
    assert meta["first_party"] == ["example-app.de"] and meta["app"] == "de.example.app"
    assert [m["label"] for m in meta["markers"]] == ["consent-given"]
    assert meta["proxy"]["stats"]["dropped"] == 0 and meta["proxy"]["stats"]["unanalysed_at_exit"] == 0

    # mitmproxy itself reads the flow file; replay reproduces the live findings.
    with (session / "flows.mitm").open("rb") as fh:
        flows = list(mitm_io.FlowReader(fh).stream())
    assert len(flows) == 6
    nr = subprocess.run(
        [str(REPO / ".venv" / "bin" / "mitmdump"), "-nq", "-r", str(session / "flows.mitm")],
        capture_output=True,
        timeout=60,
    )
    assert nr.returncode == 0, nr.stderr
    out = tmp_path / "replayed.jsonl"
    assert cli_main(["replay", str(session), "--findings", str(out), "--no-progress"]) == 0
    replayed = read_jsonl(out).objects
    assert sorted(map(_comparable, replayed)) == sorted(map(_comparable, rows))


def test_kill_9_under_load_leaves_a_replayable_session(server: LocalServer, tmp_path: Path) -> None:
    session = tmp_path / "session"
    profile = _profile(tmp_path)
    done = threading.Event()
    sent = [0]
    with run_mitmdump(*_addon_args(session, profile), upstream=server) as proxy:

        def client(n: int) -> None:
            try:
                with Http1Client(proxy, "https://collector.example.test/", timeout=5) as c:
                    for i in range(1000):  # bounded
                        if done.is_set():
                            return
                        c.request(
                            f"/e?android_id={ANDROID_ID}&i={n}-{i}",
                            method="POST",
                            body=json.dumps({"email": EMAIL, "pad": "x" * 2000}).encode(),
                        )
                        sent[0] += 1
            except (OSError, Exception):
                return  # the proxy was killed under us

        # Steady state: the worker is pulling (before it runs, handed-over flows wait in the proxy).
        wait_for(lambda: (st := _stats(session)) and st[-1]["worker_ready"], timeout=30, what="the worker")
        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(3)]
        started = time.monotonic()
        for t in threads:
            t.start()
        wait_for(
            lambda: time.monotonic() - started > 2.5 and sent[0] >= 100,
            timeout=60,
            what="traffic before the kill",
        )
        worker_pid = wait_for(
            lambda: (s := _stats(session)) and s[-1].get("worker_pid"), timeout=10, what="a stats event"
        )
        killed_at = time.time()
        proxy.kill()
        done.set()
        for t in threads:
            t.join(10)
        # The worker finishes what reached it, notices the proxy is gone and exits.
        wait_for(lambda: _pid_gone(worker_pid), timeout=60, what="the worker to exit")

    # Flow file: the worker wrote whole flows only (a record torn by the kill stays in the
    # journal, which the worker removed once it had saved everything complete).
    with (session / "flows.mitm").open("rb") as fh:
        flows = list(mitm_io.FlowReader(fh).stream())
    assert len(flows) >= 100
    assert not (session / "flows.journal").exists()
    # Findings: every line parses except possibly a torn last one.
    lines = (session / "findings.jsonl").read_bytes().split(b"\n")
    complete, last = lines[:-1], lines[-1]
    for line in complete:
        json.loads(line)
    assert last == b"" or len(last) < 10_000  # a torn final line at most
    live = read_jsonl(session / "findings.jsonl").objects
    meta = json.loads((session / "session.json").read_text())
    assert meta["start"] and meta["end"] is None  # killed: no end time

    out = tmp_path / "replayed.jsonl"
    rc = cli_main(["replay", str(session), "--findings", str(out), "--no-progress"])
    assert rc == 0
    replayed = read_jsonl(out).objects
    replayed_keys = set(map(_comparable, replayed))
    # Everything found live is reproduced by replay (which may also see flows the worker never got).
    assert set(map(_comparable, live)) <= replayed_keys
    assert len({r["flow_id"] for r in replayed}) == len(flows)
    # At most the last second is missing live: every flow that finished earlier was analysed.
    older = {f.id for f in flows if f.response and f.response.timestamp_end < killed_at - 1.0}
    assert len(older) >= 20
    assert older <= {r["flow_id"] for r in live}


def test_kill_9_of_proxy_and_worker_leaves_flows_replay_saves(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both processes killed at once (e.g. the machine's OOM killer or `kill -9 -PGID`): the flows
    the worker had not saved yet are in flows.journal, and replay saves them to flows.mitm first."""
    session = tmp_path / "session"
    with run_mitmdump(*_addon_args(session, _profile(tmp_path)), upstream=server) as proxy:
        worker_pid = wait_for(
            lambda: (s := _stats(session)) and s[-1]["worker_ready"] and s[-1]["worker_pid"],
            timeout=30,
            what="the worker",
        )
        os.kill(worker_pid, signal.SIGSTOP)  # it saves nothing more from here on
        ids = []
        for i in range(20):
            r = http1_request(proxy, f"https://collector.example.test/k?android_id={ANDROID_ID}&i={i}")
            assert r.status == 200
            ids.append(i)
        wait_for(lambda: _journaled_flows(session) == 20, timeout=10, what="20 flows in the journal")
        proxy.kill()
        os.kill(worker_pid, signal.SIGKILL)
        os.kill(worker_pid, signal.SIGCONT)
        wait_for(lambda: _pid_gone(worker_pid), timeout=30, what="the worker to die")
    assert (session / "flows.journal").exists()
    # Replay right away: the killed worker's other threads may still hold the position's lock for
    # a moment after its main thread shows as a zombie (replay waits up to 2 s for that).
    with (session / "flows.mitm").open("rb") as fh:
        before = len(list(mitm_io.FlowReader(fh).stream()))
    assert before < 20
    out = tmp_path / "replayed.jsonl"
    rc = cli_main(["replay", str(session), "--findings", str(out), "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 0, err
    assert "saved 20 flows the live worker had not written" in err, (
        err,
        _holders(session / "flows.journal.pos"),
    )
    assert not (session / "flows.journal").exists(), err
    with (session / "flows.mitm").open("rb") as fh:
        paths = [f.request.path for f in mitm_io.FlowReader(fh).stream()]
    assert len(paths) == 20 and all(f"&i={i}" in p for i, p in zip(ids, paths, strict=True))
    assert oct((session / "flows.mitm").stat().st_mode & 0o777) == "0o600"
    found = read_jsonl(out).objects
    assert {r["flow_id"] for r in found if r["category"] == "device_id"} and len(
        {r["flow_id"] for r in found}
    ) == 20


def test_client_rejecting_the_certificate_is_pinning_suspected(server: LocalServer, tmp_path: Path) -> None:
    session = tmp_path / "session"
    with run_mitmdump(*_addon_args(session, _profile(tmp_path)), upstream=server) as proxy:
        r = curl(proxy, "https://pinned.example.test/api/v1/login", trust_proxy_ca=False)
        assert r.returncode == 60, r.stderr  # curl: peer certificate cannot be authenticated
        wait_for(
            lambda: any(
                e["type"] == "proxy:pinning_suspected"
                for e in read_jsonl(session / "proxy-events.jsonl").objects
            ),
            timeout=10,
            what="the pinning event",
        )
    [event] = [
        e
        for e in read_jsonl(session / "proxy-events.jsonl").objects
        if e["type"] == "proxy:pinning_suspected"
    ]
    assert event["host"] == "pinned.example.test"
    assert event["client"].startswith("127.0.0.1:")
    assert event["error"] and isinstance(event["ts"], float)
    assert not (session / "flows.mitm").stat().st_size  # no flow exists for a failed handshake


def test_killed_worker_is_reported_and_restarted(server: LocalServer, tmp_path: Path) -> None:
    session = tmp_path / "session"
    with run_mitmdump(*_addon_args(session, _profile(tmp_path)), upstream=server) as proxy:
        assert http1_request(proxy, f"https://a.example.test/?android_id={ANDROID_ID}").status == 200
        first = wait_for(
            lambda: (
                (s := _stats(session))
                and s[-1]["worker_ready"]
                and s[-1]["analysed"] >= 1
                and s[-1]["worker_pid"]
            ),
            timeout=30,
            what="the first analysis",
        )
        os.kill(first, signal.SIGKILL)
        wait_for(
            lambda: (s := _stats(session)) and s[-1]["worker_restarts"] == 1 and s[-1]["worker_ready"],
            timeout=30,
            what="the restarted worker",
        )
        assert http1_request(proxy, f"https://b.example.test/?android_id={ANDROID_ID}").status == 200
        wait_for(
            lambda: len(read_jsonl(session / "findings.jsonl").objects) >= 2,
            timeout=30,
            what="analysis after the restart",
        )
    errors = [e for e in read_jsonl(session / "proxy-events.jsonl").objects if e["type"] == "proxy:error"]
    assert errors and errors[0]["pid"] == first and errors[0]["restarted"] is True
    assert errors[0]["exitcode"] == -signal.SIGKILL
    assert "died with exit code" in proxy.log_text()
    hosts = {r["host"] for r in read_jsonl(session / "findings.jsonl").objects}
    assert hosts == {"a.example.test", "b.example.test"}
