"""TLS plaintext byte streams (from the Frida `tls` agent) → `Record`s for the pipeline.

The agent reports what the app wrote into (and read out of) each TLS connection, in order, as
`hook:tls-plaintext` events `{conn, direction: write|read, host, port, data}`. `PlaintextAssembler`
keeps one buffer per connection and direction and turns complete requests into
`Record(source="tls-hook")`:

- HTTP/1.1: request line + headers, then a body by `Content-Length` or chunked transfer coding;
  pipelined and keep-alive requests; a request without a body length has none. A request still
  incomplete when the connection is closed (`close()`) is emitted with what arrived and a note.
- HTTP/2 (client preface `PRI * HTTP/2.0`): the write stream is fed to an `h2` connection in
  server mode (HPACK state follows the stream), one record per request stream at END_STREAM.
- An HTTP/1.1 `Upgrade` (WebSocket) stops parsing that connection (noted once).

`Content-Encoding` gzip/deflate/br/zstd is undone; bodies are capped at `body_cap` bytes
(`body_size` keeps the full size). Hostile input (garbage, huge headers, broken frames) never
raises: the connection is marked unparseable and a note says why.
"""

from __future__ import annotations

import ipaddress
import logging
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import brotli
import h2.config
import h2.connection
import h2.events
import h2.exceptions
import zstandard

from .model import Record

log = logging.getLogger(__name__)

H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
MAX_HEADER_BYTES = 64 * 1024
DEFAULT_BODY_CAP = 1024 * 1024
MAX_BUFFER = 16 * 1024 * 1024
METHODS = (b"GET", b"POST", b"PUT", b"PATCH", b"DELETE", b"HEAD", b"OPTIONS", b"CONNECT", b"TRACE")


def decode_content(body: bytes, encoding: str) -> tuple[bytes, str]:
    """Undo Content-Encoding; returns (body, encoding left undone or "")."""
    enc = encoding.strip().lower()
    if not enc or enc == "identity":
        return body, ""
    try:
        if enc in ("gzip", "x-gzip"):
            return zlib.decompress(body, 16 + zlib.MAX_WBITS), ""
        if enc == "deflate":
            try:
                return zlib.decompress(body), ""
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS), ""
        if enc == "br":
            return brotli.decompress(body), ""
        if enc == "zstd":
            return zstandard.ZstdDecompressor().decompressobj().decompress(body), ""
    except Exception:  # noqa: BLE001 - a broken body stays as sent
        return body, enc
    return body, enc


@dataclass
class _Conn:
    conn: str
    host: str | None = None
    port: int | None = None
    buf: bytearray = field(default_factory=bytearray)
    ts: float | None = None
    """Time the first byte of the request being assembled arrived."""
    mode: str = "unknown"
    """unknown | http1 | h2 | opaque (upgraded, or not HTTP) | broken"""
    count: int = 0
    h2: Any = None
    h2_streams: dict[int, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class PlaintextAssembler:
    """Feeds `hook:tls-plaintext` events in, gets `Record`s out."""

    def __init__(self, *, app: str | None = None, body_cap: int = DEFAULT_BODY_CAP) -> None:
        self.app = app
        self.body_cap = body_cap
        self._conns: dict[str, _Conn] = {}

    def feed(self, event: dict[str, Any], data: bytes) -> list[Record]:
        """One plaintext chunk. Only the app's writes (`direction == "write"`) are assembled."""
        if event.get("direction") != "write" or not data:
            return []
        key = str(event.get("conn") or f"{event.get('pid')}:{event.get('host')}:{event.get('port')}")
        c = self._conns.get(key)
        if c is None:
            c = self._conns[key] = _Conn(key)
        host = event.get("host")
        if host and not c.host:
            c.host = str(host)
        port = event.get("port")
        if isinstance(port, int) and port > 0 and not c.port:
            c.port = port
        ts = float(event.get("ts") or 0.0)
        if c.mode in ("opaque", "broken"):
            return []
        if c.ts is None:
            c.ts = ts
        if c.mode == "h2":
            return self._feed_h2(c, data, ts)
        c.buf += data
        if c.mode == "unknown":
            if len(c.buf) < len(H2_PREFACE) and H2_PREFACE.startswith(bytes(c.buf)):
                return []
            if c.buf.startswith(H2_PREFACE):
                c.mode = "h2"
                pending = bytes(c.buf)
                c.buf.clear()
                return self._feed_h2(c, pending, ts)
            if not any(c.buf.startswith(m) for m in METHODS) and not any(
                m.startswith(bytes(c.buf[:8])) for m in METHODS
            ):
                c.mode = "opaque"
                c.notes.append("not HTTP/1.1 or HTTP/2")
                c.buf.clear()
                return []
            c.mode = "http1"
        if len(c.buf) > MAX_BUFFER:
            c.mode = "broken"
            c.notes.append(f"request larger than {MAX_BUFFER} bytes")
            c.buf.clear()
            return []
        return self._parse_http1(c, ts, final=False)

    def close(self, conn: str | None = None, *, prefix: str | None = None) -> list[Record]:
        """End of one connection, of those whose id starts with `prefix` (one process: the
        agent's ids start with `PID:`), or of all: a half-received request is emitted with a note."""
        if conn is not None:
            keys = [conn]
        else:
            keys = [k for k in self._conns if prefix is None or k.startswith(prefix)]
        out: list[Record] = []
        for key in keys:
            c = self._conns.pop(key, None)
            if c is None:
                continue
            if c.mode == "http1" and c.buf:
                out.extend(self._parse_http1(c, c.ts or 0.0, final=True))
            if c.mode == "h2":
                for sid, st in list(c.h2_streams.items()):
                    out.append(
                        self._h2_record(c, sid, st, note="stream not ended when the connection closed")
                    )
        return out

    def feed_all(self, items: Iterable[tuple[dict[str, Any], bytes]]) -> list[Record]:
        out: list[Record] = []
        for event, data in items:
            out.extend(self.feed(event, data))
        return out + self.close()

    # HTTP/1.1 ------------------------------------------------------------------------------

    def _parse_http1(self, c: _Conn, ts: float, *, final: bool) -> list[Record]:
        out: list[Record] = []
        while c.buf and c.mode == "http1":
            end = c.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(c.buf) > MAX_HEADER_BYTES:
                    c.mode = "broken"
                    c.notes.append(f"request head larger than {MAX_HEADER_BYTES} bytes")
                    c.buf.clear()
                break
            head = bytes(c.buf[:end]).decode("latin-1")
            lines = head.split("\r\n")
            parts = lines[0].split(" ")
            if len(parts) != 3 or not parts[2].startswith("HTTP/") or parts[0].encode() not in METHODS:
                c.mode = "broken"
                c.notes.append(f"unparseable request line {lines[0][:80]!r}")
                c.buf.clear()
                break
            method, target, version = parts
            headers: list[tuple[str, str]] = []
            for line in lines[1:]:
                name, sep, value = line.partition(":")
                if sep:
                    headers.append((name.strip(), value.strip()))
            hmap = {k.lower(): v for k, v in headers}
            notes: list[str] = []
            pos = end + 4
            body = b""
            complete = True
            te = hmap.get("transfer-encoding", "").lower()
            if "chunked" in te:
                body_chunks, used, complete, bad = _dechunk(c.buf, pos)
                if bad:
                    notes.append("broken chunked body")
                body = body_chunks
                consumed = used
            else:
                try:
                    length = int(hmap.get("content-length", "0") or "0")
                except ValueError:
                    length = 0
                    notes.append("bad Content-Length")
                length = max(length, 0)
                if len(c.buf) - pos < length:
                    complete = False
                    body = bytes(c.buf[pos:])
                    consumed = len(c.buf)
                else:
                    body = bytes(c.buf[pos : pos + length])
                    consumed = pos + length
            if not complete and not final:
                break
            if not complete:
                notes.append("request body incomplete when the connection closed")
            del c.buf[:consumed]
            out.append(self._record(c, ts, method, target, version, headers, body, notes))
            if hmap.get("upgrade") or method == "CONNECT":
                c.mode = "opaque"
                c.notes.append("connection upgraded; later bytes not parsed")
                c.buf.clear()
            c.ts = None if not c.buf else ts
        return out

    def _record(
        self,
        c: _Conn,
        ts: float,
        method: str,
        target: str,
        version: str,
        headers: list[tuple[str, str]],
        body: bytes,
        notes: list[str],
    ) -> Record:
        c.count += 1
        hmap = {k.lower(): v for k, v in headers}
        body_size = len(body)
        body, undone = decode_content(body, hmap.get("content-encoding", ""))
        if undone:
            notes.append(f"Content-Encoding {undone} not undone")
        if len(body) > self.body_cap:
            notes.append(f"body capped at {self.body_cap} of {len(body)} bytes")
            body_size = len(body)
            body = body[: self.body_cap]
        else:
            body_size = len(body)
        host, port = _host_port(hmap.get("host") or hmap.get(":authority"), c)
        path = target
        if target.startswith(("http://", "https://")):
            u = urlsplit(target)
            path = (u.path or "/") + (f"?{u.query}" if u.query else "")
        return Record(
            flow_id=f"tls:{c.conn}:{c.count}",
            ts=c.ts if c.ts is not None else ts,
            kind="http",
            direction="request",
            method=method,
            scheme="https",
            host=host,
            port=port,
            path=path,
            http_version=version,
            request_headers=tuple((k, v) for k, v in headers if not k.startswith(":")),
            body=body,
            body_size=body_size,
            app=self.app,
            source="tls-hook",
            content_encoding=undone,
            notes=tuple(notes + c.notes),
        )

    # HTTP/2 --------------------------------------------------------------------------------

    def _feed_h2(self, c: _Conn, data: bytes, ts: float) -> list[Record]:
        if c.h2 is None:
            conn = h2.connection.H2Connection(
                h2.config.H2Configuration(
                    client_side=False, header_encoding="utf-8", validate_inbound_headers=False
                )
            )
            conn.initiate_connection()
            c.h2 = conn
        out: list[Record] = []
        try:
            events = c.h2.receive_data(data)
        except (h2.exceptions.ProtocolError, Exception) as e:  # noqa: BLE001 - hostile input
            c.mode = "broken"
            c.notes.append(f"HTTP/2 stream unparseable: {type(e).__name__}")
            return out
        c.h2.data_to_send()
        for ev in events:
            if isinstance(ev, h2.events.RequestReceived):
                c.h2_streams[ev.stream_id] = {
                    "headers": list(ev.headers or []),
                    "body": bytearray(),
                    "ts": ts,
                    "size": 0,
                }
            elif isinstance(ev, h2.events.DataReceived):
                st = c.h2_streams.get(ev.stream_id)
                if st is not None:
                    st["size"] += len(ev.data)
                    if len(st["body"]) < MAX_BUFFER:
                        st["body"] += ev.data
                try:
                    c.h2.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
                except Exception:  # noqa: BLE001
                    pass
            elif isinstance(ev, h2.events.StreamEnded):
                st = c.h2_streams.pop(ev.stream_id, None)
                if st is not None:
                    out.append(self._h2_record(c, ev.stream_id, st))
            elif isinstance(ev, h2.events.StreamReset):
                c.h2_streams.pop(ev.stream_id, None)
        c.h2.data_to_send()
        return out

    def _h2_record(self, c: _Conn, stream_id: int, st: dict[str, Any], note: str | None = None) -> Record:
        headers = [(_s(k), _s(v)) for k, v in st["headers"]]
        pseudo = {k: v for k, v in headers if k.startswith(":")}
        regular = [(k, v) for k, v in headers if not k.startswith(":")]
        if pseudo.get(":authority") and not any(k.lower() == "host" for k, _ in regular):
            regular.insert(0, ("host", pseudo[":authority"]))
        notes = [note] if note else []
        c.ts = st["ts"]
        return self._record(
            c,
            st["ts"],
            pseudo.get(":method", "GET"),
            pseudo.get(":path", "/"),
            "HTTP/2",
            regular,
            bytes(st["body"]),
            notes,
        )


def _s(v: Any) -> str:
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)


def _host_port(authority: str | None, c: _Conn) -> tuple[str, int]:
    port = c.port or 443
    host = c.host
    if authority:
        # The Host header names the port the client asked for (443 when absent): the socket's
        # peer port may be a proxy's, as when the app tunnels through mitmproxy.
        port = 443
        a = authority.strip()
        if a.startswith("["):
            h, _, rest = a[1:].partition("]")
            name = h
            if rest.startswith(":") and rest[1:].isdigit():
                port = int(rest[1:])
        elif a.count(":") == 1:
            name, _, p = a.partition(":")
            if p.isdigit():
                port = int(p)
        else:
            name = a
        # The Host header names the site; an IP from the socket does not.
        if name and (host is None or _is_ip(host) or host == name):
            host = name
    return host or "unknown", port


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _dechunk(buf: bytearray, pos: int) -> tuple[bytes, int, bool, bool]:
    """(body, bytes consumed from buf start, complete, broken)."""
    out = bytearray()
    i = pos
    while True:
        nl = buf.find(b"\r\n", i)
        if nl < 0:
            return bytes(out), len(buf), False, False
        size_text = bytes(buf[i:nl]).split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return bytes(out), len(buf), True, True
        if size == 0:
            # trailers end with an empty line
            end = buf.find(b"\r\n\r\n", nl)
            if end < 0:
                return bytes(out), len(buf), False, False
            return bytes(out), end + 4, True, False
        start = nl + 2
        if len(buf) < start + size + 2:
            out += buf[start : len(buf)]
            return bytes(out), len(buf), False, False
        out += buf[start : start + size]
        i = start + size + 2
