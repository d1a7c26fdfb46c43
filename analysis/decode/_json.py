"""Decoders `json` and `ndjson`: parsing JSON text into values `_tree` walks."""

from __future__ import annotations

import json

from ..location import Location
from ._api import Registered, register
from ._context import _WS, _Ctx
from ._tree import _Num, _walk

_json_raw_decode = json.JSONDecoder(parse_float=_Num, parse_constant=_Num).raw_decode


_json_raw_decode_text_ints = json.JSONDecoder(
    parse_float=_Num, parse_int=_Num, parse_constant=_Num
).raw_decode


class _Sentinel:
    __slots__ = ()


_FAIL: object = _Sentinel()


_DEEP: object = _Sentinel()


def _json_loads(text: str) -> object:
    try:
        obj, end = _json_raw_decode(text)
    except RecursionError:
        return _DEEP
    except ValueError as e:
        if "integer string conversion" not in str(e):
            return _FAIL
        try:
            obj, end = _json_raw_decode_text_ints(text)
        except RecursionError:
            return _DEEP
        except (ValueError, TypeError):
            return _FAIL
    except TypeError:
        return _FAIL
    if end != len(text) and text[end:].strip(_WS):
        return _FAIL
    return obj


def _ndjson(ctx: _Ctx, text: str, base: Location, chain: tuple[str, ...], depth: int) -> bool:
    """One JSON document per line. Lines that are not JSON (a Sentry envelope's attachment, a
    truncated last line) are kept as strings, as long as most lines (and at least two) are JSON
    objects or arrays."""
    docs: list[object] = []
    good = 0
    cap = max(ctx.nodes_left, 0) + 1  # more lines than that would hit max_nodes in the walk
    for line in text.split("\n", cap)[:cap]:
        line = line.strip(_WS)
        if not line:
            continue
        obj = _json_loads(line) if line[0] in "{[" else _FAIL
        if obj is _FAIL or obj is _DEEP:
            docs.append(line)
        else:
            docs.append(obj)
            good += 1
    if good < 2 or good * 2 <= len(docs):
        return False
    _walk(ctx, docs, base.step("ndjson"), chain + ("ndjson",), None, depth + 1)
    return True


register(
    Registered(
        "ndjson",
        30,
        _ndjson,
        lambda ct: "ndjson" in ct or "jsonl" in ct or "json-seq" in ct or "jsonlines" in ct,
    )
)
register(Registered("json", 40, _json_loads, lambda ct: "json" in ct))
