"""Streamed readers for saved traffic: mitmproxy flow files, HAR 1.2, packet captures (pcap,
pcapng: `analysis/pcap.py`), session dirs and folders. The format is told by the file's content,
never by its suffix.

Each reader yields `Record`s one flow at a time, so memory does not grow with the number of
flows. Damage (truncation, garbage, a file that is no flow file at all) ends that file's stream
with a `ReadProblem` that names the file and where the damage starts; every complete flow before
it has been yielded already.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from phonehome.store.safefile import UnsafeFile, open_read

from . import pcap, tnet
from ._capture_parse import capture_format
from .model import Record
from .records import DEFAULT_BODY_CAP, records_from_state

FLOW_SUFFIXES = (".mitm", ".flows", ".flow", ".dump")
HAR_SUFFIXES = (".har",)
CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap")
SESSION_FLOWS = "flows.mitm"


@dataclass(frozen=True)
class ReadProblem:
    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ReadError(Exception):
    def __init__(self, problem: ReadProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class ReadStats:
    files: int = 0
    flows: int = 0
    records: int = 0
    bytes_total: int = 0
    bytes_done: int = 0
    skipped: list[ReadProblem] = field(default_factory=list)
    """Flows and HAR entries that could not be made into records, each with why; reading went on
    (their framing was intact, unlike damage, which ends the file)."""


def _is_har(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def expand_inputs(paths: list[Path]) -> tuple[list[Path], list[ReadProblem]]:
    """Files to read for the given arguments: files as given, session dirs as their flow file,
    other folders as the flow and HAR files below them (sorted)."""
    files: list[Path] = []
    problems: list[ReadProblem] = []
    for path in paths:
        if path.is_dir():
            if (path / SESSION_FLOWS).exists():
                files.append(path / SESSION_FLOWS)
                continue
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in FLOW_SUFFIXES + HAR_SUFFIXES + CAPTURE_SUFFIXES
            )
            if not found:
                problems.append(
                    ReadProblem(
                        path,
                        "folder holds no flow (.mitm, .flows), HAR or packet capture (.pcap, .pcapng) files",
                    )
                )
            files.extend(found)
        elif path.exists():
            # A file named on the command line may be a link the user made; links inside
            # folders and sessions are refused when read.
            if path.is_file() and path.stat().st_size == 0:
                problems.append(ReadProblem(path, "empty file (0 bytes): no flows to read"))
                continue
            files.append(path.resolve() if path.is_symlink() else path)
        else:
            problems.append(ReadProblem(path, "no such file or folder"))
    return files, problems


def read_records(
    path: Path,
    *,
    app: str | None = None,
    body_cap: int = DEFAULT_BODY_CAP,
    stats: ReadStats | None = None,
    keylog: Path | None = None,
    on_event: Callable[[dict[str, Any]], None] | None = None,
) -> Iterator[Record]:
    """Records of one file (flow file, HAR or packet capture, by content); raises `ReadError` at
    the first damage, after yielding everything before it. `keylog` is a TLS key log for packet
    captures; `on_event` receives what a capture shows besides records (connections whose content
    stayed encrypted, DNS lookups)."""
    stats = stats or ReadStats()
    try:
        f = open_read(path)
    except UnsafeFile as e:
        raise ReadError(ReadProblem(path, f"refused: {e.what}; phonehome only reads regular files")) from None
    except OSError as e:
        raise ReadError(ReadProblem(path, f"cannot open: {e.strerror}")) from None
    with f:
        head = f.read(64)
        f.seek(0)
        if capture_format(head):
            yield from _capture_records(
                path, app=app, body_cap=body_cap, stats=stats, keylog=keylog, on_event=on_event, fd=f.fileno()
            )
        elif _is_har(head):
            yield from _har_records(f, path, app=app, body_cap=body_cap, stats=stats)
        else:
            yield from _flowfile_records(f, path, app=app, body_cap=body_cap, stats=stats)


def _flowfile_records(
    f: IO[bytes],
    path: Path,
    *,
    app: str | None,
    body_cap: int,
    stats: ReadStats,
    offset: int = 0,
    count: int = 0,
    end: int | None = None,
) -> Iterator[Record]:
    # The tnetstring states are read directly (what `FlowReader.stream()` does before it builds
    # `Flow` objects): records need only the state, and skipping the objects halves the cost.
    # A part of a file read in parallel: `f` starts at file offset `offset` after `count` flows
    # and holds the bytes up to `end` (messages name offsets and flow numbers of the whole file).
    base = offset - f.tell()
    fd = f.fileno() if end is None else -1
    while True:
        try:
            state = tnet.load(f, (os.fstat(fd).st_size if end is None else end) - offset)
        except tnet.EmptyFile:
            return
        except (ValueError, TypeError, IndexError, MemoryError) as e:
            what = "truncated or damaged" if count else "not a mitmproxy flow file or HAR file"
            raise ReadError(
                ReadProblem(
                    path,
                    f"{what} at byte {offset} (flow #{count + 1}); {count} complete flows before it were read ({e})",
                )
            ) from None
        try:
            if not isinstance(state, dict):
                raise ValueError(f"a {type(state).__name__}, not a flow")
            records = records_from_state(state, source="flowfile", app=app, body_cap=body_cap)
        except Exception as e:  # a state that mitmproxy's own migration or our reading rejects
            stats.skipped.append(
                ReadProblem(
                    path,
                    f"unreadable flow #{count + 1} at byte {offset} skipped: {type(e).__name__}: {str(e)[:300]}",
                )
            )
            records = None
        count += 1
        new_offset = base + f.tell()
        stats.bytes_done += new_offset - offset
        offset = new_offset
        if records is None:
            continue
        stats.flows += 1
        for record in records:
            stats.records += 1
            yield record


def read_flowfile_range(
    path: Path,
    start: int,
    end: int | None,
    *,
    first_flow: int,
    app: str | None = None,
    body_cap: int = DEFAULT_BODY_CAP,
    stats: ReadStats | None = None,
) -> Iterator[Record]:
    """Records of the flows between bytes `start` and `end` (None: the end of the file) of a flow
    file, `start` on a flow boundary and `first_flow` the number of flows before it: one part of a
    file analysed in parallel. Damage is reported with offsets and flow numbers of the whole file."""
    stats = stats or ReadStats()
    try:
        f = open_read(path)
    except UnsafeFile as e:
        raise ReadError(ReadProblem(path, f"refused: {e.what}; phonehome only reads regular files")) from None
    except OSError as e:
        raise ReadError(ReadProblem(path, f"cannot open: {e.strerror}")) from None
    with f:
        f.seek(start)
        if end is None:
            yield from _flowfile_records(
                f, path, app=app, body_cap=body_cap, stats=stats, offset=start, count=first_flow
            )
        else:
            yield from _flowfile_records(
                io.BytesIO(f.read(end - start)),
                path,
                app=app,
                body_cap=body_cap,
                stats=stats,
                offset=start,
                count=first_flow,
                end=end,
            )


def _capture_records(
    path: Path,
    *,
    app: str | None,
    body_cap: int,
    stats: ReadStats,
    keylog: Path | None,
    on_event: Callable[[dict[str, Any]], None] | None,
    fd: int | None = None,
) -> Iterator[Record]:
    size = os.stat(path).st_size
    try:
        for record in pcap.read_capture(
            path, app=app, body_cap=body_cap, keylog=keylog, on_event=on_event, fd=fd
        ):
            if record.kind == "http":
                stats.flows += 1
            stats.records += 1
            yield record
    except (pcap.CaptureError, pcap.CaptureDamage) as e:
        raise ReadError(ReadProblem(path, str(e))) from None
    finally:
        stats.bytes_done += size


# --- HAR -----------------------------------------------------------------------------------

MAX_HAR_VALUE = 256 << 20
"""The largest single HAR entry (or other top-level value) read, in characters: a 2 GB string is
refused instead of being held several times over in memory."""
_INCOMPLETE_MARGIN = 8
"""A JSON error this close to the end of the buffer may be a value cut by the chunk boundary."""


class _JsonStream:
    """Just enough of an incremental JSON scanner to walk `{"log": {"entries": [...]}}` one entry
    at a time without loading the whole file."""

    CHUNK = 1 << 20

    def __init__(self, f: IO[bytes]) -> None:
        self._f = io.TextIOWrapper(f, encoding="utf-8-sig", errors="strict")
        self._buf = ""
        self._pos = 0
        self.consumed = 0
        self._decoder = json.JSONDecoder()
        self._eof = False

    def _fill(self) -> bool:
        if self._eof:
            return False
        chunk = self._f.read(max(self.CHUNK, len(self._buf) - self._pos))
        if not chunk:
            self._eof = True
            return False
        self.consumed += self._pos
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        return True

    def peek(self) -> str:
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in " \t\r\n":
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        got = self.peek()
        if got != char:
            raise ValueError(
                f"expected {char!r} at character {self.position}, found {got or 'end of file'!r}"
            )
        self._pos += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as e:
                # Only a value cut off by the end of the buffer can go on in the next chunk; an
                # error before that is a syntax error, and reading stops there.
                incomplete = e.pos >= len(self._buf) - _INCOMPLETE_MARGIN or e.msg.startswith(
                    "Unterminated string"
                )
                if incomplete and len(self._buf) - self._pos > MAX_HAR_VALUE:
                    raise ValueError(
                        f"a value of more than {MAX_HAR_VALUE >> 20} MiB at character "
                        f"{self.position} (phonehome reads HAR entries up to that size)"
                    ) from None
                if incomplete and self._fill():
                    continue
                raise ValueError(f"{e.msg} at character {self.consumed + e.pos}") from None
            except RecursionError:
                raise ValueError(f"a value nested too deep at character {self.position}") from None
            if end == len(self._buf) and isinstance(value, (int, float)) and self._fill():
                continue  # a number may go on in the next chunk
            self._pos = end
            return value

    @property
    def position(self) -> int:
        return self.consumed + self._pos


def _har_entries(f: IO[bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
    s = _JsonStream(f)
    s.expect("{")
    found = False
    while s.peek() != "}":
        key = s.value()
        s.expect(":")
        if key != "log":
            s.value()
        else:
            found = True
            s.expect("{")
            entries = False
            while s.peek() != "}":
                log_key = s.value()
                s.expect(":")
                if log_key != "entries":
                    s.value()
                else:
                    entries = True
                    s.expect("[")
                    index = 0
                    while s.peek() != "]":
                        if index:
                            s.expect(",")
                        entry = s.value()
                        if not isinstance(entry, dict):
                            raise ValueError(f"entry #{index + 1} is not an object")
                        yield s.position, entry
                        index += 1
                    s.expect("]")
                if s.peek() == ",":
                    s.expect(",")
            s.expect("}")
            if not entries:
                raise ValueError("the log has no entries list")
        if s.peek() == ",":
            s.expect(",")
    if not found:
        raise ValueError("no log object")


def _har_headers(items: Any) -> tuple[tuple[str, str], ...]:
    out = []
    for h in items or ():
        if isinstance(h, dict):
            out.append((str(h.get("name", "")), str(h.get("value", ""))))
        elif isinstance(h, (list, tuple)) and len(h) >= 2:
            out.append((str(h[0]), str(h[1])))
    return tuple(out)


def _har_time(value: Any) -> float:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


def har_entry_records(
    entry: dict[str, Any], index: int, *, app: str | None = None, body_cap: int = DEFAULT_BODY_CAP
) -> list[Record]:
    request = entry["request"]
    if not isinstance(request, dict):
        raise TypeError(f"request is a {type(request).__name__}, not an object")
    url = str(request["url"])
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme in ("https", "wss") else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    ts = _har_time(entry["startedDateTime"])
    # HAR stores bodies decoded, so a Content-Encoding header no longer describes them.
    headers = tuple(
        (k, v) for k, v in _har_headers(request.get("headers")) if k.lower() != "content-encoding"
    )
    post = request.get("postData") or {}
    body = b""
    if isinstance(post, dict) and post.get("text") is not None:
        text = str(post["text"])
        if post.get("encoding") == "base64":
            try:
                body = base64.b64decode(text, validate=False)
            except (binascii.Error, ValueError):
                body = text.encode("utf-8", "surrogateescape")
        else:
            body = text.encode("utf-8", "surrogateescape")
    version = str(request.get("httpVersion", "HTTP/1.1"))
    version = {"http/2.0": "HTTP/2", "h2": "HTTP/2", "http/1.1": "HTTP/1.1"}.get(version.lower(), version)
    response = entry.get("response")
    status = response.get("status") if isinstance(response, dict) else None
    flow_id = str(entry.get("_phonehome_flow_id") or entry.get("_flow_id") or _har_flow_id(entry, index))
    host = parts.hostname or ""
    base = {
        "flow_id": flow_id,
        "host": host,
        "port": port,
        "path": path,
        "http_version": version,
        "request_headers": headers,
        "response_status": int(status) if isinstance(status, int) and status > 0 else None,
        "app": app,
        "source": "har",
        "server_ip": str(entry.get("serverIPAddress") or "").strip("[]")[:64],
    }
    is_ws = isinstance(entry.get("_webSocketMessages"), list)
    http_scheme = {"ws": "http", "wss": "https"}.get(scheme, scheme)
    records = [
        Record(
            **base,  # type: ignore[arg-type]
            ts=ts,
            kind="http",
            direction="request",
            method=str(request.get("method", "GET")),
            scheme=http_scheme,
            body=body[:body_cap],
            body_size=len(body),
            notes=(f"body of {len(body)} bytes capped at {body_cap} for classification",)
            if len(body) > body_cap
            else (),
        )
    ]
    if is_ws:
        ws_scheme = "wss" if http_scheme == "https" else "ws"
        for i, message in enumerate(entry["_webSocketMessages"]):
            if not isinstance(message, dict):
                continue
            data = str(message.get("data", ""))
            if message.get("opcode") == 2:
                try:
                    content = base64.b64decode(data)
                except (binascii.Error, ValueError):
                    content = data.encode("utf-8", "surrogateescape")
            else:
                content = data.encode("utf-8", "surrogateescape")
            records.append(
                Record(
                    **base,  # type: ignore[arg-type]
                    ts=float(message.get("time", ts)),
                    kind="websocket",
                    direction="client" if message.get("type") == "send" else "server",
                    method="WS",
                    scheme=ws_scheme,
                    body=content[:body_cap],
                    body_size=len(content),
                    message_index=i,
                )
            )
    return records


def _har_flow_id(entry: dict[str, Any], index: int) -> str:
    seed = f"{index}|{entry.get('startedDateTime')}|{entry.get('request', {}).get('url')}"
    return "har-" + hashlib.sha1(seed.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _har_records(
    f: IO[bytes], path: Path, *, app: str | None, body_cap: int, stats: ReadStats
) -> Iterator[Record]:
    count = 0
    entries = _har_entries(f)
    while True:
        try:
            _, entry = next(entries)
        except StopIteration:
            return
        except (ValueError, UnicodeDecodeError, RecursionError, MemoryError) as e:
            raise ReadError(
                ReadProblem(path, f"HAR damaged after entry #{count} ({count} entries read): {e}")
            ) from None
        count += 1
        try:
            records = har_entry_records(entry, count - 1, app=app, body_cap=body_cap)
        except Exception as e:  # anything a hostile entry can make the conversion raise
            stats.skipped.append(
                ReadProblem(
                    path,
                    f"HAR entry #{count} is not a valid HAR 1.2 entry, skipped ({type(e).__name__}: {str(e)[:300]})",
                )
            )
            continue
        stats.flows += 1
        for record in records:
            stats.records += 1
            yield record


def total_size(files: list[Path]) -> int:
    size = 0
    for p in files:
        try:
            size += os.stat(p).st_size
        except OSError:
            pass
    return size
