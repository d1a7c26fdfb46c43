"""Flow → the bytes `mitmproxy.io.FlowWriter` writes, at a fraction of the cost, on the proxy's loop.

`FlowWriter.add(flow)` is `tnetstring.dump(flow.get_state())`. For a typical HTTPS flow that costs
about 0.2 ms in the hook, two thirds of it spent turning the client and server *connections* into
state and text again and again, although with keep-alive and HTTP/2 they are the same for every
flow on that connection. `FlowBytes` produces byte-for-byte the same output:

- each connection's encoded state is cached, keyed by the connection object and a snapshot of its
  attributes (any reassignment, e.g. `timestamp_end` or TLS details, re-encodes it);
- a usual HTTP flow (no error, metadata, comment, mark, replay or interception; request and
  response of the usual shape) is encoded with three fixed byte formats - request, response, flow
  fields - with the cached connection bytes spliced in; anything else is built like
  `Flow.get_state()` / `HTTPFlow.get_state()` and encoded by a single-pass tnetstring encoder (same
  format as `mitmproxy.io.tnetstring.dumps`);
- `parts()` returns the record in pieces for one `os.writev`, so a large body is not copied into a
  joined buffer first.

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

CONN_CACHE_MAX = 4096
"""Connections whose encoded state is kept (open connections; dead ones are pruned)."""
MAX_PARTS = 512
"""Pieces of one flow at most (os.writev takes up to IOV_MAX = 1024); more are joined first."""
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


class _Chunks:
    """A complete tnetstring in pieces (a request or response whose body is not copied)."""

    __slots__ = ("n", "parts")

    def __init__(self, parts: tuple[bytes, ...], n: int) -> None:
        self.parts = parts
        self.n = n


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
        return _enc_dict(v, out)
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
    if t is _Chunks:
        out.extend(v.parts)
        return v.n
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


_INLINE_MAX = 1024
"""Strings and bytes up to this size are formatted into their key's chunk (one small copy);
larger ones (bodies) are appended as they are and copied once, by the final join."""


def _key(k: Any) -> bytes:
    kb = _KEYS.get(k) if type(k) is str else None
    if kb is None:
        kb = dumps(k)
        if type(k) is str and len(_KEYS) < _KEYS_MAX:
            _KEYS[k] = kb
    return kb


def _pairs(v: Any) -> bytes | None:
    """The tnetstring of a sequence of (bytes, bytes) pairs (headers), or None if `v` is not one."""
    parts = []
    for p in v:
        if type(p) is not tuple or len(p) != 2:
            return None
        a, b = p
        if type(a) is not bytes or type(b) is not bytes:
            return None
        inner = b"%d:%s,%d:%s," % (len(a), a, len(b), b)
        parts.append(b"%d:%s]" % (len(inner), inner))
    body = b"".join(parts)
    return b"%d:%s]" % (len(body), body)


def _enc_dict(d: dict[Any, Any], out: list[bytes]) -> int:
    """A dict, with its scalar values (and header lists) formatted inline: one chunk per item
    instead of a call and three chunks per value. Same bytes as the generic path."""
    i = len(out)
    out.append(b"")
    n = 0
    keys = _KEYS
    for k, val in reversed(d.items()):  # mitmproxy's encoder emits dict items last to first
        kb = keys.get(k) if type(k) is str else None
        if kb is None:
            kb = _key(k)
        t = type(val)
        if t is bytes and len(val) <= _INLINE_MAX:
            c = b"%s%d:%s," % (kb, len(val), val)
        elif t is str and len(val) <= _INLINE_MAX:
            e = val.encode("utf8")
            c = b"%s%d:%s;" % (kb, len(e), e)
        elif t is float:
            r = repr(val).encode()
            c = b"%s%d:%s^" % (kb, len(r), r)
        elif t is int:
            r = b"%d" % val
            c = b"%s%d:%s#" % (kb, len(r), r)
        elif val is None:
            c = kb + b"0:~"
        elif val is True:
            c = kb + b"4:true!"
        elif val is False:
            c = kb + b"5:false!"
        elif t is _Raw:
            out.append(kb)
            out.append(val.data)
            n += len(kb) + len(val.data)
            continue
        elif t is _Chunks:
            out.append(kb)
            out.extend(val.parts)
            n += len(kb) + val.n
            continue
        else:
            pairs = _pairs(val) if t is tuple or t is list else None
            if pairs is None:
                out.append(kb)
                n += len(kb) + _enc(val, out)
                continue
            c = kb + pairs
        out.append(c)
        n += len(c)
    h = b"%d:" % n
    out[i] = h
    out.append(b"}")
    return len(h) + n + 1


def dumps(value: Any) -> bytes:
    """`mitmproxy.io.tnetstring.dumps(value)`, faster; also accepts `_Raw` chunks."""
    out: list[bytes] = []
    _enc(value, out)
    return b"".join(out)


def _num(v: Any) -> bytes | None:
    """tnetstring of a timestamp (float, int or None); None for anything else."""
    t = type(v)
    if t is float:
        r = repr(v).encode()
        return b"%d:%s^" % (len(r), r)
    if t is int:
        r = b"%d" % v
        return b"%d:%s#" % (len(r), r)
    if v is None:
        return b"0:~"
    return None


def _fmt(*items: tuple[str, bytes]) -> bytes:
    """A format for dict items in output order: each key's tnetstring, then its value spec."""
    return b"".join(dumps(k) + spec for k, spec in items)


REQUEST_KEYS = (
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
RESPONSE_KEYS = (
    "http_version",
    "headers",
    "content",
    "trailers",
    "timestamp_start",
    "timestamp_end",
    "status_code",
    "reason",
)
# Items are written last to first, so a message is: the fields after `content`, content's header,
# the body itself (not copied), then `headers` and `http_version`.
_REQUEST_HEAD = _fmt(
    ("path", b"%d:%s,"),
    ("authority", b"%d:%s,"),
    ("scheme", b"%d:%s,"),
    ("method", b"%d:%s,"),
    ("port", b"%d:%s#"),
    ("host", b"%d:%s;"),
    ("timestamp_end", b"%s"),
    ("timestamp_start", b"%s"),
    ("trailers", b"0:~"),
    ("content", b"%d:"),
)
_RESPONSE_HEAD = _fmt(
    ("reason", b"%d:%s,"),
    ("status_code", b"%d:%s#"),
    ("timestamp_end", b"%s"),
    ("timestamp_start", b"%s"),
    ("trailers", b"0:~"),
    ("content", b"%d:"),
)
_MESSAGE_TAIL = b"," + _fmt(("headers", b"%s"), ("http_version", b"%d:%s,"))


def _message_end(head: bytes, content: bytes, s: dict[str, Any]) -> _Chunks | None:
    headers = _pairs(s["headers"]) if type(s["headers"]) is tuple else None
    hv = s["http_version"]
    if headers is None or type(hv) is not bytes:
        return None
    tail = _MESSAGE_TAIL % (headers, len(hv), hv)
    n = len(head) + len(content) + len(tail)
    h = b"%d:" % n
    return _Chunks((h, head, content, tail, b"}"), len(h) + n + 1)


def _request(s: dict[str, Any]) -> _Chunks | None:
    """`HTTPRequest.get_state()` as tnetstring pieces in a few formatting operations; None when the
    state is not the usual shape (the caller then uses the generic encoder)."""
    if tuple(s) != REQUEST_KEYS:
        return None
    path, authority, scheme, method = s["path"], s["authority"], s["scheme"], s["method"]
    port, host, content = s["port"], s["host"], s["content"]
    te, ts = _num(s["timestamp_end"]), _num(s["timestamp_start"])
    if not (
        type(path) is bytes
        and type(authority) is bytes
        and type(scheme) is bytes
        and type(method) is bytes
        and type(port) is int
        and type(host) is str
        and type(content) is bytes
        and s["trailers"] is None
        and te is not None
        and ts is not None
    ):
        return None
    pb, hb = b"%d" % port, host.encode("utf8")
    head = _REQUEST_HEAD % (
        len(path),
        path,
        len(authority),
        authority,
        len(scheme),
        scheme,
        len(method),
        method,
        len(pb),
        pb,
        len(hb),
        hb,
        te,
        ts,
        len(content),
    )
    return _message_end(head, content, s)


def _response(s: dict[str, Any]) -> _Chunks | None:
    """`HTTPResponse.get_state()` like `_request`."""
    if tuple(s) != RESPONSE_KEYS:
        return None
    reason, status, content = s["reason"], s["status_code"], s["content"]
    te, ts = _num(s["timestamp_end"]), _num(s["timestamp_start"])
    if not (
        type(reason) is bytes
        and type(status) is int
        and type(content) is bytes
        and s["trailers"] is None
        and te is not None
        and ts is not None
    ):
        return None
    sb = b"%d" % status
    head = _RESPONSE_HEAD % (len(reason), reason, len(sb), sb, te, ts, len(content))
    return _message_end(head, content, s)


# An HTTP flow in its usual state (no error, metadata, comment, mark, replay or interception), from
# its last item to its first; the request and response pieces go between the two parts.
_FLOW_HEAD = _fmt(("websocket", b"0:~"), ("response", b""))
_FLOW_MID = _fmt(("request", b""))
_FLOW_TAIL = _fmt(
    ("backup", b"0:~"),
    ("timestamp_created", b"%s"),
    ("comment", b"0:;"),
    ("metadata", b"0:}"),
    ("marked", b"0:;"),
    ("is_replay", b"0:~"),
    ("intercepted", b"5:false!"),
    ("server_conn", b"%s"),
    ("client_conn", b"%s"),
    ("error", b"0:~"),
    ("id", b"%d:%s;"),
    ("type", b"4:http;"),
    ("version", b"%d:%s#"),
)
FLOW_KEYS = (
    "version",
    "type",
    "id",
    "error",
    "client_conn",
    "server_conn",
    "intercepted",
    "is_replay",
    "marked",
    "metadata",
    "comment",
    "timestamp_created",
    "backup",
    "request",
    "response",
    "websocket",
)


def is_usual(f: http.HTTPFlow) -> bool:
    """True for an HTTP flow whose flow-level fields are the defaults (no error, metadata, comment,
    mark, replay, interception, WebSocket or backup): its state is its messages, its connections,
    its id and its creation time."""
    return (
        type(f) is http.HTTPFlow
        and f.error is None
        and not f.metadata
        and not f.comment
        and not f.marked
        and f.is_replay is None
        and f.intercepted is False
        and f.websocket is None
        and f._backup is None
    )


def usual_http_parts(
    fid: str, created: Any, client: _Raw, server: _Raw, req: dict[str, Any], resp: dict[str, Any]
) -> list[bytes]:
    """FlowWriter bytes (in pieces) of a usual HTTP flow (`is_usual`) with a response, from its
    fields: one format for the flow-level fields, the messages' pieces in between."""
    rq, rs, created_b = _request(req), _response(resp), _num(created)
    fid_b = fid.encode("utf8")
    ver = b"%d" % version.FLOW_FORMAT_VERSION
    if rq is not None and rs is not None and created_b is not None:
        tail = _FLOW_TAIL % (created_b, server.data, client.data, len(fid_b), fid_b, len(ver), ver)
        n = len(_FLOW_HEAD) + rs.n + len(_FLOW_MID) + rq.n + len(tail)
        return [b"%d:" % n, _FLOW_HEAD, *rs.parts, _FLOW_MID, *rq.parts, tail, b"}"]
    state: dict[str, Any] = {
        "version": version.FLOW_FORMAT_VERSION,
        "type": "http",
        "id": fid,
        "error": None,
        "client_conn": client,
        "server_conn": server,
        "intercepted": False,
        "is_replay": None,
        "marked": "",
        "metadata": {},
        "comment": "",
        "timestamp_created": created,
        "backup": None,
        "request": rq or req,
        "response": rs or resp,
        "websocket": None,
    }
    out: list[bytes] = []
    _enc(state, out)
    return out if len(out) <= MAX_PARTS else [b"".join(out)]


def _snapshot(conn: Any) -> dict[str, Any]:
    """The connection's attributes (a copy of the dict: any reassignment shows; mitmproxy
    reassigns, it does not mutate the lists it keeps there)."""
    return dict(vars(conn))


class FlowBytes:
    """Callable: flow → FlowWriter bytes (see the module docstring)."""

    def __init__(self, *, verify_every: int = 500, verify_first: int = 20) -> None:
        self.verify_every = verify_every
        self.verify_first = verify_first
        self.fast = version.FLOW_FORMAT_VERSION == SUPPORTED_FORMAT
        self.count = 0
        self.conn_hits = 0
        self.conn_misses = 0
        self._conns: dict[int, tuple[weakref.ref[Any], dict[str, Any], _Raw]] = {}
        """id(connection) → (weak reference to it, attribute snapshot, encoded state). A plain dict
        by id is several times cheaper per lookup than a WeakKeyDictionary; the weak reference tells
        a reused id apart, and dead entries are pruned when the dict is full."""

    def _conn(self, conn: Any) -> _Raw:
        snap = _snapshot(conn)
        cached = self._conns.get(id(conn))
        if cached is not None and cached[0]() is conn and cached[1] == snap:
            self.conn_hits += 1
            return cached[2]
        self.conn_misses += 1
        raw = _Raw(dumps(conn.get_state()))
        if len(self._conns) >= CONN_CACHE_MAX:
            self._conns = {k: v for k, v in self._conns.items() if v[0]() is not None}
            if len(self._conns) >= CONN_CACHE_MAX:
                self._conns.clear()
        self._conns[id(conn)] = (weakref.ref(conn), snap, raw)
        return raw

    def _fast(self, f: http.HTTPFlow) -> list[bytes]:
        req = f.request.get_state()
        resp = f.response.get_state() if f.response else None
        client, server = self._conn(f.client_conn), self._conn(f.server_conn)
        if resp is not None and is_usual(f):
            return usual_http_parts(f.id, f.timestamp_created, client, server, req, resp)
        state: dict[str, Any] = {
            "version": version.FLOW_FORMAT_VERSION,
            "type": f.type,
            "id": f.id,
            "error": f.error.get_state() if f.error else None,
            "client_conn": client,
            "server_conn": server,
            "intercepted": f.intercepted,
            "is_replay": f.is_replay,
            "marked": f.marked,
            "metadata": copy.deepcopy(f.metadata) if f.metadata else {},
            "comment": f.comment,
            "timestamp_created": f.timestamp_created,
            "backup": None,
            "request": _request(req) or req,
            "response": (_response(resp) or resp) if resp is not None else None,
            "websocket": f.websocket.get_state() if f.websocket else None,
        }
        out: list[bytes] = []
        _enc(state, out)
        return out if len(out) <= MAX_PARTS else [b"".join(out)]

    def __call__(self, f: mflow.Flow) -> bytes:
        return b"".join(self.parts(f))

    def parts(self, f: mflow.Flow) -> list[bytes]:
        """The same bytes in pieces (at most `MAX_PARTS`, for one `os.writev`): bodies are not
        copied into a joined buffer first."""
        if not (self.fast and type(f) is http.HTTPFlow and f._backup is None):
            return [plain_bytes(f)]
        self.count += 1
        parts = self._fast(f)
        if self.count <= self.verify_first or self.count % self.verify_every == 0:
            expected = plain_bytes(f)
            if b"".join(parts) != expected:
                self.fast = False
                log.warning(
                    "phonehome: fast flow serialisation differs from mitmproxy's FlowWriter for flow %s; "
                    "using FlowWriter from now on",
                    f.id,
                )
                return [expected]
        return parts
