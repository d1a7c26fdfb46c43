"""`run_demo_dashboard`'s replay of a finished session into a fresh store, and `phonehome watch`."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support.dashboard import SCENARIO, T0, append, make_session, wait_sync

from phonehome.cli import build_parser
from phonehome.commands import watch
from phonehome.store import SessionStore, read_jsonl
from phonehome.views.dashboard.replay import Replay, replay_session, timeline


def _source(tmp_path: Path) -> SessionStore:
    store = make_session(tmp_path / "recorded", SCENARIO, end=T0 + 60)
    append(store.markers, {"ts": T0 + 3.5, "label": "consent-given", "text": "", "source": "cli"})
    append(store.hook_events, {"type": "hook:read", "id": "1", "ts": T0 + 0.2, "api": "x", "value": "v"})
    return store


def test_timeline_merges_files_in_time_order(tmp_path: Path) -> None:
    lines = timeline(_source(tmp_path).root)
    assert [ts for ts, _, _ in lines] == sorted(ts for ts, _, _ in lines)
    assert [name for _, name, _ in lines][:3] == ["findings.jsonl", "hook-events.jsonl", "findings.jsonl"]
    assert len(lines) == len(SCENARIO) + 2


def test_timeline_derives_findings_when_a_session_has_only_flows(
    tmp_path: Path, new_session: Callable[..., SessionStore]
) -> None:
    store = new_session(name="flows-only")
    store.flows.write_bytes(b"")
    lines = timeline(store.root, derive=lambda root: [dict(SCENARIO[0])])
    assert [name for _, name, _ in lines] == ["findings.jsonl"]


def test_schedule_scales_by_pace_and_caps_gaps() -> None:
    r = Replay(
        Path("/nonexistent"), lines=[(0.0, "f", {}), (1.0, "f", {}), (101.0, "f", {})], pace=2.0, max_gap=3.0
    )
    assert r.schedule(1000.0) == [1000.0, 1000.5, 1002.0]
    r.pace = 0
    assert r.schedule(1000.0) == [1000.0] * 3


def test_full_speed_replay_copies_everything_and_keeps_timestamps(tmp_path: Path) -> None:
    src = _source(tmp_path)
    with replay_session(src.root, pace=0, target=tmp_path / "demo") as replay:
        wait_sync(replay.done.is_set)
        out = SessionStore(replay.target)
        rows = read_jsonl(out.findings).objects
        assert rows == SCENARIO
        assert read_jsonl(out.markers).objects[0]["ts"] == T0 + 3.5
        assert out.read_meta()["replay_of"] == str(src.root)
        assert out.read_meta()["end"] > T0 + 60  # the replay's own end, not the recording's
        assert oct(os.stat(out.findings).st_mode & 0o777) == "0o600"


def test_paced_replay_moves_timestamps_to_now(tmp_path: Path) -> None:
    src = _source(tmp_path)
    started = time.time()
    with replay_session(src.root, pace=50, target=tmp_path / "demo") as replay:
        wait_sync(replay.done.is_set, timeout=10)
        rows = read_jsonl(SessionStore(replay.target).findings).objects
    ts = [r["ts"] for r in rows]
    assert ts == sorted(ts) and ts[0] >= started
    assert ts[-1] - ts[0] == pytest.approx((7 - 0) / 50, abs=0.01)


def test_temporary_store_is_removed_afterwards(tmp_path: Path) -> None:
    with replay_session(_source(tmp_path).root, pace=0) as replay:
        target = replay.target
        assert target.is_dir()
    assert not target.exists()


def test_watch_command_is_registered_and_checks_its_arguments(tmp_path: Path, monkeypatch, capsys) -> None:
    args = build_parser().parse_args(["watch", str(tmp_path), "--interval", "0.5", "--reveal"])
    assert args.func is watch.run and args.session == tmp_path and args.interval == 0.5 and args.reveal
    monkeypatch.chdir(tmp_path)
    assert watch.run(argparse.Namespace(session=None, interval=0.25, reveal=False, feed_rows=200)) == 2
    assert "no session under ./captures/" in capsys.readouterr().err
    assert (
        watch.run(argparse.Namespace(session=tmp_path / "x", interval=0.25, reveal=False, feed_rows=200)) == 2
    )

    seen = {}
    monkeypatch.setattr(
        "phonehome.views.dashboard.run_watch", lambda session, **kw: seen.update(session=session, **kw) or 0
    )
    make_session(tmp_path / "captures" / "s1", SCENARIO[:1])
    assert watch.run(argparse.Namespace(session=None, interval=0.25, reveal=False, feed_rows=50)) == 0
    assert seen == {"session": Path("captures/s1"), "interval": 0.25, "reveal": False, "feed_rows": 50}


def test_lines_without_a_timestamp_keep_their_place_in_their_file(
    tmp_path: Path, new_session: Callable[..., SessionStore]
) -> None:
    store = new_session(SCENARIO[2:4])
    append(
        store.proxy_events,
        [
            {"type": "proxy:stats", "flows": 1},
            {"type": "proxy:stats", "flows": 2, "ts": T0 + 3},
            {"type": "proxy:stats", "flows": 3},
        ],
    )
    order = [(name, obj.get("flows")) for _, name, obj in timeline(store.root)]
    # findings at T0+2 and T0+3; the proxy lines all take T0+3 (not 0, which would put them first)
    assert order == [
        ("findings.jsonl", None),
        ("findings.jsonl", None),
        ("proxy-events.jsonl", 1),
        ("proxy-events.jsonl", 2),
        ("proxy-events.jsonl", 3),
    ]
