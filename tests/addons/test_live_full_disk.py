"""A live session on a full disk (issue #18 item 2), with a real mitmdump on a real 200 KB tmpfs:
the proxy keeps proxying (every request answered), saving stops cleanly and says so
(`proxy:saving-stopped`, mitmdump's log), every flow that was saved is readable (by phonehome
and by `mitmdump -nr`), and the session's end is written."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from support.fs import small_tmpfs
from support.net import MITMDUMP, Http1Client, LocalServer, addon_args, run_mitmdump, wait_for

from phonehome.analysis.readers import ReadError, read_records
from phonehome.store import read_jsonl

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
ANDROID_ID = "9774d56d682e549c"
REQUESTS = 200


def _events(session: Path, kind: str) -> list[dict]:
    return [e for e in read_jsonl(session / "proxy-events.jsonl").objects if e.get("type") == kind]


def test_full_disk_keeps_proxying_and_stops_saving_cleanly(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "fs", "200k") as fs, LocalServer() as server:
        session = fs / "session"
        with run_mitmdump(*addon_args(session), upstream=server) as proxy:
            wait_for(
                lambda: any(e.get("worker_ready") for e in _events(session, "proxy:stats")),
                timeout=60,
                what="the worker",
            )
            statuses = []
            with Http1Client(proxy, "https://collector.example.test/", timeout=20) as client:
                for i in range(REQUESTS):
                    r = client.request(
                        f"/e?android_id={ANDROID_ID}&i={i}",
                        method="POST",
                        body=json.dumps({"i": i, "pad": "x" * 1500}).encode(),
                        headers={"Content-Type": "application/json"},
                    )
                    statuses.append(r.status)
            assert statuses == [200] * REQUESTS  # every request answered through the full disk
            wait_for(lambda: _events(session, "proxy:saving-stopped"), timeout=30, what="saving-stopped")
            assert proxy.stop() == 0
            log = proxy.log_text()
        assert "saving stopped" in log and "keeps proxying" in log

        stopped = _events(session, "proxy:saving-stopped")
        assert stopped and "disk is full" in stopped[0]["reason"]

        # Everything saved is complete and readable: phonehome's reader and mitmproxy's own.
        saved = 0
        try:
            for _ in read_records(session / "flows.mitm"):
                saved += 1
        except ReadError as e:
            pytest.fail(f"flows.mitm is damaged: {e}")
        assert 0 < saved < REQUESTS
        nr = subprocess.run(
            [str(MITMDUMP), "-nr", str(session / "flows.mitm"), "-q"], capture_output=True, timeout=120
        )
        assert nr.returncode == 0, nr.stderr[-2000:]

        meta = json.loads((session / "session.json").read_text())
        assert meta.get("end"), "the session's end was not written"
        assert meta["proxy"]["stats"]["saving_stopped"]

        # Recovery on the still full disk saves what fits and never counts a short write: the
        # flow file stays readable; once there is room, a replay saves the rest behind it.
        journal = session / "flows.journal"
        if journal.exists():
            replay = subprocess.run(
                [str(REPO / ".venv" / "bin" / "phonehome"), "replay", str(session), "--no-progress"],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert "Traceback" not in replay.stderr
            assert _count(session) >= saved
            subprocess.run(["mount", "-o", "remount,size=4m", str(fs)], check=True)
            replay = subprocess.run(
                [str(REPO / ".venv" / "bin" / "phonehome"), "replay", str(session), "--no-progress"],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert "Traceback" not in replay.stderr
            assert not journal.exists(), replay.stderr
            assert _count(session) >= saved
            nr = subprocess.run(
                [str(MITMDUMP), "-nr", str(session / "flows.mitm"), "-q"], capture_output=True, timeout=120
            )
            assert nr.returncode == 0, nr.stderr[-2000:]


def _count(session: Path) -> int:
    return sum(1 for _ in read_records(session / "flows.mitm"))


def test_recovery_on_a_full_disk_never_counts_a_short_write(tmp_path: Path) -> None:
    """A journal left by a kill, recovered onto a full disk: the flows that fit are saved whole,
    the position says exactly that, the journal is kept; with room, the rest follows them."""
    import io

    from mitmproxy import io as mitm_io
    from mitmproxy.test import tflow

    from phonehome.store import journal as _journal

    flows = []
    for i in range(60):
        f = tflow.tflow(resp=True)
        f.request.content = json.dumps({"i": i, "pad": "y" * 3000}).encode()
        buf = io.BytesIO()
        mitm_io.FlowWriter(buf).add(f)
        flows.append(buf.getvalue())
    with small_tmpfs(tmp_path / "fs", "120k") as fs:
        session = fs / "s"
        session.mkdir()
        (session / "flows.mitm").write_bytes(b"")
        journal = tmp_path / "flows.journal"  # built off the small disk, then moved in
        writer = _journal.JournalWriter(journal)
        for data in flows:
            writer.raw(_journal.KIND_SAVE, [data])
        writer.stop()
        writer.close()
        subprocess.run(["mount", "-o", "remount,size=400k", str(fs)], check=True)
        (session / "flows.journal").write_bytes(journal.read_bytes())
        subprocess.run(["mount", "-o", "remount,size=300k", str(fs)], check=True)
        with pytest.raises(_journal.RecoveryIncomplete) as e:
            _journal.recover(session)
        assert "the disk is full" in str(e.value)
        first = _count(session)
        assert 0 < first < len(flows) and first == e.value.saved
        assert (session / "flows.journal").exists()
        subprocess.run(["mount", "-o", "remount,size=2m", str(fs)], check=True)
        got = _journal.recover(session)
        assert got is not None and got.flows == len(flows) - first
        assert _count(session) == len(flows)
        assert not (session / "flows.journal").exists()


def test_replay_gives_back_the_reserve_of_a_dead_session(tmp_path: Path) -> None:
    import shutil

    from phonehome.analysis.sessions import plan_replay
    from phonehome.store import RESERVE

    session = tmp_path / "s"
    shutil.copytree(REPO / "captures" / "sample", session)
    (session / RESERVE).write_bytes(bytes(64 << 10))  # left by a kill -9 of the live session
    plan_replay([session])
    assert not (session / RESERVE).exists()
