"""mitmproxy flows → `Record`s: one per HTTP request, one per WebSocket message.

Records are built from a flow's serialised state (the dict mitmproxy writes to flow files), so
replay can skip rebuilding full `Flow` objects and the live worker builds records the same way.
Bodies are kept as sent: a Content-Encoding is named in `Record.content_encoding` and undone by
the decoder within its limits, so a decompression bomb never inflates here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from mitmproxy import http
from mitmproxy import version as mitm_version
from mitmproxy.flow import Flow
from mitmproxy.io import compat
from mitmproxy.websocket import WebSocketMessage

from .model import Record, Source

DEFAULT_BODY_CAP = 1_000_000
"""Bytes of a body kept for classification; the rest is still in the saved flow."""

_SE = "surrogateescape"


def _s(value: Any) -> str:
    return value.decode("utf-8", _SE) if isinstance(value, bytes) else str(value or "")


def _authority_host_port(authority: str) -> tuple[str, int | None]:
    if authority.startswith("["):
        host, _, rest = authority[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    else:
        host, sep, port = authority.rpartition(":")
        if not sep or not port.isdigit():
            host, port = authority, ""
    return host.lower(), int(port) if port.isdigit() else None


class _Request:
    """The parts of a serialised mitmproxy request a record needs."""

    __slots__ = ("state", "headers", "http_version", "scheme")

    def __init__(self, state: Mapping[str, Any]) -> None:
        self.state = state
        self.headers = tuple((_s(k), _s(v)) for k, v in state.get("headers") or ())
        self.http_version = _s(state.get("http_version"))
        self.scheme = _s(state.get("scheme")).lower()

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    def host_port(self) -> tuple[str, int]:
        """The destination the client asked for: `:authority` or Host (as mitmproxy's
        `pretty_host`), which survives transparent modes and rerouting, else the connection's."""
        h2 = self.http_version.startswith(("HTTP/2", "HTTP/3"))
        authority = (_s(self.state.get("authority")) or self.header("host")) if h2 else self.header("host")
        if authority:
            host, port = _authority_host_port(authority)
            if host:
                return host, port or (443 if self.scheme == "https" else 80)
        return str(self.state.get("host", "")), int(self.state.get("port") or 0)

    def base(self, flow_id: str, response_status: int | None, app: str | None) -> dict[str, Any]:
        host, port = self.host_port()
        return {
            "flow_id": flow_id,
            "method": _s(self.state.get("method")).upper(),
            "host": host,
            "port": port,
            "path": _s(self.state.get("path")),
            "http_version": "HTTP/2" if self.http_version == "HTTP/2.0" else self.http_version,
            "request_headers": self.headers,
            "response_status": response_status,
            "app": app,
        }


def _body(raw: bytes, cap: int) -> tuple[bytes, tuple[str, ...]]:
    if len(raw) > cap:
        return raw[:cap], (f"body of {len(raw)} bytes capped at {cap} for classification",)
    return raw, ()


def _http_record(req: _Request, base: dict[str, Any], *, source: Source, body_cap: int) -> Record:
    raw = req.state.get("content") or b""
    body, notes = _body(raw, body_cap)
    encoding = (req.header("content-encoding") or "").strip().lower()
    return Record(
        **base,
        ts=float(req.state.get("timestamp_start") or 0.0),
        kind="http",
        direction="request",
        scheme="https" if req.scheme == "https" else "http",
        body=body,
        body_size=len(raw),
        source=source,
        content_encoding="" if encoding == "identity" else encoding,
        notes=notes,
    )


def _ws_record(
    req: _Request, base: dict[str, Any], message: Sequence[Any], index: int, *, source: Source, body_cap: int
) -> Record:
    _type, from_client, content, timestamp = message[0], message[1], message[2] or b"", message[3]
    body, notes = _body(content, body_cap)
    return Record(
        **{**base, "method": "WS"},
        ts=float(timestamp or 0.0),
        kind="websocket",
        direction="client" if from_client else "server",
        scheme="wss" if req.scheme == "https" else "ws",
        body=body,
        body_size=len(content),
        source=source,
        message_index=index,
        notes=notes,
    )


def server_ip(server_conn: Any) -> str:
    """The IP address in a flow state's `server_conn.peername` ("" when there is none)."""
    peer = server_conn.get("peername") if isinstance(server_conn, Mapping) else None
    if isinstance(peer, (list, tuple)) and peer and isinstance(peer[0], (str, bytes)):
        ip = peer[0].decode("ascii", "replace") if isinstance(peer[0], bytes) else peer[0]
        return ip[:64]
    return ""


def records_from_state(
    state: Mapping[str, Any],
    *,
    source: Source = "flowfile",
    app: str | None = None,
    body_cap: int = DEFAULT_BODY_CAP,
) -> list[Record]:
    """Records of one serialised flow (as read from a flow file, any version mitmproxy reads):
    its HTTP request (for a WebSocket: the handshake, whose URL and headers carry data too) and
    every WebSocket message. Non-HTTP flows (TCP, UDP, DNS) give none."""
    if state.get("version") != mitm_version.FLOW_FORMAT_VERSION:
        # mitmproxy's migration takes and gives state whose keys may be bytes (very old files).
        old: dict[bytes | str, Any] = {k: v for k, v in state.items()}
        state = cast(dict[str, Any], compat.migrate_flow(old))
    if state.get("type") != "http" or not state.get("request"):
        return []
    req = _Request(state["request"])
    response = state.get("response")
    status = response.get("status_code") if isinstance(response, Mapping) else None
    base = req.base(str(state.get("id", "")), status, app)
    base["server_ip"] = server_ip(state.get("server_conn"))
    records = [_http_record(req, base, source=source, body_cap=body_cap)]
    websocket = state.get("websocket")
    if isinstance(websocket, Mapping):
        for i, message in enumerate(websocket.get("messages") or ()):
            records.append(_ws_record(req, base, message, i, source=source, body_cap=body_cap))
    return records


def records_from_flow(
    flow: Flow, *, source: Source = "proxy", app: str | None = None, body_cap: int = DEFAULT_BODY_CAP
) -> list[Record]:
    """Records of a live `Flow` object (see `records_from_state`)."""
    if not isinstance(flow, http.HTTPFlow):
        return []
    return records_from_state(flow.get_state(), source=source, app=app, body_cap=body_cap)


def ws_message_record(
    flow: http.HTTPFlow,
    message: WebSocketMessage,
    index: int,
    *,
    source: Source,
    app: str | None = None,
    body_cap: int = DEFAULT_BODY_CAP,
) -> Record:
    req = _Request(flow.request.get_state())
    status = flow.response.status_code if flow.response else None
    base = req.base(flow.id, status, app)
    base["server_ip"] = server_ip(flow.server_conn.get_state() if flow.server_conn else None)
    return _ws_record(req, base, message.get_state(), index, source=source, body_cap=body_cap)
