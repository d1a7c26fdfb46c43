"""Decoders `msgpack` and `cbor`: one binary value filling the buffer, declared or guessed."""

from __future__ import annotations

import io

import cbor2
import msgpack

from ..location import Location
from ._api import Registered, register
from ._context import _Ctx
from ._json import _FAIL
from ._tree import _walk


def _packed(
    ctx: _Ctx,
    fmt: str,
    data: bytes,
    base: Location,
    chain: tuple[str, ...],
    key: str | None,
    depth: int,
    *,
    declared: bool,
    blob: bool = False,
) -> bool:
    """msgpack or CBOR: one complete value filling the buffer; when guessed, a map (or array of
    maps) with text keys."""
    if len(data) > ctx.lim.max_parse_size // 4:
        if not declared:
            ctx.note(
                f"max_parse_size {ctx.lim.max_parse_size} at {base}: {len(data)} bytes over a quarter of it;"
                f" not tried as {fmt}"
            )
        else:
            ctx.note(
                f"max_parse_size {ctx.lim.max_parse_size} at {base}: {fmt} of {len(data)} bytes is over a"
                " quarter of it; kept as a blob, not parsed"
            )
            ctx.blob(base, data, chain)
            return True
        return False
    obj = _unpack(fmt, data)
    if obj is _FAIL:
        if declared:
            ctx.note(f"{fmt} at {base}: declared {fmt} but not valid; sniffed instead")
        return False
    if not declared and not _plausible_packed(obj):
        return False
    if blob:
        ctx.blob(base, data, chain)
    head = base.step(fmt)
    if ctx.deep(depth + 1, head, f"{fmt} value"):
        return True
    _walk(ctx, obj, head, chain + (fmt,), key, depth + 1)
    return True


def _unpack(fmt: str, data: bytes) -> object:
    try:
        if fmt == "msgpack":
            return msgpack.unpackb(data, raw=False, strict_map_key=False, unicode_errors="replace")
        fp = io.BytesIO(data)
        obj = cbor2.CBORDecoder(fp).decode()
        if fp.tell() != len(data):
            return _FAIL
        return obj
    except RecursionError:
        return _FAIL
    except Exception:  # noqa: BLE001 - both libraries raise a variety of types on bad input
        return _FAIL


def _plausible_packed(obj: object) -> bool:
    """A guessed msgpack/CBOR value must look like a record: a non-empty map (or array of maps)
    whose keys are integers or printable text, at least one of them text."""
    if isinstance(obj, list):
        return bool(obj) and all(isinstance(x, dict) and _record_keys(x) for x in obj[:16])
    return isinstance(obj, dict) and _record_keys(obj)


def _record_keys(d: dict) -> bool:
    keys = list(d)[:64]
    text = [k for k in keys if type(k) is str]
    return (
        bool(text)
        and all(k and k.isprintable() for k in text)
        and all(type(k) is int for k in keys if type(k) is not str)
    )


register(Registered("msgpack", 70, _packed, lambda ct: "msgpack" in ct or "messagepack" in ct))
register(Registered("cbor", 80, _packed, lambda ct: "cbor" in ct))
