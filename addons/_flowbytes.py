"""Flow → the bytes `mitmproxy.io.FlowWriter` writes, at a fraction of the cost, on the proxy's loop.

`FlowWriter.add(flow)` is `tnetstring.dump(flow.get_state())`. For a typical HTTPS flow that costs
about 0.2 ms in the hook, two thirds of it spent turning the client and server *connections* into
state and text again and again, although with keep-alive and HTTP/2 they are the same for every
flow on that connection. `FlowBytes` produces byte-for-byte the same output:

- each connection's encoded state is cached, keyed by the connection object and a snapshot of its
  attributes (any reassignment, e.g. `timestamp_end` or TLS details, re-encodes it);
- the flow-level state is built like `Flow.get_state()` / `HTTPFlow.get_state()` with those cached
  bytes spliced in, and encoded by a single-pass tnetstring encoder (same format as
  `mitmproxy.io.tnetstring.dumps`).

Anything unusual (a flow with a backup, a non-HTTP flow) takes the plain `FlowWriter` path, and
`verify_every` flows are re-encoded the plain way and compared: on any difference the fast path is
switched off for good with a warning, so a future mitmproxy cannot make the saved flows wrong.
"""

from __future__ import annotations

import copy
import io
import logging
import weakref
from typing import Any

from mitmproxy import flow as mflow
from mitmproxy import http, version
from mitmproxy import io as mitm_io

log = logging.getLogger("phonehome.live")

SUPPORTED_FORMAT = 21
"""`mitmproxy.version.FLOW_FORMAT_VERSION` the fast path was written for (mitmproxy 12)."""


def plain_bytes(f: mflow.Flow) -> bytes:
    """What `mitmproxy.io.FlowWriter` writes for `f`."""
    buf = io.BytesIO()
    mitm_io.FlowWriter(buf).add(f)
    return buf.getvalue()


class _Raw:
    """Bytes that are already a complete tnetstring (a cached connection)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data


_KEYS: dict[str, bytes] = {}
"""Encoded dict keys (field names: a small fixed set)."""
_KEYS_MAX = 4096


def _enc(v: Any, out: list[bytes]) -> int:
    """Append the tnetstring of `v` to `out`; return its length. Same output as mitmproxy's
    `tnetstring.dumps` (including its type order: bool before int, tuples as lists)."""
    t = type(v)
    if t is bytes:
        h = b"%d:" % len(v)
        out.append(h)
        out.append(v)
        out.append(b",")
        return len(h) + len(v) + 1
    if t is str:
        data = v.encode("utf8")
        h = b"%d:" % len(data)
        out.append(h)
        out.append(data)
        out.append(b";")
        return len(h) + len(data) + 1
    if t is float:
        data = repr(v).encode()
        h = b"%d:" % len(data)
        out.append(h + data + b"^")
        return len(h) + len(data) + 1
    if t is int:
        data = b"%d" % v
        h = b"%d:" % len(data)
        out.append(h + data + b"#")
        return len(h) + len(data) + 1
    if v is None:
        out.append(b"0:~")
        return 3
    if v is True:
        out.append(b"4:true!")
        return 7
    if v is False:
        out.append(b"5:false!")
        return 8
    if t is dict:
        i = len(out)
        out.append(b"")
        n = 0
        keys = _KEYS
        for k, val in reversed(v.items()):  # mitmproxy's encoder emits dict items last to first
            kb = keys.get(k) if type(k) is str else None
            if kb is None:
                kb = dumps(k)
                if type(k) is str and len(keys) < _KEYS_MAX:
                    keys[k] = kb
            out.append(kb)
            n += len(kb)
            n += _enc(val, out)
        h = b"%d:" % n
        out[i] = h
        out.append(b"}")
        return len(h) + n + 1
    if t is list or t is tuple:
        i = len(out)
        out.append(b"")
        n = 0
        for item in v:
            if type(item) is bytes:  # header names and values
                h = b"%d:" % len(item)
                out.append(h)
                out.append(item)
                out.append(b",")
                n += len(h) + len(item) + 1
            else:
                n += _enc(item, out)
        h = b"%d:" % n
        out[i] = h
        out.append(b"]")
        return len(h) + n + 1
    if t is _Raw:
        out.append(v.data)
        return len(v.data)
    # The rarer types, in mitmproxy's order (subclasses included).
    if isinstance(v, int):
        data = str(v).encode()
        out.append(b"%d:%s#" % (len(data), data))
        return len(out[-1])
    if isinstance(v, float):
        data = repr(v).encode()
        out.append(b"%d:%s^" % (len(data), data))
        return len(out[-1])
    if isinstance(v, bytes):
        return _enc(bytes(v), out)
    if isinstance(v, str):
        return _enc(str(v), out)
    if isinstance(v, (list, tuple)):
        return _enc(list(v), out)
    if isinstance(v, dict):
        return _enc(dict(v), out)
    raise ValueError(f"unserializable object: {v} ({type(v)})")


def dumps(value: Any) -> bytes:
    """`mitmproxy.io.tnetstring.dumps(value)`, faster; also accepts `_Raw` chunks."""
    out: list[bytes] = []
    _enc(value, out)
    return b"".join(out)


def _snapshot(conn: Any) -> tuple[Any, ...]:
    return tuple(tuple(v) if type(v) is list else v for v in vars(conn).values())


class FlowBytes:
    """Callable: flow → FlowWriter bytes (see the module docstring)."""

    def __init__(self, *, verify_every: int = 500, verify_first: int = 20) -> None:
        self.verify_every = verify_every
        self.verify_first = verify_first
        self.fast = version.FLOW_FORMAT_VERSION == SUPPORTED_FORMAT
        self.count = 0
        self.conn_hits = 0
        self.conn_misses = 0
        self._conns: weakref.WeakKeyDictionary[Any, tuple[tuple[Any, ...], _Raw]] = weakref.WeakKeyDictionary()

    def _conn(self, conn: Any) -> _Raw:
        snap = _snapshot(conn)
        cached = self._conns.get(conn)
        if cached is not None and cached[0] == snap:
            self.conn_hits += 1
            return cached[1]
        self.conn_misses += 1
        raw = _Raw(dumps(conn.get_state()))
        self._conns[conn] = (snap, raw)
        return raw

    def _fast(self, f: http.HTTPFlow) -> bytes:
        state: dict[str, Any] = {
            "version": version.FLOW_FORMAT_VERSION,
            "type": f.type,
            "id": f.id,
            "error": f.error.get_state() if f.error else None,
            "client_conn": self._conn(f.client_conn),
            "server_conn": self._conn(f.server_conn),
            "intercepted": f.intercepted,
            "is_replay": f.is_replay,
            "marked": f.marked,
            "metadata": copy.deepcopy(f.metadata) if f.metadata else {},
            "comment": f.comment,
            "timestamp_created": f.timestamp_created,
            "backup": None,
            "request": f.request.get_state(),
            "response": f.response.get_state() if f.response else None,
            "websocket": f.websocket.get_state() if f.websocket else None,
        }
        return dumps(state)

    def __call__(self, f: mflow.Flow) -> bytes:
        if not (self.fast and type(f) is http.HTTPFlow and f._backup is None):
            return plain_bytes(f)
        self.count += 1
        data = self._fast(f)
        if self.count <= self.verify_first or self.count % self.verify_every == 0:
            expected = plain_bytes(f)
            if data != expected:
                self.fast = False
                log.warning("phonehome: fast flow serialisation differs from mitmproxy's FlowWriter for flow %s; "
                            "using FlowWriter from now on", f.id)
                return expected
        return data
