"""Typed values that cross the pipeline's stage boundaries.

    flow (mitmproxy / HAR / TLS hook) -> Record -> Leaf* -> Detection* -> finding row

A `Record` is one thing that left (or reached) the phone: an HTTP request with its response
status, or one WebSocket message. Decoders turn a record into `Leaf`s; detectors turn leaves into
`Detection`s; destinations and consent turn detections into rows of the findings table
(`analysis.schema`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .location import Location

Source = Literal["proxy", "flowfile", "har", "tls-hook", "pcap"]
Direction = Literal["request", "client", "server"]
"""`request` for HTTP requests; `client`/`server` for who sent a WebSocket message."""


@dataclass(frozen=True, slots=True)
class Record:
    flow_id: str
    ts: float
    """Seconds since the epoch (UTC) when the request or message was sent."""
    kind: Literal["http", "websocket"]
    direction: Direction
    method: str
    scheme: str
    """`http`, `https`, `ws` or `wss`."""
    host: str
    port: int
    path: str
    """Path including the query string, as sent."""
    http_version: str
    request_headers: tuple[tuple[str, str], ...]
    body: bytes
    """Request body as sent (Content-Encoding not undone: see `content_encoding`), or the
    WebSocket message; at most the configured cap."""
    body_size: int
    """Size of the full body before the cap."""
    response_status: int | None = None
    app: str | None = None
    source: Source = "flowfile"
    message_index: int | None = None
    """Position of a WebSocket message within its flow."""
    content_encoding: str = ""
    """The body's Content-Encoding (`gzip`, `br`, ...), undone by the decoder within its limits;
    empty when the body is plain (HAR files store bodies already decoded)."""
    notes: tuple[str, ...] = ()
    """What was skipped or capped while building the record, for the evidence."""
    client_address: str = ""
    server_address: str = ""
    """`ip:port` of the two ends, where the input knows them (packet captures)."""
    server_ip: str = ""
    """The address of the server the proxy connected to (mitmproxy's `server_conn.peername`, HAR
    `serverIPAddress`); "" when not known. A different fact from the company's country (CDNs)."""

    @property
    def cleartext(self) -> bool:
        return self.scheme in ("http", "ws")

    @property
    def outgoing(self) -> bool:
        return self.direction in ("request", "client")

    @property
    def url(self) -> str:
        default = 443 if self.scheme in ("https", "wss") else 80
        netloc = self.host if self.port == default else f"{self.host}:{self.port}"
        if ":" in self.host and not self.host.startswith("["):
            netloc = f"[{self.host}]" if self.port == default else f"[{self.host}]:{self.port}"
        return f"{self.scheme}://{netloc}{self.path}"

    @property
    def request_line(self) -> str:
        if self.kind == "websocket":
            return f"WebSocket {self.direction} message #{self.message_index} on {self.url}"
        return f"{self.method} {self.url}"

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for k, v in self.request_headers:
            if k.lower() == lname:
                return v
        return None


@dataclass(frozen=True, slots=True)
class Leaf:
    """One scalar value found in a request, with where it was and how it was unwrapped."""

    location: Location
    """Where in the request (`analysis.location`; `str()` gives the notation), e.g. `query:adid`, `header:User-Agent`, `cookie:_fbp`, `path[2]`,
    `body.json:events[0].adid`, `body.form:extinfo>json:[3]`, `ws.json:device.id`."""
    key: str | None
    """The innermost field name the value was stored under, if any."""
    value: str
    decoding: tuple[str, ...] = ()
    """Decoders applied on the way, outermost first, e.g. `("form", "json", "base64", "json")`."""


@dataclass(frozen=True, slots=True)
class Blob:
    """Raw bytes of a request part (a body, a decoded field), searched for known values as-is."""

    location: Location
    data: bytes
    decoding: tuple[str, ...] = ()


@dataclass(slots=True)
class Decoded:
    """Everything the decoders could unwrap from one record."""

    leaves: list[Leaf] = field(default_factory=list)
    blobs: list[Blob] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Limits hit and parts skipped (`depth limit 12 at body.json:a.b`, `gzip bomb …`)."""


Detector = Literal["key", "pattern", "profile", "runtime"]


@dataclass(frozen=True, slots=True)
class Detection:
    category: str
    location: str
    decoding: tuple[str, ...]
    value: str
    detector: Detector
    rule: str
    """Which rule or known value matched: `key:gps_adid`, `pattern:imei-luhn`,
    `profile:device.android_id sha256(lower)`, `runtime:hook#12 Settings.Secure.getString`."""
    confidence: float
    key: str | None = None
    evidence: str = ""
    """Free text a person can check by hand (what else supported the match)."""
