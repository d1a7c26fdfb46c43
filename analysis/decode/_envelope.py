"""Decoder `envelope`: a body of newline-framed items, some of them binary.

Crash and session-replay SDKs batch several payloads into one body: a JSON header line per item,
then the item, whose size the header may declare (`"length": N`) so that it can hold any bytes.
Sentry's envelope format is the best-known instance (develop.sentry.dev/sdk/envelopes: an
envelope header line, then per item an item header line and a payload; a `replay_recording`
payload is a `{"segment_id":N}` line followed by the zlib-compressed rrweb events); NDJSON with
a compressed or binary line is the general case. A body like this is not valid UTF-8, so neither
the JSON nor the NDJSON decoder reads it and, without this decoder, only the length-prefixed
string scan sees its text.

Each item is decoded on its own: JSON lines are walked (`body.envelope:[2].user.id`); a payload
of a declared length, or the rest of the body once a line is not JSON, goes back to the
dispatcher, which inflates it, reads it as JSON, text or another envelope
(`body.envelope:[4]>envelope:[1]>deflate>json:[3].data.text`).
"""

from __future__ import annotations

from ..location import Location
from ._api import Registered, register
from ._context import _Ctx
from ._dispatch import _bytes
from ._json import _DEEP, _FAIL, _json_loads
from ._tree import _walk

_MAX_ITEMS = 1000
"""Items read from one envelope; the rest of the body is one last binary item."""


def _envelope(
    ctx: _Ctx, data: bytes, base: Location, chain: tuple[str, ...], key: str | None, depth: int
) -> bool:
    """Decode `data` (bytes that are not UTF-8 and start with a JSON line) as framed items; False
    (nothing emitted) unless it starts with a JSON object line and holds a binary item."""
    items = _split(data)
    if items is None:
        return False
    head = base.step("envelope")
    if ctx.deep(depth + 1, head, "envelope"):
        return True
    sub = chain + ("envelope",)
    for i, item in enumerate(items):
        loc = head.index(i)
        if isinstance(item, bytes):
            _bytes(ctx, item, loc, loc, sub, key, depth + 1, blob=True)
        else:
            _walk(ctx, item, loc, sub, key, depth + 1)
    return True


def _split(data: bytes) -> list[object] | None:
    """The items of an envelope: parsed JSON lines and payloads as bytes; None when `data` is not
    one (its first line is no JSON object, or no item is binary)."""
    n = len(data)
    items: list[object] = []
    binary = False
    pos = 0
    while pos < n:
        if len(items) >= _MAX_ITEMS:
            items.append(data[pos:])
            binary = True
            break
        nl = data.find(b"\n", pos)
        end = n if nl < 0 else nl
        line = data[pos:end].strip(b" \t\r")
        if not line:
            pos = end + 1
            continue
        obj = _json_line(line)
        if obj is None:
            if not items:
                return None
            items.append(data[pos:])  # binary data runs past newlines: the rest is one item
            binary = True
            break
        if not items and not isinstance(obj, dict):
            return None
        items.append(obj)
        pos = end + 1
        length = obj.get("length") if isinstance(obj, dict) else None
        if type(length) is int and 0 < length <= n - pos:
            payload = data[pos : pos + length]
            items.append(payload)
            binary = binary or _json_line(payload.strip(b" \t\r\n")) is None
            pos += length
            if data[pos : pos + 1] == b"\n":
                pos += 1
    if not binary:
        return None
    return items


def _json_line(line: bytes) -> object | None:
    """A JSON object or array on one line, or None."""
    if line[:1] not in (b"{", b"[") or line[-1:] not in (b"}", b"]"):
        return None
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    obj = _json_loads(text)
    if obj is _FAIL or obj is _DEEP:
        return None
    return obj


register(Registered("envelope", 35, _envelope))  # sniffed only: JSON first line, a binary item
