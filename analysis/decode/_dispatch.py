"""The dispatcher: which decoder a byte string or a string goes to. The order of the checks is
the decoding spec (docs/decode.md, "What is decoded"); the decoders themselves live one module
per format and register in `_api`.
"""

from __future__ import annotations

import re

from ..location import Location
from . import _decompress as _cz
from ._api import Registered, content_type_decoder, register
from ._context import (
    _BINARY_LEAF_MAX,
    _CTRL,
    _TEXT_HINTS,
    _WS,
    _ctrl_ratio_ok,
    _Ctx,
    _speculative_text,
    _strict_text,
)

_AUTH = re.compile(r"(?i:bearer|basic|jwt|token|oauth)\s+(\S+)")


def _content_hint(ctype: str) -> str | None:
    """The decoder the Content-Type declares (registry order), or None; once per body or part."""
    ct = ctype.lower()
    if not ct:
        return None
    return content_type_decoder(ct)


def _bytes(
    ctx: _Ctx,
    data: bytes,
    base: Location,
    raw_loc: Location,
    chain: tuple[str, ...],
    key: str | None,
    depth: int,
    *,
    hint: str | None = None,
    strict: bool = False,
    top: bool = False,
    blob: bool = False,
    file: bool = False,
    ws: bool = False,
) -> bool:
    """Decode a byte string. `base` is where nested steps attach, `raw_loc` where a text/hex leaf
    goes. `strict` (output of a speculative decoder): accept only text, structures or compressed
    data, and emit nothing otherwise; returns whether anything was accepted. `blob`: add the bytes
    as a blob at `base` once accepted."""
    lim = ctx.lim
    n = len(data)
    if n == 0:
        if strict:
            return False
        if not top:
            ctx.leaf(raw_loc, key, "", chain)
        return True
    if n > lim.max_parse_size:
        if strict:
            ctx.note(f"max_parse_size {lim.max_parse_size} at {base}: {n} decoded bytes not inspected")
            return False
        ctx.note(f"max_parse_size {lim.max_parse_size} at {base}: {n} bytes kept as a blob, not parsed")
        if blob:
            ctx.blob(base, data, chain)
        head = data[: lim.max_value_length * 4].decode("utf-8", "replace")
        if _ctrl_ratio_ok(head, 0.1):
            ctx.leaf(raw_loc, key, head, chain + ("text",) if top else chain)
        return True

    # Compressed data, recognised by its magic bytes (brotli has none).
    coding = _cz.sniff(data)
    if coding is not None:
        loc = base.step(coding)
        if ctx.deep(depth + 1, loc, f"{coding} data"):
            return not strict
        out = _inflate(ctx, coding, data, loc, "data", quiet=strict or coding == "deflate")
        if out is not None:
            if blob:
                ctx.blob(base, data, chain)
            sub = chain + (coding,)
            ctx.blob(loc, out, sub)
            _bytes(ctx, out, loc, loc, sub, key, depth + 1, hint=None if hint == "bytes" else hint)
            return True
        if strict:
            return False

    # Declared binary formats.
    if hint == "protobuf" and _protobuf(ctx, data, base, chain, key, depth, declared=True, blob=blob):
        return True
    if hint in ("msgpack", "cbor") and _packed(
        ctx, hint, data, base, chain, key, depth, declared=True, blob=blob
    ):
        return True

    # Binary formats sniffed by their first bytes and whole structure.
    if (
        top
        and data[0] in (0x51, 0x6B)
        and hint in (None, "text")
        and _openreplay(ctx, data, base, chain, depth)
    ):
        if blob:
            ctx.blob(base, data, chain)
        return True

    # Text.
    text: str | None = None
    if strict:
        text = _strict_text(data)
        if text is not None and not (text[:1] in ("{", "[") and text.rstrip(_WS)[-1:] in ("}", "]")):
            text = _speculative_text(data)  # JSON-looking text is judged by the JSON parser
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        if text is not None:
            if text.startswith("\ufeff"):
                text = text[1:]
            # Declared text and JSON-looking text are text whatever control characters they hold;
            # anything else must look like text.
            if not (hint in _TEXT_HINTS or text.lstrip(_WS)[:1] in ("{", "[") or _ctrl_ratio_ok(text, 0.1)):
                text = None
            elif hint not in _TEXT_HINTS and _CTRL.search(text[:8192]):
                # Valid UTF-8 with control characters: maybe a protobuf of long strings.
                if _protobuf(ctx, data, base, chain, key, depth, declared=False, blob=blob):
                    return True
    if text is not None:
        _text(ctx, text, data, base, raw_loc, chain, key, depth, hint, blob=blob, top=top, ws=ws)
        return True

    # Binary: guess a structure.
    if hint != "bytes":
        first = data[0]
        if first == 0x7B and _envelope(ctx, data, base, chain, key, depth):  # `{`: framed items
            if blob:
                ctx.blob(base, data, chain)
            return True
        if 0x80 <= first <= 0xBB or first in (0xBF, 0xDC, 0xDD, 0xDE, 0xDF):  # msgpack/CBOR map or array
            for fmt in ("msgpack", "cbor"):
                if fmt != hint and _packed(
                    ctx, fmt, data, base, chain, key, depth, declared=False, blob=blob
                ):
                    return True
        if hint != "protobuf" and _protobuf(
            ctx, data, base, chain, key, depth, declared=False, blob=blob, speculative=strict
        ):
            return True
    if strict:
        return False
    if hint != "bytes":
        # Text with a few bad bytes (a truncated or mis-encoded body) is still worth reading.
        lossy = data.decode("utf-8", "replace")
        if lossy.count("\ufffd") <= max(2, len(lossy) // 50) and _ctrl_ratio_ok(lossy, 0.1):
            ctx.note(f"invalid UTF-8 at {base}: undecodable bytes replaced with U+FFFD")
            _text(ctx, lossy, data, base, raw_loc, chain, key, depth, hint, blob=blob, top=top, ws=ws)
            return True
    if blob:
        ctx.blob(base, data, chain)
    if top and not file and hint is None:
        _length_prefixed(ctx, data, base, chain, depth)
    if not top and not file and n <= _BINARY_LEAF_MAX:
        ctx.leaf(raw_loc, key, data.hex(), chain + ("bytes",))
    return True


def _text(
    ctx: _Ctx,
    text: str,
    data: bytes,
    base: Location,
    raw_loc: Location,
    chain: tuple[str, ...],
    key: str | None,
    depth: int,
    hint: str | None,
    *,
    blob: bool,
    top: bool,
    ws: bool,
) -> None:
    if blob:
        ctx.blob(base, data, chain)
    if top:
        _body_text(ctx, text, base, raw_loc, chain, depth, hint, ws)
    else:
        _string(ctx, text, base, raw_loc, chain, key, depth)


def _body_text(
    ctx: _Ctx,
    text: str,
    base: Location,
    raw_loc: Location,
    chain: tuple[str, ...],
    depth: int,
    hint: str | None,
    ws: bool,
) -> None:
    """A whole body (or multipart part) that is text: JSON, NDJSON, form, Socket.IO, or a string."""
    st = text.strip(_WS)
    c0 = st[:1]
    if c0 in ("{", "[") or hint in ("json", "ndjson"):
        obj = _json_loads(st)
        if obj is not _FAIL and obj is not _DEEP:
            _walk(ctx, obj, base.step("json"), chain + ("json",), None, depth + 1)
            return
        if obj is _DEEP:
            ctx.note(f"json at {base}: nested too deep to parse; kept as text")
            ctx.leaf(raw_loc, None, text, chain + ("text",))
            return
        if "\n" in st and _ndjson(ctx, st, base, chain, depth):
            return
        if hint in ("json", "ndjson"):
            ctx.note(f"json at {base}: declared JSON but not valid JSON; sniffed instead")
    if ws and _socketio(ctx, st, base, chain, depth):
        return
    if c0 == "b" and _bel(ctx, st, base, chain, depth):
        return
    if (hint == "form" or "=" in st) and _form(
        ctx, st, base, chain, None, depth, lenient=True, declared=hint == "form"
    ):
        return
    _string(ctx, text, raw_loc, raw_loc, chain + ("text",), None, depth)


def _string(
    ctx: _Ctx,
    s: str,
    base: Location,
    raw_loc: Location,
    chain: tuple[str, ...],
    key: str | None,
    depth: int,
) -> None:
    """A string value: decode the structure it holds, or emit it and try the opaque decoders."""
    n = len(s)
    # Fast path: most values are short words, numbers, ids.
    if n < 8 and (n < 2 or (s[0] not in '{["' and "=" not in s and "%" not in s)):
        ctx.leaf(raw_loc, key, s, chain)
        return
    if n > ctx.lim.max_parse_size:
        ctx.leaf(raw_loc, key, s, chain)
        ctx.note(
            f"max_parse_size {ctx.lim.max_parse_size} at {raw_loc}: string of {n} characters not decoded further"
        )
        return
    nd = depth + 1
    st = s.strip(_WS) if s[0] in _WS or s[-1] in _WS else s
    c0 = st[:1]

    # Whole-string structures: replace the string by their content.
    if c0 in ("{", "[") and st[-1:] in ("}", "]"):
        head = base.step("json")
        if ctx.deep(nd, head, "JSON string"):
            ctx.leaf(raw_loc, key, s, chain)
            return
        obj = _json_loads(st)
        if obj is not _FAIL and obj is not _DEEP:
            _walk(ctx, obj, head, chain + ("json",), key, nd)
            return
        if obj is _DEEP:
            ctx.note(f"json at {head}: nested too deep to parse; kept as text")
    elif c0 == '"' and st[-1:] == '"' and n >= 2:  # a JSON-encoded string (double encoding)
        obj = _json_loads(st)
        if type(obj) is str:
            head = base.step("json")
            if not ctx.deep(nd, head, "JSON string"):
                _string(ctx, obj, head, head, chain + ("json",), key, nd)
                return
    elif c0 == "e" and st.startswith("eyJ"):
        if _jwt(ctx, st, base, chain, key, nd):
            return
    elif c0 in "BbJjTtOo" and " " in st:  # Authorization: <scheme> <credentials>
        m = _AUTH.fullmatch(st)
        if m:
            ctx.leaf(raw_loc, key, s, chain)
            tok = m.group(1)
            if not (tok.startswith("eyJ") and _jwt(ctx, tok, base, chain, key, nd)):
                _opaque(ctx, tok, base, chain, key, nd)
            return
    # a relative URL's query (`?k=v&k2=v2`): bulk tracking APIs send each request so
    if "=" in st and _form(ctx, st[1:] if c0 == "?" else st, base, chain, key, depth, lenient=False):
        return

    ctx.leaf(raw_loc, key, s, chain)
    _opaque(ctx, st, base, chain, key, nd)


register(Registered("text", 90, _body_text, lambda ct: ct.startswith("text/")))


# The format modules call back into the dispatcher (a value may hold any format); importing
# them after the dispatcher is defined lets both sides bind each other's functions directly.
from ._bel import _bel  # noqa: E402
from ._compress import _inflate  # noqa: E402
from ._envelope import _envelope  # noqa: E402
from ._form import _form  # noqa: E402
from ._json import _DEEP, _FAIL, _json_loads, _ndjson  # noqa: E402
from ._jwt import _jwt  # noqa: E402
from ._opaque import _opaque  # noqa: E402
from ._openreplay import _openreplay  # noqa: E402
from ._packed import _packed  # noqa: E402
from ._protobuf import _protobuf  # noqa: E402
from ._socketio import _socketio  # noqa: E402
from ._strings import _length_prefixed  # noqa: E402
from ._tree import _walk  # noqa: E402
