"""Decoder `socketio`: a Socket.IO frame on a WebSocket (numeric prefix, then JSON)."""

from __future__ import annotations

import re

from ..location import Location
from ._api import Registered, register
from ._context import _Ctx
from ._json import _DEEP, _FAIL, _json_loads
from ._tree import _walk

_SOCKETIO = re.compile(r"\d{1,3}(?=[\[{])")


def _socketio(ctx: _Ctx, st: str, base: Location, chain: tuple[str, ...], depth: int) -> bool:
    """A WebSocket message `st` (stripped) that is a Socket.IO event: its JSON walked; else False."""
    m = _SOCKETIO.match(st)
    if m:
        obj = _json_loads(st[m.end() :])
        if obj is not _FAIL and obj is not _DEEP:
            head = base.step("socketio").step("json")
            _walk(ctx, obj, head, chain + ("socketio", "json"), None, depth + 1)
            return True
    return False


register(Registered("socketio", 100, _socketio))
