"""Leaves of a parsed value (JSON, msgpack, CBOR, JWT): the walk every structured decoder shares."""

from __future__ import annotations

from typing import cast

from ..location import Location
from ._context import _big_int_text, _Ctx
from ._dispatch import _bytes, _string


class _Num(str):
    """A JSON number / constant, kept as its source text."""

    __slots__ = ()


def _walk(
    ctx: _Ctx,
    obj: object,
    loc: Location,
    chain: tuple[str, ...],
    key: str | None,
    depth: int,
) -> None:
    """Leaves of a parsed JSON / msgpack / CBOR / JWT value at `loc` (the decoder's step, e.g.
    `body.json`, then one field or index per level)."""
    ctx.nodes_left -= 1
    if ctx.nodes_left < 0:
        ctx.visit(loc)
    t = type(obj)
    if t is str:
        _string(ctx, obj, loc, loc, chain, key, depth)  # type: ignore[arg-type]
    elif t is _Num:
        ctx.leaf(loc, key, str.__str__(obj), chain)
    elif t is dict:
        if depth > ctx.lim.max_depth:
            ctx.note(f"max_depth {ctx.lim.max_depth} at {loc}: object not decoded")
            return
        if len(obj) <= 8 and ("type" in obj or "o" in obj):  # type: ignore[arg-type, operator]
            # small objects that may be a session-replay event or a session-trace node
            if _rrweb(ctx, obj, loc, chain, depth) or _nrtrace(ctx, obj, loc, chain, depth):  # type: ignore[arg-type]
                return
        nd = depth + 1
        for k, v in obj.items():  # type: ignore[attr-defined]
            ks = k if type(k) is str else _scalar_text(k)
            _walk(ctx, v, loc.key(ks), chain, ks, nd)
    elif t is list or t is tuple:
        if depth > ctx.lim.max_depth:
            ctx.note(f"max_depth {ctx.lim.max_depth} at {loc}: array not decoded")
            return
        nd = depth + 1
        for i, v in enumerate(obj):  # type: ignore[arg-type]
            _walk(ctx, v, loc.index(i), chain, key, nd)
    elif obj is None:
        return
    elif t is bool:
        ctx.leaf(loc, key, "true" if obj else "false", chain)
    elif t is bytes or t is bytearray:
        _bytes(ctx, bytes(cast(bytes, obj)), loc, loc, chain, key, depth, blob=True)
    elif t is int:
        ctx.leaf(loc, key, _big_int_text(cast(int, obj)), chain)
    elif t is float:
        ctx.leaf(loc, key, repr(obj), chain)
    else:
        _walk_other(ctx, obj, loc, chain, key, depth)


def _walk_other(
    ctx: _Ctx, obj: object, loc: Location, chain: tuple[str, ...], key: str | None, depth: int
) -> None:
    """msgpack ExtType / Timestamp, CBOR tags, sets, dates and other library types."""
    data = getattr(obj, "data", None)
    if isinstance(data, bytes | bytearray):  # msgpack ExtType
        _bytes(ctx, bytes(data), loc, loc, chain, key, depth, blob=True)
        return
    if type(obj).__name__ == "CBORTag":
        _walk(ctx, getattr(obj, "value", None), loc, chain, key, depth)
        return
    if isinstance(obj, set | frozenset):
        _walk(ctx, list(obj), loc, chain, key, depth)
        return
    if isinstance(obj, dict):
        _walk(ctx, dict(obj), loc, chain, key, depth)
        return
    ctx.leaf(loc, key, _scalar_text(obj), chain)


def _scalar_text(v: object) -> str:
    if type(v) is bool:
        return "true" if v else "false"
    if isinstance(v, int):
        return _big_int_text(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, bytes):
        return v.hex()
    try:
        text = str(v)
    except Exception:  # noqa: BLE001 - a hostile object's __str__
        return f"<{type(v).__name__}>"
    return text


from ._nrtrace import _nrtrace  # noqa: E402  (session-trace nodes are found inside parsed values)
from ._rrweb import _rrweb  # noqa: E402  (rrweb events are found inside parsed values)
