"""Replay a finished session into a fresh session store at a realistic pace (for `phonehome demo`).

The lines of the source session's JSONL files (findings, hook findings, hook events, proxy
events, markers) are merged by timestamp and appended to the target store's files as their time
comes: `pace` 1 is the recorded timing, 10 ten times faster, 0 everything at once. Gaps longer
than `max_gap` are shortened so a demo never stalls. With a pace above 0 every `ts` is moved to
the moment the line is written, so "how long ago" and consent markers set during the demo make
sense; at pace 0 the original timestamps are kept.

A session without a findings file (only `flows.mitm`) has its flows run through the offline
pipeline (`phonehome.analysis.sessions.plan_replay`) first.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phonehome.analysis.readers import ReadStats
from phonehome.analysis.schema import to_json_row
from phonehome.analysis.sessions import plan_replay
from phonehome.store import (
    FINDINGS,
    HOOK_EVENTS,
    HOOK_FINDINGS,
    MARKERS,
    PROXY_EVENTS,
    JsonlWriter,
    SessionStore,
    read_jsonl,
)

from .state import as_ts

log = logging.getLogger(__name__)

REPLAYED = (FINDINGS, HOOK_FINDINGS, HOOK_EVENTS, PROXY_EVENTS, MARKERS)


def _pipeline_findings(source: Path) -> list[dict[str, Any]]:
    """Findings for a session that has flows but no findings file."""
    plan = plan_replay([source])
    rows = [to_json_row(r) for r in plan.rows(ReadStats())]
    for problem in plan.problems:
        log.warning("demo replay: %s", problem)
    return rows


def timeline(
    source: Path, *, derive: Callable[[Path], list[dict[str, Any]]] = _pipeline_findings
) -> list[tuple[float, str, dict[str, Any]]]:
    """Every line of the source session as (ts, file name, object), in time order."""
    store = SessionStore(source)
    lines: list[tuple[float, str, dict[str, Any]]] = []
    have_findings = store.findings.exists() or store.hook_findings.exists()
    for name in REPLAYED:
        objects = read_jsonl(source / name).objects
        if name == FINDINGS and not have_findings and store.flows.exists():
            objects = derive(source)
        # A line without a timestamp keeps its place in its own file: it takes the time of the
        # line before it (or, at the start of the file, of the first line that has one).
        stamps = [as_ts(obj.get("ts")) for obj in objects]
        last = next((ts for ts in stamps if ts is not None), 0.0)
        for obj, ts in zip(objects, stamps, strict=True):
            last = ts if ts is not None else last
            lines.append((last, name, obj))
    lines.sort(key=lambda line: line[0])
    return lines


def file_timeline(
    path: Path, *, keylog: Path | None = None, app: str | None = None, problems: list[str] | None = None
) -> list[tuple[float, str, dict[str, Any]]]:
    """The lines a session would hold for a saved file (flow file, HAR, packet capture): its
    findings, and for a capture its `capture:unreadable` / `capture:dns` events, in time order."""
    plan = plan_replay([path], keylog=keylog, app=app)
    lines: list[tuple[float, str, dict[str, Any]]] = []
    for row in plan.rows(ReadStats()):
        obj = to_json_row(row)
        lines.append((as_ts(obj.get("ts")) or 0.0, FINDINGS, obj))
    for event in plan.capture_events:
        lines.append((as_ts(event.get("ts")) or 0.0, PROXY_EVENTS, dict(event)))
    for problem in plan.problems:
        log.warning("watch replay: %s", problem)
        if problems is not None:
            problems.append(problem)
    lines.sort(key=lambda line: line[0])
    return lines


@contextmanager
def replay_file(
    path: Path, *, keylog: Path | None = None, app: str | None = None, pace: float = 1.0, max_gap: float = 3.0
) -> Iterator[Replay]:
    """A `Replay` of a saved file into a temporary session store (removed afterwards); problems
    reading the file are in `replay.problems` once `replay.done` is set."""
    tmp = Path(tempfile.mkdtemp(prefix="phonehome-watch-"))
    root = tmp / "session"
    store = SessionStore.create(root)
    store.write_meta({"replay_of": str(path), "app": app, "start": None})
    replay = Replay(root, pace=pace, max_gap=max_gap)

    def body() -> None:
        try:
            replay.lines = file_timeline(path, keylog=keylog, app=app, problems=replay.problems)
        except Exception:  # noqa: BLE001 - the dashboard stays up and the log says why
            log.exception("watch replay: could not read %s", path)
            replay.done.set()
            return
        if replay.lines:
            store.update_meta(start=replay.lines[0][0])
        replay.run()

    thread = threading.Thread(target=body, name="phonehome-watch-replay", daemon=True)
    thread.start()
    try:
        yield replay
    finally:
        replay.stop()
        thread.join(timeout=5)
        shutil.rmtree(tmp, ignore_errors=True)


@dataclass
class Replay:
    """Writes `lines` into `target` at `pace`; `run()` is the thread body, `stop()` ends it."""

    target: Path
    lines: list[tuple[float, str, dict[str, Any]]] = field(default_factory=list)
    pace: float = 1.0
    max_gap: float = 3.0
    clock: Callable[[], float] = time.time
    written: int = 0
    problems: list[str] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)

    def stop(self) -> None:
        self._stop.set()

    def schedule(self, start: float) -> list[float]:
        """When each line is due (wall clock), gaps capped at `max_gap` and scaled by `pace`."""
        due: list[float] = []
        virtual = 0.0
        prev: float | None = None
        for ts, _, _ in self.lines:
            if prev is not None:
                virtual += min(max(ts - prev, 0.0), self.max_gap)
            prev = ts
            due.append(start + (virtual / self.pace if self.pace > 0 else 0.0))
        return due

    def run(self) -> None:
        writers = {name: JsonlWriter(self.target / name) for name in REPLAYED}
        try:
            start = self.clock() + (0.5 if self.pace > 0 else 0.0)
            due = self.schedule(start)
            i = 0
            while i < len(self.lines) and not self._stop.is_set():
                now = self.clock()
                if due[i] > now:
                    self._stop.wait(min(due[i] - now, 0.5))
                    continue
                pending: dict[str, list[dict[str, Any]]] = {}
                while i < len(self.lines) and due[i] <= now:
                    _, name, obj = self.lines[i]
                    if self.pace > 0 and "ts" in obj:
                        obj = {**obj, "ts": due[i]}
                    pending.setdefault(name, []).append(obj)
                    i += 1
                for name, objs in pending.items():
                    writers[name].write_many(objs)
                self.written = i
            if not self._stop.is_set():
                store = SessionStore(self.target)
                store.update_meta(end=self.clock())
        finally:
            for w in writers.values():
                w.close()
            self.done.set()


@contextmanager
def replay_session(
    source: Path, *, pace: float = 1.0, max_gap: float = 3.0, target: Path | None = None
) -> Iterator[Replay]:
    """A `Replay` of `source` running in a thread into `target` (a temporary store, removed
    afterwards, when not given)."""
    tmp = Path(tempfile.mkdtemp(prefix="phonehome-demo-")) if target is None else None
    root = tmp / source.name if tmp is not None else target
    assert root is not None
    store = SessionStore.create(root)
    src = SessionStore(source)
    meta = src.read_meta()
    meta["replay_of"] = str(source)
    meta.pop("end", None)
    store.write_meta(meta)
    if src.profile_copy.exists():
        shutil.copyfile(src.profile_copy, store.profile_copy)
    replay = Replay(root, pace=pace, max_gap=max_gap)

    def body() -> None:
        try:
            replay.lines = timeline(source)
        except Exception:  # noqa: BLE001 - the dashboard stays up and the log says why
            log.exception("demo replay: could not read %s", source)
            replay.done.set()
            return
        replay.run()

    thread = threading.Thread(target=body, name="phonehome-demo-replay", daemon=True)
    thread.start()
    try:
        yield replay
    finally:
        replay.stop()
        thread.join(timeout=5)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
