"""mitmproxy flows → `Record`s: one per HTTP request, one per WebSocket message."""

from __future__ import annotations

from mitmproxy import http
from mitmproxy.flow import Flow
from mitmproxy.websocket import WebSocketMessage

from .model import Record, Source

DEFAULT_BODY_CAP = 1_000_000
"""Bytes of a body kept for classification; the rest is still in the saved flow."""


def _body(message: http.Request, cap: int) -> tuple[bytes, int, str, list[str]]:
    notes: list[str] = []
    raw = message.raw_content or b""
    encoding = message.headers.get("content-encoding", "").strip().lower()
    content: bytes | None = raw
    undone = ""
    if encoding and encoding != "identity":
        try:
            content = message.get_content(strict=True)
        except ValueError as e:
            notes.append(f"Content-Encoding {encoding!r} could not be undone ({e}); kept the raw body")
            content = raw
            undone = encoding
    body = content or b""
    size = len(body)
    if size > cap:
        notes.append(f"body of {size} bytes capped at {cap} for classification")
        body = body[:cap]
    return body, size, undone, notes


def _scheme(flow: http.HTTPFlow, websocket: bool) -> str:
    secure = flow.request.scheme == "https"
    if websocket:
        return "wss" if secure else "ws"
    return "https" if secure else "http"


def _intended_port(req: http.Request) -> int:
    """The port the client asked for (authority or Host header), which survives rerouting and
    transparent modes where `req.port` is the upstream address actually used."""
    authority = req.authority or req.headers.get("host", "")
    host, _, port = authority.rpartition(":")
    if host and port.isdigit() and not authority.endswith("]"):
        return int(port)
    if authority:
        return 443 if req.scheme == "https" else 80
    return req.port


def _base(flow: http.HTTPFlow, app: str | None) -> dict[str, object]:
    req = flow.request
    return {
        "flow_id": flow.id,
        "method": req.method,
        "host": req.pretty_host,
        "port": _intended_port(req),
        "path": req.path,
        "http_version": "HTTP/2" if req.http_version == "HTTP/2.0" else req.http_version,
        "request_headers": tuple((k, v) for k, v in req.headers.items(multi=True)),
        "response_status": flow.response.status_code if flow.response else None,
        "app": app,
    }


def http_record(flow: http.HTTPFlow, *, source: Source, app: str | None = None,
                body_cap: int = DEFAULT_BODY_CAP) -> Record:
    body, size, undone, notes = _body(flow.request, body_cap)
    return Record(
        **_base(flow, app),  # type: ignore[arg-type]
        ts=flow.request.timestamp_start,
        kind="http",
        direction="request",
        scheme=_scheme(flow, False),
        body=body,
        body_size=size,
        source=source,
        content_encoding=undone,
        notes=tuple(notes),
    )


def ws_message_record(flow: http.HTTPFlow, message: WebSocketMessage, index: int, *, source: Source,
                      app: str | None = None, body_cap: int = DEFAULT_BODY_CAP) -> Record:
    content = message.content
    notes = []
    if len(content) > body_cap:
        notes.append(f"message of {len(content)} bytes capped at {body_cap} for classification")
    base = _base(flow, app)
    base["method"] = "WS"
    return Record(
        **base,  # type: ignore[arg-type]
        ts=message.timestamp,
        kind="websocket",
        direction="client" if message.from_client else "server",
        scheme=_scheme(flow, True),
        body=content[:body_cap],
        body_size=len(content),
        source=source,
        message_index=index,
        notes=tuple(notes),
    )


def records_from_flow(flow: Flow, *, source: Source = "proxy", app: str | None = None,
                      body_cap: int = DEFAULT_BODY_CAP) -> list[Record]:
    """The records of one flow: its HTTP request (unless it is only a WebSocket handshake) and
    every WebSocket message. Non-HTTP flows (TCP, UDP, DNS) give none."""
    if not isinstance(flow, http.HTTPFlow):
        return []
    records: list[Record] = []
    if flow.websocket is None:
        records.append(http_record(flow, source=source, app=app, body_cap=body_cap))
    else:
        # The handshake's query string and headers can carry data too.
        handshake = http_record(flow, source=source, app=app, body_cap=body_cap)
        records.append(handshake)
        for i, message in enumerate(flow.websocket.messages):
            records.append(ws_message_record(flow, message, i, source=source, app=app, body_cap=body_cap))
    return records
