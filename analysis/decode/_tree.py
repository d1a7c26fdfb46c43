"""Leaves of a parsed value (JSON, msgpack, CBOR, JWT): the walk every structured decoder shares."""

from __future__ import annotations

from typing import cast

from ._context import _at, _big_int_text, _Ctx, _qnested
from ._dispatch import _bytes, _string


class _Num(str):
    """A JSON number / constant, kept as its source text."""

    __slots__ = ()


def _walk(
    ctx: _Ctx,
    obj: object,
    head: str,
    path: str,
    chain: tuple[str, ...],
    key: str | None,
    depth: int,
) -> None:
    """Leaves of a parsed JSON / msgpack / CBOR / JWT value. `head` is the location up to the
    decoder name (`body.json`), `path` the path inside it."""
    ctx.nodes_left -= 1
    if ctx.nodes_left < 0:
        ctx.visit(_at(head, path))
    t = type(obj)
    if t is str:
        loc = f"{head}:{path}" if path else head
        _string(ctx, obj, loc, loc, chain, key, depth)  # type: ignore[arg-type]
    elif t is _Num:
        ctx.leaf(f"{head}:{path}" if path else head, key, str.__str__(obj), chain)
    elif t is dict:
        if depth > ctx.lim.max_depth:
            ctx.note(f"max_depth {ctx.lim.max_depth} at {_at(head, path)}: object not decoded")
            return
        if "timestamp" in obj and "type" in obj and _rrweb(ctx, obj, head, path, chain, depth):  # type: ignore[operator, arg-type]
            return
        if "o" in obj and "t" in obj and _nrtrace(ctx, obj, head, path, chain, depth):  # type: ignore[operator, arg-type]
            return
        nd = depth + 1
        for k, v in obj.items():  # type: ignore[attr-defined]
            ks = k if type(k) is str else _scalar_text(k)
            _walk(ctx, v, head, _qnested(path, ks), chain, ks, nd)
    elif t is list or t is tuple:
        if depth > ctx.lim.max_depth:
            ctx.note(f"max_depth {ctx.lim.max_depth} at {_at(head, path)}: array not decoded")
            return
        nd = depth + 1
        for i, v in enumerate(obj):  # type: ignore[arg-type]
            _walk(ctx, v, head, f"{path}[{i}]", chain, key, nd)
    elif obj is None:
        return
    elif t is bool:
        ctx.leaf(_at(head, path), key, "true" if obj else "false", chain)
    elif t is bytes or t is bytearray:
        loc = _at(head, path)
        _bytes(ctx, bytes(cast(bytes, obj)), loc, loc, chain, key, depth, blob=True)
    elif t is int:
        ctx.leaf(_at(head, path), key, _big_int_text(cast(int, obj)), chain)
    elif t is float:
        ctx.leaf(_at(head, path), key, repr(obj), chain)
    else:
        _walk_other(ctx, obj, head, path, chain, key, depth)


def _walk_other(
    ctx: _Ctx, obj: object, head: str, path: str, chain: tuple[str, ...], key: str | None, depth: int
) -> None:
    """msgpack ExtType / Timestamp, CBOR tags, sets, dates and other library types."""
    data = getattr(obj, "data", None)
    if isinstance(data, bytes | bytearray):  # msgpack ExtType
        loc = _at(head, path)
        _bytes(ctx, bytes(data), loc, loc, chain, key, depth, blob=True)
        return
    if type(obj).__name__ == "CBORTag":
        _walk(ctx, getattr(obj, "value", None), head, path, chain, key, depth)
        return
    if isinstance(obj, set | frozenset):
        _walk(ctx, list(obj), head, path, chain, key, depth)
        return
    if isinstance(obj, dict):
        _walk(ctx, dict(obj), head, path, chain, key, depth)
        return
    ctx.leaf(_at(head, path), key, _scalar_text(obj), chain)


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
