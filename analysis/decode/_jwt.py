"""Decoder `jwt`: a JSON Web Token's header and payload."""

from __future__ import annotations

import binascii
import re

from ..location import Location
from ._api import Registered, register
from ._context import _B64_TO_STD, _Ctx
from ._json import _DEEP, _FAIL, _json_loads
from ._tree import _walk

_JWT = re.compile(r"(eyJ[A-Za-z0-9_\-]+)\.(eyJ[A-Za-z0-9_\-]*)\.[A-Za-z0-9_\-]*")


def _jwt(ctx: _Ctx, s: str, base: Location, chain: tuple[str, ...], key: str | None, nd: int) -> bool:
    m = _JWT.fullmatch(s)
    if not m:
        return False
    parts = {}
    for name, seg in (("header", m.group(1)), ("payload", m.group(2))):
        try:
            raw = binascii.a2b_base64(seg.translate(_B64_TO_STD) + "=" * (-len(seg) & 3), strict_mode=True)
            obj = _json_loads(raw.decode("utf-8"))
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return False
        if obj is _FAIL or obj is _DEEP:
            return False
        parts[name] = obj
    head = base.step("jwt")
    if ctx.deep(nd, head, "JWT"):
        return True
    _walk(ctx, parts, head, chain + ("jwt",), key, nd)
    return True


register(Registered("jwt", 100, _jwt))
