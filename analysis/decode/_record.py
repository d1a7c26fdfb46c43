"""The parts of a record: URL (path segments, query), headers and cookies, body; the entry point
`decode_record`.
"""

from __future__ import annotations

from urllib.parse import unquote

from ..location import Location
from ..model import Decoded, Record
from . import _decompress as _cz
from ._compress import _inflate
from ._context import DecodeLimits, _Ctx, _Stop
from ._dispatch import _bytes, _content_hint, _string
from ._form import _flat, _split_pairs
from ._grpc import _grpc
from ._multipart import _multipart

TRANSPORT_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "accept-encoding",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-connection",
        "content-encoding",
        "content-type",  # how the body is encoded, used to decode it
        "cookie",  # decoded as cookie:NAME
        ":authority",
        ":method",
        ":path",
        ":scheme",
        ":protocol",
    }
)
"""Request headers that carry no data about the user or device: transport and body framing
(Cookie is decoded as `cookie:NAME` instead)."""


def decode_record(record: Record, limits: DecodeLimits | None = None) -> Decoded:
    """Unwrap every value `record` carries into leaves, blobs and notes; never raises."""
    Location.trim()
    ctx = _Ctx(limits or DecodeLimits())
    stage = "url"
    try:
        if record.kind == "websocket":
            stage = "message"
            _decode_body(ctx, record, Location.WS)
        else:
            _decode_url(ctx, record.path)
            stage = "headers"
            _decode_headers(ctx, record.request_headers)
            stage = "body"
            _decode_body(ctx, record, Location.BODY)
    except _Stop:
        pass
    except RecursionError:
        ctx.note(f"recursion limit hit while decoding the {stage}: rest of it not decoded")
    except MemoryError:
        ctx.note(f"out of memory while decoding the {stage}: rest of it not decoded")
    except Exception as e:  # noqa: BLE001 - a decoder bug must not lose the record
        ctx.note(f"decoder error in the {stage}: {type(e).__name__}: {str(e)[:200]}")
    unsearched = ctx.unsearched()
    if unsearched:
        ctx.note(f"max_leaves {ctx.lim.max_leaves}: under leaf pressure, {unsearched}")
    if ctx.notes_dropped:
        ctx.out.notes.append(f"max_notes {ctx.lim.max_notes}: {ctx.notes_dropped} more notes not kept")
    return ctx.out


def _decode_url(ctx: _Ctx, path: str) -> None:
    path, _, query = path.partition("?")
    path = path.partition("#")[0]
    query = query.partition("#")[0]
    if path.startswith(("http://", "https://")):  # absolute-form request target
        path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
    segments = path.split("/")[1:] if path.startswith("/") else path.split("/")
    for i, seg in enumerate(segments):
        if seg:
            value = unquote(seg, errors="replace")
            loc = Location.url_segment(i)
            _string(ctx, value, loc, loc, (), None, 0)
    if query:
        _flat(ctx, _split_pairs(query, "&", True, ctx.nodes_left), Location.QUERY, (), 0)


def _decode_headers(ctx: _Ctx, headers: tuple[tuple[str, str], ...]) -> None:
    kept: list[tuple[str, str]] = []
    cookies: list[tuple[str, str]] = []
    for name, value in headers:
        lname = name.lower()
        if lname == "cookie":
            for part in value.split(";"):
                k, eq, v = part.strip().partition("=")
                if k or v:
                    v = v.strip()
                    if len(v) >= 2 and v[0] == v[-1] == '"':
                        v = v[1:-1]
                    cookies.append((k.strip(), v))
        elif lname not in TRANSPORT_HEADERS:
            kept.append((name, value))
    _flat(ctx, kept, Location.HEADER, (), 0)
    _flat(ctx, cookies, Location.COOKIE, (), 0)


def _decode_body(ctx: _Ctx, record: Record, base: Location) -> None:
    data = record.body
    if not data:
        return
    ctx.blob(base, data, ())
    if record.body_size > len(data):
        ctx.note(f"body capped at {base}: {len(data)} of {record.body_size} bytes decoded")
    chain: tuple[str, ...] = ()
    if record.content_encoding:
        for token in reversed([t for t in record.content_encoding.split(",") if t.strip()]):
            coding = _cz.normalise(token)
            if coding == "":
                continue
            if coding is None:
                ctx.note(
                    f"content-encoding {token.strip()!r} at {base}: not supported; body analysed as sent"
                )
                break
            # Content-Encoding is transport, not content: undoing it here leaves locations as they
            # are when the proxy undid it, and shows only in the decoding chain.
            out = _inflate(ctx, coding, data, base, "content-encoding")
            if out is None:
                if ctx.inflate_status == "limit":
                    return
                # A declared encoding the body does not have must not hide it: analyse it as sent.
                ctx.note(f"content-encoding {coding} at {base}: the body is not {coding}; analysed as sent")
                break
            chain += (coding,)
            ctx.blob(base, out, chain)
            data = out
    ctype = "" if record.kind == "websocket" else (record.header("content-type") or "")
    hint = _content_hint(ctype)
    if hint == "multipart":
        if _multipart(ctx, data, ctype, base, chain, 1):
            return
        hint = None
    elif hint == "grpc":
        if _grpc(ctx, data, record.header("grpc-encoding") or "", base, chain, 1):
            return
        hint = None
    raw_loc = base.step("text")
    _bytes(ctx, data, base, raw_loc, chain, None, 0, hint=hint, top=True, ws=record.kind == "websocket")
