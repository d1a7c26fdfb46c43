"""Replay one large flow file on several cores, with exactly the output of one core.

A mitmproxy flow file is a sequence of tnetstrings, each starting with its length: the flow
boundaries are found by reading only the length prefixes (a few microseconds per flow), the file
is cut into parts of whole flows, and worker processes (forked, so they share the configured
`Analyser` without rebuilding its automata) analyse the parts. Results come back in file order,
so the rows, their order, the counters and the notes are those of a sequential replay.

Damage: the scan stops at the first length prefix that does not describe a complete flow; the
intact prefix is analysed in parallel, the rest is read sequentially, which reports the damage
with the same file offset and flow number as a sequential replay would.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phonehome.store.safefile import open_read

from .pipeline import Analyser
from .readers import ReadError, ReadProblem, ReadStats, read_flowfile_range

PARALLEL_MIN_BYTES = 16 << 20
"""Flow files smaller than this are replayed on one core: forking workers costs more than it saves."""
PART_MIN_BYTES = 1 << 20
PART_MAX_BYTES = 8 << 20
"""Parts of at most this size: a part's rows are held in memory until they are written."""
MAX_DIGITS = 12


@dataclass(frozen=True)
class Part:
    start: int
    end: int
    first_flow: int


@dataclass
class PartResult:
    rows: list[dict[str, Any]]
    flows: int
    records: int
    bytes_done: int
    notes_without_findings: int
    recent_notes: list[str] = field(default_factory=list)
    problem: ReadProblem | None = None
    skipped: list[ReadProblem] = field(default_factory=list)


def flow_boundaries(path: Path) -> tuple[list[int], int]:
    """Start offsets of the complete flows at the head of `path`, and where that intact head ends.

    Reads only the length prefixes and the type byte after each flow, with `pread`: scanning does
    not map the whole file into this process (its pages would count as this process's memory)."""
    offsets: list[int] = []
    with open_read(path) as f:
        fd = f.fileno()
        size = os.fstat(fd).st_size
        pos = 0
        while pos < size:
            head = os.pread(fd, MAX_DIGITS + 1, pos)
            colon = head.find(b":")
            digits = head[:colon] if colon > 0 else b""
            if not digits.isdigit():
                break
            end = pos + colon + 1 + int(digits) + 1
            if end > size or os.pread(fd, 1, end - 1) != b"}":
                break
            offsets.append(pos)
            pos = end
    return offsets, pos


def plan_parts(offsets: list[int], intact_end: int, jobs: int) -> list[Part]:
    """Whole-flow parts of about equal size, several per worker so a slow part does not stall."""
    if not offsets:
        return []
    target = min(PART_MAX_BYTES, max(PART_MIN_BYTES, intact_end // max(1, jobs * 8)))
    parts: list[Part] = []
    first = 0
    for i in range(1, len(offsets) + 1):
        end = offsets[i] if i < len(offsets) else intact_end
        if end - offsets[first] >= target or i == len(offsets):
            parts.append(Part(offsets[first], end, first))
            first = i
    return parts


_WORKER: dict[str, Any] = {}


def _analyse_part(args: tuple[str, Part]) -> PartResult:
    path, part = args
    analyser: Analyser = _WORKER["analyser"]
    body_cap: int = _WORKER["body_cap"]
    stats = ReadStats()
    before = analyser.notes_without_findings
    analyser.recent_notes.clear()
    rows: list[dict[str, Any]] = []
    problem = None
    try:
        for record in read_flowfile_range(
            Path(path),
            part.start,
            part.end,
            first_flow=part.first_flow,
            app=analyser.app,
            body_cap=body_cap,
            stats=stats,
        ):
            rows.extend(analyser.analyse_record(record))
    except ReadError as e:
        problem = e.problem
    return PartResult(
        rows,
        stats.flows,
        stats.records,
        stats.bytes_done,
        analyser.notes_without_findings - before,
        list(analyser.recent_notes),
        problem,
        stats.skipped,
    )


class ParallelReplay:
    """A pool of forked workers that share one configured analyser; reused for every file."""

    def __init__(self, analyser: Analyser, *, jobs: int, body_cap: int, min_bytes: int | None = None) -> None:
        self.analyser = analyser
        self.min_bytes = PARALLEL_MIN_BYTES if min_bytes is None else min_bytes
        self.jobs = jobs
        self.body_cap = body_cap
        self._pool: Any = None

    def start(self) -> None:
        self._ensure_pool()

    def _ensure_pool(self) -> Any:
        if self._pool is None:
            _WORKER["analyser"] = self.analyser
            _WORKER["body_cap"] = self.body_cap
            # fork: the workers inherit the analyser as configured (profile, runtime values, lists).
            self._pool = multiprocessing.get_context("fork").Pool(self.jobs)
        return self._pool

    def accepts(self, path: Path) -> bool:
        """A flow file (it starts with a tnetstring length) large enough to be worth the workers."""
        try:
            if path.stat().st_size < self.min_bytes:
                return False
            with open_read(path) as f:  # regular files only, no link inside a session
                return f.read(1).isdigit()
        except OSError:
            return False

    def rows(self, path: Path, stats: ReadStats) -> Iterator[dict[str, Any]]:
        """Rows of one flow file in file order; raises `ReadError` at its damage, like the reader."""
        offsets, intact_end = flow_boundaries(path)
        parts = plan_parts(offsets, intact_end, self.jobs)
        if parts:
            pool = self._ensure_pool()
            for result in self._in_order(pool, path, parts):
                stats.flows += result.flows
                stats.records += result.records
                stats.bytes_done += result.bytes_done
                stats.skipped.extend(result.skipped)
                self.analyser.notes_without_findings += result.notes_without_findings
                self.analyser.recent_notes.extend(result.recent_notes)
                yield from result.rows
                if result.problem is not None:
                    raise ReadError(result.problem)
        if intact_end < path.stat().st_size or not offsets:
            # The damaged tail (or a file that is no flow file at all): read sequentially, so the
            # damage is named as a sequential replay names it.
            for record in read_flowfile_range(
                path,
                intact_end,
                None,
                first_flow=len(offsets),
                app=self.analyser.app,
                body_cap=self.body_cap,
                stats=stats,
            ):
                yield from self.analyser.analyse_record(record)

    def _in_order(self, pool: Any, path: Path, parts: list[Part]) -> Iterator[PartResult]:
        """Results in file order, with at most `jobs + 1` parts handed out ahead of the one being
        consumed: workers faster than the writer must not pile results up in this process."""
        pending: deque[Any] = deque()
        todo = iter(parts)

        def hand_out() -> None:
            part = next(todo, None)
            if part is not None:
                pending.append(pool.apply_async(_analyse_part, ((str(path), part),)))

        for _ in range(self.jobs + 1):
            hand_out()
        while pending:
            result = pending.popleft().get()
            hand_out()
            yield result

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            _WORKER.clear()
