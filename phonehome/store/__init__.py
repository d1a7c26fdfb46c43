"""The session store: one owner-only directory per device session.

    <session>/
      session.json        metadata, rewritten atomically (start/end, app, profile, versions)
      flows.mitm          mitmproxy flow file (the live worker appends each flow from the journal)
      flows.journal       while recording: the proxy's hand-over to the worker (phonehome/store/journal.py)
      flows.journal.pos   while recording: how far the worker got
      findings.jsonl      findings from proxied traffic, appended one line per write
      proxy-events.jsonl  proxy events: proxy:pinning_suspected, proxy:backlog, proxy:error, ...
      hook-events.jsonl   Frida hook events: hook:read, hook:crypto, hook:tls-plaintext, ...
      hook-findings.jsonl findings from TLS plaintext captured by the hooks (source tls-hook)
      markers.jsonl       consent and free-text markers (several writers; one write per line)
      device.toml         copy of the device profile used, when one was given

Every line is written with a single `write()` on an `O_APPEND` descriptor, so a `kill -9` loses at
most the line being written and concurrent writers never interleave within a line. Readers skip
a torn last line and say so.

Every session file is opened through `phonehome/store/safefile.py`: regular files only (no symbolic
link is followed, a FIFO or device is refused with a one-line error naming it, never waited on).
"""

from __future__ import annotations

import errno
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from phonehome.store.safefile import (
    OutputError,
    UnsafeFile,
    open_fd,
    open_private,
    open_read,
    read_bytes,
    write_atomic,
)

__all__ = ["UnsafeFile", "open_private", "read_bytes", "write_private_atomic"]

SESSION_JSON = "session.json"
FLOWS = "flows.mitm"
FINDINGS = "findings.jsonl"
PROXY_EVENTS = "proxy-events.jsonl"
HOOK_EVENTS = "hook-events.jsonl"
HOOK_FINDINGS = "hook-findings.jsonl"
MARKERS = "markers.jsonl"
PROFILE_COPY = "device.toml"
RESERVE = ".phonehome-reserve"
"""Room a live session sets aside and gives back when the disk fills (`addons/_session.py`)."""

MAX_META_BYTES = 16 << 20
"""`session.json` is a few KB; a larger one is not read."""

FILE_MODE = 0o600
DIR_MODE = 0o700

CONSENT_LABELS = ("consent-given", "consent-refused", "consent-withdrawn", "note")


def make_private_dir(path: Path) -> Path:
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    return path


def _rewrite_in_place(path: Path, data: bytes) -> bool:
    """Overwrite the regular file `path` with `data` where it is, if `data` fits in the blocks it
    already has (no new space needed); False when it does not fit or cannot be opened."""
    try:
        fd = open_fd(path, os.O_WRONLY)
    except OSError:
        return False
    try:
        st = os.fstat(fd)
        if len(data) > max(st.st_size, st.st_blocks * 512):
            return False
        if os.pwrite(fd, data, 0) != len(data):
            return False
        os.ftruncate(fd, len(data))
        os.fsync(fd)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def json_line_bytes(text: str) -> bytes:
    """A JSON text as UTF-8 bytes; lone surrogates (bytes that were not UTF-8, kept by
    `surrogateescape`) become JSON `\\uXXXX` escapes, which `json.loads` turns back into them."""
    return text.encode("utf-8", "backslashreplace")


def write_private_atomic(path: Path, data: bytes) -> None:
    """`data` to `path` completely or not at all (`safefile.write_atomic`)."""
    write_atomic(path, data)


class JsonlWriter:
    """Appends one JSON object per line, each with one unbuffered write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = open_private(path, "ab")

    def write(self, obj: dict[str, Any]) -> None:
        line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"
        self._file.write(json_line_bytes(line))

    def write_many(self, objs: list[dict[str, Any]]) -> None:
        if objs:
            data = "".join(
                json.dumps(o, ensure_ascii=False, separators=(",", ":"), default=str) + "\n" for o in objs
            )
            self._file.write(json_line_bytes(data))

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class JsonlRead:
    objects: list[dict[str, Any]]
    next_offset: int
    problems: list[str]
    more: bool = False
    """`max_bytes` stopped the read before the end of the file (a torn last line does not count)."""


def read_jsonl(path: Path, offset: int = 0, *, max_bytes: int | None = None) -> JsonlRead:
    """Complete lines from `offset` on; a torn last line is left for the next read, a garbage
    line is skipped with a problem note.

    With `max_bytes`, about that many bytes are read, of which the complete lines are used; a
    single line longer than that is read whole. `more` then says whether data is waiting.
    """
    objects: list[dict[str, Any]] = []
    problems: list[str] = []
    try:
        with open_read(path) as f:
            f.seek(offset)
            if max_bytes is None:
                data, more = f.read(), False
            else:
                data, more = _read_lines_capped(f, offset, max_bytes)
    except FileNotFoundError:
        return JsonlRead([], offset, [])
    except OSError as e:  # UnsafeFile (a link, FIFO, device) or an unreadable file
        return JsonlRead(
            [], offset, [str(e) if isinstance(e, UnsafeFile) else f"{path}: cannot read: {e.strerror}"]
        )
    end = data.rfind(b"\n") + 1
    pos = offset
    for line in data[:end].split(b"\n")[:-1]:
        lineno_offset = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        try:
            try:
                obj = json.loads(line)
            except UnicodeDecodeError:  # raw bytes that are not UTF-8 (written by older versions)
                obj = json.loads(line.decode("utf-8", "surrogateescape"))
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as e:
            problems.append(
                f"{path.name}: skipped a damaged line at byte {lineno_offset}: {e.msg if hasattr(e, 'msg') else e}"
            )
            continue
        if isinstance(obj, dict):
            objects.append(obj)
        else:
            problems.append(f"{path.name}: skipped a non-object line at byte {lineno_offset}")
    return JsonlRead(objects, offset + end, problems, more)


def _read_lines_capped(f: BinaryIO, offset: int, max_bytes: int) -> tuple[bytes, bool]:
    """About `max_bytes` from `f` (positioned at `offset`), read on to the end of a line longer
    than that; and whether the file holds more beyond what was read."""
    size = os.fstat(f.fileno()).st_size
    if size <= offset:
        return b"", False
    data = f.read(max_bytes)
    chunk = data
    while b"\n" not in chunk and offset + len(data) < size:
        # One line longer than the cap: read on to its end.
        chunk = f.read(max_bytes)
        if not chunk:
            break
        data += chunk
    return data, offset + len(data) < size


@dataclass(frozen=True)
class SessionStore:
    root: Path

    @property
    def session_json(self) -> Path:
        return self.root / SESSION_JSON

    @property
    def flows(self) -> Path:
        return self.root / FLOWS

    @property
    def findings(self) -> Path:
        return self.root / FINDINGS

    @property
    def proxy_events(self) -> Path:
        return self.root / PROXY_EVENTS

    @property
    def hook_events(self) -> Path:
        return self.root / HOOK_EVENTS

    @property
    def hook_findings(self) -> Path:
        return self.root / HOOK_FINDINGS

    @property
    def markers(self) -> Path:
        return self.root / MARKERS

    @property
    def profile_copy(self) -> Path:
        return self.root / PROFILE_COPY

    @classmethod
    def create(cls, root: str | Path) -> SessionStore:
        store = cls(make_private_dir(Path(root)))
        return store

    @staticmethod
    def is_session(path: Path) -> bool:
        return path.is_dir() and ((path / SESSION_JSON).exists() or (path / FLOWS).exists())

    def read_meta(self, problems: list[str] | None = None) -> dict[str, Any]:
        """`session.json` ({} when missing or unreadable; why goes to `problems` if given)."""
        try:
            meta = json.loads(read_bytes(self.session_json, limit=MAX_META_BYTES))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, RecursionError) as e:
            if problems is not None:
                # A RecursionError (deeply nested JSON) has no strerror.
                what = e.strerror if isinstance(e, OSError) and not isinstance(e, UnsafeFile) else None
                what = what or str(e)
                problems.append(
                    f"{self.session_json}: not used: {what}" if not isinstance(e, UnsafeFile) else str(e)
                )
            return {}
        return meta if isinstance(meta, dict) else {}

    def write_meta(self, meta: dict[str, Any]) -> None:
        """Rewrite `session.json` atomically; on a full disk, where it is if it fits in the blocks
        the file already has (the session's end must not be lost for want of a new block)."""
        data = json_line_bytes(json.dumps(meta, indent=2, ensure_ascii=False, default=str) + "\n")
        try:
            write_private_atomic(self.session_json, data)
        except OutputError as e:
            if e.errno not in (errno.ENOSPC, errno.EDQUOT) or not _rewrite_in_place(self.session_json, data):
                raise

    def update_meta(self, **changes: Any) -> dict[str, Any]:
        meta = self.read_meta()
        meta.update(changes)
        self.write_meta(meta)
        return meta

    def mark(
        self, label: str, text: str = "", *, source: str = "cli", ts: float | None = None
    ) -> dict[str, Any]:
        """Append a marker (`consent-given`, `consent-refused`, `consent-withdrawn` or `note`)."""
        if label not in CONSENT_LABELS:
            raise ValueError(f"unknown marker {label!r}; use one of: {', '.join(CONSENT_LABELS)}")
        marker = {"ts": time.time() if ts is None else ts, "label": label, "text": text, "source": source}
        with JsonlWriter(self.markers) as w:
            w.write(marker)
        return marker

    def read_markers(self) -> list[dict[str, Any]]:
        return read_jsonl(self.markers).objects
