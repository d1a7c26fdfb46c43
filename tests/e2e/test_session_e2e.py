"""`phonehome session --local` end to end: real mitmdump, real Frida on a real client, one command."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.net import _ROUTER_SCRIPT, LocalServer, free_port, wait_for

from phonehome.store import SessionStore

REPO = Path(__file__).resolve().parents[2]
PHONEHOME = Path(sys.executable).parent / "phonehome"
ANDROID_ID = "9774d56d682e549c"
PROFILE = f"""
[device]
android_id = "{ANDROID_ID}"
[person]
email = "lena.beispiel@posteo.de"
"""

pytestmark = pytest.mark.slow


def _router(tmp_path: Path, server: LocalServer) -> Path:
    """A test-only addon sending every upstream connection to the local server (nothing leaves)."""
    path = tmp_path / "route_to_loopback.py"
    path.write_text(_ROUTER_SCRIPT.format(https_port=server.https_port, http_port=server.http_port))
    return path


def _argv(tmp_path: Path, server: LocalServer, name: str, *extra: str) -> list[str]:
    profile = tmp_path / "device.toml"
    profile.write_text(PROFILE)
    return [
        str(PHONEHOME),
        "session",
        "--local",
        "--app",
        "com.example.shop",
        "--no-dashboard",
        "--listen-port",
        str(free_port()),
        "--profile",
        str(profile),
        "--name",
        name,
        "--captures",
        str(tmp_path / "captures"),
        "--confdir",
        str(tmp_path / "conf"),
        "--mitmproxy-script",
        str(_router(tmp_path, server)),
        "--mitmproxy-option",
        "ssl_insecure=true",
        *extra,
    ]


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_local_session_with_hooks_records_everything(tmp_path: Path) -> None:
    with LocalServer() as server:
        argv = _argv(
            tmp_path,
            server,
            "curl-run",
            "--",
            "/usr/bin/curl",
            "-sS",
            "--http1.1",
            "-H",
            "X-Contact: lena.beispiel@posteo.de",
            f"https://api.example-shop.com/v1/register?android_id={ANDROID_ID}",
        )
        done = subprocess.run(argv, capture_output=True, text=True, timeout=240, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert server.requests, "the request never reached the local server"
    root = tmp_path / "captures" / "curl-run"
    store = SessionStore(root)
    assert "report: phonehome report" in done.stderr and str(root) in done.stderr
    # Flows, findings from the proxy, TLS plaintext events and findings from the hooks.
    assert store.flows.stat().st_size > 0
    # (the session's own log says why when the proxy wrote no findings)
    assert store.findings.exists(), done.stderr[-4000:]
    proxy_findings = _lines(store.findings)
    assert any(f["category"] == "device_id" and f["location"] == "query:android_id" for f in proxy_findings)
    events = _lines(store.hook_events)
    assert any(e["type"] == "hook:tls-plaintext" for e in events)
    hook_findings = _lines(store.hook_findings)
    assert any(f["source"] == "tls-hook" and f["category"] == "device_id" for f in hook_findings)
    meta = store.read_meta()
    assert meta["end"] and meta["session"]["stop_reason"] == "hooks finished"
    assert meta["session"]["exit_status"]["mitmdump"] == 0
    for path in root.iterdir():
        assert path.stat().st_mode & 0o077 == 0, f"{path.name} is readable by others"
    assert root.stat().st_mode & 0o777 == 0o700


def test_killing_a_child_stops_everything_cleanly(tmp_path: Path) -> None:
    with LocalServer() as server:
        # A long-running client keeps the session open; the proxy is then killed under it.
        script = tmp_path / "client.py"
        script.write_text(
            "import time, urllib.request\n"
            "for i in range(600):\n"
            "    try:\n"
            f"        urllib.request.urlopen('https://api.example-shop.com/ping?android_id={ANDROID_ID}&i=%d' % i).read()\n"
            "    except Exception:\n"
            "        pass\n"
            "    time.sleep(0.1)\n"
        )
        argv = _argv(tmp_path, server, "killed", "--no-hooks", "--", "/usr/bin/python3.11", str(script))
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
        root = tmp_path / "captures" / "killed"
        store = SessionStore(root)
        try:
            wait_for(
                lambda: store.findings.exists() and store.findings.stat().st_size > 0,
                timeout=90,
                what="first findings",
            )
            pid = store.read_meta()["proxy"]["pid"]
            os.kill(pid, signal.SIGKILL)
            _, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 1
    assert "mitmdump exited with status -9" in err
    meta = store.read_meta()
    assert meta["session"]["stop_reason"] == "mitmdump exited with status -9"
    assert meta["end"], "session.json must be finalised even when the proxy died"
    # The client (in its own process group) is gone too: no orphans.
    time.sleep(0.5)
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(script) not in ps
    # What was written stays readable.
    from phonehome.analysis.sessions import load_inputs

    data = load_inputs([root])
    assert (data.findings["category"].astype(str) == "device_id").any()
    assert all("flows.mitm" in p and "truncated" in p for p in data.problems) or not data.problems


def test_wireguard_mode_prints_the_client_configuration(tmp_path: Path) -> None:
    argv = [
        str(PHONEHOME),
        "session",
        "--local",
        "--no-hooks",
        "--no-dashboard",
        "--mode",
        "wireguard",
        "--listen-host",
        "127.0.0.1",
        "--listen-port",
        str(free_port()),
        "--name",
        "wg",
        "--captures",
        str(tmp_path / "captures"),
        "--confdir",
        str(tmp_path / "conf"),
        "--timeout",
        "1",
        "--",
        "/bin/sleep",
        "30",
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert "[Interface]" in done.stderr and "PrivateKey" in done.stderr and "[Peer]" in done.stderr
    meta = SessionStore(tmp_path / "captures" / "wg").read_meta()
    assert meta["session"]["mode"] == "wireguard" and meta["session"]["stop_reason"] == "time limit reached"


def test_bad_arguments_are_explained(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(PHONEHOME), "session", "--local", "--no-dashboard"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and "--local needs the program to run after --" in done.stderr
    done = subprocess.run(
        [str(PHONEHOME), "session", "--usb", "--no-dashboard"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and "--app PACKAGE is needed" in done.stderr


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["terminal-closed", "terminated"])
def test_hangup_or_term_stops_every_child(tmp_path: Path, sig: int) -> None:
    """Closing the terminal (SIGHUP) or `kill` (SIGTERM) ends the session like Ctrl-C: the proxy
    and the program live in their own process groups and must not be left behind."""
    argv = [
        str(PHONEHOME),
        "session",
        "--local",
        "--no-hooks",
        "--no-dashboard",
        "--listen-port",
        str(free_port()),
        "--name",
        "hup",
        "--captures",
        str(tmp_path / "captures"),
        "--confdir",
        str(tmp_path / "conf"),
        "--",
        "/bin/sleep",
        "300",
    ]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    store = SessionStore(tmp_path / "captures" / "hup")
    try:
        wait_for(lambda: (store.read_meta().get("proxy") or {}).get("pid"), timeout=90, what="proxy started")
        proxy_pid = store.read_meta()["proxy"]["pid"]
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    reason = "terminal closed" if sig == signal.SIGHUP else "terminated"
    assert proc.returncode == 0 and f"session stopped ({reason})" in err
    assert store.read_meta()["session"]["stop_reason"] == reason
    with pytest.raises(ProcessLookupError):
        os.kill(proxy_pid, 0)
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert "--name hup" not in ps and "/bin/sleep 300" not in ps
