"""Follow a session store's JSONL files by offset, a bounded chunk at a time.

Reads with `phonehome.store.read_jsonl` (a torn last line waits for the next read, a damaged
line is skipped with a note) and its byte cap, so opening a session with 100,000 findings
streams it in slices instead of holding every line in memory at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phonehome.store import SessionStore, read_jsonl

from .state import Batch

CHUNK = 4 << 20
"""Bytes read per file per poll (a longer single line is read whole)."""


@dataclass
class _Cursor:
    path: Path
    offset: int = 0


def read_chunk(
    path: Path, offset: int, max_bytes: int = CHUNK
) -> tuple[list[dict[str, Any]], int, list[str], bool]:
    """Objects from the complete lines in `path` from `offset`, reading about `max_bytes`
    (`read_jsonl` with a cap); a file that cannot be read yet reads as empty.

    Returns:
        (objects, next offset, problems, more data waiting).
    """
    try:
        read = read_jsonl(path, offset, max_bytes=max_bytes)
    except (IsADirectoryError, PermissionError):
        return [], offset, [], False
    return read.objects, read.next_offset, read.problems, read.more


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
