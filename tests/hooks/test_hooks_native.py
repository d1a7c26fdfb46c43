"""Native TLS plaintext under real Frida: curl (HTTP/2 and HTTP/1.1, OpenSSL SSL_write/SSL_read)
and the system Python (SSL_write_ex/SSL_read_ex, libssl loaded late) against a local HTTPS
server; the plaintext events and the findings derived from them land in the session."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from support.hooks import events, findings, of_type, run_hooked, stdout_of
from support.net import CURL, SYSTEM_PYTHON, LocalServer

pytestmark = pytest.mark.slow

ADID = "38400000-8cf0-11bd-b23e-10b96e40000d"
BODY = f'{{"advertiser_id":"{ADID}","event":"fb_mobile_activate_app"}}'

PY_CLIENT = """
import http.client, socket, ssl, sys
port = int(sys.argv[1])
ctx = ssl._create_unverified_context()
conn = http.client.HTTPSConnection("graph.facebook.com", port, context=ctx)
sock = socket.create_connection(("127.0.0.1", port))
conn.sock = ctx.wrap_socket(sock, server_hostname="graph.facebook.com")
conn.request("POST", "/v17.0/activities", body=sys.argv[2], headers={"Content-Type": "application/json"})
print(conn.getresponse().status)
"""


@pytest.fixture(scope="module")
def server():
    with LocalServer(names=("graph.facebook.com",)) as s:
        yield s


def _plaintext(evs: list[dict], direction: str) -> bytes:
    return b"".join(
        base64.b64decode(e["data_b64"]) for e in of_type(evs, "hook:tls-plaintext", direction=direction)
    )


def _assert_session(session: Path, *, http_version: str) -> None:
    evs = events(session)
    writes = of_type(evs, "hook:tls-plaintext", direction="write")
    assert writes and {e["host"] for e in writes} == {"graph.facebook.com"}
    assert {e["host_source"] for e in writes} == {"sni"}
    assert ADID.encode() in _plaintext(evs, "write")
    assert b"ok" in _plaintext(evs, "read")
    assert of_type(evs, "hook:detached", reason="process-terminated")
    rows = [r for r in findings(session) if r["category"] == "advertising_id"]
    assert rows, "no finding from the TLS plaintext"
    (row,) = rows
    assert row["source"] == "tls-hook" and row["host"] == "graph.facebook.com" and row["org"] == "Meta"
    assert row["url"].startswith("https://graph.facebook.com:") and row["url"].endswith("/v17.0/activities")
    assert row["value"] == ADID and row["location"] == "body.json:advertiser_id"


@pytest.mark.parametrize("http_flag,version", [("--http2", "HTTP/2"), ("--http1.1", "HTTP/1.1")])
def test_curl_plaintext_and_findings(server, tmp_path: Path, http_flag: str, version: str):
    port = server.https_port
    argv = [
        CURL,
        "-sk",
        http_flag,
        "--resolve",
        f"graph.facebook.com:{port}:127.0.0.1",
        "-H",
        "content-type: application/json",
        "-d",
        BODY,
        f"https://graph.facebook.com:{port}/v17.0/activities",
    ]
    host = run_hooked(argv, tmp_path, agents=("tls",), timeout=30)
    assert '"ok": true' in stdout_of(host)
    assert not host.errors
    _assert_session(tmp_path, http_version=version)
    assert server.requests[-1].http_version == version


def test_python_ssl_write_ex_late_libssl(server, tmp_path: Path):
    host = run_hooked(
        [SYSTEM_PYTHON, "-c", PY_CLIENT, str(server.https_port), BODY], tmp_path, agents=("tls",), timeout=30
    )
    assert stdout_of(host).strip() == "200"
    evs = events(tmp_path)
    assert {e["api"] for e in of_type(evs, "hook:tls-plaintext")} == {"SSL_write_ex", "SSL_read_ex"}
    assert of_type(evs, "hook:net", api="connect", ip="127.0.0.1", port=server.https_port)
    _assert_session(tmp_path, http_version="HTTP/1.1")


FORKING_PARENT = """
import os, sys
pid = os.fork()
if pid == 0:
    code = sys.argv[1]
    sys.argv = ["client", *sys.argv[2:]]
    exec(compile(code, "client", "exec"), {"__name__": "client"})
    sys.stdout.flush()
    os._exit(0)
os.waitpid(pid, 0)
print("parent done")
"""


def test_forked_child_is_followed(server, tmp_path: Path):
    argv = [SYSTEM_PYTHON, "-c", FORKING_PARENT, PY_CLIENT, str(server.https_port), BODY]
    host = run_hooked(argv, tmp_path, agents=("tls",), timeout=40)
    assert "parent done" in stdout_of(host)
    evs = events(tmp_path)
    (child,) = of_type(evs, "hook:child")
    assert child["origin"] == "fork" and child["parent_pid"] == host.main_pid
    writes = of_type(evs, "hook:tls-plaintext", direction="write")
    assert writes and {e["pid"] for e in writes} == {child["pid"]}
    assert [r for r in findings(tmp_path) if r["category"] == "advertising_id"]


STARTS_A_CHILD = {
    "fork+exec": "child = os.fork()\nif child == 0:\n    os.execv(sys.argv[3], sys.argv[3:])\nos.waitpid(child, 0)",
    "subprocess": "import subprocess\nsubprocess.run(sys.argv[3:], check=True)",  # vfork on Linux
}
THEN_TLS = """
time.sleep(0.5)  # the host needs ~0.1 s to re-attach a session Frida dropped at the fork
code = sys.argv[1]
sys.argv = ["client", sys.argv[2], "parent-after-child"]
exec(compile(code, "client", "exec"), {"__name__": "client"})
print("parent done")
"""


@pytest.mark.parametrize("how", sorted(STARTS_A_CHILD))
def test_a_child_then_the_parent_is_still_hooked(server, tmp_path: Path, how: str):
    """A child that exec()s does not stall anything, and the parent's own TLS after the child is
    still seen (Frida sometimes drops a parent's session right after fork; the host re-attaches)."""
    port = server.https_port
    parent = "import os, sys, time\n" + STARTS_A_CHILD[how] + THEN_TLS
    argv = [
        SYSTEM_PYTHON,
        "-c",
        parent,
        PY_CLIENT,
        str(port),
        CURL,
        "-sk",
        "--http1.1",
        f"https://127.0.0.1:{port}/exec",
    ]
    before = len(server.requests)
    host = run_hooked(argv, tmp_path, agents=("tls",), timeout=30)
    assert "parent done" in stdout_of(host)
    evs = events(tmp_path)
    assert of_type(evs, "hook:detached", pid=host.main_pid, reason="process-terminated")
    parent_writes = of_type(evs, "hook:tls-plaintext", direction="write", pid=host.main_pid)
    assert b"parent-after-child" in b"".join(base64.b64decode(e["data_b64"]) for e in parent_writes)
    (child,) = of_type(evs, "hook:child", origin="fork")
    assert of_type(evs, "hook:detached", pid=child["pid"])
    assert [r.path for r in server.requests[before:]] == ["/exec", "/v17.0/activities"]


def test_exec_of_the_main_target_is_followed_once(server, tmp_path: Path):
    """The target exec()s curl: the new image is instrumented exactly once (the gated exec child
    and `process-replaced` both announce it), so every TLS write is recorded once."""
    port = server.https_port
    url = f"https://127.0.0.1:{port}/after-exec"
    execs = "import os, sys, time; time.sleep(0.3); os.execv(sys.argv[1], sys.argv[1:])"
    host = run_hooked(
        [SYSTEM_PYTHON, "-c", execs, CURL, "-sk", "--http1.1", url, url],
        tmp_path,
        agents=("tls",),
        timeout=30,
    )
    evs = events(tmp_path)
    assert [e["reason"] for e in of_type(evs, "hook:detached")] == ["process-replaced", "process-terminated"]
    assert len(of_type(evs, "hook:child", pid=host.main_pid, origin="exec")) == 1
    assert len(of_type(evs, "hook:tls-library", pid=host.main_pid)) == 1
    sent = _plaintext(evs, "write")
    assert sent.count(b"GET /after-exec HTTP/1.1") == 2
    assert [r.path for r in server.requests].count("/after-exec") >= 2


WAITS_THEN_SENDS = (
    "import sys; sys.stdin.readline(); code = sys.argv[1]; sys.argv = ['c', *sys.argv[2:]]; "
    "exec(compile(code, 'client', 'exec'), {'__name__': 'c'})"
)


def _attach_then_send(server, session: Path, before_sending=None) -> int:
    """A Python client that waits on stdin: attach the host to it, optionally do something, let it
    send BODY over TLS, wait until it is gone. Returns its pid."""
    import subprocess

    from phonehome.hooks.host import AgentConfig, HookHost, Target

    proc = subprocess.Popen(
        [SYSTEM_PYTHON, "-c", WAITS_THEN_SENDS, PY_CLIENT, str(server.https_port), BODY],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        host = HookHost(AgentConfig(target=Target(attach=proc.pid), agents=("tls",), session=session)).start()
        if before_sending is not None:
            before_sending(host, proc.pid)
        proc.stdin.write("go\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "200"
        assert host.wait(timeout=20)
        host.stop()
    finally:
        proc.kill()
        proc.wait()
    return proc.pid


def test_a_dropped_session_is_reattached(server, tmp_path: Path):
    """Frida reports a session it dropped by itself as `application-requested`; the host did not
    ask for it, so it instruments the still-running process again and keeps recording."""

    def drop(host, pid: int) -> None:
        host.targets[pid].session.detach()  # what Frida does on its own after some forks
        assert host.wait(lambda h: of_type(events(tmp_path), "hook:reattached"), timeout=20)

    pid = _attach_then_send(server, tmp_path, drop)
    evs = events(tmp_path)
    dropped, terminated = of_type(evs, "hook:detached", pid=pid)
    assert dropped["reason"] == "application-requested" and terminated["reason"] == "process-terminated"
    (again,) = of_type(evs, "hook:reattached", pid=pid)
    assert again["main"] is True and again["attempts"] == 1 and dropped["id"] < again["id"]
    assert ADID.encode() in _plaintext(evs, "write")
    assert [r for r in findings(tmp_path) if r["category"] == "advertising_id"]


def test_crash_is_reported_and_respawned(tmp_path: Path):
    argv = [SYSTEM_PYTHON, "-c", "import ctypes; ctypes.string_at(0)"]
    host = run_hooked(
        argv, tmp_path, agents=("tls",), timeout=30, respawn=True, max_respawns=1, crash_reporter=True
    )
    evs = events(tmp_path)
    crashes = of_type(evs, "hook:crash")
    assert (
        len(crashes) == 2 and crashes[0]["kind"] == "access-violation" and crashes[0]["memory"] == "read 0x0"
    )
    detached = of_type(evs, "hook:detached")
    assert [d["reason"] for d in detached] == ["process-terminated", "process-terminated"]
    (respawned,) = of_type(evs, "hook:respawned")
    assert respawned["previous_pid"] == detached[0]["pid"] == crashes[0]["pid"]
    assert host.main_pid == respawned["pid"] == detached[1]["pid"]
    meta = __import__("json").loads((tmp_path / "session.json").read_text())
    assert meta["created_by"] == "phonehome hooks"


def test_attach_to_a_running_process(server, tmp_path: Path):
    _attach_then_send(server, tmp_path)
    evs = events(tmp_path)
    assert ADID.encode() in _plaintext(evs, "write")
    assert [r for r in findings(tmp_path) if r["category"] == "advertising_id"]


def test_cli_spawns_and_writes_the_session(server, tmp_path: Path, capsys):
    from support.hooks import ensure_agents

    from phonehome.cli import main

    ensure_agents("tls")
    port = server.https_port
    rc = main(
        [
            "hooks",
            "--local",
            "--agents",
            "tls",
            "--session",
            str(tmp_path),
            "--timeout",
            "30",
            "--spawn",
            CURL,
            "-sk",
            "--http1.1",
            "--resolve",
            f"graph.facebook.com:{port}:127.0.0.1",
            "-H",
            "content-type: application/json",
            "-d",
            BODY,
            f"https://graph.facebook.com:{port}/v17.0/activities",
        ]
    )
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert f"tls   graph.facebook.com:{port} SSL_write" in out and "POST /v17.0/activities HTTP/1.1" in out
    assert re.search(r"phonehome hooks: \d+ events, [1-9]\d* findings from TLS plaintext", err)
    assert [r for r in findings(tmp_path) if r["category"] == "advertising_id"]


def test_cli_without_bundle_says_how_to_build(tmp_path: Path, capsys, monkeypatch):
    from phonehome.cli import main
    from phonehome.hooks import build

    monkeypatch.setattr(build, "HOOKS_DIR", tmp_path)
    monkeypatch.setattr(build.bundle_path, "__defaults__", (tmp_path,))
    monkeypatch.setattr(build.load_bundle, "__defaults__", (tmp_path,))
    rc = main(
        ["hooks", "--local", "--agents", "tls", "--session", str(tmp_path / "s"), "--spawn", "/bin/true"]
    )
    assert rc == 2
    assert "python -m phonehome.hooks.build" in capsys.readouterr().err


def test_cli_stops_cleanly_on_sigterm_and_kills_its_spawn(tmp_path: Path):
    import json
    import os
    import signal
    import subprocess
    import time

    from support.hooks import REPO, ensure_agents

    ensure_agents("tls")
    loop = "import socket, time\nwhile True:\n    socket.getaddrinfo('localhost', 80); time.sleep(0.01)"
    cli = subprocess.Popen(
        [
            str(REPO / ".venv" / "bin" / "phonehome"),
            "hooks",
            "--local",
            "--agents",
            "tls",
            "--session",
            str(tmp_path),
            "-q",
            "--spawn",
            SYSTEM_PYTHON,
            "-c",
            loop,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # The "pid" line comes once the CLI handles SIGTERM (waiting for the events file alone raced
    # the attach under load).
    seen: list[str] = []
    while not any("phonehome hooks: pid" in line for line in seen):
        line = cli.stderr.readline()
        assert line, "".join(seen)
        seen.append(line)
    time.sleep(1.0)
    cli.send_signal(signal.SIGTERM)
    assert cli.wait(20) == 0
    err = "".join(seen) + cli.stderr.read()
    target = int(re.search(r"pid (\d+)", err).group(1))
    evs = [json.loads(line) for line in (tmp_path / "hook-events.jsonl").read_text().splitlines()]
    assert of_type(evs, "hook:net", api="getaddrinfo", host="localhost")
    assert evs[-1]["type"] == "hook:detached" and evs[-1]["reason"] == "application-requested"
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(target, 0)
