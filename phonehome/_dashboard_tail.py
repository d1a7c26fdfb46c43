"""Follow a session store's JSONL files by offset, a bounded chunk at a time.

Same rules as `phonehome.store.read_jsonl` (a torn last line waits for the next read, a damaged
line is skipped with a note), plus a byte cap per read, so opening a session with 100,000
findings streams it in slices instead of holding every line in memory at once.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phonehome.store import SessionStore

from ._dashboard_state import Batch

CHUNK = 4 << 20
"""Bytes read per file per poll (a longer single line is read whole)."""


@dataclass
class _Cursor:
    path: Path
    offset: int = 0


def read_chunk(path: Path, offset: int, max_bytes: int = CHUNK) -> tuple[list[dict[str, Any]], int, list[str], bool]:
    """Objects from the complete lines in `path` from `offset`, reading about `max_bytes`.

    Returns:
        (objects, next offset, problems, more data waiting).
    """
    try:
        with path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size <= offset:
                return [], offset, [], False
            f.seek(offset)
            data = f.read(max_bytes)
            end = data.rfind(b"\n") + 1
            while end == 0 and offset + len(data) < size:
                # One line longer than the cap: read on to its end.
                more = f.read(max_bytes)
                if not more:
                    break
                data += more
                end = data.rfind(b"\n") + 1
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        return [], offset, [], False
    objects: list[dict[str, Any]] = []
    problems: list[str] = []
    pos = offset
    for line in data[:end].split(b"\n")[:-1]:
        at = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            problems.append(f"{path.name}: skipped a damaged line at byte {at}: {getattr(e, 'msg', e)}")
            continue
        if isinstance(obj, dict):
            objects.append(obj)
        else:
            problems.append(f"{path.name}: skipped a non-object line at byte {at}")
    # More waits only when the cap stopped the read, not for a torn last line.
    return objects, offset + end, problems, offset + len(data) < size


@dataclass
class SessionTail:
    """Offsets into one session's files; `poll()` returns what was appended since."""

    store: SessionStore
    chunk: int = CHUNK
    _cursors: dict[str, _Cursor] = field(default_factory=dict)

    def __post_init__(self) -> None:
        s = self.store
        self._cursors = {
            "markers": _Cursor(s.markers),
            "hook_events": _Cursor(s.hook_events),
            "findings": _Cursor(s.findings),
            "hook_findings": _Cursor(s.hook_findings),
            "proxy_events": _Cursor(s.proxy_events),
        }

    def poll(self) -> Batch:
        batch = Batch()
        for name, cur in self._cursors.items():
            objects, cur.offset, problems, more = read_chunk(cur.path, cur.offset, self.chunk)
            batch.problems += problems
            batch.more = batch.more or more
            if name in ("findings", "hook_findings"):
                batch.findings += objects
            else:
                getattr(batch, name).extend(objects)
        return batch

    @property
    def offsets(self) -> dict[str, int]:
        return {name: cur.offset for name, cur in self._cursors.items()}
