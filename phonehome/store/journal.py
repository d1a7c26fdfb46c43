"""The flow journal: what the proxy's hook writes, so that serialising flows is not the proxy's work.

    proxy (hook)                        flows.journal                 worker process
      fields of the flow -> marshal  ->  [len][kind][payload] ...  ->  FlowWriter bytes -> flows.mitm
      one writev() per 10 ms (batched)                                 records -> findings.jsonl

Serialising a flow the way `mitmproxy.io.FlowWriter` does costs the proxy 20-50 us per small flow
even with `_flowbytes`; `marshal` of the flow's fields costs about 2 us. The journal carries those
fields; the worker turns them into exactly the bytes FlowWriter would have written (checked
against FlowWriter in the proxy on the first flows and every `verify_every`-th), appends them to
`flows.mitm` and analyses them. The journal is the queue: the proxy never waits for the worker,
a `kill -9` of the proxy loses at most the record being written (the worker finishes the rest),
and after a `kill -9` of both, `recover` turns what the worker had not converted into flows.

Record: 4-byte little-endian payload length, 1 kind byte, payload. Kinds:

    c  marshal (key, connection state)        a client or server connection, whenever it changed
    h  marshal (id, created, client key, server key, request fields, response fields)
                                              a usual HTTP flow (`_flowbytes.is_usual`)
    f  FlowWriter bytes                       any other finished HTTP flow: save and analyse
    v  FlowWriter bytes                       save only (a closed WebSocket, TCP/UDP/DNS flows)
    s  FlowWriter bytes                       a WebSocket handshake (analyse, not saved yet)
    m  marshal (flow id, index, message state) a client-to-server WebSocket message
    e  marshal flow id                        a WebSocket closed (its flow follows as `v`)
    x  (empty)                                the proxy stops: the worker finishes and exits

`flows.journal.pos` holds two little-endian u64: the journal offset up to which records were
handled, and the size of `flows.mitm` at that point. The worker holds an exclusive `flock` on it
while it runs; `recover` only proceeds when it can take that lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import marshal
import os
import struct
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mitmproxy import http, version

from . import flowbytes as _flowbytes
from . import marshal_check
from .safefile import open_fd, reason

JOURNAL = "flows.journal"
POSITION = "flows.journal.pos"

KIND_CONN = ord("c")
KIND_HTTP = ord("h")
KIND_FLOW = ord("f")
KIND_SAVE = ord("v")
KIND_WS_START = ord("s")
KIND_WS_MSG = ord("m")
KIND_WS_END = ord("e")
KIND_STOP = ord("x")
KINDS = frozenset(
    (KIND_CONN, KIND_HTTP, KIND_FLOW, KIND_SAVE, KIND_WS_START, KIND_WS_MSG, KIND_WS_END, KIND_STOP)
)

HEADER = struct.Struct("<IB")
POS = struct.Struct("<QQ")
MAX_RECORD = (1 << 32) - 1
FLUSH_S = 0.01
"""Records wait this long in the proxy at most before they are written (the addon's timer): one
`writev` for several flows instead of one each (an append to a file that another process reads
costs the proxy 10-20 us under load)."""
FLUSH_BYTES = 256 << 10
"""...or until this many bytes are pending."""
MAX_IOV = 1000
CONN_CACHE_MAX = 4096

REQUEST_FIELDS = _flowbytes.REQUEST_KEYS
RESPONSE_FIELDS = _flowbytes.RESPONSE_KEYS
assert REQUEST_FIELDS == (
    "http_version",
    "headers",
    "content",
    "trailers",
    "timestamp_start",
    "timestamp_end",
    "host",
    "port",
    "method",
    "scheme",
    "authority",
    "path",
)
assert RESPONSE_FIELDS == (
    "http_version",
    "headers",
    "content",
    "trailers",
    "timestamp_start",
    "timestamp_end",
    "status_code",
    "reason",
)


class JournalError(ValueError):
    """The journal is damaged at `offset` (not merely cut short by a kill)."""

    def __init__(self, path: Path | str, offset: int, why: str) -> None:
        super().__init__(f"{path}: damaged record at byte {offset}: {why}")
        self.offset = offset


class JournalWriter:
    """Proxy side: appends records with one `writev` each, on an `O_APPEND` descriptor."""

    def __init__(self, path: Path, *, verify_first: int = 20, verify_every: int = 500) -> None:
        self.path = path
        self.fd = open_fd(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.fchmod(self.fd, 0o600)
        self.fast = version.FLOW_FORMAT_VERSION == _flowbytes.SUPPORTED_FORMAT
        self.verify_first = verify_first
        self.verify_every = verify_every
        self.usual = 0
        self.records = 0
        self.end = os.fstat(self.fd).st_size
        """Size of the journal after our last record (pending ones included)."""
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self.flow_bytes = _flowbytes.FlowBytes(verify_first=verify_first, verify_every=verify_every)
        self._conns: dict[int, tuple[weakref.ref[Any], dict[str, Any], int, Any]] = {}
        self._next_key = 0

    def close(self) -> None:
        if self.fd >= 0:
            if self._pending:
                self.flush()
            os.close(self.fd)
            self.fd = -1

    def _write(self, kind: int, parts: list[bytes]) -> None:
        n = 0
        for p in parts:
            n += len(p)
        if n > MAX_RECORD:
            raise ValueError(f"a journal record of {n} bytes is too large")
        self._pending.append(HEADER.pack(n, kind))
        self._pending.extend(parts)
        self._pending_bytes += n + HEADER.size
        self.records += 1
        self.end += n + HEADER.size
        if self._pending_bytes >= FLUSH_BYTES or len(self._pending) >= MAX_IOV:
            self.flush()

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def flush(self) -> None:
        """Write what is pending (one `writev` per `MAX_IOV` pieces). Records are whole in the
        file or not there at all only up to a kill in the middle of a write: the reader leaves a
        cut-off last record alone."""
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        for i in range(0, len(pending), MAX_IOV):
            chunk = pending[i : i + MAX_IOV]
            total = sum(len(p) for p in chunk)
            written = os.writev(self.fd, chunk)
            if written != total:  # a regular file takes it all unless the disk is full
                view = memoryview(b"".join(chunk))[written:]
                while view:
                    view = view[os.write(self.fd, view) :]

    def marshalled(self, kind: int, value: Any) -> None:
        self._write(kind, [marshal.dumps(value)])

    def raw(self, kind: int, parts: list[bytes]) -> None:
        self._write(kind, parts)

    def stop(self) -> None:
        self._write(KIND_STOP, [])
        self.flush()

    def _conn(self, conn: Any) -> tuple[int, Any]:
        """The key of the connection's current state, journaling the state when it is new."""
        cached = self._conns.get(id(conn))
        if cached is not None and cached[1] == vars(conn) and cached[0]() is conn:
            return cached[2], cached[3]
        snap = _flowbytes._snapshot(conn)
        state = conn.get_state()
        key = self._next_key
        self._next_key += 1
        self.marshalled(KIND_CONN, (key, state))
        if len(self._conns) >= CONN_CACHE_MAX:
            self._conns = {k: v for k, v in self._conns.items() if v[0]() is not None}
            if len(self._conns) >= CONN_CACHE_MAX:
                self._conns.clear()
        self._conns[id(conn)] = (weakref.ref(conn), snap, key, state)
        return key, state

    def http_flow(self, f: http.HTTPFlow) -> None:
        """Journal a finished HTTP flow: its fields when it is usual, else its FlowWriter bytes."""
        if self.fast and f.response is not None and _flowbytes.is_usual(f):
            try:
                ckey, cstate = self._conn(f.client_conn)
                skey, sstate = self._conn(f.server_conn)
                q, r = f.request.data, f.response.data
                qt, rt = q.trailers, r.trailers
                # REQUEST_FIELDS and RESPONSE_FIELDS, in their order, written out (a loop with
                # getattr costs twice as much in the hook)
                record = (
                    f.id,
                    f.timestamp_created,
                    ckey,
                    skey,
                    (
                        q.http_version,
                        q.headers.fields,
                        q.content,
                        None if qt is None else qt.fields,
                        q.timestamp_start,
                        q.timestamp_end,
                        q.host,
                        q.port,
                        q.method,
                        q.scheme,
                        q.authority,
                        q.path,
                    ),
                    (
                        r.http_version,
                        r.headers.fields,
                        r.content,
                        None if rt is None else rt.fields,
                        r.timestamp_start,
                        r.timestamp_end,
                        r.status_code,
                        r.reason,
                    ),
                )
                payload = marshal.dumps(record)
            except ValueError:  # something marshal cannot carry: the plain way below
                payload = None
            if payload is not None:
                self.usual += 1
                if self.usual <= self.verify_first or self.usual % self.verify_every == 0:
                    self._verify(f, record, cstate, sstate)
                if self.fast:
                    self._write(KIND_HTTP, [payload])
                    return
        self.raw(KIND_FLOW, self.flow_bytes.parts(f))

    def _verify(self, f: http.HTTPFlow, record: tuple[Any, ...], cstate: Any, sstate: Any) -> None:
        conns = Connections()
        conns.add(record[2], cstate)
        conns.add(record[3], sstate)
        if b"".join(http_parts(record, conns)) != _flowbytes.plain_bytes(f):
            self.fast = False

            logging.getLogger("phonehome.live").warning(
                "phonehome: the journal's flow fields do not rebuild mitmproxy's FlowWriter bytes for flow %s; "
                "journaling FlowWriter bytes from now on",
                f.id,
            )


class Connections:
    """The connection states journaled so far, encoded (for FlowWriter bytes) and as they are
    (for the flow state)."""

    def __init__(self) -> None:
        self.raw: dict[int, _flowbytes._Raw] = {}
        self.state: dict[int, Any] = {}

    def add(self, key: int, state: Any) -> None:
        self.raw[key] = _flowbytes._Raw(_flowbytes.dumps(state))
        self.state[key] = state


def http_parts(record: tuple[Any, ...], conns: Connections) -> list[bytes]:
    """FlowWriter bytes (in pieces) of an `h` record."""
    fid, created, ckey, skey, req, resp = record
    return _flowbytes.usual_http_parts(
        fid,
        created,
        conns.raw[ckey],
        conns.raw[skey],
        dict(zip(REQUEST_FIELDS, req, strict=True)),
        dict(zip(RESPONSE_FIELDS, resp, strict=True)),
    )


def http_state(record: tuple[Any, ...], conns: Connections) -> dict[str, Any]:
    """The flow state of an `h` record, as `tnetstring.loads` of its FlowWriter bytes gives it
    (lists for tuples aside), without encoding and parsing it again."""
    fid, created, ckey, skey, req, resp = record
    return {
        "version": version.FLOW_FORMAT_VERSION,
        "type": "http",
        "id": fid,
        "error": None,
        "client_conn": conns.state[ckey],
        "server_conn": conns.state[skey],
        "intercepted": False,
        "is_replay": None,
        "marked": "",
        "metadata": {},
        "comment": "",
        "timestamp_created": created,
        "backup": None,
        "request": dict(zip(REQUEST_FIELDS, req, strict=True)),
        "response": dict(zip(RESPONSE_FIELDS, resp, strict=True)),
        "websocket": None,
    }


@dataclass
class Record:
    start: int
    end: int
    kind: int
    payload: bytes


def read_records(
    fd: int,
    offset: int,
    size: int,
    *,
    chunk: int = 4 << 20,
    path: Path | str = JOURNAL,
    kinds: frozenset[int] | None = None,
) -> Iterator[Record]:
    """Complete records between `offset` and `size` (a record cut short at the end is left for
    later). With `kinds`, other records are skipped without reading their payload."""
    buf = b""
    buf_at = offset
    pos = offset
    while pos + HEADER.size <= size:
        if pos + HEADER.size > buf_at + len(buf):
            buf = os.pread(fd, min(chunk, size - pos), pos)
            buf_at = pos
            if len(buf) < HEADER.size:
                return
        n, kind = HEADER.unpack_from(buf, pos - buf_at)
        if kind not in KINDS:
            raise JournalError(path, pos, f"unknown record kind {kind}")
        end = pos + HEADER.size + n
        if end > size:
            return
        if kinds is not None and kind not in kinds:
            pos = end
            continue
        start_in_buf = pos + HEADER.size - buf_at
        if end - buf_at <= len(buf):
            payload = buf[start_in_buf : start_in_buf + n]
        else:
            payload = os.pread(fd, n, pos + HEADER.size)
            if len(payload) != n:
                return
        yield Record(pos, end, kind, payload)
        pos = end


class Position:
    """`flows.journal.pos`: the worker's progress, under an exclusive lock while it runs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = open_fd(path, os.O_RDWR | os.O_CREAT)
        os.fchmod(self.fd, 0o600)

    def lock(self, wait_s: float = 0.0) -> bool:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.05)

    def read(self) -> tuple[int, int] | None:
        data = os.pread(self.fd, POS.size, 0)
        if len(data) != POS.size:
            return None
        return POS.unpack(data)

    def write(self, journal_offset: int, flows_size: int) -> None:
        if os.pwrite(self.fd, POS.pack(journal_offset, flows_size), 0) != POS.size:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # releases the lock
            self.fd = -1


def _loads(payload: bytes, trusted: bool) -> Any:
    """`marshal.loads`; for a journal this process's proxy did not write (`trusted=False`: a
    session folder from elsewhere), only after `marshal_check` accepted the bytes."""
    if not trusted:
        marshal_check.check(payload)
    return marshal.loads(payload)


def known_connections(fd: int, upto: int, path: Path | str = JOURNAL, *, trusted: bool = True) -> Connections:
    """Connection states journaled before `upto` (a worker that resumes needs them). Untrusted:
    a damaged record raises `JournalError`."""
    conns = Connections()
    for rec in read_records(fd, 0, upto, path=path, kinds=frozenset((KIND_CONN,))):
        if trusted:
            conns.add(*marshal.loads(rec.payload))
            continue
        try:
            key, state = _loads(rec.payload, False)
            conns.add(key, state)
        except Exception as e:  # anything hostile bytes can make unpacking or encoding raise
            raise JournalError(path, rec.start, f"connection record: {type(e).__name__}: {e}") from None
    return conns


def decode(
    rec: Record, conns: Connections, *, trusted: bool = True
) -> tuple[bytes | None, dict[str, Any] | None]:
    """The FlowWriter bytes a record saves to flows.mitm (None for records that save nothing)
    and, for an `h` record, its flow state; `c` records update `conns`."""
    if rec.kind == KIND_CONN:
        conns.add(*_loads(rec.payload, trusted))
        return None, None
    if rec.kind == KIND_HTTP:
        record = _loads(rec.payload, trusted)
        return b"".join(http_parts(record, conns)), http_state(record, conns)
    if rec.kind in (KIND_FLOW, KIND_SAVE):
        return rec.payload, None
    return None, None


def flow_bytes_of(rec: Record, conns: Connections, *, trusted: bool = True) -> bytes | None:
    """The FlowWriter bytes a record saves to flows.mitm (see `decode`). Untrusted: a record that
    does not decode raises `JournalError`."""
    if trusted:
        return decode(rec, conns)[0]
    try:
        return decode(rec, conns, trusted=False)[0]
    except Exception as e:  # anything hostile bytes can make unpacking or encoding raise
        raise JournalError(JOURNAL, rec.start, f"{type(e).__name__}: {e}") from None


class RecoveryIncomplete(OSError):
    """Recovery could not write every flow (the disk is full): the flows before are saved and
    recorded in the position file, the journal is kept for a later try."""

    def __init__(self, root: Path, saved: int, error: OSError) -> None:
        super().__init__(
            error.errno,
            f"{root / 'flows.mitm'}: saved {saved} flows from {JOURNAL}, then "
            f"{reason(error)}; the rest stays in {JOURNAL} for a later replay",
        )
        self.saved = saved

    def __str__(self) -> str:
        return str(self.strerror)


def _write_whole(fd: int, data: bytes, at: int) -> None:
    """`data` at offset `at`, all of it or an `OSError` (a short `pwrite` is not success)."""
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, at)
        if n <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[n:]
        at += n


@dataclass
class Recovered:
    flows: int
    journal_bytes: int
    torn_tail: int
    """Bytes at the end of the journal that were not a complete record (cut by a kill)."""


def recover(root: Path, *, wait_s: float = 0.0) -> Recovered | None:
    """Turn what a dead worker left in `root/flows.journal` into flows in `root/flows.mitm`, then
    remove the journal. None when there is no journal, or a live worker holds it (it will finish
    the job itself)."""
    journal = root / JOURNAL
    if not journal.exists():
        with contextlib.suppress(FileNotFoundError):
            (root / POSITION).unlink()
        return None
    pos = Position(root / POSITION)
    try:
        if not pos.lock(wait_s):
            return None
        if not journal.exists():  # the worker finished while we waited
            return None
        flows_path = root / "flows.mitm"
        done = pos.read()
        jfd = open_fd(journal, os.O_RDONLY)
        try:
            size = os.fstat(jfd).st_size
            offset, flows_size = done if done is not None else (0, None)
            if offset > size:  # not written by a worker: nothing is removed on its word
                raise JournalError(
                    root / POSITION,
                    0,
                    f"says {offset} bytes of the journal were handled, "
                    f"but it has {size}; the journal is kept",
                )
            # The journal may come with a session folder from elsewhere: decoded as untrusted.
            conns = known_connections(jfd, offset, journal, trusted=False) if offset else Connections()
            ffd = open_fd(flows_path, os.O_WRONLY | os.O_CREAT)
            try:
                os.fchmod(ffd, 0o600)
                if flows_size is not None:
                    os.ftruncate(ffd, min(flows_size, os.fstat(ffd).st_size))
                at = os.lseek(ffd, 0, os.SEEK_END)
                n = 0
                end = offset
                try:
                    for rec in read_records(jfd, offset, size, path=journal):
                        data = flow_bytes_of(rec, conns, trusted=False)
                        if data is not None:
                            _write_whole(ffd, data, at)
                            at += len(data)
                            n += 1
                        end = rec.end
                        pos.write(end, at)
                except JournalError:
                    pass  # nothing after a damaged record can be found: what was before is saved
                except OSError as e:
                    # A full disk: cut the flow that did not fit, keep the journal (a later recovery
                    # goes on from the last complete flow) and say how far it got.
                    with contextlib.suppress(OSError):
                        os.ftruncate(ffd, at)
                    with contextlib.suppress(OSError):
                        os.fsync(ffd)
                    raise RecoveryIncomplete(root, n, e) from None
                os.fsync(ffd)
            finally:
                os.close(ffd)
        finally:
            os.close(jfd)
        journal.unlink()
        with contextlib.suppress(FileNotFoundError):
            (root / POSITION).unlink()
        return Recovered(flows=n, journal_bytes=size, torn_tail=size - end)
    finally:
        pos.close()
