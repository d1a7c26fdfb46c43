"""Packet captures (pcap, pcapng) → `Record`s, through Wireshark's dissectors in `tshark`.

tshark does TCP reassembly, TLS 1.2/1.3 and QUIC decryption (keys from `--keylog`, a
`<capture>.keylog` beside the file, or a Decryption Secrets Block inside a pcapng), HTTP/1.1,
HTTP/2 and WebSocket. It runs as a child process whose newline-delimited JSON (`-T ek`) is read
one packet at a time; `-x` makes it add the raw bytes of every layer, so bodies are taken
byte-exact from the decrypted, reassembled HTTP message, HTTP/2 frame or HTTP/3 stream data
(tshark's own text fields replace non-ASCII bytes; HPACK and QPACK are decoded here). The records
are the same as the flow readers': method, URL, headers, body as sent (Content-Encoding undone
later, by the bounded decoder), WebSocket messages, timestamps, and the client/server addresses.

What cannot be read is still reported, through `on_event`: a connection whose content stayed
encrypted (no key, QUIC without keys, certificate pinning that kept a decrypting proxy out)
becomes a `capture:unreadable` event with its server name (TLS or QUIC SNI, a CONNECT target, or
the name an earlier DNS answer gave its address), bytes each way and the app, as soon as the
connection has ended; every plain DNS lookup is a `capture:dns` event. PCAPdroid's app tags (the
pcap trailer; the pcapng UID-map blocks and packet comments) tag connections with their app, and
`app` keeps only that app's connections when the capture has them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import hpack
import pylsqpack

from . import _capture_parse as cp
from .model import Record

TSHARK_ENV = "PHONEHOME_TSHARK"
INSTALL_HINT = "install it: sudo apt-get install tshark (Debian/Ubuntu), sudo dnf install wireshark-cli (Fedora), brew install wireshark (macOS)"
WS_MESSAGE_CAP = 16 << 20
"""Bytes of one WebSocket message assembled from its frames (a bigger one is capped, with a note)."""

Event = dict[str, Any]
_UDP_SERVICE_PORTS = frozenset((53, 80, 123, 443, 853, 5353))
DNS_PENDING_MAX = 10_000
SWEEP_EVERY = 5000
"""Packets between two sweeps of ended connections."""
CLOSED_GRACE_S = 30.0
IDLE_RETIRE_S = 3600.0
"""Capture seconds after which a closed / an idle connection is reported and forgotten."""


class CaptureError(Exception):
    """The capture cannot be read at all (no tshark, not a capture tshark reads)."""


class CaptureDamage(Exception):
    """The capture ends in damage; everything before it has been yielded."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


def tshark_path() -> str | None:
    configured = os.environ.get(TSHARK_ENV)
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("tshark")


def tshark_argv(tshark: str, path: Path, keylog: Path | None) -> list[str]:
    argv = [
        tshark,
        "-r",
        str(path),
        "-n",
        "-T",
        "ek",
        "-x",
        # Only WebSocket's and QUIC's fields are printed: a WebSocket frame's payload is not inside
        # its layer's raw bytes, and a QUIC Initial's server name is only in the decrypted CRYPTO
        # frames. Every other layer comes as its raw bytes alone, which keeps the output small.
        "-J",
        "websocket quic",
        "-o",
        "tcp.desegment_tcp_streams:TRUE",
        "-o",
        "tls.desegment_ssl_records:TRUE",
        "-o",
        "tls.desegment_ssl_application_data:TRUE",
        "-o",
        "http.desegment_headers:TRUE",
        "-o",
        "http.desegment_body:TRUE",
        "-o",
        "http.dechunk_body:FALSE",
        "-o",
        "http.decompress_body:FALSE",
    ]
    if keylog is not None:
        argv += ["-o", f"tls.keylog_file:{keylog}"]
    return argv


# --- per-connection state --------------------------------------------------------------------


@dataclass
class _H2Stream:
    ts: float
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytearray = field(default_factory=bytearray)
    body_size: int = 0
    request: bool = False
    done: bool = False


@dataclass
class _H3Stream:
    ts: float
    buffer: bytearray = field(default_factory=bytearray)
    headers: list[tuple[str, str]] | None = None
    block: bytes | None = None
    """A header block waiting for QPACK encoder instructions not seen yet."""
    body: bytearray = field(default_factory=bytearray)
    body_size: int = 0
    fin: bool = False


@dataclass
class _H3:
    """One QUIC connection's HTTP/3 state: the client's request streams, the server's QPACK
    settings, the decoder fed by the client's encoder stream."""

    streams: dict[int, _H3Stream] = field(default_factory=dict)
    uni: dict[int, int | None] = field(default_factory=dict)
    """Unidirectional stream id → its type (None until its first byte)."""
    uni_buffers: dict[int, bytearray] = field(default_factory=dict)
    settings: dict[int, int] = field(default_factory=dict)
    decoder: Any = None
    encoder_backlog: bytearray = field(default_factory=bytearray)


@dataclass
class _Conn:
    index: int
    proto: str
    client: tuple[str, int]
    server: tuple[str, int]
    first_ts: float
    up: int = 0
    down: int = 0
    tls: bool = False
    quic: bool = False
    http3: bool = False
    h3: _H3 | None = None
    last_ts: float = 0.0
    fins: int = 0
    """FIN from the client (1), from the server (2), a RST (4)."""
    sni: str | None = None
    connect_target: str | None = None
    records: int = 0
    closed: bool = False
    trailer: cp.PcapdroidTrailer | None = None
    requests: int = 0
    h2_decoders: dict[bool, hpack.Decoder] = field(default_factory=dict)
    h2_streams: dict[int, _H2Stream] = field(default_factory=dict)
    h2_pending: dict[bool, bytearray] = field(default_factory=dict)
    ws_base: dict[str, Any] | None = None
    ws_index: int = 0
    ws_parts: dict[bool, tuple[int, bytearray, float, bool]] = field(default_factory=dict)
    ws_deflate: bool = False
    ws_inflaters: dict[bool, cp.Inflater] = field(default_factory=dict)
    broken: str | None = None
    """Why this connection's HTTP/2 could not be followed (a gap in the capture)."""

    file_tag: str = ""
    """Short hash of the capture's path: flow ids stay unique across several captures."""

    @property
    def flow_prefix(self) -> str:
        return f"pcap-{self.file_tag}-{self.proto}{self.index}"


def _hex(value: Any) -> bytes | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str):
        return None
    try:
        return bytes.fromhex(value)
    except ValueError:
        return None


def _address(end: tuple[str, int]) -> str:
    return f"[{end[0]}]:{end[1]}" if ":" in end[0] else f"{end[0]}:{end[1]}"


def _frame_tail(value: Any) -> bytes:
    """The last bytes of a frame, enough for a PCAPdroid trailer (a whole frame's hex is not
    decoded for every packet)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str) or len(value) < 2 * (14 + cp.PCAPDROID_TRAILER_SIZE):
        return b""
    try:
        return bytes(14) + bytes.fromhex(value[-2 * cp.PCAPDROID_TRAILER_SIZE :])
    except ValueError:
        return b""


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _hex_all(value: Any) -> list[bytes]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, str):
            try:
                out.append(bytes.fromhex(item))
            except ValueError:
                continue
    return out


_FRAMING_LAYERS = frozenset(
    (
        "frame",
        "eth",
        "sll",
        "ip",
        "ipv6",
        "tcp",
        "udp",
        "tls",
        "http",
        "http2",
        "http3",
        "quic",
        "websocket",
        "tcp_tcp_segments",
        "tls_tls_segments",
    )
)


def _body_from_later_layer(request: cp.Http1Request, layers: dict[str, Any]) -> cp.Http1Request:
    """The body of a request whose http item's raw bytes end with the headers: a body dissector
    (json, urlencoded-form, media, data, ...) then holds it as its own layer after http."""
    headers = {k.lower(): v for k, v in request.headers}
    expected = headers.get("content-length", "").strip()
    chunked = "chunked" in headers.get("transfer-encoding", "").lower()
    after_http = False
    for key, value in layers.items():
        if key == "http_raw":
            after_http = True
            continue
        if not after_http or not key.endswith("_raw") or key[:-4] in _FRAMING_LAYERS:
            continue
        for raw in _hex_all(value):
            if expected.isdigit() and len(raw) == int(expected):
                return replace(request, body=raw, complete=True)
            if chunked:  # tshark hands body dissectors the de-chunked body
                body, complete = cp.dechunk(raw)
                return replace(request, body=body if complete else raw, complete=True)
    return request


def _find_value(tree: Any, key: str, depth: int = 0) -> str | None:
    """The first string under `key` anywhere in an ek layer tree (bounded depth)."""
    if depth > 12:
        return None
    children: Iterable[Any]
    if isinstance(tree, dict):
        value = tree.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str) and value:
            return value.lower()
        children = tree.values()
    elif isinstance(tree, list):
        children = tree
    else:
        return None
    for child in children:
        found = _find_value(child, key, depth + 1)
        if found:
            return found
    return None


def _authority(value: str, default_port: int) -> tuple[str, int]:
    value = value.strip()
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    else:
        host, sep, port = value.rpartition(":")
        if not sep or not port.isdigit():
            host, port = value, ""
    return host.lower(), int(port) if port.isdigit() else default_port


class CaptureReader:
    """Turns tshark's packets into records and events; one instance per capture file."""

    def __init__(
        self, path: Path, *, app: str | None, body_cap: int, on_event: Callable[[Event], None] | None
    ) -> None:
        self.app = app
        self.body_cap = body_cap
        self.on_event = on_event or (lambda event: None)
        self.conns: dict[tuple[str, tuple[str, int], tuple[str, int]], _Conn] = {}
        self.dns_names: dict[str, str] = {}
        self.dns_pending: dict[str, tuple[float, _Conn]] = {}
        self.counter = 0
        self.packets = 0
        self.uid_apps: dict[int, tuple[str, str]] = {}
        """PCAPdroid pcapng: UID → (package, app name) from its UID-map blocks."""
        self.file_tag = hashlib.sha1(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:8]

    # --- app filter ------------------------------------------------------------------------

    def _wanted(self, conn: _Conn) -> bool:
        if self.app is None or conn.trailer is None:
            return True
        wanted = self.app.strip().lower()
        name = conn.trailer.app.strip().lower()
        if wanted in (name, conn.trailer.package.lower(), str(conn.trailer.uid)):
            return True
        return len(name) >= 19 and wanted.startswith(name)

    def _app_label(self, conn: _Conn) -> str | None:
        if conn.trailer is not None and self.app is None:
            return conn.trailer.package or conn.trailer.app or f"uid {conn.trailer.uid}"
        return self.app

    # --- packets ---------------------------------------------------------------------------

    def packet(self, layers: dict[str, Any], ts: float, uid: int | None = None) -> list[Record]:
        self.packets += 1
        if self.packets % SWEEP_EVERY == 0:
            self._sweep(ts)
        ip_raw = _hex(layers.get("ip_raw")) or _hex(layers.get("ipv6_raw"))
        if ip_raw is None:
            return []
        tcp_raw, udp_raw = _hex(layers.get("tcp_raw")), _hex(layers.get("udp_raw"))
        try:
            t = cp.transport(ip_raw, tcp_raw, udp_raw)
        except ValueError:
            return []
        conn, up = self._conn(t, ts)
        conn.last_ts = ts
        trailer = cp.pcapdroid_trailer(_frame_tail(layers.get("frame_raw")))
        if uid is not None:
            package, name = self.uid_apps.get(uid, ("", ""))
            trailer = cp.PcapdroidTrailer(uid, name or package, package)
        if trailer is not None:
            conn.trailer = trailer
        if up:
            conn.up += t.payload
        else:
            conn.down += t.payload
        if t.proto == "tcp" and t.flags & 0x05:  # closed: a RST, or a FIN from both ends
            conn.fins |= 0x04 if t.flags & 0x04 else (0x01 if up else 0x02)
            conn.closed = conn.fins & 0x04 != 0 or conn.fins & 0x03 == 0x03
        if "dns_raw" in layers:
            self._dns(layers["dns_raw"], ts, conn, tcp=t.proto == "tcp")
            return []
        records: list[Record] = []
        if "quic_raw" in layers:
            conn.quic = True
            if conn.sni is None and up:
                conn.sni = _find_value(layers.get("quic"), "tls_tls_handshake_extensions_server_name")
            if "http3_raw" in layers:
                conn.http3 = True
                records += self._http3(conn, layers, ts)
        if "tls_raw" in layers:
            conn.tls = True
            if conn.sni is None and up:
                for record in _hex_all(layers["tls_raw"]):
                    conn.sni = cp.client_hello_sni(record) or conn.sni
        if "http_raw" in layers:
            records += self._http1_packet(conn, layers, ts)
        if "http2_raw" in layers and conn.broken is None:
            for raw in _hex_all(layers["http2_raw"]):
                records += self._http2(conn, raw, up, ts)
        if "websocket" in layers:
            records += self._websocket(conn, layers, up, ts)
        if not self._wanted(conn):
            return []
        conn.records += len(records)
        return records

    def _conn(self, t: cp.Transport, ts: float) -> tuple[_Conn, bool]:
        a, b = (t.src, t.sport), (t.dst, t.dport)
        key = (t.proto, min(a, b), max(a, b))
        conn = self.conns.get(key)
        syn_only = t.proto == "tcp" and t.flags & 0x12 == 0x02
        if conn is not None and syn_only and conn.closed:
            del self.conns[key]
            self._retire(conn)
            conn = None
        if conn is None:
            self.counter += 1
            if syn_only:
                client, server = a, b
            elif t.proto == "udp":  # the first datagram is the client's, unless it comes from a service port
                client, server = (
                    (b, a) if t.sport in _UDP_SERVICE_PORTS and t.dport not in _UDP_SERVICE_PORTS else (a, b)
                )
            elif t.flags & 0x12 == 0x12:
                client, server = b, a
            else:  # the capture starts mid-connection: the lower port is the server's
                client, server = (a, b) if t.sport >= t.dport else (b, a)
            conn = _Conn(self.counter, t.proto, client, server, ts, file_tag=self.file_tag)
            self.conns[key] = conn
        return conn, a == conn.client

    def _base(
        self,
        conn: _Conn,
        *,
        method: str,
        scheme: str,
        host: str,
        port: int,
        path: str,
        version: str,
        headers: tuple[tuple[str, str], ...],
        flow_id: str,
    ) -> dict[str, Any]:
        return {
            "flow_id": flow_id,
            "method": method,
            "scheme": scheme,
            "host": host,
            "port": port,
            "path": path,
            "http_version": version,
            "request_headers": headers,
            "app": self._app_label(conn),
            "source": "pcap",
            "client_address": _address(conn.client),
            "server_address": _address(conn.server),
        }

    def _body(self, data: bytes) -> tuple[bytes, tuple[str, ...]]:
        if len(data) > self.body_cap:
            return data[: self.body_cap], (
                f"body of {len(data)} bytes capped at {self.body_cap} for classification",
            )
        return data, ()

    def _fallback_host(self, conn: _Conn) -> str:
        return conn.sni or self.dns_names.get(conn.server[0]) or conn.server[0]

    # --- HTTP/1.x --------------------------------------------------------------------------

    def _http1_packet(self, conn: _Conn, layers: dict[str, Any], ts: float) -> list[Record]:
        # A message reassembled from several TLS records or TCP segments is whole only in the
        # reassembly's raw bytes; the http items' own raw bytes then hold just its last part.
        candidates = [
            *_hex_all(layers.get("tls_tls_segments_raw")),
            *_hex_all(layers.get("tcp_tcp_segments_raw")),
            *_hex_all(layers["http_raw"]),
        ]
        requests: dict[tuple[str, str, tuple[tuple[str, str], ...]], cp.Http1Request] = {}
        for raw in candidates:
            request = cp.http1_request(raw)
            if request is None:
                continue
            key = (request.method, request.target, request.headers)
            known = requests.get(key)
            if known is None or (request.complete, len(request.body)) > (known.complete, len(known.body)):
                requests[key] = request
        records: list[Record] = []
        for request in requests.values():
            if not request.complete and len(requests) == 1:
                request = _body_from_later_layer(request, layers)
            records += self._http1(conn, request, ts)
        return records

    def _http1(self, conn: _Conn, request: cp.Http1Request, ts: float) -> list[Record]:
        if request.method == "CONNECT":
            conn.connect_target = _authority(request.target, 443)[0]
            return []
        scheme = "https" if conn.tls else "http"
        default_port = 443 if conn.tls else 80
        target = request.target
        host_header = next((v for k, v in request.headers if k.lower() == "host"), "")
        if "://" in target:  # absolute form (to a proxy)
            parts = urlsplit(target)
            scheme = parts.scheme.lower() or scheme
            host_header = host_header or parts.netloc
            target = parts.path or "/"
            if parts.query:
                target += "?" + parts.query
            default_port = 443 if scheme == "https" else 80
        host, port = (
            _authority(host_header, default_port)
            if host_header
            else (self._fallback_host(conn), conn.server[1])
        )
        conn.requests += 1
        flow_id = f"{conn.flow_prefix}-{conn.requests}"
        base = self._base(
            conn,
            method=request.method,
            scheme=scheme,
            host=host,
            port=port,
            path=target,
            version=request.version,
            headers=request.headers,
            flow_id=flow_id,
        )
        body, notes = self._body(request.body)
        if not request.complete:
            notes += ("the capture holds only part of this request's body",)
        encoding = (
            next((v for k, v in request.headers if k.lower() == "content-encoding"), "").strip().lower()
        )
        upgrade = next((v for k, v in request.headers if k.lower() == "upgrade"), "")
        if upgrade.lower() == "websocket":
            extensions = next((v for k, v in request.headers if k.lower() == "sec-websocket-extensions"), "")
            conn.ws_base = dict(base)
            conn.ws_deflate = "permessage-deflate" in extensions.lower()
        return [
            Record(
                **base,
                ts=ts,
                kind="http",
                direction="request",
                body=body,
                body_size=len(request.body),
                content_encoding="" if encoding == "identity" else encoding,
                notes=notes,
            )
        ]

    # --- HTTP/2 ----------------------------------------------------------------------------

    def _http2(self, conn: _Conn, raw: bytes, up: bool, ts: float) -> list[Record]:
        try:
            frames = cp.h2_frames(raw)
        except ValueError:
            return []
        records: list[Record] = []
        for frame in frames:
            if frame.stream == 0:
                continue
            if frame.type in (cp.H2_HEADERS, cp.H2_CONTINUATION):
                pending = conn.h2_pending.setdefault(up, bytearray())
                pending += frame.payload
                if frame.type == cp.H2_HEADERS and up:
                    stream = conn.h2_streams.get(frame.stream)
                    if stream is None or stream.done:
                        stream = conn.h2_streams[frame.stream] = _H2Stream(ts)
                    stream.done = bool(frame.flags & cp.H2_END_STREAM)
                if not frame.flags & cp.H2_END_HEADERS:
                    continue
                headers = self._h2_decode(conn, up, bytes(pending))
                pending.clear()
                if headers is None:
                    return records
                stream = conn.h2_streams.get(frame.stream) if up else None
                if stream is None:
                    continue
                if not stream.headers:
                    stream.headers = headers
                    stream.request = any(k == ":method" for k, _ in headers)
                if stream.done:
                    records += self._h2_finish(conn, frame.stream, stream)
            elif frame.type == cp.H2_DATA and up:
                stream = conn.h2_streams.get(frame.stream)
                if stream is None or not stream.request:
                    continue
                stream.body_size += len(frame.payload)
                if len(stream.body) < self.body_cap:
                    stream.body += frame.payload[: self.body_cap - len(stream.body)]
                if frame.flags & cp.H2_END_STREAM:
                    stream.done = True
                    records += self._h2_finish(conn, frame.stream, stream)
        return records

    def _h2_decode(self, conn: _Conn, up: bool, block: bytes) -> list[tuple[str, str]] | None:
        decoder = conn.h2_decoders.get(up)
        if decoder is None:
            decoder = conn.h2_decoders[up] = hpack.Decoder()
            decoder.max_allowed_table_size = 1 << 20
        try:
            decoded = decoder.decode(block, raw=True)
        except Exception as e:  # a gap in the capture desynchronises HPACK for good
            conn.broken = f"HTTP/2 header compression lost its state ({type(e).__name__})"
            return None
        return [
            (k.decode("utf-8", "surrogateescape"), v.decode("utf-8", "surrogateescape")) for k, v in decoded
        ]

    def _h2_finish(self, conn: _Conn, stream_id: int, stream: _H2Stream) -> list[Record]:
        if not stream.request:
            return []
        pseudo = {k: v for k, v in stream.headers if k.startswith(":")}
        headers = tuple((k, v) for k, v in stream.headers if not k.startswith(":"))
        scheme = pseudo.get(":scheme", "https" if conn.tls else "http").lower()
        authority = pseudo.get(":authority") or next((v for k, v in headers if k.lower() == "host"), "")
        default_port = 443 if scheme == "https" else 80
        host, port = (
            _authority(authority, default_port) if authority else (self._fallback_host(conn), conn.server[1])
        )
        base = self._base(
            conn,
            method=pseudo.get(":method", "GET").upper(),
            scheme=scheme,
            host=host,
            port=port,
            path=pseudo.get(":path", "/"),
            version="HTTP/2",
            headers=headers,
            flow_id=f"{conn.flow_prefix}-h2-{stream_id}",
        )
        notes: tuple[str, ...] = ()
        if stream.body_size > len(stream.body):
            notes = (f"body of {stream.body_size} bytes capped at {self.body_cap} for classification",)
        encoding = next((v for k, v in headers if k.lower() == "content-encoding"), "").strip().lower()
        del conn.h2_streams[stream_id]
        return [
            Record(
                **base,
                ts=stream.ts,
                kind="http",
                direction="request",
                body=bytes(stream.body),
                body_size=stream.body_size,
                content_encoding="" if encoding == "identity" else encoding,
                notes=notes,
            )
        ]

    # --- HTTP/3 -------------------------------------------------------------------------------

    def _http3(self, conn: _Conn, layers: dict[str, Any], ts: float) -> list[Record]:
        # tshark gives the stream data of each STREAM frame (http3 raw bytes) and, among QUIC's
        # fields, each STREAM frame's id and FIN flag, in the same order.
        data = _hex_all(layers["http3_raw"])
        quic = layers.get("quic")
        packets = quic if isinstance(quic, list) else [quic]
        ids: list[str] = []
        fins: list[Any] = []
        for packet in packets:
            if isinstance(packet, dict):
                ids += _as_list(packet.get("quic_quic_stream_stream_id"))
                fins += _as_list(packet.get("quic_quic_stream_fin"))
        if len(ids) != len(data) or conn.broken:
            if len(ids) != len(data):
                conn.broken = "HTTP/3 stream data could not be matched to its QUIC streams"
            return []
        h3 = conn.h3 = conn.h3 or _H3()
        records: list[Record] = []
        for sid_text, fin, chunk in zip(ids, fins + [False] * (len(ids) - len(fins)), data, strict=False):
            try:
                sid = int(sid_text)
            except (TypeError, ValueError):
                continue
            fin = fin is True or str(fin).lower() in ("true", "1")
            if sid % 4 == 0:  # client-initiated bidirectional: a request
                stream = h3.streams.setdefault(sid, _H3Stream(ts))
                stream.buffer += chunk
                stream.fin = stream.fin or fin
                self._h3_request_frames(conn, h3, sid, stream)
                if stream.fin and stream.headers is not None:
                    records += self._h3_finish(conn, h3, sid, stream)
            elif sid % 2 == 0 or sid % 4 == 3:  # unidirectional: client's (2) or server's (3)
                records += self._h3_uni(conn, h3, sid, chunk)
        return records

    def _h3_decoder(self, h3: _H3) -> Any:
        if h3.decoder is None:
            h3.decoder = pylsqpack.Decoder(
                h3.settings.get(cp.H3_SETTING_QPACK_MAX_TABLE_CAPACITY, 0),
                h3.settings.get(cp.H3_SETTING_QPACK_BLOCKED_STREAMS, 0),
            )
        return h3.decoder

    def _h3_uni(self, conn: _Conn, h3: _H3, sid: int, chunk: bytes) -> list[Record]:
        buffer = h3.uni_buffers.setdefault(sid, bytearray())
        buffer += chunk
        if h3.uni.get(sid) is None:
            head = cp.varint(buffer, 0)
            if head is None:
                return []
            h3.uni[sid] = head[0]
            del buffer[: head[1]]
        kind = h3.uni[sid]
        if kind == cp.H3_STREAM_CONTROL and sid % 4 == 3:  # the server's SETTINGS size our decoder
            for ftype, payload in cp.h3_frames(buffer):
                if ftype == cp.H3_SETTINGS and h3.decoder is None:
                    h3.settings = cp.h3_settings(payload)
            return []
        if kind == cp.H3_STREAM_QPACK_ENCODER and sid % 4 == 2:  # the client's encoder stream
            instructions = bytes(buffer)
            buffer.clear()
            try:
                unblocked = self._h3_decoder(h3).feed_encoder(instructions)
            except Exception as e:
                conn.broken = f"HTTP/3 header compression lost its state ({type(e).__name__})"
                return []
            records: list[Record] = []
            for blocked_sid in unblocked:
                stream = h3.streams.get(blocked_sid)
                if stream is not None and stream.block is not None:
                    self._h3_headers(conn, h3, blocked_sid, stream, None)
                    if stream.fin and stream.headers is not None:
                        records += self._h3_finish(conn, h3, blocked_sid, stream)
            return records
        buffer.clear()
        return []

    def _h3_request_frames(self, conn: _Conn, h3: _H3, sid: int, stream: _H3Stream) -> None:
        for ftype, payload in cp.h3_frames(stream.buffer):
            if ftype == cp.H3_HEADERS and stream.headers is None and stream.block is None:
                self._h3_headers(conn, h3, sid, stream, payload)
            elif ftype == cp.H3_DATA:
                stream.body_size += len(payload)
                if len(stream.body) < self.body_cap:
                    stream.body += payload[: self.body_cap - len(stream.body)]

    def _h3_headers(self, conn: _Conn, h3: _H3, sid: int, stream: _H3Stream, block: bytes | None) -> None:
        decoder = self._h3_decoder(h3)
        try:
            if block is not None:
                _, headers = decoder.feed_header(sid, block)
            else:
                _, headers = decoder.resume_header(sid)
        except pylsqpack.StreamBlocked:
            stream.block = block or stream.block or b""
            return
        except Exception as e:  # a gap in the capture or a QPACK error
            conn.broken = f"HTTP/3 header compression lost its state ({type(e).__name__})"
            return
        stream.block = None
        stream.headers = [
            (k.decode("utf-8", "surrogateescape"), v.decode("utf-8", "surrogateescape")) for k, v in headers
        ]

    def _h3_finish(self, conn: _Conn, h3: _H3, sid: int, stream: _H3Stream) -> list[Record]:
        del h3.streams[sid]
        headers_all = stream.headers or []
        pseudo = {k: v for k, v in headers_all if k.startswith(":")}
        if ":method" not in pseudo:
            return []
        headers = tuple((k, v) for k, v in headers_all if not k.startswith(":"))
        scheme = pseudo.get(":scheme", "https").lower()
        authority = pseudo.get(":authority") or next((v for k, v in headers if k.lower() == "host"), "")
        host, port = _authority(authority, 443) if authority else (self._fallback_host(conn), conn.server[1])
        base = self._base(
            conn,
            method=pseudo[":method"].upper(),
            scheme=scheme,
            host=host,
            port=port,
            path=pseudo.get(":path", "/"),
            version="HTTP/3",
            headers=headers,
            flow_id=f"{conn.flow_prefix}-h3-{sid}",
        )
        notes: tuple[str, ...] = ()
        if stream.body_size > len(stream.body):
            notes = (f"body of {stream.body_size} bytes capped at {self.body_cap} for classification",)
        encoding = next((v for k, v in headers if k.lower() == "content-encoding"), "").strip().lower()
        return [
            Record(
                **base,
                ts=stream.ts,
                kind="http",
                direction="request",
                body=bytes(stream.body),
                body_size=stream.body_size,
                content_encoding="" if encoding == "identity" else encoding,
                notes=notes,
            )
        ]

    # --- WebSocket -------------------------------------------------------------------------

    def _websocket(self, conn: _Conn, layers: dict[str, Any], up: bool, ts: float) -> list[Record]:
        if conn.ws_base is None:
            return []
        headers = _hex_all(layers.get("websocket_raw"))
        details = layers["websocket"]
        details = details if isinstance(details, list) else [details]
        records: list[Record] = []
        for header, detail in zip(headers, details, strict=False):
            if not isinstance(detail, dict):
                continue
            try:
                fin, rsv1, opcode, masked, key = cp.ws_frame_header(header)
            except ValueError:
                continue
            if masked:
                payload = cp.unmask(_hex(detail.get("websocket_websocket_masked_payload_raw")) or b"", key)
            else:
                payload = _hex(detail.get("websocket_websocket_payload_raw")) or b""
            if opcode >= 0x8:  # close, ping, pong
                continue
            client = masked or up
            if opcode != 0:
                conn.ws_parts[client] = (opcode, bytearray(), ts, rsv1)
            part = conn.ws_parts.get(client)
            if part is None:
                continue
            if len(part[1]) < WS_MESSAGE_CAP:
                part[1].extend(payload[: WS_MESSAGE_CAP - len(part[1])])
            if not fin:
                continue
            del conn.ws_parts[client]
            content = bytes(part[1])
            notes: tuple[str, ...] = ()
            if part[3] and conn.ws_deflate:
                inflater = conn.ws_inflaters.setdefault(client, cp.Inflater(WS_MESSAGE_CAP))
                try:
                    content = inflater.inflate(content)
                except Exception:
                    notes = ("permessage-deflate data could not be inflated",)
            body, capped = self._body(content)
            base = {
                **conn.ws_base,
                "method": "WS",
                "scheme": "wss" if conn.ws_base["scheme"] == "https" else "ws",
            }
            records.append(
                Record(
                    **base,
                    ts=part[2],
                    kind="websocket",
                    direction="client" if client else "server",
                    body=body,
                    body_size=len(content),
                    message_index=conn.ws_index,
                    notes=(*notes, *capped),
                )
            )
            conn.ws_index += 1
        return records

    # --- DNS and what stayed unreadable ------------------------------------------------------

    def _dns(self, raw_value: Any, ts: float, conn: _Conn, *, tcp: bool = False) -> None:
        raw = _hex(raw_value)
        if raw is None:
            return
        if tcp and len(raw) >= 2 and int.from_bytes(raw[:2], "big") == len(raw) - 2:
            raw = raw[2:]  # DNS over TCP: tshark's raw bytes start with the length prefix
        try:
            message = cp.dns_message(raw)
        except ValueError:
            return
        conn.records += 1  # a DNS exchange is read, not "unreadable"
        if not message.names:
            return
        if not message.response:
            if len(self.dns_pending) < DNS_PENDING_MAX:
                self.dns_pending.setdefault(message.names[0], (ts, conn))
            return
        self.dns_pending.pop(message.names[0], None)
        for address in message.addresses:
            self.dns_names[address] = message.names[0]
        if self._wanted(conn):
            self.on_event(
                {
                    "type": "capture:dns",
                    "ts": ts,
                    "name": message.names[0],
                    "answered": True,
                    "addresses": list(message.addresses),
                    "app": self._app_label(conn),
                }
            )

    def unanswered_dns(self) -> Iterator[Event]:
        """Names looked up whose answer is not in the capture (still hosts the app asked for)."""
        for name, (ts, conn) in self.dns_pending.items():
            if self._wanted(conn):
                yield {
                    "type": "capture:dns",
                    "ts": ts,
                    "name": name,
                    "answered": False,
                    "addresses": [],
                    "app": self._app_label(conn),
                }
        self.dns_pending.clear()

    def unreadable(self) -> Iterator[Event]:
        """Events for the connections still open at the end of the capture."""
        for conn in self.conns.values():
            event = self._unreadable_event(conn)
            if event is not None:
                yield event
        self.conns.clear()

    def _retire(self, conn: _Conn) -> None:
        """A connection that ended: say now if it stayed unreadable, and forget it (memory stays
        flat however many connections a capture holds)."""
        event = self._unreadable_event(conn)
        if event is not None:
            self.on_event(event)

    def _sweep(self, now: float) -> None:
        for key, conn in list(self.conns.items()):
            if (conn.closed and conn.last_ts < now - CLOSED_GRACE_S) or conn.last_ts < now - IDLE_RETIRE_S:
                del self.conns[key]
                self._retire(conn)

    def _unreadable_event(self, conn: _Conn) -> Event | None:
        if conn.records or conn.up + conn.down == 0 or not self._wanted(conn):
            return None
        if conn.sni:
            host, how = conn.sni, "sni"
        elif conn.connect_target:
            host, how = conn.connect_target, "connect"
        elif conn.server[0] in self.dns_names:
            host, how = self.dns_names[conn.server[0]], "dns"
        else:
            host, how = conn.server[0], "ip"
        if conn.http3:
            transport, reason = "QUIC", "QUIC decrypted, but no complete HTTP/3 request was read"
        elif conn.quic or conn.proto == "udp" and conn.server[1] == 443:
            transport, reason = "QUIC", "QUIC is encrypted with keys this capture does not hold"
        elif conn.tls:
            transport, reason = (
                "TLS",
                "no TLS key for this connection (or certificate pinning kept decryption out)",
            )
        else:
            transport, reason = conn.proto.upper(), "not HTTP"
        if conn.broken:
            reason = conn.broken
        return {
            "type": "capture:unreadable",
            "ts": conn.first_ts,
            "host": host,
            "host_source": how,
            "server": conn.server[0],
            "port": conn.server[1],
            "client": _address(conn.client),
            "transport": transport,
            "bytes_up": conn.up,
            "bytes_down": conn.down,
            "reason": reason,
            "app": self._app_label(conn),
        }


def read_capture(
    path: Path,
    *,
    app: str | None,
    body_cap: int,
    keylog: Path | None,
    on_event: Callable[[Event], None] | None = None,
    fd: int | None = None,
) -> Iterator[Record]:
    """Records of one pcap/pcapng file, in capture order. Raises `CaptureError` when the file
    cannot be read at all and `CaptureDamage` after the last record before damage. With `fd` (the
    file as the caller opened and vetted it), tshark and phonehome read that very file through
    `/proc/self/fd`, whatever `path` names by now; `path` only names it in messages."""
    source = Path(f"/proc/self/fd/{fd}") if fd is not None and Path("/proc/self/fd").is_dir() else path
    tshark = tshark_path()
    if tshark is None:
        raise CaptureError(
            f"reading a packet capture needs Wireshark's tshark, which is not installed; {INSTALL_HINT}"
        )
    if keylog is not None and not keylog.is_file():
        raise CaptureError(f"key log {keylog} does not exist")
    reader = CaptureReader(path, app=app, body_cap=body_cap, on_event=on_event)
    if keylog is None and sibling_keylog(path) is not None:
        # PCAPdroid saves the key log next to the capture as <capture name>.keylog.
        keylog = sibling_keylog(path)
        reader.on_event({"type": "capture:keylog", "path": str(keylog), "capture": str(path)})
    # The child reopens the inherited descriptor as /dev/fd/N (its own /proc/self is itself).
    target = Path(f"/dev/fd/{fd}") if source != path else path
    proc = subprocess.Popen(
        tshark_argv(tshark, target, keylog),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        bufsize=1 << 20,
        pass_fds=(fd,) if fd is not None and source != path else (),
    )
    assert proc.stdout is not None and proc.stderr is not None
    uids: Iterator[int | None] = iter(())
    side = None
    if _is_pcapng(source):
        side = source.open("rb")
        uids = cp.pcapdroid_pcapng_uids(side, reader.uid_apps)
    try:
        for line in proc.stdout:
            if line.startswith(b'{"index"'):
                continue
            try:
                packet = json.loads(line)
                layers = packet["layers"]
                ts = int(packet.get("timestamp", 0)) / 1000
            except (ValueError, KeyError, TypeError):
                continue
            yield from reader.packet(layers, ts, next(uids, None))
    finally:
        if side is not None:
            side.close()
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        stderr = proc.stderr.read().decode("utf-8", "replace")
        proc.stderr.close()
        status = proc.wait()
    for event in reader.unreadable():
        reader.on_event(event)
    for event in reader.unanswered_dns():
        reader.on_event(event)
    problem = _tshark_problem(stderr).replace(str(target), str(path))
    if status != 0 or problem:
        damage = cp.first_damage(str(source))
        if damage is not None:
            raise CaptureDamage(
                f"{damage.what} at byte {damage.offset} (packet #{damage.packets_before + 1}); "
                f"the {damage.packets_before} complete packets before it were read"
            )
        if reader.packets == 0:
            raise CaptureError(f"tshark cannot read it: {problem or f'exit status {status}'}")
        raise CaptureDamage(
            f"tshark stopped after packet #{reader.packets}: {problem or f'exit status {status}'}"
        )


def sibling_keylog(path: Path) -> Path | None:
    """`<capture name>.keylog` beside the capture (how PCAPdroid exports its SSLKEYLOGFILE), if any."""
    candidate = path.with_suffix(".keylog")
    return candidate if candidate != path and candidate.is_file() else None


def _is_pcapng(path: Path) -> bool:
    with path.open("rb") as f:
        return cp.capture_format(f.read(4)) == "pcapng"


def _tshark_problem(stderr: str) -> str:
    lines = [
        line.strip()
        for line in stderr.splitlines()
        if line.strip() and not line.startswith("Running as user") and "dangerous" not in line
    ]
    return " ".join(lines)[:300]
